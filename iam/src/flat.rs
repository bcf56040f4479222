//! [`FlatSet`] and [`FlatMap`]: an ordered set and map kept as a sorted `Vec` without repeated
//! keys, with `BTreeSet`'s and `BTreeMap`'s interfaces, order (iteration, `Ord`, `Eq`) and
//! `Debug` form, so swapping one for the other changes no output and no snapshot.
//!
//! Why not `BTreeSet`: a statement's sets are small (an action list, one resource, the values
//! of one condition key: mostly one to three entries), and a `BTreeSet` allocates a node for
//! eleven entries whatever it holds — about 280 bytes for a set of one `String`, 970 for a set
//! of one `Origin`. Measured on a generated 95,000-line program, the statements' B-tree nodes
//! were 420 MB of `govc check`'s 670 MB peak heap (docs/benchmarks.md, "Memory"). A sorted
//! `Vec` holds exactly its entries. Lookups are binary searches; inserting in the middle
//! moves the entries after it, which is cheap at these sizes. Why not a crate: `sorted-vec`'s
//! `SortedSet` derefs to a slice, whose `contains` is a linear scan, and has no
//! `insert -> bool`; `litemap`'s `LiteMap` has no set and a derived `Debug` that would change
//! every snapshot of a statement. Keeping the standard interfaces keeps every use site as it
//! was.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;

/// An ordered set of distinct values, as a sorted `Vec`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FlatSet<T> {
    // Invariant: strictly increasing.
    items: Vec<T>,
}

impl<T> FlatSet<T> {
    /// The empty set (allocates nothing).
    pub const fn new() -> Self {
        FlatSet { items: Vec::new() }
    }

    /// The number of values.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the set has no value.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The values in ascending order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    /// The smallest value.
    pub fn first(&self) -> Option<&T> {
        self.items.first()
    }

    /// Removes every value.
    pub fn clear(&mut self) {
        self.items.clear();
    }

    /// Keeps the values for which `keep` holds (order is kept, so the invariant too).
    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.items.retain(keep);
    }

    /// Frees the spare capacity (a set built one insert at a time keeps room for four).
    pub fn shrink_to_fit(&mut self) {
        self.items.shrink_to_fit();
    }
}

impl<T: Ord> FlatSet<T> {
    /// Changes every value in place, then restores the order: a check that costs one
    /// comparison per value when `change` keeps the order (as renaming spans by rank does),
    /// a sort otherwise. Values that became equal are merged.
    pub fn update_each(&mut self, change: impl FnMut(&mut T)) {
        self.items.iter_mut().for_each(change);
        if !self.items.is_sorted_by(|a, b| a < b) {
            self.items.sort();
            self.items.dedup();
        }
    }
    fn find<Q>(&self, value: &Q) -> Result<usize, usize>
    where
        T: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.items.binary_search_by(|x| x.borrow().cmp(value))
    }

    /// Whether `value` is in the set.
    pub fn contains<Q>(&self, value: &Q) -> bool
    where
        T: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(value).is_ok()
    }

    /// Adds `value`; false when it was already there (the set is then unchanged, as
    /// `BTreeSet::insert`).
    pub fn insert(&mut self, value: T) -> bool {
        match self.find(&value) {
            Ok(_) => false,
            Err(i) => {
                self.items.insert(i, value);
                true
            }
        }
    }

    /// Removes `value`; false when it was not there.
    pub fn remove<Q>(&mut self, value: &Q) -> bool
    where
        T: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        match self.find(value) {
            Ok(i) => {
                self.items.remove(i);
                true
            }
            Err(_) => false,
        }
    }

    /// Whether every value of `self` is in `other`.
    pub fn is_subset(&self, other: &Self) -> bool {
        self.len() <= other.len() && self.iter().all(|x| other.contains(x))
    }

    /// Whether no value is in both.
    pub fn is_disjoint(&self, other: &Self) -> bool {
        self.iter().all(|x| !other.contains(x))
    }

    /// The values in `self` or `other`, ascending.
    pub fn union<'a>(&'a self, other: &'a Self) -> impl Iterator<Item = &'a T> + 'a {
        Union {
            a: self.items.iter().peekable(),
            b: other.items.iter().peekable(),
        }
    }

    /// The values in both, ascending.
    pub fn intersection<'a>(&'a self, other: &'a Self) -> impl Iterator<Item = &'a T> + 'a {
        self.iter().filter(move |x| other.contains(*x))
    }

    /// The values in `self` and not in `other`, ascending.
    pub fn difference<'a>(&'a self, other: &'a Self) -> impl Iterator<Item = &'a T> + 'a {
        self.iter().filter(move |x| !other.contains(*x))
    }

    /// Sorts and deduplicates, then gives back unused capacity.
    fn normalise(mut items: Vec<T>) -> Self {
        items.sort();
        items.dedup();
        items.shrink_to_fit();
        FlatSet { items }
    }
}

/// A merge of two ascending sequences without repeats.
struct Union<'a, T> {
    a: std::iter::Peekable<std::slice::Iter<'a, T>>,
    b: std::iter::Peekable<std::slice::Iter<'a, T>>,
}

