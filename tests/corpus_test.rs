//! The policy corpus (`tests/corpus/`): SCPs and RCPs written in the style of the ones
//! organisations publish (AWS's example policies, its data-perimeter RCPs, community
//! collections), each as the hand-written JSON and as `.gov`. Each `.gov` must compile without
//! errors, and its documents must be **proven** to decide every request as the JSON does (the
//! symbolic proof of `govc verify`, not sampling): both with AWS's FullAWSAccess (or
//! RCPFullAWSAccess) beside them when they only deny, as they are deployed, and as they are
//! when they allow (an allow-list replaces FullAWSAccess).
//!
//! The test also counts which constructs the `.gov` files need and how the compiled size
//! compares with the hand-written JSON, and keeps `tests/corpus/README.md`'s table in step:
//! regenerate it with `GOVC_BLESS=1 cargo test --test corpus_test`.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::collections::BTreeMap;
use std::path::Path;

use govc_compiler::compile::Options;
use govc_compiler::db::{self, Database};
use govc_compiler::document::DocKind;
use govc_compiler::ir::parse::{parse_policy, parse_rcp};
use govc_compiler::ir::{json, Effect, Statement};
use govc_compiler::proof::{describe_request, prove_statements, Verdict};
use govc_compiler::syntax::ast::{ItemKind, Stmt, StmtKind, SurfacePred};

/// The constructs a statement uses, for the table.
fn constructs(s: &Stmt, out: &mut Vec<&'static str>) {
    let clauses = match &s.kind {
        StmtKind::DenyModels { clauses, .. } => {
            out.push("`deny model`");
            clauses.as_slice()
        }
        StmtKind::OnlyModels { .. } => {
            out.push("`only models`");
            &[]
        }
        StmtKind::OnlyRegions { clauses, all, .. } => {
            out.push(if all.is_some() {
                "`only regions … for all services`"
            } else {
                "`only regions`"
            });
            clauses
        }
        StmtKind::DenyApiKeys { clauses, .. } => {
            out.push("`deny api_keys`");
            clauses
        }
        StmtKind::Require(_) => {
            out.push("`require application_inference_profile`");
            &[]
        }
        StmtKind::RequireTags { .. } => {
            out.push("`require tags`");
            &[]
        }
        StmtKind::RequireTagsFor { clauses, .. } => {
            out.push("`require tags … for actions`");
            clauses
        }
        StmtKind::ProtectTags { clauses, .. } => {
            out.push("`protect tags`");
            clauses
        }
        StmtKind::DenyServices { clauses, .. } => {
            out.push("`deny service`");
            clauses
        }
        StmtKind::DenyAll { clauses } => {
            out.push("`deny all`");
            clauses
        }
        StmtKind::DenyActions { clauses, .. } => {
            out.push("`deny actions`");
            clauses
        }
        StmtKind::Allow(_) => {
            out.push("`allow`");
            &[]
        }
        StmtKind::Rule(_) => {
            out.push("core rule (`forbid`/`permit`)");
            &[]
        }
        StmtKind::Error => &[],
    };
    for c in clauses {
        out.push(match &c.pred {
            SurfacePred::Region(_) => "clause `region in`",
            SurfacePred::Principal(_) => "clause `principal`",
            SurfacePred::PrincipalAccount(_) => "clause `principal account`",
            SurfacePred::ViaMcp(_) => "clause `via_mcp`",
            SurfacePred::Cond(_) => "clause `{ condition }`",
        });
    }
}

struct Row {
    name: String,
    rcp: bool,
    constructs: Vec<&'static str>,
    json_chars: usize,
    compiled_chars: usize,
}

