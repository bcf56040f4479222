//! The `LanguageServer` implementation: document sync, the diagnostics pipeline and request
//! dispatch. Every request runs off the async runtime (`spawn_blocking`) on a database
//! snapshot; a newer edit cancels it (answered with `ContentModified`), a panic becomes an
//! `InternalError` response.

use std::collections::{BTreeMap, HashMap};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use crate::convert::{self, invalid};
use crate::features;
use crate::line_index::LineIndex;
use crate::world::{self, lock, path_of, CompileCache, Doc, Snapshot, World};

pub struct Backend {
    client: Client,
    inner: Arc<Inner>,
}

/// What was last published for a URI: the document's version (none for a file not open) and
/// the diagnostics.
type Published = (Option<i32>, Vec<Diagnostic>);

pub struct Inner {
    pub docs: Mutex<HashMap<String, Doc>>,
    pub world: Mutex<World>,
    pub compiled: CompileCache,
    /// Bumped on every edit; a diagnostics run publishes only if no edit came after it.
    generation: AtomicU64,
    /// Serialises publishing, so an older run never publishes after a newer one. What was
    /// last published per URI (the document version, none for a file not open).
    publish: tokio::sync::Mutex<HashMap<String, Published>>,
    /// Whether the client lets the server register a watcher for `.gov` files.
    watch_files: std::sync::atomic::AtomicBool,
    /// The skipped files last shown to the user.
    warned: tokio::sync::Mutex<Vec<(String, String)>>,
    #[cfg(feature = "fault-injection")]
    faults: Arc<crate::faults::Faults>,
}

impl Backend {
    pub fn new(client: Client) -> Backend {
        Backend {
            client,
            inner: Arc::new(Inner {
                docs: Mutex::new(HashMap::new()),
                world: Mutex::new(World::default()),
                compiled: Mutex::new(HashMap::new()),
                generation: AtomicU64::new(0),
                publish: tokio::sync::Mutex::new(HashMap::new()),
                watch_files: std::sync::atomic::AtomicBool::new(false),
                warned: tokio::sync::Mutex::new(Vec::new()),
                #[cfg(feature = "fault-injection")]
                faults: Arc::default(),
            }),
        }
    }

    #[cfg(feature = "fault-injection")]
    pub fn with_faults(client: Client, faults: Arc<crate::faults::Faults>) -> Backend {
        let mut b = Backend::new(client);
        if let Some(inner) = Arc::get_mut(&mut b.inner) {
            inner.faults = faults;
        }
        b
    }
}

/// `ContentModified`: the request was cancelled by an edit; the client asks again.
fn content_modified() -> Error {
    Error {
        code: ErrorCode::ServerError(-32801),
        message: "content modified".into(),
        data: None,
    }
}

/// Runs `f` and turns a salsa cancellation into `Ok(None)`, a panic into `Err(message)`.
fn guarded<T>(f: impl FnOnce() -> T) -> std::result::Result<Option<T>, String> {
    match catch_unwind(AssertUnwindSafe(|| {
        salsa::Cancelled::catch(AssertUnwindSafe(f))
    })) {
        Ok(Ok(v)) => Ok(Some(v)),
        Ok(Err(_cancelled)) => Ok(None),
        Err(payload) => Err(payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_string())),
    }
}

impl Inner {
    /// The open documents as of now, read under the world lock (which the caller holds): the
    /// inputs are only ever set to the newest texts, never back to an older copy of the
    /// documents taken before an edit — that would cancel the newer edit's diagnostics run
    /// and leave the editor with none for its final version.
    fn current_docs(&self, _world: &World) -> HashMap<String, Doc> {
        lock(&self.docs).clone()
    }

    /// The set of files on disk may have changed (see [`World::files_changed`]).
    fn files_changed(&self, changed: &[String]) {
        let mut world = lock(&self.world);
        let docs = self.current_docs(&world);
        world.files_changed(changed, &docs);
    }

    /// A snapshot for the document `uri`, which must be open.
    fn snapshot(&self, uri: &Uri) -> Result<Snapshot> {
        let mut world = lock(&self.world);
        let docs = self.current_docs(&world);
        let Some(doc) = docs.get(uri.as_str()) else {
            return Err(invalid(format!("document not open: {}", uri.as_str())));
        };
        Ok(world.snapshot(&doc.path, &docs))
    }

    fn fault_in_request(&self) {
        #[cfg(feature = "fault-injection")]
        self.faults.request_site();
    }

    fn fault_in_diagnostics(&self) {
        #[cfg(feature = "fault-injection")]
        self.faults.diagnostics_site();
    }

