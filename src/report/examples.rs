//! Example sentences behind each source's family counts, for the HTML
//! report: a few sentences per (source, family), the matched words marked
//! and their voice, quoted from the original text; and each source's most
//! loaded sentences with the words the loaded-language model reads as
//! loaded.

use crate::features::MatchRecord;
use crate::lexicon::{Lexicon, Target};
use crate::text::{Analyzed, Voice};
use std::collections::BTreeMap;

/// Longest example sentence kept, in bytes (longer ones are cut around the
/// match).
pub const MAX_SENTENCE_BYTES: usize = 360;

/// Longest sentence kept as an example of a linked label, in bytes (longer
/// ones are left out: every name of a large corpus may keep a few).
pub const MAX_LABEL_SENTENCE_BYTES: usize = 240;

/// One example sentence.
///
/// ```
/// use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
/// use slant::report::{Example, Examples};
/// use slant::text::Voice;
/// # use slant::corpus::Document;
/// # use slant::lexicon::Lexicon;
/// # let lex = Lexicon::from_toml_str("mini.toml", r#"
/// # [[family]]
/// # id = "armed_group"
/// # [[family.variant]]
/// # id = "terrorist"
/// # tone = -1.0
/// # terms = ["terrorists"]
/// # [[family.variant]]
/// # id = "insurgent"
/// # tone = 0.0
/// # terms = ["insurgents"]
/// # [[category]]
/// # id = "hedge"
/// # terms = ["reportedly"]
/// # "#).unwrap();
/// # let doc = |id: &str, source: &str, text: &str| Document::new(id, source, text);
/// // `lex`: family "armed_group" (variants "terrorist", "insurgent") and
/// // category "hedge" ("reportedly"); `doc(id, source, text)` builds a Document.
/// let ex = Extractor::new(&lex, FeatureOptions::default());
/// let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
/// let d = doc("7", "a", "Troops advanced. Officials said \u{201c}terrorists\u{201d} fled.");
/// let f = ex.extract(&d, &mut ws, &mut agg);
/// let mut examples = Examples::new(3);
/// examples.add_document(&d.source, &d.id, &ws.text, &ws.analyzed, &f.matches, &lex);
/// let e: &Example = &examples.by_key[&("a".to_string(), 0)][0];
/// // The sentence as written (curly quotes kept), with the match's bytes.
/// assert_eq!(e.sentence, "Officials said \u{201c}terrorists\u{201d} fled.");
/// assert_eq!(&e.sentence[e.mark.clone()], "terrorists");
/// assert_eq!((e.doc_id.as_str(), e.variant, e.voice), ("7", 0, Voice::Quoted));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Example {
    /// Document id.
    pub doc_id: String,
    /// Flat variant index (see `Lexicon::variant_offsets`).
    pub variant: usize,
    /// Voice of the match.
    pub voice: Voice,
    /// The sentence from the original text (possibly shortened, with `…`).
    pub sentence: String,
    /// Byte range of the match inside `sentence`.
    pub mark: std::ops::Range<usize>,
}

