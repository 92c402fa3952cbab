//! Text features for the learned scorers, computed with slant's own
//! analysis: lower-cased word uni- and bigrams (per sentence, optionally
//! authorial voice only) and dense lexicon features (category counts,
//! sentiment valence, subjectivity, framing-family tones, quotation share,
//! length).
//!
//! ```
//! use slant::scorers::textfeat::{Featurizer, VoiceFilter};
//! let fz = Featurizer::new();
//! let mut ws = fz.workspace();
//! let doc = fz.analyze_text("The radical senator slammed the bill.", &mut ws);
//! let mut grams = Vec::new();
//! Featurizer::ngrams(&ws.analyzed(), 0..ws.analyzed().tokens.len(), VoiceFilter::All,
//!     &mut String::new(), |g| grams.push(g.to_string()));
//! assert!(grams.contains(&"radical senator".to_string()));
//! let dense = fz.dense(&ws.analyzed(), &doc.matches, None, VoiceFilter::All);
//! assert_eq!(dense.len(), fz.dense_names().len());
//! ```

use crate::corpus::Document;
use crate::features::{Aggregates, DocFeatures, Extractor, FeatureOptions, MatchRecord, Workspace};
use crate::lexicon::{Category, Lexicon, LexiconSource, Target, TokenMatcher};
use crate::text::{Analyzed, TokenKind, Voice};
use sha2::{Digest, Sha256};
use std::ops::Range;

/// A lexicon file behind the dense features, as recorded in a model file
/// (a model whose references differ from the running featurizer's was
/// trained with other lexicons).
///
/// ```
/// use slant::scorers::textfeat::Featurizer;
/// let refs = Featurizer::new().lexicon_sources();
/// let subjectivity = refs.iter().find(|r| r.name == "builtin:pattern/subjectivity.txt").unwrap();
/// assert_eq!(subjectivity.format, "valence");
/// assert!(refs.iter().all(|r| r.sha256.len() == 64));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LexiconRef {
    /// File name or `builtin:NAME`.
    pub name: String,
    /// Format.
    pub format: String,
    /// SHA-256 of the file's bytes.
    pub sha256: String,
}

pub use crate::text::VoiceFilter;

/// The Pattern subjectivity list shipped in `data/lexicons/pattern/`.
const SUBJECTIVITY: &str = include_str!("../../data/lexicons/pattern/subjectivity.txt");

/// Extracts scorer features; owns its own lexicon (the built-in lexicons
/// plus the Pattern subjectivity list) so that a model's features do not
/// depend on the lexicons a user passes to `analyze`.
///
/// ```
/// use slant::scorers::textfeat::{Featurizer, VoiceFilter};
/// let fz = Featurizer::new();
/// let mut ws = fz.workspace();
/// let neg = fz.dense_names().iter().position(|n| n == "sentiment_neg").unwrap();
/// let mut negative = |text: &str| {
///     let f = fz.analyze_text(text, &mut ws);
///     fz.dense(ws.analyzed(), &f.matches, None, VoiceFilter::All)[neg]
/// };
/// assert!(negative("The thugs brutally slammed the disgraceful plan.") > 0.0);
/// assert_eq!(negative("The committee met on Tuesday."), 0.0);
/// ```
#[derive(Debug, Clone)]
pub struct Featurizer {
    lexicon: Lexicon,
    extractor: Extractor,
    matcher: TokenMatcher,
    names: Vec<String>,
    tones: Vec<f64>,
}

/// Per-thread buffers for a [`Featurizer`]: make one per thread with
/// [`Featurizer::workspace`] and reuse it for every document that thread
/// analyses. It keeps the analysis of the last document.
///
/// ```
/// use slant::scorers::textfeat::Featurizer;
/// let fz = Featurizer::new();
/// let mut ws = fz.workspace();
/// for (text, sentences) in [("One sentence.", 1), ("Two sentences. Here they are.", 2)] {
///     fz.analyze_text(text, &mut ws);
///     assert_eq!(ws.analyzed().sentences.len(), sentences);
/// }
/// ```
#[derive(Debug)]
pub struct FeatWorkspace {
    ws: Workspace,
    agg: Aggregates,
    cache: CharCache,
    pub(crate) words: super::wordcache::WordCache,
}

