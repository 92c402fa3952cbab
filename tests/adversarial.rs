//! Adversarial inputs (issue 6). Every case asserts its specific outcome:
//! analyzed (with the encoding, counts or evidence it must produce), or
//! rejected with its reason, file and line in `rejected.csv` and on stderr
//! while the run goes on, or — for unusable options, lexicons or input
//! files — a clear error and exit code 1 with no reports written.
//!
//! Every successful run is also checked for the invariants that hold for
//! all inputs (see [`analyze`]): exit code 0, no panic, and `run.json`
//! reconciling `read == analyzed + rejected` overall and per input, with
//! as many rows in `documents.csv` and `rejected.csv`.

mod common;

use common::{cell, read_csv, repo};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

type Table = (Vec<String>, Vec<Vec<String>>);

fn command(cwd: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_slant"));
    c.args(args)
        .current_dir(cwd)
        .env_remove("RUST_BACKTRACE")
        .env_remove("SLANT_FAIL_AFTER_DOCS");
    c
}

/// A panic is never an acceptable outcome, whatever the exit code.
fn no_panic(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        out.status.code().is_some(),
        "killed by a signal: {:?}\n{stderr}",
        out.status
    );
    assert_ne!(out.status.code(), Some(101), "panic:\n{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("internal error"),
        "panic:\n{stderr}"
    );
    stderr
}

/// What a successful run produced.
struct Outcome {
    out: PathBuf,
    stderr: String,
    run: Value,
    docs: Table,
    rejected: Table,
}

impl Outcome {
    fn counts(&self) -> (u64, u64, u64) {
        let d = &self.run["documents"];
        (
            d["read"].as_u64().unwrap(),
            d["analysed"].as_u64().unwrap(),
            d["rejected"].as_u64().unwrap(),
        )
    }

    /// The rejection reason for `file` (path suffix) at `line` ("" = whole file).
    fn reason(&self, file: &str, line: &str) -> String {
        let (h, rows) = &self.rejected;
        let hits: Vec<&Vec<String>> = rows
            .iter()
            .filter(|r| cell(h, r, "file").ends_with(file) && cell(h, r, "line") == line)
            .collect();
        assert_eq!(
            hits.len(),
            1,
            "expected one rejection of {file}:{line}, got {rows:?}"
        );
        cell(h, hits[0], "reason").to_string()
    }

    /// The documents.csv row of document `id`.
    fn doc(&self, id: &str) -> &[String] {
        let (h, rows) = &self.docs;
        rows.iter()
            .find(|r| cell(h, r, "id") == id)
            .unwrap_or_else(|| {
                panic!(
                    "document {id} not analysed; rejected: {:?}",
                    self.rejected.1
                )
            })
    }

    fn doc_cell(&self, id: &str, col: &str) -> String {
        cell(&self.docs.0, self.doc(id), col).to_string()
    }

    fn file(&self, name: &str) -> Table {
        read_csv(&self.out.join(name))
    }
}

/// Run `slant analyze ARGS -o r` in `dir`, require success, and check the
/// accounting every run must satisfy.
fn analyze(dir: &Path, args: &[&str]) -> Outcome {
    analyze_env(dir, args, &[])
}

fn analyze_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Outcome {
    let mut a = vec!["analyze"];
    a.extend_from_slice(args);
    a.extend_from_slice(&["-o", "r"]);
    let mut c = command(dir, &a);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().expect("run slant");
    let stderr = no_panic(&out);
    assert_eq!(out.status.code(), Some(0), "slant {a:?}:\n{stderr}");
    let r = dir.join("r");
    let run: Value =
        serde_json::from_str(&std::fs::read_to_string(r.join("run.json")).unwrap()).unwrap();
    let docs = read_csv(&r.join("documents.csv"));
    let rejected = read_csv(&r.join("rejected.csv"));
    let o = Outcome {
        out: r,
        stderr,
        run,
        docs,
        rejected,
    };
    let (read, analyzed, rejected) = o.counts();
    assert_eq!(read, analyzed + rejected, "run.json does not reconcile");
    assert_eq!(o.run["documents"]["reconciled"], true);
    let mut per_input = 0;
    for input in o.run["inputs"].as_array().unwrap() {
        let n = |k: &str| input[k].as_u64().unwrap();
        assert_eq!(n("read"), n("documents") + n("rejected"), "input {input}");
        per_input += n("read");
    }
    assert_eq!(per_input, read, "inputs[] do not add up to the total");
    assert_eq!(o.docs.1.len() as u64, analyzed, "documents.csv rows");
    assert_eq!(o.rejected.1.len() as u64, rejected, "rejected.csv rows");
    // Every rejection is also on stderr (the first 50), with its origin.
    if !args.contains(&"--quiet") {
        let h = &o.rejected.0;
        for r in o.rejected.1.iter().take(50) {
            let (file, line, rec) = (cell(h, r, "file"), cell(h, r, "line"), cell(h, r, "record"));
            let origin = if line.is_empty() {
                file.to_string()
            } else {
                format!("{file}:{line} (record {rec})")
            };
            let reason = cell(h, r, "reason");
            let first = reason.lines().next().unwrap_or("");
            let needle = format!("slant: rejected {origin}: {first}");
            assert!(
                o.stderr.contains(&needle),
                "stderr lacks {needle:?}:\n{}",
                o.stderr
            );
        }
    }
    o
}

/// Input `i`'s skipped entries in `run.json`, as (file, reason).
fn skipped(o: &Outcome, i: usize) -> Vec<(String, String)> {
    let list = o.run["inputs"][i]["skipped"].as_array();
    list.map(|l| {
        l.iter()
            .map(|s| {
                let f = |k: &str| s[k].as_str().unwrap().to_string();
                (f("file"), f("reason"))
            })
            .collect()
    })
    .unwrap_or_default()
}

/// Run `slant ARGS -o r` in `dir` and require a clear error: exit code 1,
/// a message containing `needle`, and no reports or staging directory.
fn refused(dir: &Path, args: &[&str], needle: &str) {
    let mut a = args.to_vec();
    a.extend_from_slice(&["-o", "r"]);
    let out = command(dir, &a).output().expect("run slant");
    let stderr = no_panic(&out);
    assert_eq!(out.status.code(), Some(1), "slant {a:?}:\n{stderr}");
    assert!(stderr.contains("slant: error:"), "{stderr}");
    assert!(
        stderr.contains(needle),
        "stderr lacks {needle:?}:\n{stderr}"
    );
    assert!(!dir.join("r").exists(), "reports written despite the error");
    assert_eq!(staging_dirs(dir), Vec::<String>::new());
}

/// Staging directories left beside `r`.
fn staging_dirs(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".r.slant-"))
        .collect()
}

