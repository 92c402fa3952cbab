//! The record gate every reader pushes its records through: limits,
//! empty fields, names, duplicate ids and the counts that reconcile.

use super::options::ReadOptions;
use super::{Document, Item, Origin, Rejection};
use rustc_hash::FxHashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Counts for one input, reconciled: `read == analyzed + rejected`.
///
/// ```
/// use slant::corpus::{plan, read_inputs, ReadOptions};
/// # let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("news.csv");
/// std::fs::write(&path, "id,source,text\n\
///     1,ledger,Rebels seized the town.\n\
///     1,ledger,Rebels seized the town again.\n").unwrap();
/// let opts = ReadOptions::default();
/// let stats = read_inputs(&plan(&[path], &opts).unwrap(), &opts, &mut |_| {}).unwrap();
/// let s = &stats[0];
/// assert_eq!((s.format.as_str(), s.files), ("csv", 1));
/// assert_eq!((s.read, s.documents, s.rejected), (2, 1, 1)); // duplicate id
/// assert_eq!(s.sha256.len(), 64);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct InputStats {
    /// The input path.
    pub path: String,
    /// Its format.
    pub format: String,
    /// Files read under it.
    pub files: u64,
    /// Records read (documents and rejections).
    pub read: u64,
    /// Records turned into documents (the analysis may still reject some,
    /// see the run's totals).
    pub documents: u64,
    /// Records rejected by the reader.
    pub rejected: u64,
    /// SHA-256 of the input's bytes (for folders: of the sorted list of
    /// `relative path, file hash`).
    pub sha256: String,
    /// The manifest used for a folder, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manifest: Option<String>,
    /// SHA-256 of the manifest's bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manifest_sha256: Option<String>,
    /// Manifest rows that name no file in the folder.
    #[serde(skip_serializing_if = "is_zero")]
    pub manifest_unmatched: u64,
    /// Entries left out on purpose ([`InputPlan::skipped`](super::InputPlan::skipped)).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<Skipped>,
    /// Records whose source the source map renamed, by the name as read
    /// (trimmed).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub renamed: std::collections::BTreeMap<String, u64>,
    /// The CSV header, or the keys of a JSONL input's first records (for
    /// messages).
    #[serde(skip)]
    pub(crate) columns: Vec<String>,
    /// Records rejected for lacking a field that is read (JSONL).
    #[serde(skip)]
    pub(crate) missing_field: u64,
}

impl InputStats {
    /// Zero counts for the input `path`, of format `format` (as written to
    /// `run.json`: `csv`, `jsonl`, `text`, or an entry point's own name).
    ///
    /// ```
    /// let s = slant::corpus::InputStats::new("frame", "dataframe");
    /// assert_eq!((s.path.as_str(), s.read), ("frame", 0));
    /// ```
    pub fn new(path: impl Into<String>, format: impl Into<String>) -> Self {
        InputStats {
            path: path.into(),
            format: format.into(),
            ..InputStats::default()
        }
    }
}

/// An entry of an input left out on purpose, and why (in `run.json`).
///
/// ```
/// use slant::corpus::{plan, read_inputs, ReadOptions, Skipped};
/// # let dir = tempfile::tempdir().unwrap();
/// let folder = dir.path().join("articles");
/// std::fs::create_dir(&folder).unwrap();
/// std::fs::write(folder.join("a.txt"), "Rebels seized the town.").unwrap();
/// std::fs::write(folder.join("notes.md"), "not an article").unwrap();
/// let opts = ReadOptions::default();
/// let stats = read_inputs(&plan(&[folder.clone()], &opts).unwrap(), &opts, &mut |_| {}).unwrap();
/// let note = Skipped {
///     file: folder.join("notes.md").to_str().unwrap().into(),
///     reason: "not .txt".into(),
/// };
/// assert_eq!(stats[0].skipped, [note]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Skipped {
    /// The entry's path ([`escape_path`](super::paths::escape_path)).
    pub file: String,
    /// Why it was left out.
    pub reason: String,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The gate every record passes: each one read becomes a [`Document`]
