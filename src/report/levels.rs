//! How much per-match and per-sentence detail a run writes: the levels of
//! `evidence.csv` (`--evidence`) and `sentences.csv` (`--sentences`), and
//! the automatic choice that keeps a large run's output proportionate.
//!
//! On allsides (28k articles, 172 MB of text in a 68 MB gzipped JSONL
//! file) every match with its context is 358 MB of `evidence.csv` (202 MB
//! of it category matches: hedges, attribution verbs, sentiment; 109 MB
//! the loaded-language model's words; 44 MB framing-family matches), and
//! every sentence with the model's reading 270 MB of `sentences.csv`, of
//! which the 416k sentences it decides are loaded (30%) take 88 MB. The
//! per-source and per-document reports and `report.html` need none of it,
//! so a large run writes the family matches only, and no sentences, unless
//! asked for more.

use std::fmt;
use std::str::FromStr;

/// What `evidence.csv` lists.
///
/// ```
/// use slant::report::EvidenceLevel;
/// let level: EvidenceLevel = "families".parse().unwrap();
/// assert_eq!(level, EvidenceLevel::Families);
/// assert_eq!(level.to_string(), "families");
/// assert!(!level.writes_categories() && level.writes_families());
/// assert!("some".parse::<EvidenceLevel>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceLevel {
    /// No `evidence.csv`.
    None,
    /// Framing-family matches only (the matches the family scores count).
    Families,
    /// Every match: families, categories (sentiment-valence ones with
    /// `--evidence-sentiment`) and the words the loaded-language model
    /// reads as loaded.
    All,
}

impl EvidenceLevel {
    /// Whether `evidence.csv` is written at all.
    ///
    /// ```
    /// use slant::report::EvidenceLevel;
    /// assert!(!EvidenceLevel::None.writes_file() && EvidenceLevel::Families.writes_file());
    /// ```
    pub fn writes_file(self) -> bool {
        self != EvidenceLevel::None
    }

    /// Whether framing-family matches are listed.
    ///
    /// ```
    /// use slant::report::EvidenceLevel;
    /// assert!(EvidenceLevel::All.writes_families());
    /// ```
    pub fn writes_families(self) -> bool {
        self != EvidenceLevel::None
    }

    /// Whether category matches and loaded words are listed.
    ///
    /// ```
    /// use slant::report::EvidenceLevel;
    /// assert!(EvidenceLevel::All.writes_categories());
    /// assert!(!EvidenceLevel::Families.writes_categories());
    /// ```
    pub fn writes_categories(self) -> bool {
        self == EvidenceLevel::All
    }
}

/// What `sentences.csv` lists (it is written only when the
/// loaded-language model is applied).
///
/// ```
/// use slant::report::SentenceLevel;
/// let level: SentenceLevel = "loaded".parse().unwrap();
/// assert_eq!(level, SentenceLevel::Loaded);
/// assert_eq!(SentenceLevel::All.to_string(), "all");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SentenceLevel {
    /// No `sentences.csv`.
    None,
    /// The sentences the model decides are loaded (`loaded` = 1).
    Loaded,
    /// Every sentence of every document.
    All,
}

macro_rules! level_text {
    ($t:ty, $what:literal, $($v:ident => $s:literal),+) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(match self { $(<$t>::$v => $s),+ })
            }
        }
        impl FromStr for $t {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($s => Ok(<$t>::$v),)+
                    _ => Err(format!(
                        concat!($what, " must be one of {}, got {:?}"),
                        [$($s),+].join(", "),
                        s
                    )),
                }
            }
        }
    };
}

level_text!(EvidenceLevel, "--evidence", None => "none", Families => "families", All => "all");
level_text!(SentenceLevel, "--sentences", None => "none", Loaded => "loaded", All => "all");

