//! `govc compile --emit terraform --emit cloudformation`, validated with the tools of those
//! ecosystems (from the Python package registry, installed by .ci/run from
//! `tests/deploy/requirements-*.txt`): `cfn-lint` on the CloudFormation template, `python-hcl2`
//! to read the Terraform file back, `checkov` on the Terraform. Beyond the tools, each
//! organization policy's content must be its JSON file byte for byte, and the attachments the
//! manifest's.
//!
//! Without the tools the test says SKIPPED (it fails in CI, where `CI` is set).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn venv(name: &str, tool: &str) -> Option<PathBuf> {
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| format!("{ROOT}/target"));
    let p = Path::new(&target).join(name).join("bin").join(tool);
    p.is_file().then_some(p)
}

fn compile_examples(test: &str) -> PathBuf {
    let out = std::env::temp_dir().join(format!("govc-emit-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let o = Command::new(env!("CARGO_BIN_EXE_govc"))
        .args(["compile", "examples/", "--out"])
        .arg(&out)
        .args(["--emit", "terraform", "--emit", "cloudformation"])
        .current_dir(ROOT)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

/// (type, name, file, target ids) of every organization policy in the manifest.
fn manifest_policies(out: &Path) -> Vec<(String, String, String, BTreeSet<String>)> {
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    m["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            matches!(
                d["type"].as_str(),
                Some("SERVICE_CONTROL_POLICY" | "RESOURCE_CONTROL_POLICY" | "BEDROCK_POLICY")
            )
        })
        .map(|d| {
            (
                d["type"].as_str().unwrap().to_string(),
                d["name"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["targets"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

fn skipped(what: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "{what} is missing in CI (.ci/run installs it)"
    );
    eprintln!("SKIPPED: {what} is missing; .ci/run installs it from tests/deploy/");
}

#[test]
fn the_cloudformation_template_passes_cfn_lint_and_carries_the_documents() {
    let out = compile_examples("cfn");
    let template_path = out.join("cloudformation/govc.template.json");
    let t: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&template_path).unwrap()).unwrap();
    // Each organization policy: its content is the file byte for byte, its targets the
    // manifest's.
    let resources = t["Resources"].as_object().unwrap();
    let policies = manifest_policies(&out);
    assert!(policies.len() >= 9, "{policies:?}");
    for (ty, name, file, targets) in &policies {
        let r = resources
            .values()
            .find(|r| r["Type"] == "AWS::Organizations::Policy" && r["Properties"]["Name"] == *name)
            .unwrap_or_else(|| panic!("no AWS::Organizations::Policy for {name}"));
        let p = &r["Properties"];
        assert_eq!(p["Type"], *ty);
        let bytes = std::fs::read_to_string(out.join(file)).unwrap();
        assert_eq!(p["Content"].as_str(), Some(bytes.as_str()), "{name}");
        let got: BTreeSet<String> = p["TargetIds"]
            .as_array()
            .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
            .unwrap_or_default();
        assert_eq!(&got, targets, "{name}");
    }
    // The examples' allow-list replaces FullAWSAccess on prod, which a template cannot detach.
    assert_eq!(
        t["Metadata"]["govc"]["DetachFullAWSAccessFrom"],
        serde_json::json!(["ou-a1b2-33333333"])
    );
    let Some(cfn_lint) = venv("deploy-venv", "cfn-lint") else {
        return skipped("cfn-lint");
    };
    let o = Command::new(cfn_lint).arg(&template_path).output().unwrap();
    assert!(
        o.status.success(),
        "cfn-lint: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let _ = std::fs::remove_dir_all(&out);
}

/// Reads the Terraform file with python-hcl2 and prints, as JSON, each organization policy
/// (`[id, name, type, content]`), each attachment (`[policy id, target]`) and each IAM policy.
const READ_TF: &str = r#"
import hcl2, json, sys
def s(v):
    v = v[0] if isinstance(v, list) else v
    return v[1:-1] if isinstance(v, str) and v.startswith('"') and v.endswith('"') else v
d = hcl2.load(open(sys.argv[1]))
out = {"policies": [], "attachments": [], "iam": []}
for block in d.get("resource", []):
    for rtype, items in block.items():
        for rid, body in items.items():
            rtype_, rid_ = s(rtype), s(rid)
            if rtype_ == "aws_organizations_policy":
                out["policies"].append([rid_, s(body["name"]), s(body["type"]), s(body["content"])])
            elif rtype_ == "aws_organizations_policy_attachment":
                out["attachments"].append([s(body["policy_id"]), s(body["target_id"])])
            elif rtype_ == "aws_iam_policy":
                out["iam"].append([rid_, s(body["name"])])
print(json.dumps(out))
"#;

#[test]
fn the_terraform_reads_back_with_python_hcl2_and_passes_checkov() {
    let out = compile_examples("tf");
    let tf = out.join("terraform/govc.tf");
    let Some(python) = venv("deploy-venv", "python") else {
        return skipped("python-hcl2");
    };
    let o = Command::new(python)
        .args(["-c", READ_TF])
        .arg(&tf)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let policies = manifest_policies(&out);
    let tf_policies = v["policies"].as_array().unwrap();
    assert_eq!(tf_policies.len(), policies.len());
    for (ty, name, file, targets) in &policies {
        let p = tf_policies
            .iter()
            .find(|p| p[1] == *name)
            .unwrap_or_else(|| panic!("no aws_organizations_policy for {name}"));
        assert_eq!(p[2], *ty);
        // The content is the file govc wrote, read by Terraform's file().
        assert_eq!(
            p[3].as_str().unwrap(),
            format!("${{file(\"${{path.module}}/../{file}\")}}")
        );
        assert!(out.join(file).is_file());
        let id = p[0].as_str().unwrap();
        let attached: BTreeSet<String> = v["attachments"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a[0] == format!("${{aws_organizations_policy.{id}.id}}"))
            .map(|a| a[1].as_str().unwrap().to_string())
            .collect();
        assert_eq!(&attached, targets, "{name}");
    }
    assert_eq!(
        v["iam"],
        serde_json::json!([["iam_playground", "playground"]])
    );
    let Some(checkov) = venv("checkov-venv", "checkov") else {
        return skipped("checkov");
    };
    let o = Command::new(checkov)
        // Offline: no policy metadata fetched from the vendor's service.
        .args([
            "--skip-download",
            "--framework",
            "terraform",
            "-o",
            "json",
            "--quiet",
            "-d",
        ])
        .arg(out.join("terraform"))
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("checkov: {e}: {}", String::from_utf8_lossy(&o.stderr)));
    let summary = &report["summary"];
    assert_eq!(summary["parsing_errors"], 0, "{summary}");
    assert_eq!(summary["failed"], 0, "{report}");
    // Every resource of the file was read: policies, attachments, the IAM policy, the control.
    let attachments = v["attachments"].as_array().unwrap().len();
    assert_eq!(
        summary["resource_count"].as_u64().unwrap() as usize,
        policies.len() + attachments + 1 + 1,
        "{summary}"
    );
    let _ = std::fs::remove_dir_all(&out);
}
