//! Differential test: govc's SCP evaluator against an independent one, the npm package
//! `@cloud-copilot/iam-simulate` (pinned in `tests/differential/package-lock.json`; CI installs
//! it with `npm ci --prefix tests/differential`).
//!
//! Random SCP sets (one to three levels, root first) and random requests are drawn from one
//! alphabet of Bedrock actions, ARNs and context keys covering every condition operator family,
//! `…IfExists`, `ForAnyValue:`/`ForAllValues:`, NotAction, NotResource and policy variables (in
//! Resource ARNs and String, Bool and ARN condition values: present, missing and multivalued keys,
//! defaults, escapes). Both evaluators decide every case, for two independent seeds; any
//! disagreement is printed with its case and fails the test.
//!
//! Constructs where the two disagree because the simulator departs from the AWS documentation
//! are not generated; each exclusion below cites the page (docs/verify.md, "Differential
//! testing", lists them and the agreement figures).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod common;

use std::path::Path;

use govc_compiler::ir::eval::{ContextValue, Request};
use govc_compiler::ir::parse::parse_policy;
use govc_compiler::verify::{evaluate, InForce, Level, Outcome, Provenance};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Map, Value};

/// Cases per run; one Node process decides them all.
const CASES: usize = 2000;

const REQUEST_ACTIONS: &[&str] = &[
    "bedrock:InvokeModel",
    "bedrock:InvokeModelWithResponseStream",
    "bedrock:CreateModelInvocationJob",
    "bedrock:ApplyGuardrail",
    "bedrock:CallWithBearerToken",
    "bedrock:GetFoundationModel",
    "bedrock:InvokeAgent",
    "bedrock-mantle:CreateInference",
    "bedrock-mantle:CallWithBearerToken",
    // Action names are case-insensitive (aws.md §3.4): requests in another spelling.
    "BEDROCK:invokemodel",
    "Bedrock-Mantle:createinference",
];

/// `*` and `?` anywhere in the action name (aws.md §1.3, §3.4). Wildcards in the service prefix
/// are not generated: the SCP syntax page only allows them in the action name.
const ACTION_PATTERNS: &[&str] = &[
    "*",
    "bedrock:*",
    "bedrock:Invoke*",
    "bedrock:*Model",
    "bedrock:Invoke*Stream",
    "bedrock:InvokeMode?",
    "bedrock:*Model*",
    "bedrock:Get?oundation*",
    "bedrock:InvokeModel",
    "bedrock:invokemodelwithresponsestream",
    "bedrock:CallWithBearerToken",
    "bedrock:Apply*",
    "bedrock-mantle:*",
    "bedrock-mantle:CreateInference",
    "BEDROCK-MANTLE:*Token",
];

const REQUEST_RESOURCES: &[&str] = &[
    "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
    "arn:aws:bedrock:eu-west-1::foundation-model/amazon.titan-text-lite-v1",
    "arn:aws:bedrock:us-west-2::foundation-model/meta.llama3-8b-instruct-v1:0",
    "arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0",
    "arn:aws:bedrock:us-east-1:111111111111:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0",
    "arn:aws:bedrock:us-west-2:111111111111:application-inference-profile/abc123",
    "arn:aws:bedrock:us-east-1:111111111111:guardrail/gr1",
    "arn:aws:bedrock:eu-west-1:222222222222:guardrail/gr2",
    "arn:aws:bedrock-mantle:us-east-1:111111111111:project/default",
];

