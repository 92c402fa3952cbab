//! The `slant` command-line tool: argument parsing and exit codes only;
//! all work happens in the library (`slant::app`).

mod cli;

use clap::Parser;
use cli::commands::{Cli, Command, LabelsCmd, LexiconCmd, TrainCmd};
use cli::options::left_as_it_was;
use slant::app::stderr_line;
use slant::app::{self, RunOptions};
use std::path::PathBuf;
use std::process::ExitCode;

#[cfg(feature = "train")]
fn set_threads(threads: usize) {
    if threads > 0 {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global();
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Train(cmd) => train(cmd),
        Command::Eval(a) => eval(a),
        Command::Analyze(args) => run_analysis((*args).into_options()?),
        Command::Extract(args) => match args.partial.clone() {
            Some(file) => run_partial(args.into_options()?, &file),
            None => run_analysis(args.into_options()?),
        },
        Command::Merge(args) => {
            if args.common.inputs.is_empty() {
                return Err(slant::Error::usage("merge needs the partial files to merge").into());
            }
            run_merge((*args).into_options()?)
        }
        Command::Lexicon(LexiconCmd::List {
            lexicons,
            no_default_lexicons,
        }) => {
            let lex = app::load_lexicon(&lexicons, no_default_lexicons)?;
            print_stdout(&app::describe_lexicon(&lex))
        }
        Command::Lexicon(LexiconCmd::Terms {
            lexicons,
            no_default_lexicons,
            no_sentiment,
        }) => {
            let lex = app::load_lexicon(&lexicons, no_default_lexicons)?;
            let mut terms = std::collections::BTreeSet::new();
            for f in &lex.families {
                for v in &f.variants {
                    terms.extend(v.terms.iter().map(|t| t.text.clone()));
                }
            }
            for c in lex
                .categories
                .iter()
                .filter(|c| !(no_sentiment && c.valence))
            {
                terms.extend(c.terms.iter().map(|t| t.text.clone()));
            }
            let mut out = String::new();
            for t in terms {
                out.push_str(&t);
                out.push('\n');
            }
            print_stdout(&out)
        }
        Command::Labels(LabelsCmd::Suggest {
            input,
            out,
            min_count,
            top,
        }) => {
            let toml = app::suggest_lexicon(&input, min_count, top)?;
            std::fs::write(&out, toml).map_err(|e| slant::Error::io(&out, e))?;
            Ok(())
        }
        Command::Lexicon(LexiconCmd::Check {
            files,
            no_default_lexicons,
        }) => {
            let mut bad = 0;
            for f in &files {
                match slant::lexicon::Lexicon::from_path(f) {
                    Ok(l) => print_stdout(&format!(
                        "{}: ok ({} families, {} categories, {} terms)\n",
                        f.display(),
                        l.families.len(),
                        l.categories.len(),
                        l.n_terms()
                    ))?,
                    Err(e) => {
                        bad += 1;
                        stderr_line(&e.to_string());
                    }
                }
            }
            if bad > 0 {
                return Err(slant::Error::usage(format!(
                    "{bad} of {} lexicon file(s) have problems",
                    files.len()
                ))
                .into());
            }
            // Together, through the loader `analyze` and `extract` use, so
            // that what passes here is what they accept.
            if let Err(e) = app::load_lexicon(&files, no_default_lexicons) {
                let hint = if !no_default_lexicons && app::load_lexicon(&files, true).is_ok() {
                    " (they load without the built-in lexicons: check and run with \
                     --no-default-lexicons to use them instead)"
                } else {
                    ""
                };
                return Err(anyhow::Error::new(e).context(format!(
                    "the lexicon file(s) cannot be used together{}{hint}",
                    if no_default_lexicons {
                        ""
                    } else {
                        " with the built-in lexicons"
                    }
                )));
            }
            Ok(())
        }
    }
}

