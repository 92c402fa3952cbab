//! Corpus level: referents (names by several sources, aliases merged) and
//! the resolution of every label to one of them, or to `unresolved`.

use super::words::{adjective_stems, is_agent, is_demonym, is_group, is_organisation, singular};
use super::{LabelOptions, LabelRow, LinkRule, MentionKey, ReferentCounts};
use crate::text::Voice;
use rustc_hash::{FxHashMap, FxHashSet};

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
struct Referents<'a> {
    canon: FxHashMap<&'a str, &'a str>,
    display: FxHashMap<&'a str, &'a str>,
    /// Display names of groups: named after "the" (and not as a modifier)
    /// in at least a quarter of their mentions.
    groups: FxHashSet<&'a str>,
    /// Mentions per display name.
    mentions: FxHashMap<&'a str, u64>,
}

/// Per name key: (source or surface, count) pairs (each pair once).
type ByName<'a> = FxHashMap<&'a str, Vec<(&'a str, u64)>>;

fn referents_of<'a>(
    names: &ByName<'a>,
    surfaces: &ByName<'a>,
    definite: &FxHashMap<&'a str, u64>,
    min_sources: usize,
) -> Referents<'a> {
    let totals: FxHashMap<&str, u64> = names
        .iter()
        .map(|(k, s)| (*k, s.iter().map(|x| x.1).sum()))
        .collect();
    let total = |k: &str| totals.get(k).copied().unwrap_or(0);
    let mut keys: Vec<(usize, u64, &'a str)> = names
        .keys()
        .map(|k| (k.split(' ').count(), total(k), *k))
        .collect();
    keys.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(b.2)));
    // Canonical keys ("heads"), in the order above, indexed by what a
    // shorter alias of theirs can be: a run of their first or last words,
    // first and last around middle initials, their initials.
    let mut canon: FxHashMap<&'a str, &'a str> = FxHashMap::default();
    // (A run of a key's words is a slice of it, not a new string.)
    let mut index: FxHashMap<std::borrow::Cow<'a, str>, Vec<&'a str>> = FxHashMap::default();
    let mut spaces: Vec<usize> = Vec::new();
    let mut sources: FxHashMap<&'a str, FxHashSet<&'a str>> = FxHashMap::default();
    let mut initial_key = String::new();
    for &(_, _, k) in &keys {
        let words: Vec<&str> = k.split(' ').collect();
        let acronym = words.len() == 1
            && (2..=6).contains(&k.len())
            && surfaces[k].iter().any(|(s, _)| {
                s.chars()
                    .filter(|c| c.is_alphabetic())
                    .all(char::is_uppercase)
            });
        let mut found: Vec<&str> = index.get(k).cloned().unwrap_or_default();
        if acronym {
            initial_key.clear();
            initial_key.push('\u{1}');
            initial_key.push_str(k);
            found.extend(index.get(initial_key.as_str()).into_iter().flatten());
        }
        let target = found
            .into_iter()
            .max_by(|a, b| total(a).cmp(&total(b)).then(b.cmp(a)));
        let c = target.unwrap_or(k);
        if target.is_none() && !matches!(words.last(), Some(&("jr" | "sr" | "ii" | "iii"))) {
            // "Donald Trump Jr." is no head: not "Donald Trump".
            let n = words.len();
            spaces.clear();
            spaces.extend(k.match_indices(' ').map(|(p, _)| p));
            for l in 1..n {
                // The first l words, and the last l.
                index.entry(k[..spaces[l - 1]].into()).or_default().push(k);
                index
                    .entry(k[spaces[n - l - 1] + 1..].into())
                    .or_default()
                    .push(k);
            }
            if n >= 3 && words[1..n - 1].iter().all(|w| w.len() == 1) {
                index
                    .entry(format!("{} {}", words[0], words[n - 1]).into())
                    .or_default()
                    .push(k);
            }
            if n >= 2 {
                index
                    .entry(format!("\u{1}{}", initials(k)).into())
                    .or_default()
                    .push(k);
            }
        }
        canon.insert(k, c);
        sources
            .entry(c)
            .or_default()
            .extend(names[k].iter().map(|x| x.0));
    }
    let kept: FxHashSet<&str> = sources
        .iter()
        .filter(|(_, s)| s.len() >= min_sources)
        .map(|(k, _)| *k)
        .collect();
    canon.retain(|_, c| kept.contains(*c));
    // Shown by its most mentioned alias of two words or more (not by the
    // longest, which may carry a stray word: "U.S. James Comey"), among
    // the aliases several sources write when there are any (not by one
    // site's furniture: CNN's "ISIS Replay" video captions head the ISIS
    // mentions, but several sources write "ISIS").
    let rank = |k: &str| -> Rank {
        let shared = names[k].len() >= 2;
        let words = k.contains(' ');
        (shared && words, shared, words as u64 * total(k), total(k))
    };
    type Rank = (bool, bool, u64, u64);
    let mut best: FxHashMap<&str, (&str, Rank)> = FxHashMap::default();
    for (&k, &c) in &canon {
        let r = rank(k);
        let e = best.entry(c).or_insert((c, rank(c)));
        if r > e.1 || (r == e.1 && k < e.0) {
            *e = (k, r);
        }
    }
    let display: FxHashMap<&'a str, &'a str> = kept
        .iter()
        .map(|&k| {
            let shown = best.get(k).map_or(k, |b| b.0);
            let s = surfaces[shown]
                .iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
                .map_or(shown, |(s, _)| *s);
            (k, s)
        })
        .collect();
    let display_of = |k: &str| display.get(k).copied().unwrap_or_default();
    let mut the: FxHashMap<&str, (u64, u64)> = FxHashMap::default();
    for (&k, &c) in &canon {
        let e = the.entry(c).or_default();
        e.0 += definite.get(k).copied().unwrap_or(0);
        e.1 += total(k);
    }
    let groups = the
        .into_iter()
        .filter(|(_, (d, n))| 4 * d >= *n && *d > 0)
        .map(|(k, _)| display_of(k))
        .collect();
    let mut mentions: FxHashMap<&str, u64> = FxHashMap::default();
    for (&k, &c) in &canon {
        *mentions.entry(display_of(c)).or_default() += total(k);
    }
    Referents {
        canon,
        display,
        groups,
        mentions,
    }
}

