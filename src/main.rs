//! `govc`: the command-line front end. Exit codes: 0 clean (warnings allowed), 1 errors in the
//! policies, 2 usage or I/O failure.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use govc_compiler::compile;
use govc_compiler::compile::manifest;
use govc_compiler::db::{self, Database};
use govc_compiler::diagnostics::render::{render_human, render_json, HumanOptions};
use govc_compiler::diagnostics::{Code, Diagnostic, Severity};
use govc_compiler::document::write;
use govc_compiler::effective as bedrock_effective;
use govc_compiler::proof;
use govc_compiler::rules::Limits;
use govc_compiler::sources;
use govc_compiler::verify;

/// `println!` that never panics: a closed stdout (`govc check --format json | head -1`) ends
/// the output quietly and the command keeps its exit status, where `println!` would panic and
/// exit 101.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// `eprintln!` that never panics (a closed or broken stderr pipe).
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

mod fmt;

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
    /// Read `.gov` files outside the project too (the project is the current directory and
    /// the paths given; by default a `use` or a symlink leading elsewhere is refused).
    #[arg(long, global = true)]
    allow_outside_root: bool,
}

/// `--allow-outside-root`, set once from the command line before any file is read.
static ALLOW_OUTSIDE_ROOT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

/// The source reader for a command's paths: every read of a `.gov` file goes through it.
fn reader(paths: &[String]) -> sources::Reader {
    sources::Reader::for_arguments(paths, ALLOW_OUTSIDE_ROOT.get().copied().unwrap_or(false))
}

