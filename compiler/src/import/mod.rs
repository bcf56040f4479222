//! `govc import`: a hand-written SCP or RCP (policy JSON) → a `.gov` block of core rules, one
//! rule per statement (docs/compiler.md, "Importing policies"). The text is only a proposal:
//! `govc import` compiles it and proves it decides every request as the JSON does before
//! writing anything (the caller runs that check; this module only writes the text).
//!
//! Every IAM element maps to a construct of the language: `Action`/`NotAction` to the `action`
//! scope (`in` / `not in`; IAM reads `*` and `?` as wildcards either way), `Resource`/
//! `NotResource` to the `resource` scope (`like` / `not like`), each condition entry to a
//! predicate (`==`/`in`, `!=`/`not in`, `like`, `not like`, `<`…, `is absent`/`is present`,
//! `any`/`all` for `ForAnyValue`/`ForAllValues`, `k is absent || …` for a positive
//! `…IfExists`), the `Sid` to a comment. Operators the language has no predicate for
//! (`…IgnoreCase`, `BinaryEquals`) are refused with the statement they are in.

pub mod org;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use govc_syntax::format::quote as lit;

use crate::ir::parse::{parse_policy, parse_rcp};
use crate::ir::{Effect, FlatSet, Name, Op, Operator, Qualifier, Scope, Statement};

/// A template placeholder in a document: text that stands for a value the author fills in —
/// `${Account}` (a `${…}` with no `:`, which no IAM policy variable lacks), `[PRIVILEGED_ROLE]`,
/// `<my-cidr>` — as published example policies write them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placeholder {
    /// As written: `${Account}`, `[PRIVILEGED_ROLE]`, `<my-cidr>`.
    pub token: String,
    /// The name `--set NAME=VALUE` gives it: `Account`, `PRIVILEGED_ROLE`, `my-cidr`.
    pub name: String,
}

/// The placeholders of one string, in order.
fn scan_placeholders(s: &str, out: &mut Vec<Placeholder>) {
    let word = |inner: &str, extra: &[char]| {
        inner.starts_with(|c: char| c.is_ascii_alphabetic())
            && inner
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || extra.contains(&c))
    };
    for (open, close) in [("${", '}'), ("[", ']'), ("<", '>')] {
        let mut rest = s;
        while let Some(at) = rest.find(open) {
            let Some(after) = rest.get(at + open.len()..) else {
                break;
            };
            let Some((inner, tail)) = after.split_once(close) else {
                break;
            };
            let is = match open {
                // `${aws:username}`, `${*}`, `${?}`, `${$}` are IAM's own.
                "${" => word(inner, &['_', '-', '.']),
                "[" => word(inner, &['_']) && !inner.chars().any(|c| c.is_ascii_lowercase()),
                _ => word(inner, &['_', '-']),
            };
            if is {
                let token = format!("{open}{inner}{close}");
                if !out.iter().any(|p| p.token == token) {
                    out.push(Placeholder {
                        token,
                        name: inner.to_string(),
                    });
                }
            }
            rest = tail;
        }
    }
}

