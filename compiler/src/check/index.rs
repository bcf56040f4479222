//! The program index: every declaration of every loaded file, and each file's scope. Built once
//! per program from the parsed files; a pure function of the ASTs and the `use` resolution.

use std::collections::{BTreeMap, HashMap};

use crate::catalog::Shared;
use crate::syntax::ast::{self, ConstKind, ItemKind, OrgEntryKind, Value};
use crate::syntax::Span;

/// How many constants deep a value may refer (`const a = b`, `const b = c`, …). One bound for
/// the checker, which reports a deeper chain (E0117), and for every expansion after it, which
/// can then never be cut short on a checked program. Recursion on it stays far inside any stack.
pub(crate) const MAX_CONST_DEPTH: usize = 64;

/// Paths of embedded stdlib files start with this prefix.
pub const STD_PREFIX: &str = "<std>/";

/// What a declared name stands for: a target of the organization, a policy, a control or a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeclKind {
    /// The organization root (`root = "r-…"` in `org`).
    Root,
    /// An organizational unit declared in `org`.
    Ou,
    /// An account declared in `org`.
    Account,
    /// An `scp` policy.
    Scp,
    /// A `guardrail` policy.
    Guardrail,
    /// An `identity` policy (compiled to an IAM policy).
    Identity,
    /// An `rcp` policy (a resource control policy).
    Rcp,
    /// A Control Tower `control`.
    Control,
    /// A `const`: one named value.
    Const,
    /// A `set`: a named list of values.
    Set,
    /// A named condition, `const name = { … }`.
    Condition,
}

impl DeclKind {
    /// The kind with its article, for messages: "an OU", "a constant", …
    pub fn describe(self) -> &'static str {
        match self {
            DeclKind::Root => "the organization root",
            DeclKind::Ou => "an OU",
            DeclKind::Account => "an account",
            DeclKind::Scp => "an scp policy",
            DeclKind::Guardrail => "a guardrail policy",
            DeclKind::Identity => "an identity policy",
            DeclKind::Rcp => "an rcp policy",
            DeclKind::Control => "a control",
            DeclKind::Const => "a constant",
            DeclKind::Set => "a set",
            DeclKind::Condition => "a named condition",
        }
    }

    /// Whether policies can be attached to it: the root, an OU or an account.
    pub(crate) fn is_target(self) -> bool {
        matches!(self, DeclKind::Root | DeclKind::Ou | DeclKind::Account)
    }

    /// Whether it names a value (a constant or a set) that a use expands to its literals.
    pub fn is_value(self) -> bool {
        matches!(self, DeclKind::Const | DeclKind::Set)
    }
}

/// One declaration of a name in a loaded file or a stdlib module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decl {
    /// The declared name (`root` for the organization root).
    pub name: String,
    /// What the name stands for.
    pub kind: DeclKind,
    /// The path key of the declaring file (`<std>/…` for the stdlib).
    pub file: String,
    /// The name's span.
    pub span: Span,
    /// For constants and sets.
    pub value: Option<Value>,
    /// For named conditions.
    pub cond: Option<ast::Cond>,
    /// For targets: the id string and its span, and the parent's name.
    pub target_id: Option<(String, Span)>,
    /// For OUs and accounts: the parent named after `under` (`None`: directly under the root).
    pub parent: Option<ast::Ident>,
}

/// How one `use` of a file was resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UseTarget {
    /// Another source file, by its path key.
    File(String),
    /// A stdlib module, by name.
    Module(String),
    /// Not found: the path or module name as written.
    Missing(String),
    /// Found but refused or unreadable: the path as written, and why (never the contents).
    Unreadable(String, String),
}

/// One `use` of a file, resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UseEdge {
    /// What the `use` names: a file, a stdlib module, or why neither.
    pub target: UseTarget,
    /// The span of the path or module name in the `use`.
    pub span: Span,
}

/// Everything name resolution needs, for every file of the program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Index {
    /// The reference data the program is checked and compiled against.
    pub catalog: Shared,
    /// User declarations by name (more than one entry: a duplicate).
    pub decls: BTreeMap<String, Vec<Decl>>,
    /// Stdlib modules: module → item → declaration.
    pub modules: BTreeMap<String, BTreeMap<String, Decl>>,
    /// Resolved `use`s per file path.
    pub uses: BTreeMap<String, Vec<UseEdge>>,
    /// Files in load order (user files first as given, then the files they use).
    pub files: Vec<String>,
}

