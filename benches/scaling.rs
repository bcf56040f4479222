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
//! The `level` series puts many one-statement blocks at one level (all attached to the root),
//! one shape of statement at a time, at 2,000, 4,000 and 8,000 blocks (`GOVC_SCALING_BLOCKS`):
//! where a lint or the optimiser compares the statements of a level with each other, a
//! quadratic step shows there.
//!
//! The `adopt` series measures `govc import --org` and `govc diff` on generated organization
//! exports of 250, 500 and 1,000 policies (the corpus's documents, attached across an org of
//! a fifth as many OUs and as many accounts as policies; `GOVC_SCALING_POLICIES` to change).
//!
//! Run: `cargo bench --bench scaling`. Environment: `GOVC_SCALING_LINES=1000,10000,100000,1000000`
//! (the size series; default the first three), `GOVC_SCALING_KEEP=1` (keep the generated
//! programs under the target directory's `tmp/scaling`), `GOVC_SCALING_RUNS=N` (runs per command,
//! default 3; a command whose first run takes over 20 s runs once), `GOVC_SCALING_SERIES=lines|doubling|level|adopt|all`
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
        let steps: [(&str, Config, f64); 7] = [
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
                "4× rules",
                Config {
                    name: "rules4",
                    rules: base.rules * 4,
                    ..base
                },
                4.0,
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

    if series == "all" || series == "level" {
        let sizes: Vec<usize> = env("GOVC_SCALING_BLOCKS")
            .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
            .unwrap_or_else(|| vec![2_000, 4_000, 8_000]);
        for (shape, statement) in LEVEL_SHAPES {
            let points: Vec<Point> = sizes
                .iter()
                .map(|&n| level_point(&dir, shape, statement, n, runs))
                .collect();
            let (t, f) = table(
                &format!("One level: `{shape}` in every block"),
                &points,
                false,
            );
            report.push_str(&t);
            flagged += f;
        }
    }

    if series == "all" || series == "adopt" {
        let sizes: Vec<usize> = env("GOVC_SCALING_POLICIES")
            .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
            .unwrap_or_else(|| vec![250, 500, 1_000]);
        let points: Vec<Point> = sizes.iter().map(|&n| adopt_point(&dir, n, runs)).collect();
        let (t, f) = table(
            "Adopting an organization: `import --org` and `diff` (lines: of the imported program)",
            &points,
            false,
        );
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

/// The `level` series: many one-statement blocks all attached to the root, so that their
/// statements meet in one group of documents and one level of every lint. Each is a shape that
/// was once quadratic in the blocks (docs/benchmarks.md, "One level"); `{i}` is the block's
/// number.
const LEVEL_SHAPES: [(&str, &str); 6] = [
    ("deny model", "deny model vendor{i}.model*"),
    ("only models", "only models {allow}"),
    ("require tags", "require tags Tag{i} on inference_profile"),
    ("only regions", "only regions {region}, unspecified"),
    (
        "deny actions unless principal",
        "deny actions bedrock:InvokeModel unless principal in [\"arn:aws:iam::123456789012:role/R{i}\"]",
    ),
    ("only models, deny model", "only models {allow}\n  deny model vendor{i}*"),
];

/// `blocks` blocks of `statement` attached to the root, measured with `check` and `compile`.
fn level_point(dir: &Path, shape: &str, statement: &str, blocks: usize, runs: usize) -> Point {
    let mut text = String::from("org {\n  root = \"r-a1b2\"\n}\n");
    for i in 0..blocks {
        // Two allow-lists and two Region lists in turn: equal ones meet, and differing ones.
        let (allow, region) = if i % 2 == 0 {
            ("anthropic.claude*", "us-east-1")
        } else {
            ("meta.llama*", "eu-west-1")
        };
        let body = statement
            .replace("{i}", &i.to_string())
            .replace("{allow}", allow)
            .replace("{region}", region);
        text.push_str(&format!("scp p{i} {{\n  {body}\n}}\nattach p{i} to root\n"));
    }
    let src = dir.join("level");
    let out = dir.join("level-out");
    let _ = std::fs::remove_dir_all(&src);
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("level.gov"), &text).unwrap();
    let (s, o) = (src.to_str().unwrap(), out.to_str().unwrap());
    // The program must mean what the shape says: only a limit of the back end (E04xx, a level
    // with more policies than slots) may stop it. A shape that does not parse or check would
    // measure the error path only (as the principal shape's did until its syntax was fixed).
    let first = Command::new(GOVC)
        .args(["check", s])
        .output()
        .expect("run govc check");
    let stderr = String::from_utf8_lossy(&first.stderr);
    if let Some(line) = stderr
        .lines()
        .find(|l| l.starts_with("error[") && !l.starts_with("error[E04"))
    {
        panic!("the `{shape}` program of {blocks} blocks does not check: {line}");
    }
    let costs = vec![
        ("check", measure(&["check", s], runs)),
        ("compile", measure(&["compile", s, "--out", o], runs)),
    ];
    let _ = std::fs::remove_dir_all(&src);
    let _ = std::fs::remove_dir_all(&out);
    let p = Point {
        label: format!("{blocks} blocks"),
        size: blocks as f64,
        lines: text.lines().count(),
        costs,
    };
    eprintln!("measured {shape}, {}: {} lines", p.label, p.lines);
    p
}

/// Writes an organization export (the layout of `tools/export-org.sh`) with `policies` SCPs and
/// RCPs — the corpus's documents in turn — over `policies / 5` OUs (ten under the root, the
/// rest under them, at most three deep) and `policies` accounts; each policy attached to one
/// target, every third to a second, at most four SCPs and four RCPs per target; FullAWSAccess
/// attached everywhere but where an allow-list is.
fn write_export(dir: &Path, policies: usize) {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut docs: Vec<(String, String)> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            (
                p.file_stem().unwrap().to_string_lossy().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    docs.sort();
    let _ = std::fs::remove_dir_all(dir);
    let put = |rel: &str, text: &str| {
        let f = dir.join(rel);
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, text).unwrap();
    };
    let json = |v: serde_json::Value| serde_json::to_string_pretty(&v).unwrap();
    put(
        "organization.json",
        &json(
            serde_json::json!({"Organization": {"Id": "o-abcdefghij", "MasterAccountId": "999999999999"}}),
        ),
    );
    let root = "r-ab12".to_string();
    put(
        "roots.json",
        &json(serde_json::json!({"Roots": [{"Id": root, "Name": "Root"}]})),
    );
    let n_ous = (policies / 5).max(10);
    let ou_id = |i: usize| format!("ou-ab12-{i:08}");
    let ou_parent = |i: usize| {
        if i < 10 {
            root.clone()
        } else {
            ou_id(i / 10 - 1)
        }
    };
    let acct_id = |j: usize| format!("{}", 100_000_000_000u64 + j as u64);
    let mut children: std::collections::BTreeMap<
        String,
        (Vec<serde_json::Value>, Vec<serde_json::Value>),
    > = Default::default();
    children.entry(root.clone()).or_default();
    for i in 0..n_ous {
        children.entry(ou_id(i)).or_default();
        children
            .entry(ou_parent(i))
            .or_default()
            .0
            .push(serde_json::json!({"Id": ou_id(i), "Name": format!("OU {i}")}));
    }
    for j in 0..policies {
        children
            .entry(ou_id(j % n_ous))
            .or_default()
            .1
            .push(serde_json::json!({"Id": acct_id(j), "Name": format!("Account {j}")}));
    }
    for (parent, (ous, accounts)) in &children {
        put(
            &format!("children/{parent}/ous.json"),
            &json(serde_json::json!({"OrganizationalUnits": ous})),
        );
        put(
            &format!("children/{parent}/accounts.json"),
            &json(serde_json::json!({"Accounts": accounts})),
        );
    }
    let targets: Vec<String> = std::iter::once(root.clone())
        .chain((0..n_ous).map(ou_id))
        .chain((0..policies).map(acct_id))
        .collect();
    let mut used: std::collections::HashMap<(usize, bool), usize> = Default::default();
    let mut without_full = std::collections::BTreeSet::new();
    let mut summaries: [Vec<serde_json::Value>; 2] = [Vec::new(), Vec::new()];
    for i in 0..policies {
        let (stem, content) = &docs[i % docs.len()];
        let rcp = stem.starts_with("rcp-");
        let allow_list = content.contains("\"Allow\"");
        let id = format!("p-{i:08}");
        let mut at = Vec::new();
        for k in 0..if i % 3 == 0 { 2 } else { 1 } {
            let mut t = (i * 7 + k * 13) % targets.len();
            // At most four of a kind per target; an allow-list never on the root.
            while used.get(&(t, rcp)).copied().unwrap_or(0) >= 4
                || (allow_list && t == 0)
                || at.contains(&targets[t])
            {
                t = (t + 1) % targets.len();
            }
            *used.entry((t, rcp)).or_default() += 1;
            if allow_list {
                without_full.insert(targets[t].clone());
            }
            at.push(targets[t].clone());
        }
        let ty = if rcp {
            "RESOURCE_CONTROL_POLICY"
        } else {
            "SERVICE_CONTROL_POLICY"
        };
        summaries[usize::from(rcp)].push(serde_json::json!({"Id": id, "Name": format!("{stem} {i}"), "Type": ty, "AwsManaged": false}));
        put(
            &format!("policy/{id}/policy.json"),
            &json(serde_json::json!({"Policy": {"Content": content}})),
        );
        let ts: Vec<serde_json::Value> = at
            .iter()
            .map(|t| serde_json::json!({"TargetId": t}))
            .collect();
        put(
            &format!("policy/{id}/targets.json"),
            &json(serde_json::json!({"Targets": ts})),
        );
    }
    summaries[0].push(serde_json::json!({"Id": "p-FullAWSAccess", "Name": "FullAWSAccess", "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": true}));
    put(
        "policy/p-FullAWSAccess/policy.json",
        &json(
            serde_json::json!({"Policy": {"Content": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"}}),
        ),
    );
    let full: Vec<serde_json::Value> = targets
        .iter()
        .filter(|t| !without_full.contains(*t))
        .map(|t| serde_json::json!({"TargetId": t}))
        .collect();
    put(
        "policy/p-FullAWSAccess/targets.json",
        &json(serde_json::json!({"Targets": full})),
    );
    put(
        "policies/SERVICE_CONTROL_POLICY.json",
        &json(serde_json::json!({"Policies": summaries[0]})),
    );
    put(
        "policies/RESOURCE_CONTROL_POLICY.json",
        &json(serde_json::json!({"Policies": summaries[1]})),
    );
}

/// `import --org` of a generated export of `policies` policies, then `diff` of the program
/// against a copy with one more attachment.
fn adopt_point(dir: &Path, policies: usize, runs: usize) -> Point {
    let export = dir.join(format!("adopt-{policies}-export"));
    let program = dir.join(format!("adopt-{policies}-program"));
    let changed = dir.join(format!("adopt-{policies}-changed"));
    write_export(&export, policies);
    let (e, p, c) = (
        export.to_str().unwrap(),
        program.to_str().unwrap(),
        changed.to_str().unwrap(),
    );
    let import = measure(&["import", "--org", e, "--out", p], runs);
    // Two changes: the first policy attached to the root as well (every account changes), or
    // to the last OU only (a leaf: the accounts under it change).
    let org = std::fs::read_to_string(program.join("org.gov")).unwrap();
    let last_ou = org
        .lines()
        .rev()
        .find_map(|l| {
            l.trim()
                .strip_prefix("ou ")
                .and_then(|r| r.split(' ').next())
        })
        .unwrap()
        .to_string();
    let local = dir.join(format!("adopt-{policies}-local"));
    let mut lines = 0;
    for (copy, to_target) in [(&changed, "root"), (&local, last_ou.as_str())] {
        let _ = std::fs::remove_dir_all(copy);
        lines = 0;
        for f in walk(&program) {
            let rel = f.strip_prefix(&program).unwrap();
            let mut text = std::fs::read_to_string(&f).unwrap();
            lines += text.lines().count();
            if rel == Path::new("attach.gov") {
                let first = text
                    .lines()
                    .find_map(|l| l.strip_prefix("attach ").and_then(|r| r.split(' ').next()))
                    .unwrap()
                    .to_string();
                text.push_str(&format!("attach {first} to {to_target}\n"));
            }
            let to = copy.join(rel);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::write(to, text).unwrap();
        }
    }
    let diff = measure(&["diff", p, c], runs);
    let diff_local = measure(&["diff", p, local.to_str().unwrap()], runs);
    if std::env::var_os("GOVC_SCALING_KEEP").is_none() {
        for d in [&export, &program, &changed, &local] {
            let _ = std::fs::remove_dir_all(d);
        }
    }
    eprintln!("measured adopt {policies}: {lines} lines imported");
    Point {
        label: format!(
            "{policies} policies, {} OUs, {policies} accounts",
            (policies / 5).max(10)
        ),
        size: policies as f64,
        lines,
        costs: vec![
            ("import --org", import),
            ("diff, change at the root", diff),
            ("diff, change at one OU", diff_local),
        ],
    }
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}
