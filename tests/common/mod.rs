//! Shared by the end-to-end tests: running the `govc` binary.

use std::process::{Command, Output};

/// Runs `govc` from the workspace root. Output is captured, so `--color auto` never colours.
pub fn govc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govc"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .output()
        .unwrap_or_else(|e| panic!("cannot run govc: {e}"))
}
