//! Lexicons: framing families and word categories, loaded from TOML, plain
//! word lists, VADER-style valence lists, LIWC-style `.dic` or LIWC-22
//! `.dicx` files, and matched against text by [`Matcher`].
//!
//! A **family** is a set of alternative labels for one referent ("terrorists"
//! vs "insurgents" vs "fighters"); each **variant** carries a tone in
//! `[-1, 1]`. A **category** is a bag of terms counted together (hedges,
//! loaded attribution verbs, …); a *valence* category also carries a weight
//! per term (VADER sentiment).
//!
//! ```
//! use slant::lexicon::Lexicon;
//! let toml = r#"
//! [[family]]
//! id = "armed_group"
//! about = "How a non-state armed group is labelled"
//! [[family.variant]]
//! id = "terrorist"
//! tone = -1.0
//! terms = ["terrorist group", "terrorists"]
//! [[family.variant]]
//! id = "insurgent"
//! tone = 0.0
//! terms = ["insurgents"]
//! "#;
//! let lex = Lexicon::from_toml_str("mine.toml", toml).unwrap();
//! assert_eq!(lex.families[0].variants.len(), 2);
//! ```

mod load;
mod matcher;
pub mod stopwords;
mod tokens;

pub use load::{parse_dic, parse_dicx, parse_toml, parse_valence, parse_word_list};
pub use matcher::{Match, Matcher, Scratch, Target};
pub use tokens::{SimpleTable, TokenMatcher, TokenScratch, TokenTable};

pub use crate::error::Problem;

use crate::error::{Error, ErrorKind, Result};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A term to match: lower-case words separated by single spaces, with an
/// optional trailing `*` wildcard that matches any word continuation.
///
/// ```
/// use slant::lexicon::Term;
/// let t = Term::parse("Suggest*", 1).unwrap();
/// assert_eq!(t.text, "suggest");
/// assert!(t.wildcard);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// Normalised, lower-cased term text without the wildcard.
    pub text: String,
    /// Whether the term ends in `*`.
    pub wildcard: bool,
    /// Weight (valence for sentiment categories, 1.0 otherwise).
    pub weight: f64,
    /// Line in the lexicon file (0 for built-in or unknown).
    pub line: u32,
}

impl Term {
    /// Parse and normalise a term as written in a lexicon. Returns a
    /// message on an empty or wildcard-only term, a `*` anywhere but at
    /// the end, or a term with no word or number in it (punctuation only,
    /// which would match punctuation). Every lexicon format goes through
    /// this one check.
    ///
    /// ```
    /// use slant::lexicon::Term;
    /// let t = Term::parse("  Freedom Fighters ", 4).unwrap();
    /// assert_eq!((t.text.as_str(), t.wildcard, t.line), ("freedom fighters", false, 4));
    /// assert_eq!(t.weight, 1.0);
    /// assert!(Term::parse("*", 5).unwrap_err().starts_with("wildcard-only term"));
    /// assert!(Term::parse("sug*gest", 6).unwrap_err().contains("only allowed at the end"));
    /// assert!(Term::parse(".", 7).unwrap_err().contains("punctuation only"));
    /// assert!(Term::parse("\u{201c}", 8).unwrap_err().contains("punctuation only"));
    /// assert!(Term::parse("AT&T", 9).is_ok());
    /// ```
    pub fn parse(raw: &str, line: u32) -> std::result::Result<Term, String> {
        let mut norm = crate::text::Normalized::default();
        crate::text::normalize_into(raw.trim(), &mut norm);
        let mut text = norm.text.trim().replace('\n', " ").to_lowercase();
        if text.is_empty() {
            return Err("empty term".into());
        }
        let wildcard = text.ends_with('*');
        if wildcard {
            text.pop();
            if text.trim().is_empty() {
                return Err(format!("wildcard-only term {raw:?} would match every word"));
            }
            if text.ends_with(' ') {
                return Err(format!("term {raw:?}: `*` must follow a word directly"));
            }
        }
        if text.contains('*') {
            return Err(format!(
                "term {raw:?}: `*` is only allowed at the end of a term"
            ));
        }
        // Terms are matched as token patterns: one without a word or number
        // would match bare punctuation (every `.` or `"` in the corpus).
        let mut tokens = Vec::new();
        crate::text::tokenize_into(&text, &mut tokens);
        if tokens
            .iter()
            .all(|t| t.kind == crate::text::TokenKind::Punct)
        {
            return Err(format!(
                "term {raw:?} has no word or number (punctuation only): it would match punctuation"
            ));
        }
        Ok(Term {
            text,
            wildcard,
            weight: 1.0,
            line,
        })
    }

