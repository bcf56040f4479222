//! Completion that knows where the cursor is. The text before the cursor is lexed with the
//! compiler's lexer; the nearest keyword that governs a value list (`regions`, `model`,
//! `action`, `to`, `context[…] in`, …) decides what is offered, and brace nesting decides which
//! statement keywords fit at the start of a statement.

use std::collections::BTreeSet;

use govc_compiler::catalog::{Catalog, KeyType};
use govc_compiler::check::index::{Decl, DeclKind, Index};
use govc_compiler::db::Db;
use govc_compiler::syntax::lexer::{lex, Tok};
use govc_compiler::syntax::Span;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, MarkupContent,
    MarkupKind, Position, TextEdit,
};

use super::keywords;
use crate::line_index::LineIndex;
use crate::world::Snapshot;

/// At most this many catalog entries per answer (there are thousands of actions); the client
/// asks again as the user types more.
const MAX_ITEMS: usize = 400;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Block {
    Top,
    Org,
    Policy,
    Guardrail,
    Control,
    Test,
    /// `{ … }` of a condition, `with { … }`.
    Cond,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Want {
    Keywords(Block),
    Regions,
    Models,
    Actions,
    Services,
    Policies,
    Targets,
    Ous,
    Accounts,
    AccountIds,
    KeyValues(usize),
    Fixed(&'static [&'static str]),
    /// Any value: constants and sets in scope.
    Values,
    Nothing,
}

const TOP: &[&str] = &[
    "use",
    "org",
    "const",
    "set",
    "scp",
    "rcp",
    "identity",
    "guardrail",
    "control",
    "attach",
    "test",
    "forbid",
    "permit",
];
const ORG: &[&str] = &["root", "ou", "account", "limits"];
const POLICY: &[&str] = &[
    "deny", "only", "require", "protect", "allow", "forbid", "permit", "when", "unless",
];
/// At the start of a policy's block no statement is there for `when`/`unless` to continue.
const POLICY_START: &[&str] = &[
    "deny", "only", "require", "protect", "allow", "forbid", "permit",
];
const GUARDRAIL: &[&str] = &["in", "input_tags", "guarding", "models", "lock"];
const CONTROL: &[&str] = &["regions", "exempt"];
const TEST: &[&str] = &["expect"];
const COND: &[&str] = &["context", "any", "all"];

/// The keywords that start something inside `block`.
fn block_keywords(block: Block) -> &'static [&'static str] {
    match block {
        Block::Top => TOP,
        Block::Org => ORG,
        Block::Policy => POLICY,
        Block::Guardrail => GUARDRAIL,
        Block::Control => CONTROL,
        Block::Test => TEST,
        Block::Cond => COND,
    }
}

