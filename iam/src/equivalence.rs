//! Whether two lists of statements decide every request alike: the equivalence check of
//! `govc verify` (the optimised, packed statements against the unoptimised lowering).
//!
//! **Method.** Decisions depend only on the set of requests the Deny statements match and the
//! set the Allow statements match, so the check proves, for each effect, that the two sets of
//! statements match the same requests — both inclusions:
//!
//! - a statement `s` is covered by a set `T` when every *part* of `s` is subsumed by one
//!   statement of `T` (`subsume::subsumes`, sound). The parts of `s` are the statements of its
//!   `Action` values, its `Resource` values, and the values of each key under a positive
//!   operator that distributes over them, taken one at a time: their union is exactly `s`
//!   (those lists are ORs, aws.md §3.2), so parts covered one by one cover `s`;
//! - a statement no request matches is covered by anything.
//!
//! Every step is sound, so "equivalent" is never said of two sets that decide some request
//! differently. It is not complete: when a part is not covered, the check builds a request the
//! part matches and evaluates both sides; if they differ that request is the counterexample,
//! otherwise the result is "not proven" — which `govc verify` reports as a failure too.

use crate::FlatSet;

use crate::eval::{decide, ContextValue, Decision, Request};
use crate::subsume::{never_matches, subsumes};
use crate::{Op, Qualifier, Statement};

/// What [`check`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The two lists decide every request alike.
    Equivalent,
    /// A request the two sides decide differently.
    Different {
        /// The request.
        request: Request,
        /// The first list's decision.
        lowered: Decision,
        /// The second list's.
        optimised: Decision,
    },
    /// A statement whose coverage could not be shown, and no request found that differs.
    Unproven {
        /// The part of a statement not shown covered.
        statement: Box<Statement>,
    },
}

/// Checks that `optimised` decides every request as `lowered` does.
pub fn check(lowered: &[Statement], optimised: &[Statement]) -> Verdict {
    for (from, to) in [(lowered, optimised), (optimised, lowered)] {
        for s in from {
            for part in parts(s) {
                if never_matches(&part) || to.iter().any(|t| subsumes(t, &part)) {
                    continue;
                }
                let request = witness(&part);
                let (l, o) = (decide(lowered, &request), decide(optimised, &request));
                if l != o {
                    return Verdict::Different {
                        request,
                        lowered: l,
                        optimised: o,
                    };
                }
                return Verdict::Unproven {
                    statement: Box::new(part),
                };
            }
        }
    }
    Verdict::Equivalent
}

/// The statement split into parts whose union it is: one per Action value, Resource value, and
/// value of a key under a distributing positive operator, repeatedly.
fn parts(s: &Statement) -> Vec<Statement> {
    let mut out = vec![s.clone()];
    if !s.action.negated {
        out = split_each(out, |p| Some(&mut p.action.values));
    }
    if !s.resource.negated {
        out = split_each(out, |p| Some(&mut p.resource.values));
    }
    for (op, keys) in &s.condition {
        let distributes = !op.op.is_negated()
            && op.op != Op::Null
            && op.qualifier != Some(Qualifier::ForAllValues);
        if !distributes {
            continue;
        }
        for key in keys.keys() {
            out = split_each(out, |p| {
                p.condition.get_mut(op).and_then(|k| k.get_mut(key))
            });
        }
    }
    out
}

/// Every statement, once per value of the list `list` selects (a list of one value or none
/// is left as it is).
fn split_each(
    statements: Vec<Statement>,
    list: impl Fn(&mut Statement) -> Option<&mut FlatSet<crate::Name>>,
) -> Vec<Statement> {
    let mut out = Vec::with_capacity(statements.len());
    for mut s in statements {
        let values = list(&mut s).map(|v| v.clone()).unwrap_or_default();
        if values.len() < 2 {
            out.push(s);
            continue;
        }
        for v in values {
            let mut part = s.clone();
            if let Some(slot) = list(&mut part) {
                *slot = FlatSet::from([v]);
            }
            out.push(part);
        }
    }
    out
}

