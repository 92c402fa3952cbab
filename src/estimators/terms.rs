//! Distinctive terms: each source against all other sources pooled, for the
//! variants of every family and for the open vocabulary of authorial uni-
//! and bigrams.

use super::logodds::{bh_qvalues, log_odds, p_value, Prior};
use super::EstimatorOptions;
use crate::features::Aggregates;
use crate::lexicon::Lexicon;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};

/// One row of `terms.csv`.
///
/// ```
/// use slant::estimators::{terms::variant_rows, EstimatorOptions, TermRow};
/// # use slant::corpus::Document;
/// # use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
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
/// # "#).unwrap();
/// # let doc = |id: &str, source: &str, story: &str, text: &str| Document::new(id, source, text).with_story(story);
/// # let docs = [
/// #     doc("1", "a", "s1", "Terrorists attacked the town. The terrorists fled."),
/// #     doc("2", "a", "s2", "Terrorists struck again. The insurgents withdrew."),
/// #     doc("3", "b", "s1", "Insurgents attacked the town."),
/// #     doc("4", "b", "s2", "The insurgents fled. Terrorists, officials said."),
/// # ];
/// # let ex = Extractor::new(&lex, FeatureOptions::default());
/// # let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
/// # for d in &docs {
/// #     ex.extract(d, &mut ws, &mut agg);
/// # }
/// // `agg`: source "a" wrote "terrorists" 3 times, source "b" once.
/// let rows = variant_rows(&agg, &lex, &EstimatorOptions::default());
/// let r: &TermRow = &rows[0]; // source 0 ("a"), its top-ranked variant
/// assert_eq!((r.kind, r.family.as_str(), r.term.as_str()), ("variant", "armed_group", "terrorist"));
/// assert_eq!((r.order, r.count, r.count_rest, r.rank), (0, 3, 1, 1));
/// assert!(r.delta > 0.0 && r.z > 0.0 && r.p <= r.q);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TermRow {
    /// Index of the source in `Aggregates::sources` order.
    pub source: usize,
    /// `ngram` or `variant`.
    pub kind: &'static str,
    /// Family id for variants, empty for n-grams.
    pub family: String,
    /// The n-gram, or the variant id.
    pub term: String,
    /// 1 or 2 for n-grams, 0 for variants.
    pub order: u8,
    /// Count in the source (authorial).
    pub count: u64,
    /// Count in all other sources.
    pub count_rest: u64,
    /// Log-odds ratio, z, p, q (NaN when not computable).
    pub delta: f64,
    /// z-score.
    pub z: f64,
    /// Two-sided p-value.
    pub p: f64,
    /// Benjamini–Hochberg q-value within the source and kind.
    pub q: f64,
    /// Rank by z within the source and kind (1 = most distinctive).
    pub rank: u64,
    /// Whether an n-gram consists only of stop-words.
    pub stopword: bool,
}

use crate::lexicon::stopwords::STOPWORDS;
pub use crate::lexicon::stopwords::{builtin_stopwords, is_stopword};

/// Read a stop-word list: one word per line (`#` comments and blank lines
/// skipped), normalised and lower-cased like the n-grams. A line with two
/// words or a `*` is refused with its line number.
///
/// ```
/// use slant::estimators::terms::read_stopwords;
/// # let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("stop.txt");
/// std::fs::write(&path, "# site words\nReuters\n\nsaid\n").unwrap();
/// assert_eq!(read_stopwords(&path).unwrap(), ["reuters", "said"]);
/// std::fs::write(&path, "said\nfox news\n").unwrap();
/// let err = read_stopwords(&path).unwrap_err().to_string();
/// assert!(err.ends_with("line 2: `fox news` is not one word (one word per line)"), "{err}");
/// ```
pub fn read_stopwords(path: &std::path::Path) -> crate::error::Result<Vec<String>> {
    use crate::error::Error;
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::input(
            path,
            format!("not UTF-8 (at byte {})", e.utf8_error().valid_up_to()),
        )
    })?;
    let mut words = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let raw = line.trim();
        if raw.is_empty() || raw.starts_with('#') {
            continue;
        }
        let bad = |why: &str| Error::input(path, format!("line {}: `{raw}` {why}", i + 1));
        let t = crate::lexicon::Term::parse(raw, i as u32 + 1).map_err(|m| bad(&m))?;
        if t.wildcard || t.text.contains(' ') {
            return Err(bad("is not one word (one word per line)"));
        }
        words.push(t.text);
    }
    words.sort();
    words.dedup();
    Ok(words)
}

