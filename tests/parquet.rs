//! Parquet inputs (issue 21): the same records as a CSV give the same
//! reports; bad Parquet input gets the CLI's treatment (a missing column
//! stops with the columns the file has, null texts are rejections counted
//! in run.json, a truncated file is refused with its name, exit code 1).
#![cfg(feature = "parquet")]

use arrow_array::{ArrayRef, Int64Array, LargeStringArray, RecordBatch, StringArray};
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

fn slant(cwd: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_slant"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    out
}

const ROWS: [Row; 6] = [
    (
        "a1",
        "ledger",
        "2020-03-04",
        "Militants attacked the base. Rebels fled the town.",
    ),
    (
        "a2",
        "wire",
        "2020-03-05",
        "Insurgents attacked the base; the terrorists fled.",
    ),
    (
        "a3",
        "ledger",
        "2020-03-06",
        "Protesters marched. Rioters looted the shops.",
    ),
    (
        "a4",
        "post",
        "",
        "Freedom fighters seized the town after the raid.",
    ),
    (
        "a5",
        "wire",
        "2020-03-07",
        "Demonstrators gathered and the police cleared the square.",
    ),
    (
        "a6",
        "post",
        "2020-03-08",
        "Gunmen attacked the convoy, the army said.",
    ),
];

/// Write `batches` to `path` in row groups of `group` rows.
fn write_parquet(path: &Path, batches: &[RecordBatch], group: usize) {
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(group))
        .build();
    let file = std::fs::File::create(path).unwrap();
    let mut w = ArrowWriter::try_new(file, batches[0].schema(), Some(props)).unwrap();
    for b in batches {
        w.write(b).unwrap();
    }
    w.close().unwrap();
}

fn batch(cols: Vec<(&str, ArrayRef)>) -> RecordBatch {
    RecordBatch::try_from_iter(cols).unwrap()
}

type Row = (&'static str, &'static str, &'static str, &'static str);

fn strings(f: impl Fn(&Row) -> &'static str) -> ArrayRef {
    let v: Vec<Option<&str>> = ROWS
        .iter()
        .map(|r| Some(f(r)).filter(|s| !s.is_empty()))
        .collect();
    Arc::new(StringArray::from(v))
}

/// The same records as CSV and as Parquet (three row groups, a LargeUtf8
/// text column) give the same reports, row for row; only the inputs' names,
/// formats and hashes in run.json differ, and documents.csv's file column.
#[test]
fn parquet_reports_equal_csv_reports() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let mut csv = String::from("id,source,date,text\n");
    for (id, s, d, t) in ROWS {
        csv.push_str(&format!("{id},{s},{d},\"{t}\"\n"));
    }
    std::fs::write(p.join("news.csv"), csv).unwrap();
    let text: Vec<&str> = ROWS.iter().map(|r| r.3).collect();
    let b = batch(vec![
        ("id", strings(|r| r.0)),
        ("source", strings(|r| r.1)),
        ("date", strings(|r| r.2)),
        ("text", Arc::new(LargeStringArray::from(text))),
    ]);
    write_parquet(&p.join("news.parquet"), &[b], 2);
    for (input, out) in [("news.csv", "c"), ("news.parquet", "p")] {
        let o = slant(p, &["analyze", input, "-o", out, "--quiet", "--no-models"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let mut compared = 0;
    for entry in std::fs::read_dir(p.join("c")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if !name.ends_with(".csv") {
            continue;
        }
        let c = std::fs::read_to_string(p.join("c").join(&name)).unwrap();
        let q = std::fs::read_to_string(p.join("p").join(&name)).unwrap();
        if name == "documents.csv" {
            // Where each document came from differs (a CSV row's line
            // counts the header): all else is the same.
            let drop_origin = |t: &str| -> Vec<String> {
                t.lines()
                    .map(|l| {
                        let mut f: Vec<&str> = l.split(',').collect();
                        f.drain(6..8);
                        f.join(",")
                    })
                    .collect()
            };
            assert_eq!(drop_origin(&c), drop_origin(&q), "{name}");
            assert!(q.contains(",news.parquet,1,"), "{q}");
        } else {
            assert_eq!(c, q, "{name}");
        }
        compared += 1;
    }
    assert!(compared >= 5, "{compared}");
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p.join("p/run.json")).unwrap()).unwrap();
    assert_eq!(run["inputs"][0]["format"], "parquet");
    assert_eq!(run["inputs"][0]["read"], 6);
}

