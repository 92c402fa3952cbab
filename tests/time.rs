//! End-to-end tests of issue 22's time and selection options:
//! `--period` (timeseries.csv), `--min-docs`, and `sources_long.csv`.

mod common;

use common::*;
use std::path::Path;

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A corpus of three sources over a year boundary: "big" (8 documents),
/// "mid" (4, and one undated), "tiny" (1); one document without a date, one with a date
/// that is no calendar day.
fn corpus(dir: &Path) -> std::path::PathBuf {
    let mut s = String::from("id,source,story,date,text\n");
    let dates = [
        "2020-12-28",
        "2020-12-30",
        "2021-01-02",
        "2021-01-05",
        "2021-02-10",
        "2021-02-11",
        "2021-03-01",
        "2021-03-02",
    ];
    for (i, d) in dates.iter().enumerate() {
        let word = if i < 4 { "terrorists" } else { "militants" };
        s.push_str(&format!(
            "b{i},big,st{},{d},The {word} attacked the depot. Officials may have known.\n",
            i % 3
        ));
    }
    for (i, d) in dates.iter().step_by(2).enumerate() {
        s.push_str(&format!(
            "m{i},mid,st{},{d},The insurgents attacked the depot.\n",
            i % 3
        ));
    }
    s.push_str("t0,tiny,st0,2021-01-02,The rebels attacked the depot.\n");
    s.push_str("u0,mid,st1,,The militants attacked the depot again.\n");
    s.push_str("u1,big,st2,2021-02-30,The fighters attacked the depot again.\n");
    let p = dir.join("news.csv");
    std::fs::write(&p, s).unwrap();
    p
}

#[test]
fn period_writes_a_time_series_of_real_periods_the_same_on_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let input = corpus(dir.path());
    let input = input.to_str().unwrap();
    let run = |threads: &str, out: &str| {
        slant_ok(
            dir.path(),
            &[
                "analyze",
                input,
                "-o",
                out,
                "--period",
                "week",
                "--min-docs",
                "2",
                "--bootstrap",
                "200",
                "--threads",
                threads,
                "--quiet",
            ],
        );
        dir.path().join(out)
    };
    let one = run("1", "one");
    let two = run("2", "two");
    let (h, rows) = read_csv(&one.join("timeseries.csv"));
    assert_eq!(
        h,
        [
            "period",
            "period_start",
            "scope",
            "source",
            "measure_kind",
            "measure",
            "value",
            "ci_low",
            "ci_high",
            "n_docs",
            "n_matches",
            "story_value"
        ]
    );
    let mut periods: Vec<&str> = rows.iter().map(|r| cell(&h, r, "period")).collect();
    periods.dedup();
    // 28 and 30 December 2020 and 2 January 2021 are in ISO week 53 of 2020.
    assert_eq!(
        periods,
        ["2020-W53", "2021-W01", "2021-W06", "2021-W09"],
        "{periods:?}"
    );
    // "tiny" (1 document) only counts in the pooled rows.
    assert!(rows.iter().all(|r| cell(&h, r, "source") != "tiny"));
    let pooled_w53 = rows
        .iter()
        .find(|r| {
            cell(&h, r, "period") == "2020-W53"
                && cell(&h, r, "scope") == "all"
                && cell(&h, r, "measure") == "armed_group"
        })
        .unwrap();
    // big 3 + mid 2 + tiny 1 documents in that week.
    assert_eq!(cell(&h, pooled_w53, "n_docs"), "6");
    assert_eq!(cell(&h, pooled_w53, "period_start"), "2020-12-28");
    let big = rows
        .iter()
        .find(|r| {
            cell(&h, r, "period") == "2020-W53"
                && cell(&h, r, "source") == "big"
                && cell(&h, r, "measure") == "armed_group"
        })
        .unwrap();
    // "big" says "terrorists" where "mid" says "insurgents" in shared stories.
    let story: f64 = cell(&h, big, "story_value").parse().unwrap();
    assert!(story < 0.0, "{story}");
    let hedge = rows
        .iter()
        .find(|r| cell(&h, r, "source") == "big" && cell(&h, r, "measure") == "hedge")
        .unwrap();
    assert_eq!(cell(&h, hedge, "measure_kind"), "category");
    let run_json: serde_json::Value = serde_json::from_str(&read(&one.join("run.json"))).unwrap();
    let ts = &run_json["timeseries"];
    assert_eq!(ts["period"], "week");
    assert_eq!(ts["periods"], 4);
    // The missing date and the impossible one are not in any period.
    assert_eq!(
        (
            ts["documents_dated"].as_u64(),
            ts["documents_undated"].as_u64()
        ),
        (Some(13), Some(2))
    );
    assert_eq!(run_json["options"]["period"], "week");
    // Byte-identical with one and two threads.
    for f in std::fs::read_dir(&one).unwrap() {
        let name = f.unwrap().file_name();
        if name == "timings.json" {
            continue;
        }
        assert_eq!(
            std::fs::read(one.join(&name)).unwrap(),
            std::fs::read(two.join(&name)).unwrap(),
            "{name:?} differs between --threads 1 and 2"
        );
    }
    let html = read(&one.join("report.html"));
    assert!(html.contains("<section id=\"time\">") && html.contains("class=\"timechart\""));
}

