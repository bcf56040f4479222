//! Policy variables (aws.md §3.5): `${key}` in a pattern stands for the request's value of `key`.
//!
//! Rules, as the evaluator applies them:
//! - `${key}` is replaced by the value of the context key `key` (names case-insensitive, like
//!   every context key); `${key, 'text'}` falls back to `text` when the key has no value.
//! - `${*}`, `${?}` and `${$}` are a literal `*`, `?` and `$`.
//! - Substituted text — a request value, a default, an escape — is matched literally: a `*` in a
//!   tag value is not a wildcard, so a caller cannot widen a pattern through its own values.
//! - A key that is missing, or multivalued (aws.md §3.5: a multivalued key cannot be a
//!   variable), without a default leaves the variable unresolved, and the pattern then matches
//!   nothing (aws.md §3.5: an unresolvable variable can make the whole statement invalid; we
//!   invalidate the one pattern, so its other values still count).
//! - A `${` that does not start a well-formed variable is plain text.

use crate::request::{ContextValue, Request};

/// One character of an expanded pattern; `literal` when it came from a substitution or an
/// escape, so that `*` and `?` in it are not wildcards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PChar {
    /// The character.
    pub c: char,
    /// Whether it stands for itself even if it is `*` or `?`.
    pub literal: bool,
}

/// Whether `s` may contain a policy variable (the evaluator's fast paths skip those).
pub fn has_variables(s: &str) -> bool {
    s.contains("${")
}

enum Var<'a> {
    Escape(char),
    Key {
        key: &'a str,
        default: Option<&'a str>,
    },
}

/// The variable whose text follows a `${`, and how many bytes it spans up to and including its
/// `}`; `None` if it is not well formed.
fn parse_var(rest: &str) -> Option<(Var<'_>, usize)> {
    for (escape, c) in [("*}", '*'), ("?}", '?'), ("$}", '$')] {
        if rest.starts_with(escape) {
            return Some((Var::Escape(c), 2));
        }
    }
    let end_key = rest.find([',', '}'])?;
    let key = rest.get(..end_key)?.trim();
    if key.is_empty() || key.contains(['$', '{']) {
        return None;
    }
    if rest.get(end_key..)?.starts_with('}') {
        return Some((Var::Key { key, default: None }, end_key + 1));
    }
    // `, 'default'}`
    let after_comma = rest.get(end_key + 1..)?;
    let quoted = after_comma.trim_start();
    let skipped = after_comma.len() - quoted.len();
    let body = quoted.strip_prefix('\'')?;
    let close = body.find('\'')?;
    let default = body.get(..close)?;
    let tail = body.get(close + 1..)?;
    let trimmed = tail.trim_start();
    if !trimmed.starts_with('}') {
        return None;
    }
    let used = end_key + 1 + skipped + 1 + close + 1 + (tail.len() - trimmed.len()) + 1;
    Some((
        Var::Key {
            key,
            default: Some(default),
        },
        used,
    ))
}

/// The single value of `key` in the request; `None` when missing or multivalued.
fn resolve<'r>(r: &'r Request, key: &str) -> Option<&'r str> {
    match r.lookup(key)? {
        ContextValue::One(v) => Some(v.as_str()),
        ContextValue::Many(_) => None,
    }
}

/// `pattern` with its variables replaced from `r`; `None` when one cannot be resolved.
/// Variables are recognised only once `from_colon` colons have been seen (5 for a `Resource`
/// ARN, whose variables belong in the resource-specific part; 0 for condition values).
pub fn expand(pattern: &str, r: &Request, from_colon: usize) -> Option<Vec<PChar>> {
    let mut out = Vec::with_capacity(pattern.len());
    let mut colons = 0;
    let push = |out: &mut Vec<PChar>, colons: &mut usize, c: char, literal: bool| {
        if c == ':' {
            *colons += 1;
        }
        out.push(PChar { c, literal });
    };
    let mut rest = pattern;
    while let Some(c) = rest.chars().next() {
        if colons >= from_colon {
            if let Some((var, used)) = rest.strip_prefix("${").and_then(parse_var) {
                match var {
                    Var::Escape(e) => push(&mut out, &mut colons, e, true),
                    Var::Key { key, default } => {
                        let text = resolve(r, key).or(default)?;
                        for ch in text.chars() {
                            push(&mut out, &mut colons, ch, true);
                        }
                    }
                }
                rest = rest.get(2 + used..).unwrap_or("");
                continue;
            }
        }
        push(&mut out, &mut colons, c, false);
        rest = rest.get(c.len_utf8()..).unwrap_or("");
    }
    Some(out)
}