/// Null texts and sources are rejections (counted in run.json, listed in
/// rejected.csv with their row), never dropped; an integer id column is
/// read as its number.
#[test]
fn null_texts_are_rejections_counted_in_run_json() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let b = batch(vec![
        (
            "id",
            Arc::new(Int64Array::from(vec![10, 11, 12, 13])) as ArrayRef,
        ),
        (
            "source",
            Arc::new(StringArray::from(vec![
                Some("ledger"),
                Some("wire"),
                None,
                Some("post"),
            ])),
        ),
        (
            "text",
            Arc::new(StringArray::from(vec![
                Some("Rebels attacked the base."),
                None,
                Some("Insurgents fled."),
                Some("Militants fled."),
            ])),
        ),
    ]);
    write_parquet(&p.join("x.parquet"), &[b], 100);
    let o = slant(p, &["extract", "x.parquet", "-o", "out", "--quiet"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p.join("out/run.json")).unwrap()).unwrap();
    let i = &run["inputs"][0];
    assert_eq!(
        (
            i["read"].as_u64(),
            i["documents"].as_u64(),
            i["rejected"].as_u64()
        ),
        (Some(4), Some(2), Some(2))
    );
    let rejected = std::fs::read_to_string(p.join("out/rejected.csv")).unwrap();
    assert_eq!(
        rejected,
        "file,line,record,id,reason\nx.parquet,2,2,11,empty text\nx.parquet,3,3,12,empty source\n"
    );
    let docs = std::fs::read_to_string(p.join("out/documents.csv")).unwrap();
    assert!(
        docs.lines().nth(1).unwrap().starts_with("10,ledger,"),
        "{docs}"
    );
}

