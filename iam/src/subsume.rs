//! Whether one IAM statement covers another (every request the second matches, the first
//! matches too, with the same effect), and whether a statement can match at all: the sound
//! comparisons the optimiser's passes and the equivalence check are built on. Sound means "no"
//! where unsure, never "yes" wrongly.

use crate::FlatSet;

use crate::eval::{arn_match, nfa_match};
use crate::glob::{glob_match, is_glob};
use crate::{Condition, Op, Operator, Scope, Statement};

/// Whether every text the wildcard pattern `q` matches, `p` matches too: L(q) ⊆ L(p). Sound,
/// not complete: `p` must match `q` read as text, where a `*` of `p` may absorb anything of `q`
/// (wildcards included), a `?` of `p` one literal or `?` of `q`, and a literal of `p` only the
/// same literal. `*?` against `?*` says no although both mean "one character or more".
pub fn glob_subsumes(p: &str, q: &str, case_insensitive: bool) -> bool {
    // A policy variable (`${aws:username}`, aws.md §3.5) is replaced before matching, so its
    // text says nothing about what it matches: only equal values and `*` are safe then.
    if p.contains("${") || q.contains("${") {
        return p == q || all_stars(p);
    }
    // Fast paths, no allocation: most values in a list are literals or `svc:*`.
    if p == q || all_stars(p) {
        return true;
    }
    if !is_glob(q) {
        // L(q) = {q}: p covers it exactly when p matches q as text.
        return glob_match(p, q, case_insensitive);
    }
    if !is_glob(p) {
        // A literal covers only itself, and q has a wildcard.
        return false;
    }
    let p: Vec<char> = p.chars().collect();
    let q: Vec<char> = q.chars().collect();
    // The same character comparison as `glob_match`.
    let same =
        |a: char, b: char| a == b || (case_insensitive && a.to_lowercase().eq(b.to_lowercase()));
    nfa_match(
        &p,
        &q,
        |&c| c == '*',
        |&pc, &qc| match pc {
            '*' => true,
            '?' => qc != '*',
            _ => qc != '*' && qc != '?' && same(pc, qc),
        },
    )
}

/// A value of `*`s only: everything.
pub fn all_stars(v: &str) -> bool {
    !v.is_empty() && v.chars().all(|c| c == '*')
}

/// Whether no value holds a policy variable, whose substituted text the matcher cannot see.
pub fn no_variables(values: &FlatSet<crate::Name>) -> bool {
    values.iter().all(|v| !v.contains("${"))
}

/// A value that stands for exactly one text: no wildcard, no policy variable.
pub fn is_literal(v: &str) -> bool {
    !is_glob(v) && !v.contains("${")
}

/// Whether no request can match the statement (sound: "false" when unsure).
pub fn never_matches(s: &Statement) -> bool {
    let no_actions = if s.action.negated {
        s.action.values.iter().any(|v| all_stars(v))
    } else {
        s.action.values.is_empty()
    };
    let no_resources = if s.resource.negated {
        s.resource.values.contains("*")
    } else {
        s.resource.values.is_empty()
    };
    no_actions || no_resources || contradictory(&s.condition)
}

/// `Null {k: "true"}` (k absent) next to an operator on `k` that is false on a missing key.
pub fn contradictory(c: &Condition) -> bool {
    let null = Operator::plain(Op::Null);
    c.get(&null).is_some_and(|nulls| {
        nulls.keys().any(|key| {
            requires_absent(c, key)
                && c.iter().any(|(&operator, keys)| {
                    operator.op != Op::Null && !operator.on_missing_key() && keys.contains_key(key)
                })
        })
    })
}

/// Whether the condition holds only when `key` is absent: it has `Null {key: "true"}`.
pub fn requires_absent(c: &Condition, key: &str) -> bool {
    c.get(&Operator::plain(Op::Null))
        .and_then(|keys| keys.get(key))
        .is_some_and(|v| !v.is_empty() && v.iter().all(|v| v.eq_ignore_ascii_case("true")))
}

