//! Which combinations of atom values a request can have: the atoms fall into dimensions (the
//! action, the resource, each condition key), and within a dimension some combinations are
//! impossible (`bedrock:InvokeModel` matched but `bedrock:*` not). This module decides whether
//! a set of atom values is possible for one dimension and, when it is, gives a value of the
//! dimension that has them — the pieces of a counterexample request.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use super::cells::{Cell, StrPred};
use crate::catalog::{Catalog, KeyType};
use crate::glob::is_glob;
use crate::ir::eval::{parse_cidr, parse_date, parse_number, value_match, ContextValue, Request};
use crate::ir::Op;
use crate::semantics::logic::{Atom, Test};

/// Product states one satisfiability question may visit.
const BUDGET: usize = 200_000;
/// Element cells of one key enumerated for a multivalued key.
const MAX_CELLS: usize = 4_096;

/// Where an atom belongs.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dim {
    /// Atoms that match the request's action.
    Action,
    /// Atoms that match the request's resource ARN.
    Resource,
    /// A condition key, by its lower-cased name (key names are case-insensitive).
    Key(String),
    /// An atom with a policy variable: its value depends on other keys in ways this module
    /// does not follow, so it is treated as free. That over-approximates what requests can
    /// do, which keeps a proof sound; a counterexample is checked on a concrete request.
    Free(String),
}

/// The dimension of an atom; an atom whose pattern holds a policy variable (`${…}`) is free
/// ([`Dim::Free`]).
pub(crate) fn dim_of(a: &Atom) -> Dim {
    let var = |s: &str| s.contains("${");
    match a {
        Atom::Action(_) => Dim::Action,
        Atom::Resource(p) if var(p) => Dim::Free(format!("{a:?}")),
        Atom::Resource(_) => Dim::Resource,
        Atom::Present(k) => Dim::Key(k.to_ascii_lowercase()),
        Atom::Some(_, t) if var(&t.value) => Dim::Free(format!("{a:?}")),
        Atom::Every(_, ts) if ts.iter().any(|t| var(&t.value)) => Dim::Free(format!("{a:?}")),
        Atom::Some(k, _) | Atom::Every(k, _) => Dim::Key(k.to_ascii_lowercase()),
    }
}

/// The catalog type of a key whose values are numbers, dates, booleans or addresses: a
/// request's value of such a key is of that type (docs/semantics.md, "Requests").
fn typed_key(cat: &Catalog, key: &str) -> Option<KeyType> {
    let ty = cat.condition_key(key)?.ty.element();
    matches!(
        ty,
        KeyType::Numeric | KeyType::Date | KeyType::Bool | KeyType::IpAddress
    )
    .then_some(ty)
}

/// Whether a request lies in the domain the proof ranges over: every value of a typed key
/// parses as its type. AWS sets those keys (`aws:SourceIp` is an address, `aws:CurrentTime` a
/// date), so no real request lies outside; a hand-made one may, and there a proof says
/// nothing.
pub fn admits(cat: &Catalog, r: &Request) -> bool {
    r.context.iter().all(|(key, value)| {
        let Some(ty) = typed_key(cat, key) else {
            return true;
        };
        let values: &[String] = match value {
            ContextValue::One(v) => std::slice::from_ref(v),
            ContextValue::Many(vs) => vs,
        };
        values.iter().all(|v| match ty {
            KeyType::Numeric => parse_number(v).is_some(),
            KeyType::Date => parse_date(v).is_some(),
            KeyType::Bool => v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false"),
            _ => v.trim().parse::<IpAddr>().is_ok(),
        })
    })
}

/// Whether a key may carry several values (its catalog type is `ArrayOf…`).
pub fn multivalued(cat: &Catalog, key: &str) -> bool {
    cat.condition_key(key)
        .is_some_and(|k| k.ty.is_multivalued())
}

/// The canonical spelling of a test: the operators IAM evaluates alike share one (`ArnEquals`
/// is `ArnLike`; a pattern without wildcards compares as equality).
pub(crate) fn canonical_test(t: &Test) -> Test {
    let op = match t.op {
        Op::ArnEquals => Op::ArnLike,
        other => other,
    };
    let op = match op {
        Op::StringLike if !is_glob(&t.value) => Op::StringEquals,
        other => other,
    };
    Test {
        op,
        value: t.value.clone(),
    }
}

