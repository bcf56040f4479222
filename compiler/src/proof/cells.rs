//! The cells of a list of string predicates: every combination of truth values that some string
//! realises, each with a witness string.
//!
//! Each predicate is a Thompson NFA whose positions are pattern tokens — a literal character,
//! `?` (one character), `*` (a loop) — built with the evaluator's own tokenisation and special
//! cases, so a witness is judged as [`crate::ir::eval`] judges a request. The product of the NFAs
//! is explored breadth-first from the tuple of their start sets; every product state reached is
//! realised by its BFS path, and the accepting flags of its components are one cell. An NFA whose
//! set becomes empty stays dead, and one whose set reaches its trailing colon-crossing stars
//! accepts for good; both are kept canonical, which keeps the product small.
//!
//! From a product state only a few characters need trying: those some live literal token accepts,
//! `:` when a live wildcard may not consume it (ARN segments), and one *fresh* character no
//! literal accepts. Any other character is accepted by exactly the live wildcards, like the
//! fresh one, so it leads to the same state; by induction on the string, every string's state is
//! reached (completeness).
//!
//! Alphabet assumption (case folding): a case-insensitive literal accepts a character with the
//! same `char::to_lowercase`; the characters tried for it are the pattern characters and their
//! one-character lower/upper-case forms. So the cells are complete for every string when no
//! predicate is case-insensitive, and otherwise for every string whose characters outside the
//! patterns are not case-equivalent to a pattern character — every ASCII string among them.
//! Outside the claim: characters case-equivalent to a pattern character without being its
//! upper/lower-case form (the Kelvin sign `K` for `k`, the Ohm sign for `ω`, title-case digraphs),
//! and `StringEqualsIgnoreCase` on `Σ` or `İ`, which `str::to_lowercase` maps by context or to
//! two characters while the NFA compares character by character. Soundness holds for every
//! input: the NFAs agree with the evaluator on every string except in that last case, and there
//! the evaluator re-judges each witness.
//!
//! Cost: the answer itself can be exponential. In a `Resource` pattern a `*` ending the region
//! segment crosses colons, so one string can carry several `::foundation-model/…` tails, and
//! `arn:aws:bedrock:*::foundation-model/M*` for k models has up to 2^k cells; the budget is what
//! bounds the work (a few to ~20 µs per product state in a debug build).

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::glob::{glob_match, is_glob};
use crate::ir::eval::{arn_condition_match, arn_match, arn_tokens, base_match, ArnRule, ArnTok};
use crate::ir::vars::PChar;
use crate::ir::Op;

/// A test of one string, exactly as govc's IAM evaluator (`crate::ir::eval`) applies it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StrPred {
    /// IAM wildcard match of the whole string: `*` any run of characters (also none), `?` exactly one
    /// character, everything else itself. `case_insensitive` for action names (`crate::glob::glob_match(p, s, true)`),
    /// case-sensitive for `StringLike` (`glob_match(p, s, false)`).
    Glob {
        /// The wildcard pattern.
        pattern: String,
        /// Whether letters compare by their lower-case mapping.
        case_insensitive: bool,
    },
    /// Exact equality (`StringEquals`; with `case_insensitive`, `StringEqualsIgnoreCase`, which the evaluator
    /// implements as `to_lowercase` equality).
    Equals {
        /// The value compared with.
        value: String,
        /// Whether both sides are lower-cased first.
        case_insensitive: bool,
    },
    /// The `Resource` element's ARN matching: `crate::ir::eval::arn_match(pattern, s)`.
    ArnResource {
        /// The `Resource` pattern.
        pattern: String,
    },
    /// The `ArnLike`/`ArnEquals` condition operators' matching: `crate::ir::eval::arn_condition_match(pattern, s)`.
    ArnCondition {
        /// The condition value.
        pattern: String,
    },
}

impl StrPred {
    /// The pattern or value it compares with.
    pub fn text(&self) -> &str {
        match self {
            StrPred::Glob { pattern, .. }
            | StrPred::ArnResource { pattern }
            | StrPred::ArnCondition { pattern } => pattern,
            StrPred::Equals { value, .. } => value,
        }
    }

    /// Whether `s` passes the test, decided by the evaluator's own functions.
    pub fn matches(&self, s: &str) -> bool {
        match self {
            StrPred::Glob {
                pattern,
                case_insensitive,
            } => glob_match(pattern, s, *case_insensitive),
            StrPred::Equals {
                value,
                case_insensitive: false,
            } => base_match(Op::StringEquals, value, s),
            StrPred::Equals {
                value,
                case_insensitive: true,
            } => base_match(Op::StringEqualsIgnoreCase, value, s),
            StrPred::ArnResource { pattern } => arn_match(pattern, s),
            StrPred::ArnCondition { pattern } => arn_condition_match(pattern, s),
        }
    }
}

/// One realisable combination of truth values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// `truth[i]` is whether the witness satisfies the `i`-th predicate.
    pub truth: Vec<bool>,
    /// A string with exactly these truth values.
    pub witness: String,
}

/// Every vector of truth values (one per predicate, in order) that some string takes, each once, with a
/// witness string that realises it; in a deterministic order. `None` when the search would visit more than
/// `budget` product states, or hold more than [`MAX_WORDS`] words of them (so callers can fall
/// back instead of hanging or exhausting memory).
///
/// The order is breadth-first: cells with shorter witnesses first, the first cell being the empty
/// string's; each witness is a shortest string of its product state. Completeness is subject to
/// the case-folding assumption in the module docs. (Also `None` if the patterns' literals used up
/// every candidate for the fresh character — ten ASCII marks and 6,400 private-use characters.)
pub fn cells(preds: &[StrPred], budget: usize) -> Option<Vec<Cell>> {
    let found = explore(preds, budget, MAX_WORDS)?;
    // The NFAs decide as the evaluator does, except `StringEqualsIgnoreCase` on the two
    // characters whose lower case is not one context-free character (module docs): the
    // evaluator re-judges those, which keeps every cell sound.
    let recheck: Vec<usize> = preds
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            matches!(
                p,
                StrPred::Equals {
                    case_insensitive: true,
                    ..
                }
            )
        })
        .map(|(i, _)| i)
        .collect();
    if recheck.is_empty() {
        return Some(found);
    }
    let mut seen = HashSet::new();
    Some(
        found
            .into_iter()
            .filter_map(|mut cell| {
                for &i in &recheck {
                    if let (Some(t), Some(p)) = (cell.truth.get_mut(i), preds.get(i)) {
                        *t = p.matches(&cell.witness);
                    }
                }
                seen.insert(cell.truth.clone()).then_some(cell)
            })
            .collect(),
    )
}

