//! The proof that the compiled JSON means what the source says: for an account (or an identity
//! policy), the reference semantics (`crate::semantics`) and IAM's evaluation of the compiled
//! documents decide every request alike.
//!
//! Both decisions are built as Boolean functions of the same atoms — the questions the
//! reference asks of a request ([`crate::semantics::logic::Atom`]: does the action match this
//! pattern, is this key present, does some value pass this test) — as ordered decision diagrams
//! ([`bdd`]). If their exclusive or is empty, they agree on every combination of atom values,
//! so on every request: proven. Otherwise each combination where they differ is checked for
//! whether a request can have it: atoms of one dimension (the action, the resource, one key)
//! constrain each other, and [`domain`] decides each dimension exactly, with string automata
//! for patterns ([`cells`]) and boundary values for numbers, dates and addresses. The first
//! combination some request has is a counterexample, built as a concrete request and checked
//! on both sides before it is reported. docs/verify.md, "Source ≡ JSON", states what is proved.

pub mod bdd;
pub mod cells;
pub mod compiled;
pub mod domain;

use std::collections::{BTreeMap, HashMap, HashSet};

use bdd::{Bdd, Node, FALSE, TRUE};
use domain::{canonical_test, dim_of, multivalued, Dim, Value};

use crate::catalog::Catalog;
use crate::ir::eval::Request;
use crate::ir::Statement;
use crate::semantics::logic::{Atom, Concrete, Logic, Test};
use crate::semantics::Meaning;
use crate::verify::Level;

/// Atoms a proof may use; beyond that it stops unproven (BDD recursion is as deep as the number
/// of atoms).
pub(crate) const MAX_ATOMS: usize = 3_000;
/// Decision-diagram nodes a proof may build.
pub(crate) const MAX_NODES: usize = 2_000_000;
/// Satisfiability questions one proof may ask while looking for a counterexample.
pub(crate) const MAX_QUESTIONS: usize = 20_000;

/// The outcome of one proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The two decide every request alike.
    Proven,
    /// They decide this request differently; `source_allows` is the reference's decision.
    Differs {
        /// The request they decide differently.
        request: Request,
        /// Whether the program's meaning (the reference) allows it.
        source_allows: bool,
    },
    /// Neither proven nor refuted, and why.
    NotProven(String),
}

/// Proves that the SCPs in force on `account`'s path (`levels`, as `govc verify` builds them
/// from the compiled documents) decide as the program's meaning does.
pub fn prove_account(meaning: &Meaning, levels: &[Level], account: &str) -> Verdict {
    prove(
        &meaning.catalog,
        &|l| meaning.decide(l, account),
        &|l| Some(compiled::levels(l, levels)),
        &|r| {
            let source = meaning.decide(&mut Concrete { request: r }, account);
            let json = compiled::levels(&mut Concrete { request: r }, levels);
            source.map(|s| (s, json))
        },
    )
}

/// Proves that the RCPs in force on `account`'s path (`levels`, RCPFullAWSAccess and the RCP
/// documents at each level, as `govc verify` builds them) let through exactly the requests the
/// program's `rcp` blocks do, for resources of that account.
pub fn prove_rcp_account(meaning: &Meaning, levels: &[Level], account: &str) -> Verdict {
    prove(
        &meaning.catalog,
        &|l| meaning.decide_rcp(l, account),
        &|l| Some(compiled::levels(l, levels)),
        &|r| {
            let source = meaning.decide_rcp(&mut Concrete { request: r }, account);
            let json = compiled::levels(&mut Concrete { request: r }, levels);
            source.map(|s| (s, json))
        },
    )
}

/// Proves that an identity policy's compiled statements decide as its `identity` block means.
pub fn prove_identity(meaning: &Meaning, statements: &[Statement], policy: &str) -> Verdict {
    prove(
        &meaning.catalog,
        &|l| meaning.decide_identity(l, policy),
        &|l| Some(compiled::statements(l, statements)),
        &|r| {
            let source = meaning.decide_identity(&mut Concrete { request: r }, policy);
            let json = compiled::statements(&mut Concrete { request: r }, statements);
            source.map(|s| (s, json))
        },
    )
}

