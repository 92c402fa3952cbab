//! Referents and their labels: who is called what, by whom.
//!
//! Per document ([`ReferentCounts::add_document`], run by
//! [`Extractor::extract`](super::Extractor::extract) when
//! [`FeatureOptions::referents`](super::FeatureOptions::referents) is on):
//! `discover` finds the mentions of names (capitalised sequences, with
//! honorifics and titles split off: "Mr. Kim" → `kim`, "President Donald
//! Trump" → `donald trump` titled `president`) and `link` the labels and how
//! they are linked to a name (title, premodifier, apposition, copula), to
//! the name an adjective is made from ("Democratic donors") or,
//! for a definite noun phrase, the names mentioned before it in its
//! paragraph. Everything is counted in [`ReferentCounts`], sums keyed by
//! strings, so shards merge in any order to the same totals.
//!
//! Per corpus ([`ReferentCounts::labels`], in `labels`): per story (or for
//! the whole corpus without story ids) the names mentioned by at least
//! [`LabelOptions::min_sources`] sources are the referents, their aliases
//! merged (a name that is the first or last words of a longer one: `kim` →
//! `kim jong un`; an acronym of one: `dnc` → `democratic national
//! committee`); an anaphor is linked to the nearest referent before it whose
//! labels in the story share its head ("the group" after "the Taliban, an
//! Islamist militant group"); two such referents as near → `unresolved`,
//! and so is an anaphor with none.
//!
//! ```
//! use slant::corpus::Document;
//! use slant::features::referents::{LabelOptions, ReferentCounts};
//! use slant::text::Analyzed;
//! let mut counts = ReferentCounts::default();
//! let mut a = Analyzed::default();
//! let texts = [
//!     ("a", "The Taliban, an Islamist militant group, attacked. The group said so."),
//!     ("b", "Taliban fighters attacked the base on Monday."),
//! ];
//! for (source, text) in texts {
//!     a.analyze(text);
//!     counts.add_document(&a, source, None);
//! }
//! let rows = counts.labels(&LabelOptions::default());
//! let got: Vec<(&str, &str, &str, &str)> = rows
//!     .iter()
//!     .map(|r| (r.referent.as_str(), r.source.as_str(), r.label.as_str(), r.link.as_str()))
//!     .collect();
//! assert_eq!(got, [
//!     ("Taliban", "a", "group", "anaphora"),
//!     ("Taliban", "a", "islamist militant group", "apposition"),
//!     ("Taliban", "b", "fighters", "premodifier"),
//! ]);
//! ```

mod discover;
mod labels;
mod link;
mod words;

pub use labels::{referent_keys, LabelResolution, UNRESOLVED};

use crate::text::{Analyzed, Voice};
use hashbrown::Equivalent;

/// The counting map of [`ReferentCounts`]: keys of owned strings, looked up
/// by borrowed ones while counting (no allocation for a key already there).
pub type CountMap<K> = hashbrown::HashMap<K, u64, rustc_hash::FxBuildHasher>;

/// How a label was linked to its referent.
///
/// ```
/// use slant::features::referents::LinkRule;
/// assert_eq!(LinkRule::parse("copula"), Some(LinkRule::Copula));
/// assert_eq!(LinkRule::Copula.as_str(), "copula");
/// assert_eq!(LinkRule::parse("guess"), None);
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum LinkRule {
    /// A title before a name ("North Korean dictator Kim Jong Un").
    Title,
    /// A name before a person or group noun ("Taliban fighters").
    Premodifier,
    /// An adjective of a referent's name before a plural person noun or a
    /// collective ("Democratic donors" → the Democratic Party, "North
    /// Korean officials" → North Korea).
    Adjective,
    /// An apposition ("the Taliban, an Islamist militant group,").
    Apposition,
    /// A copula ("the Taliban are insurgents").
    Copula,
    /// A definite noun phrase resolved to a referent before it ("the group").
    Anaphora,
    /// A definite noun phrase with no compatible referent in its paragraph,
    /// linked to the referent of the story that the direct rules link its
    /// head to at least two times out of three ("the president"); only with
    /// story ids.
    Salience,
    /// Not linked to any referent.
    Unresolved,
}

impl LinkRule {
    /// The rules that link (every one but `Unresolved`).
    pub const LINKING: [LinkRule; 7] = [
        LinkRule::Title,
        LinkRule::Premodifier,
        LinkRule::Adjective,
        LinkRule::Apposition,
        LinkRule::Copula,
        LinkRule::Anaphora,
        LinkRule::Salience,
    ];

    /// The rule's name in `labels.csv`.
    ///
    /// ```
    /// assert_eq!(slant::features::referents::LinkRule::Title.as_str(), "title");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            LinkRule::Title => "title",
            LinkRule::Premodifier => "premodifier",
            LinkRule::Adjective => "adjective",
            LinkRule::Apposition => "apposition",
            LinkRule::Copula => "copula",
            LinkRule::Anaphora => "anaphora",
            LinkRule::Salience => "salience",
            LinkRule::Unresolved => "unresolved",
        }
    }

    /// The rule named `s` (one of [`LinkRule::LINKING`]).
    ///
    /// ```
    /// use slant::features::referents::LinkRule;
    /// assert_eq!(LinkRule::parse("anaphora"), Some(LinkRule::Anaphora));
    /// assert_eq!(LinkRule::parse("unresolved"), None);
    /// ```
    pub fn parse(s: &str) -> Option<LinkRule> {
        LinkRule::LINKING.into_iter().find(|r| r.as_str() == s)
    }
}

