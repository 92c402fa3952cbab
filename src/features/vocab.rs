//! String interning for tokens and n-grams.

use hashbrown::HashTable;
use std::hash::{BuildHasher, Hasher};

/// Interns token strings to dense `u32` ids, storing each string once in
/// an arena. Each id can carry a small list of `u32`s computed once when
/// the string is first seen (slant stores the lexicon patterns a token can
/// start there, so matching costs one lookup per token).
///
/// Ids depend on insertion order; reports sort by string, never by id, so
/// output does not depend on thread timing.
///
/// ```
/// use slant::features::Vocab;
/// let mut v = Vocab::default();
/// let a = v.intern("taliban");
/// assert_eq!(v.intern("taliban"), a);
/// assert_eq!(v.get(a), "taliban");
/// assert_eq!(v.len(), 1);
/// ```
#[derive(Clone, Default)]
pub struct Vocab {
    /// Entries: comparing a probe and reading the extra list need no
    /// second lookup.
    table: HashTable<Entry>,
    arena: String,
    /// `(start, end)` in `arena` per id.
    spans: Vec<(u32, u32)>,
    /// `(start, end)` in `extra` per id.
    extra_spans: Vec<(u32, u32)>,
    extra: Vec<u32>,
    scratch: Vec<u32>,
}

impl std::fmt::Debug for Vocab {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vocab").field("len", &self.len()).finish()
    }
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    start: u32,
    end: u32,
    id: u32,
    extra_start: u32,
    extra_end: u32,
}

/// Equality of short byte strings without a `memcmp` call (most tokens
/// are at most 16 bytes).
#[inline]
fn fast_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let n = a.len();
    // Overlapping fixed-size loads: no call, no copy.
    let w8 = |s: &[u8], i: usize| u64::from_ne_bytes(s[i..i + 8].try_into().expect("8 bytes"));
    let w4 = |s: &[u8], i: usize| u32::from_ne_bytes(s[i..i + 4].try_into().expect("4 bytes"));
    if n <= 16 {
        if n >= 8 {
            w8(a, 0) == w8(b, 0) && w8(a, n - 8) == w8(b, n - 8)
        } else if n >= 4 {
            w4(a, 0) == w4(b, 0) && w4(a, n - 4) == w4(b, n - 4)
        } else {
            a.iter().zip(b).all(|(x, y)| x == y)
        }
    } else {
        a == b
    }
}

#[inline]
fn hash_str(s: &str) -> u64 {
    let mut h = rustc_hash::FxBuildHasher.build_hasher();
    h.write(s.as_bytes());
    h.finish()
}

impl Vocab {
    /// The id of `s`, inserting it when new.
    #[inline]
    pub fn intern(&mut self, s: &str) -> u32 {
        self.intern_with(s, |_, _| {})
    }

    /// The id of `s`; when `s` is new, `extra(s, out)` fills the list kept
    /// for it (see [`Vocab::extra`]).
    #[inline]
    pub fn intern_with(&mut self, s: &str, extra: impl FnOnce(&str, &mut Vec<u32>)) -> u32 {
        self.intern_full(s, extra).0
    }

    /// Like [`Vocab::intern_with`], also returning the range of the id's
    /// extra list in [`Vocab::extra_pool`].
    #[inline]
    pub fn intern_full(
        &mut self,
        s: &str,
        extra: impl FnOnce(&str, &mut Vec<u32>),
    ) -> (u32, std::ops::Range<u32>) {
        let hash = hash_str(s);
        let arena = self.arena.as_bytes();
        let eq = |e: &Entry| fast_eq(&arena[e.start as usize..e.end as usize], s.as_bytes());
        if let Some(e) = self.table.find(hash, eq) {
            return (e.id, e.extra_start..e.extra_end);
        }
        let id = self.spans.len() as u32;
        let start = self.arena.len() as u32;
        self.arena.push_str(s);
        let end = self.arena.len() as u32;
        self.spans.push((start, end));
        self.scratch.clear();
        extra(s, &mut self.scratch);
        let e0 = self.extra.len() as u32;
        self.extra.extend_from_slice(&self.scratch);
        let e1 = self.extra.len() as u32;
        self.extra_spans.push((e0, e1));
        let arena = &self.arena;
        let entry = Entry {
            start,
            end,
            id,
            extra_start: e0,
            extra_end: e1,
        };
        self.table.insert_unique(hash, entry, |e| {
            hash_str(&arena[e.start as usize..e.end as usize])
        });
        (id, e0..e1)
    }

