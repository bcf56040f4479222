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
    /// The organization tree and its SCP quotas.
    pub org: Org,
    /// `scp` and `identity` blocks in source order (files in load order).
    pub policies: Vec<Policy>,
    /// `guardrail` blocks in source order.
    pub guardrails: Vec<Guardrail>,
    /// `control` blocks in source order.
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
    /// The test's name: the quoted string after `test`.
    pub name: String,
    /// The account's name in the org.
    pub account: String,
    /// The path key of the declaring file.
    pub file: String,
    /// The span of the test's name.
    pub span: Span,
    /// The expectations, in source order.
    pub expects: Vec<Expectation>,
}

/// `expect allow|deny ACTION on RESOURCE [in REGION] [with { … }]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expectation {
    /// Whether the request is expected to be allowed (`expect allow`) or denied.
    pub allow: bool,
    /// The request's action, `service:Name`.
    pub action: String,
    /// The request's resource ARN, or `*`.
    pub resource: String,
    /// The requested Region (`aws:RequestedRegion`), when given.
    pub region: Option<String>,
    /// Request keys as written, in order.
    pub context: Vec<(String, TestValue)>,
    /// The span of the `expect` line.
    pub span: Span,
}

/// The value of a request key in an expectation's `with { … }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TestValue {
    /// One value, for a single-valued key.
    One(String),
    /// A list, for a multivalued key.
    Many(Vec<String>),
}

/// The organization: its targets and the SCP quotas the program is compiled against.
#[derive(Clone, Debug)]
pub struct Org {
    /// Root first, then OUs and accounts in source order.
    pub targets: Vec<Target>,
    /// The quotas of `org`'s `limits`; [`Limits::CURRENT`] without one.
    pub limits: Limits,
    /// The organization's id (`id = "o-…"`): `aws:PrincipalOrgID` of its principals.
    pub id: Option<String>,
    /// Name → position in `targets` (the first of that name), built by [`Org::reindex`]:
    /// every path from an account to the root looks its targets up by name, so a scan would
    /// make the paths of all accounts quadratic in the organization's size.
    by_name: std::collections::HashMap<String, usize>,
}

/// Equal when the targets, quotas and id are: the index follows from the targets.
impl PartialEq for Org {
    fn eq(&self, other: &Org) -> bool {
        self.targets == other.targets && self.limits == other.limits && self.id == other.id
    }
}

impl Eq for Org {}

impl Default for Org {
    fn default() -> Self {
        Org {
            targets: Vec::new(),
            limits: Limits::CURRENT,
            id: None,
            by_name: Default::default(),
        }
    }
}

impl Org {
    /// The target of this name (`root` for the root).
    pub fn target(&self, name: &str) -> Option<&Target> {
        match self.by_name.get(name).and_then(|&i| self.targets.get(i)) {
            Some(t) if t.name == name => Some(t),
            // Not indexed (targets changed since `reindex`): the scan is always right.
            _ => self.targets.iter().find(|t| t.name == name),
        }
    }

    /// Rebuilds the name index after `targets` changed.
    pub fn reindex(&mut self) {
        self.by_name.clear();
        for (i, t) in self.targets.iter().enumerate() {
            self.by_name.entry(t.name.clone()).or_insert(i);
        }
    }
}

/// What a target of the organization is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TargetKind {
    /// The organization root.
    Root,
    /// An organizational unit.
    Ou,
    /// A member account.
    Account,
}

impl TargetKind {
    /// The AWS Organizations target type: `ROOT`, `ORGANIZATIONAL_UNIT` or `ACCOUNT`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            TargetKind::Root => "ROOT",
            TargetKind::Ou => "ORGANIZATIONAL_UNIT",
            TargetKind::Account => "ACCOUNT",
        }
    }
}

/// A target of the organization: something policies attach to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The name declared in `org` (`root` for the root).
    pub name: String,
    /// Root, OU or account.
    pub kind: TargetKind,
    /// The AWS id: `r-…`, `ou-…` or the 12-digit account id.
    pub id: String,
    /// `None` for the root and for entries directly under it.
    pub parent: Option<String>,
    /// The path key of the declaring file.
    pub file: String,
    /// The name's span (the `root` keyword for the root).
    pub span: Span,
}

/// Size and attachment quotas for SCPs (aws.md §1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The largest an SCP may be, in characters.
    pub scp_size: usize,
    /// SCPs one target may have attached, FullAWSAccess and controls included.
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
    /// The largest an RCP may be, in characters; RCPs kept the old SCP quota (aws.md §1.1).
    pub const RCP_SIZE: usize = 5_120;
    /// RCPs attached directly to one target, RCPFullAWSAccess included (aws.md §1.1).
    pub const RCP_PER_TARGET: usize = 5;
}

/// Which kind of document a policy becomes; defined with the IAM statements, which carry it.
pub use govc_iam::PolicyKind;

/// An `scp` or `identity` block as core rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// The block's name, which its documents are named after.
    pub name: String,
    /// SCP or identity (IAM) policy.
    pub kind: PolicyKind,
    /// The path key of the declaring file.
    pub file: String,
    /// The name's span.
    pub span: Span,
    /// Its statements as core rules, in source order.
    pub rules: Vec<Rule>,
}

/// Where a rule came from; defined with the IAM statements, which keep it as provenance.
pub use govc_iam::{Name, Origin};

