//! Decision equivalence: for every seed, the SCPs `govc` compiles from `tests/seeds/<id>.gov`
//! decide each generated request exactly as the hand-written `tests/seeds/<id>.json` does,
//! apart from the corrections documented in docs/seed-sizes.md:
//! - requests for `bedrock:Converse` / `bedrock:ConverseStream` are left out: they are not IAM
//!   actions (the calls are authorised as InvokeModel / InvokeModelWithResponseStream, aws.md
//!   §4.1), and the compiled SCP drops them from seed 000 SCP 1;
//! - the allow-list's compiled form also covers `bedrock-mantle`: a mantle request for a model
//!   outside the list is not allowed (`only models`, stdlib/bedrock.gov), where seed 001 allows
//!   it;
//! - both model lists also cover the OpenAI-compatible Chat Completions API on bedrock-runtime,
//!   which names its model in `bedrock:ModelArn` (docs/semantics.md, "Models"): such a request
//!   for a denied or unlisted model is denied, where the seeds allow it.
//!
//! These differences, and only these (each is checked to disappear once its key is taken out of
//! the request), are accepted.
//!
//! Requests are built from the literals of both policies (actions, resources, condition keys
//! and values, with each wildcard filled in) plus fixed realistic values, with every key also
//! tried absent. When the product of a program's keys is small it is enumerated; otherwise every
//! key is varied alone and a deterministic sample covers the combinations.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

#[path = "seeds/common.rs"]
#[allow(
    dead_code,
    reason = "shared with tests/seed_sizes.rs, which uses all of it"
)]
mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{compile_seed, scp_statements, seed_json, Seed, ALL_NINE, SEEDS};
use govc_compiler::compile::Options;
use govc_compiler::glob::glob_match;
use govc_compiler::ir::eval::{decide, ContextValue, Decision, Request};
use govc_compiler::ir::parse::parse_policy;
use govc_compiler::ir::{Op, Statement};

/// Actions tried on every program, besides the policies' own.
const ACTIONS: &[&str] = &[
    "bedrock:InvokeModel",
    "bedrock:InvokeModelWithResponseStream",
    "bedrock:CreateInferenceProfile",
    "bedrock:UntagResource",
    "bedrock:TagResource",
    "bedrock:CallWithBearerToken",
    "bedrock-mantle:CallWithBearerToken",
    "bedrock-mantle:CreateInference",
    "bedrock-mantle:ListProjects",
    "bedrock:CreateModelInvocationJob",
    "bedrock:GetFoundationModel",
    "bedrock:ListFoundationModels",
    "iam:CreateServiceSpecificCredential",
    "iam:CreateUser",
    "bedrock-agentcore:ListAgentRuntimes",
    "bedrock-agentcore:InvokeAgentRuntime",
    "s3:ListAllMyBuckets",
    // Action names are case-insensitive (aws.md §3.4).
    "BEDROCK:invokemodel",
    // The corrections: generated, then left out by `excluded`.
    "bedrock:Converse",
    "bedrock:ConverseStream",
];

/// Resources tried on every program, besides the policies' own.
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:bedrock:us-east-1::foundation-model/deepseek.v3.2",
    "arn:aws:bedrock:us-west-2::foundation-model/deepseek.r1-v1:0",
    "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
    "arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
    "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0",
    // Global cross-Region inference: the Region-less model ARN (aws.md §5.2).
    "arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
    "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0",
    "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6",
    "arn:aws:bedrock-mantle:us-east-1:992382794994:project/default",
    "arn:aws:bedrock-agentcore:us-east-1:992382794994:runtime/*",
    "arn:aws:s3:::example-bucket",
];

const APP_PROFILE: &str =
    "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6";
const SYSTEM_PROFILE: &str =
    "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0";

