//! Input planning (what files, which format, which columns) and streaming
//! record readers.

use super::decode::{decode_with, repair_mojibake};
use super::walk::{self, FileKey, Seen};
use super::{escape_path, unescape_path, Document, Item, Origin, Rejection};
use crate::error::{Error, Result};
use rustc_hash::FxHashMap;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Input file format.
///
/// [`plan`] picks it from the file extension (`.csv`/`.tsv`, `.jsonl`,
/// `.txt`, each optionally `.gz`), sniffs the content when the extension
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
        }
    }
}

/// Manifest entry for one text file.
#[derive(Debug, Clone)]
struct ManifestRow {
    source: String,
    story: Option<String>,
    date: Option<String>,
}

/// One input as planned: its files in reading order.
///
/// ```
/// use slant::corpus::{plan, Format, ReadOptions};
/// # let dir = tempfile::tempdir().unwrap();
/// let folder = dir.path().join("articles");
/// std::fs::create_dir_all(folder.join("march")).unwrap();
/// std::fs::write(folder.join("march/b.txt"), "Rebels seized the town.").unwrap();
/// std::fs::write(folder.join("a.txt"), "Insurgents seized the town.").unwrap();
/// std::fs::write(folder.join("notes.md"), "not an article").unwrap();
/// let p = &plan(&[folder.clone()], &ReadOptions::default()).unwrap()[0];
/// assert_eq!(p.format, Format::Text);
/// assert_eq!(p.files, [folder.join("a.txt"), folder.join("march/b.txt")]);
/// assert!(p.walk_problems.is_empty());
/// assert_eq!(p.skipped, [(folder.join("notes.md"), "not .txt".to_string())]);
///
/// // The same folder named again is read once.
/// let again = plan(&[folder.clone(), folder.join("march/..")], &ReadOptions::default()).unwrap();
/// assert_eq!(again[1].files.len(), 0);
/// assert!(again[1].skipped[0].1.starts_with("same folder as"));
/// ```
#[derive(Debug, Clone)]
pub struct InputPlan {
    /// The path as given (canonical ordering key).
    pub path: PathBuf,
    /// Its format.
    pub format: Format,
    /// Files to read (one for CSV/JSONL/text file; many for folders), sorted;
    /// none when the input is a file or folder already read.
    pub files: Vec<PathBuf>,
    /// Entries of a folder that should be read but cannot be (a dangling
    /// symlink, one that leads to itself, a FIFO or device named `.txt`, no
    /// permission): each becomes a rejection.
    pub walk_problems: Vec<(PathBuf, String)>,
    /// Entries left out on purpose, with the reason: files that are not
    /// `.txt`, symlinks leading outside the input folder (unless
    /// [`ReadOptions::follow_symlinks`]), and files or folders already read
    /// under another path (a symlink, a hard link, an input named twice).
    /// Listed in `run.json` (`skipped`), not counted as records.
    pub skipped: Vec<(PathBuf, String)>,
    /// Manifest rows (line, file as written) that name no file found in
    /// the folder: a typo, or a file that is missing.
    pub manifest_unmatched: Vec<(u64, String)>,
    manifest: Option<Arc<FxHashMap<PathBuf, ManifestRow>>>,
    /// The manifest file and the SHA-256 of its bytes.
    manifest_file: Option<(PathBuf, String)>,
    root: PathBuf,
}

/// Counts for one input, reconciled: `read == analysed + rejected`.
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
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
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
    /// Entries left out on purpose ([`InputPlan::skipped`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<Skipped>,
    /// The CSV header, or the keys of a JSONL input's first records (for
    /// messages).
    #[serde(skip)]
    pub(crate) columns: Vec<String>,
    /// Records rejected for lacking a field that is read (JSONL).
    #[serde(skip)]
    pub(crate) missing_field: u64,
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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    /// The entry's path ([`escape_path`]).
    pub file: String,
    /// Why it was left out.
    pub reason: String,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The file name without a `.gz` suffix (case kept, escaped as
/// [`escape_path`] does), and whether it had one.
fn strip_gz(path: &Path) -> (String, bool) {
    let name = path
        .file_name()
        .map(|n| escape_path(Path::new(n)).into_owned())
        .unwrap_or_default();
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".gz") {
        (name[..name.len() - 3].to_string(), true)
    } else {
        (name, false)
    }
}

pub(crate) fn format_of(path: &Path) -> Option<Format> {
    let name = strip_gz(path).0.to_ascii_lowercase();
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "csv" | "tsv" | "tab" | "psv" => Some(Format::Csv),
        "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
        "txt" | "text" => Some(Format::Text),
        _ => None,
    }
}

/// Expand the inputs into a reading plan: inputs are sorted (so the order
/// they are given in does not change any output), folders are walked
/// recursively in sorted order for `.txt`/`.txt.gz` files, formats are
/// chosen from extensions, and manifests are loaded.
///
/// Each file is planned once, however many paths lead to it: an input
/// named twice (`a.csv` and `./a.csv`), a folder inside another input, a
/// symlink or hard link to a file already found. The later paths are
/// listed in [`InputPlan::skipped`], and so are a folder's files that are
/// not `.txt` and its symlinks that lead outside it (unless
/// [`ReadOptions::follow_symlinks`]).
///
/// A missing input is an error here, before anything is read.
///
/// ```
/// use slant::corpus::{plan, ReadOptions};
/// # let dir = tempfile::tempdir().unwrap();
/// let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.csv"));
/// std::fs::write(&a, "").unwrap();
/// std::fs::write(&b, "source,text\n").unwrap();
/// let opts = ReadOptions::default();
/// let plans = plan(&[b.clone(), a.clone(), b.clone()], &opts).unwrap();
/// let paths: Vec<_> = plans.iter().map(|p| p.path.clone()).collect();
/// assert_eq!(paths, [a, b.clone()]);
/// assert!(plan(&[dir.path().join("missing.csv")], &opts).is_err());
///
/// // Another path to the same file: planned, but not read again.
/// // (`dir/./b.csv` would compare equal to `dir/b.csv`; `sub/..` does not.)
/// std::fs::create_dir(dir.path().join("sub")).unwrap();
/// let again = dir.path().join("sub").join("..").join("b.csv");
/// let plans = plan(&[b, again], &opts).unwrap();
/// assert_eq!((plans[0].files.len(), plans[1].files.len()), (1, 0));
/// assert!(plans[1].skipped[0].1.starts_with("same file as"));
/// ```
pub fn plan(inputs: &[PathBuf], opts: &ReadOptions) -> Result<Vec<InputPlan>> {
    let mut inputs = inputs.to_vec();
    inputs.sort();
    inputs.dedup();
    let mut out = Vec::new();
    let mut seen = Seen::default();
    for input in inputs {
        let meta = std::fs::metadata(&input).map_err(|e| Error::io(&input, e))?;
        if !meta.is_dir() && !meta.is_file() {
            return Err(Error::input(
                &input,
                "not a regular file or folder (FIFO, socket or device)",
            ));
        }
        let key = FileKey::of(&input, &meta);
        let mut planned = InputPlan {
            path: input.clone(),
            format: Format::Text,
            files: vec![],
            walk_problems: vec![],
            skipped: vec![],
            manifest_unmatched: vec![],
            manifest: None,
            manifest_file: None,
            root: input.clone(),
        };
        if meta.is_dir() {
            if let Some(first) = key.as_ref().and_then(|k| seen.dirs.get(k)) {
                planned.skipped = vec![(input.clone(), walk::same_folder(first))];
                out.push(planned);
                continue;
            }
            if let Some(k) = key {
                seen.dirs.insert(k, input.clone());
            }
            let manifest_path = match &opts.manifest {
                Some(m) => Some(m.clone()),
                None => {
                    let m = input.join("manifest.csv");
                    m.is_file().then_some(m)
                }
            };
            let found = walk::walk(
                &input,
                opts.follow_symlinks,
                manifest_path.as_deref(),
                &mut seen,
            );
            let files = found.files;
            let mut manifest_unmatched = Vec::new();
            let (manifest, manifest_file) = match manifest_path {
                Some(m) => {
                    let (rows, sha, listed) = read_manifest(&m, &input)?;
                    let found = |p: &PathBuf| files.binary_search(p).is_ok();
                    let base = m.parent().unwrap_or(&input).to_path_buf();
                    manifest_unmatched = listed
                        .into_iter()
                        .filter(|(_, f)| {
                            let named = [PathBuf::from(f), unescape_path(f)];
                            !named
                                .iter()
                                .any(|f| found(&base.join(f)) || found(&input.join(f)))
                        })
                        .collect();
                    (Some(Arc::new(rows)), Some((m, sha)))
                }
                None => (None, None),
            };
            planned.files = files;
            planned.walk_problems = found.problems;
            planned.skipped = found.skipped;
            planned.manifest_unmatched = manifest_unmatched;
            planned.manifest = manifest;
            planned.manifest_file = manifest_file;
        } else {
            planned.root = input.parent().map(Path::to_path_buf).unwrap_or_default();
            if let Some((first, format)) = key.as_ref().and_then(|k| seen.files.get(k)) {
                // Not read again, so not sniffed: the first path's format.
                planned.format = opts.format.unwrap_or(*format);
                planned.skipped = vec![(input.clone(), walk::same_file(first))];
                out.push(planned);
                continue;
            }
            planned.format = match opts.format.or_else(|| format_of(&input)) {
                Some(f) => f,
                None => sniff_format(&input)?,
            };
            if let Some(k) = key {
                seen.files.insert(k, (input.clone(), planned.format));
            }
            planned.files = vec![input];
        }
        out.push(planned);
    }
    Ok(out)
}

