//! Minified, ASCII-only JSON for statements and policy documents (aws.md §1.2: every character
//! sent counts, and how non-ASCII is counted is unconfirmed, so nothing non-ASCII is sent).

use std::fmt::Write;

use super::{Condition, Scope, Statement};

/// The policy language version every document declares.
pub const VERSION: &str = "2012-10-17";

/// A JSON string literal with every non-ASCII character escaped as `\uXXXX`.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || !c.is_ascii() => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One value as a string, several as an array (IAM accepts both; the string is shorter).
fn values<'a>(vs: impl IntoIterator<Item = &'a crate::Name>, out: &mut String) {
    let vs: Vec<&crate::Name> = vs.into_iter().collect();
    if let [one] = vs.as_slice() {
        out.push_str(&string(one));
        return;
    }
    out.push('[');
    for (i, v) in vs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&string(v));
    }
    out.push(']');
}

fn scope(name: &str, not_name: &str, s: &Scope, out: &mut String) {
    out.push('"');
    out.push_str(if s.negated { not_name } else { name });
    out.push_str("\":");
    values(&s.values, out);
}

/// `{"Op":{"key":"v"|[..]},…}`.
pub fn condition(c: &Condition, out: &mut String) {
    out.push('{');
    for (i, (op, keys)) in c.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&string(&op.to_string()));
        out.push_str(":{");
        for (j, (k, vs)) in keys.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push_str(&string(k));
            out.push(':');
            values(vs, out);
        }
        out.push('}');
    }
    out.push('}');
}

/// One statement, minified.
pub fn statement(s: &Statement) -> String {
    render(s, false)
}

/// One statement of a resource control policy, minified: as [`statement`], with
/// `"Principal":"*"` after `Effect`. An RCP statement must name its principal, and `*` is the
/// only one an RCP may name (aws.md §1.5).
pub fn rcp_statement(s: &Statement) -> String {
    render(s, true)
}

fn render(s: &Statement, principal: bool) -> String {
    let mut out = String::with_capacity(128);
    out.push('{');
    if let Some(sid) = &s.sid {
        out.push_str("\"Sid\":");
        out.push_str(&string(sid));
        out.push(',');
    }
    out.push_str("\"Effect\":\"");
    out.push_str(s.effect.name());
    out.push_str("\",");
    if principal {
        out.push_str("\"Principal\":\"*\",");
    }
    scope("Action", "NotAction", &s.action, &mut out);
    out.push(',');
    scope("Resource", "NotResource", &s.resource, &mut out);
    if !s.condition.is_empty() {
        out.push_str(",\"Condition\":");
        condition(&s.condition, &mut out);
    }
    out.push('}');
    out
}

/// A policy document from already-rendered statements: a single statement is written as an
/// object, which `Statement` accepts (aws.md §1.3) and which is two characters shorter.
pub fn document(statements: &[String]) -> String {
    // Sized exactly: the document is kept (and written), and growing by doubling left up to
    // half of it unused, with a copy of the joined statements besides.
    let lens: Vec<usize> = statements.iter().map(String::len).collect();
    let mut out = String::with_capacity(document_len(&lens));
    out.push_str("{\"Version\":\"");
    out.push_str(VERSION);
    out.push_str("\",\"Statement\":");
    if let [one] = statements {
        out.push_str(one);
    } else {
        out.push('[');
        for (i, s) in statements.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(s);
        }
        out.push(']');
    }
    out.push('}');
    debug_assert_eq!(out.len(), document_len(&lens));
    out
}

/// The size of a document holding statements of these rendered lengths.
pub fn document_len(statement_lens: &[usize]) -> usize {
    // {"Version":"2012-10-17","Statement":…}
    let frame = "{\"Version\":\"\",\"Statement\":}".len() + VERSION.len();
    match statement_lens {
        [one] => frame + one,
        lens => frame + 2 + lens.iter().sum::<usize>() + lens.len().saturating_sub(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_non_ascii() {
        assert_eq!(
            string("a\u{e9}\u{1F600}\"\\"),
            "\"a\\u00e9\\ud83d\\ude00\\\"\\\\\""
        );
    }

    #[test]
    fn document_len_matches_rendering() {
        for n in 0..4 {
            let sts: Vec<String> = (0..n).map(|i| "x".repeat(i + 3)).collect();
            let lens: Vec<usize> = sts.iter().map(String::len).collect();
            assert_eq!(document(&sts).len(), document_len(&lens));
        }
    }
}
