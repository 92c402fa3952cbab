//! String interning for tokens and n-grams.

/// Interns token strings to dense `u32` ids, storing each string once in
/// an arena. Each id can carry a small list of `u32`s computed once when
/// the string is first seen (slant stores the lexicon patterns a token can
/// start there, so matching costs one lookup per token).
///
/// Ids depend on insertion order; reports sort by string, never by id, so
/// output does not depend on thread timing.
///
/// The table is open addressing with linear probing over 32-byte slots
/// that hold a string's first 16 bytes, its length, its id and its extra
/// list: a lookup of a word of up to 16 bytes reads one slot and nothing
/// else. Lookups can be split into [`Key::new`] + [`Vocab::touch`] for a
/// whole document first, so the slots' cache misses overlap (see
/// [`Vocab::touch`]).
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
    /// Power-of-two number of slots (or none before the first insert).
    slots: Vec<Slot>,
    /// `64 - log2(slots.len())`: a key's home slot is `hash >> shift`.
    shift: u32,
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

/// One table slot: two per cache line.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(32))]
struct Slot {
    head: [u64; 2],
    len: u32,
    /// `u32::MAX` when the slot is empty.
    id: u32,
    extra_start: u32,
    extra_end: u32,
}

const EMPTY: Slot = Slot {
    head: [0; 2],
    len: 0,
    id: u32::MAX,
    extra_start: 0,
    extra_end: 0,
};

/// A string prepared for lookup: its first 16 bytes (zero-padded), its
/// length and its hash.
///
/// ```
/// use slant::features::{Key, Vocab};
/// let mut v = Vocab::default();
/// let k = Key::new("rebels");
/// let id = v.intern_key(&k, "rebels", |_, _| {}).0;
/// assert_eq!(v.id("rebels"), Some(id));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    head: [u64; 2],
    len: u32,
    hash: u64,
}

/// Up to 8 bytes of `b` as a little-endian word, zero-padded (overlapping
/// fixed-size loads: no loop, no call).
#[inline]
fn word_of(b: &[u8]) -> u64 {
    let n = b.len();
    let w8 = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
    let w4 = |i: usize| u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes")) as u64;
    match n {
        0 => 0,
        1..=3 => {
            b[0] as u64 | (b[n / 2] as u64) << (8 * (n / 2)) | (b[n - 1] as u64) << (8 * (n - 1))
        }
        4..=7 => w4(0) | w4(n - 4) << (8 * (n - 4)),
        _ => w8(0),
    }
}

#[inline]
pub(crate) fn fold(a: u64, b: u64) -> u64 {
    let p = (a as u128).wrapping_mul(b as u128);
    (p as u64) ^ ((p >> 64) as u64)
}

const K0: u64 = 0x243f_6a88_85a3_08d3;
const K1: u64 = 0x1319_8a2e_0370_7344;
const K2: u64 = 0xa409_3822_299f_31d0;

impl Key {
    /// The 64-bit hash of the key's string: a function of its bytes only
    /// (not of any vocabulary), so equal strings hash alike in every
    /// worker and every run.
    ///
    /// ```
    /// use slant::features::Key;
    /// assert_eq!(Key::new("rebels").hash(), Key::within("the rebels", 4, 10).hash());
    /// assert_ne!(Key::new("rebels").hash(), Key::new("rebel").hash());
    /// ```
    #[inline]
    pub fn hash(&self) -> u64 {
        self.hash
    }

    /// Prepare `s` for lookup.
    ///
    /// ```
    /// use slant::features::Key;
    /// // Equal strings give equal keys, so a key can be made once and reused.
    /// assert_eq!(Key::new("rebels"), Key::new("rebels"));
    /// assert_ne!(Key::new("rebels"), Key::new("rebel"));
    /// ```
    #[inline]
    pub fn new(s: &str) -> Key {
        let b = s.as_bytes();
        let n = b.len();
        let head = [word_of(&b[..n.min(8)]), word_of(&b[n.min(8)..n.min(16)])];
        let mut h = fold(head[0] ^ K0, head[1] ^ K1 ^ n as u64);
        if n > 16 {
            for chunk in b[16..].chunks(16) {
                let m = chunk.len();
                let x = word_of(&chunk[..m.min(8)]);
                let y = word_of(&chunk[m.min(8)..]);
                h = fold(h ^ x ^ K2, y ^ K1);
            }
        }
        // Spread the high bits (the home slot) once more.
        let hash = fold(h ^ K2, K0);
        Key {
            head,
            len: n as u32,
            hash,
        }
    }