/// Web-address parts that do not name a source (`foxnews.com`).
const WEB_PARTS: &[&str] = &["co", "com", "http", "https", "net", "org", "uk", "www"];

/// Words that, beside a source's own name in its own text, make the n-gram
/// the source talking about itself ("told Fox", "a CNN poll", "Fox News
/// interview"): such n-grams are left out like the bare name.
const SELF_CONTEXT: &[&str] = &[
    "exclusive",
    "exclusively",
    "interview",
    "poll",
    "polls",
    "tell",
    "telling",
    "tells",
    "told",
];

/// The vocabulary ids of the words that name `source`: its words (split at
/// anything but letters and digits, lower-cased; stop-words and web parts
/// such as `com` left out), each with `'s`; two of its words, or all of
/// them, written together in order (`foxnews` for "Fox Online News",
/// `usatoday`), with `'s`; and the two halves of a
/// word that reads as two vocabulary words run together (`foxnews` → `fox`,
/// `news`; halves of at least 3 letters). Sorted.
///
/// ```
/// use slant::estimators::terms::name_words;
/// use slant::features::Vocab;
/// let mut v = Vocab::default();
/// for w in ["fox", "news", "fox's", "foxnews", "com", "online", "the", "thehill"] {
///     v.intern(w);
/// }
/// let words = |s: &str| -> Vec<&str> {
///     let mut w: Vec<&str> = name_words(s, &v).iter().map(|&id| v.get(id)).collect();
///     w.sort();
///     w
/// };
/// assert_eq!(words("Fox News (Online)"), ["fox", "fox's", "foxnews", "news", "online"]);
/// assert_eq!(words("foxnews.com"), ["fox", "foxnews", "news"]);
/// assert_eq!(words("Fox Online News"), ["fox", "fox's", "foxnews", "news", "online"]);
/// assert_eq!(words("The Hill"), ["thehill"]); // "hill" is not in this vocabulary
/// ```
pub fn name_words(source: &str, vocab: &crate::features::Vocab) -> Vec<u32> {
    let lower = source.to_lowercase();
    let raw: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect();
    let mut forms: Vec<String> = Vec::new();
    for (i, &p) in raw.iter().enumerate() {
        if !is_stopword(p) && !WEB_PARTS.contains(&p) {
            forms.push(p.to_string());
            forms.push(format!("{p}'s"));
            let cuts = p
                .char_indices()
                .map(|(at, _)| at)
                .filter(|&at| at >= 3 && p.len() - at >= 3);
            for at in cuts {
                let (a, b) = p.split_at(at);
                if vocab.id(a).is_some() && vocab.id(b).is_some() {
                    forms.push(a.to_string());
                    forms.push(b.to_string());
                }
            }
        }
        for &q in &raw[i + 1..] {
            forms.push(format!("{p}{q}"));
            forms.push(format!("{p}{q}'s"));
        }
    }
    let all = raw.concat();
    forms.push(format!("{all}'s"));
    forms.push(all);
    let mut ids: Vec<u32> = forms.iter().filter_map(|f| vocab.id(f)).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Which n-grams of each source are left out of the keyness: those with one
/// of the user's stop-words, and the source's own name (every word a name
/// word of [`name_words`], a stop-word or a [`SELF_CONTEXT`] word, at least
/// one a name word).
struct Exclusions {
    /// By vocabulary id: a user stop-word (empty when there are none).
    stop: Vec<bool>,
    /// Per source, its name words (sorted ids).
    names: Vec<Vec<u32>>,
    /// Ids of the built-in stop-words and [`SELF_CONTEXT`] words (sorted).
    filler: Vec<u32>,
}

impl Exclusions {
    fn new(agg: &Aggregates, opts: &EstimatorOptions) -> Exclusions {
        let mut stop = Vec::new();
        for w in &opts.stopwords {
            if let Some(id) = agg.vocab.id(w) {
                stop.resize(agg.vocab.len(), false);
                stop[id as usize] = true;
            }
        }
        let mut filler: Vec<u32> = STOPWORDS
            .iter()
            .chain(SELF_CONTEXT)
            .filter_map(|w| agg.vocab.id(w))
            .collect();
        filler.sort_unstable();
        Exclusions {
            stop,
            names: agg
                .sources
                .keys()
                .map(|s| name_words(s, &agg.vocab))
                .collect(),
            filler,
        }
    }

    /// Whether source `si` leaves n-gram `key` out.
    #[inline]
    fn excluded(&self, si: usize, key: u64) -> bool {
        let (order, a, b) = crate::features::decode_key(key);
        let words = &[a, b][..order as usize];
        if !self.stop.is_empty() && words.iter().any(|&w| self.stop[w as usize]) {
            return true;
        }
        let names = &self.names[si];
        let is_name = |w: &u32| names.binary_search(w).is_ok();
        !names.is_empty()
            && words.iter().any(is_name)
            && words
                .iter()
                .all(|w| is_name(w) || self.filler.binary_search(w).is_ok())
    }
}

fn rank_and_q(rows: &mut [TermRow]) {
    assign_q(rows.iter_mut());
    rank(rows);
}

/// Benjamini–Hochberg q-values over all `rows` (a NaN p-value counts as 1
/// and gets a NaN q-value).
fn assign_q<'a>(rows: impl Iterator<Item = &'a mut TermRow>) {
    let mut rows: Vec<&mut TermRow> = rows.collect();
    let p: Vec<f64> = rows
        .iter()
        .map(|r| if r.p.is_nan() { 1.0 } else { r.p })
        .collect();
    let q = bh_qvalues(&p);
    for (r, q) in rows.iter_mut().zip(q) {
        r.q = if r.p.is_nan() { f64::NAN } else { q };
    }
}

