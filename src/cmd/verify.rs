//! `govc verify`: the tests in the language, the optimiser's equivalence check and the source ≡ JSON proof.

use crate::*;

pub(crate) fn verify_cmd(
    paths: &[String],
    explain: bool,
    deny_warnings: bool,
    opts: &compile::Options,
    report: &Report,
) -> ExitCode {
    let c = match compiled(paths, opts, report, true) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let output = &c.output;
    let text_of = |p: &str| c.text(p);
    let locate = |file: &str, span: govc_compiler::syntax::Span| c.locate(file, span);
    let program = c.program();
    if matches!(report.format, Format::Human | Format::Github) {
        report.print(&c.diags, &text_of);
    }
    let results = verify::run(program, output);
    let equivalence = govc_compiler::equivalence::check_output(output);
    let proven = equivalence
        .iter()
        .all(|v| v.verdict == govc_compiler::equivalence::Verdict::Equivalent);
    // Source ≡ JSON: the compiled documents against the program's meaning, for every account
    // and identity policy.
    let Some(meaning) = c.meaning.as_deref() else {
        // `compiled` builds the meaning of every program it compiles when asked to.
        errln!("error: the program's meaning was not built");
        return ExitCode::from(2);
    };
    let source = proof::prove_program(program, meaning, output);
    let source_proven = source.iter().all(|p| p.verdict == proof::Verdict::Proven);
    let text = match report.format {
        Format::Human => {
            verify::report_human(&results, explain, &locate)
                + &verify::report_equivalence(&equivalence)
                + &proof::report_human(&source)
        }
        Format::Json => verify::report_json(&results, &source_lines(&source), &locate),
        Format::Junit => {
            verify::report_junit(&results, &equivalence, &source_lines(&source), &locate)
        }
        Format::Github => {
            let line_col = |file: &str, span: govc_compiler::syntax::Span| c.line_col(file, span);
            verify::report_github(
                &results,
                &equivalence,
                &source_lines(&source),
                &line_col,
                &locate,
            )
        }
        Format::Sarif => {
            // One log: the diagnostics are in it, not printed before it.
            let line_col = |file: &str, span: govc_compiler::syntax::Span| c.line_col(file, span);
            verify::report_sarif(
                &c.diags,
                &text_of,
                &results,
                &equivalence,
                &source_lines(&source),
                &line_col,
                &locate,
                env!("CARGO_PKG_VERSION"),
            ) + "\n"
        }
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    let warned = fails(&c.diags, deny_warnings);
    if warned {
        errln!("error: warnings are denied (--deny-warnings)");
    }
    if results.iter().all(verify::TestResult::passed) && proven && source_proven && !warned {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

pub(crate) fn source_lines(proofs: &[proof::SourceProof]) -> Vec<verify::SourceLine> {
    proofs
        .iter()
        .map(|p| (p.subject.clone(), proof::describe(p)))
        .collect()
}
