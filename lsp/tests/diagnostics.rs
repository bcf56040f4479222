//! Diagnostics over the protocol: on open and on every edit, the same as `govc check`.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly"
)]

mod common;

use common::*;
use serde_json::json;

/// The codes of the diagnostics, in order.
fn codes_of(d: &serde_json::Value) -> Vec<String> {
    d.as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap().to_string())
        .collect()
}

const ORG: &str = "org {\n  root = \"r-a1b2\"\n  ou prod = \"ou-a1b2-33333333\"\n  account app = \"123456789012\" under prod\n}\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnostics_on_open_and_change() {
    let mut c = Client::start(&[("org.gov", ORG)]).await;
    let text = "use \"org.gov\"\n\nscp regions {\n  only regions us-est-1, eu-west-1\n}\nattach regions to prood\n";
    let uri = c.open("main.gov", text).await;
    let d = c.diagnostics(&uri, 1).await;
    insta::assert_json_snapshot!("open", c.redact(&d));

    // Fix the region: one diagnostic left, the unknown target.
    c.change(
        &uri,
        2,
        json!([{"range": {"start": pos(3, 15), "end": pos(3, 23)}, "text": "us-east-1"}]),
    )
    .await;
    let d = c.diagnostics(&uri, 2).await;
    let codes: Vec<&str> = d
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["E0100"], "{d}");

    // A full-text change fixes the rest.
    c.change(
        &uri,
        3,
        json!([{"text": "use \"org.gov\"\nscp regions { only regions us-east-1 }\nattach regions to prod\n"}]),
    )
    .await;
    // What is left are the back end's lints, as `govc check` reports them: `only regions
    // us-east-1` breaks cross-Region inference (W0410, W0411).
    assert_eq!(codes_of(&c.diagnostics(&uri, 3).await), ["W0410", "W0411"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn positions_count_utf16_units() {
    let mut c = Client::start(&[]).await;
    // `é` (2 bytes, 1 unit) and `🦀` (4 bytes, 2 units) before the misspelt region.
    let text = "// é🦀\nscp s { /* 🦀é */ only regions us-est-1 }\n";
    let uri = c.open("a.gov", text).await;
    let d = c.diagnostics(&uri, 1).await;
    let (line, col) = find(text, "us-est-1", 0);
    assert_eq!(d[0]["code"], "E0200", "{d}");
    assert_eq!(d[0]["range"]["start"], pos(line, col));
    assert_eq!(d[0]["range"]["end"], pos(line, col + 8));
    // An edit after the multi-byte text, addressed in UTF-16 units.
    c.change(
        &uri,
        2,
        json!([{"range": {"start": pos(line, col + 4), "end": pos(line, col + 4)}, "text": "a"}]),
    )
    .await;
    assert_eq!(codes_of(&c.diagnostics(&uri, 2).await), ["W0410", "W0411"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_in_one_file_updates_the_other() {
    let mut c = Client::start(&[]).await;
    let a = c.open("a.gov", "const r = us-east-1\n").await;
    let b = c
        .open("b.gov", "use \"a.gov\"\nscp s { only regions r }\n")
        .await;
    assert_eq!(c.diagnostics(&a, 1).await, json!([]));
    assert_eq!(codes_of(&c.diagnostics(&b, 1).await), ["W0410", "W0411"]);
    c.change(&a, 2, json!([{"text": "const q = us-east-1\n"}]))
        .await;
    // b.gov now names an undeclared... region `r`, reported in b.gov.
    let d = c.diagnostics(&b, 1).await;
    assert!(!d.as_array().unwrap().is_empty(), "{d}");
}

/// A `use` of a device is refused, not read: `/dev/zero` would exhaust memory, `/dev/stdin` is
/// the server's own input (the editor's messages).
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_use_of_a_device_is_not_read() {
    let mut c = Client::start(&[("org.gov", ORG)]).await;
    let text = "use \"org.gov\"\nuse \"/dev/zero\"\nuse \"/dev/stdin\"\nscp s { deny model deepseek* }\nattach s to prod\n";
    let uri = c.open("main.gov", text).await;
    assert_eq!(codes_of(&c.diagnostics(&uri, 1).await), ["E0103", "E0103"]);
    let symbols = c
        .call(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    assert!(symbols.is_array(), "{symbols}");
}

/// The program of a document is what `govc check ROOT` reads, ROOT being the workspace folder:
/// every `.gov` file under it, recursively, each with its diagnostics, open or not. Files
/// created or changed on disk join it when the editor reports them (the server registers a
/// watcher); when the last document is closed, the files lose their diagnostics.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_program_is_the_workspace_folder_as_govc_check_reads_it() {
    let regions = "scp regions {\n  only regions us-est-1, us-east-1\n}\n";
    let main = "attach regions to prod\n";
    let mut c = Client::start_project(&[
        ("org.gov", ORG),
        ("policies/deep/regions.gov", regions),
        ("policies/main.gov", main),
        // Hidden directories are not walked, as by the CLI.
        (".hidden/broken.gov", "scp {\n"),
    ])
    .await;
    let registered = c.notification("client/registerCapability").await;
    assert_eq!(
        registered["params"]["registrations"][0]["method"], "workspace/didChangeWatchedFiles",
        "{registered}"
    );
    let uri = c.open("policies/main.gov", main).await;
    let d = c.diagnostics(&uri, 1).await;
    // `govc check ROOT` (see the CLI's test of the same tree): both names are defined in the
    // program, in files this one does not use; the help names each file, found by the walk.
    let helps: Vec<&str> = d
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|x| x["relatedInformation"].as_array().unwrap())
        .filter_map(|r| r["message"].as_str())
        .collect();
    assert_eq!(codes_of(&d), ["E0100", "E0100"], "{d}");
    assert!(
        helps.iter().any(|h| h.contains("use \"deep/regions.gov\"")),
        "{d}"
    );
    assert!(
        helps.iter().any(|h| h.contains("use \"../org.gov\"")),
        "{d}"
    );

    // The closed file's error, published without a version.
    let closed = c.uri("policies/deep/regions.gov");
    let p = c.published(&closed).await;
    assert_eq!(p["version"], serde_json::Value::Null, "{p}");
    assert_eq!(codes_of(&p["diagnostics"]), ["E0200"], "{p}");
    assert_eq!(p["diagnostics"][0]["range"]["start"], pos(1, 15), "{p}");
    let hidden = c.uri(".hidden/broken.gov");
    assert!(
        !c.pending_has(&hidden),
        "a hidden directory is not part of the program"
    );

    // A file created outside the editor, and the typo fixed outside it.
    std::fs::write(
        c.path("policies/more.gov"),
        "scp more { only regions eu-wst-1 }\n",
    )
    .unwrap();
    std::fs::write(
        c.path("policies/deep/regions.gov"),
        "scp regions {\n  only regions us-west-2, us-east-1\n}\n",
    )
    .unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [
            {"uri": c.uri("policies/more.gov"), "type": 1},
            {"uri": closed, "type": 2},
        ]}),
    )
    .await;
    let more = c.uri("policies/more.gov");
    let p = c.published(&more).await;
    assert_eq!(codes_of(&p["diagnostics"]), ["E0200"], "{p}");
    let p = c.published(&closed).await;
    assert_eq!(p["diagnostics"], json!([]), "{p}");

    // The last document closed: no program is shown, so no file keeps diagnostics.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    )
    .await;
    let p = c.published(&more).await;
    assert_eq!(p["diagnostics"], json!([]), "{p}");
    let p = c.published(&uri).await;
    assert_eq!(p["diagnostics"], json!([]), "{p}");
}
