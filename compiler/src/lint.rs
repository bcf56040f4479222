//! Checks that need the lowering (docs/compiler.md, "Lints that need the lowering"): they look at IAM statements, not at syntax.
//! Each returns warnings; none changes the output.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::Catalog;
use crate::diagnostics::{Code, Diagnostic};
use crate::document::{DocKind, Document};
use crate::glob::glob_match;
use crate::ir::eval::{action_matches, resource_matches};
use crate::ir::subsume::{subsumes, CoverIndex};
use crate::ir::{self, Effect, Op, Origin, PolicyKind, Statement};
use crate::rules::Program;

const REGION_KEY: &str = "aws:RequestedRegion";

/// The lints that read one policy alone (W0410–W0414 but the contradictions, which read the
/// documents, and the allow-lists' sum, which reads the attachments). Kept apart so that the
/// back end's memo (`compile::compile_reusing`) keeps them with the policy's lowering.
pub struct PolicyLints<'c> {
    cris: CrisCache<'c>,
}

impl<'c> PolicyLints<'c> {
    /// Lints against `cat`, sharing one cache of what each Region list breaks.
    pub fn new(cat: &'c Catalog) -> PolicyLints<'c> {
        PolicyLints {
            cris: CrisCache {
                cat,
                seen: BTreeMap::new(),
            },
        }
    }

    /// The warnings of one lowered policy on its own.
    pub fn of(&mut self, l: &ir::Policy) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if l.kind == PolicyKind::Scp {
            regions_vs_cris(l, &mut self.cris, &mut out);
            mantle_coverage(l, &mut out);
            api_key_endpoints(l, &mut out);
            allow_list(l, &mut out);
        }
        shadowed(l, &mut out);
        out
    }
}

/// Every lint: `own`, the policies' own warnings ([`PolicyLints::of`] of each), then those
/// that read the controls, the documents and the attachments; sorted, without duplicates.
pub fn lint(
    program: &Program,
    lowered: &BTreeMap<String, ir::Policy>,
    documents: &[Document],
    own: Vec<Diagnostic>,
    lints: &mut PolicyLints<'_>,
) -> Vec<Diagnostic> {
    let mut out = own;
    for c in &program.controls {
        let exempt = c
            .exempt_actions
            .iter()
            .any(|a| glob_match(a, "bedrock:InvokeModel", true));
        if !exempt {
            let regions: BTreeSet<String> = c.regions.iter().cloned().collect();
            cris_warnings(
                &regions,
                &mut lints.cris,
                &c.file,
                c.span,
                "this control",
                &mut out,
            );
        }
    }
    contradictions(lowered, documents, &mut out);
    allow_lists_add_up(program, &mut out);
    out.sort_by(|a, b| (&a.file, a.span, a.code).cmp(&(&b.file, b.span, b.code)));
    out.dedup();
    out
}

fn covers_action(s: &Statement, action: &str) -> bool {
    action_matches(&s.action, action)
}

fn covers_resource(s: &Statement, resource: &str) -> bool {
    resource_matches(&s.resource, resource)
}

fn first_origin(s: &Statement) -> Option<&Origin> {
    s.origins.iter().next()
}

/// W0410/W0411: a Deny on Bedrock invocation outside a list of Regions, with no exemption for
/// inference profiles, breaks cross-Region inference (aws.md §5.2).
fn regions_vs_cris(p: &ir::Policy, cris: &mut CrisCache<'_>, out: &mut Vec<Diagnostic>) {
    for s in &p.statements {
        if s.effect != Effect::Deny
            || !covers_action(s, "bedrock:InvokeModel")
            || !covers_resource(s, "arn:aws:bedrock:us-east-1::foundation-model/m")
        {
            continue;
        }
        let mut regions = None;
        let mut profile_exempt = false;
        for (op, keys) in &s.condition {
            for (k, vs) in keys {
                if &**k == REGION_KEY && op.op == Op::StringNotEquals && op.qualifier.is_none() {
                    regions = Some(
                        vs.iter()
                            .map(|v| v.to_string())
                            .collect::<BTreeSet<String>>(),
                    );
                }
                // The CRIS-compatible pattern (aws.md §5.3) exempts calls made through profiles.
                if &**k == "bedrock:InferenceProfileArn" {
                    profile_exempt = true;
                }
            }
        }
        let (Some(regions), false) = (regions, profile_exempt) else {
            continue;
        };
        if let Some(o) = first_origin(s) {
            cris_warnings(&regions, cris, &o.file, o.span, "this rule", out);
        }
    }
}

