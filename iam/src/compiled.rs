//! Statements compiled once into matchers, for evaluating many requests (`govc verify`,
//! `govc simulate`, the verify benchmark). Decides exactly as the reference in [`super::eval`]
//! — `compiler/tests/compiled_props.rs` checks that on random statements and requests — but
//! reads every pattern once instead of per request:
//!
//! - actions are indexed by their lower-cased service prefix (binary search, ASCII case folding
//!   on bytes, no allocation), and the name part is classified as any / exact / prefix / glob;
//! - ARN patterns keep their literal head and tail for a byte comparison, and match the part
//!   between them either as a plain glob (when every wildcard there may cross a colon) or with a
//!   bit-parallel NFA over the pattern's tokens (no allocation up to 127 tokens);
//! - condition values are parsed once (numbers, dates, CIDR blocks, lower-cased
//!   `…IgnoreCase` values) and request values are read in place;
//! - anything holding a policy variable, and any non-ASCII action, takes the reference path.
//!
//! [`StatementList`] (a level's Denies or Allows in `govc verify`) indexes the action patterns of
//! up to 64 statements together and shares their distinct resources and condition entries.

use std::net::IpAddr;
use std::ops::ControlFlow;

use super::eval::{
    arn_match_by, arn_match_request, arn_tokens, decide_from, parse_cidr, parse_date, parse_number,
    prefix_eq, value_match, ArnRule, ArnTok, ContextValue, Decision, Request,
};
use super::vars::{has_variables, PChar};
use super::{Effect, Op, Operator, Qualifier, Scope, Statement};
use crate::glob::{glob_match, is_glob, wildcard};

/// One statement, compiled.
#[derive(Clone, Debug)]
pub struct CompiledStatement {
    /// The statement's effect.
    pub effect: Effect,
    action: Actions,
    resource: Resources,
    condition: Box<[Entry]>,
}

impl CompiledStatement {
    /// Compiles a statement: patterns parsed, values sorted, once.
    pub fn new(s: &Statement) -> CompiledStatement {
        CompiledStatement {
            effect: s.effect,
            action: Actions::new(&s.action),
            resource: Resources::new(&s.resource),
            condition: s
                .condition
                .iter()
                .flat_map(|(&operator, keys)| {
                    keys.iter()
                        .map(move |(key, values)| Entry::new(operator, key, values))
                })
                .collect(),
        }
    }

    /// [`super::eval::statement_matches`].
    pub fn matches(&self, r: &Request) -> bool {
        self.matches_prepared(&Prepared::new(r))
    }

    /// [`Self::matches`] for a request read once for many statements.
    pub fn matches_prepared(&self, p: &Prepared<'_>) -> bool {
        self.action.matches(p)
            && self.resource.matches(p)
            && self.condition.iter().all(|e| e.matches(p))
    }
}

/// A request read once for many statements: what every statement would otherwise recompute.
#[derive(Clone, Copy, Debug)]
pub struct Prepared<'r> {
    /// The request.
    pub request: &'r Request,
    action_ascii: bool,
    /// The service and name of an action with a colon.
    action_parts: Option<(&'r str, &'r str)>,
    service_hash: u64,
    resource_ascii: bool,
    /// The context as (fingerprint, key, values) in the map's order when every key is ASCII and
    /// there are at most [`SLOTS`] (`keys_ascii`; otherwise looked up as the reference does): a
    /// key lookup is then an integer compare before a name compare.
    keys: [Slot<'r>; SLOTS],
    key_count: usize,
    keys_ascii: bool,
}

const SLOTS: usize = 8;
type Slot<'r> = (u32, &'r str, &'r [String]);

/// [`str::is_ascii`] eight bytes at a time: ARNs run to 100 bytes, and this is on every request.
fn is_ascii(bytes: &[u8]) -> bool {
    let chunks = bytes.chunks_exact(8);
    let tail = chunks.remainder().iter().fold(0u8, |acc, &b| acc | b);
    let high = chunks.fold(0u64, |acc, c| {
        acc | c.try_into().map_or(u64::MAX, u64::from_ne_bytes)
    });
    (high & 0x8080_8080_8080_8080) == 0 && tail & 0x80 == 0
}

/// Length and two lower-cased bytes of an ASCII key: keys that differ in it differ ignoring case.
fn key_fingerprint(key: &[u8]) -> u32 {
    let at = |i: usize| u32::from(key.get(i).map_or(0, u8::to_ascii_lowercase));
    let len = key.len();
    ((len as u32) << 16) | (at(len.wrapping_sub(1)) << 8) | at(len / 2)
}

