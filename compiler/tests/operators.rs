//! The evaluator against the examples of the AWS documentation (aws.md §3), written as data: a
//! policy (JSON, read with `ir::parse`), a request and the decision AWS documents for it.
//!
//! Each case names the page it comes from; the page keys are:
//! - `OPS`: "IAM JSON policy elements: Condition operators"
//!   (`reference_policies_elements_condition_operators`);
//! - `MULTI`: "Conditions with multiple context keys or values"
//!   (`reference_policies_condition-logic-multiple-context-keys-or-values`), and its older form
//!   "Creating a condition that tests multiple key values (set operations)"
//!   (`reference_policies_multi-value-conditions`);
//! - `SVMV`: "Single-valued vs multivalued context keys"
//!   (`reference_policies_condition-single-vs-multi-valued-context-keys`);
//! - `MVEX`: "Multivalued context keys examples"
//!   (`reference_policies_condition_examples-multi-valued-context-keys`);
//! - `ACTION`, `NOTACTION`, `RESOURCE`, `NOTRESOURCE`: "IAM JSON policy elements: Action /
//!   NotAction / Resource / NotResource";
//! - `SCPSYN`: "SCP syntax" and the AWS Security Blog of 19 Sep 2025 (aws.md §1.3);
//! - `SCPEVAL`: "SCP evaluation" (`orgs_manage_policies_scps_evaluation`, aws.md §1.4).
//!
//! Where a page gives an example (a policy and the requests it allows or denies), the row uses
//! it; the other rows apply the rule the page states, on the page's example values (the MULTI
//! AND/NOR rows and the RESOURCE `*/test/*` rows are of this kind).
//!
//! A case that fails is an evaluator bug (or a misread page): every table is run to the end and
//! all failing rows are reported together, with the page they come from.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use govc_compiler::ir::eval::{decide, Decision, Request};
use govc_compiler::ir::parse::parse_policy;
use govc_compiler::verify::{evaluate, InForce, Level, Outcome, Provenance};
use serde_json::Value;

/// The decision a case expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Want {
    Allow,
    /// An explicit Deny matched.
    Deny,
    /// Nothing matched (implicit deny).
    None,
}

impl Want {
    fn of(d: Decision) -> Want {
        match d {
            Decision::Allow => Want::Allow,
            Decision::ExplicitDeny => Want::Deny,
            Decision::ImplicitDeny => Want::None,
        }
    }
}

/// A whole policy and a request: `{"action", "resource", "context": {key: value | [values]}}`.
struct Case {
    doc: &'static str,
    policy: &'static str,
    request: String,
    want: Want,
}

/// A `Condition` block alone and a request context: the block is put in an
/// `Allow * on *` statement, so the request is allowed exactly when the block holds.
struct Cond {
    doc: &'static str,
    condition: &'static str,
    context: &'static str,
    holds: bool,
}

fn request(json: &str) -> Request {
    let v: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"));
    let mut r = Request::new(
        v["action"].as_str().unwrap_or("bedrock:InvokeModel"),
        v["resource"]
            .as_str()
            .unwrap_or("arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-lite-v1"),
    );
    if let Some(context) = v["context"].as_object() {
        r = with_context(r, context);
    }
    r
}

fn with_context(mut r: Request, context: &serde_json::Map<String, Value>) -> Request {
    for (k, v) in context {
        r = match v {
            Value::String(s) => r.with(k, s),
            Value::Array(items) => r.with_many(k, items.iter().map(|i| i.as_str().unwrap())),
            other => panic!("context value {other}"),
        };
    }
    r
}

fn run_cases(cases: &[Case]) {
    let mut failures = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let statements =
            parse_policy(c.policy).unwrap_or_else(|e| panic!("case {i} ({}): {e}", c.doc));
        let got = Want::of(decide(&statements, &request(&c.request)));
        if got != c.want {
            failures.push(format!(
                "case {i} [{}]\n  policy:  {}\n  request: {}\n  want {:?}, got {got:?}",
                c.doc, c.policy, c.request, c.want
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

fn run_conds(cases: &[Cond]) {
    let mut failures = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let policy = format!(
            r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"*","Resource":"*","Condition":{}}}}}"#,
            c.condition
        );
        let statements =
            parse_policy(&policy).unwrap_or_else(|e| panic!("case {i} ({}): {e}", c.doc));
        let context: Value = serde_json::from_str(c.context).unwrap();
        let r = with_context(
            Request::new(
                "bedrock:InvokeModel",
                "arn:aws:bedrock:us-east-1::foundation-model/m",
            ),
            context.as_object().unwrap(),
        );
        let holds = decide(&statements, &r) == Decision::Allow;
        if holds != c.holds {
            failures.push(format!(
                "case {i} [{}]\n  condition: {}\n  context:   {}\n  want {}, got {holds}",
                c.doc, c.condition, c.context, c.holds
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

fn cond(doc: &'static str, condition: &'static str, context: &'static str, holds: bool) -> Cond {
    Cond {
        doc,
        condition,
        context,
        holds,
    }
}

fn case(doc: &'static str, policy: &'static str, request: &str, want: Want) -> Case {
    Case {
        doc,
        policy,
        request: request.to_string(),
        want,
    }
}

#[test]
fn string_operators() {
    // OPS, String: "StringEquals: Exact matching, case sensitive"; the example requires the
    // principal tag job-category = iamuser-admin, and a missing tag makes the condition false.
    const P: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:*AccessKey*",
        "Resource":"arn:aws:iam::111122223333:user/*",
        "Condition":{"StringEquals":{"aws:PrincipalTag/job-category":"iamuser-admin"}}}}"#;
    run_cases(&[
        case(
            "OPS StringEquals example",
            P,
            r#"{"action":"iam:CreateAccessKey","resource":"arn:aws:iam::111122223333:user/bob",
                "context":{"aws:PrincipalTag/job-category":"iamuser-admin"}}"#,
            Want::Allow,
        ),
        case(
            "OPS StringEquals example: a user without the tag",
            P,
            r#"{"action":"iam:CreateAccessKey","resource":"arn:aws:iam::111122223333:user/bob"}"#,
            Want::None,
        ),
        case(
            "OPS StringEquals is case sensitive",
            P,
            r#"{"action":"iam:CreateAccessKey","resource":"arn:aws:iam::111122223333:user/bob",
                "context":{"aws:PrincipalTag/job-category":"IAMUser-Admin"}}"#,
            Want::None,
        ),
        case(
            "OPS StringEquals example: the action is outside iam:*AccessKey*",
            P,
            r#"{"action":"iam:CreateUser","resource":"arn:aws:iam::111122223333:user/bob",
                "context":{"aws:PrincipalTag/job-category":"iamuser-admin"}}"#,
            Want::None,
        ),
    ]);
    run_conds(&[
        cond(
            "OPS StringEqualsIgnoreCase: exact matching, ignoring case",
            r#"{"StringEqualsIgnoreCase":{"aws:PrincipalTag/job-category":"iamuser-admin"}}"#,
            r#"{"aws:PrincipalTag/job-category":"IAMUser-Admin"}"#,
            true,
        ),
        cond(
            "OPS StringEqualsIgnoreCase: still exact",
            r#"{"StringEqualsIgnoreCase":{"aws:PrincipalTag/job-category":"iamuser-admin"}}"#,
            r#"{"aws:PrincipalTag/job-category":"iamuser-admins"}"#,
            false,
        ),
        cond(
            "OPS StringNotEqualsIgnoreCase: negated matching, ignoring case",
            r#"{"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/job-category":"iamuser-admin"}}"#,
            r#"{"aws:PrincipalTag/job-category":"IAMUSER-ADMIN"}"#,
            false,
        ),
        cond(
            "OPS StringNotEquals: negated matching",
            r#"{"StringNotEquals":{"aws:PrincipalTag/job-category":"iamuser-admin"}}"#,
            r#"{"aws:PrincipalTag/job-category":"IAMUser-Admin"}"#,
            true,
        ),
        cond(
            "OPS Important box: a negated operator on a missing key is true",
            r#"{"StringNotEquals":{"aws:PrincipalTag/job-category":"iamuser-admin"}}"#,
            r#"{}"#,
            true,
        ),
        cond(
            "OPS Important box: StringNotLike on a missing key is true",
            r#"{"StringNotLike":{"aws:PrincipalTag/job-category":"iam*"}}"#,
            r#"{}"#,
            true,
        ),
        // OPS, StringLike: case-sensitive, `*` and `?` anywhere; the values are those of the
        // `...IfExists` example (t1.*, t2.*, m3.*).
        cond(
            "OPS StringLike",
            r#"{"StringLike":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}}"#,
            r#"{"ec2:InstanceType":"t2.micro"}"#,
            true,
        ),
        cond(
            "OPS StringLike: no pattern matches",
            r#"{"StringLike":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}}"#,
            r#"{"ec2:InstanceType":"m4.large"}"#,
            false,
        ),
        cond(
            "OPS StringLike is case sensitive",
            r#"{"StringLike":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}}"#,
            r#"{"ec2:InstanceType":"T2.micro"}"#,
            false,
        ),
        cond(
            "OPS StringLike: the key is missing, so false",
            r#"{"StringLike":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}}"#,
            r#"{}"#,
            false,
        ),
        cond(
            "OPS StringLike: `?` is exactly one character",
            r#"{"StringLike":{"ec2:InstanceType":"t?.micro"}}"#,
            r#"{"ec2:InstanceType":"t2.micro"}"#,
            true,
        ),
        cond(
            "OPS StringLike: `?` is not zero characters",
            r#"{"StringLike":{"ec2:InstanceType":"t?.micro"}}"#,
            r#"{"ec2:InstanceType":"t.micro"}"#,
            false,
        ),
        cond(
            "OPS StringLike: wildcards anywhere in the string",
            r#"{"StringLike":{"bedrock-mantle:Model":"*claude*"}}"#,
            r#"{"bedrock-mantle:Model":"anthropic.claude-3-haiku"}"#,
            true,
        ),
        cond(
            "OPS StringLike: `*` crosses `:` (unlike ArnLike)",
            r#"{"StringLike":{"aws:SourceArn":"arn:aws:someservice:*:111122223333:finance/*"}}"#,
            r#"{"aws:SourceArn":"arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"}"#,
            true,
        ),
        cond(
            "OPS StringNotLike: negated case-sensitive matching",
            r#"{"StringNotLike":{"ec2:InstanceType":["t1.*","t2.*"]}}"#,
            r#"{"ec2:InstanceType":"m3.large"}"#,
            true,
        ),
        cond(
            "OPS StringNotLike: a value matches, so false",
            r#"{"StringNotLike":{"ec2:InstanceType":["t1.*","t2.*"]}}"#,
            r#"{"ec2:InstanceType":"t2.large"}"#,
            false,
        ),
        cond(
            "OPS: only the Like forms take wildcards; StringEquals compares `*` literally",
            r#"{"StringEquals":{"ec2:InstanceType":"t2.*"}}"#,
            r#"{"ec2:InstanceType":"t2.micro"}"#,
            false,
        ),
        cond(
            "OPS: StringEquals with a literal `*` in the request",
            r#"{"StringEquals":{"ec2:InstanceType":"t2.*"}}"#,
            r#"{"ec2:InstanceType":"t2.*"}"#,
            true,
        ),
    ]);
}

