//! Language-server latency on a 5,000-line file, through the real protocol framing (the test
//! harness's in-process client): `didChange` → `publishDiagnostics`, and completion. Criterion
//! reports the mean; the p50/p99 latencies are printed from the same samples, with
//! the peak resident memory (`VmHWM`). `GOVC_LSP_LINES=50000` measures a larger file (a
//! multiple of ten, at least 1,010 lines: more ten-line blocks).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "benchmark harness"
)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::*;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::json;

/// The file's length in lines: `GOVC_LSP_LINES`, 5,000 by default.
fn lines() -> usize {
    std::env::var("GOVC_LSP_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n: &usize| *n >= 1010 && n.is_multiple_of(10))
        .unwrap_or(5000)
}

/// `lines` lines: an org, then ten-line policy blocks (499 for 5,000 lines).
fn program(lines: usize) -> String {
    let mut s = String::from(
        "org {\n  root = \"r-a1b2\"\n  ou prod = \"ou-a1b2-33333333\"\n  account app = \"123456789012\" under prod\n}\n\
         set home = [us-east-1, us-east-2, us-west-1, us-west-2, unspecified]\n/// Filler so the org block is ten lines.\nconst arn = \"arn:aws:iam::123456789012:role/R\"\n\n\n",
    );
    for i in 0..(lines - 10) / 10 {
        s.push_str(&format!(
            "/// Policy {i}.\nscp p{i} {{\n  deny model deepseek*\n  only regions ap-east-1, me-south-1, unspecified\n  \
             deny actions bedrock:InvokeModel unless region in home\n  \
             deny service bedrock-agentcore unless principal arn\n  deny api_keys long_term\n  \
             deny all when via_mcp\n}}\n\n"
        ));
    }
    s
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

struct Bench {
    rt: tokio::runtime::Runtime,
    client: Client,
    uri: String,
    version: i32,
    /// The line of the region edited back and forth, and the completion position.
    edit_line: u32,
}

impl Bench {
    fn new() -> Bench {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        let n = lines();
        let text = program(n);
        assert_eq!(text.lines().count(), n);
        let (client, uri) = rt.block_on(async {
            let mut c = Client::start(&[]).await;
            let uri = c.open("big.gov", &text).await;
            let d = c.diagnostics(&uri, 1).await;
            assert_eq!(d, json!([]), "the benchmark program is clean");
            (c, uri)
        });
        Bench {
            rt,
            client,
            uri,
            version: 1,
            // `  only regions ap-east-1, …` of the middle block.
            edit_line: (10 + ((n - 10) / 10).div_ceil(2) * 10 + 3) as u32,
        }
    }

    /// Edits `ap-east-1` ↔ `sa-east-1` in the middle block (Regions that cross-Region
    /// inference does not route from, so the file stays free of warnings either way); time
    /// until its diagnostics.
    fn change(&mut self) -> Duration {
        self.version += 1;
        let v = self.version;
        let head = if v % 2 == 0 { "sa" } else { "ap" };
        let (line, uri) = (self.edit_line, self.uri.clone());
        let c = &mut self.client;
        self.rt.block_on(async {
            let t = Instant::now();
            c.change(
                &uri,
                v,
                json!([{"range": {"start": pos(line, 15), "end": pos(line, 17)}, "text": head}]),
            )
            .await;
            let _ = c.diagnostics(&uri, v).await;
            t.elapsed()
        })
    }

    /// Completion of a region after `only regions ap-` (or `sa-`).
    fn complete(&mut self) -> Duration {
        let (line, uri) = (self.edit_line, self.uri.clone());
        let c = &mut self.client;
        self.rt.block_on(async {
            let t = Instant::now();
            let r = c.call("textDocument/completion", at(&uri, line, 18)).await;
            assert!(!r.as_array().unwrap().is_empty());
            t.elapsed()
        })
    }
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{name}: n={} p50={:.2?} p99={:.2?} max={:.2?}",
        samples.len(),
        percentile(&samples, 0.5),
        percentile(&samples, 0.99),
        samples.last().copied().unwrap_or_default()
    );
}

fn lsp(c: &mut Criterion) {
    let mut b = Bench::new();
    // Percentiles from 300 samples each, before criterion's own runs.
    let changes: Vec<Duration> = (0..300).map(|_| b.change()).collect();
    let completions: Vec<Duration> = (0..300).map(|_| b.complete()).collect();
    let n = lines();
    report(
        &format!("didChange -> publishDiagnostics ({n} lines)"),
        changes,
    );
    report(&format!("completion ({n} lines)"), completions);
    if let Some(kib) = peak_rss_kib() {
        println!("peak RSS: {:.1} MiB", kib as f64 / 1024.0);
    }

    let mut g = c.benchmark_group(format!("lsp_{n}_lines"));
    g.sample_size(50);
    g.bench_function("did_change_to_diagnostics", |bench| {
        bench.iter_custom(|iters| (0..iters).map(|_| b.change()).sum())
    });
    g.bench_function("completion", |bench| {
        bench.iter_custom(|iters| (0..iters).map(|_| b.complete()).sum())
    });
    g.finish();
}

criterion_group!(benches, lsp);
criterion_main!(benches);
