//! Atomic reports (a failed, interrupted or killed run leaves the previous
//! reports byte-identical and no staging directory behind, or none that
//! breaks the next run) and reproducibility (byte-identical reports across
//! thread counts, input order and repeated runs; `run.json` records what
//! is needed to reproduce a run).

mod common;

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn command(cwd: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_slant"));
    c.args(args)
        .current_dir(cwd)
        .env_remove("RUST_BACKTRACE")
        .env_remove("SLANT_FAIL_AFTER_DOCS");
    c
}

fn run_ok(cwd: &Path, args: &[&str]) {
    let out = command(cwd, args).output().unwrap();
    assert!(
        out.status.success(),
        "slant {args:?}: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every file in `dir` (not recursive) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn staging_dirs(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".r.slant-"))
        .collect();
    v.sort();
    v
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A JSONL corpus of `n` documents over four sources and a few stories.
fn corpus(n: usize) -> String {
    let sources = ["ledger", "wire", "post", "beacon"];
    let labels = ["terrorists", "insurgents", "militants", "freedom fighters"];
    let mut s = String::with_capacity(n * 400);
    for i in 0..n {
        let src = sources[i % 4];
        let label = labels[(i / 4 + i % 4) % 4];
        let doc = serde_json::json!({
            "id": format!("d{i}"),
            "source": src,
            "story": format!("s{}", i % 7),
            "date": format!("2024-01-{:02}", 1 + i % 28),
            "text": format!(
                "The {label} attacked the town on day {i}, officials said. \
                 Critics claimed the \"{label}\" may have retreated. \
                 Residents reportedly described a tense night; the council \
                 allegedly met again. {label} were seen near the river."
            ),
        });
        s.push_str(&doc.to_string());
        s.push('\n');
    }
    s
}

/// Reports of a first run, to be compared after a failed second one.
fn baseline(p: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::write(p.join("small.jsonl"), corpus(40)).unwrap();
    run_ok(p, &["analyze", "small.jsonl", "-o", "r", "--quiet"]);
    let before = snapshot(&p.join("r"));
    assert!(before.contains_key("sources.csv") && before.contains_key("run.json"));
    before
}

/// Wait until `child` has its staging directory and has written documents.
fn wait_for_staging(p: &Path, child: &mut Child) -> std::path::PathBuf {
    let staging = p.join(format!(".r.slant-tmp-{}", child.id()));
    let t0 = Instant::now();
    loop {
        let docs = std::fs::metadata(staging.join("documents.csv")).map_or(0, |m| m.len());
        if docs > 10_000 {
            return staging;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("run ended ({status:?}) before it could be interrupted");
        }
        assert!(t0.elapsed() < Duration::from_secs(120), "no staging output");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn wait_with_timeout(child: &mut Child, secs: u64) -> std::process::ExitStatus {
    let t0 = Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        if t0.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            panic!("run did not stop within {secs} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A failure in the middle of a run (injected through the test hook
/// SLANT_FAIL_AFTER_DOCS, failing like a full disk once 1 document has been
/// written): exit code 1 with the reason, previous reports byte-identical,
/// staging directory removed. Both with one thread (reading, analysis and
/// writing on one thread) and with a reader and two workers.
#[test]
fn failure_mid_run_leaves_previous_reports_intact() {
    for threads in ["1", "2"] {
        failure_mid_run_with(threads);
    }
}

fn failure_mid_run_with(threads: &str) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let before = baseline(p);
    std::fs::write(p.join("big.jsonl"), corpus(2000)).unwrap();
    let args: Vec<&str> = "analyze big.jsonl -o r --quiet --threads"
        .split(' ')
        .chain([threads])
        .collect();
    let out = command(p, &args)
        .env("SLANT_FAIL_AFTER_DOCS", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("injected failure after 256 documents (SLANT_FAIL_AFTER_DOCS)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("reports in r left as they were"),
        "{stderr}"
    );
    assert!(snapshot(&p.join("r")) == before, "previous reports changed");
    assert_eq!(staging_dirs(p), Vec::<String>::new());
}

/// Ctrl-C (SIGINT) while documents are being written: the run stops with
/// a non-zero exit code, the previous reports are byte-identical and the
/// staging directory is gone.
#[cfg(unix)]
#[test]
fn sigint_mid_run_leaves_previous_reports_intact() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let before = baseline(p);
    std::fs::write(p.join("big.jsonl"), corpus(60_000)).unwrap();
    let mut child = command(
        p,
        &[
            "analyze",
            "big.jsonl",
            "-o",
            "r",
            "--quiet",
            "--threads",
            "1",
        ],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let staging = wait_for_staging(p, &mut child);
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = wait_with_timeout(&mut child, 120);
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("interrupted; previous reports left untouched"),
        "{stderr}"
    );
    assert!(!staging.exists());
    assert!(snapshot(&p.join("r")) == before, "previous reports changed");
    assert_eq!(staging_dirs(p), Vec::<String>::new());
}

/// SIGKILL cannot be caught: the staging directory stays behind, the
/// previous reports are intact, and the next run succeeds and sweeps the
/// stale directory away.
#[cfg(unix)]
#[test]
fn sigkill_leaves_nothing_that_breaks_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let before = baseline(p);
    std::fs::write(p.join("big.jsonl"), corpus(60_000)).unwrap();
    let mut child = command(
        p,
        &[
            "analyze",
            "big.jsonl",
            "-o",
            "r",
            "--quiet",
            "--threads",
            "1",
        ],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let staging = wait_for_staging(p, &mut child);
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success());
    assert!(staging.exists(), "a killed run cannot clean up");
    assert!(snapshot(&p.join("r")) == before, "previous reports changed");

    std::fs::write(p.join("next.jsonl"), corpus(12)).unwrap();
    run_ok(p, &["analyze", "next.jsonl", "-o", "r", "--quiet"]);
    assert_eq!(staging_dirs(p), Vec::<String>::new());
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(p.join("r/run.json")).unwrap()).unwrap();
    assert_eq!(run["documents"]["analysed"], 12);
}

/// CSV + JSONL inputs: byte-identical reports (all but timings.json)
/// across --threads 1/2, input order and a repeated run.
#[test]
fn csv_and_jsonl_reports_are_reproducible() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("b.jsonl"), corpus(300) + "not json\n").unwrap();
    let mut csv = String::from("id,outlet,story,date,body\n");
    for (i, line) in corpus(300).lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = v["text"].as_str().unwrap().replace('"', "\"\"");
        csv.push_str(&format!(
            "c{i},{},{},{},\"{text}\"\n",
            v["source"].as_str().unwrap(),
            v["story"].as_str().unwrap(),
            v["date"].as_str().unwrap()
        ));
    }
    csv.push_str("ragged,row\n");
    std::fs::write(p.join("a.csv"), csv).unwrap();
    let runs: [(&str, &[&str]); 3] = [
        ("t1", &["a.csv", "b.jsonl", "--threads", "1"]),
        ("t2", &["b.jsonl", "a.csv", "--threads", "2"]),
        ("t3", &["b.jsonl", "a.csv", "--threads", "2"]),
    ];
    let mut outputs = Vec::new();
    for (out, args) in runs {
        let mut a = vec!["analyze", "-o", out, "--quiet", "--bootstrap", "200"];
        a.extend_from_slice(args);
        run_ok(p, &a);
        let mut s = snapshot(&p.join(out));
        // timings.json differs from run to run, but it names every phase.
        let t: serde_json::Value =
            serde_json::from_slice(&s.remove("timings.json").unwrap()).unwrap();
        for phase in [
            "extract_ms",
            "extract_analyse_ms",
            "extract_write_ms",
            "merge_ms",
            "estimate_ms",
            "report_ms",
        ] {
            assert!(t["timings_ms"][phase].is_u64(), "{phase} missing: {t}");
        }
        outputs.push(s);
    }
    let names: Vec<&String> = outputs[0].keys().collect();
    for f in [
        "sources.csv",
        "families.csv",
        "terms.csv",
        "documents.csv",
        "evidence.csv",
        "rejected.csv",
        "run.json",
        "report.html",
    ] {
        assert!(outputs[0].contains_key(f), "{f} missing: {names:?}");
    }
    for (i, o) in outputs.iter().enumerate().skip(1) {
        for (name, bytes) in &outputs[0] {
            assert!(
                o.get(name) == Some(bytes),
                "{name} differs in run {}",
                i + 1
            );
        }
        assert_eq!(o.len(), outputs[0].len());
    }
    let run: serde_json::Value = serde_json::from_slice(&outputs[0]["run.json"]).unwrap();
    assert_eq!(run["documents"]["read"], 602);
    assert_eq!(run["documents"]["analysed"], 600);
}

