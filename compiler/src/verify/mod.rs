//! `govc verify`: `test` blocks evaluated against the compiled documents, with the SCP
//! semantics of aws.md §1.4 — an explicit Deny at any level denies; otherwise every level from
//! the root down to the account needs an Allow. The documents evaluated are the ones
//! `govc compile` writes (optimised and packed), plus FullAWSAccess where it stays attached and
//! the SCP of each Control Tower control on the path.

mod github;
mod human;
pub mod json;
mod junit;
mod sarif;

// The report writers, one module per format, apart from the engine.
pub use github::{report_github, LineCol};
pub use human::{describe_evaluation, report_equivalence, report_human};
pub use json::report_json;
pub use junit::report_junit;
pub use sarif::report_sarif;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::compile::Output;
use crate::document::{controltower, DocKind};
use crate::ir::compiled::{Prepared, StatementList};
use crate::ir::eval::{ContextValue, Request};
use crate::ir::{Effect, Statement};
use crate::rules::{Expectation, Program, TargetKind, TestBlock, TestValue};

/// Where a statement in force comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Provenance {
    /// A compiled document, by file (`scp/models.json`).
    Document(String),
    /// AWS's FullAWSAccess, attached by default (aws.md §1.4).
    FullAwsAccess,
    /// AWS's RCPFullAWSAccess, attached to every target and impossible to detach (aws.md §1.5).
    RcpFullAwsAccess,
    /// The SCP Control Tower attaches for a `control` block.
    Control(String),
}

impl Provenance {
    /// Where it comes from, for reports: the document's file, `FullAWSAccess`, or the control.
    pub fn describe(&self) -> String {
        match self {
            Provenance::Document(f) => f.clone(),
            Provenance::FullAwsAccess => "FullAWSAccess".to_string(),
            Provenance::RcpFullAwsAccess => "RCPFullAWSAccess".to_string(),
            Provenance::Control(c) => format!("control `{c}` ({})", controltower::CONTROL_ID),
        }
    }
}

/// One SCP statement in force at a level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InForce {
    /// The IAM statement.
    pub statement: Statement,
    /// The document, FullAWSAccess, or control SCP it belongs to.
    pub provenance: Provenance,
}

/// The SCPs attached directly to one target on the path to an account.
#[derive(Clone, Debug)]
pub struct Level {
    /// Shared with every evaluation that names the level.
    pub target: Arc<str>,
    /// Shared with every evaluation they decide: an evaluation holds references, not copies.
    pub statements: Vec<Arc<InForce>>,
    /// The statements compiled for evaluation, Denies and Allows apart, each with the indices
    /// of its statements in `statements`.
    denies: (StatementList, Vec<usize>),
    allows: (StatementList, Vec<usize>),
}

impl Level {
    /// The level of `target` with these statements, compiled once for every evaluation.
    pub fn new(target: String, statements: Vec<InForce>) -> Level {
        let target: Arc<str> = Arc::from(target);
        let statements: Vec<Arc<InForce>> = statements.into_iter().map(Arc::new).collect();
        let of = |effect: Effect| {
            let at: Vec<usize> = (0..statements.len())
                .filter(|&i| {
                    statements
                        .get(i)
                        .is_some_and(|s| s.statement.effect == effect)
                })
                .collect();
            let list = StatementList::new(
                at.iter()
                    .filter_map(|&i| statements.get(i))
                    .map(|s| &s.statement),
            );
            (list, at)
        };
        let (denies, allows) = (of(Effect::Deny), of(Effect::Allow));
        Level {
            target,
            statements,
            denies,
            allows,
        }
    }

    /// The matching Denies, in order.
    fn matching_denies(&self, r: &Prepared<'_>) -> Vec<&Arc<InForce>> {
        let (list, at) = &self.denies;
        list.all_matches(r)
            .into_iter()
            .filter_map(|i| at.get(i).and_then(|&i| self.statements.get(i)))
            .collect()
    }

    /// The first matching Allow.
    fn first_allow(&self, r: &Prepared<'_>) -> Option<&Arc<InForce>> {
        let (list, at) = &self.allows;
        list.first_match(r)
            .and_then(|i| at.get(i))
            .and_then(|&i| self.statements.get(i))
    }
}

/// The compiled statements follow from `statements`.
impl PartialEq for Level {
    fn eq(&self, other: &Level) -> bool {
        self.target == other.target && self.statements == other.statements
    }
}

impl Eq for Level {}