/// A missing column stops the run with the columns the file has; a
/// truncated file is refused with its name; both exit 1 with no reports.
#[test]
fn missing_columns_and_truncated_files_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let b = batch(vec![
        ("outlet", strings(|r| r.1)),
        ("body_html", strings(|r| r.3)),
    ]);
    write_parquet(&p.join("x.parquet"), &[b], 100);
    let o = slant(p, &["extract", "x.parquet", "-o", "out", "--quiet"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("x.parquet: missing required text column")
            && err.contains("columns are: outlet, body_html"),
        "{err}"
    );
    let o = slant(
        p,
        &[
            "extract",
            "x.parquet",
            "-o",
            "out",
            "--quiet",
            "--text-col",
            "body",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no column `body` for --text-col; columns are: outlet, body_html"),
        "{err}"
    );
    assert!(!p.join("out").exists());

    let whole = std::fs::read(p.join("x.parquet")).unwrap();
    for cut in [whole.len() - 3, whole.len() / 2, 4] {
        std::fs::write(p.join("cut.parquet"), &whole[..cut]).unwrap();
        let o = slant(
            p,
            &[
                "extract",
                "cut.parquet",
                "-o",
                "out",
                "--quiet",
                "--text-col",
                "body_html",
            ],
        );
        assert_eq!(o.status.code(), Some(1), "cut at {cut}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("cut.parquet: not a readable Parquet file"),
            "{err}"
        );
    }
    // Without the extension, the magic bytes tell it is Parquet.
    std::fs::write(p.join("export.dat"), &whole).unwrap();
    let o = slant(
        p,
        &[
            "extract",
            "export.dat",
            "-o",
            "out2",
            "--quiet",
            "--text-col",
            "body_html",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// `--output-format parquet` writes documents, evidence and sentences as
/// typed Parquet files holding the values of the CSV files (`--csv-raw`,
/// as Parquet cells are unguarded), and leaves the other reports as CSV.
#[test]
fn parquet_output_holds_the_csv_values_typed() {
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float64Type, Int64Type};
    use arrow_array::Array;
    use arrow_schema::DataType;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let mut csv = String::from("id,source,story,text,topic\n");
    for (i, (id, s, _, t)) in ROWS.iter().enumerate() {
        csv.push_str(&format!("{id},{s},raid{},\"={t}\",{}\n", i % 2, i * 7));
    }
    std::fs::write(p.join("news.csv"), csv).unwrap();
    let common = [
        "analyze",
        "news.csv",
        "--quiet",
        "--evidence",
        "all",
        "--keep-col",
        "topic",
    ];
    let o = slant(p, &[&common[..], &["-o", "c", "--csv-raw"]].concat());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = slant(
        p,
        &[&common[..], &["-o", "q", "--output-format", "parquet"]].concat(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for stem in ["documents", "evidence", "sentences"] {
        assert!(!p.join(format!("q/{stem}.csv")).exists(), "{stem}");
        let mut csv = csv::Reader::from_path(p.join(format!("c/{stem}.csv"))).unwrap();
        let header: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
        let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
        assert!(!rows.is_empty(), "{stem}");
        let f = std::fs::File::open(p.join(format!("q/{stem}.parquet"))).unwrap();
        let reader = ParquetRecordBatchReaderBuilder::try_new(f)
            .unwrap()
            .build()
            .unwrap();
        let mut at = 0;
        for batch in reader {
            let batch = batch.unwrap();
            let names: Vec<&String> = batch
                .schema_ref()
                .fields()
                .iter()
                .map(|f| f.name())
                .collect();
            assert_eq!(names, header.iter().collect::<Vec<_>>(), "{stem}");
            for (c, col) in batch.columns().iter().enumerate() {
                for r in 0..batch.num_rows() {
                    let cell = &rows[at + r][c];
                    let what = format!("{stem} row {} column {}", at + r, header[c]);
                    if col.is_null(r) {
                        assert_eq!(cell, "", "{what}");
                        continue;
                    }
                    match col.data_type() {
                        DataType::Utf8 => {
                            assert_eq!(col.as_string::<i32>().value(r), cell, "{what}")
                        }
                        DataType::Int64 => assert_eq!(
                            col.as_primitive::<Int64Type>().value(r),
                            cell.parse::<i64>().unwrap(),
                            "{what}"
                        ),
                        DataType::Float64 => assert_eq!(
                            col.as_primitive::<Float64Type>().value(r),
                            cell.parse::<f64>().unwrap(),
                            "{what}"
                        ),
                        t => panic!("{what}: type {t}"),
                    }
                }
            }
            at += batch.num_rows();
        }
        assert_eq!(at, rows.len(), "{stem}");
    }
    // Typed: counts are integers, scores floats, the kept column text.
    let f = std::fs::File::open(p.join("q/documents.parquet")).unwrap();
    let schema = ParquetRecordBatchReaderBuilder::try_new(f)
        .unwrap()
        .schema()
        .clone();
    let ty = |n: &str| schema.field_with_name(n).unwrap().data_type().clone();
    assert_eq!(
        (ty("tokens"), ty("armed_group_score"), ty("topic")),
        (DataType::Int64, DataType::Float64, DataType::Utf8)
    );
    for f in ["sources.csv", "rejected.csv", "families.csv"] {
        assert!(p.join("q").join(f).exists(), "{f}");
    }
    let run = std::fs::read_to_string(p.join("q/run.json")).unwrap();
    assert!(run.contains("\"output_format\": \"parquet\""), "{run}");
    assert!(!std::fs::read_to_string(p.join("c/run.json"))
        .unwrap()
        .contains("output_format"));
}