    /// `Key::new(&buf[start..end])`, faster when at least 16 bytes of `buf`
    /// follow `start`: the two head words are loaded whole and masked to
    /// the key's length, with no branch on the length (word lengths vary
    /// from token to token, so such branches are often mispredicted).
    ///
    /// ```
    /// use slant::features::Key;
    /// let buf = "the rebels fled across the border";
    /// assert_eq!(Key::within(buf, 4, 10), Key::new("rebels"));
    /// assert_eq!(Key::within(buf, 27, 33), Key::new("border")); // near the end
    /// ```
    #[inline]
    pub fn within(buf: &str, start: usize, end: usize) -> Key {
        let n = end.saturating_sub(start);
        match buf.as_bytes().get(start..start + 16) {
            Some(w) if n <= 16 => {
                let load = |i: usize| u64::from_le_bytes(w[i..i + 8].try_into().expect("8 bytes"));
                // The low `m` bytes (0 to 8) of a word.
                let mask = |m: usize| ((1u128 << (8 * m.min(8))) - 1) as u64;
                let head = [load(0) & mask(n), load(8) & mask(n.saturating_sub(8))];
                let h = fold(head[0] ^ K0, head[1] ^ K1 ^ n as u64);
                Key {
                    head,
                    len: n as u32,
                    hash: fold(h ^ K2, K0),
                }
            }
            _ => Key::new(buf.get(start..end).unwrap_or("")),
        }
    }
}

impl Vocab {
    /// The id of `s`, inserting it when new.
    ///
    /// ```
    /// use slant::features::Vocab;
    /// let mut v = Vocab::default();
    /// // Ids are dense, in first-seen order.
    /// let ids: Vec<u32> = ["the", "rebels", "the"].iter().map(|w| v.intern(w)).collect();
    /// assert_eq!(ids, [0, 1, 0]);
    /// ```
    #[inline]
    pub fn intern(&mut self, s: &str) -> u32 {
        self.intern_with(s, |_, _| {})
    }

    /// The id of `s`; when `s` is new, `extra(s, out)` fills the list kept
    /// for it (see [`Vocab::extra`]).
    ///
    /// ```
    /// use slant::features::Vocab;
    /// let mut v = Vocab::default();
    /// let id = v.intern_with("rebels", |s, out| out.push(s.len() as u32));
    /// assert_eq!(v.extra(id), [6]);
    /// // For a known string the closure is not called: the list stays.
    /// assert_eq!(v.intern_with("rebels", |_, _| unreachable!()), id);
    /// assert_eq!(v.extra(id), [6]);
    /// ```
    #[inline]
    pub fn intern_with(&mut self, s: &str, extra: impl FnOnce(&str, &mut Vec<u32>)) -> u32 {
        self.intern_full(s, extra).0
    }

    /// Like [`Vocab::intern_with`], also returning the range of the id's
    /// extra list in [`Vocab::extra_pool`].
    ///
    /// ```
    /// use slant::features::Vocab;
    /// let mut v = Vocab::default();
    /// v.intern_with("a", |_, out| out.push(7));
    /// let (id, range) = v.intern_full("bb", |s, out| out.extend([8, s.len() as u32]));
    /// assert_eq!((id, range.clone()), (1, 1..3));
    /// assert_eq!(v.extra_pool()[range.start as usize..range.end as usize], [8, 2]);
    /// // A known string gives back the same id and range.
    /// assert_eq!(v.intern_full("bb", |_, _| {}), (1, 1..3));
    /// ```
    #[inline]
    pub fn intern_full(
        &mut self,
        s: &str,
        extra: impl FnOnce(&str, &mut Vec<u32>),
    ) -> (u32, std::ops::Range<u32>) {
        self.intern_key(&Key::new(s), s, extra)
    }

    /// Read the home slot of `key` and return a value derived from it. A
    /// loop that touches every key of a document before interning them
    /// lets the processor overlap the slots' cache misses (the loads do
    /// not depend on one another); fold the results into
    /// [`std::hint::black_box`] so the loop is kept.
    ///
    /// ```
    /// use slant::features::{Key, Vocab};
    /// let mut v = Vocab::default();
    /// v.intern("a");
    /// let keys: Vec<Key> = ["a", "b"].iter().map(|w| Key::new(w)).collect();
    /// std::hint::black_box(keys.iter().fold(0, |x, k| x ^ v.touch(k)));
    /// ```
    #[inline]
    pub fn touch(&self, key: &Key) -> u32 {
        match self.slots.get(self.home(key)) {
            Some(s) => s.id,
            None => 0,
        }
    }

