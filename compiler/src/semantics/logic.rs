//! The questions the reference semantics asks of a request ([`Atom`]) and the Boolean algebra
//! it combines the answers in ([`Logic`]).
//!
//! The reference is written once, generically over [`Logic`]: with [`Concrete`] it decides one
//! request (`bool`); with a symbolic instance it builds the decision as a formula over atoms,
//! which is how `govc verify` compares it with the compiled documents for every request.

use crate::glob::glob_match;
use crate::ir::eval::{arn_match_request, value_match, Request};
use crate::ir::Op;

/// One test of one request value: the positive IAM comparison `op` (`StringEquals`,
/// `StringLike`, `ArnLike`, `NumericLessThan`, `Bool`, `IpAddress`, …) against `value`, with
/// policy variables substituted as IAM substitutes them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Test {
    /// The comparison, always a positive operator (negation is the formula's).
    pub op: Op,
    /// The value or pattern compared with; its policy variables are filled in per request.
    pub value: String,
}

/// A question about a request. Every answer the reference needs is one of these.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Atom {
    /// The action matches this IAM action pattern (case-insensitive; `*` and `?` anywhere).
    Action(String),
    /// The resource matches this IAM resource pattern (the `Resource` element's ARN rules,
    /// policy variables substituted).
    Resource(String),
    /// The context key has a value (a multivalued key: at least one).
    Present(String),
    /// Some value of the key passes the test (false when the key is missing).
    Some(String, Test),
    /// Every value of the key passes one of the tests (true when the key is missing).
    Every(String, Vec<Test>),
}

/// A Boolean algebra over [`Atom`]s.
pub trait Logic {
    /// A truth value: a `bool` for one request, a formula over atoms for all of them.
    type B: Clone;
    /// The constant `b`.
    fn konst(&mut self, b: bool) -> Self::B;
    /// The answer to one question about the request.
    fn atom(&mut self, a: Atom) -> Self::B;
    /// Negation.
    fn not(&mut self, a: Self::B) -> Self::B;
    /// Conjunction.
    fn and(&mut self, a: Self::B, b: Self::B) -> Self::B;
    /// Disjunction.
    fn or(&mut self, a: Self::B, b: Self::B) -> Self::B;

    /// The conjunction of all (true for none).
    fn all(&mut self, items: Vec<Self::B>) -> Self::B {
        self.balanced(items, true)
    }

    /// The disjunction of all (false for none).
    fn any(&mut self, items: Vec<Self::B>) -> Self::B {
        self.balanced(items, false)
    }

    /// `items` combined pairwise, as a balanced tree, with `and` (`conj`) or `or`. For
    /// decision diagrams this is what keeps a level's proof near-linear in its statements: a
    /// left fold combines a growing accumulator with each statement in turn, and with the
    /// variables ordered statement by statement each step walks the whole accumulator, so n
    /// statements cost about n²/2 node visits; pairwise, each node is walked about log n
    /// times. (`govc verify` of the scaling benchmark's program with twice the rules per
    /// target: 24.4 s → 20.9 s from this alone.) For one request it is the same Boolean
    /// answer either way.
    fn balanced(&mut self, mut items: Vec<Self::B>, conj: bool) -> Self::B {
        while items.len() > 1 {
            let mut next = Vec::with_capacity(items.len().div_ceil(2));
            let mut it = items.into_iter();
            while let Some(a) = it.next() {
                next.push(match it.next() {
                    Some(b) if conj => self.and(a, b),
                    Some(b) => self.or(a, b),
                    None => a,
                });
            }
            items = next;
        }
        match items.pop() {
            Some(b) => b,
            None => self.konst(conj),
        }
    }
}

/// Answers the atoms for one request.
pub struct Concrete<'r> {
    /// The request the atoms are asked of.
    pub request: &'r Request,
}

impl Concrete<'_> {
    /// The answer to one atom.
    pub fn eval(&self, a: &Atom) -> bool {
        let r = self.request;
        match a {
            Atom::Action(p) => glob_match(p, &r.action, true),
            Atom::Resource(p) => arn_match_request(p, r),
            Atom::Present(k) => r.values(k).is_some(),
            Atom::Some(k, t) => r
                .values(k)
                .is_some_and(|vs| vs.iter().any(|v| value_match(t.op, &t.value, v, r))),
            Atom::Every(k, ts) => r.values(k).is_none_or(|vs| {
                vs.iter()
                    .all(|v| ts.iter().any(|t| value_match(t.op, &t.value, v, r)))
            }),
        }
    }
}

impl Logic for Concrete<'_> {
    type B = bool;
    fn konst(&mut self, b: bool) -> bool {
        b
    }
    fn atom(&mut self, a: Atom) -> bool {
        self.eval(&a)
    }
    fn not(&mut self, a: bool) -> bool {
        !a
    }
    fn and(&mut self, a: bool, b: bool) -> bool {
        a && b
    }
    fn or(&mut self, a: bool, b: bool) -> bool {
        a || b
    }
}