impl<'r> Prepared<'r> {
    /// Reads the request once.
    pub fn new(request: &'r Request) -> Prepared<'r> {
        let action = request.action.as_str();
        let colon = action.as_bytes().iter().position(|&b| b == b':');
        let action_parts = colon.and_then(|at| Some((action.get(..at)?, action.get(at + 1..)?)));
        let mut p = Prepared {
            request,
            action_ascii: is_ascii(action.as_bytes()),
            action_parts,
            service_hash: action_parts.map_or(0, |(s, _)| service_hash(s.as_bytes())),
            resource_ascii: is_ascii(request.resource.as_bytes()),
            keys: [(0, "", &[]); SLOTS],
            key_count: 0,
            keys_ascii: request.context.len() <= SLOTS,
        };
        if p.keys_ascii {
            for ((k, v), slot) in request.context.iter().zip(p.keys.iter_mut()) {
                if !k.is_ascii() {
                    p.keys_ascii = false;
                    break;
                }
                let values = match v {
                    ContextValue::One(v) => std::slice::from_ref(v),
                    ContextValue::Many(vs) => vs.as_slice(),
                };
                *slot = (key_fingerprint(k.as_bytes()), k.as_str(), values);
                p.key_count += 1;
            }
        }
        p
    }

    /// [`Request::values`]; `fingerprint` is [`key_fingerprint`] of `key`. With ASCII request
    /// keys the reference's `same_key` is ASCII case folding, which the fingerprint respects.
    fn values(&self, key: &str, fingerprint: u32) -> Option<&'r [String]> {
        if !self.keys_ascii {
            return self.request.values(key);
        }
        let (_, _, values) = self
            .keys
            .get(..self.key_count)
            .unwrap_or_default()
            .iter()
            .find(|(f, k, _)| *f == fingerprint && k.eq_ignore_ascii_case(key))?;
        (!values.is_empty()).then_some(*values)
    }
}

/// A case-sensitive wildcard pattern with at least one `*` and no `?`, split at its stars:
/// matched by substring search (leftmost-first is exact when only `*` is wild).
#[derive(Clone, Debug)]
struct Stars {
    first: Box<str>,
    inner: Box<[Box<str>]>,
    last: Box<str>,
}

impl Stars {
    fn new(pattern: &str) -> Option<Stars> {
        if pattern.contains('?') {
            return None;
        }
        let mut parts = pattern.split('*');
        let first = parts.next()?.into();
        let mut inner: Vec<Box<str>> = parts.map(Into::into).collect();
        let last = inner.pop()?;
        inner.retain(|p| !p.is_empty());
        Some(Stars {
            first,
            inner: inner.into(),
            last,
        })
    }

    fn matches(&self, text: &str) -> bool {
        if text.len() < self.first.len() + self.last.len()
            || !text.starts_with(&*self.first)
            || !text.ends_with(&*self.last)
        {
            return false;
        }
        let Some(mut rest) = text.get(self.first.len()..text.len() - self.last.len()) else {
            return false;
        };
        for part in &self.inner {
            match find(rest.as_bytes(), part.as_bytes()) {
                Some(at) => rest = rest.get(at + part.len()..).unwrap_or_default(),
                None => return false,
            }
        }
        true
    }
}

/// The first occurrence of a non-empty `needle`: a scan for its first byte, then a comparison.
/// The parts of a policy pattern are short, so this beats a two-way searcher, whose set-up
/// costs more than the search. On UTF-8 a match starts and ends on character boundaries.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let mut from = 0;
    loop {
        let at = from + hay.get(from..)?.iter().position(|&b| b == first)?;
        if hay.get(at + 1..at + needle.len()) == Some(rest) {
            return Some(at);
        }
        from = at + 1;
    }
}

/// A case-sensitive wildcard pattern.
#[derive(Clone, Debug)]
enum Glob {
    Stars(Stars),
    /// With `?`, or no `*`; whether it is ASCII.
    General(Box<str>, bool),
}

impl Glob {
    fn new(pattern: &str) -> Glob {
        match Stars::new(pattern) {
            Some(s) => Glob::Stars(s),
            None => Glob::General(pattern.into(), pattern.is_ascii()),
        }
    }

    /// [`glob_match`], case-sensitively; `ascii` says whether `text` is.
    fn matches(&self, text: &str, ascii: bool) -> bool {
        match self {
            Glob::Stars(s) => s.matches(text),
            Glob::General(p, true) => glob_ascii(p, text, ascii, false),
            Glob::General(p, false) => glob_match(p, text, false),
        }
    }
}

/// [`glob_match`] for a pattern known to be ASCII.
fn glob_ascii(pattern: &str, text: &str, text_ascii: bool, case_insensitive: bool) -> bool {
    if !text_ascii {
        return glob_match(pattern, text, case_insensitive);
    }
    let eq = |a: u8, b: u8| a == b || (case_insensitive && a.eq_ignore_ascii_case(&b));
    wildcard(pattern.as_bytes(), text.as_bytes(), b'*', b'?', eq)
}

/// [`super::eval::decide`] over compiled statements.
pub fn decide(statements: &[CompiledStatement], r: &Request) -> Decision {
    decide_from(statements.iter().filter(|s| s.matches(r)).map(|s| s.effect))
}

/// The name part of an action pattern whose service is literal, lower-cased.
#[derive(Clone, Debug, PartialEq)]
enum Name {
    Any,
    Exact(Box<[u8]>),
    Prefix(Box<[u8]>),
    Glob(Box<str>),
}

impl Name {
    fn new(name: &str) -> Name {
        let lower = name.to_ascii_lowercase().into_bytes().into_boxed_slice();
        match name.find(['*', '?']) {
            None => Name::Exact(lower),
            Some(0) if name.bytes().all(|b| b == b'*') => Name::Any,
            Some(at) if name.bytes().skip(at).all(|b| b == b'*') => {
                Name::Prefix(lower.get(..at).unwrap_or_default().into())
            }
            Some(_) => Name::Glob(name.into()),
        }
    }

