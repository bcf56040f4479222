//! The back end as one pure function: a checked program (layer 2) → lowered statements
//! (layer 3) → optimised, packed documents (layer 4), with the quota checks of docs/compiler.md ("Quotas").

pub mod cloudformation;
pub mod manifest;
mod memo;
pub mod terraform;

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::{Catalog, Shared};
use crate::diagnostics::{Code, Diagnostic};
use crate::document::pack;
use crate::document::{bedrock, controltower, DocKind, Document, Source, TargetSlots};
use crate::ir::{self, json, lower, PolicyKind, Statement};
use crate::optimize;
use crate::rules::{Limits, Program};

pub use memo::{Counts, Memo};

/// How to compile, as the flags of `govc compile` choose; the default is the command without flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Overrides the organization's `limits` (`--limits legacy`).
    pub limits: Option<Limits>,
    /// Emit `Sid`s derived from source names (`--sids`).
    pub sids: bool,
    /// Replace action lists by a wildcard that matches exactly them (`--compress-actions`).
    pub compress_actions: bool,
    /// Run the optimiser; off gives the plain lowering that `govc verify` compares against.
    pub optimize: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            limits: None,
            sids: false,
            compress_actions: false,
            optimize: true,
        }
    }
}

/// Everything `govc compile` writes, plus what `govc verify` and the language server need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    /// The reference data the documents were compiled against.
    pub catalog: Shared,
    /// In manifest order: SCPs, RCPs, BEDROCK_POLICY, IAM, Control Tower; each kind in source
    /// order.
    pub documents: Vec<Document>,
    /// Every target of the organization, with its SCP and RCP slot use.
    pub targets: Vec<TargetSlots>,
    /// The quotas the documents were packed against: the organization's, or `Options::limits`.
    pub limits: Limits,
    /// The lowering before optimisation, per policy.
    pub lowered: BTreeMap<String, ir::Policy>,
    /// Lints (W041x, docs/compiler.md) found while lowering; compiling succeeds with warnings.
    pub warnings: Vec<Diagnostic>,
    /// The `service:Prefix*` patterns `--compress-actions` put in Deny statements in place of
    /// the catalog actions they match; empty without the option.
    pub compressed: BTreeSet<String>,
}

impl Output {
    /// The documents with every pattern of [`Output::compressed`] written out again as the
    /// catalog actions it stands for: what the documents decide for the actions the catalog
    /// knows. `govc verify` proves this view (docs/verify.md): a compressed pattern also denies
    /// actions AWS adds later, which is the one, deliberate, difference from the source.
    pub fn exact(&self) -> std::borrow::Cow<'_, Output> {
        if self.compressed.is_empty() {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut out = self.clone();
        for d in &mut out.documents {
            for st in &mut d.statements {
                optimize::expand_patterns(&self.catalog, st, &self.compressed);
            }
        }
        out.compressed.clear();
        std::borrow::Cow::Owned(out)
    }

    /// Each target's AWS id by its name: what every writer that names targets by id (the
    /// manifest, the deployment files, `govc diff`) looks names up in.
    pub fn target_ids(&self) -> BTreeMap<&str, &str> {
        self.targets
            .iter()
            .map(|t| (t.name.as_str(), t.id.as_str()))
            .collect()
    }

    /// The ids of the targets where an allow-list replaces FullAWSAccess: it must be detached
    /// there when deploying.
    pub fn full_access_detached(&self) -> Vec<&str> {
        self.targets
            .iter()
            .filter(|t| !t.full_aws_access)
            .map(|t| t.id.as_str())
            .collect()
    }
}

/// Compiles a program the checker accepted. `Err` holds every error (and the warnings).
pub fn compile(program: &Program, opts: &Options) -> Result<Output, Vec<Diagnostic>> {
    compile_with(program, opts, None)
}