/// run.json records what is needed to reproduce a run: tool version,
/// command, every option that changes results (seed included), lexicon
/// files with content hashes, and each input with its hash (and a folder's
/// manifest with its hash).
#[test]
fn run_json_records_what_reproduces_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let jsonl = corpus(8);
    std::fs::write(p.join("c.jsonl"), &jsonl).unwrap();
    std::fs::create_dir(p.join("folder")).unwrap();
    std::fs::write(p.join("folder/one.txt"), "The insurgents attacked.").unwrap();
    let manifest = "file,source,story\none.txt,Outlet One,s1\n";
    std::fs::write(p.join("folder/manifest.csv"), manifest).unwrap();
    std::fs::write(p.join("mine.txt"), "reportedly\nallegedly\n").unwrap();
    run_ok(
        p,
        &[
            "analyze",
            "folder",
            "c.jsonl",
            "--lexicon",
            "mine.txt",
            "--seed",
            "7",
            "--bootstrap",
            "50",
            "--max-token-bytes",
            "40",
            "-o",
            "r",
            "--quiet",
        ],
    );
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(p.join("r/run.json")).unwrap()).unwrap();
    assert_eq!(run["tool"], "slant");
    assert_eq!(run["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(run["command"], "analyze");
    let o = &run["options"];
    assert_eq!(o["estimators"]["seed"], 7);
    assert_eq!(o["estimators"]["bootstrap"], 50);
    assert_eq!(o["features"]["max_token_bytes"], 40);
    assert_eq!(o["read"]["max_doc_bytes"], 10 * 1024 * 1024);
    assert_eq!(o["inputs"], serde_json::json!(["c.jsonl", "folder"]));
    assert_eq!(o["lexicons"], serde_json::json!(["mine.txt"]));
    let lex = run["lexicons"].as_array().unwrap();
    assert!(lex.len() >= 6, "{lex:?}");
    for l in lex {
        assert_eq!(l["sha256"].as_str().unwrap().len(), 64, "{l}");
    }
    let mine = lex.iter().find(|l| l["name"] == "mine.txt").unwrap();
    assert_eq!(mine["sha256"], sha256_hex(b"reportedly\nallegedly\n"));
    let inputs = run["inputs"].as_array().unwrap();
    assert_eq!(inputs[0]["path"], "c.jsonl");
    assert_eq!(inputs[0]["sha256"], sha256_hex(jsonl.as_bytes()));
    assert_eq!(inputs[1]["path"], "folder");
    assert_eq!(inputs[1]["manifest"], "folder/manifest.csv");
    assert_eq!(
        inputs[1]["manifest_sha256"],
        sha256_hex(manifest.as_bytes())
    );
    assert_eq!(inputs[1]["sha256"].as_str().unwrap().len(), 64);
    assert!(inputs[0].get("manifest").is_none());
    // Not recorded: where the reports go and the thread count.
    assert!(o.get("out_dir").is_none() && o.get("threads").is_none());
}

/// `-o` naming an input, an unrelated folder or a file is refused before
/// anything is read, and nothing there is touched; a previous run's output
/// directory is replaced as before.
#[test]
fn output_directory_that_is_not_slants_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir(p.join("corpus")).unwrap();
    std::fs::write(p.join("corpus/nyt.txt"), "Rebels fled the town.\n").unwrap();
    std::fs::write(p.join("in.jsonl"), corpus(5)).unwrap();
    std::fs::create_dir(p.join("notes")).unwrap();
    std::fs::write(p.join("notes/draft.md"), "keep me\n").unwrap();
    let before = |p: &Path| {
        (
            snapshot(&p.join("corpus")),
            std::fs::read(p.join("in.jsonl")).unwrap(),
            snapshot(&p.join("notes")),
        )
    };
    let kept = before(p);
    for (args, says) in [
        (["analyze", "corpus", "-o", "corpus"], "nyt.txt"),
        (["analyze", "in.jsonl", "-o", "notes"], "draft.md"),
        (["extract", "in.jsonl", "-o", "in.jsonl"], "not a directory"),
    ] {
        let out = command(p, &args).arg("--quiet").output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(staging_dirs(p).is_empty(), "{args:?}");
    }
    assert!(before(p) == kept, "an input or unrelated file changed");
    // A previous run's reports are replaced, and an empty folder is used.
    run_ok(p, &["analyze", "in.jsonl", "-o", "r", "--quiet"]);
    run_ok(p, &["extract", "in.jsonl", "-o", "r", "--quiet"]);
    assert!(!p.join("r/sources.csv").exists() && p.join("r/documents.csv").exists());
    std::fs::create_dir(p.join("empty")).unwrap();
    run_ok(p, &["extract", "in.jsonl", "-o", "empty", "--quiet"]);
}