    /// `name` is ASCII.
    fn matches(&self, name: &str) -> bool {
        match self {
            Name::Any => true,
            // The length first: the comparison is a call, and most names differ in length.
            Name::Exact(p) => name.len() == p.len() && name.as_bytes().eq_ignore_ascii_case(p),
            Name::Prefix(p) => name
                .as_bytes()
                .get(..p.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(p)),
            Name::Glob(p) => glob_ascii(p, name, true, true),
        }
    }
}

/// A key for an ASCII service, ignoring case: a request's service is hashed once, and each
/// statement compares integers before it compares names. A service of at most eight bytes
/// (`bedrock`, `s3`, `iam`…) is packed whole — its length and lower-cased 7-bit bytes under
/// the top bit — so that equal keys are equal services ([`exact_key`]) and the name compare is
/// skipped; a longer one is FNV-1a with the top bit clear. Only read for ASCII actions.
fn service_hash(service: &[u8]) -> u64 {
    if service.len() <= 8 {
        let chars = service.iter().fold(0u64, |h, &b| {
            (h << 7) | u64::from(b.to_ascii_lowercase() & 0x7f)
        });
        EXACT | (service.len() as u64) << 56 | chars
    } else {
        service.iter().fold(FNV_OFFSET, |h, &b| fnv_step(h, b)) & !EXACT
    }
}

const EXACT: u64 = 1 << 63;

/// Whether a [`service_hash`] is the service itself.
fn exact_key(hash: u64) -> bool {
    hash & EXACT != 0
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv_step(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0100_0000_01b3)
}

/// A lower-cased service and the name patterns that go with it.
type ServiceNames = (Box<[u8]>, Box<[Name]>);

/// `Action` / `NotAction`.
#[derive(Clone, Debug)]
struct Actions {
    negated: bool,
    /// Some pattern is all stars.
    any: bool,
    /// The hashes of the literal ASCII services of `service:name` patterns, sorted, and in the
    /// same order the lower-cased service and its name patterns.
    hashes: Box<[u64]>,
    services: Box<[ServiceNames]>,
    /// The rest (a wildcard in the service, no colon, non-ASCII), matched as the reference does.
    other: Box<[Box<str>]>,
    /// Every pattern, for non-ASCII actions.
    all: Box<[Box<str>]>,
}

impl Actions {
    fn new(scope: &Scope) -> Actions {
        let mut by_service: Vec<(u64, Box<[u8]>, Vec<Name>)> = Vec::new();
        let mut other = Vec::new();
        let mut any = false;
        for p in &scope.values {
            if !p.is_empty() && p.bytes().all(|b| b == b'*') {
                any = true;
                continue;
            }
            let split = p
                .split_once(':')
                .filter(|(service, _)| p.is_ascii() && !is_glob(service));
            let Some((service, name)) = split else {
                other.push((&**p).into());
                continue;
            };
            let service: Box<[u8]> = service.to_ascii_lowercase().into_bytes().into();
            let key = (service_hash(&service), service);
            match by_service.binary_search_by(|(h, s, _)| (h, s).cmp(&(&key.0, &key.1))) {
                Ok(at) => {
                    if let Some((_, _, names)) = by_service.get_mut(at) {
                        names.push(Name::new(name));
                    }
                }
                Err(at) => by_service.insert(at, (key.0, key.1, vec![Name::new(name)])),
            }
        }
        Actions {
            negated: scope.negated,
            any,
            hashes: by_service.iter().map(|(h, _, _)| *h).collect(),
            services: by_service
                .into_iter()
                .map(|(_, s, names)| (s, names.into_boxed_slice()))
                .collect(),
            other: other.into_boxed_slice(),
            all: scope.values.iter().map(|p| (&**p).into()).collect(),
        }
    }

    fn matches(&self, p: &Prepared<'_>) -> bool {
        self.hit(p) != self.negated
    }

    fn hit(&self, p: &Prepared<'_>) -> bool {
        if self.any {
            return true;
        }
        let action = p.request.action.as_str();
        if !p.action_ascii {
            return self.all.iter().any(|p| glob_match(p, action, true));
        }
        if let Some((service, name)) = p.action_parts {
            let from = self.hashes.partition_point(|&h| h < p.service_hash);
            let same_hash = self
                .hashes
                .get(from..)
                .unwrap_or_default()
                .iter()
                .take_while(|&&h| h == p.service_hash)
                .count();
            let candidates = self
                .services
                .get(from..from + same_hash)
                .unwrap_or_default();
            for (s, names) in candidates {
                if (exact_key(p.service_hash) || s.eq_ignore_ascii_case(service.as_bytes()))
                    && names.iter().any(|n| n.matches(name))
                {
                    return true;
                }
            }
        }
        self.other.iter().any(|p| glob_match(p, action, true))
    }
}

/// An ARN pattern without policy variables.
#[derive(Clone, Debug)]
enum ArnPattern {
    Any,
    Exact(Box<str>),
    Glob {
        head: Box<str>,
        tail: Box<str>,
        middle: Middle,
    },
}

