//! Reduced ordered binary decision diagrams over the atoms of two decisions.
//!
//! Written here rather than taken from a crate because the proof needs little (if-then-else,
//! a node budget, a walk over the paths to TRUE) and needs it to stop cleanly at a budget
//! instead of growing without bound; the whole is one table and one cache.

use rustc_hash::FxHashMap as HashMap;

/// A node: `FALSE`, `TRUE`, or an index into the table.
pub type Node = u32;
/// The terminal for the constant false function.
pub const FALSE: Node = 0;
/// The terminal for the constant true function.
pub const TRUE: Node = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Inner {
    var: u32,
    lo: Node,
    hi: Node,
}

/// The node table. Variables are tested in increasing order along every path.
pub struct Bdd {
    nodes: Vec<Inner>,
    unique: HashMap<Inner, Node>,
    cache: HashMap<(Node, Node, Node), Node>,
    restricted: HashMap<(Node, Node), Node>,
    limit: usize,
    /// Set once the table would outgrow `limit`; every result is then meaningless.
    pub overflow: bool,
}

/// The tables of a dropped [`Bdd`], kept for the next one on the same thread.
#[derive(Default)]
struct Spare {
    nodes: Vec<Inner>,
    unique: HashMap<Inner, Node>,
    cache: HashMap<(Node, Node, Node), Node>,
    restricted: HashMap<(Node, Node), Node>,
}

thread_local! {
    /// `govc verify` proves thousands of levels one after the other, each with a fresh table
    /// of a few thousand nodes. Growing the hash tables again for each one (rehashing, and the
    /// kernel zeroing new pages) was a fifth of the proof's time; emptied tables keep their room.
    static SPARE: std::cell::RefCell<Spare> = std::cell::RefCell::new(Spare::default());
}

/// Tables larger than this many entries are freed rather than kept: one large proof should not
/// hold its memory for the rest of the run.
const SPARE_MAX: usize = 1 << 18;

impl Bdd {
    /// A table of at most `limit` nodes.
    pub fn new(limit: usize) -> Bdd {
        let terminal = Inner {
            var: u32::MAX,
            lo: 0,
            hi: 0,
        };
        let mut t = SPARE.with(|s| std::mem::take(&mut *s.borrow_mut()));
        t.nodes.clear();
        t.unique.clear();
        t.cache.clear();
        t.restricted.clear();
        t.nodes.extend([terminal, Inner { hi: 1, ..terminal }]);
        Bdd {
            nodes: t.nodes,
            unique: t.unique,
            cache: t.cache,
            restricted: t.restricted,
            limit,
            overflow: false,
        }
    }

    fn inner(&self, n: Node) -> Inner {
        self.nodes.get(n as usize).copied().unwrap_or(Inner {
            var: u32::MAX,
            lo: FALSE,
            hi: FALSE,
        })
    }

    /// The variable a node tests (`u32::MAX` for the terminals), and its two children.
    pub fn split(&self, n: Node) -> (u32, Node, Node) {
        let i = self.inner(n);
        (i.var, i.lo, i.hi)
    }

    /// The number of nodes in the table, the two terminals included.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the table holds only the two terminals.
    pub fn is_empty(&self) -> bool {
        self.nodes.len() <= 2
    }

    fn mk(&mut self, var: u32, lo: Node, hi: Node) -> Node {
        if lo == hi {
            return lo;
        }
        let key = Inner { var, lo, hi };
        if let Some(&n) = self.unique.get(&key) {
            return n;
        }
        if self.nodes.len() >= self.limit {
            self.overflow = true;
            return FALSE;
        }
        let n = self.nodes.len() as Node;
        self.nodes.push(key);
        self.unique.insert(key, n);
        n
    }

    /// The variable's own function.
    pub fn var(&mut self, v: u32) -> Node {
        self.mk(v, FALSE, TRUE)
    }

    /// `if f then g else h`. Recursion depth is at most the number of variables, which the
    /// caller bounds.
    pub fn ite(&mut self, f: Node, g: Node, h: Node) -> Node {
        if self.overflow {
            return FALSE;
        }
        if f == TRUE {
            return g;
        }
        if f == FALSE {
            return h;
        }
        if g == h {
            return g;
        }
        if g == TRUE && h == FALSE {
            return f;
        }
        if let Some(&n) = self.cache.get(&(f, g, h)) {
            return n;
        }
        let top = [f, g, h]
            .iter()
            .map(|&n| self.inner(n).var)
            .min()
            .unwrap_or(u32::MAX);
        let cof = |b: &Bdd, n: Node, high: bool| {
            let i = b.inner(n);
            if i.var == top {
                if high {
                    i.hi
                } else {
                    i.lo
                }
            } else {
                n
            }
        };
        let (f0, g0, h0) = (
            cof(self, f, false),
            cof(self, g, false),
            cof(self, h, false),
        );
        let (f1, g1, h1) = (cof(self, f, true), cof(self, g, true), cof(self, h, true));
        let lo = self.ite(f0, g0, h0);
        let hi = self.ite(f1, g1, h1);
        let n = self.mk(top, lo, hi);
        self.cache.insert((f, g, h), n);
        n
    }

