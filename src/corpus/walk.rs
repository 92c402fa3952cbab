//! Walking an input folder for its `.txt` files.
//!
//! - Entries that are not `.txt` files are skipped and listed (with their
//!   reason), so nothing is left out silently.
//! - A symlink whose target lies outside the input folder is not followed
//!   (skipped, with its target named) unless `--follow-symlinks`: a link to
//!   `/` would walk the whole file system.
//! - Every file and folder is read once, however many paths lead to it
//!   (symlinks, hard links, `A` and `A/../A`, an input inside another
//!   input): files are told apart by device and inode (the canonical path
//!   where there are none), and the later paths are skipped as "same file
//!   as". Real entries are walked before symlinks, so a file is read under
//!   its own path rather than a link's.
//! - Entries that should be read but cannot be (a dangling link, a link
//!   loop, a FIFO named `.txt`) are walk problems: rejections.

use super::escape_path;
use super::options::{format_of, Format};
use rustc_hash::FxHashMap;
use std::collections::VecDeque;
use std::fs::Metadata;
use std::path::{Path, PathBuf};

/// What identifies a file or folder whatever the path to it: device and
/// inode on Unix, the canonical path elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct FileKey(KeyInner);

#[cfg(unix)]
type KeyInner = (u64, u64);
#[cfg(not(unix))]
type KeyInner = PathBuf;

impl FileKey {
    /// The key of `path`, whose metadata (following links or not, as the
    /// caller needs) is `meta`.
    pub(crate) fn of(path: &Path, meta: &Metadata) -> Option<FileKey> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let _ = path;
            Some(FileKey((meta.dev(), meta.ino())))
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            std::fs::canonicalize(path).ok().map(FileKey)
        }
    }
}

/// Files and folders already read in this run, with the path they were
/// first read under (shared by all inputs).
#[derive(Debug, Default)]
pub(crate) struct Seen {
    pub(crate) files: FxHashMap<FileKey, (PathBuf, Format)>,
    pub(crate) dirs: FxHashMap<FileKey, PathBuf>,
}

/// Why an entry was skipped: not a `.txt` file.
pub(crate) const NOT_TXT: &str = "not .txt";

/// "same file as `X` (read once)".
pub(crate) fn same_file(first: &Path) -> String {
    format!("same file as `{}` (read once)", escape_path(first))
}

/// "same folder as `X` (read once)".
pub(crate) fn same_folder(first: &Path) -> String {
    format!("same folder as `{}` (read once)", escape_path(first))
}

/// The result of walking one folder; every list sorted by path.
#[derive(Debug, Default)]
pub(crate) struct Walk {
    /// `.txt` files to read.
    pub(crate) files: Vec<PathBuf>,
    /// Entries that should be read but cannot be (rejections).
    pub(crate) problems: Vec<(PathBuf, String)>,
    /// Entries left out on purpose, with the reason.
    pub(crate) skipped: Vec<(PathBuf, String)>,
}

/// Walk the folder `root` (whose own key the caller has entered in
/// `seen`). `ignore` is a file not to list as skipped (the manifest).
pub(crate) fn walk(
    root: &Path,
    follow_symlinks: bool,
    ignore: Option<&Path>,
    seen: &mut Seen,
) -> Walk {
    let ignore = ignore.and_then(|p| {
        let key = std::fs::metadata(p).ok().and_then(|m| FileKey::of(p, &m))?;
        Some((p.file_name()?.to_os_string(), key))
    });
    let mut w = Walker {
        root_canon: std::fs::canonicalize(root).ok(),
        follow: follow_symlinks,
        ignore,
        seen,
        out: Walk::default(),
        links: VecDeque::new(),
    };
    w.dir(root);
    // Symlinks last, in the order found (sorted within each folder): a file
    // that has its own path in the folder is read under that path.
    while let Some(link) = w.links.pop_front() {
        w.link(link);
    }
    let mut out = w.out;
    out.files.sort();
    out.problems.sort();
    out.skipped.sort();
    out
}

struct Walker<'a> {
    root_canon: Option<PathBuf>,
    follow: bool,
    ignore: Option<(std::ffi::OsString, FileKey)>,
    seen: &'a mut Seen,
    out: Walk,
    links: VecDeque<PathBuf>,
}