/// The ranking key: z, NaN last.
fn rank_z(r: &TermRow) -> f64 {
    rank_key(r.z)
}

/// A z for ranking: NaN (not computable) ranks last.
fn rank_key(z: f64) -> f64 {
    if z.is_nan() {
        f64::NEG_INFINITY
    } else {
        z
    }
}

/// Order by z (descending, NaN last), ties by term, and number the ranks.
fn rank(rows: &mut [TermRow]) {
    rows.sort_by(|a, b| {
        rank_z(b)
            .total_cmp(&rank_z(a))
            .then_with(|| a.term.cmp(&b.term))
    });
    for (i, r) in rows.iter_mut().enumerate() {
        r.rank = i as u64 + 1;
    }
}

/// Drop rows that cannot be among the first `k` of [`rank`]: those whose z
/// is below the `k`-th largest (ties at the boundary are kept, since the
/// term decides between them).
fn keep_top_by<T>(rows: &mut Vec<T>, k: usize, z: impl Fn(&T) -> f64) {
    if rows.len() <= k {
        return;
    }
    if k == 0 {
        rows.clear();
        return;
    }
    let rank_z = |r: &T| rank_key(z(r));
    let mut zs: Vec<f64> = rows.iter().map(rank_z).collect();
    let (_, kth, _) = zs.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
    let kth = *kth;
    rows.retain(|r| rank_z(r).total_cmp(&kth) != std::cmp::Ordering::Less);
}

/// One n-gram's test in one source, before it becomes a [`TermRow`] (most
/// are not kept, so they never get their text).
struct Tested {
    key: u64,
    count: u64,
    count_rest: u64,
    delta: f64,
    z: f64,
    p: f64,
    q: f64,
}

