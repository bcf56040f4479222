//! The incremental database (salsa), shared by `govc check` and the language server. Inputs are
//! file texts; parsing, the program index and checking are tracked queries, so an edit re-runs
//! only what depends on the changed file. File system access stays outside: [`load`] reads
//! files and registers them as inputs; every query is pure.

// `#[salsa::input]` generates public constructors, builders and setters for `SourceFile` and
// `Workspace` in a `const _` block of this module, out of reach of any attribute but the
// module's; every item written here is documented.
#![allow(missing_docs)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::catalog::Shared;
use crate::check::{self, Index, UseEdge, UseTarget};
use crate::diagnostics::{Code, Diagnostic};
use crate::stdlib;
use crate::syntax::{self, ast, Span};

/// One source file: its path (as the user wrote it, normalised) and its text. `utf8_error` is
/// the byte offset of the first invalid UTF-8 sequence in the bytes the text was decoded from.
#[salsa::input(debug)]
pub struct SourceFile {
    /// The path key: as the user named the file, normalised (`<std>/m.gov` for the stdlib).
    #[returns(ref)]
    pub path: String,
    /// The file's contents, decoded from UTF-8 (invalid sequences as U+FFFD).
    #[returns(ref)]
    pub text: String,
    /// Byte offset of the first invalid UTF-8 sequence, if any (reported as E0006).
    pub utf8_error: Option<u32>,
}

/// The program: every loaded file by path, the files the user named, and the files a `use`
/// named that could not be read, with why (reported at the `use`).
#[salsa::input(debug)]
pub struct Workspace {
    /// Every loaded file by path key: the named files, the files they `use`, and the stdlib.
    #[returns(ref)]
    pub files: BTreeMap<String, SourceFile>,
    /// The files the user named, in the order given, that could be read.
    #[returns(ref)]
    pub roots: Vec<String>,
    /// Files a `use` named that exist but could not be read, with the error's text.
    #[returns(ref)]
    pub unread: BTreeMap<String, String>,
}

/// The queries' view of the database: salsa's storage, plus the catalog.
#[salsa::db]
pub trait Db: salsa::Database {
    /// The reference data every query checks and compiles against. Fixed for the database's
    /// life, so it is not a salsa input: nothing computed from it can go stale.
    fn catalog(&self) -> &Shared;

    /// Where the back end keeps each group's documents between compiles, when it does (the
    /// language server's database; see [`Database::reusing_documents`]).
    fn memo(&self) -> Option<&crate::compile::Memo>;
}

/// The database: the storage of every query, and the catalog it was made with.
#[salsa::db]
#[derive(Clone)]
pub struct Database {
    storage: salsa::Storage<Self>,
    catalog: Shared,
    memo: Option<Arc<crate::compile::Memo>>,
}

impl Database {
    /// A database that checks and compiles against `catalog` (the shells pass
    /// [`crate::catalog::embedded`]).
    pub fn new(catalog: Shared) -> Database {
        Database {
            storage: salsa::Storage::default(),
            catalog,
            memo: None,
        }
    }

    /// This database, with compiles that keep each group's documents and reuse them when the
    /// group is unchanged but for its place in the file (`compile::compile_reusing`): for a
    /// long-lived database that sees many edits, the language server's. A one-shot command
    /// would only pay for the copies.
    pub fn reusing_documents(mut self) -> Database {
        self.memo = Some(Arc::default());
        self
    }
}

#[salsa::db]
impl salsa::Database for Database {}

#[salsa::db]
impl Db for Database {
    fn catalog(&self) -> &Shared {
        &self.catalog
    }

    fn memo(&self) -> Option<&crate::compile::Memo> {
        self.memo.as_deref()
    }
}

/// A parsed file and its lexical and syntax diagnostics.
#[derive(Debug, PartialEq, Eq)]
pub struct ParsedFile {
    /// The syntax tree: as much of the file as the parser could build past syntax errors.
    pub ast: ast::File,
    /// The file's comments, which the AST leaves out.
    pub comments: Vec<syntax::lexer::Comment>,
    /// Lexical and syntax diagnostics, led by E0006 when the text is not valid UTF-8.
    pub diagnostics: Vec<Diagnostic>,
}

