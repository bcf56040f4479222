//! Surface statements → core rules (docs/architecture.md, step 1→2). Each surface statement becomes the
//! rules documented for it in `stdlib/bedrock.gov`; names, constants and sets are replaced by
//! the literal texts they stand for. A pure function of the checked ASTs and the index: it runs
//! only on programs without errors, so it does not report problems, it skips what it cannot
//! read.

use super::*;
use crate::catalog::{Catalog, KeyType};
use crate::check::Index;
use crate::glob::is_glob;
use crate::syntax::ast::{self, ItemKind, OrgEntryKind, StmtKind, Value};

const MODEL_ARN: &str = "bedrock:ModelArn";

/// The stdlib items the desugaring reads (`stdlib/bedrock.gov`): the stdlib is where they are
/// defined and documented, so they are read from it, not repeated here.
const FOUNDATION_MODELS: (&str, &str) = ("bedrock", "foundation_models");
const INFERENCE_PROFILES: (&str, &str) = ("bedrock", "inference_profiles");
const APPLICATION_PROFILES: (&str, &str) = ("bedrock", "application_inference_profiles");
const INVOKE: (&str, &str) = ("bedrock", "invoke");
/// Every `bedrock` stdlib item the desugaring reads, as `(module, item)`;
/// `compiler/tests/stdlib.rs` checks that each is defined (`bedrock::invoke` first). It also
/// reads [`crate::stdlib::RCP_SERVICES`], which that test checks apart.
pub const READ_FROM_STDLIB: [(&str, &str); 4] = [
    INVOKE,
    FOUNDATION_MODELS,
    INFERENCE_PROFILES,
    APPLICATION_PROFILES,
];