#[test]
fn numeric_operators() {
    // OPS, Numeric: the s3:max-keys example (list up to 10 objects at a time).
    const P: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket",
        "Resource":"arn:aws:s3:::example_bucket",
        "Condition":{"NumericLessThanEquals":{"s3:max-keys":"10"}}}}"#;
    run_cases(&[
        case(
            "OPS NumericLessThanEquals example: 10",
            P,
            r#"{"action":"s3:ListBucket","resource":"arn:aws:s3:::example_bucket","context":{"s3:max-keys":"10"}}"#,
            Want::Allow,
        ),
        case(
            "OPS NumericLessThanEquals example: 3",
            P,
            r#"{"action":"s3:ListBucket","resource":"arn:aws:s3:::example_bucket","context":{"s3:max-keys":"3"}}"#,
            Want::Allow,
        ),
        case(
            "OPS NumericLessThanEquals example: 11 is more than 10",
            P,
            r#"{"action":"s3:ListBucket","resource":"arn:aws:s3:::example_bucket","context":{"s3:max-keys":"11"}}"#,
            Want::None,
        ),
        case(
            "OPS NumericLessThanEquals example: without the key the values do not match",
            P,
            r#"{"action":"s3:ListBucket","resource":"arn:aws:s3:::example_bucket"}"#,
            Want::None,
        ),
    ]);
    run_conds(&[
        // OPS: "compare a key to an integer or decimal value".
        cond(
            "OPS NumericEquals: integer and decimal compare as numbers",
            r#"{"NumericEquals":{"s3:max-keys":"10"}}"#,
            r#"{"s3:max-keys":"10.0"}"#,
            true,
        ),
        cond(
            "OPS NumericEquals",
            r#"{"NumericEquals":{"s3:max-keys":"10"}}"#,
            r#"{"s3:max-keys":"100"}"#,
            false,
        ),
        cond(
            "OPS NumericNotEquals",
            r#"{"NumericNotEquals":{"s3:max-keys":"10"}}"#,
            r#"{"s3:max-keys":"11"}"#,
            true,
        ),
        cond(
            "OPS NumericLessThan",
            r#"{"NumericLessThan":{"s3:max-keys":"10"}}"#,
            r#"{"s3:max-keys":"9.5"}"#,
            true,
        ),
        cond(
            "OPS NumericLessThan: not equal",
            r#"{"NumericLessThan":{"s3:max-keys":"10"}}"#,
            r#"{"s3:max-keys":"10"}"#,
            false,
        ),
        cond(
            "OPS NumericGreaterThan",
            r#"{"NumericGreaterThan":{"s3:max-keys":"10"}}"#,
            r#"{"s3:max-keys":"10.5"}"#,
            true,
        ),
        cond(
            "OPS NumericGreaterThan: numbers, not strings (\"9\" > \"10\" as text)",
            r#"{"NumericGreaterThan":{"s3:max-keys":"10"}}"#,
            r#"{"s3:max-keys":"9"}"#,
            false,
        ),
        cond(
            "OPS NumericGreaterThanEquals",
            r#"{"NumericGreaterThanEquals":{"s3:max-keys":"10"}}"#,
            r#"{"s3:max-keys":"10"}"#,
            true,
        ),
        cond(
            "OPS NumericLessThan with a negative number",
            r#"{"NumericLessThan":{"s3:max-keys":"0"}}"#,
            r#"{"s3:max-keys":"-1"}"#,
            true,
        ),
        cond(
            "OPS Important box: NumericNotEquals on a missing key is true",
            r#"{"NumericNotEquals":{"s3:max-keys":"10"}}"#,
            r#"{}"#,
            true,
        ),
        cond(
            "MULTI: NumericNotEquals with two values is NOR",
            r#"{"NumericNotEquals":{"s3:max-keys":["10","20"]}}"#,
            r#"{"s3:max-keys":"20"}"#,
            false,
        ),
    ]);
}

