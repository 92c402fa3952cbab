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

use super::*;
use crate::corpus::RecordGate;
use crate::features::boilerplate::{SentenceEntry, SentenceTable};
use crate::features::AggregateParts;
use crate::report::Examples;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Read;

const MAGIC: &[u8; 8] = b"SLANTPRT";

/// The version of the partial format this slant writes and reads.
pub const FORMAT_VERSION: u32 = 1;

const HEADER_BYTES: usize = 8 + 4 + 8 + 32;

/// Everything a partial holds.
#[derive(Serialize, Deserialize)]
struct PartialData {
    /// [`extraction_key`] of the options used.
    key: String,
    /// Rows of a DataFrame (ordered by id), not files.
    frame: bool,
    /// The levels the rows were written at (0 none, 1 families/loaded,
    /// 2 all).
    evidence: u8,
    sentences: u8,
    inputs: Vec<InputPart>,
    aggregates: AggregateParts,
    sentence_table: Option<Vec<SentenceEntry>>,
    examples: Examples,
    dates: DateStats,
    date_range: Option<(String, String)>,
    text_bytes: u64,
}

#[derive(Serialize, Deserialize)]
struct InputPart {
    /// `run.json`'s `inputs` entry, as JSON.
    stats: String,
    /// Its size on disk (for a frame: its text bytes).
    bytes: u64,
    /// Where its rows' block is, after the meta: offset and length.
    block: (u64, u64),
    /// Its records in input order (a frame's: by id, source and rows).
    items: Vec<ItemPart>,
}

/// One record: a document or a rejection (its rows are in its input's
/// block).
#[derive(Serialize, Deserialize)]
struct ItemPart {
    /// A document's id and source (empty for a rejection).
    id: String,
    source: String,
    summary: Option<SummaryPart>,
    rejection: Option<RejectionPart>,
    /// Bytes of its rows in documents, evidence, sentences, rejected.
    lens: [u32; 4],
}

/// The rows of one record: documents, evidence, sentences, rejected.
type Rows = [Vec<u8>; 4];

#[derive(Serialize, Deserialize)]
struct SummaryPart {
    story: Option<String>,
    variants: Vec<(u32, u32)>,
    authorial_tokens: u64,
    categories: Vec<(u32, u32)>,
    date: Option<String>,
    model: Option<DocModelSummary>,
    group: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct RejectionPart {
    file: String,
    line: u64,
    record: u64,
    id: Option<String>,
    reason: String,
}

fn level_code<T: PartialEq>(level: T, levels: [T; 3]) -> u8 {
    levels.iter().position(|l| *l == level).unwrap_or(0) as u8
}

fn evidence_code(l: EvidenceLevel) -> u8 {
    level_code(
        l,
        [
            EvidenceLevel::None,
            EvidenceLevel::Families,
            EvidenceLevel::All,
        ],
    )
}

fn sentence_code(l: SentenceLevel) -> u8 {
    level_code(
        l,
        [
            SentenceLevel::None,
            SentenceLevel::Loaded,
            SentenceLevel::All,
        ],
    )
}

/// What a partial's extraction collects while the pipeline runs.
#[derive(Default)]
pub(super) struct Collector {
    frame: bool,
    items: Vec<(ItemPart, Rows)>,
    data: Option<PartialData>,
    blocks: Vec<u8>,
}

impl Collector {
    /// Take one analysed batch's rows and summaries, item by item.
    pub(super) fn add(&mut self, out: &mut BatchOut) {
        let mut prev = [0usize; 4];
        let mut summaries = std::mem::take(&mut out.summaries).into_iter();
        let mut rejections = out.rejections.iter();
        for m in out.marks.drain(..) {
            let cut = |buf: &[u8], i: usize| buf[prev[i]..m.ends[i]].to_vec();
            let summary = m
                .doc
                .then(|| summaries.next())
                .flatten()
                .map(|s| SummaryPart {
                    story: s.story.as_deref().map(str::to_string),
                    variants: s.variants,
                    authorial_tokens: s.authorial_tokens,
                    categories: s.categories,
                    date: s.date.map(|d| d.to_string()),
                    model: s.model,
                    group: s.group.as_deref().map(str::to_string),
                });
            let rejection = (!m.doc)
                .then(|| rejections.next())
                .flatten()
                .map(|r| RejectionPart {
                    file: r.origin.file.to_string(),
                    line: r.origin.line,
                    record: r.origin.record,
                    id: r.id.clone(),
                    reason: r.reason.clone(),
                });
            let rows = [
                cut(&out.documents, 0),
                cut(&out.evidence, 1),
                cut(&out.sentences, 2),
                cut(&out.rejected, 3),
            ];
            let item = ItemPart {
                id: m.id,
                source: m.source,
                summary,
                rejection,
                lens: [0; 4],
            };
            self.items.push((item, rows));
            prev = m.ends;
        }
    }

