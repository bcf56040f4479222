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

pub(crate) fn run(path: &str, out: Option<&str>, set: &[String]) -> ExitCode {
    let mut values = std::collections::BTreeMap::new();
    for s in set {
        match s.split_once('=') {
            Some((name, value)) if !name.is_empty() => {
                values.insert(name.to_string(), value.to_string());
            }
            _ => {
                errln!("error: `--set {s}` is not NAME=VALUE");
                return ExitCode::from(2);
            }
        }
    }
    let mut used = std::collections::BTreeSet::new();
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
        let (text, filled) = match govc_compiler::import::fill_placeholders(&text, &values) {
            Ok(t) => t,
            Err(e) => {
                errln!("error: cannot import `{shown}`: {e}");
                failed += 1;
                continue;
            }
        };
        used.extend(filled.iter().map(|p| p.name.clone()));
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
                for w in &i.warnings {
                    errln!("warning: {shown}: {w}");
                }
                errln!(
                    "imported {shown} as {} `{name}` ({}): proven to decide every request as the JSON",
                    if i.rcp { "rcp" } else { "scp" },
                    match (surface, i.text.contains("permit (") || i.text.contains("forbid (")) {
                        (true, false) => "surface statements",
                        (true, true) => "surface statements and core rules",
                        (false, _) => "core rules",
                    }
                );
                let mut header = format!(
                    "// Imported by govc from {stem}.json; proven to decide every request as it.\n"
                );
                for p in &filled {
                    let value = values.get(&p.name).map(String::as_str).unwrap_or_default();
                    header.push_str(&format!(
                        "// Template placeholder {} set to `{}`.\n",
                        p.token,
                        value.replace(['\n', '\r'], " ")
                    ));
                }
                written.push((format!("{name}.gov"), format!("{header}{}", i.text)));
            }
            Err(e) => {
                errln!("error: cannot import `{shown}`: {e}");
                failed += 1;
            }
        }
    }
    // A value nothing used is most likely a misspelt name.
    if let Some(unused) = values.keys().find(|k| !used.contains(*k)) {
        errln!("error: `--set {unused}=…` names no placeholder of the documents");
        return ExitCode::from(2);
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

/// `govc import --org EXPORT --out DIR`: the organization tools/export-org.sh exported, as a
/// program proven account by account before it is written.
pub(crate) fn run_org(path: &str, out: Option<&str>) -> ExitCode {
    let Some(out) = out else {
        errln!("error: importing an organization needs `--out DIR`");
        return ExitCode::from(2);
    };
    let root = Path::new(path);
    if !root.is_dir() {
        errln!("error: `{path}` is not a directory written by tools/export-org.sh");
        return ExitCode::from(2);
    }
    // The engine names files from ids it has checked for shape; refusing anything else
    // keeps every read inside the export.
    let read = |rel: &str| -> Result<Option<String>, String> {
        let safe = Path::new(rel)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !safe {
            return Err(format!("`{rel}` is not a path inside the export"));
        }
        let f = root.join(rel);
        match std::fs::metadata(&f) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("cannot read `{}`: {e}", f.display())),
            Ok(m) if m.len() > MAX_JSON => {
                Err(format!("`{}` is larger than {MAX_JSON} bytes", f.display()))
            }
            Ok(_) => std::fs::read_to_string(&f)
                .map(Some)
                .map_err(|e| format!("cannot read `{}`: {e}", f.display())),
        }
    };
    let export = match govc_compiler::import::org::read_export(&read) {
        Ok(e) => e,
        Err(e) => {
            errln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    match govc_compiler::import::org::import_org(govc_compiler::catalog::embedded(), &export) {
        Ok(i) => {
            for n in &i.notes {
                errln!("note: {n}");
            }
            errln!(
                "imported {} OUs, {} accounts and {} policies ({} as surface statements); every account's SCPs and RCPs proven to decide every request as the live ones ({} accounts)",
                i.ous,
                i.accounts,
                i.policies,
                i.surface,
                i.proven_accounts
            );
            match write::write_dir(Path::new(out), &i.files) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    errln!("error: cannot write `{out}`: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Err(errors) => {
            for e in &errors {
                errln!("error: {e}");
            }
            errln!("the organization was not imported; nothing written");
            ExitCode::from(1)
        }
    }
}