/// What a name in a file's scope refers to.
#[derive(Clone, Debug)]
pub enum Resolved<'a> {
    /// The declaration the name refers to, visible from the file.
    Decl(&'a Decl),
    /// The name is declared, but not in this file or a file it uses.
    NotInScope(&'a Decl),
    /// No file of the program declares the name.
    Unknown,
}

impl Index {
    /// Whether a file path key is an embedded stdlib file (under `<std>/`).
    pub fn is_std(path: &str) -> bool {
        path.starts_with(STD_PREFIX)
    }

    /// The stdlib module a file path key is (`<std>/m.gov` → `m`); `None` for user files.
    pub fn module_name(path: &str) -> Option<&str> {
        path.strip_prefix(STD_PREFIX)?.strip_suffix(".gov")
    }

    /// Builds the index from parsed files; `uses` gives each file's resolved imports.
    pub fn build(
        catalog: Shared,
        files: &[(&str, &ast::File)],
        uses: BTreeMap<String, Vec<UseEdge>>,
    ) -> Index {
        let mut index = Index {
            catalog,
            decls: BTreeMap::new(),
            modules: BTreeMap::new(),
            uses,
            files: Vec::new(),
        };
        for (path, file) in files {
            index.files.push(path.to_string());
            let module = Index::module_name(path).map(str::to_string);
            for decl in declarations(path, file) {
                match &module {
                    Some(m) => {
                        index
                            .modules
                            .entry(m.clone())
                            .or_default()
                            .entry(decl.name.clone())
                            .or_insert(decl);
                    }
                    None => index.decls.entry(decl.name.clone()).or_default().push(decl),
                }
            }
        }
        // Almost every name is declared once, and a first push reserves room for four
        // declarations of a few hundred bytes each: about 1 KB per name held for nothing.
        for same_name in index.decls.values_mut() {
            same_name.shrink_to_fit();
        }
        index
    }

    /// Files whose declarations `file` sees unqualified: itself and the files it uses directly.
    pub(crate) fn visible_files<'a>(&'a self, file: &'a str) -> Vec<&'a str> {
        let mut v = vec![file];
        for u in self.uses.get(file).map(Vec::as_slice).unwrap_or(&[]) {
            if let UseTarget::File(f) = &u.target {
                v.push(f.as_str());
            }
        }
        v
    }

    /// Stdlib modules `file` declares it depends on with `use std::m`. They are checked to exist
    /// but import nothing unqualified: a stdlib name is always written with its module, so a
    /// new stdlib item can never turn a user's literal word into a reference.
    pub(crate) fn used_modules<'a>(&'a self, file: &str) -> Vec<&'a str> {
        self.uses
            .get(file)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .filter_map(|u| match &u.target {
                UseTarget::Module(m) => Some(m.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Resolves a bare name as seen from `file`.
    pub fn resolve(&self, file: &str, name: &str) -> Resolved<'_> {
        if let Some(m) = Index::module_name(file) {
            // Inside a stdlib module, its own items are in scope.
            if let Some(d) = self.modules.get(m).and_then(|items| items.get(name)) {
                return Resolved::Decl(d);
            }
        }
        let visible = self.visible_files(file);
        if let Some(decls) = self.decls.get(name) {
            if let Some(d) = decls.iter().find(|d| visible.contains(&d.file.as_str())) {
                return Resolved::Decl(d);
            }
        }
        match self.decls.get(name).and_then(|d| d.first()) {
            Some(d) => Resolved::NotInScope(d),
            None => Resolved::Unknown,
        }
    }

    /// The named condition `name` as seen from `file`: the declaring file (whose scope its
    /// names are read in) and the condition. `None` when the name is not a visible condition
    /// (the checker reports it).
    pub fn named_condition<'a>(
        &'a self,
        file: &str,
        name: &str,
    ) -> Option<(&'a str, &'a ast::Cond)> {
        match self.resolve(file, name) {
            Resolved::Decl(d) if d.kind == DeclKind::Condition => {
                d.cond.as_ref().map(|c| (d.file.as_str(), c))
            }
            _ => None,
        }
    }

    /// Resolves `module::item` (also `std::module::item`).
    pub fn resolve_path<'a>(&'a self, segments: &[&str]) -> Result<&'a Decl, PathError> {
        let segs: &[&str] = match segments {
            ["std", rest @ ..] => rest,
            other => other,
        };
        match segs {
            [module, item] => {
                let Some(items) = self.modules.get(*module) else {
                    return Err(PathError::NoModule(module.to_string()));
                };
                items
                    .get(*item)
                    .ok_or_else(|| PathError::NoItem(module.to_string(), item.to_string()))
            }
            _ => Err(PathError::Shape),
        }
    }

    /// The literal texts of a stdlib item, `module::item` (a constant or a set, expanded): how
    /// the desugaring reads what the stdlib defines instead of repeating it. Empty when there
    /// is no such item, which `rules::desugar`'s tests rule out for every item it reads.
    pub fn std_literals(&self, module: &str, item: &str) -> Vec<String> {
        let mut out = Vec::new();
        if let Ok(d) = self.resolve_path(&[module, item]) {
            if let Some(val) = &d.value {
                self.literals_at(&d.file, val, &mut out, 1);
            }
        }
        out
    }

    /// The literal texts a value stands for as seen from `file`: constants and sets expanded
    /// (each in the scope of the file that declares it), lists flattened, booleans skipped.
    /// Unresolvable names stay literal; the checker reports them.
    pub fn literals(&self, file: &str, v: &Value, out: &mut Vec<String>) {
        self.literals_at(file, v, out, 0);
    }

    fn literals_at(&self, file: &str, v: &Value, out: &mut Vec<String>, depth: usize) {
        // Cycles and chains deeper than the bound are errors the checker reports (E0100,
        // E0117), so a checked program never reaches it; the bound keeps this total on the
        // unchecked programs the editor asks about. Lists nest at most `MAX_NESTING` deep
        // (the parser's bound), so only constant hops count here.
        if depth > MAX_CONST_DEPTH {
            return;
        }
        match &v.kind {
            ast::ValueKind::Word(w) => match self.resolve(file, w) {
                Resolved::Decl(d) if d.kind.is_value() && super::is_identifier(w) => {
                    if let Some(val) = &d.value {
                        self.literals_at(&d.file, val, out, depth + 1);
                    }
                }
                _ => out.push(w.clone()),
            },
            ast::ValueKind::Str(s) => out.push(s.clone()),
            ast::ValueKind::Path(p) => {
                let segs: Vec<&str> = p.segments.iter().map(|s| s.name.as_str()).collect();
                if let Ok(d) = self.resolve_path(&segs) {
                    if let Some(val) = &d.value {
                        self.literals_at(&d.file, val, out, depth + 1);
                    }
                }
            }
            ast::ValueKind::List(items) => {
                for i in items {
                    self.literals_at(file, i, out, depth);
                }
            }
            ast::ValueKind::Bool(b) => out.push(b.to_string()),
        }
    }

    /// Names visible from `file` (for "did you mean" and completion).
    pub fn visible_names(&self, file: &str) -> Vec<&Decl> {
        let visible = self.visible_files(file);
        let mut out: Vec<&Decl> = self
            .decls
            .values()
            .flatten()
            .filter(|d| visible.contains(&d.file.as_str()))
            .collect();
        for m in self.used_modules(file) {
            out.extend(
                self.modules
                    .get(m)
                    .into_iter()
                    .flat_map(|items| items.values()),
            );
        }
        if let Some(m) = Index::module_name(file) {
            out.extend(
                self.modules
                    .get(m)
                    .into_iter()
                    .flat_map(|items| items.values()),
            );
        }
        out
    }
}

