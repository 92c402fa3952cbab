//! Publication dates as corpora write them, read into calendar days.
//!
//! [`parse_date`] recognises the formats news exports use and returns the
//! calendar day (`YYYY-MM-DD`; a time of day and a zone, when present, are
//! checked and then left out: the day is the one written, not converted to
//! another zone). A date that is not in one of these formats is
//! [`DateError::Unparseable`]; one that is, but names no day of the calendar
//! (`2020-02-30`, `0000-00-00`, `9999-99-99`, month 13, a weekday that
//! contradicts the day) or a year outside [`YEARS`] (placeholders such as
//! `0001-11-30` and `9999-12-31`) is [`DateError::Impossible`].
//!
//! | format | examples |
//! |---|---|
//! | ISO 8601, optionally with a time and zone | `2020-03-04`, `2020-3-4`, `2020/03/04`, `2020.03.04`, `20200304`, `2020-03-04T17:05:00Z`, `2020-03-04 17:05:00+01:00` |
//! | numeric, year last | `3/4/20`, `03/04/2020`, `3-4-2020` (month first); `13/4/2020` (day first: 13 is no month); `4.3.2020` (dots: day first) |
//! | RFC 2822 / day first | `Wed, 04 Mar 2020 17:05:00 +0000`, `4 March 2020`, `4th March 2020`, `04-Mar-2020` |
//! | month first, in words | `March 4, 2020`, `Mar. 4 2020`, `Wednesday, March 4th, 2020 5:05 PM EST` |
//!
//! Month and weekday names are English, in full or abbreviated (`Sept` too),
//! in any case. Two rules settle what the text does not say:
//! - **Two-digit years** follow the POSIX `strptime` pivot: `00`–`68` are
//!   2000–2068, `69`–`99` are 1969–1999.
//! - **Numeric day and month** with the year last are read month first
//!   (`3/4/20` is 4 March 2020, the US order), unless the first number
//!   cannot be a month and the second can (`13/4/20` is 13 April 2020);
//!   with dots (`4.3.2020`) the day comes first, the European convention.
//!
//! ```
//! use slant::corpus::date::{parse_date, DateError};
//! let d = parse_date("Wed, 04 Mar 2020 17:05:00 +0000").unwrap();
//! assert_eq!(d.to_string(), "2020-03-04");
//! assert_eq!(parse_date("7/23/17").unwrap().to_string(), "2017-07-23");
//! assert!(matches!(parse_date("2020-02-30"), Err(DateError::Impossible(_))));
//! assert_eq!(parse_date("last Tuesday"), Err(DateError::Unparseable));
//! ```

pub use jiff::civil::Date;
use jiff::civil::Weekday;
use std::fmt;
use std::ops::RangeInclusive;

/// The years a news article's date may carry: from the first printed
/// newspapers to well past any corpus. Dates outside are placeholders
/// (`0001-11-30` is how PHP and MySQL print the zero date `0000-00-00`;
/// `9999-12-31` is a "no end" marker) and count as impossible.
///
/// ```
/// use slant::corpus::date::{parse_date, YEARS};
/// assert!(YEARS.contains(&1605) && YEARS.contains(&2199));
/// assert!(parse_date("0001-11-30").is_err());
/// assert!(parse_date("9999-12-31").is_err());
/// ```
pub const YEARS: RangeInclusive<i16> = 1600..=2199;

/// Why a date could not be used.
///
/// ```
/// use slant::corpus::date::{parse_date, DateError};
/// assert_eq!(parse_date("soon").unwrap_err().to_string(), "not a date in a known format");
/// assert_eq!(
///     parse_date("2021-02-29").unwrap_err().to_string(),
///     "impossible date: February 2021 has 28 days"
/// );
/// assert!(parse_date("Tue, 04 Mar 2020").unwrap_err().to_string().contains("a Wednesday"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not in any of the formats [`parse_date`] knows.
    #[error("not a date in a known format")]
    Unparseable,
    /// In a known format, but no day of the calendar (or a year outside
    /// [`YEARS`]); the message says which part is wrong.
    #[error("impossible date: {0}")]
    Impossible(String),
}

