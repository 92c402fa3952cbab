//! `slant train loaded` and `slant eval` of the loaded-language model.

use super::*;
use crate::scorers::loaded::{DECISION_EXTRA_FEATURES, DECISION_WORD_FEATURES};
use crate::scorers::model_file::ModelFile;

/// Options of `slant train loaded`.
///
/// ```
/// use slant::scorers::data::LabelSpec;
/// use slant::scorers::loaded::LoadedParams;
/// use slant::scorers::train::{train_loaded, TrainLoadedOptions};
/// # let dir = tempfile::tempdir().unwrap();
/// # let csv = dir.path().join("sentences.csv");
/// # std::fs::write(&csv, "text,label,words\n\
/// #     The senator said the bill passed on Tuesday.,neutral,[]\n\
/// #     The radical senator's disgraceful bill is a shameful attack.,loaded,\"['disgraceful']\"\n").unwrap();
/// // `csv` has the columns text, label (`neutral` or `loaded`) and words.
/// let opts = TrainLoadedOptions {
///     data: csv,
///     spec: LabelSpec {
///         text_col: "text".into(), label_col: "label".into(),
///         group_col: Some("words".into()), drop_labels: vec![],
///     },
///     positive: "Biased".into(), // BABE's label; not a label of this file
///     params: LoadedParams::default(),
///     corpus: None,
///     validation: None,
///     model_dir: dir.path().join("models"),
///     progress: None,
/// };
/// // The positive label is checked before anything is fitted or written.
/// let err = train_loaded(&opts).unwrap_err();
/// assert!(err.to_string().contains("no row has label \"Biased\""));
/// assert!(!opts.model_dir.exists());
/// ```
#[derive(Debug, Clone)]
pub struct TrainLoadedOptions {
    /// The labelled CSV/JSONL (sentences with a label and the marked words).
    pub data: PathBuf,
    /// Columns and dropped labels; the group column holds the marked words.
    pub spec: LabelSpec,
    /// The label of loaded rows.
    pub positive: String,
    /// Training settings.
    pub params: LoadedParams,
    /// Reference corpus for the rarity features (document frequencies
    /// only); `None`: every word counts as unseen.
    pub corpus: Option<PathBuf>,
    /// Validation set (other outlets and years) for choosing the L2
    /// strength and the combiner and for the card's transfer figures;
    /// never trained on.
    pub validation: Option<PathBuf>,
    /// Where to write `loaded-language.json`.
    pub model_dir: PathBuf,
    /// Called with each progress line (seconds since the start first);
    /// `None`: silent. The library prints nothing itself.
    pub progress: Option<fn(&str)>,
}

/// Document frequencies of the lower-cased words of a corpus (any format
/// `slant analyze` reads; title and text), for the rarity features. Words
/// in fewer than `min_df` documents are left out.
///
/// ```
/// use slant::scorers::train::corpus_stats;
/// # let dir = tempfile::tempdir().unwrap();
/// # let path = dir.path().join("news.jsonl");
/// # std::fs::write(&path, "{\"text\": \"The vote. The VOTE again.\", \"source\": \"a\"}\n\
/// #     {\"text\": \"A vote today.\", \"source\": \"b\"}\n\
/// #     {\"text\": \"Nothing here.\", \"source\": \"c\"}\n").unwrap();
/// // `path`: three JSONL articles, two of which say "vote".
/// let (stats, info) = corpus_stats(&path, 1).unwrap();
/// assert_eq!((stats.documents, info.documents), (3, 3));
/// assert_eq!((stats.df("vote"), stats.df("the"), stats.df("nothing")), (2, 1, 1));
/// assert_eq!(corpus_stats(&path, 2).unwrap().0.words, [("vote".to_string(), 2)]);
/// ```
pub fn corpus_stats(path: &Path, min_df: u32) -> Result<(CorpusStats, CorpusInfo)> {
    use rayon::prelude::*;
    use rustc_hash::FxHashMap;
    if !path.is_file() {
        return Err(Error::usage(format!(
            "reference corpus {} not found (the shared data lives in ../shared/data)",
            path.display()
        )));
    }
    let opts = crate::corpus::ReadOptions::default();
    let plans = crate::corpus::plan(&[PathBuf::from(path)], &opts)?;
    let mut df: FxHashMap<String, u32> = FxHashMap::default();
    let mut docs: u64 = 0;
    let mut batch: Vec<crate::corpus::Document> = Vec::new();
    let flush = |batch: &mut Vec<crate::corpus::Document>, df: &mut FxHashMap<String, u32>| {
        let sets: Vec<Vec<String>> = batch
            .par_iter()
            .map_init(
                || {
                    (
                        crate::text::Analyzed::default(),
                        String::new(),
                        String::new(),
                    )
                },
                |(a, text, lower), d| {
                    crate::features::analyzed_text(d, text);
                    a.analyze(text);
                    let mut words: Vec<String> = a
                        .tokens
                        .iter()
                        .filter(|t| crate::scorers::wordfeat::is_model_word(t))
                        .map(|t| {
                            crate::features::lower_into(t.text(&a.norm.text), lower);
                            lower.clone()
                        })
                        .collect();
                    words.sort_unstable();
                    words.dedup();
                    words
                },
            )
            .collect();
        for set in sets {
            for w in set {
                *df.entry(w).or_insert(0) += 1;
            }
        }
        batch.clear();
    };
    crate::corpus::read_inputs(&plans, &opts, &mut |item| {
        if let crate::corpus::Item::Doc(d) = item {
            docs += 1;
            batch.push(d);
            if batch.len() >= 1024 {
                flush(&mut batch, &mut df);
            }
        }
    })?;
    flush(&mut batch, &mut df);
    let info = CorpusInfo {
        name: path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default(),
        sha256: crate::scorers::model_file::file_sha256(path)?,
        documents: docs,
    };
    Ok((
        CorpusStats::new(docs, min_df, df.into_iter().collect()),
        info,
    ))
}

