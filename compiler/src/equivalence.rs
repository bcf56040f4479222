//! The equivalence check of `govc verify` over a compile's documents: each group of documents
//! decides every request exactly as the unoptimised lowering of its policies (the check itself,
//! on statements, is `govc_iam::equivalence`).

pub use crate::ir::equivalence::*;
use crate::ir::Statement;

/// The verdict for the documents compiled from one set of policies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupVerdict {
    /// The documents' files.
    pub documents: Vec<String>,
    /// The policy blocks the documents were compiled from, sorted.
    pub policies: Vec<String>,
    /// How they compare with the unoptimised lowering: equivalent, different, or unproven.
    pub verdict: Verdict,
}

/// Checks every group of SCP, RCP and IAM documents of a compile against the lowering of the
/// policies it was compiled from. SCPs attached to the same targets form one group (they share
/// documents); an IAM policy is its own group.
pub fn check_output(output: &crate::compile::Output) -> Vec<GroupVerdict> {
    use crate::document::DocKind;
    use std::collections::{BTreeMap, BTreeSet};
    // Compression is checked over the catalog's actions, as the source proof is
    // (`compile::Output::exact`, docs/verify.md).
    let exact = output.exact();
    let output = &*exact;
    let mut groups: BTreeMap<_, Vec<&crate::document::Document>> = BTreeMap::new();
    for d in &output.documents {
        if matches!(d.kind, DocKind::Scp | DocKind::Rcp | DocKind::IamPolicy) {
            groups.entry(d.group_key()).or_default().push(d);
        }
    }
    groups
        .into_values()
        .map(|docs| {
            let policies: BTreeSet<String> = docs
                .iter()
                .flat_map(|d| d.policies.iter().cloned())
                .collect();
            let lowered: Vec<Statement> = policies
                .iter()
                .filter_map(|p| output.lowered.get(p))
                .flat_map(|p| p.statements.iter().cloned())
                .collect();
            let optimised: Vec<Statement> = docs
                .iter()
                .flat_map(|d| d.statements.iter().cloned())
                .collect();
            GroupVerdict {
                documents: docs.iter().map(|d| d.file()).collect(),
                policies: policies.into_iter().collect(),
                verdict: check(&lowered, &optimised),
            }
        })
        .collect()
}
