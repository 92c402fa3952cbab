//! The runs the command-line tool offers, as library calls: `analyze`
//! (features, statistics, reports) and `extract` (features only).
//!
//! The pipeline: one reader thread turns inputs into batches of records
//! (in a deterministic order: inputs sorted, folders walked sorted); a rayon
//! pool of workers extracts features from batches, each worker summing into
//! its own [`Aggregates`] and rendering its batch's CSV rows; the calling
//! thread writes rendered rows in batch order (a reorder buffer), so the
//! per-document files do not depend on thread timing. At the end the
//! workers' aggregates are merged (plain sums) and handed to the
//! estimators and reports.

use crate::corpus::date::DateStats;
use crate::corpus::{self, Document, InputStats, Item, ReadOptions, Rejection};
use crate::error::{Error, ErrorKind, Result};
use crate::estimators::wordfish::{self, ScaleOptions};
use crate::estimators::{self, Estimates, EstimatorOptions};
use crate::features::referents::LabelOptions;
use crate::features::{analyzed_text, Aggregates, Extractor, FeatureOptions, Vocab, Workspace};
use crate::lexicon::{Lexicon, LexiconSource};
use crate::report::{
    self, ser_level, CsvStyle, EvidenceLevel, OutputLevels, SentenceLevel, Staging,
};
use crate::scorers::apply::{DocModelSummary, ModelInfo, Scorers};
use crate::scorers::textfeat::FeatWorkspace;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

mod groups;
mod linked;
pub use groups::GroupsSummary;
pub mod partial;
pub use partial::{extract_partial, extract_partial_records, merge_partials};
mod periods;
mod progress;
mod suggest;
use progress::Progress;
pub use suggest::suggest_lexicon;

/// Everything a run needs to know.
///
/// Start from [`RunOptions::default`] and set the fields you need; the
/// defaults match the command line's (built-in lexicons, as much evidence
/// as the size of the inputs warrants, 1000 bootstrap replicates, all
/// cores).
///
/// ```
/// use slant::app::RunOptions;
/// let opts = RunOptions {
///     inputs: vec!["articles.csv".into()],
///     out_dir: "reports/latest".into(),
///     threads: 2,
///     no_models: true,
///     ..RunOptions::default()
/// };
/// assert!(opts.evidence.is_none() && !opts.extract_only); // automatic
/// assert!(!opts.no_default_lexicons);
/// assert_eq!(opts.estimators.bootstrap, 1000);
/// ```
#[derive(Debug, Clone, serde::Serialize)]
pub struct RunOptions {
    /// Input files or folders.
    #[serde(serialize_with = "crate::corpus::ser_paths")]
    pub inputs: Vec<PathBuf>,
    /// Output directory (not recorded in `run.json`: where the reports go
    /// does not change them).
    #[serde(skip)]
    pub out_dir: PathBuf,
    /// How to read inputs.
    pub read: ReadOptions,
    /// Feature extraction options.
    pub features: FeatureOptions,
    /// How `labels.csv` links labels to referents (with
    /// [`FeatureOptions::referents`]).
    pub labels: LabelOptions,
    /// Statistical model options.
    pub estimators: EstimatorOptions,
    /// User lexicon files.
    #[serde(serialize_with = "crate::corpus::ser_paths")]
    pub lexicons: Vec<PathBuf>,
    /// A stop-word list (one word per line): n-grams with one of its words
    /// are left out of `terms.csv` (read into
    /// [`EstimatorOptions::stopwords`](crate::estimators::EstimatorOptions::stopwords)).
    #[serde(serialize_with = "crate::corpus::ser_opt_path")]
    pub stopwords: Option<PathBuf>,
    /// Do not load the built-in lexicons.
    pub no_default_lexicons: bool,
    /// Worker threads (0 = all cores).
    #[serde(skip)]
    pub threads: usize,
    /// How CSV text cells are written.
    pub csv: CsvStyle,
    /// What `evidence.csv` lists (`--evidence`); `None`: chosen from the
    /// size of the inputs ([`report::auto_levels`]). `run.json` records it
    /// as given (`"auto"` for `None`) and, under `output`, as used.
    #[serde(serialize_with = "ser_level")]
    pub evidence: Option<EvidenceLevel>,
    /// Also write sentiment-valence matches to `evidence.csv` (with every
    /// category match: `--evidence all`, or automatic).
    pub evidence_valence: bool,
    /// What `sentences.csv` lists (`--sentences`); `None`: chosen from the
    /// size of the inputs, as for [`RunOptions::evidence`].
    #[serde(serialize_with = "ser_level")]
    pub sentences: Option<SentenceLevel>,
    /// Only extract features (documents.csv, evidence.csv, rejected.csv,
    /// run.json); skip statistics and summary reports.
    pub extract_only: bool,
    /// Print rejections and progress to stderr.
    #[serde(skip)]
    pub quiet: bool,
    /// Show a progress bar (when stderr is a terminal).
    #[serde(skip)]
    pub progress: bool,
    /// Directory with learned models (default: `models/`, see
    /// [`Scorers::default_dir`]).
    #[serde(serialize_with = "crate::corpus::ser_opt_path")]
    pub model_dir: Option<PathBuf>,
    /// Do not apply learned models.
    pub no_models: bool,
    /// Bytes the documents read but not yet written may take, with their
    /// analysis and rows (estimated, see [`DEFAULT_MEMORY_BUDGET`]); the
    /// reader waits when they would exceed it, until nothing but the batch
    /// it is filling is in flight (so a larger document still runs). Not
    /// recorded in `run.json`: it does not change results.
    #[serde(skip)]
    pub memory_budget: u64,
    /// Scale the sources with Wordfish (`--scale`): `scaling.csv`,
    /// `scaling_words.csv` and a `scaling` block in `run.json`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<ScaleOptions>,
    /// Sources' groups from a file (`--groups`; the other way is
    /// [`ReadOptions::group_col`](crate::corpus::ReadOptions::group_col)):
    /// `groups.csv` and `comparisons.csv`. Recorded in `run.json` (file and
    /// SHA-256) when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_map: Option<crate::corpus::GroupMap>,
    /// Compare only these two groups, or two sources (`--compare A,B`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compare: Option<(String, String)>,
    /// `--period`: write `timeseries.csv` (per period, source and measure)
    /// and the report's time section.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<estimators::timeseries::Period>,
    /// `--min-docs`: sources with fewer analyzed documents are left out of
    /// the per-source reports (1: none is). Recorded in `run.json` only
    /// when above 1.
    #[serde(skip_serializing_if = "periods::keeps_every_source")]
    pub min_docs: u64,
    /// Test hook, not an option: fail as a full disk would once this many
    /// documents have been written (the binary reads it from the
    /// environment variable `SLANT_FAIL_AFTER_DOCS`), to test that a failed
    /// run leaves the previous reports untouched.
    #[doc(hidden)]
    #[serde(skip)]
    pub fail_after_docs: Option<u64>,
    /// Where the run's warnings, notes and rejection lines go (stderr by
    /// default; none with [`quiet`](Self::quiet)).
    #[serde(skip)]
    pub messages: Messages,
    /// What tells the run to stop early (Ctrl-C by default).
    #[serde(skip)]
    pub cancel: Cancel,
    /// `--output-format`: `parquet` writes documents, evidence and
    /// sentences as typed Parquet files instead of CSV (their text cells
    /// then unguarded, as with `--csv-raw`). Recorded in `run.json` only
    /// when set.
    #[serde(skip_serializing_if = "report::OutputFormat::is_csv")]
    pub output_format: report::OutputFormat,
}

/// Where a run's messages (warnings, notes, the first rejections) go:
/// stderr by default, or a function, for a program that shows them its
/// own way (a Python logger, a notebook, a GUI).
///
/// ```
/// use slant::app::{analyze, Messages, RunOptions};
/// use std::sync::{Arc, Mutex};
/// # let dir = tempfile::tempdir().unwrap();
/// let input = dir.path().join("in.csv");
/// std::fs::write(&input, "id,source,text\n1,ledger,Rebels fled.\n2,ledger,\n").unwrap();
/// let heard = Arc::new(Mutex::new(Vec::new()));
/// let h = heard.clone();
/// let opts = RunOptions {
///     inputs: vec![input],
///     out_dir: dir.path().join("out"),
///     no_models: true,
///     quiet: false,
///     messages: Messages::to(move |m| h.lock().unwrap().push(m.to_string())),
///     ..RunOptions::default()
/// };
/// analyze(&opts).unwrap();
/// let heard = heard.lock().unwrap();
/// assert!(heard[0].starts_with("slant: rejected") && heard[0].ends_with("empty text"), "{heard:?}");
/// ```
#[derive(Clone, Default)]
pub struct Messages(Option<Arc<MessageFn>>);

/// The function a [`Messages`] hands each line to.
pub type MessageFn = dyn Fn(&str) + Send + Sync;

impl Messages {
    /// Messages handed to `f`, one line each.
    pub fn to(f: impl Fn(&str) + Send + Sync + 'static) -> Messages {
        Messages(Some(Arc::new(f)))
    }

    /// Pass one message on.
    ///
    /// ```
    /// slant::app::Messages::default().say("slant: note: to stderr");
    /// ```
    pub fn say(&self, msg: &str) {
        match &self.0 {
            Some(f) => f(msg),
            None => stderr_line(msg),
        }
    }
}

impl std::fmt::Debug for Messages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Messages(fn)"
        } else {
            "Messages(stderr)"
        })
    }
}

/// Default [`RunOptions::memory_budget`]: 1 GiB.
///
/// A document's share of the budget is its text bytes times
/// [`MEMORY_PER_TEXT_BYTE`] (analysis buffers: normalised text, offset
/// map, tokens, lookups, matches; and its report rows), so peak memory
/// follows the budget and the largest document, not the thread count.
///
/// ```
/// use slant::app::{RunOptions, DEFAULT_MEMORY_BUDGET, MEMORY_PER_TEXT_BYTE};
/// assert_eq!(RunOptions::default().memory_budget, DEFAULT_MEMORY_BUDGET);
/// // About 22 MB of text are analyzed at once under the default budget.
/// assert_eq!(DEFAULT_MEMORY_BUDGET / MEMORY_PER_TEXT_BYTE / 1_000_000, 22);
/// ```
pub const DEFAULT_MEMORY_BUDGET: u64 = 1 << 30;

/// Bytes of memory one byte of document text takes while it is in flight
/// (read, analyzed, its rows not yet written). Measured with `--threads 1`
/// on one 9.5 MB document of one- to six-letter words, about half of them
/// lexicon terms: peak resident memory grew by 23 bytes per text byte with
/// `extract` (analysis alone), 37 with `analyze --no-models` (12 of them
/// `evidence.csv` rows) and 53 with `analyze`; about 5 of these are the
/// reader's copy of the record and the document's n-gram sums, which stay
/// outside the budget. Ordinary news text takes about half as much.
///
/// ```
/// use slant::app::{analyze, RunOptions, MEMORY_PER_TEXT_BYTE};
/// # let dir = tempfile::tempdir().unwrap();
/// # let csv = dir.path().join("news.csv");
/// let text = "Rebels attacked the base. ".repeat(40); // 1,040 bytes
/// std::fs::write(&csv, format!("source,text\nledger,{text}\n")).unwrap();
/// let opts = RunOptions {
///     inputs: vec![csv],
///     out_dir: dir.path().join("out"),
///     extract_only: true,
///     ..RunOptions::default()
/// };
/// // The document's share of the budget: its text, plus 1 KiB for the rest.
/// let peak = analyze(&opts).unwrap().memory.in_flight_peak_bytes;
/// assert_eq!(peak, text.len() as u64 * MEMORY_PER_TEXT_BYTE + 1024);
/// ```
pub const MEMORY_PER_TEXT_BYTE: u64 = 48;

