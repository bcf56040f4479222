//! How the CLI's cost grows with everything a user controls: the program's size (1k, 10k,
//! 100k lines, 1M on request) and, from a base organization, each dimension doubled on its own
//! (accounts, OUs, rules, files, test expectations). Each command is the release `govc` binary
//! run as a user runs it (`check DIR`, `compile DIR --out OUT`, `verify DIR`), on files
//! written by the shared generator (`benches/generate`); wall time (median of a few runs) and
//! peak resident memory (from `getrusage`) per command.
//!
//! The verdict is printed, never asserted (timings are not tests): a step whose cost grows
//! faster than 2.2× per doubling of its dimension is marked `SUPERLINEAR`, so a quadratic step
//! shows loudly. A 10× step counts as log2(10) ≈ 3.3 doublings. Steps whose smaller run took
//! under 30 ms are marked `small` and not judged: process start-up dominates them.
//!
//! Run: `cargo bench --bench scaling`. Environment: `GOVC_SCALING_LINES=1000,10000,100000,1000000`
//! (the size series; default the first three), `GOVC_SCALING_KEEP=1` (keep the generated
//! programs under the target directory's `tmp/scaling`), `GOVC_SCALING_RUNS=N` (runs per command,
//! default 3; a command whose first run takes over 20 s runs once), `GOVC_SCALING_SERIES=lines|doubling|all`
//! (default `all`), `GOVC_SCALING_COMMANDS=check,compile,verify` (which commands),
//! `GOVC_SCALING_CONFIGS=accounts,ous,rules,files,expectations` (which
//! doublings; the base is always measured). The machine's load
//! average is printed with the results: note it with any figure you quote.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "benchmark harness: fails loudly on a bad generated program"
)]

#[path = "generate/mod.rs"]
mod generate;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use generate::{files, Config, MAX_OUS};
use nix::sys::resource::{getrusage, UsageWho};

/// A step may grow this much per doubling of its dimension and still count as linear (a
/// little over 2 for noise and for `n log n` sorting).
const LINEAR: f64 = 2.2;
/// Below this the smaller run is mostly process start-up and reading the embedded catalog.
const TOO_SMALL_S: f64 = 0.030;

const GOVC: &str = env!("CARGO_BIN_EXE_govc");

/// One command's cost.
#[derive(Clone, Copy, Debug)]
struct Cost {
    /// Median wall time, seconds.
    wall: f64,
    /// Peak resident memory, KiB.
    rss_kib: u64,
}