    /// Runs a request on a snapshot of `uri`'s workspace, off the async runtime.
    async fn request<T, F>(self: &Arc<Self>, uri: &Uri, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Snapshot, &Inner) -> Result<T> + Send + 'static,
    {
        let this = self.clone();
        let uri = uri.clone();
        let job = tokio::task::spawn_blocking(move || {
            let r = guarded(|| {
                let snap = this.snapshot(&uri)?;
                this.fault_in_request();
                f(&snap, &this)
            });
            match r {
                Ok(Some(v)) => v,
                Ok(None) => Err(content_modified()),
                Err(msg) => Err(Error {
                    code: ErrorCode::InternalError,
                    message: format!("internal error: {msg}").into(),
                    data: None,
                }),
            }
        });
        match job.await {
            Ok(r) => r,
            Err(e) => Err(Error {
                code: ErrorCode::InternalError,
                message: format!("internal error: {e}").into(),
                data: None,
            }),
        }
    }

    /// Diagnostics of every file of every program with an open document (what `govc check
    /// ROOT` reports for each root), or `None` when an edit cancelled the run.
    fn all_diagnostics(&self) -> Option<DiagnosticsRun> {
        // One snapshot per program root, all taken under one world lock from one copy of the
        // documents, so each result's version is the version of the text it was computed on.
        let (docs, snaps, skipped) = {
            let mut world = lock(&self.world);
            let docs = self.current_docs(&world);
            let mut by_root: BTreeMap<String, String> = BTreeMap::new();
            for d in docs.values() {
                let root = world.program_root(&d.path);
                let first = by_root.entry(root).or_insert_with(|| d.path.clone());
                if d.path < *first {
                    first.clone_from(&d.path);
                }
            }
            let paths: Vec<String> = by_root.into_values().collect();
            let snaps = world.snapshots(&paths, &docs);
            let skipped: Vec<(String, String)> = snaps
                .iter()
                .flat_map(|s| world.skipped(&s.dir).iter().cloned())
                .collect();
            (docs, snaps, skipped)
        };
        let open: HashMap<&str, &Doc> = docs.values().map(|d| (d.path.as_str(), d)).collect();
        let mut run = DiagnosticsRun {
            skipped,
            ..DiagnosticsRun::default()
        };
        for snap in snaps {
            let r = guarded(|| {
                self.fault_in_diagnostics();
                snap.diagnostics_by_file()
                    .into_iter()
                    .filter_map(|(path, found)| {
                        let (uri, version) = match open.get(path.as_str()) {
                            Some(d) => (d.uri.clone(), Some(d.version)),
                            None => (world::uri_of(&path)?, None),
                        };
                        // Most files of a program are clean: no line index for them.
                        let diags = if found.is_empty() {
                            Vec::new()
                        } else {
                            let text = snap.text(&path).unwrap_or("");
                            let li = LineIndex::new(text);
                            found
                                .iter()
                                .map(|x| convert::to_lsp(&snap, &uri, text, &li, x))
                                .collect()
                        };
                        Some((uri, version, diags))
                    })
                    .collect::<Vec<_>>()
            });
            match r {
                Ok(Some(v)) => run.results.extend(v),
                Ok(None) => return None,
                // That program's files keep their last diagnostics (publishing an empty list
                // would claim they are clean); the panic is logged to the client.
                Err(msg) => run.panics.push(msg),
            }
        }
        Some(run)
    }
}

#[derive(Default)]
struct DiagnosticsRun {
    results: Vec<(Uri, Option<i32>, Vec<Diagnostic>)>,
    panics: Vec<String>,
    /// `.gov` files the programs' walks left out, with why.
    skipped: Vec<(String, String)>,
}

