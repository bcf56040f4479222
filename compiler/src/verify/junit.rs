//! `govc verify --format junit`: one suite per kind of check, one case per test, proof and
//! document group.

use super::human::{describe_evaluation, describe_request, report_equivalence};
use super::{Locate, SourceLine, TestResult};

pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 has no representation for most control characters.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML for CI systems: one test case per `test` block and one per document group of
/// the equivalence check.
pub fn report_junit(
    results: &[TestResult],
    equivalence: &[crate::equivalence::GroupVerdict],
    source: &[SourceLine],
    locate: Locate<'_>,
) -> String {
    use crate::equivalence::Verdict;
    let failed_tests = results.iter().filter(|t| !t.passed()).count();
    let failed_eq = equivalence
        .iter()
        .filter(|v| v.verdict != Verdict::Equivalent)
        .count();
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let failed_source = source.iter().filter(|(_, f)| f.is_some()).count();
    s.push_str(&format!(
        "<testsuites name=\"govc verify\" tests=\"{}\" failures=\"{}\">\n",
        results.len() + equivalence.len() + source.len(),
        failed_tests + failed_eq + failed_source
    ));
    s.push_str(&format!(
        "  <testsuite name=\"tests\" tests=\"{}\" failures=\"{failed_tests}\">\n",
        results.len()
    ));
    for t in results {
        s.push_str(&format!(
            "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\">",
            xml_escape(&t.test.name),
            xml_escape(&t.test.account),
            xml_escape(&locate(&t.test.file, t.test.span))
        ));
        let failures: Vec<String> = t
            .results
            .iter()
            .filter(|r| !r.passed)
            .map(|r| {
                let mut lines = vec![format!(
                    "{}: expect {} (account {})",
                    locate(&t.test.file, r.expectation.span),
                    describe_request(&r.expectation),
                    r.account
                )];
                lines.extend(describe_evaluation(&r.evaluation, locate));
                lines.join("\n")
            })
            .collect();
        if failures.is_empty() {
            s.push_str("</testcase>\n");
        } else {
            s.push_str(&format!(
                "\n      <failure message=\"{} of {} expectations failed\">{}</failure>\n    </testcase>\n",
                failures.len(),
                t.results.len(),
                xml_escape(&failures.join("\n\n"))
            ));
        }
    }
    s.push_str("  </testsuite>\n");
    s.push_str(&format!(
        "  <testsuite name=\"equivalence\" tests=\"{}\" failures=\"{failed_eq}\">\n",
        equivalence.len()
    ));
    for v in equivalence {
        s.push_str(&format!(
            "    <testcase name=\"{}\" classname=\"equivalence\">",
            xml_escape(&v.documents.join(", "))
        ));
        if v.verdict == Verdict::Equivalent {
            s.push_str("</testcase>\n");
        } else {
            s.push_str(&format!(
                "\n      <failure message=\"not equivalent to the lowering\">{}</failure>\n    </testcase>\n",
                xml_escape(&report_equivalence(std::slice::from_ref(v)))
            ));
        }
    }
    s.push_str("  </testsuite>\n");
    s.push_str(&format!(
        "  <testsuite name=\"source\" tests=\"{}\" failures=\"{failed_source}\">\n",
        source.len()
    ));
    for (subject, failure) in source {
        s.push_str(&format!(
            "    <testcase name=\"{}\" classname=\"source\">",
            xml_escape(subject)
        ));
        match failure {
            None => s.push_str("</testcase>\n"),
            Some(f) => s.push_str(&format!(
                "\n      <failure message=\"the compiled JSON does not decide as the source means\">{}</failure>\n    </testcase>\n",
                xml_escape(f)
            )),
        }
    }
    s.push_str("  </testsuite>\n</testsuites>\n");
    s
}
