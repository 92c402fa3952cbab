//! Arrow record batches as records: the rows of a Parquet file or of an
//! in-memory frame (the Python package's `pyarrow` tables) pushed through
//! the [`RecordGate`] with the same column flags as CSV and JSONL.

use super::columns::resolve_columns;
use super::decode::repair_mojibake;
use super::gate::{record_id, RecordGate};
use super::options::ReadOptions;
use super::{Document, Origin};
use crate::error::{Error, Result};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type, UInt64Type,
    UInt8Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Schema};
use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

/// Turns the rows of Arrow record batches into documents and rejections
/// through a [`RecordGate`], reading the columns [`ReadOptions`] names
/// (`--text-col`, `--source-col`, …, with the same defaults as CSV).
///
/// Text columns may be `Utf8`, `LargeUtf8`, `Utf8View` or a dictionary of
/// them; integer columns (an id) are read as their decimal text and
/// `Date32` columns as `YYYY-MM-DD`. A null is an empty value, so a null
/// text or source is rejected (`empty text`, `empty source`) like an
/// empty one. Rows are numbered from 1 across all the batches fed; the
/// row number is both the origin's line and its record.
///
/// ```
/// use arrow_array::{RecordBatch, StringArray, Int64Array};
/// use slant::corpus::{BatchFeeder, InputStats, Item, RecordGate, ReadOptions};
/// use std::sync::{atomic::AtomicBool, Arc};
/// let batch = RecordBatch::try_from_iter([
///     ("id", Arc::new(Int64Array::from(vec![7, 8])) as _),
///     ("outlet", Arc::new(StringArray::from(vec![Some("ledger"), Some("wire")])) as _),
///     ("text", Arc::new(StringArray::from(vec![Some("Rebels fled."), None])) as _),
/// ]).unwrap();
/// let opts = ReadOptions::default();
/// let mut feeder = BatchFeeder::new(&batch.schema(), &opts, "frame").unwrap();
/// let (stop, mut items) = (AtomicBool::new(false), Vec::new());
/// let mut sink = |item: Item| items.push(item);
/// let mut gate = RecordGate::new(&opts, &mut sink, &stop);
/// gate.begin_input(InputStats::new("frame", "dataframe"));
/// feeder.feed(&mut gate, &batch).unwrap();
/// let stats = gate.end_input();
/// assert_eq!((stats.read, stats.documents, stats.rejected), (2, 1, 1));
/// drop(gate);
/// let Item::Doc(d) = &items[0] else { panic!() };
/// assert_eq!((d.id.as_str(), d.source.as_str()), ("7", "ledger"));
/// let Item::Rejected(r) = &items[1] else { panic!() };
/// assert_eq!((r.reason.as_str(), r.origin.to_string().as_str()), ("empty text", "frame:2 (record 2)"));
///
/// // A column that is not there: the message lists those that are.
/// let wrong = ReadOptions { text_col: Some("body".into()), ..Default::default() };
/// let e = BatchFeeder::new(&batch.schema(), &wrong, "frame").unwrap_err();
/// assert!(e.to_string().contains("columns are: id, outlet, text"), "{e}");
/// ```
#[derive(Debug)]
pub struct BatchFeeder {
    text: usize,
    source: usize,
    id: Option<usize>,
    story: Option<usize>,
    date: Option<usize>,
    title: Option<usize>,
    extra: Vec<usize>,
    /// The columns of the schema, for messages.
    names: Vec<String>,
    file: Arc<str>,
    stem: String,
    /// Rows fed so far.
    rows: u64,
    /// Columns holding each row's file and 0-based row in it
    /// ([`with_origin_columns`](Self::with_origin_columns)).
    origin: Option<(usize, usize)>,
    /// The directory origin paths are written relative to
    /// ([`with_origin_base`](Self::with_origin_base)).
    origin_base: Option<String>,
}