/// Lexes and parses one file; re-runs only when the file's text changes.
#[salsa::tracked(returns(ref))]
pub fn parse_file(db: &dyn Db, file: SourceFile) -> Arc<ParsedFile> {
    let path = file.path(db);
    let parsed = syntax::parse(file.text(db));
    let mut diagnostics: Vec<Diagnostic> = parsed
        .diagnostics
        .into_iter()
        .map(|d| d.in_file(path))
        .collect();
    if let Some(at) = file.utf8_error(db) {
        // The replacement characters are already explained by E0006.
        let text = file.text(db);
        diagnostics.retain(|d| {
            !(d.code == Code::E0001
                && text
                    .get(d.span.range())
                    .is_some_and(|t| t.chars().all(|c| c == '\u{FFFD}')))
        });
        let at = *at as usize;
        diagnostics.insert(
            0,
            Diagnostic::new(
                Code::E0006,
                Span::new(at, at + 1),
                "file is not valid UTF-8",
            )
            .in_file(path)
            .with_label("invalid UTF-8 starts here")
            .with_help("re-save the file as UTF-8; invalid bytes were read as U+FFFD"),
        );
    }
    Arc::new(ParsedFile {
        ast: parsed.file,
        comments: parsed.comments,
        diagnostics,
    })
}

/// What a file's `use` items name, resolved against the loaded files and the stdlib.
pub(crate) fn resolve_uses(
    path: &str,
    ast: &ast::File,
    is_loaded: &dyn Fn(&str) -> bool,
    unread: &BTreeMap<String, String>,
) -> Vec<UseEdge> {
    let mut out = Vec::new();
    for item in &ast.items {
        match &item.kind {
            ast::ItemKind::UseFile(s) => {
                let target = check::index::join_use_path(path, &s.value);
                out.push(UseEdge {
                    target: if is_loaded(&target) {
                        UseTarget::File(target)
                    } else if let Some(why) = unread.get(&target) {
                        UseTarget::Unreadable(s.value.clone(), why.clone())
                    } else {
                        UseTarget::Missing(s.value.clone())
                    },
                    span: s.span,
                });
            }
            ast::ItemKind::UseModule(p) => {
                let segs: Vec<&str> = p.segments.iter().map(|s| s.name.as_str()).collect();
                let name = match segs.as_slice() {
                    ["std", m] => Some(*m),
                    _ => None,
                };
                let target = match name {
                    Some(m) if stdlib::module(m).is_some() => UseTarget::Module(m.to_string()),
                    _ => UseTarget::Missing(format!("std::{}", segs.last().copied().unwrap_or(""))),
                };
                out.push(UseEdge {
                    target,
                    span: p.span,
                });
            }
            _ => {}
        }
    }
    out
}

/// The program index over every loaded file: user files in the order given, then the rest by
/// path, the stdlib last.
#[salsa::tracked(returns(ref))]
pub fn program_index(db: &dyn Db, ws: Workspace) -> Arc<Index> {
    let files = ws.files(db);
    let mut parsed: Vec<(&str, Arc<ParsedFile>)> = Vec::new();
    // User files first in the order given, then the rest in path order; stdlib last.
    let mut order: Vec<&str> = ws
        .roots(db)
        .iter()
        .map(String::as_str)
        .filter(|p| files.contains_key(*p))
        .collect();
    let rest: BTreeSet<&str> = files
        .keys()
        .map(String::as_str)
        .filter(|p| !order.contains(p))
        .collect();
    let (std_files, user_rest): (Vec<&str>, Vec<&str>) =
        rest.into_iter().partition(|p| Index::is_std(p));
    order.extend(user_rest);
    order.extend(std_files);
    let mut uses = BTreeMap::new();
    for path in order {
        let Some(f) = files.get(path) else { continue };
        let p = parse_file(db, *f).clone();
        uses.insert(
            path.to_string(),
            resolve_uses(path, &p.ast, &|t| files.contains_key(t), ws.unread(db)),
        );
        parsed.push((path, p));
    }
    let views: Vec<(&str, &ast::File)> = parsed.iter().map(|(p, f)| (*p, &f.ast)).collect();
    Arc::new(Index::build(db.catalog().clone(), &views, uses))
}