/// Why `module::item` did not resolve (see [`Index::resolve_path`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathError {
    /// There is no stdlib module of this name.
    NoModule(String),
    /// The module (first) defines no such item (second).
    NoItem(String, String),
    /// The path is not `module::item` or `std::module::item`.
    Shape,
}

fn declarations(path: &str, file: &ast::File) -> Vec<Decl> {
    let mut out = Vec::new();
    let mk = |name: &ast::Ident, kind: DeclKind| Decl {
        name: name.name.clone(),
        kind,
        file: path.to_string(),
        span: name.span,
        value: None,
        cond: None,
        target_id: None,
        parent: None,
    };
    for item in &file.items {
        match &item.kind {
            ItemKind::Org(org) => {
                for e in &org.entries {
                    match &e.kind {
                        OrgEntryKind::Root { keyword, id } => out.push(Decl {
                            name: "root".to_string(),
                            kind: DeclKind::Root,
                            file: path.to_string(),
                            span: *keyword,
                            value: None,
                            cond: None,
                            target_id: Some((id.value.clone(), id.span)),
                            parent: None,
                        }),
                        OrgEntryKind::Ou { name, id, parent }
                        | OrgEntryKind::Account { name, id, parent } => {
                            let kind = if matches!(e.kind, OrgEntryKind::Ou { .. }) {
                                DeclKind::Ou
                            } else {
                                DeclKind::Account
                            };
                            let mut d = mk(name, kind);
                            d.target_id = id.as_ref().map(|id| (id.value.clone(), id.span));
                            d.parent = parent.clone();
                            out.push(d);
                        }
                        _ => {}
                    }
                }
            }
            ItemKind::Const(c) => {
                let mut d = mk(
                    &c.name,
                    match c.kind {
                        ConstKind::Const => DeclKind::Const,
                        ConstKind::Set => DeclKind::Set,
                    },
                );
                d.value = Some(c.value.clone());
                out.push(d);
            }
            ItemKind::Condition(c) => {
                let mut d = mk(&c.name, DeclKind::Condition);
                d.cond = Some(c.cond.clone());
                out.push(d);
            }
            ItemKind::Scp(p) => out.push(mk(&p.name, DeclKind::Scp)),
            ItemKind::Identity(p) => out.push(mk(&p.name, DeclKind::Identity)),
            ItemKind::Rcp(p) => out.push(mk(&p.name, DeclKind::Rcp)),
            ItemKind::Guardrail(g) => out.push(mk(&g.name, DeclKind::Guardrail)),
            ItemKind::Control(c) => out.push(mk(&c.name, DeclKind::Control)),
            _ => {}
        }
    }
    out
}

