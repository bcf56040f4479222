//! Span erasure: two trees are the same program when they are equal once every span is zeroed.
//! Used by the formatter's own safety check and by its tests (`parse(format(x)) == parse(x)`).

use crate::ast::*;
use crate::Span;

/// A copy of `file` with every span set to `0..0`.
pub fn erase_spans(file: &File) -> File {
    let mut f = file.clone();
    for item in &mut f.items {
        item.erase();
    }
    f
}

trait Erase {
    fn erase(&mut self);
}

impl Erase for Span {
    fn erase(&mut self) {
        *self = Span::default();
    }
}

impl<T: Erase> Erase for Vec<T> {
    fn erase(&mut self) {
        for x in self {
            x.erase();
        }
    }
}

impl<T: Erase> Erase for Option<T> {
    fn erase(&mut self) {
        if let Some(x) = self {
            x.erase();
        }
    }
}

impl<A: Erase, B: Erase> Erase for (A, B) {
    fn erase(&mut self) {
        self.0.erase();
        self.1.erase();
    }
}

impl Erase for Ident {
    fn erase(&mut self) {
        self.span.erase();
    }
}

impl Erase for Str {
    fn erase(&mut self) {
        self.span.erase();
    }
}

impl Erase for Path {
    fn erase(&mut self) {
        self.span.erase();
        self.segments.erase();
    }
}

impl Erase for Value {
    fn erase(&mut self) {
        self.span.erase();
        match &mut self.kind {
            ValueKind::Path(p) => p.erase(),
            ValueKind::List(items) => items.erase(),
            ValueKind::Word(_) | ValueKind::Str(_) | ValueKind::Bool(_) => {}
        }
    }
}

impl Erase for Item {
    fn erase(&mut self) {
        self.span.erase();
        match &mut self.kind {
            ItemKind::UseFile(s) => s.erase(),
            ItemKind::UseModule(p) => p.erase(),
            ItemKind::Org(o) => o.entries.erase(),
            ItemKind::Const(c) => {
                c.name.erase();
                c.value.erase();
            }
            ItemKind::Condition(c) => {
                c.name.erase();
                c.cond.erase();
            }
            ItemKind::Scp(p) | ItemKind::Identity(p) | ItemKind::Rcp(p) => {
                p.name.erase();
                p.stmts.erase();
            }
            ItemKind::Guardrail(g) => {
                g.name.erase();
                g.stmts.erase();
            }
            ItemKind::Control(c) => {
                c.name.erase();
                c.targets.erase();
                c.stmts.erase();
            }
            ItemKind::Attach(a) => {
                a.policies.erase();
                a.targets.erase();
            }
            ItemKind::Test(t) => {
                t.name.erase();
                t.target.erase();
                t.expects.erase();
            }
            ItemKind::Rule(r) => r.erase(),
            ItemKind::Error => {}
        }
    }
}

impl Erase for OrgEntry {
    fn erase(&mut self) {
        self.span.erase();
        match &mut self.kind {
            OrgEntryKind::Root { keyword, id } => {
                keyword.erase();
                id.erase();
            }
            OrgEntryKind::OrgId { setting, id } => {
                setting.erase();
                id.erase();
            }
            OrgEntryKind::Ou { name, id, parent } | OrgEntryKind::Account { name, id, parent } => {
                name.erase();
                id.erase();
                parent.erase();
            }
            OrgEntryKind::LimitsPreset(w) => w.erase(),
            OrgEntryKind::Limits(pairs) => pairs.erase(),
            OrgEntryKind::Error => {}
        }
    }
}

