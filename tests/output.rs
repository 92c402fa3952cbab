//! How much a run writes: `--evidence none|families|all`, `--sentences
//! none|loaded|all`, the automatic default, and what a rerun does with the
//! files it no longer writes; and the report's new sections.

mod common;

use common::*;
use std::path::Path;

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The `kind` column of evidence.csv, counted.
fn kinds(path: &Path) -> std::collections::BTreeMap<String, usize> {
    let (h, rows) = read_csv(path);
    let mut m = std::collections::BTreeMap::new();
    for r in &rows {
        *m.entry(cell(&h, r, "kind").to_string()).or_insert(0) += 1;
    }
    m
}

fn run_json(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&read(&dir.join("run.json"))).unwrap()
}

/// A small corpus (under the automatic limit): everything is listed, as
/// before; each level writes what it says, and a rerun into the same
/// directory with less detail leaves no file of the earlier run behind.
#[test]
fn evidence_and_sentence_levels_write_what_they_say() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let sample = repo().join("data/sample");
    let sample = sample.to_str().unwrap();
    let common = ["--bootstrap", "20", "--quiet"];
    let run = |out: &str, extra: &[&str]| {
        let mut args = vec!["analyze", sample, "-o", out];
        args.extend(common);
        args.extend(extra);
        slant_ok(p, &args);
        p.join(out)
    };
    // Default on a small corpus: every match and every sentence.
    let all = run("r", &[]);
    let k = kinds(&all.join("evidence.csv"));
    assert!(
        k["family"] > 0 && k["category"] > 0 && k["loaded_word"] > 0,
        "{k:?}"
    );
    let (_, sentences) = read_csv(&all.join("sentences.csv"));
    let o = &run_json(&all)["output"];
    assert_eq!(o["evidence"], "all");
    assert_eq!(o["sentences"], "all");
    assert_eq!(o["automatic"], true);
    assert_eq!(run_json(&all)["options"]["evidence"], "auto");
    // Explicit `all` is the same files.
    let explicit = run("explicit", &["--evidence", "all", "--sentences", "all"]);
    for f in [
        "evidence.csv",
        "sentences.csv",
        "documents.csv",
        "sources.csv",
    ] {
        assert_eq!(read(&all.join(f)), read(&explicit.join(f)), "{f}");
    }

    // families: the family rows of `all`, in the same order, nothing else.
    let fam = run("fam", &["--evidence", "families", "--sentences", "loaded"]);
    let fam_rows: Vec<String> = read(&fam.join("evidence.csv"))
        .lines()
        .map(String::from)
        .collect();
    let expected: Vec<String> = read(&all.join("evidence.csv"))
        .lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || l.contains(",family,"))
        .map(|(_, l)| l.to_string())
        .collect();
    assert_eq!(fam_rows, expected);
    // loaded: the rows of `all` with loaded = 1, numbered as there.
    let (h, loaded) = read_csv(&fam.join("sentences.csv"));
    let (_, every) = read_csv(&all.join("sentences.csv"));
    let want: Vec<&Vec<String>> = every
        .iter()
        .filter(|r| cell(&h, r, "loaded") == "1")
        .collect();
    assert!(!want.is_empty() && want.len() < sentences.len());
    assert_eq!(loaded.iter().collect::<Vec<_>>(), want);
    // The other reports do not change with the levels.
    for f in ["documents.csv", "sources.csv", "families.csv", "terms.csv"] {
        assert_eq!(read(&all.join(f)), read(&fam.join(f)), "{f}");
    }

    // none, into the directory that holds a full run: the files this run
    // does not write go (as any report file of a previous run it does not
    // write: the directory holds one run's reports).
    run("r", &["--evidence", "none", "--sentences", "none"]);
    assert!(!all.join("evidence.csv").exists());
    assert!(!all.join("sentences.csv").exists());
    assert!(all.join("documents.csv").is_file());
    let o = &run_json(&all)["output"];
    assert_eq!(
        (o["evidence"].as_str(), o["automatic"].as_bool()),
        (Some("none"), Some(false))
    );
    let html = read(&all.join("report.html"));
    assert!(!html.contains("href=\"evidence.csv\""));
    assert!(!html.contains("href=\"sentences.csv\""));
    // --evidence alone is all.
    let bare = run("bare", &["--no-models", "--evidence"]);
    assert!(kinds(&bare.join("evidence.csv"))["category"] > 0);
}