/// One pattern token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    /// One character equal to `c` (with `fold`, of the same lower-case mapping).
    Lit { c: char, fold: bool },
    /// Any one character; `:` only when `crosses_colon`.
    Any { crosses_colon: bool },
    /// Any run of characters; `:` only when `crosses_colon`.
    Star { crosses_colon: bool },
}

impl Tok {
    fn is_star(&self) -> bool {
        matches!(self, Tok::Star { .. })
    }

    /// As `glob_match` compares characters (its ASCII fast path agrees with `to_lowercase`) and
    /// as `ArnTok::accepts` does.
    fn accepts(&self, t: char) -> bool {
        match *self {
            Tok::Lit { c, fold } => {
                c == t
                    || (fold
                        && if c.is_ascii() && t.is_ascii() {
                            // The hot path (action names): what `to_lowercase` gives on ASCII.
                            c.eq_ignore_ascii_case(&t)
                        } else {
                            c.to_lowercase().eq(t.to_lowercase())
                        })
            }
            Tok::Any { crosses_colon } | Tok::Star { crosses_colon } => crosses_colon || t != ':',
        }
    }
}

/// The tokens of one predicate: the evaluator's, special cases included.
fn tokens(pred: &StrPred) -> Vec<Tok> {
    let lits = |s: &str, fold: bool| s.chars().map(|c| Tok::Lit { c, fold }).collect();
    match pred {
        StrPred::Glob {
            pattern,
            case_insensitive,
        } => pattern
            .chars()
            .map(|c| match c {
                '*' => Tok::Star {
                    crosses_colon: true,
                },
                '?' => Tok::Any {
                    crosses_colon: true,
                },
                c => Tok::Lit {
                    c,
                    fold: *case_insensitive,
                },
            })
            .collect(),
        StrPred::Equals {
            value,
            case_insensitive,
        } => lits(value, *case_insensitive),
        StrPred::ArnResource { pattern } | StrPred::ArnCondition { pattern } if pattern == "*" => {
            // `arn_match_by`: `*` alone matches everything, colons included, under both rules.
            vec![Tok::Star {
                crosses_colon: true,
            }]
        }
        // `arn_match_by`: without wildcards, plain equality (no segment rules).
        StrPred::ArnResource { pattern } | StrPred::ArnCondition { pattern }
            if !is_glob(pattern) =>
        {
            lits(pattern, false)
        }
        StrPred::ArnResource { pattern } => arn(pattern, ArnRule::Resource),
        StrPred::ArnCondition { pattern } => arn(pattern, ArnRule::Condition),
    }
}

/// An ARN pattern with wildcards, tokenised by the evaluator (`arn_match_by`'s prefix/suffix
/// test is only a shortcut: it rejects nothing the NFA accepts).
fn arn(pattern: &str, rule: ArnRule) -> Vec<Tok> {
    let plain: Vec<PChar> = pattern
        .chars()
        .map(|c| PChar { c, literal: false })
        .collect();
    arn_tokens(&plain, rule)
        .into_iter()
        .map(|t| match t {
            ArnTok::Lit(c) => Tok::Lit { c, fold: false },
            ArnTok::Any { crosses_colon } => Tok::Any { crosses_colon },
            ArnTok::Star { crosses_colon } => Tok::Star { crosses_colon },
        })
        .collect()
}

/// `c` with its one-character lower- and upper-case forms (and the upper case of its lower case,
/// which is how an ASCII capital is reached from a capital-free pattern of another case).
fn case_variants(c: char) -> impl Iterator<Item = char> {
    fn single(mut it: impl Iterator<Item = char>) -> Option<char> {
        let c = it.next()?;
        it.next().is_none().then_some(c)
    }
    let lower = single(c.to_lowercase());
    let upper = single(c.to_uppercase());
    let upper_of_lower = lower.and_then(|l| single(l.to_uppercase()));
    [Some(c), lower, upper, upper_of_lower]
        .into_iter()
        .flatten()
}

/// One predicate's NFA, its position sets as bitsets: position `p` is "before token `p`",
/// position `len` (the number of tokens) accepts.
struct Nfa {
    len: usize,
    /// How many words a set takes.
    words: usize,
    /// Per alphabet index, `words` words each: the positions whose token reads that character
    /// and moves on (`adv`) or, a star, stays (`stay`).
    adv: Vec<u64>,
    stay: Vec<u64>,
    /// The star positions (a star may match nothing, so the position after it is live too).
    star: Vec<u64>,
    /// The positions from which only colon-crossing stars remain, when there are such stars: a
    /// set reaching one accepts every continuation, so it is replaced by this canonical one.
    /// Without this, a pattern like `arn:aws:s3:::b/*` would go on tracking, after matching,
    /// where its literal part might match again — states that differ but never in truth.
    tail: Vec<u64>,
    /// Per position, the alphabet indices worth trying there: the characters its literal token
    /// accepts, `:` for a wildcard that does not cross colons.
    hits: Vec<Vec<usize>>,
}

fn bit(words: &mut [u64], p: usize) {
    if let Some(w) = words.get_mut(p / 64) {
        *w |= 1 << (p % 64);
    }
}

fn has_bit(words: &[u64], p: usize) -> bool {
    words.get(p / 64).is_some_and(|w| w & (1 << (p % 64)) != 0)
}