    /// The term as written back (with `*` when it is a wildcard), in its
    /// normalised form.
    ///
    /// ```
    /// use slant::lexicon::Term;
    /// assert_eq!(Term::parse("Resist*", 1).unwrap().display(), "resist*");
    /// assert_eq!(Term::parse("Died", 2).unwrap().display(), "died");
    /// ```
    pub fn display(&self) -> String {
        if self.wildcard {
            format!("{}*", self.text)
        } else {
            self.text.clone()
        }
    }
}

/// One alternative label within a [`Family`].
///
/// ```
/// use slant::lexicon::Lexicon;
/// let lex = Lexicon::from_toml_str("x.toml", r#"
/// [[family]]
/// id = "armed_group"
/// [[family.variant]]
/// id = "freedom_fighter"
/// tone = 1.0
/// terms = ["Freedom fighters", "resistance*"]
/// "#).unwrap();
/// let v = &lex.families[0].variants[0];
/// assert_eq!((v.id.as_str(), v.tone), ("freedom_fighter", 1.0));
/// let terms: Vec<String> = v.terms.iter().map(|t| t.display()).collect();
/// assert_eq!(terms, ["freedom fighters", "resistance*"]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// Identifier, unique within the family.
    pub id: String,
    /// Tone in `[-1, 1]`: -1 most delegitimising, +1 most sympathetic.
    pub tone: f64,
    /// The terms that realise this variant.
    pub terms: Vec<Term>,
}

/// A framing family: alternative labels for one referent.
///
/// `name` defaults to the id when the file gives none.
///
/// ```
/// use slant::lexicon::Lexicon;
/// let lex = Lexicon::from_toml_str("mine.toml", r#"
/// [[family]]
/// id = "killed_vs_died"
/// about = "-1 = violent agency, +1 = neutral"
/// [[family.variant]]
/// id = "massacred"
/// tone = -1.0
/// terms = ["massacred"]
/// [[family.variant]]
/// id = "died"
/// tone = 1.0
/// terms = ["died"]
/// "#).unwrap();
/// let f = &lex.families[0];
/// assert_eq!((f.name.as_str(), f.origin.as_str()), ("killed_vs_died", "mine.toml"));
/// let tones: Vec<f64> = f.variants.iter().map(|v| v.tone).collect();
/// assert_eq!(tones, [-1.0, 1.0]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Family {
    /// Identifier (snake_case), unique across loaded lexicons.
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// One-line rationale.
    pub about: String,
    /// The alternatives, in file order.
    pub variants: Vec<Variant>,
    /// The referents it is about (`referents = ["Taliban"]`), as written:
    /// when given, the family counts only the matches in labels linked to
    /// one of them (see `labels.csv`); empty: every match, whoever it
    /// refers to.
    pub referents: Vec<String>,
    /// Which lexicon file it came from.
    pub origin: String,
}

/// A category of terms counted together (hedges, loaded verbs, sentiment).
///
/// ```
/// use slant::lexicon::Lexicon;
/// let lex = Lexicon::builtin();
/// let sentiment = lex.categories.iter().find(|c| c.id == "sentiment").unwrap();
/// assert!(sentiment.valence);
/// let good = sentiment.terms.iter().find(|t| t.text == "good").unwrap();
/// assert!(good.weight > 0.0);
/// let hedge = lex.categories.iter().find(|c| c.id == "hedge").unwrap();
/// assert!(!hedge.valence && hedge.terms.iter().all(|t| t.weight == 1.0));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    /// Identifier (snake_case), unique across loaded lexicons.
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// One-line description.
    pub about: String,
    /// The terms.
    pub terms: Vec<Term>,
    /// Whether term weights are valences to average (sentiment).
    pub valence: bool,
    /// Which lexicon file it came from.
    pub origin: String,
}

