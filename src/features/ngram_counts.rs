//! Per-source n-gram counts kept as sorted runs that merge like a binary
//! counter (a small log-structured merge): adding a document appends its
//! sorted run, and runs of similar size are merged sequentially.
//!
//! A hash map would touch one random cache line per distinct n-gram of
//! every document; merging sorted runs streams through memory instead,
//! which is what single-thread extraction is bound by.
//!
//! Extraction pushes one [`occurrence_key`](super::occurrence_key) per
//! word (the word and, if it starts a bigram, the next word) rather than a
//! unigram key and a bigram key: about half the keys to sort. Sorting
//! groups a word's occurrences, and `resolve_occurrences` turns each
//! group into the word's unigram count and its bigram counts.

use super::vocab::FOLLOWED;

/// Counts keyed by [`unigram_key`](super::unigram_key) /
/// [`bigram_key`](super::bigram_key).
///
/// ```
/// use slant::features::NgramCounts;
/// let mut c = NgramCounts::default();
/// c.add_run(vec![(1, 2), (5, 1)]);
/// c.add_run(vec![(1, 1), (3, 4)]);
/// assert_eq!(c.iter().collect::<Vec<_>>(), [(1, 3), (3, 4), (5, 1)]);
/// assert_eq!(c.get(3), 4);
/// assert_eq!(c.len(), 3);
/// ```
#[derive(Debug, Clone, Default)]
pub struct NgramCounts {
    /// Sorted runs with distinct keys, sizes roughly halving from the first.
    levels: Vec<Vec<(u64, u64)>>,
    /// Keys added one occurrence at a time, not yet sorted into a run.
    pending: Vec<u64>,
}

/// Pending keys are sorted into a run when this many have accumulated (a
/// large first run means few merge passes).
const FLUSH_KEYS: usize = 1 << 17;

/// The fewest pending keys sorted into a run at once.
const MIN_FLUSH_KEYS: usize = 1 << 13;

/// The first index at or after `from` whose key is not below `key`
/// (`run` sorted by key, every key before `from` below `key`): an
/// exponential search forward, then a binary search in the last step.
pub(crate) fn gallop(run: &[(u64, u64)], from: usize, key: u64) -> usize {
    let (mut lo, mut hi, mut step) = (from, from, 1usize);
    while hi < run.len() && run[hi].0 < key {
        lo = hi + 1;
        hi += step;
        step *= 2;
    }
    let hi = hi.min(run.len());
    lo + run[lo..hi].partition_point(|e| e.0 < key)
}

/// Sort `keys` and count them into a run (resolving occurrence keys).
fn run_of(keys: &mut [u64]) -> Vec<(u64, u64)> {
    keys.sort_unstable();
    let Some((&last, rest)) = keys.split_last() else {
        return Vec::new();
    };
    // Count equal neighbours without a branch per key (about half of the
    // neighbours differ, so a branch would be mispredicted often): every
    // key writes its run's entry, and the write index moves on only when
    // the next key differs.
    let distinct = 1 + keys.windows(2).filter(|w| w[0] != w[1]).count();
    let mut run: Vec<(u64, u64)> = vec![(0, 0); distinct];
    let (mut w, mut start) = (0usize, 0usize);
    for (i, (&k, &next)) in rest.iter().zip(&keys[1..]).enumerate() {
        run[w] = (k, (i + 1 - start) as u64);
        let new = k != next;
        w += new as usize;
        start = if new { i + 1 } else { start };
    }
    run[w] = (last, (keys.len() - start) as u64);
    debug_assert_eq!(w + 1, distinct);
    if run.iter().any(|e| is_occurrence(e.0)) {
        run = resolve_occurrences(&run);
    }
    trim(&mut run);
    run
}

/// Whether `key` is an [`occurrence_key`](super::occurrence_key).
#[inline]
fn is_occurrence(key: u64) -> bool {
    key >> 32 != u32::MAX as u64 && key as u32 & FOLLOWED != 0
}

