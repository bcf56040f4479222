//! Hover: what the word under the cursor is (a keyword, a declared name with its `///` doc
//! comment, or a region, model, action, service or condition key from the catalog), and —
//! over a policy's name or inside a statement — the JSON it compiles to and how many
//! characters of its document's budget that takes.

use std::fmt::Write;

use govc_compiler::catalog::Catalog;
use govc_compiler::check::index::{Decl, DeclKind, Index};
use govc_compiler::compile::Output;
use govc_compiler::db::Db;
use govc_compiler::document::DocKind;
use govc_compiler::ir::json;
use govc_compiler::syntax::ast::ItemKind;
use govc_compiler::syntax::lexer::{lex, Tok};
use govc_compiler::syntax::Span;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

use super::{keywords, occurrences, resolve};
use crate::world::{compiled, CompileCache, Snapshot};

pub fn hover(snap: &Snapshot, cache: &CompileCache, pos: Position) -> Result<Option<Hover>> {
    let (text, li) = snap.doc();
    let offset = li.offset(text, pos)?;
    let lexed = lex(text);
    let Some(&(start, tok, end)) = lexed
        .tokens
        .iter()
        .find(|(s, _, e)| *s <= offset && offset < *e)
        .or_else(|| lexed.tokens.iter().find(|(_, _, e)| *e == offset))
    else {
        return Ok(None);
    };
    let span = Span::new(start, end);
    let index = snap.index();
    let mut parts: Vec<String> = Vec::new();

    let occ = snap.parsed(&snap.path).and_then(|p| {
        occurrences(&p.ast)
            .into_iter()
            .find(|o| o.span.start as usize <= start && end <= o.span.end as usize)
    });
    let decl = occ
        .as_ref()
        .and_then(|o| resolve(index, &snap.path, o))
        .cloned();
    let mut policy_of_decl = None;
    if let Some(d) = &decl {
        parts.push(describe_decl(snap, d));
        if matches!(
            d.kind,
            DeclKind::Scp
                | DeclKind::Rcp
                | DeclKind::Identity
                | DeclKind::Guardrail
                | DeclKind::Control
        ) && !Index::is_std(&d.file)
        {
            policy_of_decl = Some(d.name.clone());
        }
    } else if tok.is_keyword() {
        if let Some(doc) = keywords::doc(tok.text()) {
            parts.push(format!("**`{}`** — {doc}", tok.text()));
        }
    } else {
        let word = match tok {
            Tok::Word(w) => Some(w.to_string()),
            Tok::Str(true) => text
                .get(start + 1..end.saturating_sub(1))
                .map(str::to_string),
            _ => None,
        };
        if let Some(info) = word
            .as_deref()
            .and_then(|w| catalog_info(snap.db.catalog(), w))
        {
            parts.push(info);
        }
    }

    // The compiled JSON of the policy named here, or of the statement around the cursor.
    if let Some(out) = compiled(snap, cache) {
        match &policy_of_decl {
            Some(name) => parts.extend(policy_json(&out, name)),
            None => {
                if let Some(stmt) = statement_at(snap, offset) {
                    parts.extend(statement_json(&out, &snap.path, stmt));
                }
            }
        }
    }
    if parts.is_empty() {
        return Ok(None);
    }
    Ok(Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: parts.join("\n\n---\n\n"),
        }),
        range: Some(li.range(text, span)),
    }))
}

