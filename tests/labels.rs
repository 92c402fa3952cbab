//! `labels.csv`: who is called what, by whom. Runs the binary on a small
//! corpus written for these tests (two stories, three outlets).

mod common;
use common::{cell, read_csv, slant, slant_ok};

const CORPUS: &str = "id,source,story,text
1,north,strike,\"The Taliban, an Islamist militant group, attacked a checkpoint. The group denied it.\n\nPresident Donald Trump said he spoke with the terrorist group.\"
2,south,strike,\"Taliban fighters attacked a checkpoint on Monday. \"\"The Taliban are terrorists,\"\" a senator said.\"
3,west,strike,\"The Taliban promised not to allow al-Qaeda or any other extremist group to operate. Donald Trump spoke.\"
4,north,summit,\"North Korean dictator Kim Jong Un met Mr. Moon. The dictator smiled.\"
5,south,summit,\"Kim Jong Un, the North Korean leader, met Moon Jae-in.\"
";

fn rows_of(dir: &std::path::Path) -> Vec<(String, String, String, String, String, String)> {
    let (h, rows) = read_csv(&dir.join("labels.csv"));
    assert_eq!(
        h,
        ["story", "referent", "source", "label", "voice", "link", "count", "z"]
    );
    rows.iter()
        .map(|r| {
            let c = |n: &str| cell(&h, r, n).to_string();
            (
                c("story"),
                c("referent"),
                c("source"),
                c("label"),
                c("voice"),
                c("link"),
            )
        })
        .collect()
}

#[test]
fn labels_per_story_referent_and_source() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.csv"), CORPUS).unwrap();
    slant_ok(
        dir.path(),
        &["analyze", "in.csv", "-o", "r", "--quiet", "--no-models"],
    );
    let rows = rows_of(&dir.path().join("r"));
    let has = |story: &str, referent: &str, source: &str, label: &str, voice: &str, link: &str| {
        rows.iter().any(|r| {
            (
                r.0.as_str(),
                r.1.as_str(),
                r.2.as_str(),
                r.3.as_str(),
                r.4.as_str(),
                r.5.as_str(),
            ) == (story, referent, source, label, voice, link)
        })
    };
    assert!(
        has(
            "strike",
            "Taliban",
            "north",
            "islamist militant group",
            "authorial",
            "apposition"
        ),
        "{rows:?}"
    );
    assert!(
        has(
            "strike",
            "Taliban",
            "north",
            "group",
            "authorial",
            "anaphora"
        ),
        "{rows:?}"
    );
    // In a paragraph of its own after Trump (not a group): the story's
    // group.
    assert!(
        has(
            "strike",
            "Taliban",
            "north",
            "terrorist group",
            "authorial",
            "salience"
        ),
        "{rows:?}"
    );
    assert!(
        has(
            "strike",
            "Taliban",
            "south",
            "fighters",
            "authorial",
            "premodifier"
        ),
        "{rows:?}"
    );
    assert!(
        has(
            "strike",
            "Taliban",
            "south",
            "terrorists",
            "quoted",
            "copula"
        ),
        "{rows:?}"
    );
    assert!(
        has(
            "summit",
            "Kim Jong Un",
            "north",
            "north korean dictator",
            "authorial",
            "title"
        ),
        "{rows:?}"
    );
    assert!(
        has(
            "summit",
            "Kim Jong Un",
            "south",
            "north korean leader",
            "authorial",
            "apposition"
        ),
        "{rows:?}"
    );
    // The families over the linked labels only.
    let (h, fam) = read_csv(&dir.path().join("r/referent_families.csv"));
    assert_eq!(
        h,
        [
            "source",
            "referent",
            "family",
            "variant",
            "tone",
            "authorial_count",
            "quoted_count",
            "share",
            "tone_mean"
        ]
    );
    let _ = fam;
    // The page: a "who is called what" section with each source's labels.
    let html = std::fs::read_to_string(dir.path().join("r/report.html")).unwrap();
    let section = &html[html.find("id=\"labels\"").expect("labels section")..];
    assert!(
        section.contains("<mark>islamist militant group</mark> 1"),
        "{section}"
    );
    assert!(
        section.contains("<mark>terrorists</mark> 1 <i>q</i>"),
        "{section}"
    );
    // Coordination: "al-Qaeda or any other extremist group" is nobody's label.
    assert!(rows.iter().all(|r| r.3 != "extremist group"), "{rows:?}");
    // --label-rules switches rules off; an unknown one is a usage error.
    slant_ok(
        dir.path(),
        &[
            "analyze",
            "in.csv",
            "-o",
            "t",
            "--quiet",
            "--no-models",
            "--label-rules",
            "title",
        ],
    );
    assert!(rows_of(&dir.path().join("t"))
        .iter()
        .all(|r| r.5 == "title" || r.5 == "unresolved"));
    let out = slant(
        dir.path(),
        &["analyze", "in.csv", "-o", "u", "--label-rules", "guess"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--label-rules"));
    // --no-labels: no labels.csv.
    slant_ok(
        dir.path(),
        &[
            "analyze",
            "in.csv",
            "-o",
            "n",
            "--quiet",
            "--no-models",
            "--no-labels",
        ],
    );
    assert!(!dir.path().join("n/labels.csv").exists());
}

#[test]
fn labels_do_not_depend_on_threads_or_input_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines: Vec<&str> = CORPUS.split_inclusive("\"\n").collect();
    std::fs::write(dir.path().join("a.csv"), lines.concat()).unwrap();
    let header = lines.remove(0);
    let (head, first) = header.split_once('\n').unwrap();
    lines.insert(0, first);
    lines.reverse();
    std::fs::write(
        dir.path().join("b.csv"),
        format!("{head}\n{}", lines.concat()),
    )
    .unwrap();
    slant_ok(
        dir.path(),
        &[
            "analyze",
            "a.csv",
            "-o",
            "t1",
            "--threads",
            "1",
            "--quiet",
            "--no-models",
        ],
    );
    slant_ok(
        dir.path(),
        &[
            "analyze",
            "b.csv",
            "-o",
            "t2",
            "--threads",
            "2",
            "--quiet",
            "--no-models",
        ],
    );
    let x = std::fs::read(dir.path().join("t1/labels.csv")).unwrap();
    let y = std::fs::read(dir.path().join("t2/labels.csv")).unwrap();
    assert!(x.len() > 100);
    assert_eq!(String::from_utf8(x).unwrap(), String::from_utf8(y).unwrap());
}

