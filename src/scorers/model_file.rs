//! The on-disk model format: a JSON envelope with a format name and
//! version, the model kind, the slant version that wrote it and a SHA-256
//! checksum of the model body, so that a file from an incompatible version
//! or a damaged file is refused with a clear message instead of producing
//! silently wrong scores.
//!
//! ```
//! use slant::scorers::model_file::{from_json, to_json};
//! #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
//! struct Body { w: Vec<f64> }
//! let json = to_json("toy", &Body { w: vec![0.1, -2.5] }).unwrap();
//! let back: Body = from_json("toy.json".as_ref(), "toy", &json).unwrap();
//! assert_eq!(back, Body { w: vec![0.1, -2.5] });
//! // A flipped digit is caught by the checksum.
//! let bad = json.replace("-2.5", "-2.6");
//! let err = from_json::<Body>("toy.json".as_ref(), "toy", &bad).unwrap_err();
//! assert!(err.to_string().contains("checksum"));
//! ```

use crate::error::{Error, ErrorKind, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;

/// The `format` field of every slant model file.
pub const FORMAT: &str = "slant-model";
/// The model file format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct EnvelopeOut<'a, B> {
    format: &'static str,
    format_version: u32,
    kind: &'a str,
    slant_version: &'static str,
    checksum: String,
    model: &'a B,
}

#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    format_version: Option<serde_json::Value>,
    kind: Option<String>,
    slant_version: Option<String>,
}

#[derive(Deserialize)]
struct EnvelopeIn<B> {
    checksum: String,
    model: B,
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn model_err(path: &Path, message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Model {
        path: path.to_path_buf(),
        message: message.into(),
    })
}

/// Serialise a model body of `kind` into the pretty-printed envelope (with
/// a trailing newline). The same body always gives the same bytes.
///
/// ```
/// use slant::scorers::model_file::{to_json, FORMAT, FORMAT_VERSION};
/// #[derive(serde::Serialize)]
/// struct Body { w: Vec<f64> }
/// let json = to_json("toy", &Body { w: vec![0.5] }).unwrap();
/// let v: serde_json::Value = serde_json::from_str(&json).unwrap();
/// assert_eq!(v["format"], FORMAT);
/// assert_eq!(v["format_version"], FORMAT_VERSION);
/// assert_eq!(v["kind"], "toy");
/// assert_eq!(v["model"]["w"][0], 0.5);
/// assert!(json.ends_with('\n'));
/// assert_eq!(json, to_json("toy", &Body { w: vec![0.5] }).unwrap());
/// ```
pub fn to_json<B: Serialize>(kind: &str, body: &B) -> Result<String> {
    let compact = serde_json::to_string(body)?;
    let env = EnvelopeOut {
        format: FORMAT,
        format_version: FORMAT_VERSION,
        kind,
        slant_version: env!("CARGO_PKG_VERSION"),
        checksum: sha256_hex(compact.as_bytes()),
        model: body,
    };
    let mut s = serde_json::to_string_pretty(&env)?;
    s.push('\n');
    Ok(s)
}

/// Parse and check a model file's text: it must be JSON, a slant model,
/// of format version [`FORMAT_VERSION`], of the expected `kind`, and its
/// body must match its checksum. `path` is only used in messages.
///
/// ```
/// use slant::scorers::model_file::{from_json, to_json};
/// #[derive(Debug, serde::Serialize, serde::Deserialize)]
/// struct Body { w: Vec<f64> }
/// let json = to_json("toy", &Body { w: vec![0.5] }).unwrap();
/// let path = std::path::Path::new("models/toy.json");
/// assert_eq!(from_json::<Body>(path, "toy", &json).unwrap().w, [0.5]);
/// // Another kind of model, another format version, not a model at all:
/// let err = from_json::<Body>(path, "other", &json).unwrap_err().to_string();
/// assert!(err.starts_with("models/toy.json") && err.contains("expected a `other` model"));
/// let v2 = json.replace("\"format_version\": 1", "\"format_version\": 2");
/// let err = from_json::<Body>(path, "toy", &v2).unwrap_err().to_string();
/// assert!(err.contains("incompatible model"));
/// assert!(from_json::<Body>(path, "toy", "[1, 2]").is_err());
/// ```
pub fn from_json<B: Serialize + DeserializeOwned>(
    path: &Path,
    kind: &str,
    text: &str,
) -> Result<B> {
    let header: Header = serde_json::from_str(text).map_err(|e| {
        model_err(
            path,
            format!("corrupted or not a slant model file (invalid JSON: {e})"),
        )
    })?;
    if header.format.as_deref() != Some(FORMAT) {
        return Err(model_err(
            path,
            format!("not a slant model file (no \"format\": \"{FORMAT}\")"),
        ));
    }
    let version = header.format_version.as_ref().and_then(|v| v.as_u64());
    if version != Some(FORMAT_VERSION as u64) {
        let v = header
            .format_version
            .map(|v| v.to_string())
            .unwrap_or_else(|| "missing".into());
        return Err(model_err(
            path,
            format!(
                "incompatible model: format version {v} (written by slant {}), this slant {} reads version {FORMAT_VERSION}; retrain it with `slant train`",
                header.slant_version.as_deref().unwrap_or("?"),
                env!("CARGO_PKG_VERSION"),
            ),
        ));
    }
    if header.kind.as_deref() != Some(kind) {
        return Err(model_err(
            path,
            format!(
                "expected a `{kind}` model, found `{}`",
                header.kind.as_deref().unwrap_or("?")
            ),
        ));
    }
    let env: EnvelopeIn<B> = serde_json::from_str(text)
        .map_err(|e| model_err(path, format!("corrupted model file: {e}")))?;
    let compact = serde_json::to_string(&env.model)?;
    if sha256_hex(compact.as_bytes()) != env.checksum {
        return Err(model_err(
            path,
            "corrupted model file: checksum mismatch (the file was modified or damaged; retrain or restore it)",
        ));
    }
    Ok(env.model)
}

