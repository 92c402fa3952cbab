//! Corpus level: referents (names by several sources, aliases merged) and
//! the resolution of every label to one of them, or to `unresolved`.

use super::words::{is_agent, is_demonym, is_group, is_organisation, singular};
use super::{LabelOptions, LabelRow, LinkRule, ReferentCounts};
use crate::text::Voice;
use std::collections::{BTreeMap, BTreeSet};

/// The referent name of labels no rule could link.
pub const UNRESOLVED: &str = "unresolved";

/// Words left out of an acronym's letters.
fn initials(key: &str) -> String {
    key.split(' ')
        .filter(|w| !matches!(*w, "of" | "the" | "and" | "for"))
        .filter_map(|w| w.chars().next())
        .collect()
}

/// One story's names merged into referents: alias key → canonical key, and
/// per canonical key its display name.
struct Referents {
    canon: BTreeMap<String, String>,
    display: BTreeMap<String, String>,
    /// Display names of groups: named after "the" (and not as a modifier)
    /// in at least a quarter of their mentions.
    groups: BTreeSet<String>,
    /// Mentions per display name.
    mentions: BTreeMap<String, u64>,
}

fn referents_of(
    names: &BTreeMap<&str, BTreeMap<&str, u64>>,
    surfaces: &BTreeMap<&str, BTreeMap<&str, u64>>,
    definite: &BTreeMap<&str, u64>,
    min_sources: usize,
) -> Referents {
    let totals: BTreeMap<&str, u64> = names.iter().map(|(k, s)| (*k, s.values().sum())).collect();
    let total = |k: &str| totals.get(k).copied().unwrap_or(0);
    let mut keys: Vec<(usize, u64, &str)> = names
        .keys()
        .map(|k| (k.split(' ').count(), total(k), *k))
        .collect();
    keys.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(b.2)));
    // Canonical keys ("heads"), in the order above, indexed by what a
    // shorter alias of theirs can be: a run of their first or last words,
    // first and last around middle initials, their initials.
    let mut canon: BTreeMap<String, String> = BTreeMap::new();
    let mut index: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut sources: BTreeMap<&str, BTreeMap<&str, u64>> = BTreeMap::new();
    for &(_, _, k) in &keys {
        let words: Vec<&str> = k.split(' ').collect();
        let acronym = words.len() == 1
            && (2..=6).contains(&k.len())
            && surfaces[k].keys().any(|s| {
                s.chars()
                    .filter(|c| c.is_alphabetic())
                    .all(char::is_uppercase)
            });
        let mut found: Vec<&str> = index.get(k).cloned().unwrap_or_default();
        if acronym {
            found.extend(index.get(&format!("\u{1}{k}")).into_iter().flatten());
        }
        let target = found
            .into_iter()
            .max_by(|a, b| total(a).cmp(&total(b)).then(b.cmp(a)));
        let c = target.unwrap_or(k);
        if target.is_none() && !matches!(words.last(), Some(&("jr" | "sr" | "ii" | "iii"))) {
            // "Donald Trump Jr." is no head: not "Donald Trump".
            let n = words.len();
            for l in 1..n {
                index.entry(words[..l].join(" ")).or_default().push(k);
                index.entry(words[n - l..].join(" ")).or_default().push(k);
            }
            if n >= 3 && words[1..n - 1].iter().all(|w| w.len() == 1) {
                index
                    .entry(format!("{} {}", words[0], words[n - 1]))
                    .or_default()
                    .push(k);
            }
            if n >= 2 {
                index
                    .entry(format!("\u{1}{}", initials(k)))
                    .or_default()
                    .push(k);
            }
        }
        canon.insert(k.to_string(), c.to_string());
        let e = sources.entry(c).or_default();
        for (s, n) in &names[k] {
            *e.entry(s).or_default() += n;
        }
    }
    let kept: BTreeSet<&str> = sources
        .iter()
        .filter(|(_, s)| s.len() >= min_sources)
        .map(|(k, _)| *k)
        .collect();
    canon.retain(|_, c| kept.contains(c.as_str()));
    // Shown by its most mentioned alias of two words or more (not by the
    // longest, which may carry a stray word: "U.S. James Comey").
    let mut best: BTreeMap<&str, (&str, u64)> = BTreeMap::new();
    for (k, c) in &canon {
        let n = total(k) * (k.contains(' ') as u64);
        let e = best.entry(c.as_str()).or_insert((c.as_str(), 0));
        if n > e.1 || (n == e.1 && n > 0 && k.as_str() < e.0) {
            *e = (k.as_str(), n);
        }
    }
    let display = kept
        .iter()
        .map(|k| {
            let shown = best.get(k).map_or(*k, |b| b.0);
            let s = surfaces[shown]
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map_or(shown, |(s, _)| *s);
            (k.to_string(), s.to_string())
        })
        .collect();
    let mut the: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for (k, c) in &canon {
        let e = the.entry(c.as_str()).or_default();
        e.0 += definite.get(k.as_str()).copied().unwrap_or(0);
        e.1 += total(k);
    }
    let groups = the
        .into_iter()
        .filter(|(_, (d, n))| 4 * d >= *n && *d > 0)
        .map(|(k, _)| display_of(&display, k))
        .collect();
    let mut mentions: BTreeMap<String, u64> = BTreeMap::new();
    for (k, c) in &canon {
        *mentions.entry(display_of(&display, c)).or_default() += total(k);
    }
    Referents {
        canon,
        display,
        groups,
        mentions,
    }
}

