//! Reading a corpus: directories of `.txt` files (with an optional
//! manifest), CSV/TSV and JSONL exports, each optionally gzip-compressed,
//! and Parquet files.
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

#[cfg(feature = "parquet")]
mod batch;
mod columns;
pub mod date;
pub mod decode;
mod delimited;
mod gate;
mod groupmap;
mod jsonl;
mod open;
mod options;
#[cfg(feature = "parquet")]
mod parquet;
mod paths;
mod plan;
mod reader;
mod sourcemap;
mod table;
mod textfile;
mod walk;

#[cfg(feature = "parquet")]
pub use batch::BatchFeeder;
pub use gate::{InputStats, MadeUp, RecordGate, Skipped};
pub use groupmap::GroupMap;
pub(crate) use open::BytesRead;
pub(crate) use options::{ser_opt_path, ser_path, ser_paths};
pub use options::{Format, ReadOptions};
pub use paths::{escape_path, unescape_path};
pub use plan::{plan, InputPlan};
pub use reader::read_inputs;
pub(crate) use reader::{read_inputs_until, skipped_notes, why_nothing};
pub use sourcemap::SourceMap;

use std::fmt;
use std::sync::Arc;

/// Where a document or rejection came from: a file, and the 1-based line
/// and record number inside it (0 when the file is one document).
///
/// It displays as `FILE:LINE (record N)`, or just `FILE` for a whole file.
///
/// ```
/// use slant::corpus::Origin;
/// let row = Origin { file: "news.csv".into(), line: 3, record: 2 };
/// assert_eq!(row.to_string(), "news.csv:3 (record 2)");
/// let whole = Origin { file: "articles/a.txt".into(), line: 0, record: 0 };
/// assert_eq!(whole.to_string(), "articles/a.txt");
/// assert!(whole < row, "origins sort by file, then line");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin {
    /// The file path as given or found, as text ([`escape_path`]).
    pub file: Arc<str>,
    /// 1-based line of the record's first byte (0 = whole file).
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
///
/// The reader fills in the columns it found; an id is made up from the
/// file name and record number when there is no id column.
///
/// ```
/// use slant::corpus::{plan, read_inputs, Item, ReadOptions};
/// # let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("news.csv");
/// std::fs::write(&path, "source,story,title,text\n\
///     ledger,raid,Base attacked,Militants attacked the base.\n").unwrap();
/// let opts = ReadOptions::default();
/// let mut docs = Vec::new();
/// read_inputs(&plan(&[path], &opts).unwrap(), &opts, &mut |item| {
///     if let Item::Doc(d) = item { docs.push(d) }
/// }).unwrap();
/// let doc = &docs[0];
/// assert_eq!(doc.id, "news:1");
/// assert_eq!((doc.source.as_str(), doc.story.as_deref()), ("ledger", Some("raid")));
/// assert_eq!(doc.title.as_deref(), Some("Base attacked"));
/// assert_eq!(doc.text, "Militants attacked the base.");
/// assert_eq!((doc.origin.line, doc.encoding), (2, "UTF-8"));
/// ```
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
    /// Values of the columns [`ReadOptions::extra_columns`] asks for
    /// (`--keep-col`, then `--group-col`), in that order: empty when the
    /// record has no value (and no allocation when none is asked for).
    pub extra: Vec<String>,
}

impl Document {
    /// A document made in code rather than read from a file: no story,
    /// date or title, UTF-8, nothing repaired. Its origin is the whole
    /// "file" `(in memory)`, which is how messages and reports name it.
    ///
    /// ```
    /// use slant::corpus::Document;
    /// let d = Document::new("a1", "Ledger", "Militants attacked the base.")
    ///     .with_story("raid")
    ///     .with_date("2020-03-04")
    ///     .with_title("Base attacked");
    /// assert_eq!((d.id.as_str(), d.source.as_str()), ("a1", "Ledger"));
    /// assert_eq!(d.story.as_deref(), Some("raid"));
    /// assert_eq!(d.date.as_deref(), Some("2020-03-04"));
    /// assert_eq!(d.title.as_deref(), Some("Base attacked"));
    /// assert_eq!(d.origin.to_string(), "(in memory)");
    /// assert_eq!((d.encoding, d.repairs), ("UTF-8", 0));
    /// ```
    pub fn new(id: impl Into<String>, source: impl Into<String>, text: impl Into<String>) -> Self {
        Document {
            id: id.into(),
            source: source.into(),
            story: None,
            date: None,
            title: None,
            text: text.into(),
            origin: Origin {
                file: Arc::from("(in memory)"),
                line: 0,
                record: 0,
            },
            encoding: "UTF-8",
            repairs: 0,
            extra: Vec::new(),
        }
    }

