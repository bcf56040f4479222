//! The surface AST: what the user wrote, every node with its span. Layer 1 (surface statements)
//! and layer 2 (core rules written directly) of docs/architecture.md live side by side here; desugaring
//! surface statements into core rules is a later, separate step.

use super::Span;

/// A parsed file. Syntax errors leave `Error` items/statements in place so later passes still
/// see everything around them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct File {
    pub items: Vec<Item>,
}

/// A name as written: policy, target, constant, module segment.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A string literal, unescaped.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Str {
    pub value: String,
    pub span: Span,
}

/// `a::b::c`
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Path {
    pub segments: Vec<Ident>,
    pub span: Span,
}

impl Path {
    pub fn to_text(&self) -> String {
        let names: Vec<&str> = self.segments.iter().map(|s| s.name.as_str()).collect();
        names.join("::")
    }
}

/// A value: a bare word (`us-east-1`, `deepseek*`, `bedrock:InvokeModel`, `CostCenter`, a
/// constant's name), a string, a path to a stdlib or imported name, a boolean, or a list.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ValueKind {
    Word(String),
    Str(String),
    Path(Path),
    Bool(bool),
    List(Vec<Value>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub kind: ItemKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemKind {
    /// `use "other.gov"`
    UseFile(Str),
    /// `use std::bedrock`
    UseModule(Path),
    Org(Org),
    /// `const name = value` / `set name = [..]`
    Const(Const),
    Scp(Policy),
    Guardrail(Guardrail),
    Identity(Policy),
    Control(Control),
    Attach(Attach),
    Test(Test),
    /// A core rule outside any policy block (reported by the checker: it has nowhere to go).
    Rule(Rule),
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Org {
    pub entries: Vec<OrgEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgEntry {
    pub kind: OrgEntryKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OrgEntryKind {
    /// `root = "r-a1b2"`; the keyword's span is the name's.
    Root {
        keyword: Span,
        id: Str,
    },
    /// `ou name = "ou-…" [under parent]`
    Ou {
        name: Ident,
        id: Option<Str>,
        parent: Option<Ident>,
    },
    /// `account name = "123456789012" [under parent]`
    Account {
        name: Ident,
        id: Option<Str>,
        parent: Option<Ident>,
    },
    /// `limits legacy` / `limits current`
    LimitsPreset(Ident),
    /// `limits scp_size = 5120, scp_per_target = 5`
    Limits(Vec<(Ident, Value)>),
    Error,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConstKind {
    Const,
    Set,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Const {
    pub kind: ConstKind,
    pub name: Ident,
    pub value: Value,
}

/// An `scp` or `identity` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub name: Ident,
    pub stmts: Vec<Stmt>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StmtKind {
    /// `require application_inference_profile`
    Require(Ident),
    /// `require tags CostCenter, Team on inference_profile`
    RequireTags {
        tags: Vec<Value>,
        on: Ident,
    },
    /// `deny model deepseek*` — both the `bedrock` and `bedrock-mantle` namespaces.
    DenyModels {
        models: Vec<Value>,
        clauses: Vec<Clause>,
    },
    /// `only models anthropic.claude*` — an allow-list that replaces FullAWSAccess.
    OnlyModels {
        models: Vec<Value>,
    },
    /// `only regions us-east-1, us-west-2 [for services bedrock, …]`
    OnlyRegions {
        regions: Vec<Value>,
        services: Vec<Value>,
        clauses: Vec<Clause>,
    },
    /// `deny service bedrock-agentcore unless principal "…"`
    DenyServices {
        services: Vec<Value>,
        clauses: Vec<Clause>,
    },
    /// `deny all when via_mcp`
    DenyAll {
        clauses: Vec<Clause>,
    },
    /// `deny api_keys long_term` — both endpoints.
    DenyApiKeys {
        kind: Option<Ident>,
        clauses: Vec<Clause>,
    },
    /// `deny actions a, b [on "arn", …] unless …`
    DenyActions {
        actions: Vec<Value>,
        resources: Vec<Value>,
        clauses: Vec<Clause>,
    },
    /// `allow invoke on model …` / `allow actions … on …` (identity policies)
    Allow(Allow),
    Rule(Rule),
    Error,
}

/// `when <pred>` / `unless <pred>` after a surface statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clause {
    pub unless: bool,
    pub pred: SurfacePred,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SurfacePred {
    /// `region in [..]` → `aws:RequestedRegion`
    Region(Value),
    /// `principal "arn…"` / `principal in [..]` → `aws:PrincipalArn`
    Principal(Value),
    /// `principal account in [..]` → `aws:PrincipalAccount`
    PrincipalAccount(Value),
    /// `via_mcp` → `aws:ViaAWSMCPService`; `via_mcp in [..]` → `aws:CalledViaAWSMCP`
    ViaMcp(Option<Value>),
    /// `{ <condition> }`
    Cond(Cond),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AllowWhat {
    /// `invoke`: the model-invocation actions (stdlib `bedrock::invoke`).
    Invoke(Span),
    Actions(Vec<Value>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allow {
    pub what: AllowWhat,
    /// `model`, `inference_profile`, … — `None` when the resources are written as ARNs.
    pub kind: Option<Ident>,
    pub resources: Vec<Value>,
    /// `in account "123456789012"`
    pub account: Option<Value>,
    pub clauses: Vec<Clause>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Forbid,
    Permit,
}

/// A Cedar-style core rule: `forbid (principal, action in …, resource like "…") when { … };`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub effect: Effect,
    pub effect_span: Span,
    pub scope: Vec<ScopeEntry>,
    pub clauses: Vec<RuleClause>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeVar {
    Principal,
    Action,
    Resource,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopeEntry {
    pub var: ScopeVar,
    pub var_span: Span,
    pub constraint: Option<(ScopeOp, Value)>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeOp {
    Eq,
    In,
    Like,
    NotIn,
    NotLike,
    NotEq,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleClause {
    pub unless: bool,
    pub cond: Cond,
    pub span: Span,
}

/// A condition. `And`/`Or` are flat lists so long chains never nest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cond {
    And(Vec<Cond>, Span),
    Or(Vec<Cond>, Span),
    Not(Box<Cond>, Span),
    Pred(Pred),
}

impl Cond {
    pub fn span(&self) -> Span {
        match self {
            Cond::And(_, s) | Cond::Or(_, s) | Cond::Not(_, s) => *s,
            Cond::Pred(p) => p.span,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Qualifier {
    /// `any context[k] …` → `ForAnyValue:`
    Any,
    /// `all context[k] …` → `ForAllValues:`
    All,
}

/// `[any|all] context["key"] <op>`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pred {
    pub qualifier: Option<(Qualifier, Span)>,
    pub key: Str,
    pub op: PredOp,
    pub op_span: Span,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PredOp {
    Absent,
    Present,
    Cmp(CmpOp, Value),
    In(Value),
    NotIn(Value),
    Like(Value),
    NotLike(Value),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// `guardrail name { … }` — a BEDROCK_POLICY; the name is the config key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Guardrail {
    pub name: Ident,
    pub stmts: Vec<GuardStmt>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuardStmt {
    pub kind: GuardStmtKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GuardStmtKind {
    /// `in us-east-1 use "arn:aws:bedrock:us-east-1:…:guardrail/id:1"`
    Use {
        region: Value,
        guardrail: Str,
    },
    /// `input_tags honor|ignore` (the older policy form)
    InputTags(Ident),
    /// `guarding system selective, messages comprehensive`
    Guarding(Vec<(Ident, Ident)>),
    /// `models all except …` / `models a, b except …`
    Models {
        all: Option<Span>,
        include: Vec<Value>,
        exclude: Vec<Value>,
    },
    /// `lock`: children may not change these settings (`@@operators_allowed_for_child_policies`).
    Lock,
    Error,
}

/// `control name on ou1, ou2 { … }` — Control Tower CT.MULTISERVICE.PV.1 parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Control {
    pub name: Ident,
    pub targets: Vec<Ident>,
    pub stmts: Vec<ControlStmt>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ControlStmt {
    pub kind: ControlStmtKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ControlStmtKind {
    Regions(Vec<Value>),
    ExemptActions(Vec<Value>),
    ExemptPrincipals(Vec<Value>),
    Error,
}

/// `attach a, b to root, prod`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attach {
    pub policies: Vec<Ident>,
    pub targets: Vec<Ident>,
}

/// `test "name" on account { expect … }`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Test {
    pub name: Str,
    pub target: Ident,
    pub expects: Vec<Expect>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expect {
    pub kind: ExpectKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExpectKind {
    Case {
        allow: bool,
        action: Value,
        resource: Value,
        region: Option<Value>,
        context: Vec<(Str, Value)>,
    },
    Error,
}