pub fn completion(snap: &Snapshot, pos: Position) -> Result<Vec<CompletionItem>> {
    let (text, li) = snap.doc();
    let cat: &Catalog = snap.db.catalog();
    let offset = li.offset(text, pos)?;
    let before = text.get(..offset).unwrap_or("");
    let lexed = lex(before);
    // No completion inside a comment.
    if lexed
        .comments
        .iter()
        .any(|c| (c.span.start as usize) < offset && offset <= c.span.end as usize)
        && !before.ends_with('\n')
    {
        return Ok(Vec::new());
    }
    let toks: Vec<(usize, Tok, usize)> = lexed.tokens.clone();

    // The word being typed, replaced as a whole.
    let (prefix_span, prev): (Span, &[(usize, Tok, usize)]) = match toks.split_last() {
        Some((&(s, t, e), rest))
            if e == offset && (matches!(t, Tok::Word(_)) || t.is_keyword()) =>
        {
            (Span::new(s, e), rest)
        }
        Some((&(s, Tok::Str(false), e), rest)) if e == offset => {
            // Inside an open string: only `context["…` completes (condition keys).
            let key_ctx = matches!(rest, [.., (_, Tok::KwContext, _), (_, Tok::LBracket, _)]);
            if !key_ctx {
                return Ok(Vec::new());
            }
            return Ok(condition_keys(cat, text, &li, Span::new(s + 1, e)));
        }
        _ => (Span::new(offset, offset), toks.as_slice()),
    };
    let prefix = text.get(prefix_span.range()).unwrap_or("");
    let want = want(prev, text, prefix_span.start as usize);
    let index = snap.index();
    let mut items = Vec::new();
    let range = li.range(text, prefix_span);
    let mut add = |label: String, kind: CompletionItemKind, detail: Option<String>| {
        items.push(CompletionItem {
            text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                range,
                label.clone(),
            ))),
            label,
            kind: Some(kind),
            detail,
            ..CompletionItem::default()
        });
    };
    let matches = |s: &str| s.to_lowercase().starts_with(&prefix.to_lowercase());
    let names = |kinds: &[DeclKind]| -> Vec<&Decl> {
        index
            .visible_names(&snap.path)
            .into_iter()
            .filter(|d| kinds.contains(&d.kind) && !Index::is_std(&d.file))
            .collect()
    };
    let decl_kind = |k: DeclKind| match k {
        DeclKind::Root | DeclKind::Ou | DeclKind::Account => CompletionItemKind::MODULE,
        DeclKind::Const => CompletionItemKind::CONSTANT,
        DeclKind::Set => CompletionItemKind::VARIABLE,
        _ => CompletionItemKind::CLASS,
    };
    let value_names = names(&[DeclKind::Const, DeclKind::Set]);
    let add_values = |add: &mut dyn FnMut(String, CompletionItemKind, Option<String>)| {
        for d in &value_names {
            if matches(&d.name) {
                add(
                    d.name.clone(),
                    decl_kind(d.kind),
                    Some(d.kind.describe().to_string()),
                );
            }
        }
    };
    // Declared account ids, quoted: where `principal account` or `aws:PrincipalAccount` wants one.
    let add_account_ids = |add: &mut dyn FnMut(String, CompletionItemKind, Option<String>)| {
        for d in names(&[DeclKind::Account]) {
            if let Some((id, _)) = &d.target_id {
                add(
                    format!("\"{id}\""),
                    CompletionItemKind::VALUE,
                    Some(d.name.clone()),
                );
            }
        }
    };
    let std_sets = |module: &str| -> Vec<String> {
        index
            .modules
            .get(module)
            .map(|m| m.keys().map(|k| format!("{module}::{k}")).collect())
            .unwrap_or_default()
    };
    match want {
        Want::Nothing => {}
        Want::Keywords(block) => {
            for k in block_keywords(block) {
                if matches(k) {
                    add(
                        k.to_string(),
                        CompletionItemKind::KEYWORD,
                        keywords::doc(k).map(str::to_string),
                    );
                }
            }
        }
        Want::Fixed(words) => {
            for w in words {
                if matches(w) {
                    add(
                        w.to_string(),
                        CompletionItemKind::KEYWORD,
                        keywords::doc(w).map(str::to_string),
                    );
                }
            }
        }
        Want::Regions => {
            for r in cat.regions() {
                if matches(&r.code) {
                    add(
                        r.code.clone(),
                        CompletionItemKind::ENUM_MEMBER,
                        Some(r.name.clone()),
                    );
                }
            }
            for s in std_sets("cris") {
                if matches(&s) {
                    add(
                        s,
                        CompletionItemKind::VARIABLE,
                        Some("stdlib Region group".into()),
                    );
                }
            }
            add_values(&mut add);
        }
        Want::Models => {
            let mut families = BTreeSet::new();
            for m in cat.models() {
                if m.deleted.is_some() {
                    continue;
                }
                families.insert(format!("{}*", m.provider));
                if let Some(rest) = m.id.strip_prefix(&format!("{}.", m.provider)) {
                    let fam: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphabetic())
                        .collect();
                    if !fam.is_empty() {
                        families.insert(format!("{}.{fam}*", m.provider));
                    }
                }
            }
            for f in families {
                if matches(&f) {
                    add(f, CompletionItemKind::FOLDER, Some("model family".into()));
                }
            }
            for s in std_sets("models") {
                if matches(&s) {
                    add(
                        s,
                        CompletionItemKind::VARIABLE,
                        Some("stdlib model set".into()),
                    );
                }
            }
            for m in cat.models() {
                if m.deleted.is_none() && matches(&m.id) {
                    add(
                        m.id.clone(),
                        CompletionItemKind::VALUE,
                        Some(m.provider_name.clone()),
                    );
                }
            }
            add_values(&mut add);
        }
        Want::Services => {
            for p in cat.service_prefixes() {
                if matches(p) {
                    add(
                        p.to_string(),
                        CompletionItemKind::MODULE,
                        cat.service_name(p).map(str::to_string),
                    );
                }
            }
            add_values(&mut add);
        }
        Want::Actions => {
            match prefix.split_once(':') {
                Some((svc, _)) => {
                    for a in cat.actions(svc) {
                        let full = a.full_name();
                        if matches(&full) {
                            let detail = a.detail.as_ref().map(|d| d.access_level.clone());
                            add(full, CompletionItemKind::FUNCTION, detail);
                        }
                    }
                }
                None => {
                    for p in cat.service_prefixes() {
                        if matches(p) {
                            add(
                                format!("{p}:"),
                                CompletionItemKind::MODULE,
                                cat.service_name(p).map(str::to_string),
                            );
                        }
                    }
                    for s in std_sets("bedrock") {
                        if matches(&s) {
                            add(s, CompletionItemKind::VARIABLE, Some("stdlib set".into()));
                        }
                    }
                }
            }
            add_values(&mut add);
        }
        Want::Policies => {
            for d in names(&[
                DeclKind::Scp,
                DeclKind::Rcp,
                DeclKind::Identity,
                DeclKind::Guardrail,
                DeclKind::Control,
            ]) {
                if matches(&d.name) {
                    add(
                        d.name.clone(),
                        decl_kind(d.kind),
                        Some(d.kind.describe().into()),
                    );
                }
            }
        }
        Want::Targets | Want::Ous | Want::Accounts => {
            let kinds: &[DeclKind] = match want {
                Want::Ous => &[DeclKind::Root, DeclKind::Ou],
                Want::Accounts => &[DeclKind::Account],
                _ => &[DeclKind::Root, DeclKind::Ou, DeclKind::Account],
            };
            for d in names(kinds) {
                if matches(&d.name) {
                    let id = d.target_id.as_ref().map(|(id, _)| id.clone());
                    add(d.name.clone(), decl_kind(d.kind), id);
                }
            }
        }
        Want::AccountIds => {
            add_account_ids(&mut add);
            add_values(&mut add);
        }
        Want::KeyValues(key_at) => {
            let key = key_text(prev, key_at, text);
            let ty = cat.condition_key(&key).map(|k| k.ty.element());
            let lower = key.to_lowercase();
            if ty == Some(KeyType::Bool) {
                for b in ["true", "false"] {
                    if matches(b) {
                        add(b.into(), CompletionItemKind::ENUM_MEMBER, None);
                    }
                }
            } else if lower == "aws:requestedregion" {
                for r in cat.regions() {
                    if matches(&r.code) {
                        add(
                            r.code.clone(),
                            CompletionItemKind::ENUM_MEMBER,
                            Some(r.name.clone()),
                        );
                    }
                }
            } else if lower.ends_with(":bearertokentype") {
                for v in ["\"LONG_TERM\"", "\"SHORT_TERM\""] {
                    add(v.into(), CompletionItemKind::ENUM_MEMBER, None);
                }
            } else if lower == "aws:principalaccount" {
                add_account_ids(&mut add);
            }
            add_values(&mut add);
        }
        Want::Values => add_values(&mut add),
    }
    items.truncate(MAX_ITEMS);
    Ok(items)
}