/// The program as core rules (layer 2), for the back end. Meaningful only when
/// `program_diagnostics` has no errors.
#[salsa::tracked(returns(ref))]
pub fn program_rules(db: &dyn Db, ws: Workspace) -> Arc<crate::rules::Program> {
    let index = program_index(db, ws);
    let files = ws.files(db);
    let parsed: Vec<(&str, Arc<ParsedFile>)> = index
        .files
        .iter()
        .filter_map(|p| {
            files
                .get(p)
                .map(|f| (p.as_str(), parse_file(db, *f).clone()))
        })
        .collect();
    let views: Vec<(&str, &ast::File)> = parsed.iter().map(|(p, f)| (*p, &f.ast)).collect();
    Arc::new(crate::rules::desugar::desugar(index, &views))
}

/// The program's meaning (the reference semantics, `semantics`), built from the checked ASTs
/// independently of `program_rules`. Meaningful only when `program_diagnostics` has no errors.
#[salsa::tracked(returns(ref))]
pub fn program_meaning(db: &dyn Db, ws: Workspace) -> Arc<crate::semantics::Meaning> {
    let index = program_index(db, ws);
    let files = ws.files(db);
    let parsed: Vec<(&str, Arc<ParsedFile>)> = index
        .files
        .iter()
        .filter_map(|p| {
            files
                .get(p)
                .map(|f| (p.as_str(), parse_file(db, *f).clone()))
        })
        .collect();
    let views: Vec<(&str, &ast::File)> = parsed.iter().map(|(p, f)| (*p, &f.ast)).collect();
    Arc::new(crate::semantics::build(index, &views))
}

/// Checks and compiles the program, as `govc compile` does. `Ok` holds the output and every
/// warning (the checker's, then the back end's); `Err` every diagnostic when any is an error.
pub fn compile_workspace(
    db: &Database,
    ws: Workspace,
    opts: &crate::compile::Options,
) -> Result<(crate::compile::Output, Vec<Diagnostic>), Vec<Diagnostic>> {
    let diags = program_diagnostics(db, ws).to_vec();
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    compile_checked(diags, program_rules(db, ws), opts, db.memo())
}

/// The back end on a program the checker accepted with `diags` (its warnings): the output and
/// every warning, or every diagnostic when the back end found an error.
fn compile_checked(
    mut diags: Vec<Diagnostic>,
    program: &crate::rules::Program,
    opts: &crate::compile::Options,
    memo: Option<&crate::compile::Memo>,
) -> Result<(crate::compile::Output, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut back_end = crate::diagnostics::Capped::default();
    let out = match memo {
        Some(memo) => crate::compile::compile_reusing(program, opts, memo),
        None => crate::compile::compile(program, opts),
    };
    match out {
        Ok(output) => {
            back_end.extend(output.warnings.iter().cloned());
            diags.extend(back_end.finish());
            Ok((output, diags))
        }
        Err(errors) => {
            back_end.extend(errors);
            diags.extend(back_end.finish());
            Err(diags)
        }
    }
}

/// The checker's diagnostics `diags` followed, when none is an error, by the back end's: the
/// lints (W04xx) and the quota and expressibility errors (E04xx).
fn with_back_end(
    mut diags: Vec<Diagnostic>,
    program: &dyn Fn() -> Arc<crate::rules::Program>,
    memo: Option<&crate::compile::Memo>,
) -> Vec<Diagnostic> {
    if !diags.iter().any(Diagnostic::is_error) {
        let mut back_end = crate::diagnostics::Capped::default();
        let program = program();
        let opts = crate::compile::Options::default();
        // Only the diagnostics are needed here: with a memo, its cheaper path.
        back_end.extend(match memo {
            Some(memo) => crate::compile::diagnostics_reusing(&program, &opts, memo),
            None => crate::compile::diagnostics(&program, &opts),
        });
        diags.extend(back_end.finish());
    }
    diags
}