impl BatchFeeder {
    /// Resolve the columns of `schema` that `opts` asks for; `name` names
    /// the input in origins and messages (a file path, or a frame's name).
    /// A missing or ambiguous column, or one of a type slant cannot read
    /// as text, is an error naming the input and listing its columns.
    pub fn new(schema: &Schema, opts: &ReadOptions, name: &str) -> Result<Self> {
        let path = Path::new(name);
        let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
        let cols = resolve_columns(opts, &names, path)?;
        let index = |c: &str| -> Result<usize> {
            let at: Vec<usize> = (0..names.len()).filter(|&i| names[i] == c).collect();
            match at[..] {
                [i] => {
                    let t = schema.field(i).data_type();
                    if readable(t) {
                        Ok(i)
                    } else {
                        Err(Error::input(
                            path,
                            format!(
                                "column `{c}` is of type {t}; slant reads text (Utf8, LargeUtf8, Utf8View, dictionary), integer and Date32 columns"
                            ),
                        ))
                    }
                }
                [] => Err(Error::input(
                    path,
                    format!("no column `{c}`; columns are: {}", names.join(", ")),
                )),
                _ => Err(Error::input(
                    path,
                    format!("{} columns are named `{c}`; rename all but one", at.len()),
                )),
            }
        };
        let opt = |c: &Option<String>| c.as_deref().map(index).transpose();
        let stem = Path::new(name)
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stem = stem
            .rsplit_once('.')
            .map_or(stem.clone(), |(s, _)| s.to_string());
        Ok(BatchFeeder {
            text: index(&cols.text)?,
            source: index(&cols.source)?,
            id: opt(&cols.id)?,
            story: opt(&cols.story)?,
            date: opt(&cols.date)?,
            title: opt(&cols.title)?,
            extra: cols.extra.iter().map(|c| index(c)).collect::<Result<_>>()?,
            names,
            file: name.into(),
            stem,
            rows: 0,
            origin: None,
            origin_base: None,
        })
    }

    /// Take each row's origin from two columns of `schema`: `file` (text:
    /// the path a row was read from; a `file:` URI scheme is dropped) and
    /// `row` (an integer: its 0-based row in that file), as a cluster's
    /// reader of a Parquet file gives them (Spark's `_metadata.file_path`
    /// and `_metadata.row_index`). The documents' `file` and `line` are
    /// then those `slant analyze FILE` writes. A row where either is null
    /// keeps its position in the batches fed.
    ///
    /// ```
    /// use arrow_array::{Int64Array, RecordBatch, StringArray};
    /// use slant::corpus::{BatchFeeder, InputStats, Item, ReadOptions, RecordGate};
    /// use std::sync::{atomic::AtomicBool, Arc};
    /// let batch = RecordBatch::try_from_iter([
    ///     ("source", Arc::new(StringArray::from(vec!["ledger"])) as _),
    ///     ("text", Arc::new(StringArray::from(vec!["Rebels fled."])) as _),
    ///     ("f", Arc::new(StringArray::from(vec!["file:/data/x.parquet"])) as _),
    ///     ("r", Arc::new(Int64Array::from(vec![41])) as _),
    /// ]).unwrap();
    /// let opts = ReadOptions::default();
    /// let mut feeder = BatchFeeder::new(&batch.schema(), &opts, "frame").unwrap()
    ///     .with_origin_columns(&batch.schema(), "f", "r").unwrap();
    /// let (stop, mut items) = (AtomicBool::new(false), Vec::new());
    /// let mut sink = |item: Item| items.push(item);
    /// let mut gate = RecordGate::new(&opts, &mut sink, &stop);
    /// gate.begin_input(InputStats::new("frame", "dataframe"));
    /// feeder.feed(&mut gate, &batch).unwrap();
    /// drop(gate);
    /// let Item::Doc(d) = &items[0] else { panic!() };
    /// assert_eq!(d.origin.to_string(), "/data/x.parquet:42 (record 42)");
    /// assert_eq!(d.id, "x:42"); // made up as for the file itself
    /// ```
    pub fn with_origin_columns(mut self, schema: &Schema, file: &str, row: &str) -> Result<Self> {
        let find = |c: &str, ok: fn(&DataType) -> bool| -> Result<usize> {
            let i = schema.index_of(c).map_err(|_| {
                Error::input(
                    Path::new(&*self.file),
                    format!("no column `{c}`; columns are: {}", self.names.join(", ")),
                )
            })?;
            let t = schema.field(i).data_type();
            if ok(t) {
                Ok(i)
            } else {
                Err(Error::input(
                    Path::new(&*self.file),
                    format!("origin column `{c}` is of type {t}"),
                ))
            }
        };
        let f = find(file, |t| {
            matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
        })?;
        let r = find(row, |t| t.is_integer())?;
        self.origin = Some((f, r));
        Ok(self)
    }