/// Turn a sorted run that holds occurrence keys into unigram and bigram
/// counts. Keys with the same first word are contiguous, plain bigram keys
/// before occurrence keys (the flag is the low half's top bit) and the
/// "followed by nothing" key last; unigram keys sort after everything.
fn resolve_occurrences(raw: &[(u64, u64)]) -> Vec<(u64, u64)> {
    const FLAG: u64 = FOLLOWED as u64;
    let mut out: Vec<(u64, u64)> = Vec::with_capacity(raw.len());
    let mut unigrams: Vec<(u64, u64)> = Vec::new();
    let mut i = 0;
    while i < raw.len() && raw[i].0 >> 32 != u32::MAX as u64 {
        let hi = raw[i].0 >> 32;
        // Groups are mostly short: search forward from the group's start.
        let end = gallop(raw, i, (hi + 1) << 32);
        let group = &raw[i..end];
        let split = group.partition_point(|e| !is_occurrence(e.0));
        let (plain, occ) = group.split_at(split);
        let unigram: u64 = occ.iter().map(|e| e.1).sum();
        // Occurrences followed by a word are bigrams too (not the last,
        // "followed by nothing", key).
        let followed = match occ.last() {
            Some(&(k, _)) if k as u32 == u32::MAX => &occ[..occ.len() - 1],
            _ => occ,
        };
        let (mut a, mut b) = (0, 0);
        while a < plain.len() || b < followed.len() {
            let ka = plain.get(a).map_or(u64::MAX, |e| e.0);
            let kb = followed.get(b).map_or(u64::MAX, |e| e.0 & !FLAG);
            if ka < kb {
                out.push(plain[a]);
                a += 1;
            } else if kb < ka {
                out.push((kb, followed[b].1));
                b += 1;
            } else {
                out.push((ka, plain[a].1 + followed[b].1));
                a += 1;
                b += 1;
            }
        }
        if unigram > 0 {
            unigrams.push(((u32::MAX as u64) << 32 | hi, unigram));
        }
        i = end;
    }
    out.extend_from_slice(&merge_runs(&unigrams, &raw[i..]));
    out
}

/// Give back spare capacity over an eighth of the length (runs are long
/// lived; shared keys make merged runs shorter than their allocation).
fn trim(run: &mut Vec<(u64, u64)>) {
    if run.capacity() - run.len() > run.len() / 8 {
        run.shrink_to_fit();
    }
}

/// Merge `b` into `a` in place (from the back, so no second buffer of
/// `a`'s size is needed), summing the counts of shared keys.
fn merge_into(a: &mut Vec<(u64, u64)>, b: &[(u64, u64)]) {
    let (na, nb) = (a.len(), b.len());
    // Exactly the room needed: the default doubling would leave up to
    // twice the distinct keys allocated once a corpus repeats itself.
    a.reserve_exact(nb);
    a.resize(na + nb, (0, 0));
    let (mut i, mut j, mut w) = (na, nb, na + nb);
    while j > 0 {
        w -= 1;
        if i > 0 && a[i - 1].0 > b[j - 1].0 {
            a[w] = a[i - 1];
            i -= 1;
        } else if i > 0 && a[i - 1].0 == b[j - 1].0 {
            a[w] = (b[j - 1].0, a[i - 1].1 + b[j - 1].1);
            i -= 1;
            j -= 1;
        } else {
            a[w] = b[j - 1];
            j -= 1;
        }
    }
    // a[..i] is in place; a[w..] holds the merged tail; close the gap.
    if w > i {
        a.copy_within(w.., i);
        a.truncate(a.len() - (w - i));
    }
}

/// Merge two runs into a new one, summing the counts of shared keys.
fn merge_runs(a: &[(u64, u64)], b: &[(u64, u64)]) -> Vec<(u64, u64)> {
    let mut out = vec![(0, 0); a.len() + b.len()];
    let (mut i, mut j, mut w) = (0, 0, 0);
    // Without a branch on the keys: which side comes next is a coin toss
    // the predictor loses when the runs are of similar size. (Compaction's
    // `merge_into`, a small run into a large one, keeps its branches: there
    // the large side comes next nearly every time.)
    while i < a.len() && j < b.len() {
        let (ka, ca) = a[i];
        let (kb, cb) = b[j];
        let (take_a, take_b) = (ka <= kb, kb <= ka);
        out[w] = (
            ka.min(kb),
            if take_a { ca } else { 0 } + if take_b { cb } else { 0 },
        );
        w += 1;
        i += take_a as usize;
        j += take_b as usize;
    }
    let rest = if i < a.len() { &a[i..] } else { &b[j..] };
    out[w..w + rest.len()].copy_from_slice(rest);
    out.truncate(w + rest.len());
    trim(&mut out);
    out
}

