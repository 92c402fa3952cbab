//! The families that name their referents (`referents = ["Taliban"]` in a
//! lexicon): once the labels are resolved, their counts are replaced by the
//! counts of the matches in labels linked to one of the named referents,
//! everywhere the statistics read them (each document's summary, each
//! source's and each story's sums) and in `documents.csv`.

use super::DocSummary;
use crate::features::referents::{referent_keys, LabelResolution, MentionKey};
use crate::features::Aggregates;
use crate::lexicon::Lexicon;

/// Per document (in `summaries` order): the linked counts of the named
/// families' variants, (flat variant, [authorial, quoted]), sorted.
pub(super) type LinkedCounts = Vec<Vec<(u32, [u64; 2])>>;

/// Whether any family of `lex` names its referents.
pub(super) fn any_named(lex: &Lexicon) -> bool {
    lex.families.iter().any(|f| !f.referents.is_empty())
}

/// Count each named family over its linked matches only (see the module
/// documentation); returns the per-document counts for `documents.csv`.
pub(super) fn restrict(
    agg: &mut Aggregates,
    summaries: &mut [DocSummary],
    lex: &Lexicon,
    res: &LabelResolution,
) -> LinkedCounts {
    let offsets = lex.variant_offsets();
    // Per flat variant: its family's alias keys when the family names
    // referents.
    let keys: Vec<Vec<String>> = lex
        .families
        .iter()
        .map(|f| referent_keys(&f.referents))
        .collect();
    let family_of = |flat: u32| offsets.partition_point(|&o| o <= flat as usize) - 1;
    let named = |flat: u32| !keys[family_of(flat)].is_empty();
    let n_variants = lex.n_variants();
    let flats: Vec<usize> = (0..n_variants).filter(|&f| named(f as u32)).collect();
    // The sums of the named variants start again from the linked matches.
    for s in agg.sources.values_mut() {
        for &f in &flats {
            s.counts.variants[f] = [0, 0];
        }
    }
    for c in agg.stories.values_mut() {
        for &f in &flats {
            c.variants[f] = [0, 0];
        }
    }
    let mut per_doc: LinkedCounts = Vec::with_capacity(summaries.len());
    for d in summaries.iter_mut() {
        let story = d.story.as_deref().unwrap_or("");
        let mut counts: Vec<(u32, [u64; 2])> = Vec::new();
        for (flat, quoted, cell) in &d.linked {
            let Some(key) = MentionKey::parse(cell) else {
                continue;
            };
            let Some((referent, _)) = res.referent(story, &key) else {
                continue;
            };
            if !res.is_named(story, referent, &keys[family_of(*flat)]) {
                continue;
            }
            match counts.iter_mut().find(|(f, _)| f == flat) {
                Some((_, c)) => c[*quoted as usize] += 1,
                None => {
                    let mut c = [0, 0];
                    c[*quoted as usize] = 1;
                    counts.push((*flat, c));
                }
            }
        }
        counts.sort_unstable_by_key(|x| x.0);
        // The summary's authorial counts of the named families: the linked ones.
        d.variants.retain(|(flat, _)| !named(*flat));
        d.variants.extend(
            counts
                .iter()
                .filter(|(_, c)| c[0] > 0)
                .map(|(f, c)| (*f, c[0].min(u32::MAX as u64) as u32)),
        );
        d.variants.sort_unstable_by_key(|x| x.0);
        let add = |v: &mut Vec<[u64; 2]>| {
            for (f, c) in &counts {
                v[*f as usize][0] += c[0];
                v[*f as usize][1] += c[1];
            }
        };
        if let Some(s) = agg.sources.get_mut(&*d.source) {
            add(&mut s.counts.variants);
        }
        if let Some(story) = d.story.as_deref() {
            if let Some(c) = agg
                .stories
                .get_mut(&(d.source.to_string(), story.to_string()))
            {
                add(&mut c.variants);
            }
        }
        per_doc.push(counts);
    }
    per_doc
}