/// The part of an ARN pattern from its first wildcard to its last.
#[derive(Clone, Debug)]
enum Middle {
    /// Every wildcard may cross a colon: a plain glob, and whether it is ASCII.
    Plain(Glob),
    /// Tokens (at most 127) and the bit mask of the star tokens.
    Nfa { toks: Box<[ArnTok]>, stars: u128 },
    /// Too long for the bit-parallel NFA: the whole pattern, for the reference matcher.
    Long(Box<str>, ArnRule),
}

impl ArnPattern {
    fn new(pattern: &str, rule: ArnRule) -> ArnPattern {
        if pattern == "*" {
            return ArnPattern::Any;
        }
        let wild = |c: char| c == '*' || c == '?';
        let (Some(first), Some(last)) = (pattern.find(wild), pattern.rfind(wild)) else {
            return ArnPattern::Exact(pattern.into());
        };
        let head = pattern.get(..first).unwrap_or_default();
        let tail = pattern.get(last + 1..).unwrap_or_default();
        let plain: Vec<PChar> = pattern
            .chars()
            .map(|c| PChar { c, literal: false })
            .collect();
        let toks = arn_tokens(&plain, rule);
        let middle_toks = toks
            .get(head.chars().count()..toks.len().saturating_sub(tail.chars().count()))
            .unwrap_or_default();
        let crossing = middle_toks.iter().all(|t| match t {
            ArnTok::Lit(_) => true,
            ArnTok::Any { crosses_colon } | ArnTok::Star { crosses_colon } => *crosses_colon,
        });
        let middle = if crossing {
            let glob = pattern.get(first..=last).unwrap_or_default();
            Middle::Plain(Glob::new(glob))
        } else if middle_toks.len() < 128 {
            let stars = (0..)
                .zip(middle_toks)
                .filter(|(_, t)| t.is_star())
                .fold(0u128, |m, (i, _)| m | 1u128 << i);
            Middle::Nfa {
                toks: middle_toks.into(),
                stars,
            }
        } else {
            Middle::Long(pattern.into(), rule)
        };
        ArnPattern::Glob {
            head: head.into(),
            tail: tail.into(),
            middle,
        }
    }

    /// [`arn_match_by`] under the pattern's rule; `ascii` says whether `arn` is.
    fn matches(&self, arn: &str, ascii: bool) -> bool {
        match self {
            ArnPattern::Any => true,
            ArnPattern::Exact(p) => **p == *arn,
            ArnPattern::Glob { head, tail, middle } => {
                if arn.len() < head.len() + tail.len()
                    || !arn.starts_with(&**head)
                    || !arn.ends_with(&**tail)
                {
                    return false;
                }
                let Some(text) = arn.get(head.len()..arn.len() - tail.len()) else {
                    return false;
                };
                match middle {
                    Middle::Plain(g) => g.matches(text, ascii),
                    Middle::Nfa { toks, stars } => nfa_bits(toks, *stars, text),
                    Middle::Long(p, rule) => arn_match_by(p, arn, *rule),
                }
            }
        }
    }
}

/// Thompson NFA with the live pattern positions as bits of a `u128` (`toks.len() < 128`).
fn nfa_bits(toks: &[ArnTok], stars: u128, text: &str) -> bool {
    // A star may match nothing: position i live and a star there makes i + 1 live.
    let closure = |mut d: u128| loop {
        let next = d | ((d & stars) << 1);
        if next == d {
            return d;
        }
        d = next;
    };
    let mut live = closure(1);
    for c in text.chars() {
        let mut accepted = 0u128;
        let mut rest = live;
        while rest != 0 {
            let i = rest.trailing_zeros();
            rest &= rest - 1;
            if toks.get(i as usize).is_some_and(|t| t.accepts(c)) {
                accepted |= 1u128 << i;
            }
        }
        live = closure(((accepted & !stars) << 1) | (accepted & stars));
        if live == 0 {
            return false;
        }
    }
    toks.len() < 128 && live & (1u128 << toks.len()) != 0
}

/// `Resource` / `NotResource`.
#[derive(Clone, Debug)]
struct Resources {
    negated: bool,
    any: bool,
    patterns: Box<[ResourcePattern]>,
}

#[derive(Clone, Debug)]
enum ResourcePattern {
    Static(ArnPattern),
    /// Holds a policy variable: substituted per request by the reference.
    Variable(Box<str>),
}

impl Resources {
    fn new(scope: &Scope) -> Resources {
        Resources {
            negated: scope.negated,
            any: scope.values.contains("*"),
            patterns: scope
                .values
                .iter()
                .map(|p| {
                    if has_variables(p) {
                        ResourcePattern::Variable((&**p).into())
                    } else {
                        ResourcePattern::Static(ArnPattern::new(p, ArnRule::Resource))
                    }
                })
                .collect(),
        }
    }

    fn matches(&self, p: &Prepared<'_>) -> bool {
        let r = p.request;
        let hit = self.any
            || self.patterns.iter().any(|pattern| match pattern {
                ResourcePattern::Static(a) => a.matches(&r.resource, p.resource_ascii),
                ResourcePattern::Variable(v) => arn_match_request(v, r),
            });
        hit != self.negated
    }
}

/// A CIDR block of an `IpAddress` value; `Invalid` never matches.
#[derive(Clone, Copy, Debug)]
enum Net {
    V4(u32, u32),
    V6(u128, u32),
    Invalid,
}

