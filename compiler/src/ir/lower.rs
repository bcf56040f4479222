//! Core rules (layer 2) → IAM statements (layer 3), a pure function.
//!
//! A rule's condition is pushed into negation normal form, then multiplied out into
//! disjunctive normal form: each `||` alternative becomes one statement with the same effect,
//! action and resource (statements of one effect are ORed), and each conjunction becomes one
//! `Condition` block (operators and keys are ANDed, aws.md §3.2). Every negated predicate is
//! mapped to the IAM operator that is its exact complement, missing keys included (aws.md §3.3):
//! `!(k == v)` is `StringNotEquals` (true on a missing key), `!(k < v)` is
//! `NumericGreaterThanEqualsIfExists`, `!(any k in L)` is `ForAllValues:StringNotEquals`.

use super::{
    Condition, Effect, FlatSet, Interner, Name, Op, Operator, Policy, PolicyKind, Qualifier, Scope,
    Statement,
};
use crate::catalog::Catalog;
use crate::diagnostics::{Code, Diagnostic};
use crate::rules::{self, Cond, Family, Pred, ScopeSet, Test};

/// The most statements one rule may expand to.
pub const MAX_STATEMENTS_PER_RULE: usize = 64;

/// Lowers one policy block. Errors name the rule that cannot be expressed. The statements'
/// strings come from `names`, shared with every other policy lowered through it.
pub fn lower_policy(
    cat: &Catalog,
    p: &rules::Policy,
    names: &Interner,
) -> (Policy, Vec<Diagnostic>) {
    let mut statements = Vec::new();
    let mut diags = Vec::new();
    for r in &p.rules {
        match lower_rule(cat, r, names) {
            Ok(s) => statements.extend(s),
            Err(d) => diags.push(*d),
        }
    }
    // Kept in the compile output: no doubling slack (a `Statement` is about 150 bytes).
    statements.shrink_to_fit();
    let kind = p.kind;
    // An SCP with a `permit` (an allow-list) stands in for FullAWSAccess on its targets, even
    // when its Allows lower to nothing (then its targets allow nothing).
    let replaces_full_access =
        kind == PolicyKind::Scp && p.rules.iter().any(|r| r.effect == rules::Effect::Permit);
    (
        Policy {
            name: p.name.clone(),
            kind,
            file: p.file.clone(),
            span: p.span,
            statements,
            replaces_full_access,
        },
        diags,
    )
}

/// A predicate, possibly negated. `or_absent`: it also holds when the key is missing (a
/// positive test merged with `is absent`, written with `…IfExists`).
#[derive(Clone, Debug, PartialEq)]
struct Lit<'a> {
    pred: &'a Pred,
    negated: bool,
    or_absent: bool,
}

/// Disjunctive normal form: alternatives of conjunctions. `[]` is false, `[[]]` true.
type Dnf<'a> = Vec<Vec<Lit<'a>>>;

pub fn lower_rule(
    cat: &Catalog,
    r: &rules::Rule,
    names: &Interner,
) -> Result<Vec<Statement>, Box<Diagnostic>> {
    let too_many = || {
        Diagnostic::new(
            Code::E0400,
            r.origin.span,
            format!("this rule expands to more than {MAX_STATEMENTS_PER_RULE} IAM statements"),
        )
        .in_file(&r.origin.file)
        .with_label("its condition multiplies out into too many alternatives")
        .with_help("split the rule into several rules, each with part of the `||` alternatives")
    };
    let dnf = merge_absent(dnf(&r.cond, false).ok_or_else(|| Box::new(too_many()))?);
    let effect = match r.effect {
        rules::Effect::Forbid => Effect::Deny,
        rules::Effect::Permit => Effect::Allow,
    };
    let Some(action) = scope(cat, &r.action, true, names) else {
        return Ok(Vec::new());
    };
    let Some(resource) = scope(cat, &r.resource, false, names) else {
        return Ok(Vec::new());
    };
    let origin = r.origin.clone();
    let mut out = Vec::new();
    for conj in dnf {
        let mut condition = Condition::new();
        let mut satisfiable = true;
        for lit in &conj {
            match add_literal(&mut condition, lit, names) {
                Ok(true) => {}
                Ok(false) => {
                    satisfiable = false;
                    break;
                }
                Err(why) => {
                    return Err(Box::new(Diagnostic::new(
                        Code::E0400,
                        r.origin.span,
                        format!("this rule cannot be written as an IAM statement: {why}"),
                    )
                    .in_file(&r.origin.file)
                    .with_label("not expressible in one IAM condition block")
                    .with_help(
                        "combine the tests of the key into one (`like [a, b]`), or split the rule",
                    )));
                }
            }
        }
        if !satisfiable {
            continue;
        }
        let mut s = Statement {
            effect,
            action: action.clone(),
            resource: resource.clone(),
            condition,
            origins: FlatSet::from([origin.clone()]),
            sid: None,
        };
        if !out.contains(&s) {
            s.shrink_to_fit();
            out.push(s);
        }
    }
    Ok(out)
}