/// For a comparison `t` of a single-valued number or date key, the comparison that holds for
/// a present value exactly where `t` does not (`≥ n` → `< n`, `> n` → `≤ n`): within the
/// domain such a key's value parses (see [`admits`]), and parsed values are totally ordered.
/// `None` for every other test, and for the "less" forms themselves (one direction only, so
/// each pair becomes one question).
pub(crate) fn opposite(cat: &Catalog, key: &str, t: &Test) -> Option<Test> {
    let (op, ty) = match t.op {
        Op::NumericGreaterThanEquals => (Op::NumericLessThan, KeyType::Numeric),
        Op::NumericGreaterThan => (Op::NumericLessThanEquals, KeyType::Numeric),
        Op::DateGreaterThanEquals => (Op::DateLessThan, KeyType::Date),
        Op::DateGreaterThan => (Op::DateLessThanEquals, KeyType::Date),
        _ => return None,
    };
    if multivalued(cat, key) || typed_key(cat, key) != Some(ty) {
        return None;
    }
    let parses = match ty {
        KeyType::Numeric => parse_number(&t.value).is_some(),
        _ => parse_date(&t.value).is_some(),
    };
    parses.then(|| Test {
        op,
        value: t.value.clone(),
    })
}

/// The value a dimension takes in a counterexample.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// The action or the resource ARN.
    Text(String),
    /// The key is absent from the request (or, for a free atom, any value will do).
    Missing,
    /// The key's values: one for a single-valued key, a set for a multivalued one.
    Values(Vec<String>),
}

/// Whether the atoms can take these values together, and a value of the dimension that gives
/// them. `Err` when the question is too large to answer (the proof then stops unproven).
pub(crate) fn solve(
    cat: &Catalog,
    dim: &Dim,
    literals: &[(Atom, bool)],
) -> Result<Option<Value>, String> {
    match dim {
        Dim::Action | Dim::Resource => {
            let preds: Vec<(StrPred, bool)> = literals
                .iter()
                .filter_map(|(a, v)| {
                    let p = match a {
                        Atom::Action(p) => StrPred::Glob {
                            pattern: p.clone(),
                            case_insensitive: true,
                        },
                        Atom::Resource(p) => StrPred::ArnResource { pattern: p.clone() },
                        _ => return None,
                    };
                    Some((p, *v))
                })
                .collect();
            match satisfy(&preds, BUDGET) {
                Some(found) => Ok(found.map(Value::Text)),
                None => Err(format!("the {dim:?} patterns are too many to search")),
            }
        }
        Dim::Key(key) => solve_key(cat, key, literals),
        // One atom per free dimension: both values are possible.
        Dim::Free(_) => Ok(Some(Value::Missing)),
    }
}

/// Remembered answers of the string searches, per thread: `govc diff`, `verify` and
/// `import --org` prove one account after another, and accounts share most of their patterns
/// (the root's and their OUs'), so the same questions come back. Each search builds automata
/// for its patterns, which is most of a proof's time. Bounded: emptied at `MEMO_ENTRIES`
/// answers or at `MEMO_BYTES` of questions and answers (an answer lists a truth value per
/// pattern for each combination, so a few wide ones can outweigh thousands of small ones).
const MEMO_ENTRIES: usize = 20_000;
const MEMO_BYTES: usize = 64 << 20;

type SatisfyKey = (Vec<(StrPred, bool)>, usize);
type CellsKey = (Vec<StrPred>, usize);

/// One thread's remembered answers of one search, and about how many bytes they hold.
struct Memo<K, V> {
    answers: std::collections::HashMap<K, V>,
    bytes: usize,
}

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo {
            answers: std::collections::HashMap::new(),
            bytes: 0,
        }
    }
}

thread_local! {
    static SATISFY: std::cell::RefCell<Memo<SatisfyKey, Option<Option<String>>>> =
        Default::default();
    static CELLS: std::cell::RefCell<Memo<CellsKey, Option<Vec<Cell>>>> = Default::default();
}

/// About how many bytes a predicate holds.
fn pred_bytes(p: &StrPred) -> usize {
    std::mem::size_of::<StrPred>() + p.text().len()
}

