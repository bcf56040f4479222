//! `govc verify`: `test` blocks evaluated against the compiled documents, with the SCP
//! semantics of aws.md §1.4 — an explicit Deny at any level denies; otherwise every level from
//! the root down to the account needs an Allow. The documents evaluated are the ones
//! `govc compile` writes (optimised and packed), plus FullAWSAccess where it stays attached and
//! the SCP of each Control Tower control on the path.

use std::collections::BTreeMap;

use crate::compile::Output;
use crate::document::{controltower, DocKind};
use crate::ir::compiled::{Prepared, StatementList};
use crate::ir::eval::{ContextValue, Request};
use crate::ir::{Effect, Scope, Statement};
use crate::rules::{Expectation, Program, TargetKind, TestBlock, TestValue};

/// Where a statement in force comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Provenance {
    /// A compiled document, by file (`scp/models.json`).
    Document(String),
    /// AWS's FullAWSAccess, attached by default (aws.md §1.4).
    FullAwsAccess,
    /// The SCP Control Tower attaches for a `control` block.
    Control(String),
}

impl Provenance {
    pub fn describe(&self) -> String {
        match self {
            Provenance::Document(f) => f.clone(),
            Provenance::FullAwsAccess => "FullAWSAccess".to_string(),
            Provenance::Control(c) => format!("control `{c}` ({})", controltower::CONTROL_ID),
        }
    }
}

/// One SCP statement in force at a level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InForce {
    pub statement: Statement,
    pub provenance: Provenance,
}

/// The SCPs attached directly to one target on the path to an account.
#[derive(Clone, Debug)]
pub struct Level {
    pub target: String,
    pub statements: Vec<InForce>,
    /// The statements compiled for evaluation, Denies and Allows apart, each with the indices
    /// of its statements in `statements`.
    denies: (StatementList, Vec<usize>),
    allows: (StatementList, Vec<usize>),
}

