//! The options `analyze` and `extract` share and their own, turned into the library's `RunOptions`.

use clap::Args;
use slant::app::{self, RunOptions};
use slant::corpus::{Format, ReadOptions};
use slant::estimators::wordfish::ScaleOptions;
use slant::estimators::{EstimatorOptions, Prior};
use slant::features::referents::{LabelOptions, LinkRule};
use slant::features::FeatureOptions;
use slant::report::{CsvStyle, EvidenceLevel};
use std::path::{Path, PathBuf};

/// Options `analyze` and `extract` share: what to read, how, which
/// lexicons, and how to write documents.csv.
#[derive(Args)]
pub(crate) struct CommonArgs {
    /// Input files or folders (default: the sample corpus in data/sample).
    pub(crate) inputs: Vec<PathBuf>,
    /// Output directory [default: `reports` for analyze, `features` for extract]. An existing
    /// one must be empty or hold an earlier run's reports of the same command.
    #[arg(short, long)]
    pub(crate) out: Option<PathBuf>,
    /// Manifest mapping text files to sources (`file,source[,story][,date]`);
    /// a manifest.csv at the top of an input folder is used automatically.
    #[arg(long)]
    pub(crate) manifest: Option<PathBuf>,
    /// CSV of source aliases (`alias,source`), applied to every record
    /// before anything is counted: e.g. a line `Fox Online News,Fox News`
    /// makes both names one source. Case and surrounding spaces are
    /// ignored; run.json counts the records each alias renamed.
    #[arg(long, value_name = "FILE")]
    pub(crate) source_map: Option<PathBuf>,
    /// Column (CSV) or key (JSONL) with the article text [default: text, body, content, article].
    #[arg(long)]
    pub(crate) text_col: Option<String>,
    /// Column with the outlet [default: source, outlet, publisher, site, domain].
    #[arg(long)]
    pub(crate) source_col: Option<String>,
    /// Column with the document id [default: id; else FILE_STEM:RECORD].
    #[arg(long)]
    pub(crate) id_col: Option<String>,
    /// Column with the story / event id [default: story].
    #[arg(long)]
    pub(crate) story_col: Option<String>,
    /// Column with the date [default: date].
    #[arg(long)]
    pub(crate) date_col: Option<String>,
    /// Column with the title [default: title].
    #[arg(long)]
    pub(crate) title_col: Option<String>,
    /// Carry an input column (CSV), key (JSONL) or manifest column (text folders) into
    /// documents.csv, as an extra column at the end named after it; repeatable. A record
    /// without a value gets an empty cell. Example: --keep-col label_bias --keep-col topic
    #[arg(long = "keep-col", value_name = "COL")]
    pub(crate) keep_cols: Vec<String>,
    /// CSV delimiter (one character; `\t` for tab) [default: sniffed].
    #[arg(long)]
    pub(crate) delimiter: Option<String>,
    /// Write documents, evidence and sentences as typed Parquet files (`documents.parquet`, …)
    /// instead of CSV; the other reports stay CSV.
    #[arg(long, value_name = "FORMAT", value_parser = ["csv", "parquet"], default_value = "csv")]
    pub(crate) output_format: String,
    /// Input format instead of guessing from the extension.
    #[arg(long, value_parser = ["text", "csv", "jsonl", "parquet"])]
    pub(crate) format: Option<String>,
    /// Extra lexicon file (repeatable): TOML, word list, VADER-style list, LIWC .dic or LIWC-22 .dicx.
    #[arg(long = "lexicon", value_name = "FILE")]
    pub(crate) lexicons: Vec<PathBuf>,
    /// Do not load the built-in lexicons.
    #[arg(long)]
    pub(crate) no_default_lexicons: bool,
    /// Skip uni/bigram counting (lexicon features only; faster).
    #[arg(long)]
    pub(crate) no_ngrams: bool,
    /// Do not repair mojibake.
    #[arg(long)]
    pub(crate) no_repair: bool,
    /// Follow symlinks in input folders that lead outside the folder (by
    /// default they are skipped and listed in run.json).
    #[arg(long)]
    pub(crate) follow_symlinks: bool,
    /// Largest document accepted, in bytes (title + text; at most 256 MiB).
    #[arg(long, default_value_t = 10 * 1024 * 1024)]
    pub(crate) max_doc_bytes: usize,
    /// Words longer than this (bytes) are left out of the n-gram counts
    /// (URLs, base64, runs without spaces); the document is still analyzed.
    #[arg(long, default_value_t = 64)]
    pub(crate) max_token_bytes: usize,
    /// Write CSV text cells exactly as found (no spreadsheet formula guard).
    #[arg(long)]
    pub(crate) csv_raw: bool,
    /// Worker threads (at most 1024) [default: all cores]. With 1 the whole run (reading,
    /// analysis, writing) is on one thread; with more, an extra thread reads the input.
    #[arg(long, default_value_t = 0, hide_default_value = true)]
    pub(crate) threads: usize,
    /// Memory for documents in flight (read, being analyzed, rows not yet written), e.g.
    /// 512M or 2G (K, M, G: powers of 1024; a plain number is bytes). The reader waits when
    /// it is used up (a larger document still runs, once the others are written). Peak memory
    /// follows this, not the thread count.
    #[arg(long, default_value = "1G", value_parser = parse_size)]
    pub(crate) memory_budget: u64,
    /// No progress, rejection or date warnings on stderr.
    #[arg(short, long)]
    pub(crate) quiet: bool,
}

