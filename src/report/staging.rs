//! A staging directory beside the output directory: reports are written
//! there and moved into place only when the run completes, so an error or
//! an interrupted run leaves the previous reports untouched.
//!
//! Names beside `DIR`: `.DIR.slant-tmp-PID` (being written) and
//! `.DIR.slant-old-PID` (the previous reports, for the instant between the
//! two renames of [`Staging::commit`]). A process killed outright (SIGKILL,
//! power loss) leaves them behind; the next run removes those of processes
//! that no longer exist, and puts an orphaned `old` directory back in place
//! if `DIR` itself is missing.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

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
    tmp: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl Staging {
    /// Create a fresh staging directory beside `target` (creating the
    /// parent directories that are missing).
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
    /// ```
    pub fn create(target: &Path) -> Result<Staging> {
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "reports".into());
        sweep_stale(&parent, &name, target);
        check_replaceable(target)?;
        let tmp = parent.join(format!(".{name}.slant-tmp-{}", std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
        }
        std::fs::create_dir(&tmp).map_err(|e| Error::io(&tmp, e))?;
        Ok(Staging {
            tmp,
            target: target.to_path_buf(),
            committed: false,
        })
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

    /// Move the finished reports into place, replacing the previous ones.
    ///
    /// ```
    /// use slant::report::Staging;
    /// # let dir = tempfile::tempdir().unwrap();
    /// let out = dir.path().join("reports");
    /// std::fs::create_dir(&out).unwrap();
    /// std::fs::write(out.join("terms.csv"), "previous\n").unwrap();
    /// let st = Staging::create(&out).unwrap();
    /// std::fs::write(st.path().join("sources.csv"), "current\n").unwrap();
    /// st.commit().unwrap();
    /// // The whole directory is replaced, and nothing is left beside it.
    /// assert!(out.join("sources.csv").exists() && !out.join("terms.csv").exists());
    /// assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    /// ```
    pub fn commit(mut self) -> Result<()> {
        let name = self
            .target
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "reports".into());
        let old = self
            .tmp
            .with_file_name(format!(".{name}.slant-old-{}", std::process::id()));
        if self.target.exists() {
            if old.exists() {
                std::fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
            }
            std::fs::rename(&self.target, &old).map_err(|e| Error::io(&self.target, e))?;
        }
        std::fs::rename(&self.tmp, &self.target).map_err(|e| Error::io(&self.target, e))?;
        if old.exists() {
            std::fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

/// The files a run writes into its output directory. [`Staging::create`]
/// refuses an existing directory that holds anything else, since
/// [`Staging::commit`] replaces the directory whole.
///
/// ```
/// assert!(slant::report::REPORT_FILES.contains(&"sources.csv"));
/// ```
pub const REPORT_FILES: &[&str] = &[
    "documents.csv",
    "evidence.csv",
    "families.csv",
    "rejected.csv",
    "report.html",
    "run.json",
    "sentences.csv",
    "sources.csv",
    "terms.csv",
    "timings.json",
];

/// Refuse a `target` that is not a directory, or a directory holding files
/// a run does not write (an input folder, an unrelated folder, a file named
/// by mistake): replacing it would delete them.
fn check_replaceable(target: &Path) -> Result<()> {
    let meta = match std::fs::symlink_metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(target, e)),
    };
    if !meta.is_dir() {
        return Err(Error::usage(format!(
            "{}: the output directory exists and is not a directory (a file or a link); \
             choose another output directory",
            target.display()
        )));
    }
    let mut foreign: Vec<String> = std::fs::read_dir(target)
        .map_err(|e| Error::io(target, e))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| !REPORT_FILES.contains(&n.as_str()))
        .collect();
    if foreign.is_empty() {
        return Ok(());
    }
    foreign.sort();
    let shown: Vec<&str> = foreign.iter().take(3).map(String::as_str).collect();
    let more = match foreign.len() {
        n if n > 3 => format!(" and {} more", n - 3),
        _ => String::new(),
    };
    Err(Error::usage(format!(
        "{}: the output directory holds files slant did not write ({}{more}); a run replaces \
         its output directory whole, so choose a new or empty directory",
        target.display(),
        shown.join(", ")
    )))
}

/// Whether process `pid` may still be running. Without `/proc` (not Linux)
/// every process is assumed alive, so nothing is swept.
fn alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

/// Remove staging directories left beside `target` by runs that were killed
/// outright; restore the previous reports if a run died between the two
/// renames of a commit.
fn sweep_stale(parent: &Path, name: &str, target: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let (tmp_prefix, old_prefix) = (format!(".{name}.slant-tmp-"), format!(".{name}.slant-old-"));
    let me = std::process::id();
    let mut stale = Vec::new();
    for e in entries.flatten() {
        let file_name = e.file_name().to_string_lossy().to_string();
        for (prefix, is_old) in [(&tmp_prefix, false), (&old_prefix, true)] {
            let pid = file_name
                .strip_prefix(prefix.as_str())
                .and_then(|p| p.parse::<u32>().ok());
            if pid.is_some_and(|p| p != me && !alive(p)) {
                stale.push((e.path(), is_old));
            }
        }
    }
    stale.sort();
    for (path, is_old) in stale {
        if is_old && !target.exists() && std::fs::rename(&path, target).is_ok() {
            continue;
        }
        let _ = std::fs::remove_dir_all(&path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pid that is not running: above Linux's pid_max (4194304).
    const DEAD: u32 = 4_194_999;

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
        let st = Staging::create(&target).unwrap();
        if Path::new("/proc/self").exists() {
            assert!(!stale_tmp.exists() && !stale_old.exists());
            // The orphaned previous reports are back in place ...
            assert_eq!(
                std::fs::read_to_string(target.join("sources.csv")).unwrap(),
                "previous\n"
            );
        }
        // ... other outputs' staging directories are not touched.
        assert!(other.exists());
        std::fs::write(st.path().join("sources.csv"), "new\n").unwrap();
        st.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("sources.csv")).unwrap(),
            "new\n"
        );
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        left.sort();
        assert_eq!(left, [format!(".other.slant-tmp-{DEAD}"), "r".to_string()]);
    }
}
