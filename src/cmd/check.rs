//! `govc check`: parse and type-check, print the diagnostics.

use crate::*;

pub(crate) fn check(paths: &[String], deny_warnings: bool, report: &Report) -> ExitCode {
    let (database, ws) = match load(paths) {
        Ok(x) => x,
        Err(code) => return code,
    };
    // Everything `govc compile` would report, the lints and limits of the back end included.
    let diags = db::all_diagnostics(&database, ws);
    let sources = ws.files(&database);
    let text_of = |p: &str| sources.get(p).map(|f| f.text(&database).as_str());
    report.print(diags, &text_of);
    if fails(diags, deny_warnings) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