fn utf16(s: &str, big_endian: bool) -> Vec<u8> {
    s.encode_utf16()
        .flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

fn utf32(s: &str, big_endian: bool) -> Vec<u8> {
    s.chars()
        .flat_map(|c| {
            if big_endian {
                (c as u32).to_be_bytes()
            } else {
                (c as u32).to_le_bytes()
            }
        })
        .collect()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// Evidence rows of document `id` as (term, voice, group, sentence).
fn evidence(o: &Outcome, id: &str) -> Vec<(String, String, String, String)> {
    let (h, rows) = o.file("evidence.csv");
    rows.iter()
        .filter(|r| cell(&h, r, "document_id") == id)
        .map(|r| {
            (
                cell(&h, r, "term").to_string(),
                cell(&h, r, "voice").to_string(),
                cell(&h, r, "group").to_string(),
                cell(&h, r, "sentence").to_string(),
            )
        })
        .collect()
}

const SENTENCE: &str = "The insurgents attacked the town.";

enum Expect {
    /// Analyzed, decoded from this encoding, with this many tokens.
    Analysed(&'static str, u64),
    /// Rejected with exactly this reason.
    Rejected(String),
}

/// One folder of text files, one file per case; one run.
#[test]
fn text_files_encodings_and_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("in");
    std::fs::create_dir(&d).unwrap();
    let invalid_prefix = "Les insurgés ont attaqué la ville. ";
    let mut invalid = invalid_prefix.as_bytes().to_vec();
    invalid.extend_from_slice(b"\xff\xfe Puis ils sont partis, d\xc3\xa9\xc3\xa7us.");
    let mut lone_surrogate = b"\xff\xfe".to_vec();
    lone_surrogate.extend(utf16("The insurgents ", false));
    lone_surrogate.extend_from_slice(&[0x00, 0xd8]);
    lone_surrogate.extend(utf16(" attacked.", false));
    let cases: Vec<(&str, Vec<u8>, Expect)> = vec![
        (
            "invalid_utf8_mid.txt",
            invalid,
            Expect::Rejected(format!("invalid UTF-8 at byte {}", invalid_prefix.len())),
        ),
        (
            "utf16le_bom.txt",
            [b"\xff\xfe".to_vec(), utf16(SENTENCE, false)].concat(),
            Expect::Analysed("UTF-16LE", 5),
        ),
        (
            "utf16be_bom.txt",
            [b"\xfe\xff".to_vec(), utf16(SENTENCE, true)].concat(),
            Expect::Analysed("UTF-16BE", 5),
        ),
        (
            "utf16le_nobom.txt",
            utf16(SENTENCE, false),
            Expect::Analysed("UTF-16LE", 5),
        ),
        (
            "utf16be_nobom.txt",
            utf16(SENTENCE, true),
            Expect::Analysed("UTF-16BE", 5),
        ),
        (
            "utf16_lone_surrogate.txt",
            lone_surrogate,
            Expect::Analysed("UTF-16LE", 3),
        ),
        (
            "utf32le_bom.txt",
            [b"\xff\xfe\0\0".to_vec(), utf32(SENTENCE, false)].concat(),
            Expect::Analysed("UTF-32LE", 5),
        ),
        (
            "utf32be_bom.txt",
            [b"\0\0\xfe\xff".to_vec(), utf32(SENTENCE, true)].concat(),
            Expect::Analysed("UTF-32BE", 5),
        ),
        (
            "utf32le_nobom.txt",
            utf32(SENTENCE, false),
            Expect::Analysed("UTF-32LE", 5),
        ),
        (
            "utf32be_nobom.txt",
            utf32(SENTENCE, true),
            Expect::Analysed("UTF-32BE", 5),
        ),
        (
            "utf32le_bom_truncated.txt",
            [
                b"\xff\xfe\0\0".to_vec(),
                utf32(SENTENCE, false),
                b"x\0".to_vec(),
            ]
            .concat(),
            Expect::Rejected(format!(
                "invalid UTF-32LE at byte {}",
                4 + 4 * SENTENCE.len()
            )),
        ),
        (
            "utf32be_bom_not_scalar.txt",
            [
                b"\0\0\xfe\xff\0\0\0T\0\0\xd8\0".to_vec(),
                utf32(SENTENCE, true),
            ]
            .concat(),
            Expect::Rejected("invalid UTF-32BE at byte 8".into()),
        ),
        (
            "latin1.txt",
            b"The insurgents attacked the caf\xe9 in Montr\xe9al, na\xefvely.".to_vec(),
            Expect::Analysed("windows-1252", 8),
        ),
        (
            "nul.txt",
            b"The insurgents\0 attacked.".to_vec(),
            Expect::Rejected("NUL byte at byte 14".into()),
        ),
        ("empty.txt", vec![], Expect::Rejected("empty text".into())),
        (
            "whitespace.txt",
            b" \n\t\r\n   \x0b\x0c\n".to_vec(),
            Expect::Rejected("empty text".into()),
        ),
        (
            "bom_only.txt",
            b"\xef\xbb\xbf".to_vec(),
            Expect::Rejected("empty text".into()),
        ),
        (
            "mojibake.txt",
            "America\u{e2}\u{20ac}\u{2122}s insurgents attacked."
                .as_bytes()
                .to_vec(),
            Expect::Analysed("UTF-8", 3),
        ),
        (
            "control_chars.txt",
            b"The \x1b[31m insurgents\x07 attacked.\x0c".to_vec(),
            Expect::Analysed("UTF-8", 4),
        ),
        (
            "gzipped.txt.gz",
            gzip(SENTENCE.as_bytes()),
            Expect::Analysed("UTF-8", 5),
        ),
        (
            "corrupt.txt.gz",
            b"\x1f\x8b\x08\x00this is not deflate".to_vec(),
            Expect::Rejected("cannot read: ".into()),
        ),
    ];
    for (name, bytes, _) in &cases {
        std::fs::write(d.join(name), bytes).unwrap();
    }
    let o = analyze(dir.path(), &["in"]);
    for (name, _, expect) in &cases {
        match expect {
            Expect::Analysed(encoding, tokens) => {
                assert_eq!(o.doc_cell(name, "encoding"), *encoding, "{name}");
                assert_eq!(o.doc_cell(name, "tokens"), tokens.to_string(), "{name}");
                // The text was decoded right: the family term is found.
                let ev = evidence(&o, name);
                assert!(
                    ev.iter()
                        .any(|e| e.0 == "insurgents" && e.1 == "authorial" && e.2 == "armed_group"),
                    "{name}: {ev:?}"
                );
            }
            Expect::Rejected(reason) => {
                let got = o.reason(&format!("in/{name}"), "");
                assert!(got.starts_with(reason.as_str()), "{name}: {got}");
            }
        }
    }
    assert_eq!(o.counts(), (cases.len() as u64, 13, 8));
    // Specific checks beyond the table.
    assert_eq!(o.doc_cell("mojibake.txt", "repairs"), "1");
    assert_eq!(o.doc_cell("mojibake.txt", "source"), "mojibake");
    let (h, rows) = o.file("evidence.csv");
    for r in &rows {
        let context = cell(&h, r, "context");
        assert!(!context.chars().any(char::is_control), "{context:?}");
        if cell(&h, r, "document_id") == "latin1.txt" {
            assert!(context.contains("café in Montréal, naïvely"), "{context}");
        }
    }
}

/// Directory walk problems: a FIFO (would block forever if opened), a
/// dangling symlink, a self-referencing link and an unreadable file. Each
/// is a rejection naming the entry; the run goes on. A symlink loop (a link
/// to a folder already read) is no rejection: nothing is lost, and it is
/// listed in `run.json` as skipped.
///
/// `chmod 000` does not stop root (CAP_DAC_OVERRIDE) from reading, so the
/// test checks which world it is in: as root the file is analyzed, else it
/// is rejected with "Permission denied". The FIFO and the dangling symlink
/// are the unreadable entries that behave the same for every user.
#[cfg(unix)]
#[test]
fn directory_walk_problems_are_rejections() {
    use std::os::unix::fs::{symlink, PermissionsExt};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("in");
    std::fs::create_dir_all(d.join("sub")).unwrap();
    std::fs::write(d.join("ok.txt"), SENTENCE).unwrap();
    std::fs::write(d.join("sub/deep.txt"), SENTENCE).unwrap();
    symlink(".", d.join("sub/loop")).unwrap();
    symlink("missing.txt", d.join("dangling.txt")).unwrap();
    symlink("self.txt", d.join("self.txt")).unwrap();
    symlink("missing.jpg", d.join("ignored.jpg")).unwrap();
    let fifo = d.join("fifo.txt");
    let made = Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
    let secret = d.join("secret.txt");
    std::fs::write(&secret, SENTENCE).unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    let root_can_read = std::fs::File::open(&secret).is_ok();

    let o = analyze(dir.path(), &["in"]);
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(
        o.reason("in/fifo.txt", ""),
        "not a regular file (FIFO, socket or device)"
    );
    assert!(o
        .reason("in/dangling.txt", "")
        .starts_with("cannot read: No such file"));
    assert!(o
        .reason("in/self.txt", "")
        .starts_with("cannot read: Too many levels of symbolic links"));
    assert_eq!(
        skipped(&o, 0),
        [
            ("in/ignored.jpg".to_string(), "not .txt".to_string()),
            (
                "in/sub/loop".to_string(),
                "same folder as `in/sub` (read once)".to_string()
            ),
        ]
    );
    assert_eq!(o.doc_cell("ok.txt", "tokens"), "5");
    assert_eq!(o.doc_cell("sub/deep.txt", "tokens"), "5");
    if root_can_read {
        assert_eq!(o.doc_cell("secret.txt", "tokens"), "5");
        assert_eq!(o.counts(), (6, 3, 3));
    } else {
        assert!(o
            .reason("in/secret.txt", "")
            .starts_with("cannot open: Permission denied"));
        assert_eq!(o.counts(), (6, 2, 4));
    }
    // The non-.txt dangling link is not an input at all.
    assert!(!o.rejected.1.iter().any(|r| r[0].contains("ignored.jpg")));
    // A FIFO given explicitly is refused up front.
    std::fs::remove_dir_all(dir.path().join("r")).unwrap();
    refused(
        dir.path(),
        &["analyze", fifo.to_str().unwrap()],
        "not a regular file or folder",
    );
}

/// A 50 MB single-line document: over the 10 MB default it is rejected (as
/// a text file, a JSONL line and a CSV field) without being read whole;
/// with --max-doc-bytes raised it is analyzed.
#[test]
fn fifty_megabyte_document() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let unit = "Zorp blick quun. ";
    let size = 50 * 1024 * 1024;
    let text: String = unit.repeat(size / unit.len());
    std::fs::create_dir(p.join("big")).unwrap();
    std::fs::write(p.join("big/huge.txt"), &text).unwrap();
    let jsonl = format!(
        "{{\"id\":\"huge\",\"source\":\"a\",\"text\":\"{text}\"}}\n{{\"id\":\"small\",\"source\":\"a\",\"text\":\"{SENTENCE}\"}}\n"
    );
    std::fs::write(p.join("huge.jsonl"), jsonl).unwrap();
    let csv = format!("id,source,text\nhuge,b,{text}\nsmall,b,{SENTENCE}\n");
    std::fs::write(p.join("huge.csv"), csv).unwrap();

    let o = analyze(p, &["big", "huge.jsonl", "huge.csv"]);
    assert_eq!(
        o.reason("big/huge.txt", ""),
        "document is over the --max-doc-bytes limit of 10485760"
    );
    assert_eq!(
        o.reason("huge.jsonl", "1"),
        "line is over the --max-doc-bytes limit of 10485760"
    );
    assert_eq!(
        o.reason("huge.csv", "2"),
        format!(
            "document is {} bytes, over the --max-doc-bytes limit of 10485760",
            text.len()
        )
    );
    assert_eq!(o.counts(), (5, 2, 3));
    assert_eq!(o.doc_cell("small", "tokens"), "5");

    std::fs::remove_dir_all(p.join("r")).unwrap();
    let o = analyze(p, &["big", "--max-doc-bytes", "60000000", "--quiet"]);
    assert_eq!(o.counts(), (1, 1, 0));
    let words = (size / unit.len()) as u64 * 3;
    assert_eq!(o.doc_cell("huge.txt", "tokens"), words.to_string());
    assert_eq!(
        o.doc_cell("huge.txt", "sentences"),
        (size / unit.len()).to_string()
    );
}

/// A 1 MB "word" without spaces is analyzed; it is one token, and it is
/// left out of the n-gram counts (terms.csv) unless --max-token-bytes
/// allows it.
#[test]
fn one_megabyte_word() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let word = "x".repeat(1 << 20);
    let jsonl = format!(
        "{{\"id\":\"w\",\"source\":\"a\",\"text\":\"The insurgents attacked. {word} Rebels retreated.\"}}\n{{\"id\":\"v\",\"source\":\"b\",\"text\":\"{SENTENCE}\"}}\n"
    );
    std::fs::write(p.join("w.jsonl"), jsonl).unwrap();
    let terms = |o: &Outcome| -> Vec<String> {
        let (h, rows) = o.file("terms.csv");
        rows.iter()
            .filter(|r| cell(&h, r, "kind") == "ngram")
            .map(|r| cell(&h, r, "term").to_string())
            .collect()
    };
    let args = [
        "w.jsonl",
        "--all-terms",
        "--min-count",
        "1",
        "--min-source-tokens",
        "1",
    ];
    let o = analyze(p, &args);
    assert_eq!(o.counts(), (2, 2, 0));
    assert_eq!(o.doc_cell("w", "tokens"), "6");
    let t = terms(&o);
    assert!(t.contains(&"insurgents".to_string()), "{t:?}");
    assert!(
        t.iter().all(|t| t.len() <= 64 * 2 + 1),
        "a long token was counted"
    );
    assert!(!t.iter().any(|t| t.contains("xxxx")));

    std::fs::remove_dir_all(p.join("r")).unwrap();
    let mut args2 = args.to_vec();
    args2.extend(["--max-token-bytes", "2000000"]);
    let o = analyze(p, &args2);
    assert!(terms(&o).contains(&word));
    assert_eq!(o.run["options"]["features"]["max_token_bytes"], 2000000);
}

/// Issue "trust" 1: correct text that happens to re-encode to UTF-8 is
/// not "repaired" (`é…”` would be `酔`, eating the closing quote and
/// turning the words after it into a quotation); real mojibake still is,
/// even where its repair produces exactly such text.
#[test]
fn correct_text_is_not_repaired() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("in");
    std::fs::create_dir(&d).unwrap();
    // (file, text, repairs, the decoded text must contain)
    let cases: &[(&str, &str, u32, &str)] = &[
        (
            "touche.txt",
            "The crowd shouted “Touché…” and militants fled.",
            0,
            "“Touché…” and militants",
        ),
        (
            "landmark.txt",
            "They met at the café—“a landmark”—as militants fled.",
            0,
            "café—“a landmark”—as militants",
        ),
        (
            "ole.txt",
            "They shouted “olé”—and militants fled.",
            0,
            "“olé”—and",
        ),
        (
            "voila.txt",
            "He said «voilà»\u{a0}— and militants fled.",
            0,
            "«voilà»\u{a0}— and",
        ),
        (
            "nested.txt",
            "“He called her ‘Zoë’” and militants fled.",
            0,
            "‘Zoë’” and militants",
        ),
        // A Portuguese capital word ending in `Ã` (IRMÃ), then `”`.
        (
            "caps.txt",
            "“IRM\u{c3}\u{201d}, and militants fled.",
            0,
            "“IRM\u{c3}\u{201d}, and",
        ),
        (
            "mojibake.txt",
            "The crowd shouted â€œTouchÃ©â€¦â€\u{9d} and militants fled.",
            4,
            "“Touché…” and militants",
        ),
        (
            "mojibake_degree.txt",
            "At 40Â°C, the cafÃ© closed â€” and militants fled.",
            3,
            "40°C, the café closed — and militants",
        ),
    ];
    for (name, text, _, _) in cases {
        std::fs::write(d.join(name), text).unwrap();
    }
    let o = analyze(dir.path(), &["in", "--quiet"]);
    let (h, rows) = o.file("evidence.csv");
    for (name, _, repairs, want) in cases {
        assert_eq!(o.doc_cell(name, "repairs"), repairs.to_string(), "{name}");
        let row = rows
            .iter()
            .find(|r| cell(&h, r, "document_id") == *name && cell(&h, r, "term") == "militants")
            .unwrap_or_else(|| panic!("{name}: no evidence for militants"));
        assert_eq!(cell(&h, row, "voice"), "authorial", "{name}");
        assert!(cell(&h, row, "context").contains(want), "{name}: {row:?}");
    }
}

/// Issue "trust" 2: evidence offsets map to exactly the matched word,
/// whatever precedes it (leading whitespace, removed or NFKC-changed
/// characters, combining marks, CRLF, a BOM) and follows it.
#[test]
fn evidence_offsets_are_exact() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("in");
    std::fs::create_dir(&d).unwrap();
    let words = ["ＭＩＬＩＴＡＮＴＳ", "militants", "ｍｉｌｉｔａｎｔｓ"];
    let prefixes = [
        "",
        "\n",
        "  \r\n\t",
        "\u{feff}",
        "\u{feff}\u{feff}\n",
        "\u{200b}",
        "\u{a0}\u{3000}",
        "ﬁrst ",
        "e\u{301} \u{301}\n",
        "The ",
        "Ｔｈｅ\u{3000}",
        "“",
        "…",
    ];
    let suffixes = [
        " attacked.",
        "，ｔｈｅｎ fled.",
        "\u{200b} attacked.",
        "” he said.",
    ];
    let mut files = Vec::new();
    for (p, prefix) in prefixes.iter().enumerate() {
        for (w, word) in words.iter().enumerate() {
            for (s, suffix) in suffixes.iter().enumerate() {
                let name = format!("p{p}w{w}s{s}.txt");
                let text = format!("{prefix}{word}{suffix}");
                std::fs::write(d.join(&name), &text).unwrap();
                // A leading BOM is not part of the decoded text.
                let decoded = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
                let at = decoded.len() - word.len() - suffix.len();
                files.push((name, decoded, at, *word));
            }
        }
    }
    let o = analyze(dir.path(), &["in", "--quiet"]);
    let (h, rows) = o.file("evidence.csv");
    for (name, decoded, at, word) in &files {
        let hits: Vec<_> = rows
            .iter()
            .filter(|r| cell(&h, r, "document_id") == name && cell(&h, r, "group") == "armed_group")
            .collect();
        assert_eq!(hits.len(), 1, "{name}: {hits:?}");
        let r = hits[0];
        let (start, end): (usize, usize) = (
            cell(&h, r, "start").parse().unwrap(),
            cell(&h, r, "end").parse().unwrap(),
        );
        assert_eq!(
            (start, end),
            (*at, at + word.len()),
            "{name} {decoded:?}: {r:?}"
        );
        assert_eq!(cell(&h, r, "term"), *word, "{name}");
        assert_eq!(&decoded[start..end], *word, "{name}");
    }
}

