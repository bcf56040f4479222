//! The surface AST: what the user wrote, every node with its span. Layer 1 (surface statements)
//! and layer 2 (core rules written directly) of docs/architecture.md live side by side here; desugaring
//! surface statements into core rules is a later, separate step.

use super::Span;

/// A parsed file. Syntax errors leave `Error` items/statements in place so later passes still
/// see everything around them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct File {
    /// The top-level items (`use`, `org`, `scp`, `attach`, …) in source order.
    pub items: Vec<Item>,
}

/// A name as written: policy, target, constant, module segment.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ident {
    /// The name as written; a keyword allowed as a name (`models`, `regions`) too.
    pub name: String,
    /// Where the name is written.
    pub span: Span,
}

/// A string literal, unescaped.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Str {
    /// The text between the quotes, `\"`, `\\`, `\n` and `\t` resolved.
    pub value: String,
    /// The literal, quotes included.
    pub span: Span,
}

/// `a::b::c`
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Path {
    /// The names between the `::` separators; at least two.
    pub segments: Vec<Ident>,
    /// From the first segment to the last.
    pub span: Span,
}

impl Path {
    /// The path as written, its segments joined with `::` (`bedrock::invoke`).
    pub fn to_text(&self) -> String {
        let names: Vec<&str> = self.segments.iter().map(|s| s.name.as_str()).collect();
        names.join("::")
    }
}

/// A value: a bare word (`us-east-1`, `deepseek*`, `bedrock:InvokeModel`, `CostCenter`, a
/// constant's name), a string, a path to a stdlib or imported name, a boolean, or a list.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Value {
    /// Which form the value takes, with its contents.
    pub kind: ValueKind,
    /// The whole value, brackets included for a list.
    pub span: Span,
}

/// The forms of a [`Value`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ValueKind {
    /// A bare word: a Region, model id or pattern, action, tag key, number or constant's name.
    Word(String),
    /// A string literal's text, unescaped.
    Str(String),
    /// `a::b`: a stdlib or imported name (`bedrock::invoke`).
    Path(Path),
    /// `true` or `false`.
    Bool(bool),
    /// `[a, b, …]` (a trailing comma allowed).
    List(Vec<Value>),
}

/// A top-level item of a file, with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// Which item, with its contents.
    pub kind: ItemKind,
    /// From the item's first token to its last (trailing `;`s not included).
    pub span: Span,
}

/// The top-level items of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemKind {
    /// `use "other.gov"`
    UseFile(Str),
    /// `use std::bedrock`
    UseModule(Path),
    /// `org { … }`: the organization's root, OUs, accounts and SCP quotas.
    Org(Org),
    /// `const name = value` / `set name = [..]`
    Const(Const),
    /// `const name = { condition }`: a named condition, used as `when name` / `unless name`
    /// or inside another condition.
    Condition(NamedCondition),
    /// `scp name { … }`: a service control policy.
    Scp(Policy),
    /// `guardrail name { … }`: a Bedrock organization policy (BEDROCK_POLICY).
    Guardrail(Guardrail),
    /// `identity name { … }`: an IAM identity policy.
    Identity(Policy),
    /// `rcp name { … }`: a resource control policy.
    Rcp(Policy),
    /// `control name on ou, … { … }`: Control Tower's OU Region deny control.
    Control(Control),
    /// `attach p, … to t, …`: policies attached to targets.
    Attach(Attach),
    /// `test "name" on target { expect … }`: requests the organization must allow or deny.
    Test(Test),
    /// A core rule outside any policy block (reported by the checker: it has nowhere to go).
    Rule(Rule),
    /// An item that did not parse; its syntax error is among the diagnostics.
    Error,
}

/// `org { … }`: the targets policies are attached to, and the SCP quotas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Org {
    /// The entries in source order.
    pub entries: Vec<OrgEntry>,
}

