//! `govc lsp` over real pipes, fed every kind of malformed message an editor, a proxy or an
//! attacker can put on the wire: after each one the same server process must still answer a
//! request, and the exit status must follow the LSP specification.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly"
)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{json, Value};

struct Server {
    child: Child,
    stdin: ChildStdin,
    rx: mpsc::Receiver<Value>,
    next_id: i64,
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
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
    r.read_exact(&mut body).ok()?;
    // Every frame the server writes must be JSON.
    Some(serde_json::from_slice(&body).expect("the server writes JSON"))
}

fn framed(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

impl Server {
    fn start() -> Server {
        Server::start_with(&["lsp"])
    }

    fn start_with(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_govc"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(m) = read_message(&mut r) {
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        let mut s = Server {
            child,
            stdin,
            rx,
            next_id: 0,
        };
        let init = s.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        );
        assert!(init.get("result").is_some(), "{init}");
        s.raw(&framed(
            br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
        ));
        s
    }

    fn raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    /// Waits for the response to `id`, collecting everything else.
    fn response(&mut self, id: &Value, others: &mut Vec<Value>) -> Value {
        loop {
            let m = self
                .rx
                .recv_timeout(Duration::from_secs(30))
                .expect("the server answers");
            if m.get("id") == Some(id) && m.get("method").is_none() {
                return m;
            }
            others.push(m);
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = json!(self.next_id);
        let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.raw(&framed(body.to_string().as_bytes()));
        self.response(&id, &mut Vec::new())
    }

    /// A request the server must answer with a result: it is alive.
    fn assert_alive(&mut self, after: &str) {
        let r = self.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": "file:///tmp/govc-wire-test/a.gov"}}),
        );
        assert!(
            r.get("result").is_some() || r.get("error").is_some(),
            "after {after}: {r}"
        );
    }

    fn wait(mut self) -> i32 {
        drop(self.stdin);
        for _ in 0..300 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        panic!("the server did not exit");
    }
}