/// Counts are equal when they hold the same `(key, count)` pairs, however
/// they are split into runs and pending keys.
///
/// ```
/// use slant::features::NgramCounts;
/// let mut a = NgramCounts::default();
/// a.add_keys(&[2, 1, 2]); // pending, not yet sorted into a run
/// let mut b = NgramCounts::default();
/// b.add_run(vec![(1, 1)]);
/// b.add_run(vec![(2, 2)]);
/// assert_eq!(a, b);
/// b.insert(3, 1);
/// assert_ne!(a, b);
/// ```
impl PartialEq for NgramCounts {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for NgramCounts {}

impl NgramCounts {
    /// Count one occurrence of each key in `keys` (in any order, repeats
    /// allowed).
    ///
    /// ```
    /// use slant::features::NgramCounts;
    /// let mut c = NgramCounts::default();
    /// c.add_keys(&[7, 3, 7]);
    /// assert_eq!(c.iter().collect::<Vec<_>>(), [(3, 1), (7, 2)]);
    /// ```
    pub fn add_keys(&mut self, keys: &[u64]) {
        self.add_with(|pending| pending.extend_from_slice(keys));
    }

    /// Let `push` append occurrences directly to the pending keys (no
    /// intermediate buffer), then sort them into a run if enough have
    /// accumulated.
    ///
    /// ```
    /// use slant::features::NgramCounts;
    /// let mut c = NgramCounts::default();
    /// c.add_with(|keys| keys.extend([7, 3, 7]));
    /// assert_eq!(c.iter().collect::<Vec<_>>(), [(3, 1), (7, 2)]);
    /// ```
    #[inline]
    pub fn add_with(&mut self, push: impl FnOnce(&mut Vec<u64>)) {
        push(&mut self.pending);
        // Pending keys are occurrences, not distinct n-grams: bound them by
        // the distinct keys already counted (within [MIN_FLUSH_KEYS,
        // FLUSH_KEYS]) so memory follows the vocabulary, not the documents.
        let distinct = self.levels.first().map_or(0, Vec::len);
        if self.pending.len() >= distinct.clamp(MIN_FLUSH_KEYS, FLUSH_KEYS) {
            self.flush();
        }
    }

    /// Sort the pending keys into a run.
    ///
    /// ```
    /// use slant::features::NgramCounts;
    /// let mut c = NgramCounts::default();
    /// c.add_keys(&[7, 3, 7]); // too few to be sorted yet: pending
    /// c.flush();
    /// assert_eq!(c.iter().collect::<Vec<_>>(), [(3, 1), (7, 2)]);
    /// let sorted = c.clone();
    /// c.flush(); // nothing pending: no change
    /// assert_eq!(c, sorted);
    /// ```
    pub fn flush(&mut self) {
        if !self.pending.is_empty() {
            let run = run_of(&mut self.pending);
            self.pending = Vec::new();
            self.add_run(run);
        }
    }

    /// Add a run of `(key, count)` pairs sorted by key with distinct keys.
    ///
    /// ```
    /// use slant::features::NgramCounts;
    /// let mut c = NgramCounts::default();
    /// c.add_run(vec![(1, 2), (5, 1)]);
    /// c.add_run(vec![(5, 4)]);
    /// assert_eq!(c.iter().collect::<Vec<_>>(), [(1, 2), (5, 5)]);
    /// ```
    pub fn add_run(&mut self, run: Vec<(u64, u64)>) {
        debug_assert!(run.windows(2).all(|w| w[0].0 < w[1].0));
        if run.is_empty() {
            return;
        }
        self.levels.push(run);
        while let [.., a, b] = self.levels.as_slice() {
            if b.len() * 2 < a.len() {
                break;
            }
            let merged = merge_runs(a, b);
            self.levels.pop();
            *self.levels.last_mut().expect("two levels") = merged;
        }
        // Bound the space the smaller runs may take next to the largest (a
        // key can sit in several runs until they merge) to an eighth of
        // it, so memory follows the distinct n-grams, not the documents.
        if let [first, rest @ ..] = self.levels.as_slice() {
            if rest.iter().map(Vec::len).sum::<usize>() * 8 > first.len() {
                self.compact();
            }
        }
    }

