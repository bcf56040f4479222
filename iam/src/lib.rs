#![warn(missing_docs)]
//! Layer 3 (docs/architecture.md): the IAM statement IR — Effect, Action/NotAction, Resource/NotResource,
//! Condition — as plain, ordered data. Every set is an ordered [`FlatSet`]/[`FlatMap`] (a sorted
//! `Vec` with `BTreeSet`'s and `BTreeMap`'s interface and order, a fraction of their memory for
//! the small sets statements hold), so two equal statements print the same bytes and the output
//! is deterministic (docs/architecture.md, "Invariants").
//!
//! Semantics are IAM's (aws.md §3): operators in a condition are ANDed, keys under one operator
//! are ANDed, values of one key are ORed — NORed under a negated operator.
//!
//! Reading a policy and deciding a request:
//!
//! ```
//! use govc_iam::eval::{decide, Decision, Request};
//! use govc_iam::parse::parse_policy;
//!
//! let policy = r#"{"Version": "2012-10-17", "Statement": [
//!     {"Effect": "Deny", "Action": "bedrock:*", "Resource": "*",
//!      "Condition": {"StringNotEquals": {"aws:RequestedRegion": "us-east-1"}}}]}"#;
//! let statements = parse_policy(policy).expect("a policy");
//! let invoke = |region: &str| {
//!     Request::new("bedrock:InvokeModel", "arn:aws:bedrock:us-east-1::foundation-model/x")
//!         .with("aws:RequestedRegion", region)
//! };
//! assert_eq!(decide(&statements, &invoke("eu-west-1")), Decision::ExplicitDeny);
//! assert_eq!(decide(&statements, &invoke("us-east-1")), Decision::ImplicitDeny);
//! ```

pub mod compiled;
pub mod equivalence;
pub mod eval;
pub mod flat;
pub mod glob;
pub mod json;
pub mod parse;
pub mod request;
pub mod subsume;
pub mod vars;

use std::fmt;

pub use flat::{FlatMap, FlatSet};

use govc_span::Span;

/// A statement's `Effect`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Effect {
    /// `"Allow"`.
    Allow,
    /// `"Deny"`.
    Deny,
}

impl Effect {
    /// As written in policy JSON.
    pub fn name(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// `Action` / `NotAction`, or `Resource` / `NotResource`. `values` is never empty; `*` is the
/// value that matches everything. Actions compare case-insensitively (aws.md §3.4), so lowering
/// stores catalog actions in their canonical spelling; resources compare case-sensitively.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Scope {
    /// `NotAction` / `NotResource`.
    pub negated: bool,
    /// The patterns (`*` and `?` wildcards), ORed.
    pub values: FlatSet<Name>,
}

impl Scope {
    /// `"*"`: everything.
    pub fn any() -> Scope {
        Scope::of(["*"])
    }

    /// `Action`/`Resource` with these values.
    pub fn of<I, S>(values: I) -> Scope
    where
        I: IntoIterator<Item = S>,
        S: Into<Name>,
    {
        Scope {
            negated: false,
            values: values.into_iter().map(Into::into).collect(),
        }
    }

    /// `NotAction`/`NotResource` with these values.
    pub fn not_of<I, S>(values: I) -> Scope
    where
        I: IntoIterator<Item = S>,
        S: Into<Name>,
    {
        Scope {
            negated: true,
            ..Scope::of(values)
        }
    }

    /// `Action: "*"` / `Resource: "*"`.
    pub fn is_any(&self) -> bool {
        !self.negated && self.values.contains("*")
    }
}

/// The condition operators of aws.md §3.1 (without qualifier or `IfExists`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(
    missing_docs,
    reason = "each variant is the IAM condition operator of its name"
)]
pub enum Op {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

impl Op {
    /// Every operator, in the order of aws.md §3.1.
    pub const ALL: [Op; 27] = [
        Op::StringEquals,
        Op::StringNotEquals,
        Op::StringEqualsIgnoreCase,
        Op::StringNotEqualsIgnoreCase,
        Op::StringLike,
        Op::StringNotLike,
        Op::NumericEquals,
        Op::NumericNotEquals,
        Op::NumericLessThan,
        Op::NumericLessThanEquals,
        Op::NumericGreaterThan,
        Op::NumericGreaterThanEquals,
        Op::DateEquals,
        Op::DateNotEquals,
        Op::DateLessThan,
        Op::DateLessThanEquals,
        Op::DateGreaterThan,
        Op::DateGreaterThanEquals,
        Op::Bool,
        Op::BinaryEquals,
        Op::IpAddress,
        Op::NotIpAddress,
        Op::ArnEquals,
        Op::ArnLike,
        Op::ArnNotEquals,
        Op::ArnNotLike,
        Op::Null,
    ];

