//! Front-end throughput on a generated, realistic, error-free program of about 50,000 lines:
//!
//! - `lex+parse`: `syntax::parse` of the whole text (aim: ≥ 1,000,000 lines/s);
//! - `check`: name resolution and every semantic check, `db::program_diagnostics` on a fresh
//!   database whose file is already loaded and parsed (aim: ≥ 300,000 lines/s);
//! - `load+parse+check`: the whole of `govc check` minus file I/O and rendering.
//!
//! Salsa memoizes every query, so each `check` iteration gets a fresh database, built (and
//! parsed) outside the timed region with `iter_batched`. Throughput is reported in lines.
//! Run with `cargo bench --bench frontend`.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "benchmark harness: fails loudly on a bad generated program"
)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use govc_compiler::db::{self, Database, Workspace};
use govc_compiler::syntax;

const FILE: &str = "bench.gov";
const TARGET_LINES: usize = 50_000;
const OUS: usize = 20;

/// A program that exercises every kind of item, every surface statement and core rules with
/// conditions, and checks clean. Unit `i` adds an scp, an identity policy, a guardrail, a
/// control, a test, constants and an attachment (about 70 lines); units are added until the
/// program has `lines` lines.
fn program(lines: usize) -> String {
    let mut units = String::new();
    let mut accounts = String::new();
    let mut i = 0;
    let mut count = OUS + 8;
    while count < lines {
        let before = units.len();
        unit(&mut units, i);
        count += units[before..].lines().count() + 1;
        let _ = writeln!(
            accounts,
            "  account acct_{i} = \"{:012}\" under ou_{}",
            100_000_000_000u64 + i as u64,
            i % OUS
        );
        i += 1;
    }
    let mut out = String::from("// Generated for benches/frontend.rs.\nuse std::models\n\norg {\n");
    out.push_str("  root = \"r-a1b2\"\n  limits current\n");
    for k in 0..OUS {
        // Five levels at most: ou_0..ou_3 under root, then chains of depth ≤ 5.
        let parent = if k < 4 {
            "root".to_string()
        } else {
            format!("ou_{}", k - 4)
        };
        let _ = writeln!(out, "  ou ou_{k} = \"ou-a1b2-{k:08}\" under {parent}");
    }
    out.push_str(&accounts);
    out.push_str("}\n\n");
    out.push_str(&units);
    out
}

fn unit(out: &mut String, i: usize) {
    let ou = i % OUS;
    let _ = write!(
        out,
        r#"
// ---- unit {i} ----
set regions_{i} = [us-east-1, us-west-2, eu-central-1]
const admin_{i} = "arn:aws:iam::111111111111:role/Admin{i}"
set blocked_{i} = [deepseek*, std::models::openai]

scp guard_{i} {{
  require application_inference_profile
  require tags CostCenter, Team, "Project-{i}" on inference_profile
  deny model deepseek*, amazon.titan-embed-text-v2:0
  deny models blocked_{i} unless principal in [admin_{i}]
  only regions regions_{i} for services bedrock, bedrock-mantle unless principal account in ["111111111111", "222222222222"]
  deny service bedrock-agentcore when region in [eu-west-1, ap-south-1]
  deny all when via_mcp
  deny api_keys long_term unless principal in ["arn:aws:iam::111111111111:role/Ops*"]
  deny actions bedrock:CreateModelInvocationJob, bedrock:Invoke* on bedrock::foundation_models unless {{ context["aws:PrincipalTag/Team"] == "ml" }}
  deny actions bedrock::api_key_create
  forbid (action in bedrock::invoke, resource like "arn:aws:bedrock:*::foundation-model/*")
    when {{ context["bedrock:InferenceProfileArn"] is absent }};
  forbid (principal like "arn:aws:iam::*:role/Sandbox*", action == bedrock:InvokeModel)
    when {{ any context["aws:TagKeys"] in ["CostCenter", "Team"] && context["aws:SecureTransport"] == false }}
    unless {{ context["aws:PrincipalAccount"] == "111111111111" || context["aws:MultiFactorAuthAge"] < 3600 }};
  forbid (action in [bedrock:InvokeModel, bedrock:InvokeModelWithResponseStream])
    when {{ !(context["aws:RequestedRegion"] in regions_{i}) && context["aws:CurrentTime"] > "2026-01-01T00:00:00Z" }};
}}

scp allowlist_{i} {{
  only models anthropic.claude*, amazon.nova*, std::models::embeddings
}}

identity developers_{i} {{
  allow invoke on model anthropic.claude*, amazon.nova-pro-v1:0 when region in regions_{i}
  allow actions bedrock:InvokeModel, bedrock:Get* on inference_profile "arn:aws:bedrock:us-east-1:111111111111:inference-profile/*"
  allow actions bedrock:GetFoundationModel, bedrock:ListFoundationModels on "*" in account "111111111111"
  permit (action in bedrock::invoke, resource like "arn:aws:bedrock:*::foundation-model/amazon.*")
    when {{ context["aws:SourceIp"] in ["203.0.113.0/24", "198.51.100.7"] }};
}}

guardrail safety_{i} {{
  in us-east-1 use "arn:aws:bedrock:us-east-1:111111111111:guardrail/abc{i}:1"
  in us-west-2 use "arn:aws:bedrock:us-west-2:111111111111:guardrail/def{i}:2"
  input_tags honor
  guarding system selective, messages comprehensive
  models all except amazon.titan-embed-text-v2:0
  lock
}}

control regions_ctl_{i} on ou_{ou} {{
  regions us-east-1, us-west-2
  exempt actions bedrock:ListFoundationModels, iam:*
  exempt principals "arn:aws:iam::111111111111:role/Admin"
}}

attach guard_{i}, safety_{i} to ou_{ou}, acct_{i}

test "unit {i} blocks DeepSeek" on acct_{i} {{
  expect deny bedrock:InvokeModel on "arn:aws:bedrock:us-east-1::foundation-model/deepseek.r1-v1:0" in us-east-1
  expect allow bedrock:InvokeModel on "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0" in us-west-2 with {{ "aws:PrincipalArn": "arn:aws:iam::111111111111:role/Dev", "aws:SecureTransport": true }}
}}
"#
    );
}

/// A fresh database with the program loaded (and so parsed), ready to check.
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

fn frontend(c: &mut Criterion) {
    let src = program(TARGET_LINES);
    let lines = src.lines().count() as u64;
    eprintln!("generated program: {lines} lines, {} bytes", src.len());

    // The program must check clean, or the benchmark would measure error paths.
    let (database, ws) = loaded(&src);
    let diags = db::program_diagnostics(&database, ws);
    assert!(
        diags.is_empty(),
        "generated program has {} diagnostics, first: {:#?}",
        diags.len(),
        diags.first()
    );
    drop(database);

    let mut g = c.benchmark_group("frontend");
    g.throughput(Throughput::Elements(lines));
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(15));

    g.bench_function("lex+parse", |b| {
        b.iter(|| black_box(syntax::parse(black_box(&src))).diagnostics.len())
    });

    g.bench_function("check", |b| {
        b.iter_batched(
            || loaded(&src),
            |(database, ws)| {
                let n = db::program_diagnostics(&database, ws).len();
                // Return the database so dropping it is not timed.
                (database, n)
            },
            BatchSize::PerIteration,
        )
    });

    g.bench_function("load+parse+check", |b| {
        b.iter_batched(
            || (),
            |()| {
                let (database, ws) = loaded(&src);
                let n = db::program_diagnostics(&database, ws).len();
                (database, n)
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, frontend);
criterion_main!(benches);
