//! The partial file: its layout, what it holds, how it is written (`Collector`) and read back
//! (`decode`, `Cursor`).

use super::*;

pub(super) const MAGIC: &[u8; 8] = b"SLANTPRT";

/// The version of the partial format this slant writes and reads.
pub const FORMAT_VERSION: u32 = 2;

pub(super) const HEADER_BYTES: usize = 8 + 4 + 8 + 32;

/// Everything a partial holds.
#[derive(Serialize, Deserialize)]
pub(super) struct PartialData {
    /// [`extraction_key`] of the options used.
    pub(super) key: String,
    /// Rows of a DataFrame (ordered by id), not files.
    pub(super) frame: bool,
    /// The levels the rows were written at (0 none, 1 families/loaded,
    /// 2 all).
    pub(super) evidence: u8,
    pub(super) sentences: u8,
    pub(super) inputs: Vec<InputPart>,
    pub(super) aggregates: AggregateParts,
    pub(super) sentence_table: Option<Vec<SentenceEntry>>,
    pub(super) examples: Examples,
    pub(super) dates: DateStats,
    pub(super) date_range: Option<(String, String)>,
    pub(super) text_bytes: u64,
}

#[derive(Serialize, Deserialize)]
pub(super) struct InputPart {
    /// `run.json`'s `inputs` entry, as JSON.
    pub(super) stats: String,
    /// Its size on disk (for a frame: its text bytes).
    pub(super) bytes: u64,
    /// Where its rows' block is, after the meta: offset and length.
    pub(super) block: (u64, u64),
    /// Its records in input order (a frame's: by id, source and rows).
    pub(super) items: Vec<ItemPart>,
}

/// One record: a document or a rejection (its rows are in its input's
/// block).
#[derive(Serialize, Deserialize)]
pub(super) struct ItemPart {
    /// A document's id and source (empty for a rejection).
    pub(super) id: String,
    pub(super) source: String,
    pub(super) summary: Option<SummaryPart>,
    pub(super) rejection: Option<RejectionPart>,
    /// Bytes of its rows in documents, evidence, sentences, rejected.
    pub(super) lens: [u32; 4],
}

/// The rows of one record: documents, evidence, sentences, rejected.
pub(super) type Rows = [Vec<u8>; 4];

#[derive(Serialize, Deserialize)]
pub(super) struct SummaryPart {
    pub(super) story: Option<String>,
    pub(super) variants: Vec<(u32, u32)>,
    pub(super) authorial_tokens: u64,
    pub(super) categories: Vec<(u32, u32)>,
    pub(super) date: Option<String>,
    pub(super) model: Option<DocModelSummary>,
    pub(super) group: Option<String>,
    pub(super) linked: Vec<(u32, bool, String)>,
}

#[derive(Serialize, Deserialize)]
pub(super) struct RejectionPart {
    pub(super) file: String,
    pub(super) line: u64,
    pub(super) record: u64,
    pub(super) id: Option<String>,
    pub(super) reason: String,
}

pub(super) fn level_code<T: PartialEq>(level: T, levels: [T; 3]) -> u8 {
    levels.iter().position(|l| *l == level).unwrap_or(0) as u8
}

pub(super) fn evidence_code(l: EvidenceLevel) -> u8 {
    level_code(
        l,
        [
            EvidenceLevel::None,
            EvidenceLevel::Families,
            EvidenceLevel::All,
        ],
    )
}

pub(super) fn sentence_code(l: SentenceLevel) -> u8 {
    level_code(
        l,
        [
            SentenceLevel::None,
            SentenceLevel::Loaded,
            SentenceLevel::All,
        ],
    )
}

/// What a partial's extraction collects while the pipeline runs.
#[derive(Default)]
pub(in crate::app) struct Collector {
    pub(super) frame: bool,
    pub(super) items: Vec<(ItemPart, Rows)>,
    pub(super) data: Option<PartialData>,
    pub(super) blocks: Vec<u8>,
}

