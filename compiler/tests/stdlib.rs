//! The stdlib is the one home of what the sugar is built from: every item the desugaring reads
//! (`rules::desugar::READ_FROM_STDLIB`) is defined in `stdlib/`, with the value the lowering
//! expects, and the rules built from it carry exactly those texts.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly"
)]

use govc_compiler::catalog::catalog;
use govc_compiler::db::{self, Database};
use govc_compiler::rules::desugar::READ_FROM_STDLIB;
use govc_compiler::rules::ScopeSet;

#[test]
fn the_items_the_desugaring_reads_are_defined_in_the_stdlib() {
    let mut database = Database::default();
    let text = "scp s {\n  require application_inference_profile\n}\n";
    let (ws, failed) = db::load(&mut database, &["a.gov".to_string()], &|_| {
        Ok(text.as_bytes().to_vec())
    });
    assert!(failed.is_empty());
    let index = db::program_index(&database, ws);
    let [invoke_item, patterns @ ..] = READ_FROM_STDLIB;
    let invoke = index.std_literals(invoke_item.0, invoke_item.1);
    assert!(!invoke.is_empty(), "stdlib defines bedrock::invoke");
    for a in &invoke {
        assert!(
            catalog().action_by_full_name(a).is_some(),
            "{a} is an action"
        );
    }
    for (module, item) in patterns {
        let values = index.std_literals(module, item);
        assert_eq!(
            values.len(),
            1,
            "{module}::{item} is one pattern: {values:?}"
        );
        assert!(values[0].starts_with("arn:aws:bedrock:"), "{values:?}");
    }
    // `require application_inference_profile` is built from `bedrock::invoke`.
    let rules = db::program_rules(&database, ws);
    let policy = &rules.policies[0];
    assert!(!policy.rules.is_empty());
    for r in &policy.rules {
        assert_eq!(r.action, ScopeSet::In(invoke.clone()));
    }
}