/// What [`ReferentCounts::labels`] links and keeps.
///
/// ```
/// use slant::features::referents::{LabelOptions, LinkRule};
/// let o = LabelOptions::default();
/// assert_eq!((o.min_sources, o.rules.len()), (2, 7));
/// let no_anaphora = LabelOptions { rules: vec![LinkRule::Title, LinkRule::Copula], ..o };
/// assert!(!no_anaphora.rules.contains(&LinkRule::Anaphora));
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LabelOptions {
    /// The link rules in use (anaphora finds its referents through the
    /// labels the others link).
    pub rules: Vec<LinkRule>,
    /// A name is a referent when at least this many sources mention it
    /// (in its story).
    pub min_sources: usize,
}

impl Default for LabelOptions {
    fn default() -> Self {
        LabelOptions {
            rules: LinkRule::LINKING.to_vec(),
            min_sources: 2,
        }
    }
}

/// One row of `labels.csv` before its z: a label a source used for a
/// referent in a story, in one voice, with the rules that linked it.
///
/// ```
/// use slant::features::referents::LabelRow;
/// use slant::text::Voice;
/// let r = LabelRow {
///     story: String::new(),
///     referent: "Taliban".into(),
///     source: "a".into(),
///     label: "militant group".into(),
///     voice: Voice::Authorial,
///     link: "apposition".into(),
///     count: 2,
/// };
/// assert_eq!(r.count, 2);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct LabelRow {
    /// The story id (empty without story ids).
    pub story: String,
    /// The referent's canonical name, or [`UNRESOLVED`].
    pub referent: String,
    /// The source.
    pub source: String,
    /// The label: lower case, without its determiner.
    pub label: String,
    /// Authorial or quoted.
    pub voice: Voice,
    /// The rules that linked it, joined by `+` (in [`LinkRule`] order).
    pub link: String,
    /// How many times.
    pub count: u64,
}

/// Names kept per anaphor (the nearest distinct ones).
const MAX_CANDIDATES: usize = 5;

/// (story, name key, source, label, quoted, rule): a link's key (for
/// [`LinkRule::Adjective`] the lower-case adjective, "north korean", in
/// place of the name key: its referent is found per story).
pub type LinkKey = (String, String, String, String, bool, LinkRule);
/// (story, source, label, quoted, earlier names of the paragraph as
/// (sentences back, name key), nearest first): an anaphor's key.
pub type AnaphorKey = (String, String, String, bool, Vec<(u32, String)>);

/// The per-document findings of the referent rules, summed: mergeable in
/// any order and any split (plain sums keyed by strings).
///
/// ```
/// use slant::features::referents::ReferentCounts;
/// use slant::text::Analyzed;
/// let mut a = Analyzed::default();
/// let (mut left, mut right, mut all) =
///     (ReferentCounts::default(), ReferentCounts::default(), ReferentCounts::default());
/// a.analyze("Mr. Kim met President Trump.");
/// left.add_document(&a, "x", Some("s"));
/// all.add_document(&a, "x", Some("s"));
/// a.analyze("North Korean leader Kim Jong Un met Trump.");
/// right.add_document(&a, "y", Some("s"));
/// all.add_document(&a, "y", Some("s"));
/// left.merge(right);
/// assert_eq!(left, all);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReferentCounts {
    /// (story, name key, source) → mentions.
    pub names: CountMap<(String, String, String)>,
    /// (story, name key, name as written) → mentions.
    pub surfaces: CountMap<(String, String, String)>,
    /// (story, name key) → mentions right after "the" (a group's name).
    pub definite: CountMap<(String, String)>,
    /// (story, name key, source, label, quoted, rule) → links.
    pub links: CountMap<LinkKey>,
    /// (story, source, label, quoted, earlier names of the paragraph as
    /// (sentences back, name key), nearest first) → anaphors.
    pub anaphors: CountMap<AnaphorKey>,
}

/// A borrowed (String, String) key: hashes as the owned one.
#[derive(Hash)]
struct Key2<'a>(&'a str, &'a str);

impl Equivalent<(String, String)> for Key2<'_> {
    fn equivalent(&self, k: &(String, String)) -> bool {
        self.0 == k.0 && self.1 == k.1
    }
}

/// A borrowed (String, String, String) key: hashes as the owned one.
#[derive(Hash)]
struct Key3<'a>(&'a str, &'a str, &'a str);

impl Equivalent<(String, String, String)> for Key3<'_> {
    fn equivalent(&self, k: &(String, String, String)) -> bool {
        self.0 == k.0 && self.1 == k.1 && self.2 == k.2
    }
}

/// A borrowed [`LinkKey`]: hashes as the owned one.
#[derive(Hash)]
struct LinkRef<'a>(&'a str, &'a str, &'a str, &'a str, bool, LinkRule);

impl Equivalent<LinkKey> for LinkRef<'_> {
    fn equivalent(&self, k: &LinkKey) -> bool {
        self.5 == k.5
            && self.4 == k.4
            && self.3 == k.3
            && self.1 == k.1
            && self.2 == k.2
            && self.0 == k.0
    }
}

/// Add `n` to the count of `(a, b, c)`, allocating its key only when new.
fn bump3(m: &mut CountMap<(String, String, String)>, a: &str, b: &str, c: &str, n: u64) {
    match m.get_mut(&Key3(a, b, c)) {
        Some(v) => *v += n,
        None => {
            m.insert((a.to_string(), b.to_string(), c.to_string()), n);
        }
    }
}

