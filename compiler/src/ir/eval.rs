//! Evaluates IR statements against one request (IAM semantics, facts §3).
