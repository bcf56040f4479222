//! Surface syntax: lexer, grammar and AST. Knows nothing of salsa, the catalog or LSP.
pub mod ast;
pub mod lexer;
pub mod parser;
pub mod span;
pub use parser::{parse, Parsed};
pub use span::{Span, Spanned};

#[allow(clippy::all, unused, clippy::unwrap_used, clippy::indexing_slicing, clippy::panic, clippy::expect_used)]
mod grammar {
    include!(concat!(env!("OUT_DIR"), "/syntax/grammar.rs"));
}