    /// The negation of `f`.
    pub fn not(&mut self, f: Node) -> Node {
        self.ite(f, FALSE, TRUE)
    }

    /// The conjunction of `f` and `g`.
    pub fn and(&mut self, f: Node, g: Node) -> Node {
        self.ite(f, g, FALSE)
    }

    /// The disjunction of `f` and `g`.
    pub fn or(&mut self, f: Node, g: Node) -> Node {
        self.ite(f, TRUE, g)
    }

    /// A function that agrees with `f` wherever `care` holds, and is usually smaller: where
    /// `care` is false the value is free, so a test whose one branch lies outside `care` is
    /// skipped (Coudert and Madre's *restrict*). Recursion depth is at most the number of
    /// variables, as for [`Bdd::ite`].
    pub fn restrict(&mut self, f: Node, care: Node) -> Node {
        if self.overflow || care == FALSE {
            return FALSE;
        }
        if care == TRUE || f == TRUE || f == FALSE {
            return f;
        }
        if let Some(&n) = self.restricted.get(&(f, care)) {
            return n;
        }
        let fi = self.inner(f);
        let ci = self.inner(care);
        let n = if ci.var < fi.var {
            // `f` does not test the care set's top variable: either branch of the care set
            // may hold.
            let either = self.or(ci.lo, ci.hi);
            self.restrict(f, either)
        } else if ci.var == fi.var {
            if ci.lo == FALSE {
                self.restrict(fi.hi, ci.hi)
            } else if ci.hi == FALSE {
                self.restrict(fi.lo, ci.lo)
            } else {
                let lo = self.restrict(fi.lo, ci.lo);
                let hi = self.restrict(fi.hi, ci.hi);
                self.mk(fi.var, lo, hi)
            }
        } else {
            let lo = self.restrict(fi.lo, care);
            let hi = self.restrict(fi.hi, care);
            self.mk(fi.var, lo, hi)
        };
        self.restricted.insert((f, care), n);
        n
    }

    /// Whether each variable is tested somewhere in `f` (a membership test over the variables).
    pub fn support(&self, f: Node) -> impl Fn(u32) -> bool {
        let mut vars = std::collections::BTreeSet::new();
        let mut seen = std::collections::HashSet::new();
        let mut stack = vec![f];
        while let Some(n) = stack.pop() {
            if n == TRUE || n == FALSE || !seen.insert(n) {
                continue;
            }
            let i = self.inner(n);
            vars.insert(i.var);
            stack.push(i.lo);
            stack.push(i.hi);
        }
        move |v| vars.contains(&v)
    }

    /// The conjunction of `fs` (true for none).
    pub fn and_all(&mut self, fs: &[Node]) -> Node {
        let mut all = TRUE;
        for &f in fs {
            all = self.and(all, f);
            if all == FALSE {
                break;
            }
        }
        all
    }

    /// The disjunction of the cubes `vectors`: each gives the values of `vars` (increasing) in
    /// turn, and the variables past a shorter vector's end are free. Built from the sorted
    /// vectors as a trie, bottom-up, so m vectors of k values cost about m·k steps; a fold of
    /// `or` over the cubes walked the growing disjunction at every step, which made listing the
    /// possible combinations of a large level's actions a third of its proof.
    pub fn cubes(&mut self, vars: &[u32], mut vectors: Vec<Vec<bool>>) -> Node {
        vectors.sort_unstable();
        vectors.dedup();
        self.trie(vars, &vectors, 0)
    }

    /// [`Bdd::cubes`] of `vectors`, sorted and sharing their first `depth` values, from
    /// variable `vars[depth]` on. Recursion depth is at most `vars.len()`.
    fn trie(&mut self, vars: &[u32], vectors: &[Vec<bool>], depth: usize) -> Node {
        let Some(&var) = vars.get(depth) else {
            return if vectors.is_empty() { FALSE } else { TRUE };
        };
        if vectors.is_empty() {
            return FALSE;
        }
        if vectors.iter().any(|v| v.len() <= depth) {
            return TRUE;
        }
        // Sorted, and equal before `depth`: those with `false` there come first.
        let split = vectors.partition_point(|v| v.get(depth) == Some(&false));
        let (lo, hi) = vectors.split_at(split);
        let lo = self.trie(vars, lo, depth + 1);
        let hi = self.trie(vars, hi, depth + 1);
        self.mk(var, lo, hi)
    }