/// Per-thread cache: the word-type part of a word's logit in one
/// loaded-language model (computed once per distinct word; cleared when it
/// grows past a million words or the model changes). It only saves work:
/// scores are the same with a cold or a warm cache.
///
/// ```
/// use slant::scorers::model_file::ModelFile;
/// use slant::scorers::apply::Scorers;
/// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
/// use slant::scorers::textfeat::Featurizer;
/// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
/// let fz = Featurizer::new();
/// let mut ws = fz.workspace();
/// let text = "The radical senator slammed the plan. The vote is on Tuesday.";
/// let f = fz.analyze_text(text, &mut ws);
/// let (a, cache) = ws.parts();
/// let mut per_sentence = || -> Vec<f64> {
///     (0..a.sentences.len() as u32)
///         .map(|s| model.score(&fz, a, &f.matches, Some(s), cache).probability)
///         .collect()
/// };
/// let cold = per_sentence();
/// let warm = per_sentence(); // word features now come from the cache
/// assert_eq!(cold.len(), 2);
/// assert_eq!(cold, warm);
/// ```
#[derive(Debug, Default)]
pub struct CharCache {
    /// Identity of the model the entries belong to.
    pub(crate) owner: usize,
    /// Lower-cased word → its word-type logit.
    pub(crate) map: rustc_hash::FxHashMap<Box<str>, f64>,
}

impl FeatWorkspace {
    /// The analyzed text of the last document.
    ///
    /// ```
    /// use slant::scorers::textfeat::Featurizer;
    /// let fz = Featurizer::new();
    /// let mut ws = fz.workspace();
    /// fz.analyze_text("Rebels fled. Troops stayed.", &mut ws);
    /// let a = ws.analyzed();
    /// let words: Vec<&str> = a.tokens.iter().map(|t| t.text(&a.norm.text)).collect();
    /// assert_eq!(words, ["Rebels", "fled", ".", "Troops", "stayed", "."]);
    /// assert_eq!(a.sentences.len(), 2);
    /// ```
    pub fn analyzed(&self) -> &Analyzed {
        &self.ws.analyzed
    }

    /// The analyzed original text of the last document (title, blank line,
    /// body): the text the scores' byte offsets refer to.
    ///
    /// ```
    /// use slant::corpus::Document;
    /// use slant::scorers::textfeat::Featurizer;
    /// let fz = Featurizer::new();
    /// let mut ws = fz.workspace();
    /// fz.analyze(&Document::new("1", "s", "Body.").with_title("Title"), &mut ws);
    /// assert_eq!(ws.text(), "Title\n\nBody.");
    /// ```
    pub fn text(&self) -> &str {
        &self.ws.text
    }

    /// The analyzed text and the word cache, borrowed together.
    ///
    /// ```
    /// use slant::scorers::model_file::ModelFile;
    /// # use slant::scorers::{apply::Scorers, loaded::{LoadedModel, FILE_NAME}};
    /// use slant::scorers::textfeat::Featurizer;
    /// # let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
    /// // `model`: the shipped loaded-language model.
    /// let fz = Featurizer::new();
    /// let mut ws = fz.workspace();
    /// let f = fz.analyze_text("Thugs brutally slammed the plan. The vote is on Tuesday.", &mut ws);
    /// let (a, cache) = ws.parts();
    /// let p: Vec<f64> =
    ///     (0..2).map(|s| model.score(&fz, a, &f.matches, Some(s), cache).probability).collect();
    /// assert!(p[0] > p[1]);
    /// ```
    pub fn parts(&mut self) -> (&Analyzed, &mut CharCache) {
        (&self.ws.analyzed, &mut self.cache)
    }
}

