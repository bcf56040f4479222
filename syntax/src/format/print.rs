//! AST → layout instructions, with the comments put back where they were written.
//!
//! Comments are not in the AST. Every spanned node is an anchor: before printing it, the
//! comments written before its start are emitted. A comment that had code before it on its
//! line stays at the end of the line it followed; any other comment gets a line of its own.

use super::layout::Op;
use crate::ast::*;
use crate::lexer::{Comment, Tok};
use crate::Span;

/// Indentation of a block's contents and of a statement's continuation lines (`unless …`).
const INDENT: usize = 2;
/// Indentation of the items of a broken bare list (`deny actions` + one action per line), deeper
/// than continuation lines so the items and the clauses after them stay apart.
const LIST_INDENT: usize = 4;

pub(crate) struct Printer<'s> {
    src: &'s str,
    tokens: &'s [(usize, Tok<'s>, usize)],
    comments: &'s [Comment],
    /// Comments before this index are printed.
    next_comment: usize,
    pub(crate) ops: Vec<Op>,
}

impl<'s> Printer<'s> {
    pub(crate) fn new(
        src: &'s str,
        tokens: &'s [(usize, Tok<'s>, usize)],
        comments: &'s [Comment],
    ) -> Self {
        Printer {
            src,
            tokens,
            comments,
            next_comment: 0,
            ops: Vec::new(),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Primitives

    fn text(&mut self, s: &str) {
        self.ops.push(Op::Text(s.to_string()));
    }

    fn space(&mut self) {
        self.ops.push(Op::Space);
    }

    fn op(&mut self, op: Op) {
        self.ops.push(op);
    }

    /// `text` with a space after it: keywords.
    fn kw(&mut self, s: &str) {
        self.text(s);
        self.space();
    }

    /// Whether the source between the last code or comment before `pos` and `pos` holds an
    /// empty line (`Some(true)`), a line break (`Some(false)`), or nothing (`None`: same line).
    fn gap_before(&self, pos: usize) -> Option<bool> {
        let before = self.src.get(..pos).unwrap_or("");
        let trimmed = before.trim_end_matches([' ', '\t', '\r', '\n', '\x0c', ';']);
        let gap = before.get(trimmed.len()..).unwrap_or("");
        if trimmed.is_empty() {
            return Some(false);
        }
        match gap.matches('\n').count() {
            0 => None,
            1 => Some(false),
            _ => Some(true),
        }
    }

    fn blank_before(&self, pos: usize) -> bool {
        self.gap_before(pos) == Some(true)
    }

    /// Emits every comment that starts before `pos`.
    fn comments_before(&mut self, pos: u32) {
        while let Some(c) = self.comments.get(self.next_comment) {
            if c.span.start >= pos {
                break;
            }
            self.next_comment += 1;
            self.comment(c.clone());
        }
    }

    fn has_comment_before(&self, pos: u32) -> bool {
        self.comments
            .get(self.next_comment)
            .is_some_and(|c| c.span.start < pos)
    }

    fn comment(&mut self, c: Comment) {
        let raw = self.src.get(c.span.range()).unwrap_or("");
        let text = if c.block { raw } else { raw.trim_end() };
        let after = self.src.get(c.span.end as usize..).unwrap_or("");
        let rest_of_line = after.split('\n').next().unwrap_or("");
        let alone_after = !c.block || rest_of_line.trim().is_empty();
        let start = c.span.start as usize;
        match self.gap_before(start) {
            None => {
                // Trailing: back past the layout already emitted for what follows.
                let mut at = self.ops.len();
                while at > 0 && self.ops.get(at - 1).is_some_and(Op::is_layout) {
                    at -= 1;
                }
                // It ends its line even if code followed it (`a /* c */ b`): were it kept
                // inline, the next run would see it at the end of a line and lay out the
                // line differently.
                if at > 0 && matches!(self.ops.get(at - 1), Some(Op::Comment(_))) {
                    // That line already ends in a comment (the code between the two was moved
                    // before the first): this one gets a line of its own, here.
                    self.op(Op::Break);
                    self.op(Op::Comment(text.to_string()));
                    self.op(Op::Break);
                } else {
                    let ins = [Op::Space, Op::Comment(text.to_string()), Op::Break];
                    self.ops.splice(at..at, ins);
                }
            }
            Some(blank) => {
                self.op(if blank { Op::Blank } else { Op::Break });
                if alone_after {
                    self.op(Op::Comment(text.to_string()));
                    self.op(Op::Break);
                } else {
                    self.text(text);
                    self.op(Op::Space);
                }
            }
        }
    }

    /// Starts a new line for the node at `pos` (an item, statement or entry), keeping one empty
    /// line if the source had one (or `blank` asks for one), after the comments before it.
    fn start_line(&mut self, pos: Span, blank: bool) {
        if blank {
            // The empty line goes above the comments that belong to the node: the run of
            // own-line comments right above it with no empty line in between.
            let mut first = pos.start as usize;
            let mut i = self.comments.partition_point(|c| c.span.start < pos.start);
            while i > self.next_comment {
                let Some(c) = self.comments.get(i - 1) else {
                    break;
                };
                let next = self.src.get(c.span.end as usize..first).unwrap_or("");
                if next.matches('\n').count() > 1
                    || self.gap_before(c.span.start as usize).is_none()
                {
                    break;
                }
                first = c.span.start as usize;
                i -= 1;
            }
            let first = u32::try_from(first).unwrap_or(u32::MAX);
            self.comments_before(first);
            self.op(Op::Blank);
        }
        self.comments_before(pos.start);
        let gap = self.blank_before(pos.start as usize);
        self.op(if gap { Op::Blank } else { Op::Break });
    }

    /// The `n`th token from the one at `pos`, to keep the keyword spelling the user chose where
    /// the AST does not record it (`model`/`models`, `principal x`/`principal in x`).
    fn token_at(&self, pos: u32, n: usize) -> Option<Tok<'s>> {
        let i = self.tokens.partition_point(|(l, _, _)| *l < pos as usize);
        self.tokens.get(i + n).map(|(_, t, _)| *t)
    }

    /// `{ … }` around a block's lines: `{}` when it holds nothing, not even a comment.
    fn block<T>(&mut self, items: &[T], end: Span, mut each: impl FnMut(&mut Self, &T)) {
        let close = end.end.saturating_sub(1);
        if items.is_empty() && !self.has_comment_before(close) {
            self.text("{}");
            return;
        }
        self.text("{");
        self.op(Op::Indent(INDENT));
        for item in items {
            each(self, item);
        }
        self.comments_before(close);
        self.op(Op::Dedent(INDENT));
        self.op(Op::Break);
        self.text("}");
    }

    // -----------------------------------------------------------------------------------------
    // Values

    fn ident(&mut self, i: &Ident) {
        self.comments_before(i.span.start);
        self.text(&i.name);
    }

    fn str(&mut self, s: &Str) {
        self.comments_before(s.span.start);
        self.text(&quote(&s.value));
    }

    fn value(&mut self, v: &Value) {
        self.comments_before(v.span.start);
        match &v.kind {
            ValueKind::Word(w) => self.text(w),
            ValueKind::Str(s) => self.text(&quote(s)),
            ValueKind::Bool(b) => self.text(if *b { "true" } else { "false" }),
            ValueKind::Path(p) => self.text(&p.to_text()),
            ValueKind::List(items) => {
                if items.is_empty() && !self.has_comment_before(v.span.end) {
                    self.text("[]");
                    return;
                }
                self.op(Op::Open);
                self.text("[");
                self.op(Op::Indent(INDENT));
                self.op(Op::SoftLine);
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.text(",");
                        self.op(Op::Line);
                    }
                    self.value(item);
                }
                if !items.is_empty() {
                    self.op(Op::IfBreak(","));
                }
                self.comments_before(v.span.end.saturating_sub(1));
                self.op(Op::Dedent(INDENT));
                self.op(Op::SoftLine);
                self.text("]");
                self.op(Op::Close);
            }
        }
    }

    /// A bare comma list after a keyword (`deny actions a, b`): on the line when it fits, else
    /// one item per line (no trailing comma: the grammar has none for bare lists).
    fn bare_list<T>(&mut self, items: &[T], mut each: impl FnMut(&mut Self, &T)) {
        if let [only] = items {
            self.space();
            each(self, only);
            return;
        }
        self.op(Op::Open);
        self.op(Op::Indent(LIST_INDENT));
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.text(",");
            }
            self.op(Op::Line);
            each(self, item);
        }
        self.op(Op::Dedent(LIST_INDENT));
        self.op(Op::Close);
    }

    fn values(&mut self, vals: &[Value]) {
        self.bare_list(vals, |p, v| p.value(v));
    }

    fn idents(&mut self, ids: &[Ident]) {
        self.bare_list(ids, |p, i| p.ident(i));
    }

    // -----------------------------------------------------------------------------------------
    // Items

    pub(crate) fn file(&mut self, file: &File) {
        let mut prev_block = false;
        for (i, item) in file.items.iter().enumerate() {
            let block = is_block(&item.kind);
            self.start_line(item.span, i > 0 && (block || prev_block));
            self.item(item);
            prev_block = block;
        }
        self.comments_before(u32::MAX);
    }

    fn item(&mut self, item: &Item) {
        match &item.kind {
            ItemKind::UseFile(s) => {
                self.text("use");
                self.space();
                self.str(s);
            }
            ItemKind::UseModule(p) => {
                self.text("use");
                self.space();
                self.comments_before(p.span.start);
                self.text(&p.to_text());
            }
            ItemKind::Org(org) => {
                self.kw("org");
                self.block(&org.entries, item.span, |p, e| {
                    p.start_line(e.span, false);
                    p.org_entry(e);
                });
            }
            ItemKind::Const(c) => {
                self.kw(match c.kind {
                    ConstKind::Const => "const",
                    ConstKind::Set => "set",
                });
                self.ident(&c.name);
                self.space();
                self.kw("=");
                self.value(&c.value);
            }
            ItemKind::Condition(c) => {
                self.kw("const");
                self.ident(&c.name);
                self.space();
                self.kw("=");
                self.space();
                self.braced_cond(&c.cond, item.span.end);
            }
            ItemKind::Scp(pol) | ItemKind::Identity(pol) | ItemKind::Rcp(pol) => {
                self.kw(match item.kind {
                    ItemKind::Scp(_) => "scp",
                    ItemKind::Rcp(_) => "rcp",
                    _ => "identity",
                });
                self.ident(&pol.name);
                self.space();
                self.block(&pol.stmts, item.span, |p, s| {
                    p.start_line(s.span, false);
                    p.stmt(s);
                });
            }
            ItemKind::Guardrail(g) => {
                self.kw("guardrail");
                self.ident(&g.name);
                self.space();
                self.block(&g.stmts, item.span, |p, s| {
                    p.start_line(s.span, false);
                    p.guard_stmt(s);
                });
            }
            ItemKind::Control(c) => {
                self.kw("control");
                self.ident(&c.name);
                self.text(" on");
                self.idents(&c.targets);
                self.space();
                self.block(&c.stmts, item.span, |p, s| {
                    p.start_line(s.span, false);
                    p.control_stmt(s);
                });
            }
            ItemKind::Attach(a) => {
                self.text("attach");
                self.idents(&a.policies);
                self.text(" to");
                self.idents(&a.targets);
            }
            ItemKind::Test(t) => {
                self.kw("test");
                self.str(&t.name);
                self.text(" on ");
                self.ident(&t.target);
                self.space();
                self.block(&t.expects, item.span, |p, e| {
                    p.start_line(e.span, false);
                    p.expect(e);
                });
            }
            ItemKind::Rule(r) => self.rule(r),
            ItemKind::Error => self.verbatim(item.span),
        }
    }

    /// Unparsed text as written. Unreachable through `format_source`, which refuses files with
    /// syntax errors, but never lose text if a caller formats a tree with errors.
    fn verbatim(&mut self, span: Span) {
        let raw = self.src.get(span.range()).unwrap_or("").trim();
        self.text(raw);
        // The comments inside were printed with it.
        while self
            .comments
            .get(self.next_comment)
            .is_some_and(|c| c.span.end <= span.end)
        {
            self.next_comment += 1;
        }
    }

    fn org_entry(&mut self, e: &OrgEntry) {
        match &e.kind {
            OrgEntryKind::Root { id, .. } => {
                self.text("root = ");
                self.str(id);
            }
            OrgEntryKind::OrgId { setting, id } => {
                self.ident(setting);
                self.text(" = ");
                self.value(id);
            }
            OrgEntryKind::Ou { name, id, parent } | OrgEntryKind::Account { name, id, parent } => {
                self.kw(if matches!(e.kind, OrgEntryKind::Ou { .. }) {
                    "ou"
                } else {
                    "account"
                });
                self.ident(name);
                if let Some(id) = id {
                    self.text(" = ");
                    self.str(id);
                }
                if let Some(parent) = parent {
                    self.text(" under ");
                    self.ident(parent);
                }
            }
            OrgEntryKind::LimitsPreset(w) => {
                self.kw("limits");
                self.ident(w);
            }
            OrgEntryKind::Limits(pairs) => {
                self.text("limits");
                self.bare_list(pairs, |p, (k, v)| {
                    p.ident(k);
                    p.text(" = ");
                    p.value(v);
                });
            }
            OrgEntryKind::Error => self.verbatim(e.span),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Statements

    /// `singular` when the source wrote it at token `n` of the node at `pos`, else `plural`.
    fn spelling(&mut self, pos: Span, n: usize, singular: (Tok<'_>, &str), plural: &str) {
        let word = if self.token_at(pos.start, n) == Some(singular.0) {
            singular.1
        } else {
            plural
        };
        self.text(word);
    }

    /// A statement is one group: on one line when it fits, else its clauses go one per line.
    fn stmt(&mut self, s: &Stmt) {
        self.op(Op::Open);
        self.stmt_kind(s);
        self.op(Op::Close);
    }

    fn stmt_kind(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Require(w) => {
                self.kw("require");
                self.ident(w);
            }
            StmtKind::RequireTags { tags, on } => {
                self.text("require tags");
                self.values(tags);
                self.text(" on ");
                self.ident(on);
            }
            StmtKind::RequireTagsFor {
                tags,
                values,
                actions,
                resources,
                clauses,
            } => {
                self.text("require tags");
                self.values(tags);
                if let Some(v) = values {
                    self.text(" in ");
                    self.value(v);
                }
                self.text(" for actions");
                self.values(actions);
                if !resources.is_empty() {
                    self.text(" on");
                    self.values(resources);
                }
                self.clauses(clauses);
            }
            StmtKind::ProtectTags {
                tags,
                services,
                actions,
                clauses,
            } => {
                self.text("protect tags");
                self.values(tags);
                if services.is_empty() {
                    self.text(" for actions");
                    self.values(actions);
                } else {
                    self.text(" for services");
                    self.values(services);
                }
                self.clauses(clauses);
            }
            StmtKind::DenyModels { models, clauses } => {
                self.kw("deny");
                self.spelling(s.span, 1, (Tok::KwModel, "model"), "models");
                self.values(models);
                self.clauses(clauses);
            }
            StmtKind::OnlyModels { models, clauses } => {
                self.text("only models");
                self.values(models);
                self.clauses(clauses);
            }
            StmtKind::OnlyRegions {
                regions,
                services,
                all,
                clauses,
            } => {
                self.text("only regions");
                self.values(regions);
                if all.is_some() {
                    self.text(" for all services");
                } else if !services.is_empty() {
                    self.text(" for services");
                    self.values(services);
                }
                self.clauses(clauses);
            }
            StmtKind::DenyServices { services, clauses } => {
                self.kw("deny");
                self.spelling(s.span, 1, (Tok::KwService, "service"), "services");
                self.values(services);
                self.clauses(clauses);
            }
            StmtKind::DenyAll { clauses } => {
                self.text("deny all");
                self.clauses(clauses);
            }
            StmtKind::DenyApiKeys { kind, clauses } => {
                self.text("deny api_keys");
                if let Some(k) = kind {
                    self.space();
                    self.ident(k);
                }
                self.clauses(clauses);
            }
            StmtKind::DenyActions {
                actions,
                resources,
                clauses,
            } => {
                self.kw("deny");
                self.spelling(s.span, 1, (Tok::KwAction, "action"), "actions");
                self.values(actions);
                if !resources.is_empty() {
                    self.text(" on");
                    self.values(resources);
                }
                self.clauses(clauses);
            }
            StmtKind::Allow(a) => self.allow(s.span, a),
            StmtKind::Rule(r) => self.rule(r),
            StmtKind::Error => self.verbatim(s.span),
        }
    }

    fn allow(&mut self, span: Span, a: &Allow) {
        self.kw("allow");
        match &a.what {
            AllowWhat::Invoke(_) => self.text("invoke"),
            AllowWhat::Actions(actions) => {
                self.spelling(span, 1, (Tok::KwAction, "action"), "actions");
                self.values(actions);
            }
        }
        self.text(" on");
        if let Some(kind) = &a.kind {
            self.space();
            self.ident(kind);
        }
        self.values(&a.resources);
        if let Some(acct) = &a.account {
            self.text(" in account ");
            self.value(acct);
        }
        self.clauses(&a.clauses);
    }

    /// `when …`/`unless …` after a statement: on its line when the whole statement fits, else
    /// one per continuation line (the lines belong to the statement's group).
    fn clauses(&mut self, clauses: &[Clause]) {
        if clauses.is_empty() {
            return;
        }
        self.op(Op::Indent(INDENT));
        for c in clauses {
            self.op(Op::Line);
            self.comments_before(c.span.start);
            self.kw(if c.unless { "unless" } else { "when" });
            self.surface_pred(c.span, &c.pred);
        }
        self.op(Op::Dedent(INDENT));
    }

    fn surface_pred(&mut self, span: Span, pred: &SurfacePred) {
        match pred {
            SurfacePred::Region(v) => {
                self.text("region in ");
                self.value(v);
            }
            SurfacePred::Principal(v) => {
                self.kw("principal");
                if self.token_at(span.start, 2) == Some(Tok::KwIn) {
                    self.kw("in");
                }
                self.value(v);
            }
            SurfacePred::PrincipalAccount(v) => {
                self.text("principal account ");
                if self.token_at(span.start, 3) == Some(Tok::KwIn) {
                    self.kw("in");
                }
                self.value(v);
            }
            SurfacePred::ViaMcp(v) => {
                self.text("via_mcp");
                if let Some(v) = v {
                    self.text(" in ");
                    self.value(v);
                }
            }
            // A named condition alone needs no braces: `unless in_org`.
            SurfacePred::Cond(Cond::Ref(name)) => self.ident(name),
            SurfacePred::Cond(c) => self.braced_cond(c, span.end),
        }
    }

    /// `{ cond }`, broken as `{`, the condition, `}` on their own lines when too long.
    fn braced_cond(&mut self, c: &Cond, end: u32) {
        self.op(Op::Open);
        self.text("{");
        self.op(Op::Indent(INDENT));
        self.op(Op::Line);
        self.cond(c);
        self.comments_before(end.saturating_sub(1));
        self.op(Op::Dedent(INDENT));
        self.op(Op::Line);
        self.text("}");
        self.op(Op::Close);
    }

    fn rule(&mut self, r: &Rule) {
        self.comments_before(r.effect_span.start);
        self.op(Op::Open);
        self.kw(match r.effect {
            Effect::Forbid => "forbid",
            Effect::Permit => "permit",
        });
        if r.scope.is_empty() {
            self.text("()");
        } else {
            self.op(Op::Open);
            self.text("(");
            self.op(Op::Indent(INDENT));
            self.op(Op::SoftLine);
            for (i, e) in r.scope.iter().enumerate() {
                if i > 0 {
                    self.text(",");
                    self.op(Op::Line);
                }
                self.scope_entry(e);
            }
            self.op(Op::Dedent(INDENT));
            self.op(Op::SoftLine);
            self.text(")");
            self.op(Op::Close);
        }
        self.op(Op::Indent(INDENT));
        for c in &r.clauses {
            self.op(Op::Line);
            self.comments_before(c.span.start);
            self.kw(if c.unless { "unless" } else { "when" });
            self.braced_cond(&c.cond, c.span.end);
        }
        self.op(Op::Dedent(INDENT));
        self.text(";");
        self.op(Op::Close);
    }

    fn scope_entry(&mut self, e: &ScopeEntry) {
        self.comments_before(e.span.start);
        self.text(match e.var {
            ScopeVar::Principal => "principal",
            ScopeVar::Action => "action",
            ScopeVar::Resource => "resource",
        });
        if let Some((op, v)) = &e.constraint {
            self.space();
            self.kw(match op {
                ScopeOp::Eq => "==",
                ScopeOp::NotEq => "!=",
                ScopeOp::In => "in",
                ScopeOp::Like => "like",
                ScopeOp::NotIn => "not in",
                ScopeOp::NotLike => "not like",
            });
            self.value(v);
        }
    }

    // -----------------------------------------------------------------------------------------
    // Conditions

    fn cond(&mut self, c: &Cond) {
        match c {
            Cond::Or(items, _) => self.chain(items, "||", |c| matches!(c, Cond::Or(..))),
            Cond::And(items, _) => {
                self.chain(items, "&&", |c| matches!(c, Cond::Or(..) | Cond::And(..)))
            }
            Cond::Not(inner, _) => self.not(inner),
            Cond::Pred(p) => self.pred(p),
            Cond::Ref(name) => self.ident(name),
        }
    }

    /// `a && b && c`; an operand that would otherwise merge into the chain keeps its parentheses.
    fn chain(&mut self, items: &[Cond], op: &str, needs_parens: impl Fn(&Cond) -> bool) {
        self.op(Op::Open);
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.op(Op::Line);
                self.kw(op);
            }
            if needs_parens(item) {
                self.parens(item);
            } else {
                self.cond(item);
            }
        }
        self.op(Op::Close);
    }

    /// No comments are flushed here: the operand's span may start at a redundant `(` that is
    /// not printed, and its comments belong after the `(` that is.
    fn parens(&mut self, c: &Cond) {
        self.text("(");
        self.cond(c);
        self.text(")");
    }

    /// Always `!(…)`: `!context[k] < 5` would parse the same, but reads as if `!` applied to
    /// the key; and `!!x` parses as `x`.
    fn not(&mut self, inner: &Cond) {
        self.text("!");
        match inner {
            // `!name`: a name needs no parentheses.
            Cond::Ref(name) => self.ident(name),
            _ => self.parens(inner),
        }
    }

    fn pred(&mut self, p: &Pred) {
        self.comments_before(p.span.start);
        if let Some((q, _)) = p.qualifier {
            self.kw(match q {
                Qualifier::Any => "any",
                Qualifier::All => "all",
            });
        }
        self.text("context[");
        self.str(&p.key);
        self.text("]");
        self.space();
        let (op, v) = match &p.op {
            PredOp::Absent => ("is absent", None),
            PredOp::Present => ("is present", None),
            PredOp::Cmp(op, v) => (
                match op {
                    CmpOp::Eq => "==",
                    CmpOp::Ne => "!=",
                    CmpOp::Lt => "<",
                    CmpOp::Le => "<=",
                    CmpOp::Gt => ">",
                    CmpOp::Ge => ">=",
                },
                Some(v),
            ),
            PredOp::In(v) => ("in", Some(v)),
            PredOp::NotIn(v) => ("not in", Some(v)),
            PredOp::Like(v) => ("like", Some(v)),
            PredOp::NotLike(v) => ("not like", Some(v)),
        };
        self.text(op);
        if let Some(v) = v {
            self.space();
            self.value(v);
        }
    }

    // -----------------------------------------------------------------------------------------
    // Guardrails, controls, tests

    fn guard_stmt(&mut self, s: &GuardStmt) {
        match &s.kind {
            GuardStmtKind::Use { region, guardrail } => {
                self.kw("in");
                self.value(region);
                self.text(" use ");
                self.str(guardrail);
            }
            GuardStmtKind::InputTags(w) => {
                self.kw("input_tags");
                self.ident(w);
            }
            GuardStmtKind::Guarding(pairs) => {
                self.text("guarding");
                self.bare_list(pairs, |p, (a, b)| {
                    p.ident(a);
                    p.space();
                    p.ident(b);
                });
            }
            GuardStmtKind::Models {
                all,
                include,
                exclude,
            } => {
                self.text("models");
                if all.is_some() {
                    self.text(" all");
                } else {
                    self.values(include);
                }
                if !exclude.is_empty() {
                    self.text(" except");
                    self.values(exclude);
                }
            }
            GuardStmtKind::Lock => self.text("lock"),
            GuardStmtKind::Error => self.verbatim(s.span),
        }
    }

    fn control_stmt(&mut self, s: &ControlStmt) {
        match &s.kind {
            ControlStmtKind::Regions(v) => {
                self.text("regions");
                self.values(v);
            }
            ControlStmtKind::ExemptActions(v) => {
                self.kw("exempt");
                self.spelling(s.span, 1, (Tok::KwAction, "action"), "actions");
                self.values(v);
            }
            ControlStmtKind::ExemptPrincipals(v) => {
                self.text("exempt principals");
                self.values(v);
            }
            ControlStmtKind::Error => self.verbatim(s.span),
        }
    }

    /// `expect allow ACTION on RESOURCE [in REGION]`, and the request keys on a continuation
    /// line: `with { "k": v, … }`, one key per line when that is too long.
    fn expect(&mut self, e: &Expect) {
        let ExpectKind::Case {
            allow,
            action,
            resource,
            region,
            context,
        } = &e.kind
        else {
            self.verbatim(e.span);
            return;
        };
        self.kw("expect");
        self.kw(if *allow { "allow" } else { "deny" });
        self.value(action);
        self.text(" on ");
        self.value(resource);
        if let Some(r) = region {
            self.text(" in ");
            self.value(r);
        }
        if context.is_empty() {
            return;
        }
        self.op(Op::Indent(INDENT));
        self.op(Op::Break);
        // One key stays on its line however long: breaking it would gain nothing.
        let sep = if context.len() > 1 {
            Op::Line
        } else {
            Op::Space
        };
        if context.len() > 1 {
            self.op(Op::Open);
        }
        self.text("with {");
        self.op(Op::Indent(INDENT));
        for (i, (k, v)) in context.iter().enumerate() {
            if i > 0 {
                self.text(",");
            }
            self.op(sep.clone());
            self.str(k);
            self.text(": ");
            self.value(v);
        }
        self.comments_before(e.span.end.saturating_sub(1));
        self.op(Op::Dedent(INDENT));
        self.op(sep);
        self.text("}");
        if context.len() > 1 {
            self.op(Op::Close);
        }
        self.op(Op::Dedent(INDENT));
    }
}

/// Items that hold a block; they are set apart from their neighbours by an empty line.
fn is_block(kind: &ItemKind) -> bool {
    matches!(
        kind,
        ItemKind::Org(_)
            | ItemKind::Scp(_)
            | ItemKind::Identity(_)
            | ItemKind::Rcp(_)
            | ItemKind::Guardrail(_)
            | ItemKind::Control(_)
            | ItemKind::Test(_)
            | ItemKind::Rule(_)
    )
}

/// A string literal in its one canonical spelling: what the formatter prints, and what the
/// tools that write `.gov` text (`govc import`, `govc simulate`) write.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
