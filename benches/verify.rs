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
    let mut database = Database::default();
    let (ws, _) = db::load(&mut database, &[file], &|p| std::fs::read(p));
    let (output, _) = db::compile_workspace(&database, ws, &compile::Options::default()).unwrap();
    (db::program_rules(&database, ws).as_ref().clone(), output)
}

fn bench(c: &mut Criterion) {
    let (program, output) = compiled("examples/organization.gov");
    // Every expectation of every test, on its account: a realistic mix of allowed and denied
    // requests.
    let cases: Vec<(Vec<verify::Level>, verify::ExpectResult)> = verify::run(&program, &output)
        .into_iter()
        .flat_map(|t| {
            let levels = verify::levels(&program, &output, &t.test.account).unwrap();
            t.results.into_iter().map(move |r| (levels.clone(), r))
        })
        .collect();
    let requests: Vec<(usize, govc_compiler::ir::eval::Request)> = cases
        .iter()
        .enumerate()
        .map(|(i, (_, r))| {
            let id = program
                .org
                .targets
                .iter()
                .find(|t| t.kind == govc_compiler::rules::TargetKind::Account)
                .map(|t| t.id.clone())
                .unwrap_or_default();
            (i, verify::request(&r.expectation, &id))
        })
        .collect();
    let mut g = c.benchmark_group("evaluate");
    g.throughput(Throughput::Elements(requests.len() as u64));
    g.bench_function("organization_requests", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for (i, r) in &requests {
                n += usize::from(verify::allowed(&cases[*i].0, r));
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
