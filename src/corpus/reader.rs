//! Reading every planned input in order through the record gate.

use super::delimited::read_csv;
use super::gate::{InputStats, RecordGate, Skipped};
use super::jsonl::read_jsonl;
use super::open::BytesRead;
use super::options::{Format, ReadOptions};
#[cfg(feature = "parquet")]
use super::parquet::read_parquet;
use super::plan::InputPlan;
use super::textfile::{file_origin, path_id, read_text_file};
use super::{escape_path, Item, Rejection};
use crate::error::Result;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::atomic::AtomicBool;

/// Read every planned input in order, calling `sink` for each record.
/// Returns per-input statistics. Errors are returned only for inputs that
/// cannot be read at all (missing required column, unreadable file given
/// explicitly); problems with single records become rejections.
///
/// Records reach `sink` in input order, so collecting them gives the same
/// order on every run.
///
/// ```
/// use slant::corpus::{plan, read_inputs, Item, ReadOptions};
/// # let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("news.csv");
/// std::fs::write(&path, "source,text\n\
///     ledger,Rebels seized the town.\n\
///     wire,\n\
///     post,Insurgents seized the town.\n").unwrap();
/// let opts = ReadOptions::default();
/// let mut sources = Vec::new();
/// let stats = read_inputs(&plan(&[path], &opts).unwrap(), &opts, &mut |item| match item {
///     Item::Doc(d) => sources.push(d.source),
///     Item::Rejected(r) => assert_eq!(r.reason, "empty text"),
/// }).unwrap();
/// assert_eq!(sources, ["ledger", "post"]);
/// assert_eq!(stats[0].read, 3);
///
/// let no_text = dir.path().join("bad.csv");
/// std::fs::write(&no_text, "source,body_html\nledger,x\n").unwrap();
/// assert!(read_inputs(&plan(&[no_text], &opts).unwrap(), &opts, &mut |_| {}).is_err());
/// ```
pub fn read_inputs(
    plans: &[InputPlan],
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item),
) -> Result<Vec<InputStats>> {
    read_inputs_until(plans, opts, sink, &AtomicBool::new(false), None)
}

/// [`read_inputs`] that stops at the next record once `stop` is set (the
/// statistics returned then cover what was read), adding the bytes it
/// reads from the input files (as on disk) to `bytes_read`.
pub(crate) fn read_inputs_until(
    plans: &[InputPlan],
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item),
    stop: &AtomicBool,
    bytes_read: Option<BytesRead>,
) -> Result<Vec<InputStats>> {
    let mut all = Vec::with_capacity(plans.len());
    let mut ctx = RecordGate::new(opts, sink, stop);
    ctx.bytes_read = bytes_read;
    for plan in plans {
        if ctx.stopped() {
            break;
        }
        ctx.begin_input(InputStats {
            path: escape_path(&plan.path).into_owned(),
            format: format!("{:?}", plan.format).to_lowercase(),
            manifest: plan
                .manifest_file
                .as_ref()
                .map(|(p, _)| escape_path(p).into_owned()),
            manifest_sha256: plan.manifest_file.as_ref().map(|(_, h)| h.clone()),
            manifest_unmatched: plan.manifest_unmatched.len() as u64,
            skipped: (plan.skipped.iter())
                .map(|(p, why)| Skipped {
                    file: escape_path(p).into_owned(),
                    reason: why.clone(),
                })
                .collect(),
            ..Default::default()
        });
        for (p, why) in &plan.walk_problems {
            ctx.reject(file_origin(p), None, why.clone());
        }
        match plan.format {
            Format::Text => {
                let mut dir_hasher = Sha256::new();
                for f in &plan.files {
                    if ctx.stopped() {
                        break;
                    }
                    let h = read_text_file(plan, f, &mut ctx);
                    let rel = f.strip_prefix(&plan.root).unwrap_or(f);
                    dir_hasher.update(escape_path(rel).as_bytes());
                    dir_hasher.update(b"\0");
                    dir_hasher.update(h.as_bytes());
                    dir_hasher.update(b"\n");
                    ctx.stats.files += 1;
                }
                ctx.stats.sha256 = if plan.files.len() == 1 && plan.root != plan.path {
                    ctx.stats.sha256.clone()
                } else {
                    dir_hasher
                        .finalize()
                        .iter()
                        .map(|b| format!("{b:02x}"))
                        .collect()
                };
            }
            Format::Csv => {
                for f in &plan.files {
                    read_csv(f, &mut ctx)?;
                    ctx.stats.files += 1;
                }
            }
            Format::Jsonl => {
                for f in &plan.files {
                    read_jsonl(f, &mut ctx)?;
                    ctx.stats.files += 1;
                }
            }
            Format::Parquet => {
                for f in &plan.files {
                    read_parquet(f, &mut ctx)?;
                    ctx.stats.files += 1;
                }
            }
        }
        all.push(ctx.end_input());
    }
    Ok(all)
}