/// Budget share of an item besides its text (ids, source and the
/// `documents.csv` row).
const MEMORY_PER_ITEM: u64 = 1024;

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            inputs: vec![],
            out_dir: PathBuf::from("reports"),
            read: ReadOptions::default(),
            features: FeatureOptions::default(),
            labels: LabelOptions::default(),
            estimators: EstimatorOptions::default(),
            lexicons: vec![],
            stopwords: None,
            no_default_lexicons: false,
            threads: 0,
            csv: CsvStyle::default(),
            evidence: None,
            evidence_valence: false,
            sentences: None,
            extract_only: false,
            quiet: true,
            progress: false,
            model_dir: None,
            no_models: false,
            memory_budget: DEFAULT_MEMORY_BUDGET,
            scale: None,
            group_map: None,
            compare: None,
            period: None,
            min_docs: 1,
            fail_after_docs: None,
            messages: Messages::default(),
            cancel: Cancel::default(),
            output_format: report::OutputFormat::Csv,
        }
    }
}

/// What a run did, for the caller and `run.json`.
///
/// Every record read is either analyzed or rejected, so
/// `read == analyzed + rejected`.
///
/// ```
/// use slant::app::{analyze, RunOptions};
/// # let dir = tempfile::tempdir().unwrap();
/// # let csv = dir.path().join("news.csv");
/// std::fs::write(&csv, "id,source,date,text\n\
///     1,ledger,2026-03-14,Rebels seized the town.\n\
///     2,wire,2026-03-15,Insurgents seized the town.\n\
///     3,wire,2026-03-15,\n").unwrap();
/// let opts = RunOptions {
///     inputs: vec![csv],
///     out_dir: dir.path().join("out"),
///     extract_only: true,
///     ..RunOptions::default()
/// };
/// let summary = analyze(&opts).unwrap();
/// assert_eq!((summary.read, summary.analyzed, summary.rejected), (3, 2, 1));
/// assert_eq!(summary.sources, 2);
/// assert_eq!(summary.date_range, Some(("2026-03-14".into(), "2026-03-15".into())));
/// assert_eq!(summary.inputs[0].format, "csv");
/// ```
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RunSummary {
    /// Records read.
    pub read: u64,
    /// Documents analyzed (`analysed` when serialised, as in `run.json`).
    #[serde(rename = "analysed")]
    pub analyzed: u64,
    /// Records rejected.
    pub rejected: u64,
    /// Entries of the inputs left out on purpose (files that are not
    /// `.txt`, symlinks leading outside a folder, files already read); see
    /// [`InputStats::skipped`].
    pub skipped: u64,
    /// Sources seen.
    pub sources: u64,
    /// Bytes of analyzed text.
    pub text_bytes: u64,
    /// Earliest and latest dates seen, as `YYYY-MM-DD` (dates that could
    /// not be read into a calendar day are left out: see `dates`).
    pub date_range: Option<(String, String)>,
    /// How the documents' dates were read: parsed, missing, unparseable,
    /// impossible, with the first problems as examples.
    pub dates: DateStats,
    /// Distinct story ids.
    pub stories: u64,
    /// Per input.
    pub inputs: Vec<InputStats>,
    /// Timings in milliseconds.
    #[serde(skip)]
    pub timings: BTreeMap<&'static str, u128>,
    /// Learned models applied.
    pub models: Vec<ModelInfo>,
    /// What `families.csv` and `terms.csv` leave out (`analyze` only).
    pub left_out: Option<LeftOut>,
    /// The Wordfish fit (`--scale`).
    pub scaling: Option<ScalingSummary>,
    /// Memory use, for `timings.json` (not a result).
    #[serde(skip)]
    pub memory: MemoryUse,
    /// Boilerplate found and left out of the n-grams (`analyze` only).
    pub boilerplate: Option<crate::features::boilerplate::BoilerplateSummary>,
    /// The stop-word list used: path, SHA-256 and number of words.
    pub stopwords: Option<serde_json::Value>,
    /// Groups and comparisons (`--group-col`, `--groups`, `--compare`).
    pub groups: Option<GroupsSummary>,
    /// Sources `--min-docs` left out of the per-source reports.
    pub min_docs: Option<report::SmallSources>,
    /// What `timeseries.csv` holds (`--period`): period, periods, rows,
    /// documents dated and not.
    pub timeseries: Option<serde_json::Value>,
    /// What `evidence.csv` and `sentences.csv` list, as used.
    pub output: Option<OutputLevels>,
    /// The partials a `merge` read (name and SHA-256).
    pub partials: Option<serde_json::Value>,
}

/// Rows `families.csv` and `terms.csv` leave out because they would say
/// nothing about their source, and sources without n-gram tests, as
/// recorded in `run.json` (`left_out`).
///
/// ```
/// use slant::app::{analyze, RunOptions};
/// # let dir = tempfile::tempdir().unwrap();
/// # let csv = dir.path().join("news.csv");
/// std::fs::write(&csv, "source,text\n\
///     ledger,Terrorists attacked the base.\n\
///     wire,Militants attacked the base.\n").unwrap();
/// let mut opts = RunOptions { inputs: vec![csv], out_dir: dir.path().join("out"), ..Default::default() };
/// opts.estimators.bootstrap = 20;
/// opts.no_models = true;
/// let left = analyze(&opts).unwrap().left_out.unwrap();
/// let variants = slant::lexicon::Lexicon::builtin().n_variants() as u64;
/// // Each source used one variant: one families.csv row each.
/// assert_eq!(left.families_rows, 2 * (variants - 1));
/// // Both sources are under 50 authorial tokens: no n-gram tests.
/// assert_eq!(left.ngram_sources, 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct LeftOut {
    /// (source, variant) pairs without a `families.csv` row: the source
    /// never used the variant, in its own voice or quoted.
    pub families_rows: u64,
    /// (source, variant) pairs without a `terms.csv` variant row: families
    /// the source has no authorial match of, variants no source used.
    pub terms_variant_rows: u64,
    /// Sources without n-gram rows in `terms.csv`: fewer authorial tokens
    /// than `--min-source-tokens`.
    pub ngram_sources: u64,
}

/// How much memory a run kept in flight, for `timings.json`.
///
/// ```
/// use slant::app::{analyze, RunOptions};
/// # let dir = tempfile::tempdir().unwrap();
/// # let csv = dir.path().join("news.csv");
/// std::fs::write(&csv, "source,text\nledger,Rebels attacked the base.\n").unwrap();
/// let opts = RunOptions {
///     inputs: vec![csv],
///     out_dir: dir.path().join("out"),
///     extract_only: true,
///     memory_budget: 1 << 20,
///     ..RunOptions::default()
/// };
/// let m = analyze(&opts).unwrap().memory;
/// assert_eq!(m.budget_bytes, 1 << 20);
/// assert!(m.in_flight_peak_bytes > 0 && m.in_flight_peak_bytes <= m.budget_bytes);
/// ```
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct MemoryUse {
    /// [`RunOptions::memory_budget`].
    pub budget_bytes: u64,
    /// The largest estimate of the bytes in flight (documents read and not
    /// yet written, their analysis and rows). At most the budget, or one
    /// batch (256 documents or 4 MiB of text, with the document that
    /// crossed that) when it alone takes more.
    pub in_flight_peak_bytes: u64,
    /// Peak resident memory of the process so far (Linux `VmHWM`; `None`
    /// elsewhere).
    pub peak_rss_bytes: Option<u64>,
}

/// Load the built-in lexicons (unless disabled) and the user's: the one
/// loader and check that `analyze`, `extract` and `slant lexicon check`
/// (and `list`, `terms`) all use, so they accept the same files.
///
/// User files are merged after the built-ins, so their family and category
/// ids must not clash with them, nor derive a report column twice (the
/// learned scorers' columns included, whichever models a run loads).
/// Loading nothing at all is a usage error.
///
/// ```
/// use slant::app::load_lexicon;
/// # let dir = tempfile::tempdir().unwrap();
/// let words = dir.path().join("spin.txt");
/// std::fs::write(&words, "slammed\nblasted\n").unwrap();
/// let lex = load_lexicon(&[words.clone()], true).unwrap();
/// assert_eq!(lex.categories[0].id, "spin");
/// assert_eq!(lex.categories[0].terms.len(), 2);
///
/// let with_builtins = load_lexicon(&[words], false).unwrap();
/// assert!(with_builtins.families.len() > 0);
/// assert!(load_lexicon(&[], true).unwrap_err().is_usage());
///
/// // Ids that would give a report column twice are refused.
/// let clash = dir.path().join("x.toml");
/// std::fs::write(&clash, "[[category]]\nid = \"x\"\nterms = [\"a\"]\n\
///     [[category]]\nid = \"x_quoted\"\nterms = [\"b\"]\n").unwrap();
/// let err = load_lexicon(&[clash], true).unwrap_err().to_string();
/// assert!(err.contains("two columns named `x_quoted_rate`"), "{err}");
/// // A valence list `slant` would give the outlet model's `slant_mean`.
/// let slant = dir.path().join("slant.txt");
/// std::fs::write(&slant, "good\t1.5\n").unwrap();
/// let err = load_lexicon(&[slant], true).unwrap_err().to_string();
/// assert!(err.contains("two columns named `slant_mean`"), "{err}");
/// ```
pub fn load_lexicon(files: &[PathBuf], no_default: bool) -> Result<Lexicon> {
    let mut lex = if no_default {
        Lexicon::default()
    } else {
        Lexicon::builtin()
    };
    for f in files {
        lex.merge(Lexicon::from_path(f)?)?;
    }
    if lex.families.is_empty() && lex.categories.is_empty() {
        return Err(Error::usage(
            "no lexicon: --no-default-lexicons needs at least one --lexicon FILE",
        ));
    }
    check_columns(&lex)?;
    Ok(lex)
}

/// Refuse a lexicon whose ids derive the same report column twice:
/// category `x` and `x_quoted` both give `x_quoted_rate`, a valence list
/// `slant` gives the learned scorers' `slant_mean`. Every column a scorer
/// can add counts, whichever models a run loads, so the lexicons that
/// `slant lexicon check` accepts are the ones every run accepts.
fn check_columns(lex: &Lexicon) -> Result<()> {
    use crate::report::models::{DOCUMENT_COLUMNS, SOURCE_COLUMNS};
    let mut docs = report::document_header(lex);
    docs.extend(DOCUMENT_COLUMNS.iter().map(|c| c.to_string()));
    let sources = report::sources_header(lex, true, &SOURCE_COLUMNS);
    for (file, header) in [("documents.csv", &docs), ("sources.csv", &sources)] {
        if let Some(c) = report::duplicate_column(header) {
            return Err(Error::usage(format!(
                "the lexicons would give {file} two columns named `{c}`; rename one of the \
                 categories, families or word lists whose ids make it"
            )));
        }
    }
    Ok(())
}