/// [`ReferentCounts`] as plain data, each map's entries sorted (for a
/// partial: the same counts give the same bytes).
///
/// ```
/// use slant::features::referents::ReferentCounts;
/// use slant::text::Analyzed;
/// let mut a = Analyzed::default();
/// a.analyze("North Korean dictator Kim Jong Un met Mr. Kim's envoy.");
/// let mut c = ReferentCounts::default();
/// c.add_document(&a, "x", Some("s"));
/// let parts = c.to_parts();
/// assert!(parts.names.windows(2).all(|w| w[0].0 < w[1].0));
/// assert_eq!(ReferentCounts::from_parts(parts), c);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReferentParts {
    /// [`ReferentCounts::names`], sorted.
    pub names: Vec<((String, String, String), u64)>,
    /// [`ReferentCounts::surfaces`], sorted.
    pub surfaces: Vec<((String, String, String), u64)>,
    /// [`ReferentCounts::definite`], sorted.
    pub definite: Vec<((String, String), u64)>,
    /// [`ReferentCounts::links`], sorted.
    pub links: Vec<(LinkKey, u64)>,
    /// [`ReferentCounts::anaphors`], sorted.
    pub anaphors: Vec<(AnaphorKey, u64)>,
}

fn sorted<K: Ord + Clone>(m: &CountMap<K>) -> Vec<(K, u64)> {
    let mut v: Vec<(K, u64)> = m.iter().map(|(k, n)| (k.clone(), *n)).collect();
    v.sort_unstable();
    v
}

impl ReferentCounts {
    /// These counts as plain data (see [`ReferentParts`]).
    pub fn to_parts(&self) -> ReferentParts {
        ReferentParts {
            names: sorted(&self.names),
            surfaces: sorted(&self.surfaces),
            definite: sorted(&self.definite),
            links: sorted(&self.links),
            anaphors: sorted(&self.anaphors),
        }
    }

    /// Counts back from [`to_parts`](Self::to_parts) (repeated keys add up).
    pub fn from_parts(p: ReferentParts) -> ReferentCounts {
        fn map<K: Eq + std::hash::Hash>(v: Vec<(K, u64)>) -> CountMap<K> {
            let mut m = CountMap::with_capacity_and_hasher(v.len(), Default::default());
            for (k, n) in v {
                *m.entry(k).or_default() += n;
            }
            m
        }
        ReferentCounts {
            names: map(p.names),
            surfaces: map(p.surfaces),
            definite: map(p.definite),
            links: map(p.links),
            anaphors: map(p.anaphors),
        }
    }
}

fn add_all<K: Eq + std::hash::Hash>(into: &mut CountMap<K>, from: CountMap<K>) {
    if into.is_empty() {
        *into = from;
        return;
    }
    for (k, n) in from {
        *into.entry(k).or_default() += n;
    }
}

/// Per-worker buffers for [`ReferentCounts::add_document_with`].
///
/// ```
/// use slant::features::referents::{ReferentCounts, ReferentScratch};
/// use slant::text::Analyzed;
/// let (mut a, mut s, mut c) = (Analyzed::default(), ReferentScratch::default(), ReferentCounts::default());
/// a.analyze("Kim met Trump.");
/// c.add_document_with(&a, "x", None, &mut s);
/// assert_eq!(c.names.len(), 2);
/// ```
#[derive(Debug, Default)]
pub struct ReferentScratch {
    discover: discover::Scratch,
    found: Vec<link::Found>,
    spans: Vec<(usize, usize, usize)>,
    /// The document's mentions, by key and surface.
    order: Vec<u32>,
    /// Whether to keep the document's labels in `labels`.
    record: bool,
    labels: Vec<LabelMention>,
}

impl ReferentScratch {
    /// Keep each document's labels, with their spans and keys, for
    /// [`labels`](Self::labels) (off by default: counting needs no more).
    ///
    /// ```
    /// use slant::features::referents::{ReferentCounts, ReferentScratch};
    /// use slant::text::Analyzed;
    /// let (mut a, mut c) = (Analyzed::default(), ReferentCounts::default());
    /// let mut s = ReferentScratch::default();
    /// s.record(true);
    /// a.analyze("The Taliban are insurgents.");
    /// c.add_document_with(&a, "x", None, &mut s);
    /// let l = &s.labels()[0];
    /// assert_eq!(&a.norm.text[l.span.0 as usize..l.span.1 as usize], "insurgents");
    /// ```
    pub fn record(&mut self, on: bool) {
        self.record = on;
        if !on {
            self.labels = Vec::new();
        }
    }

    /// The labels of the last document (with [`record`](Self::record) on),
    /// in the order the rules found them.
    pub fn labels(&self) -> &[LabelMention] {
        &self.labels
    }
}

/// What a label of a document is linked through: the key its
/// [`LabelResolution`] resolves at the end of a run.
///
/// ```
/// use slant::features::referents::{LinkRule, MentionKey};
/// let k = MentionKey::Direct { key: "taliban".into(), rule: LinkRule::Premodifier };
/// assert_eq!(MentionKey::parse(&k.to_cell()), Some(k));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MentionKey {
    /// Linked by a direct rule to the name `key` (for
    /// [`LinkRule::Adjective`], the lower-case adjective).
    Direct {
        /// The name's alias key, or the adjective.
        key: String,
        /// The rule.
        rule: LinkRule,
    },
    /// An anaphor: its label and the earlier names of its paragraph as
    /// (sentences back, name key), nearest first.
    Anaphor {
        /// The label.
        label: String,
        /// The candidate names.
        candidates: Vec<(u32, String)>,
    },
}

impl MentionKey {
    /// The key as one text cell (tab-separated; names and labels hold no
    /// tabs), for a file resolved at the end of the run.
    pub fn to_cell(&self) -> String {
        let mut s = String::new();
        self.write_cell(&mut s);
        s
    }

