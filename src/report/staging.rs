//! A staging directory beside the output directory: reports are written
//! there and moved into place only when the run completes, so an error or
//! an interrupted run leaves the previous reports untouched.

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
    /// Create a fresh staging directory beside `target`.
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

    /// The staging directory to write into.
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// Move the finished reports into place, replacing the previous ones.
    pub fn commit(mut self) -> Result<()> {
        let old = self.tmp.with_extension("old");
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
