//! `slant labels suggest`: draft framing families from a `labels.csv`, one
//! family per referent with the labels the sources used for it as variants,
//! for the user to edit (tones, merges) and load with `--lexicon`.

use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::path::Path;

/// An identifier from `s`: lower-case ASCII letters and digits, other runs
/// as one `_` (empty → `x`).
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'x');
    }
    out
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The draft lexicon (TOML) for the rows of a `labels.csv` read from
/// `input`: the `max_families` referents with the most labelled mentions
/// (over all stories; `unresolved` left out), each a family `labels_<name>`
/// naming its referent (so it counts the labels linked to it only) whose
/// variants are its labels used at least `min_count` times (tone 0, counts
/// per source in a comment). Referents with fewer than two such
/// labels are left out: a family is a choice between alternatives.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let p = dir.path().join("labels.csv");
/// std::fs::write(&p, "story,referent,source,label,voice,link,count,z\n\
///     s,Taliban,a,terrorist group,authorial,title,3,\n\
///     s,Taliban,b,militant group,authorial,anaphora,2,\n\
///     s,Taliban,b,fighters,authorial,premodifier,1,\n").unwrap();
/// let toml = slant::app::suggest_lexicon(&p, 2, 10).unwrap();
/// assert!(toml.contains("id = \"labels_taliban\""));
/// assert!(toml.contains("terms = [\"terrorist group\"]"));
/// assert!(!toml.contains("fighters"));
/// let lex = slant::lexicon::Lexicon::from_toml_str("draft.toml", &toml).unwrap();
/// assert_eq!(lex.families[0].variants.len(), 2);
/// // Counted over the labels linked to the Taliban only.
/// assert_eq!(lex.families[0].referents, ["Taliban"]);
/// ```
pub fn suggest_lexicon(input: &Path, min_count: u64, max_families: usize) -> Result<String> {
    let bad = |msg: String| Error::input(input, msg);
    let mut r = csv::Reader::from_path(input).map_err(|e| bad(e.to_string()))?;
    let header = r.headers().map_err(|e| bad(e.to_string()))?.clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| bad(format!("no column `{name}` (not a labels.csv?)")))
    };
    let (ref_c, src_c, lab_c, cnt_c) = (
        col("referent")?,
        col("source")?,
        col("label")?,
        col("count")?,
    );
    // referent → label → source → count
    let mut all: BTreeMap<String, BTreeMap<String, BTreeMap<String, u64>>> = BTreeMap::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| bad(e.to_string()))?;
        let line = i + 2;
        let field = |c: usize| rec.get(c).unwrap_or("");
        let n: u64 = field(cnt_c).parse().map_err(|_| {
            bad(format!(
                "line {line}: count `{}` is not a whole number",
                field(cnt_c)
            ))
        })?;
        let referent = field(ref_c);
        if referent == crate::features::referents::UNRESOLVED || field(lab_c).is_empty() {
            continue;
        }
        // Undo the spreadsheet guard of `safe_cell`.
        let label = field(lab_c).strip_prefix('\'').unwrap_or(field(lab_c));
        *all.entry(referent.to_string())
            .or_default()
            .entry(label.to_string())
            .or_default()
            .entry(field(src_c).to_string())
            .or_default() += n;
    }
    let total = |labels: &BTreeMap<String, BTreeMap<String, u64>>| -> u64 {
        labels.values().flat_map(|s| s.values()).sum()
    };
    type ByLabel = BTreeMap<String, BTreeMap<String, u64>>;
    let mut referents: Vec<(&String, &ByLabel)> = all.iter().collect();
    referents.sort_by(|a, b| total(b.1).cmp(&total(a.1)).then(a.0.cmp(b.0)));
    let mut out = format!(
        "# Drafted by `slant labels suggest` from {}: one family per referent, its labels as\n\
         # variants (counts per source in comments). Set each variant's tone (-1 delegitimising …\n\
         # +1 legitimising), merge or drop variants, then use it with `--lexicon`.\n",
        crate::corpus::escape_path(input)
    );
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut written = 0;
    for (referent, labels) in referents {
        if written >= max_families {
            break;
        }
        let mut kept: Vec<(&String, &BTreeMap<String, u64>, u64)> = labels
            .iter()
            .map(|(l, s)| (l, s, s.values().sum::<u64>()))
            .filter(|x| x.2 >= min_count)
            .collect();
        if kept.len() < 2 {
            continue;
        }
        kept.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
        let mut id = format!("labels_{}", slug(referent));
        let seen = ids.entry(id.clone()).or_default();
        *seen += 1;
        if *seen > 1 {
            id = format!("{id}_{seen}");
        }
        written += 1;
        out.push_str(&format!(
            "\n[[family]]\nid = {}\nname = {}\nabout = {}\nreferents = [{}]\n",
            quote(&id),
            quote(&format!("Labels for {referent}")),
            quote(&format!(
                "What the sources call {referent} ({} labelled mentions).",
                total(labels)
            )),
            quote(referent)
        ));
        let mut vids: BTreeMap<String, usize> = BTreeMap::new();
        for (label, sources, _) in kept {
            let mut vid = slug(label);
            let seen = vids.entry(vid.clone()).or_default();
            *seen += 1;
            if *seen > 1 {
                vid = format!("{vid}_{seen}");
            }
            let counts: Vec<String> = sources.iter().map(|(s, n)| format!("{s} {n}")).collect();
            out.push_str(&format!(
                "\n[[family.variant]]\nid = {}\ntone = 0.0\nterms = [{}]  # {}\n",
                quote(&vid),
                quote(label),
                counts.join(", ").replace('\n', " ")
            ));
        }
    }
    Ok(out)
}
