//! Optimisation passes over IAM statements (docs/compiler.md, "Optimisation"): each preserves every decision.
//!
//! The input is the statement list of one policy document set; both effects may occur. Since
//! any matching Deny denies and otherwise any matching Allow allows, a pass preserves every
//! decision when it keeps, per effect, the set of requests some statement matches. Each pass
//! below rewrites only within one effect and only by such set identities:
//!
//! 1. **Values**: drop an action (or condition value under `StringLike`/`StringNotLike`) that
//!    another value of the same list covers; `Resource: ["*", …]` becomes `"*"`.
//! 2. **Never matching**: drop a statement no request can match (e.g. `Null {k: true}` next to
//!    an operator that is false on a missing `k`).
//! 3. **Merge** two statements that differ in one place whose union is expressible: the
//!    actions, the resources, or the values of one key under one positive operator.
//! 4. **Subsumed**: drop a statement another statement of the same effect covers.
//! 5. **Compress** (opt-in, Deny only): `bedrock:InvokeModel`, `bedrock:InvokeModelWithResponseStream`
//!    → `bedrock:InvokeModel*` when the pattern names exactly that group in the catalog. This
//!    keeps every decision on catalog actions but widens the Deny to actions AWS adds later,
//!    which is why it is opt-in and never applied to an Allow.
//!
//! The passes run in a loop until nothing changes. Every set comparison here is *sound*: it
//! may answer "no" where a smarter check would say "yes", never the reverse. A value with a
//! policy variable (`${…}`) is opaque: only equality and `*` reason about it. Statements with a
//! `sid` are never merged or dropped, so a Sid the user asked for never disappears.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};

use crate::catalog::Catalog;
use crate::glob::is_glob;
use crate::ir::subsume::CoverIndex;
pub use crate::ir::subsume::{glob_subsumes, never_matches, subsumes};
use crate::ir::{
    json, Condition, Effect, FlatSet, Name, Op, Operator, Origin, Qualifier, Scope, Statement,
};

/// What the optimiser may do beyond the passes that always run.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Replace groups of a service's actions by a `service:Prefix*` pattern in Deny statements.
    pub compress_actions: bool,
}

/// A bound on the fixpoint loop. Every round that changes anything removes a statement or a
/// value, so the loop ends long before this; the bound only guards against a future pass that
/// does not.
const MAX_ROUNDS: usize = 64;

/// Runs every pass to a fixpoint. Same input, same output; surviving statements keep the
/// order in which they first appeared, and a dropped or merged statement's origins move to the
/// statement that covers it.
pub fn optimize(cat: &Catalog, statements: Vec<Statement>, opts: &Options) -> Vec<Statement> {
    let mut current = statements;
    for _ in 0..MAX_ROUNDS {
        let mut next: Vec<Statement> = current
            .iter()
            .cloned()
            .map(|s| dedupe_values(cat, s))
            .collect();
        next.retain(|s| s.sid.is_some() || !never_matches(s));
        next = merge_statements(next);
        next = drop_subsumed(next);
        if opts.compress_actions {
            next.iter_mut().for_each(|s| compress_actions(cat, s));
        }
        if next == current {
            break;
        }
        current = next;
    }
    current
}

// ------------------------------------------------------------------------------------------
// Pass 1: values
// ------------------------------------------------------------------------------------------

fn dedupe_values(cat: &Catalog, mut s: Statement) -> Statement {
    s.action.values = dedupe_actions(cat, &s.action.values);
    // A `*` covers every other resource. Equality is the only other safe test: ARN segments
    // make pattern-against-pattern containment subtle, and duplicates are already gone.
    if s.resource.values.contains("*") {
        s.resource.values = FlatSet::from([Name::from("*")]);
    }
    for (operator, keys) in &mut s.condition {
        if matches!(operator.op, Op::StringLike | Op::StringNotLike) {
            // Values are ORed (NORed when negated) per request value, so only their union
            // matters, whatever the qualifier.
            for values in keys.values_mut() {
                *values = reduce(values.iter(), false);
            }
        }
    }
    s
}

/// Drops every action another action of the list covers (case-insensitively). Catalog
/// spellings go first, so of `bedrock:InvokeModel` and `BEDROCK:invokemodel` the first stays.
fn dedupe_actions(cat: &Catalog, values: &FlatSet<Name>) -> FlatSet<Name> {
    let canonical = |v: &Name| {
        cat.action_by_full_name(v)
            .is_some_and(|a| a.full_name() == **v)
    };
    let ordered = values
        .iter()
        .filter(|v| canonical(v))
        .chain(values.iter().filter(|v| !canonical(v)));
    reduce(ordered, true)
}

/// The values that no other value covers (`glob_subsumes`), keeping the first of values that
/// cover each other.
///
/// Only values whose literal prefixes agree are compared. For `p` to cover `q`, `p` must
/// match `q` as text, so `p`'s characters before its first wildcard equal `q`'s first ones,
/// all literals. The key of a value is its prefix up to the first wildcard or non-ASCII
/// character, ASCII-lowercased when the comparison ignores case. If `p` covers `q`, one key is
/// a prefix of the other, so the values compared are a superset of the values that can cover
/// each other, and the result equals the pairwise one (a property test holds them equal).
/// Comparing every pair made a merged list of n patterns cost n² (8,000 `deny model` blocks
/// attached to one target: 27 s).
fn reduce<'a>(values: impl Iterator<Item = &'a Name>, case_insensitive: bool) -> FlatSet<Name> {
    let key = |v: &str| -> String {
        v.chars()
            .take_while(|c| c.is_ascii() && *c != '*' && *c != '?')
            .map(|c| {
                if case_insensitive {
                    c.to_ascii_lowercase()
                } else {
                    c
                }
            })
            .collect()
    };
    let covers = |p: &str, q: &str| glob_subsumes(p, q, case_insensitive);
    let mut kept: BTreeMap<String, Vec<&Name>> = BTreeMap::new();
    for v in values {
        let kv = key(v);
        // The keys comparable with `kv`: its prefixes (it is ASCII, so every byte index is
        // a character boundary), then the keys that extend it.
        let mut comparable: Vec<String> = (0..=kv.len())
            .filter_map(|n| kv.get(..n))
            .filter(|k| kept.contains_key(*k))
            .map(str::to_string)
            .collect();
        comparable.extend(
            kept.range::<str, _>((
                std::ops::Bound::Excluded(kv.as_str()),
                std::ops::Bound::Unbounded,
            ))
            .take_while(|(k, _)| k.starts_with(kv.as_str()))
            .map(|(k, _)| k.clone()),
        );
        let covered = comparable
            .iter()
            .filter_map(|k| kept.get(k))
            .flatten()
            .any(|k| covers(k, v));
        if covered {
            continue;
        }
        for k in &comparable {
            if let Some(list) = kept.get_mut(k) {
                list.retain(|k| !covers(v, k));
                if list.is_empty() {
                    kept.remove(k);
                }
            }
        }
        kept.entry(kv).or_default().push(v);
    }
    kept.into_values().flatten().cloned().collect()
}