#[derive(Subcommand)]
enum Command {
    /// Parse and type-check .gov files; print diagnostics, write nothing.
    Check {
        /// Files or directories (searched recursively for *.gov).
        #[arg(required = true)]
        paths: Vec<String>,
        #[command(flatten)]
        report: Report,
    },
    /// Check and compile .gov files into policy JSON and a manifest.
    Compile {
        /// Files or directories (searched recursively for *.gov).
        #[arg(required = true)]
        paths: Vec<String>,
        /// Output directory; replaced as a whole (atomically where the system allows), only
        /// when the compile succeeds, and only if it is new, empty or marked by govc.
        #[arg(long, short, required_unless_present = "dry_run")]
        out: Option<String>,
        /// Print the manifest and a size/slot table instead of writing files.
        #[arg(long)]
        dry_run: bool,
        /// SCP quotas: `current` (10,240 characters, 10 per target) or `legacy` (5,120, 5);
        /// overrides the program's `limits`.
        #[arg(long, value_enum)]
        limits: Option<LimitsArg>,
        /// Give every statement a Sid derived from its source (they count toward the size).
        #[arg(long)]
        sids: bool,
        /// In Deny statements, replace an action list by a wildcard that matches exactly that
        /// list in the catalog.
        #[arg(long)]
        compress_actions: bool,
        #[command(flatten)]
        report: Report,
    },
    /// Compile, then run every `test` block against the compiled SCPs (FullAWSAccess and
    /// Control Tower controls included); exit 1 when an expectation fails.
    Verify {
        /// Files or directories (searched recursively for *.gov).
        #[arg(required = true)]
        paths: Vec<String>,
        /// Show the deciding statements of every expectation, not only of failed ones.
        #[arg(long)]
        explain: bool,
        /// SCP quotas, as for `compile`.
        #[arg(long, value_enum)]
        limits: Option<LimitsArg>,
        /// Verify the documents `compile --compress-actions` writes (proved over the catalog's
        /// actions; a compressed pattern also denies actions AWS adds later).
        #[arg(long)]
        compress_actions: bool,
        #[command(flatten)]
        report: Report,
    },
    /// Evaluate one request against the compiled SCPs of an account and show the deciding
    /// statements. Exit 0 when the organization allows it, 1 when it denies it.
    Simulate {
        /// Files or directories (searched recursively for *.gov).
        #[arg(required = true)]
        paths: Vec<String>,
        /// The account (its name in the org).
        #[arg(long)]
        account: String,
        /// The IAM action, e.g. bedrock:InvokeModel.
        #[arg(long)]
        action: String,
        /// The resource ARN (default `*`).
        #[arg(long, default_value = "*")]
        resource: String,
        /// Sets aws:RequestedRegion (`unspecified` for global cross-Region inference).
        #[arg(long)]
        region: Option<String>,
        /// A request key, `KEY=VALUE`, or `KEY=[a,b]` for a multivalued key; repeatable.
        #[arg(long = "context", value_name = "KEY=VALUE")]
        context: Vec<String>,
        #[command(flatten)]
        report: Report,
    },
    /// Show an account's effective BEDROCK_POLICY: the guardrail configuration per Region that
    /// the documents attached from the root down merge into (inheritance operators applied).
    Effective {
        /// Files or directories (searched recursively for *.gov).
        #[arg(required = true)]
        paths: Vec<String>,
        /// The account (its name in the org).
        #[arg(long)]
        account: String,
        #[command(flatten)]
        report: Report,
    },
    /// Format .gov files in place (only those that change); `--check` lists them instead.
    Fmt {
        /// Files or directories (searched recursively for *.gov); `-` is standard input.
        #[arg(required_unless_present = "stdin")]
        paths: Vec<String>,
        /// Write nothing; list the files that are not formatted and exit 1 if there are any.
        #[arg(long)]
        check: bool,
        /// Read standard input and write the formatted text to standard output.
        #[arg(long)]
        stdin: bool,
        #[command(flatten)]
        report: Report,
    },
    /// Run the language server over stdin/stdout (docs/editors.md).
    Lsp {
        /// Serve over stdin/stdout (the only transport; accepted because language clients,
        /// VS Code's among them, pass it when they start a server over stdio).
        #[arg(long)]
        stdio: bool,
        /// The editor's process id, as some clients pass it; unused.
        #[arg(long = "clientProcessId", value_name = "PID", hide = true)]
        client_process_id: Option<String>,
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
    /// JUnit XML (`govc verify` only).
    Junit,
}

#[derive(Clone, Copy, ValueEnum)]
enum LimitsArg {
    Current,
    Legacy,
}

impl LimitsArg {
    fn limits(self) -> Limits {
        match self {
            LimitsArg::Current => Limits::CURRENT,
            LimitsArg::Legacy => Limits::LEGACY,
        }
    }
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
    let _ = ALLOW_OUTSIDE_ROOT.set(cli.allow_outside_root);
    match cli.command {
        Command::Check { paths, report } => check(&paths, &report),
        Command::Compile {
            paths,
            out,
            dry_run,
            limits,
            sids,
            compress_actions,
            report,
        } => {
            let opts = compile::Options {
                limits: limits.map(LimitsArg::limits),
                sids,
                compress_actions,
                optimize: true,
            };
            compile_cmd(&paths, out.as_deref(), dry_run, &opts, &report)
        }
        Command::Verify {
            paths,
            explain,
            limits,
            compress_actions,
            report,
        } => {
            let opts = compile::Options {
                limits: limits.map(LimitsArg::limits),
                compress_actions,
                ..compile::Options::default()
            };
            verify_cmd(&paths, explain, &opts, &report)
        }
        Command::Simulate {
            paths,
            account,
            action,
            resource,
            region,
            context,
            report,
        } => simulate_cmd(
            &paths,
            &SimRequest {
                account,
                action,
                resource,
                region,
                context,
            },
            &report,
        ),
        Command::Effective {
            paths,
            account,
            report,
        } => effective_cmd(&paths, &account, &report),
        Command::Explain { code } => explain(code.as_deref()),
        Command::Fmt {
            paths,
            check,
            stdin,
            report,
        } => fmt::run(&paths, check, stdin, &report),
        Command::Lsp { .. } => match govc_lsp::run_stdio() {
            Ok(0) => ExitCode::SUCCESS,
            Ok(_) => ExitCode::from(1),
            Err(e) => {
                errln!("error: cannot start the language server: {e}");
                ExitCode::from(2)
            }
        },
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
                errln!("error: `{s}` is not a govc diagnostic code; `govc explain` lists them all");
                ExitCode::from(2)
            }
        },
    }
}

/// Expands directories into their `.gov` files (recursively, hidden entries skipped). The
/// result is normalized (`./a.gov` is `a.gov`), sorted and without duplicates, so that output
/// depends neither on the order of the arguments (a shell glob's) nor on how they are spelled.
fn collect(paths: &[String]) -> Result<Vec<String>, String> {
    let mut files = collect_as_given(paths)?;
    for f in &mut files {
        *f = govc_compiler::check::index::normalize_path(f);
    }
    files.sort();
    files.dedup();
    Ok(files)
}