impl Nfa {
    fn new(toks: &[Tok], alphabet: &[char]) -> Nfa {
        let len = toks.len();
        let words = len / 64 + 1;
        let mut adv = vec![0; words * alphabet.len()];
        let mut stay = vec![0; words * alphabet.len()];
        let mut star = vec![0; words];
        let mut hits = vec![Vec::new(); len];
        let colon = alphabet.binary_search(&':').ok();
        for ((p, tok), hits) in toks.iter().enumerate().zip(&mut hits) {
            // The alphabet indices the token reads.
            let reads: Vec<usize> = match *tok {
                Tok::Lit { c, fold: false } => {
                    alphabet.binary_search(&c).ok().into_iter().collect()
                }
                Tok::Lit { fold: true, .. } => (0..alphabet.len())
                    .filter(|&a| alphabet.get(a).is_some_and(|&c| tok.accepts(c)))
                    .collect(),
                Tok::Any { crosses_colon } | Tok::Star { crosses_colon } => {
                    if !crosses_colon {
                        hits.extend(colon);
                    }
                    (0..alphabet.len())
                        .filter(|&a| crosses_colon || Some(a) != colon)
                        .collect()
                }
            };
            let masks = if tok.is_star() {
                bit(&mut star, p);
                &mut stay
            } else {
                &mut adv
            };
            for &a in &reads {
                if let Some(mask) = masks.get_mut(a * words..(a + 1) * words) {
                    bit(mask, p);
                }
            }
            if let Tok::Lit { .. } = tok {
                *hits = reads;
            }
        }
        let universal = len
            - toks
                .iter()
                .rev()
                .take_while(|&&t| {
                    t == Tok::Star {
                        crosses_colon: true,
                    }
                })
                .count();
        let mut tail = vec![0; words];
        if universal < len {
            for p in universal..=len {
                bit(&mut tail, p);
            }
        }
        Nfa {
            len,
            words,
            adv,
            stay,
            star,
            tail,
            hits,
        }
    }

    /// `set` closed under "a star may match nothing", then made canonical if universal.
    /// (Plain loops: this is the hot path, and it must be quick in debug builds too.)
    fn close(&self, set: &mut [u64]) {
        // Each round reaches one star further; a run of stars is at most `len` long.
        for _ in 0..=self.len {
            let mut carry = 0;
            let mut grew = 0;
            for (w, s) in set.iter_mut().zip(&self.star) {
                let from_stars = *w & s;
                let add = (from_stars << 1 | carry) & !*w;
                carry = from_stars >> 63;
                grew |= add;
                *w |= add;
            }
            if grew == 0 {
                break;
            }
        }
        let mut universal = false;
        for (w, t) in set.iter().zip(&self.tail) {
            universal |= w & t != 0;
        }
        if universal {
            set.copy_from_slice(&self.tail);
        }
    }

    /// [`Nfa::step`] for a one-word set (patterns under 64 tokens, nearly all), without loops
    /// over words; `None` for a longer pattern.
    fn step_word(&self, a: usize, f: u64) -> Option<u64> {
        let ([star], [tail], Some(&adv), Some(&stay)) = (
            self.star.as_slice(),
            self.tail.as_slice(),
            self.adv.get(a),
            self.stay.get(a),
        ) else {
            return None;
        };
        let mut w = (f & adv) << 1 | (f & stay);
        loop {
            let add = (w & star) << 1 & !w;
            if add == 0 {
                break;
            }
            w |= add;
        }
        Some(if w & tail != 0 { *tail } else { w })
    }

    /// Reads alphabet character `a` from `from` into `to`.
    fn step(&self, a: usize, from: &[u64], to: &mut [u64]) {
        let range = a * self.words..(a + 1) * self.words;
        let (Some(adv), Some(stay)) = (self.adv.get(range.clone()), self.stay.get(range)) else {
            to.fill(0);
            return;
        };
        let mut carry = 0;
        for (((t, &f), &adv), &stay) in to.iter_mut().zip(from).zip(adv).zip(stay) {
            let moved = f & adv;
            *t = (moved << 1 | carry) | (f & stay);
            carry = moved >> 63;
        }
        if to.iter().any(|&w| w != 0) {
            self.close(to);
        }
    }
}

/// The predicates' NFAs over one alphabet: every character a literal token mentions (with the
/// case variants of case-insensitive ones), `:`, and a fresh character no literal token accepts.
///
/// A product state lists only the NFAs whose sets are not empty (most die within a few
/// characters): for each, in order, its index and then its set's words. So states stay short,
/// and a dead NFA costs nothing.
struct Product {
    nfas: Vec<Nfa>,
    alphabet: Vec<char>,
    fresh: usize,
}

impl Product {
    fn new(preds: &[StrPred]) -> Option<Product> {
        let toks: Vec<Vec<Tok>> = preds.iter().map(tokens).collect();
        let mut alphabet = BTreeSet::from([':']);
        for tok in toks.iter().flatten() {
            if let Tok::Lit { c, fold } = *tok {
                alphabet.insert(c);
                if fold {
                    alphabet.extend(case_variants(c));
                }
            }
        }
        // Readable ASCII first, then the private-use area (caseless, in no real pattern).
        let fresh = "#~|%!&+=^_"
            .chars()
            .chain('\u{E000}'..='\u{F8FF}')
            .find(|&f| {
                toks.iter()
                    .flatten()
                    .all(|t| !matches!(t, Tok::Lit { .. }) || !t.accepts(f))
            })?;
        alphabet.insert(fresh);
        let alphabet: Vec<char> = alphabet.into_iter().collect();
        let fresh = alphabet.binary_search(&fresh).ok()?;
        let nfas = toks.iter().map(|toks| Nfa::new(toks, &alphabet)).collect();
        Some(Product {
            nfas,
            alphabet,
            fresh,
        })
    }

    fn start(&self) -> Vec<u64> {
        let mut state = Vec::new();
        for (i, nfa) in self.nfas.iter().enumerate() {
            let mut set = vec![0; nfa.words];
            bit(&mut set, 0);
            nfa.close(&mut set);
            state.push(i as u64);
            state.extend_from_slice(&set);
        }
        state
    }

    /// The entries of `state`: (NFA index, where its words start).
    fn entries(&self, state: &[u64], out: &mut Vec<(usize, usize)>) {
        out.clear();
        let mut at = 0;
        while let Some(&i) = state.get(at) {
            let i = i as usize;
            let Some(nfa) = self.nfas.get(i) else {
                return;
            };
            out.push((i, at + 1));
            at += 1 + nfa.words;
        }
    }