// ------------------------------------------------------------------------------------------
// Pass 2: statements that never match
// ------------------------------------------------------------------------------------------

// ------------------------------------------------------------------------------------------
// Pass 3: merge
// ------------------------------------------------------------------------------------------

/// Folds each statement into the first earlier one it merges with. A merged statement may
/// merge again with an earlier one; the fixpoint loop catches that in the next round.
fn merge_statements(statements: Vec<Statement>) -> Vec<Statement> {
    // Two statements merge only when they differ in one place, so the other two of (action,
    // resource, condition) are equal: an index on each pair finds the candidates, and trying
    // them in `out` order finds the same first partner as scanning all of `out` would, without
    // a pass over every earlier statement (which made long policies quadratic).
    type Key = (Effect, u64);
    let mut by_ar: HashMap<Key, Vec<usize>> = HashMap::new();
    let mut by_ac: HashMap<Key, Vec<usize>> = HashMap::new();
    let mut by_rc: HashMap<Key, Vec<usize>> = HashMap::new();
    let key = |effect: Effect, parts: &dyn Fn(&mut DefaultHasher)| -> Key {
        let mut hasher = DefaultHasher::new();
        parts(&mut hasher);
        (effect, hasher.finish())
    };
    // Statements that differ in their condition merge only when it has the same operators
    // and keys (`merged_condition`): the (action, resource) key includes that shape, so many
    // statements on one action and resource with different keys (`require tags` in many
    // blocks) are not all candidates for each other.
    // The keys hash a summary of each list (its length, first and last value), not the whole
    // list: equal lists still share a key, which is all a candidate index needs, and a
    // statement that absorbs thousands of others (`deny model` in many blocks attached to one
    // target) is not hashed whole again after every merge, which made the merge quadratic.
    let list = |v: &FlatSet<Name>, h: &mut DefaultHasher| {
        v.len().hash(h);
        v.first().hash(h);
        v.iter().next_back().hash(h);
    };
    let scope = |sc: &Scope, h: &mut DefaultHasher| {
        sc.negated.hash(h);
        list(&sc.values, h);
    };
    // Conditions: operators and keys (what `merged_condition` needs equal), values summarised.
    let shape = |c: &Condition, values: bool, h: &mut DefaultHasher| {
        for (operator, keys) in c {
            operator.hash(h);
            for (k, v) in keys {
                k.hash(h);
                if values {
                    list(v, h);
                }
            }
        }
    };
    // Only a statement with an operator that distributes can merge with another on the
    // condition alone (`merged_condition`), so only those have an (action, resource) key:
    // thousands of `deny … unless principal in [one ARN]` at one target share that key, and
    // were each tried against all the others to no end.
    let keys = |s: &Statement| {
        (
            s.condition.keys().any(distributes).then(|| {
                key(s.effect, &|h| {
                    scope(&s.action, h);
                    scope(&s.resource, h);
                    shape(&s.condition, false, h);
                })
            }),
            key(s.effect, &|h| {
                scope(&s.action, h);
                shape(&s.condition, true, h);
            }),
            key(s.effect, &|h| {
                scope(&s.resource, h);
                shape(&s.condition, true, h);
            }),
        )
    };
    let mut out: Vec<Statement> = Vec::with_capacity(statements.len());
    for s in statements {
        let (ar, ac, rc) = keys(&s);
        let ars = ar.and_then(|ar| by_ar.get(&ar));
        let mut candidates: Vec<usize> = [ars, by_ac.get(&ac), by_rc.get(&rc)]
            .into_iter()
            .flatten()
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let into = candidates
            .into_iter()
            .find_map(|i| out.get(i).and_then(|o| merge_of(o, &s)).map(|m| (i, m)));
        let (at, added) = match into {
            Some((i, m)) => {
                // In place: a statement that absorbs many others (4,000 `only models` blocks
                // attached to one target) was copied whole, origins and all, at each step.
                if let Some(o) = out.get_mut(i) {
                    merge_into(o, &s, m);
                }
                (i, false)
            }
            None => {
                out.push(s);
                (out.len() - 1, true)
            }
        };
        // Index the statement under its (new) keys; stale entries of a merged statement stay
        // and are harmless: a candidate is only a candidate, `merge_of` decides.
        if let Some(o) = out.get(at) {
            let (ar, ac, rc) = keys(o);
            for (map, key) in [
                (&mut by_ar, ar),
                (&mut by_ac, Some(ac)),
                (&mut by_rc, Some(rc)),
            ] {
                let Some(key) = key else { continue };
                let list = map.entry(key).or_default();
                if added || list.last() != Some(&at) {
                    list.push(at);
                }
            }
        }
    }
    out
}

/// How two statements merge into one that matches exactly the requests either matches.
enum Merge {
    /// Same resource and condition: the actions' union.
    Actions,
    /// Same action and condition: the resources' union.
    Resources,
    /// Same action and resource, conditions equal but for the values of this entry: their
    /// union there.
    Condition(Operator, Name),
}

