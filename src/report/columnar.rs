//! The per-document files as typed columns: `--output-format parquet`
//! writes `documents`, `evidence` and `sentences` as Parquet files whose
//! column types are declared here, once, beside the CSV headers.

use super::models::SENTENCES_HEADER;
use super::rows::EVIDENCE_HEADER;
use crate::error::{Error, Result};
use std::path::Path;

/// How the per-document files are written (`--output-format`).
///
/// ```
/// use slant::report::OutputFormat;
/// assert_eq!("parquet".parse::<OutputFormat>(), Ok(OutputFormat::Parquet));
/// assert_eq!(OutputFormat::default(), OutputFormat::Csv);
/// assert!("xlsx".parse::<OutputFormat>().is_err());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// CSV, as every other report.
    #[default]
    Csv,
    /// Parquet (zstd-compressed, typed columns) for `documents`,
    /// `evidence` and `sentences`; the other reports stay CSV.
    Parquet,
}

impl OutputFormat {
    /// Whether it is the default (CSV), so that `run.json` records the
    /// option only when it is set.
    ///
    /// ```
    /// assert!(slant::report::OutputFormat::Csv.is_csv());
    /// ```
    pub fn is_csv(&self) -> bool {
        *self == OutputFormat::Csv
    }
}

impl std::str::FromStr for OutputFormat {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "csv" => Ok(OutputFormat::Csv),
            "parquet" => Ok(OutputFormat::Parquet),
            _ => Err(format!("output format must be csv or parquet, got {s:?}")),
        }
    }
}

/// The type of a column of a per-document file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Text (`Utf8`).
    Text,
    /// A count or an offset (`Int64`).
    Int,
    /// A score, rate or probability (`Float64`).
    Float,
}

/// The files `--output-format parquet` writes as Parquet.
pub const PER_DOCUMENT_FILES: [&str; 3] = ["documents.csv", "evidence.csv", "sentences.csv"];

/// `evidence.csv`'s column types, in [`EVIDENCE_HEADER`] order.
const EVIDENCE_TYPES: [ColumnType; 13] = {
    use ColumnType::*;
    [
        Text, Text, Text, Int, Text, Text, Text, Text, Float, Text, Int, Int, Text,
    ]
};

/// `sentences.csv`'s column types, in [`SENTENCES_HEADER`] order.
const SENTENCES_TYPES: [ColumnType; 10] = {
    use ColumnType::*;
    [Text, Text, Int, Int, Int, Float, Float, Int, Text, Text]
};

/// The type of column `name` of the per-document file `file`
/// (`documents.csv` has a column per family and category: typed by their
/// suffix). A kept input column (`--keep-col`, `--group-col`) is text
/// whatever its name: pass `kept` for those.
///
/// ```
/// use slant::report::{column_type, ColumnType};
/// assert_eq!(column_type("documents.csv", "tokens", false), ColumnType::Int);
/// assert_eq!(column_type("documents.csv", "armed_group_score", false), ColumnType::Float);
/// assert_eq!(column_type("documents.csv", "hedge_count", true), ColumnType::Text);
/// assert_eq!(column_type("evidence.csv", "start", false), ColumnType::Int);
/// assert_eq!(column_type("sentences.csv", "probability", false), ColumnType::Float);
/// ```
pub fn column_type(file: &str, name: &str, kept: bool) -> ColumnType {
    use ColumnType::*;
    if kept {
        return Text;
    }
    let by_header = |header: &[&str], types: &[ColumnType]| {
        header
            .iter()
            .position(|h| *h == name)
            .map_or(Text, |i| types[i])
    };
    match file {
        "evidence.csv" => by_header(EVIDENCE_HEADER, &EVIDENCE_TYPES),
        "sentences.csv" => by_header(SENTENCES_HEADER, &SENTENCES_TYPES),
        _ => match name {
            "line" | "repairs" | "tokens" | "authorial_tokens" | "quoted_tokens" | "sentences" => {
                Int
            }
            "quote_share" | "loaded_mean" | "loaded_max" | "slant" | "p_left" | "p_center"
            | "p_right" => Float,
            n if n.ends_with("_matches") || n.ends_with("_count") => Int,
            n if n.ends_with("_score") || n.ends_with("_rate") || n.ends_with("_mean") => Float,
            _ => Text,
        },
    }
}

/// Rows per record batch (and so per Parquet page group) while converting.
#[cfg(feature = "parquet")]
const BATCH_ROWS: usize = 8192;

/// Rewrite the per-document CSV files of `dir` that exist as Parquet
/// (`documents.parquet`, …), streaming, and remove the CSV files. The last
/// `kept` columns of `documents.csv` are kept input columns (text).
/// Returns the Parquet files written.
#[cfg(feature = "parquet")]
pub fn write_parquet_outputs(dir: &Path, kept: usize) -> Result<Vec<String>> {
    let mut written = Vec::new();
    for file in PER_DOCUMENT_FILES {
        let csv_path = dir.join(file);
        if !csv_path.is_file() {
            continue;
        }
        let name = file.replace(".csv", ".parquet");
        let out = dir.join(&name);
        let kept = if file == "documents.csv" { kept } else { 0 };
        csv_to_parquet(&csv_path, &out, file, kept)?;
        std::fs::remove_file(&csv_path).map_err(|e| Error::io(&csv_path, e))?;
        written.push(name);
    }
    Ok(written)
}