/// `compute(key)`, or its remembered answer from `memo`; `bytes` estimates what a question and
/// its answer hold.
fn remembered<K: std::hash::Hash + Eq + Clone, V: Clone>(
    memo: &'static std::thread::LocalKey<std::cell::RefCell<Memo<K, V>>>,
    key: K,
    bytes: impl FnOnce(&K, &V) -> usize,
    compute: impl FnOnce(&K) -> V,
) -> V {
    if let Some(v) = memo.with(|m| m.borrow().answers.get(&key).cloned()) {
        return v;
    }
    let v = compute(&key);
    let size = bytes(&key, &v);
    memo.with(|m| {
        let mut m = m.borrow_mut();
        if m.answers.len() >= MEMO_ENTRIES || m.bytes + size > MEMO_BYTES {
            m.answers.clear();
            m.bytes = 0;
        }
        if size <= MEMO_BYTES {
            m.answers.insert(key, v.clone());
            m.bytes += size;
        }
    });
    v
}

/// [`super::cells::satisfy`], remembered.
fn satisfy(wanted: &[(StrPred, bool)], budget: usize) -> Option<Option<String>> {
    remembered(
        &SATISFY,
        (wanted.to_vec(), budget),
        |(w, _), found| {
            w.iter().map(|(p, _)| pred_bytes(p)).sum::<usize>()
                + found
                    .as_ref()
                    .and_then(Option::as_ref)
                    .map_or(0, String::len)
        },
        |(w, b)| super::cells::satisfy(w, *b),
    )
}

/// [`super::cells::cells`], remembered.
fn cells(preds: &[StrPred], budget: usize) -> Option<Vec<Cell>> {
    remembered(
        &CELLS,
        (preds.to_vec(), budget),
        |(p, _), found| {
            p.iter().map(pred_bytes).sum::<usize>()
                + found.as_ref().map_or(0, |cs| {
                    cs.iter()
                        .map(|c| std::mem::size_of::<Cell>() + c.truth.len() + c.witness.len())
                        .sum()
                })
        },
        |(p, b)| super::cells::cells(p, *b),
    )
}

/// A value of the action or resource dimension that a reader recognises, when one satisfies
/// the same literals as the search's witness: an action the catalog has (the witness's service
/// first) rather than `BEDROCK-MANTLE:`, which stands for any action of that service; a
/// resource ARN built from the resource types of the action `service` names, or of its
/// service (`arn:aws:bedrock:us-east-1:123456789012:…`), rather than `""`. `None` when the catalog has none, or for other
/// dimensions. The witness stays what decides; this only names an equivalent one.
pub(crate) fn readable(
    cat: &Catalog,
    dim: &Dim,
    literals: &[(Atom, bool)],
    witness: &str,
    service: &str,
) -> Option<String> {
    let holds = |s: &str| {
        literals.iter().all(|(a, v)| {
            let p = match a {
                Atom::Action(p) => StrPred::Glob {
                    pattern: p.clone(),
                    case_insensitive: true,
                },
                Atom::Resource(p) => StrPred::ArnResource { pattern: p.clone() },
                _ => return true,
            };
            p.matches(s) == *v
        })
    };
    match dim {
        Dim::Action => {
            if cat.action_by_full_name(witness).is_some() {
                return None;
            }
            let own = witness
                .split_once(':')
                .map(|(s, _)| s.to_ascii_lowercase())
                .unwrap_or_default();
            let services =
                std::iter::once(own.as_str()).chain(cat.service_prefixes().filter(|p| *p != own));
            for svc in services {
                for a in cat.actions(svc) {
                    let name = a.full_name();
                    if holds(&name) {
                        return Some(name);
                    }
                }
            }
            None
        }
        Dim::Resource => {
            if witness.starts_with("arn:") || witness == "*" {
                return None;
            }
            // The action's own resource types first (`service` is the witness's action).
            let own: Vec<&str> = cat
                .action_by_full_name(service)
                .and_then(|a| a.detail.as_ref())
                .map(|d| d.resource_types.iter().map(|r| r.name.as_str()).collect())
                .unwrap_or_default();
            let prefix = service.split_once(':').map(|(s, _)| s).unwrap_or(service);
            let types = cat.resource_types(&prefix.to_ascii_lowercase());
            types
                .iter()
                .filter(|rt| own.contains(&rt.name.as_str()))
                .chain(types.iter().filter(|rt| !own.contains(&rt.name.as_str())))
                .map(|rt| example_arn(&rt.arn))
                .find(|arn| holds(arn))
        }
        _ => None,
    }
}

