//! Training documents of the outlet-slant model: texts with their outlet labels, featurised.

use super::*;

/// Featurised outlet-labelled articles: n-gram counts from all text and
/// from the authorial voice only.
///
/// ```
/// use slant::scorers::outlet::OutletData;
/// let data = OutletData::from_texts(&[
///     ("Right Times", "\"Taxes are theft,\" a senator said.", 2),
///     ("Left Daily", "Activists demand climate justice.", 0),
///     ("Right Times", "Conservatives praised the tax cuts.", 2),
/// ]);
/// assert_eq!(data.len(), 3);
/// assert_eq!(data.group_names, ["Left Daily", "Right Times"]); // sorted
/// assert_eq!(data.groups, [1, 0, 1]);
/// assert_eq!(data.group_labels(), [0, 2]);
/// // A quoted word counts in all text, not in the authorial voice.
/// let theft = data.vocab.id("theft").unwrap();
/// assert!(data.rows_all[0].iter().any(|&(id, _)| id == theft));
/// assert!(!data.rows_authorial[0].iter().any(|&(id, _)| id == theft));
/// ```
#[derive(Debug, Clone, Default)]
pub struct OutletData {
    /// Interned n-grams (pruned to those with enough documents).
    pub vocab: Interner,
    /// Counts over all tokens.
    pub rows_all: Vec<Vec<(u32, u32)>>,
    /// Counts over authorial tokens only.
    pub rows_authorial: Vec<Vec<(u32, u32)>>,
    /// Class index (see [`LABELS`]).
    pub labels: Vec<usize>,
    /// Group (outlet) index per row.
    pub groups: Vec<u32>,
    /// Outlet names, sorted.
    pub group_names: Vec<String>,
    /// Per row: authorial framing-family totals `(family, Σ tone, matches)`
    /// ([`Featurizer::family_totals`], built-in lexicon).
    pub families: Vec<Vec<(u16, f64, u32)>>,
    /// Family ids of the built-in lexicon (the indexes of `families`).
    pub family_names: Vec<String>,
}

/// The outlet a source name belongs to, for grouping the validation folds:
/// editions and sections of one outlet ("Fox News", "Fox Online News",
/// "Fox News (Online)", "Fox News Opinion") are one outlet, so leaving it
/// out leaves all of them out.
///
/// The result is a grouping key, not a display name: lower-cased;
/// parenthesised parts, anything after " - ", a leading "the" and the words
/// "news", "online", "opinion", "editorial", "board" and "web" are dropped;
/// a web address loses its "www." and top-level domain; spaces are removed
/// ("DesMoines Register" is "Des Moines Register"), and so is a trailing
/// "news" ("NBCNews.com" is "NBC News").
///
/// ```
/// use slant::scorers::outlet::outlet_family;
/// for name in ["Fox News", "Fox Online News", "Fox News (Online)", "Fox News Opinion"] {
///     assert_eq!(outlet_family(name), "fox");
/// }
/// assert_eq!(outlet_family("New York Times - Opinion"), "newyorktimes");
/// assert_eq!(outlet_family("New York Times Editorial Board"), "newyorktimes");
/// assert_eq!(outlet_family("NBCNews.com"), outlet_family("NBC News (Online)"));
/// assert_eq!(outlet_family("MichelleMalkin.com"), outlet_family("Michelle Malkin"));
/// assert_ne!(outlet_family("Washington Post"), outlet_family("Washington Times"));
/// ```
pub fn outlet_family(name: &str) -> String {
    let lower = name.to_lowercase();
    let head = lower.split(" - ").next().unwrap_or("");
    let mut kept = String::with_capacity(head.len());
    let mut depth = 0usize;
    for c in head.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => kept.push(c),
            _ => {}
        }
    }
    const DROP: [&str; 6] = ["news", "online", "opinion", "editorial", "board", "web"];
    let words: Vec<&str> = kept
        .split_whitespace()
        .enumerate()
        .filter(|&(i, w)| !(DROP.contains(&w) || (i == 0 && w == "the")))
        .map(|(_, w)| w)
        .collect();
    let mut key = match words.as_slice() {
        [] => lower.split_whitespace().collect::<String>(),
        [one] => {
            // A web address: "www.cnsnews.com" -> "cnsnews".
            let host = one.strip_prefix("www.").unwrap_or(one);
            const TLDS: [&str; 6] = [".com", ".org", ".net", ".gov", ".edu", ".us"];
            TLDS.iter()
                .find_map(|t| host.strip_suffix(t))
                .filter(|h| !h.is_empty())
                .unwrap_or(host)
                .to_string()
        }
        many => many.concat(),
    };
    if key.len() > "news".len() + 1 && key.ends_with("news") {
        key.truncate(key.len() - "news".len());
    }
    key
}

