//! `govc diff`'s human report.

use std::fmt::Write as _;

use super::{Diff, Direction};
use crate::proof::describe_request;
use crate::verify::{describe_evaluation, Locate};

/// The report a reviewer reads: newly allowed requests first, then newly denied ones, then
/// documents and slots.
pub fn report_human(d: &Diff, old_locate: Locate<'_>, new_locate: Locate<'_>) -> String {
    let mut s = String::new();
    for c in &d.changes {
        let what = match c.direction {
            Direction::NewlyAllowed => "NEWLY ALLOWED",
            Direction::NewlyDenied => "newly denied",
        };
        let _ = writeln!(
            s,
            "{what} for account {}: {}",
            c.account,
            describe_request(&c.request)
        );
        for line in describe_evaluation(&c.old, old_locate) {
            let _ = writeln!(s, "  before: {line}");
        }
        for line in describe_evaluation(&c.new, new_locate) {
            let _ = writeln!(s, "  after:  {line}");
        }
    }
    for (account, why) in &d.unproven {
        let _ = writeln!(s, "NOT COMPARED for account {account}: {why}");
    }
    for a in &d.accounts_only.0 {
        let _ = writeln!(s, "account {a}: only in the old organization");
    }
    for a in &d.accounts_only.1 {
        let _ = writeln!(s, "account {a}: only in the new organization");
    }
    for doc in &d.documents {
        let _ = match doc.chars {
            (None, Some(n)) => writeln!(
                s,
                "document {}: added ({n} characters, targets {})",
                doc.file,
                doc.targets.1.join(", ")
            ),
            (Some(o), None) => writeln!(
                s,
                "document {}: removed ({o} characters, was on {})",
                doc.file,
                doc.targets.0.join(", ")
            ),
            (Some(o), Some(n)) => writeln!(
                s,
                "document {}: changed ({o} → {n} characters{})",
                doc.file,
                if doc.targets.0 == doc.targets.1 {
                    String::new()
                } else {
                    format!(
                        "; targets {} → {}",
                        doc.targets.0.join(", "),
                        doc.targets.1.join(", ")
                    )
                }
            ),
            (None, None) => Ok(()),
        };
    }
    for t in &d.slots {
        let _ = writeln!(
            s,
            "target {}: SCP slots {} → {}, RCP slots {} → {}{}",
            t.target,
            t.scp.0,
            t.scp.1,
            t.rcp.0,
            t.rcp.1,
            if t.full_aws_access.0 == t.full_aws_access.1 {
                String::new()
            } else if t.full_aws_access.1 {
                "; FullAWSAccess attached again".to_string()
            } else {
                "; FullAWSAccess to detach".to_string()
            }
        );
    }
    let allowed = d
        .changes
        .iter()
        .filter(|c| c.direction == Direction::NewlyAllowed)
        .count();
    let denied = d.changes.len() - allowed;
    let _ = writeln!(
        s,
        "{} accounts compared: {allowed} with newly allowed requests, {denied} with newly denied requests; {} documents changed",
        d.compared,
        d.documents.len()
    );
    s
}
