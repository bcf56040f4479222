//! The wire between the editor and the server, guarded.
//!
//! `tower-lsp-server` reads `Content-Length` frames with a codec that ends the stream at the
//! first frame it cannot decode (bad JSON, invalid UTF-8, a third header, a wrong `id` type), and
//! the server then exits: one bad message would leave the editor with a dead server. So the
//! server never reads the editor's bytes directly. [`serve_guarded`] reads them here, splits
//! them into frames with a framer that resynchronises on garbage, checks each body the way the
//! library would decode it, and passes only well-formed messages on, re-framed, through an
//! in-memory pipe. A message it drops is answered with a JSON-RPC error (with the request's id
//! where one can be read, `null` otherwise) and a `window/logMessage` saying why, both written
//! to the editor between whole frames of the server's own output.
//!
//! Limits: a message body may be at most [`MAX_MESSAGE_BYTES`]; a larger one is dropped without
//! being buffered. A header block may be at most [`MAX_HEADER_BYTES`].
//!
//! Exit status (LSP `exit`): 0 if `shutdown` was requested before `exit`, 1 otherwise, and 1
//! when the input ends without `exit`.

use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{Request, Response};

/// The largest message body accepted: far above any `.gov` document an editor sends (the
/// compiler's own source limit is what bounds analysis), small enough that a hostile length
/// cannot make the server allocate gigabytes.
pub const MAX_MESSAGE_BYTES: usize = 32 << 20;

/// The largest header block accepted (`Content-Length` and `Content-Type` take ~80 bytes).
pub const MAX_HEADER_BYTES: usize = 8 << 10;

/// How long a message may stay incomplete while the bytes after its announced end already look
/// like the next message's header before it is treated as one whose `Content-Length` overstated
/// its body.
const STALL: Duration = Duration::from_millis(1500);

const HEADER_END: &[u8] = b"\r\n\r\n";
const CONTENT_LENGTH: &[u8] = b"Content-Length:";

/// Why a frame was dropped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Bytes that are not a header block, skipped up to the next `Content-Length`.
    Garbage(usize),
    /// A header block without a usable `Content-Length`.
    BadHeader(String),
    /// A body announced longer than [`MAX_MESSAGE_BYTES`], dropped.
    TooLarge(usize),
    /// A body shorter than its `Content-Length` said: the next message's header is inside it.
    Truncated(usize),
}

/// One item out of the framer.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// A body, framed as announced.
    Body(Vec<u8>),
    /// Bytes that were not a well-framed message, and what was wrong.
    Fault(Fault),
}

/// Splits a byte stream into `Content-Length` frames. Pure: bytes in, frames out; the async
/// pumps below own the I/O. Memory is bounded by one body plus one read.
#[derive(Debug, Default)]
pub struct Framer {
    buf: Vec<u8>,
    /// The announced length of the body being read, once its header block is consumed.
    body: Option<usize>,
    /// Garbage dropped since the last frame, reported once the next header is found.
    garbage: usize,
    /// The garbage being dropped is an oversized body, already reported.
    oversized: bool,
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The first `Content-Length` at or after `from`, case-insensitively (header names are): where
/// a header block can begin. Garbage may run straight into it (a body that overran its
/// length), so it need not start a line.
fn find_header_start(hay: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(CONTENT_LENGTH.len())
        .position(|w| w.eq_ignore_ascii_case(CONTENT_LENGTH))
        .map(|at| from + at)
}

impl Framer {
    /// Adds bytes read from the editor.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Drops `n` bytes of garbage from the front.
    fn drop_garbage(&mut self, n: usize) {
        self.buf.drain(..n);
        self.garbage += n;
    }