/// Without the `parquet` feature: an error.
#[cfg(not(feature = "parquet"))]
pub fn write_parquet_outputs(dir: &Path, _kept: usize) -> Result<Vec<String>> {
    Err(Error::usage(format!(
        "{}: this slant was built without Parquet support (cargo feature `parquet`)",
        dir.display()
    )))
}

/// Convert one per-document CSV file into Parquet with its declared types:
/// empty cells are nulls.
#[cfg(feature = "parquet")]
fn csv_to_parquet(csv_path: &Path, out: &Path, file: &str, kept: usize) -> Result<()> {
    use arrow_array::builder::{Float64Builder, Int64Builder, StringBuilder};
    use arrow_array::{ArrayRef, RecordBatch};
    use arrow_schema::{DataType, Field, Schema};
    use parquet::arrow::ArrowWriter;
    use parquet::basic::{Compression, ZstdLevel};
    use parquet::file::properties::WriterProperties;
    use std::sync::Arc;

    let internal = |what: String| Error::input(out, what);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(csv_path)
        .map_err(|e| internal(format!("reading {}: {e}", csv_path.display())))?;
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| internal(e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    let n = header.len();
    let types: Vec<ColumnType> = (header.iter().enumerate())
        .map(|(i, h)| column_type(file, h, i + kept >= n))
        .collect();
    let schema = Arc::new(Schema::new(
        (header.iter().zip(&types))
            .map(|(h, t)| {
                let dt = match t {
                    ColumnType::Text => DataType::Utf8,
                    ColumnType::Int => DataType::Int64,
                    ColumnType::Float => DataType::Float64,
                };
                Field::new(h, dt, true)
            })
            .collect::<Vec<_>>(),
    ));
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .build();
    let f = std::fs::File::create(out).map_err(|e| Error::io(out, e))?;
    let mut w = ArrowWriter::try_new(f, schema.clone(), Some(props))
        .map_err(|e| internal(e.to_string()))?;
    enum B {
        T(StringBuilder),
        I(Int64Builder),
        F(Float64Builder),
    }
    let new_builders = || -> Vec<B> {
        types
            .iter()
            .map(|t| match t {
                ColumnType::Text => B::T(StringBuilder::new()),
                ColumnType::Int => B::I(Int64Builder::with_capacity(BATCH_ROWS)),
                ColumnType::Float => B::F(Float64Builder::with_capacity(BATCH_ROWS)),
            })
            .collect()
    };
    let mut builders = new_builders();
    let mut rows = 0usize;
    let flush = |builders: &mut Vec<B>, w: &mut ArrowWriter<std::fs::File>| -> Result<()> {
        let cols: Vec<ArrayRef> = builders
            .iter_mut()
            .map(|b| -> ArrayRef {
                match b {
                    B::T(b) => Arc::new(b.finish()),
                    B::I(b) => Arc::new(b.finish()),
                    B::F(b) => Arc::new(b.finish()),
                }
            })
            .collect();
        let batch = RecordBatch::try_new(schema.clone(), cols)
            .map_err(|e| Error::input(out, e.to_string()))?;
        w.write(&batch)
            .map_err(|e| Error::input(out, e.to_string()))
    };
    let mut rec = csv::StringRecord::new();
    let mut line = 1u64;
    loop {
        let more = rdr
            .read_record(&mut rec)
            .map_err(|e| internal(format!("reading {}: {e}", csv_path.display())))?;
        if !more {
            break;
        }
        line += 1;
        for ((b, cell), name) in builders.iter_mut().zip(rec.iter()).zip(&header) {
            let bad = || {
                internal(format!(
                    "{}: line {line}: `{cell}` in column `{name}` is not a number",
                    csv_path.display()
                ))
            };
            match b {
                B::T(b) if cell.is_empty() => b.append_null(),
                B::T(b) => b.append_value(cell),
                B::I(b) if cell.is_empty() => b.append_null(),
                B::I(b) => b.append_value(cell.parse().map_err(|_| bad())?),
                B::F(b) if cell.is_empty() => b.append_null(),
                B::F(b) => b.append_value(cell.parse().map_err(|_| bad())?),
            }
        }
        rows += 1;
        if rows == BATCH_ROWS {
            flush(&mut builders, &mut w)?;
            rows = 0;
        }
    }
    if rows > 0 || line == 1 {
        flush(&mut builders, &mut w)?;
    }
    w.close().map_err(|e| internal(e.to_string()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every column of the fixed headers has a declared type.
    #[test]
    fn types_cover_the_headers() {
        assert_eq!(EVIDENCE_TYPES.len(), EVIDENCE_HEADER.len());
        assert_eq!(SENTENCES_TYPES.len(), SENTENCES_HEADER.len());
    }
}
