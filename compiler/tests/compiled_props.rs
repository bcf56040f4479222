//! The compiled evaluator (`ir::compiled`, used by `govc verify` and `govc simulate`) decides
//! exactly as the reference (`ir::eval`): on random statements and random requests, statement by
//! statement and list by list.
//!
//! Both sides draw from one small alphabet per element, chosen so that requests hit the patterns:
//! actions in several spellings (case, non-ASCII look-alikes, no colon), ARN patterns with
//! wildcards in the head segments and after them, every condition operator with values of its
//! own kind, and policy variables (resolvable, with defaults, escaped, unresolvable).
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::collections::{BTreeMap, BTreeSet};

use govc_compiler::ir::compiled::{self, CompiledStatement, StatementList};
use govc_compiler::ir::eval::{decide, statement_matches, ContextValue, Decision, Request};
use govc_compiler::ir::{Condition, Effect, Name, Op, Operator, Qualifier, Scope, Statement};
use govc_compiler::semantics::logic::Concrete;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

const ACTIONS: &[&str] = &[
    "*",
    "**",
    "bedrock:*",
    "bedrock:Invoke*",
    "BEDROCK:invokemodel",
    "bedrock:?nvoke*Stream",
    "bedrock:Invoke*Model",
    "bedrock-mantle:*",
    "s3:GetObject",
    "s?:*",
    "*:Get*",
    "iam",
    "ſ3:GetObject",
    "",
];
const REQUEST_ACTIONS: &[&str] = &[
    "bedrock:InvokeModel",
    "BEDROCK:INVOKEMODELWITHRESPONSESTREAM",
    "bedrock:InvokeModelWithResponseStream",
    "bedrock-mantle:CreateInference",
    "s3:GetObject",
    "S3:getobject",
    "s3:PutObject",
    "ſ3:GetObject",
    "iam",
    "iam:CreateRole",
    "",
];

