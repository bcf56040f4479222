//! `govc verify --format sarif`: one SARIF 2.1.0 log (`diagnostics::sarif`) with the
//! program's diagnostics, then a result per failed expectation at the expectation, per
//! document group the optimiser's equivalence check did not prove, and per account or
//! identity policy whose source ≡ JSON proof did not go through.

use super::human::failed_expectation;
use super::{LineCol, Locate, SourceLine, TestResult};
use crate::diagnostics::sarif::{self, location, SarifResult, SarifRule};
use crate::diagnostics::Diagnostic;
use crate::syntax::Span;

const EXPECTATION: &str = "govc/expectation";
const EQUIVALENCE: &str = "govc/optimiser-equivalence";
const SOURCE: &str = "govc/source-json";

/// The SARIF log of a verify run; `text_of` gives the sources for the diagnostics' places.
#[allow(
    clippy::too_many_arguments,
    reason = "one writer per format takes the whole run"
)]
pub fn report_sarif<'t>(
    diags: &[Diagnostic],
    text_of: &dyn Fn(&str) -> Option<&'t str>,
    results: &[TestResult],
    equivalence: &[crate::equivalence::GroupVerdict],
    source: &[SourceLine],
    line_col: LineCol<'_>,
    locate: Locate<'_>,
    version: &str,
) -> String {
    let (mut rules, mut out) = sarif::diagnostic_results(diags, text_of);
    rules.extend([
        SarifRule {
            id: EXPECTATION.into(),
            short: "a test expectation failed".into(),
            full: "The compiled SCPs on the account's path decide the expectation's request otherwise than the test expects (docs/verify.md, \"Tests\").".into(),
            level: "error",
        },
        SarifRule {
            id: EQUIVALENCE.into(),
            short: "the optimised documents are not proven equivalent to the lowering".into(),
            full: "The optimiser's output for a group of policies was not proven to decide every request as the unoptimised lowering (docs/verify.md).".into(),
            level: "error",
        },
        SarifRule {
            id: SOURCE.into(),
            short: "source ≡ JSON not proven".into(),
            full: "The compiled documents were not proven to decide every request as the program means, or a request was found that they decide otherwise (docs/verify.md, \"Source ≡ JSON\").".into(),
            level: "error",
        },
    ]);
    for t in results {
        for r in t.results.iter().filter(|r| !r.passed) {
            let span = r.expectation.span;
            let start = line_col(&t.test.file, span);
            let end = line_col(
                &t.test.file,
                Span::new(span.end as usize, span.end as usize),
            );
            let text = failed_expectation(t, r, locate);
            out.push(SarifResult {
                rule: EXPECTATION.into(),
                level: "error",
                message: text,
                locations: vec![location(&t.test.file, start, end, None)],
                related: Vec::new(),
            });
        }
    }
    for v in equivalence {
        if v.verdict != crate::equivalence::Verdict::Equivalent {
            out.push(SarifResult {
                rule: EQUIVALENCE.into(),
                level: "error",
                message: format!("{}: {:?}", v.documents.join(", "), v.verdict),
                locations: Vec::new(),
                related: Vec::new(),
            });
        }
    }
    for (subject, failure) in source {
        if let Some(f) = failure {
            out.push(SarifResult {
                rule: SOURCE.into(),
                level: "error",
                message: format!("{subject}: {f}"),
                locations: Vec::new(),
                related: Vec::new(),
            });
        }
    }
    sarif::log(version, &rules, &out)
}