    /// All extra lists, back to back (index with the ranges from
    /// [`Vocab::intern_full`]).
    #[inline]
    pub fn extra_pool(&self) -> &[u32] {
        &self.extra
    }

    /// The string of `id`.
    #[inline]
    pub fn get(&self, id: u32) -> &str {
        let (a, b) = self.spans[id as usize];
        &self.arena[a as usize..b as usize]
    }

    /// The list computed for `id` when it was interned.
    #[inline]
    pub fn extra(&self, id: u32) -> &[u32] {
        let (a, b) = self.extra_spans[id as usize];
        &self.extra[a as usize..b as usize]
    }

    /// The id of `s` if interned.
    pub fn id(&self, s: &str) -> Option<u32> {
        let eq = |e: &Entry| self.get(e.id) == s;
        self.table.find(hash_str(s), eq).map(|e| e.id)
    }

    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether empty.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Bytes held (arena, tables), for memory accounting.
    pub fn heap_bytes(&self) -> usize {
        self.arena.capacity()
            + self.spans.capacity() * 8
            + self.extra_spans.capacity() * 8
            + self.extra.capacity() * 4
            + self.table.capacity() * 21
    }
}

/// Key of a unigram in per-source n-gram counts.
#[inline]
pub fn unigram_key(id: u32) -> u64 {
    (u32::MAX as u64) << 32 | id as u64
}

/// Key of a bigram in per-source n-gram counts.
#[inline]
pub fn bigram_key(first: u32, second: u32) -> u64 {
    (first as u64) << 32 | second as u64
}

/// The order (1 or 2) and token ids of an n-gram key.
#[inline]
pub fn decode_key(key: u64) -> (u8, u32, u32) {
    let hi = (key >> 32) as u32;
    let lo = key as u32;
    if hi == u32::MAX {
        (1, lo, lo)
    } else {
        (2, hi, lo)
    }
}

impl Vocab {
    /// The text of an n-gram key: the word, or the two words separated by a
    /// space.
    pub fn ngram_text(&self, key: u64) -> String {
        match decode_key(key) {
            (1, id, _) => self.get(id).to_string(),
            (_, a, b) => format!("{} {}", self.get(a), self.get(b)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_eq_agrees_with_slice_equality() {
        let words = [
            "",
            "a",
            "b",
            "ab",
            "ba",
            "abc",
            "abd",
            "abcd",
            "abce",
            "xbcd",
            "abcde",
            "abcdf",
            "abcdefg",
            "abcdefh",
            "abcdefgh",
            "abcdefgi",
            "bbcdefgh",
            "abcdefghijklmno",
            "abcdefghijklmnp",
            "abcdefghijklmnop",
            "abcdefghijklmnoq",
            "bbcdefghijklmnop",
            "abcdefghijklmnopq",
            "abcdefghijklmnopr",
        ];
        for x in words {
            for y in words {
                assert_eq!(fast_eq(x.as_bytes(), y.as_bytes()), x == y, "{x:?} {y:?}");
            }
        }
    }

    #[test]
    fn interning_with_extra_lists() {
        let mut v = Vocab::default();
        let a = v.intern_with("alpha", |s, out| out.push(s.len() as u32));
        let b = v.intern_with("beta", |_, _| {});
        let a2 = v.intern_with("alpha", |_, _| panic!("not called for known strings"));
        assert_eq!(a, a2);
        assert_eq!(v.extra(a), &[5]);
        assert!(v.extra(b).is_empty());
        assert_eq!(v.id("beta"), Some(b));
        assert_eq!(v.id("gamma"), None);
        for i in 0..10_000u32 {
            let s = format!("w{i}");
            let id = v.intern(&s);
            assert_eq!(v.get(id), s);
        }
        assert_eq!(v.len(), 10_002);
        assert_eq!(v.get(a), "alpha");
    }
}
