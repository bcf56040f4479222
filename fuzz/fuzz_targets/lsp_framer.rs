//! Fuzz target: the language server's input guard without the server (`govc_lsp::transport`),
//! fast. Two uses of the same bytes:
//!
//! - as the raw stream from the editor, pushed through the `Framer` in chunks (their size
//!   varied with the input's length): every frame comes out without a panic, and every body
//!   is checked as the library would decode it;
//! - as bodies, one per line, framed correctly and pushed in chunks: they must come out
//!   exactly as sent, none dropped, split or merged, whatever the chunking. (The framer splits
//!   a body only when it is not JSON and holds a `Content-Length:` header; such lines are
//!   left out of this half.)
#![no_main]

use govc_lsp::transport::{check, Checked, Frame, Framer};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const CHUNKS: [usize; 8] = [1, 2, 3, 7, 16, 64, 1000, usize::MAX];

/// Every frame the framer yields for `bytes` pushed `chunk` bytes at a time, then after a stall.
fn frames(bytes: &[u8], chunk: usize) -> Vec<Frame> {
    let mut framer = Framer::default();
    let mut out = Vec::new();
    for piece in bytes.chunks(chunk.min(bytes.len()).max(1)) {
        framer.push(piece);
        while let Some(f) = framer.next_frame() {
            out.push(f);
        }
    }
    while let Some(f) = framer.unstall() {
        out.push(f);
        while let Some(f) = framer.next_frame() {
            out.push(f);
        }
    }
    out
}

fn holds_header(body: &[u8]) -> bool {
    body.windows(15)
        .any(|w| w.eq_ignore_ascii_case(b"Content-Length:"))
}

fuzz_target!(|data: &[u8]| {
    let chunk = CHUNKS[data.len() % CHUNKS.len()];

    for f in frames(data, chunk) {
        if let Frame::Body(body) = f {
            match check(&body) {
                Checked::Pass { .. } => {
                    assert!(serde_json::from_slice::<Value>(&body).is_ok());
                }
                Checked::Reject { id, code, .. } => {
                    assert!(code == -32700 || code == -32600, "{code}");
                    assert!(id.is_null() || id.is_string() || id.is_i64(), "{id}");
                }
            }
        }
    }

    let bodies: Vec<&[u8]> = data
        .split(|b| *b == b'\n')
        .filter(|b| serde_json::from_slice::<Value>(b).is_ok() || !holds_header(b))
        .collect();
    let mut stream = Vec::new();
    for b in &bodies {
        stream.extend_from_slice(format!("Content-Length: {}\r\n\r\n", b.len()).as_bytes());
        stream.extend_from_slice(b);
    }
    let got = frames(&stream, chunk);
    let want: Vec<Frame> = bodies.iter().map(|b| Frame::Body(b.to_vec())).collect();
    assert_eq!(got, want);
});
