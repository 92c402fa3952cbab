//! Small CSV tables held in memory (a manifest, a source map, a group
//! map): the header, and each record with the line of its first byte.

use crate::error::{Error, Result};
use std::path::Path;

/// Counts lines up to byte offsets, forwards only.
pub(super) struct TextLines<'a> {
    text: &'a [u8],
    /// Where the count has got to, and the line there.
    at: usize,
    line: u64,
}

impl<'a> TextLines<'a> {
    pub(super) fn new(text: &'a [u8]) -> Self {
        TextLines {
            text,
            at: 0,
            line: 1,
        }
    }

    /// The 1-based line of the record the parser places at byte `pos`.
    pub(super) fn record_line(&mut self, pos: u64) -> u64 {
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

/// A small CSV file held in memory (a manifest, a source map): its header,
/// and its records each with the line of its first byte. `what` names the
/// file in a header error.
pub(super) fn small_table(
    path: &Path,
    what: &str,
    text: &str,
) -> Result<(csv::StringRecord, Vec<(u64, csv::StringRecord)>)> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| Error::input(path, format!("{what} header: {e}")))?
        .clone();
    let mut lines = TextLines::new(text.as_bytes());
    let mut records = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| Error::input(path, format!("record {}: {e}", i + 1)))?;
        let line = rec
            .position()
            .map_or(i as u64 + 2, |p| lines.record_line(p.byte()));
        records.push((line, rec));
    }
    Ok((headers, records))
}

/// The column of `headers` named `name` (case and surrounding spaces
/// ignored).
pub(super) fn column(headers: &csv::StringRecord, name: &str) -> Option<usize> {
    headers
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case(name))
}

/// The records of a two-column mapping file (a source map, a group map):
/// the columns `key` and `value` found by name, and per record its line and
/// the two cells, trimmed and both non-empty. A missing column, a record
/// with more fields than the header or an empty cell is an error naming the
/// file (and line); `what` names the file kind in messages.
pub(super) fn pairs(
    path: &Path,
    what: &str,
    text: &str,
    key: &str,
    value: &str,
) -> Result<Vec<(u64, String, String)>> {
    let bad = |line: u64, msg: String| Error::input(path, format!("line {line}: {msg}"));
    let (headers, records) = small_table(path, what, text)?;
    let (Some(kc), Some(vc)) = (column(&headers, key), column(&headers, value)) else {
        return Err(Error::input(
            path,
            format!(
                "a {what} needs the columns `{key}` and `{value}`; the header is: {}",
                headers.iter().collect::<Vec<_>>().join(", ")
            ),
        ));
    };
    let mut out = Vec::with_capacity(records.len());
    for (line, rec) in records {
        if rec.len() > headers.len() {
            return Err(bad(
                line,
                format!("{} fields, but the header has {}", rec.len(), headers.len()),
            ));
        }
        let get = |c: usize| rec.get(c).map(str::trim).unwrap_or("");
        let (k, v) = (get(kc), get(vc));
        if k.is_empty() || v.is_empty() {
            return Err(bad(line, format!("empty {key} or {value}")));
        }
        out.push((line, k.to_string(), v.to_string()));
    }
    Ok(out)
}