/// The `///` comments directly above the item that declares `d`.
pub fn doc_comment(snap: &Snapshot, d: &Decl) -> Option<String> {
    let parsed = snap.parsed(&d.file)?;
    let text = snap.text(&d.file)?;
    let item = parsed
        .ast
        .items
        .iter()
        .find(|i| i.span.start <= d.span.start && d.span.end <= i.span.end)?;
    // Org entries carry their own doc comments: start from the entry, not the `org` block.
    let anchor = match &item.kind {
        ItemKind::Org(org) => org
            .entries
            .iter()
            .find(|e| e.span.start <= d.span.start && d.span.end <= e.span.end)
            .map_or(item.span.start, |e| e.span.start),
        _ => item.span.start,
    } as usize;
    let mut lines = Vec::new();
    let mut at = anchor;
    for c in parsed.comments.iter().rev() {
        let (s, e) = (c.span.start as usize, c.span.end as usize);
        if e > at {
            continue;
        }
        let between = text.get(e..at).unwrap_or("x");
        let body = text.get(s..e).unwrap_or("");
        // Adjacent: only white space with at most one line break in between.
        if !between.trim().is_empty() || between.matches('\n').count() > 1 {
            break;
        }
        let Some(doc) = body.strip_prefix("///") else {
            break;
        };
        lines.push(doc.strip_prefix(' ').unwrap_or(doc).to_string());
        at = s;
    }
    lines.reverse();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

fn describe_decl(snap: &Snapshot, d: &Decl) -> String {
    let mut s = format!("**`{}`** — {}", d.name, d.kind.describe());
    if let Some(m) = Index::module_name(&d.file) {
        let _ = write!(s, " (stdlib `{m}`)");
    }
    if let Some((id, _)) = &d.target_id {
        let _ = write!(s, ", id `{id}`");
    }
    if let Some(p) = &d.parent {
        let _ = write!(s, ", under `{}`", p.name);
    }
    if let Some(v) = &d.value {
        let src = snap
            .text(&d.file)
            .and_then(|t| t.get(v.span.range()))
            .unwrap_or("");
        let _ = write!(s, "\n\n```gov\n{src}\n```");
    }
    if let Some(doc) = doc_comment(snap, d) {
        let _ = write!(s, "\n\n{doc}");
    }
    s
}

/// What the catalog knows of a literal word.
fn catalog_info(cat: &Catalog, word: &str) -> Option<String> {
    if let Some(r) = cat.region(word) {
        let opt = if r.opt_in { ", opt-in" } else { "" };
        return Some(format!(
            "**`{}`** — Region, {} (partition `{}`{opt})",
            r.code, r.name, r.partition
        ));
    }
    if let Some(m) = cat.model(word) {
        let mut s = format!("**`{}`** — {} model", m.id, m.provider_name);
        if let Some(del) = &m.deleted {
            let _ = write!(s, ", removed {del}");
        } else {
            let _ = write!(
                s,
                ", {}; input {}, output {}; on-demand in {} Regions",
                if m.lifecycle.is_empty() {
                    "active"
                } else {
                    &m.lifecycle
                },
                m.input_modalities.join("/"),
                m.output_modalities.join("/"),
                m.regions.len()
            );
        }
        return Some(s);
    }
    if let Some(a) = cat.action_by_full_name(word) {
        let mut s = format!("**`{}`** — IAM action", a.full_name());
        if let Some(d) = &a.detail {
            let _ = write!(s, " ({})", d.access_level);
        }
        return Some(s);
    }
    if word.contains(['*', '?']) && !word.contains(':') {
        let n = cat.match_models(word).len();
        if n > 0 {
            return Some(format!("**`{word}`** — matches {n} model ids"));
        }
    }
    if let Some(name) = cat.service_name(word) {
        return Some(format!("**`{word}`** — service prefix of {name}"));
    }
    if let Some(k) = cat.condition_key(word) {
        return Some(format!(
            "**`{}`** — condition key of type `{}`",
            k.name,
            k.ty.name()
        ));
    }
    None
}

/// The span of the `scp`/`identity` statement, guardrail statement or control statement
/// around `offset`.
fn statement_at(snap: &Snapshot, offset: usize) -> Option<Span> {
    let parsed = snap.parsed(&snap.path)?;
    let inside = |s: Span| (s.start as usize) <= offset && offset <= s.end as usize;
    for item in &parsed.ast.items {
        if !inside(item.span) {
            continue;
        }
        return match &item.kind {
            ItemKind::Scp(p) | ItemKind::Identity(p) | ItemKind::Rcp(p) => {
                p.stmts.iter().map(|s| s.span).find(|s| inside(*s))
            }
            ItemKind::Guardrail(g) => g.stmts.iter().map(|s| s.span).find(|s| inside(*s)),
            ItemKind::Control(c) => c.stmts.iter().map(|s| s.span).find(|s| inside(*s)),
            ItemKind::Rule(_) => Some(item.span),
            _ => None,
        };
    }
    None
}

fn budget(chars: usize, limit: usize) -> String {
    #[allow(clippy::cast_precision_loss, reason = "document sizes, far below 2^52")]
    let pct = if limit == 0 {
        0.0
    } else {
        chars as f64 * 100.0 / limit as f64
    };
    format!("{chars} / {limit} characters ({pct:.1} %)")
}

fn policy_json(out: &Output, name: &str) -> Vec<String> {
    out.documents
        .iter()
        .filter(|d| d.policies.iter().any(|p| p == name))
        .map(|d| {
            let shared = if d.policies.len() > 1 {
                format!(" (shared with {})", d.policies.join(", "))
            } else {
                String::new()
            };
            let own: Vec<&govc_compiler::ir::Statement> = d
                .statements
                .iter()
                .filter(|s| s.origins.iter().any(|o| *o.policy == *name))
                .collect();
            let own_len: usize = own.iter().map(|s| json::statement(s).len()).sum();
            let mut s = format!(
                "`{}` {}{shared}: {}",
                d.file(),
                d.kind.type_name(),
                budget(d.chars(), d.limit)
            );
            if !own.is_empty() && d.policies.len() > 1 {
                let _ = write!(s, "; this policy's statements: {own_len} characters");
            }
            let _ = write!(s, "\n\n```json\n{}\n```", d.content);
            s
        })
        .collect()
}

fn statement_json(out: &Output, file: &str, span: Span) -> Vec<String> {
    let mut parts = Vec::new();
    for d in &out.documents {
        let mine: Vec<&govc_compiler::ir::Statement> = d
            .statements
            .iter()
            .filter(|s| s.origins.iter().any(|o| *o.file == *file && o.span == span))
            .collect();
        if !mine.is_empty() {
            let rendered: Vec<String> = mine.iter().map(|s| json::statement(s)).collect();
            let len: usize =
                rendered.iter().map(String::len).sum::<usize>() + rendered.len().saturating_sub(1);
            let merged = mine
                .iter()
                .filter(|s| s.origins.iter().any(|o| *o.file != *file || o.span != span))
                .count();
            let mut s = format!(
                "Compiles to {} statement{} in `{}`: {} of the document's {}",
                mine.len(),
                if mine.len() == 1 { "" } else { "s" },
                d.file(),
                len,
                budget(d.chars(), d.limit)
            );
            if merged > 0 {
                let _ = write!(s, " ({merged} merged with other statements)");
            }
            let _ = write!(s, "\n\n```json\n{}\n```", rendered.join(",\n"));
            parts.push(s);
        } else if d.statements.is_empty()
            && matches!(
                d.kind,
                DocKind::BedrockPolicy | DocKind::ControlTowerControl
            )
            && d.sources.iter().any(|s| *s.file == *file && s.span == span)
        {
            parts.push(format!(
                "Part of `{}` {}: {}\n\n```json\n{}\n```",
                d.file(),
                d.kind.type_name(),
                budget(d.chars(), d.limit),
                d.content
            ));
        }
    }
    parts
}