/// Read and featurise the loaded-language training data; rows labelled
/// `positive` are the loaded ones, and the spec's group column holds the
/// words annotators marked.
///
/// ```
/// use slant::scorers::data::LabelSpec;
/// use slant::scorers::train::loaded_data;
/// use slant::scorers::wordfeat::CorpusStats;
/// # let dir = tempfile::tempdir().unwrap();
/// # let csv = dir.path().join("sentences.csv");
/// # std::fs::write(&csv, "text,label,words\n\
/// #     The senator said the bill passed on Tuesday.,neutral,[]\n\
/// #     The radical senator's disgraceful bill is a shameful attack.,loaded,\"['disgraceful']\"\n").unwrap();
/// // `csv` has the columns text, label (`neutral` or `loaded`) and words.
/// let spec = LabelSpec {
///     text_col: "text".into(), label_col: "label".into(),
///     group_col: Some("words".into()), drop_labels: vec![],
/// };
/// let stats = CorpusStats::new(0, 1, vec![]);
/// let (data, info) = loaded_data(&csv, &spec, "loaded", &stats).unwrap();
/// assert_eq!((data.len(), info.used), (2, 2));
/// assert_eq!(data.rows[1].marked, [data.types.id("disgraceful").unwrap()]);
/// assert!(loaded_data(&csv, &spec, "Biased", &stats).is_err());
/// ```
pub fn loaded_data(
    data: &Path,
    spec: &LabelSpec,
    positive: &str,
    stats: &CorpusStats,
) -> Result<(LoadedData, crate::scorers::data::DataInfo)> {
    let (docs, info) = read_labelled(data, spec)?;
    if !docs.iter().any(|d| d.label == positive) {
        return Err(Error::usage(format!(
            "no row has label {positive:?} in column {:?}",
            spec.label_col
        )));
    }
    let fz = Featurizer::new();
    Ok((LoadedData::from_docs(&fz, stats, &docs, positive), info))
}