/// Resource patterns: `*` and `?` within segments, a segment-final `*` that may expand beyond
/// the colon (`arn:aws:bedrock:*`), `*` over `/`, NotResource lists (aws.md §3.4).
const RESOURCE_PATTERNS: &[&str] = &[
    "*",
    "arn:aws:bedrock:*",
    "arn:aws:bedrock:*::foundation-model/*",
    "arn:aws:bedrock:*::foundation-model/anthropic.*",
    "arn:aws:bedrock:us-east-1:*:*",
    "arn:aws:bedrock:*:111111111111:inference-profile/*",
    "arn:aws:bedrock:*:*:application-inference-profile/*",
    "arn:aws:bedrock:us-east-?::foundation-model/*",
    "arn:aws:bedrock:*:111111111111:guardrail/gr?",
    "arn:aws:bedrock:eu-*::foundation-model/amazon.*",
    "arn:aws:bedrock:*:*:inference-profile/*haiku*",
    "arn:aws:bedrock-mantle:*:*:project/*",
    "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
    "arn:aws:bedrock:eu-west-1:222222222222:guardrail/gr2",
    // Policy variables (VARS), only in the resource ID (after the first `/`): a key that may be
    // missing, with and without a default, in another case, a multivalued key, an escape, and a
    // variable next to a wildcard (the substituted value is literal).
    "arn:aws:bedrock:*:111111111111:guardrail/${aws:PrincipalTag/res}",
    "arn:aws:bedrock:*:*:guardrail/${aws:PrincipalTag/res, 'gr2'}",
    "arn:aws:bedrock:*:*:application-inference-profile/${aws:username, 'abc123'}",
    "arn:aws:bedrock-mantle:*:*:project/${AWS:principaltag/RES}",
    "arn:aws:bedrock:*::foundation-model/${aws:PrincipalTag/res}*",
    "arn:aws:bedrock:*:*:guardrail/${aws:TagKeys}",
    "arn:aws:bedrock:*:*:guardrail/${aws:TagKeys, 'gr1'}",
    "arn:aws:bedrock:*:*:guardrail/gr${?}",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    String,
    Numeric,
    /// ISO 8601 on both sides.
    DateIso,
    /// Epoch seconds on both sides.
    DateEpoch,
    Bool,
    Binary,
    Ip,
    Arn,
    /// A multivalued key: always with a set qualifier.
    MultiString,
}

struct Key {
    name: &'static str,
    family: Family,
    /// Values a request may carry.
    request: &'static [&'static str],
    /// Values a policy may test for (patterns for the Like and ARN operators).
    policy: &'static [&'static str],
}

