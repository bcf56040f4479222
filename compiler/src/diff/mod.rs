//! `govc diff OLD NEW`: what a change to the policies changes, for each account of the
//! organization (docs/verify.md, "Reviewing a change"). Both versions are compiled; for every
//! account both declare, the requests its SCPs and RCPs decide differently are searched for
//! with the proof of `govc verify` (over every request, not samples), in both directions —
//! newly allowed first, which is what a reviewer must see — each with a concrete witness
//! request and the statements that decide it before and after. Documents, sizes and slots that
//! change are listed too. The engine returns plain data; the writers are one module per format.

mod human;
mod json;
mod markdown;

pub use human::report_human;
pub use json::report_json;
pub use markdown::report_markdown;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::compile::Output;
use crate::document::DocKind;
use crate::ir::eval::Request;
use crate::proof::{allowed_only_by_first, Verdict};
use crate::rules::{Program, TargetKind};
use crate::verify::{Evaluation, Layers, Level, Levels};

/// Which way a decision changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    /// The old policies denied the request; the new ones allow it.
    NewlyAllowed,
    /// The old policies allowed the request; the new ones deny it.
    NewlyDenied,
}

/// One account's decisions that change in one direction, with a witness.
#[derive(Clone, Debug)]
pub struct Change {
    /// The account (its name in both programs).
    pub account: String,
    /// Which way.
    pub direction: Direction,
    /// A request made by a principal of the account on its resources that the two versions
    /// decide differently.
    pub request: Request,
    /// What the old policies decide for it, and with which statements.
    pub old: Evaluation,
    /// What the new policies decide for it.
    pub new: Evaluation,
}

/// A document that is added, removed or changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentChange {
    /// Its file in the output (`scp/models.json`).
    pub file: String,
    /// Characters before (`None`: added) and after (`None`: removed).
    pub chars: (Option<usize>, Option<usize>),
    /// Targets before and after (ids).
    pub targets: (Vec<String>, Vec<String>),
}

/// A target whose slot use changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotChange {
    /// The target's name.
    pub target: String,
    /// SCP slots used before and after.
    pub scp: (usize, usize),
    /// RCP slots used before and after.
    pub rcp: (usize, usize),
    /// Whether FullAWSAccess stays attached, before and after.
    pub full_aws_access: (bool, bool),
}

/// Everything that changes between two versions.
#[derive(Clone, Debug, Default)]
pub struct Diff {
    /// Decisions that change, newly allowed first, then by account.
    pub changes: Vec<Change>,
    /// Accounts that are compared but whose comparison did not conclude, and why.
    pub unproven: Vec<(String, String)>,
    /// Accounts only the old or only the new organization declares.
    pub accounts_only: (Vec<String>, Vec<String>),
    /// Documents added, removed or changed.
    pub documents: Vec<DocumentChange>,
    /// Targets whose slot use changes.
    pub slots: Vec<SlotChange>,
    /// Accounts compared.
    pub compared: usize,
}

impl Diff {
    /// Whether anything changes (what `--exit-code` reports).
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
            && self.unproven.is_empty()
            && self.accounts_only.0.is_empty()
            && self.accounts_only.1.is_empty()
            && self.documents.is_empty()
            && self.slots.is_empty()
    }
}

fn accounts(p: &Program) -> BTreeSet<String> {
    p.org
        .targets
        .iter()
        .filter(|t| t.kind == TargetKind::Account)
        .map(|t| t.name.clone())
        .collect()
}

/// The layers that decide a request of `account` on its own resources.
fn layers(index: &Levels<'_>, account: &str) -> (Option<Vec<Level>>, Option<Vec<Level>>) {
    (index.of(account), index.rcp_of(account))
}