/// Every template placeholder in a policy document's strings (keys and values), each once,
/// in order; none when the text is not JSON (the parser says why).
pub fn placeholders(json: &str) -> Vec<Placeholder> {
    fn walk(v: &serde_json::Value, out: &mut Vec<Placeholder>) {
        match v {
            serde_json::Value::String(s) => scan_placeholders(s, out),
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            serde_json::Value::Object(o) => {
                for (k, x) in o {
                    scan_placeholders(k, out);
                    walk(x, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(json) {
        walk(&v, &mut out);
    }
    // In the order the document has them (the walk visits keys sorted).
    out.sort_by_key(|p| json.find(&p.token));
    out
}

/// The document with each placeholder replaced by its value from `values` (by name), and the
/// placeholders it had. `Err` names every placeholder without a value: imported as written,
/// `[PRIVILEGED_ROLE]` would be a literal that matches nothing, and the import would be proven
/// equal to a policy nobody meant.
pub fn fill_placeholders(
    json: &str,
    values: &std::collections::BTreeMap<String, String>,
) -> Result<(String, Vec<Placeholder>), String> {
    let found = placeholders(json);
    let missing: Vec<&Placeholder> = found
        .iter()
        .filter(|p| !values.contains_key(&p.name))
        .collect();
    if let Some(first) = missing.first() {
        let tokens: Vec<String> = missing.iter().map(|p| format!("`{}`", p.token)).collect();
        return Err(format!(
            "template placeholder{} {} without a value: give each with `--set NAME=VALUE` (`--set {}=…`; to keep one as written, set it to itself)",
            if missing.len() == 1 { "" } else { "s" },
            tokens.join(", "),
            first.name
        ));
    }
    let mut text = json.to_string();
    for p in &found {
        if let Some(v) = values.get(&p.name) {
            // A placeholder only occurs inside JSON strings (the text parsed), so the value
            // goes in escaped as a string's content.
            let quoted = serde_json::to_string(v).map_err(|e| e.to_string())?;
            let inner = quoted
                .strip_prefix('"')
                .and_then(|q| q.strip_suffix('"'))
                .unwrap_or(&quoted);
            text = text.replace(&p.token, inner);
        }
    }
    Ok((text, found))
}

/// What `import_policy` made of a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    /// The `.gov` text: one `scp` or `rcp` block named after the file, in core rules.
    pub text: String,
    /// The same block written with surface statements (`deny actions … on … unless principal
    /// …`) where every statement is a Deny on named actions; `None` where one is not.
    pub surface: Option<String>,
    /// The block with the Bedrock statements recognised (`deny model`, `only regions`,
    /// `deny api_keys`) and the rest as in `surface`; `None` where none is recognised or a
    /// statement has no surface form.
    pub recognised: Option<String>,
    /// Why no core rule says the document, when none does: then `text` is `recognised`, and
    /// the import stands or falls with it.
    pub refusal: Option<String>,
    /// Whether the document is an RCP (its statements name `"Principal": "*"`).
    pub rcp: bool,
    /// The statements read from the JSON, for the equivalence proof.
    pub statements: Vec<Statement>,
    /// The characters of the documents the kept text compiles to (set by
    /// [`import_verified`] once proven; 0 before).
    pub compiled_chars: usize,
    /// The warnings of the kept text, `CODE message` (set by [`import_verified`]): an action
    /// newer than the catalog (W0228), a Bedrock rule that leaves the other endpoint open
    /// (W0412), ….
    pub warnings: Vec<String>,
}

/// A name for the block from a file stem: letters, digits and `_`, not starting with a digit.
pub fn block_name(stem: &str) -> String {
    let mut s: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'p');
    }
    s.truncate(64);
    s
}

fn list(values: &[String]) -> String {
    let items: Vec<String> = values.iter().map(|v| lit(v)).collect();
    format!("[{}]", items.join(", "))
}

/// The scope entries of a statement: `action …`, `resource …` (none for `*`).
fn scope(var: &str, s: &Scope, like: bool) -> Option<String> {
    if s.is_any() {
        return None;
    }
    let op = match (s.negated, like) {
        (false, false) => "in",
        (true, false) => "not in",
        (false, true) => "like",
        (true, true) => "not like",
    };
    let values: Vec<String> = s.values.iter().map(|v| v.to_string()).collect();
    Some(format!("{var} {op} {}", list(&values)))
}

/// One condition entry as a predicate (with `||` alternatives where IAM ORs values that a
/// single predicate cannot take).
fn predicate(o: &Operator, key: &str, values: &[String]) -> Result<String, String> {
    let k = format!("context[{}]", lit(key));
    let q = match o.qualifier {
        Some(Qualifier::ForAnyValue) => "any ",
        Some(Qualifier::ForAllValues) => "all ",
        None => "",
    };
    let bools = |vs: &[String]| -> Result<Vec<String>, String> {
        vs.iter()
            .map(|v| match v.to_ascii_lowercase().as_str() {
                "true" => Ok("true".to_string()),
                "false" => Ok("false".to_string()),
                _ => Err(format!("`Bool` value `{v}` is neither true nor false")),
            })
            .collect()
    };
    let ordered = |sym: &str| -> String {
        let parts: Vec<String> = values
            .iter()
            .map(|v| format!("{q}{k} {sym} {}", lit(v)))
            .collect();
        if parts.len() == 1 {
            parts.concat()
        } else {
            format!("({})", parts.join(" || "))
        }
    };
    let pred = match o.op {
        Op::StringEquals | Op::ArnEquals | Op::NumericEquals | Op::DateEquals | Op::IpAddress => {
            format!("{q}{k} in {}", list(values))
        }
        Op::StringNotEquals
        | Op::ArnNotEquals
        | Op::NumericNotEquals
        | Op::DateNotEquals
        | Op::NotIpAddress => format!("{q}{k} not in {}", list(values)),
        Op::StringLike | Op::ArnLike => format!("{q}{k} like {}", list(values)),
        Op::StringNotLike | Op::ArnNotLike => format!("{q}{k} not like {}", list(values)),
        Op::NumericLessThan | Op::DateLessThan => ordered("<"),
        Op::NumericLessThanEquals | Op::DateLessThanEquals => ordered("<="),
        Op::NumericGreaterThan | Op::DateGreaterThan => ordered(">"),
        Op::NumericGreaterThanEquals | Op::DateGreaterThanEquals => ordered(">="),
        Op::Bool => {
            let vs = bools(values)?;
            match vs.as_slice() {
                [one] => format!("{q}{k} == {one}"),
                _ => format!("{q}{k} in [{}]", vs.join(", ")),
            }
        }
        Op::Null => {
            let vs = bools(values)?;
            match vs.as_slice() {
                [t] if t == "true" => format!("{k} is absent"),
                [_] => format!("{k} is present"),
                // `Null` with both values holds always.
                _ => format!("({k} is absent || {k} is present)"),
            }
        }
        Op::StringEqualsIgnoreCase | Op::StringNotEqualsIgnoreCase | Op::BinaryEquals => {
            return Err(format!(
                "`{}` has no predicate in the language",
                o.op.name()
            ))
        }
    };
    // `…IfExists` is true on a missing key: a negated operator already is.
    Ok(if o.if_exists && !o.op.is_negated() && o.op != Op::Null {
        format!("({k} is absent || {pred})")
    } else {
        pred
    })
}

/// A Deny on named actions as a surface statement: `deny all`, `deny services S, …` or `deny
/// actions A, … [on R, …]`, with its conditions as clauses — `unless region in […]` for
/// `aws:RequestedRegion` not in a list, `unless principal […]` / `unless principal account […]`
/// for the caller not matching, `when via_mcp`, and `when { … }` for the rest (`conds`, the
/// predicates of the core rule, in the same order). `None` for an Allow, `NotAction` or
/// `NotResource`. The import proves whichever text it keeps.
fn surface_statement(s: &Statement, conds: &[String]) -> Option<String> {
    if s.effect != Effect::Deny || s.action.negated || s.resource.negated {
        return None;
    }
    let actions: Vec<&str> = s.action.values.iter().map(|v| &**v).collect();
    let mut head = if s.action.is_any() {
        "deny all".to_string()
    } else if actions.iter().all(|a| {
        a.strip_suffix(":*")
            .is_some_and(|svc| !svc.is_empty() && !svc.contains(['*', '?', ':']))
    }) {
        let services: Vec<String> = actions
            .iter()
            .filter_map(|a| a.strip_suffix(":*"))
            .map(lit)
            .collect();
        format!("deny services {}", services.join(", "))
    } else {
        let items: Vec<String> = actions.iter().map(|a| lit(a)).collect();
        format!("deny actions {}", items.join(", "))
    };
    if !s.resource.is_any() {
        if head == "deny all" || head.starts_with("deny services") {
            // `on` belongs to `deny actions`.
            let items: Vec<String> = actions.iter().map(|a| lit(a)).collect();
            head = format!(
                "deny actions {}",
                if s.action.is_any() {
                    lit("*")
                } else {
                    items.join(", ")
                }
            );
        }
        let rs: Vec<String> = s.resource.values.iter().map(|r| lit(r)).collect();
        let _ = write!(head, " on {}", rs.join(", "));
    }
    let clauses = clauses(s, conds, &|_, _| false)?;
    let mut out = format!("  {head}");
    for c in clauses {
        let _ = write!(out, "\n    {c}");
    }
    out.push('\n');
    Some(out)
}

/// The clauses of a Deny's conditions, in order (`conds`: the core rule's predicates of the
/// same entries), leaving out the entries `skip` names (by key and operator): those a surface
/// statement says itself.
fn clauses(
    s: &Statement,
    conds: &[String],
    skip: &dyn Fn(&str, &Operator) -> bool,
) -> Option<Vec<String>> {
    let mut clauses = Vec::new();
    let mut i = 0;
    for (o, keys) in &s.condition {
        for (k, vs) in keys {
            let pred = conds.get(i)?;
            i += 1;
            if skip(k, o) {
                continue;
            }
            let values: Vec<String> = vs.iter().map(|v| v.to_string()).collect();
            let plain = o.qualifier.is_none();
            let clause = match (k.to_ascii_lowercase().as_str(), o.op) {
                ("aws:requestedregion", Op::StringNotEquals) if plain => {
                    format!("unless region in {}", list(&values))
                }
                ("aws:principalarn", Op::ArnNotLike | Op::ArnNotEquals | Op::StringNotEquals)
                    if plain =>
                {
                    format!("unless principal in {}", list(&values))
                }
                ("aws:principalaccount", Op::StringNotEquals) if plain => {
                    format!("unless principal account in {}", list(&values))
                }
                ("aws:viaawsmcpservice", Op::Bool)
                    if plain
                        && matches!(values.as_slice(), [v] if v.eq_ignore_ascii_case("true")) =>
                {
                    "when via_mcp".to_string()
                }
                // A negated test reads better as an exemption: `unless { k in [..] }` is `k not
                // in [..]`, true on a missing key as IAM's negated operators are.
                (_, Op::StringNotEquals | Op::ArnNotEquals | Op::NotIpAddress) if plain => {
                    format!("unless {{ context[{}] in {} }}", lit(k), list(&values))
                }
                (_, Op::StringNotLike | Op::ArnNotLike) if plain => {
                    format!("unless {{ context[{}] like {} }}", lit(k), list(&values))
                }
                // `BoolIfExists` with `false`: missing or false, so "unless it is true".
                (_, Op::Bool)
                    if plain
                        && o.if_exists
                        && matches!(values.as_slice(), [v] if v.eq_ignore_ascii_case("false")) =>
                {
                    format!("unless {{ context[{}] == true }}", lit(k))
                }
                _ => format!("when {{ {pred} }}"),
            };
            clauses.push(clause);
        }
    }
    Some(clauses)
}

/// Every application inference profile, as `require tags … on inference_profile` writes it.
const APPLICATION_PROFILE: &str = "arn:aws:bedrock:*:*:application-inference-profile/*";

/// The ARN prefix of a foundation model in every Region, as `deny model` writes it.
const MODEL_ARN: &str = "arn:aws:bedrock:*::foundation-model/";

/// The actions of a statement, lower-cased (IAM compares them so).
fn action_set(s: &Statement) -> FlatSet<Name> {
    s.action
        .values
        .iter()
        .map(|a| Name::from(a.to_ascii_lowercase()))
        .collect()
}

/// The values of one plain (unqualified, not `…IfExists`) condition entry.
fn entry<'s>(s: &'s Statement, op: Op, key: &str) -> Option<&'s FlatSet<Name>> {
    s.condition.iter().find_map(|(o, keys)| {
        (o.op == op && o.qualifier.is_none() && !o.if_exists)
            .then(|| {
                keys.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(key))
                    .map(|(_, v)| v)
            })
            .flatten()
    })
}

