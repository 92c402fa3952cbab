//! Source maps: the names one outlet appears under (`Fox News`, `FOX
//! News`, `Fox Online News`) mapped to one source before anything is
//! counted.

use super::decode::decode_with;
use super::open::read_regular_file;
use super::table::pairs;
use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Aliases and the source each stands for, read from a CSV file with the
/// columns `alias` and `source`. Aliases match whole source names, ignoring
/// case and surrounding whitespace; a source name the map does not list is
/// kept as it is. A source listed as its own alias (`fox news,Fox News`)
/// gathers the other spellings of its name.
///
/// The record gate applies the map ([`crate::corpus::ReadOptions::source_map`]),
/// so duplicate ids, per-source counts and every report see the mapped
/// name; `run.json` names the file, its SHA-256 and how many records each
/// alias renamed.
///
/// ```
/// use slant::corpus::SourceMap;
/// let csv = "alias,source\nFox Online News,Fox News\nFOX NEWS,Fox News\nNYT,New York Times\n";
/// let map = SourceMap::from_csv_str("outlets.csv", csv).unwrap();
/// assert_eq!(map.get("  fox online news "), Some("Fox News"));
/// assert_eq!(map.get("Fox News"), Some("Fox News")); // listed as `FOX NEWS`
/// assert_eq!(map.get("Fox"), None); // not listed: kept as it is
/// assert_eq!(map.len(), 3);
///
/// // Problems name their line.
/// let clash = "alias,source\nNYT,New York Times\nnyt,NY Post\n";
/// let err = SourceMap::from_csv_str("outlets.csv", clash).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "outlets.csv: line 3: alias `nyt` maps to `NY Post`, but line 2 maps it to `New York Times`"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceMap {
    /// The file read.
    #[serde(serialize_with = "super::ser_path")]
    pub path: PathBuf,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// Folded alias → source.
    #[serde(skip)]
    map: BTreeMap<String, String>,
}

/// A small table file's text (decoded as the corpus readers decode) and
/// the SHA-256 of its bytes, for `run.json`.
pub(super) fn read_table_file(path: &Path) -> Result<(String, String)> {
    let bytes = read_regular_file(path)?;
    let text = decode_with(&bytes, true)
        .map_err(|e| Error::input(path, e.to_string()))?
        .text;
    let sha = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((text, sha))
}

/// How aliases are compared: trimmed, lower case.
fn fold(name: &str) -> String {
    name.trim().to_lowercase()
}

impl SourceMap {
    /// Read a source map file (UTF-8, UTF-16 or legacy encodings, as the
    /// corpus readers decode them).
    pub fn from_path(path: &Path) -> Result<SourceMap> {
        let (text, sha256) = read_table_file(path)?;
        Ok(SourceMap {
            sha256,
            ..Self::from_csv_str(path, &text)?
        })
    }

    /// Parse a source map from CSV text (`path` names it in messages).
    pub fn from_csv_str(path: impl AsRef<Path>, text: &str) -> Result<SourceMap> {
        let path = path.as_ref();
        let bad = |line: u64, msg: String| Error::input(path, format!("line {line}: {msg}"));
        let mut map = BTreeMap::new();
        // Folded alias -> (line, alias as written).
        let mut first: BTreeMap<String, (u64, String)> = BTreeMap::new();
        for (line, alias, source) in pairs(path, "source map", text, "alias", "source")? {
            let (alias, source) = (alias.as_str(), source.as_str());
            let key = fold(alias);
            if let Some(prev) = map.get(&key) {
                if prev != source {
                    return Err(bad(
                        line,
                        format!(
                            "alias `{alias}` maps to `{source}`, but line {} maps it to `{prev}`",
                            first[&key].0
                        ),
                    ));
                }
                continue;
            }
            first.insert(key.clone(), (line, alias.to_string()));
            map.insert(key, source.to_string());
        }
        // A name that is both an alias and a target would make the result
        // depend on how often the map is applied.
        for (key, source) in &map {
            if let Some(further) = map.get(&fold(source)).filter(|f| *f != source) {
                let (line, alias) = &first[key];
                return Err(bad(
                    *line,
                    format!(
                        "`{source}` is itself an alias (of `{further}`, line {}); map `{alias}` to `{further}`",
                        first[&fold(source)].0
                    ),
                ));
            }
        }
        Ok(SourceMap {
            path: path.to_path_buf(),
            sha256: String::new(),
            map,
        })
    }

    /// The source `name` stands for, when it is an alias.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.map.get(&fold(name)).map(String::as_str)
    }

    /// How many aliases the map lists.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether the map lists no alias.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_refused_with_their_line() {
        let cases = [
            ("source\nx\n", "needs the columns `alias` and `source`"),
            ("alias,source\n,Fox\n", "line 2: empty alias or source"),
            (
                "alias,source\nA,B\n\nB,C\n",
                "line 2: `B` is itself an alias (of `C`, line 4)",
            ),
            (
                "alias,source\na,X\nb,Y\nA,Z\n",
                "line 4: alias `A` maps to `Z`, but line 2",
            ),
        ];
        for (csv, want) in cases {
            let err = SourceMap::from_csv_str("m.csv", csv)
                .unwrap_err()
                .to_string();
            assert!(err.contains(want), "{csv:?}: {err}");
        }
    }

    #[test]
    fn repeats_and_self_maps_are_harmless() {
        let csv = "Alias,Source\nFox News,Fox News\nfox,Fox News\nFOX,Fox News\n";
        let m = SourceMap::from_csv_str("m.csv", csv).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m.get("Fox"), Some("Fox News"));
        assert_eq!(m.get("FOX NEWS"), Some("Fox News"));
    }
}
