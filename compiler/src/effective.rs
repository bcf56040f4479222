//! The effective `BEDROCK_POLICY` of an account: the documents attached from the root down to
//! the account merged by the inheritance operators of the management policy types (aws.md §2.2;
//! AWS doc "Policy syntax and inheritance for management policy types",
//! `orgs_manage_policies_inheritance_mgmt`, sections "Inheritance operators" and "Policy
//! inheritance examples").
//!
//! - `@@assign` replaces the inherited value (a scalar or a whole list), or adds the key;
//! - `@@append` adds list values to the inherited list (lists only);
//! - `@@remove` takes list values out of the inherited list (lists only);
//! - `@@operators_allowed_for_child_policies` (`["@@all"]`, `["@@none"]`, or some of the three)
//!   on a node limits what policies attached *below* its target may do to that node and
//!   everything under it; an operation it does not allow is ignored, which is reported as a
//!   [`Note`]. Restrictions only narrow: a child cannot reverse them, and two at the same
//!   target intersect (example 5);
//! - policies attached to the same target merge in attachment order, and when two set the same
//!   key the first attached wins (example 6): a later `@@assign` of a key an earlier policy at
//!   that target already set is ignored, also reported.
//!
//! The result is shown as AWS shows an effective policy: operators stripped, keys a `@@remove`
//! emptied left out (example 3).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::compile::Output;
use crate::diagnostics::{Code, Diagnostic};
use crate::document::DocKind;
use crate::rules::Program;
use crate::syntax::Span;

const CHILD_OPERATORS: &str = "@@operators_allowed_for_child_policies";

/// A value-setting operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Op {
    /// `@@assign`: replaces the inherited value, or adds the key.
    Assign,
    /// `@@append`: adds values to the inherited list.
    Append,
    /// `@@remove`: takes values out of the inherited list.
    Remove,
}

impl Op {
    /// In the order they are applied when one key has several.
    pub const ALL: [Op; 3] = [Op::Assign, Op::Append, Op::Remove];

    /// The operator as a policy writes it: `@@assign`, `@@append` or `@@remove`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Op::Assign => "@@assign",
            Op::Append => "@@append",
            Op::Remove => "@@remove",
        }
    }

    fn parse(s: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// One attached BEDROCK_POLICY document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// The policy's name (the guardrail block's).
    pub name: String,
    /// Where diagnostics point: the document's path (`bedrock/NAME.json`).
    pub file: String,
    /// The JSON text.
    pub text: String,
}

impl Policy {
    /// A policy from a JSON value (its file is its name).
    pub fn from_value(name: &str, content: &Value) -> Policy {
        Policy {
            name: name.to_string(),
            file: name.to_string(),
            text: content.to_string(),
        }
    }
}

/// The policies attached directly to one target, in attachment order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Level {
    /// The target's name in `org`.
    pub target: String,
    /// Its BEDROCK_POLICY documents, in attachment order.
    pub policies: Vec<Policy>,
}

/// An operation of some policy that did not reach the effective policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The policy whose operation it was.
    pub policy: String,
    /// The target the policy is attached to.
    pub target: String,
    /// The key the operation sets, from the document's top.
    pub path: Vec<String>,
    /// Why the operation did not take effect.
    pub kind: NoteKind,
}

/// Why an operation did not reach the effective policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoteKind {
    /// A parent's `@@operators_allowed_for_child_policies` does not allow the operator here.
    Refused {
        /// The operator that was ignored.
        operator: Op,
        /// The operators allowed at `path` (all restrictions on it intersected).
        allowed: Vec<Op>,
        /// The restriction that excludes the operator: its policy, target and node.
        by_policy: String,
        /// The target the restricting policy is attached to.
        by_target: String,
        /// The node the restriction is declared on, from the document's top.
        at: Vec<String>,
    },
    /// A policy attached earlier to the same target set the key; the first one wins.
    Conflict {
        /// The operator that was ignored.
        operator: Op,
        /// The policy attached earlier that set the key.
        kept: String,
    },
    /// `@@remove` left the list empty; the effective policy has no such key.
    Emptied,
}

impl Note {
    /// The note as one sentence, for `govc effective` and the `message` of its JSON.
    pub(crate) fn describe(&self) -> String {
        let path = self.path.join(".");
        let who = format!("`{}` (attached to `{}`)", self.policy, self.target);
        match &self.kind {
            NoteKind::Refused {
                operator,
                allowed,
                by_policy,
                by_target,
                at,
            } => format!(
                "{} of `{path}` by {who} ignored: `{by_policy}` (attached to `{by_target}`) allows child policies {} at `{}`",
                operator.as_str(),
                ops_list(allowed),
                at.join("."),
            ),
            NoteKind::Conflict { operator, kept } => format!(
                "{} of `{path}` by {who} ignored: `{kept}`, attached to the same target earlier, already sets it",
                operator.as_str()
            ),
            NoteKind::Emptied => {
                format!("`{path}` emptied by @@remove in {who}: the effective policy leaves it out")
            }
        }
    }

