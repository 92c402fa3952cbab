//! The `slant` command-line tool: argument parsing and exit codes only;
//! all work happens in the library (`slant::app`).

use clap::{Args, Parser, Subcommand};
use slant::app::stderr_line;
use slant::app::{self, RunOptions};
use slant::corpus::{Format, ReadOptions};
use slant::estimators::wordfish::ScaleOptions;
use slant::estimators::{EstimatorOptions, Prior};
use slant::features::referents::{LabelOptions, LinkRule};
use slant::features::FeatureOptions;
use slant::report::{CsvStyle, EvidenceLevel};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "slant",
    version,
    about = "Measure how news outlets frame the same events through word choice.",
    long_about = "slant reads a corpus of news articles (a folder of .txt files, a CSV/TSV or a JSONL \
export, optionally gzipped), finds which words each outlet uses for the same referents, \
whether in its own voice or inside quotations, and writes per-source, per-document, per-term \
and evidence reports.\n\nExit codes: 0 success, 1 bad input or usage, 2 internal error, 130 interrupted \
(Ctrl-C, SIGTERM or SIGHUP)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
// Parsed once per process: the size of the largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
enum Command {
    /// Analyse a corpus: features, statistics and all reports.
    #[command(after_help = "Examples:
  slant analyze                                  # the shipped sample corpus, reports in reports/
  slant analyze ../shared/seeds -o seeds-reports # a folder of .txt files (+ manifest.csv)
  slant analyze articles.jsonl.gz --source-col outlet --story-col event_id
  slant analyze labels.csv --text-col text --source-col outlet --threads 2 --quiet
  slant analyze articles.jsonl.gz --stopwords my-stopwords.txt --boilerplate-min-docs 10
  slant analyze train.jsonl.gz --group-col allsides_bias --compare left,right
  slant analyze articles.csv --groups outlet-groups.csv --keep-col topic
  slant analyze articles.csv --compare \"Daily Ledger,Northern Post\"   # two sources
  slant analyze articles.jsonl.gz --period month --min-docs 20   # timeseries.csv, sources with 20+ documents
  slant analyze big.jsonl.gz --evidence none --sentences none   # no per-match or per-sentence files
  slant analyze big.jsonl.gz --evidence all --sentences loaded  # every match; loaded sentences only

evidence.csv and sentences.csv list everything for inputs under 16 MiB on disk; from 16 MiB on,
the family matches only and no sentences, unless --evidence/--sentences say otherwise.")]
    Analyze(Box<AnalyzeArgs>),
    /// Extract features only (documents.csv, rejected.csv, run.json, timings.json; evidence.csv with --evidence).
    #[command(after_help = "Examples:
  slant extract corpus.jsonl.gz -o features/
  slant extract corpus.jsonl.gz -o features/ --no-ngrams --threads 1
  slant extract babe.csv -o features/ --keep-col label_bias --keep-col topic
  slant extract corpus.jsonl.gz -o features/ --evidence families   # evidence.csv: family matches")]
    Extract(ExtractArgs),
    /// Merge partials from `slant extract --partial` into the reports `analyze` of all
    /// their inputs writes (every CSV byte-identical, whatever the order of the partials).
    #[command(after_help = "Examples:
  slant extract shard-1.csv --partial p1.slant
  slant extract shard-2.csv --partial p2.slant
  slant merge p1.slant p2.slant -o reports      # = slant analyze shard-1.csv shard-2.csv -o reports
  slant extract a.csv --source-col outlet --partial a.slant   # the same reading options ...
  slant merge a.slant b.slant --source-col outlet --bootstrap 2000   # ... again at the merge

The reading, lexicon, model, n-gram and boilerplate options must be those given to
extract --partial (merge refuses others and says which differs); the statistics' options
(--bootstrap, --seed, --period, --groups, --min-docs, ...) are free.")]
    Merge(Box<AnalyzeArgs>),
    /// Show the active lexicons or validate lexicon files.
    #[command(subcommand)]
    Lexicon(LexiconCmd),
    /// Work with the labels analyze found (labels.csv): draft a lexicon from them.
    #[command(subcommand)]
    Labels(LabelsCmd),
    /// Train a learned scorer (writes models/*.json with its metrics).
    #[command(subcommand)]
    Train(TrainCmd),
    /// Recompute the cross-validated metrics of the model cards from the
    /// training data; exit 1 if any differs by more than the tolerance.
    #[command(after_help = "Examples:
  slant eval                                   # models/ against ../shared/data
  slant eval --only loaded --tolerance 0.005
  slant eval --only loaded --validation held-out.csv   # figures on other validation data")]
    Eval(EvalArgs),
}

#[derive(Args)]
struct EvalArgs {
    /// Directory with the model files.
    #[arg(long, default_value = "models")]
    model_dir: PathBuf,
    /// Training data of the loaded-language model.
    #[arg(long, default_value = "../shared/data/babe/final_labels_SG2.csv")]
    loaded_data: PathBuf,
    /// Validation sentences of the loaded-language model (checked against
    /// the card when it is the card's file; any other file, such as
    /// held-out years, is scored and its figures printed).
    #[arg(long, default_value = "../shared/data/basil-dev/sentences.csv")]
    validation: PathBuf,
    /// Training data of the outlet-slant model.
    #[arg(long, default_value = "../shared/data/allsides-news/train.jsonl.gz")]
    slant_data: PathBuf,
    /// Largest accepted difference between card and recomputed metric.
    #[arg(long, default_value_t = 0.01)]
    tolerance: f64,
    /// Evaluate only one model.
    #[arg(long, value_parser = ["loaded", "slant"])]
    only: Option<String>,
    /// Worker threads [default: all cores].
    #[arg(long, default_value_t = 0, hide_default_value = true)]
    threads: usize,
}

#[derive(Subcommand)]
enum TrainCmd {
    /// Word-level loaded-language model (BABE-style sentences with marked words).
    #[command(after_help = "Examples:
  slant train loaded --data ../shared/data/babe/final_labels_SG2.csv
  slant train loaded --data labels.csv --text-col sentence --label-col label --positive yes")]
    Loaded(TrainLoadedArgs),
    /// Document-level outlet-slant model (articles labelled by outlet).
    #[command(after_help = "Examples:
  slant train slant --data ../shared/data/allsides-news/train.jsonl.gz --label-col allsides_bias --group-col source
  slant train slant --data articles.csv --label-col lean --group-col outlet --voice all")]
    Slant(TrainSlantArgs),
}

