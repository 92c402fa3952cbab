//! The subcommands and the arguments of `train`, `eval`, `labels` and `lexicon`.

use super::options::{AnalyzeArgs, ExtractArgs};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

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
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
// Parsed once per process: the size of the largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Command {
    /// Analyze a corpus: features, statistics and all reports.
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
pub(crate) struct EvalArgs {
    /// Directory with the model files.
    #[arg(long, default_value = "models")]
    pub(crate) model_dir: PathBuf,
    /// Training data of the loaded-language model.
    #[arg(long, default_value = "../shared/data/babe/final_labels_SG2.csv")]
    pub(crate) loaded_data: PathBuf,
    /// Validation sentences of the loaded-language model (checked against
    /// the card when it is the card's file; any other file, such as
    /// held-out years, is scored and its figures printed).
    #[arg(long, default_value = "../shared/data/basil-dev/sentences.csv")]
    pub(crate) validation: PathBuf,
    /// Training data of the outlet-slant model.
    #[arg(long, default_value = "../shared/data/allsides-news/train.jsonl.gz")]
    pub(crate) slant_data: PathBuf,
    /// Largest accepted difference between card and recomputed metric.
    #[arg(long, default_value_t = 0.01)]
    pub(crate) tolerance: f64,
    /// Evaluate only one model.
    #[arg(long, value_parser = ["loaded", "slant"])]
    pub(crate) only: Option<String>,
    /// Worker threads [default: all cores].
    #[arg(long, default_value_t = 0, hide_default_value = true)]
    pub(crate) threads: usize,
}

#[derive(Subcommand)]
pub(crate) enum TrainCmd {
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
pub(crate) struct TrainSlantArgs {
    /// Articles labelled left/center/right (CSV/TSV or JSONL; gz ok).
    #[arg(long)]
    pub(crate) data: PathBuf,
    /// Text column.
    #[arg(long, default_value = "text")]
    pub(crate) text_col: String,
    /// Label column (values left, center, right).
    #[arg(long, default_value = "allsides_bias")]
    pub(crate) label_col: String,
    /// Outlet column: validation leaves whole outlets out.
    #[arg(long, default_value = "source")]
    pub(crate) group_col: String,
    /// Features from the authorial voice only, or from all text.
    #[arg(long, default_value = "authorial", value_parser = ["authorial", "all"])]
    pub(crate) voice: String,
    /// Directory for the model file.
    #[arg(long, default_value = "models")]
    pub(crate) model_dir: PathBuf,
    /// Seed for folds and per-outlet sampling.
    #[arg(long, default_value_t = 42)]
    pub(crate) seed: u64,
    /// Also run the nested leave-outlets-out cross-validation.
    #[arg(long)]
    pub(crate) nested: bool,
    /// Model form: `outlet-ridge` (one row per training outlet, ridge
    /// regression of its label) or `multinomial` (article-level logistic
    /// regression, linfa).
    #[arg(long, default_value = "outlet-ridge", value_parser = ["outlet-ridge", "multinomial"])]
    pub(crate) method: String,
    /// L2 strength (repeatable: a grid searched by inner grouped CV)
    /// [default: 0.01, 0.001 and 0.1 for outlet-ridge; 1 for multinomial].
    #[arg(long = "alpha")]
    pub(crate) alphas: Vec<f64>,
    /// Phrases kept (repeatable: a grid) [default: 50000 and 20000 for
    /// outlet-ridge; 5000 for multinomial].
    #[arg(long = "vocab-size")]
    pub(crate) vocab_sizes: Vec<usize>,
    /// Training articles per outlet at most.
    #[arg(long, default_value_t = 300)]
    pub(crate) max_docs_per_outlet: usize,
    /// No source stacker: a source's slant is its documents' mean phrase
    /// slant, without its framing-family scores.
    #[arg(long)]
    pub(crate) no_stack: bool,
    /// Worker threads [default: all cores].
    #[arg(long, default_value_t = 0, hide_default_value = true)]
    pub(crate) threads: usize,
    /// No progress on stderr.
    #[arg(short, long)]
    pub(crate) quiet: bool,
}

#[derive(Args)]
pub(crate) struct TrainLoadedArgs {
    /// Labelled sentences (CSV/TSV with sniffed delimiter, or JSONL; gz ok).
    #[arg(long)]
    pub(crate) data: PathBuf,
    /// Text column.
    #[arg(long, default_value = "text")]
    pub(crate) text_col: String,
    /// Label column.
    #[arg(long, default_value = "label_bias")]
    pub(crate) label_col: String,
    /// Label of loaded (biased) sentences.
    #[arg(long, default_value = "Biased")]
    pub(crate) positive: String,
    /// Label whose rows are left out (repeatable).
    #[arg(long = "drop", default_value = "No agreement")]
    pub(crate) drop: Vec<String>,
    /// Column with the words annotators marked in each sentence (a list of
    /// words): the word-level training targets.
    #[arg(long, default_value = "biased_words")]
    pub(crate) word_labels_col: String,
    /// Reference news corpus for the word-rarity features (document
    /// frequencies only, no labels); empty: none.
    #[arg(long, default_value = "../shared/data/allsides-news/train.jsonl.gz")]
    pub(crate) corpus: PathBuf,
    /// Validation sentences from other outlets and years (CSV with text,
    /// lexical_bias, lexical_spans, year), used to choose the L2 strength
    /// and the sentence combiner and for the card's transfer figures, never
    /// to train; empty: none (the first grid values are used).
    #[arg(long, default_value = "../shared/data/basil-dev/sentences.csv")]
    pub(crate) validation: PathBuf,
    /// Directory for the model file.
    #[arg(long, default_value = "models")]
    pub(crate) model_dir: PathBuf,
    /// Seed for every fold split and bootstrap.
    #[arg(long, default_value_t = 42)]
    pub(crate) seed: u64,
    /// Worker threads [default: all cores].
    #[arg(long, default_value_t = 0, hide_default_value = true)]
    pub(crate) threads: usize,
    /// No progress on stderr.
    #[arg(short, long)]
    pub(crate) quiet: bool,
}

#[derive(Subcommand)]
pub(crate) enum LabelsCmd {
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
pub(crate) enum LexiconCmd {
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
