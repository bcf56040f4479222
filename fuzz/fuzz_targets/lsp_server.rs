//! Fuzz target: a whole language server, in-process (`govc_lsp::serve` over an in-memory
//! pipe, as `govc lsp` serves stdin/stdout). The input is a message stream, one JSON-RPC body
//! per line (empty lines skipped); after `initialize` (answered) and `initialized`, each line
//! is sent framed correctly (`lsp_framer` fuzzes the framing), then a final `shutdown` request
//! and `exit`. Document URIs of the seeds name a directory that does not exist, so that the
//! server finds no other file on disk.
//!
//! A finding is: a panic anywhere in the server (libFuzzer's panic hook aborts even where the
//! server would catch it and answer "internal error"), an internal error in its output, a
//! final request left unanswered for 20 seconds, a server that stops before `exit`, or one
//! that runs out of memory (`-rss_limit_mb`).
//!
//! Lines that would end the session early are not sent: an `exit` notification, and anything
//! using the final request's id. One runtime serves the whole session; after each run the target
//! waits until none of that run's tasks is alive, so nothing of one run outlives it.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

const FINAL: &str = "fuzz-final";
const PATIENCE: Duration = Duration::from_secs(20);

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// One message of the server's output (which is always well framed), `None` at its end.
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
    match serde_json::from_slice(&body) {
        Ok(v) => Some(v),
        Err(e) => panic!("the server wrote a body that is not JSON ({e})"),
    }
}

/// Whether a line may be sent: not `exit`, not the final request's id.
fn sendable(line: &[u8]) -> bool {
    let Ok(v) = serde_json::from_slice::<Value>(line) else {
        return true;
    };
    v.get("method").and_then(Value::as_str) != Some("exit") && v.get("id") != Some(&json!(FINAL))
}

/// Waits for the response with id `want`; `false` when the server's output ended first.
async fn answer(answered: &mut UnboundedReceiver<Value>, want: Value) -> bool {
    while let Some(id) = answered.recv().await {
        if id == want {
            return true;
        }
    }
    false
}

async fn run(data: &[u8]) {
    let (client, server) = tokio::io::duplex(1 << 16);
    let (server_read, server_write) = tokio::io::split(server);
    let mut serving = tokio::spawn(govc_lsp::serve(server_read, server_write));
    let (client_read, mut client_write) = tokio::io::split(client);

    // Read everything the server says, so that it never blocks on a full pipe; report the ids
    // of the responses we wait for.
    let (ids, mut answered) = unbounded_channel::<Value>();
    let reader = tokio::spawn(async move {
        let mut r = BufReader::new(client_read);
        while let Some(msg) = read_message(&mut r).await {
            // A handler's panic is answered as InternalError and a diagnostics run's is logged;
            // libFuzzer's panic hook stops at the panic first, this is a second net.
            assert!(
                msg["error"]["code"] != json!(-32603),
                "the server answered with an internal error: {msg}"
            );
            let logged = msg["params"]["message"].as_str().unwrap_or("");
            assert!(
                !(msg["method"] == json!("window/logMessage")
                    && logged.starts_with("internal error")),
                "the server logged an internal error: {msg}"
            );
            if msg.get("method").is_none() {
                if let Some(id) = msg.get("id") {
                    let _ = ids.send(id.clone());
                }
            }
        }
    });

    let init = json!({"jsonrpc": "2.0", "id": "fuzz-init", "method": "initialize",
        "params": {"processId": null, "rootUri": null, "capabilities": {}}});
    let initialized = json!({"jsonrpc": "2.0", "method": "initialized", "params": {}});
    let _ = client_write
        .write_all(&frame(init.to_string().as_bytes()))
        .await;
    match tokio::time::timeout(PATIENCE, answer(&mut answered, json!("fuzz-init"))).await {
        Ok(true) => {}
        _ => panic!("initialize was not answered"),
    }
    let mut stream = frame(initialized.to_string().as_bytes());
    for line in data
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty() && sendable(l))
    {
        stream.extend_from_slice(&frame(line));
    }
    let last = json!({"jsonrpc": "2.0", "id": FINAL, "method": "shutdown"});
    stream.extend_from_slice(&frame(last.to_string().as_bytes()));
    // Writing may wait for the server to read; the server may not end meanwhile.
    tokio::select! {
        r = client_write.write_all(&stream) => assert!(r.is_ok(), "the server stopped reading"),
        r = &mut serving => panic!("the server stopped before exit: {r:?}"),
    }
    tokio::select! {
        r = tokio::time::timeout(PATIENCE, answer(&mut answered, json!(FINAL))) => {
            assert!(matches!(r, Ok(true)), "the final request was not answered");
        }
        r = &mut serving => panic!("the server stopped before exit: {r:?}"),
    }
    let exit = json!({"jsonrpc": "2.0", "method": "exit"});
    let _ = client_write
        .write_all(&frame(exit.to_string().as_bytes()))
        .await;
    match tokio::time::timeout(PATIENCE, serving).await {
        Ok(Ok(life)) => assert_eq!(life.exit_code(), 0, "{life:?}"),
        other => panic!("the server did not end after exit: {other:?}"),
    }
    drop(client_write);
    match reader.await {
        Ok(()) => {}
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

/// One runtime for the whole session: its blocking threads (where the server runs requests and
/// diagnostics) are started once, not per input. The server itself is new for every input, so
/// a finding never depends on an earlier one; what an input leaves running is waited for below.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RUNTIME.get_or_init(|| {
        match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(r) => r,
            Err(e) => panic!("no runtime: {e}"),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let runtime = runtime();
    runtime.block_on(run(data));
    // Every task of this input's server has ended (the server's tasks end with it): a task
    // still alive would carry this input's state into the next one.
    runtime.block_on(async {
        let waited = tokio::time::timeout(PATIENCE, async {
            while tokio::runtime::Handle::current()
                .metrics()
                .num_alive_tasks()
                > 0
            {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        })
        .await;
        assert!(waited.is_ok(), "the server left tasks running after exit");
    });
});