/// The targets from the root down to `account` (its name included), or `None` when `account`
/// is not an account of the organization.
pub fn path(program: &Program, account: &str) -> Option<Vec<String>> {
    let org = &program.org;
    let acct = org
        .target(account)
        .filter(|t| t.kind == TargetKind::Account)?;
    let mut path = vec![acct.name.clone()];
    let mut parent = acct.parent.clone();
    // The checker rejects cycles; the bound keeps this total anyway.
    while let Some(p) = parent.take() {
        if path.len() > org.targets.len() {
            break;
        }
        path.push(p.clone());
        parent = org.target(&p).and_then(|t| t.parent.clone());
    }
    if let Some(root) = org.targets.iter().find(|t| t.kind == TargetKind::Root) {
        path.push(root.name.clone());
    }
    path.reverse();
    Some(path)
}

/// The levels from the root down to `account` (by name); `None` if it is not an account.
/// Indexes the output first: to build the levels of many accounts, make one [`Levels`].
pub fn levels(program: &Program, output: &Output, account: &str) -> Option<Vec<Level>> {
    Levels::new(program, output).of(account)
}

/// What is in force at each target, indexed once so that the levels of every account cost the
/// length of its path, not the size of the organization.
pub struct Levels<'a> {
    program: &'a Program,
    /// Targets where an allow-list replaces FullAWSAccess.
    without_full_access: std::collections::HashSet<&'a str>,
    /// Target → the SCP documents attached to it, in output order.
    documents: std::collections::HashMap<&'a str, Vec<&'a crate::document::Document>>,
    /// Target → the RCP documents attached to it, in output order.
    rcps: std::collections::HashMap<&'a str, Vec<&'a crate::document::Document>>,
    /// Target → the controls enabled on it, in program order.
    controls: std::collections::HashMap<&'a str, Vec<&'a crate::rules::Control>>,
}

impl<'a> Levels<'a> {
    /// Indexes `output`'s SCP documents and `program`'s controls by target.
    pub fn new(program: &'a Program, output: &'a Output) -> Levels<'a> {
        let without_full_access = output
            .targets
            .iter()
            .filter(|t| !t.full_aws_access)
            .map(|t| t.name.as_str())
            .collect();
        let mut documents: std::collections::HashMap<&str, Vec<_>> = Default::default();
        let mut rcps: std::collections::HashMap<&str, Vec<_>> = Default::default();
        for d in &output.documents {
            let index = match d.kind {
                DocKind::Scp => &mut documents,
                DocKind::Rcp => &mut rcps,
                _ => continue,
            };
            for t in &d.targets {
                let at: &mut Vec<&crate::document::Document> = index.entry(t.as_str()).or_default();
                if !at.iter().any(|x| std::ptr::eq(*x, d)) {
                    at.push(d);
                }
            }
        }
        let mut controls: std::collections::HashMap<&str, Vec<_>> = Default::default();
        for c in &program.controls {
            for t in &c.targets {
                let at: &mut Vec<&crate::rules::Control> = controls.entry(t.as_str()).or_default();
                // A control naming a target twice is in force there once.
                if !at.iter().any(|x| std::ptr::eq(*x, c)) {
                    at.push(c);
                }
            }
        }
        Levels {
            program,
            without_full_access,
            documents,
            rcps,
            controls,
        }
    }

    /// The RCP documents attached at `target`, as files: with RCPFullAWSAccess, which is at
    /// every level, they are what decides there. Two targets with the same key have the same
    /// RCP level but for its name.
    pub fn rcp_key(&self, target: &str) -> Vec<String> {
        self.rcps
            .get(target)
            .map(|ds| ds.iter().map(|d| d.file()).collect())
            .unwrap_or_default()
    }

    /// The RCP levels from the root down to `account` (the RCPs that guard the account's
    /// resources); `None` if it is not an account.
    pub fn rcp_of(&self, account: &str) -> Option<Vec<Level>> {
        let path = path(self.program, account)?;
        Some(path.into_iter().map(|t| self.rcp_level(t)).collect())
    }

    /// The RCP level of one target: RCPFullAWSAccess and the RCP documents attached there.
    pub(crate) fn rcp_level(&self, target: String) -> Level {
        let mut statements = vec![InForce {
            statement: Statement::allow_all(),
            provenance: Provenance::RcpFullAwsAccess,
        }];
        for d in self.rcps.get(target.as_str()).into_iter().flatten() {
            statements.extend(d.statements.iter().map(|s| InForce {
                statement: s.clone(),
                provenance: Provenance::Document(d.file()),
            }));
        }
        Level::new(target, statements)
    }

    /// What decides at `target`, as names: whether FullAWSAccess stays, the documents'
    /// files and the controls. Two targets with the same key have the same level but for its
    /// name.
    pub fn key(&self, target: &str) -> (bool, Vec<String>, Vec<String>) {
        (
            !self.without_full_access.contains(target),
            self.documents
                .get(target)
                .map(|ds| ds.iter().map(|d| d.file()).collect())
                .unwrap_or_default(),
            self.controls
                .get(target)
                .map(|cs| cs.iter().map(|c| c.name.clone()).collect())
                .unwrap_or_default(),
        )
    }

    /// The levels from the root down to `account`; `None` if it is not an account.
    pub fn of(&self, account: &str) -> Option<Vec<Level>> {
        let path = path(self.program, account)?;
        Some(path.into_iter().map(|t| self.level(t)).collect())
    }

    /// The level of one target.
    pub(crate) fn level(&self, target: String) -> Level {
        let mut statements = Vec::new();
        if !self.without_full_access.contains(target.as_str()) {
            statements.push(InForce {
                statement: Statement::allow_all(),
                provenance: Provenance::FullAwsAccess,
            });
        }
        for d in self.documents.get(target.as_str()).into_iter().flatten() {
            statements.extend(d.statements.iter().map(|s| InForce {
                statement: s.clone(),
                provenance: Provenance::Document(d.file()),
            }));
        }
        for c in self.controls.get(target.as_str()).into_iter().flatten() {
            statements.push(InForce {
                statement: controltower::scp(c),
                provenance: Provenance::Control(c.name.clone()),
            });
        }
        Level::new(target, statements)
    }
}