/// One entry of an `org` block, with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgEntry {
    /// Which entry, with its contents.
    pub kind: OrgEntryKind,
    /// From the entry's first token to its last.
    pub span: Span,
}

/// The entries of an `org` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OrgEntryKind {
    /// `root = "r-a1b2"`; the keyword's span is the name's.
    Root {
        /// Where `root` is written: the root target's name.
        keyword: Span,
        /// The root id, `r-…`.
        id: Str,
    },
    /// `ou name = "ou-…" [under parent]`
    Ou {
        /// The OU's target name.
        name: Ident,
        /// The OU id; `None` when a syntax error cut the entry short after the name.
        id: Option<Str>,
        /// The OU after `under`; `None`: directly under the root.
        parent: Option<Ident>,
    },
    /// `account name = "123456789012" [under parent]`
    Account {
        /// The account's target name.
        name: Ident,
        /// The 12-digit account id; `None` when a syntax error cut the entry short after the name.
        id: Option<Str>,
        /// The OU after `under`; `None`: directly under the root.
        parent: Option<Ident>,
    },
    /// `id = "o-a1b2c3d4e5"`: the organization's id, the value of `aws:PrincipalOrgID` for its
    /// principals (a string or a constant's name). `setting` is the word before `=`; the
    /// checker refuses any but `id`.
    OrgId {
        /// The word written before `=` (`id`).
        setting: Ident,
        /// The organization id, `o-…`.
        id: Value,
    },
    /// `limits legacy` / `limits current`
    LimitsPreset(Ident),
    /// `limits scp_size = 5120, scp_per_target = 5`
    Limits(Vec<(Ident, Value)>),
    /// An entry that did not parse.
    Error,
}

/// Which keyword declared a named value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConstKind {
    /// `const name = value`: one value.
    Const,
    /// `set name = [..]`: a list.
    Set,
}

/// `const name = value` / `set name = [..]`: a value named once and used wherever a value or
/// list is expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Const {
    /// `const` or `set`.
    pub kind: ConstKind,
    /// The name it is used by.
    pub name: Ident,
    /// The value after `=`.
    pub value: Value,
}

/// `const name = { condition }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedCondition {
    /// The name it is used by.
    pub name: Ident,
    /// The condition between the braces.
    pub cond: Cond,
}

/// An `scp` or `identity` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// The policy's name, which also names its output file.
    pub name: Ident,
    /// The block's statements: surface statements and core rules.
    pub stmts: Vec<Stmt>,
}

/// A statement of an `scp` or `identity` block, with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stmt {
    /// Which statement, with its parts.
    pub kind: StmtKind,
    /// From the statement's first token to its last.
    pub span: Span,
}

