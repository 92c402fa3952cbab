//! Training and evaluation runs behind `slant train` and `slant eval`:
//! read the labelled data, featurise, cross-validate, fit, write the model
//! file, and compare recomputed metrics with a model card.

use super::data::{read_labelled, LabelSpec};
use super::loaded::{LoadedData, LoadedMetrics, LoadedModel, LoadedParams};
use super::outlet::{OutletCv, OutletData, OutletMetrics, OutletModel, OutletParams};
use super::textfeat::Featurizer;
use super::textfeat::VoiceFilter;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Options of `slant train loaded`.
#[derive(Debug, Clone)]
pub struct TrainLoadedOptions {
    /// The labelled CSV/JSONL.
    pub data: PathBuf,
    /// Columns and dropped labels.
    pub spec: LabelSpec,
    /// The label of loaded rows.
    pub positive: String,
    /// Training settings.
    pub params: LoadedParams,
    /// Where to write `loaded-language.json`.
    pub model_dir: PathBuf,
    /// Also run the nested cross-validation (slower).
    pub nested: bool,
    /// Print progress.
    pub verbose: bool,
}

fn log(verbose: bool, t0: Instant, msg: &str) {
    if verbose {
        eprintln!("[{:>6.1}s] {msg}", t0.elapsed().as_secs_f64());
    }
}

/// Read and featurise the loaded-language training data.
pub fn loaded_data(
    data: &Path,
    spec: &LabelSpec,
    positive: &str,
) -> Result<(LoadedData, super::data::DataInfo)> {
    let (docs, info) = read_labelled(data, spec)?;
    if !docs.iter().any(|d| d.label == positive) {
        return Err(Error::usage(format!(
            "no row has label {positive:?} in column {:?}",
            spec.label_col
        )));
    }
    let fz = Featurizer::new();
    Ok((LoadedData::from_docs(&fz, &docs, positive), info))
}

/// Train the loaded-language model and write it; returns the model.
pub fn train_loaded(opts: &TrainLoadedOptions) -> Result<LoadedModel> {
    let t0 = Instant::now();
    let (data, info) = loaded_data(&opts.data, &opts.spec, &opts.positive)?;
    log(
        opts.verbose,
        t0,
        &format!(
            "{} rows featurised ({} n-grams)",
            data.len(),
            data.vocab.len()
        ),
    );
    let vp = opts.params.clone().check()?;
    let mut model = vp.fit(&data)?;
    let choice = model.file().chosen.clone();
    log(
        opts.verbose,
        t0,
        &format!(
            "chosen alpha {} vocabulary {} threshold {:.3} (inner macro-F1 {:.4})",
            choice.alpha, choice.vocab_size, choice.threshold, choice.inner_macro_f1
        ),
    );
    let fixed_cv = vp.cross_validate(&data, Some(&choice))?;
    log(
        opts.verbose,
        t0,
        &format!("fixed-hyper-parameter CV macro-F1 {:.4}", fixed_cv.macro_f1),
    );
    let nested_cv = if !opts.nested {
        None
    } else {
        let r = vp.cross_validate(&data, None)?;
        log(
            opts.verbose,
            t0,
            &format!(
                "nested CV macro-F1 {:.4} accuracy {:.4} AUC {:.4}",
                r.macro_f1, r.accuracy, r.roc_auc
            ),
        );
        Some(r)
    };
    let f = model.file_mut();
    f.training_data = Some(info);
    f.positive_label = opts.positive.clone();
    f.metrics = Some(LoadedMetrics {
        nested_cv,
        fixed_cv,
    });
    std::fs::create_dir_all(&opts.model_dir).map_err(|e| Error::io(&opts.model_dir, e))?;
    let path = opts.model_dir.join(super::loaded::FILE_NAME);
    std::fs::write(&path, model.to_json()?).map_err(|e| Error::io(&path, e))?;
    log(opts.verbose, t0, &format!("wrote {}", path.display()));
    Ok(model)
}

/// Options of `slant train slant`.
#[derive(Debug, Clone)]
pub struct TrainSlantOptions {
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
    /// Print progress.
    pub verbose: bool,
}

/// Read and featurise outlet-labelled articles.
pub fn slant_data(
    data: &Path,
    spec: &LabelSpec,
    min_df: u32,
) -> Result<(OutletData, super::data::DataInfo)> {
    let (docs, info) = read_labelled(data, spec)?;
    Ok((OutletData::from_docs(&docs, min_df)?, info))
}