/// The accounts (by name) whose policies decide a request made in a test on `account`: the
/// principal's, by `aws:PrincipalAccount` (a test sets it to the tested account unless `with`
/// says otherwise), and the resource owner's, by `aws:ResourceAccount`, or when the request
/// does not carry it the account the resource's ARN names, or else the tested account. `None` for an account id the organization does not
/// declare: its principal or resource is outside the organization, and no SCP (or RCP) of it
/// applies. docs/semantics.md, "Whose policies decide".
pub fn parties(
    program: &Program,
    account: &str,
    request: &Request,
) -> (Option<String>, Option<String>) {
    let by_id = |key: &str| -> Option<Option<String>> {
        let (_, v) = request
            .context
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))?;
        let id = match v {
            ContextValue::One(id) => id.as_str(),
            // A multivalued account key names no one account.
            ContextValue::Many(_) => return Some(None),
        };
        Some(
            program
                .org
                .targets
                .iter()
                .find(|t| t.kind == TargetKind::Account && t.id == id)
                .map(|t| t.name.clone()),
        )
    };
    let tested = || {
        program
            .org
            .target(account)
            .filter(|t| t.kind == TargetKind::Account)
            .map(|t| t.name.clone())
    };
    let principal = by_id("aws:PrincipalAccount").unwrap_or_else(tested);
    // The owner: `aws:ResourceAccount`, else the account an ARN names (a KMS key's, a role's;
    // an S3 ARN names none), else the tested account.
    let in_arn = request
        .resource
        .split(':')
        .nth(4)
        .filter(|a| crate::check::values::is_account_id(a));
    let resource = by_id("aws:ResourceAccount").unwrap_or_else(|| match in_arn {
        Some(id) => program
            .org
            .targets
            .iter()
            .find(|t| t.kind == TargetKind::Account && t.id == id)
            .map(|t| t.name.clone()),
        None => tested(),
    });
    (principal, resource)
}

/// What decides a request: the SCP levels of the principal's account and the RCP levels of
/// the resource's account, each absent when that party is outside the organization.
#[derive(Clone, Debug, Default)]
pub struct Layers {
    /// SCPs, from the root down to the principal's account.
    pub scp: Option<Arc<Vec<Level>>>,
    /// RCPs, from the root down to the resource's account.
    pub rcp: Option<Arc<Vec<Level>>>,
}

/// The layers of many requests, each account's levels built once (a test on an OU runs
/// every expectation for every account under it; the levels of an account are the same for
/// all of them).
pub struct LayerCache<'a> {
    index: Levels<'a>,
    scp: HashMap<String, Option<Arc<Vec<Level>>>>,
    rcp: HashMap<String, Option<Arc<Vec<Level>>>>,
}