fn sniff_format(path: &Path) -> Result<Format> {
    let mut head = Vec::new();
    open_maybe_gz(path)
        .and_then(|r| r.0.take(4096).read_to_end(&mut head))
        .map_err(|e| Error::io(path, e))?;
    let first = head.iter().find(|b| !b.is_ascii_whitespace());
    Ok(match first {
        Some(b'{') => Format::Jsonl,
        _ => {
            let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
            if [b',', b'\t', b';'].iter().any(|d| line.contains(d)) && head.contains(&b'\n') {
                Format::Csv
            } else {
                Format::Text
            }
        }
    })
}

/// The lines of the records of a CSV text held in memory. The parser places
/// a record just after the line break that ended the previous one, before
/// the blank lines it skips without counting them; this finds the record's
/// first byte and counts the line breaks before it (`\n`, `\r\n`, a lone
/// `\r`). Calls must come in file order.
struct TextLines<'a> {
    text: &'a [u8],
    /// Where the count has got to, and the line there.
    at: usize,
    line: u64,
}

impl<'a> TextLines<'a> {
    fn new(text: &'a [u8]) -> Self {
        TextLines {
            text,
            at: 0,
            line: 1,
        }
    }

    /// The 1-based line of the record the parser places at byte `pos`.
    fn record_line(&mut self, pos: u64) -> u64 {
        let t = self.text;
        let mut first = usize::try_from(pos)
            .unwrap_or(t.len())
            .clamp(self.at, t.len());
        while first < t.len() && matches!(t[first], b'\r' | b'\n') {
            first += 1;
        }
        for k in memchr::memchr2_iter(b'\n', b'\r', &t[self.at..first]) {
            let j = self.at + k;
            // The `\r` of a `\r\n` is counted at its `\n`.
            if t[j] == b'\n' || t.get(j + 1) != Some(&b'\n') {
                self.line += 1;
            }
        }
        self.at = first;
        self.line
    }
}

/// A manifest's rows by file path, its SHA-256, and each row's line and file
/// as written. A file listed twice is refused (which row would hold?).
#[allow(clippy::type_complexity)]
fn read_manifest(
    path: &Path,
    root: &Path,
) -> Result<(FxHashMap<PathBuf, ManifestRow>, String, Vec<(u64, String)>)> {
    let bytes = read_regular_file(path)?;
    let sha: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let text = decode_with(&bytes, true)
        .map_err(|e| Error::input(path, format!("manifest: {e}")))?
        .text;
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| Error::input(path, format!("manifest header: {e}")))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (Some(fc), Some(sc)) = (col("file"), col("source")) else {
        return Err(Error::input(
            path,
            "manifest needs the columns `file` and `source` (optional: story, date)",
        ));
    };
    let (story_c, date_c) = (col("story"), col("date"));
    let base = path.parent().unwrap_or(root);
    let mut map = FxHashMap::default();
    let mut listed: Vec<(u64, String)> = Vec::new();
    let mut first_line: FxHashMap<String, u64> = FxHashMap::default();
    let mut lines = TextLines::new(text.as_bytes());
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| Error::input(path, format!("record {}: {e}", i + 1)))?;
        let line = rec
            .position()
            .map_or(i as u64 + 2, |p| lines.record_line(p.byte()));
        let get = |c: Option<usize>| {
            c.and_then(|c| rec.get(c))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let (Some(file), Some(source)) = (get(Some(fc)), get(Some(sc))) else {
            return Err(Error::input(
                path,
                format!("line {line}: empty file or source"),
            ));
        };
        if let Some(first) = first_line.insert(file.clone(), line) {
            return Err(Error::input(
                path,
                format!("line {line}: `{file}` is listed again (first at line {first})"),
            ));
        }
        let row = ManifestRow {
            source,
            story: get(story_c),
            date: get(date_c),
        };
        // A file named the way the reports write it (a name that is not
        // UTF-8, escaped) is found too.
        let unescaped = unescape_path(&file);
        for f in [Path::new(&file), &unescaped] {
            map.insert(base.join(f), row.clone());
            map.insert(root.join(f), row.clone());
        }
        listed.push((line, file));
    }
    Ok((map, sha, listed))
}

/// Read a whole file that must be a regular one (a FIFO named by mistake
/// would block forever).
fn read_regular_file(path: &Path) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        return Err(Error::input(
            path,
            "not a regular file (FIFO, socket, device or folder)",
        ));
    }
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

/// A reader that hashes every byte it passes on.
struct HashingReader<R> {
    inner: R,
    hasher: Arc<std::sync::Mutex<Sha256>>,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Ok(mut h) = self.hasher.lock() {
            h.update(&buf[..n]);
        }
        Ok(n)
    }
}

type Hasher = Arc<std::sync::Mutex<Sha256>>;

fn open_maybe_gz(path: &Path) -> io::Result<(Box<dyn Read + Send>, Hasher)> {
    let file = File::open(path)?;
    let hasher: Hasher = Arc::new(std::sync::Mutex::new(Sha256::new()));
    let raw = HashingReader {
        inner: file,
        hasher: hasher.clone(),
    };
    let reader: Box<dyn Read + Send> = if strip_gz(path).1 {
        Box::new(flate2::read::MultiGzDecoder::new(BufReader::with_capacity(
            256 * 1024,
            raw,
        )))
    } else {
        Box::new(raw)
    };
    Ok((reader, hasher))
}

