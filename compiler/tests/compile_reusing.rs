//! `compile::compile_reusing` (the language server's compiles) gives exactly what a fresh
//! `compile` gives, after any edit: text moved, statements changed, removed or added, groups
//! changed by an attachment, options changed. Every example is edited at many places in
//! turn, with one memo carried through the whole sequence, and each step's output (documents,
//! spans, statements, warnings, errors) is compared with a fresh compile of the same text.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly"
)]

use std::collections::BTreeMap;
use std::path::Path;

use govc_compiler::compile::{compile, compile_reusing, diagnostics_reusing, Memo, Options};
use govc_compiler::db::{self, Database};
use govc_compiler::diagnostics::Diagnostic;

type Texts = BTreeMap<String, String>;

/// The bundled examples, by path.
fn examples() -> Texts {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut out = Texts::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "gov") {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            out.insert(name, std::fs::read_to_string(&p).unwrap());
        }
    }
    assert!(out.len() >= 10, "the examples are found");
    out
}

/// The program of `texts`, every file a root.
fn load(texts: &Texts) -> (Database, db::Workspace) {
    let mut database = Database::new(govc_compiler::catalog::embedded());
    let roots: Vec<String> = texts.keys().cloned().collect();
    let (ws, failed) = db::load(&mut database, &roots, &|p| {
        texts
            .get(p)
            .map(|t| t.as_bytes().to_vec())
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
    });
    assert!(failed.is_empty());
    (database, ws)
}

/// Compiles `texts` (every file a root) fresh and reusing `memo`; they must agree.
/// Returns whether the program compiled (so the sequence can tell it tested something).
fn agree(texts: &Texts, opts: &Options, memo: &Memo, what: &str) -> bool {
    let (database, ws) = load(texts);
    if db::program_diagnostics(&database, ws)
        .iter()
        .any(Diagnostic::is_error)
    {
        return false;
    }
    let program = db::program_rules(&database, ws);
    let fresh = compile(program, opts);
    // The diagnostics-only path first, so that it meets the memo as the last edit left it.
    let diagnostics = diagnostics_reusing(program, opts, memo);
    let reused = compile_reusing(program, opts, memo);
    assert!(fresh == reused, "{what}: a reusing compile differs");
    let expected = match &fresh {
        Ok(output) => &output.warnings,
        Err(errors) => errors,
    };
    assert!(
        *expected == diagnostics,
        "{what}: the diagnostics of a reusing compile differ"
    );
    fresh.is_ok()
}

/// The warnings of a fresh compile of `texts`.
fn fresh_warnings(texts: &Texts) -> Vec<Diagnostic> {
    let (database, ws) = load(texts);
    compile(db::program_rules(&database, ws), &Options::default())
        .map(|o| o.warnings)
        .unwrap_or_default()
}

/// Line starts of `text` (the offsets where an insertion moves everything after it).
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&i| i < text.len())
        .collect()
}

/// At most `n` of `items`, spread evenly.
fn spread<T: Copy>(items: &[T], n: usize) -> Vec<T> {
    let step = items.len().div_ceil(n).max(1);
    items.iter().step_by(step).copied().collect()
}

#[test]
fn reusing_compiles_equal_fresh_ones_through_a_sequence_of_edits() {
    let base = examples();
    let memo = Memo::default();
    let opts = Options::default();
    let mut compiled = 0;
    assert!(agree(&base, &opts, &memo, "base"), "the examples compile");
    for (file, text) in &base {
        let starts = line_starts(text);
        for at in spread(&starts, 12) {
            // Everything after `at` moves; nothing else changes.
            let mut moved = base.clone();
            moved.insert(file.clone(), format!("{}\n\n{}", &text[..at], &text[at..]));
            compiled += usize::from(agree(
                &moved,
                &opts,
                &memo,
                &format!("{file}: lines moved at {at}"),
            ));
            // The line at `at` removed: a statement or a whole rule goes, or the program
            // breaks (then only the checker speaks, and the memo must not mind).
            let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
            let mut removed = base.clone();
            removed.insert(file.clone(), format!("{}{}", &text[..at], &text[end..]));
            compiled += usize::from(agree(
                &removed,
                &opts,
                &memo,
                &format!("{file}: line at {at} removed"),
            ));
            // The line repeated: a duplicate statement in the same group, at new spans.
            let mut doubled = base.clone();
            doubled.insert(file.clone(), format!("{}{}", &text[..end], &text[at..]));
            compiled += usize::from(agree(
                &doubled,
                &opts,
                &memo,
                &format!("{file}: line at {at} repeated"),
            ));
        }
    }
    // Back to the start, then the same program under each option: the memo keys on them.
    assert!(agree(&base, &opts, &memo, "base again"));
    for opts in [
        Options {
            sids: true,
            ..Options::default()
        },
        Options {
            compress_actions: true,
            ..Options::default()
        },
        Options {
            optimize: false,
            ..Options::default()
        },
        Options {
            limits: Some(govc_compiler::rules::Limits::LEGACY),
            ..Options::default()
        },
    ] {
        // (Under the legacy quotas the examples need more slots than they have: the errors
        // must agree too.)
        agree(&base, &opts, &memo, &format!("{opts:?}"));
    }
    assert!(
        compiled > 100,
        "most edits leave a program that compiles: {compiled}"
    );
    let c = memo.counts();
    assert!(
        c.groups_reused > 10 * c.groups_compiled,
        "most groups are reused: {c:?}"
    );
    assert!(
        c.policies_reused > 10 * c.policies_lowered,
        "most policies are reused: {c:?}"
    );
}

