//! The server's state: open documents, and the compiler's salsa database with one `Workspace`
//! input per program root. A document's program root is the innermost workspace folder that
//! holds it (the directory of the document when none does), and its program is what
//! `govc check ROOT` reads: every `.gov` file under the root, found by the CLI's own walk
//! ([`Reader::walk`]: recursive, hidden entries skipped, links held to the project), every file
//! they `use`, and the stdlib. Open documents overlay the files on disk, and open documents not
//! yet saved join the program of their root.
//!
//! Concurrency: the master database lives behind a mutex and is only touched to set inputs
//! and to take a snapshot (a clone sharing its memos). Queries run on snapshots, off the async
//! runtime. Setting an input cancels every snapshot's running query (it unwinds with
//! `salsa::Cancelled` at its next query) and waits until the snapshots are dropped — so code
//! that holds a snapshot must never take the world lock.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use govc_compiler::check::index::{join_use_path, normalize_path, STD_PREFIX};
use govc_compiler::compile::{Options, Output};
use govc_compiler::db::{self, Database, SourceFile, Workspace};
use govc_compiler::diagnostics::Diagnostic;
use govc_compiler::sources::{Reader, Walk};
use govc_compiler::stdlib;
use govc_compiler::syntax::ast;
use salsa::Setter;
use tower_lsp_server::ls_types::Uri;

use crate::line_index::LineIndex;

/// An open document.
#[derive(Clone, Debug)]
pub struct Doc {
    pub uri: Uri,
    pub path: String,
    pub text: String,
    pub version: i32,
}

/// The path key of a URI: the file path for `file:` URIs, else the URI itself.
pub fn path_of(uri: &Uri) -> String {
    match uri.to_file_path() {
        Some(p) => normalize_path(&p.to_string_lossy()),
        None => uri.as_str().to_string(),
    }
}

pub fn uri_of(path: &str) -> Option<Uri> {
    if path.starts_with(STD_PREFIX) {
        return None;
    }
    if path.starts_with('/') {
        Uri::from_file_path(path)
    } else {
        path.parse().ok()
    }
}

/// Whether `path` lies under the directory `dir`.
fn is_under(path: &str, dir: &str) -> bool {
    path.strip_prefix(dir)
        .is_some_and(|rest| rest.starts_with('/') || dir.ends_with('/'))
}

/// The directory of a path.
pub fn dir_of(path: &str) -> String {
    match path.rfind('/') {
        Some(i) => path.get(..i).unwrap_or("").to_string(),
        None => String::new(),
    }
}

pub struct World {
    db: Database,
    /// One input per path, shared by every workspace that loads it.
    files: BTreeMap<String, SourceFile>,
    workspaces: BTreeMap<String, Workspace>,
    /// Bumped whenever an input changes; keys the compile cache.
    revision: u64,
    /// The editor's workspace folders: files are read from disk only inside them (and inside
    /// the directory of an open document), by the rules of [`Reader`].
    project: Vec<std::path::PathBuf>,
    /// The same folders as path keys (normalised), the innermost first: program roots.
    folders: Vec<String>,
    /// Per program root, the files its walk found; kept until the set of files on disk may
    /// have changed ([`World::files_changed`]), so an edit does not walk the tree again.
    walks: BTreeMap<String, Walk>,
}

/// A consistent view for one request: a database snapshot, the workspace of the document, and
/// the texts as the snapshot sees them.
pub struct Snapshot {
    pub db: Database,
    pub ws: Workspace,
    pub path: String,
    pub revision: u64,
    pub dir: String,
}

impl Snapshot {
    pub fn text(&self, path: &str) -> Option<&str> {
        self.ws
            .files(&self.db)
            .get(path)
            .map(|f| f.text(&self.db).as_str())
    }

    pub fn file(&self, path: &str) -> Option<SourceFile> {
        self.ws.files(&self.db).get(path).copied()
    }

    /// The document's text and line index.
    pub fn doc(&self) -> (&str, LineIndex) {
        let text = self.text(&self.path).unwrap_or("");
        (text, LineIndex::new(text))
    }

    pub fn parsed(&self, path: &str) -> Option<&db::ParsedFile> {
        self.file(path)
            .map(|f| db::parse_file(&self.db, f).as_ref())
    }

    pub fn index(&self) -> &govc_compiler::check::Index {
        db::program_index(&self.db, self.ws)
    }

    /// Every diagnostic of the program, by file, exactly as `govc check ROOT` reports them:
    /// each source file of the program (the stdlib's aside) has an entry, empty when clean.
    pub fn diagnostics_by_file(&self) -> BTreeMap<String, Vec<Diagnostic>> {
        let mut out: BTreeMap<String, Vec<Diagnostic>> = self
            .ws
            .files(&self.db)
            .keys()
            .filter(|p| !p.starts_with(STD_PREFIX))
            .map(|p| (p.clone(), Vec::new()))
            .collect();
        for d in db::all_diagnostics(&self.db, self.ws).iter() {
            if let Some(list) = out.get_mut(&d.file) {
                list.push(d.clone());
            }
        }
        out
    }

