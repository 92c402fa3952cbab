//! The small word classes the link rules read: function words, verbs that
//! end a noun phrase, honorifics, titles, agent and group nouns, relational
//! nouns and demonyms. Shipped with slant, in English, and independent of
//! any event: they describe how English noun phrases are built, not what
//! any outlet wrote.

use rustc_hash::FxHashSet;

/// Determiners, pronouns, prepositions, conjunctions, auxiliaries and other
/// function words: they end a noun phrase (sorted, for binary search).
const FUNCTION: &[&str] = &[
    "a",
    "about",
    "above",
    "across",
    "after",
    "against",
    "all",
    "along",
    "also",
    "although",
    "am",
    "among",
    "an",
    "and",
    "another",
    "any",
    "are",
    "around",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "behind",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "either",
    "even",
    "every",
    "few",
    "for",
    "from",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "including",
    "inside",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "least",
    "less",
    "like",
    "many",
    "may",
    "me",
    "might",
    "more",
    "most",
    "much",
    "must",
    "my",
    "near",
    "neither",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "onto",
    "or",
    "other",
    "others",
    "our",
    "ours",
    "out",
    "outside",
    "over",
    "own",
    "per",
    "rather",
    "same",
    "several",
    "shall",
    "she",
    "should",
    "since",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "though",
    "through",
    "throughout",
    "thus",
    "to",
    "too",
    "toward",
    "towards",
    "under",
    "unless",
    "unlike",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "via",
    "vs",
    "was",
    "we",
    "were",
    "what",
    "whatever",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "yet",
    "you",
    "your",
    "yours",
];

/// Common verbs (and verb-like words) that end a noun phrase although they
/// look like nouns: reporting verbs, light verbs, their inflections.
const VERBS: &[&str] = &[
    "accused",
    "added",
    "admitted",
    "agreed",
    "announced",
    "appeared",
    "argued",
    "arrived",
    "asked",
    "asks",
    "became",
    "become",
    "becomes",
    "began",
    "begins",
    "believe",
    "believes",
    "called",
    "calls",
    "came",
    "claimed",
    "claims",
    "come",
    "comes",
    "continue",
    "continued",
    "continues",
    "declined",
    "denied",
    "denies",
    "described",
    "did",
    "does",
    "expected",
    "fired",
    "gave",
    "get",
    "gets",
    "give",
    "gives",
    "go",
    "goes",
    "got",
    "held",
    "hopes",
    "insisted",
    "know",
    "knows",
    "left",
    "made",
    "make",
    "makes",
    "meet",
    "meets",
    "met",
    "noted",
    "plans",
    "promised",
    "put",
    "remain",
    "remained",
    "remains",
    "reported",
    "said",
    "saw",
    "say",
    "says",
    "see",
    "sees",
    "seemed",
    "seems",
    "sent",
    "sought",
    "spoke",
    "stated",
    "suggested",
    "take",
    "takes",
    "talked",
    "tell",
    "tells",
    "think",
    "thinks",
    "told",
    "took",
    "tried",
    "tweeted",
    "wanted",
    "wants",
    "warned",
    "went",
    "wrote",
];

/// Honorifics: part of neither a name nor a label.
const HONORIFICS: &[&str] = &["dr", "miss", "mr", "mrs", "ms", "sir"];

/// Titles and heads that name a role (singular).
const TITLES: &[&str] = &[
    "adviser",
    "advisor",
    "ambassador",
    "attorney",
    "boss",
    "candidate",
    "captain",
    "chair",
    "chairman",
    "chairwoman",
    "chancellor",
    "chief",
    "colonel",
    "commander",
    "congressman",
    "congresswoman",
    "counsel",
    "delegate",
    "deputy",
    "director",
    "dictator",
    "emir",
    "envoy",
    "general",
    "gov",
    "governor",
    "head",
    "king",
    "leader",
    "lieutenant",
    "mayor",
    "minister",
    "monarch",
    "nominee",
    "official",
    "pope",
    "premier",
    "president",
    "prince",
    "prosecutor",
    "queen",
    "rep",
    "representative",
    "secretary",
    "sen",
    "senator",
    "sheikh",
    "speaker",
    "spokesman",
    "spokesperson",
    "spokeswoman",
    "strongman",
    "sultan",
    "supremo",
    "tycoon",
];

