//! Progress on stderr, never on stdout: on a terminal an `indicatif` status line (files done of
//! total, bytes read of total where known, documents, rate, ETA), hidden while anything else
//! is printed to the terminal so that it never mixes into findings; with `--progress json` a
//! JSON line every few seconds.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use puffery::output::Summary;

use crate::args::Progress;

/// The inputs of a run, as far as they are known before reading them.
#[derive(Clone, Debug, Default)]
pub struct Planned {
    /// Each input's source name (as items name it), in input order.
    pub sources: Vec<String>,
    /// Each input's size on disk (0 when unknown).
    pub sizes: Vec<u64>,
    /// How many inputs are not regular files (standard input, a pipe, a device, a path that
    /// cannot be looked at).
    pub not_files: usize,
}

impl Planned {
    /// Whether every input is a regular file, whose reads never wait for a writer.
    pub fn files_only(&self) -> bool {
        self.not_files == 0
    }

    /// The index of the input named `source`, at or after `from` (inputs are read in order; a
    /// path given twice is two inputs).
    fn find(&self, source: &str, from: usize) -> Option<usize> {
        (self.sources.iter().skip(from))
            .position(|s| s == source)
            .map(|i| from + i)
    }
}

/// The inputs of these paths, in order, each with its size when it is a regular file.
impl<'a> FromIterator<&'a std::path::PathBuf> for Planned {
    fn from_iter<T: IntoIterator<Item = &'a std::path::PathBuf>>(paths: T) -> Planned {
        let mut planned = Planned::default();
        for path in paths {
            // `-` is standard input even when a file of that name is here.
            let file_size = (path.as_os_str() != "-")
                .then(|| std::fs::metadata(path).ok())
                .flatten()
                .filter(|m| m.is_file())
                .map(|m| m.len());
            planned.sources.push(path.display().to_string());
            planned.sizes.push(file_size.unwrap_or(0));
            planned.not_files += usize::from(file_size.is_none());
        }
        planned
    }
}

/// Where the run is: what the status line shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    /// Inputs finished and in all (0 in all: unknown, such as standard input).
    pub files: (usize, usize),
    /// Bytes of the inputs read, and in all (0: unknown).
    pub bytes: (u64, u64),
    /// Documents scanned, promotional, errors.
    pub documents: u64,
    pub promotional: u64,
    pub errors: u64,
    /// Seconds since the start.
    pub elapsed_s: f64,
}

impl Snapshot {
    /// The status line: `12/40 files, 3.1/9.3 MB, 215 documents, 17 promotional, 1 error,
    /// 1.6 MB/s, ETA 4 s`; parts that are not known (or no errors) are left out.
    pub fn line(&self) -> String {
        let mb = |b: u64| b as f64 / 1e6;
        let mut parts = Vec::new();
        if self.files.1 > 0 {
            parts.push(format!("{}/{} files", self.files.0, self.files.1));
        }
        parts.push(if self.bytes.1 > 0 {
            format!("{:.1}/{:.1} MB", mb(self.bytes.0), mb(self.bytes.1))
        } else {
            format!("{:.1} MB", mb(self.bytes.0))
        });
        parts.push(puffery::output::counted(self.documents, "document"));
        parts.push(format!("{} promotional", self.promotional));
        if self.errors > 0 {
            parts.push(puffery::output::counted(self.errors, "error"));
        }
        let secs = self.elapsed_s.max(1e-3);
        parts.push(format!("{:.1} MB/s", mb(self.bytes.0) / secs));
        if self.bytes.0 > 0 && self.bytes.1 > self.bytes.0 {
            let left = secs * (self.bytes.1 - self.bytes.0) as f64 / self.bytes.0 as f64;
            parts.push(format!("ETA {}", duration(left)));
        }
        parts.join(", ")
    }
}

/// `42 s`, `3 min 5 s`, `2 h 10 min`.
fn duration(secs: f64) -> String {
    let s = secs.round() as u64;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3600, s % 3600 / 60),
    }
}

/// Progress on stderr, never on stdout.
pub struct ProgressLine {
    mode: Progress,
    bar: Option<ProgressBar>,
    /// Standard output is a terminal: what the printers write may meet the bar there.
    stdout_tty: bool,
    planned: Planned,
    /// The input being read: its index, and the document bytes scanned before it.
    current: Option<(usize, u64)>,
    started: Instant,
    last: Instant,
}