/// Whether `a` and `b` merge into one statement that matches exactly the requests `a` or `b`
/// matches — they differ in one element whose union IAM can express — and how.
fn merge_of(a: &Statement, b: &Statement) -> Option<Merge> {
    if a.effect != b.effect || a.sid.is_some() || b.sid.is_some() {
        return None;
    }
    if a.resource == b.resource
        && a.condition == b.condition
        && !a.action.negated
        && !b.action.negated
    {
        // (A1 ∧ R ∧ C) ∨ (A2 ∧ R ∧ C) = (A1 ∨ A2) ∧ R ∧ C; NotAction unions would intersect.
        Some(Merge::Actions)
    } else if a.action == b.action
        && a.condition == b.condition
        && !a.resource.negated
        && !b.resource.negated
    {
        Some(Merge::Resources)
    } else if a.action == b.action && a.resource == b.resource {
        merged_condition(&a.condition, &b.condition).map(|(op, key)| Merge::Condition(op, key))
    } else {
        None
    }
}

/// Merges `b` into `a` as [`merge_of`] decided, origins included.
fn merge_into(a: &mut Statement, b: &Statement, how: Merge) {
    match how {
        Merge::Actions => a.action.values.extend(b.action.values.iter().cloned()),
        Merge::Resources => a.resource.values.extend(b.resource.values.iter().cloned()),
        Merge::Condition(operator, key) => {
            // In place, as for the lists: the merged condition can grow with every merge.
            let more = b.condition.get(&operator).and_then(|keys| keys.get(&key));
            if let (Some(values), Some(more)) = (
                a.condition
                    .get_mut(&operator)
                    .and_then(|keys| keys.get_mut(&key)),
                more,
            ) {
                values.extend(more.iter().cloned());
            }
        }
    }
    a.origins.extend(b.origins.iter().cloned());
}

/// The entry whose values to unite so that `X ∧ op{k: V1}` or `X ∧ op{k: V2}` becomes
/// `X ∧ op{k: V1 ∪ V2}`: both conditions have the same operators and keys and differ in the
/// values of exactly one key. Correct only when the entry
/// is an OR over values that distributes over the request's values: a positive operator,
/// unqualified (some request value matches) or `ForAnyValue`. A negated operator is a NOR,
/// `ForAllValues` an "every request value" — neither distributes.
fn merged_condition(c1: &Condition, c2: &Condition) -> Option<(Operator, Name)> {
    if !c1.keys().eq(c2.keys()) {
        return None;
    }
    let mut differing: Option<(Operator, &Name, &FlatSet<Name>)> = None;
    for ((&operator, keys1), keys2) in c1.iter().zip(c2.values()) {
        if !keys1.keys().eq(keys2.keys()) {
            return None;
        }
        for ((key, v1), v2) in keys1.iter().zip(keys2.values()) {
            if v1 != v2 {
                if differing.is_some() {
                    return None;
                }
                differing = Some((operator, key, v2));
            }
        }
    }
    let (operator, key, _) = differing?;
    distributes(&operator).then(|| (operator, key.clone()))
}

/// Whether a condition entry under `operator` holding values V1 or V2 is the entry holding
/// their union: so for a plain operator, not for a negated one (whose union would intersect),
/// `Null` or `ForAllValues`.
fn distributes(operator: &Operator) -> bool {
    !operator.op.is_negated()
        && operator.op != Op::Null
        && operator.qualifier != Some(Qualifier::ForAllValues)
}

// ------------------------------------------------------------------------------------------
// Pass 4: subsumed statements
// ------------------------------------------------------------------------------------------

/// Drops each statement that another live statement of the same effect covers; of two that
/// cover each other the earlier stays. A dropped statement's origins (and those it collected)
/// move to its cover, so provenance survives. Each drop is covered by a statement live at the
/// time; if that one is dropped later, its own cover covers both — the union never shrinks.
fn drop_subsumed(statements: Vec<Statement>) -> Vec<Statement> {
    let mut alive = vec![true; statements.len()];
    let mut moved: Vec<FlatSet<Origin>> = vec![FlatSet::new(); statements.len()];
    // Only the statements that may cover `b` are tried, in order (`CoverIndex`): the same
    // first cover as a scan of every statement, which made long policies quadratic.
    let index = CoverIndex::new(&statements);
    for (i, b) in statements.iter().enumerate() {
        if b.sid.is_some() {
            continue;
        }
        let candidates = index.candidates(b);
        let cover = candidates.into_iter().find(|&j| {
            statements.get(j).is_some_and(|a| {
                j != i
                    && alive.get(j).copied().unwrap_or(false)
                    && subsumes(a, b)
                    && (j < i || !subsumes(b, a))
            })
        });
        let Some(j) = cover else { continue };
        if let Some(slot) = alive.get_mut(i) {
            *slot = false;
        }
        let mut taken = moved.get_mut(i).map(std::mem::take).unwrap_or_default();
        taken.extend(b.origins.iter().cloned());
        if let Some(to) = moved.get_mut(j) {
            to.extend(taken);
        }
    }
    statements
        .into_iter()
        .zip(alive)
        .zip(moved)
        .filter_map(|((mut s, alive), moved)| {
            alive.then(|| {
                s.origins.extend(moved);
                s
            })
        })
        .collect()
}

// ------------------------------------------------------------------------------------------
// Pass 5: action compression
// ------------------------------------------------------------------------------------------