impl<'a, T: Ord> Iterator for Union<'a, T> {
    type Item = &'a T;

    fn next(&mut self) -> Option<&'a T> {
        match (self.a.peek(), self.b.peek()) {
            (Some(x), Some(y)) => match x.cmp(y) {
                Ordering::Less => self.a.next(),
                Ordering::Greater => self.b.next(),
                Ordering::Equal => {
                    self.b.next();
                    self.a.next()
                }
            },
            (Some(_), None) => self.a.next(),
            (None, _) => self.b.next(),
        }
    }
}

impl<T> Default for FlatSet<T> {
    fn default() -> Self {
        FlatSet::new()
    }
}

impl<T: fmt::Debug> fmt::Debug for FlatSet<T> {
    // As a `BTreeSet` prints (`{"a", "b"}`), so debug output and snapshots read the same.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.items.iter()).finish()
    }
}

impl<T: Ord> FromIterator<T> for FlatSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        FlatSet::normalise(iter.into_iter().collect())
    }
}

impl<T: Ord, const N: usize> From<[T; N]> for FlatSet<T> {
    fn from(values: [T; N]) -> Self {
        FlatSet::normalise(Vec::from(values))
    }
}

impl<T: Ord> Extend<T> for FlatSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        let mut more = iter.into_iter().peekable();
        match more.size_hint() {
            // One or two values (the common case): insert in place.
            (_, Some(n)) if n <= 2 => {
                for v in more {
                    self.insert(v);
                }
            }
            _ => {
                if more.peek().is_none() {
                    return;
                }
                let mut items = std::mem::take(&mut self.items);
                items.extend(more);
                *self = FlatSet::normalise(items);
            }
        }
    }
}

impl<T> IntoIterator for FlatSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a FlatSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

/// An ordered map, as a `Vec` of entries sorted by key, no key twice.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FlatMap<K, V> {
    // Invariant: keys strictly increasing.
    entries: Vec<(K, V)>,
}

type Pair<'a, K, V> = (&'a K, &'a V);
type PairMut<'a, K, V> = (&'a K, &'a mut V);

/// `FlatMap::iter`'s iterator.
pub type Iter<'a, K, V> =
    std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> Pair<'a, K, V>>;
/// `FlatMap::iter_mut`'s iterator.
pub type IterMut<'a, K, V> =
    std::iter::Map<std::slice::IterMut<'a, (K, V)>, fn(&'a mut (K, V)) -> PairMut<'a, K, V>>;

impl<K, V> FlatMap<K, V> {
    /// The empty map (allocates nothing).
    pub const fn new() -> Self {
        FlatMap {
            entries: Vec::new(),
        }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map has no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries in ascending key order.
    pub fn iter(&self) -> Iter<'_, K, V> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The entries in ascending key order, values mutable.
    pub fn iter_mut(&mut self) -> IterMut<'_, K, V> {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// The keys, ascending.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values, by ascending key.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The values, by ascending key, mutable.
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// Keeps the entries for which `keep` holds.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    /// Frees the spare capacity (a map built one insert at a time keeps room for four).
    pub fn shrink_to_fit(&mut self) {
        self.entries.shrink_to_fit();
    }
}

impl<K: Ord, V> FlatMap<K, V> {
    fn find<Q>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// The value of `key`.
    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        let i = self.find(key).ok()?;
        self.entries.get(i).map(|(_, v)| v)
    }

    /// The value of `key`, mutable.
    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        let i = self.find(key).ok()?;
        self.entries.get_mut(i).map(|(_, v)| v)
    }

    /// Whether `key` has a value.
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(key).is_ok()
    }

    /// Sets `key`'s value, returning the old one (the key itself is kept, as
    /// `BTreeMap::insert` does).
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => self
                .entries
                .get_mut(i)
                .map(|(_, v)| std::mem::replace(v, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// Removes `key`, returning its value.
    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        let i = self.find(key).ok()?;
        Some(self.entries.remove(i).1)
    }

    /// `key`'s place in the map, to read or fill.
    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        let at = self.find(&key);
        Entry { map: self, key, at }
    }

    /// Sorts by key; of equal keys the last value stays (as collecting into a `BTreeMap`).
    fn normalise(mut entries: Vec<(K, V)>) -> Self {
        // Stable: equal keys keep their order, so the last of a run is the last inserted.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(K, V)> = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            match out.last_mut() {
                Some(last) if last.0 == k => last.1 = v,
                _ => out.push((k, v)),
            }
        }
        FlatMap { entries: out }
    }
}

/// A key's place in a [`FlatMap`], from [`FlatMap::entry`].
pub struct Entry<'a, K, V> {
    map: &'a mut FlatMap<K, V>,
    key: K,
    /// Where the key is (`Ok`) or would go (`Err`).
    at: Result<usize, usize>,
}

