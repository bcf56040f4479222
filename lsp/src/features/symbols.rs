//! Document symbols (the outline): the org with its targets, constants and sets, policies with
//! their statements, guardrails, controls, attachments and tests.

use govc_compiler::syntax::ast::{self, ItemKind, StmtKind};
use govc_compiler::syntax::Span;
use tower_lsp_server::ls_types::{DocumentSymbol, SymbolKind};

use crate::line_index::LineIndex;
use crate::world::Snapshot;

#[allow(
    deprecated,
    clippy::too_many_arguments,
    reason = "`deprecated` is a required field; the arguments are the fields"
)]
fn symbol(
    text: &str,
    li: &LineIndex,
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    whole: Span,
    name_span: Span,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    // The selection range must lie inside the full range.
    let whole = whole.to(name_span);
    DocumentSymbol {
        name: if name.is_empty() { "?".into() } else { name },
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: li.range(text, whole),
        selection_range: li.range(text, name_span),
        children: (!children.is_empty()).then_some(children),
    }
}

/// The first line of a statement's source, for its outline entry.
fn head(text: &str, span: Span) -> String {
    let s = text.get(span.range()).unwrap_or("");
    let line = s.lines().next().unwrap_or("").trim();
    let mut out: String = line.chars().take(60).collect();
    if line.chars().count() > 60 {
        out.push('…');
    }
    out
}

fn stmt_kind(k: &StmtKind) -> SymbolKind {
    match k {
        StmtKind::Allow(_) | StmtKind::OnlyModels { .. } | StmtKind::OnlyRegions { .. } => {
            SymbolKind::EVENT
        }
        _ => SymbolKind::OPERATOR,
    }
}

pub fn symbols(snap: &Snapshot) -> Vec<DocumentSymbol> {
    let (text, li) = snap.doc();
    let Some(parsed) = snap.parsed(&snap.path) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let sym = |name: String, detail: Option<String>, kind, whole, name_span, children| {
        symbol(text, &li, name, detail, kind, whole, name_span, children)
    };
    for item in &parsed.ast.items {
        let s = item.span;
        match &item.kind {
            ItemKind::Org(org) => {
                let children = org
                    .entries
                    .iter()
                    .filter_map(|e| match &e.kind {
                        ast::OrgEntryKind::Root { keyword, id } => Some(sym(
                            "root".into(),
                            Some(id.value.clone()),
                            SymbolKind::MODULE,
                            e.span,
                            *keyword,
                            Vec::new(),
                        )),
                        ast::OrgEntryKind::Ou { name, id, .. } => Some(sym(
                            name.name.clone(),
                            id.as_ref().map(|i| format!("ou {}", i.value)),
                            SymbolKind::NAMESPACE,
                            e.span,
                            name.span,
                            Vec::new(),
                        )),
                        ast::OrgEntryKind::Account { name, id, .. } => Some(sym(
                            name.name.clone(),
                            id.as_ref().map(|i| format!("account {}", i.value)),
                            SymbolKind::OBJECT,
                            e.span,
                            name.span,
                            Vec::new(),
                        )),
                        _ => None,
                    })
                    .collect();
                let kw = Span::new(s.start as usize, s.start as usize + 3);
                out.push(sym("org".into(), None, SymbolKind::MODULE, s, kw, children));
            }
            ItemKind::Const(c) => out.push(sym(
                c.name.name.clone(),
                Some(head(text, c.value.span)),
                match c.kind {
                    ast::ConstKind::Const => SymbolKind::CONSTANT,
                    ast::ConstKind::Set => SymbolKind::ARRAY,
                },
                s,
                c.name.span,
                Vec::new(),
            )),
            ItemKind::Condition(c) => out.push(sym(
                c.name.name.clone(),
                Some(head(text, c.cond.span())),
                SymbolKind::BOOLEAN,
                s,
                c.name.span,
                Vec::new(),
            )),
            ItemKind::Scp(p) | ItemKind::Identity(p) | ItemKind::Rcp(p) => {
                let kind = match item.kind {
                    ItemKind::Scp(_) => "scp",
                    ItemKind::Rcp(_) => "rcp",
                    _ => "identity",
                };
                let children = p
                    .stmts
                    .iter()
                    .filter(|st| !matches!(st.kind, StmtKind::Error))
                    .map(|st| {
                        sym(
                            head(text, st.span),
                            None,
                            stmt_kind(&st.kind),
                            st.span,
                            st.span,
                            Vec::new(),
                        )
                    })
                    .collect();
                out.push(sym(
                    p.name.name.clone(),
                    Some(kind.into()),
                    SymbolKind::CLASS,
                    s,
                    p.name.span,
                    children,
                ));
            }
            ItemKind::Guardrail(g) => out.push(sym(
                g.name.name.clone(),
                Some("guardrail".into()),
                SymbolKind::STRUCT,
                s,
                g.name.span,
                Vec::new(),
            )),
            ItemKind::Control(c) => out.push(sym(
                c.name.name.clone(),
                Some("control".into()),
                SymbolKind::INTERFACE,
                s,
                c.name.span,
                Vec::new(),
            )),
            ItemKind::Attach(_) => {
                out.push(sym(
                    head(text, s),
                    None,
                    SymbolKind::EVENT,
                    s,
                    s,
                    Vec::new(),
                ));
            }
            ItemKind::Test(t) => out.push(sym(
                t.name.value.clone(),
                Some(format!("test on {}", t.target.name)),
                SymbolKind::METHOD,
                s,
                t.name.span,
                Vec::new(),
            )),
            ItemKind::Rule(_) => out.push(sym(
                head(text, s),
                None,
                SymbolKind::OPERATOR,
                s,
                s,
                Vec::new(),
            )),
            ItemKind::UseFile(_) | ItemKind::UseModule(_) | ItemKind::Error => {}
        }
    }
    out
}
