//! Training and evaluation runs behind `slant train` and `slant eval`:
//! read the labelled data, featurise, cross-validate, fit, write the model
//! file, and compare recomputed metrics with a model card.

use crate::error::{Error, Result};
use crate::scorers::data::{read_labelled, LabelSpec};
use crate::scorers::loaded::{
    CorpusInfo, LoadedData, LoadedModel, LoadedParams, ValidationReport, ValidationSet,
};
use crate::scorers::outlet::{
    OutletCv, OutletData, OutletMetrics, OutletModel, OutletParams, StackedCv,
};
use crate::scorers::textfeat::Featurizer;
use crate::scorers::textfeat::VoiceFilter;
use crate::scorers::wordfeat::CorpusStats;
use std::path::{Path, PathBuf};
use std::time::Instant;

mod loaded;
mod outlet;

pub use loaded::*;
pub use outlet::*;

fn log(progress: Option<fn(&str)>, t0: Instant, msg: &str) {
    if let Some(f) = progress {
        f(&format!("[{:>6.1}s] {msg}", t0.elapsed().as_secs_f64()));
    }
}

/// One metric compared by `slant eval`.
///
/// ```
/// use slant::scorers::train::Check;
/// let same = Check { name: "outlet-slant all outlet_spearman_min5".into(),
///     card: f64::NAN, recomputed: f64::NAN };
/// assert!(same.ok(0.0)); // undefined in the card and undefined again
/// let drift = Check { name: "loaded-language macro_f1".into(), card: 0.77, recomputed: 0.74 };
/// assert!(!drift.ok(0.01));
/// ```
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

/// The model card's training-data record, once `path` is checked to be
/// that data (same SHA-256).
fn card_data<'a>(
    info: Option<&'a crate::scorers::data::DataInfo>,
    path: &Path,
) -> Result<&'a crate::scorers::data::DataInfo> {
    let info = info.ok_or_else(|| Error::usage("the model card has no training data record"))?;
    let sha = crate::scorers::model_file::file_sha256(path)?;
    if sha != info.sha256 {
        return Err(Error::usage(format!(
            "{}: SHA-256 {sha} differs from the model card's training data {} ({})",
            path.display(),
            info.name,
            info.sha256
        )));
    }
    Ok(info)
}

/// Append one [`Check`] per `(name, card, recomputed)`, named
/// `"{prefix} {name}"`.
fn push_checks<const N: usize>(out: &mut Vec<Check>, prefix: &str, rows: [(&str, f64, f64); N]) {
    out.extend(rows.into_iter().map(|(name, card, recomputed)| Check {
        name: format!("{prefix} {name}"),
        card,
        recomputed,
    }));
}