#[test]
fn labels_suggest_drafts_a_lexicon_that_lexicon_check_accepts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("labels.csv"),
        "story,referent,source,label,voice,link,count,z\n\
         s,Taliban,a,terrorist group,authorial,title,3,1.2\n\
         s,Taliban,b,militant group,quoted,anaphora,2,\n\
         t,Taliban,b,militant group,authorial,anaphora,1,\n\
         s,Taliban,c,fighters,authorial,premodifier,1,\n\
         s,unresolved,a,group,authorial,unresolved,9,\n",
    )
    .unwrap();
    slant_ok(
        dir.path(),
        &[
            "labels",
            "suggest",
            "labels.csv",
            "-o",
            "draft.toml",
            "--min-count",
            "2",
        ],
    );
    let toml = std::fs::read_to_string(dir.path().join("draft.toml")).unwrap();
    assert!(toml.contains("id = \"labels_taliban\""), "{toml}");
    assert!(
        toml.contains("terms = [\"militant group\"]  # b 3"),
        "{toml}"
    );
    assert!(
        !toml.contains("fighters") && !toml.contains("unresolved"),
        "{toml}"
    );
    let out = slant_ok(dir.path(), &["lexicon", "check", "draft.toml"]);
    let _ = out;
    // Not a labels.csv: exit 1, the message names the file and the column.
    std::fs::write(dir.path().join("other.csv"), "a,b\n1,2\n").unwrap();
    let out = slant(
        dir.path(),
        &["labels", "suggest", "other.csv", "-o", "x.toml"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("other.csv") && err.contains("referent"),
        "{err}"
    );
}