fn finish_hash(h: &Hasher) -> String {
    let digest = h.lock().map(|h| h.clone().finalize()).unwrap_or_default();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Resolved column indices (CSV) or keys (JSONL).
#[derive(Debug, Clone)]
struct Columns {
    text: String,
    source: String,
    id: Option<String>,
    story: Option<String>,
    date: Option<String>,
    title: Option<String>,
}

fn pick(
    given: &Option<String>,
    defaults: &[&str],
    available: &[String],
    required: bool,
    what: &str,
    path: &Path,
) -> Result<Option<String>> {
    if let Some(g) = given {
        if available.is_empty() || available.iter().any(|a| a == g) {
            return Ok(Some(g.clone()));
        }
        return Err(Error::input(
            path,
            format!(
                "no column `{g}` for --{what}-col; columns are: {}",
                available.join(", ")
            ),
        ));
    }
    for d in defaults {
        if let Some(a) = available.iter().find(|a| a.eq_ignore_ascii_case(d)) {
            return Ok(Some(a.clone()));
        }
    }
    if available.is_empty() {
        // JSONL: no header to look in; a missing key is simply absent.
        return Ok(defaults.first().map(|s| s.to_string()));
    }
    if required {
        return Err(Error::input(
            path,
            format!(
                "missing required {what} column (tried {}; use --{what}-col); columns are: {}",
                defaults.join(", "),
                available.join(", ")
            ),
        ));
    }
    Ok(None)
}

/// Default text columns / keys, in order of preference.
const TEXT_DEFAULTS: &[&str] = &["text", "body", "content", "article"];
/// Default source columns / keys, in order of preference.
const SOURCE_DEFAULTS: &[&str] = &["source", "outlet", "publisher", "site", "domain"];

fn resolve_columns(opts: &ReadOptions, available: &[String], path: &Path) -> Result<Columns> {
    let cols = Columns {
        text: pick(&opts.text_col, TEXT_DEFAULTS, available, true, "text", path)?
            .unwrap_or_default(),
        source: pick(
            &opts.source_col,
            SOURCE_DEFAULTS,
            available,
            true,
            "source",
            path,
        )?
        .unwrap_or_default(),
        id: pick(&opts.id_col, &["id"], available, false, "id", path)?,
        story: pick(&opts.story_col, &["story"], available, false, "story", path)?,
        date: pick(&opts.date_col, &["date"], available, false, "date", path)?,
        title: pick(&opts.title_col, &["title"], available, false, "title", path)?,
    };
    // The analysed text is title + body: one column as both would count
    // every word twice.
    if cols.title.as_ref() == Some(&cols.text) {
        return Err(Error::input(
            path,
            format!(
                "the title and the text would both be read from `{}`; name another --title-col",
                cols.text
            ),
        ));
    }
    Ok(cols)
}

/// Mutable reading state shared by all formats.
struct Ctx<'a> {
    opts: &'a ReadOptions,
    sink: &'a mut dyn FnMut(Item),
    /// Set to stop reading (a Ctrl-C, a failed write).
    stop: &'a AtomicBool,
    stats: InputStats,
    /// 128-bit digest of (source, id) -> where it was first seen.
    seen_ids: FxHashMap<u128, (Arc<str>, u64)>,
}

