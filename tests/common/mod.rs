//! Shared by the end-to-end tests: running the `govc` binary.

use std::process::{Command, Output};

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

/// `cargo metadata` of the workspace (locked, offline), as JSON.
#[allow(
    dead_code,
    reason = "not every test that shares this module reads the metadata"
)]
pub fn cargo_metadata() -> serde_json::Value {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo metadata: {e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("cargo metadata: {e}"))
}