    /// The next complete frame or fault, if the buffered bytes hold one.
    pub fn next_frame(&mut self) -> Option<Frame> {
        if let Some(len) = self.body {
            if self.buf.len() < len {
                return None;
            }
            self.body = None;
            let rest = self.buf.split_off(len);
            let mut body = std::mem::replace(&mut self.buf, rest);
            // A length that overstated the body ran into the next message: if the body is not
            // JSON and holds a header, the message starts there; put it back.
            if serde_json::from_slice::<Value>(&body).is_err() {
                // The header may straddle the body's announced end.
                let from = len.saturating_sub(CONTENT_LENGTH.len() - 1).max(1);
                let tail_len = self.buf.len().min(CONTENT_LENGTH.len());
                let mut window = body.get(from..).unwrap_or_default().to_vec();
                window.extend_from_slice(self.buf.get(..tail_len).unwrap_or_default());
                let at = find_header_start(&body, 1)
                    .or_else(|| find_header_start(&window, 0).map(|i| from + i))
                    .filter(|at| *at < len);
                if let Some(at) = at {
                    let next = body.split_off(at);
                    self.buf.splice(0..0, next);
                    return Some(Frame::Fault(Fault::Truncated(at)));
                }
            }
            return Some(Frame::Body(body));
        }
        // Bytes before a header are garbage (the tail of a body that overran its length, or of
        // an oversized one). An oversized body is not skipped by its announced length, which
        // may be a lie that would swallow every later message: the stream is scanned for the
        // next header instead.
        match find_header_start(&self.buf, 0) {
            Some(n) => {
                if n > 0 {
                    self.drop_garbage(n);
                }
                if self.garbage > 0 {
                    let n = std::mem::take(&mut self.garbage);
                    if !std::mem::take(&mut self.oversized) {
                        return Some(Frame::Fault(Fault::Garbage(n)));
                    }
                }
            }
            None => {
                // Keep a tail that may be the start of a `Content-Length` split across reads.
                let keep = CONTENT_LENGTH.len();
                if self.buf.len() > keep {
                    let n = self.buf.len() - keep;
                    self.drop_garbage(n);
                }
                return None;
            }
        }
        let Some(end) = find(&self.buf, HEADER_END) else {
            if self.buf.len() > MAX_HEADER_BYTES {
                // No end of headers in sight: drop this header start and look for another.
                let n = find_header_start(&self.buf, 1).unwrap_or(self.buf.len());
                self.buf.drain(..n);
                return Some(Frame::Fault(Fault::BadHeader(
                    "header block too long".to_string(),
                )));
            }
            return None;
        };
        // A header block that runs into another message's header was cut short: resume there.
        if let Some(next) = find_header_start(self.buf.get(..end).unwrap_or_default(), 1) {
            self.buf.drain(..next);
            return Some(Frame::Fault(Fault::BadHeader(
                "a header block without its end".to_string(),
            )));
        }
        if end > MAX_HEADER_BYTES {
            self.buf.drain(..end + HEADER_END.len());
            return Some(Frame::Fault(Fault::BadHeader(
                "header block too long".to_string(),
            )));
        }
        let header: Vec<u8> = self.buf.drain(..end + HEADER_END.len()).collect();
        match content_length(header.get(..end).unwrap_or_default()) {
            Ok(len) if len > MAX_MESSAGE_BYTES => {
                self.oversized = true;
                Some(Frame::Fault(Fault::TooLarge(len)))
            }
            Ok(len) => {
                self.body = Some(len);
                self.next_frame()
            }
            Err(why) => Some(Frame::Fault(Fault::BadHeader(why))),
        }
    }

    /// Called when the input has stalled: a body still incomplete whose bytes already contain
    /// the next message's header was announced too long; drop it up to that header.
    pub fn unstall(&mut self) -> Option<Frame> {
        self.body?;
        let at = find_header_start(&self.buf, 1)?;
        self.body = None;
        self.buf.drain(..at);
        Some(Frame::Fault(Fault::Truncated(at)))
    }
}

fn content_length(header: &[u8]) -> Result<usize, String> {
    let text = std::str::from_utf8(header).map_err(|_| "header is not UTF-8".to_string())?;
    let mut len = None;
    for line in text.split("\r\n") {
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("malformed header line `{}`", clip(line)));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            let v = value.trim();
            if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("Content-Length `{}` is not a number", clip(v)));
            }
            len = Some(v.parse::<usize>().unwrap_or(usize::MAX));
        }
        // Content-Type and any other header are ignored: bodies are read as UTF-8 JSON, which
        // is the only encoding LSP defines.
    }
    len.ok_or_else(|| "no Content-Length header".to_string())
}

