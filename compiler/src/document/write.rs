//! Writing the output directory all at once (nothing half-written; docs/compiler.md). Files go to a
//! fresh sibling directory first, which then replaces the output directory by renames, so a
//! reader sees the old tree or the new one, never a mix, and a failure leaves the old one.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The file govc writes into every output directory; its presence marks a directory that a
/// previous compile owns and may replace.
pub const MANIFEST: &str = "manifest.json";

/// Replaces `dir` with exactly `files` (paths relative to `dir`). Refuses to replace a
/// non-empty directory that has no `manifest.json`: it is not ours to delete.
pub fn write_dir(dir: &Path, files: &[(String, String)]) -> io::Result<()> {
    if dir.exists() {
        let owned = dir.join(MANIFEST).is_file();
        let empty = fs::read_dir(dir)?.next().is_none();
        if !owned && !empty {
            return Err(io::Error::other(format!(
                "`{}` exists and was not written by govc (no {MANIFEST}); choose an empty or new directory",
                dir.display()
            )));
        }
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)?;
    let base = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".to_string());
    let pid = std::process::id();
    let tmp = parent.join(format!(".{base}.govc-new-{pid}"));
    let old = parent.join(format!(".{base}.govc-old-{pid}"));
    let _ = fs::remove_dir_all(&tmp);
    let result = (|| {
        fs::create_dir_all(&tmp)?;
        for (rel, content) in files {
            let path = tmp.join(rel);
            if let Some(p) = path.parent() {
                fs::create_dir_all(p)?;
            }
            fs::write(&path, content)?;
        }
        if dir.exists() {
            fs::rename(dir, &old)?;
            if let Err(e) = fs::rename(&tmp, dir) {
                // Put the previous output back.
                let _ = fs::rename(&old, dir);
                return Err(e);
            }
            let _ = fs::remove_dir_all(&old);
        } else {
            fs::rename(&tmp, dir)?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    result
}
