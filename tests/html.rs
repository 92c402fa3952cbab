//! `report.html` without a browser: structure, escaping, self-containment
//! and determinism (the browser check is `tests/browser/check_report.sh`).

mod common;

use common::*;
use std::path::Path;

const XSS: &str = "<img src=x onerror=alert(1)>";

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A tiny CSV corpus whose source names, ids and text carry markup.
fn hostile_corpus(dir: &Path) -> std::path::PathBuf {
    let p = dir.join("corpus.csv");
    let mut w = csv::Writer::from_path(&p).unwrap();
    w.write_record(["id", "source", "story", "text"]).unwrap();
    for r in [
        [
            "x1",
            XSS,
            "s1",
            "The terrorists attacked the depot. \"Militants!\" a witness said. <script>alert(2)</script>",
        ],
        [
            "x2",
            XSS,
            "s2",
            "Officials said the terrorist group claimed the attack. See https://example.com/a.png",
        ],
        [
            "x3\"><b>id</b>",
            "plain & \"quoted\" 'outlet'",
            "s1",
            "The insurgents said the militants had left.",
        ],
        [
            "x4",
            "plain & \"quoted\" 'outlet'",
            "s2",
            "Rebels and insurgents crossed the river; the insurgents said so.",
        ],
    ] {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
    p
}

/// Values of `attr="..."` on elements whose opening tag starts with `open`.
fn attr_values(html: &str, open: &str, attr: &str) -> Vec<String> {
    let key = format!("{attr}=\"");
    html.match_indices(open)
        .filter_map(|(i, _)| {
            let tag = &html[i..i + html[i..].find('>')?];
            let j = tag.find(&key)? + key.len();
            let k = tag[j..].find('"')?;
            Some(tag[j..j + k].to_string())
        })
        .collect()
}

/// The family sections, as (data-family, section html).
fn family_sections(html: &str) -> Vec<(String, &str)> {
    html.match_indices("<section class=\"family\"")
        .map(|(i, _)| {
            let end = i + html[i..].find("</section>").expect("closed section");
            let sec = &html[i..end];
            let id = attr_values(sec, "<section", "data-family")[0].clone();
            (id, sec)
        })
        .collect()
}

fn assert_self_contained(html: &str) {
    let lower = html.to_lowercase();
    for bad in [
        "<script",
        "<img",
        "<iframe",
        "<link",
        "@import",
        "url(",
        "src=\"http",
        "href=\"http",
        "href=\"//",
    ] {
        assert!(!lower.contains(bad), "report.html contains {bad:?}");
    }
    assert!(!html.contains("http://") && !html.contains("https://"));
}

#[test]
fn hostile_input_is_escaped_and_report_is_self_contained() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = hostile_corpus(dir.path());
    slant_ok(
        dir.path(),
        &["analyze", corpus.to_str().unwrap(), "-o", "out", "--quiet"],
    );
    let html = read(&dir.path().join("out/report.html"));
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.ends_with("</html>\n"));
    // The hostile source name is text, never markup.
    assert!(!html.contains(XSS));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("&lt;script&gt;alert(2)&lt;/script&gt;") || !html.contains("alert(2)"));
    assert!(html.contains("plain &amp; &quot;quoted&quot; &#39;outlet&#39;"));
    assert!(!html.contains("<b>id</b>"));
    // The URL in the text must not survive as a link (it is only in text,
    // and only if an example sentence quotes it: then escaped, not a src).
    let html_no_text_urls = html.replace("https://example.com/a.png", "");
    assert_self_contained(&html_no_text_urls);
    // Sources appear with their full names in data-source attributes.
    let sources = attr_values(&html, "<tr data-source", "data-source");
    assert!(sources.contains(&"&lt;img src=x onerror=alert(1)&gt;".to_string()));
    // One chart per family with authorial matches (armed_group here).
    let fams = family_sections(&html);
    assert!(fams.iter().any(|(f, _)| f == "armed_group"), "{fams:?}");
    for (f, sec) in &fams {
        assert!(sec.contains("<svg"), "{f}: no chart");
        assert!(sec.contains("<g class=\"bar"), "{f}: no bars");
        assert!(sec.contains("<li class=\"example\""), "{f}: no evidence");
        assert!(sec.contains("<mark>"), "{f}: nothing highlighted");
    }
}

