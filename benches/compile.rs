//! Back-end scaling on a generated organization (issue: "compile 5,000 accounts, 500 OUs and
//! 10,000 rules; report the time and how it grows when each is doubled; aim: under 1 s,
//! near-linear"):
//!
//! - `end_to_end/<config>`: `db::load` from an in-memory file, `db::program_diagnostics`
//!   (must be empty), `db::program_rules` and `compile::compile` — `govc compile` minus file
//!   I/O and writing the output;
//! - `compile/<config>`: `compile::compile` alone on a prepared `rules::Program`.
//!
//! Configurations: `base` (5,000 accounts, 500 OUs, 10,000 rules) and each dimension doubled
//! on its own. Every generated program is compiled once, outside the timings, and must succeed
//! (no target over its SCP slots, no statement over the size quota). A per-stage breakdown
//! (median of a few single runs, wall time) is printed to stderr before the timings. Run with
//! `cargo bench --bench compile`; see docs/benchmarks.md.
//!
//! Environment: `GOVC_BENCH_CONFIG=<name>` runs one configuration; `GOVC_BENCH_CLOCK=cpu`
//! measures the thread's on-CPU time instead of wall time (for a loaded machine);
//! `GOVC_BENCH_PROFILE=N` compiles each program N times and skips the timings (for `perf`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "benchmark harness: fails loudly on a bad generated program"
)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{BatchSize, Criterion, SamplingMode};
use govc_compiler::compile::{self, Options};
use govc_compiler::db::{self, Database, Workspace};
use govc_compiler::rules::Program;

const FILE: &str = "org.gov";
/// Rules per `scp` block: organizations write many small, named SCPs.
const RULES_PER_SCP: usize = 10;
/// OUs directly under the root; below them each OU has at most `OU_FANOUT` children, so
/// `TOP_OUS * (1 + 4 + 16 + 64 + 256)` = 3,410 OUs fit in five levels.
const TOP_OUS: usize = 10;
const OU_FANOUT: usize = 4;
/// One account in `ACCOUNT_STRIDE` has SCPs of its own; the others inherit only.
const ACCOUNT_STRIDE: usize = 10;
/// One SCP in `SHARED_EVERY` is also attached to a second target (a policy shared by two OUs,
/// or an OU and an exception account), so not every document has a single target.
const SHARED_EVERY: usize = 5;

#[derive(Clone, Copy, Debug)]
struct Config {
    name: &'static str,
    accounts: usize,
    ous: usize,
    rules: usize,
}

const CONFIGS: [Config; 4] = [
    Config {
        name: "base",
        accounts: 5_000,
        ous: 500,
        rules: 10_000,
    },
    Config {
        name: "2x_accounts",
        accounts: 10_000,
        ous: 500,
        rules: 10_000,
    },
    Config {
        name: "2x_ous",
        accounts: 5_000,
        ous: 1_000,
        rules: 10_000,
    },
    Config {
        name: "2x_rules",
        accounts: 5_000,
        ous: 500,
        rules: 20_000,
    },
];

/// The parent of OU `k`: the root for the first `TOP_OUS`, then a breadth-first tree of
/// fan-out `OU_FANOUT`, so depth grows with the logarithm of the count.
fn ou_parent(k: usize) -> Option<usize> {
    (k >= TOP_OUS).then(|| (k - TOP_OUS) / OU_FANOUT)
}

fn ou_depth(mut k: usize) -> usize {
    let mut d = 1;
    while let Some(p) = ou_parent(k) {
        k = p;
        d += 1;
    }
    d
}

/// Model patterns from the catalog's vendors, so `deny model` names real model families.
const MODELS: [&str; 12] = [
    "deepseek*",
    "openai.gpt-oss-20b*",
    "openai.gpt-oss-120b*",
    "meta.llama3*",
    "meta.llama4*",
    "mistral.*",
    "cohere.command*",
    "ai21.*",
    "stability.*",
    "qwen.*",
    "writer.*",
    "anthropic.claude-3-haiku*",
];

const REGIONS: [&str; 10] = [
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "ap-northeast-1",
    "ap-northeast-3",
    "ap-southeast-2",
    "ca-central-1",
];

const SERVICES: [&str; 4] = [
    "bedrock-agentcore",
    "sagemaker",
    "comprehend",
    "bedrock-mantle",
];

/// An account id for account `i` (12 digits).
fn account_id(i: usize) -> String {
    format!("{:012}", 100_000_000_000u64 + i as u64)
}

