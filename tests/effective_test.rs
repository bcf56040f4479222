//! `govc effective` and the guardrail line of `govc simulate`, end to end: the effective
//! BEDROCK_POLICY of every account of the examples, and of a three-level organization where a
//! lock refuses a child policy's settings.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly"
)]

mod common;
use common::govc;

fn stdout_of(args: &[&str], code: i32) -> String {
    let out = govc(args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "govc {args:?}\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const ORG_ACCOUNTS: [&str; 5] = [
    "ai_platform",
    "agent_lab",
    "bedrock_tokyo",
    "bedrock_london",
    "analytics",
];

#[test]
fn effective_guardrails_of_every_example_account() {
    // guardrails.gov holds the examples' only `guardrail` block; organization.gov attaches it to
    // the root (enforced-guardrail-account.gov is an SCP around the account-level API).
    let mut all = String::new();
    for account in ORG_ACCOUNTS {
        all.push_str(&stdout_of(
            &[
                "effective",
                "examples/organization.gov",
                "--account",
                account,
            ],
            0,
        ));
        all.push('\n');
    }
    insta::assert_snapshot!("organization", all);
}

#[test]
fn effective_guardrails_across_three_levels_with_a_lock() {
    let mut all = String::new();
    for account in ["research", "finance"] {
        all.push_str(&stdout_of(
            &[
                "effective",
                "tests/data/guardrail-levels.gov",
                "--account",
                account,
            ],
            0,
        ));
        all.push('\n');
    }
    insta::assert_snapshot!("levels", all);
}

#[test]
fn json_report_is_the_operator_free_effective_policy() {
    let text = stdout_of(
        &[
            "effective",
            "tests/data/guardrail-levels.gov",
            "--account",
            "research",
            "--format",
            "json",
        ],
        0,
    );
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["path"], serde_json::json!(["root", "labs", "research"]));
    let us = &v["effective_policy"]["bedrock"]["guardrail_inference"]["us-east-1"];
    assert_eq!(
        us["org_wide"]["identifier"],
        "arn:aws:bedrock:us-east-1:851725215482:guardrail/orgwide1:3"
    );
    assert_eq!(
        us["team"]["model_enforcement"]["included_models"],
        serde_json::json!(["anthropic.claude-3-haiku-20240307-v1:0"])
    );
    let policy = v["effective_policy"].to_string();
    assert!(
        !policy.contains("@@"),
        "operators stripped, as AWS shows an effective policy: {policy}"
    );
    let notes = v["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 3);
    for n in notes {
        assert_eq!(n["kind"], "refused");
        assert_eq!(n["target"], "research");
        assert_eq!(n["restricted_by"]["target"], "root");
        assert_eq!(n["allowed"], serde_json::json!([]));
    }
}

#[test]
fn no_attached_guardrail_says_so() {
    let out = stdout_of(
        &[
            "effective",
            "examples/control-tower-regions.gov",
            "--account",
            "analytics",
        ],
        0,
    );
    assert_eq!(
        out,
        "effective BEDROCK_POLICY of account `analytics` (root > jp_workloads > analytics)\n\
         no BEDROCK_POLICY is attached on this path: no guardrail is enforced\n"
    );
}

#[test]
fn an_ou_or_unknown_name_is_a_usage_error() {
    for name in ["labs", "nobody"] {
        let out = govc(&[
            "effective",
            "tests/data/guardrail-levels.gov",
            "--account",
            name,
        ]);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("is not an account"), "{err}");
    }
}

#[test]
fn simulate_names_the_guardrail_of_the_requests_region() {
    let sim = |resource: &str, region: Option<&str>, code: i32| {
        let mut args = vec![
            "simulate",
            "examples/organization.gov",
            "--account",
            "agent_lab",
            "--action",
            "bedrock:InvokeModel",
            "--resource",
            resource,
        ];
        if let Some(r) = region {
            args.extend(["--region", r]);
        }
        stdout_of(&args, code)
    };
    let claude =
        "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0";
    let out = sim(claude, Some("us-west-2"), 0);
    assert!(
        out.contains("guardrail `prompt_injection` enforced in us-west-2: arn:aws:bedrock:us-west-2:851725215482:guardrail/def456:1; guards model anthropic.claude-sonnet-4-5-20250929-v1:0"),
        "{out}"
    );
    let titan = "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0";
    let out = sim(titan, Some("us-east-1"), 0);
    assert!(
        out.contains("model amazon.titan-embed-text-v2:0 is not guarded (excluded)"),
        "{out}"
    );
    // Not a Bedrock action: no guardrail line.
    let out = stdout_of(
        &[
            "simulate",
            "examples/organization.gov",
            "--account",
            "agent_lab",
            "--action",
            "s3:GetObject",
            "--region",
            "us-east-1",
        ],
        0,
    );
    assert!(!out.contains("enforced in"), "{out}");
    // No Region in the request (so `only regions` denies it, exit 3): no guardrail line.
    let out = sim(claude, None, 3);
    assert!(!out.contains("enforced in"), "{out}");
}
