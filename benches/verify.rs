//! `govc verify` speed: requests evaluated per second against the compiled
//! `examples/organization.gov`, and the equivalence check of every example.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "benchmark"
)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use govc_compiler::compile::{self, Output};
use govc_compiler::db::{self, Database};
use govc_compiler::equivalence;
use govc_compiler::rules::Program;
use govc_compiler::verify;

fn compiled(path: &str) -> (Program, Output) {
    let file = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    let mut database = Database::new(govc_compiler::catalog::embedded());
    let (ws, _) = db::load(&mut database, &[file], &|p| std::fs::read(p));
    let (output, _) = db::compile_workspace(&database, ws, &compile::Options::default()).unwrap();
    (db::program_rules(&database, ws).as_ref().clone(), output)
}

fn bench(c: &mut Criterion) {
    let (program, output) = compiled("examples/organization.gov");
    // Every expectation of every test, on its account (with that account's id as
    // `aws:PrincipalAccount`): a realistic mix of allowed and denied requests. Each account's
    // levels are compiled once and shared by its requests, as `verify::run` does per test.
    let accounts: std::collections::BTreeMap<&str, Vec<verify::Level>> = program
        .tests
        .iter()
        .map(|t| {
            let levels = verify::levels(&program, &output, &t.account).unwrap();
            (t.account.as_str(), levels)
        })
        .collect();
    let prog = &program;
    let cases: Vec<(&[verify::Level], govc_compiler::ir::eval::Request)> = program
        .tests
        .iter()
        .flat_map(|t| {
            let levels = accounts[t.account.as_str()].as_slice();
            let id = program.org.target(&t.account).unwrap().id.clone();
            t.expects
                .iter()
                .map(move |e| (levels, verify::request(prog, e, &id)))
        })
        .collect();
    // The benchmark measures the right thing only if it agrees with the tests.
    let expected: usize = verify::run(&program, &output)
        .iter()
        .flat_map(|t| &t.results)
        .filter(|r| r.evaluation.outcome.allowed())
        .count();
    let allowed = cases.iter().filter(|(l, r)| verify::allowed(l, r)).count();
    assert_eq!(allowed, expected);
    // `GOVC_VERIFY_ITERS=N`: evaluate every request N times and exit, for an instruction count
    // under `valgrind --tool=cachegrind` (the difference between two N, divided by the
    // requests, is the cost of one request, independent of the machine's load).
    if let Some(n) = std::env::var("GOVC_VERIFY_ITERS")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
    {
        let mut total = 0usize;
        for _ in 0..n {
            for (levels, r) in &cases {
                total += usize::from(verify::allowed(levels, std::hint::black_box(r)));
            }
        }
        println!("{} requests, {total} allowed", n * cases.len());
        std::process::exit(0);
    }
    let mut g = c.benchmark_group("evaluate");
    g.throughput(Throughput::Elements(cases.len() as u64));
    g.bench_function("organization_requests", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for (levels, r) in &cases {
                n += usize::from(verify::allowed(levels, std::hint::black_box(r)));
            }
            n
        })
    });
    g.finish();

    let examples: Vec<Output> =
        std::fs::read_dir(format!("{}/examples", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "gov"))
            .map(|p| {
                let rel = p
                    .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                compiled(&rel).1
            })
            .collect();
    c.bench_function("equivalence/all_examples", |b| {
        b.iter(|| {
            examples
                .iter()
                .map(|o| equivalence::check_output(o).len())
                .sum::<usize>()
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(5));
    targets = bench
}
criterion_main!(benches);
