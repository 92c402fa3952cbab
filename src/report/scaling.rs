//! `scaling.csv` and `scaling_words.csv`: the Wordfish positions of the
//! sources (`--scale`) and the words' parameters.

use super::csvout::{fmt_f, safe_cell, CsvStyle};
use crate::estimators::wordfish::SourceScaling;
use std::io::Write;

/// Columns of `scaling.csv`, one row per source scaled, in name order.
pub const SCALING_HEADER: &[&str] = &[
    "source", "docs", "theta", "se", "ci_low", "ci_high", "alpha",
];

/// Columns of `scaling_words.csv`, one row per word used, from the most
/// negative β to the most positive (ties by word).
pub const SCALING_WORDS_HEADER: &[&str] = &["word", "count", "beta", "psi"];

/// Write both files' rows.
///
/// ```
/// use slant::estimators::wordfish::{SourceScaling, WordfishParams};
/// use slant::report::{scaling_rows, CsvStyle};
/// let counts: Vec<Vec<(u32, f64)>> = vec![
///     vec![(0, 9.0), (1, 1.0), (2, 5.0)],
///     vec![(0, 5.0), (1, 5.0), (2, 5.0)],
///     vec![(0, 1.0), (1, 9.0), (2, 5.0)],
/// ];
/// let fit = WordfishParams::new().bootstrap(0).anchor(0, 2).fit(&counts, 3).unwrap();
/// let s = SourceScaling {
///     fit,
///     sources: vec![("A".into(), 3), ("B".into(), 3), ("C".into(), 3)],
///     words: vec![("wages".into(), 15), ("=taxes".into(), 15), ("today".into(), 15)],
///     too_small: 0,
/// };
/// let (mut pos, mut words) = (Vec::new(), Vec::new());
/// scaling_rows(&mut pos, &mut words, &s, CsvStyle::default()).unwrap();
/// let pos = String::from_utf8(pos).unwrap();
/// assert!(pos.starts_with("source,docs,theta,se,ci_low,ci_high,alpha\nA,3,-"));
/// let words = String::from_utf8(words).unwrap();
/// assert!(words.starts_with("word,count,beta,psi\nwages,15,-"));
/// assert!(words.contains("\n'=taxes,15,")); // a cell a spreadsheet would run
/// ```
pub fn scaling_rows<W: Write, V: Write>(
    positions: W,
    words: V,
    s: &SourceScaling,
    style: CsvStyle,
) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(positions);
    w.write_record(SCALING_HEADER)?;
    for p in &s.fit.sources {
        let (name, docs) = &s.sources[p.index];
        w.write_record([
            safe_cell(name, style).as_ref(),
            &docs.to_string(),
            &fmt_f(p.theta),
            &fmt_f(p.se),
            &fmt_f(p.ci.0),
            &fmt_f(p.ci.1),
            &fmt_f(p.alpha),
        ])?;
    }
    w.flush()?;
    let mut order: Vec<_> = s.fit.words.iter().collect();
    order.sort_by(|a, b| {
        a.beta
            .total_cmp(&b.beta)
            .then_with(|| s.words[a.word as usize].0.cmp(&s.words[b.word as usize].0))
    });
    let mut w = csv::Writer::from_writer(words);
    w.write_record(SCALING_WORDS_HEADER)?;
    for p in order {
        let (word, count) = &s.words[p.word as usize];
        w.write_record([
            safe_cell(word, style).as_ref(),
            &count.to_string(),
            &fmt_f(p.beta),
            &fmt_f(p.psi),
        ])?;
    }
    w.flush()?;
    Ok(())
}