/// The entries of an input that were left out, grouped by reason in the
/// order found: `3 files skipped: not .txt: README.md, a.html, b.pdf`
/// (paths inside the input folder; the first five of each group).
pub(crate) fn skipped_notes(plan: &InputPlan) -> Vec<String> {
    let mut groups: Vec<(&str, Vec<&Path>)> = Vec::new();
    for (p, why) in &plan.skipped {
        match groups.iter_mut().find(|(w, _)| w == why) {
            Some((_, paths)) => paths.push(p),
            None => groups.push((why, vec![p])),
        }
    }
    const SHOWN: usize = 5;
    groups
        .into_iter()
        .map(|(why, paths)| {
            let mut names: Vec<String> = (paths.iter().take(SHOWN))
                .map(|p| match p.strip_prefix(&plan.path) {
                    Ok(rel) if !rel.as_os_str().is_empty() => path_id(rel),
                    _ => escape_path(p).into_owned(),
                })
                .collect();
            if paths.len() > SHOWN {
                names.push(format!("and {} more", paths.len() - SHOWN));
            }
            let n = paths.len();
            let files = if n == 1 { "file" } else { "files" };
            format!("{n} {files} skipped: {why}: {}", names.join(", "))
        })
        .collect()
}

/// Why the inputs gave no document to analyze (the message of
/// [`crate::ErrorKind::NothingToAnalyze`]): what each input held, or the
/// first rejection, and the columns or keys of an input whose records all
/// lacked a field that is read. `plans` and `stats` are in the same order.
/// Without the `parquet` feature, a Parquet input is an error naming it.
#[cfg(not(feature = "parquet"))]
fn read_parquet(path: &Path, _: &mut RecordGate<'_>) -> Result<()> {
    Err(crate::Error::input(
        path,
        "this slant was built without Parquet support (cargo feature `parquet`)",
    ))
}

pub(crate) fn why_nothing(
    plans: &[InputPlan],
    stats: &[InputStats],
    first: Option<&Rejection>,
) -> String {
    let read: u64 = stats.iter().map(|s| s.read).sum();
    let mut parts = Vec::new();
    if read == 0 {
        for p in plans {
            let name = escape_path(&p.path);
            let again = p.skipped.iter().find(|(f, _)| *f == p.path);
            parts.push(match again {
                Some((_, why)) => format!("`{name}` is the {why}"),
                None if p.format == Format::Text && p.root == p.path => {
                    let notes = skipped_notes(p);
                    if notes.is_empty() {
                        format!("`{name}` holds no .txt file")
                    } else {
                        format!("`{name}` holds no .txt file ({})", notes.join("; "))
                    }
                }
                None => format!("`{name}` holds no record"),
            });
        }
    } else {
        let first = first.map(|r| format!("{}: {}", r.origin, r.reason));
        parts.push(match (read, first) {
            (1, Some(r)) => format!("the only record read was rejected ({r})"),
            (_, Some(r)) => format!("all {read} records read were rejected (the first: {r})"),
            (_, None) => format!("all {read} records read were rejected"),
        });
        for (p, s) in plans.iter().zip(stats) {
            if s.documents > 0 || s.rejected == 0 || s.columns.is_empty() {
                continue;
            }
            let name = escape_path(&p.path);
            match p.format {
                Format::Jsonl if s.missing_field > 0 => parts.push(format!(
                    "{} records of `{name}` lack a field that is read; the keys in its first records are: {}",
                    s.missing_field,
                    s.columns.join(", ")
                )),
                Format::Csv | Format::Parquet => parts.push(format!(
                    "the columns of `{name}` are: {}",
                    s.columns.join(", ")
                )),
                _ => {}
            }
        }
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::plan;
    use std::sync::atomic::Ordering;

    /// A stop set while reading ends the reading at the next record, in
    /// every format, instead of reading (and discarding) the rest.
    #[test]
    fn reading_stops_at_the_next_record() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        let (mut csv, mut jsonl) = (String::from("source,text\n"), String::new());
        std::fs::create_dir(p.join("txt")).unwrap();
        for i in 0..100 {
            csv.push_str(&format!("s{i},Rebels fled.\n"));
            jsonl.push_str(&format!(
                "{{\"source\": \"s{i}\", \"text\": \"Rebels fled.\"}}\n"
            ));
            std::fs::write(p.join(format!("txt/{i:03}.txt")), "Rebels fled.").unwrap();
        }
        std::fs::write(p.join("a.csv"), csv).unwrap();
        std::fs::write(p.join("b.jsonl"), jsonl).unwrap();
        let opts = ReadOptions::default();
        for input in ["a.csv", "b.jsonl", "txt"] {
            // Two inputs: the second one is not started either.
            let plans = plan(&[p.join(input), p.join("b.jsonl")], &opts).unwrap();
            let stop = AtomicBool::new(false);
            let mut n = 0;
            let sink = &mut |_: Item| {
                n += 1;
                if n == 3 {
                    stop.store(true, Ordering::Relaxed);
                }
            };
            read_inputs_until(&plans, &opts, sink, &stop, None).unwrap();
            assert_eq!(n, 3, "{input}");
        }
    }
}
