//! A staging directory for a run's reports, moved into place only when the
//! run completes, so an error or an interrupted run leaves the previous
//! reports untouched.
//!
//! Everything that can be checked is checked by [`Staging::create`], before
//! the analysis: that the output directory is new, empty, or holds only the
//! regular report files of an earlier slant run (of the same command, with
//! [`Staging::create_for`]); and that slant can write where it must.
//!
//! A new output directory `DIR` is staged beside it, as
//! `.DIR.slant-tmp-PID`, and renamed into place. An existing one keeps its
//! identity (owner, permissions, a mount point stays mounted): its report
//! files are replaced one by one. The staging directory is beside it when
//! that is on the same mounted file system and may be written, otherwise
//! inside it (`DIR/.slant-tmp-PID`: a mount point, `-o .`, a parent
//! directory slant may not write). The previous report files are first
//! moved to a backup directory (`.DIR.slant-old-PID` beside, or
//! `DIR/.slant-old-PID`; `….partial` while they are being moved), then the
//! new ones moved in, then the backup removed. If a step fails, the moves
//! are undone and the error says the previous reports are as they were; if
//! undoing fails too, the error says where each set of reports is.
//!
//! A process killed outright (SIGKILL, power loss) leaves these
//! directories behind. The next run into `DIR` finishes the job for it:
//! a killed run's staging directory is removed, and a commit it left half
//! done is rolled back, so `DIR` holds the previous reports again. Only
//! report files are ever deleted; a directory holding anything else is left
//! in place.

use crate::error::{Error, ErrorKind, Result};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// A directory being filled with a run's reports.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let out = dir.path().join("reports");
/// let st = slant::report::Staging::create(&out).unwrap();
/// std::fs::write(st.path().join("a.csv"), "x\n").unwrap();
/// assert!(!out.exists());
/// st.commit().unwrap();
/// assert!(out.join("a.csv").exists());
/// ```
#[derive(Debug)]
pub struct Staging {
    /// Where the reports are written.
    tmp: PathBuf,
    target: PathBuf,
    /// `None`: the target is new and `tmp` is renamed to it. `Some`: the
    /// target exists and its report files are replaced one by one.
    replace: Option<Replace>,
    /// Parent directories created for a new target (outermost first),
    /// removed again if the run does not complete.
    created: Vec<PathBuf>,
    committed: bool,
    /// Test hook: the renames of [`Staging::commit`] numbered from 0 that
    /// fail (`usize::MAX`: all from the first failing one on).
    #[cfg(test)]
    fail: std::cell::Cell<(usize, usize, bool)>,
}

/// Where an existing output directory's previous reports go during a
/// commit (on the same mounted file system as the directory).
#[derive(Debug)]
struct Replace {
    backup: PathBuf,
    partial: PathBuf,
}

/// Held for the whole of a commit; see [`Staging::block_commits`].
static COMMIT: Mutex<()> = Mutex::new(());

/// Names inside a staging directory that are not reports: scratch files a
/// run writes there (and removes before the commit).
const SCRATCH_FILES: &[&str] = &[".no-evidence", ".probe"];

impl Staging {
    /// Check the output directory `target` and create a fresh staging
    /// directory for it (creating the parent directories that are
    /// missing). Refused: a `target` that is not a directory, or a directory
    /// holding anything but the regular report files and `run.json` of an
    /// earlier slant run (a commit would replace them), or one slant may not
    /// write into, or one another slant run is writing to.
    ///
    /// ```
    /// use slant::report::Staging;
    /// # let dir = tempfile::tempdir().unwrap();
    /// let out = dir.path().join("runs").join("reports");
    /// let st = Staging::create(&out).unwrap();
    /// assert!(st.path().is_dir()); // in "runs", created for it
    /// assert_eq!(st.path().parent(), out.parent()); // beside the target
    /// assert!(!out.exists()); // until commit
    ///
    /// // A directory holding files a run does not write is refused (a
    /// // commit would delete them), and so is a file.
    /// let notes = dir.path().join("notes");
    /// std::fs::create_dir(&notes).unwrap();
    /// std::fs::write(notes.join("draft.txt"), "keep me").unwrap();
    /// let err = Staging::create(&notes).unwrap_err().to_string();
    /// assert!(err.contains("draft.txt") && err.contains("new or empty directory"), "{err}");
    /// assert!(Staging::create(&notes.join("draft.txt")).is_err());
    ///
    /// // So is a report name that is not a regular file.
    /// let odd = dir.path().join("odd");
    /// std::fs::create_dir_all(odd.join("documents.csv")).unwrap();
    /// let err = Staging::create(&odd).unwrap_err().to_string();
    /// assert!(err.contains("documents.csv (a directory)"), "{err}");
    /// ```
    pub fn create(target: &Path) -> Result<Staging> {
        Staging::create_inner(target, None)
    }

