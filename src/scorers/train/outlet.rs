//! `slant train slant` and `slant eval` of the outlet-slant model.

use super::*;
use crate::scorers::model_file::ModelFile;

/// Options of `slant train slant`.
///
/// ```
/// use slant::scorers::model_file::ModelFile;
/// use slant::scorers::data::LabelSpec;
/// use slant::scorers::outlet::{OutletModel, OutletParams, FILE_NAME};
/// use slant::scorers::train::{train_outlet, TrainOutletOptions};
/// # let dir = tempfile::tempdir().unwrap();
/// # let csv = dir.path().join("articles.csv");
/// # std::fs::write(&csv, "text,bias,outlet\n\
/// #     Progressive activists demand climate justice now.,left,Left Daily\n\
/// #     Climate justice advocates and progressive groups rallied.,left,Left Daily\n\
/// #     Progressive groups want climate action.,left,Left Weekly\n\
/// #     The committee published its quarterly budget report.,center,Center Wire\n\
/// #     Officials released the quarterly budget figures.,center,Center Wire\n\
/// #     The quarterly budget report was released.,center,Center Post\n\
/// #     Conservatives defend border security and lower taxes.,right,Right Times\n\
/// #     Border security hawks and conservatives praised tax cuts.,right,Right Times\n\
/// #     Conservatives praised border security.,right,Right Herald\n").unwrap();
/// // `csv`: nine articles from six outlets, with the columns text, bias and outlet.
/// let opts = TrainOutletOptions {
///     data: csv,
///     spec: LabelSpec {
///         text_col: "text".into(), label_col: "bias".into(),
///         group_col: Some("outlet".into()), drop_labels: vec![],
///     },
///     // Small settings for a small corpus.
///     params: OutletParams { alphas: vec![0.1], vocab_sizes: vec![100], min_df: 1, min_groups: 1,
///         folds: 2, inner_folds: 2, ..OutletParams::default() },
///     model_dir: dir.path().join("models"),
///     nested: false,
///     progress: None,
/// };
/// train_outlet(&opts).unwrap();
/// let model = OutletModel::load(&opts.model_dir.join(FILE_NAME)).unwrap();
/// assert_eq!(model.file().params, opts.params);
/// ```
#[derive(Debug, Clone)]
pub struct TrainOutletOptions {
    /// The outlet-labelled articles.
    pub data: PathBuf,
    /// Columns.
    pub spec: LabelSpec,
    /// Training settings.
    pub params: OutletParams,
    /// Where to write `outlet-slant.json`.
    pub model_dir: PathBuf,
    /// Also run the nested leave-outlets-out CV (each fold searches the grid).
    pub nested: bool,
    /// Called with each progress line (seconds since the start first);
    /// `None`: silent. The library prints nothing itself.
    pub progress: Option<fn(&str)>,
}

/// Read and featurise outlet-labelled articles; labels must be `left`,
/// `center` or `right`, and n-grams in fewer than `min_df` articles are
/// dropped.
///
/// ```
/// use slant::scorers::data::LabelSpec;
/// use slant::scorers::train::outlet_data;
/// # let dir = tempfile::tempdir().unwrap();
/// # let csv = dir.path().join("articles.csv");
/// # std::fs::write(&csv, "text,bias,outlet\n\
/// #     Progressive activists demand climate justice now.,left,Left Daily\n\
/// #     Climate justice advocates and progressive groups rallied.,left,Left Daily\n\
/// #     Progressive groups want climate action.,left,Left Weekly\n\
/// #     The committee published its quarterly budget report.,center,Center Wire\n\
/// #     Officials released the quarterly budget figures.,center,Center Wire\n\
/// #     The quarterly budget report was released.,center,Center Post\n\
/// #     Conservatives defend border security and lower taxes.,right,Right Times\n\
/// #     Border security hawks and conservatives praised tax cuts.,right,Right Times\n\
/// #     Conservatives praised border security.,right,Right Herald\n").unwrap();
/// // `csv`: nine articles from six outlets, with the columns text, bias and outlet.
/// let spec = LabelSpec {
///     text_col: "text".into(), label_col: "bias".into(),
///     group_col: Some("outlet".into()), drop_labels: vec![],
/// };
/// let (data, info) = outlet_data(&csv, &spec, 1).unwrap();
/// assert_eq!(data.len(), 9);
/// assert_eq!(data.group_names.len(), 6);
/// assert_eq!(data.labels, [0, 0, 0, 1, 1, 1, 2, 2, 2]);
/// assert_eq!(info.used, 9);
/// // A higher minimum document frequency keeps fewer n-grams.
/// assert!(outlet_data(&csv, &spec, 2).unwrap().0.vocab.len() < data.vocab.len());
/// ```
pub fn outlet_data(
    data: &Path,
    spec: &LabelSpec,
    min_df: u32,
) -> Result<(OutletData, crate::scorers::data::DataInfo)> {
    let (docs, info) = read_labelled(data, spec)?;
    Ok((OutletData::from_docs(&docs, min_df)?, info))
}