/// In a Deny with an `Action` list, replaces the catalog actions of one service that are
/// exactly the catalog's matches of `service:Prefix*` by that pattern, when the statement gets
/// shorter. Greedy over each service's sorted names: the shortest prefix finds the largest
/// group, then the pattern uses the group's longest common prefix, which names the same group
/// but fewer future actions (`bedrock:InvokeModel*`, not `bedrock:InvokeM*`).
fn compress_actions(cat: &Catalog, s: &mut Statement) {
    if s.effect != Effect::Deny || s.action.negated {
        return;
    }
    // Service → lower-case action name → the value as written in the statement.
    let mut by_service: BTreeMap<String, BTreeMap<String, Name>> = BTreeMap::new();
    for v in s.action.values.iter().filter(|v| !is_glob(v)) {
        if let Some(a) = cat.action_by_full_name(v) {
            by_service
                .entry(a.service.clone())
                .or_default()
                .insert(a.name.to_lowercase(), v.clone());
        }
    }
    // A group needs two actions of one service.
    for (service, names) in by_service.into_iter().filter(|(_, n)| n.len() >= 2) {
        let mut left: BTreeSet<String> = names.keys().cloned().collect();
        let all: Vec<String> = cat
            .actions(&service)
            .iter()
            .map(|a| a.name.to_lowercase())
            .collect();
        for lower in names.keys() {
            if !left.contains(lower) {
                continue;
            }
            let Some(action) = cat.action(&service, lower) else {
                continue;
            };
            let ends = action.name.char_indices().map(|(i, _)| i);
            for end in ends.chain([action.name.len()]) {
                let Some(prefix) = action.name.get(..end) else {
                    continue;
                };
                let Some((pattern, group)) = exact_group(cat, &service, &all, prefix, &left) else {
                    continue;
                };
                let mut candidate = s.clone();
                for g in &group {
                    if let Some(written) = names.get(g) {
                        candidate.action.values.remove(written);
                    }
                }
                candidate.action.values.insert(pattern.into());
                if json::statement(&candidate).len() < json::statement(s).len() {
                    *s = candidate;
                    left.retain(|l| !group.contains(l));
                    break;
                }
            }
        }
    }
}

/// The pattern and the (lower-case) names of a group of two or more catalog actions, all in
/// `left`, that `service:prefix*` matches (`all`: the service's lower-case action names) — with the prefix lengthened to the group's longest
/// common prefix when that still matches exactly the group.
/// Writes the patterns of `patterns` in a Deny's `Action` list out again as the catalog
/// actions each matches: the inverse of [`compress_actions`] for the actions the catalog knows
/// (`compile::Output::exact`).
pub(crate) fn expand_patterns(cat: &Catalog, s: &mut Statement, patterns: &BTreeSet<String>) {
    if s.effect != Effect::Deny || s.action.negated {
        return;
    }
    let found: Vec<Name> = s
        .action
        .values
        .iter()
        .filter(|v| patterns.contains(&***v))
        .cloned()
        .collect();
    for pattern in found {
        s.action.values.remove(&pattern);
        // In one step: the list is sorted once, not shifted for each action.
        s.action.values.extend(
            cat.match_actions(&pattern)
                .iter()
                .map(|a| Name::from(format!("{}:{}", a.service, a.name))),
        );
    }
}