/// The statements of an `scp` or `identity` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StmtKind {
    /// `require application_inference_profile`
    Require(Ident),
    /// `require tags CostCenter, Team on inference_profile`
    RequireTags {
        /// The tag keys an inference profile must carry (and may not lose).
        tags: Vec<Value>,
        /// The resource kind after `on` (`inference_profile`).
        on: Ident,
    },
    /// `require tags K, … for actions A, … [on R, …]` (every tag present) or `require tags K in
    /// [v, …] for actions …` (the tag has one of the values): on any service's actions.
    RequireTagsFor {
        /// The tag keys required (one with `values`).
        tags: Vec<Value>,
        /// `in [v, …]`: the values the tag may take.
        values: Option<Value>,
        /// The actions that must carry the tags (creation actions, typically).
        actions: Vec<Value>,
        /// `on R, …`: only requests on these resources; empty: every resource.
        resources: Vec<Value>,
        /// The `when`/`unless` clauses that narrow the deny.
        clauses: Vec<Clause>,
    },
    /// `protect tags K, … for services S, …` / `for actions A, …`: the tags cannot be removed.
    ProtectTags {
        /// The tag keys protected.
        tags: Vec<Value>,
        /// `for services S, …`: their tag-removal actions (from the catalog).
        services: Vec<Value>,
        /// `for actions A, …`: these actions.
        actions: Vec<Value>,
        /// The `when`/`unless` clauses that narrow the deny.
        clauses: Vec<Clause>,
    },
    /// `deny model deepseek*` — both the `bedrock` and `bedrock-mantle` namespaces.
    DenyModels {
        /// The model ids or patterns denied.
        models: Vec<Value>,
        /// The `when`/`unless` clauses that narrow the deny.
        clauses: Vec<Clause>,
    },
    /// `only models anthropic.claude*` — an allow-list that replaces FullAWSAccess.
    OnlyModels {
        /// The model ids or patterns allowed.
        models: Vec<Value>,
        /// The `when`/`unless` clauses: the list applies to the requests they all hold for;
        /// the others are exempt (`unless principal admins`).
        clauses: Vec<Clause>,
    },
    /// `only regions us-east-1, us-west-2 [for services bedrock, …]`
    OnlyRegions {
        /// The Regions allowed.
        regions: Vec<Value>,
        /// The services after `for services`; empty: `bedrock` and `bedrock-mantle`, or, with
        /// `all`, every service but the global ones.
        services: Vec<Value>,
        /// `for all services`: where `all` is written.
        all: Option<Span>,
        /// The `when`/`unless` clauses that narrow the deny.
        clauses: Vec<Clause>,
    },
    /// `deny service bedrock-agentcore unless principal "…"`
    DenyServices {
        /// The service prefixes denied.
        services: Vec<Value>,
        /// The `when`/`unless` clauses that narrow the deny.
        clauses: Vec<Clause>,
    },
    /// `deny all when via_mcp`
    DenyAll {
        /// The `when`/`unless` clauses that narrow the deny.
        clauses: Vec<Clause>,
    },
    /// `deny api_keys long_term` — both endpoints.
    DenyApiKeys {
        /// `long_term`, `short_term` or `all`; `None`: every API key.
        kind: Option<Ident>,
        /// The `when`/`unless` clauses that narrow the deny.
        clauses: Vec<Clause>,
    },
    /// `deny actions a, b [on "arn", …] unless …`
    DenyActions {
        /// The actions denied, or stdlib action sets.
        actions: Vec<Value>,
        /// The resources after `on`; empty: every resource.
        resources: Vec<Value>,
        /// The `when`/`unless` clauses that narrow the deny.
        clauses: Vec<Clause>,
    },
    /// `allow invoke on model …` / `allow actions … on …` (identity policies)
    Allow(Allow),
    /// A core rule written in the block: `forbid (…) …` / `permit (…) …`.
    Rule(Rule),
    /// A statement that did not parse.
    Error,
}

/// `when <pred>` / `unless <pred>` after a surface statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clause {
    /// `true` for `unless` (the predicate negated), `false` for `when`.
    pub unless: bool,
    /// The predicate after the keyword.
    pub pred: SurfacePred,
    /// From `when`/`unless` to the end of the predicate.
    pub span: Span,
}

/// The predicates of a surface statement's clause (docs/language.md §7.8).
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

/// What an `allow` statement grants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AllowWhat {
    /// `invoke`: the model-invocation actions (stdlib `bedrock::invoke`).
    Invoke(Span),
    /// `action a` / `actions a, b`: the actions listed.
    Actions(Vec<Value>),
}

/// `allow invoke|actions … on [KIND] V, … [in account "ID"] [clauses]`, in `identity` blocks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allow {
    /// `invoke`, or the actions listed.
    pub what: AllowWhat,
    /// `model`, `inference_profile`, … — `None` when the resources are written as ARNs.
    pub kind: Option<Ident>,
    /// The resources after `on` (and the kind): ids or patterns, or ARN strings.
    pub resources: Vec<Value>,
    /// `in account "123456789012"`
    pub account: Option<Value>,
    /// The `when`/`unless` clauses that add conditions to the Allow.
    pub clauses: Vec<Clause>,
}

