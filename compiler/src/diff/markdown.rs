//! `govc diff --format markdown`: a pull-request comment.

use std::fmt::Write as _;

use super::{Diff, Direction};
use crate::proof::describe_request;
use crate::verify::{describe_evaluation, Locate};

/// Markdown text with `|`, `` ` `` and line breaks kept out of table cells.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
        .replace('`', "'")
        .replace(['\n', '\r'], " ")
}

/// The diff as a pull-request comment: a summary line, then tables of the changed decisions
/// (newly allowed first), documents and slots.
pub fn report_markdown(d: &Diff, old_locate: Locate<'_>, new_locate: Locate<'_>) -> String {
    let mut s = String::from("### govc diff\n\n");
    let allowed: Vec<_> = d
        .changes
        .iter()
        .filter(|c| c.direction == Direction::NewlyAllowed)
        .collect();
    let denied: Vec<_> = d
        .changes
        .iter()
        .filter(|c| c.direction == Direction::NewlyDenied)
        .collect();
    if d.is_empty() {
        s.push_str(
            "No change: every account decides every request as before, and no document changes.\n",
        );
        return s;
    }
    let _ = writeln!(
        s,
        "{} accounts compared: **{} with newly allowed requests**, {} with newly denied requests, {} documents changed.\n",
        d.compared,
        allowed.len(),
        denied.len(),
        d.documents.len()
    );
    for (title, list) in [("Newly allowed", &allowed), ("Newly denied", &denied)] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(
            s,
            "#### {title}\n\n| account | request | before | after |\n|---|---|---|---|"
        );
        for c in list.iter() {
            let _ = writeln!(
                s,
                "| {} | `{}` | {} | {} |",
                cell(&c.account),
                cell(&describe_request(&c.request)),
                cell(&describe_evaluation(&c.old, old_locate).join("; ")),
                cell(&describe_evaluation(&c.new, new_locate).join("; ")),
            );
        }
        s.push('\n');
    }
    if !d.documents.is_empty() {
        s.push_str("#### Documents\n\n| file | characters | targets |\n|---|---|---|\n");
        for doc in &d.documents {
            let chars = match doc.chars {
                (None, Some(n)) => format!("added, {n}"),
                (Some(o), None) => format!("removed, was {o}"),
                (Some(o), Some(n)) => format!("{o} → {n}"),
                (None, None) => String::new(),
            };
            let _ = writeln!(
                s,
                "| `{}` | {chars} | {} → {} |",
                cell(&doc.file),
                cell(&doc.targets.0.join(", ")),
                cell(&doc.targets.1.join(", "))
            );
        }
        s.push('\n');
    }
    if !d.slots.is_empty() {
        s.push_str(
            "#### Slots\n\n| target | SCP slots | RCP slots | FullAWSAccess |\n|---|---|---|---|\n",
        );
        for t in &d.slots {
            let _ = writeln!(
                s,
                "| {} | {} → {} | {} → {} | {} |",
                cell(&t.target),
                t.scp.0,
                t.scp.1,
                t.rcp.0,
                t.rcp.1,
                match t.full_aws_access {
                    (a, b) if a == b => "unchanged",
                    (_, true) => "attach again",
                    (_, false) => "detach",
                }
            );
        }
        s.push('\n');
    }
    for (a, why) in &d.unproven {
        let _ = writeln!(s, "- not compared for account {}: {}", cell(a), cell(why));
    }
    for a in &d.accounts_only.0 {
        let _ = writeln!(s, "- account {}: only in the old organization", cell(a));
    }
    for a in &d.accounts_only.1 {
        let _ = writeln!(s, "- account {}: only in the new organization", cell(a));
    }
    s
}
