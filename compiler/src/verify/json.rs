//! `govc verify --format json`, written as it is serialised: no document tree is built first,
//! so the report of 100,000 expectations costs what the human one does. Keys are in
//! alphabetical order (the order `serde_json`'s maps give, which the report always had).

use serde::ser::{Serialize, SerializeSeq, Serializer};

use super::human::describe_evaluation;
use super::{Evaluation, Locate, Outcome, SourceLine, TestResult};
use crate::ir::eval::{ContextValue, Request};

#[derive(serde::Serialize)]
struct Report<'a> {
    passed: bool,
    source_equivalence: Vec<Source<'a>>,
    tests: Tests<'a>,
}

#[derive(serde::Serialize)]
struct Source<'a> {
    failure: &'a Option<String>,
    proven: bool,
    subject: &'a str,
}

/// The tests, serialised one by one.
struct Tests<'a> {
    results: &'a [TestResult],
    locate: Locate<'a>,
}

#[derive(serde::Serialize)]
struct Test<'a> {
    account: &'a str,
    expectations: Expectations<'a>,
    location: String,
    name: &'a str,
    passed: bool,
}

/// One test's expectations, each described when it is serialised.
struct Expectations<'a> {
    test: &'a TestResult,
    locate: Locate<'a>,
}

#[derive(serde::Serialize)]
struct Expectation<'a> {
    account: &'a str,
    action: &'a str,
    /// The decision in words, as the human report prints it.
    decision: Vec<String>,
    /// The statements that decided, one object each (machine-readable).
    deciding: Vec<Deciding<'a>>,
    expect: &'static str,
    location: String,
    /// The target without an Allow, when `outcome` is `no_allow`.
    no_allow_at: Option<&'a str>,
    /// `allowed`, `denied` or `no_allow`.
    outcome: &'static str,
    passed: bool,
    region: &'a Option<String>,
    resource: &'a str,
}

/// One deciding statement: the level it is in force at, its effect, where it comes from
/// (a document's file, `FullAWSAccess`, `RCPFullAWSAccess` or a control) and its sources.
/// The one JSON form of a deciding statement: `verify`, `simulate` and `diff` write it.
#[derive(serde::Serialize)]
pub struct Deciding<'a> {
    effect: &'static str,
    from: String,
    level: &'a str,
    sources: Vec<String>,
}

/// An evaluation's outcome in the JSON reports' words — `allowed`, `denied`, `no_allow` — and
/// the target without an Allow for the last.
pub fn outcome(e: &Evaluation) -> (&'static str, Option<&str>) {
    match &e.outcome {
        Outcome::Allowed => ("allowed", None),
        Outcome::Denied => ("denied", None),
        Outcome::NoAllowAt(t) => ("no_allow", Some(t.as_str())),
    }
}

/// The statements that decided an evaluation, each with its sources located.
pub fn deciding<'e>(e: &'e Evaluation, locate: Locate<'_>) -> Vec<Deciding<'e>> {
    e.deciding
        .iter()
        .map(|(level, s)| Deciding {
            effect: s.statement.effect.name(),
            from: s.provenance.describe(),
            level,
            sources: s
                .statement
                .origins
                .iter()
                .map(|o| locate(&o.file, o.span))
                .collect(),
        })
        .collect()
}

/// A request's keys as a JSON object: a string for a single value, a list for several.
pub fn context(r: &Request) -> serde_json::Map<String, serde_json::Value> {
    r.context
        .iter()
        .map(|(k, v)| {
            let v = match v {
                ContextValue::One(x) => serde_json::json!(x),
                ContextValue::Many(xs) => serde_json::json!(xs),
            };
            (k.clone(), v)
        })
        .collect()
}

impl Serialize for Tests<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.results.len()))?;
        for t in self.results {
            seq.serialize_element(&Test {
                account: &t.test.account,
                expectations: Expectations {
                    test: t,
                    locate: self.locate,
                },
                location: (self.locate)(&t.test.file, t.test.span),
                name: &t.test.name,
                passed: t.passed(),
            })?;
        }
        seq.end()
    }
}

impl Serialize for Expectations<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = self.test;
        let mut seq = s.serialize_seq(Some(t.results.len()))?;
        for r in &t.results {
            let (outcome, no_allow_at) = outcome(&r.evaluation);
            let deciding = deciding(&r.evaluation, self.locate);
            seq.serialize_element(&Expectation {
                account: &r.account,
                action: &r.expectation.action,
                decision: describe_evaluation(&r.evaluation, self.locate),
                deciding,
                no_allow_at,
                outcome,
                expect: if r.expectation.allow { "allow" } else { "deny" },
                location: (self.locate)(&t.test.file, r.expectation.span),
                passed: r.passed,
                region: &r.expectation.region,
                resource: &r.expectation.resource,
            })?;
        }
        seq.end()
    }
}

/// The machine-readable report.
pub fn report_json(results: &[TestResult], source: &[SourceLine], locate: Locate<'_>) -> String {
    let report = Report {
        passed: results.iter().all(TestResult::passed),
        source_equivalence: source
            .iter()
            .map(|(subject, failure)| Source {
                failure,
                proven: failure.is_none(),
                subject,
            })
            .collect(),
        tests: Tests { results, locate },
    };
    // Control and bidi characters (from names) escaped, as in every JSON govc prints.
    let mut out = crate::diagnostics::render::terminal_safe_json(
        serde_json::to_string_pretty(&report).unwrap_or_default(),
    );
    out.push('\n');
    out
}
