//! What a run shows on stderr while it works, only when stderr is a
//! terminal and `--quiet` is not given: a bar with the share of the input
//! read (bytes on disk, so compressed bytes for a gzipped file), the
//! documents analyzed and the time left; then a line per phase of the
//! statistics (merging, boilerplate, estimates, models, reports, HTML),
//! so the screen is not blank while they run.

use super::{stderr_line, Messages};
use crate::corpus::BytesRead;
use std::cell::RefCell;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// The progress display of one run.
pub(super) struct Progress {
    messages: Messages,
    bar: Option<indicatif::ProgressBar>,
    /// Input bytes read so far, counted by the reader.
    read: BytesRead,
    /// The phase running now and when it started.
    phase: RefCell<Option<(&'static str, Instant)>>,
}

impl Progress {
    /// A display for inputs of `total` bytes on disk; shown only when
    /// `enabled` and stderr is a terminal.
    pub(super) fn new(enabled: bool, total: u64, messages: &Messages) -> Progress {
        use std::io::IsTerminal;
        // No bar when the messages go elsewhere than stderr.
        let enabled = enabled && messages.0.is_none();
        let bar = (enabled && std::io::stderr().is_terminal()).then(|| {
            let b = indicatif::ProgressBar::new(total.max(1));
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:30} {percent:>3}% {msg}, {elapsed} (about {eta} left)",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            b.set_message("reading");
            b.enable_steady_tick(Duration::from_millis(200));
            b
        });
        Progress {
            messages: messages.clone(),
            bar,
            read: BytesRead::default(),
            phase: RefCell::new(None),
        }
    }

    /// The counter the reader adds its bytes to, when the bar is shown.
    pub(super) fn counter(&self) -> Option<BytesRead> {
        self.bar.as_ref().map(|_| self.read.clone())
    }

    /// After a batch is written: `docs` documents of `text_bytes` analyzed.
    pub(super) fn update(&self, docs: u64, text_bytes: u64) {
        if let Some(b) = &self.bar {
            b.set_position(self.read.load(Ordering::Relaxed));
            b.set_message(format!(
                "{docs} documents ({:.1} MB of text)",
                text_bytes as f64 / 1e6
            ));
        }
    }

    /// A line above the bar (or on stderr when there is none).
    pub(super) fn println(&self, msg: &str) {
        match &self.bar {
            Some(b) => b.println(msg),
            None => self.messages.say(msg),
        }
    }

    /// Reading is over: the bar gives way to a line saying what was read.
    pub(super) fn finish(&self, docs: u64, elapsed: Duration) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
            stderr_line(&format!(
                "slant: analysed {docs} documents in {}",
                seconds(elapsed)
            ));
        }
    }

    /// Start the next phase after reading (the one before ends with a line
    /// saying how long it took); shown as a spinner.
    pub(super) fn phase(&self, name: &'static str) {
        let Some(b) = &self.bar else { return };
        self.end_phase();
        b.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        b.set_message(format!("slant: {name}"));
        b.reset();
        b.enable_steady_tick(Duration::from_millis(200));
        *self.phase.borrow_mut() = Some((name, Instant::now()));
    }

    /// End the phase running now with a line.
    pub(super) fn end_phase(&self) {
        let Some(b) = &self.bar else { return };
        if let Some((name, t)) = self.phase.borrow_mut().take() {
            b.finish_and_clear();
            stderr_line(&format!("slant: {name}: {}", seconds(t.elapsed())));
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}
