//! Reduced ordered binary decision diagrams over the atoms of two decisions.
//!
//! Written here rather than taken from a crate because the proof needs little (if-then-else,
//! a node budget, a walk over the paths to TRUE) and needs it to stop cleanly at a budget
//! instead of growing without bound; the whole is one table and one cache.

use std::collections::HashMap;

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
    limit: usize,
    /// Set once the table would outgrow `limit`; every result is then meaningless.
    pub overflow: bool,
}

impl Bdd {
    /// A table of at most `limit` nodes.
    pub fn new(limit: usize) -> Bdd {
        let terminal = Inner {
            var: u32::MAX,
            lo: 0,
            hi: 0,
        };
        Bdd {
            nodes: vec![terminal, Inner { hi: 1, ..terminal }],
            unique: HashMap::new(),
            cache: HashMap::new(),
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

    /// Exclusive or: true exactly where `f` and `g` differ (where two decisions disagree).
    pub fn xor(&mut self, f: Node, g: Node) -> Node {
        let ng = self.not(g);
        self.ite(f, ng, g)
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
