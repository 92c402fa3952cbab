//! Partials: the part of a run that can be done apart, and its merge.
//!
//! `slant extract INPUT... --partial FILE` extracts everything the
//! statistics and reports need from some inputs (or a DataFrame's rows)
//! into one file: every document's and rejection's rows as `analyze` would
//! write them, with its input and position; the documents' summaries; the
//! summed counts, with the n-grams keyed over the partial's own word list;
//! the sentence table for boilerplate; the report's examples; input and
//! date statistics; and a key of the options and lexicons the extraction
//! used. `slant merge PARTIAL... -o DIR` puts partials together and writes
//! what `slant analyze` of all their inputs writes, byte for byte in every
//! CSV, whatever the order and grouping of the partials.
//!
//! The order of the documents is their input position: inputs in path
//! order (as `analyze` sorts them), records in file order; the rows of a
//! DataFrame (which have no file position) in order of id, then source.
//!
//! # The format (version 1)
//!
//! ```text
//! magic    8 bytes   "SLANTPRT"
//! version  u32 LE    1
//! length   u64 LE    bytes of the payload
//! sha256   32 bytes  of the payload
//! payload:
//!   meta length  u64 LE
//!   meta         deflate(postcard(PartialData)): everything but the rows
//!   blocks       per input, deflate(its items' rows, concatenated)
//! ```
//!
//! A file whose magic, version, length or checksum is not right is refused
//! before anything in it is read. The rows, most of a partial, are read
//! one input's block at a time while the merge writes them, so a merge
//! holds the partials' compressed bytes and their sums, not every row.

mod format;
mod merge;

use super::*;
use crate::corpus::RecordGate;
use crate::features::boilerplate::{SentenceEntry, SentenceTable};
use crate::features::AggregateParts;
use crate::report::Examples;
pub(in crate::app) use format::Collector;
pub use format::FORMAT_VERSION;
use format::*;
pub use merge::merge_named;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Read;

/// The options and lexicons that change what is extracted, as JSON: two
/// partials merge only when their keys are equal, and a merge's options
/// must give the same key.
pub(super) fn extraction_key(
    opts: &RunOptions,
    lex: &Lexicon,
    scorers: Option<&Scorers>,
) -> String {
    let lexicons: Vec<_> = lex
        .sources
        .iter()
        .map(|s| serde_json::json!({"format": s.format, "sha256": s.sha256}))
        .collect();
    let models: Vec<_> = scorers
        .map(|s| {
            s.info
                .iter()
                .map(|m| serde_json::json!({"kind": m.kind, "sha256": m.sha256}))
                .collect()
        })
        .unwrap_or_default();
    serde_json::json!({
        "read": opts.read,
        "features": opts.features,
        "csv": super::row_style(opts),
        "evidence_sentiment": opts.evidence_valence,
        "lexicons": lexicons,
        "models": models,
    })
    .to_string()
}

/// Where two keys differ, for the message: `read.source_col: "outlet" in
/// the partial, null here`.
fn key_difference(partial: &str, here: &str) -> String {
    let (Ok(a), Ok(b)) = (
        serde_json::from_str::<serde_json::Value>(partial),
        serde_json::from_str::<serde_json::Value>(here),
    ) else {
        return "the options differ".into();
    };
    fn walk(path: &str, a: &serde_json::Value, b: &serde_json::Value) -> Option<String> {
        match (a, b) {
            (serde_json::Value::Object(x), serde_json::Value::Object(y)) => {
                let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                keys.into_iter().find_map(|k| {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    let null = serde_json::Value::Null;
                    walk(&p, x.get(k).unwrap_or(&null), y.get(k).unwrap_or(&null))
                })
            }
            _ if a == b => None,
            _ => Some(format!("{path}: {a} in the partial, {b} here")),
        }
    }
    walk("", &a, &b).unwrap_or_else(|| "the options differ".into())
}

