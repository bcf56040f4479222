//! Robustness over the protocol: a panic in a request handler or in a diagnostics run leaves a
//! working server (faults armed through the test-only `fault-injection` feature), and a burst
//! of edits ends with the final version's diagnostics, never followed by a stale version's.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly"
)]

mod common;

use common::*;
use serde_json::{json, Value};

const TEXT: &str = "org {\n  root = \"r-a1b2\"\n  ou prod = \"ou-a1b2-33333333\"\n}\n\
scp regions {\n  only regions us-east-1, eu-west-1 for services bedrock-agentcore\n}\nattach regions to prod\n";

/// The server still answers hover and completion and still publishes diagnostics.
async fn assert_alive(c: &mut Client, uri: &str, version: i32) {
    let (line, col) = find(TEXT, "regions {", 1);
    let hover = c.call("textDocument/hover", at(uri, line, col)).await;
    assert!(hover["contents"].is_object(), "{hover}");
    let (line, col) = find(TEXT, "us-east-1", 3);
    let items = c.call("textDocument/completion", at(uri, line, col)).await;
    assert!(
        items
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["label"] == json!("us-east-2")),
        "{items}"
    );
    // Break the region, then expect its diagnostic at this version.
    let (line, col) = find(TEXT, "us-east-1", 0);
    c.change(
        uri,
        version,
        json!([{"range": {"start": pos(line, col), "end": pos(line, col + 9)}, "text": "us-est-1"}]),
    )
    .await;
    let d = c.diagnostics(uri, version).await;
    assert_eq!(codes(&d), ["E0200"], "{d}");
    c.change(
        uri,
        version + 1,
        json!([{"range": {"start": pos(line, col), "end": pos(line, col + 8)}, "text": "us-east-1"}]),
    )
    .await;
    assert_eq!(c.diagnostics(uri, version + 1).await, json!([]));
}

fn codes(d: &Value) -> Vec<&str> {
    d.as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_request_is_an_internal_error_and_the_server_lives_on() {
    let (mut c, faults) = Client::start_with_faults(&[]).await;
    let uri = c.open("main.gov", TEXT).await;
    assert_eq!(c.diagnostics(&uri, 1).await, json!([]));

    faults.panic_next_request();
    let (line, col) = find(TEXT, "regions {", 1);
    let r = c.request("textDocument/hover", at(&uri, line, col)).await;
    assert_eq!(r["error"]["code"], json!(-32603), "{r}");
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("injected fault in a request handler"),
        "{r}"
    );
    assert_alive(&mut c, &uri, 2).await;

    // Again with another request kind, after which the same request works.
    faults.panic_next_request();
    let (line, col) = find(TEXT, "us-east-1", 3);
    let r = c
        .request("textDocument/completion", at(&uri, line, col))
        .await;
    assert_eq!(r["error"]["code"], json!(-32603), "{r}");
    assert_alive(&mut c, &uri, 4).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_diagnostics_run_is_logged_and_the_server_lives_on() {
    let (mut c, faults) = Client::start_with_faults(&[]).await;
    let uri = c.open("main.gov", TEXT).await;
    assert_eq!(c.diagnostics(&uri, 1).await, json!([]));

    faults.panic_next_diagnostics();
    c.change(
        &uri,
        2,
        json!([{"range": {"start": pos(0, 0), "end": pos(0, 0)}, "text": "// x\n"}]),
    )
    .await;
    let log = c.notification("window/logMessage").await;
    assert_eq!(log["params"]["type"], json!(1), "an error: {log}");
    let msg = log["params"]["message"].as_str().unwrap();
    assert!(
        msg.contains("internal error while computing diagnostics")
            && msg.contains("injected fault in the diagnostics run"),
        "{log}"
    );
    // Undo the edit: the text is `TEXT` again, at version 3, and everything works.
    c.change(
        &uri,
        3,
        json!([{"range": {"start": pos(0, 0), "end": pos(1, 0)}, "text": ""}]),
    )
    .await;
    let published = c.published_until(&uri, 3).await;
    assert_eq!(
        published,
        [(3, json!([]))],
        "nothing was published for the version whose run panicked"
    );
    assert_alive(&mut c, &uri, 4).await;
}

/// The region of `TEXT` at a version: odd versions have a typo (E0200), even ones are clean.
fn region_at(version: i32) -> &'static str {
    if version % 2 == 1 {
        "us-est-1"
    } else {
        "us-east-1"
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_edits_ends_with_the_final_versions_diagnostics() {
    const EDITS: i32 = 200;
    let mut c = Client::start(&[]).await;
    let text = TEXT.replace("us-east-1", region_at(1));
    let uri = c.open("main.gov", &text).await;
    let (line, col) = find(TEXT, "us-east-1", 0);
    let mut published = c.published_until(&uri, 1).await;
    // All the edits without waiting for anything.
    for version in 2..=EDITS + 1 {
        let old = region_at(version - 1).encode_utf16().count() as u32;
        c.change(
            &uri,
            version,
            json!([{
                "range": {"start": pos(line, col), "end": pos(line, col + old)},
                "text": region_at(version),
            }]),
        )
        .await;
    }
    published.extend(c.published_until(&uri, EDITS + 1).await);
    // One more edit: whatever the server publishes from now on is for that version only.
    let last = EDITS + 2;
    let old = region_at(last - 1).encode_utf16().count() as u32;
    c.change(
        &uri,
        last,
        json!([{"range": {"start": pos(line, col), "end": pos(line, col + old)}, "text": region_at(last)}]),
    )
    .await;
    let after = c.published_until(&uri, last).await;
    assert_eq!(after, [(i64::from(last), json!([]))]);

    let versions: Vec<i64> = published.iter().map(|(v, _)| *v).collect();
    assert!(
        versions.windows(2).all(|w| w[0] < w[1]),
        "a stale version was published after a newer one: {versions:?}"
    );
    assert_eq!(versions.last(), Some(&i64::from(EDITS + 1)));
    // Each published list is the one of its version's text.
    for (v, d) in &published {
        let want: &[&str] = if v % 2 == 1 { &["E0200"] } else { &[] };
        assert_eq!(codes(d), want, "version {v}: {d}");
    }
    let (_, fin) = published.last().unwrap();
    assert_eq!(
        fin[0]["range"],
        json!({"start": pos(line, col), "end": pos(line, col + 8)}),
        "{fin}"
    );
}

/// The server reads from disk only inside the project (here, with no workspace folder, the
/// open document's directory), only `.gov` regular files, and never echoes another file: a
/// `use "/dev/stdin"` would otherwise read the protocol stream itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_stay_inside_the_project() {
    let mut c = Client::start(&[]).await;
    std::fs::create_dir_all(c.path("sub")).unwrap();
    std::fs::write(c.path("secret.gov"), "scp leaked { SECRET-TOKEN }\n").unwrap();
    let text = "use \"/dev/stdin\"\nuse \"/etc/passwd\"\nuse \"../secret.gov\"\n";
    let uri = c.open("sub/a.gov", text).await;
    let d = c.diagnostics(&uri, 1).await;
    assert_eq!(codes(&d), ["E0103", "E0103", "E0103"], "{d}");
    let all = d.to_string();
    assert!(!all.contains("SECRET"), "{all}");
    assert!(all.contains("not a .gov file"), "{all}");
    assert!(all.contains("outside the project"), "{all}");
    // Still serving.
    let symbols = c
        .call(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    assert!(symbols.is_array(), "{symbols}");
}