    /// Exclusive or: true exactly where `f` and `g` differ (where two decisions disagree).
    pub fn xor(&mut self, f: Node, g: Node) -> Node {
        let ng = self.not(g);
        self.ite(f, ng, g)
    }
}

impl Drop for Bdd {
    fn drop(&mut self) {
        let sizes = [
            self.nodes.capacity(),
            self.unique.capacity(),
            self.cache.capacity(),
            self.restricted.capacity(),
        ];
        if sizes.iter().any(|&n| n > SPARE_MAX) {
            return;
        }
        let t = Spare {
            nodes: std::mem::take(&mut self.nodes),
            unique: std::mem::take(&mut self.unique),
            cache: std::mem::take(&mut self.cache),
            restricted: std::mem::take(&mut self.restricted),
        };
        // A thread being torn down has no slot left; the tables are then simply freed.
        let _ = SPARE.try_with(|s| *s.borrow_mut() = t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms() {
        let mut b = Bdd::new(1_000);
        let (x, y) = (b.var(0), b.var(1));
        let xy = b.and(x, y);
        let yx = b.and(y, x);
        assert_eq!(xy, yx);
        let nx = b.not(x);
        let ny = b.not(y);
        let or = b.or(nx, ny);
        let de_morgan = b.not(or);
        assert_eq!(de_morgan, xy);
        assert_eq!(b.xor(xy, yx), FALSE);
        assert_eq!(b.xor(x, nx), TRUE);
    }

    /// A repeatable stream of pseudo-random numbers (a linear congruential generator).
    fn lcg(mut seed: u32) -> impl FnMut() -> u32 {
        move || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            seed >> 8
        }
    }

    /// The conjunction of the literals: each variable with its value.
    fn cube(b: &mut Bdd, literals: impl IntoIterator<Item = (u32, bool)>) -> Node {
        let mut cube = TRUE;
        for (v, value) in literals {
            let x = b.var(v);
            let lit = if value { x } else { b.not(x) };
            cube = b.and(cube, lit);
        }
        cube
    }

    /// The function of a 4-variable truth table (bit `i` is the value where variable `v`
    /// is bit `v` of `i`).
    fn of_table(b: &mut Bdd, table: u16) -> Node {
        let mut f = FALSE;
        for i in 0..16u32 {
            if table & (1 << i) == 0 {
                continue;
            }
            let c = cube(b, (0..4).map(|v| (v, i & (1 << v) != 0)));
            f = b.or(f, c);
        }
        f
    }

    #[test]
    fn restrict_agrees_with_the_function_inside_the_care_set() {
        let mut b = Bdd::new(100_000);
        let mut next = lcg(12345);
        for _ in 0..3_000 {
            let (ft, ct) = (next() as u16, next() as u16);
            let f = of_table(&mut b, ft);
            let care = of_table(&mut b, ct);
            let r = b.restrict(f, care);
            let lhs = b.and(r, care);
            let rhs = b.and(f, care);
            assert_eq!(lhs, rhs, "f {ft:#06x} care {ct:#06x}");
        }
        assert!(!b.overflow);
    }

    /// `cubes` is the disjunction of the cubes, as a fold of `or` over them builds it.
    #[test]
    fn cubes_are_their_disjunction() {
        let mut b = Bdd::new(1_000_000);
        let mut next = lcg(777);
        for _ in 0..500 {
            let k = (next() % 7) as usize;
            let vars: Vec<u32> = (0..k as u32).map(|i| i * 2 + next() % 2).collect();
            let m = next() % 12;
            let vectors: Vec<Vec<bool>> = (0..m)
                .map(|_| {
                    // Now and then shorter than `vars`: the rest is then free.
                    let len = if next().is_multiple_of(5) {
                        next() as usize % (k + 1)
                    } else {
                        k
                    };
                    (0..len).map(|_| next() % 2 == 1).collect()
                })
                .collect();
            let mut folded = FALSE;
            for v in &vectors {
                let c = cube(&mut b, vars.iter().copied().zip(v.iter().copied()));
                folded = b.or(folded, c);
            }
            assert_eq!(
                b.cubes(&vars, vectors.clone()),
                folded,
                "{vars:?} {vectors:?}"
            );
        }
        assert!(!b.overflow);
    }

    #[test]
    fn the_limit_is_reported() {
        let mut b = Bdd::new(8);
        let mut acc = TRUE;
        for v in 0..20 {
            let x = b.var(v);
            acc = b.xor(acc, x);
        }
        assert!(b.overflow);
    }
}