    /// As written in policy JSON.
    pub fn name(self) -> &'static str {
        match self {
            Op::StringEquals => "StringEquals",
            Op::StringNotEquals => "StringNotEquals",
            Op::StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            Op::StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
            Op::StringLike => "StringLike",
            Op::StringNotLike => "StringNotLike",
            Op::NumericEquals => "NumericEquals",
            Op::NumericNotEquals => "NumericNotEquals",
            Op::NumericLessThan => "NumericLessThan",
            Op::NumericLessThanEquals => "NumericLessThanEquals",
            Op::NumericGreaterThan => "NumericGreaterThan",
            Op::NumericGreaterThanEquals => "NumericGreaterThanEquals",
            Op::DateEquals => "DateEquals",
            Op::DateNotEquals => "DateNotEquals",
            Op::DateLessThan => "DateLessThan",
            Op::DateLessThanEquals => "DateLessThanEquals",
            Op::DateGreaterThan => "DateGreaterThan",
            Op::DateGreaterThanEquals => "DateGreaterThanEquals",
            Op::Bool => "Bool",
            Op::BinaryEquals => "BinaryEquals",
            Op::IpAddress => "IpAddress",
            Op::NotIpAddress => "NotIpAddress",
            Op::ArnEquals => "ArnEquals",
            Op::ArnLike => "ArnLike",
            Op::ArnNotEquals => "ArnNotEquals",
            Op::ArnNotLike => "ArnNotLike",
            Op::Null => "Null",
        }
    }

    /// A negated operator: true on a missing key, values combined with NOR (aws.md §3.2, §3.3).
    pub fn is_negated(self) -> bool {
        matches!(
            self,
            Op::StringNotEquals
                | Op::StringNotEqualsIgnoreCase
                | Op::StringNotLike
                | Op::NumericNotEquals
                | Op::DateNotEquals
                | Op::NotIpAddress
                | Op::ArnNotEquals
                | Op::ArnNotLike
        )
    }
}

/// The set operator prefixed to a condition operator for multivalued keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Qualifier {
    /// `ForAnyValue:`: some value of the key satisfies the operator (false on an empty list).
    ForAnyValue,
    /// `ForAllValues:`: every value does (true on an empty list or a missing key).
    ForAllValues,
}

impl Qualifier {
    /// As written in policy JSON, without the colon.
    pub fn name(self) -> &'static str {
        match self {
            Qualifier::ForAnyValue => "ForAnyValue",
            Qualifier::ForAllValues => "ForAllValues",
        }
    }
}

/// A full condition operator: `[ForAnyValue:|ForAllValues:]Op[IfExists]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Operator {
    /// `ForAnyValue:` / `ForAllValues:`, if any.
    pub qualifier: Option<Qualifier>,
    /// The operator itself.
    pub op: Op,
    /// `…IfExists`: true when the key is missing.
    pub if_exists: bool,
}

impl Operator {
    /// `op` without qualifier or `IfExists`.
    pub fn plain(op: Op) -> Operator {
        Operator {
            qualifier: None,
            op,
            if_exists: false,
        }
    }

