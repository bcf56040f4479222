//! The stdlib is the one home of what the sugar is built from: every item the desugaring reads
//! (`rules::desugar::READ_FROM_STDLIB`) is defined in `stdlib/`, with the value the lowering
//! expects, and the rules built from it carry exactly those texts.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly"
)]

use govc_compiler::catalog::embedded as catalog;
use govc_compiler::db::{self, Database};
use govc_compiler::rules::desugar::READ_FROM_STDLIB;
use govc_compiler::rules::{Name, ScopeSet};

/// The program of one file, `a.gov`, holding `text` (and the stdlib).
fn load_one(text: &str) -> (Database, db::Workspace) {
    let mut database = Database::new(govc_compiler::catalog::embedded());
    let (ws, failed) = db::load(&mut database, &["a.gov".to_string()], &|_| {
        Ok(text.as_bytes().to_vec())
    });
    assert!(failed.is_empty());
    (database, ws)
}

#[test]
fn the_items_the_desugaring_reads_are_defined_in_the_stdlib() {
    let (database, ws) = load_one("scp s {\n  require application_inference_profile\n}\n");
    let index = db::program_index(&database, ws);
    let [invoke_item, patterns @ ..] = READ_FROM_STDLIB;
    let invoke = index.std_literals(invoke_item.0, invoke_item.1);
    assert!(!invoke.is_empty(), "stdlib defines bedrock::invoke");
    for a in &invoke {
        assert!(
            catalog().action_by_full_name(a).is_some(),
            "{a} is an action"
        );
    }
    for (module, item) in patterns {
        let values = index.std_literals(module, item);
        assert_eq!(
            values.len(),
            1,
            "{module}::{item} is one pattern: {values:?}"
        );
        assert!(values[0].starts_with("arn:aws:bedrock:"), "{values:?}");
    }
    // `require application_inference_profile` is built from `bedrock::invoke`.
    let rules = db::program_rules(&database, ws);
    let policy = &rules.policies[0];
    assert!(!policy.rules.is_empty());
    for r in &policy.rules {
        assert_eq!(
            r.action,
            ScopeSet::In(invoke.iter().map(|a| a.as_str().into()).collect())
        );
    }
}

#[test]
fn the_services_rcps_govern_are_catalog_services() {
    let (database, ws) = load_one("rcp r {\n  deny all\n}\n");
    let index = db::program_index(&database, ws);
    let (module, item) = govc_compiler::stdlib::RCP_SERVICES;
    let services = index.std_literals(module, item);
    // AWS's list: S3, STS, KMS, SQS, Secrets Manager, Cognito (two prefixes), CloudWatch Logs,
    // DynamoDB, ECR, OpenSearch Serverless (stdlib/rcp.gov).
    assert_eq!(services.len(), 11, "{services:?}");
    for s in &services {
        assert!(
            !catalog().actions(s).is_empty(),
            "{s} is a service with actions"
        );
    }
    // `deny all` in an `rcp` is every action of those services, never `*`.
    let rules = db::program_rules(&database, ws);
    let want: Vec<Name> = services.iter().map(|s| format!("{s}:*").into()).collect();
    assert_eq!(rules.policies[0].rules[0].action, ScopeSet::In(want));
}

#[test]
fn the_global_services_are_the_catalogs() {
    let (database, ws) = load_one("scp s {\n  only regions eu-west-1 for all services\n}\n");
    let index = db::program_index(&database, ws);
    let (module, item) = govc_compiler::stdlib::GLOBAL_SERVICES;
    let services = index.std_literals(module, item);
    // Generated from the same data as the catalog (tools/catalog/refresh.sh): they agree.
    assert_eq!(services, catalog().global_services());
    for s in [
        "iam",
        "organizations",
        "route53",
        "cloudfront",
        "sts",
        "support",
    ] {
        assert!(services.iter().any(|x| x == s), "{s} is global");
    }
    // Regional services are not.
    for s in ["s3", "ec2", "bedrock", "bedrock-mantle"] {
        assert!(!services.iter().any(|x| x == s), "{s} is regional");
    }
    // `for all services` denies every action but theirs.
    let rules = db::program_rules(&database, ws);
    let want: Vec<Name> = services.iter().map(|s| format!("{s}:*").into()).collect();
    assert_eq!(rules.policies[0].rules[0].action, ScopeSet::NotIn(want));
}

/// A documented statement, written in `.gov` with one concrete value per list, and the
/// placeholders of its JSON in `stdlib/bedrock.gov` given the same values (the documented
/// `, …` — more of the same — is dropped).
struct Instance {
    /// The start of the section's heading, after `## `.
    heading: &'static str,
    statement: &'static str,
    placeholders: &'static [(&'static str, &'static str)],
}