/// A core rule's effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// `forbid`: an IAM Deny.
    Forbid,
    /// `permit`: an IAM Allow (in an SCP it filters, it never grants).
    Permit,
}

/// A Cedar-style core rule: `forbid (principal, action in …, resource like "…") when { … };`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// `forbid` or `permit`.
    pub effect: Effect,
    /// Where the effect keyword is written.
    pub effect_span: Span,
    /// The entries between the parentheses; empty for `forbid ()`, which matches every request.
    pub scope: Vec<ScopeEntry>,
    /// The `when { … }` / `unless { … }` clauses, ANDed.
    pub clauses: Vec<RuleClause>,
}

/// The request variable a scope entry constrains.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeVar {
    /// `principal`: the caller, by `aws:PrincipalArn`.
    Principal,
    /// `action`: IAM's `Action` / `NotAction`.
    Action,
    /// `resource`: IAM's `Resource` / `NotResource`.
    Resource,
}

/// One entry of a core rule's scope: `principal`, `action` or `resource`, optionally
/// constrained (`action in bedrock::invoke`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopeEntry {
    /// Which variable the entry is about.
    pub var: ScopeVar,
    /// Where the variable's keyword is written.
    pub var_span: Span,
    /// The operator and value; `None` (the bare variable) means any.
    pub constraint: Option<(ScopeOp, Value)>,
    /// The whole entry.
    pub span: Span,
}

/// The operator of a constrained scope entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeOp {
    /// `==`
    Eq,
    /// `in`
    In,
    /// `like`
    Like,
    /// `not in`
    NotIn,
    /// `not like`
    NotLike,
    /// `!=`
    NotEq,
}

/// `when { <cond> }` / `unless { <cond> }` after a core rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleClause {
    /// `true` for `unless` (the condition negated), `false` for `when`.
    pub unless: bool,
    /// The condition between the braces.
    pub cond: Cond,
    /// From `when`/`unless` to the closing brace.
    pub span: Span,
}

/// A condition. `And`/`Or` are flat lists so long chains never nest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cond {
    /// `a && b && …`: every operand holds; the span covers the whole chain.
    And(Vec<Cond>, Span),
    /// `a || b || …`: some operand holds; the span covers the whole chain.
    Or(Vec<Cond>, Span),
    /// `!c`: an odd run of `!` (an even run cancels out and leaves no node).
    Not(Box<Cond>, Span),
    /// One `[any|all] context["key"] <op>` predicate.
    Pred(Pred),
    /// The name of a condition declared with `const name = { … }`.
    Ref(Ident),
}

impl Cond {
    /// Where the condition is written (parentheses around it not included).
    pub fn span(&self) -> Span {
        match self {
            Cond::And(_, s) | Cond::Or(_, s) | Cond::Not(_, s) => *s,
            Cond::Pred(p) => p.span,
            Cond::Ref(name) => name.span,
        }
    }
}

/// The quantifier of a predicate on a multivalued key.
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
    /// `any` or `all` and where it is written; `None` for a single-valued key.
    pub qualifier: Option<(Qualifier, Span)>,
    /// The condition key: the string between the brackets (`"aws:RequestedRegion"`).
    pub key: Str,
    /// The operator and its operand.
    pub op: PredOp,
    /// From the operator to the end of its operand.
    pub op_span: Span,
    /// The whole predicate, qualifier included.
    pub span: Span,
}

/// The operator of a predicate, with its operand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PredOp {
    /// `is absent`: the key is not in the request (IAM `Null: true`).
    Absent,
    /// `is present`: the key is in the request (IAM `Null: false`).
    Present,
    /// `==`, `!=`, `<`, `<=`, `>` or `>=` and the value compared with.
    Cmp(CmpOp, Value),
    /// `in v`: equal to the value, or to one of the list's.
    In(Value),
    /// `not in v`: equal to none of them.
    NotIn(Value),
    /// `like p`: matches the pattern, or one of the list's.
    Like(Value),
    /// `not like p`: matches none of them.
    NotLike(Value),
}

