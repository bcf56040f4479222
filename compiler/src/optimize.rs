//! Optimisation passes over IAM statements (BRIEF §5): each preserves every decision.