/// A request that the layers `a` allow and the layers `b` do not (`Differs`, with
/// `source_allows` true), or `Proven` when there is none. Each side allows a request when
/// every one of its layers does (SCP levels, RCP levels: "no Deny, an Allow at every level").
/// What `govc diff` asks in both directions.
pub fn allowed_only_by_first(cat: &Catalog, a: &[&[Level]], b: &[&[Level]]) -> Verdict {
    fn side<L: Logic>(l: &mut L, layers: &[&[Level]]) -> L::B {
        let parts: Vec<L::B> = layers.iter().map(|ls| compiled::levels(l, ls)).collect();
        l.all(parts)
    }
    prove(
        cat,
        &|l| {
            let x = side(l, a);
            let y = side(l, b);
            let not_y = l.not(y);
            Some(l.and(x, not_y))
        },
        &|l| Some(l.konst(false)),
        &|r| {
            let x = side(&mut Concrete { request: r }, a);
            let y = side(&mut Concrete { request: r }, b);
            Some((x && !y, false))
        },
    )
}

/// Proves that two flat statement lists (identity-policy semantics) decide alike; `Differs`
/// reports the first list's decision as `source_allows`.
pub fn prove_statements(cat: &Catalog, a: &[Statement], b: &[Statement]) -> Verdict {
    prove(
        cat,
        &|l| Some(compiled::statements(l, a)),
        &|l| Some(compiled::statements(l, b)),
        &|r| {
            Some((
                compiled::statements(&mut Concrete { request: r }, a),
                compiled::statements(&mut Concrete { request: r }, b),
            ))
        },
    )
}