    /// Diagnostics of one file, exactly as `govc check` reports them (the back end's lints
    /// and limits included).
    pub fn diagnostics_of(&self, path: &str) -> Vec<Diagnostic> {
        db::all_diagnostics(&self.db, self.ws)
            .iter()
            .filter(|d| d.file == path)
            .cloned()
            .collect()
    }
}

/// Compiled output of a workspace at a revision; `None` when the program has errors.
pub type CompileCache = Mutex<HashMap<String, (u64, Option<Arc<Output>>)>>;

pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding a lock is caught at the request boundary; the data is still
    // consistent (every mutation is a single assignment), so keep serving.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Default for World {
    fn default() -> Self {
        World::new(Database::new(govc_compiler::catalog::embedded()).reusing_documents())
    }
}

impl World {
    pub fn new(db: Database) -> World {
        let mut files = BTreeMap::new();
        for (name, text) in stdlib::MODULES {
            let path = format!("{STD_PREFIX}{name}.gov");
            files.insert(
                path.clone(),
                SourceFile::new(&db, path, text.to_string(), None),
            );
        }
        World {
            db,
            files,
            workspaces: BTreeMap::new(),
            revision: 0,
            project: Vec::new(),
            folders: Vec::new(),
            walks: BTreeMap::new(),
        }
    }

    /// Sets the project roots (the workspace folders the editor named at `initialize`).
    pub fn set_project(&mut self, roots: Vec<std::path::PathBuf>) {
        let mut folders: Vec<String> = roots
            .iter()
            .map(|r| normalize_path(&r.to_string_lossy()))
            .map(|r| r.trim_end_matches('/').to_string())
            .filter(|r| !r.is_empty())
            .collect();
        // Innermost first, so a nested folder is the root of the files under it.
        folders.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        folders.dedup();
        self.folders = folders;
        self.project = roots;
        self.walks.clear();
    }

    /// The program root of a document: the innermost workspace folder holding it, else its
    /// directory.
    pub fn program_root(&self, path: &str) -> String {
        self.folders
            .iter()
            .find(|f| is_under(path, f))
            .cloned()
            .unwrap_or_else(|| dir_of(path))
    }

    /// Forgets the walks: a document was opened, closed or saved, or the editor reported
    /// files created, changed or deleted. Files on disk that are not open are read again.
    pub fn files_changed(&mut self, changed: &[String], docs: &HashMap<String, Doc>) {
        self.walks.clear();
        for path in changed {
            if !docs.values().any(|d| &d.path == path) {
                self.reload(path);
            }
        }
    }

    /// The `.gov` files the walks left out, with why (a link leading out of the project, a
    /// name that is not UTF-8): `govc check ROOT` refuses to run on such a tree.
    pub fn skipped(&self, root: &str) -> &[(String, String)] {
        self.walks.get(root).map_or(&[], |w| w.skipped.as_slice())
    }

    /// The reader for files of the program under `root`.
    fn reader(&self, root: &str) -> Reader {
        let here = (!root.is_empty()).then(|| std::path::PathBuf::from(root));
        Reader::new(self.project.iter().cloned().chain(here), false)
    }

    /// Brings the inputs up to date with the open documents and takes a snapshot for `path`.
    pub fn snapshot(&mut self, path: &str, docs: &HashMap<String, Doc>) -> Snapshot {
        self.sync(docs);
        let dir = self.program_root(path);
        let ws = self.workspace(&dir, docs);
        Snapshot {
            db: self.db.clone(),
            ws,
            path: path.to_string(),
            revision: self.revision,
            dir,
        }
    }

    /// [`World::snapshot`] for several paths at once, consistent with each other. Every input
    /// is set before the first clone is taken: setting one while a clone is alive would wait
    /// for that clone to be dropped.
    pub fn snapshots(&mut self, paths: &[String], docs: &HashMap<String, Doc>) -> Vec<Snapshot> {
        self.sync(docs);
        let spaces: Vec<(String, String, Workspace)> = paths
            .iter()
            .map(|p| {
                let dir = self.program_root(p);
                let ws = self.workspace(&dir, docs);
                (p.clone(), dir, ws)
            })
            .collect();
        spaces
            .into_iter()
            .map(|(path, dir, ws)| Snapshot {
                db: self.db.clone(),
                ws,
                path,
                revision: self.revision,
                dir,
            })
            .collect()
    }