#[test]
fn date_operators() {
    // OPS, Date: the aws:TokenIssueTime example (credentials issued after 2020-01-01T00:00:01Z);
    // "W3C implementations of the ISO 8601 date formats or in epoch (UNIX) time".
    const P: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:*AccessKey*",
        "Resource":"arn:aws:iam::111122223333:user/*",
        "Condition":{"DateGreaterThan":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}}}}"#;
    run_cases(&[
        case(
            "OPS DateGreaterThan example: issued in 2020",
            P,
            r#"{"action":"iam:ListAccessKeys","resource":"arn:aws:iam::111122223333:user/bob",
                "context":{"aws:TokenIssueTime":"2020-06-01T12:00:00Z"}}"#,
            Want::Allow,
        ),
        case(
            "OPS DateGreaterThan example: issued before",
            P,
            r#"{"action":"iam:ListAccessKeys","resource":"arn:aws:iam::111122223333:user/bob",
                "context":{"aws:TokenIssueTime":"2019-12-31T23:59:59Z"}}"#,
            Want::None,
        ),
        case(
            "OPS DateGreaterThan example: the same instant is not after it",
            P,
            r#"{"action":"iam:ListAccessKeys","resource":"arn:aws:iam::111122223333:user/bob",
                "context":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}}"#,
            Want::None,
        ),
        case(
            "OPS DateGreaterThan example: access keys (no aws:TokenIssueTime) are denied",
            P,
            r#"{"action":"iam:ListAccessKeys","resource":"arn:aws:iam::111122223333:user/bob"}"#,
            Want::None,
        ),
    ]);
    run_conds(&[
        cond(
            "OPS Date: epoch time (aws:EpochTime)",
            r#"{"DateLessThan":{"aws:EpochTime":"1577836800"}}"#,
            r#"{"aws:EpochTime":"1577836799"}"#,
            true,
        ),
        cond(
            "OPS Date: epoch time, the same instant is not less",
            r#"{"DateLessThan":{"aws:EpochTime":"1577836800"}}"#,
            r#"{"aws:EpochTime":"1577836800"}"#,
            false,
        ),
        cond(
            "OPS Date: an ISO 8601 policy value against an epoch request value",
            r#"{"DateGreaterThanEquals":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}"#,
            r#"{"aws:CurrentTime":"1577836800"}"#,
            true,
        ),
        cond(
            "OPS Date: an epoch policy value against an ISO 8601 request value",
            r#"{"DateLessThanEquals":{"aws:CurrentTime":"1577836800"}}"#,
            r#"{"aws:CurrentTime":"2020-01-01T00:00:01Z"}"#,
            false,
        ),
        cond(
            "OPS Date: W3C date-only form (YYYY-MM-DD) is midnight UTC",
            r#"{"DateEquals":{"aws:CurrentTime":"2020-01-01"}}"#,
            r#"{"aws:CurrentTime":"2020-01-01T00:00:00Z"}"#,
            true,
        ),
        cond(
            "OPS Date: W3C time zone designator (+hh:mm)",
            r#"{"DateEquals":{"aws:CurrentTime":"2020-01-01T01:00:00+01:00"}}"#,
            r#"{"aws:CurrentTime":"2020-01-01T00:00:00Z"}"#,
            true,
        ),
        cond(
            "OPS Date: W3C hh:mm form without seconds",
            r#"{"DateLessThan":{"aws:CurrentTime":"2020-01-01T10:30Z"}}"#,
            r#"{"aws:CurrentTime":"2020-01-01T10:29:59Z"}"#,
            true,
        ),
        cond(
            "OPS DateNotEquals",
            r#"{"DateNotEquals":{"aws:CurrentTime":"2020-01-01"}}"#,
            r#"{"aws:CurrentTime":"2020-01-02"}"#,
            true,
        ),
        cond(
            "OPS DateNotEquals: the same instant",
            r#"{"DateNotEquals":{"aws:CurrentTime":"2020-01-01"}}"#,
            r#"{"aws:CurrentTime":"1577836800"}"#,
            false,
        ),
        cond(
            "OPS DateGreaterThanEquals",
            r#"{"DateGreaterThanEquals":{"aws:CurrentTime":"2020-01-01"}}"#,
            r#"{"aws:CurrentTime":"2019-12-31T23:59:59Z"}"#,
            false,
        ),
        cond(
            "OPS Important box: DateNotEquals on a missing key is true",
            r#"{"DateNotEquals":{"aws:CurrentTime":"2020-01-01"}}"#,
            r#"{}"#,
            true,
        ),
    ]);
}

#[test]
fn bool_and_binary_operators() {
    // OPS, Boolean: the BooleanExample denies S3 on a bucket unless the request uses SSL.
    const P: &str = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"*","Resource":"*"},
        {"Sid":"BooleanExample","Action":"s3:*","Effect":"Deny",
         "Resource":["arn:aws:s3:::DOC-EXAMPLE-BUCKET","arn:aws:s3:::DOC-EXAMPLE-BUCKET/*"],
         "Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;
    run_cases(&[
        case(
            "OPS Bool example: not over SSL",
            P,
            r#"{"action":"s3:GetObject","resource":"arn:aws:s3:::DOC-EXAMPLE-BUCKET/a.txt",
                "context":{"aws:SecureTransport":"false"}}"#,
            Want::Deny,
        ),
        case(
            "OPS Bool example: over SSL",
            P,
            r#"{"action":"s3:GetObject","resource":"arn:aws:s3:::DOC-EXAMPLE-BUCKET/a.txt",
                "context":{"aws:SecureTransport":"true"}}"#,
            Want::Allow,
        ),
        case(
            "OPS Bool example: the bucket itself",
            P,
            r#"{"action":"s3:ListBucket","resource":"arn:aws:s3:::DOC-EXAMPLE-BUCKET",
                "context":{"aws:SecureTransport":"false"}}"#,
            Want::Deny,
        ),
        case(
            "OPS Bool example: another bucket",
            P,
            r#"{"action":"s3:GetObject","resource":"arn:aws:s3:::OTHER-BUCKET/a.txt",
                "context":{"aws:SecureTransport":"false"}}"#,
            Want::Allow,
        ),
        case(
            "OPS Important box: a missing key does not match, so no deny",
            P,
            r#"{"action":"s3:GetObject","resource":"arn:aws:s3:::DOC-EXAMPLE-BUCKET/a.txt"}"#,
            Want::Allow,
        ),
    ]);
    run_conds(&[
        cond(
            "OPS Bool: boolean matching (a JSON boolean in the policy)",
            r#"{"Bool":{"aws:ViaAWSMCPService":true}}"#,
            r#"{"aws:ViaAWSMCPService":"true"}"#,
            true,
        ),
        cond(
            "OPS Bool",
            r#"{"Bool":{"aws:ViaAWSMCPService":"true"}}"#,
            r#"{"aws:ViaAWSMCPService":"false"}"#,
            false,
        ),
        cond(
            "OPS BoolIfExists: a missing key is true",
            r#"{"BoolIfExists":{"aws:SecureTransport":"false"}}"#,
            r#"{}"#,
            true,
        ),
        // OPS, Binary: "compares the value of the specified key byte for byte against a
        // base-64 encoded representation of the binary value in the policy".
        cond(
            "OPS BinaryEquals example",
            r#"{"BinaryEquals":{"key":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}"#,
            r#"{"key":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}"#,
            true,
        ),
        cond(
            "OPS BinaryEquals: a different value",
            r#"{"BinaryEquals":{"key":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}"#,
            r#"{"key":"QmluYXJ5VmFsdWVJbkJhc2U2NQ=="}"#,
            false,
        ),
        cond(
            "OPS BinaryEquals: without the key the values do not match",
            r#"{"BinaryEquals":{"key":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}"#,
            r#"{}"#,
            false,
        ),
    ]);
}