/// Whether a label has a demonym before its head ("afghan government"):
/// the body of a nation, not of the group.
fn capitalised_modifier(label: &str) -> bool {
    let words: Vec<&str> = label.split(' ').collect();
    words[..words.len().saturating_sub(1)]
        .iter()
        .any(|w| is_demonym(w) && !w.ends_with("ist") && !w.ends_with("ic"))
}

fn display_of(display: &BTreeMap<String, String>, k: &str) -> String {
    display.get(k).cloned().unwrap_or_default()
}

/// The label's words that can say what kind of referent it is (its head,
/// and a noun before "of").
fn label_heads(label: &str) -> impl Iterator<Item = String> + '_ {
    let words: Vec<&str> = label.split(' ').collect();
    let head = words.last().copied().unwrap_or("");
    let before_of = words
        .iter()
        .position(|w| *w == "of")
        .and_then(|p| p.checked_sub(1))
        .map(|p| words[p]);
    std::iter::once(head)
        .chain(before_of)
        .filter(|w| is_agent(w))
        .map(str::to_string)
}

type Rows<'a> = rustc_hash::FxHashMap<(&'a str, &'a str, &'a str, bool), (u64, u8)>;

/// Count `n` labels for (referent, source, label, quoted), linked by `rule`.
fn bump<'a>(
    rows: &mut Rows<'a>,
    referent: &'a str,
    source: &'a str,
    label: &'a str,
    quoted: bool,
    rule: LinkRule,
    n: u64,
) {
    let e = rows.entry((referent, source, label, quoted)).or_default();
    e.0 += n;
    e.1 |= 1 << rule as u8;
}

/// `map`'s entries sorted by key (the counts are hashed while counting).
fn sorted<K: Ord, V: Copy>(map: &std::collections::HashMap<K, V>) -> Vec<(&K, V)> {
    let mut v: Vec<(&K, V)> = map.iter().map(|(k, v)| (k, *v)).collect();
    v.sort_unstable_by(|a, b| a.0.cmp(b.0));
    v
}

/// The entries of sorted `v` whose key's story (first field) is `story`.
fn of_story<'a, K, V>(
    v: &'a [(&'a K, V)],
    story: &str,
    first: impl Fn(&K) -> &str,
) -> &'a [(&'a K, V)] {
    let lo = v.partition_point(|e| first(e.0) < story);
    let hi = lo + v[lo..].partition_point(|e| first(e.0) == story);
    &v[lo..hi]
}