/// The expanded pattern as plain text (for the operators that compare whole strings).
pub fn expand_text(pattern: &str, r: &Request) -> Option<String> {
    Some(expand(pattern, r, 0)?.into_iter().map(|p| p.c).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(p: &str, r: &Request) -> Option<String> {
        expand_text(p, r)
    }

    fn req() -> Request {
        Request::new("s3:GetObject", "arn:aws:s3:::b/k")
            .with("aws:username", "alice")
            .with_many("aws:TagKeys", ["a", "b"])
    }

    #[test]
    fn substitutes_keys_case_insensitively() {
        assert_eq!(
            text("home/${aws:username}/*", &req()).as_deref(),
            Some("home/alice/*")
        );
        assert_eq!(text("${AWS:UserName}", &req()).as_deref(), Some("alice"));
        assert_eq!(text("${ aws:username }", &req()).as_deref(), Some("alice"));
    }

    #[test]
    fn defaults_apply_to_missing_and_multivalued_keys() {
        assert_eq!(text("${aws:x, 'dflt'}", &req()).as_deref(), Some("dflt"));
        assert_eq!(text("${aws:x,'a b'}!", &req()).as_deref(), Some("a b!"));
        assert_eq!(
            text("${aws:TagKeys, 'none'}", &req()).as_deref(),
            Some("none")
        );
        assert_eq!(
            text("${aws:username, 'dflt'}", &req()).as_deref(),
            Some("alice")
        );
        assert_eq!(text("${aws:x, ''}", &req()).as_deref(), Some(""));
    }

    #[test]
    fn unresolvable_variables() {
        assert_eq!(text("${aws:x}", &req()), None);
        assert_eq!(text("a${aws:TagKeys}", &req()), None);
    }

    #[test]
    fn escapes_are_literal() {
        let e = expand("${*}${?}${$}*", &req(), 0).unwrap_or_default();
        let got: Vec<(char, bool)> = e.iter().map(|p| (p.c, p.literal)).collect();
        assert_eq!(got, [('*', true), ('?', true), ('$', true), ('*', false)]);
        // Substituted values are literal too.
        let r = req().with("k", "x*");
        let e = expand("${k}", &r, 0).unwrap_or_default();
        assert!(e.iter().all(|p| p.literal));
    }

    #[test]
    fn malformed_variables_are_text() {
        assert_eq!(text("${", &req()).as_deref(), Some("${"));
        assert_eq!(text("${}", &req()).as_deref(), Some("${}"));
        assert_eq!(
            text("${aws:x, dflt}", &req()).as_deref(),
            Some("${aws:x, dflt}")
        );
        assert_eq!(text("$x{y}", &req()).as_deref(), Some("$x{y}"));
    }

    #[test]
    fn resource_variables_only_after_the_fifth_colon() {
        let r = req();
        let e = expand("arn:aws:s3:::${aws:username}", &r, 5).unwrap_or_default();
        assert_eq!(
            e.iter().map(|p| p.c).collect::<String>(),
            "arn:aws:s3:::alice"
        );
        let e = expand("arn:aws:${aws:username}:::x", &r, 5).unwrap_or_default();
        assert_eq!(
            e.iter().map(|p| p.c).collect::<String>(),
            "arn:aws:${aws:username}:::x"
        );
    }
}