fn prove(
    cat: &Catalog,
    source: &dyn Fn(&mut Symbolic<'_>) -> Option<Node>,
    json: &dyn Fn(&mut Symbolic<'_>) -> Option<Node>,
    concrete: &dyn Fn(&Request) -> Option<(bool, bool)>,
) -> Verdict {
    // First pass: the atoms, in the order the source's statements first ask them. Each
    // statement's own tests (its action, resource and keys) then sit next to each other in the
    // diagram's variable order, so "no statement forbids" over n statements stays about n
    // nodes wide. Grouping each dimension instead (every action test, then every resource test,
    // …) is the classic bad order for a sum of products: exponential in the statements, and
    // an organization of a few hundred rules ran out of nodes on every account.
    let mut collect = Symbolic::collecting(cat);
    if source(&mut collect).is_none() {
        return Verdict::NotProven("not a target of the program".into());
    }
    json(&mut collect);
    if collect.atoms.len() > MAX_ATOMS {
        return Verdict::NotProven(format!(
            "{} distinct tests of a request, more than the {MAX_ATOMS} the proof handles",
            collect.atoms.len()
        ));
    }
    // Only the combinations some request has matter (the difference is restricted to them
    // below). Listing them costs string automata over the patterns of each dimension, so a
    // first attempt goes without, on a thousandth of the node budget (2,000 nodes): enough
    // for a level of a few SCPs, and cheap to give up on. A larger first budget was measured
    // to cost more than it saves: on a level of about 40 rules the unrestricted diagrams
    // grow to 80,000 nodes and more (often past 200,000) where the restricted ones stay near
    // 14,000, so `govc verify` spent most of its time on first attempts that were then
    // thrown away (docs/benchmarks.md, "Scaling"). When that runs out, both
    // sides are built again restricted to them, which keeps impossible combinations (a
    // principal equal to two ARNs, a resource matching two disjoint model patterns) from
    // multiplying the diagram: first those of every dimension but the resource (whose many
    // ARN patterns make the automata the dearest), then, if that runs out too, of all. A
    // restricted function agrees with the unrestricted one on every such combination, so the
    // difference found there is the same.
    let attempt = |care: Care, limit: usize| {
        let mut sym = Symbolic::building(cat, collect.atoms.clone(), limit);
        match care {
            Care::None => {}
            Care::ButResource => {
                let resource: HashSet<u32> = sym
                    .order
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| dim_of(a) == Dim::Resource)
                    .map(|(v, _)| v as u32)
                    .collect();
                sym.cares = sym.possible_dims_within(&|v| !resource.contains(&v));
            }
            Care::All => sym.cares = sym.possible_dims_within(&|_| true),
        }
        let s = source(&mut sym)?;
        let j = json(&mut sym)?;
        let mut diff = sym.bdd.xor(s, j);
        if diff != FALSE {
            // Keep only the combinations some request has, for every dimension whose
            // combinations are few enough to list (the search checks the others one by one).
            // Restricted to them first, the difference is usually empty already, or small
            // enough to intersect with them exactly.
            if care == Care::All && sym.order.len() == collect.atoms.len() {
                let care = sym.bdd.and_all(&sym.cares);
                let d = sym.bdd.restrict(diff, care);
                diff = sym.bdd.and(d, care);
            } else {
                // Only the atoms the difference tests: the combinations of their values some
                // request has are the others' projection, and the difference depends on
                // nothing else. The cheap dimensions first; the resource's patterns only if
                // the difference still tests them then.
                for resource in [false, true] {
                    let tested = sym.bdd.support(diff);
                    let is_resource: Vec<bool> = sym
                        .order
                        .iter()
                        .map(|a| dim_of(a) == Dim::Resource)
                        .collect();
                    let pick = |v: u32| {
                        tested(v) && is_resource.get(v as usize).copied() == Some(resource)
                    };
                    let possible = sym.possible_within(&pick);
                    let d = sym.bdd.restrict(diff, possible);
                    diff = sym.bdd.and(d, possible);
                    if diff == FALSE {
                        break;
                    }
                }
            }
        }
        Some((sym, diff))
    };
    let mut built = None;
    for (care, limit) in [
        (Care::None, MAX_NODES / 1000),
        (Care::ButResource, MAX_NODES / 4),
        (Care::All, MAX_NODES),
    ] {
        // The previous attempt's tables go first: two large ones need not be held at once.
        drop(built.take());
        built = attempt(care, limit);
        if !built.as_ref().is_some_and(|(sym, _)| sym.bdd.overflow) {
            break;
        }
    }
    let Some((sym, diff)) = built else {
        return Verdict::NotProven("not a target of the program".into());
    };
    if sym.bdd.overflow {
        return Verdict::NotProven(format!(
            "the decisions need more than {MAX_NODES} diagram nodes"
        ));
    }
    if diff == FALSE {
        return Verdict::Proven;
    }
    let mut search = Search {
        sym: &sym,
        constraints: BTreeMap::new(),
        cache: HashMap::new(),
        questions: 0,
        spurious: 0,
        concrete,
    };
    match search.walk(diff) {
        Ok(Some(v)) => v,
        Ok(None) if search.spurious > 0 => Verdict::NotProven(format!(
            "{} combinations where the two differ depend on policy variables, which the proof does not follow, and none reproduced on a concrete request",
            search.spurious
        )),
        Ok(None) => Verdict::Proven,
        Err(why) => Verdict::NotProven(why),
    }
}

/// Which combinations of atom values the diagrams are restricted to while they are built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Care {
    /// None: every combination.
    None,
    /// Those some request has, in every dimension but the resource.
    ButResource,
    /// Those some request has.
    All,
}

/// The symbolic instance of [`Logic`]: a decision diagram over numbered atoms (or, in the first
/// pass, just the set of atoms).
pub struct Symbolic<'c> {
    cat: &'c Catalog,
    bdd: Bdd,
    vars: HashMap<Atom, u32>,
    order: Vec<Atom>,
    collecting: bool,
    /// The atoms met while collecting, in the order first met (`seen` holds the same).
    atoms: Vec<Atom>,
    seen: HashSet<Atom>,
    /// The combinations of atom values some request has (as far as [`domain::vectors`] lists
    /// them), one conjunct per dimension: every conjunction and disjunction is restricted to
    /// them, which keeps impossible combinations (a resource matching two disjoint model
    /// patterns, a principal equal to two ARNs) from multiplying the diagram. Kept apart
    /// rather than as their conjunction: a dimension's atoms are spread over the whole
    /// variable order (each statement asks its own), and the conjunction of dimensions whose
    /// variables interleave grows with the product of their widths (about 12,000 nodes for a
    /// level of 40 rules, against about 1,200 for the conjuncts together). Restricting by each
    /// in turn agrees with the function wherever all of them hold, which is all a restriction
    /// must do.
    cares: Vec<Node>,
}

