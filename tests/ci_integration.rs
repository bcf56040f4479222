//! The CI integrations in the repository run what they say: the GitHub Action (`action.yml`)
//! and the pre-commit hooks (`.pre-commit-hooks.yaml`). The action's work is
//! `tools/ci/govc-ci.sh`, run here with the govc this build made, on the bundled examples (all
//! passes, a SARIF log is written) and on a broken project (it fails, with workflow annotations,
//! and still writes the SARIF log). Each hook's entry is run as pre-commit runs it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const GOVC: &str = env!("CARGO_BIN_EXE_govc");

fn script(dir: &Path, paths: &str, sarif: &Path) -> Output {
    Command::new("bash")
        .arg(Path::new(ROOT).join("tools/ci/govc-ci.sh"))
        .current_dir(dir)
        .env("GOVC", GOVC)
        .env("GOVC_PATHS", paths)
        .env("GOVC_SARIF", sarif)
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("govc-ci-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn sarif_log(path: &Path) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(v["runs"][0]["tool"]["driver"]["name"], "govc");
    v
}

#[test]
fn the_actions_script_passes_on_the_examples_and_writes_sarif() {
    let dir = scratch("examples");
    let sarif = dir.join("govc.sarif");
    let out = script(Path::new(ROOT), "examples", &sarif);
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let v = sarif_log(&sarif);
    // The examples' warnings (the cross-Region inference lints) are reported, no errors.
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().all(|r| r["level"] != "error"), "{results:?}");
    // The annotations of `govc check --format github` are on standard output.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("::warning "), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_actions_script_fails_on_a_broken_project_and_still_writes_sarif() {
    let dir = scratch("broken");
    // Not in the canonical layout, and a test that fails.
    std::fs::write(
        dir.join("p.gov"),
        "org {\n  root = \"r-a1b2\"\n  account a = \"111122223333\"\n}\nscp s {   deny model deepseek* }\nattach s to root\n\
         test \"t\" on a {\n  expect allow bedrock:InvokeModel on \"arn:aws:bedrock:us-east-1::foundation-model/deepseek.v3.2\" in us-east-1\n}\n",
    )
    .unwrap();
    let sarif = dir.join("out.sarif");
    let out = script(&dir, ".", &sarif);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("::error title=govc fmt::"), "{stderr}");
    let v = sarif_log(&sarif);
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(
        results.iter().any(|r| r["level"] == "error"),
        "the failed expectation is a SARIF error: {results:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_action_runs_the_tested_script() {
    let action = std::fs::read_to_string(Path::new(ROOT).join("action.yml")).unwrap();
    // It builds govc from its own source and runs the script with the variables it reads.
    assert!(action.contains("cargo install --locked --quiet --path \"$GITHUB_ACTION_PATH\""));
    assert!(action.contains("run: bash \"$GITHUB_ACTION_PATH/tools/ci/govc-ci.sh\""));
    let script = std::fs::read_to_string(Path::new(ROOT).join("tools/ci/govc-ci.sh")).unwrap();
    for var in ["GOVC", "GOVC_PATHS", "GOVC_SARIF"] {
        assert!(action.contains(&format!("{var}: ")), "action sets {var}");
        assert!(script.contains(&format!("${{{var}")), "script reads {var}");
    }
    assert!(action.contains("github/codeql-action/upload-sarif@"));
    assert!(action.contains("sarif_file: ${{ inputs.sarif }}"));
}

/// One hook of `.pre-commit-hooks.yaml`: its id, entry and whether file names are passed.
struct Hook {
    id: String,
    entry: String,
    pass_filenames: bool,
}

/// The hooks, read from the file's fixed shape (a list of flat mappings, one key per line).
fn hooks() -> Vec<Hook> {
    let text = std::fs::read_to_string(Path::new(ROOT).join(".pre-commit-hooks.yaml")).unwrap();
    let mut out: Vec<Hook> = Vec::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
        if let Some(id) = line.strip_prefix("- id: ") {
            out.push(Hook {
                id: id.trim().to_string(),
                entry: String::new(),
                pass_filenames: true,
            });
        } else if let Some((key, value)) = line.trim().split_once(": ") {
            let hook = out.last_mut().expect("a key before any `- id:`");
            match key {
                "entry" => hook.entry = value.to_string(),
                "pass_filenames" => hook.pass_filenames = value == "true",
                "language" => assert_eq!(value, "rust", "hooks build govc with cargo"),
                _ => {}
            }
        }
    }
    out
}

/// Runs a hook's entry as pre-commit does: in the repository, with the file names appended
/// unless `pass_filenames: false`.
fn run_hook(hook: &Hook, dir: &Path, files: &[&str]) -> Output {
    let mut words = hook.entry.split_whitespace();
    assert_eq!(words.next(), Some("govc"), "{}: entry runs govc", hook.id);
    let mut cmd = Command::new(GOVC);
    cmd.args(words).current_dir(dir);
    if hook.pass_filenames {
        cmd.args(files);
    }
    cmd.output().unwrap()
}

#[test]
fn the_pre_commit_hooks_pass_on_the_examples_and_catch_mistakes() {
    let hooks = hooks();
    let ids: Vec<&str> = hooks.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["govc-fmt", "govc-check"]);
    // A repository of good policies: the examples.
    let good = scratch("hooks-good");
    let mut files = Vec::new();
    for e in std::fs::read_dir(Path::new(ROOT).join("examples")).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        std::fs::copy(&p, good.join(&name)).unwrap();
        files.push(name);
    }
    let names: Vec<&str> = files.iter().map(String::as_str).collect();
    for h in &hooks {
        let out = run_hook(h, &good, &names);
        assert!(
            out.status.success(),
            "{} fails on the examples: {}",
            h.id,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // A badly formatted file, and one that does not check.
    let bad = scratch("hooks-bad");
    std::fs::write(bad.join("a.gov"), "scp s {   deny model deepseek* }\n").unwrap();
    std::fs::write(bad.join("b.gov"), "scp t {\n  deny model\n}\n").unwrap();
    for h in &hooks {
        let out = run_hook(h, &bad, &["a.gov", "b.gov"]);
        assert!(!out.status.success(), "{} passes a broken repository", h.id);
    }
    let _ = std::fs::remove_dir_all(&good);
    let _ = std::fs::remove_dir_all(&bad);
}