/// Deeply unbalanced quotation marks: 20,000 opening curly quotes in one
/// paragraph do not turn the next paragraph into a quotation, and a run of
/// 30,000 straight quotes pairs up (no quadratic blow-up either).
#[test]
fn deeply_unbalanced_quotation_marks() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("in");
    std::fs::create_dir(&d).unwrap();
    let opens = vec!["no"; 20_000].join("\u{201c}");
    let text = format!(
        "The insurgents said \"{opens} attacked.\n\nThe insurgents retreated. \"Terrorists,\" he said."
    );
    std::fs::write(d.join("curly.txt"), text).unwrap();
    let straight = "He said \"".repeat(30_000) + "\n\nThe insurgents retreated.";
    std::fs::write(d.join("straight.txt"), straight).unwrap();
    let o = analyze(dir.path(), &["in", "--quiet"]);
    assert_eq!(o.counts(), (2, 2, 0));
    let ev = evidence(&o, "curly.txt");
    let fam: Vec<_> = ev.iter().filter(|e| e.2 == "armed_group").collect();
    let want = [
        ("insurgents", "authorial", "0"),
        ("insurgents", "authorial", "1"),
        ("Terrorists", "quoted", "2"),
    ];
    assert_eq!(fam.len(), want.len(), "{fam:?}");
    for (e, w) in fam.iter().zip(want) {
        assert_eq!((e.0.as_str(), e.1.as_str(), e.3.as_str()), w);
    }
    // Curly quotes are normalised to straight ones, which pair up.
    assert_eq!(o.doc_cell("curly.txt", "quoted_tokens"), "10001");
    assert_eq!(o.doc_cell("straight.txt", "quoted_tokens"), "30000");
    assert_eq!(o.doc_cell("straight.txt", "authorial_tokens"), "30003");
    let last = evidence(&o, "straight.txt")
        .into_iter()
        .find(|e| e.0 == "insurgents")
        .unwrap();
    assert_eq!(last.1, "authorial");
}

/// CSV problems that concern single records: each is rejected with its
/// line, the records around it are analyzed.
#[test]
fn csv_record_problems() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let files: &[(&str, &[u8])] = &[
        (
            "ragged.csv",
            b"id,source,text\nr1,a,The insurgents attacked.\nr2,a\nr3,a,x,extra\nr4,a,Rebels retreated.\n",
        ),
        (
            "unterminated.csv",
            b"id,source,text\nu1,a,The insurgents attacked.\nu2,a,\"never closed\nu3,a,swallowed\n",
        ),
        (
            "newlines.csv",
            b"id,source,text\nn1,a,\"First line.\nSecond, \"\"quoted\"\" line.\n\nThird paragraph.\"\nn2,a,The insurgents attacked.\n",
        ),
        (
            "bad_utf8.csv",
            b"id,source,text\nb1,a,caf\xc3\xa9 \xff bad\nb2,a,The insurgents attacked.\n",
        ),
        (
            "crlf_bom.csv",
            b"\xef\xbb\xbfid;outlet;body\r\nc1;a;The insurgents attacked.\r\nc2;a;  \r\n",
        ),
        (
            "weird_source.csv",
            b"id,source,text\nw1,\"Foo, \"\"Bar\"\"\nBaz\",The insurgents attacked.\nw2,,No source here.\n",
        ),
        // A `"` inside an unquoted field is an ordinary character: the
        // last record is not "unterminated" (an odd number of quotes).
        (
            "inch.csv",
            b"id,source,text\ni1,a,The man is 6\" tall.\ni2,a,The insurgents attacked.\n",
        ),
        // An unclosed quote swallows the records after it up to a later
        // quote followed by text: the record is rejected, not analyzed
        // with those rows inside its text.
        (
            "swallowed.csv",
            b"id,source,text\ns1,a,\"never closed\ns2,a,The insurgents attacked.\ns3,a,Rebels retreated.\ns4,a,\"Closing quote\" here.\ns5,a,The militants fled.\n",
        ),
        (
            "swallowed_crlf_bom.csv",
            b"\xef\xbb\xbfid;source;text\r\nt1;a;\"never closed\r\nt2;a;The insurgents attacked.\r\nt3;a;\"Closing\" here.\r\nt4;a;Rebels retreated.\r\n",
        ),
        // An unescaped quote in a multi-line quoted field, with no line that
        // looks like a record: read as before.
        (
            "sloppy.csv",
            b"id,source,text\nq1,a,\"First paragraph.\nHe said \"go\" and left.\"\nq2,a,The insurgents attacked.\n",
        ),
        // Old Mac line endings (CR only): lines are still counted.
        (
            "cr.csv",
            b"id,source,text\rk1,a,The insurgents attacked.\rk2,a\rk3,a,\"two\rlines\"\rk4,a\r",
        ),
    ];
    for (name, bytes) in files {
        std::fs::write(p.join(name), bytes).unwrap();
    }
    let mut args: Vec<&str> = files.iter().map(|f| f.0).collect();
    args.push("--threads");
    args.push("2");
    let o = analyze(p, &args);
    assert_eq!(
        o.reason("ragged.csv", "3"),
        "ragged row: 2 fields where the header has 3"
    );
    assert_eq!(
        o.reason("ragged.csv", "4"),
        "ragged row: 4 fields where the header has 3"
    );
    assert_eq!(
        o.reason("unterminated.csv", "3"),
        "unterminated quoted field: the record starting at line 3 runs to the end of the file"
    );
    let swallowed = |lines: &str, record_like: u32| {
        format!("a quoted field in this record spans lines {lines} and closes at a `\"` followed by text, and {record_like} of those lines look like records of their own: an unclosed quote has probably swallowed the records after it; fix the quoting and read again")
    };
    assert_eq!(o.reason("swallowed.csv", "2"), swallowed("2-5", 3));
    assert_eq!(o.reason("swallowed_crlf_bom.csv", "2"), swallowed("2-4", 2));
    assert_eq!(o.doc_cell("s5", "line"), "6");
    assert_eq!(o.doc_cell("t4", "line"), "5");
    assert_eq!(o.doc_cell("q1", "line"), "2");
    assert_eq!(o.doc_cell("q2", "line"), "4");
    assert_eq!(
        o.reason("bad_utf8.csv", "2"),
        "text column: invalid UTF-8 at byte 6"
    );
    assert_eq!(o.reason("crlf_bom.csv", "3"), "empty text");
    assert_eq!(o.reason("weird_source.csv", "4"), "empty source");
    for id in [
        "r1", "r4", "u1", "n1", "n2", "b2", "c1", "w1", "i1", "i2", "k1", "k3",
    ] {
        assert_eq!(o.doc_cell(id, "encoding"), "UTF-8", "{id}");
    }
    // Embedded newlines: the record spans lines 2-5, the next starts at 6.
    assert_eq!(o.doc_cell("n1", "line"), "2");
    assert_eq!(o.doc_cell("n1", "sentences"), "3");
    assert_eq!(o.doc_cell("n2", "line"), "6");
    // A source with a comma, quotes and a newline survives the round trip.
    assert_eq!(o.doc_cell("w1", "source"), "Foo, \"Bar\"\nBaz");
    let (h, rows) = o.file("sources.csv");
    assert!(rows
        .iter()
        .any(|r| cell(&h, r, "source") == "Foo, \"Bar\"\nBaz"));
    assert_eq!(o.doc_cell("i2", "line"), "3");
    assert_eq!(o.doc_cell("k3", "line"), "4");
    assert_eq!(
        o.reason("cr.csv", "3"),
        "ragged row: 2 fields where the header has 3"
    );
    assert_eq!(
        o.reason("cr.csv", "6"),
        "ragged row: 2 fields where the header has 3"
    );
    assert_eq!(o.counts(), (26, 16, 10));
}

/// CSV problems that make a whole file unusable: a clear error, exit 1,
/// nothing written.
#[test]
fn csv_file_problems_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let cases: &[(&str, &str, &str)] = &[
        (
            "dup_header.csv",
            "id,source,text,text\n1,a,first,second\n",
            "dup_header.csv: the header has 2 columns named `text` (columns 3, 4); rename all but one",
        ),
        (
            "missing_col.csv",
            "id,outlet_name,story\n1,a,b\n",
            "missing_col.csv: missing required text column (tried text, body, content, article; use --text-col)",
        ),
        ("empty.csv", "", "empty.csv: empty header row"),
    ];
    for (name, content, needle) in cases {
        std::fs::write(p.join(name), content).unwrap();
        refused(p, &["analyze", name], needle);
    }
    // Duplicate names in columns that are not read are fine.
    std::fs::write(
        p.join("dup_unused.csv"),
        "id,source,text,x,x\n1,a,The insurgents attacked.,1,2\n",
    )
    .unwrap();
    let o = analyze(p, &["dup_unused.csv"]);
    assert_eq!(o.counts(), (1, 1, 0));
    // A header with no rows: nothing to analyze (see
    // `nothing_to_analyze_is_an_error`).
    std::fs::remove_dir_all(p.join("r")).unwrap();
    std::fs::write(p.join("header_only.csv"), "id,source,text\n").unwrap();
    refused(
        p,
        &["analyze", "header_only.csv"],
        "no document to analyse: `header_only.csv` holds no record",
    );
}

/// JSONL problems: broken lines, non-objects, wrong types, missing fields,
/// invalid UTF-8, blank lines, a truncated gzip stream, duplicate ids.
#[test]
fn jsonl_record_problems() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let mut jsonl = [
        r#"{"id":"1","source":"a","text":"The insurgents attacked.","story":"s1","date":"2024-01-02","title":"Attack"}"#,
        r#"{"id":"2","source":"a","text":"trunc"#,
        "[1,2]",
        r#""a string""#,
        "42",
        "null",
        "",
        "   ",
        r#"{"id":"3","source":"a","text":{"nested":true}}"#,
        r#"{"id":"1","source":"a","text":"Same id, same source."}"#,
        r#"{"id":"1","source":"b","text":"Same id, other source: fine."}"#,
        r#"{"id":"4","source":"a"}"#,
        r#"{"id":"5","text":"No source."}"#,
        r#"{"id":6,"source":7,"text":"Numbers become strings."}"#,
    ]
    .join("\n")
    .into_bytes();
    jsonl.extend_from_slice(b"\n{\"id\":\"8\",\"source\":\"a\",\"text\":\"bad \xff byte\"}\n");
    std::fs::write(p.join("j.jsonl"), jsonl).unwrap();
    let lines: String = (0..3000)
        .map(|i| {
            format!(
                "{{\"id\":\"g{i}\",\"source\":\"g\",\"text\":\"Rebels advanced {i} times.\"}}\n"
            )
        })
        .collect();
    let gz = gzip(lines.as_bytes());
    std::fs::write(p.join("t.jsonl.gz"), &gz[..gz.len() / 2]).unwrap();
    let o = analyze(p, &["j.jsonl", "t.jsonl.gz"]);
    assert!(o
        .reason("j.jsonl", "2")
        .starts_with("invalid JSON: EOF while parsing a string"));
    for line in ["3", "4", "5", "6"] {
        assert_eq!(o.reason("j.jsonl", line), "line is not a JSON object");
    }
    assert_eq!(o.reason("j.jsonl", "9"), "field `text` is not a string");
    assert_eq!(
        o.reason("j.jsonl", "10"),
        "duplicate document id `1` (first at j.jsonl:1)"
    );
    assert_eq!(o.reason("j.jsonl", "12"), "missing text field `text`");
    assert_eq!(o.reason("j.jsonl", "13"), "missing source field `source`");
    assert_eq!(
        o.reason("j.jsonl", "15"),
        "invalid UTF-8 at byte 35 of the line"
    );
    // JSONL keys id/story/date/title are used by default, like CSV columns.
    assert_eq!(o.doc_cell("1", "story"), "s1");
    assert_eq!(o.doc_cell("1", "date"), "2024-01-02");
    assert_eq!(o.doc_cell("1", "title"), "Attack");
    assert_eq!(o.doc_cell("6", "source"), "7");
    let (h, rows) = &o.docs;
    assert!(rows
        .iter()
        .any(|r| cell(h, r, "id") == "1" && cell(h, r, "source") == "b"));
    // Truncated gzip: the complete lines before the cut are analyzed, then
    // one rejection for the rest.
    let gz_rej: Vec<_> = o
        .rejected
        .1
        .iter()
        .filter(|r| r[0].ends_with("t.jsonl.gz"))
        .collect();
    assert_eq!(gz_rej.len(), 1);
    assert!(gz_rej[0][4].starts_with("read error, rest of file skipped:"));
    let gz_docs = o.run["inputs"][1]["documents"].as_u64().unwrap();
    assert!(gz_docs > 100 && gz_docs < 3000, "{gz_docs}");
    assert_eq!(gz_rej[0][1], (gz_docs + 1).to_string());
    assert_eq!(o.run["inputs"][0]["read"], 13);
    assert_eq!(o.run["inputs"][0]["documents"], 3);
}

