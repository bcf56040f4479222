//! The reference semantics of `.gov`: what a checked program decides for a request, computed
//! directly from the program as written, statement by statement, as `docs/semantics.md` states
//! it. It shares no code with the desugaring (`rules::desugar`), the lowering (`ir::lower`), the
//! optimiser or the packer: surface statements mean what they govern (the model a request
//! uses, on which endpoint, in which Region, by which principal), not the IAM statements the
//! compiler writes for them. A mistake in any of those steps therefore shows up as a request on
//! which this module and the compiled documents disagree — in the differential tests
//! (`tests/semantics_differential.rs`) and in `govc verify`'s proof ([`crate::proof`]).
//!
//! What it does share with the compiled side are IAM's own primitives: how an action, a
//! resource ARN or a condition value is matched (`ir::eval`), which the independent evaluator
//! of the differential harness checks separately, and the catalog's facts (key types, ARN
//! formats, inference-profile routes).
//!
//! Layout:
//! - [`Meaning`] — the program with names resolved: organization, policies as lists of
//!   [`Stmt`], attachments, controls ([`build`]);
//! - [`logic`] — the questions asked of a request ([`logic::Atom`]) and the algebra they are
//!   combined in, so the same interpreter decides one request or builds a formula;
//! - [`decide`] — the interpreter;
//! - [`calls`] — a call through an inference profile as the authorisations AWS checks.

pub mod calls;
pub mod decide;
pub mod logic;

use std::collections::BTreeMap;

use crate::catalog::{KeyType, Shared};
use crate::check::Index;
use crate::rules::TargetKind;
use crate::syntax::ast::{self, ItemKind, OrgEntryKind, StmtKind, Value};

pub use crate::syntax::ast::Qualifier;

/// A whole program's meaning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meaning {
    /// The reference data the program was checked against (resource kinds, key types).
    pub catalog: Shared,
    /// Target name → its kind and parent (`None` for the root and for children of the root).
    pub targets: BTreeMap<String, (TargetKind, Option<String>)>,
    /// `scp` blocks by name.
    pub scps: BTreeMap<String, Vec<Stmt>>,
    /// `identity` blocks by name.
    pub identities: BTreeMap<String, Vec<Stmt>>,
    /// `rcp` blocks by name.
    pub rcps: BTreeMap<String, Vec<Stmt>>,
    /// Target name → the policies attached to it (SCPs and RCPs; guardrails, also attached,
    /// decide no request and are left out).
    pub attached: BTreeMap<String, Vec<String>>,
    /// `control` blocks, each adding its SCP at the OUs it is enabled on.
    pub controls: Vec<Control>,
    /// The standard library's facts the statements are defined with.
    pub facts: Facts,
}

/// Facts the surface statements are defined with, read from the standard library
/// (`stdlib/bedrock.gov`) so that they have one home.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// `bedrock::invoke`: the actions every runtime inference API is authorised as.
    pub invoke: Vec<String>,
    /// `bedrock::region_services`: what `only regions` restricts by default.
    pub region_services: Vec<String>,
    /// `bedrock::foundation_models`: every foundation model's ARN.
    pub foundation_models: String,
    /// `bedrock::inference_profiles`: every system (cross-Region) inference profile's ARN.
    pub system_profiles: String,
    /// `bedrock::application_inference_profiles`.
    pub application_profiles: String,
    /// `rcp::services`: the services resource control policies govern.
    pub rcp_services: Vec<String>,
    /// `global::services`: the services `only regions … for all services` leaves open.
    pub global_services: Vec<String>,
}