fn collect_as_given(paths: &[String]) -> Result<Vec<String>, String> {
    let reader = reader(paths);
    let mut out = Vec::new();
    for p in paths {
        let path = Path::new(p);
        let meta = std::fs::metadata(path).map_err(|e| format!("cannot read `{p}`: {e}"))?;
        if meta.is_dir() {
            let found = reader
                .walk(path)
                .map_err(|e| format!("cannot read directory `{p}`: {e}"))?;
            // A policy file left out would leave a hole in what is compiled: refuse instead.
            if let Some((name, why)) = found.skipped.first() {
                let name = govc_compiler::diagnostics::tidy(name.clone());
                return Err(format!("cannot read `{name}`: {why}"));
            }
            if found.files.is_empty() {
                return Err(format!("no .gov files in `{p}`"));
            }
            out.extend(found.files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// How diagnostics are shown (the options every command that reports shares).
#[derive(Args)]
struct Report {
    /// Output format for diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// When to colour human output (NO_COLOR is honoured by `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Show at most this many diagnostics in human output.
    #[arg(long = "max-diagnostics", value_name = "N", default_value_t = 100)]
    max: usize,
}

impl Report {
    fn print<'t>(&self, diags: &[Diagnostic], text_of: &dyn Fn(&str) -> Option<&'t str>) {
        match self.format {
            // JUnit describes test results; diagnostics go out as JSON there too.
            Format::Json | Format::Junit => {
                outln!("{}", render_json(diags, text_of));
            }
            Format::Human => {
                let color = match self.color {
                    ColorChoice::Always => true,
                    ColorChoice::Never => false,
                    ColorChoice::Auto => {
                        std::io::stderr().is_terminal()
                            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    }
                };
                let text = render_human(
                    diags,
                    text_of,
                    HumanOptions {
                        color,
                        max_shown: self.max,
                    },
                );
                // A clean program prints nothing, like a compiler.
                let _ = std::io::stderr().lock().write_all(text.as_bytes());
            }
        }
    }
}

/// Loads and checks the program; `Err` is the exit code for I/O failures.
fn load(paths: &[String]) -> Result<(Database, db::Workspace), ExitCode> {
    let files = match collect(paths) {
        Ok(f) => f,
        Err(e) => {
            errln!("error: {}", govc_compiler::diagnostics::tidy(e.to_string()));
            return Err(ExitCode::from(2));
        }
    };
    let mut database = Database::default();
    let reader = reader(paths);
    let (ws, failed) = db::load(&mut database, &files, &|p| reader.read(p));
    if let Some((p, e)) = failed.first() {
        errln!(
            "error: {}",
            govc_compiler::diagnostics::tidy(format!("cannot read `{p}`: {e}"))
        );
        return Err(ExitCode::from(2));
    }
    Ok((database, ws))
}

fn check(paths: &[String], report: &Report) -> ExitCode {
    let (database, ws) = match load(paths) {
        Ok(x) => x,
        Err(code) => return code,
    };
    // Everything `govc compile` would report, the lints and limits of the back end included.
    let diags = db::all_diagnostics(&database, ws);
    let sources = ws.files(&database);
    let text_of = |p: &str| sources.get(p).map(|f| f.text(&database).as_str());
    report.print(diags, &text_of);
    if diags.iter().any(Diagnostic::is_error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A program loaded, checked and compiled; errors already reported.
struct Compiled {
    database: Database,
    ws: db::Workspace,
    output: compile::Output,
    /// The checker's and the back end's warnings (there are no errors).
    diags: Vec<Diagnostic>,
}

impl Compiled {
    fn text(&self, path: &str) -> Option<&str> {
        self.ws
            .files(&self.database)
            .get(path)
            .map(|f| f.text(&self.database).as_str())
    }

    /// `file:line:col` of a span.
    fn locate(&self, file: &str, span: govc_compiler::syntax::Span) -> String {
        match self.ws.files(&self.database).get(file) {
            Some(f) => db::locate(
                file,
                db::line_index(&self.database, *f),
                f.text(&self.database),
                span.start as usize,
            ),
            None => format!("{file}:1:1"),
        }
    }

    fn program(&self) -> &govc_compiler::rules::Program {
        db::program_rules(&self.database, self.ws)
    }
}

fn compiled(
    paths: &[String],
    opts: &compile::Options,
    report: &Report,
) -> Result<Compiled, ExitCode> {
    let (database, ws) = load(paths)?;
    match db::compile_workspace(&database, ws, opts) {
        Ok((output, diags)) => Ok(Compiled {
            database,
            ws,
            output,
            diags,
        }),
        Err(diags) => {
            let sources = ws.files(&database);
            let text_of = |p: &str| sources.get(p).map(|f| f.text(&database).as_str());
            report.print(&diags, &text_of);
            Err(ExitCode::from(1))
        }
    }
}

fn compile_cmd(
    paths: &[String],
    out: Option<&str>,
    dry_run: bool,
    opts: &compile::Options,
    report: &Report,
) -> ExitCode {
    let c = match compiled(paths, opts, report) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let output = &c.output;
    let text_of = |p: &str| c.text(p);
    let locate = |file: &str, span: govc_compiler::syntax::Span| c.locate(file, span);
    report.print(&c.diags, &text_of);
    let manifest = manifest::render(output, &locate);
    if dry_run {
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(manifest.as_bytes());
        if matches!(report.format, Format::Human) {
            let _ = stdout.write_all(table(output).as_bytes());
        }
        return ExitCode::SUCCESS;
    }
    let mut files: Vec<(String, String)> = output
        .documents
        .iter()
        .map(|d| (d.file(), d.content.clone()))
        .collect();
    files.push((write::MANIFEST.to_string(), manifest));
    let dir = out.unwrap_or("out");
    if let Err(e) = write::write_dir(Path::new(dir), &files) {
        errln!("error: cannot write `{dir}`: {e}");
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}

fn verify_cmd(
    paths: &[String],
    explain: bool,
    opts: &compile::Options,
    report: &Report,
) -> ExitCode {
    let c = match compiled(paths, opts, report) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let output = &c.output;
    let text_of = |p: &str| c.text(p);
    let locate = |file: &str, span: govc_compiler::syntax::Span| c.locate(file, span);
    let program = c.program();
    if matches!(report.format, Format::Human) {
        report.print(&c.diags, &text_of);
    }
    let results = verify::run(program, output);
    let equivalence = govc_compiler::equivalence::check_output(output);
    let proven = equivalence
        .iter()
        .all(|v| v.verdict == govc_compiler::equivalence::Verdict::Equivalent);
    // Source ≡ JSON: the compiled documents against the program's meaning, for every account
    // and identity policy.
    let meaning = db::program_meaning(&c.database, c.ws);
    let source = proof::prove_program(program, meaning, output);
    let source_proven = source.iter().all(|p| p.verdict == proof::Verdict::Proven);
    let text = match report.format {
        Format::Human => {
            verify::report_human(&results, explain, &locate)
                + &verify::report_equivalence(&equivalence)
                + &proof::report_human(&source)
        }
        Format::Json => verify::report_json(&results, &source_lines(&source), &locate),
        Format::Junit => {
            verify::report_junit(&results, &equivalence, &source_lines(&source), &locate)
        }
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    if results.iter().all(verify::TestResult::passed) && proven && source_proven {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn source_lines(proofs: &[proof::SourceProof]) -> Vec<verify::SourceLine> {
    proofs
        .iter()
        .map(|p| (p.subject.clone(), proof::describe(p)))
        .collect()
}

struct SimRequest {
    account: String,
    action: String,
    resource: String,
    region: Option<String>,
    context: Vec<String>,
}

/// The simulated request as a `test` expectation, so that it is checked exactly as a test's
/// (actions, Regions, keys and their values, with "did you mean").
fn simulate_as_test(files: &[String], req: &SimRequest) -> Result<String, String> {
    let quote = |s: &str| {
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    };
    let mut text = String::new();
    for f in files {
        text.push_str(&format!("use {}\n", quote(f)));
    }
    text.push_str(&format!(
        "test \"govc simulate\" on {} {{\n  expect allow {} on {}",
        req.account,
        quote(&req.action),
        quote(&req.resource)
    ));
    if let Some(r) = &req.region {
        text.push_str(&format!(" in {}", quote(r)));
    }
    let mut pairs = Vec::new();
    for kv in &req.context {
        let Some((k, v)) = kv.split_once('=') else {
            return Err(format!("`--context {kv}`: expected KEY=VALUE"));
        };
        let value = match v.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            Some(list) => {
                let items: Vec<String> = list
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(quote)
                    .collect();
                format!("[{}]", items.join(", "))
            }
            None => quote(v),
        };
        pairs.push(format!("{}: {value}", quote(k)));
    }
    if !pairs.is_empty() {
        text.push_str(&format!(" with {{ {} }}", pairs.join(", ")));
    }
    text.push_str("\n}\n");
    Ok(text)
}

/// Checks the simulated request as a test expectation; `Err` (reported) when it is not one a
/// test could make: an unknown action, Region or key, a value of the wrong type, or an
/// account that is not one.
fn check_simulated(paths: &[String], req: &SimRequest, report: &Report) -> Result<(), ExitCode> {
    const VIRTUAL: &str = "<govc simulate>";
    let files = collect(paths).map_err(|e| {
        errln!("error: {}", govc_compiler::diagnostics::tidy(e.to_string()));
        ExitCode::from(2)
    })?;
    // `use` is not transitive: the request's test uses every file of the program.
    let mut first = Database::default();
    let reader = reader(paths);
    let (ws, _) = db::load(&mut first, &files, &|p| reader.read(p));
    let every: Vec<String> = ws
        .files(&first)
        .keys()
        .filter(|p| !govc_compiler::check::Index::is_std(p))
        .cloned()
        .collect();
    let text = simulate_as_test(&every, req).map_err(|e| {
        errln!("error: {}", govc_compiler::diagnostics::tidy(e.to_string()));
        ExitCode::from(2)
    })?;
    let mut database = Database::default();
    let mut roots = files.clone();
    roots.push(VIRTUAL.to_string());
    let (ws, _) = db::load(&mut database, &roots, &|p| {
        if p == VIRTUAL {
            Ok(text.clone().into_bytes())
        } else {
            reader.read(p)
        }
    });
    let diags: Vec<Diagnostic> = db::program_diagnostics(&database, ws)
        .iter()
        .filter(|d| d.file == VIRTUAL)
        .cloned()
        .collect();
    if diags.iter().any(Diagnostic::is_error) {
        let sources = ws.files(&database);
        let text_of = |p: &str| sources.get(p).map(|f| f.text(&database).as_str());
        report.print(&diags, &text_of);
        return Err(ExitCode::from(2));
    }
    Ok(())
}

fn simulate_cmd(paths: &[String], req: &SimRequest, report: &Report) -> ExitCode {
    if let Err(code) = check_simulated(paths, req, report) {
        return code;
    }
    let c = match compiled(paths, &compile::Options::default(), report) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let output = &c.output;
    let locate = |file: &str, span: govc_compiler::syntax::Span| c.locate(file, span);
    let program = c.program();
    let mut context = Vec::new();
    for kv in &req.context {
        let Some((k, v)) = kv.split_once('=') else {
            errln!("error: `--context {kv}`: expected KEY=VALUE");
            return ExitCode::from(2);
        };
        let value = match v.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            Some(list) => govc_compiler::rules::TestValue::Many(
                list.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
            ),
            None => govc_compiler::rules::TestValue::One(v.to_string()),
        };
        context.push((k.to_string(), value));
    }
    let Some(levels) = verify::levels(program, output, &req.account) else {
        errln!(
            "error: `{}` is not an account of the organization",
            req.account
        );
        return ExitCode::from(2);
    };
    let id = program
        .org
        .target(&req.account)
        .map(|t| t.id.clone())
        .unwrap_or_default();
    let expectation = govc_compiler::rules::Expectation {
        allow: true,
        action: req.action.clone(),
        resource: req.resource.clone(),
        region: req.region.clone(),
        context,
        span: Default::default(),
    };
    let evaluation = verify::evaluate(&levels, &verify::request(&expectation, &id));
    let text = verify::describe_evaluation(&evaluation, &locate).join("\n");
    outln!("{text}");
    if let (Some(region), Ok((_, eff))) = (&req.region, guardrails(&c, &req.account, report)) {
        for line in
            bedrock_effective::describe_for_request(&eff, &req.action, region, &req.resource)
        {
            outln!("{line}");
        }
    }
    if evaluation.outcome.allowed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The account's BEDROCK_POLICY levels and their merge; `Err` (reported) for an unknown
/// account or a document that does not merge.
fn guardrails(
    c: &Compiled,
    account: &str,
    report: &Report,
) -> Result<(Vec<bedrock_effective::Level>, bedrock_effective::Effective), ExitCode> {
    let Some(levels) = bedrock_effective::account_levels(c.program(), &c.output, account) else {
        errln!("error: `{account}` is not an account of the organization");
        return Err(ExitCode::from(2));
    };
    match bedrock_effective::effective(&levels) {
        Ok(eff) => Ok((levels, eff)),
        Err(d) => {
            let text_of = |f: &str| {
                levels
                    .iter()
                    .flat_map(|l| &l.policies)
                    .find(|p| p.file == f)
                    .map(|p| p.text.as_str())
            };
            report.print(std::slice::from_ref(&*d), &text_of);
            Err(ExitCode::from(1))
        }
    }
}

fn effective_cmd(paths: &[String], account: &str, report: &Report) -> ExitCode {
    let c = match compiled(paths, &compile::Options::default(), report) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if matches!(report.format, Format::Human) {
        report.print(&c.diags, &|p| c.text(p));
    }
    let (levels, eff) = match guardrails(&c, account, report) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let text = match report.format {
        Format::Human => bedrock_effective::report_human(account, &levels, &eff),
        Format::Json | Format::Junit => bedrock_effective::report_json(account, &levels, &eff),
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    ExitCode::SUCCESS
}

/// The `--dry-run` table: each document's size against its quota, each target's SCP slots.
fn table(out: &compile::Output) -> String {
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