const KEYS: &[Key] = &[
    Key {
        name: "aws:RequestedRegion",
        family: Family::String,
        request: &["us-east-1", "eu-west-1", "us-west-2", "unspecified", "US-EAST-1"],
        policy: &[
            "us-east-1",
            "eu-west-1",
            "us-*",
            "*-1",
            "eu-west-?",
            "Us-East-1",
            "${aws:PrincipalTag/res}",
            "${aws:username, 'eu-west-1'}",
            "${aws:PrincipalTag/res, 'us-west-2'}*",
            "us-${*}",
        ],
    },
    Key {
        name: "aws:PrincipalTag/team",
        family: Family::String,
        request: &["ml", "web", "ML", "ml-ops", "*", "$ml"],
        policy: &[
            "ml",
            "web",
            "ml*",
            "?l",
            "*",
            "${aws:PrincipalTag/res}",
            "${aws:PrincipalTag/res}-*",
            "${aws:TagKeys}",
            "${aws:TagKeys, 'web'}",
            "${*}",
            "${?}l",
            "${$}*",
        ],
    },
    // The value the policy variables above substitute: resource IDs, a region, team names, and
    // wildcard characters that must match only themselves once substituted.
    Key {
        name: "aws:PrincipalTag/res",
        family: Family::String,
        request: &[
            "gr1",
            "gr2",
            "gr?",
            "abc123",
            "anthropic.",
            "us-east-1",
            "ml",
            "ML",
            "*",
        ],
        policy: &["gr1", "gr*", "${aws:PrincipalTag/team}", "${aws:username, 'gr1'}"],
    },
    Key {
        name: "aws:MultiFactorAuthAge",
        family: Family::Numeric,
        request: &["0", "300", "3600", "3600.5", "86400", "-1"],
        policy: &["300", "3600", "3600.0", "0", "43200.25"],
    },
    Key {
        name: "aws:CurrentTime",
        family: Family::DateIso,
        request: &[
            "2026-01-01T00:00:00Z",
            "2026-06-30T12:00:00Z",
            "2025-12-31T23:59:59Z",
            "2026-06-30T14:00:00+02:00",
        ],
        policy: &[
            "2026-01-01T00:00:00Z",
            "2026-06-30T12:00:00Z",
            "2026-03-01T00:00:00Z",
        ],
    },
    Key {
        name: "aws:EpochTime",
        family: Family::DateEpoch,
        request: &["1767225600", "1782820800", "1767225599"],
        policy: &["1767225600", "1782820800", "1772323200"],
    },
    Key {
        name: "aws:SecureTransport",
        family: Family::Bool,
        request: &["true", "false"],
        policy: &["true", "false", "TRUE", "${aws:ViaAWSMCPService}"],
    },
    Key {
        name: "aws:ViaAWSMCPService",
        family: Family::Bool,
        request: &["true", "false"],
        policy: &[
            "true",
            "false",
            "${aws:SecureTransport}",
            "${aws:username, 'false'}",
        ],
    },
    Key {
        name: "k:blob",
        family: Family::Binary,
        request: &["QmluYXJ5VmFsdWVJbkJhc2U2NA==", "AAEC"],
        policy: &["QmluYXJ5VmFsdWVJbkJhc2U2NA==", "AAED"],
    },
    Key {
        name: "aws:SourceIp",
        family: Family::Ip,
        request: &["203.0.113.5", "203.0.113.200", "10.1.2.3", "2001:db8::1", "2001:db9::1"],
        policy: &[
            "203.0.113.0/24",
            "203.0.113.5",
            "10.0.0.0/8",
            "0.0.0.0/1",
            "2001:db8::/32",
            "2001:db8::1",
            "203.0.113.0/25",
        ],
    },
    Key {
        name: "bedrock:InferenceProfileArn",
        family: Family::Arn,
        request: &[
            "arn:aws:bedrock:us-east-1:111111111111:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0",
            "arn:aws:bedrock:us-west-2:111111111111:application-inference-profile/abc123",
            "arn:aws:bedrock:eu-west-1:222222222222:inference-profile/eu.amazon.nova-pro-v1:0",
            // Shaped like the OPS ArnLike example: the first `*` may only match `eu-west-1`.
            "arn:aws:bedrock:eu-west-1:222222222222:prompt/p:111111111111:inference-profile/eu.x",
        ],
        policy: &[
            "arn:aws:bedrock:*:*:application-inference-profile/*",
            "arn:aws:bedrock:*:111111111111:*",
            "arn:aws:bedrock:us-*:*:inference-profile/us.*",
            "arn:aws:bedrock:eu-west-?:222222222222:inference-profile/*",
            "arn:aws:bedrock:us-west-2:111111111111:application-inference-profile/abc123",
            "arn:aws:bedrock:*:111111111111:application-inference-profile/${aws:PrincipalTag/res}",
            "arn:aws:bedrock:*:*:application-inference-profile/${aws:username, 'abc123'}",
            "arn:aws:bedrock:*:*:inference-profile/${aws:PrincipalTag/res}*",
            "arn:aws:bedrock:*:*:*/${*}",
        ],
    },
    Key {
        name: "aws:PrincipalArn",
        family: Family::Arn,
        request: &[
            "arn:aws:iam::111111111111:role/admin",
            "arn:aws:iam::111111111111:role/team/ml-dev",
            "arn:aws:iam::222222222222:role/Admin",
        ],
        policy: &[
            "arn:aws:iam::*:role/team/*",
            "arn:aws:iam::111111111111:role/admin",
            "arn:aws:iam::*:role/?dmin",
            "arn:aws:iam::111111111111:role/*",
            "arn:aws:iam::*:role/team/${aws:PrincipalTag/team}-dev",
            "arn:aws:iam::*:role/${aws:PrincipalTag/res, 'admin'}",
        ],
    },
    Key {
        name: "aws:TagKeys",
        family: Family::MultiString,
        request: &["env", "team", "cost-center", "Env"],
        policy: &[
            "env",
            "team",
            "cost-*",
            "t?am",
            "${aws:username, 'team'}",
            "${aws:PrincipalTag/team}",
        ],
    },
];

fn operators(family: Family) -> &'static [&'static str] {
    match family {
        Family::String | Family::MultiString => &[
            "StringEquals",
            "StringNotEquals",
            "StringEqualsIgnoreCase",
            "StringNotEqualsIgnoreCase",
            "StringLike",
            "StringNotLike",
        ],
        Family::Numeric => &[
            "NumericEquals",
            "NumericNotEquals",
            "NumericLessThan",
            "NumericLessThanEquals",
            "NumericGreaterThan",
            "NumericGreaterThanEquals",
        ],
        Family::DateIso | Family::DateEpoch => &[
            "DateEquals",
            "DateNotEquals",
            "DateLessThan",
            "DateLessThanEquals",
            "DateGreaterThan",
            "DateGreaterThanEquals",
        ],
        Family::Bool => &["Bool"],
        Family::Binary => &["BinaryEquals"],
        Family::Ip => &["IpAddress", "NotIpAddress"],
        Family::Arn => &["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"],
    }
}