    /// [`Staging::create`] for the reports of one slant command (the
    /// `command` recorded in `run.json`): an output directory holding the
    /// reports of another command is refused too, since replacing them
    /// would lose reports the other command wrote.
    ///
    /// ```
    /// use slant::report::Staging;
    /// # let dir = tempfile::tempdir().unwrap();
    /// let out = dir.path().join("reports");
    /// std::fs::create_dir(&out).unwrap();
    /// std::fs::write(out.join("sources.csv"), "source\n").unwrap();
    /// std::fs::write(out.join("run.json"), r#"{"tool": "slant", "command": "analyze"}"#).unwrap();
    /// let err = Staging::create_for(&out, "extract").unwrap_err().to_string();
    /// assert!(err.contains("slant analyze") && err.contains("-o"), "{err}");
    /// assert!(out.join("sources.csv").exists()); // untouched
    /// assert!(Staging::create_for(&out, "analyze").is_ok());
    /// assert!(Staging::create_for(&out, "merge").is_ok()); // merge writes what analyze writes
    /// ```
    pub fn create_for(target: &Path, command: &str) -> Result<Staging> {
        Staging::create_inner(target, Some(command))
    }

    fn create_inner(target: &Path, command: Option<&str>) -> Result<Staging> {
        let me = std::process::id();
        // Beside the target, when it has a name of its own (not `.`, `..`
        // or `/`, which are only ever written into).
        let beside = beside_names(target);
        if let Some((parent, name)) = &beside {
            if parent.is_dir() {
                sweep(target, parent, &format!(".{name}."))?;
            }
        }
        if inspect(target)?.is_none() {
            let (parent, name) = beside.ok_or_else(|| {
                Error::usage(format!(
                    "{}: not a usable output directory",
                    target.display()
                ))
            })?;
            let created = create_parents(&parent)?;
            let tmp = parent.join(format!(".{name}.slant-tmp-{me}"));
            // Dropped on an error: the parents created are removed again.
            let st = Staging {
                tmp: tmp.clone(),
                target: target.to_path_buf(),
                replace: None,
                created,
                committed: false,
                #[cfg(test)]
                fail: std::cell::Cell::new((0, usize::MAX, false)),
            };
            fresh_dir(&tmp).map_err(|e| cannot_create(target, e))?;
            return Ok(st);
        }
        sweep(target, target, ".")?;
        let contents = inspect(target)?
            .ok_or_else(|| Error::io(target, io::Error::from(io::ErrorKind::NotFound)))?;
        contents.check(target, command)?;
        // Beside, if the parent can be written and a file moves from there
        // into the target (same mounted file system); else inside.
        if let Some((parent, name)) = &beside {
            let tmp = parent.join(format!(".{name}.slant-tmp-{me}"));
            if fresh_dir(&tmp).is_ok() {
                match probe(&tmp, target) {
                    Ok(()) => {
                        return Ok(Staging::replacing(
                            target,
                            tmp,
                            parent.join(format!(".{name}.slant-old-{me}")),
                        ))
                    }
                    Err(e) => {
                        let _ = remove_reports(&tmp);
                        if e.kind() != io::ErrorKind::CrossesDevices {
                            return Err(cannot_write(target, e));
                        }
                    }
                }
            }
        }
        let tmp = target.join(format!(".slant-tmp-{me}"));
        fresh_dir(&tmp).map_err(|e| cannot_write(target, e))?;
        Ok(Staging::replacing(
            target,
            tmp,
            target.join(format!(".slant-old-{me}")),
        ))
    }

    fn replacing(target: &Path, tmp: PathBuf, backup: PathBuf) -> Staging {
        let mut partial = backup.clone().into_os_string();
        partial.push(".partial");
        Staging {
            tmp,
            target: target.to_path_buf(),
            replace: Some(Replace {
                backup,
                partial: partial.into(),
            }),
            created: vec![],
            committed: false,
            #[cfg(test)]
            fail: std::cell::Cell::new((0, usize::MAX, false)),
        }
    }