/// The shipped sample corpus folder (`data/sample`), looked up relative to
/// the working directory first and then to the source checkout.
///
/// ```
/// use slant::app::sample_corpus;
/// use slant::corpus::{plan, Format, ReadOptions};
/// let dir = sample_corpus();
/// assert!(dir.join("manifest.csv").is_file());
/// let plans = plan(&[dir], &ReadOptions::default()).unwrap();
/// assert_eq!(plans[0].format, Format::Text);
/// assert!(plans[0].files.len() >= 20);
/// ```
pub fn sample_corpus() -> PathBuf {
    let local = PathBuf::from("data/sample");
    if local.is_dir() {
        return local;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample")
}

struct Batch {
    seq: u64,
    items: Vec<Item>,
    /// The items' share of the memory budget.
    cost: u64,
}

/// An item's share of the memory budget (see [`MEMORY_PER_TEXT_BYTE`]).
fn item_cost(item: &Item) -> u64 {
    match item {
        Item::Doc(d) => doc_cost(d),
        Item::Rejected(_) => MEMORY_PER_ITEM,
    }
}

/// A document's share of the memory budget.
fn doc_cost(d: &Document) -> u64 {
    let text = d.text.len() + d.title.as_ref().map_or(0, String::len);
    text as u64 * MEMORY_PER_TEXT_BYTE + MEMORY_PER_ITEM
}

/// The bytes in flight (documents read but not yet written, estimated by
/// [`item_cost`]; once a batch is analyzed, its rows' actual size) and
/// the budget they must stay under. The reader reserves each item's cost
/// and waits while it does not fit, unless nothing but its own partly
/// filled batch is in flight: so a document larger than the budget still
/// runs, and the bytes in flight stay under the budget or one batch.
/// Workers and the writer only give bytes back, so the reader's wait always
/// ends. Batches are cut as without a budget (their boundaries decide
/// which examples the HTML report shows), never where the budget ran out.
struct Budget {
    limit: u64,
    /// (bytes in flight, largest ever, closed)
    state: Mutex<(u64, u64, bool)>,
    freed: Condvar,
}

impl Budget {
    fn new(limit: u64) -> Budget {
        Budget {
            limit,
            state: Mutex::new((0, 0, false)),
            freed: Condvar::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (u64, u64, bool)> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reserve `n` bytes, waiting until they fit, or until nothing but the
    /// caller's own `held` bytes is in flight, or the budget is closed.
    /// Returns false, reserving nothing, if the run is stopping (checked
    /// every 100 ms while waiting, so a Ctrl-C is not held up by a full
    /// budget).
    fn reserve(&self, n: u64, held: u64, stop: &AtomicBool, cancel: &AtomicBool) -> bool {
        let mut st = self.lock();
        while !(st.0 <= held || st.0.saturating_add(n) <= self.limit || st.2) {
            if stopping(stop, cancel) {
                return false;
            }
            st = match self.freed.wait_timeout(st, Duration::from_millis(100)) {
                Ok((g, _)) => g,
                Err(e) => e.into_inner().0,
            };
        }
        st.0 = st.0.saturating_add(n);
        st.1 = st.1.max(st.0);
        true
    }

    /// A batch reserved as `reserved` now takes `now` bytes (its rows,
    /// once analyzed): this can grow past the limit, but never waits.
    fn settle(&self, reserved: u64, now: u64) {
        let mut st = self.lock();
        st.0 = st.0.saturating_sub(reserved).saturating_add(now);
        st.1 = st.1.max(st.0);
        self.freed.notify_all();
    }

    /// Stop making the reader wait (a worker failed: what it held will
    /// not be given back).
    fn close(&self) {
        self.lock().2 = true;
        self.freed.notify_all();
    }

    fn peak(&self) -> u64 {
        self.lock().1
    }
}

/// Closes the budget if a worker unwinds, so the reader cannot wait for
/// bytes that worker will never give back.
struct CloseOnPanic<'a>(&'a Budget);

impl Drop for CloseOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.close();
        }
    }
}

/// The reader's side of the budget: wait until `item`'s cost fits (or
/// nothing but the batch being filled is in flight), then add it to that
/// batch, handing the batch on through `send` when it is full. An item
/// that arrives while the run is stopping is dropped.
fn admit(
    budget: &Budget,
    batcher: &mut Batcher,
    item: Item,
    (stop, cancel): (&AtomicBool, &AtomicBool),
    send: impl FnOnce(Batch),
) {
    let cost = item_cost(&item);
    if !budget.reserve(cost, batcher.cost, stop, cancel) {
        return;
    }
    if let Some(batch) = batcher.push(item, cost) {
        send(batch);
    }
}

/// A document's per-family authorial variant counts, kept for the
/// bootstrap (sparse: flat variant index, count).
///
/// Flat variant indices run over all families in order; use
/// [`Lexicon::variant_offsets`] to map one back to its family.
///
/// ```
/// use slant::app::DocSummary;
/// use slant::lexicon::Lexicon;
/// let lex = Lexicon::builtin();
/// let offsets = lex.variant_offsets();
/// let second_family = offsets[1] as u32;
/// let s = DocSummary {
///     source: "ledger".into(),
///     story: Some("kestria-attack".into()),
///     variants: vec![(0, 2), (second_family, 1)],
///     authorial_tokens: 40,
///     categories: vec![],
///     date: None,
///     model: None,
///     group: Some("left".into()),
///     linked: vec![],
/// };
/// let families: Vec<usize> = s.variants.iter()
///     .map(|&(v, _)| offsets.partition_point(|&o| o <= v as usize) - 1)
///     .collect();
/// assert_eq!(families, [0, 1]);
/// assert_eq!(s.variants.iter().map(|&(_, n)| n).sum::<u32>(), 3);
/// ```
#[derive(Debug, Clone)]
pub struct DocSummary {
    /// Source name.
    pub source: Arc<str>,
    /// Story id.
    pub story: Option<Arc<str>>,
    /// Non-zero authorial variant counts: (flat variant, count).
    pub variants: Vec<(u32, u32)>,
    /// Tokens in the outlet's own voice.
    pub authorial_tokens: u64,
    /// Non-zero authorial category counts: (category, count).
    pub categories: Vec<(u32, u32)>,
    /// The document's date, when it could be read into a calendar day.
    pub date: Option<crate::corpus::date::Date>,
    /// Learned scores, when models were applied.
    pub model: Option<DocModelSummary>,
    /// The document's value of `--group-col` (empty values: `None`).
    pub group: Option<Arc<str>>,
    /// The matches of the families that name their referents
    /// ([`Family::referents`](crate::lexicon::Family::referents)) that lie
    /// in a label: (flat variant, quoted, the label's key as
    /// [`MentionKey::to_cell`](crate::features::referents::MentionKey::to_cell)).
    /// The run counts those whose label resolves to a named referent.
    pub linked: Vec<(u32, bool, String)>,
}

/// Which of a document's [`extra`](Document::extra) values are kept
/// columns for `documents.csv` (the first `cols`) and whether the last is
/// the group column.
#[derive(Debug, Clone, Copy)]
struct Kept {
    cols: usize,
    group: bool,
    /// Mark where each item's rows end (for a partial).
    split: bool,
}

/// Where one item's rows end in a [`BatchOut`]'s buffers (documents,
/// evidence, sentences, rejected), for a partial.
struct Mark {
    /// A document (else a rejection).
    doc: bool,
    /// The document's id and source (empty for a rejection).
    id: String,
    source: String,
    ends: [usize; 4],
}

struct BatchOut {
    seq: u64,
    documents: Vec<u8>,
    sentences: Vec<u8>,
    evidence: Vec<u8>,
    rejected: Vec<u8>,
    rejections: Vec<Rejection>,
    summaries: Vec<DocSummary>,
    examples: report::Examples,
    dates: DateStats,
    docs: u64,
    text_bytes: u64,
    /// Bytes of rows held until written (the batch's share of the budget
    /// once analyzed).
    cost: u64,
    /// Per item, where its rows end (only for a partial).
    marks: Vec<Mark>,
}

impl BatchOut {
    fn row_bytes(&self) -> u64 {
        (self.documents.len() + self.sentences.len() + self.evidence.len() + self.rejected.len())
            as u64
    }
}

/// Examples kept per (source, family) for the HTML report.
const EXAMPLES_PER_FAMILY: usize = 4;

const BATCH_DOCS: usize = 256;
const BATCH_BYTES: usize = 4 << 20;

/// Groups the reader's items into numbered batches of at most
/// `BATCH_DOCS` documents or `BATCH_BYTES` of text.
#[derive(Default)]
struct Batcher {
    seq: u64,
    items: Vec<Item>,
    bytes: usize,
    /// The items' share of the memory budget.
    cost: u64,
}

impl Batcher {
    /// Add an item of budget share `cost`; returns a full batch when this
    /// one completes it.
    fn push(&mut self, item: Item, cost: u64) -> Option<Batch> {
        if let Item::Doc(d) = &item {
            self.bytes += d.text.len();
        }
        self.items.push(item);
        self.cost += cost;
        (self.items.len() >= BATCH_DOCS || self.bytes >= BATCH_BYTES).then(|| self.take())
    }

    /// The last, partly filled batch, if any.
    fn finish(&mut self) -> Option<Batch> {
        (!self.items.is_empty()).then(|| self.take())
    }

    fn take(&mut self) -> Batch {
        let batch = Batch {
            seq: self.seq,
            items: std::mem::replace(&mut self.items, Vec::with_capacity(BATCH_DOCS)),
            cost: std::mem::take(&mut self.cost),
        };
        self.seq += 1;
        self.bytes = 0;
        batch
    }
}

/// The vocabulary the first worker to take a batch hands the others once
/// that batch is analyzed. Seeded workers give the seed's words the ids
/// the first worker gave them, so the final merge copies the n-gram keys
/// made of those words (most keys) instead of re-sorting them. Outputs do
/// not depend on vocabulary ids, so seeding changes no byte of them.
#[derive(Default)]
struct Seed {
    /// Whether a worker has taken the seeding role, and what it published
    /// (`Some(None)`: it had no batch, or stopped, before seeding).
    state: Mutex<(bool, Option<Option<Vocab>>)>,
    published: Condvar,
}

impl Seed {
    /// The first caller becomes the seeder (`None`, and must call
    /// [`publish`](Self::publish) or drop its guard); later callers wait
    /// for the seed and get it (`Some(None)` if there is none).
    fn join(&self) -> Option<Option<Vocab>> {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if !st.0 {
            st.0 = true;
            return None;
        }
        while st.1.is_none() {
            st = self.published.wait(st).unwrap_or_else(|e| e.into_inner());
        }
        st.1.clone()
    }

    fn publish(&self, vocab: Option<Vocab>) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if st.1.is_none() {
            st.1 = Some(vocab);
        }
        self.published.notify_all();
    }
}

/// Publishes "no seed" when the seeding worker leaves without seeding
/// (no batch, a stop, or a panic), so waiting workers never hang.
struct SeedGuard<'a>(Option<&'a Seed>);

impl SeedGuard<'_> {
    fn publish(&mut self, vocab: &Vocab) {
        if let Some(seed) = self.0.take() {
            seed.publish(Some(vocab.clone()));
        }
    }
}

impl Drop for SeedGuard<'_> {
    fn drop(&mut self) {
        if let Some(seed) = self.0.take() {
            seed.publish(None);
        }
    }
}

/// Set by a Ctrl-C (or SIGTERM) handler to stop a run cleanly: every phase
/// of [`analyze`] checks it often (reading between records, the bootstrap
/// between replicates), and the run ends with [`ErrorKind::Interrupted`],
/// leaving the previous reports untouched.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// How a run is told to stop early: [`INTERRUPTED`] (which the binary
/// sets on Ctrl-C) by default, or a flag of the caller's own (a Python
/// binding's, a server's per request). Set, the run stops at the next
/// record or step and fails with [`ErrorKind::Interrupted`], leaving the
/// previous reports as they were.
///
/// ```
/// use slant::app::{analyze, Cancel, RunOptions};
/// use std::sync::{atomic::AtomicBool, Arc};
/// # let dir = tempfile::tempdir().unwrap();
/// let input = dir.path().join("in.csv");
/// std::fs::write(&input, "id,source,text\n1,ledger,Rebels fled.\n").unwrap();
/// let flag = Arc::new(AtomicBool::new(true)); // cancelled before it starts
/// let opts = RunOptions {
///     inputs: vec![input],
///     out_dir: dir.path().join("out"),
///     no_models: true,
///     cancel: Cancel::with(flag),
///     ..RunOptions::default()
/// };
/// let err = analyze(&opts).unwrap_err();
/// assert!(matches!(err.kind(), slant::ErrorKind::Interrupted));
/// assert!(!dir.path().join("out").exists());
/// ```
#[derive(Debug, Clone, Default)]
pub struct Cancel(Option<Arc<AtomicBool>>);

impl Cancel {
    /// Stop the run once `flag` is set.
    pub fn with(flag: Arc<AtomicBool>) -> Cancel {
        Cancel(Some(flag))
    }

    /// The flag the run watches.
    ///
    /// ```
    /// use std::sync::atomic::Ordering;
    /// let c = slant::app::Cancel::default();
    /// assert!(std::ptr::eq(c.flag(), &slant::app::INTERRUPTED));
    /// ```
    pub fn flag(&self) -> &AtomicBool {
        self.0.as_deref().unwrap_or(&INTERRUPTED)
    }
}

/// A thread joined when dropped: a run that returns early (interrupted)
/// waits for it, so nothing writes into the staging folder once the run
/// has removed it.
struct Joined<T>(Option<std::thread::JoinHandle<T>>);

impl<T> Joined<T> {
    fn join(mut self) -> std::thread::Result<T> {
        self.0.take().expect("joined once").join()
    }
}