#[test]
fn ip_address_operators() {
    // OPS, IP address: "203.0.113.0 to 203.0.113.255"; IPv4 and IPv6 mixed; "If you specify
    // an IP address without the associated routing prefix, IAM uses the default prefix value
    // of /32".
    run_conds(&[
        cond(
            "OPS IpAddress example: inside 203.0.113.0/24",
            r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
            r#"{"aws:SourceIp":"203.0.113.255"}"#,
            true,
        ),
        cond(
            "OPS IpAddress example: outside",
            r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
            r#"{"aws:SourceIp":"203.0.114.0"}"#,
            false,
        ),
        cond(
            "OPS IpAddress: without the key (VPC endpoint) the condition is false",
            r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
            r#"{}"#,
            false,
        ),
        cond(
            "OPS IpAddress mixed IPv4/IPv6 example: an IPv6 address in the /64",
            r#"{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:DB8:1234:5678::/64"]}}"#,
            r#"{"aws:SourceIp":"2001:db8:1234:5678:abcd::1"}"#,
            true,
        ),
        cond(
            "OPS IpAddress mixed example: an IPv6 address outside the /64",
            r#"{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:DB8:1234:5678::/64"]}}"#,
            r#"{"aws:SourceIp":"2001:db8:1234:5679::1"}"#,
            false,
        ),
        cond(
            "OPS IpAddress mixed example: an IPv4 address",
            r#"{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:DB8:1234:5678::/64"]}}"#,
            r#"{"aws:SourceIp":"203.0.113.9"}"#,
            true,
        ),
        cond(
            "OPS IpAddress: a bare address is /32",
            r#"{"IpAddress":{"aws:SourceIp":"203.0.113.5"}}"#,
            r#"{"aws:SourceIp":"203.0.113.5"}"#,
            true,
        ),
        cond(
            "OPS IpAddress: a bare address is /32, not its network",
            r#"{"IpAddress":{"aws:SourceIp":"203.0.113.5"}}"#,
            r#"{"aws:SourceIp":"203.0.113.6"}"#,
            false,
        ),
        cond(
            "OPS NotIpAddress: all addresses except the range",
            r#"{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
            r#"{"aws:SourceIp":"198.51.100.1"}"#,
            true,
        ),
        cond(
            "OPS NotIpAddress: inside the range",
            r#"{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
            r#"{"aws:SourceIp":"203.0.113.1"}"#,
            false,
        ),
        cond(
            "MULTI: NotIpAddress with two ranges is NOR",
            r#"{"NotIpAddress":{"aws:SourceIp":["203.0.113.0/24","198.51.100.0/24"]}}"#,
            r#"{"aws:SourceIp":"198.51.100.1"}"#,
            false,
        ),
        cond(
            "OPS Important box: NotIpAddress on a missing key is true",
            r#"{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
            r#"{}"#,
            true,
        ),
    ]);
}

#[test]
fn arn_operators() {
    run_conds(&[
        // OPS, ARN: the documented pattern and value. "With an ArnLike condition, which
        // matches elements between colons, the match fails. The first asterisk matches only
        // us-east-2 and fails on 999999999999:store/abc:".
        cond(
            "OPS ArnLike example: wildcards do not cross `:`",
            r#"{"ArnLike":{"aws:SourceArn":"arn:aws:someservice:*:111122223333:finance/*"}}"#,
            r#"{"aws:SourceArn":"arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"}"#,
            false,
        ),
        cond(
            "OPS ArnNotLike on the same example: the negation holds",
            r#"{"ArnNotLike":{"aws:SourceArn":"arn:aws:someservice:*:111122223333:finance/*"}}"#,
            r#"{"aws:SourceArn":"arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"}"#,
            true,
        ),
        cond(
            "OPS ArnLike: each of the six components matched separately",
            r#"{"ArnLike":{"aws:SourceArn":"arn:aws:someservice:*:111122223333:finance/*"}}"#,
            r#"{"aws:SourceArn":"arn:aws:someservice:us-east-2:111122223333:finance/document.txt"}"#,
            true,
        ),
        cond(
            "OPS ArnLike: the resource component keeps its colons",
            r#"{"ArnLike":{"aws:SourceArn":"arn:aws:someservice:*:111122223333:finance/*"}}"#,
            r#"{"aws:SourceArn":"arn:aws:someservice:us-east-2:111122223333:finance/a:b"}"#,
            true,
        ),
        cond(
            "OPS ArnLike: `?` is one character within a component",
            r#"{"ArnLike":{"aws:SourceArn":"arn:aws:sns:us-east-?:123456789012:TOPIC-ID"}}"#,
            r#"{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:TOPIC-ID"}"#,
            true,
        ),
        cond(
            "OPS ArnLike: a mid-component `*` stays in its component",
            r#"{"ArnLike":{"aws:SourceArn":"arn:aws:sns:us-*-1:123456789012:TOPIC-ID"}}"#,
            r#"{"aws:SourceArn":"arn:aws:sns:us-east:1:123456789012:TOPIC-ID"}"#,
            false,
        ),
        // "ArnEquals and ArnLike condition operators behave identically".
        cond(
            "OPS ArnEquals example (SNS topic as aws:SourceArn)",
            r#"{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:TOPIC-ID"}}"#,
            r#"{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:TOPIC-ID"}"#,
            true,
        ),
        cond(
            "OPS ArnEquals behaves like ArnLike (wildcards)",
            r#"{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:*:123456789012:*"}}"#,
            r#"{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:TOPIC-ID"}"#,
            true,
        ),
        cond(
            "OPS ArnEquals behaves like ArnLike: wildcards do not cross `:`",
            r#"{"ArnEquals":{"aws:SourceArn":"arn:aws:someservice:*:111122223333:finance/*"}}"#,
            r#"{"aws:SourceArn":"arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"}"#,
            false,
        ),
        cond(
            "OPS ArnEquals: case-sensitive matching",
            r#"{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:TOPIC-ID"}}"#,
            r#"{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:topic-id"}"#,
            false,
        ),
        cond(
            "OPS ArnEquals: the key is missing (a direct call), so false",
            r#"{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:TOPIC-ID"}}"#,
            r#"{}"#,
            false,
        ),
        cond(
            "OPS ArnNotEquals behaves like ArnNotLike",
            r#"{"ArnNotEquals":{"aws:SourceArn":"arn:aws:sns:*:123456789012:*"}}"#,
            r#"{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:TOPIC-ID"}"#,
            false,
        ),
        cond(
            "OPS Important box: ArnNotLike on a missing key is true",
            r#"{"ArnNotLike":{"aws:SourceArn":"arn:aws:sns:*:123456789012:*"}}"#,
            r#"{}"#,
            true,
        ),
    ]);
}

