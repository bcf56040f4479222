//! The JSON govc prints and writes follows the versioned schemas in `docs/schemas/`
//! (docs/json.md): diagnostics (`check`/`compile --format json`), `verify --format json`,
//! `manifest.json` and `simulate --format json`, on outputs that exercise every part of them —
//! the examples, the bad inputs (notes, labels, related places, fixes), a failing test, a
//! request allowed, one denied and one without an Allow. The validator is shown to reject a
//! broken output, so a passing run means something.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod common;
use common::govc;

use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn validator(name: &str) -> jsonschema::Validator {
    let path = Path::new(ROOT).join(format!("docs/schemas/{name}.v1.schema.json"));
    let schema: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn assert_valid(v: &jsonschema::Validator, doc: &serde_json::Value, what: &str) {
    let errors: Vec<String> = v.iter_errors(doc).map(|e| e.to_string()).take(5).collect();
    assert!(errors.is_empty(), "{what}: {errors:?}");
}

fn json_of(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn diagnostics_follow_their_schema() {
    let v = validator("diagnostics");
    let mut seen_related = false;
    let mut seen_notes = false;
    for e in std::fs::read_dir(Path::new(ROOT).join("tests/bad")).unwrap() {
        let p = e.unwrap().path();
        let rel = p.strip_prefix(ROOT).unwrap().to_string_lossy().to_string();
        let out = govc(&["check", "--format", "json", &rel]);
        if out.stdout.is_empty() {
            continue; // unreadable on purpose (invalid UTF-8 and the like): reported on stderr
        }
        let doc = json_of(&out);
        assert_valid(&v, &doc, &rel);
        for d in doc.as_array().unwrap() {
            seen_related |= d.get("related").is_some();
            seen_notes |= d.get("notes").is_some();
        }
    }
    assert!(
        seen_related && seen_notes,
        "the corpus exercises related places and notes"
    );
    // The examples' warnings.
    assert_valid(
        &v,
        &json_of(&govc(&["check", "--format", "json", "examples/"])),
        "examples",
    );
    // A broken output is rejected.
    let broken = serde_json::json!([{"code": "E0202", "severity": "fatal"}]);
    assert!(!v.is_valid(&broken));
}

#[test]
fn verify_and_the_manifest_follow_their_schemas() {
    let verify = validator("verify");
    let doc = json_of(&govc(&["verify", "--format", "json", "examples/"]));
    assert_valid(&verify, &doc, "verify examples/");
    // Every outcome kind and the machine-readable deciding statements are there.
    let outcomes: std::collections::BTreeSet<String> = doc["tests"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["expectations"].as_array().unwrap())
        .map(|e| e["outcome"].as_str().unwrap().to_string())
        .collect();
    assert!(
        outcomes.contains("allowed") && outcomes.contains("denied"),
        "{outcomes:?}"
    );
    // A failing test.
    let dir = std::env::temp_dir().join(format!("govc-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("fail.gov");
    std::fs::write(
        &p,
        "org {\n  root = \"r-a1b2\"\n  account a = \"111122223333\"\n}\nscp s {\n  only models anthropic.claude*\n}\nattach s to a\n\
         test \"t\" on a {\n  expect allow bedrock:InvokeModel on \"arn:aws:bedrock:us-east-1::foundation-model/deepseek.v3.2\" in us-east-1\n}\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_govc"))
        .args(["verify", "--format", "json", "--allow-outside-root"])
        .arg(&p)
        .output()
        .unwrap();
    let failing = json_of(&out);
    assert_valid(&verify, &failing, "a failing verify");
    assert_eq!(failing["passed"], false);
    assert_eq!(
        failing["tests"][0]["expectations"][0]["outcome"], "no_allow",
        "{failing}"
    );
    // The manifest.
    let manifest = validator("manifest");
    let out_dir = dir.join("out");
    let c = govc(&["compile", "examples/", "--out", out_dir.to_str().unwrap()]);
    assert!(c.status.success());
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("manifest.json")).unwrap()).unwrap();
    assert_valid(&manifest, &m, "manifest.json");
    let mut broken = m.clone();
    broken["targets"][0]["full_aws_access"] = serde_json::json!("maybe");
    assert!(!manifest.is_valid(&broken));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn simulate_follows_its_schema() {
    let v = validator("simulate");
    for args in [
        // Allowed, with the RCP layer in play.
        &[
            "--account",
            "analytics",
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::lake/x",
            "--region",
            "ap-northeast-1",
            "--context",
            "aws:SourceIp=203.0.113.10",
        ][..],
        // Denied.
        &[
            "--account",
            "agent_lab",
            "--action",
            "bedrock:InvokeModel",
            "--resource",
            "arn:aws:bedrock:us-east-1::foundation-model/deepseek.v3.2",
            "--region",
            "us-east-1",
        ][..],
    ] {
        let mut all = vec!["simulate", "examples/", "--format", "json"];
        all.extend_from_slice(args);
        let out = govc(&all);
        assert_valid(&v, &json_of(&out), &format!("{args:?}"));
    }
}