/// Log-odds of family variants, per source vs rest (authorial counts).
/// Rows come grouped by source and family, each group ranked by z.
///
/// Only rows that say something about the source are returned: a family
/// the source has no authorial match of gives no rows (nothing to test),
/// and a variant no source used is left out. q-values are computed over
/// all the family's variants before that (a variant without a test counts
/// as p = 1), and ranks number the rows that are kept.
///
/// ```
/// use slant::estimators::{terms::variant_rows, EstimatorOptions};
/// # use slant::corpus::Document;
/// # use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
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
/// # "#).unwrap();
/// # let doc = |id: &str, source: &str, story: &str, text: &str| Document::new(id, source, text).with_story(story);
/// # let docs = [
/// #     doc("1", "a", "s1", "Terrorists attacked the town. The terrorists fled."),
/// #     doc("2", "a", "s2", "Terrorists struck again. The insurgents withdrew."),
/// #     doc("3", "b", "s1", "Insurgents attacked the town."),
/// #     doc("4", "b", "s2", "The insurgents fled. Terrorists, officials said."),
/// # ];
/// # let ex = Extractor::new(&lex, FeatureOptions::default());
/// # let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
/// # for d in &docs {
/// #     ex.extract(d, &mut ws, &mut agg);
/// # }
/// // `agg`: source "a" prefers "terrorists" (3 to 1), "b" "insurgents" (2 to 1).
/// let rows = variant_rows(&agg, &lex, &EstimatorOptions::default());
/// assert_eq!(rows.len(), 4); // 2 sources × 2 variants
/// let top: Vec<(usize, &str)> =
///     rows.iter().filter(|r| r.rank == 1).map(|r| (r.source, r.term.as_str())).collect();
/// assert_eq!(top, [(0, "terrorist"), (1, "insurgent")]);
/// ```
pub fn variant_rows(agg: &Aggregates, lex: &Lexicon, opts: &EstimatorOptions) -> Vec<TermRow> {
    let offsets = lex.variant_offsets();
    let total = agg.total();
    let mut out = Vec::new();
    for (si, sa) in agg.sources.values().enumerate() {
        for (fi, fam) in lex.families.iter().enumerate() {
            let range = offsets[fi]..offsets[fi + 1];
            let n_i: u64 = sa.counts.variants[range.clone()].iter().map(|c| c[0]).sum();
            if n_i == 0 {
                continue;
            }
            let pooled: Vec<u64> = total.variants[range.clone()].iter().map(|c| c[0]).collect();
            let mine: Vec<u64> = sa.counts.variants[range].iter().map(|c| c[0]).collect();
            let n_all: u64 = pooled.iter().sum();
            let n_j = n_all - n_i;
            let v = fam.variants.len() as f64;
            let mut rows: Vec<TermRow> = fam
                .variants
                .iter()
                .enumerate()
                .map(|(k, var)| {
                    let y_i = mine[k];
                    let y_j = pooled[k] - y_i;
                    let alpha_w = match opts.prior {
                        Prior::Informative if n_all > 0 => {
                            opts.family_alpha0 * pooled[k] as f64 / n_all as f64
                        }
                        Prior::Informative => 0.0,
                        Prior::Uniform => opts.family_alpha0 / v,
                    };
                    let (delta, z, p) = if alpha_w > 0.0 && n_i > 0 && n_j > 0 {
                        let lo = log_odds(
                            y_i as f64,
                            n_i as f64,
                            y_j as f64,
                            n_j as f64,
                            alpha_w,
                            opts.family_alpha0,
                            opts.exact_variance,
                        );
                        (lo.delta, lo.z, p_value(lo.z))
                    } else {
                        (f64::NAN, f64::NAN, f64::NAN)
                    };
                    TermRow {
                        source: si,
                        kind: "variant",
                        family: fam.id.clone(),
                        term: var.id.clone(),
                        order: 0,
                        count: y_i,
                        count_rest: y_j,
                        delta,
                        z,
                        p,
                        q: f64::NAN,
                        rank: 0,
                        stopword: false,
                    }
                })
                .collect();
            rank_and_q(&mut rows);
            rows.retain(|r| r.count + r.count_rest > 0);
            for (i, r) in rows.iter_mut().enumerate() {
                r.rank = i as u64 + 1;
            }
            out.extend(rows);
        }
    }
    out
}

/// Log-odds of authorial uni- and bigrams with pooled count ≥
/// `opts.min_count`, per source vs rest. Keeps the top `opts.top_terms`
/// per source and order by z, or every term the source used with
/// `opts.all_terms`. Sources with fewer than `opts.min_source_tokens`
/// authorial tokens are not tested (their n-grams still count in the
/// other sources' "rest"); [`ngram_sources_skipped`] counts them.
/// N-grams with one of `opts.stopwords`, and a source's own name
/// ([`name_words`]: "fox news", "told fox" for Fox News), are not tested.
///
/// ```
/// use slant::estimators::{terms::ngram_rows, EstimatorOptions};
/// # use slant::corpus::Document;
/// # use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
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
/// # "#).unwrap();
/// # let doc = |id: &str, source: &str, story: &str, text: &str| Document::new(id, source, text).with_story(story);
/// # let docs = [
/// #     doc("1", "a", "s1", "Terrorists attacked the town. The terrorists fled."),
/// #     doc("2", "a", "s2", "Terrorists struck again. The insurgents withdrew."),
/// #     doc("3", "b", "s1", "Insurgents attacked the town."),
/// #     doc("4", "b", "s2", "The insurgents fled. Terrorists, officials said."),
/// # ];
/// # let ex = Extractor::new(&lex, FeatureOptions::default());
/// # let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
/// # for d in &docs {
/// #     ex.extract(d, &mut ws, &mut agg);
/// # }
/// // `agg`: source "a" wrote "terrorists" 3 times, source "b" once.
/// // Sources this small are only tested with `min_source_tokens` lowered.
/// let opts = EstimatorOptions { min_count: 2, top_terms: 3, min_source_tokens: 0, ..Default::default() };
/// let rows = ngram_rows(&agg, &opts);
/// let a: Vec<&str> = rows.iter().filter(|r| r.source == 0 && r.order == 1)
///     .map(|r| r.term.as_str()).collect();
/// assert_eq!(a, ["terrorists", "the", "attacked"]); // top 3, best first
/// assert!(rows.iter().all(|r| r.count + r.count_rest >= 2));
/// assert!(rows.iter().any(|r| r.term == "the" && r.stopword));
/// ```
pub fn ngram_rows(agg: &Aggregates, opts: &EstimatorOptions) -> Vec<TermRow> {
    ngram_rows_until(agg, opts, &AtomicBool::new(false))
}