/// Values tried for a key whenever a policy of the program uses it, besides the policies' own.
const VALUES: &[(&str, &[&str])] = &[
    (
        "aws:RequestedRegion",
        &[
            "us-east-1",
            "us-west-2",
            "us-east-2",
            "ca-central-1",
            "ap-northeast-1",
            "unspecified",
        ],
    ),
    (
        "bedrock:InferenceProfileArn",
        &[APP_PROFILE, SYSTEM_PROFILE],
    ),
    (
        "aws:PrincipalArn",
        &[
            "arn:aws:iam::992382794994:role/TestRole",
            "arn:aws:iam::992382794994:role/OtherRole",
            "arn:aws:iam::992382794994:user/BedrockAPIKey-flfp",
        ],
    ),
    (
        "aws:PrincipalAccount",
        &["111111111111", "222222222222", "333333333333"],
    ),
    ("aws:ViaAWSMCPService", &["true", "false"]),
    ("bedrock:BearerTokenType", &["LONG_TERM", "SHORT_TERM"]),
    (
        "bedrock-mantle:BearerTokenType",
        &["LONG_TERM", "SHORT_TERM"],
    ),
    (
        "bedrock-mantle:Model",
        &[
            "deepseek.v3.2",
            "anthropic.claude-sonnet-4-5",
            "openai.gpt-oss-120b",
        ],
    ),
    (
        "aws:TagKeys",
        &["CostCenter", "Project", "Team", "Environment", "Owner"],
    ),
];

/// Candidate values of one key: `None` is the key absent.
type Candidates = Vec<Option<ContextValue>>;

/// A pattern with its wildcards filled in two ways (`*` as `x` and as nothing), and as written
/// (a literal `*` under an exact operator is an ordinary character).
fn instances(pattern: &str) -> Vec<String> {
    let mut out = vec![pattern.to_string()];
    if pattern.contains(['*', '?']) {
        out.push(pattern.replace(['*', '?'], "x"));
        out.push(pattern.replace('*', "").replace('?', "x"));
    }
    out
}

#[derive(Default)]
struct Literals {
    actions: BTreeSet<String>,
    resources: BTreeSet<String>,
    /// Lower-cased key (key names are case-insensitive, aws.md §3.1) → spelling, values, whether
    /// it is used under a set qualifier (multivalued), and whether under `Bool`.
    keys: BTreeMap<String, (String, BTreeSet<String>, bool, bool)>,
}

fn literals(sts: &[Statement], lits: &mut Literals) {
    for s in sts {
        lits.actions
            .extend(s.action.values.iter().flat_map(|a| instances(a)));
        lits.resources
            .extend(s.resource.values.iter().flat_map(|r| instances(r)));
        for (op, keys) in &s.condition {
            for (k, vs) in keys {
                let e = lits
                    .keys
                    .entry(k.to_ascii_lowercase())
                    .or_insert_with(|| (k.to_string(), BTreeSet::new(), false, false));
                e.2 |= op.qualifier.is_some();
                e.3 |= op.op == Op::Bool;
                // A Null operator's values say absent/present; they are not values of the key.
                if op.op != Op::Null {
                    e.1.extend(vs.iter().flat_map(|v| instances(v)));
                }
            }
        }
    }
}

fn candidates(
    spelling: &str,
    literal: &BTreeSet<String>,
    multi: bool,
    boolean: bool,
) -> Candidates {
    let mut values: BTreeSet<String> = literal.clone();
    if let Some((_, extra)) = VALUES
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(spelling))
    {
        values.extend(extra.iter().map(|v| v.to_string()));
    }
    if boolean {
        values.extend(["true".to_string(), "false".to_string()]);
    } else {
        values.insert("some-other-value".to_string());
    }
    let values: Vec<String> = values.into_iter().collect();
    let mut out: Candidates = vec![None];
    if multi {
        out.push(Some(ContextValue::Many(Vec::new())));
        out.extend(
            values
                .iter()
                .map(|v| Some(ContextValue::Many(vec![v.clone()]))),
        );
        let lits: Vec<String> = literal.iter().cloned().collect();
        if lits.len() > 1 {
            out.push(Some(ContextValue::Many(lits.clone())));
        }
        if let Some(first) = lits.first() {
            out.push(Some(ContextValue::Many(vec![
                first.clone(),
                "Other".to_string(),
            ])));
        }
    } else {
        out.extend(values.into_iter().map(|v| Some(ContextValue::One(v))));
    }
    out
}

