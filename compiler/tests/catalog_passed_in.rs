//! The catalog is passed in, not global: a program is checked, compiled and verified against
//! the catalog its database was made with. Here a catalog with one more service and one more
//! model than the embedded one accepts what the embedded one refuses, through every step.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly"
)]

use govc_compiler::catalog::{embedded, Catalog, Shared, CATALOG_JSON};
use govc_compiler::compile::Options;
use govc_compiler::db::{self, Database};
use govc_compiler::diagnostics::Code;

const PROGRAM: &str = "\
org {
  root = \"r-a1b2\"
  account a = \"111111111111\"
}

scp s {
  deny model acme.widget*
  deny actions acme:FrobnicateWidget, acme:FrobnicateGadget
}

attach s to a
";

/// The embedded catalog with a service `acme` (two actions) and a model `acme.widget-v1`.
fn extended() -> Shared {
    let mut raw: serde_json::Value = serde_json::from_str(CATALOG_JSON).unwrap();
    raw["services"]["acme"] = "Acme Widgets".into();
    raw["actions"]["acme"] = serde_json::json!(["FrobnicateGadget", "FrobnicateWidget"]);
    let models = raw["models"].as_object_mut().unwrap();
    let mut model = models.values().next().unwrap().clone();
    model["provider"] = "acme".into();
    model["provider_name"] = "Acme".into();
    models.insert("acme.widget-v1".into(), model);
    raw["sources"]["generated"] = "2099-01-01".into();
    Shared::new(Catalog::from_json(&raw.to_string()).unwrap())
}

fn load(catalog: Shared) -> (Database, db::Workspace) {
    let mut database = Database::new(catalog);
    let (ws, failed) = db::load(&mut database, &["a.gov".to_string()], &|_| {
        Ok(PROGRAM.as_bytes().to_vec())
    });
    assert!(failed.is_empty());
    (database, ws)
}

#[test]
fn the_embedded_catalog_refuses_what_it_does_not_know() {
    let (database, ws) = load(embedded());
    let codes: Vec<Code> = db::all_diagnostics(&database, ws)
        .iter()
        .map(|d| d.code)
        .collect();
    assert!(codes.contains(&Code::E0201), "unknown service: {codes:?}");
    assert!(codes.contains(&Code::W0206), "no such model: {codes:?}");
}

#[test]
fn a_program_is_checked_compiled_and_proven_against_the_catalog_it_is_given() {
    let catalog = extended();
    let (database, ws) = load(catalog.clone());
    let diags = db::all_diagnostics(&database, ws);
    assert!(diags.is_empty(), "{diags:#?}");

    // The results carry the very catalog the database was made with.
    let rules = db::program_rules(&database, ws);
    assert_eq!(rules.catalog, catalog);
    assert_ne!(rules.catalog, embedded());
    let meaning = db::program_meaning(&database, ws);
    assert_eq!(meaning.catalog, catalog);

    let (output, warnings) = db::compile_workspace(&database, ws, &Options::default()).unwrap();
    assert!(warnings.is_empty(), "{warnings:#?}");
    let scp = output
        .documents
        .iter()
        .find(|d| d.kind == govc_compiler::document::DocKind::Scp)
        .unwrap();
    let json = &scp.content;
    assert!(json.contains("acme:FrobnicateWidget"), "{json}");
    assert!(json.contains("foundation-model/acme.widget*"), "{json}");

    // With `--compress-actions`, the optimiser groups the two actions by the catalog it was
    // given (the embedded one has no `acme` service to group).
    let opts = Options {
        compress_actions: true,
        ..Options::default()
    };
    let (compressed, _) = db::compile_workspace(&database, ws, &opts).unwrap();
    assert!(
        compressed.compressed.contains("acme:Frobnicate*"),
        "{:?}",
        compressed.compressed
    );

    // The proof ranges over the same catalog: source and documents agree.
    let proofs = govc_compiler::proof::prove_program(rules, meaning, &compressed);
    assert!(!proofs.is_empty());
    for p in &proofs {
        assert_eq!(
            p.verdict,
            govc_compiler::proof::Verdict::Proven,
            "{}",
            p.subject
        );
    }
}