/// handed to the sink or a [`Rejection`] saying why, never nothing.
///
/// The gate checks what holds in every format: the text is not empty and
/// within [`ReadOptions::max_doc_bytes`] (title included), the source is
/// not empty, names read from the data are no longer than 1,024 bytes (a
/// longer one is a wrong column), and `(source, id)` is not seen twice in
/// the run. It counts what it saw per input ([`InputStats`]), so that
/// `read == documents + rejected` always. The readers of this crate push
/// their records through it; so does any other entry point (a data frame,
/// another file format), so its records are held to the same rules.
///
/// ```
/// use slant::corpus::{Document, InputStats, Item, MadeUp, Origin, ReadOptions, RecordGate};
/// use std::sync::atomic::AtomicBool;
/// let opts = ReadOptions::default();
/// let (stop, mut items) = (AtomicBool::new(false), Vec::new());
/// let mut sink = |item: Item| items.push(item);
/// let mut gate = RecordGate::new(&opts, &mut sink, &stop);
/// gate.begin_input(InputStats::new("frame", "dataframe"));
/// let row = |n: u64, text: &str| Document {
///     origin: Origin { file: "frame".into(), line: n, record: n },
///     ..Document::new("a1", "ledger", text)
/// };
/// gate.admit(row(1, "Rebels seized the town."), MadeUp::default());
/// gate.admit(row(2, "Rebels seized it again."), MadeUp::default()); // same id
/// gate.admit(row(3, "  "), MadeUp::default());
/// let stats = gate.end_input();
/// assert_eq!((stats.read, stats.documents, stats.rejected), (3, 1, 2));
/// drop(gate);
/// let Item::Rejected(r) = &items[1] else { panic!() };
/// assert_eq!(r.reason, "duplicate document id `a1` (first at frame:1)");
/// ```
pub struct RecordGate<'a> {
    pub(super) opts: &'a ReadOptions,
    sink: &'a mut dyn FnMut(Item),
    /// Set to stop reading (a Ctrl-C, a failed write).
    stop: &'a AtomicBool,
    /// The counts of the input being read.
    pub(super) stats: InputStats,
    /// 128-bit digest of (source, id) -> where it was first seen, over the
    /// whole run.
    seen_ids: FxHashMap<u128, (Arc<str>, u64)>,
    /// Input bytes read so far (on disk), when someone shows progress.
    pub(super) bytes_read: Option<super::open::BytesRead>,
}

impl<'a> RecordGate<'a> {
    /// A gate for one run, handing documents and rejections to `sink`.
    /// Readers stop at the next record once `stop` is set.
    pub fn new(opts: &'a ReadOptions, sink: &'a mut dyn FnMut(Item), stop: &'a AtomicBool) -> Self {
        RecordGate {
            opts,
            sink,
            stop,
            stats: InputStats::default(),
            seen_ids: FxHashMap::default(),
            bytes_read: None,
        }
    }

    /// Start counting a new input (`stats` names it; its counts are
    /// usually zero).
    pub fn begin_input(&mut self, stats: InputStats) {
        self.stats = stats;
    }

    /// The counts of the input being read, leaving the gate ready for the
    /// next one. Duplicate ids are still checked across inputs.
    pub fn end_input(&mut self) -> InputStats {
        std::mem::take(&mut self.stats)
    }

    /// Whether reading should stop.
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// Count a record that cannot become a document, and say why.
    pub fn reject(&mut self, origin: Origin, id: Option<String>, reason: String) {
        self.stats.read += 1;
        self.stats.rejected += 1;
        (self.sink)(Item::Rejected(Rejection { origin, id, reason }));
    }

    /// Admit a record already parsed or rejected (`None`: nothing pending).
    pub(super) fn flush(
        &mut self,
        item: Option<std::result::Result<(Document, MadeUp), Rejection>>,
    ) {
        match item {
            None => {}
            Some(Ok((doc, made))) => self.admit(doc, made),
            Some(Err(r)) => self.reject(r.origin, r.id, r.reason),
        }
    }

