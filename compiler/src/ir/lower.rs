//! Core rules (layer 2) → IAM statements (layer 3).
