//! Semantic checks (those that need no lowering; every code is in docs/diagnostics.md): names and scopes, the organization
//! tree, and every value checked against the catalog by the type its position expects. Pure
//! functions over the ASTs and the [`Index`]; the salsa layer caches them per file.

pub mod index;
pub(crate) mod values;

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::catalog::{Catalog, KeyType};
use crate::diagnostics::{Code, Diagnostic};
use crate::glob::is_glob;
use crate::suggest::did_you_mean;
use crate::syntax::ast::*;
use crate::syntax::Span;
pub use index::{Decl, DeclKind, Index, Resolved, UseEdge, UseTarget};
use values::{check_literal, Expect};

/// Kinds accepted by `require tags … on KIND`; both mean application inference profiles, the
/// only taggable inference profiles (system profiles carry no tags, aws.md §4.4).
const TAGGABLE_KINDS: &[&str] = &["inference_profile", "application_inference_profile"];
const REQUIREMENTS: &[&str] = &["application_inference_profile"];
const API_KEY_KINDS: &[&str] = &["long_term", "short_term", "all"];
/// Maximum OU depth under the root (aws.md §1.1).
const MAX_OU_DEPTH: usize = 5;

/// Checks one file (a user file or a stdlib module). Diagnostics may point into other files
/// (a constant's element is reported where it is written); callers deduplicate.
pub(crate) fn check_file(index: &Index, path: &str, file: &File) -> Vec<Diagnostic> {
    let mut c = Checker {
        index,
        path,
        diags: crate::diagnostics::Capped::default(),
        expanding: Vec::new(),
        checked_consts: HashMap::new(),
        const_height: 0,
        cond_heights: HashMap::new(),
    };
    for item in &file.items {
        c.item(item);
    }
    c.diags.finish()
}

/// Checks that concern the whole program: duplicate names, `use` cycles, the organization.
pub(crate) fn check_program(index: &Index) -> Vec<Diagnostic> {
    let mut diags = crate::diagnostics::Capped::default();
    for (name, decls) in &index.decls {
        // Two roots are reported as two organizations (E0107), not as a duplicate name.
        if decls.iter().all(|d| d.kind == DeclKind::Root) {
            continue;
        }
        if let [first, rest @ ..] = decls.as_slice() {
            for d in rest {
                diags.push(
                    Diagnostic::new(
                        Code::E0101,
                        d.span,
                        format!("`{name}` is declared more than once"),
                    )
                    .in_file(&d.file)
                    .with_label(format!("{} named `{name}` again", d.kind.describe()))
                    .with_secondary(Some(first.file.clone()), first.span, "first declared here")
                    .with_help("names are unique across the whole program; rename one of them"),
                );
            }
        }
    }
    for (file, span, cycle) in index::use_cycles(index) {
        diags.push(
            Diagnostic::new(Code::E0102, span, "`use` cycle")
                .in_file(&file)
                .with_label("this `use` closes a cycle")
                .with_note(format!("cycle: {}", cycle.join(" → ")))
                .with_help("move the shared declarations into a file that both can `use`"),
        );
    }
    let mut org = Vec::new();
    org_checks(index, &mut org);
    diags.extend(org);
    diags.finish()
}

fn org_checks(index: &Index, diags: &mut Vec<Diagnostic>) {
    // In source order (files as loaded, then position), so "first" means first written.
    let rank = |f: &str| {
        index
            .files
            .iter()
            .position(|x| x == f)
            .unwrap_or(usize::MAX)
    };
    let mut targets: Vec<&Decl> = index
        .decls
        .values()
        .flatten()
        .filter(|d| d.kind.is_target())
        .collect();
    targets.sort_by_key(|d| (rank(&d.file), d.span.start));
    let roots: Vec<&&Decl> = targets
        .iter()
        .filter(|d| d.kind == DeclKind::Root)
        .collect();
    let mut seen_files: Vec<&str> = Vec::new();
    for t in &targets {
        if !seen_files.contains(&t.file.as_str()) {
            seen_files.push(&t.file);
        }
    }
    if let [first, rest @ ..] = roots.as_slice() {
        for r in rest {
            diags.push(
                Diagnostic::new(
                    Code::E0107,
                    r.span,
                    "the organization root is declared twice",
                )
                .in_file(&r.file)
                .with_label("second root")
                .with_secondary(Some(first.file.clone()), first.span, "first root")
                .with_help("a program describes one organization; keep one `org` block"),
            );
        }
    }
    // Target ids are unique.
    let mut by_id: HashMap<&str, &Decl> = HashMap::new();
    for t in &targets {
        let Some((id, quoted)) = &t.target_id else {
            continue;
        };
        let span = &inner(*quoted);
        if let Some(first) = by_id.get(id.as_str()) {
            diags.push(
                Diagnostic::new(Code::E0107, *span, format!("id `{id}` is declared twice"))
                    .in_file(&t.file)
                    .with_label(format!("`{}` has the same id", t.name))
                    .with_secondary(
                        Some(first.file.clone()),
                        first
                            .target_id
                            .as_ref()
                            .map_or(first.span, |(_, q)| inner(*q)),
                        format!("`{}` has it first", first.name),
                    )
                    .with_help("each target has its own id"),
            );
        } else {
            by_id.insert(id, t);
        }
        let (ok, shape) = match t.kind {
            DeclKind::Root => (
                is_id(id, "r-", 4, 32, None),
                "`r-` and 4–32 lowercase letters or digits",
            ),
            DeclKind::Ou => (
                is_id(id, "ou-", 4, 32, Some((8, 32))),
                "`ou-`, 4–32 lowercase letters or digits, `-`, and 8–32 more",
            ),
            _ => (values::is_account_id(id), "12 digits"),
        };
        if !ok {
            diags.push(
                Diagnostic::new(
                    Code::E0210,
                    *span,
                    format!("`{id}` is not a valid {} id", kind_word(t.kind)),
                )
                .in_file(&t.file)
                .with_label("malformed id")
                .with_help(format!("{} ids are {shape}", kind_word(t.kind))),
            );
        }
    }
    // Parents: declared, an OU or the root, no cycles, depth within the AWS limit.
    let by_name: HashMap<&str, &Decl> = targets.iter().map(|d| (d.name.as_str(), *d)).collect();
    for t in &targets {
        let Some(parent) = &t.parent else { continue };
        match by_name.get(parent.name.as_str()) {
            None => diags.push(
                Diagnostic::new(
                    Code::E0100,
                    parent.span,
                    format!("unknown OU `{}`", parent.name),
                )
                .in_file(&t.file)
                .with_label("not declared in the organization")
                .with_help(
                    match did_you_mean(&parent.name, by_name.keys().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "declare it with `ou NAME = \"ou-…\"`".to_string(),
                    },
                ),
            ),
            Some(p) if p.kind == DeclKind::Account => diags.push(
                Diagnostic::new(
                    Code::E0105,
                    parent.span,
                    format!("`{}` is an account, not an OU", parent.name),
                )
                .in_file(&t.file)
                .with_label("accounts cannot contain anything")
                .with_help("`under` names an OU or `root`"),
            ),
            Some(_) => {}
        }
    }
    // Depth and cycles in one memoised pass: each target is walked up at most once, so a chain
    // of thousands of OUs costs linear time.
    let mut depth: HashMap<&str, usize> = HashMap::new();
    let mut in_cycle: HashSet<&str> = HashSet::new();
    for t in &targets {
        let mut path: Vec<&Decl> = Vec::new();
        let mut on_path: HashSet<&str> = HashSet::new();
        let mut cur: Option<&Decl> = Some(*t);
        let mut base = 0usize;
        while let Some(d) = cur {
            if let Some(known) = depth.get(d.name.as_str()) {
                base = *known;
                break;
            }
            if in_cycle.contains(d.name.as_str()) {
                break;
            }
            if !on_path.insert(d.name.as_str()) {
                // Back at a node of this walk: everything from it onwards is a cycle.
                let from = path.iter().position(|p| p.name == d.name).unwrap_or(0);
                let cycle: Vec<&str> = path.iter().skip(from).map(|p| p.name.as_str()).collect();
                for member in path.iter().skip(from) {
                    in_cycle.insert(member.name.as_str());
                }
                // One diagnostic per cycle, at the member written first.
                if let Some(member) = path
                    .iter()
                    .skip(from)
                    .min_by_key(|m| (rank(&m.file), m.span.start))
                {
                    diags.push(
                        Diagnostic::new(
                            Code::E0114,
                            member.span,
                            format!("`{}` is under itself", member.name),
                        )
                        .in_file(&member.file)
                        .with_label("part of a cycle")
                        .with_note(format!("cycle: {} → {}", cycle.join(" → "), d.name))
                        .with_help("each OU and account has one parent, ending at `root`"),
                    );
                }
                path.truncate(from);
                base = 0;
                break;
            }
            path.push(d);
            cur = d
                .parent
                .as_ref()
                .and_then(|p| by_name.get(p.name.as_str()).copied());
        }
        // Unwind: an OU is one level below its parent's level; the root and accounts add none.
        for d in path.iter().rev() {
            if d.kind == DeclKind::Ou {
                base += 1;
            }
            depth.insert(d.name.as_str(), base);
        }
    }
    for t in &targets {
        let Some(level) = depth.get(t.name.as_str()) else {
            continue;
        };
        // Reported at the first level too deep; the OUs below it are too deep because of it.
        if t.kind == DeclKind::Ou && *level == MAX_OU_DEPTH + 1 {
            diags.push(
                Diagnostic::new(Code::E0115, t.span, format!("OU `{}` is {level} levels below the root", t.name))
                    .in_file(&t.file)
                    .with_label(format!("the limit is {MAX_OU_DEPTH}"))
                    .with_help("AWS Organizations allows five levels of OUs under the root; move this OU (and what is under it) higher"),
            );
        }
    }
}

