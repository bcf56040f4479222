//! The interpreter: what a program's statements decide, one rule of `docs/semantics.md` per
//! function. Generic over [`Logic`], so it decides one request ([`super::logic::Concrete`]) or
//! builds the decision as a formula.

use super::logic::{Atom, Logic, Test};
use super::*;
use crate::document::controltower::{DEFAULT_NOT_ACTIONS, EXEMPT_ROLES};
use crate::glob::is_glob;
use crate::ir::Op;

const REGION: &str = "aws:RequestedRegion";
const PRINCIPAL_ARN: &str = "aws:PrincipalArn";
const PRINCIPAL_ACCOUNT: &str = "aws:PrincipalAccount";
const MODEL_ARN: &str = "bedrock:ModelArn";
const MANTLE_MODEL: &str = "bedrock-mantle:Model";
const PROFILE_ARN: &str = "bedrock:InferenceProfileArn";

/// The test `op value`.
fn test(op: Op, value: &str) -> Test {
    Test {
        op,
        value: value.to_string(),
    }
}

impl Meaning {
    /// The ARN pattern of the foundation models a model pattern names, in every Region and the
    /// Region-less form global cross-Region inference authorises.
    pub fn model_arn(&self, model: &str) -> String {
        self.catalog
            .kind_arn("model", model, "*")
            .unwrap_or_else(|| format!("arn:aws:bedrock:*::foundation-model/{model}"))
    }

    /// The targets from the root down to `account` (included); `None` when `account` is not an
    /// account of the organization. semantics.md "The organization".
    pub fn path(&self, account: &str) -> Option<Vec<String>> {
        let (kind, mut parent) = self.targets.get(account)?.clone();
        if kind != TargetKind::Account {
            return None;
        }
        let mut path = vec![account.to_string()];
        while let Some(p) = parent.take() {
            // The checker refuses cycles; the bound keeps this total anyway.
            if path.len() > self.targets.len() || path.contains(&p) {
                break;
            }
            parent = self.targets.get(&p).and_then(|(_, pp)| pp.clone());
            path.push(p);
        }
        if self.targets.contains_key("root") && !path.iter().any(|t| t == "root") {
            path.push("root".to_string());
        }
        path.reverse();
        Some(path)
    }

    /// Whether the organization allows the request for `account`: no level forbids it, and
    /// every level allows it. semantics.md "The decision".
    pub fn decide<L: Logic>(&self, l: &mut L, account: &str) -> Option<L::B> {
        let path = self.path(account)?;
        let mut forbidden = Vec::new();
        let mut allowed = Vec::new();
        for target in &path {
            let (f, a) = self.level(l, target);
            forbidden.push(f);
            allowed.push(a);
        }
        let forbidden = l.any(forbidden);
        let not_forbidden = l.not(forbidden);
        let allowed = l.all(allowed);
        Some(l.and(not_forbidden, allowed))
    }

    /// Whether the organization's resource control policies let the request reach a resource
    /// of `account`: no RCP on the account's path forbids it. RCPFullAWSAccess, attached at
    /// every level and impossible to detach, permits every request, and customer RCPs only
    /// forbid, so every level always permits. An RCP governs only the actions of
    /// `rcp::services`; a request of another service is never forbidden by one.
    /// semantics.md "Resource control policies".
    pub fn decide_rcp<L: Logic>(&self, l: &mut L, account: &str) -> Option<L::B> {
        let path = self.path(account)?;
        let mut forbidden = Vec::new();
        for target in &path {
            forbidden.push(self.rcp_level(l, target));
        }
        let forbidden = l.any(forbidden);
        Some(l.not(forbidden))
    }

