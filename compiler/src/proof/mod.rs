//! Decision procedures for proofs about compiled policies. A policy's meaning depends on a few
//! string-valued request fields (the action, the resource ARN, condition values), each tested by
//! IAM wildcard, equality and ARN patterns; [`cells`] splits the strings of one such field into
//! the finitely many classes those tests can tell apart, each with a concrete witness, so that a
//! later equivalence proof can range over witnesses instead of over all strings.

pub mod cells;
