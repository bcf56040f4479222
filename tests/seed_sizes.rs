//! `docs/seed-sizes.md` is generated here: for each seed SCP, the hand-written JSON's minified
//! size against what `govc` compiles from the matching `tests/seeds/<id>.gov`. The test fails
//! when the page is stale. Regenerate with `GOVC_BLESS=1 cargo test --test seed_sizes`.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

#[path = "seeds/common.rs"]
mod common;

use std::fmt::Write;

use common::{compile_seed, scp_documents, scp_statements, seed_json, Seed, ALL_NINE, SEEDS};
use govc_compiler::compile::Options;
use govc_compiler::ir::parse::parse_policy;
use govc_compiler::rules::Limits;

/// The goal: compiled SCPs at most 80 % of the seed's minified characters.
const TARGET_PERCENT: f64 = 80.0;

struct Row {
    hand_statements: usize,
    hand_chars: usize,
    compiled_statements: usize,
    compiled_chars: usize,
    documents: usize,
    notes: Vec<String>,
}

/// White space outside strings removed: what the Organizations API would count for the
/// article's text sent as is, without reordering anything (aws.md §1.2).
fn minify(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in json.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if !c.is_whitespace() {
            out.push(c);
            in_string = c == '"';
        }
    }
    out
}

fn statements_in(json: &str) -> usize {
    parse_policy(json).unwrap().len()
}

fn row(seed: &Seed) -> Row {
    let hand = minify(&seed_json(seed.id));
    let out = compile_seed(seed.id, &Options::default());
    let docs = scp_documents(&out);
    let mut notes: Vec<String> = seed.notes.iter().map(|n| n.to_string()).collect();
    if seed.id == "000-scp1-application-inference-profiles"
        && docs.iter().any(|d| d.contains("\"Null\""))
    {
        // Say so while the optimiser does not drop it yet, instead of a note that reads as done.
        notes.push("(this build still emits the `Null` statement)".to_string());
    }
    if !out.warnings.is_empty() {
        // The lints flag gaps the seed has too; the compiled SCP keeps the seed's meaning.
        let mut codes: Vec<&str> = out.warnings.iter().map(|w| w.code.as_str()).collect();
        codes.dedup();
        notes.push(format!(
            "`govc` warns {} (docs/diagnostics.md): the seed has the same gap",
            codes.join(", ")
        ));
    }
    Row {
        hand_statements: statements_in(&hand),
        hand_chars: hand.len(),
        compiled_statements: scp_statements(&out).len(),
        compiled_chars: docs.iter().map(|d| d.len()).sum(),
        documents: docs.len(),
        notes,
    }
}

fn percent(part: usize, whole: usize) -> f64 {
    // Sizes are a few thousand characters: exact in f64.
    100.0 * part as f64 / whole as f64
}

fn table(out: &mut String, rows: &[(&Seed, Row)]) {
    out.push_str(
        "| seed | policy | hand-written statements | hand-written chars | compiled statements | compiled chars | ratio | ≤ 80 % | notes |\n\
         |---|---|--:|--:|--:|--:|--:|---|---|\n",
    );
    for (s, r) in rows {
        let ratio = percent(r.compiled_chars, r.hand_chars);
        let docs = if r.documents == 1 {
            String::new()
        } else {
            format!(" ({} documents)", r.documents)
        };
        writeln!(
            out,
            "| {} | {} | {} | {} | {}{docs} | {} | {ratio:.1} % | {} | {} |",
            s.seed,
            s.policy,
            r.hand_statements,
            r.hand_chars,
            r.compiled_statements,
            r.compiled_chars,
            if ratio <= TARGET_PERCENT { "yes" } else { "no" },
            r.notes.join("; "),
        )
        .unwrap();
    }
}