    /// Sets the text of every open document whose input differs.
    fn sync(&mut self, docs: &HashMap<String, Doc>) {
        for d in docs.values() {
            match self.files.get(&d.path).copied() {
                Some(f) => {
                    if f.text(&self.db) != &d.text {
                        f.set_text(&mut self.db).to(d.text.clone());
                        f.set_utf8_error(&mut self.db).to(None);
                        self.revision += 1;
                    }
                }
                None => {
                    let f = SourceFile::new(&self.db, d.path.clone(), d.text.clone(), None);
                    self.files.insert(d.path.clone(), f);
                    self.revision += 1;
                }
            }
        }
    }

    /// Re-reads a closed document from disk (the editor's buffer no longer overlays it).
    pub fn reload(&mut self, path: &str) {
        if let Some(f) = self.files.get(path).copied() {
            let (text, bad) = match self.reader(&self.program_root(path)).read(path) {
                Ok(b) => db::decode(b),
                Err(_) => (String::new(), None),
            };
            if f.text(&self.db) != &text {
                f.set_text(&mut self.db).to(text);
                self.revision += 1;
            }
            if *f.utf8_error(&self.db) != bad {
                f.set_utf8_error(&mut self.db).to(bad);
                self.revision += 1;
            }
        }
    }

    /// The input of `path`, read from disk through `reader` the first time; `Err` holds why
    /// it could not be read (`None`: it does not exist).
    fn read_into(&mut self, path: &str, reader: &Reader) -> Result<SourceFile, Option<String>> {
        if let Some(f) = self.files.get(path) {
            return Ok(*f);
        }
        let bytes = reader
            .read(path)
            .map_err(|e| (e.kind() != std::io::ErrorKind::NotFound).then(|| e.to_string()))?;
        let (text, bad) = db::decode(bytes);
        let f = SourceFile::new(&self.db, path.to_string(), text, bad);
        self.files.insert(path.to_string(), f);
        self.revision += 1;
        Ok(f)
    }

    /// The program under `dir` (a program root): the `.gov` files of its walk and the open
    /// documents under it, every file they use transitively, and the stdlib. Updated in place
    /// when the set of files changed.
    fn workspace(&mut self, dir: &str, docs: &HashMap<String, Doc>) -> Workspace {
        let mut roots: BTreeSet<String> = docs
            .values()
            .filter(|d| self.program_root(&d.path) == dir)
            .map(|d| d.path.clone())
            .collect();
        let reader = self.reader(dir);
        if dir.starts_with('/') {
            if !self.walks.contains_key(dir) {
                // An unreadable root holds no files on disk; its open documents remain.
                let w = reader.walk(std::path::Path::new(dir)).unwrap_or_default();
                self.walks.insert(dir.to_string(), w);
            }
            if let Some(w) = self.walks.get(dir) {
                roots.extend(w.files.iter().map(|p| normalize_path(p)));
            }
        }
        let mut files: BTreeMap<String, SourceFile> = BTreeMap::new();
        let mut unread: BTreeMap<String, String> = BTreeMap::new();
        let mut queue: Vec<String> = roots.iter().cloned().collect();
        while let Some(path) = queue.pop() {
            if files.contains_key(&path) || unread.contains_key(&path) {
                continue;
            }
            let f = match self.read_into(&path, &reader) {
                Ok(f) => f,
                Err(why) => {
                    if let Some(why) = why {
                        unread.insert(path, why);
                    }
                    continue;
                }
            };
            let parsed = db::parse_file(&self.db, f);
            for item in &parsed.ast.items {
                if let ast::ItemKind::UseFile(s) = &item.kind {
                    queue.push(join_use_path(&path, &s.value));
                }
            }
            files.insert(path, f);
        }
        for (path, f) in &self.files {
            if path.starts_with(STD_PREFIX) {
                files.insert(path.clone(), *f);
            }
        }
        let roots: Vec<String> = roots
            .into_iter()
            .filter(|r| files.contains_key(r))
            .collect();
        match self.workspaces.get(dir).copied() {
            Some(ws) => {
                if ws.files(&self.db) != &files {
                    ws.set_files(&mut self.db).to(files);
                    self.revision += 1;
                }
                if ws.roots(&self.db) != &roots {
                    ws.set_roots(&mut self.db).to(roots);
                    self.revision += 1;
                }
                if ws.unread(&self.db) != &unread {
                    ws.set_unread(&mut self.db).to(unread);
                    self.revision += 1;
                }
                ws
            }
            None => {
                let ws = Workspace::new(&self.db, files, roots, unread);
                self.workspaces.insert(dir.to_string(), ws);
                ws
            }
        }
    }
}

/// The compiled output of the snapshot's workspace, computed once per revision.
pub fn compiled(snap: &Snapshot, cache: &CompileCache) -> Option<Arc<Output>> {
    if let Some((rev, out)) = lock(cache).get(&snap.dir) {
        if *rev == snap.revision {
            return out.clone();
        }
    }
    let out = db::compile_workspace(&snap.db, snap.ws, &Options::default())
        .ok()
        .map(|(o, _)| Arc::new(o));
    lock(cache).insert(snap.dir.clone(), (snap.revision, out.clone()));
    out
}
