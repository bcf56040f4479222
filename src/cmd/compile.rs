//! `govc compile`: check, compile, write the output directory (or print it with `--dry-run`).

use crate::*;

pub(crate) fn compile_cmd(
    paths: &[String],
    out: Option<&str>,
    dry_run: bool,
    deny_warnings: bool,
    opts: &compile::Options,
    emit: &[EmitArg],
    report: &Report,
) -> ExitCode {
    let Compiled {
        sources,
        program,
        mut output,
        diags,
        ..
    } = match compiled(paths, opts, report, false) {
        Ok(c) => c,
        Err(code) => return code,
    };
    // What is written is the documents' texts, the manifest and the deployment files: the
    // core rules, the lowered statements and the documents' statements are freed before the
    // manifest is built, rather than held beside it and the texts to the end of the compile.
    let org_id = program.org.id.clone();
    drop(program);
    output.lowered = Default::default();
    for d in &mut output.documents {
        d.statements = Vec::new();
    }
    let output = &output;
    let text_of = |p: &str| sources.text(p);
    let locate =
        |file: &str, span: govc_compiler::syntax::Span| sources.locate(file, span.start as usize);
    let manifest = manifest::render(output, &locate);
    // With `--dry-run --format json`, one JSON document: the warnings and the manifest.
    if dry_run && matches!(report.format, Format::Json | Format::Junit) {
        let parse = |text: &str| {
            serde_json::from_str::<serde_json::Value>(text).unwrap_or(serde_json::Value::Null)
        };
        let v = serde_json::json!({
            "diagnostics": parse(&govc_compiler::diagnostics::render::render_json(&diags, &text_of)),
            "manifest": parse(&manifest),
        });
        // Parsing the diagnostics back undid their escapes: escape the whole document again.
        outln!(
            "{}",
            terminal_safe_json(serde_json::to_string_pretty(&v).unwrap_or_default())
        );
        return ExitCode::SUCCESS;
    }
    report.print(&diags, &text_of);
    if fails(&diags, deny_warnings) {
        errln!("error: warnings are denied (--deny-warnings); nothing written");
        return ExitCode::from(1);
    }
    if dry_run {
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(terminal_safe_json(manifest).as_bytes());
        if matches!(report.format, Format::Human) {
            let _ = stdout.write_all(table(output).as_bytes());
        }
        return ExitCode::SUCCESS;
    }
    // The documents' texts are written from the output, not copied.
    let mut files: Vec<(String, &str)> = output
        .documents
        .iter()
        .map(|d| (d.file(), d.content.as_str()))
        .collect();
    files.push((write::MANIFEST.to_string(), &manifest));
    let terraform = emit
        .contains(&EmitArg::Terraform)
        .then(|| compile::terraform::render(output));
    if let Some(text) = &terraform {
        files.push((compile::terraform::FILE.to_string(), text));
    }
    let cloudformation = emit
        .contains(&EmitArg::Cloudformation)
        .then(|| compile::cloudformation::render(output, org_id.as_deref()));
    if let Some(text) = &cloudformation {
        files.push((compile::cloudformation::FILE.to_string(), text));
    }
    let dir = out.unwrap_or("out");
    if let Err(e) = write::write_dir(Path::new(dir), &files) {
        errln!("error: cannot write `{dir}`: {e}");
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}

/// The `--dry-run` table: each document's size against its quota, each target's SCP slots.
pub(crate) fn table(out: &compile::Output) -> String {
    let mut s = String::from("\n");
    let w = out
        .documents
        .iter()
        .map(|d| d.file().len())
        .max()
        .unwrap_or(8)
        .max(8);
    s.push_str(&format!(
        "{:<w$}  {:<22}  {:>6}  {:>6}  {:>4}\n",
        "document", "type", "chars", "limit", "use"
    ));
    for d in &out.documents {
        let (limit, pct) = if d.limit == usize::MAX {
            ("-".to_string(), "-".to_string())
        } else {
            (
                d.limit.to_string(),
                format!("{}%", d.chars() * 100 / d.limit.max(1)),
            )
        };
        s.push_str(&format!(
            "{:<w$}  {:<22}  {:>6}  {:>6}  {:>4}\n",
            d.file(),
            d.kind.type_name(),
            d.chars(),
            limit,
            pct
        ));
    }
    let tw = out
        .targets
        .iter()
        .map(|t| t.name.len())
        .max()
        .unwrap_or(6)
        .max(6);
    s.push_str(&format!(
        "\n{:<tw$}  {:<18}  {:>5}  {:<13}  scp documents\n",
        "target", "id", "slots", "FullAWSAccess"
    ));
    for t in &out.targets {
        s.push_str(&format!(
            "{:<tw$}  {:<18}  {:>5}  {:<13}  {}\n",
            t.name,
            t.id,
            format!("{}/{}", t.used(), t.limit),
            if t.full_aws_access {
                "attached"
            } else {
                "detach"
            },
            t.documents.join(", ")
        ));
    }
    s
}
