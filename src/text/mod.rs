//! Text analysis: normalisation with an offset map, tokens with byte
//! offsets, sentences and quotation spans (voice).
//!
//! The usual entry point is [`Analyzed::analyze`], which runs all stages on
//! one document while reusing buffers across documents. All offsets are byte
//! offsets into the normalised text ([`Normalized::text`]); use
//! [`Normalized::to_original`] to map them back to the original.
//!
//! ```
//! use slant::text::{Analyzed, Voice};
//! let mut a = Analyzed::default();
//! a.analyze("Officials said “the strike was defensive.” Critics disagreed.");
//! let quoted: Vec<&str> = a
//!     .tokens
//!     .iter()
//!     .filter(|t| t.is_word() && t.voice == Voice::Quoted)
//!     .map(|t| t.text(&a.norm.text))
//!     .collect();
//! assert_eq!(quoted, ["the", "strike", "was", "defensive"]);
//! assert_eq!(a.sentences.len(), 2);
//! ```

use std::ops::Range;

pub mod normalize;
pub mod quote;
pub mod sentence;
pub mod tokenize;

pub use normalize::{normalize_into, Normalized};
pub use quote::quote_spans_into;
pub use sentence::{split_sentences_into, Sentence};
pub use tokenize::{tokenize_into, Token, TokenKind};

/// Which tokens and matches count: all of them, or only those in the
/// outlet's own voice (outside quotation marks). The learned scorers read
/// it from their model files.
///
/// ```
/// use slant::text::{Analyzed, VoiceFilter};
/// let mut a = Analyzed::default();
/// a.analyze("Critics called it \"a shameful betrayal\" on Monday.");
/// let kept = |f: VoiceFilter| -> Vec<&str> {
///     let text = a.norm.text.as_str();
///     (0..a.tokens.len())
///         .filter(|&i| f.keeps(a.voice_at(a.tokens[i].start)))
///         .map(|i| a.tokens[i].text(text))
///         .collect()
/// };
/// assert!(kept(VoiceFilter::All).contains(&"shameful"));
/// assert!(!kept(VoiceFilter::Authorial).contains(&"shameful"));
/// assert!(kept(VoiceFilter::Authorial).contains(&"Critics"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoiceFilter {
    /// Every token, quoted or not.
    All,
    /// Only the outlet's own voice (outside quotation marks).
    Authorial,
}

impl VoiceFilter {
    /// Whether a token or match of `voice` is kept.
    ///
    /// ```
    /// use slant::text::{Voice, VoiceFilter};
    /// assert!(!VoiceFilter::Authorial.keeps(Voice::Quoted));
    /// assert!(VoiceFilter::All.keeps(Voice::Quoted));
    /// ```
    pub fn keeps(self, voice: Voice) -> bool {
        self == VoiceFilter::All || voice == Voice::Authorial
    }
}

/// Whether a token is the outlet's own voice or inside a quotation.
///
/// ```
/// use slant::text::Voice;
/// assert!(Voice::Authorial < Voice::Quoted);
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Voice {
    /// The outlet's own words.
    Authorial,
    /// Inside a quotation.
    Quoted,
}

impl Voice {
    /// Lowercase name: `"authorial"` or `"quoted"`.
    ///
    /// ```
    /// use slant::text::Voice;
    /// assert_eq!(Voice::Authorial.as_str(), "authorial");
    /// assert_eq!(Voice::Quoted.as_str(), "quoted");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Voice::Authorial => "authorial",
            Voice::Quoted => "quoted",
        }
    }
}

/// All analysis of one document, with buffers reused across documents.
///
/// ```
/// use slant::text::Analyzed;
/// let mut a = Analyzed::default();
/// for doc in ["First doc. Two sentences.", "Second doc."] {
///     a.analyze(doc);
/// }
/// assert_eq!(a.norm.text, "Second doc.");
/// assert_eq!(a.tokens.len(), 3);
/// assert_eq!(a.sentences.len(), 1);
/// ```
#[derive(Debug, Default, Clone)]
pub struct Analyzed {
    /// The normalised text and its offset map.
    pub norm: Normalized,
    /// Tokens of `norm.text`, with [`Token::voice`] filled in.
    pub tokens: Vec<Token>,
    /// Sentences, partitioning `tokens` in order.
    pub sentences: Vec<Sentence>,
    /// Byte spans (in normalised text) of quotations, sorted, non-overlapping;
    /// span includes the quote marks.
    pub quotes: Vec<Range<u32>>,
}