/// Two distinct Regions chosen by `r`.
fn regions(r: usize) -> String {
    let a = REGIONS[r % REGIONS.len()];
    let b = REGIONS[(r / REGIONS.len() + r + 1) % REGIONS.len()];
    if a == b {
        a.to_string()
    } else {
        format!("{a}, {b}")
    }
}

/// Rule `r` of the program: the kinds rotate so every block has a mix, and each rule has
/// values of its own (an ARN, a principal, a tag) so no two rules are the same.
fn rule(out: &mut String, r: usize) {
    let acct = account_id(r % 997);
    let m = MODELS[r % MODELS.len()];
    let m2 = MODELS[(r / 7 + 3) % MODELS.len()];
    match r % 10 {
        0 => {
            let _ = writeln!(out, "  deny model {m}, {m2}");
        }
        1 => {
            let _ = writeln!(
                out,
                "  deny models {m} unless principal in [\"arn:aws:iam::{acct}:role/ModelAdmin{r}\"]"
            );
        }
        2 => {
            let _ = writeln!(
                out,
                "  deny actions bedrock:CreateModelCustomizationJob, bedrock:Delete* on \"arn:aws:bedrock:*:{acct}:custom-model/team{r}-*\""
            );
        }
        3 => {
            // Whole cross-Region inference geographies (no CRIS lint), or a hand-picked
            // list (W0410/W0411, as in many real organizations).
            let list = match (r / 10) % 4 {
                0 => "cris::us".to_string(),
                1 => "cris::eu".to_string(),
                2 => "cris::jp".to_string(),
                _ => format!("{}, {}", regions(r), REGIONS[(r / 3) % REGIONS.len()]),
            };
            let _ = writeln!(
                out,
                "  only regions {list} unless principal account in [\"{acct}\"]"
            );
        }
        4 => {
            let s = SERVICES[r % SERVICES.len()];
            let _ = writeln!(
                out,
                "  deny service {s} unless principal \"arn:aws:iam::{acct}:role/Platform{r}\""
            );
        }
        5 => {
            let kind = ["long_term", "short_term", "all"][r % 3];
            let _ = writeln!(
                out,
                "  deny api_keys {kind} unless principal in [\"arn:aws:iam::{acct}:role/KeyAdmin{r}\"]"
            );
        }
        6 => {
            let _ = writeln!(
                out,
                "  require tags CostCenter, Team, \"Project{r}\" on inference_profile"
            );
        }
        7 => {
            let _ = writeln!(
                out,
                "  forbid (action in bedrock::invoke, resource like \"arn:aws:bedrock:*::foundation-model/{m}\")\n    when {{ context[\"bedrock:InferenceProfileArn\"] is absent }}\n    unless {{ context[\"aws:PrincipalAccount\"] == \"{acct}\" }};"
            );
        }
        8 => {
            let _ = writeln!(
                out,
                "  forbid (principal like \"arn:aws:iam::*:role/Sandbox{r}*\", action == bedrock:InvokeModel)\n    when {{ any context[\"aws:TagKeys\"] in [\"CostCenter\", \"Team{r}\"] && context[\"aws:SecureTransport\"] == false }}\n    unless {{ context[\"aws:MultiFactorAuthAge\"] < {} }};",
                600 + r
            );
        }
        _ => {
            let _ = writeln!(
                out,
                "  deny actions bedrock::batch, bedrock:CreateProvisionedModelThroughput when region in [{}] unless principal account in [\"{acct}\"]",
                regions(r + 5)
            );
        }
    }
}

