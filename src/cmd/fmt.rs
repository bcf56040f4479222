//! `govc fmt`: rewrites files into the formatter's canonical layout, atomically and only when
//! they change; `--check` lists the files that would change (exit 1), `-`/`--stdin` filters.

use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;

use govc_compiler::diagnostics::{Code, Diagnostic};
use govc_compiler::format::format_source;
use govc_compiler::syntax::Span;

use crate::{collect, Report};

/// How one input fared.
enum Outcome {
    Unchanged,
    Changed,
    /// Syntax errors (reported already): exit 1.
    Refused,
}

pub(crate) fn run(paths: &[String], check: bool, stdin: bool, report: &Report) -> ExitCode {
    let use_stdin = stdin || paths.iter().any(|p| p == "-");
    let files: Vec<String> = paths.iter().filter(|p| *p != "-").cloned().collect();
    let files = if files.is_empty() {
        Vec::new()
    } else {
        match collect(&files) {
            Ok(f) => f,
            Err(e) => {
                errln!("error: {}", govc_compiler::diagnostics::tidy(e.to_string()));
                return ExitCode::from(2);
            }
        }
    };
    let mut changed = false;
    let mut refused = false;
    if use_stdin {
        let mut bytes = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
            errln!("error: cannot read standard input: {e}");
            return ExitCode::from(2);
        }
        match format_one("<stdin>", &bytes, report) {
            Some((text, out)) => {
                if check {
                    if out != text {
                        changed = true;
                        outln!("<stdin>");
                    }
                } else {
                    let _ = std::io::stdout().lock().write_all(out.as_bytes());
                }
            }
            None => refused = true,
        }
    }
    for file in &files {
        match fmt_file(file, check, report) {
            Ok(Outcome::Unchanged) => {}
            Ok(Outcome::Changed) => {
                changed = true;
                if check {
                    outln!("{file}");
                }
            }
            Ok(Outcome::Refused) => refused = true,
            Err(e) => {
                errln!("error: {}", govc_compiler::diagnostics::tidy(e.to_string()));
                return ExitCode::from(2);
            }
        }
    }
    if refused || (check && changed) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn fmt_file(file: &str, check: bool, report: &Report) -> Result<Outcome, String> {
    let bytes = crate::reader(std::slice::from_ref(&file.to_string()))
        .read(file)
        .map_err(|e| format!("cannot read `{file}`: {e}"))?;
    let Some((text, out)) = format_one(file, &bytes, report) else {
        return Ok(Outcome::Refused);
    };
    if out == text {
        return Ok(Outcome::Unchanged);
    }
    if !check {
        write_atomically(Path::new(file), out.as_bytes())
            .map_err(|e| format!("cannot write `{file}`: {e}"))?;
    }
    Ok(Outcome::Changed)
}

/// The text and its formatted form; `None` after reporting why it cannot be formatted.
fn format_one(name: &str, bytes: &[u8], report: &Report) -> Option<(String, String)> {
    // A byte-order mark is not part of the program (the checker drops it too); the formatted
    // file is written without it.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match String::from_utf8(bytes.to_vec()) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(bytes).into_owned();
            let d = Diagnostic::new(
                Code::E0006,
                Span::new(at, at + 1),
                "file is not valid UTF-8",
            )
            .with_label("not UTF-8")
            .with_help("re-save the file as UTF-8")
            .in_file(name);
            report.print(&[d], &|_| Some(lossy.as_str()));
            return None;
        }
    };
    match format_source(&text) {
        Ok(out) => Some((text, out)),
        Err(diags) => {
            let diags: Vec<Diagnostic> = diags.into_iter().map(|d| d.in_file(name)).collect();
            report.print(&diags, &|_| Some(text.as_str()));
            None
        }
    }
}

/// Writes a sibling temporary file with the original's permissions, then renames it over the
/// original, so an interrupted run never leaves a half-written policy.
fn write_atomically(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.govc-fmt-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(contents)?;
        f.sync_all()?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&tmp, meta.permissions())?;
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
