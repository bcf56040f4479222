//! One module per LSP feature, and what they share: every name occurrence of a file (from the
//! AST) and how it resolves.

pub mod actions;
pub mod completion;
pub mod format;
pub mod hover;
pub mod inlay;
pub mod keywords;
pub mod navigate;
pub mod symbols;
pub mod tokens;

use govc_compiler::check::index::{Decl, Index, Resolved};
use govc_compiler::syntax::ast::{self, Cond, ItemKind, PredOp, StmtKind, SurfacePred, Value};
use govc_compiler::syntax::Span;

/// What an occurrence of a name is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The declaration itself.
    Decl,
    /// A name in a name position (attach, under, on): always a reference.
    Name,
    /// A bare word in a value position: a reference only when a constant or set of that name is
    /// in scope, else a literal.
    Word,
    /// `module::item`.
    Path,
}

#[derive(Clone, Debug)]
pub struct Occurrence {
    pub name: String,
    pub span: Span,
    pub role: Role,
}

/// Every name occurrence of a file, in source order.
pub fn occurrences(file: &ast::File) -> Vec<Occurrence> {
    let mut w = Walker { out: Vec::new() };
    for item in &file.items {
        w.item(item);
    }
    w.out.sort_by_key(|o| (o.span.start, o.span.end));
    w.out
}

struct Walker {
    out: Vec<Occurrence>,
}

impl Walker {
    fn push(&mut self, name: &str, span: Span, role: Role) {
        self.out.push(Occurrence {
            name: name.to_string(),
            span,
            role,
        });
    }

    fn ident(&mut self, i: &ast::Ident, role: Role) {
        self.push(&i.name, i.span, role);
    }

    fn value(&mut self, v: &Value) {
        match &v.kind {
            ast::ValueKind::Word(w) => self.push(w, v.span, Role::Word),
            ast::ValueKind::Path(p) => self.push(&p.to_text(), p.span, Role::Path),
            ast::ValueKind::List(items) => items.iter().for_each(|i| self.value(i)),
            ast::ValueKind::Str(_) | ast::ValueKind::Bool(_) => {}
        }
    }

    fn values(&mut self, vs: &[Value]) {
        vs.iter().for_each(|v| self.value(v));
    }

    fn cond(&mut self, c: &Cond) {
        match c {
            Cond::And(cs, _) | Cond::Or(cs, _) => cs.iter().for_each(|c| self.cond(c)),
            Cond::Not(c, _) => self.cond(c),
            Cond::Ref(name) => self.ident(name, Role::Name),
            Cond::Pred(p) => match &p.op {
                PredOp::Absent | PredOp::Present => {}
                PredOp::Cmp(_, v)
                | PredOp::In(v)
                | PredOp::NotIn(v)
                | PredOp::Like(v)
                | PredOp::NotLike(v) => self.value(v),
            },
        }
    }

    fn clauses(&mut self, cs: &[ast::Clause]) {
        for c in cs {
            match &c.pred {
                SurfacePred::Region(v)
                | SurfacePred::Principal(v)
                | SurfacePred::PrincipalAccount(v)
                | SurfacePred::ViaMcp(Some(v)) => self.value(v),
                SurfacePred::ViaMcp(None) => {}
                SurfacePred::Cond(c) => self.cond(c),
            }
        }
    }

    fn rule(&mut self, r: &ast::Rule) {
        for s in &r.scope {
            if let Some((_, v)) = &s.constraint {
                self.value(v);
            }
        }
        for c in &r.clauses {
            self.cond(&c.cond);
        }
    }

    fn stmt(&mut self, s: &ast::Stmt) {
        match &s.kind {
            StmtKind::Require(_) | StmtKind::Error => {}
            StmtKind::RequireTags { tags, .. } => self.values(tags),
            StmtKind::RequireTagsFor {
                tags,
                values,
                actions,
                resources,
                clauses,
            } => {
                self.values(tags);
                if let Some(v) = values {
                    self.value(v);
                }
                self.values(actions);
                self.values(resources);
                self.clauses(clauses);
            }
            StmtKind::ProtectTags {
                tags,
                services,
                actions,
                clauses,
            } => {
                self.values(tags);
                self.values(services);
                self.values(actions);
                self.clauses(clauses);
            }
            StmtKind::DenyModels { models, clauses } => {
                self.values(models);
                self.clauses(clauses);
            }
            StmtKind::OnlyModels { models, clauses } => {
                self.values(models);
                self.clauses(clauses);
            }
            StmtKind::OnlyRegions {
                regions,
                services,
                clauses,
                ..
            } => {
                self.values(regions);
                self.values(services);
                self.clauses(clauses);
            }
            StmtKind::DenyServices { services, clauses } => {
                self.values(services);
                self.clauses(clauses);
            }
            StmtKind::DenyAll { clauses } | StmtKind::DenyApiKeys { clauses, .. } => {
                self.clauses(clauses)
            }
            StmtKind::DenyActions {
                actions,
                resources,
                clauses,
            } => {
                self.values(actions);
                self.values(resources);
                self.clauses(clauses);
            }
            StmtKind::Allow(a) => {
                if let ast::AllowWhat::Actions(v) = &a.what {
                    self.values(v);
                }
                self.values(&a.resources);
                if let Some(v) = &a.account {
                    self.value(v);
                }
                self.clauses(&a.clauses);
            }
            StmtKind::Rule(r) => self.rule(r),
        }
    }