    fn to_json(&self) -> Value {
        let mut o = Map::new();
        let (kind, extra) = match &self.kind {
            NoteKind::Refused {
                operator,
                allowed,
                by_policy,
                by_target,
                at,
            } => (
                "refused",
                vec![
                    ("operator", Value::from(operator.as_str())),
                    (
                        "allowed",
                        Value::from(allowed.iter().map(|o| o.as_str()).collect::<Vec<_>>()),
                    ),
                    (
                        "restricted_by",
                        serde_json::json!({
                            "policy": by_policy, "target": by_target, "path": at.join(".")
                        }),
                    ),
                ],
            ),
            NoteKind::Conflict { operator, kept } => (
                "conflict",
                vec![
                    ("operator", Value::from(operator.as_str())),
                    ("kept", Value::from(kept.as_str())),
                ],
            ),
            NoteKind::Emptied => ("emptied", vec![]),
        };
        o.insert("kind".into(), kind.into());
        o.insert("policy".into(), self.policy.clone().into());
        o.insert("target".into(), self.target.clone().into());
        o.insert("path".into(), self.path.join(".").into());
        for (k, v) in extra {
            o.insert(k.into(), v);
        }
        o.insert("message".into(), self.describe().into());
        Value::Object(o)
    }
}

fn ops_list(ops: &[Op]) -> String {
    if ops.is_empty() {
        "no operator (@@none)".to_string()
    } else {
        ops.iter()
            .map(|o| o.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The merged policy and what did not make it in.
#[derive(Clone, Debug, PartialEq)]
pub struct Effective {
    /// Operator-free, as AWS shows an effective policy; `{}` when nothing is attached.
    pub policy: Value,
    /// The operations that did not take effect, in the order they were met.
    pub notes: Vec<Note>,
}

/// One guardrail configuration of the effective policy.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Config<'a> {
    pub region: &'a str,
    pub name: &'a str,
    pub settings: &'a Map<String, Value>,
}

impl Config<'_> {
    pub(crate) fn identifier(&self) -> Option<&str> {
        self.settings.get("identifier").and_then(Value::as_str)
    }

    /// Whether the configuration guards `model` (a base model id): `None` when the model lists
    /// are not lists. Without `included_models` every model is guarded; a model in both lists
    /// is excluded (aws.md §2.1).
    pub(crate) fn guards(&self, model: &str) -> Option<bool> {
        let me = self.settings.get("model_enforcement");
        let list = |key: &str| -> Option<Option<&Vec<Value>>> {
            match me.and_then(|m| m.get(key)) {
                None => Some(None),
                Some(Value::Array(a)) => Some(Some(a)),
                Some(_) => None,
            }
        };
        let has = |l: &Vec<Value>, v: &str| l.iter().any(|x| x.as_str() == Some(v));
        let included = match list("included_models")? {
            None => true,
            Some(l) => has(l, "ALL") || has(l, model),
        };
        let excluded = list("excluded_models")?.is_some_and(|l| has(l, model));
        Some(included && !excluded)
    }
}

impl Effective {
    /// The configurations under `bedrock.guardrail_inference`, by Region then name.
    pub(crate) fn configs(&self) -> Vec<Config<'_>> {
        let mut out = Vec::new();
        let regions = self
            .policy
            .get("bedrock")
            .and_then(|b| b.get("guardrail_inference"))
            .and_then(Value::as_object);
        for (region, configs) in regions.into_iter().flatten() {
            for (name, settings) in configs.as_object().into_iter().flatten() {
                if let Some(settings) = settings.as_object() {
                    out.push(Config {
                        region,
                        name,
                        settings,
                    });
                }
            }
        }
        out
    }

    /// The configurations of one Region, by name.
    pub(crate) fn in_region(&self, region: &str) -> Vec<Config<'_>> {
        self.configs()
            .into_iter()
            .filter(|c| c.region == region)
            .collect()
    }
}

/// A restriction from `@@operators_allowed_for_child_policies`.
struct Restriction {
    path: Vec<String>,
    allowed: Vec<Op>,
    policy: String,
    target: String,
}

/// One key of a document that carries value-setting operators.
struct Setting<'a> {
    path: Vec<String>,
    ops: Vec<(Op, &'a Value)>,
}

/// Merges the levels, root first. `Err` for a document that is not JSON, not of the shape of
/// a management policy, or that cannot merge with what it inherits (E0500).
pub fn effective(levels: &[Level]) -> Result<Effective, Box<Diagnostic>> {
    let mut tree = Map::new();
    let mut notes = Vec::new();
    let mut restrictions: Vec<Restriction> = Vec::new();
    for level in levels {
        // Restrictions bind the targets below, not other policies on the same target.
        let mut declared = Vec::new();
        // Key → the policy at this target that set it first.
        let mut set_here: BTreeMap<Vec<String>, String> = BTreeMap::new();
        for policy in &level.policies {
            let value: Value = serde_json::from_str(&policy.text).map_err(|e| {
                let at = offset(&policy.text, e.line(), e.column());
                malformed(policy, Span::new(at, at), format!("not valid JSON: {e}"))
            })?;
            let Value::Object(top) = &value else {
                return Err(malformed(
                    policy,
                    whole(&policy.text),
                    "a policy document must be a JSON object".into(),
                ));
            };
            let mut settings = Vec::new();
            walk(
                policy,
                &level.target,
                top,
                &mut Vec::new(),
                &mut settings,
                &mut declared,
            )?;
            for s in settings {
                apply(
                    &mut tree,
                    &mut notes,
                    &restrictions,
                    &mut set_here,
                    policy,
                    &level.target,
                    s,
                )?;
            }
        }
        restrictions.extend(declared);
    }
    prune(&mut tree);
    Ok(Effective {
        policy: Value::Object(tree),
        notes,
    })
}

