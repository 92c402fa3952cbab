//! End-to-end tests of the `slant` binary.

mod common;

use common::*;
use std::path::Path;

const REPORTS: &[&str] = &[
    "boilerplate.csv",
    "sources.csv",
    "terms.csv",
    "families.csv",
    "documents.csv",
    "evidence.csv",
    "rejected.csv",
    "labels.csv",
    "run.json",
];

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn default_run_analyzes_the_shipped_sample() {
    let dir = tempfile::tempdir().unwrap();
    // No input: the sample corpus in data/sample (found via the checkout).
    slant_ok(dir.path(), &["analyze", "--quiet"]);
    let out = dir.path().join("reports");
    for f in REPORTS {
        assert!(out.join(f).is_file(), "missing {f}");
    }
    let run: serde_json::Value = serde_json::from_str(&read(&out.join("run.json"))).unwrap();
    assert_eq!(run["documents"]["read"], 20);
    assert_eq!(run["documents"]["analysed"], 20);
    assert_eq!(run["documents"]["reconciled"], true);
    let (h, rows) = read_csv(&out.join("sources.csv"));
    assert_eq!(rows.len(), 5);
    // The sample's answer key (data/sample/README.md): daily-ledger labels
    // the armed group "terrorists" in its own voice, the-beacon only quotes
    // such labels, frontline-news is sympathetic.
    let row = |s: &str| rows.iter().find(|r| r[0] == s).unwrap().clone();
    assert_eq!(
        cell(&h, &row("daily-ledger"), "armed_group_dominant"),
        "terrorist"
    );
    let ledger: f64 = cell(&h, &row("daily-ledger"), "armed_group_raw_score")
        .parse()
        .unwrap();
    let frontline: f64 = cell(&h, &row("frontline-news"), "armed_group_raw_score")
        .parse()
        .unwrap();
    assert!(ledger < frontline, "{ledger} {frontline}");
    let hedge = |s: &str| -> f64 { cell(&h, &row(s), "hedge_rate").parse().unwrap() };
    assert!(hedge("northern-post") > 3.0 * hedge("civic-wire"));
    let quote = |s: &str| -> f64 { cell(&h, &row(s), "quote_share").parse().unwrap() };
    assert!(quote("the-beacon") > quote("daily-ledger"));
    // The shipped models add their columns; the shrunken slant pulls each
    // source's mean towards the common level, so the spread narrows.
    let col = |name: &str| -> Vec<f64> {
        rows.iter()
            .map(|r| cell(&h, r, name).parse().unwrap())
            .collect()
    };
    let (raw, shrunk) = (col("slant_mean"), col("slant_shrunk"));
    let spread = |v: &[f64]| {
        v.iter().cloned().fold(f64::MIN, f64::max) - v.iter().cloned().fold(f64::MAX, f64::min)
    };
    assert!(
        spread(&shrunk) <= spread(&raw) + 1e-12,
        "{raw:?} {shrunk:?}"
    );
    let (lo, hi) = (
        raw.iter().cloned().fold(f64::MAX, f64::min),
        raw.iter().cloned().fold(f64::MIN, f64::max),
    );
    assert!(
        shrunk.iter().all(|s| (lo..=hi).contains(s)),
        "{raw:?} {shrunk:?}"
    );
}

#[test]
fn sample_reports_match_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    // Run from the checkout with a relative input so the `file` column does
    // not depend on where the checkout lives.
    let out = dir.path().join("r");
    slant_ok(
        &repo(),
        &[
            "analyze",
            "data/sample",
            "-o",
            out.to_str().unwrap(),
            "--quiet",
            "--threads",
            "2",
            // Snapshots pin the lexicon pipeline; model columns change with
            // every retraining and are tested in tests/models.rs.
            "--no-models",
        ],
    );
    for f in [
        "sources.csv",
        "families.csv",
        "terms.csv",
        "documents.csv",
        "evidence.csv",
        "rejected.csv",
        "boilerplate.csv",
    ] {
        let text = read(&dir.path().join("r").join(f));
        snapshot(&format!("sample-{f}"), &text);
    }
}