/// `extract`: the shared options and evidence.csv on request.
#[derive(Args)]
pub(crate) struct ExtractArgs {
    #[command(flatten)]
    pub(crate) common: CommonArgs,
    /// What evidence.csv lists, each match with its context: none (no file), families
    /// (framing-family matches only) or all (category matches too); `--evidence` alone is
    /// `--evidence all` [default: none; with --partial, as analyze chooses].
    #[arg(long, value_name = "LEVEL", num_args = 0..=1,
        default_missing_value = "all", value_parser = ["none", "families", "all"])]
    pub(crate) evidence: Option<String>,
    /// Also list sentiment-valence matches in evidence.csv (with --evidence all).
    #[arg(long)]
    pub(crate) evidence_sentiment: bool,
    /// Write one partial FILE for `slant merge` instead of feature files: everything
    /// `analyze` needs from these inputs (rows, summaries, counts, models' scores), so that
    /// merging the partials of all shards gives the reports `analyze` of all of them gives.
    /// Give `merge` the same reading, lexicon, model and n-gram options.
    #[arg(long, value_name = "FILE", conflicts_with = "out")]
    pub(crate) partial: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) partial_opts: PartialArgs,
}

/// The options of `analyze` that change what is extracted, for
/// `extract --partial`.
#[derive(Args)]
pub(crate) struct PartialArgs {
    /// With --partial: what sentences.csv will list (as analyze's --sentences).
    #[arg(long, value_name = "LEVEL", value_parser = ["none", "loaded", "all"])]
    pub(crate) sentences: Option<String>,
    /// With --partial: as analyze's --boilerplate-min-docs [default: 5].
    #[arg(long, value_name = "N")]
    pub(crate) boilerplate_min_docs: Option<u64>,
    /// With --partial: as analyze's --model-dir.
    #[arg(long)]
    pub(crate) model_dir: Option<PathBuf>,
    /// With --partial: as analyze's --no-models.
    #[arg(long)]
    pub(crate) no_models: bool,
    /// With --partial: as analyze's --group-col.
    #[arg(long, value_name = "COL")]
    pub(crate) group_col: Option<String>,
    /// With --partial: as analyze's --no-labels (no referents and labels counted).
    #[arg(long)]
    pub(crate) no_labels: bool,
}

