//! Opening inputs: regular files only, gzip by name, hashed as read.

use super::paths::strip_gz;
use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
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

/// A count of the input bytes read so far, as they are on disk (a gzipped
/// file's compressed bytes), shared with whoever shows progress.
pub(crate) type BytesRead = Arc<AtomicU64>;

/// A reader that hashes every byte it passes on (and counts them, when
/// asked).
pub(super) struct HashingReader<R> {
    inner: R,
    hasher: Arc<std::sync::Mutex<Sha256>>,
    counted: Option<BytesRead>,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Ok(mut h) = self.hasher.lock() {
            h.update(&buf[..n]);
        }
        if let Some(c) = &self.counted {
            c.fetch_add(n as u64, Ordering::Relaxed);
        }
        Ok(n)
    }
}

pub(super) type Hasher = Arc<std::sync::Mutex<Sha256>>;

/// Open `path`, decompressing a `.gz` file; every byte read from the file
/// (compressed, for a `.gz`) is hashed and added to `counted`.
pub(super) fn open_maybe_gz(
    path: &Path,
    counted: Option<&BytesRead>,
) -> io::Result<(Box<dyn Read + Send>, Hasher)> {
    let file = File::open(path)?;
    let hasher: Hasher = Arc::new(std::sync::Mutex::new(Sha256::new()));
    let raw = HashingReader {
        inner: file,
        hasher: hasher.clone(),
        counted: counted.cloned(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// The count is of the bytes on disk: all of a plain file, the
    /// compressed bytes of a gzipped one (whatever it decompresses to),
    /// summed over the files opened with the same counter.
    #[test]
    fn counts_the_bytes_on_disk_compressed_or_not() {
        let dir = tempfile::tempdir().unwrap();
        let text =
            "id,source,text\n".to_string() + &"1,ledger,Rebels seized the town.\n".repeat(500);
        let plain = dir.path().join("a.csv");
        std::fs::write(&plain, &text).unwrap();
        let gz = dir.path().join("b.csv.gz");
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(text.as_bytes()).unwrap();
        let packed = e.finish().unwrap();
        assert!(packed.len() * 4 < text.len());
        std::fs::write(&gz, &packed).unwrap();

        let counted: BytesRead = Arc::default();
        let mut out = String::new();
        let (mut r, _) = open_maybe_gz(&gz, Some(&counted)).unwrap();
        r.read_to_string(&mut out).unwrap();
        assert_eq!(out, text);
        assert_eq!(counted.load(Ordering::Relaxed), packed.len() as u64);
        let (mut r, _) = open_maybe_gz(&plain, Some(&counted)).unwrap();
        // Part way through: what has been read so far.
        let mut head = [0u8; 100];
        r.read_exact(&mut head).unwrap();
        let part = counted.load(Ordering::Relaxed) - packed.len() as u64;
        assert!((100..=text.len() as u64).contains(&part), "{part}");
        std::io::copy(&mut r, &mut std::io::sink()).unwrap();
        let all = packed.len() as u64 + text.len() as u64;
        assert_eq!(counted.load(Ordering::Relaxed), all);
        // Without a counter nothing is counted.
        let (mut r, _) = open_maybe_gz(&plain, None).unwrap();
        std::io::copy(&mut r, &mut std::io::sink()).unwrap();
        assert_eq!(counted.load(Ordering::Relaxed), all);
    }
}