/// A program with the organization of `cfg` and `cfg.rules` rules in `scp` blocks of
/// `RULES_PER_SCP`, attached round-robin to the root, every OU and one account in
/// `ACCOUNT_STRIDE`, some to a second target too.
fn program(cfg: &Config) -> String {
    assert!(cfg.ous >= TOP_OUS && ou_depth(cfg.ous - 1) <= 5);
    let mut out =
        String::from("// Generated for benches/compile.rs.\norg {\n  root = \"r-a1b2\"\n");
    for k in 0..cfg.ous {
        match ou_parent(k) {
            None => {
                let _ = writeln!(out, "  ou ou_{k} = \"ou-a1b2-{k:08}\"");
            }
            Some(p) => {
                let _ = writeln!(out, "  ou ou_{k} = \"ou-a1b2-{k:08}\" under ou_{p}");
            }
        }
    }
    for i in 0..cfg.accounts {
        // Accounts sit in the deeper half of the tree, as workloads do.
        let ou = cfg.ous / 2 + i % (cfg.ous - cfg.ous / 2);
        let _ = writeln!(
            out,
            "  account acct_{i} = \"{}\" under ou_{ou}",
            account_id(i)
        );
    }
    out.push_str("}\n");

    let mut targets = vec!["root".to_string()];
    targets.extend((0..cfg.ous).map(|k| format!("ou_{k}")));
    targets.extend(
        (0..cfg.accounts)
            .step_by(ACCOUNT_STRIDE)
            .map(|i| format!("acct_{i}")),
    );
    let blocks = cfg.rules.div_ceil(RULES_PER_SCP);
    for b in 0..blocks {
        let _ = writeln!(out, "\nscp policy_{b} {{");
        for r in b * RULES_PER_SCP..((b + 1) * RULES_PER_SCP).min(cfg.rules) {
            rule(&mut out, r);
        }
        out.push_str("}\n");
        let first = &targets[b % targets.len()];
        if b % SHARED_EVERY == SHARED_EVERY - 1 {
            let second = &targets[(b * 7 + 3) % targets.len()];
            if second != first {
                let _ = writeln!(out, "attach policy_{b} to {first}, {second}");
                continue;
            }
        }
        let _ = writeln!(out, "attach policy_{b} to {first}");
    }
    out
}

/// A fresh database with the program loaded (and so parsed).
fn loaded(src: &str) -> (Database, Workspace) {
    let mut database = Database::new(govc_compiler::catalog::embedded());
    let bytes = src.as_bytes().to_vec();
    let read = move |p: &str| -> std::io::Result<Vec<u8>> {
        if p == FILE {
            Ok(bytes.clone())
        } else {
            Err(std::io::ErrorKind::NotFound.into())
        }
    };
    let (ws, failed) = db::load(&mut database, &[FILE.to_string()], &read);
    assert!(failed.is_empty());
    (database, ws)
}

/// The whole pipeline: load, check (must be clean), core rules, compile.
fn end_to_end(src: &str) -> (Database, usize) {
    let (database, ws) = loaded(src);
    assert!(!db::program_diagnostics(&database, ws)
        .iter()
        .any(|d| d.is_error()));
    let program = db::program_rules(&database, ws).clone();
    let n = compile::compile(&program, &Options::default())
        .map(|o| o.documents.len())
        .unwrap_or(0);
    (database, n)
}

/// Checks the program once and returns its core rules; panics with the first diagnostics if
/// it does not check or compile.
fn prepare(cfg: &Config, src: &str) -> Program {
    let (database, ws) = loaded(src);
    let diags = db::program_diagnostics(&database, ws);
    let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
    assert!(
        errors.is_empty(),
        "{}: {} errors, first: {:#?}",
        cfg.name,
        errors.len(),
        errors.first()
    );
    if !diags.is_empty() {
        eprintln!(
            "{}: {} check warnings, first: {:?}",
            cfg.name,
            diags.len(),
            diags.first().map(|d| (&d.code, &d.message))
        );
    }
    let program = (**db::program_rules(&database, ws)).clone();
    match compile::compile(&program, &Options::default()) {
        Ok(out) => {
            let scps = out
                .documents
                .iter()
                .filter(|d| d.kind == govc_compiler::document::DocKind::Scp)
                .count();
            let max_slots = out.targets.iter().map(|t| t.used()).max().unwrap_or(0);
            let mut codes = std::collections::BTreeMap::new();
            for w in &out.warnings {
                *codes.entry(format!("{:?}", w.code)).or_insert(0usize) += 1;
            }
            let chars: usize = out.documents.iter().map(|d| d.content.len()).sum();
            eprintln!(
                "{}: {} lines, {} bytes; {} targets, {} policies, {} SCP documents ({} characters), \
                 most slots used {} of {}, lint warnings {codes:?}",
                cfg.name,
                src.lines().count(),
                src.len(),
                out.targets.len(),
                program.policies.len(),
                scps,
                chars,
                max_slots,
                out.limits.scp_per_target,
            );
        }
        Err(errors) => panic!(
            "{}: compile failed with {} diagnostics, first: {:#?}",
            cfg.name,
            errors.len(),
            errors.iter().find(|d| d.is_error())
        ),
    }
    program
}