    /// Write origin paths (of [`with_origin_columns`](Self::with_origin_columns))
    /// under the directory `base` relative to it, as `slant analyze` run in
    /// `base` names a file given by its relative path: a cluster reports
    /// `file:///home/me/x.parquet`, and `slant analyze x.parquet` run in
    /// `/home/me` writes `x.parquet`. Paths elsewhere stay absolute.
    ///
    /// ```
    /// use arrow_array::{Int64Array, RecordBatch, StringArray};
    /// use slant::corpus::{BatchFeeder, InputStats, Item, ReadOptions, RecordGate};
    /// use std::sync::{atomic::AtomicBool, Arc};
    /// let batch = RecordBatch::try_from_iter([
    ///     ("source", Arc::new(StringArray::from(vec!["ledger", "wire"])) as _),
    ///     ("text", Arc::new(StringArray::from(vec!["Rebels fled.", "Rebels fled."])) as _),
    ///     ("f", Arc::new(StringArray::from(vec!["file:///home/me/my%20data/x.parquet",
    ///                                           "file:///srv/y.parquet"])) as _),
    ///     ("r", Arc::new(Int64Array::from(vec![0, 0])) as _),
    /// ]).unwrap();
    /// let opts = ReadOptions::default();
    /// let mut feeder = BatchFeeder::new(&batch.schema(), &opts, "frame").unwrap()
    ///     .with_origin_columns(&batch.schema(), "f", "r").unwrap()
    ///     .with_origin_base("/home/me/");
    /// let (stop, mut items) = (AtomicBool::new(false), Vec::new());
    /// let mut sink = |item: Item| items.push(item);
    /// let mut gate = RecordGate::new(&opts, &mut sink, &stop);
    /// gate.begin_input(InputStats::new("frame", "dataframe"));
    /// feeder.feed(&mut gate, &batch).unwrap();
    /// drop(gate);
    /// let files: Vec<String> = items.iter().map(|i| match i {
    ///     Item::Doc(d) => d.origin.file.to_string(),
    ///     _ => panic!(),
    /// }).collect();
    /// assert_eq!(files, ["my data/x.parquet", "/srv/y.parquet"]);
    /// ```
    pub fn with_origin_base(mut self, base: &str) -> Self {
        let base = base.trim_end_matches('/');
        self.origin_base = Some(format!("{base}/"));
        self
    }