/// A model file in use, as recorded in `run.json`: its kind, the path it
/// was loaded from and the SHA-256 of its bytes, so that a report can be
/// traced to the exact model that produced it.
///
/// ```
/// use slant::scorers::apply::Scorers;
/// use slant::scorers::loaded;
/// use slant::scorers::model_file::file_sha256;
/// // A model directory holding a copy of the shipped loaded-language model only.
/// let shipped = Scorers::default_dir().join(loaded::FILE_NAME);
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::copy(&shipped, dir.path().join(loaded::FILE_NAME)).unwrap();
/// let scorers = Scorers::load(dir.path()).unwrap();
/// assert_eq!(scorers.info.len(), 1);
/// let info = &scorers.info[0];
/// assert_eq!(info.kind, loaded::KIND);
/// assert!(info.path.ends_with("loaded-language.json"));
/// // Same bytes, same checksum as the shipped file.
/// assert_eq!(info.sha256, file_sha256(&shipped).unwrap());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ModelInfo {
    /// Model kind.
    pub kind: String,
    /// Path as found.
    pub path: String,
    /// SHA-256 of the file.
    pub sha256: String,
}

/// A model stored in this format: its kind, its file name in a model
/// directory, its serialisable content, and the checks that turn content
/// into a usable model. Loading, parsing, writing and finding the file in a
/// directory come with it; a new model implements the four items.
///
/// ```
/// use slant::scorers::apply::Scorers;
/// use slant::scorers::loaded::LoadedModel;
/// use slant::scorers::model_file::ModelFile;
/// use slant::scorers::outlet::OutletModel;
/// let dir = Scorers::default_dir();
/// let (model, info) = LoadedModel::find(&dir).unwrap().unwrap();
/// assert_eq!((info.kind.as_str(), LoadedModel::FILE_NAME), ("loaded-language", "loaded-language.json"));
/// assert_eq!(LoadedModel::from_json("x.json".as_ref(), &model.to_json().unwrap()).unwrap().to_json().unwrap(),
///     model.to_json().unwrap());
/// // The other kind's file is refused by kind.
/// let err = OutletModel::load(&dir.join(LoadedModel::FILE_NAME)).unwrap_err().to_string();
/// assert!(err.contains("expected a `outlet-slant` model"), "{err}");
/// let empty = tempfile::tempdir().unwrap();
/// assert!(OutletModel::find(empty.path()).unwrap().is_none());
/// ```
pub trait ModelFile: Sized {
    /// The `kind` its files declare.
    const KIND: &'static str;
    /// Its file name in a model directory.
    const FILE_NAME: &'static str;
    /// The serialisable content.
    type Body: Serialize + DeserializeOwned;

    /// The model from content read from `path` (for messages), checked.
    fn from_body(body: Self::Body, path: &Path) -> Result<Self>;

    /// The serialisable content.
    fn body(&self) -> &Self::Body;

    /// Parse a model from JSON text (`path` for messages).
    fn from_json(path: &Path, text: &str) -> Result<Self> {
        Self::from_body(from_json(path, Self::KIND, text)?, path)
    }