impl Net {
    fn new(cidr: &str) -> Net {
        match parse_cidr(cidr) {
            Some((IpAddr::V4(n), b)) => Net::V4(u32::from(n), b),
            Some((IpAddr::V6(n), b)) => Net::V6(u128::from(n), b),
            None => Net::Invalid,
        }
    }

    fn contains(self, ip: &str) -> bool {
        match (self, ip.trim().parse::<IpAddr>()) {
            (Net::V4(n, bits), Ok(IpAddr::V4(ip))) => {
                prefix_eq(u128::from(n), u128::from(u32::from(ip)), 32, bits)
            }
            (Net::V6(n, bits), Ok(IpAddr::V6(ip))) => prefix_eq(n, u128::from(ip), 128, bits),
            _ => false,
        }
    }
}

/// One policy value, prepared for its operator.
#[derive(Clone, Debug)]
enum Value {
    /// `StringEquals`, `BinaryEquals` (and their negations).
    Equals(Box<str>),
    /// `StringEqualsIgnoreCase`: the value lower-cased.
    IgnoreCase(Box<str>),
    Like(Glob),
    /// Numeric and date operators: the parsed value (`None` never matches).
    Number(Option<f64>),
    Bool(Box<str>),
    Ip(Net),
    Arn(ArnPattern),
    /// Holds a policy variable: substituted per request by the reference.
    Variable(Box<str>),
}

impl Value {
    fn new(op: Op, v: &str) -> Value {
        if has_variables(v) && super::eval::substitutes_variables(op) {
            return Value::Variable(v.into());
        }
        match op {
            Op::StringEquals | Op::StringNotEquals | Op::BinaryEquals => Value::Equals(v.into()),
            Op::StringEqualsIgnoreCase | Op::StringNotEqualsIgnoreCase => {
                Value::IgnoreCase(v.to_lowercase().into())
            }
            Op::StringLike | Op::StringNotLike => Value::Like(Glob::new(v)),
            Op::NumericEquals
            | Op::NumericNotEquals
            | Op::NumericLessThan
            | Op::NumericLessThanEquals
            | Op::NumericGreaterThan
            | Op::NumericGreaterThanEquals => Value::Number(parse_number(v)),
            Op::DateEquals
            | Op::DateNotEquals
            | Op::DateLessThan
            | Op::DateLessThanEquals
            | Op::DateGreaterThan
            | Op::DateGreaterThanEquals => Value::Number(parse_date(v)),
            Op::Bool => Value::Bool(v.into()),
            Op::IpAddress | Op::NotIpAddress => Value::Ip(Net::new(v)),
            Op::ArnEquals | Op::ArnLike | Op::ArnNotEquals | Op::ArnNotLike => {
                Value::Arn(ArnPattern::new(v, ArnRule::Condition))
            }
            // Decided by key presence; `Entry` never asks its values.
            Op::Null => Value::Equals(v.into()),
        }
    }

    /// The positive form of `op`: does the request value `actual` match this value?
    fn matches(&self, op: Op, actual: &str, r: &Request) -> bool {
        match self {
            Value::Equals(e) => **e == *actual,
            Value::IgnoreCase(lower) => {
                if actual.is_ascii() {
                    lower.len() == actual.len()
                        && lower
                            .bytes()
                            .zip(actual.bytes())
                            .all(|(l, a)| l == a.to_ascii_lowercase())
                } else {
                    **lower == actual.to_lowercase()
                }
            }
            Value::Like(g) => g.matches(actual, actual.is_ascii()),
            Value::Number(None) => false,
            Value::Number(Some(e)) => {
                let parsed = if matches!(
                    op,
                    Op::NumericEquals
                        | Op::NumericNotEquals
                        | Op::NumericLessThan
                        | Op::NumericLessThanEquals
                        | Op::NumericGreaterThan
                        | Op::NumericGreaterThanEquals
                ) {
                    parse_number(actual)
                } else {
                    parse_date(actual)
                };
                let Some(a) = parsed else {
                    return false;
                };
                match op {
                    Op::NumericEquals
                    | Op::NumericNotEquals
                    | Op::DateEquals
                    | Op::DateNotEquals => a == *e,
                    Op::NumericLessThan | Op::DateLessThan => a < *e,
                    Op::NumericLessThanEquals | Op::DateLessThanEquals => a <= *e,
                    Op::NumericGreaterThan | Op::DateGreaterThan => a > *e,
                    Op::NumericGreaterThanEquals | Op::DateGreaterThanEquals => a >= *e,
                    _ => false,
                }
            }
            Value::Bool(e) => e.eq_ignore_ascii_case(actual),
            Value::Ip(net) => net.contains(actual),
            Value::Arn(p) => p.matches(actual, actual.is_ascii()),
            Value::Variable(e) => value_match(op, e, actual, r),
        }
    }
}

/// One `operator: {key: values}` entry.
#[derive(Clone, Debug)]
struct Entry {
    operator: Operator,
    key: Box<str>,
    fingerprint: u32,
    test: Test,
}

#[derive(Clone, Debug)]
enum Test {
    /// `Null`: whether an absent key, and a present one, satisfy it.
    Null {
        absent: bool,
        present: bool,
    },
    Values(Box<[Value]>),
}

