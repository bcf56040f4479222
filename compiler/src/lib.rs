//! The govc compiler: `.gov` source → checked program → (later) policy documents.
//!
//! Layers (docs/architecture.md), each a plain data type in its own module; the steps between them are
//! pure functions:
//! - [`syntax`]: text → tokens → AST (surface statements and core rules, every node spanned);
//! - [`check`]: AST + catalog → diagnostics (names, types, AWS reference data);
//! - [`db`]: the salsa database that makes parse/resolve/check incremental for CLI and LSP.
//!
//! Reference data lives in [`catalog`], the standard library in [`stdlib`], diagnostics and
//! their codes in [`diagnostics`].

pub mod catalog;
pub mod check;
pub mod compile;
pub mod db;
pub mod document;
pub mod effective;
pub mod equivalence;
pub mod ir;
pub mod lint;
pub mod optimize;
pub mod proof;
pub mod rules;
pub mod semantics;
pub mod sources;
pub mod stdlib;
pub mod suggest;
pub mod verify;

// The first layer is its own crate; these keep its modules at the paths the rest of govc uses.
pub use govc_syntax as syntax;
pub use govc_syntax::{diagnostics, format};
// Wildcard matching belongs to the IAM layer; kept at its old path too.
pub use govc_iam::glob;