#[test]
fn min_docs_leaves_small_sources_out_of_per_source_reports_only() {
    let dir = tempfile::tempdir().unwrap();
    let input = corpus(dir.path());
    let input = input.to_str().unwrap();
    let run = |out: &str, extra: &[&str]| {
        let mut args = vec!["analyze", input, "-o", out, "--bootstrap", "50", "--quiet"];
        args.extend(extra);
        slant_ok(dir.path(), &args);
        dir.path().join(out)
    };
    let all = run("all", &[]);
    let one = run("one", &["--min-docs", "1"]);
    let five = run("five", &["--min-docs", "6"]);
    // --min-docs 1 changes nothing.
    for f in std::fs::read_dir(&all).unwrap() {
        let name = f.unwrap().file_name();
        if name != "timings.json" {
            assert_eq!(
                std::fs::read(all.join(&name)).unwrap(),
                std::fs::read(one.join(&name)).unwrap(),
                "{name:?}"
            );
        }
    }
    let run_all: serde_json::Value = serde_json::from_str(&read(&all.join("run.json"))).unwrap();
    assert!(run_all.get("min_docs").is_none() && run_all.get("timeseries").is_none());
    assert!(run_all["options"].get("min_docs").is_none());
    assert!(!all.join("timeseries.csv").exists());
    // --min-docs 6: only "big" (9 documents) is left in the per-source
    // files; "mid" has 5 (one undated), "tiny" 1.
    let sources = |d: &Path, f: &str| -> Vec<String> {
        let (h, rows) = read_csv(&d.join(f));
        let mut s: Vec<String> = rows
            .iter()
            .map(|r| cell(&h, r, "source").to_string())
            .collect();
        s.dedup();
        s
    };
    assert_eq!(sources(&all, "sources.csv"), ["big", "mid", "tiny"]);
    for f in [
        "sources.csv",
        "sources_long.csv",
        "families.csv",
        "terms.csv",
    ] {
        assert_eq!(sources(&five, f), ["big"], "{f}");
    }
    let run5: serde_json::Value = serde_json::from_str(&read(&five.join("run.json"))).unwrap();
    assert_eq!(run5["min_docs"]["min_docs"], 6);
    assert_eq!(run5["min_docs"]["sources"], 2);
    assert_eq!(run5["min_docs"]["documents"], 6);
    assert_eq!(
        run5["min_docs"]["names"],
        serde_json::json!(["mid", "tiny"])
    );
    // The pooled figures do not move: "big"'s row is the same either way.
    let (_, rows_all) = read_csv(&all.join("sources.csv"));
    let (_, rows_five) = read_csv(&five.join("sources.csv"));
    assert_eq!(rows_all[0], rows_five[0]);
    // The overview still counts every document's tokens.
    let html = read(&five.join("report.html"));
    assert!(html.contains("2 with fewer than 6 documents"), "overview");
}

#[test]
fn sources_long_holds_the_cells_of_sources_csv() {
    let dir = tempfile::tempdir().unwrap();
    let input = corpus(dir.path());
    slant_ok(
        dir.path(),
        &[
            "analyze",
            input.to_str().unwrap(),
            "-o",
            "out",
            "--bootstrap",
            "50",
            "--quiet",
        ],
    );
    let out = dir.path().join("out");
    let (h, rows) = read_csv(&out.join("sources.csv"));
    let (lh, long) = read_csv(&out.join("sources_long.csv"));
    assert_eq!(lh, ["source", "measure", "value", "ci_low", "ci_high", "n"]);
    for l in &long {
        let row = rows.iter().find(|r| r[0] == l[0]).unwrap();
        assert_eq!(cell(&h, row, &l[1]), l[2], "{l:?}");
    }
    let big = rows.iter().find(|r| r[0] == "big").unwrap();
    let score = long
        .iter()
        .find(|l| l[0] == "big" && l[1] == "armed_group_score")
        .unwrap();
    assert_eq!(score[3], cell(&h, big, "armed_group_ci_low"));
    assert_eq!(score[4], cell(&h, big, "armed_group_ci_high"));
    assert_eq!(score[5], cell(&h, big, "armed_group_n_matches"));
    // The outlet slant's interval goes with `slant` (the stacker's), not
    // with `slant_mean`.
    if h.iter().any(|c| c == "slant") {
        let slant = long
            .iter()
            .find(|l| l[0] == "big" && l[1] == "slant")
            .unwrap();
        assert_eq!(slant[3], cell(&h, big, "slant_ci_low"));
        let mean = long
            .iter()
            .find(|l| l[0] == "big" && l[1] == "slant_mean")
            .unwrap();
        assert_eq!((mean[3].as_str(), mean[4].as_str()), ("", ""));
    }
    // Interval and text columns have no rows of their own.
    assert!(long.iter().all(|l| !l[1].ends_with("_ci_low")
        && !l[1].ends_with("_flag")
        && !l[1].ends_with("_dominant")));
}

#[test]
fn an_unknown_period_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let input = corpus(dir.path());
    let out = slant(
        dir.path(),
        &[
            "analyze",
            input.to_str().unwrap(),
            "--period",
            "fortnight",
            "--quiet",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("fortnight"));
}