/// Duplicate ids across files and formats: the second is rejected and
/// names where the first was.
#[test]
fn duplicate_ids_across_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("a.csv"),
        "id,source,text\nx,s,The insurgents attacked.\ny,s,Rebels retreated.\n",
    )
    .unwrap();
    std::fs::write(
        p.join("b.jsonl"),
        "{\"id\":\"x\",\"source\":\"s\",\"text\":\"Again.\"}\n{\"id\":\"y\",\"source\":\"t\",\"text\":\"Other source.\"}\n",
    )
    .unwrap();
    let o = analyze(p, &["b.jsonl", "a.csv"]);
    assert_eq!(
        o.reason("b.jsonl", "1"),
        "duplicate document id `x` (first at a.csv:2)"
    );
    assert_eq!(o.counts(), (4, 3, 1));
}

/// Unusable lexicons: a clear error with the file and line, exit 1, before
/// any input is read.
#[test]
fn bad_lexicons_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("in.txt"), SENTENCE).unwrap();
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "dups.txt",
            b"hedgy\nmaybe\nhedgy\n",
            "line 3: duplicate term \"hedgy\" in category `dups` (already at line 1",
        ),
        (
            "empty_term.toml",
            b"[[category]]\nid = \"c\"\nterms = [\"ok\", \"\"]\n",
            "line 3: category `c`: empty term",
        ),
        (
            "wildcard.toml",
            b"[[category]]\nid = \"c\"\nterms = [\"ok\",\n  \"*\"]\n",
            "line 4: category `c`: wildcard-only term \"*\" would match every word",
        ),
        (
            "bad.toml",
            b"[[category]\nid = \"c\"\n",
            "bad.toml: 1 problem(s) in lexicon",
        ),
        (
            "latin1.txt",
            b"caf\xe9\n",
            "not UTF-8 (invalid byte at offset 3)",
        ),
        ("hedge.txt", b"maybe\n", "category `hedge` from"),
        ("missing.toml", b"", "missing.toml: No such file"),
    ];
    for (name, content, needle) in cases {
        if *name != "missing.toml" {
            std::fs::write(p.join(name), content).unwrap();
        }
        refused(p, &["analyze", "in.txt", "--lexicon", name], needle);
    }
    // The TOML parse error points at the line.
    let out = command(p, &["lexicon", "check", "bad.toml"])
        .output()
        .unwrap();
    let err = no_panic(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("line 1"), "{err}");
}

/// Unusable options: exit 1 with a message naming the option.
#[test]
fn bad_options_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("in.txt"), SENTENCE).unwrap();
    std::fs::write(p.join("phrases.txt"), "said\n# comment\nfox news\n").unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--max-doc-bytes", "0"],
            "--max-doc-bytes must be between 1 and 268435456, got 0",
        ),
        (
            &["--max-doc-bytes", "18446744073709551615"],
            "--max-doc-bytes must be between 1 and 268435456",
        ),
        (
            &["--max-token-bytes", "0"],
            "--max-token-bytes must be at least 1",
        ),
        (
            &["--boilerplate-min-docs", "1"],
            "--boilerplate-min-docs must be 0 (keep every sentence) or at least 2",
        ),
        (
            &["--stopwords", "no-such-stopwords.txt"],
            "no-such-stopwords.txt: No such file",
        ),
        (
            &["--stopwords", "phrases.txt"],
            "phrases.txt: line 3: `fox news` is not one word (one word per line)",
        ),
        // Replicates are held in memory: this aborted on a failed allocation.
        (
            &["--bootstrap", "100000000000"],
            "--bootstrap must be at most 100000, got 100000000000",
        ),
        (
            &["--threads", "100000"],
            "--threads must be at most 1024, got 100000",
        ),
        (
            &["--delimiter", "ab"],
            "--delimiter must be one ASCII character",
        ),
        (
            &["--prior-strength", "NaN"],
            "--prior-strength must be a finite number >= 0",
        ),
        (
            &["--alpha0", "0"],
            "--alpha0 and --family-alpha0 must be > 0",
        ),
        (
            &["--no-default-lexicons"],
            "--no-default-lexicons needs at least one --lexicon FILE",
        ),
        (&["--format", "xml"], "invalid value 'xml'"),
        (&["--max-doc-bytes", "-5"], "unexpected argument '-5'"),
        (
            &["--memory-budget", "0"],
            "\"0\": expected a size above 0 such as 512M or 2G",
        ),
        (
            &["--memory-budget", "2T"],
            "\"2T\": expected a size such as 512M or 2G",
        ),
        (
            &["--memory-budget", "99999999999G"],
            "expected a size above 0 such as 512M or 2G",
        ),
    ];
    for (extra, needle) in cases {
        let mut args = vec!["analyze", "in.txt"];
        args.extend_from_slice(extra);
        if extra[0] == "--format" || extra[0] == "--memory-budget" || extra.get(1) == Some(&"-5") {
            // clap's own errors: exit 1 without the "slant: error:" prefix.
            let out = command(p, &args).output().unwrap();
            let err = no_panic(&out);
            assert_eq!(out.status.code(), Some(1), "{args:?}");
            assert!(err.contains(needle), "{err}");
            continue;
        }
        refused(p, &args, needle);
    }
    refused(
        p,
        &["analyze", "no/such/input"],
        "no/such/input: No such file",
    );
}

/// When every record is rejected there is nothing to analyze: exit 1, the
/// rejections on stderr, no reports.
#[test]
fn everything_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("x.jsonl"),
        "nope\n[]\n{\"source\":\"a\",\"text\":\" \"}\n",
    )
    .unwrap();
    refused(
        p,
        &["analyze", "x.jsonl"],
        "no document to analyse: all 3 records read were rejected (the first: x.jsonl:1 (record 1): invalid JSON",
    );
    refused(
        p,
        &["analyze", "x.jsonl"],
        "slant: rejected x.jsonl:3 (record 3): empty text",
    );
}

/// A title counts towards --max-doc-bytes (the analyzed text is title +
/// body), so a huge title cannot slip past the limit.
#[test]
fn title_counts_towards_the_size_limit() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let title = "t".repeat(2000);
    std::fs::write(
        p.join("t.jsonl"),
        format!(
            "{{\"id\":\"1\",\"source\":\"a\",\"title\":\"{title}\",\"text\":\"{SENTENCE}\"}}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        p.join("u.jsonl"),
        format!("{{\"id\":\"2\",\"source\":\"a\",\"text\":\"{SENTENCE}\"}}\n"),
    )
    .unwrap();
    let o = analyze(p, &["t.jsonl", "u.jsonl", "--max-doc-bytes", "1000"]);
    assert_eq!(
        o.reason("t.jsonl", "1"),
        format!(
            "document is {} bytes, over the --max-doc-bytes limit of 1000",
            title.len() + 2 + SENTENCE.len()
        )
    );
}

/// What makes a spreadsheet read a cell as a formula (OWASP).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Spreadsheet-formula and HTML injection through sources, ids, titles and
/// file names: every CSV cell holding them is neutralised (leading `'`),
/// `--csv-raw` writes them as found, and report.html only contains the
/// script tag escaped.
#[test]
fn injection_is_inert() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let formula = r#"=HYPERLINK("http://x","y")"#;
    let script = "<script>alert(1)</script>";
    let mut jsonl = String::new();
    for (i, src) in [formula, script, "plain"].iter().enumerate() {
        for j in 0..3 {
            let doc = serde_json::json!({
                "id": format!("-{i}{j}+1"),
                "source": src,
                "story": "+story",
                "title": "@SUM(A1:A9)",
                "text": "The terrorists attacked. Insurgents and militants retreated, officials claimed. =1+1",
            });
            jsonl.push_str(&doc.to_string());
            jsonl.push('\n');
        }
    }
    jsonl.push_str("{\"id\":\"=cmd|' /C calc'!A0\",\"source\":\"plain\"}\n");
    std::fs::write(p.join("in.jsonl"), jsonl).unwrap();
    std::fs::create_dir(p.join("dir")).unwrap();
    // A file name cannot hold the URL's slashes; the stem is the source.
    let file_formula = "=HYPERLINK(x)";
    std::fs::write(p.join(format!("dir/{file_formula}.txt")), SENTENCE).unwrap();
    let o = analyze(p, &["in.jsonl", "dir", "--min-count", "1", "--all-terms"]);
    assert_eq!(o.counts(), (11, 10, 1));
    let guarded = |v: &str| format!("'{v}");
    let mut seen_formula = Vec::new();
    for f in [
        "sources.csv",
        "families.csv",
        "terms.csv",
        "documents.csv",
        "evidence.csv",
        "rejected.csv",
    ] {
        let (h, rows) = o.file(f);
        for r in &rows {
            for (c, v) in h.iter().zip(r) {
                if v.contains("HYPERLINK") {
                    // Guarded where it starts the cell (a path such as
                    // `dir/=HYPERLINK(x).txt` starts with `d` and is inert).
                    assert!(!v.starts_with(FORMULA_START), "{f} {c}: {v}");
                    if v.starts_with("'=HYPERLINK") {
                        seen_formula.push(f);
                    }
                }
                if v.contains("<script>") {
                    assert_eq!(v, script, "{f} {c}");
                }
                for danger in ["@SUM", "+story", "=cmd", "=1+1"] {
                    if v.starts_with(danger) {
                        panic!("{f} {c}: unguarded {v}");
                    }
                }
            }
        }
        if f != "rejected.csv" {
            let holds_script = rows.iter().any(|r| r.iter().any(|v| v == script));
            assert!(holds_script, "{f} lacks the script source");
        }
    }
    for f in [
        "sources.csv",
        "families.csv",
        "terms.csv",
        "documents.csv",
        "evidence.csv",
    ] {
        assert!(seen_formula.contains(&f), "{f} lacks the formula source");
    }
    let (h, rows) = o.file("sources.csv");
    assert!(rows
        .iter()
        .any(|r| cell(&h, r, "source") == guarded(formula)));
    assert_eq!(o.doc_cell("'-00+1", "title"), "'@SUM(A1:A9)");
    assert_eq!(o.doc_cell("'-00+1", "story"), "'+story");
    assert_eq!(
        o.doc_cell(&guarded(&format!("{file_formula}.txt")), "source"),
        // (file-stem sources keep their case)
        guarded(file_formula)
    );
    assert_eq!(o.reason("in.jsonl", "10"), "missing text field `text`");
    let (h, rows) = o.file("rejected.csv");
    assert_eq!(cell(&h, &rows[0], "id"), "'=cmd|' /C calc'!A0");
    let html = o.out.join("report.html");
    if html.exists() {
        let html = std::fs::read_to_string(html).unwrap();
        assert!(!html.contains(script), "raw script tag in report.html");
        // (The page may not list sources at all; where it does, escaped.)
        if html.contains("alert(1)") {
            assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        }
        assert!(!html.contains(formula), "unescaped quotes in report.html");
    }
    // --csv-raw: exactly as found.
    std::fs::remove_dir_all(p.join("r")).unwrap();
    let o = analyze(p, &["in.jsonl", "--csv-raw"]);
    let (h, rows) = o.file("sources.csv");
    assert!(rows.iter().any(|r| cell(&h, r, "source") == formula));
    assert_eq!(o.doc_cell("-00+1", "title"), "@SUM(A1:A9)");
}