/// At most 60 characters of `s`, control characters escaped: for log lines.
fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(60).flat_map(char::escape_default).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// What a well-framed body is.
#[derive(Debug, PartialEq)]
pub enum Checked {
    /// A message the library decodes; `method` for requests and notifications.
    Pass {
        /// The method, for requests and notifications.
        method: Option<String>,
    },
    /// Not a message: the error to answer with (`id` as read, or `null`).
    Reject {
        /// The request's id as read, or `null`.
        id: Value,
        /// The JSON-RPC error code.
        code: i64,
        /// What was wrong, for the error message.
        why: String,
    },
}

/// Checks a body as `tower-lsp-server` would decode it (a response, else a request or
/// notification), so that nothing passed on can end its stream.
pub fn check(body: &[u8]) -> Checked {
    let Ok(text) = std::str::from_utf8(body) else {
        return reject(Value::Null, -32700, "the body is not UTF-8".to_string());
    };
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return reject(Value::Null, -32700, format!("the body is not JSON: {e}")),
    };
    // The id to answer with, if it is one JSON-RPC allows.
    let id = match value.get("id") {
        Some(id @ Value::String(_)) => id.clone(),
        Some(id @ Value::Number(n)) if n.is_i64() => id.clone(),
        _ => Value::Null,
    };
    if !value.is_object() {
        return reject(id, -32600, "the message is not a JSON object".to_string());
    }
    // Decoded from the text, as the library does: a `Value` would hide what only the text
    // shows, such as a key given twice (the `Value` keeps the last, the library refuses it).
    match serde_json::from_str::<Message>(text) {
        Ok(Message::Response(_)) => Checked::Pass { method: None },
        Ok(Message::Request(r)) => Checked::Pass {
            method: Some(r.method().to_string()),
        },
        Err(_) => {
            // The untagged enum's error names no field; the request's does.
            let why = match serde_json::from_str::<Request>(text) {
                Err(e) => e.to_string(),
                Ok(_) => "not a message the server can decode".to_string(),
            };
            reject(id, -32600, format!("not a JSON-RPC 2.0 message: {why}"))
        }
    }
}

/// What `tower-lsp-server` decodes each frame into (its own `Message` is private): the same
/// untagged enum, so that `check` passes exactly what the library accepts.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Message {
    Response(#[allow(dead_code, reason = "only which variant matters")] Response),
    Request(Request),
}

fn reject(id: Value, code: i64, why: String) -> Checked {
    Checked::Reject { id, code, why }
}

/// A body with its `Content-Length` header: how every message leaves the guard.
fn framed(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn frame(value: &Value) -> Vec<u8> {
    framed(value.to_string().as_bytes())
}

fn log_message(text: &str) -> Vec<u8> {
    frame(&json!({
        "jsonrpc": "2.0",
        "method": "window/logMessage",
        "params": {"type": 1, "message": format!("govc lsp: dropped a message: {text}")},
    }))
}

fn describe(f: &Fault) -> String {
    match f {
        Fault::Garbage(n) => format!("{n} bytes that are not a message header"),
        Fault::BadHeader(why) => format!("bad header: {why}"),
        Fault::TooLarge(n) => format!(
            "a {n}-byte message, above the {} MiB limit",
            MAX_MESSAGE_BYTES >> 20
        ),
        Fault::Truncated(n) => {
            format!("a {n}-byte body shorter than its Content-Length (the next message began inside it)")
        }
    }
}

/// What the editor asked of the server's lifetime.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Lifecycle {
    /// A `shutdown` request was answered.
    pub shutdown: bool,
    /// An `exit` notification arrived.
    pub exit: bool,
}

impl Lifecycle {
    /// The process exit status the LSP specification asks for.
    pub fn exit_code(self) -> i32 {
        if self.exit && self.shutdown {
            0
        } else {
            1
        }
    }
}