/// The program's user files (stdlib modules are reached through `index`).
pub fn desugar(index: &Index, files: &[(&str, &ast::File)]) -> Program {
    let mut p = Program::new(index.catalog.clone());
    // One copy of each label, key and value text of the program's rules.
    let names = govc_iam::Interner::default();
    for (path, file) in files {
        if Index::is_std(path) {
            continue;
        }
        let d = Desugar {
            index,
            file: Name::from(*path),
            names: &names,
        };
        for item in &file.items {
            match &item.kind {
                ItemKind::Org(org) => d.org(org, &mut p.org),
                ItemKind::Scp(pol) => p.policies.push(d.policy(pol, PolicyKind::Scp)),
                ItemKind::Identity(pol) => p.policies.push(d.policy(pol, PolicyKind::Identity)),
                ItemKind::Rcp(pol) => p.policies.push(d.policy(pol, PolicyKind::Rcp)),
                ItemKind::Guardrail(g) => p.guardrails.push(d.guardrail(g)),
                ItemKind::Control(c) => p.controls.push(d.control(c)),
                ItemKind::Test(t) => p.tests.push(d.test(t)),
                ItemKind::Attach(a) => {
                    for pol in &a.policies {
                        let targets = p.attachments.entry(pol.name.clone()).or_default();
                        for t in &a.targets {
                            if !targets.contains(&t.name) {
                                targets.push(t.name.clone());
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    // The root first: it is the top of every path.
    p.org.targets.sort_by_key(|t| t.kind != TargetKind::Root);
    p.org.reindex();
    p
}

struct Desugar<'a> {
    index: &'a Index,
    /// The file's path, shared by every origin in it.
    file: Name,
    /// The rules' labels, keys and values, one copy of each.
    names: &'a govc_iam::Interner,
}

impl Desugar<'_> {
    /// The literal texts of a stdlib item (see [`FOUNDATION_MODELS`] and the others).
    fn std(&self, (module, item): (&str, &str)) -> Vec<String> {
        self.index.std_literals(module, item)
    }

    /// [`Self::std`], shared.
    fn std_names(&self, item: (&str, &str)) -> Vec<Name> {
        self.shared(self.std(item))
    }

    /// The shared copies of `texts`.
    fn shared(&self, texts: Vec<String>) -> Vec<Name> {
        texts.iter().map(|t| self.names.name(t)).collect()
    }

    /// A predicate on a key, its family from the catalog.
    fn pred(&self, key: &str, test: Test) -> Cond {
        let (key, family) = key_of(&self.index.catalog, key);
        self.pred_as(&key, family, test)
    }

    /// A predicate compared as `family`, whatever the key's catalog type (the surface
    /// statements choose the operators their documentation names).
    fn pred_as(&self, key: &str, family: Family, test: Test) -> Cond {
        Cond::Pred(Pred {
            key: self.names.name(key),
            family,
            qualifier: None,
            test,
        })
    }

    /// `aws:PrincipalArn` equal to one of the ARNs (`StringEquals`, as seed 001 writes it) or
    /// like one of the patterns (`ArnLike`); docs/language.md §7.8, §8.2.
    fn principal_arn(&self, values: Vec<Name>, like: bool) -> Cond {
        if like {
            self.pred_as("aws:PrincipalArn", Family::Arn, Test::Like(values))
        } else {
            self.pred_as("aws:PrincipalArn", Family::String, Test::Eq(values))
        }
    }

    fn lits(&self, v: &Value) -> Vec<String> {
        let mut out = Vec::new();
        self.index.literals(&self.file, v, &mut out);
        out
    }

    fn lits_all(&self, vs: &[Value]) -> Vec<String> {
        let mut out = Vec::new();
        for v in vs {
            self.index.literals(&self.file, v, &mut out);
        }
        out
    }

    /// [`Self::lits`], shared: the values of a rule.
    fn names(&self, v: &Value) -> Vec<Name> {
        self.shared(self.lits(v))
    }

    /// [`Self::lits_all`], shared.
    fn names_all(&self, vs: &[Value]) -> Vec<Name> {
        self.shared(self.lits_all(vs))
    }

    fn org(&self, org: &ast::Org, out: &mut Org) {
        for e in &org.entries {
            match &e.kind {
                OrgEntryKind::Root { keyword, id } => out.targets.push(Target {
                    name: "root".into(),
                    kind: TargetKind::Root,
                    id: id.value.clone(),
                    parent: None,
                    file: self.file.to_string(),
                    span: *keyword,
                }),
                OrgEntryKind::Ou { name, id, parent }
                | OrgEntryKind::Account { name, id, parent } => {
                    let kind = if matches!(e.kind, OrgEntryKind::Ou { .. }) {
                        TargetKind::Ou
                    } else {
                        TargetKind::Account
                    };
                    out.targets.push(Target {
                        name: name.name.clone(),
                        kind,
                        id: id.as_ref().map(|s| s.value.clone()).unwrap_or_default(),
                        parent: parent.as_ref().map(|p| p.name.clone()),
                        file: self.file.to_string(),
                        span: name.span,
                    });
                }
                OrgEntryKind::OrgId { id, .. } => {
                    if out.id.is_none() {
                        out.id = self.lits(id).into_iter().next();
                    }
                }
                OrgEntryKind::LimitsPreset(p) => {
                    if p.name == "legacy" {
                        out.limits = Limits::LEGACY;
                    } else {
                        out.limits = Limits::CURRENT;
                    }
                }
                OrgEntryKind::Limits(pairs) => {
                    for (name, v) in pairs {
                        let n = self.lits(v).first().and_then(|t| t.parse::<usize>().ok());
                        match (name.name.as_str(), n) {
                            ("scp_size", Some(n)) => out.limits.scp_size = n,
                            ("scp_per_target", Some(n)) => out.limits.scp_per_target = n,
                            _ => {}
                        }
                    }
                }
                OrgEntryKind::Error => {}
            }
        }
    }

    fn policy(&self, pol: &ast::Policy, kind: PolicyKind) -> Policy {
        let mut rules = Vec::new();
        let name = Name::from(pol.name.name.as_str());
        for s in &pol.stmts {
            self.stmt(s, &name, &mut rules);
        }
        if kind == PolicyKind::Rcp {
            // An RCP acts only on the services of `rcp::services` (stdlib/rcp.gov): a rule
            // about every action is about every action of those services, and is written
            // with their patterns rather than `*`.
            let services: Vec<Name> = self
                .std(crate::stdlib::RCP_SERVICES)
                .iter()
                .map(|s| self.names.name(&format!("{s}:*")))
                .collect();
            for r in &mut rules {
                if r.action == ScopeSet::Any {
                    r.action = ScopeSet::In(services.clone());
                }
            }
        }
        // Kept for the whole compile: no doubling slack (a `Rule` is a few hundred bytes).
        rules.shrink_to_fit();
        Policy {
            name: pol.name.name.clone(),
            kind,
            file: self.file.to_string(),
            span: pol.name.span,
            rules,
        }
    }

    fn origin(&self, span: Span, policy: &Name, label: &str) -> Origin {
        let label = self.names.name(label);
        Origin {
            file: self.file.clone(),
            span,
            policy: policy.clone(),
            label,
        }
    }

    fn stmt(&self, s: &ast::Stmt, policy: &Name, out: &mut Vec<Rule>) {
        let forbid = |action: ScopeSet, resource: ScopeSet, cond: Cond, label: &str| Rule {
            effect: Effect::Forbid,
            action,
            resource,
            cond,
            origin: self.origin(s.span, policy, label),
        };
        match &s.kind {
            StmtKind::DenyModels { models, clauses } => {
                let models = self.names_all(models);
                let arns: Vec<Name> = models
                    .iter()
                    .map(|m| self.names.name(&model_arn(m)))
                    .collect();
                let clauses = self.clauses(clauses);
                out.push(forbid(
                    ScopeSet::In(vec!["bedrock:*".into()]),
                    ScopeSet::In(arns.clone()),
                    clauses.clone(),
                    "DenyModel",
                ));
                // The OpenAI-compatible Chat Completions API on bedrock-runtime authorises
                // `bedrock:InvokeModel` on a project and names the model in `bedrock:ModelArn`.
                out.push(forbid(
                    ScopeSet::In(vec!["bedrock:*".into()]),
                    ScopeSet::Any,
                    Cond::and(vec![
                        clauses.clone(),
                        self.pred_as(MODEL_ARN, Family::Arn, Test::Like(arns)),
                    ]),
                    "DenyModel",
                ));
                out.push(forbid(
                    ScopeSet::In(vec!["bedrock-mantle:*".into()]),
                    ScopeSet::Any,
                    Cond::and(vec![
                        clauses,
                        self.pred("bedrock-mantle:Model", Test::Like(models)),
                    ]),
                    "DenyModel",
                ));
            }
            StmtKind::OnlyModels { models, clauses } => {
                let models = self.names_all(models);
                let arns: Vec<Name> = models
                    .iter()
                    .map(|m| self.names.name(&model_arn(m)))
                    .collect();
                let permit = |action: ScopeSet, resource: ScopeSet, cond: Cond| Rule {
                    effect: Effect::Permit,
                    action,
                    resource,
                    cond,
                    origin: self.origin(s.span, policy, "OnlyModels"),
                };
                // Allows only, so that several allow-lists at one level add up on both
                // endpoints alike (docs/semantics.md, "Allow-lists").
                let bedrock = || ScopeSet::In(vec!["bedrock:*".into()]);
                // `bedrock:ModelArn`, when present, must name a listed model.
                let model_arn_listed = || {
                    Cond::Or(vec![
                        self.pred_as(MODEL_ARN, Family::Arn, Test::Absent),
                        self.pred_as(MODEL_ARN, Family::Arn, Test::Like(arns.clone())),
                    ])
                };
                out.push(permit(
                    ScopeSet::NotIn(vec!["bedrock:*".into(), "bedrock-mantle:*".into()]),
                    ScopeSet::Any,
                    Cond::True,
                ));
                out.push(permit(
                    bedrock(),
                    ScopeSet::NotIn(self.std_names(FOUNDATION_MODELS)),
                    model_arn_listed(),
                ));
                out.push(permit(
                    bedrock(),
                    ScopeSet::In(arns.clone()),
                    model_arn_listed(),
                ));
                out.push(permit(
                    ScopeSet::In(vec!["bedrock-mantle:*".into()]),
                    ScopeSet::Any,
                    Cond::Or(vec![
                        self.pred("bedrock-mantle:Model", Test::Absent),
                        self.pred("bedrock-mantle:Model", Test::Like(models)),
                    ]),
                ));
                // The exemptions: a request the clauses do not all hold for may use any model.
                if !clauses.is_empty() {
                    out.push(permit(
                        ScopeSet::In(vec!["bedrock:*".into(), "bedrock-mantle:*".into()]),
                        ScopeSet::Any,
                        Cond::negate(self.clauses(clauses)),
                    ));
                }
            }
            StmtKind::OnlyRegions {
                regions,
                services,
                all,
                clauses,
            } => {
                let regions = self.names_all(regions);
                let patterns = |services: Vec<Name>| -> Vec<Name> {
                    services
                        .iter()
                        .map(|s| self.names.name(&format!("{s}:*")))
                        .collect()
                };
                let action = if all.is_some() {
                    // Every action but the global services' (`NotAction`).
                    ScopeSet::NotIn(patterns(self.std_names(crate::stdlib::GLOBAL_SERVICES)))
                } else if services.is_empty() {
                    ScopeSet::In(patterns(vec!["bedrock".into(), "bedrock-mantle".into()]))
                } else {
                    ScopeSet::In(patterns(self.names_all(services)))
                };
                out.push(forbid(
                    action,
                    ScopeSet::Any,
                    Cond::and(vec![
                        Cond::negate(self.pred("aws:RequestedRegion", Test::Eq(regions))),
                        self.clauses(clauses),
                    ]),
                    "OnlyRegions",
                ));
            }
            StmtKind::DenyApiKeys { kind, clauses } => {
                let value = match kind.as_ref().map(|k| k.name.as_str()) {
                    Some("long_term") => Some("LONG_TERM"),
                    Some("short_term") => Some("SHORT_TERM"),
                    _ => None,
                };
                let clauses = self.clauses(clauses);
                for ns in ["bedrock", "bedrock-mantle"] {
                    let token = value.map(|v| {
                        self.pred(
                            &format!("{ns}:BearerTokenType"),
                            Test::Eq(vec![self.names.name(v)]),
                        )
                    });
                    out.push(forbid(
                        ScopeSet::In(vec![self.names.name(&format!("{ns}:CallWithBearerToken"))]),
                        ScopeSet::Any,
                        Cond::and(vec![token.unwrap_or(Cond::True), clauses.clone()]),
                        "DenyApiKeys",
                    ));
                }
            }
            StmtKind::Require(_) => {
                let invoke = || ScopeSet::In(self.std_names(INVOKE));
                let arn = |item| ScopeSet::In(self.std_names(item));
                let profile = "bedrock:InferenceProfileArn";
                // Seed 000 SCP 1, all three statements; the optimiser drops the first, which
                // the second subsumes.
                out.push(forbid(
                    invoke(),
                    arn(FOUNDATION_MODELS),
                    self.pred(profile, Test::Absent),
                    "RequireApplicationInferenceProfile",
                ));
                out.push(forbid(
                    invoke(),
                    arn(FOUNDATION_MODELS),
                    // Seed 000 writes `StringNotLike`.
                    Cond::negate(self.pred_as(
                        profile,
                        Family::String,
                        Test::Like(self.std_names(APPLICATION_PROFILES)),
                    )),
                    "RequireApplicationInferenceProfile",
                ));
                out.push(forbid(
                    invoke(),
                    arn(INFERENCE_PROFILES),
                    Cond::True,
                    "RequireApplicationInferenceProfile",
                ));
            }
            StmtKind::RequireTags { tags, .. } => {
                let tags = self.names_all(tags);
                let profiles = || ScopeSet::In(self.std_names(APPLICATION_PROFILES));
                for t in &tags {
                    out.push(forbid(
                        ScopeSet::In(vec!["bedrock:CreateInferenceProfile".into()]),
                        profiles(),
                        self.pred(&format!("aws:RequestTag/{t}"), Test::Absent),
                        "RequireTags",
                    ));
                }
                out.push(forbid(
                    ScopeSet::In(vec!["bedrock:UntagResource".into()]),
                    profiles(),
                    Cond::Pred(Pred {
                        key: self.names.name("aws:TagKeys"),
                        family: Family::String,
                        qualifier: Some(Qualifier::Any),
                        test: Test::Eq(tags),
                    }),
                    "RequireTags",
                ));
            }
            StmtKind::RequireTagsFor {
                tags,
                values,
                actions,
                resources,
                clauses,
            } => {
                let actions = || ScopeSet::In(self.names_all(actions));
                let resources = || {
                    if resources.is_empty() {
                        ScopeSet::Any
                    } else {
                        ScopeSet::In(self.names_all(resources))
                    }
                };
                let clauses = self.clauses(clauses);
                let tags = self.names_all(tags);
                match values {
                    // One tag, its values listed: a request whose tag is none of them (or
                    // missing) is denied.
                    Some(v) => {
                        for t in &tags {
                            out.push(forbid(
                                actions(),
                                resources(),
                                Cond::and(vec![
                                    Cond::negate(self.pred(
                                        &format!("aws:RequestTag/{t}"),
                                        Test::Eq(self.names(v)),
                                    )),
                                    clauses.clone(),
                                ]),
                                "RequireTags",
                            ));
                        }
                    }
                    // Each tag present: one Deny per tag (a condition block ANDs its keys).
                    None => {
                        for t in &tags {
                            out.push(forbid(
                                actions(),
                                resources(),
                                Cond::and(vec![
                                    self.pred(&format!("aws:RequestTag/{t}"), Test::Absent),
                                    clauses.clone(),
                                ]),
                                "RequireTags",
                            ));
                        }
                    }
                }
            }
            StmtKind::ProtectTags {
                tags,
                services,
                actions,
                clauses,
            } => {
                let mut acts = self.names_all(actions);
                for s in self.names_all(services) {
                    acts.extend(
                        self.index
                            .catalog
                            .tag_removal_actions(&s)
                            .iter()
                            .map(|a| self.names.name(a)),
                    );
                }
                out.push(forbid(
                    ScopeSet::In(acts),
                    ScopeSet::Any,
                    Cond::and(vec![
                        Cond::Pred(Pred {
                            key: self.names.name("aws:TagKeys"),
                            family: Family::String,
                            qualifier: Some(Qualifier::Any),
                            test: Test::Eq(self.names_all(tags)),
                        }),
                        self.clauses(clauses),
                    ]),
                    "ProtectTags",
                ));
            }
            StmtKind::DenyServices { services, clauses } => {
                let services = self.names_all(services);
                out.push(forbid(
                    ScopeSet::In(
                        services
                            .iter()
                            .map(|s| self.names.name(&format!("{s}:*")))
                            .collect(),
                    ),
                    ScopeSet::Any,
                    self.clauses(clauses),
                    "DenyService",
                ));
            }
            StmtKind::DenyAll { clauses } => out.push(forbid(
                ScopeSet::Any,
                ScopeSet::Any,
                self.clauses(clauses),
                "DenyAll",
            )),
            StmtKind::DenyActions {
                actions,
                resources,
                clauses,
            } => {
                let resources = if resources.is_empty() {
                    ScopeSet::Any
                } else {
                    ScopeSet::In(self.names_all(resources))
                };
                out.push(forbid(
                    ScopeSet::In(self.names_all(actions)),
                    resources,
                    self.clauses(clauses),
                    "DenyActions",
                ));
            }
            StmtKind::Allow(a) => out.push(self.allow(a, s.span, policy)),
            StmtKind::Rule(r) => out.push(self.rule(r, s.span, policy)),
            StmtKind::Error => {}
        }
    }

    fn allow(&self, a: &ast::Allow, span: Span, policy: &Name) -> Rule {
        let actions = match &a.what {
            ast::AllowWhat::Invoke(_) => self.std_names(INVOKE),
            ast::AllowWhat::Actions(vs) => self.names_all(vs),
        };
        let account = a
            .account
            .as_ref()
            .and_then(|v| self.lits(v).into_iter().next())
            .unwrap_or_else(|| "*".to_string());
        let values = self.names_all(&a.resources);
        // KIND turns each value into that resource type's ARN (docs/language.md §9).
        let resources = match &a.kind {
            Some(kind) => values
                .iter()
                .filter_map(|v| self.index.catalog.kind_arn(&kind.name, v, &account))
                .map(|arn| self.names.name(&arn))
                .collect(),
            None => values,
        };
        Rule {
            effect: Effect::Permit,
            action: ScopeSet::In(actions),
            resource: ScopeSet::In(resources),
            cond: self.clauses(&a.clauses),
            origin: self.origin(span, policy, "Allow"),
        }
    }

    fn rule(&self, r: &ast::Rule, span: Span, policy: &Name) -> Rule {
        let mut action = ScopeSet::Any;
        let mut resource = ScopeSet::Any;
        let mut conds = Vec::new();
        for e in &r.scope {
            let Some((op, v)) = &e.constraint else {
                continue;
            };
            let values = self.names(v);
            let negated = matches!(
                op,
                ast::ScopeOp::NotEq | ast::ScopeOp::NotIn | ast::ScopeOp::NotLike
            );
            match e.var {
                ast::ScopeVar::Action | ast::ScopeVar::Resource => {
                    let set = if negated {
                        ScopeSet::NotIn(values)
                    } else {
                        ScopeSet::In(values)
                    };
                    if e.var == ast::ScopeVar::Action {
                        action = set;
                    } else {
                        resource = set;
                    }
                }
                ast::ScopeVar::Principal => {
                    // docs/language.md §8.2: `==`/`in` compare exactly, `like` as an ARN.
                    let like = matches!(op, ast::ScopeOp::Like | ast::ScopeOp::NotLike);
                    let p = self.principal_arn(values, like);
                    conds.push(if negated { Cond::negate(p) } else { p });
                }
            }
        }
        for c in &r.clauses {
            let cond = self.cond(&c.cond);
            conds.push(if c.unless { Cond::negate(cond) } else { cond });
        }
        let (effect, label) = match r.effect {
            Effect::Forbid => (Effect::Forbid, "Forbid"),
            Effect::Permit => (Effect::Permit, "Permit"),
        };
        Rule {
            effect,
            action,
            resource,
            cond: Cond::and(conds),
            origin: self.origin(span, policy, label),
        }
    }

    fn clauses(&self, clauses: &[ast::Clause]) -> Cond {
        let mut out = Vec::new();
        for c in clauses {
            let cond = match &c.pred {
                ast::SurfacePred::Region(v) => {
                    self.pred("aws:RequestedRegion", Test::Eq(self.names(v)))
                }
                ast::SurfacePred::Principal(v) => {
                    let values = self.names(v);
                    // stdlib/bedrock.gov: patterns compare as ARNs.
                    let like = values.iter().any(|v| is_glob(v));
                    self.principal_arn(values, like)
                }
                ast::SurfacePred::PrincipalAccount(v) => {
                    self.pred("aws:PrincipalAccount", Test::Eq(self.names(v)))
                }
                ast::SurfacePred::ViaMcp(None) => self.pred_as(
                    "aws:ViaAWSMCPService",
                    Family::Bool,
                    Test::Eq(vec!["true".into()]),
                ),
                ast::SurfacePred::ViaMcp(Some(v)) => {
                    self.pred("aws:CalledViaAWSMCP", Test::Eq(self.names(v)))
                }
                ast::SurfacePred::Cond(c) => self.cond(c),
            };
            out.push(if c.unless { Cond::negate(cond) } else { cond });
        }
        Cond::and(out)
    }

    fn cond(&self, c: &ast::Cond) -> Cond {
        match c {
            ast::Cond::And(v, _) => Cond::And(v.iter().map(|c| self.cond(c)).collect()),
            ast::Cond::Or(v, _) => Cond::Or(v.iter().map(|c| self.cond(c)).collect()),
            ast::Cond::Not(c, _) => Cond::negate(self.cond(c)),
            // A named condition, read in the scope of the file that declares it (the checker
            // bounds how deep names go, and refuses cycles).
            ast::Cond::Ref(name) => match self.index.named_condition(&self.file, &name.name) {
                Some((file, c)) => Desugar {
                    index: self.index,
                    file: Name::from(file),
                    names: self.names,
                }
                .cond(c),
                None => Cond::True,
            },
            ast::Cond::Pred(p) => {
                let (key, family) = key_of(&self.index.catalog, &p.key.value);
                let key = self.names.name(&key);
                let qualifier = p.qualifier.map(|(q, _)| q);
                let mk_q = |qualifier: Option<Qualifier>, test: Test| {
                    Cond::Pred(Pred {
                        key: key.clone(),
                        family,
                        qualifier,
                        test,
                    })
                };
                let mk = |test: Test| mk_q(qualifier, test);
                // `!=`, `not in`, `not like` negate the test of each value, inside the
                // quantifier: `any k not in L` is "some value is not in L", which is
                // `!(all k in L)`; `all k != v` is `!(any k == v)`.
                let not = |test: Test| {
                    let swapped = qualifier.map(|q| match q {
                        Qualifier::Any => Qualifier::All,
                        Qualifier::All => Qualifier::Any,
                    });
                    Cond::negate(mk_q(swapped, test))
                };
                let one = |v: &Value| {
                    self.names(v)
                        .into_iter()
                        .next()
                        .unwrap_or_else(|| self.names.name(""))
                };
                match &p.op {
                    ast::PredOp::Absent => mk(Test::Absent),
                    ast::PredOp::Present => Cond::negate(mk(Test::Absent)),
                    ast::PredOp::Cmp(op, v) => match op {
                        ast::CmpOp::Eq => mk(Test::Eq(self.names(v))),
                        ast::CmpOp::Ne => not(Test::Eq(self.names(v))),
                        ast::CmpOp::Lt => mk(Test::Lt(one(v))),
                        ast::CmpOp::Le => mk(Test::Le(one(v))),
                        ast::CmpOp::Gt => mk(Test::Gt(one(v))),
                        ast::CmpOp::Ge => mk(Test::Ge(one(v))),
                    },
                    ast::PredOp::In(v) => mk(Test::Eq(self.names(v))),
                    ast::PredOp::NotIn(v) => not(Test::Eq(self.names(v))),
                    ast::PredOp::Like(v) => mk(Test::Like(self.names(v))),
                    ast::PredOp::NotLike(v) => not(Test::Like(self.names(v))),
                }
            }
        }
    }

    fn guardrail(&self, g: &ast::Guardrail) -> Guardrail {
        let mut out = Guardrail {
            name: g.name.name.clone(),
            file: self.file.to_string(),
            span: g.name.span,
            regions: Vec::new(),
            input_tags: None,
            guarding: Vec::new(),
            models: None,
            lock: false,
            sources: Vec::new(),
        };
        for s in &g.stmts {
            out.sources.push(s.span);
            match &s.kind {
                ast::GuardStmtKind::Use { region, guardrail } => {
                    for r in self.lits(region) {
                        out.regions.push((r, guardrail.value.clone()));
                    }
                }
                ast::GuardStmtKind::InputTags(v) => out.input_tags = Some(v.name.clone()),
                ast::GuardStmtKind::Guarding(pairs) => {
                    for (what, mode) in pairs {
                        out.guarding.push((what.name.clone(), mode.name.clone()));
                    }
                }
                ast::GuardStmtKind::Models {
                    all,
                    include,
                    exclude,
                } => {
                    out.models = Some(ModelEnforcement {
                        all: all.is_some(),
                        include: self.lits_all(include),
                        exclude: self.lits_all(exclude),
                    })
                }
                ast::GuardStmtKind::Lock => out.lock = true,
                ast::GuardStmtKind::Error => {}
            }
        }
        out
    }

    fn test(&self, t: &ast::Test) -> TestBlock {
        let one = |v: &Value| self.lits(v).into_iter().next().unwrap_or_default();
        let expects = t
            .expects
            .iter()
            .filter_map(|e| match &e.kind {
                ast::ExpectKind::Case {
                    allow,
                    action,
                    resource,
                    region,
                    context,
                } => Some(Expectation {
                    allow: *allow,
                    action: one(action),
                    resource: one(resource),
                    region: region.as_ref().map(one),
                    context: context
                        .iter()
                        .map(|(k, v)| {
                            let value = match &v.kind {
                                ast::ValueKind::List(_) => TestValue::Many(self.lits(v)),
                                _ => TestValue::One(one(v)),
                            };
                            (k.value.clone(), value)
                        })
                        .collect(),
                    span: e.span,
                }),
                ast::ExpectKind::Error => None,
            })
            .collect();
        TestBlock {
            name: t.name.value.clone(),
            account: t.target.name.clone(),
            file: self.file.to_string(),
            span: t.name.span,
            expects,
        }
    }

    fn control(&self, c: &ast::Control) -> Control {
        let mut out = Control {
            name: c.name.name.clone(),
            file: self.file.to_string(),
            span: c.name.span,
            targets: c.targets.iter().map(|t| t.name.clone()).collect(),
            regions: Vec::new(),
            exempt_actions: Vec::new(),
            exempt_principals: Vec::new(),
            sources: Vec::new(),
        };
        for s in &c.stmts {
            out.sources.push(s.span);
            match &s.kind {
                ast::ControlStmtKind::Regions(v) => out.regions.extend(self.lits_all(v)),
                ast::ControlStmtKind::ExemptActions(v) => {
                    out.exempt_actions.extend(self.lits_all(v))
                }
                ast::ControlStmtKind::ExemptPrincipals(v) => {
                    out.exempt_principals.extend(self.lits_all(v))
                }
                ast::ControlStmtKind::Error => {}
            }
        }
        out
    }
}

/// `arn:aws:bedrock:*::foundation-model/P`; the `*` Region also matches the empty Region of
/// global cross-Region inference (aws.md §5.2).
fn model_arn(model: &str) -> String {
    format!("arn:aws:bedrock:*::foundation-model/{model}")
}

/// The canonical spelling and operator family of a condition key. Template keys
/// (`aws:RequestTag/${TagKey}`) keep the written suffix.
fn key_of(cat: &Catalog, written: &str) -> (String, Family) {
    let Some(k) = cat.condition_key(written) else {
        return (written.to_string(), Family::String);
    };
    let name = match k.name.find("${") {
        Some(at) => {
            let prefix = k.name.get(..at).unwrap_or("");
            format!("{prefix}{}", written.get(at..).unwrap_or(""))
        }
        None => k.name.clone(),
    };
    let family = match k.ty.element() {
        KeyType::Arn => Family::Arn,
        KeyType::Numeric => Family::Numeric,
        KeyType::Date => Family::Date,
        KeyType::Bool => Family::Bool,
        KeyType::IpAddress => Family::Ip,
        KeyType::Binary => Family::Binary,
        _ => Family::String,
    };
    (name, family)
}