pub(super) fn cv_line(c: &OutletCv) -> String {
    format!(
        "{:?}: article macro-F1 {:.4}, accuracy {:.4}; outlet Spearman {:.4} ({} outlets), {:.4} (>= 5 articles, {}), {:.4} (>= 20, {}); shrunken means {:.4} (all), {:.4} (>= 5); text-free fold prior {:.4} / {:.4} / {:.4}",
        c.voice,
        c.article_macro_f1,
        c.article_accuracy,
        c.outlet_spearman,
        c.outlets,
        c.outlet_spearman_min5,
        c.outlets_min5,
        c.outlet_spearman_min20,
        c.outlets_min20,
        c.outlet_spearman_shrunk,
        c.outlet_spearman_shrunk_min5,
        c.prior_only_spearman[0],
        c.prior_only_spearman[1],
        c.prior_only_spearman[2]
    )
}

pub(super) fn stacked_line(c: &StackedCv) -> String {
    let f = |i: usize| {
        format!(
            "{:.4} [{:.4}, {:.4}] ({} outlets; phrase alone {:.4})",
            c.spearman[i],
            c.spearman_ci_low[i],
            c.spearman_ci_high[i],
            c.outlets[i],
            c.phrase_spearman[i]
        )
    };
    format!(
        "stacked source slant{}: outlet Spearman {}, >= 5 articles {}, >= 20 {}; mean slant left / center / right {:.3} / {:.3} / {:.3} (>= 20 articles {:.3} / {:.3} / {:.3})",
        if c.nested { " (nested)" } else { "" },
        f(0),
        f(1),
        f(2),
        c.label_means[0],
        c.label_means[1],
        c.label_means[2],
        c.label_means_min20[0],
        c.label_means_min20[1],
        c.label_means_min20[2]
    )
}

