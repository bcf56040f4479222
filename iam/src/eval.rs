//! Evaluates IR statements against one request (IAM semantics, aws.md §3).
//!
//! This is the reference: it follows the facts literally and stays small — one flat list of
//! statements decides one request, every pattern re-read per call. The optimiser and the
//! equivalence check use it directly; `govc verify` and `govc simulate` use the precompiled
//! form in [`super::compiled`], which a property test holds to deciding exactly as this does.
//! Policy variables (aws.md §3.5) are substituted as [`super::vars`] describes.
//!
//! Choices where the facts leave room, stated once here:
//! - An empty multi-valued context value counts as a missing key (aws.md §3.3: the set
//!   qualifiers treat an empty value as a missing one).
//! - An unqualified operator on a multi-valued key: a positive operator matches when some
//!   element matches, a negated one when no element matches the positive form.
//! - A value that does not parse (a number, a date, an IP address) never matches the positive
//!   form of its operator, so the negated form is true for it.
//! - ARN patterns (resources and `Arn*` operators) follow aws.md §3.4 segment by segment; see
//!   [`arn_match`].

use crate::{FlatMap, FlatSet};
use std::net::IpAddr;

use super::vars::{expand, expand_text, has_variables, PChar};
use super::{Effect, Op, Operator, Qualifier, Scope, Statement};
use crate::glob::{glob_match, is_glob};

pub use crate::request::{same_key, ContextValue, Request};

/// The outcome of one flat list of statements for one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decision {
    /// A matching Deny.
    ExplicitDeny,
    /// No matching Deny, a matching Allow.
    Allow,
    /// Nothing matches.
    ImplicitDeny,
}

/// Any matching Deny denies; otherwise any matching Allow allows; otherwise nothing does.
pub fn decide(statements: &[Statement], r: &Request) -> Decision {
    decide_from(
        statements
            .iter()
            .filter(|s| statement_matches(s, r))
            .map(|s| s.effect),
    )
}

/// The decision given the effects of the statements that match, in order.
pub fn decide_from(matching: impl Iterator<Item = Effect>) -> Decision {
    let mut allowed = false;
    for effect in matching {
        match effect {
            Effect::Deny => return Decision::ExplicitDeny,
            Effect::Allow => allowed = true,
        }
    }
    if allowed {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    }
}

/// Whether the statement applies to the request: action, resource and condition all match.
pub fn statement_matches(s: &Statement, r: &Request) -> bool {
    action_matches(&s.action, &r.action)
        && resource_matches_request(&s.resource, r)
        && condition_matches(&s.condition, r)
}

/// `Action` / `NotAction`: case-insensitive wildcards over `service:Name` (aws.md §3.4).
pub fn action_matches(scope: &Scope, action: &str) -> bool {
    let hit = scope.values.iter().any(|p| glob_match(p, action, true));
    hit != scope.negated
}

/// `Resource` / `NotResource`: case-sensitive ARN patterns (aws.md §3.4), taken literally (no
/// policy variables: the lints compare patterns, not requests).
pub fn resource_matches(scope: &Scope, resource: &str) -> bool {
    let hit = scope.values.iter().any(|p| arn_match(p, resource));
    hit != scope.negated
}

/// `Resource` / `NotResource` against a request: as [`resource_matches`], with the policy
/// variables of each pattern's resource-specific part substituted from the request (aws.md §3.5,
/// [`super::vars`]). A pattern with an unresolvable variable matches no resource, so under
/// `NotResource` it excludes nothing.
pub fn resource_matches_request(scope: &Scope, r: &Request) -> bool {
    let hit = scope.values.iter().any(|p| arn_match_request(p, r));
    hit != scope.negated
}

/// One `Resource` pattern against the request's resource, policy variables substituted.
pub fn arn_match_request(pattern: &str, r: &Request) -> bool {
    if !has_variables(pattern) {
        return arn_match(pattern, &r.resource);
    }
    match expand(pattern, r, 5) {
        Some(p) => arn_match_expanded(&p, &r.resource, ArnRule::Resource),
        None => false,
    }
}

/// Where an ARN pattern is matched. The two differ in one point: in a `Resource` element a `*`
/// that ends one of the first five segments "can expand to match beyond the colon boundaries"
/// (aws.md §3.4, AWS "IAM JSON policy elements: Resource"), while the `Arn*` condition operators
/// match each of the six colon-delimited components separately (AWS "IAM JSON policy elements:
/// Condition operators": `arn:aws:someservice:*:111122223333:finance/*` does not match
/// `arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArnRule {
    /// The `Resource` element's rule: a segment-final `*` may cross `:`.
    Resource,
    /// The `Arn*` condition operators' rule: each component is matched on its own.
    Condition,
}

/// One token of an ARN pattern (aws.md §3.4): whether a wildcard may match a `:`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArnTok {
    /// A character that must be there.
    Lit(char),
    /// `?`: one character.
    Any {
        /// Whether that character may be a `:`.
        crosses_colon: bool,
    },
    /// `*`: any run of characters.
    Star {
        /// Whether the run may contain a `:`.
        crosses_colon: bool,
    },
}

impl ArnTok {
    /// Whether this is a `*`.
    pub fn is_star(&self) -> bool {
        matches!(self, ArnTok::Star { .. })
    }

