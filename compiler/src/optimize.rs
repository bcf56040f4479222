//! Optimisation passes over IAM statements (BRIEF §5): each preserves every decision.
// TEMP SHIM (not committed)
use crate::ir::Statement;
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    pub compress_actions: bool,
}
pub fn optimize(statements: Vec<Statement>, _opts: &Options) -> Vec<Statement> {
    statements
}
pub fn subsumes(a: &Statement, b: &Statement) -> bool {
    a.effect == b.effect
        && a.action == b.action
        && a.resource == b.resource
        && a.condition == b.condition
}
