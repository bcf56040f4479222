//! `govc check`: parse and type-check, print the diagnostics.

use crate::*;

pub(crate) fn check(paths: &[String], deny_warnings: bool, report: &Report) -> ExitCode {
    let (database, ws) = match load(paths) {
        Ok(x) => x,
        Err(code) => return code,
    };
    // Everything `govc compile` would report, the lints and limits of the back end included,
    // with the database dropped before the back end runs.
    let checked = db::Detached::new(database, ws, false);
    let diags = checked.all_diagnostics();
    report.print(&diags, &|p| checked.sources.text(p));
    if fails(&diags, deny_warnings) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