/// Runs `govc args…` `runs` times; the median wall time and the largest peak memory. Exit
/// codes 0 and 1 are accepted (1: warnings under `verify`, or a failed expectation); anything
/// else is rerun with its output shown and fails the benchmark.
///
/// Each run goes through a runner, this benchmark started again with `RUNNER` and the
/// arguments: it starts `govc`, waits for it and prints its wall time and its peak memory
/// (`getrusage` of the children: the runner has only that one, so the figure is its own).
fn measure(args: &[&str], runs: usize) -> Cost {
    let me = std::env::current_exe().expect("the benchmark's own path");
    let mut walls = Vec::new();
    let mut rss = 0;
    for _ in 0..runs {
        let out = Command::new(&me)
            .arg(RUNNER)
            .args(args)
            .stderr(Stdio::inherit())
            .output()
            .expect("start the runner");
        let text = String::from_utf8_lossy(&out.stdout);
        let mut fields = text.split_whitespace();
        let (Some(code), Some(wall), Some(kib)) = (fields.next(), fields.next(), fields.next())
        else {
            panic!("runner said {text:?}");
        };
        if !matches!(code, "0" | "1") {
            let out = Command::new(GOVC).args(args).output().expect("rerun govc");
            panic!(
                "govc {args:?} ended with {code}:\n{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let wall = wall.parse::<f64>().unwrap();
        walls.push(wall);
        rss = rss.max(kib.parse::<u64>().unwrap());
        // A slow command is measured once: its noise is small against its time.
        if wall > 20.0 {
            break;
        }
    }
    walls.sort_by(f64::total_cmp);
    Cost {
        wall: walls[walls.len() / 2],
        rss_kib: rss,
    }
}

/// The runner's first argument.
const RUNNER: &str = "--scaling-runner";

/// Runner mode: `govc args…` once; prints `EXIT WALL_S PEAK_KIB`.
fn runner(args: &[String]) {
    let start = Instant::now();
    let status = Command::new(GOVC)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("start govc");
    let wall = start.elapsed().as_secs_f64();
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).expect("getrusage");
    // Linux reports the peak resident set in KiB.
    let code = status
        .code()
        .map_or("signal".to_string(), |c| c.to_string());
    println!("{code} {wall} {}", usage.max_rss());
}

/// The costs of one program: `check`, `compile`, and `verify` when it has expectations.
#[derive(Clone, Debug)]
struct Point {
    label: String,
    /// The dimension's value, for the growth factor.
    size: f64,
    lines: usize,
    costs: Vec<(&'static str, Cost)>,
}

/// Writes `cfg`'s program under `dir` and measures each command on it.
fn point(dir: &Path, cfg: &Config, label: String, size: f64, runs: usize) -> Point {
    let src = dir.join(cfg.name);
    let out = dir.join(format!("{}-out", cfg.name));
    let _ = std::fs::remove_dir_all(&src);
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&src).unwrap();
    let mut lines = 0;
    for (name, text) in files(cfg) {
        lines += text.lines().count();
        std::fs::write(src.join(name), text).unwrap();
    }
    let s = src.to_str().unwrap();
    let o = out.to_str().unwrap();
    // `GOVC_SCALING_COMMANDS=check,compile`: only those commands.
    let wanted = |c: &str| {
        std::env::var("GOVC_SCALING_COMMANDS")
            .map_or(true, |list| list.split(',').any(|x| x.trim() == c))
    };
    let mut costs = Vec::new();
    if wanted("check") {
        costs.push(("check", measure(&["check", s], runs)));
    }
    if wanted("compile") {
        costs.push(("compile", measure(&["compile", s, "--out", o], runs)));
    }
    if cfg.expectations > 0 && wanted("verify") {
        costs.push(("verify", measure(&["verify", s], runs)));
    }
    if std::env::var_os("GOVC_SCALING_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&src);
        let _ = std::fs::remove_dir_all(&out);
    }
    let p = Point {
        label,
        size,
        lines,
        costs,
    };
    eprintln!("measured {}: {} lines", p.label, p.lines);
    p
}

/// Growth per doubling of the dimension from `a` to `b`, and its verdict.
fn growth(a: &Cost, b: &Cost, from: f64, to: f64) -> String {
    let doublings = (to / from).log2();
    let per_doubling = (b.wall / a.wall).powf(1.0 / doublings);
    let verdict = if a.wall < TOO_SMALL_S {
        "small"
    } else if per_doubling > LINEAR {
        "SUPERLINEAR"
    } else {
        "linear"
    };
    format!("{per_doubling:.2}× {verdict}")
}

/// One markdown table: a row per point and command, with the growth from the row before
/// (`against: None`) or from the first row (`Some(0)`, for the doubling series).
fn table(title: &str, points: &[Point], from_first: bool) -> (String, usize) {
    let mut out = format!(
        "\n### {title}\n\n| program | lines | command | wall | peak memory | bytes per line | growth per doubling |\n|---|---:|---|---:|---:|---:|---|\n"
    );
    let mut flagged = 0;
    for (i, p) in points.iter().enumerate() {
        let base = match (i, from_first) {
            (0, _) => None,
            (_, true) => points.first(),
            (_, false) => points.get(i - 1),
        };
        for (cmd, c) in &p.costs {
            let g = base
                .and_then(|b| b.costs.iter().find(|(n, _)| n == cmd).map(|x| (b, x.1)))
                .map(|(b, bc)| growth(&bc, c, b.size, p.size))
                .unwrap_or_else(|| "—".to_string());
            if g.contains("SUPERLINEAR") {
                flagged += 1;
            }
            out.push_str(&format!(
                "| {} | {} | `{cmd}` | {:.3} s | {:.1} MiB | {:.0} | {g} |\n",
                p.label,
                p.lines,
                c.wall,
                c.rss_kib as f64 / 1024.0,
                c.rss_kib as f64 * 1024.0 / p.lines.max(1) as f64,
            ));
        }
    }
    (out, flagged)
}

/// A program of about `lines` lines, in the proportions of the base organization: four
/// rules and two accounts in ten lines, an OU per fifty (at most five levels' worth), an
/// expectation per hundred.
fn sized(lines: usize) -> Config {
    Config {
        name: "sized",
        accounts: (lines / 5).max(1),
        ous: (lines / 50).clamp(10, MAX_OUS),
        rules: (lines * 2 / 5).max(1),
        files: 1,
        expectations: lines / 100,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == RUNNER) {
        runner(&args[1..]);
        return;
    }
    // `cargo bench` passes `--bench`; nothing else is taken from the command line.
    let env = |k: &str| std::env::var(k).ok();
    let runs: usize = env("GOVC_SCALING_RUNS")
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let series = env("GOVC_SCALING_SERIES").unwrap_or_else(|| "all".into());
    let sizes: Vec<usize> = env("GOVC_SCALING_LINES")
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000]);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("scaling");
    std::fs::create_dir_all(&dir).unwrap();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let mut report = format!(
        "## Scaling (`cargo bench --bench scaling`)\n\n{runs} runs per command (median wall, largest peak memory); load average before: {}\n",
        load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
    );
    let mut flagged = 0;

    if series == "all" || series == "lines" {
        let points: Vec<Point> = sizes
            .iter()
            .map(|&n| {
                let cfg = sized(n);
                let label = format!(
                    "{n} lines ({} accounts, {} OUs, {} rules, {} expectations)",
                    cfg.accounts, cfg.ous, cfg.rules, cfg.expectations
                );
                point(&dir, &cfg, label, n as f64, runs)
            })
            .collect();
        let (t, f) = table("Program size", &points, false);
        report.push_str(&t);
        flagged += f;
    }

    if series == "all" || series == "doubling" {
        let base = Config {
            name: "base",
            files: 4,
            expectations: 1_000,
            ..Config::BASE
        };
        let steps: [(&str, Config, f64); 6] = [
            (
                "base (5,000 accounts, 500 OUs, 10,000 rules, 4 files, 1,000 expectations)",
                base,
                1.0,
            ),
            (
                "2× accounts",
                Config {
                    name: "accounts",
                    accounts: base.accounts * 2,
                    ..base
                },
                2.0,
            ),
            (
                "2× OUs",
                Config {
                    name: "ous",
                    ous: base.ous * 2,
                    ..base
                },
                2.0,
            ),
            (
                "2× rules",
                Config {
                    name: "rules",
                    rules: base.rules * 2,
                    ..base
                },
                2.0,
            ),
            (
                "2× files",
                Config {
                    name: "files",
                    files: base.files * 2,
                    ..base
                },
                2.0,
            ),
            (
                "2× expectations",
                Config {
                    name: "expectations",
                    expectations: base.expectations * 2,
                    ..base
                },
                2.0,
            ),
        ];
        // `GOVC_SCALING_CONFIGS=rules,ous`: only those doublings (the base is always measured).
        let only: Option<Vec<String>> = env("GOVC_SCALING_CONFIGS")
            .map(|s| s.split(',').map(|n| n.trim().to_string()).collect());
        let points: Vec<Point> = steps
            .iter()
            .filter(|(_, cfg, _)| {
                cfg.name == "base"
                    || only
                        .as_ref()
                        .is_none_or(|o| o.iter().any(|n| n == cfg.name))
            })
            .map(|(label, cfg, size)| point(&dir, cfg, (*label).to_string(), *size, runs))
            .collect();
        let (t, f) = table("Each dimension doubled", &points, true);
        report.push_str(&t);
        flagged += f;
    }

    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    report.push_str(&format!(
        "\nLoad average after: {}\n\n**Verdict: {}**\n",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
        if flagged == 0 {
            "every step grows at most linearly (≤ 2.2× per doubling)".to_string()
        } else {
            format!("{flagged} step(s) grow faster than 2.2× per doubling (SUPERLINEAR above)")
        }
    ));
    println!("{report}");
}