impl Analyzed {
    /// Analyze `original` (replacing previous content, reusing allocations):
    /// normalise, tokenise, split sentences, find quotations and set each
    /// token's voice (`Quoted` if its start lies inside a quotation span).
    ///
    /// ```
    /// use slant::text::{Analyzed, Voice};
    /// let mut a = Analyzed::default();
    /// a.analyze("He said \"no\" twice.");
    /// let v: Vec<Voice> = a.tokens.iter().map(|t| t.voice).collect();
    /// assert_eq!(v[2..5], [Voice::Quoted; 3]);
    /// assert_eq!(v[5], Voice::Authorial);
    /// ```
    pub fn analyze(&mut self, original: &str) {
        normalize_into(original, &mut self.norm);
        let text = self.norm.text.as_str();
        let breaks = self.norm.paragraph_breaks();
        tokenize_into(text, &mut self.tokens);
        split_sentences_into(text, &self.tokens, breaks, &mut self.sentences);
        quote_spans_into(text, breaks, &mut self.quotes);
        let mut qi = 0usize;
        for t in &mut self.tokens {
            while self.quotes.get(qi).is_some_and(|q| q.end <= t.start) {
                qi += 1;
            }
            t.voice = match self.quotes.get(qi) {
                Some(q) if q.start <= t.start => Voice::Quoted,
                _ => Voice::Authorial,
            };
        }
    }

    /// Voice of the byte position `pos` (normalised text), by binary search
    /// in `quotes`.
    ///
    /// ```
    /// use slant::text::{Analyzed, Voice};
    /// let mut a = Analyzed::default();
    /// a.analyze("a \"b\" c");
    /// assert_eq!(a.voice_at(0), Voice::Authorial);
    /// assert_eq!(a.voice_at(3), Voice::Quoted);
    /// assert_eq!(a.voice_at(6), Voice::Authorial);
    /// ```
    pub fn voice_at(&self, pos: u32) -> Voice {
        let i = self.quotes.partition_point(|q| q.end <= pos);
        match self.quotes.get(i) {
            Some(q) if q.start <= pos => Voice::Quoted,
            _ => Voice::Authorial,
        }
    }

    /// Token indices of sentence `sentence` (empty if there is no such
    /// sentence), or of the whole text for `None`.
    ///
    /// ```
    /// use slant::text::Analyzed;
    /// let mut a = Analyzed::default();
    /// a.analyze("One two. Three.");
    /// assert_eq!(a.token_range(Some(1)), 3..5);
    /// assert_eq!(a.token_range(None), 0..5);
    /// assert_eq!(a.token_range(Some(9)), 0..0);
    /// ```
    pub fn token_range(&self, sentence: Option<u32>) -> std::ops::Range<usize> {
        match sentence {
            Some(s) => self
                .sentences
                .get(s as usize)
                .map_or(0..0, |s| s.first_token as usize..s.end_token as usize),
            None => 0..self.tokens.len(),
        }
    }