/// Lexically normalises a relative path (`a/./b/../c` → `a/c`), keeping leading `..`.
pub fn normalize_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let absolute = path.starts_with('/');
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if matches!(parts.last(), Some(p) if *p != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// The path of `rel` as written in a `use` inside `from`.
pub fn join_use_path(from: &str, rel: &str) -> String {
    if rel.starts_with('/') {
        return normalize_path(rel);
    }
    let dir = match from.rfind('/') {
        Some(i) => from.get(..i).unwrap_or(""),
        None => "",
    };
    if dir.is_empty() {
        normalize_path(rel)
    } else {
        normalize_path(&format!("{dir}/{rel}"))
    }
}

/// Detects `use` cycles: for each cycle, the edge that closes it (file, span).
pub(crate) fn use_cycles(index: &Index) -> Vec<(String, Span, Vec<String>)> {
    // Iterative DFS with colours; the graph is small (files), but inputs are untrusted.
    let mut colour: HashMap<&str, u8> = HashMap::new();
    let mut found = Vec::new();
    for start in &index.files {
        if colour.contains_key(start.as_str()) {
            continue;
        }
        let mut stack: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
        colour.insert(start.as_str(), 1);
        while let Some((node, i)) = stack.last().copied() {
            let edges = index.uses.get(node).map(Vec::as_slice).unwrap_or(&[]);
            match edges.get(i) {
                None => {
                    colour.insert(node, 2);
                    stack.pop();
                }
                Some(edge) => {
                    if let Some(top) = stack.last_mut() {
                        top.1 += 1;
                    }
                    if let UseTarget::File(next) = &edge.target {
                        match colour.get(next.as_str()) {
                            Some(1) => {
                                let mut cycle: Vec<String> = stack
                                    .iter()
                                    .map(|(n, _)| n.to_string())
                                    .skip_while(|n| n != next)
                                    .collect();
                                cycle.push(next.clone());
                                found.push((node.to_string(), edge.span, cycle));
                            }
                            Some(_) => {}
                            None => {
                                colour.insert(next.as_str(), 1);
                                stack.push((next.as_str(), 0));
                            }
                        }
                    }
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(
            join_use_path("examples/organization.gov", "org.gov"),
            "examples/org.gov"
        );
        assert_eq!(join_use_path("examples/a.gov", "../lib/b.gov"), "lib/b.gov");
        assert_eq!(join_use_path("a.gov", "./b.gov"), "b.gov");
        assert_eq!(normalize_path("../x/./y/../z.gov"), "../x/z.gov");
    }
}