impl Ctx<'_> {
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    fn reject(&mut self, origin: Origin, id: Option<String>, reason: String) {
        self.stats.read += 1;
        self.stats.rejected += 1;
        (self.sink)(Item::Rejected(Rejection { origin, id, reason }));
    }

    fn flush(&mut self, item: Option<std::result::Result<(Document, Made), Rejection>>) {
        match item {
            None => {}
            Some(Ok((doc, made))) => self.emit(doc, made),
            Some(Err(r)) => self.reject(r.origin, r.id, r.reason),
        }
    }

    /// Final checks shared by all formats, then hand the document on.
    fn emit(&mut self, mut doc: Document, made: Made) {
        if doc.text.trim().is_empty() {
            return self.reject(doc.origin, Some(doc.id), "empty text".into());
        }
        // The analysed text is title + blank line + body.
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
#[derive(Debug, Clone, Copy, Default)]
struct Made {
    /// The id is the path inside the folder, the file name, or
    /// `FILE_STEM:RECORD`.
    id: bool,
    /// The source is the file name's stem.
    source: bool,
}

/// A record's id: the one read, or `FILE_STEM:RECORD` (made up, so the
/// gate does not question it) when the record has none.
fn record_id(id: Option<String>, stem: &str, record_no: u64) -> (String, Made) {
    let made = Made {
        id: id.is_none(),
        source: false,
    };
    (id.unwrap_or_else(|| format!("{stem}:{record_no}")), made)
}

/// The longest source, id, story or date read from the data, in bytes.
const MAX_NAME_BYTES: usize = 1024;

/// For a document whose id slant made up, a longer id naming the file by
/// its whole path: `PATH` for a whole-file document, `PATH:RECORD` for a
/// record.
fn longer_generated_id(doc: &Document) -> Option<String> {
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
fn id_key(source: &str, id: &str) -> u128 {
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

/// Read every planned input in order, calling `sink` for each record.
/// Returns per-input statistics. Errors are returned only for inputs that
/// cannot be read at all (missing required column, unreadable file given
/// explicitly); problems with single records become rejections.
///
/// Records reach `sink` in input order, so collecting them gives the same
/// order on every run.
///
/// ```
/// use slant::corpus::{plan, read_inputs, Item, ReadOptions};
/// # let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("news.csv");
/// std::fs::write(&path, "source,text\n\
///     ledger,Rebels seized the town.\n\
///     wire,\n\
///     post,Insurgents seized the town.\n").unwrap();
/// let opts = ReadOptions::default();
/// let mut sources = Vec::new();
/// let stats = read_inputs(&plan(&[path], &opts).unwrap(), &opts, &mut |item| match item {
///     Item::Doc(d) => sources.push(d.source),
///     Item::Rejected(r) => assert_eq!(r.reason, "empty text"),
/// }).unwrap();
/// assert_eq!(sources, ["ledger", "post"]);
/// assert_eq!(stats[0].read, 3);
///
/// let no_text = dir.path().join("bad.csv");
/// std::fs::write(&no_text, "source,body_html\nledger,x\n").unwrap();
/// assert!(read_inputs(&plan(&[no_text], &opts).unwrap(), &opts, &mut |_| {}).is_err());
/// ```
pub fn read_inputs(
    plans: &[InputPlan],
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item),
) -> Result<Vec<InputStats>> {
    read_inputs_until(plans, opts, sink, &AtomicBool::new(false))
}

/// [`read_inputs`] that stops at the next record once `stop` is set (the
/// statistics returned then cover what was read).
pub(crate) fn read_inputs_until(
    plans: &[InputPlan],
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item),
    stop: &AtomicBool,
) -> Result<Vec<InputStats>> {
    let mut all = Vec::with_capacity(plans.len());
    let mut seen_ids = FxHashMap::default();
    for plan in plans {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let mut ctx = Ctx {
            opts,
            sink,
            stop,
            stats: InputStats {
                path: escape_path(&plan.path).into_owned(),
                format: format!("{:?}", plan.format).to_lowercase(),
                manifest: plan
                    .manifest_file
                    .as_ref()
                    .map(|(p, _)| escape_path(p).into_owned()),
                manifest_sha256: plan.manifest_file.as_ref().map(|(_, h)| h.clone()),
                manifest_unmatched: plan.manifest_unmatched.len() as u64,
                skipped: (plan.skipped.iter())
                    .map(|(p, why)| Skipped {
                        file: escape_path(p).into_owned(),
                        reason: why.clone(),
                    })
                    .collect(),
                ..Default::default()
            },
            seen_ids: std::mem::take(&mut seen_ids),
        };
        for (p, why) in &plan.walk_problems {
            ctx.reject(file_origin(p), None, why.clone());
        }
        match plan.format {
            Format::Text => {
                let mut dir_hasher = Sha256::new();
                for f in &plan.files {
                    if ctx.stopped() {
                        break;
                    }
                    let h = read_text_file(plan, f, &mut ctx);
                    let rel = f.strip_prefix(&plan.root).unwrap_or(f);
                    dir_hasher.update(escape_path(rel).as_bytes());
                    dir_hasher.update(b"\0");
                    dir_hasher.update(h.as_bytes());
                    dir_hasher.update(b"\n");
                    ctx.stats.files += 1;
                }
                ctx.stats.sha256 = if plan.files.len() == 1 && plan.root != plan.path {
                    ctx.stats.sha256.clone()
                } else {
                    dir_hasher
                        .finalize()
                        .iter()
                        .map(|b| format!("{b:02x}"))
                        .collect()
                };
            }
            Format::Csv => {
                for f in &plan.files {
                    read_csv(f, &mut ctx)?;
                    ctx.stats.files += 1;
                }
            }
            Format::Jsonl => {
                for f in &plan.files {
                    read_jsonl(f, &mut ctx)?;
                    ctx.stats.files += 1;
                }
            }
        }
        seen_ids = std::mem::take(&mut ctx.seen_ids);
        all.push(ctx.stats);
    }
    Ok(all)
}

/// The entries of an input that were left out, grouped by reason in the
/// order found: `3 files skipped: not .txt: README.md, a.html, b.pdf`
/// (paths inside the input folder; the first five of each group).
pub(crate) fn skipped_notes(plan: &InputPlan) -> Vec<String> {
    let mut groups: Vec<(&str, Vec<&Path>)> = Vec::new();
    for (p, why) in &plan.skipped {
        match groups.iter_mut().find(|(w, _)| w == why) {
            Some((_, paths)) => paths.push(p),
            None => groups.push((why, vec![p])),
        }
    }
    const SHOWN: usize = 5;
    groups
        .into_iter()
        .map(|(why, paths)| {
            let mut names: Vec<String> = (paths.iter().take(SHOWN))
                .map(|p| match p.strip_prefix(&plan.path) {
                    Ok(rel) if !rel.as_os_str().is_empty() => path_id(rel),
                    _ => escape_path(p).into_owned(),
                })
                .collect();
            if paths.len() > SHOWN {
                names.push(format!("and {} more", paths.len() - SHOWN));
            }
            let n = paths.len();
            let files = if n == 1 { "file" } else { "files" };
            format!("{n} {files} skipped: {why}: {}", names.join(", "))
        })
        .collect()
}

/// Why the inputs gave no document to analyse (the message of
/// [`crate::ErrorKind::NothingToAnalyse`]): what each input held, or the
/// first rejection, and the columns or keys of an input whose records all
/// lacked a field that is read. `plans` and `stats` are in the same order.
pub(crate) fn why_nothing(
    plans: &[InputPlan],
    stats: &[InputStats],
    first: Option<&Rejection>,
) -> String {
    let read: u64 = stats.iter().map(|s| s.read).sum();
    let mut parts = Vec::new();
    if read == 0 {
        for p in plans {
            let name = escape_path(&p.path);
            let again = p.skipped.iter().find(|(f, _)| *f == p.path);
            parts.push(match again {
                Some((_, why)) => format!("`{name}` is the {why}"),
                None if p.format == Format::Text && p.root == p.path => {
                    let notes = skipped_notes(p);
                    if notes.is_empty() {
                        format!("`{name}` holds no .txt file")
                    } else {
                        format!("`{name}` holds no .txt file ({})", notes.join("; "))
                    }
                }
                None => format!("`{name}` holds no record"),
            });
        }
    } else {
        let first = first.map(|r| format!("{}: {}", r.origin, r.reason));
        parts.push(match (read, first) {
            (1, Some(r)) => format!("the only record read was rejected ({r})"),
            (_, Some(r)) => format!("all {read} records read were rejected (the first: {r})"),
            (_, None) => format!("all {read} records read were rejected"),
        });
        for (p, s) in plans.iter().zip(stats) {
            if s.documents > 0 || s.rejected == 0 || s.columns.is_empty() {
                continue;
            }
            let name = escape_path(&p.path);
            match p.format {
                Format::Jsonl if s.missing_field > 0 => parts.push(format!(
                    "{} records of `{name}` lack a field that is read; the keys in its first records are: {}",
                    s.missing_field,
                    s.columns.join(", ")
                )),
                Format::Csv => parts.push(format!(
                    "the columns of `{name}` are: {}",
                    s.columns.join(", ")
                )),
                _ => {}
            }
        }
    }
    parts.join("; ")
}

fn file_origin(f: &Path) -> Origin {
    Origin {
        file: escape_path(f).into(),
        line: 0,
        record: 0,
    }
}

/// A path as an id: escaped ([`escape_path`]), with `/` between folders
/// on every platform.
fn path_id(p: &Path) -> String {
    if cfg!(windows) {
        escape_path(p).replace('\\', "/")
    } else {
        escape_path(p).into_owned()
    }
}

/// Read one text file as one document; returns the file's hash.
fn read_text_file(plan: &InputPlan, f: &Path, ctx: &mut Ctx<'_>) -> String {
    let origin = file_origin(f);
    let rel = f.strip_prefix(&plan.root).unwrap_or(f);
    let id = if plan.root == plan.path {
        path_id(rel)
    } else {
        f.file_name()
            .map(|n| path_id(Path::new(n)))
            .unwrap_or_default()
    };
    let opened = open_maybe_gz(f);
    let (reader, hasher) = match opened {
        Ok(x) => x,
        Err(e) => {
            ctx.reject(origin, Some(id), format!("cannot open: {e}"));
            return String::new();
        }
    };
    let mut bytes = Vec::new();
    let limit = (ctx.opts.max_doc_bytes as u64)
        .saturating_mul(4)
        .saturating_add(1);
    if let Err(e) = reader.take(limit).read_to_end(&mut bytes) {
        ctx.reject(origin, Some(id), format!("cannot read: {e}"));
        return finish_hash(&hasher);
    }
    let hash = finish_hash(&hasher);
    if plan.files.len() == 1 && plan.root != plan.path {
        ctx.stats.sha256 = hash.clone();
    }
    if bytes.len() as u64 >= limit {
        ctx.reject(
            origin,
            Some(id),
            format!(
                "document is over the --max-doc-bytes limit of {}",
                ctx.opts.max_doc_bytes
            ),
        );
        return hash;
    }
    let decoded = match decode_with(&bytes, ctx.opts.repair) {
        Ok(d) => d,
        Err(e) => {
            ctx.reject(origin, Some(id), e.to_string());
            return hash;
        }
    };
    let stem = {
        let (name, _) = strip_gz(f);
        name.rsplit_once('.')
            .map(|(s, _)| s.to_string())
            .unwrap_or(name)
    };
    let row = plan.manifest.as_ref().and_then(|m| m.get(f));
    let made = Made {
        id: true,
        source: row.is_none(),
    };
    let doc = Document {
        id,
        source: row.map(|r| r.source.clone()).unwrap_or(stem),
        story: row.and_then(|r| r.story.clone()),
        date: row.and_then(|r| r.date.clone()),
        title: None,
        text: decoded.text,
        origin,
        encoding: decoded.encoding,
        repairs: decoded.repairs,
    };
    ctx.emit(doc, made);
    hash
}

fn sniff_delimiter(header: &[u8]) -> u8 {
    let mut best = (0usize, b',');
    for d in [b',', b'\t', b';', b'|'] {
        let mut n = 0;
        let mut in_quotes = false;
        for &b in header {
            if b == b'"' {
                in_quotes = !in_quotes;
            } else if b == d && !in_quotes {
                n += 1;
            }
        }
        if n > best.0 {
            best = (n, d);
        }
    }
    best.1
}

/// Follows the CSV quoting of the bytes passing through, the way the CSV
/// parser reads them, so that a quoted field left open at the end of a file
/// (which the parser silently runs to EOF) is caught, and so is one that
/// swallowed the records after it (see [`Swallow`]); a `"` inside an
/// unquoted field is an ordinary character. It also counts lines, for the
/// records' line numbers (see [`QuoteState::record_start`]).
struct CsvWatch<R> {
    inner: R,
    state: Arc<std::sync::Mutex<QuoteState>>,
    /// The most bytes one record may take: the parser would hold a longer
    /// one whole in memory (a gzip file can expand one field to gigabytes).
    record_limit: u64,
}

/// Where the quoting stands, as in `csv_core`: a field starts, runs
/// unquoted, runs quoted, or has just seen a `"` inside quotes (closing
/// them, or the first half of an escaped `""`). Bytes seen before the
/// delimiter is known are held and replayed.
///
/// Offsets here count the bytes after a UTF-8 byte-order mark.
#[derive(Debug, Default)]
struct QuoteState {
    delimiter: Option<u8>,
    held: Vec<u8>,
    at: QuoteAt,
    /// Bytes fed so far, and where the current record began.
    fed: u64,
    record_start: u64,
    /// Fields of the first record (the header), once it has ended, and
    /// delimiters seen so far in the record being read.
    columns: Option<u64>,
    record_delims: u64,
    /// The quoted field being read: the line it opened on, line breaks in
    /// it, delimiters in its current line, and how many of its lines after
    /// the first look like records of their own (as many delimiters as the
    /// header).
    quoted_from_line: u64,
    quoted_lines: u64,
    quoted_line_delims: u64,
    quoted_record_like: u64,
    /// Records (by starting byte) whose multi-line quoted field closed at a
    /// `"` followed by text and held record-like lines: the signature of an
    /// unclosed quote that swallowed the records after it. Oldest first.
    swallowed: std::collections::VecDeque<Swallow>,
    /// Line breaks counted so far: `\n`, `\r` and `\r\n` pairs (a line
    /// break is a `\n`, a `\r\n` or a lone `\r`, inside quotes or not).
    lf: u64,
    cr: u64,
    crlf: u64,
    /// Whether the last byte counted was a `\r`, and how far into the
    /// bytes being fed the counts go.
    last_cr: bool,
    counted: usize,
    /// Where records can start: after each run of line breaks outside
    /// quotes, the first byte that follows it. Oldest first; dropped as the
    /// parser's records pass them.
    starts: std::collections::VecDeque<RecordStart>,
    /// The run of line breaks outside quotes being read: where it began.
    run_from: Option<u64>,
}

/// A place where a record can start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RecordStart {
    /// The first byte of the run of line breaks before it.
    run_from: u64,
    /// Its first byte.
    first: u64,
    /// The 1-based line of that byte.
    line: u64,
}