#[test]
fn null_and_if_exists() {
    // OPS, Null: the EC2 example allows only requests without temporary credentials.
    const NULL: &str = r#"{"Version":"2012-10-17","Statement":{"Action":"ec2:*","Effect":"Allow",
        "Resource":"*","Condition":{"Null":{"aws:TokenIssueTime":"true"}}}}"#;
    // OPS, IfExists: the RunInstance statement of the worked example.
    const IF_EXISTS: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"RunInstance","Effect":"Allow",
        "Action":"ec2:RunInstances","Resource":"*",
        "Condition":{"StringLikeIfExists":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}}}]}"#;
    // The same intent without IfExists: "THISPOLICYDOESNOTWORK".
    const NOT_WORKING: &str = r#"{"Version":"2012-10-17","Statement":{"Sid":"THISPOLICYDOESNOTWORK",
        "Effect":"Allow","Action":"ec2:RunInstances","Resource":"*",
        "Condition":{"StringLike":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}}}}"#;
    // "If you are using an Effect: Deny element with a negated condition operator like
    // StringNotEqualsIfExists, the request is still denied even if the tag is missing."
    const DENY_NEGATED: &str = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"*","Resource":"*"},
        {"Effect":"Deny","Action":"bedrock:*","Resource":"*",
         "Condition":{"StringNotEqualsIfExists":{"aws:PrincipalTag/team":"ml"}}}]}"#;
    run_cases(&[
        case(
            "OPS Null example: long-term credentials (no aws:TokenIssueTime)",
            NULL,
            r#"{"action":"ec2:DescribeInstances","resource":"*"}"#,
            Want::Allow,
        ),
        case(
            "OPS Null example: temporary credentials",
            NULL,
            r#"{"action":"ec2:DescribeInstances","resource":"*",
                "context":{"aws:TokenIssueTime":"2020-01-01T00:00:00Z"}}"#,
            Want::None,
        ),
        case(
            "OPS IfExists example: an image has no ec2:InstanceType",
            IF_EXISTS,
            r#"{"action":"ec2:RunInstances","resource":"arn:aws:ec2:us-east-1::image/ami-1"}"#,
            Want::Allow,
        ),
        case(
            "OPS IfExists example: a t2 instance",
            IF_EXISTS,
            r#"{"action":"ec2:RunInstances","resource":"arn:aws:ec2:us-east-1:111122223333:instance/*",
                "context":{"ec2:InstanceType":"t2.micro"}}"#,
            Want::Allow,
        ),
        case(
            "OPS IfExists example: an m4 instance",
            IF_EXISTS,
            r#"{"action":"ec2:RunInstances","resource":"arn:aws:ec2:us-east-1:111122223333:instance/*",
                "context":{"ec2:InstanceType":"m4.large"}}"#,
            Want::None,
        ),
        case(
            "OPS IfExists example: without IfExists the image is not allowed",
            NOT_WORKING,
            r#"{"action":"ec2:RunInstances","resource":"arn:aws:ec2:us-east-1::image/ami-1"}"#,
            Want::None,
        ),
        case(
            "OPS IfExists: Deny + StringNotEqualsIfExists, tag missing, still denied",
            DENY_NEGATED,
            r#"{"action":"bedrock:InvokeModel"}"#,
            Want::Deny,
        ),
        case(
            "OPS IfExists: Deny + StringNotEqualsIfExists, other tag",
            DENY_NEGATED,
            r#"{"action":"bedrock:InvokeModel","context":{"aws:PrincipalTag/team":"web"}}"#,
            Want::Deny,
        ),
        case(
            "OPS IfExists: Deny + StringNotEqualsIfExists, the named tag",
            DENY_NEGATED,
            r#"{"action":"bedrock:InvokeModel","context":{"aws:PrincipalTag/team":"ml"}}"#,
            Want::Allow,
        ),
    ]);
    run_conds(&[
        cond(
            "OPS Null false: the key exists and its value is not null",
            r#"{"Null":{"aws:TokenIssueTime":"false"}}"#,
            r#"{"aws:TokenIssueTime":"2020-01-01T00:00:00Z"}"#,
            true,
        ),
        cond(
            "OPS Null false: the key is absent",
            r#"{"Null":{"aws:TokenIssueTime":"false"}}"#,
            r#"{}"#,
            false,
        ),
        cond(
            "OPS IfExists on every family: NumericLessThanIfExists, key missing",
            r#"{"NumericLessThanIfExists":{"s3:max-keys":"10"}}"#,
            r#"{}"#,
            true,
        ),
        cond(
            "OPS IfExists: the key present is checked as usual",
            r#"{"NumericLessThanIfExists":{"s3:max-keys":"10"}}"#,
            r#"{"s3:max-keys":"12"}"#,
            false,
        ),
        cond(
            "OPS IfExists: DateGreaterThanIfExists, key missing",
            r#"{"DateGreaterThanIfExists":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}}"#,
            r#"{}"#,
            true,
        ),
        cond(
            "OPS IfExists: IpAddressIfExists, key missing",
            r#"{"IpAddressIfExists":{"aws:SourceIp":"203.0.113.0/24"}}"#,
            r#"{}"#,
            true,
        ),
        cond(
            "OPS IfExists: ArnLikeIfExists, key missing",
            r#"{"ArnLikeIfExists":{"aws:SourceArn":"arn:aws:sns:*:123456789012:*"}}"#,
            r#"{}"#,
            true,
        ),
        cond(
            "OPS IfExists: other condition elements can still fail",
            r#"{"StringLikeIfExists":{"ec2:InstanceType":"t2.*"},"Bool":{"aws:SecureTransport":"true"}}"#,
            r#"{"aws:SecureTransport":"false"}"#,
            false,
        ),
    ]);
}

