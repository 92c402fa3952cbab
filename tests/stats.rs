//! The statistical model end to end: story control and reproducibility.

mod common;

use common::*;
use std::path::Path;

/// Write a CSV corpus: (source, story, text) rows.
fn corpus(path: &Path, rows: &[(&str, &str, String)]) {
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record(["id", "source", "story", "text"]).unwrap();
    for (i, (s, k, t)) in rows.iter().enumerate() {
        w.write_record([&i.to_string(), *s, *k, t]).unwrap();
    }
    w.flush().unwrap();
}

/// Raw score, score interval, and story-adjusted (score, low, high).
type FamilyCells = (f64, Option<(f64, f64)>, Option<(f64, f64, f64)>);

fn family_row(dir: &Path, source: &str) -> FamilyCells {
    let (h, rows) = read_csv(&dir.join("sources.csv"));
    let row = rows.iter().find(|r| r[0] == source).unwrap();
    let f = |c: &str| cell(&h, row, c).parse::<f64>().ok();
    let raw = f("armed_group_raw_score").unwrap();
    let ci = f("armed_group_ci_low").zip(f("armed_group_ci_high"));
    let story = match (
        f("armed_group_story_adjusted_score"),
        f("armed_group_story_ci_low"),
        f("armed_group_story_ci_high"),
    ) {
        (Some(a), Some(b), Some(c)) => Some((a, b, c)),
        _ => None,
    };
    (raw, ci, story)
}

#[test]
fn different_stories_same_words_is_not_framing() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows = Vec::new();
    // A and C cover stories 1-3 and both say "terrorists"; B and D cover
    // stories 4-6 and both say "insurgents". A and B differ only because
    // they cover different stories.
    for k in 1..=3 {
        for s in ["A", "C"] {
            rows.push((
                s,
                ["s1", "s2", "s3"][k - 1],
                format!(
                    "The terrorists struck again. Officials said the terrorists fled. Story {k}."
                ),
            ));
        }
    }
    for k in 4..=6 {
        for s in ["B", "D"] {
            rows.push((
                s,
                ["s4", "s5", "s6"][k - 4],
                format!(
                    "The insurgents struck again. Officials said the insurgents fled. Story {k}."
                ),
            ));
        }
    }
    corpus(&dir.path().join("c.csv"), &rows);
    slant_ok(
        dir.path(),
        &[
            "analyze",
            "c.csv",
            "-o",
            "r",
            "--quiet",
            "--bootstrap",
            "200",
        ],
    );
    let r = dir.path().join("r");
    let (raw_a, _, story_a) = family_row(&r, "A");
    let (raw_b, _, story_b) = family_row(&r, "B");
    assert!(
        raw_a < raw_b - 0.5,
        "raw scores should differ: {raw_a} {raw_b}"
    );
    for (name, s) in [("A", story_a), ("B", story_b)] {
        let (score, lo, hi) = s.unwrap_or_else(|| panic!("{name} has no story-adjusted score"));
        assert!(score.abs() < 1e-9, "{name}: {score}");
        assert!(
            lo <= 0.0 && 0.0 <= hi,
            "{name}: interval [{lo}, {hi}] should cover 0"
        );
    }
}

#[test]
fn same_stories_different_words_is_framing() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows = Vec::new();
    for (i, k) in ["s1", "s2", "s3", "s4", "s5"].iter().enumerate() {
        let extra = if i % 2 == 0 {
            " Some called them insurgents."
        } else {
            ""
        };
        rows.push((
            "A",
            *k,
            format!("The terrorists attacked. The terrorists withdrew.{extra}"),
        ));
        rows.push((
            "B",
            *k,
            "The insurgents attacked. The insurgents withdrew.".to_string(),
        ));
    }
    corpus(&dir.path().join("c.csv"), &rows);
    slant_ok(
        dir.path(),
        &[
            "analyze",
            "c.csv",
            "-o",
            "r",
            "--quiet",
            "--bootstrap",
            "300",
        ],
    );
    let r = dir.path().join("r");
    let (_, ci_a, story_a) = family_row(&r, "A");
    let (_, ci_b, story_b) = family_row(&r, "B");
    let (sa, lo_a, hi_a) = story_a.unwrap();
    let (sb, lo_b, hi_b) = story_b.unwrap();
    assert!(sa < 0.0 && hi_a < 0.0, "A: {sa} [{lo_a}, {hi_a}]");
    assert!(sb > 0.0 && lo_b > 0.0, "B: {sb} [{lo_b}, {hi_b}]");
    // Raw-score intervals separate the two sources too.
    let (ci_a, ci_b) = (ci_a.unwrap(), ci_b.unwrap());
    assert!(ci_a.1 < ci_b.0, "{ci_a:?} {ci_b:?}");
    // terms.csv: each source's own label is its most distinctive variant.
    let (h, trows) = read_csv(&r.join("terms.csv"));
    let top = |s: &str| {
        trows
            .iter()
            .find(|x| {
                x[0] == s && cell(&h, x, "family") == "armed_group" && cell(&h, x, "rank") == "1"
            })
            .map(|x| cell(&h, x, "term").to_string())
            .unwrap()
    };
    assert_eq!(top("A"), "terrorist");
    assert_eq!(top("B"), "insurgent");
}