/// A record that appears to hold other records inside a quoted field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Swallow {
    /// Byte offset where the record starts.
    start: u64,
    /// Lines where the quoted field opens and closes.
    from_line: u64,
    to_line: u64,
    /// Lines inside it that look like records.
    record_like: u64,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum QuoteAt {
    #[default]
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

impl QuoteState {
    fn feed(&mut self, bytes: &[u8]) {
        let Some(d) = self.delimiter else {
            self.held.extend_from_slice(bytes);
            return;
        };
        self.counted = 0;
        let mut at = self.at;
        let mut i = 0;
        while i < bytes.len() {
            // Runs that cannot change the state are skipped whole: inside
            // quotes up to the next `"` (counting its line breaks and
            // delimiters on the way), unquoted up to a delimiter or a line
            // end (a `"` there is an ordinary character).
            match at {
                QuoteAt::Quoted => {
                    let end = memchr::memchr(b'"', &bytes[i..]).map(|j| i + j);
                    let span = &bytes[i..end.unwrap_or(bytes.len())];
                    for k in memchr::memchr3_iter(d, b'\n', b'\r', span) {
                        if span[k] == d {
                            self.quoted_line_delims += 1;
                            continue;
                        }
                        // The `\n` of a `\r\n` ends no second line.
                        let after_cr = match i + k {
                            0 => self.last_cr,
                            j => bytes[j - 1] == b'\r',
                        };
                        if span[k] == b'\n' && after_cr {
                            continue;
                        }
                        self.end_quoted_line();
                        self.quoted_lines += 1;
                        self.quoted_line_delims = 0;
                    }
                    match end {
                        Some(e) => i = e,
                        None => break,
                    }
                }
                QuoteAt::Unquoted => match memchr::memchr3(d, b'\r', b'\n', &bytes[i..]) {
                    Some(j) => i += j,
                    None => break,
                },
                QuoteAt::FieldStart => {
                    // After a run of line breaks: a record may start here.
                    if let Some(run_from) = self.run_from {
                        if bytes[i] != b'\r' && bytes[i] != b'\n' {
                            self.count_to(bytes, i);
                            self.starts.push_back(RecordStart {
                                run_from,
                                first: self.fed + i as u64,
                                line: self.line(),
                            });
                            self.run_from = None;
                        }
                    }
                }
                QuoteAt::QuoteInQuoted => {}
            }
            at = match (at, bytes[i]) {
                (QuoteAt::Quoted, _) => QuoteAt::QuoteInQuoted,
                (QuoteAt::FieldStart, b'"') => {
                    self.count_to(bytes, i);
                    self.quoted_from_line = self.line();
                    self.quoted_lines = 0;
                    self.quoted_line_delims = 0;
                    self.quoted_record_like = 0;
                    QuoteAt::Quoted
                }
                (QuoteAt::QuoteInQuoted, b'"') => QuoteAt::Quoted,
                (_, b'\r' | b'\n') => {
                    if self.columns.is_none() && self.fed + i as u64 > self.record_start {
                        self.columns = Some(self.record_delims + 1);
                    }
                    self.record_delims = 0;
                    self.record_start = self.fed + i as u64 + 1;
                    self.run_from.get_or_insert(self.fed + i as u64);
                    QuoteAt::FieldStart
                }
                (_, b) if b == d => {
                    self.record_delims += 1;
                    QuoteAt::FieldStart
                }
                (QuoteAt::QuoteInQuoted, _) => {
                    // A closing quote followed by text (the parser keeps
                    // reading the field unquoted).
                    self.end_quoted_line();
                    if self.quoted_lines > 0 && self.quoted_record_like > 0 {
                        self.count_to(bytes, i);
                        self.swallowed.push_back(Swallow {
                            start: self.record_start,
                            from_line: self.quoted_from_line,
                            to_line: self.line(),
                            record_like: self.quoted_record_like,
                        });
                    }
                    QuoteAt::Unquoted
                }
                _ => QuoteAt::Unquoted,
            };
            i += 1;
        }
        self.at = at;
        self.count_to(bytes, bytes.len());
        self.fed += bytes.len() as u64;
    }

    /// Count the line breaks of `bytes` (the bytes being fed) up to `to`.
    fn count_to(&mut self, bytes: &[u8], to: usize) {
        let part = &bytes[self.counted..to];
        for k in memchr::memchr2_iter(b'\n', b'\r', part) {
            if part[k] == b'\r' {
                self.cr += 1;
            } else {
                self.lf += 1;
                let after_cr = if k == 0 {
                    self.last_cr
                } else {
                    part[k - 1] == b'\r'
                };
                self.crlf += u64::from(after_cr);
            }
        }
        if let Some(&b) = part.last() {
            self.last_cr = b == b'\r';
        }
        self.counted = to;
    }

    /// The 1-based line of the byte after those counted (which must not be
    /// a `\n`, or a `\r\n` pair would not have been counted as one yet).
    fn line(&self) -> u64 {
        self.lf + self.cr - self.crlf + 1
    }

    /// A line inside a quoted field ends (at a line break, or at the quote
    /// that closes the field): after the field's first line, a line with
    /// as many delimiters as the header has is record-like.
    fn end_quoted_line(&mut self) {
        if let Some(c) = self.columns {
            if self.quoted_lines > 0 && c > 1 && self.quoted_line_delims + 1 >= c {
                self.quoted_record_like += 1;
            }
        }
    }

    /// Where the record that the parser places at byte `at` really starts,
    /// and its line. The parser places a record just after the line break
    /// that ended the previous one, before any blank lines it then skips
    /// (and, for a `\r\n`, before its `\n`); its first byte is the first
    /// one after that run of line breaks. `None` when `at` is in no run of
    /// line breaks this state saw (which a record of the parser's never
    /// is). Calls must come in file order.
    fn record_start(&mut self, at: u64) -> Option<RecordStart> {
        while self.starts.front().is_some_and(|s| s.first < at) {
            self.starts.pop_front();
        }
        self.starts.front().copied().filter(|s| s.run_from < at)
    }

    /// The swallow noted for the record whose first byte is `start`, if
    /// any (older notes are dropped).
    fn swallowed_at(&mut self, start: u64) -> Option<Swallow> {
        while self.swallowed.front().is_some_and(|s| s.start < start) {
            self.swallowed.pop_front();
        }
        let s = *self.swallowed.front()?;
        (s.start == start).then(|| {
            self.swallowed.pop_front();
            s
        })
    }

    fn set_delimiter(&mut self, d: u8) {
        self.delimiter = Some(d);
        let held = std::mem::take(&mut self.held);
        // The parser skips a UTF-8 byte-order mark.
        self.feed(held.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&held));
    }

    /// Whether the bytes so far end inside a quoted field.
    fn open(&self) -> bool {
        self.at == QuoteAt::Quoted
    }

    /// Bytes of the record read so far (0 until the delimiter is known: the
    /// held bytes are one buffer's worth at most).
    fn record_bytes(&self) -> u64 {
        self.fed.saturating_sub(self.record_start)
    }
}