/// A statement's surface text with its clauses (`clauses`, one per line).
fn with_clauses(head: &str, clauses: &[String]) -> String {
    let mut out = format!("  {head}");
    for c in clauses {
        let _ = write!(out, "\n    {c}");
    }
    out.push('\n');
    out
}

/// The one entry of a statement's condition, when it has exactly one: its operator, key and
/// values.
fn only_entry(s: &Statement) -> Option<(&Operator, &Name, &FlatSet<Name>)> {
    match (s.condition.len(), s.condition.iter().next()) {
        (1, Some((o, keys))) if keys.len() == 1 => keys.iter().next().map(|(k, v)| (o, k, v)),
        _ => None,
    }
}

/// The four Allows `only models P, …` compiles to (every other action; `bedrock:*` on what is
/// not a foundation model and on the models, each with `bedrock:ModelArn` like the models if
/// present; `bedrock-mantle:*` with `bedrock-mantle:Model` like the patterns if present), by
/// index, and the patterns; `None` unless all four are there, unused.
fn only_models(statements: &[Statement], used: &[bool]) -> Option<([usize; 4], FlatSet<Name>)> {
    let free = |j: usize| !used.get(j).copied().unwrap_or(true);
    let allow = |t: &Statement| t.effect == Effect::Allow;
    let if_exists = |t: &Statement, op: Op, key: &str| -> Option<FlatSet<Name>> {
        let (o, k, v) = only_entry(t)?;
        (o.op == op && o.if_exists && o.qualifier.is_none() && k.eq_ignore_ascii_case(key))
            .then(|| v.clone())
    };
    let bedrock_all = FlatSet::from([Name::from("bedrock:*")]);
    let on_models = statements.iter().enumerate().find_map(|(j, t)| {
        let arns = if_exists(t, Op::ArnLike, "bedrock:ModelArn")?;
        (free(j)
            && allow(t)
            && !t.action.negated
            && !t.resource.negated
            && action_set(t) == bedrock_all
            && t.resource.values == arns)
            .then_some((j, arns))
    })?;
    let patterns: FlatSet<Name> = on_models
        .1
        .iter()
        .map(|a| {
            a.strip_prefix(MODEL_ARN)
                .filter(|p| !p.is_empty())
                .map(Name::from)
        })
        .collect::<Option<_>>()?;
    let others = statements.iter().enumerate().position(|(j, t)| {
        free(j)
            && allow(t)
            && t.action.negated
            && action_set(t)
                == FlatSet::from([Name::from("bedrock-mantle:*"), Name::from("bedrock:*")])
            && t.resource.is_any()
            && t.condition.is_empty()
    })?;
    let not_models = statements.iter().enumerate().position(|(j, t)| {
        free(j)
            && allow(t)
            && !t.action.negated
            && action_set(t) == bedrock_all
            && t.resource.negated
            && t.resource.values == FlatSet::from([Name::from(format!("{MODEL_ARN}*"))])
            && if_exists(t, Op::ArnLike, "bedrock:ModelArn").as_ref() == Some(&on_models.1)
    })?;
    let mantle = statements.iter().enumerate().position(|(j, t)| {
        free(j)
            && allow(t)
            && !t.action.negated
            && action_set(t) == FlatSet::from([Name::from("bedrock-mantle:*")])
            && t.resource.is_any()
            && if_exists(t, Op::StringLike, "bedrock-mantle:Model").as_ref() == Some(&patterns)
    })?;
    Some(([others, not_models, on_models.0, mantle], patterns))
}