#[test]
fn set_qualifiers() {
    // MULTI (set operations): the DynamoDB Thread table examples.
    const ALL: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:GetItem",
        "Resource":"arn:aws:dynamodb:us-east-1:111122223333:table/Thread",
        "Condition":{"ForAllValues:StringLike":{"dynamodb:requestedAttributes":["PostDateTime","Message","Tags"]}}}]}"#;
    const ANY: &str = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"*","Resource":"*"},
        {"Effect":"Deny","Action":"dynamodb:PutItem",
        "Resource":"arn:aws:dynamodb:us-east-1:111122223333:table/Thread",
        "Condition":{"ForAnyValue:StringLike":{"dynamodb:requestedAttributes":["ID","PostDateTime"]}}}]}"#;
    // MVEX: "Deny policy with condition set operator ForAllValues" (aws:TagKeys, key1*).
    const TAGS: &str = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"*","Resource":"*"},
        {"Sid":"DenyRestrictedTags","Effect":"Deny","Action":["iam:Tag*","iam:UnTag*"],
         "Resource":["*"],"Condition":{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}}]}"#;
    // MVEX/SVMV: guard ForAllValues with `Null: false` so a missing key does not count.
    const GUARDED: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:GetItem",
        "Resource":"*","Condition":{
          "ForAllValues:StringLike":{"dynamodb:requestedAttributes":["PostDateTime","Message","Tags"]},
          "Null":{"dynamodb:requestedAttributes":"false"}}}]}"#;
    run_cases(&[
        case(
            "MULTI ForAllValues: PostDateTime and Message are both listed",
            ALL,
            r#"{"action":"dynamodb:GetItem","resource":"arn:aws:dynamodb:us-east-1:111122223333:table/Thread",
                "context":{"dynamodb:requestedAttributes":["PostDateTime","Message"]}}"#,
            Want::Allow,
        ),
        case(
            "MULTI ForAllValues: UserName is not listed",
            ALL,
            r#"{"action":"dynamodb:GetItem","resource":"arn:aws:dynamodb:us-east-1:111122223333:table/Thread",
                "context":{"dynamodb:requestedAttributes":["PostDateTime","UserName"]}}"#,
            Want::None,
        ),
        case(
            "MULTI ForAllValues: the ID attribute fails the request",
            ALL,
            r#"{"action":"dynamodb:GetItem","resource":"arn:aws:dynamodb:us-east-1:111122223333:table/Thread",
                "context":{"dynamodb:requestedAttributes":["ID"]}}"#,
            Want::None,
        ),
        case(
            "SVMV/MVEX ForAllValues: also true if there are no context keys in the request",
            ALL,
            r#"{"action":"dynamodb:GetItem","resource":"arn:aws:dynamodb:us-east-1:111122223333:table/Thread"}"#,
            Want::Allow,
        ),
        case(
            "MULTI note: an empty data set makes ForAllValues true",
            ALL,
            r#"{"action":"dynamodb:GetItem","resource":"arn:aws:dynamodb:us-east-1:111122223333:table/Thread",
                "context":{"dynamodb:requestedAttributes":[]}}"#,
            Want::Allow,
        ),
        case(
            "MULTI ForAnyValue: PostDateTime matches, so denied",
            ANY,
            r#"{"action":"dynamodb:PutItem","resource":"arn:aws:dynamodb:us-east-1:111122223333:table/Thread",
                "context":{"dynamodb:requestedAttributes":["UserName","Message","PostDateTime"]}}"#,
            Want::Deny,
        ),
        case(
            "MULTI ForAnyValue: only UserName, not denied by this policy",
            ANY,
            r#"{"action":"dynamodb:PutItem","resource":"arn:aws:dynamodb:us-east-1:111122223333:table/Thread",
                "context":{"dynamodb:requestedAttributes":["UserName"]}}"#,
            Want::Allow,
        ),
        case(
            "SVMV ForAnyValue: false when the key is missing",
            ANY,
            r#"{"action":"dynamodb:PutItem","resource":"arn:aws:dynamodb:us-east-1:111122223333:table/Thread"}"#,
            Want::Allow,
        ),
        case(
            "MULTI note: an empty data set makes ForAnyValue false",
            ANY,
            r#"{"action":"dynamodb:PutItem","resource":"arn:aws:dynamodb:us-east-1:111122223333:table/Thread",
                "context":{"dynamodb:requestedAttributes":[]}}"#,
            Want::Allow,
        ),
        case(
            "MVEX DenyRestrictedTags: key1:legal",
            TAGS,
            r#"{"action":"iam:TagUser","resource":"arn:aws:iam::111122223333:user/u",
                "context":{"aws:TagKeys":["key1:legal"]}}"#,
            Want::Allow,
        ),
        case(
            "MVEX DenyRestrictedTags: key1:hr, key1:personnel",
            TAGS,
            r#"{"action":"iam:TagUser","resource":"arn:aws:iam::111122223333:user/u",
                "context":{"aws:TagKeys":["key1:hr","key1:personnel"]}}"#,
            Want::Allow,
        ),
        case(
            "MVEX DenyRestrictedTags: key2:audit",
            TAGS,
            r#"{"action":"iam:TagUser","resource":"arn:aws:iam::111122223333:user/u",
                "context":{"aws:TagKeys":["key2:audit"]}}"#,
            Want::Deny,
        ),
        case(
            "MVEX DenyRestrictedTags: one of two values fails the NotLike",
            TAGS,
            r#"{"action":"iam:TagUser","resource":"arn:aws:iam::111122223333:user/u",
                "context":{"aws:TagKeys":["key1:hr","key2:audit"]}}"#,
            Want::Allow,
        ),
        case(
            "MVEX DenyRestrictedTags: no aws:TagKeys in the request",
            TAGS,
            r#"{"action":"iam:TagUser","resource":"arn:aws:iam::111122223333:user/u"}"#,
            Want::Deny,
        ),
        case(
            "MVEX: Null false guards ForAllValues against a missing key",
            GUARDED,
            r#"{"action":"dynamodb:GetItem","resource":"*"}"#,
            Want::None,
        ),
        case(
            "MVEX: Null false guard, all values listed",
            GUARDED,
            r#"{"action":"dynamodb:GetItem","resource":"*",
                "context":{"dynamodb:requestedAttributes":["Tags"]}}"#,
            Want::Allow,
        ),
    ]);
    run_conds(&[
        cond(
            "MULTI ForAnyValue: one request value matches one policy value",
            r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}"#,
            r#"{"aws:TagKeys":["owner","environment"]}"#,
            true,
        ),
        cond(
            "MULTI ForAnyValue: none matches",
            r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}"#,
            r#"{"aws:TagKeys":["owner"]}"#,
            false,
        ),
        cond(
            "OPS IfExists + MULTI ForAnyValue: a present key is checked as usual",
            r#"{"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":["environment"]}}"#,
            r#"{"aws:TagKeys":["owner"]}"#,
            false,
        ),
        cond(
            "MULTI ForAllValues:StringEquals: a set inclusion",
            r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}"#,
            r#"{"aws:TagKeys":["cost-center","environment"]}"#,
            true,
        ),
        cond(
            "MULTI ForAllValues on a single-valued request value (one element)",
            r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}"#,
            r#"{"aws:TagKeys":"environment"}"#,
            true,
        ),
        cond(
            "MULTI ForAnyValue:StringNotEquals: some request value is none of the policy values",
            r#"{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["environment","cost-center"]}}"#,
            r#"{"aws:TagKeys":["environment","owner"]}"#,
            true,
        ),
        cond(
            "MULTI ForAnyValue:StringNotEquals: every request value is listed",
            r#"{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["environment","cost-center"]}}"#,
            r#"{"aws:TagKeys":["environment","cost-center"]}"#,
            false,
        ),
        cond(
            "SVMV: ForAnyValue on a negated operator is still false on a missing key",
            r#"{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["environment"]}}"#,
            r#"{}"#,
            false,
        ),
        cond(
            "SVMV: ForAllValues on a negated operator is true on a missing key",
            r#"{"ForAllValues:StringNotEquals":{"aws:TagKeys":["environment"]}}"#,
            r#"{}"#,
            true,
        ),
        cond(
            "MULTI ForAnyValue:NumericGreaterThan (qualifiers on other families)",
            r#"{"ForAnyValue:NumericGreaterThan":{"k:sizes":"10"}}"#,
            r#"{"k:sizes":["3","30"]}"#,
            true,
        ),
        cond(
            "MULTI ForAllValues:IpAddress",
            r#"{"ForAllValues:IpAddress":{"k:addresses":"203.0.113.0/24"}}"#,
            r#"{"k:addresses":["203.0.113.1","198.51.100.1"]}"#,
            false,
        ),
    ]);
}