impl<R: Read> Read for CsvWatch<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Ok(mut st) = self.state.lock() {
            st.feed(&buf[..n]);
            if st.record_bytes() > self.record_limit {
                return Err(io::Error::other(format!(
                    "a record runs over {} bytes (eight times --max-doc-bytes); the rest of the file is not read",
                    self.record_limit
                )));
            }
        }
        Ok(n)
    }
}

fn read_csv(path: &Path, ctx: &mut Ctx<'_>) -> Result<()> {
    let (reader, hasher) = open_maybe_gz(path).map_err(|e| Error::io(path, e))?;
    let quoting = Arc::new(std::sync::Mutex::new(QuoteState::default()));
    let reader = CsvWatch {
        inner: reader,
        state: quoting.clone(),
        // Generous, so that a moderately oversized record is still read
        // and rejected on its own, and the records after it are read.
        record_limit: (ctx.opts.max_doc_bytes as u64)
            .saturating_mul(8)
            .saturating_add(64 * 1024),
    };
    let mut buf = BufReader::with_capacity(1 << 20, reader);
    // Sniff the delimiter from the first line without consuming it.
    let head = buf.fill_buf().map_err(|e| Error::io(path, e))?;
    // The parser counts a byte-order mark in its positions; the quoting
    // watch does not see it.
    let bom: u64 = if head.starts_with(b"\xef\xbb\xbf") {
        3
    } else {
        0
    };
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let first_line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let delimiter = ctx.opts.delimiter.unwrap_or_else(|| {
        let name = strip_gz(path).0.to_ascii_lowercase();
        if name.ends_with(".tsv") || name.ends_with(".tab") {
            b'\t'
        } else {
            sniff_delimiter(first_line)
        }
    });
    if let Ok(mut q) = quoting.lock() {
        q.set_delimiter(delimiter);
    }
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(buf);
    let header = rdr
        .byte_headers()
        .map_err(|e| Error::input(path, format!("cannot read the header: {e}")))?
        .clone();
    let names: Vec<String> = header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let h = if i == 0 {
                h.strip_prefix(b"\xef\xbb\xbf").unwrap_or(h)
            } else {
                h
            };
            String::from_utf8_lossy(h).trim().to_string()
        })
        .collect();
    if names.iter().all(|n| n.is_empty()) {
        return Err(Error::input(path, "empty header row"));
    }
    ctx.stats.columns = names.clone();
    let cols = resolve_columns(ctx.opts, &names, path)?;
    // A column that is read must be unambiguous.
    for c in [
        Some(&cols.text),
        Some(&cols.source),
        cols.id.as_ref(),
        cols.story.as_ref(),
        cols.date.as_ref(),
        cols.title.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        let at: Vec<String> = (names.iter().enumerate())
            .filter(|(_, n)| *n == c)
            .map(|(i, _)| (i + 1).to_string())
            .collect();
        if at.len() > 1 {
            return Err(Error::input(
                path,
                format!(
                    "the header has {} columns named `{c}` (columns {}); rename all but one",
                    at.len(),
                    at.join(", ")
                ),
            ));
        }
    }
    let idx = |c: &Option<String>| c.as_ref().and_then(|c| names.iter().position(|n| n == c));
    let (text_i, source_i) = (
        idx(&Some(cols.text.clone())).unwrap_or(0),
        idx(&Some(cols.source.clone())).unwrap_or(0),
    );
    let (id_i, story_i, date_i, title_i) = (
        idx(&cols.id),
        idx(&cols.story),
        idx(&cols.date),
        idx(&cols.title),
    );
    let file: Arc<str> = escape_path(path).into();
    let stem = strip_gz(path)
        .0
        .rsplit_once('.')
        .map(|(s, _)| s.to_string())
        .unwrap_or_default();
    // Where a record the parser places at `pos` really starts (after the
    // blank lines the parser skips), and its line. The parser's own line
    // count misses blank lines, lone `\r`s and the `\n` of a `\r\n`.
    let start_of = |pos: &csv::Position| {
        let at = pos.byte().saturating_sub(bom);
        let start = quoting.lock().ok().and_then(|mut q| q.record_start(at));
        start.map_or((at, pos.line()), |s| (s.first, s.line))
    };
    let mut rec = csv::ByteRecord::new();
    let mut record_no = 0u64;
    // The last record is held back until the next one is read, so that at
    // the end of the file it can be rejected if its quoted field never
    // closed.
    let mut pending: Option<std::result::Result<(Document, Made), Rejection>> = None;
    loop {
        if ctx.stopped() {
            return Ok(());
        }
        let ok = match rdr.read_byte_record(&mut rec) {
            Ok(ok) => ok,
            Err(e) => {
                record_no += 1;
                // An I/O error has no position of its own: the record
                // being read is where it began.
                let pos = (e.position().or(rec.position()).cloned())
                    .unwrap_or_else(|| rdr.position().clone());
                let (_, line) = start_of(&pos);
                let origin = Origin {
                    file: file.clone(),
                    line,
                    record: record_no,
                };
                let fatal = matches!(e.kind(), csv::ErrorKind::Io(_));
                ctx.flush(pending.take());
                ctx.reject(origin, None, format!("unreadable CSV record: {e}"));
                if fatal {
                    break;
                }
                continue;
            }
        };
        if !ok {
            break;
        }
        ctx.flush(pending.take());
        record_no += 1;
        let (first_byte, line) = rec.position().map_or((0, 0), start_of);
        let origin = Origin {
            file: file.clone(),
            line,
            record: record_no,
        };
        let field = |i: Option<usize>| i.and_then(|i| rec.get(i));
        let id_raw = field(id_i).map(|b| String::from_utf8_lossy(b).trim().to_string());
        let swallow = quoting
            .lock()
            .ok()
            .and_then(|mut q| q.swallowed_at(first_byte));
        if let Some(s) = swallow {
            // Reading on would bury those records in this one's text.
            let reason = format!(
                "a quoted field in this record spans lines {}-{} and closes at a `\"` followed by text, and {} of those lines look like records of their own: an unclosed quote has probably swallowed the records after it; fix the quoting and read again",
                s.from_line,
                s.to_line,
                s.record_like
            );
            pending = Some(Err(Rejection {
                origin,
                id: id_raw,
                reason,
            }));
            continue;
        }
        if rec.len() != header.len() {
            let reason = format!(
                "ragged row: {} fields where the header has {}",
                rec.len(),
                header.len()
            );
            pending = Some(Err(Rejection {
                origin,
                id: id_raw,
                reason,
            }));
            continue;
        }
        let mut repairs = 0;
        let mut encoding = "UTF-8";
        let mut get =
            |i: Option<usize>, what: &str| -> std::result::Result<Option<String>, String> {
                match field(i) {
                    None => Ok(None),
                    Some(b) => match decode_with(b, ctx.opts.repair) {
                        Ok(d) => {
                            repairs += d.repairs;
                            if d.encoding != "UTF-8" {
                                encoding = d.encoding;
                            }
                            Ok(Some(d.text))
                        }
                        Err(e) => Err(format!("{what} column: {e}")),
                    },
                }
            };
        let parsed = (|| {
            let text = get(Some(text_i), "text")?.unwrap_or_default();
            let source = get(Some(source_i), "source")?.unwrap_or_default();
            let id = get(id_i, "id")?
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty());
            let story = get(story_i, "story")?
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty());
            let date = get(date_i, "date")?
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty());
            let title = get(title_i, "title")?.filter(|s| !s.trim().is_empty());
            Ok::<_, String>((text, source, id, story, date, title))
        })();
        pending = Some(match parsed {
            Err(reason) => Err(Rejection {
                origin,
                id: id_raw,
                reason,
            }),
            Ok((text, source, id, story, date, title)) => {
                let (id, made) = record_id(id, &stem, record_no);
                let doc = Document {
                    id,
                    source,
                    story,
                    date,
                    title,
                    text,
                    origin,
                    encoding,
                    repairs,
                };
                Ok((doc, made))
            }
        });
    }
    if quoting.lock().is_ok_and(|q| q.open()) {
        if let Some(p) = pending.take() {
            let (origin, id) = match p {
                Ok((d, _)) => (d.origin, Some(d.id)),
                Err(r) => (r.origin, r.id),
            };
            let reason = format!(
                "unterminated quoted field: the record starting at line {} runs to the end of the file",
                origin.line
            );
            ctx.reject(origin, id, reason);
        }
    }
    ctx.flush(pending.take());
    ctx.stats.sha256 = finish_hash(&hasher);
    Ok(())
}

