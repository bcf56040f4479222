//! Inlay hints for the size budgets (docs/compiler.md, "Quotas"): after each policy block's name, the
//! characters its statements take and the size of its document against the quota; after each
//! target in `org`, the SCP slots it uses. They come from the compiled output, so they show
//! only while the program compiles.

use govc_compiler::rules::Limits;
use govc_compiler::syntax::ast::{ItemKind, OrgEntryKind};
use govc_compiler::syntax::Span;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{InlayHint, InlayHintLabel, InlayHintTooltip, Range};

use crate::world::{compiled, CompileCache, Snapshot};

pub fn hints(snap: &Snapshot, cache: &CompileCache, range: Range) -> Result<Vec<InlayHint>> {
    let (text, li) = snap.doc();
    let want = li.span_clamped(text, range)?;
    let Some(parsed) = snap.parsed(&snap.path) else {
        return Ok(Vec::new());
    };
    let Some(out) = compiled(snap, cache) else {
        return Ok(Vec::new());
    };
    let mut hints = Vec::new();
    let mut hint = |at: Span, label: String, tooltip: Option<String>| {
        let o = at.end as usize;
        if o < want.start || o > want.end {
            return;
        }
        hints.push(InlayHint {
            position: li.position(text, o),
            label: InlayHintLabel::String(label),
            kind: None,
            text_edits: None,
            tooltip: tooltip.map(InlayHintTooltip::String),
            padding_left: Some(true),
            padding_right: None,
            data: None,
        });
    };
    for item in &parsed.ast.items {
        match &item.kind {
            ItemKind::Scp(p) | ItemKind::Identity(p) | ItemKind::Rcp(p) => {
                let docs: Vec<_> = out
                    .documents
                    .iter()
                    .filter(|d| d.policies.contains(&p.name.name))
                    .collect();
                if docs.is_empty() {
                    continue;
                }
                let own: usize = docs
                    .iter()
                    .flat_map(|d| d.statements.iter())
                    .filter(|s| s.origins.iter().any(|o| *o.policy == *p.name.name))
                    .map(|s| govc_compiler::ir::json::statement(s).len())
                    .sum();
                let sizes: Vec<String> = docs
                    .iter()
                    .map(|d| format!("{}/{}", d.chars(), d.limit))
                    .collect();
                let files: Vec<String> = docs.iter().map(|d| d.file()).collect();
                hint(
                    p.name.span,
                    format!("{own} chars · doc {}", sizes.join(", ")),
                    Some(format!(
                        "statements of `{}`: {own} characters; documents {}",
                        p.name.name,
                        files.join(", ")
                    )),
                );
            }
            ItemKind::Guardrail(g) => {
                if let Some(d) = out
                    .documents
                    .iter()
                    .find(|d| d.policies.contains(&g.name.name))
                {
                    hint(
                        g.name.span,
                        format!(
                            "{}/{} chars",
                            d.chars(),
                            Limits::BEDROCK_POLICY_SIZE.min(d.limit)
                        ),
                        Some(d.file()),
                    );
                }
            }
            ItemKind::Org(org) => {
                for e in &org.entries {
                    let (name, span) = match &e.kind {
                        OrgEntryKind::Root { keyword, .. } => ("root", *keyword),
                        OrgEntryKind::Ou { name, .. } | OrgEntryKind::Account { name, .. } => {
                            (name.name.as_str(), name.span)
                        }
                        _ => continue,
                    };
                    if let Some(t) = out.targets.iter().find(|t| t.name == name) {
                        let mut parts = t.documents.clone();
                        if t.full_aws_access {
                            parts.push("FullAWSAccess".into());
                        }
                        parts.extend(t.controls.iter().cloned());
                        hint(
                            span,
                            format!("{}/{} SCPs", t.used(), t.limit),
                            (!parts.is_empty()).then(|| parts.join(", ")),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    // Sorted by position, as clients expect.
    hints.sort_by_key(|h| (h.position.line, h.position.character));
    Ok(hints)
}