    /// The RCP names attached to a target.
    pub fn rcps_at(&self, target: &str) -> Vec<&str> {
        self.attached
            .get(target)
            .map(|ps| {
                ps.iter()
                    .filter(|p| self.rcps.contains_key(p.as_str()))
                    .map(String::as_str)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether an RCP attached at `target` forbids the request: [`Meaning::decide_rcp`] is
    /// "no level forbids" over these.
    pub(crate) fn rcp_level<L: Logic>(&self, l: &mut L, target: &str) -> L::B {
        let mut forbids = Vec::new();
        for p in self.rcps_at(target) {
            for s in self.rcps.get(p).map(Vec::as_slice).unwrap_or_default() {
                forbids.push(self.forbids(l, s));
            }
        }
        if forbids.is_empty() {
            return l.konst(false);
        }
        let forbidden = l.any(forbids);
        let governed = any_action(l, self.facts.rcp_services.iter().map(|s| format!("{s}:*")));
        l.and(governed, forbidden)
    }

    /// What one identity policy decides on its own: some statement allows the request and none
    /// forbids it. semantics.md "Identity policies".
    pub fn decide_identity<L: Logic>(&self, l: &mut L, policy: &str) -> Option<L::B> {
        let stmts = self.identities.get(policy)?;
        let mut forbids = Vec::new();
        let mut permits = Vec::new();
        for s in stmts {
            forbids.push(self.forbids(l, s));
            permits.push(self.permits(l, s));
        }
        let forbidden = l.any(forbids);
        let not_forbidden = l.not(forbidden);
        let permitted = l.any(permits);
        Some(l.and(not_forbidden, permitted))
    }

    /// The SCP names attached to a target.
    pub fn scps_at(&self, target: &str) -> Vec<&str> {
        self.attached
            .get(target)
            .map(|ps| {
                ps.iter()
                    .filter(|p| self.scps.contains_key(p.as_str()))
                    .map(String::as_str)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether FullAWSAccess stays attached to a target: no SCP attached there holds an
    /// allow-list (`only models`) or a `permit` rule. semantics.md "FullAWSAccess".
    pub fn keeps_full_access(&self, target: &str) -> bool {
        !self.scps_at(target).iter().any(|p| {
            self.scps
                .get(*p)
                .is_some_and(|stmts| stmts.iter().any(Stmt::is_permit))
        })
    }

    /// What decides at `target`: whether FullAWSAccess stays, the SCPs attached and the
    /// controls enabled there (their positions in `controls`). Two targets with the same key
    /// decide alike at their level.
    pub fn level_key(&self, target: &str) -> (bool, Vec<String>, Vec<usize>) {
        (
            self.keeps_full_access(target),
            self.scps_at(target)
                .into_iter()
                .map(str::to_string)
                .collect(),
            self.controls
                .iter()
                .enumerate()
                .filter(|(_, c)| c.targets.iter().any(|t| t == target))
                .map(|(i, _)| i)
                .collect(),
        )
    }

    /// (forbidden at this level, allowed at this level): [`Meaning::decide`] is "no level
    /// forbids, every level allows" over these.
    pub(crate) fn level<L: Logic>(&self, l: &mut L, target: &str) -> (L::B, L::B) {
        let mut forbids = Vec::new();
        let mut permits = Vec::new();
        for p in self.scps_at(target) {
            for s in self.scps.get(p).map(Vec::as_slice).unwrap_or_default() {
                forbids.push(self.forbids(l, s));
                permits.push(self.permits(l, s));
            }
        }
        for c in self
            .controls
            .iter()
            .filter(|c| c.targets.iter().any(|t| t == target))
        {
            forbids.push(control_forbids(l, c));
        }
        let forbidden = l.any(forbids);
        let allowed = if self.keeps_full_access(target) {
            l.konst(true)
        } else {
            l.any(permits)
        };
        (forbidden, allowed)
    }

    /// Whether the statement forbids the request (false for statements that only permit).
    pub fn forbids<L: Logic>(&self, l: &mut L, s: &Stmt) -> L::B {
        match s {
            Stmt::DenyModels { models, clauses } => {
                let m = self.uses_model(l, models);
                let c = self.clauses(l, clauses);
                l.and(m, c)
            }
            Stmt::OnlyRegions {
                regions,
                services,
                all_services,
                clauses,
            } => {
                let svc = if *all_services {
                    // Every request but those of the global services.
                    let global = any_action(
                        l,
                        self.facts.global_services.iter().map(|s| format!("{s}:*")),
                    );
                    l.not(global)
                } else {
                    let services = if services.is_empty() {
                        &self.facts.region_services
                    } else {
                        services
                    };
                    any_action(l, services.iter().map(|s| format!("{s}:*")))
                };
                let inside = any_some(l, REGION, Op::StringEquals, regions);
                let outside = l.not(inside);
                let c = self.clauses(l, clauses);
                let x = l.and(svc, outside);
                l.and(x, c)
            }
            Stmt::DenyApiKeys { kind, clauses } => {
                let mut uses = Vec::new();
                for ns in ["bedrock", "bedrock-mantle"] {
                    let action = l.atom(Atom::Action(format!("{ns}:CallWithBearerToken")));
                    let typed = match kind {
                        Some(k) => l.atom(Atom::Some(
                            format!("{ns}:BearerTokenType"),
                            test(Op::StringEquals, k),
                        )),
                        None => l.konst(true),
                    };
                    uses.push(l.and(action, typed));
                }
                let u = l.any(uses);
                let c = self.clauses(l, clauses);
                l.and(u, c)
            }
            Stmt::RequireApplicationProfile => {
                let invoke = any_action(l, self.facts.invoke.iter().cloned());
                let on_model = l.atom(Atom::Resource(self.facts.foundation_models.clone()));
                let through_app = l.atom(Atom::Some(
                    PROFILE_ARN.into(),
                    test(Op::StringLike, &self.facts.application_profiles),
                ));
                let not_through_app = l.not(through_app);
                let direct = l.and(on_model, not_through_app);
                let system = l.atom(Atom::Resource(self.facts.system_profiles.clone()));
                let either = l.or(direct, system);
                l.and(invoke, either)
            }
            Stmt::RequireTags { tags } => {
                let profiles = || Atom::Resource(self.facts.application_profiles.clone());
                let create = l.atom(Atom::Action("bedrock:CreateInferenceProfile".into()));
                let on = l.atom(profiles());
                let missing: Vec<L::B> = tags
                    .iter()
                    .map(|t| {
                        let p = l.atom(Atom::Present(format!("aws:RequestTag/{t}")));
                        l.not(p)
                    })
                    .collect();
                let any_missing = l.any(missing);
                let x = l.and(create, on);
                let creating = l.and(x, any_missing);
                let untag = l.atom(Atom::Action("bedrock:UntagResource".into()));
                let on = l.atom(profiles());
                let removes = any_some(l, "aws:TagKeys", Op::StringEquals, tags);
                let x = l.and(untag, on);
                let removing = l.and(x, removes);
                l.or(creating, removing)
            }
            Stmt::RequireTagsFor {
                tags,
                values,
                actions,
                resources,
                clauses,
            } => {
                let a = any_action(l, actions.iter().cloned());
                let r = if resources.is_empty() {
                    l.konst(true)
                } else {
                    any_resource(l, resources)
                };
                let lacking: Vec<L::B> = tags
                    .iter()
                    .map(|t| {
                        let key = format!("aws:RequestTag/{t}");
                        match values {
                            // The tag's value is none of them (missing: none of them).
                            Some(vs) => {
                                let one_of = any_some(l, &key, Op::StringEquals, vs);
                                l.not(one_of)
                            }
                            None => {
                                let p = l.atom(Atom::Present(key));
                                l.not(p)
                            }
                        }
                    })
                    .collect();
                let lacking = l.any(lacking);
                let c = self.clauses(l, clauses);
                let x = l.and(a, r);
                let y = l.and(x, lacking);
                l.and(y, c)
            }
            Stmt::ProtectTags {
                tags,
                actions,
                clauses,
            } => {
                let a = any_action(l, actions.iter().cloned());
                let removes = any_some(l, "aws:TagKeys", Op::StringEquals, tags);
                let c = self.clauses(l, clauses);
                let x = l.and(a, removes);
                l.and(x, c)
            }
            Stmt::DenyServices { services, clauses } => {
                let svc = any_action(l, services.iter().map(|s| format!("{s}:*")));
                let c = self.clauses(l, clauses);
                l.and(svc, c)
            }
            Stmt::DenyAll { clauses } => self.clauses(l, clauses),
            Stmt::DenyActions {
                actions,
                resources,
                clauses,
            } => {
                let a = any_action(l, actions.iter().cloned());
                let r = if resources.is_empty() {
                    l.konst(true)
                } else {
                    any_resource(l, resources)
                };
                let c = self.clauses(l, clauses);
                let x = l.and(a, r);
                l.and(x, c)
            }
            Stmt::Rule(r) if !r.permit => self.rule_matches(l, r),
            Stmt::OnlyModels { .. } | Stmt::Allow { .. } | Stmt::Rule(_) => l.konst(false),
        }
    }

    /// Whether the statement permits the request (false for statements that only forbid).
    pub fn permits<L: Logic>(&self, l: &mut L, s: &Stmt) -> L::B {
        match s {
            Stmt::OnlyModels { models, clauses } => {
                let unlisted = self.uses_unlisted_model(l, models);
                let listed = l.not(unlisted);
                // Exempt: the clauses do not all hold.
                let applies = self.clauses(l, clauses);
                let exempt = l.not(applies);
                l.or(listed, exempt)
            }
            Stmt::Allow {
                actions,
                resources,
                clauses,
            } => {
                let a = any_action(l, actions.iter().cloned());
                let r = any_resource(l, resources);
                let c = self.clauses(l, clauses);
                let x = l.and(a, r);
                l.and(x, c)
            }
            Stmt::Rule(r) if r.permit => self.rule_matches(l, r),
            _ => l.konst(false),
        }
    }

    /// The request uses a model matching one of `models`: on the `bedrock` endpoint, its
    /// resource is such a foundation model or its `bedrock:ModelArn` names one; on
    /// `bedrock-mantle`, its `bedrock-mantle:Model` is one. semantics.md "Models".
    fn uses_model<L: Logic>(&self, l: &mut L, models: &[String]) -> L::B {
        let arns: Vec<String> = models.iter().map(|m| self.model_arn(m)).collect();
        let bedrock = l.atom(Atom::Action("bedrock:*".into()));
        let on_model = any_resource(l, &arns);
        let named = any_some(l, MODEL_ARN, Op::ArnLike, &arns);
        let either = l.or(on_model, named);
        let runtime = l.and(bedrock, either);
        let mantle = l.atom(Atom::Action("bedrock-mantle:*".into()));
        let model = any_some(l, MANTLE_MODEL, Op::StringLike, models);
        let mantle = l.and(mantle, model);
        l.or(runtime, mantle)
    }

    /// The request uses a model that matches none of `models`: a foundation-model resource
    /// not in the list, a `bedrock:ModelArn` value that names none of them, or a
    /// `bedrock-mantle:Model` value like none of them. semantics.md "Models".
    fn uses_unlisted_model<L: Logic>(&self, l: &mut L, models: &[String]) -> L::B {
        let arns: Vec<String> = models.iter().map(|m| self.model_arn(m)).collect();
        let bedrock = l.atom(Atom::Action("bedrock:*".into()));
        let on_model = l.atom(Atom::Resource(self.facts.foundation_models.clone()));
        let listed = any_resource(l, &arns);
        let unlisted = l.not(listed);
        let on_unlisted = l.and(on_model, unlisted);
        let arn_tests = arns.iter().map(|a| test(Op::ArnLike, a)).collect();
        let all_named = l.atom(Atom::Every(MODEL_ARN.into(), arn_tests));
        let names_unlisted = l.not(all_named);
        let either = l.or(on_unlisted, names_unlisted);
        let runtime = l.and(bedrock, either);
        let mantle = l.atom(Atom::Action("bedrock-mantle:*".into()));
        let tests = models.iter().map(|m| test(Op::StringLike, m)).collect();
        let all_listed = l.atom(Atom::Every(MANTLE_MODEL.into(), tests));
        let unlisted = l.not(all_listed);
        let mantle = l.and(mantle, unlisted);
        l.or(runtime, mantle)
    }

    /// Every clause holds (`unless P` holds when P does not). semantics.md "Clauses".
    fn clauses<L: Logic>(&self, l: &mut L, clauses: &[Clause]) -> L::B {
        let mut out = Vec::new();
        for c in clauses {
            let p = match &c.pred {
                ClausePred::Region(rs) => any_some(l, REGION, Op::StringEquals, rs),
                ClausePred::Principal(ps) => {
                    // Compared as ARNs when a value has a wildcard, exactly otherwise.
                    let op = if ps.iter().any(|p| is_glob(p)) {
                        Op::ArnLike
                    } else {
                        Op::StringEquals
                    };
                    any_some(l, PRINCIPAL_ARN, op, ps)
                }
                ClausePred::PrincipalAccount(ids) => {
                    any_some(l, PRINCIPAL_ACCOUNT, Op::StringEquals, ids)
                }
                ClausePred::ViaMcp => l.atom(Atom::Some(
                    "aws:ViaAWSMCPService".into(),
                    test(Op::Bool, "true"),
                )),
                ClausePred::ViaMcpIn(vs) => {
                    any_some(l, "aws:CalledViaAWSMCP", Op::StringEquals, vs)
                }
                ClausePred::Cond(c) => cond(l, c),
            };
            out.push(if c.unless { l.not(p) } else { p });
        }
        l.all(out)
    }

    /// The scope and every `when`/`unless` of a core rule hold. semantics.md "Core rules".
    fn rule_matches<L: Logic>(&self, l: &mut L, r: &Rule) -> L::B {
        let mut parts = Vec::new();
        if let Some((op, vs)) = &r.principal {
            let like = matches!(op, ast::ScopeOp::Like | ast::ScopeOp::NotLike);
            let hit = any_some(
                l,
                PRINCIPAL_ARN,
                if like { Op::ArnLike } else { Op::StringEquals },
                vs,
            );
            parts.push(if negated(*op) { l.not(hit) } else { hit });
        }
        if let Some((op, vs)) = &r.action {
            let hit = any_action(l, vs.iter().cloned());
            parts.push(if negated(*op) { l.not(hit) } else { hit });
        }
        if let Some((op, vs)) = &r.resource {
            let hit = any_resource(l, vs);
            parts.push(if negated(*op) { l.not(hit) } else { hit });
        }
        for (unless, c) in &r.clauses {
            let c = cond(l, c);
            parts.push(if *unless { l.not(c) } else { c });
        }
        l.all(parts)
    }
}

impl Stmt {
    /// Whether the statement can permit a request (an allow-list or a `permit`).
    pub fn is_permit(&self) -> bool {
        matches!(self, Stmt::OnlyModels { .. } | Stmt::Allow { .. })
            || matches!(self, Stmt::Rule(r) if r.permit)
    }
}

fn negated(op: ast::ScopeOp) -> bool {
    matches!(
        op,
        ast::ScopeOp::NotEq | ast::ScopeOp::NotIn | ast::ScopeOp::NotLike
    )
}

fn any_action<L: Logic>(l: &mut L, patterns: impl Iterator<Item = String>) -> L::B {
    let atoms: Vec<L::B> = patterns.map(|p| l.atom(Atom::Action(p))).collect();
    l.any(atoms)
}

fn any_resource<L: Logic>(l: &mut L, patterns: &[String]) -> L::B {
    let atoms: Vec<L::B> = patterns
        .iter()
        .map(|p| l.atom(Atom::Resource(p.clone())))
        .collect();
    l.any(atoms)
}

/// Some value of `key` passes `op` against one of `values`.
fn any_some<L: Logic>(l: &mut L, key: &str, op: Op, values: &[String]) -> L::B {
    let atoms: Vec<L::B> = values
        .iter()
        .map(|v| l.atom(Atom::Some(key.to_string(), test(op, v))))
        .collect();
    l.any(atoms)
}

/// A condition. semantics.md "Conditions".
pub(crate) fn cond<L: Logic>(l: &mut L, c: &Cond) -> L::B {
    match c {
        Cond::And(cs) => {
            let parts = cs.iter().map(|c| cond(l, c)).collect();
            l.all(parts)
        }
        Cond::Or(cs) => {
            let parts = cs.iter().map(|c| cond(l, c)).collect();
            l.any(parts)
        }
        Cond::Not(c) => {
            let x = cond(l, c);
            l.not(x)
        }
        Cond::Pred(p) => pred(l, p),
    }
}

/// One predicate: an element test (a value passes one of the tests), negated for `!=`,
/// `not in` and `not like`, then quantified: without a qualifier over the key's one value
/// (false when missing for the positive tests, so true for the negated ones); with `any`, some
/// value passes; with `all`, every value passes (true when missing).
fn pred<L: Logic>(l: &mut L, p: &Pred) -> L::B {
    let key = p.key.clone();
    let (tests, element_negated) = match &p.op {
        PredOp::Absent => {
            let present = l.atom(Atom::Present(key));
            return l.not(present);
        }
        PredOp::Present => return l.atom(Atom::Present(key)),
        PredOp::Eq(vs) => (tests_of(eq_op(p.ty), vs), false),
        PredOp::Ne(vs) => (tests_of(eq_op(p.ty), vs), true),
        PredOp::Like(vs) => (tests_of(like_op(p.ty), vs), false),
        PredOp::NotLike(vs) => (tests_of(like_op(p.ty), vs), true),
        PredOp::Lt(v) => (vec![test(order_op(p.ty, Order::Lt), v)], false),
        PredOp::Le(v) => (vec![test(order_op(p.ty, Order::Le), v)], false),
        PredOp::Gt(v) => (vec![test(order_op(p.ty, Order::Gt), v)], false),
        PredOp::Ge(v) => (vec![test(order_op(p.ty, Order::Ge), v)], false),
    };
    let some_passes = |l: &mut L| {
        let atoms: Vec<L::B> = tests
            .iter()
            .map(|t| l.atom(Atom::Some(key.clone(), t.clone())))
            .collect();
        l.any(atoms)
    };
    match (p.qualifier, element_negated) {
        // One value (or some value) passes.
        (None | Some(Qualifier::Any), false) => some_passes(l),
        // The one value fails every test; every value fails every test.
        (None | Some(Qualifier::All), true) => {
            let x = some_passes(l);
            l.not(x)
        }
        // Every value passes.
        (Some(Qualifier::All), false) => l.atom(Atom::Every(key, tests)),
        // Some value fails every test: not every value passes one.
        (Some(Qualifier::Any), true) => {
            let every = l.atom(Atom::Every(key, tests));
            l.not(every)
        }
    }
}

fn tests_of(op: Op, values: &[String]) -> Vec<Test> {
    values.iter().map(|v| test(op, v)).collect()
}

/// `==` by key type: IAM's equality operator of the family.
fn eq_op(ty: KeyType) -> Op {
    match ty {
        KeyType::Arn => Op::ArnEquals,
        KeyType::Numeric => Op::NumericEquals,
        KeyType::Date => Op::DateEquals,
        KeyType::Bool => Op::Bool,
        KeyType::IpAddress => Op::IpAddress,
        KeyType::Binary => Op::BinaryEquals,
        _ => Op::StringEquals,
    }
}

/// `like` by key type.
fn like_op(ty: KeyType) -> Op {
    match ty {
        KeyType::Arn => Op::ArnLike,
        _ => Op::StringLike,
    }
}

enum Order {
    Lt,
    Le,
    Gt,
    Ge,
}

fn order_op(ty: KeyType, o: Order) -> Op {
    let date = ty == KeyType::Date;
    match (o, date) {
        (Order::Lt, false) => Op::NumericLessThan,
        (Order::Le, false) => Op::NumericLessThanEquals,
        (Order::Gt, false) => Op::NumericGreaterThan,
        (Order::Ge, false) => Op::NumericGreaterThanEquals,
        (Order::Lt, true) => Op::DateLessThan,
        (Order::Le, true) => Op::DateLessThanEquals,
        (Order::Gt, true) => Op::DateGreaterThan,
        (Order::Ge, true) => Op::DateGreaterThanEquals,
    }
}

/// CT.MULTISERVICE.PV.1 forbids a request outside the allowed Regions (a request without a
/// Region included), unless its action is one the control never denies or exempts, or its
/// principal is exempt (Control Tower's own roles always are). semantics.md "Controls".
fn control_forbids<L: Logic>(l: &mut L, c: &Control) -> L::B {
    let exempt_action = any_action(
        l,
        DEFAULT_NOT_ACTIONS
            .iter()
            .map(|a| a.to_string())
            .chain(c.exempt_actions.iter().cloned()),
    );
    let inside = any_some(l, REGION, Op::StringEquals, &c.regions);
    let principals: Vec<String> = c
        .exempt_principals
        .iter()
        .cloned()
        .chain(EXEMPT_ROLES.iter().map(|r| r.to_string()))
        .collect();
    let exempt_principal = any_some(l, PRINCIPAL_ARN, Op::ArnLike, &principals);
    let parts = vec![l.not(exempt_action), l.not(inside), l.not(exempt_principal)];
    l.all(parts)
}
