//! `govc diff --format json`.

use serde_json::{json, Value};

use super::{Diff, Direction};
use crate::verify::{json, Evaluation, Locate};

fn evaluation(e: &Evaluation, locate: Locate<'_>) -> Value {
    let (outcome, no_allow_at) = json::outcome(e);
    json!({"outcome": outcome, "no_allow_at": no_allow_at, "deciding": json::deciding(e, locate)})
}

/// The diff as one JSON document (docs/verify.md, "Reviewing a change").
pub fn report_json(d: &Diff, old_locate: Locate<'_>, new_locate: Locate<'_>) -> String {
    let changes: Vec<Value> = d
        .changes
        .iter()
        .map(|c| {
            let context = json::context(&c.request);
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
