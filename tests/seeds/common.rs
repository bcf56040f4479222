//! The seed table shared by `tests/seed_sizes.rs` and `tests/seed_equivalence.rs`: which
//! hand-written SCP each `tests/seeds/<id>.json` is, the `.gov` that reproduces it, and how to
//! compile one through the library exactly as `govc compile` does.

use std::path::{Path, PathBuf};

use govc_compiler::compile::{Options, Output};
use govc_compiler::db;
use govc_compiler::document::DocKind;
use govc_compiler::ir::parse::parse_policy;
use govc_compiler::ir::Statement;

pub struct Seed {
    /// `tests/seeds/<id>.json` and `tests/seeds/<id>.gov`.
    pub id: &'static str,
    /// The seed system: the article's number (`tests/seeds/README.md`).
    pub seed: &'static str,
    pub policy: &'static str,
    /// Seed 001's allow-list: an Allow policy that replaces FullAWSAccess, reported apart from
    /// the nine Deny SCPs.
    pub allow_list: bool,
    /// Corrections and differences, each with its reason.
    pub notes: &'static [&'static str],
}

const SIDS: &str = "Sids dropped (they count toward the size, aws.md §1.2)";

pub const SEEDS: &[Seed] = &[
    Seed {
        id: "000-scp1-application-inference-profiles",
        seed: "000",
        policy: "SCP 1: require application inference profiles",
        allow_list: false,
        notes: &[
            "`bedrock:Converse`/`ConverseStream` dropped: not IAM actions, the calls are authorised as the `InvokeModel`/`InvokeModelWithResponseStream` kept (aws.md §4.1)",
            "the `Null` statement is implied by the `StringNotLike` one (aws.md §3.3) and is the optimiser's to drop",
            SIDS,
        ],
    },
    Seed {
        id: "000-scp2-require-tags",
        seed: "000",
        policy: "SCP 2: require tags on application inference profiles",
        allow_list: false,
        notes: &[
            SIDS,
            "one `Null` statement per tag is the minimum: keys under one operator are ANDed (aws.md §3.2)",
        ],
    },
    Seed {
        id: "001-mcp-deny",
        seed: "001",
        policy: "deny calls via AWS-managed MCP servers",
        allow_list: false,
        notes: &[SIDS],
    },
    Seed {
        id: "001-region-deny",
        seed: "001",
        policy: "bedrock and bedrock-mantle only in us-east-1, us-west-2",
        allow_list: false,
        notes: &["same statement (`only regions` is exactly the seed's); no Sid to drop"],
    },
    Seed {
        id: "001-agentcore-deny",
        seed: "001",
        policy: "deny bedrock-agentcore except TestRole",
        allow_list: false,
        notes: &[SIDS, "one-element lists written as a string"],
    },
    Seed {
        id: "001-deepseek-deny",
        seed: "001",
        policy: "DeepSeek deny-list (bedrock and bedrock-mantle)",
        allow_list: false,
        notes: &["the seed's two statements, plus one for the Chat Completions API on bedrock-runtime, which names its model in `bedrock:ModelArn` (docs/semantics.md, \"Models\"); no Sid to drop"],
    },
    Seed {
        id: "001-api-key-use",
        seed: "001",
        policy: "deny long-term API key use",
        allow_list: false,
        notes: &["same statements; one per endpoint is the minimum (aws.md §3.2, §4.2); no Sid to drop"],
    },
    Seed {
        id: "001-api-key-creation",
        seed: "001",
        policy: "deny long-term API key creation",
        allow_list: false,
        notes: &[SIDS],
    },
    Seed {
        id: "003-custom-scp",
        seed: "003",
        policy: "Bedrock inference outside landing-zone Regions only for permitted accounts",
        allow_list: false,
        notes: &[
            SIDS,
            "the seed's `<permitted account ID>` placeholders are 111111111111 and 222222222222 (tests/seeds/README.md)",
        ],
    },
    Seed {
        id: "001-allow-list",
        seed: "001",
        policy: "allow-list: Anthropic Claude only (replaces FullAWSAccess)",
        allow_list: true,
        notes: &[
            "an Allow policy that replaces FullAWSAccess (aws.md §1.4), not one of the nine",
            "stronger than the seed: `only models` also covers `bedrock-mantle` (an Allow for mantle requests whose model is listed or absent) and the Chat Completions API on bedrock-runtime (`bedrock:ModelArn`), which seed 001 leaves open; all four statements are Allows, so several allow-lists at one level add up (docs/semantics.md, \"Allow-lists\")",
        ],
    },
];

/// The program attaching the nine Deny SCPs to the root.
pub const ALL_NINE: &str = "all-nine";

/// The root crate's directory; every path below is relative to it, so origins (and with them
/// anything rendered from a compile) do not depend on where the checkout lives.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn gov_path(id: &str) -> String {
    format!("tests/seeds/{id}.gov")
}

pub fn json_path(id: &str) -> PathBuf {
    root().join(format!("tests/seeds/{id}.json"))
}

/// The hand-written SCP's text.
pub fn seed_json(id: &str) -> String {
    std::fs::read_to_string(json_path(id)).unwrap_or_else(|e| panic!("{id}.json: {e}"))
}

/// Compiles `tests/seeds/<id>.gov` through the library as `govc compile` does: load, check,
/// lower to core rules, compile. Panics on any error.
pub fn compile_seed(id: &str, opts: &Options) -> Output {
    let mut database = db::Database::new(govc_compiler::catalog::embedded());
    let (ws, failed) = db::load(&mut database, &[gov_path(id)], &|p| {
        std::fs::read(root().join(p))
    });
    assert!(failed.is_empty(), "{id}: cannot read {failed:?}");
    db::compile_workspace(&database, ws, opts)
        .unwrap_or_else(|e| panic!("{id}: {e:#?}"))
        .0
}

/// The SCP documents of a compile, in manifest order.
pub fn scp_documents(out: &Output) -> Vec<&str> {
    out.documents
        .iter()
        .filter(|d| d.kind == DocKind::Scp)
        .map(|d| d.content.as_str())
        .collect()
}

/// Every statement of the compile's SCP documents, read back from the JSON that would be
/// deployed (not from the IR), so the comparison covers the writer too.
pub fn scp_statements(out: &Output) -> Vec<Statement> {
    scp_documents(out)
        .into_iter()
        .flat_map(|d| parse_policy(d).unwrap_or_else(|e| panic!("compiled SCP: {e}\n{d}")))
        .collect()
}
