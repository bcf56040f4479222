//! The formatter (`govc fmt`, and the language server's formatting): one canonical layout for
//! `.gov` files, comments kept. Pure functions over text; the style is documented in
//! `docs/formatter.md`.
//!
//! The AST decides the layout (one statement per line, spacing, wrapping); the lexer's comments
//! are put back by position (see [`print`]). [`format_source`] refuses files with syntax errors
//! and checks its own output: the result must parse to the same tree (spans aside) with the
//! same comments, or the file is left alone.

mod erase;
mod layout;
mod print;

pub use erase::erase_spans;
pub use print::quote;

use crate::ast::File;
use crate::diagnostics::{Code, Diagnostic};
use crate::lexer::{self, Comment};
use crate::Span;

/// Lines are wrapped to fit this many characters where the syntax allows.
pub(crate) const WIDTH: usize = 100;

/// Formats a whole file. `Err` holds the lexical and syntax diagnostics when the file does not
/// parse (nothing is formatted then), or E0011 if the result would not mean the same.
pub fn format_source(text: &str) -> Result<String, Vec<Diagnostic>> {
    let parsed = crate::parse(text);
    if !parsed.diagnostics.is_empty() {
        return Err(parsed.diagnostics);
    }
    let out = format_file(&parsed.file, &parsed.comments, text);
    let again = crate::parse(&out);
    let same_tree = again.diagnostics.is_empty()
        && erase_spans(&again.file) == erase_spans(&parsed.file)
        && comment_texts(&again.comments, &out) == comment_texts(&parsed.comments, text);
    if same_tree {
        Ok(out)
    } else {
        Err(vec![Diagnostic::new(
            Code::E0011,
            Span::new(0, 0),
            "the formatter's output would not mean the same as this file".to_string(),
        )
        .with_label("file left unchanged")
        .with_help(
            "this is a bug in govc fmt; please report it with the file",
        )])
    }
}

/// Formats a parsed file (`comments` and `text` as the parser saw them). The caller makes sure
/// the file parsed without errors; error nodes are copied through as written.
pub(crate) fn format_file(file: &File, comments: &[Comment], text: &str) -> String {
    let lexed = lexer::lex(text);
    let mut p = print::Printer::new(text, &lexed.tokens, comments);
    p.file(file);
    layout::render(&p.ops, WIDTH)
}

/// The text of each comment as the formatter keeps it (line comments lose trailing blanks).
pub fn comment_texts(comments: &[Comment], text: &str) -> Vec<String> {
    comments
        .iter()
        .map(|c| {
            let raw = text.get(c.span.range()).unwrap_or("");
            if c.block {
                raw.to_string()
            } else {
                raw.trim_end().to_string()
            }
        })
        .collect()
}