#[derive(Args)]
struct TrainSlantArgs {
    /// Articles labelled left/center/right (CSV/TSV or JSONL; gz ok).
    #[arg(long)]
    data: PathBuf,
    /// Text column.
    #[arg(long, default_value = "text")]
    text_col: String,
    /// Label column (values left, center, right).
    #[arg(long, default_value = "allsides_bias")]
    label_col: String,
    /// Outlet column: validation leaves whole outlets out.
    #[arg(long, default_value = "source")]
    group_col: String,
    /// Features from the authorial voice only, or from all text.
    #[arg(long, default_value = "authorial", value_parser = ["authorial", "all"])]
    voice: String,
    /// Directory for the model file.
    #[arg(long, default_value = "models")]
    model_dir: PathBuf,
    /// Seed for folds and per-outlet sampling.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Also run the nested leave-outlets-out cross-validation.
    #[arg(long)]
    nested: bool,
    /// Model form: `outlet-ridge` (one row per training outlet, ridge
    /// regression of its label) or `multinomial` (article-level logistic
    /// regression, linfa).
    #[arg(long, default_value = "outlet-ridge", value_parser = ["outlet-ridge", "multinomial"])]
    method: String,
    /// L2 strength (repeatable: a grid searched by inner grouped CV)
    /// [default: 0.01, 0.001 and 0.1 for outlet-ridge; 1 for multinomial].
    #[arg(long = "alpha")]
    alphas: Vec<f64>,
    /// Phrases kept (repeatable: a grid) [default: 50000 and 20000 for
    /// outlet-ridge; 5000 for multinomial].
    #[arg(long = "vocab-size")]
    vocab_sizes: Vec<usize>,
    /// Training articles per outlet at most.
    #[arg(long, default_value_t = 300)]
    max_docs_per_outlet: usize,
    /// No source stacker: a source's slant is its documents' mean phrase
    /// slant, without its framing-family scores.
    #[arg(long)]
    no_stack: bool,
    /// Worker threads [default: all cores].
    #[arg(long, default_value_t = 0, hide_default_value = true)]
    threads: usize,
    /// No progress on stderr.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Args)]
struct TrainLoadedArgs {
    /// Labelled sentences (CSV/TSV with sniffed delimiter, or JSONL; gz ok).
    #[arg(long)]
    data: PathBuf,
    /// Text column.
    #[arg(long, default_value = "text")]
    text_col: String,
    /// Label column.
    #[arg(long, default_value = "label_bias")]
    label_col: String,
    /// Label of loaded (biased) sentences.
    #[arg(long, default_value = "Biased")]
    positive: String,
    /// Label whose rows are left out (repeatable).
    #[arg(long = "drop", default_value = "No agreement")]
    drop: Vec<String>,
    /// Column with the words annotators marked in each sentence (a list of
    /// words): the word-level training targets.
    #[arg(long, default_value = "biased_words")]
    word_labels_col: String,
    /// Reference news corpus for the word-rarity features (document
    /// frequencies only, no labels); empty: none.
    #[arg(long, default_value = "../shared/data/allsides-news/train.jsonl.gz")]
    corpus: PathBuf,
    /// Validation sentences from other outlets and years (CSV with text,
    /// lexical_bias, lexical_spans, year), used to choose the L2 strength
    /// and the sentence combiner and for the card's transfer figures, never
    /// to train; empty: none (the first grid values are used).
    #[arg(long, default_value = "../shared/data/basil-dev/sentences.csv")]
    validation: PathBuf,
    /// Directory for the model file.
    #[arg(long, default_value = "models")]
    model_dir: PathBuf,
    /// Seed for every fold split and bootstrap.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Worker threads [default: all cores].
    #[arg(long, default_value_t = 0, hide_default_value = true)]
    threads: usize,
    /// No progress on stderr.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Subcommand)]
enum LabelsCmd {
    /// Draft framing families from a labels.csv: one family per referent, its labels as variants
    /// (tone 0, counts per source in comments), for you to edit and load with --lexicon.
    #[command(after_help = "Examples:
  slant labels suggest reports/labels.csv -o draft.toml
  slant lexicon check draft.toml")]
    Suggest {
        /// The labels.csv written by `slant analyze`.
        input: PathBuf,
        /// Where to write the draft lexicon (TOML).
        #[arg(short, long, value_name = "FILE.toml")]
        out: PathBuf,
        /// Keep labels used at least N times (over all sources and stories).
        #[arg(long, value_name = "N", default_value_t = 2)]
        min_count: u64,
        /// At most N families (the referents with the most labelled mentions).
        #[arg(long, value_name = "N", default_value_t = 20)]
        top: usize,
    },
}

#[derive(Subcommand)]
enum LexiconCmd {
    /// List the active families (with variants and tones) and categories.
    #[command(after_help = "Examples:
  slant lexicon list
  slant lexicon list --lexicon my-families.toml")]
    List {
        /// Extra lexicon files (TOML, word list, VADER-style list, LIWC .dic or LIWC-22 .dicx).
        #[arg(long = "lexicon", value_name = "FILE")]
        lexicons: Vec<PathBuf>,
        /// Do not load the built-in lexicons.
        #[arg(long)]
        no_default_lexicons: bool,
    },
    /// Print every distinct term of the active lexicons, one per line
    /// (wildcard terms as their prefix), e.g. for other tools.
    #[command(after_help = "Examples:
  slant lexicon terms > terms.txt
  slant lexicon terms --no-sentiment")]
    Terms {
        /// Extra lexicon files.
        #[arg(long = "lexicon", value_name = "FILE")]
        lexicons: Vec<PathBuf>,
        /// Do not load the built-in lexicons.
        #[arg(long)]
        no_default_lexicons: bool,
        /// Leave out valence (sentiment) categories.
        #[arg(long)]
        no_sentiment: bool,
    },
    /// Validate lexicon files as `analyze --lexicon FILE…` loads them: each
    /// file on its own (every problem with its line), then all together with
    /// the built-in lexicons (ids must not clash, nor give a report column
    /// twice). Exit 1 on any problem.
    #[command(after_help = "Examples:
  slant lexicon check my-families.toml
  slant lexicon check liwc-style.dic liwc22.dicx hedges.txt
  slant lexicon check --no-default-lexicons my-categories.toml")]
    Check {
        /// Lexicon files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Check them for use without the built-in lexicons (as `analyze
        /// --no-default-lexicons` would load them).
        #[arg(long)]
        no_default_lexicons: bool,
    },
}

/// Options `analyze` and `extract` share: what to read, how, which
/// lexicons, and how to write documents.csv.
#[derive(Args)]
struct CommonArgs {
    /// Input files or folders (default: the sample corpus in data/sample).
    inputs: Vec<PathBuf>,
    /// Output directory [default: `reports` for analyze, `features` for extract]. An existing
    /// one must be empty or hold an earlier run's reports of the same command.
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// Manifest mapping text files to sources (`file,source[,story][,date]`);
    /// a manifest.csv at the top of an input folder is used automatically.
    #[arg(long)]
    manifest: Option<PathBuf>,
    /// CSV of source aliases (`alias,source`), applied to every record
    /// before anything is counted: e.g. a line `Fox Online News,Fox News`
    /// makes both names one source. Case and surrounding spaces are
    /// ignored; run.json counts the records each alias renamed.
    #[arg(long, value_name = "FILE")]
    source_map: Option<PathBuf>,
    /// Column (CSV) or key (JSONL) with the article text [default: text, body, content, article].
    #[arg(long)]
    text_col: Option<String>,
    /// Column with the outlet [default: source, outlet, publisher, site, domain].
    #[arg(long)]
    source_col: Option<String>,
    /// Column with the document id [default: id; else FILE_STEM:RECORD].
    #[arg(long)]
    id_col: Option<String>,
    /// Column with the story / event id [default: story].
    #[arg(long)]
    story_col: Option<String>,
    /// Column with the date [default: date].
    #[arg(long)]
    date_col: Option<String>,
    /// Column with the title [default: title].
    #[arg(long)]
    title_col: Option<String>,
    /// Carry an input column (CSV), key (JSONL) or manifest column (text folders) into
    /// documents.csv, as an extra column at the end named after it; repeatable. A record
    /// without a value gets an empty cell. Example: --keep-col label_bias --keep-col topic
    #[arg(long = "keep-col", value_name = "COL")]
    keep_cols: Vec<String>,
    /// CSV delimiter (one character; `\t` for tab) [default: sniffed].
    #[arg(long)]
    delimiter: Option<String>,
    /// Write documents, evidence and sentences as typed Parquet files (`documents.parquet`, …)
    /// instead of CSV; the other reports stay CSV.
    #[arg(long, value_name = "FORMAT", value_parser = ["csv", "parquet"], default_value = "csv")]
    output_format: String,
    /// Input format instead of guessing from the extension.
    #[arg(long, value_parser = ["text", "csv", "jsonl", "parquet"])]
    format: Option<String>,
    /// Extra lexicon file (repeatable): TOML, word list, VADER-style list, LIWC .dic or LIWC-22 .dicx.
    #[arg(long = "lexicon", value_name = "FILE")]
    lexicons: Vec<PathBuf>,
    /// Do not load the built-in lexicons.
    #[arg(long)]
    no_default_lexicons: bool,
    /// Skip uni/bigram counting (lexicon features only; faster).
    #[arg(long)]
    no_ngrams: bool,
    /// Do not repair mojibake.
    #[arg(long)]
    no_repair: bool,
    /// Follow symlinks in input folders that lead outside the folder (by
    /// default they are skipped and listed in run.json).
    #[arg(long)]
    follow_symlinks: bool,
    /// Largest document accepted, in bytes (title + text; at most 256 MiB).
    #[arg(long, default_value_t = 10 * 1024 * 1024)]
    max_doc_bytes: usize,
    /// Words longer than this (bytes) are left out of the n-gram counts
    /// (URLs, base64, runs without spaces); the document is still analysed.
    #[arg(long, default_value_t = 64)]
    max_token_bytes: usize,
    /// Write CSV text cells exactly as found (no spreadsheet formula guard).
    #[arg(long)]
    csv_raw: bool,
    /// Worker threads (at most 1024) [default: all cores]. With 1 the whole run (reading,
    /// analysis, writing) is on one thread; with more, an extra thread reads the input.
    #[arg(long, default_value_t = 0, hide_default_value = true)]
    threads: usize,
    /// Memory for documents in flight (read, being analysed, rows not yet written), e.g.
    /// 512M or 2G (K, M, G: powers of 1024; a plain number is bytes). The reader waits when
    /// it is used up (a larger document still runs, once the others are written). Peak memory
    /// follows this, not the thread count.
    #[arg(long, default_value = "1G", value_parser = parse_size)]
    memory_budget: u64,
    /// No progress, rejection or date warnings on stderr.
    #[arg(short, long)]
    quiet: bool,
}

/// `extract`: the shared options and evidence.csv on request.
#[derive(Args)]
struct ExtractArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// What evidence.csv lists, each match with its context: none (no file), families
    /// (framing-family matches only) or all (category matches too); `--evidence` alone is
    /// `--evidence all` [default: none; with --partial, as analyze chooses].
    #[arg(long, value_name = "LEVEL", num_args = 0..=1,
        default_missing_value = "all", value_parser = ["none", "families", "all"])]
    evidence: Option<String>,
    /// Also list sentiment-valence matches in evidence.csv (with --evidence all).
    #[arg(long)]
    evidence_sentiment: bool,
    /// Write one partial FILE for `slant merge` instead of feature files: everything
    /// `analyze` needs from these inputs (rows, summaries, counts, models' scores), so that
    /// merging the partials of all shards gives the reports `analyze` of all of them gives.
    /// Give `merge` the same reading, lexicon, model and n-gram options.
    #[arg(long, value_name = "FILE", conflicts_with = "out")]
    partial: Option<PathBuf>,
    #[command(flatten)]
    partial_opts: PartialArgs,
}