/// Compares two compiled versions of an organization's policies.
pub fn diff(old: (&Program, &Output), new: (&Program, &Output)) -> Diff {
    // Over the actions the catalog knows, as the proof does (`Output::exact`).
    let (old_exact, new_exact) = (old.1.exact(), new.1.exact());
    let (old_index, new_index) = (
        Levels::new(old.0, &old_exact),
        Levels::new(new.0, &new_exact),
    );
    let (old_accounts, new_accounts) = (accounts(old.0), accounts(new.0));
    let mut out = Diff {
        accounts_only: (
            old_accounts.difference(&new_accounts).cloned().collect(),
            new_accounts.difference(&old_accounts).cloned().collect(),
        ),
        ..Diff::default()
    };
    // Accounts whose paths hold the same levels on both sides pose the same question.
    type Key = (Vec<String>, Vec<String>);
    let mut asked: HashMap<Key, (Verdict, Verdict)> = HashMap::new();
    // Per pair of levels: whether the new one may allow what the old one does not, and the
    // reverse, and the requests that showed it.
    let mut level_change: HashMap<String, (bool, bool, [Vec<Request>; 2])> = HashMap::new();
    for account in old_accounts.intersection(&new_accounts) {
        let (Some(old_path), Some(new_path)) = (
            crate::verify::path(old.0, account),
            crate::verify::path(new.0, account),
        ) else {
            continue;
        };
        out.compared += 1;
        // A request is allowed when every level on its path allows it (an Allow there and no
        // Deny there, SCPs and RCPs alike). So where the path is the same on both sides and at
        // every level the new side allows only what the old one does, nothing is newly
        // allowed — and the other way round for newly denied. Each distinct pair of levels is
        // asked once; most accounts of a small change are settled so, and a direction no level
        // can change (a Deny added: nothing newly allowed) is not searched path by path.
        let (mut may_allow, mut may_deny) = (true, true);
        // Requests that a level pair on the path decides differently: tried first as the
        // account's witnesses (a concrete check), before a proof over its whole path.
        let mut tries: [Vec<Request>; 2] = [Vec::new(), Vec::new()];
        if old_path == new_path {
            let (mut widens, mut narrows) = (false, false);
            for t in &old_path {
                let key = format!(
                    "{:?}|{:?}|{:?}|{:?}",
                    old_index.key(t),
                    old_index.rcp_key(t),
                    new_index.key(t),
                    new_index.rcp_key(t)
                );
                let (w, n, seen) = level_change.entry(key).or_insert_with(|| {
                    let pairs = [
                        (old_index.level(t.clone()), new_index.level(t.clone())),
                        (
                            old_index.rcp_level(t.clone()),
                            new_index.rcp_level(t.clone()),
                        ),
                    ];
                    let (mut w, mut n) = (false, false);
                    let mut seen: [Vec<Request>; 2] = [Vec::new(), Vec::new()];
                    for (o, nw) in &pairs {
                        let (x, y) = ([std::slice::from_ref(o)], [std::slice::from_ref(nw)]);
                        for (i, verdict) in [
                            allowed_only_by_first(&new.1.catalog, &y, &x),
                            allowed_only_by_first(&old.1.catalog, &x, &y),
                        ]
                        .into_iter()
                        .enumerate()
                        {
                            if verdict == Verdict::Proven {
                                continue;
                            }
                            if i == 0 {
                                w = true
                            } else {
                                n = true
                            }
                            if let (Verdict::Differs { request, .. }, Some(at)) =
                                (verdict, seen.get_mut(i))
                            {
                                at.push(request);
                            }
                        }
                    }
                    (w, n, seen)
                });
                widens |= *w;
                narrows |= *n;
                for (into, from) in tries.iter_mut().zip(seen.iter()) {
                    into.extend(from.iter().cloned());
                }
            }
            (may_allow, may_deny) = (widens, narrows);
            if !may_allow && !may_deny {
                continue;
            }
        }
        let (o_scp, o_rcp) = layers(&old_index, account);
        let (n_scp, n_rcp) = layers(&new_index, account);
        let (Some(o_scp), Some(n_scp)) = (o_scp, n_scp) else {
            continue;
        };
        let o_rcp = o_rcp.unwrap_or_default();
        let n_rcp = n_rcp.unwrap_or_default();
        let key_of = |index: &Levels<'_>, path: &[String]| -> Vec<String> {
            path.iter()
                .map(|t| format!("{:?}|{:?}", index.key(t), index.rcp_key(t)))
                .collect()
        };
        let key = (key_of(&old_index, &old_path), key_of(&new_index, &new_path));
        let before = Layers {
            scp: Some(std::sync::Arc::new(o_scp)),
            rcp: Some(std::sync::Arc::new(o_rcp)),
        };
        let after = Layers {
            scp: Some(std::sync::Arc::new(n_scp)),
            rcp: Some(std::sync::Arc::new(n_rcp)),
        };
        let (allowed, denied) = asked
            .entry(key)
            .or_insert_with(|| {
                let (o_scp, o_rcp) = (before.scp.as_deref(), before.rcp.as_deref());
                let (n_scp, n_rcp) = (after.scp.as_deref(), after.rcp.as_deref());
                let o: [&[Level]; 2] = [o_scp.map_or(&[], |v| v), o_rcp.map_or(&[], |v| v)];
                let n: [&[Level]; 2] = [n_scp.map_or(&[], |v| v), n_rcp.map_or(&[], |v| v)];
                let ask = |may: bool,
                           tries: &[Request],
                           first: &Layers,
                           second: &Layers,
                           a: &[&[Level]],
                           b: &[&[Level]],
                           cat| {
                    if !may {
                        return Verdict::Proven;
                    }
                    // A level's witness that the whole path decides differently too.
                    if let Some(r) = tries
                        .iter()
                        .find(|r| first.allowed(r) && !second.allowed(r))
                    {
                        return Verdict::Differs {
                            request: r.clone(),
                            source_allows: true,
                        };
                    }
                    allowed_only_by_first(cat, a, b)
                };
                let [widening, narrowing] = &tries;
                (
                    ask(may_allow, widening, &after, &before, &n, &o, &new.1.catalog),
                    ask(may_deny, narrowing, &before, &after, &o, &n, &old.1.catalog),
                )
            })
            .clone();
        for (direction, verdict) in [
            (Direction::NewlyAllowed, allowed),
            (Direction::NewlyDenied, denied),
        ] {
            match verdict {
                Verdict::Proven => {}
                Verdict::Differs { request, .. } => out.changes.push(Change {
                    account: account.clone(),
                    direction,
                    old: before.evaluate(&request),
                    new: after.evaluate(&request),
                    request,
                }),
                Verdict::NotProven(why) => out.unproven.push((account.clone(), why)),
            }
        }
    }
    out.changes
        .sort_by(|a, b| (a.direction, &a.account).cmp(&(b.direction, &b.account)));
    out.documents = documents(old.1, new.1);
    out.slots = slots(old.1, new.1);
    out
}

