//! Arrow data from Python through slant's record gate.

use arrow_array::RecordBatchReader;
use serde_json::{json, Value};
use slant::corpus::{BatchFeeder, InputStats, Item, ReadOptions, RecordGate};
use std::sync::atomic::AtomicBool;

/// Push every row of `reader` through a record gate for the input `name`
/// (with `feed`, so that the same code serves a partial's extraction).
pub(crate) fn feed_reader(
    gate: &mut RecordGate<'_>,
    opts: &ReadOptions,
    name: &str,
    reader: Box<dyn RecordBatchReader + Send>,
    origin: Option<&(String, String)>,
    origin_base: Option<&str>,
) -> slant::Result<()> {
    let schema = reader.schema();
    let mut feeder = BatchFeeder::new(&schema, opts, name)?;
    if let Some((file, row)) = origin {
        feeder = feeder.with_origin_columns(&schema, file, row)?;
        if let Some(base) = origin_base {
            feeder = feeder.with_origin_base(base);
        }
    }
    for batch in reader {
        let batch =
            batch.map_err(|e| slant::Error::input(name, format!("reading a batch: {e}")))?;
        feeder.feed(gate, &batch)?;
        if gate.stopped() {
            break;
        }
    }
    Ok(())
}

/// The documents and rejections the gate makes of `reader`'s rows.
pub(crate) fn gate_records(
    opts: &ReadOptions,
    name: &str,
    reader: Box<dyn RecordBatchReader + Send>,
) -> slant::Result<(Vec<Value>, Vec<Value>)> {
    let (mut docs, mut rejected) = (Vec::new(), Vec::new());
    let mut sink = |item: Item| match item {
        Item::Doc(d) => docs.push(json!({
            "id": d.id, "source": d.source, "story": d.story, "date": d.date,
            "title": d.title, "text": d.text, "row": d.origin.record,
        })),
        Item::Rejected(r) => rejected.push(json!({
            "row": r.origin.record, "id": r.id, "reason": r.reason,
        })),
    };
    let stop = AtomicBool::new(false);
    let mut gate = RecordGate::new(opts, &mut sink, &stop);
    gate.begin_input(InputStats::new(name, "dataframe"));
    feed_reader(&mut gate, opts, name, reader, None, None)?;
    gate.end_input();
    drop(gate);
    Ok((docs, rejected))
}