/// Whether every request `b` matches, `a` matches too, with the same effect. Sound: "false"
/// when unsure.
pub fn subsumes(a: &Statement, b: &Statement) -> bool {
    // The cheap tests first (a set inclusion, then the conditions), the action patterns'
    // glob inclusion last: most pairs a pass tries differ in resource or condition.
    a.effect == b.effect
        && (never_matches(b)
            || (resources_cover(&a.resource, &b.resource)
                && implies(&b.condition, &a.condition)
                && actions_cover(&a.action, &b.action)))
}

/// Whether `Action`/`NotAction` `a` matches every action `b` matches.
pub fn actions_cover(a: &Scope, b: &Scope) -> bool {
    match (a.negated, b.negated) {
        // Each of b's patterns inside one of a's.
        (false, false) => b
            .values
            .iter()
            .all(|q| a.values.iter().any(|p| glob_subsumes(p, q, true))),
        // A NotAction list is only inside `*`.
        (false, true) => a.values.iter().any(|p| all_stars(p)),
        // b's actions must avoid all of a's exclusions; decided only for literal actions.
        (true, false) => {
            b.values
                .iter()
                .all(|q| is_literal(q) && !a.values.iter().any(|p| glob_match(p, q, true)))
                && no_variables(&a.values)
        }
        // Complement of ∪N_b inside complement of ∪N_a ⇐ ∪N_a ⊆ ∪N_b.
        (true, true) => a
            .values
            .iter()
            .all(|p| b.values.iter().any(|q| glob_subsumes(q, p, true))),
    }
}

/// Whether `Resource`/`NotResource` `a` matches every resource `b` matches: equality and `*`
/// only (plus the exact ARN matcher for literal ARNs against a NotResource).
pub fn resources_cover(a: &Scope, b: &Scope) -> bool {
    if !a.negated && a.values.contains("*") {
        return true;
    }
    match (a.negated, b.negated) {
        (false, false) => b.values.is_subset(&a.values),
        (false, true) => false,
        (true, false) => {
            b.values
                .iter()
                .all(|q| is_literal(q) && !a.values.iter().any(|p| arn_match(p, q)))
                && no_variables(&a.values)
        }
        (true, true) => a.values.is_subset(&b.values),
    }
}

/// Whether condition `b` implies condition `a`: each entry of `a` (a conjunct) follows from one
/// entry of `b`. An empty `a` follows from anything.
pub fn implies(b: &Condition, a: &Condition) -> bool {
    a.iter().all(|(&operator, keys)| {
        keys.iter()
            .all(|(key, values)| entry_implied(b, operator, key, values))
    })
}

/// Whether condition `b` implies `operator {key: a_values}`.
pub fn entry_implied(
    b: &Condition,
    operator: Operator,
    key: &str,
    a_values: &FlatSet<crate::Name>,
) -> bool {
    let same_entry = b
        .get(&operator)
        .and_then(|keys| keys.get(key))
        .is_some_and(|b_values| values_imply(operator, b_values, a_values));
    // b requires the key absent, where a's operator holds.
    same_entry || (operator.op != Op::Null && operator.on_missing_key() && requires_absent(b, key))
}

/// Whether `operator {k: b_values}` implies `operator {k: a_values}`. A positive operator
/// (and `Null`) is monotone in its values under every qualifier — more values, more matches —
/// so b's values must lie inside a's; a negated one is antitone, so the reverse.
pub fn values_imply(
    operator: Operator,
    b_values: &FlatSet<crate::Name>,
    a_values: &FlatSet<crate::Name>,
) -> bool {
    // Wildcard containment only for StringLike: `Arn*` values match segment-wise.
    let like = matches!(operator.op, Op::StringLike | Op::StringNotLike);
    let inside = |small: &FlatSet<crate::Name>, big: &FlatSet<crate::Name>| {
        small
            .iter()
            .all(|q| big.contains(q) || (like && big.iter().any(|p| glob_subsumes(p, q, false))))
    };
    if operator.op.is_negated() {
        inside(a_values, b_values)
    } else {
        inside(b_values, a_values)
    }
}