/// Collects the settings and restrictions of one document node.
fn walk<'a>(
    policy: &Policy,
    target: &str,
    node: &'a Map<String, Value>,
    path: &mut Vec<String>,
    settings: &mut Vec<Setting<'a>>,
    declared: &mut Vec<Restriction>,
) -> Result<(), Box<Diagnostic>> {
    let mut ops = Vec::new();
    let mut keys = Vec::new();
    for (key, value) in node {
        if key == CHILD_OPERATORS {
            let allowed = child_operators(value).ok_or_else(|| {
                malformed(
                    policy,
                    locate(&policy.text, path, Some(key)),
                    format!(
                        "`{CHILD_OPERATORS}` at `{}` must be [\"@@all\"], [\"@@none\"], or a list of @@assign, @@append, @@remove",
                        dotted(path)
                    ),
                )
            })?;
            declared.push(Restriction {
                path: path.clone(),
                allowed,
                policy: policy.name.clone(),
                target: target.to_string(),
            });
        } else if let Some(op) = Op::parse(key) {
            ops.push((op, value));
        } else if key.starts_with("@@") {
            return Err(malformed(
                policy,
                locate(&policy.text, path, Some(key)),
                format!("unknown inheritance operator `{key}` at `{}`", dotted(path)),
            ));
        } else {
            keys.push((key, value));
        }
    }
    if !ops.is_empty() && !keys.is_empty() {
        return Err(malformed(
            policy,
            locate(&policy.text, path, None),
            format!(
                "`{}` has both a value operator and keys under it; a key is either a setting or a group of settings",
                dotted(path)
            ),
        ));
    }
    if !ops.is_empty() && path.is_empty() {
        return Err(malformed(
            policy,
            whole(&policy.text),
            "a value operator at the top of the document; settings sit under named keys".into(),
        ));
    }
    if !ops.is_empty() {
        ops.sort_by_key(|(op, _)| *op);
        settings.push(Setting {
            path: path.clone(),
            ops,
        });
        return Ok(());
    }
    for (key, value) in keys {
        path.push(key.clone());
        let Value::Object(child) = value else {
            return Err(malformed(
                policy,
                locate(&policy.text, path, None),
                format!(
                    "`{}` is a bare value; in a policy every value is written with an operator, e.g. {{\"@@assign\": …}}",
                    dotted(path)
                ),
            ));
        };
        walk(policy, target, child, path, settings, declared)?;
        path.pop();
    }
    Ok(())
}

