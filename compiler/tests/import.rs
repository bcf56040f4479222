//! `govc import` round trip on the policy corpus (`tests/corpus/*.json`, SCPs and RCPs in the
//! style of published ones): every document is imported, the text compiles, and its documents
//! are proven to decide every request as the JSON does. An operator the language has no
//! predicate for is refused, and a wrong text is caught by the proof.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use govc_compiler::catalog::embedded;
use govc_compiler::import::{block_name, import_policy, import_verified, verify_import};

#[test]
fn every_corpus_document_imports_and_is_proven_equivalent() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 100);
    let mut failures = Vec::new();
    let (mut refused, mut surface) = (0, 0);
    let (mut compiled_chars, mut input_chars) = (0, 0);
    for f in &files {
        let stem = f.file_stem().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(f).unwrap();
        // Kept as surface statements where they are proven, else as core rules.
        match import_verified(
            embedded(),
            &block_name(&stem),
            &format!("{stem}.gov"),
            &text,
        ) {
            Ok((i, s)) => {
                assert_eq!(i.rcp, stem.starts_with("rcp-"), "{stem}");
                surface += usize::from(s);
                compiled_chars += i.compiled_chars;
                // The input as it would be deployed: minified, Sids kept.
                let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                input_chars += serde_json::to_string(&v).unwrap().chars().count();
            }
            Err(e) => {
                refused += 1;
                failures.push(format!("{stem}: {e}"));
            }
        }
        let imported = match import_policy(&embedded(), &block_name(&stem), &text) {
            Ok(i) => i,
            Err(e) => {
                failures.push(format!("{stem}: {e}"));
                continue;
            }
        };
        assert_eq!(imported.rcp, stem.starts_with("rcp-"), "{stem}");
        // The text without the recognised statements must be proven too, unless no core rule
        // says the document (`require application_inference_profile`'s `StringNotLike` on an
        // ARN key): then the text is the recognised one.
        if let Err(e) = verify_import(embedded(), &format!("{stem}.gov"), &imported) {
            failures.push(format!("{stem}: {e}\n{}", imported.text));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert_eq!(refused, 0);
    eprintln!(
        "import: {} documents, {} proven as surface statements, {} as core rules, {refused} refused; recompiled {compiled_chars} characters against {input_chars} for the inputs minified",
        files.len(),
        surface,
        files.len() - surface - refused
    );
    // Recompiled, an import is never much larger than its input.
    assert!(
        compiled_chars <= input_chars,
        "{compiled_chars} > {input_chars}"
    );
    // Most published-style SCPs and RCPs are Denies on named actions.
    assert!(surface * 2 >= files.len(), "{surface} of {}", files.len());
}

#[test]
fn what_the_language_cannot_say_is_refused_and_a_wrong_text_is_caught() {
    let ignore_case = r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*",
        "Condition":{"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"ml"}}}}"#;
    let e = import_policy(&embedded(), "p", ignore_case).unwrap_err();
    assert!(e.contains("StringEqualsIgnoreCase"), "{e}");
    // A text that says less than the JSON: the proof refuses it.
    let json = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"},
        {"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}"#;
    let mut imported = import_policy(&embedded(), "p", json).unwrap();
    imported.text = "scp p {\n  forbid (action in [\"s3:DeleteBucket\"]);\n}\n".to_string();
    let e = verify_import(embedded(), "p.gov", &imported).unwrap_err();
    assert!(
        e.contains("organizations:LeaveOrganization") || e.contains("ORGANIZATIONS"),
        "{e}"
    );
}

#[test]
fn template_placeholders_are_found_and_iam_variables_are_not() {
    use govc_compiler::import::{fill_placeholders, placeholders};
    let doc = r#"{"Statement":[{"Resource":["arn:aws:iam::${Account}:role/[PRIVILEGED_ROLE]","arn:aws:s3:::${aws:PrincipalTag/team}/*","${*}${?}${$}","[lower]","a<b","x>y"],"Condition":{"IpAddress":{"aws:SourceIp":"<my-cidr>"}}}]}"#;
    let found: Vec<(String, String)> = placeholders(doc)
        .into_iter()
        .map(|p| (p.token, p.name))
        .collect();
    assert_eq!(
        found,
        [
            ("${Account}", "Account"),
            ("[PRIVILEGED_ROLE]", "PRIVILEGED_ROLE"),
            ("<my-cidr>", "my-cidr"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let values = [
        ("Account", "123456789012"),
        ("PRIVILEGED_ROLE", "Admin\"x"),
        ("my-cidr", "10.0.0.0/8"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    let (filled, _) = fill_placeholders(doc, &values).unwrap();
    let v: serde_json::Value = serde_json::from_str(&filled).unwrap();
    assert_eq!(
        v["Statement"][0]["Resource"][0],
        "arn:aws:iam::123456789012:role/Admin\"x"
    );
    assert!(placeholders(&filled).is_empty());
    let e = fill_placeholders(doc, &Default::default()).unwrap_err();
    assert!(
        e.contains("`${Account}`, `[PRIVILEGED_ROLE]`, `<my-cidr>`"),
        "{e}"
    );
}

#[test]
fn what_the_compiler_writes_for_an_exact_principal_imports_back() {
    // `unless principal "arn:…"` without a wildcard compiles to `StringNotEquals` on the ARN
    // key `aws:PrincipalArn`; the importer must take its own compiler's output.
    let json = r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"iam:DeleteRole","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/Admin"}}}}"#;
    let (i, surface) = import_verified(embedded(), "p", "p.gov", json).unwrap();
    assert!(surface, "{}", i.text);
    assert!(
        i.text
            .contains(r#"unless principal in ["arn:aws:iam::111122223333:role/Admin"]"#),
        "{}",
        i.text
    );
    // With a wildcard the two operators differ (ARNs match segment by segment): refused.
    let wild = json.replace("role/Admin", "role/Admin*");
    let e = import_verified(embedded(), "p", "p.gov", &wild).unwrap_err();
    assert!(e.contains("on the ARN key `aws:PrincipalArn`"), "{e}");
}