#[test]
fn seed_changes_intervals_but_not_point_estimates() {
    let dir = tempfile::tempdir().unwrap();
    // 40 documents per source with varied label mixes, so that bootstrap
    // quantiles depend on the resampling.
    let mut rows = Vec::new();
    for i in 0..40usize {
        let t = "The terrorists struck. ".repeat(1 + i % 3);
        let m = "The militants regrouped. ".repeat(i % 4);
        rows.push(("A", "s", format!("{t}{m}")));
        let r = "The rebels marched. ".repeat(1 + i % 5);
        rows.push(("B", "s", format!("{r}{m}")));
    }
    corpus(&dir.path().join("c.csv"), &rows);
    slant_ok(
        dir.path(),
        &["analyze", "c.csv", "-o", "a", "--quiet", "--seed", "1"],
    );
    slant_ok(
        dir.path(),
        &[
            "analyze",
            "c.csv",
            "-o",
            "b",
            "--quiet",
            "--seed",
            "1",
            "--threads",
            "1",
        ],
    );
    slant_ok(
        dir.path(),
        &["analyze", "c.csv", "-o", "c", "--quiet", "--seed", "2"],
    );
    let a = family_row(&dir.path().join("a"), "A");
    let b = family_row(&dir.path().join("b"), "A");
    let c = family_row(&dir.path().join("c"), "A");
    assert_eq!(a, b, "same seed, different thread count");
    assert_eq!(a.0, c.0, "point estimates do not depend on the seed");
    assert_ne!(a.1, c.1, "intervals come from the seeded bootstrap");
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("c/run.json")).unwrap())
            .unwrap();
    assert_eq!(run["options"]["estimators"]["seed"], 2);
    assert_eq!(run["options"]["estimators"]["bootstrap"], 1000);
}

/// Many one-document sources (issue 15: 50,000 of them gave a 493 MB
/// terms.csv): families.csv and terms.csv hold rows only for what a source
/// used and can be tested on, and run.json says what was left out.
#[test]
fn reports_grow_with_what_sources_used_not_with_the_lexicon() {
    let dir = tempfile::tempdir().unwrap();
    let labels = ["terrorists", "insurgents", "militants", "rebels"];
    let mut rows = Vec::new();
    for i in 0..120usize {
        let text = format!("The {} attacked the town, officials said.", labels[i % 4]);
        rows.push((format!("outlet{i:03}"), "s", text));
    }
    // One source with enough text for its n-grams to be tested.
    let long = "The rebels attacked the town again. Officials said the rebels fled. ".repeat(8);
    rows.push(("zz-long".to_string(), "s", long));
    let rows: Vec<(&str, &str, String)> = rows
        .iter()
        .map(|(s, k, t)| (s.as_str(), *k, t.clone()))
        .collect();
    corpus(&dir.path().join("c.csv"), &rows);
    slant_ok(
        dir.path(),
        &[
            "analyze",
            "c.csv",
            "-o",
            "r",
            "--quiet",
            "--bootstrap",
            "20",
            "--no-models",
        ],
    );
    let r = dir.path().join("r");
    let (fh, fams) = read_csv(&r.join("families.csv"));
    // Every row is a variant its source used; no source has more rows than
    // the variants it used.
    assert!(fams
        .iter()
        .all(|x| cell(&fh, x, "authorial_count") != "0" || cell(&fh, x, "quoted_count") != "0"));
    assert!(fams.len() <= 3 * rows.len(), "{} rows", fams.len());
    let (th, terms) = read_csv(&r.join("terms.csv"));
    let variants: Vec<&Vec<String>> = terms
        .iter()
        .filter(|x| cell(&th, x, "kind") == "variant")
        .collect();
    for x in &variants {
        // Only families the source matched, only variants someone used.
        let (src, fam) = (x[0].as_str(), cell(&th, x, "family"));
        assert!(
            fams.iter().any(|f| f[0] == src
                && cell(&fh, f, "family") == fam
                && cell(&fh, f, "authorial_count") != "0"),
            "{x:?}"
        );
        assert_ne!(
            cell(&th, x, "count").parse::<u64>().unwrap()
                + cell(&th, x, "count_rest").parse::<u64>().unwrap(),
            0,
            "{x:?}"
        );
    }
    // Four armed_group variants are used at all: each source has their
    // four rows, ranked 1 to 4, and none for the family's other variants.
    let armed = |x: &&&Vec<String>| x[0] == "outlet000" && cell(&th, x, "family") == "armed_group";
    let outlet0: Vec<&str> = variants
        .iter()
        .filter(armed)
        .map(|x| cell(&th, x, "term"))
        .collect();
    assert_eq!(outlet0.len(), 4, "{outlet0:?}");
    assert!(variants
        .iter()
        .filter(armed)
        .map(|x| cell(&th, x, "rank"))
        .eq(["1", "2", "3", "4"]));
    // N-grams are tested for the long source only.
    let ngram_sources: std::collections::BTreeSet<&str> = terms
        .iter()
        .filter(|x| cell(&th, x, "kind") == "ngram")
        .map(|x| x[0].as_str())
        .collect();
    assert_eq!(ngram_sources.into_iter().collect::<Vec<_>>(), ["zz-long"]);
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(r.join("run.json")).unwrap()).unwrap();
    let left = &run["left_out"];
    assert_eq!(left["ngram_sources"], 120);
    let families_left = left["families_rows"].as_u64().unwrap();
    let terms_left = left["terms_variant_rows"].as_u64().unwrap();
    let total = families_left + fams.len() as u64;
    assert_eq!(
        total % rows.len() as u64,
        0,
        "every source has one slot per variant"
    );
    assert_eq!(terms_left + variants.len() as u64, total);
    assert_eq!(run["options"]["estimators"]["min_source_tokens"], 50);
}