    /// After extraction: merge the workers' sums and keep everything for
    /// [`encode`](Self::encode).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn finish(
        &mut self,
        partials: Vec<Aggregates>,
        extractor: &Extractor,
        examples: Examples,
        summary: RunSummary,
        stats: Vec<InputStats>,
        input_bytes: Vec<u64>,
        levels: OutputLevels,
        key: String,
        pool: &rayon::ThreadPool,
    ) -> Result<()> {
        let mut partials = partials;
        partials.sort_by_key(|p| std::cmp::Reverse(p.vocab.len()));
        let mut partials = partials.into_iter();
        let mut agg = partials.next().unwrap_or_default();
        pool.install(|| {
            for p in partials {
                agg.merge(p);
            }
        });
        // Each item belongs to the input whose records it is among; each
        // input's rows go in one block.
        let items = std::mem::take(&mut self.items);
        let read: u64 = stats.iter().map(|s| s.read).sum();
        if read != items.len() as u64 {
            return Err(Error::new(ErrorKind::Internal(format!(
                "a partial counted {read} records read but holds {}",
                items.len()
            ))));
        }
        let mut items = items.into_iter();
        let mut inputs = Vec::with_capacity(stats.len());
        let internal = |e: std::io::Error| {
            Error::new(ErrorKind::Internal(format!(
                "cannot compress a partial: {e}"
            )))
        };
        for (s, bytes) in stats
            .iter()
            .zip(input_bytes.iter().copied().chain(std::iter::repeat(0)))
        {
            let mut mine: Vec<(ItemPart, Rows)> = items.by_ref().take(s.read as usize).collect();
            if self.frame {
                mine.sort_by(|(a, x), (b, y)| frame_order((a, x), (b, y)));
            }
            let start = self.blocks.len() as u64;
            let mut z = flate2::write::DeflateEncoder::new(
                std::mem::take(&mut self.blocks),
                flate2::Compression::fast(),
            );
            let mut metas = Vec::with_capacity(mine.len());
            for (mut item, rows) in mine {
                for (len, r) in item.lens.iter_mut().zip(&rows) {
                    *len = u32::try_from(r.len())
                        .map_err(|_| Error::new(ErrorKind::Internal("a row over 4 GiB".into())))?;
                    z.write_all(r).map_err(internal)?;
                }
                metas.push(item);
            }
            self.blocks = z.finish().map_err(internal)?;
            inputs.push(InputPart {
                stats: serde_json::to_string(s)?,
                bytes,
                block: (start, self.blocks.len() as u64 - start),
                items: metas,
            });
        }
        self.data = Some(PartialData {
            key,
            frame: self.frame,
            evidence: evidence_code(levels.evidence),
            sentences: sentence_code(levels.sentences),
            inputs,
            aggregates: pool.install(|| agg.to_parts()),
            sentence_table: extractor.sentence_table().map(SentenceTable::entries),
            examples,
            date_range: summary.dates.range_strings(),
            dates: summary.dates,
            text_bytes: summary.text_bytes,
        });
        Ok(())
    }