    /// The operator's value on a request that lacks the key (aws.md §3.3).
    pub fn on_missing_key(self) -> bool {
        if self.op == Op::Null {
            // Decided by its value ("true" = absent), not by the operator.
            return false;
        }
        match self.qualifier {
            Some(Qualifier::ForAllValues) => true,
            Some(Qualifier::ForAnyValue) => false,
            None => self.if_exists || self.op.is_negated(),
        }
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(q) = self.qualifier {
            write!(f, "{}:", q.name())?;
        }
        f.write_str(self.op.name())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

/// `Condition`: operator → key → values. Keys are stored in the catalog's canonical spelling
/// (key names are case-insensitive, aws.md §3.1), so one key never appears twice in two cases.
pub type Condition = FlatMap<Operator, FlatMap<Name, FlatSet<Name>>>;

/// A condition from `(operator, key, values)` entries (tests, hand-built statements).
pub fn condition_of(entries: &[(Operator, &str, &[&str])]) -> Condition {
    let mut c = Condition::new();
    for &(operator, key, values) in entries {
        c.entry(operator)
            .or_default()
            .insert(key.into(), values.iter().map(|&v| v.into()).collect());
    }
    c
}

/// A shared, immutable string: an origin's file, policy and label recur in every rule and
/// statement made from one block, and statements are cloned and merged by the thousand, so
/// they share one copy (a clone is a count, not an allocation).
pub type Name = std::sync::Arc<str>;

/// One shared [`Name`] per distinct string: the statements' actions, resources, keys and
/// values repeat across thousands of statements (the same Region, key and model patterns), so
/// the lowering asks for each through one interner per compile and they share one copy.
#[derive(Debug, Default)]
pub struct Interner(std::cell::RefCell<rustc_hash::FxHashSet<Name>>);

impl Interner {
    /// The shared copy of `s`.
    pub fn name(&self, s: &str) -> Name {
        let mut set = self.0.borrow_mut();
        if let Some(n) = set.get(s) {
            return n.clone();
        }
        let n = Name::from(s);
        set.insert(n.clone());
        n
    }
}

/// Where a statement came from (the source rule): for the manifest's `sources`, `--sids`
/// and diagnostics.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    /// The source file.
    pub file: Name,
    /// The source statement.
    pub span: Span,
    /// The policy (block) it is in.
    pub policy: Name,
    /// Readable name of the source statement (`DenyModel`, `Forbid`, …).
    pub label: Name,
}

/// One IAM policy statement.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Statement {
    /// `Effect`.
    pub effect: Effect,
    /// `Action` / `NotAction`.
    pub action: Scope,
    /// `Resource` / `NotResource`.
    pub resource: Scope,
    /// `Condition`: operator → key → values.
    pub condition: Condition,
    /// Never empty after lowering; merging statements unions their origins.
    pub origins: FlatSet<Origin>,
    /// Set only with `--sids`; unique within a document.
    pub sid: Option<String>,
}

impl Statement {
    /// `Allow` `*` on `*`, without conditions or provenance: what AWS's FullAWSAccess SCP says.
    pub fn allow_all() -> Statement {
        Statement {
            effect: Effect::Allow,
            action: Scope::any(),
            resource: Scope::any(),
            condition: Condition::new(),
            origins: FlatSet::new(),
            sid: None,
        }
    }

    /// Frees the spare capacity of its lists and condition maps: a statement built one entry
    /// at a time keeps room for four of each, most of it unused, and lowered statements are
    /// kept for the whole compile (a third of their memory on a large program).
    pub fn shrink_to_fit(&mut self) {
        self.action.values.shrink_to_fit();
        self.resource.values.shrink_to_fit();
        for keys in self.condition.values_mut() {
            for values in keys.values_mut() {
                values.shrink_to_fit();
            }
            keys.shrink_to_fit();
        }
        self.condition.shrink_to_fit();
        self.origins.shrink_to_fit();
    }

    /// The statement with the same meaning but no provenance (for comparisons in passes).
    pub fn key(&self) -> (Effect, &Scope, &Scope, &Condition) {
        (self.effect, &self.action, &self.resource, &self.condition)
    }
}

/// The kind of document a policy becomes: a service control policy, a resource control
/// policy or an IAM policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PolicyKind {
    /// A service control policy (an `scp` block).
    Scp,
    /// An IAM managed policy (an `identity` block).
    Identity,
    /// A resource control policy (an `rcp` block): Deny statements with `"Principal": "*"`.
    Rcp,
}

/// One `scp`, `rcp` or `identity` block, lowered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// The block's name.
    pub name: String,
    /// What it becomes.
    pub kind: PolicyKind,
    /// The file it is declared in.
    pub file: String,
    /// The name's span.
    pub span: Span,
    /// Its statements, in source order.
    pub statements: Vec<Statement>,
    /// An SCP that holds Allow statements (an allow-list, `only models`): it stands in for
    /// FullAWSAccess on its targets, which must be detached there (aws.md §1.4).
    pub replaces_full_access: bool,
}