/// The options of `analyze` that change what is extracted, for
/// `extract --partial`.
#[derive(Args)]
struct PartialArgs {
    /// With --partial: what sentences.csv will list (as analyze's --sentences).
    #[arg(long, value_name = "LEVEL", value_parser = ["none", "loaded", "all"])]
    sentences: Option<String>,
    /// With --partial: as analyze's --boilerplate-min-docs [default: 5].
    #[arg(long, value_name = "N")]
    boilerplate_min_docs: Option<u64>,
    /// With --partial: as analyze's --model-dir.
    #[arg(long)]
    model_dir: Option<PathBuf>,
    /// With --partial: as analyze's --no-models.
    #[arg(long)]
    no_models: bool,
    /// With --partial: as analyze's --group-col.
    #[arg(long, value_name = "COL")]
    group_col: Option<String>,
    /// With --partial: as analyze's --no-labels (no referents and labels counted).
    #[arg(long)]
    no_labels: bool,
}

/// `analyze`: the shared options, the statistics and the learned models.
#[derive(Args)]
struct AnalyzeArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// What evidence.csv lists, each match with its context: none (no file), families
    /// (framing-family matches only) or all (category matches too: hedges, attribution
    /// verbs, sentiment, ...; and the words the loaded-language model reads as loaded);
    /// `--evidence` alone is `--evidence all` [default: all for inputs under 16 MiB on disk,
    /// families from 16 MiB on].
    #[arg(long, value_name = "LEVEL", num_args = 0..=1, default_missing_value = "all",
        value_parser = ["none", "families", "all"])]
    evidence: Option<String>,
    /// Also list sentiment-valence matches in evidence.csv (with every category match:
    /// --evidence all, which it implies when --evidence is not given).
    #[arg(long)]
    evidence_sentiment: bool,
    /// What sentences.csv (the loaded-language model's reading of each sentence) lists: none
    /// (no file), loaded (the sentences it decides are loaded) or all [default: all for
    /// inputs under 16 MiB on disk, none from 16 MiB on].
    #[arg(long, value_name = "LEVEL", value_parser = ["none", "loaded", "all"])]
    sentences: Option<String>,
    /// Seed for the bootstrap (same seed and input: same numbers).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Bootstrap replicates for intervals (at most 100000).
    #[arg(long, default_value_t = 1000)]
    bootstrap: usize,
    /// Dirichlet prior strength for family scores (pseudo-matches in pooled proportions).
    #[arg(long, default_value_t = 2.0)]
    prior_strength: f64,
    /// Authorial matches a source needs for a family score.
    #[arg(long, default_value_t = 3)]
    min_matches: u64,
    /// Log-odds prior: informative (pooled frequencies) or uniform.
    #[arg(long, default_value = "informative", value_parser = ["informative", "uniform"])]
    prior: String,
    /// α₀ of the log-odds prior for n-grams.
    #[arg(long, default_value_t = 1000.0)]
    alpha0: f64,
    /// α₀ of the log-odds prior for family variants.
    #[arg(long, default_value_t = 10.0)]
    family_alpha0: f64,
    /// Use the exact variance of δ (adds the complement terms).
    #[arg(long)]
    exact_variance: bool,
    /// Pooled count an n-gram needs to be tested.
    #[arg(long, default_value_t = 5)]
    min_count: u64,
    /// N-grams kept per source and order in terms.csv.
    #[arg(long, default_value_t = 30)]
    top_terms: usize,
    /// Write every tested n-gram to terms.csv.
    #[arg(long)]
    all_terms: bool,
    /// Authorial tokens a source needs for its n-grams to be tested in terms.csv (smaller
    /// sources still count in the others' "rest"; run.json says how many were left out).
    #[arg(long, default_value_t = 50)]
    min_source_tokens: u64,
    /// Stop-word list (one word per line, # comments): n-grams with one of these words are
    /// left out of terms.csv.
    #[arg(long, value_name = "FILE")]
    stopwords: Option<PathBuf>,
    /// Boilerplate: a sentence whose words recur in at least N documents of a source (and in at
    /// least 1% of its documents) is left out of the n-grams of terms.csv, and so is a sentence
    /// that opens with site furniture ("JUST WATCHED", "Hide Caption", "Photos:"); both are
    /// listed in boilerplate.csv. 0 keeps every sentence.
    #[arg(long, value_name = "N", default_value_t = 5)]
    boilerplate_min_docs: u64,
    /// Do not find referents and their labels (no labels.csv).
    #[arg(long)]
    no_labels: bool,
    /// The rules that link a label to its referent in labels.csv, comma-separated: title,
    /// premodifier, apposition, copula, anaphora, salience (default: all).
    #[arg(
        long,
        value_name = "RULES",
        value_delimiter = ',',
        default_value = "title,premodifier,apposition,copula,anaphora,salience"
    )]
    label_rules: Vec<String>,
    /// Directory with learned models [default: models/ here, else in the source checkout].
    #[arg(long)]
    model_dir: Option<PathBuf>,
    /// Do not apply the learned models (no model columns, no sentences.csv).
    #[arg(long)]
    no_models: bool,
    /// Scale the sources on one dimension with Wordfish (unsupervised, from their word
    /// counts): writes scaling.csv (position, bootstrap SE and interval per source) and
    /// scaling_words.csv (each word's weight). Example: --scale --scale-anchor "Daily
    /// Ledger,Northern Post" --scale-min-docs 5
    #[arg(long)]
    scale: bool,
    /// With --scale: two sources, LEFT,RIGHT, that fix the direction (LEFT gets the lower
    /// position) [default: the first source in name order is left of the last].
    #[arg(long, value_name = "LEFT,RIGHT", requires = "scale")]
    scale_anchor: Option<String>,
    /// With --scale: documents a source needs to be scaled.
    #[arg(long, default_value_t = 20, requires = "scale")]
    scale_min_docs: u64,
    /// With --scale: the most frequent authorial words used (among those two or more
    /// scaled sources use).
    #[arg(long, default_value_t = 2000, requires = "scale")]
    scale_words: usize,
    /// With --scale: parametric bootstrap replicates for the standard errors.
    #[arg(long, default_value_t = 100, requires = "scale")]
    scale_bootstrap: usize,
    /// Group the sources by the value of this column (CSV), key (JSONL) or manifest column:
    /// writes groups.csv (every per-source score per group) and comparisons.csv (each pair
    /// of groups' differences with bootstrap intervals over sources and documents). A
    /// source whose documents disagree goes in its most frequent value. Example:
    /// --group-col allsides_bias
    #[arg(long, value_name = "COL", conflicts_with = "groups")]
    group_col: Option<String>,
    /// CSV with the columns `source,group` (names after --source-map): the groups of
    /// --group-col, from a file. Unlisted sources have no group. Example: --groups bias.csv
    #[arg(long, value_name = "FILE")]
    groups: Option<PathBuf>,
    /// Compare only these two groups, or two sources (without groups, or when the names
    /// are not groups): comparisons.csv holds this pair only. Example: --compare left,right
    #[arg(long, value_name = "A,B")]
    compare: Option<String>,
    // Issue 22, time and source selection (`--period`, `--min-docs`).
    /// Follow the measures over time: timeseries.csv with every family score, category rate
    /// and learned-score mean per calendar period (ISO week, month, quarter or year of the
    /// documents' dates) and source, a pooled row per period, bootstrap intervals, and a
    /// time section with line charts in report.html. Documents without a usable date are
    /// left out of it (run.json: timeseries). Example: --period month
    #[arg(long, value_name = "PERIOD", value_parser = ["week", "month", "quarter", "year"])]
    period: Option<String>,
    /// Leave sources with fewer than N analysed documents out of the per-source reports
    /// (sources.csv, sources_long.csv, families.csv, terms.csv, timeseries.csv and the
    /// charts); they still count in the pooled figures, and run.json (min_docs) names them.
    /// Example: --min-docs 20
    #[arg(long, value_name = "N", default_value_t = 1)]
    min_docs: u64,
}

