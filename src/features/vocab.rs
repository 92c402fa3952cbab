//! String interning for n-grams.

use rustc_hash::FxHashMap;

/// Interns n-gram strings to dense `u32` ids. Ids depend on insertion
/// order; reports sort by string, never by id, so output does not depend on
/// thread timing.
///
/// ```
/// use slant::features::Vocab;
/// let mut v = Vocab::default();
/// let a = v.intern("taliban");
/// assert_eq!(v.intern("taliban"), a);
/// assert_eq!(v.get(a), "taliban");
/// assert_eq!(v.len(), 1);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Vocab {
    ids: FxHashMap<Box<str>, u32>,
    strings: Vec<Box<str>>,
}

impl Vocab {
    /// The id of `s`, inserting it when new (allocates only then).
    #[inline]
    pub fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.strings.len() as u32;
        let b: Box<str> = s.into();
        self.strings.push(b.clone());
        self.ids.insert(b, id);
        id
    }

    /// The string of `id`.
    pub fn get(&self, id: u32) -> &str {
        &self.strings[id as usize]
    }

    /// The id of `s` if interned.
    pub fn id(&self, s: &str) -> Option<u32> {
        self.ids.get(s).copied()
    }

    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.strings.len()
    }

    /// Whether empty.
    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }
}