    /// The staging directory to write into (removed, with what was written
    /// there, when the `Staging` is dropped without [`Staging::commit`]).
    ///
    /// ```
    /// use slant::report::Staging;
    /// # let dir = tempfile::tempdir().unwrap();
    /// let out = dir.path().join("reports");
    /// let st = Staging::create(&out).unwrap();
    /// std::fs::write(st.path().join("sources.csv"), "source\n").unwrap();
    /// let staged = st.path().to_path_buf();
    /// drop(st); // say, the run failed
    /// assert!(!staged.exists() && !out.exists());
    /// ```
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// Move the finished reports into place, replacing the previous ones:
    /// afterwards the output directory holds exactly the staged files.
    ///
    /// On an error the output directory holds the previous reports, as
    /// they were, unless the error is [`ErrorKind::Commit`], whose message
    /// says where the previous and the new reports are.
    ///
    /// ```
    /// use slant::report::Staging;
    /// # let dir = tempfile::tempdir().unwrap();
    /// let out = dir.path().join("reports");
    /// std::fs::create_dir(&out).unwrap();
    /// std::fs::write(out.join("terms.csv"), "previous\n").unwrap();
    /// std::fs::write(out.join("run.json"), r#"{"tool": "slant"}"#).unwrap();
    /// let st = Staging::create(&out).unwrap();
    /// std::fs::write(st.path().join("sources.csv"), "current\n").unwrap();
    /// st.commit().unwrap();
    /// // The reports are replaced, and nothing is left beside them.
    /// let mut names: Vec<_> = std::fs::read_dir(&out).unwrap()
    ///     .map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    /// assert_eq!(names, ["sources.csv"]);
    /// assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    /// ```
    pub fn commit(mut self) -> Result<()> {
        let _hold = Staging::block_commits();
        let beside = !self.tmp.starts_with(&self.target);
        let r = match &self.replace {
            // A target removed during the run is simply created.
            Some(r) if !beside || self.target.exists() => self.replace_files(r),
            _ => self
                .rename(&self.tmp, &self.target)
                .map_err(|e| Error::io(&self.target, e)),
        };
        // A commit that could not be undone leaves its directories as its
        // error says, for the next run to finish.
        self.committed = match &r {
            Ok(()) => true,
            Err(e) => matches!(e.kind(), ErrorKind::Commit { .. }),
        };
        r
    }

    /// Wait for a commit in progress to end and hold off new ones while the
    /// returned guard lives: what a handler that ends the process at once
    /// (a second Ctrl-C) takes first, so the output directory is never left
    /// half replaced.
    ///
    /// ```
    /// let hold = slant::report::Staging::block_commits();
    /// // ... std::process::exit(130) here would leave whole reports.
    /// drop(hold);
    /// ```
    pub fn block_commits() -> MutexGuard<'static, ()> {
        COMMIT.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn replace_files(&self, r: &Replace) -> Result<()> {
        let target = &self.target;
        // Files that appeared during the run would be lost: stop here.
        let contents = inspect(target)?
            .ok_or_else(|| Error::io(target, io::Error::from(io::ErrorKind::NotFound)))?;
        contents.check(target, None)?;
        // Out: run.json first; in: run.json last, so a run.json always
        // comes with a complete set.
        let mut old = contents.reports;
        old.sort_by_key(|n| (n != "run.json", n.clone()));
        let mut new = list_files(&self.tmp).map_err(|e| Error::io(&self.tmp, e))?;
        new.sort_by_key(|n| (n == "run.json", n.clone()));

        std::fs::create_dir(&r.partial).map_err(|e| Error::io(&r.partial, e))?;
        // Each move that fails names the file it could not move.
        let mv =
            |from: &Path, to: &Path| self.rename(from, to).map_err(|e| (from.to_path_buf(), e));
        let mut out = 0;
        let step1 = old
            .iter()
            .try_for_each(|f| {
                mv(&target.join(f), &r.partial.join(f))?;
                out += 1;
                Ok(())
            })
            .and_then(|()| mv(&r.partial, &r.backup));
        if let Err(e) = step1 {
            let undone = old[..out]
                .iter()
                .try_for_each(|f| mv(&r.partial.join(f), &target.join(f)));
            if undone.is_ok() {
                let _ = std::fs::remove_dir(&r.partial);
            }
            return Err(self.failed(e, undone, &r.partial));
        }
        let mut moved = 0;
        let step2 = new.iter().try_for_each(|f| {
            mv(&self.tmp.join(f), &target.join(f))?;
            moved += 1;
            Ok(())
        });
        if let Err(e) = step2 {
            let undone = new[..moved]
                .iter()
                .rev()
                .try_for_each(|f| mv(&target.join(f), &self.tmp.join(f)))
                .and_then(|()| {
                    old.iter()
                        .try_for_each(|f| mv(&r.backup.join(f), &target.join(f)))
                });
            if undone.is_ok() {
                let _ = std::fs::remove_dir(&r.backup);
            }
            return Err(self.failed(e, undone, &r.backup));
        }
        // Done: what is left is only the previous reports' backup (the next
        // run into this directory removes it if this fails).
        let _ = std::fs::remove_dir(&self.tmp);
        let _ = remove_reports(&r.backup);
        Ok(())
    }