impl<T> Drop for Joined<T> {
    fn drop(&mut self) {
        if let Some(h) = self.0.take() {
            let _ = h.join();
        }
    }
}

/// An [`ErrorKind::Interrupted`] error once `cancel` is set.
fn interrupted(cancel: &AtomicBool) -> Result<()> {
    match cancel.load(Ordering::Relaxed) {
        true => Err(Error::new(ErrorKind::Interrupted)),
        false => Ok(()),
    }
}

/// Whether the reader should stop: the run's own `stop` (a failed write),
/// or a Ctrl-C, which it passes on to `stop`.
fn stopping(stop: &AtomicBool, cancel: &AtomicBool) -> bool {
    if cancel.load(Ordering::Relaxed) {
        stop.store(true, Ordering::Relaxed);
    }
    stop.load(Ordering::Relaxed)
}

/// Write one line to stderr, ignoring errors: a closed pipe (`2>&1 | head`)
/// or a full device must neither stop a run nor change its outcome, and
/// `eprintln!` would panic on them.
///
/// ```
/// slant::app::stderr_line("slant: warning: a note for the user");
/// ```
pub fn stderr_line(msg: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err
        .write_all(msg.as_bytes())
        .and_then(|()| err.write_all(b"\n"))
        .and_then(|()| err.flush());
}

fn csv_err(path: &Path, e: csv::Error) -> Error {
    Error::new(ErrorKind::Csv {
        path: path.to_path_buf(),
        source: e,
    })
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |e| Error::io(path, e)
}

/// Run the whole analysis and write the reports into `opts.out_dir`.
///
/// The reports are written to a staging folder and moved into place only
/// when the run succeeds, so a failed or interrupted run leaves earlier
/// reports as they were (see [`Staging`]). An existing `out_dir` must be
/// empty or hold the reports of an earlier run of the same command
/// ([`Staging::create_for`]); this is checked before anything is read.
///
/// ```
/// use slant::app::{analyze, RunOptions};
/// # let dir = tempfile::tempdir().unwrap();
/// # let csv = dir.path().join("news.csv");
/// std::fs::write(&csv, "source,story,text\n\
///     ledger,raid,Terrorists attacked the base.\n\
///     wire,raid,Militants attacked the base.\n").unwrap();
/// let out = dir.path().join("reports");
/// let mut opts = RunOptions { inputs: vec![csv], out_dir: out.clone(), ..Default::default() };
/// opts.estimators.bootstrap = 20;
/// opts.no_models = true;
/// let summary = analyze(&opts).unwrap();
/// assert_eq!(summary.analyzed, 2);
/// for f in ["documents.csv", "sources.csv", "evidence.csv", "report.html", "run.json"] {
///     assert!(out.join(f).is_file(), "{f}");
/// }
/// let docs = std::fs::read_to_string(out.join("documents.csv")).unwrap();
/// assert_eq!(docs.lines().count(), 3); // header + one row per document
/// ```
pub fn analyze(opts: &RunOptions) -> Result<RunSummary> {
    run(opts, &Feed::Files, None)
}

/// A frame's records through the gate and its counts, taken once.
type Records = Mutex<Option<(Vec<Item>, InputStats)>>;

/// Where a run's records come from.
enum Feed {
    /// The files of [`RunOptions::inputs`].
    Files,
    /// Records already through a gate (a DataFrame's rows), with their
    /// input's counts and the bytes that stand for the input's size.
    Records(Box<Records>, u64),
}

impl Feed {
    /// Hand every record to `sink`, in input order, and return the
    /// inputs' counts.
    fn read(
        &self,
        plans: &[corpus::InputPlan],
        opts: &ReadOptions,
        sink: &mut dyn FnMut(Item),
        stop: &AtomicBool,
        bytes_read: Option<Arc<AtomicU64>>,
    ) -> Result<Vec<InputStats>> {
        match self {
            Feed::Files => corpus::read_inputs_until(plans, opts, sink, stop, bytes_read),
            Feed::Records(records, _) => {
                let taken = records.lock().ok().and_then(|mut r| r.take());
                let Some((items, stats)) = taken else {
                    return Ok(vec![]);
                };
                for item in items {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    sink(item);
                }
                Ok(vec![stats])
            }
        }
    }
}

/// `analyze` or `extract` (reports in `opts.out_dir`), or the extraction
/// of a partial (`partial`: its rows and sums go there instead).
fn run(
    opts: &RunOptions,
    feed: &Feed,
    mut partial: Option<&mut partial::Collector>,
) -> Result<RunSummary> {
    let t0 = Instant::now();
    let cancel = opts.cancel.flag();
    let lex = load_lexicon(&opts.lexicons, opts.no_default_lexicons)?;
    if opts.inputs.is_empty() && matches!(feed, Feed::Files) {
        return Err(Error::usage("no input given"));
    }
    check_limits(opts)?;
    let (est_opts, stopwords_info) = stopwords(opts)?;
    let fail_after = opts.fail_after_docs;
    // Set when writing fails, to stop the reader (per run, unlike the
    // process-wide INTERRUPTED).
    let stop = AtomicBool::new(false);
    let plans = match feed {
        Feed::Files => corpus::plan(&opts.inputs, &opts.read)?,
        Feed::Records(..) => Vec::new(),
    };
    let input_bytes: u64 = match feed {
        Feed::Files => plans.iter().map(corpus::InputPlan::bytes).sum(),
        Feed::Records(_, bytes) => *bytes,
    };
    let mut levels = OutputLevels::resolve(
        opts.evidence,
        opts.sentences,
        opts.evidence_valence,
        input_bytes,
    );
    // The output directory is checked (and refused if it is not slant's to
    // replace, or of another command) before anything is read.
    let staging = match partial {
        Some(_) => None,
        None => Some(Staging::create_for(
            &opts.out_dir,
            if opts.extract_only {
                "extract"
            } else {
                "analyze"
            },
        )?),
    };
    if !opts.quiet {
        for p in &plans {
            for (line, file) in p.manifest_unmatched.iter().take(5) {
                opts.messages.say(&format!(
                    "slant: warning: the manifest for {} lists `{file}` (line {line}), which is not in the folder",
                    p.path.display()
                ));
            }
            if p.manifest_unmatched.len() > 5 {
                opts.messages.say(&format!(
                    "slant: warning: ... and {} more manifest rows that name no file (run.json: manifest_unmatched)",
                    p.manifest_unmatched.len() - 5
                ));
            }
            for note in corpus::skipped_notes(p) {
                opts.messages.say(&format!(
                    "slant: note: {}: {note} (run.json: skipped)",
                    corpus::escape_path(&p.path)
                ));
            }
        }
    }
    let dir = staging
        .as_ref()
        .map_or_else(PathBuf::new, |s| s.path().to_path_buf());
    // extract writes no n-gram report: it need not track sentences for
    // boilerplate (nor skip furniture in n-grams nothing reads).
    let mut features = opts.features.clone();
    if opts.extract_only {
        features.boilerplate_min_docs = 0;
    }
    let mut extractor = Extractor::new(&lex, features);
    if partial.is_some() {
        extractor.keep_sentence_words();
    }
    let scorers = load_scorers(opts)?;
    let threads = if opts.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        opts.threads
    };

    if scorers.as_ref().is_none_or(|s| s.loaded().is_none()) {
        levels.sentences = SentenceLevel::None;
    }
    let mut files = match partial {
        Some(_) => None,
        None => Some(RowFiles::create(
            &dir,
            &lex,
            scorers.as_ref(),
            levels,
            opts,
        )?),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::usage(format!("cannot start {threads} threads: {e}")))?;
    let (batch_tx, batch_rx) = mpsc::sync_channel::<Batch>(threads * 2);
    let batch_rx = Mutex::new(batch_rx);
    let (out_tx, out_rx) = mpsc::channel::<BatchOut>();
    let progress = Progress::new(opts.progress && !opts.quiet, input_bytes, &opts.messages);
    let bytes_read = progress.counter();

    let mut summary = RunSummary::default();
    let mut summaries: Vec<DocSummary> = Vec::new();
    let mut examples = report::Examples::new(EXAMPLES_PER_FAMILY);
    let mut first_rejections: Vec<Rejection> = Vec::new();
    let mut shown_rejections = 0usize;
    let mut partials: Vec<Aggregates> = Vec::new();
    let mut read_result: Result<Vec<InputStats>> = Ok(vec![]);

    // Writes one batch's rows and folds its summaries in; batches arrive
    // here in input order.
    let mut write_err: Option<Error> = None;
    // Time spent analyzing batches (summed over workers) and writing their
    // rows, for timings.json: how a run splits into reading, analysis and
    // writing.
    let analyze_ns = AtomicU64::new(0);
    let analyze_ns = &analyze_ns;
    let mut write_ns = 0u64;
    let budget = Budget::new(opts.memory_budget);
    let budget = &budget;
    // A worker keeps its buffers after documents up to this budget share
    // (all of them together: a quarter of the budget, or 1 MiB each).
    let keep_cost = (opts.memory_budget / (4 * threads as u64)).max(1 << 20);
    let kept = Kept {
        cols: opts.read.keep_cols.len(),
        group: opts.read.group_col.is_some(),
        split: partial.is_some(),
    };
    let mut accept = |mut out: BatchOut| {
        let t = Instant::now();
        summary.analyzed += out.docs;
        summary.text_bytes += out.text_bytes;
        progress.update(summary.analyzed, summary.text_bytes);
        for r in &out.rejections {
            summary.rejected += 1;
            if first_rejections.len() < 50 {
                first_rejections.push(r.clone());
            }
            if !opts.quiet {
                if shown_rejections < 50 {
                    progress.println(&format!("slant: rejected {}: {}", r.origin, r.reason));
                }
                shown_rejections += 1;
            }
        }
        if partial.is_none() {
            // (A partial keeps them with each document's rows.)
            summaries.append(&mut out.summaries);
        }
        examples.merge(std::mem::replace(
            &mut out.examples,
            report::Examples::new(0),
        ));
        for p in summary.dates.merge(std::mem::take(&mut out.dates)) {
            if !opts.quiet {
                progress.println(&format!("slant: warning: {p}"));
            }
        }
        if write_err.is_none() {
            let r = match (files.as_mut(), partial.as_deref_mut()) {
                (Some(f), _) => {
                    f.write(&out.documents, &out.evidence, &out.sentences, &out.rejected)
                }
                (None, Some(c)) => {
                    c.add(&mut out);
                    Ok(())
                }
                (None, None) => Ok(()),
            };
            let r = r.and_then(|_| match fail_after {
                Some(n) if summary.analyzed >= n => Err(Error::io(
                    dir.join("documents.csv"),
                    std::io::Error::other(format!(
                        "injected failure after {} documents (SLANT_FAIL_AFTER_DOCS)",
                        summary.analyzed
                    )),
                )),
                _ => Ok(()),
            });
            if let Err(e) = r {
                write_err = Some(e);
                stop.store(true, Ordering::Relaxed);
            }
        }
        budget.settle(out.cost, 0);
        if out.cost > keep_cost {
            drop((out.documents, out.evidence, out.sentences));
            release_freed_memory();
        }
        write_ns += t.elapsed().as_nanos() as u64;
    };
    let style = row_style(opts);
    // `extract` writes no framing estimates and no HTML report: it needs
    // neither the documents' variant summaries nor the report's examples.
    let for_report = !opts.extract_only;
    if threads == 1 {
        // One thread in all: read, analyze and write in turn on this
        // thread, so `--threads 1` uses one core.
        let mut agg = Aggregates::new(&lex);
        let mut ws = Workspace::default();
        let mut fws = scorers.as_ref().map(Scorers::workspace);
        let mut batcher = Batcher::default();
        let stopped = std::cell::Cell::new(false);
        let mut run = |batch: Batch| {
            let t = Instant::now();
            let cost = batch.cost;
            let out = process_batch(
                batch,
                &extractor,
                &lex,
                &mut ws,
                &mut agg,
                style,
                levels,
                for_report,
                scorers.as_ref().zip(fws.as_mut()),
                keep_cost,
                kept,
            );
            budget.settle(cost, out.cost);
            analyze_ns.fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
            accept(out);
        };
        // Batches are analyzed as soon as they are full, so nothing but
        // the batch being filled is ever in flight here: the budget never
        // waits.
        let mut send = |batch: Batch| {
            if stopped.get() {
                budget.settle(batch.cost, 0);
                return;
            }
            run(batch);
        };
        read_result = feed.read(
            &plans,
            &opts.read,
            &mut |item| {
                if !stopped.get() {
                    admit(budget, &mut batcher, item, (&stop, cancel), &mut send);
                }
                stopped.set(stopping(&stop, cancel));
            },
            &stop,
            bytes_read,
        );
        if let Some(batch) = batcher.finish() {
            send(batch);
        }
        partials = vec![agg];
    } else {
        std::thread::scope(|scope| {
            // Reader thread.
            let read_opts = &opts.read;
            let plans = &plans;
            let stop = &stop;
            let reader = scope.spawn(move || {
                let mut batcher = Batcher::default();
                let stopped = std::cell::Cell::new(false);
                // A batch that is not handed on gives its bytes back.
                let send = |batch: Batch| {
                    if stopped.get() {
                        budget.settle(batch.cost, 0);
                        return;
                    }
                    if let Err(mpsc::SendError(batch)) = batch_tx.send(batch) {
                        budget.settle(batch.cost, 0);
                        stop.store(true, Ordering::Relaxed);
                    }
                };
                let res = feed.read(
                    plans,
                    read_opts,
                    &mut |item| {
                        if !stopped.get() {
                            admit(budget, &mut batcher, item, (stop, cancel), send);
                        }
                        stopped.set(stopping(stop, cancel));
                    },
                    stop,
                    bytes_read,
                );
                if let Some(batch) = batcher.finish() {
                    send(batch);
                }
                drop(batch_tx);
                res
            });

            // Workers.
            let extractor = &extractor;
            let lex = &lex;
            let batch_rx = &batch_rx;
            let pool = &pool;
            let scorers = scorers.as_ref();
            let workers = scope.spawn(move || {
                let results: Mutex<Vec<Aggregates>> = Mutex::new(Vec::new());
                let seed = Seed::default();
                pool.scope(|s| {
                    for _ in 0..threads {
                        let out_tx = out_tx.clone();
                        let results = &results;
                        let seed = &seed;
                        s.spawn(move |_| {
                            let _close = CloseOnPanic(budget);
                            let (mut agg, mut seeder) = match seed.join() {
                                None => (Aggregates::new(lex), SeedGuard(Some(seed))),
                                Some(Some(v)) => (Aggregates::seeded(lex, v), SeedGuard(None)),
                                Some(None) => (Aggregates::new(lex), SeedGuard(None)),
                            };
                            let mut ws = Workspace::default();
                            let mut fws = scorers.map(Scorers::workspace);
                            loop {
                                let next = batch_rx.lock().map(|rx| rx.recv());
                                let Ok(Ok(batch)) = next else { break };
                                let t = Instant::now();
                                let cost = batch.cost;
                                let out = process_batch(
                                    batch,
                                    extractor,
                                    lex,
                                    &mut ws,
                                    &mut agg,
                                    style,
                                    levels,
                                    for_report,
                                    scorers.zip(fws.as_mut()),
                                    keep_cost,
                                    kept,
                                );
                                budget.settle(cost, out.cost);
                                analyze_ns
                                    .fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
                                seeder.publish(&agg.vocab);
                                if out_tx.send(out).is_err() {
                                    budget.close();
                                    break;
                                }
                            }
                            drop(seeder);
                            if let Ok(mut r) = results.lock() {
                                r.push(agg);
                            }
                        });
                    }
                });
                drop(out_tx);
                results.into_inner().unwrap_or_default()
            });

            // Writer (this thread): reorder buffer by batch sequence number.
            let mut pending: BTreeMap<u64, BatchOut> = BTreeMap::new();
            let mut next = 0u64;
            for out in out_rx.iter() {
                pending.insert(out.seq, out);
                while let Some(out) = pending.remove(&next) {
                    next += 1;
                    accept(out);
                }
            }
            partials = workers.join().unwrap_or_default();
            read_result = reader.join().unwrap_or_else(|_| {
                Err(Error::new(ErrorKind::Internal(
                    "the reader thread panicked".into(),
                )))
            });
        });
    }
    if let Some(e) = write_err {
        return Err(e);
    }
    progress.finish(summary.analyzed, t0.elapsed());
    interrupted(cancel)?;
    let stats = read_result?;
    if shown_rejections > 50 && !opts.quiet {
        opts.messages.say(&format!(
            "slant: ... and {} more rejections (see rejected.csv)",
            shown_rejections - 50
        ));
    }
    let shown_dates = summary.dates.examples.len() as u64;
    if summary.dates.problems() > shown_dates && !opts.quiet {
        opts.messages.say(&format!(
            "slant: warning: ... and {} more dates not used (run.json: dates)",
            summary.dates.problems() - shown_dates
        ));
    }
    summary.date_range = summary.dates.range_strings();
    // Empty reports would pass for a finished analysis: refuse, and leave
    // the previous reports in place (the staging directory goes). A
    // partial may hold no document (an empty shard or partition): the
    // merge refuses when none of its partials has one.
    if summary.analyzed == 0 && partial.is_none() {
        let why = corpus::why_nothing(&plans, &stats, first_rejections.first());
        return Err(Error::new(ErrorKind::NothingToAnalyze(why)));
    }
    if let Some(f) = files {
        f.finish(&dir, levels)?;
    }
    summary.read = stats.iter().map(|s| s.read).sum();
    summary.skipped = stats.iter().map(|s| s.skipped.len() as u64).sum();
    summary.inputs = stats;
    summary
        .timings
        .insert("extract_ms", t0.elapsed().as_millis());
    summary.timings.insert(
        "extract_analyse_ms",
        (analyze_ns.load(Ordering::Relaxed) / 1_000_000) as u128,
    );
    summary
        .timings
        .insert("extract_write_ms", (write_ns / 1_000_000) as u128);
    summary.memory.budget_bytes = opts.memory_budget;
    summary.memory.in_flight_peak_bytes = budget.peak();

    if let Some(c) = partial {
        progress.phase("merging counts");
        let bytes = match feed {
            Feed::Files => plans.iter().map(corpus::InputPlan::bytes).collect(),
            Feed::Records(_, b) => vec![*b],
        };
        let key = partial::extraction_key(opts, &lex, scorers.as_ref());
        let stats = summary.inputs.clone();
        c.finish(
            partials, &extractor, examples, summary, stats, bytes, levels, key, &pool,
        )?;
        progress.end_phase();
        interrupted(cancel)?;
        return Ok(RunSummary::default());
    }
    let tail = Tail {
        opts,
        lex: &lex,
        est_opts: &est_opts,
        stopwords_info,
        scorers: scorers.as_ref(),
        sentence_table: extractor.sentence_table(),
        pool: &pool,
        progress: &progress,
        dir: &dir,
        threads,
        levels,
    };
    let summary = tail.finish(partials, summaries, examples, first_rejections, summary)?;
    // A Ctrl-C during the statistics or reports still means "stop".
    interrupted(cancel)?;
    if let Some(s) = staging {
        s.commit()?;
    }
    Ok(summary)
}