const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:bedrock:*::foundation-model/*",
    "arn:aws:bedrock:us-east-1::foundation-model/m1",
    "arn:aws:bedrock:*:*:inference-profile/*",
    "arn:aws:bedrock:us-*1:*:*",
    "arn:aws:bedrock:?s-east-1::foundation-model/m?",
    "arn:aws:s3:::b/*x",
    "arn:aws:bedrock:*::foundation-model/m*1*",
    "arn:aws:s3:::b/*:*",
    "arn:aws:s3:::b/${aws:username}/*",
    "arn:aws:s3:::b/${aws:username, 'anon'}",
    "arn:aws:s3:::b/${*}",
    "arn:aws:${aws:username}:::b",
    "arn:aws:iam::*",
    "arn:aws:s3:::é/*",
];
const REQUEST_RESOURCES: &[&str] = &[
    "arn:aws:bedrock:us-east-1::foundation-model/m1",
    "arn:aws:bedrock:eu-west-1::foundation-model/m2",
    "arn:aws:bedrock:us-east-1:123456789012:inference-profile/p",
    "arn:aws:bedrock:us-east:1:1::x",
    "arn:aws:s3:::b/a:b:x",
    "arn:aws:s3:::b/alice/k",
    "arn:aws:s3:::b/anon",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::é/x",
    "arn:aws:iam::1:role/r",
];

const KEYS: &[&str] = &["k1", "K2", "aws:username", "aws:SourceIp", "ké"];
const REQUEST_KEYS: &[&str] = &["k1", "k2", "AWS:UserName", "aws:sourceip", "KÉ", "ké"];

/// Policy values by operator family.
fn pool(op: Op) -> &'static [&'static str] {
    match op {
        Op::StringEquals
        | Op::StringNotEquals
        | Op::StringEqualsIgnoreCase
        | Op::StringNotEqualsIgnoreCase
        | Op::StringLike
        | Op::StringNotLike => &[
            "a",
            "A",
            "ab",
            "a*",
            "*b",
            "?b",
            "*b*",
            "a*b*",
            "**a*",
            "Straße",
            "STRASSE",
            "${aws:username}",
            "${k1, 'a'}*",
            "${*}b",
            "${nope}",
            "${",
        ],
        Op::NumericEquals
        | Op::NumericNotEquals
        | Op::NumericLessThan
        | Op::NumericLessThanEquals
        | Op::NumericGreaterThan
        | Op::NumericGreaterThanEquals => &["1", "10", "2.5", "-3", "1e20", "x", "${k1}"],
        Op::DateEquals
        | Op::DateNotEquals
        | Op::DateLessThan
        | Op::DateLessThanEquals
        | Op::DateGreaterThan
        | Op::DateGreaterThanEquals => &[
            "2024-06-01",
            "2024-06-01T00:00:00Z",
            "1717200000",
            "100000000000000000000",
            "soon",
        ],
        Op::Bool => &["true", "false", "TRUE", "${k1}", "${k1, 'true'}"],
        Op::BinaryEquals => &["QmluYXJ5", "a", "${k1}"],
        Op::IpAddress | Op::NotIpAddress => &[
            "10.0.0.0/8",
            "10.0.0.1",
            "2001:db8::/32",
            "0.0.0.0/0",
            "10.0.0.0/33",
            "10.0.0.0/x",
            "10.1.2.3/ 8",
            "bad",
        ],
        Op::ArnEquals | Op::ArnLike | Op::ArnNotEquals | Op::ArnNotLike => &[
            "arn:aws:iam::*:role/Admin",
            "arn:aws:iam::1:role/${aws:username}",
            "arn:aws:iam::?:role/*",
            "arn:aws:iam::1:role/a",
            "*",
        ],
        Op::Null => &["true", "false", "TRUE", "maybe"],
    }
}

const REQUEST_VALUES: &[&str] = &[
    "a",
    "A",
    "ab",
    "bb",
    "*b",
    "alice",
    "strasse",
    "Straße",
    "true",
    "False",
    "10",
    "2.5",
    "-3",
    "2024-06-01T00:00:00Z",
    "1717200001",
    "200000000000000000000",
    "10.1.2.3",
    "2001:db8::1",
    "192.168.0.1",
    "QmluYXJ5",
    "arn:aws:iam::1:role/Admin",
    "arn:aws:iam::1:role/alice",
    "arn:aws:iam::1:role/a",
    "",
];

fn operator() -> impl Strategy<Value = Operator> {
    let qualifier = prop_oneof![
        3 => Just(None),
        1 => Just(Some(Qualifier::ForAnyValue)),
        1 => Just(Some(Qualifier::ForAllValues)),
    ];
    (select(&Op::ALL[..]), qualifier, prop::bool::weighted(0.2)).prop_map(
        |(op, qualifier, if_exists)| Operator {
            qualifier,
            op,
            if_exists,
        },
    )
}

fn entry() -> impl Strategy<Value = (Operator, String, BTreeSet<String>)> {
    (operator(), select(KEYS)).prop_flat_map(|(operator, key)| {
        subsequence(pool(operator.op), 1..=3).prop_map(move |vs| {
            (
                operator,
                key.to_string(),
                vs.into_iter().map(String::from).collect(),
            )
        })
    })
}

fn scope(pool: &'static [&'static str]) -> impl Strategy<Value = Scope> {
    (subsequence(pool, 1..=3), prop::bool::weighted(0.25)).prop_map(|(vs, negated)| Scope {
        negated,
        values: vs.into_iter().map(Name::from).collect(),
    })
}

fn statement() -> impl Strategy<Value = Statement> {
    (
        prop::bool::ANY,
        scope(ACTIONS),
        scope(RESOURCES),
        prop::collection::vec(entry(), 0..=3),
    )
        .prop_map(|(deny, action, resource, entries)| {
            let mut condition = Condition::new();
            for (operator, key, values) in entries {
                condition
                    .entry(operator)
                    .or_default()
                    .entry(Name::from(key))
                    .or_default()
                    .extend(values.into_iter().map(Name::from));
            }
            Statement {
                effect: if deny { Effect::Deny } else { Effect::Allow },
                action,
                resource,
                condition,
                origins: Default::default(),
                sid: None,
            }
        })
}

fn request() -> impl Strategy<Value = Request> {
    let value = prop_oneof![
        3 => select(REQUEST_VALUES).prop_map(|v| ContextValue::One(v.to_string())),
        1 => subsequence(REQUEST_VALUES, 0..=3)
            .prop_map(|vs| ContextValue::Many(vs.into_iter().map(String::from).collect())),
    ];
    (
        select(REQUEST_ACTIONS),
        select(REQUEST_RESOURCES),
        prop::collection::btree_map(select(REQUEST_KEYS), value, 0..=4),
    )
        .prop_map(|(action, resource, context)| Request {
            action: action.to_string(),
            resource: resource.to_string(),
            context: context
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect::<BTreeMap<_, _>>(),
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn compiled_statement_matches_like_the_reference(s in statement(), requests in prop::collection::vec(request(), 1..8)) {
        let c = CompiledStatement::new(&s);
        for r in &requests {
            prop_assert_eq!(c.matches(r), statement_matches(&s, r), "{:?}\n{:?}", s, r);
        }
    }

    #[test]
    fn compiled_list_decides_like_the_reference(ss in prop::collection::vec(statement(), 0..6), requests in prop::collection::vec(request(), 1..8)) {
        let cs: Vec<CompiledStatement> = ss.iter().map(CompiledStatement::new).collect();
        for r in &requests {
            prop_assert_eq!(compiled::decide(&cs, r), decide(&ss, r));
        }
    }

    /// The indexed list (`verify::Level`) finds exactly the statements the reference matches,
    /// in order; statements repeat so that shared resources and entries are exercised.
    #[test]
    fn statement_list_matches_like_the_reference(ss in prop::collection::vec(statement(), 0..12), repeat in 1usize..3, requests in prop::collection::vec(request(), 1..8)) {
        let ss: Vec<Statement> = ss.iter().cycle().take(ss.len() * repeat).cloned().collect();
        let list = StatementList::new(&ss);
        for r in &requests {
            let expected: Vec<usize> = (0..ss.len()).filter(|&i| statement_matches(&ss[i], r)).collect();
            let p = compiled::Prepared::new(r);
            prop_assert_eq!(list.all_matches(&p), expected.clone());
            prop_assert_eq!(list.first_match(&p), expected.first().copied());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// The proof's formula of a statement (`proof::compiled`), evaluated on a request, is the
    /// evaluator's decision.
    #[test]
    fn proof_formula_matches_like_the_evaluator(ss in prop::collection::vec(statement(), 0..6), requests in prop::collection::vec(request(), 1..8)) {
        for r in &requests {
            for s in &ss {
                let f = govc_compiler::proof::compiled::statement(&mut Concrete { request: r }, s);
                prop_assert_eq!(f, statement_matches(s, r), "{:?}\n{:?}", s, r);
            }
            let allowed = govc_compiler::proof::compiled::statements(&mut Concrete { request: r }, &ss);
            prop_assert_eq!(allowed, decide(&ss, r) == Decision::Allow);
        }
    }

    /// The proof never claims two lists equivalent when a request tells them apart, and every
    /// counterexample it gives does.
    #[test]
    fn proof_of_two_lists_is_sound(a in prop::collection::vec(statement(), 0..4), b in prop::collection::vec(statement(), 0..4), requests in prop::collection::vec(request(), 1..16)) {
        use govc_compiler::proof::{prove_statements, Verdict};
        match prove_statements(&govc_compiler::catalog::embedded(), &a, &b) {
            Verdict::Proven => {
                // Over the requests the proof ranges over: typed keys hold values of their type
                // (a hand-made `aws:SourceIp` of `ab` is outside; the proof says nothing there).
                for r in requests.iter().filter(|r| govc_compiler::proof::domain::admits(&govc_compiler::catalog::embedded(), r)) {
                    prop_assert_eq!(decide(&a, r) == Decision::Allow, decide(&b, r) == Decision::Allow, "proven, yet {:?}", r);
                }
            }
            Verdict::Differs { request, source_allows } => {
                prop_assert_eq!(decide(&a, &request) == Decision::Allow, source_allows);
                prop_assert_ne!(decide(&a, &request) == Decision::Allow, decide(&b, &request) == Decision::Allow);
            }
            Verdict::NotProven(_) => {}
        }
        // A list is equivalent to itself.
        prop_assert_eq!(prove_statements(&govc_compiler::catalog::embedded(), &a, &a), Verdict::Proven);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Lists headed by statements whose action is all stars (FullAWSAccess heading a level's
    /// Allows), which the list matches before it consults its action index.
    #[test]
    fn list_headed_by_any_action_matches_like_the_reference(head in prop::collection::vec(statement(), 1..4), ss in prop::collection::vec(statement(), 0..8), requests in prop::collection::vec(request(), 1..8)) {
        let ss: Vec<Statement> = head
            .into_iter()
            .map(|s| Statement { action: Scope::any(), ..s })
            .chain(ss)
            .collect();
        let list = StatementList::new(&ss);
        for r in &requests {
            let expected: Vec<usize> = (0..ss.len()).filter(|&i| statement_matches(&ss[i], r)).collect();
            let p = compiled::Prepared::new(r);
            prop_assert_eq!(list.all_matches(&p), expected.clone());
            prop_assert_eq!(list.first_match(&p), expected.first().copied());
        }
    }

    /// More than 64 statements: several groups, more than 64 distinct entries in one.
    #[test]
    fn long_statement_list_matches_like_the_reference(ss in prop::collection::vec(statement(), 60..150), requests in prop::collection::vec(request(), 1..8)) {
        let list = StatementList::new(&ss);
        for r in &requests {
            let expected: Vec<usize> = (0..ss.len()).filter(|&i| statement_matches(&ss[i], r)).collect();
            prop_assert_eq!(list.all_matches(&compiled::Prepared::new(r)), expected);
        }
    }
}

/// The alphabet reaches both outcomes of every operator family, so agreement is not vacuous.
#[test]
fn the_alphabet_reaches_both_outcomes() {
    let runner_requests: Vec<Request> = REQUEST_VALUES
        .iter()
        .map(|v| Request::new("s3:GetObject", "x").with("k1", *v))
        .collect();
    for op in Op::ALL {
        let mut seen = BTreeSet::new();
        for v in pool(op) {
            let s = Statement {
                effect: Effect::Deny,
                action: Scope::any(),
                resource: Scope::any(),
                condition: govc_compiler::ir::condition_of(&[(Operator::plain(op), "k1", &[v])]),
                origins: Default::default(),
                sid: None,
            };
            for r in &runner_requests {
                seen.insert(statement_matches(&s, r));
            }
        }
        assert_eq!(seen.len(), 2, "{op:?} never {}", !seen.contains(&true));
    }
}

/// Found by `proof_of_two_lists_is_sound`: an IPv4 block, even `0.0.0.0/0`, holds no IPv6
/// address, so `ForAnyValue:NotIpAddress 0.0.0.0/0` allows a request from an IPv6 source and the
/// list is not the empty one. The proof took the key's addresses from the block's ends, IPv4
/// only, and claimed the two alike.
#[test]
fn an_ipv4_block_does_not_hold_an_ipv6_source() {
    use govc_compiler::proof::{prove_statements, Verdict};
    let b = govc_iam::parse::parse_policy(
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotAction": "*:Get*",
            "NotResource": "arn:aws:iam::*",
            "Condition": {"ForAnyValue:NotIpAddress": {"aws:SourceIp": "0.0.0.0/0"}}}]}"#,
    )
    .unwrap();
    let mut r = Request::new("iam", "arn:aws:bedrock:us-east:1:1::x");
    r.context.insert(
        "aws:sourceip".into(),
        ContextValue::One("2001:db8::1".into()),
    );
    assert_eq!(decide(&b, &r), Decision::Allow);
    match prove_statements(&govc_compiler::catalog::embedded(), &[], &b) {
        Verdict::Differs {
            request,
            source_allows,
        } => {
            assert!(!source_allows);
            assert_eq!(decide(&b, &request), Decision::Allow, "{request:?}");
        }
        other => panic!("{other:?}"),
    }
}

/// `Allow *` on everything, then a `Deny *` on everything under each condition (JSON text of
/// the `Condition` object).
fn allow_all_but(conditions: &[&str]) -> Vec<Statement> {
    let mut statements = vec![r#"{"Effect": "Allow", "Action": "*", "Resource": "*"}"#.to_string()];
    statements.extend(conditions.iter().map(|c| {
        format!(r#"{{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {c}}}"#)
    }));
    govc_iam::parse::parse_policy(&format!(
        r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
        statements.join(", ")
    ))
    .unwrap()
}

/// A request for `iam:GetUser` with one context value.
fn request_with(key: &str, value: &str) -> Request {
    let mut r = Request::new("iam:GetUser", "arn:aws:iam::1:user/u");
    r.context
        .insert(key.to_ascii_lowercase(), ContextValue::One(value.into()));
    r
}

/// The values the proof tries for a key must meet every test where the evaluator says it
/// holds. A number past 2^53 has no neighbour one above it (`n + 1.0 == n`), so the values
/// tried for `NumericGreaterThan 1e20` were all at most 1e20 and the comparison was taken to
/// hold for no request: a list with such a Deny was proven alike the list without it. The same
/// at the low end, and for dates as epoch seconds. And the block `10.1.2.3/ 8` (a prefix with
/// white space) is the one address to the evaluator, but its candidates were the ends of
/// `10.0.0.0/8`. And `Bool "yes"` on a key the catalog does not type holds for the text `yes`,
/// but only `true` and `false` were tried.
#[test]
fn the_proof_tries_a_value_where_each_test_holds() {
    use govc_compiler::proof::{prove_statements, Verdict};
    for (op, key, bound, value) in [
        ("NumericGreaterThan", "aws:MultiFactorAuthAge", "100", "200"),
        (
            "NumericGreaterThan",
            "aws:MultiFactorAuthAge",
            "1e20",
            "2e20",
        ),
        (
            "NumericLessThan",
            "aws:MultiFactorAuthAge",
            "-1e20",
            "-2e20",
        ),
        (
            "DateGreaterThan",
            "aws:CurrentTime",
            "100000000000000000000",
            "200000000000000000000",
        ),
        ("IpAddress", "aws:SourceIp", "10.1.2.3/ 8", "10.1.2.3"),
        ("Bool", "k1", "yes", "yes"),
        (
            "NumericGreaterThan",
            "aws:MultiFactorAuthAge",
            "1.7976931348623157e308",
            "x",
        ),
    ] {
        let a = allow_all_but(&[]);
        let b = allow_all_but(&[&format!(r#"{{"{op}": {{"{key}": "{bound}"}}}}"#)]);
        let verdict = prove_statements(&govc_compiler::catalog::embedded(), &a, &b);
        if value == "x" {
            // No finite number is above the largest one, so no request tells the lists apart;
            // the proof may not conclude, but must not claim one does.
            assert!(
                !matches!(verdict, Verdict::Differs { .. }),
                "{op} {bound}: {verdict:?}"
            );
            continue;
        }
        let r = request_with(key, value);
        assert_eq!(decide(&b, &r), Decision::ExplicitDeny, "{op} {bound}");
        match verdict {
            Verdict::Differs { request, .. } => {
                assert_eq!(decide(&b, &request), Decision::ExplicitDeny, "{request:?}");
            }
            other => panic!("{op} {bound}: {other:?}"),
        }
    }
}

/// A key compared both as a number and as a date: `2024-06-01` is a date and not a number, so
/// `NumericGreaterThan -1e30` fails on it where `DateGreaterThan 0` holds. The values the proof
/// tried were all plain decimals, which parse as both, so the two lists below, which differ
/// only on such text, were proven alike. The proof now does not claim anything there, on a
/// number-typed key either (`1e5` is a number and not a date).
#[test]
fn a_key_compared_as_a_number_and_as_a_date_is_not_claimed() {
    use govc_compiler::proof::{prove_statements, Verdict};
    // Each pair: the first list's condition, the second's extra one, and a value on which they
    // differ. An untyped key: `2024-06-01` fails `NumericGreaterThan -1e30` and passes
    // `DateGreaterThan 0`. A number-typed key: `1e5` passes `NumericGreaterThan 5` and fails
    // `DateGreaterThan 0`.
    for (key, first, second, value) in [
        (
            "k1",
            r#"{"NumericGreaterThan": {"k1": "-1e30"}}"#,
            r#"{"DateGreaterThan": {"k1": "0"}}"#,
            "2024-06-01",
        ),
        (
            "aws:MultiFactorAuthAge",
            r#"{"DateGreaterThan": {"aws:MultiFactorAuthAge": "0"}}"#,
            r#"{"NumericGreaterThan": {"aws:MultiFactorAuthAge": "5"}}"#,
            "1e5",
        ),
    ] {
        let a = allow_all_but(&[first]);
        let b = allow_all_but(&[first, second]);
        let r = request_with(key, value);
        assert_eq!(decide(&a, &r), Decision::Allow);
        assert_eq!(decide(&b, &r), Decision::ExplicitDeny);
        let verdict = prove_statements(&govc_compiler::catalog::embedded(), &a, &b);
        assert!(
            !matches!(verdict, Verdict::Proven),
            "the lists differ on {value}: {verdict:?}"
        );
    }
}

/// The soundness property above means little unless the proof concludes: on random lists it
/// must prove some pairs and refute others, and rarely give up.
#[test]
fn the_proof_of_two_lists_mostly_concludes() {
    use govc_compiler::proof::{prove_statements, Verdict};
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[3; 32]),
    );
    let lists = prop::collection::vec(statement(), 0..4);
    let (mut proven, mut refuted, mut open) = (0, 0, 0);
    for _ in 0..300 {
        let a = lists.new_tree(&mut runner).unwrap().current();
        // Half the pairs are a list and a reordering of it, which decide alike.
        let b = if proven + refuted + open < 150 {
            a.iter().rev().cloned().collect()
        } else {
            lists.new_tree(&mut runner).unwrap().current()
        };
        match prove_statements(&govc_compiler::catalog::embedded(), &a, &b) {
            Verdict::Proven => proven += 1,
            Verdict::Differs { .. } => refuted += 1,
            Verdict::NotProven(_) => open += 1,
        }
    }
    eprintln!("two lists: {proven} proven, {refuted} refuted, {open} open");
    assert!(
        proven >= 150 && refuted >= 50 && open * 10 <= 300,
        "{proven} proven, {refuted} refuted, {open} open"
    );
}