    #[inline]
    fn home(&self, key: &Key) -> usize {
        if self.slots.is_empty() {
            0
        } else {
            (key.hash >> self.shift) as usize
        }
    }

    /// The slot holding `key` (`s` is its string), or the empty slot
    /// where it would go.
    #[inline]
    fn find(&self, key: &Key, s: &str) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        loop {
            let slot = &self.slots[i];
            if slot.id == u32::MAX {
                return i;
            }
            if slot.head == key.head && slot.len == key.len {
                if key.len <= 16 {
                    return i;
                }
                let (a, b) = self.spans[slot.id as usize];
                if self.arena.as_bytes()[a as usize + 16..b as usize] == s.as_bytes()[16..] {
                    return i;
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// [`Vocab::intern_full`] with the key already prepared (`key` must be
    /// `Key::new(s)`).
    ///
    /// ```
    /// use slant::features::{Key, Vocab};
    /// let mut v = Vocab::default();
    /// let words = ["rebels", "fled", "rebels"];
    /// let keys: Vec<Key> = words.iter().map(|w| Key::new(w)).collect();
    /// let ids: Vec<u32> =
    ///     keys.iter().zip(words).map(|(k, w)| v.intern_key(k, w, |_, _| {}).0).collect();
    /// assert_eq!(ids, [0, 1, 0]);
    /// ```
    #[inline]
    pub fn intern_key(
        &mut self,
        key: &Key,
        s: &str,
        extra: impl FnOnce(&str, &mut Vec<u32>),
    ) -> (u32, std::ops::Range<u32>) {
        debug_assert_eq!(*key, Key::new(s));
        // Grow at 5/8 full: probes stay short (about two slots, one cache
        // line, when found).
        if (self.spans.len() + 1) * 8 > self.slots.len() * 5 {
            self.grow();
        }
        let i = self.find(key, s);
        let slot = self.slots[i];
        if slot.id != u32::MAX {
            return (slot.id, slot.extra_start..slot.extra_end);
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
        self.slots[i] = Slot {
            head: key.head,
            len: key.len,
            id,
            extra_start: e0,
            extra_end: e1,
        };
        (id, e0..e1)
    }

    /// Double the table (re-placing every id in id order, so the layout
    /// depends only on the strings and their order).
    fn grow(&mut self) {
        let n = (self.slots.len() * 2).max(64);
        self.slots = vec![EMPTY; n];
        self.shift = 64 - n.trailing_zeros();
        let mask = n - 1;
        for (id, &(a, b)) in self.spans.iter().enumerate() {
            let key = Key::new(&self.arena[a as usize..b as usize]);
            let mut i = (key.hash >> self.shift) as usize;
            while self.slots[i].id != u32::MAX {
                i = (i + 1) & mask;
            }
            let (e0, e1) = self.extra_spans[id];
            self.slots[i] = Slot {
                head: key.head,
                len: key.len,
                id: id as u32,
                extra_start: e0,
                extra_end: e1,
            };
        }
    }

    /// All extra lists, back to back (index with the ranges from
    /// [`Vocab::intern_full`]).
    ///
    /// ```
    /// use slant::features::Vocab;
    /// let mut v = Vocab::default();
    /// v.intern_with("a", |_, out| out.push(10));
    /// v.intern_with("b", |_, _| {});
    /// v.intern_with("c", |_, out| out.extend([20, 30]));
    /// assert_eq!(v.extra_pool(), [10, 20, 30]);
    /// ```
    #[inline]
    pub fn extra_pool(&self) -> &[u32] {
        &self.extra
    }

    /// The string of `id`.
    ///
    /// ```
    /// use slant::features::Vocab;
    /// let mut v = Vocab::default();
    /// for w in ["the", "rebels", "the", "fled"] {
    ///     v.intern(w);
    /// }
    /// let all: Vec<&str> = (0..v.len() as u32).map(|id| v.get(id)).collect();
    /// assert_eq!(all, ["the", "rebels", "fled"]);
    /// ```
    #[inline]
    pub fn get(&self, id: u32) -> &str {
        let (a, b) = self.spans[id as usize];
        &self.arena[a as usize..b as usize]
    }

    /// The list computed for `id` when it was interned.
    ///
    /// ```
    /// use slant::features::Vocab;
    /// let mut v = Vocab::default();
    /// let alpha = v.intern_with("alpha", |s, out| out.push(s.len() as u32));
    /// let beta = v.intern("beta");
    /// assert_eq!(v.extra(alpha), [5]);
    /// assert!(v.extra(beta).is_empty());
    /// ```
    #[inline]
    pub fn extra(&self, id: u32) -> &[u32] {
        let (a, b) = self.extra_spans[id as usize];
        &self.extra[a as usize..b as usize]
    }

    /// The id of `s` if interned.
    ///
    /// ```
    /// use slant::features::Vocab;
    /// let mut v = Vocab::default();
    /// let rebels = v.intern("rebels");
    /// assert_eq!(v.id("rebels"), Some(rebels));
    /// assert_eq!(v.id("fled"), None);
    /// assert_eq!(v.len(), 1); // looking up does not insert
    /// ```
    pub fn id(&self, s: &str) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let slot = self.slots[self.find(&Key::new(s), s)];
        (slot.id != u32::MAX).then_some(slot.id)
    }

    /// Number of distinct strings.
    ///
    /// ```
    /// use slant::features::Vocab;
    /// let mut v = Vocab::default();
    /// for w in ["the", "rebels", "the"] {
    ///     v.intern(w);
    /// }
    /// assert_eq!(v.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether empty.
    ///
    /// ```
    /// use slant::features::Vocab;
    /// let mut v = Vocab::default();
    /// assert!(v.is_empty());
    /// v.intern("rebels");
    /// assert!(!v.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Bytes held (arena, tables), for memory accounting.
    ///
    /// ```
    /// use slant::features::Vocab;
    /// let mut v = Vocab::default();
    /// assert_eq!(v.heap_bytes(), 0); // nothing allocated yet
    /// v.intern("rebels");
    /// let one = v.heap_bytes();
    /// assert!(one >= "rebels".len());
    /// for i in 0..1000 {
    ///     v.intern(&format!("word{i}"));
    /// }
    /// assert!(v.heap_bytes() > one);
    /// ```
    pub fn heap_bytes(&self) -> usize {
        self.arena.capacity()
            + self.spans.capacity() * 8
            + self.extra_spans.capacity() * 8
            + self.extra.capacity() * 4
            + self.slots.capacity() * std::mem::size_of::<Slot>()
    }
}

/// Key of a unigram in per-source n-gram counts.
///
/// ```
/// use slant::features::{unigram_key, NgramCounts, Vocab};
/// let (mut v, mut c) = (Vocab::default(), NgramCounts::default());
/// for w in ["rebels", "fled", "rebels"] {
///     c.add_keys(&[unigram_key(v.intern(w))]);
/// }
/// let rebels = unigram_key(v.id("rebels").unwrap());
/// assert_eq!(c.get(rebels), 2);
/// assert_eq!(v.ngram_text(rebels), "rebels");
/// ```
#[inline]
pub fn unigram_key(id: u32) -> u64 {
    (u32::MAX as u64) << 32 | id as u64
}

/// Key of a bigram in per-source n-gram counts: `first` then `second`.
///
/// ```
/// use slant::features::{bigram_key, unigram_key, Vocab};
/// let mut v = Vocab::default();
/// let (armed, rebels) = (v.intern("armed"), v.intern("rebels"));
/// let k = bigram_key(armed, rebels);
/// assert_eq!(v.ngram_text(k), "armed rebels");
/// assert_ne!(k, bigram_key(rebels, armed)); // order matters
/// assert_ne!(k, unigram_key(armed));
/// ```
#[inline]
pub fn bigram_key(first: u32, second: u32) -> u64 {
    (first as u64) << 32 | second as u64
}

/// Largest word id that [`occurrence_key`] can carry.
pub const MAX_OCCURRENCE_ID: u32 = (1 << 31) - 2;

/// Bit of an occurrence key's low half that tells it from a bigram key.
pub(crate) const FOLLOWED: u32 = 1 << 31;

/// Key of one *occurrence* of word `first`, followed by `second` when the
/// two make a bigram: it counts as the unigram `first` plus, with a second
/// word, the bigram `(first, second)`. One key per word instead of a
/// unigram key and a bigram key: [`NgramCounts`](super::NgramCounts)
/// resolves them into both when it sorts its pending keys. Ids must be at
/// most [`MAX_OCCURRENCE_ID`].
///
/// ```
/// use slant::features::{bigram_key, occurrence_key, unigram_key, NgramCounts};
/// let mut c = NgramCounts::default();
/// // "the cat": the occurrence of 0 is followed by 1, that of 1 by nothing.
/// c.add_keys(&[occurrence_key(0, Some(1)), occurrence_key(1, None)]);
/// assert_eq!(
///     c.iter().collect::<Vec<_>>(),
///     [(bigram_key(0, 1), 1), (unigram_key(0), 1), (unigram_key(1), 1)]
/// );
/// ```
#[inline]
pub fn occurrence_key(first: u32, second: Option<u32>) -> u64 {
    debug_assert!(first <= MAX_OCCURRENCE_ID);
    let lo = match second {
        Some(s) => {
            debug_assert!(s <= MAX_OCCURRENCE_ID);
            s | FOLLOWED
        }
        None => u32::MAX,
    };
    (first as u64) << 32 | lo as u64
}

/// The order (1 or 2) and token ids of an n-gram key (a unigram's id is
/// given twice).
///
/// ```
/// use slant::features::{bigram_key, decode_key, unigram_key, NgramCounts};
/// assert_eq!(decode_key(unigram_key(7)), (1, 7, 7));
/// assert_eq!(decode_key(bigram_key(7, 9)), (2, 7, 9));
/// // Tell a source's bigrams from its unigrams.
/// let mut c = NgramCounts::default();
/// c.add_keys(&[unigram_key(7), bigram_key(7, 9), unigram_key(9)]);
/// assert_eq!(c.iter().filter(|&(k, _)| decode_key(k).0 == 2).count(), 1);
/// ```
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
    ///
    /// ```
    /// use slant::features::{bigram_key, unigram_key, Vocab};
    /// let mut v = Vocab::default();
    /// let (armed, rebels) = (v.intern("armed"), v.intern("rebels"));
    /// assert_eq!(v.ngram_text(unigram_key(rebels)), "rebels");
    /// assert_eq!(v.ngram_text(bigram_key(armed, rebels)), "armed rebels");
    /// ```
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

    /// Strings that share prefixes, lengths and the 8/16-byte boundaries
    /// get distinct ids and come back intact.
    #[test]
    fn keys_tell_similar_strings_apart() {
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
            "abcdefghijklmnopqr",
            "abcdefghijklmnoprq",
            "a\u{0}",
            "\u{0}",
            "é",
            "ée",
            "e\u{301}",
        ];
        let mut v = Vocab::default();
        let ids: Vec<u32> = words.iter().map(|w| v.intern(w)).collect();
        assert_eq!(v.len(), words.len());
        for (w, &id) in words.iter().zip(&ids) {
            assert_eq!(v.get(id), *w);
            assert_eq!(v.id(w), Some(id));
            assert_eq!(v.intern(w), id);
        }
        for x in words {
            for y in words {
                assert_eq!(Key::new(x) == Key::new(y), x == y, "{x:?} {y:?}");
            }
        }
    }

    proptest::proptest! {
        /// Whatever the strings, ids agree with a map's first-seen order.
        #[test]
        fn ids_agree_with_a_map(words in proptest::collection::vec("[a-c\u{e9}]{0,20}", 0..400)) {
            let mut v = Vocab::default();
            let mut want: std::collections::HashMap<&str, u32> = Default::default();
            for w in &words {
                let next = want.len() as u32;
                let id = *want.entry(w.as_str()).or_insert(next);
                proptest::prop_assert_eq!(v.intern(w), id);
            }
            proptest::prop_assert_eq!(v.len(), want.len());
            for (w, id) in want {
                proptest::prop_assert_eq!(v.get(id), w);
                proptest::prop_assert_eq!(v.id(w), Some(id));
            }
        }

        /// A key made inside a larger buffer is the key of its slice, at
        /// every length and wherever the buffer ends.
        #[test]
        fn keys_within_a_buffer_are_keys_of_the_slice(
            buf in "[a-z\u{e9} ]{0,60}",
            a in 0usize..64,
            b in 0usize..64,
        ) {
            let (start, end) = (a.min(b).min(buf.len()), a.max(b).min(buf.len()));
            if buf.is_char_boundary(start) && buf.is_char_boundary(end) {
                proptest::prop_assert_eq!(Key::within(&buf, start, end), Key::new(&buf[start..end]));
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