    /// The partial's bytes (see the module's format).
    fn encode(self) -> Result<Vec<u8>> {
        let internal = |what: &str, e: &dyn std::fmt::Display| {
            Error::new(ErrorKind::Internal(format!("cannot {what} a partial: {e}")))
        };
        let data = self
            .data
            .ok_or_else(|| Error::new(ErrorKind::Internal("no partial was extracted".into())))?;
        let raw = postcard::to_allocvec(&data).map_err(|e| internal("encode", &e))?;
        drop(data);
        let mut z = flate2::write::DeflateEncoder::new(
            Vec::with_capacity(raw.len() / 3),
            flate2::Compression::fast(),
        );
        z.write_all(&raw).map_err(|e| internal("compress", &e))?;
        let meta = z.finish().map_err(|e| internal("compress", &e))?;
        let mut payload = Vec::with_capacity(8 + meta.len() + self.blocks.len());
        payload.extend_from_slice(&(meta.len() as u64).to_le_bytes());
        payload.extend_from_slice(&meta);
        payload.extend_from_slice(&self.blocks);
        let mut out = Vec::with_capacity(HEADER_BYTES + payload.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(&Sha256::digest(&payload));
        out.extend_from_slice(&payload);
        Ok(out)
    }
}

/// The order of a frame's records: by id, source, then their rows (a
/// frame's rows have no position of their own).
fn frame_order((a, x): (&ItemPart, &Rows), (b, y): (&ItemPart, &Rows)) -> std::cmp::Ordering {
    (a.id.as_str(), a.source.as_str(), &x[3], &x[0]).cmp(&(
        b.id.as_str(),
        b.source.as_str(),
        &y[3],
        &y[0],
    ))
}

/// Reads one input's records with their rows, in block order.
struct Cursor<'a> {
    partial: usize,
    items: std::slice::Iter<'a, ItemPart>,
    rows: flate2::read::DeflateDecoder<&'a [u8]>,
}

impl<'a> Cursor<'a> {
    fn new(partial: usize, input: &'a InputPart, blocks: &'a [u8]) -> Option<Cursor<'a>> {
        let (at, len) = (input.block.0 as usize, input.block.1 as usize);
        let block = blocks.get(at..at.checked_add(len)?)?;
        Some(Cursor {
            partial,
            items: input.items.iter(),
            rows: flate2::read::DeflateDecoder::new(block),
        })
    }

    fn next(&mut self) -> Option<std::io::Result<(&'a ItemPart, Rows)>> {
        let item = self.items.next()?;
        let mut rows: Rows = Default::default();
        for (r, &len) in rows.iter_mut().zip(&item.lens) {
            r.resize(len as usize, 0);
            if let Err(e) = self.rows.read_exact(r) {
                return Some(Err(e));
            }
        }
        Some(Ok((item, rows)))
    }
}

/// Check a partial's header and checksum, then decode its meta; the rows'
/// blocks are returned as they are. `name` names it in messages.
fn decode<'a>(name: &str, bytes: &'a [u8]) -> Result<(PartialData, &'a [u8])> {
    let bad = |why: String| Error::input(name, why);
    if bytes.len() < HEADER_BYTES || &bytes[..8] != MAGIC {
        return Err(bad(
            "not a slant partial (made by `slant extract --partial`)".into(),
        ));
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if version != FORMAT_VERSION {
        return Err(bad(format!(
            "a partial of format version {version}; this slant reads version {FORMAT_VERSION} (extract it again with this slant)"
        )));
    }
    let length = u64::from_le_bytes(bytes[12..20].try_into().expect("8 bytes"));
    let payload = &bytes[HEADER_BYTES..];
    if payload.len() as u64 != length {
        return Err(bad(format!(
            "damaged partial: {} bytes of payload where the header says {length} (truncated or appended to?)",
            payload.len()
        )));
    }
    if Sha256::digest(payload).as_slice() != &bytes[20..52] {
        return Err(bad("damaged partial: its checksum does not match".into()));
    }
    let damaged = |e: &dyn std::fmt::Display| bad(format!("damaged partial: {e}"));
    let meta_len = payload
        .get(..8)
        .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")) as usize)
        .ok_or_else(|| damaged(&"no meta"))?;
    let meta = payload
        .get(8..8usize.saturating_add(meta_len))
        .ok_or_else(|| damaged(&"the meta is cut short"))?;
    let mut raw = Vec::new();
    flate2::read::DeflateDecoder::new(meta)
        .read_to_end(&mut raw)
        .map_err(|e| damaged(&e))?;
    let data: PartialData = postcard::from_bytes(&raw).map_err(|e| damaged(&e))?;
    Ok((data, &payload[8 + meta_len..]))
}

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
/// assert_eq!((merged.analysed, merged.sources), (2, 2));
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
/// assert_eq!((done.analysed, done.rejected), (2, 1)); // the empty text is rejected
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

/// An input of the merge: a file input of one partial, or a frame's rows
/// from every partial that has them.
struct MergedInput<'a> {
    path: String,
    stats: InputStats,
    bytes: u64,
    frame: bool,
    /// (partial, its input) holding the records.
    parts: Vec<(usize, &'a InputPart)>,
}

/// The next record of a frame from several partials: the smallest head of
/// their cursors ([`frame_order`]).
struct Head<'a> {
    item: &'a ItemPart,
    rows: Rows,
    cursor: usize,
}