/// Whether `v` has a policy variable that may not resolve: one without a default (its key may
/// be missing from the request, or multivalued).
fn may_be_unresolved(v: &str) -> bool {
    v.split("${").skip(1).any(|var| {
        let inside = var.split('}').next().unwrap_or("");
        !matches!(inside, "*" | "?" | "$") && !inside.contains(", '")
    })
}

/// Whether `v` has one of the escapes `${*}`, `${?}`, `${$}`.
fn has_escape(v: &str) -> bool {
    ["${*}", "${?}", "${$}"].iter().any(|e| v.contains(e))
}

/// One or a list of strings, as a policy would write them.
fn one_or_many(values: Vec<&'static str>) -> Value {
    match values.as_slice() {
        [one] => json!(one),
        _ => json!(values),
    }
}

/// `(operator name, key, values)` for one condition entry.
fn entry() -> impl Strategy<Value = (String, String, Value)> {
    (0..KEYS.len(), 0..6u8, 0..8u8, 0..4u8, 0..5u8).prop_flat_map(
        |(k, null, qualify, if_exists, lower_key)| {
            let key = &KEYS[k];
            let name = if lower_key == 0 {
                // Condition key names are case-insensitive (aws.md §3.1).
                key.name.to_lowercase()
            } else {
                key.name.to_string()
            };
            let multi = key.family == Family::MultiString;
            (
                select(operators(key.family)),
                subsequence(key.policy.to_vec(), 1..=key.policy.len().min(3)),
                any::<bool>(),
                select(&["true", "false"][..]),
            )
                .prop_map(move |(op, mut values, all, null_value)| {
                    if null == 0 && !multi {
                        return ("Null".to_string(), name.clone(), json!(null_value));
                    }
                    // A multivalued key always takes a set qualifier ("multivalued context keys
                    // require a condition set operator", SVMV); a single-valued one sometimes.
                    let qualifier = match (multi, qualify == 0, all) {
                        (true, _, true) | (false, true, true) => "ForAllValues:",
                        (true, _, false) | (false, true, false) => "ForAnyValue:",
                        (false, false, _) => "",
                    };
                    if op.contains("Not") && !op.starts_with("NotIp") {
                        // EXCLUDED: unresolvable variables under negated operators.
                        values.retain(|v| !may_be_unresolved(v));
                    }
                    if matches!(
                        op,
                        "StringEquals"
                            | "StringNotEquals"
                            | "StringEqualsIgnoreCase"
                            | "StringNotEqualsIgnoreCase"
                            | "Bool"
                    ) {
                        // EXCLUDED: escapes under operators without wildcards.
                        values.retain(|v| !has_escape(v));
                    }
                    if values.is_empty() {
                        values.push(key.policy[0]);
                    }
                    if op == "NotIpAddress" {
                        // EXCLUDED: bare addresses under NotIpAddress.
                        values.retain(|v| v.contains('/'));
                        if values.is_empty() {
                            values.push("10.0.0.0/8");
                        }
                    }
                    let suffix = if if_exists == 0 { "IfExists" } else { "" };
                    (
                        format!("{qualifier}{op}{suffix}"),
                        name.clone(),
                        one_or_many(values),
                    )
                })
        },
    )
}

fn condition() -> impl Strategy<Value = Option<Value>> {
    prop::collection::vec(entry(), 0..=3).prop_map(|entries| {
        let mut c = Map::new();
        for (op, key, values) in entries {
            let keys = c.entry(op).or_insert_with(|| json!({}));
            keys.as_object_mut().unwrap().insert(key, values);
        }
        (!c.is_empty()).then_some(Value::Object(c))
    })
}

fn patterns(all: &'static [&'static str]) -> impl Strategy<Value = Value> {
    subsequence(all.to_vec(), 1..=3).prop_map(one_or_many)
}