    /// The error of a failed commit step: the previous reports are as they
    /// were if the moves were undone; otherwise say where everything is.
    fn failed(
        &self,
        (path, e): (PathBuf, io::Error),
        undone: std::result::Result<(), (PathBuf, io::Error)>,
        backup: &Path,
    ) -> Error {
        match undone {
            Ok(()) => Error::io(path, e),
            Err((upath, u)) => Error::new(ErrorKind::Commit {
                dir: self.target.clone(),
                message: format!(
                    "replacing the reports failed ({}: {e}), and so did putting the previous \
                     ones back ({}: {u}): the previous reports are in {} and this run's in {}; \
                     the next run into {} puts the previous ones back",
                    path.display(),
                    upath.display(),
                    backup.display(),
                    self.tmp.display(),
                    self.target.display()
                ),
            }),
        }
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        #[cfg(test)]
        {
            let (n, first, rest) = self.fail.get();
            self.fail.set((n + 1, first, rest));
            if n == first || (rest && n > first) {
                return Err(io::Error::other(format!("injected failure of rename {n}")));
            }
        }
        std::fs::rename(from, to)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_reports(&self.tmp);
            for d in self.created.iter().rev() {
                let _ = std::fs::remove_dir(d);
            }
        }
    }
}

/// The files a run writes into its output directory. [`Staging::create`]
/// refuses an existing directory that holds anything else, since
/// [`Staging::commit`] replaces its files.
///
/// ```
/// assert!(slant::report::REPORT_FILES.contains(&"sources.csv"));
/// ```
pub const REPORT_FILES: &[&str] = &[
    "boilerplate.csv",
    "comparisons.csv",
    "documents.csv",
    "documents.parquet",
    "evidence.csv",
    "evidence.parquet",
    "families.csv",
    "groups.csv",
    "labels.csv",
    "referent_families.csv",
    "rejected.csv",
    "report.html",
    "run.json",
    "scaling.csv",
    "scaling_words.csv",
    "sentences.csv",
    "sentences.parquet",
    "sources.csv",
    "sources_long.csv",
    "terms.csv",
    "timeseries.csv",
    "timings.json",
];

/// The parent and file name of `target`, for a staging directory beside
/// it; `None` when the target has no name of its own (`.`, `..`, `/`).
fn beside_names(target: &Path) -> Option<(PathBuf, String)> {
    use std::path::Component;
    match target.components().next_back()? {
        Component::Normal(name) => {
            let parent = match target.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            Some((parent, name.to_string_lossy().to_string()))
        }
        _ => None,
    }
}

/// Create `dir` and its missing ancestors; return the ones created,
/// outermost first.
fn create_parents(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut missing = Vec::new();
    let mut d = dir;
    while !d.as_os_str().is_empty() && std::fs::symlink_metadata(d).is_err() {
        missing.push(d.to_path_buf());
        match d.parent() {
            Some(p) => d = p,
            None => break,
        }
    }
    missing.reverse();
    for m in &missing {
        if let Err(e) = std::fs::create_dir(m) {
            if e.kind() != io::ErrorKind::AlreadyExists {
                for c in missing.iter().rev() {
                    let _ = std::fs::remove_dir(c);
                }
                return Err(Error::io(m, e));
            }
        }
    }
    Ok(missing)
}

fn cannot_create(target: &Path, e: io::Error) -> Error {
    Error::new(ErrorKind::Usage(format!(
        "{}: cannot create the output directory ({e}); choose another output directory",
        target.display()
    )))
}

fn cannot_write(target: &Path, e: io::Error) -> Error {
    Error::new(ErrorKind::Usage(format!(
        "{}: slant may not write into this output directory ({e}); choose another output \
         directory",
        target.display()
    )))
}

/// Create `dir`, emptying a leftover of an earlier process with this pid.
fn fresh_dir(dir: &Path) -> io::Result<()> {
    if dir.exists() {
        remove_reports(dir);
    }
    std::fs::create_dir(dir)
}

/// Whether a file moves from the staging directory `tmp` into `target` and
/// back: `target` can be written, on the same mounted file system.
fn probe(tmp: &Path, target: &Path) -> io::Result<()> {
    let (from, to) = (
        tmp.join(".probe"),
        target.join(format!(".slant-probe-{}", std::process::id())),
    );
    std::fs::write(&from, b"")?;
    std::fs::rename(&from, &to)?;
    std::fs::rename(&to, &from).or_else(|_| std::fs::remove_file(&to))?;
    let _ = std::fs::remove_file(&from);
    Ok(())
}