/// N-grams a source's test loop goes through between two looks at `stop`.
const STOP_EVERY: usize = 1 << 14;

/// [`ngram_rows`] that stops soon after `stop` is set (the rows are then
/// incomplete: the caller discards them).
pub(crate) fn ngram_rows_until(
    agg: &Aggregates,
    opts: &EstimatorOptions,
    stop: &AtomicBool,
) -> Vec<TermRow> {
    use crate::features::decode_key;
    let stopped = || stop.load(Ordering::Relaxed);
    if agg.vocab.is_empty() || stopped() {
        return vec![];
    }
    // Pooled counts: unigrams densely by id, bigrams as one sorted run (a
    // source's keys come sorted, so each source then walks the run with a
    // forward cursor instead of hashing every key).
    let mut uni = vec![0u64; agg.vocab.len()];
    let mut pairs: Vec<(u64, u64)> = Vec::new();
    let mut per_source_totals: Vec<[u64; 3]> = Vec::with_capacity(agg.sources.len());
    for sa in agg.sources.values() {
        let mut t = [0u64; 3];
        for (key, c) in sa.ngrams.iter() {
            match decode_key(key) {
                (1, id, _) => {
                    uni[id as usize] += c;
                    t[1] += c;
                }
                _ => {
                    pairs.push((key, c));
                    t[2] += c;
                }
            }
        }
        per_source_totals.push(t);
    }
    if stopped() {
        return vec![];
    }
    pairs.par_sort_unstable_by_key(|e| e.0);
    let mut bi: Vec<(u64, u64)> = Vec::with_capacity(pairs.len() / 2);
    for (k, c) in pairs {
        match bi.last_mut() {
            Some(last) if last.0 == k => last.1 += c,
            _ => bi.push((k, c)),
        }
    }
    // `cursor`: where the previous (smaller) bigram key of this source was.
    let pooled = |key: u64, cursor: &mut usize| match decode_key(key) {
        (1, id, _) => uni[id as usize],
        _ => {
            *cursor = crate::features::gallop(&bi, *cursor, key);
            bi.get(*cursor).filter(|e| e.0 == key).map_or(0, |e| e.1)
        }
    };
    let n_all = [
        0,
        uni.iter().sum::<u64>(),
        bi.iter().map(|e| e.1).sum::<u64>(),
    ];
    let eligible = [
        0,
        uni.iter().filter(|&&c| c >= opts.min_count).count() as u64,
        bi.iter().filter(|e| e.1 >= opts.min_count).count() as u64,
    ];
    let exclusions = Exclusions::new(agg, opts);
    let sources: Vec<_> = agg.sources.values().collect();
    sources
        .par_iter()
        .enumerate()
        .filter(|(_, sa)| has_enough_text(sa, opts))
        .map(|(si, sa)| {
            // Every tested n-gram as a small record; only the kept ones
            // become rows (with their text) at the end.
            let mut by_order: [Vec<Tested>; 3] = Default::default();
            let mut cursor = 0usize;
            for (i, (key, y_i)) in sa.ngrams.iter().enumerate() {
                if i % STOP_EVERY == 0 && stopped() {
                    return vec![];
                }
                let total = pooled(key, &mut cursor);
                if total < opts.min_count || exclusions.excluded(si, key) {
                    continue;
                }
                let o = decode_key(key).0 as usize;
                let n_i = per_source_totals[si][o];
                let n_j = n_all[o] - n_i;
                let y_j = total - y_i;
                let alpha_w = match opts.prior {
                    Prior::Informative => opts.alpha0 * total as f64 / n_all[o] as f64,
                    Prior::Uniform => opts.alpha0 / eligible[o].max(1) as f64,
                };
                let (delta, z, p) = if n_j > 0 {
                    let lo = log_odds(
                        y_i as f64,
                        n_i as f64,
                        y_j as f64,
                        n_j as f64,
                        alpha_w,
                        opts.alpha0,
                        opts.exact_variance,
                    );
                    (lo.delta, lo.z, p_value(lo.z))
                } else {
                    (f64::NAN, f64::NAN, f64::NAN)
                };
                by_order[o].push(Tested {
                    key,
                    count: y_i,
                    count_rest: y_j,
                    delta,
                    z,
                    p,
                    q: f64::NAN,
                });
            }
            let mut out = Vec::new();
            for (o, tested) in by_order.iter_mut().enumerate() {
                let p: Vec<f64> = tested
                    .iter()
                    .map(|t| if t.p.is_nan() { 1.0 } else { t.p })
                    .collect();
                for (t, q) in tested.iter_mut().zip(bh_qvalues(&p)) {
                    t.q = if t.p.is_nan() { f64::NAN } else { q };
                }
                if !opts.all_terms {
                    keep_top_by(tested, opts.top_terms, |t| t.z);
                }
                let mut rows: Vec<TermRow> = tested
                    .drain(..)
                    .map(|t| {
                        let term = agg.vocab.ngram_text(t.key);
                        TermRow {
                            source: si,
                            kind: "ngram",
                            family: String::new(),
                            stopword: is_stopword(&term),
                            term,
                            order: o as u8,
                            count: t.count,
                            count_rest: t.count_rest,
                            delta: t.delta,
                            z: t.z,
                            p: t.p,
                            q: t.q,
                            rank: 0,
                        }
                    })
                    .collect();
                rank(&mut rows);
                if !opts.all_terms {
                    rows.truncate(opts.top_terms);
                }
                out.append(&mut rows);
            }
            out
        })
        .flatten()
        .collect()
}

