//! Reuse of the back end's work across compiles of an edited program: what keeps the language
//! server's diagnostics from recompiling every document on every keystroke.
//!
//! Each group of policies (the SCPs or RCPs attached to the same targets, or one identity
//! policy) becomes its documents on its own: optimise, pack, render. An edit usually changes
//! one group, but it moves the byte offsets of every statement after it, and those offsets are
//! in the statements' origins. So a group is compared with its spans replaced by their rank
//! among the group's (file, span) pairs.
//!
//! That is sound because the documents depend on spans only through their order: origins are
//! kept sorted, statements compare with their origins last, and nothing measures, adds or
//! hashes a span (the merge index hashes only actions, resources and conditions). Renaming the
//! spans in an order-preserving way therefore renames them the same way in the documents, so a
//! group that only moved gets its earlier documents back with its new spans. The differential
//! tests below and in `tests/` (`lsp/tests/edits.rs`) hold a reusing compile to a fresh one.
//!
//! The same holds one layer down: each policy's lowering and its own lints
//! (`lint::PolicyLints`) are kept by policy name and compared the same way, on its core rules.
//! The lints' spans are the policy's own (its rules' origins), so they are renamed with it.
//!
//! Errors are not kept: a group whose packing failed (E0401 and the like), or a policy whose
//! lowering failed, is compiled afresh each time, so its messages always come from its current
//! text.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use crate::catalog::Shared;
use crate::diagnostics::Diagnostic;
use crate::document::{DocKind, Document, Source};
use crate::ir::{self, Origin, Statement};
use crate::rules;
use crate::syntax::Span;

use super::Options;

/// The documents of the groups of recent compiles, by group; see the module's comment.
/// Shared by the compiles of one language server (it is behind a lock); a compile keeps the
/// groups it used, so the memo holds about one program's documents.
#[derive(Default)]
pub struct Memo {
    state: Mutex<State>,
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.lock();
        f.debug_struct("Memo")
            .field("groups", &state.groups.len())
            .finish()
    }
}

#[derive(Default)]
struct State {
    /// Bumped by each compile.
    generation: u64,
    /// By document kind and the group's policy names, which name its documents.
    groups: BTreeMap<(DocKind, Vec<String>), Entry>,
    /// By policy name: its lowering and its own lints.
    policies: BTreeMap<String, PolicyEntry>,
    /// What was reused and what computed, over the memo's life.
    counts: Counts,
}

/// What a memo reused and what it had computed, over its life.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Groups whose documents were reused.
    pub groups_reused: usize,
    /// Groups compiled.
    pub groups_compiled: usize,
    /// Policies whose lowering and lints were reused.
    pub policies_reused: usize,
    /// Policies lowered and linted.
    pub policies_lowered: usize,
}

/// One group's input and documents, spans as ranks.
struct Entry {
    catalog: Shared,
    limit: usize,
    opts: Options,
    statements: Vec<Statement>,
    documents: Vec<Document>,
    /// The generation of the last compile that used it.
    used: u64,
}

/// One policy's core rules, lowering and own lints (`lint::PolicyLints::of`), spans as ranks.
struct PolicyEntry {
    catalog: Shared,
    policy: rules::Policy,
    lowered: ir::Policy,
    lints: Vec<Diagnostic>,
    used: u64,
}

/// A policy's lowering, the lowering's errors, and its own lints.
pub(super) type Lowered = (ir::Policy, Vec<Diagnostic>, Vec<Diagnostic>);

/// Generations an unused group is kept for: a compile that runs beside another (a hover
/// beside the diagnostics) must not evict the other's groups.
const KEPT_FOR: u64 = 2;

impl Memo {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Every change to the state is one assignment or one `retain`: a panic elsewhere
        // leaves it consistent.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// What was reused and what computed, over the memo's life.
    pub fn counts(&self) -> Counts {
        self.lock().counts
    }

    /// Starts a compile; returns its generation.
    pub(super) fn begin(&self) -> u64 {
        let mut state = self.lock();
        state.generation += 1;
        state.generation
    }

    /// Ends the compile of `generation`: groups no recent compile used are dropped.
    pub(super) fn end(&self, generation: u64) {
        let mut state = self.lock();
        state.groups.retain(|_, e| e.used + KEPT_FOR > generation);
        state.policies.retain(|_, e| e.used + KEPT_FOR > generation);
    }