impl CommonArgs {
    /// Run options with these settings; the statistics and models keep
    /// their defaults (`extract` uses neither). `default_out`: the output
    /// directory without `-o`.
    fn into_options(self, default_out: &str) -> anyhow::Result<RunOptions> {
        let delimiter = match self.delimiter.as_deref() {
            None => None,
            Some("\\t") | Some("tab") => Some(b'\t'),
            Some(d) if d.len() == 1 => Some(d.as_bytes()[0]),
            Some(d) => {
                return Err(slant::Error::usage(format!(
                    "--delimiter must be one ASCII character, got {d:?}"
                ))
                .into())
            }
        };
        let format = self.format.as_deref().map(|f| match f {
            "csv" => Format::Csv,
            "jsonl" => Format::Jsonl,
            "parquet" => Format::Parquet,
            _ => Format::Text,
        });
        let inputs = if self.inputs.is_empty() {
            vec![app::sample_corpus()]
        } else {
            self.inputs
        };
        Ok(RunOptions {
            inputs,
            out_dir: self.out.clone().unwrap_or_else(|| default_out.into()),
            read: ReadOptions {
                text_col: self.text_col,
                source_col: self.source_col,
                id_col: self.id_col,
                story_col: self.story_col,
                date_col: self.date_col,
                title_col: self.title_col,
                manifest: self.manifest,
                delimiter,
                format,
                max_doc_bytes: self.max_doc_bytes,
                repair: !self.no_repair,
                follow_symlinks: self.follow_symlinks,
                keep_cols: self.keep_cols,
                group_col: None,
                source_map: match self.source_map.as_deref() {
                    None => None,
                    Some(p) => Some(slant::corpus::SourceMap::from_path(p).map_err(|e| {
                        // As a failure while reading would say it.
                        let cmd = if default_out == "features" {
                            "extract"
                        } else {
                            "analyze"
                        };
                        let out = self.out.clone().unwrap_or_else(|| default_out.into());
                        anyhow::Error::new(e)
                            .context(format!("{cmd} failed; {}", left_as_it_was(&out)))
                    })?),
                },
            },
            features: FeatureOptions {
                ngrams: !self.no_ngrams,
                max_token_bytes: self.max_token_bytes,
                // extract writes no terms.csv: no boilerplate to find
                // (analyze sets its own).
                boilerplate_min_docs: 0,
                referents: false,
            },
            lexicons: self.lexicons,
            no_default_lexicons: self.no_default_lexicons,
            threads: self.threads,
            memory_budget: self.memory_budget,
            csv: CsvStyle { raw: self.csv_raw },
            output_format: level(&self.output_format)?,
            quiet: self.quiet,
            progress: !self.quiet,
            ..RunOptions::default()
        })
    }
}

