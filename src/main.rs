//! `govc`: the command-line front end. Exit codes: 0 clean (warnings allowed), 1 errors in the
//! policies, 2 usage or I/O failure.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use govc_compiler::compile;
use govc_compiler::compile::manifest;
use govc_compiler::db::{self, Database};
use govc_compiler::diagnostics::render::{
    render_human, render_json, terminal_safe_json, HumanOptions,
};
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

mod cmd;

/// mimalloc, not the system allocator: the compiler allocates and frees many small strings and
/// sets, and glibc's allocator spent a third of a language-server edit in `malloc`, `free` and
/// consolidating its free lists (docs/benchmarks.md, "Language server").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use cmd::check::check;
use cmd::compile::compile_cmd;
use cmd::effective::effective_cmd;
use cmd::explain::explain;
use cmd::simulate::{simulate_cmd, SimRequest};
use cmd::verify::verify_cmd;

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
        strict: Strict,
        #[command(flatten)]
        report: DiagReport,
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
        /// Also write deployment files: `terraform` (terraform/govc.tf) or `cloudformation`
        /// (cloudformation/govc.template.json); repeatable.
        #[arg(long, value_enum)]
        emit: Vec<EmitArg>,
        #[command(flatten)]
        strict: Strict,
        #[command(flatten)]
        report: DiagReport,
    },
    /// Compile, then run every `test` block against the compiled SCPs (FullAWSAccess and
    /// Control Tower controls included) and RCPs, and prove the JSON means what the source
    /// says; exit 1 when an expectation fails.
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
        strict: Strict,
        #[command(flatten)]
        report: VerifyReport,
    },
    /// Evaluate one request made in an account against the compiled SCPs (of the principal's
    /// account) and RCPs (of the resource's account, `aws:ResourceAccount`, by default the same)
    /// and show the deciding statements. Exit 0 when the organization allows it, 3 when it denies it, 1 when the policies
    /// have errors, 2 for a bad request.
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
        report: DataReport,
    },
    /// Import hand-written SCPs and RCPs (policy JSON) as .gov core rules, each proven to
    /// decide every request as its JSON before anything is written. Exit 1 when a document
    /// cannot be imported (nothing is written then).
    Import {
        /// A policy JSON file, or a directory of them (*.json, searched recursively); with
        /// `--org`, the directory tools/export-org.sh wrote.
        path: String,
        /// Write NAME.gov files into this directory (replaced as a whole); without it, a single
        /// file's import is printed.
        #[arg(long, short)]
        out: Option<String>,
        /// PATH is an export of a whole organization (tools/export-org.sh): write its `org`
        /// block, its SCPs and RCPs and their attachments, proven account by account to
        /// decide every request as the live policies do. Needs `--out`.
        #[arg(long)]
        org: bool,
        /// The value of a template placeholder (`${Account}`, `[PRIVILEGED_ROLE]`,
        /// `<my-cidr>`) in the documents, by its name: `--set PRIVILEGED_ROLE=arn:…`;
        /// repeatable. A document with a placeholder that has no value is not imported.
        #[arg(long = "set", value_name = "NAME=VALUE", conflicts_with = "org")]
        set: Vec<String>,
    },
    /// Compare two versions of the policies: for each account, the requests whose decision
    /// changes (newly allowed first, each with a witness request and the deciding statements
    /// before and after), and the documents, sizes and slots that change. Exit 0 (1 with
    /// `--exit-code` when something changes), 1 when a version has errors, 2 for usage.
    Diff {
        /// The old version: a .gov file or a directory, or `REV:PATH` for PATH at a git revision
        /// (`main:policies`).
        old: String,
        /// The new version, likewise (`HEAD:policies`, or the working tree's `policies`).
        new: String,
        /// Exit 1 when something changes, as `git diff --exit-code` does.
        #[arg(long)]
        exit_code: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
        format: DiffFormat,
        #[command(flatten)]
        look: Look,
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
        report: DataReport,
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
        report: DataReport,
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
    /// Print a shell completion script, e.g. `govc completions bash > ~/.local/share/bash-completion/completions/govc`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print a manual page (roff): govc(1), or govc-COMMAND(1) for one command, e.g.
    /// `govc man check > govc-check.1; man -l govc-check.1`.
    Man {
        /// The command whose page to print (`check`, `compile`, …); without it, govc(1).
        command: Option<String>,
    },
    /// Print the long explanation of a diagnostic code, e.g. `govc explain E0200`.
    Explain {
        /// The code (E0200, W0206, …); without it, list every code.
        code: Option<String>,
    },
}