impl ProgressLine {
    /// A progress line in `mode` over the `planned` inputs; `auto` shows a status line when
    /// stderr is a terminal.
    pub fn new(mode: Progress, planned: Planned) -> ProgressLine {
        let bar = (mode == Progress::Auto && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(ProgressStyle::with_template("{wide_msg}").expect("a valid template"));
            bar
        });
        ProgressLine {
            mode,
            bar,
            stdout_tty: std::io::stdout().is_terminal(),
            planned,
            current: None,
            started: Instant::now(),
            last: Instant::now(),
        }
    }

    /// Notes the next item's `source`; `scanned` is the document bytes scanned before it.
    pub fn item(&mut self, source: &str, scanned: u64) {
        let from = self.current.map_or(0, |(c, _)| c);
        if (self.current.is_none() || self.planned.sources.get(from).is_none_or(|s| s != source))
            && let Some(i) = self.planned.find(source, from)
        {
            self.current = Some((i, scanned));
        }
    }

    /// Runs `print` with the status line hidden if what it prints may reach the terminal the
    /// line is drawn on: standard output is that terminal, or `to_stderr`.
    pub fn hide_while<T>(&self, to_stderr: bool, print: impl FnOnce() -> T) -> T {
        match &self.bar {
            Some(bar) if self.stdout_tty || to_stderr => bar.suspend(print),
            _ => print(),
        }
    }

    /// Where the run is, from the output's totals.
    fn snapshot(&self, t: &Summary, last: bool) -> Snapshot {
        let total_files = self.planned.sizes.len();
        let total_bytes: u64 = self.planned.sizes.iter().sum();
        let (files, bytes) = match self.current {
            _ if last => (total_files, total_bytes),
            None => (0, 0),
            Some((i, start)) => {
                // Bytes: the inputs before this one, and this one's documents so far (at most
                // its size: a compressed input's documents are larger than the file).
                let before: u64 = self.planned.sizes[..i].iter().sum();
                let here = (t.bytes - start).min(self.planned.sizes[i]);
                (i, before + here)
            }
        };
        Snapshot {
            files: (files, total_files),
            bytes: if total_bytes > 0 {
                (bytes, total_bytes)
            } else {
                (t.bytes, 0)
            },
            documents: t.documents,
            promotional: t.promotional,
            errors: t.errors,
            elapsed_s: self.started.elapsed().as_secs_f64(),
        }
    }

    /// The final report: the status line is cleared when standard output is the terminal
    /// (the human summary follows), else left with its final numbers.
    pub fn done(&mut self, t: &Summary) {
        if self.bar.is_some() || self.mode == Progress::Json {
            self.report(t, true);
        }
        if let Some(bar) = self.bar.take() {
            if self.stdout_tty {
                bar.finish_and_clear();
            } else {
                bar.finish();
            }
        }
    }

    fn every(&self) -> Duration {
        match self.mode {
            Progress::Json => Duration::from_secs(5),
            _ => Duration::from_millis(100),
        }
    }

    /// Reports totals if it is time (`last` forces a final report).
    pub fn report(&mut self, t: &Summary, last: bool) {
        if self.mode == Progress::Never || (!last && self.last.elapsed() < self.every()) {
            return;
        }
        self.last = Instant::now();
        if self.mode == Progress::Json {
            let secs = self.started.elapsed().as_secs_f64().max(1e-3);
            let mb = t.bytes as f64 / 1e6;
            let line = serde_json::json!({
                "type": "progress", "documents": t.documents, "errors": t.errors,
                "promotional": t.promotional, "mb": (mb * 10.0).round() / 10.0,
                "elapsed_s": round3(secs), "mb_per_s": (mb / secs * 10.0).round() / 10.0,
            });
            eprintln!("{line}");
        } else if self.bar.is_some() {
            let line = self.snapshot(t, last).line();
            if let Some(bar) = &self.bar {
                bar.set_message(line);
            }
        }
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_line_says_what_is_known() {
        let s = Snapshot {
            files: (12, 40),
            bytes: (3_100_000, 9_300_000),
            documents: 215,
            promotional: 17,
            errors: 1,
            elapsed_s: 2.0,
        };
        assert_eq!(
            s.line(),
            "12/40 files, 3.1/9.3 MB, 215 documents, 17 promotional, 1 error, 1.6 MB/s, ETA 4 s"
        );
        let stdin = Snapshot {
            bytes: (500_000, 0),
            documents: 1,
            elapsed_s: 0.5,
            ..Snapshot::default()
        };
        assert_eq!(stdin.line(), "0.5 MB, 1 document, 0 promotional, 1.0 MB/s");
        assert_eq!(duration(59.4), "59 s");
        assert_eq!(duration(185.0), "3 min 5 s");
        assert_eq!(duration(7800.0), "2 h 10 min");
    }
}