/// Condition keys, for the inside of `context["…`.
fn condition_keys(cat: &Catalog, text: &str, li: &LineIndex, span: Span) -> Vec<CompletionItem> {
    let typed = text.get(span.range()).unwrap_or("").to_lowercase();
    let range = li.range(text, span);
    cat.condition_keys()
        .iter()
        .filter(|k| k.name.to_lowercase().starts_with(&typed))
        .take(MAX_ITEMS)
        .map(|k| CompletionItem {
            label: k.name.clone(),
            kind: Some(CompletionItemKind::PROPERTY),
            detail: Some(k.ty.name().to_string()),
            documentation: k.is_template().then(|| {
                Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: "Replace the `${…}` placeholder.".into(),
                })
            }),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                range,
                k.name.clone(),
            ))),
            ..CompletionItem::default()
        })
        .collect()
}

/// The key text of the `context["…"]` whose string token is at `at` in `toks`.
fn key_text(toks: &[(usize, Tok, usize)], at: usize, text: &str) -> String {
    toks.get(at)
        .and_then(|(s, _, e)| text.get(s + 1..e.saturating_sub(1)))
        .unwrap_or("")
        .to_string()
}

/// The innermost open block at the end of `toks`.
fn block(toks: &[(usize, Tok, usize)]) -> Block {
    let mut stack: Vec<Block> = Vec::new();
    let mut head = Block::Top;
    for (i, (_, t, _)) in toks.iter().enumerate() {
        let at_top = stack.is_empty();
        match t {
            Tok::KwScp | Tok::KwIdentity | Tok::KwRcp if at_top => head = Block::Policy,
            Tok::KwOrg if at_top => head = Block::Org,
            Tok::KwGuardrail if at_top => head = Block::Guardrail,
            Tok::KwControl if at_top => head = Block::Control,
            Tok::KwTest if at_top => head = Block::Test,
            Tok::LBrace => {
                let prev = i.checked_sub(1).and_then(|j| toks.get(j)).map(|x| x.1);
                let b = if matches!(prev, Some(Tok::KwWhen | Tok::KwUnless | Tok::KwWith)) {
                    Block::Cond
                } else if at_top {
                    head
                } else {
                    Block::Cond
                };
                stack.push(b);
            }
            Tok::RBrace => {
                stack.pop();
                if stack.is_empty() {
                    head = Block::Top;
                }
            }
            _ => {}
        }
    }
    stack.last().copied().unwrap_or(Block::Top)
}