/// Every output format; each command offers its own subset (`DiagFormat`, …).
#[derive(Clone, Copy)]
enum Format {
    Human,
    Json,
    /// JUnit XML (`govc verify` only).
    Junit,
    /// GitHub Actions workflow annotations (`::error file=…,line=…::…`).
    Github,
    /// SARIF 2.1.0, for code scanning (one log on standard output).
    Sarif,
}

/// Deployment files `govc compile --emit` writes beside the documents.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum EmitArg {
    /// `terraform/govc.tf`: aws_organizations_policy, its attachments, aws_iam_policy,
    /// aws_controltower_control.
    Terraform,
    /// `cloudformation/govc.template.json`: AWS::Organizations::Policy with TargetIds,
    /// AWS::IAM::ManagedPolicy, AWS::ControlTower::EnabledControl.
    Cloudformation,
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

/// `govc 0.1.0 (catalog 2026-11-23, commit 0123abcd4567)`: which reference data the checks use
/// and which source the binary is built from.
fn version() -> String {
    let catalog = govc_compiler::catalog::embedded();
    format!(
        "{} (catalog {}, commit {})",
        env!("CARGO_PKG_VERSION"),
        catalog.sources().generated,
        env!("GOVC_COMMIT")
    )
}

fn parse_args() -> Result<Cli, clap::Error> {
    use clap::{CommandFactory, FromArgMatches};
    let version: &'static str = Box::leak(version().into_boxed_str());
    let matches = Cli::command().version(version).try_get_matches()?;
    Cli::from_arg_matches(&matches)
}

fn main() -> ExitCode {
    let cli = match parse_args() {
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
        Command::Check {
            paths,
            strict,
            report,
        } => check(&paths, strict.deny_warnings, &report.report()),
        Command::Compile {
            paths,
            out,
            dry_run,
            limits,
            sids,
            compress_actions,
            emit,
            strict,
            report,
        } => {
            let opts = compile::Options {
                limits: limits.map(LimitsArg::limits),
                sids,
                compress_actions,
                optimize: true,
            };
            compile_cmd(
                &paths,
                out.as_deref(),
                dry_run,
                strict.deny_warnings,
                &opts,
                &emit,
                &report.report(),
            )
        }
        Command::Verify {
            paths,
            explain,
            limits,
            compress_actions,
            strict,
            report,
        } => {
            let opts = compile::Options {
                limits: limits.map(LimitsArg::limits),
                compress_actions,
                ..compile::Options::default()
            };
            verify_cmd(
                &paths,
                explain,
                strict.deny_warnings,
                &opts,
                &report.report(),
            )
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
            &report.report(),
        ),
        Command::Effective {
            paths,
            account,
            report,
        } => effective_cmd(&paths, &account, &report.report()),
        Command::Import {
            path,
            out,
            org,
            set,
        } => {
            if org {
                cmd::import::run_org(&path, out.as_deref())
            } else {
                cmd::import::run(&path, out.as_deref(), &set)
            }
        }
        Command::Diff {
            old,
            new,
            exit_code,
            format,
            look,
        } => cmd::diff::run(
            &old,
            &new,
            exit_code,
            format,
            &report_of(Format::Human, &look),
        ),
        Command::Explain { code } => explain(code.as_deref()),
        Command::Fmt {
            paths,
            check,
            stdin,
            report,
        } => cmd::fmt::run(&paths, check, stdin, &report.report()),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "govc", &mut out);
            // Written whole, so a closed pipe ends it quietly like every other output.
            let _ = std::io::stdout().lock().write_all(&out);
            ExitCode::SUCCESS
        }
        Command::Man { command } => {
            use clap::CommandFactory;
            let top = Cli::command();
            let page = match command.as_deref() {
                None => top,
                Some(name) => match top.find_subcommand(name) {
                    Some(sub) => {
                        let (page, usage) = (
                            format!("govc-{}", sub.get_name()),
                            format!("govc {}", sub.get_name()),
                        );
                        sub.clone().display_name(page).bin_name(usage)
                    }
                    None => {
                        errln!(
                            "error: no command `{}`; see `govc --help`",
                            govc_compiler::diagnostics::tidy(name.to_string())
                        );
                        return ExitCode::from(2);
                    }
                },
            };
            let mut out = Vec::new();
            // Writing into memory cannot fail; the page is written whole, as completions are.
            let _ = clap_mangen::Man::new(page).render(&mut out);
            let _ = std::io::stdout().lock().write_all(&out);
            ExitCode::SUCCESS
        }
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

