//! Layer 3, the IAM statements: the `govc-iam` crate (which knows nothing of `.gov`), and the
//! lowering from core rules into it, which is the compiler's.

pub use govc_iam::*;

pub(crate) mod lower;
