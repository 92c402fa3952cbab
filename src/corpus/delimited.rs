//! CSV/TSV inputs: delimiter sniffing, a quoting watch that catches
//! unterminated and swallowing quoted fields, record line numbers.

use super::columns::resolve_columns;
use super::decode::decode_with;
use super::gate::{record_id, MadeUp, RecordGate};
use super::open::{finish_hash, open_maybe_gz};
use super::paths::strip_gz;
use super::{escape_path, Document, Origin, Rejection};
use crate::error::{Error, Result};
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

pub(super) fn sniff_delimiter(header: &[u8]) -> u8 {
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
pub(super) struct CsvWatch<R> {
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
pub(super) struct QuoteState {
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
pub(super) struct RecordStart {
    /// The first byte of the run of line breaks before it.
    run_from: u64,
    /// Its first byte.
    first: u64,
    /// The 1-based line of that byte.
    line: u64,
}

/// A record that appears to hold other records inside a quoted field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Swallow {
    /// Byte offset where the record starts.
    start: u64,
    /// Lines where the quoted field opens and closes.
    from_line: u64,
    to_line: u64,
    /// Lines inside it that look like records.
    record_like: u64,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) enum QuoteAt {
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
                    "a record runs over {} bytes (eight times --max-doc-bytes, plus 64 KiB); the rest of the file is not read",
                    self.record_limit
                )));
            }
        }
        Ok(n)
    }
}

pub(super) fn read_csv(path: &Path, ctx: &mut RecordGate<'_>) -> Result<()> {
    let (reader, hasher) =
        open_maybe_gz(path, ctx.bytes_read.as_ref()).map_err(|e| Error::io(path, e))?;
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
    .chain(&cols.extra)
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
    let extra_i: Vec<Option<usize>> = cols.extra.iter().map(|c| idx(&Some(c.clone()))).collect();
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
    let mut pending: Option<std::result::Result<(Document, MadeUp), Rejection>> = None;
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
            let mut extra = Vec::with_capacity(extra_i.len());
            for (&i, c) in extra_i.iter().zip(&cols.extra) {
                let v = get(i, c)?.unwrap_or_default();
                extra.push(v.trim().to_string());
            }
            Ok::<_, String>((text, source, id, story, date, title, extra))
        })();
        pending = Some(match parsed {
            Err(reason) => Err(Rejection {
                origin,
                id: id_raw,
                reason,
            }),
            Ok((text, source, id, story, date, title, extra)) => {
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
                    extra,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::table::TextLines;
    use crate::corpus::{plan, read_inputs, Item, ReadOptions};
    use proptest::prelude::*;
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
}