/// Read one line of at most `limit` bytes into `buf` (without the newline).
/// Returns `None` at EOF, `Some(true)` for a line within the limit and
/// `Some(false)` for a line over it (its bytes are skipped).
fn read_line_limited<R: BufRead>(
    r: &mut R,
    buf: &mut Vec<u8>,
    limit: usize,
) -> io::Result<Option<bool>> {
    buf.clear();
    let mut over = false;
    let mut any = false;
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(if any { Some(!over) } else { None });
        }
        any = true;
        let (take, done) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (i, true),
            None => (chunk.len(), false),
        };
        if !over {
            if buf.len() + take > limit {
                over = true;
                buf.clear();
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
        }
        r.consume(if done { take + 1 } else { take });
        if done {
            return Ok(Some(!over));
        }
    }
}

/// A JSON object with its values left unparsed, keys borrowed where they
/// have no escapes: only the requested fields are decoded.
type RawObject<'a> =
    std::collections::HashMap<std::borrow::Cow<'a, str>, &'a serde_json::value::RawValue>;

fn json_field(
    obj: &RawObject<'_>,
    key: &Option<String>,
) -> std::result::Result<Option<String>, String> {
    let Some(k) = key else { return Ok(None) };
    let Some(raw) = obj.get(k.as_str()) else {
        return Ok(None);
    };
    let raw = raw.get();
    match raw.as_bytes().first() {
        Some(b'"') => serde_json::from_str::<String>(raw)
            .map(Some)
            .map_err(|e| format!("field `{k}`: {e}")),
        Some(b'n') => Ok(None),
        Some(b'-' | b'0'..=b'9' | b't' | b'f') => Ok(Some(raw.to_string())),
        _ => Err(format!("field `{k}` is not a string")),
    }
}

/// Why a JSONL record's fields cannot be used, and whether it is because a
/// field that is read is missing (perhaps a wrong key was named).
struct FieldError {
    reason: String,
    missing: bool,
}

impl FieldError {
    fn missing(reason: String) -> Self {
        FieldError {
            reason,
            missing: true,
        }
    }
}

impl From<String> for FieldError {
    fn from(reason: String) -> Self {
        FieldError {
            reason,
            missing: false,
        }
    }
}

/// How many JSON objects' keys are collected for messages.
const KEYS_FROM_RECORDS: u32 = 100;

