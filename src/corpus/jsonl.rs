//! JSONL inputs: one JSON object per line, only the fields read decoded.

use super::columns::{resolve_columns, SOURCE_DEFAULTS, TEXT_DEFAULTS};
use super::decode::repair_mojibake;
use super::gate::{record_id, RecordGate};
use super::open::{finish_hash, open_maybe_gz};
use super::paths::strip_gz;
use super::{escape_path, Document, Origin};
use crate::error::{Error, Result};
use std::io::{self, BufRead, BufReader};
use std::path::Path;
use std::sync::Arc;

/// Read one line of at most `limit` bytes into `buf` (without the newline).
/// Returns `None` at EOF, `Some(true)` for a line within the limit and
/// `Some(false)` for a line over it (its bytes are skipped).
pub(super) fn read_line_limited<R: BufRead>(
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
pub(super) type RawObject<'a> =
    std::collections::HashMap<std::borrow::Cow<'a, str>, &'a serde_json::value::RawValue>;

pub(super) fn json_field(
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

/// A kept field's value as text: a string decoded, `null` or a missing
/// key empty, any other value (number, boolean, array, object) as its JSON
/// text.
fn kept_field(obj: &RawObject<'_>, key: &str) -> String {
    let Some(raw) = obj.get(key) else {
        return String::new();
    };
    let raw = raw.get();
    match raw.as_bytes().first() {
        Some(b'"') => serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.to_string()),
        Some(b'n') => String::new(),
        _ => raw.to_string(),
    }
}

/// Why a JSONL record's fields cannot be used, and whether it is because a
/// field that is read is missing (perhaps a wrong key was named).
pub(super) struct FieldError {
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
pub(super) const KEYS_FROM_RECORDS: u32 = 100;

pub(super) fn read_jsonl(path: &Path, ctx: &mut RecordGate<'_>) -> Result<()> {
    let (reader, hasher) =
        open_maybe_gz(path, ctx.bytes_read.as_ref()).map_err(|e| Error::io(path, e))?;
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
            extra: (cols.extra.iter())
                .map(|k| kept_field(&obj, k).trim().to_string())
                .collect(),
        };
        ctx.admit(doc, made);
    }
    ctx.stats.sha256 = finish_hash(&hasher);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