impl Facts {
    fn load(index: &Index) -> Facts {
        let list = |item: &str| -> Vec<String> {
            let mut out = Vec::new();
            if let Ok(d) = index.resolve_path(&["bedrock", item]) {
                if let Some(v) = &d.value {
                    index.literals(&d.file, v, &mut out);
                }
            }
            out
        };
        let one = |item: &str| list(item).into_iter().next().unwrap_or_default();
        let (module, item) = crate::stdlib::RCP_SERVICES;
        Facts {
            invoke: list("invoke"),
            region_services: list("region_services"),
            foundation_models: one("foundation_models"),
            system_profiles: one("inference_profiles"),
            application_profiles: one("application_inference_profiles"),
            rcp_services: index.std_literals(module, item),
            global_services: {
                let (module, item) = crate::stdlib::GLOBAL_SERVICES;
                index.std_literals(module, item)
            },
        }
    }
}

/// A `control` block: CT.MULTISERVICE.PV.1 on some OUs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Control {
    /// The OUs the control is enabled on.
    pub targets: Vec<String>,
    /// The Regions it leaves open (`AllowedRegions`).
    pub regions: Vec<String>,
    /// Actions it never denies, besides its default list.
    pub exempt_actions: Vec<String>,
    /// Principal ARN patterns it never denies, besides Control Tower's own roles.
    pub exempt_principals: Vec<String>,
}

/// One statement as written, values resolved to literal text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stmt {
    /// `deny model P, …`: forbids requests that use a model matching one of the patterns.
    DenyModels {
        /// The model id patterns.
        models: Vec<String>,
        /// The `when` / `unless` clauses, all of which must hold.
        clauses: Vec<Clause>,
    },
    /// `only models P, …`: permits every request that uses no model outside the patterns,
    /// making its SCP an allow-list.
    OnlyModels {
        /// The model id patterns allowed.
        models: Vec<String>,
        /// The `when` / `unless` clauses: a request they do not all hold for is exempt, and
        /// permitted whatever model it uses.
        clauses: Vec<Clause>,
    },
    /// `only regions R, … [for services S, … | for all services]`: forbids the services'
    /// requests elsewhere.
    OnlyRegions {
        /// The Regions left open (exact codes).
        regions: Vec<String>,
        /// Service prefixes; empty means the default, `bedrock` and `bedrock-mantle` (or, with
        /// `all_services`, every service but the global ones).
        services: Vec<String>,
        /// `for all services`: every request but those of `global::services`.
        all_services: bool,
        /// The `when` / `unless` clauses, all of which must hold.
        clauses: Vec<Clause>,
    },
    /// `deny api_keys [long_term | short_term]`: forbids calls with Bedrock API keys.
    DenyApiKeys {
        /// `LONG_TERM`, `SHORT_TERM`, or `None` for every key.
        kind: Option<&'static str>,
        /// The `when` / `unless` clauses, all of which must hold.
        clauses: Vec<Clause>,
    },
    /// `require application_inference_profile`: forbids invoking a foundation model other than
    /// through an application inference profile, and invoking a system profile.
    RequireApplicationProfile,
    /// `require tags T, … on inference_profile`: forbids creating an application inference
    /// profile without the tags, and removing them.
    RequireTags {
        /// The tag keys required.
        tags: Vec<String>,
    },
    /// `require tags K, … [in [v, …]] for actions A, … [on R, …]`: forbids the actions' requests
    /// that lack a tag (or, with values, whose tag is none of them).
    RequireTagsFor {
        /// The tag keys.
        tags: Vec<String>,
        /// `in [v, …]`: the values allowed; `None`: the tags need only be present.
        values: Option<Vec<String>>,
        /// The action patterns.
        actions: Vec<String>,
        /// The resource patterns; empty: every resource.
        resources: Vec<String>,
        /// The `when` / `unless` clauses, all of which must hold.
        clauses: Vec<Clause>,
    },
    /// `protect tags K, … for services S, … | for actions A, …`: forbids removing the tags.
    ProtectTags {
        /// The tag keys.
        tags: Vec<String>,
        /// The actions (those named, and the services' tag-removal actions).
        actions: Vec<String>,
        /// The `when` / `unless` clauses, all of which must hold.
        clauses: Vec<Clause>,
    },
    /// `deny service S, …`: forbids every action of the services.
    DenyServices {
        /// The service prefixes.
        services: Vec<String>,
        /// The `when` / `unless` clauses, all of which must hold.
        clauses: Vec<Clause>,
    },
    /// `deny all`: forbids every request.
    DenyAll {
        /// The `when` / `unless` clauses, all of which must hold.
        clauses: Vec<Clause>,
    },
    /// `deny actions A, … [on R, …]`: forbids the actions, on the resources when given.
    DenyActions {
        /// The action patterns.
        actions: Vec<String>,
        /// Empty: every resource.
        resources: Vec<String>,
        /// The `when` / `unless` clauses, all of which must hold.
        clauses: Vec<Clause>,
    },
    /// `allow … on …` (identity policies): the actions and the resource ARNs.
    Allow {
        /// The action patterns permitted.
        actions: Vec<String>,
        /// The resource ARN patterns they are permitted on.
        resources: Vec<String>,
        /// The `when` / `unless` clauses, all of which must hold.
        clauses: Vec<Clause>,
    },
    /// A core `forbid` or `permit` rule.
    Rule(Rule),
}

