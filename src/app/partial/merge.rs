//! The merge of partials: inputs in order, each frame's rows merged k-way, the sums added up.

use super::*;

/// An input of the merge: a file input of one partial, or a frame's rows
/// from every partial that has them.
pub(super) struct MergedInput<'a> {
    pub(super) path: String,
    pub(super) stats: InputStats,
    pub(super) bytes: u64,
    pub(super) frame: bool,
    /// (partial, its input) holding the records.
    pub(super) parts: Vec<(usize, &'a InputPart)>,
}

/// The next record of a frame from several partials: the smallest head of
/// their cursors ([`frame_order`]).
pub(super) struct Head<'a> {
    pub(super) item: &'a ItemPart,
    pub(super) rows: Rows,
    pub(super) cursor: usize,
}

impl PartialEq for Head<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}
impl Eq for Head<'_> {}
impl PartialOrd for Head<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Head<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        frame_order((self.item, &self.rows), (other.item, &other.rows))
            .then(self.cursor.cmp(&other.cursor))
    }
}

/// [`merge_partials`] with names for the partials (their paths) in
/// messages and `run.json`.
pub fn merge_named(partials: Vec<(String, Vec<u8>)>, opts: &RunOptions) -> Result<RunSummary> {
    let t0 = Instant::now();
    if partials.is_empty() {
        return Err(Error::usage("no partial given"));
    }
    let lex = load_lexicon(&opts.lexicons, opts.no_default_lexicons)?;
    check_limits(opts)?;
    let (est_opts, stopwords_info) = stopwords(opts)?;
    let scorers = load_scorers(opts)?;
    let key = extraction_key(opts, &lex, scorers.as_ref());
    let names: Vec<&str> = partials.iter().map(|(n, _)| n.as_str()).collect();
    let mut datas = Vec::with_capacity(partials.len());
    let mut sums = Vec::with_capacity(partials.len());
    for (name, bytes) in &partials {
        let (d, blocks) = decode(name, bytes)?;
        if d.key != key {
            return Err(Error::usage(format!(
                "{name} was extracted with other options than this merge's ({}); give `slant merge` the options given to `slant extract --partial`",
                key_difference(&d.key, &key)
            )));
        }
        sums.push(hex(&Sha256::digest(bytes)));
        datas.push((d, blocks));
    }
    let threads = if opts.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        opts.threads
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::usage(format!("cannot start {threads} threads: {e}")))?;

    // The inputs, in the order `analyze` reads them.
    let mut inputs: Vec<MergedInput> = Vec::new();
    let mut frames: HashMap<String, usize> = HashMap::new();
    for (p, (d, _)) in datas.iter().enumerate() {
        for part in &d.inputs {
            let stats: InputStats = serde_json::from_str(&part.stats)
                .map_err(|e| Error::input(names[p], format!("damaged partial: {e}")))?;
            if d.frame {
                if let Some(&i) = frames.get(&stats.path) {
                    let m: &mut MergedInput = &mut inputs[i];
                    m.stats.read += stats.read;
                    m.stats.documents += stats.documents;
                    m.stats.rejected += stats.rejected;
                    m.bytes += part.bytes;
                    m.parts.push((p, part));
                    continue;
                }
                frames.insert(stats.path.clone(), inputs.len());
            }
            inputs.push(MergedInput {
                path: stats.path.clone(),
                stats,
                bytes: part.bytes,
                frame: d.frame,
                parts: vec![(p, part)],
            });
        }
    }
    inputs.sort_by(|a, b| {
        corpus::unescape_path(&a.path)
            .cmp(&corpus::unescape_path(&b.path))
            .then(a.frame.cmp(&b.frame))
    });
    for w in inputs.windows(2) {
        if w[0].path == w[1].path {
            return Err(Error::usage(format!(
                "{} is in two partials ({} and {}): each input must be extracted once",
                w[0].path, names[w[0].parts[0].0], names[w[1].parts[0].0]
            )));
        }
    }

    // Output levels for the whole input, as `analyze` would choose them.
    let input_bytes: u64 = inputs.iter().map(|m| m.bytes).sum();
    let mut levels = OutputLevels::resolve(
        opts.evidence,
        opts.sentences,
        opts.evidence_valence,
        input_bytes,
    );
    if scorers.as_ref().is_none_or(|s| s.loaded().is_none()) {
        levels.sentences = SentenceLevel::None;
    }
    let (want_ev, want_sen) = (
        evidence_code(levels.evidence),
        sentence_code(levels.sentences),
    );
    for (p, (d, _)) in datas.iter().enumerate() {
        if d.evidence < want_ev || d.sentences < want_sen {
            return Err(Error::usage(format!(
                "{} holds evidence and sentences at levels {} and {}; this merge writes {} and {}: extract it again with --evidence {} --sentences {}, or merge with lower levels",
                names[p],
                d.evidence,
                d.sentences,
                levels.evidence,
                levels.sentences,
                levels.evidence,
                levels.sentences
            )));
        }
    }

    let staging = Staging::create_for(&opts.out_dir, "merge")?;
    let dir = staging.path().to_path_buf();
    let mut files = RowFiles::create(&dir, &lex, scorers.as_ref(), levels, opts)?;
    let mut summary = RunSummary::default();
    let mut summaries: Vec<DocSummary> = Vec::new();
    let mut first_rejections: Vec<Rejection> = Vec::new();
    let mut seen: HashMap<(&str, &str), &str> = HashMap::new();
    let (mut ev_buf, mut sen_buf) = (Vec::new(), Vec::new());
    let stored: Vec<(u8, u8)> = datas
        .iter()
        .map(|(d, _)| (d.evidence, d.sentences))
        .collect();
    let damaged =
        |p: usize, e: std::io::Error| Error::input(names[p], format!("damaged partial: {e}"));
    for m in &inputs {
        let mut cursors = Vec::with_capacity(m.parts.len());
        for &(p, part) in &m.parts {
            cursors
                .push(Cursor::new(p, part, datas[p].1).ok_or_else(|| {
                    damaged(p, std::io::Error::other("a block is out of bounds"))
                })?);
        }
        // A file's records in order; a frame's from all its partials, by
        // id (each partial's are sorted already).
        let mut heads = std::collections::BinaryHeap::new();
        for (c, cur) in cursors.iter_mut().enumerate() {
            if let Some(next) = cur.next() {
                let (item, rows) = next.map_err(|e| damaged(cur.partial, e))?;
                heads.push(std::cmp::Reverse(Head {
                    item,
                    rows,
                    cursor: c,
                }));
            }
        }
        while let Some(std::cmp::Reverse(Head { item, rows, cursor })) = heads.pop() {
            let p = cursors[cursor].partial;
            if let Some(next) = cursors[cursor].next() {
                let (item, rows) = next.map_err(|e| damaged(p, e))?;
                heads.push(std::cmp::Reverse(Head { item, rows, cursor }));
            }
            if let Some(r) = &item.rejection {
                summary.rejected += 1;
                if first_rejections.len() < 50 {
                    first_rejections.push(Rejection {
                        origin: corpus::Origin {
                            file: r.file.as_str().into(),
                            line: r.line,
                            record: r.record,
                        },
                        id: r.id.clone(),
                        reason: r.reason.clone(),
                    });
                }
            }
            if let Some(s) = &item.summary {
                if let Some(first) = seen.insert((&item.source, &item.id), &m.path) {
                    return Err(Error::usage(format!(
                        "document id `{}` of source `{}` is in {first} and in {}: `analyze` would reject the second, but a partial's sums cannot leave it out; remove the duplicate and extract again",
                        item.id, item.source, m.path
                    )));
                }
                summary.analyzed += 1;
                summaries.push(DocSummary {
                    source: item.source.as_str().into(),
                    story: s.story.as_deref().map(Into::into),
                    variants: s.variants.clone(),
                    authorial_tokens: s.authorial_tokens,
                    categories: s.categories.clone(),
                    date: s.date.as_deref().and_then(|d| d.parse().ok()),
                    model: s.model.clone(),
                    group: s.group.as_deref().map(Into::into),
                    linked: s.linked.clone(),
                });
            }
            let (ev, sen) = stored[p];
            let [documents, evidence, sentences, rejected] = &rows;
            let evidence = filter_rows(evidence, &mut ev_buf, (ev, want_ev), 5, "family");
            let sentences = filter_rows(sentences, &mut sen_buf, (sen, want_sen), 7, "1");
            files.write(documents, evidence, sentences, rejected)?;
        }
    }
    files.finish(&dir, levels)?;
    if summary.analyzed == 0 {
        return Err(Error::new(ErrorKind::NothingToAnalyze(format!(
            "the partials hold no document ({} records, all rejected)",
            summary.rejected
        ))));
    }

    // Examples and dates in order of the partials' first input.
    let mut order: Vec<usize> = (0..datas.len()).collect();
    let first_input = |p: usize| {
        inputs
            .iter()
            .position(|m| m.parts.iter().any(|&(q, _)| q == p))
            .unwrap_or(usize::MAX)
    };
    order.sort_by_key(|&p| (first_input(p), p));
    summary.read = inputs.iter().map(|m| m.stats.read).sum();
    summary.skipped = inputs.iter().map(|m| m.stats.skipped.len() as u64).sum();
    summary.inputs = inputs.iter().map(|m| m.stats.clone()).collect();
    drop(seen);
    drop(inputs);
    let mut examples = report::Examples::new(EXAMPLES_PER_FAMILY);
    let table = SentenceTable::keeping_words();
    let mut aggs = Vec::with_capacity(datas.len());
    let mut by_index: Vec<Option<PartialData>> = datas.into_iter().map(|(d, _)| Some(d)).collect();
    for p in order {
        let Some(d) = by_index[p].take() else {
            continue;
        };
        examples.merge(d.examples);
        let mut dates = d.dates;
        dates.range = match d.date_range {
            Some((a, b)) => a.parse().ok().zip(b.parse().ok()),
            None => None,
        };
        summary.dates.merge(dates);
        summary.text_bytes += d.text_bytes;
        if let Some(t) = d.sentence_table {
            table.absorb(t);
        }
        aggs.push(
            Aggregates::from_parts(&lex, d.aggregates)
                .map_err(|e| Error::input(names[p], format!("damaged partial: {e}")))?,
        );
    }
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    drop(partials);
    summary.date_range = summary.dates.range_strings();
    summary.partials = Some(serde_json::json!(names
        .iter()
        .zip(&sums)
        .map(|(n, s)| serde_json::json!({"partial": n, "sha256": s}))
        .collect::<Vec<_>>()));
    summary
        .timings
        .insert("extract_ms", t0.elapsed().as_millis());
    let progress = Progress::new(opts.progress && !opts.quiet, 0, &opts.messages);
    let tail = Tail {
        opts,
        lex: &lex,
        est_opts: &est_opts,
        stopwords_info,
        scorers: scorers.as_ref(),
        sentence_table: opts
            .features
            .ngrams
            .then_some(&table)
            .filter(|_| opts.features.boilerplate_min_docs > 0),
        pool: &pool,
        progress: &progress,
        dir: &dir,
        threads,
        levels,
    };
    let summary = tail.finish(aggs, summaries, examples, first_rejections, summary)?;
    interrupted(opts.cancel.flag())?;
    staging.commit()?;
    Ok(summary)
}

/// `rows` (CSV rows without a header) at level `want` from the level
/// `stored` they were written at: as they are when the two are equal, none
/// for level 0, else only the rows whose cell `column` is `keep` (the
/// middle level from the top one).
pub(super) fn filter_rows<'a>(
    rows: &'a [u8],
    buf: &'a mut Vec<u8>,
    (stored, want): (u8, u8),
    column: usize,
    keep: &str,
) -> &'a [u8] {
    match want {
        w if w == stored => rows,
        0 => &[],
        _ => {
            buf.clear();
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(rows);
            let mut rec = csv::ByteRecord::new();
            let mut start = 0usize;
            while let Ok(true) = r.read_byte_record(&mut rec) {
                let end = r.position().byte() as usize;
                if rec.get(column) == Some(keep.as_bytes()) {
                    buf.extend_from_slice(&rows[start..end.min(rows.len())]);
                }
                start = end;
            }
            buf
        }
    }
}