    /// Whether the token may stand for `c`.
    pub fn accepts(&self, c: char) -> bool {
        match *self {
            ArnTok::Lit(p) => p == c,
            ArnTok::Any { crosses_colon } | ArnTok::Star { crosses_colon } => {
                crosses_colon || c != ':'
            }
        }
    }
}

/// The tokens of an ARN pattern: in the first five colon-separated segments a wildcard stays
/// inside its segment, except (under [`ArnRule::Resource`]) a `*` that ends one; after the
/// fifth colon wildcards cross colons (the sixth component is the rest of the ARN). Literal
/// characters (from policy variables) are never wildcards.
pub fn arn_tokens(pattern: &[PChar], rule: ArnRule) -> Vec<ArnTok> {
    let mut toks = Vec::with_capacity(pattern.len());
    let mut colons = 0;
    let mut chars = pattern.iter().peekable();
    while let Some(&PChar { c, literal }) = chars.next() {
        let in_head = colons < 5;
        toks.push(match c {
            '*' if !literal => ArnTok::Star {
                crosses_colon: !in_head
                    || (rule == ArnRule::Resource
                        && matches!(chars.peek(), None | Some(PChar { c: ':', .. }))),
            },
            '?' if !literal => ArnTok::Any {
                crosses_colon: !in_head,
            },
            c => {
                if c == ':' {
                    colons += 1;
                }
                ArnTok::Lit(c)
            }
        });
    }
    toks
}

/// An expanded ARN pattern (policy variables substituted) against an ARN.
fn arn_match_expanded(pattern: &[PChar], arn: &str, rule: ArnRule) -> bool {
    let toks = arn_tokens(pattern, rule);
    let text: Vec<char> = arn.chars().collect();
    nfa_match(&toks, &text, ArnTok::is_star, |t, &c| t.accepts(c))
}

/// A `StringLike` pattern with policy variables substituted, against a value.
fn glob_match_expanded(pattern: &[PChar], text: &str) -> bool {
    let text: Vec<char> = text.chars().collect();
    let star = |p: &PChar| p.c == '*' && !p.literal;
    nfa_match(pattern, &text, star, |p, &c| {
        (p.c == '?' && !p.literal) || star(p) || p.c == c
    })
}

/// An ARN pattern against an ARN, case-sensitively (aws.md §3.4). `*` alone matches
/// everything. In the first five colon-separated segments (`arn:partition:service:region:
/// account:`) `*` and `?` do not match `:`, except that a `*` that ends its segment may expand
/// beyond the colon (as the AWS text says; so `arn:aws:iam::*` covers every IAM resource). After
/// the fifth colon the pattern is a plain wildcard pattern.
pub fn arn_match(pattern: &str, arn: &str) -> bool {
    arn_match_by(pattern, arn, ArnRule::Resource)
}

/// An `ArnLike`/`ArnEquals` (and negated) condition value against a request value: as
/// [`arn_match`], but a `*` ending one of the first five segments stays inside it too.
pub fn arn_condition_match(pattern: &str, arn: &str) -> bool {
    arn_match_by(pattern, arn, ArnRule::Condition)
}

/// Whether the ARN pattern matches `arn` under `rule`.
pub fn arn_match_by(pattern: &str, arn: &str, rule: ArnRule) -> bool {
    if pattern == "*" {
        return true;
    }
    if !is_glob(pattern) {
        return pattern == arn;
    }
    // Necessary conditions first, without allocating: the text before the first wildcard is a
    // prefix of the ARN and the text after the last one a suffix. Most patterns in a policy fail
    // here for most requests (another service, another resource type).
    let wild = |c: char| c == '*' || c == '?';
    let head = pattern.split(wild).next().unwrap_or("");
    let tail = pattern.rsplit(wild).next().unwrap_or("");
    if !arn.starts_with(head) || !arn.ends_with(tail) || arn.len() < head.len() + tail.len() {
        return false;
    }
    let plain: Vec<PChar> = pattern
        .chars()
        .map(|c| PChar { c, literal: false })
        .collect();
    arn_match_expanded(&plain, arn, rule)
}

/// Wildcard matching as a set of live pattern positions (a Thompson NFA): at most
/// O(pattern × text), no backtracking, and only the live positions are visited. A star token
/// loops on every text token it `accepts`; any other token consumes one text token it
/// `accepts`.
pub fn nfa_match<P, T>(
    pattern: &[P],
    text: &[T],
    is_star: impl Fn(&P) -> bool,
    accepts: impl Fn(&P, &T) -> bool,
) -> bool {
    // `stamp[i] == step` when position i is already in the set built at `step`.
    let mut stamp = vec![usize::MAX; pattern.len() + 1];
    // Adds position i and, since a star may match nothing, the positions after its stars.
    let add = |set: &mut Vec<usize>, stamp: &mut [usize], step: usize, mut i: usize| loop {
        match stamp.get_mut(i) {
            Some(s) if *s != step => {
                *s = step;
                set.push(i);
            }
            _ => return,
        }
        if !pattern.get(i).is_some_and(&is_star) {
            return;
        }
        i += 1;
    };
    let mut live = Vec::new();
    let mut next = Vec::new();
    add(&mut live, &mut stamp, 0, 0);
    for (step, t) in (1..).zip(text) {
        next.clear();
        for &i in &live {
            if let Some(p) = pattern.get(i).filter(|p| accepts(p, t)) {
                let to = if is_star(p) { i } else { i + 1 };
                add(&mut next, &mut stamp, step, to);
            }
        }
        if next.is_empty() {
            return false;
        }
        std::mem::swap(&mut live, &mut next);
    }
    live.contains(&pattern.len())
}