#[test]
fn combination_logic() {
    // MULTI: the S3 bucket-policy example; operators ANDed, keys ANDed, values ORed.
    const AND: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"ExamplePolicy","Effect":"Allow",
        "Action":"s3:ListBucket","Resource":"arn:aws:s3:::amzn-s3-demo-bucket",
        "Condition":{
          "StringEquals":{"aws:PrincipalTag/department":["finance","hr","legal"],
                          "aws:PrincipalTag/role":["audit","security"]},
          "ArnLike":{"aws:PrincipalArn":["arn:aws:iam::222222222222:user/Ana",
                                         "arn:aws:iam::222222222222:user/Mary"]}}}]}"#;
    // MULTI, negated matching operators: the same keys under StringNotEquals/ArnNotLike in a
    // Deny statement; each key's values combine with NOR.
    const NOR: &str = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"*","Resource":"*"},
        {"Sid":"ExamplePolicy","Effect":"Deny","Action":"s3:ListBucket",
         "Resource":"arn:aws:s3:::amzn-s3-demo-bucket",
         "Condition":{
           "StringNotEquals":{"aws:PrincipalTag/department":["finance","hr","legal"],
                              "aws:PrincipalTag/role":["audit","security"]},
           "ArnNotLike":{"aws:PrincipalArn":["arn:aws:iam::222222222222:user/Ana",
                                             "arn:aws:iam::222222222222:user/Mary"]}}}]}"#;
    run_cases(&[
        case(
            "MULTI AND/OR example: every key matches one of its values",
            AND,
            r#"{"action":"s3:ListBucket","resource":"arn:aws:s3:::amzn-s3-demo-bucket","context":{
                "aws:PrincipalTag/department":"hr","aws:PrincipalTag/role":"audit",
                "aws:PrincipalArn":"arn:aws:iam::222222222222:user/Mary"}}"#,
            Want::Allow,
        ),
        case(
            "MULTI AND/OR example: the role tag is missing",
            AND,
            r#"{"action":"s3:ListBucket","resource":"arn:aws:s3:::amzn-s3-demo-bucket","context":{
                "aws:PrincipalTag/department":"hr",
                "aws:PrincipalArn":"arn:aws:iam::222222222222:user/Mary"}}"#,
            Want::None,
        ),
        case(
            "MULTI AND/OR example: the principal ARN is not listed",
            AND,
            r#"{"action":"s3:ListBucket","resource":"arn:aws:s3:::amzn-s3-demo-bucket","context":{
                "aws:PrincipalTag/department":"finance","aws:PrincipalTag/role":"security",
                "aws:PrincipalArn":"arn:aws:iam::222222222222:user/John"}}"#,
            Want::None,
        ),
        case(
            "MULTI AND/OR example: a department value that is not listed",
            AND,
            r#"{"action":"s3:ListBucket","resource":"arn:aws:s3:::amzn-s3-demo-bucket","context":{
                "aws:PrincipalTag/department":"engineering","aws:PrincipalTag/role":"audit",
                "aws:PrincipalArn":"arn:aws:iam::222222222222:user/Ana"}}"#,
            Want::None,
        ),
        case(
            "MULTI negated: every key is none of its values, so denied",
            NOR,
            r#"{"action":"s3:ListBucket","resource":"arn:aws:s3:::amzn-s3-demo-bucket","context":{
                "aws:PrincipalTag/department":"engineering","aws:PrincipalTag/role":"developer",
                "aws:PrincipalArn":"arn:aws:iam::222222222222:user/John"}}"#,
            Want::Deny,
        ),
        case(
            "MULTI negated: the department is one of the values, so not denied",
            NOR,
            r#"{"action":"s3:ListBucket","resource":"arn:aws:s3:::amzn-s3-demo-bucket","context":{
                "aws:PrincipalTag/department":"legal","aws:PrincipalTag/role":"developer",
                "aws:PrincipalArn":"arn:aws:iam::222222222222:user/John"}}"#,
            Want::Allow,
        ),
        case(
            "MULTI negated: the principal is Ana, so not denied",
            NOR,
            r#"{"action":"s3:ListBucket","resource":"arn:aws:s3:::amzn-s3-demo-bucket","context":{
                "aws:PrincipalTag/department":"engineering","aws:PrincipalTag/role":"developer",
                "aws:PrincipalArn":"arn:aws:iam::222222222222:user/Ana"}}"#,
            Want::Allow,
        ),
        case(
            "MULTI negated + OPS Important box: missing tags are true for negated operators",
            NOR,
            r#"{"action":"s3:ListBucket","resource":"arn:aws:s3:::amzn-s3-demo-bucket","context":{
                "aws:PrincipalArn":"arn:aws:iam::222222222222:user/John"}}"#,
            Want::Deny,
        ),
    ]);
    run_conds(&[
        cond("aws.md §3.1 (Access Analyzer DUPLICATE_KEYS_WITH_DIFFERENT_CASE): key names are case-insensitive",
            r#"{"StringEquals":{"AWS:PrincipalTag/Department":"hr"}}"#,
            r#"{"aws:principaltag/department":"hr"}"#, true),
        cond("MULTI: two operators on one key are ANDed",
            r#"{"NumericGreaterThan":{"s3:max-keys":"1"},"NumericLessThan":{"s3:max-keys":"10"}}"#,
            r#"{"s3:max-keys":"10"}"#, false),
        cond("MULTI: two operators on one key are ANDed (both hold)",
            r#"{"NumericGreaterThan":{"s3:max-keys":"1"},"NumericLessThan":{"s3:max-keys":"10"}}"#,
            r#"{"s3:max-keys":"5"}"#, true),
        cond("MULTI: StringNotLike with two patterns is NOR",
            r#"{"StringNotLike":{"bedrock-mantle:Model":["anthropic.*","amazon.*"]}}"#,
            r#"{"bedrock-mantle:Model":"amazon.nova-pro"}"#, false),
    ]);
}

#[test]
fn actions() {
    const P: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow",
        "Action":["iam:ListAccessKeys","bedrock:*Model","bedrock:Invoke*Stream","bedrock:Get?oundationModel"],
        "Resource":"*"}}"#;
    // NOTACTION: "Allow with NotAction … allows every unlisted action"; the deny form denies
    // every unlisted action.
    const NOT_ALLOW: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}"#;
    const NOT_DENY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
        {"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*",
         "Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1"]}}}]}"#;
    run_cases(&[
        case(
            "ACTION: iam:ListAccessKeys is the same as IAM:listaccesskeys",
            P,
            r#"{"action":"IAM:listaccesskeys","resource":"*"}"#,
            Want::Allow,
        ),
        case(
            "SCPSYN: `*` at the start of the action name (servicename:*action)",
            P,
            r#"{"action":"bedrock:InvokeModel","resource":"*"}"#,
            Want::Allow,
        ),
        case(
            "SCPSYN: `*` at the start matches nothing else",
            P,
            r#"{"action":"bedrock:InvokeModelWithResponseStream","resource":"*"}"#,
            Want::Allow,
        ),
        case(
            "SCPSYN: `*` in the middle (servicename:some*action)",
            P,
            r#"{"action":"bedrock:InvokeAgentStream","resource":"*"}"#,
            Want::Allow,
        ),
        case(
            "SCPSYN: `*` in the middle needs the suffix",
            P,
            r#"{"action":"bedrock:InvokeAgent","resource":"*"}"#,
            Want::None,
        ),
        case(
            "ACTION: `?` is any single character",
            P,
            r#"{"action":"bedrock:GetFoundationModel","resource":"*"}"#,
            Want::Allow,
        ),
        case(
            "ACTION: the service prefix is case insensitive too",
            P,
            r#"{"action":"Bedrock:getfoundationmodel","resource":"*"}"#,
            Want::Allow,
        ),
        case(
            "ACTION: a prefix is not a match",
            P,
            r#"{"action":"iam:ListAccessKeysAll","resource":"*"}"#,
            Want::None,
        ),
        case(
            "ACTION: another service with the same name",
            P,
            r#"{"action":"bedrock-mantle:CreateModel","resource":"*"}"#,
            Want::None,
        ),
        case(
            "NOTACTION Allow: an unlisted action is allowed",
            NOT_ALLOW,
            r#"{"action":"s3:GetObject","resource":"arn:aws:s3:::b/k"}"#,
            Want::Allow,
        ),
        case(
            "NOTACTION Allow: a listed action is not allowed by this statement",
            NOT_ALLOW,
            r#"{"action":"iam:CreateUser","resource":"*"}"#,
            Want::None,
        ),
        case(
            "NOTACTION Allow: case-insensitive like Action",
            NOT_ALLOW,
            r#"{"action":"IAM:createuser","resource":"*"}"#,
            Want::None,
        ),
        case(
            "NOTACTION Deny (region deny): an unlisted action outside eu-west-1",
            NOT_DENY,
            r#"{"action":"bedrock:InvokeModel","context":{"aws:RequestedRegion":"us-east-1"}}"#,
            Want::Deny,
        ),
        case(
            "NOTACTION Deny (region deny): a listed action is exempt",
            NOT_DENY,
            r#"{"action":"sts:AssumeRole","resource":"*","context":{"aws:RequestedRegion":"us-east-1"}}"#,
            Want::Allow,
        ),
        case(
            "NOTACTION Deny (region deny): the allowed region",
            NOT_DENY,
            r#"{"action":"bedrock:InvokeModel","context":{"aws:RequestedRegion":"eu-west-1"}}"#,
            Want::Allow,
        ),
    ]);
}