/// `analyze`: the shared options, the statistics and the learned models.
#[derive(Args)]
pub(crate) struct AnalyzeArgs {
    #[command(flatten)]
    pub(crate) common: CommonArgs,
    /// What evidence.csv lists, each match with its context: none (no file), families
    /// (framing-family matches only) or all (category matches too: hedges, attribution
    /// verbs, sentiment, ...; and the words the loaded-language model reads as loaded);
    /// `--evidence` alone is `--evidence all` [default: all for inputs under 16 MiB on disk,
    /// families from 16 MiB on].
    #[arg(long, value_name = "LEVEL", num_args = 0..=1, default_missing_value = "all",
        value_parser = ["none", "families", "all"])]
    pub(crate) evidence: Option<String>,
    /// Also list sentiment-valence matches in evidence.csv (with every category match:
    /// --evidence all, which it implies when --evidence is not given).
    #[arg(long)]
    pub(crate) evidence_sentiment: bool,
    /// What sentences.csv (the loaded-language model's reading of each sentence) lists: none
    /// (no file), loaded (the sentences it decides are loaded) or all [default: all for
    /// inputs under 16 MiB on disk, none from 16 MiB on].
    #[arg(long, value_name = "LEVEL", value_parser = ["none", "loaded", "all"])]
    pub(crate) sentences: Option<String>,
    /// Seed for the bootstrap (same seed and input: same numbers).
    #[arg(long, default_value_t = 42)]
    pub(crate) seed: u64,
    /// Bootstrap replicates for intervals (at most 100000).
    #[arg(long, default_value_t = 1000)]
    pub(crate) bootstrap: usize,
    /// Dirichlet prior strength for family scores (pseudo-matches in pooled proportions).
    #[arg(long, default_value_t = 2.0)]
    pub(crate) prior_strength: f64,
    /// Authorial matches a source needs for a family score.
    #[arg(long, default_value_t = 3)]
    pub(crate) min_matches: u64,
    /// Log-odds prior: informative (pooled frequencies) or uniform.
    #[arg(long, default_value = "informative", value_parser = ["informative", "uniform"])]
    pub(crate) prior: String,
    /// α₀ of the log-odds prior for n-grams.
    #[arg(long, default_value_t = 1000.0)]
    pub(crate) alpha0: f64,
    /// α₀ of the log-odds prior for family variants.
    #[arg(long, default_value_t = 10.0)]
    pub(crate) family_alpha0: f64,
    /// Use the exact variance of δ (adds the complement terms).
    #[arg(long)]
    pub(crate) exact_variance: bool,
    /// Pooled count an n-gram needs to be tested.
    #[arg(long, default_value_t = 5)]
    pub(crate) min_count: u64,
    /// N-grams kept per source and order in terms.csv.
    #[arg(long, default_value_t = 30)]
    pub(crate) top_terms: usize,
    /// Write every tested n-gram to terms.csv.
    #[arg(long)]
    pub(crate) all_terms: bool,
    /// Authorial tokens a source needs for its n-grams to be tested in terms.csv (smaller
    /// sources still count in the others' "rest"; run.json says how many were left out).
    #[arg(long, default_value_t = 50)]
    pub(crate) min_source_tokens: u64,
    /// Stop-word list (one word per line, # comments): n-grams with one of these words are
    /// left out of terms.csv.
    #[arg(long, value_name = "FILE")]
    pub(crate) stopwords: Option<PathBuf>,
    /// Boilerplate: a sentence whose words recur in at least N documents of a source (and in at
    /// least 1% of its documents) is left out of the n-grams of terms.csv, and so is a sentence
    /// that opens with site furniture ("JUST WATCHED", "Hide Caption", "Photos:"); both are
    /// listed in boilerplate.csv. 0 keeps every sentence.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub(crate) boilerplate_min_docs: u64,
    /// Do not find referents and their labels (no labels.csv).
    #[arg(long)]
    pub(crate) no_labels: bool,
    /// The rules that link a label to its referent in labels.csv, comma-separated: title,
    /// premodifier, adjective, apposition, copula, anaphora, salience (default: all).
    #[arg(
        long,
        value_name = "RULES",
        value_delimiter = ',',
        default_value = "title,premodifier,adjective,apposition,copula,anaphora,salience"
    )]
    pub(crate) label_rules: Vec<String>,
    /// Directory with learned models [default: models/ here, else in the source checkout].
    #[arg(long)]
    pub(crate) model_dir: Option<PathBuf>,
    /// Do not apply the learned models (no model columns, no sentences.csv).
    #[arg(long)]
    pub(crate) no_models: bool,
    /// Scale the sources on one dimension with Wordfish (unsupervised, from their word
    /// counts): writes scaling.csv (position, bootstrap SE and interval per source) and
    /// scaling_words.csv (each word's weight). Example: --scale --scale-anchor "Daily
    /// Ledger,Northern Post" --scale-min-docs 5
    #[arg(long)]
    pub(crate) scale: bool,
    /// With --scale: two sources, LEFT,RIGHT, that fix the direction (LEFT gets the lower
    /// position) [default: the first source in name order is left of the last].
    #[arg(long, value_name = "LEFT,RIGHT", requires = "scale")]
    pub(crate) scale_anchor: Option<String>,
    /// With --scale: documents a source needs to be scaled.
    #[arg(long, default_value_t = 20, requires = "scale")]
    pub(crate) scale_min_docs: u64,
    /// With --scale: the most frequent authorial words used (among those two or more
    /// scaled sources use).
    #[arg(long, default_value_t = 2000, requires = "scale")]
    pub(crate) scale_words: usize,
    /// With --scale: parametric bootstrap replicates for the standard errors.
    #[arg(long, default_value_t = 100, requires = "scale")]
    pub(crate) scale_bootstrap: usize,
    /// Group the sources by the value of this column (CSV), key (JSONL) or manifest column:
    /// writes groups.csv (every per-source score per group) and comparisons.csv (each pair
    /// of groups' differences with bootstrap intervals over sources and documents). A
    /// source whose documents disagree goes in its most frequent value. Example:
    /// --group-col allsides_bias
    #[arg(long, value_name = "COL", conflicts_with = "groups")]
    pub(crate) group_col: Option<String>,
    /// CSV with the columns `source,group` (names after --source-map): the groups of
    /// --group-col, from a file. Unlisted sources have no group. Example: --groups bias.csv
    #[arg(long, value_name = "FILE")]
    pub(crate) groups: Option<PathBuf>,
    /// Compare only these two groups, or two sources (without groups, or when the names
    /// are not groups): comparisons.csv holds this pair only. Example: --compare left,right
    #[arg(long, value_name = "A,B")]
    pub(crate) compare: Option<String>,
    // Issue 22, time and source selection (`--period`, `--min-docs`).
    /// Follow the measures over time: timeseries.csv with every family score, category rate
    /// and learned-score mean per calendar period (ISO week, month, quarter or year of the
    /// documents' dates) and source, a pooled row per period, bootstrap intervals, and a
    /// time section with line charts in report.html. Documents without a usable date are
    /// left out of it (run.json: timeseries). Example: --period month
    #[arg(long, value_name = "PERIOD", value_parser = ["week", "month", "quarter", "year"])]
    pub(crate) period: Option<String>,
    /// Leave sources with fewer than N analyzed documents out of the per-source reports
    /// (sources.csv, sources_long.csv, families.csv, terms.csv, timeseries.csv and the
    /// charts); they still count in the pooled figures, and run.json (min_docs) names them.
    /// Example: --min-docs 20
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub(crate) min_docs: u64,
}