/// splitmix64: a fixed, portable sequence, so every run tries the same requests.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Enumerate the full product of a program's key candidates up to this many contexts;
/// above it, vary each key alone and add this many sampled contexts per action and resource.
const FULL_PRODUCT: usize = 4096;
const SAMPLES_PER_PAIR: usize = 96;

fn build(dims: &[(String, Candidates)], choice: &[usize]) -> BTreeMap<String, ContextValue> {
    dims.iter()
        .zip(choice)
        .filter_map(|((k, cs), &i)| cs[i].clone().map(|v| (k.clone(), v)))
        .collect()
}

/// The full product when it is small enough; otherwise `None`.
fn full_product(dims: &[(String, Candidates)]) -> Option<Vec<BTreeMap<String, ContextValue>>> {
    let product = dims
        .iter()
        .try_fold(1usize, |acc, (_, cs)| acc.checked_mul(cs.len()))?;
    if product > FULL_PRODUCT {
        return None;
    }
    let mut out = Vec::with_capacity(product);
    let mut choice = vec![0usize; dims.len()];
    loop {
        out.push(build(dims, &choice));
        // Mixed-radix increment.
        let mut i = 0;
        loop {
            let Some((_, cs)) = dims.get(i) else {
                return Some(out);
            };
            choice[i] += 1;
            if choice[i] < cs.len() {
                break;
            }
            choice[i] = 0;
            i += 1;
        }
    }
}

/// Each key alone, every other key absent.
fn one_key_at_a_time(dims: &[(String, Candidates)]) -> Vec<BTreeMap<String, ContextValue>> {
    let mut out = Vec::new();
    for (d, (_, cs)) in dims.iter().enumerate() {
        for i in 0..cs.len() {
            let mut choice = vec![0usize; dims.len()];
            choice[d] = i;
            out.push(build(dims, &choice));
        }
    }
    out
}

/// The documented corrections that take a request out of the comparison.
fn excluded(action: &str) -> bool {
    ["bedrock:Converse", "bedrock:ConverseStream"]
        .iter()
        .any(|a| a.eq_ignore_ascii_case(action))
}

/// The allow-list's accepted difference: the compiled mantle Deny for models outside the list.
fn has_key(req: &Request, key: &str) -> bool {
    req.context.keys().any(|k| k.eq_ignore_ascii_case(key))
}

fn mantle_model_outside_list(req: &Request) -> bool {
    let is_mantle = req
        .action
        .to_ascii_lowercase()
        .starts_with("bedrock-mantle:");
    let model = req
        .context
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("bedrock-mantle:Model"))
        .map(|(_, v)| v);
    match model {
        Some(ContextValue::One(m)) => is_mantle && !glob_match("anthropic.claude*", m, false),
        _ => false,
    }
}

#[derive(Default, Debug)]
struct Tally {
    requests: usize,
    /// The distinct decisions the seed made.
    seen: Vec<Decision>,
    accepted_differences: usize,
}