/// What a Region list breaks, per list: programs repeat the same list in many rules, and
/// each computation walks every inference profile of the catalog.
struct CrisCache<'c> {
    cat: &'c Catalog,
    seen: BTreeMap<BTreeSet<String>, Broken<'c>>,
}

/// Geography → (sources in the list, destinations outside it); whether a global profile has a
/// source in the list.
#[derive(Clone, Default)]
struct Broken<'c> {
    geos: BTreeMap<&'c str, (BTreeSet<&'c str>, BTreeSet<&'c str>)>,
    global: bool,
}

fn broken_by<'c>(cat: &'c Catalog, regions: &BTreeSet<String>) -> Broken<'c> {
    let mut broken: BTreeMap<&'c str, (BTreeSet<&'c str>, BTreeSet<&'c str>)> = BTreeMap::new();
    let mut global = false;
    for profile in cat.inference_profiles() {
        for (source, dests) in &profile.routes {
            if !regions.contains(source) {
                continue;
            }
            if profile.is_global() {
                global = true;
                continue;
            }
            let missing: Vec<&str> = dests
                .iter()
                .filter(|d| !regions.contains(*d))
                .map(String::as_str)
                .collect();
            if !missing.is_empty() {
                let e = broken.entry(profile.geo.as_str()).or_default();
                e.0.insert(source.as_str());
                e.1.extend(missing);
            }
        }
    }
    Broken {
        geos: broken,
        global,
    }
}

fn cris_warnings(
    regions: &BTreeSet<String>,
    cache: &mut CrisCache<'_>,
    file: &str,
    span: crate::syntax::Span,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    let Broken {
        geos: broken,
        global,
    } = {
        let cat = cache.cat;
        cache
            .seen
            .entry(regions.clone())
            .or_insert_with(|| broken_by(cat, regions))
            .clone()
    };
    if !broken.is_empty() {
        let parts: Vec<String> = broken
            .iter()
            .map(|(geo, (srcs, dests))| {
                format!(
                    "`{geo}.` profiles called from {} route to {}",
                    srcs.iter().copied().collect::<Vec<_>>().join(", "),
                    dests.iter().copied().collect::<Vec<_>>().join(", ")
                )
            })
            .collect();
        let geos: Vec<String> = broken.keys().map(|g| format!("cris::{g}")).collect();
        out.push(
            Diagnostic::new(
                Code::W0410,
                span,
                format!("{what} denies Regions that cross-Region inference routes to"),
            )
            .in_file(file)
            .with_label("these profiles fail whenever they route outside the Regions")
            .with_note(parts.join("; "))
            .with_help(format!(
                "add the destinations ({}) to the Regions, or exempt inference through profiles (docs/aws.md §5.3)",
                geos.join(", ")
            )),
        );
    }
    if global && !regions.contains("unspecified") {
        out.push(
            Diagnostic::new(
                Code::W0411,
                span,
                format!("{what} denies every `global.` inference profile"),
            )
            .in_file(file)
            .with_label("global profiles are authorised with Region `unspecified`")
            .with_help("add `unspecified` to the Regions to keep global cross-Region inference working (docs/aws.md §5.2)"),
        );
    }
}

/// W0412: a Deny that names specific models, or restricts Regions, in the `bedrock` namespace
/// with nothing for `bedrock-mantle` in the same policy.
fn mantle_coverage(p: &ir::Policy, out: &mut Vec<Diagnostic>) {
    let mantle = p
        .statements
        .iter()
        .any(|s| s.effect == Effect::Deny && covers_action(s, "bedrock-mantle:CreateInference"));
    if mantle {
        return;
    }
    for s in &p.statements {
        if s.effect != Effect::Deny || !covers_action(s, "bedrock:InvokeModel") {
            continue;
        }
        let models = !s.resource.negated
            && s.resource
                .values
                .iter()
                .any(|r| r.contains(":foundation-model/") && !r.ends_with(":foundation-model/*"));
        let regional = s
            .condition
            .iter()
            .any(|(op, keys)| op.op == Op::StringNotEquals && keys.contains_key(REGION_KEY));
        if !(models || regional) {
            continue;
        }
        let Some(o) = first_origin(s) else { continue };
        let what = if models { "models" } else { "Regions" };
        out.push(
            Diagnostic::new(
                Code::W0412,
                o.span,
                format!("this rule restricts {what} in `bedrock` but not in `bedrock-mantle`"),
            )
            .in_file(&o.file)
            .with_label("the `bedrock-mantle` endpoint stays open")
            .with_help(if models {
                "use `deny model P`, which covers both namespaces, or add a rule on `bedrock-mantle:*` with `context[\"bedrock-mantle:Model\"] like P`"
            } else {
                "use `only regions`, which covers `bedrock` and `bedrock-mantle`, or add `bedrock-mantle` to the services"
            }),
        );
    }
}

