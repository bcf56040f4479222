//! `govc diff OLD NEW` on seeded changes of the examples: widening an allow-list names the
//! newly allowed requests (with a witness both versions really decide differently), adding a
//! deny names newly denied ones, an identical copy changes nothing; `--exit-code` and the
//! three formats.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::changed_accounts;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A copy of the examples with `edit` applied to one file.
fn variant(name: &str, file: &str, edit: &dyn Fn(String) -> String) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("govc-diff-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(Path::new(ROOT).join("examples")).unwrap() {
        let p = e.unwrap().path();
        let mut text = std::fs::read_to_string(&p).unwrap();
        if p.file_name().unwrap() == file {
            let edited = edit(text.clone());
            assert_ne!(edited, text, "the edit applies");
            text = edited;
        }
        std::fs::write(dir.join(p.file_name().unwrap()), text).unwrap();
    }
    dir
}

fn diff(new: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govc"))
        .arg("diff")
        .arg("examples")
        .arg(new)
        .args(args)
        .current_dir(ROOT)
        .output()
        .unwrap()
}

#[test]
fn widening_an_allow_list_names_the_newly_allowed_requests() {
    let new = variant("widen", "model-allowlist.gov", &|t| {
        t.replace(
            "only models anthropic.claude*\n",
            "only models anthropic.claude*, amazon.nova*\n",
        )
    });
    let out = diff(&new, &["--format", "json", "--exit-code"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let changes = v["changes"].as_array().unwrap();
    assert!(!changes.is_empty());
    // Only the prod account is behind the allow-list, and only newly allowed requests appear.
    for c in changes {
        assert_eq!(c["account"], "ai_platform", "{c}");
        assert_eq!(c["direction"], "newly_allowed");
        assert_ne!(c["before"]["outcome"], "allowed");
        assert_eq!(c["after"]["outcome"], "allowed");
    }
    // The witness is about the model the list now admits.
    let request = changes[0]["request"].to_string().to_lowercase();
    assert!(request.contains("nova"), "{request}");
    // The changed document, same targets.
    let docs = v["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 1, "{docs:?}");
    assert_eq!(docs[0]["file"], "scp/cost_attribution+anthropic_only.json");
    // Human and markdown say the same, newly allowed first.
    let human = String::from_utf8(diff(&new, &[]).stdout).unwrap();
    assert!(
        human.starts_with("NEWLY ALLOWED for account ai_platform: "),
        "{human}"
    );
    let md = String::from_utf8(diff(&new, &["--format", "markdown"]).stdout).unwrap();
    assert!(md.contains("**1 with newly allowed requests**"), "{md}");
    assert!(md.contains("#### Newly allowed"), "{md}");
    let _ = std::fs::remove_dir_all(&new);
}

#[test]
fn a_new_deny_names_the_newly_denied_requests() {
    let new = variant("deny", "model-denylist.gov", &|t| {
        t.replacen("deny model deepseek*", "deny model deepseek*, mistral*", 1)
    });
    let out = diff(&new, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "without --exit-code");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let changes = v["changes"].as_array().unwrap();
    assert!(!changes.is_empty());
    assert!(changes.iter().all(|c| c["direction"] == "newly_denied"));
    // The deny-list is attached to the root: every account that allowed mistral before.
    let accounts: std::collections::BTreeSet<&str> = changes
        .iter()
        .map(|c| c["account"].as_str().unwrap())
        .collect();
    assert!(
        accounts.contains("agent_lab") && accounts.contains("analytics"),
        "{accounts:?}"
    );
    for c in changes {
        assert_eq!(c["before"]["outcome"], "allowed");
        assert_eq!(c["after"]["outcome"], "denied");
    }
    let _ = std::fs::remove_dir_all(&new);
}

#[test]
fn an_identical_copy_changes_nothing() {
    let same = variant("same", "org.gov", &|t| format!("{t}\n// a comment\n"));
    let out = diff(&same, &["--exit-code"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(
        "5 accounts compared: 0 with newly allowed requests, 0 with newly denied requests; 0 documents changed"
    ), "{text}");
    let md = String::from_utf8(diff(&same, &["--format", "markdown"]).stdout).unwrap();
    assert!(md.contains("No change"), "{md}");
    let _ = std::fs::remove_dir_all(&same);
}

#[test]
fn two_git_revisions_are_compared() {
    let repo = std::env::temp_dir().join(format!("govc-diff-git-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&repo);
    std::fs::create_dir_all(repo.join("policies")).unwrap();
    let git = |args: &[&str]| {
        let o = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(&repo)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    let program = |models: &str| {
        format!(
            "org {{\n  root = \"r-a1b2\"\n  account a = \"111122223333\"\n}}\n\nscp list {{\n  only models {models}\n}}\n\nattach list to a\n"
        )
    };
    std::fs::write(repo.join("policies/p.gov"), program("anthropic.claude*")).unwrap();
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "one"]);
    std::fs::write(
        repo.join("policies/p.gov"),
        program("anthropic.claude*, amazon.nova*"),
    )
    .unwrap();
    git(&["commit", "-q", "-am", "two"]);
    let v = diff_json_in(&repo, "HEAD~1:policies", "HEAD:policies");
    assert_eq!(v["changes"][0]["direction"], "newly_allowed", "{v}");
    assert_eq!(v["changes"][0]["account"], "a");
    // A revision that does not exist is a usage error.
    let bad = Command::new(env!("CARGO_BIN_EXE_govc"))
        .args(["diff", "HEAD~1:nowhere", "HEAD:policies"])
        .current_dir(&repo)
        .output()
        .unwrap();
    assert_eq!(
        bad.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    let _ = std::fs::remove_dir_all(&repo);
}

/// Two single-file programs, compared.
fn diff_texts(name: &str, old: &str, new: &str) -> serde_json::Value {
    let dir = std::env::temp_dir().join(format!("govc-diff-texts-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("old")).unwrap();
    std::fs::create_dir_all(dir.join("new")).unwrap();
    std::fs::write(dir.join("old/org.gov"), old).unwrap();
    std::fs::write(dir.join("new/org.gov"), new).unwrap();
    let report = diff_json_in(&dir, "old", "new");
    let _ = std::fs::remove_dir_all(&dir);
    report
}

/// `govc diff OLD NEW --format json`, run in `dir`; it must succeed.
fn diff_json_in(dir: &Path, old: &str, new: &str) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_govc"))
        .args(["diff", old, new, "--format", "json"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_change_at_one_level_is_reported_only_where_another_level_does_not_mask_it() {
    // `locked` sits under an OU that already denies all of S3: a Deny of one S3 action added
    // at the root (or taken away) changes nothing there. The level pair's own witness is
    // tried on each account's path first; it must not stand for `locked`.
    let org = |root: &str| {
        format!(
            r#"org {{
  root = "r-a1b2"
  ou vault = "ou-a1b2-11111111"
  account open = "111111111111"
  account locked = "222222222222" under vault
}}
scp no_s3 {{ deny services s3 }}
attach no_s3 to vault
scp root_rules {{
  deny actions iam:CreateUser
  {root}
}}
attach root_rules to root
"#
        )
    };
    let before = org("");
    let after = org("deny actions s3:DeleteBucket");
    assert_eq!(
        changed_accounts(&diff_texts("narrow", &before, &after)),
        [("open".to_string(), "newly_denied".to_string())]
    );
    assert_eq!(
        changed_accounts(&diff_texts("widen", &after, &before)),
        [("open".to_string(), "newly_allowed".to_string())]
    );
}