    fn item(&mut self, item: &ast::Item) {
        match &item.kind {
            ItemKind::UseFile(_) | ItemKind::UseModule(_) | ItemKind::Error => {}
            ItemKind::Org(org) => {
                for e in &org.entries {
                    match &e.kind {
                        ast::OrgEntryKind::Root { keyword, .. } => {
                            self.push("root", *keyword, Role::Decl)
                        }
                        ast::OrgEntryKind::Ou { name, parent, .. }
                        | ast::OrgEntryKind::Account { name, parent, .. } => {
                            self.ident(name, Role::Decl);
                            if let Some(p) = parent {
                                self.ident(p, Role::Name);
                            }
                        }
                        ast::OrgEntryKind::Limits(kvs) => {
                            kvs.iter().for_each(|(_, v)| self.value(v))
                        }
                        ast::OrgEntryKind::LimitsPreset(_)
                        | ast::OrgEntryKind::OrgId { .. }
                        | ast::OrgEntryKind::Error => {}
                    }
                }
            }
            ItemKind::Const(c) => {
                self.ident(&c.name, Role::Decl);
                self.value(&c.value);
            }
            ItemKind::Condition(c) => {
                self.ident(&c.name, Role::Decl);
                self.cond(&c.cond);
            }
            ItemKind::Scp(p) | ItemKind::Identity(p) | ItemKind::Rcp(p) => {
                self.ident(&p.name, Role::Decl);
                p.stmts.iter().for_each(|s| self.stmt(s));
            }
            ItemKind::Guardrail(g) => {
                self.ident(&g.name, Role::Decl);
                for s in &g.stmts {
                    match &s.kind {
                        ast::GuardStmtKind::Use { region, .. } => self.value(region),
                        ast::GuardStmtKind::Models {
                            include, exclude, ..
                        } => {
                            self.values(include);
                            self.values(exclude);
                        }
                        _ => {}
                    }
                }
            }
            ItemKind::Control(c) => {
                self.ident(&c.name, Role::Decl);
                c.targets.iter().for_each(|t| self.ident(t, Role::Name));
                for s in &c.stmts {
                    match &s.kind {
                        ast::ControlStmtKind::Regions(v)
                        | ast::ControlStmtKind::ExemptActions(v)
                        | ast::ControlStmtKind::ExemptPrincipals(v) => self.values(v),
                        ast::ControlStmtKind::Error => {}
                    }
                }
            }
            ItemKind::Attach(a) => {
                a.policies.iter().for_each(|p| self.ident(p, Role::Name));
                a.targets.iter().for_each(|t| self.ident(t, Role::Name));
            }
            ItemKind::Test(t) => {
                self.ident(&t.target, Role::Name);
                for e in &t.expects {
                    if let ast::ExpectKind::Case {
                        action,
                        resource,
                        region,
                        context,
                        ..
                    } = &e.kind
                    {
                        self.value(action);
                        self.value(resource);
                        if let Some(r) = region {
                            self.value(r);
                        }
                        context.iter().for_each(|(_, v)| self.value(v));
                    }
                }
            }
            ItemKind::Rule(r) => self.rule(r),
        }
    }
}

/// The declaration an occurrence in `file` refers to, if any.
pub fn resolve<'a>(index: &'a Index, file: &str, occ: &Occurrence) -> Option<&'a Decl> {
    match occ.role {
        Role::Decl => index
            .decls
            .get(&occ.name)
            .and_then(|ds| ds.iter().find(|d| d.file == file && d.span == occ.span))
            .or_else(|| {
                let m = Index::module_name(file)?;
                index.modules.get(m)?.get(&occ.name)
            }),
        Role::Name => match index.resolve(file, &occ.name) {
            Resolved::Decl(d) => Some(d),
            _ => None,
        },
        Role::Word => match index.resolve(file, &occ.name) {
            Resolved::Decl(d) if d.kind.is_value() => Some(d),
            _ => None,
        },
        Role::Path => {
            let segs: Vec<&str> = occ.name.split("::").collect();
            index.resolve_path(&segs).ok()
        }
    }
}

/// The occurrence under a byte offset (the end of a name counts, so a cursor right after it
/// finds it).
pub fn occurrence_at(occs: &[Occurrence], offset: usize) -> Option<&Occurrence> {
    occs.iter()
        .find(|o| (o.span.start as usize) <= offset && offset <= o.span.end as usize)
}

/// Two declarations are the same when they are at the same place.
pub fn same(a: &Decl, b: &Decl) -> bool {
    a.file == b.file && a.span == b.span && a.name == b.name
}