/// Sanity: the shipped sample still passes the shared accounting checks.
#[test]
fn sample_reconciles() {
    let dir = tempfile::tempdir().unwrap();
    let sample = repo().join("data/sample");
    let o = analyze(dir.path(), &[sample.to_str().unwrap(), "--quiet"]);
    assert_eq!(o.counts(), (20, 20, 0));
}

/// File names that are not valid UTF-8 (possible on Linux) are read, and
/// `run.json` records them with the stray bytes escaped instead of the run
/// failing at its end.
#[cfg(unix)]
#[test]
fn input_and_lexicon_names_that_are_not_utf8() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let input = OsStr::from_bytes(b"in\xff.csv");
    let lexicon = OsStr::from_bytes(b"mine\xfe.txt");
    std::fs::write(p.join(input), "id,source,text\n1,a,Rebels fled the town.\n").unwrap();
    std::fs::write(p.join(lexicon), "fled\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_slant"))
        .current_dir(p)
        .arg("analyze")
        .arg(input)
        .arg("--lexicon")
        .arg(lexicon)
        .args(["-o", "r", "--quiet"])
        .output()
        .unwrap();
    let stderr = no_panic(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let run: Value =
        serde_json::from_str(&std::fs::read_to_string(p.join("r/run.json")).unwrap()).unwrap();
    assert_eq!(run["options"]["inputs"][0], r"in\xFF.csv");
    assert_eq!(run["options"]["lexicons"][0], r"mine\xFE.txt");
    assert_eq!(run["inputs"][0]["path"], r"in\xFF.csv");
    assert_eq!(
        run["lexicons"].as_array().unwrap().last().unwrap()["name"],
        r"mine\xFE.txt"
    );
    assert_eq!(run["documents"]["analysed"], 1);
}

/// Ids slant makes up (file names, FILE-STEM:RECORD) may repeat across
/// inputs that share file names: the later document takes its whole path
/// as its id instead of being rejected. Ids from the data are kept, and a
/// repeated one is still a duplicate.
#[test]
fn generated_ids_do_not_collide_across_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    for d in ["y2023", "y2024", "a", "b"] {
        std::fs::create_dir(p.join(d)).unwrap();
    }
    std::fs::write(p.join("y2023/nytimes.txt"), "Rebels fled the town.\n").unwrap();
    std::fs::write(p.join("y2024/nytimes.txt"), "Insurgents held the town.\n").unwrap();
    for d in ["a", "b"] {
        std::fs::write(p.join(d).join("data.csv"), "source,text\nx,Rebels fled.\n").unwrap();
        std::fs::write(
            p.join(d).join("ids.csv"),
            "id,source,text\nk1,x,Rebels fled.\n",
        )
        .unwrap();
    }
    let o = analyze(
        p,
        &[
            "y2023",
            "y2024",
            "a/data.csv",
            "b/data.csv",
            "a/ids.csv",
            "b/ids.csv",
        ],
    );
    for id in [
        "nytimes.txt",
        "y2024/nytimes.txt",
        "data:1",
        "b/data.csv:1",
        "k1",
    ] {
        assert_eq!(
            o.doc_cell(id, "source"),
            if id.contains("nytimes") {
                "nytimes"
            } else {
                "x"
            }
        );
    }
    assert_eq!(
        o.reason("b/ids.csv", "2"),
        "duplicate document id `k1` (first at a/ids.csv:2)"
    );
    assert_eq!(o.counts(), (6, 5, 1));
}

/// A text-sized source or id (a wrong column) is rejected rather than
/// repeated on every evidence row, and a CSV record that grows past eight
/// times --max-doc-bytes while being read stops the file with a clear
/// rejection instead of being held whole in memory (a gzip bomb can make
/// one field gigabytes).
#[test]
fn oversized_names_and_csv_records() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let long = "x".repeat(2000);
    let jsonl = format!(
        "{{\"id\":\"n1\",\"source\":\"a\",\"text\":\"Rebels fled.\"}}\n\
         {{\"id\":\"n2\",\"source\":\"{long}\",\"text\":\"Rebels fled.\"}}\n\
         {{\"id\":\"{long}\",\"source\":\"a\",\"text\":\"Rebels fled.\"}}\n\
         {{\"id\":\"n4\",\"source\":\"a\",\"story\":\"{long}\",\"text\":\"Rebels fled.\"}}\n"
    );
    std::fs::write(p.join("names.jsonl"), jsonl).unwrap();
    let big = format!(
        "id,source,text\nb1,a,Rebels fled.\nb2,a,\"{}\"\nb3,a,never read\n",
        "word ".repeat(600_000)
    );
    std::fs::write(p.join("big.csv.gz"), gzip(big.as_bytes())).unwrap();
    let o = analyze(p, &["names.jsonl", "big.csv.gz", "--max-doc-bytes", "1000"]);
    let over = |what: &str| {
        format!("{what} is 2000 bytes, over the 1024-byte limit for names (is the {what} column the right one?)")
    };
    assert_eq!(o.reason("names.jsonl", "2"), over("source"));
    assert_eq!(o.reason("names.jsonl", "3"), over("id"));
    assert_eq!(o.reason("names.jsonl", "4"), over("story"));
    assert_eq!(
        o.reason("big.csv.gz", "3"),
        "unreadable CSV record: a record runs over 73536 bytes (eight times --max-doc-bytes, plus 64 KiB); the rest of the file is not read"
    );
    assert_eq!(o.doc_cell("n1", "source"), "a");
    assert_eq!(o.doc_cell("b1", "source"), "a");
    assert_eq!(o.counts(), (6, 2, 4));
}

/// Lexicon ids that would derive the same report column twice are refused
/// by `lexicon check` and by `analyze` (a CSV with two columns of one name
/// is ambiguous to every reader); a user list that clashes with a built-in
/// one, which `lexicon check` passed silently, now gets a note.
#[test]
fn lexicon_ids_that_clash_in_report_columns() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("q.toml"),
        "[[category]]\nid = \"foo\"\nterms = [\"a\"]\n[[category]]\nid = \"foo_quoted\"\nterms = [\"b\"]\n",
    )
    .unwrap();
    std::fs::write(p.join("slant.txt"), "foo\t1.5\nbar\t-2\n").unwrap();
    std::fs::write(p.join("sentiment.txt"), "foo\n").unwrap();
    std::fs::write(
        p.join("in.jsonl"),
        "{\"source\":\"a\",\"text\":\"foo bar\"}\n",
    )
    .unwrap();
    let check = |file: &str| {
        let out = command(p, &["lexicon", "check", file]).output().unwrap();
        (out.status.code(), no_panic(&out))
    };
    let (code, err) = check("q.toml");
    assert_eq!(code, Some(1));
    assert!(err.contains("two columns named `foo_quoted_rate`"), "{err}");
    // A clash with a built-in list: refused, as analyze refuses it, with
    // the way out.
    let (code, err) = check("sentiment.txt");
    assert_eq!(code, Some(1));
    assert!(
        err.contains("cannot be used together with the built-in lexicons")
            && err.contains("category `sentiment`")
            && err.contains("--no-default-lexicons"),
        "{err}"
    );
    refused(
        p,
        &["analyze", "in.jsonl", "--lexicon", "sentiment.txt"],
        "already defined",
    );
    refused(
        p,
        &["analyze", "in.jsonl", "--lexicon", "q.toml"],
        "`foo_quoted_rate`",
    );
    // With the learned scorers' columns: a valence list named `slant`.
    assert_eq!(check("slant.txt").0, Some(1));
    refused(
        p,
        &["analyze", "in.jsonl", "--lexicon", "slant.txt"],
        "`slant_mean`",
    );
}

/// Manifest rows: one that names no file is reported (stderr and
/// `run.json`), a file listed twice is refused with both lines; a FIFO as
/// manifest or lexicon is refused instead of blocking; the title and the
/// text cannot be the same column.
#[cfg(unix)]
#[test]
fn manifest_rows_fifo_options_and_title_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir(p.join("c")).unwrap();
    std::fs::write(p.join("c/a.txt"), "Rebels fled the town.\n").unwrap();
    std::fs::write(p.join("c/manifest.csv"), "file,source\nA.TXT,x\na.txt,y\n").unwrap();
    let o = analyze(p, &["c"]);
    assert!(
        o.stderr.contains(
            "slant: warning: the manifest for c lists `A.TXT` (line 2), which is not in the folder"
        ),
        "{}",
        o.stderr
    );
    assert_eq!(o.run["inputs"][0]["manifest_unmatched"], 1);
    assert_eq!(o.doc_cell("a.txt", "source"), "y");
    std::fs::remove_dir_all(p.join("r")).unwrap();
    std::fs::write(
        p.join("c/manifest.csv"),
        "file,source\na.txt,x\nb.txt,z\na.txt,y\n",
    )
    .unwrap();
    refused(
        p,
        &["analyze", "c"],
        "line 4: `a.txt` is listed again (first at line 2)",
    );
    std::fs::remove_file(p.join("c/manifest.csv")).unwrap();
    let fifo = p.join("ff");
    let ok = std::process::Command::new("mkfifo").arg(&fifo).status();
    if ok.is_ok_and(|s| s.success()) {
        for flag in ["--manifest", "--lexicon"] {
            refused(p, &["analyze", "c", flag, "ff"], "ff: not a regular file");
        }
    }
    std::fs::write(p.join("t.csv"), "id,source,text\n1,a,Rebels fled.\n").unwrap();
    refused(
        p,
        &["analyze", "t.csv", "--title-col", "text"],
        "the title and the text would both be read from `text`",
    );
}

/// The line of the document or rejection with id `id` from a file ending
/// in `file`.
fn line_of(o: &Outcome, file: &str, id: &str) -> String {
    let mut hits = Vec::new();
    for (h, rows) in [&o.docs, &o.rejected] {
        for r in rows {
            if cell(h, r, "file").ends_with(file) && cell(h, r, "id") == id {
                hits.push(cell(h, r, "line").to_string());
            }
        }
    }
    assert_eq!(hits.len(), 1, "{file} {id}: {hits:?}");
    hits.remove(0)
}

/// CSV records are reported at the line where their first byte is, after
/// blank lines (which the CSV parser skips without counting), with LF,
/// CRLF, lone CR or mixed line ends, a BOM, and multi-line quoted fields;
/// a swallowed-record check is not thrown off by blank lines or CR-only
/// line ends either.
#[test]
fn csv_line_numbers_after_blank_lines() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let swallowed = |lines: &str, record_like: u32| {
        format!("a quoted field in this record spans lines {lines} and closes at a `\"` followed by text, and {record_like} of those lines look like records of their own: an unclosed quote has probably swallowed the records after it; fix the quoting and read again")
    };
    // (file, content, [(id, line)]).
    type Case<'a> = (&'a str, &'a [u8], &'a [(&'a str, &'a str)]);
    let cases: &[Case] = &[
        // The report's case: record 2 is on line 6 (and rejected).
        (
            "blank_lf.csv",
            b"id,source,text\n1,s1,a\n\n\n\n2,s2,\n",
            &[("1", "2"), ("2", "6")],
        ),
        (
            "blank_crlf.csv",
            b"id,source,text\r\n1,c,Rebels fled.\r\n\r\n\r\n2,c,Rebels fled.\r\n",
            &[("1", "2"), ("2", "5")],
        ),
        (
            "blank_cr.csv",
            b"id,source,text\r1,r,Rebels fled.\r\r\r2,r,Rebels fled.\r",
            &[("1", "2"), ("2", "5")],
        ),
        // CRLF, LF, a lone CR and CRLF: four line ends.
        (
            "blank_mixed.csv",
            b"id,source,text\n1,m,a\r\n\n\r\r\n2,m,b\n",
            &[("1", "2"), ("2", "6")],
        ),
        (
            "bom_blank.csv",
            b"\xef\xbb\xbfid,source,text\n\n1,b,a\n\n2,b,b",
            &[("1", "3"), ("2", "5")],
        ),
        (
            "blank_before_header.csv",
            b"\n\r\nid,source,text\n1,h,a\n",
            &[("1", "4")],
        ),
        (
            "multiline_blank.csv",
            b"id,source,text\n1,n,\"para one\n\npara two\"\n\n\n2,n,\"x\r\n\r\ny\"\r\n\r\n3,n,c\n",
            &[("1", "2"), ("2", "7"), ("3", "11")],
        ),
        (
            "second_field.csv",
            b"id,source,text\n1,\"multi\nline source\",\"t1\n\nt2\"\n\n2,f,x\n",
            &[("1", "2"), ("2", "7")],
        ),
        (
            "swallowed_after_blank.csv",
            b"id,source,text\ns1,w,Fine.\n\n\ns2,w,\"never closed\ns3,w,The insurgents attacked.\ns4,w,\"Closing quote\" here.\ns5,w,The militants fled.\n",
            &[("s1", "2"), ("s2", "5"), ("s5", "8")],
        ),
        (
            "swallowed_cr.csv",
            b"id,source,text\rs1,q,\"never closed\rs2,q,The insurgents attacked.\rs3,q,\"Closing\" here.\rs4,q,Rebels retreated.\r",
            &[("s1", "2"), ("s4", "5")],
        ),
    ];
    for (name, bytes, _) in cases {
        std::fs::write(p.join(name), bytes).unwrap();
    }
    let args: Vec<&str> = cases.iter().map(|c| c.0).collect();
    let o = analyze(p, &args);
    for (name, _, lines) in cases {
        for (id, line) in *lines {
            assert_eq!(line_of(&o, name, id), *line, "{name} {id}");
        }
    }
    assert_eq!(o.reason("blank_lf.csv", "6"), "empty text");
    assert_eq!(
        o.reason("swallowed_after_blank.csv", "5"),
        swallowed("5-7", 2)
    );
    assert_eq!(o.reason("swallowed_cr.csv", "2"), swallowed("2-4", 2));
}