/// Where one loaded lexicon came from, with its content hash for `run.json`.
///
/// ```
/// use slant::lexicon::Lexicon;
/// let toml = "[[category]]\nid = \"hedge\"\nterms = [\"may\"]\n";
/// let a = Lexicon::from_toml_str("mine.toml", toml).unwrap();
/// let src = &a.sources[0];
/// assert_eq!((src.name.as_str(), src.format.as_str()), ("mine.toml", "toml"));
/// assert_eq!(src.sha256.len(), 64);
/// // The hash follows the content, not the name.
/// let b = Lexicon::from_toml_str("copy.toml", toml).unwrap();
/// assert_eq!(b.sources[0].sha256, src.sha256);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LexiconSource {
    /// File name or `builtin:NAME`.
    pub name: String,
    /// Format: `toml`, `words`, `valence`, `dic` or `dicx`.
    pub format: String,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
}

/// A set of families and categories, possibly merged from several files.
///
/// ```
/// use slant::lexicon::Lexicon;
/// let mut lex = Lexicon::builtin();
/// let before = lex.sources.len();
/// let mine = Lexicon::from_toml_str("mine.toml", r#"
/// [[category]]
/// id = "spin"
/// terms = ["slammed", "blasted"]
/// "#).unwrap();
/// lex.merge(mine.clone()).unwrap();
/// assert_eq!(lex.sources.len(), before + 1);
/// assert_eq!(lex.categories.last().unwrap().id, "spin");
/// // Loading the same ids twice is refused.
/// assert!(lex.merge(mine).is_err());
/// ```
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    /// Framing families.
    pub families: Vec<Family>,
    /// Word categories.
    pub categories: Vec<Category>,
    /// The files merged into this lexicon.
    pub sources: Vec<LexiconSource>,
}

/// Built-in lexicon files shipped in `data/lexicons/` and compiled in.
const BUILTIN: &[(&str, &str, &str)] = &[
    (
        "framing.toml",
        "toml",
        include_str!("../../data/lexicons/framing.toml"),
    ),
    (
        "categories.toml",
        "toml",
        include_str!("../../data/lexicons/categories.toml"),
    ),
    (
        "hedges/hedges.txt",
        "words:hedge_list",
        include_str!("../../data/lexicons/hedges/hedges.txt"),
    ),
    (
        "weasels/weasels.txt",
        "words:weasel",
        include_str!("../../data/lexicons/weasels/weasels.txt"),
    ),
    (
        "vader/vader_lexicon.txt",
        "valence:sentiment",
        include_str!("../../data/lexicons/vader/vader_lexicon.txt"),
    ),
];

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

impl Lexicon {
    /// The lexicons shipped with slant: framing families, curated categories,
    /// the hedge and weasel word lists and VADER sentiment valences.
    ///
    /// ```
    /// let lex = slant::lexicon::Lexicon::builtin();
    /// assert!(lex.families.len() >= 12);
    /// assert!(lex.categories.iter().any(|c| c.id == "sentiment" && c.valence));
    /// ```
    pub fn builtin() -> Lexicon {
        let mut lex = Lexicon::default();
        for (name, format, content) in BUILTIN {
            let part = Lexicon::parse_format(&format!("builtin:{name}"), format, content)
                .unwrap_or_else(|e| panic!("built-in lexicon {name} is invalid: {e}"));
            lex.merge(part)
                .unwrap_or_else(|e| panic!("built-in lexicons clash: {e}"));
        }
        lex
    }

