//! What a run reads and how: the input [`Format`]s and [`ReadOptions`]
//! (columns, manifest, limits, source and group maps), used by the planner
//! and every reader.

use super::escape_path;
use super::paths::strip_gz;
use super::sourcemap::SourceMap;
use std::path::{Path, PathBuf};

/// Input file format.
///
/// [`plan`](super::plan) picks it from the file extension (`.csv`/`.tsv`, `.jsonl`,
/// `.txt`, each optionally `.gz`, and `.parquet`), sniffs the content when the extension
/// says nothing, and uses [`ReadOptions::format`] when it is set. A folder
/// is always [`Format::Text`].
///
/// ```
/// use slant::corpus::{plan, Format, ReadOptions};
/// # let dir = tempfile::tempdir().unwrap();
/// let export = dir.path().join("export.dat");
/// std::fs::write(&export, "source,text\nledger,Rebels seized the town.\n").unwrap();
/// let sniffed = plan(&[export.clone()], &ReadOptions::default()).unwrap();
/// assert_eq!(sniffed[0].format, Format::Csv);
/// let forced = ReadOptions { format: Some(Format::Text), ..Default::default() };
/// assert_eq!(plan(&[export], &forced).unwrap()[0].format, Format::Text);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// One document per file.
    Text,
    /// Delimited values with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
    /// Apache Parquet (`.parquet`), read a row group at a time; needs the
    /// `parquet` cargo feature (on by default).
    Parquet,
}

/// Paths in `run.json` are written as text: a name that is not valid UTF-8
/// has its stray bytes escaped ([`escape_path`]), so that names stay
/// distinct and the run does not fail at its very end.
pub(crate) fn ser_paths<S: serde::Serializer>(
    p: &[PathBuf],
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.collect_seq(p.iter().map(|p| escape_path(p)))
}

/// [`ser_paths`] for one path.
pub(crate) fn ser_path<S: serde::Serializer>(
    p: &Path,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&escape_path(p))
}

/// [`ser_paths`] for an optional path.
pub(crate) fn ser_opt_path<S: serde::Serializer>(
    p: &Option<PathBuf>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match p {
        Some(p) => s.serialize_some(&escape_path(p)),
        None => s.serialize_none(),
    }
}

/// How to read inputs: column names, manifest, limits.
///
/// Unset columns fall back to the usual names (`text`, `source`, `id`,
/// …); set them when an export uses other headers.
///
/// ```
/// use slant::corpus::{plan, read_inputs, Item, ReadOptions};
/// # let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("export.csv");
/// std::fs::write(&path, "headline;paper;story_body\n\
///     Base attacked;ledger;Militants attacked the base.\n").unwrap();
/// let opts = ReadOptions {
///     text_col: Some("story_body".into()),
///     source_col: Some("paper".into()),
///     title_col: Some("headline".into()),
///     delimiter: Some(b';'),
///     ..Default::default()
/// };
/// let mut docs = Vec::new();
/// read_inputs(&plan(&[path], &opts).unwrap(), &opts, &mut |item| {
///     if let Item::Doc(d) = item { docs.push(d) }
/// }).unwrap();
/// assert_eq!(docs[0].source, "ledger");
/// assert_eq!(docs[0].title.as_deref(), Some("Base attacked"));
/// ```
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReadOptions {
    /// Text column (default: first of text, body, content, article).
    pub text_col: Option<String>,
    /// Source column (default: first of source, outlet, publisher, site, domain).
    pub source_col: Option<String>,
    /// Id column (default: id if present, else FILE_STEM:RECORD).
    pub id_col: Option<String>,
    /// Story column (default: story if present).
    pub story_col: Option<String>,
    /// Date column (default: date if present).
    pub date_col: Option<String>,
    /// Title column (default: title if present).
    pub title_col: Option<String>,
    /// Manifest for text folders (`file,source[,story][,date]`); by default a
    /// `manifest.csv` at the folder's top is used when present.
    #[serde(serialize_with = "ser_opt_path")]
    pub manifest: Option<PathBuf>,
    /// CSV delimiter; sniffed from the header when absent.
    pub delimiter: Option<u8>,
    /// Force a format instead of guessing from the extension.
    pub format: Option<Format>,
    /// Largest document (bytes of text) accepted.
    pub max_doc_bytes: usize,
    /// Repair mojibake.
    pub repair: bool,
    /// Follow symlinks in input folders that lead outside the folder
    /// (by default they are skipped and listed). Recorded in `run.json`
    /// only when set.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub follow_symlinks: bool,
    /// Aliases of sources, applied to every record before it is counted
    /// (`--source-map`; see [`SourceMap`]). Recorded in `run.json` (file and
    /// SHA-256) when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_map: Option<SourceMap>,
    /// Input columns (CSV), keys (JSONL) or manifest columns (text
    /// folders) whose values every [`Document`](super::Document) carries
    /// in [`extra`](super::Document::extra), in this order, for
    /// `documents.csv` (`--keep-col`). Recorded in `run.json` when set.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keep_cols: Vec<String>,
    /// The column whose value names the group of a document's source
    /// (`--group-col`): carried after the kept columns, as the last value of
    /// [`Document::extra`](super::Document::extra). Recorded in `run.json`
    /// when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_col: Option<String>,
}

impl ReadOptions {
    /// The columns whose values a document carries in
    /// [`Document::extra`](super::Document::extra): the kept columns, then
    /// the group column (even when it is kept too), each with the option
    /// that asked for it (`keep` or `group`, for messages).
    ///
    /// ```
    /// use slant::corpus::ReadOptions;
    /// let opts = ReadOptions {
    ///     keep_cols: vec!["topic".into(), "label".into()],
    ///     group_col: Some("label".into()),
    ///     ..Default::default()
    /// };
    /// let cols: Vec<&str> = opts.extra_columns().map(|(c, _)| c).collect();
    /// assert_eq!(cols, ["topic", "label", "label"]);
    /// assert!(ReadOptions::default().extra_columns().next().is_none());
    /// ```
    pub fn extra_columns(&self) -> impl Iterator<Item = (&str, &'static str)> {
        (self.keep_cols.iter().map(|c| (c.as_str(), "keep")))
            .chain(self.group_col.iter().map(|c| (c.as_str(), "group")))
    }
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            text_col: None,
            source_col: None,
            id_col: None,
            story_col: None,
            date_col: None,
            title_col: None,
            manifest: None,
            delimiter: None,
            format: None,
            max_doc_bytes: 10 * 1024 * 1024,
            repair: true,
            follow_symlinks: false,
            source_map: None,
            keep_cols: Vec::new(),
            group_col: None,
        }
    }
}

/// The format a file's name says (`.gz` ignored), if any.
pub(crate) fn format_of(path: &Path) -> Option<Format> {
    let name = strip_gz(path).0.to_ascii_lowercase();
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "csv" | "tsv" | "tab" | "psv" => Some(Format::Csv),
        "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
        "txt" | "text" => Some(Format::Text),
        "parquet" | "pq" => Some(Format::Parquet),
        _ => None,
    }
}