/// A document's n-grams, whether each is authorial, and its family totals.
pub(super) type DocGrams = (Vec<String>, Vec<bool>, Vec<(u16, f64, u32)>);

/// The family ids of a featurizer's lexicon, in index order.
pub(super) fn family_ids(fz: &Featurizer) -> Vec<String> {
    fz.lexicon().families.iter().map(|f| f.id.clone()).collect()
}

pub(super) fn doc_ngrams(a: &Analyzed) -> (Vec<String>, Vec<bool>) {
    let mut grams = Vec::new();
    let mut auth = Vec::new();
    Featurizer::ngrams_voiced(a, 0..a.tokens.len(), &mut String::new(), |g, au| {
        grams.push(g.to_string());
        auth.push(au);
    });
    (grams, auth)
}

impl OutletData {
    /// Featurise labelled articles; labels must be `left`, `center` or
    /// `right`. N-grams in fewer than `min_df` articles overall are pruned
    /// (they cannot reach `min_df` inside any training fold either). A
    /// document's `group` names its outlet.
    ///
    /// ```
    /// use slant::corpus::Document;
    /// use slant::scorers::data::LabelledDoc;
    /// use slant::scorers::outlet::OutletData;
    /// let doc = |outlet: &str, text: &str, label: &str| LabelledDoc {
    ///     doc: Document::new("", outlet, text), label: label.into(), group: outlet.into() };
    /// let docs = [doc("Left Daily", "Climate action now.", "left"),
    ///     doc("Right Times", "Border security now.", "right")];
    /// let data = OutletData::from_docs(&docs, 2).unwrap();
    /// assert_eq!(data.labels, [0, 2]);
    /// assert_eq!(data.group_names, ["Left Daily", "Right Times"]);
    /// // Only "now" is in two articles.
    /// assert!(data.vocab.id("now").is_some() && data.vocab.id("climate").is_none());
    /// assert!(OutletData::from_docs(&[doc("X", "Text.", "far-left")], 1).is_err());
    /// ```
    pub fn from_docs(docs: &[LabelledDoc], min_df: u32) -> Result<OutletData> {
        let mut bad: BTreeMap<&str, usize> = BTreeMap::new();
        let labels: Vec<usize> = docs
            .iter()
            .map(|d| {
                LABELS
                    .iter()
                    .position(|l| *l == d.label)
                    .unwrap_or_else(|| {
                        *bad.entry(d.label.as_str()).or_insert(0) += 1;
                        usize::MAX
                    })
            })
            .collect();
        if !bad.is_empty() {
            return Err(Error::usage(format!(
                "labels must be left, center or right; found {:?}",
                bad
            )));
        }
        let mut vocab = Interner::default();
        let mut rows_all = Vec::with_capacity(docs.len());
        let mut rows_auth = Vec::with_capacity(docs.len());
        let mut families = Vec::with_capacity(docs.len());
        let fz = Featurizer::new();
        for chunk in docs.chunks(1024) {
            let feats: Vec<DocGrams> = chunk
                .par_iter()
                .map_init(
                    || fz.workspace(),
                    |ws, d| {
                        let f = fz.analyze(&d.doc, ws);
                        let (grams, auth) = doc_ngrams(ws.analyzed());
                        (grams, auth, fz.family_totals(&f.matches))
                    },
                )
                .collect();
            for (grams, auth, fam) in feats {
                families.push(fam);
                let ids: Vec<u32> = grams.iter().map(|g| vocab.intern(g)).collect();
                let auth_ids: Vec<u32> = ids
                    .iter()
                    .zip(&auth)
                    .filter(|(_, a)| **a)
                    .map(|(i, _)| *i)
                    .collect();
                rows_all.push(sparse_counts(ids));
                rows_auth.push(sparse_counts(auth_ids));
            }
        }
        let group_names: Vec<String> = {
            let mut g: Vec<String> = docs.iter().map(|d| d.group.clone()).collect();
            g.sort();
            g.dedup();
            g
        };
        let groups = docs
            .iter()
            .map(|d| group_names.binary_search(&d.group).unwrap_or(0) as u32)
            .collect();
        let mut data = OutletData {
            vocab,
            rows_all,
            rows_authorial: rows_auth,
            labels,
            groups,
            group_names,
            families,
            family_names: family_ids(&fz),
        };
        data.prune(min_df);
        Ok(data)
    }

