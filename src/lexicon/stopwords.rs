//! slant's built-in English stop-words: left out of n-gram statistics,
//! of the words that name a source, and of the loaded-language word
//! features. Here, below the scorers and the estimators, so both read one
//! list.

/// The list, sorted (for binary search).
pub(crate) const STOPWORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been",
    "before", "but", "by", "can", "could", "did", "do", "does", "for", "from", "had", "has",
    "have", "he", "her", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "me",
    "more", "most", "my", "no", "not", "of", "on", "one", "or", "other", "our", "out", "over",
    "she", "so", "some", "than", "that", "the", "their", "them", "then", "there", "these", "they",
    "this", "those", "to", "up", "us", "was", "we", "were", "what", "when", "which", "who", "will",
    "with", "would", "you", "your",
];

/// Words of the built-in stop-word list (see [`is_stopword`]).
///
/// ```
/// assert!(slant::lexicon::stopwords::builtin_stopwords().contains(&"the"));
/// ```
pub fn builtin_stopwords() -> &'static [&'static str] {
    STOPWORDS
}

/// Whether every word of `term` is an English stop-word.
///
/// ```
/// use slant::lexicon::stopwords::is_stopword;
/// assert!(is_stopword("of the"));
/// assert!(!is_stopword("the taliban"));
/// ```
pub fn is_stopword(term: &str) -> bool {
    term.split(' ').all(|w| STOPWORDS.binary_search(&w).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopword_list_is_sorted_for_binary_search() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]));
    }
}
