//! Layer 4 (docs/architecture.md; outputs in docs/compiler.md): documents — minified JSON files with their type, size, targets
//! and sources — and the manifest that lists them.

pub(crate) mod bedrock;
pub mod controltower;
pub(crate) mod pack;
pub mod write;

use crate::syntax::Span;

/// The `type` of a manifest entry (docs/compiler.md, `manifest.json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DocKind {
    /// A service control policy, attached to targets of the organization.
    Scp,
    /// A resource control policy, attached to targets of the organization.
    Rcp,
    /// A Bedrock organization policy (`BEDROCK_POLICY`), from a `guardrail` block.
    BedrockPolicy,
    /// An IAM identity policy, from an `identity` block.
    IamPolicy,
    /// The parameters of a Control Tower control (`CT.MULTISERVICE.PV.1`), from a `control` block.
    ControlTowerControl,
}

impl DocKind {
    /// The manifest's `type`: `SERVICE_CONTROL_POLICY`, `RESOURCE_CONTROL_POLICY`,
    /// `BEDROCK_POLICY`, `IAM_POLICY` or `CONTROL_TOWER_CONTROL`.
    pub fn type_name(self) -> &'static str {
        match self {
            DocKind::Scp => "SERVICE_CONTROL_POLICY",
            DocKind::Rcp => "RESOURCE_CONTROL_POLICY",
            DocKind::BedrockPolicy => "BEDROCK_POLICY",
            DocKind::IamPolicy => "IAM_POLICY",
            DocKind::ControlTowerControl => "CONTROL_TOWER_CONTROL",
        }
    }

    /// The output directory (docs/compiler.md, "Output").
    pub fn dir(self) -> &'static str {
        match self {
            DocKind::Scp => "scp",
            DocKind::Rcp => "rcp",
            DocKind::BedrockPolicy => "bedrock",
            DocKind::IamPolicy => "iam",
            DocKind::ControlTowerControl => "controltower",
        }
    }
}

/// A source location: file path as loaded, and span.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Source {
    /// The path key of the source file.
    pub file: crate::ir::Name,
    /// The span of the source statement in that file.
    pub span: Span,
}

/// One output file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// File stem, unique per kind.
    pub name: String,
    /// What kind of document it is, which decides its directory and quota.
    pub kind: DocKind,
    /// Minified, ASCII-only JSON.
    pub content: String,
    /// Target names (root, OUs, accounts) it is attached to or enabled on.
    pub targets: Vec<String>,
    /// Source statements, sorted.
    pub sources: Vec<Source>,
    /// The policy blocks it was compiled from.
    pub policies: Vec<String>,
    /// The size quota it was checked against.
    pub limit: usize,
    /// The statements `content` holds, with their origins (SCP, RCP and IAM documents).
    pub statements: Vec<crate::ir::Statement>,
}

impl Document {
    /// Path relative to the output directory, e.g. `scp/models.json`.
    pub fn file(&self) -> String {
        format!("{}/{}.json", self.kind.dir(), self.name)
    }

    /// Which documents were packed from the same statements: attached SCPs by their targets
    /// (SCPs attached to the same targets share documents), the rest by base name (`name`,
    /// `name-2`, … are one group).
    pub(crate) fn group_key(&self) -> (DocKind, Vec<String>, String) {
        if matches!(self.kind, DocKind::Scp | DocKind::Rcp) && !self.targets.is_empty() {
            (self.kind, self.targets.clone(), String::new())
        } else {
            let base = self.name.split('-').next().unwrap_or("").to_string();
            (self.kind, Vec::new(), base)
        }
    }

    /// Characters as AWS counts them; the content is ASCII, so bytes.
    pub fn chars(&self) -> usize {
        self.content.len()
    }
}

/// SCP slot use of one target (docs/compiler.md, `manifest.json` and "Quotas").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetSlots {
    /// The target's name in `org`.
    pub name: String,
    /// The target's AWS id: `r-…`, `ou-…` or a 12-digit account id.
    pub id: String,
    /// Whether the target is the root, an OU or an account.
    pub kind: crate::rules::TargetKind,
    /// Documents of this compile attached directly to the target.
    pub documents: Vec<String>,
    /// FullAWSAccess stays attached (it uses a slot) unless an allow-list replaces it.
    pub full_aws_access: bool,
    /// Control Tower controls enabled on the target; each is an SCP in a slot.
    pub controls: Vec<String>,
    /// The SCP slots a target has (`limits.scp_per_target`).
    pub limit: usize,
    /// RCP documents of this compile attached directly to the target. RCPFullAWSAccess is
    /// always attached too and uses one of the [`Limits::RCP_PER_TARGET`] slots.
    ///
    /// [`Limits::RCP_PER_TARGET`]: crate::rules::Limits::RCP_PER_TARGET
    pub rcp_documents: Vec<String>,
}

impl TargetSlots {
    /// Slots in use: this compile's documents, FullAWSAccess if it stays, and the controls.
    pub fn used(&self) -> usize {
        self.documents.len() + usize::from(self.full_aws_access) + self.controls.len()
    }

    /// Slots left for other SCPs (none when over the limit).
    pub(crate) fn free(&self) -> usize {
        self.limit.saturating_sub(self.used())
    }

    /// RCP slots in use: this compile's RCP documents and RCPFullAWSAccess, which AWS
    /// attaches everywhere and which cannot be detached.
    pub fn rcp_used(&self) -> usize {
        self.rcp_documents.len() + 1
    }
}
