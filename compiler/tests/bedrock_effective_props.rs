//! Laws of the BEDROCK_POLICY merge (`effective`), on random management
//! policies over a small alphabet of keys and values so that policies on a path touch the
//! same keys:
//! - it never panics: any document either merges or is E0500;
//! - the effective policy has no operators, no empty groups and no nested lists;
//! - `["@@none"]` on a group at the root freezes it: whatever is attached below, the group is
//!   what the root's policies make it;
//! - one policy of `@@assign`s merges into itself with the operators stripped.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use govc_compiler::diagnostics::Code;
use govc_compiler::effective::{effective, Level, Policy};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("x")),
        Just(json!("y")),
        Just(json!("z")),
        Just(json!(1)),
        Just(json!(true)),
    ]
}

fn list() -> impl Strategy<Value = Value> {
    prop::collection::vec(scalar(), 0..4).prop_map(Value::Array)
}

fn child_ops() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!(["@@all"])),
        Just(json!(["@@none"])),
        Just(json!(["@@append"])),
        Just(json!(["@@assign", "@@remove"])),
    ]
}

/// A setting: some value operators, maybe a child restriction.
fn setting(assign_only: bool) -> impl Strategy<Value = Value> {
    let assign = prop::option::of(prop_oneof![scalar(), list()]);
    let append = prop::option::of(list());
    let remove = prop::option::of(list());
    let restrict = prop::option::of(child_ops());
    (assign, append, remove, restrict).prop_map(move |(a, b, c, r)| {
        let mut m = Map::new();
        let a = if assign_only && a.is_none() {
            Some(json!("x"))
        } else {
            a
        };
        if let Some(v) = a {
            m.insert("@@assign".into(), v);
        }
        if !assign_only {
            if let Some(v) = b {
                m.insert("@@append".into(), v);
            }
            if let Some(v) = c {
                m.insert("@@remove".into(), v);
            }
            if let Some(v) = r {
                m.insert("@@operators_allowed_for_child_policies".into(), v);
            }
        }
        if m.keys()
            .all(|k| k == "@@operators_allowed_for_child_policies")
        {
            m.insert("@@append".into(), json!(["x"]));
        }
        Value::Object(m)
    })
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![Just("a"), Just("b"), Just("c")].prop_map(String::from)
}

/// A group of settings or groups, at most three deep.
fn document(assign_only: bool) -> impl Strategy<Value = Value> {
    let leaf = setting(assign_only);
    leaf.prop_recursive(3, 24, 3, move |inner| {
        (
            prop::collection::btree_map(key(), inner, 1..4),
            prop::option::of(child_ops()),
        )
            .prop_map(move |(m, r)| {
                let mut m: Map<String, Value> = m.into_iter().collect();
                if let (Some(r), false) = (r, assign_only) {
                    m.insert("@@operators_allowed_for_child_policies".into(), r);
                }
                Value::Object(m)
            })
    })
    .prop_map(|v| match v {
        Value::Object(m) if m.keys().all(|k| !k.starts_with("@@")) => Value::Object(m),
        // A setting at the top is malformed; keep the documents well-formed at the top.
        other => json!({ "a": other }),
    })
}

fn levels_of(docs: Vec<Vec<Value>>) -> Vec<Level> {
    docs.into_iter()
        .enumerate()
        .map(|(i, ps)| Level {
            target: format!("t{i}"),
            policies: ps
                .iter()
                .enumerate()
                .map(|(j, v)| Policy::from_value(&format!("p{i}_{j}"), v))
                .collect(),
        })
        .collect()
}

fn levels() -> impl Strategy<Value = Vec<Vec<Value>>> {
    prop::collection::vec(prop::collection::vec(document(false), 1..3), 1..4)
}

fn check_clean(v: &Value) -> Result<(), TestCaseError> {
    match v {
        Value::Object(m) => {
            prop_assert!(!m.is_empty(), "empty group left in {v}");
            for (k, x) in m {
                prop_assert!(
                    !k.starts_with("@@"),
                    "operator `{k}` left in the effective policy"
                );
                check_clean(x)?;
            }
        }
        // An `@@assign` of `[]` stays; a list `@@remove` empties is left out (not checked here).
        Value::Array(items) => {
            prop_assert!(items.iter().all(|i| !i.is_object() && !i.is_array()));
        }
        Value::Null => prop_assert!(false, "null in the effective policy"),
        _ => {}
    }
    Ok(())
}

fn strip(v: &Value) -> Value {
    match v {
        Value::Object(m) => match m.get("@@assign") {
            Some(Value::Array(items)) => {
                let mut out: Vec<Value> = Vec::new();
                for i in items {
                    if !out.contains(i) {
                        out.push(i.clone());
                    }
                }
                Value::Array(out)
            }
            Some(x) => x.clone(),
            None => Value::Object(m.iter().map(|(k, x)| (k.clone(), strip(x))).collect()),
        },
        other => other.clone(),
    }
}

/// What `effective` shows of a stripped document: empty lists and groups left out.
fn drop_empty(v: Value) -> Option<Value> {
    match v {
        Value::Object(m) => {
            let m: Map<String, Value> = m
                .into_iter()
                .filter_map(|(k, x)| drop_empty(x).map(|x| (k, x)))
                .collect();
            (!m.is_empty()).then_some(Value::Object(m))
        }
        other => Some(other),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn merges_or_reports_e0500_and_leaves_no_operators(docs in levels()) {
        match effective(&levels_of(docs)) {
            Ok(e) => {
                if e.policy != json!({}) {
                    check_clean(&e.policy)?;
                }
            }
            Err(d) => prop_assert_eq!(d.code, Code::E0500),
        }
    }

    #[test]
    fn none_at_the_root_freezes_the_group(docs in levels()) {
        let mut docs = docs;
        docs[0].insert(0, json!({ "a": { "@@operators_allowed_for_child_policies": ["@@none"], "x": { "@@assign": "locked" } } }));
        let all = effective(&levels_of(docs.clone()));
        let root = effective(&levels_of(docs[..1].to_vec()));
        if let (Ok(all), Ok(root)) = (all, root) {
            prop_assert_eq!(&all.policy["a"], &root.policy["a"]);
        }
    }

    #[test]
    fn one_assign_only_policy_is_itself_stripped(doc in document(true)) {
        let e = effective(&levels_of(vec![vec![doc.clone()]])).unwrap();
        let want = drop_empty(strip(&doc)).unwrap_or(json!({}));
        prop_assert_eq!(e.policy, want);
        prop_assert!(e.notes.is_empty());
    }
}