    /// [`to_cell`](Self::to_cell) appended to `s`.
    pub fn write_cell(&self, s: &mut String) {
        match self {
            MentionKey::Direct { key, rule } => {
                s.push_str(rule.as_str());
                s.push('\t');
                s.push_str(key);
            }
            MentionKey::Anaphor { label, candidates } => {
                s.push_str("anaphora\t");
                s.push_str(label);
                for (d, k) in candidates {
                    s.push('\t');
                    s.push_str(&d.to_string());
                    s.push(':');
                    s.push_str(k);
                }
            }
        }
    }

    /// The key back from [`to_cell`](Self::to_cell).
    ///
    /// ```
    /// use slant::features::referents::MentionKey;
    /// let k = MentionKey::Anaphor { label: "group".into(), candidates: vec![(0, "taliban".into())] };
    /// assert_eq!(k.to_cell(), "anaphora\tgroup\t0:taliban");
    /// assert_eq!(MentionKey::parse("anaphora\tgroup\t0:taliban"), Some(k));
    /// assert_eq!(MentionKey::parse("guess\tx"), None);
    /// ```
    pub fn parse(cell: &str) -> Option<MentionKey> {
        let mut parts = cell.split('\t');
        let rule = parts.next()?;
        if rule == "anaphora" {
            let label = parts.next()?.to_string();
            let candidates = parts
                .map(|p| {
                    let (d, k) = p.split_once(':')?;
                    Some((d.parse().ok()?, k.to_string()))
                })
                .collect::<Option<Vec<_>>>()?;
            return Some(MentionKey::Anaphor { label, candidates });
        }
        let rule = LinkRule::parse(rule)?;
        let key = parts.next()?.to_string();
        (parts.next().is_none()).then_some(MentionKey::Direct { key, rule })
    }
}

/// The label a match at `span` (normalised bytes) is part of, if any: of
/// the labels overlapping it, a directly linked one first (in
/// [`LinkRule`] order), then an anaphor.
///
/// ```
/// use slant::features::referents::{label_at, ReferentCounts, ReferentScratch};
/// use slant::text::Analyzed;
/// let (mut a, mut c, mut s) = (Analyzed::default(), ReferentCounts::default(), ReferentScratch::default());
/// s.record(true);
/// a.analyze("The Taliban are insurgents. Nobody else.");
/// c.add_document_with(&a, "x", None, &mut s);
/// assert!(label_at(s.labels(), (16, 26)).is_some());
/// assert!(label_at(s.labels(), (28, 34)).is_none());
/// ```
pub fn label_at(labels: &[LabelMention], span: (u32, u32)) -> Option<&LabelMention> {
    let rank = |l: &LabelMention| match &l.key {
        MentionKey::Direct { rule, .. } => *rule as u8,
        MentionKey::Anaphor { .. } => u8::MAX,
    };
    labels
        .iter()
        .filter(|l| l.span.0 < span.1 && span.0 < l.span.1)
        .min_by_key(|l| (rank(l), l.span))
}

/// Keep a label of the document when recording (the key made only then).
fn record(
    labels: &mut Vec<LabelMention>,
    on: bool,
    (span, name, voice): ((u32, u32), Option<(u32, u32)>, Voice),
    key: impl FnOnce() -> MentionKey,
) {
    if on {
        labels.push(LabelMention {
            span,
            name,
            voice,
            key: key(),
        });
    }
}

/// One label of a document (see [`ReferentScratch::record`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelMention {
    /// Byte span of the label in the normalised text.
    pub span: (u32, u32),
    /// Byte span of the name it is linked to in the normalised text (for
    /// the direct rules but the adjective).
    pub name: Option<(u32, u32)>,
    /// Authorial or quoted.
    pub voice: Voice,
    /// What resolves it.
    pub key: MentionKey,
}

impl ReferentCounts {
    /// Count the names and labels of one analyzed document of `source` in
    /// `story` (see the [module](self) documentation).
    ///
    /// ```
    /// use slant::features::referents::ReferentCounts;
    /// use slant::text::Analyzed;
    /// let mut a = Analyzed::default();
    /// a.analyze("The Taliban are insurgents.");
    /// let mut c = ReferentCounts::default();
    /// c.add_document(&a, "x", None);
    /// assert_eq!(c.links.len(), 1);
    /// ```
    pub fn add_document(&mut self, a: &Analyzed, source: &str, story: Option<&str>) {
        self.add_document_with(a, source, story, &mut ReferentScratch::default());
    }