impl Backend {
    /// Starts a diagnostics run for the current state; a later edit supersedes it.
    fn schedule_diagnostics(&self) {
        let gen = self.inner.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let inner = self.inner.clone();
        let client = self.client.clone();
        tokio::spawn(async move {
            // Let a burst of edits arrive before starting the work.
            tokio::task::yield_now().await;
            if inner.generation.load(Ordering::SeqCst) != gen {
                return;
            }
            let worker = inner.clone();
            let run = tokio::task::spawn_blocking(move || worker.all_diagnostics()).await;
            let run = match run {
                Ok(Some(run)) => run,
                Ok(None) => return,
                Err(e) => DiagnosticsRun {
                    panics: vec![e.to_string()],
                    ..DiagnosticsRun::default()
                },
            };
            for msg in &run.panics {
                client
                    .log_message(
                        MessageType::ERROR,
                        format!("internal error while computing diagnostics: {msg}"),
                    )
                    .await;
            }
            let mut published = inner.publish.lock().await;
            if inner.generation.load(Ordering::SeqCst) != gen {
                return;
            }
            // `govc check ROOT` refuses such a tree; the editor says why once per change.
            let mut warned = inner.warned.lock().await;
            if *warned != run.skipped {
                for (file, why) in &run.skipped {
                    let file = govc_compiler::diagnostics::tidy(file.clone());
                    client
                        .show_message(
                            MessageType::WARNING,
                            format!("govc: `{file}` is not part of the program: {why}; `govc check` refuses this tree"),
                        )
                        .await;
                }
                warned.clone_from(&run.skipped);
            }
            drop(warned);
            let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
            for (uri, version, diags) in run.results {
                let key = uri.as_str().to_string();
                // A file in two programs (used by both) is published once, from the first.
                if !seen.insert(key.clone()) {
                    continue;
                }
                let last = published.get(&key);
                if last.is_some_and(|(v, d)| *v == version && *d == diags) {
                    continue;
                }
                // A file never reported and still clean needs no message.
                if last.is_none() && diags.is_empty() && version.is_none() {
                    continue;
                }
                published.insert(key, (version, diags.clone()));
                client.publish_diagnostics(uri, diags, version).await;
            }
            // Files no longer in any program with an open document (their last document was
            // closed, or they were deleted or moved away) lose their diagnostics; not after a
            // panic, which left some program's files unreported.
            if run.panics.is_empty() {
                let gone: Vec<String> = published
                    .keys()
                    .filter(|k| !seen.contains(*k))
                    .cloned()
                    .collect();
                for key in gone {
                    published.remove(&key);
                    if let Ok(uri) = key.parse::<Uri>() {
                        client.publish_diagnostics(uri, Vec::new(), None).await;
                    }
                }
            }
        });
    }
}

fn apply_change(doc: &mut Doc, change: TextDocumentContentChangeEvent) -> Result<()> {
    match change.range {
        None => doc.text = change.text,
        Some(range) => {
            let li = LineIndex::new(&doc.text);
            let span = li.span(&doc.text, range)?;
            doc.text.replace_range(span, &change.text);
        }
    }
    Ok(())
}

