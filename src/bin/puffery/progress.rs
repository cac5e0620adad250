//! The progress line on stderr (never on stdout).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use puffery::output::Summary;

use crate::args::Progress;

/// Progress on stderr, never on stdout.
pub struct ProgressLine {
    mode: Progress,
    tty: bool,
    started: Instant,
    last: Instant,
    shown: bool,
}

impl ProgressLine {
    /// A progress line in `mode`, shown by `auto` when stderr is a terminal.
    pub fn new(mode: Progress) -> ProgressLine {
        ProgressLine {
            mode,
            tty: std::io::stderr().is_terminal(),
            started: Instant::now(),
            last: Instant::now(),
            shown: false,
        }
    }

    /// The final report, if any progress was shown (or `json` asked for it).
    pub fn done(&mut self, t: &Summary) {
        if self.shown || self.mode == Progress::Json {
            self.report(t, true);
        }
    }

    fn every(&self) -> Duration {
        match self.mode {
            Progress::Json => Duration::from_secs(5),
            _ => Duration::from_millis(250),
        }
    }

    /// Reports totals if it is time (`last` forces a final report).
    pub fn report(&mut self, t: &Summary, last: bool) {
        let on = match self.mode {
            Progress::Never => false,
            Progress::Json => true,
            Progress::Auto => self.tty,
        };
        if !on || (!last && self.last.elapsed() < self.every()) {
            return;
        }
        self.last = Instant::now();
        let secs = self.started.elapsed().as_secs_f64().max(1e-3);
        let mb = t.bytes as f64 / 1e6;
        if self.mode == Progress::Json {
            let line = serde_json::json!({
                "type": "progress", "documents": t.documents, "errors": t.errors,
                "promotional": t.promotional, "mb": (mb * 10.0).round() / 10.0,
                "elapsed_s": round3(secs), "mb_per_s": (mb / secs * 10.0).round() / 10.0,
            });
            eprintln!("{line}");
        } else {
            eprint!(
                "\r\x1b[2K{} documents, {} promotional, {} errors, {:.1} MB, {:.1} MB/s",
                t.documents,
                t.promotional,
                t.errors,
                mb,
                mb / secs
            );
            self.shown = true;
            if last {
                eprintln!();
            }
        }
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