fn exact_group(
    cat: &Catalog,
    service: &str,
    all: &[String],
    prefix: &str,
    left: &BTreeSet<String>,
) -> Option<(String, BTreeSet<String>)> {
    let lower_names = |pattern: &str| -> BTreeSet<String> {
        cat.match_actions(pattern)
            .iter()
            .map(|a| a.name.to_lowercase())
            .collect()
    };
    // Cheap test first (the pattern has no wildcard but its final `*`, so it is a prefix
    // test); the catalog's own matcher decides.
    let lower_prefix = prefix.to_lowercase();
    let mut candidates = all.iter().filter(|n| n.starts_with(&lower_prefix));
    if !candidates.all(|n| left.contains(n)) {
        return None;
    }
    let pattern = format!("{service}:{prefix}*");
    let matched = cat.match_actions(&pattern);
    let group: BTreeSet<String> = matched.iter().map(|a| a.name.to_lowercase()).collect();
    if group.len() < 2 || !group.is_subset(left) {
        return None;
    }
    let mut names = matched.iter().map(|a| a.name.as_str());
    let first = names.next()?;
    let common = names.fold(first, |acc, n| {
        let len = acc
            .char_indices()
            .zip(n.chars())
            .find(|((_, a), b)| a != b)
            .map_or(acc.len().min(n.len()), |((i, _), _)| i);
        acc.get(..len).unwrap_or("")
    });
    let longer = format!("{service}:{common}*");
    if lower_names(&longer) == group {
        Some((longer, group))
    } else {
        Some((pattern, group))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::eval::{decide, Request};
    use crate::ir::Scope;
    use crate::syntax::Span;

    fn origin(label: &str) -> Origin {
        Origin {
            file: "t.gov".into(),
            span: Span::default(),
            policy: "p".into(),
            label: label.into(),
        }
    }

    fn cond(entries: &[(Operator, &str, &[&str])]) -> Condition {
        crate::ir::condition_of(entries)
    }

    fn st(
        effect: Effect,
        actions: &[&str],
        resources: &[&str],
        c: Condition,
        label: &str,
    ) -> Statement {
        Statement {
            effect,
            action: Scope::of(actions.iter().copied()),
            resource: Scope::of(resources.iter().copied()),
            condition: c,
            origins: [origin(label)].into(),
            sid: None,
        }
    }

    fn deny(actions: &[&str], resources: &[&str], c: Condition) -> Statement {
        st(Effect::Deny, actions, resources, c, "d")
    }

    fn allow(actions: &[&str], resources: &[&str], c: Condition) -> Statement {
        st(Effect::Allow, actions, resources, c, "a")
    }

    fn op(op: Op) -> Operator {
        Operator::plain(op)
    }

    fn qualified(q: Qualifier, o: Op) -> Operator {
        Operator {
            qualifier: Some(q),
            ..op(o)
        }
    }

    fn opt(s: Vec<Statement>) -> Vec<Statement> {
        optimize(&crate::catalog::embedded(), s, &Options::default())
    }

    fn vals(s: &Scope) -> Vec<&str> {
        s.values.iter().map(|v| &**v).collect()
    }

    const INVOKE: [&str; 2] = [
        "bedrock:InvokeModel",
        "bedrock:InvokeModelWithResponseStream",
    ];
    const FM: &str = "arn:aws:bedrock:*::foundation-model/*";
    const PROFILE_ARN: &str = "bedrock:InferenceProfileArn";

    #[test]
    fn glob_subsumption() {
        assert!(glob_subsumes("*", "anything*?", false));
        assert!(glob_subsumes("bedrock:*", "bedrock:Invoke*", false));
        assert!(glob_subsumes(
            "bedrock:Invoke*",
            "bedrock:InvokeModel",
            false
        ));
        assert!(glob_subsumes(
            "bedrock:invoke*",
            "BEDROCK:InvokeModel",
            true
        ));
        assert!(!glob_subsumes(
            "bedrock:invoke*",
            "BEDROCK:InvokeModel",
            false
        ));
        assert!(glob_subsumes("a?c", "a?c", false));
        assert!(glob_subsumes("a?c", "abc", false));
        assert!(!glob_subsumes("abc", "a?c", false));
        assert!(!glob_subsumes("a?c", "a*c", false));
        assert!(!glob_subsumes("bedrock:Invoke*", "bedrock:*", false));
        assert!(glob_subsumes("*a*", "*a*a*", false));
        assert!(!glob_subsumes("*a*a*", "*a*", false));
        assert!(!glob_subsumes("s3:*", "bedrock:*", false));
        // Policy variables: only equality and `*`.
        assert!(!glob_subsumes("$*", "${aws:username}", false));
        assert!(!glob_subsumes(
            "arn:aws:s3:::b/*",
            "arn:aws:s3:::b/${aws:username}",
            false
        ));
        assert!(glob_subsumes(
            "a/${aws:username}",
            "a/${aws:username}",
            false
        ));
        assert!(glob_subsumes("*", "${aws:username}", false));
    }

    #[test]
    fn action_values_dedupe_case_insensitively_keeping_the_catalog_spelling() {
        let s = deny(
            &["BEDROCK:invokemodel", "bedrock:InvokeModel", "s3:GetObject"],
            &["*"],
            Condition::new(),
        );
        let out = opt(vec![s]);
        assert_eq!(
            vals(&out[0].action),
            ["bedrock:InvokeModel", "s3:GetObject"]
        );
    }

    #[test]
    fn action_values_covered_by_a_pattern_are_dropped() {
        let s = deny(
            &[
                "bedrock:InvokeModel",
                "bedrock:Invoke*",
                "bedrock:*",
                "s3:GetObject",
            ],
            &["*"],
            Condition::new(),
        );
        let out = opt(vec![s]);
        assert_eq!(vals(&out[0].action), ["bedrock:*", "s3:GetObject"]);
        let mut n = deny(&["bedrock:InvokeModel"], &["*"], Condition::new());
        n.action = Scope::not_of(["iam:*", "iam:CreateRole", "sts:*"]);
        let out = opt(vec![n]);
        assert!(out[0].action.negated);
        assert_eq!(vals(&out[0].action), ["iam:*", "sts:*"]);
    }

    #[test]
    fn resource_values_only_collapse_on_star() {
        let s = deny(&["s3:*"], &["arn:aws:s3:::b/*", "*"], Condition::new());
        assert_eq!(vals(&opt(vec![s])[0].resource), ["*"]);
        // ARN patterns are not compared by wildcard containment.
        let s = deny(
            &["s3:*"],
            &["arn:aws:s3:::b/*", "arn:aws:s3:::b/x"],
            Condition::new(),
        );
        assert_eq!(vals(&opt(vec![s])[0].resource).len(), 2);
    }

    #[test]
    fn like_values_are_reduced_and_equals_values_are_not() {
        let s = deny(
            &["s3:*"],
            &["*"],
            cond(&[
                (op(Op::StringLike), "k", &["a*", "ab", "abc*"][..]),
                (op(Op::StringNotLike), "j", &["x?", "xy"][..]),
                (op(Op::StringEquals), "m", &["a*", "ab"][..]),
            ]),
        );
        let out = opt(vec![s]);
        let c = &out[0].condition;
        assert_eq!(
            c[&op(Op::StringLike)]["k"],
            FlatSet::from([Name::from("a*")])
        );
        assert_eq!(
            c[&op(Op::StringNotLike)]["j"],
            FlatSet::from([Name::from("x?")])
        );
        assert_eq!(c[&op(Op::StringEquals)]["m"].len(), 2);
    }

    #[test]
    fn merges_actions_with_equal_resource_and_condition() {
        let c = cond(&[(op(Op::StringEquals), "k", &["a"][..])]);
        let mut b = st(Effect::Deny, &["s3:GetObject"], &["*"], c.clone(), "second");
        b.origins.insert(origin("third"));
        let out = opt(vec![deny(&["bedrock:InvokeModel"], &["*"], c), b]);
        assert_eq!(out.len(), 1);
        assert_eq!(
            vals(&out[0].action),
            ["bedrock:InvokeModel", "s3:GetObject"]
        );
        assert_eq!(out[0].origins.len(), 3);
    }

    #[test]
    fn merges_resources_with_equal_action_and_condition() {
        let out = opt(vec![
            deny(&["s3:GetObject"], &["arn:aws:s3:::a"], Condition::new()),
            deny(&["s3:GetObject"], &["arn:aws:s3:::b"], Condition::new()),
        ]);
        assert_eq!(out.len(), 1);
        assert_eq!(vals(&out[0].resource), ["arn:aws:s3:::a", "arn:aws:s3:::b"]);
    }

    #[test]
    fn merges_values_of_one_positive_key() {
        for operator in [
            op(Op::StringEquals),
            qualified(Qualifier::ForAnyValue, Op::StringEquals),
        ] {
            let out = opt(vec![
                deny(
                    &["s3:*"],
                    &["*"],
                    cond(&[
                        (operator, "k", &["a"][..]),
                        (op(Op::Bool), "b", &["true"][..]),
                    ]),
                ),
                deny(
                    &["s3:*"],
                    &["*"],
                    cond(&[
                        (operator, "k", &["b"][..]),
                        (op(Op::Bool), "b", &["true"][..]),
                    ]),
                ),
            ]);
            assert_eq!(out.len(), 1, "{operator}");
            assert_eq!(out[0].condition[&operator]["k"].len(), 2);
        }
    }

    #[test]
    fn does_not_merge_what_does_not_distribute() {
        let pair = |operator: Operator| {
            vec![
                deny(&["s3:*"], &["*"], cond(&[(operator, "k", &["a"][..])])),
                deny(&["s3:*"], &["*"], cond(&[(operator, "k", &["b"][..])])),
            ]
        };
        // Negated (NOR), Null, ForAllValues.
        for operator in [
            op(Op::StringNotEquals),
            qualified(Qualifier::ForAnyValue, Op::StringNotEquals),
            qualified(Qualifier::ForAllValues, Op::StringEquals),
            op(Op::Null),
        ] {
            assert_eq!(opt(pair(operator)).len(), 2, "{operator}");
        }
        // Different conditions: two keys differ.
        let two_keys = vec![
            deny(
                &["s3:*"],
                &["*"],
                cond(&[
                    (op(Op::StringEquals), "k", &["a"][..]),
                    (op(Op::StringEquals), "j", &["a"][..]),
                ]),
            ),
            deny(
                &["s3:*"],
                &["*"],
                cond(&[
                    (op(Op::StringEquals), "k", &["b"][..]),
                    (op(Op::StringEquals), "j", &["b"][..]),
                ]),
            ),
        ];
        assert_eq!(opt(two_keys).len(), 2);
        // Different conditions with different actions.
        let diff = vec![
            deny(
                &["s3:GetObject"],
                &["*"],
                cond(&[(op(Op::StringEquals), "k", &["a"][..])]),
            ),
            deny(
                &["s3:PutObject"],
                &["*"],
                cond(&[(op(Op::StringEquals), "k", &["b"][..])]),
            ),
        ];
        assert_eq!(opt(diff).len(), 2);
        // NotAction with Action: the union of a NotAction and an Action is not a NotAction.
        let mut n = deny(&["x"], &["*"], Condition::new());
        n.action = Scope::not_of(["iam:*"]);
        let mixed = vec![n, deny(&["iam:CreateRole"], &["*"], Condition::new())];
        assert_eq!(opt(mixed).len(), 2);
        // Different effects.
        let effects = vec![
            deny(&["s3:GetObject"], &["*"], Condition::new()),
            allow(&["s3:PutObject"], &["*"], Condition::new()),
        ];
        assert_eq!(opt(effects).len(), 2);
        // Sids block merges.
        let mut a = deny(&["s3:GetObject"], &["*"], Condition::new());
        a.sid = Some("A".into());
        let sids = vec![a, deny(&["s3:PutObject"], &["*"], Condition::new())];
        assert_eq!(opt(sids).len(), 2);
    }

    #[test]
    fn seed_000_scp_1_null_statement_is_subsumed() {
        let not_like = deny(
            &INVOKE,
            &[FM],
            cond(&[(
                op(Op::StringNotLike),
                PROFILE_ARN,
                &["arn:aws:bedrock:*:*:application-inference-profile/*"][..],
            )]),
        );
        let mut null = deny(
            &INVOKE,
            &[FM],
            cond(&[(op(Op::Null), PROFILE_ARN, &["true"][..])]),
        );
        null.origins = [origin("DenyDirectFoundationModelInvocation")].into();
        assert!(subsumes(&not_like, &null));
        assert!(!subsumes(&null, &not_like));
        let out = opt(vec![null.clone(), not_like.clone()]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].key(), not_like.key());
        assert!(out[0]
            .origins
            .contains(&origin("DenyDirectFoundationModelInvocation")));
    }

    #[test]
    fn seed_000_scp_1_as_a_whole() {
        let profile = "arn:aws:bedrock:*:*:application-inference-profile/*";
        let input = vec![
            st(
                Effect::Deny,
                &INVOKE,
                &[FM],
                cond(&[(op(Op::Null), PROFILE_ARN, &["true"][..])]),
                "Null",
            ),
            st(
                Effect::Deny,
                &INVOKE,
                &[FM],
                cond(&[(op(Op::StringNotLike), PROFILE_ARN, &[profile][..])]),
                "NotLike",
            ),
            st(
                Effect::Deny,
                &INVOKE,
                &["arn:aws:bedrock:*:*:inference-profile/*"],
                Condition::new(),
                "System",
            ),
        ];
        let out = optimize(
            &crate::catalog::embedded(),
            input.clone(),
            &Options {
                compress_actions: true,
            },
        );
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].origins, [origin("NotLike"), origin("Null")].into());
        assert_eq!(out[1].origins, [origin("System")].into());
        for s in &out {
            assert_eq!(vals(&s.action), ["bedrock:InvokeModel*"]);
        }
        let direct = Request::new(
            "bedrock:InvokeModel",
            "arn:aws:bedrock:us-east-1::foundation-model/m",
        );
        let via_app = direct.clone().with(
            PROFILE_ARN,
            "arn:aws:bedrock:us-east-1:1:application-inference-profile/p",
        );
        let via_system = direct.clone().with(
            PROFILE_ARN,
            "arn:aws:bedrock:us-east-1:1:inference-profile/us.m",
        );
        for r in [direct, via_app, via_system] {
            assert_eq!(decide(&input, &r), decide(&out, &r), "{r:?}");
        }
    }

    #[test]
    fn a_statement_with_a_sid_is_never_dropped() {
        let wide = deny(&["bedrock:*"], &["*"], Condition::new());
        let mut named = deny(&["bedrock:InvokeModel"], &["*"], Condition::new());
        named.sid = Some("Named".into());
        assert_eq!(opt(vec![wide, named]).len(), 2);
    }

    #[test]
    fn subsumption_of_scopes() {
        let base = |a: &[&str]| deny(a, &["*"], Condition::new());
        assert!(subsumes(
            &base(&["bedrock:*"]),
            &base(&["bedrock:InvokeModel"])
        ));
        assert!(!subsumes(
            &base(&["bedrock:InvokeModel"]),
            &base(&["bedrock:*"])
        ));
        assert!(!subsumes(
            &base(&["bedrock:*"]).clone(),
            &allow(&["bedrock:InvokeModel"], &["*"], Condition::new())
        ));
        let mut not_iam = base(&["x"]);
        not_iam.action = Scope::not_of(["iam:*"]);
        let mut not_iam_sts = base(&["x"]);
        not_iam_sts.action = Scope::not_of(["iam:*", "sts:*"]);
        // NotAction [iam:*] covers NotAction [iam:*, sts:*] and literal non-iam actions.
        assert!(subsumes(&not_iam, &not_iam_sts));
        assert!(!subsumes(&not_iam_sts, &not_iam));
        assert!(subsumes(&not_iam, &base(&["s3:GetObject"])));
        assert!(!subsumes(&not_iam, &base(&["IAM:CreateRole"])));
        assert!(!subsumes(&not_iam, &base(&["s3:*"])));
        assert!(subsumes(&base(&["*"]), &not_iam));
        assert!(!subsumes(&base(&["s3:*"]), &not_iam));
        // Resources: equality and `*` only.
        let r = |res: &[&str]| deny(&["s3:*"], res, Condition::new());
        assert!(subsumes(&r(&["*"]), &r(&["arn:aws:s3:::b"])));
        assert!(subsumes(
            &r(&["arn:aws:s3:::a", "arn:aws:s3:::b"]),
            &r(&["arn:aws:s3:::b"])
        ));
        assert!(!subsumes(&r(&["arn:aws:s3:::*"]), &r(&["arn:aws:s3:::b"])));
        let mut not_b = r(&["x"]);
        not_b.resource = Scope::not_of(["arn:aws:s3:::b"]);
        assert!(subsumes(&not_b, &r(&["arn:aws:s3:::c"])));
        assert!(!subsumes(&not_b, &r(&["arn:aws:s3:::b"])));
        assert!(!subsumes(&r(&["arn:aws:s3:::c"]), &not_b));
        // A policy variable may stand for any text.
        let mut not_var = r(&["x"]);
        not_var.resource = Scope::not_of(["arn:aws:s3:::${aws:username}"]);
        assert!(!subsumes(&not_var, &r(&["arn:aws:s3:::c"])));
        assert!(!subsumes(&not_b, &r(&["arn:aws:s3:::${aws:username}"])));
    }

    #[test]
    fn subsumption_of_conditions() {
        let c = |entries: &[(Operator, &str, &[&str])]| deny(&["s3:*"], &["*"], cond(entries));
        let none = c(&[]);
        let eq_a = c(&[(op(Op::StringEquals), "k", &["a"][..])]);
        let eq_ab = c(&[(op(Op::StringEquals), "k", &["a", "b"][..])]);
        let ne_a = c(&[(op(Op::StringNotEquals), "k", &["a"][..])]);
        let ne_ab = c(&[(op(Op::StringNotEquals), "k", &["a", "b"][..])]);
        assert!(subsumes(&none, &eq_a));
        assert!(!subsumes(&eq_a, &none));
        assert!(subsumes(&eq_ab, &eq_a));
        assert!(!subsumes(&eq_a, &eq_ab));
        assert!(subsumes(&ne_a, &ne_ab));
        assert!(!subsumes(&ne_ab, &ne_a));
        let like = c(&[(op(Op::StringLike), "k", &["a*"][..])]);
        assert!(
            !subsumes(&like, &eq_a),
            "different operators are not compared"
        );
        let like_ab = c(&[(op(Op::StringLike), "k", &["ab"][..])]);
        assert!(subsumes(&like, &like_ab));
        let not_like = c(&[(op(Op::StringNotLike), "k", &["ab"][..])]);
        let not_like_star = c(&[(op(Op::StringNotLike), "k", &["a*"][..])]);
        assert!(subsumes(&not_like, &not_like_star));
        assert!(!subsumes(&not_like_star, &not_like));
        // ForAllValues is monotone in its values too.
        let all_a = c(&[(
            qualified(Qualifier::ForAllValues, Op::StringEquals),
            "k",
            &["a"][..],
        )]);
        let all_ab = c(&[(
            qualified(Qualifier::ForAllValues, Op::StringEquals),
            "k",
            &["a", "b"][..],
        )]);
        assert!(subsumes(&all_ab, &all_a));
        assert!(!subsumes(&all_a, &all_ab));
        // Null {k: true} implies every operator that is true on a missing key.
        let absent = c(&[(op(Op::Null), "k", &["true"][..])]);
        let if_exists = Operator {
            if_exists: true,
            ..op(Op::StringEquals)
        };
        assert!(subsumes(&c(&[(if_exists, "k", &["a"][..])]), &absent));
        assert!(subsumes(&all_a, &absent));
        assert!(subsumes(&ne_a, &absent));
        assert!(!subsumes(&eq_a, &absent));
        assert!(!subsumes(
            &c(&[(
                qualified(Qualifier::ForAnyValue, Op::StringNotEquals),
                "k",
                &["a"][..]
            )]),
            &absent
        ));
        assert!(!subsumes(&ne_a, &c(&[(op(Op::Null), "j", &["true"][..])])));
        let present = c(&[(op(Op::Null), "k", &["false"][..])]);
        assert!(subsumes(
            &present,
            &c(&[
                (op(Op::Null), "k", &["false"][..]),
                (op(Op::StringEquals), "k", &["a"][..])
            ])
        ));
        assert!(!subsumes(&present, &eq_a));
    }

    #[test]
    fn equal_statements_keep_the_first() {
        let a = st(
            Effect::Deny,
            &["s3:*"],
            &["arn:aws:s3:::b"],
            Condition::new(),
            "first",
        );
        let mut b = a.clone();
        b.origins = [origin("second")].into();
        // NotAction/NotResource so no merge applies and the subsumption pass decides.
        let mut a2 = a.clone();
        a2.action = Scope::not_of(["iam:*"]);
        a2.resource = Scope::not_of(["arn:aws:s3:::b"]);
        let mut b2 = b.clone();
        b2.action = a2.action.clone();
        b2.resource = a2.resource.clone();
        let out = opt(vec![a2, b2]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].origins, [origin("first"), origin("second")].into());
    }

    #[test]
    fn subsumed_statement_order_is_kept() {
        let wide = st(
            Effect::Deny,
            &["bedrock:*"],
            &["*"],
            cond(&[(op(Op::StringEquals), "k", &["a"][..])]),
            "wide",
        );
        let narrow = st(
            Effect::Deny,
            &["bedrock:InvokeModel"],
            &["*"],
            cond(&[
                (op(Op::StringEquals), "k", &["a"][..]),
                (op(Op::Bool), "b", &["true"][..]),
            ]),
            "narrow",
        );
        let other = st(Effect::Allow, &["*"], &["*"], Condition::new(), "other");
        let out = opt(vec![narrow.clone(), other.clone(), wide.clone()]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].key(), other.key());
        assert_eq!(out[1].key(), wide.key());
        assert!(out[1].origins.contains(&origin("narrow")));
    }

    #[test]
    fn drops_statements_that_never_match() {
        let dead = deny(
            &["s3:*"],
            &["*"],
            cond(&[
                (op(Op::Null), "k", &["true"][..]),
                (op(Op::StringEquals), "k", &["a"][..]),
            ]),
        );
        assert!(never_matches(&dead));
        assert!(opt(vec![dead]).is_empty());
        // A negated operator holds on a missing key: not contradictory.
        let live = deny(
            &["s3:*"],
            &["*"],
            cond(&[
                (op(Op::Null), "k", &["true"][..]),
                (op(Op::StringNotEquals), "k", &["a"][..]),
            ]),
        );
        assert!(!never_matches(&live));
        let mut nothing = deny(&["s3:*"], &["*"], Condition::new());
        nothing.resource = Scope::not_of(["*"]);
        assert!(never_matches(&nothing));
    }

    #[test]
    fn compresses_deny_actions_only_when_the_catalog_group_is_exact() {
        let opts = Options {
            compress_actions: true,
        };
        let names: Vec<String> = crate::catalog::embedded()
            .match_actions("bedrock:InvokeModel*")
            .iter()
            .map(|a| a.full_name())
            .collect();
        assert_eq!(names, INVOKE);
        let out = optimize(
            &crate::catalog::embedded(),
            vec![deny(&INVOKE, &[FM], Condition::new())],
            &opts,
        );
        assert_eq!(vals(&out[0].action), ["bedrock:InvokeModel*"]);
        // An Allow never broadens.
        let out = optimize(
            &crate::catalog::embedded(),
            vec![allow(&INVOKE, &[FM], Condition::new())],
            &opts,
        );
        assert_eq!(vals(&out[0].action), INVOKE);
        // Off by default.
        let out = opt(vec![deny(&INVOKE, &[FM], Condition::new())]);
        assert_eq!(vals(&out[0].action), INVOKE);
        // Not the whole group: InvokeModel alone stays; s3:GetObject* has many more actions.
        let out = optimize(
            &crate::catalog::embedded(),
            vec![deny(
                &["bedrock:InvokeModel", "s3:GetObject", "s3:GetObjectAcl"],
                &["*"],
                Condition::new(),
            )],
            &opts,
        );
        assert_eq!(
            vals(&out[0].action),
            ["bedrock:InvokeModel", "s3:GetObject", "s3:GetObjectAcl"]
        );
        // Decisions on catalog actions are the same.
        let before = vec![deny(&INVOKE, &[FM], Condition::new())];
        let after = optimize(&crate::catalog::embedded(), before.clone(), &opts);
        for a in crate::catalog::embedded().match_actions("bedrock:*") {
            let r = Request::new(
                a.full_name(),
                "arn:aws:bedrock:us-east-1::foundation-model/m",
            );
            assert_eq!(decide(&before, &r), decide(&after, &r), "{}", a.full_name());
        }
    }

    #[test]
    fn output_is_deterministic_and_idempotent() {
        let input = vec![
            deny(
                &["bedrock:InvokeModel"],
                &[FM],
                cond(&[(op(Op::StringEquals), "k", &["a"][..])]),
            ),
            deny(
                &["bedrock:InvokeModelWithResponseStream"],
                &[FM],
                cond(&[(op(Op::StringEquals), "k", &["a"][..])]),
            ),
            deny(
                &["bedrock:InvokeModel"],
                &[FM],
                cond(&[(op(Op::StringEquals), "k", &["b"][..])]),
            ),
            allow(&["*"], &["*"], Condition::new()),
        ];
        let once = opt(input.clone());
        assert_eq!(once, opt(input));
        assert_eq!(opt(once.clone()), once);
    }

    /// The pairwise `reduce` the indexed one replaced.
    fn reduce_pairwise(values: &[Name], case_insensitive: bool) -> FlatSet<Name> {
        let mut kept: Vec<&Name> = Vec::new();
        for v in values {
            if kept.iter().any(|k| glob_subsumes(k, v, case_insensitive)) {
                continue;
            }
            kept.retain(|k| !glob_subsumes(v, k, case_insensitive));
            kept.push(v);
        }
        kept.into_iter().cloned().collect()
    }

    proptest::proptest! {
        // Patterns over a small alphabet, with wildcards, both cases, a non-ASCII letter
        // whose lowercase is ASCII (the Kelvin sign), and policy variables: the indexed
        // `reduce` keeps exactly what comparing every pair keeps.
        #[test]
        fn reduce_equals_the_pairwise_reduce(
            values in proptest::collection::vec("([abAB*?]|\\u{212A}|k|\\$\\{x\\}){0,5}", 0..24),
            case_insensitive in proptest::bool::ANY,
        ) {
            let values: Vec<Name> = values.into_iter().map(Name::from).collect();
            proptest::prop_assert_eq!(
                reduce(values.iter(), case_insensitive),
                reduce_pairwise(&values, case_insensitive)
            );
        }
    }
}