/// W0413: API keys denied on one endpoint only (aws.md §4.2).
fn api_key_endpoints(p: &ir::Policy, out: &mut Vec<Diagnostic>) {
    let runtime = "bedrock:CallWithBearerToken";
    let mantle = "bedrock-mantle:CallWithBearerToken";
    // Only statements that name the action: a service-wide `bedrock-mantle:*` is about
    // something else (models, Regions) and says nothing about API keys.
    let names = |s: &Statement| {
        s.action
            .values
            .iter()
            .any(|v| v.to_ascii_lowercase().contains("callwithbearertoken"))
    };
    let denies = |a: &str| {
        p.statements
            .iter()
            .filter(|s| s.effect == Effect::Deny && names(s) && covers_action(s, a))
            .count()
    };
    let (r, m) = (denies(runtime), denies(mantle));
    if (r == 0) == (m == 0) {
        return;
    }
    let (have, missing) = if r > 0 {
        (runtime, mantle)
    } else {
        (mantle, runtime)
    };
    for s in &p.statements {
        if s.effect != Effect::Deny || !names(s) || !covers_action(s, have) {
            continue;
        }
        let Some(o) = first_origin(s) else { continue };
        out.push(
            Diagnostic::new(
                Code::W0413,
                o.span,
                format!("this rule blocks API keys on one endpoint: `{missing}` is not denied"),
            )
            .in_file(&o.file)
            .with_label(format!("denies `{have}` only"))
            .with_help("use `deny api_keys`, which denies both endpoints' `CallWithBearerToken`"),
        );
    }
}

/// W0415: an allow-list SCP without an `Allow` on every action.
fn allow_list(p: &ir::Policy, out: &mut Vec<Diagnostic>) {
    if !p.replaces_full_access {
        return;
    }
    // The Allows' action scopes together name every action: one `Action: "*"`, or a
    // `NotAction` whose every exception another Allow names (as `only models` writes them).
    let allows: Vec<&Statement> = p
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Allow)
        .collect();
    let named = |a: &str| {
        allows.iter().any(|s| {
            !s.action.negated
                && s.action
                    .values
                    .iter()
                    .any(|v| &**v == "*" || v.eq_ignore_ascii_case(a))
        })
    };
    let broad = allows.iter().any(|s| {
        s.action.is_any() || (s.action.negated && s.action.values.iter().all(|v| named(v)))
    });
    if broad {
        return;
    }
    let Some(o) = p
        .statements
        .iter()
        .find(|s| s.effect == Effect::Allow)
        .and_then(first_origin)
    else {
        return;
    };
    out.push(
        Diagnostic::new(
            Code::W0415,
            o.span,
            format!("scp `{}` is an allow-list that allows only some actions", p.name),
        )
        .in_file(&o.file)
        .with_label("with FullAWSAccess detached, everything else is denied on its targets")
        .with_help("allow the rest explicitly (`permit (action, resource not like bedrock::foundation_models)`), or use `only models`"),
    );
}