/// Examples keyed by (source, family index), first come first kept, at
/// most `cap` per key. Collected per batch and merged in batch order, so
/// the choice does not depend on thread timing.
///
/// ```
/// use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
/// use slant::report::Examples;
/// # use slant::corpus::Document;
/// # use slant::lexicon::Lexicon;
/// # let lex = Lexicon::from_toml_str("mini.toml", r#"
/// # [[family]]
/// # id = "armed_group"
/// # [[family.variant]]
/// # id = "terrorist"
/// # tone = -1.0
/// # terms = ["terrorists"]
/// # [[family.variant]]
/// # id = "insurgent"
/// # tone = 0.0
/// # terms = ["insurgents"]
/// # [[category]]
/// # id = "hedge"
/// # terms = ["reportedly"]
/// # "#).unwrap();
/// # let doc = |id: &str, source: &str, text: &str| Document::new(id, source, text);
/// // `lex`: family "armed_group" (variants "terrorist", "insurgent") and
/// // category "hedge" ("reportedly"); `doc(id, source, text)` builds a Document.
/// let ex = Extractor::new(&lex, FeatureOptions::default());
/// let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
/// let mut batch = |id: &str, text: &str| {
///     let d = doc(id, "a", text);
///     let f = ex.extract(&d, &mut ws, &mut agg);
///     let mut found = Examples::new(2); // at most 2 per (source, family)
///     found.add_document(&d.source, &d.id, &ws.text, &ws.analyzed, &f.matches, &lex);
///     found
/// };
/// let mut all = batch("1", "Insurgents fled.");
/// all.merge(batch("2", "Terrorists attacked. Insurgents returned."));
/// let kept: Vec<&str> =
///     all.by_key[&("a".to_string(), 0)].iter().map(|e| e.sentence.as_str()).collect();
/// assert_eq!(kept, ["Insurgents fled.", "Terrorists attacked."]);
/// ```
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Examples {
    /// The examples.
    pub by_key: BTreeMap<(String, usize), Vec<Example>>,
    /// Per source, its most loaded sentences (highest probability first;
    /// on a tie the earlier in input order), at most `cap`.
    pub loaded: BTreeMap<String, Vec<LoadedExample>>,
    /// Per name (alias key), sentences in which a label is linked to it by
    /// a direct rule: the first of each source, at most `cap` sources.
    pub labels: BTreeMap<String, Vec<LabelExample>>,
    cap: usize,
}

/// A sentence in which a label is linked to a name by a direct rule
/// (title, premodifier, apposition, copula): the label and the name marked,
/// for the "who is called what" section.
///
/// ```
/// use slant::features::referents::{LabelOptions, ReferentCounts, ReferentScratch};
/// use slant::report::Examples;
/// use slant::text::Analyzed;
/// let (mut a, mut c, mut s) = (Analyzed::default(), ReferentCounts::default(), ReferentScratch::default());
/// s.record(true);
/// let mut ex = Examples::new(3);
/// for (id, source, text) in [("1", "a", "Calm day. Taliban fighters attacked."), ("2", "b", "Taliban fighters fled.")] {
///     a.analyze(text);
///     c.add_document_with(&a, source, None, &mut s);
///     ex.add_labels(source, None, id, text, &a, s.labels());
/// }
/// let (_, res) = c.labels_resolved(&LabelOptions::default(), true);
/// ex.resolve_labels(&res);
/// let e = &ex.labels["taliban"][0];
/// assert_eq!((e.sentence.as_str(), e.referent.as_str()), ("Taliban fighters attacked.", "Taliban"));
/// assert_eq!((&e.sentence[e.label.clone()], &e.sentence[e.name.clone()]), ("fighters", "Taliban"));
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LabelExample {
    /// Document id.
    pub doc_id: String,
    /// Its source.
    pub source: String,
    /// Its story ("" without story ids).
    pub story: String,
    /// The rule that linked the label.
    pub rule: crate::features::referents::LinkRule,
    /// The sentence from the original text.
    pub sentence: String,
    /// Byte range of the label inside `sentence`.
    pub label: std::ops::Range<usize>,
    /// Byte range of the name inside `sentence`.
    pub name: std::ops::Range<usize>,
    /// The referent of the name, once [`Examples::resolve_labels`] ran
    /// (empty before, and for a name that is no referent).
    pub referent: String,
}

/// A sentence with the words the loaded-language model reads as loaded.
///
/// ```
/// use slant::report::{Examples, LoadedExample};
/// let text = "Officials met. Thugs slammed the vile plan.";
/// let mut ex = Examples::new(2);
/// ex.add_loaded("a", "7", text, 15..43, 0.93, [(15..20, 0.4), (33..37, 0.81)]);
/// let e: &LoadedExample = &ex.loaded["a"][0];
/// assert_eq!(e.sentence, "Thugs slammed the vile plan.");
/// assert_eq!(&e.sentence[e.marks[1].0.clone()], "vile");
/// assert_eq!((e.doc_id.as_str(), e.probability), ("7", 0.93));
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LoadedExample {
    /// Document id.
    pub doc_id: String,
    /// The sentence's probability.
    pub probability: f64,
    /// The sentence from the original text (possibly shortened, with `…`).
    pub sentence: String,
    /// Byte ranges of the loaded words inside `sentence`, with their
    /// probabilities, in text order.
    pub marks: Vec<(std::ops::Range<usize>, f64)>,
}

