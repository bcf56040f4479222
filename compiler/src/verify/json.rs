//! `govc verify --format json`.

use super::human::describe_evaluation;
use super::{Locate, SourceLine, TestResult};

/// The machine-readable report.
pub fn report_json(results: &[TestResult], source: &[SourceLine], locate: Locate<'_>) -> String {
    use serde_json::json;
    let tests: Vec<serde_json::Value> = results
        .iter()
        .map(|t| {
            json!({
                "name": t.test.name,
                "account": t.test.account,
                "location": locate(&t.test.file, t.test.span),
                "passed": t.passed(),
                "expectations": t.results.iter().map(|r| json!({
                    "account": r.account,
                    "location": locate(&t.test.file, r.expectation.span),
                    "expect": if r.expectation.allow { "allow" } else { "deny" },
                    "action": r.expectation.action,
                    "resource": r.expectation.resource,
                    "region": r.expectation.region,
                    "passed": r.passed,
                    "decision": describe_evaluation(&r.evaluation, locate),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let source: Vec<serde_json::Value> = source
        .iter()
        .map(|(subject, failure)| {
            json!({"subject": subject, "proven": failure.is_none(), "failure": failure})
        })
        .collect();
    let v = json!({
        "tests": tests,
        "source_equivalence": source,
        "passed": results.iter().all(TestResult::passed),
    });
    let mut out = serde_json::to_string_pretty(&v).unwrap_or_default();
    out.push('\n');
    out
}