fn statement() -> impl Strategy<Value = Value> {
    (
        prop_oneof![3 => Just("Allow"), 2 => Just("Deny")],
        prop_oneof![4 => Just("Action"), 1 => Just("NotAction")],
        patterns(ACTION_PATTERNS),
        prop_oneof![4 => Just(false), 1 => Just(true)].prop_flat_map(|not| {
            let all: Vec<&'static str> = RESOURCE_PATTERNS
                .iter()
                .copied()
                // EXCLUDED: short ARNs (fewer than six segments) in NotResource.
                .filter(|p| !not || *p == "*" || p.matches(':').count() >= 5)
                // EXCLUDED: unresolvable variables in NotResource.
                .filter(|p| !not || !may_be_unresolved(p))
                .collect();
            (
                Just(if not { "NotResource" } else { "Resource" }),
                subsequence(all, 1..=3).prop_map(one_or_many),
            )
        }),
        condition(),
    )
        .prop_map(
            |(effect, action_key, actions, (resource_key, resources), cond)| {
                let mut s = Map::new();
                s.insert("Effect".into(), json!(effect));
                s.insert(action_key.into(), actions);
                s.insert(resource_key.into(), resources);
                if let Some(c) = cond {
                    s.insert("Condition".into(), c);
                }
                Value::Object(s)
            },
        )
}

fn full_aws_access() -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
}

/// The SCPs attached at one level: FullAWSAccess or not, plus zero to two documents.
fn level_policies() -> impl Strategy<Value = Vec<Value>> {
    (
        prop_oneof![3 => Just(true), 2 => Just(false)],
        prop::collection::vec(prop::collection::vec(statement(), 1..=3), 0..=2),
    )
        .prop_map(|(full, docs)| {
            let mut out: Vec<Value> = Vec::new();
            if full {
                out.push(full_aws_access());
            }
            out.extend(
                docs.into_iter()
                    .map(|sts| json!({"Version": "2012-10-17", "Statement": sts})),
            );
            if out.is_empty() {
                // Every target has at least one SCP attached (aws.md §1.1).
                out.push(full_aws_access());
            }
            out
        })
}

fn context() -> impl Strategy<Value = Value> {
    let per_key: Vec<BoxedStrategy<Option<(String, Value)>>> = KEYS
        .iter()
        .map(|k| {
            let name = k.name.to_string();
            if k.family == Family::MultiString {
                // Lists of 0–3 values: an empty list is a null data set (MULTI note).
                prop::option::of(subsequence(k.request.to_vec(), 0..=3))
                    .prop_map(move |v| v.map(|vs| (name.clone(), json!(vs))))
                    .boxed()
            } else {
                prop::option::of(select(k.request))
                    .prop_map(move |v| v.map(|v| (name.clone(), json!(v))))
                    .boxed()
            }
        })
        .collect();
    per_key.prop_map(|entries| {
        Value::Object(
            entries
                .into_iter()
                .flatten()
                .collect::<Map<String, Value>>(),
        )
    })
}

fn case() -> impl Strategy<Value = Value> {
    (
        prop::collection::vec(level_policies(), 1..=3),
        select(REQUEST_ACTIONS),
        select(REQUEST_RESOURCES),
        context(),
    )
        .prop_map(|(scps, action, resource, context)| {
            json!({"scps": scps, "request": {"action": action, "resource": resource, "context": context}})
        })
}