/// The block written with the Bedrock surface statements where the document holds exactly
/// what one of them compiles to, and every other statement as `surface_statement` writes it
/// (its core rule where it has no surface form):
/// `deny model P, …` for its three statements (`bedrock:*` on the models' ARNs, `bedrock:*`
/// with `bedrock:ModelArn` like them, `bedrock-mantle:*` with `bedrock-mantle:Model` like
/// the patterns; the same clauses on each), `only regions R, … [for services S, …]` for
/// services denied outside the Regions, `deny api_keys [long_term|short_term]` for
/// `CallWithBearerToken` on both endpoints (by `BearerTokenType`), `require
/// application_inference_profile` for its two statements, `require tags K, … on
/// inference_profile` for its statement per tag and its `UntagResource`, `only models P, …`
/// for its four Allows. Only a
/// proposal: `import_verified` keeps it only if it is proven.
fn recognise(
    name: &str,
    statements: &[Statement],
    conds: &[Vec<String>],
    core: &[Option<String>],
) -> Option<String> {
    let mut out = format!("scp {name} {{\n");
    let mut used = vec![false; statements.len()];
    let mut any = false;
    let none: &dyn Fn(&str, &Operator) -> bool = &|_, _| false;
    for (i, s) in statements.iter().enumerate() {
        if used.get(i).copied().unwrap_or(true) {
            continue;
        }
        let c = conds.get(i)?;
        if let Some(sid) = &s.sid {
            let _ = writeln!(out, "  // Sid: {}", sid.replace(['\n', '\r'], " "));
        }
        // `only models P, …`: its four Allows, wherever they are; written at the first.
        if s.effect == Effect::Allow {
            if let Some(group) = only_models(statements, &used) {
                if group.0.contains(&i) {
                    for j in group.0 {
                        if let Some(u) = used.get_mut(j) {
                            *u = true;
                        }
                    }
                    let names: Vec<String> = group.1.iter().map(|p| lit(p)).collect();
                    out.push_str(&with_clauses(
                        &format!("only models {}", names.join(", ")),
                        &[],
                    ));
                    any = true;
                    continue;
                }
            }
        }
        // An Allow, `NotAction` or `NotResource`: its core rule.
        if s.effect != Effect::Deny || s.action.negated || s.resource.negated {
            out.push_str(core.get(i)?.as_deref()?);
            continue;
        }
        let acts = action_set(s);
        let bedrock_all = FlatSet::from([Name::from("bedrock:*")]);
        // `require application_inference_profile`: its two statements, same clauses.
        let invoke = FlatSet::from([
            Name::from("bedrock:invokemodel"),
            Name::from("bedrock:invokemodelwithresponsestream"),
        ]);
        let application = FlatSet::from([Name::from(
            "arn:aws:bedrock:*:*:application-inference-profile/*",
        )]);
        let profile_key = |k: &str, o: &Operator| {
            o.op == Op::StringNotLike
                && o.qualifier.is_none()
                && !o.if_exists
                && k.eq_ignore_ascii_case("bedrock:InferenceProfileArn")
        };
        if acts == invoke
            && s.resource.values == FlatSet::from([Name::from(format!("{MODEL_ARN}*"))])
            && entry(s, Op::StringNotLike, "bedrock:InferenceProfileArn") == Some(&application)
        {
            let own = clauses(s, c, &profile_key)?;
            let system = statements.iter().enumerate().position(|(j, t)| {
                j > i
                    && !used.get(j).copied().unwrap_or(true)
                    && t.effect == Effect::Deny
                    && !t.action.negated
                    && !t.resource.negated
                    && action_set(t) == invoke
                    && t.resource.values
                        == FlatSet::from([Name::from("arn:aws:bedrock:*:*:inference-profile/*")])
                    && conds.get(j).and_then(|cj| clauses(t, cj, none)) == Some(own.clone())
            });
            if let Some(j) = system {
                if let Some(u) = used.get_mut(j) {
                    *u = true;
                }
                out.push_str(&with_clauses("require application_inference_profile", &own));
                any = true;
                continue;
            }
        }
        // `deny model`: its three statements, with the same clauses.
        let models: Option<FlatSet<Name>> = (acts == bedrock_all && !s.resource.is_any())
            .then(|| {
                s.resource
                    .values
                    .iter()
                    .map(|r| {
                        r.strip_prefix(MODEL_ARN)
                            .filter(|p| !p.is_empty())
                            .map(Name::from)
                    })
                    .collect()
            })
            .flatten();
        if let Some(ps) = models {
            let own = clauses(s, c, none)?;
            let arns: FlatSet<Name> = ps
                .iter()
                .map(|p| Name::from(format!("{MODEL_ARN}{p}")))
                .collect();
            let partner = |acts_want: &str, op: Op, key: &str, want: &FlatSet<Name>| {
                statements.iter().enumerate().position(|(j, t)| {
                    j > i
                        && !used.get(j).copied().unwrap_or(true)
                        && t.effect == Effect::Deny
                        && !t.action.negated
                        && t.resource.is_any()
                        && action_set(t) == FlatSet::from([Name::from(acts_want)])
                        && entry(t, op, key) == Some(want)
                        && conds.get(j).and_then(|cj| {
                            clauses(t, cj, &|k, o| {
                                o.op == op && o.qualifier.is_none() && k.eq_ignore_ascii_case(key)
                            })
                        }) == Some(own.clone())
                })
            };
            let by_arn = partner("bedrock:*", Op::ArnLike, "bedrock:ModelArn", &arns);
            let mantle = partner(
                "bedrock-mantle:*",
                Op::StringLike,
                "bedrock-mantle:Model",
                &ps,
            );
            if let (Some(b), Some(m)) = (by_arn, mantle) {
                for j in [b, m] {
                    if let Some(u) = used.get_mut(j) {
                        *u = true;
                    }
                }
                let names: Vec<String> = ps.iter().map(|p| lit(p)).collect();
                out.push_str(&with_clauses(
                    &format!("deny model {}", names.join(", ")),
                    &own,
                ));
                any = true;
                continue;
            }
        }
        // `require tags K, … on inference_profile`: one `CreateInferenceProfile` statement per
        // tag (`Null` on `aws:RequestTag/K`), and `UntagResource` of any of them; same clauses.
        let profile_arn = FlatSet::from([Name::from(APPLICATION_PROFILE)]);
        let create = FlatSet::from([Name::from("bedrock:createinferenceprofile")]);
        let tag_of = |t: &Statement| -> Option<String> {
            let (o, keys) = t.condition.iter().find(|(o, _)| o.op == Op::Null)?;
            let (k, v) = keys.iter().next()?;
            let tag = k.strip_prefix("aws:RequestTag/")?;
            (o.qualifier.is_none()
                && keys.len() == 1
                && v.len() == 1
                && v.iter().all(|x| x.eq_ignore_ascii_case("true")))
            .then(|| tag.to_string())
        };
        let creates_tag = |j: usize, t: &Statement| -> Option<(String, Vec<String>)> {
            if t.effect != Effect::Deny
                || t.action.negated
                || t.resource.negated
                || action_set(t) != create
                || t.resource.values != profile_arn
            {
                return None;
            }
            let tag = tag_of(t)?;
            let rest = clauses(t, conds.get(j)?, &|k, o| {
                o.op == Op::Null && k.eq_ignore_ascii_case(&format!("aws:RequestTag/{tag}"))
            })?;
            Some((tag, rest))
        };
        if let Some((_, own)) = creates_tag(i, s) {
            let untag = FlatSet::from([Name::from("bedrock:untagresource")]);
            let keys_of = |t: &Statement| {
                t.condition.iter().find_map(|(o, keys)| {
                    (o.op == Op::StringEquals
                        && o.qualifier == Some(Qualifier::ForAnyValue)
                        && !o.if_exists)
                        .then(|| {
                            keys.iter()
                                .find(|(k, _)| k.eq_ignore_ascii_case("aws:TagKeys"))
                        })
                        .flatten()
                        .map(|(_, v)| v.clone())
                })
            };
            let partner = statements.iter().enumerate().find_map(|(j, t)| {
                let fits = j > i
                    && !used.get(j).copied().unwrap_or(true)
                    && t.effect == Effect::Deny
                    && !t.action.negated
                    && action_set(t) == untag
                    && t.resource.values == profile_arn
                    && conds.get(j).and_then(|cj| {
                        clauses(t, cj, &|k, o| {
                            o.op == Op::StringEquals && k.eq_ignore_ascii_case("aws:TagKeys")
                        })
                    }) == Some(own.clone());
                if fits {
                    keys_of(t).map(|keys| (j, keys))
                } else {
                    None
                }
            });
            if let Some((u, keys)) = partner {
                // Every key's own `CreateInferenceProfile` statement, with the same clauses.
                let mut members = Vec::new();
                for key in &keys {
                    let found = statements.iter().enumerate().position(|(j, t)| {
                        j >= i
                            && !used.get(j).copied().unwrap_or(true)
                            && creates_tag(j, t)
                                .is_some_and(|(tag, rest)| *tag == **key && rest == own)
                    });
                    match found {
                        Some(j) => members.push(j),
                        None => break,
                    }
                }
                if members.len() == keys.len() && members.contains(&i) {
                    for j in members.into_iter().chain([u]) {
                        if let Some(x) = used.get_mut(j) {
                            *x = true;
                        }
                    }
                    let names: Vec<String> = keys.iter().map(|k| lit(k)).collect();
                    out.push_str(&with_clauses(
                        &format!("require tags {} on inference_profile", names.join(", ")),
                        &own,
                    ));
                    any = true;
                    continue;
                }
            }
        }
        // `only regions`: whole services denied outside a list of Regions.
        let services: Option<FlatSet<Name>> = (s.resource.is_any())
            .then(|| {
                acts.iter()
                    .map(|a| {
                        a.strip_suffix(":*")
                            .filter(|svc| !svc.is_empty() && !svc.contains(['*', '?', ':']))
                            .map(Name::from)
                    })
                    .collect()
            })
            .flatten();
        if let (Some(svcs), Some(regions)) = (
            services,
            entry(s, Op::StringNotEquals, "aws:RequestedRegion"),
        ) {
            let rest = clauses(s, c, &|k, o| {
                o.op == Op::StringNotEquals
                    && o.qualifier.is_none()
                    && !o.if_exists
                    && k.eq_ignore_ascii_case("aws:RequestedRegion")
            })?;
            let rs: Vec<String> = regions.iter().map(|r| lit(r)).collect();
            let default = FlatSet::from([Name::from("bedrock"), Name::from("bedrock-mantle")]);
            let head = if svcs == default {
                format!("only regions {}", rs.join(", "))
            } else {
                let ss: Vec<String> = svcs.iter().map(|x| lit(x)).collect();
                format!(
                    "only regions {} for services {}",
                    rs.join(", "),
                    ss.join(", ")
                )
            };
            out.push_str(&with_clauses(&head, &rest));
            any = true;
            continue;
        }
        // `deny api_keys`: bearer tokens on both endpoints.
        let bearer = FlatSet::from([
            Name::from("bedrock-mantle:callwithbearertoken"),
            Name::from("bedrock:callwithbearertoken"),
        ]);
        if acts == bearer && s.resource.is_any() {
            out.push_str(&with_clauses("deny api_keys", &clauses(s, c, none)?));
            any = true;
            continue;
        }
        // `deny api_keys long_term|short_term`: one statement per endpoint, by token type.
        if s.resource.is_any() && acts == FlatSet::from([Name::from("bedrock:callwithbearertoken")])
        {
            let kind =
                entry(s, Op::StringEquals, "bedrock:BearerTokenType").and_then(|v| {
                    match v.iter().map(|v| &**v).collect::<Vec<_>>().as_slice() {
                        ["LONG_TERM"] => Some("long_term"),
                        ["SHORT_TERM"] => Some("short_term"),
                        _ => None,
                    }
                });
            let skip = |key: &'static str| {
                move |k: &str, o: &Operator| {
                    o.op == Op::StringEquals && o.qualifier.is_none() && k.eq_ignore_ascii_case(key)
                }
            };
            if let (Some(kind), Some(own)) = (kind, clauses(s, c, &skip("bedrock:BearerTokenType")))
            {
                let want = entry(s, Op::StringEquals, "bedrock:BearerTokenType");
                let mantle = statements.iter().enumerate().position(|(j, t)| {
                    j > i
                        && !used.get(j).copied().unwrap_or(true)
                        && t.effect == Effect::Deny
                        && !t.action.negated
                        && t.resource.is_any()
                        && action_set(t)
                            == FlatSet::from([Name::from("bedrock-mantle:callwithbearertoken")])
                        && entry(t, Op::StringEquals, "bedrock-mantle:BearerTokenType") == want
                        && conds
                            .get(j)
                            .and_then(|cj| clauses(t, cj, &skip("bedrock-mantle:BearerTokenType")))
                            == Some(own.clone())
                });
                if let Some(m) = mantle {
                    if let Some(u) = used.get_mut(m) {
                        *u = true;
                    }
                    out.push_str(&with_clauses(&format!("deny api_keys {kind}"), &own));
                    any = true;
                    continue;
                }
            }
        }
        match surface_statement(s, c) {
            Some(text) => out.push_str(&text),
            None => out.push_str(core.get(i)?.as_deref()?),
        }
    }
    out.push_str("}\n");
    any.then_some(out)
}