#[test]
fn outputs_do_not_depend_on_threads_or_input_order() {
    let dir = tempfile::tempdir().unwrap();
    let sample = repo().join("data/sample");
    // Split the sample into two inputs to exercise input ordering.
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    for (i, e) in std::fs::read_dir(&sample).unwrap().enumerate() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "txt") {
            let to = if i % 2 == 0 { &a } else { &b };
            std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    slant_ok(
        dir.path(),
        &["analyze", a, b, "-o", "t1", "--threads", "1", "--quiet"],
    );
    slant_ok(
        dir.path(),
        &["analyze", b, a, "-o", "t2", "--threads", "2", "--quiet"],
    );
    for f in REPORTS {
        let x = read(&dir.path().join("t1").join(f));
        let y = read(&dir.path().join("t2").join(f));
        assert!(x == y, "{f} differs between runs");
    }
}

#[test]
fn malformed_records_are_reported_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let mut csv = b"id,source,text\n1,alpha,The militants attacked.\n2,beta\n3,beta,\n4,beta,Bad \xff\xfe bytes \xc3\xa9 here\n5,alpha,Insurgents retreated.\n".to_vec();
    csv.extend_from_slice(b"6,gamma,\"unterminated quote\n");
    std::fs::write(p.join("in.csv"), csv).unwrap();
    std::fs::write(
        p.join("in.jsonl"),
        "{\"id\":\"j1\",\"source\":\"alpha\",\"text\":\"Rebels advanced.\"}\n{\"id\":\"j2\",\"source\":\"alpha\"}\nnot json\n[1,2]\n",
    )
    .unwrap();
    let out = slant(p, &["analyze", "in.csv", "in.jsonl", "-o", "r"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let (h, rows) = read_csv(&p.join("r/rejected.csv"));
    let find = |file: &str, line: &str| {
        rows.iter()
            .find(|r| cell(&h, r, "file").ends_with(file) && cell(&h, r, "line") == line)
            .unwrap_or_else(|| panic!("no rejection for {file}:{line} in {rows:?}"))
    };
    assert!(cell(&h, find("in.csv", "3"), "reason").contains("ragged row"));
    assert!(cell(&h, find("in.csv", "4"), "reason").contains("empty text"));
    assert!(cell(&h, find("in.csv", "5"), "reason").contains("invalid UTF-8"));
    assert!(cell(&h, find("in.csv", "7"), "reason").contains("unterminated quoted field"));
    assert!(cell(&h, find("in.jsonl", "2"), "reason").contains("missing text"));
    assert!(cell(&h, find("in.jsonl", "3"), "reason").contains("invalid JSON"));
    assert!(cell(&h, find("in.jsonl", "4"), "reason").contains("not a JSON object"));
    assert_eq!(rows.len(), 7);
    for needle in ["in.csv:3", "in.csv:5", "in.jsonl:2", "in.jsonl:4"] {
        assert!(stderr.contains(needle), "stderr lacks {needle}:\n{stderr}");
    }
    let run: serde_json::Value = serde_json::from_str(&read(&p.join("r/run.json"))).unwrap();
    assert_eq!(run["documents"]["read"], 10);
    assert_eq!(run["documents"]["analysed"], 3);
    assert_eq!(run["documents"]["rejected"], 7);
    for input in run["inputs"].as_array().unwrap() {
        assert_eq!(
            input["read"],
            input["documents"].as_u64().unwrap() + input["rejected"].as_u64().unwrap()
        );
    }
}

#[test]
fn exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    assert_eq!(slant(p, &["analyze", "no/such/dir"]).status.code(), Some(1));
    assert_eq!(
        slant(p, &["analyze", "--bogus-flag"]).status.code(),
        Some(1)
    );
    assert_eq!(slant(p, &["--help"]).status.code(), Some(0));
    std::fs::write(p.join("x.csv"), "id,outlet,body\n1,a,b\n").unwrap();
    let out = slant(p, &["analyze", "x.csv", "--text-col", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no column `nope`"));
    // Defaults find outlet/body.
    slant_ok(p, &["analyze", "x.csv", "--quiet"]);
}

#[test]
fn lexicon_check_reports_every_problem_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("bad.toml"),
        "[[family]]\nid = \"a\"\n[[family.variant]]\nid = \"x\"\ntone = 3\nterms = [\"foo\", \"*\", \"foo\"]\n",
    )
    .unwrap();
    let out = slant(p, &["lexicon", "check", "bad.toml"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 5: tone 3"), "{err}");
    assert!(
        err.contains("line 6:") && err.contains("wildcard-only"),
        "{err}"
    );
    assert!(err.contains("duplicate term"), "{err}");
    // The shipped framing file is valid on its own; with the built-ins
    // (which include it) its ids clash, as they would in `analyze`.
    let framing = repo().join("data/lexicons/framing.toml");
    let framing = framing.to_string_lossy();
    let out = slant(p, &["lexicon", "check", "--no-default-lexicons", &framing]);
    assert_eq!(out.status.code(), Some(0));
    let out = slant(p, &["lexicon", "check", &framing]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("family `armed_group`") && err.contains("--no-default-lexicons"),
        "{err}"
    );
    let listing = slant_ok(p, &["lexicon", "list"]);
    let _ = listing;
    let out = slant(p, &["lexicon", "list"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("armed_group") && text.contains("sentiment"));
}

#[test]
fn user_lexicons_in_all_formats() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("mine.dic"), "%\n1\tcustomcat\n%\nrebel*\t1\n").unwrap();
    std::fs::write(p.join("words.txt"), "advanced\nretreated\n").unwrap();
    std::fs::write(
        p.join("in.jsonl"),
        "{\"source\":\"a\",\"text\":\"Rebels advanced and retreated.\"}\n",
    )
    .unwrap();
    slant_ok(
        p,
        &[
            "analyze",
            "in.jsonl",
            "--no-default-lexicons",
            "--lexicon",
            "mine.dic",
            "--lexicon",
            "words.txt",
            "-o",
            "r",
            "--quiet",
        ],
    );
    let (h, rows) = read_csv(&p.join("r/documents.csv"));
    assert_eq!(cell(&h, &rows[0], "customcat_count"), "1");
    assert_eq!(cell(&h, &rows[0], "words_count"), "2");
}

#[test]
fn jsonl_default_keys_and_file_stem_case() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("j.jsonl"),
        "{\"outlet\":\"a\",\"body\":\"The rebels advanced.\"}\n",
    )
    .unwrap();
    std::fs::create_dir(p.join("folder")).unwrap();
    std::fs::write(p.join("folder/ABC.txt"), "The insurgents retreated.").unwrap();
    slant_ok(p, &["analyze", "j.jsonl", "folder", "-o", "r", "--quiet"]);
    let (h, rows) = read_csv(&p.join("r/documents.csv"));
    let sources: Vec<&str> = rows.iter().map(|r| cell(&h, r, "source")).collect();
    // Inputs are read in sorted order: the folder before j.jsonl.
    assert_eq!(sources, ["ABC", "a"]);
}

