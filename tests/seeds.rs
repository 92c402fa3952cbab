//! The reference case: the five seed articles in ../shared/seeds (skipped
//! when ../shared is not beside the checkout).

mod common;

use common::*;

#[test]
fn seeds_armed_group_labels_and_voice() {
    let Some(shared) = shared() else {
        eprintln!("../shared not found; skipping");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let seeds = shared.join("seeds");
    let manifest = seeds.join("manifest.csv");
    slant_ok(
        dir.path(),
        &[
            "analyze",
            seeds.to_str().unwrap(),
            "--manifest",
            manifest.to_str().unwrap(),
            "-o",
            "r",
            "--quiet",
        ],
    );
    let r = dir.path().join("r");
    let (h, rows) = read_csv(&r.join("families.csv"));
    let count = |source: &str, variant: &str, col: &str| -> u64 {
        rows.iter()
            .find(|x| {
                x[0] == source
                    && cell(&h, x, "family") == "armed_group"
                    && cell(&h, x, "variant") == variant
            })
            .map(|x| cell(&h, x, col).parse().unwrap())
            .unwrap_or_else(|| panic!("no row {source} {variant}"))
    };
    let (sh, srows) = read_csv(&r.join("sources.csv"));
    let dominant = |source: &str| -> String {
        let row = srows.iter().find(|x| x[0] == source).unwrap();
        cell(&sh, row, "armed_group_dominant").to_string()
    };
    assert_eq!(dominant("business-insider"), "terrorist");
    assert!(count("business-insider", "islamist", "authorial_count") >= 1);
    assert_eq!(dominant("outlet-002"), "insurgent");
    assert_eq!(dominant("bloomberg"), "militant");
    assert_eq!(dominant("outlet-001"), "fighters");
    assert_eq!(dominant("outlet-004"), "fighters");
    // Trump's quoted "They will be killing terrorists" counts as quoted.
    assert!(count("outlet-002", "terrorist", "quoted_count") >= 1);
    let (eh, erows) = read_csv(&r.join("evidence.csv"));
    let quoted_terrorists = erows
        .iter()
        .find(|x| cell(&eh, x, "source") == "outlet-002" && cell(&eh, x, "term") == "terrorists");
    assert_eq!(cell(&eh, quoted_terrorists.unwrap(), "voice"), "quoted");
    // Each match names the referent of its label: business-insider's
    // "terrorist group" is the Taliban, outlet-002's "extremist group" and
    // "terror groups" ("al-Qaeda or any other extremist group") are not.
    let referents = |source: &str, term: &str| -> Vec<String> {
        erows
            .iter()
            .filter(|x| cell(&eh, x, "source") == source && cell(&eh, x, "term") == term)
            .map(|x| cell(&eh, x, "referent").to_string())
            .collect()
    };
    let bi = referents("business-insider", "terrorist group");
    assert!(
        !bi.is_empty() && bi.iter().all(|r| r == "Taliban"),
        "{bi:?}"
    );
    assert_eq!(referents("bloomberg", "militant group"), ["Taliban"; 2]);
    for term in ["extremist group", "terror groups"] {
        let r = referents("outlet-002", term);
        assert!(
            !r.is_empty() && r.iter().all(|r| r != "Taliban"),
            "{term}: {r:?}"
        );
    }
    // No mojibake survives in any output.
    for f in [
        "sources.csv",
        "families.csv",
        "documents.csv",
        "evidence.csv",
    ] {
        let text = std::fs::read_to_string(r.join(f)).unwrap();
        assert!(
            !text.contains("â€") && !text.contains('Ã'),
            "mojibake in {f}"
        );
    }
    let (dh, drows) = read_csv(&r.join("documents.csv"));
    let bloomberg = drows
        .iter()
        .find(|x| cell(&dh, x, "source") == "bloomberg")
        .unwrap();
    assert!(cell(&dh, bloomberg, "repairs").parse::<u64>().unwrap() >= 10);
}
