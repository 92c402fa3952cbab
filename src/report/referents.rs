//! `referent_families.csv`: the framing families over the labels linked to
//! each referent — which variant each source uses for the Taliban, for
//! ISIS, for Hamas — instead of wherever the words occur.

use super::csvout::{fmt_f, safe_cell, CsvStyle};
use crate::features::referents::{LabelRow, UNRESOLVED};
use crate::lexicon::{Lexicon, Matcher, Scratch, Target};
use std::collections::BTreeMap;
use std::io::Write;

/// The columns of `referent_families.csv`.
pub const REFERENT_FAMILIES_HEADER: [&str; 9] = [
    "source",
    "referent",
    "family",
    "variant",
    "tone",
    "authorial_count",
    "quoted_count",
    "share",
    "tone_mean",
];

/// Write `referent_families.csv`: per source, referent (by name, over all
/// stories; `unresolved` included), family and variant, the linked labels
/// of `rows` in which the family's terms match; `share` is the variant's
/// share of the family's authorial matches for that source and referent,
/// `tone_mean` their mean tone (the same on every row of the family).
/// Returns the rows written.
///
/// ```
/// use slant::features::referents::LabelRow;
/// use slant::lexicon::Lexicon;
/// use slant::report::{referent_family_rows, CsvStyle};
/// use slant::text::Voice;
/// let lex = Lexicon::from_toml_str("x.toml", r#"
/// [[family]]
/// id = "armed_group"
/// [[family.variant]]
/// id = "terrorist"
/// tone = -1.0
/// terms = ["terrorist group", "terrorists"]
/// [[family.variant]]
/// id = "militant"
/// tone = -0.3
/// terms = ["militant group"]
/// "#).unwrap();
/// let row = |source: &str, label: &str, count: u64| LabelRow {
///     story: "s".into(), referent: "Taliban".into(), source: source.into(),
///     label: label.into(), voice: Voice::Authorial, link: "anaphora".into(), count,
/// };
/// let rows = [row("a", "terrorist group", 3), row("a", "militant group", 1), row("b", "fighters", 2)];
/// let mut out = Vec::new();
/// assert_eq!(referent_family_rows(&mut out, &rows, &lex, CsvStyle::default()).unwrap(), 2);
/// let text = String::from_utf8(out).unwrap();
/// assert!(text.contains("a,Taliban,armed_group,terrorist,-1,3,0,0.75,-0.825\n"));
/// ```
pub fn referent_family_rows<W: Write>(
    w: W,
    rows: &[LabelRow],
    lex: &Lexicon,
    style: CsvStyle,
) -> csv::Result<u64> {
    let matcher = Matcher::new(lex);
    let offsets = lex.variant_offsets();
    let (mut scratch, mut found) = (Scratch::default(), Vec::new());
    // (source, referent, family) → flat variant → [authorial, quoted]
    let mut counts: BTreeMap<(&str, &str, usize), BTreeMap<usize, [u64; 2]>> = BTreeMap::new();
    for r in rows {
        matcher.find_into(&r.label, &mut scratch, &mut found);
        let q = (r.voice == crate::text::Voice::Quoted) as usize;
        for m in &found {
            if let Target::Variant { family, flat } = m.target {
                counts
                    .entry((&r.source, &r.referent, family as usize))
                    .or_default()
                    .entry(flat as usize)
                    .or_default()[q] += r.count;
            }
        }
    }
    let mut w = csv::Writer::from_writer(w);
    w.write_record(REFERENT_FAMILIES_HEADER)?;
    let mut written = 0u64;
    let tone = |fi: usize, flat: usize| lex.families[fi].variants[flat - offsets[fi]].tone;
    // Referents by name, `unresolved` last within a source.
    let mut keys: Vec<&(&str, &str, usize)> = counts.keys().collect();
    keys.sort_by_key(|k| (k.0, k.1 == UNRESOLVED, k.1, k.2));
    for key in keys {
        let &(source, referent, fi) = key;
        let vars = &counts[key];
        let n: u64 = vars.values().map(|c| c[0]).sum();
        let mean = if n == 0 {
            f64::NAN
        } else {
            vars.iter()
                .map(|(&v, c)| tone(fi, v) * c[0] as f64)
                .sum::<f64>()
                / n as f64
        };
        for (&flat, c) in vars {
            written += 1;
            w.write_record([
                safe_cell(source, style).as_ref(),
                safe_cell(referent, style).as_ref(),
                lex.families[fi].id.as_str(),
                lex.families[fi].variants[flat - offsets[fi]].id.as_str(),
                fmt_f(tone(fi, flat)).as_str(),
                c[0].to_string().as_str(),
                c[1].to_string().as_str(),
                if n == 0 {
                    String::new()
                } else {
                    fmt_f(c[0] as f64 / n as f64)
                }
                .as_str(),
                fmt_f(mean).as_str(),
            ])?;
        }
    }
    w.flush()?;
    Ok(written)
}