/// `--deny-warnings`, for the commands that judge a program (`check`, `compile`, `verify`).
#[derive(Args)]
struct Strict {
    /// Fail (exit 1) on warnings as on errors; `compile` then writes nothing.
    #[arg(long)]
    deny_warnings: bool,
}

/// Whether the diagnostics fail the command: an error, or a warning under `--deny-warnings`.
fn fails(diags: &[Diagnostic], deny_warnings: bool) -> bool {
    diags
        .iter()
        .any(|d| d.is_error() || (deny_warnings && d.severity() == Severity::Warning))
}

/// How a command reports: its format, colour and diagnostic cap, from the options below.
struct Report {
    format: Format,
    color: ColorChoice,
    max: usize,
}

/// `--color` and `--max-diagnostics`, which every command that reports shares.
#[derive(Args)]
struct Look {
    /// When to colour human output (NO_COLOR is honoured by `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Show at most this many diagnostics in human output.
    #[arg(long = "max-diagnostics", value_name = "N", default_value_t = 100)]
    max: usize,
}

/// The formats of the commands that judge a program without tests: `check`, `compile`.
#[derive(Clone, Copy, ValueEnum)]
enum DiagFormat {
    Human,
    Json,
    /// GitHub Actions workflow annotations (`::error file=…,line=…::…`).
    Github,
    /// SARIF 2.1.0, for code scanning (one log on standard output).
    Sarif,
}

/// The formats of `verify`: those of `check`, and JUnit for the tests.
#[derive(Clone, Copy, ValueEnum)]
enum VerifyFormat {
    Human,
    Json,
    /// JUnit XML: a test case per expectation and per proof.
    Junit,
    /// GitHub Actions workflow annotations (`::error file=…,line=…::…`).
    Github,
    /// SARIF 2.1.0, for code scanning (one log on standard output).
    Sarif,
}

/// The formats of `diff`: markdown fits a pull-request comment.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DiffFormat {
    Human,
    Json,
    Markdown,
}

/// The formats of the commands that show a result rather than findings: `simulate`,
/// `effective`, `fmt`.
#[derive(Clone, Copy, ValueEnum)]
enum DataFormat {
    Human,
    Json,
}

/// `--format` for `check` and `compile`.
#[derive(Args)]
struct DiagReport {
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiagFormat::Human)]
    format: DiagFormat,
    #[command(flatten)]
    look: Look,
}

/// `--format` for `verify`.
#[derive(Args)]
struct VerifyReport {
    /// Output format.
    #[arg(long, value_enum, default_value_t = VerifyFormat::Human)]
    format: VerifyFormat,
    #[command(flatten)]
    look: Look,
}

