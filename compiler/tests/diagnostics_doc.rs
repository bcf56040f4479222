//! `docs/diagnostics.md` is generated from the code registry; this test fails when they differ.
//! Regenerate with `GOVC_BLESS=1 cargo test -p govc-compiler --test diagnostics_doc`.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly"
)]

use govc_compiler::diagnostics::{Code, Severity};

fn render() -> String {
    let mut s = String::from(
        "# Diagnostics index\n\n\
         Every diagnostic `govc` can emit, with its long explanation (also printed by\n\
         `govc explain CODE`). `E` codes are errors (exit status 1), `W` codes warnings.\n\n\
         This file is generated from `syntax/src/diagnostics/codes.rs`; a test fails when the\n\
         two differ. Regenerate it with\n\
         `GOVC_BLESS=1 cargo test -p govc-compiler --test diagnostics_doc`.\n\n\
         | code | severity | meaning |\n|---|---|---|\n",
    );
    for c in Code::ALL {
        let sev = match c.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        s.push_str(&format!(
            "| [{0}](#{1}) | {sev} | {2} |\n",
            c.as_str(),
            c.as_str().to_lowercase(),
            c.title()
        ));
    }
    for c in Code::ALL {
        s.push_str(&format!(
            "\n## {}\n\n**{}**\n\n{}\n",
            c.as_str(),
            c.title(),
            c.explanation()
        ));
    }
    s
}

#[test]
fn diagnostics_index_is_up_to_date() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/diagnostics.md");
    let want = render();
    if std::env::var_os("GOVC_BLESS").is_some() {
        std::fs::write(path, &want).unwrap_or_else(|e| panic!("{e}"));
    }
    let have = std::fs::read_to_string(path).unwrap_or_default();
    assert!(have == want, "docs/diagnostics.md is stale; regenerate it with GOVC_BLESS=1 cargo test -p govc-compiler --test diagnostics_doc");
}

#[test]
fn codes_parse_back() {
    for c in Code::ALL {
        assert_eq!(Code::parse(c.as_str()), Some(*c));
        assert_eq!(Code::parse(&c.as_str().to_lowercase()), Some(*c));
        assert!(!c.explanation().is_empty());
    }
}