/// Whether a source has the authorial tokens its n-grams need to be tested.
fn has_enough_text(sa: &crate::features::SourceAgg, opts: &EstimatorOptions) -> bool {
    sa.counts.authorial_tokens >= opts.min_source_tokens
}

/// Sources whose n-grams [`ngram_rows`] does not test: fewer authorial
/// tokens than `opts.min_source_tokens` (recorded in `run.json`).
///
/// ```
/// use slant::corpus::Document;
/// use slant::estimators::{terms::{ngram_rows, ngram_sources_skipped}, EstimatorOptions};
/// use slant::features::{Aggregates, Extractor, FeatureOptions, Workspace};
/// use slant::lexicon::Lexicon;
/// let lex = Lexicon::builtin();
/// let ex = Extractor::new(&lex, FeatureOptions::default());
/// let (mut ws, mut agg) = (Workspace::default(), Aggregates::new(&lex));
/// ex.extract(&Document::new("1", "long", &"Rebels fled the town. ".repeat(20)), &mut ws, &mut agg);
/// ex.extract(&Document::new("2", "short", "Militants fled the town."), &mut ws, &mut agg);
/// let opts = EstimatorOptions { min_count: 1, min_source_tokens: 50, ..Default::default() };
/// assert_eq!(ngram_sources_skipped(&agg, &opts), 1);
/// let rows = ngram_rows(&agg, &opts);
/// // Only "long" (source 0) is tested; "short" still counts in its rest.
/// assert!(!rows.is_empty() && rows.iter().all(|r| r.source == 0));
/// assert!(rows.iter().any(|r| r.term == "town" && r.count_rest == 1));
/// ```
pub fn ngram_sources_skipped(agg: &Aggregates, opts: &EstimatorOptions) -> u64 {
    if agg.vocab.is_empty() {
        return 0;
    }
    agg.sources
        .values()
        .filter(|sa| !has_enough_text(sa, opts))
        .count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::SourceAgg;
    use proptest::prelude::*;

    fn two_sources(a: &[(&str, u64)], b: &[(&str, u64)]) -> Aggregates {
        let lex = Lexicon::default();
        let mut agg = Aggregates::new(&lex);
        for (name, counts) in [("a", a), ("b", b)] {
            let mut sa = SourceAgg::default();
            for (w, c) in counts {
                let id = agg.vocab.intern(w);
                sa.ngrams.insert(crate::features::unigram_key(id), *c);
            }
            agg.sources.insert(name.to_string(), sa);
        }
        agg
    }

    fn all_opts(prior: Prior, exact: bool) -> EstimatorOptions {
        EstimatorOptions {
            prior,
            exact_variance: exact,
            min_count: 1,
            all_terms: true,
            alpha0: 50.0,
            // The sources here are bare n-gram counts, without token counts.
            min_source_tokens: 0,
            ..Default::default()
        }
    }

    proptest! {
        #[test]
        fn two_sources_give_opposite_z(
            counts in proptest::collection::vec((1u64..50, 1u64..50), 2..8),
            uniform in any::<bool>(),
            exact in any::<bool>(),
        ) {
            let words: Vec<String> = (0..counts.len()).map(|i| format!("w{i}")).collect();
            let a: Vec<(&str, u64)> = words.iter().zip(&counts).map(|(w, c)| (w.as_str(), c.0)).collect();
            let b: Vec<(&str, u64)> = words.iter().zip(&counts).map(|(w, c)| (w.as_str(), c.1)).collect();
            let agg = two_sources(&a, &b);
            let prior = if uniform { Prior::Uniform } else { Prior::Informative };
            let rows = ngram_rows(&agg, &all_opts(prior, exact));
            for w in &words {
                let za = rows.iter().find(|r| r.source == 0 && &r.term == w).unwrap().z;
                let zb = rows.iter().find(|r| r.source == 1 && &r.term == w).unwrap().z;
                prop_assert!((za + zb).abs() < 1e-9, "{} {} {}", w, za, zb);
            }
        }

        #[test]
        fn identical_distributions_give_zero_z(counts in proptest::collection::vec(1u64..100, 2..8), scale in 1u64..4) {
            let words: Vec<String> = (0..counts.len()).map(|i| format!("w{i}")).collect();
            let a: Vec<(&str, u64)> = words.iter().zip(&counts).map(|(w, c)| (w.as_str(), *c)).collect();
            let b: Vec<(&str, u64)> = words.iter().zip(&counts).map(|(w, c)| (w.as_str(), c * scale)).collect();
            let agg = two_sources(&a, &b);
            // Same proportions, different sizes: δ = 0 exactly only when the
            // totals match, so compare same-size sources strictly and scaled
            // ones loosely (the prior differs slightly with size).
            for r in ngram_rows(&agg, &all_opts(Prior::Informative, false)) {
                if scale == 1 {
                    prop_assert!(r.z.abs() < 1e-9, "{:?}", r);
                } else {
                    prop_assert!(r.z.abs() < 0.5, "{:?}", r);
                }
            }
        }
    }

    /// Family `f` (variants a, b, c) and `g` (x, y); sources s1 (a 3, b 1),
    /// s2 (b 2) and s3 (x 1); c and y are never used.
    fn three_sources() -> (Lexicon, Aggregates) {
        let lex = Lexicon::from_toml_str(
            "t.toml",
            r#"
[[family]]
id = "f"
[[family.variant]]
id = "a"
tone = -1.0
terms = ["aa"]
[[family.variant]]
id = "b"
tone = 0.0
terms = ["bb"]
[[family.variant]]
id = "c"
tone = 1.0
terms = ["cc"]
[[family]]
id = "g"
[[family.variant]]
id = "x"
tone = -1.0
terms = ["xx"]
[[family.variant]]
id = "y"
tone = 1.0
terms = ["yy"]
"#,
        )
        .unwrap();
        let mut agg = Aggregates::new(&lex);
        for (name, counts) in [
            ("s1", [3, 1, 0, 0, 0]),
            ("s2", [0, 2, 0, 0, 0]),
            ("s3", [0, 0, 0, 1, 0]),
        ] {
            let mut sa = SourceAgg {
                counts: crate::features::Counts::new(&lex),
                ..Default::default()
            };
            for (v, c) in counts.into_iter().enumerate() {
                sa.counts.variants[v] = [c, 0];
            }
            agg.sources.insert(name.to_string(), sa);
        }
        (lex, agg)
    }

    #[test]
    fn variant_rows_leave_out_what_says_nothing_about_the_source() {
        let (lex, agg) = three_sources();
        for prior in [Prior::Informative, Prior::Uniform] {
            let opts = EstimatorOptions {
                prior,
                ..Default::default()
            };
            let rows = variant_rows(&agg, &lex, &opts);
            let got: Vec<(usize, &str, &str, u64)> = rows
                .iter()
                .map(|r| (r.source, r.family.as_str(), r.term.as_str(), r.rank))
                .collect();
            // s3 matched no `f`, s1 and s2 no `g`: no rows; c and y were
            // used by no source: no rows. Ranks number the rows kept.
            assert_eq!(
                got,
                [
                    (0, "f", "a", 1),
                    (0, "f", "b", 2),
                    (1, "f", "b", 1),
                    (1, "f", "a", 2),
                    (2, "g", "x", 1),
                ],
                "{prior:?}"
            );
            // q-values are those of the family's three tests (c: p = 1
            // under the informative prior, which cannot test it).
            if prior == Prior::Informative {
                let p: Vec<f64> = rows[..2].iter().map(|r| r.p).collect();
                let q = bh_qvalues(&[p[0], p[1], 1.0]);
                assert_eq!([rows[0].q, rows[1].q], [q[0], q[1]]);
            }
        }
    }

    #[test]
    fn small_sources_are_not_tested_but_count_for_the_others() {
        let lex = Lexicon::default();
        let mut agg = Aggregates::new(&lex);
        for (name, words, tokens) in [("big", 60u64, 400u64), ("small", 10, 20)] {
            let mut sa = SourceAgg::default();
            sa.counts.authorial_tokens = tokens;
            let id = agg.vocab.intern("word");
            sa.ngrams.insert(crate::features::unigram_key(id), words);
            let id = agg.vocab.intern(name);
            sa.ngrams
                .insert(crate::features::unigram_key(id), tokens - words);
            agg.sources.insert(name.to_string(), sa);
        }
        let opts = EstimatorOptions {
            min_count: 1,
            ..Default::default()
        };
        let rows = ngram_rows(&agg, &opts);
        assert!(rows.iter().all(|r| r.source == 0), "{rows:?}");
        let word = rows.iter().find(|r| r.term == "word").unwrap();
        assert_eq!((word.count, word.count_rest), (60, 10));
        assert_eq!(ngram_sources_skipped(&agg, &opts), 1);
        let all = EstimatorOptions {
            min_source_tokens: 0,
            ..opts
        };
        assert!(ngram_rows(&agg, &all).iter().any(|r| r.source == 1));
        assert_eq!(ngram_sources_skipped(&agg, &all), 0);
    }

    /// Sources with unigrams ("w") and bigrams ("w v") and their counts.
    fn sources(data: &[(&str, &[(&str, u64)])]) -> Aggregates {
        let mut agg = Aggregates::new(&Lexicon::default());
        for (name, counts) in data {
            let mut sa = SourceAgg::default();
            for (gram, c) in counts.iter() {
                let key = match gram.split_once(' ') {
                    Some((a, b)) => {
                        crate::features::bigram_key(agg.vocab.intern(a), agg.vocab.intern(b))
                    }
                    None => crate::features::unigram_key(agg.vocab.intern(gram)),
                };
                sa.ngrams.insert(key, *c);
            }
            agg.sources.insert(name.to_string(), sa);
        }
        agg
    }

    #[test]
    fn own_name_and_stopwords_are_not_tested() {
        let fox: &[(&str, u64)] = &[
            ("fox", 50),
            ("news", 60),
            ("fox news", 45),
            ("the fox", 20),
            ("told fox", 30),
            ("news poll", 14),
            ("desert fox", 7),
            ("foxnews", 12),
            ("fox's", 9),
            ("border", 40),
            ("reuters", 25),
            ("the", 500),
        ];
        let wire: &[(&str, u64)] = &[
            ("fox", 5),
            ("news", 30),
            ("fox news", 4),
            ("the fox", 2),
            ("border", 10),
            ("reuters", 80),
            ("the", 600),
        ];
        let agg = sources(&[("Fox News", fox), ("Wire", wire)]);
        let terms = |opts: &EstimatorOptions, source: usize| -> Vec<String> {
            let mut t: Vec<String> = ngram_rows(&agg, opts)
                .into_iter()
                .filter(|r| r.source == source)
                .map(|r| r.term)
                .collect();
            t.sort();
            t
        };
        let opts = EstimatorOptions {
            min_count: 1,
            all_terms: true,
            min_source_tokens: 0,
            ..Default::default()
        };
        // Fox News's own name in any form is out, also as the one told or
        // polling; another sense beside other words ("desert fox") stays.
        assert_eq!(terms(&opts, 0), ["border", "desert fox", "reuters", "the"]);
        // Another source's use of the name is tested.
        assert_eq!(
            terms(&opts, 1),
            ["border", "fox", "fox news", "news", "reuters", "the", "the fox"]
        );
        let opts = EstimatorOptions {
            stopwords: vec!["fox".into(), "reuters".into()],
            ..opts
        };
        assert_eq!(terms(&opts, 0), ["border", "the"]);
        assert_eq!(terms(&opts, 1), ["border", "news", "the"]);
    }

    #[test]
    fn ngram_tests_stop_when_asked() {
        let agg = two_sources(&[("x", 5), ("y", 1)], &[("x", 1), ("y", 5)]);
        let opts = all_opts(Prior::Informative, false);
        assert!(ngram_rows_until(&agg, &opts, &AtomicBool::new(true)).is_empty());
        let rows = ngram_rows_until(&agg, &opts, &AtomicBool::new(false));
        assert_eq!(rows.len(), 4);
        assert_eq!(
            format!("{rows:?}"),
            format!("{:?}", ngram_rows(&agg, &opts))
        );
    }
}