/// What an existing output directory holds.
struct Contents {
    /// Regular files with report names.
    reports: Vec<String>,
    /// Anything else (with what it is when not a regular file), except this
    /// process's own staging directories.
    foreign: Vec<String>,
    /// The `command` of its `run.json`, if that is a slant run.json.
    command: Option<Option<String>>,
}

/// `None` if `target` does not exist; an error if it is not a directory.
fn inspect(target: &Path) -> Result<Option<Contents>> {
    let meta = match std::fs::symlink_metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(target, e)),
    };
    if !meta.is_dir() {
        return Err(Error::usage(format!(
            "{}: the output directory exists and is not a directory (a file or a link); \
             choose another output directory",
            target.display()
        )));
    }
    let own = own_names(".");
    let mut c = Contents {
        reports: vec![],
        foreign: vec![],
        command: None,
    };
    for e in std::fs::read_dir(target).map_err(|e| Error::io(target, e))? {
        let e = e.map_err(|e| Error::io(target, e))?;
        let name = e.file_name().to_string_lossy().to_string();
        if own.contains(&name) {
            continue;
        }
        let ft = e.file_type().map_err(|err| Error::io(e.path(), err))?;
        if ft.is_file() && REPORT_FILES.contains(&name.as_str()) {
            c.reports.push(name);
        } else if ft.is_dir() {
            c.foreign.push(format!("{name} (a directory)"));
        } else if ft.is_symlink() {
            c.foreign.push(format!("{name} (a link)"));
        } else if !ft.is_file() {
            c.foreign.push(format!("{name} (not a regular file)"));
        } else {
            c.foreign.push(name);
        }
    }
    c.foreign.sort();
    c.reports.sort();
    if c.reports.iter().any(|n| n == "run.json") {
        c.command = std::fs::read(target.join("run.json"))
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .filter(|v| v["tool"] == "slant")
            .map(|v| v["command"].as_str().map(str::to_string));
    }
    Ok(Some(c))
}

impl Contents {
    /// Refuse a directory a commit must not replace the files of.
    fn check(&self, target: &Path, command: Option<&str>) -> Result<()> {
        let refuse = |what: String| {
            Err(Error::usage(format!(
                "{}: the output directory holds {what}; a run replaces the files of its output \
                 directory, so choose a new or empty directory",
                target.display()
            )))
        };
        if !self.foreign.is_empty() {
            let shown = self.foreign[..self.foreign.len().min(3)].join(", ");
            let more = match self.foreign.len() {
                n if n > 3 => format!(" and {} more", n - 3),
                _ => String::new(),
            };
            return refuse(format!("files slant did not write ({shown}{more})"));
        }
        if !self.reports.is_empty() && self.command.is_none() {
            return refuse(format!(
                "{} but no run.json from a slant run, so they may not be slant's",
                self.reports.join(", ")
            ));
        }
        // `merge` writes the reports `analyze` writes: each replaces the other's.
        let same = |a: &str, b: &str| {
            let kind = |c: &str| if c == "merge" { "analyze" } else { c }.to_string();
            kind(a) == kind(b)
        };
        if let (Some(Some(theirs)), Some(ours)) = (&self.command, command) {
            if !same(theirs, ours) {
                return Err(Error::usage(format!(
                    "{}: the output directory holds the reports of `slant {theirs}` (its \
                     run.json says so), which `slant {ours}` would replace with other files; \
                     choose another output directory with -o, or remove this one first",
                    target.display()
                )));
            }
        }
        Ok(())
    }
}

/// This process's own staging names with `prefix` (`.` inside the target,
/// `.DIR.` beside it).
fn own_names(prefix: &str) -> [String; 4] {
    let me = std::process::id();
    [
        format!("{prefix}slant-tmp-{me}"),
        format!("{prefix}slant-old-{me}"),
        format!("{prefix}slant-old-{me}.partial"),
        format!("{prefix}slant-probe-{me}"),
    ]
}

/// The names in `dir` (an error if it cannot be listed).
fn list_files(dir: &Path) -> io::Result<Vec<String>> {
    std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().to_string()))
        .collect()
}

/// Remove what a run writes into a staging or backup directory (regular
/// files with report or scratch names), then the directory if that left it
/// empty. Anything else stays. Whether the directory is gone.
fn remove_reports(dir: &Path) -> bool {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            let ours =
                REPORT_FILES.contains(&name.as_str()) || SCRATCH_FILES.contains(&name.as_str());
            if ours && e.file_type().is_ok_and(|t| t.is_file()) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    std::fs::remove_dir(dir).is_ok()
}

/// Whether process `pid` is a running slant (the same program as this
/// one), `None` when that cannot be known (no `/proc`).
fn running(pid: u32) -> Option<bool> {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return None;
    }
    let comm = |p: &Path| std::fs::read(p.join("comm")).ok();
    Some(match comm(&proc.join(pid.to_string())) {
        None => false,
        Some(c) => Some(c) == comm(&proc.join("self")),
    })
}