    /// The indices of the schema's columns that are read, for a reader
    /// that can leave the others out (a Parquet projection), sorted.
    pub fn used_columns(&self) -> Vec<usize> {
        let mut v: Vec<usize> = [self.text, self.source]
            .into_iter()
            .chain(
                [self.id, self.story, self.date, self.title]
                    .into_iter()
                    .flatten(),
            )
            .chain(self.extra.iter().copied())
            .chain(self.origin.into_iter().flat_map(|(f, r)| [f, r]))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The column names of the schema.
    pub fn column_names(&self) -> &[String] {
        &self.names
    }

    /// Push every row of `batch` (of the schema given to [`new`](Self::new),
    /// or of [`used_columns`](Self::used_columns) only, in that order) through
    /// `gate`. Stops early, without error, when the gate is stopped.
    pub fn feed(&mut self, gate: &mut RecordGate<'_>, batch: &RecordBatch) -> Result<()> {
        if gate.stats.columns.is_empty() {
            gate.stats.columns = self.names.clone();
        }
        let projected = batch.num_columns() != self.names.len();
        let used = self.used_columns();
        let col = |i: usize| -> Result<Strings<'_>> {
            let at = if projected {
                used.iter().position(|&u| u == i).unwrap_or(usize::MAX)
            } else {
                i
            };
            let a = batch.columns().get(at).ok_or_else(|| {
                Error::input(
                    Path::new(&*self.file),
                    format!("a batch lacks the column `{}`", self.names[i]),
                )
            })?;
            Strings::of(a).ok_or_else(|| {
                Error::input(
                    Path::new(&*self.file),
                    format!(
                        "column `{}` is of type {} in a batch",
                        self.names[i],
                        a.data_type()
                    ),
                )
            })
        };
        let text = col(self.text)?;
        let source = col(self.source)?;
        let opt = |i: Option<usize>| i.map(col).transpose();
        let (id, story, date, title) = (
            opt(self.id)?,
            opt(self.story)?,
            opt(self.date)?,
            opt(self.title)?,
        );
        let extra: Vec<Strings<'_>> = self.extra.iter().map(|&i| col(i)).collect::<Result<_>>()?;
        let origin = match self.origin {
            Some((f, r)) => Some((col(f)?, col(r)?)),
            None => None,
        };
        // The last origin file seen, as text and with its stem.
        let mut last: Option<(String, Arc<str>, String)> = None;
        let repair = gate.opts.repair;
        for row in 0..batch.num_rows() {
            if gate.stopped() {
                break;
            }
            self.rows += 1;
            let at = origin.as_ref().and_then(|(f, r)| {
                let n: u64 = r.get(row)?.parse().ok()?;
                Some((f.get(row)?, n + 1))
            });
            let (file, stem, n) = match at {
                Some((uri, n)) => {
                    if last.as_ref().is_none_or(|(p, _, _)| *p != *uri) {
                        let path = origin_path(&uri, self.origin_base.as_deref());
                        let name = Path::new(&path)
                            .file_name()
                            .map(|f| f.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        let stem = name
                            .rsplit_once('.')
                            .map_or(name.clone(), |(s, _)| s.to_string());
                        last = Some((uri.to_string(), Arc::from(path), stem));
                    }
                    let (_, file, stem) = last.as_ref().expect("set above");
                    (file.clone(), stem.as_str(), n)
                }
                None => (self.file.clone(), self.stem.as_str(), self.rows),
            };
            let origin = Origin {
                file,
                line: n,
                record: n,
            };
            let get = |c: &Option<Strings<'_>>| {
                c.as_ref()
                    .and_then(|c| c.get(row))
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
            };
            let mut repairs = 0;
            let mut fix = |s: Cow<'_, str>| -> String {
                if !repair {
                    return s.into_owned();
                }
                let (fixed, n) = repair_mojibake(&s);
                repairs += n;
                match fixed {
                    Cow::Borrowed(_) => s.into_owned(),
                    Cow::Owned(o) => o,
                }
            };
            let text_v = fix(text.get(row).unwrap_or_default());
            let source_v = fix(source.get(row).unwrap_or_default());
            let title_v = title
                .as_ref()
                .and_then(|c| c.get(row))
                .filter(|s| !s.trim().is_empty())
                .map(&mut fix);
            let (id_v, made) = record_id(get(&id), stem, n);
            let doc = Document {
                id: id_v,
                source: source_v,
                story: get(&story),
                date: get(&date),
                title: title_v,
                text: text_v,
                origin,
                encoding: "UTF-8",
                repairs,
                extra: (extra.iter())
                    .map(|c| c.get(row).map_or(String::new(), |s| s.trim().to_string()))
                    .collect(),
            };
            gate.admit(doc, made);
        }
        Ok(())
    }
}

/// Whether slant can read a column of type `t` as text.
/// The path of an origin column's value: a `file:` URI (`file:///x`,
/// `file://localhost/x`, `file:/x`) loses its scheme and its percent
/// escapes (`%20` is a space); a plain path is kept as it is. Under `base`
/// (ending in `/`) it is made relative to it.
fn origin_path(uri: &str, base: Option<&str>) -> String {
    let path = match uri
        .strip_prefix("file://")
        .map(|p| p.strip_prefix("localhost").unwrap_or(p))
        .or_else(|| uri.strip_prefix("file:"))
    {
        Some(p) => percent_decode(p),
        None => uri.to_string(),
    };
    match base.and_then(|b| path.strip_prefix(b)) {
        Some(rel) if !rel.is_empty() => rel.to_string(),
        _ => path,
    }
}

/// `%XX` escapes decoded (invalid ones kept as written; bytes that are not
/// UTF-8 replaced).
fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn readable(t: &DataType) -> bool {
    use DataType::*;
    match t {
        Utf8 | LargeUtf8 | Utf8View | Int8 | Int16 | Int32 | Int64 | UInt8 | UInt16 | UInt32
        | UInt64 | Date32 => true,
        Dictionary(_, v) => matches!(**v, Utf8 | LargeUtf8 | Utf8View),
        _ => false,
    }
}

