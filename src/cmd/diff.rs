//! `govc diff OLD NEW`: what a change to the policies changes (docs/verify.md, "Reviewing a
//! change").

use crate::*;
use std::path::PathBuf;

/// A version: a path as given, or `REV:PATH` — PATH as git revision REV has it, extracted
/// into a scratch directory (removed when the value is dropped).
struct Version {
    path: String,
    scratch: Option<PathBuf>,
}

impl Drop for Version {
    fn drop(&mut self) {
        if let Some(dir) = &self.scratch {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn version(arg: &str, which: &str) -> Result<Version, String> {
    let plain = || Version {
        path: arg.to_string(),
        scratch: None,
    };
    if Path::new(arg).exists() {
        return Ok(plain());
    }
    let Some((rev, path)) = arg.split_once(':') else {
        return Ok(plain());
    };
    let git = |args: &[&str]| std::process::Command::new("git").args(args).output();
    let is_rev = git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        &format!("{rev}^{{commit}}"),
    ])
    .is_ok_and(|o| o.status.success());
    if !is_rev {
        return Ok(plain());
    }
    let dir = std::env::temp_dir().join(format!("govc-diff-{which}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let v = Version {
        path: dir.join(path).display().to_string(),
        scratch: Some(dir.clone()),
    };
    // `git archive REV -- PATH`, unpacked with tar: the files as that revision has them.
    let archive = git(&["archive", "--format=tar", rev, "--", path]).map_err(|e| e.to_string())?;
    if !archive.status.success() {
        return Err(format!(
            "git archive {rev} -- {path}: {}",
            String::from_utf8_lossy(&archive.stderr).trim()
        ));
    }
    let mut tar = std::process::Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(&dir)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("tar: {e}"))?;
    if let Some(mut stdin) = tar.stdin.take() {
        stdin
            .write_all(&archive.stdout)
            .map_err(|e| format!("tar: {e}"))?;
    }
    let status = tar.wait().map_err(|e| format!("tar: {e}"))?;
    if !status.success() {
        return Err("tar could not unpack the revision".to_string());
    }
    Ok(v)
}

pub(crate) fn run(
    old: &str,
    new: &str,
    exit_code: bool,
    format: DiffFormat,
    report: &Report,
) -> ExitCode {
    // `REV:PATH` arguments: each version from git.
    let (old_v, new_v) = match (version(old, "old"), version(new, "new")) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            errln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let (old, new) = (old_v.path.as_str(), new_v.path.as_str());
    let opts = compile::Options::default();
    // Each version is a program of its own: compiled alone, its errors reported alone.
    let before = match compiled(&[old.to_string()], &opts, report, false) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let after = match compiled(&[new.to_string()], &opts, report, false) {
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