/// Median of `runs` single timings of each stage, printed once per configuration.
fn stages(cfg: &Config, src: &str, runs: usize) {
    let cpu = std::env::var("GOVC_BENCH_CLOCK").is_ok_and(|c| c == "cpu");
    let start = Instant::now();
    let now = || {
        if cpu {
            thread_cpu_ns()
        } else {
            start.elapsed().as_nanos() as u64
        }
    };
    let mut t: [Vec<u64>; 4] = Default::default();
    for _ in 0..runs {
        let a = now();
        let (database, ws) = loaded(src);
        let b = now();
        let n = db::program_diagnostics(&database, ws).len();
        let c = now();
        let program = db::program_rules(&database, ws).clone();
        let d = now();
        let out = compile::compile(&program, &Options::default());
        let e = now();
        black_box((n, out.is_ok()));
        for (v, x) in t.iter_mut().zip([b - a, c - b, d - c, e - d]) {
            v.push(x);
        }
        drop(out);
        drop(program);
        drop(database);
    }
    let med = |v: &mut Vec<u64>| {
        v.sort_unstable();
        v[v.len() / 2] as f64 / 1e6
    };
    let [l, ch, r, co] = &mut t;
    eprintln!(
        "{}: stages ({} time, median of {runs}): load+parse {:.1} ms, check {:.1} ms, program_rules {:.1} ms, compile {:.1} ms",
        cfg.name,
        if cpu { "on-CPU" } else { "wall" },
        med(l),
        med(ch),
        med(r),
        med(co)
    );
}

fn bench<M: Measurement + 'static>(c: &mut Criterion<M>) {
    let only = std::env::var("GOVC_BENCH_CONFIG").ok();
    let prepared: Vec<(Config, String, Program)> = CONFIGS
        .iter()
        .filter(|cfg| only.as_deref().is_none_or(|o| o == cfg.name))
        .map(|cfg| {
            let src = program(cfg);
            let program = prepare(cfg, &src);
            stages(cfg, &src, 5);
            (*cfg, src, program)
        })
        .collect();

    // `GOVC_BENCH_PROFILE=N`: compile each prepared program N times and skip the timings, for
    // `perf record` (a fixed amount of work per configuration, so sample counts compare).
    if let Some(n) = std::env::var("GOVC_BENCH_PROFILE")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
    {
        for (cfg, _, program) in &prepared {
            let start = Instant::now();
            for _ in 0..n {
                black_box(compile::compile(black_box(program), &Options::default()).is_ok());
            }
            eprintln!("{}: {n} compiles in {:.2?}", cfg.name, start.elapsed());
        }
        return;
    }

    // Iterations take a large fraction of a second: flat sampling, ten samples.
    let mut g = c.benchmark_group("end_to_end");
    g.sampling_mode(SamplingMode::Flat);
    g.sample_size(10);
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(10));
    for (cfg, src, _) in &prepared {
        g.bench_function(cfg.name, |b| {
            // Return the database so dropping it is not timed.
            b.iter_batched(|| (), |()| end_to_end(src), BatchSize::PerIteration)
        });
    }
    g.finish();

    let mut g = c.benchmark_group("compile");
    g.sampling_mode(SamplingMode::Flat);
    g.sample_size(10);
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(6));
    for (cfg, _, program) in &prepared {
        g.bench_function(cfg.name, |b| {
            b.iter(|| {
                compile::compile(black_box(program), &Options::default())
                    .map(|o| o.documents.len())
                    .unwrap_or(0)
            })
        });
    }
    g.finish();
}

/// On-CPU time of the calling thread, from `/proc/thread-self/schedstat` (Linux): unlike wall
/// time it leaves out time spent waiting for a CPU, so figures taken on a busy machine
/// compare. Selected with `GOVC_BENCH_CLOCK=cpu`.
struct ThreadCpu;

fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .expect("/proc/thread-self/schedstat (GOVC_BENCH_CLOCK=cpu needs Linux)")
}

static WALL: WallTime = WallTime;

impl Measurement for ThreadCpu {
    type Intermediate = u64;
    type Value = u64;
    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, start: u64) -> u64 {
        thread_cpu_ns().saturating_sub(start)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, v: &u64) -> f64 {
        *v as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        // Nanoseconds, as for wall time.
        WALL.formatter()
    }
}

fn main() {
    if std::env::var("GOVC_BENCH_CLOCK").is_ok_and(|c| c == "cpu") {
        let mut c = Criterion::default()
            .with_measurement(ThreadCpu)
            .configure_from_args();
        bench(&mut c);
        c.final_summary();
    } else {
        let mut c = Criterion::default().configure_from_args();
        bench(&mut c);
        c.final_summary();
    }
}