impl<'a> LayerCache<'a> {
    /// An empty cache over the indexed output.
    pub fn new(index: Levels<'a>) -> LayerCache<'a> {
        LayerCache {
            index,
            scp: HashMap::new(),
            rcp: HashMap::new(),
        }
    }

    /// The layers that decide `request` when made in a test on `account` (by name): the SCP
    /// levels of the principal's account and the RCP levels of the resource's account
    /// (docs/semantics.md, "Resource control policies"), each account's levels built at most
    /// once.
    pub fn layers(&mut self, account: &str, request: &Request) -> Layers {
        let (principal, resource) = parties(self.index.program, account, request);
        let index = &self.index;
        let scp = principal.and_then(|a| {
            self.scp
                .entry(a.clone())
                .or_insert_with(|| index.of(&a).map(Arc::new))
                .clone()
        });
        let rcp = resource.and_then(|a| {
            self.rcp
                .entry(a.clone())
                .or_insert_with(|| index.rcp_of(&a).map(Arc::new))
                .clone()
        });
        Layers { scp, rcp }
    }
}

impl Layers {
    /// Decides the request: the SCPs first (aws.md §1.4), then the RCPs, which deny like SCPs
    /// and always have RCPFullAWSAccess's Allow (aws.md §1.5). Allowed only when both allow.
    pub fn evaluate(&self, request: &Request) -> Evaluation {
        let mut deciding = Vec::new();
        for levels in [&self.scp, &self.rcp].into_iter().flatten() {
            let e = evaluate(levels.as_slice(), request);
            if !e.outcome.allowed() {
                return e;
            }
            deciding.extend(e.deciding);
        }
        Evaluation {
            outcome: Outcome::Allowed,
            deciding,
        }
    }

    /// Whether both layers allow the request (`evaluate` without the deciding statements).
    pub fn allowed(&self, request: &Request) -> bool {
        [&self.scp, &self.rcp]
            .into_iter()
            .flatten()
            .all(|levels| allowed(levels.as_slice(), request))
    }
}

/// What the organization's SCPs decide for a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every level has an Allow that matches, and no Deny matches.
    Allowed,
    /// An explicit Deny matched.
    Denied,
    /// No Allow at this level (the target's name).
    NoAllowAt(String),
}

impl Outcome {
    /// Whether the request is allowed.
    pub fn allowed(&self) -> bool {
        *self == Outcome::Allowed
    }
}

/// The outcome of one request, with the statements that decided it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    /// Allowed, denied, or missing an Allow at some level.
    pub outcome: Outcome,
    /// The statements that decided, with their level: every matching Deny when denied, one
    /// matching Allow per level when allowed. References into the levels evaluated (shared,
    /// not copied: a report of 100,000 expectations holds no statement twice).
    pub deciding: Vec<(Arc<str>, Arc<InForce>)>,
}

/// Decides a request against the levels from the root down to the account (aws.md §1.4): any
/// matching Deny denies; otherwise every level needs a matching Allow.
pub fn evaluate(levels: &[Level], request: &Request) -> Evaluation {
    let prepared = Prepared::new(request);
    let denies: Vec<(Arc<str>, Arc<InForce>)> = levels
        .iter()
        .flat_map(|l| {
            l.matching_denies(&prepared)
                .into_iter()
                .map(|s| (Arc::clone(&l.target), Arc::clone(s)))
        })
        .collect();
    if !denies.is_empty() {
        return Evaluation {
            outcome: Outcome::Denied,
            deciding: denies,
        };
    }
    let mut deciding = Vec::new();
    for l in levels {
        match l.first_allow(&prepared) {
            Some(s) => deciding.push((Arc::clone(&l.target), Arc::clone(s))),
            None => {
                return Evaluation {
                    outcome: Outcome::NoAllowAt(l.target.to_string()),
                    deciding,
                }
            }
        }
    }
    Evaluation {
        outcome: Outcome::Allowed,
        deciding,
    }
}

/// The keys AWS puts in the context of every request a principal of an account makes
/// directly, with their values for such a request (IAM User Guide, "AWS global condition
/// context keys", each key's "Availability"): made over TLS, by an IAM principal rather than a
/// service principal, not through another service. A test's request carries them unless its
/// `with` says otherwise (docs/language.md §13).
pub const TEST_DEFAULTS: [(&str, &str); 3] = [
    ("aws:SecureTransport", "true"),
    ("aws:PrincipalIsAWSService", "false"),
    ("aws:ViaAWSService", "false"),
];

