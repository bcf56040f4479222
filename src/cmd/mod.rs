//! One module per subcommand; what they share (reading sources, reporting diagnostics,
//! compiling) is in `main.rs`.

pub(crate) mod check;
pub(crate) mod compile;
pub(crate) mod diff;
pub(crate) mod effective;
pub(crate) mod explain;
pub(crate) mod fmt;
pub(crate) mod import;
pub(crate) mod simulate;
pub(crate) mod verify;
