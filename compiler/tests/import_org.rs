//! `import::org`: an organization export → a program proven account by account. The export
//! is written here as the AWS CLI prints it; `tests/org_import_e2e.rs` runs the real CLI
//! against an emulator.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::collections::BTreeMap;

use govc_compiler::catalog::embedded;
use govc_compiler::import::org::{import_org, read_export, verify_org, Export};

const DENY_DEEPSEEK: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"bedrock:InvokeModel","Resource":"arn:aws:bedrock:*::foundation-model/deepseek*"}]}"#;
const BEDROCK_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:*","Resource":"*"}]}"#;
const FULL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
const RCP_FULL: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;
const PERIMETER: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-abcdefghij"}}}]}"#;
const NOT_LOGS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"cloudtrail:StopLogging","Resource":"*"}]}"#;

/// An export as files: `(path, JSON)`.
fn export_files() -> BTreeMap<String, String> {
    let policy = |id: &str, name: &str, ty: &str, managed: bool, content: &str| {
        (
            format!("{{\"Id\":\"{id}\",\"Name\":\"{name}\",\"Type\":\"{ty}\",\"AwsManaged\":{managed},\"Description\":\"\"}}"),
            format!(
                "{{\"Policy\":{{\"PolicySummary\":{{\"Id\":\"{id}\"}},\"Content\":{}}}}}",
                serde_json::to_string(content).unwrap()
            ),
        )
    };
    let targets = |ids: &[&str]| {
        let items: Vec<String> = ids
            .iter()
            .map(|i| format!("{{\"TargetId\":\"{i}\",\"Name\":\"x\",\"Type\":\"T\"}}"))
            .collect();
        format!("{{\"Targets\":[{}]}}", items.join(","))
    };
    let mut f = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        f.insert(k.to_string(), v);
    };
    put(
        "organization.json",
        r#"{"Organization":{"Id":"o-abcdefghij","MasterAccountId":"111111111111"}}"#.into(),
    );
    put(
        "roots.json",
        r#"{"Roots":[{"Id":"r-ab12","Name":"Root"}]}"#.into(),
    );
    put(
        "children/r-ab12/ous.json",
        r#"{"OrganizationalUnits":[{"Id":"ou-ab12-22222222","Name":"Workloads"},{"Id":"ou-ab12-33333333","Name":"Locked Down"},{"Id":"ou-ab12-44444444","Name":"Only Denies"}]}"#.into(),
    );
    put(
        "children/r-ab12/accounts.json",
        r#"{"Accounts":[{"Id":"111111111111","Name":"management"},{"Id":"222222222222","Name":"Shared Services"}]}"#.into(),
    );
    put(
        "children/ou-ab12-22222222/ous.json",
        r#"{"OrganizationalUnits":[]}"#.into(),
    );
    put(
        "children/ou-ab12-22222222/accounts.json",
        r#"{"Accounts":[{"Id":"333333333333","Name":"AI Platform"},{"Id":"444444444444","Name":"Agent Lab"}]}"#.into(),
    );
    for ou in ["ou-ab12-33333333", "ou-ab12-44444444"] {
        put(
            &format!("children/{ou}/ous.json"),
            r#"{"OrganizationalUnits":[]}"#.into(),
        );
        put(
            &format!("children/{ou}/accounts.json"),
            r#"{"Accounts":[]}"#.into(),
        );
    }
    let scps = [
        policy(
            "p-FullAWSAccess",
            "FullAWSAccess",
            "SERVICE_CONTROL_POLICY",
            true,
            FULL,
        ),
        policy(
            "p-aaaaaaaa",
            "Deny DeepSeek",
            "SERVICE_CONTROL_POLICY",
            false,
            DENY_DEEPSEEK,
        ),
        policy(
            "p-bbbbbbbb",
            "Bedrock only",
            "SERVICE_CONTROL_POLICY",
            false,
            BEDROCK_ONLY,
        ),
        policy(
            "p-cccccccc",
            "Keep logs",
            "SERVICE_CONTROL_POLICY",
            false,
            NOT_LOGS,
        ),
    ];
    let rcps = [
        policy(
            "p-RCPFullAWSAccess",
            "RCPFullAWSAccess",
            "RESOURCE_CONTROL_POLICY",
            true,
            RCP_FULL,
        ),
        policy(
            "p-dddddddd",
            "Perimeter",
            "RESOURCE_CONTROL_POLICY",
            false,
            PERIMETER,
        ),
    ];
    for (ty, list) in [
        ("SERVICE_CONTROL_POLICY", &scps[..]),
        ("RESOURCE_CONTROL_POLICY", &rcps[..]),
    ] {
        let sums: Vec<&str> = list.iter().map(|(s, _)| s.as_str()).collect();
        put(
            &format!("policies/{ty}.json"),
            format!("{{\"Policies\":[{}]}}", sums.join(",")),
        );
    }
    for (s, d) in scps.iter().chain(rcps.iter()) {
        let id = serde_json::from_str::<serde_json::Value>(s).unwrap()["Id"]
            .as_str()
            .unwrap()
            .to_string();
        put(&format!("policy/{id}/policy.json"), d.clone());
    }
    // FullAWSAccess everywhere but "Locked Down" (an allow-list replaces it) and "Only
    // Denies" (nothing allows there); the allow-list also beside FullAWSAccess on Agent Lab.
    put(
        "policy/p-FullAWSAccess/targets.json",
        targets(&[
            "r-ab12",
            "ou-ab12-22222222",
            "111111111111",
            "222222222222",
            "333333333333",
            "444444444444",
        ]),
    );
    put(
        "policy/p-aaaaaaaa/targets.json",
        targets(&["ou-ab12-22222222", "111111111111"]),
    );
    put(
        "policy/p-bbbbbbbb/targets.json",
        targets(&["ou-ab12-33333333", "444444444444"]),
    );
    put(
        "policy/p-cccccccc/targets.json",
        targets(&["ou-ab12-44444444"]),
    );
    put(
        "policy/p-RCPFullAWSAccess/targets.json",
        targets(&[
            "r-ab12",
            "ou-ab12-22222222",
            "ou-ab12-33333333",
            "ou-ab12-44444444",
        ]),
    );
    put("policy/p-dddddddd/targets.json", targets(&["r-ab12"]));
    f
}