/// `None` when the set matches nothing (an empty `In`), so the rule never applies.
fn scope(cat: &Catalog, s: &ScopeSet, actions: bool, names: &Interner) -> Option<Scope> {
    let canon = |v: &Name| -> Name {
        if actions {
            if let Some(a) = cat.action_by_full_name(v) {
                return names.name(&a.full_name());
            }
        }
        v.clone()
    };
    match s {
        ScopeSet::Any => Some(Scope::any()),
        ScopeSet::In(vs) if vs.is_empty() => None,
        ScopeSet::In(vs) => Some(Scope::of(vs.iter().map(canon))),
        ScopeSet::NotIn(vs) if vs.is_empty() => Some(Scope::any()),
        ScopeSet::NotIn(vs) => Some(Scope::not_of(vs.iter().map(canon))),
    }
}

/// The condition in DNF, negated when `neg`; `None` when it grows past the limit.
fn dnf(c: &Cond, neg: bool) -> Option<Dnf<'_>> {
    let out = match (c, neg) {
        (Cond::True, false) => vec![Vec::new()],
        (Cond::True, true) => Vec::new(),
        (Cond::Not(inner), n) => dnf(inner, !n)?,
        (Cond::Pred(p), n) => vec![vec![Lit {
            pred: p,
            negated: n,
            or_absent: false,
        }]],
        // Or, or a negated And (De Morgan): alternatives side by side.
        (Cond::Or(cs), false) | (Cond::And(cs), true) => {
            let mut out = Vec::new();
            for c in cs {
                out.extend(dnf(c, neg)?);
                if out.len() > MAX_STATEMENTS_PER_RULE {
                    return None;
                }
            }
            out
        }
        // And, or a negated Or: the cross product.
        (Cond::And(cs), false) | (Cond::Or(cs), true) => {
            let mut acc: Dnf = vec![Vec::new()];
            for c in cs {
                let d = dnf(c, neg)?;
                let mut next = Vec::with_capacity(acc.len() * d.len());
                for a in &acc {
                    for b in &d {
                        let mut conj = a.clone();
                        conj.extend(b.iter().cloned());
                        next.push(conj);
                    }
                }
                if next.len() > MAX_STATEMENTS_PER_RULE {
                    return None;
                }
                acc = next;
            }
            acc
        }
    };
    Some(out)
}