    fn set<'s>(&self, state: &'s [u64], (i, at): (usize, usize)) -> (Option<&Nfa>, &'s [u64]) {
        let nfa = self.nfas.get(i);
        let words = nfa.map_or(0, |n| n.words);
        (nfa, state.get(at..at + words).unwrap_or(&[]))
    }

    /// Which NFAs accept, as a bitset.
    fn truth(&self, state: &[u64], entries: &[(usize, usize)]) -> Vec<u64> {
        let mut truth = vec![0; self.nfas.len() / 64 + 1];
        for &entry in entries {
            if let (Some(nfa), set) = self.set(state, entry) {
                if has_bit(set, nfa.len) {
                    bit(&mut truth, entry.0);
                }
            }
        }
        truth
    }

    /// The alphabet indices worth trying from `state` (see the module docs), ascending, the
    /// fresh one last. `marks` is scratch space: a bitset over the alphabet.
    fn candidates(
        &self,
        state: &[u64],
        entries: &[(usize, usize)],
        marks: &mut Vec<u64>,
        out: &mut Vec<usize>,
    ) {
        marks.clear();
        marks.resize(self.alphabet.len() / 64 + 1, 0);
        for &entry in entries {
            let (Some(nfa), set) = self.set(state, entry) else {
                continue;
            };
            for (j, &word) in set.iter().enumerate() {
                let mut w = word;
                while w != 0 {
                    let p = j * 64 + w.trailing_zeros() as usize;
                    w &= w - 1;
                    for &a in nfa.hits.get(p).into_iter().flatten() {
                        bit(marks, a);
                    }
                }
            }
        }
        out.clear();
        for (j, &word) in marks.iter().enumerate() {
            let mut w = word;
            while w != 0 {
                let a = j * 64 + w.trailing_zeros() as usize;
                w &= w - 1;
                if a != self.fresh {
                    out.push(a);
                }
            }
        }
        out.push(self.fresh);
    }

    /// The state after reading alphabet character `a`, into `out`.
    fn step(
        &self,
        state: &[u64],
        entries: &[(usize, usize)],
        a: usize,
        out: &mut Vec<u64>,
        scratch: &mut Vec<u64>,
    ) {
        out.clear();
        for &entry in entries {
            let (Some(nfa), from) = self.set(state, entry) else {
                continue;
            };
            if let [f] = from {
                if let Some(w) = nfa.step_word(a, *f) {
                    if w != 0 {
                        out.extend([entry.0 as u64, w]);
                    }
                    continue;
                }
            }
            scratch.clear();
            scratch.resize(nfa.words, 0);
            nfa.step(a, from, scratch);
            if scratch.iter().any(|&w| w != 0) {
                out.push(entry.0 as u64);
                out.extend_from_slice(scratch);
            }
        }
    }
}

/// Words of product states one search may hold. The state budget counts states, but a state
/// is as wide as the patterns' automata together: a level of 900 model patterns held 200,000
/// states of about 850 words each, 4 GiB, before its proof gave up or finished
/// (docs/benchmarks.md, "One level"). 2^24 words is 128 MiB.
const MAX_WORDS: usize = 1 << 24;

/// The product states met so far, end to end in one arena (so a state's id is its BFS rank),
/// with a hash index of our own: a word-wise hash is far cheaper than SipHash over the bytes.
#[derive(Default)]
struct Seen {
    arena: Vec<u64>,
    /// Each state's (start, end) in the arena.
    spans: Vec<(usize, usize)>,
    /// Hash → the latest state with it; `chain[id]` → the previous one.
    index: HashMap<u64, usize>,
    chain: Vec<usize>,
}

