//! Fuzz target: arbitrary bytes as one `.gov` file → load (in-memory read) → parse + check the
//! whole program → render the diagnostics as a human would see them and as JSON. Any panic,
//! stack overflow, timeout or out-of-memory is a finding; so is a diagnostic whose span lies
//! outside its file or off a character boundary.
#![no_main]

use govc_compiler::db::{self, Database};
use govc_compiler::diagnostics::render::{render_human, render_json, HumanOptions};
use libfuzzer_sys::fuzz_target;

const FILE: &str = "fuzz.gov";

fuzz_target!(|data: &[u8]| {
    let mut database = Database::default();
    let read = |p: &str| -> std::io::Result<Vec<u8>> {
        if p == FILE {
            Ok(data.to_vec())
        } else {
            Err(std::io::ErrorKind::NotFound.into())
        }
    };
    let (ws, failed) = db::load(&mut database, &[FILE.to_string()], &read);
    assert!(failed.is_empty());
    let diags = db::program_diagnostics(&database, ws);
    let files = ws.files(&database);
    let text_of = |p: &str| files.get(p).map(|f| f.text(&database).as_str());

    for d in diags.iter() {
        let mut spans = vec![(d.file.as_str(), d.span)];
        spans.extend(
            d.secondary
                .iter()
                .map(|l| (l.file.as_deref().unwrap_or(&d.file), l.span)),
        );
        for (file, span) in spans {
            let text = text_of(file).unwrap_or_else(|| panic!("unknown file {file}: {d:?}"));
            let (s, e) = (span.start as usize, span.end as usize);
            assert!(s <= e && e <= text.len(), "span out of range: {d:?}");
            assert!(
                text.is_char_boundary(s) && text.is_char_boundary(e),
                "span off a char boundary: {d:?}"
            );
        }
    }

    let human = render_human(
        diags,
        &text_of,
        HumanOptions {
            color: true,
            max_shown: 20,
        },
    );
    assert!(diags.is_empty() || human.contains(" emitted"));
    let _ = render_json(diags, &text_of);
});