/// `slant train loaded|slant`.
#[cfg(feature = "train")]
fn train(cmd: TrainCmd) -> anyhow::Result<()> {
    match cmd {
        TrainCmd::Loaded(a) => {
            set_threads(a.threads);
            let some = |p: PathBuf| Some(p).filter(|p| !p.as_os_str().is_empty());
            let opts = slant::scorers::train::TrainLoadedOptions {
                data: a.data,
                spec: slant::scorers::data::LabelSpec {
                    text_col: a.text_col,
                    label_col: a.label_col,
                    group_col: Some(a.word_labels_col).filter(|c| !c.is_empty()),
                    drop_labels: a.drop,
                },
                positive: a.positive,
                params: slant::scorers::loaded::LoadedParams {
                    seed: a.seed,
                    ..Default::default()
                },
                corpus: some(a.corpus),
                validation: some(a.validation),
                model_dir: a.model_dir,
                progress: (!a.quiet).then_some(stderr_line as fn(&str)),
            };
            slant::scorers::train::train_loaded(&opts)?;
            Ok(())
        }
        TrainCmd::Slant(a) => {
            set_threads(a.threads);
            let opts = slant::scorers::train::TrainOutletOptions {
                data: a.data,
                spec: slant::scorers::data::LabelSpec {
                    text_col: a.text_col,
                    label_col: a.label_col,
                    group_col: Some(a.group_col),
                    drop_labels: vec![],
                },
                params: {
                    use slant::scorers::outlet::{OutletMethod, OutletParams};
                    let base = OutletParams::for_method(if a.method == "multinomial" {
                        OutletMethod::Multinomial
                    } else {
                        OutletMethod::OutletRidge
                    });
                    OutletParams {
                        seed: a.seed,
                        alphas: if a.alphas.is_empty() {
                            base.alphas.clone()
                        } else {
                            a.alphas
                        },
                        vocab_sizes: if a.vocab_sizes.is_empty() {
                            base.vocab_sizes.clone()
                        } else {
                            a.vocab_sizes
                        },
                        max_docs_per_group: a.max_docs_per_outlet,
                        stack: if a.no_stack { None } else { base.stack.clone() },
                        voice: if a.voice == "all" {
                            slant::scorers::textfeat::VoiceFilter::All
                        } else {
                            slant::scorers::textfeat::VoiceFilter::Authorial
                        },
                        ..base
                    }
                },
                model_dir: a.model_dir,
                nested: a.nested,
                progress: (!a.quiet).then_some(stderr_line as fn(&str)),
            };
            slant::scorers::train::train_outlet(&opts)?;
            Ok(())
        }
    }
}

/// `slant eval`: recompute the model cards' figures.
#[cfg(feature = "train")]
fn eval(a: cli::commands::EvalArgs) -> anyhow::Result<()> {
    set_threads(a.threads);
    let mut checks = Vec::new();
    if a.only.as_deref() != Some("slant") {
        let p = a.model_dir.join(slant::scorers::loaded::FILE_NAME);
        let validation = if a.validation.is_file() {
            Some(a.validation.as_path())
        } else {
            println!(
                "{}: not found; the loaded-language validation figures are not checked",
                a.validation.display()
            );
            None
        };
        let (c, other) = slant::scorers::train::eval_loaded(&p, &a.loaded_data, validation)?;
        checks.extend(c);
        if let Some(v) = other {
            println!(
                "{} (not the card's validation file; not compared)",
                slant::scorers::train::validation_line(&v)
            );
            for (year, rows, pos, auc) in &v.by_year {
                println!("  {year}: {rows} rows, {pos} loaded, ROC-AUC {auc:.4}");
            }
        }
    }
    if a.only.as_deref() != Some("loaded") {
        let p = a.model_dir.join(slant::scorers::outlet::FILE_NAME);
        checks.extend(slant::scorers::train::eval_outlet(&p, &a.slant_data)?);
    }
    let mut bad = 0;
    for c in &checks {
        let ok = c.ok(a.tolerance);
        bad += !ok as usize;
        print_stdout(&format!(
            "{:<48} card {:>8.4}  recomputed {:>8.4}  {}\n",
            c.name,
            c.card,
            c.recomputed,
            if ok { "ok" } else { "DIFFERS" }
        ))?;
    }
    if bad > 0 {
        return Err(slant::Error::usage(format!(
            "{bad} of {} metrics differ from the model cards by more than {}",
            checks.len(),
            a.tolerance
        ))
        .into());
    }
    print_stdout(&format!(
        "{} metrics match the model cards (tolerance {})\n",
        checks.len(),
        a.tolerance
    ))
}