impl Seen {
    fn hash(state: &[u64]) -> u64 {
        let mut h: u64 = 0;
        for &w in state {
            h = (h.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
        h
    }

    fn get(&self, id: usize) -> &[u64] {
        self.spans
            .get(id)
            .and_then(|&(from, to)| self.arena.get(from..to))
            .unwrap_or(&[])
    }

    fn len(&self) -> usize {
        self.spans.len()
    }

    fn contains(&self, state: &[u64]) -> bool {
        let mut id = self
            .index
            .get(&Seen::hash(state))
            .copied()
            .unwrap_or(usize::MAX);
        while id != usize::MAX {
            if self.get(id) == state {
                return true;
            }
            id = self.chain.get(id).copied().unwrap_or(usize::MAX);
        }
        false
    }

    /// Whether `state` would take the arena past `words`.
    fn full(&self, state: &[u64], words: usize) -> bool {
        self.arena.len() + state.len() > words
    }

    /// Adds a state not yet present.
    fn push(&mut self, state: &[u64]) {
        let previous = self.index.insert(Seen::hash(state), self.len());
        self.chain.push(previous.unwrap_or(usize::MAX));
        self.spans
            .push((self.arena.len(), self.arena.len() + state.len()));
        self.arena.extend_from_slice(state);
    }
}

/// The cells as the NFAs decide them (the truth not yet re-checked by the evaluator).
/// `None` past `budget` states or `words` words of them.
fn explore(preds: &[StrPred], budget: usize, words: usize) -> Option<Vec<Cell>> {
    let product = Product::new(preds)?;
    if budget == 0 {
        return None;
    }
    let mut seen = Seen::default();
    seen.push(&product.start());
    // Each state's BFS path, as (parent, last character) links from the start (state 0).
    let mut links: Vec<(usize, char)> = vec![(0, '\0')];
    let mut vectors = HashSet::new();
    let mut found = Vec::new();
    let (mut entries, mut chars, mut state) = (Vec::new(), Vec::new(), Vec::new());
    let (mut next, mut scratch, mut marks) = (Vec::new(), Vec::new(), Vec::new());
    // Breadth-first: the states are visited in the order they were found.
    let mut id = 0;
    while id < seen.len() {
        state.clear();
        state.extend_from_slice(seen.get(id));
        product.entries(&state, &mut entries);
        let truth = product.truth(&state, &entries);
        if !vectors.contains(&truth) {
            found.push(Cell {
                truth: (0..preds.len()).map(|i| has_bit(&truth, i)).collect(),
                witness: witness(&links, id),
            });
            vectors.insert(truth);
        }
        product.candidates(&state, &entries, &mut marks, &mut chars);
        for &a in &chars {
            product.step(&state, &entries, a, &mut next, &mut scratch);
            if seen.contains(&next) {
                continue;
            }
            if seen.len() >= budget || seen.full(&next, words) {
                return None;
            }
            seen.push(&next);
            links.push((id, product.alphabet.get(a).copied().unwrap_or('\0')));
        }
        id += 1;
    }
    Some(found)
}

/// A string on which each predicate takes the given truth value: `Some(Some(s))`, or
/// `Some(None)` when there is none; `None` when the search would visit more than `budget`
/// product states (or hold more than [`MAX_WORDS`] words of them). The search is the one
/// [`cells`] makes, stopped at the first state with the wanted values and never continued from
/// a state where a predicate that must hold can no longer match.
pub fn satisfy(wanted: &[(StrPred, bool)], budget: usize) -> Option<Option<String>> {
    let preds: Vec<StrPred> = wanted.iter().map(|(p, _)| p.clone()).collect();
    let product = Product::new(&preds)?;
    if budget == 0 {
        return None;
    }
    let must: Vec<usize> = wanted
        .iter()
        .enumerate()
        .filter(|(_, (_, v))| *v)
        .map(|(i, _)| i)
        .collect();
    let mut seen = Seen::default();
    seen.push(&product.start());
    let mut links: Vec<(usize, char)> = vec![(0, '\0')];
    let (mut entries, mut chars, mut state) = (Vec::new(), Vec::new(), Vec::new());
    let (mut next, mut scratch, mut marks) = (Vec::new(), Vec::new(), Vec::new());
    let mut id = 0;
    while id < seen.len() {
        state.clear();
        state.extend_from_slice(seen.get(id));
        product.entries(&state, &mut entries);
        let truth = product.truth(&state, &entries);
        let hit = wanted
            .iter()
            .enumerate()
            .all(|(i, (_, v))| has_bit(&truth, i) == *v);
        if hit {
            let w = witness(&links, id);
            // The evaluator has the last word (see `cells`).
            if wanted.iter().all(|(p, v)| p.matches(&w) == *v) {
                return Some(Some(w));
            }
        }
        // A predicate that must hold but whose NFA is dead never will again.
        let alive = must.iter().all(|i| entries.iter().any(|(e, _)| e == i));
        if alive {
            product.candidates(&state, &entries, &mut marks, &mut chars);
            for &a in &chars {
                product.step(&state, &entries, a, &mut next, &mut scratch);
                if seen.contains(&next) {
                    continue;
                }
                if seen.len() >= budget || seen.full(&next, MAX_WORDS) {
                    return None;
                }
                seen.push(&next);
                links.push((id, product.alphabet.get(a).copied().unwrap_or('\0')));
            }
        }
        id += 1;
    }
    Some(None)
}

/// The path to `node`; parents come before their children, so the walk ends at the root.
fn witness(links: &[(usize, char)], mut node: usize) -> String {
    let mut rev = Vec::new();
    while node != 0 {
        let Some(&(parent, c)) = links.get(node) else {
            break;
        };
        rev.push(c);
        node = parent;
    }
    rev.into_iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn glob(p: &str, ci: bool) -> StrPred {
        StrPred::Glob {
            pattern: p.into(),
            case_insensitive: ci,
        }
    }
    fn eq(v: &str, ci: bool) -> StrPred {
        StrPred::Equals {
            value: v.into(),
            case_insensitive: ci,
        }
    }
    fn res(p: &str) -> StrPred {
        StrPred::ArnResource { pattern: p.into() }
    }
    fn cond(p: &str) -> StrPred {
        StrPred::ArnCondition { pattern: p.into() }
    }

    /// The truth vectors, as "TF…" strings, after checking each cell's witness.
    fn vectors(preds: &[StrPred]) -> BTreeSet<String> {
        let cs = cells(preds, 100_000).unwrap_or_default();
        for c in &cs {
            let actual: Vec<bool> = preds.iter().map(|p| p.matches(&c.witness)).collect();
            assert_eq!(actual, c.truth, "witness {:?}", c.witness);
        }
        cs.iter()
            .map(|c| c.truth.iter().map(|&b| if b { 'T' } else { 'F' }).collect())
            .collect()
    }

    fn set(vs: &[&str]) -> BTreeSet<String> {
        vs.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn disjoint_prefixes() {
        let preds = [glob("bedrock:*", true), glob("s3:*", true)];
        assert_eq!(vectors(&preds), set(&["FF", "TF", "FT"]));
    }

    #[test]
    fn nested_patterns() {
        let preds = [
            glob("*", true),
            glob("bedrock:*", true),
            glob("bedrock:Invoke*", true),
        ];
        assert_eq!(vectors(&preds), set(&["TFF", "TTF", "TTT"]));
    }

    #[test]
    fn case_insensitive_actions() {
        let both = [
            glob("BEDROCK:invokemodel", true),
            glob("bedrock:InvokeModel", true),
        ];
        assert_eq!(vectors(&both), set(&["FF", "TT"]));
        // A case-sensitive test of the same name splits the case-insensitive one.
        let mixed = [
            glob("BEDROCK:invokemodel", true),
            glob("bedrock:InvokeModel", false),
        ];
        assert_eq!(vectors(&mixed), set(&["FF", "TF", "TT"]));
        let ci_eq = [eq("AbC", true), eq("abc", false), eq("ABC", false)];
        assert_eq!(vectors(&ci_eq), set(&["FFF", "TFF", "TTF", "TFT"]));
    }

    #[test]
    fn resource_star_crosses_colons_condition_star_does_not() {
        let role = "arn:aws:iam::123:role/x";
        // In `Resource`, the segment-final `*` covers every IAM resource.
        assert_eq!(
            vectors(&[res("arn:aws:iam::*"), res(role)]),
            set(&["FF", "TF", "TT"])
        );
        // In `ArnLike`, it stays inside the account segment.
        assert_eq!(
            vectors(&[cond("arn:aws:iam::*"), cond(role)]),
            set(&["FF", "TF", "FT"])
        );
        // A `*` not ending its segment stays inside it under both rules.
        let cs = cells(
            &[res("arn:aws:s*3:::x"), eq("arn:aws:s:3:::x", false)],
            10_000,
        );
        assert!(cs.is_some_and(|cs| cs.iter().all(|c| c.truth != [true, true])));
    }

    #[test]
    fn bare_star_matches_everything() {
        for p in [res("*"), cond("*"), glob("*", false)] {
            let cs = cells(std::slice::from_ref(&p), 100);
            assert_eq!(
                cs,
                Some(vec![Cell {
                    truth: vec![true],
                    witness: String::new()
                }])
            );
        }
        // Colons included, even for a condition.
        assert_eq!(
            vectors(&[cond("*"), glob("*:*", false)]),
            set(&["TF", "TT"])
        );
    }

    #[test]
    fn wildcard_free_patterns_are_equality() {
        let arn = "arn:aws:s3:::bucket";
        for p in [res(arn), cond(arn)] {
            let cs = cells(&[p, eq(arn, false)], 1_000).unwrap_or_default();
            assert_eq!(cs.len(), 2);
            assert!(cs
                .iter()
                .any(|c| c.truth == [true, true] && c.witness == arn));
        }
        // `?` is a wildcard; one literal is not a glob.
        assert_eq!(vectors(&[res("ab"), glob("ab", false)]), set(&["FF", "TT"]));
    }

    #[test]
    fn question_mark_is_one_character() {
        assert_eq!(
            vectors(&[glob("a?c", false), glob("abc", false)]),
            set(&["FF", "TF", "TT"])
        );
        // In an ARN's head `?` does not match `:`.
        assert_eq!(
            vectors(&[cond("a:?:b:c:d:e"), glob("a:?:b:c:d:e", false)]),
            set(&["FF", "FT", "TT"])
        );
    }

    #[test]
    fn non_ascii_case_folding() {
        // `É` and `é` are one letter to a case-insensitive pattern, two to a case-sensitive one.
        assert_eq!(
            vectors(&[glob("É*", true), glob("é*", false)]),
            set(&["FF", "TF", "TT"])
        );
        // `StringEqualsIgnoreCase` lower-cases whole strings (a final `Σ` becomes `ς`): outside
        // the completeness claim, but every cell returned is still sound (checked in `vectors`).
        let sigma = vectors(&[eq("aΣ", true), eq("aσ", false), eq("aς", false)]);
        assert!(sigma.contains("FFF"));
    }

    #[test]
    fn patterns_longer_than_a_word() {
        // Sets of more than 64 positions take several words; stars must carry across them.
        let long = "x".repeat(70);
        let x63 = "x".repeat(63);
        let preds = [
            // A star at position 63: matching nothing, it makes position 64 (next word) live.
            glob(&format!("{x63}*z"), false),
            res(&format!("{x63}*:z")),
            glob(&format!("{long}*{long}"), false),
            glob(&format!("*{long}?"), false),
            res(&format!("arn:aws:s3:::{long}*{long}")),
            cond(&format!("a:*:b:c:d:{long}")),
        ];
        let cs = vectors(&preds);
        let twice = format!("{long}{long}");
        for s in [
            format!("{x63}z"),
            format!("{x63}:z"),
            twice.clone(),
            format!("{twice}y"),
            format!("{long}y{long}"),
            format!("arn:aws:s3:::{twice}"),
            format!("a:q:b:c:d:{long}"),
            format!("a:q:r:b:c:d:{long}"),
        ] {
            let truth: String = preds
                .iter()
                .map(|p| if p.matches(&s) { 'T' } else { 'F' })
                .collect();
            assert!(cs.contains(&truth), "{s:?} gives {truth}");
        }
    }

    #[test]
    fn satisfy_finds_or_refutes() {
        let w = satisfy(
            &[
                (glob("bedrock:*", true), true),
                (glob("bedrock:Invoke*", true), false),
            ],
            10_000,
        );
        let w = w.and_then(|w| w).unwrap_or_default();
        assert!(glob("bedrock:*", true).matches(&w) && !glob("bedrock:Invoke*", true).matches(&w));
        let none = satisfy(
            &[
                (glob("bedrock:Invoke*", true), true),
                (glob("bedrock:*", true), false),
            ],
            10_000,
        );
        assert_eq!(none, Some(None));
        // Many patterns, all false: found at once, however many cells they have together.
        let many: Vec<(StrPred, bool)> = (0..30)
            .map(|i| {
                (
                    StrPred::ArnResource {
                        pattern: format!("arn:aws:bedrock:*::foundation-model/m{i}*"),
                    },
                    false,
                )
            })
            .collect();
        assert_eq!(satisfy(&many, 100), Some(Some(String::new())));
    }

    #[test]
    fn empty_list_has_one_cell() {
        assert_eq!(
            cells(&[], 1),
            Some(vec![Cell {
                truth: vec![],
                witness: String::new()
            }])
        );
    }

    #[test]
    fn empty_string_witness() {
        let cs = cells(&[glob("", false), eq("", true), glob("?*", false)], 100);
        let cs = cs.unwrap_or_default();
        assert_eq!(cs.first().map(|c| c.witness.as_str()), Some(""));
        assert_eq!(
            cs.first().map(|c| c.truth.clone()),
            Some(vec![true, true, false])
        );
        assert_eq!(cs.len(), 2);
    }

    /// The state budget alone does not bound memory: a state is as wide as all the patterns'
    /// automata, so the search also stops at a number of words.
    #[test]
    fn wide_states_give_up_at_the_word_budget() {
        let preds: Vec<StrPred> = (0..150)
            .map(|i| glob(&format!("vendor{i}-*"), false))
            .collect();
        let width = Product::new(&preds).map(|p| p.start().len()).unwrap_or(0);
        assert!(width > 50, "{width} words a state");
        let all = explore(&preds, 200_000, MAX_WORDS).map(|c| c.len());
        assert_eq!(all, Some(151));
        // Room for the first state only (later ones hold only their live automata).
        assert_eq!(explore(&preds, 200_000, width), None);
    }

    #[test]
    fn budget_gives_up() {
        let preds = [glob("bedrock:*", true), glob("s3:*", true)];
        assert_eq!(cells(&preds, 0), None);
        assert_eq!(cells(&preds, 3), None);
        assert!(cells(&preds, 1_000).is_some());
        // Stars in sequence blow up no worse than the budget allows.
        let stars: Vec<StrPred> = (0..12)
            .map(|i| glob(&format!("*{}*{}*", i % 3, i % 5), false))
            .collect();
        assert!(cells(&stars, 50).is_none());
    }

    /// Fifty patterns as govc's compiled policies and the examples write them (a typical
    /// mix: resource ARNs of every shape, a few condition values and action names).
    fn typical_patterns() -> Vec<StrPred> {
        let mut preds = vec![
            res("*"),
            res("arn:aws:bedrock:*::foundation-model/*"),
            res("arn:aws:bedrock:*::foundation-model/anthropic.claude*"),
            res("arn:aws:bedrock:*::foundation-model/deepseek*"),
            res("arn:aws:bedrock:*:*:inference-profile/*"),
            res("arn:aws:bedrock:*:*:application-inference-profile/*"),
            res("arn:aws:bedrock:*:123456789012:inference-profile/*"),
            res("arn:aws:iam::*:role/BreakGlass"),
            res("arn:aws:iam::*:role/BedrockGuardrailAdmin"),
            res("arn:aws:bedrock-agentcore:us-east-1:992382794994:runtime/*"),
            res("arn:aws:ec2:us-east-2:111111111111:instance/*"),
            cond("arn:aws:bedrock:*::foundation-model/anthropic.claude*"),
            cond("arn:aws:bedrock:*:*:inference-profile/*"),
            cond("arn:aws:iam::*:role/BreakGlass"),
            glob("bedrock:Invoke*", true),
            glob("bedrock:*", true),
            glob("s3:GetObject", true),
            glob("*", true),
        ];
        let concrete = [
            "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6",
            "arn:aws:bedrock:us-east-1:992382794994:application-inference-profile/f6e5d4c3b2a1",
            "arn:aws:iam::992382794994:role/TestRole",
            "arn:aws:iam::111111111111:role/Admin",
            "arn:aws:iam::992382794994:role/Developer",
            "arn:aws:iam::992382794994:role/BreakGlass",
            "arn:aws:iam::992382794994:user/BedrockAPIKey-flfp",
            "arn:aws:bedrock-mantle:us-east-1:123456789012:project/default",
            "arn:aws:bedrock:us-east-1:992382794994:project/default",
            "arn:aws:bedrock:us-east-1:851725215482:guardrail/abc123:1",
            "arn:aws:bedrock:us-west-2:851725215482:guardrail/def456:1",
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "arn:aws:bedrock:us-east-1:992382794994:inference-profile/us.deepseek.r1-v1:0",
        ];
        preds.extend(concrete.iter().map(|a| res(a)));
        for region in [
            "us-east-1",
            "us-east-2",
            "us-west-2",
            "eu-west-2",
            "ap-northeast-1",
        ] {
            for model in [
                "anthropic.claude-sonnet-4-5-20250929-v1:0",
                "deepseek.r1-v1:0",
                "amazon.nova-lite-v1:0",
            ] {
                preds.push(res(&format!(
                    "arn:aws:bedrock:{region}::foundation-model/{model}"
                )));
            }
        }
        preds.extend([
            eq(
                "arn:aws:bedrock:us-east-1::foundation-model/openai.gpt-oss-120b-1:0",
                false,
            ),
            eq("us-east-1", true),
            eq("us-west-2", true),
            eq("bedrock:InvokeModel", true),
        ]);
        assert_eq!(preds.len(), 50);
        preds
    }

    /// Sound, and the time measured (printed with `--nocapture`).
    fn timed_cells(preds: &[StrPred], budget: usize) -> Option<Vec<Cell>> {
        let started = std::time::Instant::now();
        let cs = cells(preds, budget);
        let elapsed = started.elapsed();
        eprintln!(
            "{} patterns: {:?} cells in {elapsed:?}",
            preds.len(),
            cs.as_ref().map(Vec::len)
        );
        for c in cs.iter().flatten() {
            let actual: Vec<bool> = preds.iter().map(|p| p.matches(&c.witness)).collect();
            assert_eq!(actual, c.truth, "witness {:?}", c.witness);
        }
        cs
    }

    #[test]
    fn fifty_typical_patterns_are_fast() {
        let preds = typical_patterns();
        let started = std::time::Instant::now();
        let cs = timed_cells(&preds, 100_000);
        assert!(cs.is_some_and(|cs| cs.len() > 40));
        // Typically well under 100 ms in a debug build; generous for a loaded machine.
        assert!(started.elapsed().as_millis() < 2_000);
    }

    #[test]
    fn star_region_allow_lists_grow_exponentially() {
        // In `Resource`, the region's `*` crosses colons, so one string can carry several
        // `::foundation-model/M` tails and match any combination of patterns that end in `*`:
        // the cells themselves number 2^k (less where the models nest), and the budget is what
        // bounds the work.
        let models = [
            "anthropic.claude*",
            "meta.llama3*",
            "amazon.titan*",
            "cohere.command*",
            "mistral.*",
            "ai21.*",
        ];
        let preds: Vec<StrPred> = models
            .iter()
            .map(|m| res(&format!("arn:aws:bedrock:*::foundation-model/{m}")))
            .collect();
        let cs = timed_cells(&preds, 100_000).unwrap_or_default();
        assert_eq!(cs.len(), 1 << models.len());
        let both = cs
            .iter()
            .find(|c| c.truth.iter().take(2).all(|&t| t))
            .map(|c| c.witness.clone())
            .unwrap_or_default();
        assert!(both.contains("anthropic.claude") && both.contains("meta.llama3"));
        // With the region fixed, the patterns only exclude each other.
        let fixed: Vec<StrPred> = models
            .iter()
            .map(|m| res(&format!("arn:aws:bedrock:us-east-1::foundation-model/{m}")))
            .collect();
        assert_eq!(timed_cells(&fixed, 100_000).map(|c| c.len()), Some(7));
        // Past the budget: `None`, promptly.
        let more: Vec<StrPred> = (0..20)
            .map(|i| res(&format!("arn:aws:bedrock:*::foundation-model/m{i}*")))
            .collect();
        assert_eq!(timed_cells(&more, 20_000), None);
    }

    #[test]
    fn completeness_by_enumeration() {
        // Every string over a small alphabet (pattern characters, their other case, a stranger)
        // of up to five characters lands in a cell.
        let preds = [
            glob("a*B", true),
            glob("a?:*", false),
            eq("Ab", true),
            res("a:*:b"),
            cond("a:*:b"),
            cond("a:?*"),
        ];
        let have: HashSet<Vec<bool>> = cells(&preds, 100_000)
            .unwrap_or_default()
            .into_iter()
            .map(|c| c.truth)
            .collect();
        let alphabet = ['a', 'A', 'b', 'B', ':', '*', 'z'];
        let mut layer = vec![String::new()];
        let mut strings = layer.clone();
        for _ in 0..5 {
            layer = layer
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            strings.extend(layer.iter().cloned());
        }
        for s in &strings {
            let truth: Vec<bool> = preds.iter().map(|p| p.matches(s)).collect();
            assert!(have.contains(&truth), "{s:?} gives {truth:?}");
        }
    }

    /// A pattern from fragments that stress the semantics: wildcards, colons (six segments
    /// reach the ARN resource part), slashes, both cases.
    fn pattern() -> impl Strategy<Value = String> {
        let fragment = prop::sample::select(vec![
            "*", "?", ":", "/", "a", "A", "b", "B", "ab", "arn:", "a:b:c:d:", "*:", "?:",
        ]);
        prop::collection::vec(fragment, 0..6).prop_map(|fs| fs.concat())
    }

    fn pred() -> impl Strategy<Value = StrPred> {
        prop_oneof![
            (pattern(), any::<bool>()).prop_map(|(p, ci)| glob(&p, ci)),
            (pattern(), any::<bool>()).prop_map(|(v, ci)| eq(&v, ci)),
            pattern().prop_map(|p| res(&p)),
            pattern().prop_map(|p| cond(&p)),
        ]
    }

    /// A string from the same fragments, with arbitrary characters mixed in.
    fn text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            prop::sample::select(vec![
                "*", "?", ":", "/", "a", "A", "b", "B", "ab", "arn:", "a:b:c:d:", "",
            ])
            .prop_map(String::from),
            any::<char>().prop_map(String::from),
            "[aAbBzZ:/é#]".prop_map(String::from),
        ];
        prop::collection::vec(piece, 0..10).prop_map(|ps| ps.concat())
    }

    /// Strings near the edge of each predicate: its pattern with every `*` and `?` replaced
    /// alike (by nothing, one character, a colon, a run), then with one character more or less.
    fn instances(preds: &[StrPred]) -> Vec<String> {
        let mut out = Vec::new();
        for p in preds {
            let (StrPred::Glob { pattern, .. }
            | StrPred::Equals { value: pattern, .. }
            | StrPred::ArnResource { pattern }
            | StrPred::ArnCondition { pattern }) = p;
            for (star, any) in [("", "x"), ("x", ":"), (":", "A"), ("ab:c", "b")] {
                let s: String = pattern
                    .chars()
                    .map(|c| match c {
                        '*' => star.to_string(),
                        '?' => any.to_string(),
                        c => c.to_string(),
                    })
                    .collect();
                let mut shorter = s.clone();
                shorter.pop();
                out.extend([format!("{s}z"), shorter, s]);
            }
        }
        out
    }

    /// Patterns of 60 to 200 characters: sets of two to four words.
    fn long_pred() -> impl Strategy<Value = StrPred> {
        let block = prop::sample::select(vec![
            "xxxxxxxxxxxxxxxxxxxx",
            "*",
            "?",
            "a:b:c:d:",
            "yy",
            ":",
            "/",
        ]);
        let pattern = prop::collection::vec(block, 4..16)
            .prop_map(|bs| bs.concat())
            .prop_filter("long", |p| p.chars().count() >= 60);
        prop_oneof![
            pattern.clone().prop_map(|p| glob(&p, false)),
            pattern.clone().prop_map(|p| res(&p)),
            pattern.prop_map(|p| cond(&p)),
        ]
    }

    fn long_text() -> impl Strategy<Value = String> {
        let block = prop::sample::select(vec![
            "xxxxxxxxxxxxxxxxxxxx",
            "x",
            "a:b:c:d:",
            "yy",
            "y",
            ":",
            "/",
            "z",
        ]);
        prop::collection::vec(block, 0..24).prop_map(|bs| bs.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn cells_are_sound_and_distinct(preds in prop::collection::vec(pred(), 0..5)) {
            let cs = cells(&preds, 200_000);
            prop_assume!(cs.is_some());
            let cs = cs.unwrap_or_default();
            let mut seen = HashSet::new();
            for c in &cs {
                let actual: Vec<bool> = preds.iter().map(|p| p.matches(&c.witness)).collect();
                prop_assert_eq!(&actual, &c.truth, "witness {:?}", c.witness);
                prop_assert!(seen.insert(c.truth.clone()), "duplicate {:?}", c.truth);
            }
            // The NFAs themselves agree with the evaluator (not only the final re-check).
            for c in explore(&preds, 200_000, MAX_WORDS).unwrap_or_default() {
                let actual: Vec<bool> = preds.iter().map(|p| p.matches(&c.witness)).collect();
                prop_assert_eq!(&actual, &c.truth, "model wrong on {:?}", c.witness);
            }
        }

        #[test]
        fn cells_are_complete(
            preds in prop::collection::vec(pred(), 1..5),
            texts in prop::collection::vec(text(), 1..20),
        ) {
            let cs = cells(&preds, 200_000);
            prop_assume!(cs.is_some());
            let have: HashSet<Vec<bool>> = cs.unwrap_or_default().into_iter().map(|c| c.truth).collect();
            for s in texts.iter().chain(&instances(&preds)) {
                let truth: Vec<bool> = preds.iter().map(|p| p.matches(s)).collect();
                prop_assert!(have.contains(&truth), "{:?} gives {:?}", s, truth);
            }
        }

        #[test]
        fn long_patterns_are_sound_and_complete(
            preds in prop::collection::vec(long_pred(), 1..3),
            texts in prop::collection::vec(long_text(), 1..10),
        ) {
            let cs = cells(&preds, 200_000);
            prop_assume!(cs.is_some());
            let cs = cs.unwrap_or_default();
            for c in &cs {
                let actual: Vec<bool> = preds.iter().map(|p| p.matches(&c.witness)).collect();
                prop_assert_eq!(&actual, &c.truth, "witness {:?}", c.witness);
            }
            let have: HashSet<Vec<bool>> = cs.into_iter().map(|c| c.truth).collect();
            for s in texts.iter().chain(&instances(&preds)) {
                let truth: Vec<bool> = preds.iter().map(|p| p.matches(s)).collect();
                prop_assert!(have.contains(&truth), "{:?} gives {:?}", s, truth);
            }
        }

        #[test]
        fn cells_are_deterministic(preds in prop::collection::vec(pred(), 0..5)) {
            prop_assert_eq!(cells(&preds, 200_000), cells(&preds, 200_000));
        }
    }
}