    /// Check a record that was read (the checks shared by all formats),
    /// then hand it on as a document or count it as rejected. The source is
    /// trimmed; `made` says which names were made up rather than read.
    pub fn admit(&mut self, mut doc: Document, made: MadeUp) {
        if doc.text.trim().is_empty() {
            return self.reject(doc.origin, Some(doc.id), "empty text".into());
        }
        // The analyzed text is title + blank line + body.
        let size = doc.text.len() + doc.title.as_ref().map_or(0, |t| t.len() + 2);
        if size > self.opts.max_doc_bytes {
            let reason = format!(
                "document is {size} bytes, over the --max-doc-bytes limit of {}",
                self.opts.max_doc_bytes
            );
            return self.reject(doc.origin, Some(doc.id), reason);
        }
        doc.source = doc.source.trim().to_string();
        if doc.source.is_empty() {
            return self.reject(doc.origin, Some(doc.id), "empty source".into());
        }
        let mapped = (self.opts.source_map.as_ref())
            .and_then(|m| m.get(&doc.source))
            .filter(|to| *to != doc.source);
        if let Some(to) = mapped {
            let n = self.stats.renamed.entry(doc.source).or_default();
            *n += 1;
            doc.source = to.to_string();
        }
        // Names are repeated on every row about the document (one per match
        // in evidence.csv): a text-sized one read from the data is a wrong
        // column, and would multiply the output. A name slant made from a
        // path is no column at all: a deep path is a fine id.
        for (what, value) in [
            ("source", Some(&doc.source).filter(|_| !made.source)),
            ("id", Some(&doc.id).filter(|_| !made.id)),
            ("story", doc.story.as_ref()),
            ("date", doc.date.as_ref()),
        ] {
            if let Some(v) = value.filter(|v| v.len() > MAX_NAME_BYTES) {
                let reason = format!(
                    "{what} is {} bytes, over the {MAX_NAME_BYTES}-byte limit for names (is the {what} column the right one?)",
                    v.len()
                );
                let id = (what != "id").then(|| doc.id.clone());
                return self.reject(doc.origin, id, reason);
            }
        }
        let mut key = id_key(&doc.source, &doc.id);
        // An id slant made up (file name, or FILE-STEM:RECORD) may repeat
        // across inputs with the same file names (two folders that each
        // hold nytimes.txt): the later document then takes its whole path
        // as its id. Ids from the data are never changed.
        if self.seen_ids.contains_key(&key) && made.id {
            if let Some(longer) = longer_generated_id(&doc) {
                let k = id_key(&doc.source, &longer);
                if !self.seen_ids.contains_key(&k) {
                    doc.id = longer;
                    key = k;
                }
            }
        }
        if let Some((file, line)) = self.seen_ids.get(&key) {
            let reason = if *line == 0 {
                format!("duplicate document id `{}` (first in {file})", doc.id)
            } else {
                format!(
                    "duplicate document id `{}` (first at {file}:{line})",
                    doc.id
                )
            };
            return self.reject(doc.origin, Some(doc.id), reason);
        }
        self.seen_ids
            .insert(key, (doc.origin.file.clone(), doc.origin.line));
        self.stats.read += 1;
        self.stats.documents += 1;
        (self.sink)(Item::Doc(doc));
    }
}

/// Which of a document's names slant made up from the file's path rather
/// than read from the data: such names are not checked against the name
/// limit, and a made-up id may be lengthened when it repeats.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MadeUp {
    /// The id is the path inside the folder, the file name, or
    /// `FILE_STEM:RECORD`.
    pub id: bool,
    /// The source is the file name's stem.
    pub source: bool,
}

/// A record's id: the one read, or `FILE_STEM:RECORD` (made up, so the
/// gate does not question it) when the record has none.
pub(super) fn record_id(id: Option<String>, stem: &str, record_no: u64) -> (String, MadeUp) {
    let made = MadeUp {
        id: id.is_none(),
        source: false,
    };
    (id.unwrap_or_else(|| format!("{stem}:{record_no}")), made)
}

/// The longest source, id, story or date read from the data, in bytes.
pub(super) const MAX_NAME_BYTES: usize = 1024;

/// For a document whose id slant made up, a longer id naming the file by
/// its whole path: `PATH` for a whole-file document, `PATH:RECORD` for a
/// record.
pub(super) fn longer_generated_id(doc: &Document) -> Option<String> {
    let file = &*doc.origin.file;
    let longer = if doc.origin.record == 0 {
        if cfg!(windows) {
            file.replace('\\', "/")
        } else {
            file.to_string()
        }
    } else {
        format!("{file}:{}", doc.origin.record)
    };
    (longer != doc.id).then_some(longer)
}

/// A 128-bit digest of a document's (source, id) for duplicate detection:
/// two SipHash-1-3 halves with different prefixes, so a false "duplicate"
/// needs a 128-bit collision (about 10⁻²¹ for a billion documents) instead
/// of a 64-bit one.
pub(super) fn id_key(source: &str, id: &str) -> u128 {
    use std::hash::{Hash, Hasher};
    let half = |prefix: u8| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        prefix.hash(&mut h);
        source.hash(&mut h);
        id.hash(&mut h);
        h.finish()
    };
    (half(0) as u128) << 64 | half(1) as u128
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_keys_tell_source_and_id_apart() {
        // The (source, id) boundary matters: "ab" + "c" is not "a" + "bc".
        let keys = [
            id_key("a", "1"),
            id_key("b", "1"),
            id_key("a", "2"),
            id_key("ab", "c"),
            id_key("a", "bc"),
            id_key("", ""),
        ];
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert_eq!(id_key("a", "1"), id_key("a", "1"));
        // Both halves are used.
        let k = id_key("a", "1");
        assert_ne!(k >> 64, k & u64::MAX as u128);
    }
}
