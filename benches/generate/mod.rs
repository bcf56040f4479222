//! The generated organizations of the back-end benchmarks (`compile.rs`, `scaling.rs`): an
//! organization of OUs and accounts, `scp` blocks of ten rules of every kind attached
//! round-robin, optionally spread over several files and with a `test` block of expectations.
//! One generator, so the two benchmarks measure the same programs.

#![allow(dead_code, reason = "each benchmark uses part of the generator")]

use std::fmt::Write as _;

/// Rules per `scp` block: organizations write many small, named SCPs.
const RULES_PER_SCP: usize = 10;
/// OUs directly under the root; below them each OU has at most `OU_FANOUT` children, so
/// `TOP_OUS * (1 + 4 + 16 + 64 + 256)` = 3,410 OUs fit in five levels.
const TOP_OUS: usize = 10;
const OU_FANOUT: usize = 4;
/// The most OUs five levels hold.
pub const MAX_OUS: usize = TOP_OUS * (1 + 4 + 16 + 64 + 256);
/// One account in `ACCOUNT_STRIDE` has SCPs of its own; the others inherit only.
const ACCOUNT_STRIDE: usize = 10;
/// One SCP in `SHARED_EVERY` is also attached to a second target (a policy shared by two OUs,
/// or an OU and an exception account), so not every document has a single target.
const SHARED_EVERY: usize = 5;

/// The size of a generated program, in each dimension a user controls.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    pub name: &'static str,
    pub accounts: usize,
    pub ous: usize,
    pub rules: usize,
    /// Files the `scp` blocks are spread over (the organization is in the first; the others
    /// `use` it).
    pub files: usize,
    /// `expect` lines in the program's one `test` block (none: no test block).
    pub expectations: usize,
}

impl Config {
    /// 5,000 accounts, 500 OUs, 10,000 rules in one file, no tests.
    pub const BASE: Config = Config {
        name: "base",
        accounts: 5_000,
        ous: 500,
        rules: 10_000,
        files: 1,
        expectations: 0,
    };
}

/// The parent of OU `k`: the root for the first `TOP_OUS`, then a breadth-first tree of
/// fan-out `OU_FANOUT`, so depth grows with the logarithm of the count.
pub fn ou_parent(k: usize) -> Option<usize> {
    (k >= TOP_OUS).then(|| (k - TOP_OUS) / OU_FANOUT)
}

pub fn ou_depth(mut k: usize) -> usize {
    let mut d = 1;
    while let Some(p) = ou_parent(k) {
        k = p;
        d += 1;
    }
    d
}

/// Model patterns from the catalog's vendors, so `deny model` names real model families.
const MODELS: [&str; 12] = [
    "deepseek*",
    "openai.gpt-oss-20b*",
    "openai.gpt-oss-120b*",
    "meta.llama3*",
    "meta.llama4*",
    "mistral.*",
    "cohere.command*",
    "ai21.*",
    "stability.*",
    "qwen.*",
    "writer.*",
    "anthropic.claude-3-haiku*",
];

const REGIONS: [&str; 10] = [
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "ap-northeast-1",
    "ap-northeast-3",
    "ap-southeast-2",
    "ca-central-1",
];

const SERVICES: [&str; 4] = [
    "bedrock-agentcore",
    "sagemaker",
    "comprehend",
    "bedrock-mantle",
];

/// An account id for account `i` (12 digits).
pub fn account_id(i: usize) -> String {
    format!("{:012}", 100_000_000_000u64 + i as u64)
}

/// Two distinct Regions chosen by `r`.
fn regions(r: usize) -> String {
    let a = REGIONS[r % REGIONS.len()];
    let b = REGIONS[(r / REGIONS.len() + r + 1) % REGIONS.len()];
    if a == b {
        a.to_string()
    } else {
        format!("{a}, {b}")
    }
}

/// Rule `r` of the program: the kinds rotate so every block has a mix, and each rule has
/// values of its own (an ARN, a principal, a tag) so no two rules are the same.
fn rule(out: &mut String, r: usize) {
    let acct = account_id(r % 997);
    let m = MODELS[r % MODELS.len()];
    let m2 = MODELS[(r / 7 + 3) % MODELS.len()];
    match r % 10 {
        0 => {
            let _ = writeln!(out, "  deny model {m}, {m2}");
        }
        1 => {
            let _ = writeln!(
                out,
                "  deny models {m} unless principal in [\"arn:aws:iam::{acct}:role/ModelAdmin{r}\"]"
            );
        }
        2 => {
            let _ = writeln!(
                out,
                "  deny actions bedrock:CreateModelCustomizationJob, bedrock:Delete* on \"arn:aws:bedrock:*:{acct}:custom-model/team{r}-*\""
            );
        }
        3 => {
            // Whole cross-Region inference geographies (no CRIS lint), or a hand-picked
            // list (W0410/W0411, as in many real organizations).
            let list = match (r / 10) % 4 {
                0 => "cris::us".to_string(),
                1 => "cris::eu".to_string(),
                2 => "cris::jp".to_string(),
                _ => format!("{}, {}", regions(r), REGIONS[(r / 3) % REGIONS.len()]),
            };
            let _ = writeln!(
                out,
                "  only regions {list} unless principal account in [\"{acct}\"]"
            );
        }
        4 => {
            let s = SERVICES[r % SERVICES.len()];
            let _ = writeln!(
                out,
                "  deny service {s} unless principal \"arn:aws:iam::{acct}:role/Platform{r}\""
            );
        }
        5 => {
            let kind = ["long_term", "short_term", "all"][r % 3];
            let _ = writeln!(
                out,
                "  deny api_keys {kind} unless principal in [\"arn:aws:iam::{acct}:role/KeyAdmin{r}\"]"
            );
        }
        6 => {
            let _ = writeln!(
                out,
                "  require tags CostCenter, Team, \"Project{r}\" on inference_profile"
            );
        }
        7 => {
            let _ = writeln!(
                out,
                "  forbid (action in bedrock::invoke, resource like \"arn:aws:bedrock:*::foundation-model/{m}\")\n    when {{ context[\"bedrock:InferenceProfileArn\"] is absent }}\n    unless {{ context[\"aws:PrincipalAccount\"] == \"{acct}\" }};"
            );
        }
        8 => {
            let _ = writeln!(
                out,
                "  forbid (principal like \"arn:aws:iam::*:role/Sandbox{r}*\", action == bedrock:InvokeModel)\n    when {{ any context[\"aws:TagKeys\"] in [\"CostCenter\", \"Team{r}\"] && context[\"aws:SecureTransport\"] == false }}\n    unless {{ context[\"aws:MultiFactorAuthAge\"] < {} }};",
                600 + r
            );
        }
        _ => {
            let _ = writeln!(
                out,
                "  deny actions bedrock::batch, bedrock:CreateProvisionedModelThroughput when region in [{}] unless principal account in [\"{acct}\"]",
                regions(r + 5)
            );
        }
    }
}