/// The per-document files of a run (documents, evidence, sentences,
/// rejected), headers written, rows appended in input order.
struct RowFiles {
    docs: (std::io::BufWriter<std::fs::File>, PathBuf),
    evidence: (std::io::BufWriter<std::fs::File>, PathBuf),
    rejected: (std::io::BufWriter<std::fs::File>, PathBuf),
    sentences: Option<(std::io::BufWriter<std::fs::File>, PathBuf)>,
}

impl RowFiles {
    /// Create the files in `dir` with their headers: evidence.csv and
    /// sentences.csv as `levels` say (without evidence, its rows are
    /// empty and go to a scratch file [`finish`](Self::finish) removes);
    /// with referents on, evidence rows end with the key of their label,
    /// resolved by [`Tail::finish`].
    fn create(
        dir: &Path,
        lex: &Lexicon,
        scorers: Option<&Scorers>,
        levels: OutputLevels,
        opts: &RunOptions,
    ) -> Result<RowFiles> {
        let (keep_cols, linked) = (&opts.read.keep_cols, opts.features.referents);
        let create = |p: PathBuf,
                      header: &[String]|
         -> Result<(std::io::BufWriter<std::fs::File>, PathBuf)> {
            let mut w = std::io::BufWriter::new(std::fs::File::create(&p).map_err(io_err(&p))?);
            if !header.is_empty() {
                let mut c = csv::Writer::from_writer(Vec::new());
                c.write_record(header).map_err(|e| csv_err(&p, e))?;
                w.write_all(&c.into_inner().unwrap_or_default())
                    .map_err(io_err(&p))?;
            }
            Ok((w, p))
        };
        let strings = |h: &[&str]| h.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let sentences = match scorers.filter(|_| levels.sentences != SentenceLevel::None) {
            Some(_) => Some(create(
                dir.join("sentences.csv"),
                &strings(report::models::SENTENCES_HEADER),
            )?),
            None => None,
        };
        let mut header = report::document_header(lex);
        if let Some(sc) = scorers {
            header.extend(report::models::document_header(sc));
        }
        crate::report::groups::kept_header(&mut header, keep_cols)?;
        let docs = create(dir.join("documents.csv"), &header)?;
        let evidence = if levels.evidence.writes_file() {
            let mut header = strings(report::evidence_header());
            if linked {
                header.push(report::LINK_KEY_COLUMN.to_string());
            }
            create(dir.join("evidence.csv"), &header)?
        } else {
            create(dir.join(".no-evidence"), &[])?
        };
        let rejected = create(dir.join("rejected.csv"), &strings(report::REJECTED_HEADER))?;
        Ok(RowFiles {
            docs,
            evidence,
            rejected,
            sentences,
        })
    }

    /// Append rows (CSV bytes) to each file.
    fn write(
        &mut self,
        documents: &[u8],
        evidence: &[u8],
        sentences: &[u8],
        rejected: &[u8],
    ) -> Result<()> {
        let (w, p) = &mut self.docs;
        w.write_all(documents).map_err(io_err(p))?;
        let (w, p) = &mut self.evidence;
        w.write_all(evidence).map_err(io_err(p))?;
        let (w, p) = &mut self.rejected;
        w.write_all(rejected).map_err(io_err(p))?;
        if let Some((w, p)) = self.sentences.as_mut() {
            w.write_all(sentences).map_err(io_err(p))?;
        }
        Ok(())
    }

    /// Flush every file; remove the scratch evidence file.
    fn finish(self, dir: &Path, levels: OutputLevels) -> Result<()> {
        for (mut w, p) in [self.docs, self.evidence, self.rejected]
            .into_iter()
            .chain(self.sentences)
        {
            w.flush().map_err(io_err(&p))?;
        }
        if !levels.evidence.writes_file() {
            let _ = std::fs::remove_file(dir.join(".no-evidence"));
        }
        Ok(())
    }
}

/// The estimators' options with `--stopwords` read in, and what run.json
/// says about the list.
fn stopwords(opts: &RunOptions) -> Result<(EstimatorOptions, Option<serde_json::Value>)> {
    let mut est_opts = opts.estimators.clone();
    let mut info = None;
    if let Some(p) = &opts.stopwords {
        est_opts.stopwords = crate::estimators::terms::read_stopwords(p)?;
        let bytes = std::fs::read(p).map_err(io_err(p))?;
        info = Some(serde_json::json!({
            "path": corpus::escape_path(p),
            "sha256": crate::lexicon::sha256_hex(&bytes),
            "words": est_opts.stopwords.len(),
        }));
    }
    Ok((est_opts, info))
}

/// The learned models the options ask for (none for `extract`, with
/// `--no-models`, or when the directory holds none).
fn load_scorers(opts: &RunOptions) -> Result<Option<Scorers>> {
    if opts.no_models || opts.extract_only {
        return Ok(None);
    }
    let dir = opts.model_dir.clone().unwrap_or_else(Scorers::default_dir);
    if opts.model_dir.is_some() && !dir.is_dir() {
        return Err(Error::usage(format!(
            "--model-dir {}: no such directory",
            dir.display()
        )));
    }
    Ok(Some(Scorers::load(&dir)?).filter(|s| !s.is_empty()))
}