/// The part of a string literal's span inside its quotes.
fn inner(span: Span) -> Span {
    if span.len() >= 2 {
        Span::new(span.start as usize + 1, span.end as usize - 1)
    } else {
        span
    }
}

fn kind_word(k: DeclKind) -> &'static str {
    match k {
        DeclKind::Root => "root",
        DeclKind::Ou => "OU",
        _ => "account",
    }
}

fn is_id(s: &str, prefix: &str, min: usize, max: usize, second: Option<(usize, usize)>) -> bool {
    let Some(rest) = s.strip_prefix(prefix) else {
        return false;
    };
    let part_ok = |p: &str, lo: usize, hi: usize| {
        (lo..=hi).contains(&p.len())
            && p.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    match second {
        None => part_ok(rest, min, max),
        Some((lo, hi)) => match rest.split_once('-') {
            Some((a, b)) => part_ok(a, min, max) && part_ok(b, lo, hi),
            None => false,
        },
    }
}

/// The longest name: AWS's 128 characters for a policy name, less the 16 a document name may
/// add (`+NN-more-N`), with room to spare.
pub(crate) const MAX_NAME_CHARS: usize = 96;

pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    Scp,
    Identity,
    Rcp,
}

struct Checker<'a> {
    index: &'a Index,
    path: &'a str,
    diags: crate::diagnostics::Capped,
    /// Constants being expanded (cycle guard).
    expanding: Vec<(String, String)>,
    /// (file, const name, expectation) already checked, so a constant used ten times is
    /// reported once, with the length of its chain of constants (itself included), so that a
    /// use deep inside another chain still sees the whole depth.
    checked_consts: HashMap<(String, String, Expect), usize>,
    /// The longest chain of constants met in the value being expanded.
    const_height: usize,
    /// Named condition (file, name) → how many conditions deep it goes.
    cond_heights: HashMap<(String, String), usize>,
}

impl<'a> Checker<'a> {
    fn push(&mut self, d: Diagnostic) {
        let d = if d.file.is_empty() {
            d.in_file(self.path)
        } else {
            d
        };
        self.diags.push(d);
    }

    fn item(&mut self, item: &Item) {
        match &item.kind {
            ItemKind::UseFile(s) => self.use_edge(s.span),
            ItemKind::UseModule(p) => self.use_edge(p.span),
            ItemKind::Org(org) => self.org(org),
            ItemKind::Const(c) => {
                self.decl_name(&c.name);
                // Elements are typed where the constant is used; here only names are resolved.
                self.resolve_names_in(&c.value);
            }
            ItemKind::Condition(c) => {
                self.decl_name(&c.name);
                self.cond(&c.cond);
                self.condition_cycle(c);
            }
            ItemKind::Scp(p) => {
                self.decl_name(&p.name);
                for s in &p.stmts {
                    self.stmt(s, Block::Scp);
                }
            }
            ItemKind::Identity(p) => {
                self.decl_name(&p.name);
                for s in &p.stmts {
                    self.stmt(s, Block::Identity);
                }
            }
            ItemKind::Rcp(p) => {
                self.decl_name(&p.name);
                for s in &p.stmts {
                    self.stmt(s, Block::Rcp);
                }
            }
            ItemKind::Guardrail(g) => self.guardrail(g),
            ItemKind::Control(c) => self.control(c),
            ItemKind::Attach(a) => self.attach(a),
            ItemKind::Test(t) => self.test(t),
            ItemKind::Rule(r) => {
                self.push(
                    Diagnostic::new(
                        Code::E0106,
                        r.effect_span,
                        "core rule outside a policy block",
                    )
                    .with_label("this rule belongs to no policy")
                    .with_help(
                        "put it inside an `scp NAME { … }` (or `rcp NAME { … }`, `identity NAME { … }`) block",
                    ),
                );
                self.rule(r);
            }
            ItemKind::Error => {}
        }
    }

    fn use_edge(&mut self, span: Span) {
        let edges = self
            .index
            .uses
            .get(self.path)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let mut missing: Vec<String> = Vec::new();
        for e in edges.iter().filter(|e| e.span == span) {
            match &e.target {
                UseTarget::Missing(what) => missing.push(what.clone()),
                UseTarget::Unreadable(what, why) => self.push(
                    Diagnostic::new(Code::E0103, span, format!("cannot read `{what}`"))
                        .with_label("not read")
                        .with_help(why.clone()),
                ),
                _ => {}
            }
        }
        for what in &missing {
            let d = if what.starts_with("std::") || !what.ends_with(".gov") && !what.contains('/') {
                let name = what.trim_start_matches("std::");
                let modules: Vec<&str> = self.index.modules.keys().map(String::as_str).collect();
                let mut d =
                    Diagnostic::new(Code::E0104, span, format!("no stdlib module `{name}`"))
                        .with_label("unknown module");
                d = match did_you_mean(name, modules.iter().copied()) {
                    Some(s) => d.with_help(format!(
                        "did you mean `std::{s}`? the modules are {}",
                        modules.join(", ")
                    )),
                    None => d.with_help(format!("the modules are {}", modules.join(", "))),
                };
                d
            } else {
                Diagnostic::new(Code::E0103, span, format!("cannot read `{what}`"))
                    .with_label("file not found")
                    .with_help("`use` paths are relative to the file that contains them")
            };
            self.push(d);
        }
    }

    /// E0100 for a name declared in a file this one does not `use`.
    fn not_in_scope(&self, name: &str, span: Span, d: &Decl) -> Diagnostic {
        Diagnostic::new(Code::E0100, span, format!("`{name}` is not in scope here"))
            .with_label(format!("{} declared in another file", d.kind.describe()))
            .with_secondary(Some(d.file.clone()), d.span, "declared here")
            .with_help(format!(
                "add `use \"{}\"` to this file",
                relative_use(self.path, &d.file)
            ))
    }

    fn decl_name(&mut self, name: &Ident) {
        if name.name.len() > MAX_NAME_CHARS {
            self.push(
                Diagnostic::new(
                    Code::E0118,
                    name.span,
                    format!(
                        "a name of {} characters; the limit is {MAX_NAME_CHARS}",
                        name.name.len()
                    ),
                )
                .with_label("too long")
                .with_help("AWS allows 128 characters in a policy name, and govc adds up to 16 to a policy split in parts"),
            );
        }
        if !is_identifier(&name.name) {
            self.push(
                Diagnostic::new(
                    Code::E0108,
                    name.span,
                    format!("`{}` is not a valid name", name.name),
                )
                .with_label("names are letters, digits and `_`")
                .with_help(format!(
                    "try `{}`",
                    name.name.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
                )),
            );
        }
    }

    // ----- values -----------------------------------------------------------------------------

    /// Resolves names inside a constant's value without typing it (typing happens at use sites).
    fn resolve_names_in(&mut self, v: &Value) {
        match &v.kind {
            ValueKind::Path(p) => {
                self.resolve_path(p);
            }
            ValueKind::List(items) => {
                for i in items {
                    self.resolve_names_in(i);
                }
            }
            _ => {}
        }
    }