    /// Parse a TOML lexicon from a string; `name` is used in messages and
    /// recorded in [`Lexicon::sources`].
    ///
    /// ```
    /// use slant::lexicon::Lexicon;
    /// let toml = "[[category]]\nid = \"hedge\"\nterms = [\"may\", \"might\"]";
    /// let lex = Lexicon::from_toml_str("mine.toml", toml).unwrap();
    /// assert_eq!(lex.categories[0].terms.len(), 2);
    /// assert_eq!(lex.sources[0].name, "mine.toml");
    /// let bad = toml.replace("\"may\"", "\"\"");
    /// let err = Lexicon::from_toml_str("bad.toml", &bad).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "bad.toml: 1 problem(s) in lexicon:\n  line 3: category `hedge`: empty term"
    /// );
    /// ```
    pub fn from_toml_str(name: &str, content: &str) -> Result<Lexicon> {
        Lexicon::parse_format(name, "toml", content)
    }

    fn parse_format(name: &str, format: &str, content: &str) -> Result<Lexicon> {
        let (kind, id) = format.split_once(':').unwrap_or((format, ""));
        let parsed = match kind {
            "toml" => parse_toml(name, content),
            "words" => parse_word_list(name, id, content).map(|c| (vec![], vec![c])),
            "valence" => parse_valence(name, id, content).map(|c| (vec![], vec![c])),
            "dic" => parse_dic(name, content).map(|cs| (vec![], cs)),
            "dicx" => parse_dicx(name, content).map(|cs| (vec![], cs)),
            other => unreachable!("unknown lexicon format {other}"),
        };
        match parsed {
            Ok((families, categories)) => Ok(Lexicon {
                families,
                categories,
                sources: vec![LexiconSource {
                    name: name.to_string(),
                    format: kind.to_string(),
                    sha256: sha256_hex(content.as_bytes()),
                }],
            }),
            Err(problems) => Err(Error::new(ErrorKind::Lexicon {
                path: PathBuf::from(name),
                problems,
            })),
        }
    }