    /// Add `count` to `key`.
    ///
    /// ```
    /// use slant::features::NgramCounts;
    /// let mut c = NgramCounts::default();
    /// c.insert(9, 3);
    /// c.insert(9, 2);
    /// assert_eq!(c.get(9), 5);
    /// ```
    pub fn insert(&mut self, key: u64, count: u64) {
        self.add_run(vec![(key, count)]);
    }

    /// Merge every run into one (iteration and lookups are then cheapest).
    ///
    /// ```
    /// use slant::features::NgramCounts;
    /// let mut a = NgramCounts::default();
    /// a.add_keys(&[2, 1, 2]); // pending keys
    /// let mut b = NgramCounts::default();
    /// b.insert(2, 1);
    /// b.insert(1, 1);
    /// b.insert(2, 1);
    /// a.compact();
    /// b.compact();
    /// assert_eq!(a.iter().collect::<Vec<_>>(), [(1, 1), (2, 2)]);
    /// assert_eq!(a, b);
    /// ```
    pub fn compact(&mut self) {
        self.flush();
        while self.levels.len() > 1 {
            let b = self.levels.pop().expect("two levels");
            merge_into(self.levels.last_mut().expect("two levels"), &b);
        }
    }

    /// Subtract the counts of `run` (sorted by key, distinct keys), at most
    /// down to zero; keys whose count reaches zero are removed. Returns the
    /// total subtracted. Compacts first.
    ///
    /// ```
    /// use slant::features::NgramCounts;
    /// let mut c = NgramCounts::default();
    /// c.add_keys(&[1, 2, 2, 3, 3, 3]);
    /// assert_eq!(c.subtract(&[(2, 2), (3, 1), (4, 5)]), 3);
    /// assert_eq!(c.iter().collect::<Vec<_>>(), [(1, 1), (3, 2)]);
    /// ```
    pub fn subtract(&mut self, run: &[(u64, u64)]) -> u64 {
        debug_assert!(run.windows(2).all(|w| w[0].0 < w[1].0));
        self.compact();
        let Some(level) = self.levels.first_mut() else {
            return 0;
        };
        let mut removed = 0u64;
        let mut at = 0usize;
        for &(key, count) in run {
            at = gallop(level, at, key);
            if let Some(e) = level.get_mut(at).filter(|e| e.0 == key) {
                let take = e.1.min(count);
                e.1 -= take;
                removed += take;
            }
        }
        level.retain(|e| e.1 > 0);
        if level.is_empty() {
            self.levels.clear();
        }
        removed
    }

    /// The count of `key` (0 when absent).
    ///
    /// ```
    /// use slant::features::NgramCounts;
    /// let mut c = NgramCounts::default();
    /// c.add_keys(&[7, 7]);
    /// c.insert(7, 3);
    /// assert_eq!(c.get(7), 5); // pending keys and runs both count
    /// assert_eq!(c.get(8), 0);
    /// ```
    pub fn get(&self, key: u64) -> u64 {
        let pending = run_of(&mut self.pending.clone());
        pending
            .binary_search_by_key(&key, |e| e.0)
            .map_or(0, |i| pending[i].1)
            + self
                .levels
                .iter()
                .filter_map(|l| l.binary_search_by_key(&key, |e| e.0).ok().map(|i| l[i].1))
                .sum::<u64>()
    }

    /// Bytes allocated for the runs and the pending keys.
    ///
    /// ```
    /// use slant::features::NgramCounts;
    /// let mut c = NgramCounts::default();
    /// c.add_keys(&[1, 2, 3]);
    /// assert!(c.heap_bytes() >= 3 * 8);
    /// ```
    pub fn heap_bytes(&self) -> usize {
        self.levels
            .iter()
            .map(|l| l.capacity() * std::mem::size_of::<(u64, u64)>())
            .sum::<usize>()
            + self.pending.capacity() * 8
    }