#[test]
fn every_malformed_message_leaves_a_working_server() {
    let mut s = Server::start();
    s.raw(&framed(
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": "file:///tmp/govc-wire-test/a.gov", "languageId": "gov", "version": 1,
            "text": "scp a {\n  deny model deepseek*\n}\n"}}})
        .to_string()
        .as_bytes(),
    ));
    s.assert_alive("didOpen");
    let valid = br#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":999}}"#;
    let mut short = format!("Content-Length: {}\r\n\r\n", valid.len() - 7).into_bytes();
    short.extend_from_slice(valid);
    let mut long = format!("Content-Length: {}\r\n\r\n", valid.len() + 40).into_bytes();
    long.extend_from_slice(valid);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("a non-JSON body", framed(b"hello, server")),
        ("truncated JSON", framed(br#"{"jsonrpc":"2.0","id":"#)),
        ("a JSON array", framed(b"[1,2,3]")),
        ("a JSON number", framed(b"42")),
        ("an empty body", framed(b"")),
        (
            "invalid UTF-8",
            framed(b"{\"jsonrpc\":\"2.0\",\"method\":\"\xff\xfe\"}"),
        ),
        (
            "an object id",
            framed(br#"{"jsonrpc":"2.0","id":{"a":1},"method":"shutdown"}"#),
        ),
        (
            "a fractional id",
            framed(br#"{"jsonrpc":"2.0","id":1.5,"method":"shutdown"}"#),
        ),
        (
            "a boolean id",
            framed(br#"{"jsonrpc":"2.0","id":true,"method":"shutdown"}"#),
        ),
        (
            "JSON-RPC 1.0",
            framed(br#"{"jsonrpc":"1.0","id":77,"method":"shutdown"}"#),
        ),
        (
            "a numeric method",
            framed(br#"{"jsonrpc":"2.0","method":7}"#),
        ),
        // serde_json's `Value` keeps the last of two equal keys; the library's decoder
        // refuses them, and then reads nothing more (found by fuzz/ lsp_server).
        (
            "a duplicate id",
            framed(br#"{"jsonrpc":"2.0","id":3,"method":"$/x","id":4,"params":{}}"#),
        ),
        (
            "a duplicate method",
            framed(br#"{"jsonrpc":"2.0","method":"$/x","method":"$/y"}"#),
        ),
        ("a Content-Length too small", short),
        ("a Content-Length too large", long),
        // Nothing completes this body: the server waits, then resumes at the next header.
        ("a Content-Length far too large", {
            let mut v = format!("Content-Length: {}\r\n\r\n", valid.len() + 10_000).into_bytes();
            v.extend_from_slice(valid);
            v
        }),
        (
            "a Content-Length that is not a number",
            b"Content-Length: ten\r\n\r\n{}".to_vec(),
        ),
        (
            "a negative Content-Length",
            b"Content-Length: -5\r\n\r\n{}".to_vec(),
        ),
        ("no Content-Length", b"Content-Type: x\r\n\r\n{}".to_vec()),
        (
            "a Content-Length beyond the limit",
            b"Content-Length: 99999999999999\r\n\r\n{\"jsonrpc\":\"2.0\"}".to_vec(),
        ),
        (
            "garbage between messages",
            b"\x1b[2J\x07garbage\n\n".to_vec(),
        ),
        (
            "a header without a colon",
            b"Content-Length: 2\r\nnonsense\r\n\r\n{}".to_vec(),
        ),
        (
            "an overlong header",
            [b"Content-Length: 2\r\nX: ".to_vec(), vec![b'a'; 20_000]].concat(),
        ),
        ("a lone header end", b"\r\n\r\n".to_vec()),
    ];
    for (what, bytes) in &cases {
        eprintln!("case: {what}");
        s.raw(bytes);
        s.assert_alive(what);
    }
    // An extra header and a Content-Type are accepted, and the message is served.
    let body = br#"{"jsonrpc":"2.0","id":"extra","method":"textDocument/documentSymbol","params":{"textDocument":{"uri":"file:///tmp/govc-wire-test/a.gov"}}}"#;
    let mut msg = format!(
        "Content-Length: {}\r\nX-Extra: 1\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n",
        body.len()
    )
    .into_bytes();
    msg.extend_from_slice(body);
    s.raw(&msg);
    let r = s.response(&json!("extra"), &mut Vec::new());
    assert!(r["result"].is_array(), "{r}");
    // A rejected request with a readable id is answered with that id.
    s.raw(&framed(br#"{"jsonrpc":"2.0","id":77,"method":5}"#));
    let mut others = Vec::new();
    let r = s.response(&json!(77), &mut others);
    assert_eq!(r["error"]["code"], json!(-32600), "{r}");
    s.assert_alive("a rejected request");
    // The exit without shutdown: status 1.
    s.raw(&framed(br#"{"jsonrpc":"2.0","method":"exit"}"#));
    assert_eq!(s.wait(), 1);
}

#[test]
fn exit_status_follows_the_specification() {
    let mut s = Server::start();
    let r = s.request("shutdown", Value::Null);
    assert!(r.get("result").is_some(), "{r}");
    s.raw(&framed(br#"{"jsonrpc":"2.0","method":"exit"}"#));
    assert_eq!(s.wait(), 0, "shutdown then exit");
    // The input ends without exit: the editor died; not a clean stop.
    let s = Server::start();
    assert_eq!(s.wait(), 1, "end of input without exit");
}

/// Language clients start a stdio server with `--stdio` (VS Code's does, and the extension
/// could not start the server before it was accepted); `--clientProcessId` is passed by some.
#[test]
fn the_server_starts_the_way_language_clients_start_it() {
    for args in [
        &["lsp", "--stdio"][..],
        &["lsp", "--stdio", "--clientProcessId=4242"][..],
    ] {
        let mut s = Server::start_with(args);
        let r = s.request("shutdown", Value::Null);
        assert!(r.get("result").is_some(), "{args:?}: {r}");
        s.raw(&framed(br#"{"jsonrpc":"2.0","method":"exit"}"#));
        assert_eq!(s.wait(), 0, "{args:?}");
    }
}
