//! Differential test of the whole compiler against the reference semantics (Cedar-style).
//!
//! Random well-typed programs over every construct — the organization tree, every surface
//! statement, core rules with quantified and negated conditions, principal patterns and
//! exemptions, allow-lists (several reaching one target and one level), controls, identity
//! policies, inference-profile calls, and programs large enough that `limits legacy` splits
//! them — are compiled to JSON. For each account and many requests that hit the programs'
//! edges, three deciders must agree:
//!
//! 1. the reference semantics (`govc_compiler::semantics`), straight from the checked program;
//! 2. govc's evaluator on the compiled JSON documents (read back from their text);
//! 3. in CI, the independent evaluator `@cloud-copilot/iam-simulate` on the same JSON
//!    (`tests/differential/`, installed by `npm ci --prefix tests/differential`), for the
//!    requests whose constructs it follows the AWS documentation on (`tests/differential_test.rs`
//!    lists the ones it does not).
//!
//! `GOVC_SEMANTICS_PROGRAMS` sets the number of programs (the default is CI's run) and
//! `GOVC_SEMANTICS_SEED` the seed; `GOVC_SEMANTICS_SIMULATE` the share of decisions sent to the
//! independent evaluator (default: every fourth). The figures are printed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use govc_compiler::compile::Options;
use govc_compiler::db::{self, Database};
use govc_compiler::document::{controltower, DocKind};
use govc_compiler::ir::eval::{decide, ContextValue, Decision, Request};
use govc_compiler::ir::json;
use govc_compiler::ir::parse::{parse_policy, parse_rcp};
use govc_compiler::ir::Statement;
use govc_compiler::proof::{prove_account, prove_identity, prove_rcp_account, Verdict};
use govc_compiler::semantics::calls::{authorisations, Call, Via};
use govc_compiler::semantics::logic::Concrete;
use govc_compiler::semantics::Meaning;
use govc_compiler::verify::{allowed, InForce, Level, Provenance};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// A small deterministic generator (SplitMix64): the same seed gives the same programs.

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    /// 1..=max distinct items.
    fn some<T: Clone + PartialEq>(&mut self, items: &[T], max: usize) -> Vec<T> {
        let n = 1 + self.below(max.min(items.len()));
        let mut out: Vec<T> = Vec::new();
        while out.len() < n {
            let x = self.pick(items).clone();
            if !out.contains(&x) {
                out.push(x);
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Vocabularies: the values programs are written with and requests are drawn from, chosen so
// that requests fall on both sides of every pattern.

const MODEL_PATTERNS: &[&str] = &[
    "anthropic.claude*",
    "deepseek*",
    "amazon.nova*",
    "meta.llama3*",
    "openai.gpt-oss*",
    "anthropic.claude-3-haiku-20240307-v1:0",
    "amazon.titan-embed-text-v2:0",
    "*",
];

/// Model ids requests use (runtime and mantle spellings).
const MODEL_IDS: &[&str] = &[
    "anthropic.claude-3-haiku-20240307-v1:0",
    "anthropic.claude-sonnet-4-5-20250929-v1:0",
    "anthropic.claude-haiku-4-5",
    "deepseek.r1-v1:0",
    "deepseek.v3.2",
    "amazon.nova-lite-v1:0",
    "amazon.titan-embed-text-v2:0",
    "meta.llama3-8b-instruct-v1:0",
    "openai.gpt-oss-120b-1:0",
    "openai.gpt-oss-120b",
    "mistral.mistral-large-2402-v1:0",
];

const REGIONS: &[&str] = &[
    "us-east-1",
    "us-west-2",
    "us-east-2",
    "eu-west-1",
    "eu-central-1",
    "ap-northeast-1",
];

const SERVICES: &[&str] = &[
    "bedrock",
    "bedrock-mantle",
    "bedrock-agentcore",
    "s3",
    "iam",
];

const ACTION_PATTERNS: &[&str] = &[
    "bedrock:InvokeModel",
    "bedrock:InvokeModelWithResponseStream",
    "bedrock::invoke",
    "bedrock::batch",
    "bedrock::model_invocation",
    "bedrock::api_key_create",
    "bedrock:Invoke*",
    "bedrock:*Model*",
    "bedrock:CreateModelInvocationJob",
    "bedrock:ApplyGuardrail",
    "bedrock:Get*",
    "bedrock-mantle:CreateInference",
    "bedrock-agentcore:InvokeAgentRuntime",
    "s3:GetObject",
    "iam:CreateServiceSpecificCredential",
];

const REQUEST_ACTIONS: &[&str] = &[
    "bedrock:InvokeModel",
    "bedrock:InvokeModelWithResponseStream",
    "bedrock:CreateModelInvocationJob",
    "bedrock:GetFoundationModel",
    "bedrock:ApplyGuardrail",
    "bedrock:CallWithBearerToken",
    "bedrock:CreateInferenceProfile",
    "bedrock:UntagResource",
    "bedrock:ListFoundationModels",
    "bedrock-mantle:CreateInference",
    "bedrock-mantle:CallWithBearerToken",
    "bedrock-mantle:ListProjects",
    "bedrock-agentcore:InvokeAgentRuntime",
    "s3:GetObject",
    "iam:CreateServiceSpecificCredential",
    "sts:AssumeRole",
    "BEDROCK:invokemodel",
];

const PRINCIPALS: &[&str] = &[
    "arn:aws:iam::111111111111:role/Admin",
    "arn:aws:iam::*:role/BreakGlass",
    "arn:aws:iam::222222222222:role/*",
    "arn:aws:iam::*:role/Team?",
];

const REQUEST_PRINCIPALS: &[&str] = &[
    "arn:aws:iam::111111111111:role/Admin",
    "arn:aws:iam::333333333333:role/BreakGlass",
    "arn:aws:iam::222222222222:role/Dev",
    "arn:aws:iam::444444444444:role/TeamA",
    "arn:aws:iam::444444444444:role/TeamAB",
    "arn:aws:iam::111111111111:user/alice",
];

const ACCOUNT_IDS: &[&str] = &[
    "111111111111",
    "222222222222",
    "333333333333",
    "444444444444",
];

const MCP: &[&str] = &["aws-mcp.amazonaws.com", "eks-mcp.amazonaws.com"];

const TAGS: &[&str] = &["CostCenter", "Team", "Project"];

/// Condition keys for core rules, with their type and values for programs and requests.
struct Key {
    name: &'static str,
    multi: bool,
    /// Operators that apply (by the key's type).
    ops: &'static [&'static str],
    program: &'static [&'static str],
    request: &'static [&'static str],
}

const STRING_OPS: &[&str] = &["==", "!=", "in", "not in", "like", "not like"];
const ORDER_OPS: &[&str] = &["==", "!=", "in", "not in", "<", "<=", ">", ">="];