/// A comparison operator of a predicate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// `guardrail name { … }` — a BEDROCK_POLICY; the name is the config key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Guardrail {
    /// The configuration key under each Region, and the output file's name.
    pub name: Ident,
    /// The settings in the block.
    pub stmts: Vec<GuardStmt>,
}

/// A setting of a `guardrail` block, with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuardStmt {
    /// Which setting, with its values.
    pub kind: GuardStmtKind,
    /// From the setting's first token to its last.
    pub span: Span,
}

/// The settings of a `guardrail` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GuardStmtKind {
    /// `in us-east-1 use "arn:aws:bedrock:us-east-1:…:guardrail/id:1"`
    Use {
        /// The Region after `in`.
        region: Value,
        /// The guardrail's ARN and version, enforced in that Region.
        guardrail: Str,
    },
    /// `input_tags honor|ignore` (the older policy form)
    InputTags(Ident),
    /// `guarding system selective, messages comprehensive`
    Guarding(Vec<(Ident, Ident)>),
    /// `models all except …` / `models a, b except …`
    Models {
        /// Where `models all` is written, if it is; `include` is then empty.
        all: Option<Span>,
        /// The models listed after `models`.
        include: Vec<Value>,
        /// The models after `except`.
        exclude: Vec<Value>,
    },
    /// `lock`: children may not change these settings (`@@operators_allowed_for_child_policies`).
    Lock,
    /// A setting that did not parse.
    Error,
}

/// `control name on ou1, ou2 { … }` — Control Tower CT.MULTISERVICE.PV.1 parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Control {
    /// The control's name, which also names its output file.
    pub name: Ident,
    /// The OUs after `on`, on which the control is enabled.
    pub targets: Vec<Ident>,
    /// The parameters in the block.
    pub stmts: Vec<ControlStmt>,
}

/// A parameter of a `control` block, with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ControlStmt {
    /// Which parameter, with its values.
    pub kind: ControlStmtKind,
    /// From the parameter's first token to its last.
    pub span: Span,
}

/// The parameters of a `control` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ControlStmtKind {
    /// `regions r, …`: the control's `AllowedRegions`.
    Regions(Vec<Value>),
    /// `exempt action(s) a, …`: `ExemptedActions`.
    ExemptActions(Vec<Value>),
    /// `exempt principals "arn", …`: `ExemptedPrincipalArns`.
    ExemptPrincipals(Vec<Value>),
    /// A parameter that did not parse.
    Error,
}

/// `attach a, b to root, prod`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attach {
    /// The `scp` and `guardrail` names before `to`.
    pub policies: Vec<Ident>,
    /// The targets after `to`: `root`, OU and account names.
    pub targets: Vec<Ident>,
}

/// `test "name" on account { expect … }`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Test {
    /// The test's description.
    pub name: Str,
    /// The account, OU or `root` whose accounts the requests are evaluated for.
    pub target: Ident,
    /// The `expect` lines in the block.
    pub expects: Vec<Expect>,
}

/// One line of a `test` block, with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expect {
    /// The expectation, or an error.
    pub kind: ExpectKind,
    /// From `expect` to the line's last token.
    pub span: Span,
}

/// The lines of a `test` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExpectKind {
    /// `expect allow|deny ACTION on RESOURCE [in REGION] [with { "KEY": VALUE, … }]`: one
    /// request and the outcome it must have.
    Case {
        /// `true` for `expect allow`, `false` for `expect deny`.
        allow: bool,
        /// The IAM action requested.
        action: Value,
        /// The resource ARN requested (or `"*"`).
        resource: Value,
        /// The Region after `in` (`aws:RequestedRegion`); `None`: the request has no Region.
        region: Option<Value>,
        /// The request keys set after `with`, and their values.
        context: Vec<(Str, Value)>,
    },
    /// A line that did not parse.
    Error,
}