/// Read a date as a corpus writes it (see the [module docs](self) for the
/// formats and the rules for two-digit years and day/month order) into its
/// calendar day. Leading and trailing whitespace is ignored.
///
/// It does not allocate unless the date is impossible (for the message).
///
/// ```
/// use slant::corpus::date::{parse_date, DateError};
/// for s in ["2020-03-04", "3/4/20", "March 4, 2020", "4 Mar 2020", "2020-03-04T23:59:59-05:00"] {
///     assert_eq!(parse_date(s).unwrap().to_string(), "2020-03-04", "{s}");
/// }
/// assert_eq!(parse_date("13/4/20").unwrap().to_string(), "2020-04-13");
/// for s in ["0000-00-00", "9999-99-99", "2020-02-30", "2/30/20", "2020-03-04T25:00"] {
///     assert!(matches!(parse_date(s), Err(DateError::Impossible(_))), "{s}");
/// }
/// for s in ["", "yesterday", "2020-03-04 and later", "1583280000", "2020-W10-3"] {
///     assert_eq!(parse_date(s), Err(DateError::Unparseable), "{s}");
/// }
/// ```
pub fn parse_date(s: &str) -> Result<Date, DateError> {
    let mut c = Cursor {
        s: s.trim().as_bytes(),
        i: 0,
    };
    let fields = match c.peek() {
        Some(b) if b.is_ascii_digit() => numeric_start(&mut c),
        Some(b) if b.is_ascii_alphabetic() => word_start(&mut c),
        _ => None,
    }
    .ok_or(DateError::Unparseable)?;
    let time = time_suffix(&mut c).ok_or(DateError::Unparseable)?;
    if !c.at_end() {
        return Err(DateError::Unparseable);
    }
    fields.validate(time)
}

/// The parts of a date as written, before they are checked.
struct Fields {
    year: u32,
    month: u32,
    day: u32,
    weekday: Option<Weekday>,
}

/// A time of day as written (hour, minute, second, whether AM/PM was
/// given, zone offset hours and minutes).
#[derive(Default)]
struct Time {
    hour: u32,
    minute: u32,
    second: u32,
    twelve_hour: bool,
    offset: (u32, u32),
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Fields {
    fn validate(self, time: Option<Time>) -> Result<Date, DateError> {
        let Fields {
            year,
            month,
            day,
            weekday,
        } = self;
        let bad = |m: String| Err(DateError::Impossible(m));
        if !(1..=12).contains(&month) {
            return bad(format!("there is no month {month}"));
        }
        // `year` has at most four digits, so it fits an i16.
        let y = year as i16;
        if !YEARS.contains(&y) {
            return bad(format!(
                "year {year} is outside {}-{} (a placeholder, not a publication date)",
                YEARS.start(),
                YEARS.end()
            ));
        }
        let first = Date::new(y, month as i8, 1).map_err(|_| DateError::Unparseable)?;
        let days = first.days_in_month() as u32;
        if day == 0 {
            return bad("there is no day 0".into());
        }
        if day > days {
            return bad(format!(
                "{} {year} has {days} days",
                MONTHS[month as usize - 1]
            ));
        }
        let date = Date::new(y, month as i8, day as i8).map_err(|_| DateError::Unparseable)?;
        if let Some(w) = weekday.filter(|&w| w != date.weekday()) {
            return bad(format!(
                "{date} is a {}, not a {}",
                weekday_name(date.weekday()),
                weekday_name(w)
            ));
        }
        if let Some(t) = time {
            let hours = if t.twelve_hour { 1..=12 } else { 0..=23 };
            if !hours.contains(&t.hour) || t.minute > 59 || t.second > 60 {
                return bad(format!(
                    "there is no time {}:{:02}:{:02}",
                    t.hour, t.minute, t.second
                ));
            }
            if t.offset.0 > 23 || t.offset.1 > 59 {
                return bad(format!(
                    "there is no zone offset {:02}:{:02}",
                    t.offset.0, t.offset.1
                ));
            }
        }
        Ok(date)
    }
}

fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

/// A byte cursor over the trimmed date text.
struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn at_end(&self) -> bool {
        self.i >= self.s.len()
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        self.i += hit as usize;
        hit
    }