/// A name that could be an input: `.txt`, or no extension (a folder).
fn could_be_input(p: &Path) -> bool {
    p.extension().is_none() || format_of(p) == Some(Format::Text)
}

impl Walker<'_> {
    fn problem(&mut self, p: PathBuf, why: String) {
        self.out.problems.push((p, why));
    }

    fn skip(&mut self, p: PathBuf, why: String) {
        self.out.skipped.push((p, why));
    }

    fn is_ignored(&self, p: &Path) -> bool {
        let Some((name, key)) = &self.ignore else {
            return false;
        };
        p.file_name() == Some(name.as_os_str())
            && std::fs::metadata(p)
                .ok()
                .and_then(|m| FileKey::of(p, &m))
                .as_ref()
                == Some(key)
    }

    fn dir(&mut self, dir: &Path) {
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) => {
                return self.problem(dir.to_path_buf(), format!("cannot list directory: {e}"));
            }
        };
        let mut list = Vec::new();
        for e in entries {
            match e {
                Ok(e) => list.push((e.path(), e.file_type())),
                Err(e) => {
                    self.problem(dir.to_path_buf(), format!("cannot list directory: {e}"));
                }
            }
        }
        list.sort_by(|a, b| a.0.cmp(&b.0));
        for (p, t) in list {
            let t = match t {
                Ok(t) => t,
                Err(e) => {
                    if could_be_input(&p) {
                        self.problem(p, format!("cannot read: {e}"));
                    } else {
                        self.skip(p, NOT_TXT.into());
                    }
                    continue;
                }
            };
            if t.is_symlink() {
                self.links.push_back(p);
            } else if t.is_dir() {
                match p.symlink_metadata() {
                    Ok(m) => self.enter(p, &m),
                    Err(e) => self.problem(p, format!("cannot read: {e}")),
                }
            } else if format_of(&p) != Some(Format::Text) {
                if !self.is_ignored(&p) {
                    self.skip(p, NOT_TXT.into());
                }
            } else {
                match p.symlink_metadata() {
                    Ok(m) => self.file(p, &m),
                    Err(e) => self.problem(p, format!("cannot read: {e}")),
                }
            }
        }
    }

    /// A folder: walked unless already seen.
    fn enter(&mut self, p: PathBuf, meta: &Metadata) {
        if let Some(key) = FileKey::of(&p, meta) {
            if let Some(first) = self.seen.dirs.get(&key) {
                let why = same_folder(first);
                return self.skip(p, why);
            }
            self.seen.dirs.insert(key, p.clone());
        }
        self.dir(&p);
    }

    /// A `.txt` entry that is not a folder: read unless already seen.
    fn file(&mut self, p: PathBuf, meta: &Metadata) {
        // A FIFO, socket or device would block or never end.
        if !meta.is_file() {
            return self.problem(p, "not a regular file (FIFO, socket or device)".into());
        }
        if let Some(key) = FileKey::of(&p, meta) {
            if let Some((first, _)) = self.seen.files.get(&key) {
                let why = same_file(first);
                return self.skip(p, why);
            }
            self.seen.files.insert(key, (p.clone(), Format::Text));
        }
        self.out.files.push(p);
    }

    fn link(&mut self, p: PathBuf) {
        let meta = match std::fs::metadata(&p) {
            Ok(m) => m,
            // Unresolvable: a problem unless it could not be an input anyway.
            Err(e) if could_be_input(&p) => return self.problem(p, format!("cannot read: {e}")),
            Err(_) => return self.skip(p, NOT_TXT.into()),
        };
        if !meta.is_dir() && format_of(&p) != Some(Format::Text) {
            if !self.is_ignored(&p) {
                self.skip(p, NOT_TXT.into());
            }
            return;
        }
        if !self.follow {
            match std::fs::canonicalize(&p) {
                Ok(target)
                    if self
                        .root_canon
                        .as_ref()
                        .is_some_and(|r| target.starts_with(r)) => {}
                Ok(target) => {
                    let why = format!(
                        "symlink to `{}`, outside the input folder (--follow-symlinks reads it)",
                        escape_path(&target)
                    );
                    return self.skip(p, why);
                }
                Err(e) => return self.problem(p, format!("cannot resolve: {e}")),
            }
        }
        if meta.is_dir() {
            self.enter(p, &meta);
        } else {
            self.file(p, &meta);
        }
    }
}