/// Train the loaded-language model and write it; returns the model.
///
/// ```
/// use slant::scorers::data::LabelSpec;
/// use slant::scorers::loaded::{LoadedParams, FILE_NAME};
/// use slant::scorers::train::{train_loaded, TrainLoadedOptions};
/// # let dir = tempfile::tempdir().unwrap();
/// # let csv = dir.path().join("sentences.csv");
/// # std::fs::write(&csv, "text,label,words\n\
/// #     The senator said the bill passed on Tuesday.,neutral,[]\n\
/// #     The radical senator's disgraceful bill is a shameful attack.,loaded,\"['disgraceful', 'shameful']\"\n\
/// #     Officials said the meeting was held in Paris.,neutral,[]\n\
/// #     \"Corrupt elites slammed the outrageous, dangerous plan.\",loaded,\"['corrupt', 'outrageous']\"\n\
/// #     The report was published on Monday.,neutral,[]\n\
/// #     The disastrous plan is a shameful betrayal by extremists.,loaded,\"['disastrous']\"\n\
/// #     The committee said it would vote next week.,neutral,[]\n\
/// #     \"Radical extremists pushed an outrageous, disgraceful scheme.\",loaded,\"['outrageous']\"\n").unwrap();
/// // `csv`: eight sentences with the columns text, label and words (the marked words).
/// let opts = TrainLoadedOptions {
///     data: csv,
///     spec: LabelSpec {
///         text_col: "text".into(), label_col: "label".into(),
///         group_col: Some("words".into()), drop_labels: vec![],
///     },
///     positive: "loaded".into(),
///     // A tiny grid for tiny data.
///     params: LoadedParams { alphas: vec![0.5], folds: 2, min_count: 1, ..LoadedParams::default() },
///     corpus: None,
///     validation: None,
///     model_dir: dir.path().join("models"),
///     progress: None,
/// };
/// let model = train_loaded(&opts).unwrap();
/// assert!(opts.model_dir.join(FILE_NAME).is_file());
/// let card = model.file();
/// assert_eq!(card.positive_label, "loaded");
/// assert_eq!(card.training_data.as_ref().unwrap().used, 8);
/// assert_eq!(card.metrics.as_ref().unwrap().cv.folds, 2);
/// ```
pub fn train_loaded(opts: &TrainLoadedOptions) -> Result<LoadedModel> {
    let t0 = Instant::now();
    let (stats, corpus) = match &opts.corpus {
        Some(c) => {
            let (s, i) = corpus_stats(c, opts.params.corpus_min_df)?;
            log(
                opts.progress,
                t0,
                &format!(
                    "reference corpus: {} documents, {} words kept",
                    i.documents,
                    s.words.len()
                ),
            );
            (s, Some(i))
        }
        None => (CorpusStats::new(0, opts.params.corpus_min_df, vec![]), None),
    };
    let (data, info) = loaded_data(&opts.data, &opts.spec, &opts.positive, &stats)?;
    let words: usize = data.rows.iter().map(|r| r.words.len()).sum();
    log(
        opts.progress,
        t0,
        &format!("{} rows featurised ({words} words)", data.len()),
    );
    let vp = opts.params.clone().check()?;
    let fz = Featurizer::new();
    let validation = match &opts.validation {
        Some(p) => Some(ValidationSet::read(&fz, &stats, p)?),
        None => None,
    };
    let (mut model, selection) = vp.fit(&data, stats, validation.as_ref())?;
    for g in &selection {
        log(
            opts.progress,
            t0,
            &format!(
                "validation: alpha {} {:?}: ROC-AUC {:.4}",
                g.alpha, g.combiner, g.validation_auc
            ),
        );
    }
    let f = model.file_mut();
    log(
        opts.progress,
        t0,
        &format!(
            "chosen alpha {} {:?}; word threshold {:.3}; decision alpha {}, extra features {:?}, threshold {:.3}",
            f.chosen.alpha,
            f.chosen.combiner,
            f.chosen.word_threshold,
            f.decision.alpha,
            f.decision.features[DECISION_WORD_FEATURES.len()..]
                .iter()
                .filter(|n| DECISION_EXTRA_FEATURES.contains(&n.as_str()))
                .collect::<Vec<_>>(),
            f.decision.threshold
        ),
    );
    if let Some(m) = &f.metrics {
        log(
            opts.progress,
            t0,
            &format!(
                "{}-fold CV: decision macro-F1 {:.4} [{:.4}, {:.4}] (nested), accuracy {:.4}, AUC {:.4}; sentence probability AUC {:.4} (macro-F1 alone {:.4}); word AUC {:.4}",
                m.cv.folds,
                m.cv.macro_f1,
                m.cv.macro_f1_ci.0,
                m.cv.macro_f1_ci.1,
                m.cv.accuracy,
                m.cv.decision_auc,
                m.cv.score_auc,
                m.cv.score_macro_f1,
                m.cv.word_auc
            ),
        );
        if let Some(v) = &m.validation {
            log(opts.progress, t0, &validation_line(v));
        }
    }
    f.training_data = Some(info);
    f.positive_label = opts.positive.clone();
    f.corpus = corpus;
    std::fs::create_dir_all(&opts.model_dir).map_err(|e| Error::io(&opts.model_dir, e))?;
    let path = model.write_to(&opts.model_dir)?;
    log(opts.progress, t0, &format!("wrote {}", path.display()));
    Ok(model)
}