/// A column read as text, row by row.
enum Strings<'a> {
    Utf8(&'a arrow_array::StringArray),
    Large(&'a arrow_array::LargeStringArray),
    View(&'a arrow_array::StringViewArray),
    /// A dictionary: each row's key into its values.
    Dict(Vec<Option<usize>>, Box<Strings<'a>>),
    /// Integers and dates: each row's value as text.
    Other(&'a ArrayRef),
}

impl<'a> Strings<'a> {
    fn of(a: &'a ArrayRef) -> Option<Self> {
        Some(match a.data_type() {
            DataType::Utf8 => Strings::Utf8(a.as_string::<i32>()),
            DataType::LargeUtf8 => Strings::Large(a.as_string::<i64>()),
            DataType::Utf8View => Strings::View(a.as_string_view()),
            DataType::Dictionary(_, _) => {
                let d = a.as_any_dictionary();
                let keys = d.normalized_keys();
                let keys = (0..a.len())
                    .map(|i| a.is_valid(i).then(|| keys[i]))
                    .collect();
                Strings::Dict(keys, Box::new(Strings::of(d.values())?))
            }
            t if readable(t) => Strings::Other(a),
            _ => return None,
        })
    }

    /// Row `i`'s value; `None` for a null.
    fn get(&self, i: usize) -> Option<Cow<'a, str>> {
        macro_rules! int {
            ($a:expr, $t:ty) => {
                $a.as_primitive::<$t>().value(i).to_string()
            };
        }
        match self {
            Strings::Utf8(a) => a.is_valid(i).then(|| Cow::Borrowed(a.value(i))),
            Strings::Large(a) => a.is_valid(i).then(|| Cow::Borrowed(a.value(i))),
            Strings::View(a) => a.is_valid(i).then(|| Cow::Borrowed(a.value(i))),
            Strings::Dict(keys, values) => keys[i].and_then(|k| values.get(k)),
            Strings::Other(a) => {
                if !a.is_valid(i) {
                    return None;
                }
                Some(Cow::Owned(match a.data_type() {
                    DataType::Int8 => int!(a, Int8Type),
                    DataType::Int16 => int!(a, Int16Type),
                    DataType::Int32 => int!(a, Int32Type),
                    DataType::Int64 => int!(a, Int64Type),
                    DataType::UInt8 => int!(a, UInt8Type),
                    DataType::UInt16 => int!(a, UInt16Type),
                    DataType::UInt32 => int!(a, UInt32Type),
                    DataType::UInt64 => int!(a, UInt64Type),
                    DataType::Date32 => date32(a.as_primitive::<Date32Type>().value(i)),
                    _ => return None,
                }))
            }
        }
    }
}

/// Days since 1970-01-01 as `YYYY-MM-DD` (proleptic Gregorian).
fn date32(days: i32) -> String {
    // Howard Hinnant's civil_from_days.
    let z = i64::from(days) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_days() {
        for (days, s) in [
            (0, "1970-01-01"),
            (-1, "1969-12-31"),
            (18_325, "2020-03-04"),
            (11_016, "2000-02-29"),
            (-719_468, "0000-03-01"),
        ] {
            assert_eq!(date32(days), s, "{days}");
        }
    }

    #[test]
    fn origin_paths() {
        let base = Some("/home/me/");
        for (uri, base, want) in [
            ("file:///home/me/x.parquet", base, "x.parquet"),
            ("file:/home/me/d/x.parquet", base, "d/x.parquet"),
            ("file://localhost/home/me/x.parquet", base, "x.parquet"),
            ("file:///home/me/a%20b/x%25.parquet", base, "a b/x%.parquet"),
            ("file:///home/mex.parquet", base, "/home/mex.parquet"),
            ("file:///srv/x.parquet", base, "/srv/x.parquet"),
            ("file:///srv/x.parquet", None, "/srv/x.parquet"),
            ("/srv/100%25.parquet", None, "/srv/100%25.parquet"),
            ("s3://bucket/x.parquet", base, "s3://bucket/x.parquet"),
            ("file:///x%zz%4", None, "/x%zz%4"),
            ("file:///x%C3%A9", None, "/x\u{e9}"),
        ] {
            assert_eq!(origin_path(uri, base), want, "{uri}");
        }
    }
}