/// Built without the `train` feature: no fitting, no cross-validation.
#[cfg(not(feature = "train"))]
fn train(_: TrainCmd) -> anyhow::Result<()> {
    Err(without_training("train"))
}

/// Built without the `train` feature: no cross-validation to recompute.
#[cfg(not(feature = "train"))]
fn eval(_: cli::commands::EvalArgs) -> anyhow::Result<()> {
    Err(without_training("eval"))
}

/// The usage error of `slant train`/`slant eval` in a build without the
/// `train` feature (exit code 1).
#[cfg(not(feature = "train"))]
fn without_training(command: &str) -> anyhow::Error {
    slant::Error::usage(format!(
        "`slant {command}` needs the `train` feature, which this build of slant leaves out; \
         build slant with its default features (`cargo build --release`) to train or evaluate models"
    ))
    .into()
}

/// Print to stdout, the output of a command that prints its result. A
/// closed pipe (`slant lexicon terms | head`) is not an error: the reader
/// has what it wanted. Any other write error (a full disk) is, since the
/// output would be incomplete.
fn print_stdout(s: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(slant::Error::io("standard output", e).into())
        }
        _ => Ok(()),
    }
}

/// `extract --partial FILE`: the partial, written whole or not at all.
fn run_partial(opts: RunOptions, file: &std::path::Path) -> anyhow::Result<()> {
    let fail = |e: slant::Error| {
        anyhow::Error::new(e).context(format!("extract failed; {} not written", file.display()))
    };
    let bytes = slant::app::extract_partial(&opts).map_err(fail)?;
    let mut tmp = file.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, &bytes)
        .and_then(|_| std::fs::rename(&tmp, file))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            fail(slant::Error::io(file, e))
        })?;
    if !opts.quiet {
        stderr_line(&format!(
            "slant: partial of {} input(s) in {} ({} bytes); merge with `slant merge`",
            opts.inputs.len(),
            file.display(),
            bytes.len()
        ));
    }
    Ok(())
}

/// `merge PARTIAL... -o DIR`: the partials' reports, as `analyze` of their
/// inputs would write them.
fn run_merge(opts: RunOptions) -> anyhow::Result<()> {
    let out = opts.out_dir.clone();
    let fail = |e: slant::Error| {
        let state = left_as_it_was(&out);
        anyhow::Error::new(e).context(format!("merge failed; {state}"))
    };
    let mut partials = Vec::with_capacity(opts.inputs.len());
    for p in &opts.inputs {
        let bytes = std::fs::read(p).map_err(|e| fail(slant::Error::io(p, e)))?;
        partials.push((p.display().to_string(), bytes));
    }
    let s = slant::app::partial::merge_named(partials, &opts).map_err(fail)?;
    if !opts.quiet {
        stderr_line(&format!(
            "slant: {} partial(s) merged: {} read, {} analysed, {} rejected, {} sources; reports in {}",
            opts.inputs.len(),
            s.read,
            s.analyzed,
            s.rejected,
            s.sources,
            out.display()
        ));
    }
    Ok(())
}