/// A `Condition` block: every key under every operator must hold (aws.md §3.2).
pub fn condition_matches(
    condition: &FlatMap<Operator, FlatMap<crate::Name, FlatSet<crate::Name>>>,
    r: &Request,
) -> bool {
    condition.iter().all(|(&operator, keys)| {
        keys.iter()
            .all(|(key, values)| entry_matches(operator, key, values, r))
    })
}

/// One `operator: {key: values}` entry (aws.md §3.2, §3.3).
pub fn entry_matches(
    operator: Operator,
    key: &str,
    values: &FlatSet<crate::Name>,
    r: &Request,
) -> bool {
    let present = r.values(key);
    if operator.op == Op::Null {
        // "true" means the key is absent, "false" that it is present; values are ORed.
        let absent = present.is_none();
        return values.iter().any(|v| {
            if v.eq_ignore_ascii_case("true") {
                absent
            } else if v.eq_ignore_ascii_case("false") {
                !absent
            } else {
                false
            }
        });
    }
    let Some(elements) = present else {
        return operator.on_missing_key();
    };
    let negated = operator.op.is_negated();
    // One request value against the policy values: ORed, NORed for a negated operator.
    let one = |e: &String| values.iter().any(|v| value_match(operator.op, v, e, r)) != negated;
    match operator.qualifier {
        Some(Qualifier::ForAnyValue) => elements.iter().any(one),
        Some(Qualifier::ForAllValues) => elements.iter().all(one),
        None if negated => elements.iter().all(one),
        None => elements.iter().any(one),
    }
}

/// Whether `op` substitutes policy variables in its values (aws.md §3.5: String, Bool and ARN
/// operators; not Numeric, Date, IP, Binary or Null).
pub fn substitutes_variables(op: Op) -> bool {
    matches!(
        op,
        Op::StringEquals
            | Op::StringNotEquals
            | Op::StringEqualsIgnoreCase
            | Op::StringNotEqualsIgnoreCase
            | Op::StringLike
            | Op::StringNotLike
            | Op::Bool
            | Op::ArnEquals
            | Op::ArnLike
            | Op::ArnNotEquals
            | Op::ArnNotLike
    )
}

/// [`base_match`] with the policy variables of `expected` substituted from the request first;
/// a value with an unresolvable variable matches nothing.
pub fn value_match(op: Op, expected: &str, actual: &str, r: &Request) -> bool {
    if !substitutes_variables(op) || !has_variables(expected) {
        return base_match(op, expected, actual);
    }
    match op {
        Op::StringLike | Op::StringNotLike => {
            expand(expected, r, 0).is_some_and(|p| glob_match_expanded(&p, actual))
        }
        Op::ArnEquals | Op::ArnLike | Op::ArnNotEquals | Op::ArnNotLike => expand(expected, r, 0)
            .is_some_and(|p| arn_match_expanded(&p, actual, ArnRule::Condition)),
        _ => expand_text(expected, r).is_some_and(|e| base_match(op, &e, actual)),
    }
}

/// The positive form of `op` (a negated operator is judged by its positive form, then
/// negated): does the request value `actual` match the policy value `expected`?
pub fn base_match(op: Op, expected: &str, actual: &str) -> bool {
    match op {
        Op::StringEquals | Op::StringNotEquals | Op::BinaryEquals => expected == actual,
        Op::StringEqualsIgnoreCase | Op::StringNotEqualsIgnoreCase => {
            expected.to_lowercase() == actual.to_lowercase()
        }
        Op::StringLike | Op::StringNotLike => glob_match(expected, actual, false),
        Op::NumericEquals | Op::NumericNotEquals => {
            compare(parse_number, expected, actual, |a, e| a == e)
        }
        Op::NumericLessThan => compare(parse_number, expected, actual, |a, e| a < e),
        Op::NumericLessThanEquals => compare(parse_number, expected, actual, |a, e| a <= e),
        Op::NumericGreaterThan => compare(parse_number, expected, actual, |a, e| a > e),
        Op::NumericGreaterThanEquals => compare(parse_number, expected, actual, |a, e| a >= e),
        Op::DateEquals | Op::DateNotEquals => compare(parse_date, expected, actual, |a, e| a == e),
        Op::DateLessThan => compare(parse_date, expected, actual, |a, e| a < e),
        Op::DateLessThanEquals => compare(parse_date, expected, actual, |a, e| a <= e),
        Op::DateGreaterThan => compare(parse_date, expected, actual, |a, e| a > e),
        Op::DateGreaterThanEquals => compare(parse_date, expected, actual, |a, e| a >= e),
        Op::Bool => expected.eq_ignore_ascii_case(actual),
        Op::IpAddress | Op::NotIpAddress => ip_in_cidr(expected, actual),
        Op::ArnEquals | Op::ArnLike | Op::ArnNotEquals | Op::ArnNotLike => {
            arn_condition_match(expected, actual)
        }
        // Decided from key presence in `entry_matches`.
        Op::Null => false,
    }
}