/// The request an expectation describes, for a principal of the account with id
/// `account_id`: `in REGION` sets `aws:RequestedRegion`, the account is `aws:PrincipalAccount`,
/// the keys of [`TEST_DEFAULTS`] have their values, and `with { … }` adds or overrides keys
/// (docs/language.md §13). When the organization declares its id and the principal's account
/// (after `with`) is one of its accounts, `aws:PrincipalOrgID` is that id unless `with` gives
/// it.
pub fn request(program: &Program, e: &Expectation, account_id: &str) -> Request {
    let mut context = BTreeMap::new();
    context.insert(
        "aws:PrincipalAccount".to_string(),
        ContextValue::One(account_id.to_string()),
    );
    for (k, v) in TEST_DEFAULTS {
        context.insert(k.to_string(), ContextValue::One(v.to_string()));
    }
    if let Some(r) = &e.region {
        context.insert(
            "aws:RequestedRegion".to_string(),
            ContextValue::One(r.clone()),
        );
    }
    for (k, v) in &e.context {
        // Keys are case-insensitive (aws.md §3.1): a `with` key replaces any spelling of it.
        context.retain(|existing: &String, _| !existing.eq_ignore_ascii_case(k));
        let v = match v {
            TestValue::One(s) => ContextValue::One(s.clone()),
            TestValue::Many(vs) => ContextValue::Many(vs.clone()),
        };
        context.insert(k.clone(), v);
    }
    if let Some(org) = &program.org.id {
        let has = |key: &str| context.keys().any(|k| k.eq_ignore_ascii_case(key));
        let member = context
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("aws:PrincipalAccount"))
            .is_some_and(|(_, v)| {
                matches!(v, ContextValue::One(id) if program
                    .org
                    .targets
                    .iter()
                    .any(|t| t.kind == TargetKind::Account && &t.id == id))
            });
        if member && !has("aws:PrincipalOrgID") {
            context.insert(
                "aws:PrincipalOrgID".to_string(),
                ContextValue::One(org.clone()),
            );
        }
    }
    Request {
        action: e.action.clone(),
        resource: e.resource.clone(),
        context,
    }
}

/// One expectation of a test, evaluated for one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpectResult {
    /// The account the request was made for (a test on an OU runs for each account under it).
    pub account: String,
    /// The expectation as written.
    pub expectation: Expectation,
    /// What the compiled SCPs decide for its request.
    pub evaluation: Evaluation,
    /// Whether the decision is the one expected.
    pub passed: bool,
}

/// A `test` block and the result of each of its expectations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestResult {
    /// The test as written.
    pub test: TestBlock,
    /// For each account the test runs for, in order, a result per expectation.
    pub results: Vec<ExpectResult>,
}

impl TestResult {
    /// Whether every expectation passed.
    pub fn passed(&self) -> bool {
        self.results.iter().all(|r| r.passed)
    }
}

/// The accounts a test runs for: the account it names, or every account under the OU or root
/// it names (docs/language.md §13), in the organization's order.
pub(crate) fn test_accounts(program: &Program, target: &str) -> Vec<String> {
    let org = &program.org;
    match org.target(target).map(|t| t.kind) {
        Some(TargetKind::Account) => vec![target.to_string()],
        Some(_) => org
            .targets
            .iter()
            .filter(|t| t.kind == TargetKind::Account)
            .filter(|t| path(program, &t.name).is_some_and(|p| p.iter().any(|x| x == target)))
            .map(|t| t.name.clone())
            .collect(),
        None => Vec::new(),
    }
}

/// Runs every `test` block of the program against the compiled output.
pub fn run(program: &Program, output: &Output) -> Vec<TestResult> {
    let mut cache = LayerCache::new(Levels::new(program, output));
    program
        .tests
        .iter()
        .map(|t| {
            let mut results = Vec::new();
            for account in test_accounts(program, &t.account) {
                let id = program
                    .org
                    .target(&account)
                    .map(|a| a.id.clone())
                    .unwrap_or_default();
                for e in &t.expects {
                    let request = request(program, e, &id);
                    let evaluation = cache.layers(&account, &request).evaluate(&request);
                    results.push(ExpectResult {
                        account: account.clone(),
                        passed: evaluation.outcome.allowed() == e.allow,
                        expectation: e.clone(),
                        evaluation,
                    });
                }
            }
            TestResult {
                test: t.clone(),
                results,
            }
        })
        .collect()
}

/// `file:line:col` of a source span; the caller knows the texts.
pub type Locate<'a> = &'a dyn Fn(&str, crate::syntax::Span) -> String;

/// One source ≡ JSON proof for the reports: what it was about, and why it failed (`None`:
/// proven). Built by the caller from `proof::SourceProof`.
pub type SourceLine = (String, Option<String>);

/// Whether the organization allows the request: `evaluate` without collecting the deciding
/// statements (for throughput; same semantics).
pub fn allowed(levels: &[Level], request: &Request) -> bool {
    let p = Prepared::new(request);
    let denied = levels.iter().any(|l| l.denies.0.any_matches(&p));
    !denied && levels.iter().all(|l| l.allows.0.any_matches(&p))
}