/// Joins alternatives that differ only in `k is absent` against a test of `k`:
/// `R && k is absent || R && k OP v` is `R && k OP v` written `OPIfExists` (one statement
/// instead of two), and `R && k is absent || R && !(k OP v)` is the second alone, because a
/// negated test is already true on a missing key. Only unqualified tests: a set qualifier has
/// its own missing-key rule.
fn merge_absent(mut dnf: Dnf<'_>) -> Dnf<'_> {
    while let Some((i, j, b)) = absent_pair(&dnf) {
        let positive = dnf
            .get(j)
            .and_then(|c| c.get(b))
            .is_some_and(|l| !l.negated);
        if positive {
            if let Some(l) = dnf.get_mut(j).and_then(|c| c.get_mut(b)) {
                l.or_absent = true;
            }
        }
        dnf.remove(i);
    }
    dnf
}

/// Alternative `i` is `R && k is absent` and alternative `j` is `R && T` with `T` (at `b`) an
/// unqualified test of `k`.
fn absent_pair(dnf: &Dnf<'_>) -> Option<(usize, usize, usize)> {
    let is_absent = |l: &Lit<'_>| !l.negated && !l.or_absent && l.pred.test == Test::Absent;
    for (i, ci) in dnf.iter().enumerate() {
        for (a, absent) in ci.iter().enumerate().filter(|(_, l)| is_absent(l)) {
            for (j, cj) in dnf.iter().enumerate() {
                if i == j || cj.len() != ci.len() {
                    continue;
                }
                for (b, other) in cj.iter().enumerate() {
                    if other.pred.key != absent.pred.key
                        || other.pred.qualifier.is_some()
                        || other.or_absent
                        || other.pred.test == Test::Absent
                    {
                        continue;
                    }
                    // The rest of each is the same set of literals.
                    let within = |c: &[Lit<'_>], skip: usize, l: &Lit<'_>| {
                        c.iter().enumerate().any(|(y, m)| y != skip && m == l)
                    };
                    let same_rest = ci
                        .iter()
                        .enumerate()
                        .filter(|(x, _)| *x != a)
                        .all(|(_, l)| within(cj, b, l))
                        && cj
                            .iter()
                            .enumerate()
                            .filter(|(y, _)| *y != b)
                            .all(|(_, l)| within(ci, a, l));
                    if same_rest {
                        return Some((i, j, b));
                    }
                }
            }
        }
    }
    None
}

/// What one literal becomes in a condition block.
enum Lowered {
    /// Always true: leave it out.
    True,
    /// Never true: the conjunction is unsatisfiable.
    False,
    Entry(Operator, FlatSet<Name>),
}

fn lower_literal(lit: &Lit<'_>, names: &Interner) -> Result<Lowered, String> {
    let p = lit.pred;
    let neg = lit.negated;
    // `any`/`all` swap under negation: !(any k in L) = all k not in L (aws.md §3.3).
    let qualifier = p.qualifier.map(|q| match (q, neg) {
        (rules::Qualifier::Any, false) | (rules::Qualifier::All, true) => Qualifier::ForAnyValue,
        (rules::Qualifier::All, false) | (rules::Qualifier::Any, true) => Qualifier::ForAllValues,
    });
    let entry = |op: Op, if_exists: bool, values: FlatSet<Name>| {
        Lowered::Entry(
            Operator {
                qualifier,
                op,
                if_exists,
            },
            values,
        )
    };
    // The rules' values are already shared (the desugaring interns them).
    let set = |vs: &[Name]| -> FlatSet<Name> { vs.iter().cloned().collect() };
    // A positive test that also holds on a missing key (see `merge_absent`).
    let or_absent = lit.or_absent && !neg && qualifier.is_none();
    match &p.test {
        Test::Absent => Ok(Lowered::Entry(
            Operator::plain(Op::Null),
            FlatSet::from([names.name(if neg { "false" } else { "true" })]),
        )),
        Test::Eq(vs) | Test::Like(vs) if vs.is_empty() => {
            // "equal to one of no values": false; its complement true.
            Ok(if neg {
                Lowered::True
            } else if or_absent {
                Lowered::Entry(
                    Operator::plain(Op::Null),
                    FlatSet::from([names.name("true")]),
                )
            } else {
                Lowered::False
            })
        }
        Test::Eq(vs) => {
            let (pos, negop) = match p.family {
                Family::String => (Op::StringEquals, Some(Op::StringNotEquals)),
                Family::Arn => (Op::ArnEquals, Some(Op::ArnNotEquals)),
                Family::Numeric => (Op::NumericEquals, Some(Op::NumericNotEquals)),
                Family::Date => (Op::DateEquals, Some(Op::DateNotEquals)),
                Family::Ip => (Op::IpAddress, Some(Op::NotIpAddress)),
                Family::Binary => (Op::BinaryEquals, None),
                Family::Bool => {
                    let values: FlatSet<Name> = vs
                        .iter()
                        .map(|v| names.name(&v.to_ascii_lowercase()))
                        .collect();
                    if !neg {
                        return Ok(entry(Op::Bool, or_absent, values));
                    }
                    // !(k == true): the key is missing or false. `BoolIfExists` with the other
                    // value says exactly that; under a qualifier the swapped qualifier does.
                    let other: FlatSet<Name> = ["true", "false"]
                        .iter()
                        .filter(|b| !values.contains(**b))
                        .map(|b| names.name(b))
                        .collect();
                    if other.is_empty() {
                        return Ok(if qualifier.is_some() {
                            Lowered::False
                        } else {
                            Lowered::Entry(
                                Operator::plain(Op::Null),
                                FlatSet::from([names.name("true")]),
                            )
                        });
                    }
                    return Ok(entry(Op::Bool, qualifier.is_none(), other));
                }
            };
            if !neg {
                return Ok(entry(pos, or_absent, set(vs)));
            }
            match negop {
                Some(op) => Ok(entry(op, false, set(vs))),
                None => Err(format!(
                    "IAM has no negated form of `BinaryEquals` for `{}`",
                    p.key
                )),
            }
        }
        Test::Like(vs) => {
            let (pos, negop) = match p.family {
                Family::Arn => (Op::ArnLike, Op::ArnNotLike),
                _ => (Op::StringLike, Op::StringNotLike),
            };
            Ok(entry(if neg { negop } else { pos }, or_absent, set(vs)))
        }
        Test::Lt(v) | Test::Le(v) | Test::Gt(v) | Test::Ge(v) => {
            let date = p.family == Family::Date;
            let pick = |n: Op, d: Op| if date { d } else { n };
            let (op, complement) = match &p.test {
                Test::Lt(_) => (
                    pick(Op::NumericLessThan, Op::DateLessThan),
                    pick(Op::NumericGreaterThanEquals, Op::DateGreaterThanEquals),
                ),
                Test::Le(_) => (
                    pick(Op::NumericLessThanEquals, Op::DateLessThanEquals),
                    pick(Op::NumericGreaterThan, Op::DateGreaterThan),
                ),
                Test::Gt(_) => (
                    pick(Op::NumericGreaterThan, Op::DateGreaterThan),
                    pick(Op::NumericLessThanEquals, Op::DateLessThanEquals),
                ),
                _ => (
                    pick(Op::NumericGreaterThanEquals, Op::DateGreaterThanEquals),
                    pick(Op::NumericLessThan, Op::DateLessThan),
                ),
            };
            let values = FlatSet::from([v.clone()]);
            if !neg {
                Ok(entry(op, or_absent, values))
            } else {
                // The complement must also hold on a missing key: `IfExists` (a qualifier
                // already gives the right answer there).
                Ok(entry(complement, qualifier.is_none(), values))
            }
        }
    }
}

/// ANDs one literal into a condition block. `Ok(false)`: the block can never be true.
fn add_literal(c: &mut Condition, lit: &Lit<'_>, names: &Interner) -> Result<bool, String> {
    let (op, values) = match lower_literal(lit, names)? {
        Lowered::True => return Ok(true),
        Lowered::False => return Ok(false),
        Lowered::Entry(op, values) => (op, values),
    };
    let key = lit.pred.key.clone();
    if op.op == Op::Null {
        // Null true and Null false on one key contradict each other.
        let other = c
            .get(&op)
            .and_then(|keys| keys.get(&key))
            .map(|vs| vs != &values);
        return match other {
            Some(true) => Ok(false),
            Some(false) => Ok(true),
            None => {
                c.entry(op).or_default().insert(key, values);
                Ok(true)
            }
        };
    }
    let existing = c.get(&op).and_then(|keys| keys.get(&key)).cloned();
    let Some(existing) = existing else {
        c.entry(op).or_default().insert(key, values);
        return Ok(true);
    };
    // Negated operators NOR their values, so two ANDed negated tests are one test of the union
    // (also under ForAllValues, which applies the NOR to every value).
    if op.op.is_negated() && op.qualifier != Some(Qualifier::ForAnyValue) {
        c.entry(op)
            .or_default()
            .insert(key, existing.union(&values).cloned().collect());
        return Ok(true);
    }
    // Exact equality ANDed: the intersection.
    if matches!(op.op, Op::StringEquals | Op::Bool) && op.qualifier.is_none() && !op.if_exists {
        let both: FlatSet<Name> = existing.intersection(&values).cloned().collect();
        if both.is_empty() {
            return Ok(false);
        }
        c.entry(op).or_default().insert(key, both);
        return Ok(true);
    }
    // A second positive test of a key the first already requires to be present: the
    // `IfExists` form is the same test on present keys and lives under another JSON name.
    if !op.if_exists && op.qualifier.is_none() && !op.on_missing_key() {
        let alt = Operator {
            if_exists: true,
            ..op
        };
        let free = c.get(&alt).is_none_or(|keys| !keys.contains_key(&key));
        if free {
            c.entry(alt).or_default().insert(key, values);
            return Ok(true);
        }
    }
    Err(format!(
        "`{}` is tested more than twice with `{op}`",
        lit.pred.key
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Origin as RuleOrigin, Qualifier as Q, Rule};
    use crate::syntax::Span;

    fn pred(key: &str, family: Family, qualifier: Option<Q>, test: Test) -> Cond {
        Cond::Pred(Pred {
            key: key.into(),
            family,
            qualifier,
            test,
        })
    }

    fn rule(cond: Cond) -> Rule {
        Rule {
            effect: rules::Effect::Forbid,
            action: ScopeSet::In(vec!["bedrock:InvokeModel".into()]),
            resource: ScopeSet::Any,
            cond,
            origin: RuleOrigin {
                file: "t.gov".into(),
                span: Span::new(0, 1),
                policy: "p".into(),
                label: "Forbid".into(),
            },
        }
    }

    fn conditions(cond: Cond) -> Vec<String> {
        lower_rule(
            &crate::catalog::embedded(),
            &rule(cond),
            &Interner::default(),
        )
        .unwrap()
        .iter()
        .map(|s| {
            let mut out = String::new();
            json::condition(&s.condition, &mut out);
            out
        })
        .collect()
    }

    use super::super::json;

    fn region(vs: &[&str]) -> Cond {
        pred(
            "aws:RequestedRegion",
            Family::String,
            None,
            Test::Eq(vs.iter().map(|&v| v.into()).collect()),
        )
    }

    #[test]
    fn negations_are_exact_complements() {
        assert_eq!(
            conditions(Cond::negate(region(&["us-east-1"]))),
            [r#"{"StringNotEquals":{"aws:RequestedRegion":"us-east-1"}}"#]
        );
        let lt = pred(
            "aws:MultiFactorAuthAge",
            Family::Numeric,
            None,
            Test::Lt("3600".into()),
        );
        assert_eq!(
            conditions(Cond::negate(lt)),
            [r#"{"NumericGreaterThanEqualsIfExists":{"aws:MultiFactorAuthAge":"3600"}}"#]
        );
        let mcp = pred(
            "aws:ViaAWSMCPService",
            Family::Bool,
            None,
            Test::Eq(vec!["true".into()]),
        );
        assert_eq!(
            conditions(Cond::negate(mcp)),
            [r#"{"BoolIfExists":{"aws:ViaAWSMCPService":"false"}}"#]
        );
        let any = pred(
            "aws:TagKeys",
            Family::String,
            Some(Q::Any),
            Test::Eq(vec!["a".into()]),
        );
        assert_eq!(
            conditions(Cond::negate(any)),
            [r#"{"ForAllValues:StringNotEquals":{"aws:TagKeys":"a"}}"#]
        );
    }

    #[test]
    fn or_splits_into_statements_and_de_morgan_applies() {
        let c = Cond::Or(vec![region(&["a"]), region(&["b"])]);
        assert_eq!(conditions(c.clone()).len(), 2);
        // !(a || b) = !a && !b: one statement, the NOR of both values.
        assert_eq!(
            conditions(Cond::negate(c)),
            [r#"{"StringNotEquals":{"aws:RequestedRegion":["a","b"]}}"#]
        );
    }

    #[test]
    fn contradictions_drop_the_statement() {
        let absent = pred("k:k", Family::String, None, Test::Absent);
        assert!(conditions(Cond::And(vec![absent.clone(), Cond::negate(absent)])).is_empty());
        assert!(conditions(Cond::And(vec![region(&["a"]), region(&["b"])])).is_empty());
        assert_eq!(
            conditions(Cond::And(vec![region(&["a", "b"]), region(&["b", "c"])])),
            [r#"{"StringEquals":{"aws:RequestedRegion":"b"}}"#]
        );
    }

    #[test]
    fn second_positive_test_uses_if_exists_and_a_third_is_an_error() {
        let like = |p: &str| pred("k:k", Family::String, None, Test::Like(vec![p.into()]));
        assert_eq!(
            conditions(Cond::And(vec![like("a*"), like("*b")])),
            [r#"{"StringLike":{"k:k":"a*"},"StringLikeIfExists":{"k:k":"*b"}}"#]
        );
        let err = lower_rule(
            &crate::catalog::embedded(),
            &rule(Cond::And(vec![like("a*"), like("*b"), like("*c*")])),
            &Interner::default(),
        );
        assert_eq!(err.unwrap_err().code, Code::E0400);
    }

    #[test]
    fn expansion_is_bounded() {
        let alts = |n: usize| Cond::Or((0..n).map(|i| region(&[&format!("r{i}")])).collect());
        // (8 alternatives)^3 = 512 statements: refused, not built.
        let c = Cond::And(vec![alts(8), alts(8), alts(8)]);
        assert_eq!(
            lower_rule(&crate::catalog::embedded(), &rule(c), &Interner::default())
                .unwrap_err()
                .code,
            Code::E0400
        );
    }
}