fn read_jsonl(path: &Path, ctx: &mut Ctx<'_>) -> Result<()> {
    let (reader, hasher) = open_maybe_gz(path).map_err(|e| Error::io(path, e))?;
    let mut r = BufReader::with_capacity(1 << 20, reader);
    let cols = resolve_columns(ctx.opts, &[], path)?;
    let file: Arc<str> = escape_path(path).into();
    let stem = strip_gz(path)
        .0
        .rsplit_once('.')
        .map(|(s, _)| s.to_string())
        .unwrap_or_default();
    let mut line_no = 0u64;
    let mut record_no = 0u64;
    let mut objects = 0;
    let mut buf = Vec::new();
    // JSON escapes make a line longer than its text; allow some headroom.
    let limit = ctx
        .opts
        .max_doc_bytes
        .saturating_mul(2)
        .saturating_add(64 * 1024);
    loop {
        if ctx.stopped() {
            break;
        }
        let got = match read_line_limited(&mut r, &mut buf, limit) {
            Ok(g) => g,
            Err(e) => {
                record_no += 1;
                let origin = Origin {
                    file: file.clone(),
                    line: line_no + 1,
                    record: record_no,
                };
                ctx.reject(
                    origin,
                    None,
                    format!("read error, rest of file skipped: {e}"),
                );
                break;
            }
        };
        let Some(within) = got else { break };
        line_no += 1;
        let line = buf.strip_suffix(b"\r").unwrap_or(&buf);
        let line = if line_no == 1 {
            line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line)
        } else {
            line
        };
        if within && line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        record_no += 1;
        let origin = Origin {
            file: file.clone(),
            line: line_no,
            record: record_no,
        };
        if !within {
            let reason = format!(
                "line is over the --max-doc-bytes limit of {}",
                ctx.opts.max_doc_bytes
            );
            ctx.reject(origin, None, reason);
            continue;
        }
        let text = match std::str::from_utf8(line) {
            Ok(t) => t,
            Err(e) => {
                let reason = format!("invalid UTF-8 at byte {} of the line", e.valid_up_to());
                ctx.reject(origin, None, reason);
                continue;
            }
        };
        let obj: RawObject<'_> = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                // Tell "not an object" apart from "not JSON".
                let reason = if serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok() {
                    "line is not a JSON object".to_string()
                } else {
                    format!("invalid JSON: {e}")
                };
                ctx.reject(origin, None, reason);
                continue;
            }
        };
        // The keys of the first records, for the message when a key that
        // is read is missing from every record.
        if objects < KEYS_FROM_RECORDS {
            objects += 1;
            let mut new: Vec<&str> = (obj.keys())
                .map(|k| &**k)
                .filter(|k| !ctx.stats.columns.iter().any(|c| c == k))
                .collect();
            new.sort_unstable();
            ctx.stats
                .columns
                .extend(new.into_iter().map(str::to_string));
        }
        let parsed = (|| {
            let id = json_field(&obj, &cols.id)?;
            // Without a flag, the first default key the object has.
            let key = |given: &Option<String>, defaults: &[&str], fallback: &str| {
                given.clone().unwrap_or_else(|| {
                    defaults
                        .iter()
                        .find(|d| obj.contains_key(**d))
                        .map_or(fallback.to_string(), |d| d.to_string())
                })
            };
            let text_key = key(&ctx.opts.text_col, TEXT_DEFAULTS, &cols.text);
            let source_key = key(&ctx.opts.source_col, SOURCE_DEFAULTS, &cols.source);
            let text = json_field(&obj, &Some(text_key.clone()))?
                .ok_or_else(|| FieldError::missing(format!("missing text field `{text_key}`")))?;
            let source = json_field(&obj, &Some(source_key.clone()))?.ok_or_else(|| {
                FieldError::missing(format!("missing source field `{source_key}`"))
            })?;
            let story = json_field(&obj, &cols.story)?.filter(|s| !s.trim().is_empty());
            let date = json_field(&obj, &cols.date)?.filter(|s| !s.trim().is_empty());
            let title = json_field(&obj, &cols.title)?.filter(|s| !s.trim().is_empty());
            Ok::<_, FieldError>((id, text, source, story, date, title))
        })();
        let (id, text, source, story, date, title) = match parsed {
            Ok(p) => p,
            Err(FieldError { reason, missing }) => {
                let id = json_field(&obj, &cols.id).ok().flatten();
                ctx.stats.missing_field += u64::from(missing);
                ctx.reject(origin, id, reason);
                continue;
            }
        };
        let mut repairs = 0;
        let mut fix = |s: String| -> String {
            if !ctx.opts.repair {
                return s;
            }
            let (fixed, n) = repair_mojibake(&s);
            repairs += n;
            match fixed {
                std::borrow::Cow::Borrowed(_) => s,
                std::borrow::Cow::Owned(o) => o,
            }
        };
        let text = fix(text);
        let title = title.map(&mut fix);
        let source = fix(source);
        let id = id.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let (id, made) = record_id(id, &stem, record_no);
        let doc = Document {
            id,
            source,
            story: story.map(|s| s.trim().to_string()),
            date: date.map(|s| s.trim().to_string()),
            title,
            text,
            origin,
            encoding: "UTF-8",
            repairs,
        };
        ctx.emit(doc, made);
    }
    ctx.stats.sha256 = finish_hash(&hasher);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A stop set while reading ends the reading at the next record, in
    /// every format, instead of reading (and discarding) the rest.
    #[test]
    fn reading_stops_at_the_next_record() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        let (mut csv, mut jsonl) = (String::from("source,text\n"), String::new());
        std::fs::create_dir(p.join("txt")).unwrap();
        for i in 0..100 {
            csv.push_str(&format!("s{i},Rebels fled.\n"));
            jsonl.push_str(&format!(
                "{{\"source\": \"s{i}\", \"text\": \"Rebels fled.\"}}\n"
            ));
            std::fs::write(p.join(format!("txt/{i:03}.txt")), "Rebels fled.").unwrap();
        }
        std::fs::write(p.join("a.csv"), csv).unwrap();
        std::fs::write(p.join("b.jsonl"), jsonl).unwrap();
        let opts = ReadOptions::default();
        for input in ["a.csv", "b.jsonl", "txt"] {
            // Two inputs: the second one is not started either.
            let plans = plan(&[p.join(input), p.join("b.jsonl")], &opts).unwrap();
            let stop = AtomicBool::new(false);
            let mut n = 0;
            let sink = &mut |_: Item| {
                n += 1;
                if n == 3 {
                    stop.store(true, Ordering::Relaxed);
                }
            };
            read_inputs_until(&plans, &opts, sink, &stop).unwrap();
            assert_eq!(n, 3, "{input}");
        }
    }

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

    #[test]
    fn delimiter_sniffing() {
        let cases: &[(&[u8], u8)] = &[
            (b"a,b,c", b','),
            (b"a;b;c", b';'),
            (b"a\tb\tc", b'\t'),
            (b"\"x;y\",b,c", b','),
            (b"single", b','),
        ];
        for (h, d) in cases {
            assert_eq!(sniff_delimiter(h), *d, "{:?}", String::from_utf8_lossy(h));
        }
    }

    #[test]
    fn limited_lines() {
        let mut r = io::Cursor::new(b"short\nthis one is long\n\nlast".to_vec());
        let mut buf = Vec::new();
        assert_eq!(read_line_limited(&mut r, &mut buf, 8).unwrap(), Some(true));
        assert_eq!(buf, b"short");
        assert_eq!(read_line_limited(&mut r, &mut buf, 8).unwrap(), Some(false));
        assert_eq!(read_line_limited(&mut r, &mut buf, 8).unwrap(), Some(true));
        assert_eq!(buf, b"");
        assert_eq!(read_line_limited(&mut r, &mut buf, 8).unwrap(), Some(true));
        assert_eq!(buf, b"last");
        assert_eq!(read_line_limited(&mut r, &mut buf, 8).unwrap(), None);
    }

    /// A CSV built from parts: optional BOM and blank lines before the
    /// header, records whose text may be quoted over several lines (LF,
    /// CRLF, lone CR, blank lines, escaped quotes), any line end after each
    /// record and runs of blank lines between them. Returns the bytes and
    /// each record's first byte.
    fn build_csv(bom: bool, lead: &[u8], records: &[CsvRecordPlan]) -> (Vec<u8>, Vec<usize>) {
        let mut b = Vec::new();
        if bom {
            b.extend_from_slice(b"\xef\xbb\xbf");
        }
        b.extend_from_slice(lead);
        b.extend_from_slice(b"id,source,text\n");
        let mut starts = Vec::new();
        for (i, (quoted_breaks, end, blanks)) in records.iter().enumerate() {
            starts.push(b.len());
            b.extend_from_slice(format!("r{i},s,").as_bytes());
            if *quoted_breaks == 0 {
                b.extend_from_slice(b"Plain text.");
            } else {
                b.extend_from_slice(b"\"Para one, \"\"quoted\"\".");
                for k in 0..*quoted_breaks {
                    b.extend_from_slice([&b"\n"[..], b"\r\n", b"\r", b"\n\n"][k as usize % 4]);
                    b.extend_from_slice(b"More, text.");
                }
                b.push(b'"');
            }
            b.extend_from_slice(end);
            b.extend_from_slice(blanks);
        }
        (b, starts)
    }

    /// The 1-based line of byte `at`: one more than the line breaks before
    /// it (`\n`, `\r\n`, a lone `\r`).
    fn line_at(b: &[u8], at: usize) -> u64 {
        let before = &b[..at];
        let count = |n: &[u8]| before.windows(n.len()).filter(|w| *w == n).count() as u64;
        count(b"\n") + count(b"\r") - count(b"\r\n") + 1
    }

    fn line_end() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            Just(b"\n".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(b"\r".to_vec())
        ]
    }

    fn blank_lines() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(line_end(), 0..4).prop_map(|v| v.concat())
    }

    /// A record to build: line breaks inside its quoted text (0: not
    /// quoted), its line end, the blank lines after it.
    type CsvRecordPlan = (u8, Vec<u8>, Vec<u8>);

    fn csv_parts() -> impl Strategy<Value = (bool, Vec<u8>, Vec<CsvRecordPlan>)> {
        (
            any::<bool>(),
            blank_lines(),
            proptest::collection::vec((0u8..6, line_end(), blank_lines()), 1..12),
        )
    }

    proptest::proptest! {
        /// Every record is reported at the line where its first byte is.
        #[test]
        fn csv_records_are_at_the_line_of_their_first_byte((bom, lead, records) in csv_parts()) {
            let (bytes, starts) = build_csv(bom, &lead, &records);
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("p.csv");
            std::fs::write(&path, &bytes).unwrap();
            let opts = ReadOptions::default();
            let mut lines = Vec::new();
            read_inputs(&plan(&[path], &opts).unwrap(), &opts, &mut |item| match item {
                Item::Doc(d) => lines.push((d.id, d.origin.line)),
                Item::Rejected(r) => panic!("{r:?}"),
            })
            .unwrap();
            let want: Vec<(String, u64)> = (starts.iter().enumerate())
                .map(|(i, &s)| (format!("r{i}"), line_at(&bytes, s)))
                .collect();
            proptest::prop_assert_eq!(lines, want);
        }

        /// The same for a CSV text held in memory (a manifest).
        #[test]
        fn text_records_are_at_the_line_of_their_first_byte((bom, lead, records) in csv_parts()) {
            let (bytes, starts) = build_csv(bom, &lead, &records);
            let mut rdr = csv::ReaderBuilder::new().from_reader(&bytes[..]);
            let mut lines = TextLines::new(&bytes);
            let got: Vec<u64> = (rdr.byte_records())
                .map(|r| lines.record_line(r.unwrap().position().unwrap().byte()))
                .collect();
            let want: Vec<u64> = starts.iter().map(|&s| line_at(&bytes, s)).collect();
            proptest::prop_assert_eq!(got, want);
        }

        /// However the bytes arrive in pieces (a `\r\n` or a quoted field
        /// split between two reads), the quoting watch finds the same
        /// record starts with the same lines.
        #[test]
        fn record_starts_do_not_depend_on_read_sizes(
            (bom, lead, records) in csv_parts(),
            cuts in proptest::collection::vec(any::<proptest::sample::Index>(), 0..12),
        ) {
            let (bytes, starts) = build_csv(bom, &lead, &records);
            let skip = if bom { 3 } else { 0 };
            let mut cuts: Vec<usize> = cuts.iter().map(|c| c.index(bytes.len() + 1)).collect();
            cuts.extend([0, bytes.len()]);
            cuts.sort_unstable();
            let mut q = QuoteState::default();
            for w in cuts.windows(2) {
                q.feed(&bytes[w[0]..w[1]]);
                if q.delimiter.is_none() && w[1] >= 64.min(bytes.len()) {
                    q.set_delimiter(b',');
                }
            }
            if q.delimiter.is_none() {
                q.set_delimiter(b',');
            }
            for &s in &starts {
                let at = (s - skip) as u64;
                let found = q.record_start(at);
                proptest::prop_assert_eq!(
                    found.map(|f| (f.first, f.line)),
                    Some((at, line_at(&bytes, s)))
                );
            }
        }
    }

    #[test]
    fn formats_from_extensions() {
        let cases = [
            ("a.csv", Some(Format::Csv)),
            ("a.TSV", Some(Format::Csv)),
            ("a.jsonl.gz", Some(Format::Jsonl)),
            ("a.txt", Some(Format::Text)),
            ("a.bin", None),
        ];
        for (p, f) in cases {
            assert_eq!(format_of(Path::new(p)), f, "{p}");
        }
    }
}