/// What the statistics and reports after extraction need (shared by
/// `analyze` and `merge`).
struct Tail<'a> {
    opts: &'a RunOptions,
    lex: &'a Lexicon,
    est_opts: &'a EstimatorOptions,
    stopwords_info: Option<serde_json::Value>,
    scorers: Option<&'a Scorers>,
    sentence_table: Option<&'a crate::features::boilerplate::SentenceTable>,
    pool: &'a rayon::ThreadPool,
    progress: &'a Progress,
    dir: &'a Path,
    threads: usize,
    levels: OutputLevels,
}

impl Tail<'_> {
    /// Merge the aggregates, estimate, and write every report but the
    /// per-document files (already written) into `dir`, then run.json.
    fn finish(
        self,
        mut partials: Vec<Aggregates>,
        mut summaries: Vec<DocSummary>,
        mut examples: report::Examples,
        first_rejections: Vec<Rejection>,
        mut summary: RunSummary,
    ) -> Result<RunSummary> {
        let Tail {
            opts,
            lex,
            est_opts,
            stopwords_info,
            scorers,
            sentence_table,
            pool,
            progress,
            dir,
            threads,
            levels,
        } = self;
        let cancel = opts.cancel.flag();
        let dir = dir.to_path_buf();
        // Merge per-worker aggregates (sums; order does not matter).
        progress.phase("merging counts");
        let t1 = Instant::now();
        // The largest partial is the base (its vocabulary is not remapped); the
        // outputs do not depend on vocabulary ids, only on the sums.
        partials.sort_by_key(|p| std::cmp::Reverse(p.vocab.len()));
        let mut partials = partials.into_iter();
        let mut agg = partials.next().unwrap_or_else(|| Aggregates::new(lex));
        pool.install(|| {
            // Merging compacts both sides' n-gram counts; what is left to
            // compact is a single partial's.
            for p in partials {
                if cancel.load(Ordering::Relaxed) {
                    return;
                }
                agg.merge(p);
            }
            agg.flush_ngrams();
        });
        interrupted(cancel)?;
        // Boilerplate leaves the n-grams before any statistic reads them.
        if !opts.extract_only {
            progress.phase("finding boilerplate");
        }
        let tb = Instant::now();
        let boilerplate = (!opts.extract_only).then(|| {
            crate::features::boilerplate::remove_boilerplate(
                &mut agg,
                sentence_table,
                opts.features.boilerplate_min_docs,
            )
        });
        let boilerplate_ms = tb.elapsed().as_millis();
        summary.sources = agg.sources.len() as u64;
        summary.stories = agg
            .stories
            .keys()
            .map(|(_, k)| k.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .len() as u64;
        summary.timings.insert(
            "merge_ms",
            t1.elapsed().as_millis().saturating_sub(boilerplate_ms),
        );
        summary.timings.insert("boilerplate_ms", boilerplate_ms);

        // Who is called what: resolved on a thread of its own while the
        // statistics run (it reads only the referent counts, taken out of
        // the sums), and written with the other reports.
        let labels_job = (!opts.extract_only && opts.features.referents).then(|| {
            let referents = std::mem::take(&mut agg.referents);
            let label_opts = opts.labels.clone();
            let (alpha0, exact) = (
                opts.estimators.family_alpha0,
                opts.estimators.exact_variance,
            );
            // Evidence rows and the report's examples name their labels'
            // referents, and the families that name theirs count the
            // matches linked to them (the resolution is kept for them).
            // The evidence rows are named here too, while the statistics run.
            let named = linked::any_named(lex);
            let evidence = levels
                .evidence
                .writes_file()
                .then(|| (dir.join("evidence.csv"), opts.csv));
            let mut label_examples = std::mem::take(&mut examples.labels);
            let cancel = opts.cancel.clone();
            Joined(Some(std::thread::spawn(move || {
                let t = Instant::now();
                let (rows, res) = referents.labels_resolved(&label_opts, named);
                drop(referents);
                report::resolve_label_examples(&mut label_examples, &res);
                let linked = match evidence {
                    // Interrupted: the staging folder is on its way out.
                    _ if cancel.flag().load(Ordering::Relaxed) => Ok(()),
                    Some((p, style)) => report::link_evidence(&p, Some(&res), style).map(|_| ()),
                    None => Ok(()),
                };
                let res = named.then_some(res);
                let z = estimators::labels::label_z(&rows, alpha0, exact);
                (rows, res, z, t.elapsed(), label_examples, linked)
            })))
        });

        // The families that name their referents count only the matches
        // linked to them: the labels are resolved first (see `linked`).
        let mut labels_job = labels_job;
        let mut labels_done = None;
        if labels_job.is_some() && linked::any_named(lex) {
            progress.phase("linking labels to their referents");
            let done = labels_job.take().expect("checked").join().map_err(|_| {
                Error::new(ErrorKind::Internal(
                    "the thread resolving labels panicked".into(),
                ))
            })?;
            if let Some(res) = &done.1 {
                let counts = linked::restrict(&mut agg, &mut summaries, lex, res);
                report::relink_documents(&dir.join("documents.csv"), lex, &counts)?;
            }
            labels_done = Some(done);
        }

        let t2 = Instant::now();
        let mut est = if opts.extract_only {
            Estimates::default()
        } else {
            progress.phase("estimating family scores and n-grams");
            let index: std::collections::HashMap<&str, usize> = agg
                .sources
                .keys()
                .enumerate()
                .map(|(i, s)| (s.as_str(), i))
                .collect();
            let mut by_source: Vec<Vec<&[(u32, u32)]>> = vec![Vec::new(); agg.sources.len()];
            for d in &summaries {
                if let Some(&i) = index.get(&*d.source) {
                    by_source[i].push(&d.variants);
                }
            }
            pool.install(|| estimators::estimate_until(&agg, lex, &by_source, est_opts, cancel))
                .ok_or_else(|| Error::new(ErrorKind::Interrupted))?
        };
        if let Some(sc) = &scorers {
            progress.phase("scoring sources with the learned models");
            let names: Vec<&str> = agg.sources.keys().map(String::as_str).collect();
            let mut per: Vec<Vec<DocModelSummary>> = vec![Vec::new(); names.len()];
            for d in &summaries {
                if let (Ok(i), Some(m)) = (names.binary_search(&&*d.source), &d.model) {
                    per[i].push(m.clone());
                }
            }
            let stats = pool
                .install(|| {
                    estimators::models::source_scores_until(
                        sc,
                        &names,
                        &per,
                        opts.estimators.seed,
                        opts.estimators.bootstrap,
                        cancel,
                    )
                })
                .ok_or_else(|| Error::new(ErrorKind::Interrupted))?;
            est.learned = estimators::models::source_values(sc, &stats);
            summary.models = sc.info.clone();
        }
        summary
            .timings
            .insert("estimate_ms", t2.elapsed().as_millis());

        interrupted(cancel)?;
        // Issue 22: the time series (over every source) before --min-docs
        // takes the small sources out of the per-source reports.
        let time = match opts.period.filter(|_| !opts.extract_only) {
            Some(period) => {
                progress.phase("the time series");
                let t = Instant::now();
                let ts = periods::time_series(
                    &summaries,
                    &agg,
                    lex,
                    est_opts,
                    period,
                    opts.min_docs,
                    (pool, cancel),
                )?;
                summary
                    .timings
                    .insert("timeseries_ms", t.elapsed().as_millis());
                Some(ts)
            }
            None => None,
        };
        let t3 = Instant::now();
        if !opts.extract_only {
            // Wordfish keeps its own --scale-min-docs: it scales before
            // --min-docs leaves sources out.
            let mut scaled = None;
            if let Some(scale) = &opts.scale {
                progress.phase("scaling the sources (Wordfish)");
                let (summary_, s) = write_scaling(&dir, &agg, scale, opts, pool)?;
                summary.scaling = Some(summary_);
                scaled = Some(s);
            }
            // Groups pool their sources, the small ones included.
            let groups_out = groups::run(groups::GroupsInput {
                dir: &dir,
                agg: &agg,
                lex,
                summaries: &summaries,
                est_opts,
                scorers,
                opts,
                pool,
                timings: &mut summary.timings,
            })?;
            summary.min_docs = report::drop_small_sources(&mut agg, &mut est, opts.min_docs);
            if summary.min_docs.is_some() {
                est.ngram_sources_skipped =
                    estimators::terms::ngram_sources_skipped(&agg, est_opts);
            }
            progress.phase("writing the reports");
            periods::write_sources(&dir, &agg, &est, lex, opts.csv)?;
            let p = dir.join("families.csv");
            let f = std::fs::File::create(&p).map_err(io_err(&p))?;
            let families_rows =
                report::families_rows(std::io::BufWriter::new(f), &agg, lex, opts.csv)
                    .map_err(|e| csv_err(&p, e))?;
            summary.left_out = Some(LeftOut {
                families_rows: (agg.sources.len() * lex.n_variants()) as u64 - families_rows,
                terms_variant_rows: est.variant_rows_left_out,
                ngram_sources: est.ngram_sources_skipped,
            });
            let p = dir.join("terms.csv");
            let f = std::fs::File::create(&p).map_err(io_err(&p))?;
            report::terms_rows(std::io::BufWriter::new(f), &agg, &est, opts.csv)
                .map_err(|e| csv_err(&p, e))?;
            let mut label_rows = Vec::new();
            let joined = match (labels_done, labels_job) {
                (Some(done), _) => Some(done),
                (None, Some(job)) => Some(job.join().map_err(|_| {
                    Error::new(ErrorKind::Internal(
                        "the thread resolving labels panicked".into(),
                    ))
                })?),
                (None, None) => None,
            };
            if let Some((rows, _, z, resolved, label_examples, linked)) = joined {
                let t = Instant::now();
                examples.labels = label_examples;
                linked?;
                label_rows = rows;
                let rows = &label_rows;
                let p = dir.join("labels.csv");
                let f = std::fs::File::create(&p).map_err(io_err(&p))?;
                report::labels_rows(std::io::BufWriter::new(f), rows, &z, opts.csv)
                    .map_err(|e| csv_err(&p, e))?;
                let p = dir.join("referent_families.csv");
                let f = std::fs::File::create(&p).map_err(io_err(&p))?;
                report::referent_family_rows(std::io::BufWriter::new(f), rows, lex, opts.csv)
                    .map_err(|e| csv_err(&p, e))?;
                summary
                    .timings
                    .insert("labels_ms", (t.elapsed() + resolved).as_millis());
            } else if levels.evidence.writes_file() {
                // No labels resolved: a label-key column has nothing to name.
                report::link_evidence(&dir.join("evidence.csv"), None, opts.csv)?;
            }
            if let (Some(ts), Some(period)) = (&time, opts.period) {
                summary.timeseries = Some(periods::write_timeseries(&dir, ts, period, opts.csv)?);
            }
            if let Some(b) = &boilerplate {
                let p = dir.join("boilerplate.csv");
                let f = std::fs::File::create(&p).map_err(io_err(&p))?;
                report::boilerplate_rows(std::io::BufWriter::new(f), &b.rows, opts.csv)
                    .map_err(|e| csv_err(&p, e))?;
                summary.boilerplate = Some(b.summary(opts.features.boilerplate_min_docs));
            }
            summary.stopwords = stopwords_info;
            let mut inputs: Vec<String> = opts
                .inputs
                .iter()
                .map(|p| corpus::escape_path(p).into_owned())
                .collect();
            inputs.sort();
            inputs.dedup();
            interrupted(cancel)?;
            progress.phase("writing report.html");
            let th = Instant::now();
            let mut html = report::html::render(&report::html::HtmlInput {
                lex,
                agg: &agg,
                est: &est,
                examples: &examples,
                read: summary.read,
                analyzed: summary.analyzed,
                rejections: &first_rejections,
                rejected: summary.rejected,
                stories: summary.stories,
                date_range: summary.date_range.clone(),
                dates_unused: summary.dates.problems(),
                inputs,
                small_sources: summary.min_docs.as_ref(),
                timeseries: time.as_ref(),
                output: Some(levels),
                scaling: scaled.as_ref(),
                labels: &label_rows,
            });
            if let Some(g) = groups_out {
                report::groups::insert_section(&mut html, &g.html);
                summary.groups = Some(g.summary);
            }
            summary.timings.insert("html_ms", th.elapsed().as_millis());
            let p = dir.join("report.html");
            std::fs::write(&p, html).map_err(io_err(&p))?;
        }
        summary
            .timings
            .insert("report_ms", t3.elapsed().as_millis());
        progress.end_phase();
        summary.output = Some(levels);
        if opts.output_format == report::OutputFormat::Parquet {
            let tp = Instant::now();
            report::write_parquet_outputs(&dir, opts.read.keep_cols.len())?;
            summary
                .timings
                .insert("parquet_ms", tp.elapsed().as_millis());
        }
        write_run_json(&dir, opts, &lex.sources, &summary, threads)?;
        // A Ctrl-C during the statistics or reports still means "stop".
        interrupted(cancel)?;
        Ok(summary)
    }
}