impl ExtractArgs {
    fn into_options(self) -> anyhow::Result<RunOptions> {
        if self.partial.is_some() {
            let evidence = self.evidence.as_deref().map(level).transpose()?;
            check_sentiment(self.evidence_sentiment, evidence)?;
            let p = self.partial_opts;
            let mut common = self.common.into_options("features")?;
            common.read.group_col = p.group_col;
            return Ok(RunOptions {
                features: FeatureOptions {
                    boilerplate_min_docs: p.boilerplate_min_docs.unwrap_or(5),
                    referents: !p.no_labels,
                    ..common.features.clone()
                },
                evidence,
                evidence_valence: self.evidence_sentiment,
                sentences: p.sentences.as_deref().map(level).transpose()?,
                extract_only: false,
                model_dir: p.model_dir,
                no_models: p.no_models,
                ..common
            });
        }
        let p = &self.partial_opts;
        for (given, flag) in [
            (p.sentences.is_some(), "--sentences"),
            (p.boilerplate_min_docs.is_some(), "--boilerplate-min-docs"),
            (p.model_dir.is_some(), "--model-dir"),
            (p.no_models, "--no-models"),
            (p.group_col.is_some(), "--group-col"),
            (p.no_labels, "--no-labels"),
        ] {
            if given {
                return Err(slant::Error::usage(format!(
                    "{flag} is for analyze's reports: extract takes it with --partial FILE only"
                ))
                .into());
            }
        }
        if self.evidence_sentiment && self.evidence.is_none() {
            return Err(slant::Error::usage(
                "--evidence-sentiment lists category matches: it needs --evidence all",
            )
            .into());
        }
        let evidence = level(self.evidence.as_deref().unwrap_or("none"))?;
        check_sentiment(self.evidence_sentiment, Some(evidence))?;
        Ok(RunOptions {
            evidence: Some(evidence),
            evidence_valence: self.evidence_sentiment,
            // No models: no sentences.csv.
            sentences: Some(slant::report::SentenceLevel::None),
            extract_only: true,
            ..self.common.into_options("features")?
        })
    }
}

