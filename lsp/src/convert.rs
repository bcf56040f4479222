//! Compiler diagnostics as LSP diagnostics. The message and code are `govc check`'s; the label,
//! help line and notes, which a terminal shows under the source line, become related
//! information at the primary span (editors list it under the message), secondary labels
//! related information at their own spans. The quick fix travels in `data`.

use govc_compiler::diagnostics::{Diagnostic, Severity};
use serde_json::json;
use tower_lsp_server::ls_types::{
    self as lsp, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri,
};

use crate::line_index::LineIndex;
use crate::world::{uri_of, Snapshot};

pub fn to_lsp(
    snap: &Snapshot,
    uri: &Uri,
    text: &str,
    li: &LineIndex,
    d: &Diagnostic,
) -> lsp::Diagnostic {
    let range = li.range(text, d.span);
    let here = Location::new(uri.clone(), range);
    let mut related = Vec::new();
    if let Some(label) = &d.label {
        related.push(DiagnosticRelatedInformation {
            location: here.clone(),
            message: label.clone(),
        });
    }
    for l in &d.secondary {
        let file = l.file.as_deref().unwrap_or(&d.file);
        let location = if file == d.file {
            Some(Location::new(uri.clone(), li.range(text, l.span)))
        } else {
            uri_of(file).map(|u| {
                let t = snap.text(file).unwrap_or("");
                Location::new(u, LineIndex::new(t).range(t, l.span))
            })
        };
        if let Some(location) = location {
            related.push(DiagnosticRelatedInformation {
                location,
                message: l.message.clone(),
            });
        }
    }
    if let Some(help) = &d.help {
        related.push(DiagnosticRelatedInformation {
            location: here.clone(),
            message: format!("help: {help}"),
        });
    }
    for n in &d.notes {
        related.push(DiagnosticRelatedInformation {
            location: here.clone(),
            message: format!("note: {n}"),
        });
    }
    let data = d.fix.as_ref().map(|f| {
        json!({
            "fix": {
                "range": li.range(text, f.span),
                "replacement": f.replacement,
            }
        })
    });
    lsp::Diagnostic {
        range,
        severity: Some(match d.severity() {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.as_str().to_string())),
        code_description: None,
        source: Some("govc".to_string()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data,
    }
}

/// An `InvalidParams` error: the request names a position, range or document that does not
/// exist.
pub fn invalid(msg: impl Into<String>) -> tower_lsp_server::jsonrpc::Error {
    tower_lsp_server::jsonrpc::Error {
        code: tower_lsp_server::jsonrpc::ErrorCode::InvalidParams,
        message: msg.into().into(),
        data: None,
    }
}

impl From<crate::line_index::BadPosition> for tower_lsp_server::jsonrpc::Error {
    fn from(_: crate::line_index::BadPosition) -> Self {
        invalid("position outside the document")
    }
}