/// W0416: two different `only models` lists reach one target, where they add up (one level's
/// Allows are ORed), so each widens the other (docs/semantics.md, "Allow-lists").
fn allow_lists_add_up(program: &Program, out: &mut Vec<Diagnostic>) {
    // Each `only models` statement (by origin) with its model ARN patterns.
    let mut seen: BTreeSet<&Origin> = BTreeSet::new();
    let mut lists: Vec<(&Origin, &[crate::ir::Name])> = Vec::new();
    for p in &program.policies {
        for r in &p.rules {
            if &*r.origin.label != "OnlyModels" {
                continue;
            }
            if let crate::rules::ScopeSet::In(arns) = &r.resource {
                if seen.insert(&r.origin) {
                    lists.push((&r.origin, arns.as_slice()));
                }
            }
        }
    }
    if lists.len() < 2 {
        return;
    }
    let targets_of = |policy: &str| -> BTreeSet<&String> {
        program
            .attachments
            .get(policy)
            .map(|ts| ts.iter().collect())
            .unwrap_or_default()
    };
    // Whether every pattern of `a` is covered by one of `b`.
    let within = |a: &[crate::ir::Name], b: &[crate::ir::Name]| {
        a.iter().all(|q| {
            b.iter().any(|p| {
                p == q
                    || p.strip_suffix('*').is_some_and(|head| q.starts_with(head))
                    || (!q.contains(['*', '?']) && glob_match(p, q, false))
            })
        })
    };
    let differ = |i: usize, j: usize| match (lists.get(i), lists.get(j)) {
        (Some((_, a)), Some((_, b))) => !(within(a, b) && within(b, a)),
        _ => false,
    };
    // The lists that meet: those of one block, and those at one target. Each list is reported
    // once per place it meets others, against the first list there that differs from it —
    // not against every such list, which made the work and the warnings quadratic in the
    // lists (4,000 blocks at the root: 20 s and 3.6 GiB).
    let mut places: BTreeMap<(bool, &str), Vec<usize>> = BTreeMap::new();
    for (i, (o, _)) in lists.iter().enumerate() {
        places.entry((false, &*o.policy)).or_default().push(i);
        for t in targets_of(&o.policy) {
            places.entry((true, t.as_str())).or_default().push(i);
        }
    }
    let mut pairs: BTreeSet<(usize, usize)> = BTreeSet::new();
    for at in places.values() {
        let Some((&head, rest)) = at.split_first() else {
            continue;
        };
        // The first list here that differs from the first one: the one the lists equal to
        // the first are reported against.
        let other = rest.iter().copied().find(|&j| differ(head, j));
        for &x in rest {
            if differ(head, x) {
                pairs.insert((head, x));
            } else if let Some(o) = other.filter(|&o| o < x) {
                pairs.insert((o, x));
            }
        }
    }
    for (i, j) in pairs {
        let (Some((first, _)), Some((second, _))) = (lists.get(i), lists.get(j)) else {
            continue;
        };
        let shared: Vec<&String> = if first.policy == second.policy {
            targets_of(&first.policy).into_iter().collect()
        } else {
            let other = targets_of(&second.policy);
            targets_of(&first.policy)
                .into_iter()
                .filter(|t| other.contains(t))
                .collect()
        };
        if shared.is_empty() && first.policy != second.policy {
            continue;
        }
        let at = if shared.is_empty() {
            "in one block".to_string()
        } else {
            let names: Vec<String> = shared.iter().map(|t| format!("`{t}`")).collect();
            format!("at {}", names.join(", "))
        };
        out.push(
            Diagnostic::new(
                Code::W0416,
                second.span,
                format!("this allow-list adds to another one {at}: a model either list names is allowed there"),
            )
            .in_file(&second.file)
            .with_label("Allows at one level add up")
            .with_secondary(Some(first.file.to_string()), first.span, "the other allow-list")
            .with_help("to require both lists, attach one to a parent OU or the root (levels intersect); for the union, write one list"),
        );
    }
}

/// Statements grouped by the source rule (origin) they came from.
fn by_origin(statements: &[Statement]) -> BTreeMap<&Origin, Vec<&Statement>> {
    let mut m: BTreeMap<&Origin, Vec<&Statement>> = BTreeMap::new();
    for s in statements {
        for o in &s.origins {
            m.entry(o).or_default().push(s);
        }
    }
    m
}

