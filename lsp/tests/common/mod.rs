//! A client for protocol tests: talks to the server in-process over a duplex byte stream with
//! real `Content-Length` framing, as an editor does over stdio.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "each test binary uses part of the harness; test helpers fail loudly"
)]

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream};
use tokio::sync::mpsc;

pub use govc_lsp::faults::Faults;

pub struct Client {
    write: tokio::io::WriteHalf<DuplexStream>,
    rx: mpsc::UnboundedReceiver<Value>,
    /// Server-to-client messages received while waiting for something else.
    pending: VecDeque<Value>,
    next_id: i64,
    pub dir: tempfile::TempDir,
}

/// A guard against a wedged server: a test that waits this long fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(60);

async fn read_message<R: tokio::io::AsyncBufRead + Unpin>(r: &mut R) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            len = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0u8; len?];
    r.read_exact(&mut body).await.ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    /// Starts a server and initializes it; `files` are written to a fresh directory first.
    pub async fn start(files: &[(&str, &str)]) -> Client {
        Client::start_with(files, None, false).await
    }

    /// [`Client::start`] as an editor with a project open: the directory is the workspace
    /// folder, and the client lets the server register a watcher for files. `files` may name
    /// subdirectories.
    pub async fn start_project(files: &[(&str, &str)]) -> Client {
        Client::start_with(files, None, true).await
    }

    /// [`Client::start`] with a server whose faults the test arms (the `fault-injection`
    /// feature, which the crate's dev-dependency on itself enables).
    pub async fn start_with_faults(files: &[(&str, &str)]) -> (Client, Arc<Faults>) {
        let faults = Arc::new(Faults::default());
        (
            Client::start_with(files, Some(faults.clone()), false).await,
            faults,
        )
    }

    async fn start_with(
        files: &[(&str, &str)],
        faults: Option<Arc<Faults>>,
        project: bool,
    ) -> Client {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).unwrap();
            }
            std::fs::write(path, text).unwrap();
        }
        let (client_end, server_end) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server_end);
        match faults {
            Some(f) => tokio::spawn(govc_lsp::serve_with_faults(server_read, server_write, f)),
            None => tokio::spawn(govc_lsp::serve(server_read, server_write)),
        };
        let (read, write) = tokio::io::split(client_end);
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut r = BufReader::new(read);
            while let Some(msg) = read_message(&mut r).await {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        let mut c = Client {
            write,
            rx,
            pending: VecDeque::new(),
            next_id: 0,
            dir,
        };
        let params = if project {
            let folder = uri_of(c.dir.path());
            json!({
                "processId": null,
                "rootUri": folder,
                "workspaceFolders": [{"uri": folder, "name": "project"}],
                "capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}},
            })
        } else {
            json!({"processId": null, "rootUri": null, "capabilities": {}})
        };
        let init = c.request("initialize", params).await;
        assert!(init.get("result").is_some(), "{init}");
        c.notify("initialized", json!({})).await;
        c
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn uri(&self, name: &str) -> String {
        uri_of(&self.path(name))
    }

    pub async fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        let framed = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.write.write_all(framed.as_bytes()).await.unwrap();
        self.write.flush().await.unwrap();
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}))
            .await;
    }

    async fn recv(&mut self) -> Value {
        let msg = tokio::time::timeout(PATIENCE, self.rx.recv())
            .await
            .expect("the server answers")
            .expect("the server is alive");
        // A request from the server (`client/registerCapability`) is answered as an editor
        // does, and kept for the test to look at.
        if msg.get("method").is_some() {
            if let Some(id) = msg.get("id") {
                self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}))
                    .await;
            }
        }
        msg
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        loop {
            let msg = self.recv().await;
            if msg.get("id") == Some(&json!(id)) && msg.get("method").is_none() {
                return msg;
            }
            self.pending.push_back(msg);
        }
    }

    /// The result of a request; panics on an error response.
    pub async fn call(&mut self, method: &str, params: Value) -> Value {
        let r = self.request(method, params).await;
        match r.get("result") {
            Some(v) => v.clone(),
            None => panic!("{method} failed: {r}"),
        }
    }

    pub async fn open(&mut self, name: &str, text: &str) -> String {
        let uri = self.uri(name);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "gov", "version": 1, "text": text}}),
        )
        .await;
        uri
    }

    pub async fn change(&mut self, uri: &str, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        )
        .await;
    }

    /// Waits for the diagnostics of `uri` at `version`.
    pub async fn diagnostics(&mut self, uri: &str, version: i32) -> Value {
        let matches = |m: &Value| {
            m.get("method") == Some(&json!("textDocument/publishDiagnostics"))
                && m["params"]["uri"] == json!(uri)
                && m["params"]["version"] == json!(version)
        };
        if let Some(i) = self.pending.iter().position(matches) {
            let m = self.pending.remove(i).unwrap();
            return m["params"]["diagnostics"].clone();
        }
        loop {
            let msg = self.recv().await;
            if matches(&msg) {
                return msg["params"]["diagnostics"].clone();
            }
            self.pending.push_back(msg);
        }
    }

    /// Waits for the next diagnostics of `uri`, whatever their version (`null` for a file
    /// that is not open).
    pub async fn published(&mut self, uri: &str) -> Value {
        let matches = |m: &Value| {
            m.get("method") == Some(&json!("textDocument/publishDiagnostics"))
                && m["params"]["uri"] == json!(uri)
        };
        if let Some(i) = self.pending.iter().position(matches) {
            return self.pending.remove(i).unwrap()["params"].clone();
        }
        loop {
            let msg = self.recv().await;
            if matches(&msg) {
                return msg["params"].clone();
            }
            self.pending.push_back(msg);
        }
    }

    /// Whether a message about `uri` arrived and was not consumed yet.
    pub fn pending_has(&self, uri: &str) -> bool {
        self.pending
            .iter()
            .any(|m| m["params"]["uri"] == json!(uri))
    }

    /// Waits for a notification `method` from the server (or a request, already answered).
    pub async fn notification(&mut self, method: &str) -> Value {
        let matches = |m: &Value| m.get("method") == Some(&json!(method));
        if let Some(i) = self.pending.iter().position(matches) {
            return self.pending.remove(i).unwrap();
        }
        loop {
            let msg = self.recv().await;
            if matches(&msg) {
                return msg;
            }
            self.pending.push_back(msg);
        }
    }

    /// Every `publishDiagnostics` of `uri` not yet consumed, in the order the server sent
    /// them, up to and including the one for `version`: `(version, diagnostics)` pairs.
    pub async fn published_until(&mut self, uri: &str, version: i32) -> Vec<(i64, Value)> {
        let is_ours = |m: &Value| {
            m.get("method") == Some(&json!("textDocument/publishDiagnostics"))
                && m["params"]["uri"] == json!(uri)
        };
        let mut out = Vec::new();
        let mut rest = VecDeque::new();
        let mut done = false;
        while let Some(m) = self.pending.pop_front() {
            if !done && is_ours(&m) {
                let v = m["params"]["version"].as_i64().unwrap();
                out.push((v, m["params"]["diagnostics"].clone()));
                done = v == i64::from(version);
            } else {
                rest.push_back(m);
            }
        }
        self.pending = rest;
        while !done {
            let m = self.recv().await;
            if is_ours(&m) {
                let v = m["params"]["version"].as_i64().unwrap();
                out.push((v, m["params"]["diagnostics"].clone()));
                done = v == i64::from(version);
            } else {
                self.pending.push_back(m);
            }
        }
        out
    }

    /// JSON text with the temporary directory's URI and path replaced by `[DIR]`.
    pub fn redact(&self, v: &Value) -> Value {
        let dir_uri = uri_of(self.dir.path());
        let dir_path = self.dir.path().to_string_lossy().to_string();
        let s = serde_json::to_string(v)
            .unwrap()
            .replace(&dir_uri, "[DIR]")
            .replace(&dir_path, "[DIR]");
        serde_json::from_str(&s).unwrap()
    }
}

pub fn uri_of(p: &Path) -> String {
    tower_lsp_server::ls_types::Uri::from_file_path(p)
        .unwrap()
        .as_str()
        .to_string()
}

pub fn pos(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

pub fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": uri}, "position": pos(line, character)})
}

/// Line and UTF-16 column of the first occurrence of `needle` in `text`, plus `delta` units.
pub fn find(text: &str, needle: &str, delta: u32) -> (u32, u32) {
    let i = text.find(needle).expect("needle present");
    let before = &text[..i];
    let line = before.matches('\n').count() as u32;
    let col = before.rsplit('\n').next().unwrap().encode_utf16().count() as u32;
    (line, col + delta)
}