    /// One policy's lowering and own lints: the kept ones, respanned, when its core rules
    /// equal the kept ones up to their spans' ranks; else `compute`'s, kept when the lowering
    /// had no error.
    pub(super) fn lowered(
        &self,
        generation: u64,
        catalog: &Shared,
        policy: &rules::Policy,
        compute: impl FnOnce() -> Lowered,
    ) -> Lowered {
        let ranks = Ranks::of_pairs(
            std::iter::once((policy.file.as_str(), policy.span)).chain(
                policy
                    .rules
                    .iter()
                    .map(|r| (&*r.origin.file, r.origin.span)),
            ),
        );
        {
            let mut state = self.lock();
            if let Some(e) = state.policies.get_mut(&policy.name) {
                if e.catalog == *catalog && same_policy(&e.policy, policy, &ranks) {
                    let span = |f: &str, s| ranks.span(f, s);
                    if let (Some(lowered), Some(lints)) = (
                        respan_policy(&e.lowered, span),
                        respan_diagnostics(&e.lints, span),
                    ) {
                        e.used = generation;
                        state.counts.policies_reused += 1;
                        return (lowered, Vec::new(), lints);
                    }
                }
            }
        }
        let (lowered, errors, lints) = compute();
        self.lock().counts.policies_lowered += 1;
        if errors.is_empty() {
            let rank = |f: &str, s| ranks.rank(f, s);
            if let (Some(kept), Some(ranked), Some(ranked_lints)) = (
                respan_rules(policy, rank),
                respan_policy(&lowered, rank),
                respan_diagnostics(&lints, rank),
            ) {
                self.lock().policies.insert(
                    policy.name.clone(),
                    PolicyEntry {
                        catalog: catalog.clone(),
                        policy: kept,
                        lowered: ranked,
                        lints: ranked_lints,
                        used: generation,
                    },
                );
            }
        }
        (lowered, errors, lints)
    }

    /// The documents of one group: the kept ones, respanned, when the group's statements
    /// equal the kept ones up to their spans' ranks (without their statements unless
    /// `with_statements`); else `compute`'s, kept when it succeeds.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn documents(
        &self,
        generation: u64,
        catalog: &Shared,
        kind: DocKind,
        policies: &[String],
        limit: usize,
        opts: &Options,
        statements: &[&Statement],
        with_statements: bool,
        compute: impl FnOnce(Vec<Statement>) -> Result<Vec<Document>, Vec<Diagnostic>>,
    ) -> Result<Vec<Document>, Vec<Diagnostic>> {
        let key = (kind, policies.to_vec());
        let ranks = Ranks::of(statements);
        {
            let mut state = self.lock();
            if let Some(e) = state.groups.get_mut(&key) {
                if e.catalog == *catalog
                    && e.limit == limit
                    && e.opts == *opts
                    && same(&e.statements, statements, &ranks)
                {
                    let span = |f: &str, s| ranks.span(f, s);
                    if let Some(docs) = respan_documents(&e.documents, with_statements, span) {
                        e.used = generation;
                        state.counts.groups_reused += 1;
                        return Ok(docs);
                    }
                }
            }
        }
        self.lock().counts.groups_compiled += 1;
        // Only a group that changed pays for the copy.
        let documents = compute(statements.iter().map(|s| (*s).clone()).collect())?;
        let ranked_statements =
            respan_statements(statements.iter().copied(), |f, s| ranks.rank(f, s));
        let ranked_documents = respan_documents(&documents, true, |f, s| ranks.rank(f, s));
        if let (Some(statements), Some(ranked)) = (ranked_statements, ranked_documents) {
            self.lock().groups.insert(
                key,
                Entry {
                    catalog: catalog.clone(),
                    limit,
                    opts: *opts,
                    statements,
                    documents: ranked,
                    used: generation,
                },
            );
        }
        Ok(documents)
    }
}

/// A group's distinct (file, span) pairs in order: a span's rank is its index here.
struct Ranks<'a> {
    table: Vec<(&'a str, Span)>,
}