/// Nouns naming a group, an organisation or a body of people.
const GROUPS: &[&str] = &[
    "administration",
    "agency",
    "alliance",
    "army",
    "authorities",
    "authority",
    "bureau",
    "cabinet",
    "campaign",
    "caucus",
    "coalition",
    "committee",
    "company",
    "council",
    "crew",
    "establishment",
    "faction",
    "federation",
    "force",
    "forces",
    "gang",
    "government",
    "group",
    "insurgency",
    "junta",
    "leadership",
    "media",
    "militia",
    "ministry",
    "mob",
    "movement",
    "network",
    "organisation",
    "organization",
    "outfit",
    "party",
    "people",
    "police",
    "regime",
    "side",
    "state",
    "team",
    "troops",
    "union",
];

/// Nouns for people by what they do or are, not ending in an agent suffix.
const PERSONS: &[&str] = &[
    "activist",
    "ally",
    "boy",
    "child",
    "children",
    "citizen",
    "civilian",
    "convict",
    "crook",
    "defendant",
    "despot",
    "enemy",
    "felon",
    "fighter",
    "figure",
    "friend",
    "girl",
    "guy",
    "hardliner",
    "hero",
    "jihadi",
    "jihadist",
    "kid",
    "liar",
    "madman",
    "man",
    "member",
    "migrant",
    "militant",
    "official",
    "patriot",
    "person",
    "pirate",
    "puppet",
    "rebel",
    "refugee",
    "regime",
    "savage",
    "thug",
    "tyrant",
    "villain",
    "woman",
    "youth",
    "son",
    "daughter",
    "wife",
    "husband",
    "father",
    "mother",
    "brother",
    "sister",
    "uncle",
    "aunt",
    "cousin",
    "nephew",
    "niece",
    "widow",
    "partner",
    "colleague",
    "individual",
    "aide",
    "staff",
    "staffer",
    "employee",
    "associate",
    "agent",
    "lawyer",
    "attorney",
    "nominee",
    "appointee",
    "detainee",
    "trainee",
    "devotee",
    "suspect",
    "victim",
    "plaintiff",
    "spy",
    "chief",
    "ally",
    "candidate",
    "leader",
    "dotard",
    "host",
    "guest",
    "envoy",
    "emissary",
    "counterpart",
];

/// Nouns that, after a name, name someone else ("Trump supporters" are not
/// Trump): the premodifier rule does not link them.
const RELATIONAL: &[&str] = &[
    "adviser",
    "advisor",
    "aide",
    "ally",
    "associate",
    "attorney",
    "backer",
    "counterpart",
    "critic",
    "donor",
    "enemy",
    "fan",
    "foe",
    "friend",
    "lawyer",
    "loyalist",
    "nominee",
    "opponent",
    "pick",
    "rival",
    "spokesman",
    "spokesperson",
    "spokeswoman",
    "supporter",
    "sympathizer",
    "victim",
    "voter",
];