/// The referents an adjective can be made from: by their alias keys and
/// those keys' singular ("democrats" → "democrat", "north korea"), and,
/// for groups, by the adjective as their first word or two ("democratic"
/// of "democratic party").
struct Adjectives<'a> {
    /// Alias keys and their singular → referents.
    by: FxHashMap<std::borrow::Cow<'a, str>, Vec<&'a str>>,
    /// The first word or two of groups' alias keys → referents.
    lead: FxHashMap<&'a str, Vec<&'a str>>,
}

impl<'a> Adjectives<'a> {
    fn of(refs: &Referents<'a>) -> Adjectives<'a> {
        let mut by: FxHashMap<std::borrow::Cow<'a, str>, Vec<&'a str>> = FxHashMap::default();
        let mut lead: FxHashMap<&'a str, Vec<&'a str>> = FxHashMap::default();
        for (&k, &c) in &refs.canon {
            let shown = refs.display[c];
            by.entry(k.into()).or_default().push(shown);
            let (front, last) = k.rsplit_once(' ').unwrap_or(("", k));
            let one = singular(last);
            if one != last {
                let whole = if front.is_empty() {
                    one.into_owned()
                } else {
                    format!("{front} {one}")
                };
                by.entry(whole.into()).or_default().push(shown);
            }
            if refs.groups.contains(shown) {
                let words: Vec<&str> = k.split(' ').collect();
                for l in 1..words.len().min(3) {
                    let first = &k[..words[..l].iter().map(|w| w.len() + 1).sum::<usize>() - 1];
                    lead.entry(first).or_default().push(shown);
                }
            }
        }
        Adjectives { by, lead }
    }

    /// The most mentioned referent `adj` can be made from.
    fn referent(&self, adj: &str, refs: &Referents<'a>) -> Option<&'a str> {
        adjective_stems(adj)
            .filter_map(|s| self.by.get(s))
            .chain(self.lead.get(adj))
            .flatten()
            .copied()
            .max_by(|a, b| {
                let n = |r: &str| refs.mentions.get(r).copied().unwrap_or(0);
                n(a).cmp(&n(b)).then(b.cmp(a))
            })
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

/// The label's words that can say what kind of referent it is (its head,
/// and a noun before "of").
fn label_heads(label: &str) -> impl Iterator<Item = &str> + '_ {
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

/// (source, label, quoted, candidates, count): an anaphor of a story.
type StoryAnaphor<'a> = (&'a str, &'a str, bool, &'a [(u32, String)], u64);

/// One story's entries of the counts.
#[derive(Default)]
struct Story<'a> {
    names: ByName<'a>,
    surfaces: ByName<'a>,
    definite: FxHashMap<&'a str, u64>,
    /// (name key, source, label, quoted, rule, count).
    links: Vec<(&'a str, &'a str, &'a str, bool, LinkRule, u64)>,
    /// (source, label, quoted, candidates, count).
    anaphors: Vec<StoryAnaphor<'a>>,
}

/// The counts split by story (each map's entries are unique, so nothing
/// is summed here; the order within a story does not matter below).
fn by_story(c: &ReferentCounts) -> Vec<(&str, Story<'_>)> {
    /// The stories in order of appearance, by name; the entries of a map
    /// mostly come in runs of one story (all of them without story ids),
    /// so the last one is kept at hand.
    #[derive(Default)]
    struct Stories<'a> {
        all: Vec<(&'a str, Story<'a>)>,
        index: FxHashMap<&'a str, usize>,
        last: Option<(&'a str, usize)>,
    }
    impl<'a> Stories<'a> {
        fn get(&mut self, story: &'a str) -> &mut Story<'a> {
            let i = match self.last {
                Some((s, i)) if s == story => i,
                _ => {
                    let n = self.all.len();
                    let i = *self.index.entry(story).or_insert(n);
                    if i == n {
                        self.all.push((story, Story::default()));
                    }
                    self.last = Some((story, i));
                    i
                }
            };
            &mut self.all[i].1
        }
    }
    let mut st = Stories::default();
    for ((story, k, s), n) in &c.names {
        st.get(story.as_str())
            .names
            .entry(k.as_str())
            .or_default()
            .push((s.as_str(), *n));
    }
    for ((story, k, s), n) in &c.surfaces {
        st.get(story.as_str())
            .surfaces
            .entry(k.as_str())
            .or_default()
            .push((s.as_str(), *n));
    }
    for ((story, k), n) in &c.definite {
        st.get(story.as_str()).definite.insert(k.as_str(), *n);
    }
    for ((story, k, source, label, quoted, rule), n) in &c.links {
        st.get(story.as_str()).links.push((
            k.as_str(),
            source.as_str(),
            label.as_str(),
            *quoted,
            *rule,
            *n,
        ));
    }
    for ((story, source, label, quoted, cands), n) in &c.anaphors {
        st.get(story.as_str()).anaphors.push((
            source.as_str(),
            label.as_str(),
            *quoted,
            cands.as_slice(),
            *n,
        ));
    }
    st.all
}

/// Where each label key of a run is resolved to (see
/// [`ReferentCounts::labels_resolved`](super::ReferentCounts::labels_resolved)):
/// per story, what its direct keys and its anaphors are linked to.
///
/// ```
/// use slant::features::referents::{LabelOptions, LinkRule, MentionKey, ReferentCounts, ReferentScratch};
/// use slant::text::Analyzed;
/// let (mut a, mut c, mut s) = (Analyzed::default(), ReferentCounts::default(), ReferentScratch::default());
/// s.record(true);
/// let mut keys = Vec::new();
/// for (source, text) in [("a", "Taliban fighters attacked."), ("b", "The Taliban are insurgents.")] {
///     a.analyze(text);
///     c.add_document_with(&a, source, None, &mut s);
///     keys.extend(s.labels().iter().map(|l| l.key.clone()));
/// }
/// let (_, res) = c.labels_resolved(&LabelOptions::default(), true);
/// assert_eq!(res.referent("", &keys[0]), Some(("Taliban", LinkRule::Premodifier)));
/// let nobody = MentionKey::Direct { key: "kabul".into(), rule: LinkRule::Title };
/// assert_eq!(res.referent("", &nobody), None);
/// ```
#[derive(Debug, Default, Clone)]
pub struct LabelResolution {
    stories: FxHashMap<String, StoryResolution>,
    /// Whether each story's aliases are kept (for `is_named`).
    pub(super) aliases: bool,
}

/// (label, candidates) of an anaphor → (referent, rule).
type AnaphorOutcomes = FxHashMap<(String, Vec<(u32, String)>), (String, LinkRule)>;

#[derive(Debug, Default, Clone)]
struct StoryResolution {
    /// Every alias key of the story's referents → the referent.
    aliases: FxHashMap<String, String>,
    /// (name key or adjective, by the adjective rule) → referent.
    direct: FxHashMap<(String, bool), String>,
    /// (label, candidates) → (referent, rule).
    anaphors: AnaphorOutcomes,
}

impl LabelResolution {
    /// Whether `referent` (of `story`) is one of `names` (alias keys, see
    /// [`referent_keys`]): its own key or one of its aliases in the story.
    ///
    /// ```
    /// use slant::features::referents::{referent_keys, LabelOptions, ReferentCounts};
    /// use slant::text::Analyzed;
    /// let (mut a, mut c) = (Analyzed::default(), ReferentCounts::default());
    /// for (s, t) in [("a", "North Korean leader Kim Jong Un spoke."), ("b", "Mr. Kim spoke.")] {
    ///     a.analyze(t);
    ///     c.add_document(&a, s, None);
    /// }
    /// let (_, res) = c.labels_resolved(&LabelOptions::default(), true);
    /// assert!(res.is_named("", "Kim Jong Un", &referent_keys(&["Kim".to_string()])));
    /// assert!(res.is_named("", "Kim Jong Un", &referent_keys(&["Kim Jong-Un".to_string()])));
    /// assert!(!res.is_named("", "Kim Jong Un", &referent_keys(&["Moon Jae-in".to_string()])));
    /// ```
    pub fn is_named(&self, story: &str, referent: &str, names: &[String]) -> bool {
        let own = super::discover::name_key(referent);
        names.iter().any(|n| {
            *n == own
                || self
                    .stories
                    .get(story)
                    .and_then(|st| st.aliases.get(n))
                    .is_some_and(|r| r == referent)
        })
    }

    /// The referent (and the rule) a label with `key` in `story` ("" without
    /// story ids) is linked to; `None` when it is `unresolved` (a name no
    /// referent, a rule not in use, an anaphor with no compatible referent).
    pub fn referent(&self, story: &str, key: &MentionKey) -> Option<(&str, LinkRule)> {
        let st = self.stories.get(story)?;
        match key {
            MentionKey::Direct { key, rule } => st
                .direct
                .get(&(key.clone(), *rule == LinkRule::Adjective))
                .map(|r| (r.as_str(), *rule)),
            MentionKey::Anaphor { label, candidates } => st
                .anaphors
                .get(&(label.clone(), candidates.clone()))
                .map(|(r, rule)| (r.as_str(), *rule)),
        }
    }
}

/// The alias keys of names as a lexicon writes them
/// ([`Family::referents`](crate::lexicon::Family::referents)), for
/// [`LabelResolution::is_named`].
///
/// ```
/// use slant::features::referents::referent_keys;
/// assert_eq!(referent_keys(&["the Taliban".into(), "Al-Qaeda".into()]), ["taliban", "al qaeda"]);
/// ```
pub fn referent_keys(names: &[String]) -> Vec<String> {
    names.iter().map(|n| super::discover::name_key(n)).collect()
}

pub(super) fn resolve(
    c: &ReferentCounts,
    opts: &LabelOptions,
    mut keep: Option<&mut LabelResolution>,
) -> Vec<LabelRow> {
    let by_story = by_story(c);
    let mut stories: Vec<(&str, &Story)> = by_story
        .iter()
        .filter(|(_, s)| !s.names.is_empty())
        .map(|(k, s)| (*k, s))
        .collect();
    stories.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut out: Vec<LabelRow> = Vec::new();
    for (story, parts) in stories {
        let refs = referents_of(
            &parts.names,
            &parts.surfaces,
            &parts.definite,
            opts.min_sources,
        );
        // (referent, source, label, quoted) → (count, rules as bits in
        // `LinkRule` order)
        let mut rows: Rows = Default::default();
        let mut res = keep.as_ref().map(|k| StoryResolution {
            aliases: match k.aliases {
                true => refs
                    .canon
                    .iter()
                    .filter_map(|(k, c)| Some((k.to_string(), refs.display.get(c)?.to_string())))
                    .collect(),
                false => FxHashMap::default(),
            },
            ..Default::default()
        });

        // Each alias key's display name, in one look-up.
        let shown_of: FxHashMap<&str, &str> = refs
            .canon
            .iter()
            .map(|(&k, c)| (k, refs.display[c]))
            .collect();
        let shown = |k: &str| shown_of.get(k).copied();
        // Direct links, and the heads each referent is called by.
        let mut heads: FxHashMap<&str, FxHashSet<&str>> = FxHashMap::default();
        // head → referent → direct links (for the salience rule).
        let mut called: FxHashMap<&str, FxHashMap<&str, u64>> = FxHashMap::default();
        // referent → the person or group words before the heads of its
        // labels ("insurgent" of "insurgent group").
        let mut modifiers: FxHashMap<&str, FxHashSet<std::borrow::Cow<str>>> = FxHashMap::default();
        let adjectives = Adjectives::of(&refs);
        for &(key, source, label, quoted, rule, n) in &parts.links {
            if !opts.rules.contains(&rule) {
                continue;
            }
            let referent = if rule == LinkRule::Adjective {
                adjectives.referent(key, &refs)
            } else {
                shown(key)
            };
            if let Some(r) = referent {
                if let Some(res) = res.as_mut() {
                    res.direct
                        .entry((key.to_string(), rule == LinkRule::Adjective))
                        .or_insert_with(|| r.to_string());
                }
                bump(&mut rows, r, source, label, quoted, rule, n);
                heads.entry(r).or_default().extend(label_heads(label));
                let words: Vec<&str> = label.split(' ').collect();
                modifiers.entry(r).or_default().extend(
                    words[..words.len() - 1]
                        .iter()
                        .filter(|w| is_agent(w))
                        .map(|w| singular(w)),
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
                .map(|r| (refs.mentions.get(r).copied().unwrap_or(0), *r))
                .collect();
            g.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
            match g.as_slice() {
                [(n, r)] if *n >= 2 => Some(*r),
                [(n, r), (m, _), ..] if *n >= 2 * m && *n >= 2 => Some(*r),
                _ => None,
            }
        };
        // Two passes: the first only learns the modifiers of the labels
        // that anaphora links ("insurgent group" → "the insurgents").
        for pass in 0..2 {
            let mut learned: Vec<(&str, std::borrow::Cow<str>)> = Vec::new();
            for &(source, label, quoted, cands, n) in &parts.anaphors {
                let mine: Vec<&str> = label_heads(label).collect();
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
                            learned.push((r, singular(w)));
                        }
                    }
                    continue;
                }
                let mut kept = |r: &str, rule: LinkRule| {
                    if let Some(res) = res.as_mut() {
                        res.anaphors
                            .entry((label.to_string(), cands.to_vec()))
                            .or_insert_with(|| (r.to_string(), rule));
                    }
                };
                match found {
                    Some((_, _, r)) if !ambiguous => {
                        kept(r, LinkRule::Anaphora);
                        bump(&mut rows, r, source, label, quoted, LinkRule::Anaphora, n)
                    }
                    // Without story ids the "story" is the whole corpus: no
                    // referent is salient across it.
                    None if opts.rules.contains(&LinkRule::Salience)
                        && !story.is_empty()
                        && salient().is_some() =>
                    {
                        let r = salient().expect("checked");
                        kept(r, LinkRule::Salience);
                        bump(&mut rows, r, source, label, quoted, LinkRule::Salience, n)
                    }
                    _ => bump(
                        &mut rows,
                        UNRESOLVED,
                        source,
                        label,
                        quoted,
                        LinkRule::Unresolved,
                        n,
                    ),
                }
            }
            for (r, w) in learned {
                modifiers.entry(r).or_default().insert(w);
            }
        }
        if let (Some(keep), Some(res)) = (keep.as_mut(), res) {
            keep.stories.insert(story.to_string(), res);
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