/// `["@@all"]`, `["@@none"]` or a non-empty list of value-setting operators.
fn child_operators(v: &Value) -> Option<Vec<Op>> {
    let items: Vec<&str> = v
        .as_array()?
        .iter()
        .map(Value::as_str)
        .collect::<Option<_>>()?;
    match items.as_slice() {
        ["@@all"] => Some(Op::ALL.to_vec()),
        ["@@none"] => Some(Vec::new()),
        [] => None,
        _ => {
            let mut ops: Vec<Op> = items.iter().map(|s| Op::parse(s)).collect::<Option<_>>()?;
            ops.sort();
            ops.dedup();
            Some(ops)
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn apply(
    tree: &mut Map<String, Value>,
    notes: &mut Vec<Note>,
    restrictions: &[Restriction],
    set_here: &mut BTreeMap<Vec<String>, String>,
    policy: &Policy,
    target: &str,
    setting: Setting<'_>,
) -> Result<(), Box<Diagnostic>> {
    let path = setting.path;
    let note = |kind| Note {
        policy: policy.name.clone(),
        target: target.to_string(),
        path: path.clone(),
        kind,
    };
    let span = || locate(&policy.text, &path, None);
    for (op, value) in setting.ops {
        let binding: Vec<&Restriction> = restrictions
            .iter()
            .filter(|r| path.starts_with(&r.path))
            .collect();
        if let Some(r) = binding.iter().find(|r| !r.allowed.contains(&op)) {
            let allowed = Op::ALL
                .into_iter()
                .filter(|o| binding.iter().all(|r| r.allowed.contains(o)))
                .collect();
            notes.push(note(NoteKind::Refused {
                operator: op,
                allowed,
                by_policy: r.policy.clone(),
                by_target: r.target.clone(),
                at: r.path.clone(),
            }));
            continue;
        }
        let first = set_here.get(&path).filter(|p| **p != policy.name).cloned();
        let slot = slot(tree, &path).ok_or_else(|| {
            malformed(
                policy,
                span(),
                format!(
                    "`{}` cannot be set: an inherited policy gives a value to a key above it",
                    dotted(&path)
                ),
            )
        })?;
        match op {
            Op::Assign => {
                if let Some(kept) = first {
                    notes.push(note(NoteKind::Conflict { operator: op, kept }));
                    continue;
                }
                let ok = match value {
                    Value::Array(items) => items.iter().all(is_scalar),
                    v => is_scalar(v),
                };
                if !ok {
                    return Err(malformed(
                        policy,
                        span(),
                        format!(
                            "@@assign at `{}` takes a string, number, boolean, or a list of them",
                            dotted(&path)
                        ),
                    ));
                }
                let (map, key) = slot;
                if map.get(&key).is_some_and(Value::is_object) {
                    return Err(malformed(
                        policy,
                        span(),
                        format!(
                            "@@assign at `{}`, but an inherited policy has settings under it",
                            dotted(&path)
                        ),
                    ));
                }
                map.insert(key, dedup(value));
            }
            Op::Append | Op::Remove => {
                let items = value
                    .as_array()
                    .filter(|items| items.iter().all(is_scalar))
                    .ok_or_else(|| {
                        malformed(
                            policy,
                            span(),
                            format!(
                                "{} at `{}` takes a list: it applies to multi-valued settings only",
                                op.as_str(),
                                dotted(&path)
                            ),
                        )
                    })?;
                let (map, key) = slot;
                let current = match map.get_mut(&key) {
                    None => None,
                    Some(Value::Array(a)) => Some(a),
                    Some(_) => {
                        return Err(malformed(
                            policy,
                            span(),
                            format!(
                                "{} at `{}`, but the inherited value is not a list",
                                op.as_str(),
                                dotted(&path)
                            ),
                        ))
                    }
                };
                match (op, current) {
                    (Op::Append, Some(list)) => {
                        for v in items {
                            if !list.contains(v) {
                                list.push(v.clone());
                            }
                        }
                    }
                    (Op::Append, None) => {
                        map.insert(key, dedup(value));
                    }
                    (_, Some(list)) => {
                        list.retain(|v| !items.contains(v));
                        if list.is_empty() {
                            map.remove(&key);
                            notes.push(note(NoteKind::Emptied));
                        }
                    }
                    // Nothing inherited to remove from.
                    (_, None) => {}
                }
            }
        }
        set_here.entry(path.clone()).or_insert(policy.name.clone());
    }
    Ok(())
}

fn is_scalar(v: &Value) -> bool {
    matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_))
}

/// A list keeps each value once (the lists are sets of models, modes, …).
fn dedup(v: &Value) -> Value {
    match v {
        Value::Array(items) => {
            let mut out: Vec<Value> = Vec::new();
            for i in items {
                if !out.contains(i) {
                    out.push(i.clone());
                }
            }
            Value::Array(out)
        }
        v => v.clone(),
    }
}

/// The map that holds the last key of `path`, creating the groups above it; `None` when a
/// key above it holds a value.
fn slot<'t>(
    tree: &'t mut Map<String, Value>,
    path: &[String],
) -> Option<(&'t mut Map<String, Value>, String)> {
    let (last, above) = path.split_last()?;
    let mut map = tree;
    for key in above {
        let next = map
            .entry(key.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        map = next.as_object_mut()?;
    }
    Some((map, last.clone()))
}

/// Drops groups left empty by `@@remove`.
fn prune(map: &mut Map<String, Value>) {
    for v in map.values_mut() {
        if let Value::Object(m) = v {
            prune(m);
        }
    }
    map.retain(|_, v| !matches!(v, Value::Object(m) if m.is_empty()));
}

fn dotted(path: &[String]) -> String {
    if path.is_empty() {
        "(top)".to_string()
    } else {
        path.join(".")
    }
}

fn malformed(policy: &Policy, span: Span, message: String) -> Box<Diagnostic> {
    Box::new(Diagnostic::new(
        Code::E0500,
        span,
        format!("BEDROCK_POLICY `{}`: {message}", policy.name),
    )
    .in_file(&policy.file)
    .with_help("write each setting as {\"@@assign\": VALUE}, lists with @@append/@@remove, under bedrock.guardrail_inference.REGION.NAME (docs/verify.md, \"Effective guardrail configuration\")"))
}

fn whole(text: &str) -> Span {
    Span::new(0, text.len())
}

/// Byte offset of a 1-based line and column (serde_json's error position).
fn offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}

/// The span of the key at `path` (then `key` under it), found by searching for each quoted
/// key after the previous one: good enough to point at the right line of a document.
fn locate(text: &str, path: &[String], key: Option<&String>) -> Span {
    let mut at = 0;
    let mut span = None;
    for k in path.iter().chain(key) {
        let quoted = Value::from(k.as_str()).to_string();
        match text.get(at..).and_then(|rest| rest.find(&quoted)) {
            Some(i) => {
                span = Some((at + i, at + i + quoted.len()));
                at += i + quoted.len();
            }
            None => break,
        }
    }
    match span {
        Some((s, e)) => Span::new(s, e),
        None => whole(text),
    }
}

