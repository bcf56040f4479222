//! The optimiser's law: `decide(optimize(s), r) == decide(s, r)` for every request `r`.
//!
//! Statements and requests are drawn from one small alphabet (actions, ARNs, condition keys and
//! values) so that requests hit the patterns and conditions, and each list carries copies and
//! near-copies of its own statements so that merges and subsumption actually fire. The last
//! tests run the same check against deliberately broken passes to show it catches them.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::collections::{BTreeMap, BTreeSet};

use govc_compiler::catalog::embedded as catalog;
use govc_compiler::ir::eval::{decide, ContextValue, Request};
use govc_compiler::ir::{
    Condition, Effect, FlatSet, Name, Op, Operator, Origin, Qualifier, Scope, Statement,
};
use govc_compiler::optimize::{optimize, Options};
use govc_compiler::syntax::Span;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

const ACTIONS: &[&str] = &[
    "bedrock:InvokeModel",
    "bedrock:InvokeModelWithResponseStream",
    "bedrock:Invoke*",
    "bedrock:*",
    "bedrock:?nvokeModel",
    "BEDROCK:invokemodel",
    "bedrock:InvokeAgent",
    "s3:GetObject",
    "s3:*",
    "*",
];

/// Request actions: catalog actions first (the compression property uses only those), then
/// spellings and names the catalog does not have.
const CATALOG_REQUEST_ACTIONS: &[&str] = &[
    "bedrock:InvokeModel",
    "bedrock:InvokeModelWithResponseStream",
    "bedrock:InvokeAgent",
    "bedrock:CreateGuardrail",
    "s3:GetObject",
    "s3:PutObject",
    "iam:CreateRole",
];
const OTHER_REQUEST_ACTIONS: &[&str] = &[
    "BEDROCK:INVOKEMODEL",
    "bedrock:InvokeModelFuture",
    "bedrock:InvokeMars",
];

