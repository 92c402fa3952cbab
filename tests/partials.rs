//! `slant extract --partial` and `slant merge`: the merged reports are
//! `analyze`'s, whatever the order and grouping of the partials; partials
//! that do not fit together, or are damaged, are refused.

mod common;

use common::*;
use proptest::prelude::*;
use slant::app::{analyze, extract_partial, merge_partials, RunOptions};
use std::path::{Path, PathBuf};

const CSVS: &[&str] = &[
    "documents.csv",
    "evidence.csv",
    "rejected.csv",
    "sentences.csv",
    "sources.csv",
    "sources_long.csv",
    "families.csv",
    "terms.csv",
    "boilerplate.csv",
    "labels.csv",
    "referent_families.csv",
];

/// Sentences to build articles from; the last is site furniture that
/// repeats across one outlet's articles (boilerplate).
const SENTENCES: &[&str] = &[
    "Militants attacked the border post before dawn.",
    "Rebels seized the northern town after a long siege.",
    "Officials said the insurgents had retreated into the hills.",
    "The regime denied that its troops had fired on protesters.",
    "Terrorists claimed the bombing, the ministry said.",
    "Freedom fighters held the bridge, according to local residents.",
    "Critics slammed the disastrous plan as reckless.",
    "Taliban fighters seized the northern town of Kestria.",
    "The Taliban, an Islamist militant group, denied the attack.",
    "North Korean dictator Kim Jong Un met the envoy.",
    "The government announced new talks with the armed group.",
    "Sign up for our daily newsletter to read more.",
];

/// `n` articles over three outlets, each a few of [`SENTENCES`]; every
/// `ledger` article ends with the newsletter line, and some records are
/// rejected (empty text).
fn articles(n: usize, seed: u64) -> Vec<(String, String, String, String)> {
    let sources = ["ledger", "northern post", "beacon"];
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = |m: usize| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((x >> 33) % m as u64) as usize
    };
    (0..n)
        .map(|i| {
            let source = sources[next(3)];
            let k = 1 + next(4);
            let mut text: Vec<&str> = (0..k)
                .map(|_| SENTENCES[next(SENTENCES.len() - 1)])
                .collect();
            if source == "ledger" {
                text.push(SENTENCES[SENTENCES.len() - 1]);
            }
            let text = if next(9) == 0 {
                String::new()
            } else {
                text.join(" ")
            };
            let story = format!("s{}", next(3));
            (format!("{i}"), source.to_string(), story, text)
        })
        .collect()
}

fn write_csv(path: &Path, rows: &[(String, String, String, String)]) {
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record(["id", "source", "story", "text"]).unwrap();
    for (id, source, story, text) in rows {
        w.write_record([id, source, story, text]).unwrap();
    }
    w.flush().unwrap();
}

/// Shards `shard-1.csv` … of the articles, cut at `cuts`.
fn shards(dir: &Path, rows: &[(String, String, String, String)], cuts: &[usize]) -> Vec<PathBuf> {
    let mut at = 0;
    let mut out = Vec::new();
    for (i, &end) in cuts.iter().chain([rows.len()].iter()).enumerate() {
        let p = dir.join(format!("shard-{}.csv", i + 1));
        write_csv(&p, &rows[at..end.max(at)]);
        at = end.max(at);
        out.push(p);
    }
    out
}

fn same_reports(a: &Path, b: &Path) -> Result<(), String> {
    for f in CSVS {
        let (x, y) = (std::fs::read(a.join(f)), std::fs::read(b.join(f)));
        match (x, y) {
            (Ok(x), Ok(y)) if x == y => {}
            (Err(_), Err(_)) => {}
            (x, y) => {
                return Err(format!(
                    "{f} differs: {:?} vs {:?} bytes",
                    x.map(|v| v.len()).ok(),
                    y.map(|v| v.len()).ok()
                ))
            }
        }
    }
    Ok(())
}

