//! `govc import` from the command line: a file's import is printed; a directory's is written
//! only when every document imports and is proven; the written files check and compile.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::path::Path;
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn govc(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_govc"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn a_file_is_printed_and_a_directory_written_only_when_all_is_proven() {
    let root = Path::new(ROOT);
    let one = govc(&["import", "tests/corpus/rcp-enforce-tls.json"], root);
    assert!(
        one.status.success(),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    let text = String::from_utf8(one.stdout).unwrap();
    assert!(text.contains("rcp rcp_enforce_tls {"), "{text}");
    assert!(String::from_utf8_lossy(&one.stderr).contains("proven to decide every request"));

    let tmp = std::env::temp_dir().join(format!("govc-import-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let (input, out) = (tmp.join("in"), tmp.join("out"));
    std::fs::create_dir_all(&input).unwrap();
    for f in [
        "scp-deny-leave-organization",
        "rcp-network-perimeter",
        "scp-claude-allow-list",
    ] {
        std::fs::copy(
            root.join(format!("tests/corpus/{f}.json")),
            input.join(format!("{f}.json")),
        )
        .unwrap();
    }
    let ok = govc(
        &[
            "import",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        &tmp,
    );
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let written: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".gov"))
        .collect();
    assert_eq!(written.len(), 3, "{written:?}");
    let check = govc(&["check", "out"], &tmp);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    // One document the language cannot say: nothing is written, exit 1.
    std::fs::copy(
        root.join("tests/corpus/scp-require-application-inference-profile.json"),
        input.join("app-profile.json"),
    )
    .unwrap();
    let out2 = tmp.join("out2");
    let refused = govc(
        &[
            "import",
            input.to_str().unwrap(),
            "--out",
            out2.to_str().unwrap(),
        ],
        &tmp,
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("nothing written"));
    assert!(!out2.exists());
    let _ = std::fs::remove_dir_all(&tmp);
}