/// The options a subcommand's `--help` lists, each with its description
/// (continuation lines included).
fn help_options(p: &Path, cmd: &[&str]) -> Vec<(String, String)> {
    let mut args = cmd.to_vec();
    args.push("--help");
    let out = slant(p, &args);
    assert_eq!(out.status.code(), Some(0), "{args:?}");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let mut opts: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        let indented = line.len() > t.len();
        let flag = t
            .split([' ', ','])
            .find(|w| w.starts_with("--"))
            .filter(|_| indented && t.starts_with('-'));
        match (flag, opts.last_mut()) {
            (Some(f), _) => opts.push((f.to_string(), t.to_string())),
            (None, Some(last)) if indented => {
                last.1.push(' ');
                last.1.push_str(t);
            }
            _ => {}
        }
    }
    assert!(opts.iter().any(|(f, _)| f == "--help"), "{text}");
    opts
}

/// Each subcommand accepts and documents only what it uses: `extract`
/// runs no statistics and no learned models, so their options are neither
/// listed nor accepted (nor `--sentences`: no model, no sentences.csv); no
/// option shows two defaults.
#[test]
fn subcommands_take_only_their_own_options() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("in.txt"), "Rebels fled the town.").unwrap();
    let analysis_only = [
        "--seed",
        "--bootstrap",
        "--prior-strength",
        "--min-matches",
        "--prior",
        "--alpha0",
        "--family-alpha0",
        "--exact-variance",
        "--min-count",
        "--top-terms",
        "--all-terms",
        "--stopwords",
    ];
    // What changes the extraction: extract takes them with --partial only.
    let partial_only = [
        "--boilerplate-min-docs",
        "--model-dir",
        "--no-models",
        "--sentences",
        "--group-col",
        "--no-labels",
    ];
    let extract_only = ["--partial"];
    let shared = [
        "--out",
        "--manifest",
        "--text-col",
        "--date-col",
        "--lexicon",
        "--no-default-lexicons",
        "--no-ngrams",
        "--max-doc-bytes",
        "--csv-raw",
        "--threads",
        "--quiet",
        "--evidence",
        "--evidence-sentiment",
    ];
    let flags = |cmd: &[&str]| -> Vec<String> {
        help_options(p, cmd).into_iter().map(|(f, _)| f).collect()
    };
    let extract = flags(&["extract"]);
    let analyze = flags(&["analyze"]);
    for f in shared {
        assert!(extract.iter().any(|x| x == f), "extract lacks {f}");
        assert!(analyze.iter().any(|x| x == f), "analyze lacks {f}");
    }
    for f in analysis_only {
        assert!(analyze.iter().any(|x| x == f), "analyze lacks {f}");
        assert!(!extract.iter().any(|x| x == f), "extract lists {f}");
    }
    for f in extract_only {
        assert!(extract.iter().any(|x| x == f), "extract lacks {f}");
        assert!(!analyze.iter().any(|x| x == f), "analyze lists {f}");
    }
    for f in partial_only {
        assert!(extract.iter().any(|x| x == f), "extract lacks {f}");
        assert!(analyze.iter().any(|x| x == f), "analyze lacks {f}");
    }
    // Refused as usage errors (exit 1), not accepted and ignored.
    let refused = |args: &[&str], needle: &str| {
        let out = slant(p, args);
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(1), "{args:?}:\n{err}");
        assert!(err.contains(needle), "{args:?}:\n{err}");
        assert!(!p.join("r").exists(), "{args:?} wrote reports");
    };
    refused(
        &["analyze", "in.txt", "-o", "r", "--evidence", "some"],
        "invalid value 'some' for '--evidence",
    );
    for f in analysis_only {
        let mut args = vec!["extract", "in.txt", "-o", "r", f];
        if !matches!(f, "--exact-variance" | "--all-terms" | "--no-models") {
            args.push(match f {
                "--prior" => "uniform",
                "--sentences" => "all",
                _ => "1",
            });
        }
        refused(&args, &format!("unexpected argument '{f}'"));
    }
    for f in partial_only {
        let mut args = vec!["extract", "in.txt", "-o", "r", f];
        if !matches!(f, "--no-models" | "--no-labels") {
            args.push(if f == "--sentences" { "all" } else { "1" });
        }
        refused(&args, "--partial");
    }
    refused(
        &["extract", "in.txt", "-o", "r", "--evidence-sentiment"],
        "--evidence",
    );
    // One default per option, in every subcommand.
    for cmd in [
        &["analyze"][..],
        &["extract"],
        &["eval"],
        &["train", "loaded"],
        &["train", "slant"],
        &["lexicon", "check"],
        &["lexicon", "list"],
        &["lexicon", "terms"],
    ] {
        for (flag, text) in help_options(p, cmd) {
            assert!(
                text.matches("[default:").count() <= 1,
                "{cmd:?} {flag} shows two defaults: {text}"
            );
        }
    }
    let threads = help_options(p, &["extract"])
        .into_iter()
        .find(|(f, _)| f == "--threads")
        .unwrap()
        .1;
    assert!(threads.contains("[default: all cores]"), "{threads}");
    // And the options still work where they belong.
    slant_ok(
        p,
        &[
            "extract",
            "in.txt",
            "-o",
            "x",
            "--evidence",
            "--evidence-sentiment",
            "--quiet",
        ],
    );
    assert!(p.join("x/evidence.csv").is_file());
    slant_ok(
        p,
        &[
            "analyze",
            "in.txt",
            "-o",
            "a",
            "--seed",
            "7",
            "--bootstrap",
            "10",
            "--no-models",
            "--quiet",
        ],
    );
    assert!(p.join("a/evidence.csv").is_file());
}