impl Collector {
    /// Take one analyzed batch's rows and summaries, item by item.
    pub(in crate::app) fn add(&mut self, out: &mut BatchOut) {
        let mut prev = [0usize; 4];
        let mut summaries = std::mem::take(&mut out.summaries).into_iter();
        let mut rejections = out.rejections.iter();
        for m in out.marks.drain(..) {
            let cut = |buf: &[u8], i: usize| buf[prev[i]..m.ends[i]].to_vec();
            let summary = m
                .doc
                .then(|| summaries.next())
                .flatten()
                .map(|s| SummaryPart {
                    story: s.story.as_deref().map(str::to_string),
                    variants: s.variants,
                    authorial_tokens: s.authorial_tokens,
                    categories: s.categories,
                    date: s.date.map(|d| d.to_string()),
                    model: s.model,
                    group: s.group.as_deref().map(str::to_string),
                    linked: s.linked,
                });
            let rejection = (!m.doc)
                .then(|| rejections.next())
                .flatten()
                .map(|r| RejectionPart {
                    file: r.origin.file.to_string(),
                    line: r.origin.line,
                    record: r.origin.record,
                    id: r.id.clone(),
                    reason: r.reason.clone(),
                });
            let rows = [
                cut(&out.documents, 0),
                cut(&out.evidence, 1),
                cut(&out.sentences, 2),
                cut(&out.rejected, 3),
            ];
            let item = ItemPart {
                id: m.id,
                source: m.source,
                summary,
                rejection,
                lens: [0; 4],
            };
            self.items.push((item, rows));
            prev = m.ends;
        }
    }

    /// After extraction: merge the workers' sums and keep everything for
    /// [`encode`](Self::encode).
    #[allow(clippy::too_many_arguments)]
    pub(in crate::app) fn finish(
        &mut self,
        partials: Vec<Aggregates>,
        extractor: &Extractor,
        examples: Examples,
        summary: RunSummary,
        stats: Vec<InputStats>,
        input_bytes: Vec<u64>,
        levels: OutputLevels,
        key: String,
        pool: &rayon::ThreadPool,
    ) -> Result<()> {
        let mut partials = partials;
        partials.sort_by_key(|p| std::cmp::Reverse(p.vocab.len()));
        let mut partials = partials.into_iter();
        let mut agg = partials.next().unwrap_or_default();
        pool.install(|| {
            for p in partials {
                agg.merge(p);
            }
        });
        // Each item belongs to the input whose records it is among; each
        // input's rows go in one block.
        let items = std::mem::take(&mut self.items);
        let read: u64 = stats.iter().map(|s| s.read).sum();
        if read != items.len() as u64 {
            return Err(Error::new(ErrorKind::Internal(format!(
                "a partial counted {read} records read but holds {}",
                items.len()
            ))));
        }
        let mut items = items.into_iter();
        let mut inputs = Vec::with_capacity(stats.len());
        let internal = |e: std::io::Error| {
            Error::new(ErrorKind::Internal(format!(
                "cannot compress a partial: {e}"
            )))
        };
        for (s, bytes) in stats
            .iter()
            .zip(input_bytes.iter().copied().chain(std::iter::repeat(0)))
        {
            let mut mine: Vec<(ItemPart, Rows)> = items.by_ref().take(s.read as usize).collect();
            if self.frame {
                mine.sort_by(|(a, x), (b, y)| frame_order((a, x), (b, y)));
            }
            let start = self.blocks.len() as u64;
            let mut z = flate2::write::DeflateEncoder::new(
                std::mem::take(&mut self.blocks),
                flate2::Compression::fast(),
            );
            let mut metas = Vec::with_capacity(mine.len());
            for (mut item, rows) in mine {
                for (len, r) in item.lens.iter_mut().zip(&rows) {
                    *len = u32::try_from(r.len())
                        .map_err(|_| Error::new(ErrorKind::Internal("a row over 4 GiB".into())))?;
                    z.write_all(r).map_err(internal)?;
                }
                metas.push(item);
            }
            self.blocks = z.finish().map_err(internal)?;
            inputs.push(InputPart {
                stats: serde_json::to_string(s)?,
                bytes,
                block: (start, self.blocks.len() as u64 - start),
                items: metas,
            });
        }
        self.data = Some(PartialData {
            key,
            frame: self.frame,
            evidence: evidence_code(levels.evidence),
            sentences: sentence_code(levels.sentences),
            inputs,
            aggregates: pool.install(|| agg.to_parts()),
            sentence_table: extractor.sentence_table().map(SentenceTable::entries),
            examples,
            date_range: summary.dates.range_strings(),
            dates: summary.dates,
            text_bytes: summary.text_bytes,
        });
        Ok(())
    }