/// Reads a policy document and writes it as a `.gov` block named `name`.
pub fn import_policy(
    cat: &crate::catalog::Catalog,
    name: &str,
    text: &str,
) -> Result<Imported, String> {
    // An RCP names its principal; an SCP cannot.
    let rcp = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| {
            let st = v.get("Statement")?.clone();
            let first = match st {
                serde_json::Value::Array(a) => a.into_iter().next()?,
                one => one,
            };
            Some(first.get("Principal").is_some())
        })
        .unwrap_or(false);
    let statements = if rcp {
        parse_rcp(text)?
    } else {
        parse_policy(text)?
    };
    let mut out = String::new();
    let _ = writeln!(out, "{} {name} {{", if rcp { "rcp" } else { "scp" });
    let mut surface = Some(out.clone());
    let mut all_conds: Vec<Vec<String>> = Vec::new();
    let mut refusal: Option<String> = None;
    // Each statement's core rule; `None` for one no core rule says.
    let mut core: Vec<Option<String>> = Vec::new();
    for (i, s) in statements.iter().enumerate() {
        if let Some(sid) = &s.sid {
            let _ = writeln!(out, "  // Sid: {}", sid.replace(['\n', '\r'], " "));
        }
        let effect = match s.effect {
            Effect::Deny => "forbid",
            Effect::Allow => "permit",
        };
        let entries: Vec<String> = [
            scope("action", &s.action, false),
            scope("resource", &s.resource, true),
        ]
        .into_iter()
        .flatten()
        .collect();
        let mut conds = Vec::new();
        let mut refused_here = false;
        for (o, keys) in &s.condition {
            for (k, vs) in keys {
                // The language compares a key by its type: an ARN key with the Arn operators,
                // which match differently from the String ones a document may use on it.
                let arn_key = cat
                    .condition_key(k)
                    .is_some_and(|ck| ck.ty.element() == crate::catalog::KeyType::Arn);
                // Without a wildcard or a variable, `StringEquals` and `ArnEquals` (and their
                // negations) hold on the same requests — what the compiler itself writes for
                // `principal "arn:…"` — so those go on to the proof, which has the last word.
                let plain_values = vs
                    .iter()
                    .all(|v| !v.contains(['*', '?']) && !v.contains("${"));
                let exact = matches!(o.op, Op::StringEquals | Op::StringNotEquals) && plain_values;
                if arn_key && o.op.name().starts_with("String") && !exact {
                    // No core rule says it; a surface statement that compiles to it may
                    // (`require application_inference_profile`), so the refusal waits for
                    // `recognise`.
                    refusal.get_or_insert(format!(
                        "statement {}: `{}` on the ARN key `{k}`: the language compares ARN keys as ARNs (`Arn…` operators), which match some values differently; no core rule says this",
                        i + 1,
                        o.op.name()
                    ));
                    conds.push(String::new());
                    refused_here = true;
                    continue;
                }
                let vs: Vec<String> = vs.iter().map(|v| v.to_string()).collect();
                conds.push(predicate(o, k, &vs).map_err(|e| format!("statement {}: {e}", i + 1))?);
            }
        }
        let mut rule = format!("  {effect} ({})", entries.join(", "));
        if !conds.is_empty() {
            let _ = write!(rule, "\n    when {{ {} }}", conds.join(" && "));
        }
        rule.push_str(";\n");
        out.push_str(&rule);
        core.push((!refused_here).then_some(rule));
        match (&mut surface, surface_statement(s, &conds)) {
            (Some(text), Some(stmt)) => {
                if let Some(sid) = &s.sid {
                    let _ = writeln!(text, "  // Sid: {}", sid.replace(['\n', '\r'], " "));
                }
                text.push_str(&stmt);
            }
            _ => surface = None,
        }
        all_conds.push(conds);
    }
    out.push_str("}\n");
    if let Some(text) = &mut surface {
        text.push_str("}\n");
    }
    let recognised = if rcp {
        None
    } else {
        recognise(name, &statements, &all_conds, &core)
    };
    // What no core rule says is imported only through a recognised statement.
    let (out, surface) = match (&refusal, &recognised) {
        (None, _) => (out, surface),
        (Some(_), Some(r)) => (r.clone(), None),
        (Some(why), None) => return Err(why.clone()),
    };
    Ok(Imported {
        text: out,
        surface,
        recognised,
        refusal,
        rcp,
        statements,
        compiled_chars: 0,
        warnings: Vec::new(),
    })
}

