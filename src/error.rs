//! Typed errors for the slant library.
//!
//! Errors follow the `csv` crate's shape: a small [`Error`] wrapping a boxed
//! [`ErrorKind`], so that `Result<T, Error>` stays one pointer wide on the hot
//! path while still carrying positions (file, line, record) for the message.

use std::fmt;
use std::path::PathBuf;

/// A convenient alias for results in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error from reading a corpus, loading a lexicon or writing reports.
///
/// ```
/// use slant::{Error, ErrorKind};
/// let err = Error::new(ErrorKind::Usage("no input given".into()));
/// assert_eq!(err.to_string(), "no input given");
/// assert!(err.is_usage());
/// ```
#[derive(Debug)]
pub struct Error(Box<ErrorKind>);

/// The specific kind of an [`Error`].
///
/// Match on [`Error::kind`] to get at the details, such as every problem
/// found in a lexicon file with its line.
///
/// ```
/// use slant::ErrorKind;
/// use slant::lexicon::Lexicon;
/// let toml = "[[category]]\nid = \"Hedges\"\nterms = [\"may\"]\n";
/// let err = Lexicon::from_toml_str("mine.toml", toml).unwrap_err();
/// match err.kind() {
///     ErrorKind::Lexicon { path, problems } => {
///         assert_eq!(path.to_str(), Some("mine.toml"));
///         assert_eq!(problems[0].line, 2);
///         assert!(problems[0].message.contains("snake_case"));
///     }
///     other => panic!("unexpected error: {other}"),
/// }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An I/O error on a named path.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A lexicon file with one or more problems, each with its line.
    #[error("{path}: {} problem(s) in lexicon:\n{}", problems.len(), problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Lexicon {
        /// The lexicon file (or a built-in name).
        path: PathBuf,
        /// All problems found, in line order.
        problems: Vec<Problem>,
    },
    /// An input file that cannot be read as a corpus at all (for example a
    /// CSV whose header lacks the text column).
    #[error("{path}: {message}")]
    Input {
        /// The input file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A fitted model file that cannot be used.
    #[error("{path}: {message}")]
    Model {
        /// The model file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// Options that cannot be used together or are out of range.
    #[error("{0}")]
    Usage(String),
    /// Writing a CSV report failed.
    #[error("writing {path}: {source}")]
    Csv {
        /// The report file.
        path: PathBuf,
        /// The underlying error.
        source: csv::Error,
    },
    /// Serialising JSON failed.
    #[error("writing JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A failure of slant itself, not of its input (exit code 2): an
    /// invariant that did not hold, or a partial that could not be encoded.
    #[error("internal error: {0}")]
    Internal(String),
    /// The run was interrupted before reports were complete.
    #[error("interrupted; previous reports left untouched")]
    Interrupted,
    /// The inputs gave no document to analyze (no `.txt` file in a folder,
    /// no record, or every record rejected); the message says why, and
    /// lists the columns or keys an input has when one that is read is
    /// missing.
    #[error("no document to analyse: {0}")]
    NothingToAnalyze(String),
    /// Moving finished reports into the output directory failed and could
    /// not be undone: the message says where the previous and the new
    /// reports are (the next run into the directory puts the previous ones
    /// back). See [`crate::report::Staging::commit`].
    #[error("{dir}: {message}")]
    Commit {
        /// The output directory.
        dir: PathBuf,
        /// What failed, and where each set of reports is.
        message: String,
    },
}

/// One problem found while loading a lexicon, with its 1-based line (0 when
/// the problem has no single line).
///
/// ```
/// // Also at `slant::lexicon::Problem`.
/// use slant::Problem;
/// let p = Problem { line: 3, message: "empty term".into() };
/// assert_eq!(p.to_string(), "line 3: empty term");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line number in the lexicon file, or 0.
    pub line: u32,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.message)
        } else {
            write!(f, "line {}: {}", self.line, self.message)
        }
    }
}