/// A model of the language server's case: many groups in one long file (policies on their own
/// and policies sharing targets), edited in one block at a time (Regions changed, the block
/// moved to other targets or detached) while the blocks after it move.
#[test]
fn one_block_edited_among_many() {
    const POLICIES: usize = 40;
    let block = |i: usize, region: &str, target: Option<&str>| {
        let attach = target.map_or(String::new(), |t| format!("attach p{i} to {t}\n"));
        // Every fourth block has a rule the one before it shadows (W0414, with a secondary
        // location): warnings move with their block too.
        let shadowed = if i.is_multiple_of(4) {
            "  deny model deepseek-r1*\n"
        } else {
            ""
        };
        format!(
            "/// Policy {i}.\nscp p{i} {{\n  deny model deepseek*\n{shadowed}  only regions {region}, unspecified\n  \
             deny actions bedrock:InvokeModel unless region in home\n  deny api_keys long_term\n}}\n{attach}\n"
        )
    };
    // Even policies stand alone; odd ones share the five accounts' groups.
    let home_of = |i: usize| (i % 2 == 1).then(|| format!("a{}", i % 5));
    let program = |edited: Option<usize>, region: &str, target: Option<&str>| {
        let mut s = String::from("org {\n  root = \"r-a1b2\"\n  ou prod = \"ou-a1b2-33333333\"\n");
        for a in 0..5 {
            s.push_str(&format!("  account a{a} = \"12345678901{a}\" under prod\n"));
        }
        s.push_str("}\nset home = [us-east-1, us-west-2, unspecified]\n");
        for i in 0..POLICIES {
            if edited == Some(i) {
                s.push_str(&block(i, region, target));
            } else {
                s.push_str(&block(i, "us-east-1", home_of(i).as_deref()));
            }
        }
        Texts::from([("big.gov".to_string(), s)])
    };
    let memo = Memo::default();
    let opts = Options::default();
    assert!(agree(&program(None, "", None), &opts, &memo, "unedited"));
    let warned = fresh_warnings(&program(None, "", None));
    assert!(
        warned.iter().filter(|d| !d.secondary.is_empty()).count() >= POLICIES / 4,
        "the shadowed rules are reported: {warned:?}"
    );
    let groups = POLICIES / 2 + 5;
    let mut steps = 0;
    for edited in [0, 7, 20, 39] {
        for (region, target) in [
            ("eu-west-1", home_of(edited)),
            ("us-east-1, eu-west-1", Some("root".to_string())),
            ("us-east-1", Some("a2".to_string())),
            ("us-east-1", None),
        ] {
            steps += 1;
            assert!(agree(
                &program(Some(edited), region, target.as_deref()),
                &opts,
                &memo,
                &format!("block {edited}: {region} to {target:?}"),
            ));
        }
    }
    // A step differs from the one before in two blocks (the last edit undone, the new one
    // made), each of which changes at most two groups (the one it left, the one it joined).
    // Likewise a step lowers the two blocks it changed.
    let c = memo.counts();
    assert!(c.groups_compiled <= groups + steps * 4, "{c:?}");
    assert!(c.groups_reused >= steps * (groups - 4), "{c:?}");
    assert!(c.policies_lowered <= POLICIES + steps * 2, "{c:?}");
    assert!(c.policies_reused >= steps * (POLICIES - 2), "{c:?}");
}