const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:bedrock:*::foundation-model/*",
    "arn:aws:bedrock:us-east-1::foundation-model/m1",
    "arn:aws:bedrock:*:*:inference-profile/*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/x",
];
const REQUEST_RESOURCES: &[&str] = &[
    "arn:aws:bedrock:us-east-1::foundation-model/m1",
    "arn:aws:bedrock:eu-west-1::foundation-model/m2",
    "arn:aws:bedrock:us-east-1:123456789012:inference-profile/p",
    "arn:aws:s3:::b/x",
    "arn:aws:s3:::b/y",
    "arn:aws:s3:::c",
];

const KEYS: &[&str] = &["k1", "k2", "k3"];
const STRING_VALUES: &[&str] = &["a", "b", "ab", "a*", "*b", "?b"];
const REQUEST_VALUES: &[&str] = &["a", "b", "ab", "bb", "c", "true", "false"];
const BOOLS: &[&str] = &["true", "false"];
const OPS: &[Op] = &[
    Op::StringEquals,
    Op::StringNotEquals,
    Op::StringLike,
    Op::StringNotLike,
    Op::Null,
    Op::Bool,
];

fn origin(label: String) -> Origin {
    Origin {
        file: "props.gov".into(),
        span: Span::default(),
        policy: "p".into(),
        label: label.into(),
    }
}

fn values(pool: &'static [&'static str], max: usize) -> impl Strategy<Value = FlatSet<Name>> {
    subsequence(pool, 1..=max).prop_map(|vs| vs.into_iter().map(Name::from).collect())
}

fn scope(
    pool: &'static [&'static str],
    max: usize,
    negated_one_in: u32,
) -> impl Strategy<Value = Scope> {
    (
        values(pool, max),
        prop::bool::weighted(1.0 / f64::from(negated_one_in)),
    )
        .prop_map(|(values, negated)| Scope { negated, values })
}

fn operator() -> impl Strategy<Value = Operator> {
    let qualifier = prop_oneof![
        4 => Just(None),
        1 => Just(Some(Qualifier::ForAnyValue)),
        2 => Just(Some(Qualifier::ForAllValues)),
    ];
    (select(OPS), qualifier, prop::bool::weighted(0.2)).prop_map(|(op, qualifier, if_exists)| {
        if op == Op::Null {
            Operator::plain(op)
        } else {
            Operator {
                qualifier,
                op,
                if_exists,
            }
        }
    })
}

type Entry = (Operator, Name, FlatSet<Name>);

fn entry() -> impl Strategy<Value = Entry> {
    (
        operator(),
        select(KEYS),
        values(STRING_VALUES, 3),
        values(BOOLS, 2),
    )
        .prop_map(|(operator, key, strings, bools)| {
            let vs = match operator.op {
                // One value (`"true"` when both were drawn): `Null {k: ["true", "false"]}`
                // always holds.
                Op::Null => bools.into_iter().next_back().into_iter().collect(),
                Op::Bool => bools,
                _ => strings,
            };
            (operator, Name::from(key), vs)
        })
}

fn condition() -> impl Strategy<Value = Condition> {
    prop::collection::vec(entry(), 0..=3).prop_map(|entries| {
        let mut c = Condition::new();
        for (operator, key, vs) in entries {
            c.entry(operator).or_default().insert(key, vs);
        }
        c
    })
}

fn statement() -> impl Strategy<Value = Statement> {
    let effect = prop_oneof![3 => Just(Effect::Deny), 1 => Just(Effect::Allow)];
    (
        effect,
        scope(ACTIONS, 3, 5),
        scope(RESOURCES, 2, 6),
        condition(),
    )
        .prop_map(|(effect, action, resource, condition)| Statement {
            effect,
            action,
            resource,
            condition,
            origins: FlatSet::new(),
            sid: None,
        })
}

/// How a near-copy differs from the statement it copies.
#[derive(Clone, Debug)]
enum Change {
    Same,
    Actions(Scope),
    Resources(Scope),
    /// New values for one existing entry (index modulo the entry count).
    EntryValues(usize, FlatSet<Name>),
    AddEntry(Entry),
    DropEntry(usize),
    /// Seed 000's pattern: the same scope with `Null {k: "true"}` for a key of the original.
    NullOf(usize),
    Effect,
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        2 => Just(Change::Same),
        2 => scope(ACTIONS, 2, 6).prop_map(Change::Actions),
        1 => scope(RESOURCES, 2, 8).prop_map(Change::Resources),
        3 => (any::<usize>(), values(STRING_VALUES, 2)).prop_map(|(i, v)| Change::EntryValues(i, v)),
        2 => entry().prop_map(Change::AddEntry),
        1 => any::<usize>().prop_map(Change::DropEntry),
        2 => any::<usize>().prop_map(Change::NullOf),
        1 => Just(Change::Effect),
    ]
}

fn entries(c: &Condition) -> Vec<(Operator, Name)> {
    c.iter()
        .flat_map(|(&o, keys)| keys.keys().map(move |k| (o, k.clone())))
        .collect()
}

fn apply(mut s: Statement, change: &Change) -> Statement {
    match change {
        Change::Same => {}
        Change::Actions(a) => s.action = a.clone(),
        Change::Resources(r) => s.resource = r.clone(),
        Change::EntryValues(i, vs) => {
            let es = entries(&s.condition);
            if let Some((o, k)) = es.get(i % es.len().max(1)) {
                let vs = if matches!(o.op, Op::Null | Op::Bool) {
                    FlatSet::from([Name::from("true"), Name::from("false")])
                } else {
                    vs.clone()
                };
                s.condition.get_mut(o).unwrap().insert(k.clone(), vs);
            }
        }
        Change::AddEntry((o, k, vs)) => {
            s.condition
                .entry(*o)
                .or_default()
                .insert(k.clone(), vs.clone());
        }
        Change::DropEntry(i) => {
            let es = entries(&s.condition);
            if let Some((o, k)) = es.get(i % es.len().max(1)) {
                let keys = s.condition.get_mut(o).unwrap();
                keys.remove(k);
                if keys.is_empty() {
                    s.condition.remove(o);
                }
            }
        }
        Change::NullOf(i) => {
            let es = entries(&s.condition);
            let key = es
                .get(i % es.len().max(1))
                .map_or_else(|| Name::from(KEYS[i % KEYS.len()]), |(_, k)| k.clone());
            s.condition = Condition::new();
            s.condition
                .entry(Operator::plain(Op::Null))
                .or_default()
                .insert(key, FlatSet::from([Name::from("true")]));
        }
        Change::Effect => {
            s.effect = match s.effect {
                Effect::Allow => Effect::Deny,
                Effect::Deny => Effect::Allow,
            }
        }
    }
    s
}

/// A few statements, then near-copies of them, each with its own origin.
fn statements() -> impl Strategy<Value = Vec<Statement>> {
    (
        prop::collection::vec(statement(), 1..=5),
        prop::collection::vec((any::<usize>(), change()), 0..=6),
    )
        .prop_map(|(base, copies)| {
            let mut out = base.clone();
            for (i, c) in &copies {
                let from = out[i % out.len()].clone();
                out.push(apply(from, c));
            }
            for (n, s) in out.iter_mut().enumerate() {
                s.origins = FlatSet::from([origin(format!("s{n}"))]);
            }
            out
        })
}

/// A request drawn from a seed: 40 requests per case from plain `u64`s generate (and shrink)
/// far faster than nested strategies. `actions` are the request actions to pick from.
fn request_from(seed: u64, actions: &[&'static str]) -> Request {
    // SplitMix64: a few good bits per choice.
    let mut state = seed;
    let mut next = |n: usize| -> usize {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n as u64) as usize
    };
    let action = actions[next(actions.len())];
    let resource = REQUEST_RESOURCES[next(REQUEST_RESOURCES.len())];
    let mut context = BTreeMap::new();
    for key in KEYS {
        let value = match next(8) {
            0 | 1 => continue,
            2..=4 => ContextValue::One(REQUEST_VALUES[next(REQUEST_VALUES.len())].to_string()),
            _ => ContextValue::Many(
                (0..next(5))
                    .map(|_| REQUEST_VALUES[next(REQUEST_VALUES.len())].to_string())
                    .collect(),
            ),
        };
        // Key names are case-insensitive.
        let key = if next(2) == 0 {
            key.to_uppercase()
        } else {
            key.to_string()
        };
        context.insert(key, value);
    }
    Request {
        action: action.to_string(),
        resource: resource.to_string(),
        context,
    }
}

fn all_request_actions() -> Vec<&'static str> {
    CATALOG_REQUEST_ACTIONS
        .iter()
        .chain(OTHER_REQUEST_ACTIONS)
        .copied()
        .collect()
}

fn case(actions: Vec<&'static str>) -> impl Strategy<Value = (Vec<Statement>, Vec<Request>)> {
    (statements(), prop::collection::vec(any::<u64>(), 40)).prop_map(move |(s, seeds)| {
        let requests = seeds.iter().map(|&n| request_from(n, &actions)).collect();
        (s, requests)
    })
}

/// Same decision on every request.
fn check(
    original: &[Statement],
    optimised: &[Statement],
    requests: &[Request],
) -> Result<(), TestCaseError> {
    for r in requests {
        let before = decide(original, r);
        let after = decide(optimised, r);
        prop_assert_eq!(
            before,
            after,
            "request {:?}\noriginal {:#?}\noptimised {:#?}",
            r,
            original,
            optimised
        );
    }
    Ok(())
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

/// The law, plus the optimiser's other promises: no new statements, no new origins, a
/// fixpoint.
fn run_law(opts: Options, actions: Vec<&'static str>) {
    runner(2000)
        .run(&case(actions), |(original, requests)| {
            let optimised = optimize(&catalog(), original.clone(), &opts);
            check(&original, &optimised, &requests)?;
            prop_assert!(optimised.len() <= original.len());
            let input_origins: BTreeSet<&Origin> =
                original.iter().flat_map(|s| &s.origins).collect();
            prop_assert!(optimised
                .iter()
                .flat_map(|s| &s.origins)
                .all(|o| input_origins.contains(o)));
            prop_assert_eq!(&optimize(&catalog(), optimised.clone(), &opts), &optimised);
            Ok(())
        })
        .unwrap();
}

#[test]
fn optimize_preserves_every_decision() {
    run_law(Options::default(), all_request_actions());
}

/// Compression widens a Deny only to actions the catalog does not know, so the law is checked
/// on catalog actions.
#[test]
fn compressed_optimize_preserves_decisions_on_catalog_actions() {
    for a in CATALOG_REQUEST_ACTIONS {
        assert!(catalog().action_by_full_name(a).is_some(), "{a}");
    }
    run_law(
        Options {
            compress_actions: true,
        },
        CATALOG_REQUEST_ACTIONS.to_vec(),
    );
}

/// The generator really exercises the passes: a fair share of cases shrink.
#[test]
fn the_generator_makes_passes_fire() {
    let mut runner = runner(1);
    let strategy = statements();
    let mut shrunk = 0;
    for _ in 0..300 {
        let s = strategy.new_tree(&mut runner).unwrap().current();
        if optimize(&catalog(), s.clone(), &Options::default()).len() < s.len() {
            shrunk += 1;
        }
    }
    assert!(shrunk > 150, "only {shrunk} of 300 lists got shorter");
}

// ------------------------------------------------------------------------------------------
// The check has teeth: broken passes fail it.
// ------------------------------------------------------------------------------------------

/// Runs the law against `pass` and expects a counterexample.
fn expect_caught(pass: fn(Vec<Statement>) -> Vec<Statement>) {
    let mut runner = TestRunner::new(Config {
        cases: 2000,
        failure_persistence: None,
        max_shrink_iters: 0,
        ..Config::default()
    });
    let result = runner.run(&case(all_request_actions()), |(original, requests)| {
        let broken = pass(original.clone());
        check(&original, &broken, &requests)
    });
    assert!(result.is_err(), "the broken pass was not caught");
}

/// Merges the first two same-effect statements with equal resources by unioning actions,
/// keeping only the first condition.
fn merge_ignoring_conditions(mut s: Vec<Statement>) -> Vec<Statement> {
    for i in 0..s.len() {
        for j in i + 1..s.len() {
            if s[i].effect == s[j].effect
                && s[i].resource == s[j].resource
                && s[i].condition != s[j].condition
                && !s[i].action.negated
                && !s[j].action.negated
            {
                let b = s.remove(j);
                s[i].action.values.extend(b.action.values);
                return s;
            }
        }
    }
    s
}

/// Unions the values of one differing key whatever the operator — wrong for negated operators
/// (NOR) and ForAllValues.
fn merge_values_under_any_operator(mut s: Vec<Statement>) -> Vec<Statement> {
    for i in 0..s.len() {
        for j in i + 1..s.len() {
            let (a, b) = (&s[i], &s[j]);
            if a.effect != b.effect || a.action != b.action || a.resource != b.resource {
                continue;
            }
            let ea = entries(&a.condition);
            if ea != entries(&b.condition) {
                continue;
            }
            let differing: Vec<&(Operator, Name)> = ea
                .iter()
                .filter(|(o, k)| a.condition[o][k] != b.condition[o][k])
                .collect();
            if let [(o, k)] = differing.as_slice() {
                let negated_or_all =
                    o.op.is_negated() || o.qualifier == Some(Qualifier::ForAllValues);
                if !negated_or_all {
                    continue;
                }
                let (o, k) = (*o, k.clone());
                let extra = b.condition[&o][&k].clone();
                s.remove(j);
                s[i].condition
                    .get_mut(&o)
                    .unwrap()
                    .get_mut(&k)
                    .unwrap()
                    .extend(extra);
                return s;
            }
        }
    }
    s
}

/// Drops the seed-000 `Null` statement the wrong way round: the broader statement goes.
fn drop_the_wider_statement(s: Vec<Statement>) -> Vec<Statement> {
    let mut out = s.clone();
    for (i, a) in s.iter().enumerate() {
        for b in &s {
            if !std::ptr::eq(a, b) && govc_compiler::optimize::subsumes(a, b) && a.key() != b.key()
            {
                out.remove(i);
                return out;
            }
        }
    }
    out
}

#[test]
fn a_merge_that_ignores_conditions_is_caught() {
    expect_caught(merge_ignoring_conditions);
}

#[test]
fn a_value_union_under_a_negated_operator_is_caught() {
    expect_caught(merge_values_under_any_operator);
}

#[test]
fn dropping_the_covering_statement_is_caught() {
    expect_caught(drop_the_wider_statement);
}

// ------------------------------------------------------------------------------------------
// The equivalence check of `govc verify` (compiler/src/equivalence.rs).
// ------------------------------------------------------------------------------------------

use govc_compiler::equivalence::{self, Verdict};

/// Soundness: whenever the check says "equivalent", no sampled request is decided
/// differently; whenever it reports a counterexample, the counterexample really differs.
fn equivalence_is_sound_for(pass: fn(Vec<Statement>) -> Vec<Statement>) {
    runner(1000)
        .run(&case(all_request_actions()), |(original, requests)| {
            let other = pass(original.clone());
            match equivalence::check(&original, &other) {
                Verdict::Equivalent => check(&original, &other, &requests)?,
                Verdict::Different { request, .. } => {
                    prop_assert_ne!(decide(&original, &request), decide(&other, &request));
                }
                Verdict::Unproven { .. } => {}
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn equivalence_check_is_sound_on_the_optimiser_and_on_broken_passes() {
    equivalence_is_sound_for(|s| optimize(&catalog(), s, &Options::default()));
    equivalence_is_sound_for(merge_ignoring_conditions);
    equivalence_is_sound_for(merge_values_under_any_operator);
    equivalence_is_sound_for(drop_the_wider_statement);
}

/// Completeness on what the optimiser produces: the check proves (almost) every real
/// optimisation, so `govc verify` does not cry wolf.
#[test]
fn equivalence_check_proves_the_optimiser() {
    let mut runner = runner(1);
    let strategy = statements();
    let mut unproven = 0;
    for _ in 0..500 {
        let s = strategy.new_tree(&mut runner).unwrap().current();
        let o = optimize(&catalog(), s.clone(), &Options::default());
        match equivalence::check(&s, &o) {
            Verdict::Equivalent => {}
            Verdict::Different { .. } => {
                panic!("the optimiser changed a decision:\n{s:#?}\n{o:#?}")
            }
            Verdict::Unproven { .. } => unproven += 1,
        }
    }
    assert!(unproven <= 5, "{unproven} of 500 optimisations not proven");
}

/// The broken passes are reported, not proven.
#[test]
fn equivalence_check_catches_broken_passes() {
    for pass in [
        merge_ignoring_conditions as fn(Vec<Statement>) -> Vec<Statement>,
        merge_values_under_any_operator,
        drop_the_wider_statement,
    ] {
        let mut caught = false;
        let mut runner = runner(1);
        let strategy = statements();
        for _ in 0..2000 {
            let s = strategy.new_tree(&mut runner).unwrap().current();
            let broken = pass(s.clone());
            let differs = (0..40u64).any(|n| {
                let r = request_from(n, &all_request_actions());
                decide(&s, &r) != decide(&broken, &r)
            });
            if differs {
                assert_ne!(
                    equivalence::check(&s, &broken),
                    Verdict::Equivalent,
                    "a broken pass was proven"
                );
                caught = true;
            }
        }
        assert!(caught, "the broken pass never changed a sampled decision");
    }
}
