//! `govc`: the command-line front end. Exit codes: 0 clean (warnings allowed), 1 errors in the
//! policies, 2 usage or I/O failure.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use govc_compiler::db::{self, Database};
use govc_compiler::diagnostics::render::{render_human, render_json, HumanOptions};
use govc_compiler::diagnostics::{Code, Severity};

#[derive(Parser)]
#[command(
    name = "govc",
    version,
    about = "Compiler for .gov AI-governance policies",
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and type-check .gov files; print diagnostics, write nothing.
    Check {
        /// Files or directories (searched recursively for *.gov).
        #[arg(required = true)]
        paths: Vec<String>,
        /// Output format for diagnostics.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// When to colour human output (NO_COLOR is honoured by `auto`).
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
        /// Show at most this many diagnostics in human output.
        #[arg(long, default_value_t = 100)]
        max_diagnostics: usize,
    },
    /// Print the long explanation of a diagnostic code, e.g. `govc explain E0200`.
    Explain {
        /// The code (E0200, W0206, …); without it, list every code.
        code: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            // clap exits 0 for --help/--version and 2 for usage errors; keep that split.
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Check {
            paths,
            format,
            color,
            max_diagnostics,
        } => check(&paths, format, color, max_diagnostics),
        Command::Explain { code } => explain(code.as_deref()),
    }
}

fn explain(code: Option<&str>) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match code {
        None => {
            for c in Code::ALL {
                let _ = writeln!(out, "{}  {}", c.as_str(), c.title());
            }
            ExitCode::SUCCESS
        }
        Some(s) => match Code::parse(s) {
            Some(c) => {
                let kind = match c.severity() {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                let _ = writeln!(
                    out,
                    "{} ({kind}): {}\n\n{}",
                    c.as_str(),
                    c.title(),
                    c.explanation()
                );
                ExitCode::SUCCESS
            }
            None => {
                eprintln!(
                    "error: `{s}` is not a govc diagnostic code; `govc explain` lists them all"
                );
                ExitCode::from(2)
            }
        },
    }
}

/// Expands directories into their `.gov` files (recursively, sorted, hidden entries skipped).
fn collect(paths: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for p in paths {
        let path = Path::new(p);
        let meta = std::fs::metadata(path).map_err(|e| format!("cannot read `{p}`: {e}"))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found).map_err(|e| format!("cannot read directory `{p}`: {e}"))?;
            if found.is_empty() {
                return Err(format!("no .gov files in `{p}`"));
            }
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<String>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "gov") {
            out.push(path.to_string_lossy().into_owned());
        }
    }
    Ok(())
}

fn check(paths: &[String], format: Format, color: ColorChoice, max: usize) -> ExitCode {
    let files = match collect(paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut database = Database::default();
    let (ws, failed) = db::load(&mut database, &files, &|p| std::fs::read(p));
    if let Some((p, e)) = failed.first() {
        eprintln!("error: cannot read `{p}`: {e}");
        return ExitCode::from(2);
    }
    let diags = db::program_diagnostics(&database, ws);
    let sources = ws.files(&database);
    let text_of = |p: &str| sources.get(p).map(|f| f.text(&database).as_str());
    let errors = diags.iter().filter(|d| d.is_error()).count();
    match format {
        Format::Json => {
            println!("{}", render_json(diags, &text_of));
        }
        Format::Human => {
            let color = match color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    std::io::stderr().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                }
            };
            let text = render_human(
                diags,
                &text_of,
                HumanOptions {
                    color,
                    max_shown: max,
                },
            );
            // A clean program prints nothing, like a compiler.
            let _ = std::io::stderr().lock().write_all(text.as_bytes());
        }
    }
    if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
