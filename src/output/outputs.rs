//! Where output goes: standard output, one file, or one file per input in a directory, each
//! written atomically (a temporary file beside it, moved into place when finished), with a
//! `.done` marker per finished input for `--skip-done`.
//!
//! ```
//! use puffery::input::{Item, ReadErrorKind};
//! use puffery::output::{Destination, Format, Outputs, Style, printer};
//! let dir = tempfile::tempdir().unwrap();
//! let p = printer(Format::Jsonl, Style::new(false), Box::new(|_: &str| None)).unwrap();
//! let mut outs = Outputs::new(Destination::Dir(dir.path().into()), Format::Jsonl, p, Box::new(std::io::sink()));
//! outs.check().unwrap();
//! outs.emit(Item::error("a.warc", 0, ReadErrorKind::Open, "cannot open"), None).unwrap();
//! let totals = outs.finish().unwrap();
//! assert_eq!(totals.errors, 1);
//! assert!(dir.path().join("a.warc.puffery.jsonl").exists());
//! ```

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use super::{Format, Printer, Summary};
use crate::input::Item;
use crate::scan::DocResult;

/// Where a run's output goes.
#[derive(Clone, Debug)]
pub enum Destination {
    /// Standard output.
    Stdout,
    /// One file (`-o FILE`), written atomically, gzip-compressed when it ends in `.gz`.
    File(PathBuf),
    /// One file per input in this directory (`-o DIR/`), named by [`Format::output_name`].
    Dir(PathBuf),
}

/// An output that could not be created or written: names the output.
#[derive(Debug, thiserror::Error)]
#[error("{output}: {what}")]
pub struct OutputError {
    /// The output's path, or "standard output".
    pub output: String,
    /// `cannot create output`, `cannot write output`, ...
    pub what: &'static str,
    /// The I/O error underneath (a closed pipe is `BrokenPipe`).
    #[source]
    pub source: io::Error,
}

impl OutputError {
    fn new(output: impl std::fmt::Display, what: &'static str, source: io::Error) -> Self {
        OutputError {
            output: output.to_string(),
            what,
            source,
        }
    }

    /// Whether the reader of the output went away (`puffery scan | head`).
    pub fn is_broken_pipe(&self) -> bool {
        self.source.kind() == io::ErrorKind::BrokenPipe
    }
}

/// Writes items through a [`Printer`] to a [`Destination`], counting totals per output and for
/// the run.
pub struct Outputs {
    dest: Destination,
    format: Format,
    printer: Box<dyn Printer>,
    diag: Box<dyn Write + Send>,
    current: Option<Open>,
    total: Summary,
    part: Summary,
    started: Instant,
    part_started: Instant,
}

struct Open {
    writer: Box<dyn Write>,
    /// The output's name in error messages: its path, or "standard output".
    name: String,
    /// For files: the temporary file and where it goes when finished.
    temp: Option<(tempfile::NamedTempFile, PathBuf)>,
    source: String,
}

impl Outputs {
    /// `diag` receives what a format has no place for (the binary passes stderr).
    pub fn new(
        dest: Destination,
        format: Format,
        printer: Box<dyn Printer>,
        diag: Box<dyn Write + Send>,
    ) -> Outputs {
        Outputs {
            dest,
            format,
            printer,
            diag,
            current: None,
            total: Summary::default(),
            part: Summary::default(),
            started: Instant::now(),
            part_started: Instant::now(),
        }
    }

    /// Before any input is read: the output must be creatable, so a typo fails at once
    /// rather than after the first batch.
    pub fn check(&self) -> Result<(), OutputError> {
        let probe = match &self.dest {
            Destination::Stdout => return Ok(()),
            Destination::File(f) => f.clone(),
            Destination::Dir(d) => {
                std::fs::create_dir_all(d).map_err(|e| {
                    OutputError::new(d.display(), "cannot create output directory", e)
                })?;
                d.join(".puffery-probe")
            }
        };
        let (_, tmp) = temp_writer(&probe)?;
        if let Some(t) = tmp {
            forget_pending(t.path());
        }
        Ok(())
    }

    /// The run's totals so far.
    pub fn totals(&self) -> &Summary {
        &self.total
    }

    /// The marker beside a finished input's output in `-o DIR/` mode.
    pub fn done_marker(dir: &Path, format: Format, source: &str) -> PathBuf {
        dir.join(format!("{}.done", format.output_name(source)))
    }