/// A checked program taken out of its database, for a command that runs the back end once
/// (`govc check`, `compile`, `verify`, …). The syntax trees, the index and every other memo
/// are freed before the back end builds its statements, rather than held beside them to the
/// end: about a fifth of a large program's peak memory (docs/benchmarks.md, "Memory"). The
/// language server keeps its database, whose memos are what makes an edit cheap.
pub struct Detached {
    /// The checker's diagnostics (`program_diagnostics`).
    pub diagnostics: Vec<Diagnostic>,
    /// The core rules (`program_rules`), when the checker found no error.
    pub program: Option<Arc<crate::rules::Program>>,
    /// The program's meaning (`program_meaning`), when it was asked for and the checker found
    /// no error.
    pub meaning: Option<Arc<crate::semantics::Meaning>>,
    /// Every loaded file's text, by path.
    pub sources: Sources,
}

/// The texts of a program's files, and their line indices, built when first asked for.
pub struct Sources {
    files: BTreeMap<
        String,
        (
            String,
            std::sync::OnceLock<crate::diagnostics::render::LineIndex>,
        ),
    >,
}

impl Sources {
    /// The text of the file `path`.
    pub fn text(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(|(text, _)| text.as_str())
    }

    /// 1-based line and column (in characters) of a byte offset in `path`; `(1, 1)` for a
    /// file that is not loaded.
    pub fn line_col(&self, path: &str, offset: usize) -> (usize, usize) {
        match self.files.get(path) {
            Some((text, index)) => index
                .get_or_init(|| crate::diagnostics::render::LineIndex::new(text))
                .line_col(text, offset),
            None => (1, 1),
        }
    }

    /// `path:line:col` of a byte offset in `path` ([`locate`]); `path:1:1` for a file that
    /// is not loaded.
    pub fn locate(&self, path: &str, offset: usize) -> String {
        match self.files.get(path) {
            Some((text, index)) => locate(
                path,
                index.get_or_init(|| crate::diagnostics::render::LineIndex::new(text)),
                text,
                offset,
            ),
            None => format!("{path}:1:1"),
        }
    }
}

impl Detached {
    /// Checks the program in `database` and takes out what the back end and the reports need,
    /// dropping the database; `meaning` also builds the program's meaning (for the proof).
    pub fn new(mut database: Database, ws: Workspace, meaning: bool) -> Detached {
        use salsa::Setter;
        let diagnostics = program_diagnostics(&database, ws).to_vec();
        let checked = !diagnostics.iter().any(Diagnostic::is_error);
        let program = checked.then(|| program_rules(&database, ws).clone());
        let meaning = (checked && meaning).then(|| program_meaning(&database, ws).clone());
        let files: Vec<(String, SourceFile)> = ws
            .files(&database)
            .iter()
            .map(|(p, f)| (p.clone(), *f))
            .collect();
        // The texts move out of the inputs rather than being copied.
        let files = files
            .into_iter()
            .map(|(p, f)| {
                let text = f.set_text(&mut database).to(String::new());
                (p, (text, std::sync::OnceLock::new()))
            })
            .collect();
        drop(database);
        Detached {
            diagnostics,
            program,
            meaning,
            sources: Sources { files },
        }
    }

    /// What [`all_diagnostics`] reports for the program.
    pub fn all_diagnostics(&self) -> Vec<Diagnostic> {
        match &self.program {
            Some(program) => with_back_end(self.diagnostics.clone(), &|| program.clone(), None),
            None => self.diagnostics.clone(),
        }
    }

    /// What [`compile_workspace`] returns for the program.
    pub fn compile(
        &self,
        opts: &crate::compile::Options,
    ) -> Result<(crate::compile::Output, Vec<Diagnostic>), Vec<Diagnostic>> {
        match &self.program {
            Some(program) => compile_checked(self.diagnostics.clone(), program, opts, None),
            None => Err(self.diagnostics.clone()),
        }
    }
}