    /// Skips spaces and tabs; whether there were any.
    fn spaces(&mut self) -> bool {
        let start = self.i;
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
        self.i > start
    }

    /// A run of ASCII digits: its value and length (at most 8 digits).
    fn number(&mut self) -> Option<(u32, usize)> {
        let start = self.i;
        let mut v = 0u32;
        while let Some(b) = self.peek().filter(u8::is_ascii_digit) {
            v = v.saturating_mul(10).saturating_add((b - b'0') as u32);
            self.i += 1;
        }
        let len = self.i - start;
        (1..=8).contains(&len).then_some((v, len))
    }

    /// Skips a run of ASCII digits of any length; whether there was one.
    fn digits(&mut self) -> bool {
        let start = self.i;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.i += 1;
        }
        self.i > start
    }

    /// A run of ASCII letters.
    fn word(&mut self) -> Option<&'a [u8]> {
        let start = self.i;
        while self.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
            self.i += 1;
        }
        (self.i > start).then(|| &self.s[start..self.i])
    }
}

/// A year of four digits, or two (with the POSIX pivot).
fn year_of((v, len): (u32, usize)) -> Option<u32> {
    match len {
        4 => Some(v),
        2 if v < 69 => Some(2000 + v),
        2 => Some(1900 + v),
        _ => None,
    }
}

/// A day of one or two digits, with an optional English ordinal suffix
/// (`4th`, `1st`).
fn day(c: &mut Cursor<'_>) -> Option<u32> {
    let (d, len) = c.number()?;
    if len > 2 {
        return None;
    }
    if c.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
        let w = c.word()?;
        let ok = ["st", "nd", "rd", "th"]
            .iter()
            .any(|s| w.eq_ignore_ascii_case(s.as_bytes()));
        if !ok {
            return None;
        }
    }
    Some(d)
}

fn month_name(w: &[u8]) -> Option<u32> {
    let m = MONTHS.iter().position(|name| {
        let name = name.as_bytes();
        w.eq_ignore_ascii_case(name) || (w.len() == 3 && w.eq_ignore_ascii_case(&name[..3]))
    });
    match m {
        Some(i) => Some(i as u32 + 1),
        None => w.eq_ignore_ascii_case(b"sept").then_some(9),
    }
}

fn weekday_of(w: &[u8]) -> Option<Weekday> {
    use Weekday::*;
    const NAMES: [(&str, Weekday); 7] = [
        ("monday", Monday),
        ("tuesday", Tuesday),
        ("wednesday", Wednesday),
        ("thursday", Thursday),
        ("friday", Friday),
        ("saturday", Saturday),
        ("sunday", Sunday),
    ];
    const SHORT: [(&str, Weekday); 3] =
        [("tues", Tuesday), ("thur", Thursday), ("thurs", Thursday)];
    NAMES
        .iter()
        .find(|(n, _)| {
            w.eq_ignore_ascii_case(n.as_bytes()) || w.eq_ignore_ascii_case(&n.as_bytes()[..3])
        })
        .or_else(|| {
            SHORT
                .iter()
                .find(|(n, _)| w.eq_ignore_ascii_case(n.as_bytes()))
        })
        .map(|&(_, d)| d)
}

/// After a month name: an optional `.`, then at least one space, or a
/// separator `-`/`/` given as `sep`.
fn after_month(c: &mut Cursor<'_>, sep: Option<u8>) -> Option<()> {
    match sep {
        Some(s) => c.eat(s).then_some(()),
        None => {
            c.eat(b'.');
            c.spaces().then_some(())
        }
    }
}

