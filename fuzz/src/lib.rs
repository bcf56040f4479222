//! Shared by the fuzz targets: one `.gov` program per run in a database that lives across runs,
//! and the checks every target makes of diagnostics.
//!
//! The standard library's modules are inputs of the same database as the fuzzed file, so salsa
//! parses them once for the whole fuzzing session; each run only sets the fuzzed file's text.
//! The program is exactly the one `db::load` builds for a single file read in memory (as the
//! language server reads editor buffers): that file plus the stdlib, since no other file exists.

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

use govc_compiler::check::index::STD_PREFIX;
use govc_compiler::db::{self, Database, SourceFile, Workspace};
use govc_compiler::diagnostics::render::{render_human, render_json, HumanOptions};
use govc_compiler::diagnostics::Diagnostic;
use govc_compiler::stdlib;
use salsa::Setter;

/// The fuzzed file's path.
pub const FILE: &str = "fuzz.gov";

struct Session {
    db: Database,
    file: SourceFile,
    ws: Workspace,
}

fn session() -> &'static Mutex<Session> {
    static SESSION: OnceLock<Mutex<Session>> = OnceLock::new();
    SESSION.get_or_init(|| {
        let db = Database::new(govc_compiler::catalog::embedded());
        let file = SourceFile::new(&db, FILE.to_string(), String::new(), None);
        let mut files = BTreeMap::from([(FILE.to_string(), file)]);
        for (name, text) in stdlib::MODULES {
            let path = format!("{STD_PREFIX}{name}.gov");
            files.insert(
                path.clone(),
                SourceFile::new(&db, path, text.to_string(), None),
            );
        }
        let ws = Workspace::new(&db, files, vec![FILE.to_string()], BTreeMap::new());
        Mutex::new(Session { db, file, ws })
    })
}

/// Runs `f` on the program whose only user file holds `bytes` (decoded as `govc` decodes files).
pub fn with_program<R>(bytes: &[u8], f: impl FnOnce(&Database, Workspace) -> R) -> R {
    // A panic in an earlier run poisons the lock; libFuzzer stops at the first one anyway.
    let mut s = session()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let (text, bad) = db::decode(bytes.to_vec());
    let Session { db, file, ws } = &mut *s;
    if file.text(db) != &text {
        file.set_text(db).to(text);
    }
    if *file.utf8_error(db) != bad {
        file.set_utf8_error(db).to(bad);
    }
    f(db, *ws)
}

/// The text of a file of the workspace.
pub fn text_of<'a>(db: &'a Database, ws: Workspace, path: &str) -> Option<&'a str> {
    ws.files(db).get(path).map(|f| f.text(db).as_str())
}

/// Every span of every diagnostic lies within its file and on character boundaries.
pub fn assert_spans(db: &Database, ws: Workspace, diags: &[Diagnostic]) {
    for d in diags {
        let mut spans = vec![(d.file.as_str(), d.span)];
        spans.extend(
            d.secondary
                .iter()
                .map(|l| (l.file.as_deref().unwrap_or(&d.file), l.span)),
        );
        if let Some(fix) = &d.fix {
            spans.push((d.file.as_str(), fix.span));
        }
        for (file, span) in spans {
            let text =
                text_of(db, ws, file).unwrap_or_else(|| panic!("unknown file {file}: {d:?}"));
            let (s, e) = (span.start as usize, span.end as usize);
            assert!(s <= e && e <= text.len(), "span out of range: {d:?}");
            assert!(
                text.is_char_boundary(s) && text.is_char_boundary(e),
                "span off a char boundary: {d:?}"
            );
        }
    }
}

/// Renders the diagnostics as `govc` prints them (human, coloured and capped; JSON), checking
/// that the JSON is JSON.
pub fn render(db: &Database, ws: Workspace, diags: &[Diagnostic]) {
    let text = |p: &str| text_of(db, ws, p);
    let human = render_human(
        diags,
        &text,
        HumanOptions {
            color: true,
            max_shown: 20,
        },
    );
    assert!(diags.is_empty() || human.contains(" emitted"), "{human}");
    let json = render_json(diags, &text);
    if let Err(e) = serde_json::from_str::<serde_json::Value>(&json) {
        panic!("diagnostics JSON does not parse ({e}): {json}");
    }
}