impl<'c> Symbolic<'c> {
    fn collecting(cat: &'c Catalog) -> Symbolic<'c> {
        Symbolic {
            cat,
            bdd: Bdd::new(MAX_NODES),
            vars: HashMap::new(),
            order: Vec::new(),
            collecting: true,
            atoms: Vec::new(),
            seen: HashSet::new(),
            cares: Vec::new(),
        }
    }

    fn building(cat: &'c Catalog, order: Vec<Atom>, limit: usize) -> Symbolic<'c> {
        let vars = order
            .iter()
            .enumerate()
            .map(|(i, a)| (a.clone(), i as u32))
            .collect();
        Symbolic {
            cat,
            bdd: Bdd::new(limit),
            vars,
            order,
            collecting: false,
            atoms: Vec::new(),
            seen: HashSet::new(),
            cares: Vec::new(),
        }
    }

    /// The combinations of values the atoms `wanted` selects can take together, the other
    /// atoms left free (for a function that tests only these, the question of which
    /// combinations some request has, with far fewer patterns for the automata): per
    /// dimension, the disjunction of the vectors [`domain::vectors`] lists (a dimension it
    /// cannot list is left free).
    fn possible_within(&mut self, wanted: &dyn Fn(u32) -> bool) -> Node {
        let dims = self.possible_dims_within(wanted);
        self.bdd.and_all(&dims)
    }

    /// `n` restricted to the combinations of [`Symbolic::cares`], one dimension after the other.
    fn restricted(&mut self, mut n: Node) -> Node {
        for &care in &self.cares {
            n = self.bdd.restrict(n, care);
        }
        n
    }

    /// [`Symbolic::possible_within`] per dimension: its conjuncts, each over one dimension's
    /// variables (or `[FALSE]` when some dimension has no possible combination).
    fn possible_dims_within(&mut self, wanted: &dyn Fn(u32) -> bool) -> Vec<Node> {
        let mut dims: BTreeMap<Dim, Vec<(u32, Atom)>> = BTreeMap::new();
        for (v, a) in self.order.iter().enumerate() {
            if wanted(v as u32) {
                dims.entry(dim_of(a))
                    .or_default()
                    .push((v as u32, a.clone()));
            }
        }
        let mut all = Vec::new();
        for (dim, atoms) in &dims {
            let plain: Vec<Atom> = atoms.iter().map(|(_, a)| a.clone()).collect();
            let Some(vectors) = domain::vectors(self.cat, dim, &plain) else {
                continue;
            };
            let vars: Vec<u32> = atoms.iter().map(|(v, _)| *v).collect();
            let valid = self.bdd.cubes(&vars, vectors);
            if valid == FALSE {
                return vec![FALSE];
            }
            if valid != TRUE {
                all.push(valid);
            }
        }
        all
    }

    /// `Some(k, t)`: a comparison that holds exactly where a single-valued, typed key is
    /// present and the opposite comparison does not (`v ≥ n` is `¬(v < n)` for a number `v`)
    /// is written that way, so the source's `unless { k < n }` and the JSON's
    /// `NumericGreaterThanEqualsIfExists` ask one question, not two the diagram must relate.
    fn some(&mut self, key: String, t: Test) -> Node {
        let t = canonical_test(&t);
        if let Some(opposite) = domain::opposite(self.cat, &key, &t) {
            let present = self.raw(Atom::Present(key.clone()));
            let other = self.raw(Atom::Some(key, opposite));
            let not_other = self.not(other);
            return self.and(present, not_other);
        }
        self.raw(Atom::Some(key, t))
    }

    /// An atom as a variable (atoms met only now go last).
    fn raw(&mut self, a: Atom) -> Node {
        if self.collecting {
            if self.seen.insert(a.clone()) {
                self.atoms.push(a);
            }
            return TRUE;
        }
        let v = match self.vars.get(&a) {
            Some(&v) => v,
            None => {
                let v = self.order.len() as u32;
                self.vars.insert(a.clone(), v);
                self.order.push(a);
                v
            }
        };
        self.bdd.var(v)
    }

    fn atom_of(&self, var: u32) -> Option<&Atom> {
        self.order.get(var as usize)
    }
}

impl Logic for Symbolic<'_> {
    type B = Node;
    fn konst(&mut self, b: bool) -> Node {
        if b {
            TRUE
        } else {
            FALSE
        }
    }

    /// Atoms in one canonical spelling, so that tests IAM evaluates alike are one variable:
    /// `ArnEquals` is `ArnLike`, a pattern without wildcards is an equality, an action pattern
    /// is compared in lower case, and "every value passes" of a single-valued key is "missing,
    /// or its value passes".
    fn atom(&mut self, a: Atom) -> Node {
        match a {
            // `*` matches every action, every resource, every value.
            Atom::Action(p) | Atom::Resource(p) if p == "*" => TRUE,
            Atom::Some(k, t)
                if t.value == "*"
                    && matches!(
                        t.op,
                        crate::ir::Op::StringLike
                            | crate::ir::Op::ArnLike
                            | crate::ir::Op::ArnEquals
                    ) =>
            {
                self.raw(Atom::Present(k.to_ascii_lowercase()))
            }
            Atom::Action(p) => self.raw(Atom::Action(p.to_lowercase())),
            Atom::Some(k, t) => self.some(k.to_ascii_lowercase(), t),
            Atom::Present(k) => self.raw(Atom::Present(k.to_ascii_lowercase())),
            Atom::Every(k, ts) if !multivalued(self.cat, &k) => {
                let present = self.raw(Atom::Present(k.to_ascii_lowercase()));
                let mut acc = self.not(present);
                for t in ts {
                    let s = self.some(k.to_ascii_lowercase(), t);
                    acc = self.or(acc, s);
                }
                acc
            }
            Atom::Every(k, ts) => {
                let mut ts: Vec<_> = ts.iter().map(canonical_test).collect();
                ts.sort();
                ts.dedup();
                self.raw(Atom::Every(k.to_ascii_lowercase(), ts))
            }
            other => self.raw(other),
        }
    }

    fn not(&mut self, a: Node) -> Node {
        if self.collecting {
            return TRUE;
        }
        // Not restricted: a negation has as many nodes as its operand, so restricting it again
        // would only cost a walk over it.
        self.bdd.not(a)
    }
    fn and(&mut self, a: Node, b: Node) -> Node {
        if self.collecting {
            return TRUE;
        }
        let n = self.bdd.and(a, b);
        self.restricted(n)
    }
    fn or(&mut self, a: Node, b: Node) -> Node {
        if self.collecting {
            return TRUE;
        }
        let n = self.bdd.or(a, b);
        self.restricted(n)
    }
}

/// One dimension's atom values, as asked of [`domain::solve`].
type Question = (Dim, Vec<(Atom, bool)>);

/// The walk over the paths of the difference diagram, keeping each dimension's atom values
/// possible.
struct Search<'a> {
    sym: &'a Symbolic<'a>,
    constraints: BTreeMap<Dim, Vec<(Atom, bool)>>,
    cache: HashMap<Question, Option<Value>>,
    questions: usize,
    spurious: usize,
    concrete: &'a dyn Fn(&Request) -> Option<(bool, bool)>,
}