/// Finish for runs that were killed outright what they left in `dir` (the
/// target's parent, names starting `.DIR.`, or the target itself, names
/// starting `.`): remove their staging directories and probe files, roll
/// back a half-done commit. Refuses when another slant run is writing to
/// the target.
fn sweep(target: &Path, dir: &Path, prefix: &str) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    let me = std::process::id();
    let mut pids = std::collections::BTreeSet::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(rest) = name
            .strip_prefix(prefix)
            .and_then(|r| r.strip_prefix("slant-"))
        else {
            continue;
        };
        let pid = ["tmp-", "old-", "probe-"]
            .iter()
            .find_map(|k| rest.strip_prefix(k))
            .map(|p| p.strip_suffix(".partial").unwrap_or(p))
            .and_then(|p| p.parse::<u32>().ok());
        if let Some(pid) = pid.filter(|&p| p != me) {
            pids.insert(pid);
        }
    }
    for pid in pids {
        match running(pid) {
            Some(true) => {
                return Err(Error::usage(format!(
                    "{}: another slant run (process {pid}) is writing to this output \
                     directory; wait for it to end or choose another output directory",
                    target.display()
                )))
            }
            Some(false) => recover(target, dir, prefix, pid),
            // Beside the target, unknown leftovers are harmless; inside it
            // they make it a foreign directory.
            None => {}
        }
    }
    Ok(())
}