impl Level {
    pub fn new(target: String, statements: Vec<InForce>) -> Level {
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
    fn matching_denies(&self, r: &Prepared<'_>) -> Vec<&InForce> {
        let (list, at) = &self.denies;
        list.all_matches(r)
            .into_iter()
            .filter_map(|i| at.get(i).and_then(|&i| self.statements.get(i)))
            .collect()
    }

    /// The first matching Allow.
    fn first_allow(&self, r: &Prepared<'_>) -> Option<&InForce> {
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
pub fn levels(program: &Program, output: &Output, account: &str) -> Option<Vec<Level>> {
    let path = path(program, account)?;
    let full_access = Statement {
        effect: Effect::Allow,
        action: Scope::any(),
        resource: Scope::any(),
        condition: Default::default(),
        origins: Default::default(),
        sid: None,
    };
    Some(
        path.into_iter()
            .map(|target| {
                let mut statements = Vec::new();
                if output
                    .targets
                    .iter()
                    .find(|t| t.name == target)
                    .is_none_or(|t| t.full_aws_access)
                {
                    statements.push(InForce {
                        statement: full_access.clone(),
                        provenance: Provenance::FullAwsAccess,
                    });
                }
                for d in &output.documents {
                    if d.kind == DocKind::Scp && d.targets.contains(&target) {
                        statements.extend(d.statements.iter().map(|s| InForce {
                            statement: s.clone(),
                            provenance: Provenance::Document(d.file()),
                        }));
                    }
                }
                for c in program
                    .controls
                    .iter()
                    .filter(|c| c.targets.contains(&target))
                {
                    statements.push(InForce {
                        statement: controltower::scp(c),
                        provenance: Provenance::Control(c.name.clone()),
                    });
                }
                Level::new(target, statements)
            })
            .collect(),
    )
}

/// What the organization's SCPs decide for a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Allowed,
    /// An explicit Deny matched.
    Denied,
    /// No Allow at this level (the target's name).
    NoAllowAt(String),
}

impl Outcome {
    pub fn allowed(&self) -> bool {
        *self == Outcome::Allowed
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    pub outcome: Outcome,
    /// The statements that decided, with their level: every matching Deny when denied, one
    /// matching Allow per level when allowed.
    pub deciding: Vec<(String, InForce)>,
}

pub fn evaluate(levels: &[Level], request: &Request) -> Evaluation {
    let prepared = Prepared::new(request);
    let denies: Vec<(String, InForce)> = levels
        .iter()
        .flat_map(|l| {
            l.matching_denies(&prepared)
                .into_iter()
                .map(|s| (l.target.clone(), s.clone()))
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
            Some(s) => deciding.push((l.target.clone(), s.clone())),
            None => {
                return Evaluation {
                    outcome: Outcome::NoAllowAt(l.target.clone()),
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

/// The request an expectation describes: `in REGION` sets `aws:RequestedRegion`, the test's
/// account is `aws:PrincipalAccount`, and `with { … }` adds or overrides keys
/// (docs/language.md §13).
pub fn request(e: &Expectation, account_id: &str) -> Request {
    let mut context = BTreeMap::new();
    context.insert(
        "aws:PrincipalAccount".to_string(),
        ContextValue::One(account_id.to_string()),
    );
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
    Request {
        action: e.action.clone(),
        resource: e.resource.clone(),
        context,
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpectResult {
    /// The account the request was made for (a test on an OU runs for each account under it).
    pub account: String,
    pub expectation: Expectation,
    pub evaluation: Evaluation,
    pub passed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestResult {
    pub test: TestBlock,
    pub results: Vec<ExpectResult>,
}

impl TestResult {
    pub fn passed(&self) -> bool {
        self.results.iter().all(|r| r.passed)
    }
}

/// The accounts a test runs for: the account it names, or every account under the OU or root
/// it names (docs/language.md §13), in the organization's order.
pub fn test_accounts(program: &Program, target: &str) -> Vec<String> {
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
    program
        .tests
        .iter()
        .map(|t| {
            let mut results = Vec::new();
            for account in test_accounts(program, &t.account) {
                let Some(levels) = levels(program, output, &account) else {
                    continue;
                };
                let id = program
                    .org
                    .target(&account)
                    .map(|a| a.id.clone())
                    .unwrap_or_default();
                for e in &t.expects {
                    let evaluation = evaluate(&levels, &request(e, &id));
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

fn describe_request(e: &Expectation) -> String {
    let mut s = format!(
        "{} {} on \"{}\"",
        if e.allow { "allow" } else { "deny" },
        e.action,
        e.resource
    );
    if let Some(r) = &e.region {
        s.push_str(&format!(" in {r}"));
    }
    if !e.context.is_empty() {
        let kv: Vec<String> = e
            .context
            .iter()
            .map(|(k, v)| match v {
                TestValue::One(x) => format!("\"{k}\": {x}"),
                TestValue::Many(xs) => format!("\"{k}\": [{}]", xs.join(", ")),
            })
            .collect();
        s.push_str(&format!(" with {{ {} }}", kv.join(", ")));
    }
    s
}

/// Lines that say what decided and why, with the source lines of the deciding statements.
pub fn describe_evaluation(ev: &Evaluation, locate: Locate<'_>) -> Vec<String> {
    let mut out = Vec::new();
    match &ev.outcome {
        Outcome::Allowed => out.push("allowed: an Allow at every level, no Deny".to_string()),
        Outcome::Denied => out.push("denied by an explicit Deny".to_string()),
        Outcome::NoAllowAt(t) => out.push(format!(
            "denied: no SCP attached to `{t}` allows it (each level needs an Allow)"
        )),
    }
    for (level, s) in &ev.deciding {
        let origins: Vec<String> = s
            .statement
            .origins
            .iter()
            .map(|o| locate(&o.file, o.span))
            .collect();
        let from = if origins.is_empty() {
            String::new()
        } else {
            format!(" from {}", origins.join(", "))
        };
        out.push(format!(
            "{} at `{level}`: {}{from}",
            s.statement.effect.name(),
            s.provenance.describe()
        ));
    }
    out
}

/// The human report: a line per test, details for each failed expectation (for every
/// expectation with `explain`), and a summary.
pub fn report_human(results: &[TestResult], explain: bool, locate: Locate<'_>) -> String {
    let mut s = String::new();
    let (mut passed, mut expects, mut failed_expects) = (0, 0, 0);
    for t in results {
        expects += t.results.len();
        let ok = t.passed();
        passed += usize::from(ok);
        s.push_str(&format!(
            "test \"{}\" on {} ... {}\n",
            t.test.name,
            t.test.account,
            if ok { "ok" } else { "FAILED" }
        ));
        for r in &t.results {
            if r.passed && !explain {
                continue;
            }
            failed_expects += usize::from(!r.passed);
            let head = if r.passed { "ok" } else { "FAILED" };
            let on = if r.account == t.test.account {
                String::new()
            } else {
                format!(" (account {})", r.account)
            };
            s.push_str(&format!(
                "  {head}: {}: expect {}{on}\n",
                locate(&t.test.file, r.expectation.span),
                describe_request(&r.expectation)
            ));
            for line in describe_evaluation(&r.evaluation, locate) {
                s.push_str(&format!("      {line}\n"));
            }
        }
    }
    s.push_str(&format!(
        "\n{} tests, {} expectations: {} tests passed, {} failed ({} expectations failed)\n",
        results.len(),
        expects,
        passed,
        results.len() - passed,
        failed_expects
    ));
    s
}

/// One source ≡ JSON proof for the reports: what it was about, and why it failed (`None`:
/// proven). Built by the caller from `proof::SourceProof`.
pub type SourceLine = (String, Option<String>);

/// The machine-readable report.
pub fn report_json(results: &[TestResult], source: &[SourceLine], locate: Locate<'_>) -> String {
    use serde_json::json;
    let tests: Vec<serde_json::Value> = results
        .iter()
        .map(|t| {
            json!({
                "name": t.test.name,
                "account": t.test.account,
                "location": locate(&t.test.file, t.test.span),
                "passed": t.passed(),
                "expectations": t.results.iter().map(|r| json!({
                    "account": r.account,
                    "location": locate(&t.test.file, r.expectation.span),
                    "expect": if r.expectation.allow { "allow" } else { "deny" },
                    "action": r.expectation.action,
                    "resource": r.expectation.resource,
                    "region": r.expectation.region,
                    "passed": r.passed,
                    "decision": describe_evaluation(&r.evaluation, locate),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let source: Vec<serde_json::Value> = source
        .iter()
        .map(|(subject, failure)| {
            json!({"subject": subject, "proven": failure.is_none(), "failure": failure})
        })
        .collect();
    let v = json!({
        "tests": tests,
        "source_equivalence": source,
        "passed": results.iter().all(TestResult::passed),
    });
    let mut out = serde_json::to_string_pretty(&v).unwrap_or_default();
    out.push('\n');
    out
}

/// The equivalence section of the human report.
pub fn report_equivalence(verdicts: &[crate::equivalence::GroupVerdict]) -> String {
    use crate::equivalence::Verdict;
    let mut s = String::new();
    let proven = verdicts
        .iter()
        .filter(|v| v.verdict == Verdict::Equivalent)
        .count();
    for v in verdicts {
        match &v.verdict {
            Verdict::Equivalent => {}
            Verdict::Different {
                request,
                lowered,
                optimised,
            } => {
                s.push_str(&format!(
                    "equivalence FAILED for {}: the optimised documents decide {:?} where the lowering of {} decides {:?}\n  counterexample: {} on \"{}\" with {:?}\n",
                    v.documents.join(", "),
                    optimised,
                    v.policies.join(", "),
                    lowered,
                    request.action,
                    request.resource,
                    request.context
                ));
            }
            Verdict::Unproven { statement } => {
                s.push_str(&format!(
                    "equivalence NOT PROVEN for {}: no statement on the other side covers {}\n",
                    v.documents.join(", "),
                    crate::ir::json::statement(statement)
                ));
            }
        }
    }
    s.push_str(&format!(
        "equivalence: {proven} of {} document groups proven to decide every request as the unoptimised lowering\n",
        verdicts.len()
    ));
    s
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 has no representation for most control characters.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML for CI systems: one test case per `test` block and one per document group of
/// the equivalence check.
pub fn report_junit(
    results: &[TestResult],
    equivalence: &[crate::equivalence::GroupVerdict],
    source: &[SourceLine],
    locate: Locate<'_>,
) -> String {
    use crate::equivalence::Verdict;
    let failed_tests = results.iter().filter(|t| !t.passed()).count();
    let failed_eq = equivalence
        .iter()
        .filter(|v| v.verdict != Verdict::Equivalent)
        .count();
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let failed_source = source.iter().filter(|(_, f)| f.is_some()).count();
    s.push_str(&format!(
        "<testsuites name=\"govc verify\" tests=\"{}\" failures=\"{}\">\n",
        results.len() + equivalence.len() + source.len(),
        failed_tests + failed_eq + failed_source
    ));
    s.push_str(&format!(
        "  <testsuite name=\"tests\" tests=\"{}\" failures=\"{failed_tests}\">\n",
        results.len()
    ));
    for t in results {
        s.push_str(&format!(
            "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\">",
            xml_escape(&t.test.name),
            xml_escape(&t.test.account),
            xml_escape(&locate(&t.test.file, t.test.span))
        ));
        let failures: Vec<String> = t
            .results
            .iter()
            .filter(|r| !r.passed)
            .map(|r| {
                let mut lines = vec![format!(
                    "{}: expect {} (account {})",
                    locate(&t.test.file, r.expectation.span),
                    describe_request(&r.expectation),
                    r.account
                )];
                lines.extend(describe_evaluation(&r.evaluation, locate));
                lines.join("\n")
            })
            .collect();
        if failures.is_empty() {
            s.push_str("</testcase>\n");
        } else {
            s.push_str(&format!(
                "\n      <failure message=\"{} of {} expectations failed\">{}</failure>\n    </testcase>\n",
                failures.len(),
                t.results.len(),
                xml_escape(&failures.join("\n\n"))
            ));
        }
    }
    s.push_str("  </testsuite>\n");
    s.push_str(&format!(
        "  <testsuite name=\"equivalence\" tests=\"{}\" failures=\"{failed_eq}\">\n",
        equivalence.len()
    ));
    for v in equivalence {
        s.push_str(&format!(
            "    <testcase name=\"{}\" classname=\"equivalence\">",
            xml_escape(&v.documents.join(", "))
        ));
        if v.verdict == Verdict::Equivalent {
            s.push_str("</testcase>\n");
        } else {
            s.push_str(&format!(
                "\n      <failure message=\"not equivalent to the lowering\">{}</failure>\n    </testcase>\n",
                xml_escape(&report_equivalence(std::slice::from_ref(v)))
            ));
        }
    }
    s.push_str("  </testsuite>\n");
    s.push_str(&format!(
        "  <testsuite name=\"source\" tests=\"{}\" failures=\"{failed_source}\">\n",
        source.len()
    ));
    for (subject, failure) in source {
        s.push_str(&format!(
            "    <testcase name=\"{}\" classname=\"source\">",
            xml_escape(subject)
        ));
        match failure {
            None => s.push_str("</testcase>\n"),
            Some(f) => s.push_str(&format!(
                "\n      <failure message=\"the compiled JSON does not decide as the source means\">{}</failure>\n    </testcase>\n",
                xml_escape(f)
            )),
        }
    }
    s.push_str("  </testsuite>\n</testsuites>\n");
    s
}

/// Whether the organization allows the request: `evaluate` without collecting the deciding
/// statements (for throughput; same semantics).
pub fn allowed(levels: &[Level], request: &Request) -> bool {
    let p = Prepared::new(request);
    let denied = levels.iter().any(|l| l.denies.0.any_matches(&p));
    !denied && levels.iter().all(|l| l.allows.0.any_matches(&p))
}