impl<'a> Ranks<'a> {
    fn of(statements: &[&'a Statement]) -> Ranks<'a> {
        Ranks::of_pairs(
            statements
                .iter()
                .flat_map(|s| s.origins.iter())
                .map(|o| (&*o.file, o.span)),
        )
    }

    fn of_pairs(pairs: impl Iterator<Item = (&'a str, Span)>) -> Ranks<'a> {
        let mut table: Vec<(&str, Span)> = pairs.collect();
        table.sort_unstable();
        table.dedup();
        Ranks { table }
    }

    /// The span standing for `span`'s rank in `file`.
    fn rank(&self, file: &str, span: Span) -> Option<Span> {
        let at = self.table.binary_search(&(file, span)).ok()?;
        let at = u32::try_from(at).ok()?;
        Some(Span { start: at, end: at })
    }

    /// The span a rank stands for, when it is one of this group's in `file`.
    fn span(&self, file: &str, rank: Span) -> Option<Span> {
        let (f, span) = self.table.get(usize::try_from(rank.start).ok()?)?;
        (*f == file && rank.start == rank.end).then_some(*span)
    }
}

/// Whether `new` equals the ranked `kept` once its spans are ranked. Written out field by
/// field (a new field of `Statement` or `Origin` is a compile error here), so that a hit
/// costs no copy of the group.
fn same(kept: &[Statement], new: &[&Statement], ranks: &Ranks<'_>) -> bool {
    kept.len() == new.len()
        && kept.iter().zip(new).all(|(k, n)| {
            let Statement {
                effect,
                action,
                resource,
                condition,
                origins,
                sid,
            } = k;
            *effect == n.effect
                && *action == n.action
                && *resource == n.resource
                && *condition == n.condition
                && *sid == n.sid
                && origins.len() == n.origins.len()
                && origins.iter().zip(n.origins.iter()).all(|(ko, no)| {
                    let Origin {
                        file,
                        span,
                        policy,
                        label,
                    } = ko;
                    *file == no.file
                        && *policy == no.policy
                        && *label == no.label
                        && Some(*span) == ranks.rank(&no.file, no.span)
                })
        })
}

/// `statements` with every origin's span mapped by `map`; `None` when one has no image.
fn respan_statements<'s>(
    statements: impl IntoIterator<Item = &'s Statement>,
    map: impl Fn(&str, Span) -> Option<Span> + Copy,
) -> Option<Vec<Statement>> {
    let mut out: Vec<Statement> = statements.into_iter().cloned().collect();
    for s in &mut out {
        let mut complete = true;
        s.origins.update_each(|o| match map(&o.file, o.span) {
            Some(span) => o.span = span,
            None => complete = false,
        });
        if !complete {
            return None;
        }
    }
    Some(out)
}

/// `documents` with every source's and origin's span mapped by `map` (their statements left
/// out unless `with_statements`); `None` when one has no image.
fn respan_documents(
    documents: &[Document],
    with_statements: bool,
    map: impl Fn(&str, Span) -> Option<Span> + Copy,
) -> Option<Vec<Document>> {
    documents
        .iter()
        .map(|d| {
            let Document {
                name,
                kind,
                content,
                targets,
                sources,
                policies,
                limit,
                statements,
            } = d;
            Some(Document {
                name: name.clone(),
                kind: *kind,
                content: content.clone(),
                targets: targets.clone(),
                sources: sources
                    .iter()
                    .map(|s| {
                        Some(Source {
                            file: s.file.clone(),
                            span: map(&s.file, s.span)?,
                        })
                    })
                    .collect::<Option<Vec<_>>>()?,
                policies: policies.clone(),
                limit: *limit,
                statements: if with_statements {
                    respan_statements(statements, map)?
                } else {
                    Vec::new()
                },
            })
        })
        .collect()
}

/// Whether `new` equals the ranked `kept` once its spans are ranked; field by field, as
/// [`same`].
fn same_policy(kept: &rules::Policy, new: &rules::Policy, ranks: &Ranks<'_>) -> bool {
    let rules::Policy {
        name,
        kind,
        file,
        span,
        rules,
    } = kept;
    *name == new.name
        && *kind == new.kind
        && *file == new.file
        && Some(*span) == ranks.rank(&new.file, new.span)
        && rules.len() == new.rules.len()
        && rules.iter().zip(&new.rules).all(|(k, n)| {
            let rules::Rule {
                effect,
                action,
                resource,
                cond,
                origin,
            } = k;
            let Origin {
                file,
                span,
                policy,
                label,
            } = origin;
            *effect == n.effect
                && *action == n.action
                && *resource == n.resource
                && *cond == n.cond
                && *file == n.origin.file
                && *policy == n.origin.policy
                && *label == n.origin.label
                && Some(*span) == ranks.rank(&n.origin.file, n.origin.span)
        })
}

/// `policy` with its span and its rules' spans mapped by `map`.
fn respan_rules(
    policy: &rules::Policy,
    map: impl Fn(&str, Span) -> Option<Span>,
) -> Option<rules::Policy> {
    let mut out = policy.clone();
    out.span = map(&out.file, out.span)?;
    for r in &mut out.rules {
        r.origin.span = map(&r.origin.file, r.origin.span)?;
    }
    Some(out)
}

/// A lowered policy with its span and its statements' spans mapped by `map`.
fn respan_policy(
    policy: &ir::Policy,
    map: impl Fn(&str, Span) -> Option<Span> + Copy,
) -> Option<ir::Policy> {
    let ir::Policy {
        name,
        kind,
        file,
        span,
        statements,
        replaces_full_access,
    } = policy;
    Some(ir::Policy {
        name: name.clone(),
        kind: *kind,
        file: file.clone(),
        span: map(file, *span)?,
        statements: respan_statements(statements, map)?,
        replaces_full_access: *replaces_full_access,
    })
}

/// Diagnostics with every span (primary, secondary, the fix's) mapped by `map`.
fn respan_diagnostics(
    diagnostics: &[Diagnostic],
    map: impl Fn(&str, Span) -> Option<Span>,
) -> Option<Vec<Diagnostic>> {
    diagnostics
        .iter()
        .map(|d| {
            let Diagnostic {
                code,
                file,
                span,
                message,
                label,
                secondary,
                help,
                notes,
                fix,
            } = d;
            Some(Diagnostic {
                code: *code,
                file: file.clone(),
                span: map(file, *span)?,
                message: message.clone(),
                label: label.clone(),
                secondary: secondary
                    .iter()
                    .map(|l| {
                        let mut l = l.clone();
                        l.span = map(l.file.as_deref().unwrap_or(file), l.span)?;
                        Some(l)
                    })
                    .collect::<Option<Vec<_>>>()?,
                help: help.clone(),
                notes: notes.clone(),
                fix: match fix {
                    Some(f) => {
                        let mut f = f.clone();
                        f.span = map(file, f.span)?;
                        Some(f)
                    }
                    None => None,
                },
            })
        })
        .collect()
}