/// Read the inputs of `opts` and return a partial of them (see the
/// module's documentation): `slant extract INPUT... --partial FILE`.
///
/// ```
/// use slant::app::{extract_partial, merge_partials, RunOptions};
/// # let dir = tempfile::tempdir().unwrap();
/// let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
/// std::fs::write(&a, "id,source,text\n1,ledger,Rebels seized the town.\n").unwrap();
/// std::fs::write(&b, "id,source,text\n2,post,Insurgents seized the town.\n").unwrap();
/// let one = |input: &std::path::Path| RunOptions {
///     inputs: vec![input.to_path_buf()],
///     no_models: true,
///     ..RunOptions::default()
/// };
/// let parts = vec![extract_partial(&one(&b)).unwrap(), extract_partial(&one(&a)).unwrap()];
/// let out = dir.path().join("merged");
/// let merged = merge_partials(parts, &RunOptions { out_dir: out.clone(), ..one(&a) }).unwrap();
/// assert_eq!((merged.analyzed, merged.sources), (2, 2));
/// // The same reports as `analyze` of both inputs.
/// let whole = dir.path().join("whole");
/// slant::app::analyze(&RunOptions {
///     inputs: vec![a.clone(), b.clone()],
///     out_dir: whole.clone(),
///     ..one(&a)
/// })
/// .unwrap();
/// for f in ["documents.csv", "sources.csv", "families.csv", "terms.csv"] {
///     assert_eq!(std::fs::read(out.join(f)).unwrap(), std::fs::read(whole.join(f)).unwrap());
/// }
/// ```
pub fn extract_partial(opts: &RunOptions) -> Result<Vec<u8>> {
    let opts = RunOptions {
        extract_only: false,
        ..opts.clone()
    };
    let mut c = Collector::default();
    run(&opts, &Feed::Files, Some(&mut c))?;
    c.encode()
}

/// A partial of in-memory records (a DataFrame's rows): `feed` hands each
/// record to the gate ([`RecordGate::admit`] or [`RecordGate::reject`]),
/// which checks them as it checks records read from files; `input` names
/// the frame in `run.json` and messages. At the merge, a frame's documents
/// are ordered by id (then source), as its rows have no file position.
///
/// ```
/// use slant::app::{extract_partial_records, merge_partials, RunOptions};
/// use slant::corpus::{Document, MadeUp};
/// let opts = RunOptions { no_models: true, ..RunOptions::default() };
/// let rows = [("2", "post", "Insurgents seized the town."), ("1", "ledger", "Rebels seized it."), ("3", "post", " ")];
/// let part = |rows: &[(&str, &str, &str)]| {
///     extract_partial_records(&opts, "frame", &mut |gate| {
///         for (id, source, text) in rows {
///             gate.admit(Document::new(*id, *source, *text), MadeUp::default());
///         }
///         Ok(())
///     })
///     .unwrap()
/// };
/// let dir = tempfile::tempdir().unwrap();
/// let out = dir.path().join("merged");
/// let done = merge_partials(vec![part(&rows[..1]), part(&rows[1..])], &RunOptions { out_dir: out.clone(), ..opts.clone() }).unwrap();
/// assert_eq!((done.analyzed, done.rejected), (2, 1)); // the empty text is rejected
/// let docs = std::fs::read_to_string(out.join("documents.csv")).unwrap();
/// let ids: Vec<&str> = docs.lines().skip(1).map(|l| &l[..1]).collect();
/// assert_eq!(ids, ["1", "2"]); // by id
/// ```
pub fn extract_partial_records(
    opts: &RunOptions,
    input: &str,
    feed: &mut dyn FnMut(&mut RecordGate<'_>) -> Result<()>,
) -> Result<Vec<u8>> {
    let opts = RunOptions {
        extract_only: false,
        ..opts.clone()
    };
    let stop = AtomicBool::new(false);
    let mut items = Vec::new();
    let stats = {
        let mut sink = |item: Item| items.push(item);
        let mut gate = RecordGate::new(&opts.read, &mut sink, &stop);
        gate.begin_input(InputStats::new(input, "dataframe"));
        feed(&mut gate)?;
        gate.end_input()
    };
    let bytes = items
        .iter()
        .map(|i| match i {
            Item::Doc(d) => (d.text.len() + d.title.as_ref().map_or(0, |t| t.len() + 2)) as u64,
            Item::Rejected(_) => 0,
        })
        .sum();
    let feed = Feed::Records(Box::new(Mutex::new(Some((items, stats)))), bytes);
    let mut c = Collector {
        frame: true,
        ..Collector::default()
    };
    run(&opts, &feed, Some(&mut c))?;
    c.encode()
}

/// Merge partials (in any order) and write into `opts.out_dir` the reports
/// `analyze` writes for all their inputs. The options that change what is
/// extracted (columns, lexicons, models, n-gram and boilerplate settings)
/// must be those the partials were extracted with; the statistics' options
/// are free. See [`extract_partial`] for an example.
pub fn merge_partials(partials: Vec<Vec<u8>>, opts: &RunOptions) -> Result<RunSummary> {
    let named = partials
        .into_iter()
        .enumerate()
        .map(|(i, p)| (format!("partial {}", i + 1), p))
        .collect();
    merge_named(named, opts)
}