/// Undo what dead process `pid` left (see [`sweep`]).
fn recover(target: &Path, dir: &Path, prefix: &str, pid: u32) {
    let tmp = dir.join(format!("{prefix}slant-tmp-{pid}"));
    let backup = dir.join(format!("{prefix}slant-old-{pid}"));
    let partial = dir.join(format!("{prefix}slant-old-{pid}.partial"));
    let probe = target.join(format!(".slant-probe-{pid}"));
    let move_reports = |from: &Path, to: &Path| {
        for f in REPORT_FILES {
            let (a, b) = (from.join(f), to.join(f));
            if std::fs::symlink_metadata(&a).is_ok_and(|m| m.is_file())
                && std::fs::symlink_metadata(&b).is_err()
            {
                let _ = std::fs::rename(&a, &b);
            }
        }
    };
    if partial.is_dir() {
        // Killed while moving the previous reports out: nothing new is in
        // the target yet.
        move_reports(&partial, target);
        let _ = std::fs::remove_dir(&partial);
    }
    if backup.is_dir() {
        if !target.exists() {
            // Left by an earlier slant, which renamed the directory aside.
            let _ = std::fs::rename(&backup, target);
        } else if list_files(&tmp).is_ok_and(|f| !f.is_empty()) {
            // Killed while moving the new reports in: the report files in
            // the target are new ones (the previous ones are all in the
            // backup). Back they go.
            move_reports(target, &tmp);
            move_reports(&backup, target);
        }
        remove_reports(&backup);
    }
    remove_reports(&tmp);
    if std::fs::symlink_metadata(&probe).is_ok_and(|m| m.is_file() && m.len() == 0) {
        let _ = std::fs::remove_file(&probe);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pid that is not running: above Linux's pid_max (4194304).
    const DEAD: u32 = 4_194_999;

    fn names(dir: &Path) -> Vec<String> {
        let mut v = list_files(dir).unwrap();
        v.sort();
        v
    }

    fn read(p: &Path) -> String {
        std::fs::read_to_string(p).unwrap()
    }

    /// An output directory holding the reports of an earlier run.
    fn previous(out: &Path) {
        std::fs::create_dir_all(out).unwrap();
        std::fs::write(
            out.join("run.json"),
            r#"{"tool": "slant", "command": "analyze"}"#,
        )
        .unwrap();
        std::fs::write(out.join("sources.csv"), "previous\n").unwrap();
        std::fs::write(out.join("terms.csv"), "previous\n").unwrap();
    }

    /// A staging directory for the existing directory `out`, beside it or
    /// (as for a mount point) inside it.
    fn staging(out: &Path, inside: bool) -> Staging {
        if !inside {
            return Staging::create(out).unwrap();
        }
        let me = std::process::id();
        let tmp = out.join(format!(".slant-tmp-{me}"));
        std::fs::create_dir(&tmp).unwrap();
        Staging::replacing(out, tmp, out.join(format!(".slant-old-{me}")))
    }

    fn stage(st: &Staging) {
        std::fs::write(st.path().join("run.json"), r#"{"tool": "slant"}"#).unwrap();
        std::fs::write(st.path().join("sources.csv"), "new\n").unwrap();
        std::fs::write(st.path().join("documents.csv"), "new\n").unwrap();
    }

    #[test]
    fn stale_staging_dirs_are_swept_and_orphaned_reports_restored() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("r");
        let stale_tmp = dir.path().join(format!(".r.slant-tmp-{DEAD}"));
        let stale_old = dir.path().join(format!(".r.slant-old-{DEAD}"));
        let other = dir.path().join(format!(".other.slant-tmp-{DEAD}"));
        for d in [&stale_tmp, &stale_old, &other] {
            std::fs::create_dir(d).unwrap();
        }
        std::fs::write(stale_old.join("sources.csv"), "previous\n").unwrap();
        std::fs::write(stale_old.join("run.json"), r#"{"tool": "slant"}"#).unwrap();
        let st = Staging::create(&target).unwrap();
        if Path::new("/proc/self").exists() {
            assert!(!stale_tmp.exists() && !stale_old.exists());
            // The orphaned previous reports are back in place ...
            assert_eq!(read(&target.join("sources.csv")), "previous\n");
        }
        // ... other outputs' staging directories are not touched.
        assert!(other.exists());
        std::fs::write(st.path().join("sources.csv"), "new\n").unwrap();
        st.commit().unwrap();
        assert_eq!(read(&target.join("sources.csv")), "new\n");
        assert_eq!(
            names(dir.path()),
            [format!(".other.slant-tmp-{DEAD}"), "r".to_string()]
        );
    }

    /// Every failing rename of a commit, with and without a failing undo:
    /// either the previous reports are in place, untouched, and the error
    /// is an I/O error (which the command line reports as "left as they
    /// were"), or the error is a `Commit` error naming where both sets are,
    /// and the next run puts the previous reports back. Both layouts.
    #[test]
    fn a_failed_commit_leaves_the_previous_reports_or_says_where_they_are() {
        for inside in [false, true] {
            for undo_fails in [false, true] {
                // Renames: 3 previous files out, partial -> backup, 3 in.
                for first in 0..7 {
                    let dir = tempfile::tempdir().unwrap();
                    let out = dir.path().join("r");
                    previous(&out);
                    let before: Vec<(String, String)> = names(&out)
                        .into_iter()
                        .map(|n| (read(&out.join(&n)), n))
                        .map(|(c, n)| (n, c))
                        .collect();
                    let st = staging(&out, inside);
                    assert_eq!(st.path().starts_with(&out), inside);
                    stage(&st);
                    st.fail.set((0, first, undo_fails));
                    let case = format!("inside {inside}, undo fails {undo_fails}, rename {first}");
                    let err = st.commit().unwrap_err();
                    let after = || -> Vec<(String, String)> {
                        names(&out)
                            .into_iter()
                            .map(|n| (n.clone(), read(&out.join(n))))
                            .collect()
                    };
                    match err.kind() {
                        ErrorKind::Io { .. } => {
                            // Nothing to undo when the first rename failed.
                            assert!(!undo_fails || first == 0, "{case}: {err}");
                            assert_eq!(after(), before, "{case}");
                            assert_eq!(names(dir.path()), ["r"], "{case}");
                        }
                        ErrorKind::Commit { message, .. } => {
                            assert!(undo_fails, "{case}: {err}");
                            assert!(message.contains("previous reports are in"), "{case}");
                            // The next run (another process) restores them.
                            recover(&out, dir.path(), ".r.", std::process::id());
                            recover(&out, &out, ".", std::process::id());
                            assert_eq!(after(), before, "{case}");
                            assert_eq!(names(dir.path()), ["r"], "{case}");
                        }
                        _ => panic!("{case}: {err}"),
                    }
                }
            }
        }
    }

    /// A commit into an existing directory keeps the directory (a mount
    /// point stays usable) and leaves exactly the new files.
    #[test]
    fn commit_in_place_replaces_the_files_not_the_directory() {
        for inside in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("r");
            previous(&out);
            std::fs::write(out.join("evidence.csv"), "previous\n").unwrap();
            #[cfg(unix)]
            let ino = {
                use std::os::unix::fs::MetadataExt;
                std::fs::metadata(&out).unwrap().ino()
            };
            let st = staging(&out, inside);
            stage(&st);
            st.commit().unwrap();
            assert_eq!(names(&out), ["documents.csv", "run.json", "sources.csv"]);
            assert_eq!(read(&out.join("sources.csv")), "new\n");
            assert_eq!(names(dir.path()), ["r"]);
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                assert_eq!(std::fs::metadata(&out).unwrap().ino(), ino);
            }
        }
    }

    /// A run killed at any point of a commit: the next run's sweep leaves
    /// either the previous reports (commit not complete) or the new ones.
    #[test]
    fn a_commit_killed_halfway_is_rolled_back_by_the_next_run() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("r");
        previous(&out);
        // Killed after two of three previous files were moved out ...
        let partial = dir.path().join(format!(".r.slant-old-{DEAD}.partial"));
        let tmp = dir.path().join(format!(".r.slant-tmp-{DEAD}"));
        std::fs::create_dir(&partial).unwrap();
        std::fs::create_dir(&tmp).unwrap();
        std::fs::write(tmp.join("sources.csv"), "new\n").unwrap();
        for f in ["run.json", "sources.csv"] {
            std::fs::rename(out.join(f), partial.join(f)).unwrap();
        }
        let st = Staging::create(&out).unwrap();
        assert_eq!(names(&out), ["run.json", "sources.csv", "terms.csv"]);
        assert_eq!(read(&out.join("sources.csv")), "previous\n");
        drop(st);
        // ... or after one new file was moved in.
        let backup = out.join(format!(".slant-old-{DEAD}"));
        let tmp = out.join(format!(".slant-tmp-{DEAD}"));
        std::fs::create_dir(&backup).unwrap();
        std::fs::create_dir(&tmp).unwrap();
        for f in ["run.json", "sources.csv", "terms.csv"] {
            std::fs::rename(out.join(f), backup.join(f)).unwrap();
        }
        std::fs::write(out.join("sources.csv"), "new\n").unwrap();
        std::fs::write(tmp.join("run.json"), "new\n").unwrap();
        let st = Staging::create(&out).unwrap();
        assert_eq!(names(&out), ["run.json", "sources.csv", "terms.csv"]);
        assert_eq!(read(&out.join("sources.csv")), "previous\n");
        drop(st);
        // Killed after the last new file was moved in: the new reports stay.
        std::fs::create_dir(&backup).unwrap();
        std::fs::create_dir(&tmp).unwrap();
        for f in ["run.json", "sources.csv", "terms.csv"] {
            std::fs::rename(out.join(f), backup.join(f)).unwrap();
        }
        std::fs::write(out.join("sources.csv"), "new\n").unwrap();
        std::fs::write(out.join("run.json"), r#"{"tool": "slant"}"#).unwrap();
        let st = Staging::create(&out).unwrap();
        assert_eq!(names(&out), ["run.json", "sources.csv"]);
        assert_eq!(read(&out.join("sources.csv")), "new\n");
        drop(st);
        assert_eq!(names(dir.path()), ["r"]);
    }

    /// What makes an existing directory not slant's to replace, each
    /// refused before anything is written, and nothing in it touched.
    #[test]
    fn foreign_output_directories_are_refused() {
        type Setup = fn(&Path);
        let cases: [(&str, Setup, &str); 5] = [
            (
                "a report name that is a directory",
                |o| {
                    std::fs::create_dir_all(o.join("documents.csv")).unwrap();
                    std::fs::write(o.join("documents.csv/thesis.docx"), "x").unwrap();
                },
                "documents.csv (a directory)",
            ),
            (
                "a report name that is a link",
                |o| {
                    #[cfg(unix)]
                    std::os::unix::fs::symlink("/etc/hostname", o.join("sources.csv")).unwrap();
                    #[cfg(not(unix))]
                    std::fs::create_dir(o.join("sources.csv")).unwrap();
                },
                "sources.csv (a",
            ),
            (
                "report names without a run.json",
                |o| std::fs::write(o.join("documents.csv"), "mine").unwrap(),
                "no run.json from a slant run",
            ),
            (
                "a run.json that is not slant's",
                |o| {
                    std::fs::write(o.join("run.json"), r#"{"name": "webpack"}"#).unwrap();
                    std::fs::write(o.join("sources.csv"), "mine").unwrap();
                },
                "no run.json from a slant run",
            ),
            (
                "a hidden file",
                |o| std::fs::write(o.join(".keep"), "").unwrap(),
                ".keep",
            ),
        ];
        for (what, setup, says) in cases {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("r");
            std::fs::create_dir(&out).unwrap();
            setup(&out);
            let before = names(&out);
            let err = Staging::create(&out).unwrap_err().to_string();
            assert!(err.contains(says), "{what}: {err}");
            assert_eq!(names(&out), before, "{what}");
            assert_eq!(names(dir.path()), ["r"], "{what}");
        }
    }

    #[test]
    fn a_failed_run_removes_the_parents_it_created() {
        let dir = tempfile::tempdir().unwrap();
        let st = Staging::create(&dir.path().join("a/b/r")).unwrap();
        assert!(dir.path().join("a/b").is_dir());
        drop(st);
        assert!(names(dir.path()).is_empty());
    }
}