fn documents(old: &Output, new: &Output) -> Vec<DocumentChange> {
    let index = |o: &Output| -> BTreeMap<String, (String, usize, Vec<String>)> {
        let ids = o.target_ids();
        o.documents
            .iter()
            .filter(|d| d.kind != DocKind::ControlTowerControl || !d.content.is_empty())
            .map(|d| {
                let targets = d
                    .targets
                    .iter()
                    .map(|n| {
                        ids.get(n.as_str())
                            .map_or_else(|| n.clone(), |id| id.to_string())
                    })
                    .collect();
                (d.file(), (d.content.clone(), d.chars(), targets))
            })
            .collect()
    };
    let (a, b) = (index(old), index(new));
    let files: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    files
        .into_iter()
        .filter_map(|f| {
            let (x, y) = (a.get(f), b.get(f));
            if let (Some(x), Some(y)) = (x, y) {
                if x == y {
                    return None;
                }
            }
            Some(DocumentChange {
                file: f.clone(),
                chars: (x.map(|x| x.1), y.map(|y| y.1)),
                targets: (
                    x.map(|x| x.2.clone()).unwrap_or_default(),
                    y.map(|y| y.2.clone()).unwrap_or_default(),
                ),
            })
        })
        .collect()
}

fn slots(old: &Output, new: &Output) -> Vec<SlotChange> {
    let before: HashMap<&str, _> = old.targets.iter().map(|o| (o.name.as_str(), o)).collect();
    new.targets
        .iter()
        .filter_map(|n| {
            let o = before.get(n.name.as_str())?;
            let change = SlotChange {
                target: n.name.clone(),
                scp: (o.used(), n.used()),
                rcp: (o.rcp_used(), n.rcp_used()),
                full_aws_access: (o.full_aws_access, n.full_aws_access),
            };
            (change.scp.0 != change.scp.1
                || change.rcp.0 != change.rcp.1
                || change.full_aws_access.0 != change.full_aws_access.1)
                .then_some(change)
        })
        .collect()
}