impl Search<'_> {
    /// The value of a dimension under its current constraints; `None` if it has none.
    fn solve(&mut self, dim: &Dim) -> Result<Option<Value>, String> {
        let mut lits = self.constraints.get(dim).cloned().unwrap_or_default();
        lits.sort();
        let key = (dim.clone(), lits);
        if let Some(v) = self.cache.get(&key) {
            return Ok(v.clone());
        }
        self.questions += 1;
        if self.questions > MAX_QUESTIONS {
            return Err(format!(
                "the decisions differ in too many combinations to check (more than {MAX_QUESTIONS})"
            ));
        }
        let v = domain::solve(self.sym.cat, dim, &key.1)?;
        self.cache.insert(key, v.clone());
        Ok(v)
    }

    /// Depth-first over the paths to TRUE; `Ok(Some)` stops at a counterexample.
    fn walk(&mut self, node: Node) -> Result<Option<Verdict>, String> {
        if node == FALSE {
            return Ok(None);
        }
        if node == TRUE {
            return self.witness();
        }
        let (var, lo, hi) = self.sym.bdd.split(node);
        let Some(atom) = self.sym.atom_of(var).cloned() else {
            return Ok(None);
        };
        let dim = dim_of(&atom);
        for (child, value) in [(lo, false), (hi, true)] {
            if child == FALSE {
                continue;
            }
            self.constraints
                .entry(dim.clone())
                .or_default()
                .push((atom.clone(), value));
            let possible = self.solve(&dim)?.is_some();
            let found = if possible { self.walk(child)? } else { None };
            if let Some(lits) = self.constraints.get_mut(&dim) {
                lits.pop();
            }
            if found.is_some() {
                return Ok(found);
            }
        }
        Ok(None)
    }

    /// The witness with a catalog action and an example ARN where the search's own values are
    /// placeholders (`BEDROCK-MANTLE:`, `""`), kept only if the two sides still decide it as
    /// they decide the witness.
    fn readable(&self, request: Request, decided: (bool, bool)) -> Request {
        let mut better = request.clone();
        let lits = |d: &Dim| self.constraints.get(d).cloned().unwrap_or_default();
        if let Some(a) = domain::readable(
            self.sym.cat,
            &Dim::Action,
            &lits(&Dim::Action),
            &better.action,
            "",
        ) {
            better.action = a;
        }
        if let Some(r) = domain::readable(
            self.sym.cat,
            &Dim::Resource,
            &lits(&Dim::Resource),
            &better.resource,
            &better.action,
        ) {
            better.resource = r;
        }
        if better != request && (self.concrete)(&better) == Some(decided) {
            better
        } else {
            request
        }
    }

    /// The request of the current path, if the two sides really decide it differently.
    fn witness(&mut self) -> Result<Option<Verdict>, String> {
        let dims: Vec<Dim> = self.constraints.keys().cloned().collect();
        let mut values = Vec::new();
        for d in dims {
            if let Some(v) = self.solve(&d)? {
                values.push((d, v));
            }
        }
        let request = domain::request(self.sym.cat, &values);
        match (self.concrete)(&request) {
            Some((source, json)) if source != json => Ok(Some(Verdict::Differs {
                request: self.readable(request, (source, json)),
                source_allows: source,
            })),
            _ => {
                // Only a free atom (a policy variable) can make a combination that no request
                // has; keep looking.
                self.spurious += 1;
                Ok(None)
            }
        }
    }
}