/// Train the outlet-slant model and write it; returns the model.
///
/// ```
/// use slant::scorers::data::LabelSpec;
/// use slant::scorers::outlet::OutletParams;
/// use slant::scorers::textfeat::VoiceFilter;
/// use slant::scorers::train::{train_outlet, TrainOutletOptions};
/// # let dir = tempfile::tempdir().unwrap();
/// # let csv = dir.path().join("articles.csv");
/// # std::fs::write(&csv, "text,bias,outlet\n\
/// #     Progressive activists demand climate justice now.,left,Left Daily\n\
/// #     Climate justice advocates and progressive groups rallied.,left,Left Daily\n\
/// #     Progressive groups want climate action.,left,Left Weekly\n\
/// #     The committee published its quarterly budget report.,center,Center Wire\n\
/// #     Officials released the quarterly budget figures.,center,Center Wire\n\
/// #     The quarterly budget report was released.,center,Center Post\n\
/// #     Conservatives defend border security and lower taxes.,right,Right Times\n\
/// #     Border security hawks and conservatives praised tax cuts.,right,Right Times\n\
/// #     Conservatives praised border security.,right,Right Herald\n").unwrap();
/// // `csv`: nine articles from six outlets, with the columns text, bias and outlet.
/// let opts = TrainOutletOptions {
///     data: csv,
///     spec: LabelSpec {
///         text_col: "text".into(), label_col: "bias".into(),
///         group_col: Some("outlet".into()), drop_labels: vec![],
///     },
///     params: OutletParams { alphas: vec![0.1], vocab_sizes: vec![100], min_df: 1, min_groups: 1,
///         folds: 2, inner_folds: 2, ..OutletParams::default() },
///     model_dir: dir.path().join("models"),
///     nested: false,
///     progress: None,
/// };
/// let model = train_outlet(&opts).unwrap();
/// assert_eq!(model.file().training_data.as_ref().unwrap().name, "articles.csv");
/// let card = model.file().metrics.as_ref().unwrap();
/// assert_eq!(card.fixed_cv_authorial.voice, VoiceFilter::Authorial);
/// assert_eq!(card.fixed_cv_authorial.outlets, 6);
/// assert!(card.nested_cv.is_none());
/// assert!(model.score_text("Conservatives praised tax cuts.", VoiceFilter::Authorial).slant > 0.0);
/// ```
pub fn train_outlet(opts: &TrainOutletOptions) -> Result<OutletModel> {
    let t0 = Instant::now();
    let (data, info) = outlet_data(&opts.data, &opts.spec, opts.params.min_df)?;
    log(
        opts.progress,
        t0,
        &format!(
            "{} articles from {} outlets featurised ({} n-grams kept)",
            data.len(),
            data.group_names.len(),
            data.vocab.len()
        ),
    );
    let vp = opts.params.check()?;
    let mut model = vp.fit(&data)?;
    let choice = model.file().chosen.clone();
    log(
        opts.progress,
        t0,
        &format!(
            "final model: {:?}, alpha {} vocabulary {}",
            opts.params.method, choice.alpha, choice.vocab_size
        ),
    );
    let fixed_cv_all = vp.cross_validate(&data, VoiceFilter::All, Some(&choice))?;
    log(opts.progress, t0, &cv_line(&fixed_cv_all));
    let fixed_cv_authorial = vp.cross_validate(&data, VoiceFilter::Authorial, Some(&choice))?;
    log(opts.progress, t0, &cv_line(&fixed_cv_authorial));
    let nested_cv = if opts.nested {
        let r = vp.cross_validate(&data, opts.params.voice, None)?;
        log(opts.progress, t0, &format!("nested {}", cv_line(&r)));
        Some(r)
    } else {
        None
    };
    let (mut stacked_cv, mut stacked_nested_cv) = (None, None);
    if let Some(st) = model.file().stack.clone() {
        log(
            opts.progress,
            t0,
            &format!(
                "source stacker: prior {} alpha {} outlets with >= {} articles (search score {:.4})",
                st.choice.prior, st.choice.alpha, st.choice.min_docs, st.choice.inner_score
            ),
        );
        let r = vp.cross_validate_stacked(&data, opts.params.voice, Some((&choice, &st.choice)))?;
        log(opts.progress, t0, &stacked_line(&r));
        stacked_cv = Some(r);
        if opts.nested {
            let r = vp.cross_validate_stacked(&data, opts.params.voice, None)?;
            log(opts.progress, t0, &stacked_line(&r));
            stacked_nested_cv = Some(r);
        }
    }
    let f = model.file_mut();
    f.training_data = Some(info);
    f.metrics = Some(OutletMetrics {
        nested_cv,
        fixed_cv_all,
        fixed_cv_authorial,
        stacked_cv,
        stacked_nested_cv,
    });
    std::fs::create_dir_all(&opts.model_dir).map_err(|e| Error::io(&opts.model_dir, e))?;
    let path = model.write_to(&opts.model_dir)?;
    log(opts.progress, t0, &format!("wrote {}", path.display()));
    Ok(model)
}