/// One core rule: `effect (action, resource) when cond`. The principal of a written rule is
/// already a condition on `aws:PrincipalArn` (SCPs have no `Principal`, aws.md §1.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// `forbid` (Deny) or `permit` (Allow).
    pub effect: Effect,
    /// The actions it applies to.
    pub action: ScopeSet,
    /// The resources it applies to.
    pub resource: ScopeSet,
    /// When it applies; [`Cond::True`] for always.
    pub cond: Cond,
    /// The source statement it came from, kept through to the IAM statements.
    pub origin: Origin,
}

/// The values an action or resource must (`In`) or must not (`NotIn`) match; `*` and `?` are
/// wildcards, as IAM always treats them in `Action` and `Resource`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScopeSet {
    /// Every value (`*`).
    Any,
    /// Values that match one of these patterns.
    In(Vec<Name>),
    /// Values that match none of these patterns.
    NotIn(Vec<Name>),
}

/// A condition tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cond {
    /// Always holds.
    True,
    /// Holds when every part does.
    And(Vec<Cond>),
    /// Holds when some part does.
    Or(Vec<Cond>),
    /// Holds when the part does not.
    Not(Box<Cond>),
    /// A test of one condition key.
    Pred(Pred),
}

impl Cond {
    /// The conjunction of `conds`, without `True` parts: `True` when none is left, the part
    /// itself when one is.
    pub fn and(conds: Vec<Cond>) -> Cond {
        let conds: Vec<Cond> = conds.into_iter().filter(|c| *c != Cond::True).collect();
        match conds.len() {
            0 => Cond::True,
            1 => conds.into_iter().next().unwrap_or(Cond::True),
            _ => Cond::And(conds),
        }
    }

    /// The negation of `c`.
    pub fn negate(c: Cond) -> Cond {
        Cond::Not(Box::new(c))
    }
}

/// The IAM operator family a key's values are compared with (from its SAR type).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// `String…` operators.
    String,
    /// `Arn…` operators.
    Arn,
    /// `Numeric…` operators.
    Numeric,
    /// `Date…` operators.
    Date,
    /// The `Bool` operator.
    Bool,
    /// `IpAddress` / `NotIpAddress`.
    Ip,
    /// `BinaryEquals`.
    Binary,
}

/// `[any|all] context[key] test`. `values` are literal texts, shared (one copy of each
/// distinct text per program, from the desugaring's interner).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pred {
    /// Canonical spelling (condition key names are case-insensitive, aws.md §3.1).
    pub key: Name,
    /// The operator family, from the key's catalog type.
    pub family: Family,
    /// `ForAnyValue:` (`any`) or `ForAllValues:` (`all`), for a multivalued key.
    pub qualifier: Option<Qualifier>,
    /// What the key's values must satisfy.
    pub test: Test,
}

/// What a predicate asks of a key's values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Test {
    /// The key is not in the request (`Null: true`).
    Absent,
    /// Equal to one of the values.
    Eq(Vec<Name>),
    /// Like one of the patterns.
    Like(Vec<Name>),
    /// Less than the value (a number or a date).
    Lt(Name),
    /// Less than or equal to the value.
    Le(Name),
    /// Greater than the value.
    Gt(Name),
    /// Greater than or equal to the value.
    Ge(Name),
}

/// A `guardrail` block (BEDROCK_POLICY, aws.md §2.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Guardrail {
    /// The block's name: the configuration key under each Region, and the document's name.
    pub name: String,
    /// The path key of the declaring file.
    pub file: String,
    /// The span of the block's name.
    pub span: Span,
    /// Region → versioned guardrail ARN, in source order.
    pub regions: Vec<(String, String)>,
    /// `input_tags honor` or `ignore`, when set.
    pub input_tags: Option<String>,
    /// `(system|messages, selective|comprehensive)`.
    pub guarding: Vec<(String, String)>,
    /// The `models` line, when there is one (without it every model is guarded).
    pub models: Option<ModelEnforcement>,
    /// Whether `lock` forbids child policies to change the configuration.
    pub lock: bool,
    /// Spans of the block's statements, for the manifest's sources.
    pub sources: Vec<Span>,
}

/// A guardrail's `models` line: which models it guards (`model_enforcement`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelEnforcement {
    /// `models all`: every model (`included_models: ["ALL"]`).
    pub all: bool,
    /// The model ids listed: `included_models`, unless `all` is set.
    pub include: Vec<String>,
    /// The model ids after `except` (`excluded_models`).
    pub exclude: Vec<String>,
}

/// A `control` block: `CT.MULTISERVICE.PV.1` parameters (aws.md §6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Control {
    /// The block's name, which its document is named after.
    pub name: String,
    /// The path key of the declaring file.
    pub file: String,
    /// The span of the block's name.
    pub span: Span,
    /// OU names.
    pub targets: Vec<String>,
    /// `AllowedRegions`: the Regions the control leaves open.
    pub regions: Vec<String>,
    /// `ExemptedActions`: actions added to the control's NotAction list.
    pub exempt_actions: Vec<String>,
    /// `ExemptedPrincipalArns`: IAM or STS principal ARNs the control never denies.
    pub exempt_principals: Vec<String>,
    /// Spans of the block's statements, for the manifest's sources.
    pub sources: Vec<Span>,
}