/// Words ending in an agent suffix that do not name people.
const NOT_AGENTS: &[&str] = &[
    "after",
    "answer",
    "april",
    "banner",
    "barrier",
    "border",
    "center",
    "chapter",
    "character",
    "corner",
    "cover",
    "dinner",
    "disaster",
    "doctor",
    "error",
    "ever",
    "factor",
    "favor",
    "fever",
    "finger",
    "filter",
    "floor",
    "former",
    "further",
    "government",
    "honor",
    "however",
    "hour",
    "humor",
    "later",
    "latter",
    "layer",
    "letter",
    "manner",
    "matter",
    "member",
    "minor",
    "mirror",
    "monitor",
    "never",
    "number",
    "october",
    "order",
    "other",
    "paper",
    "parameter",
    "power",
    "quarter",
    "rather",
    "register",
    "sector",
    "september",
    "shelter",
    "sister",
    "summer",
    "together",
    "tower",
    "trigger",
    "under",
    "water",
    "weather",
    "whether",
    "winter",
    "wonder",
    "december",
    "november",
    "neighbor",
    "interior",
    "terror",
    "recent",
    "current",
    "significant",
    "important",
    "different",
    "violent",
    "relevant",
    "urgent",
    "present",
    "apparent",
    "efficient",
    "prominent",
    "dominant",
    "constant",
    "extent",
    "event",
    "intent",
    "content",
    "percent",
    "accident",
    "incident",
    "evident",
    "silent",
    "frequent",
    "permanent",
    "transparent",
    "vacant",
    "distant",
    "elegant",
    "brilliant",
    "giant",
    "relevant",
    "consistent",
    "sufficient",
    "excellent",
    "latent",
    "patent",
    "talent",
    "moment",
    "cancer",
    "computer",
    "super",
    "proper",
    "upper",
    "inner",
    "outer",
    "bitter",
    "clever",
    "tender",
    "meanwhile",
    "offer",
    "lower",
    "bigger",
    "higher",
    "larger",
    "greater",
    "longer",
    "stronger",
    "earlier",
    "older",
    "newer",
    "closer",
    "harder",
    "tougher",
    "wider",
    "deeper",
    "faster",
    "dossier",
    "surrender",
    "server",
    "senior",
    "junior",
    "folder",
    "cluster",
    "headquarter",
    "premier",
];

/// Each list as a hash set, built once (the per-token look-ups are the hot
/// path of referent extraction).
macro_rules! word_set {
    ($name:ident, $list:ident) => {
        fn $name(w: &str) -> bool {
            use std::sync::OnceLock;
            static SET: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
            SET.get_or_init(|| $list.iter().copied().collect())
                .contains(w)
        }
    };
}

word_set!(in_honorifics, HONORIFICS);
word_set!(in_titles, TITLES);
word_set!(in_groups, GROUPS);
word_set!(in_persons, PERSONS);
word_set!(in_relational, RELATIONAL);
word_set!(in_not_agents, NOT_AGENTS);

/// [`WordClass::function`]: in `FUNCTION`.
const FUNCTION_BIT: u8 = 1;
/// [`WordClass::verb`]: in `VERBS`.
const VERB_BIT: u8 = 2;

/// What a word is for [`word_class`]: a function word, a verb that ends a
/// noun phrase, both or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct WordClass(u8);

impl WordClass {
    /// In `FUNCTION`.
    pub fn function(self) -> bool {
        self.0 & FUNCTION_BIT != 0
    }

    /// In `VERBS`.
    pub fn verb(self) -> bool {
        self.0 & VERB_BIT != 0
    }
}

/// The class of `w` (lower case): one look-up for both lists (run for
/// every word of every document).
pub(super) fn word_class(w: &str) -> WordClass {
    use std::sync::OnceLock;
    static MAP: OnceLock<(usize, rustc_hash::FxHashMap<&'static str, u8>)> = OnceLock::new();
    let (longest, map) = MAP.get_or_init(|| {
        let mut m = rustc_hash::FxHashMap::default();
        for w in FUNCTION {
            *m.entry(*w).or_default() |= FUNCTION_BIT;
        }
        for w in VERBS {
            *m.entry(*w).or_default() |= VERB_BIT;
        }
        (m.keys().map(|w| w.len()).max().unwrap_or(0), m)
    });
    if w.len() > *longest {
        return WordClass(0);
    }
    WordClass(map.get(w).copied().unwrap_or(0))
}

/// Whether `w` (lower case, without a final dot) is an honorific.
pub(super) fn is_honorific(w: &str) -> bool {
    in_honorifics(w.trim_end_matches('.'))
}

/// Whether `w` (lower case) names a role that can stand before a name.
pub(super) fn is_title(w: &str) -> bool {
    let w = w.trim_end_matches('.');
    in_titles(w) || in_titles(&singular(w))
}

/// `w` without a plural ending (`groups` → `group`, `militias` →
/// `militia`, `parties` → `party` is left as is: only `-s`).
pub(super) fn singular(w: &str) -> std::borrow::Cow<'_, str> {
    if let Some(s) = w.strip_suffix("ies").filter(|s| s.len() > 2) {
        return format!("{s}y").into();
    }
    if let Some(s) = w.strip_suffix("-in-law").and_then(|s| s.strip_suffix('s')) {
        return format!("{s}-in-law").into();
    }
    std::borrow::Cow::Borrowed(match w.strip_suffix('s') {
        Some(s) if s.len() > 2 && !s.ends_with('s') && !s.ends_with('u') && !s.ends_with('i') => s,
        _ => w,
    })
}