    fn resolve_path(&mut self, p: &Path) -> Option<&'a Decl> {
        let segs: Vec<&str> = p.segments.iter().map(|s| s.name.as_str()).collect();
        match self.index.resolve_path(&segs) {
            Ok(d) => Some(d),
            Err(index::PathError::NoModule(m)) => {
                let modules: Vec<&str> = self.index.modules.keys().map(String::as_str).collect();
                let mut d = Diagnostic::new(Code::E0104, p.span, format!("no stdlib module `{m}`"))
                    .with_label("unknown module");
                d = match did_you_mean(&m, modules.iter().copied()) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help(format!("the modules are {}", modules.join(", "))),
                };
                self.push(d);
                None
            }
            Err(index::PathError::NoItem(m, item)) => {
                let items: Vec<&str> = self
                    .index
                    .modules
                    .get(&m)
                    .map(|i| i.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                let mut d = Diagnostic::new(
                    Code::E0100,
                    p.span,
                    format!("module `{m}` has no item `{item}`"),
                )
                .with_label("unknown name");
                d = match did_you_mean(&item, items.iter().copied()) {
                    Some(s) => d.with_help(format!("did you mean `{m}::{s}`?")),
                    None => d.with_help(format!("`{m}` defines {}", items.join(", "))),
                };
                self.push(d);
                None
            }
            Err(index::PathError::Shape) => {
                self.push(
                    Diagnostic::new(
                        Code::E0100,
                        p.span,
                        format!("`{}` is not a stdlib name", p.to_text()),
                    )
                    .with_label("expected `module::item`")
                    .with_help("stdlib names are written `module::item`, e.g. `bedrock::invoke`"),
                );
                None
            }
        }
    }

    fn values(&mut self, vs: &[Value], expect: Expect) {
        for v in vs {
            self.value(v, expect);
        }
    }

    /// Checks a value (expanding constants) against what its position expects.
    fn value(&mut self, v: &Value, expect: Expect) {
        match &v.kind {
            ValueKind::List(items) => self.values(items, expect),
            ValueKind::Path(p) => {
                if let Some(d) = self.resolve_path(p) {
                    self.expand_const(d, expect, p.span);
                }
            }
            ValueKind::Word(w) => {
                if is_identifier(w) {
                    match self.index.resolve(self.path, w) {
                        Resolved::Decl(d) if d.kind.is_value() => {
                            self.expand_const(d, expect, v.span);
                            return;
                        }
                        Resolved::NotInScope(d) if d.kind.is_value() => {
                            self.push(self.not_in_scope(w, v.span, d));
                            return;
                        }
                        _ => {}
                    }
                }
                self.literal(w, v.span, expect, false);
            }
            ValueKind::Str(s) => self.literal(s, v.span, expect, true),
            ValueKind::Bool(b) => {
                let text = if *b { "true" } else { "false" };
                match expect {
                    Expect::Key(_) | Expect::Text => self.literal(text, v.span, expect, false),
                    _ => self.push(
                        Diagnostic::new(
                            Code::E0207,
                            v.span,
                            format!("`{text}` is not {}", expect.describe()),
                        )
                        .with_label("a boolean")
                        .with_help(format!("expected {}", expect.describe())),
                    ),
                }
            }
        }
    }

    fn literal(&mut self, text: &str, span: Span, expect: Expect, quoted: bool) {
        // A quoted literal's span includes its quotes; point inside them.
        let at = if quoted { inner(span) } else { span };
        if self.diags.is_full() {
            // Only counted from here on: skip the search for a constant's name.
            if let Some(d) = check_literal(&self.index.catalog, text, at, expect, quoted) {
                self.diags
                    .count_dropped(1, d.code.severity(), self.path, at);
            }
            return;
        }
        if let Some(mut d) = check_literal(&self.index.catalog, text, at, expect, quoted) {
            // For an identifier-shaped word, a visible constant's name may be what was meant.
            if is_identifier(text) && d.fix.is_none() {
                let names: Vec<String> = self
                    .index
                    .visible_names(self.path)
                    .iter()
                    .filter(|d| d.kind.is_value())
                    .map(|d| d.name.clone())
                    .collect();
                if let Some(s) = did_you_mean(text, names.iter().map(String::as_str)) {
                    d = d.with_suggestion(s);
                }
            }
            self.push(d);
        }
    }

    fn expand_const(&mut self, d: &'a Decl, expect: Expect, use_span: Span) {
        let key = (d.file.clone(), d.name.clone());
        if self.expanding.contains(&key) {
            self.push(
                Diagnostic::new(
                    Code::E0100,
                    use_span,
                    format!("`{}` is defined in terms of itself", d.name),
                )
                .with_label("refers back to itself")
                .with_secondary(Some(d.file.clone()), d.span, "declared here")
                .with_help("a constant cannot contain itself, directly or through other constants"),
            );
            return;
        }
        let too_deep = |c: &mut Self| {
            c.push(
                Diagnostic::new(
                    Code::E0117,
                    use_span,
                    format!(
                        "constants nested more than {} deep",
                        index::MAX_CONST_DEPTH
                    ),
                )
                .with_label("the chain of constants from here is too long")
                .with_secondary(Some(d.file.clone()), d.span, "declared here")
                .with_help("refer to the values more directly: one set with the list, or fewer intermediate constants"),
            );
        };
        let memo = (d.file.clone(), d.name.clone(), expect);
        if let Some(&height) = self.checked_consts.get(&memo) {
            if self.expanding.len() + height > index::MAX_CONST_DEPTH {
                too_deep(self);
            }
            self.const_height = self.const_height.max(height);
            return;
        }
        if self.expanding.len() >= index::MAX_CONST_DEPTH {
            too_deep(self);
            return;
        }
        let Some(value) = &d.value else { return };
        // Elements are resolved in the constant's own file and reported there.
        let saved = self.path;
        let outer_height = std::mem::take(&mut self.const_height);
        self.path = leak_path(self.index, &d.file).unwrap_or(saved);
        self.expanding.push(key);
        self.value(value, expect);
        self.expanding.pop();
        self.path = saved;
        let height = self.const_height + 1;
        self.checked_consts.insert(memo, height);
        self.const_height = outer_height.max(height);
    }

    fn target_ref(&mut self, name: &Ident) -> Option<&'a Decl> {
        match self.index.resolve(self.path, &name.name) {
            Resolved::Decl(d) if d.kind.is_target() => Some(d),
            Resolved::Decl(d) => {
                self.push(
                    Diagnostic::new(
                        Code::E0105,
                        name.span,
                        format!(
                            "`{}` is {}, not an organization target",
                            name.name,
                            d.kind.describe()
                        ),
                    )
                    .with_label("expected a root, OU or account")
                    .with_secondary(Some(d.file.clone()), d.span, "declared here")
                    .with_help("targets are declared in the `org` block"),
                );
                None
            }
            Resolved::NotInScope(d) => {
                self.push(self.not_in_scope(&name.name, name.span, d));
                None
            }
            Resolved::Unknown => {
                let names: Vec<String> = self
                    .index
                    .visible_names(self.path)
                    .iter()
                    .filter(|d| d.kind.is_target())
                    .map(|d| d.name.clone())
                    .collect();
                let mut d = Diagnostic::new(
                    Code::E0100,
                    name.span,
                    format!("unknown target `{}`", name.name),
                )
                .with_label("not declared");
                d = d.with_suggestion_or(did_you_mean(&name.name, names.iter().map(String::as_str)), "declare targets in an `org` block: `ou NAME = \"ou-…\"`, `account NAME = \"…\"`");
                self.push(d);
                None
            }
        }
    }

    // ----- org --------------------------------------------------------------------------------

    fn org(&mut self, org: &Org) {
        let mut org_id: Option<Span> = None;
        for e in &org.entries {
            match &e.kind {
                OrgEntryKind::OrgId { setting, id } => {
                    if setting.name != "id" {
                        let mut d = Diagnostic::new(
                            Code::E0217,
                            setting.span,
                            format!("unknown organization setting `{}`", setting.name),
                        )
                        .with_label("not a setting of `org`");
                        d = d.with_suggestion_or(
                            did_you_mean(&setting.name, ["id"]),
                            "the organization's id is written `id = \"o-…\"`; targets are `root = …`, `ou NAME = …`, `account NAME = …`",
                        );
                        self.push(d);
                        continue;
                    }
                    if let Some(first) = org_id {
                        self.push(
                            Diagnostic::new(
                                Code::E0107,
                                e.span,
                                "the organization's id is declared twice",
                            )
                            .with_label("second id")
                            .with_secondary(None, first, "first id")
                            .with_help("an organization has one id; keep one `id = \"o-…\"`"),
                        );
                    }
                    org_id.get_or_insert(e.span);
                    self.single(id);
                    self.resolve_names_in(id);
                    let mut lits = Vec::new();
                    self.index.literals(self.path, id, &mut lits);
                    if let Some(bad) = lits.iter().find(|l| !is_id(l, "o-", 10, 32, None)) {
                        self.push(
                            Diagnostic::new(
                                Code::E0210,
                                id.span,
                                format!("`{bad}` is not a valid organization id"),
                            )
                            .with_label("malformed id")
                            .with_help("organization ids are `o-` and 10–32 lowercase letters or digits (`aws organizations describe-organization` prints it)"),
                        );
                    }
                }
                OrgEntryKind::Ou { name, .. } | OrgEntryKind::Account { name, .. } => {
                    self.decl_name(name)
                }
                OrgEntryKind::LimitsPreset(p) => {
                    if !matches!(p.name.as_str(), "legacy" | "current") {
                        let mut d = Diagnostic::new(
                            Code::E0216,
                            p.span,
                            format!("unknown limits preset `{}`", p.name),
                        )
                        .with_label("not a preset");
                        d = d.with_suggestion_or(did_you_mean(&p.name, ["legacy", "current"]), "the presets are `current` (10,240 characters, 10 SCPs per target) and `legacy` (5,120, 5)");
                        self.push(d);
                    }
                }
                OrgEntryKind::Limits(settings) => {
                    for (name, value) in settings {
                        let max = match name.name.as_str() {
                            "scp_size" => 10_240,
                            "scp_per_target" => 10,
                            other => {
                                let mut d = Diagnostic::new(
                                    Code::E0216,
                                    name.span,
                                    format!("unknown limit `{other}`"),
                                )
                                .with_label("not a limit");
                                d = d.with_suggestion_or(
                                    did_you_mean(other, ["scp_size", "scp_per_target"]),
                                    "the limits are `scp_size` and `scp_per_target`",
                                );
                                self.push(d);
                                continue;
                            }
                        };
                        let n = match &value.kind {
                            ValueKind::Word(w) | ValueKind::Str(w) => {
                                w.replace('_', "").parse::<u64>().ok()
                            }
                            _ => None,
                        };
                        if !n.is_some_and(|n| (1..=max).contains(&n)) {
                            self.push(
                                Diagnostic::new(Code::E0216, value.span, format!("`{}` must be a number from 1 to {max}", name.name))
                                    .with_label("out of range")
                                    .with_help("limits can be lowered below what AWS allows, never raised above it (docs/aws.md §1.1)"),
                            );
                        }
                    }
                }
                OrgEntryKind::Root { .. } | OrgEntryKind::Error => {}
            }
        }
    }

    // ----- policy statements ------------------------------------------------------------------

    fn not_here(&mut self, span: Span, what: &str, block: Block) {
        let (here, help) = match block {
            Block::Scp => ("an `scp` block", "SCPs only filter permissions; grant them in an `identity` policy, or write a `permit` rule"),
            Block::Identity => ("an `identity` block", "identity policies grant with `allow …` or `permit`; put organization-wide restrictions in an `scp` block"),
            Block::Rcp => ("an `rcp` block", "a resource control policy only denies, and only on the services RCPs govern (`rcp::services`): write `deny service`, `deny actions`, `deny all`, `only regions … for services …` or `forbid`; Bedrock rules belong in an `scp` block"),
        };
        self.push(
            Diagnostic::new(Code::E0111, span, format!("{what} cannot appear in {here}"))
                .with_label("not allowed here")
                .with_help(help),
        );
    }

    fn stmt(&mut self, s: &Stmt, block: Block) {
        let scp_only =
            |k: &StmtKind| !matches!(k, StmtKind::Allow(_) | StmtKind::Rule(_) | StmtKind::Error);
        if block == Block::Identity && scp_only(&s.kind) {
            self.not_here(s.span, "this statement", block);
        }
        if block == Block::Rcp {
            self.rcp_stmt(s);
        }
        match &s.kind {
            StmtKind::Require(w) => {
                if !REQUIREMENTS.contains(&w.name.as_str()) {
                    let mut d = Diagnostic::new(
                        Code::E0109,
                        w.span,
                        format!("unknown requirement `{}`", w.name),
                    )
                    .with_label("not a requirement");
                    d = d.with_suggestion_or(did_you_mean(&w.name, REQUIREMENTS.iter().copied()), "write `require application_inference_profile` or `require tags K, … on inference_profile`");
                    self.push(d);
                }
            }
            StmtKind::RequireTags { tags, on } => {
                self.values(tags, Expect::TagKey);
                if !TAGGABLE_KINDS.contains(&on.name.as_str()) {
                    let mut d = Diagnostic::new(
                        Code::E0213,
                        on.span,
                        format!("`{}` is not a taggable resource kind", on.name),
                    )
                    .with_label("unknown kind");
                    d = d.with_suggestion_or(did_you_mean(&on.name, TAGGABLE_KINDS.iter().copied()), "tags can be required on `inference_profile` (application inference profiles)");
                    self.push(d);
                }
            }
            StmtKind::RequireTagsFor {
                tags,
                values,
                actions,
                resources,
                clauses,
            } => {
                self.values(tags, Expect::TagKey);
                if let Some(v) = values {
                    if let [_, second, ..] = tags.as_slice() {
                        self.push(
                            Diagnostic::new(
                                Code::E0219,
                                second.span,
                                "`in [..]` constrains one tag",
                            )
                            .with_label("a second tag key")
                            .with_help(
                                "write one `require tags KEY in [..] for actions …` per tag",
                            ),
                        );
                    }
                    self.value(v, Expect::Text);
                }
                self.values(actions, Expect::Action);
                self.values(resources, Expect::ResourceArn);
                self.clauses(clauses);
            }
            StmtKind::ProtectTags {
                tags,
                services,
                actions,
                clauses,
            } => {
                self.values(tags, Expect::TagKey);
                self.values(services, Expect::Service);
                self.values(actions, Expect::Action);
                for v in services {
                    let mut lits = Vec::new();
                    self.index.literals(self.path, v, &mut lits);
                    let cat = &self.index.catalog;
                    if let Some(none) = lits
                        .iter()
                        .find(|s| cat.service(s).is_some() && cat.tag_removal_actions(s).is_empty())
                    {
                        self.push(
                            Diagnostic::new(Code::E0229, v.span, format!("`{none}` has no tag-removal action"))
                                .with_label("no `Untag…`, `DeleteTags` or `RemoveTags…` action in the catalog")
                                .with_help("name the actions that remove its tags: `protect tags … for actions …`"),
                        );
                    }
                }
                self.clauses(clauses);
            }
            StmtKind::DenyModels { models, clauses } => {
                self.values(models, Expect::ModelPattern);
                self.clauses(clauses);
            }
            StmtKind::OnlyModels { models, clauses } => {
                self.values(models, Expect::AllowedModel);
                self.clauses(clauses);
            }
            StmtKind::OnlyRegions {
                regions,
                services,
                clauses,
                ..
            } => {
                self.values(regions, Expect::Region);
                self.values(services, Expect::Service);
                self.clauses(clauses);
            }
            StmtKind::DenyServices { services, clauses } => {
                self.values(services, Expect::Service);
                self.clauses(clauses);
            }
            StmtKind::DenyAll { clauses } => self.clauses(clauses),
            StmtKind::DenyApiKeys { kind, clauses } => {
                if let Some(k) = kind {
                    if !API_KEY_KINDS.contains(&k.name.as_str()) {
                        let mut d = Diagnostic::new(
                            Code::E0217,
                            k.span,
                            format!("`{}` is not an API key kind", k.name),
                        )
                        .with_label("unknown kind");
                        d = d.with_suggestion_or(
                            did_you_mean(&k.name, API_KEY_KINDS.iter().copied()),
                            "write `long_term`, `short_term` or `all`",
                        );
                        self.push(d);
                    }
                }
                self.clauses(clauses);
            }
            StmtKind::DenyActions {
                actions,
                resources,
                clauses,
            } => {
                self.values(actions, Expect::Action);
                self.values(resources, Expect::ResourceArn);
                self.clauses(clauses);
            }
            StmtKind::Allow(a) => {
                if block == Block::Scp {
                    self.not_here(s.span, "`allow`", block);
                }
                self.allow(a);
            }
            StmtKind::Rule(r) => self.rule(r),
            StmtKind::Error => {}
        }
    }

    /// What an `rcp` block may say (E0111, E0226, E0227): deny-only statements about the
    /// services RCPs govern (`rcp::services`, stdlib/rcp.gov), with no excluded actions.
    fn rcp_stmt(&mut self, s: &Stmt) {
        let (module, item) = crate::stdlib::RCP_SERVICES;
        let services = self.index.std_literals(module, item);
        match &s.kind {
            StmtKind::DenyModels { .. }
            | StmtKind::OnlyModels { .. }
            | StmtKind::DenyApiKeys { .. }
            | StmtKind::Require(_)
            | StmtKind::RequireTags { .. }
            | StmtKind::Allow(_) => self.not_here(s.span, "this statement", Block::Rcp),
            StmtKind::Rule(r) => {
                if r.effect == Effect::Permit {
                    self.not_here(r.effect_span, "`permit`", Block::Rcp);
                }
                for e in r.scope.iter().filter(|e| e.var == ScopeVar::Action) {
                    let Some((op, v)) = &e.constraint else {
                        continue;
                    };
                    if matches!(op, ScopeOp::NotEq | ScopeOp::NotIn | ScopeOp::NotLike) {
                        self.push(
                            Diagnostic::new(Code::E0227, e.span, "a resource control policy cannot exclude actions")
                                .with_label("RCPs have no `NotAction`")
                                .with_help("list the actions the rule is about (`action in [s3:PutObject, …]`), or deny whole services with `deny service`"),
                        );
                    } else {
                        self.rcp_actions(std::slice::from_ref(v), &services);
                    }
                }
            }
            StmtKind::DenyActions { actions, .. } | StmtKind::RequireTagsFor { actions, .. } => {
                self.rcp_actions(actions, &services)
            }
            StmtKind::ProtectTags {
                services: named,
                actions,
                ..
            } => {
                self.rcp_services(named, &services);
                self.rcp_actions(actions, &services);
            }
            StmtKind::DenyServices {
                services: named, ..
            } => self.rcp_services(named, &services),
            StmtKind::OnlyRegions { all: Some(all), .. } => {
                self.push(
                    Diagnostic::new(
                        Code::E0227,
                        *all,
                        "`for all services` cannot be written in a resource control policy",
                    )
                    .with_label("it excludes the global services, and RCPs have no `NotAction`")
                    .with_help(format!(
                        "name the services: `for services {}`",
                        services.join(", ")
                    )),
                );
            }
            StmtKind::OnlyRegions {
                services: named, ..
            } => {
                if named.is_empty() {
                    self.push(
                        Diagnostic::new(Code::E0226, s.span, "`only regions` in an `rcp` block must name its services")
                            .with_label("its default services, `bedrock` and `bedrock-mantle`, are not governed by RCPs")
                            .with_help(format!("add `for services …` with some of: {}", services.join(", "))),
                    );
                }
                self.rcp_services(named, &services)
            }
            StmtKind::DenyAll { .. } | StmtKind::Error => {}
        }
    }

    /// Each value names services that RCPs govern.
    fn rcp_services(&mut self, values: &[Value], services: &[String]) {
        for v in values {
            let mut lits = Vec::new();
            self.index.literals(self.path, v, &mut lits);
            if let Some(bad) = lits.iter().find(|l| !services.contains(l)) {
                self.push(rcp_service_error(
                    v.span,
                    &format!("`{bad}`"),
                    bad,
                    services,
                ));
            }
        }
    }

    /// Each value names actions (or action patterns) of services that RCPs govern.
    fn rcp_actions(&mut self, values: &[Value], services: &[String]) {
        for v in values {
            let mut lits = Vec::new();
            self.index.literals(self.path, v, &mut lits);
            let bad = lits.iter().find(|l| match l.split_once(':') {
                Some((prefix, _)) => !services.iter().any(|s| s.eq_ignore_ascii_case(prefix)),
                None => true,
            });
            if let Some(bad) = bad {
                let prefix = bad.split_once(':').map(|(p, _)| p).unwrap_or(bad);
                self.push(rcp_service_error(
                    v.span,
                    &format!("`{bad}`"),
                    prefix,
                    services,
                ));
            }
        }
    }

    fn allow(&mut self, a: &Allow) {
        if let AllowWhat::Actions(actions) = &a.what {
            self.values(actions, Expect::Action);
        }
        match &a.kind {
            None => self.values(&a.resources, Expect::ResourceArn),
            Some(k) => {
                let kinds = resource_kinds(&self.index.catalog);
                match k.name.as_str() {
                    "model" => self.values(&a.resources, Expect::ModelPattern),
                    name if kinds.iter().any(|x| x == name) => {
                        self.values(&a.resources, Expect::Text)
                    }
                    name => {
                        let mut d = Diagnostic::new(
                            Code::E0213,
                            k.span,
                            format!("unknown resource kind `{name}`"),
                        )
                        .with_label("not a Bedrock resource type");
                        d = d.with_suggestion_or(did_you_mean(name, kinds.iter().map(String::as_str).chain(["model"])), "kinds are Bedrock resource types with `_`: `model`, `inference_profile`, `application_inference_profile`, …");
                        self.push(d);
                    }
                }
            }
        }
        if let Some(acct) = &a.account {
            self.value(acct, Expect::AccountId);
        }
        self.clauses(&a.clauses);
    }

    fn clauses(&mut self, clauses: &[Clause]) {
        for c in clauses {
            match &c.pred {
                SurfacePred::Region(v) => self.value(v, Expect::Region),
                SurfacePred::Principal(v) => self.value(v, Expect::PrincipalArn),
                SurfacePred::PrincipalAccount(v) => self.value(v, Expect::AccountId),
                SurfacePred::ViaMcp(v) => {
                    if let Some(v) = v {
                        self.value(v, Expect::Text);
                    }
                }
                SurfacePred::Cond(cond) => self.cond(cond),
            }
        }
    }

    // ----- core rules -------------------------------------------------------------------------

    fn rule(&mut self, r: &Rule) {
        let mut last: Option<ScopeVar> = None;
        let order = |v: ScopeVar| match v {
            ScopeVar::Principal => 0,
            ScopeVar::Action => 1,
            ScopeVar::Resource => 2,
        };
        for e in &r.scope {
            if let Some(prev) = last {
                if order(e.var) <= order(prev) {
                    self.push(
                        Diagnostic::new(Code::E0110, e.var_span, "scope entries must be `principal`, `action`, `resource`, each at most once, in that order")
                            .with_label(if e.var == prev { "repeated" } else { "out of order" })
                            .with_help("write `(principal …, action …, resource …)`; leave out what is unconstrained"),
                    );
                }
            }
            last = Some(e.var);
            let Some((op, value)) = &e.constraint else {
                continue;
            };
            let expect = match e.var {
                ScopeVar::Principal => Expect::PrincipalArn,
                ScopeVar::Action => Expect::Action,
                ScopeVar::Resource => Expect::ResourceArn,
            };
            // `like [p, …]` and `not like [p, …]` take several patterns; `==`/`!=` one value.
            if matches!(op, ScopeOp::Eq | ScopeOp::NotEq) {
                self.single(value);
            }
            if e.var == ScopeVar::Principal
                && matches!(
                    op,
                    ScopeOp::Eq | ScopeOp::NotEq | ScopeOp::In | ScopeOp::NotIn
                )
            {
                let mut lits = Vec::new();
                self.index.literals(self.path, value, &mut lits);
                if let Some(w) = lits.iter().find(|l| is_glob(l) && !l.contains("${")) {
                    let like = if matches!(op, ScopeOp::Eq | ScopeOp::In) {
                        "like"
                    } else {
                        "not like"
                    };
                    self.push(
                        Diagnostic::new(Code::E0222, value.span, format!("`{w}` is compared exactly, and no principal ARN contains `*` or `?`"))
                            .with_label("never matches as an exact ARN")
                            .with_help(format!("compare as an ARN pattern: `principal {like} …`")),
                    );
                }
            }
            self.value(value, expect);
        }
        for c in &r.clauses {
            self.cond(&c.cond);
        }
        let mut actions = Vec::new();
        for e in &r.scope {
            if let (ScopeVar::Action, Some((ScopeOp::Eq | ScopeOp::In | ScopeOp::Like, v))) =
                (e.var, &e.constraint)
            {
                self.index.literals(self.path, v, &mut actions);
            }
        }
        if !actions.is_empty() {
            // Resolve the patterns once per rule; each key is then judged once, however many
            // predicates use it.
            let cat = &self.index.catalog;
            let mut resolved: Vec<&crate::catalog::Action> = Vec::new();
            for pattern in &actions {
                for a in cat.match_actions(pattern) {
                    if !resolved.iter().any(|x| std::ptr::eq(*x, a)) {
                        resolved.push(a);
                    }
                }
            }
            let mut seen_keys: HashSet<String> = HashSet::new();
            for c in &r.clauses {
                self.keys_for_actions(&c.cond, &resolved, &mut seen_keys);
            }
        }
    }

    /// W0222: a service key (or a tag key) that none of the named actions' requests carry.
    fn keys_for_actions(
        &mut self,
        c: &Cond,
        actions: &[&crate::catalog::Action],
        seen: &mut HashSet<String>,
    ) {
        match c {
            Cond::And(v, _) | Cond::Or(v, _) => {
                for x in v {
                    self.keys_for_actions(x, actions, seen);
                }
            }
            Cond::Not(x, _) => self.keys_for_actions(x, actions, seen),
            // A named condition's keys are checked where it is declared, not per use.
            Cond::Ref(_) => {}
            Cond::Pred(p) => {
                let cat = &self.index.catalog;
                let Some(key) = cat.condition_key(&p.key.value) else {
                    return;
                };
                if !seen.insert(key.name.to_ascii_lowercase()) {
                    return;
                }
                let lower = key.name.to_ascii_lowercase();
                let action_specific = !lower.starts_with("aws:")
                    || ["aws:requesttag/", "aws:resourcetag/", "aws:tagkeys"]
                        .iter()
                        .any(|k| lower.starts_with(k));
                if !action_specific {
                    return;
                }
                let mut missing: Vec<String> = Vec::new();
                for a in actions {
                    let Some(detail) = &a.detail else { continue };
                    let carries = detail
                        .condition_keys
                        .iter()
                        .chain(
                            detail
                                .resource_types
                                .iter()
                                .flat_map(|r| r.condition_keys.iter()),
                        )
                        .any(|k| k.eq_ignore_ascii_case(&key.name));
                    if !carries {
                        missing.push(a.full_name());
                    }
                }
                if missing.is_empty() {
                    return;
                }
                let key_span = inner(p.key.span);
                let shown: Vec<String> = missing.iter().take(5).map(|a| format!("`{a}`")).collect();
                let more = if missing.len() > 5 {
                    format!(" and {} more", missing.len() - 5)
                } else {
                    String::new()
                };
                self.push(
                    Diagnostic::new(Code::W0222, key_span, format!("`{}` is never present for {}{more}", key.name, shown.join(", ")))
                        .with_label("key missing for some of the rule's actions")
                        .with_help("on a missing key a positive comparison is false and a negated one true; name only actions that carry the key, or split the rule"),
                );
            }
        }
    }

    /// W0223: a value with `*`/`?` that an exact comparison takes literally.
    fn exact_wildcards(&mut self, v: &Value, instead: &str) {
        let mut lits = Vec::new();
        self.index.literals(self.path, v, &mut lits);
        if let Some(w) = lits.iter().find(|l| is_glob(l) && !l.contains("${")) {
            self.push(
                Diagnostic::new(
                    Code::W0223,
                    v.span,
                    format!("`{w}` is compared exactly: its wildcard is an ordinary character"),
                )
                .with_label("`==`, `!=`, `in` and `not in` compare exactly")
                .with_help(format!("to match a pattern, write {instead}")),
            );
        }
    }

    fn single(&mut self, v: &Value) {
        if let ValueKind::List(_) = v.kind {
            self.push(
                Diagnostic::new(Code::E0219, v.span, "a list is not allowed here")
                    .with_label("expected one value")
                    .with_help("use `in [..]` to compare with several values"),
            );
        }
    }

    fn cond(&mut self, c: &Cond) {
        // Nesting is bounded by the parser's bracket limit, so recursion depth is too.
        match c {
            Cond::And(v, _) | Cond::Or(v, _) => {
                for x in v {
                    self.cond(x);
                }
            }
            Cond::Not(x, _) => self.cond(x),
            Cond::Pred(p) => self.pred(p),
            Cond::Ref(name) => self.cond_ref(name),
        }
    }

    /// A use of a named condition: declared, visible, and a condition (E0100, E0105).
    fn cond_ref(&mut self, name: &Ident) {
        match self.index.resolve(self.path, &name.name) {
            Resolved::Decl(d) if d.kind == DeclKind::Condition => {}
            Resolved::Decl(d) => self.push(
                Diagnostic::new(
                    Code::E0105,
                    name.span,
                    format!("`{}` is {}, not a named condition", name.name, d.kind.describe()),
                )
                .with_label("expected a condition")
                .with_secondary(Some(d.file.clone()), d.span, "declared here")
                .with_help("name a condition declared with `const NAME = { … }`, or write the condition in braces"),
            ),
            Resolved::NotInScope(d) => self.push(self.not_in_scope(&name.name, name.span, d)),
            Resolved::Unknown => {
                let names: Vec<String> = self
                    .index
                    .visible_names(self.path)
                    .iter()
                    .filter(|d| d.kind == DeclKind::Condition)
                    .map(|d| d.name.clone())
                    .collect();
                let mut d = Diagnostic::new(
                    Code::E0100,
                    name.span,
                    format!("unknown condition `{}`", name.name),
                )
                .with_label("not declared");
                d = d.with_suggestion_or(
                    did_you_mean(&name.name, names.iter().map(String::as_str)),
                    "declare it with `const NAME = { … }`, or write the condition in braces: `unless { context[\"…\"] … }`",
                );
                self.push(d);
            }
        }
    }

    /// E0100: a named condition that uses itself, directly or through others.
    fn condition_cycle(&mut self, c: &NamedCondition) {
        // Depth-first through the conditions it names; each declaration visited once, so the
        // walk is bounded by the program's size.
        let mut seen: HashSet<(String, String)> = HashSet::new();
        let mut stack: Vec<(String, &Cond)> = vec![(self.path.to_string(), &c.cond)];
        let mut refs: Vec<(String, Ident)> = Vec::new();
        while let Some((file, cond)) = stack.pop() {
            refs.clear();
            collect_refs(cond, &file, &mut refs);
            for (file, r) in refs.drain(..) {
                let Some((decl_file, inner)) = self.index.named_condition(&file, &r.name) else {
                    continue;
                };
                if r.name == c.name.name && decl_file == self.path {
                    self.push(
                        Diagnostic::new(
                            Code::E0100,
                            c.name.span,
                            format!("`{}` is defined in terms of itself", c.name.name),
                        )
                        .with_label("refers back to itself")
                        .with_help("a named condition cannot contain itself, directly or through other conditions"),
                    );
                    return;
                }
                if seen.insert((decl_file.to_string(), r.name.clone())) {
                    stack.push((decl_file.to_string(), inner));
                }
            }
        }
        // No cycle: the chain of conditions it names is bounded like a chain of constants, so
        // that expanding it (the desugaring, the semantics) stays shallow.
        let path = self.path;
        let height = 1 + self.cond_below(path, &c.cond, 1);
        if height > index::MAX_CONST_DEPTH {
            self.push(
                Diagnostic::new(
                    Code::E0117,
                    c.name.span,
                    format!(
                        "named conditions nested more than {} deep",
                        index::MAX_CONST_DEPTH
                    ),
                )
                .with_label("the chain of conditions from here is too long")
                .with_help("write the condition more directly, with fewer intermediate names"),
            );
        }
    }

    /// How many named conditions `c` reaches through, one below the other (0: none), capped
    /// just past the limit; memoised per declaration, so every chain is walked once, and never
    /// more than the limit deep in recursion.
    fn cond_below(&mut self, file: &str, c: &Cond, depth: usize) -> usize {
        let mut refs = Vec::new();
        collect_refs(c, file, &mut refs);
        let mut h = 0;
        for (file, r) in refs {
            let Some((decl_file, inner)) = self.index.named_condition(&file, &r.name) else {
                continue;
            };
            let key = (decl_file.to_string(), r.name.clone());
            let b = match self.cond_heights.get(&key) {
                Some(&b) => b,
                None if depth >= index::MAX_CONST_DEPTH => return index::MAX_CONST_DEPTH + 1,
                None => {
                    // Marked before the walk, so a cycle (reported apart) ends it.
                    self.cond_heights.insert(key.clone(), 0);
                    let b = (1 + self.cond_below(decl_file, inner, depth + 1))
                        .min(index::MAX_CONST_DEPTH + 1);
                    self.cond_heights.insert(key, b);
                    b
                }
            };
            h = h.max(b);
        }
        h
    }

    fn pred(&mut self, p: &Pred) {
        let cat = &self.index.catalog;
        let Some(key) = cat.condition_key(&p.key.value) else {
            self.push(unknown_key(&self.index.catalog, &p.key));
            return;
        };
        let ty = key.ty;
        let null_check = matches!(p.op, PredOp::Absent | PredOp::Present);
        match (p.qualifier, ty.is_multivalued()) {
            (Some((_, span)), false) => self.push(
                Diagnostic::new(Code::E0208, span, format!("`{}` is single-valued ({})", key.name, ty.name()))
                    .with_label("set qualifier on a single-valued key")
                    .with_help("remove `any`/`all`; they are for multivalued (`ArrayOf…`) keys"),
            ),
            (None, true) if !null_check => self.push(
                Diagnostic::new(Code::E0209, p.span, format!("`{}` is multivalued ({}); say `any` or `all`", key.name, ty.name()))
                    .with_label("missing set qualifier")
                    .with_help(format!("write `any context[\"{}\"] …` (some value matches) or `all context[…] …` (every value matches)", p.key.value)),
            ),
            _ => {}
        }
        let elem = ty.element();
        let op_ok = match &p.op {
            PredOp::Absent | PredOp::Present => true,
            PredOp::Cmp(CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge, _) => {
                matches!(elem, KeyType::Numeric | KeyType::Date)
            }
            PredOp::Like(_) | PredOp::NotLike(_) => matches!(elem, KeyType::String | KeyType::Arn),
            // `!=` on a Bool key is IAM's `BoolIfExists` with the other value (true on a
            // missing key, as every negated test); Binary has no negated operator.
            PredOp::Cmp(CmpOp::Ne, _) | PredOp::NotIn(_) => !matches!(elem, KeyType::Binary),
            PredOp::Cmp(CmpOp::Eq, _) | PredOp::In(_) => true,
        };
        if !op_ok {
            self.push(
                Diagnostic::new(
                    Code::E0215,
                    p.op_span,
                    format!(
                        "this comparison does not apply to `{}` ({})",
                        key.name,
                        ty.name()
                    ),
                )
                .with_label("operator not defined for this type")
                .with_help(match elem {
                    KeyType::Bool => "Bool keys are compared with `==` and `!=`",
                    KeyType::Binary => {
                        "Binary keys are compared with `==` (IAM has no negated `BinaryEquals`)"
                    }
                    _ => "`<`/`>` need a Numeric or Date key; `like` needs a String or ARN key",
                }),
            );
            return;
        }
        // Region codes are checked as in `only regions`, wherever the key is compared exactly.
        let exact = matches!(
            p.op,
            PredOp::Cmp(CmpOp::Eq | CmpOp::Ne, _) | PredOp::In(_) | PredOp::NotIn(_)
        );
        let expect = if exact && key.name.eq_ignore_ascii_case("aws:RequestedRegion") {
            Expect::Region
        } else {
            Expect::Key(elem)
        };
        if exact && elem == KeyType::String {
            if let PredOp::Cmp(_, v) | PredOp::In(v) | PredOp::NotIn(v) = &p.op {
                self.exact_wildcards(v, "`like`");
            }
        }
        match &p.op {
            PredOp::Absent | PredOp::Present => {}
            PredOp::Cmp(_, v) => {
                self.single(v);
                self.value(v, expect);
            }
            // `like [p, …]`: one of the patterns (docs/language.md §8.3).
            PredOp::Like(v) | PredOp::NotLike(v) | PredOp::In(v) | PredOp::NotIn(v) => {
                self.value(v, expect)
            }
        }
    }

    // ----- guardrails, controls, attachments, tests -------------------------------------------

    fn guardrail(&mut self, g: &Guardrail) {
        self.decl_name(&g.name);
        let mut regions: BTreeMap<String, Span> = BTreeMap::new();
        let mut has_use = false;
        for s in &g.stmts {
            match &s.kind {
                GuardStmtKind::Use { region, guardrail } => {
                    has_use = true;
                    self.value(region, Expect::Region);
                    let region_text = match &region.kind {
                        ValueKind::Word(w) | ValueKind::Str(w) => Some(w.clone()),
                        _ => None,
                    };
                    if let Some(r) = &region_text {
                        if let Some(first) = regions.get(r) {
                            let first = *first;
                            self.push(
                                Diagnostic::new(
                                    Code::E0101,
                                    region.span,
                                    format!("region `{r}` has two guardrails"),
                                )
                                .with_label("second configuration for this region")
                                .with_secondary(None, first, "first here")
                                .with_help("one guardrail per region per policy"),
                            );
                        } else {
                            regions.insert(r.clone(), region.span);
                        }
                    }
                    self.guardrail_arn(guardrail, region_text.as_deref());
                }
                GuardStmtKind::InputTags(v) => self.one_of(v, &["honor", "ignore"], "`input_tags`"),
                GuardStmtKind::Guarding(pairs) => {
                    for (what, mode) in pairs {
                        self.one_of(what, &["system", "messages"], "`guarding`");
                        self.one_of(mode, &["selective", "comprehensive"], "a guarding mode");
                    }
                }
                GuardStmtKind::Models {
                    include, exclude, ..
                } => {
                    self.values(include, Expect::ModelId);
                    self.values(exclude, Expect::ModelId);
                }
                GuardStmtKind::Lock | GuardStmtKind::Error => {}
            }
        }
        if !has_use {
            self.push(
                Diagnostic::new(Code::E0112, g.name.span, format!("guardrail `{}` names no guardrail", g.name.name))
                    .with_label("no `in REGION use \"ARN\"` line")
                    .with_help("add `in us-east-1 use \"arn:aws:bedrock:us-east-1:ACCOUNT:guardrail/ID:VERSION\"`"),
            );
        }
    }

    fn guardrail_arn(&mut self, s: &Str, region: Option<&str>) {
        let inner = inner(s.span);
        let parts: Vec<&str> = s.value.splitn(6, ':').collect();
        let err = |msg: String, help: &str| {
            Diagnostic::new(Code::E0212, inner, msg)
                .with_label("invalid guardrail identifier")
                .with_help(help.to_string())
        };
        let shape =
            "write `arn:aws:bedrock:REGION:ACCOUNT:guardrail/ID:VERSION` with a numeric version";
        let [arn, partition, service, arn_region, account, resource] = parts.as_slice() else {
            self.push(err(format!("`{}` is not a guardrail ARN", s.value), shape));
            return;
        };
        let (gid, version) = resource
            .strip_prefix("guardrail/")
            .and_then(|r| r.split_once(':'))
            .unwrap_or(("", ""));
        if *arn != "arn"
            || !partition.starts_with("aws")
            || *service != "bedrock"
            || !values::is_account_id(account)
            || gid.is_empty()
            || !gid.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            self.push(err(format!("`{}` is not a guardrail ARN", s.value), shape));
            return;
        }
        if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
            self.push(err(
                format!("guardrail version `{version}` is not a number"),
                "organization policies need a published, numbered guardrail version, not DRAFT (docs/aws.md §2.1)",
            ));
            return;
        }
        if let Some(r) = region {
            if *arn_region != r {
                self.push(
                    err(
                        format!("the guardrail is in `{arn_region}` but enforced in `{r}`"),
                        "a guardrail must be created and used in the region it is enforced in (docs/aws.md §2.1)",
                    )
                    .with_label("region differs"),
                );
            }
        }
    }

    fn one_of(&mut self, v: &Ident, allowed: &[&str], what: &str) {
        if allowed.contains(&v.name.as_str()) {
            return;
        }
        let mut d = Diagnostic::new(
            Code::E0217,
            v.span,
            format!("`{}` is not a valid value for {what}", v.name),
        )
        .with_label("invalid value");
        d = d.with_suggestion_or(
            did_you_mean(&v.name, allowed.iter().copied()),
            format!("expected one of: {}", allowed.join(", ")),
        );
        self.push(d);
    }

    fn control(&mut self, c: &Control) {
        self.decl_name(&c.name);
        for t in &c.targets {
            if let Some(d) = self.target_ref(t) {
                if d.kind != DeclKind::Ou {
                    self.push(
                        Diagnostic::new(
                            Code::E0300,
                            t.span,
                            format!(
                                "`{}` is {}; CT.MULTISERVICE.PV.1 applies to OUs only",
                                t.name,
                                d.kind.describe()
                            ),
                        )
                        .with_label("not an OU")
                        .with_help("enable the control on the OU that contains the accounts"),
                    );
                }
            }
        }
        let mut has_regions = false;
        for s in &c.stmts {
            match &s.kind {
                ControlStmtKind::Regions(v) => {
                    has_regions = true;
                    self.values(v, Expect::Region);
                }
                ControlStmtKind::ExemptActions(v) => self.values(v, Expect::Action),
                ControlStmtKind::ExemptPrincipals(v) => self.values(v, Expect::PrincipalArn),
                ControlStmtKind::Error => {}
            }
        }
        if !has_regions {
            self.push(
                Diagnostic::new(
                    Code::E0112,
                    c.name.span,
                    format!("control `{}` has no `regions`", c.name.name),
                )
                .with_label("AllowedRegions is mandatory")
                .with_help("add `regions us-east-1, …`: the regions the OU may use"),
            );
        }
    }

    fn attach(&mut self, a: &Attach) {
        for p in &a.policies {
            match self.index.resolve(self.path, &p.name) {
                Resolved::Decl(d)
                    if matches!(d.kind, DeclKind::Scp | DeclKind::Rcp | DeclKind::Guardrail) => {}
                Resolved::Decl(d) => {
                    let help = match d.kind {
                        DeclKind::Identity => "identity policies are attached to IAM roles and users, not to organization targets",
                        DeclKind::Control => "a control names its OUs itself: `control NAME on OU { … }`",
                        _ => "`attach` takes `scp`, `rcp` and `guardrail` policies",
                    };
                    self.push(
                        Diagnostic::new(
                            Code::E0105,
                            p.span,
                            format!(
                                "`{}` is {}, which cannot be attached",
                                p.name,
                                d.kind.describe()
                            ),
                        )
                        .with_label("not attachable")
                        .with_secondary(Some(d.file.clone()), d.span, "declared here")
                        .with_help(help),
                    );
                }
                Resolved::NotInScope(d) => self.push(self.not_in_scope(&p.name, p.span, d)),
                Resolved::Unknown => {
                    let names: Vec<String> = self
                        .index
                        .visible_names(self.path)
                        .iter()
                        .filter(|d| {
                            matches!(d.kind, DeclKind::Scp | DeclKind::Rcp | DeclKind::Guardrail)
                        })
                        .map(|d| d.name.clone())
                        .collect();
                    let mut d = Diagnostic::new(
                        Code::E0100,
                        p.span,
                        format!("unknown policy `{}`", p.name),
                    )
                    .with_label("not declared");
                    d = d.with_suggestion_or(did_you_mean(&p.name, names.iter().map(String::as_str)), "declare it with `scp NAME { … }`, `rcp NAME { … }` or `guardrail NAME { … }`, or `use` the file that does");
                    self.push(d);
                }
            }
        }
        for t in &a.targets {
            self.target_ref(t);
        }
    }

    fn test(&mut self, t: &Test) {
        self.target_ref(&t.target);
        // A test on an OU or the root runs for every account under it (docs/language.md §13).
        if let Resolved::Decl(d) = self.index.resolve(self.path, &t.target.name) {
            if matches!(d.kind, DeclKind::Ou | DeclKind::Root) && !self.has_accounts_under(&d.name)
            {
                self.push(
                    Diagnostic::new(
                        Code::E0116,
                        t.target.span,
                        format!("`{}` has no account under it", t.target.name),
                    )
                    .with_label("this test would check no account")
                    .with_help("name an account, or declare accounts under it"),
                );
            }
        }
        for e in &t.expects {
            let ExpectKind::Case {
                action,
                resource,
                region,
                context,
                ..
            } = &e.kind
            else {
                continue;
            };
            self.single(action);
            self.value(action, Expect::Action);
            self.single(resource);
            self.value(resource, Expect::ResourceArn);
            if let Some(r) = region {
                self.single(r);
                // Global cross-region inference is authorised with region `unspecified` (aws.md §5.2),
                // so a test may send a request there.
                let unspecified =
                    matches!(&r.kind, ValueKind::Word(w) | ValueKind::Str(w) if w == "unspecified");
                if !unspecified {
                    self.value(r, Expect::Region);
                }
            }
            for (k, v) in context {
                let cat = &self.index.catalog;
                match cat.condition_key(&k.value) {
                    Some(key) => {
                        let ty = key.ty;
                        if !ty.is_multivalued() {
                            self.single(v);
                        }
                        self.value(v, Expect::Key(ty.element()));
                    }
                    None => self.push(unknown_key(&self.index.catalog, k)),
                }
            }
        }
    }
}

