//! # slant
//!
//! Measure how news outlets frame the same events through word choice, and
//! score it with sound statistics.
//!
//! The modules follow the data: [`corpus`] reads and decodes documents,
//! [`text`] normalises and tokenises them (tokens carry byte offsets,
//! sentences, quotation spans), [`lexicon`] loads and matches word lists,
//! [`features`] turns a document into counts and mergeable aggregates,
//! [`estimators`] computes scores with uncertainty, and [`report`] writes
//! the CSV, JSON and HTML reports. [`app`] wires them into the runs the
//! command-line tool offers.

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