/// Serves `serve(reader, writer)` behind the guard: the editor's bytes arrive on `input`, the
/// editor reads `output`. Returns what the editor asked of the lifetime.
pub async fn serve_guarded<I, O, F, Fut>(mut input: I, mut output: O, serve: F) -> Lifecycle
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin + Send + 'static,
    F: FnOnce(tokio::io::DuplexStream, tokio::io::DuplexStream) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let (mut to_server, server_in) = tokio::io::duplex(1 << 16);
    let (server_out, mut from_server) = tokio::io::duplex(1 << 16);
    let (out_tx, mut out_rx) = mpsc::channel::<Vec<u8>>(64);

    // Whole frames only, in arrival order: the server's and the guard's never interleave.
    let writer = tokio::spawn(async move {
        while let Some(bytes) = out_rx.recv().await {
            if output.write_all(&bytes).await.is_err() || output.flush().await.is_err() {
                break;
            }
        }
    });

    let server_tx = out_tx.clone();
    let relay = tokio::spawn(async move {
        let mut framer = Framer::default();
        let mut chunk = vec![0u8; 1 << 16];
        loop {
            let n = match from_server.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            framer.push(chunk.get(..n).unwrap_or_default());
            while let Some(f) = framer.next_frame() {
                if let Frame::Body(body) = f {
                    if server_tx.send(framed(&body)).await.is_err() {
                        return;
                    }
                }
            }
        }
    });

    let reader = tokio::spawn(async move {
        let mut life = Lifecycle::default();
        let mut framer = Framer::default();
        let mut chunk = vec![0u8; 1 << 16];
        'read: loop {
            let read = tokio::time::timeout(STALL, input.read(&mut chunk)).await;
            let mut items = Vec::new();
            match read {
                Err(_) => items.extend(framer.unstall()),
                Ok(Ok(0)) | Ok(Err(_)) => break,
                Ok(Ok(n)) => framer.push(chunk.get(..n).unwrap_or_default()),
            }
            while let Some(f) = framer.next_frame() {
                items.push(f);
            }
            for item in items {
                match item {
                    Frame::Fault(fault) => {
                        let why = describe(&fault);
                        eprintln!("govc lsp: dropped input: {why}");
                        let reply = json!({"jsonrpc": "2.0", "id": null,
                            "error": {"code": -32700, "message": format!("Parse error: {why}")}});
                        let _ = out_tx.send(frame(&reply)).await;
                        let _ = out_tx.send(log_message(&why)).await;
                    }
                    Frame::Body(body) => match check(&body) {
                        Checked::Pass { method } => {
                            if to_server.write_all(&framed(&body)).await.is_err() {
                                break 'read;
                            }
                            match method.as_deref() {
                                Some("shutdown") => life.shutdown = true,
                                Some("exit") => {
                                    life.exit = true;
                                    break 'read;
                                }
                                _ => {}
                            }
                        }
                        Checked::Reject { id, code, why } => {
                            eprintln!("govc lsp: dropped a message: {why}");
                            let reply = json!({"jsonrpc": "2.0", "id": id,
                                "error": {"code": code, "message": why}});
                            let _ = out_tx.send(frame(&reply)).await;
                            let _ = out_tx.send(log_message(&why)).await;
                        }
                    },
                }
            }
        }
        // Closing the pipe ends the server's read loop, as the end of stdin would.
        let _ = to_server.shutdown().await;
        drop(to_server);
        life
    });

    serve(server_in, server_out).await;
    let _ = relay.await;
    let life = reader.await.unwrap_or_default();
    let _ = writer.await;
    life
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]
mod tests {
    use super::*;

    fn frames(input: &[&[u8]]) -> Vec<Frame> {
        let mut f = Framer::default();
        let mut out = Vec::new();
        for chunk in input {
            f.push(chunk);
            while let Some(x) = f.next_frame() {
                out.push(x);
            }
        }
        out
    }

