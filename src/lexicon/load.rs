//! Parsers for the lexicon formats. Each returns *every* problem found, with
//! its line, rather than stopping at the first.

use super::{Category, Family, Problem, Term, Variant};
use serde::Deserialize;
use std::collections::HashMap;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlFile {
    #[serde(default)]
    family: Vec<TomlFamily>,
    #[serde(default)]
    category: Vec<TomlCategory>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlFamily {
    id: Spanned<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    about: Option<String>,
    #[serde(default)]
    referents: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    variant: Vec<TomlVariant>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlVariant {
    id: Spanned<String>,
    tone: Spanned<f64>,
    terms: Spanned<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlCategory {
    id: Spanned<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    about: Option<String>,
    terms: Spanned<Vec<Spanned<String>>>,
}

/// Byte offset → 1-based line.
fn line_of(content: &str, offset: usize) -> u32 {
    let end = offset.min(content.len());
    content.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u32
        + 1
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Tracks terms seen in one file so duplicates are reported with both lines.
#[derive(Default)]
struct Seen(HashMap<(String, bool), (u32, String)>);

impl Seen {
    fn check(&mut self, t: &Term, owner: &str, problems: &mut Vec<Problem>) {
        let key = (t.text.clone(), t.wildcard);
        if let Some((line, prev)) = self.0.get(&key) {
            problems.push(Problem {
                line: t.line,
                message: format!(
                    "duplicate term {:?} in {owner} (already at line {line} in {prev})",
                    t.display()
                ),
            });
        } else {
            self.0.insert(key, (t.line, owner.to_string()));
        }
    }
}

fn parse_terms(
    content: &str,
    raw: &Spanned<Vec<Spanned<String>>>,
    owner: &str,
    seen: &mut Seen,
    problems: &mut Vec<Problem>,
) -> Vec<Term> {
    let mut out = Vec::with_capacity(raw.get_ref().len());
    for s in raw.get_ref() {
        let line = line_of(content, s.span().start);
        match Term::parse(s.get_ref(), line) {
            Ok(t) => {
                seen.check(&t, owner, problems);
                out.push(t);
            }
            Err(message) => problems.push(Problem {
                line,
                message: format!("{owner}: {message}"),
            }),
        }
    }
    if raw.get_ref().is_empty() {
        problems.push(Problem {
            // The line of the empty `terms = [...]`.
            line: line_of(content, raw.span().start),
            message: format!("{owner} has no terms"),
        });
    }
    out
}

/// Parse the TOML lexicon format (see `data/lexicons/README.md`). Families
/// need at least one variant; tones must lie in `[-1, 1]`; ids are
/// snake_case and unique; a term may appear only once per family and once
/// per category.
///
/// On failure, every problem found is returned, sorted by line.
///
/// ```
/// use slant::lexicon::parse_toml;
/// let good = r#"
/// [[family]]
/// id = "armed_group"
/// [[family.variant]]
/// id = "rebel"
/// tone = 0.5
/// terms = ["rebels"]
/// [[category]]
/// id = "hedge"
/// terms = ["reportedly", "suggest*"]
/// "#;
/// let (families, categories) = parse_toml("mine.toml", good).unwrap();
/// assert_eq!(families[0].variants[0].tone, 0.5);
/// assert_eq!(categories[0].terms.len(), 2);
///
/// let bad = good.replace("tone = 0.5", "tone = 5.0");
/// let problems = parse_toml("mine.toml", &bad).unwrap_err();
/// assert_eq!(problems[0].line, 6);
/// assert!(problems[0].message.contains("outside [-1, 1]"));
/// ```
pub fn parse_toml(name: &str, content: &str) -> Result<(Vec<Family>, Vec<Category>), Vec<Problem>> {
    let file: TomlFile = match toml::from_str(content) {
        Ok(f) => f,
        Err(e) => {
            let line = e.span().map(|s| line_of(content, s.start)).unwrap_or(0);
            return Err(vec![Problem {
                line,
                message: e.message().trim().to_string(),
            }]);
        }
    };
    let mut problems = Vec::new();
    let mut families = Vec::new();
    let mut family_ids: HashMap<String, u32> = HashMap::new();
    for f in file.family {
        let line = line_of(content, f.id.span().start);
        let id = f.id.get_ref().clone();
        if !valid_id(&id) {
            problems.push(Problem {
                line,
                message: format!("family id {id:?} must be snake_case (a-z, 0-9, _)"),
            });
        }
        if let Some(prev) = family_ids.insert(id.clone(), line) {
            problems.push(Problem {
                line,
                message: format!("duplicate family id `{id}` (first at line {prev})"),
            });
        }
        if f.variant.is_empty() {
            problems.push(Problem {
                line,
                message: format!("family `{id}` has no variants"),
            });
        }
        let mut seen = Seen::default();
        let mut variant_ids: HashMap<String, u32> = HashMap::new();
        let mut variants = Vec::new();
        for v in f.variant {
            let vline = line_of(content, v.id.span().start);
            let vid = v.id.get_ref().clone();
            if !valid_id(&vid) {
                problems.push(Problem {
                    line: vline,
                    message: format!("variant id {vid:?} must be snake_case (a-z, 0-9, _)"),
                });
            }
            if let Some(prev) = variant_ids.insert(vid.clone(), vline) {
                problems.push(Problem {
                    line: vline,
                    message: format!(
                        "duplicate variant `{vid}` in family `{id}` (first at line {prev})"
                    ),
                });
            }
            let tone = *v.tone.get_ref();
            if !(-1.0..=1.0).contains(&tone) {
                problems.push(Problem {
                    line: line_of(content, v.tone.span().start),
                    message: format!("tone {tone} of `{id}.{vid}` is outside [-1, 1]"),
                });
            }
            let owner = format!("family `{id}` variant `{vid}`");
            let terms = parse_terms(content, &v.terms, &owner, &mut seen, &mut problems);
            variants.push(Variant {
                id: vid,
                tone,
                terms,
            });
        }
        let mut referents: Vec<String> = Vec::new();
        for r in f.referents.map(|r| r.into_inner()).unwrap_or_default() {
            let text = r.get_ref().trim();
            if text.is_empty() || text.contains('\t') {
                problems.push(Problem {
                    line: line_of(content, r.span().start),
                    message: format!(
                        "a referent of family `{id}` must be a name (not empty, no tabs)"
                    ),
                });
            } else if !referents.iter().any(|x| x == text) {
                referents.push(text.to_string());
            }
        }
        families.push(Family {
            name: f.name.unwrap_or_else(|| id.clone()),
            about: f.about.unwrap_or_default(),
            id,
            variants,
            referents,
            origin: name.to_string(),
        });
    }
    let mut categories = Vec::new();
    let mut category_ids: HashMap<String, u32> = HashMap::new();
    for c in file.category {
        let line = line_of(content, c.id.span().start);
        let id = c.id.get_ref().clone();
        if !valid_id(&id) {
            problems.push(Problem {
                line,
                message: format!("category id {id:?} must be snake_case (a-z, 0-9, _)"),
            });
        }
        if let Some(prev) = category_ids.insert(id.clone(), line) {
            problems.push(Problem {
                line,
                message: format!("duplicate category id `{id}` (first at line {prev})"),
            });
        }
        let mut seen = Seen::default();
        let owner = format!("category `{id}`");
        let terms = parse_terms(content, &c.terms, &owner, &mut seen, &mut problems);
        categories.push(Category {
            name: c.name.unwrap_or_else(|| id.clone()),
            about: c.about.unwrap_or_default(),
            id,
            terms,
            valence: false,
            origin: name.to_string(),
        });
    }
    if families.is_empty() && categories.is_empty() && problems.is_empty() {
        problems.push(Problem {
            line: 0,
            message: "no [[family]] or [[category]] tables found".into(),
        });
    }
    problems.sort_by_key(|p| p.line);
    if problems.is_empty() {
        Ok((families, categories))
    } else {
        Err(problems)
    }
}

/// Lines that are neither blank nor `#` comments, with 1-based numbers.
fn content_lines(content: &str) -> impl Iterator<Item = (u32, &str)> {
    content
        .lines()
        .enumerate()
        .map(|(i, l)| (i as u32 + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
}

/// Parse a plain word list (one term per line, `#` comments) into a
/// category named `id`.
///
/// ```
/// use slant::lexicon::parse_word_list;
/// let list = "# hedges\nReportedly\nsuggest*\n\nallegedly\n";
/// let cat = parse_word_list("hedges.txt", "hedge", list).unwrap();
/// assert_eq!(cat.id, "hedge");
/// let terms: Vec<String> = cat.terms.iter().map(|t| t.display()).collect();
/// assert_eq!(terms, ["reportedly", "suggest*", "allegedly"]);
/// assert_eq!(cat.terms[2].line, 5);
///
/// let problems = parse_word_list("x.txt", "x", "may\nmay\n").unwrap_err();
/// assert_eq!(problems[0].line, 2);
/// assert!(problems[0].message.starts_with("duplicate term"));
/// ```
pub fn parse_word_list(name: &str, id: &str, content: &str) -> Result<Category, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut seen = Seen::default();
    let owner = format!("category `{id}`");
    let mut terms = Vec::new();
    for (line, raw) in content_lines(content) {
        match Term::parse(raw, line) {
            Ok(t) => {
                seen.check(&t, &owner, &mut problems);
                terms.push(t);
            }
            Err(m) => problems.push(Problem { line, message: m }),
        }
    }
    if terms.is_empty() && problems.is_empty() {
        problems.push(Problem {
            line: 0,
            message: "word list has no terms".into(),
        });
    }
    if problems.is_empty() {
        Ok(Category {
            id: id.to_string(),
            name: id.to_string(),
            about: format!("word list {name}"),
            terms,
            valence: false,
            origin: name.to_string(),
        })
    } else {
        Err(problems)
    }
}

/// Whether a word list's first content line looks like `term<TAB>number`.
pub(super) fn looks_like_valence(content: &str) -> bool {
    content_lines(content).next().is_some_and(|(_, l)| {
        let mut it = l.split('\t');
        it.next().is_some() && it.next().is_some_and(|v| v.trim().parse::<f64>().is_ok())
    })
}

/// Parse a VADER-style valence list (`term<TAB>valence[<TAB>…]`) into a
/// valence category named `id`.
///
/// Extra tab-separated fields are ignored, and entries that are not
/// lower-case words (emoticons such as `:)`) are skipped.
///
/// ```
/// use slant::lexicon::parse_valence;
/// let list = "good\t1.9\t0.9\nbad\t-2.5\t0.6\n:)\t2.0\t0.5\n";
/// let cat = parse_valence("vader.txt", "sentiment", list).unwrap();
/// assert!(cat.valence);
/// let weights: Vec<(&str, f64)> = cat.terms.iter().map(|t| (t.text.as_str(), t.weight)).collect();
/// assert_eq!(weights, [("good", 1.9), ("bad", -2.5)]);
///
/// let problems = parse_valence("v.txt", "v", "good\tvery\n").unwrap_err();
/// assert_eq!(problems[0].line, 1);
/// ```
pub fn parse_valence(name: &str, id: &str, content: &str) -> Result<Category, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut seen = Seen::default();
    let owner = format!("category `{id}`");
    let mut terms = Vec::new();
    for (line, raw) in content_lines(content) {
        let mut fields = raw.split('\t');
        let term = fields.next().unwrap_or_default();
        let weight = match fields.next().map(|v| v.trim().parse::<f64>()) {
            Some(Ok(w)) if w.is_finite() => w,
            _ => {
                problems.push(Problem {
                    line,
                    message: format!("expected `term<TAB>valence`, found {raw:?}"),
                });
                continue;
            }
        };
        // Emoticons are skipped: they are rare in news text, their
        // punctuation collides with term syntax (`*`) and several differ
        // only by case (VADER lists "LOL" and "lol"). Words are lower-case
        // letters, apostrophes, hyphens and spaces.
        let is_word = term.chars().next().is_some_and(char::is_alphabetic)
            && term
                .chars()
                .all(|c| c.is_lowercase() || matches!(c, '\'' | '-' | ' '));
        if !is_word {
            continue;
        }
        match Term::parse(term, line) {
            Ok(mut t) => {
                // VADER itself repeats a few entries; the first wins.
                if seen.0.contains_key(&(t.text.clone(), t.wildcard)) {
                    continue;
                }
                t.weight = weight;
                seen.check(&t, &owner, &mut problems);
                terms.push(t);
            }
            Err(m) => problems.push(Problem { line, message: m }),
        }
    }
    if problems.is_empty() {
        Ok(Category {
            id: id.to_string(),
            name: id.to_string(),
            about: format!("valence list {name}"),
            terms,
            valence: true,
            origin: name.to_string(),
        })
    } else {
        Err(problems)
    }
}

/// Parse a LIWC-style `.dic` file: a header between `%` lines mapping
/// numbers to category names, then `term<TAB>number…` lines.
///
/// Category ids are the header names (the rest of the line after the
/// number) lower-cased, with other characters than ASCII letters and
/// digits replaced by `_`; two names that give one id, and a category
/// without terms, are problems. A term may belong to several categories.
///
/// ```
/// use slant::lexicon::parse_dic;
/// let dic = "%\n1\tPosEmo\n2\tNegEmo\n%\nhappy\t1\nsad*\t2\nbittersweet\t1\t2\n";
/// let cats = parse_dic("mine.dic", dic).unwrap();
/// let ids: Vec<&str> = cats.iter().map(|c| c.id.as_str()).collect();
/// assert_eq!(ids, ["posemo", "negemo"]);
/// assert_eq!(cats[0].terms.len(), 2);
/// assert!(cats[1].terms.iter().any(|t| t.text == "sad" && t.wildcard));
/// assert_eq!(parse_dic("s.dic", "%\n1\tPos Emo\n%\nglad\t1\n").unwrap()[0].id, "pos_emo");
///
/// let problems = parse_dic("bad.dic", "%\n1\tPosEmo\n%\nglad\t1\nhappy\t7\n").unwrap_err();
/// assert!(problems[0].message.contains("unknown category number 7"));
/// ```
pub fn parse_dic(name: &str, content: &str) -> Result<Vec<Category>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut lines = content_lines(content);
    match lines.next() {
        Some((_, l)) if l.trim() == "%" => {}
        Some((line, _)) => {
            return Err(vec![Problem {
                line,
                message: "a .dic file must start with a `%` line".into(),
            }])
        }
        None => {
            return Err(vec![Problem {
                line: 0,
                message: "empty .dic file".into(),
            }])
        }
    }
    let mut cats: Vec<LiwcCategory> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut header_done = false;
    for (line, raw) in lines.by_ref() {
        if raw.trim() == "%" {
            header_done = true;
            break;
        }
        // `number<TAB>name`; the name is the rest of the line.
        let (num, cat) = raw
            .trim()
            .split_once(char::is_whitespace)
            .map(|(n, c)| (n, c.trim()))
            .unwrap_or((raw.trim(), ""));
        if cat.is_empty() {
            problems.push(Problem {
                line,
                message: format!("expected `number name` in the header, found {raw:?}"),
            });
            continue;
        }
        if index.insert(num.to_string(), cats.len()).is_some() {
            problems.push(Problem {
                line,
                message: format!("category number {num} defined twice"),
            });
        }
        LiwcCategory::add(&mut cats, cat, line, &mut problems);
    }
    if !header_done {
        problems.push(Problem {
            line: 0,
            message: "the header is not closed by a second `%` line".into(),
        });
    }
    for (line, raw) in lines {
        let mut parts = raw.split('\t').filter(|p| !p.trim().is_empty());
        let Some(term) = parts.next() else { continue };
        let term = match Term::parse(term, line) {
            Ok(t) => t,
            Err(m) => {
                problems.push(Problem { line, message: m });
                continue;
            }
        };
        let mut any = false;
        for num in parts.flat_map(|p| p.split_whitespace()) {
            any = true;
            match index.get(num) {
                Some(&i) => cats[i].push(&term, &mut problems),
                None => problems.push(Problem {
                    line,
                    message: format!("unknown category number {num}"),
                }),
            }
        }
        if !any {
            problems.push(Problem {
                line,
                message: format!("term {:?} has no category numbers", term.display()),
            });
        }
    }
    LiwcCategory::finish(
        cats,
        &format!("LIWC-style dictionary {name}"),
        name,
        problems,
    )
}

/// A category id from a name as a LIWC dictionary writes it: lower-cased,
/// every character but ASCII letters and digits replaced by `_`.
fn category_id(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// A category of a LIWC `.dic` or `.dicx` dictionary while it is read.
struct LiwcCategory {
    id: String,
    /// The name as written.
    name: String,
    terms: Vec<Term>,
    seen: Seen,
    /// Where the category is defined (its header line).
    line: u32,
}

impl LiwcCategory {
    /// Add the category `name` defined at `line`; two names that give one
    /// id are a problem.
    fn add(cats: &mut Vec<LiwcCategory>, name: &str, line: u32, problems: &mut Vec<Problem>) {
        let id = category_id(name);
        if let Some(prev) = cats.iter().find(|c| c.id == id) {
            problems.push(Problem {
                line,
                message: format!(
                    "category {name:?} has the id `{id}` of category {:?} (line {})",
                    prev.name, prev.line
                ),
            });
        }
        cats.push(LiwcCategory {
            id,
            name: name.to_string(),
            terms: Vec::new(),
            seen: Seen::default(),
            line,
        });
    }

    /// Add `term` to the category (a term may appear once in it).
    fn push(&mut self, term: &Term, problems: &mut Vec<Problem>) {
        let owner = format!("category `{}`", self.id);
        self.seen.check(term, &owner, problems);
        self.terms.push(term.clone());
    }

    /// The categories, or every problem in line order (a category without
    /// terms is one, at its header line).
    fn finish(
        cats: Vec<LiwcCategory>,
        about: &str,
        file: &str,
        mut problems: Vec<Problem>,
    ) -> Result<Vec<Category>, Vec<Problem>> {
        for c in cats.iter().filter(|c| c.terms.is_empty()) {
            problems.push(Problem {
                line: c.line,
                message: format!("category {:?} has no terms", c.name),
            });
        }
        problems.sort_by_key(|p| p.line);
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(cats
            .into_iter()
            .map(|c| Category {
                id: c.id,
                name: c.name,
                about: about.to_string(),
                terms: c.terms,
                valence: false,
                origin: file.to_string(),
            })
            .collect())
    }
}

/// Parse a LIWC-22 `.dicx` dictionary: a CSV file whose header row is
/// `DicTerm,Category1,Category2,…` and whose rows are a term followed by an
/// `X` (either case) in the column of each category it belongs to, empty
/// elsewhere. Terms may end in a `*` wildcard, as in `.dic` files.
///
/// Category ids are made from the column names as in [`parse_dic`].
/// Weighted `.dicx` files (numbers instead of `X`) are refused: slant's
/// word categories count terms.
///
/// ```
/// use slant::lexicon::parse_dicx;
/// let dicx = "DicTerm,PosEmo,NegEmo\nhappy,X,\nsad*,,X\nbittersweet,X,X\n";
/// let cats = parse_dicx("mine.dicx", dicx).unwrap();
/// let ids: Vec<&str> = cats.iter().map(|c| c.id.as_str()).collect();
/// assert_eq!(ids, ["posemo", "negemo"]);
/// assert_eq!(cats[0].terms.len(), 2);
/// assert!(cats[1].terms.iter().any(|t| t.text == "sad" && t.wildcard));
///
/// let problems = parse_dicx("w.dicx", "DicTerm,PosEmo\nglad,X\nhappy,0.75\n").unwrap_err();
/// assert_eq!(problems[0].line, 3);
/// assert!(problems[0].message.contains("weighted"));
/// ```
pub fn parse_dicx(name: &str, content: &str) -> Result<Vec<Category>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(content.as_bytes());
    let mut records = rdr.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            return Err(vec![Problem {
                line: e.position().map_or(1, |p| p.line() as u32),
                message: format!("not a CSV file: {e}"),
            }])
        }
        None => {
            return Err(vec![Problem {
                line: 0,
                message: "empty .dicx file".into(),
            }])
        }
    };
    let header_line = header.position().map_or(1, |p| p.line() as u32);
    if header.len() < 2 {
        return Err(vec![Problem {
            line: header_line,
            message: "the header must be `DicTerm,Category1,Category2,…` (a term column, \
                      then one column per category)"
                .into(),
        }]);
    }
    let mut cats: Vec<LiwcCategory> = Vec::new();
    for cat in header.iter().skip(1) {
        let cat = cat.trim();
        if cat.is_empty() {
            problems.push(Problem {
                line: header_line,
                message: format!("column {} has no category name", cats.len() + 2),
            });
        }
        LiwcCategory::add(&mut cats, cat, header_line, &mut problems);
    }
    for rec in records {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                problems.push(Problem {
                    line: e.position().map_or(0, |p| p.line() as u32),
                    message: format!("unreadable CSV row: {e}"),
                });
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line() as u32);
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if rec.len() != header.len() {
            problems.push(Problem {
                line,
                message: format!("{} fields, the header has {}", rec.len(), header.len()),
            });
            continue;
        }
        let term = match Term::parse(&rec[0], line) {
            Ok(t) => t,
            Err(m) => {
                problems.push(Problem { line, message: m });
                continue;
            }
        };
        let mut any = false;
        for (cell, cat) in rec.iter().skip(1).zip(cats.iter_mut()) {
            match cell.trim() {
                "" => {}
                "X" | "x" => {
                    any = true;
                    cat.push(&term, &mut problems);
                }
                other => {
                    let weighted = other.parse::<f64>().is_ok();
                    problems.push(Problem {
                        line,
                        message: format!(
                            "cell {other:?} in column {:?}: expected `X` or nothing{}",
                            cat.name,
                            if weighted {
                                " (weighted .dicx dictionaries are not supported)"
                            } else {
                                ""
                            }
                        ),
                    });
                }
            }
        }
        if !any && !problems.iter().any(|p| p.line == line) {
            problems.push(Problem {
                line,
                message: format!("term {:?} has no category marked", term.display()),
            });
        }
    }
    LiwcCategory::finish(cats, &format!("LIWC-22 dictionary {name}"), name, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems_of(content: &str) -> Vec<Problem> {
        parse_toml("t.toml", content).err().unwrap_or_default()
    }

    #[test]
    fn toml_problems_are_reported_with_lines() {
        let cases: &[(&str, u32, &str)] = &[
            ("[[family]]\nid = \"a\"\n[[family.variant]]\nid = \"x\"\ntone = 2.0\nterms = [\"foo\"]\n", 5, "outside [-1, 1]"),
            ("[[family]]\nid = \"a\"\n[[family.variant]]\nid = \"x\"\ntone = 0.0\nterms = [\"foo\", \"\"]\n", 6, "empty term"),
            ("[[family]]\nid = \"a\"\n[[family.variant]]\nid = \"x\"\ntone = 0.0\nterms = [\"foo\",\n \"foo\"]\n", 7, "duplicate term"),
            ("[[family]]\nid = \"a\"\n[[family.variant]]\nid = \"x\"\ntone = 0.0\nterms = [\"*\"]\n", 6, "wildcard-only"),
            ("[[family]]\nid = \"a\"\n[[family.variant]]\nid = \"x\"\ntone = 0.0\nterms = [\"te*rm\"]\n", 6, "only allowed at the end"),
            ("[[family]]\nid = \"Bad Id\"\n[[family.variant]]\nid = \"x\"\ntone = 0.0\nterms = [\"a\"]\n", 2, "snake_case"),
            ("[[family]]\nid = \"a\"\n", 2, "no variants"),
            ("[[family]]\nid = \"a\"\n[[family.variant]]\nid = \"x\"\ntone = 0.0\n\nterms = []\n", 7, "has no terms"),
            ("[[category]]\nid = \"h\"\nabout = \"x\"\nterms = [\n]\n", 4, "has no terms"),
            ("[[category]]\nid = \"h\"\nterms = [\"may\"]\n[[category]]\nid = \"h\"\nterms = [\"might\"]\n", 5, "duplicate category id"),
            ("[[family]]\nid = \"a\"\nbogus = 1\n", 3, "unknown field"),
            ("[[family]\nid = \"a\"\n", 1, ""),
            ("", 0, "no [[family]]"),
        ];
        for (content, line, needle) in cases {
            let ps = problems_of(content);
            assert!(
                ps.iter()
                    .any(|p| p.line == *line && p.message.contains(needle)),
                "expected line {line} {needle:?} in {ps:?} for {content:?}"
            );
        }
    }

    #[test]
    fn duplicate_terms_across_variants_of_a_family_are_reported() {
        let ps = problems_of(
            "[[family]]\nid = \"a\"\n[[family.variant]]\nid = \"x\"\ntone = 0.0\nterms = [\"foo\"]\n[[family.variant]]\nid = \"y\"\ntone = 0.0\nterms = [\"Foo\"]\n",
        );
        assert_eq!(ps.len(), 1, "{ps:?}");
        assert_eq!(ps[0].line, 10);
    }

    #[test]
    fn every_problem_is_reported_not_just_the_first() {
        let ps = problems_of(
            "[[family]]\nid = \"a\"\n[[family.variant]]\nid = \"x\"\ntone = 5.0\nterms = [\"\", \"*\"]\n",
        );
        assert_eq!(ps.len(), 3, "{ps:?}");
    }

    #[test]
    fn word_list_and_valence() {
        let c = parse_word_list("w.txt", "w", "# comment\nmay\nappears to\n\nsuggest*\n").unwrap();
        assert_eq!(c.terms.len(), 3);
        assert!(c.terms[2].wildcard);
        let e = parse_word_list("w.txt", "w", "may\nmay\n").unwrap_err();
        assert_eq!(e[0].line, 2);
        let v = parse_valence("v.txt", "v", "good\t1.9\t0.5\nbad\t-2.5\n").unwrap();
        assert_eq!(v.terms[1].weight, -2.5);
        let e = parse_valence("v.txt", "v", "good\t1.9\nbad\tx\n").unwrap_err();
        assert_eq!(e[0].line, 2);
    }

    #[test]
    fn liwc22_dicx() {
        let dicx = "DicTerm,Pos Emo,NegEmo\n\"well,\nactually\",x,\nsad*,,X\n\n";
        let cats = parse_dicx("x.dicx", dicx).unwrap();
        assert_eq!(
            (cats[0].id.as_str(), cats[0].name.as_str()),
            ("pos_emo", "Pos Emo")
        );
        assert_eq!(cats[0].terms[0].text, "well, actually");
        assert_eq!(cats[0].terms[0].line, 2);
        assert_eq!(
            (cats[1].terms[0].wildcard, cats[1].terms[0].line),
            (true, 4)
        );
        // Lines follow the records, quoted line breaks included.
        let e = parse_dicx(
            "x.dicx",
            "DicTerm,A\n\"multi\nline\",X\nbad,Y\nmulti line,X\n",
        )
        .unwrap_err();
        let lines: Vec<u32> = e.iter().map(|p| p.line).collect();
        assert_eq!(lines, [4, 5], "{e:?}");
        assert!(
            e[1].message.contains("duplicate term \"multi line\""),
            "{e:?}"
        );
        assert!(parse_dicx("x.dicx", "").is_err());
        assert!(parse_dicx("x.dicx", "DicTerm,A,A\nx,X,X\n").unwrap_err()[0]
            .message
            .contains("has the id `a`"));
    }

    #[test]
    fn liwc_dic() {
        let dic = "%\n1\tposemo\n2\tnegemo\n%\nhappy*\t1\nsad\t2\nbitter\t2 1\n";
        let cats = parse_dic("x.dic", dic).unwrap();
        assert_eq!(cats.len(), 2);
        assert_eq!(cats[0].id, "posemo");
        assert_eq!(cats[0].terms.len(), 2);
        assert_eq!(cats[1].terms.len(), 2);
        let e = parse_dic("x.dic", "%\n1\tposemo\n%\nglad\t1\nhappy\t3\n").unwrap_err();
        assert_eq!(e[0].line, 5);
        assert!(parse_dic("x.dic", "1 a\n").is_err());
    }
}