/// W0414 (shadowed): every statement of a rule is covered by another rule's statements in
/// the same policy. Statements of one surface statement may overlap by design (seed 000's
/// `Null` statement), so only other rules count.
fn shadowed(p: &ir::Policy, out: &mut Vec<Diagnostic>) {
    let groups = by_origin(&p.statements);
    // Only the statements that may cover one are tried (`CoverIndex`), not every pair.
    let index = CoverIndex::new(&p.statements);
    let covers = |other: &Statement, s: &Statement, origin: &Origin| {
        !other.origins.contains(origin) && other.effect == s.effect && subsumes(other, s)
    };
    for (origin, stmts) in &groups {
        let covered = stmts.iter().all(|s| {
            index
                .candidates(s)
                .into_iter()
                .filter_map(|j| p.statements.get(j))
                .any(|other| covers(other, s, origin))
        });
        if !covered || stmts.is_empty() {
            continue;
        }
        // The first statement (in order) that covers any of the rule's statements.
        let by = stmts
            .iter()
            .filter_map(|s| {
                index
                    .candidates(s)
                    .into_iter()
                    .find(|&j| p.statements.get(j).is_some_and(|o| covers(o, s, origin)))
            })
            .min()
            .and_then(|j| p.statements.get(j))
            .and_then(first_origin);
        let mut d = Diagnostic::new(
            Code::W0414,
            origin.span,
            "this rule is shadowed by another and never changes a decision",
        )
        .in_file(&origin.file)
        .with_label("every request it matches is matched by another rule with the same effect")
        .with_help("remove it, or narrow the other rule");
        if let Some(b) = by {
            d = d.with_secondary(Some(b.file.to_string()), b.span, "covered by this rule");
        }
        out.push(d);
    }
}

/// W0414 (contradiction): a `permit` in an SCP that a Deny in the same documents covers.
fn contradictions(
    lowered: &BTreeMap<String, ir::Policy>,
    documents: &[Document],
    out: &mut Vec<Diagnostic>,
) {
    // Per group of documents (one set at each level), each group once.
    let mut groups: BTreeMap<_, BTreeSet<&str>> = BTreeMap::new();
    for d in documents.iter().filter(|d| d.kind == DocKind::Scp) {
        groups
            .entry(d.group_key())
            .or_default()
            .extend(d.policies.iter().map(String::as_str));
    }
    for policies in groups.values() {
        let statements: Vec<&Statement> = policies
            .iter()
            .filter_map(|p| lowered.get(*p))
            .flat_map(|p| p.statements.iter())
            .collect();
        // Most groups have no Allow (no `permit`, no allow-list): nothing to contradict.
        if !statements.iter().any(|s| s.effect == Effect::Allow) {
            continue;
        }
        // Only a Deny can contradict: indexing the Allows too made every Allow a candidate
        // for every other, quadratic in the Allows of a level (4,000 `only models` blocks at
        // the root: 2.3 s, 11 s for 8,000). Statements equal but for their origins decide
        // alike, so each is tried once: the first of equal Denies is the one a search finds,
        // and an Allow repeated in many blocks (the same allow-list everywhere) is one search.
        type Content<'s> = (&'s ir::Scope, &'s ir::Scope, &'s ir::Condition);
        fn content(s: &Statement) -> Content<'_> {
            (&s.action, &s.resource, &s.condition)
        }
        let mut distinct: std::collections::HashSet<Content<'_>> = std::collections::HashSet::new();
        let denies: Vec<&Statement> = statements
            .iter()
            .copied()
            .filter(|s| s.effect == Effect::Deny && distinct.insert(content(s)))
            .collect();
        let index = CoverIndex::new(denies.iter().copied());
        let mut decided: std::collections::HashMap<Content<'_>, Option<&Statement>> =
            std::collections::HashMap::new();
        for s in statements.iter().filter(|s| s.effect == Effect::Allow) {
            let found = *decided.entry(content(s)).or_insert_with(|| {
                let flipped = Statement {
                    effect: Effect::Deny,
                    ..(*s).clone()
                };
                index
                    .candidates(&flipped)
                    .into_iter()
                    .filter_map(|j| denies.get(j).copied())
                    .find(|o| subsumes(o, &flipped))
            });
            let Some(deny) = found else {
                continue;
            };
            let (Some(a), Some(b)) = (first_origin(s), first_origin(deny)) else {
                continue;
            };
            out.push(
                Diagnostic::new(
                    Code::W0414,
                    a.span,
                    "this permit is contradicted by a forbid and never allows anything",
                )
                .in_file(&a.file)
                .with_label("every request it allows is denied on the same targets")
                .with_secondary(Some(b.file.to_string()), b.span, "denied by this rule")
                .with_help("an explicit Deny always wins (docs/aws.md §1.4): narrow the forbid, or remove the permit"),
            );
        }
    }
}