impl AnalyzeArgs {
    fn into_options(self) -> anyhow::Result<RunOptions> {
        for (name, v) in [
            ("--prior-strength", self.prior_strength),
            ("--alpha0", self.alpha0),
            ("--family-alpha0", self.family_alpha0),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(slant::Error::usage(format!(
                    "{name} must be a finite number >= 0, got {v}"
                ))
                .into());
            }
        }
        if self.alpha0 == 0.0 || self.family_alpha0 == 0.0 {
            return Err(slant::Error::usage("--alpha0 and --family-alpha0 must be > 0").into());
        }
        let scale_anchor = match self.scale_anchor.as_deref().map(|a| a.split_once(',')) {
            None => None,
            Some(Some((l, r))) if !l.trim().is_empty() && !r.trim().is_empty() => {
                Some((l.trim().to_string(), r.trim().to_string()))
            }
            Some(_) => {
                return Err(slant::Error::usage(
                    "--scale-anchor takes two source names: LEFT,RIGHT",
                )
                .into())
            }
        };
        if self.scale && (self.scale_words < 2 || self.scale_bootstrap > 10_000) {
            return Err(slant::Error::usage(
                "--scale-words must be at least 2 and --scale-bootstrap at most 10000",
            )
            .into());
        }
        let scale = self.scale.then_some(ScaleOptions {
            min_docs: self.scale_min_docs,
            max_words: self.scale_words,
            bootstrap: self.scale_bootstrap,
            anchor: scale_anchor,
        });
        let evidence = self.evidence.as_deref().map(level).transpose()?;
        check_sentiment(self.evidence_sentiment, evidence)?;
        let compare = match self.compare.as_deref().map(|c| c.split_once(',')) {
            None => None,
            Some(Some((a, b))) if !a.trim().is_empty() && !b.trim().is_empty() => {
                if a.trim() == b.trim() {
                    return Err(slant::Error::usage(format!(
                        "--compare needs two different names, got `{}` twice",
                        a.trim()
                    ))
                    .into());
                }
                Some((a.trim().to_string(), b.trim().to_string()))
            }
            Some(_) => {
                return Err(
                    slant::Error::usage("--compare takes two group or source names: A,B").into(),
                )
            }
        };
        let group_map = match self.groups.as_deref() {
            None => None,
            Some(p) => Some(slant::corpus::GroupMap::from_path(p).map_err(|e| {
                let out = self.common.out.clone().unwrap_or_else(|| "reports".into());
                anyhow::Error::new(e).context(format!("analyze failed; {}", left_as_it_was(&out)))
            })?),
        };
        let mut common = self.common.into_options("reports")?;
        common.read.group_col = self.group_col;
        Ok(RunOptions {
            features: FeatureOptions {
                boilerplate_min_docs: self.boilerplate_min_docs,
                referents: !self.no_labels,
                ..common.features.clone()
            },
            labels: LabelOptions {
                rules: self
                    .label_rules
                    .iter()
                    .filter(|r| !r.trim().is_empty())
                    .map(|r| {
                        LinkRule::parse(r.trim()).ok_or_else(|| {
                            slant::Error::usage(format!(
                                "--label-rules: unknown rule '{r}' (title, premodifier, apposition, copula, anaphora, salience)"
                            ))
                        })
                    })
                    .collect::<Result<_, _>>()?,
                ..LabelOptions::default()
            },
            estimators: EstimatorOptions {
                seed: self.seed,
                bootstrap: self.bootstrap,
                prior_strength: self.prior_strength,
                min_matches: self.min_matches,
                prior: if self.prior == "uniform" {
                    Prior::Uniform
                } else {
                    Prior::Informative
                },
                alpha0: self.alpha0,
                family_alpha0: self.family_alpha0,
                exact_variance: self.exact_variance,
                min_count: self.min_count,
                top_terms: self.top_terms,
                all_terms: self.all_terms,
                min_source_tokens: self.min_source_tokens,
                stopwords: Vec::new(),
            },
            stopwords: self.stopwords,
            evidence,
            evidence_valence: self.evidence_sentiment,
            sentences: self.sentences.as_deref().map(level).transpose()?,
            extract_only: false,
            model_dir: self.model_dir,
            no_models: self.no_models,
            scale,
            group_map,
            compare,
            period: match self.period.as_deref() {
                None => None,
                Some(p) => Some(p.parse().map_err(slant::Error::usage)?),
            },
            min_docs: self.min_docs,
            ..common
        })
    }
}

/// A level of `--evidence` or `--sentences` (clap has checked the name).
fn level<T: std::str::FromStr<Err = String>>(s: &str) -> anyhow::Result<T> {
    s.parse().map_err(|e: String| slant::Error::usage(e).into())
}

/// `--evidence-sentiment` lists category matches: refused with a level
/// that lists none.
fn check_sentiment(sentiment: bool, evidence: Option<EvidenceLevel>) -> anyhow::Result<()> {
    match evidence {
        Some(l) if sentiment && l != EvidenceLevel::All => Err(slant::Error::usage(format!(
            "--evidence-sentiment lists category matches: it needs --evidence all, not --evidence {l}"
        ))
        .into()),
        _ => Ok(()),
    }
}

/// A byte size: a number with an optional K, M or G (powers of 1024; `B`,
/// `iB` and lower case accepted), more than zero.
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(digits);
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err(format!("{s:?}: expected a size such as 512M or 2G")),
    };
    match num.parse::<u64>() {
        Ok(n) if n > 0 && n.leading_zeros() >= shift => Ok(n << shift),
        _ => Err(format!("{s:?}: expected a size above 0 such as 512M or 2G")),
    }
}