/// A date that starts with a digit: ISO (`2020-03-04`, `20200304`),
/// numeric with the year last (`3/4/20`), or day first in words
/// (`4 March 2020`, `04-Mar-2020`).
fn numeric_start(c: &mut Cursor<'_>) -> Option<Fields> {
    let (n1, l1) = c.number()?;
    let fields = |year, month, day| Fields {
        year,
        month,
        day,
        weekday: None,
    };
    match c.peek() {
        // ISO 8601 basic: YYYYMMDD.
        _ if l1 == 8 => Some(fields(n1 / 10_000, n1 / 100 % 100, n1 % 100)),
        Some(sep @ (b'-' | b'/' | b'.')) => {
            c.i += 1;
            if sep != b'.' && c.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
                // 04-Mar-2020
                if l1 > 2 {
                    return None;
                }
                let month = month_name(c.word()?)?;
                after_month(c, Some(sep))?;
                let year = year_of(c.number()?)?;
                return Some(fields(year, month, n1));
            }
            let (n2, l2) = c.number()?;
            if !c.eat(sep) {
                return None;
            }
            let (n3, l3) = c.number()?;
            match (l1, l2, l3) {
                (4, 1..=2, 1..=2) => Some(fields(n1, n2, n3)),
                (1..=2, 1..=2, 2 | 4) => {
                    let year = year_of((n3, l3))?;
                    if sep == b'.' || (n1 > 12 && n2 <= 12) {
                        Some(fields(year, n2, n1))
                    } else {
                        Some(fields(year, n1, n2))
                    }
                }
                _ => None,
            }
        }
        _ if l1 <= 2 => {
            // 4 March 2020, 4th March 2020.
            c.i -= l1;
            let d = day(c)?;
            c.spaces().then_some(())?;
            let month = month_name(c.word()?)?;
            after_month(c, None)?;
            let year = year_of(c.number()?)?;
            Some(fields(year, month, d))
        }
        _ => None,
    }
}

/// A date that starts with a word: an optional weekday, then the day first
/// (`Wed, 04 Mar 2020`) or the month first (`March 4, 2020`).
fn word_start(c: &mut Cursor<'_>) -> Option<Fields> {
    let mut w = c.word()?;
    let mut weekday = None;
    if let Some(wd) = weekday_of(w) {
        weekday = Some(wd);
        c.eat(b'.');
        c.eat(b',');
        c.spaces();
        if c.peek().is_some_and(|b| b.is_ascii_digit()) {
            let mut f = numeric_start(c)?;
            f.weekday = weekday;
            return Some(f);
        }
        w = c.word()?;
    }
    let month = month_name(w)?;
    after_month(c, None)?;
    let d = day(c)?;
    c.eat(b',');
    c.spaces().then_some(())?;
    let year = year_of(c.number()?)?;
    Some(Fields {
        year,
        month,
        day: d,
        weekday,
    })
}

/// What may follow the date: nothing, or a time of day (`T17:05`,
/// ` 17:05:00.123`, `, 5:05 p.m.`, ` at 5:05 PM`) with an optional zone
/// (`Z`, `+0100`, `-05:00`, `GMT`, `EST`, `+0000 (UTC)`). `None` when what
/// follows is something else; `Some(None)` when nothing follows.
fn time_suffix(c: &mut Cursor<'_>) -> Option<Option<Time>> {
    if c.at_end() {
        return Some(None);
    }
    if !c.eat(b'T') {
        c.eat(b',');
        c.spaces().then_some(())?;
        if c.s[c.i..].starts_with(b"at ") {
            c.i += 3;
            c.spaces();
        }
    }
    let mut t = Time::default();
    let (h, lh) = c.number()?;
    let two = |c: &mut Cursor<'_>| c.number().filter(|&(_, l)| l == 2).map(|(v, _)| v);
    if lh > 2 || !c.eat(b':') {
        return None;
    }
    t.hour = h;
    t.minute = two(c)?;
    if c.eat(b':') {
        t.second = two(c)?;
        if c.eat(b'.') || c.eat(b',') {
            c.digits().then_some(())?;
        }
    }
    c.spaces();
    // AM/PM: `pm`, `PM`, `p.m.`.
    if c.peek()
        .is_some_and(|b| matches!(b.to_ascii_lowercase(), b'a' | b'p'))
    {
        let rest = &c.s[c.i + 1..];
        let m = |i: usize| rest.get(i).is_some_and(|r| r.eq_ignore_ascii_case(&b'm'));
        let len = if m(0) {
            2
        } else if rest.first() == Some(&b'.') && m(1) && rest.get(2) == Some(&b'.') {
            4
        } else {
            0
        };
        let ends =
            !c.s.get(c.i + len)
                .is_some_and(|b| b.is_ascii_alphanumeric());
        if len > 0 && ends {
            c.i += len;
            t.twelve_hour = true;
            c.spaces();
        }
    }
    // Zone.
    match c.peek() {
        Some(b'+' | b'-') => {
            c.i += 1;
            let (v, l) = c.number()?;
            t.offset = match l {
                2 if c.eat(b':') => (v, two(c)?),
                2 => (v, 0),
                4 => (v / 100, v % 100),
                _ => return None,
            };
        }
        Some(b) if b.is_ascii_uppercase() => {
            let w = c.word()?;
            if w.len() > 5 || !w.iter().all(u8::is_ascii_uppercase) {
                return None;
            }
        }
        _ => {}
    }
    // An RFC 2822 comment naming the zone: `+0000 (UTC)`.
    c.spaces();
    if c.eat(b'(') {
        c.word()?;
        if !c.eat(b')') {
            return None;
        }
    }
    Some(Some(t))
}