/// Constructs left out of generation because the simulator departs from the AWS documentation
/// (checked against the simulator's source and by running it), each with the page that says
/// otherwise. Page keys as in `compiler/tests/operators.rs`, and `VARS`: "IAM policy elements:
/// Variables and tags" (`reference_policies_variables`). Printed with the figures.
const EXCLUDED: &[&str] = &[
    "Null on an empty multivalued value: the simulator counts [] as present; MVEX says a Null \
     condition with value false keeps \"context keys with empty values\" from evaluating to true",
    "`*`/`?` in the resource-type part of a resource ARN (before the first `/`): the simulator \
     requires it literal; RESOURCE allows wildcards within any segment except the service",
    "short ARNs (fewer than six segments) in NotResource: the simulator never inverts the \
     mismatch of an expanded short ARN, so `NotResource: arn:aws:bedrock:*` does not match a \
     bedrock-mantle resource; RESOURCE: a segment-final `*` expands beyond the colon, and \
     NOTRESOURCE matches everything not listed",
    "/0 CIDR blocks: the simulator's IPv4 mask `-1 << 32` is `-1` in JavaScript, so 0.0.0.0/0 \
     matches one address; OPS: values are standard CIDR",
    "bare addresses under NotIpAddress: against an address of the other family the simulator \
     reports no match; OPS: NotIpAddress is all addresses except the one given (a bare address \
     is /32)",
    "ISO 8601 and epoch values in one Date comparison: the simulator compares Date.parse \
     milliseconds with epoch seconds; OPS accepts either form",
    "case differences in the partition, service, region or account of a resource ARN: the \
     simulator compares them case-insensitively; aws.md §3.4 (RESOURCE) treat ARNs as \
     case-sensitive",
    "request resource ARNs with colons that a segment-final `*` in the region or account could \
     absorb: the simulator never lets `*` cross a colon in a full-length ARN; RESOURCE: it \
     \"can expand to match beyond the colon boundaries\"",
    "unqualified operators on multivalued request values: undocumented (SVMV: multivalued keys \
     require a set operator); the simulator is always false, govc tests each element",
    "values that do not parse for their operator family (numbers, dates, addresses, booleans): \
     undocumented; the simulator makes the negated operators false, govc true",
    "policy variables that may not resolve (no default; the key missing or multivalued) under \
     negated operators (StringNotEquals, StringNotLike, ArnNotLike, ...): the simulator makes \
     the value false; VARS (\"Policy variables with no value\"): \"Inverted condition operators \
     like StringNotEquals or StringNotLike do match against a null value\"",
    "policy variables that may not resolve in NotResource: the simulator makes the statement not \
     apply; VARS: the resource with such a variable \"will not match any resource\", so NotResource \
     (everything not listed) matches",
    "the escapes ${*} ${?} ${$} under StringEquals, StringEqualsIgnoreCase (and negations) and \
     Bool: the simulator compares the text `${*}` itself; VARS (\"Special characters\"): they \
     \"can be used in any string where you can use regular policy variables\" and stand for `*` \
     `?` `$`",
    "policy variables in the resource-type part of a Resource ARN (before the first `/`): the \
     simulator requires that part literally; VARS allows them anywhere after the fifth colon",
    "policy variables in the first five segments of an ARN condition value: the simulator splits \
     the value at every colon, the one inside `${aws:...}` too; VARS allows variables in ARN \
     condition values without restriction",
    "undocumented policy-variable forms: a default not introduced by exactly `, ` (the simulator \
     requires it; VARS asks for \"a comma and space\"), an empty default or an empty request \
     value (the simulator treats '' as no value), a malformed `${`",
];

/// govc's decision in the simulator's vocabulary.
fn govc_decision(c: &Value) -> String {
    let levels: Vec<Level> = c["scps"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, docs)| {
            Level::new(
                format!("level-{i}"),
                docs.as_array()
                    .unwrap()
                    .iter()
                    .enumerate()
                    .flat_map(|(j, doc)| {
                        parse_policy(&doc.to_string())
                            .unwrap()
                            .into_iter()
                            .map(move |statement| InForce {
                                statement,
                                provenance: Provenance::Document(format!("scp-{i}-{j}")),
                            })
                    })
                    .collect(),
            )
        })
        .collect();
    let r = &c["request"];
    let mut request = Request::new(
        r["action"].as_str().unwrap(),
        r["resource"].as_str().unwrap(),
    );
    for (k, v) in r["context"].as_object().unwrap() {
        let v = match v {
            Value::Array(items) => {
                ContextValue::Many(items.iter().map(|i| i.as_str().unwrap().into()).collect())
            }
            v => ContextValue::One(v.as_str().unwrap().into()),
        };
        request.context.insert(k.clone(), v);
    }
    match evaluate(&levels, &request).outcome {
        Outcome::Allowed => "Allowed",
        Outcome::Denied => "ExplicitlyDenied",
        Outcome::NoAllowAt(_) => "ImplicitlyDenied",
    }
    .to_string()
}