fn compare(
    parse: fn(&str) -> Option<f64>,
    expected: &str,
    actual: &str,
    holds: fn(f64, f64) -> bool,
) -> bool {
    match (parse(actual), parse(expected)) {
        (Some(a), Some(e)) => holds(a, e),
        _ => false,
    }
}

/// A `Numeric*` operand: a finite number, surrounding white space allowed.
pub fn parse_number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// An instant in seconds since the Unix epoch: epoch seconds, `YYYY-MM-DD`, or
/// `YYYY-MM-DDThh:mm[:ss[.fff]]` with `Z`, `±hh:mm` or no offset (taken as UTC).
pub fn parse_date(s: &str) -> Option<f64> {
    let s = s.trim();
    // Epoch seconds; a `YYYY-MM-DD` date does not parse as a number and falls through.
    if s.chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+'))
    {
        if let Some(n) = parse_number(s) {
            return Some(n);
        }
    }
    let (date, time) = match s.split_once(['T', 't', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut parts = date.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut seconds = days_from_civil(year, month, day) as f64 * 86_400.0;
    if let Some(time) = time {
        let (clock, offset) = split_offset(time)?;
        let mut fields = clock.split(':');
        let hours: f64 = fields.next()?.parse().ok()?;
        let minutes: f64 = fields.next()?.parse().ok()?;
        let secs: f64 = match fields.next() {
            Some(f) => f.parse().ok()?,
            None => 0.0,
        };
        if fields.next().is_some()
            || hours >= 24.0
            || minutes >= 60.0
            || !(0.0..61.0).contains(&secs)
        {
            return None;
        }
        seconds += hours * 3600.0 + minutes * 60.0 + secs - offset;
    }
    Some(seconds)
}

/// `clock` and the offset from UTC in seconds.
fn split_offset(time: &str) -> Option<(&str, f64)> {
    if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        return Some((clock, 0.0));
    }
    let Some(at) = time.rfind(['+', '-']) else {
        return Some((time, 0.0));
    };
    let clock = time.get(..at)?;
    let sign = if time.get(at..at + 1)? == "-" {
        -1.0
    } else {
        1.0
    };
    let (h, m) = time.get(at + 1..)?.split_once(':')?;
    let h: f64 = h.parse().ok()?;
    let m: f64 = m.parse().ok()?;
    Some((clock, sign * (h * 3600.0 + m * 60.0)))
}

/// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Whether the address `ip` lies in `cidr` (a bare address is `/32` or `/128`).
fn ip_in_cidr(cidr: &str, ip: &str) -> bool {
    let (Some((net, bits)), Ok(ip)) = (parse_cidr(cidr), ip.trim().parse::<IpAddr>()) else {
        return false;
    };
    match (net, ip) {
        (IpAddr::V4(net), IpAddr::V4(ip)) => prefix_eq(
            u128::from(u32::from(net)),
            u128::from(u32::from(ip)),
            32,
            bits,
        ),
        (IpAddr::V6(net), IpAddr::V6(ip)) => prefix_eq(u128::from(net), u128::from(ip), 128, bits),
        _ => false,
    }
}

/// An `IpAddress` value as a block: its address and prefix length. No prefix, or one that is
/// not a number (white space included), is a single address (`/32` or `/128`); `None` when the
/// address does not parse or the prefix is past the family's width (such a value matches
/// nothing). The one reading of a block: the evaluators and the proof's candidate addresses
/// all take it from here, so the candidates are the ends of the block that is matched.
pub fn parse_cidr(cidr: &str) -> Option<(IpAddr, u32)> {
    let (net, bits) = match cidr.split_once('/') {
        Some((net, bits)) => (net, bits.parse::<u32>().ok()),
        None => (cidr, None),
    };
    let net = net.trim().parse::<IpAddr>().ok()?;
    let width = if net.is_ipv4() { 32 } else { 128 };
    let bits = bits.unwrap_or(width);
    (bits <= width).then_some((net, bits))
}

/// Whether the top `bits` of two `width`-bit numbers agree.
pub fn prefix_eq(a: u128, b: u128, width: u32, bits: u32) -> bool {
    let shift = width - bits;
    a.checked_shr(shift).unwrap_or(0) == b.checked_shr(shift).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Condition, Origin};
    use govc_span::Span;

    fn op(op: Op) -> Operator {
        Operator::plain(op)
    }

    fn cond(entries: &[(Operator, &str, &[&str])]) -> Condition {
        crate::condition_of(entries)
    }

    fn holds(entries: &[(Operator, &str, &[&str])], r: &Request) -> bool {
        condition_matches(&cond(entries), r)
    }

    fn req() -> Request {
        Request::new(
            "bedrock:InvokeModel",
            "arn:aws:bedrock:us-east-1::foundation-model/m",
        )
    }

    fn stmt(effect: Effect, action: Scope, resource: Scope, condition: Condition) -> Statement {
        Statement {
            effect,
            action,
            resource,
            condition,
            origins: [Origin {
                file: "t.gov".into(),
                span: Span::default(),
                policy: "p".into(),
                label: "s".into(),
            }]
            .into(),
            sid: None,
        }
    }

    #[test]
    fn string_not_equals_is_nor() {
        let e = [(op(Op::StringNotEquals), "k", &["a", "b"][..])];
        assert!(!holds(&e, &req().with("k", "a")));
        assert!(!holds(&e, &req().with("k", "b")));
        assert!(holds(&e, &req().with("k", "c")));
        // Missing key: a negated operator is true.
        assert!(holds(&e, &req()));
    }

    #[test]
    fn string_family() {
        let eq = [(op(Op::StringEquals), "k", &["a", "b"][..])];
        assert!(holds(&eq, &req().with("k", "b")));
        assert!(!holds(&eq, &req().with("k", "B")));
        assert!(!holds(&eq, &req()));
        let ic = [(op(Op::StringEqualsIgnoreCase), "k", &["Ab"][..])];
        assert!(holds(&ic, &req().with("k", "aB")));
        let nic = [(op(Op::StringNotEqualsIgnoreCase), "k", &["Ab"][..])];
        assert!(!holds(&nic, &req().with("k", "aB")));
        let like = [(op(Op::StringLike), "k", &["arn:*:x/?"][..])];
        assert!(holds(&like, &req().with("k", "arn:a:b:x/1")));
        assert!(!holds(&like, &req().with("k", "arn:a:b:x/12")));
        let not_like = [(op(Op::StringNotLike), "k", &["a*"][..])];
        assert!(holds(&not_like, &req().with("k", "ba")));
        assert!(!holds(&not_like, &req().with("k", "ab")));
        // StringEquals takes `*` literally.
        let lit = [(op(Op::StringEquals), "k", &["a*"][..])];
        assert!(!holds(&lit, &req().with("k", "ab")));
        assert!(holds(&lit, &req().with("k", "a*")));
    }

    #[test]
    fn key_names_are_case_insensitive() {
        let e = [(
            op(Op::StringEquals),
            "aws:RequestedRegion",
            &["us-east-1"][..],
        )];
        assert!(holds(&e, &req().with("AWS:requestedregion", "us-east-1")));
    }

    #[test]
    fn numeric_family() {
        let lt = [(op(Op::NumericLessThan), "n", &["10"][..])];
        assert!(holds(&lt, &req().with("n", "9.5")));
        assert!(!holds(&lt, &req().with("n", "10")));
        assert!(!holds(&lt, &req().with("n", "ten")));
        let le = [(op(Op::NumericLessThanEquals), "n", &["10"][..])];
        assert!(holds(&le, &req().with("n", "10")));
        let gt = [(op(Op::NumericGreaterThan), "n", &["10"][..])];
        assert!(holds(&gt, &req().with("n", "11")));
        let ge = [(op(Op::NumericGreaterThanEquals), "n", &["10"][..])];
        assert!(!holds(&ge, &req().with("n", "9")));
        let eq = [(op(Op::NumericEquals), "n", &["10"][..])];
        assert!(holds(&eq, &req().with("n", "10.0")));
        let ne = [(op(Op::NumericNotEquals), "n", &["10", "11"][..])];
        assert!(!holds(&ne, &req().with("n", "11")));
        assert!(holds(&ne, &req().with("n", "12")));
    }

    #[test]
    fn date_family() {
        assert_eq!(parse_date("1970-01-01"), Some(0.0));
        assert_eq!(parse_date("1970-01-02T00:00:00Z"), Some(86_400.0));
        assert_eq!(parse_date("1970-01-01T01:00:00+01:00"), Some(0.0));
        assert_eq!(parse_date("86400"), Some(86_400.0));
        assert_eq!(parse_date("2024-02-29"), parse_date("1709164800"));
        assert_eq!(parse_date("2024-13-01"), None);
        assert_eq!(parse_date("soon"), None);
        let lt = [(op(Op::DateLessThan), "t", &["2024-06-01T00:00:00Z"][..])];
        assert!(holds(&lt, &req().with("t", "2024-05-31T23:59:59Z")));
        assert!(!holds(&lt, &req().with("t", "2024-06-01")));
        let gt = [(op(Op::DateGreaterThan), "t", &["2024-06-01"][..])];
        assert!(holds(&gt, &req().with("t", "1717200001")));
        let eq = [(op(Op::DateEquals), "t", &["2024-06-01T02:00:00+02:00"][..])];
        assert!(holds(&eq, &req().with("t", "2024-06-01T00:00:00Z")));
        let ne = [(op(Op::DateNotEquals), "t", &["2024-06-01"][..])];
        assert!(!holds(&ne, &req().with("t", "2024-06-01T00:00:00Z")));
        let le = [(op(Op::DateLessThanEquals), "t", &["2024-06-01"][..])];
        assert!(holds(&le, &req().with("t", "2024-06-01")));
        let ge = [(op(Op::DateGreaterThanEquals), "t", &["2024-06-01"][..])];
        assert!(!holds(&ge, &req().with("t", "2024-05-01")));
    }

    #[test]
    fn bool_and_binary() {
        let b = [(op(Op::Bool), "aws:SecureTransport", &["true"][..])];
        assert!(holds(&b, &req().with("aws:SecureTransport", "true")));
        assert!(!holds(&b, &req().with("aws:SecureTransport", "false")));
        assert!(!holds(&b, &req()));
        let bin = [(op(Op::BinaryEquals), "k", &["QmluYXJ5"][..])];
        assert!(holds(&bin, &req().with("k", "QmluYXJ5")));
        assert!(!holds(&bin, &req().with("k", "qmluyxj5")));
    }

    #[test]
    fn ip_family() {
        let ip = [(
            op(Op::IpAddress),
            "aws:SourceIp",
            &["203.0.113.0/24", "2001:db8::/32"][..],
        )];
        assert!(holds(&ip, &req().with("aws:SourceIp", "203.0.113.7")));
        assert!(!holds(&ip, &req().with("aws:SourceIp", "203.0.114.7")));
        assert!(holds(&ip, &req().with("aws:SourceIp", "2001:db8::1")));
        assert!(!holds(&ip, &req().with("aws:SourceIp", "2001:db9::1")));
        let bare = [(op(Op::IpAddress), "aws:SourceIp", &["10.0.0.1"][..])];
        assert!(holds(&bare, &req().with("aws:SourceIp", "10.0.0.1")));
        assert!(!holds(&bare, &req().with("aws:SourceIp", "10.0.0.2")));
        let all = [(op(Op::IpAddress), "aws:SourceIp", &["0.0.0.0/0"][..])];
        assert!(holds(&all, &req().with("aws:SourceIp", "192.168.1.1")));
        let not = [(op(Op::NotIpAddress), "aws:SourceIp", &["10.0.0.0/8"][..])];
        assert!(!holds(&not, &req().with("aws:SourceIp", "10.1.2.3")));
        assert!(holds(&not, &req().with("aws:SourceIp", "11.1.2.3")));
        assert!(holds(&not, &req()));
    }

    #[test]
    fn arn_family() {
        let like = [(
            op(Op::ArnLike),
            "k",
            &["arn:aws:bedrock:*:*:application-inference-profile/*"][..],
        )];
        assert!(holds(
            &like,
            &req().with(
                "k",
                "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/p"
            )
        ));
        assert!(!holds(
            &like,
            &req().with(
                "k",
                "arn:aws:bedrock:us-east-1:123456789012:inference-profile/p"
            )
        ));
        let eq = [(op(Op::ArnEquals), "k", &["arn:aws:s3:::b/*"][..])];
        assert!(holds(&eq, &req().with("k", "arn:aws:s3:::b/x")));
        let not = [(op(Op::ArnNotLike), "k", &["arn:aws:s3:::b/*"][..])];
        assert!(!holds(&not, &req().with("k", "arn:aws:s3:::b/x")));
        assert!(holds(&not, &req()));
        let not_eq = [(op(Op::ArnNotEquals), "k", &["arn:aws:s3:::b/*"][..])];
        assert!(holds(&not_eq, &req().with("k", "arn:aws:s3:::c/x")));
    }

    #[test]
    fn arn_segments() {
        assert!(arn_match("*", "anything:at:all"));
        assert!(arn_match(
            "arn:aws:bedrock:*::foundation-model/*",
            "arn:aws:bedrock:us-east-1::foundation-model/a.b:0"
        ));
        // `?` and a mid-segment `*` stay inside their segment.
        assert!(!arn_match("arn:aws:s3:?::b", "arn:aws:s3:::::b"));
        assert!(!arn_match(
            "arn:aws:bedrock:us-*1:1:x",
            "arn:aws:bedrock:us-east:1:1:x"
        ));
        assert!(arn_match(
            "arn:aws:bedrock:us-*1:1:x",
            "arn:aws:bedrock:us-east-1:1:x"
        ));
        // A segment-final `*` may expand beyond the colon.
        assert!(arn_match(
            "arn:aws:iam::*",
            "arn:aws:iam::123456789012:role/r"
        ));
        // After the fifth colon, `*` and `?` cross colons.
        assert!(arn_match("arn:aws:s3:::b/*x", "arn:aws:s3:::b/a:b:x"));
        assert!(arn_match("arn:aws:s3:::b/?", "arn:aws:s3:::b/:"));
        // Case-sensitive.
        assert!(!arn_match("arn:aws:s3:::B", "arn:aws:s3:::b"));
        assert!(!arn_match("arn:aws:s3:::b", "arn:aws:s3:::b/x"));
        // Condition operators match the six components separately: a segment-final `*` stays
        // in its segment (the AWS Condition operators page's example).
        let (p, v) = (
            "arn:aws:someservice:*:111122223333:finance/*",
            "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/d.txt",
        );
        assert!(arn_match(p, v));
        assert!(!arn_condition_match(p, v));
        assert!(arn_condition_match(
            p,
            "arn:aws:someservice:us-east-2:111122223333:finance/a:b"
        ));
        assert!(arn_condition_match("*", "arn:aws:s3:::b"));
    }

    #[test]
    fn null_operator() {
        let absent = [(op(Op::Null), "k", &["true"][..])];
        assert!(holds(&absent, &req()));
        assert!(!holds(&absent, &req().with("k", "v")));
        assert!(holds(&absent, &req().with_many("k", Vec::<String>::new())));
        let present = [(op(Op::Null), "k", &["false"][..])];
        assert!(holds(&present, &req().with("k", "v")));
        assert!(!holds(&present, &req()));
    }

    #[test]
    fn missing_key_rules() {
        let r = req();
        let e = |o: Operator| holds(&[(o, "k", &["a"][..])], &r);
        assert!(!e(op(Op::StringEquals)));
        assert!(e(op(Op::StringNotLike)));
        let if_exists = Operator {
            if_exists: true,
            ..op(Op::StringEquals)
        };
        assert!(e(if_exists));
        let all = Operator {
            qualifier: Some(Qualifier::ForAllValues),
            ..op(Op::StringEquals)
        };
        assert!(e(all));
        let any = Operator {
            qualifier: Some(Qualifier::ForAnyValue),
            ..op(Op::StringEquals)
        };
        assert!(!e(any));
        let any_not = Operator {
            qualifier: Some(Qualifier::ForAnyValue),
            ..op(Op::StringNotEquals)
        };
        assert!(!e(any_not));
        // An empty list is a missing key.
        let empty = req().with_many("k", Vec::<String>::new());
        assert!(holds(&[(all, "k", &["a"][..])], &empty));
        assert!(!holds(&[(any, "k", &["a"][..])], &empty));
        // Each entry agrees with `Operator::on_missing_key`.
        for o in Op::ALL.iter().filter(|&&o| o != Op::Null) {
            for qualifier in [
                None,
                Some(Qualifier::ForAnyValue),
                Some(Qualifier::ForAllValues),
            ] {
                for if_exists in [false, true] {
                    let operator = Operator {
                        qualifier,
                        op: *o,
                        if_exists,
                    };
                    assert_eq!(e(operator), operator.on_missing_key(), "{operator}");
                }
            }
        }
    }

    #[test]
    fn set_qualifiers() {
        let any = Operator {
            qualifier: Some(Qualifier::ForAnyValue),
            ..op(Op::StringEquals)
        };
        let all = Operator {
            qualifier: Some(Qualifier::ForAllValues),
            ..op(Op::StringEquals)
        };
        let vals = &["a", "b"][..];
        let ab_c = req().with_many("k", ["a", "c"]);
        let ab = req().with_many("k", ["b", "a"]);
        assert!(holds(&[(any, "k", vals)], &ab_c));
        assert!(!holds(&[(all, "k", vals)], &ab_c));
        assert!(holds(&[(all, "k", vals)], &ab));
        let any_not = Operator {
            qualifier: Some(Qualifier::ForAnyValue),
            ..op(Op::StringNotEquals)
        };
        // Some request value is neither a nor b.
        assert!(holds(&[(any_not, "k", vals)], &ab_c));
        assert!(!holds(&[(any_not, "k", vals)], &ab));
        let all_not = Operator {
            qualifier: Some(Qualifier::ForAllValues),
            ..op(Op::StringNotEquals)
        };
        assert!(!holds(&[(all_not, "k", vals)], &ab_c));
        assert!(holds(
            &[(all_not, "k", vals)],
            &req().with_many("k", ["c", "d"])
        ));
    }

    #[test]
    fn unqualified_operator_on_a_list() {
        let r = req().with_many("k", ["a", "c"]);
        assert!(holds(&[(op(Op::StringEquals), "k", &["a"][..])], &r));
        assert!(!holds(&[(op(Op::StringNotEquals), "k", &["a"][..])], &r));
        assert!(holds(&[(op(Op::StringNotEquals), "k", &["b"][..])], &r));
    }

    #[test]
    fn operators_and_keys_are_anded() {
        let e = [
            (op(Op::StringEquals), "a", &["1"][..]),
            (op(Op::StringEquals), "b", &["2"][..]),
            (op(Op::Bool), "c", &["true"][..]),
        ];
        let r = req().with("a", "1").with("b", "2");
        assert!(!holds(&e, &r));
        assert!(holds(&e, &r.with("c", "true")));
    }

    #[test]
    fn policy_variables_in_resources() {
        let r = |res: &str| Request::new("s3:GetObject", res).with("aws:username", "alice");
        let home = Scope::of(["arn:aws:s3:::b/home/${aws:username}/*"]);
        assert!(resource_matches_request(
            &home,
            &r("arn:aws:s3:::b/home/alice/x")
        ));
        assert!(!resource_matches_request(
            &home,
            &r("arn:aws:s3:::b/home/bob/x")
        ));
        // The lints' matcher takes the pattern literally.
        assert!(!resource_matches(&home, "arn:aws:s3:::b/home/alice/x"));
        // Missing key: the pattern matches nothing, so `NotResource` excludes nothing.
        let missing = Request::new("s3:GetObject", "arn:aws:s3:::b/home/alice/x");
        assert!(!resource_matches_request(&home, &missing));
        let not_home = Scope::not_of(["arn:aws:s3:::b/home/${aws:username}/*"]);
        assert!(resource_matches_request(&not_home, &missing));
        // A default stands in for a missing key.
        let dflt = Scope::of(["arn:aws:s3:::b/${aws:username, 'anon'}"]);
        assert!(resource_matches_request(
            &dflt,
            &Request::new("s", "arn:aws:s3:::b/anon")
        ));
        // Escapes are literal: `${*}` matches only a `*`.
        let star = Scope::of(["arn:aws:s3:::b/${*}"]);
        assert!(resource_matches_request(&star, &r("arn:aws:s3:::b/*")));
        assert!(!resource_matches_request(&star, &r("arn:aws:s3:::b/x")));
        // Not substituted in the first five segments.
        let head = Scope::of(["arn:aws:s3:${aws:username}::b"]);
        assert!(!resource_matches_request(&head, &r("arn:aws:s3:alice::b")));
        assert!(resource_matches_request(
            &head,
            &r("arn:aws:s3:${aws:username}::b")
        ));
    }

    #[test]
    fn policy_variables_in_conditions() {
        let r = req()
            .with("aws:username", "alice")
            .with("aws:PrincipalTag/team", "red")
            .with("k", "alice");
        let eq = |o: Op, v: &str| holds(&[(op(o), "k", &[v][..])], &r);
        assert!(eq(Op::StringEquals, "${aws:username}"));
        assert!(!eq(Op::StringNotEquals, "${aws:username}"));
        assert!(eq(Op::StringEqualsIgnoreCase, "${AWS:USERNAME}"));
        let team = [(op(Op::StringLike), "k", &["${aws:PrincipalTag/team}-*"][..])];
        assert!(!holds(&team, &r));
        assert!(holds(&team, &r.clone().with("k", "red-1")));
        // `${?}` is a literal `?`, not a wildcard.
        assert!(!eq(Op::StringLike, "a${?}*"));
        assert!(holds(
            &[(op(Op::StringLike), "k", &["a${?}*"][..])],
            &r.clone().with("k", "a?ce")
        ));
        assert!(eq(Op::StringLike, "${aws:username}"));
        // Substituted text is literal in `StringLike`.
        let lit = req().with("v", "a*").with("k", "abc");
        assert!(!holds(&[(op(Op::StringLike), "k", &["${v}"][..])], &lit));
        assert!(holds(
            &[(op(Op::StringLike), "k", &["${v}"][..])],
            &lit.clone().with("k", "a*")
        ));
        // Unresolvable: a positive operator is false, a negated one true.
        assert!(!eq(Op::StringEquals, "${aws:nothing}"));
        assert!(eq(Op::StringNotEquals, "${aws:nothing}"));
        // Bool and ARN values are substituted.
        let b = req()
            .with("flag", "true")
            .with("aws:SecureTransport", "true");
        assert!(holds(
            &[(op(Op::Bool), "aws:SecureTransport", &["${flag}"][..])],
            &b
        ));
        let arn = req()
            .with("aws:PrincipalAccount", "123456789012")
            .with("aws:PrincipalArn", "arn:aws:iam::123456789012:role/admin");
        let like = [(
            op(Op::ArnLike),
            "aws:PrincipalArn",
            &["arn:aws:iam::${aws:PrincipalAccount}:role/*"][..],
        )];
        assert!(holds(&like, &arn));
        assert!(!holds(
            &like,
            &arn.clone().with("aws:PrincipalAccount", "1")
        ));
        // Numeric, Date, IP and Binary values are taken as written.
        let n = req().with("n", "5").with("lim", "10");
        assert!(!holds(
            &[(op(Op::NumericLessThan), "n", &["${lim}"][..])],
            &n
        ));
        let bin = req().with("k", "${x}").with("x", "y");
        assert!(holds(&[(op(Op::BinaryEquals), "k", &["${x}"][..])], &bin));
    }

    #[test]
    fn statements_and_decisions() {
        let deny = stmt(
            Effect::Deny,
            Scope::of(["bedrock:Invoke*"]),
            Scope::of(["arn:aws:bedrock:*::foundation-model/*"]),
            cond(&[(op(Op::Null), "bedrock:InferenceProfileArn", &["true"][..])]),
        );
        let allow = stmt(Effect::Allow, Scope::any(), Scope::any(), Condition::new());
        let r = req();
        assert!(statement_matches(&deny, &r));
        assert_eq!(
            decide(&[allow.clone(), deny.clone()], &r),
            Decision::ExplicitDeny
        );
        let via_profile = req().with(
            "bedrock:InferenceProfileArn",
            "arn:aws:bedrock:us-east-1:1:application-inference-profile/x",
        );
        assert_eq!(
            decide(&[allow.clone(), deny.clone()], &via_profile),
            Decision::Allow
        );
        assert_eq!(
            decide(std::slice::from_ref(&deny), &via_profile),
            Decision::ImplicitDeny
        );
        assert_eq!(decide(&[], &r), Decision::ImplicitDeny);
        // Actions are case-insensitive, resources are not.
        assert!(statement_matches(
            &deny,
            &Request::new("BEDROCK:invokemodel", &r.resource)
        ));
        assert!(!statement_matches(
            &deny,
            &Request::new(&r.action, "arn:aws:Bedrock:us-east-1::foundation-model/m")
        ));
        let not_action = stmt(
            Effect::Deny,
            Scope::not_of(["iam:*", "sts:*"]),
            Scope::not_of(["arn:aws:s3:::b"]),
            Condition::new(),
        );
        assert!(statement_matches(&not_action, &r));
        assert!(!statement_matches(
            &not_action,
            &Request::new("IAM:CreateRole", "x")
        ));
        assert!(!statement_matches(
            &not_action,
            &Request::new("s3:GetObject", "arn:aws:s3:::b")
        ));
    }
}
