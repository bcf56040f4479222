//! `govc verify`'s human report: a line per test, the deciding statements of failed (or, with
//! `--explain`, every) expectations, the equivalence verdicts.

use super::{Evaluation, ExpectResult, Locate, Outcome, TestResult};
use crate::rules::{Expectation, TestValue};

pub(crate) fn describe_request(e: &Expectation) -> String {
    let mut s = format!(
        "{} {} on \"{}\"",
        if e.allow { "allow" } else { "deny" },
        e.action,
        e.resource
    );
    if let Some(r) = &e.region {
        s.push_str(&format!(" in {r}"));
    }
    if !e.context.is_empty() {
        let kv: Vec<String> = e
            .context
            .iter()
            .map(|(k, v)| match v {
                TestValue::One(x) => format!("\"{k}\": {x}"),
                TestValue::Many(xs) => format!("\"{k}\": [{}]", xs.join(", ")),
            })
            .collect();
        s.push_str(&format!(" with {{ {} }}", kv.join(", ")));
    }
    s
}

/// A failed expectation in a few lines, for the CI formats (annotations, SARIF): the test, the
/// account, what was expected, then the deciding statements.
pub(crate) fn failed_expectation(t: &TestResult, r: &ExpectResult, locate: Locate<'_>) -> String {
    let mut text = format!(
        "test \"{}\" on `{}`: expected {}",
        t.test.name,
        r.account,
        describe_request(&r.expectation)
    );
    for l in describe_evaluation(&r.evaluation, locate) {
        text.push('\n');
        text.push_str(&l);
    }
    text
}

/// Lines that say what decided and why, with the source lines of the deciding statements.
pub fn describe_evaluation(ev: &Evaluation, locate: Locate<'_>) -> Vec<String> {
    let mut out = Vec::new();
    match &ev.outcome {
        Outcome::Allowed => out.push("allowed: an Allow at every level, no Deny".to_string()),
        Outcome::Denied => out.push("denied by an explicit Deny".to_string()),
        Outcome::NoAllowAt(t) => out.push(format!(
            "denied: no SCP attached to `{t}` allows it (each level needs an Allow)"
        )),
    }
    for (level, s) in &ev.deciding {
        let origins: Vec<String> = s
            .statement
            .origins
            .iter()
            .map(|o| locate(&o.file, o.span))
            .collect();
        let from = if origins.is_empty() {
            String::new()
        } else {
            format!(" from {}", origins.join(", "))
        };
        out.push(format!(
            "{} at `{level}`: {}{from}",
            s.statement.effect.name(),
            s.provenance.describe()
        ));
    }
    out
}

/// The human report: a line per test, details for each failed expectation (for every
/// expectation with `explain`), and a summary.
pub fn report_human(results: &[TestResult], explain: bool, locate: Locate<'_>) -> String {
    let mut s = String::new();
    let (mut passed, mut expects, mut failed_expects) = (0, 0, 0);
    for t in results {
        expects += t.results.len();
        let ok = t.passed();
        passed += usize::from(ok);
        s.push_str(&format!(
            "test \"{}\" on {} ... {}\n",
            t.test.name,
            t.test.account,
            if ok { "ok" } else { "FAILED" }
        ));
        for r in &t.results {
            if r.passed && !explain {
                continue;
            }
            failed_expects += usize::from(!r.passed);
            let head = if r.passed { "ok" } else { "FAILED" };
            let on = if r.account == t.test.account {
                String::new()
            } else {
                format!(" (account {})", r.account)
            };
            s.push_str(&format!(
                "  {head}: {}: expect {}{on}\n",
                locate(&t.test.file, r.expectation.span),
                describe_request(&r.expectation)
            ));
            for line in describe_evaluation(&r.evaluation, locate) {
                s.push_str(&format!("      {line}\n"));
            }
        }
    }
    s.push_str(&format!(
        "\n{} tests, {} expectations: {} tests passed, {} failed ({} expectations failed)\n",
        results.len(),
        expects,
        passed,
        results.len() - passed,
        failed_expects
    ));
    s
}

/// The equivalence section of the human report.
pub fn report_equivalence(verdicts: &[crate::equivalence::GroupVerdict]) -> String {
    use crate::equivalence::Verdict;
    let mut s = String::new();
    let proven = verdicts
        .iter()
        .filter(|v| v.verdict == Verdict::Equivalent)
        .count();
    for v in verdicts {
        match &v.verdict {
            Verdict::Equivalent => {}
            Verdict::Different {
                request,
                lowered,
                optimised,
            } => {
                s.push_str(&format!(
                    "equivalence FAILED for {}: the optimised documents decide {:?} where the lowering of {} decides {:?}\n  counterexample: {} on \"{}\" with {:?}\n",
                    v.documents.join(", "),
                    optimised,
                    v.policies.join(", "),
                    lowered,
                    request.action,
                    request.resource,
                    request.context
                ));
            }
            Verdict::Unproven { statement } => {
                s.push_str(&format!(
                    "equivalence NOT PROVEN for {}: no statement on the other side covers {}\n",
                    v.documents.join(", "),
                    crate::ir::json::statement(statement)
                ));
            }
        }
    }
    s.push_str(&format!(
        "equivalence: {proven} of {} document groups proven to decide every request as the unoptimised lowering\n",
        verdicts.len()
    ));
    s
}
