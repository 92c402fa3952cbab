//! End-to-end tests of groups, comparisons and kept columns
//! (`--group-col`, `--groups`, `--compare`, `--keep-col`).

mod common;

use common::*;
use std::path::Path;

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Six sources in two groups, four documents each: the "left" ones call
/// the armed group insurgents, the "right" ones terrorists. `wire-c` has
/// one document marked "left" among three "right" ones; `blog` has no
/// group value at all.
fn corpus(dir: &Path) -> std::path::PathBuf {
    let mut csv = String::from("id,source,bias,topic,text\n");
    let mut n = 0;
    for (source, bias, word) in [
        ("ledger-a", "left", "insurgents"),
        ("ledger-b", "left", "insurgents"),
        ("post-a", "left", "rebels"),
        ("wire-a", "right", "terrorists"),
        ("wire-b", "right", "terrorists"),
        ("wire-c", "right", "terrorists"),
        ("blog", "", "militants"),
    ] {
        for i in 0..4 {
            n += 1;
            let bias = if source == "wire-c" && i == 0 {
                "left"
            } else {
                bias
            };
            let topic = if i == 1 { "" } else { "security" };
            csv.push_str(&format!(
                "{n},{source},{bias},{topic},The {word} attacked the depot. Officials said the {word} fled; the {word} were reportedly armed.\n"
            ));
        }
    }
    let p = dir.join("news.csv");
    std::fs::write(&p, csv).unwrap();
    p
}

fn analyze(dir: &Path, out: &str, extra: &[&str]) -> std::process::Output {
    let input = corpus(dir);
    let mut args = vec![
        "analyze",
        input.to_str().unwrap(),
        "-o",
        out,
        "--quiet",
        "--no-models",
        "--bootstrap",
        "200",
    ];
    args.extend(extra);
    slant(dir, &args)
}