impl Entry {
    fn new<'a>(
        operator: Operator,
        key: &str,
        values: impl IntoIterator<Item = &'a crate::Name> + Clone,
    ) -> Entry {
        let test = if operator.op == Op::Null {
            Test::Null {
                absent: values
                    .clone()
                    .into_iter()
                    .any(|v| v.eq_ignore_ascii_case("true")),
                present: values.into_iter().any(|v| v.eq_ignore_ascii_case("false")),
            }
        } else {
            Test::Values(
                values
                    .into_iter()
                    .map(|v| Value::new(operator.op, v))
                    .collect(),
            )
        };
        Entry {
            operator,
            key: key.into(),
            fingerprint: key_fingerprint(key.as_bytes()),
            test,
        }
    }

    /// [`super::eval::entry_matches`].
    fn matches(&self, p: &Prepared<'_>) -> bool {
        let r = p.request;
        let present = p.values(&self.key, self.fingerprint);
        let values = match &self.test {
            Test::Null { absent, present: p } => {
                return if present.is_none() { *absent } else { *p };
            }
            Test::Values(values) => values,
        };
        let Some(elements) = present else {
            return self.operator.on_missing_key();
        };
        let op = self.operator.op;
        let negated = op.is_negated();
        let one = |e: &String| values.iter().any(|v| v.matches(op, e, r)) != negated;
        match self.operator.qualifier {
            Some(Qualifier::ForAnyValue) => elements.iter().any(one),
            Some(Qualifier::ForAllValues) => elements.iter().all(one),
            None if negated => elements.iter().all(one),
            None => elements.iter().any(one),
        }
    }
}

/// Statements compiled together (the Denies, or the Allows, of one SCP level), in groups of at
/// most 64 so that a set of statements is a bit mask. Per group, the action patterns of all its
/// statements are indexed together: a request's action is compared with each distinct
/// `service:name` pattern once, and the matching statements come out as a mask. Distinct
/// resources and condition entries are evaluated at most once per request and group.
#[derive(Clone, Debug)]
pub struct StatementList {
    groups: Box<[Group]>,
}

#[derive(Clone, Debug)]
struct Group {
    members: Box<[Member]>,
    index: ActionIndex,
    /// The distinct resources and condition entries of the members.
    resources: Box<[Resources]>,
    entries: Box<[Entry]>,
}

#[derive(Clone, Debug)]
struct Member {
    /// For non-ASCII actions, which the index leaves to the reference matcher.
    action: Actions,
    resource: usize,
    entries: Box<[usize]>,
}

/// A pattern and the mask of the members it belongs to.
type Masked<T> = (T, u64);
type NameMasks = Vec<Masked<Name>>;
/// A lower-cased service and its distinct name patterns.
type IndexedService = (Box<[u8]>, Box<[Masked<Name>]>);

/// The action patterns of a group's members, with the mask of the members each belongs to.
#[derive(Clone, Debug, Default)]
struct ActionIndex {
    /// Every member.
    all: u64,
    /// Members with an all-stars pattern.
    always: u64,
    /// Members with `NotAction`.
    negated: u64,
    /// Sorted by hash: a lower-cased service's hash, the service, its distinct name patterns.
    hashes: Box<[u64]>,
    services: Box<[IndexedService]>,
    other: Box<[(Box<str>, u64)]>,
}

impl ActionIndex {
    fn new(members: &[Member]) -> ActionIndex {
        let mut by_service: Vec<(u64, Box<[u8]>, NameMasks)> = Vec::new();
        let mut other: Vec<(Box<str>, u64)> = Vec::new();
        let (mut always, mut negated) = (0u64, 0u64);
        for (bit, m) in (0..64).map(|i| 1u64 << i).zip(members) {
            let a = &m.action;
            if a.any {
                always |= bit;
            }
            if a.negated {
                negated |= bit;
            }
            for (service, names) in &a.services {
                let hash = service_hash(service);
                let at = match by_service
                    .binary_search_by(|(h, s, _)| (h, &**s).cmp(&(&hash, &**service)))
                {
                    Ok(at) => at,
                    Err(at) => {
                        by_service.insert(at, (hash, service.clone(), Vec::new()));
                        at
                    }
                };
                if let Some((_, _, known)) = by_service.get_mut(at) {
                    for n in names.iter() {
                        match known.iter_mut().find(|(k, _)| k == n) {
                            Some((_, mask)) => *mask |= bit,
                            None => known.push((n.clone(), bit)),
                        }
                    }
                }
            }
            for o in a.other.iter() {
                match other.iter_mut().find(|(k, _)| k == o) {
                    Some((_, mask)) => *mask |= bit,
                    None => other.push((o.clone(), bit)),
                }
            }
        }
        ActionIndex {
            all: (0..64)
                .map(|i| 1u64 << i)
                .zip(members)
                .fold(0, |mask, (bit, _)| mask | bit),
            always,
            negated,
            hashes: by_service.iter().map(|(h, _, _)| *h).collect(),
            services: by_service
                .into_iter()
                .map(|(_, s, names)| (s, names.into_boxed_slice()))
                .collect(),
            other: other.into_boxed_slice(),
        }
    }