#[test]
fn merged_partials_in_any_order_give_analyzes_reports() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let rows = articles(60, 7);
    let files = shards(d, &rows, &[10, 35]);
    let names: Vec<&str> = files.iter().map(|p| p.to_str().unwrap()).collect();
    let mut args = vec!["analyze"];
    args.extend(&names);
    args.extend(["-o", "whole", "--quiet"]);
    slant_ok(d, &args);
    for (i, f) in names.iter().enumerate() {
        let p = format!("p{}.slant", i + 1);
        slant_ok(d, &["extract", f, "--partial", &p, "--quiet"]);
    }
    // A partial is the same bytes whatever the threads that extracted it.
    slant_ok(
        d,
        &[
            "extract",
            names[1],
            "--partial",
            "p2-one.slant",
            "--quiet",
            "--threads",
            "1",
        ],
    );
    slant_ok(
        d,
        &[
            "extract",
            names[1],
            "--partial",
            "p2-two.slant",
            "--quiet",
            "--threads",
            "2",
        ],
    );
    assert!(
        std::fs::read(d.join("p2-one.slant")).unwrap()
            == std::fs::read(d.join("p2-two.slant")).unwrap(),
        "threads change the partial"
    );
    // Orders of the three partials, and two groupings.
    slant_ok(
        d,
        &[
            "extract",
            names[0],
            names[1],
            "--partial",
            "p12.slant",
            "--quiet",
        ],
    );
    // (The property test below covers more orders and groupings, without
    // models.)
    let orders: [&[&str]; 4] = [
        &["p3.slant", "p1.slant", "p2.slant"],
        &["p2.slant", "p3.slant", "p1.slant"],
        &["p12.slant", "p3.slant"],
        &["p3.slant", "p12.slant"],
    ];
    for (k, order) in orders.iter().enumerate() {
        let out = format!("merged-{k}");
        let mut args = vec!["merge"];
        args.extend(order.iter());
        args.extend(["-o", &out, "--quiet"]);
        slant_ok(d, &args);
        same_reports(&d.join("whole"), &d.join(&out)).unwrap_or_else(|e| panic!("{order:?}: {e}"));
        let run: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(d.join(&out).join("run.json")).unwrap())
                .unwrap();
        assert_eq!(run["command"], "merge");
        assert_eq!(run["partials"].as_array().unwrap().len(), order.len());
        assert_eq!(run["documents"]["reconciled"], true);
    }
    // Lower output levels than the partials hold are written from them.
    slant_ok(
        d,
        &[
            "analyze",
            names[0],
            names[1],
            names[2],
            "-o",
            "low",
            "--quiet",
            "--evidence",
            "families",
            "--sentences",
            "loaded",
        ],
    );
    slant_ok(
        d,
        &[
            "merge",
            "p2.slant",
            "p1.slant",
            "p3.slant",
            "-o",
            "low-merged",
            "--quiet",
            "--evidence",
            "families",
            "--sentences",
            "loaded",
        ],
    );
    same_reports(&d.join("low"), &d.join("low-merged")).unwrap();
    let low = std::fs::read_to_string(d.join("low-merged/evidence.csv")).unwrap();
    let all = std::fs::read_to_string(d.join("whole/evidence.csv")).unwrap();
    assert!(low.lines().count() < all.lines().count(), "families only");
}