    /// [`add_document`](Self::add_document) with reused buffers.
    ///
    /// ```
    /// use slant::features::referents::{ReferentCounts, ReferentScratch};
    /// use slant::text::Analyzed;
    /// let (mut a, mut s, mut c) = (Analyzed::default(), ReferentScratch::default(), ReferentCounts::default());
    /// a.analyze("Kim, the North Korean leader, arrived.");
    /// c.add_document_with(&a, "x", Some("s1"), &mut s);
    /// let (key, n) = c.links.iter().next().unwrap();
    /// assert_eq!((key.1.as_str(), key.3.as_str(), *n), ("kim", "north korean leader", 1));
    /// ```
    pub fn add_document_with(
        &mut self,
        a: &Analyzed,
        source: &str,
        story: Option<&str>,
        s: &mut ReferentScratch,
    ) {
        discover::discover(a, &mut s.discover);
        let d = &s.discover;
        s.spans.clear();
        s.spans
            .extend(d.mentions.iter().map(|m| (m.start, m.end, m.seq_start)));
        link::find(&d.toks, &d.low, &s.spans, &mut s.found);
        s.labels.clear();
        let story = story.unwrap_or("");
        // Each key (and surface) once per document: the same name comes
        // back several times.
        s.order.clear();
        s.order.extend(0..d.mentions.len() as u32);
        let ms = &d.mentions;
        s.order.sort_unstable_by(|&a, &b| {
            let (a, b) = (&ms[a as usize], &ms[b as usize]);
            a.key.cmp(&b.key).then_with(|| a.surface.cmp(&b.surface))
        });
        let mut at = 0;
        while at < s.order.len() {
            let m = &ms[s.order[at] as usize];
            let same_key = s.order[at..]
                .iter()
                .take_while(|&&x| ms[x as usize].key == m.key)
                .count();
            bump3(&mut self.names, story, &m.key, source, same_key as u64);
            let definite = s.order[at..at + same_key]
                .iter()
                .filter(|&&x| ms[x as usize].definite)
                .count() as u64;
            if definite > 0 {
                match self.definite.get_mut(&Key2(story, &m.key)) {
                    Some(v) => *v += definite,
                    None => {
                        self.definite
                            .insert((story.into(), m.key.clone()), definite);
                    }
                }
            }
            let mut k = at;
            while k < at + same_key {
                let surface = &ms[s.order[k] as usize].surface;
                let same = s.order[k..at + same_key]
                    .iter()
                    .take_while(|&&x| ms[x as usize].surface == *surface)
                    .count();
                bump3(&mut self.surfaces, story, &m.key, surface, same as u64);
                k += same;
            }
            at += same_key;
        }
        for f in s.found.drain(..) {
            match f {
                link::Found::Link {
                    mention,
                    label,
                    span,
                    voice,
                    rule,
                } => {
                    let m = &d.mentions[mention as usize];
                    let key = m.key.as_str();
                    let name = Some((d.toks[m.start].span.0, d.toks[m.end - 1].span.1));
                    record(&mut s.labels, s.record, (span, name, voice), || {
                        MentionKey::Direct {
                            key: key.to_string(),
                            rule,
                        }
                    });
                    let quoted = voice == Voice::Quoted;
                    match self
                        .links
                        .get_mut(&LinkRef(story, key, source, &label, quoted, rule))
                    {
                        Some(v) => *v += 1,
                        None => {
                            self.links.insert(
                                (story.into(), key.into(), source.into(), label, quoted, rule),
                                1,
                            );
                        }
                    }
                }
                link::Found::Adjective {
                    adjective,
                    label,
                    span,
                    voice,
                } => {
                    record(&mut s.labels, s.record, (span, None, voice), || {
                        MentionKey::Direct {
                            key: adjective.clone(),
                            rule: LinkRule::Adjective,
                        }
                    });
                    let quoted = voice == Voice::Quoted;
                    let rule = LinkRule::Adjective;
                    match self
                        .links
                        .get_mut(&LinkRef(story, &adjective, source, &label, quoted, rule))
                    {
                        Some(v) => *v += 1,
                        None => {
                            self.links.insert(
                                (story.into(), adjective, source.into(), label, quoted, rule),
                                1,
                            );
                        }
                    }
                }
                link::Found::Anaphor {
                    label,
                    span,
                    voice,
                    candidates,
                    not,
                } => {
                    let not = not.map(|m| d.mentions[m as usize].key.as_str());
                    let mut seen = Vec::with_capacity(candidates.len());
                    for (dist, m) in candidates {
                        let k = &d.mentions[m as usize].key;
                        if seen.len() >= MAX_CANDIDATES {
                            break;
                        }
                        if Some(k.as_str()) != not
                            && !seen.iter().any(|(_, s): &(u32, String)| s == k)
                        {
                            seen.push((dist, k.clone()));
                        }
                    }
                    record(&mut s.labels, s.record, (span, None, voice), || {
                        MentionKey::Anaphor {
                            label: label.clone(),
                            candidates: seen.clone(),
                        }
                    });
                    *self
                        .anaphors
                        .entry((
                            story.into(),
                            source.into(),
                            label,
                            voice == Voice::Quoted,
                            seen,
                        ))
                        .or_default() += 1;
                }
            }
        }
    }

    /// Add `other` into `self`.
    ///
    /// ```
    /// use slant::features::referents::ReferentCounts;
    /// use slant::text::Analyzed;
    /// let mut a = Analyzed::default();
    /// a.analyze("Trump spoke.");
    /// let (mut x, mut y) = (ReferentCounts::default(), ReferentCounts::default());
    /// x.add_document(&a, "s", None);
    /// y.add_document(&a, "s", None);
    /// x.merge(y);
    /// assert_eq!(x.names.values().sum::<u64>(), 2);
    /// ```
    pub fn merge(&mut self, other: ReferentCounts) {
        add_all(&mut self.names, other.names);
        add_all(&mut self.surfaces, other.surfaces);
        add_all(&mut self.definite, other.definite);
        add_all(&mut self.links, other.links);
        add_all(&mut self.anaphors, other.anaphors);
    }

    /// The labels per story, referent, source, label and voice (sorted so).
    ///
    /// ```
    /// use slant::features::referents::{LabelOptions, ReferentCounts};
    /// use slant::text::Analyzed;
    /// let mut a = Analyzed::default();
    /// let mut c = ReferentCounts::default();
    /// for (s, t) in [("x", "North Korean dictator Kim Jong Un spoke."), ("y", "Mr. Kim spoke.")] {
    ///     a.analyze(t);
    ///     c.add_document(&a, s, None);
    /// }
    /// let rows = c.labels(&LabelOptions::default());
    /// assert_eq!(rows.len(), 1);
    /// assert_eq!((rows[0].referent.as_str(), rows[0].label.as_str()), ("Kim Jong Un", "north korean dictator"));
    /// ```
    pub fn labels(&self, opts: &LabelOptions) -> Vec<LabelRow> {
        labels::resolve(self, opts, None)
    }

