//! `govc import` from the command line: a file's import is printed; a directory's is written
//! only when every document imports and is proven; the written files check and compile.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::path::Path;
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn govc(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_govc"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn a_file_is_printed_and_a_directory_written_only_when_all_is_proven() {
    let root = Path::new(ROOT);
    let one = govc(&["import", "tests/corpus/rcp-enforce-tls.json"], root);
    assert!(
        one.status.success(),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    let text = String::from_utf8(one.stdout).unwrap();
    assert!(text.contains("rcp rcp_enforce_tls {"), "{text}");
    assert!(String::from_utf8_lossy(&one.stderr).contains("proven to decide every request"));

    let tmp = std::env::temp_dir().join(format!("govc-import-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let (input, out) = (tmp.join("in"), tmp.join("out"));
    std::fs::create_dir_all(&input).unwrap();
    for f in [
        "scp-deny-leave-organization",
        "rcp-network-perimeter",
        "scp-claude-allow-list",
    ] {
        std::fs::copy(
            root.join(format!("tests/corpus/{f}.json")),
            input.join(format!("{f}.json")),
        )
        .unwrap();
    }
    let ok = govc(
        &[
            "import",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        &tmp,
    );
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let written: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".gov"))
        .collect();
    assert_eq!(written.len(), 3, "{written:?}");
    let check = govc(&["check", "out"], &tmp);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    // One document the language cannot say: nothing is written, exit 1.
    std::fs::write(
        input.join("ignore-case.json"),
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"ml"}}}}"#,
    )
    .unwrap();
    let out2 = tmp.join("out2");
    let refused = govc(
        &[
            "import",
            input.to_str().unwrap(),
            "--out",
            out2.to_str().unwrap(),
        ],
        &tmp,
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("nothing written"));
    assert!(!out2.exists());
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn template_placeholders_need_a_value_and_are_filled_from_set() {
    let tmp = std::env::temp_dir().join(format!("govc-import-ph-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    // As published examples write them; `${aws:username}` is IAM's own variable.
    std::fs::write(
        tmp.join("template.json"),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"arn:aws:iam::${Account}:role/[PRIVILEGED_ROLE]","Condition":{"NotIpAddress":{"aws:SourceIp":"<my-cidr>"},"StringNotEquals":{"aws:PrincipalTag/owner":"${aws:username}"}}}]}"#,
    )
    .unwrap();
    let o = govc(&["import", "template.json"], &tmp);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "template placeholders `${Account}`, `[PRIVILEGED_ROLE]`, `<my-cidr>` without a value"
        ) && err.contains("--set Account=")
            && !err.contains("aws:username"),
        "{err}"
    );
    assert!(o.stdout.is_empty());
    let o = govc(
        &[
            "import",
            "template.json",
            "--set",
            "Account=123456789012",
            "--set",
            "PRIVILEGED_ROLE=Admin",
            "--set",
            "my-cidr=10.0.0.0/8",
        ],
        &tmp,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains(r#"on "arn:aws:iam::123456789012:role/Admin""#)
            && text.contains(r#"context["aws:SourceIp"] in ["10.0.0.0/8"]"#)
            && text.contains("// Template placeholder [PRIVILEGED_ROLE] set to `Admin`."),
        "{text}"
    );
    // A value no placeholder takes is a usage error (a misspelt name).
    let o = govc(
        &[
            "import",
            "template.json",
            "--set",
            "Account=123456789012",
            "--set",
            "PRIVILEGED_ROLE=Admin",
            "--set",
            "my-cidr=10.0.0.0/8",
            "--set",
            "Acount=1",
        ],
        &tmp,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("`--set Acount=…` names no placeholder"));
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn what_govc_compiles_imports_back_as_its_surface_statements() {
    // The drift check's usual input: an organization deployed from govc. Its documents read
    // back as the statements they were compiled from, where the document holds exactly what
    // one compiles to (`deny model`, `only models`, `only regions`, `require …`, `deny
    // api_keys long_term`); no core rule is left.
    let root = Path::new(ROOT);
    let tmp = std::env::temp_dir().join(format!("govc-import-back-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let o = govc(
        &[
            "compile",
            "examples/",
            "--out",
            tmp.join("build").to_str().unwrap(),
        ],
        root,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut all = String::new();
    let mut refused = Vec::new();
    for kind in ["scp", "rcp"] {
        let mut files: Vec<_> = std::fs::read_dir(tmp.join("build").join(kind))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files {
            let o = govc(&["import", f.to_str().unwrap()], root);
            if o.status.success() {
                all.push_str(&String::from_utf8(o.stdout).unwrap());
            } else {
                refused.push(f.file_name().unwrap().to_string_lossy().to_string());
            }
        }
    }
    // Even `require application_inference_profile`, whose `StringNotLike` on an ARN key no
    // core rule says.
    assert!(refused.is_empty(), "{refused:?}");
    assert!(
        !all.contains("permit (") && !all.contains("forbid ("),
        "{all}"
    );
    for statement in [
        "require application_inference_profile",
        "require tags \"CostCenter\", \"Environment\", \"Project\", \"Team\" on inference_profile",
        "only models \"anthropic.claude*\"",
        "deny model \"deepseek*\"",
        "only regions \"us-east-1\", \"us-west-2\"",
        "deny api_keys long_term",
    ] {
        assert!(all.contains(statement), "no `{statement}` in\n{all}");
    }
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn an_action_newer_than_the_catalog_is_kept_with_a_warning() {
    let tmp = std::env::temp_dir().join(format!("govc-import-new-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::write(
        tmp.join("new.json"),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["bedrock:InvokeFutureModel","s3:DeleteBucket"],"Resource":"*"}]}"#,
    )
    .unwrap();
    let o = govc(&["import", "new.json"], &tmp);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("warning: new.json: W0228 action `bedrock:InvokeFutureModel`"),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("\"bedrock:InvokeFutureModel\""));
    let _ = std::fs::remove_dir_all(&tmp);
}
