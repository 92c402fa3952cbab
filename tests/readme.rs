//! The README's data dictionary names every column slant writes: a run on
//! the shipped sample with every optional report asked for, and each CSV's
//! header checked against the table under that file's heading (with
//! `{category}` and `{family}` standing for the lexicon's ids).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Per report file named in a `### ` heading, the column names in the first
/// cell of its tables (backticked; placeholders kept). A section that says
/// it has "the columns of `other.csv`" gets that file's names too.
fn dictionary(readme: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Vec<String> = Vec::new();
    let mut inherits: Vec<(String, String)> = Vec::new();
    for line in readme.lines() {
        if let Some(i) = line.find("The columns of `") {
            if let Some(other) = ticked(&line[i..]).first() {
                for f in &current {
                    inherits.push((f.clone(), other.clone()));
                }
            }
        }
        if let Some(h) = line.strip_prefix("### ") {
            let title = h.split(" — ").next().unwrap_or(h);
            current = ticked(title)
                .into_iter()
                .filter(|f| f.ends_with(".csv"))
                .collect();
            continue;
        }
        if line.starts_with("## ") {
            current.clear();
            continue;
        }
        if let Some(rest) = line.strip_prefix('|') {
            let first = rest.split('|').next().unwrap_or("");
            for f in &current {
                out.entry(f.clone()).or_default().extend(ticked(first));
            }
        }
    }
    for (f, other) in inherits {
        let names = out.get(&other).cloned().unwrap_or_default();
        out.entry(f).or_default().extend(names);
    }
    out
}

/// The backticked words of `s`.
fn ticked(s: &str) -> Vec<String> {
    s.split('`')
        .skip(1)
        .step_by(2)
        .map(|w| w.trim().to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

fn documented(col: &str, names: &BTreeSet<String>, cats: &[String], fams: &[String]) -> bool {
    if names.contains(col) {
        return true;
    }
    names.iter().any(|n| {
        let expand = |key: &str, ids: &[String]| {
            n.contains(key) && ids.iter().any(|id| n.replace(key, id) == col)
        };
        expand("{category}", cats) || expand("{family}", fams)
    })
}

#[test]
fn every_report_column_is_in_the_readme() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let dict = dictionary(&readme);
    let lex = slant::lexicon::Lexicon::builtin();
    let cats: Vec<String> = lex.categories.iter().map(|c| c.id.clone()).collect();
    let fams: Vec<String> = lex.families.iter().map(|f| f.id.clone()).collect();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    // Every optional report: groups and comparisons, the time series,
    // Wordfish, a kept column.
    let groups = dir.path().join("groups.csv");
    std::fs::write(
        &groups,
        "source,group\ndaily-ledger,a\ncivic-wire,a\nnorthern-post,b\nthe-beacon,b\nfrontline-news,b\n",
    )
    .unwrap();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_slant"))
        .current_dir(root)
        .args(["analyze", "data/sample", "-o"])
        .arg(&out)
        .args([
            "--quiet",
            "--scale",
            "--scale-min-docs",
            "1",
            "--period",
            "month",
        ])
        .arg("--groups")
        .arg(&groups)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let mut missing = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".csv"))
        .collect();
    files.sort();
    for f in [
        "groups.csv",
        "comparisons.csv",
        "timeseries.csv",
        "scaling.csv",
        "sources_long.csv",
    ] {
        assert!(files.iter().any(|x| x == f), "{f} not written: {files:?}");
    }
    for f in &files {
        let names = dict
            .get(f)
            .unwrap_or_else(|| panic!("README has no `### `{f}`` section"));
        let mut r = csv::Reader::from_path(out.join(f)).unwrap();
        for col in r.headers().unwrap() {
            if !documented(col, names, &cats, &fams) {
                missing.push(format!("{f}: {col}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "columns missing from the README:\n{}",
        missing.join("\n")
    );
}

/// The check sees an undocumented column.
#[test]
fn the_dictionary_check_can_fail() {
    let readme = "## Reports\n### `a.csv` — x\n| column | meaning |\n|---|---|\n| `id`, `{family}_score` | y |\n";
    let d = dictionary(readme);
    let names = &d["a.csv"];
    let fams = vec!["armed_group".to_string()];
    assert!(documented("id", names, &[], &fams));
    assert!(documented("armed_group_score", names, &[], &fams));
    assert!(!documented("armed_group_flag", names, &[], &fams));
    assert!(!documented("other", names, &[], &fams));
}
