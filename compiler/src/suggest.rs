//! "Did you mean" suggestions (filled by the catalog work).
