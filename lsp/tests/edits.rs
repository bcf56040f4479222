//! Random edit sequences (inserted and deleted characters and tokens, multi-byte text
//! included) sent as incremental `didChange`s: afterwards the server is alive and its
//! diagnostics equal `govc check`'s on the final text.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly"
)]

mod common;

use common::*;
use govc_compiler::db::{self, Database};
use proptest::prelude::*;
use serde_json::{json, Value};

const BASE: &str = "// Régions — 🦀\norg {\n  root = \"r-a1b2\"\n  ou prod = \"ou-a1b2-33333333\"\n}\n\
set home = [us-east-1, eu-west-1]\nscp s {\n  only regions home\n  deny model deepseek*\n}\nattach s to prod\n";

const TOKENS: &[&str] = &[
    "scp",
    "deny",
    "model",
    "only",
    "regions",
    "{",
    "}",
    "[",
    "]",
    ",",
    "\"",
    "é",
    "🦀",
    "\n",
    " ",
    "us-east-1",
    "us-est-1",
    "attach",
    "to",
    "prod",
    "home",
    "unless",
    "region",
    "in",
    "/*",
    "*/",
    "//",
    "::",
    "context[\"aws:RequestedRegion\"]",
    "==",
    "ü",
    "\r\n",
];

#[derive(Clone, Debug)]
enum Edit {
    Insert(usize, String),
    Delete(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), prop::sample::select(TOKENS))
            .prop_map(|(at, t)| Edit::Insert(at, t.to_string())),
        (any::<usize>(), "[a-z é🦀\\n]{1,3}").prop_map(|(at, t)| Edit::Insert(at, t)),
        (any::<usize>(), 1usize..6).prop_map(|(at, n)| Edit::Delete(at, n)),
    ]
}

/// UTF-16 position of a byte offset, computed independently of the server's line index
/// (lines end at `\n`, `\r\n` or `\r`).
fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let mut line = 0;
    let mut start = 0;
    let bytes = before.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' || (*b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            line += 1;
            start = i + 1;
        }
    }
    // An offset between `\r` and `\n` is the end of that line.
    let col_text = before[start..].trim_end_matches('\r');
    pos(line, col_text.encode_utf16().count() as u32)
}

/// The char boundary at or before `i`, and not between `\r` and `\n`.
fn boundary(text: &str, i: usize) -> usize {
    let mut i = i % (text.len() + 1);
    while !text.is_char_boundary(i)
        || (i > 0 && text.as_bytes()[i - 1] == b'\r' && text.as_bytes().get(i) == Some(&b'\n'))
    {
        i -= 1;
    }
    i
}

fn expected(path: &str, text: &str) -> Vec<Value> {
    let mut database = Database::new(govc_compiler::catalog::embedded());
    let t = text.to_string();
    let p = path.to_string();
    let roots = [path.to_string()];
    let (ws, _) = db::load(&mut database, &roots, &move |q| {
        if q == p {
            Ok(t.as_bytes().to_vec())
        } else {
            std::fs::read(q)
        }
    });
    db::all_diagnostics(&database, ws)
        .iter()
        .filter(|d| d.file == path)
        .map(|d| {
            json!({
                "code": d.code.as_str(),
                "message": d.message,
                "start": position(text, d.span.start as usize),
                "end": position(text, d.span.end as usize),
            })
        })
        .collect()
}

fn got(diags: &Value) -> Vec<Value> {
    diags
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            json!({
                "code": d["code"],
                "message": d["message"],
                "start": d["range"]["start"],
                "end": d["range"]["end"],
            })
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_edits_end_in_govc_checks_diagnostics(edits in prop::collection::vec(edit(), 1..14)) {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut c = Client::start(&[]).await;
            let uri = c.open("edit.gov", BASE).await;
            let mut text = BASE.to_string();
            let mut version = 1;
            for e in &edits {
                version += 1;
                let (start, end, insert) = match e {
                    Edit::Insert(at, s) => {
                        let at = boundary(&text, *at);
                        (at, at, s.clone())
                    }
                    Edit::Delete(at, n) => {
                        let a = boundary(&text, *at);
                        let b = boundary(&text, a + n);
                        (a, b.max(a), String::new())
                    }
                };
                let range = json!({"start": position(&text, start), "end": position(&text, end)});
                text.replace_range(start..end, &insert);
                c.change(&uri, version, json!([{"range": range, "text": insert}])).await;
            }
            let diags = c.diagnostics(&uri, version).await;
            let path = c.path("edit.gov").to_string_lossy().to_string();
            assert_eq!(got(&diags), expected(&path, &text), "final text: {text:?}");
            // Alive: a request is answered.
            let r = c.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}})).await;
            assert!(r.get("result").is_some(), "{r}");
        });
    }
}