fn read(files: &BTreeMap<String, String>) -> Result<Export, String> {
    read_export(&|p: &str| Ok(files.get(p).cloned()))
}

#[test]
fn an_export_is_written_as_a_program_and_proven() {
    let export = read(&export_files()).unwrap();
    assert_eq!(export.ous.len(), 3);
    assert_eq!(export.accounts.len(), 4);
    let imported = import_org(embedded(), &export).unwrap();
    assert_eq!(
        imported.accounts, 3,
        "the management account is not declared"
    );
    assert_eq!(imported.policies, 4);
    assert_eq!(imported.proven_accounts, 3);
    assert!(
        imported
            .notes
            .iter()
            .any(|n| n.contains("management account 111111111111")),
        "{:?}",
        imported.notes
    );
    let mut all = String::new();
    for (path, text) in &imported.files {
        all.push_str(&format!("==> {path}\n{text}\n"));
    }
    insta::assert_snapshot!(all);
}

#[test]
fn a_program_that_drops_an_attachment_is_refused_with_a_request() {
    let export = read(&export_files()).unwrap();
    let imported = import_org(embedded(), &export).unwrap();
    // Without the line that attaches the deny-list, the program allows what the live
    // organization denies.
    let tampered: Vec<(String, String)> = imported
        .files
        .iter()
        .map(|(p, t)| {
            let t = t
                .lines()
                .filter(|l| !l.starts_with("attach deny_deepseek"))
                .collect::<Vec<_>>()
                .join("\n");
            (p.clone(), t)
        })
        .collect();
    let e = verify_org(embedded(), &export, &tampered).unwrap_err();
    assert!(
        e.contains("the program allows and the live policies deny")
            && e.to_ascii_lowercase().contains("bedrock:invokemodel"),
        "{e}"
    );
    // And one whose RCP lost its condition denies what the live one allows.
    let loose: Vec<(String, String)> = imported
        .files
        .iter()
        .map(|(p, t)| (p.clone(), t.replace("unless", "when")))
        .collect();
    let e = verify_org(embedded(), &export, &loose).unwrap_err();
    assert!(e.contains("its RCPs") || e.contains("its SCPs"), "{e}");
}

