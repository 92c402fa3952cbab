//! Planning the reading: which files each input holds, their format, the
//! manifest of a folder of `.txt` files.

use super::decode::decode_with;
use super::open::{open_maybe_gz, read_regular_file};
use super::options::{format_of, Format, ReadOptions};
use super::table::{column, small_table};
use super::unescape_path;
use super::walk::{self, FileKey, Seen};
use crate::error::{Error, Result};
use rustc_hash::FxHashMap;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Manifest entry for one text file.
#[derive(Debug, Clone)]
pub(super) struct ManifestRow {
    pub(super) source: String,
    pub(super) story: Option<String>,
    pub(super) date: Option<String>,
    /// Values of [`ReadOptions::extra_columns`] (empty when none asked).
    pub(super) extra: Vec<String>,
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
    pub(super) manifest: Option<Arc<FxHashMap<PathBuf, ManifestRow>>>,
    /// The manifest file and the SHA-256 of its bytes.
    pub(super) manifest_file: Option<(PathBuf, String)>,
    pub(super) root: PathBuf,
}

impl InputPlan {
    /// Bytes of its files on disk (a gzipped file's compressed size), for
    /// a progress bar and the choice of how much detail to write; a file
    /// that cannot be looked at counts 0.
    ///
    /// ```
    /// use slant::corpus::{plan, ReadOptions};
    /// # let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("news.csv");
    /// std::fs::write(&path, "source,text\nledger,Rebels seized the town.\n").unwrap();
    /// let plans = plan(&[path], &ReadOptions::default()).unwrap();
    /// assert_eq!(plans[0].bytes(), 43);
    /// ```
    pub fn bytes(&self) -> u64 {
        (self.files.iter())
            .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
            .sum()
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
                    let (rows, sha, listed) = read_manifest(&m, &input, opts)?;
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

pub(super) fn sniff_format(path: &Path) -> Result<Format> {
    let mut head = Vec::new();
    open_maybe_gz(path, None)
        .and_then(|r| r.0.take(4096).read_to_end(&mut head))
        .map_err(|e| Error::io(path, e))?;
    if head.starts_with(b"PAR1") {
        return Ok(Format::Parquet);
    }
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
#[allow(clippy::type_complexity)]
pub(super) fn read_manifest(
    path: &Path,
    root: &Path,
    opts: &ReadOptions,
) -> Result<(FxHashMap<PathBuf, ManifestRow>, String, Vec<(u64, String)>)> {
    let bytes = read_regular_file(path)?;
    let sha: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let text = decode_with(&bytes, true)
        .map_err(|e| Error::input(path, format!("manifest: {e}")))?
        .text;
    let (headers, records) = small_table(path, "manifest", &text)?;
    let col = |name: &str| column(&headers, name);
    let (Some(fc), Some(sc)) = (col("file"), col("source")) else {
        return Err(Error::input(
            path,
            "manifest needs the columns `file` and `source` (optional: story, date)",
        ));
    };
    let (story_c, date_c) = (col("story"), col("date"));
    // Kept and group columns come from the manifest too.
    let extra_c: Vec<usize> = opts
        .extra_columns()
        .map(|(c, what)| {
            col(c).ok_or_else(|| {
                Error::input(
                    path,
                    format!(
                        "manifest has no column `{c}` for --{what}-col; columns are: {}",
                        headers.iter().collect::<Vec<_>>().join(", ")
                    ),
                )
            })
        })
        .collect::<Result<_>>()?;
    let base = path.parent().unwrap_or(root);
    let mut map = FxHashMap::default();
    let mut listed: Vec<(u64, String)> = Vec::new();
    let mut first_line: FxHashMap<String, u64> = FxHashMap::default();
    for (line, rec) in records {
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
            extra: (extra_c.iter())
                .map(|&c| get(Some(c)).unwrap_or_default())
                .collect(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_extensions() {
        let cases = [
            ("a.csv", Some(Format::Csv)),
            ("a.TSV", Some(Format::Csv)),
            ("a.jsonl.gz", Some(Format::Jsonl)),
            ("a.txt", Some(Format::Text)),
            ("a.parquet", Some(Format::Parquet)),
            ("a.bin", None),
        ];
        for (p, f) in cases {
            assert_eq!(format_of(Path::new(p)), f, "{p}");
        }
    }
}