/// What decides at one level, in the source ([`Meaning::level_key`]) and in the JSON
/// ([`crate::verify::Levels::key`]).
type LevelKey = (bool, Vec<String>, Vec<usize>);
type JsonKey = (bool, Vec<String>, Vec<String>);

/// Whether the documents in force at `target` (`level`) forbid and allow exactly the
/// requests its source policies do.
fn prove_level(meaning: &Meaning, level: &Level, target: &str) -> bool {
    let side = |forbidden: bool| {
        let pick = move |pair: (Node, Node)| if forbidden { pair.0 } else { pair.1 };
        prove(
            &meaning.catalog,
            &|l| Some(pick(meaning.level(l, target))),
            &|l| Some(pick(compiled::level(l, level))),
            &|r| {
                let c = |pair: (bool, bool)| if forbidden { pair.0 } else { pair.1 };
                let source = c(meaning.level(&mut Concrete { request: r }, target));
                let json = c(compiled::level(&mut Concrete { request: r }, level));
                Some((source, json))
            },
        )
    };
    side(true) == Verdict::Proven && side(false) == Verdict::Proven
}

/// The distinct levels of the organization: each target's level is named by a number shared
/// by every target whose source policies, controls and FullAWSAccess
/// ([`Meaning::level_key`]) and whose documents, controls and FullAWSAccess
/// ([`crate::verify::Levels::key`]) are the same. A target's keys are computed once, however
/// many accounts' paths pass it.
#[derive(Default)]
struct DistinctLevels {
    ids: HashMap<(LevelKey, JsonKey), usize>,
    of_target: HashMap<String, usize>,
    /// Per level, whether it was proven (once asked).
    proven: Vec<Option<bool>>,
}