pub(super) fn resolve(c: &ReferentCounts, opts: &LabelOptions) -> Vec<LabelRow> {
    let all_names = sorted(&c.names);
    let all_surfaces = sorted(&c.surfaces);
    let all_definite = sorted(&c.definite);
    let all_links = sorted(&c.links);
    let all_anaphors = sorted(&c.anaphors);
    let stories: BTreeSet<&str> = all_names.iter().map(|k| k.0 .0.as_str()).collect();
    let mut out: Vec<LabelRow> = Vec::new();
    let mut anaphors = all_anaphors.iter().map(|(k, n)| (*k, n)).peekable();
    let mut links = all_links.iter().map(|(k, n)| (*k, n)).peekable();
    for story in stories {
        let mut names: BTreeMap<&str, BTreeMap<&str, u64>> = BTreeMap::new();
        for ((_, k, s), n) in of_story(&all_names, story, |k| k.0.as_str()) {
            *names.entry(k).or_default().entry(s).or_default() += n;
        }
        let mut surfaces: BTreeMap<&str, BTreeMap<&str, u64>> = BTreeMap::new();
        for ((_, k, s), n) in of_story(&all_surfaces, story, |k| k.0.as_str()) {
            *surfaces.entry(k).or_default().entry(s).or_default() += n;
        }
        let mut definite: BTreeMap<&str, u64> = BTreeMap::new();
        for ((_, k), n) in of_story(&all_definite, story, |k| k.0.as_str()) {
            definite.insert(k, *n);
        }
        let refs = referents_of(&names, &surfaces, &definite, opts.min_sources);
        // (referent, source, label, quoted) → (count, rules as bits in
        // `LinkRule` order)
        let mut rows: Rows = Default::default();

        let shown = |k: &str| refs.canon.get(k).map(|c| refs.display[c].as_str());
        // Direct links, and the heads each referent is called by.
        let mut heads: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        // head → referent → direct links (for the salience rule).
        let mut called: BTreeMap<String, BTreeMap<&str, u64>> = BTreeMap::new();
        // referent → the person or group words before the heads of its
        // labels ("insurgent" of "insurgent group").
        let mut modifiers: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        while let Some(((st, key, source, label, quoted, rule), n)) =
            links.next_if(|l| l.0 .0.as_str() <= story)
        {
            if st != story || !opts.rules.contains(rule) {
                continue;
            }
            if let Some(r) = shown(key) {
                bump(&mut rows, r, source, label, *quoted, *rule, *n);
                heads.entry(r).or_default().extend(label_heads(label));
                let words: Vec<&str> = label.split(' ').collect();
                modifiers.entry(r).or_default().extend(
                    words[..words.len() - 1]
                        .iter()
                        .filter(|w| is_agent(w))
                        .map(|w| singular(w).into_owned()),
                );
                for h in label_heads(label) {
                    *called.entry(h).or_default().entry(r).or_default() += n;
                }
            }
        }
        // The story's group mentioned at least twice as often as any other.
        let main_group: Option<&str> = {
            let mut g: Vec<(u64, &str)> = refs
                .groups
                .iter()
                .map(|r| (refs.mentions.get(r).copied().unwrap_or(0), r.as_str()))
                .collect();
            g.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
            match g.as_slice() {
                [(n, r)] if *n >= 2 => Some(*r),
                [(n, r), (m, _), ..] if *n >= 2 * m && *n >= 2 => Some(*r),
                _ => None,
            }
        };
        let mut mine_anaphors = Vec::new();
        while let Some(a) = anaphors.next_if(|a| a.0 .0.as_str() <= story) {
            if a.0 .0 == story {
                mine_anaphors.push(a);
            }
        }
        // Two passes: the first only learns the modifiers of the labels
        // that anaphora links ("insurgent group" → "the insurgents").
        for pass in 0..2 {
            let mut learned: Vec<(&str, String)> = Vec::new();
            for &((_, source, label, quoted, cands), n) in &mine_anaphors {
                let mine: Vec<String> = label_heads(label).collect();
                // Compatible: called by the same head in the story, or a group
                // noun or a plural for a group ("the group", "the insurgents"
                // for "the Taliban").
                let last = label.rsplit(' ').next().unwrap_or("");
                let plain = !label
                    .split(' ')
                    .any(|w| w.chars().next().is_some_and(char::is_uppercase))
                    && !label.contains('.');
                let groupish = plain && !capitalised_modifier(label) && is_organisation(last);
                // A plural of a word describing a group ("the insurgents" for
                // a referent called an "insurgent group").
                let members = singular(last) != last && !is_group(last);
                // 2: called by the same head in the story; 1: a group noun or a
                // plural for a group.
                let strength = |r: &str| {
                    if heads
                        .get(r)
                        .is_some_and(|h| mine.iter().any(|w| h.contains(w)))
                    {
                        2
                    } else if refs.groups.contains(r)
                        && (groupish
                            || (members
                                && modifiers
                                    .get(r)
                                    .is_some_and(|m| m.contains(singular(last).as_ref()))))
                    {
                        1
                    } else {
                        0
                    }
                };
                // The nearest of the strongest; two as strong in the same
                // sentence as the nearest (by head): ambiguous.
                let mut found: Option<(u8, u32, &str)> = None;
                let mut ambiguous = false;
                if opts.rules.contains(&LinkRule::Anaphora) {
                    for (d, key) in cands {
                        let Some(r) = shown(key) else { continue };
                        let st = strength(r);
                        if st == 0 {
                            continue;
                        }
                        match found {
                            Some((fs, _, _)) if st > fs => {
                                found = Some((st, *d, r));
                                ambiguous = false;
                            }
                            None => found = Some((st, *d, r)),
                            Some((2, fd, fr)) if st == 2 && fd == *d && fr != r => ambiguous = true,
                            _ => {}
                        }
                    }
                }
                // Salience: no compatible referent in the paragraph, and one
                // referent of the story is called so by at least two thirds
                // (and two) of the direct links, or, for a group noun, is the
                // story's group mentioned at least twice as often as any other.
                let salient = || {
                    if let Some(c) = mine.last().and_then(|h| called.get(h)) {
                        let all: u64 = c.values().sum();
                        let (r, n) = c.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))?;
                        if *n >= 2 && 3 * n >= 2 * all {
                            return Some(*r);
                        }
                    }
                    if !groupish {
                        return None;
                    }
                    main_group
                };
                if pass == 0 {
                    if let Some((_, _, r)) = found.filter(|_| !ambiguous) {
                        let words: Vec<&str> = label.split(' ').collect();
                        for w in words[..words.len() - 1].iter().filter(|w| is_agent(w)) {
                            learned.push((r, singular(w).into_owned()));
                        }
                    }
                    continue;
                }
                match found {
                    Some((_, _, r)) if !ambiguous => {
                        bump(&mut rows, r, source, label, *quoted, LinkRule::Anaphora, *n)
                    }
                    // Without story ids the "story" is the whole corpus: no
                    // referent is salient across it.
                    None if opts.rules.contains(&LinkRule::Salience)
                        && !story.is_empty()
                        && salient().is_some() =>
                    {
                        let r = salient().expect("checked");
                        bump(&mut rows, r, source, label, *quoted, LinkRule::Salience, *n)
                    }
                    _ => bump(
                        &mut rows,
                        UNRESOLVED,
                        source,
                        label,
                        *quoted,
                        LinkRule::Unresolved,
                        *n,
                    ),
                }
            }
            for (r, w) in learned {
                modifiers.entry(r).or_default().insert(w);
            }
        }
        let mut story_rows: Vec<_> = rows.into_iter().collect();
        story_rows.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let all_rules = LinkRule::LINKING.iter().chain([&LinkRule::Unresolved]);
        out.extend(story_rows.into_iter().map(
            |((referent, source, label, quoted), (count, bits))| {
                LabelRow {
                    story: story.to_string(),
                    referent: referent.to_string(),
                    source: source.to_string(),
                    label: label.to_string(),
                    voice: if quoted {
                        Voice::Quoted
                    } else {
                        Voice::Authorial
                    },
                    link: all_rules
                        .clone()
                        .filter(|r| bits & (1 << **r as u8) != 0)
                        .map(|r| r.as_str())
                        .collect::<Vec<_>>()
                        .join("+"),
                    count,
                }
            },
        ));
    }
    out
}
