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

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{BatchSize, Criterion, SamplingMode};
use govc_compiler::compile::{self, Options};
use govc_compiler::db::{self, Database, Workspace};
use govc_compiler::rules::Program;

#[path = "generate/mod.rs"]
mod generate;

use generate::{program, Config};

const FILE: &str = "org.gov";

const CONFIGS: [Config; 4] = [
    Config {
        name: "base",
        ..Config::BASE
    },
    Config {
        name: "2x_accounts",
        accounts: 10_000,
        ..Config::BASE
    },
    Config {
        name: "2x_ous",
        ous: 1_000,
        ..Config::BASE
    },
    Config {
        name: "2x_rules",
        rules: 20_000,
        ..Config::BASE
    },
];

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
