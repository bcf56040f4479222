//! Quick fixes: every diagnostic of the document that carries a fix ("did you mean `x`?")
//! and overlaps the requested range becomes a code action replacing the span.

use std::collections::HashMap;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionResponse,
    TextEdit, WorkspaceEdit,
};

use crate::convert;
use crate::world::Snapshot;

pub fn code_actions(snap: &Snapshot, p: &CodeActionParams) -> Result<Option<CodeActionResponse>> {
    let (text, li) = snap.doc();
    let want = li.span_clamped(text, p.range)?;
    let uri = &p.text_document.uri;
    let mut out = Vec::new();
    for d in snap.diagnostics_of(&snap.path) {
        let Some(fix) = &d.fix else { continue };
        let span = d.span.range();
        // Overlap, counting touching ends (a cursor right after the word).
        if span.start > want.end || want.start > span.end {
            continue;
        }
        let lsp_diag = convert::to_lsp(snap, uri, text, &li, &d);
        let edit = TextEdit::new(li.range(text, fix.span), fix.replacement.clone());
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: format!("Replace with `{}`", fix.replacement),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![lsp_diag]),
            edit: Some(WorkspaceEdit::new(HashMap::from([(
                uri.clone(),
                vec![edit],
            )]))),
            command: None,
            is_preferred: Some(true),
            disabled: None,
            data: None,
        }));
    }
    Ok(Some(out))
}
