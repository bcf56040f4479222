//! `govc compile` end to end: the full output directory of every example (insta snapshots),
//! determinism, atomicity, quota errors, `--dry-run`.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::govc;

/// A fresh, empty scratch directory per test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("govc-compile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every file under `dir` but the ownership marker, relative path → content.
fn read_tree(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else if p.file_name().is_some_and(|n| n == ".govc-output") {
                assert_eq!(p.parent(), Some(root), "the marker is at the top only");
            } else {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn compile_ok(args: &[&str]) -> Output {
    let out = govc(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "govc {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn every_example_output_directory() {
    insta::glob!("..", "examples/*.gov", |path| {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let dir = scratch(&format!("ex-{name}"));
        let out_dir = dir.join("out");
        let rel = format!("examples/{name}.gov");
        compile_ok(&["compile", &rel, "--out", out_dir.to_str().unwrap()]);
        let mut text = String::new();
        for (file, content) in read_tree(&out_dir) {
            text.push_str(&format!("=== {file}\n{content}\n"));
        }
        // Every SCP is valid, minified, ASCII JSON within its limit.
        for (file, content) in read_tree(&out_dir) {
            assert!(content.is_ascii(), "{file} is not ASCII");
            let v: serde_json::Value = serde_json::from_str(&content).unwrap();
            if file.starts_with("scp/") || file.starts_with("iam/") {
                assert_eq!(
                    serde_json::to_string(&v).unwrap().len(),
                    content.len(),
                    "{file} is not minified"
                );
                assert!(content.len() <= 10_240, "{file} too large");
            }
        }
        insta::assert_snapshot!(text);
        let _ = std::fs::remove_dir_all(&dir);
    });
}

#[test]
fn output_is_byte_identical_across_runs() {
    let dir = scratch("determinism");
    let a = dir.join("a");
    let b = dir.join("b");
    compile_ok(&[
        "compile",
        "examples/",
        "--out",
        a.to_str().unwrap(),
        "--sids",
    ]);
    compile_ok(&[
        "compile",
        "examples/",
        "--out",
        b.to_str().unwrap(),
        "--sids",
    ]);
    let (ta, tb) = (read_tree(&a), read_tree(&b));
    assert!(!ta.is_empty());
    assert_eq!(ta, tb);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_failing_compile_leaves_the_output_directory_as_it_was() {
    let dir = scratch("atomic");
    let out_dir = dir.join("out");
    compile_ok(&[
        "compile",
        "examples/model-denylist.gov",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let before = read_tree(&out_dir);
    assert!(before.contains_key("manifest.json"));
    let bad = dir.join("bad.gov");
    std::fs::write(&bad, "scp s {\n  only regions us-est-1\n}\n").unwrap();
    let out = govc(&[
        "compile",
        bad.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        read_tree(&out_dir),
        before,
        "a failed compile must not touch the output"
    );
    // Nothing left beside it either.
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("govc-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_directory_govc_did_not_write_is_not_replaced() {
    let dir = scratch("foreign");
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let out = govc(&[
        "compile",
        "examples/model-denylist.gov",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "mine"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn recompiling_replaces_the_previous_output() {
    let dir = scratch("replace");
    let out_dir = dir.join("out");
    compile_ok(&[
        "compile",
        "examples/organization.gov",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    compile_ok(&[
        "compile",
        "examples/model-denylist.gov",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let tree = read_tree(&out_dir);
    assert!(
        tree.keys().all(|f| !f.starts_with("bedrock/")),
        "stale files left: {:?}",
        tree.keys()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn dry_run_prints_manifest_and_table_and_writes_nothing() {
    let dir = scratch("dry");
    let out_dir = dir.join("out");
    let out = compile_ok(&[
        "compile",
        "examples/organization.gov",
        "--dry-run",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("\"documents\""), "{stdout}");
    assert!(stdout.contains("slots"), "{stdout}");
    assert!(!out_dir.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

fn program_with_denied_actions(n: usize, scps: usize) -> String {
    let mut s = String::from("org {\n  root = \"r-a1b2\"\n  limits legacy\n}\n");
    for p in 0..scps {
        s.push_str(&format!("scp p{p} {{\n"));
        for i in 0..n {
            s.push_str(&format!(
                "  deny actions s3:GetObject on \"arn:aws:s3:::bucket-{p}-{i:05}-with-a-long-name/*\" unless principal account in [\"111111111111\"]\n"
            ));
        }
        s.push_str("}\n");
    }
    s.push_str("attach ");
    s.push_str(
        &(0..scps)
            .map(|p| format!("p{p}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    s.push_str(" to root\n");
    s
}

#[test]
fn a_target_over_its_slots_is_an_error_naming_it() {
    let dir = scratch("slots");
    let f = dir.join("big.gov");
    // Far more than 4 legacy documents of denies on one target (FullAWSAccess takes the 5th).
    std::fs::write(&f, program_with_denied_actions(600, 1)).unwrap();
    let out = govc(&[
        "compile",
        f.to_str().unwrap(),
        "--out",
        dir.join("out").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("E0402"), "{stderr}");
    assert!(stderr.contains("`root` needs"), "{stderr}");
    assert!(stderr.contains("FullAWSAccess"), "{stderr}");
    assert!(!dir.join("out").exists());
    // With the current quota (10,240 × 10) the same program fits.
    compile_ok(&[
        "compile",
        f.to_str().unwrap(),
        "--limits",
        "current",
        "--dry-run",
    ]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_negated_list_too_long_for_any_document_is_refused() {
    let dir = scratch("negated");
    let f = dir.join("regions.gov");
    let principals: Vec<String> = (0..400)
        .map(|i| format!("\"arn:aws:iam::111111111111:role/exempt-role-number-{i:04}\""))
        .collect();
    std::fs::write(
        &f,
        format!(
            "org {{\n  root = \"r-a1b2\"\n}}\nscp s {{\n  deny service bedrock unless principal in [{}]\n}}\nattach s to root\n",
            principals.join(", ")
        ),
    )
    .unwrap();
    let out = govc(&["compile", f.to_str().unwrap(), "--dry-run"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("E0401"), "{stderr}");
    assert!(stderr.contains("negated"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