    /// Featurise `(group, text, class)` triples (tests and examples); the
    /// class indexes [`LABELS`], and no n-gram is pruned.
    ///
    /// ```
    /// use slant::scorers::outlet::OutletData;
    /// let data = OutletData::from_texts(&[("Right Times", "Lower taxes now.", 2),
    ///     ("Left Daily", "Climate justice.", 0)]);
    /// assert_eq!(data.labels, [2, 0]);
    /// assert_eq!(data.groups, [1, 0]); // indexes into the sorted `group_names`
    /// assert!(data.vocab.id("lower taxes").is_some()); // in one article only, still kept
    /// ```
    pub fn from_texts(docs: &[(&str, &str, usize)]) -> OutletData {
        let fz = Featurizer::new();
        let mut ws = fz.workspace();
        let mut data = OutletData {
            family_names: family_ids(&fz),
            ..OutletData::default()
        };
        let mut names: Vec<String> = docs.iter().map(|d| d.0.to_string()).collect();
        names.sort();
        names.dedup();
        for (g, t, y) in docs {
            let f = fz.analyze_text(t, &mut ws);
            data.families.push(fz.family_totals(&f.matches));
            let (grams, auth) = doc_ngrams(ws.analyzed());
            let ids: Vec<u32> = grams.iter().map(|g| data.vocab.intern(g)).collect();
            let auth_ids: Vec<u32> = ids
                .iter()
                .zip(&auth)
                .filter(|(_, a)| **a)
                .map(|(i, _)| *i)
                .collect();
            data.rows_all.push(sparse_counts(ids));
            data.rows_authorial.push(sparse_counts(auth_ids));
            data.labels.push(*y);
            data.groups
                .push(names.binary_search(&g.to_string()).unwrap_or(0) as u32);
        }
        data.group_names = names;
        data
    }

    /// Drop n-grams in fewer than `min_df` rows (all-text counts) and
    /// renumber the rest in sorted string order.
    pub(super) fn prune(&mut self, min_df: u32) {
        let mut df = vec![0u32; self.vocab.len()];
        for r in &self.rows_all {
            for (id, _) in r {
                df[*id as usize] += 1;
            }
        }
        let mut keep: Vec<u32> = (0..self.vocab.len() as u32)
            .filter(|&i| df[i as usize] >= min_df)
            .collect();
        keep.sort_by(|&a, &b| self.vocab.get(a).cmp(self.vocab.get(b)));
        let mut map = vec![u32::MAX; self.vocab.len()];
        let mut vocab = Interner::default();
        for &old in &keep {
            map[old as usize] = vocab.intern(self.vocab.get(old));
        }
        let remap = |rows: &mut Vec<Vec<(u32, u32)>>| {
            for r in rows.iter_mut() {
                let mut n: Vec<(u32, u32)> = r
                    .iter()
                    .filter(|(id, _)| map[*id as usize] != u32::MAX)
                    .map(|(id, c)| (map[*id as usize], *c))
                    .collect();
                n.sort_unstable();
                *r = n;
            }
        };
        remap(&mut self.rows_all);
        remap(&mut self.rows_authorial);
        self.vocab = vocab;
    }