/// [`compile`], reusing the documents of every group of policies that `memo` holds from an
/// earlier compile and that did not change but for where it is in its file (the language
/// server's compiles). The output is the same as [`compile`]'s.
pub fn compile_reusing(
    program: &Program,
    opts: &Options,
    memo: &Memo,
) -> Result<Output, Vec<Diagnostic>> {
    let generation = memo.begin();
    let out = compile_with(program, opts, Some((memo, generation, Keep::Everything)));
    memo.end(generation);
    out
}

/// The diagnostics [`compile`] reports: its warnings, or its errors and warnings.
pub fn diagnostics(program: &Program, opts: &Options) -> Vec<Diagnostic> {
    reported(compile(program, opts))
}

/// The diagnostics [`compile_reusing`] reports, without its output: what the language server
/// shows after an edit. The documents reused from the memo are copied without their
/// statements, which no diagnostic reads and which were most of a reuse's cost;
/// `compiler/tests/compile_reusing.rs` holds these diagnostics to a fresh compile's.
pub fn diagnostics_reusing(program: &Program, opts: &Options, memo: &Memo) -> Vec<Diagnostic> {
    let generation = memo.begin();
    let out = compile_with(program, opts, Some((memo, generation, Keep::Diagnostics)));
    memo.end(generation);
    reported(out)
}

/// What a compile reports: the warnings of an output, or every error and warning.
fn reported(out: Result<Output, Vec<Diagnostic>>) -> Vec<Diagnostic> {
    match out {
        Ok(output) => output.warnings,
        Err(diagnostics) => diagnostics,
    }
}

/// What a reusing compile must return whole.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// The output, for writing, proving or hovering.
    Everything,
    /// Only the diagnostics: reused documents may lack their statements. Such an output never
    /// leaves this module ([`diagnostics_reusing`] returns its diagnostics alone).
    Diagnostics,
}