/// Tallies of a run's dates: parsed, missing, unparseable and impossible,
/// with the range of the parsed ones and the first few problems (in input
/// order) as examples. Recorded in `run.json` as `dates`.
///
/// ```
/// use slant::corpus::Document;
/// use slant::corpus::date::DateStats;
/// let mut stats = DateStats::default();
/// for (id, date) in [("a", Some("2020-03-04")), ("b", Some("3/1/20")), ("c", None),
///                    ("d", Some("2020-02-30")), ("e", Some("soon"))] {
///     let mut doc = Document::new(id, "wire", "Text.");
///     doc.date = date.map(String::from);
///     stats.record(&doc);
/// }
/// assert_eq!((stats.parsed, stats.missing, stats.unparseable, stats.impossible), (2, 1, 1, 1));
/// let (lo, hi) = stats.range.unwrap();
/// assert_eq!((lo.to_string(), hi.to_string()), ("2020-03-01".into(), "2020-03-04".into()));
/// assert_eq!(stats.examples[0].id, "d");
/// assert_eq!(stats.examples[0].problem, "impossible date: February 2020 has 29 days");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DateStats {
    /// Documents whose date was read into a calendar day.
    pub parsed: u64,
    /// Documents without a date.
    pub missing: u64,
    /// Dates in no known format.
    pub unparseable: u64,
    /// Dates in a known format that name no day of the calendar.
    pub impossible: u64,
    /// Earliest and latest parsed dates.
    #[serde(skip)]
    pub range: Option<(Date, Date)>,
    /// The first [`DateStats::EXAMPLES`] dates that could not be used.
    pub examples: Vec<DateProblem>,
}

/// One date that could not be used, for `run.json` and stderr.
///
/// ```
/// use slant::corpus::Document;
/// use slant::corpus::date::DateStats;
/// let doc = Document::new("a1", "wire", "Text.").with_date("9999-99-99");
/// let mut stats = DateStats::default();
/// let p = stats.record(&doc).unwrap();
/// assert_eq!(p.to_string(), "(in memory): date \"9999-99-99\" not used: impossible date: there is no month 99");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DateProblem {
    /// Where the document came from (`FILE:LINE (record N)` or `FILE`).
    pub origin: String,
    /// The document's id.
    pub id: String,
    /// The date as read.
    pub date: String,
    /// What is wrong with it.
    pub problem: String,
}

impl fmt::Display for DateProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: date {:?} not used: {}",
            self.origin, self.date, self.problem
        )
    }
}

impl DateStats {
    /// Problems kept as examples.
    pub const EXAMPLES: usize = 10;