#[test]
fn sample_report_has_a_chart_per_family_and_every_source() {
    let dir = tempfile::tempdir().unwrap();
    let sample = repo().join("data/sample");
    slant_ok(
        dir.path(),
        &["analyze", sample.to_str().unwrap(), "-o", "out", "--quiet"],
    );
    let out = dir.path().join("out");
    let html = read(&out.join("report.html"));
    assert_self_contained(&html);
    assert!(html.contains("@media print"));
    // Families with authorial matches, from families.csv.
    let (h, rows) = read_csv(&out.join("families.csv"));
    let mut expected: Vec<String> = rows
        .iter()
        .filter(|r| cell(&h, r, "authorial_count") != "0")
        .map(|r| cell(&h, r, "family").to_string())
        .collect();
    expected.sort();
    expected.dedup();
    let mut got: Vec<String> = family_sections(&html).into_iter().map(|(f, _)| f).collect();
    got.sort();
    assert_eq!(got, expected);
    for s in [
        "civic-wire",
        "daily-ledger",
        "frontline-news",
        "northern-post",
        "the-beacon",
    ] {
        assert!(
            html.contains(&format!("<tr data-source=\"{s}\"")),
            "{s} missing"
        );
        assert!(
            html.contains("<section class=\"source\" id=\"src-")
                && html.contains(&format!("data-source=\"{s}\"><h3>")),
            "{s}: no source section"
        );
    }
    // The answer key: daily-ledger is the most delegitimising on the armed
    // group, with its terrorist variant labelled in text.
    let (_, armed) = family_sections(&html)
        .into_iter()
        .find(|(f, _)| f == "armed_group")
        .unwrap();
    let names = attr_values(armed, "<g class=\"bar", "data-source");
    let scores: Vec<f64> = attr_values(armed, "<g class=\"bar", "data-score")
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    let min = names
        .iter()
        .zip(&scores)
        .min_by(|a, b| a.1.total_cmp(b.1))
        .unwrap();
    assert_eq!(min.0, "daily-ledger", "{names:?} {scores:?}");
    assert!(armed.contains(">terrorist "), "segment label missing");
    // Story-adjusted scores are shown (the sample has story ids).
    assert!(armed.contains("story-adjusted"));
}

#[test]
fn report_is_identical_across_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    let sample = repo().join("data/sample");
    let s = sample.to_str().unwrap();
    slant_ok(
        dir.path(),
        &["analyze", s, "-o", "t1", "--quiet", "--threads", "1"],
    );
    slant_ok(
        dir.path(),
        &["analyze", s, "-o", "t3", "--quiet", "--threads", "3"],
    );
    let a = read(&dir.path().join("t1/report.html"));
    let b = read(&dir.path().join("t3/report.html"));
    assert!(a == b, "report.html differs between thread counts");
}

#[test]
fn seeds_report_shows_business_insider_most_delegitimising() {
    let Some(shared) = shared() else {
        eprintln!("note: ../shared not found; skipping the seeds report test");
        return;
    };
    let seeds = shared.join("seeds");
    let dir = tempfile::tempdir().unwrap();
    slant_ok(
        dir.path(),
        &[
            "analyze",
            seeds.to_str().unwrap(),
            "--manifest",
            seeds.join("manifest.csv").to_str().unwrap(),
            "-o",
            "out",
            "--quiet",
        ],
    );
    let html = read(&dir.path().join("out/report.html"));
    let (_, armed) = family_sections(&html)
        .into_iter()
        .find(|(f, _)| f == "armed_group")
        .expect("armed_group chart");
    let names = attr_values(armed, "<g class=\"bar", "data-source");
    let scores: Vec<f64> = attr_values(armed, "<g class=\"bar", "data-score")
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        [
            "bloomberg",
            "business-insider",
            "outlet-001",
            "outlet-002",
            "outlet-004"
        ]
    );
    let bi = scores[names.iter().position(|n| n == "business-insider").unwrap()];
    for (n, s) in names.iter().zip(&scores) {
        if n != "business-insider" {
            assert!(bi < *s, "business-insider {bi} vs {n} {s}");
        }
    }
    let dom = attr_values(armed, "<g class=\"bar", "data-dominant");
    assert_eq!(
        dom[names.iter().position(|n| n == "business-insider").unwrap()],
        "terrorist"
    );
}
