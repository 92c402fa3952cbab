//! `.txt` inputs: one document per file.

use super::decode::decode_with;
use super::gate::{MadeUp, RecordGate};
use super::open::{finish_hash, open_maybe_gz};
use super::paths::strip_gz;
use super::plan::InputPlan;
use super::{escape_path, Document, Origin};
use std::io::Read;
use std::path::Path;

pub(super) fn file_origin(f: &Path) -> Origin {
    Origin {
        file: escape_path(f).into(),
        line: 0,
        record: 0,
    }
}

/// A path as an id: escaped ([`escape_path`]), with `/` between folders
/// on every platform.
pub(super) fn path_id(p: &Path) -> String {
    if cfg!(windows) {
        escape_path(p).replace('\\', "/")
    } else {
        escape_path(p).into_owned()
    }
}

/// Read one text file as one document; returns the file's hash.
pub(super) fn read_text_file(plan: &InputPlan, f: &Path, ctx: &mut RecordGate<'_>) -> String {
    let origin = file_origin(f);
    let rel = f.strip_prefix(&plan.root).unwrap_or(f);
    let id = if plan.root == plan.path {
        path_id(rel)
    } else {
        f.file_name()
            .map(|n| path_id(Path::new(n)))
            .unwrap_or_default()
    };
    let opened = open_maybe_gz(f, ctx.bytes_read.as_ref());
    let (reader, hasher) = match opened {
        Ok(x) => x,
        Err(e) => {
            ctx.reject(origin, Some(id), format!("cannot open: {e}"));
            return String::new();
        }
    };
    let mut bytes = Vec::new();
    let limit = (ctx.opts.max_doc_bytes as u64)
        .saturating_mul(4)
        .saturating_add(1);
    if let Err(e) = reader.take(limit).read_to_end(&mut bytes) {
        ctx.reject(origin, Some(id), format!("cannot read: {e}"));
        return finish_hash(&hasher);
    }
    let hash = finish_hash(&hasher);
    if plan.files.len() == 1 && plan.root != plan.path {
        ctx.stats.sha256 = hash.clone();
    }
    if bytes.len() as u64 >= limit {
        ctx.reject(
            origin,
            Some(id),
            format!(
                "document is over the --max-doc-bytes limit of {}",
                ctx.opts.max_doc_bytes
            ),
        );
        return hash;
    }
    let decoded = match decode_with(&bytes, ctx.opts.repair) {
        Ok(d) => d,
        Err(e) => {
            ctx.reject(origin, Some(id), e.to_string());
            return hash;
        }
    };
    let stem = {
        let (name, _) = strip_gz(f);
        name.rsplit_once('.')
            .map(|(s, _)| s.to_string())
            .unwrap_or(name)
    };
    let row = plan.manifest.as_ref().and_then(|m| m.get(f));
    let made = MadeUp {
        id: true,
        source: row.is_none(),
    };
    let doc = Document {
        id,
        source: row.map(|r| r.source.clone()).unwrap_or(stem),
        story: row.and_then(|r| r.story.clone()),
        date: row.and_then(|r| r.date.clone()),
        title: None,
        text: decoded.text,
        origin,
        encoding: decoded.encoding,
        repairs: decoded.repairs,
        // Kept columns come from the manifest; a file it does not list
        // has empty values.
        extra: match row {
            Some(r) => r.extra.clone(),
            None => vec![String::new(); ctx.opts.extra_columns().count()],
        },
    };
    ctx.admit(doc, made);
    hash
}
