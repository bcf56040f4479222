//! Fuzz target: the formatter's laws (as `compiler/tests/format.rs` states them) on arbitrary
//! text. A file with syntax errors is refused with exactly the parser's diagnostics; any other
//! file is formatted (never refused with E0011, which would be a formatter bug), the output
//! parses without errors to the same tree with the same comments, and formatting it again
//! changes nothing.
#![no_main]

use govc_compiler::format::{comment_texts, erase_spans, format_source};
use govc_compiler::syntax::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // `govc fmt` refuses files that are not UTF-8; an editor's buffer (the language server
    // formats those) is text, invalid bytes replaced.
    let src = String::from_utf8_lossy(data);
    let src = src.as_ref();
    let before = parse(src);
    if !before.diagnostics.is_empty() {
        assert_eq!(format_source(src), Err(before.diagnostics));
        return;
    }
    let out = match format_source(src) {
        Ok(out) => out,
        Err(d) => panic!("refused a file that parses: {d:?}"),
    };
    let after = parse(&out);
    assert!(
        after.diagnostics.is_empty(),
        "output does not parse:\n{out}\n{:?}",
        after.diagnostics
    );
    assert!(
        erase_spans(&after.file) == erase_spans(&before.file),
        "output means something else:\n{out}"
    );
    assert_eq!(
        comment_texts(&after.comments, &out),
        comment_texts(&before.comments, src),
        "comments lost or reordered:\n{out}"
    );
    match format_source(&out) {
        Ok(again) => assert!(
            again == out,
            "not idempotent:\n--- once\n{out}\n--- twice\n{again}"
        ),
        Err(d) => panic!("output refused: {d:?}"),
    }
});