    /// Load and check a model file.
    fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::from_json(path, &text)
    }

    /// The model file's JSON.
    fn to_json(&self) -> Result<String> {
        to_json(Self::KIND, self.body())
    }

    /// Write the model file into `dir` (as [`FILE_NAME`](Self::FILE_NAME));
    /// returns its path.
    fn write_to(&self, dir: &Path) -> Result<std::path::PathBuf> {
        let path = dir.join(Self::FILE_NAME);
        std::fs::write(&path, self.to_json()?).map_err(|e| Error::io(&path, e))?;
        Ok(path)
    }

    /// The model in `dir`, with what `run.json` says about its file, or
    /// `None` when the directory has no such file.
    fn find(dir: &Path) -> Result<Option<(Self, ModelInfo)>> {
        let path = dir.join(Self::FILE_NAME);
        if !path.is_file() {
            return Ok(None);
        }
        let model = Self::load(&path)?;
        let info = ModelInfo {
            kind: Self::KIND.into(),
            path: path.display().to_string(),
            sha256: file_sha256(&path)?,
        };
        Ok(Some((model, info)))
    }
}

/// Read and check a model file from disk (see [`from_json`]).
///
/// ```
/// use slant::scorers::model_file::{read, to_json};
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct Body { w: Vec<f64> }
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("toy.json");
/// std::fs::write(&path, to_json("toy", &Body { w: vec![1.5, -2.0] }).unwrap()).unwrap();
/// let body: Body = read(&path, "toy").unwrap();
/// assert_eq!(body.w, [1.5, -2.0]);
/// assert!(read::<Body>(&dir.path().join("missing.json"), "toy").is_err());
/// ```
pub fn read<B: Serialize + DeserializeOwned>(path: &Path, kind: &str) -> Result<B> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    from_json(path, kind, &text)
}

/// Deserialise an `f64` that may have been written as `null` (serde_json
/// writes NaN — an undefined metric — that way).
///
/// ```
/// #[derive(serde::Deserialize)]
/// struct M { #[serde(deserialize_with = "slant::scorers::model_file::de_f64")] x: f64 }
/// let m: M = serde_json::from_str("{\"x\": null}").unwrap();
/// assert!(m.x.is_nan());
/// ```
pub fn de_f64<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// [`de_f64`] for three numbers (each `null` read as NaN).
///
/// ```
/// #[derive(serde::Deserialize)]
/// struct M { #[serde(deserialize_with = "slant::scorers::model_file::de_f64_3")] x: [f64; 3] }
/// let m: M = serde_json::from_str("{\"x\": [0.5, null, 1]}").unwrap();
/// assert_eq!(m.x[0], 0.5);
/// assert!(m.x[1].is_nan());
/// ```
pub fn de_f64_3<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<[f64; 3], D::Error> {
    Ok(<[Option<f64>; 3]>::deserialize(d)?.map(|x| x.unwrap_or(f64::NAN)))
}

/// SHA-256 of a file's bytes, in lower-case hex.
///
/// ```
/// use slant::scorers::model_file::file_sha256;
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("abc.txt");
/// std::fs::write(&path, "abc").unwrap();
/// assert_eq!(
///     file_sha256(&path).unwrap(),
///     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// );
/// assert!(file_sha256(&dir.path().join("missing")).is_err());
/// ```
pub fn file_sha256(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Ok(sha256_hex(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Body {
        w: Vec<f64>,
    }

    #[test]
    fn refuses_other_versions_kinds_and_garbage() {
        let p = Path::new("m.json");
        let json = to_json("toy", &Body { w: vec![1.0 / 3.0] }).unwrap();
        let back: Body = from_json(p, "toy", &json).unwrap();
        assert_eq!(back.w[0], 1.0 / 3.0, "floats round-trip exactly");
        let v2 = json.replace("\"format_version\": 1", "\"format_version\": 2");
        let e = from_json::<Body>(p, "toy", &v2).unwrap_err().to_string();
        assert!(
            e.contains("incompatible model") && e.contains("version 2"),
            "{e}"
        );
        let e = from_json::<Body>(p, "other", &json)
            .unwrap_err()
            .to_string();
        assert!(e.contains("expected a `other` model"), "{e}");
        let e = from_json::<Body>(p, "toy", &json[..json.len() / 2])
            .unwrap_err()
            .to_string();
        assert!(e.contains("corrupted"), "{e}");
        let e = from_json::<Body>(p, "toy", "{\"a\": 1}")
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a slant model"), "{e}");
        assert!(from_json::<Body>(p, "toy", "{}").unwrap_err().is_usage());
    }
}