/// `when P` (`unless: false`) or `unless P`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clause {
    /// Whether it is `unless`: the clause then holds when the predicate does not.
    pub unless: bool,
    /// The predicate on the request.
    pub pred: ClausePred,
}

/// What a clause asks of a request. All but `Cond` are false when their key is missing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClausePred {
    /// `region in L`: `aws:RequestedRegion` is one of the codes.
    Region(Vec<String>),
    /// `principal …`: `aws:PrincipalArn` is one of the values (as ARNs when one has a wildcard).
    Principal(Vec<String>),
    /// `principal account …`: `aws:PrincipalAccount` is one of the account ids.
    PrincipalAccount(Vec<String>),
    /// `via_mcp`: `aws:ViaAWSMCPService` is `true`.
    ViaMcp,
    /// `via_mcp in L`: `aws:CalledViaAWSMCP` is one of the values.
    ViaMcpIn(Vec<String>),
    /// `{ C }`: the condition holds.
    Cond(Cond),
}

/// A core rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// `permit` (true) or `forbid`.
    pub permit: bool,
    /// The `principal` scope entry and its values; `None` when omitted (always satisfied).
    pub principal: Option<(ast::ScopeOp, Vec<String>)>,
    /// The `action` scope entry and its patterns; `None` when omitted.
    pub action: Option<(ast::ScopeOp, Vec<String>)>,
    /// The `resource` scope entry and its patterns; `None` when omitted.
    pub resource: Option<(ast::ScopeOp, Vec<String>)>,
    /// `when { C }` (false) and `unless { C }` (true), in order.
    pub clauses: Vec<(bool, Cond)>,
}

/// A condition tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cond {
    /// `&&`: every part holds.
    And(Vec<Cond>),
    /// `||`: some part holds.
    Or(Vec<Cond>),
    /// `!`: the part does not hold.
    Not(Box<Cond>),
    /// A predicate on one context key.
    Pred(Pred),
}

/// `[any|all] context["key"] op values`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pred {
    /// `any` or `all` (multivalued keys); `None` for a single-valued key.
    pub qualifier: Option<Qualifier>,
    /// The context key, as written.
    pub key: String,
    /// The type of one value of the key (the catalog's; `String` for unknown keys).
    pub ty: KeyType,
    /// The test and its values.
    pub op: PredOp,
}

