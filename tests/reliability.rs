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

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
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

/// Send `signal` to a run while documents are being written (with
/// `threads` threads): the run stops with exit code 130 and says so, the
/// previous reports are byte-identical and the staging directory is gone.
/// Returns its stderr.
#[cfg(unix)]
fn signal_mid_run(signal: &str, threads: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let before = baseline(p);
    std::fs::write(p.join("big.jsonl"), corpus(60_000)).unwrap();
    let mut child = command(
        p,
        &["analyze", "big.jsonl", "-o", "r", "--threads", threads],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let staging = wait_for_staging(p, &mut child);
    let kill = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = wait_with_timeout(&mut child, 120);
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(130), "{signal}: {stderr}");
    assert!(
        stderr.contains("interrupted; previous reports left untouched"),
        "{stderr}"
    );
    assert!(!staging.exists());
    assert!(snapshot(&p.join("r")) == before, "previous reports changed");
    assert_eq!(staging_dirs(p), Vec::<String>::new());
    stderr
}

/// Ctrl-C (SIGINT) while documents are being written leaves the previous
/// reports intact.
#[cfg(unix)]
#[test]
fn sigint_mid_run_leaves_previous_reports_intact() {
    signal_mid_run("-INT", "1");
}

/// SIGTERM (what `docker stop`, systemd and `kill` send) is handled like
/// Ctrl-C, and both say at once that the run is stopping.
#[cfg(unix)]
#[test]
fn sigterm_is_handled_like_ctrl_c() {
    let stderr = signal_mid_run("-TERM", "2");
    assert!(stderr.contains("slant: stopping"), "{stderr}");
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
/// across --threads 1/2/3, input order, --memory-budget (a budget of one
/// byte analyzes one batch at a time) and a repeated run.
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
    let runs: [(&str, &[&str]); 5] = [
        ("t1", &["a.csv", "b.jsonl", "--threads", "1"]),
        ("t2", &["b.jsonl", "a.csv", "--threads", "2"]),
        ("t3", &["b.jsonl", "a.csv", "--threads", "2"]),
        (
            "t4",
            &["a.csv", "b.jsonl", "--threads", "3", "--memory-budget", "1"],
        ),
        (
            "t5",
            &[
                "b.jsonl",
                "a.csv",
                "--threads",
                "1",
                "--memory-budget",
                "64K",
            ],
        ),
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
            "boilerplate_ms",
            "estimate_ms",
            "report_ms",
        ] {
            assert!(t["timings_ms"][phase].is_u64(), "{phase} missing: {t}");
        }
        // The budget asked for reaches the run (the unit tests in app.rs
        // check that the bytes in flight keep to it).
        let budget = match args.iter().position(|a| *a == "--memory-budget") {
            Some(i) if args[i + 1] == "64K" => 64 << 10,
            Some(_) => 1,
            None => 1 << 30,
        };
        assert_eq!(t["memory"]["budget_bytes"].as_u64(), Some(budget), "{t}");
        assert!(
            t["memory"]["in_flight_peak_bytes"].as_u64() > Some(0),
            "{t}"
        );
        outputs.push(s);
    }
    let names: Vec<&String> = outputs[0].keys().collect();
    for f in [
        "boilerplate.csv",
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
    // The corpus repeats its sentences: boilerplate is found (and the same
    // whatever the threads).
    assert!(run["boilerplate"]["repeated_sentences"].as_u64().unwrap() > 0);
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
    // A previous run's reports are replaced by the same command's, and an
    // empty folder is used.
    run_ok(p, &["analyze", "in.jsonl", "-o", "r", "--quiet"]);
    run_ok(p, &["analyze", "in.jsonl", "-o", "r", "--quiet"]);
    std::fs::create_dir(p.join("empty")).unwrap();
    run_ok(p, &["extract", "in.jsonl", "-o", "empty", "--quiet"]);
    // Another command's reports are not: `extract` (default directory
    // included) would replace a full analysis with its three files, and
    // `analyze` features a pipeline reads.
    let analysis = snapshot(&p.join("r"));
    let features = snapshot(&p.join("empty"));
    for (args, theirs) in [
        (["extract", "in.jsonl", "-o", "r"], "`slant analyze`"),
        (["analyze", "in.jsonl", "-o", "empty"], "`slant extract`"),
    ] {
        let out = command(p, &args).arg("--quiet").output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains(theirs) && stderr.contains("-o"), "{stderr}");
    }
    assert!(snapshot(&p.join("r")) == analysis && snapshot(&p.join("empty")) == features);
    // `analyze` and `extract` have their own default directories.
    run_ok(p, &["analyze", "in.jsonl", "--quiet", "--bootstrap", "10"]);
    run_ok(p, &["extract", "in.jsonl", "--quiet"]);
    let run = |d: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(p.join(d).join("run.json")).unwrap()).unwrap()
    };
    assert_eq!(run("reports")["command"], "analyze");
    assert_eq!(run("features")["command"], "extract");
}