/// The account's levels, root first: the BEDROCK_POLICY documents of `output` attached to each
/// target on its path, in manifest (source) order, which govc takes as the attachment order.
/// `None` if `account` is not an account of the organization.
pub fn account_levels(program: &Program, output: &Output, account: &str) -> Option<Vec<Level>> {
    // Only the targets are needed: not the SCP levels `verify::levels` compiles.
    let path = crate::verify::path(program, account)?;
    Some(
        path.into_iter()
            .map(|target| Level {
                policies: output
                    .documents
                    .iter()
                    .filter(|d| d.kind == DocKind::BedrockPolicy && d.targets.contains(&target))
                    .map(|d| Policy {
                        name: d.name.clone(),
                        file: d.file(),
                        text: d.content.clone(),
                    })
                    .collect(),
                target,
            })
            .collect(),
    )
}

/// Human report: the path, the attached documents, each Region's configurations, the notes.
pub fn report_human(account: &str, levels: &[Level], eff: &Effective) -> String {
    let mut s = format!(
        "effective BEDROCK_POLICY of account `{account}` ({})\n",
        levels
            .iter()
            .map(|l| l.target.as_str())
            .collect::<Vec<_>>()
            .join(" > ")
    );
    let attached: Vec<String> = levels
        .iter()
        .flat_map(|l| {
            l.policies
                .iter()
                .map(move |p| format!("  {}: {} ({})\n", l.target, p.name, p.file))
        })
        .collect();
    if attached.is_empty() {
        s.push_str("no BEDROCK_POLICY is attached on this path: no guardrail is enforced\n");
        return s;
    }
    s.push_str("attached:\n");
    s.extend(attached);
    let configs = eff.configs();
    if configs.is_empty() {
        s.push_str("no guardrail configuration is in effect\n");
    }
    let mut region = "";
    for c in &configs {
        if c.region != region {
            region = c.region;
            s.push_str(&format!("{region}\n"));
        }
        s.push_str(&format!("  {}\n", c.name));
        if c.identifier().is_none() {
            s.push_str("    warning: no `identifier`: the configuration is invalid, and an invalid effective policy makes Bedrock calls fail (docs/aws.md §2.1)\n");
        }
        let mut lines = Vec::new();
        flatten(c.settings, &mut Vec::new(), &mut lines);
        for (k, v) in lines {
            s.push_str(&format!("    {k}: {v}\n"));
        }
    }
    // Anything outside bedrock.guardrail_inference.REGION.NAME.
    let mut rest = eff.policy.as_object().cloned().unwrap_or_default();
    if let Some(Value::Object(b)) = rest.get_mut("bedrock") {
        b.remove("guardrail_inference");
    }
    prune(&mut rest);
    let mut lines = Vec::new();
    flatten(&rest, &mut Vec::new(), &mut lines);
    if !lines.is_empty() {
        s.push_str("other settings\n");
        for (k, v) in lines {
            s.push_str(&format!("  {k}: {v}\n"));
        }
    }
    for n in &eff.notes {
        s.push_str(&format!("note: {}\n", n.describe()));
    }
    s
}

fn flatten(map: &Map<String, Value>, path: &mut Vec<String>, out: &mut Vec<(String, String)>) {
    for (k, v) in map {
        path.push(k.clone());
        match v {
            Value::Object(m) => flatten(m, path, out),
            Value::String(s) => out.push((path.join("."), s.clone())),
            Value::Array(items) => out.push((
                path.join("."),
                items
                    .iter()
                    .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join(", "),
            )),
            v => out.push((path.join("."), v.to_string())),
        }
        path.pop();
    }
}

/// JSON report: `account`, `path`, `policies` (target, policy, file), `effective_policy`
/// (operator-free, as `DescribeEffectivePolicy` shows it) and `notes`.
pub fn report_json(account: &str, levels: &[Level], eff: &Effective) -> String {
    let policies: Vec<Value> = levels
        .iter()
        .flat_map(|l| {
            l.policies.iter().map(move |p| {
                serde_json::json!({ "target": l.target, "policy": p.name, "file": p.file })
            })
        })
        .collect();
    let v = serde_json::json!({
        "account": account,
        "path": levels.iter().map(|l| l.target.as_str()).collect::<Vec<_>>(),
        "policies": policies,
        "effective_policy": eff.policy,
        "notes": eff.notes.iter().map(Note::to_json).collect::<Vec<_>>(),
    });
    // Control and bidi characters (from names) escaped, as in every JSON govc prints.
    crate::diagnostics::render::terminal_safe_json(
        serde_json::to_string_pretty(&v).unwrap_or_default(),
    ) + "\n"
}

