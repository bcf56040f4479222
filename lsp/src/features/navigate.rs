//! Go to definition, find references, prepareRename and rename, for every declared name
//! (targets, policies, controls, constants and sets), across the files of the workspace — so
//! a name declared in a `use`d file is found and renamed everywhere. `use "file.gov"` jumps to
//! the file.

use std::collections::HashMap;

use govc_compiler::check::index::{join_use_path, Decl, DeclKind, Index};
use govc_compiler::syntax::ast::ItemKind;
use govc_compiler::syntax::lexer::KEYWORDS;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    GotoDefinitionResponse, Location, Position, PrepareRenameResponse, Range, TextEdit, Uri,
    WorkspaceEdit,
};

use super::{occurrence_at, occurrences, resolve, same, Occurrence};
use crate::convert::invalid;
use crate::line_index::LineIndex;
use crate::world::{uri_of, Snapshot};

/// The occurrence under the cursor and what it refers to.
fn target(snap: &Snapshot, pos: Position) -> Result<Option<(Occurrence, Decl)>> {
    let (text, li) = snap.doc();
    let offset = li.offset(text, pos)?;
    let Some(parsed) = snap.parsed(&snap.path) else {
        return Ok(None);
    };
    let occs = occurrences(&parsed.ast);
    let Some(occ) = occurrence_at(&occs, offset) else {
        return Ok(None);
    };
    let index = snap.index();
    Ok(resolve(index, &snap.path, occ).map(|d| (occ.clone(), d.clone())))
}

fn location(snap: &Snapshot, file: &str, span: govc_compiler::syntax::Span) -> Option<Location> {
    let uri = uri_of(file)?;
    let text = snap.text(file)?;
    Some(Location::new(uri, LineIndex::new(text).range(text, span)))
}

pub fn definition(snap: &Snapshot, pos: Position) -> Result<Option<GotoDefinitionResponse>> {
    if let Some((_, d)) = target(snap, pos)? {
        return Ok(location(snap, &d.file, d.span).map(GotoDefinitionResponse::Scalar));
    }
    // `use "other.gov"`: the file itself.
    let (text, li) = snap.doc();
    let offset = li.offset(text, pos)?;
    let Some(parsed) = snap.parsed(&snap.path) else {
        return Ok(None);
    };
    for item in &parsed.ast.items {
        if let ItemKind::UseFile(s) = &item.kind {
            if s.span.range().contains(&offset) {
                let path = join_use_path(&snap.path, &s.value);
                if snap.text(&path).is_some() {
                    return Ok(uri_of(&path).map(|u| {
                        GotoDefinitionResponse::Scalar(Location::new(u, Range::default()))
                    }));
                }
            }
        }
    }
    Ok(None)
}

/// Every occurrence of `decl` in the user files of the workspace, declaration included.
fn all_occurrences(snap: &Snapshot, decl: &Decl) -> Vec<(String, govc_compiler::syntax::Span)> {
    let index = snap.index();
    let mut out = Vec::new();
    for file in &index.files {
        if Index::is_std(file) && !Index::is_std(&decl.file) {
            continue;
        }
        let Some(parsed) = snap.parsed(file) else {
            continue;
        };
        for occ in occurrences(&parsed.ast) {
            if resolve(index, file, &occ).is_some_and(|d| same(d, decl)) {
                out.push((file.clone(), occ.span));
            }
        }
    }
    out
}

pub fn references(
    snap: &Snapshot,
    pos: Position,
    include_declaration: bool,
) -> Result<Option<Vec<Location>>> {
    let Some((_, decl)) = target(snap, pos)? else {
        return Ok(None);
    };
    let locs = all_occurrences(snap, &decl)
        .into_iter()
        .filter(|(f, s)| include_declaration || !(*f == decl.file && *s == decl.span))
        .filter_map(|(f, s)| location(snap, &f, s))
        .collect();
    Ok(Some(locs))
}

/// Names that can be renamed: user declarations other than the root (a keyword).
fn renameable(d: &Decl) -> bool {
    !Index::is_std(&d.file) && d.kind != DeclKind::Root
}

pub fn prepare_rename(snap: &Snapshot, pos: Position) -> Result<Option<PrepareRenameResponse>> {
    let Some((occ, decl)) = target(snap, pos)? else {
        return Ok(None);
    };
    if !renameable(&decl) {
        return Err(invalid(format!("`{}` cannot be renamed", decl.name)));
    }
    let (text, li) = snap.doc();
    Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
        range: li.range(text, occ.span),
        placeholder: decl.name,
    }))
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

pub fn rename(snap: &Snapshot, pos: Position, new_name: &str) -> Result<Option<WorkspaceEdit>> {
    let Some((_, decl)) = target(snap, pos)? else {
        return Ok(None);
    };
    if !renameable(&decl) {
        return Err(invalid(format!("`{}` cannot be renamed", decl.name)));
    }
    if !is_identifier(new_name) || KEYWORDS.contains(&new_name) {
        return Err(invalid(format!(
            "`{new_name}` is not a valid name (letters, digits and `_`, not a keyword)"
        )));
    }
    if new_name != decl.name && snap.index().decls.contains_key(new_name) {
        return Err(invalid(format!("`{new_name}` is already declared")));
    }
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for (file, span) in all_occurrences(snap, &decl) {
        if let Some(loc) = location(snap, &file, span) {
            changes
                .entry(loc.uri)
                .or_default()
                .push(TextEdit::new(loc.range, new_name.to_string()));
        }
    }
    Ok(Some(WorkspaceEdit::new(changes)))
}