/// A corpus of `sources` outlets with `per_source` documents each.
fn many_sources(sources: usize, per_source: usize) -> String {
    let mut s = String::new();
    for i in 0..sources * per_source {
        let label = ["terrorists", "insurgents", "militants"][i % 3];
        let doc = serde_json::json!({
            "source": format!("outlet{}", i % sources),
            "story": format!("s{}", i % 5),
            "text": format!("The {label} attacked the town, officials said. {label} fled."),
        });
        s.push_str(&doc.to_string());
        s.push('\n');
    }
    s
}

/// Whether process `pid` has a file open under `dir` (Linux).
fn has_open_under(pid: u32, dir: &Path) -> bool {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return false;
    };
    fds.flatten()
        .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|t| t.starts_with(dir)))
}

/// A child process killed when dropped, so that a failing test does not
/// leave a minutes-long run behind.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Start a run over 200 sources with 100,000 bootstrap replicates and wait
/// until it is in its statistics phase: its per-document files are
/// written and closed, and no summary report exists yet.
#[cfg(target_os = "linux")]
fn start_long_statistics(p: &Path) -> Running {
    std::fs::write(p.join("many.jsonl"), many_sources(200, 5)).unwrap();
    let child = command(
        p,
        &[
            "analyze",
            "many.jsonl",
            "-o",
            "r",
            "--bootstrap",
            "100000",
            "--no-models",
        ],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let staging = p.join(format!(".r.slant-tmp-{}", child.id()));
    let t0 = Instant::now();
    let mut child = Running(child);
    loop {
        if staging.join("documents.csv").exists()
            && !has_open_under(child.0.id(), &staging)
            && !staging.join("sources.csv").exists()
        {
            return child;
        }
        if let Ok(Some(status)) = child.0.try_wait() {
            panic!("run ended ({status:?}) before its statistics phase was seen");
        }
        assert!(
            t0.elapsed() < Duration::from_secs(120),
            "no statistics phase"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Ctrl-C in the statistics phase (which takes minutes here) stops the run
/// within seconds, says so at once, and leaves the previous reports.
#[cfg(target_os = "linux")]
#[test]
fn sigint_in_the_statistics_phase_stops_within_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let p = &dir.path().canonicalize().unwrap();
    let before = baseline(p);
    let Running(child) = &mut start_long_statistics(p);
    let t0 = Instant::now();
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = wait_with_timeout(child, 5);
    let stopped_in = t0.elapsed();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("slant: stopping"), "{stderr}");
    assert!(
        stderr.contains("interrupted; previous reports left untouched"),
        "{stderr}"
    );
    assert!(stopped_in < Duration::from_secs(5), "{stopped_in:?}");
    assert!(snapshot(&p.join("r")) == before, "previous reports changed");
    assert_eq!(staging_dirs(p), Vec::<String>::new());
}

/// A second run into a directory that a running slant is writing to is
/// refused; once that run is gone (killed outright), the next run goes on.
#[cfg(target_os = "linux")]
#[test]
fn a_directory_another_run_is_writing_to_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = &dir.path().canonicalize().unwrap();
    let before = baseline(p);
    let child = start_long_statistics(p);
    let out = command(p, &["analyze", "small.jsonl", "-o", "r", "--quiet"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let says = format!("another slant run (process {}) is writing", child.0.id());
    assert!(stderr.contains(&says), "{stderr}");
    drop(child); // killed outright
    assert!(snapshot(&p.join("r")) == before, "previous reports changed");
    run_ok(p, &["analyze", "small.jsonl", "-o", "r", "--quiet"]);
    assert_eq!(staging_dirs(p), Vec::<String>::new());
}

/// `chattr +i` on a path (which root cannot write either), undone on drop;
/// `None` where the file system or the tool does not support it.
struct Immutable(std::path::PathBuf);

impl Immutable {
    fn set(path: &Path) -> Option<Immutable> {
        let ok = Command::new("chattr")
            .arg("+i")
            .arg(path)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("chattr +i not available here: case skipped");
        }
        ok.then(|| Immutable(path.to_path_buf()))
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
    }
}

/// What slant cannot change in an existing output directory (even as
/// root): a directory it may not write into is refused before anything is
/// read; a report file it cannot replace fails the commit after the
/// analysis, which is undone, and the error says the previous reports are
/// as they were, which they are. A parent directory it may not write into
/// is no obstacle: the staging directory goes inside the output directory.
#[cfg(target_os = "linux")]
#[test]
fn output_directories_slant_cannot_change_fail_truthfully() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let before = baseline(p);
    let bad = "{\"source\": \"x\"}\n";
    std::fs::write(p.join("in.jsonl"), corpus(30) + bad).unwrap();
    // The directory itself: refused before reading (no rejection printed).
    if let Some(_hold) = Immutable::set(&p.join("r")) {
        let out = command(p, &["analyze", "in.jsonl", "-o", "r"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("slant may not write into"), "{stderr}");
        assert!(
            stderr.contains("reports in r left as they were"),
            "{stderr}"
        );
        assert!(
            !stderr.contains("rejected"),
            "read before refusing: {stderr}"
        );
        assert_eq!(staging_dirs(p), Vec::<String>::new());
    }
    assert!(snapshot(&p.join("r")) == before);
    // One of its report files: the commit fails and is undone.
    if let Some(_hold) = Immutable::set(&p.join("r/sources.csv")) {
        let out = command(p, &["analyze", "in.jsonl", "-o", "r", "--quiet"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("Operation not permitted"), "{stderr}");
        assert!(
            stderr.contains("reports in r left as they were"),
            "{stderr}"
        );
        assert_eq!(staging_dirs(p), Vec::<String>::new());
    }
    assert!(snapshot(&p.join("r")) == before, "previous reports changed");
    // Its parent: the run goes on, staging inside the directory.
    let parent = p.join("parent");
    std::fs::create_dir_all(parent.join("r")).unwrap();
    if let Some(_hold) = Immutable::set(&parent) {
        for _ in 0..2 {
            run_ok(p, &["analyze", "in.jsonl", "-o", "parent/r", "--quiet"]);
        }
        let names = names(&parent.join("r"));
        assert!(names.contains(&"sources.csv".to_string()), "{names:?}");
        assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
    }
}

/// An output directory that cannot be renamed: `-o .` (the working
/// directory), and a mount point (Docker's `-v host:/out`; a tmpfs mounted
/// in a private mount namespace, where the test may do that). The reports
/// are written into it, the first time and when replacing them.
#[cfg(target_os = "linux")]
#[test]
fn output_directories_that_cannot_be_renamed_are_written_into() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("in.jsonl"), corpus(20)).unwrap();
    let here = p.join("here");
    std::fs::create_dir(&here).unwrap();
    for _ in 0..2 {
        run_ok(&here, &["analyze", "../in.jsonl", "-o", ".", "--quiet"]);
    }
    let names = names(&here);
    assert!(names.contains(&"report.html".to_string()), "{names:?}");
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");

    std::fs::create_dir(p.join("mnt")).unwrap();
    let script = "mount -t tmpfs tmpfs mnt || exit 77
        for i in 1 2; do \"$0\" analyze in.jsonl -o mnt --quiet || exit 99; done
        ls -A mnt";
    let out = Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c", script])
        .arg(env!("CARGO_BIN_EXE_slant"))
        .current_dir(p)
        .output();
    match out.map(|o| (o.status.code(), o)) {
        Ok((Some(0), o)) => {
            let listing = String::from_utf8_lossy(&o.stdout);
            let names: Vec<&str> = listing.lines().collect();
            assert!(names.contains(&"sources.csv"), "{listing}");
            assert!(names.iter().all(|n| !n.starts_with('.')), "{listing}");
        }
        Ok((Some(99), o)) => panic!(
            "run into a mount point failed: {}",
            String::from_utf8_lossy(&o.stderr)
        ),
        _ => eprintln!("no mount namespace here: mount point case skipped"),
    }
}
