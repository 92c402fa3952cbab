//! Which column (CSV) or key (JSONL) holds each field.

use super::options::ReadOptions;
use crate::error::{Error, Result};
use std::path::Path;

/// Resolved column indices (CSV) or keys (JSONL).
#[derive(Debug, Clone)]
pub(super) struct Columns {
    pub(super) text: String,
    pub(super) source: String,
    pub(super) id: Option<String>,
    pub(super) story: Option<String>,
    pub(super) date: Option<String>,
    pub(super) title: Option<String>,
    /// [`ReadOptions::extra_columns`], checked against the header.
    pub(super) extra: Vec<String>,
}

pub(super) fn pick(
    given: &Option<String>,
    defaults: &[&str],
    available: &[String],
    required: bool,
    what: &str,
    path: &Path,
) -> Result<Option<String>> {
    if let Some(g) = given {
        if available.is_empty() || available.iter().any(|a| a == g) {
            return Ok(Some(g.clone()));
        }
        return Err(Error::input(
            path,
            format!(
                "no column `{g}` for --{what}-col; columns are: {}",
                available.join(", ")
            ),
        ));
    }
    for d in defaults {
        if let Some(a) = available.iter().find(|a| a.eq_ignore_ascii_case(d)) {
            return Ok(Some(a.clone()));
        }
    }
    if available.is_empty() {
        // JSONL: no header to look in; a missing key is simply absent.
        return Ok(defaults.first().map(|s| s.to_string()));
    }
    if required {
        return Err(Error::input(
            path,
            format!(
                "missing required {what} column (tried {}; use --{what}-col); columns are: {}",
                defaults.join(", "),
                available.join(", ")
            ),
        ));
    }
    Ok(None)
}

/// Default text columns / keys, in order of preference.
pub(super) const TEXT_DEFAULTS: &[&str] = &["text", "body", "content", "article"];
/// Default source columns / keys, in order of preference.
pub(super) const SOURCE_DEFAULTS: &[&str] = &["source", "outlet", "publisher", "site", "domain"];

pub(super) fn resolve_columns(
    opts: &ReadOptions,
    available: &[String],
    path: &Path,
) -> Result<Columns> {
    let cols = Columns {
        text: pick(&opts.text_col, TEXT_DEFAULTS, available, true, "text", path)?
            .unwrap_or_default(),
        source: pick(
            &opts.source_col,
            SOURCE_DEFAULTS,
            available,
            true,
            "source",
            path,
        )?
        .unwrap_or_default(),
        id: pick(&opts.id_col, &["id"], available, false, "id", path)?,
        story: pick(&opts.story_col, &["story"], available, false, "story", path)?,
        date: pick(&opts.date_col, &["date"], available, false, "date", path)?,
        title: pick(&opts.title_col, &["title"], available, false, "title", path)?,
        extra: opts
            .extra_columns()
            .map(|(c, what)| {
                pick(&Some(c.to_string()), &[], available, false, what, path)
                    .map(Option::unwrap_or_default)
            })
            .collect::<Result<_>>()?,
    };
    // The analyzed text is title + body: one column as both would count
    // every word twice.
    if cols.title.as_ref() == Some(&cols.text) {
        return Err(Error::input(
            path,
            format!(
                "the title and the text would both be read from `{}`; name another --title-col",
                cols.text
            ),
        ));
    }
    Ok(cols)
}
