#![warn(missing_docs)]

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
//!
//! The main path, as `govc compile` takes it: a database made with the catalog, the program
//! loaded through a read callback (here one file held in memory), then checked and compiled.
//!
//! ```
//! use govc_compiler::{catalog, compile, db};
//!
//! const MAIN: &str = r#"
//! org {
//!   root = "r-a1b2"
//!   account ai_platform = "123456789012"
//! }
//! scp baseline {
//!   deny model deepseek*
//! }
//! attach baseline to root
//! "#;
//!
//! let mut database = db::Database::new(catalog::embedded());
//! let read = |path: &str| match path {
//!     "main.gov" => Ok(MAIN.as_bytes().to_vec()),
//!     _ => Err(std::io::Error::from(std::io::ErrorKind::NotFound)),
//! };
//! let (ws, failed) = db::load(&mut database, &["main.gov".to_string()], &read);
//! assert!(failed.is_empty());
//!
//! let (output, warnings) =
//!     db::compile_workspace(&database, ws, &compile::Options::default()).expect("no errors");
//! assert!(warnings.is_empty(), "{warnings:?}");
//! let scp = output
//!     .documents
//!     .iter()
//!     .find(|d| d.file() == "scp/baseline.json")
//!     .expect("the SCP is written");
//! let json: serde_json::Value = serde_json::from_str(&scp.content).expect("valid JSON");
//! assert_eq!(json["Version"], "2012-10-17");
//! assert_eq!(scp.targets, ["root"]);
//! ```

pub mod catalog;
pub mod check;
pub mod compile;
pub mod db;
pub mod diff;
pub mod document;
pub mod effective;
pub mod equivalence;
pub mod import;
pub mod ir;
pub(crate) mod lint;
pub mod optimize;
pub mod proof;
pub mod rules;
pub mod semantics;
pub mod sources;
pub mod stdlib;
pub(crate) mod suggest;
pub mod verify;

// The first layer is its own crate; these keep its modules at the paths the rest of govc uses.
pub use govc_syntax as syntax;
pub use govc_syntax::{diagnostics, format};
// Wildcard matching belongs to the IAM layer; kept at its old path too.
pub use govc_iam::glob;
