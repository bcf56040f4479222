//! `manifest.json` (docs/compiler.md): one entry per document, and per target the SCP slots it uses.
//! Pretty-printed (it is read by people and scripts, never sent to AWS); keys sorted, so the
//! bytes are deterministic.

use serde::{Serialize, Serializer};

use crate::compile::Output;
use crate::document::{DocKind, Document, TargetSlots};
use crate::rules::Limits;
use crate::syntax::Span;

/// `file.gov:line:col` of a source span; the caller knows the texts.
pub type Locate<'a> = &'a dyn Fn(&str, Span) -> String;

/// The text of `manifest.json` for a compilation (docs/compiler.md); `locate` turns each
/// document's source spans into `file.gov:line:col`.
///
/// Written as it is serialised, one entry at a time, from structs whose fields are declared in
/// key order: building it as a `serde_json::Value` tree first held several times the text's
/// size at once (the largest step of a large program's `govc compile`, docs/benchmarks.md).
pub fn render(out: &Output, locate: Locate<'_>) -> String {
    let ids = out.target_ids();
    let id_of = |name: &str| -> String { ids.get(name).unwrap_or(&name).to_string() };
    let manifest = Manifest {
        documents: Seq(|| out.documents.iter().map(|d| document(d, &id_of, locate))),
        limits: ManifestLimits {
            bedrock_policy_size: Limits::BEDROCK_POLICY_SIZE,
            iam_policy_size: Limits::IAM_POLICY_SIZE,
            rcp_per_target: Limits::RCP_PER_TARGET,
            rcp_size: Limits::RCP_SIZE,
            scp_per_target: out.limits.scp_per_target,
            scp_size: out.limits.scp_size,
        },
        targets: Seq(|| out.targets.iter().map(target)),
    };
    let mut s = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    s.push('\n');
    s
}

fn document<'a>(
    d: &'a Document,
    id_of: &dyn Fn(&str) -> String,
    locate: Locate<'_>,
) -> DocumentEntry<'a> {
    let control = d.kind == DocKind::ControlTowerControl;
    DocumentEntry {
        chars: d.chars(),
        control: control.then_some(crate::document::controltower::CONTROL_ID),
        file: d.file(),
        limit: (!control).then_some(d.limit),
        name: &d.name,
        policies: &d.policies,
        sources: d.sources.iter().map(|s| locate(&s.file, s.span)).collect(),
        target_names: &d.targets,
        targets: d.targets.iter().map(|t| id_of(t)).collect(),
        kind: d.kind.type_name(),
    }
}

fn target(t: &TargetSlots) -> TargetEntry<'_> {
    TargetEntry {
        controls: &t.controls,
        // An allow-list replaces FullAWSAccess: it must be detached when deploying.
        full_aws_access: if t.full_aws_access {
            "attached"
        } else {
            "detach"
        },
        id: &t.id,
        name: &t.name,
        rcp_documents: &t.rcp_documents,
        rcp_slots_free: Limits::RCP_PER_TARGET.saturating_sub(t.rcp_used()),
        rcp_slots_used: t.rcp_used(),
        scp_documents: &t.documents,
        scp_slots_free: t.free(),
        scp_slots_used: t.used(),
        kind: t.kind.name(),
    }
}

// The entries' fields are declared in the order of their keys: the manifest's keys are sorted.

#[derive(Serialize)]
#[serde(bound(serialize = "Seq<D>: Serialize, Seq<T>: Serialize"))]
struct Manifest<D, T> {
    documents: Seq<D>,
    limits: ManifestLimits,
    targets: Seq<T>,
}

/// A list serialised from the entries its function yields, each built as it is written.
struct Seq<F>(F);

impl<F, I> Serialize for Seq<F>
where
    F: Fn() -> I,
    I: IntoIterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}

#[derive(Serialize)]
struct ManifestLimits {
    bedrock_policy_size: usize,
    iam_policy_size: usize,
    rcp_per_target: usize,
    rcp_size: usize,
    scp_per_target: usize,
    scp_size: usize,
}

#[derive(Serialize)]
struct DocumentEntry<'a> {
    chars: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    control: Option<&'static str>,
    file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<usize>,
    name: &'a str,
    policies: &'a [String],
    sources: Vec<String>,
    target_names: &'a [String],
    targets: Vec<String>,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct TargetEntry<'a> {
    controls: &'a [String],
    full_aws_access: &'static str,
    id: &'a str,
    name: &'a str,
    rcp_documents: &'a [String],
    rcp_slots_free: usize,
    rcp_slots_used: usize,
    scp_documents: &'a [String],
    scp_slots_free: usize,
    scp_slots_used: usize,
    #[serde(rename = "type")]
    kind: &'static str,
}