fn compile_with(
    program: &Program,
    opts: &Options,
    memo: Option<(&Memo, u64, Keep)>,
) -> Result<Output, Vec<Diagnostic>> {
    // One group's documents, from the memo when it has them.
    let group = |statements: Vec<&Statement>,
                 names: &[String],
                 kind: DocKind,
                 size: usize,
                 opt: &optimize::Options|
     -> Result<Vec<Document>, Vec<Diagnostic>> {
        let compute = |sts| documents_of(&program.catalog, sts, names, kind, size, opts, opt);
        match memo {
            Some((m, generation, keep)) => m.documents(
                generation,
                &program.catalog,
                kind,
                names,
                size,
                opts,
                &statements,
                keep == Keep::Everything,
                compute,
            ),
            None => compute(statements.into_iter().cloned().collect()),
        }
    };
    let limits = opts.limits.unwrap_or(program.org.limits);
    // Target name → position in the org (source order); lookups stay O(log n) at 5,000+
    // accounts.
    let position: BTreeMap<&str, usize> = program
        .org
        .targets
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i))
        .collect();
    // Each policy's lowering and its own lints, from the memo when it has them.
    let mut lints = crate::lint::PolicyLints::new(&program.catalog);
    let mut lowered = BTreeMap::new();
    let mut errors = Vec::new();
    // One copy of each string the statements hold, shared by every policy's.
    let names = ir::Interner::default();
    let mut own_lints = Vec::new();
    for p in &program.policies {
        let mut compute = || {
            let (l, errors) = lower::lower_policy(&program.catalog, p, &names);
            let warnings = lints.of(&l);
            (l, errors, warnings)
        };
        let (l, e, w) = match memo {
            Some((m, generation, _)) => m.lowered(generation, &program.catalog, p, compute),
            None => compute(),
        };
        lowered.insert(p.name.clone(), l);
        errors.extend(e);
        own_lints.extend(w);
    }
    let mut documents = Vec::new();
    let opt = optimize::Options {
        compress_actions: opts.compress_actions,
    };
    let attached = |name: &str| -> Vec<String> {
        program
            .attachments
            .get(name)
            .map(|ts| {
                ts.iter()
                    .filter(|t| position.contains_key(t.as_str()))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    };

    // SCPs attached to exactly the same targets share documents: at each level the SCPs are
    // one set (a Deny in any denies, an Allow in any allows, aws.md §1.4), so merging them
    // changes no decision and saves characters and slots. RCPs likewise (they only deny).
    let mut replaces = BTreeSet::new();
    for kind in [PolicyKind::Scp, PolicyKind::Rcp] {
        let mut groups: Vec<(BTreeSet<String>, Vec<&ir::Policy>)> = Vec::new();
        let mut group_of: BTreeMap<BTreeSet<String>, usize> = BTreeMap::new();
        for p in &program.policies {
            let Some(l) = lowered.get(&p.name) else {
                continue;
            };
            if l.kind != kind {
                continue;
            }
            let targets: BTreeSet<String> = attached(&p.name).into_iter().collect();
            let existing = if targets.is_empty() {
                None
            } else {
                group_of.get(&targets).copied()
            };
            match existing.and_then(|i| groups.get_mut(i)) {
                Some((_, ps)) => ps.push(l),
                None => {
                    if !targets.is_empty() {
                        group_of.insert(targets.clone(), groups.len());
                    }
                    groups.push((targets, vec![l]));
                }
            }
        }
        let (doc_kind, size) = match kind {
            PolicyKind::Rcp => (DocKind::Rcp, Limits::RCP_SIZE),
            _ => (DocKind::Scp, limits.scp_size),
        };
        for (targets, policies) in &groups {
            let names: Vec<String> = policies.iter().map(|p| p.name.clone()).collect();
            let statements: Vec<&Statement> = policies.iter().flat_map(|p| &p.statements).collect();
            if policies.iter().any(|p| p.replaces_full_access) {
                replaces.extend(targets.iter().cloned());
            }
            match group(statements, &names, doc_kind, size, &opt) {
                Ok(mut docs) => {
                    let mut order: Vec<&String> = targets.iter().collect();
                    order.sort_by_key(|t| position.get(t.as_str()).copied().unwrap_or(usize::MAX));
                    let order: Vec<String> = order.into_iter().cloned().collect();
                    for d in &mut docs {
                        d.targets = order.clone();
                    }
                    documents.extend(docs);
                }
                Err(d) => errors.extend(d),
            }
        }
    }

    for g in &program.guardrails {
        let content = bedrock::render(g);
        if content.len() > Limits::BEDROCK_POLICY_SIZE {
            errors.push(
                Diagnostic::new(
                    Code::E0403,
                    g.span,
                    format!(
                        "guardrail `{}` compiles to {} characters, more than the BEDROCK_POLICY limit of {}",
                        g.name,
                        content.len(),
                        Limits::BEDROCK_POLICY_SIZE
                    ),
                )
                .in_file(&g.file)
                .with_label(format!("{} > {} characters", content.len(), Limits::BEDROCK_POLICY_SIZE))
                .with_help("split the block into two guardrails with different names, or shorten its model lists"),
            );
            continue;
        }
        documents.push(Document {
            name: g.name.clone(),
            kind: DocKind::BedrockPolicy,
            content,
            targets: attached(&g.name),
            sources: g
                .sources
                .iter()
                .map(|s| Source {
                    file: g.file.as_str().into(),
                    span: *s,
                })
                .collect(),
            policies: vec![g.name.clone()],
            limit: Limits::BEDROCK_POLICY_SIZE,
            statements: Vec::new(),
        });
    }

    for p in &program.policies {
        let Some(l) = lowered.get(&p.name) else {
            continue;
        };
        if l.kind != PolicyKind::Identity {
            continue;
        }
        match group(
            l.statements.iter().collect(),
            std::slice::from_ref(&l.name),
            DocKind::IamPolicy,
            Limits::IAM_POLICY_SIZE,
            &opt,
        ) {
            Ok(docs) => documents.extend(docs),
            Err(d) => errors.extend(d),
        }
    }

    for c in &program.controls {
        documents.push(Document {
            name: c.name.clone(),
            kind: DocKind::ControlTowerControl,
            content: controltower::render(c),
            targets: c.targets.clone(),
            sources: c
                .sources
                .iter()
                .map(|s| Source {
                    file: c.file.as_str().into(),
                    span: *s,
                })
                .collect(),
            policies: vec![c.name.clone()],
            limit: usize::MAX,
            statements: Vec::new(),
        });
    }

    // Each target's SCP and RCP documents, in one pass over the documents.
    let mut docs_of: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut rcps_of: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for d in &documents {
        let into = match d.kind {
            DocKind::Scp => &mut docs_of,
            DocKind::Rcp => &mut rcps_of,
            _ => continue,
        };
        for t in &d.targets {
            into.entry(t.as_str()).or_default().push(d.file());
        }
    }
    let mut targets = Vec::new();
    for t in &program.org.targets {
        let slots = TargetSlots {
            name: t.name.clone(),
            id: t.id.clone(),
            kind: t.kind,
            documents: docs_of.remove(t.name.as_str()).unwrap_or_default(),
            full_aws_access: !replaces.contains(&t.name),
            controls: program
                .controls
                .iter()
                .filter(|c| c.targets.contains(&t.name))
                .map(|c| c.name.clone())
                .collect(),
            limit: limits.scp_per_target,
            rcp_documents: rcps_of.remove(t.name.as_str()).unwrap_or_default(),
        };
        if slots.used() > slots.limit {
            errors.push(over_slots(t, &slots, &documents));
        }
        if slots.rcp_used() > Limits::RCP_PER_TARGET {
            errors.push(over_rcp_slots(t, &slots, &documents));
        }
        targets.push(slots);
    }

    let warnings = crate::lint::lint(program, &lowered, &documents, own_lints, &mut lints);
    // Merging and dropping statements invent no pattern: an action pattern of a Deny that the
    // lowering does not have came from compression.
    let compressed = if opts.compress_actions {
        let written: BTreeSet<&ir::Name> = lowered
            .values()
            .flat_map(|p| &p.statements)
            .flat_map(|st| &st.action.values)
            .collect();
        documents
            .iter()
            .flat_map(|d| &d.statements)
            .filter(|st| st.effect == ir::Effect::Deny && !st.action.negated)
            .flat_map(|st| &st.action.values)
            .filter(|v| v.contains('*') && !written.contains(v))
            .map(|v| v.to_string())
            .collect()
    } else {
        BTreeSet::new()
    };
    if errors.is_empty() {
        Ok(Output {
            catalog: program.catalog.clone(),
            documents,
            targets,
            limits,
            lowered,
            warnings,
            compressed,
        })
    } else {
        errors.extend(warnings);
        Err(errors)
    }
}

/// Optimises, names and packs the statements of one group of policies.
fn documents_of(
    cat: &Catalog,
    statements: Vec<Statement>,
    policies: &[String],
    kind: DocKind,
    limit: usize,
    opts: &Options,
    opt: &optimize::Options,
) -> Result<Vec<Document>, Vec<Diagnostic>> {
    let mut statements = if opts.optimize {
        optimize::optimize(cat, statements, opt)
    } else {
        statements
    };
    if opts.sids {
        assign_sids(&mut statements);
    }
    let (what, render): (&str, pack::Render) = match kind {
        DocKind::IamPolicy => ("IAM policy", json::statement),
        DocKind::Rcp => ("RCP", json::rcp_statement),
        _ => ("SCP", json::statement),
    };
    let packed = pack::pack_with(statements, limit, what, render)?;
    let base = group_name(policies);
    Ok(packed
        .into_iter()
        .enumerate()
        .map(|(i, pieces)| {
            let (sts, rendered): (Vec<Statement>, Vec<String>) = pieces.into_iter().unzip();
            let sources: BTreeSet<Source> = sts
                .iter()
                .flat_map(|s| s.origins.iter())
                .map(|o| Source {
                    file: o.file.clone(),
                    span: o.span,
                })
                .collect();
            let used: BTreeSet<&str> = sts
                .iter()
                .flat_map(|s| s.origins.iter())
                .map(|o| &*o.policy)
                .collect();
            Document {
                name: if i == 0 {
                    base.clone()
                } else {
                    format!("{base}-{}", i + 1)
                },
                kind,
                content: json::document(&rendered),
                targets: Vec::new(),
                sources: sources.into_iter().collect(),
                policies: policies
                    .iter()
                    .filter(|p| used.contains(p.as_str()))
                    .cloned()
                    .collect(),
                limit,
                statements: sts,
            }
        })
        .collect())
}

/// The file stem of a group of policies: the policy's name, or the names joined with `+`
/// (policy names cannot contain `+` or `-`, so no group name equals another's).
fn group_name(policies: &[String]) -> String {
    let joined = policies.join("+");
    match policies {
        [first, rest @ ..] if joined.len() > 64 => format!("{first}+{}-more", rest.len()),
        _ => joined,
    }
}

/// `Sid`s from source names: `<Policy><Statement>` in CamelCase, numbered when a name repeats;
/// only `[A-Za-z0-9]` (Access Analyzer's UNSUPPORTED_SID, aws.md §1.3).
fn assign_sids(statements: &mut [Statement]) {
    let camel = |s: &str| -> String {
        s.split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| {
                let mut cs = w.chars();
                cs.next()
                    .map(|c| c.to_ascii_uppercase().to_string() + cs.as_str())
                    .unwrap_or_default()
            })
            .collect()
    };
    let bases: Vec<String> = statements
        .iter()
        .map(|s| {
            s.origins
                .iter()
                .next()
                .map(|o| format!("{}{}", camel(&o.policy), camel(&o.label)))
                .unwrap_or_else(|| "Statement".to_string())
        })
        .collect();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for b in &bases {
        *counts.entry(b.as_str()).or_default() += 1;
    }
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (s, b) in statements.iter_mut().zip(&bases) {
        let n = seen.entry(b.as_str()).or_default();
        *n += 1;
        s.sid = Some(if counts.get(b.as_str()).copied().unwrap_or(0) > 1 {
            format!("{b}{n}")
        } else {
            b.clone()
        });
    }
}

