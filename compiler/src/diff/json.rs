//! `govc diff --format json`.

use serde_json::{json, Value};

use super::{Diff, Direction};
use crate::ir::eval::ContextValue;
use crate::verify::{Evaluation, Locate, Outcome};

fn evaluation(e: &Evaluation, locate: Locate<'_>) -> Value {
    let (outcome, no_allow_at) = match &e.outcome {
        Outcome::Allowed => ("allowed", None),
        Outcome::Denied => ("denied", None),
        Outcome::NoAllowAt(t) => ("no_allow", Some(t.as_str())),
    };
    let deciding: Vec<Value> = e
        .deciding
        .iter()
        .map(|(level, s)| {
            json!({
                "level": &**level,
                "effect": s.statement.effect.name(),
                "from": s.provenance.describe(),
                "sources": s.statement.origins.iter().map(|o| locate(&o.file, o.span)).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({"outcome": outcome, "no_allow_at": no_allow_at, "deciding": deciding})
}

/// The diff as one JSON document (docs/verify.md, "Reviewing a change").
pub fn report_json(d: &Diff, old_locate: Locate<'_>, new_locate: Locate<'_>) -> String {
    let changes: Vec<Value> = d
        .changes
        .iter()
        .map(|c| {
            let context: serde_json::Map<String, Value> = c
                .request
                .context
                .iter()
                .map(|(k, v)| {
                    let v = match v {
                        ContextValue::One(x) => json!(x),
                        ContextValue::Many(xs) => json!(xs),
                    };
                    (k.clone(), v)
                })
                .collect();
            json!({
                "account": c.account,
                "direction": match c.direction {
                    Direction::NewlyAllowed => "newly_allowed",
                    Direction::NewlyDenied => "newly_denied",
                },
                "request": {"action": c.request.action, "resource": c.request.resource, "context": context},
                "before": evaluation(&c.old, old_locate),
                "after": evaluation(&c.new, new_locate),
            })
        })
        .collect();
    let v = json!({
        "changed": !d.is_empty(),
        "accounts_compared": d.compared,
        "changes": changes,
        "not_compared": d.unproven.iter().map(|(a, why)| json!({"account": a, "why": why})).collect::<Vec<_>>(),
        "accounts_only_old": d.accounts_only.0,
        "accounts_only_new": d.accounts_only.1,
        "documents": d.documents.iter().map(|doc| json!({
            "file": doc.file,
            "chars_before": doc.chars.0,
            "chars_after": doc.chars.1,
            "targets_before": doc.targets.0,
            "targets_after": doc.targets.1,
        })).collect::<Vec<_>>(),
        "slots": d.slots.iter().map(|t| json!({
            "target": t.target,
            "scp_before": t.scp.0, "scp_after": t.scp.1,
            "rcp_before": t.rcp.0, "rcp_after": t.rcp.1,
            "full_aws_access_before": t.full_aws_access.0, "full_aws_access_after": t.full_aws_access.1,
        })).collect::<Vec<_>>(),
    });
    let mut s = crate::diagnostics::render::terminal_safe_json(
        serde_json::to_string_pretty(&v).unwrap_or_default(),
    );
    s.push('\n');
    s
}