/// `--format` for `simulate`, `effective` and `fmt`.
#[derive(Args)]
struct DataReport {
    /// Output format.
    #[arg(long, value_enum, default_value_t = DataFormat::Human)]
    format: DataFormat,
    #[command(flatten)]
    look: Look,
}

fn report_of(format: Format, look: &Look) -> Report {
    Report {
        format,
        color: look.color,
        max: look.max,
    }
}

impl DiagReport {
    fn report(&self) -> Report {
        let format = match self.format {
            DiagFormat::Human => Format::Human,
            DiagFormat::Json => Format::Json,
            DiagFormat::Github => Format::Github,
            DiagFormat::Sarif => Format::Sarif,
        };
        report_of(format, &self.look)
    }
}

impl VerifyReport {
    fn report(&self) -> Report {
        let format = match self.format {
            VerifyFormat::Human => Format::Human,
            VerifyFormat::Json => Format::Json,
            VerifyFormat::Junit => Format::Junit,
            VerifyFormat::Github => Format::Github,
            VerifyFormat::Sarif => Format::Sarif,
        };
        report_of(format, &self.look)
    }
}

impl DataReport {
    fn report(&self) -> Report {
        let format = match self.format {
            DataFormat::Human => Format::Human,
            DataFormat::Json => Format::Json,
        };
        report_of(format, &self.look)
    }
}

impl Report {
    fn print<'t>(&self, diags: &[Diagnostic], text_of: &dyn Fn(&str) -> Option<&'t str>) {
        match self.format {
            // JUnit describes test results; diagnostics go out as JSON there too.
            Format::Json | Format::Junit => {
                outln!("{}", render_json(diags, text_of));
            }
            Format::Github => {
                let text = govc_compiler::diagnostics::github::render_github(diags, text_of);
                let _ = std::io::stdout().lock().write_all(text.as_bytes());
            }
            Format::Sarif => {
                let text = govc_compiler::diagnostics::sarif::render_sarif(
                    diags,
                    text_of,
                    env!("CARGO_PKG_VERSION"),
                );
                outln!("{text}");
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
    let mut database = Database::new(govc_compiler::catalog::embedded());
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

/// A program loaded, checked and compiled; errors already reported. The database is gone
/// (`db::Detached`): what the commands read afterwards is here.
struct Compiled {
    sources: db::Sources,
    program: std::sync::Arc<govc_compiler::rules::Program>,
    /// The program's meaning, when `compiled` was asked for it.
    meaning: Option<std::sync::Arc<govc_compiler::semantics::Meaning>>,
    output: compile::Output,
    /// The checker's and the back end's warnings (there are no errors).
    diags: Vec<Diagnostic>,
}

impl Compiled {
    fn text(&self, path: &str) -> Option<&str> {
        self.sources.text(path)
    }

    /// 1-based line and column of a span.
    fn line_col(&self, file: &str, span: govc_compiler::syntax::Span) -> (usize, usize) {
        self.sources.line_col(file, span.start as usize)
    }

    /// `file:line:col` of a span.
    fn locate(&self, file: &str, span: govc_compiler::syntax::Span) -> String {
        self.sources.locate(file, span.start as usize)
    }

    fn program(&self) -> &govc_compiler::rules::Program {
        &self.program
    }
}

/// Loads, checks and compiles the program; `meaning` also builds its meaning (for `verify`).
fn compiled(
    paths: &[String],
    opts: &compile::Options,
    report: &Report,
    meaning: bool,
) -> Result<Compiled, ExitCode> {
    let (database, ws) = load(paths)?;
    let checked = db::Detached::new(database, ws, meaning);
    match (checked.compile(opts), checked.program) {
        (Ok((output, diags)), Some(program)) => Ok(Compiled {
            sources: checked.sources,
            program,
            meaning: checked.meaning,
            output,
            diags,
        }),
        // A program compiles only once checked without errors, so it has core rules.
        (Ok((_, diags)) | Err(diags), _) => {
            report.print(&diags, &|p| checked.sources.text(p));
            Err(ExitCode::from(1))
        }
    }
}
