//! Semantic tokens: the compiler's own lexer classifies keywords, strings, comments, numbers
//! and operators; the AST's name occurrences, resolved, tell declared names (by kind) from
//! literal words (regions, models, actions), which stay plain.

use std::collections::HashMap;

use govc_compiler::check::index::DeclKind;
use govc_compiler::syntax::lexer::{lex, Tok};
use tower_lsp_server::ls_types::{
    SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokens, SemanticTokensLegend,
};

use super::{occurrences, resolve, Role};
use crate::world::Snapshot;

const TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::KEYWORD,
    SemanticTokenType::STRING,
    SemanticTokenType::COMMENT,
    SemanticTokenType::NUMBER,
    SemanticTokenType::OPERATOR,
    SemanticTokenType::NAMESPACE, // targets
    SemanticTokenType::CLASS,     // policies, controls
    SemanticTokenType::VARIABLE,  // constants and sets
    SemanticTokenType::ENUM_MEMBER,
];
const KEYWORD: u32 = 0;
const STRING: u32 = 1;
const COMMENT: u32 = 2;
const NUMBER: u32 = 3;
const OPERATOR: u32 = 4;
const NAMESPACE: u32 = 5;
const CLASS: u32 = 6;
const VARIABLE: u32 = 7;
const ENUM_MEMBER: u32 = 8;

const MODIFIERS: &[SemanticTokenModifier] = &[
    SemanticTokenModifier::DECLARATION,
    SemanticTokenModifier::DEFAULT_LIBRARY,
    SemanticTokenModifier::DOCUMENTATION,
];

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TYPES.to_vec(),
        token_modifiers: MODIFIERS.to_vec(),
    }
}

fn kind_type(k: DeclKind) -> u32 {
    match k {
        DeclKind::Root | DeclKind::Ou | DeclKind::Account => NAMESPACE,
        DeclKind::Scp
        | DeclKind::Rcp
        | DeclKind::Guardrail
        | DeclKind::Identity
        | DeclKind::Control => CLASS,
        DeclKind::Const | DeclKind::Set | DeclKind::Condition => VARIABLE,
    }
}

pub fn tokens(snap: &Snapshot) -> SemanticTokens {
    let (text, li) = snap.doc();
    let index = snap.index();
    // Byte start → (length, type, modifiers) of resolved names.
    let mut names: HashMap<usize, (u32, u32)> = HashMap::new();
    if let Some(parsed) = snap.parsed(&snap.path) {
        for occ in occurrences(&parsed.ast) {
            if let Some(d) = resolve(index, &snap.path, &occ) {
                let mut mods = 0;
                if occ.role == Role::Decl {
                    mods |= 1;
                }
                if govc_compiler::check::Index::is_std(&d.file) {
                    mods |= 2;
                }
                names.insert(occ.span.start as usize, (kind_type(d.kind), mods));
            }
        }
    }
    let lexed = lex(text);
    // (start, end, type, modifiers), in source order.
    let mut spans: Vec<(usize, usize, u32, u32)> = Vec::new();
    for c in &lexed.comments {
        let s = c.span.range();
        let doc = text
            .get(s.clone())
            .is_some_and(|t| t.starts_with("///") || t.starts_with("//!"));
        spans.push((s.start, s.end, COMMENT, if doc { 4 } else { 0 }));
    }
    for (start, tok, end) in &lexed.tokens {
        let class = match tok {
            Tok::Str(_) => Some((STRING, 0)),
            Tok::Word(w) => match names.get(start) {
                Some(&(ty, mods)) => Some((ty, mods)),
                None if w.bytes().all(|b| b.is_ascii_digit()) => Some((NUMBER, 0)),
                None => None,
            },
            Tok::KwTrue | Tok::KwFalse => Some((ENUM_MEMBER, 0)),
            t if t.is_keyword() => match names.get(start) {
                // Soft keywords used as names (`scp models { … }`), and `root`.
                Some(&(ty, mods)) => Some((ty, mods)),
                None => Some((KEYWORD, 0)),
            },
            Tok::EqEq
            | Tok::NotEq
            | Tok::Lt
            | Tok::Le
            | Tok::Gt
            | Tok::Ge
            | Tok::AndAnd
            | Tok::OrOr
            | Tok::Bang
            | Tok::PathSep => Some((OPERATOR, 0)),
            _ => None,
        };
        if let Some((ty, mods)) = class {
            spans.push((*start, *end, ty, mods));
        }
    }
    spans.sort_by_key(|s| (s.0, s.1));
    let mut data = Vec::new();
    let mut prev = (0u32, 0u32);
    for (start, end, ty, mods) in spans {
        // A token may span lines (block comments, unterminated strings): one entry per line,
        // since not every client supports multi-line tokens.
        let mut from = start;
        while from < end {
            let p = li.position(text, from);
            let line_end = text
                .get(from..end)
                .and_then(|s| s.find(['\n', '\r']))
                .map_or(end, |i| from + i);
            let q = li.position(text, line_end);
            let len = q.character.saturating_sub(p.character);
            if len > 0 {
                let delta_line = p.line.saturating_sub(prev.0);
                let delta_start = if delta_line == 0 {
                    p.character.saturating_sub(prev.1)
                } else {
                    p.character
                };
                data.push(SemanticToken {
                    delta_line,
                    delta_start,
                    length: len,
                    token_type: ty,
                    token_modifiers_bitset: mods,
                });
                prev = (p.line, p.character);
            }
            // Skip the terminator.
            let rest = text.get(line_end..end).unwrap_or("");
            let skip = if rest.starts_with("\r\n") {
                2
            } else {
                usize::from(!rest.is_empty())
            };
            from = line_end + skip.max(usize::from(line_end == from && rest.is_empty()));
            if rest.is_empty() {
                break;
            }
        }
    }
    SemanticTokens {
        result_id: None,
        data,
    }
}