fn set_threads(threads: usize) {
    if threads > 0 {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global();
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Train(TrainCmd::Loaded(a)) => {
            set_threads(a.threads);
            let some = |p: PathBuf| Some(p).filter(|p| !p.as_os_str().is_empty());
            let opts = slant::scorers::train::TrainLoadedOptions {
                data: a.data,
                spec: slant::scorers::data::LabelSpec {
                    text_col: a.text_col,
                    label_col: a.label_col,
                    group_col: Some(a.word_labels_col).filter(|c| !c.is_empty()),
                    drop_labels: a.drop,
                },
                positive: a.positive,
                params: slant::scorers::loaded::LoadedParams {
                    seed: a.seed,
                    ..Default::default()
                },
                corpus: some(a.corpus),
                validation: some(a.validation),
                model_dir: a.model_dir,
                progress: (!a.quiet).then_some(stderr_line as fn(&str)),
            };
            slant::scorers::train::train_loaded(&opts)?;
            Ok(())
        }
        Command::Eval(a) => {
            set_threads(a.threads);
            let mut checks = Vec::new();
            if a.only.as_deref() != Some("slant") {
                let p = a.model_dir.join(slant::scorers::loaded::FILE_NAME);
                let validation = if a.validation.is_file() {
                    Some(a.validation.as_path())
                } else {
                    println!(
                        "{}: not found; the loaded-language validation figures are not checked",
                        a.validation.display()
                    );
                    None
                };
                let (c, other) =
                    slant::scorers::train::eval_loaded(&p, &a.loaded_data, validation)?;
                checks.extend(c);
                if let Some(v) = other {
                    println!(
                        "{} (not the card's validation file; not compared)",
                        slant::scorers::train::validation_line(&v)
                    );
                    for (year, rows, pos, auc) in &v.by_year {
                        println!("  {year}: {rows} rows, {pos} loaded, ROC-AUC {auc:.4}");
                    }
                }
            }
            if a.only.as_deref() != Some("loaded") {
                let p = a.model_dir.join(slant::scorers::outlet::FILE_NAME);
                checks.extend(slant::scorers::train::eval_slant(&p, &a.slant_data)?);
            }
            let mut bad = 0;
            for c in &checks {
                let ok = c.ok(a.tolerance);
                bad += !ok as usize;
                print_stdout(&format!(
                    "{:<48} card {:>8.4}  recomputed {:>8.4}  {}\n",
                    c.name,
                    c.card,
                    c.recomputed,
                    if ok { "ok" } else { "DIFFERS" }
                ))?;
            }
            if bad > 0 {
                return Err(slant::Error::usage(format!(
                    "{bad} of {} metrics differ from the model cards by more than {}",
                    checks.len(),
                    a.tolerance
                ))
                .into());
            }
            print_stdout(&format!(
                "{} metrics match the model cards (tolerance {})\n",
                checks.len(),
                a.tolerance
            ))
        }
        Command::Train(TrainCmd::Slant(a)) => {
            set_threads(a.threads);
            let opts = slant::scorers::train::TrainSlantOptions {
                data: a.data,
                spec: slant::scorers::data::LabelSpec {
                    text_col: a.text_col,
                    label_col: a.label_col,
                    group_col: Some(a.group_col),
                    drop_labels: vec![],
                },
                params: {
                    use slant::scorers::outlet::{OutletMethod, OutletParams};
                    let base = OutletParams::for_method(if a.method == "multinomial" {
                        OutletMethod::Multinomial
                    } else {
                        OutletMethod::OutletRidge
                    });
                    OutletParams {
                        seed: a.seed,
                        alphas: if a.alphas.is_empty() {
                            base.alphas.clone()
                        } else {
                            a.alphas
                        },
                        vocab_sizes: if a.vocab_sizes.is_empty() {
                            base.vocab_sizes.clone()
                        } else {
                            a.vocab_sizes
                        },
                        max_docs_per_group: a.max_docs_per_outlet,
                        stack: if a.no_stack { None } else { base.stack.clone() },
                        voice: if a.voice == "all" {
                            slant::scorers::textfeat::VoiceFilter::All
                        } else {
                            slant::scorers::textfeat::VoiceFilter::Authorial
                        },
                        ..base
                    }
                },
                model_dir: a.model_dir,
                nested: a.nested,
                progress: (!a.quiet).then_some(stderr_line as fn(&str)),
            };
            slant::scorers::train::train_slant(&opts)?;
            Ok(())
        }
        Command::Analyze(args) => run_analysis((*args).into_options()?),
        Command::Extract(args) => match args.partial.clone() {
            Some(file) => run_partial(args.into_options()?, &file),
            None => run_analysis(args.into_options()?),
        },
        Command::Merge(args) => {
            if args.common.inputs.is_empty() {
                return Err(slant::Error::usage("merge needs the partial files to merge").into());
            }
            run_merge((*args).into_options()?)
        }
        Command::Lexicon(LexiconCmd::List {
            lexicons,
            no_default_lexicons,
        }) => {
            let lex = app::load_lexicon(&lexicons, no_default_lexicons)?;
            print_stdout(&app::describe_lexicon(&lex))
        }
        Command::Lexicon(LexiconCmd::Terms {
            lexicons,
            no_default_lexicons,
            no_sentiment,
        }) => {
            let lex = app::load_lexicon(&lexicons, no_default_lexicons)?;
            let mut terms = std::collections::BTreeSet::new();
            for f in &lex.families {
                for v in &f.variants {
                    terms.extend(v.terms.iter().map(|t| t.text.clone()));
                }
            }
            for c in lex
                .categories
                .iter()
                .filter(|c| !(no_sentiment && c.valence))
            {
                terms.extend(c.terms.iter().map(|t| t.text.clone()));
            }
            let mut out = String::new();
            for t in terms {
                out.push_str(&t);
                out.push('\n');
            }
            print_stdout(&out)
        }
        Command::Labels(LabelsCmd::Suggest {
            input,
            out,
            min_count,
            top,
        }) => {
            let toml = app::suggest_lexicon(&input, min_count, top)?;
            std::fs::write(&out, toml).map_err(|e| slant::Error::io(&out, e))?;
            Ok(())
        }
        Command::Lexicon(LexiconCmd::Check {
            files,
            no_default_lexicons,
        }) => {
            let mut bad = 0;
            for f in &files {
                match slant::lexicon::Lexicon::from_path(f) {
                    Ok(l) => print_stdout(&format!(
                        "{}: ok ({} families, {} categories, {} terms)\n",
                        f.display(),
                        l.families.len(),
                        l.categories.len(),
                        l.n_terms()
                    ))?,
                    Err(e) => {
                        bad += 1;
                        stderr_line(&e.to_string());
                    }
                }
            }
            if bad > 0 {
                return Err(slant::Error::usage(format!(
                    "{bad} of {} lexicon file(s) have problems",
                    files.len()
                ))
                .into());
            }
            // Together, through the loader `analyze` and `extract` use, so
            // that what passes here is what they accept.
            if let Err(e) = app::load_lexicon(&files, no_default_lexicons) {
                let hint = if !no_default_lexicons && app::load_lexicon(&files, true).is_ok() {
                    " (they load without the built-in lexicons: check and run with \
                     --no-default-lexicons to use them instead)"
                } else {
                    ""
                };
                return Err(anyhow::Error::new(e).context(format!(
                    "the lexicon file(s) cannot be used together{}{hint}",
                    if no_default_lexicons {
                        ""
                    } else {
                        " with the built-in lexicons"
                    }
                )));
            }
            Ok(())
        }
    }
}

/// Print to stdout, the output of a command that prints its result. A
/// closed pipe (`slant lexicon terms | head`) is not an error: the reader
/// has what it wanted. Any other write error (a full disk) is, since the
/// output would be incomplete.
fn print_stdout(s: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(slant::Error::io("standard output", e).into())
        }
        _ => Ok(()),
    }
}

