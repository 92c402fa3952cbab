//! # slant
//!
//! Measure how news outlets frame the same events through word choice, and
//! score it with sound statistics.
//!
//! The modules follow the data: [`corpus`] reads and decodes documents,
//! [`text`] normalises and tokenises them (tokens carry byte offsets,
//! sentences, quotation spans), [`lexicon`] loads and matches word lists,
//! [`features`] turns a document into counts and mergeable aggregates
//! (and finds who is called what: [`features::referents`]), [`scorers`]
//! applies the learned models of `models/` to each document (and trains
//! them), [`estimators`] computes scores with uncertainty, and [`report`]
//! writes the CSV, Parquet, JSON and HTML reports. [`app`] wires them into
//! the runs the command-line tool and the Python package offer: `analyze`,
//! `extract`, partials and their merge. Beneath them all, [`error`] holds
//! the typed errors (with file, line and record) and [`stats`] the
//! numerical helpers.
//!
//! ```
//! // The shipped sample corpus, analyzed into a temporary directory.
//! let out = std::env::temp_dir().join(format!("slant-lib-doc-{}", std::process::id()));
//! let opts = slant::app::RunOptions {
//!     inputs: vec![slant::app::sample_corpus()],
//!     out_dir: out.clone(),
//!     quiet: true,
//!     ..Default::default()
//! };
//! let summary = slant::app::analyze(&opts).unwrap();
//! assert_eq!(summary.analyzed, 20);
//! assert!(out.join("sources.csv").is_file());
//! std::fs::remove_dir_all(&out).unwrap();
//! ```

#![warn(missing_docs)]

pub mod app;
pub mod corpus;
pub mod error;
pub mod estimators;
pub mod features;
pub mod lexicon;
pub mod report;
pub mod scorers;
pub mod stats;
pub mod text;

pub use error::{Error, ErrorKind, Problem, Result};
