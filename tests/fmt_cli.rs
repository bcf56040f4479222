//! `govc fmt` end to end: rewriting in place, `--check` exit codes, standard input, refusals.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly"
)]

use std::path::PathBuf;
use std::process::{Command, Output};

mod common;
use common::{govc, piped};

const MESSY: &str = "scp s{deny model deepseek*   when via_mcp}\n";
const TIDY: &str = "scp s {\n  deny model deepseek* when via_mcp\n}\n";

fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("govc-fmt-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn path(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

fn with_stdin(args: &[&str], input: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_govc"));
    cmd.args(args);
    piped(cmd, input.as_bytes())
}

#[test]
fn shipped_files_are_formatted() {
    let out = govc(&["fmt", "--check", "examples", "stdlib"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn check_lists_unformatted_files_and_exits_1_without_writing() {
    let dir = scratch("check");
    let messy = dir.join("messy.gov");
    let tidy = dir.join("tidy.gov");
    std::fs::write(&messy, MESSY).unwrap();
    std::fs::write(&tidy, TIDY).unwrap();
    let out = govc(&["fmt", "--check", path(&dir)]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{}\n", messy.display())
    );
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), MESSY);

    let out = govc(&["fmt", "--check", path(&tidy)]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn rewrites_in_place_only_what_changes() {
    let dir = scratch("write");
    let messy = dir.join("messy.gov");
    let tidy = dir.join("tidy.gov");
    std::fs::write(&messy, MESSY).unwrap();
    std::fs::write(&tidy, TIDY).unwrap();
    let before = std::fs::metadata(&tidy).unwrap().modified().unwrap();
    let out = govc(&["fmt", path(&messy), path(&tidy)]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), TIDY);
    assert_eq!(
        std::fs::metadata(&tidy).unwrap().modified().unwrap(),
        before
    );
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn stdin_to_stdout() {
    for flag in ["-", "--stdin"] {
        let out = with_stdin(&["fmt", flag], MESSY);
        assert_eq!(out.status.code(), Some(0), "{flag}");
        assert_eq!(String::from_utf8_lossy(&out.stdout), TIDY, "{flag}");
    }
    let out = with_stdin(&["fmt", "--check", "-"], MESSY);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "<stdin>\n");
    let out = with_stdin(&["fmt", "--check", "--stdin"], TIDY);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn syntax_errors_are_reported_and_the_file_left_alone() {
    let dir = scratch("error");
    let bad = dir.join("bad.gov");
    let text = "scp s {\n  deny model\n";
    std::fs::write(&bad, text).unwrap();
    let out = govc(&["fmt", path(&bad)]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("error[E0005]"), "{err}");
    assert!(err.contains("bad.gov:2:13"), "{err}");
    assert_eq!(std::fs::read_to_string(&bad).unwrap(), text);

    let out = with_stdin(
        &["fmt", "-", "--format", "json"],
        "scp s { deny model \"x }",
    );
    assert_eq!(out.status.code(), Some(1));
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(json.contains("E0002"), "{json}");
}

#[test]
fn missing_paths_are_usage_errors() {
    let out = govc(&["fmt", "no/such/dir"]);
    assert_eq!(out.status.code(), Some(2));
    let out = govc(&["fmt"]);
    assert_eq!(out.status.code(), Some(2));
}