fn run_analysis(mut opts: RunOptions) -> anyhow::Result<()> {
    // Test hook (not a user option), see `RunOptions::fail_after_docs`.
    opts.fail_after_docs = std::env::var("SLANT_FAIL_AFTER_DOCS")
        .ok()
        .and_then(|v| v.trim().parse().ok());
    let (quiet, out) = (opts.quiet, opts.out_dir.clone());
    let cmd = if opts.extract_only {
        "extract"
    } else {
        "analyze"
    };
    let s = match app::analyze(&opts) {
        Ok(s) => s,
        // A commit that failed halfway says itself where the reports are.
        Err(e) if matches!(e.kind(), slant::ErrorKind::Commit { .. }) => {
            return Err(anyhow::Error::new(e).context(format!("{cmd} failed")))
        }
        Err(e) => {
            let state = left_as_it_was(&out);
            return Err(anyhow::Error::new(e).context(format!("{cmd} failed; {state}")));
        }
    };
    if !quiet {
        let skipped = match s.skipped {
            0 => String::new(),
            n => format!(", {n} skipped (run.json lists them)"),
        };
        stderr_line(&format!(
            "slant: {} read, {} analysed, {} rejected{skipped}, {} sources; reports in {}",
            s.read,
            s.analyzed,
            s.rejected,
            s.sources,
            out.display()
        ));
    }
    Ok(())
}

/// An error and its causes on one line, each cause once: a cause whose
/// text the message above it already holds (`path: os error`) is left out.
fn describe(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if !parts.last().is_some_and(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

/// Make glibc's malloc give large freed blocks back to the system.
///
/// By default glibc raises its mmap threshold to the size of each large
/// block freed (up to 32 MiB), after which such blocks come from per-thread
/// arenas, which keep freed memory: every worker thread that once analyzed
/// a large document would go on holding a document's worth of buffers, and
/// peak memory would grow with the thread count (24 documents of 10 MB:
/// 2.7 GB with 16 threads against 1.2 GB with 2, under the same
/// `--memory-budget`). A fixed threshold stops that adjustment: blocks of
/// 4 MiB and more are mapped on their own and unmapped when freed. (Smaller
/// blocks freed after a large document are trimmed by the library.)
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn return_large_blocks_to_the_system() {
    use std::os::raw::c_int;
    extern "C" {
        fn mallopt(param: c_int, value: c_int) -> c_int;
    }
    const M_MMAP_THRESHOLD: c_int = -3;
    // SAFETY: `mallopt` only tunes glibc's allocator; it is called once,
    // before any other thread exists, with a documented parameter and an
    // in-range value (at most 32 MiB).
    unsafe {
        mallopt(M_MMAP_THRESHOLD, 4 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_large_blocks_to_the_system() {}

fn main() -> ExitCode {
    return_large_blocks_to_the_system();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // Ctrl-C, SIGTERM and SIGHUP (the `termination` feature).
    let _ = ctrlc::set_handler(|| {
        // First signal: stop cleanly (every phase checks the flag; the
        // staging directory is removed). A second one: leave at once, but
        // not in the middle of moving reports into place; the next run
        // removes the staging directory.
        if app::INTERRUPTED.swap(true, std::sync::atomic::Ordering::SeqCst) {
            let _hold = slant::report::Staging::block_commits();
            stderr_line("slant: quitting at once");
            std::process::exit(130);
        }
        stderr_line("slant: stopping (interrupt again to quit at once)");
    });
    match std::panic::catch_unwind(|| run(cli)) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            stderr_line(&format!("slant: error: {}", describe(&e)));
            let ours = || e.chain().filter_map(|c| c.downcast_ref::<slant::Error>());
            let usage = ours().any(slant::Error::is_usage);
            let interrupted = ours().any(|e| matches!(e.kind(), slant::ErrorKind::Interrupted));
            ExitCode::from(if usage {
                1
            } else if interrupted {
                130
            } else {
                2
            })
        }
        Err(_) => {
            stderr_line("slant: internal error (a bug: please report it with the command you ran)");
            ExitCode::from(2)
        }
    }
}