fn over_slots(t: &crate::rules::Target, slots: &TargetSlots, docs: &[Document]) -> Diagnostic {
    let mut d = Diagnostic::new(
        Code::E0402,
        t.span,
        format!(
            "`{}` needs {} SCP slots but may have {}",
            t.name,
            slots.used(),
            slots.limit
        ),
    )
    .in_file(&t.file)
    .with_label(format!("{} of {} slots", slots.used(), slots.limit));
    for f in &slots.documents {
        if let Some(doc) = docs.iter().find(|x| &x.file() == f) {
            d = d.with_note(format!("{f}: {} characters", doc.chars()));
        }
    }
    if slots.full_aws_access {
        d = d.with_note("FullAWSAccess: 1 slot");
    }
    for c in &slots.controls {
        d = d.with_note(format!("Control Tower control `{c}`: 1 slot"));
    }
    d.with_help("attach some policies to a parent OU instead (inherited SCPs use no slot), or shorten the rules so they pack into fewer documents")
}

fn over_rcp_slots(t: &crate::rules::Target, slots: &TargetSlots, docs: &[Document]) -> Diagnostic {
    let mut d = Diagnostic::new(
        Code::E0404,
        t.span,
        format!(
            "`{}` needs {} RCP slots but may have {}",
            t.name,
            slots.rcp_used(),
            Limits::RCP_PER_TARGET
        ),
    )
    .in_file(&t.file)
    .with_label(format!(
        "{} of {} slots",
        slots.rcp_used(),
        Limits::RCP_PER_TARGET
    ));
    for f in &slots.rcp_documents {
        if let Some(doc) = docs.iter().find(|x| &x.file() == f) {
            d = d.with_note(format!("{f}: {} characters", doc.chars()));
        }
    }
    d.with_note("RCPFullAWSAccess: 1 slot (AWS attaches it everywhere; it cannot be detached)")
        .with_help("attach some RCPs to a parent OU or the root instead (inherited RCPs use no slot), or shorten the rules so they pack into fewer documents")
}
