//! SARIF 2.1.0, the OASIS Static Analysis Results Interchange Format that code-scanning
//! services read ("Static Analysis Results Interchange Format (SARIF) Version 2.1.0", OASIS
//! Standard, docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html): one run of `govc`,
//! a rule per diagnostic code that occurs (its title and long explanation), a result per
//! diagnostic at its place, its secondary labels as related locations. Columns count
//! characters (`columnKind: unicodeCodePoints`), as every other govc report does.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::render::{line_columns, LineIndex};
use super::{Code, Diagnostic, Severity};

/// The version of the SARIF format written.
pub const SARIF_VERSION: &str = "2.1.0";
/// The schema the log names (the OASIS schema of version 2.1.0).
pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json";

/// A SARIF result of one run, to be written with others: the rule it breaks, its level, its
/// message and its places (`locations` and `relatedLocations`, already SARIF objects).
#[derive(Clone, Debug)]
pub struct SarifResult {
    /// The rule's id: a diagnostic code, or a rule of the caller's (`govc/test`).
    pub rule: String,
    /// `error`, `warning` or `note`.
    pub level: &'static str,
    /// The message, help included.
    pub message: String,
    /// Where: zero or one physical location.
    pub locations: Vec<Value>,
    /// Other places the message refers to.
    pub related: Vec<Value>,
}

/// A rule the run's results refer to: its id, a one-line description and a longer one.
#[derive(Clone, Debug)]
pub struct SarifRule {
    /// The id results name (`E0200`, `govc/test`).
    pub id: String,
    /// One line.
    pub short: String,
    /// The long explanation.
    pub full: String,
    /// The level a result of this rule has unless it says otherwise.
    pub level: &'static str,
}

impl SarifRule {
    /// The rule of a diagnostic code, from the code registry.
    pub fn of_code(code: Code) -> SarifRule {
        SarifRule {
            id: code.as_str().to_string(),
            short: code.title().to_string(),
            full: code.explanation().trim().to_string(),
            level: level(code.severity()),
        }
    }
}

/// The SARIF level of a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A file path as a SARIF artifact URI: a relative (or absolute) URI reference, every byte
/// outside the unreserved characters and `/` percent-encoded, so a space or a `#` in a file
/// name stays part of the path.
pub fn artifact_uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A physical location: the file and the region from (line, column) to (line, column), all
/// 1-based, the end exclusive.
pub fn location(
    file: &str,
    start: (usize, usize),
    end: (usize, usize),
    message: Option<&str>,
) -> Value {
    let mut loc = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": artifact_uri(file) },
            "region": {
                "startLine": start.0,
                "startColumn": start.1,
                "endLine": end.0.max(start.0),
                "endColumn": if end.0 > start.0 { end.1 } else { end.1.max(start.1) },
            }
        }
    });
    if let (Some(m), Some(obj)) = (message, loc.as_object_mut()) {
        obj.insert("message".into(), json!({ "text": m }));
    }
    loc
}

/// The results of the diagnostics, in order, with the rules they name.
pub fn diagnostic_results<'t>(
    diags: &[Diagnostic],
    text_of: &dyn Fn(&str) -> Option<&'t str>,
) -> (Vec<SarifRule>, Vec<SarifResult>) {
    let mut rules: BTreeMap<Code, SarifRule> = BTreeMap::new();
    let mut indexes: BTreeMap<&str, LineIndex> = BTreeMap::new();
    let mut results = Vec::new();
    for (d, (start, end)) in diags.iter().zip(line_columns(diags, text_of)) {
        rules
            .entry(d.code)
            .or_insert_with(|| SarifRule::of_code(d.code));
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        for note in &d.notes {
            message.push_str("\nnote: ");
            message.push_str(note);
        }
        let related = d
            .secondary
            .iter()
            .map(|l| {
                let file = l.file.as_deref().unwrap_or(&d.file);
                let text = text_of(file).unwrap_or("");
                let index = indexes.entry(file).or_insert_with(|| LineIndex::new(text));
                let s = index.line_col(text, l.span.start as usize);
                let e = index.line_col(text, l.span.end as usize);
                location(file, s, e, Some(&l.message))
            })
            .collect();
        results.push(SarifResult {
            rule: d.code.as_str().to_string(),
            level: level(d.severity()),
            message,
            locations: vec![location(&d.file, start, end, d.label.as_deref())],
            related,
        });
    }
    (rules.into_values().collect(), results)
}

/// One SARIF log of one run of govc (`version` is the tool's), with these rules and results.
pub fn log(version: &str, rules: &[SarifRule], results: &[SarifResult]) -> String {
    let index: BTreeMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let rules: Vec<Value> = rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "shortDescription": { "text": r.short },
                "fullDescription": { "text": r.full },
                "defaultConfiguration": { "level": r.level },
            })
        })
        .collect();
    let results: Vec<Value> = results
        .iter()
        .map(|r| {
            let mut v = json!({
                "ruleId": r.rule,
                "level": r.level,
                "message": { "text": r.message },
                "locations": r.locations,
            });
            if let Some(obj) = v.as_object_mut() {
                if let Some(i) = index.get(r.rule.as_str()) {
                    obj.insert("ruleIndex".into(), json!(i));
                }
                if !r.related.is_empty() {
                    obj.insert("relatedLocations".into(), json!(r.related));
                }
            }
            v
        })
        .collect();
    let log = json!({
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": { "driver": { "name": "govc", "version": version, "rules": rules } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    // Escaped as the JSON report is: no control or bidi character reaches a terminal raw.
    super::render::terminal_safe_json(serde_json::to_string_pretty(&log).unwrap_or_default())
}

/// The SARIF log of the diagnostics alone (`govc check` and `govc compile`).
pub fn render_sarif<'t>(
    diags: &[Diagnostic],
    text_of: &dyn Fn(&str) -> Option<&'t str>,
    version: &str,
) -> String {
    let (rules, results) = diagnostic_results(diags, text_of);
    log(version, &rules, &results)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]
mod tests {
    use super::*;
    use crate::Span;

    #[test]
    fn a_diagnostic_is_a_result_at_its_place_under_its_rule() {
        let text = "scp s {\n  only regions us-est-1\n}\n";
        let d = Diagnostic::new(Code::E0200, Span::new(23, 31), "unknown region `us-est-1`")
            .in_file("dir/a b.gov")
            .with_label("not a region code")
            .with_help("did you mean `us-east-1`?");
        let out = render_sarif(&[d], &|_| Some(text), "0.1.0");
        let v: Value = serde_json::from_str(&out).unwrap();
        let run = &v["runs"][0];
        assert_eq!(run["tool"]["driver"]["rules"][0]["id"], "E0200");
        let r = &run["results"][0];
        assert_eq!(r["ruleId"], "E0200");
        assert_eq!(r["ruleIndex"], 0);
        assert_eq!(r["level"], "error");
        assert_eq!(
            r["message"]["text"],
            "unknown region `us-est-1`\nhelp: did you mean `us-east-1`?"
        );
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "dir/a%20b.gov");
        assert_eq!(loc["region"]["startLine"], 2);
        assert_eq!(loc["region"]["startColumn"], 16);
        assert_eq!(loc["region"]["endColumn"], 24);
    }

    #[test]
    fn uris_keep_paths_and_encode_the_rest() {
        assert_eq!(artifact_uri("examples/org.gov"), "examples/org.gov");
        assert_eq!(artifact_uri("/abs/x#1.gov"), "/abs/x%231.gov");
        assert_eq!(artifact_uri("é.gov"), "%C3%A9.gov");
    }
}