    /// Load a user lexicon file. The format follows the extension: `.toml`
    /// (families and categories), `.dic` (LIWC-style), `.dicx` (LIWC-22's
    /// CSV dictionaries), or `.txt`/other (one term per line, category id =
    /// file stem; lines of `term<TAB>number…` make a valence category).
    ///
    /// ```
    /// use slant::lexicon::Lexicon;
    /// # let dir = tempfile::tempdir().unwrap();
    /// // `dir` is a temporary directory.
    /// let path = dir.path().join("intensifiers.txt");
    /// std::fs::write(&path, "very\nextremely\nutterly\n").unwrap();
    /// let lex = Lexicon::from_path(&path).unwrap();
    /// assert_eq!(lex.categories[0].id, "intensifiers");
    /// assert_eq!(lex.categories[0].terms.len(), 3);
    /// assert_eq!(lex.sources[0].format, "words");
    ///
    /// let path = dir.path().join("tone.txt");
    /// std::fs::write(&path, "good\t1.9\nbad\t-2.5\n").unwrap();
    /// let lex = Lexicon::from_path(&path).unwrap();
    /// assert!(lex.categories[0].valence);
    /// assert_eq!(lex.categories[0].terms[1].weight, -2.5);
    /// ```
    pub fn from_path(path: &Path) -> Result<Lexicon> {
        // A FIFO named by mistake would block the read forever.
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if !meta.is_file() {
            return Err(Error::input(
                path,
                "not a regular file (FIFO, socket, device or folder)",
            ));
        }
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let content = match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => {
                return Err(Error::new(ErrorKind::Lexicon {
                    path: path.to_path_buf(),
                    problems: vec![Problem {
                        line: 0,
                        message: format!(
                            "not UTF-8 (invalid byte at offset {})",
                            e.utf8_error().valid_up_to()
                        ),
                    }],
                }))
            }
        };
        let content = content.strip_prefix('\u{feff}').unwrap_or(&content);
        let name = crate::corpus::escape_path(path).into_owned();
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_else(|| "lexicon".into());
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let format = match ext.as_str() {
            "toml" => "toml".to_string(),
            "dic" => "dic".to_string(),
            "dicx" => "dicx".to_string(),
            _ if load::looks_like_valence(content) => format!("valence:{stem}"),
            _ => format!("words:{stem}"),
        };
        Lexicon::parse_format(&name, &format, content)
    }

    /// Add another lexicon's families and categories; ids must not clash.
    /// On a clash nothing is added, and the error lists every clashing id.
    ///
    /// ```
    /// use slant::lexicon::Lexicon;
    /// let toml = "[[category]]\nid = \"hedge\"\nterms = [\"may\"]";
    /// let mut lex = Lexicon::from_toml_str("a.toml", toml).unwrap();
    /// let err = lex.merge(Lexicon::from_toml_str("b.toml", toml).unwrap()).unwrap_err();
    /// assert!(err.to_string().contains("category `hedge` from b.toml is already defined in a.toml"));
    /// assert_eq!((lex.categories.len(), lex.sources.len()), (1, 1));
    /// ```
    pub fn merge(&mut self, other: Lexicon) -> Result<()> {
        let mut problems = Vec::new();
        for f in &other.families {
            if let Some(prev) = self.families.iter().find(|g| g.id == f.id) {
                problems.push(Problem {
                    line: 0,
                    message: format!(
                        "family `{}` from {} is already defined in {}",
                        f.id, f.origin, prev.origin
                    ),
                });
            }
        }
        for c in &other.categories {
            if let Some(prev) = self.categories.iter().find(|g| g.id == c.id) {
                problems.push(Problem {
                    line: 0,
                    message: format!(
                        "category `{}` from {} is already defined in {}",
                        c.id, c.origin, prev.origin
                    ),
                });
            }
        }
        if !problems.is_empty() {
            let path = other
                .sources
                .first()
                .map(|s| s.name.clone())
                .unwrap_or_default();
            return Err(Error::new(ErrorKind::Lexicon {
                path: path.into(),
                problems,
            }));
        }
        self.families.extend(other.families);
        self.categories.extend(other.categories);
        self.sources.extend(other.sources);
        Ok(())
    }

    /// Total number of variants over all families (the length of flat
    /// variant-indexed count vectors).
    ///
    /// ```
    /// use slant::lexicon::Lexicon;
    /// let lex = Lexicon::from_toml_str("x.toml", r#"
    /// [[family]]
    /// id = "armed_group"
    /// variant = [
    ///     { id = "terrorist", tone = -1.0, terms = ["terrorists"] },
    ///     { id = "insurgent", tone = 0.0, terms = ["insurgents"] },
    /// ]
    /// [[family]]
    /// id = "killed_vs_died"
    /// variant = [{ id = "died", tone = 1.0, terms = ["died"] }]
    /// [[category]]
    /// id = "hedge"
    /// terms = ["may"]
    /// "#).unwrap();
    /// assert_eq!(lex.n_variants(), 3); // categories have no variants
    /// ```
    pub fn n_variants(&self) -> usize {
        self.families.iter().map(|f| f.variants.len()).sum()
    }

    /// Flat index of the first variant of each family, plus the total at
    /// the end, so family `f` owns `offsets[f]..offsets[f + 1]`.
    ///
    /// ```
    /// use slant::lexicon::{Lexicon, Matcher, Target};
    /// let lex = Lexicon::from_toml_str("x.toml", r#"
    /// [[family]]
    /// id = "armed_group"
    /// variant = [
    ///     { id = "terrorist", tone = -1.0, terms = ["terrorists"] },
    ///     { id = "insurgent", tone = 0.0, terms = ["insurgents"] },
    /// ]
    /// [[family]]
    /// id = "killed_vs_died"
    /// variant = [
    ///     { id = "killed", tone = -1.0, terms = ["killed"] },
    ///     { id = "died", tone = 1.0, terms = ["died"] },
    /// ]
    /// "#).unwrap();
    /// let offsets = lex.variant_offsets();
    /// assert_eq!(offsets, [0, 2, 4]);
    /// // A match's flat index, less its family's offset, is the variant's index.
    /// let mut out = Vec::new();
    /// Matcher::new(&lex).find_into("Two died.", &mut Default::default(), &mut out);
    /// let Target::Variant { family, flat } = out[0].target else { panic!() };
    /// assert_eq!((family, flat as usize - offsets[family as usize]), (1, 1));
    /// ```
    pub fn variant_offsets(&self) -> Vec<usize> {
        let mut out = Vec::with_capacity(self.families.len() + 1);
        let mut n = 0;
        for f in &self.families {
            out.push(n);
            n += f.variants.len();
        }
        out.push(n);
        out
    }

    /// Number of distinct terms over families and categories. A term listed
    /// in several places counts once; a wildcard differs from the same
    /// text without one.
    ///
    /// ```
    /// use slant::lexicon::Lexicon;
    /// let lex = Lexicon::from_toml_str("x.toml", r#"
    /// [[family]]
    /// id = "armed_group"
    /// [[family.variant]]
    /// id = "terrorist"
    /// tone = -1.0
    /// terms = ["terrorists", "terror*"]
    /// [[category]]
    /// id = "loaded"
    /// terms = ["terrorists", "terror", "brutal"]
    /// "#).unwrap();
    /// assert_eq!(lex.n_terms(), 4); // terrorists, terror*, terror, brutal
    /// ```
    pub fn n_terms(&self) -> usize {
        let mut set: HashMap<(&str, bool), ()> = HashMap::new();
        for f in &self.families {
            for v in &f.variants {
                for t in &v.terms {
                    set.insert((&t.text, t.wildcard), ());
                }
            }
        }
        for c in &self.categories {
            for t in &c.terms {
                set.insert((&t.text, t.wildcard), ());
            }
        }
        set.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped categories were curated for news text
    /// (`data/lexicons/README.md`): no bare function word, apart from the
    /// hedges and the booster they are in every account (*might*,
    /// *perhaps*, *very*), and none of the words whose news sense is not
    /// the category's (bare *may*, *claims*, *surge*, VADER's *party*).
    #[test]
    fn builtin_categories_hold_no_function_words_or_news_senses() {
        const FUNCTION_WORDS: &str = "a about above across after again against all almost along \
            already also although always am among an and another any anyway are around as at back \
            be because been before being below between both but by can could did do does down \
            during each either enough even ever every few for from further had has have he her \
            here hers him his how however i if in into is it its itself just least less like many \
            may me might more most much must my near neither never no nor not now of off often on \
            once one only or other our out over own perhaps quite rather same several shall she \
            should since so some still such than that the their them then there these they this \
            those though through thus to too under until up upon us very was we well were what \
            when where whether which while who whom whose why will with within without would yet \
            you your yes please ok okay";
        const ALLOWED: &[&str] = &["might", "perhaps", "very"];
        const NEWS_SENSES: &[(&str, &str)] = &[
            ("hedge", "could"),
            ("booster", "never"),
            ("factive_verb", "prove"),
            ("factive_verb", "exposed"),
            ("assertive_verb", "claims"),
            ("assertive_verb", "maintain"),
            ("loaded", "surge"),
            ("loaded", "invasion"),
            ("loaded", "flood"),
            ("subjective", "responsible"),
            ("subjective", "welcome"),
            ("hedge_list", "appears"),
            ("hedge_list", "say"),
            ("weasel", "experts"),
            ("weasel", "seems"),
            ("sentiment", "party"),
            ("sentiment", "united"),
            ("sentiment", "security"),
            ("sentiment", "justice"),
        ];
        let lex = Lexicon::builtin();
        let fw: Vec<&str> = FUNCTION_WORDS.split_whitespace().collect();
        let mut found = Vec::new();
        for c in &lex.categories {
            for t in &c.terms {
                let bare_fw = fw.contains(&t.text.as_str()) && !ALLOWED.contains(&t.text.as_str());
                if bare_fw || NEWS_SENSES.contains(&(c.id.as_str(), t.text.as_str())) {
                    found.push(format!("{}: {}", c.id, t.text));
                }
            }
        }
        assert!(found.is_empty(), "{found:?}");
        // The phrase forms that replaced some of them are there.
        let has = |cat: &str, term: &str| {
            lex.categories
                .iter()
                .any(|c| c.id == cat && c.terms.iter().any(|t| t.text == term))
        };
        assert!(has("hedge", "may be") && has("assertive_verb", "claims that"));
        assert!(has("weasel", "critics say") && has("loaded", "flood of"));
    }
}