/// Whether `w` (lower case) names a group.
pub(super) fn is_group(w: &str) -> bool {
    in_groups(w) || in_groups(&singular(w))
}

/// Whether `w` (lower case) is a relational noun (see `RELATIONAL`).
pub(super) fn is_relational(w: &str) -> bool {
    in_relational(&singular(w))
}

/// Whether `w` (lower case) names someone on another side of the one it is
/// said of ("Russian allies" are not Russians; "Democratic donors" are
/// the Democrats' own).
pub(super) fn is_other_side(w: &str) -> bool {
    matches!(
        singular(w).as_ref(),
        "ally"
            | "enemy"
            | "foe"
            | "rival"
            | "opponent"
            | "critic"
            | "counterpart"
            | "victim"
            | "pick"
            | "nominee"
            | "friend"
            | "hostage"
            | "prisoner"
            | "captive"
    )
}

/// The stems an adjective of a name can be made from ("north korean" →
/// "north korea", "democratic" → "democrat", "iranian" → "iran").
pub(super) fn adjective_stems(adj: &str) -> impl Iterator<Item = &str> {
    ["", "n", "an", "ian", "ic", "i", "ese", "ish"]
        .into_iter()
        .filter_map(move |suffix| adj.strip_suffix(suffix))
        .filter(|s| s.len() >= 4)
}

/// Whether `w` (lower case) can name a person or a group: a title, a group
/// noun, a person noun, or a word with an agent suffix (`-er`, `-or`,
/// `-ist`, `-ian`, `-ant`, `-ent` but not `-ment`, `-man`, `-men`).
pub(super) fn is_agent(w: &str) -> bool {
    let s = singular(w);
    let s = s.as_ref();
    if is_title(s) || is_group(w) || in_persons(s) || in_persons(w) {
        return true;
    }
    if s.len() < 5 || in_not_agents(s) || !s.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
        return false;
    }
    let ends = |x: &str| s.ends_with(x);
    (ends("er")
        || ends("or")
        || ends("ist")
        || ends("ian")
        || ends("ant")
        || ends("ent")
        || ends("man")
        || ends("men")
        || ends("-in-law"))
        && !ends("ment")
        && !ends("ever")
        && !ends("ether")
}

/// Whether a capitalised word is an adjective of origin or belief
/// ("Korean", "French", "Islamist"): a sequence ending in one modifies a
/// noun instead of naming a referent.
pub(super) fn is_demonym(w: &str) -> bool {
    const LIST: &[&str] = &[
        "afghan",
        "arab",
        "british",
        "dutch",
        "french",
        "greek",
        "iraqi",
        "irish",
        "israeli",
        "jewish",
        "kurdish",
        "pakistani",
        "saudi",
        "scottish",
        "swiss",
        "thai",
        "welsh",
        "yemeni",
        "qatari",
        "kuwaiti",
        "emirati",
        "somali",
        "bangladeshi",
        "nepali",
    ];
    let l: std::borrow::Cow<str> = if w.bytes().any(|b| b.is_ascii_uppercase()) || !w.is_ascii() {
        w.to_lowercase().into()
    } else {
        w.into()
    };
    // "Iranian-backed", "Hamas-linked", "Syria-based": adjectives.
    const MADE: &[&str] = &[
        "-backed",
        "-linked",
        "-based",
        "-led",
        "-allied",
        "-affiliated",
        "-inspired",
        "-aligned",
        "-run",
    ];
    MADE.iter().any(|m| l.ends_with(m))
        || LIST.contains(&l.as_ref())
        || ["ese", "ean", "ian", "ican", "ish", "ic", "ist"]
            .iter()
            .any(|s| l.ends_with(s) && l.len() > s.len() + 2)
}