/// `--source-map` makes an outlet's several names one source before
/// anything is counted (duplicate ids included), and run.json says which
/// names were renamed and which map was used; a bad map names its line.
#[test]
fn source_map_merges_aliases_before_counting() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("c.csv"),
        "id,source,text\n\
         1,Fox News,The rebels advanced on the town.\n\
         2, FOX NEWS ,The insurgents held the bridge.\n\
         3,Fox Online News,The militants fled the city.\n\
         1,Fox Online News,The rebels came back.\n\
         4,Ledger,The fighters rested.\n",
    )
    .unwrap();
    std::fs::write(
        p.join("map.csv"),
        "alias,source\nfox news,Fox News\nFox Online News,Fox News\n",
    )
    .unwrap();
    slant_ok(
        p,
        &[
            "analyze",
            "c.csv",
            "--source-map",
            "map.csv",
            "-o",
            "r",
            "--quiet",
        ],
    );
    let (h, rows) = read_csv(&p.join("r/sources.csv"));
    let sources: Vec<&str> = rows.iter().map(|r| cell(&h, r, "source")).collect();
    assert_eq!(sources, ["Fox News", "Ledger"]);
    // Record 4 repeats (Fox News, 1) once its source is mapped.
    let (h, rows) = read_csv(&p.join("r/rejected.csv"));
    assert_eq!(rows.len(), 1);
    assert!(cell(&h, &rows[0], "reason").starts_with("duplicate document id `1`"));
    let run: serde_json::Value = serde_json::from_str(&read(&p.join("r/run.json"))).unwrap();
    let renamed = &run["inputs"][0]["renamed"];
    assert_eq!(renamed["FOX NEWS"], 1);
    assert_eq!(renamed["Fox Online News"], 2);
    assert!(renamed.get("Fox News").is_none(), "{renamed}");
    let map = run.to_string();
    assert!(
        map.contains("\"source_map\":{\"path\":\"map.csv\",\"sha256\":\""),
        "{map}"
    );

    std::fs::write(p.join("bad.csv"), "alias,source\nA,B\nB,C\n").unwrap();
    let out = slant(
        p,
        &["analyze", "c.csv", "--source-map", "bad.csv", "-o", "r2"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.csv: line 2: `B` is itself an alias"),
        "{err}"
    );
}