    /// Index of the sentence containing byte position `pos` (normalised
    /// text). A position between two sentences belongs to the following one,
    /// a position after the last sentence to the last one; 0 when there are
    /// no sentences.
    ///
    /// ```
    /// use slant::text::Analyzed;
    /// let mut a = Analyzed::default();
    /// a.analyze("One. Two. Three.");
    /// assert_eq!(a.sentence_at(0), 0);
    /// assert_eq!(a.sentence_at(5), 1);
    /// assert_eq!(a.sentence_at(4), 1);
    /// assert_eq!(a.sentence_at(999), 2);
    /// ```
    pub fn sentence_at(&self, pos: u32) -> u32 {
        let i = self.sentences.partition_point(|s| s.end <= pos);
        i.min(self.sentences.len().saturating_sub(1)) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check_invariants(orig: &str) -> Result<(), TestCaseError> {
        let mut a = Analyzed::default();
        a.analyze(orig);
        let text = a.norm.text.as_str();
        // Tokens: in bounds, on char boundaries, ordered, non-empty.
        let mut prev_end = 0;
        for t in &a.tokens {
            prop_assert!(t.start < t.end && t.end as usize <= text.len());
            prop_assert!(t.start >= prev_end);
            prop_assert!(text.is_char_boundary(t.start as usize));
            prop_assert!(text.is_char_boundary(t.end as usize));
            prev_end = t.end;
            prop_assert_eq!(t.voice, a.voice_at(t.start));
        }
        // to_original: in bounds, char boundaries, monotone.
        let mut last = 0..0;
        for p in (0..=text.len() + 1).filter(|&p| p > text.len() || text.is_char_boundary(p)) {
            let r = a.norm.to_original(p..p);
            let r2 = a.norm.to_original(0..p);
            let r3 = a.norm.to_original(p..text.len());
            for r in [&r, &r2, &r3] {
                prop_assert!(r.start <= r.end && r.end <= orig.len());
                prop_assert!(orig.is_char_boundary(r.start) && orig.is_char_boundary(r.end));
            }
            prop_assert!(r.start >= last.start);
            prop_assert!(r2.end >= last.end);
            last = r.start..r2.end;
        }
        for t in &a.tokens {
            let r = a.norm.to_original(t.start as usize..t.end as usize);
            prop_assert!(r.start < r.end);
        }
        // Idempotence.
        let mut again = Normalized::default();
        normalize_into(text, &mut again);
        prop_assert_eq!(&again.text, text);
        // Quotes sorted, non-overlapping, in bounds.
        let mut qend = 0;
        for q in &a.quotes {
            prop_assert!(q.start >= qend && q.start < q.end && q.end as usize <= text.len());
            qend = q.end;
        }
        // Sentences partition tokens.
        let mut next = 0;
        for s in &a.sentences {
            prop_assert_eq!(s.first_token, next);
            prop_assert!(s.end_token > s.first_token);
            let first = a.tokens[s.first_token as usize];
            let last = a.tokens[s.end_token as usize - 1];
            prop_assert_eq!((s.start, s.end), (first.start, last.end));
            next = s.end_token;
            prop_assert_eq!(
                a.sentence_at(s.start) as usize,
                a.sentences.iter().position(|x| x == s).unwrap_or(0)
            );
        }
        prop_assert_eq!(next as usize, a.tokens.len());
        // Breaks are newlines, sorted.
        let br = a.norm.paragraph_breaks();
        prop_assert!(br.windows(2).all(|w| w[0] < w[1]));
        prop_assert!(br
            .iter()
            .all(|&p| text.as_bytes().get(p as usize) == Some(&b'\n')));
        Ok(())
    }

    const TRICKY: &str = "[a-zA-Z0-9 .,!?'\"`\\-\n\r\t\u{a0}\u{ad}\u{200b}\u{feff}\u{2028}\
        “”‘’„«»″′–—−…ﬁ½éüÅ\u{301}\u{308}\u{323}¨´가\u{1100}\u{1161}\u{11a8}Ωｆ＂｀﹘🚀👍🏽]{0,60}";

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn invariants_tricky(s in TRICKY) {
            check_invariants(&s)?;
        }

        #[test]
        fn invariants_any(s in any::<String>()) {
            check_invariants(&s)?;
        }
    }

    #[test]
    fn voice_names() {
        assert_eq!(Voice::Quoted.as_str(), "quoted");
        assert_eq!(Voice::Authorial.as_str(), "authorial");
    }

    #[test]
    fn empty_document() {
        let mut a = Analyzed::default();
        a.analyze("");
        assert!(a.tokens.is_empty() && a.sentences.is_empty() && a.quotes.is_empty());
        assert_eq!(a.sentence_at(0), 0);
        assert_eq!(a.voice_at(0), Voice::Authorial);
    }

    /// Sanity check on the shared seed articles, if present.
    #[test]
    fn seeds() {
        let dir = std::path::Path::new("/work/shared/seeds");
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut a = Analyzed::default();
        for e in entries.flatten() {
            let path = e.path();
            if path.extension().and_then(|x| x.to_str()) != Some("txt") {
                continue;
            }
            let Ok(orig) = std::fs::read_to_string(&path) else {
                continue;
            };
            check_invariants(&orig).unwrap();
            a.analyze(&orig);
            let text = &a.norm.text;
            assert!(!a.tokens.is_empty(), "{path:?}");
            assert!(a.sentences.len() >= 5, "{path:?}");
            // Every word maps back to the same word in the original unless
            // normalisation changed it (curly apostrophes, ligatures).
            for t in a.tokens.iter().filter(|t| t.is_word()) {
                let w = t.text(text);
                let o = &orig[a.norm.to_original(t.start as usize..t.end as usize)];
                if !o.contains(['\u{2019}', '\u{2018}', '\u{ad}', '\u{200b}']) && o.is_ascii() {
                    assert_eq!(w, o, "{path:?}");
                }
            }
            // Sentences are not absurdly long and quotes stay within bounds.
            let quoted = a.tokens.iter().filter(|t| t.voice == Voice::Quoted).count();
            assert!(quoted < a.tokens.len(), "{path:?}: all tokens quoted");
            for s in &a.sentences {
                assert!(s.end_token - s.first_token < 200, "{path:?}");
            }
        }
    }
}