/// A request the statement is meant to match: wildcards filled in, keys given values that
/// satisfy their operators, or left out where a missing key satisfies them.
pub fn witness(s: &Statement) -> Request {
    let fill = |v: &str| v.replace('*', "").replace('?', "a");
    let action = if s.action.negated {
        "govcwitness:Action".to_string()
    } else {
        s.action
            .values
            .iter()
            .next()
            .map(|v| fill(v))
            .unwrap_or_default()
    };
    let resource = if s.resource.negated {
        "arn:aws:govcwitness:us-east-1:111111111111:witness/x".to_string()
    } else {
        match s.resource.values.iter().next().map(|v| &**v) {
            Some("*") | None => "arn:aws:govcwitness:us-east-1:111111111111:witness/x".to_string(),
            Some(v) => fill(v),
        }
    };
    let mut r = Request::new(action, resource);
    for (op, keys) in &s.condition {
        for (key, values) in keys {
            let first: String = values
                .iter()
                .next()
                .map(|v| v.to_string())
                .unwrap_or_default();
            let value = match op.op {
                Op::Null if first == "true" => continue,
                Op::Null => r
                    .context
                    .get(&**key)
                    .cloned()
                    .unwrap_or(ContextValue::One("govc-witness".into())),
                _ if op.op.is_negated() || op.if_exists => continue,
                Op::NumericLessThan => ContextValue::One(shift(&first, -1.0)),
                Op::NumericGreaterThan => ContextValue::One(shift(&first, 1.0)),
                Op::DateLessThan | Op::DateGreaterThan => ContextValue::One(first),
                _ => ContextValue::One(fill(&first)),
            };
            let value = match (op.qualifier, value) {
                (Some(_), ContextValue::One(v)) => ContextValue::Many(vec![v]),
                (_, v) => v,
            };
            r.context.insert(key.to_string(), value);
        }
    }
    r
}

fn shift(v: &str, by: f64) -> String {
    v.parse::<f64>()
        .map(|n| (n + by).to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FlatSet;
    use crate::{condition_of, Effect, Operator, Scope};

    fn st(effect: Effect, actions: &[&str], resources: &[&str]) -> Statement {
        Statement {
            effect,
            action: Scope::of(actions.iter().copied()),
            resource: Scope::of(resources.iter().copied()),
            condition: Default::default(),
            origins: FlatSet::new(),
            sid: None,
        }
    }

    #[test]
    fn a_merge_is_proven() {
        let a = st(Effect::Deny, &["s3:GetObject"], &["*"]);
        let b = st(Effect::Deny, &["s3:PutObject"], &["*"]);
        let m = st(Effect::Deny, &["s3:GetObject", "s3:PutObject"], &["*"]);
        assert_eq!(
            check(&[a.clone(), b.clone()], std::slice::from_ref(&m)),
            Verdict::Equivalent
        );
        assert_eq!(check(&[m], &[a, b]), Verdict::Equivalent);
    }

    #[test]
    fn a_dropped_statement_is_a_counterexample() {
        let a = st(Effect::Deny, &["s3:GetObject"], &["*"]);
        let b = st(Effect::Deny, &["s3:PutObject"], &["*"]);
        match check(&[a.clone(), b], &[a]) {
            Verdict::Different {
                request,
                lowered,
                optimised,
            } => {
                assert_eq!(request.action, "s3:PutObject");
                assert_eq!(lowered, Decision::ExplicitDeny);
                assert_eq!(optimised, Decision::ImplicitDeny);
            }
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn a_wrongly_merged_negated_condition_is_caught() {
        let cond = |v: &[&str]| {
            condition_of(&[(
                Operator::plain(Op::StringNotEquals),
                "aws:RequestedRegion",
                v,
            )])
        };
        let mut a = st(Effect::Deny, &["bedrock:*"], &["*"]);
        a.condition = cond(&["us-east-1"]);
        let mut b = a.clone();
        b.condition = cond(&["us-west-2"]);
        // Unioning NOR values narrows the deny: us-east-1 is no longer denied by b's half.
        let mut wrong = a.clone();
        wrong.condition = cond(&["us-east-1", "us-west-2"]);
        assert_ne!(check(&[a, b], &[wrong]), Verdict::Equivalent);
    }

    #[test]
    fn seed_000_null_statement_drop_is_proven() {
        let invoke = [
            "bedrock:InvokeModel",
            "bedrock:InvokeModelWithResponseStream",
        ];
        let fm = ["arn:aws:bedrock:*::foundation-model/*"];
        let mut null = st(Effect::Deny, &invoke, &fm);
        null.condition = condition_of(&[(
            Operator::plain(Op::Null),
            "bedrock:InferenceProfileArn",
            &["true"],
        )]);
        let mut like = st(Effect::Deny, &invoke, &fm);
        like.condition = condition_of(&[(
            Operator::plain(Op::StringNotLike),
            "bedrock:InferenceProfileArn",
            &["arn:aws:bedrock:*:*:application-inference-profile/*"],
        )]);
        assert_eq!(check(&[null, like.clone()], &[like]), Verdict::Equivalent);
    }
}