/// Imports a document and keeps the first text that is proven to decide as it: the surface
/// statements when the document has them, else the core rules. The kept text is in `text`;
/// `surface` says whether it was the surface form. `Err` when neither is proven.
pub fn import_verified(
    catalog: crate::catalog::Shared,
    name: &str,
    file: &str,
    json: &str,
) -> Result<(Imported, bool), String> {
    let imported = import_policy(&catalog, name, json)?;
    for candidate in [&imported.recognised, &imported.surface]
        .into_iter()
        .flatten()
    {
        let candidate = Imported {
            text: candidate.clone(),
            ..imported.clone()
        };
        if let Ok((chars, warnings)) = verify_import(catalog.clone(), file, &candidate) {
            return Ok((
                Imported {
                    compiled_chars: chars,
                    warnings,
                    ..candidate
                },
                true,
            ));
        }
    }
    if let Some(why) = &imported.refusal {
        return Err(why.clone());
    }
    let (chars, warnings) = verify_import(catalog, file, &imported)?;
    Ok((
        Imported {
            compiled_chars: chars,
            warnings,
            ..imported
        },
        false,
    ))
}

/// Compiles the imported text alone and proves that its documents decide every request as the
/// JSON does (beside FullAWSAccess or RCPFullAWSAccess when the JSON only denies, as it is
/// deployed): the characters of those documents. `Err` says why not: a diagnostic of the
/// text, or a request the two decide differently.
pub fn verify_import(
    catalog: crate::catalog::Shared,
    file: &str,
    imported: &Imported,
) -> Result<(usize, Vec<String>), String> {
    use crate::document::DocKind;
    use crate::proof::{describe_request, prove_statements, Verdict};
    let files = BTreeMap::from([(file.to_string(), imported.text.clone())]);
    let built = compile_in_memory(catalog, &files, file, "the imported text")?;
    let output = &built.output;
    let kind = if imported.rcp {
        DocKind::Rcp
    } else {
        DocKind::Scp
    };
    let compiled: Vec<Statement> = output
        .documents
        .iter()
        .filter(|d| d.kind == kind)
        .flat_map(|d| d.statements.iter().cloned())
        .collect();
    let allows = imported
        .statements
        .iter()
        .any(|s| s.effect == Effect::Allow);
    let with_full = |sts: &[Statement]| -> Vec<Statement> {
        if allows {
            sts.to_vec()
        } else {
            std::iter::once(Statement::allow_all())
                .chain(sts.iter().cloned())
                .collect()
        }
    };
    let chars = output
        .documents
        .iter()
        .filter(|d| d.kind == kind)
        .map(|d| d.content.chars().count())
        .sum();
    match prove_statements(
        &output.catalog,
        &with_full(&imported.statements),
        &with_full(&compiled),
    ) {
        Verdict::Proven => Ok((chars, built.warnings)),
        Verdict::Differs {
            request,
            source_allows,
        } => Err(format!(
            "the imported text decides differently from the JSON: the JSON {} {}",
            if source_allows { "allows" } else { "denies" },
            describe_request(&request)
        )),
        Verdict::NotProven(why) => Err(format!("not proven equivalent: {why}")),
    }
}

