//! `govc verify --format github`: GitHub Actions workflow annotations — one `::error` line per
//! failed expectation, on the expectation's line, and one per document group or account whose
//! proof did not go through.

use super::human::failed_expectation;
use super::{Locate, SourceLine, TestResult};
use crate::diagnostics::github::{message, property};
use crate::syntax::Span;

/// 1-based line and column of a span in a file.
pub type LineCol<'a> = &'a dyn Fn(&str, Span) -> (usize, usize);

/// The annotations; nothing for a run where everything passed.
pub fn report_github(
    results: &[TestResult],
    equivalence: &[crate::equivalence::GroupVerdict],
    source: &[SourceLine],
    line_col: LineCol<'_>,
    locate: Locate<'_>,
) -> String {
    let mut out = String::new();
    for t in results {
        for r in t.results.iter().filter(|r| !r.passed) {
            let (line, col) = line_col(&t.test.file, r.expectation.span);
            let text = failed_expectation(t, r, locate);
            out.push_str(&format!(
                "::error file={},line={line},col={col},title={}::{}\n",
                property(&t.test.file),
                property("govc verify: expectation failed"),
                message(&text)
            ));
        }
    }
    for v in equivalence {
        if v.verdict != crate::equivalence::Verdict::Equivalent {
            out.push_str(&format!(
                "::error title={}::{}\n",
                property("govc verify: optimiser not proven"),
                message(&format!("{}: {:?}", v.documents.join(", "), v.verdict))
            ));
        }
    }
    for (subject, failure) in source {
        if let Some(f) = failure {
            out.push_str(&format!(
                "::error title={}::{}\n",
                property("govc verify: source ≡ JSON not proven"),
                message(&format!("{subject}: {f}"))
            ));
        }
    }
    out
}