const KEYS: &[Key] = &[
    Key {
        name: "aws:RequestedRegion",
        multi: false,
        ops: STRING_OPS,
        program: &["us-east-1", "eu-west-1", "us-*", "*-1"],
        request: &["us-east-1", "eu-west-1", "us-west-2", "unspecified"],
    },
    Key {
        name: "aws:PrincipalTag/team",
        multi: false,
        ops: STRING_OPS,
        program: &["ml", "web", "ml*", "?eb"],
        request: &["ml", "web", "ml-ops", "ML"],
    },
    Key {
        name: "aws:TagKeys",
        multi: true,
        ops: STRING_OPS,
        program: &["CostCenter", "Team", "Cost*"],
        request: &["CostCenter", "Team", "Owner", "CostCentre"],
    },
    Key {
        name: "aws:MultiFactorAuthAge",
        multi: false,
        ops: ORDER_OPS,
        program: &["300", "3600"],
        request: &["0", "300", "3599", "3600", "86400"],
    },
    Key {
        name: "aws:CurrentTime",
        multi: false,
        ops: ORDER_OPS,
        program: &["2026-01-01T00:00:00Z", "2027-06-30T12:00:00Z"],
        request: &["2025-12-31T23:59:59Z", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"],
    },
    Key {
        name: "aws:ViaAWSMCPService",
        multi: false,
        ops: &["==", "!="],
        program: &["true", "false"],
        request: &["true", "false"],
    },
    Key {
        name: "aws:SourceIp",
        multi: false,
        ops: &["==", "!=", "in", "not in"],
        program: &["10.0.0.0/8", "192.168.1.0/24", "203.0.113.7"],
        request: &["10.1.2.3", "192.168.1.20", "203.0.113.7", "8.8.8.8"],
    },
    Key {
        name: "bedrock:InferenceProfileArn",
        multi: false,
        ops: STRING_OPS,
        program: &[
            "arn:aws:bedrock:*:*:application-inference-profile/*",
            "arn:aws:bedrock:*:*:inference-profile/us.*",
            "arn:aws:bedrock:us-east-1:111111111111:application-inference-profile/abc",
        ],
        request: &[
            "arn:aws:bedrock:us-east-1:111111111111:application-inference-profile/abc",
            "arn:aws:bedrock:us-east-1:111111111111:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0",
            "arn:aws:bedrock:eu-west-1:222222222222:inference-profile/eu.amazon.nova-lite-v1:0",
        ],
    },
    Key {
        name: "aws:CalledViaAWSMCP",
        multi: false,
        ops: STRING_OPS,
        program: &["aws-mcp.amazonaws.com", "*-mcp.amazonaws.com"],
        request: &["aws-mcp.amazonaws.com", "eks-mcp.amazonaws.com"],
    },
];

// Resource control policies: the services they govern and requests about them.
const RCP_SERVICES: &[&str] = &["s3", "sts", "kms", "sqs", "secretsmanager", "dynamodb"];

const RCP_ACTION_PATTERNS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:Get*",
    "s3:*Object",
    "sts:AssumeRole",
    "sts:AssumeRoleWith*",
    "kms:Decrypt",
    "kms:*",
    "sqs:SendMessage",
    "secretsmanager:GetSecretValue",
];

const RCP_RESOURCE_PATTERNS: &[&str] = &[
    "arn:aws:s3:::bucket*",
    "arn:aws:s3:::bucket/*",
    "arn:aws:kms:*:*:key/*",
    "arn:aws:iam::*:role/R*",
];

const RCP_REQUEST_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "s3:GetBucketPolicy",
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
    "kms:Decrypt",
    "sqs:SendMessage",
    "secretsmanager:GetSecretValue",
    "dynamodb:GetItem",
    "logs:PutLogEvents",
    "bedrock:InvokeModel",
    "iam:CreateRole",
    "S3:getobject",
];

const RCP_REQUEST_RESOURCES: &[&str] = &[
    "arn:aws:s3:::bucket/key",
    "arn:aws:s3:::bucket",
    "arn:aws:s3:::other/x",
    "arn:aws:kms:us-east-1:111111111111:key/k1",
    "arn:aws:iam::111111111111:role/Reader",
    "arn:aws:sqs:us-east-1:111111111111:queue1",
];

/// Keys data-perimeter RCPs test, with values for programs and requests.
const RCP_KEYS: &[Key] = &[
    Key {
        name: "aws:PrincipalOrgID",
        multi: false,
        ops: STRING_OPS,
        program: &["o-aaaaaaaaaa", "o-bbbbbbbbbb"],
        request: &["o-aaaaaaaaaa", "o-bbbbbbbbbb", "o-cccccccccc"],
    },
    Key {
        name: "aws:SecureTransport",
        multi: false,
        ops: &["==", "!="],
        program: &["true", "false"],
        request: &["true", "false"],
    },
    Key {
        name: "aws:PrincipalIsAWSService",
        multi: false,
        ops: &["==", "!="],
        program: &["true", "false"],
        request: &["true", "false"],
    },
    Key {
        name: "aws:SourceVpce",
        multi: false,
        ops: STRING_OPS,
        program: &["vpce-1a2b3c4d", "vpce-*"],
        request: &["vpce-1a2b3c4d", "vpce-9z9z9z9z"],
    },
];

// ---------------------------------------------------------------------------------------------
// Programs.

struct Program {
    text: String,
    accounts: Vec<String>,
    identities: Vec<String>,
    /// Whether it has `rcp` blocks.
    rcps: bool,
    /// Model patterns, action patterns and principals the program mentions (requests aim at
    /// them).
    models: Vec<String>,
}

struct Gen<'r> {
    rng: &'r mut Rng,
    models: Vec<String>,
}