const INSTANCES: &[Instance] = &[
    Instance {
        heading: "`deny model P, …`",
        statement: "deny model deepseek*",
        placeholders: &[("P", "deepseek*")],
    },
    Instance {
        heading: "`only models P, …`",
        statement: "only models anthropic.claude*",
        placeholders: &[("P", "anthropic.claude*")],
    },
    Instance {
        heading: "`only regions R, …",
        statement: "only regions us-east-1",
        placeholders: &[("R", "us-east-1")],
    },
    Instance {
        heading: "`deny api_keys",
        statement: "deny api_keys long_term",
        placeholders: &[],
    },
    Instance {
        heading: "`require application_inference_profile`",
        statement: "require application_inference_profile",
        placeholders: &[],
    },
    Instance {
        heading: "`require tags T, … on inference_profile`",
        statement: "require tags CostCenter on inference_profile",
        placeholders: &[("T", "CostCenter")],
    },
    Instance {
        heading: "`require tags T, … for actions",
        statement: "require tags CostCenter for actions ec2:RunInstances",
        placeholders: &[("T", "CostCenter"), ("A", "ec2:RunInstances")],
    },
    Instance {
        heading: "`require tags T in [V, …]",
        statement: "require tags Environment in [prod] for actions ec2:RunInstances",
        placeholders: &[
            ("T", "Environment"),
            ("V", "prod"),
            ("A", "ec2:RunInstances"),
        ],
    },
    Instance {
        heading: "`protect tags T, …",
        statement: "protect tags CostCenter for actions ec2:DeleteTags",
        placeholders: &[("T", "CostCenter"), ("A", "ec2:DeleteTags")],
    },
    Instance {
        heading: "`deny service S, …`",
        statement: "deny service bedrock-agentcore",
        placeholders: &[("S", "bedrock-agentcore")],
    },
    Instance {
        heading: "`deny all",
        statement: "deny all",
        placeholders: &[],
    },
];

/// The sections of a stdlib module's docs: heading → the text of its ```json blocks.
fn documented_json(module: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(format!(
        "{}/../stdlib/{module}.gov",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut out: Vec<(String, String)> = Vec::new();
    let mut in_json = false;
    for line in text.lines() {
        let Some(doc) = line.strip_prefix("//!") else {
            continue;
        };
        let doc = doc.strip_prefix(' ').unwrap_or(doc);
        if let Some(h) = doc.strip_prefix("## ") {
            out.push((h.to_string(), String::new()));
        } else if doc.trim() == "```json" {
            in_json = true;
        } else if doc.trim() == "```" {
            in_json = false;
        } else if in_json {
            if let Some(last) = out.last_mut() {
                last.1.push_str(doc);
                last.1.push('\n');
            }
        }
    }
    out
}

/// The documented JSON of a section with its placeholders filled in, as IAM statements: `, …`
/// (more of the same) dropped, each placeholder replaced where it stands for a value.
fn documented_statements(
    json: &str,
    placeholders: &[(&str, &str)],
) -> Vec<govc_compiler::ir::Statement> {
    let mut text = json.replace(", …", "");
    for (name, value) in placeholders {
        for (from, to) in [
            (format!("\"{name}\""), format!("\"{value}\"")),
            (format!("/{name}\""), format!("/{value}\"")),
            (format!("\"{name}:*\""), format!("\"{value}:*\"")),
        ] {
            text = text.replace(&from, &to);
        }
    }
    let statements: Vec<serde_json::Value> = serde_json::Deserializer::from_str(&text)
        .into_iter::<serde_json::Value>()
        .map(|v| v.unwrap_or_else(|e| panic!("documented JSON: {e}\n{text}")))
        .collect();
    let policy = serde_json::json!({"Version": "2012-10-17", "Statement": statements});
    govc_compiler::ir::parse::parse_policy(&policy.to_string())
        .unwrap_or_else(|e| panic!("documented JSON: {e}\n{text}"))
}

/// The lowering of one statement in an `scp`, before optimisation.
fn lowered(statement: &str) -> Vec<govc_compiler::ir::Statement> {
    let (database, ws) = load_one(&format!("scp s {{\n  {statement}\n}}\n"));
    let opts = govc_compiler::compile::Options::default();
    let (output, _) = db::compile_workspace(&database, ws, &opts)
        .unwrap_or_else(|e| panic!("`{statement}` does not compile: {e:?}"));
    output.lowered["s"].statements.clone()
}

/// Each surface statement of `stdlib/bedrock.gov` compiles to what its section documents: the
/// documented JSON, with the placeholders given the values of a concrete statement, decides
/// every request as the compiler's lowering of that statement (the optimiser's equivalence
/// check, both directions). The stdlib's text is the definition; this holds the compiler to it.
#[test]
fn each_statement_compiles_to_what_the_stdlib_documents() {
    let sections = documented_json("bedrock");
    let documented: Vec<&(String, String)> = sections
        .iter()
        .filter(|(_, json)| !json.is_empty())
        .collect();
    // Every section with JSON has an instance here, and every instance a section.
    for (heading, _) in &documented {
        assert!(
            INSTANCES.iter().any(|i| heading.starts_with(i.heading)),
            "no instance for the documented statement `{heading}`: add one to INSTANCES"
        );
    }
    for inst in INSTANCES {
        let (_, json) = documented
            .iter()
            .find(|(h, _)| h.starts_with(inst.heading))
            .unwrap_or_else(|| panic!("stdlib/bedrock.gov documents no `{}`", inst.heading));
        let doc = documented_statements(json, inst.placeholders);
        let compiled = lowered(inst.statement);
        let verdict = govc_compiler::equivalence::check(&doc, &compiled);
        assert_eq!(
            verdict,
            govc_compiler::equivalence::Verdict::Equivalent,
            "`{}` does not compile to what stdlib/bedrock.gov documents",
            inst.statement
        );
    }
}