fn cv_line(c: &OutletCv) -> String {
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

/// Train the outlet-slant model and write it; returns the model.
pub fn train_slant(opts: &TrainSlantOptions) -> Result<OutletModel> {
    let t0 = Instant::now();
    let (data, info) = slant_data(&opts.data, &opts.spec, opts.params.min_df)?;
    log(
        opts.verbose,
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
        opts.verbose,
        t0,
        &format!(
            "final model: {:?}, alpha {} vocabulary {}",
            opts.params.method, choice.alpha, choice.vocab_size
        ),
    );
    let fixed_cv_all = vp.cross_validate(&data, VoiceFilter::All, Some(&choice))?;
    log(opts.verbose, t0, &cv_line(&fixed_cv_all));
    let fixed_cv_authorial = vp.cross_validate(&data, VoiceFilter::Authorial, Some(&choice))?;
    log(opts.verbose, t0, &cv_line(&fixed_cv_authorial));
    let nested_cv = if opts.nested {
        let r = vp.cross_validate(&data, opts.params.voice, None)?;
        log(opts.verbose, t0, &format!("nested {}", cv_line(&r)));
        Some(r)
    } else {
        None
    };
    let f = model.file_mut();
    f.training_data = Some(info);
    f.metrics = Some(OutletMetrics {
        nested_cv,
        fixed_cv_all,
        fixed_cv_authorial,
    });
    std::fs::create_dir_all(&opts.model_dir).map_err(|e| Error::io(&opts.model_dir, e))?;
    let path = opts.model_dir.join(super::outlet::FILE_NAME);
    std::fs::write(&path, model.to_json()?).map_err(|e| Error::io(&path, e))?;
    log(opts.verbose, t0, &format!("wrote {}", path.display()));
    Ok(model)
}

/// One metric compared by `slant eval`.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// Model and metric name.
    pub name: String,
    /// Value in the model card.
    pub card: f64,
    /// Recomputed value.
    pub recomputed: f64,
}

impl Check {
    /// Whether the two agree within `tolerance` (NaN only matches NaN).
    ///
    /// ```
    /// use slant::scorers::train::Check;
    /// let c = Check { name: "x".into(), card: 0.76, recomputed: 0.765 };
    /// assert!(c.ok(0.01));
    /// ```
    pub fn ok(&self, tolerance: f64) -> bool {
        (self.card.is_nan() && self.recomputed.is_nan())
            || (self.card - self.recomputed).abs() <= tolerance
    }
}

fn check_data(info: Option<&super::data::DataInfo>, path: &Path) -> Result<()> {
    if let Some(info) = info {
        let sha = super::model_file::file_sha256(path)?;
        if sha != info.sha256 {
            return Err(Error::usage(format!(
                "{}: SHA-256 {sha} differs from the model card's training data {} ({})",
                path.display(),
                info.name,
                info.sha256
            )));
        }
    }
    Ok(())
}

/// Recompute the loaded-language card's fixed-hyper-parameter CV metrics
/// (same folds, same seed, the card's chosen hyper-parameters).
pub fn eval_loaded(model_path: &Path, data: &Path) -> Result<Vec<Check>> {
    let model = LoadedModel::load(model_path)?;
    let file = model.file();
    check_data(file.training_data.as_ref(), data)?;
    let info = file
        .training_data
        .as_ref()
        .ok_or_else(|| Error::usage("the model card has no training data record"))?;
    let (d, _) = loaded_data(data, &info.columns, &file.positive_label)?;
    let vp = file.params.clone().check()?;
    let cv = vp.cross_validate(&d, Some(&file.chosen))?;
    let card = file
        .metrics
        .as_ref()
        .ok_or_else(|| Error::usage("the model card has no metrics"))?;
    let c = &card.fixed_cv;
    Ok(vec![
        Check {
            name: "loaded-language macro_f1".into(),
            card: c.macro_f1,
            recomputed: cv.macro_f1,
        },
        Check {
            name: "loaded-language accuracy".into(),
            card: c.accuracy,
            recomputed: cv.accuracy,
        },
        Check {
            name: "loaded-language roc_auc".into(),
            card: c.roc_auc,
            recomputed: cv.roc_auc,
        },
    ])
}

/// Recompute the outlet-slant card's leave-outlets-out metrics (all text
/// and authorial voice) with the card's hyper-parameters.
pub fn eval_slant(model_path: &Path, data: &Path) -> Result<Vec<Check>> {
    let model = OutletModel::load(model_path)?;
    let file = model.file();
    check_data(file.training_data.as_ref(), data)?;
    let info = file
        .training_data
        .as_ref()
        .ok_or_else(|| Error::usage("the model card has no training data record"))?;
    let (d, _) = slant_data(data, &info.columns, file.params.min_df)?;
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
        out.push(Check {
            name: format!("outlet-slant {v} article_macro_f1"),
            card: c.article_macro_f1,
            recomputed: cv.article_macro_f1,
        });
        out.push(Check {
            name: format!("outlet-slant {v} outlet_spearman"),
            card: c.outlet_spearman,
            recomputed: cv.outlet_spearman,
        });
        out.push(Check {
            name: format!("outlet-slant {v} outlet_spearman_min5"),
            card: c.outlet_spearman_min5,
            recomputed: cv.outlet_spearman_min5,
        });
        out.push(Check {
            name: format!("outlet-slant {v} outlet_spearman_shrunk"),
            card: c.outlet_spearman_shrunk,
            recomputed: cv.outlet_spearman_shrunk,
        });
        if voice == VoiceFilter::Authorial {
            // The folds themselves: the text-free check stays near zero.
            out.push(Check {
                name: "outlet-slant text-free fold prior spearman".into(),
                card: c.prior_only_spearman[0],
                recomputed: cv.prior_only_spearman[0],
            });
        }
    }
    Ok(out)
}
