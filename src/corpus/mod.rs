//! Reading a corpus: directories of `.txt` files (with an optional
//! manifest), CSV/TSV and JSONL exports, each optionally gzip-compressed.
//! Every record becomes either a [`Document`] or a [`Rejection`] naming its
//! file and line — nothing is dropped silently.
//!
//! ```no_run
//! use slant::corpus::{read_inputs, Item, ReadOptions};
//! let opts = ReadOptions::default();
//! let plan = slant::corpus::plan(&["articles/".into()], &opts).unwrap();
//! let stats = read_inputs(&plan, &opts, &mut |item| match item {
//!     Item::Doc(doc) => println!("{} from {}", doc.id, doc.source),
//!     Item::Rejected(r) => eprintln!("rejected {}: {}", r.origin, r.reason),
//! }).unwrap();
//! println!("{} documents read", stats.iter().map(|s| s.read).sum::<u64>());
//! ```

pub mod decode;
mod reader;

pub use reader::{plan, read_inputs, Format, InputPlan, InputStats, ReadOptions};

use std::fmt;
use std::sync::Arc;

/// Where a document or rejection came from: a file, and the 1-based line
/// and record number inside it (0 when the file is one document).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin {
    /// The file path as given or found.
    pub file: Arc<str>,
    /// 1-based line where the record starts (0 = whole file).
    pub line: u64,
    /// 1-based record number (data rows, not counting a header; 0 = whole file).
    pub record: u64,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.file)
        } else {
            write!(f, "{}:{} (record {})", self.file, self.line, self.record)
        }
    }
}

/// One article, decoded and ready for analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Identifier: the id column, or the path relative to the input folder,
    /// or `FILE_STEM:RECORD`.
    pub id: String,
    /// The outlet.
    pub source: String,
    /// Story / event id, if known.
    pub story: Option<String>,
    /// Date as given in the input.
    pub date: Option<String>,
    /// Title, if given.
    pub title: Option<String>,
    /// Body text (decoded, mojibake repaired, otherwise as in the input).
    pub text: String,
    /// Where it came from.
    pub origin: Origin,
    /// Encoding it was decoded from.
    pub encoding: &'static str,
    /// Mojibake sequences repaired in title and text.
    pub repairs: u32,
}

/// A record that could not be analysed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// Where it came from.
    pub origin: Origin,
    /// The record's id, when one could be read.
    pub id: Option<String>,
    /// Why it was rejected.
    pub reason: String,
}

/// What the reader yields for each record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A document to analyse.
    Doc(Document),
    /// A record that was read but cannot be analysed.
    Rejected(Rejection),
}