/// The line index of a file, built once per text: every `line:col` comes from it.
#[salsa::tracked(returns(ref))]
pub fn line_index(db: &dyn Db, file: SourceFile) -> Arc<crate::diagnostics::render::LineIndex> {
    Arc::new(crate::diagnostics::render::LineIndex::new(file.text(db)))
}

/// `file:line:col` (1-based; the column counts characters) of a byte offset, from the file's
/// line index: a binary search and the characters of one line, never a scan from the start
/// of the file (which made a manifest of many sources quadratic in the file's size).
pub fn locate(
    path: &str,
    index: &crate::diagnostics::render::LineIndex,
    text: &str,
    offset: usize,
) -> String {
    let (line, col) = index.line_col(text, offset);
    format!("{path}:{line}:{col}")
}

/// Diagnostics of one file: syntax, then semantics (which may point into other files).
#[salsa::tracked(returns(ref))]
pub fn file_diagnostics(db: &dyn Db, ws: Workspace, file: SourceFile) -> Arc<Vec<Diagnostic>> {
    let parsed = parse_file(db, file);
    let index = program_index(db, ws);
    let mut out = parsed.diagnostics.clone();
    out.extend(check::check_file(index, file.path(db), &parsed.ast));
    Arc::new(out)
}

/// Every diagnostic of the program, sorted by file order and position, without duplicates.
#[salsa::tracked(returns(ref))]
pub fn program_diagnostics(db: &dyn Db, ws: Workspace) -> Arc<Vec<Diagnostic>> {
    let index = program_index(db, ws);
    let files = ws.files(db);
    let mut all: Vec<Diagnostic> = check::check_program(index);
    for path in &index.files {
        if let Some(f) = files.get(path) {
            all.extend(file_diagnostics(db, ws, *f).iter().cloned());
        }
    }
    // Every span lies within its file and on character boundaries, whatever a check computed
    // (e.g. "inside the quotes" of a string whose closing quote is missing).
    let text_of = |p: &str| files.get(p).map(|f| f.text(db).as_str()).unwrap_or("");
    for d in &mut all {
        d.span = snap(text_of(&d.file), d.span);
        let own = d.file.clone();
        for l in &mut d.secondary {
            l.span = snap(text_of(l.file.as_deref().unwrap_or(&own)), l.span);
        }
        if let Some(fix) = &mut d.fix {
            fix.span = snap(text_of(&own), fix.span);
        }
    }
    let rank: BTreeMap<&str, usize> = index
        .files
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_str(), i))
        .collect();
    all.sort_by(|a, b| {
        let ra = rank.get(a.file.as_str()).copied().unwrap_or(usize::MAX);
        let rb = rank.get(b.file.as_str()).copied().unwrap_or(usize::MAX);
        (ra, a.span.start, a.span.end, a.code, &a.message).cmp(&(
            rb,
            b.span.start,
            b.span.end,
            b.code,
            &b.message,
        ))
    });
    all.dedup();
    Arc::new(all)
}

/// Every diagnostic `govc compile` reports for the program, without writing anything: the
/// checker's, then, when the checker found no error, the back end's — the lints (W04xx) and the
/// quota and expressibility errors (E04xx). `govc check` and the language server report these,
/// so a size or slot limit shows while typing.
#[salsa::tracked(returns(ref))]
pub fn all_diagnostics(db: &dyn Db, ws: Workspace) -> Arc<Vec<Diagnostic>> {
    let diags = program_diagnostics(db, ws).to_vec();
    Arc::new(with_back_end(
        diags,
        &|| program_rules(db, ws).clone(),
        db.memo(),
    ))
}

/// The span clamped to the text and widened to character boundaries.
fn snap(text: &str, span: Span) -> Span {
    let mut start = (span.start as usize).min(text.len());
    while start > 0 && !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (span.end as usize).clamp(start, text.len());
    while end < text.len() && !text.is_char_boundary(end) {
        end += 1;
    }
    Span::new(start, end)
}