    /// Count one document's date; returns the problem when it is one of the
    /// first [`DateStats::EXAMPLES`] (so a caller can show it).
    ///
    /// ```
    /// use slant::corpus::Document;
    /// use slant::corpus::date::DateStats;
    /// let mut stats = DateStats::default();
    /// let ok = Document::new("a", "wire", "Text.").with_date("March 4, 2020");
    /// assert!(stats.record(&ok).is_none());
    /// assert_eq!(stats.parsed, 1);
    /// ```
    pub fn record(&mut self, doc: &crate::corpus::Document) -> Option<&DateProblem> {
        let Some(raw) = doc.date.as_deref() else {
            self.missing += 1;
            return None;
        };
        let e = match parse_date(raw) {
            Ok(d) => {
                self.range = Some(match self.range {
                    None => (d, d),
                    Some((lo, hi)) => (lo.min(d), hi.max(d)),
                });
                self.parsed += 1;
                return None;
            }
            Err(e) => e,
        };
        match e {
            DateError::Unparseable => self.unparseable += 1,
            DateError::Impossible(_) => self.impossible += 1,
        }
        if self.examples.len() >= Self::EXAMPLES {
            return None;
        }
        self.examples.push(DateProblem {
            origin: doc.origin.to_string(),
            id: doc.id.clone(),
            date: raw.to_string(),
            problem: e.to_string(),
        });
        self.examples.last()
    }

    /// Add the tallies of `later`, whose documents come after this one's
    /// in input order (its examples go after these, up to the limit).
    /// Returns the examples that were added.
    ///
    /// ```
    /// use slant::corpus::Document;
    /// use slant::corpus::date::DateStats;
    /// let (mut a, mut b) = (DateStats::default(), DateStats::default());
    /// a.record(&Document::new("1", "w", "T.").with_date("2020-01-02"));
    /// b.record(&Document::new("2", "w", "T.").with_date("2019-12-31"));
    /// b.record(&Document::new("3", "w", "T.").with_date("2019-13-01"));
    /// let added = a.merge(b);
    /// assert_eq!((added.len(), a.parsed, a.impossible), (1, 2, 1));
    /// assert_eq!(a.range.unwrap().0.to_string(), "2019-12-31");
    /// ```
    pub fn merge(&mut self, later: DateStats) -> &[DateProblem] {
        self.parsed += later.parsed;
        self.missing += later.missing;
        self.unparseable += later.unparseable;
        self.impossible += later.impossible;
        if let Some((lo, hi)) = later.range {
            self.range = Some(match self.range {
                None => (lo, hi),
                Some((a, b)) => (a.min(lo), b.max(hi)),
            });
        }
        let before = self.examples.len();
        let room = Self::EXAMPLES.saturating_sub(before);
        self.examples.extend(later.examples.into_iter().take(room));
        &self.examples[before..]
    }

    /// Dates that could not be used (unparseable or impossible).
    ///
    /// ```
    /// use slant::corpus::Document;
    /// use slant::corpus::date::DateStats;
    /// let mut stats = DateStats::default();
    /// stats.record(&Document::new("1", "w", "T.").with_date("0000-00-00"));
    /// assert_eq!(stats.problems(), 1);
    /// ```
    pub fn problems(&self) -> u64 {
        self.unparseable + self.impossible
    }