/// What fits after `toks` (the tokens before the word being typed, which starts at `at`).
fn want(toks: &[(usize, Tok, usize)], text: &str, at: usize) -> Want {
    let blk = block(toks);
    let Some(&(_, last, last_end)) = toks.last() else {
        return Want::Keywords(Block::Top);
    };
    // A word at the start of a line after a complete statement starts a new statement.
    let line_start = text.get(last_end..at).is_some_and(|gap| gap.contains('\n'));
    let continues = matches!(
        last,
        Tok::Comma
            | Tok::LBracket
            | Tok::Assign
            | Tok::EqEq
            | Tok::NotEq
            | Tok::Lt
            | Tok::Le
            | Tok::Gt
            | Tok::Ge
            | Tok::AndAnd
            | Tok::OrOr
            | Tok::Bang
            | Tok::LParen
    ) || last.is_keyword()
        && !matches!(
            last,
            Tok::KwLock | Tok::KwTrue | Tok::KwFalse | Tok::KwAbsent | Tok::KwPresent
        );
    if matches!(last, Tok::LBrace | Tok::RBrace | Tok::Semi) || (line_start && !continues) {
        return match blk {
            Block::Top | Block::Org | Block::Guardrail | Block::Control | Block::Test => {
                Want::Keywords(blk)
            }
            Block::Policy if last == Tok::LBrace => Want::Fixed(POLICY_START),
            Block::Policy => Want::Keywords(Block::Policy),
            Block::Cond => Want::Keywords(Block::Cond),
        };
    }
    // Immediate keyword contexts.
    match last {
        Tok::KwDeny if blk == Block::Policy => {
            return Want::Fixed(&[
                "model", "models", "service", "services", "all", "api_keys", "action", "actions",
            ])
        }
        Tok::KwDeny | Tok::KwAllow if blk == Block::Test => return Want::Actions,
        Tok::KwOnly => return Want::Fixed(&["models", "regions"]),
        Tok::KwRequire => return Want::Fixed(&["application_inference_profile", "tags"]),
        Tok::KwProtect => return Want::Fixed(&["tags"]),
        Tok::KwApiKeys => {
            return Want::Fixed(&["long_term", "short_term", "all", "when", "unless"])
        }
        Tok::KwAllow => return Want::Fixed(&["invoke", "action", "actions"]),
        Tok::KwExempt => return Want::Fixed(&["action", "actions", "principals"]),
        Tok::KwWhen | Tok::KwUnless => {
            return Want::Fixed(&["region", "principal", "via_mcp"]);
        }
        Tok::KwInputTags => return Want::Fixed(&["honor", "ignore"]),
        Tok::KwLimits => return Want::Fixed(&["legacy", "current"]),
        Tok::KwIs => return Want::Fixed(&["absent", "present"]),
        Tok::KwRegion => return Want::Fixed(&["in"]),
        Tok::KwNot => return Want::Fixed(&["in", "like"]),
        _ => {}
    }
    // Walk back over the value list to the keyword that governs it.
    let mut i = toks.len();
    while i > 0 {
        i -= 1;
        let Some(&(_, t, _)) = toks.get(i) else { break };
        let prev = i.checked_sub(1).and_then(|j| toks.get(j)).map(|x| x.1);
        match t {
            Tok::Word(_) | Tok::Str(_) | Tok::Comma | Tok::LBracket | Tok::PathSep => continue,
            Tok::KwTrue | Tok::KwFalse => continue,
            Tok::KwRegions => return Want::Regions,
            Tok::KwIn if prev == Some(Tok::KwRegion) => return Want::Regions,
            Tok::KwIn
                if blk == Block::Guardrail
                    && matches!(
                        prev,
                        None | Some(
                            Tok::LBrace | Tok::RBrace | Tok::Word(_) | Tok::Str(_) | Tok::KwLock
                        )
                    ) =>
            {
                return Want::Regions
            }
            Tok::KwModel | Tok::KwModels | Tok::KwExcept => return Want::Models,
            Tok::KwAction | Tok::KwActions => return Want::Actions,
            Tok::KwService | Tok::KwServices => return Want::Services,
            Tok::KwAttach => return Want::Policies,
            Tok::KwTo => return Want::Targets,
            Tok::KwUnder => return Want::Ous,
            Tok::KwPrincipal if prev != Some(Tok::LParen) => return Want::Values,
            Tok::KwAccount if prev == Some(Tok::KwPrincipal) || prev == Some(Tok::KwIn) => {
                return Want::AccountIds
            }
            Tok::KwIn if prev == Some(Tok::KwAccount) => return Want::AccountIds,
            Tok::KwOn => {
                return match blk {
                    Block::Top => {
                        // `control NAME on …` / `test "…" on …`
                        let head = toks
                            .get(..i)
                            .unwrap_or(&[])
                            .iter()
                            .rev()
                            .find(|(_, t, _)| matches!(t, Tok::KwControl | Tok::KwTest))
                            .map(|x| x.1);
                        match head {
                            Some(Tok::KwControl) => Want::Ous,
                            Some(Tok::KwTest) => Want::Accounts,
                            _ => Want::Targets,
                        }
                    }
                    Block::Policy => {
                        if toks
                            .get(..i)
                            .unwrap_or(&[])
                            .iter()
                            .rev()
                            .take(8)
                            .any(|(_, t, _)| *t == Tok::KwTags)
                        {
                            Want::Fixed(&["inference_profile", "application_inference_profile"])
                        } else if prev == Some(Tok::KwInvoke) {
                            Want::Fixed(&[
                                "model",
                                "inference_profile",
                                "application_inference_profile",
                            ])
                        } else {
                            Want::Values
                        }
                    }
                    _ => Want::Values,
                };
            }
            Tok::KwIn | Tok::EqEq | Tok::NotEq | Tok::KwLike => {
                // `context["k"] in …` / `== …`
                let key = (0..i).rev().find(|&j| {
                    matches!(toks.get(j), Some((_, Tok::Str(_), _)))
                        && j >= 2
                        && toks.get(j - 1).map(|x| x.1) == Some(Tok::LBracket)
                        && toks.get(j - 2).map(|x| x.1) == Some(Tok::KwContext)
                });
                return match key {
                    Some(j) if i - j <= 4 => Want::KeyValues(j),
                    _ => Want::Values,
                };
            }
            Tok::KwTags => return Want::Values,
            _ => {
                return if t.is_keyword() || matches!(t, Tok::RBracket | Tok::RParen) {
                    Want::Values
                } else {
                    Want::Nothing
                }
            }
        }
    }
    Want::Keywords(blk)
}