/// Recompute the outlet-slant card's leave-outlets-out metrics (all text
/// and authorial voice) with the card's hyper-parameters. `data` must be
/// the very file the model was trained on (its SHA-256 is checked first).
///
/// ```
/// use slant::scorers::data::LabelSpec;
/// use slant::scorers::outlet::{OutletParams, FILE_NAME};
/// use slant::scorers::train::{eval_outlet, train_outlet, TrainOutletOptions};
/// # let dir = tempfile::tempdir().unwrap();
/// # let csv = dir.path().join("articles.csv");
/// # std::fs::write(&csv, "text,bias,outlet\n\
/// #     Progressive activists demand climate justice now.,left,Left Daily\n\
/// #     Climate justice advocates and progressive groups rallied.,left,Left Daily\n\
/// #     Progressive groups want climate action.,left,Left Weekly\n\
/// #     The committee published its quarterly budget report.,center,Center Wire\n\
/// #     Officials released the quarterly budget figures.,center,Center Wire\n\
/// #     The quarterly budget report was released.,center,Center Post\n\
/// #     Conservatives defend border security and lower taxes.,right,Right Times\n\
/// #     Border security hawks and conservatives praised tax cuts.,right,Right Times\n\
/// #     Conservatives praised border security.,right,Right Herald\n").unwrap();
/// # let opts = TrainOutletOptions {
/// #     data: csv.clone(),
/// #     spec: LabelSpec { text_col: "text".into(), label_col: "bias".into(),
/// #         group_col: Some("outlet".into()), drop_labels: vec![] },
/// #     params: OutletParams { alphas: vec![0.1], vocab_sizes: vec![100], min_df: 1, min_groups: 1,
/// #         folds: 2, inner_folds: 2, ..OutletParams::default() },
/// #     model_dir: dir.path().join("models"), nested: false, progress: None,
/// # };
/// # train_outlet(&opts).unwrap();
/// // A model trained on `csv` (see `train_outlet`) and written to `models/`:
/// let checks = eval_outlet(&dir.path().join("models").join(FILE_NAME), &csv).unwrap();
/// assert!(checks.iter().any(|c| c.name == "outlet-slant authorial outlet_spearman"));
/// // Same data, folds and seed: the card is reproduced exactly.
/// assert!(checks.iter().all(|c| c.ok(1e-12)));
/// // A changed data file is refused.
/// std::fs::write(&csv, "text,bias,outlet\nA new article.,left,Left Daily\n").unwrap();
/// assert!(eval_outlet(&dir.path().join("models").join(FILE_NAME), &csv).is_err());
/// ```
pub fn eval_outlet(model_path: &Path, data: &Path) -> Result<Vec<Check>> {
    let model = OutletModel::load(model_path)?;
    let file = model.file();
    let info = card_data(file.training_data.as_ref(), data)?;
    let (d, _) = outlet_data(data, &info.columns, file.params.min_df)?;
    let vp = file.params.check()?;
    let card = file
        .metrics
        .as_ref()
        .ok_or_else(|| Error::usage("the model card has no metrics"))?;
    let mut out = Vec::new();
    for (voice, c) in [
        (VoiceFilter::All, &card.fixed_cv_all),
        (VoiceFilter::Authorial, &card.fixed_cv_authorial),
    ] {
        let cv = vp.cross_validate(&d, voice, Some(&file.chosen))?;
        let v = format!("{voice:?}").to_lowercase();
        push_checks(
            &mut out,
            &format!("outlet-slant {v}"),
            [
                ("article_macro_f1", c.article_macro_f1, cv.article_macro_f1),
                ("outlet_spearman", c.outlet_spearman, cv.outlet_spearman),
                (
                    "outlet_spearman_min5",
                    c.outlet_spearman_min5,
                    cv.outlet_spearman_min5,
                ),
                (
                    "outlet_spearman_shrunk",
                    c.outlet_spearman_shrunk,
                    cv.outlet_spearman_shrunk,
                ),
            ],
        );
        if voice == VoiceFilter::Authorial {
            // The folds themselves: the text-free check stays near zero.
            out.push(Check {
                name: "outlet-slant text-free fold prior spearman".into(),
                card: c.prior_only_spearman[0],
                recomputed: cv.prior_only_spearman[0],
            });
        }
    }
    if let (Some(st), Some(c)) = (&file.stack, &card.stacked_cv) {
        let cv = vp.cross_validate_stacked(&d, c.voice, Some((&file.chosen, &st.choice)))?;
        for (i, m) in ["", "_min5", "_min20"].iter().enumerate() {
            out.push(Check {
                name: format!("outlet-slant stacked outlet_spearman{m}"),
                card: c.spearman[i],
                recomputed: cv.spearman[i],
            });
        }
        for (i, l) in crate::scorers::outlet::LABELS.iter().enumerate() {
            out.push(Check {
                name: format!("outlet-slant stacked mean slant {l} (>= 20 articles)"),
                card: c.label_means_min20[i],
                recomputed: cv.label_means_min20[i],
            });
        }
    }
    Ok(out)
}