/// What `run.json` says about a Wordfish fit (`scaling`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ScalingSummary {
    /// Sources scaled.
    pub sources: usize,
    /// Sources under `min_docs`, not scaled.
    pub too_small: usize,
    /// Sources without any of the words used, left out.
    pub no_words: Vec<String>,
    /// Words used.
    pub words: usize,
    /// Rounds of the fit.
    pub iterations: usize,
    /// Whether the fit converged.
    pub converged: bool,
    /// Bootstrap replicates that did not converge.
    pub bootstrap_unconverged: usize,
    /// Log-likelihood at the estimates.
    pub log_likelihood: f64,
}

/// Fit Wordfish over the run's sources and write `scaling.csv` and
/// `scaling_words.csv`.
fn write_scaling(
    dir: &Path,
    agg: &Aggregates,
    scale: &ScaleOptions,
    opts: &RunOptions,
    pool: &rayon::ThreadPool,
) -> Result<(ScalingSummary, wordfish::SourceScaling)> {
    let s = pool.install(|| wordfish::scale_sources(agg, scale, opts.estimators.seed))?;
    let (pp, wp) = (dir.join("scaling.csv"), dir.join("scaling_words.csv"));
    let pf = std::fs::File::create(&pp).map_err(io_err(&pp))?;
    let wf = std::fs::File::create(&wp).map_err(io_err(&wp))?;
    report::scaling_rows(
        std::io::BufWriter::new(pf),
        std::io::BufWriter::new(wf),
        &s,
        opts.csv,
    )
    .map_err(|e| csv_err(&pp, e))?;
    let summary = ScalingSummary {
        sources: s.fit.sources.len(),
        too_small: s.too_small,
        no_words: (s.fit.dropped_sources.iter())
            .map(|&i| s.sources[i].0.clone())
            .collect(),
        words: s.fit.words.len(),
        iterations: s.fit.iterations,
        converged: s.fit.converged,
        bootstrap_unconverged: s.fit.bootstrap_unconverged,
        log_likelihood: s.fit.log_likelihood,
    };
    Ok((summary, s))
}

/// Most bootstrap replicates accepted.
pub const MAX_BOOTSTRAP: usize = 100_000;
/// Most worker threads accepted.
pub const MAX_THREADS: usize = 1024;

/// Reject limits that cannot work: documents must fit the text analysis's
/// offsets ([`crate::text::normalize::MAX_INPUT_LEN`]), and a zero limit
/// would reject or skip everything.
fn check_limits(opts: &RunOptions) -> Result<()> {
    let max = crate::text::normalize::MAX_INPUT_LEN;
    if !(1..=max).contains(&opts.read.max_doc_bytes) {
        return Err(Error::usage(format!(
            "--max-doc-bytes must be between 1 and {max}, got {}",
            opts.read.max_doc_bytes
        )));
    }
    if opts.features.max_token_bytes == 0 {
        return Err(Error::usage("--max-token-bytes must be at least 1"));
    }
    if opts.features.boilerplate_min_docs == 1 {
        return Err(Error::usage(
            "--boilerplate-min-docs must be 0 (keep every sentence) or at least 2 \
             (a sentence in one document is not repeated)",
        ));
    }
    // Replicates are held in memory (per source and family).
    if opts.estimators.bootstrap > MAX_BOOTSTRAP {
        return Err(Error::usage(format!(
            "--bootstrap must be at most {MAX_BOOTSTRAP}, got {}",
            opts.estimators.bootstrap
        )));
    }
    if opts.memory_budget == 0 {
        return Err(Error::usage("--memory-budget must be more than 0"));
    }
    if opts.threads > MAX_THREADS {
        return Err(Error::usage(format!(
            "--threads must be at most {MAX_THREADS}, got {}",
            opts.threads
        )));
    }
    Ok(())
}

/// How the per-document rows' text cells are written: as `--csv-raw` says,
/// and unguarded when they go to Parquet (which holds text as found).
pub(crate) fn row_style(opts: &RunOptions) -> CsvStyle {
    match opts.output_format {
        report::OutputFormat::Parquet => CsvStyle { raw: true },
        report::OutputFormat::Csv => opts.csv,
    }
}

fn write_run_json(
    dir: &Path,
    opts: &RunOptions,
    lexicons: &[LexiconSource],
    summary: &RunSummary,
    threads: usize,
) -> Result<()> {
    // Inputs are read in sorted order; record them that way too.
    let mut opts = opts.clone();
    opts.inputs.sort();
    opts.inputs.dedup();
    let mut run = serde_json::json!({
        "tool": "slant",
        "version": env!("CARGO_PKG_VERSION"),
        "command": if opts.extract_only { "extract" } else { "analyze" },
        "options": opts,
        "lexicons": lexicons,
        "documents": {
            "read": summary.read,
            "analysed": summary.analyzed,
            "rejected": summary.rejected,
            "reconciled": summary.read == summary.analyzed + summary.rejected,
        },
        "sources": summary.sources,
        "stories": summary.stories,
        "date_range": summary.date_range,
        "dates": summary.dates,
        "text_bytes": summary.text_bytes,
        "inputs": summary.inputs,
        "models": summary.models,
    });
    if let Some(left_out) = &summary.left_out {
        run["left_out"] = serde_json::json!(left_out);
    }
    if let Some(scaling) = &summary.scaling {
        run["scaling"] = serde_json::json!(scaling);
    }
    if let Some(b) = &summary.boilerplate {
        run["boilerplate"] = serde_json::to_value(b)?;
    }
    if let Some(s) = &summary.stopwords {
        run["stopwords"] = s.clone();
    }
    if let Some(g) = &summary.groups {
        run["groups"] = serde_json::to_value(g)?;
    }
    if let Some(m) = &summary.min_docs {
        run["min_docs"] = serde_json::to_value(m)?;
    }
    if let Some(t) = &summary.timeseries {
        run["timeseries"] = t.clone();
    }
    if let Some(o) = &summary.output {
        run["output"] = serde_json::json!(o);
    }
    if let Some(p) = &summary.partials {
        run["command"] = "merge".into();
        run["partials"] = p.clone();
    }
    let p = dir.join("run.json");
    let mut s = serde_json::to_string_pretty(&run)?;
    s.push('\n');
    std::fs::write(&p, s).map_err(io_err(&p))?;
    let memory = MemoryUse {
        peak_rss_bytes: peak_rss_bytes(),
        ..summary.memory.clone()
    };
    let timings = serde_json::json!({
        "threads": threads,
        "memory": memory,
        "timings_ms": summary.timings,
        "documents_per_second": summary.analyzed as f64
            / (summary.timings.get("extract_ms").copied().unwrap_or(1).max(1) as f64 / 1000.0),
    });
    let p = dir.join("timings.json");
    let mut s = serde_json::to_string_pretty(&timings)?;
    s.push('\n');
    std::fs::write(&p, s).map_err(io_err(&p))?;
    Ok(())
}

