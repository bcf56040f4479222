//! Layer 2 (docs/architecture.md): core rules — Cedar-style `forbid`/`permit` over action and resource
//! with a condition tree — plus the organization, guardrails, controls and attachments, all
//! with names and constants resolved to literal text. Surface statements are gone at this
//! layer: [`desugar`] turns each into the core rules that `stdlib/bedrock.gov` documents.

pub mod desugar;

use std::collections::BTreeMap;

use crate::catalog::Shared;
pub use crate::syntax::ast::{Effect, Qualifier};
use crate::syntax::Span;

/// A whole checked program, ready to lower.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    /// The reference data the program was checked against; lowering and optimising read it.
    pub catalog: Shared,
    pub org: Org,
    /// `scp` and `identity` blocks in source order (files in load order).
    pub policies: Vec<Policy>,
    pub guardrails: Vec<Guardrail>,
    pub controls: Vec<Control>,
    /// Policy name → target names, in the order written (duplicates removed).
    pub attachments: BTreeMap<String, Vec<String>>,
    /// `test` blocks, for `govc verify`.
    pub tests: Vec<TestBlock>,
}

impl Program {
    /// A program with nothing in it yet, checked against `catalog`.
    pub fn new(catalog: Shared) -> Program {
        Program {
            catalog,
            org: Org::default(),
            policies: Vec::new(),
            guardrails: Vec::new(),
            controls: Vec::new(),
            attachments: BTreeMap::new(),
            tests: Vec::new(),
        }
    }
}

/// A `test "name" on account { expect … }` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestBlock {
    pub name: String,
    /// The account's name in the org.
    pub account: String,
    pub file: String,
    pub span: Span,
    pub expects: Vec<Expectation>,
}

/// `expect allow|deny ACTION on RESOURCE [in REGION] [with { … }]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expectation {
    pub allow: bool,
    pub action: String,
    pub resource: String,
    pub region: Option<String>,
    /// Request keys as written, in order.
    pub context: Vec<(String, TestValue)>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TestValue {
    One(String),
    Many(Vec<String>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Org {
    /// Root first, then OUs and accounts in source order.
    pub targets: Vec<Target>,
    pub limits: Limits,
}

impl Default for Org {
    fn default() -> Self {
        Org {
            targets: Vec::new(),
            limits: Limits::CURRENT,
        }
    }
}

impl Org {
    pub fn target(&self, name: &str) -> Option<&Target> {
        self.targets.iter().find(|t| t.name == name)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TargetKind {
    Root,
    Ou,
    Account,
}

impl TargetKind {
    pub fn name(self) -> &'static str {
        match self {
            TargetKind::Root => "ROOT",
            TargetKind::Ou => "ORGANIZATIONAL_UNIT",
            TargetKind::Account => "ACCOUNT",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub name: String,
    pub kind: TargetKind,
    pub id: String,
    /// `None` for the root and for entries directly under it.
    pub parent: Option<String>,
    pub file: String,
    /// The name's span (the `root` keyword for the root).
    pub span: Span,
}

/// Size and attachment quotas for SCPs (aws.md §1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub scp_size: usize,
    pub scp_per_target: usize,
}

impl Limits {
    /// Since 15 May 2026 (aws.md §1.1).
    pub const CURRENT: Limits = Limits {
        scp_size: 10_240,
        scp_per_target: 10,
    };
    /// What many organizations still plan for (seed 000).
    pub const LEGACY: Limits = Limits {
        scp_size: 5_120,
        scp_per_target: 5,
    };
    /// BEDROCK_POLICY documents (aws.md §2.3).
    pub const BEDROCK_POLICY_SIZE: usize = 10_000;
    /// IAM managed policies, white space not counted.
    pub const IAM_POLICY_SIZE: usize = 6_144;
}

/// Which kind of document a policy becomes; defined with the IAM statements, which carry it.
pub use govc_iam::PolicyKind;

/// An `scp` or `identity` block as core rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub name: String,
    pub kind: PolicyKind,
    pub file: String,
    /// The name's span.
    pub span: Span,
    pub rules: Vec<Rule>,
}

/// Where a rule came from; defined with the IAM statements, which keep it as provenance.
pub use govc_iam::Origin;

/// One core rule: `effect (action, resource) when cond`. The principal of a written rule is
/// already a condition on `aws:PrincipalArn` (SCPs have no `Principal`, aws.md §1.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub effect: Effect,
    pub action: ScopeSet,
    pub resource: ScopeSet,
    pub cond: Cond,
    pub origin: Origin,
}

/// The values an action or resource must (`In`) or must not (`NotIn`) match; `*` and `?` are
/// wildcards, as IAM always treats them in `Action` and `Resource`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScopeSet {
    Any,
    In(Vec<String>),
    NotIn(Vec<String>),
}

/// A condition tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cond {
    True,
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    Pred(Pred),
}

impl Cond {
    pub fn and(conds: Vec<Cond>) -> Cond {
        let conds: Vec<Cond> = conds.into_iter().filter(|c| *c != Cond::True).collect();
        match conds.len() {
            0 => Cond::True,
            1 => conds.into_iter().next().unwrap_or(Cond::True),
            _ => Cond::And(conds),
        }
    }

    pub fn negate(c: Cond) -> Cond {
        Cond::Not(Box::new(c))
    }
}

/// The IAM operator family a key's values are compared with (from its SAR type).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    String,
    Arn,
    Numeric,
    Date,
    Bool,
    Ip,
    Binary,
}

/// `[any|all] context[key] test`. `values` are literal texts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pred {
    /// Canonical spelling (condition key names are case-insensitive, aws.md §3.1).
    pub key: String,
    pub family: Family,
    pub qualifier: Option<Qualifier>,
    pub test: Test,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Test {
    /// The key is not in the request (`Null: true`).
    Absent,
    /// Equal to one of the values.
    Eq(Vec<String>),
    /// Like one of the patterns.
    Like(Vec<String>),
    Lt(String),
    Le(String),
    Gt(String),
    Ge(String),
}

/// A `guardrail` block (BEDROCK_POLICY, aws.md §2.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Guardrail {
    pub name: String,
    pub file: String,
    pub span: Span,
    /// Region → versioned guardrail ARN, in source order.
    pub regions: Vec<(String, String)>,
    pub input_tags: Option<String>,
    /// `(system|messages, selective|comprehensive)`.
    pub guarding: Vec<(String, String)>,
    pub models: Option<ModelEnforcement>,
    pub lock: bool,
    /// Spans of the block's statements, for the manifest's sources.
    pub sources: Vec<Span>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelEnforcement {
    pub all: bool,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

/// A `control` block: `CT.MULTISERVICE.PV.1` parameters (aws.md §6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Control {
    pub name: String,
    pub file: String,
    pub span: Span,
    /// OU names.
    pub targets: Vec<String>,
    pub regions: Vec<String>,
    pub exempt_actions: Vec<String>,
    pub exempt_principals: Vec<String>,
    pub sources: Vec<Span>,
}
