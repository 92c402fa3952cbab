//! Learned scorers: models fitted with linfa on slant's own features and
//! shipped in `models/`.
//!
//! * [`loaded`] — sentence-level loaded-language probability (trained on
//!   BABE expert labels).
//! * [`outlet`] — document-level outlet slant, the expected label on the
//!   scale left −1, center 0, right 1 (an outlet-level ridge regression,
//!   or a linfa multinomial logistic regression giving `P(right) −
//!   P(left)`; trained on AllSides outlet labels, validated by leaving
//!   outlets out).
//!
//! Supporting modules: [`textfeat`] (features from slant's analysis),
//! [`vectorize`] (interned n-gram vocabulary, χ² selection, TF-IDF),
//! [`linear`] (linfa-logistic wrappers with a guaranteed orientation),
//! [`metrics`] (folds and metrics), [`model_file`] (versioned, checksummed
//! JSON), [`data`] (labelled corpora through slant's reader), [`scorer`]
//! (the [`Scorer`](scorer::Scorer) trait every model implements and the
//! typed scores), [`apply`] (the models found in a directory).
//!
//! ```
//! use slant::scorers::metrics::spearman;
//! assert!((spearman(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]) - 1.0).abs() < 1e-12);
//! ```

pub mod apply;
pub mod data;
pub mod linear;
pub mod loaded;
pub mod metrics;
pub mod model_file;
pub mod outlet;
pub mod scorer;
pub mod stack;
pub mod textfeat;
#[cfg(feature = "train")]
pub mod train;
pub mod vectorize;
pub mod wordcache;
pub mod wordfeat;