    /// The range as `YYYY-MM-DD` strings.
    ///
    /// ```
    /// use slant::corpus::Document;
    /// use slant::corpus::date::DateStats;
    /// let mut stats = DateStats::default();
    /// stats.record(&Document::new("1", "w", "T.").with_date("4 March 2020"));
    /// assert_eq!(stats.range_strings(), Some(("2020-03-04".into(), "2020-03-04".into())));
    /// ```
    pub fn range_strings(&self) -> Option<(String, String)> {
        self.range.map(|(a, b)| (a.to_string(), b.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ok(s: &str) -> String {
        match parse_date(s) {
            Ok(d) => d.to_string(),
            Err(e) => panic!("{s:?}: {e}"),
        }
    }

    #[test]
    fn formats_read_as_the_right_day() {
        let cases: &[(&str, &str)] = &[
            // ISO 8601 and its variants.
            ("2020-03-04", "2020-03-04"),
            ("  2020-03-04\t", "2020-03-04"),
            ("2020-3-4", "2020-03-04"),
            ("2020/03/04", "2020-03-04"),
            ("2020.03.04", "2020-03-04"),
            ("20200304", "2020-03-04"),
            ("2020-03-04T17:05:00Z", "2020-03-04"),
            ("2020-03-04T17:05Z", "2020-03-04"),
            ("2020-03-04T23:59:59.123456-05:00", "2020-03-04"),
            ("2020-03-04 17:05:00+01:00", "2020-03-04"),
            ("2020-03-04T12:00:00.123456789Z", "2020-03-04"),
            ("2020-03-04 17:05:00 +0100", "2020-03-04"),
            ("2020-03-04 00:30 UTC", "2020-03-04"),
            ("2016-09-20", "2016-09-20"),
            // Numeric, year last: month first unless it cannot be.
            ("7/23/17", "2017-07-23"),
            ("12/1/16", "2016-12-01"),
            ("3/4/20", "2020-03-04"),
            ("03/04/2020", "2020-03-04"),
            ("3-4-2020", "2020-03-04"),
            ("13/4/2020", "2020-04-13"),
            ("31/12/99", "1999-12-31"),
            ("4.3.2020", "2020-03-04"),
            ("04.03.20", "2020-03-04"),
            ("1/1/68", "2068-01-01"),
            ("1/1/69", "1969-01-01"),
            ("1/1/00", "2000-01-01"),
            // RFC 2822 and day first in words.
            ("Wed, 04 Mar 2020 17:05:00 +0000", "2020-03-04"),
            ("Wed, 4 Mar 2020 17:05:00 GMT", "2020-03-04"),
            ("Wed, 04 Mar 2020 17:05:00 +0000 (UTC)", "2020-03-04"),
            ("Wed, 04 Mar 20 17:05 -0500", "2020-03-04"),
            ("4 Mar 2020", "2020-03-04"),
            ("4 March 2020", "2020-03-04"),
            ("4th March 2020", "2020-03-04"),
            ("1st sept 2021", "2021-09-01"),
            ("04-Mar-2020", "2020-03-04"),
            ("04-MAR-20", "2020-03-04"),
            ("Wednesday 4 March 2020", "2020-03-04"),
            // Month first in words.
            ("March 4, 2020", "2020-03-04"),
            ("March 4 2020", "2020-03-04"),
            ("Mar. 4, 2020", "2020-03-04"),
            ("mar 4, 2020", "2020-03-04"),
            ("Sept. 30, 2019", "2019-09-30"),
            ("March 4th, 2020", "2020-03-04"),
            ("Wednesday, March 4, 2020", "2020-03-04"),
            ("Wed., March 4, 2020", "2020-03-04"),
            ("March 4, 2020 5:05 PM EST", "2020-03-04"),
            ("March 4, 2020, 5:05 p.m. ET", "2020-03-04"),
            ("March 4, 2020 at 5:05 pm", "2020-03-04"),
            ("Feb 29, 2020", "2020-02-29"),
        ];
        for (s, want) in cases {
            assert_eq!(ok(s), *want, "{s:?}");
        }
    }

    #[test]
    fn impossible_dates_say_why() {
        let cases: &[(&str, &str)] = &[
            ("0000-00-00", "no month 0"),
            ("9999-99-99", "no month 99"),
            ("2020-13-01", "no month 13"),
            ("2020-00-10", "no month 0"),
            ("2020-02-30", "February 2020 has 29 days"),
            ("2021-02-29", "February 2021 has 28 days"),
            ("2020-04-31", "April 2020 has 30 days"),
            ("2020-01-00", "no day 0"),
            ("March 44, 2020", "March 2020 has 31 days"),
            ("0001-11-30", "year 1 is outside"),
            ("9999-12-31", "year 9999 is outside"),
            ("1599-12-31", "year 1599 is outside"),
            ("2/30/20", "February 2020 has 29 days"),
            ("13/13/2020", "no month 13"),
            ("32/1/2020", "January 2020 has 31 days"),
            ("00000000", "no month 0"),
            ("Feb 30, 2020", "February 2020 has 29 days"),
            (
                "Tue, 04 Mar 2020 17:05:00 +0000",
                "is a Wednesday, not a Tuesday",
            ),
            ("Monday, March 4, 2020", "is a Wednesday, not a Monday"),
            ("2020-03-04T25:00:00Z", "no time 25:00:00"),
            ("2020-03-04T12:60Z", "no time 12:60:00"),
            ("March 4, 2020 13:05 PM", "no time 13:05:00"),
            ("2020-03-04T12:00+25:00", "no zone offset 25:00"),
        ];
        for (s, needle) in cases {
            match parse_date(s) {
                Err(DateError::Impossible(m)) => assert!(m.contains(needle), "{s:?}: {m}"),
                other => panic!("{s:?}: expected impossible ({needle}), got {other:?}"),
            }
        }
    }

    #[test]
    fn unknown_formats_are_unparseable() {
        for s in [
            "",
            " ",
            "-",
            "n/a",
            "unknown",
            "yesterday",
            "2020",
            "2020-03",
            "03/2020",
            "2020-03-04 and later",
            "2020-03-04x",
            "2020-03-04T",
            "2020-03-04T12",
            "2020-03-04 12:5",
            "2020-03-04 12:00 zulu time",
            "2020-03/04",
            "2020-003-04",
            "1583280000",
            "1583280000000",
            "2020-W10-3",
            "2020-064",
            "3/4",
            "3/4/020",
            "3/4/20202",
            "123/4/2020",
            "March 2020",
            "Marchy 4, 2020",
            "4 Smarch 2020",
            "4x March 2020",
            "Updated March 4, 2020",
            "Wed, 04 Mar",
            "Wed",
            "March4,2020",
            "２０２０-03-04",
            "2020‐03‐04",
            "99999999999999999999-01-01",
        ] {
            assert_eq!(parse_date(s), Err(DateError::Unparseable), "{s:?}");
        }
    }

    #[test]
    fn allsides_formats() {
        // The shapes seen in the allsides-news corpus's `date` key.
        for (s, want) in [
            ("2014-05-06", "2014-05-06"),
            ("9/28/16", "2016-09-28"),
            ("12/22/16", "2016-12-22"),
            ("4/4/17", "2017-04-04"),
            ("12/1/16", "2016-12-01"),
        ] {
            assert_eq!(ok(s), want);
        }
    }

    fn arb_date() -> impl Strategy<Value = Date> {
        (1600i16..=2199, 1i8..=12, 1i8..=31)
            .prop_filter_map("a day of the month", |(y, m, d)| Date::new(y, m, d).ok())
    }

    proptest! {
        #[test]
        fn every_format_round_trips(d in arb_date(), pm in any::<bool>()) {
            let (y, m, day) = (d.year(), d.month() as usize, d.day());
            let name = MONTHS[m - 1];
            let short = &name[..3];
            let wd = weekday_name(d.weekday());
            let hour = if pm { 5 } else { 17 };
            let forms = [
                format!("{d}"),
                format!("{y}/{m}/{day}"),
                format!("{y}{m:02}{day:02}"),
                format!("{d}T{hour:02}:05:00.5-03:30"),
                format!("{m}/{day}/{y}"),
                format!("{day}.{m}.{y}"),
                format!("{}, {day:02} {short} {y} 17:05:00 +0000", &wd[..3]),
                format!("{wd}, {name} {day}, {y} {hour}:05{}", if pm { " p.m." } else { "" }),
                format!("{day} {name} {y}"),
                format!("{day:02}-{short}-{y}"),
            ];
            for f in &forms {
                prop_assert_eq!(parse_date(f), Ok(d), "{}", f);
            }
            if (1969..2069).contains(&y) {
                let f = format!("{m}/{day}/{:02}", y % 100);
                prop_assert_eq!(parse_date(&f), Ok(d), "{}", f);
            }
            if day > 12 {
                let f = format!("{day}/{m}/{y}");
                prop_assert_eq!(parse_date(&f), Ok(d), "{}", f);
            }
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = parse_date(&s);
        }

        #[test]
        fn never_panics_on_date_like_text(s in "[0-9A-Za-z ,.:/+()-]{0,32}") {
            if let Ok(d) = parse_date(&s) {
                prop_assert!(YEARS.contains(&d.year()));
            }
        }
    }
}