/// Names slant makes from paths are not held to the 1,024-byte limit for
/// names read from the data: a `.txt` about 60 folders deep (its id, the
/// path inside the input folder, is over 1,024 bytes), and a CSV without
/// an id column whose made-up id must become its whole (long) path because
/// another input has the same file name. A text-sized value read from a
/// column or a manifest is still refused.
#[test]
fn names_made_from_paths_are_not_held_to_the_name_limit() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let deep: PathBuf = (0..60)
        .map(|i| format!("level-{i:02}-of-the-tree"))
        .collect();
    let rel = deep.join("story.txt");
    let rel_id = rel.to_str().unwrap().to_string();
    assert!(rel_id.len() > 1024, "{}", rel_id.len());
    std::fs::create_dir_all(p.join("in").join(&deep)).unwrap();
    std::fs::write(p.join("in").join(&rel), SENTENCE).unwrap();
    // A manifest row for a short file whose story is text-sized: refused.
    std::fs::write(p.join("in/short.txt"), SENTENCE).unwrap();
    let long = "x".repeat(2000);
    std::fs::write(
        p.join("in/manifest.csv"),
        format!("file,source,story\nshort.txt,wire,{long}\n"),
    )
    .unwrap();
    let csv_dir = p.join("in").join(&deep);
    std::fs::write(csv_dir.join("data.csv"), "source,text\nx,Rebels fled.\n").unwrap();
    std::fs::write(p.join("data.csv"), "source,text\nx,Rebels fled.\n").unwrap();
    let deep_csv = Path::new("in").join(&deep).join("data.csv");
    let o = analyze(p, &["in", "data.csv", deep_csv.to_str().unwrap()]);
    assert_eq!(o.doc_cell(&rel_id, "source"), "story");
    assert_eq!(o.doc_cell(&rel_id, "file"), format!("in/{rel_id}"));
    assert_eq!(o.doc_cell("data:1", "source"), "x");
    let longer = format!("{}:1", deep_csv.to_str().unwrap());
    assert!(longer.len() > 1024);
    assert_eq!(o.doc_cell(&longer, "source"), "x");
    assert_eq!(
        o.reason("in/short.txt", ""),
        "story is 2000 bytes, over the 1024-byte limit for names (is the story column the right one?)"
    );
    assert_eq!(o.counts(), (4, 3, 1));
}

/// File names that differ only in bytes that are not UTF-8 stay distinct
/// documents with distinct ids, `file` cells and file-stem sources: the
/// stray bytes are written `\xHH`, and a name that really holds `\x` gets
/// its backslash escaped (`\x5C`), so no two names share a text. A
/// backslash is part of a Unix file name, not a folder separator. A
/// manifest may name a file the way the reports write it.
#[cfg(unix)]
#[test]
fn file_names_that_are_not_utf8_stay_distinct() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let d = p.join("in");
    std::fs::create_dir_all(d.join("a")).unwrap();
    // (name, id, source).
    let names: &[(&[u8], &str, &str)] = &[
        (b"a\xff.txt", r"a\xFF.txt", r"a\xFF"),
        (b"a\xfe.txt", r"a\xFE.txt", "named"),
        (b"a\xfd.txt", r"a\xFD.txt", r"a\xFD"),
        (br"a\xFF.txt", r"a\x5CxFF.txt", r"a\x5CxFF"),
        (b"caf\xc3\xa9.txt", "café.txt", "café"),
        (br"a\b.txt", r"a\b.txt", r"a\b"),
        (b"a/b.txt", "a/b.txt", "b"),
    ];
    for (name, _, _) in names {
        std::fs::write(d.join(OsStr::from_bytes(name)), SENTENCE).unwrap();
    }
    for name in [&b"d\xff.csv"[..], b"d\xfe.csv"] {
        std::fs::write(
            p.join(OsStr::from_bytes(name)),
            "source,text\nx,Rebels fled.\n",
        )
        .unwrap();
    }
    std::fs::write(d.join("manifest.csv"), "file,source\na\\xFE.txt,named\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_slant"))
        .current_dir(p)
        .args(["analyze", "in"])
        .arg(OsStr::from_bytes(b"d\xff.csv"))
        .arg(OsStr::from_bytes(b"d\xfe.csv"))
        .args(["-o", "r2", "--quiet"])
        .output()
        .unwrap();
    let stderr = no_panic(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let (h, rows) = read_csv(&p.join("r2/documents.csv"));
    let col = |id: &str, c: &str| -> String {
        let r = rows.iter().find(|r| cell(&h, r, "id") == id);
        cell(&h, r.unwrap_or_else(|| panic!("{id}: {rows:?}")), c).to_string()
    };
    for (_, id, source) in names {
        assert_eq!(col(id, "file"), format!("in/{id}"));
        assert_eq!(col(id, "source"), *source, "{id}");
    }
    assert_eq!(col(r"d\xFF:1", "file"), r"d\xFF.csv");
    assert_eq!(col(r"d\xFE:1", "file"), r"d\xFE.csv");
    assert_eq!(rows.len(), names.len() + 2);
    let run: Value =
        serde_json::from_str(&std::fs::read_to_string(p.join("r2/run.json")).unwrap()).unwrap();
    let inputs: Vec<&str> = (run["inputs"].as_array().unwrap().iter())
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert_eq!(inputs, [r"d\xFE.csv", r"d\xFF.csv", "in"]);
    assert_eq!(run["inputs"][2]["manifest_unmatched"], Value::Null);
}

/// A run that analyses no document is an error (exit 1) for `analyze` and
/// `extract`, with a message that says why — an empty folder, a folder of
/// files that are not `.txt` (listed), no record, every record rejected
/// (the first one shown), and for a key or column that is missing, the
/// keys of the first JSONL records or the CSV header — and the reports of
/// the previous run stay as they were.
#[test]
fn nothing_to_analyze_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    for d in ["empty", "notes"] {
        std::fs::create_dir(p.join(d)).unwrap();
    }
    for f in ["README.md", "page.html", "doc.pdf"] {
        std::fs::write(p.join("notes").join(f), SENTENCE).unwrap();
    }
    std::fs::write(p.join("all.csv"), "id,source,text\n1,,a\n2,,b\n").unwrap();
    std::fs::write(
        p.join("j.jsonl"),
        "{\"id\":\"1\",\"paper\":\"a\",\"text\":\"x\"}\n{\"text\":\"y\",\"extra\":1,\"paper\":\"b\",\"id\":\"2\"}\n",
    )
    .unwrap();
    std::fs::write(
        p.join("ok.csv"),
        format!("id,source,text\n1,a,{SENTENCE}\n"),
    )
    .unwrap();
    // Reports of earlier runs of each command, which every failed run
    // must leave alone (neither command replaces the other's reports).
    analyze(p, &["ok.csv", "--quiet"]);
    let out = command(p, &["extract", "ok.csv", "-o", "f", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", no_panic(&out));
    let cases: &[(&[&str], &str)] = &[
        (&["empty"], "no document to analyse: `empty` holds no .txt file"),
        (
            &["notes"],
            "no document to analyse: `notes` holds no .txt file (3 files skipped: not .txt: README.md, doc.pdf, page.html)",
        ),
        (
            &["all.csv"],
            "no document to analyse: all 2 records read were rejected (the first: all.csv:2 (record 1): empty source); the columns of `all.csv` are: id, source, text",
        ),
        (
            &["j.jsonl", "--source-col", "source_name"],
            "no document to analyse: all 2 records read were rejected (the first: j.jsonl:1 (record 1): missing source field `source_name`); 2 records of `j.jsonl` lack a field that is read; the keys in its first records are: id, paper, text, extra",
        ),
        (
            &["j.jsonl"],
            "missing source field `source`); 2 records of `j.jsonl` lack a field that is read; the keys in its first records are: id, paper, text, extra",
        ),
        (
            &["empty", "all.csv", "--quiet"],
            "no document to analyse: all 2 records read were rejected",
        ),
    ];
    for (command, dir) in [("analyze", "r"), ("extract", "f")] {
        let before = std::fs::read(p.join(dir).join("run.json")).unwrap();
        for (args, needle) in cases {
            let mut a = vec![command];
            a.extend_from_slice(args);
            a.extend_from_slice(&["-o", dir]);
            let out = command_in(p, &a);
            let stderr = no_panic(&out);
            assert_eq!(out.status.code(), Some(1), "{a:?}:\n{stderr}");
            assert!(
                stderr.contains(needle),
                "{a:?}: lacks {needle:?}:\n{stderr}"
            );
            assert!(
                stderr.contains(&format!(
                    "{command} failed; reports in {dir} left as they were"
                )),
                "{stderr}"
            );
            assert_eq!(std::fs::read(p.join(dir).join("run.json")).unwrap(), before);
            assert_eq!(staging_dirs(p), Vec::<String>::new());
        }
    }
}

fn command_in(dir: &Path, args: &[&str]) -> Output {
    command(dir, args).output().expect("run slant")
}

/// Files of an input folder that are not `.txt` are listed, with their
/// reason, in `run.json` and on stderr; the manifest in use is not.
#[test]
fn files_that_are_not_txt_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("in/sub")).unwrap();
    std::fs::write(p.join("in/a.txt"), SENTENCE).unwrap();
    std::fs::write(p.join("in/manifest.csv"), "file,source\na.txt,wire\n").unwrap();
    for f in ["README.md", "page.html", "sub/doc.pdf", "sub/data.csv"] {
        std::fs::write(p.join("in").join(f), SENTENCE).unwrap();
    }
    let o = analyze(p, &["in"]);
    let not_txt = |f: &str| (format!("in/{f}"), "not .txt".to_string());
    assert_eq!(
        skipped(&o, 0),
        [
            not_txt("README.md"),
            not_txt("page.html"),
            not_txt("sub/data.csv"),
            not_txt("sub/doc.pdf")
        ]
    );
    assert!(
        o.stderr.contains(
            "slant: note: in: 4 files skipped: not .txt: README.md, page.html, sub/data.csv, sub/doc.pdf (run.json: skipped)"
        ),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains(", 4 skipped (run.json lists them),"),
        "{}",
        o.stderr
    );
    assert_eq!(o.doc_cell("a.txt", "source"), "wire");
    assert_eq!(o.counts(), (1, 1, 0));
}