#[cfg(test)]
#[allow(clippy::panic, reason = "tests")]
mod grammar_tests {
    use std::collections::BTreeSet;

    use govc_compiler::syntax::lexer::{lex, KEYWORDS};
    use govc_compiler::syntax::parser::expected_after;

    use super::{block_keywords, want, Want};

    /// The words that start a statement of a policy.
    const STATEMENT_HEADS: &[&str] = &[
        "allow", "deny", "forbid", "only", "permit", "protect", "require",
    ];

    /// Texts before a cursor where completion offers keywords.
    const CONTEXTS: &[&str] = &[
        "",
        "org {\n  ",
        "org {\n  limits ",
        "scp x {\n  ",
        "scp x {\n  deny ",
        "scp x {\n  only ",
        "scp x {\n  require ",
        "scp x {\n  deny api_keys ",
        "scp x {\n  deny all when ",
        "scp x {\n  deny all unless ",
        "identity x {\n  allow ",
        "control c on o {\n  ",
        "control c on o {\n  exempt ",
        "guardrail g {\n  ",
        "guardrail g {\n  input_tags ",
        "test \"t\" on a {\n  ",
        "scp x {\n  forbid (principal, action, resource) when { context[\"k\"] is ",
        "scp x {\n  deny all when region ",
        "scp x {\n  forbid (principal, action not ",
        "scp x {\n  forbid (principal, action, resource) when { ",
    ];

