//! Snapshot tests as data: the parse tree of every example and stdlib module, and the rendered
//! diagnostics of every file in the bad-input corpus (`tests/bad/*.gov`).

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly"
)]

use govc_compiler::db::{self, Database};
use govc_compiler::diagnostics::render::{render_human, HumanOptions};

fn check_files(paths: &[String]) -> (Database, db::Workspace) {
    let mut database = Database::new(govc_compiler::catalog::embedded());
    let (ws, failed) = db::load(&mut database, paths, &|p| std::fs::read(p));
    assert!(failed.is_empty(), "{failed:?}");
    (database, ws)
}

#[test]
fn parse_trees_of_examples_and_stdlib() {
    insta::glob!("..", "{examples,stdlib}/*.gov", |path| {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{e}"));
        let parsed = govc_compiler::syntax::parse(&text);
        assert!(
            parsed.diagnostics.is_empty(),
            "{}: {:#?}",
            path.display(),
            parsed.diagnostics
        );
        insta::with_settings!({ omit_expression => true, prepend_module_to_snapshot => false }, {
            insta::assert_debug_snapshot!("parse", parsed.file);
        });
    });
}

#[test]
fn every_example_checks_clean() {
    let mut paths: Vec<String> = std::fs::read_dir("examples")
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok())
        .map(|e| e.path().to_string_lossy().into_owned())
        .filter(|p| p.ends_with(".gov"))
        .collect();
    paths.sort();
    // Each example alone, and all of them together as one program.
    for p in &paths {
        let (database, ws) = check_files(std::slice::from_ref(p));
        let diags = db::program_diagnostics(&database, ws);
        assert!(diags.is_empty(), "{p}: {diags:#?}");
    }
    let (database, ws) = check_files(&paths);
    let diags = db::program_diagnostics(&database, ws);
    assert!(diags.is_empty(), "{diags:#?}");
}

#[test]
fn bad_inputs_have_snapshot_diagnostics() {
    insta::glob!("bad/*.gov", |path| {
        let rel = path
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(path)
            .to_string_lossy()
            .trim_start_matches('/')
            .to_string();
        let (database, ws) = check_files(std::slice::from_ref(&rel));
        // What `govc check` reports: the back end's lints too, when the checker finds no error.
        let diags = db::all_diagnostics(&database, ws);
        let files = ws.files(&database);
        let text_of = |p: &str| files.get(p).map(|f| f.text(&database).as_str());
        let out = render_human(
            diags,
            &text_of,
            HumanOptions {
                color: false,
                max_shown: 50,
            },
        );
        assert!(!diags.is_empty(), "{rel} should have diagnostics");
        insta::with_settings!({ omit_expression => true, prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!("bad", out);
        });
    });
}

/// The illustrative program the language was designed from, verbatim (`tests/data/first-sketch.gov`;
/// docs/language.md §15). Its one construct we changed on purpose
/// (a core rule at top level, which has no document to land in; see docs/language.md) is
/// reported as E0106; its retired Claude 3 Opus id (seed 002) as W0206. Nothing else.
#[test]
fn first_sketch_program() {
    let (database, ws) = check_files(&["tests/data/first-sketch.gov".to_string()]);
    let diags = db::program_diagnostics(&database, ws);
    let codes: Vec<&str> = diags.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["E0106", "W0206"], "{diags:#?}");
}
