//! The govc language server (`govc lsp`), over stdio, on `tower-lsp-server` (see
//! docs/editors.md for why that crate). It drives the compiler's salsa database
//! (`govc_compiler::db`), so the editor sees exactly what `govc check` sees and an edit re-checks
//! only what depends on it.
//!
//! - [`world`]: open documents, the database and its workspaces, snapshots;
//! - [`server`]: the protocol (sync, diagnostics, request dispatch, cancellation);
//! - [`features`]: one module per feature;
//! - [`line_index`]: byte offsets ⇄ UTF-16 positions.

pub mod convert;
#[cfg(feature = "fault-injection")]
pub mod faults;
pub mod features;
pub mod line_index;
pub mod server;
pub mod world;

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{LspService, Server};

/// Serves one client over a byte stream pair until it exits.
pub async fn serve<I, O>(input: I, output: O)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let (service, socket) = LspService::new(server::Backend::new);
    Server::new(input, output, socket).serve(service).await;
}

/// [`serve`] with test-armed faults (see [`faults`]); test builds only.
#[cfg(feature = "fault-injection")]
pub async fn serve_with_faults<I, O>(input: I, output: O, faults: std::sync::Arc<faults::Faults>)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let (service, socket) =
        LspService::new(move |client| server::Backend::with_faults(client, faults));
    Server::new(input, output, socket).serve(service).await;
}

/// `govc lsp`: serves over stdin/stdout.
pub fn run_stdio() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    Ok(())
}