    /// Prints one item (with its result, for documents) and counts it.
    pub fn emit(&mut self, item: Item, result: Option<DocResult>) -> Result<(), OutputError> {
        // With -o DIR, switch to this item's output before counting it, so that it counts in
        // its own input's summary line and `.done` marker, not in the previous input's.
        let source = match &item {
            Item::Doc(rec) => &rec.source,
            Item::Error(e) => &e.source,
            Item::Skipped { source, .. } => source,
        };
        self.open(source)?;
        let open = self.current.as_mut().expect("opened above");
        let w = &mut open.writer;
        let r = match (&item, result) {
            (Item::Doc(rec), Some(mut r)) => {
                r.truncated = rec.truncated_reason.clone();
                r.content_encoding_ignored = rec.content_encoding_ignored;
                self.total.add(&r);
                self.part.add(&r);
                self.printer.document(w, rec, &r)
            }
            (Item::Doc(_), None) => Ok(()),
            (Item::Error(e), _) => {
                self.total.errors += 1;
                self.part.errors += 1;
                self.printer.error(w, &mut self.diag, e)
            }
            (Item::Skipped { reason, .. }, _) => {
                *self.total.skipped.entry(reason.clone()).or_default() += 1;
                *self.part.skipped.entry(reason.clone()).or_default() += 1;
                self.printer.skipped(w, reason)
            }
        };
        r.map_err(|e| OutputError::new(&open.name, "cannot write output", e))
    }

    /// Flushes the open output (after each batch: a trickling input gets its answers at once).
    pub fn flush(&mut self) -> Result<(), OutputError> {
        match self.current.as_mut() {
            Some(o) => o
                .writer
                .flush()
                .map_err(|e| OutputError::new(&o.name, "cannot write output", e)),
            None => Ok(()),
        }
    }

    /// Writes the closing lines (the run's totals, for one stream) and moves the last output
    /// into place. Returns the run's totals.
    pub fn finish(mut self) -> Result<Summary, OutputError> {
        self.total.elapsed_s = round3(self.started.elapsed().as_secs_f64());
        if !matches!(self.dest, Destination::Dir(_)) {
            // One stream: its closing lines carry the run's totals (and an empty input still
            // gets its summary line).
            self.open("-")?;
            let open = self.current.as_mut().expect("opened above");
            self.printer
                .finish(&mut open.writer, &self.total)
                .map_err(|e| OutputError::new(&open.name, "cannot write output", e))?;
        }
        self.finish_current()?;
        Ok(self.total)
    }

    /// Opens the output for items of `source` (finishing the previous one) if needed.
    fn open(&mut self, source: &str) -> Result<(), OutputError> {
        let switch = match &self.current {
            None => true,
            Some(o) => matches!(self.dest, Destination::Dir(_)) && o.source != source,
        };
        if !switch {
            return Ok(());
        }
        self.finish_current()?;
        let target = match &self.dest {
            Destination::Stdout => None,
            Destination::File(f) => Some(f.clone()),
            Destination::Dir(d) => Some(d.join(self.format.output_name(source))),
        };
        let open = match target {
            None => Open {
                writer: Box::new(BufWriter::with_capacity(1 << 16, io::stdout())),
                name: "standard output".to_string(),
                temp: None,
                source: source.to_string(),
            },
            Some(target) => {
                let (writer, temp) = temp_writer(&target)?;
                Open {
                    writer,
                    name: target.display().to_string(),
                    temp: temp.map(|t| (t, target)),
                    source: source.to_string(),
                }
            }
        };
        self.current = Some(open);
        self.part = Summary::default();
        self.part_started = Instant::now();
        Ok(())
    }