/// Compares the two statement lists on every generated request; panics on the first
/// difference that is not a documented correction.
fn compare(name: &str, seed: &[Statement], compiled: &[Statement], allow_list: bool) -> Tally {
    let mut lits = Literals::default();
    literals(seed, &mut lits);
    literals(compiled, &mut lits);
    let actions: BTreeSet<String> = ACTIONS
        .iter()
        .map(|a| a.to_string())
        .chain(lits.actions.iter().cloned())
        .collect();
    let resources: BTreeSet<String> = RESOURCES
        .iter()
        .map(|r| r.to_string())
        .chain(lits.resources.iter().cloned())
        .collect();
    let dims: Vec<(String, Candidates)> = lits
        .keys
        .values()
        .map(|(k, vs, multi, boolean)| (k.clone(), candidates(k, vs, *multi, *boolean)))
        .collect();
    let full = full_product(&dims);
    let singles = one_key_at_a_time(&dims);
    let mut rng = Rng(0x5eed);
    let mut tally = Tally::default();
    for action in &actions {
        // A request names one action, `service:Name`: an instance of a bare `*` pattern (``,
        // `x`, `*`) is not one.
        let well_formed = action
            .split_once(':')
            .is_some_and(|(svc, name)| !svc.is_empty() && !name.is_empty());
        if excluded(action) || !well_formed {
            continue;
        }
        for resource in &resources {
            // A request pairs an action with `*` or a resource of the action's own service
            // (docs/semantics.md, "Requests"); the allow-list governs models on Bedrock's
            // endpoints, where seed 001 also filters other services' actions on model ARNs.
            let service = action.split(':').next().unwrap_or("");
            let same_service = resource == "*"
                || resource
                    .split(':')
                    .nth(2)
                    .is_some_and(|s| s.eq_ignore_ascii_case(service));
            if !same_service {
                continue;
            }
            let contexts: Vec<BTreeMap<String, ContextValue>> = match &full {
                Some(all) => all.clone(),
                None => singles
                    .iter()
                    .cloned()
                    .chain((0..SAMPLES_PER_PAIR).map(|_| {
                        let choice: Vec<usize> =
                            dims.iter().map(|(_, cs)| rng.below(cs.len())).collect();
                        build(&dims, &choice)
                    }))
                    .collect(),
            };
            for context in contexts {
                let req = Request {
                    action: action.clone(),
                    resource: resource.clone(),
                    context,
                };
                let want = decide(seed, &req);
                let got = decide(compiled, &req);
                tally.requests += 1;
                if !tally.seen.contains(&want) {
                    tally.seen.push(want);
                }
                if want == got {
                    continue;
                }
                // The corrections, each recognised by the key it is about: the request is
                // decided alike once that key is taken out of it.
                // - The allow-list covers `bedrock-mantle`: a mantle request for a model
                //   outside the list has no Allow, where the seed allows it.
                // - Both model lists cover the Chat Completions path on bedrock-runtime, which
                //   names its model in `bedrock:ModelArn`; the seeds do not.
                let corrected = |key: &str| {
                    let mut without = req.clone();
                    without.context.retain(|k, _| !k.eq_ignore_ascii_case(key));
                    decide(seed, &without) == decide(compiled, &without)
                };
                let strictness = |d: Decision| match d {
                    Decision::Allow => 0,
                    Decision::ImplicitDeny => 1,
                    Decision::ExplicitDeny => 2,
                };
                if strictness(got) > strictness(want)
                    && ((allow_list
                        && mantle_model_outside_list(&req)
                        && corrected("bedrock-mantle:Model"))
                        || (has_key(&req, "bedrock:ModelArn") && corrected("bedrock:ModelArn")))
                {
                    tally.accepted_differences += 1;
                    continue;
                }
                panic!(
                    "{name}: the compiled SCP decides {got:?} where the seed decides {want:?}\n\
                     request: {} on {} with {:?}",
                    req.action, req.resource, req.context
                );
            }
        }
    }
    // A generator that never reaches both outcomes would compare nothing.
    assert!(tally.seen.len() > 1, "{name}: {tally:?}");
    tally
}

fn seed_statements(seed: &Seed) -> Vec<Statement> {
    parse_policy(&seed_json(seed.id)).unwrap_or_else(|e| panic!("{}: {e}", seed.id))
}

fn both_builds() -> [(&'static str, Options); 2] {
    [
        ("optimised", Options::default()),
        (
            "unoptimised",
            Options {
                optimize: false,
                ..Options::default()
            },
        ),
    ]
}

#[test]
fn each_seed_decides_as_written() {
    for seed in SEEDS {
        for (build, opts) in both_builds() {
            let compiled = scp_statements(&compile_seed(seed.id, &opts));
            let t = compare(
                &format!("{} ({build})", seed.id),
                &seed_statements(seed),
                &compiled,
                seed.allow_list,
            );
            if seed.allow_list {
                assert!(t.accepted_differences > 0, "{}: {t:?}", seed.id);
            }
        }
    }
}

#[test]
fn all_nine_on_one_target_decide_as_the_nine_seeds() {
    let seed: Vec<Statement> = SEEDS
        .iter()
        .filter(|s| !s.allow_list)
        .flat_map(seed_statements)
        .collect();
    for (build, opts) in both_builds() {
        let compiled = scp_statements(&compile_seed(ALL_NINE, &opts));
        compare(&format!("{ALL_NINE} ({build})"), &seed, &compiled, false);
    }
}
