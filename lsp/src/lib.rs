#![warn(missing_docs)]
//! The govc language server (`govc lsp`), over stdio, on `tower-lsp-server` (see
//! docs/editors.md for why that crate). It drives the compiler's salsa database
//! (`govc_compiler::db`), so the editor sees exactly what `govc check` sees and an edit re-checks
//! only what depends on it.
//!
//! - [`world`]: open documents, the database and its workspaces, snapshots;
//! - [`server`]: the protocol (sync, diagnostics, request dispatch, cancellation);
//! - [`features`]: one module per feature;
//! - [`line_index`]: byte offsets ⇄ UTF-16 positions.

// The crate's surface is `serve`, `run_stdio`, the transport guard (for its fuzz target) and
// the capabilities (for a snapshot test); the rest is internal.
pub(crate) mod convert;
#[cfg(feature = "fault-injection")]
pub mod faults;
pub(crate) mod features;
pub(crate) mod line_index;
pub(crate) mod server;
pub mod transport;
pub(crate) mod world;

pub use server::capabilities;

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{LspService, Server};

/// Serves one client over a byte stream pair until it exits, behind the [`transport`] guard;
/// returns what the client asked of the lifetime (for the exit status).
pub async fn serve<I, O>(input: I, output: O) -> transport::Lifecycle
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin + Send + 'static,
{
    transport::serve_guarded(input, output, |i, o| async move {
        let (service, socket) = LspService::new(server::Backend::new);
        Server::new(i, o, socket).serve(service).await;
    })
    .await
}

/// [`serve`] with test-armed faults (see [`faults`]); test builds only.
#[cfg(feature = "fault-injection")]
pub async fn serve_with_faults<I, O>(
    input: I,
    output: O,
    faults: std::sync::Arc<faults::Faults>,
) -> transport::Lifecycle
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin + Send + 'static,
{
    transport::serve_guarded(input, output, |i, o| async move {
        let (service, socket) =
            LspService::new(move |client| server::Backend::with_faults(client, faults));
        Server::new(i, o, socket).serve(service).await;
    })
    .await
}

/// Stack for the runtime's threads: analysis recursion is bounded by the compiler's own depth
/// limits, sized for the main thread's 8 MiB; worker threads get the same.
const STACK: usize = 8 << 20;

/// `govc lsp`: serves over stdin/stdout; returns the exit status the LSP specification asks
/// for (0 after `shutdown` then `exit`, 1 otherwise).
pub fn run_stdio() -> std::io::Result<i32> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .thread_stack_size(STACK)
        .enable_all()
        .build()?;
    let life = runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    // Stdin is read on a blocking thread that may sit in `read` forever after `exit`; do not
    // wait for it.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    Ok(life.exit_code())
}