    /// The partial's bytes (see the module's format).
    pub(in crate::app) fn encode(self) -> Result<Vec<u8>> {
        let internal = |what: &str, e: &dyn std::fmt::Display| {
            Error::new(ErrorKind::Internal(format!("cannot {what} a partial: {e}")))
        };
        let data = self
            .data
            .ok_or_else(|| Error::new(ErrorKind::Internal("no partial was extracted".into())))?;
        let raw = postcard::to_allocvec(&data).map_err(|e| internal("encode", &e))?;
        drop(data);
        let mut z = flate2::write::DeflateEncoder::new(
            Vec::with_capacity(raw.len() / 3),
            flate2::Compression::fast(),
        );
        z.write_all(&raw).map_err(|e| internal("compress", &e))?;
        let meta = z.finish().map_err(|e| internal("compress", &e))?;
        let mut payload = Vec::with_capacity(8 + meta.len() + self.blocks.len());
        payload.extend_from_slice(&(meta.len() as u64).to_le_bytes());
        payload.extend_from_slice(&meta);
        payload.extend_from_slice(&self.blocks);
        let mut out = Vec::with_capacity(HEADER_BYTES + payload.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(&Sha256::digest(&payload));
        out.extend_from_slice(&payload);
        Ok(out)
    }
}

/// The order of a frame's records: by id, source, then their rows (a
/// frame's rows have no position of their own).
pub(super) fn frame_order(
    (a, x): (&ItemPart, &Rows),
    (b, y): (&ItemPart, &Rows),
) -> std::cmp::Ordering {
    (a.id.as_str(), a.source.as_str(), &x[3], &x[0]).cmp(&(
        b.id.as_str(),
        b.source.as_str(),
        &y[3],
        &y[0],
    ))
}

/// Reads one input's records with their rows, in block order.
pub(super) struct Cursor<'a> {
    pub(super) partial: usize,
    pub(super) items: std::slice::Iter<'a, ItemPart>,
    pub(super) rows: flate2::read::DeflateDecoder<&'a [u8]>,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(
        partial: usize,
        input: &'a InputPart,
        blocks: &'a [u8],
    ) -> Option<Cursor<'a>> {
        let (at, len) = (input.block.0 as usize, input.block.1 as usize);
        let block = blocks.get(at..at.checked_add(len)?)?;
        Some(Cursor {
            partial,
            items: input.items.iter(),
            rows: flate2::read::DeflateDecoder::new(block),
        })
    }

    pub(super) fn next(&mut self) -> Option<std::io::Result<(&'a ItemPart, Rows)>> {
        let item = self.items.next()?;
        let mut rows: Rows = Default::default();
        for (r, &len) in rows.iter_mut().zip(&item.lens) {
            r.resize(len as usize, 0);
            if let Err(e) = self.rows.read_exact(r) {
                return Some(Err(e));
            }
        }
        Some(Ok((item, rows)))
    }
}

/// Check a partial's header and checksum, then decode its meta; the rows'
/// blocks are returned as they are. `name` names it in messages.
pub(super) fn decode<'a>(name: &str, bytes: &'a [u8]) -> Result<(PartialData, &'a [u8])> {
    let bad = |why: String| Error::input(name, why);
    if bytes.len() < HEADER_BYTES || &bytes[..8] != MAGIC {
        return Err(bad(
            "not a slant partial (made by `slant extract --partial`)".into(),
        ));
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if version != FORMAT_VERSION {
        return Err(bad(format!(
            "a partial of format version {version}; this slant reads version {FORMAT_VERSION} (extract it again with this slant)"
        )));
    }
    let length = u64::from_le_bytes(bytes[12..20].try_into().expect("8 bytes"));
    let payload = &bytes[HEADER_BYTES..];
    if payload.len() as u64 != length {
        return Err(bad(format!(
            "damaged partial: {} bytes of payload where the header says {length} (truncated or appended to?)",
            payload.len()
        )));
    }
    if Sha256::digest(payload).as_slice() != &bytes[20..52] {
        return Err(bad("damaged partial: its checksum does not match".into()));
    }
    let damaged = |e: &dyn std::fmt::Display| bad(format!("damaged partial: {e}"));
    let meta_len = payload
        .get(..8)
        .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")) as usize)
        .ok_or_else(|| damaged(&"no meta"))?;
    let meta = payload
        .get(8..8usize.saturating_add(meta_len))
        .ok_or_else(|| damaged(&"the meta is cut short"))?;
    let mut raw = Vec::new();
    flate2::read::DeflateDecoder::new(meta)
        .read_to_end(&mut raw)
        .map_err(|e| damaged(&e))?;
    let data: PartialData = postcard::from_bytes(&raw).map_err(|e| damaged(&e))?;
    Ok((data, &payload[8 + meta_len..]))
}

pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