/// Sentiment matches are category matches: asking for them with a level
/// that lists none is a usage error; without a level it means `all`.
#[test]
fn evidence_sentiment_needs_every_match() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("in.txt"),
        "Rebels fled the town, a sad and terrible day.",
    )
    .unwrap();
    for (cmd, level) in [
        ("analyze", "families"),
        ("extract", "none"),
        ("analyze", "none"),
    ] {
        let out = slant(
            p,
            &[
                cmd,
                "in.txt",
                "-o",
                "r",
                "--evidence",
                level,
                "--evidence-sentiment",
            ],
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{cmd} {level}: {err}");
        assert!(
            err.contains("--evidence-sentiment") && err.contains("--evidence all"),
            "{err}"
        );
        assert!(!p.join("r").exists());
    }
    slant_ok(
        p,
        &[
            "analyze",
            "in.txt",
            "-o",
            "a",
            "--evidence-sentiment",
            "--no-models",
            "--bootstrap",
            "10",
            "--quiet",
        ],
    );
    let o = &run_json(&p.join("a"))["output"];
    assert_eq!(o["evidence"], "all");
    assert!(read(&p.join("a/evidence.csv")).contains(",sentiment,"));
    // extract: no evidence by default, `--evidence` lists every match,
    // `--evidence families` the family matches.
    slant_ok(p, &["extract", "in.txt", "-o", "x", "--quiet"]);
    assert!(!p.join("x/evidence.csv").exists());
    slant_ok(
        p,
        &["extract", "in.txt", "-o", "x", "--quiet", "--evidence"],
    );
    assert!(kinds(&p.join("x/evidence.csv")).contains_key("category"));
    slant_ok(
        p,
        &[
            "extract",
            "in.txt",
            "-o",
            "x",
            "--quiet",
            "--evidence",
            "families",
        ],
    );
    assert_eq!(
        kinds(&p.join("x/evidence.csv")).keys().collect::<Vec<_>>(),
        ["family"]
    );
    let bad = slant(p, &["analyze", "in.txt", "-o", "r", "--sentences", "some"]);
    assert_eq!(bad.status.code(), Some(1));
}

/// The report's categories table has a row per source and a cell per
/// category, sources under 20 documents marked and after the others (in
/// the family charts too), and the learned scores with readable names to
/// two decimals.
#[test]
fn report_shows_categories_and_puts_small_sources_last() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let mut csv = String::from("id,source,text\n");
    // "big": 20 documents, mildly labelled; "tiny": 2 documents, the most
    // delegitimising (it would top a ranking by score).
    for i in 0..20 {
        csv += &format!(
            "b{i},big,\"The insurgents attacked the base, officials said. Militants reportedly fled.\"\n"
        );
    }
    for i in 0..2 {
        csv += &format!("t{i},tiny,\"The terrorists attacked the base, critics claimed.\"\n");
    }
    std::fs::write(p.join("news.csv"), csv).unwrap();
    slant_ok(
        p,
        &[
            "analyze",
            "news.csv",
            "-o",
            "r",
            "--bootstrap",
            "20",
            "--quiet",
        ],
    );
    let html = read(&p.join("r/report.html"));
    let cat = &html[html
        .find("<section id=\"categories\">")
        .expect("categories section")..];
    let cat = &cat[..cat.find("</section>").unwrap()];
    let big = cat.find("<tr data-source=\"big\"").expect("big row");
    let tiny = cat
        .find("<tr data-source=\"tiny\" class=\"few-docs\"")
        .expect("tiny row, marked");
    assert!(big < tiny);
    for c in [
        "hedge",
        "attribution_neutral",
        "attribution_loaded",
        "claimed",
    ] {
        assert!(cat.contains(&format!("data-category=\"{c}\"")), "{c}");
    }
    assert!(cat.contains(">Loaded language</th>") && cat.contains(">Outlet slant</th>"));
    // The family chart: big first although tiny's score is lower.
    let armed = &html[html.find("data-family=\"armed_group\"").unwrap()..];
    let b = armed
        .find("data-docs=\"20\" data-source=\"big\"")
        .expect("big bar");
    let t = armed
        .find("data-docs=\"2\" data-source=\"tiny\"")
        .expect("tiny bar");
    assert!(b < t);
    assert!(armed.contains("(2 docs)</tspan>"));
    // Learned scores: readable names, two decimals, no raw column names.
    let src = &html[html.find("<section class=\"source\"").unwrap()..];
    assert!(
        src.contains("<th>Loaded language (mean sentence probability)</th><td class=\"num\">0.")
    );
    assert!(!src.contains("<th>loaded_mean</th>"));
    let v = src
        .split("(mean sentence probability)</th><td class=\"num\">")
        .nth(1)
        .unwrap();
    let v = &v[..v.find(' ').unwrap()];
    assert_eq!(v.len(), 4, "{v}"); // 0.xx
}
