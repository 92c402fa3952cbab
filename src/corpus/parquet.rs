//! Parquet inputs: read a row group at a time (only the columns that are
//! read), each batch's rows pushed through the record gate by a
//! [`BatchFeeder`].

use super::batch::BatchFeeder;
use super::escape_path;
use super::gate::RecordGate;
use super::open::finish_hash;
use super::paths::strip_gz;
use crate::error::{Error, Result};
use ::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use ::parquet::arrow::ProjectionMask;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

/// Rows per batch: small enough to keep memory flat on long texts.
const BATCH_ROWS: usize = 1024;

pub(super) fn read_parquet(path: &Path, ctx: &mut RecordGate<'_>) -> Result<()> {
    if strip_gz(path).1 {
        return Err(Error::input(
            path,
            "a gzipped Parquet file cannot be read: Parquet compresses inside the file; gunzip it",
        ));
    }
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        return Err(Error::input(
            path,
            "not a regular file (FIFO, socket, device or folder)",
        ));
    }
    ctx.stats.sha256 = hash_file(path)?;
    let damaged = |e: ::parquet::errors::ParquetError| {
        Error::input(path, format!("not a readable Parquet file: {e}"))
    };
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(damaged)?;
    let name = escape_path(path);
    let mut feeder = BatchFeeder::new(builder.schema(), ctx.opts, &name)?;
    let total_rows = builder.metadata().file_metadata().num_rows().max(1) as u64;
    let mask = ProjectionMask::roots(builder.parquet_schema(), feeder.used_columns());
    let reader = builder
        .with_projection(mask)
        .with_batch_size(BATCH_ROWS)
        .build()
        .map_err(damaged)?;
    // Progress: the file's bytes in proportion to the rows read.
    let mut counted = 0u64;
    let mut rows = 0u64;
    for batch in reader {
        if ctx.stopped() {
            break;
        }
        let batch = batch.map_err(|e| damaged(e.into()))?;
        feeder.feed(ctx, &batch)?;
        rows += batch.num_rows() as u64;
        if let Some(c) = &ctx.bytes_read {
            let now = meta.len() * rows.min(total_rows) / total_rows;
            c.fetch_add(now - counted, Ordering::Relaxed);
            counted = now;
        }
    }
    Ok(())
}

/// The SHA-256 of a file's bytes, as for the other inputs.
fn hash_file(path: &Path) -> Result<String> {
    let mut f = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(finish_hash(&Arc::new(Mutex::new(h))))
}