    /// Number of rows.
    ///
    /// ```
    /// use slant::scorers::outlet::OutletData;
    /// let data = OutletData::from_texts(&[("A", "One.", 0), ("A", "Two.", 0), ("B", "Six.", 2)]);
    /// assert_eq!(data.len(), 3); // articles, not outlets
    /// assert_eq!(data.group_names.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no rows.
    ///
    /// ```
    /// use slant::scorers::outlet::OutletData;
    /// assert!(OutletData::from_texts(&[]).is_empty());
    /// assert!(!OutletData::from_texts(&[("A", "One.", 0)]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    #[cfg(feature = "train")]
    pub(super) fn rows(&self, voice: VoiceFilter) -> &[Vec<(u32, u32)>] {
        match voice {
            VoiceFilter::All => &self.rows_all,
            VoiceFilter::Authorial => &self.rows_authorial,
        }
    }

    /// Majority label of every outlet (ties: the lower index), in the order
    /// of `group_names`.
    ///
    /// ```
    /// use slant::scorers::outlet::OutletData;
    /// let data = OutletData::from_texts(&[("A", "x.", 2), ("A", "y.", 2), ("A", "z.", 1),
    ///     ("B", "u.", 2), ("B", "v.", 0)]);
    /// assert_eq!(data.group_labels(), [2, 0]); // B: one right, one left, so left
    /// ```
    pub fn group_labels(&self) -> Vec<usize> {
        let mut counts = vec![[0usize; 3]; self.group_names.len()];
        for (g, l) in self.groups.iter().zip(&self.labels) {
            counts[*g as usize][*l] += 1;
        }
        counts
            .iter()
            .map(|c| {
                (0..3)
                    .max_by_key(|&k| (c[k], std::cmp::Reverse(k)))
                    .unwrap_or(1)
            })
            .collect()
    }

    #[cfg(feature = "train")]
    /// Pooled authorial tone share of every family over `rows` (0 for a
    /// family without matches there).
    pub(super) fn family_means(&self, rows: &[usize]) -> Vec<f64> {
        let mut sums = vec![(0.0f64, 0u64); self.family_names.len()];
        for &i in rows {
            for &(f, tone, n) in &self.families[i] {
                if let Some(e) = sums.get_mut(f as usize) {
                    e.0 += tone;
                    e.1 += n as u64;
                }
            }
        }
        sums.iter()
            .map(|&(t, n)| if n > 0 { t / n as f64 } else { 0.0 })
            .collect()
    }

    #[cfg(feature = "train")]
    /// What the stacker reads of every outlet among `rows` (`slants[j]`:
    /// the phrase slant of `rows[j]`): `(outlet, input, articles)`, in
    /// outlet order.
    pub(super) fn source_inputs(
        &self,
        rows: &[usize],
        slants: &[f64],
    ) -> Vec<(u32, SourceInput, usize)> {
        let nf = self.family_names.len();
        let mut by: BTreeMap<u32, (SourceInput, usize)> = BTreeMap::new();
        for (j, &i) in rows.iter().enumerate() {
            let e = by.entry(self.groups[i]).or_insert_with(|| {
                (
                    SourceInput {
                        phrase: 0.0,
                        families: vec![(0.0, 0.0); nf],
                    },
                    0,
                )
            });
            e.0.phrase += slants[j];
            e.1 += 1;
            for &(f, tone, n) in &self.families[i] {
                if let Some(x) = e.0.families.get_mut(f as usize) {
                    x.0 += tone;
                    x.1 += n as f64;
                }
            }
        }
        by.into_iter()
            .map(|(g, (mut x, n))| {
                x.phrase /= n as f64;
                (g, x, n)
            })
            .collect()
    }
}
