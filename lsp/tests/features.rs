//! Every feature over the protocol, on a two-file program; JSON answers are insta snapshots
//! with the temporary directory redacted.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly"
)]

mod common;

use common::*;
use serde_json::{json, Value};

const ORG: &str = "\
org {
  root = \"r-a1b2\"
  /// Production workloads.
  ou prod = \"ou-a1b2-33333333\"
  account app = \"123456789012\" under prod
}
";

const MAIN: &str = "\
use \"org.gov\"

/// Regions we run in.
set home = [us-east-1, eu-west-1]

scp regions {
  only regions home
}

scp models {
  deny model deepseek*
  deny actions bedrock:InvokeModel unless region in home
}

attach regions, models to prod
";

async fn setup() -> (Client, String) {
    let mut c = Client::start(&[("org.gov", ORG)]).await;
    let uri = c.open("main.gov", MAIN).await;
    // No errors; the back end's lints (`only regions home` breaks cross-Region inference) are
    // reported as `govc check` reports them.
    let d = c.diagnostics(&uri, 1).await;
    assert!(
        d.as_array().unwrap().iter().all(|x| x["severity"] != 1),
        "{d}"
    );
    (c, uri)
}

fn labels(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

/// Completion at the end of `text` (opened as a new document).
async fn complete_at_end(c: &mut Client, name: &str, text: &str) -> Vec<String> {
    let uri = c.open(name, text).await;
    let last = text.lines().count().saturating_sub(1) as u32;
    let col = text.lines().last().unwrap_or("").encode_utf16().count() as u32;
    let col = if text.ends_with('\n') { 0 } else { col };
    let line = if text.ends_with('\n') { last + 1 } else { last };
    labels(&c.call("textDocument/completion", at(&uri, line, col)).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initialize_advertises_the_features() {
    let mut c = Client::start(&[]).await;
    // A second initialize is refused: the server is already initialized.
    let r = c.request("initialize", json!({"capabilities": {}})).await;
    assert!(r.get("error").is_some(), "{r}");
    let caps = serde_json::to_value(govc_lsp::capabilities()).unwrap();
    insta::assert_json_snapshot!("capabilities", caps);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_knows_the_context() {
    let (mut c, _) = setup().await;
    let dir = "use \"org.gov\"\n";

    let regions = complete_at_end(
        &mut c,
        "c1.gov",
        &format!("{dir}scp s {{ only regions us-ea"),
    )
    .await;
    assert!(regions.contains(&"us-east-1".to_string()), "{regions:?}");
    assert!(
        regions.iter().all(|r| r.starts_with("us-ea")),
        "{regions:?}"
    );

    let models = complete_at_end(
        &mut c,
        "c2.gov",
        &format!("{dir}scp s {{ deny model anthropic.cl"),
    )
    .await;

    assert!(
        models.contains(&"anthropic.claude*".to_string()),
        "{models:?}"
    );
    assert!(
        models.iter().any(|m| m.starts_with("anthropic.claude-")),
        "{models:?}"
    );

    let actions = complete_at_end(
        &mut c,
        "c3.gov",
        &format!("{dir}scp s {{ deny action bedrock:InvokeMo"),
    )
    .await;
    assert!(
        actions.contains(&"bedrock:InvokeModel".to_string()),
        "{actions:?}"
    );

    let services = complete_at_end(
        &mut c,
        "c4.gov",
        &format!("{dir}scp s {{ deny service bedrock-a"),
    )
    .await;
    assert!(
        services.contains(&"bedrock-agentcore".to_string()),
        "{services:?}"
    );

    let targets = complete_at_end(&mut c, "c5.gov", &format!("{dir}attach regions to ")).await;
    assert_eq!(targets, ["app", "prod", "root"]);

    let policies = complete_at_end(&mut c, "c6.gov", "use \"main.gov\"\nattach ").await;
    assert!(policies.contains(&"models".to_string()), "{policies:?}");
    assert!(policies.contains(&"regions".to_string()), "{policies:?}");

    let top = complete_at_end(&mut c, "c7.gov", "sc").await;
    assert_eq!(top, ["scp"]);

    let stmt = complete_at_end(&mut c, "c8.gov", "scp s {\n  deny ").await;
    assert!(
        stmt.contains(&"model".to_string()) && stmt.contains(&"api_keys".to_string()),
        "{stmt:?}"
    );

    let keys = complete_at_end(
        &mut c,
        "c9.gov",
        "scp s { deny all when { context[\"aws:RequestedReg",
    )
    .await;
    assert_eq!(keys, ["aws:RequestedRegion"]);

    let values = complete_at_end(
        &mut c,
        "c10.gov",
        "scp s { deny all when { context[\"aws:ViaAWSMCPService\"] == ",
    )
    .await;
    assert_eq!(values, ["true", "false"]);

    let consts = complete_at_end(
        &mut c,
        "c11.gov",
        "use \"main.gov\"\nscp s { only regions ho",
    )
    .await;
    assert_eq!(consts, ["home"]);

    // UTF-16: multi-byte text before the cursor on the same line.
    let utf = complete_at_end(&mut c, "c12.gov", "scp s { /* é🦀 */ only regions eu-we").await;
    assert!(utf.contains(&"eu-west-1".to_string()), "{utf:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_items_snapshot() {
    let (mut c, _) = setup().await;
    let uri = c.open("snap.gov", "use \"org.gov\"\nattach x to pr").await;
    let r = c.call("textDocument/completion", at(&uri, 1, 14)).await;
    insta::assert_json_snapshot!("completion_targets", c.redact(&r));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_explains_names_keywords_and_compiled_json() {
    let (mut c, uri) = setup().await;
    // The set `home`, with its doc comment.
    let (l, col) = find(MAIN, "home =", 1);
    let h = c.call("textDocument/hover", at(&uri, l, col)).await;
    insta::assert_json_snapshot!("hover_set", c.redact(&h));
    // A keyword.
    let (l, col) = find(MAIN, "only", 1);
    let h = c.call("textDocument/hover", at(&uri, l, col)).await;
    let md = h["contents"]["value"].as_str().unwrap();
    assert!(md.contains("allow-lists"), "{md}");
    // The ou `prod` from the other file, with its doc comment.
    let (l, col) = find(MAIN, "prod", 1);
    let h = c.call("textDocument/hover", at(&uri, l, col)).await;
    let md = h["contents"]["value"].as_str().unwrap();
    assert!(md.contains("Production workloads."), "{md}");
    // A policy: its compiled document and budget.
    let (l, col) = find(MAIN, "models {", 1);
    let h = c.call("textDocument/hover", at(&uri, l, col)).await;
    insta::assert_json_snapshot!("hover_policy", c.redact(&h));
    // A statement: its statements' JSON.
    let (l, col) = find(MAIN, "deepseek*", 2);
    let h = c.call("textDocument/hover", at(&uri, l, col)).await;
    insta::assert_json_snapshot!("hover_statement", c.redact(&h));
    // A region literal: the catalog.
    let (l, col) = find(MAIN, "eu-west-1", 1);
    let h = c.call("textDocument/hover", at(&uri, l, col)).await;
    let md = h["contents"]["value"].as_str().unwrap();
    assert!(md.contains("Region"), "{md}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn definition_references_and_rename() {
    let (mut c, uri) = setup().await;
    // `prod` in attach → its declaration in org.gov.
    let (l, col) = find(MAIN, "to prod", 4);
    let d = c.call("textDocument/definition", at(&uri, l, col)).await;
    insta::assert_json_snapshot!("definition", c.redact(&d));

    // References of `home`: the declaration and two uses.
    let (l, col) = find(MAIN, "home =", 0);
    let mut p = at(&uri, l, col);
    p["context"] = json!({"includeDeclaration": true});
    let r = c.call("textDocument/references", p.clone()).await;
    assert_eq!(r.as_array().unwrap().len(), 3, "{r}");
    p["context"] = json!({"includeDeclaration": false});
    let r = c.call("textDocument/references", p).await;
    assert_eq!(r.as_array().unwrap().len(), 2, "{r}");

    // `use "org.gov"` goes to the file.
    let d = c.call("textDocument/definition", at(&uri, 0, 7)).await;
    assert!(d["uri"].as_str().unwrap().ends_with("/org.gov"), "{d}");

    // Rename `prod` across both files.
    let (l, col) = find(MAIN, "to prod", 4);
    let pr = c.call("textDocument/prepareRename", at(&uri, l, col)).await;
    assert_eq!(pr["placeholder"], "prod", "{pr}");
    let mut p = at(&uri, l, col);
    p["newName"] = json!("production");
    let e = c.call("textDocument/rename", p).await;
    insta::assert_json_snapshot!("rename", c.redact(&e));

    // Invalid new names and unrenameable names are errors.
    let mut p = at(&uri, l, col);
    p["newName"] = json!("scp");
    assert!(c
        .request("textDocument/rename", p)
        .await
        .get("error")
        .is_some());
    let mut p = at(&uri, l, col);
    p["newName"] = json!("app");
    assert!(c
        .request("textDocument/rename", p)
        .await
        .get("error")
        .is_some());
    let (l, col) = find(MAIN, "eu-west-1", 1);
    let r = c.call("textDocument/prepareRename", at(&uri, l, col)).await;
    assert_eq!(r, Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn document_symbols_and_semantic_tokens() {
    let (mut c, uri) = setup().await;
    let s = c
        .call(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    insta::assert_json_snapshot!("symbols", c.redact(&s));
    let t = c
        .call(
            "textDocument/semanticTokens/full",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    insta::assert_json_snapshot!("semantic_tokens", t);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn formatting_matches_govc_fmt() {
    let mut c = Client::start(&[]).await;
    let messy = "scp   s {\n      only regions us-east-1 ,eu-west-1 // home\n}\n";
    let uri = c.open("f.gov", messy).await;
    let params =
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}});
    let edits = c.call("textDocument/formatting", params.clone()).await;
    let expected = govc_compiler::format::format_source(messy).unwrap();
    assert_eq!(
        edits,
        json!([{"range": {"start": pos(0, 0), "end": pos(3, 0)}, "newText": expected}])
    );
    // Already formatted: no edits.
    let done = c.open("g.gov", &expected).await;
    let params =
        json!({"textDocument": {"uri": done}, "options": {"tabSize": 2, "insertSpaces": true}});
    assert_eq!(c.call("textDocument/formatting", params).await, json!([]));
    // A syntax error: the file is left alone.
    let bad = c.open("h.gov", "scp s { only regions\n").await;
    let params =
        json!({"textDocument": {"uri": bad}, "options": {"tabSize": 2, "insertSpaces": true}});
    assert_eq!(c.call("textDocument/formatting", params).await, json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_fix_applies_the_suggestion() {
    let mut c = Client::start(&[]).await;
    let uri = c.open("q.gov", "scp s { only regions us-est-1 }\n").await;
    let d = c.diagnostics(&uri, 1).await;
    let a = c
        .call(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": pos(0, 22), "end": pos(0, 22)},
                   "context": {"diagnostics": d}}),
        )
        .await;
    insta::assert_json_snapshot!("code_action", c.redact(&a));
    // Nothing to fix elsewhere.
    let a = c
        .call(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": pos(0, 0), "end": pos(0, 3)},
                   "context": {"diagnostics": []}}),
        )
        .await;
    assert_eq!(a, json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inlay_hints_show_sizes_and_slots() {
    let (mut c, uri) = setup().await;
    let h = c
        .call(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": uri}, "range": {"start": pos(0, 0), "end": pos(99, 0)}}),
        )
        .await;
    insta::assert_json_snapshot!("inlay_main", c.redact(&h));
    let org = c.open("org.gov", ORG).await;
    let h = c
        .call(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": org}, "range": {"start": pos(0, 0), "end": pos(99, 0)}}),
        )
        .await;
    insta::assert_json_snapshot!("inlay_org", c.redact(&h));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_get_errors_and_the_server_lives() {
    let (mut c, uri) = setup().await;
    // A line past the end.
    let r = c.request("textDocument/hover", at(&uri, 999, 0)).await;
    assert_eq!(r["error"]["code"], -32602, "{r}");
    // An unknown document.
    let r = c
        .request("textDocument/completion", at("file:///nowhere/x.gov", 0, 0))
        .await;
    assert_eq!(r["error"]["code"], -32602, "{r}");
    // Parameters of the wrong shape.
    let r = c
        .request("textDocument/definition", json!({"textDocument": 5}))
        .await;
    assert!(r.get("error").is_some(), "{r}");
    // An unknown method.
    let r = c.request("govc/nothing", json!({})).await;
    assert_eq!(r["error"]["code"], -32601, "{r}");
    // An inverted range.
    let r = c
        .request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": uri}, "range": {"start": pos(3, 0), "end": pos(1, 0)}}),
        )
        .await;
    assert!(r.get("error").is_some(), "{r}");
    // A didChange with a range outside the document is ignored.
    c.change(
        &uri,
        2,
        json!([{"range": {"start": pos(500, 0), "end": pos(501, 0)}, "text": "x"}]),
    )
    .await;
    let d = c.diagnostics(&uri, 2).await;
    assert!(
        d.as_array().unwrap().iter().all(|x| x["severity"] != 1),
        "{d}"
    );
    // Still serving.
    let r = c.call("textDocument/hover", at(&uri, 6, 2)).await;
    assert!(r.is_object(), "{r}");
    let r = c.call("shutdown", Value::Null).await;
    assert_eq!(r, Value::Null);
}