/// `--scale` writes Wordfish positions for every source with enough
/// documents, in the anchor's direction, the same on any thread count, and
/// says in run.json how the fit went.
#[test]
fn scale_writes_positions_in_the_anchors_direction() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let sample = env!("CARGO_MANIFEST_DIR").to_string() + "/data/sample";
    let run = |out: &str, threads: &str, anchor: &str| {
        slant_ok(
            p,
            &[
                "analyze",
                &sample,
                "-o",
                out,
                "--quiet",
                "--threads",
                threads,
                "--scale",
                "--scale-min-docs",
                "2",
                "--scale-bootstrap",
                "4",
                "--scale-anchor",
                anchor,
            ],
        );
        read_csv(&p.join(out).join("scaling.csv"))
    };
    let (h, rows) = run("a", "1", "daily-ledger,the-beacon");
    assert_eq!(
        h,
        ["source", "docs", "theta", "se", "ci_low", "ci_high", "alpha"]
    );
    let theta = |rows: &[Vec<String>], s: &str| -> f64 {
        let r = rows.iter().find(|r| r[0] == s).unwrap();
        r[2].parse().unwrap()
    };
    assert_eq!(rows.len(), 5);
    assert!(theta(&rows, "daily-ledger") < theta(&rows, "the-beacon"));
    let (_, flipped) = run("b", "2", "the-beacon,daily-ledger");
    assert!(theta(&flipped, "the-beacon") < theta(&flipped, "daily-ledger"));
    let (_, again) = run("c", "2", "daily-ledger,the-beacon");
    assert_eq!(again, rows, "same positions on 1 and 2 threads");
    assert_eq!(
        read(&p.join("a/scaling_words.csv")),
        read(&p.join("c/scaling_words.csv"))
    );
    let run_json: serde_json::Value = serde_json::from_str(&read(&p.join("a/run.json"))).unwrap();
    assert_eq!(run_json["scaling"]["sources"], 5);
    assert!(run_json["scaling"]["converged"].is_boolean());
    // An anchor that is not a scaled source is a usage error.
    let out = slant(
        p,
        &[
            "analyze",
            &sample,
            "-o",
            "d",
            "--scale",
            "--scale-anchor",
            "x,y",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
}

/// Site boilerplate, a source's own name and the user's stop-words stay out
/// of terms.csv; boilerplate.csv and run.json say what was left out.
#[test]
fn boilerplate_own_names_and_stopwords_leave_the_terms() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let towns = [
        "Kestria", "Velmir", "Ondrava", "Dask", "Brask", "Menk", "Sarn", "Tolk", "Ivra", "Pell",
    ];
    let mut csv = String::from("id,source,text\n");
    for (i, town) in towns.iter().enumerate() {
        // In every Daily Ledger document: a reprint line (boilerplate), a
        // video embed (furniture), the outlet's name; a line in only two.
        let extra = if i < 2 {
            " Our archive keeps growing."
        } else {
            ""
        };
        csv.push_str(&format!(
            "l{i},Daily Ledger,\"Rebels seized {town} overnight, the Daily Ledger learned. \
             All rights reserved by the publisher.{extra}\n\nJUST WATCHED Rebels in {town} Replay More Videos\"\n"
        ));
        csv.push_str(&format!(
            "w{i},Wire,\"Insurgents entered {town} on foot. Officials counted the damage in {town}.\"\n"
        ));
    }
    std::fs::write(p.join("in.csv"), csv).unwrap();
    std::fs::write(p.join("stop.txt"), "# ours\nOfficials\n").unwrap();
    let args = [
        "analyze",
        "in.csv",
        "--quiet",
        "--no-models",
        "--all-terms",
        "--min-count",
        "1",
        "--bootstrap",
        "10",
        "--stopwords",
        "stop.txt",
    ];
    slant_ok(p, &[&args[..], &["-o", "r"]].concat());
    let (h, rows) = read_csv(&p.join("r/terms.csv"));
    let terms: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| cell(&h, r, "kind") == "ngram")
        .map(|r| (cell(&h, r, "source"), cell(&h, r, "term")))
        .collect();
    let ledger: Vec<&str> = terms
        .iter()
        .filter(|(s, _)| *s == "Daily Ledger")
        .map(|(_, t)| *t)
        .collect();
    for gone in [
        "rights",
        "reserved",
        "publisher",
        "watched",
        "videos",
        "ledger",
        "daily ledger",
        "the daily",
    ] {
        assert!(!ledger.contains(&gone), "{gone} in {ledger:?}");
    }
    for kept in ["rebels", "seized", "archive", "learned"] {
        assert!(ledger.contains(&kept), "{kept} not in {ledger:?}");
    }
    assert!(!terms
        .iter()
        .any(|(_, t)| t.split(' ').any(|w| w == "officials")));
    assert!(terms.iter().any(|(s, t)| *s == "Wire" && *t == "counted"));
    let (h, rows) = read_csv(&p.join("r/boilerplate.csv"));
    let got: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| {
            ["source", "kind", "text", "documents", "sentences"]
                .map(|c| cell(&h, r, c))
                .to_vec()
        })
        .collect();
    assert_eq!(
        got,
        [
            vec!["Daily Ledger", "furniture", "just watched …", "10", "10"],
            vec![
                "Daily Ledger",
                "repeated",
                "all rights reserved by the publisher",
                "10",
                "10"
            ],
        ]
    );
    let run: serde_json::Value = serde_json::from_str(&read(&p.join("r/run.json"))).unwrap();
    assert_eq!(run["boilerplate"]["repeated_occurrences"], 10);
    assert_eq!(run["boilerplate"]["furniture_sentences"], 10);
    assert_eq!(run["boilerplate"]["ngrams_removed"], 110);
    assert_eq!(run["stopwords"]["words"], 1);
    assert_eq!(run["options"]["stopwords"], "stop.txt");
    assert_eq!(run["options"]["features"]["boilerplate_min_docs"], 5);
    // --boilerplate-min-docs 0 keeps everything (the outlet's name still goes).
    let mut off = args.to_vec();
    off.extend(["--boilerplate-min-docs", "0", "-o", "r0"]);
    slant_ok(p, &off);
    let terms = read(&p.join("r0/terms.csv"));
    assert!(terms.contains("Daily Ledger,ngram,,publisher,"));
    assert!(terms.contains("Daily Ledger,ngram,,just watched,"));
    assert!(!terms.contains("Daily Ledger,ngram,,ledger,"));
    assert_eq!(
        read(&p.join("r0/boilerplate.csv")),
        "source,kind,text,documents,sentences\n"
    );
}