/// Inputs of at least this many bytes on disk (all files together; a
/// gzipped file counts compressed, so about three times as much text) get
/// the reduced levels by default: `--evidence families` and `--sentences
/// none`. Below it a run lists everything, as small corpora are read match
/// by match. At allsides' ratios, 16 MiB of plain text gives about 35 MB
/// of `evidence.csv` and 27 MB of `sentences.csv` with everything listed.
///
/// ```
/// use slant::report::{auto_levels, EvidenceLevel, SentenceLevel, AUTO_DETAIL_LIMIT};
/// assert_eq!(auto_levels(AUTO_DETAIL_LIMIT - 1), (EvidenceLevel::All, SentenceLevel::All));
/// assert_eq!(
///     auto_levels(AUTO_DETAIL_LIMIT),
///     (EvidenceLevel::Families, SentenceLevel::None)
/// );
/// ```
pub const AUTO_DETAIL_LIMIT: u64 = 16 << 20;

/// The levels a run writes when none is given, from the size of its
/// inputs on disk (see [`AUTO_DETAIL_LIMIT`]).
///
/// ```
/// use slant::report::{auto_levels, EvidenceLevel};
/// assert_eq!(auto_levels(1_500_000).0, EvidenceLevel::All); // BABE, 1.5 MB
/// assert_eq!(auto_levels(68_000_000).0, EvidenceLevel::Families); // allsides, gzipped
/// ```
pub fn auto_levels(input_bytes: u64) -> (EvidenceLevel, SentenceLevel) {
    if input_bytes >= AUTO_DETAIL_LIMIT {
        (EvidenceLevel::Families, SentenceLevel::None)
    } else {
        (EvidenceLevel::All, SentenceLevel::All)
    }
}

/// The levels a run uses, as `run.json` records them under `output`.
///
/// ```
/// use slant::report::{EvidenceLevel, OutputLevels, SentenceLevel};
/// // Nothing given, 68 MB of input: the reduced levels.
/// let l = OutputLevels::resolve(None, None, false, 68_000_000);
/// assert_eq!((l.evidence, l.sentences), (EvidenceLevel::Families, SentenceLevel::None));
/// assert!(l.automatic);
/// // Sentiment matches asked for: they are category matches, so every match.
/// let l = OutputLevels::resolve(None, Some(SentenceLevel::None), true, 68_000_000);
/// assert_eq!((l.evidence, l.sentences), (EvidenceLevel::All, SentenceLevel::None));
/// // Given levels are kept.
/// let l = OutputLevels::resolve(Some(EvidenceLevel::None), Some(SentenceLevel::All), false, 10);
/// assert_eq!((l.evidence, l.sentences, l.automatic), (EvidenceLevel::None, SentenceLevel::All, false));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct OutputLevels {
    /// What `evidence.csv` lists.
    pub evidence: EvidenceLevel,
    /// What `sentences.csv` lists (`none` when no loaded-language model is
    /// applied: no file).
    pub sentences: SentenceLevel,
    /// Whether a level was chosen from the size of the inputs.
    pub automatic: bool,
    /// The inputs' bytes on disk that choice read.
    pub input_bytes: u64,
    /// Sentiment-valence matches listed too (`--evidence-sentiment`).
    #[serde(skip)]
    pub valence: bool,
}

impl OutputLevels {
    /// The levels given, and for those not given the automatic ones for
    /// `input_bytes` ([`auto_levels`]); `valence` (sentiment matches
    /// asked for) makes an automatic evidence level `all`.
    pub fn resolve(
        evidence: Option<EvidenceLevel>,
        sentences: Option<SentenceLevel>,
        valence: bool,
        input_bytes: u64,
    ) -> OutputLevels {
        let (auto_ev, auto_sen) = auto_levels(input_bytes);
        let auto_ev = if valence { EvidenceLevel::All } else { auto_ev };
        OutputLevels {
            evidence: evidence.unwrap_or(auto_ev),
            sentences: sentences.unwrap_or(auto_sen),
            automatic: evidence.is_none() || sentences.is_none(),
            input_bytes,
            valence,
        }
    }
}

/// `run.json`'s `options.evidence` and `options.sentences`: the level
/// given, or `"auto"`.
pub(crate) fn ser_level<T: fmt::Display, S: serde::Serializer>(
    level: &Option<T>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match level {
        Some(l) => s.collect_str(l),
        None => s.serialize_str("auto"),
    }
}