    /// The members whose `Action` / `NotAction` matches: [`Actions::matches`] for each.
    fn matching(&self, p: &Prepared<'_>, members: &[Member]) -> u64 {
        if !p.action_ascii {
            return (0..64)
                .map(|i| 1u64 << i)
                .zip(members)
                .filter(|(_, m)| m.action.matches(p))
                .fold(0, |mask, (bit, _)| mask | bit);
        }
        let mut hit = self.always;
        // Every member's pattern is all stars (FullAWSAccess alone): no search.
        if hit == self.all {
            return hit ^ self.negated;
        }
        if let Some((service, name)) = p.action_parts {
            let from = self.hashes.partition_point(|&h| h < p.service_hash);
            let hashes = self.hashes.get(from..).unwrap_or_default();
            let services = self.services.get(from..).unwrap_or_default();
            for (&h, (s, names)) in hashes.iter().zip(services) {
                if h != p.service_hash {
                    break;
                }
                if !exact_key(h)
                    && (s.len() != service.len() || !s.eq_ignore_ascii_case(service.as_bytes()))
                {
                    continue;
                }
                for (n, mask) in names.iter() {
                    // A pattern whose members all match already need not be compared.
                    if mask & !hit != 0 && n.matches(name) {
                        hit |= mask;
                    }
                }
            }
        }
        let action = p.request.action.as_str();
        for (pattern, mask) in self.other.iter() {
            if mask & !hit != 0 && glob_match(pattern, action, true) {
                hit |= mask;
            }
        }
        hit ^ self.negated
    }
}

/// Statements' resources and entries by their source text, for sharing.
type Sources<'s> = Vec<(bool, Vec<&'s str>)>;

impl StatementList {
    /// Compiles and indexes a list of statements.
    pub fn new<'s>(statements: impl IntoIterator<Item = &'s Statement>) -> StatementList {
        let statements: Vec<&Statement> = statements.into_iter().collect();
        let groups = statements
            .chunks(64)
            .map(|chunk| {
                let mut resource_keys: Sources<'_> = Vec::new();
                let mut resources = Vec::new();
                let mut entry_keys: Vec<(Operator, &str, Vec<&str>)> = Vec::new();
                let mut entries = Vec::new();
                let members: Vec<Member> = chunk
                    .iter()
                    .map(|s| {
                        let rkey = (
                            s.resource.negated,
                            s.resource.values.iter().map(|v| &**v).collect(),
                        );
                        let resource = match resource_keys.iter().position(|k| *k == rkey) {
                            Some(at) => at,
                            None => {
                                resource_keys.push(rkey);
                                resources.push(Resources::new(&s.resource));
                                resources.len() - 1
                            }
                        };
                        let mut own = Vec::new();
                        for (&operator, keys) in &s.condition {
                            for (key, values) in keys {
                                let ekey = (
                                    operator,
                                    &**key,
                                    values.iter().map(|v| &**v).collect::<Vec<_>>(),
                                );
                                let at = match entry_keys.iter().position(|k| *k == ekey) {
                                    Some(at) => at,
                                    None => {
                                        entry_keys.push(ekey);
                                        entries.push(Entry::new(operator, key, values));
                                        entries.len() - 1
                                    }
                                };
                                own.push(at);
                            }
                        }
                        Member {
                            action: Actions::new(&s.action),
                            resource,
                            entries: own.into(),
                        }
                    })
                    .collect();
                Group {
                    index: ActionIndex::new(&members),
                    members: members.into(),
                    resources: resources.into(),
                    entries: entries.into(),
                }
            })
            .collect();
        StatementList { groups }
    }

    /// Calls `f` with the index of each matching statement, in order, until it breaks.
    pub fn each_match<B>(
        &self,
        p: &Prepared<'_>,
        mut f: impl FnMut(usize) -> ControlFlow<B>,
    ) -> ControlFlow<B> {
        for (g, base) in self.groups.iter().zip((0..).step_by(64)) {
            g.each_match(p, base, &mut f)?;
        }
        ControlFlow::Continue(())
    }

    /// Whether some statement matches.
    pub fn any_matches(&self, p: &Prepared<'_>) -> bool {
        self.first_match(p).is_some()
    }

    /// The index of the first matching statement.
    pub fn first_match(&self, p: &Prepared<'_>) -> Option<usize> {
        match self.each_match(p, ControlFlow::Break) {
            ControlFlow::Break(i) => Some(i),
            ControlFlow::Continue(()) => None,
        }
    }

    /// The indices of the matching statements, in order.
    pub fn all_matches(&self, p: &Prepared<'_>) -> Vec<usize> {
        let mut all = Vec::new();
        let _ = self.each_match(p, |i| {
            all.push(i);
            ControlFlow::<()>::Continue(())
        });
        all
    }
}

/// Resources and entries (the first 64) already evaluated for a request, and how.
#[derive(Default)]
struct Memo {
    r_known: u64,
    r_hit: u64,
    e_known: u64,
    e_hit: u64,
}

