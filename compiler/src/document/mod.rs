//! Layer 4 (docs/architecture.md; outputs in docs/compiler.md): documents — minified JSON files with their type, size, targets
//! and sources — and the manifest that lists them.

pub mod bedrock;
pub mod controltower;
pub mod pack;
pub mod write;

use crate::syntax::Span;

/// The `type` of a manifest entry (docs/compiler.md, `manifest.json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DocKind {
    Scp,
    BedrockPolicy,
    IamPolicy,
    ControlTowerControl,
}

impl DocKind {
    pub fn type_name(self) -> &'static str {
        match self {
            DocKind::Scp => "SERVICE_CONTROL_POLICY",
            DocKind::BedrockPolicy => "BEDROCK_POLICY",
            DocKind::IamPolicy => "IAM_POLICY",
            DocKind::ControlTowerControl => "CONTROL_TOWER_CONTROL",
        }
    }

    /// The output directory (docs/compiler.md, "Output").
    pub fn dir(self) -> &'static str {
        match self {
            DocKind::Scp => "scp",
            DocKind::BedrockPolicy => "bedrock",
            DocKind::IamPolicy => "iam",
            DocKind::ControlTowerControl => "controltower",
        }
    }
}

/// A source location: file path as loaded, and span.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Source {
    pub file: String,
    pub span: Span,
}

/// One output file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// File stem, unique per kind.
    pub name: String,
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
    /// The statements `content` holds, with their origins (SCP and IAM documents).
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
    pub fn group_key(&self) -> (DocKind, Vec<String>, String) {
        if self.kind == DocKind::Scp && !self.targets.is_empty() {
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
    pub name: String,
    pub id: String,
    pub kind: crate::rules::TargetKind,
    /// Documents of this compile attached directly to the target.
    pub documents: Vec<String>,
    /// FullAWSAccess stays attached (it uses a slot) unless an allow-list replaces it.
    pub full_aws_access: bool,
    /// Control Tower controls enabled on the target; each is an SCP in a slot.
    pub controls: Vec<String>,
    pub limit: usize,
}

impl TargetSlots {
    pub fn used(&self) -> usize {
        self.documents.len() + usize::from(self.full_aws_access) + self.controls.len()
    }

    pub fn free(&self) -> usize {
        self.limit.saturating_sub(self.used())
    }
}
