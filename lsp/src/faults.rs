//! Fault injection for the robustness tests (`lsp/tests/robust.rs`), compiled in only with the
//! crate's `fault-injection` feature, which only the crate's own tests and benchmark enable
//! (through a dev-dependency of the crate on itself); `govc lsp` is built without it. Even when
//! compiled in, a fault can only be armed through the [`Faults`] handle given to
//! [`crate::serve_with_faults`], never through the protocol.

use std::sync::atomic::{AtomicBool, Ordering};

/// One-shot faults: each armed fault makes the next pass through its site panic, once.
#[derive(Debug, Default)]
pub struct Faults {
    request: AtomicBool,
    diagnostics: AtomicBool,
}

impl Faults {
    /// The next request handler panics (inside the request's worker, as a bug would).
    pub fn panic_next_request(&self) {
        self.request.store(true, Ordering::SeqCst);
    }

    /// The next diagnostics run panics while computing diagnostics.
    pub fn panic_next_diagnostics(&self) {
        self.diagnostics.store(true, Ordering::SeqCst);
    }

    #[allow(clippy::panic, reason = "the injected fault is a panic")]
    pub(crate) fn request_site(&self) {
        if self.request.swap(false, Ordering::SeqCst) {
            panic!("injected fault in a request handler");
        }
    }

    #[allow(clippy::panic, reason = "the injected fault is a panic")]
    pub(crate) fn diagnostics_site(&self) {
        if self.diagnostics.swap(false, Ordering::SeqCst) {
            panic!("injected fault in the diagnostics run");
        }
    }
}