fn render() -> String {
    let rows: Vec<(&Seed, Row)> = SEEDS.iter().map(|s| (s, row(s))).collect();
    let (allow, nine): (Vec<_>, Vec<_>) = rows.into_iter().partition(|(s, _)| s.allow_list);
    assert_eq!(nine.len(), 9);

    let mut out = String::from(
        "# Seed policy sizes\n\n\
         For each hand-written SCP of the seed systems (`tests/seeds/README.md`), this page compares the\n\
         seed's JSON with what `govc` compiles from the same policy written in `.gov`:\n\n\
         - **hand-written**: `tests/seeds/<id>.json`, the SCP as the article prints it\n\
         \x20 (placeholders filled in, see `tests/seeds/README.md`), minified — white space outside\n\
         \x20 strings removed, which is what the Organizations API counts (aws.md §1.2);\n\
         - **compiled**: every SCP document `govc compile` writes for `tests/seeds/<id>.gov` with\n\
         \x20 the default options (optimiser on, current limits: 10,240 characters per SCP), characters\n\
         \x20 summed and statements counted; a one-statement document is written as an object;\n\
         - **ratio**: compiled / hand-written characters. The goal is at most 80 %.\n\n\
         Both sides decide every request the same way, apart from the corrections in the notes\n\
         (`tests/seed_equivalence.rs` checks this on requests built from the policies' literals).\n\n\
         This page is generated by `tests/seed_sizes.rs`, which fails when it is stale. Regenerate\n\
         it with `GOVC_BLESS=1 cargo test --test seed_sizes`.\n\n\
         ## The nine Deny SCPs\n\n",
    );
    table(&mut out, &nine);

    let hand_total: usize = nine.iter().map(|(_, r)| r.hand_chars).sum();
    let hand_statements: usize = nine.iter().map(|(_, r)| r.hand_statements).sum();
    let all = |limits: Option<Limits>| {
        let o = compile_seed(
            ALL_NINE,
            &Options {
                limits,
                ..Options::default()
            },
        );
        let docs: Vec<String> = scp_documents(&o).into_iter().map(String::from).collect();
        docs
    };
    let current = all(None);
    let legacy = all(Some(Limits::LEGACY));
    // The requirement: the nine on one target fit one document at 10,240.
    assert_eq!(
        current.len(),
        1,
        "all-nine.gov needs {} documents",
        current.len()
    );
    let chars = |docs: &[String]| docs.iter().map(String::len).sum::<usize>();
    let stmts = |docs: &[String]| docs.iter().map(|d| statements_in(d)).sum::<usize>();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    writeln!(
        out,
        "\n## All nine on one target\n\n\
         `tests/seeds/all-nine.gov` attaches the nine SCPs to the root; SCPs attached to the same\n\
         targets are compiled into shared documents.\n\n\
         | limits | documents | statements | chars | ratio to the nine hand-written SCPs ({} statements, {} chars) |\n\
         |---|--:|--:|--:|--:|\n\
         | current (10,240 per SCP) | {} | {} | {} | {:.1} % |\n\
         | legacy (`--limits legacy`, 5,120 per SCP) | {} | {} | {} | {:.1} % |\n\n\
         At the default limit the nine compile to {} document{}; by hand they take 9 of the\n\
         target's SCP slots.",
        hand_statements,
        hand_total,
        current.len(),
        stmts(&current),
        chars(&current),
        percent(chars(&current), hand_total),
        legacy.len(),
        stmts(&legacy),
        chars(&legacy),
        percent(chars(&legacy), hand_total),
        current.len(),
        plural(current.len()),
    )
    .unwrap();

    out.push_str(
        "\n## The allow-list (replaces FullAWSAccess)\n\n\
         Seed 001's allow-list is an Allow policy that takes FullAWSAccess's place rather than a\n\
         Deny SCP added to it, so it is listed apart and is not part of `all-nine.gov`.\n\n",
    );
    table(&mut out, &allow);
    out
}

#[test]
fn seed_sizes_page_is_up_to_date() {
    let path = common::root().join("docs/seed-sizes.md");
    let want = render();
    if std::env::var_os("GOVC_BLESS").is_some() {
        std::fs::write(&path, &want).unwrap_or_else(|e| panic!("{e}"));
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/seed-sizes.md is stale; regenerate it with GOVC_BLESS=1 cargo test --test seed_sizes"
    );
}

/// The minified text is the same JSON value, and as long as serde_json's own minified
/// rendering of it (which orders keys differently): nothing but white space was removed.
#[test]
fn minify_only_removes_white_space() {
    for s in SEEDS {
        let text = seed_json(s.id);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let min = minify(&text);
        let again: serde_json::Value = serde_json::from_str(&min).unwrap();
        assert_eq!(again, value, "{}", s.id);
        assert_eq!(
            min.len(),
            serde_json::to_string(&value).unwrap().len(),
            "{}",
            s.id
        );
    }
}