/// Give the memory freed after a large document back to the system.
///
/// glibc's malloc keeps freed blocks below its mmap threshold in the arena
/// of the thread that allocated them; with many workers, each that once
/// analyzed a large document would go on holding some of its buffers, and
/// peak memory would grow with the thread count. Only called after a
/// document or batch over a worker's keep limit (never on ordinary news
/// text), so it costs nothing on the hot path.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn release_freed_memory() {
    extern "C" {
        fn malloc_trim(pad: usize) -> std::os::raw::c_int;
    }
    // SAFETY: `malloc_trim` takes no pointers; it only returns free pages
    // of glibc's heaps to the system and is safe to call from any thread.
    unsafe {
        malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn release_freed_memory() {}

/// Peak resident memory of this process so far (Linux `VmHWM`).
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

/// Analyze a batch and render its rows. A worker's buffers grow to its
/// largest document and are reused; after a document whose budget share is
/// over `keep_cost` they are dropped, so idle workers do not hold memory
/// the budget has given back.
#[allow(clippy::too_many_arguments)]
fn process_batch(
    batch: Batch,
    ex: &Extractor,
    lex: &Lexicon,
    ws: &mut Workspace,
    agg: &mut Aggregates,
    style: CsvStyle,
    levels: OutputLevels,
    for_report: bool,
    mut scorers: Option<(&Scorers, &mut FeatWorkspace)>,
    keep_cost: u64,
    kept: Kept,
) -> BatchOut {
    let mut docs_w = csv::Writer::from_writer(Vec::with_capacity(64 * 1024));
    let mut ev_w = csv::Writer::from_writer(Vec::with_capacity(256 * 1024));
    let mut rej_w = csv::Writer::from_writer(Vec::new());
    let mut sen_w = csv::Writer::from_writer(Vec::new());
    // Evidence rows carry the key of the label they are in (resolved into
    // `referent` and `link` at the end of the run).
    let linked = levels.evidence.writes_file() && ex.options().referents;
    // The families that name their referents count the matches of labels
    // linked to them: keep their matches' label keys.
    let named = for_report
        && ex.options().referents
        && lex.families.iter().any(|f| !f.referents.is_empty());
    // The report shows sentences in which labels are linked to names.
    let shown = for_report && ex.options().referents;
    ws.record_labels(linked || named || shown);
    let mut link = String::new();
    let mut out = BatchOut {
        seq: batch.seq,
        documents: vec![],
        sentences: vec![],
        evidence: vec![],
        rejected: vec![],
        rejections: vec![],
        summaries: Vec::with_capacity(batch.items.len()),
        examples: report::Examples::new(EXAMPLES_PER_FAMILY),
        dates: DateStats::default(),
        docs: 0,
        text_bytes: 0,
        cost: 0,
        marks: Vec::new(),
    };
    for item in batch.items {
        let mark = kept.split.then(|| match &item {
            Item::Doc(d) => (true, d.id.clone(), d.source.clone()),
            Item::Rejected(_) => (false, String::new(), String::new()),
        });
        match item {
            Item::Rejected(r) => {
                let _ = report::rejected_row(&mut rej_w, &r, style);
                out.rejections.push(r);
            }
            Item::Doc(doc) => {
                let f = ex.extract(&doc, ws, agg);
                out.docs += 1;
                out.text_bytes += doc.text.len() as u64;
                let mut scores = None;
                // Kept columns go last, guarded like the other text cells.
                let kept_cells = (doc.extra.iter().take(kept.cols))
                    .map(|c| report::safe_cell(c, style).into_owned());
                match scorers.as_mut() {
                    Some((sc, fws)) => {
                        let s = sc.score_analyzed(&ws.analyzed, ws.token_ids(), &agg.vocab, fws);
                        let mut extra = report::models::document_cells(sc, &s);
                        extra.extend(kept_cells);
                        let _ =
                            report::document_row_extra(&mut docs_w, &doc, &f, lex, style, &extra);
                        if levels.sentences != SentenceLevel::None {
                            let loaded_only = levels.sentences == SentenceLevel::Loaded;
                            let _ = report::models::sentence_rows_where(
                                sc,
                                &mut sen_w,
                                &doc,
                                &ws.text,
                                &s,
                                style,
                                loaded_only,
                            );
                        }
                        scores = Some((*sc, s));
                    }
                    None if kept.cols == 0 => {
                        let _ = report::document_row(&mut docs_w, &doc, &f, lex, style);
                    }
                    None => {
                        let extra: Vec<String> = kept_cells.collect();
                        let _ =
                            report::document_row_extra(&mut docs_w, &doc, &f, lex, style, &extra);
                    }
                }
                if levels.evidence.writes_file() {
                    let categories = levels.evidence.writes_categories();
                    for rec in &f.matches {
                        if let crate::lexicon::Target::Category { category, .. } = rec.m.target {
                            if !categories || (!levels.valence && ex.is_valence(category as usize))
                            {
                                continue;
                            }
                        }
                        link.clear();
                        let at = (rec.m.start, rec.m.end);
                        if let Some(l) = crate::features::referents::label_at(ws.labels(), at) {
                            l.key.write_cell(&mut link);
                        }
                        let link = linked.then_some(link.as_str());
                        let _ =
                            report::evidence_row(&mut ev_w, &doc, &ws.text, rec, lex, style, link);
                    }
                    if let Some((_, s)) = scores.as_ref().filter(|_| categories) {
                        let link = linked.then_some("");
                        let _ = report::models::evidence_rows(
                            &mut ev_w, &doc, &ws.text, s, style, link,
                        );
                    }
                }
                if for_report {
                    let model = scores.as_ref().map(|(_, s)| s.summary());
                    let mut summary = summarize(&doc, &f.counts, model);
                    if named {
                        for rec in &f.matches {
                            let crate::lexicon::Target::Variant { family, flat } = rec.m.target
                            else {
                                continue;
                            };
                            if lex.families[family as usize].referents.is_empty() {
                                continue;
                            }
                            let at = (rec.m.start, rec.m.end);
                            if let Some(l) = crate::features::referents::label_at(ws.labels(), at) {
                                let quoted = rec.voice == crate::text::Voice::Quoted;
                                summary.linked.push((flat, quoted, l.key.to_cell()));
                            }
                        }
                    }
                    if kept.group {
                        summary.group = (doc.extra.last())
                            .filter(|g| !g.is_empty())
                            .map(|g| g.as_str().into());
                    }
                    out.summaries.push(summary);
                    out.examples.add_document(
                        &doc.source,
                        &doc.id,
                        &ws.text,
                        &ws.analyzed,
                        &f.matches,
                        lex,
                    );
                    if shown {
                        out.examples.add_labels(
                            &doc.source,
                            doc.story.as_deref(),
                            &doc.id,
                            &ws.text,
                            &ws.analyzed,
                            ws.labels(),
                        );
                    }
                    if let Some((_, s)) = &scores {
                        for sc in &s.sentences {
                            out.examples.add_loaded(
                                &doc.source,
                                &doc.id,
                                &ws.text,
                                sc.span.0 as usize..sc.span.1 as usize,
                                sc.probability,
                                sc.words
                                    .iter()
                                    .map(|w| (w.start as usize..w.end as usize, w.probability)),
                            );
                        }
                    }
                }
                out.dates.record(&doc);
                if doc_cost(&doc) > keep_cost {
                    *ws = Workspace::default();
                    if let Some((sc, fws)) = scorers.as_mut() {
                        **fws = sc.workspace();
                    }
                    release_freed_memory();
                }
            }
        }
        if let Some((doc, id, source)) = mark {
            let _ = (docs_w.flush(), ev_w.flush(), sen_w.flush(), rej_w.flush());
            out.marks.push(Mark {
                doc,
                id,
                source,
                ends: [
                    docs_w.get_ref().len(),
                    ev_w.get_ref().len(),
                    sen_w.get_ref().len(),
                    rej_w.get_ref().len(),
                ],
            });
        }
    }
    out.documents = docs_w.into_inner().unwrap_or_default();
    out.evidence = ev_w.into_inner().unwrap_or_default();
    out.rejected = rej_w.into_inner().unwrap_or_default();
    out.sentences = sen_w.into_inner().unwrap_or_default();
    out.cost = out.row_bytes();
    out
}

fn summarize(
    doc: &Document,
    counts: &crate::features::Counts,
    model: Option<DocModelSummary>,
) -> DocSummary {
    let sparse = |v: &[[u64; 2]]| -> Vec<(u32, u32)> {
        v.iter()
            .enumerate()
            .filter(|(_, c)| c[0] > 0)
            .map(|(i, c)| (i as u32, c[0].min(u32::MAX as u64) as u32))
            .collect()
    };
    DocSummary {
        source: doc.source.as_str().into(),
        story: doc.story.as_deref().map(Into::into),
        variants: sparse(&counts.variants),
        authorial_tokens: counts.authorial_tokens,
        categories: sparse(&counts.categories),
        date: doc
            .date
            .as_deref()
            .and_then(|d| crate::corpus::date::parse_date(d).ok()),
        model,
        group: None,
        linked: Vec::new(),
    }
}

/// Re-analyze one document and return its analyzed text (title + body), for
/// callers that want to show evidence.
///
/// Evidence offsets refer to this text: the title, a blank line, then the
/// body.
///
/// ```
/// use slant::app::analyzed;
/// use slant::corpus::Document;
/// let doc = Document::new("1", "ledger", "Militants attacked the base.")
///     .with_title(" Raid on the base ");
/// assert_eq!(analyzed(&doc), "Raid on the base\n\nMilitants attacked the base.");
/// ```
pub fn analyzed(doc: &Document) -> String {
    let mut s = String::new();
    analyzed_text(doc, &mut s);
    s
}

/// A human-readable listing of a lexicon (for `slant lexicon list`).
///
/// ```
/// use slant::app::describe_lexicon;
/// use slant::lexicon::Lexicon;
/// let lex = Lexicon::from_toml_str("mine.toml", r#"
/// [[family]]
/// id = "armed_group"
/// about = "Labels for a non-state armed group"
/// [[family.variant]]
/// id = "terrorist"
/// tone = -1.0
/// terms = ["terrorists"]
/// "#).unwrap();
/// let text = describe_lexicon(&lex);
/// assert!(text.contains("Families (1):"));
/// assert!(text.contains("armed_group — Labels for a non-state armed group"));
/// assert!(text.contains("Categories (0):"));
/// ```
pub fn describe_lexicon(lex: &Lexicon) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(s, "Lexicon files:");
    for src in &lex.sources {
        let _ = writeln!(
            s,
            "  {} ({}, sha256 {})",
            src.name,
            src.format,
            &src.sha256[..12]
        );
    }
    let _ = writeln!(s, "\nFamilies ({}):", lex.families.len());
    for f in &lex.families {
        let _ = writeln!(s, "  {} — {}", f.id, f.about);
        for v in &f.variants {
            let terms: Vec<String> = v.terms.iter().take(6).map(|t| t.display()).collect();
            let more = v.terms.len().saturating_sub(6);
            let _ = writeln!(
                s,
                "    {:<24} tone {:+.1}  {}{}",
                v.id,
                v.tone,
                terms.join(", "),
                if more > 0 {
                    format!(", … (+{more})")
                } else {
                    String::new()
                }
            );
        }
    }
    let _ = writeln!(s, "\nCategories ({}):", lex.categories.len());
    for c in &lex.categories {
        let _ = writeln!(
            s,
            "  {:<22} {:>5} terms{}  {}",
            c.id,
            c.terms.len(),
            if c.valence { " (valence)" } else { "" },
            c.about
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_waits_for_room_unless_only_the_callers_batch_is_in_flight() {
        let (go, no) = (AtomicBool::new(false), AtomicBool::new(false));
        let b = Budget::new(100);
        assert!(b.reserve(60, 0, &go, &no));
        assert!(b.reserve(30, 60, &go, &no));
        // 20 more do not fit, but the caller's own 90 bytes are all that is
        // in flight: an item larger than what is left still goes on.
        assert!(b.reserve(20, 90, &go, &no));
        assert_eq!(b.peak(), 110);
        // Analyzed: the batch now holds only its 10 bytes of rows.
        b.settle(110, 10);
        // 250 bytes wait until those 10 are written, then run alone.
        std::thread::scope(|s| {
            let reader = s.spawn(|| b.reserve(250, 0, &go, &no));
            b.settle(10, 0);
            assert!(reader.join().unwrap());
        });
        assert_eq!(b.peak(), 250);
        // A closed budget (a worker failed) never makes the reader wait.
        b.close();
        assert!(b.reserve(100, 0, &go, &no));
    }

    /// A reader waiting for room gives up when the run stops (Ctrl-C),
    /// without waiting for the bytes in flight to be written.
    #[test]
    fn a_waiting_reader_stops_with_the_run() {
        let (stop, no) = (AtomicBool::new(false), AtomicBool::new(false));
        let b = Budget::new(100);
        assert!(b.reserve(100, 0, &stop, &no));
        std::thread::scope(|s| {
            let reader = s.spawn(|| b.reserve(1, 0, &stop, &no));
            stop.store(true, Ordering::Relaxed);
            assert!(!reader.join().unwrap());
        });
        // Nothing was reserved for the item dropped.
        b.settle(100, 0);
        assert_eq!(b.lock().0, 0);
        assert_eq!(b.peak(), 100);
        // The run's cancel flag (Ctrl-C, or the caller's) stops it too.
        let (go, cancel) = (AtomicBool::new(false), AtomicBool::new(false));
        assert!(b.reserve(100, 0, &go, &cancel));
        std::thread::scope(|s| {
            let reader = s.spawn(|| b.reserve(1, 0, &go, &cancel));
            cancel.store(true, Ordering::Relaxed);
            assert!(!reader.join().unwrap());
        });
        assert!(go.load(Ordering::Relaxed), "passed on to the run's stop");
    }

    #[test]
    fn a_zero_budget_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let opts = RunOptions {
            inputs: vec![sample_corpus()],
            out_dir: dir.path().join("out"),
            memory_budget: 0,
            ..RunOptions::default()
        };
        let err = analyze(&opts).unwrap_err();
        assert!(
            err.is_usage() && err.to_string().contains("--memory-budget"),
            "{err}"
        );
    }

    /// The real pipeline: however many threads, the bytes in flight stay
    /// within the budget, or one batch when that alone is larger; and the
    /// rows are the same whatever the budget and thread count.
    #[test]
    fn bytes_in_flight_stay_within_the_budget_or_one_batch() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.jsonl");
        let mut jsonl = String::new();
        let mut costs = Vec::new();
        for i in 0..1300 {
            let text = "The rebels said the town fell. ".repeat(1 + i % 13);
            costs.push(doc_cost(&Document::new("", "", text.as_str())));
            let rec = serde_json::json!({"id": i, "source": format!("s{}", i % 3), "text": text});
            jsonl.push_str(&format!("{rec}\n"));
        }
        std::fs::write(&input, jsonl).unwrap();
        // Batches of 256 documents, whatever the budget.
        let batches: Vec<u64> = costs
            .chunks(BATCH_DOCS)
            .map(|c| c.iter().sum::<u64>())
            .collect();
        let largest_batch = *batches.iter().max().unwrap();
        // Room for two batches but not three: the six batches together
        // need far more, so the budget, not the input, bounds the peak.
        let two = 2 * largest_batch + 1;
        assert!(batches.iter().sum::<u64>() > 2 * two);
        let mut outputs = Vec::new();
        for (budget, threads) in [
            (u64::MAX, 3),
            (1, 16),
            (two, 16),
            (two, 4),
            (1, 1),
            (300_000, 2),
        ] {
            let out = dir.path().join(format!("out-{budget}-{threads}"));
            let opts = RunOptions {
                inputs: vec![input.clone()],
                out_dir: out.clone(),
                threads,
                memory_budget: budget,
                extract_only: true,
                ..RunOptions::default()
            };
            let s = analyze(&opts).unwrap();
            assert_eq!(s.analyzed, 1300);
            let peak = s.memory.in_flight_peak_bytes;
            assert!(
                peak <= budget.max(largest_batch),
                "budget {budget}, {threads} threads: peak {peak}"
            );
            if budget == 1 {
                // One batch at a time: the largest one is the peak.
                assert_eq!(peak, largest_batch);
            }
            let read = |f: &str| std::fs::read(out.join(f)).unwrap();
            outputs.push((read("documents.csv"), read("evidence.csv")));
        }
        assert!(outputs.windows(2).all(|w| w[0] == w[1]));
    }
}