    /// [`labels`](Self::labels) and where each label key is resolved to
    /// (for the per-match files: `evidence.csv`'s `referent` column), with
    /// every alias of each referent when `aliases` (for
    /// [`LabelResolution::is_named`]).
    pub fn labels_resolved(
        &self,
        opts: &LabelOptions,
        aliases: bool,
    ) -> (Vec<LabelRow>, LabelResolution) {
        let mut res = LabelResolution::default();
        res.aliases = aliases;
        let rows = labels::resolve(self, opts, Some(&mut res));
        (rows, res)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Row = (String, String, String, String);

    /// Labels of documents `(source, text)` (no stories), as (referent,
    /// source, label, link); `rules`: the rules in use (all when empty).
    fn labels_with(docs: &[(&str, &str)], rules: &[LinkRule]) -> Vec<Row> {
        let mut c = ReferentCounts::default();
        let mut a = Analyzed::default();
        for (source, text) in docs {
            a.analyze(text);
            c.add_document(&a, source, None);
        }
        let mut opts = LabelOptions::default();
        if !rules.is_empty() {
            opts.rules = rules.to_vec();
        }
        c.labels(&opts)
            .into_iter()
            .map(|r| (r.referent, r.source, r.label, r.link))
            .collect()
    }

    fn labels(docs: &[(&str, &str)]) -> Vec<Row> {
        labels_with(docs, &[])
    }

    fn has(rows: &[Row], referent: &str, label: &str, link: &str) -> bool {
        rows.iter()
            .any(|r| r.0 == referent && r.2 == label && r.3 == link)
    }

    fn labelled(rows: &[Row], label: &str) -> Vec<String> {
        rows.iter()
            .filter(|r| r.2 == label)
            .map(|r| r.0.clone())
            .collect()
    }

    /// A second source mentioning `names`, so that they are referents.
    fn also(names: &str) -> (&'static str, String) {
        ("other", format!("{names} were in the news."))
    }

    #[test]
    fn title_before_a_name() {
        let o = also("Kim Jong Un and Donald Trump");
        let rows = labels(&[
            (
                "a",
                "North Korean dictator Kim Jong Un met President Donald Trump.",
            ),
            (o.0, &o.1),
        ]);
        assert!(
            has(&rows, "Kim Jong Un", "north korean dictator", "title"),
            "{rows:?}"
        );
        assert!(has(&rows, "Donald Trump", "president", "title"), "{rows:?}");
        // A verb before the name is no title.
        let rows = labels(&[
            (
                "a",
                "Officials welcomed Japanese prime minister Shinzo Abe.",
            ),
            ("b", "Shinzo Abe spoke."),
        ]);
        assert!(
            has(&rows, "Shinzo Abe", "japanese prime minister", "title"),
            "{rows:?}"
        );
        assert!(rows.iter().all(|r| !r.2.contains("welcomed")), "{rows:?}");
    }

    #[test]
    fn a_referent_is_shown_by_a_name_several_sources_write() {
        // One site's video caption ("ISIS Replay") heads the ISIS mentions
        // (a run of its first words), but the name shown is one that
        // several sources write.
        let rows = labels(&[
            (
                "a",
                "ISIS Replay. ISIS militants attacked the town. ISIS Replay.",
            ),
            ("b", "ISIS fighters seized the town."),
        ]);
        assert!(has(&rows, "ISIS", "militants", "premodifier"), "{rows:?}");
        assert!(has(&rows, "ISIS", "fighters", "premodifier"), "{rows:?}");
        assert!(rows.iter().all(|r| r.0 != "ISIS Replay"), "{rows:?}");
        // A longer name several sources write is preferred to a shorter one.
        let rows = labels(&[
            ("a", "Kim Jong Un met aides. Dictator Kim spoke. Kim left."),
            ("b", "Kim Jong Un spoke. Kim left."),
        ]);
        assert!(has(&rows, "Kim Jong Un", "dictator", "title"), "{rows:?}");
    }

    #[test]
    fn premodifier_members_only() {
        let o = also("The Taliban and Donald Trump and the CIA");
        let rows = labels(&[
            ("a", "Taliban fighters attacked a checkpoint. Trump supporters cheered. The CIA director spoke."),
            (o.0, &o.1),
        ]);
        assert!(has(&rows, "Taliban", "fighters", "premodifier"), "{rows:?}");
        // Relational ("supporters" of Trump are not Trump) and singular
        // ("director" of the CIA is not the CIA): not linked.
        assert!(labelled(&rows, "supporters").is_empty(), "{rows:?}");
        assert!(labelled(&rows, "director").is_empty(), "{rows:?}");
    }

    #[test]
    fn apposition_both_ways_not_in_a_list() {
        let o = also("The Taliban and Kim Jong Un and Moon Jae-in");
        let rows = labels(&[
            ("a", "The Taliban, an Islamist militant group, said so. The North Korean leader, Kim Jong Un, smiled."),
            (o.0, &o.1),
        ]);
        assert!(
            has(&rows, "Taliban", "islamist militant group", "apposition"),
            "{rows:?}"
        );
        assert!(
            has(&rows, "Kim Jong Un", "north korean leader", "apposition"),
            "{rows:?}"
        );
        // A list after the comma: no apposition.
        let rows = labels(&[
            ("a", "The leaders, Kim Jong Un and Moon Jae-in, met. Kim Jong Un, Moon Jae-in and the envoys left."),
            (o.0, &o.1),
        ]);
        assert!(rows.iter().all(|r| r.3 != "apposition"), "{rows:?}");
    }

    #[test]
    fn copula_not_negated() {
        let o = also("The Taliban and Kim Jong Un");
        let rows = labels(&[
            (
                "a",
                "The Taliban are insurgents. Kim Jong Un is a dictator.",
            ),
            (o.0, &o.1),
        ]);
        assert!(has(&rows, "Taliban", "insurgents", "copula"), "{rows:?}");
        assert!(has(&rows, "Kim Jong Un", "dictator", "copula"), "{rows:?}");
        let rows = labels(&[
            (
                "a",
                "The Taliban are not insurgents. Kim Jong Un is not a dictator.",
            ),
            (o.0, &o.1),
        ]);
        assert!(rows.iter().all(|r| r.3 != "copula"), "{rows:?}");
    }

    #[test]
    fn anaphora_to_the_nearest_compatible_referent() {
        let o = also("The Taliban and Donald Trump");
        let rows = labels(&[
            ("a", "President Donald Trump spoke about the Taliban, a militant group. Then the group attacked, and the militants fled."),
            (o.0, &o.1),
        ]);
        assert!(has(&rows, "Taliban", "group", "anaphora"), "{rows:?}");
        // A plural of the group's describing word.
        assert!(has(&rows, "Taliban", "militants", "anaphora"), "{rows:?}");
        // Never to Trump (not compatible).
        assert!(
            !rows
                .iter()
                .any(|r| r.0 == "Donald Trump" && r.3 == "anaphora"),
            "{rows:?}"
        );
    }

    #[test]
    fn adjective_of_a_referents_name() {
        let o = also("The Democratic Party and North Korea and Russia");
        let rows = labels(&[
            (
                "a",
                "The Democratic Party criticised North Korea. Democratic donors cheered. North Korean officials met reporters.",
            ),
            (o.0, &o.1),
        ]);
        assert!(
            has(&rows, "Democratic Party", "donors", "adjective"),
            "{rows:?}"
        );
        assert!(
            has(&rows, "North Korea", "officials", "adjective"),
            "{rows:?}"
        );
        // Someone on another side ("Russian allies"), a singular role
        // ("Russian envoy"), coordination and contrast: not linked.
        let rows = labels(&[
            (
                "a",
                "Russia spoke. Russian allies met. The Russian envoy left. Moscow and Russian officials agreed, unlike Russian diplomats.",
            ),
            (o.0, &o.1),
        ]);
        assert!(rows.iter().all(|r| r.3 != "adjective"), "{rows:?}");
        // An adjective of two referents ("Korean" of North and South Korea)
        // or of none: no row, not even an unresolved one.
        let o = also("North Korea and South Korea");
        let rows = labels(&[
            (
                "a",
                "North Korea and South Korea met. Korean officials and French officials spoke.",
            ),
            (o.0, &o.1),
        ]);
        assert!(labelled(&rows, "officials").is_empty(), "{rows:?}");
        // Switched off with the rule.
        let o = also("The Democratic Party");
        let docs = [
            ("a", "The Democratic Party sued. Democratic donors cheered."),
            (o.0, o.1.as_str()),
        ];
        assert!(has(
            &labels(&docs),
            "Democratic Party",
            "donors",
            "adjective"
        ));
        let off = labels_with(&docs, &[LinkRule::Title, LinkRule::Anaphora]);
        assert!(off.iter().all(|r| r.3 != "adjective"), "{off:?}");
    }

    #[test]
    fn anaphora_with_a_name_inside() {
        let o = also("James Comey and Donald Trump");
        let rows = labels(&[
            (
                "a",
                "President Donald Trump fired FBI Director James Comey. Later the former FBI director testified.",
            ),
            (o.0, &o.1),
        ]);
        assert!(
            has(&rows, "James Comey", "former fbi director", "anaphora"),
            "{rows:?}"
        );
        // A title of the name after it, and a body named after a name ("the
        // Trump administration"), are no such anaphors; nor is one after a
        // coordinator naming the name before it.
        let rows = labels(&[
            (
                "a",
                "Donald Trump met the FBI director James Comey. The Trump administration spoke. James Comey and the FBI director left.",
            ),
            (o.0, &o.1),
        ]);
        assert!(
            rows.iter()
                .all(|r| r.3 != "anaphora" || r.0 != "James Comey" || r.2 != "fbi director"),
            "{rows:?}"
        );
        assert!(
            labelled(&rows, "trump administration").is_empty(),
            "{rows:?}"
        );
    }

    #[test]
    fn coordination_and_contrast_do_not_link() {
        let o = also("The Taliban and al-Qaeda");
        let rows = labels(&[
            ("a", "The Taliban promised not to allow al-Qaeda or any other extremist group to operate. There are fears that terror groups could grow."),
            (o.0, &o.1),
        ]);
        assert!(labelled(&rows, "extremist group").is_empty(), "{rows:?}");
        assert!(labelled(&rows, "terror groups").is_empty(), "{rows:?}");
        // "X and the group": the group is not X, but may be another referent.
        let rows = labels(&[
            ("a", "The Taliban, a militant group, met al-Qaeda, a terror group. Then al-Qaeda and the group parted."),
            (o.0, &o.1),
        ]);
        assert_eq!(labelled(&rows, "group"), ["Taliban"], "{rows:?}");
    }

    #[test]
    fn a_label_between_two_referents_is_unresolved() {
        let o = also("President Joe Biden and President Donald Trump");
        let rows = labels(&[
            (
                "a",
                "President Joe Biden met President Donald Trump. The president spoke.",
            ),
            (o.0, &o.1),
        ]);
        assert!(
            has(&rows, UNRESOLVED, "president", "unresolved"),
            "{rows:?}"
        );
        assert!(
            rows.iter().all(|r| r.3 != "anaphora" && r.3 != "salience"),
            "{rows:?}"
        );
    }

    #[test]
    fn voice_of_quoted_labels() {
        let mut c = ReferentCounts::default();
        let mut a = Analyzed::default();
        for (s, t) in [
            ("a", "\"The Taliban are terrorists,\" he said."),
            ("b", "The Taliban are insurgents."),
        ] {
            a.analyze(t);
            c.add_document(&a, s, None);
        }
        let rows = c.labels(&LabelOptions::default());
        let v: Vec<(&str, Voice)> = rows.iter().map(|r| (r.label.as_str(), r.voice)).collect();
        assert_eq!(
            v,
            [
                ("terrorists", Voice::Quoted),
                ("insurgents", Voice::Authorial)
            ]
        );
    }

    #[test]
    fn aliases_merge_and_one_source_is_not_enough() {
        let rows = labels(&[
            ("a", "North Korean leader Kim Jong Un spoke. Mr. Kim smiled. The Democratic National Committee sued."),
            ("b", "Kim met reporters. The DNC chairman Tom Perez spoke. Lone Name, a former official, left."),
        ]);
        // One referent of a's "Kim Jong Un" and "Mr. Kim" and b's "Kim"
        // (alone, a's full name is one source's: no referent), shown by
        // the name both sources write.
        assert!(
            has(&rows, "Kim", "north korean leader", "title"),
            "{rows:?}"
        );
        assert!(
            has(&rows, "Tom Perez", "dnc chairman", "title")
                || rows.iter().all(|r| r.0 != "Tom Perez"),
            "{rows:?}"
        );
        // "Lone Name" is mentioned by one source only.
        assert!(rows.iter().all(|r| r.0 != "Lone Name"), "{rows:?}");
        let mut c = ReferentCounts::default();
        let mut a = Analyzed::default();
        for (s, t) in [
            ("a", "The Democratic National Committee sued."),
            ("b", "The DNC, a party committee, sued."),
        ] {
            a.analyze(t);
            c.add_document(&a, s, None);
        }
        let rows = c.labels(&LabelOptions::default());
        assert_eq!(
            rows[0].referent, "Democratic National Committee",
            "{rows:?}"
        );
    }

    #[test]
    fn rules_switch_off() {
        let o = also("The Taliban");
        let docs = [
            (
                "a",
                "The Taliban, a militant group, attacked. Taliban fighters fled.",
            ),
            (o.0, o.1.as_str()),
        ];
        let all = labels(&docs);
        assert!(has(&all, "Taliban", "fighters", "premodifier"));
        let some = labels_with(&docs, &[LinkRule::Apposition]);
        assert!(has(&some, "Taliban", "militant group", "apposition"));
        assert!(!some.iter().any(|r| r.3 == "premodifier"), "{some:?}");
    }

    proptest::proptest! {
        /// Any text, any split: no panic, and merging shards equals one pass.
        #[test]
        fn never_panics_and_merges_exactly(
            texts in proptest::collection::vec("([A-Z][a-z]{0,6}|[a-z]{1,8}|the|,|\\.|'s| - |\"|\n\n| ){0,40}", 1..5)
        ) {
            let mut a = Analyzed::default();
            let (mut whole, mut x, mut y) =
                (ReferentCounts::default(), ReferentCounts::default(), ReferentCounts::default());
            for (i, t) in texts.iter().enumerate() {
                a.analyze(t);
                let source = if i % 2 == 0 { "a" } else { "b" };
                whole.add_document(&a, source, None);
                if i % 2 == 0 { x.add_document(&a, source, None) } else { y.add_document(&a, source, None) }
            }
            y.merge(x);
            proptest::prop_assert_eq!(&y, &whole);
            let _ = whole.labels(&LabelOptions::default());
        }
    }

    #[test]
    fn merge_is_order_and_split_independent() {
        let docs = [
            (
                "a",
                "s1",
                "The Taliban, a militant group, attacked. The group fled.",
            ),
            (
                "b",
                "s1",
                "Taliban fighters attacked. President Donald Trump spoke.",
            ),
            (
                "c",
                "s2",
                "Kim Jong Un, the North Korean leader, met Mr. Trump.",
            ),
            ("a", "s2", "Trump met Kim. The dictator smiled."),
        ];
        let mut a = Analyzed::default();
        let mut whole = ReferentCounts::default();
        for (s, st, t) in docs {
            a.analyze(t);
            whole.add_document(&a, s, Some(st));
        }
        for split in 0..=docs.len() {
            let (mut x, mut y) = (ReferentCounts::default(), ReferentCounts::default());
            for (i, (s, st, t)) in docs.iter().enumerate().rev() {
                a.analyze(t);
                if i < split {
                    x.add_document(&a, s, Some(st))
                } else {
                    y.add_document(&a, s, Some(st))
                }
            }
            let mut yx = y.clone();
            yx.merge(x.clone());
            x.merge(y);
            assert_eq!(x, whole);
            assert_eq!(yx, whole);
            assert_eq!(
                x.labels(&LabelOptions::default()),
                whole.labels(&LabelOptions::default())
            );
        }
    }
}