#[test]
fn resources() {
    const P: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":[
        "arn:aws:iam::111122223333:user/accounting/*",
        "arn:aws:iam::111122223333:user/Bob",
        "arn:aws:s3:::amzn-s3-demo-bucket/*/test/*",
        "arn:aws:bedrock:*",
        "arn:aws:sns:us-*-1:111122223333:topic",
        "arn:aws:sqs:us-east-?:111122223333:queue1"]}}"#;
    // NOTRESOURCE: deny everything in S3 except the HR payroll folder.
    const NOT: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
        {"Effect":"Deny","Action":"s3:*",
         "NotResource":["arn:aws:s3:::HRBucket/Payroll","arn:aws:s3:::HRBucket/Payroll/*"]}]}"#;
    let r = |resource: &str| format!(r#"{{"action":"s3:GetObject","resource":"{resource}"}}"#);
    let table: &[(&'static str, &str, Want)] = &[
        (
            "RESOURCE: all IAM users with the path /accounting",
            "arn:aws:iam::111122223333:user/accounting/alice",
            Want::Allow,
        ),
        (
            "RESOURCE: `*` matches `/` (a nested path)",
            "arn:aws:iam::111122223333:user/accounting/eu/alice",
            Want::Allow,
        ),
        (
            "RESOURCE: another path",
            "arn:aws:iam::111122223333:user/marketing/alice",
            Want::None,
        ),
        (
            "RESOURCE: the IAM user name is case sensitive",
            "arn:aws:iam::111122223333:user/bob",
            Want::None,
        ),
        (
            "RESOURCE: the exact user",
            "arn:aws:iam::111122223333:user/Bob",
            Want::Allow,
        ),
        (
            "RESOURCE: amzn-s3-demo-bucket/*/test/* covers 1/test/object.jpg",
            "arn:aws:s3:::amzn-s3-demo-bucket/1/test/object.jpg",
            Want::Allow,
        ),
        (
            "RESOURCE: … covers 1/2/test/3/object.jpg (`*` expands over `/`)",
            "arn:aws:s3:::amzn-s3-demo-bucket/1/2/test/3/object.jpg",
            Want::Allow,
        ),
        (
            "RESOURCE: … covers 1///test///object.jpg",
            "arn:aws:s3:::amzn-s3-demo-bucket/1///test///object.jpg",
            Want::Allow,
        ),
        (
            "RESOURCE: … covers //test/object.jpg",
            "arn:aws:s3:::amzn-s3-demo-bucket//test/object.jpg",
            Want::Allow,
        ),
        (
            "RESOURCE: … does not cover 1-test/object.jpg",
            "arn:aws:s3:::amzn-s3-demo-bucket/1-test/object.jpg",
            Want::None,
        ),
        (
            "RESOURCE: … does not cover test/object.jpg",
            "arn:aws:s3:::amzn-s3-demo-bucket/test/object.jpg",
            Want::None,
        ),
        (
            "RESOURCE: … does not cover 1/2/test.jpg",
            "arn:aws:s3:::amzn-s3-demo-bucket/1/2/test.jpg",
            Want::None,
        ),
        (
            "RESOURCE: a `*` that ends its segment expands beyond the colon boundaries",
            "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2:1",
            Want::Allow,
        ),
        (
            "RESOURCE: … also over the account segment",
            "arn:aws:bedrock:eu-west-1:111122223333:application-inference-profile/p",
            Want::Allow,
        ),
        (
            "RESOURCE: a `*` inside a segment stays in the segment",
            "arn:aws:sns:us-east-1:111122223333:topic",
            Want::Allow,
        ),
        (
            "RESOURCE: a `*` inside a segment does not expand beyond the colon",
            "arn:aws:sns:us-east:1:111122223333:topic",
            Want::None,
        ),
        (
            "RESOURCE: `?` is one character in its segment",
            "arn:aws:sqs:us-east-2:111122223333:queue1",
            Want::Allow,
        ),
        (
            "RESOURCE: `?` is not a colon",
            "arn:aws:sqs:us-east:2:111122223333:queue1",
            Want::None,
        ),
        (
            "RESOURCE: ARNs are case sensitive (service segment)",
            "arn:aws:Bedrock:us-east-1::foundation-model/m",
            Want::None,
        ),
    ];
    let cases: Vec<Case> = table
        .iter()
        .map(|&(doc, resource, want)| case(doc, P, &r(resource), want))
        .collect();
    run_cases(&cases);
    run_cases(&[
        case(
            "NOTRESOURCE: a listed resource is exempt from the deny",
            NOT,
            r#"{"action":"s3:GetObject","resource":"arn:aws:s3:::HRBucket/Payroll/june.csv"}"#,
            Want::Allow,
        ),
        case(
            "NOTRESOURCE: the listed folder itself",
            NOT,
            r#"{"action":"s3:ListBucket","resource":"arn:aws:s3:::HRBucket/Payroll"}"#,
            Want::Allow,
        ),
        case(
            "NOTRESOURCE: every other resource of the service is denied",
            NOT,
            r#"{"action":"s3:GetObject","resource":"arn:aws:s3:::HRBucket/Other/x"}"#,
            Want::Deny,
        ),
        case(
            "NOTRESOURCE: case-sensitive like Resource",
            NOT,
            r#"{"action":"s3:GetObject","resource":"arn:aws:s3:::hrbucket/Payroll/june.csv"}"#,
            Want::Deny,
        ),
        case(
            "NOTRESOURCE: scoped by the action",
            NOT,
            r#"{"action":"bedrock:InvokeModel","resource":"arn:aws:s3:::HRBucket/Other/x"}"#,
            Want::Allow,
        ),
    ]);
}

/// One SCP level for `verify::evaluate`: a target and the policies attached to it.
fn level(target: &str, policies: &[&str]) -> Level {
    Level::new(
        target.to_string(),
        policies
            .iter()
            .enumerate()
            .flat_map(|(i, p)| {
                parse_policy(p)
                    .unwrap()
                    .into_iter()
                    .map(move |statement| InForce {
                        statement,
                        provenance: Provenance::Document(format!("{target}-{i}.json")),
                    })
            })
            .collect(),
    )
}

#[test]
fn scp_levels() {
    // SCPEVAL: "there must be an explicit Allow statement at every level from the root
    // through each OU in the direct path to the account (including the target account
    // itself)"; "an explicit Deny at any level denies". The scenarios follow the page's.
    const FULL: &str =
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;
    const DENY_S3: &str =
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*"}}"#;
    const ALLOW_EC2: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ec2:*","Resource":"*"}}"#;
    const ALLOW_EC2_S3: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["ec2:*","s3:*"],"Resource":"*"}}"#;
    const ALLOW_S3: &str =
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#;
    struct Scenario {
        doc: &'static str,
        levels: Vec<Level>,
        action: &'static str,
        want: Outcome,
    }
    let scenarios = vec![
        Scenario {
            doc: "SCPEVAL scenario 1: a Deny at the root, FullAWSAccess everywhere",
            levels: vec![
                level("root", &[FULL, DENY_S3]),
                level("ou", &[FULL]),
                level("acct", &[FULL]),
            ],
            action: "s3:GetObject",
            want: Outcome::Denied,
        },
        Scenario {
            doc: "SCPEVAL scenario 1: other actions are allowed",
            levels: vec![
                level("root", &[FULL, DENY_S3]),
                level("ou", &[FULL]),
                level("acct", &[FULL]),
            ],
            action: "ec2:RunInstances",
            want: Outcome::Allowed,
        },
        Scenario {
            doc: "SCPEVAL scenario 2: the OU allows only EC2, the account EC2 and S3",
            levels: vec![
                level("root", &[FULL]),
                level("ou", &[ALLOW_EC2]),
                level("acct", &[ALLOW_EC2_S3]),
            ],
            action: "s3:GetObject",
            want: Outcome::NoAllowAt("ou".to_string()),
        },
        Scenario {
            doc: "SCPEVAL scenario 2: EC2 is allowed at every level",
            levels: vec![
                level("root", &[FULL]),
                level("ou", &[ALLOW_EC2]),
                level("acct", &[ALLOW_EC2_S3]),
            ],
            action: "ec2:RunInstances",
            want: Outcome::Allowed,
        },
        Scenario {
            doc: "SCPEVAL scenario 3: the root allows only S3, the OU and account all",
            levels: vec![
                level("root", &[ALLOW_S3]),
                level("ou", &[FULL]),
                level("acct", &[FULL]),
            ],
            action: "ec2:RunInstances",
            want: Outcome::NoAllowAt("root".to_string()),
        },
        Scenario {
            doc: "SCPEVAL: the account level needs an Allow too",
            levels: vec![
                level("root", &[FULL]),
                level("ou", &[FULL]),
                level("acct", &[ALLOW_S3]),
            ],
            action: "ec2:RunInstances",
            want: Outcome::NoAllowAt("acct".to_string()),
        },
        Scenario {
            doc: "SCPEVAL: a Deny at the account wins over Allows everywhere",
            levels: vec![
                level("root", &[FULL]),
                level("ou", &[FULL]),
                level("acct", &[FULL, DENY_S3]),
            ],
            action: "s3:PutObject",
            want: Outcome::Denied,
        },
        Scenario {
            doc: "SCPEVAL: a Deny wins even where a level has no Allow",
            levels: vec![
                level("root", &[FULL]),
                level("ou", &[DENY_S3]),
                level("acct", &[FULL]),
            ],
            action: "s3:PutObject",
            want: Outcome::Denied,
        },
    ];
    let mut failures = Vec::new();
    for s in &scenarios {
        let r = Request::new(s.action, "*");
        let got = evaluate(&s.levels, &r).outcome;
        if got != s.want {
            failures.push(format!(
                "[{}] {}: want {:?}, got {got:?}",
                s.doc, s.action, s.want
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