impl PartialEq for Head<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}
impl Eq for Head<'_> {}
impl PartialOrd for Head<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Head<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        frame_order((self.item, &self.rows), (other.item, &other.rows))
            .then(self.cursor.cmp(&other.cursor))
    }
}

/// [`merge_partials`] with names for the partials (their paths) in
/// messages and `run.json`.
pub fn merge_named(partials: Vec<(String, Vec<u8>)>, opts: &RunOptions) -> Result<RunSummary> {
    let t0 = Instant::now();
    if partials.is_empty() {
        return Err(Error::usage("no partial given"));
    }
    let lex = load_lexicon(&opts.lexicons, opts.no_default_lexicons)?;
    check_limits(opts)?;
    let (est_opts, stopwords_info) = stopwords(opts)?;
    let scorers = load_scorers(opts)?;
    let key = extraction_key(opts, &lex, scorers.as_ref());
    let names: Vec<&str> = partials.iter().map(|(n, _)| n.as_str()).collect();
    let mut datas = Vec::with_capacity(partials.len());
    let mut sums = Vec::with_capacity(partials.len());
    for (name, bytes) in &partials {
        let (d, blocks) = decode(name, bytes)?;
        if d.key != key {
            return Err(Error::usage(format!(
                "{name} was extracted with other options than this merge's ({}); give `slant merge` the options given to `slant extract --partial`",
                key_difference(&d.key, &key)
            )));
        }
        sums.push(hex(&Sha256::digest(bytes)));
        datas.push((d, blocks));
    }
    let threads = if opts.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        opts.threads
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::usage(format!("cannot start {threads} threads: {e}")))?;

    // The inputs, in the order `analyze` reads them.
    let mut inputs: Vec<MergedInput> = Vec::new();
    let mut frames: HashMap<String, usize> = HashMap::new();
    for (p, (d, _)) in datas.iter().enumerate() {
        for part in &d.inputs {
            let stats: InputStats = serde_json::from_str(&part.stats)
                .map_err(|e| Error::input(names[p], format!("damaged partial: {e}")))?;
            if d.frame {
                if let Some(&i) = frames.get(&stats.path) {
                    let m: &mut MergedInput = &mut inputs[i];
                    m.stats.read += stats.read;
                    m.stats.documents += stats.documents;
                    m.stats.rejected += stats.rejected;
                    m.bytes += part.bytes;
                    m.parts.push((p, part));
                    continue;
                }
                frames.insert(stats.path.clone(), inputs.len());
            }
            inputs.push(MergedInput {
                path: stats.path.clone(),
                stats,
                bytes: part.bytes,
                frame: d.frame,
                parts: vec![(p, part)],
            });
        }
    }
    inputs.sort_by(|a, b| {
        corpus::unescape_path(&a.path)
            .cmp(&corpus::unescape_path(&b.path))
            .then(a.frame.cmp(&b.frame))
    });
    for w in inputs.windows(2) {
        if w[0].path == w[1].path {
            return Err(Error::usage(format!(
                "{} is in two partials ({} and {}): each input must be extracted once",
                w[0].path, names[w[0].parts[0].0], names[w[1].parts[0].0]
            )));
        }
    }

    // Output levels for the whole input, as `analyze` would choose them.
    let input_bytes: u64 = inputs.iter().map(|m| m.bytes).sum();
    let mut levels = OutputLevels::resolve(
        opts.evidence,
        opts.sentences,
        opts.evidence_valence,
        input_bytes,
    );
    if scorers.as_ref().is_none_or(|s| s.loaded.is_none()) {
        levels.sentences = SentenceLevel::None;
    }
    let (want_ev, want_sen) = (
        evidence_code(levels.evidence),
        sentence_code(levels.sentences),
    );
    for (p, (d, _)) in datas.iter().enumerate() {
        if d.evidence < want_ev || d.sentences < want_sen {
            return Err(Error::usage(format!(
                "{} holds evidence and sentences at levels {} and {}; this merge writes {} and {}: extract it again with --evidence {} --sentences {}, or merge with lower levels",
                names[p],
                d.evidence,
                d.sentences,
                levels.evidence,
                levels.sentences,
                levels.evidence,
                levels.sentences
            )));
        }
    }

    let staging = Staging::create_for(&opts.out_dir, "merge")?;
    let dir = staging.path().to_path_buf();
    let mut files = RowFiles::create(&dir, &lex, scorers.as_ref(), levels, &opts.read.keep_cols)?;
    let mut summary = RunSummary::default();
    let mut summaries: Vec<DocSummary> = Vec::new();
    let mut first_rejections: Vec<Rejection> = Vec::new();
    let mut seen: HashMap<(&str, &str), &str> = HashMap::new();
    let (mut ev_buf, mut sen_buf) = (Vec::new(), Vec::new());
    let stored: Vec<(u8, u8)> = datas
        .iter()
        .map(|(d, _)| (d.evidence, d.sentences))
        .collect();
    let damaged =
        |p: usize, e: std::io::Error| Error::input(names[p], format!("damaged partial: {e}"));
    for m in &inputs {
        let mut cursors = Vec::with_capacity(m.parts.len());
        for &(p, part) in &m.parts {
            cursors
                .push(Cursor::new(p, part, datas[p].1).ok_or_else(|| {
                    damaged(p, std::io::Error::other("a block is out of bounds"))
                })?);
        }
        // A file's records in order; a frame's from all its partials, by
        // id (each partial's are sorted already).
        let mut heads = std::collections::BinaryHeap::new();
        for (c, cur) in cursors.iter_mut().enumerate() {
            if let Some(next) = cur.next() {
                let (item, rows) = next.map_err(|e| damaged(cur.partial, e))?;
                heads.push(std::cmp::Reverse(Head {
                    item,
                    rows,
                    cursor: c,
                }));
            }
        }
        while let Some(std::cmp::Reverse(Head { item, rows, cursor })) = heads.pop() {
            let p = cursors[cursor].partial;
            if let Some(next) = cursors[cursor].next() {
                let (item, rows) = next.map_err(|e| damaged(p, e))?;
                heads.push(std::cmp::Reverse(Head { item, rows, cursor }));
            }
            if let Some(r) = &item.rejection {
                summary.rejected += 1;
                if first_rejections.len() < 50 {
                    first_rejections.push(Rejection {
                        origin: corpus::Origin {
                            file: r.file.as_str().into(),
                            line: r.line,
                            record: r.record,
                        },
                        id: r.id.clone(),
                        reason: r.reason.clone(),
                    });
                }
            }
            if let Some(s) = &item.summary {
                if let Some(first) = seen.insert((&item.source, &item.id), &m.path) {
                    return Err(Error::usage(format!(
                        "document id `{}` of source `{}` is in {first} and in {}: `analyze` would reject the second, but a partial's sums cannot leave it out; remove the duplicate and extract again",
                        item.id, item.source, m.path
                    )));
                }
                summary.analysed += 1;
                summaries.push(DocSummary {
                    source: item.source.as_str().into(),
                    story: s.story.as_deref().map(Into::into),
                    variants: s.variants.clone(),
                    authorial_tokens: s.authorial_tokens,
                    categories: s.categories.clone(),
                    date: s.date.as_deref().and_then(|d| d.parse().ok()),
                    model: s.model.clone(),
                    group: s.group.as_deref().map(Into::into),
                });
            }
            let (ev, sen) = stored[p];
            let [documents, evidence, sentences, rejected] = &rows;
            let evidence = filter_rows(evidence, &mut ev_buf, (ev, want_ev), 5, "family");
            let sentences = filter_rows(sentences, &mut sen_buf, (sen, want_sen), 7, "1");
            files.write(documents, evidence, sentences, rejected)?;
        }
    }
    files.finish(&dir, levels)?;
    if summary.analysed == 0 {
        return Err(Error::new(ErrorKind::NothingToAnalyse(format!(
            "the partials hold no document ({} records, all rejected)",
            summary.rejected
        ))));
    }

    // Examples and dates in order of the partials' first input.
    let mut order: Vec<usize> = (0..datas.len()).collect();
    let first_input = |p: usize| {
        inputs
            .iter()
            .position(|m| m.parts.iter().any(|&(q, _)| q == p))
            .unwrap_or(usize::MAX)
    };
    order.sort_by_key(|&p| (first_input(p), p));
    summary.read = inputs.iter().map(|m| m.stats.read).sum();
    summary.skipped = inputs.iter().map(|m| m.stats.skipped.len() as u64).sum();
    summary.inputs = inputs.iter().map(|m| m.stats.clone()).collect();
    drop(seen);
    drop(inputs);
    let mut examples = report::Examples::new(EXAMPLES_PER_FAMILY);
    let table = SentenceTable::keeping_words();
    let mut aggs = Vec::with_capacity(datas.len());
    let mut by_index: Vec<Option<PartialData>> = datas.into_iter().map(|(d, _)| Some(d)).collect();
    for p in order {
        let Some(d) = by_index[p].take() else {
            continue;
        };
        examples.merge(d.examples);
        let mut dates = d.dates;
        dates.range = match d.date_range {
            Some((a, b)) => a.parse().ok().zip(b.parse().ok()),
            None => None,
        };
        summary.dates.merge(dates);
        summary.text_bytes += d.text_bytes;
        if let Some(t) = d.sentence_table {
            table.absorb(t);
        }
        aggs.push(
            Aggregates::from_parts(&lex, d.aggregates)
                .map_err(|e| Error::input(names[p], format!("damaged partial: {e}")))?,
        );
    }
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    drop(partials);
    summary.date_range = summary.dates.range_strings();
    summary.partials = Some(serde_json::json!(names
        .iter()
        .zip(&sums)
        .map(|(n, s)| serde_json::json!({"partial": n, "sha256": s}))
        .collect::<Vec<_>>()));
    summary
        .timings
        .insert("extract_ms", t0.elapsed().as_millis());
    let progress = Progress::new(opts.progress && !opts.quiet, 0, &opts.messages);
    let tail = Tail {
        opts,
        lex: &lex,
        est_opts: &est_opts,
        stopwords_info,
        scorers: scorers.as_ref(),
        sentence_table: opts
            .features
            .ngrams
            .then_some(&table)
            .filter(|_| opts.features.boilerplate_min_docs > 0),
        pool: &pool,
        progress: &progress,
        dir: &dir,
        threads,
        levels,
    };
    let summary = tail.finish(aggs, summaries, examples, first_rejections, summary)?;
    interrupted(opts.cancel.flag())?;
    staging.commit()?;
    Ok(summary)
}

/// `rows` (CSV rows without a header) at level `want` from the level
/// `stored` they were written at: as they are when the two are equal, none
/// for level 0, else only the rows whose cell `column` is `keep` (the
/// middle level from the top one).
fn filter_rows<'a>(
    rows: &'a [u8],
    buf: &'a mut Vec<u8>,
    (stored, want): (u8, u8),
    column: usize,
    keep: &str,
) -> &'a [u8] {
    match want {
        w if w == stored => rows,
        0 => &[],
        _ => {
            buf.clear();
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(rows);
            let mut rec = csv::ByteRecord::new();
            let mut start = 0usize;
            while let Ok(true) = r.read_byte_record(&mut rec) {
                let end = r.position().byte() as usize;
                if rec.get(column) == Some(keep.as_bytes()) {
                    buf.extend_from_slice(&rows[start..end.min(rows.len())]);
                }
                start = end;
            }
            buf
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