/// Symlinks: one that leads outside the input folder is not followed (a
/// link to `/` walked the whole file system) but listed as skipped with
/// its target, unless `--follow-symlinks`; the same file reached by
/// several paths (a symlink or hard link inside the folder, `A` and
/// `A/../A`, a file named again as an input, an input inside another) is
/// read once, the other paths listed as skipped. The real path wins over
/// a symlink that sorts before it.
#[cfg(unix)]
#[test]
fn symlinks_and_files_reached_twice() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("in/real")).unwrap();
    std::fs::create_dir_all(p.join("outside")).unwrap();
    std::fs::write(p.join("in/real/b.txt"), "Rebels fled the town.").unwrap();
    std::fs::write(p.join("in/z.txt"), SENTENCE).unwrap();
    std::fs::write(p.join("outside/o.txt"), "Militants held the town.").unwrap();
    symlink("/", p.join("in/root")).unwrap();
    symlink("../outside", p.join("in/out")).unwrap();
    symlink("../outside/o.txt", p.join("in/o.txt")).unwrap();
    symlink("real/b.txt", p.join("in/0link.txt")).unwrap();
    symlink("real", p.join("in/0dir")).unwrap();
    std::fs::hard_link(p.join("in/z.txt"), p.join("in/z2.txt")).unwrap();
    let o = analyze(p, &["in", "in/../in", "in/real", "in/z.txt"]);
    let s = |f: &str, why: &str| (f.to_string(), why.to_string());
    let cwd_root = std::fs::canonicalize(p).unwrap();
    let outside = |t: &str| {
        format!(
            "symlink to `{}`, outside the input folder (--follow-symlinks reads it)",
            cwd_root.join(t).display()
        )
    };
    assert_eq!(
        skipped(&o, 0),
        [
            s("in/0dir", "same folder as `in/real` (read once)"),
            s("in/0link.txt", "same file as `in/real/b.txt` (read once)"),
            s("in/o.txt", &outside("outside/o.txt")),
            s("in/out", &outside("outside")),
            s(
                "in/root",
                "symlink to `/`, outside the input folder (--follow-symlinks reads it)"
            ),
            s("in/z2.txt", "same file as `in/z.txt` (read once)"),
        ]
    );
    assert_eq!(
        skipped(&o, 1),
        [s("in/../in", "same folder as `in` (read once)")]
    );
    assert_eq!(
        skipped(&o, 2),
        [s("in/real", "same folder as `in/real` (read once)")]
    );
    assert_eq!(
        skipped(&o, 3),
        [s("in/z.txt", "same file as `in/z.txt` (read once)")]
    );
    assert_eq!(o.doc_cell("real/b.txt", "tokens"), "4");
    assert_eq!(o.doc_cell("z.txt", "tokens"), "5");
    assert_eq!(o.counts(), (2, 2, 0));
    for i in 1..4 {
        assert_eq!(o.run["inputs"][i]["files"], 0);
    }

    std::fs::remove_dir_all(p.join("r")).unwrap();
    std::fs::remove_file(p.join("in/root")).unwrap();
    let o = analyze(p, &["in", "--follow-symlinks", "--quiet"]);
    assert_eq!(o.run["options"]["read"]["follow_symlinks"], true);
    // The outside folder and file are read, each once, under the path
    // that sorts first; `/` is walked no further than what was read.
    assert_eq!(o.doc_cell("o.txt", "tokens"), "4");
    let o_file = o.doc_cell("o.txt", "file");
    assert_eq!(o_file, "in/o.txt");
    assert!(skipped(&o, 0).contains(&s("in/out/o.txt", "same file as `in/o.txt` (read once)")));
}

/// Manifest rows are named by the line they are on, after blank lines and
/// with CRLF or CR line ends (the CSV parser's own count skips those).
#[test]
fn manifest_line_numbers_after_blank_lines() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir(p.join("c")).unwrap();
    std::fs::write(p.join("c/a.txt"), "Rebels fled the town.\n").unwrap();
    std::fs::write(
        p.join("c/manifest.csv"),
        "file,source\r\n\r\nA.TXT,x\r\n\n\ra.txt,y\r\n",
    )
    .unwrap();
    let o = analyze(p, &["c"]);
    assert!(
        o.stderr.contains(
            "slant: warning: the manifest for c lists `A.TXT` (line 3), which is not in the folder"
        ),
        "{}",
        o.stderr
    );
    assert_eq!(o.doc_cell("a.txt", "source"), "y");
    std::fs::remove_dir_all(p.join("r")).unwrap();
    std::fs::write(
        p.join("c/manifest.csv"),
        "file,source\n\na.txt,x\n\n\na.txt,y\n",
    )
    .unwrap();
    refused(
        p,
        &["analyze", "c"],
        "line 6: `a.txt` is listed again (first at line 3)",
    );
}

/// Dates (trust issue 12): every date is kept as read in `documents.csv`
/// and read into a calendar day in `date_parsed`; unparseable and
/// impossible dates are counted in `run.json`, the first ones shown on
/// stderr (not with --quiet), and never set the date range of `run.json`
/// or the report.
#[test]
fn dates_are_parsed_and_impossible_ones_reported() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    // (id, date as written, calendar day or "" when it cannot be used)
    let cases: &[(&str, &str, &str)] = &[
        ("iso", "2020-03-04", "2020-03-04"),
        ("iso_time", "2020-03-04T23:30:00-05:00", "2020-03-04"),
        ("iso_slash", "2020/3/4", "2020-03-04"),
        ("iso_basic", "20200304", "2020-03-04"),
        ("us_short", "7/23/17", "2017-07-23"),
        ("us_long", "12/01/2016", "2016-12-01"),
        ("day_first", "13/4/2020", "2020-04-13"),
        ("dotted", "4.3.2020", "2020-03-04"),
        ("pivot_low", "1/2/68", "2068-01-02"),
        ("pivot_high", "1/2/69", "1969-01-02"),
        ("rfc2822", "Wed, 04 Mar 2020 17:05:00 +0000", "2020-03-04"),
        ("words_us", "March 4, 2020", "2020-03-04"),
        ("words_uk", "4th March 2020", "2020-03-04"),
        ("leap", "2020-02-29", "2020-02-29"),
        // Impossible: no such day, a placeholder year, a wrong weekday.
        ("zero", "0000-00-00", ""),
        ("nines", "9999-99-99", ""),
        ("feb30", "2020-02-30", ""),
        ("not_leap", "2021-02-29", ""),
        ("us_feb30", "2/30/20", ""),
        ("month13", "2020-13-01", ""),
        ("php_zero", "0001-11-30", ""),
        ("max_date", "9999-12-31", ""),
        ("weekday", "Tue, 04 Mar 2020", ""),
        ("hour25", "2020-03-04T25:00", ""),
        // Unparseable.
        ("words", "last Tuesday", ""),
        ("partial", "2020-03", ""),
        ("epoch", "1583280000", ""),
        ("formula", "=1+1", ""),
        ("none", "", ""),
    ];
    let mut csv = String::from("id,source,date,text\n");
    for (id, date, _) in cases {
        csv.push_str(&format!("{id},wire,\"{date}\",Rebels attacked the town.\n"));
    }
    std::fs::write(p.join("d.csv"), &csv).unwrap();
    let o = analyze(p, &["d.csv", "--no-models", "--bootstrap", "10"]);
    assert_eq!(o.docs.0[3..5], ["date", "date_parsed"]);
    for (id, date, want) in cases {
        let read = o.doc_cell(id, "date");
        // As read (a formula-like cell keeps its guard quote).
        assert_eq!(read.trim_start_matches('\''), *date, "{id}: date as read");
        assert_eq!(o.doc_cell(id, "date_parsed"), *want, "{id}: {date:?}");
    }
    let d = &o.run["dates"];
    let impossible = 10;
    let unparseable = 4;
    assert_eq!(d["impossible"], impossible, "{d}");
    assert_eq!(d["unparseable"], unparseable, "{d}");
    assert_eq!(d["missing"], 1, "{d}");
    assert_eq!(
        d["parsed"],
        cases.len() as u64 - impossible - unparseable - 1
    );
    // The range is the parsed dates' only.
    assert_eq!(
        o.run["date_range"],
        serde_json::json!(["1969-01-02", "2068-01-02"])
    );
    let html = std::fs::read_to_string(o.out.join("report.html")).unwrap();
    assert!(html.contains("1969-01-02 to 2068-01-02; 14 dates not used"));
    assert!(!html.contains("0000-00-00") && !html.contains("9999-"));
    // The first problems, in input order, in run.json and on stderr.
    let examples = d["examples"].as_array().unwrap();
    assert_eq!(examples.len(), 10);
    assert_eq!(examples[0]["id"], "zero");
    assert_eq!(examples[0]["date"], "0000-00-00");
    assert_eq!(examples[0]["origin"], "d.csv:16 (record 15)");
    assert_eq!(
        examples[2]["problem"],
        "impossible date: February 2020 has 29 days"
    );
    for e in examples {
        let line = format!(
            "slant: warning: {}: date {:?} not used: {}",
            e["origin"].as_str().unwrap(),
            e["date"].as_str().unwrap(),
            e["problem"].as_str().unwrap()
        );
        assert!(
            o.stderr.contains(&line),
            "stderr lacks {line:?}:\n{}",
            o.stderr
        );
    }
    assert!(
        o.stderr
            .contains("slant: warning: ... and 4 more dates not used (run.json: dates)"),
        "{}",
        o.stderr
    );
    // --quiet: the same counts, nothing on stderr.
    std::fs::remove_dir_all(p.join("r")).unwrap();
    let q = analyze(p, &["d.csv", "--no-models", "--bootstrap", "10", "--quiet"]);
    assert_eq!(q.run["dates"], o.run["dates"]);
    assert!(!q.stderr.contains("date"), "{}", q.stderr);
}

/// Dates from every reader: JSONL (a number too) and a folder's manifest.
#[test]
fn dates_from_jsonl_and_manifests() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("j.jsonl"),
        concat!(
            r#"{"id":"a","source":"s","text":"Rebels fled.","date":"Sept. 30, 2019"}"#,
            "\n",
            r#"{"id":"b","source":"s","text":"Rebels fled.","date":20191001}"#,
            "\n",
            r#"{"id":"c","source":"s","text":"Rebels fled.","date":"2019-09-31"}"#,
            "\n",
        ),
    )
    .unwrap();
    std::fs::create_dir(p.join("f")).unwrap();
    std::fs::write(p.join("f/x.txt"), "Rebels fled.").unwrap();
    std::fs::write(p.join("f/y.txt"), "Rebels fled.").unwrap();
    std::fs::write(
        p.join("f/manifest.csv"),
        "file,source,date\nx.txt,s,10/2/19\ny.txt,s,31/31/2019\n",
    )
    .unwrap();
    let o = analyze(p, &["j.jsonl", "f", "--no-models", "--bootstrap", "10"]);
    for (id, want) in [
        ("a", "2019-09-30"),
        ("b", "2019-10-01"),
        ("c", ""),
        ("x.txt", "2019-10-02"),
        ("y.txt", ""),
    ] {
        assert_eq!(o.doc_cell(id, "date_parsed"), want, "{id}");
    }
    assert_eq!(o.run["dates"]["impossible"], 2);
    assert_eq!(
        o.run["date_range"],
        serde_json::json!(["2019-09-30", "2019-10-02"])
    );
    assert!(o
        .stderr
        .contains("date \"2019-09-31\" not used: impossible date: September 2019 has 30 days"));
}