#[test]
fn malformed_exports_are_refused_with_why() {
    let base = export_files();
    let cases: Vec<(&str, Option<&str>, &str)> = vec![
        ("roots.json", None, "the export has no `roots.json`"),
        ("roots.json", Some(r#"{"Roots":[]}"#), "lists 0 roots"),
        (
            "roots.json",
            Some(r#"{"Roots":[{"Id":"../../etc"}]}"#),
            "is not a root id",
        ),
        (
            "children/r-ab12/ous.json",
            Some(r#"{"OrganizationalUnits":[{"Id":"ou-ab12-22222222/../x"}]}"#),
            "is not an OU id",
        ),
        (
            "children/ou-ab12-22222222/ous.json",
            Some(r#"{"OrganizationalUnits":[{"Id":"ou-ab12-33333333","Name":"loop"}]}"#),
            "listed under two parents",
        ),
        (
            "children/ou-ab12-22222222/accounts.json",
            Some(r#"{"Accounts":[{"Id":"12345"}]}"#),
            "is not an account id",
        ),
        (
            "policy/p-aaaaaaaa/targets.json",
            None,
            "policy/p-aaaaaaaa/targets.json",
        ),
        (
            "policies/SERVICE_CONTROL_POLICY.json",
            Some("{"),
            "is not JSON",
        ),
        (
            "policies/SERVICE_CONTROL_POLICY.json",
            Some(r#"{"Policies":[{"Id":"p-x/../../y"}]}"#),
            "is not a policy id",
        ),
    ];
    for (file, content, want) in cases {
        let mut files = base.clone();
        match content {
            None => {
                files.remove(file);
            }
            Some(c) => {
                files.insert(file.to_string(), c.to_string());
            }
        }
        let e = read(&files).unwrap_err();
        assert!(e.contains(want), "{file}: {e}");
    }
    // Without RCPs enabled the export has no list of them (the script leaves it out): the
    // organization imports, RCPFullAWSAccess alone at every level.
    let mut files = base.clone();
    files.retain(|k, _| !k.contains("RESOURCE_CONTROL_POLICY") && !k.contains("p-dddddddd"));
    let imported = import_org(embedded(), &read(&files).unwrap()).unwrap();
    assert!(imported
        .files
        .iter()
        .all(|(_, text)| !text.contains("rcp ")));
    // A policy attached to a target the tree does not hold, and one govc cannot say.
    let mut files = base.clone();
    files.insert(
        "policy/p-cccccccc/targets.json".into(),
        r#"{"Targets":[{"TargetId":"ou-ab12-99999999"}]}"#.into(),
    );
    let errors = import_org(embedded(), &read(&files).unwrap()).unwrap_err();
    assert!(
        errors
            .iter()
            .any(|e| e.contains("the export's tree does not hold")),
        "{errors:?}"
    );
    let mut files = base;
    let bad = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"x"}}}]}"#;
    files.insert(
        "policy/p-cccccccc/policy.json".into(),
        format!(
            "{{\"Policy\":{{\"Content\":{}}}}}",
            serde_json::to_string(bad).unwrap()
        ),
    );
    let errors = import_org(embedded(), &read(&files).unwrap()).unwrap_err();
    assert!(
        errors
            .iter()
            .any(|e| e.contains("p-cccccccc") && e.contains("IgnoreCase")),
        "{errors:?}"
    );
}