#[test]
fn group_col_writes_groups_and_comparisons() {
    let dir = tempfile::tempdir().unwrap();
    let out = analyze(dir.path(), "r", &["--group-col", "bias"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = dir.path().join("r");
    let (h, rows) = read_csv(&r.join("groups.csv"));
    assert_eq!(h[..3], ["group", "n_sources", "documents"]);
    let names: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(names, ["left", "right"]);
    // wire-c goes with its majority: right has three sources, 12 documents.
    assert_eq!((rows[1][1].as_str(), rows[1][2].as_str()), ("3", "12"));
    // The same score columns as sources.csv.
    let (sh, _) = read_csv(&r.join("sources.csv"));
    assert_eq!(h[2..], sh[1..]);
    let left: f64 = cell(&h, &rows[0], "armed_group_score").parse().unwrap();
    let right: f64 = cell(&h, &rows[1], "armed_group_score").parse().unwrap();
    assert!(right < left, "{right} {left}");

    let (ch, crow) = read_csv(&r.join("comparisons.csv"));
    assert_eq!(
        ch,
        [
            "group_a",
            "group_b",
            "measure_kind",
            "measure",
            "value_a",
            "value_b",
            "difference",
            "ci_low",
            "ci_high",
            "n_sources_a",
            "n_sources_b",
            "n_docs_a",
            "n_docs_b"
        ]
    );
    let armed = crow.iter().find(|r| r[3] == "armed_group").unwrap();
    assert_eq!(
        (armed[0].as_str(), armed[1].as_str(), armed[2].as_str()),
        ("left", "right", "family")
    );
    let d: f64 = cell(&ch, armed, "difference").parse().unwrap();
    let hi: f64 = cell(&ch, armed, "ci_high").parse().unwrap();
    assert!(d < 0.0 && hi < 0.0, "{d} {hi}");
    assert!(crow.iter().any(|r| r[2] == "category" && r[3] == "hedge"));

    let run: serde_json::Value = serde_json::from_str(&read(&r.join("run.json"))).unwrap();
    let g = &run["groups"];
    assert_eq!(g["from"], "column bias");
    assert_eq!(
        (g["groups"].as_u64(), g["conflicting_sources"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(g["conflicting_documents"], 1);
    assert_eq!(
        (
            g["sources_without_group"].as_u64(),
            g["documents_without_group"].as_u64()
        ),
        (Some(1), Some(4))
    );
    assert_eq!(run["options"]["read"]["group_col"], "bias");
    let html = read(&r.join("report.html"));
    assert!(html.contains("id=\"groups\"") && html.contains("class=\"comparison sig\""));
}

#[test]
fn conflicts_are_warned_about_once() {
    let dir = tempfile::tempdir().unwrap();
    let input = corpus(dir.path());
    let out = slant(
        dir.path(),
        &[
            "analyze",
            input.to_str().unwrap(),
            "-o",
            "r",
            "--no-models",
            "--bootstrap",
            "20",
            "--group-col",
            "bias",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.matches("more than one --group-col value").count(),
        1,
        "{err}"
    );
    assert!(err.contains("wire-c: left 1, right 3"), "{err}");
    assert!(
        err.contains("1 of 7 sources (4 documents) have no group"),
        "{err}"
    );
}

#[test]
fn outputs_do_not_depend_on_threads() {
    let dir = tempfile::tempdir().unwrap();
    for t in ["1", "3"] {
        let out = analyze(
            dir.path(),
            &format!("t{t}"),
            &["--group-col", "bias", "--threads", t],
        );
        assert!(out.status.success());
    }
    for f in [
        "groups.csv",
        "comparisons.csv",
        "documents.csv",
        "run.json",
        "report.html",
    ] {
        let (a, b) = (
            read(&dir.path().join("t1").join(f)),
            read(&dir.path().join("t3").join(f)),
        );
        assert!(a == b, "{f} differs between --threads 1 and 3");
    }
}

#[test]
fn groups_file_is_applied_after_the_source_map() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("map.csv"), "alias,source\nwire-c,Wire C\n").unwrap();
    std::fs::write(
        dir.path().join("g.csv"),
        "source,group\nledger-a,left\nledger-b,left\nwire c,right\nwire-a,right\nnowhere,right\n",
    )
    .unwrap();
    let out = analyze(
        dir.path(),
        "r",
        &["--source-map", "map.csv", "--groups", "g.csv"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, rows) = read_csv(&dir.path().join("r/groups.csv"));
    assert_eq!(
        rows.iter()
            .map(|r| (r[0].as_str(), r[1].as_str()))
            .collect::<Vec<_>>(),
        [("left", "2"), ("right", "2")]
    );
    let run: serde_json::Value =
        serde_json::from_str(&read(&dir.path().join("r/run.json"))).unwrap();
    assert_eq!(run["groups"]["listed_not_found"], 1);
    assert_eq!(run["groups"]["sources_without_group"], 3);
    assert_eq!(run["options"]["group_map"]["path"], "g.csv");

    // A bad file is refused with its line, and the old reports stay.
    std::fs::write(
        dir.path().join("bad.csv"),
        "source,group\nwire-a,right\nWIRE-A,left\n",
    )
    .unwrap();
    let out = analyze(dir.path(), "r", &["--groups", "bad.csv"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "bad.csv: line 3: source `WIRE-A` is put in `left`, but line 2 puts it in `right`"
        ),
        "{err}"
    );
}

#[test]
fn compare_takes_two_groups_or_two_sources() {
    let dir = tempfile::tempdir().unwrap();
    let out = analyze(dir.path(), "all", &["--group-col", "bias"]);
    assert!(out.status.success());
    let out = analyze(
        dir.path(),
        "pair",
        &["--group-col", "bias", "--compare", "right,left"],
    );
    assert!(out.status.success());
    // The pair's rows are those of the full run (streams per group).
    let all = read(&dir.path().join("all/comparisons.csv"));
    let pair = read(&dir.path().join("pair/comparisons.csv"));
    assert_eq!(all, pair);

    let out = analyze(dir.path(), "src", &["--compare", "wire-a,ledger-a"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (h, rows) = read_csv(&dir.path().join("src/comparisons.csv"));
    let armed = rows.iter().find(|r| r[3] == "armed_group").unwrap();
    assert_eq!(
        (armed[0].as_str(), armed[1].as_str()),
        ("ledger-a", "wire-a")
    );
    assert_eq!(
        (cell(&h, armed, "n_sources_a"), cell(&h, armed, "n_docs_b")),
        ("1", "4")
    );
    assert!(!dir.path().join("src/groups.csv").exists());

    let out = analyze(
        dir.path(),
        "bad",
        &["--group-col", "bias", "--compare", "left,centre"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no group or source named `centre` (groups: left, right)"),
        "{err}"
    );
}

#[test]
fn keep_col_carries_columns_into_documents_csv() {
    let dir = tempfile::tempdir().unwrap();
    let input = corpus(dir.path());
    let ok = |args: &[&str]| {
        let mut a = vec!["extract", input.to_str().unwrap(), "-o", "f", "--quiet"];
        a.extend(args);
        slant(dir.path(), &a)
    };
    let out = ok(&["--keep-col", "topic", "--keep-col", "bias"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (h, rows) = read_csv(&dir.path().join("f/documents.csv"));
    assert_eq!(h[h.len() - 2..], ["topic", "bias"]);
    assert_eq!(
        (cell(&h, &rows[0], "topic"), cell(&h, &rows[0], "bias")),
        ("security", "left")
    );
    assert_eq!(
        cell(&h, &rows[1], "topic"),
        "",
        "a missing value is an empty cell"
    );

    for (args, want) in [
        (
            vec!["--keep-col", "source"],
            "documents.csv already has a column named `source`",
        ),
        (
            vec!["--keep-col", "nope"],
            "no column `nope` for --keep-col",
        ),
    ] {
        let out = ok(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(want), "{args:?}: {err}");
    }

    // JSONL: a missing key is an empty cell; numbers keep their JSON text.
    let jsonl = dir.path().join("news.jsonl");
    std::fs::write(
        &jsonl,
        "{\"source\":\"a\",\"text\":\"Rebels fled.\",\"label\":1}\n{\"source\":\"b\",\"text\":\"Rebels fled.\"}\n",
    )
    .unwrap();
    let out = slant(
        dir.path(),
        &[
            "extract",
            "news.jsonl",
            "-o",
            "j",
            "--quiet",
            "--keep-col",
            "label",
        ],
    );
    assert!(out.status.success());
    let (h, rows) = read_csv(&dir.path().join("j/documents.csv"));
    assert_eq!(
        (cell(&h, &rows[0], "label"), cell(&h, &rows[1], "label")),
        ("1", "")
    );
}

#[test]
fn without_the_options_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let out = analyze(dir.path(), "r", &[]);
    assert!(out.status.success());
    let r = dir.path().join("r");
    assert!(!r.join("groups.csv").exists() && !r.join("comparisons.csv").exists());
    let run = read(&r.join("run.json"));
    assert!(
        !run.contains("\"groups\"") && !run.contains("keep_cols") && !run.contains("group_col")
    );
    assert!(!read(&r.join("report.html")).contains("id=\"groups\""));
}

#[test]
fn manifest_columns_are_kept_and_group_text_folders() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("articles");
    std::fs::create_dir_all(&f).unwrap();
    let mut manifest = String::from("file,source,bias\n");
    for (i, (source, bias, word)) in [
        ("a", "left", "insurgents"),
        ("a", "left", "insurgents"),
        ("b", "right", "terrorists"),
        ("b", "right", "terrorists"),
    ]
    .iter()
    .enumerate()
    {
        std::fs::write(
            f.join(format!("{i}.txt")),
            format!("The {word} attacked. The {word} fled."),
        )
        .unwrap();
        manifest.push_str(&format!("{i}.txt,{source},{bias}\n"));
    }
    std::fs::write(f.join("unlisted.txt"), "Rebels fled.").unwrap();
    std::fs::write(f.join("manifest.csv"), manifest).unwrap();
    let out = slant(
        dir.path(),
        &[
            "analyze",
            "articles",
            "-o",
            "r",
            "--quiet",
            "--no-models",
            "--bootstrap",
            "50",
            "--group-col",
            "bias",
            "--keep-col",
            "bias",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (h, rows) = read_csv(&dir.path().join("r/documents.csv"));
    let kept: Vec<&str> = rows.iter().map(|r| cell(&h, r, "bias")).collect();
    assert_eq!(kept, ["left", "left", "right", "right", ""]);
    let (_, groups) = read_csv(&dir.path().join("r/groups.csv"));
    assert_eq!(groups.len(), 2);

    let out = slant(
        dir.path(),
        &[
            "extract",
            "articles",
            "-o",
            "x",
            "--quiet",
            "--keep-col",
            "topic",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("manifest has no column `topic` for --keep-col"),
        "{err}"
    );
}

#[test]
fn a_group_column_without_values_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("news.jsonl"),
        "{\"source\":\"a\",\"text\":\"Rebels fled.\"}\n{\"source\":\"b\",\"text\":\"Insurgents fled.\"}\n",
    )
    .unwrap();
    let out = slant(
        dir.path(),
        &[
            "analyze",
            "news.jsonl",
            "-o",
            "r",
            "--no-models",
            "--bootstrap",
            "10",
            "--group-col",
            "bias",
        ],
    );
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no document has a value for --group-col bias"),
        "{err}"
    );
    let (h, rows) = read_csv(&dir.path().join("r/comparisons.csv"));
    assert_eq!((h.len(), rows.len()), (13, 0));
}