impl Checker<'_> {
    /// Whether some account of the organization has `target` among its ancestors (the root is
    /// every account's).
    fn has_accounts_under(&self, target: &str) -> bool {
        let parent_of = |name: &str| -> Option<String> {
            self.index
                .decls
                .get(name)
                .and_then(|ds| ds.first())
                .and_then(|d| d.parent.as_ref().map(|p| p.name.clone()))
        };
        self.index.decls.values().flatten().any(|d| {
            if d.kind != DeclKind::Account {
                return false;
            }
            if target == "root" {
                return true;
            }
            let mut at = parent_of(&d.name);
            let mut steps = 0;
            // Cycles are reported elsewhere; the bound keeps this total.
            while let Some(p) = at {
                if p == target {
                    return true;
                }
                steps += 1;
                if steps > self.index.decls.len() {
                    return false;
                }
                at = parent_of(&p);
            }
            false
        })
    }
}

/// E0204 for a condition key the catalog does not know, in a rule or a test's context.
fn unknown_key(cat: &Catalog, k: &Str) -> Diagnostic {
    Diagnostic::new(
        Code::E0204,
        inner(k.span),
        format!("unknown condition key `{}`", k.value),
    )
    .with_label("not a known condition key")
    .with_suggestion_or(
        did_you_mean(&k.value, cat.condition_key_names()),
        "keys are global `aws:` keys or `service:Key`; tag keys are `aws:RequestTag/NAME`",
    )
}