impl Group {
    fn each_match<B>(
        &self,
        p: &Prepared<'_>,
        base: usize,
        f: &mut impl FnMut(usize) -> ControlFlow<B>,
    ) -> ControlFlow<B> {
        let mut memo = Memo::default();
        // The leading members whose action is all stars (FullAWSAccess heading a level's
        // Allows) match any action and come first in order, so a caller that stops at the
        // first match need not consult the index.
        let sure = self.index.always & !self.index.negated;
        let lead = match (!sure).trailing_zeros() {
            64 => u64::MAX,
            n => (1u64 << n) - 1,
        } & self.index.all;
        if lead != 0 {
            self.visit(p, lead, base, &mut memo, f)?;
        }
        if lead == self.index.all {
            return ControlFlow::Continue(());
        }
        let candidates = self.index.matching(p, &self.members) & !lead;
        self.visit(p, candidates, base, &mut memo, f)
    }

    /// Calls `f` for the members in `candidates` (whose action matches) whose resource and
    /// conditions match, in order.
    fn visit<B>(
        &self,
        p: &Prepared<'_>,
        mut candidates: u64,
        base: usize,
        memo: &mut Memo,
        f: &mut impl FnMut(usize) -> ControlFlow<B>,
    ) -> ControlFlow<B> {
        while candidates != 0 {
            let i = candidates.trailing_zeros() as usize;
            candidates &= candidates - 1;
            let Some(m) = self.members.get(i) else {
                continue;
            };
            let bit = 1u64 << (m.resource % 64);
            if memo.r_known & bit == 0 {
                memo.r_known |= bit;
                if self.resources.get(m.resource).is_some_and(|r| r.matches(p)) {
                    memo.r_hit |= bit;
                }
            }
            if memo.r_hit & bit == 0 {
                continue;
            }
            let conditions = m.entries.iter().all(|&e| {
                let entry = || self.entries.get(e).is_some_and(|x| x.matches(p));
                if e >= 64 {
                    return entry();
                }
                let bit = 1u64 << e;
                if memo.e_known & bit == 0 {
                    memo.e_known |= bit;
                    if entry() {
                        memo.e_hit |= bit;
                    }
                }
                memo.e_hit & bit != 0
            });
            if conditions {
                f(base + i)?;
            }
        }
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_index() {
        let a = Actions::new(&Scope::of([
            "bedrock:Invoke*",
            "S3:GetObject",
            "iam:*",
            "ec2:Describe?pc*s",
            "*:List*",
        ]));
        let r = |action: &str| Request::new(action, "*");
        let m = |a: &Actions, action: &str| a.matches(&Prepared::new(&r(action)));
        assert!(m(&a, "BEDROCK:invokemodel"));
        assert!(m(&a, "s3:getobject"));
        assert!(!m(&a, "s3:getobjects"));
        assert!(m(&a, "iam:CreateRole"));
        assert!(m(&a, "ec2:DescribeVpcs"));
        assert!(m(&a, "kms:ListKeys"));
        assert!(!m(&a, "kms:Decrypt"));
        assert!(!m(&a, "bedrock"));
        let not = Actions::new(&Scope::not_of(["iam:*"]));
        assert!(!m(&not, "IAM:x"));
        assert!(m(&not, "sts:x"));
    }

    #[test]
    fn ascii_in_chunks() {
        for s in [
            "",
            "a",
            "arn:aws:bedrock:us-east-1::foundation-model/x",
            "é",
            "abcdefgé",
            "abcdefghé",
            "éabcdefghijklmnop",
        ] {
            assert_eq!(is_ascii(s.as_bytes()), s.is_ascii(), "{s}");
        }
    }

    #[test]
    fn short_service_keys_are_the_services() {
        let services = [
            "", "a", "A", "a\0", "s3", "S3", "s4", "bedrock", "BedRock", "bedrocK2",
        ];
        for x in services {
            for y in services {
                let (hx, hy) = (service_hash(x.as_bytes()), service_hash(y.as_bytes()));
                assert!(exact_key(hx));
                assert_eq!(hx == hy, x.eq_ignore_ascii_case(y), "{x:?} {y:?}");
            }
        }
        assert!(!exact_key(service_hash(b"bedrock-agent")));
        assert_eq!(
            service_hash(b"bedrock-agent"),
            service_hash(b"Bedrock-Agent")
        );
    }

    #[test]
    fn arn_middles() {
        for (pattern, arn) in [
            (
                "arn:aws:bedrock:*::foundation-model/*",
                "arn:aws:bedrock:us-east-1::foundation-model/a:0",
            ),
            ("arn:aws:bedrock:us-*1:1:x", "arn:aws:bedrock:us-east-1:1:x"),
            ("arn:aws:bedrock:us-*1:1:x", "arn:aws:bedrock:us-east:1:1:x"),
            ("arn:aws:s3:?::b", "arn:aws:s3:::::b"),
            ("arn:aws:s3:?::b", "arn:aws:s3:x::b"),
            ("arn:aws:iam::*", "arn:aws:iam::1:role/r"),
            (
                "arn:aws:someservice:*:111122223333:finance/*",
                "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/d.txt",
            ),
        ] {
            for rule in [ArnRule::Resource, ArnRule::Condition] {
                assert_eq!(
                    ArnPattern::new(pattern, rule).matches(arn, arn.is_ascii()),
                    arn_match_by(pattern, arn, rule),
                    "{pattern} {arn} {rule:?}"
                );
            }
        }
        assert!(matches!(
            ArnPattern::new("arn:aws:s3:?::b", ArnRule::Resource),
            ArnPattern::Glob {
                middle: Middle::Nfa { .. },
                ..
            }
        ));
    }
}