/// Each disagreeing case with the statements in it that the two evaluators match differently
/// (each statement alone, as an `Allow`, against the same request): the case is what failed,
/// the statements are where to look.
fn narrow(dir: &Path, disagreeing: &[(&Value, String, String)]) -> Vec<String> {
    let mut singles = Vec::new();
    for (c, _, _) in disagreeing {
        for docs in c["scps"].as_array().unwrap() {
            for doc in docs.as_array().unwrap() {
                for s in doc["Statement"].as_array().unwrap() {
                    let mut s = s.clone();
                    s["Effect"] = json!("Allow");
                    singles.push(json!({
                        "scps": [[{"Version": "2012-10-17", "Statement": [s]}]],
                        "request": c["request"],
                    }));
                }
            }
        }
    }
    let theirs = if singles.is_empty() {
        Vec::new()
    } else {
        common::simulate(dir, &singles)
    };
    let mut verdicts = singles.iter().zip(theirs);
    disagreeing
        .iter()
        .map(|(c, ours, their)| {
            let mut text = format!(
                "govc {ours}, iam-simulate {their}\n  request: {}",
                c["request"]
            );
            let n: usize = c["scps"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|d| d.as_array().unwrap())
                .map(|d| d["Statement"].as_array().unwrap().len())
                .sum();
            for (single, their) in verdicts.by_ref().take(n) {
                let ours = govc_decision(single);
                if their.as_str() != Some(ours.as_str()) {
                    text.push_str(&format!(
                        "\n  statement matched differently (govc {}, iam-simulate {}): {}",
                        ours == "Allowed",
                        their == "Allowed",
                        single["scps"][0][0]["Statement"][0]
                    ));
                }
            }
            text.push_str(&format!("\n  case: {c}"));
            text
        })
        .collect()
}

/// Draws `CASES` cases from `seed`, decides them with both evaluators and fails on any
/// disagreement. A fixed seed: the same cases every run, so a disagreement reproduces.
fn differential(seed: u8) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/differential");
    if !dir.join("node_modules").is_dir() {
        eprintln!(
            "SKIPPED differential test: {} is missing; run `npm ci --prefix tests/differential`",
            dir.join("node_modules").display()
        );
        return;
    }
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]),
    );
    let strategy = case();
    let cases: Vec<Value> = (0..CASES)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect();
    let theirs = common::simulate(&dir, &cases);
    assert_eq!(theirs.len(), cases.len());

    let mut disagreeing = Vec::new();
    let mut tally = std::collections::BTreeMap::<String, usize>::new();
    for (c, their) in cases.iter().zip(&theirs) {
        let Some(their) = their.as_str() else {
            panic!("the simulator rejected a generated SCP: {their}\ncase: {c}");
        };
        let ours = govc_decision(c);
        *tally.entry(ours.clone()).or_default() += 1;
        if ours != their {
            disagreeing.push((c, ours, their.to_string()));
        }
    }
    let with_variables = cases
        .iter()
        .filter(|c| c["scps"].to_string().contains("${"))
        .count();
    let disagreements = narrow(&dir, &disagreeing);
    eprintln!(
        "differential (seed {seed}): {} cases ({with_variables} with policy variables), {} agreed, \
         {} disagreed; govc outcomes {:?}; excluded constructs: {}",
        cases.len(),
        cases.len() - disagreements.len(),
        disagreements.len(),
        tally,
        EXCLUDED.len()
    );
    for e in EXCLUDED {
        eprintln!("  excluded: {e}");
    }
    // The generator must exercise all three outcomes, or agreement means little.
    for outcome in ["Allowed", "ExplicitlyDenied", "ImplicitlyDenied"] {
        let n = tally.get(outcome).copied().unwrap_or(0);
        assert!(n * 10 >= cases.len(), "only {n} cases decided {outcome}");
    }
    // And policy variables, which most statements would otherwise not reach.
    assert!(
        with_variables * 4 >= cases.len(),
        "only {with_variables} cases have a policy variable"
    );
    assert!(
        disagreements.is_empty(),
        "{} of {} cases decided differently:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
}

#[test]
fn govc_agrees_with_iam_simulate() {
    differential(7);
}

/// A second, independent draw (the two run in parallel).
#[test]
fn govc_agrees_with_iam_simulate_second_seed() {
    differential(19);
}