    /// Writes the closing lines of the open output and moves it into place.
    fn finish_current(&mut self) -> Result<(), OutputError> {
        let Some(mut open) = self.current.take() else {
            return Ok(());
        };
        let mut part = std::mem::take(&mut self.part);
        part.elapsed_s = round3(self.part_started.elapsed().as_secs_f64());
        let cannot_write = |e| OutputError::new(&open.name, "cannot write output", e);
        if matches!(self.dest, Destination::Dir(_)) {
            self.printer
                .finish(&mut open.writer, &part)
                .map_err(cannot_write)?;
        }
        open.writer.flush().map_err(cannot_write)?;
        drop(open.writer);
        let Some((temp, target)) = open.temp else {
            return Ok(());
        };
        persist(temp, &target)?;
        // The input is finished: a re-run with --skip-done leaves it alone. One that could not
        // be read at all (only error lines: missing, unreadable) is not finished: a re-run
        // tries it again.
        if let Destination::Dir(dir) = &self.dest {
            let marker = Self::done_marker(dir, self.format, &open.source);
            let unread = part.errors > 0 && part.documents == 0 && part.skipped.is_empty();
            if unread {
                let _ = std::fs::remove_file(&marker);
            } else {
                let json = serde_json::to_vec(&part).map_err(io::Error::from);
                json.and_then(|j| std::fs::write(&marker, j))
                    .map_err(|e| OutputError::new(marker.display(), "cannot write", e))?;
            }
        }
        Ok(())
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Temporary output files not yet moved into place: an interrupted run removes them, so no
/// partial output is ever left behind.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Directories where temporary outputs may be created; registered before a file is, so an
/// interrupt between a file's creation and its registration still finds it by its prefix.
static OUTPUT_DIRS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Set by [`interrupt`]: no output is moved into place after it.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// This process's prefix for temporary outputs.
fn temp_prefix() -> String {
    format!(".puffery-{}-", std::process::id())
}

/// For a signal handler (Ctrl-C, SIGTERM): from now on no output is moved into place, and the
/// temporary outputs of this process are removed. The caller then exits.
pub fn interrupt() {
    INTERRUPTED.store(true, Ordering::SeqCst);
    if let Ok(pending) = PENDING.lock() {
        for p in pending.iter() {
            let _ = std::fs::remove_file(p);
        }
    }
    let prefix = temp_prefix();
    if let Ok(dirs) = OUTPUT_DIRS.lock() {
        for d in dirs.iter() {
            for e in std::fs::read_dir(d).into_iter().flatten().flatten() {
                if e.file_name().to_string_lossy().starts_with(&prefix) {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
    }
}

fn forget_pending(path: &Path) {
    if let Ok(mut pending) = PENDING.lock() {
        pending.retain(|p| p != path);
    }
}

/// Writes `target` whole or not at all, as every output is written: `write` fills a temporary
/// file beside it (mode 0666 less the umask; removed by [`interrupt`]), which then moves into
/// place. A device or pipe is written in place.
pub fn write_atomically(
    target: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), OutputError> {
    let (mut w, tmp) = temp_writer(target)?;
    write(&mut w)
        .and_then(|()| w.flush())
        .map_err(|e| OutputError::new(target.display(), "cannot write output", e))?;
    drop(w);
    match tmp {
        Some(t) => persist(t, target),
        None => Ok(()),
    }
}

/// Moves a finished temporary output into place, unless the run was interrupted. Under the
/// lock the interrupt takes: an interrupted run moves nothing into place, and a run that moved
/// its output is not interrupted half-way.
fn persist(temp: tempfile::NamedTempFile, target: &Path) -> Result<(), OutputError> {
    let path = temp.path().to_path_buf();
    let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
    if INTERRUPTED.load(Ordering::SeqCst) {
        drop(temp);
        let e = io::Error::new(io::ErrorKind::Interrupted, "interrupted");
        return Err(OutputError::new(target.display(), "not written", e));
    }
    temp.persist(target)
        .map_err(|e| OutputError::new(target.display(), "cannot write output", e.error))?;
    pending.retain(|p| *p != path);
    Ok(())
}

/// A buffered writer on a temporary file beside `target` (gzip-compressed when `target` ends
/// in `.gz`); the caller persists it to `target` when done, so no half file is ever there.
/// The file is created with mode 0666 less the umask (0644 under 022), as `>` would, so other
/// users' readers (a cluster, Spark) can open it. A `target` that exists and is not a regular
/// file (`/dev/stdout`, `/dev/full`, a named pipe) is written in place: no temporary file.
fn temp_writer(
    target: &Path,
) -> Result<(Box<dyn Write>, Option<tempfile::NamedTempFile>), OutputError> {
    let cannot = |e| OutputError::new(target.display(), "cannot create output", e);
    if std::fs::metadata(target).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(target)
            .map_err(cannot)?;
        let w = BufWriter::with_capacity(1 << 16, file);
        return Ok((compressed(target, w), None));
    }
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let Ok(mut dirs) = OUTPUT_DIRS.lock()
        && !dirs.iter().any(|d| d == dir)
    {
        dirs.push(dir.to_path_buf());
    }
    let prefix = temp_prefix();
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let tmp = builder.tempfile_in(dir).map_err(cannot)?;
    if let Ok(mut pending) = PENDING.lock() {
        pending.push(tmp.path().to_path_buf());
    }
    let file = BufWriter::with_capacity(1 << 16, tmp.reopen().map_err(cannot)?);
    Ok((compressed(target, file), Some(tmp)))
}

/// `file`, gzip-compressed when `target` ends in `.gz`.
fn compressed(target: &Path, file: impl Write + 'static) -> Box<dyn Write> {
    if target.to_string_lossy().ends_with(".gz") {
        Box::new(flate2::write::GzEncoder::new(
            file,
            flate2::Compression::default(),
        ))
    } else {
        Box::new(file)
    }
}