impl CommonArgs {
    /// Run options with these settings; the statistics and models keep
    /// their defaults (`extract` uses neither). `default_out`: the output
    /// directory without `-o`.
    pub(crate) fn into_options(self, default_out: &str) -> anyhow::Result<RunOptions> {
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
    pub(crate) fn into_options(self) -> anyhow::Result<RunOptions> {
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
    pub(crate) fn into_options(self) -> anyhow::Result<RunOptions> {
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
                                "--label-rules: unknown rule '{r}' (title, premodifier, adjective, apposition, copula, anaphora, salience)"
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
pub(crate) fn level<T: std::str::FromStr<Err = String>>(s: &str) -> anyhow::Result<T> {
    s.parse().map_err(|e: String| slant::Error::usage(e).into())
}

/// `--evidence-sentiment` lists category matches: refused with a level
/// that lists none.
pub(crate) fn check_sentiment(
    sentiment: bool,
    evidence: Option<EvidenceLevel>,
) -> anyhow::Result<()> {
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
pub(crate) fn parse_size(s: &str) -> Result<u64, String> {
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

/// What a failed run left in its output directory, which it never touches
/// unless the error says otherwise.
pub(crate) fn left_as_it_was(out: &Path) -> String {
    if out.join("run.json").is_file() {
        format!("reports in {} left as they were", out.display())
    } else if out.is_dir() {
        format!("{} left as it was", out.display())
    } else {
        format!("no reports written to {}", out.display())
    }
}