/// A program held in memory, checked and compiled alone.
pub(crate) struct InMemory {
    /// The database the program was loaded into (its rules are read from it).
    pub database: crate::db::Database,
    /// The program's workspace in `database`.
    pub ws: crate::db::Workspace,
    /// What it compiled to.
    pub output: crate::compile::Output,
    /// Its warnings, `CODE message`, each once (the compile repeats the checker's).
    pub warnings: Vec<String>,
}

/// Loads `root` and the files it uses from `files` (by path), checks and compiles them:
/// what `govc import` proves before it writes anything. `Err` names the first error, as of
/// `what` ("the imported text").
pub(crate) fn compile_in_memory(
    catalog: crate::catalog::Shared,
    files: &BTreeMap<String, String>,
    root: &str,
    what: &str,
) -> Result<InMemory, String> {
    use crate::db::{self, Database};
    let mut database = Database::new(catalog);
    let (ws, _) = db::load(&mut database, &[root.to_string()], &|p| {
        files
            .get(p)
            .map(|t| t.clone().into_bytes())
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
    });
    let diagnostics = db::program_diagnostics(&database, ws);
    if let Some(e) = diagnostics.iter().find(|d| d.is_error()) {
        return Err(format!(
            "{what} does not check: {} {}",
            e.code.as_str(),
            e.message
        ));
    }
    let (output, lints) = db::compile_workspace(&database, ws, &crate::compile::Options::default())
        .map_err(|ds| match ds.iter().find(|d| d.is_error()) {
            Some(d) => format!("{what} does not compile: {} {}", d.code.as_str(), d.message),
            None => format!("{what} does not compile"),
        })?;
    let mut warnings: Vec<String> = Vec::new();
    for d in diagnostics.iter().chain(lints.iter()) {
        let w = format!("{} {}", d.code.as_str(), d.message);
        if !d.is_error() && !warnings.contains(&w) {
            warnings.push(w);
        }
    }
    Ok(InMemory {
        database,
        ws,
        output,
        warnings,
    })
}
