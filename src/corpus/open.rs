//! Opening inputs: regular files only, gzip by name, hashed as read.

use super::plan::strip_gz;
use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

/// Read a whole file that must be a regular one (a FIFO named by mistake
/// would block forever).
pub(super) fn read_regular_file(path: &Path) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        return Err(Error::input(
            path,
            "not a regular file (FIFO, socket, device or folder)",
        ));
    }
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

/// A reader that hashes every byte it passes on.
pub(super) struct HashingReader<R> {
    inner: R,
    hasher: Arc<std::sync::Mutex<Sha256>>,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Ok(mut h) = self.hasher.lock() {
            h.update(&buf[..n]);
        }
        Ok(n)
    }
}

pub(super) type Hasher = Arc<std::sync::Mutex<Sha256>>;

pub(super) fn open_maybe_gz(path: &Path) -> io::Result<(Box<dyn Read + Send>, Hasher)> {
    let file = File::open(path)?;
    let hasher: Hasher = Arc::new(std::sync::Mutex::new(Sha256::new()));
    let raw = HashingReader {
        inner: file,
        hasher: hasher.clone(),
    };
    let reader: Box<dyn Read + Send> = if strip_gz(path).1 {
        Box::new(flate2::read::MultiGzDecoder::new(BufReader::with_capacity(
            256 * 1024,
            raw,
        )))
    } else {
        Box::new(raw)
    };
    Ok((reader, hasher))
}

pub(super) fn finish_hash(h: &Hasher) -> String {
    let digest = h.lock().map(|h| h.clone().finalize()).unwrap_or_default();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