impl DistinctLevels {
    fn id(&mut self, meaning: &Meaning, index: &crate::verify::Levels<'_>, target: &str) -> usize {
        if let Some(&id) = self.of_target.get(target) {
            return id;
        }
        let key = (meaning.level_key(target), index.key(target));
        let next = self.ids.len();
        let id = *self.ids.entry(key).or_insert(next);
        if id == next {
            self.proven.push(None);
        }
        self.of_target.insert(target.to_string(), id);
        id
    }
}

/// An account's path as its levels' numbers, on either side of the proof. Accounts with the
/// same key pose the same proof question (nothing else in it depends on the account).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct PathKey {
    source: Vec<usize>,
    json: Vec<usize>,
}

/// What one proof was about, and its outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceProof {
    /// `account NAME` or `identity policy NAME`.
    pub subject: String,
    /// The outcome: proven, a request decided differently, or not proven and why.
    pub verdict: Verdict,
}

/// Proves source ≡ JSON for every account of the organization (the SCPs on its path, controls
/// and FullAWSAccess included) and every identity policy, against the documents `output` holds.
pub fn prove_program(
    program: &crate::rules::Program,
    meaning: &Meaning,
    output: &crate::compile::Output,
) -> Vec<SourceProof> {
    // Over the actions the catalog knows: a `--compress-actions` pattern also denies actions
    // AWS adds later, by design (docs/verify.md).
    let exact = output.exact();
    let output = &*exact;
    let index = crate::verify::Levels::new(program, output);
    // First level by level: an account's decision is "no level forbids, every level allows"
    // on both sides (`Meaning::decide`, `compiled::levels`), so when each level of its path
    // forbids and allows exactly as its source does, the account is proven without a proof
    // of its whole path. Levels repeat (every account under an OU shares the OU's), so each
    // distinct level is proved once: the work grows with the policies, not with accounts ×
    // rules.
    let mut levels = DistinctLevels::default();
    // Where a level differs (a difference another level may hide), the whole path; accounts
    // whose paths hold the same policies, level by level, pose the same question, so each
    // distinct path is proved once.
    let mut path_proven: HashMap<PathKey, Verdict> = HashMap::new();
    let mut out = Vec::new();
    for t in &program.org.targets {
        if t.kind != crate::rules::TargetKind::Account {
            continue;
        }
        let (Some(source), Some(json)) =
            (meaning.path(&t.name), crate::verify::path(program, &t.name))
        else {
            continue;
        };
        let key = PathKey {
            source: source
                .iter()
                .map(|t| levels.id(meaning, &index, t))
                .collect(),
            json: json.iter().map(|t| levels.id(meaning, &index, t)).collect(),
        };
        let by_level = source == json
            && source.iter().zip(&key.source).all(|(target, &id)| {
                match levels.proven.get(id).copied().flatten() {
                    Some(proven) => proven,
                    None => {
                        let proven = prove_level(meaning, &index.level(target.clone()), target);
                        if let Some(slot) = levels.proven.get_mut(id) {
                            *slot = Some(proven);
                        }
                        proven
                    }
                }
            });
        let verdict = if by_level {
            Verdict::Proven
        } else if let Some(v) = path_proven.get(&key) {
            v.clone()
        } else {
            let Some(path_levels) = index.of(&t.name) else {
                continue;
            };
            let v = prove_account(meaning, &path_levels, &t.name);
            path_proven.insert(key, v.clone());
            v
        };
        out.push(SourceProof {
            subject: format!("account {}", t.name),
            verdict,
        });
    }
    if !meaning.rcps.is_empty() {
        out.extend(prove_rcps(program, meaning, &index));
    }
    for name in meaning.identities.keys() {
        let statements: Vec<Statement> = output
            .documents
            .iter()
            .filter(|d| d.kind == crate::document::DocKind::IamPolicy && d.policies.contains(name))
            .flat_map(|d| d.statements.iter().cloned())
            .collect();
        out.push(SourceProof {
            subject: format!("identity policy {name}"),
            verdict: prove_identity(meaning, &statements, name),
        });
    }
    out
}