impl Error {
    /// Wrap an [`ErrorKind`].
    ///
    /// ```
    /// use slant::{Error, ErrorKind};
    /// let err = Error::new(ErrorKind::Interrupted);
    /// assert!(matches!(err.kind(), ErrorKind::Interrupted));
    /// assert_eq!(err.to_string(), "interrupted; previous reports left untouched");
    /// ```
    pub fn new(kind: ErrorKind) -> Error {
        Error(Box::new(kind))
    }

    /// The kind of this error.
    ///
    /// ```
    /// use slant::{Error, ErrorKind};
    /// let err = Error::input("feed.csv", "no `text` column");
    /// match err.kind() {
    ///     ErrorKind::Input { path, message } => {
    ///         assert_eq!(path.to_str(), Some("feed.csv"));
    ///         assert_eq!(message, "no `text` column");
    ///     }
    ///     other => panic!("unexpected error: {other}"),
    /// }
    /// ```
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// Unwrap into the kind, taking ownership of its fields (such as the
    /// underlying I/O error).
    ///
    /// ```
    /// use slant::{Error, ErrorKind};
    /// use std::io;
    /// let err = Error::io("corpus.csv", io::Error::from(io::ErrorKind::NotFound));
    /// let ErrorKind::Io { path, source } = err.into_kind() else {
    ///     panic!("not an I/O error");
    /// };
    /// assert_eq!(path.to_str(), Some("corpus.csv"));
    /// assert_eq!(source.kind(), io::ErrorKind::NotFound);
    /// ```
    pub fn into_kind(self) -> ErrorKind {
        *self.0
    }

    /// An I/O error on `path`. The message starts with the path, and the
    /// I/O error is the [`source`](std::error::Error::source).
    ///
    /// ```
    /// use slant::Error;
    /// use std::error::Error as _;
    /// let path = std::path::Path::new("no/such/corpus.csv");
    /// let err = std::fs::read(path).map_err(|e| Error::io(path, e)).unwrap_err();
    /// assert!(err.to_string().starts_with("no/such/corpus.csv: "));
    /// let source = err.source().unwrap().downcast_ref::<std::io::Error>().unwrap();
    /// assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
    /// ```
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::new(ErrorKind::Io {
            path: path.into(),
            source,
        })
    }

    /// A usage error with a message, which is also its whole display.
    ///
    /// ```
    /// use slant::{Error, ErrorKind};
    /// let err = Error::usage("no input files given");
    /// assert_eq!(err.to_string(), "no input files given");
    /// assert!(matches!(err.kind(), ErrorKind::Usage(_)));
    /// ```
    pub fn usage(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Usage(message.into()))
    }

    /// An unusable input file.
    ///
    /// ```
    /// use slant::{Error, ErrorKind};
    /// let err = Error::input("feed.csv", "header has no `text` column");
    /// assert_eq!(err.to_string(), "feed.csv: header has no `text` column");
    /// assert!(matches!(err.into_kind(), ErrorKind::Input { .. }));
    /// ```
    pub fn input(path: impl Into<PathBuf>, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Input {
            path: path.into(),
            message: message.into(),
        })
    }

    /// Whether this error is the user's to fix (bad input, options or
    /// lexicon), as opposed to an internal or environment failure. The CLI
    /// maps these to exit code 1.
    ///
    /// ```
    /// use slant::{Error, ErrorKind};
    /// assert!(Error::usage("bad option").is_usage());
    /// assert!(Error::input("feed.csv", "empty file").is_usage());
    /// let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
    /// assert!(Error::io("feed.csv", missing).is_usage());
    /// assert!(Error::new(ErrorKind::NothingToAnalyze("`in` holds no .txt file".into())).is_usage());
    /// assert!(!Error::new(ErrorKind::Interrupted).is_usage());
    /// ```
    pub fn is_usage(&self) -> bool {
        matches!(
            *self.0,
            ErrorKind::Usage(_)
                | ErrorKind::Lexicon { .. }
                | ErrorKind::Input { .. }
                | ErrorKind::Model { .. }
                | ErrorKind::Io { .. }
                | ErrorKind::NothingToAnalyze(_)
                | ErrorKind::Commit { .. }
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error::new(kind)
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Error {
        Error::new(ErrorKind::Json(e))
    }
}
