//! `govc import FILE.json|DIR [--out DIR]`: policy JSON → `.gov`, proven before written
//! (docs/compiler.md, "Importing policies").

use crate::*;
use std::path::PathBuf;

/// A policy document larger than this is not a policy (SCPs are at most 10,240 characters).
const MAX_JSON: u64 = 1 << 20;

fn json_files(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) -> std::io::Result<()> {
    if depth > 16 {
        return Ok(());
    }
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        let ty = e.file_type()?;
        if ty.is_dir() && !e.file_name().to_string_lossy().starts_with('.') {
            json_files(&p, out, depth + 1)?;
        } else if ty.is_file() && p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
    Ok(())
}

pub(crate) fn run(path: &str, out: Option<&str>) -> ExitCode {
    let p = Path::new(path);
    let mut files = Vec::new();
    if p.is_dir() {
        if out.is_none() {
            errln!("error: importing a directory needs `--out DIR`");
            return ExitCode::from(2);
        }
        if let Err(e) = json_files(p, &mut files, 0) {
            errln!("error: cannot read `{path}`: {e}");
            return ExitCode::from(2);
        }
    } else {
        files.push(p.to_path_buf());
    }
    let catalog = govc_compiler::catalog::embedded();
    let mut written: Vec<(String, String)> = Vec::new();
    let mut names = std::collections::BTreeSet::new();
    let mut failed = 0;
    for f in &files {
        let shown = f.display().to_string();
        let text = match std::fs::metadata(f) {
            Ok(m) if m.len() > MAX_JSON => Err(format!("larger than {MAX_JSON} bytes")),
            Ok(_) => std::fs::read_to_string(f).map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        let text = match text {
            Ok(t) => t,
            Err(e) => {
                errln!("error: cannot read `{shown}`: {e}");
                failed += 1;
                continue;
            }
        };
        let stem = f
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let mut name = govc_compiler::import::block_name(&stem);
        while !names.insert(name.clone()) {
            name.push('_');
        }
        let result = govc_compiler::import::import_verified(
            catalog.clone(),
            &name,
            &format!("{name}.gov"),
            &text,
        );
        match result {
            Ok((i, surface)) => {
                errln!(
                    "imported {shown} as {} `{name}` ({}): proven to decide every request as the JSON",
                    if i.rcp { "rcp" } else { "scp" },
                    if surface { "surface statements" } else { "core rules" }
                );
                let header = format!(
                    "// Imported by govc from {stem}.json; proven to decide every request as it.\n"
                );
                written.push((format!("{name}.gov"), format!("{header}{}", i.text)));
            }
            Err(e) => {
                errln!("error: cannot import `{shown}`: {e}");
                failed += 1;
            }
        }
    }
    if failed > 0 {
        errln!(
            "{failed} of {} documents not imported; nothing written",
            files.len()
        );
        return ExitCode::from(1);
    }
    match out {
        None => {
            for (_, text) in &written {
                outln!("{text}");
            }
            ExitCode::SUCCESS
        }
        Some(dir) => match write::write_dir(Path::new(dir), &written) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                errln!("error: cannot write `{dir}`: {e}");
                ExitCode::from(2)
            }
        },
    }
}