fn floor(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

impl Examples {
    /// An empty collection keeping at most `cap` examples per key.
    ///
    /// ```
    /// use slant::report::Examples;
    /// # use slant::corpus::Document;
    /// # use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
    /// # let lex = slant::lexicon::Lexicon::builtin();
    /// # let ex = Extractor::new(&lex, FeatureOptions::default());
    /// # let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
    /// let d = Document::new("1", "a", "Insurgents fled. Rebels returned. Militants hid.");
    /// let f = ex.extract(&d, &mut ws, &mut agg);
    /// let mut examples = Examples::new(1);
    /// examples.add_document(&d.source, &d.id, &ws.text, &ws.analyzed, &f.matches, &lex);
    /// // Three matches of the "armed_group" family, one kept.
    /// let family = lex.families.iter().position(|f| f.id == "armed_group").unwrap();
    /// let kept = &examples.by_key[&("a".to_string(), family)];
    /// assert_eq!(kept.len(), 1);
    /// assert_eq!(kept[0].sentence, "Insurgents fled.");
    /// ```
    pub fn new(cap: usize) -> Examples {
        Examples {
            by_key: BTreeMap::new(),
            loaded: BTreeMap::new(),
            labels: BTreeMap::new(),
            cap,
        }
    }

    fn wants(&self, source: &str, family: usize, variant: usize) -> bool {
        match self.by_key.get(&(source.to_string(), family)) {
            None => true,
            Some(v) => {
                v.len() < self.cap && !v.iter().any(|e| e.variant == variant && v.len() >= 2)
            }
        }
    }

    /// Consider the family matches of one analyzed document. `original` is
    /// the analyzed original text.
    ///
    /// ```
    /// use slant::report::Examples;
    /// # use slant::corpus::Document;
    /// # use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
    /// # let lex = slant::lexicon::Lexicon::builtin();
    /// # let ex = Extractor::new(&lex, FeatureOptions::default());
    /// # let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
    /// let d = Document::new("7", "a", "Troops advanced. The insurgents fled.").with_title("Retreat");
    /// let f = ex.extract(&d, &mut ws, &mut agg);
    /// let mut examples = Examples::new(3);
    /// // After extraction the workspace holds the analyzed text and its analysis.
    /// examples.add_document(&d.source, &d.id, &ws.text, &ws.analyzed, &f.matches, &lex);
    /// let family = lex.families.iter().position(|f| f.id == "armed_group").unwrap();
    /// let e = &examples.by_key[&("a".to_string(), family)][0];
    /// assert_eq!((e.doc_id.as_str(), e.sentence.as_str()), ("7", "The insurgents fled."));
    /// assert_eq!(&e.sentence[e.mark.clone()], "insurgents");
    /// ```
    pub fn add_document(
        &mut self,
        source: &str,
        doc_id: &str,
        original: &str,
        a: &Analyzed,
        matches: &[MatchRecord],
        lex: &Lexicon,
    ) {
        let offsets = lex.variant_offsets();
        for rec in matches {
            let Target::Variant { family, flat } = rec.m.target else {
                continue;
            };
            let (family, flat) = (family as usize, flat as usize);
            if !self.wants(source, family, flat) {
                continue;
            }
            let _ = &offsets;
            let Some(s) = a.sentences.get(rec.sentence as usize) else {
                continue;
            };
            let span = a.norm.to_original(s.start as usize..s.end as usize);
            let (mut lo, mut hi) = (
                span.start.min(rec.original.start),
                span.end.max(rec.original.end),
            );
            let mut prefix = "";
            let mut suffix = "";
            if hi - lo > MAX_SENTENCE_BYTES {
                let half = MAX_SENTENCE_BYTES / 2;
                let nlo = floor(original, rec.original.start.saturating_sub(half)).max(lo);
                let nhi = ceil(original, rec.original.end + half).min(hi);
                if nlo > lo {
                    prefix = "…";
                }
                if nhi < hi {
                    suffix = "…";
                }
                lo = nlo;
                hi = nhi;
            }
            let lo = floor(original, lo);
            let hi = ceil(original, hi);
            let body: String = original[lo..hi]
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            let mark_start = prefix.len() + rec.original.start - lo;
            let mark = mark_start..mark_start + (rec.original.end - rec.original.start);
            self.by_key
                .entry((source.to_string(), family))
                .or_default()
                .push(Example {
                    doc_id: doc_id.to_string(),
                    variant: flat,
                    voice: rec.voice,
                    sentence: format!("{prefix}{body}{suffix}"),
                    mark,
                });
        }
    }

    /// Consider the labels of one analysed document
    /// ([`ReferentScratch::labels`](crate::features::referents::ReferentScratch::labels)
    /// after extraction with labels recorded): a directly linked label whose
    /// sentence fits in [`MAX_LABEL_SENTENCE_BYTES`] is kept when its name
    /// has no example of this source yet and fewer than `cap` in all.
    pub fn add_labels(
        &mut self,
        source: &str,
        story: Option<&str>,
        doc_id: &str,
        original: &str,
        a: &Analyzed,
        labels: &[crate::features::referents::LabelMention],
    ) {
        use crate::features::referents::{LinkRule, MentionKey};
        for l in labels {
            let (MentionKey::Direct { key, rule }, Some(name)) = (&l.key, l.name) else {
                continue;
            };
            if *rule == LinkRule::Adjective {
                continue;
            }
            if let Some(v) = self.labels.get(key.as_str()) {
                if v.len() >= self.cap || v.iter().any(|e| e.source == source) {
                    continue;
                }
            } else if self.cap == 0 {
                continue;
            }
            let at = a.sentences.partition_point(|s| s.end <= l.span.0);
            let Some(s) = a.sentences.get(at) else {
                continue;
            };
            if name.0 < s.start || name.1 > s.end || l.span.1 > s.end {
                continue;
            }
            let span = a.norm.to_original(s.start as usize..s.end as usize);
            let label = a.norm.to_original(l.span.0 as usize..l.span.1 as usize);
            let name = a.norm.to_original(name.0 as usize..name.1 as usize);
            let (lo, hi) = (floor(original, span.start), ceil(original, span.end));
            if hi - lo > MAX_LABEL_SENTENCE_BYTES
                || label.start < lo
                || label.end > hi
                || name.start < lo
                || name.end > hi
            {
                continue;
            }
            // Control characters become spaces: the same byte lengths.
            let sentence: String = original[lo..hi]
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            self.labels
                .entry(key.clone())
                .or_default()
                .push(LabelExample {
                    doc_id: doc_id.to_string(),
                    source: source.to_string(),
                    story: story.unwrap_or("").to_string(),
                    rule: *rule,
                    sentence,
                    label: label.start - lo..label.end - lo,
                    name: name.start - lo..name.end - lo,
                    referent: String::new(),
                });
        }
    }

    /// Name the referent of every label example (see
    /// [`LabelResolution`](crate::features::referents::LabelResolution));
    /// examples whose name is no referent are dropped.
    pub fn resolve_labels(&mut self, res: &crate::features::referents::LabelResolution) {
        resolve_label_examples(&mut self.labels, res);
    }
}

/// [`Examples::resolve_labels`] on its `labels` alone (for a thread of
/// their own).
pub fn resolve_label_examples(
    labels: &mut BTreeMap<String, Vec<LabelExample>>,
    res: &crate::features::referents::LabelResolution,
) {
    {
        use crate::features::referents::MentionKey;
        for (key, list) in labels.iter_mut() {
            list.retain_mut(|e| {
                let k = MentionKey::Direct {
                    key: key.clone(),
                    rule: e.rule,
                };
                match res.referent(&e.story, &k) {
                    Some((r, _)) => {
                        e.referent = r.to_string();
                        true
                    }
                    None => false,
                }
            });
        }
        labels.retain(|_, v| !v.is_empty());
    }
}

impl Examples {
    /// Consider one sentence for `source`'s most loaded sentences: its byte
    /// span in the analyzed original text, its probability and its loaded
    /// words (spans in the original text, probabilities). Kept when it is
    /// among the `cap` most probable so far (ties keep the earlier).
    ///
    /// ```
    /// use slant::report::Examples;
    /// let text = "Calm words. Vile words. Vicious, vile words.";
    /// let mut ex = Examples::new(2);
    /// ex.add_loaded("a", "1", text, 0..11, 0.1, []);
    /// ex.add_loaded("a", "1", text, 12..23, 0.7, [(12..16, 0.6)]);
    /// ex.add_loaded("a", "1", text, 24..44, 0.9, [(24..31, 0.7), (33..37, 0.6)]);
    /// let kept: Vec<f64> = ex.loaded["a"].iter().map(|e| e.probability).collect();
    /// assert_eq!(kept, [0.9, 0.7]);
    /// ```
    pub fn add_loaded(
        &mut self,
        source: &str,
        doc_id: &str,
        original: &str,
        span: std::ops::Range<usize>,
        probability: f64,
        words: impl IntoIterator<Item = (std::ops::Range<usize>, f64)>,
    ) {
        if self.cap == 0 || !probability.is_finite() {
            return;
        }
        if let Some(v) = self.loaded.get(source) {
            if v.len() >= self.cap && v.last().is_some_and(|e| e.probability >= probability) {
                return;
            }
        }
        let lo = floor(original, span.start);
        let mut hi = ceil(original, span.end.max(lo));
        let mut suffix = "";
        if hi - lo > MAX_SENTENCE_BYTES {
            hi = floor(original, lo + MAX_SENTENCE_BYTES);
            suffix = "…";
        }
        let body: String = original[lo..hi]
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let marks = words
            .into_iter()
            .filter(|(r, _)| r.start >= lo && r.end <= hi && r.start < r.end)
            .map(|(r, p)| (r.start - lo..r.end - lo, p))
            .collect();
        let e = LoadedExample {
            doc_id: doc_id.to_string(),
            probability,
            sentence: format!("{body}{suffix}"),
            marks,
        };
        let v = self.loaded.entry(source.to_string()).or_default();
        let at = v.partition_point(|x| x.probability >= probability);
        v.insert(at, e);
        v.truncate(self.cap);
    }

    /// Append `other`'s examples after ours, keeping the cap.
    ///
    /// ```
    /// use slant::report::{Example, Examples};
    /// use slant::text::Voice;
    /// let example = |doc_id: &str| Example {
    ///     doc_id: doc_id.into(),
    ///     variant: 0,
    ///     voice: Voice::Authorial,
    ///     sentence: "Rebels fled.".into(),
    ///     mark: 0..6,
    /// };
    /// let key = ("a".to_string(), 0);
    /// let (mut first, mut second) = (Examples::new(2), Examples::new(2));
    /// first.by_key.insert(key.clone(), vec![example("1")]);
    /// second.by_key.insert(key.clone(), vec![example("2"), example("3")]);
    /// first.merge(second);
    /// let ids: Vec<&str> = first.by_key[&key].iter().map(|e| e.doc_id.as_str()).collect();
    /// assert_eq!(ids, ["1", "2"]); // ours first, then theirs up to the cap of 2
    /// ```
    pub fn merge(&mut self, other: Examples) {
        for (source, list) in other.loaded {
            let mine = self.loaded.entry(source).or_default();
            for e in list {
                // Ours come first in input order: theirs go after equals.
                let at = mine.partition_point(|x| x.probability >= e.probability);
                mine.insert(at, e);
            }
            mine.truncate(self.cap);
        }
        for (key, list) in other.by_key {
            let mine = self.by_key.entry(key).or_default();
            for e in list {
                if mine.len() >= self.cap {
                    break;
                }
                mine.push(e);
            }
        }
        for (key, list) in other.labels {
            let mine = self.labels.entry(key).or_default();
            for e in list {
                if mine.len() < self.cap && !mine.iter().any(|x| x.source == e.source) {
                    mine.push(e);
                }
            }
        }
    }
}