/// Proves, for every account, that the RCP documents on its path (with RCPFullAWSAccess at
/// every level) forbid exactly the requests its `rcp` blocks do: level by level, each distinct
/// level once, and the whole path where a level is not proven.
fn prove_rcps(
    program: &crate::rules::Program,
    meaning: &Meaning,
    index: &crate::verify::Levels<'_>,
) -> Vec<SourceProof> {
    let mut proven: HashMap<(Vec<&str>, Vec<String>), bool> = HashMap::new();
    let mut out = Vec::new();
    for t in &program.org.targets {
        if t.kind != crate::rules::TargetKind::Account {
            continue;
        }
        let (Some(source), Some(json)) =
            (meaning.path(&t.name), crate::verify::path(program, &t.name))
        else {
            continue;
        };
        let by_level = source == json
            && source.iter().all(|target| {
                let key = (meaning.rcps_at(target), index.rcp_key(target));
                *proven.entry(key).or_insert_with(|| {
                    let level = index.rcp_level(target.clone());
                    prove(
                        &meaning.catalog,
                        &|l| Some(meaning.rcp_level(l, target)),
                        &|l| Some(compiled::level(l, &level).0),
                        &|r| {
                            let source = meaning.rcp_level(&mut Concrete { request: r }, target);
                            let json = compiled::level(&mut Concrete { request: r }, &level).0;
                            Some((source, json))
                        },
                    ) == Verdict::Proven
                })
            });
        let verdict = if by_level {
            Verdict::Proven
        } else {
            let Some(levels) = index.rcp_of(&t.name) else {
                continue;
            };
            prove_rcp_account(meaning, &levels, &t.name)
        };
        out.push(SourceProof {
            subject: format!("the RCPs of account {}", t.name),
            verdict,
        });
    }
    out
}

/// A request in one line, for reports.
pub fn describe_request(r: &Request) -> String {
    let mut s = format!("{} on \"{}\"", r.action, r.resource);
    if !r.context.is_empty() {
        let kv: Vec<String> = r
            .context
            .iter()
            .map(|(k, v)| match v {
                crate::ir::eval::ContextValue::One(x) => format!("\"{k}\": \"{x}\""),
                crate::ir::eval::ContextValue::Many(xs) => {
                    let items: Vec<String> = xs.iter().map(|x| format!("\"{x}\"")).collect();
                    format!("\"{k}\": [{}]", items.join(", "))
                }
            })
            .collect();
        s.push_str(&format!(" with {{ {} }}", kv.join(", ")));
    }
    s
}

/// The lines a failed proof reports; none for a proven one.
pub fn describe(p: &SourceProof) -> Option<String> {
    match &p.verdict {
        Verdict::Proven => None,
        Verdict::Differs {
            request,
            source_allows,
        } => Some(format!(
            "source ≡ JSON FAILED for {}: the source {} and the compiled JSON {} this request\n  counterexample: {}",
            p.subject,
            if *source_allows { "allows" } else { "denies" },
            if *source_allows { "denies" } else { "allows" },
            describe_request(request)
        )),
        Verdict::NotProven(why) => Some(format!(
            "source ≡ JSON NOT PROVEN for {}: {why}",
            p.subject
        )),
    }
}

/// The human report's section.
pub fn report_human(proofs: &[SourceProof]) -> String {
    let mut s = String::new();
    for p in proofs {
        if let Some(d) = describe(p) {
            s.push_str(&d);
            s.push('\n');
        }
    }
    let proven = proofs
        .iter()
        .filter(|p| p.verdict == Verdict::Proven)
        .count();
    s.push_str(&format!(
        "source ≡ JSON: {proven} of {} proven to decide every request as the program means (docs/semantics.md)\n",
        proofs.len()
    ));
    s
}
