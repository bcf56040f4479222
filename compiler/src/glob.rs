//! Wildcard matching (filled by the catalog work).