impl<'a, K: Ord, V> Entry<'a, K, V> {
    /// The value, inserted from `make` when the key had none.
    pub fn or_insert_with(self, make: impl FnOnce() -> V) -> &'a mut V {
        let i = match self.at {
            Ok(i) => i,
            Err(i) => {
                self.map.entries.insert(i, (self.key, make()));
                i
            }
        };
        match self.map.entries.get_mut(i) {
            Some((_, v)) => v,
            // `i` is where the key was found or has just been inserted.
            None => unreachable!("a FlatMap entry at {i} is in the map"),
        }
    }

    /// The value, `value` inserted when the key had none.
    pub fn or_insert(self, value: V) -> &'a mut V {
        self.or_insert_with(|| value)
    }

    /// The value, `V::default()` inserted when the key had none.
    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }
}

impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> std::ops::Index<&Q> for FlatMap<K, V> {
    type Output = V;

    /// As `BTreeMap`'s: the value of a key the caller knows is there.
    #[allow(
        clippy::panic,
        reason = "as BTreeMap's Index: a missing key is the caller's bug"
    )]
    fn index(&self, key: &Q) -> &V {
        match self.get(key) {
            Some(v) => v,
            None => panic!("no entry found for key"),
        }
    }
}

impl<K, V> Default for FlatMap<K, V> {
    fn default() -> Self {
        FlatMap::new()
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for FlatMap<K, V> {
    // As a `BTreeMap` prints (`{k: v}`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for FlatMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        FlatMap::normalise(iter.into_iter().collect())
    }
}

impl<K: Ord, V> Extend<(K, V)> for FlatMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<K, V> IntoIterator for FlatMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a FlatMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, K, V> IntoIterator for &'a mut FlatMap<K, V> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = IterMut<'a, K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::{FlatMap, FlatSet};
    use proptest::prelude::*;
    use std::collections::BTreeMap;
    use std::collections::BTreeSet;

    proptest! {
        // Every operation agrees with `BTreeSet`'s, in the same order.
        #[test]
        fn behaves_as_btreeset(
            xs in proptest::collection::vec(0u8..20, 0..30),
            ys in proptest::collection::vec(0u8..20, 0..30),
            ops in proptest::collection::vec((any::<bool>(), 0u8..20), 0..30),
        ) {
            let mut f: FlatSet<u8> = xs.iter().copied().collect();
            let mut b: BTreeSet<u8> = xs.iter().copied().collect();
            let g: FlatSet<u8> = ys.iter().copied().collect();
            let c: BTreeSet<u8> = ys.iter().copied().collect();
            prop_assert!(f.iter().eq(b.iter()));
            prop_assert_eq!(f.cmp(&g), b.cmp(&c));
            prop_assert_eq!(f == g, b == c);
            prop_assert!(f.union(&g).eq(b.union(&c)));
            prop_assert!(f.intersection(&g).eq(b.intersection(&c)));
            prop_assert!(f.difference(&g).eq(b.difference(&c)));
            prop_assert_eq!(f.is_subset(&g), b.is_subset(&c));
            prop_assert_eq!(f.is_disjoint(&g), b.is_disjoint(&c));
            for (add, v) in ops {
                if add {
                    prop_assert_eq!(f.insert(v), b.insert(v));
                } else {
                    prop_assert_eq!(f.remove(&v), b.remove(&v));
                }
                prop_assert_eq!(f.contains(&v), b.contains(&v));
            }
            f.extend(ys.iter().copied());
            b.extend(ys.iter().copied());
            prop_assert!(f.iter().eq(b.iter()));
            prop_assert_eq!(format!("{f:?}"), format!("{b:?}"));
            // A change that keeps the order, and one that does not (values collide).
            f.update_each(|v| *v = v.wrapping_mul(2));
            prop_assert!(f.iter().eq(b.iter().map(|v| v.wrapping_mul(2)).collect::<BTreeSet<_>>().iter()));
            f.update_each(|v| *v %= 7);
            let b: BTreeSet<u8> = b.iter().map(|v| v.wrapping_mul(2) % 7).collect();
            prop_assert!(f.iter().eq(b.iter()));
        }

        // Likewise for `BTreeMap`, duplicate keys in a collected list included.
        #[test]
        fn behaves_as_btreemap(
            xs in proptest::collection::vec((0u8..20, 0u8..5), 0..30),
            ops in proptest::collection::vec((0u8..3, 0u8..20, 0u8..5), 0..30),
        ) {
            let mut f: FlatMap<u8, u8> = xs.iter().copied().collect();
            let mut b: BTreeMap<u8, u8> = xs.iter().copied().collect();
            prop_assert!(f.iter().eq(b.iter()));
            for (op, k, v) in ops {
                match op {
                    0 => prop_assert_eq!(f.insert(k, v), b.insert(k, v)),
                    1 => prop_assert_eq!(f.remove(&k), b.remove(&k)),
                    _ => {
                        *f.entry(k).or_default() += v;
                        *b.entry(k).or_default() += v;
                    }
                }
                prop_assert_eq!(f.get(&k), b.get(&k));
            }
            prop_assert!(f.iter().eq(b.iter()));
            prop_assert_eq!(format!("{f:?}"), format!("{b:?}"));
            let g: FlatMap<u8, u8> = xs.iter().copied().collect();
            let c: BTreeMap<u8, u8> = xs.iter().copied().collect();
            prop_assert_eq!(f.cmp(&g), b.cmp(&c));
        }
    }
}