/// For `govc simulate`: the configurations enforced in `region`, and whether each guards the
/// foundation model `resource` names (when it names one). Nothing for actions outside the
/// `bedrock` namespace: the policy governs Bedrock calls (aws.md §2.1); whether it reaches
/// `bedrock-mantle` is not documented.
pub fn describe_for_request(
    eff: &Effective,
    action: &str,
    region: &str,
    resource: &str,
) -> Vec<String> {
    let bedrock = action
        .split_once(':')
        .is_some_and(|(service, _)| service.eq_ignore_ascii_case("bedrock"));
    if !bedrock {
        return Vec::new();
    }
    let model = resource
        .split_once(":foundation-model/")
        .filter(|(head, _)| head.starts_with("arn:aws"))
        .map(|(_, m)| m);
    eff.in_region(region)
        .iter()
        .map(|c| {
            let mut line = format!(
                "guardrail `{}` enforced in {region}: {}",
                c.name,
                c.identifier().unwrap_or("(no identifier: invalid)")
            );
            match model.map(|m| (m, c.guards(m))) {
                Some((m, Some(true))) => line.push_str(&format!("; guards model {m}")),
                Some((m, Some(false))) => {
                    line.push_str(&format!("; model {m} is not guarded (excluded)"))
                }
                _ => {}
            }
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

    use super::*;
    use serde_json::json;

    fn level(target: &str, policies: &[(&str, Value)]) -> Level {
        Level {
            target: target.into(),
            policies: policies
                .iter()
                .map(|(n, v)| Policy::from_value(n, v))
                .collect(),
        }
    }

    fn run(levels: &[Level]) -> Effective {
        effective(levels).unwrap()
    }

    fn tags(body: Value) -> Value {
        json!({ "tags": body })
    }

    // The AWS page's policies (tag policies; the operators are the same for every management
    // type, Bedrock included).
    fn policy_a() -> Value {
        tags(json!({ "costcenter": {
            "tag_key": { "@@assign": "CostCenter" },
            "tag_value": { "@@assign": ["Development", "Support"] } } }))
    }

    #[test]
    fn example_1_assign_in_child_overwrites() {
        let b = tags(json!({ "costcenter": {
            "tag_key": { "@@assign": "CostCenter" },
            "tag_value": { "@@assign": ["Sandbox"] },
            "enforced_for": { "@@assign": ["redshift:*", "dynamodb:table"] } } }));
        let e = run(&[
            level("root", &[("A", policy_a())]),
            level("OU1", &[("B", b)]),
        ]);
        assert_eq!(
            e.policy,
            tags(json!({ "costcenter": {
                "tag_key": "CostCenter",
                "tag_value": ["Sandbox"],
                "enforced_for": ["redshift:*", "dynamodb:table"] } }))
        );
        assert!(e.notes.is_empty());
    }

    fn policy_c() -> Value {
        tags(json!({ "costcenter": {
            "tag_key": { "@@assign": "CostCenter" },
            "tag_value": { "@@append": ["Marketing"] },
            "enforced_for": { "@@append": ["redshift:*", "dynamodb:table"] } } }))
    }

    #[test]
    fn example_2_append_adds_to_inherited_list() {
        let e = run(&[
            level("root", &[("A", policy_a())]),
            level("OU2", &[("C", policy_c())]),
        ]);
        assert_eq!(
            e.policy,
            tags(json!({ "costcenter": {
                "tag_key": "CostCenter",
                "tag_value": ["Development", "Support", "Marketing"],
                "enforced_for": ["redshift:*", "dynamodb:table"] } }))
        );
    }

    #[test]
    fn example_3_remove_takes_values_out_and_drops_emptied_keys() {
        // The page's policy D nests `enforced_for` inside `tag_value` by mistake; its text and
        // effective policy (no `enforced_for`) mean it beside `tag_value`, as here.
        let d = tags(json!({ "costcenter": {
            "tag_key": { "@@assign": "CostCenter" },
            "tag_value": { "@@remove": ["Development", "Marketing"] },
            "enforced_for": { "@@remove": ["redshift:*", "dynamodb:table"] } } }));
        let e = run(&[
            level("root", &[("A", policy_a())]),
            level("OU2", &[("C", policy_c())]),
            level("999999999999", &[("D", d)]),
        ]);
        assert_eq!(
            e.policy,
            tags(json!({ "costcenter": { "tag_key": "CostCenter", "tag_value": ["Support"] } }))
        );
        assert_eq!(e.notes.len(), 1);
        assert_eq!(e.notes[0].kind, NoteKind::Emptied);
        assert_eq!(e.notes[0].path.join("."), "tags.costcenter.enforced_for");
    }

    #[test]
    fn example_4_none_locks_and_a_list_allows_only_its_operators() {
        let policy_e = tags(json!({ "project": {
            "tag_key": { "@@operators_allowed_for_child_policies": ["@@none"], "@@assign": "Project" },
            "tag_value": { "@@operators_allowed_for_child_policies": ["@@append"],
                           "@@assign": ["Maintenance", "Escalations"] } } }));
        let policy_f = tags(json!({ "project": {
            "tag_key": { "@@assign": "PROJECT" },
            "tag_value": { "@@append": ["Escalations - research"] } } }));
        let e = run(&[
            level("root", &[("E", policy_e.clone())]),
            level("OU", &[("F", policy_f)]),
        ]);
        // The page shows the key lower-cased (a tag-policy case rule); the parent's value is what
        // stays.
        assert_eq!(
            e.policy,
            tags(json!({ "project": {
                "tag_key": "Project",
                "tag_value": ["Maintenance", "Escalations", "Escalations - research"] } }))
        );
        assert_eq!(e.notes.len(), 1);
        let n = &e.notes[0];
        assert_eq!(n.policy, "F");
        assert_eq!(n.path.join("."), "tags.project.tag_key");
        assert!(matches!(
            &n.kind,
            NoteKind::Refused { operator: Op::Assign, allowed, by_policy, .. }
                if allowed.is_empty() && by_policy == "E"
        ));
        // `["@@append"]` refuses @@assign and @@remove of the values too.
        let g = tags(json!({ "project": {
            "tag_value": { "@@assign": ["Other"] } } }));
        let h = tags(json!({ "project": {
            "tag_value": { "@@remove": ["Maintenance"] } } }));
        let e = run(&[
            level("root", &[("E", policy_e)]),
            level("OU", &[("G", g)]),
            level("acct", &[("H", h)]),
        ]);
        assert_eq!(
            e.policy["tags"]["project"]["tag_value"],
            json!(["Maintenance", "Escalations"])
        );
        let refused: Vec<(&str, Op)> = e
            .notes
            .iter()
            .filter_map(|n| match &n.kind {
                NoteKind::Refused { operator, .. } => Some((n.policy.as_str(), *operator)),
                _ => None,
            })
            .collect();
        assert_eq!(refused, vec![("G", Op::Assign), ("H", Op::Remove)]);
    }

    #[test]
    fn example_5_restrictions_at_one_target_intersect() {
        let g = tags(json!({ "project": { "tag_value": {
            "@@operators_allowed_for_child_policies": ["@@append"],
            "@@assign": ["Maintenance"] } } }));
        let h = tags(json!({ "project": { "tag_value": {
            "@@operators_allowed_for_child_policies": ["@@append", "@@remove"] } } }));
        let child = tags(json!({ "project": { "tag_value": {
            "@@append": ["New"], "@@remove": ["Maintenance"] } } }));
        let e = run(&[
            level("root", &[("G", g), ("H", h)]),
            level("OU", &[("child", child)]),
        ]);
        assert_eq!(
            e.policy["tags"]["project"]["tag_value"],
            json!(["Maintenance", "New"])
        );
        assert_eq!(e.notes.len(), 1);
        assert!(matches!(
            &e.notes[0].kind,
            NoteKind::Refused { operator: Op::Remove, allowed, by_policy, .. }
                if allowed == &vec![Op::Append] && by_policy == "G"
        ));
    }

    #[test]
    fn example_6_first_attached_wins_at_one_target() {
        let j = tags(json!({ "project": {
            "tag_key": { "@@assign": "PROJECT" },
            "tag_value": { "@@append": ["Maintenance"] } } }));
        let k = tags(json!({ "project": { "tag_key": { "@@assign": "project" } } }));
        let e = run(&[level("root", &[("J", j), ("K", k)])]);
        assert_eq!(
            e.policy,
            tags(json!({ "project": { "tag_key": "PROJECT", "tag_value": ["Maintenance"] } }))
        );
        assert!(matches!(
            &e.notes[0].kind,
            NoteKind::Conflict { operator: Op::Assign, kept } if kept == "J"
        ));
    }

    #[test]
    fn a_restriction_binds_targets_below_not_its_own_target() {
        let lock = tags(
            json!({ "p": { "@@operators_allowed_for_child_policies": ["@@none"],
            "v": { "@@assign": ["a"] } } }),
        );
        let same = tags(json!({ "p": { "v": { "@@append": ["b"] } } }));
        let e = run(&[level("root", &[("lock", lock), ("same", same)])]);
        assert_eq!(e.policy["tags"]["p"]["v"], json!(["a", "b"]));
        assert!(e.notes.is_empty());
    }

    fn bedrock(region: &str, name: &str, config: Value) -> Value {
        json!({ "bedrock": { "guardrail_inference": { region: { name: config } } } })
    }

    #[test]
    fn bedrock_lock_on_the_configuration_covers_every_setting_under_it() {
        let arn = "arn:aws:bedrock:us-east-1:123456789012:guardrail/hu1dlsv9wy1d:1";
        let parent = bedrock(
            "us-east-1",
            "config_1",
            json!({ "@@operators_allowed_for_child_policies": ["@@none"],
                    "identifier": { "@@assign": arn },
                    "model_enforcement": { "excluded_models": { "@@assign": ["cohere.embed-english-v3"] } } }),
        );
        let child = json!({ "bedrock": { "guardrail_inference": {
            "us-east-1": {
                "config_1": { "identifier": { "@@assign": "arn:aws:bedrock:us-east-1:123456789012:guardrail/other:2" },
                              "model_enforcement": { "excluded_models": { "@@remove": ["cohere.embed-english-v3"] } } },
                "config_2": { "identifier": { "@@assign": "arn:aws:bedrock:us-east-1:123456789012:guardrail/mine:3" } } } } } });
        let e = run(&[
            level("root", &[("org", parent)]),
            level("acct", &[("mine", child)]),
        ]);
        let configs = e.configs();
        assert_eq!(configs.len(), 2);
        assert_eq!(configs[0].identifier(), Some(arn));
        assert_eq!(configs[0].guards("cohere.embed-english-v3"), Some(false));
        assert_eq!(configs[0].guards("anthropic.claude-3"), Some(true));
        assert_eq!(configs[1].name, "config_2");
        assert_eq!(e.notes.len(), 2);
        assert!(e.notes.iter().all(|n| matches!(
            &n.kind,
            NoteKind::Refused { at, .. } if at.last().map(String::as_str) == Some("config_1")
        )));
        assert_eq!(
            describe_for_request(
                &e,
                "bedrock:InvokeModel",
                "us-east-1",
                "arn:aws:bedrock:us-east-1::foundation-model/cohere.embed-english-v3"
            )[0],
            format!("guardrail `config_1` enforced in us-east-1: {arn}; model cohere.embed-english-v3 is not guarded (excluded)")
        );
        assert!(describe_for_request(&e, "bedrock:InvokeModel", "eu-west-1", "*").is_empty());
        assert!(describe_for_request(&e, "s3:GetObject", "us-east-1", "*").is_empty());
    }

    #[test]
    fn guards_follows_the_model_lists() {
        let e = run(&[level(
            "root",
            &[(
                "p",
                bedrock(
                    "us-east-1",
                    "c",
                    json!({ "identifier": { "@@assign": "x" },
                        "model_enforcement": { "included_models": { "@@assign": ["a.b", "c.d"] },
                                               "excluded_models": { "@@assign": ["c.d"] } } }),
                ),
            )],
        )]);
        let c = &e.configs()[0];
        assert_eq!(c.guards("a.b"), Some(true));
        assert_eq!(c.guards("c.d"), Some(false), "in both lists: excluded");
        assert_eq!(c.guards("e.f"), Some(false), "not included");
    }

    #[test]
    fn compiled_guardrail_round_trips_to_its_settings() {
        let text = "{\"bedrock\":{\"guardrail_inference\":{\"us-east-1\":{\"g\":{\"@@operators_allowed_for_child_policies\":[\"@@none\"],\"identifier\":{\"@@assign\":\"arn:aws:bedrock:us-east-1:1:guardrail/x:1\"},\"input_tags\":{\"@@assign\":\"ignore\"}}}}}}";
        let e = run(&[Level {
            target: "root".into(),
            policies: vec![Policy {
                name: "g".into(),
                file: "bedrock/g.json".into(),
                text: text.into(),
            }],
        }]);
        assert_eq!(
            e.policy,
            bedrock(
                "us-east-1",
                "g",
                json!({"identifier": "arn:aws:bedrock:us-east-1:1:guardrail/x:1", "input_tags": "ignore"})
            )
        );
    }

    fn error(levels: &[Level]) -> Box<Diagnostic> {
        match effective(levels) {
            Err(d) => d,
            Ok(e) => panic!("expected an error, got {e:?}"),
        }
    }

    #[test]
    fn malformed_documents_are_e0500_not_panics() {
        let cases = [
            "[1]",
            "{\"bedrock\": 3}",
            "{\"a\": {\"@@assign\": {\"x\": 1}}}",
            "{\"a\": {\"@@append\": \"x\"}}",
            "{\"a\": {\"@@assign\": \"x\", \"b\": {\"@@assign\": 1}}}",
            "{\"a\": {\"@@operators_allowed_for_child_policies\": [\"@@some\"]}}",
            "{\"a\": {\"@@operators_allowed_for_child_policies\": []}}",
            "{\"a\": {\"@@replace\": 1}}",
            "{\"a\": {\"@@assign\": null}}",
            "{\"a\": ",
            "{\"@@assign\": 1}",
        ];
        for text in cases {
            let d = error(&[Level {
                target: "root".into(),
                policies: vec![Policy {
                    name: "p".into(),
                    file: "p.json".into(),
                    text: text.into(),
                }],
            }]);
            assert_eq!(d.code, Code::E0500, "{text}");
            assert!(d.help.is_some());
            assert!(d.span.end as usize <= text.len(), "{text}: {:?}", d.span);
        }
        // Shapes that only clash once merged.
        let scalar = json!({ "a": { "@@assign": "x" } });
        let list = json!({ "a": { "@@append": ["y"] } });
        let d = error(&[
            level("root", &[("p", scalar.clone())]),
            level("ou", &[("q", list)]),
        ]);
        assert!(d.message.contains("not a list"), "{}", d.message);
        let deeper = json!({ "a": { "b": { "@@assign": "y" } } });
        let d = error(&[
            level("root", &[("p", scalar)]),
            level("ou", &[("q", deeper.clone())]),
        ]);
        assert_eq!(d.code, Code::E0500);
        let d = error(&[
            level("root", &[("p", deeper)]),
            level("ou", &[("q", json!({ "a": { "@@assign": "z" } }))]),
        ]);
        assert!(d.message.contains("settings under it"), "{}", d.message);
    }

    #[test]
    fn the_error_points_at_the_offending_key() {
        let text = "{\n  \"a\": {\n    \"b\": {\"@@append\": \"x\"}\n  }\n}";
        let d = error(&[Level {
            target: "root".into(),
            policies: vec![Policy {
                name: "p".into(),
                file: "p.json".into(),
                text: text.into(),
            }],
        }]);
        assert_eq!(&text[d.span.start as usize..d.span.end as usize], "\"b\"");
    }
}