/// Bedrock resource types written with `_` (`inference_profile`), for `allow … on KIND`.
fn resource_kinds(cat: &Catalog) -> Vec<String> {
    cat.resource_types("bedrock")
        .iter()
        .map(|r| r.name.replace('-', "_"))
        .collect()
}

/// The `use` path that names `to` from the file `from` (paths as the program spells them,
/// normalised): relative to `from`'s directory, with `..` where `to` lies above it, so that
/// [`index::join_use_path`] takes it back to `to`. An absolute `to` stays absolute when the
/// two have no common ancestor but the root; a `to` that cannot be reached from `from`'s
/// spelling (a relative path from an absolute one, or a climb above `..`) is named as it is,
/// which `join_use_path` also resolves only when it is absolute.
fn relative_use(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = match from.rfind('/') {
        Some(i) => from.get(..i).unwrap_or("").split('/').collect(),
        None => Vec::new(),
    };
    let to_parts: Vec<&str> = to.split('/').collect();
    if from.starts_with('/') != to.starts_with('/') {
        return to.to_string();
    }
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let up = from_dir.get(common..).unwrap_or_default();
    // `..` in the part to climb out of cannot be undone by more `..`.
    if up.contains(&"..") {
        return to.to_string();
    }
    if to.starts_with('/') && common <= 1 {
        return to.to_string();
    }
    let mut parts: Vec<&str> = vec![".."; up.len()];
    parts.extend(to_parts.get(common..).unwrap_or_default());
    parts.join("/")
}

