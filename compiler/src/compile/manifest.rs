//! `manifest.json` (docs/compiler.md): one entry per document, and per target the SCP slots it uses.
//! Pretty-printed (it is read by people and scripts, never sent to AWS); keys sorted, so the
//! bytes are deterministic.

use serde_json::{json, Value};

use crate::compile::Output;
use crate::document::{DocKind, Document, TargetSlots};
use crate::rules::Limits;
use crate::syntax::Span;

/// `file.gov:line:col` of a source span; the caller knows the texts.
pub type Locate<'a> = &'a dyn Fn(&str, Span) -> String;

/// The text of `manifest.json` for a compilation (docs/compiler.md); `locate` turns each
/// document's source spans into `file.gov:line:col`.
pub fn render(out: &Output, locate: Locate<'_>) -> String {
    let ids = out.target_ids();
    let id_of = |name: &str| -> String { ids.get(name).unwrap_or(&name).to_string() };
    let documents: Vec<Value> = out
        .documents
        .iter()
        .map(|d| document(d, &id_of, locate))
        .collect();
    let targets: Vec<Value> = out.targets.iter().map(target).collect();
    let v = json!({
        "limits": {
            "scp_size": out.limits.scp_size,
            "scp_per_target": out.limits.scp_per_target,
            "bedrock_policy_size": Limits::BEDROCK_POLICY_SIZE,
            "iam_policy_size": Limits::IAM_POLICY_SIZE,
            "rcp_size": Limits::RCP_SIZE,
            "rcp_per_target": Limits::RCP_PER_TARGET,
        },
        "documents": documents,
        "targets": targets,
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

fn document(d: &Document, id_of: &dyn Fn(&str) -> String, locate: Locate<'_>) -> Value {
    let mut v = json!({
        "name": d.name,
        "type": d.kind.type_name(),
        "file": d.file(),
        "chars": d.chars(),
        "targets": d.targets.iter().map(|t| id_of(t)).collect::<Vec<_>>(),
        "target_names": d.targets,
        "policies": d.policies,
        "sources": d.sources.iter().map(|s| locate(&s.file, s.span)).collect::<Vec<_>>(),
    });
    if let Some(m) = v.as_object_mut() {
        if d.kind == DocKind::ControlTowerControl {
            m.insert(
                "control".into(),
                json!(crate::document::controltower::CONTROL_ID),
            );
        } else {
            m.insert("limit".into(), json!(d.limit));
        }
    }
    v
}

fn target(t: &TargetSlots) -> Value {
    json!({
        "name": t.name,
        "id": t.id,
        "type": t.kind.name(),
        "scp_slots_used": t.used(),
        "scp_slots_free": t.free(),
        "scp_documents": t.documents,
        "controls": t.controls,
        "rcp_slots_used": t.rcp_used(),
        "rcp_slots_free": Limits::RCP_PER_TARGET.saturating_sub(t.rcp_used()),
        "rcp_documents": t.rcp_documents,
        // An allow-list replaces FullAWSAccess: it must be detached when deploying.
        "full_aws_access": if t.full_aws_access { "attached" } else { "detach" },
    })
}