/// What the server offers, as answered to `initialize`.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                // A save may add a file to the program (a new document's first save).
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![
                " ".into(),
                ":".into(),
                "\"".into(),
                "[".into(),
                ",".into(),
            ]),
            ..Default::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: features::tokens::legend(),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                range: None,
                work_done_progress_options: WorkDoneProgressOptions::default(),
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..Default::default()
        })),
        inlay_hint_provider: Some(OneOf::Left(true)),
        ..Default::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, p: InitializeParams) -> Result<InitializeResult> {
        // The project: the workspace folders, else the root the editor named. Files are read
        // from disk only inside it (or beside an open document).
        #[allow(deprecated, reason = "root_uri is what older clients send")]
        let mut roots: Vec<std::path::PathBuf> = p
            .workspace_folders
            .unwrap_or_default()
            .iter()
            .map(|f| &f.uri)
            .chain(p.root_uri.as_ref())
            .filter_map(|u| u.to_file_path())
            .map(|p| p.into_owned())
            .collect();
        roots.dedup();
        lock(&self.inner.world).set_project(roots);
        let watch = p
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        self.inner.watch_files.store(watch, Ordering::SeqCst);
        Ok(InitializeResult {
            capabilities: capabilities(),
            server_info: Some(ServerInfo {
                name: "govc".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        // Files created, changed or deleted outside the editor (a checkout, a generator) change
        // the program: the walk and the files read from disk are refreshed when they do.
        if !self.inner.watch_files.load(Ordering::SeqCst) {
            return;
        }
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![FileSystemWatcher {
                glob_pattern: GlobPattern::String("**/*.gov".to_string()),
                kind: None,
            }],
        };
        let Ok(options) = serde_json::to_value(options) else {
            return;
        };
        let registration = Registration {
            id: "govc-watch-gov-files".to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: Some(options),
        };
        if let Err(e) = self.client.register_capability(vec![registration]).await {
            self.client
                .log_message(
                    MessageType::WARNING,
                    format!("govc: cannot watch .gov files ({e}); files changed outside the editor are seen when a document is opened, saved or closed"),
                )
                .await;
        }
    }

    async fn did_change_watched_files(&self, p: DidChangeWatchedFilesParams) {
        let changed: Vec<String> = p.changes.iter().map(|c| path_of(&c.uri)).collect();
        self.inner.files_changed(&changed);
        self.schedule_diagnostics();
    }

    async fn did_save(&self, _: DidSaveTextDocumentParams) {
        self.inner.files_changed(&[]);
        self.schedule_diagnostics();
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, p: DidOpenTextDocumentParams) {
        let doc = Doc {
            path: path_of(&p.text_document.uri),
            uri: p.text_document.uri,
            text: p.text_document.text,
            version: p.text_document.version,
        };
        lock(&self.inner.docs).insert(doc.uri.as_str().to_string(), doc);
        self.inner.files_changed(&[]);
        self.schedule_diagnostics();
    }

    async fn did_change(&self, p: DidChangeTextDocumentParams) {
        let mut failed = false;
        {
            let mut docs = lock(&self.inner.docs);
            let Some(doc) = docs.get_mut(p.text_document.uri.as_str()) else {
                return;
            };
            for change in p.content_changes {
                if apply_change(doc, change).is_err() {
                    failed = true;
                    break;
                }
            }
            doc.version = p.text_document.version;
        }
        if failed {
            self.client
                .log_message(
                    MessageType::ERROR,
                    "didChange with a range outside the document; edit ignored",
                )
                .await;
        }
        self.schedule_diagnostics();
    }

    async fn did_close(&self, p: DidCloseTextDocumentParams) {
        let removed = lock(&self.inner.docs).remove(p.text_document.uri.as_str());
        if let Some(d) = removed {
            // The file on disk replaces the buffer; it stays in its program while it is on disk
            // (its diagnostics, now without a version, come with the next run), and loses
            // them there when it is not.
            self.inner.files_changed(&[d.path]);
        }
        self.schedule_diagnostics();
    }

    async fn completion(&self, p: CompletionParams) -> Result<Option<CompletionResponse>> {
        let pos = p.text_document_position.position;
        self.inner
            .request(&p.text_document_position.text_document.uri, move |s, _| {
                features::completion::completion(s, pos)
                    .map(|items| Some(CompletionResponse::Array(items)))
            })
            .await
    }

    async fn hover(&self, p: HoverParams) -> Result<Option<Hover>> {
        let pos = p.text_document_position_params.position;
        self.inner
            .request(
                &p.text_document_position_params.text_document.uri,
                move |s, inner| features::hover::hover(s, &inner.compiled, pos),
            )
            .await
    }

    async fn goto_definition(
        &self,
        p: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let pos = p.text_document_position_params.position;
        self.inner
            .request(
                &p.text_document_position_params.text_document.uri,
                move |s, _| features::navigate::definition(s, pos),
            )
            .await
    }

    async fn references(&self, p: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let pos = p.text_document_position.position;
        let decl = p.context.include_declaration;
        self.inner
            .request(&p.text_document_position.text_document.uri, move |s, _| {
                features::navigate::references(s, pos, decl)
            })
            .await
    }

    async fn prepare_rename(
        &self,
        p: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let pos = p.position;
        self.inner
            .request(&p.text_document.uri, move |s, _| {
                features::navigate::prepare_rename(s, pos)
            })
            .await
    }

    async fn rename(&self, p: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let pos = p.text_document_position.position;
        let new_name = p.new_name;
        self.inner
            .request(&p.text_document_position.text_document.uri, move |s, _| {
                features::navigate::rename(s, pos, &new_name)
            })
            .await
    }

    async fn document_symbol(
        &self,
        p: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        self.inner
            .request(&p.text_document.uri, |s, _| {
                Ok(Some(DocumentSymbolResponse::Nested(
                    features::symbols::symbols(s),
                )))
            })
            .await
    }

    async fn formatting(&self, p: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        self.inner
            .request(&p.text_document.uri, |s, _| {
                Ok(Some(features::format::formatting(s)))
            })
            .await
    }

    async fn semantic_tokens_full(
        &self,
        p: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        self.inner
            .request(&p.text_document.uri, |s, _| {
                Ok(Some(SemanticTokensResult::Tokens(
                    features::tokens::tokens(s),
                )))
            })
            .await
    }

    async fn code_action(&self, p: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = p.text_document.uri.clone();
        self.inner
            .request(&uri, move |s, _| features::actions::code_actions(s, &p))
            .await
    }

    async fn inlay_hint(&self, p: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let range = p.range;
        self.inner
            .request(&p.text_document.uri, move |s, inner| {
                features::inlay::hints(s, &inner.compiled, range).map(Some)
            })
            .await
    }
}
