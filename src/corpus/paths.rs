//! File paths as text, for ids, the `file` column of the reports, messages
//! and `run.json`.
//!
//! On Unix a file name is any sequence of bytes. A name that is not valid
//! UTF-8 cannot be written as it is, and replacing its stray bytes (as
//! `to_string_lossy` does, with U+FFFD) makes names that differ only in
//! those bytes collide: `a\xff.txt` and `a\xfe.txt` would get one id. So
//! each byte that is not part of valid UTF-8 is written as `\xHH` (two
//! upper-case hex digits), and a backslash that the name really has before
//! an `x` is written `\x5C`, so that the mapping stays one-to-one and can be
//! undone ([`unescape_path`]). A valid UTF-8 name without `\x` in it is
//! written unchanged.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// The path as text: itself when it is valid UTF-8 (and holds no `\x`);
/// otherwise every byte outside valid UTF-8 written as `\xHH` and a
/// literal backslash before an `x` as `\x5C`. Different paths always give
/// different text, and [`unescape_path`] gives the path back.
///
/// (On platforms other than Unix, paths that are not valid Unicode have
/// their stray parts replaced by U+FFFD.)
///
/// ```
/// use slant::corpus::{escape_path, unescape_path};
/// use std::path::Path;
/// assert_eq!(escape_path(Path::new("in/café.txt")), "in/café.txt");
/// # #[cfg(unix)] {
/// use std::ffi::OsStr;
/// use std::os::unix::ffi::OsStrExt;
/// let ff = Path::new(OsStr::from_bytes(b"in/a\xff.txt"));
/// let fe = Path::new(OsStr::from_bytes(b"in/a\xfe.txt"));
/// assert_eq!(escape_path(ff), r"in/a\xFF.txt");
/// assert_eq!(escape_path(fe), r"in/a\xFE.txt");
/// // A name that really is `a\xFF.txt` (ASCII) stays apart from both.
/// assert_eq!(escape_path(Path::new(r"in/a\xFF.txt")), r"in/a\x5CxFF.txt");
/// assert_eq!(unescape_path(&escape_path(ff)), ff);
/// # }
/// ```
pub fn escape_path(path: &Path) -> Cow<'_, str> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        escape_bytes(path.as_os_str().as_bytes())
    }
    #[cfg(not(unix))]
    {
        path.to_string_lossy()
    }
}

/// Bytes as text, escaped as [`escape_path`] describes.
fn escape_bytes(bytes: &[u8]) -> Cow<'_, str> {
    if let Ok(s) = std::str::from_utf8(bytes) {
        if !s.contains("\\x") {
            return Cow::Borrowed(s);
        }
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    let mut rest = bytes;
    while !rest.is_empty() {
        let (valid, bad) = match std::str::from_utf8(rest) {
            Ok(s) => (s, 0),
            Err(e) => {
                let valid = std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or_default();
                let bad = e.error_len().unwrap_or(rest.len() - e.valid_up_to());
                (valid, bad)
            }
        };
        // A valid run ends at a stray byte or at the end, so a backslash
        // ending it is never followed by an `x`.
        out.push_str(&valid.replace("\\x", "\\x5Cx"));
        for b in &rest[valid.len()..valid.len() + bad] {
            out.push_str(&format!("\\x{b:02X}"));
        }
        rest = &rest[valid.len() + bad..];
    }
    Cow::Owned(out)
}

/// The path that [`escape_path`] wrote as `text`: each `\xHH` (hex, either
/// case) becomes the byte `HH`; everything else is taken as it is. Used to
/// find files that a manifest names the way the reports do.
///
/// (On platforms other than Unix the text is the path.)
///
/// ```
/// use slant::corpus::unescape_path;
/// use std::path::Path;
/// assert_eq!(unescape_path("in/café.txt"), Path::new("in/café.txt"));
/// assert_eq!(unescape_path(r"in/a\x5CxFF.txt"), Path::new(r"in/a\xFF.txt"));
/// # #[cfg(unix)] {
/// use std::os::unix::ffi::OsStrExt;
/// assert_eq!(unescape_path(r"a\xff.txt").as_os_str().as_bytes(), b"a\xff.txt");
/// # }
/// ```
pub fn unescape_path(text: &str) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        std::ffi::OsString::from_vec(unescape_bytes(text)).into()
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(text)
    }
}

fn unescape_bytes(text: &str) -> Vec<u8> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && b.get(i + 1) == Some(&b'x') {
            if let (Some(h), Some(l)) = (
                b.get(i + 2).copied().and_then(hex),
                b.get(i + 3).copied().and_then(hex),
            ) {
                out.push(h << 4 | l);
                i += 4;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// The file name without a `.gz` suffix (case kept, escaped as
/// [`escape_path`] does), and whether it had one.
pub(super) fn strip_gz(path: &Path) -> (String, bool) {
    let name = path
        .file_name()
        .map(|n| escape_path(Path::new(n)).into_owned())
        .unwrap_or_default();
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".gz") {
        (name[..name.len() - 3].to_string(), true)
    } else {
        (name, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escapes() {
        let cases: &[(&[u8], &str)] = &[
            (b"plain.txt", "plain.txt"),
            (b"caf\xc3\xa9.txt", "café.txt"),
            (b"a\xff.txt", r"a\xFF.txt"),
            (b"a\xff\xfe", r"a\xFF\xFE"),
            // A truncated sequence at the end, and one cut by ASCII.
            (b"a\xc3", r"a\xC3"),
            (b"a\xe2\x82z", r"a\xE2\x82z"),
            (br"a\xFF.txt", r"a\x5CxFF.txt"),
            (br"a\\x", r"a\\x5Cx"),
            (b"a\\\xff", r"a\\xFF"),
            (br"dir\file", r"dir\file"),
            (b"", ""),
        ];
        for (bytes, text) in cases {
            assert_eq!(escape_bytes(bytes), *text, "{bytes:?}");
            assert_eq!(unescape_bytes(text), *bytes, "{text}");
        }
    }

    proptest! {
        /// One-to-one and reversible: unescaping gives the bytes back, so
        /// two different names never share a text.
        #[test]
        fn escaping_round_trips(bytes in proptest::collection::vec(
            prop_oneof![
                Just(b'\\'), Just(b'x'), Just(b'F'), Just(b'5'), Just(b'C'),
                Just(0xc3u8), Just(0xa9u8), Just(0xffu8), Just(b'/'), any::<u8>(),
            ],
            0..24,
        )) {
            let text = escape_bytes(&bytes);
            prop_assert_eq!(unescape_bytes(&text), bytes.clone());
            if let Ok(s) = std::str::from_utf8(&bytes) {
                if !s.contains("\\x") {
                    prop_assert_eq!(&*text, s);
                }
            }
        }
    }
}