/// The index's own copy of a file path, so the checker can switch files while borrowing it.
fn leak_path<'a>(index: &'a Index, file: &str) -> Option<&'a str> {
    index
        .files
        .iter()
        .find(|f| f.as_str() == file)
        .map(String::as_str)
}

/// The named conditions a condition uses directly, with the file they are seen from.
fn collect_refs(c: &Cond, file: &str, out: &mut Vec<(String, Ident)>) {
    match c {
        Cond::And(v, _) | Cond::Or(v, _) => v.iter().for_each(|x| collect_refs(x, file, out)),
        Cond::Not(x, _) => collect_refs(x, file, out),
        Cond::Pred(_) => {}
        Cond::Ref(name) => out.push((file.to_string(), name.clone())),
    }
}

/// E0226: `what` (an action or a service) is of a service RCPs do not govern.
fn rcp_service_error(span: Span, what: &str, prefix: &str, services: &[String]) -> Diagnostic {
    let help = if is_glob(prefix) {
        "name the services: RCPs govern only the services of `rcp::services`, and a pattern in the service prefix could mean others".to_string()
    } else {
        format!(
            "RCPs govern only {}; restrict what the organization's principals do with `{prefix}` in an `scp` block",
            services.join(", ")
        )
    };
    Diagnostic::new(
        Code::E0226,
        span,
        format!("{what} is not of a service that resource control policies govern"),
    )
    .with_label("an RCP statement about it would have no effect")
    .with_help(help)
}

#[cfg(test)]
mod tests {
    use super::{index::join_use_path, relative_use};

    /// The suggested `use` path leads back to the file it names, from every pair of places.
    #[test]
    fn relative_use_is_undone_by_join_use_path() {
        let places = [
            "main.gov",
            "org.gov",
            "policies/main.gov",
            "policies/deep/regions.gov",
            "policies/other/x.gov",
            "other/policies/y.gov",
            "/abs/proj/org.gov",
            "/abs/proj/policies/main.gov",
            "/abs/elsewhere/z.gov",
            "/top.gov",
        ];
        for from in places {
            for to in places {
                if from.starts_with('/') != to.starts_with('/') {
                    continue;
                }
                let rel = relative_use(from, to);
                assert_eq!(join_use_path(from, &rel), to, "{from} -> {to} via {rel}");
            }
        }
        assert_eq!(relative_use("policies/main.gov", "org.gov"), "../org.gov");
        assert_eq!(
            relative_use("policies/main.gov", "policies/deep/regions.gov"),
            "deep/regions.gov"
        );
        assert_eq!(
            relative_use("/abs/proj/policies/main.gov", "/abs/proj/org.gov"),
            "../org.gov"
        );
    }
}
