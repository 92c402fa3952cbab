//! Group maps: which group (say, an AllSides bias rating) each source
//! belongs to, for `groups.csv` and `comparisons.csv` (`--groups FILE`).

use super::sourcemap::read_table_file;
use super::table::pairs;
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Sources and their groups, read from a CSV file with the columns
/// `source` and `group`. Sources match whole source names as the reports
/// write them, that is after the source map (`--source-map`), ignoring
/// case and surrounding whitespace; a source the file does not list has no
/// group and is left out of the group statistics (counted in `run.json`).
///
/// ```
/// use slant::corpus::GroupMap;
/// let csv = "source,group\nFox News,right\nNew York Times,left\nReuters,center\n";
/// let map = GroupMap::from_csv_str("groups.csv", csv).unwrap();
/// assert_eq!(map.get(" fox news "), Some("right"));
/// assert_eq!(map.get("Daily Ledger"), None); // not listed: no group
/// assert_eq!(map.len(), 3);
///
/// // Problems name their line.
/// let clash = "source,group\nReuters,center\nreuters,left\n";
/// let err = GroupMap::from_csv_str("groups.csv", clash).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "groups.csv: line 3: source `reuters` is put in `left`, but line 2 puts it in `center`"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GroupMap {
    /// The file read.
    #[serde(serialize_with = "super::ser_path")]
    pub path: PathBuf,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// Folded source → group.
    #[serde(skip)]
    map: BTreeMap<String, String>,
}

/// How source names are compared: trimmed, lower case.
fn fold(name: &str) -> String {
    name.trim().to_lowercase()
}

impl GroupMap {
    /// Read a group map file (UTF-8, UTF-16 or legacy encodings, as the
    /// corpus readers decode them).
    pub fn from_path(path: &Path) -> Result<GroupMap> {
        let (text, sha256) = read_table_file(path)?;
        Ok(GroupMap {
            sha256,
            ..Self::from_csv_str(path, &text)?
        })
    }

    /// Parse a group map from CSV text (`path` names it in messages).
    pub fn from_csv_str(path: impl AsRef<Path>, text: &str) -> Result<GroupMap> {
        let path = path.as_ref();
        let bad = |line: u64, msg: String| Error::input(path, format!("line {line}: {msg}"));
        let mut map: BTreeMap<String, String> = BTreeMap::new();
        let mut first: BTreeMap<String, u64> = BTreeMap::new();
        for (line, source, group) in pairs(path, "group map", text, "source", "group")? {
            let (source, group) = (source.as_str(), group.as_str());
            let key = fold(source);
            match map.get(&key) {
                Some(prev) if prev != group => {
                    return Err(bad(
                        line,
                        format!(
                        "source `{source}` is put in `{group}`, but line {} puts it in `{prev}`",
                        first[&key]
                    ),
                    ))
                }
                Some(_) => {}
                None => {
                    first.insert(key.clone(), line);
                    map.insert(key, group.to_string());
                }
            }
        }
        Ok(GroupMap {
            path: path.to_path_buf(),
            sha256: String::new(),
            map,
        })
    }

    /// The group of source `name`, when the map lists it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.map.get(&fold(name)).map(String::as_str)
    }

    /// How many sources the map lists.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether the map lists no source.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The sources the map lists (folded: trimmed, lower case), for
    /// counting those no document came from.
    pub fn sources(&self) -> impl Iterator<Item = &str> {
        self.map.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_refused_with_their_line() {
        let cases = [
            ("source\nx\n", "needs the columns `source` and `group`"),
            ("source,group\n,left\n", "line 2: empty source or group"),
            ("source,group\nA,\n", "line 2: empty source or group"),
            (
                "source,group\nA,left,x\n",
                "line 2: 3 fields, but the header has 2",
            ),
            (
                "source,group\na,left\nb,right\nA,right\n",
                "line 4: source `A` is put in `right`, but line 2",
            ),
        ];
        for (csv, want) in cases {
            let err = GroupMap::from_csv_str("g.csv", csv)
                .unwrap_err()
                .to_string();
            assert!(err.contains(want), "{csv:?}: {err}");
            assert!(err.starts_with("g.csv: "), "{err}");
        }
    }

    #[test]
    fn repeats_are_harmless_and_header_case_is_ignored() {
        let csv = "Group,Source\nleft,NYT\nleft, nyt \nright,Fox\n";
        let m = GroupMap::from_csv_str("g.csv", csv).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m.get("NYT"), Some("left"));
        assert_eq!(m.sources().collect::<Vec<_>>(), ["fox", "nyt"]);
    }
}
