//! Every shipped `.gov` file — the examples and the standard library — must parse without a
//! single diagnostic, and the three lines the language was designed around (docs/language.md §15) must appear verbatim in
//! some example. Name resolution and types are the checker's job, not this test's.

use std::fs;
use std::path::{Path, PathBuf};

use govc_compiler::diagnostics::render::{render_human, HumanOptions};
use govc_compiler::syntax::parse;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The `.gov` files directly inside `dir`, sorted so failures are reported in a stable order.
fn gov_files(dir: &str) -> Result<Vec<PathBuf>, String> {
    let dir = repo_root().join(dir);
    let err = |e: std::io::Error| format!("cannot read {}: {e}", dir.display());
    let mut files = Vec::new();
    for entry in fs::read_dir(&dir).map_err(err)? {
        let path = entry.map_err(err)?.path();
        if path.extension().is_some_and(|x| x == "gov") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Parses each file and returns a rendered report of every diagnostic, empty when all are clean.
fn parse_all(files: &[PathBuf]) -> Result<String, String> {
    let mut report = String::new();
    for path in files {
        let text = read(path)?;
        let name = path.display().to_string();
        let parsed = parse(&text);
        if parsed.diagnostics.is_empty() {
            continue;
        }
        let diags: Vec<_> = parsed
            .diagnostics
            .into_iter()
            .map(|d| d.in_file(&name))
            .collect();
        let lookup = |f: &str| (f == name).then_some(text.as_str());
        report.push_str(&render_human(&diags, &lookup, HumanOptions::default()));
    }
    Ok(report)
}

#[test]
fn examples_parse_without_diagnostics() -> Result<(), String> {
    let files = gov_files("examples")?;
    assert!(
        files.len() >= 12,
        "expected the seed examples in examples/, found {files:?}"
    );
    let report = parse_all(&files)?;
    assert!(report.is_empty(), "examples have diagnostics:\n{report}");
    Ok(())
}

#[test]
fn stdlib_parses_without_diagnostics() -> Result<(), String> {
    let files = gov_files("stdlib")?;
    assert!(
        files.len() >= 3,
        "expected stdlib modules in stdlib/, found {files:?}"
    );
    let report = parse_all(&files)?;
    assert!(report.is_empty(), "stdlib has diagnostics:\n{report}");
    Ok(())
}

#[test]
fn required_lines_appear_verbatim_in_examples() -> Result<(), String> {
    let mut texts = Vec::new();
    for path in gov_files("examples")? {
        texts.push(read(&path)?);
    }
    for line in [
        "require tags CostCenter, Team on inference_profile",
        "deny model deepseek*",
        "only regions us-east-1, us-west-2",
    ] {
        let found = texts.iter().any(|t| t.lines().any(|l| l.trim() == line));
        assert!(
            found,
            "no example has the line `{line}` on a line of its own"
        );
    }
    Ok(())
}

#[test]
fn every_example_starts_with_a_comment() -> Result<(), String> {
    for path in gov_files("examples")? {
        let text = read(&path)?;
        let first = text.lines().next().unwrap_or("");
        assert!(
            first.starts_with("//"),
            "{} must start with a comment block saying which seed it reproduces",
            path.display()
        );
    }
    Ok(())
}
