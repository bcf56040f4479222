//! `govc diff OLD NEW`: what a change to the policies changes (docs/verify.md, "Reviewing a
//! change").

use crate::*;

pub(crate) fn run(
    old: &str,
    new: &str,
    exit_code: bool,
    format: DiffFormat,
    report: &Report,
) -> ExitCode {
    let opts = compile::Options::default();
    // Each version is a program of its own: compiled alone, its errors reported alone.
    let before = match compiled(&[old.to_string()], &opts, report) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let after = match compiled(&[new.to_string()], &opts, report) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let d = govc_compiler::diff::diff(
        (before.program(), &before.output),
        (after.program(), &after.output),
    );
    let old_locate = |file: &str, span: govc_compiler::syntax::Span| before.locate(file, span);
    let new_locate = |file: &str, span: govc_compiler::syntax::Span| after.locate(file, span);
    let text = match format {
        DiffFormat::Human => govc_compiler::diff::report_human(&d, &old_locate, &new_locate),
        DiffFormat::Json => govc_compiler::diff::report_json(&d, &old_locate, &new_locate),
        DiffFormat::Markdown => govc_compiler::diff::report_markdown(&d, &old_locate, &new_locate),
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    if exit_code && !d.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