    #[test]
    fn frames_split_anywhere() {
        let msg = b"Content-Length: 2\r\n\r\n{}Content-Length: 3\r\n\r\n[1]";
        for cut in 0..msg.len() {
            let (a, b) = msg.split_at(cut);
            assert_eq!(
                frames(&[a, b]),
                vec![Frame::Body(b"{}".to_vec()), Frame::Body(b"[1]".to_vec())],
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn extra_headers_and_case() {
        let msg = b"content-length: 2\r\nContent-Type: x\r\nX-Other: y\r\n\r\n{}";
        assert_eq!(frames(&[msg]), vec![Frame::Body(b"{}".to_vec())]);
    }

    #[test]
    fn garbage_and_bad_headers_resynchronise() {
        let msg = b"hello}Content-Length: x\r\n\r\nContent-Length: 2\r\n\r\n{}";
        let got = frames(&[msg]);
        assert_eq!(got[0], Frame::Fault(Fault::Garbage(6)), "{got:?}");
        assert!(
            matches!(got[1], Frame::Fault(Fault::BadHeader(_))),
            "{got:?}"
        );
        assert_eq!(got[2], Frame::Body(b"{}".to_vec()));
    }

    #[test]
    fn short_length_leaves_garbage_then_recovers() {
        let msg = b"Content-Length: 3\r\n\r\n{\"a\":1}Content-Length: 2\r\n\r\n{}";
        let got = frames(&[msg]);
        assert_eq!(got[0], Frame::Body(b"{\"a".to_vec()));
        assert!(matches!(got[1], Frame::Fault(Fault::Garbage(_))), "{got:?}");
        assert_eq!(got[2], Frame::Body(b"{}".to_vec()));
    }

    #[test]
    fn long_length_recovers_when_stalled() {
        let mut f = Framer::default();
        f.push(b"Content-Length: 99\r\n\r\n{}Content-Length: 2\r\n\r\n{}");
        assert_eq!(f.next_frame(), None);
        assert!(matches!(
            f.unstall(),
            Some(Frame::Fault(Fault::Truncated(2)))
        ));
        assert_eq!(f.next_frame(), Some(Frame::Body(b"{}".to_vec())));
    }

    #[test]
    fn long_length_recovers_the_message_it_ran_into() {
        let msg = b"Content-Length: 10\r\n\r\n{}Content-Length: 2\r\n\r\n{}";
        let got = frames(&[msg]);
        assert_eq!(got[0], Frame::Fault(Fault::Truncated(2)), "{got:?}");
        assert_eq!(got[1], Frame::Body(b"{}".to_vec()));
    }

    #[test]
    fn oversized_bodies_are_dropped_unbuffered() {
        let mut f = Framer::default();
        let n = MAX_MESSAGE_BYTES + 10;
        f.push(format!("Content-Length: {n}\r\n\r\nabc").as_bytes());
        assert_eq!(f.next_frame(), Some(Frame::Fault(Fault::TooLarge(n))));
        for _ in 0..100 {
            f.push(&[b'x'; 1 << 16]);
            assert_eq!(f.next_frame(), None);
            assert!(f.buf.len() <= CONTENT_LENGTH.len());
        }
        // A lying length swallows nothing after it.
        f.push(b"Content-Length: 2\r\n\r\n{}");
        assert_eq!(f.next_frame(), Some(Frame::Body(b"{}".to_vec())));
    }

    #[test]
    fn checks_match_the_library() {
        let ok = |s: &str| matches!(check(s.as_bytes()), Checked::Pass { .. });
        assert!(ok(
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#
        ));
        assert!(ok(r#"{"jsonrpc":"2.0","method":"exit"}"#));
        assert!(ok(r#"{"jsonrpc":"2.0","id":"a","result":null}"#));
        assert!(!ok("{"));
        assert!(!ok("[1]"));
        assert!(!ok(r#"{"jsonrpc":"2.0","id":{},"method":"x"}"#));
        assert!(!ok(r#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#));
        assert!(!ok(r#"{"jsonrpc":"1.0","id":1,"method":"x"}"#));
        assert!(!ok(r#"{"jsonrpc":"2.0","id":1,"method":7}"#));
        // Keys given twice: the library refuses them (and would read nothing after them).
        assert!(!ok(r#"{"jsonrpc":"2.0","id":3,"method":"x","id":4}"#));
        assert!(!ok(r#"{"jsonrpc":"2.0","method":"x","method":"y"}"#));
        assert!(!ok(r#"{"jsonrpc":"2.0","jsonrpc":"2.0","method":"exit"}"#));
        assert!(matches!(
            check(b"\xff\xfe"),
            Checked::Reject { code: -32700, .. }
        ));
        assert_eq!(
            check(br#"{"jsonrpc":"1.0","id":7,"method":"x"}"#),
            Checked::Reject {
                id: json!(7),
                code: -32600,
                why: "not a JSON-RPC 2.0 message: expected JSON-RPC version \"2.0\" at line 1 column 16"
                    .to_string()
            }
        );
    }
}