/// Which statements of a list may [`subsumes`]-cover a given statement: a statement with a
/// plain `Resource` list covers `b` only if it holds each of `b`'s resources (covering is
/// decided on resources by equality, `*` and `NotResource`), so it must hold `b`'s first one,
/// unless it has `*` or a `NotResource`; and its condition is implied by `b`'s only if each of
/// its keys is in `b`'s condition too ([`entry_implied`] looks the key up in `b`), so its
/// first key must be one of `b`'s, unless it has no condition. The index answers with those
/// statements only, in list order, so a search for the first cover finds the same one as a
/// scan of the whole list — in time that does not grow with the list for the usual statement
/// (a level of thousands of statements on one resource, each on its own key: `require tags`
/// in many blocks, was quadratic before the keys were indexed). A `b` that matches nothing
/// (covered by anything) or has a `NotResource` gets the whole list.
///
/// Within a key, a statement is also pinned by the values of one entry on it (see [`Pin`]):
/// thousands of `deny … unless principal in [one ARN]` are all on `aws:PrincipalArn`, and an
/// `ArnNotLike` entry is implied only by one holding all its values, so only the statements
/// whose least value `b` holds can cover `b`. Without it that level was quadratic (8,000
/// such blocks: 2.5 s of `govc check`). The pins are asked only when a key has more than
/// [`FEW`] statements, so the usual small lists cost what they did.
pub struct CoverIndex<'a> {
    /// By resource (`None`: the statements with `*` or a `NotResource`), then by pin.
    map: rustc_hash::FxHashMap<(Option<&'a str>, Pin<'a>), Vec<usize>>,
    len: usize,
}