/// An ARN from a catalog template: `${Partition}` `aws`, `${Region}` `us-east-1`,
/// `${Account}` `123456789012`, any other placeholder `example`.
fn example_arn(template: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(at) = rest.find("${") {
        out.push_str(rest.get(..at).unwrap_or_default());
        let after = rest.get(at + 2..).unwrap_or_default();
        let Some((name, tail)) = after.split_once('}') else {
            out.push_str(rest.get(at..).unwrap_or_default());
            return out;
        };
        out.push_str(match name {
            "Partition" => "aws",
            "Region" => "us-east-1",
            "Account" => "123456789012",
            _ => "example",
        });
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// A key: missing, or present with one value (single-valued keys) or a set of values.
fn solve_key(cat: &Catalog, key: &str, literals: &[(Atom, bool)]) -> Result<Option<Value>, String> {
    let holds_missing = literals.iter().all(|(a, v)| {
        let on_missing = match a {
            Atom::Present(_) | Atom::Some(..) => false,
            Atom::Every(..) => true,
            _ => return true,
        };
        on_missing == *v
    });
    if holds_missing {
        return Ok(Some(Value::Missing));
    }
    if literals
        .iter()
        .any(|(a, v)| matches!(a, Atom::Present(_)) && !*v)
    {
        return Ok(None);
    }
    // The element tests the literals mention.
    let mut tests: Vec<Test> = Vec::new();
    for (a, _) in literals {
        let ts: &[Test] = match a {
            Atom::Some(_, t) => std::slice::from_ref(t),
            Atom::Every(_, ts) => ts,
            _ => &[],
        };
        for t in ts {
            if !tests.contains(t) {
                tests.push(t.clone());
            }
        }
    }
    let index = |t: &Test| tests.iter().position(|x| x == t);
    let cells = element_cells(cat, key, &tests)?;
    // What an element's cell says of each literal.
    let some_ok = |c: &[bool], t: &Test| index(t).and_then(|i| c.get(i).copied()).unwrap_or(false);
    let any_ok = |c: &[bool], ts: &[Test]| ts.iter().any(|t| some_ok(c, t));
    if !multivalued(cat, key) {
        for (cell, witness) in &cells {
            let fits = literals.iter().all(|(a, v)| match a {
                Atom::Present(_) => *v,
                Atom::Some(_, t) => some_ok(cell, t) == *v,
                Atom::Every(_, ts) => any_ok(cell, ts) == *v,
                _ => true,
            });
            if fits {
                return Ok(Some(Value::Values(vec![witness.clone()])));
            }
        }
        return Ok(None);
    }
    // A set of elements: every element must keep the "for all" literals (a `Some` that must be
    // false, an `Every` that must be true); the "there is" literals then need one element each
    // among those, so taking every allowed cell is as good as any choice.
    let allowed: Vec<&(Vec<bool>, String)> = cells
        .iter()
        .filter(|(cell, _)| {
            literals.iter().all(|(a, v)| match a {
                Atom::Some(_, t) if !*v => !some_ok(cell, t),
                Atom::Every(_, ts) if *v => any_ok(cell, ts),
                _ => true,
            })
        })
        .collect();
    if allowed.is_empty() {
        return Ok(None);
    }
    let covered = literals.iter().all(|(a, v)| match a {
        Atom::Some(_, t) if *v => allowed.iter().any(|(c, _)| some_ok(c, t)),
        Atom::Every(_, ts) if !*v => allowed.iter().any(|(c, _)| !any_ok(c, ts)),
        _ => true,
    });
    if !covered {
        return Ok(None);
    }
    Ok(Some(Value::Values(
        allowed.iter().map(|(_, w)| w.clone()).collect(),
    )))
}

/// Every combination of the tests' values one element can have, with an element that has it.
fn element_cells(
    cat: &Catalog,
    key: &str,
    tests: &[Test],
) -> Result<Vec<(Vec<bool>, String)>, String> {
    let string_pred = |t: &Test| -> Option<StrPred> {
        Some(match t.op {
            Op::StringEquals | Op::BinaryEquals => StrPred::Equals {
                value: t.value.clone(),
                case_insensitive: false,
            },
            Op::StringEqualsIgnoreCase => StrPred::Equals {
                value: t.value.clone(),
                case_insensitive: true,
            },
            Op::StringLike => StrPred::Glob {
                pattern: t.value.clone(),
                case_insensitive: false,
            },
            Op::ArnLike | Op::ArnEquals => StrPred::ArnCondition {
                pattern: t.value.clone(),
            },
            _ => return None,
        })
    };
    let preds: Option<Vec<StrPred>> = tests.iter().map(string_pred).collect();
    if preds.is_none() && tests.iter().any(|t| string_pred(t).is_some()) {
        // String patterns and numbers (or dates, addresses) on one key: the candidates below
        // would not meet every combination, so do not claim anything.
        return Err(
            "a condition key is compared both as text and as a number, date or address".to_string(),
        );
    }
    if let Some(preds) = preds {
        let found = cells(&preds, BUDGET)
            .ok_or_else(|| "a condition key's patterns are too many to search".to_string())?;
        if found.len() > MAX_CELLS {
            return Err("a condition key's patterns combine in too many ways".to_string());
        }
        return Ok(found.into_iter().map(|c| (c.truth, c.witness)).collect());
    }
    // Numbers and dates on one key are compared on one line (a date as epoch seconds), and the
    // candidates below are plain decimals, which parse as both. But `2024-06-01` is a date and
    // not a number, and `1e5` a number and not a date, so such values meet combinations no
    // candidate does, whatever the key's type: do not claim anything.
    let numeric = tests.iter().any(|t| is_numeric(t.op));
    let dated = tests.iter().any(|t| is_date(t.op));
    if numeric && dated {
        return Err("a condition key is compared both as a number and as a date".to_string());
    }
    // Numbers, dates, addresses, booleans: each test is an interval (or a point), so the values
    // at and between its ends meet every combination. A request's value of a typed key is of
    // its type (docs/semantics.md, "Requests"); a key the catalog does not type may also hold
    // text that parses as nothing.
    let typed = typed_key(cat, key).is_some();
    let mut candidates: BTreeSet<String> = BTreeSet::new();
    if !typed {
        candidates.insert("x".to_string());
    }
    let mut numbers: Vec<f64> = Vec::new();
    for t in tests {
        match t.op {
            op if is_numeric(op) => numbers.extend(parse_number(&t.value)),
            op if is_date(op) => numbers.extend(parse_date(&t.value)),
            Op::IpAddress => candidates.extend(ip_candidates(&t.value)),
            Op::Bool => {
                candidates.insert("true".into());
                candidates.insert("false".into());
                // A key the catalog does not type may hold any text, and `Bool "yes"` holds
                // for the text `yes`; a typed key's values are `true` or `false` only.
                if !typed {
                    candidates.insert(t.value.clone());
                }
            }
            _ => {
                candidates.insert(t.value.clone());
            }
        }
    }
    // An address of the other family is outside every block of one family: `0.0.0.0/0` holds
    // every IPv4 address and no IPv6 one. The blocks' own ends give addresses of their family
    // only, so one address of each family is added: without it, `NotIpAddress 0.0.0.0/0` was
    // taken to hold for no request, and a proof could claim two lists alike that an IPv6
    // source tells apart.
    if tests.iter().any(|t| t.op == Op::IpAddress) {
        candidates.insert("192.0.2.1".to_string());
        candidates.insert("2001:db8::1".to_string());
    }
    numbers.sort_by(f64::total_cmp);
    numbers.dedup();
    // Each end, a value strictly between each two ends, and the values just outside the
    // first and last. Neighbours are the next representable numbers, not `n ± 1`: past 2^53
    // `n + 1.0 == n`, and `> 1e20` was then taken to hold for no request. The midpoint is
    // halved before adding so that it cannot overflow; where two ends are adjacent numbers
    // it equals one of them, and no value lies between. Past the largest finite number
    // `next_up` is infinity, which prints as text no number parses from: a candidate outside
    // a typed key's domain only adds a combination, which keeps the proof sound.
    let mut points: Vec<f64> = Vec::new();
    for (i, n) in numbers.iter().enumerate() {
        points.push(*n);
        match numbers.get(i + 1) {
            Some(next) => points.push(n / 2.0 + next / 2.0),
            None => points.push(n.next_up()),
        }
    }
    if let Some(first) = numbers.first() {
        points.push(first.next_down());
    }
    candidates.extend(points.iter().map(|p| format!("{p}")));
    let empty = Request::default();
    let mut out: Vec<(Vec<bool>, String)> = Vec::new();
    for c in candidates {
        let truth: Vec<bool> = tests
            .iter()
            .map(|t| value_match(t.op, &t.value, &c, &empty))
            .collect();
        if !out.iter().any(|(v, _)| *v == truth) {
            out.push((truth, c));
        }
    }
    Ok(out)
}

fn is_numeric(op: Op) -> bool {
    matches!(
        op,
        Op::NumericEquals
            | Op::NumericLessThan
            | Op::NumericLessThanEquals
            | Op::NumericGreaterThan
            | Op::NumericGreaterThanEquals
    )
}

fn is_date(op: Op) -> bool {
    matches!(
        op,
        Op::DateEquals
            | Op::DateLessThan
            | Op::DateLessThanEquals
            | Op::DateGreaterThan
            | Op::DateGreaterThanEquals
    )
}

/// The first and last address of a CIDR block and the addresses just outside it.
fn ip_candidates(cidr: &str) -> Vec<String> {
    // The block as the evaluator reads it: the prefix used to be parsed with its white space
    // trimmed, so `10.1.2.3/ 8` gave the ends of `10.0.0.0/8` while the evaluator matched only
    // `10.1.2.3`, and no candidate held the test.
    let Some((net, bits)) = parse_cidr(cidr) else {
        return Vec::new();
    };
    let (value, width) = match net {
        IpAddr::V4(a) => (u128::from(u32::from(a)), 32u32),
        IpAddr::V6(a) => (u128::from(a), 128u32),
    };
    let host = width - bits;
    let mask = if host >= 128 {
        u128::MAX
    } else {
        (1u128 << host) - 1
    };
    let lo = value & !mask;
    let hi = (lo | mask)
        & if width == 32 {
            u128::from(u32::MAX)
        } else {
            u128::MAX
        };
    let max = if width == 32 {
        u128::from(u32::MAX)
    } else {
        u128::MAX
    };
    let mut out = vec![lo, hi];
    if lo > 0 {
        out.push(lo - 1);
    }
    if hi < max {
        out.push(hi + 1);
    }
    out.into_iter()
        .map(|n| {
            if width == 32 {
                std::net::Ipv4Addr::from(u32::try_from(n).unwrap_or(0)).to_string()
            } else {
                std::net::Ipv6Addr::from(n).to_string()
            }
        })
        .collect()
}

/// The request a counterexample's dimension values describe.
pub fn request(cat: &Catalog, values: &[(Dim, Value)]) -> Request {
    let mut r = Request::new("iam:GetUser", "*");
    for (dim, value) in values {
        match (dim, value) {
            (Dim::Action, Value::Text(t)) => r.action = t.clone(),
            (Dim::Resource, Value::Text(t)) => r.resource = t.clone(),
            (Dim::Key(k), Value::Values(vs)) => {
                // The catalog's spelling where it has one (names are case-insensitive).
                let name = cat
                    .condition_key(k)
                    .map(|c| c.name.clone())
                    .filter(|n| !n.contains("${"))
                    .unwrap_or_else(|| k.clone());
                let v = if multivalued(cat, &name) {
                    ContextValue::Many(vs.clone())
                } else {
                    ContextValue::One(vs.first().cloned().unwrap_or_default())
                };
                r.context.insert(name, v);
            }
            _ => {}
        }
    }
    r
}

/// Every combination of values the atoms of one dimension can take together, when there are
/// few enough to list (`None` otherwise: the search then checks combinations one at a time).
pub(crate) fn vectors(cat: &Catalog, dim: &Dim, atoms: &[Atom]) -> Option<Vec<Vec<bool>>> {
    const MAX_VECTORS: usize = 2_000;
    match dim {
        Dim::Action | Dim::Resource => {
            let preds: Vec<StrPred> = atoms
                .iter()
                .map(|a| match a {
                    Atom::Action(p) => StrPred::Glob {
                        pattern: p.clone(),
                        case_insensitive: true,
                    },
                    Atom::Resource(p) => StrPred::ArnResource { pattern: p.clone() },
                    _ => StrPred::Equals {
                        value: String::new(),
                        case_insensitive: false,
                    },
                })
                .collect();
            let found = cells(&preds, BUDGET)?;
            (found.len() <= MAX_VECTORS).then(|| found.into_iter().map(|c| c.truth).collect())
        }
        Dim::Key(key) => {
            // The distinct tests, each numbered once, and each atom's tests by number: a level
            // that compares one key with hundreds of values (a principal exception per rule)
            // has hundreds of tests, atoms and cells, and looking each test up by a scan of
            // the list, for every atom of every cell, was cubic in them.
            fn number<'a>(
                numbers: &mut BTreeMap<&'a Test, usize>,
                tests: &mut Vec<Test>,
                t: &'a Test,
            ) -> usize {
                *numbers.entry(t).or_insert_with(|| {
                    tests.push(t.clone());
                    tests.len() - 1
                })
            }
            let mut tests: Vec<Test> = Vec::new();
            let mut numbers: BTreeMap<&Test, usize> = BTreeMap::new();
            enum Ix {
                Present,
                Some(usize),
                Every(Vec<usize>),
                Other,
            }
            let ixs: Vec<Ix> = atoms
                .iter()
                .map(|a| match a {
                    Atom::Present(_) => Ix::Present,
                    Atom::Some(_, t) => Ix::Some(number(&mut numbers, &mut tests, t)),
                    Atom::Every(_, ts) => Ix::Every(
                        ts.iter()
                            .map(|t| number(&mut numbers, &mut tests, t))
                            .collect(),
                    ),
                    _ => Ix::Other,
                })
                .collect();
            let elements = element_cells(cat, key, &tests).ok()?;
            // The atoms' values for a key holding these element cells (none: missing).
            let vector = |chosen: &[&Vec<bool>]| -> Vec<bool> {
                let passes = |c: &Vec<bool>, i: usize| c.get(i).copied().unwrap_or(false);
                ixs.iter()
                    .map(|ix| match ix {
                        Ix::Present => !chosen.is_empty(),
                        Ix::Some(i) => chosen.iter().any(|c| passes(c, *i)),
                        Ix::Every(is) => chosen.iter().all(|c| is.iter().any(|i| passes(c, *i))),
                        Ix::Other => false,
                    })
                    .collect()
            };
            let mut out: BTreeSet<Vec<bool>> = BTreeSet::from([vector(&[])]);
            if multivalued(cat, key) {
                // Every non-empty set of cells.
                let n = elements.len();
                if n > 11 {
                    return None;
                }
                for mask in 1u32..(1u32 << n) {
                    let chosen: Vec<&Vec<bool>> = elements
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| mask & (1 << i) != 0)
                        .map(|(_, (c, _))| c)
                        .collect();
                    out.insert(vector(&chosen));
                }
            } else {
                for (c, _) in &elements {
                    out.insert(vector(&[c]));
                }
            }
            (out.len() <= MAX_VECTORS).then(|| out.into_iter().collect())
        }
        Dim::Free(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static TEST_MEMO: std::cell::RefCell<Memo<u32, u32>> = Default::default();
    }

    /// The remembered answers stay within `MEMO_BYTES`, however few they are: each third of it
    /// here, so at most three are kept, and one larger than the whole is not kept at all.
    #[test]
    fn remembered_answers_stay_within_their_bytes() {
        let third = MEMO_BYTES / 3;
        let mut computed = 0;
        for k in 0..10u32 {
            let v = remembered(
                &TEST_MEMO,
                k % 5,
                |_, _| third,
                |k| {
                    computed += 1;
                    k * 2
                },
            );
            assert_eq!(v, (k % 5) * 2);
            TEST_MEMO.with(|m| {
                let m = m.borrow();
                assert!(m.bytes <= MEMO_BYTES && m.answers.len() <= 3, "{}", m.bytes);
            });
        }
        // Five keys in turn through three slots: each asked again after it was dropped.
        assert_eq!(computed, 10);
        // Asked twice in a row: the second is remembered.
        remembered(&TEST_MEMO, 7, |_, _| third, |_| 1);
        assert_eq!(remembered(&TEST_MEMO, 7, |_, _| third, |_| 2), 1);
        // Larger than the whole: computed each time.
        remembered(&TEST_MEMO, 8, |_, _| MEMO_BYTES + 1, |_| 1);
        assert_eq!(remembered(&TEST_MEMO, 8, |_, _| MEMO_BYTES + 1, |_| 2), 2);
    }
}