#[test]
fn partials_that_do_not_fit_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let rows = articles(30, 3);
    let files = shards(d, &rows, &[12]);
    let (a, b) = (files[0].to_str().unwrap(), files[1].to_str().unwrap());
    slant_ok(d, &["extract", a, "--partial", "a.slant", "--quiet"]);
    slant_ok(d, &["extract", b, "--partial", "b.slant", "--quiet"]);
    slant_ok(d, &["extract", b, "--partial", "b-again.slant", "--quiet"]);
    slant_ok(
        d,
        &[
            "extract",
            b,
            "--partial",
            "b-nongrams.slant",
            "--quiet",
            "--no-ngrams",
        ],
    );
    let bytes = std::fs::read(d.join("a.slant")).unwrap();
    std::fs::write(d.join("short.slant"), &bytes[..bytes.len() - 10]).unwrap();
    let mut flipped = bytes.clone();
    let at = flipped.len() / 2;
    flipped[at] ^= 0x20;
    std::fs::write(d.join("flipped.slant"), flipped).unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["short.slant", "b.slant"], "short.slant: damaged partial"),
        (
            &["flipped.slant", "b.slant"],
            "flipped.slant: damaged partial: its checksum",
        ),
        (
            &["a.slant", "shard-1.csv"],
            "shard-1.csv: not a slant partial",
        ),
        (&["a.slant", "b-nongrams.slant"], "features.ngrams"),
        (&["b.slant", "b-again.slant"], "is in two partials"),
        (&["a.slant", "missing.slant"], "missing.slant"),
    ];
    for (partials, expected) in cases {
        let mut args = vec!["merge"];
        args.extend(partials.iter());
        args.extend(["-o", "out", "--quiet"]);
        let o = slant(d, &args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{partials:?}: {err}");
        assert!(err.contains(expected), "{partials:?}: {err}");
        assert!(!d.join("out").exists(), "{partials:?}: nothing written");
    }
    // The merge's own options must be the extraction's.
    let o = slant(
        d,
        &[
            "merge",
            "a.slant",
            "b.slant",
            "--source-col",
            "story",
            "-o",
            "out",
        ],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("read.source_col: null in the partial, \"story\" here"),
        "{err}"
    );
    // A document id in two partials: analyze would reject the second copy,
    // which a partial's sums cannot unsee.
    write_csv(&d.join("copy.csv"), &rows[..3]);
    slant_ok(
        d,
        &["extract", "copy.csv", "--partial", "copy.slant", "--quiet"],
    );
    let o = slant(d, &["merge", "a.slant", "copy.slant", "-o", "out"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("document id `0` of source"), "{err}");
    // --partial writes one file, not a folder.
    let o = slant(d, &["extract", a, "--partial", "x.slant", "-o", "dir"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("--partial"), "{err}");
    assert!(!d.join("x.slant").exists() && !d.join("dir").exists());
}

/// Partial options for the property test: no models (fast), n-grams and
/// boilerplate on.
fn opts(inputs: Vec<PathBuf>, out: PathBuf) -> RunOptions {
    RunOptions {
        inputs,
        out_dir: out,
        no_models: true,
        threads: 2,
        ..RunOptions::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    /// Merging is commutative and associative: however the shards are cut,
    /// grouped into partials and ordered, the merged CSVs are analyze's.
    #[test]
    fn merge_does_not_depend_on_the_split(
        n in 8usize..50,
        seed in 0u64..1000,
        cut_a in 0usize..50,
        cut_b in 0usize..50,
        group in 0usize..3,
        reverse in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let rows = articles(n, seed);
        let (lo, hi) = (cut_a.min(cut_b).min(n), cut_a.max(cut_b).min(n));
        let files = shards(d, &rows, &[lo, hi]);
        let whole = d.join("whole");
        let nonempty = rows.iter().any(|r| !r.3.is_empty());
        prop_assume!(nonempty);
        analyze(&opts(files.clone(), whole.clone())).unwrap();
        // Group the three shards into partials: each alone, two + one, or all.
        let groups: Vec<Vec<PathBuf>> = match group {
            0 => files.iter().map(|f| vec![f.clone()]).collect(),
            1 => vec![files[..2].to_vec(), files[2..].to_vec()],
            _ => vec![files.clone()],
        };
        let mut parts: Vec<Vec<u8>> = groups
            .into_iter()
            .map(|g| extract_partial(&opts(g, PathBuf::new())).unwrap())
            .collect();
        if reverse {
            parts.reverse();
        }
        let merged = d.join("merged");
        merge_partials(parts, &opts(vec![], merged.clone())).unwrap();
        prop_assert_eq!(same_reports(&whole, &merged), Ok(()));
    }
}