/// What a statement is filed under within its resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Pin<'a> {
    /// It has no condition.
    Bare,
    /// Its least condition key: every statement with that least key.
    Key(&'a str),
    /// Those of them whose entry on the key is not pinned by value.
    Loose(&'a str),
    /// Those whose entry `operator {key: …}` (the first operator on the key) can be implied
    /// only by an entry `operator {key: …}` holding this value: where `b` does not require the
    /// key absent, [`values_imply`] compares values by equality (not for `StringLike`), a
    /// negated operator's values must all be among `b`'s (filed under its least value), and a
    /// positive one's must hold all of `b`'s (filed under each of its values, `b` looks up its
    /// least).
    Value(&'a str, Operator, &'a str),
}

/// A key's statements are looked up by value only when there are more than this many: below
/// it, all of them are cheaper to try than the lookups. (One in the tests, so that the
/// property test below reaches the lookups by value.)
#[cfg(not(test))]
const FEW: usize = 32;
#[cfg(test)]
const FEW: usize = 1;

/// A positive operator's values are filed one by one only up to this many (such lists at one
/// target usually merge into one statement); a longer list is filed as loose.
#[cfg(not(test))]
const PINNED_VALUES: usize = 4;
#[cfg(test)]
const PINNED_VALUES: usize = 2;

/// The least condition key of a statement, `None` without one.
fn first_key(c: &Condition) -> Option<&str> {
    c.values().flat_map(|keys| keys.keys()).map(|v| &**v).min()
}

impl<'a> CoverIndex<'a> {
    /// The index of a list of statements.
    pub fn new(statements: impl IntoIterator<Item = &'a Statement>) -> CoverIndex<'a> {
        let mut map: rustc_hash::FxHashMap<_, Vec<usize>> = Default::default();
        let mut len = 0;
        for (j, a) in statements.into_iter().enumerate() {
            len = j + 1;
            let broad = a.resource.negated || a.resource.values.contains("*");
            let mut file = |pin: Pin<'a>| {
                if broad {
                    map.entry((None, pin)).or_default().push(j);
                } else {
                    for v in &a.resource.values {
                        map.entry((Some(&**v), pin)).or_default().push(j);
                    }
                }
            };
            let Some(key) = first_key(&a.condition) else {
                file(Pin::Bare);
                continue;
            };
            file(Pin::Key(key));
            let entry = a
                .condition
                .iter()
                .find_map(|(&operator, keys)| keys.get(key).map(|values| (operator, values)));
            match entry {
                Some((operator, values))
                    if !values.is_empty()
                        && !matches!(operator.op, Op::StringLike | Op::StringNotLike) =>
                {
                    if operator.op.is_negated() {
                        if let Some(v) = values.iter().next() {
                            file(Pin::Value(key, operator, v));
                        }
                    } else if values.len() <= PINNED_VALUES {
                        for v in values.iter() {
                            file(Pin::Value(key, operator, v));
                        }
                    } else {
                        file(Pin::Loose(key));
                    }
                }
                _ => file(Pin::Loose(key)),
            }
        }
        CoverIndex { map, len }
    }

    /// The positions of the statements that may cover `b`, ascending.
    pub fn candidates(&self, b: &Statement) -> Vec<usize> {
        let Some(v) = b.resource.values.iter().next() else {
            return (0..self.len).collect();
        };
        if b.resource.negated || never_matches(b) {
            return (0..self.len).collect();
        }
        let resources = [Some(&**v), None];
        let mut c: Vec<usize> = Vec::new();
        let take = |pin: Pin<'_>, c: &mut Vec<usize>| {
            for r in resources {
                c.extend(self.map.get(&(r, pin)).into_iter().flatten());
            }
        };
        take(Pin::Bare, &mut c);
        let mut keys: Vec<&str> = b
            .condition
            .values()
            .flat_map(|k| k.keys())
            .map(|v| &**v)
            .collect();
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            let entries = || {
                b.condition
                    .iter()
                    .filter_map(move |(&operator, keys)| keys.get(key).map(|v| (operator, v)))
            };
            let all: usize = resources
                .iter()
                .filter_map(|&r| self.map.get(&(r, Pin::Key(key))))
                .map(Vec::len)
                .sum();
            // Where `b` requires the key absent, an entry is implied without comparing
            // values; an empty positive list is inside every list.
            if all <= FEW
                || requires_absent(&b.condition, key)
                || entries()
                    .any(|(operator, values)| !operator.op.is_negated() && values.is_empty())
            {
                take(Pin::Key(key), &mut c);
                continue;
            }
            take(Pin::Loose(key), &mut c);
            for (operator, values) in entries() {
                if operator.op.is_negated() {
                    for v in values.iter() {
                        take(Pin::Value(key, operator, v), &mut c);
                    }
                } else if let Some(v) = values.iter().next() {
                    take(Pin::Value(key, operator, v), &mut c);
                }
            }
        }
        c.sort_unstable();
        c.dedup();
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{condition_of, Effect, Qualifier};
    use proptest::prelude::*;
    use proptest::sample::{select, subsequence};

    fn operator() -> impl Strategy<Value = Operator> {
        (
            select(vec![
                Op::StringEquals,
                Op::StringNotEquals,
                Op::StringLike,
                Op::StringNotLike,
                Op::ArnNotLike,
                Op::Null,
                Op::Null,
            ]),
            select(vec![None, None, Some(Qualifier::ForAnyValue)]),
            prop::bool::weighted(0.2),
        )
            .prop_map(|(op, qualifier, if_exists)| Operator {
                qualifier,
                op,
                if_exists: if_exists && op != Op::Null,
            })
    }

    fn statement() -> impl Strategy<Value = Statement> {
        let values = || subsequence(vec!["a", "b", "c*", "true"], 0..=3);
        let entry = (operator(), select(vec!["k1", "k2"]), values());
        (
            any::<bool>(),
            subsequence(vec!["s:a", "*"], 1..=2),
            (
                prop::bool::weighted(0.1),
                subsequence(vec!["r1", "*"], 1..=2),
            ),
            prop::collection::vec(entry, 0..=3),
        )
            .prop_map(|(deny, actions, (not_resource, resources), entries)| {
                let entries: Vec<(Operator, &str, &[&str])> = entries
                    .iter()
                    .map(|(o, k, v)| (*o, *k, v.as_slice()))
                    .collect();
                Statement {
                    effect: if deny { Effect::Deny } else { Effect::Allow },
                    action: Scope::of(actions),
                    resource: if not_resource {
                        Scope::not_of(resources)
                    } else {
                        Scope::of(resources)
                    },
                    condition: condition_of(&entries),
                    origins: FlatSet::new(),
                    sid: None,
                }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        /// The index leaves out no statement that covers: its candidates hold every cover, in
        /// list order.
        #[test]
        fn candidates_hold_every_cover(list in prop::collection::vec(statement(), 1..12)) {
            let index = CoverIndex::new(&list);
            for b in &list {
                let found = index.candidates(b);
                prop_assert!(found.windows(2).all(|w| w[0] < w[1]));
                for (j, a) in list.iter().enumerate() {
                    if subsumes(a, b) {
                        prop_assert!(found.contains(&j), "{a:?} covers {b:?}, not a candidate");
                    }
                }
            }
        }
    }
}