/// One line summarising validation figures.
///
/// ```
/// use slant::scorers::model_file::ModelFile;
/// use slant::scorers::apply::Scorers;
/// use slant::scorers::loaded::{LoadedModel, FILE_NAME};
/// use slant::scorers::train::validation_line;
/// let model = LoadedModel::load(&Scorers::default_dir().join(FILE_NAME)).unwrap();
/// let v = model.file().metrics.as_ref().unwrap().validation.as_ref().unwrap();
/// assert!(validation_line(v).starts_with("validation sentences.csv: ROC-AUC "));
/// ```
pub fn validation_line(v: &ValidationReport) -> String {
    format!(
        "validation {}: ROC-AUC {:.4} [{:.4}, {:.4}]; sentence length {:.4} (words), {:.4} (characters), gap to the larger [{:.4}, {:.4}]; within length deciles {:.4} [{:.4}, {:.4}]; decision MCC {:.4}, F1 {:.4} ({:.1}% flagged); a listed loaded word: MCC {:.4}, F1 {:.4} ({:.1}% flagged); top word in an annotated span {:.1}%",
        v.data.name,
        v.roc_auc,
        v.roc_auc_ci.0,
        v.roc_auc_ci.1,
        v.length_auc,
        v.length_chars_auc,
        v.gap_ci.0,
        v.gap_ci.1,
        v.within_decile_auc,
        v.within_decile_ci.0,
        v.within_decile_ci.1,
        v.decision_mcc,
        v.decision_f1,
        100.0 * v.decision_flagged,
        v.words_mcc,
        v.words_f1,
        100.0 * v.words_flagged,
        100.0 * v.top_word_in_span
    )
}

/// Recompute the loaded-language card's figures: the cross-validation on
/// the training data (same folds, seed and chosen hyper-parameters) and,
/// when `validation` is the card's validation file, the shipped model's
/// figures on it. `data` must be the very file the model was trained on:
/// its SHA-256 is checked against the card first. A validation file other
/// than the card's (held-out years, say) is scored but not compared: its
/// report is returned for printing.
///
/// ```
/// use slant::scorers::apply::Scorers;
/// use slant::scorers::loaded::FILE_NAME;
/// use slant::scorers::train::eval_loaded;
/// let model = Scorers::default_dir().join(FILE_NAME);
/// // The shipped card was computed on BABE (../shared/data/babe/final_labels_SG2.csv)
/// // and BASIL dev; with those files `eval_loaded` returns one `Check` per
/// // figure. Any other training file is refused before any work is done:
/// let dir = tempfile::tempdir().unwrap();
/// let other = dir.path().join("final_labels_SG2.csv");
/// std::fs::write(&other, "text,label_bias\nA sentence.,Biased\n").unwrap();
/// let err = eval_loaded(&model, &other, None).unwrap_err().to_string();
/// assert!(err.contains("differs from the model card's training data final_labels_SG2.csv"));
/// ```
pub fn eval_loaded(
    model_path: &Path,
    data: &Path,
    validation: Option<&Path>,
) -> Result<(Vec<Check>, Option<ValidationReport>)> {
    let model = LoadedModel::load(model_path)?;
    let file = model.file();
    let info = card_data(file.training_data.as_ref(), data)?;
    let card = file
        .metrics
        .as_ref()
        .ok_or_else(|| Error::usage("the model card has no metrics"))?;
    let mut out = Vec::new();
    let mut other = None;
    if let Some(vpath) = validation {
        let fz = Featurizer::new();
        let v = ValidationSet::read(&fz, &file.corpus_stats, vpath)?;
        let r = model.validate(&fz, &v);
        match card
            .validation
            .as_ref()
            .filter(|c| c.data.sha256 == r.data.sha256)
        {
            Some(c) => {
                push_checks(
                    &mut out,
                    "loaded-language validation",
                    [
                        ("roc_auc", c.roc_auc, r.roc_auc),
                        ("length_auc", c.length_auc, r.length_auc),
                        (
                            "within_decile_auc",
                            c.within_decile_auc,
                            r.within_decile_auc,
                        ),
                        ("decision_mcc", c.decision_mcc, r.decision_mcc),
                        ("decision_f1", c.decision_f1, r.decision_f1),
                        ("words_mcc", c.words_mcc, r.words_mcc),
                    ],
                );
            }
            None => other = Some(r),
        }
    }
    let (d, _) = loaded_data(
        data,
        &info.columns,
        &file.positive_label,
        &file.corpus_stats,
    )?;
    let vp = file.params.clone().check()?;
    let cv = vp.cross_validate(&d, file)?;
    let c = &card.cv;
    push_checks(
        &mut out,
        "loaded-language cv",
        [
            ("macro_f1", c.macro_f1, cv.macro_f1),
            ("macro_f1_ci_low", c.macro_f1_ci.0, cv.macro_f1_ci.0),
            ("macro_f1_ci_high", c.macro_f1_ci.1, cv.macro_f1_ci.1),
            ("accuracy", c.accuracy, cv.accuracy),
            ("decision_auc", c.decision_auc, cv.decision_auc),
            ("score_auc", c.score_auc, cv.score_auc),
            ("word_auc", c.word_auc, cv.word_auc),
        ],
    );
    Ok((out, other))
}