/// Bytes → text, remembering where the first invalid UTF-8 sequence was. A UTF-8 byte-order
/// mark is dropped: it is not part of the program, and left in it would be an invisible
/// character at the start of the first line of every excerpt.
pub fn decode(mut bytes: Vec<u8>) -> (String, Option<u32>) {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(s) => (s, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            (text, Some(u32::try_from(at).unwrap_or(u32::MAX)))
        }
    }
}

/// Loads the named files and, transitively, every file they `use`, plus the stdlib, into a new
/// workspace. `read` supplies file contents (the file system for the CLI, editor buffers for the
/// language server); a file it cannot read is left out and reported by the check of the `use`
/// that names it. Root files that cannot be read are returned as errors.
pub fn load(
    db: &mut Database,
    roots: &[String],
    read: &dyn Fn(&str) -> std::io::Result<Vec<u8>>,
) -> (Workspace, Vec<(String, std::io::Error)>) {
    let mut files: BTreeMap<String, SourceFile> = BTreeMap::new();
    let mut unread: BTreeMap<String, String> = BTreeMap::new();
    let mut failed = Vec::new();
    let mut root_paths = Vec::new();
    let mut queue: Vec<String> = Vec::new();
    for r in roots {
        let p = check::index::normalize_path(r);
        if !root_paths.contains(&p) {
            root_paths.push(p.clone());
            queue.push(p);
        }
    }
    let mut tried: BTreeSet<String> = BTreeSet::new();
    while let Some(path) = queue.pop() {
        if !tried.insert(path.clone()) {
            continue;
        }
        match read(&path) {
            Ok(bytes) => {
                let (text, bad) = decode(bytes);
                let f = SourceFile::new(db, path.clone(), text, bad);
                let parsed = parse_file(db, f);
                for item in &parsed.ast.items {
                    if let ast::ItemKind::UseFile(s) = &item.kind {
                        queue.push(check::index::join_use_path(&path, &s.value));
                    }
                }
                files.insert(path, f);
            }
            Err(e) => {
                if root_paths.contains(&path) {
                    failed.push((path, e));
                } else if e.kind() != std::io::ErrorKind::NotFound {
                    // A missing file is E0103's usual case; anything else says why.
                    unread.insert(path, e.to_string());
                }
            }
        }
    }
    for (name, text) in stdlib::MODULES {
        let path = format!("{}{name}.gov", check::index::STD_PREFIX);
        files.insert(
            path.clone(),
            SourceFile::new(db, path, text.to_string(), None),
        );
    }
    root_paths.retain(|p| files.contains_key(p));
    (Workspace::new(db, files, root_paths, unread), failed)
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use salsa::Setter;

    use super::*;

    fn logging_db() -> (Database, Arc<Mutex<Vec<String>>>) {
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        let db = Database {
            storage: salsa::Storage::new(Some(Box::new(move |event: salsa::Event| {
                if let salsa::EventKind::WillExecute { database_key } = event.kind {
                    if let Ok(mut l) = sink.lock() {
                        l.push(format!("{database_key:?}"));
                    }
                }
            }))),
            catalog: crate::catalog::embedded(),
            memo: None,
        };
        (db, log)
    }

    fn read(
        files: &'static [(&'static str, &'static str)],
    ) -> impl Fn(&str) -> std::io::Result<Vec<u8>> {
        move |p| {
            files
                .iter()
                .find(|(n, _)| *n == p)
                .map(|(_, t)| t.as_bytes().to_vec())
                .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
        }
    }

    /// A detached program reports and compiles as the database it came from: the same
    /// diagnostics (the back end's included), output and texts, for a program that compiles,
    /// one the checker rejects and one the back end rejects.
    #[test]
    fn a_detached_program_reports_and_compiles_as_its_database() {
        static FILES: &[(&str, &str)] = &[
            (
                "ok.gov",
                "org { root = \"r-a1b2\"\n  account a = \"111111111111\" }\nscp s { deny model deepseek*\n  only regions us-east-1 }\nidentity i { allow invoke on model anthropic.claude-opus-4-5-20251101-v1:0 }\nattach s to root\n",
            ),
            ("bad.gov", "org { root = \"r-a1b2\" }\nattach s to rooot\n"),
            (
                "lint.gov",
                "org { root = \"r-a1b2\" }\nscp s { deny model deepseek*\n  deny model deepseek* }\nattach s to root\n",
            ),
        ];
        for (path, text) in FILES {
            let fresh = || {
                let mut db = Database::new(crate::catalog::embedded());
                let (ws, failed) = load(&mut db, &[path.to_string()], &read(FILES));
                assert!(failed.is_empty());
                (db, ws)
            };
            let (db, ws) = fresh();
            let all = all_diagnostics(&db, ws).to_vec();
            let opts = crate::compile::Options::default();
            let compiled = compile_workspace(&db, ws, &opts);
            // Each file is the case it stands for.
            match *path {
                "ok.gov" => assert!(compiled.is_ok()),
                "bad.gov" => assert!(all.iter().any(|d| d.code == Code::E0100)),
                _ => assert!(compiled.as_ref().is_ok_and(|(_, w)| !w.is_empty())),
            }
            let (db, ws) = fresh();
            let detached = Detached::new(db, ws, true);
            assert_eq!(detached.all_diagnostics(), all, "{path}");
            assert_eq!(detached.sources.text(path), Some(*text));
            assert_eq!(detached.meaning.is_some(), detached.program.is_some());
            match (detached.compile(&opts), compiled) {
                (Ok((a, da)), Ok((b, db))) => {
                    assert_eq!(da, db, "{path}");
                    assert_eq!(a.documents, b.documents, "{path}");
                }
                (Err(a), Err(b)) => assert_eq!(a, b, "{path}"),
                (a, b) => panic!("{path}: {:?} against {:?}", a.is_ok(), b.is_ok()),
            }
        }
    }

    #[test]
    fn an_edit_reparses_only_the_edited_file() {
        static FILES: &[(&str, &str)] = &[
            ("a.gov", "use \"b.gov\"\nattach s to root\n"),
            (
                "b.gov",
                "org { root = \"r-a1b2\" }\nscp s { deny model deepseek* }\n",
            ),
        ];
        let (mut db, log) = logging_db();
        let (ws, failed) = load(&mut db, &["a.gov".to_string()], &read(FILES));
        assert!(failed.is_empty());
        assert!(
            program_diagnostics(&db, ws).is_empty(),
            "{:?}",
            program_diagnostics(&db, ws)
        );
        log.lock().map(|mut l| l.clear()).ok();

        // Nothing changed: nothing re-executes.
        let _ = program_diagnostics(&db, ws);
        assert!(log.lock().map(|l| l.is_empty()).unwrap_or(false));

        // Edit a.gov: only a.gov is parsed again.
        let a = ws.files(&db).get("a.gov").copied();
        let Some(a) = a else {
            panic!("a.gov not loaded")
        };
        a.set_text(&mut db)
            .to("use \"b.gov\"\nattach s to rooot\n".to_string());
        let diags = program_diagnostics(&db, ws).clone();
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, Code::E0100);
        let parses: Vec<String> = log
            .lock()
            .map(|l| {
                l.iter()
                    .filter(|e| e.starts_with("parse_file"))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(parses.len(), 1, "{parses:?}");
    }

    #[test]
    fn invalid_utf8_is_reported_and_the_rest_checked() {
        let mut db = Database::new(crate::catalog::embedded());
        let bytes: &[u8] =
            b"scp s { only regions us-east-1 }\n\xff\xfe scp t { only regions nowhere }\n";
        let (ws, _) = load(&mut db, &["x.gov".to_string()], &|_| Ok(bytes.to_vec()));
        let codes: Vec<Code> = program_diagnostics(&db, ws)
            .iter()
            .map(|d| d.code)
            .collect();
        assert!(codes.contains(&Code::E0006), "{codes:?}");
        assert!(codes.contains(&Code::E0200), "{codes:?}");
    }
}