/// The test of a predicate (docs/semantics.md, "Conditions").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PredOp {
    /// `is absent`: the key is missing.
    Absent,
    /// `is present`: the key has a value.
    Present,
    /// `== x` or `in [x, …]`: a value equals one of them, by the key's type.
    Eq(Vec<String>),
    /// `!= x` or `not in [x, …]`: a value equals none of them.
    Ne(Vec<String>),
    /// `< x`: as numbers or instants, by the key's type.
    Lt(String),
    /// `<= x`.
    Le(String),
    /// `> x`.
    Gt(String),
    /// `>= x`.
    Ge(String),
    /// `like p` or `like [p, …]`: a value is like one of the patterns.
    Like(Vec<String>),
    /// `not like …`: a value is like none of the patterns.
    NotLike(Vec<String>),
}

/// The meaning of a checked program: its user files (stdlib modules are reached through
/// `index`). Meaningful only for programs without errors.
pub fn build(index: &Index, files: &[(&str, &ast::File)]) -> Meaning {
    let mut m = Meaning {
        catalog: index.catalog.clone(),
        targets: BTreeMap::new(),
        scps: BTreeMap::new(),
        identities: BTreeMap::new(),
        rcps: BTreeMap::new(),
        attached: BTreeMap::new(),
        controls: Vec::new(),
        facts: Facts::load(index),
    };
    for (path, file) in files {
        if Index::is_std(path) {
            continue;
        }
        let b = Builder { index, path };
        for item in &file.items {
            match &item.kind {
                ItemKind::Org(org) => b.org(org, &mut m),
                ItemKind::Scp(p) => {
                    m.scps.insert(p.name.name.clone(), b.stmts(&p.stmts));
                }
                ItemKind::Identity(p) => {
                    m.identities.insert(p.name.name.clone(), b.stmts(&p.stmts));
                }
                ItemKind::Rcp(p) => {
                    m.rcps.insert(p.name.name.clone(), b.stmts(&p.stmts));
                }
                ItemKind::Control(c) => m.controls.push(b.control(c)),
                ItemKind::Attach(a) => {
                    for t in &a.targets {
                        let list = m.attached.entry(t.name.clone()).or_default();
                        for p in &a.policies {
                            if !list.contains(&p.name) {
                                list.push(p.name.clone());
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    m
}

struct Builder<'a> {
    index: &'a Index,
    path: &'a str,
}

impl Builder<'_> {
    fn lits(&self, vs: &[Value]) -> Vec<String> {
        let mut out = Vec::new();
        for v in vs {
            self.index.literals(self.path, v, &mut out);
        }
        out
    }

    fn std_list(&self, item: &str) -> Vec<String> {
        let mut out = Vec::new();
        if let Ok(d) = self.index.resolve_path(&["bedrock", item]) {
            if let Some(v) = &d.value {
                self.index.literals(&d.file, v, &mut out);
            }
        }
        out
    }

    fn lit(&self, v: &Value) -> Vec<String> {
        self.lits(std::slice::from_ref(v))
    }

    fn org(&self, org: &ast::Org, m: &mut Meaning) {
        for e in &org.entries {
            match &e.kind {
                OrgEntryKind::Root { .. } => {
                    m.targets.insert("root".into(), (TargetKind::Root, None));
                }
                OrgEntryKind::Ou { name, parent, .. } => {
                    let parent = parent.as_ref().map(|p| p.name.clone());
                    m.targets
                        .insert(name.name.clone(), (TargetKind::Ou, parent));
                }
                OrgEntryKind::Account { name, parent, .. } => {
                    let parent = parent.as_ref().map(|p| p.name.clone());
                    m.targets
                        .insert(name.name.clone(), (TargetKind::Account, parent));
                }
                _ => {}
            }
        }
    }

    fn control(&self, c: &ast::Control) -> Control {
        let mut out = Control {
            targets: c.targets.iter().map(|t| t.name.clone()).collect(),
            regions: Vec::new(),
            exempt_actions: Vec::new(),
            exempt_principals: Vec::new(),
        };
        for s in &c.stmts {
            match &s.kind {
                ast::ControlStmtKind::Regions(v) => out.regions.extend(self.lits(v)),
                ast::ControlStmtKind::ExemptActions(v) => out.exempt_actions.extend(self.lits(v)),
                ast::ControlStmtKind::ExemptPrincipals(v) => {
                    out.exempt_principals.extend(self.lits(v))
                }
                ast::ControlStmtKind::Error => {}
            }
        }
        out
    }

    fn stmts(&self, stmts: &[ast::Stmt]) -> Vec<Stmt> {
        stmts.iter().filter_map(|s| self.stmt(s)).collect()
    }

    fn stmt(&self, s: &ast::Stmt) -> Option<Stmt> {
        Some(match &s.kind {
            StmtKind::DenyModels { models, clauses } => Stmt::DenyModels {
                models: self.lits(models),
                clauses: self.clauses(clauses),
            },
            StmtKind::OnlyModels { models, clauses } => Stmt::OnlyModels {
                models: self.lits(models),
                clauses: self.clauses(clauses),
            },
            StmtKind::OnlyRegions {
                regions,
                services,
                all,
                clauses,
            } => Stmt::OnlyRegions {
                regions: self.lits(regions),
                services: self.lits(services),
                all_services: all.is_some(),
                clauses: self.clauses(clauses),
            },
            StmtKind::DenyApiKeys { kind, clauses } => Stmt::DenyApiKeys {
                kind: match kind.as_ref().map(|k| k.name.as_str()) {
                    Some("long_term") => Some("LONG_TERM"),
                    Some("short_term") => Some("SHORT_TERM"),
                    _ => None,
                },
                clauses: self.clauses(clauses),
            },
            StmtKind::Require(_) => Stmt::RequireApplicationProfile,
            StmtKind::RequireTags { tags, .. } => Stmt::RequireTags {
                tags: self.lits(tags),
            },
            StmtKind::RequireTagsFor {
                tags,
                values,
                actions,
                resources,
                clauses,
            } => Stmt::RequireTagsFor {
                tags: self.lits(tags),
                values: values.as_ref().map(|v| self.lit(v)),
                actions: self.lits(actions),
                resources: self.lits(resources),
                clauses: self.clauses(clauses),
            },
            StmtKind::ProtectTags {
                tags,
                services,
                actions,
                clauses,
            } => Stmt::ProtectTags {
                tags: self.lits(tags),
                actions: {
                    let mut acts = self.lits(actions);
                    for s in self.lits(services) {
                        acts.extend(self.index.catalog.tag_removal_actions(&s));
                    }
                    acts
                },
                clauses: self.clauses(clauses),
            },
            StmtKind::DenyServices { services, clauses } => Stmt::DenyServices {
                services: self.lits(services),
                clauses: self.clauses(clauses),
            },
            StmtKind::DenyAll { clauses } => Stmt::DenyAll {
                clauses: self.clauses(clauses),
            },
            StmtKind::DenyActions {
                actions,
                resources,
                clauses,
            } => Stmt::DenyActions {
                actions: self.lits(actions),
                resources: self.lits(resources),
                clauses: self.clauses(clauses),
            },
            StmtKind::Allow(a) => {
                let actions = match &a.what {
                    ast::AllowWhat::Invoke(_) => self.std_list("invoke"),
                    ast::AllowWhat::Actions(vs) => self.lits(vs),
                };
                let account = a
                    .account
                    .as_ref()
                    .and_then(|v| self.lit(v).into_iter().next())
                    .unwrap_or_else(|| "*".to_string());
                let values = self.lits(&a.resources);
                let resources = match &a.kind {
                    None => values,
                    Some(kind) => values
                        .iter()
                        .filter_map(|v| self.index.catalog.kind_arn(&kind.name, v, &account))
                        .collect(),
                };
                Stmt::Allow {
                    actions,
                    resources,
                    clauses: self.clauses(&a.clauses),
                }
            }
            StmtKind::Rule(r) => Stmt::Rule(self.rule(r)),
            StmtKind::Error => return None,
        })
    }

    fn rule(&self, r: &ast::Rule) -> Rule {
        let mut out = Rule {
            permit: r.effect == ast::Effect::Permit,
            principal: None,
            action: None,
            resource: None,
            clauses: r
                .clauses
                .iter()
                .map(|c| (c.unless, self.cond(&c.cond)))
                .collect(),
        };
        for e in &r.scope {
            let Some((op, v)) = &e.constraint else {
                continue;
            };
            let entry = Some((*op, self.lit(v)));
            match e.var {
                ast::ScopeVar::Principal => out.principal = entry,
                ast::ScopeVar::Action => out.action = entry,
                ast::ScopeVar::Resource => out.resource = entry,
            }
        }
        out
    }

    fn clauses(&self, clauses: &[ast::Clause]) -> Vec<Clause> {
        clauses
            .iter()
            .map(|c| Clause {
                unless: c.unless,
                pred: match &c.pred {
                    ast::SurfacePred::Region(v) => ClausePred::Region(self.lit(v)),
                    ast::SurfacePred::Principal(v) => ClausePred::Principal(self.lit(v)),
                    ast::SurfacePred::PrincipalAccount(v) => {
                        ClausePred::PrincipalAccount(self.lit(v))
                    }
                    ast::SurfacePred::ViaMcp(None) => ClausePred::ViaMcp,
                    ast::SurfacePred::ViaMcp(Some(v)) => ClausePred::ViaMcpIn(self.lit(v)),
                    ast::SurfacePred::Cond(c) => ClausePred::Cond(self.cond(c)),
                },
            })
            .collect()
    }

    fn cond(&self, c: &ast::Cond) -> Cond {
        match c {
            ast::Cond::And(v, _) => Cond::And(v.iter().map(|c| self.cond(c)).collect()),
            ast::Cond::Or(v, _) => Cond::Or(v.iter().map(|c| self.cond(c)).collect()),
            ast::Cond::Not(c, _) => Cond::Not(Box::new(self.cond(c))),
            // A named condition means its condition, read where it is declared.
            ast::Cond::Ref(name) => match self.index.named_condition(self.path, &name.name) {
                Some((file, c)) => Builder {
                    index: self.index,
                    path: file,
                }
                .cond(c),
                None => Cond::And(Vec::new()),
            },
            ast::Cond::Pred(p) => {
                let ty = self
                    .index
                    .catalog
                    .condition_key(&p.key.value)
                    .map(|k| k.ty.element())
                    .unwrap_or(KeyType::String);
                let one = |v: &Value| self.lit(v).into_iter().next().unwrap_or_default();
                let op = match &p.op {
                    ast::PredOp::Absent => PredOp::Absent,
                    ast::PredOp::Present => PredOp::Present,
                    ast::PredOp::Cmp(op, v) => match op {
                        ast::CmpOp::Eq => PredOp::Eq(self.lit(v)),
                        ast::CmpOp::Ne => PredOp::Ne(self.lit(v)),
                        ast::CmpOp::Lt => PredOp::Lt(one(v)),
                        ast::CmpOp::Le => PredOp::Le(one(v)),
                        ast::CmpOp::Gt => PredOp::Gt(one(v)),
                        ast::CmpOp::Ge => PredOp::Ge(one(v)),
                    },
                    ast::PredOp::In(v) => PredOp::Eq(self.lit(v)),
                    ast::PredOp::NotIn(v) => PredOp::Ne(self.lit(v)),
                    ast::PredOp::Like(v) => PredOp::Like(self.lit(v)),
                    ast::PredOp::NotLike(v) => PredOp::NotLike(self.lit(v)),
                };
                Cond::Pred(Pred {
                    qualifier: p.qualifier.map(|(q, _)| q),
                    key: p.key.value.clone(),
                    ty,
                    op,
                })
            }
        }
    }
}