    /// Number of distinct keys.
    ///
    /// ```
    /// use slant::features::NgramCounts;
    /// let mut c = NgramCounts::default();
    /// c.add_keys(&[7, 3, 7]);
    /// c.insert(3, 1);
    /// assert_eq!(c.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        match self.levels.as_slice() {
            [] if self.pending.is_empty() => 0,
            [one] if self.pending.is_empty() => one.len(),
            _ => self.iter().count(),
        }
    }

    /// Whether there are no counts.
    ///
    /// ```
    /// use slant::features::NgramCounts;
    /// let mut c = NgramCounts::default();
    /// c.add_run(vec![]);
    /// assert!(c.is_empty());
    /// c.add_keys(&[7]);
    /// assert!(!c.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.levels.is_empty() && self.pending.is_empty()
    }

    /// `(key, count)` in key order.
    ///
    /// ```
    /// use slant::features::NgramCounts;
    /// let mut c = NgramCounts::default();
    /// c.insert(9, 1);
    /// c.add_keys(&[4, 9]);
    /// assert_eq!(c.iter().collect::<Vec<_>>(), [(4, 1), (9, 2)]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        let extra = run_of(&mut self.pending.clone());
        let mut pos = vec![0usize; self.levels.len() + 1];
        std::iter::from_fn(move || {
            let levels = || {
                self.levels
                    .iter()
                    .map(Vec::as_slice)
                    .chain([extra.as_slice()])
            };
            let mut best: Option<u64> = None;
            for (l, &p) in levels().zip(&pos) {
                if let Some(&(k, _)) = l.get(p) {
                    best = Some(best.map_or(k, |b: u64| b.min(k)));
                }
            }
            let key = best?;
            let mut count = 0;
            for (l, p) in levels().zip(pos.iter_mut()) {
                if let Some(&(k, c)) = l.get(*p) {
                    if k == key {
                        count += c;
                        *p += 1;
                    }
                }
            }
            Some((key, count))
        })
    }

    /// Add `other`'s counts with each key `hi << 32 | lo` rewritten to
    /// `map_hi(hi) << 32 | map_lo(lo)` (both maps injective), leaving one
    /// run.
    ///
    /// `other`'s keys are sorted by their high half, so they come in groups
    /// of one `hi`: the groups are put in their new order and only each
    /// group's entries are sorted by their new low half, which is much
    /// cheaper than sorting the whole run again.
    ///
    /// Ids below `fixed` must map to themselves and no id at or above it
    /// below it (as when both sides' vocabularies started from one seed):
    /// the keys made of such ids keep their order and are copied, not
    /// sorted. `fixed = 0` promises nothing. (`u32::MAX`, a unigram key's
    /// high half, must map to itself whatever `fixed` is.)
    ///
    /// ```
    /// use slant::features::NgramCounts;
    /// let mut a = NgramCounts::default();
    /// a.add_run(vec![(1 << 32 | 7, 1)]);
    /// let mut b = NgramCounts::default();
    /// b.add_run(vec![(2 << 32 | 1, 5), (2 << 32 | 3, 2)]);
    /// // hi 2 becomes 1, lo 1 becomes 9 and lo 3 becomes 7.
    /// a.merge_mapped(b, 0, |hi| hi - 1, |lo| 10 - lo);
    /// assert_eq!(a.iter().collect::<Vec<_>>(), [(1 << 32 | 7, 3), (1 << 32 | 9, 5)]);
    ///
    /// // Ids 0..3 are shared; 3 and 4 swap.
    /// let mut a = NgramCounts::default();
    /// a.add_run(vec![(1 << 32 | 2, 1)]);
    /// let mut b = NgramCounts::default();
    /// b.add_run(vec![(1 << 32 | 2, 1), (1 << 32 | 3, 4), (1 << 32 | 4, 6)]);
    /// let swap = |id: u32| match id { 3 => 4, 4 => 3, id => id };
    /// a.merge_mapped(b, 3, swap, swap);
    /// assert_eq!(
    ///     a.iter().collect::<Vec<_>>(),
    ///     [(1 << 32 | 2, 2), (1 << 32 | 3, 6), (1 << 32 | 4, 4)]
    /// );
    /// ```
    pub fn merge_mapped(
        &mut self,
        mut other: NgramCounts,
        fixed: u32,
        map_hi: impl Fn(u32) -> u32,
        map_lo: impl Fn(u32) -> u32,
    ) {
        other.compact();
        let theirs = other.levels.pop().unwrap_or_default();
        // (new hi, start, end) of each group of equal hi.
        let mut groups: Vec<(u32, usize, usize)> = Vec::new();
        let mut start = 0;
        for i in 1..=theirs.len() {
            if i == theirs.len() || theirs[i].0 >> 32 != theirs[start].0 >> 32 {
                groups.push((map_hi((theirs[start].0 >> 32) as u32), start, i));
                start = i;
            }
        }
        // Groups of a fixed id come first, already in order; every other
        // group's new id is at or above `fixed`.
        let kept = groups.partition_point(|g| g.0 < fixed);
        debug_assert!(groups[..kept]
            .iter()
            .all(|&(hi, s, _)| theirs[s].0 >> 32 == hi as u64));
        debug_assert!(groups[kept..].iter().all(|g| g.0 >= fixed));
        groups[kept..].sort_unstable_by_key(|g| g.0);
        let mut run: Vec<(u64, u64)> = Vec::with_capacity(theirs.len());
        let mut packed: Vec<u64> = Vec::new();
        for (hi, start, end) in groups {
            let group = &theirs[start..end];
            let hi = (hi as u64) << 32;
            // Low halves below `fixed` are unchanged and sort first.
            let split = group.partition_point(|e| (e.0 as u32) < fixed);
            let (same, moved) = group.split_at(split);
            if same.first().is_some_and(|e| e.0 >> 32 == hi >> 32) {
                run.extend_from_slice(same);
            } else {
                run.extend(same.iter().map(|&(k, c)| (hi | k & u32::MAX as u64, c)));
            }
            if moved.iter().all(|e| e.1 <= u32::MAX as u64) {
                // Within a group only the low half of the key varies: sort
                // it with the count as one u64 (new low half above, count
                // below), half the bytes of sorting the pairs.
                packed.clear();
                packed.extend(
                    moved
                        .iter()
                        .map(|&(k, c)| (map_lo(k as u32) as u64) << 32 | c),
                );
                packed.sort_unstable();
                run.extend(packed.iter().map(|&p| (hi | p >> 32, p & u32::MAX as u64)));
            } else {
                let from = run.len();
                run.extend(
                    moved
                        .iter()
                        .map(|&(k, c)| (hi | map_lo(k as u32) as u64, c)),
                );
                run[from..].sort_unstable_by_key(|e| e.0);
            }
        }
        debug_assert!(run.windows(2).all(|w| w[0].0 < w[1].0));
        drop(theirs);
        self.compact();
        match self.levels.pop() {
            None => self.levels.push(run),
            Some(mine) => self.levels.push(merge_runs(&mine, &run)),
        }
        if self.levels.last().is_some_and(Vec::is_empty) {
            self.levels.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    /// `gallop` finds what a binary search over the whole run finds, from
    /// any start at or before the answer.
    #[test]
    fn gallop_matches_partition_point() {
        let run: Vec<(u64, u64)> = [1u64, 3, 4, 9, 10, 11, 20, 31, 32, 50]
            .iter()
            .map(|&k| (k, 0))
            .collect();
        for key in 0..=55u64 {
            let want = run.partition_point(|e| e.0 < key);
            for from in 0..=want {
                assert_eq!(
                    super::gallop(&run, from, key),
                    want,
                    "key {key} from {from}"
                );
            }
        }
        assert_eq!(super::gallop(&[], 0, 7), 0);
    }

    /// Counting the same documents again must not grow memory much: pending
    /// occurrences are bounded by the distinct keys, and runs give back
    /// the room that shared keys leave.
    #[test]
    fn memory_follows_distinct_keys_not_documents() {
        // 200 documents of 500 keys from a vocabulary of 20,000 keys.
        let docs: Vec<Vec<u64>> = (0..200u64)
            .map(|d| {
                (0..500u64)
                    .map(|i| (d * 7919 + i * 104_729) % 20_000)
                    .collect()
            })
            .collect();
        let mut c = NgramCounts::default();
        let mut after = Vec::new();
        for _ in 0..4 {
            for d in &docs {
                c.add_keys(d);
            }
            after.push(c.heap_bytes());
        }
        let distinct = c.len();
        // One pass holds at most a few times the distinct keys ...
        assert!(
            after[0] <= distinct * 16 * 3,
            "{after:?} for {distinct} keys"
        );
        // ... and three more passes over the same documents add little.
        assert!(after[3] * 10 <= after[0] * 13, "{after:?}");
    }

    proptest! {
        /// Whatever the runs, the counts equal a plain map's.
        #[test]
        fn runs_sum_like_a_map(docs in prop::collection::vec(
            prop::collection::btree_map((0u64..4, 0u64..200).prop_map(|(h, l)| h << 32 | l), 1u64..5, 0..40), 0..60)) {
            let mut c = NgramCounts::default();
            let mut want: BTreeMap<u64, u64> = BTreeMap::new();
            for d in &docs {
                for (&k, &n) in d {
                    *want.entry(k).or_insert(0) += n;
                }
                c.add_run(d.iter().map(|(&k, &n)| (k, n)).collect());
            }
            let got: Vec<(u64, u64)> = c.iter().collect();
            prop_assert_eq!(&got, &want.iter().map(|(&k, &n)| (k, n)).collect::<Vec<_>>());
            prop_assert_eq!(c.len(), want.len());
            for (&k, &n) in &want {
                prop_assert_eq!(c.get(k), n);
            }
            prop_assert_eq!(c.get(1000), 0);
            // Merging with a key map that reverses both halves' order.
            let mut m = NgramCounts::default();
            m.insert(5, 1);
            m.merge_mapped(c.clone(), 0, |h| 7 - h, |l| 500 - l);
            let map = |k: u64| (7 - (k >> 32)) << 32 | (500 - (k & 0xffff_ffff));
            let mut want2: BTreeMap<u64, u64> = want.iter().map(|(&k, &n)| (map(k), n)).collect();
            *want2.entry(5).or_insert(0) += 1;
            prop_assert_eq!(m.iter().collect::<Vec<_>>(), want2.into_iter().collect::<Vec<_>>());
            // ... and with one that keeps ids below 2 and reverses the rest
            // (2..200), as after a common seed vocabulary.
            let flip = |x: u32| if x < 2 { x } else { 201 - x };
            let mut m = NgramCounts::default();
            m.insert(1 << 32 | 1, 1);
            m.insert(3 << 32 | 5, 1);
            m.merge_mapped(c.clone(), 2, flip, flip);
            let map = |k: u64| (flip((k >> 32) as u32) as u64) << 32 | flip(k as u32) as u64;
            let mut want3: BTreeMap<u64, u64> = want.iter().map(|(&k, &n)| (map(k), n)).collect();
            *want3.entry(1 << 32 | 1).or_insert(0) += 1;
            *want3.entry(3 << 32 | 5).or_insert(0) += 1;
            prop_assert_eq!(m.iter().collect::<Vec<_>>(), want3.into_iter().collect::<Vec<_>>());
            let before = c.clone();
            c.compact();
            prop_assert_eq!(&c.iter().collect::<Vec<_>>(), &got);
            // Equality is by counts, not by how they are split into runs.
            prop_assert_eq!(&c, &before);
            // The same occurrences added as loose keys, in pieces.
            let mut loose = NgramCounts::default();
            for d in &docs {
                let keys: Vec<u64> = d.iter().flat_map(|(&k, &n)| std::iter::repeat_n(k, n as usize)).collect();
                loose.add_keys(&keys);
                if keys.len() % 3 == 0 {
                    loose.flush();
                }
            }
            prop_assert_eq!(&loose.iter().collect::<Vec<_>>(), &got);
            prop_assert_eq!(loose.len(), want.len());
            for (&k, &n) in &want {
                prop_assert_eq!(loose.get(k), n);
            }
            loose.compact();
            prop_assert_eq!(loose.iter().collect::<Vec<_>>(), got);
        }
    }

    proptest! {
        /// Occurrence keys, mixed with plain unigram and bigram keys and
        /// flushed at any point, count like their expansion into unigrams
        /// and bigrams.
        #[test]
        fn occurrences_count_like_their_expansion(
            items in prop::collection::vec(
                (0u32..6, prop::option::of(0u32..6), 0u8..4), 0..300),
        ) {
            use crate::features::{bigram_key, occurrence_key, unigram_key};
            let mut c = NgramCounts::default();
            let mut want: BTreeMap<u64, u64> = BTreeMap::new();
            for &(w, next, kind) in &items {
                match kind {
                    // A plain unigram or bigram key.
                    0 => {
                        c.add_keys(&[unigram_key(w)]);
                        *want.entry(unigram_key(w)).or_insert(0) += 1;
                    }
                    1 => {
                        let x = next.unwrap_or(w);
                        c.add_keys(&[bigram_key(w, x)]);
                        *want.entry(bigram_key(w, x)).or_insert(0) += 1;
                    }
                    // An occurrence, sometimes followed by a flush.
                    _ => {
                        c.add_keys(&[occurrence_key(w, next)]);
                        *want.entry(unigram_key(w)).or_insert(0) += 1;
                        if let Some(x) = next {
                            *want.entry(bigram_key(w, x)).or_insert(0) += 1;
                        }
                        if kind == 3 {
                            c.flush();
                        }
                    }
                }
            }
            let want: Vec<(u64, u64)> = want.into_iter().collect();
            prop_assert_eq!(c.iter().collect::<Vec<_>>(), want.clone());
            for &(k, n) in &want {
                prop_assert_eq!(c.get(k), n);
            }
            c.compact();
            prop_assert_eq!(c.iter().collect::<Vec<_>>(), want);
        }
    }

    /// Counts beyond 32 bits take `merge_mapped`'s unpacked sort and come
    /// out the same.
    #[test]
    fn merge_mapped_keeps_counts_beyond_32_bits() {
        let big = 5u64 << 32;
        for count in [7, big] {
            let mut theirs = NgramCounts::default();
            theirs.add_run(vec![
                (1 << 32 | 1, count),
                (1 << 32 | 2, 3),
                (2 << 32 | 1, 4),
            ]);
            let mut mine = NgramCounts::default();
            mine.add_run(vec![(1 << 32 | 9, 1)]);
            // Low halves reversed (1 -> 9, 2 -> 8), high halves kept.
            mine.merge_mapped(theirs, 0, |h| h, |l| 10 - l);
            assert_eq!(
                mine.iter().collect::<Vec<_>>(),
                [(1 << 32 | 8, 3), (1 << 32 | 9, count + 1), (2 << 32 | 9, 4)]
            );
        }
    }

    #[test]
    fn merge_in_place_equals_merge() {
        type Run = &'static [(u64, u64)];
        let cases: &[(Run, Run)] = &[
            (&[], &[]),
            (&[(1, 1)], &[]),
            (&[], &[(1, 1)]),
            (&[(1, 1), (3, 1)], &[(2, 1)]),
            (&[(1, 1), (3, 1)], &[(1, 2), (3, 2)]),
            (&[(5, 1)], &[(1, 1), (2, 1), (9, 1)]),
            (&[(1, 1), (2, 1), (9, 1)], &[(5, 1), (9, 4)]),
        ];
        for (a, b) in cases {
            let mut m = a.to_vec();
            merge_into(&mut m, b);
            assert_eq!(m, merge_runs(a, b), "{a:?} {b:?}");
        }
    }

    #[test]
    fn levels_stay_logarithmic() {
        let mut c = NgramCounts::default();
        for d in 0..10_000u64 {
            c.add_run(vec![(d, 1)]);
        }
        assert!(c.levels.len() <= 15, "{}", c.levels.len());
        assert_eq!(c.len(), 10_000);
    }
}
