//! Formatting: the same canonical layout as `govc fmt` (`govc_compiler::format`).

use govc_compiler::format::format_source;
use govc_compiler::syntax::Span;
use tower_lsp_server::ls_types::TextEdit;

use crate::world::Snapshot;

/// One edit replacing the whole document, none when it is already formatted. A file with
/// syntax errors is left alone (no edits): its diagnostics already say why, and formatting
/// around an error could move code the user is still typing.
pub fn formatting(s: &Snapshot) -> Vec<TextEdit> {
    let (text, li) = s.doc();
    match format_source(text) {
        Ok(formatted) if formatted != text => vec![TextEdit {
            range: li.range(text, Span::new(0, text.len())),
            new_text: formatted,
        }],
        _ => Vec::new(),
    }
}