/// What a failed run left in its output directory, which it never touches
/// unless the error says otherwise.
fn left_as_it_was(out: &Path) -> String {
    if out.join("run.json").is_file() {
        format!("reports in {} left as they were", out.display())
    } else if out.is_dir() {
        format!("{} left as it was", out.display())
    } else {
        format!("no reports written to {}", out.display())
    }
}

/// `extract --partial FILE`: the partial, written whole or not at all.
fn run_partial(opts: RunOptions, file: &std::path::Path) -> anyhow::Result<()> {
    let fail = |e: slant::Error| {
        anyhow::Error::new(e).context(format!("extract failed; {} not written", file.display()))
    };
    let bytes = slant::app::extract_partial(&opts).map_err(fail)?;
    let mut tmp = file.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, &bytes)
        .and_then(|_| std::fs::rename(&tmp, file))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            fail(slant::Error::io(file, e))
        })?;
    if !opts.quiet {
        stderr_line(&format!(
            "slant: partial of {} input(s) in {} ({} bytes); merge with `slant merge`",
            opts.inputs.len(),
            file.display(),
            bytes.len()
        ));
    }
    Ok(())
}

/// `merge PARTIAL... -o DIR`: the partials' reports, as `analyze` of their
/// inputs would write them.
fn run_merge(opts: RunOptions) -> anyhow::Result<()> {
    let out = opts.out_dir.clone();
    let fail = |e: slant::Error| {
        let state = left_as_it_was(&out);
        anyhow::Error::new(e).context(format!("merge failed; {state}"))
    };
    let mut partials = Vec::with_capacity(opts.inputs.len());
    for p in &opts.inputs {
        let bytes = std::fs::read(p).map_err(|e| fail(slant::Error::io(p, e)))?;
        partials.push((p.display().to_string(), bytes));
    }
    let s = slant::app::partial::merge_named(partials, &opts).map_err(fail)?;
    if !opts.quiet {
        stderr_line(&format!(
            "slant: {} partial(s) merged: {} read, {} analysed, {} rejected, {} sources; reports in {}",
            opts.inputs.len(),
            s.read,
            s.analysed,
            s.rejected,
            s.sources,
            out.display()
        ));
    }
    Ok(())
}

fn run_analysis(mut opts: RunOptions) -> anyhow::Result<()> {
    // Test hook (not a user option), see `RunOptions::fail_after_docs`.
    opts.fail_after_docs = std::env::var("SLANT_FAIL_AFTER_DOCS")
        .ok()
        .and_then(|v| v.trim().parse().ok());
    let (quiet, out) = (opts.quiet, opts.out_dir.clone());
    let cmd = if opts.extract_only {
        "extract"
    } else {
        "analyze"
    };
    let s = match app::analyze(&opts) {
        Ok(s) => s,
        // A commit that failed halfway says itself where the reports are.
        Err(e) if matches!(e.kind(), slant::ErrorKind::Commit { .. }) => {
            return Err(anyhow::Error::new(e).context(format!("{cmd} failed")))
        }
        Err(e) => {
            let state = left_as_it_was(&out);
            return Err(anyhow::Error::new(e).context(format!("{cmd} failed; {state}")));
        }
    };
    if !quiet {
        let skipped = match s.skipped {
            0 => String::new(),
            n => format!(", {n} skipped (run.json lists them)"),
        };
        stderr_line(&format!(
            "slant: {} read, {} analysed, {} rejected{skipped}, {} sources; reports in {}",
            s.read,
            s.analysed,
            s.rejected,
            s.sources,
            out.display()
        ));
    }
    Ok(())
}

/// An error and its causes on one line, each cause once: a cause whose
/// text the message above it already holds (`path: os error`) is left out.
fn describe(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if !parts.last().is_some_and(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

/// Make glibc's malloc give large freed blocks back to the system.
///
/// By default glibc raises its mmap threshold to the size of each large
/// block freed (up to 32 MiB), after which such blocks come from per-thread
/// arenas, which keep freed memory: every worker thread that once analysed
/// a large document would go on holding a document's worth of buffers, and
/// peak memory would grow with the thread count (24 documents of 10 MB:
/// 2.7 GB with 16 threads against 1.2 GB with 2, under the same
/// `--memory-budget`). A fixed threshold stops that adjustment: blocks of
/// 4 MiB and more are mapped on their own and unmapped when freed. (Smaller
/// blocks freed after a large document are trimmed by the library.)
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn return_large_blocks_to_the_system() {
    use std::os::raw::c_int;
    extern "C" {
        fn mallopt(param: c_int, value: c_int) -> c_int;
    }
    const M_MMAP_THRESHOLD: c_int = -3;
    // SAFETY: `mallopt` only tunes glibc's allocator; it is called once,
    // before any other thread exists, with a documented parameter and an
    // in-range value (at most 32 MiB).
    unsafe {
        mallopt(M_MMAP_THRESHOLD, 4 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_large_blocks_to_the_system() {}

fn main() -> ExitCode {
    return_large_blocks_to_the_system();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // Ctrl-C, SIGTERM and SIGHUP (the `termination` feature).
    let _ = ctrlc::set_handler(|| {
        // First signal: stop cleanly (every phase checks the flag; the
        // staging directory is removed). A second one: leave at once, but
        // not in the middle of moving reports into place; the next run
        // removes the staging directory.
        if app::INTERRUPTED.swap(true, std::sync::atomic::Ordering::SeqCst) {
            let _hold = slant::report::Staging::block_commits();
            stderr_line("slant: quitting at once");
            std::process::exit(130);
        }
        stderr_line("slant: stopping (interrupt again to quit at once)");
    });
    match std::panic::catch_unwind(|| run(cli)) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            stderr_line(&format!("slant: error: {}", describe(&e)));
            let ours = || e.chain().filter_map(|c| c.downcast_ref::<slant::Error>());
            let usage = ours().any(slant::Error::is_usage);
            let interrupted = ours().any(|e| matches!(e.kind(), slant::ErrorKind::Interrupted));
            ExitCode::from(if usage {
                1
            } else if interrupted {
                130
            } else {
                2
            })
        }
        Err(_) => {
            stderr_line("slant: internal error (a bug: please report it with the command you ran)");
            ExitCode::from(2)
        }
    }
}