    fn offered(text: &str) -> BTreeSet<&'static str> {
        let toks = lex(text).tokens;
        match want(&toks, text, text.len()) {
            Want::Keywords(b) => block_keywords(b).iter().copied().collect(),
            Want::Fixed(words) => words.iter().copied().collect(),
            other => panic!("no keywords offered after {text:?}: {other:?}"),
        }
    }

    /// Completion's keyword follow sets are written next to the grammar; this holds them to it:
    /// where the grammar accepts a keyword, completion offers it, and completion offers nothing
    /// the grammar refuses there (a word the grammar takes as `WORD`, such as `long_term`, is
    /// accepted where a word is).
    #[test]
    fn completion_offers_what_the_grammar_accepts() {
        let keywords: BTreeSet<&str> = KEYWORDS.iter().copied().collect();
        let mut wrong = Vec::new();
        for text in CONTEXTS {
            let expected = expected_after(text);
            assert!(
                !expected.is_empty(),
                "the grammar expects something after {text:?}"
            );
            let offered = offered(text);
            // A statement that may end here is followed by the next one, offered on the next
            // line rather than after the cursor.
            let at_start = text.is_empty() || text.ends_with("{\n  ");
            for e in &expected {
                let next_statement = !at_start && STATEMENT_HEADS.contains(&e.as_str());
                if keywords.contains(e.as_str()) && !offered.contains(e.as_str()) && !next_statement
                {
                    wrong.push(format!(
                        "after {text:?}: the grammar accepts `{e}`, completion does not offer it"
                    ));
                }
            }
            for o in &offered {
                let accepted =
                    expected.contains(*o) || (expected.contains("WORD") && !keywords.contains(o));
                if !accepted {
                    wrong.push(format!("after {text:?}: completion offers `{o}`, the grammar refuses it (expects {expected:?})"));
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
