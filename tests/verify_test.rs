//! `govc verify`: the example tests pass, and they have teeth — removing any one compiled SCP
//! statement makes some test fail.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly"
)]

mod common;
use common::govc;

use govc_compiler::compile::{self, Output};
use govc_compiler::db::{self, Database};
use govc_compiler::document::DocKind;
use govc_compiler::rules::Program;
use govc_compiler::verify;

fn compiled(paths: &[&str]) -> (Program, Output) {
    let root = env!("CARGO_MANIFEST_DIR");
    let files: Vec<String> = paths.iter().map(|p| format!("{root}/{p}")).collect();
    let mut database = Database::new(govc_compiler::catalog::embedded());
    let (ws, failed) = db::load(&mut database, &files, &|p| std::fs::read(p));
    assert!(failed.is_empty());
    let (output, _) = db::compile_workspace(&database, ws, &compile::Options::default()).unwrap();
    (db::program_rules(&database, ws).as_ref().clone(), output)
}

#[test]
fn example_tests_pass() {
    let (program, output) = compiled(&["examples/organization.gov"]);
    let results = verify::run(&program, &output);
    assert!(results.len() >= 10);
    for t in &results {
        assert!(t.passed(), "{:?}", t.test.name);
    }
}

#[test]
fn removing_any_scp_statement_fails_a_test() {
    let (program, output) = compiled(&["examples/organization.gov"]);
    let mut uncovered = Vec::new();
    for (d, doc) in output.documents.iter().enumerate() {
        if doc.kind != DocKind::Scp {
            continue;
        }
        for i in 0..doc.statements.len() {
            let mut mutated = output.clone();
            mutated.documents[d].statements.remove(i);
            let results = verify::run(&program, &mutated);
            if results.iter().all(verify::TestResult::passed) {
                uncovered.push(format!(
                    "{} statement {i}: {:?}",
                    doc.file(),
                    doc.statements[i].origins
                ));
            }
        }
    }
    assert!(
        uncovered.is_empty(),
        "statements no test notices:\n{}",
        uncovered.join("\n")
    );
}

#[test]
fn cli_exit_codes_and_report() {
    let ok = govc(&["verify", "examples/organization.gov"]);
    assert_eq!(ok.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert!(stdout.contains("0 failed"), "{stdout}");

    let dir = std::env::temp_dir().join(format!("govc-verify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("wrong.gov");
    std::fs::write(
        &f,
        "org {\n  root = \"r-a1b2\"\n  account a = \"123456789012\"\n}\nscp s {\n  deny model deepseek*\n}\nattach s to root\n\
         test \"wrong on purpose\" on a {\n  expect allow bedrock:InvokeModel on \"arn:aws:bedrock:us-east-1::foundation-model/deepseek.v3.2\" in us-east-1\n}\n",
    )
    .unwrap();
    let bad = govc(&["verify", f.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&bad.stdout);
    assert!(stdout.contains("FAILED"), "{stdout}");
    assert!(
        stdout.contains("wrong.gov:10:3"),
        "the failing expectation's line: {stdout}"
    );
    assert!(
        stdout.contains("wrong.gov:6:3"),
        "the deciding statement's source line: {stdout}"
    );
    let json = govc(&["verify", f.to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["passed"], false);
    let junit = govc(&["verify", f.to_str().unwrap(), "--format", "junit"]);
    assert_eq!(junit.status.code(), Some(1));
    let xml = String::from_utf8_lossy(&junit.stdout);
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(xml.contains("<testcase name=\"wrong on purpose\""), "{xml}");
    assert!(
        xml.contains("<failure message=\"1 of 1 expectations failed\">"),
        "{xml}"
    );
    assert!(
        xml.contains("<testsuite name=\"equivalence\" tests=\"1\" failures=\"0\">"),
        "{xml}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn simulate_one_request() {
    // A DeepSeek call on the Mantle endpoint, which the examples deny.
    let deepseek = [
        "simulate",
        "examples/organization.gov",
        "--account",
        "agent_lab",
        "--action",
        "bedrock-mantle:CreateInference",
        "--resource",
        "arn:aws:bedrock-mantle:us-east-1:992382794994:project/default",
        "--region",
        "us-east-1",
        "--context",
        "bedrock-mantle:Model=deepseek.v3.2",
    ];
    let denied = govc(&deepseek);
    // 3: denied, apart from 1 (errors in the policies) and 2 (a bad request).
    assert_eq!(denied.status.code(), Some(3));
    let out = String::from_utf8_lossy(&denied.stdout);
    assert!(out.contains("explicit Deny"), "{out}");
    assert!(out.contains("model-denylist.gov:16:3"), "{out}");
    let allowed = govc(&[
        "simulate",
        "examples/organization.gov",
        "--account",
        "agent_lab",
        "--action",
        "bedrock:CallWithBearerToken",
        "--region",
        "us-east-1",
        "--context",
        "bedrock:BearerTokenType=SHORT_TERM",
    ]);
    assert_eq!(
        allowed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&allowed.stdout)
    );
    let unknown = govc(&[
        "simulate",
        "examples/organization.gov",
        "--account",
        "nobody",
        "--action",
        "s3:GetObject",
    ]);
    assert_eq!(unknown.status.code(), Some(2));

    // `--format json`: one JSON document with the decision and where it came from.
    let json = govc(&[&deepseek[..], &["--format", "json"]].concat());
    assert_eq!(json.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&json.stdout)));
    assert_eq!(v["allowed"], false, "{v:#}");
    assert_eq!(v["outcome"], "denied", "{v:#}");
    assert_eq!(
        v["request"]["context"]["aws:RequestedRegion"], "us-east-1",
        "{v:#}"
    );
    let sources = v["deciding"].to_string();
    assert!(sources.contains("model-denylist.gov:16:3"), "{v:#}");

    // Errors in the policies are 1, as for every command, not a decision.
    let dir = std::env::temp_dir().join(format!("govc-simulate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.gov");
    std::fs::write(
        &bad,
        "org {\n  root = \"r-a1b2\"\n  account a = \"123456789012\"\n}\nscp s {\n  only regions us-est-1\n}\n",
    )
    .unwrap();
    let broken = govc(&[
        "simulate",
        &bad.to_string_lossy(),
        "--allow-outside-root",
        "--account",
        "a",
        "--action",
        "s3:GetObject",
    ]);
    assert_eq!(
        broken.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&broken.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn compiled_examples_are_proven_equivalent_and_a_dropped_statement_is_not() {
    use govc_compiler::equivalence::{check_output, Verdict};
    let (_, output) = compiled(&["examples/organization.gov"]);
    let verdicts = check_output(&output);
    assert!(verdicts.len() >= 5);
    for v in &verdicts {
        assert_eq!(v.verdict, Verdict::Equivalent, "{:?}", v.documents);
    }
    // A "packing" that loses a statement is caught, with a request that shows it.
    let mut broken = output.clone();
    let d = broken
        .documents
        .iter()
        .position(|d| d.kind == DocKind::Scp && d.statements.len() > 1)
        .unwrap();
    broken.documents[d].statements.pop();
    let bad: Vec<_> = check_output(&broken)
        .into_iter()
        .filter(|v| v.verdict != Verdict::Equivalent)
        .collect();
    assert_eq!(bad.len(), 1);
    assert!(
        matches!(bad[0].verdict, Verdict::Different { .. }),
        "{:?}",
        bad[0].verdict
    );
}