/// A program with the organization of `cfg` and `cfg.rules` rules in `scp` blocks of
/// `RULES_PER_SCP`, attached round-robin to the root, every OU and one account in
/// `ACCOUNT_STRIDE`, some to a second target too; in one file (`cfg.files` is ignored).
pub fn program(cfg: &Config) -> String {
    files(&Config { files: 1, ..*cfg })
        .into_iter()
        .map(|(_, text)| text)
        .collect()
}

/// The program of `cfg` as `(file name, text)`: `org.gov` holds the organization (and the
/// test block), the `scp` blocks go round-robin into `policies_N.gov`, each of which `use`s
/// `org.gov` for its attachment targets.
pub fn files(cfg: &Config) -> Vec<(String, String)> {
    assert!(cfg.ous >= TOP_OUS && cfg.ous <= MAX_OUS && ou_depth(cfg.ous - 1) <= 5);
    let mut out = String::from(
        "// Generated for the benchmarks (benches/generate).\norg {\n  root = \"r-a1b2\"\n",
    );
    for k in 0..cfg.ous {
        match ou_parent(k) {
            None => {
                let _ = writeln!(out, "  ou ou_{k} = \"ou-a1b2-{k:08}\"");
            }
            Some(p) => {
                let _ = writeln!(out, "  ou ou_{k} = \"ou-a1b2-{k:08}\" under ou_{p}");
            }
        }
    }
    for i in 0..cfg.accounts {
        // Accounts sit in the deeper half of the tree, as workloads do.
        let ou = cfg.ous / 2 + i % (cfg.ous - cfg.ous / 2);
        let _ = writeln!(
            out,
            "  account acct_{i} = \"{}\" under ou_{ou}",
            account_id(i)
        );
    }
    out.push_str("}\n");
    if cfg.expectations > 0 {
        // Every account inherits `policy_0` from the root, whose first rule denies `deepseek*`.
        out.push_str("\ntest \"deepseek is denied\" on acct_0 {\n");
        for e in 0..cfg.expectations {
            let region = REGIONS[e % REGIONS.len()];
            let _ = writeln!(
                out,
                "  expect deny bedrock:InvokeModel on \"arn:aws:bedrock:{region}::foundation-model/deepseek.v{e}\" in {region}"
            );
        }
        out.push_str("}\n");
    }

    let mut targets = vec!["root".to_string()];
    targets.extend((0..cfg.ous).map(|k| format!("ou_{k}")));
    targets.extend(
        (0..cfg.accounts)
            .step_by(ACCOUNT_STRIDE)
            .map(|i| format!("acct_{i}")),
    );
    let n_files = cfg.files.max(1);
    let mut texts: Vec<String> = (0..n_files)
        .map(|f| {
            if f == 0 {
                std::mem::take(&mut out)
            } else {
                String::from("use \"org.gov\"\n")
            }
        })
        .collect();
    let blocks = cfg.rules.div_ceil(RULES_PER_SCP);
    for b in 0..blocks {
        let out = &mut texts[b % n_files];
        let _ = writeln!(out, "\nscp policy_{b} {{");
        for r in b * RULES_PER_SCP..((b + 1) * RULES_PER_SCP).min(cfg.rules) {
            rule(out, r);
        }
        out.push_str("}\n");
        let first = &targets[b % targets.len()];
        if b % SHARED_EVERY == SHARED_EVERY - 1 {
            let second = &targets[(b * 7 + 3) % targets.len()];
            if second != first {
                let _ = writeln!(out, "attach policy_{b} to {first}, {second}");
                continue;
            }
        }
        let _ = writeln!(out, "attach policy_{b} to {first}");
    }
    texts
        .into_iter()
        .enumerate()
        .map(|(f, text)| {
            let name = if f == 0 {
                "org.gov".to_string()
            } else {
                format!("policies_{f}.gov")
            };
            (name, text)
        })
        .collect()
}
