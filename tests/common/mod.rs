//! Shared by the end-to-end tests: running the `govc` binary.

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

/// Runs `govc` from the workspace root. Output is captured, so `--color auto` never colours.
#[allow(dead_code, reason = "not every test that shares this module runs govc")]
pub fn govc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govc"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .output()
        .unwrap_or_else(|e| panic!("cannot run govc: {e}"))
}

/// The `(account, direction)` pairs of a `govc diff --format json` report, sorted.
#[allow(dead_code, reason = "only the diff tests read diff reports")]
pub fn changed_accounts(d: &serde_json::Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = d["changes"]
        .as_array()
        .unwrap_or_else(|| panic!("no `changes` list: {d}"))
        .iter()
        .map(|c| {
            let field = |k: &str| c[k].as_str().unwrap_or_else(|| panic!("no `{k}`: {c}"));
            (field("account").to_string(), field("direction").to_string())
        })
        .collect();
    v.sort();
    v
}

/// `cargo metadata` of the workspace (locked), as JSON. Offline first; on a fresh machine the
/// packages only other platforms use (`windows-sys`, `anstyle-wincon`) have never been
/// downloaded, and the metadata of every platform needs their manifests, so then once more
/// with the registry.
#[allow(
    dead_code,
    reason = "not every test that shares this module reads the metadata"
)]
pub fn cargo_metadata() -> serde_json::Value {
    let run = |offline: bool| {
        let mut cmd = Command::new(env!("CARGO"));
        cmd.args(["metadata", "--format-version", "1", "--locked"]);
        if offline {
            cmd.arg("--offline");
        }
        cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap_or_else(|e| panic!("cannot run cargo metadata: {e}"))
    };
    let mut out = run(true);
    if !out.status.success() {
        out = run(false);
    }
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("cargo metadata: {e}"))
}

/// Runs `cmd` with `input` on its standard input and its output captured. The input is written
/// from a thread, so a child that writes much before it reads all cannot block both sides.
#[allow(
    dead_code,
    reason = "not every test that shares this module pipes input"
)]
pub fn piped(mut cmd: Command, input: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let mut stdin = child.stdin.take().unwrap_or_else(|| panic!("no stdin"));
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    // A child that exits without reading its input is its own answer, not a writer error.
    let _ = writer.join();
    out
}

/// The independent evaluator's decisions (`tests/differential/simulate.mjs`, run with Node in
/// `dir`) on `cases`, in order.
#[allow(
    dead_code,
    reason = "only the differential tests ask the independent evaluator"
)]
pub fn simulate(dir: &std::path::Path, cases: &[serde_json::Value]) -> Vec<serde_json::Value> {
    let mut cmd = Command::new("node");
    cmd.arg(dir.join("simulate.mjs")).current_dir(dir);
    let input = serde_json::to_vec(cases).unwrap_or_else(|e| panic!("cases as JSON: {e}"));
    let out = piped(cmd, &input);
    assert!(
        out.status.success(),
        "simulate.mjs failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("simulate.mjs's answer: {e}"))
}