/// `lexicon check` and the loader `analyze` (and `extract`) use agree on
/// every file, with and without the built-in lexicons: a file one refuses
/// the others refuse, with the same problem and line. Covers terms with no
/// word (punctuation would be matched), LIWC `.dic` and LIWC-22 `.dicx`
/// dictionaries, clashes with the built-ins and with the learned scorers'
/// columns (whichever models are loaded).
#[test]
fn lexicon_check_and_analyze_agree() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("in.txt"),
        "Rebels were happy, then wept. Sadly, he left.",
    )
    .unwrap();
    // (file, content, refused with the built-ins, refused without them)
    // where `Some(needle)` is the expected message and `None` acceptance.
    type Case = (
        &'static str,
        &'static str,
        Option<&'static str>,
        Option<&'static str>,
    );
    let punct = Some("has no word or number (punctuation only)");
    let cases: &[Case] = &[
        ("dot.txt", "hedgy\n.\n", Some("line 2: term \".\" has no word"), Some("line 2: term \".\" has no word")),
        ("quote.txt", "\"\n", punct, punct),
        ("curly.txt", "maybe\n\u{201c}\n", punct, punct),
        ("dashes.txt", "--\n", punct, punct),
        ("amp_wild.txt", "&*\n", punct, punct),
        ("emoticon.txt", ":)\n", punct, punct),
        ("quote.toml", "[[category]]\nid = \"c\"\nterms = [\"ok\", \"\\\"\"]\n", Some("line 3: category `c`: term"), punct),
        ("punct.dic", "%\n1\tfoo\n%\nabc\t1\n.\t1\n", Some("line 5: term \".\""), punct),
        ("punct.dicx", "DicTerm,Foo\nabc,X\n!,X\n", Some("line 3: term \"!\""), punct),
        ("mixed.txt", "at&t\nlol :)\n", None, None),
        // LIWC .dic categories.
        ("loaded.dic", "%\n1\tloaded\n%\nawful\t1\n", Some("category `loaded` from loaded.dic is already defined"), None),
        ("spaced.dic", "%\n1\tPos Emo\n2\tNeg\n%\nhappy\t1\nsad*\t2\n", None, None),
        ("twice.dic", "%\n1\tFoo\n2\tfoo\n%\na\t1\nb\t2\n", Some("line 3: category \"foo\" has the id `foo` of category \"Foo\" (line 2)"), Some("line 3: category \"foo\"")),
        ("empty_cat.dic", "%\n1\tfoo\n2\tbar\n%\na\t1\n", Some("line 3: category \"bar\" has no terms"), Some("has no terms")),
        ("quoted_id.dic", "%\n1\tfoo\n2\tfoo_quoted\n%\na\t1\nb\t2\n", Some("two columns named `foo_quoted_rate`"), Some("`foo_quoted_rate`")),
        // LIWC-22 .dicx dictionaries.
        ("liwc22.dicx", "DicTerm,PosEmo,NegEmo\nhappy*,X,\nsad*,,x\nbittersweet,X,X\n", None, None),
        ("weighted.dicx", "DicTerm,PosEmo\nhappy,0.75\n", Some("line 2: cell \"0.75\" in column \"PosEmo\": expected `X` or nothing (weighted .dicx dictionaries are not supported)"), Some("weighted")),
        ("typo.dicx", "DicTerm,PosEmo\nhappy,Y\n", Some("line 2: cell \"Y\""), Some("line 2: cell")),
        ("ragged.dicx", "DicTerm,PosEmo,NegEmo\nhappy,X\n", Some("line 2: 2 fields, the header has 3"), Some("line 2: 2 fields")),
        ("unmarked.dicx", "DicTerm,PosEmo\nhappy,X\nsad,\n", Some("line 3: term \"sad\" has no category marked"), Some("line 3: term")),
        ("one_column.dicx", "DicTerm\nhappy\n", Some("line 1: the header must be `DicTerm,Category1"), Some("line 1: the header")),
        ("no_name.dicx", "DicTerm,,NegEmo\nhappy,X,X\n", Some("column 2 has no category name"), Some("column 2 has no category name")),
        ("sentiment.dicx", "DicTerm,Sentiment\nhappy,X\n", Some("category `sentiment` from sentiment.dicx is already defined"), None),
        // The learned scorers' columns are reserved whatever the models.
        ("slant.txt", "good\t1.5\n", Some("two columns named `slant_mean`"), Some("`slant_mean`")),
        ("loaded_family.toml", "[[family]]\nid = \"loaded\"\n[[family.variant]]\nid = \"a\"\ntone = 0.0\nterms = [\"rebels\"]\n", Some("two columns named `loaded_ci_low`"), Some("`loaded_ci_low`")),
    ];
    for (name, content, with_builtins, alone) in cases {
        std::fs::write(p.join(name), content).unwrap();
        for (no_default, want) in [(false, with_builtins), (true, alone)] {
            let flag: &[&str] = if no_default {
                &["--no-default-lexicons"]
            } else {
                &[]
            };
            let run = |args: &[&str]| {
                let mut a = args.to_vec();
                a.extend_from_slice(flag);
                let out = command(p, &a).output().unwrap();
                let _ = std::fs::remove_dir_all(p.join("r"));
                (out.status.code(), no_panic(&out))
            };
            let outcomes = [
                ("lexicon check", run(&["lexicon", "check", name])),
                (
                    "analyze",
                    run(&[
                        "analyze",
                        "in.txt",
                        "--lexicon",
                        name,
                        "-o",
                        "r",
                        "--quiet",
                        "--bootstrap",
                        "10",
                    ]),
                ),
            ];
            for (cmd, (code, err)) in &outcomes {
                match want {
                    Some(needle) => {
                        assert_eq!(
                            *code,
                            Some(1),
                            "{cmd} {name} (no_default {no_default}) accepted it:\n{err}"
                        );
                        assert!(err.contains(needle), "{cmd} {name} (no_default {no_default}): stderr lacks {needle:?}:\n{err}");
                    }
                    None => assert_eq!(
                        *code,
                        Some(0),
                        "{cmd} {name} (no_default {no_default}) refused it:\n{err}"
                    ),
                }
            }
        }
    }
    // What a .dicx file gives: one category per column, `*` wildcards.
    let o = analyze(
        p,
        &[
            "in.txt",
            "--lexicon",
            "liwc22.dicx",
            "--lexicon",
            "spaced.dic",
            "--no-models",
            "--bootstrap",
            "10",
        ],
    );
    assert_eq!(o.doc_cell("in.txt", "posemo_count"), "1"); // happy*
    assert_eq!(o.doc_cell("in.txt", "negemo_count"), "1"); // sad* (Sadly)
    assert_eq!(o.doc_cell("in.txt", "pos_emo_count"), "1"); // "Pos Emo" in a .dic header
    let run_lexicons = o.run["lexicons"].to_string();
    assert!(
        run_lexicons.contains("\"format\":\"dicx\""),
        "{run_lexicons}"
    );
}

/// Every entry under `dir` (recursively, not following links) with its
/// kind and, for files, its bytes.
fn tree(dir: &Path) -> Vec<(String, String)> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let name = e.path().to_string_lossy().to_string();
        let t = e.file_type().unwrap();
        if t.is_dir() {
            v.push((name, "dir".into()));
            v.extend(tree(&e.path()));
        } else if t.is_file() {
            let bytes = std::fs::read(e.path()).unwrap();
            v.push((name, String::from_utf8_lossy(&bytes).to_string()));
        } else {
            v.push((name, format!("{t:?}")));
        }
    }
    v.sort();
    v
}

/// An existing output directory is slant's to replace only if it holds
/// nothing but regular report files and a run.json of slant's, of the same
/// command. Anything else is refused with exit code 1 before anything is
/// read, and nothing in it (or beside it) changes.
#[test]
fn output_directories_that_are_not_slants_are_refused() {
    type Setup = fn(&Path);
    let slant_run = r#"{"tool": "slant", "command": "analyze"}"#;
    let cases: Vec<(&str, Setup, &str)> = vec![
        (
            "a report name that is a directory",
            |r| {
                std::fs::create_dir_all(r.join("documents.csv")).unwrap();
                std::fs::write(r.join("documents.csv/thesis.docx"), "x\n").unwrap();
            },
            "documents.csv (a directory)",
        ),
        (
            "a report name that is a directory, beside slant's reports",
            |r| {
                std::fs::write(
                    r.join("run.json"),
                    r#"{"tool": "slant", "command": "analyze"}"#,
                )
                .unwrap();
                std::fs::create_dir_all(r.join("evidence.csv/notes")).unwrap();
            },
            "evidence.csv (a directory)",
        ),
        (
            "a report name that is a link to a file elsewhere",
            |r| {
                std::fs::write(r.join("../mine.csv"), "mine\n").unwrap();
                #[cfg(unix)]
                std::os::unix::fs::symlink("../mine.csv", r.join("sources.csv")).unwrap();
                #[cfg(not(unix))]
                std::fs::create_dir(r.join("sources.csv")).unwrap();
            },
            "sources.csv (a",
        ),
        (
            "report names without a run.json",
            |r| std::fs::write(r.join("documents.csv"), "my own table\n").unwrap(),
            "documents.csv but no run.json from a slant run",
        ),
        (
            "a run.json that is not slant's",
            |r| std::fs::write(r.join("run.json"), "{\"scripts\": {}}\n").unwrap(),
            "run.json but no run.json from a slant run",
        ),
        (
            "a run.json that is not JSON",
            |r| std::fs::write(r.join("run.json"), "#!/bin/sh\n").unwrap(),
            "no run.json from a slant run",
        ),
        (
            "a hidden file",
            |r| std::fs::write(r.join(".gitkeep"), "").unwrap(),
            ".gitkeep",
        ),
        (
            "a staging-like directory holding a file of the user's",
            |r| {
                std::fs::create_dir(r.join(".slant-tmp-4194999")).unwrap();
                std::fs::write(r.join(".slant-tmp-4194999/keep.txt"), "x").unwrap();
            },
            ".slant-tmp-4194999 (a directory)",
        ),
    ];
    for (what, setup, says) in cases {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        std::fs::write(p.join("in.txt"), SENTENCE).unwrap();
        std::fs::write(p.join("bad.csv"), "source,text\nx,\n").unwrap();
        std::fs::create_dir(p.join("r")).unwrap();
        setup(&p.join("r"));
        let before = tree(p);
        for cmd in ["analyze", "extract"] {
            // bad.csv would print a rejection if it were read.
            let out = command(p, &[cmd, "in.txt", "bad.csv", "-o", "r"])
                .output()
                .unwrap();
            let stderr = no_panic(&out);
            assert_eq!(out.status.code(), Some(1), "{what}: {stderr}");
            assert!(stderr.contains(says), "{what}: {stderr}");
            assert!(stderr.contains(" left as "), "{what}: {stderr}");
            assert!(!stderr.contains("rejected"), "{what}: read first: {stderr}");
            assert_eq!(tree(p), before, "{what}: something changed");
        }
    }
    // The same with a slant run.json is replaced: the cases above are
    // refused for what they are, not for the directory being there.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("in.txt"), SENTENCE).unwrap();
    std::fs::create_dir(p.join("r")).unwrap();
    std::fs::write(p.join("r/run.json"), slant_run).unwrap();
    std::fs::write(p.join("r/documents.csv"), "old\n").unwrap();
    let o = analyze(p, &["in.txt", "--no-models"]);
    assert_eq!(o.counts(), (1, 1, 0));
}

/// How a failed run's message describes the output directory: true in
/// each case, with each cause said once.
#[test]
fn failure_messages_say_what_became_of_the_output_directory() {
    type Setup = fn(&Path);
    let cases: [(&str, Setup, &str); 3] = [
        ("no output directory", |_| {}, "no reports written to r"),
        (
            "an empty one",
            |r| std::fs::create_dir(r).unwrap(),
            "analyze failed; r left as it was",
        ),
        (
            "one with reports",
            |r| {
                std::fs::create_dir(r).unwrap();
                std::fs::write(r.join("run.json"), r#"{"tool": "slant"}"#).unwrap();
            },
            "reports in r left as they were",
        ),
    ];
    for (what, setup, says) in cases {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        setup(&p.join("r"));
        let out = command(p, &["analyze", "missing.csv", "-o", "r"])
            .output()
            .unwrap();
        let stderr = no_panic(&out);
        assert_eq!(out.status.code(), Some(1), "{what}: {stderr}");
        assert!(stderr.contains(says), "{what}: {stderr}");
        assert_eq!(
            stderr.matches("No such file or directory").count(),
            1,
            "{what}: the cause is said more than once: {stderr}"
        );
    }
}

/// A closed pipe or a full device on stderr (`2>&1 | head -2`,
/// `2>/dev/full`) changes nothing: the run completes, with its reports and
/// its exit code, or fails with its exit code, and never panics.
#[cfg(unix)]
#[test]
fn closed_or_full_stderr_changes_nothing() {
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let mut rejects = String::from("source,text\n");
    for i in 0..200 {
        rejects.push_str(&format!("s{i},\n"));
    }
    rejects.push_str("ledger,The insurgents attacked the town.\n");
    std::fs::write(p.join("rejects.csv"), rejects).unwrap();
    std::fs::write(p.join("notes.txt"), "not a directory").unwrap();
    std::fs::write(p.join("bad.toml"), "[[category]]\nid = \"Bad Id\"\n").unwrap();
    type Sink = fn() -> Stdio;
    let sinks: [(&str, Sink); 2] = [
        ("a closed pipe", Stdio::piped),
        ("/dev/full", || {
            Stdio::from(
                std::fs::File::options()
                    .write(true)
                    .open("/dev/full")
                    .unwrap(),
            )
        }),
    ];
    let runs: [(&[&str], i32); 4] = [
        (&["analyze", "rejects.csv", "-o", "r"], 0),
        (&["extract", "rejects.csv", "-o", "f"], 0),
        (&["analyze", "rejects.csv", "-o", "notes.txt"], 1),
        (&["lexicon", "check", "bad.toml"], 1),
    ];
    for (sink, stderr) in sinks {
        for (args, code) in runs {
            for d in ["r", "f"] {
                let _ = std::fs::remove_dir_all(p.join(d));
            }
            let mut child = command(p, args)
                .stdout(Stdio::null())
                .stderr(stderr())
                .spawn()
                .unwrap();
            // The reading end of the pipe closes before slant writes.
            drop(child.stderr.take());
            let status = child.wait().unwrap();
            assert_eq!(status.code(), Some(code), "{args:?}, stderr {sink}");
            if code == 0 {
                let out = p.join(args[3]);
                let run: Value =
                    serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
                assert_eq!(run["documents"]["rejected"], 200, "{args:?}, stderr {sink}");
            }
        }
    }
}