impl Default for Featurizer {
    fn default() -> Self {
        Featurizer::new()
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Featurizer {
    /// The featurizer over the built-in lexicons plus subjectivity.
    ///
    /// ```
    /// use slant::lexicon::Lexicon;
    /// use slant::scorers::textfeat::Featurizer;
    /// let fz = Featurizer::new();
    /// let builtin = Lexicon::builtin();
    /// assert_eq!(fz.lexicon().families.len(), builtin.families.len());
    /// assert_eq!(fz.lexicon().categories.len(), builtin.categories.len() + 1);
    /// assert_eq!(fz.lexicon().categories.last().unwrap().id, "subjectivity");
    /// ```
    pub fn new() -> Featurizer {
        let mut lexicon = Lexicon::builtin();
        let name = "builtin:pattern/subjectivity.txt";
        let cat: Category = crate::lexicon::parse_valence(name, "subjectivity", SUBJECTIVITY)
            .expect("shipped subjectivity list is valid");
        lexicon
            .merge(Lexicon {
                families: vec![],
                categories: vec![cat],
                sources: vec![LexiconSource {
                    name: name.into(),
                    format: "valence".into(),
                    sha256: sha256_hex(SUBJECTIVITY.as_bytes()),
                }],
            })
            .expect("subjectivity does not clash with built-in ids");
        let mut names = Vec::new();
        for c in &lexicon.categories {
            if c.valence {
                for s in ["neg", "pos", "abs_sum", "abs_max"] {
                    names.push(format!("{}_{s}", c.id));
                }
            } else {
                names.push(c.id.clone());
            }
        }
        for s in [
            "family_negative_tone",
            "family_neutral_tone",
            "family_positive_tone",
            "quote_share",
            "log_tokens",
        ] {
            names.push(s.to_string());
        }
        let tones = lexicon
            .families
            .iter()
            .flat_map(|f| f.variants.iter().map(|v| v.tone))
            .collect();
        let extractor = Extractor::new(
            &lexicon,
            FeatureOptions {
                ngrams: false,
                ..FeatureOptions::default()
            },
        );
        Featurizer {
            matcher: TokenMatcher::new(&lexicon),
            lexicon,
            extractor,
            names,
            tones,
        }
    }

    /// The lexicon files behind the dense features (name and SHA-256).
    ///
    /// ```
    /// use slant::scorers::textfeat::Featurizer;
    /// let fz = Featurizer::new();
    /// let refs = fz.lexicon_sources();
    /// assert!(refs.iter().any(|r| r.name == "builtin:vader/vader_lexicon.txt"));
    /// assert_eq!(refs.len(), fz.lexicon().sources.len());
    /// ```
    pub fn lexicon_sources(&self) -> Vec<LexiconRef> {
        self.lexicon
            .sources
            .iter()
            .map(|s| LexiconRef {
                name: s.name.clone(),
                format: s.format.clone(),
                sha256: s.sha256.clone(),
            })
            .collect()
    }

    /// The compiled matcher of [`Featurizer::lexicon`].
    ///
    /// ```
    /// use slant::lexicon::SimpleTable;
    /// use slant::scorers::textfeat::Featurizer;
    /// let fz = Featurizer::new();
    /// let mut ws = fz.workspace();
    /// let f = fz.analyze_text("Rioters and protesters gathered.", &mut ws);
    /// let a = ws.analyzed();
    /// let table = SimpleTable::new(fz.matcher(), &a.norm.text, &a.tokens);
    /// let mut found = Vec::new();
    /// fz.matcher().find_into(&a.norm.text, &a.tokens, &table, &mut Default::default(), &mut found);
    /// assert!(found.len() >= 2);
    /// assert_eq!(found, f.matches.iter().map(|r| r.m).collect::<Vec<_>>()); // what `analyze` found
    /// ```
    pub fn matcher(&self) -> &TokenMatcher {
        &self.matcher
    }

    /// The lexicon the features are computed with.
    ///
    /// ```
    /// use slant::lexicon::Target;
    /// use slant::scorers::textfeat::Featurizer;
    /// let fz = Featurizer::new();
    /// let f = fz.analyze_text("Militants attacked.", &mut fz.workspace());
    /// let family = f.matches.iter().find_map(|r| match r.m.target {
    ///     Target::Variant { family, .. } => Some(family),
    ///     Target::Category { .. } => None,
    /// });
    /// assert_eq!(fz.lexicon().families[family.unwrap() as usize].id, "armed_group");
    /// ```
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// Names of the dense features, in order.
    ///
    /// ```
    /// use slant::scorers::textfeat::Featurizer;
    /// let fz = Featurizer::new();
    /// let names = fz.dense_names();
    /// // One name per plain category, four per valence list, five more at the end.
    /// let cats = &fz.lexicon().categories;
    /// let valence = cats.iter().filter(|c| c.valence).count();
    /// assert_eq!(names.len(), cats.len() + 3 * valence + 5);
    /// assert!(names.iter().any(|n| n == "sentiment_abs_max"));
    /// assert_eq!(names[names.len() - 2..], ["quote_share", "log_tokens"]);
    /// ```
    pub fn dense_names(&self) -> &[String] {
        &self.names
    }

    /// Fresh buffers.
    ///
    /// ```
    /// use slant::scorers::textfeat::Featurizer;
    /// let fz = Featurizer::new();
    /// // One featurizer shared by all threads, one workspace per thread.
    /// let words = |text: &str| fz.analyze_text(text, &mut fz.workspace()).counts.tokens;
    /// let (a, b) = std::thread::scope(|s| {
    ///     let a = s.spawn(|| words("Rebels fled."));
    ///     let b = s.spawn(|| words("Troops stayed. Talks resumed."));
    ///     (a.join().unwrap(), b.join().unwrap())
    /// });
    /// assert_eq!((a, b), (2, 4));
    /// ```
    pub fn workspace(&self) -> FeatWorkspace {
        FeatWorkspace {
            ws: Workspace::default(),
            agg: Aggregates::new(&self.lexicon),
            cache: CharCache::default(),
            words: Default::default(),
        }
    }

    /// A document's framing-family totals in the authorial voice: for
    /// every family with authorial matches, `(family index, Σ tone, matches)`
    /// in family order. `Σ tone / matches` is the document's raw family
    /// score of `documents.csv`; summed over a source's documents they give
    /// its raw score of `sources.csv`.
    ///
    /// ```
    /// use slant::scorers::textfeat::Featurizer;
    /// let fz = Featurizer::new();
    /// let mut ws = fz.workspace();
    /// let text = "Terrorists and militants fled. \"Freedom fighters,\" he said.";
    /// let f = fz.analyze_text(text, &mut ws);
    /// let armed = fz.lexicon().families.iter().position(|f| f.id == "armed_group").unwrap();
    /// // Two authorial matches (tones -1 and -0.3); the quoted one does not count.
    /// let totals = fz.family_totals(&f.matches);
    /// assert_eq!(totals.len(), 1);
    /// let (family, tone, n) = totals[0];
    /// assert_eq!((family as usize, n), (armed, 2));
    /// assert!((tone + 1.3).abs() < 1e-9);
    /// ```
    pub fn family_totals(&self, matches: &[MatchRecord]) -> Vec<(u16, f64, u32)> {
        let mut out: Vec<(u16, f64, u32)> = Vec::new();
        for r in matches {
            if r.voice != Voice::Authorial {
                continue;
            }
            if let Target::Variant { family, flat } = r.m.target {
                let tone = self.tones.get(flat as usize).copied().unwrap_or(0.0);
                let f = family as u16;
                match out.iter_mut().find(|e| e.0 == f) {
                    Some(e) => {
                        e.1 += tone;
                        e.2 += 1;
                    }
                    None => out.push((f, tone, 1)),
                }
            }
        }
        out.sort_by_key(|e| e.0);
        out
    }

    /// Analyze one document (title + body, as `analyze` does).
    ///
    /// ```
    /// use slant::corpus::Document;
    /// use slant::scorers::textfeat::Featurizer;
    /// let fz = Featurizer::new();
    /// let mut ws = fz.workspace();
    /// let doc = Document::new("1", "wire", "Militants fled.").with_title("Retreat");
    /// let f = fz.analyze(&doc, &mut ws);
    /// assert_eq!(ws.analyzed().norm.text, "Retreat\nMilitants fled.");
    /// assert_eq!((f.counts.sentences, f.counts.tokens), (2, 3));
    /// ```
    pub fn analyze(&self, doc: &Document, ws: &mut FeatWorkspace) -> DocFeatures {
        // Per-source sums are not needed here; keep the scratch aggregate small.
        if ws.agg.sources.len() > 64 {
            ws.agg = Aggregates::new(&self.lexicon);
        }
        self.extractor.extract(doc, &mut ws.ws, &mut ws.agg)
    }

    /// Analyze a bare text.
    ///
    /// ```
    /// use slant::scorers::textfeat::Featurizer;
    /// let fz = Featurizer::new();
    /// let mut ws = fz.workspace();
    /// let f = fz.analyze_text("Militants \"fled\" the city.", &mut ws);
    /// assert_eq!((f.counts.tokens, f.counts.quoted_tokens), (4, 1));
    /// let m = &f.matches[0].m;
    /// assert_eq!(&ws.analyzed().norm.text[m.start as usize..m.end as usize], "Militants");
    /// ```
    pub fn analyze_text(&self, text: &str, ws: &mut FeatWorkspace) -> DocFeatures {
        let doc = Document::new("", "", text);
        self.analyze(&doc, ws)
    }

    /// Call `f` with every lower-cased word unigram and bigram of the
    /// tokens in `tokens` whose voice passes `voice`. A bigram joins two
    /// adjacent kept words of the same sentence separated by one space
    /// (as slant's n-gram counts do). Words over 64 bytes are skipped.
    ///
    /// ```
    /// use slant::scorers::textfeat::{Featurizer, VoiceFilter};
    /// use slant::text::Analyzed;
    /// let mut a = Analyzed::default();
    /// a.analyze("Tax cuts, Senators agree.");
    /// let mut grams = Vec::new();
    /// Featurizer::ngrams(&a, 0..a.tokens.len(), VoiceFilter::All, &mut String::new(), |g| {
    ///     grams.push(g.to_string())
    /// });
    /// // Lower-cased; the comma keeps "cuts senators" from being a bigram.
    /// assert_eq!(grams, ["tax", "cuts", "tax cuts", "senators", "agree", "senators agree"]);
    /// ```
    pub fn ngrams(
        a: &Analyzed,
        tokens: Range<usize>,
        voice: VoiceFilter,
        buf: &mut String,
        mut f: impl FnMut(&str),
    ) {
        Featurizer::ngrams_voiced(a, tokens, buf, |g, authorial| {
            if voice == VoiceFilter::All || authorial {
                f(g)
            }
        })
    }

    /// Every n-gram of [`Featurizer::ngrams`] with `VoiceFilter::All`,
    /// with a flag telling whether all its words are authorial (then it is
    /// also an n-gram of `VoiceFilter::Authorial`).
    ///
    /// ```
    /// use slant::scorers::textfeat::Featurizer;
    /// use slant::text::Analyzed;
    /// let mut a = Analyzed::default();
    /// a.analyze("Officials said \"brutal crackdown\" twice.");
    /// let mut quoted = Vec::new();
    /// Featurizer::ngrams_voiced(&a, 0..a.tokens.len(), &mut String::new(), |g, authorial| {
    ///     if !authorial {
    ///         quoted.push(g.to_string())
    ///     }
    /// });
    /// assert_eq!(quoted, ["brutal", "crackdown", "brutal crackdown"]);
    /// ```
    pub fn ngrams_voiced(
        a: &Analyzed,
        tokens: Range<usize>,
        buf: &mut String,
        mut f: impl FnMut(&str, bool),
    ) {
        let text = a.norm.text.as_str();
        let mut prev: Option<(u32, String, bool)> = None;
        let mut sentence = a.sentence_at(a.tokens.get(tokens.start).map_or(0, |t| t.start));
        let end = tokens.end.min(a.tokens.len());
        for i in tokens.start..end {
            let t = &a.tokens[i];
            while (sentence as usize) + 1 < a.sentences.len()
                && (i as u32) >= a.sentences[sentence as usize].end_token
            {
                sentence += 1;
                prev = None;
            }
            if t.kind != TokenKind::Word || t.end - t.start > 64 {
                prev = None;
                continue;
            }
            let authorial = t.voice == Voice::Authorial;
            let mut lower = String::new();
            crate::features::lower_into(t.text(text), &mut lower);
            f(&lower, authorial);
            if let Some((pe, p, pa)) = &prev {
                if text.get(*pe as usize..t.start as usize) == Some(" ") {
                    buf.clear();
                    buf.push_str(p);
                    buf.push(' ');
                    buf.push_str(&lower);
                    f(buf, *pa && authorial);
                }
            }
            prev = Some((t.end, lower, authorial));
        }
    }

    /// Dense features of the matches in `sentence` (`None`: the whole
    /// document), in [`Featurizer::dense_names`] order: per category its
    /// match count (valence lists: negative and positive matches, summed
    /// and largest absolute weight), framing-family matches by tone sign,
    /// the share of quoted tokens and `ln(1 + words)`. Counts are
    /// `ln(1 + n)`.
    ///
    /// ```
    /// use slant::scorers::textfeat::{Featurizer, VoiceFilter};
    /// let fz = Featurizer::new();
    /// let mut ws = fz.workspace();
    /// let f = fz.analyze_text("Troops met rebels. Critics said \"thugs\".", &mut ws);
    /// let (a, col) = (ws.analyzed(), |n: &str| fz.dense_names().iter().position(|x| x == n).unwrap());
    /// let first = fz.dense(a, &f.matches, Some(0), VoiceFilter::All);
    /// assert_eq!(first[col("log_tokens")], 3f64.ln_1p()); // three words
    /// assert_eq!(first[col("quote_share")], 0.0);
    /// let whole = fz.dense(a, &f.matches, None, VoiceFilter::All);
    /// assert_eq!(whole[col("quote_share")], 1.0 / 6.0);
    /// let own = fz.dense(a, &f.matches, None, VoiceFilter::Authorial);
    /// assert_eq!(whole[col("family_negative_tone")], 1f64.ln_1p()); // "thugs"
    /// assert_eq!(own[col("family_negative_tone")], 0.0);
    /// ```
    pub fn dense(
        &self,
        a: &Analyzed,
        matches: &[MatchRecord],
        sentence: Option<u32>,
        voice: VoiceFilter,
    ) -> Vec<f64> {
        let range = a.token_range(sentence);
        self.dense_of(
            a,
            matches
                .iter()
                .filter(|m| sentence.is_none_or(|s| s == m.sentence))
                .map(|m| (&m.m.target, m.voice)),
            range,
            voice,
        )
    }

    /// [`Featurizer::dense`] of the given `(target, voice)` matches and the
    /// tokens in `tokens`.
    ///
    /// ```
    /// use slant::lexicon::Target;
    /// use slant::scorers::textfeat::{Featurizer, VoiceFilter};
    /// use slant::text::{Analyzed, Voice};
    /// let fz = Featurizer::new();
    /// let hedge = fz.lexicon().categories.iter().position(|c| c.id == "hedge").unwrap();
    /// let t = Target::Category { category: hedge as u32, weight: 1.0 };
    /// let matches = [(&t, Voice::Authorial), (&t, Voice::Quoted)];
    /// let x = fz.dense_of(&Analyzed::default(), matches.into_iter(), 0..0, VoiceFilter::Authorial);
    /// assert_eq!(x[fz.dense_names().iter().position(|n| n == "hedge").unwrap()], 1f64.ln_1p());
    /// assert_eq!(x[fz.dense_names().len() - 1], 0.0); // no tokens: ln(1 + 0)
    /// ```
    pub fn dense_of<'m>(
        &self,
        a: &Analyzed,
        matches: impl Iterator<Item = (&'m Target, Voice)>,
        tokens: Range<usize>,
        voice: VoiceFilter,
    ) -> Vec<f64> {
        let nc = self.lexicon.categories.len();
        let mut count = vec![0.0f64; nc];
        let mut neg = vec![0.0f64; nc];
        let mut pos = vec![0.0f64; nc];
        let mut abs_sum = vec![0.0f64; nc];
        let mut abs_max = vec![0.0f64; nc];
        let mut fam = [0.0f64; 3];
        for (target, v) in matches {
            if !voice.keeps(v) {
                continue;
            }
            match *target {
                Target::Category { category, weight } => {
                    let c = category as usize;
                    let w = weight as f64;
                    count[c] += 1.0;
                    if w < 0.0 {
                        neg[c] += 1.0;
                    } else if w > 0.0 {
                        pos[c] += 1.0;
                    }
                    abs_sum[c] += w.abs();
                    abs_max[c] = abs_max[c].max(w.abs());
                }
                Target::Variant { flat, .. } => {
                    let tone = self.tones.get(flat as usize).copied().unwrap_or(0.0);
                    let k = if tone < 0.0 {
                        0
                    } else if tone > 0.0 {
                        2
                    } else {
                        1
                    };
                    fam[k] += 1.0;
                }
            }
        }
        let (mut words, mut quoted) = (0.0f64, 0.0f64);
        let tokens = tokens.start.min(a.tokens.len())..tokens.end.min(a.tokens.len());
        for t in &a.tokens[tokens] {
            if t.kind == TokenKind::Word || t.kind == TokenKind::Number {
                if !voice.keeps(t.voice) {
                    continue;
                }
                words += 1.0;
                if t.voice == Voice::Quoted {
                    quoted += 1.0;
                }
            }
        }
        let mut out = Vec::with_capacity(self.names.len());
        for (c, cat) in self.lexicon.categories.iter().enumerate() {
            if cat.valence {
                out.push(neg[c].ln_1p());
                out.push(pos[c].ln_1p());
                out.push(abs_sum[c].ln_1p());
                out.push(abs_max[c]);
            } else {
                out.push(count[c].ln_1p());
            }
        }
        for v in fam {
            out.push(v.ln_1p());
        }
        out.push(if words > 0.0 { quoted / words } else { 0.0 });
        out.push(words.ln_1p());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorial_filter_drops_quoted_ngrams() {
        let fz = Featurizer::new();
        let mut ws = fz.workspace();
        fz.analyze_text("He said \"shocking betrayal\" today.", &mut ws);
        let a = ws.analyzed();
        let mut all = Vec::new();
        Featurizer::ngrams(
            a,
            0..a.tokens.len(),
            VoiceFilter::All,
            &mut String::new(),
            |g| all.push(g.to_string()),
        );
        let mut auth = Vec::new();
        Featurizer::ngrams(
            a,
            0..a.tokens.len(),
            VoiceFilter::Authorial,
            &mut String::new(),
            |g| auth.push(g.to_string()),
        );
        assert!(all.contains(&"shocking betrayal".to_string()));
        assert!(!auth.iter().any(|g| g.contains("shocking")));
        assert!(auth.contains(&"he said".to_string()));
    }

    #[test]
    fn dense_features_see_loaded_words() {
        let fz = Featurizer::new();
        let mut ws = fz.workspace();
        let f = fz.analyze_text(
            "The radical thugs brutally slammed the disgraceful plan.",
            &mut ws,
        );
        let d = fz.dense(ws.analyzed(), &f.matches, None, VoiceFilter::All);
        let i = fz
            .dense_names()
            .iter()
            .position(|n| n == "sentiment_neg")
            .unwrap();
        assert!(d[i] > 0.0);
    }
}
