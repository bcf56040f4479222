//! Fuzz target: arbitrary bytes as one `.gov` file, through everything `govc check`, `compile`,
//! `verify` and `effective` do in-process: every diagnostic (the back end's included), and for a
//! program without errors the compiled documents, the manifest, the policy tests, the
//! optimiser's equivalence check, the source ≡ JSON proof and each account's effective
//! BEDROCK_POLICY, with their reports. Besides crashes, a finding is: a document or report that
//! is not JSON, or a proof or equivalence check that found a request the two sides decide
//! differently (a miscompilation; "not proven" is allowed).
#![no_main]

use govc_compiler::compile::manifest;
use govc_compiler::compile::Options;
use govc_compiler::db;
use govc_compiler::diagnostics::Diagnostic;
use govc_compiler::effective as bedrock_effective;
use govc_compiler::rules::{Limits, TargetKind};
use govc_compiler::{equivalence, proof, verify};
use govc_fuzz::{assert_spans, render, with_program};
use libfuzzer_sys::fuzz_target;

fn json(what: &str, text: &str) {
    if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
        panic!("{what} is not JSON ({e}): {text}");
    }
}

fuzz_target!(|data: &[u8]| {
    // The command-line options, varied by the input's length so a corpus entry keeps them.
    let opts = Options {
        limits: [None, None, Some(Limits::LEGACY), Some(Limits::CURRENT)]
            .get(data.len() % 4)
            .copied()
            .flatten(),
        sids: data.len() % 3 == 1,
        compress_actions: data.len() % 5 == 2,
        optimize: true,
    };
    with_program(data, |database, ws| {
        // `govc check` (and the language server) report these.
        let all = db::all_diagnostics(database, ws);
        assert_spans(database, ws, all);
        render(database, ws, all);

        let (output, warnings) = match db::compile_workspace(database, ws, &opts) {
            Ok(x) => x,
            Err(diags) => {
                assert!(diags.iter().any(Diagnostic::is_error), "{diags:?}");
                assert_spans(database, ws, &diags);
                render(database, ws, &diags);
                return;
            }
        };
        assert_spans(database, ws, &warnings);
        render(database, ws, &warnings);
        let locate =
            |file: &str, span: govc_compiler::syntax::Span| match ws.files(database).get(file) {
                Some(f) => db::locate(
                    file,
                    db::line_index(database, *f),
                    f.text(database),
                    span.start as usize,
                ),
                None => format!("{file}:1:1"),
            };
        for d in &output.documents {
            json(&d.file(), &d.content);
        }
        json("manifest", &manifest::render(&output, &locate));

        // `govc verify`.
        let program = db::program_rules(database, ws);
        let results = verify::run(program, &output);
        let equivalence = equivalence::check_output(&output);
        for v in &equivalence {
            assert!(
                !matches!(v.verdict, equivalence::Verdict::Different { .. }),
                "the optimiser changed a decision: {v:?}"
            );
        }
        let meaning = db::program_meaning(database, ws);
        let source = proof::prove_program(program, meaning, &output);
        for p in &source {
            assert!(
                !matches!(p.verdict, proof::Verdict::Differs { .. }),
                "the compiled JSON does not mean the source: {p:?}"
            );
        }
        let lines: Vec<verify::SourceLine> = source
            .iter()
            .map(|p| (p.subject.clone(), proof::describe(p)))
            .collect();
        let _ = verify::report_human(&results, true, &locate)
            + &verify::report_equivalence(&equivalence)
            + &proof::report_human(&source);
        json(
            "verify --format json",
            &verify::report_json(&results, &lines, &locate),
        );
        let _ = verify::report_junit(&results, &equivalence, &lines, &locate);

        // `govc effective` for every account.
        for t in &program.org.targets {
            if t.kind != TargetKind::Account {
                continue;
            }
            let Some(levels) = bedrock_effective::account_levels(program, &output, &t.name) else {
                continue;
            };
            if let Ok(eff) = bedrock_effective::effective(&levels) {
                let _ = bedrock_effective::report_human(&t.name, &levels, &eff);
                json(
                    "effective --format json",
                    &bedrock_effective::report_json(&t.name, &levels, &eff),
                );
            }
        }
    });
});