    /// The same document with story (event) id `story`.
    ///
    /// ```
    /// use slant::corpus::Document;
    /// let d = Document::new("a1", "Ledger", "Rebels fled.").with_story("raid");
    /// assert_eq!(d.story.as_deref(), Some("raid"));
    /// ```
    pub fn with_story(mut self, story: impl Into<String>) -> Self {
        self.story = Some(story.into());
        self
    }

    /// The same document with date `date` (kept as given).
    ///
    /// ```
    /// use slant::corpus::Document;
    /// let d = Document::new("a1", "Ledger", "Rebels fled.").with_date("4 March 2020");
    /// assert_eq!(d.date.as_deref(), Some("4 March 2020"));
    /// ```
    pub fn with_date(mut self, date: impl Into<String>) -> Self {
        self.date = Some(date.into());
        self
    }

    /// The document's date read into a calendar day (see
    /// [`date::parse_date`] for the formats): `None` without a date.
    ///
    /// ```
    /// use slant::corpus::Document;
    /// let d = Document::new("a1", "Ledger", "Rebels fled.").with_date("March 4, 2020");
    /// assert_eq!(d.parsed_date().unwrap().unwrap().to_string(), "2020-03-04");
    /// let d = Document::new("a2", "Ledger", "Rebels fled.").with_date("2020-02-30");
    /// assert!(d.parsed_date().unwrap().is_err());
    /// assert!(Document::new("a3", "Ledger", "Rebels fled.").parsed_date().is_none());
    /// ```
    pub fn parsed_date(&self) -> Option<Result<date::Date, date::DateError>> {
        self.date.as_deref().map(date::parse_date)
    }

    /// The same document with title `title` (analyzed as its first
    /// paragraph).
    ///
    /// ```
    /// use slant::corpus::Document;
    /// let d = Document::new("a1", "Ledger", "Rebels fled.").with_title("Retreat");
    /// assert_eq!(d.title.as_deref(), Some("Retreat"));
    /// ```
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }
}

/// A record that could not be analyzed, and why.
///
/// ```
/// use slant::corpus::{plan, read_inputs, Item, ReadOptions};
/// # let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("news.csv");
/// std::fs::write(&path, "id,source,text\n\
///     a1,ledger,Militants attacked the base.\n\
///     a2,,Rebels attacked the base.\n").unwrap();
/// let opts = ReadOptions::default();
/// let mut rejected = Vec::new();
/// read_inputs(&plan(&[path], &opts).unwrap(), &opts, &mut |item| {
///     if let Item::Rejected(r) = item { rejected.push(r) }
/// }).unwrap();
/// assert_eq!(rejected.len(), 1);
/// assert_eq!(rejected[0].id.as_deref(), Some("a2"));
/// assert_eq!(rejected[0].reason, "empty source");
/// assert_eq!(rejected[0].origin.line, 3);
/// ```
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
///
/// ```
/// use slant::corpus::{plan, read_inputs, Item, ReadOptions};
/// # let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("news.jsonl");
/// std::fs::write(&path, concat!(
///     r#"{"source": "ledger", "text": "Militants attacked the base."}"#, "\n",
///     r#"{"source": "wire", "text": ""}"#, "\n",
/// )).unwrap();
/// let opts = ReadOptions::default();
/// let (mut docs, mut rejected) = (0, 0);
/// read_inputs(&plan(&[path], &opts).unwrap(), &opts, &mut |item| match item {
///     Item::Doc(_) => docs += 1,
///     Item::Rejected(_) => rejected += 1,
/// }).unwrap();
/// assert_eq!((docs, rejected), (1, 1));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A document to analyze.
    Doc(Document),
    /// A record that was read but cannot be analyzed.
    Rejected(Rejection),
}
