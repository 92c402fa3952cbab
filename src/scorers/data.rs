//! Labelled training data, read with slant's own corpus reader (CSV with a
//! sniffed delimiter and BOM, JSONL, gzip): the label column is read
//! through the reader's story slot and the grouping column (the outlet)
//! through its source slot, so decoding, mojibake repair and rejections
//! work exactly as in `slant analyze`.

use crate::corpus::{self, Document, Item, ReadOptions};
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// Which columns hold what: the text, the label, optionally a group (the
/// outlet), and the labels whose rows should be left out.
///
/// ```
/// use slant::scorers::data::{read_labelled, LabelSpec};
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("labels.csv");
/// std::fs::write(&path, "sentence,bias,outlet\n\
///     Rebels attacked the town.,neutral,Wire\n\
///     Terrorists butchered the town.,biased,Daily\n\
///     Fighters entered the town.,unclear,Wire\n").unwrap();
/// let spec = LabelSpec {
///     text_col: "sentence".into(),
///     label_col: "bias".into(),
///     group_col: Some("outlet".into()),
///     drop_labels: vec!["unclear".into()],
/// };
/// let (docs, info) = read_labelled(&path, &spec).unwrap();
/// let labels: Vec<&str> = docs.iter().map(|d| d.label.as_str()).collect();
/// assert_eq!(labels, ["neutral", "biased"]);
/// assert_eq!(info.dropped, 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LabelSpec {
    /// Text column or key.
    pub text_col: String,
    /// Label column or key.
    pub label_col: String,
    /// Group column (the outlet), if any.
    pub group_col: Option<String>,
    /// Labels whose rows are left out (e.g. `No agreement`).
    pub drop_labels: Vec<String>,
}

/// One labelled document: the document (its `story` is the label), the
/// label and its group.
///
/// ```
/// use slant::scorers::data::{read_labelled, LabelSpec};
/// # let dir = tempfile::tempdir().unwrap();
/// # let path = dir.path().join("articles.csv");
/// # std::fs::write(&path, "text,bias,outlet\n\
/// #     Border security hawks praised the tax cuts.,right,Right Times\n\
/// #     Activists demand climate justice.,left,Left Daily\n").unwrap();
/// // `path`: a CSV with the columns text, bias and outlet.
/// let spec = LabelSpec {
///     text_col: "text".into(), label_col: "bias".into(),
///     group_col: Some("outlet".into()), drop_labels: vec![],
/// };
/// let (docs, _) = read_labelled(&path, &spec).unwrap();
/// let d = &docs[1];
/// assert_eq!(d.label, "left");
/// assert_eq!(d.group, "Left Daily");
/// assert_eq!(d.doc.text, "Activists demand climate justice.");
/// assert_eq!(d.doc.story.as_deref(), Some("left")); // the label travels as the story
///
/// // Without a group column the group is empty.
/// let spec = LabelSpec { group_col: None, ..spec };
/// assert_eq!(read_labelled(&path, &spec).unwrap().0[1].group, "");
/// ```
#[derive(Debug, Clone)]
pub struct LabelledDoc {
    /// The document as `slant analyze` would see it.
    pub doc: Document,
    /// The label, trimmed.
    pub label: String,
    /// The group (outlet); empty without a group column.
    pub group: String,
}

/// Provenance of a training file, recorded in the model file: what was
/// read, what was used, and the file's checksum (which `slant eval` checks
/// before recomputing a model card).
///
/// ```
/// use slant::scorers::data::{read_labelled, LabelSpec};
/// use slant::scorers::model_file::file_sha256;
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("labels.csv");
/// std::fs::write(&path, "text,label\n\
///     Rebels attacked the town.,neutral\n\
///     ,biased\n\
///     Terrorists butchered the town.,biased\n").unwrap();
/// let spec = LabelSpec {
///     text_col: "text".into(), label_col: "label".into(), group_col: None, drop_labels: vec![],
/// };
/// let (_, info) = read_labelled(&path, &spec).unwrap();
/// assert_eq!(info.name, "labels.csv"); // no directories
/// // The row without text is rejected by the reader.
/// assert_eq!((info.read, info.rejected, info.dropped, info.used), (3, 1, 0, 2));
/// assert_eq!(info.sha256, file_sha256(&path).unwrap());
/// assert_eq!(info.columns, spec);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DataInfo {
    /// File name (without directories, so the model does not depend on
    /// where the data lives).
    pub name: String,
    /// SHA-256 of the file's bytes.
    pub sha256: String,
    /// Records read.
    pub read: u64,
    /// Records rejected by the reader (no text, broken row, …).
    pub rejected: u64,
    /// Rows left out because of their label.
    pub dropped: u64,
    /// Rows used.
    pub used: u64,
    /// The column flags used.
    pub columns: LabelSpec,
}

/// Read labelled documents from `path`.
///
/// ```no_run
/// use slant::scorers::data::{read_labelled, LabelSpec};
/// let spec = LabelSpec {
///     text_col: "text".into(), label_col: "label_bias".into(), group_col: None,
///     drop_labels: vec!["No agreement".into()],
/// };
/// let (docs, info) = read_labelled("../shared/data/babe/final_labels_SG2.csv".as_ref(), &spec).unwrap();
/// println!("{} rows from {} ({})", docs.len(), info.name, info.sha256);
/// ```
pub fn read_labelled(path: &Path, spec: &LabelSpec) -> Result<(Vec<LabelledDoc>, DataInfo)> {
    if !path.is_file() {
        return Err(Error::usage(format!(
            "training data {} not found (the shared data lives in ../shared/data; see ../shared/README.md)",
            path.display()
        )));
    }
    let opts = ReadOptions {
        text_col: Some(spec.text_col.clone()),
        source_col: Some(
            spec.group_col
                .clone()
                .unwrap_or_else(|| spec.label_col.clone()),
        ),
        story_col: Some(spec.label_col.clone()),
        ..ReadOptions::default()
    };
    let plans = corpus::plan(&[PathBuf::from(path)], &opts)?;
    let mut docs = Vec::new();
    let mut dropped = 0u64;
    let mut rejected = 0u64;
    let mut no_label = 0u64;
    let stats = corpus::read_inputs(&plans, &opts, &mut |item| match item {
        Item::Doc(doc) => {
            let label = doc.story.as_deref().unwrap_or("").trim().to_string();
            if label.is_empty() {
                no_label += 1;
            } else if spec.drop_labels.iter().any(|d| d == &label) {
                dropped += 1;
            } else {
                let group = if spec.group_col.is_some() {
                    doc.source.clone()
                } else {
                    String::new()
                };
                docs.push(LabelledDoc { doc, label, group });
            }
        }
        Item::Rejected(_) => rejected += 1,
    })?;
    let read: u64 = stats.iter().map(|s| s.read).sum();
    let sha256 = super::model_file::file_sha256(path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let used = docs.len() as u64;
    Ok((
        docs,
        DataInfo {
            name,
            sha256,
            read,
            rejected: rejected + no_label,
            dropped,
            used,
            columns: spec.clone(),
        },
    ))
}