impl Gen<'_> {
    fn quoted(v: &str) -> String {
        format!("\"{v}\"")
    }

    fn list(items: &[String]) -> String {
        items.join(", ")
    }

    fn model_list(&mut self) -> String {
        let ms: Vec<String> = self
            .rng
            .some(MODEL_PATTERNS, 3)
            .iter()
            .map(|m| m.to_string())
            .collect();
        self.models.extend(ms.iter().cloned());
        Self::list(&ms)
    }

    fn clause(&mut self) -> String {
        let kw = if self.rng.chance(50) {
            "when"
        } else {
            "unless"
        };
        let body = match self.rng.below(7) {
            0 => format!(
                "region in [{}]",
                Self::list(&strings(&self.rng.some(REGIONS, 3)))
            ),
            1 => format!(
                "principal {}",
                Self::quoted(self.rng.pick::<&str>(PRINCIPALS))
            ),
            2 => format!(
                "principal in [{}]",
                self.rng
                    .some(PRINCIPALS, 2)
                    .iter()
                    .map(|p| Self::quoted(p))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            3 => format!(
                "principal account in [{}]",
                self.rng
                    .some(ACCOUNT_IDS, 2)
                    .iter()
                    .map(|p| Self::quoted(p))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            4 => "via_mcp".to_string(),
            5 => format!(
                "via_mcp in [{}]",
                self.rng
                    .some(MCP, 2)
                    .iter()
                    .map(|p| Self::quoted(p))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ => format!("{{ {} }}", self.cond(2)),
        };
        format!("{kw} {body}")
    }

    fn clauses(&mut self, max: usize) -> String {
        let n = self.rng.below(max + 1);
        (0..n).map(|_| self.clause()).collect::<Vec<_>>().join(" ")
    }

    fn cond(&mut self, depth: usize) -> String {
        if depth > 0 && self.rng.chance(35) {
            let n = 2 + self.rng.below(2);
            let parts: Vec<String> = (0..n).map(|_| self.cond(depth - 1)).collect();
            let op = if self.rng.chance(50) { " && " } else { " || " };
            let inner = parts.join(op);
            return if self.rng.chance(25) {
                format!("!({inner})")
            } else {
                format!("({inner})")
            };
        }
        let k = self.rng.pick(KEYS);
        let q = if k.multi {
            if self.rng.chance(50) {
                "any "
            } else {
                "all "
            }
        } else {
            ""
        };
        let key = format!("{q}context[\"{}\"]", k.name);
        if self.rng.chance(12) {
            return format!(
                "{key} is {}",
                if self.rng.chance(50) {
                    "absent"
                } else {
                    "present"
                }
            );
        }
        let op = *self.rng.pick(k.ops);
        // Exact comparisons of Region codes take codes (the checker refuses others, E0200);
        // patterns go with `like`.
        let literal: Vec<&str> = k
            .program
            .iter()
            .copied()
            .filter(|v| k.name != "aws:RequestedRegion" || !v.contains(['*', '?']))
            .collect();
        let pool: &[&str] = if op.contains("like") {
            k.program
        } else {
            &literal
        };
        let value = |g: &mut Self| {
            let v = *g.rng.pick(pool);
            Self::quoted(v)
        };
        let pred = match op {
            "in" | "not in" => {
                let vs: Vec<String> = self
                    .rng
                    .some(pool, 3)
                    .iter()
                    .map(|v| Self::quoted(v))
                    .collect();
                format!("{key} {op} [{}]", vs.join(", "))
            }
            "like" | "not like" if self.rng.chance(30) => {
                let vs: Vec<String> = self
                    .rng
                    .some(k.program, 2)
                    .iter()
                    .map(|v| Self::quoted(v))
                    .collect();
                format!("{key} {op} [{}]", vs.join(", "))
            }
            _ => {
                let v = if k.name == "aws:ViaAWSMCPService" {
                    self.rng.pick(k.program).to_string()
                } else {
                    value(self)
                };
                format!("{key} {op} {v}")
            }
        };
        if self.rng.chance(10) {
            format!("!{pred}")
        } else {
            pred
        }
    }

    fn scope_value(&mut self, var: &str) -> String {
        let ops_one = ["==", "!=", "like", "not like"];
        let ops_many = ["in", "not in"];
        let many = self.rng.chance(40);
        let op = if many {
            *self.rng.pick(&ops_many)
        } else {
            *self.rng.pick(&ops_one)
        };
        let like = op.contains("like");
        let pool: Vec<String> = match var {
            // `==`/`in` compare exactly: ARNs without wildcards (the checker refuses the others,
            // E0222).
            "principal" => PRINCIPALS
                .iter()
                .chain(REQUEST_PRINCIPALS)
                .filter(|p| like || !p.contains(['*', '?']))
                .map(|p| Self::quoted(p))
                .collect(),
            "action" => ACTION_PATTERNS
                .iter()
                .filter(|a| !a.contains("::"))
                .map(|a| a.to_string())
                .collect(),
            _ => {
                let m = self.rng.pick(MODEL_PATTERNS).to_string();
                self.models.push(m.clone());
                vec![
                    Self::quoted(&format!("arn:aws:bedrock:*::foundation-model/{m}")),
                    Self::quoted("arn:aws:bedrock:*:*:inference-profile/*"),
                    Self::quoted("arn:aws:bedrock:us-east-1:*:application-inference-profile/*"),
                    Self::quoted("arn:aws:bedrock-mantle:*:*:project/*"),
                ]
            }
        };
        let v = if many {
            format!("[{}]", self.rng.some(&pool, 3).join(", "))
        } else {
            self.rng.pick(&pool).clone()
        };
        format!("{var} {op} {v}")
    }

    fn rule(&mut self, permit: bool) -> String {
        let mut scope = Vec::new();
        for var in ["principal", "action", "resource"] {
            if self.rng.chance(if var == "action" { 80 } else { 40 }) {
                scope.push(self.scope_value(var));
            }
        }
        let mut out = format!(
            "{} ({})",
            if permit { "permit" } else { "forbid" },
            scope.join(", ")
        );
        for _ in 0..self.rng.below(3) {
            let kw = if self.rng.chance(50) {
                "when"
            } else {
                "unless"
            };
            out.push_str(&format!(" {kw} {{ {} }}", self.cond(2)));
        }
        out.push(';');
        out
    }

    fn scp_stmt(&mut self, allow_lists: bool) -> String {
        match self.rng.below(if allow_lists { 13 } else { 12 }) {
            0 | 1 => {
                let ms = self.model_list();
                format!("deny model {ms} {}", self.clauses(2))
            }
            2 => {
                let svc = if self.rng.chance(40) {
                    format!(
                        " for services {}",
                        Self::list(&strings(&self.rng.some(SERVICES, 2)))
                    )
                } else {
                    String::new()
                };
                format!(
                    "only regions {}{svc} {}",
                    Self::list(&strings(&self.rng.some(REGIONS, 3))),
                    self.clauses(2)
                )
            }
            3 => format!(
                "deny api_keys{} {}",
                self.rng.pick(&["", " long_term", " short_term", " all"]),
                self.clauses(1)
            ),
            4 => "require application_inference_profile".to_string(),
            5 => format!(
                "require tags {} on inference_profile",
                Self::list(&strings(&self.rng.some(TAGS, 3)))
            ),
            6 => format!(
                "deny service {} {}",
                Self::list(&strings(&self.rng.some(SERVICES, 2))),
                self.clauses(2)
            ),
            7 => format!("deny all {}", {
                let mut c = self.clauses(2);
                if c.is_empty() {
                    c = self.clause();
                }
                c
            }),
            8 => {
                let actions = strings(&self.rng.some(ACTION_PATTERNS, 3));
                let on = if self.rng.chance(40) {
                    let m = self.rng.pick(MODEL_PATTERNS).to_string();
                    self.models.push(m.clone());
                    format!(
                        " on {}",
                        Self::quoted(&format!("arn:aws:bedrock:*::foundation-model/{m}"))
                    )
                } else {
                    String::new()
                };
                format!(
                    "deny actions {}{on} {}",
                    Self::list(&actions),
                    self.clauses(2)
                )
            }
            9 | 10 => self.rule(false),
            11 => self.rule(false),
            _ => {
                if self.rng.chance(70) {
                    format!("only models {}", self.model_list())
                } else {
                    self.rule(true)
                }
            }
        }
    }

    /// A predicate of the kind data-perimeter RCPs write, or now and then any condition.
    fn rcp_pred(&mut self) -> String {
        if self.rng.chance(20) {
            return self.cond(1);
        }
        let k = self.rng.pick(RCP_KEYS);
        match self.rng.below(8) {
            0 => format!("context[{}] is absent", Self::quoted(k.name)),
            1 => format!("context[{}] is present", Self::quoted(k.name)),
            _ => {
                let op = *self.rng.pick(k.ops);
                let values: Vec<String> = k
                    .program
                    .iter()
                    .filter(|v| op.contains("like") || !v.contains('*'))
                    .map(|v| {
                        if matches!(*v, "true" | "false") {
                            v.to_string()
                        } else {
                            Self::quoted(v)
                        }
                    })
                    .collect();
                let v = if op.contains("in") {
                    format!("[{}]", self.rng.some(&values, 2).join(", "))
                } else {
                    self.rng.pick(&values).clone()
                };
                format!("context[{}] {op} {v}", Self::quoted(k.name))
            }
        }
    }

    fn rcp_clauses(&mut self, max: usize) -> String {
        let n = self.rng.below(max + 1);
        (0..n)
            .map(|_| {
                if self.rng.chance(65) {
                    let kw = if self.rng.chance(50) {
                        "when"
                    } else {
                        "unless"
                    };
                    let mut c = self.rcp_pred();
                    if self.rng.chance(25) {
                        let join = if self.rng.chance(50) { "&&" } else { "||" };
                        c = format!("{c} {join} {}", self.rcp_pred());
                    }
                    format!("{kw} {{ {c} }}")
                } else {
                    self.clause()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn rcp_stmt(&mut self) -> String {
        match self.rng.below(6) {
            0 => {
                let mut c = self.rcp_clauses(2);
                if c.is_empty() {
                    c = self.rcp_clauses(1);
                }
                format!("deny all {c}")
            }
            1 => format!(
                "deny service {} {}",
                Self::list(&strings(&self.rng.some(RCP_SERVICES, 2))),
                self.rcp_clauses(2)
            ),
            2 => {
                let on = if self.rng.chance(40) {
                    format!(
                        " on {}",
                        Self::quoted(self.rng.pick::<&str>(RCP_RESOURCE_PATTERNS))
                    )
                } else {
                    String::new()
                };
                format!(
                    "deny actions {}{on} {}",
                    Self::list(&strings(&self.rng.some(RCP_ACTION_PATTERNS, 3))),
                    self.rcp_clauses(2)
                )
            }
            3 => format!(
                "only regions {} for services {} {}",
                Self::list(&strings(&self.rng.some(REGIONS, 3))),
                Self::list(&strings(&self.rng.some(RCP_SERVICES, 2))),
                self.rcp_clauses(1)
            ),
            _ => {
                let mut scope = Vec::new();
                if self.rng.chance(30) {
                    scope.push(self.scope_value("principal"));
                }
                if self.rng.chance(75) {
                    let actions = strings(&self.rng.some(RCP_ACTION_PATTERNS, 3));
                    scope.push(match self.rng.below(3) {
                        0 => format!("action == {}", actions[0]),
                        1 => format!("action like {}", Self::quoted(&actions[0])),
                        _ => format!("action in [{}]", actions.join(", ")),
                    });
                }
                if self.rng.chance(35) {
                    let op = *self.rng.pick(&["like", "not like"]);
                    scope.push(format!(
                        "resource {op} {}",
                        Self::quoted(self.rng.pick::<&str>(RCP_RESOURCE_PATTERNS))
                    ));
                }
                let mut out = format!("forbid ({})", scope.join(", "));
                for _ in 0..self.rng.below(3) {
                    let kw = if self.rng.chance(50) {
                        "when"
                    } else {
                        "unless"
                    };
                    out.push_str(&format!(" {kw} {{ {} }}", self.rcp_pred()));
                }
                out.push(';');
                out
            }
        }
    }

    fn identity_stmt(&mut self) -> String {
        match self.rng.below(5) {
            0 => {
                let ids: Vec<String> = self
                    .rng
                    .some(MODEL_IDS, 2)
                    .iter()
                    .map(|s| s.to_string())
                    .collect();
                format!(
                    "allow invoke on model {} {}",
                    Self::list(&ids),
                    self.clauses(1)
                )
            }
            1 => format!(
                "allow invoke on inference_profile * in account {}",
                Self::quoted(self.rng.pick::<&str>(ACCOUNT_IDS))
            ),
            2 => format!(
                "allow actions {} on {}",
                Self::list(&strings(&self.rng.some(ACTION_PATTERNS, 2))),
                if self.rng.chance(50) {
                    Self::quoted("arn:aws:bedrock:*:*:guardrail/*")
                } else {
                    format!(
                        "knowledge_base kb1 in account {}",
                        Self::quoted(self.rng.pick::<&str>(ACCOUNT_IDS))
                    )
                }
            ),
            3 => self.rule(true),
            _ => self.rule(false),
        }
    }
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// A random program. `big` adds a statement long enough that `limits legacy` must split it.
fn program(rng: &mut Rng) -> Program {
    let mut g = Gen {
        rng,
        models: Vec::new(),
    };
    let legacy = g.rng.chance(30);
    let mut text = String::from("org {\n  root = \"r-a1b2\"\n");
    if legacy {
        text.push_str("  limits legacy\n");
    }
    let n_ous = 1 + g.rng.below(3);
    let mut ous: Vec<String> = Vec::new();
    for i in 0..n_ous {
        let name = format!("ou{i}");
        let parent = if !ous.is_empty() && g.rng.chance(40) {
            format!(" under {}", g.rng.pick(&ous))
        } else {
            String::new()
        };
        text.push_str(&format!(
            "  ou {name} = \"ou-a1b2-{:08}\"{parent}\n",
            10_000_000 + i
        ));
        ous.push(name);
    }
    let n_accounts = 1 + g.rng.below(3);
    let mut accounts = Vec::new();
    for i in 0..n_accounts {
        let name = format!("acct{i}");
        let parent = if g.rng.chance(80) {
            format!(" under {}", g.rng.pick(&ous))
        } else {
            String::new()
        };
        text.push_str(&format!(
            "  account {name} = \"{}\"{parent}\n",
            ACCOUNT_IDS[i % ACCOUNT_IDS.len()]
        ));
        accounts.push(name);
    }
    text.push_str("}\n");
    let targets: Vec<String> = std::iter::once("root".to_string())
        .chain(ous.iter().cloned())
        .chain(accounts.iter().cloned())
        .collect();

    let n_scps = 1 + g.rng.below(4);
    for i in 0..n_scps {
        let allow_lists = g.rng.chance(35);
        text.push_str(&format!("scp p{i} {{\n"));
        for _ in 0..1 + g.rng.below(4) {
            let s = g.scp_stmt(allow_lists);
            text.push_str(&format!("  {s}\n"));
        }
        if i == 0 && g.rng.chance(12) {
            // Large enough that the legacy quota splits it.
            let actions: Vec<String> = govc_compiler::catalog::embedded()
                .actions("bedrock")
                .iter()
                .step_by(2)
                .take(300)
                .map(|a| a.full_name())
                .collect();
            text.push_str(&format!("  deny actions {}\n", actions.join(", ")));
        }
        text.push_str("}\n");
        let at = g.rng.some(&targets, 2);
        text.push_str(&format!("attach p{i} to {}\n", at.join(", ")));
    }
    if g.rng.chance(25) {
        let ou = g.rng.pick(&ous).clone();
        let regions = strings(&g.rng.some(REGIONS, 3));
        text.push_str(&format!(
            "control c0 on {ou} {{\n  regions {}\n",
            regions.join(", ")
        ));
        if g.rng.chance(50) {
            text.push_str(
                "  exempt actions bedrock:InvokeModel, bedrock:InvokeModelWithResponseStream\n",
            );
        }
        if g.rng.chance(50) {
            text.push_str("  exempt principals \"arn:aws:iam::*:role/BreakGlass\"\n");
        }
        text.push_str("}\n");
    }
    let mut identities = Vec::new();
    if g.rng.chance(30) {
        text.push_str("identity id0 {\n");
        for _ in 0..1 + g.rng.below(3) {
            let s = g.identity_stmt();
            text.push_str(&format!("  {s}\n"));
        }
        text.push_str("}\n");
        identities.push("id0".to_string());
    }
    // Resource control policies, and the account-wide Region restriction, from a stream of
    // their own so that the rest of the program (and the programs after it) stay what earlier
    // runs generated.
    let mut stream = Rng(g.rng.0 ^ 0x5243_5053);
    if stream.chance(25) {
        let mut h = Gen {
            rng: &mut stream,
            models: Vec::new(),
        };
        text.push_str(&format!(
            "scp g0 {{\n  only regions {} for all services {}\n}}\n",
            Gen::list(&strings(&h.rng.some(REGIONS, 3))),
            h.clauses(2)
        ));
        let at = h.rng.some(&targets, 2);
        text.push_str(&format!("attach g0 to {}\n", at.join(", ")));
    }
    if stream.chance(25) {
        // An allow-list with exemptions.
        let mut h = Gen {
            rng: &mut stream,
            models: Vec::new(),
        };
        let mut c = h.clauses(2);
        if c.is_empty() {
            c = h.clause();
        }
        text.push_str(&format!(
            "scp a0 {{\n  only models {} {c}\n}}\n",
            h.model_list()
        ));
        let at = h.rng.some(&targets, 2);
        text.push_str(&format!("attach a0 to {}\n", at.join(", ")));
        g.models.extend(h.models);
    }
    if stream.chance(25) {
        // Tag rules on any resource.
        let mut h = Gen {
            rng: &mut stream,
            models: Vec::new(),
        };
        let tags = strings(&h.rng.some(TAGS, 2));
        let (c1, c2) = (h.clauses(1), h.clauses(1));
        let on = if h.rng.chance(40) {
            " on \"arn:aws:bedrock:*:*:application-inference-profile/*\""
        } else {
            ""
        };
        text.push_str(&format!(
            "scp tg0 {{\n  require tags {} for actions bedrock:CreateInferenceProfile, s3:GetObject{on} {c1}\n\
             \x20 require tags Project in [\"x\", \"y\"] for actions iam:CreateServiceSpecificCredential\n\
             \x20 protect tags {} for services bedrock {c2}\n\
             \x20 protect tags Team for actions sts:AssumeRole\n}}\n",
            Gen::list(&tags),
            Gen::list(&strings(&h.rng.some(&["CostCenter", "Team", "Owner"], 2))),
        ));
        let at = h.rng.some(&targets, 2);
        text.push_str(&format!("attach tg0 to {}\n", at.join(", ")));
    }
    let rcps = stream.chance(45);
    if rcps {
        let mut h = Gen {
            rng: &mut stream,
            models: Vec::new(),
        };
        for i in 0..1 + h.rng.below(2) {
            text.push_str(&format!("rcp r{i} {{\n"));
            for _ in 0..1 + h.rng.below(3) {
                let s = h.rcp_stmt();
                text.push_str(&format!("  {s}\n"));
            }
            text.push_str("}\n");
            let at = h.rng.some(&targets, 2);
            text.push_str(&format!("attach r{i} to {}\n", at.join(", ")));
        }
        if h.rng.chance(40) {
            // Named conditions, one built on the other, used in an RCP and an SCP.
            let (p1, p2, p3) = (h.rcp_pred(), h.rcp_pred(), h.rcp_pred());
            text.push_str(&format!(
                "const nc0 = {{ {p1} }}\nconst nc1 = {{ nc0 || {p2} }}\n\
                 rcp rn {{\n  deny all unless nc1\n  deny service s3 when nc0 unless {{ !nc0 && {p3} }}\n}}\n\
                 scp sn {{\n  deny actions bedrock:InvokeModel, s3:GetObject unless nc1\n}}\n"
            ));
            let at = h.rng.some(&targets, 2);
            text.push_str(&format!("attach rn, sn to {}\n", at.join(", ")));
        }
    }
    let models = g.models;
    Program {
        text,
        accounts,
        identities,
        rcps,
        models,
    }
}

// ---------------------------------------------------------------------------------------------
// Requests.

fn resources(rng: &mut Rng, models: &[String]) -> String {
    let region = if rng.chance(15) {
        ""
    } else {
        *rng.pick(REGIONS)
    };
    let model = if !models.is_empty() && rng.chance(30) {
        // A model the program names, made concrete.
        models[rng.below(models.len())].replace('*', "x")
    } else {
        rng.pick(MODEL_IDS).to_string()
    };
    match rng.below(8) {
        0..=3 => format!("arn:aws:bedrock:{region}::foundation-model/{model}"),
        4 => format!(
            "arn:aws:bedrock:{}:111111111111:inference-profile/us.{model}",
            rng.pick(REGIONS)
        ),
        5 => format!(
            "arn:aws:bedrock:{}:111111111111:application-inference-profile/abc",
            rng.pick(REGIONS)
        ),
        6 => format!(
            "arn:aws:bedrock-mantle:{}:111111111111:project/default",
            rng.pick(REGIONS)
        ),
        _ => rng
            .pick(&[
                "*",
                "arn:aws:s3:::bucket/key",
                "arn:aws:bedrock:us-east-1:111111111111:guardrail/gr1",
            ])
            .to_string(),
    }
}

fn context(rng: &mut Rng, account_id: &str, models: &[String]) -> BTreeMap<String, ContextValue> {
    let mut c = BTreeMap::new();
    let one = |c: &mut BTreeMap<String, ContextValue>, k: &str, v: String| {
        c.insert(k.to_string(), ContextValue::One(v));
    };
    one(
        &mut c,
        "aws:PrincipalAccount",
        if rng.chance(90) {
            account_id.to_string()
        } else {
            rng.pick(ACCOUNT_IDS).to_string()
        },
    );
    if rng.chance(85) {
        one(&mut c, "aws:RequestedRegion", rng.pick(REGIONS).to_string());
    }
    if rng.chance(70) {
        one(
            &mut c,
            "aws:PrincipalArn",
            rng.pick(REQUEST_PRINCIPALS).to_string(),
        );
    }
    if rng.chance(25) {
        let m = if !models.is_empty() && rng.chance(40) {
            models[rng.below(models.len())].replace('*', "x")
        } else {
            rng.pick(MODEL_IDS).to_string()
        };
        one(&mut c, "bedrock-mantle:Model", m);
    }
    if rng.chance(15) {
        one(
            &mut c,
            "bedrock:ModelArn",
            format!(
                "arn:aws:bedrock:us-east-1::foundation-model/{}",
                rng.pick(MODEL_IDS)
            ),
        );
    }
    if rng.chance(30) {
        let ns = if rng.chance(50) {
            "bedrock"
        } else {
            "bedrock-mantle"
        };
        one(
            &mut c,
            &format!("{ns}:BearerTokenType"),
            rng.pick(&["LONG_TERM", "SHORT_TERM"]).to_string(),
        );
    }
    for t in TAGS {
        if rng.chance(30) {
            one(&mut c, &format!("aws:RequestTag/{t}"), "x".to_string());
        }
    }
    for k in KEYS {
        if rng.chance(35) {
            if k.multi {
                let n = rng.below(3);
                let vs: Vec<String> = (0..n).map(|_| rng.pick(k.request).to_string()).collect();
                c.insert(k.name.to_string(), ContextValue::Many(vs));
            } else {
                one(&mut c, k.name, rng.pick(k.request).to_string());
            }
        }
    }
    c
}

fn requests(rng: &mut Rng, account_id: &str, models: &[String], n: usize) -> Vec<Request> {
    let mut out = Vec::new();
    while out.len() < n {
        if rng.chance(12) {
            // A call through an inference profile: all its authorisations.
            let catalog = govc_compiler::catalog::embedded();
            let profiles = catalog.inference_profiles();
            let p = rng.pick(profiles);
            let Some((source, _)) = p.routes.first() else {
                continue;
            };
            let via = if rng.chance(30) {
                Via::ApplicationProfile {
                    arn: format!(
                        "arn:aws:bedrock:{source}:{account_id}:application-inference-profile/app1"
                    ),
                    wraps: Box::new(Via::SystemProfile(p.id.clone())),
                }
            } else {
                Via::SystemProfile(p.id.clone())
            };
            let call = Call {
                action: rng
                    .pick(&[
                        "bedrock:InvokeModel",
                        "bedrock:InvokeModelWithResponseStream",
                    ])
                    .to_string(),
                source: source.clone(),
                account: account_id.to_string(),
                via,
                context: context(rng, account_id, models),
            };
            out.extend(
                authorisations(&govc_compiler::catalog::embedded(), &call).unwrap_or_default(),
            );
            continue;
        }
        let action = rng.pick(REQUEST_ACTIONS).to_string();
        let resource = resources(rng, models);
        out.push(Request {
            action,
            resource,
            context: context(rng, account_id, models),
        });
    }
    out
}

/// Requests about the resources RCPs guard (and some they do not).
fn rcp_requests(rng: &mut Rng, account_id: &str, n: usize) -> Vec<Request> {
    (0..n)
        .map(|_| {
            let mut context = context(rng, account_id, &[]);
            for k in RCP_KEYS {
                if rng.chance(55) {
                    context.insert(
                        k.name.to_string(),
                        ContextValue::One(rng.pick(k.request).to_string()),
                    );
                }
            }
            Request {
                action: rng.pick(RCP_REQUEST_ACTIONS).to_string(),
                resource: if rng.chance(10) {
                    "*".to_string()
                } else {
                    rng.pick(RCP_REQUEST_RESOURCES).to_string()
                },
                context,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The compiled side: the JSON documents, read back, level by level.

/// AWS's RCPFullAWSAccess, as AWS writes it.
const RCP_FULL_AWS_ACCESS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;

/// Per level (root first): the RCP documents in force there, RCPFullAWSAccess first.
fn rcp_level_documents(
    output: &govc_compiler::compile::Output,
    path: &[String],
) -> Vec<Vec<String>> {
    path.iter()
        .map(|target| {
            std::iter::once(RCP_FULL_AWS_ACCESS.to_string())
                .chain(
                    output
                        .documents
                        .iter()
                        .filter(|d| d.kind == DocKind::Rcp && d.targets.contains(target))
                        .map(|d| d.content.clone()),
                )
                .collect()
        })
        .collect()
}

fn rcp_levels_of(docs: &[Vec<String>]) -> Vec<Level> {
    docs.iter()
        .enumerate()
        .map(|(i, ds)| {
            Level::new(
                format!("level-{i}"),
                ds.iter()
                    .flat_map(|d| parse_rcp(d).expect("compiled RCP JSON reads back"))
                    .map(|statement| InForce {
                        statement,
                        provenance: Provenance::Document(String::new()),
                    })
                    .collect(),
            )
        })
        .collect()
}

/// Per level (root first): the JSON documents in force there.
fn level_documents(
    output: &govc_compiler::compile::Output,
    program: &govc_compiler::rules::Program,
    path: &[String],
) -> Vec<Vec<String>> {
    path.iter()
        .map(|target| {
            let mut docs = Vec::new();
            if output
                .targets
                .iter()
                .find(|t| &t.name == target)
                .is_none_or(|t| t.full_aws_access)
            {
                docs.push(json::document(&[json::statement(&Statement::allow_all())]));
            }
            for d in &output.documents {
                if d.kind == DocKind::Scp && d.targets.contains(target) {
                    docs.push(d.content.clone());
                }
            }
            for c in program
                .controls
                .iter()
                .filter(|c| c.targets.contains(target))
            {
                docs.push(json::document(&[json::statement(&controltower::scp(c))]));
            }
            docs
        })
        .collect()
}

fn levels_of(docs: &[Vec<String>]) -> Vec<Level> {
    docs.iter()
        .enumerate()
        .map(|(i, ds)| {
            Level::new(
                format!("level-{i}"),
                ds.iter()
                    .flat_map(|d| parse_policy(d).expect("compiled JSON reads back"))
                    .map(|statement| InForce {
                        statement,
                        provenance: Provenance::Document(String::new()),
                    })
                    .collect(),
            )
        })
        .collect()
}

fn request_json(r: &Request) -> Value {
    let context: serde_json::Map<String, Value> = r
        .context
        .iter()
        .map(|(k, v)| {
            let v = match v {
                ContextValue::One(s) => json!(s),
                ContextValue::Many(vs) => json!(vs),
            };
            (k.clone(), v)
        })
        .collect();
    json!({"action": r.action, "resource": r.resource, "context": context})
}

/// Whether the independent evaluator follows the AWS documentation on every construct of the
/// case (tests/differential_test.rs, `EXCLUDED`).
fn simulator_follows_docs(docs: &[Vec<String>], r: &Request) -> bool {
    // `Null` on an empty list (the simulator counts [] as present); policy variables; bare
    // addresses under NotIpAddress. Dates are ISO 8601 on both sides here.
    let empty_list = r
        .context
        .values()
        .any(|v| matches!(v, ContextValue::Many(vs) if vs.is_empty()));
    let all = docs.iter().flatten().cloned().collect::<Vec<_>>().join(",");
    if all.contains("${")
        || (empty_list && all.contains("\"Null\""))
        || all.contains("NotIpAddress\":{\"aws:SourceIp\":\"203")
    {
        return false;
    }
    // A request for `*` (an action without resource types): the simulator reads it as a
    // question about every resource, so a statement naming ARNs matches by its effect (a Deny
    // with ARNs never, an Allow always, NotResource the other way round); the request and the
    // AWS pages name one resource, `*`, which no ARN pattern matches.
    if r.resource == "*"
        && docs.iter().flatten().any(|d| {
            parse_policy(d)
                .or_else(|_| parse_rcp(d))
                .unwrap_or_default()
                .iter()
                .any(|s| s.resource.negated || !s.resource.is_any())
        })
    {
        return false;
    }
    true
}

struct Case {
    docs: Vec<Vec<String>>,
    /// The documents are RCPs (the SCP layer is FullAWSAccess alone).
    rcp: bool,
    request: Request,
    ours: bool,
    program: usize,
}

#[test]
fn three_deciders_agree() {
    let programs: usize = std::env::var("GOVC_SEMANTICS_PROGRAMS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    let seed: u64 = std::env::var("GOVC_SEMANTICS_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_261_202);
    let every: usize = std::env::var("GOVC_SEMANTICS_SIMULATE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4);
    let per_account = 120;
    let mut rng = Rng(seed);
    let (mut rejected, mut failed_compile, mut compiled, mut decisions) = (0, 0, 0, 0usize);
    let (mut split, mut allowed_n, mut rcp_decisions) = (0, 0usize, 0usize);
    let mut disagreements: Vec<String> = Vec::new();
    let mut n_disagree = 0usize;
    let mut proofs = Proofs::default();
    let mut cases: Vec<Case> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    for pi in 0..programs {
        let p = program(&mut rng);
        let mut database = Database::new(govc_compiler::catalog::embedded());
        let text = p.text.clone();
        let (ws, _) = db::load(&mut database, &["p.gov".to_string()], &move |_| {
            Ok(text.clone().into_bytes())
        });
        let diags = db::program_diagnostics(&database, ws);
        if diags.iter().any(|d| d.is_error()) {
            rejected += 1;
            if rejected <= 3 {
                eprintln!(
                    "generator wrote a program the checker rejects:\n{}\n{:?}",
                    p.text,
                    diags
                        .iter()
                        .filter(|d| d.is_error())
                        .map(|d| (d.code, d.message.clone()))
                        .collect::<Vec<_>>()
                );
            }
            continue;
        }
        let output = match db::compile_workspace(&database, ws, &Options::default()) {
            Ok((o, _)) => o,
            Err(ds) => {
                // Over the slots of a target (E0402) or not expressible (E0400/E0401): the
                // compiler refuses, which is its right; count them.
                failed_compile += 1;
                if !ds.iter().any(|d| {
                    matches!(
                        d.code,
                        govc_compiler::diagnostics::Code::E0402
                            | govc_compiler::diagnostics::Code::E0404
                            | govc_compiler::diagnostics::Code::E0400
                            | govc_compiler::diagnostics::Code::E0401
                    )
                }) {
                    panic!("compile failed unexpectedly: {ds:?}\n{}", p.text);
                }
                continue;
            }
        };
        compiled += 1;
        if output.documents.iter().any(|d| d.name.ends_with("-2")) {
            split += 1;
        }
        let rules = db::program_rules(&database, ws);
        let meaning: &Meaning = db::program_meaning(&database, ws);
        texts.push(p.text.clone());
        let prog_no = texts.len() - 1;
        for account in &p.accounts {
            let path = meaning.path(account).expect("an account");
            let docs = level_documents(&output, rules, &path);
            let levels = levels_of(&docs);
            proofs.record(
                prove_account(meaning, &levels, account),
                &format!("program {pi}, account {account}"),
                &p.text,
            );
            let id = rules
                .org
                .target(account)
                .map(|t| t.id.clone())
                .unwrap_or_default();
            for r in requests(&mut rng, &id, &p.models, per_account) {
                let reference = meaning
                    .decide(&mut Concrete { request: &r }, account)
                    .expect("an account");
                let ours = allowed(&levels, &r);
                decisions += 1;
                allowed_n += usize::from(reference);
                n_disagree += usize::from(reference != ours);
                if reference != ours && disagreements.len() < 6 {
                    disagreements.push(format!(
                        "program {pi}, account {account}: reference {}, compiled {}\n  request: {}\n  documents: {docs:?}\n{}",
                        verdict(reference),
                        verdict(ours),
                        request_json(&r),
                        p.text
                    ));
                }
                if decisions % every == 0 && simulator_follows_docs(&docs, &r) {
                    cases.push(Case {
                        docs: docs.clone(),
                        rcp: false,
                        request: r.clone(),
                        ours,
                        program: prog_no,
                    });
                }
            }
        }
        for (ai, account) in p.accounts.iter().enumerate().filter(|_| p.rcps) {
            let path = meaning.path(account).expect("an account");
            let docs = rcp_level_documents(&output, &path);
            let levels = rcp_levels_of(&docs);
            proofs.record(
                prove_rcp_account(meaning, &levels, account),
                &format!("program {pi}, the RCPs of account {account}"),
                &p.text,
            );
            let id = rules
                .org
                .target(account)
                .map(|t| t.id.clone())
                .unwrap_or_default();
            // A stream of its own: the requests of the other programs stay those of earlier runs.
            let mut stream = Rng(seed ^ ((pi as u64) << 8) ^ ai as u64 ^ 0x5243_5052);
            for r in rcp_requests(&mut stream, &id, per_account) {
                let reference = meaning
                    .decide_rcp(&mut Concrete { request: &r }, account)
                    .expect("an account");
                let ours = allowed(&levels, &r);
                decisions += 1;
                allowed_n += usize::from(reference);
                rcp_decisions += 1;
                n_disagree += usize::from(reference != ours);
                if reference != ours && disagreements.len() < 6 {
                    disagreements.push(format!(
                        "program {pi}, the RCPs of account {account}: reference {}, compiled {}\n  request: {}\n  documents: {docs:?}\n{}",
                        verdict(reference),
                        verdict(ours),
                        request_json(&r),
                        p.text
                    ));
                }
                // KMS: the simulator also requires the key policy to allow, and the harness
                // gives no resource policy, so it denies every KMS request whatever the RCPs say.
                let kms = r.action.to_ascii_lowercase().starts_with("kms:");
                if decisions % every == 0 && !kms && simulator_follows_docs(&docs, &r) {
                    cases.push(Case {
                        docs: docs.clone(),
                        rcp: true,
                        request: r.clone(),
                        ours,
                        program: prog_no,
                    });
                }
            }
        }
        for policy in &p.identities {
            let statements: Vec<Statement> = output
                .documents
                .iter()
                .filter(|d| d.kind == DocKind::IamPolicy && d.policies.contains(policy))
                .flat_map(|d| parse_policy(&d.content).expect("compiled JSON reads back"))
                .collect();
            proofs.record(
                prove_identity(meaning, &statements, policy),
                &format!("program {pi}, identity policy {policy}"),
                &p.text,
            );
            for r in requests(&mut rng, "111111111111", &p.models, per_account / 2) {
                let reference = meaning
                    .decide_identity(&mut Concrete { request: &r }, policy)
                    .expect("an identity policy");
                let ours = decide(&statements, &r) == Decision::Allow;
                decisions += 1;
                n_disagree += usize::from(reference != ours);
                if reference != ours && disagreements.len() < 6 {
                    disagreements.push(format!(
                        "program {pi}, identity policy {policy}: reference {}, compiled {}\n  request: {}\n{}",
                        verdict(reference),
                        verdict(ours),
                        request_json(&r),
                        p.text
                    ));
                }
            }
        }
    }
    let (simulated, n_independent) = independent(&cases, &texts, &mut disagreements);
    n_disagree += n_independent;
    eprintln!(
        "semantics differential (seed {seed}): {programs} programs generated, {rejected} rejected by the checker, \
         {failed_compile} refused by the compiler (quota or expressibility), {compiled} compiled ({split} split into several documents); \
         {decisions} decisions by the reference and govc's evaluator ({allowed_n} allowed, {rcp_decisions} of them by RCPs); {simulated}; {n_disagree} disagreements"
    );
    eprintln!(
        "source ≡ JSON: {} proven, {} not proven, {} refuted{}",
        proofs.proven,
        proofs.unproven.len(),
        proofs.refuted.len(),
        proofs
            .unproven
            .iter()
            .take(5)
            .map(|u| format!("\n  not proven: {u}"))
            .collect::<String>()
    );
    // The proof decides what the sampled requests could not: every refutation is a concrete
    // request the two sides decide differently.
    assert!(proofs.refuted.is_empty(), "{}", proofs.refuted.join("\n\n"));
    assert!(
        proofs.unproven.len() * 50 <= proofs.proven,
        "too many proofs fail to conclude"
    );
    assert!(
        rejected * 20 <= programs,
        "the generator writes too many rejected programs: {rejected}"
    );
    assert!(
        allowed_n * 10 >= decisions && allowed_n * 10 <= decisions * 9,
        "decisions are too one-sided: {allowed_n} of {decisions} allowed"
    );
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n\n"));
}

#[derive(Default)]
struct Proofs {
    proven: usize,
    unproven: Vec<String>,
    refuted: Vec<String>,
}

impl Proofs {
    fn record(&mut self, v: Verdict, what: &str, text: &str) {
        match v {
            Verdict::Proven => self.proven += 1,
            Verdict::NotProven(why) => self.unproven.push(format!("{what}: {why}")),
            Verdict::Differs {
                request,
                source_allows,
            } => self.refuted.push(format!(
                "{what}: the source {} {}\n{text}",
                verdict(source_allows),
                request_json(&request)
            )),
        }
    }
}

fn verdict(allowed: bool) -> &'static str {
    if allowed {
        "allows"
    } else {
        "denies"
    }
}

/// The cases sent to one run of the independent evaluator.
const SIMULATE_BATCH: usize = 10_000;

/// The third decider; returns what it did, for the figures.
fn independent(
    cases: &[Case],
    texts: &[String],
    disagreements: &mut Vec<String>,
) -> (String, usize) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/differential");
    if !dir.join("node_modules").is_dir() {
        if std::env::var_os("CI").is_some() {
            panic!("tests/differential/node_modules is missing in CI");
        }
        return (
            "independent evaluator SKIPPED (run `npm ci --prefix tests/differential`)".to_string(),
            0,
        );
    }
    let input: Vec<Value> = cases
        .iter()
        .map(|c| {
            let scps: Vec<Vec<Value>> = c
                .docs
                .iter()
                .map(|ds| {
                    ds.iter()
                        .map(|d| serde_json::from_str(d).unwrap())
                        .collect()
                })
                .collect();
            if c.rcp {
                let full: Value = serde_json::from_str(&json::document(&[json::statement(
                    &Statement::allow_all(),
                )]))
                .unwrap();
                json!({"scps": [[full]], "rcps": scps, "request": request_json(&c.request)})
            } else {
                json!({"scps": scps, "request": request_json(&c.request)})
            }
        })
        .collect();
    // In batches: one text of every case overflows Node's longest string at a few thousand
    // programs (`GOVC_SEMANTICS_PROGRAMS=3000`).
    let theirs: Vec<Value> = input
        .chunks(SIMULATE_BATCH)
        .flat_map(|batch| common::simulate(&dir, batch))
        .collect();
    assert_eq!(theirs.len(), cases.len(), "one answer per case");
    let (mut invalid, mut differ) = (0, 0);
    for (c, t) in cases.iter().zip(&theirs) {
        let Some(t) = t.as_str() else {
            invalid += 1;
            if disagreements.len() < 6 {
                disagreements.push(format!(
                    "the independent evaluator rejects a compiled SCP: {t}\n{}",
                    texts[c.program]
                ));
            }
            continue;
        };
        differ += usize::from((t == "Allowed") != c.ours);
        if (t == "Allowed") != c.ours && disagreements.len() < 6 {
            disagreements.push(format!(
                "independent evaluator {t}, govc {}\n  request: {}\n  documents: {:?}\n{}",
                verdict(c.ours),
                request_json(&c.request),
                c.docs,
                texts[c.program]
            ));
        }
    }
    (
        format!(
            "{} of them also by the independent evaluator ({invalid} documents it rejected)",
            cases.len()
        ),
        differ + invalid,
    )
}