/// Whether `w` (lower case) is a copula.
pub(super) fn is_copula(w: &str) -> bool {
    matches!(
        w,
        "is" | "are" | "was" | "were" | "remains" | "remain" | "became" | "becomes"
    )
}

/// Whether `w` (lower case) is a definite determiner (opens an anaphor;
/// not "that", mostly a conjunction: "fears that terror groups …").
pub(super) fn is_definite(w: &str) -> bool {
    matches!(w, "the" | "this" | "these" | "those")
}

/// Whether `w` (lower case) coordinates or contrasts: a noun phrase right
/// after one is about another referent.
pub(super) fn is_coordinator(w: &str) -> bool {
    matches!(
        w,
        "and"
            | "or"
            | "nor"
            | "but"
            | "than"
            | "unlike"
            | "versus"
            | "vs"
            | "not"
            | "other"
            | "another"
    )
}

/// Day and month names: capitalised but not names of referents.
pub(super) fn is_calendar(w: &str) -> bool {
    const LIST: &[&str] = &[
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    LIST.iter().any(|d| d.eq_ignore_ascii_case(w))
}

/// Whether `w` (lower case) counts ("two", "both", "dozens"): a phrase with
/// one names several referents.
pub(super) fn is_number_word(w: &str) -> bool {
    matches!(
        w,
        "two"
            | "three"
            | "four"
            | "five"
            | "six"
            | "seven"
            | "eight"
            | "nine"
            | "ten"
            | "both"
            | "dozens"
            | "hundreds"
            | "thousands"
            | "millions"
            | "several"
            | "many"
            | "few"
    ) || w.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `w` (lower case) is a collective noun that a name can head
/// ("the Kim regime", "the Taliban leadership").
pub(super) fn is_collective(w: &str) -> bool {
    matches!(
        w,
        "regime" | "leadership" | "militia" | "junta" | "faction" | "dynasty"
    )
}

/// Whether `w` (lower case) names an organised group that an anaphor can
/// call a group referent by ("the group", "the organization"), as opposed
/// to a state's bodies ("the government", "the forces").
pub(super) fn is_organisation(w: &str) -> bool {
    matches!(
        w,
        "group"
            | "organization"
            | "organisation"
            | "movement"
            | "militia"
            | "network"
            | "outfit"
            | "faction"
            | "regime"
            | "insurgency"
            | "party"
            | "committee"
            | "alliance"
            | "coalition"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_class_is_both_lists() {
        // Every listed word has its list's bit, and nothing else has one.
        for w in FUNCTION {
            assert!(word_class(w).function(), "{w}");
            assert_eq!(word_class(w).verb(), VERBS.contains(w), "{w}");
        }
        for w in VERBS {
            assert!(word_class(w).verb(), "{w}");
        }
        for w in ["taliban", "group", "", "notwithstandingly-long-word", "The"] {
            assert_eq!(word_class(w), WordClass(0), "{w}");
        }
    }

    #[test]
    fn function_words_are_sorted() {
        assert!(
            FUNCTION.windows(2).all(|w| w[0] < w[1]),
            "FUNCTION must be sorted"
        );
    }

    #[test]
    fn agent_nouns() {
        for w in [
            "insurgents",
            "fighters",
            "militant",
            "dictator",
            "group",
            "regime",
            "leader",
            "president",
            "terrorists",
            "chairman",
        ] {
            assert!(is_agent(w), "{w}");
        }
        for w in ["water", "statement", "attack", "border", "former", "recent"] {
            assert!(!is_agent(w), "{w}");
        }
    }

    #[test]
    fn demonyms() {
        assert!(is_demonym("Korean") && is_demonym("Japanese") && is_demonym("French"));
        assert!(!is_demonym("Taliban") && !is_demonym("Trump") && !is_demonym("Kim"));
    }
}
