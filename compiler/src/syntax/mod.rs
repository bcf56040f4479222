//! Surface syntax: lexer, grammar and AST.
pub mod lexer;
pub mod span;
pub use span::{Span, Spanned};

#[allow(clippy::all, unused, clippy::unwrap_used, clippy::indexing_slicing)]
mod grammar {
    include!(concat!(env!("OUT_DIR"), "/syntax/grammar.rs"));
}