impl Erase for Stmt {
    fn erase(&mut self) {
        self.span.erase();
        match &mut self.kind {
            StmtKind::Require(w) => w.erase(),
            StmtKind::RequireTags { tags, on } => {
                tags.erase();
                on.erase();
            }
            StmtKind::RequireTagsFor {
                tags,
                values,
                actions,
                resources,
                clauses,
            } => {
                tags.erase();
                values.erase();
                actions.erase();
                resources.erase();
                clauses.erase();
            }
            StmtKind::ProtectTags {
                tags,
                services,
                actions,
                clauses,
            } => {
                tags.erase();
                services.erase();
                actions.erase();
                clauses.erase();
            }
            StmtKind::DenyModels { models, clauses } => {
                models.erase();
                clauses.erase();
            }
            StmtKind::OnlyModels { models, clauses } => {
                models.erase();
                clauses.erase();
            }
            StmtKind::OnlyRegions {
                regions,
                services,
                all,
                clauses,
            } => {
                regions.erase();
                services.erase();
                all.erase();
                clauses.erase();
            }
            StmtKind::DenyServices { services, clauses } => {
                services.erase();
                clauses.erase();
            }
            StmtKind::DenyAll { clauses } => clauses.erase(),
            StmtKind::DenyApiKeys { kind, clauses } => {
                kind.erase();
                clauses.erase();
            }
            StmtKind::DenyActions {
                actions,
                resources,
                clauses,
            } => {
                actions.erase();
                resources.erase();
                clauses.erase();
            }
            StmtKind::Allow(a) => {
                match &mut a.what {
                    AllowWhat::Invoke(s) => s.erase(),
                    AllowWhat::Actions(v) => v.erase(),
                }
                a.kind.erase();
                a.resources.erase();
                a.account.erase();
                a.clauses.erase();
            }
            StmtKind::Rule(r) => r.erase(),
            StmtKind::Error => {}
        }
    }
}

impl Erase for Clause {
    fn erase(&mut self) {
        self.span.erase();
        match &mut self.pred {
            SurfacePred::Region(v)
            | SurfacePred::Principal(v)
            | SurfacePred::PrincipalAccount(v) => v.erase(),
            SurfacePred::ViaMcp(v) => v.erase(),
            SurfacePred::Cond(c) => c.erase(),
        }
    }
}

impl Erase for Rule {
    fn erase(&mut self) {
        self.effect_span.erase();
        self.scope.erase();
        self.clauses.erase();
    }
}

impl Erase for ScopeEntry {
    fn erase(&mut self) {
        self.var_span.erase();
        self.span.erase();
        if let Some((_, v)) = &mut self.constraint {
            v.erase();
        }
    }
}

impl Erase for RuleClause {
    fn erase(&mut self) {
        self.span.erase();
        self.cond.erase();
    }
}

impl Erase for Cond {
    fn erase(&mut self) {
        match self {
            Cond::And(items, s) | Cond::Or(items, s) => {
                items.erase();
                s.erase();
            }
            Cond::Not(inner, s) => {
                inner.erase();
                s.erase();
            }
            Cond::Pred(p) => p.erase(),
            Cond::Ref(name) => name.erase(),
        }
    }
}

impl<T: Erase> Erase for Box<T> {
    fn erase(&mut self) {
        (**self).erase();
    }
}

impl Erase for Pred {
    fn erase(&mut self) {
        if let Some((_, s)) = &mut self.qualifier {
            s.erase();
        }
        self.key.erase();
        self.op_span.erase();
        self.span.erase();
        match &mut self.op {
            PredOp::Absent | PredOp::Present => {}
            PredOp::Cmp(_, v)
            | PredOp::In(v)
            | PredOp::NotIn(v)
            | PredOp::Like(v)
            | PredOp::NotLike(v) => v.erase(),
        }
    }
}

impl Erase for GuardStmt {
    fn erase(&mut self) {
        self.span.erase();
        match &mut self.kind {
            GuardStmtKind::Use { region, guardrail } => {
                region.erase();
                guardrail.erase();
            }
            GuardStmtKind::InputTags(w) => w.erase(),
            GuardStmtKind::Guarding(pairs) => pairs.erase(),
            GuardStmtKind::Models {
                all,
                include,
                exclude,
            } => {
                all.erase();
                include.erase();
                exclude.erase();
            }
            GuardStmtKind::Lock | GuardStmtKind::Error => {}
        }
    }
}

impl Erase for ControlStmt {
    fn erase(&mut self) {
        self.span.erase();
        match &mut self.kind {
            ControlStmtKind::Regions(v)
            | ControlStmtKind::ExemptActions(v)
            | ControlStmtKind::ExemptPrincipals(v) => v.erase(),
            ControlStmtKind::Error => {}
        }
    }
}

impl Erase for Expect {
    fn erase(&mut self) {
        self.span.erase();
        if let ExpectKind::Case {
            action,
            resource,
            region,
            context,
            ..
        } = &mut self.kind
        {
            action.erase();
            resource.erase();
            region.erase();
            context.erase();
        }
    }
}