fn check(gov: &Path, json_path: &Path) -> Row {
    let name = gov.file_stem().unwrap().to_string_lossy().to_string();
    let rcp = name.starts_with("rcp-");
    let text = std::fs::read_to_string(gov).unwrap();
    let mut database = Database::new(govc_compiler::catalog::embedded());
    let key = gov.display().to_string();
    let (ws, _) = db::load(&mut database, std::slice::from_ref(&key), &move |_| {
        Ok(text.clone().into_bytes())
    });
    let errors: Vec<String> = db::program_diagnostics(&database, ws)
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code.as_str(), d.message))
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:?}");
    let (output, _) = db::compile_workspace(&database, ws, &Options::default())
        .unwrap_or_else(|e| panic!("{name}: {e:?}"));
    let kind = if rcp { DocKind::Rcp } else { DocKind::Scp };
    let docs: Vec<_> = output.documents.iter().filter(|d| d.kind == kind).collect();
    assert!(!docs.is_empty(), "{name}: no {kind:?} document");
    // The documents as written, read back.
    let compiled: Vec<Statement> = docs
        .iter()
        .flat_map(|d| {
            let read = if rcp { parse_rcp } else { parse_policy };
            read(&d.content).unwrap_or_else(|e| panic!("{name}: {e}"))
        })
        .collect();
    let json_text = std::fs::read_to_string(json_path).unwrap();
    let written = if rcp {
        parse_rcp(&json_text)
    } else {
        parse_policy(&json_text)
    }
    .unwrap_or_else(|e| panic!("{name}.json: {e}"));
    // Deny-only policies are deployed beside FullAWSAccess (RCPFullAWSAccess): compare them so.
    let allows = written.iter().any(|s| s.effect == Effect::Allow);
    let (a, b) = if allows {
        (written.clone(), compiled.clone())
    } else {
        let mut a = vec![Statement::allow_all()];
        a.extend(written.iter().cloned());
        let mut b = vec![Statement::allow_all()];
        b.extend(compiled.iter().cloned());
        (a, b)
    };
    match prove_statements(&output.catalog, &a, &b) {
        Verdict::Proven => {}
        Verdict::Differs {
            request,
            source_allows,
        } => panic!(
            "{name}: the hand-written JSON {} and the compiled documents {} {}\n{}",
            if source_allows { "allows" } else { "denies" },
            if source_allows { "deny" } else { "allow" },
            describe_request(&request),
            docs.iter()
                .map(|d| d.content.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        ),
        Verdict::NotProven(why) => panic!("{name}: not proven: {why}"),
    }
    // The proof has teeth: without any one of its statements, the hand-written policy is
    // refuted (none of the corpus's statements is redundant).
    for i in 0..written.len() {
        let mut fewer = written.clone();
        fewer.remove(i);
        let fewer = if allows {
            fewer
        } else {
            std::iter::once(Statement::allow_all())
                .chain(fewer)
                .collect()
        };
        assert!(
            matches!(
                prove_statements(&output.catalog, &fewer, &b),
                Verdict::Differs { .. }
            ),
            "{name}: statement {} of the JSON removed, yet proven equivalent",
            i + 1
        );
    }
    let parsed = govc_compiler::syntax::parse(&std::fs::read_to_string(gov).unwrap());
    let mut used = Vec::new();
    for item in &parsed.file.items {
        if let ItemKind::Scp(p) | ItemKind::Rcp(p) = &item.kind {
            for s in &p.stmts {
                constructs(s, &mut used);
            }
        }
    }
    used.sort();
    used.dedup();
    let minified: Vec<String> = written
        .iter()
        .map(|s| {
            let mut s = s.clone();
            s.sid = None;
            if rcp {
                json::rcp_statement(&s)
            } else {
                json::statement(&s)
            }
        })
        .collect();
    Row {
        name,
        rcp,
        constructs: used,
        json_chars: json::document(&minified).len(),
        compiled_chars: docs.iter().map(|d| d.chars()).sum(),
    }
}

fn table(rows: &[Row]) -> String {
    let (scps, rcps) = (
        rows.iter().filter(|r| !r.rcp).count(),
        rows.iter().filter(|r| r.rcp).count(),
    );
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for r in rows {
        for c in &r.constructs {
            let e = counts.entry(c).or_default();
            if r.rcp {
                e.1 += 1;
            } else {
                e.0 += 1;
            }
        }
    }
    let surface_only = rows
        .iter()
        .filter(|r| {
            !r.constructs
                .iter()
                .any(|c| c.starts_with("core rule") || c.contains("{ condition }"))
        })
        .count();
    let mut s = format!(
        "{} policies: {scps} SCPs, {rcps} RCPs. {surface_only} are written with surface statements \
         and surface clauses only; the others need a core rule or a `{{ condition }}` clause.\n\n\
         | construct | SCPs using it | RCPs using it |\n|---|---:|---:|\n",
        rows.len()
    );
    for (c, (a, b)) in &counts {
        s.push_str(&format!("| {c} | {a} | {b} |\n"));
    }
    let (json, compiled): (usize, usize) = rows
        .iter()
        .fold((0, 0), |(a, b), r| (a + r.json_chars, b + r.compiled_chars));
    s.push_str(&format!(
        "\nSize: the compiled documents total {compiled} characters against {json} for the \
         hand-written JSON minified without its Sids.\n\n| policy | hand-written | compiled |\n|---|---:|---:|\n"
    ));
    for r in rows {
        s.push_str(&format!(
            "| `{}` | {} | {} |\n",
            r.name, r.json_chars, r.compiled_chars
        ));
    }
    s
}

#[test]
fn every_corpus_policy_compiles_to_its_json() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut govs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "gov"))
        .collect();
    govs.sort();
    // Every policy is checked, and every failure reported at once.
    let (mut rows, mut failures) = (Vec::new(), Vec::new());
    for g in &govs {
        match std::panic::catch_unwind(|| check(g, &g.with_extension("json"))) {
            Ok(r) => rows.push(r),
            Err(e) => failures.push(
                e.downcast_ref::<String>()
                    .cloned()
                    .unwrap_or_else(|| format!("{}: failed", g.display())),
            ),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(rows.len() >= 40, "the corpus has {} policies", rows.len());
    assert!(rows.iter().filter(|r| r.rcp).count() >= 15);
    let t = table(&rows);
    eprintln!("{t}");
    let readme = dir.join("README.md");
    let text = std::fs::read_to_string(&readme).unwrap();
    let (begin, end) = (
        "<!-- corpus table: begin -->\n",
        "<!-- corpus table: end -->",
    );
    let (head, rest) = text.split_once(begin).expect("README has the begin marker");
    let (_, tail) = rest.split_once(end).expect("README has the end marker");
    let want = format!("{head}{begin}{t}{end}{tail}");
    if std::env::var_os("GOVC_BLESS").is_some() {
        std::fs::write(&readme, &want).unwrap();
    } else {
        assert!(
            text == want,
            "tests/corpus/README.md is stale: GOVC_BLESS=1 cargo test --test corpus_test"
        );
    }
}
