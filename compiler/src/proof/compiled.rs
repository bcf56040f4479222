//! The compiled documents' decision as a formula over the reference's atoms: IAM's evaluation
//! of statements (`ir::eval`), written over [`Logic`] so that the same atoms appear on both
//! sides of the proof. A test holds it, evaluated on concrete requests, to `ir::eval`.

use crate::ir::{Effect, Op, Operator, Qualifier, Scope, Statement};
use crate::semantics::logic::{Atom, Logic, Test};
use crate::verify::Level;

/// Whether the SCPs in force along a path allow the request: no Deny matches at any level, and
/// an Allow matches at every level (AWS Organizations User Guide, "SCP evaluation").
pub fn levels<L: Logic>(l: &mut L, levels: &[Level]) -> L::B {
    let mut denies = Vec::new();
    let mut allowed = Vec::new();
    for at in levels {
        let (denied, allows) = level(l, at);
        denies.push(denied);
        allowed.push(allows);
    }
    let denied = l.any(denies);
    let not_denied = l.not(denied);
    let all = l.all(allowed);
    l.and(not_denied, all)
}

/// (some Deny of the level matches, some Allow of the level matches): [`levels`] is "no level
/// denies, every level allows" over these.
pub fn level<L: Logic>(l: &mut L, level: &Level) -> (L::B, L::B) {
    let mut denies = Vec::new();
    let mut allows = Vec::new();
    for s in &level.statements {
        let m = statement(l, &s.statement);
        match s.statement.effect {
            Effect::Deny => denies.push(m),
            Effect::Allow => allows.push(m),
        }
    }
    let denied = l.any(denies);
    let allowed = l.any(allows);
    (denied, allowed)
}

/// Whether one flat list of statements (an identity policy) allows the request.
pub fn statements<L: Logic>(l: &mut L, statements: &[Statement]) -> L::B {
    let mut denies = Vec::new();
    let mut allows = Vec::new();
    for s in statements {
        let m = statement(l, s);
        match s.effect {
            Effect::Deny => denies.push(m),
            Effect::Allow => allows.push(m),
        }
    }
    let denied = l.any(denies);
    let not_denied = l.not(denied);
    let allowed = l.any(allows);
    l.and(not_denied, allowed)
}

/// The statement applies: action, resource and every condition entry match.
pub fn statement<L: Logic>(l: &mut L, s: &Statement) -> L::B {
    let a = scope(l, &s.action, Atom::Action);
    let r = scope(l, &s.resource, Atom::Resource);
    let mut parts = vec![a, r];
    for (op, keys) in &s.condition {
        for (key, values) in keys {
            parts.push(entry(l, *op, key, values.iter()));
        }
    }
    l.all(parts)
}

fn scope<L: Logic>(l: &mut L, s: &Scope, atom: fn(String) -> Atom) -> L::B {
    let hits: Vec<L::B> = s
        .values
        .iter()
        .map(|v| l.atom(atom(v.to_string())))
        .collect();
    let hit = l.any(hits);
    if s.negated {
        l.not(hit)
    } else {
        hit
    }
}

/// The positive form of an operator: a negated one is judged by it, then negated.
pub(crate) fn positive(op: Op) -> Op {
    match op {
        Op::StringNotEquals => Op::StringEquals,
        Op::StringNotEqualsIgnoreCase => Op::StringEqualsIgnoreCase,
        Op::StringNotLike => Op::StringLike,
        Op::NumericNotEquals => Op::NumericEquals,
        Op::DateNotEquals => Op::DateEquals,
        Op::NotIpAddress => Op::IpAddress,
        Op::ArnNotEquals => Op::ArnEquals,
        Op::ArnNotLike => Op::ArnLike,
        other => other,
    }
}

/// One `operator: {key: values}` entry, with IAM's rules for missing keys, set qualifiers and
/// negated operators (the values of a negated operator are NORed).
fn entry<'v, L: Logic>(
    l: &mut L,
    op: Operator,
    key: &str,
    values: impl Iterator<Item = &'v crate::ir::Name>,
) -> L::B {
    if op.op == Op::Null {
        // "true": the key is absent; "false": present; values are ORed.
        let parts: Vec<L::B> = values
            .map(|v| {
                let present = l.atom(Atom::Present(key.to_string()));
                if v.eq_ignore_ascii_case("true") {
                    l.not(present)
                } else if v.eq_ignore_ascii_case("false") {
                    present
                } else {
                    l.konst(false)
                }
            })
            .collect();
        return l.any(parts);
    }
    let negated = op.op.is_negated();
    let tests: Vec<Test> = values
        .map(|v| Test {
            op: positive(op.op),
            value: v.to_string(),
        })
        .collect();
    let some = |l: &mut L| {
        let parts: Vec<L::B> = tests
            .iter()
            .map(|t| l.atom(Atom::Some(key.to_string(), t.clone())))
            .collect();
        l.any(parts)
    };
    match (op.qualifier, negated) {
        // No value matches any policy value (true on a missing key).
        (None | Some(Qualifier::ForAllValues), true) => {
            let s = some(l);
            l.not(s)
        }
        (None, false) => {
            let s = some(l);
            if op.if_exists {
                let present = l.atom(Atom::Present(key.to_string()));
                let absent = l.not(present);
                l.or(absent, s)
            } else {
                s
            }
        }
        (Some(Qualifier::ForAnyValue), false) => some(l),
        // Some value matches none of the policy values.
        (Some(Qualifier::ForAnyValue), true) => {
            let every = l.atom(Atom::Every(key.to_string(), tests.clone()));
            l.not(every)
        }
        (Some(Qualifier::ForAllValues), false) => l.atom(Atom::Every(key.to_string(), tests)),
    }
}
