//! What each command does.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use puffery::input::{self, Item};
use puffery::output::{self, DocMeta, Style, Summary};
use puffery::rules::RuleSet;
use puffery::{Scanner, ScannerOptions};

use crate::args::{
    Cli, Color, Command, EvalArgs, FailOn, Format, ListFormat, RuleArgs, RulesAction, ScanArgs,
};

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Scan(a) => scan(a),
        Command::Eval(a) => eval(a),
        Command::Rules(a) => {
            let rules = load_rules(&a.rules)?;
            match a.action {
                Some(RulesAction::Explain { id }) => explain(&rules, &id),
                None => list(&rules, a.format),
            }
        }
    }
}

/// Built-in packs (unless `--no-builtin`), then `--rules` files, then `--select`/`--ignore`.
fn load_rules(a: &RuleArgs) -> Result<RuleSet> {
    let mut rules = if a.no_builtin {
        RuleSet::default()
    } else {
        RuleSet::builtin()?
    };
    for path in &a.rules {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read rule pack", path.display()))?;
        rules.add_pack(&path.display().to_string(), &text)?;
    }
    rules.filter(&a.select, &a.ignore);
    Ok(rules)
}

fn list(rules: &RuleSet, format: ListFormat) -> Result<ExitCode> {
    let mut out = BufWriter::new(io::stdout().lock());
    match format {
        ListFormat::Json => {
            for r in &rules.rules {
                serde_json::to_writer(&mut out, &r.rule)?;
                writeln!(out)?;
            }
            for c in puffery::verdict::CHECKS {
                let row = serde_json::json!({
                    "id": c.id, "category": c.category, "severity": c.severity,
                    "weight": 0.0, "summary": c.summary, "why": c.why, "check": true,
                });
                writeln!(out, "{row}")?;
            }
        }
        ListFormat::Table => {
            let w = rules
                .rules
                .iter()
                .map(|r| r.rule.id.len())
                .max()
                .unwrap_or(2);
            writeln!(
                out,
                "{:w$}  {:10} {:8} {:>6}  summary",
                "id", "category", "severity", "weight"
            )?;
            for r in &rules.rules {
                let r = &r.rule;
                writeln!(
                    out,
                    "{:w$}  {:10} {:8} {:>6}  {}",
                    r.id,
                    r.category,
                    r.severity.as_str(),
                    r.weight,
                    r.summary
                )?;
            }
            for c in puffery::verdict::CHECKS {
                let (id, cat, sev, summary) = (c.id, c.category, c.severity, c.summary);
                writeln!(out, "{id:w$}  {cat:10} {sev:8} {:>6}  {summary} (check)", 0)?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn explain(rules: &RuleSet, id: &str) -> Result<ExitCode> {
    if let Some(c) = puffery::verdict::CHECKS.iter().find(|c| c.id == id) {
        println!(
            "{}  ({}, {}, a check done in code)\n{}\n\nWhy: {}",
            c.id, c.category, c.severity, c.summary, c.why
        );
        return Ok(ExitCode::SUCCESS);
    }
    let Some(r) = rules.get(id) else {
        anyhow::bail!("no rule {id:?}; `puffery rules` lists them");
    };
    let rule = &r.rule;
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "{}  ({}, {}, weight {})",
        rule.id,
        rule.category,
        rule.severity.as_str(),
        rule.weight
    )?;
    writeln!(out, "{}\n", rule.summary)?;
    writeln!(out, "Why: {}", rule.why)?;
    if let Some(src) = &rule.source {
        writeln!(out, "Source: {src}")?;
    }
    writeln!(out, "Defined in: {}:{}", r.file, r.line)?;
    writeln!(
        out,
        "Matches: {} phrases, {} regexes",
        rule.phrases.len(),
        rule.regex.len()
    )?;
    if !rule.requires.is_empty() {
        writeln!(out, "Counts only with: {}", rule.requires.join(", "))?;
    }
    writeln!(out, "\nFlags:")?;
    for e in &rule.examples.flag {
        writeln!(out, "  + {e}")?;
    }
    writeln!(out, "Does not flag:")?;
    for e in &rule.examples.ok {
        writeln!(out, "  - {e}")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Where output goes: one stream (stdout or one file), or one file per input in a directory.
struct Emitter<'a> {
    format: Format,
    style: Style,
    summary_of: &'a dyn Fn(&str) -> Option<String>,
    /// `-o DIR`: the directory.
    dir: Option<PathBuf>,
    /// `-o FILE`: the final path of the single output.
    file: Option<PathBuf>,
    /// The open output: its writer, its temporary file (for -o), the source it is for.
    current: Option<Open>,
    /// Totals for the whole run, and for the open per-input file.
    total: Summary,
    part: Summary,
    part_started: Instant,
    fail: bool,
    fail_on: FailOn,
    progress: ProgressLine,
}

/// Progress on stderr, never on stdout.
struct ProgressLine {
    mode: crate::args::Progress,
    tty: bool,
    started: Instant,
    last: Instant,
    shown: bool,
}

impl ProgressLine {
    fn every(&self) -> std::time::Duration {
        match self.mode {
            crate::args::Progress::Json => std::time::Duration::from_secs(5),
            _ => std::time::Duration::from_millis(250),
        }
    }

    /// Reports totals if it is time (`last` forces a final report).
    fn report(&mut self, t: &Summary, last: bool) {
        let on = match self.mode {
            crate::args::Progress::Never => false,
            crate::args::Progress::Json => true,
            crate::args::Progress::Auto => self.tty,
        };
        if !on || (!last && self.last.elapsed() < self.every()) {
            return;
        }
        self.last = Instant::now();
        let secs = self.started.elapsed().as_secs_f64().max(1e-3);
        let mb = t.bytes as f64 / 1e6;
        if self.mode == crate::args::Progress::Json {
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

struct Open {
    writer: Box<dyn Write>,
    temp: Option<(tempfile::NamedTempFile, PathBuf)>,
    source: String,
}

impl Emitter<'_> {
    /// The writer for items of `source`, opening (and finishing the previous) one as needed.
    fn writer(&mut self, source: &str) -> Result<&mut Box<dyn Write>> {
        let switch = match &self.current {
            None => true,
            Some(o) => self.dir.is_some() && o.source != source,
        };
        if switch {
            self.finish_current()?;
            let (writer, temp): (Box<dyn Write>, _) = match (&self.dir, &self.file) {
                (Some(dir), _) => {
                    let target = dir.join(self.output_name(source));
                    let (w, t) = temp_writer(&target)?;
                    (w, Some((t, target)))
                }
                (None, Some(file)) => {
                    let (w, t) = temp_writer(file)?;
                    (w, Some((t, file.clone())))
                }
                (None, None) => (
                    Box::new(BufWriter::with_capacity(1 << 16, io::stdout())),
                    None,
                ),
            };
            self.current = Some(Open {
                writer,
                temp,
                source: source.to_string(),
            });
            self.part = Summary::default();
            self.part_started = Instant::now();
        }
        Ok(&mut self.current.as_mut().expect("opened above").writer)
    }

    fn output_name(&self, source: &str) -> String {
        output_name(self.format, source)
    }

    /// Writes the closing lines of the open output and moves it into place.
    fn finish_current(&mut self) -> Result<()> {
        let Some(mut open) = self.current.take() else {
            return Ok(());
        };
        let mut part = std::mem::take(&mut self.part);
        part.elapsed_s = round3(self.part_started.elapsed().as_secs_f64());
        if self.dir.is_some() {
            self.write_closing(&mut open.writer, &part)?;
        }
        open.writer.flush()?;
        drop(open.writer);
        if let Some((temp, target)) = open.temp {
            let path = temp.path().to_path_buf();
            // Under the lock the interrupt handler takes: an interrupted run moves nothing into
            // place, and a run that moved its output is not interrupted half-way.
            let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
            if INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst) {
                drop(temp);
                anyhow::bail!("interrupted");
            }
            temp.persist(&target)
                .with_context(|| format!("{}: cannot write output", target.display()))?;
            pending.retain(|p| *p != path);
            drop(pending);
            // The input is finished: a re-run with --skip-done leaves it alone. One that could
            // not be read at all (only error lines: missing, unreadable) is not finished: a
            // re-run tries it again.
            let unread = part.errors > 0 && part.documents == 0 && part.skipped.is_empty();
            if let Some(dir) = &self.dir {
                let marker = done_marker(dir, self.format, &open.source);
                if unread {
                    let _ = std::fs::remove_file(&marker);
                } else {
                    std::fs::write(&marker, serde_json::to_vec(&part)?)
                        .with_context(|| format!("{}: cannot write", marker.display()))?;
                }
            }
        }
        Ok(())
    }

    fn write_closing(&self, w: &mut Box<dyn Write>, s: &Summary) -> Result<()> {
        closing(self.format, w, s)
    }

    /// Flushes the open output (after each batch: a trickling input gets its answers at once),
    /// and reports progress when it is time.
    fn flush(&mut self) -> Result<()> {
        self.progress.report(&self.total, false);
        if let Some(o) = self.current.as_mut() {
            o.writer.flush()?;
        }
        Ok(())
    }

    fn emit(&mut self, item: Item, result: Option<puffery::DocResult>) -> Result<()> {
        // With -o DIR, switch to this item's output before counting it, so that it counts in
        // its own input's summary line and `.done` marker, not in the previous input's.
        let source = match &item {
            Item::Doc(rec) => &rec.source,
            Item::Error { source, .. } | Item::Skipped { source, .. } => source,
        };
        self.writer(source)?;
        match (item, result) {
            (Item::Doc(rec), Some(mut r)) => {
                r.truncated = rec.truncated_reason.clone();
                self.total.add(&r);
                self.part.add(&r);
                self.fail |= fails(self.fail_on, &r);
                let meta = DocMeta {
                    id: &rec.id,
                    source: &rec.source,
                    record: rec.record,
                    url: rec.url.as_deref(),
                };
                let (format, style, summary_of) = (self.format, self.style, self.summary_of);
                let w = self.writer(&rec.source)?;
                match format {
                    Format::Jsonl => output::write_jsonl_document(w, &meta, &r)?,
                    Format::Annotate => {
                        output::write_annotate(w, rec.raw_line.as_deref(), &meta, &r)?
                    }
                    Format::Dolma => {
                        let id = dolma_id(&rec);
                        let source = rec
                            .json
                            .as_ref()
                            .and_then(|j| j.get("source"))
                            .and_then(|v| v.as_str())
                            .unwrap_or(&rec.source);
                        let nchars = String::from_utf8_lossy(&rec.body).chars().count();
                        output::write_dolma(w, &id, source, Some(&r), nchars)?
                    }
                    Format::Human => {
                        let name = if rec.record == 0 && rec.id == rec.source {
                            rec.source.clone()
                        } else {
                            format!("{}#{}", rec.source, rec.record)
                        };
                        output::write_human(w, &name, &rec.body, &r, summary_of, &style)?
                    }
                }
            }
            (
                Item::Error {
                    source,
                    record,
                    message,
                    line,
                    offset,
                    raw_line,
                },
                _,
            ) => {
                self.total.errors += 1;
                self.part.errors += 1;
                let format = self.format;
                let w = self.writer(&source)?;
                let meta = DocMeta {
                    id: "",
                    source: &source,
                    record,
                    url: None,
                };
                match format {
                    Format::Jsonl => output::write_jsonl_error(w, &source, record, &message)?,
                    Format::Annotate if line.is_some() => {
                        output::write_annotate_error(w, raw_line.as_deref(), &meta, &message)?
                    }
                    Format::Dolma if line.is_some() => {
                        output::write_dolma(w, &serde_json::Value::Null, &source, None, 0)?
                    }
                    _ => {
                        let at = line.map(|l| format!(" line {l}")).unwrap_or_default();
                        let off = offset.map(|o| format!(" byte {o}")).unwrap_or_default();
                        eprintln!("puffery: {source}: record {record}{at}{off}: {message}")
                    }
                }
            }
            (Item::Skipped { source, reason }, _) => {
                // A blank JSONL line still gets its (empty) output line in annotate and dolma
                // modes, so output lines stay aligned with input lines.
                if reason == "blank-line" && matches!(self.format, Format::Annotate | Format::Dolma)
                {
                    self.writer(&source)?.write_all(b"\n")?;
                }
                *self.total.skipped.entry(reason.clone()).or_default() += 1;
                *self.part.skipped.entry(reason).or_default() += 1;
            }
            (Item::Doc(_), None) => {}
        }
        Ok(())
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Output file name for an input in `-o DIR` mode: dolma and annotate mirror the input's name
/// (dolma attributes files must); the others add `.puffery.jsonl` / `.puffery.txt`.
fn output_name(format: Format, source: &str) -> String {
    let base = if source == "-" {
        "stdin.jsonl".to_string()
    } else {
        Path::new(source)
            .file_name()
            .map_or_else(|| "stdin".to_string(), |n| n.to_string_lossy().to_string())
    };
    match format {
        Format::Dolma | Format::Annotate => base,
        Format::Jsonl => format!("{base}.puffery.jsonl"),
        Format::Human => format!("{base}.puffery.txt"),
    }
}

/// The marker written beside a finished per-input output in `-o DIR` mode.
fn done_marker(dir: &Path, format: Format, source: &str) -> PathBuf {
    dir.join(format!("{}.done", output_name(format, source)))
}

/// `--shard auto`: the Slurm array task (`SLURM_ARRAY_TASK_ID` less `SLURM_ARRAY_TASK_MIN`, of
/// `SLURM_ARRAY_TASK_COUNT`).
fn slurm_shard() -> Result<(usize, usize)> {
    let var = |k: &str| -> Result<usize> {
        let v = std::env::var(k)
            .with_context(|| format!("--shard auto needs {k} (a Slurm array job)"))?;
        v.trim()
            .parse()
            .with_context(|| format!("{k}={v:?} is not a number"))
    };
    let id = var("SLURM_ARRAY_TASK_ID")?;
    let min = var("SLURM_ARRAY_TASK_MIN").unwrap_or(0);
    let count = var("SLURM_ARRAY_TASK_COUNT")?;
    let i = id
        .checked_sub(min)
        .filter(|i| *i < count)
        .with_context(|| format!("SLURM_ARRAY_TASK_ID {id} is outside {min}..{}", min + count))?;
    Ok((i, count))
}

/// The dolma row id: the JSONL id as it was (string or number), else the record id.
fn dolma_id(rec: &input::Record) -> serde_json::Value {
    rec.json
        .as_ref()
        .and_then(|j| j.get("id").cloned())
        .unwrap_or_else(|| serde_json::Value::String(rec.id.clone()))
}

/// Temporary output files not yet moved into place: an interrupted run removes them, so no
/// partial output is ever left behind.
static PENDING: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
/// Directories where temporary outputs may be created; registered before a file is, so an
/// interrupt between a file's creation and its registration still finds it by its prefix.
static OUTPUT_DIRS: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// This process's prefix for temporary outputs.
fn temp_prefix() -> String {
    format!(".puffery-{}-", std::process::id())
}

/// Set by the interrupt handler: no output is moved into place after it.
static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// On Ctrl-C (or SIGTERM): remove pending temporary outputs and exit 130.
pub fn install_interrupt_handler() {
    let _ = ctrlc::set_handler(|| {
        INTERRUPTED.store(true, std::sync::atomic::Ordering::SeqCst);
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
        std::process::exit(130);
    });
}

/// A buffered writer on a temporary file beside `target` (gzip-compressed when `target` ends
/// in `.gz`); the caller persists it to `target` when done, so no half file is ever there.
fn temp_writer(target: &Path) -> Result<(Box<dyn Write>, tempfile::NamedTempFile)> {
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let Ok(mut dirs) = OUTPUT_DIRS.lock()
        && !dirs.iter().any(|d| d == dir)
    {
        dirs.push(dir.to_path_buf());
    }
    let tmp = tempfile::Builder::new()
        .prefix(&temp_prefix())
        .tempfile_in(dir)
        .with_context(|| format!("{}: cannot create output", target.display()))?;
    if let Ok(mut pending) = PENDING.lock() {
        pending.push(tmp.path().to_path_buf());
    }
    let file = BufWriter::with_capacity(1 << 16, tmp.reopen()?);
    let writer: Box<dyn Write> = if target.to_string_lossy().ends_with(".gz") {
        Box::new(flate2::write::GzEncoder::new(
            file,
            flate2::Compression::default(),
        ))
    } else {
        Box::new(file)
    };
    Ok((writer, tmp))
}

fn scan(a: ScanArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let rules = load_rules(&a.rules)?;
    let scanner = Scanner::new(
        rules,
        ScannerOptions {
            threshold: a.threshold,
            lang: a.lang.clone(),
        },
    )?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(a.threads.unwrap_or(0))
        .build()
        .context("cannot start worker threads")?;
    let opts = input::InputOptions {
        format: a.input_format,
        text_field: a.text_field.clone(),
        html_field: a.html_field.clone(),
        id_field: a.id_field.clone(),
        url_field: a.url_field.clone(),
        max_doc_bytes: a.max_doc_bytes,
        keep_json: a.format == Format::Dolma,
        keep_line: a.format == Format::Annotate,
        ..input::InputOptions::default()
    };
    let mut paths = a.paths.clone();
    if let Some(list) = &a.paths_file {
        paths.extend(input::read_paths_file(list)?);
    }
    if paths.is_empty() {
        paths.push(PathBuf::from("-"));
    }
    let mut inputs = input::expand_paths(&paths);
    if let Some(spec) = &a.shard {
        let (i, n) = if spec == "auto" {
            slurm_shard()?
        } else {
            input::parse_shard(spec).map_err(|e| anyhow::anyhow!("--shard {spec}: {e}"))?
        };
        inputs = input::shard(inputs, i, n);
    }
    let to_dir = a
        .output
        .as_ref()
        .is_some_and(|o| o.is_dir() || o.to_string_lossy().ends_with('/'));
    if a.skip_done {
        anyhow::ensure!(to_dir, "--skip-done needs -o DIR");
        let dir = a.output.clone().expect("to_dir");
        let format = a.format;
        inputs.retain(|p| match p {
            Ok(path) => !done_marker(&dir, format, &path.to_string_lossy()).exists(),
            // Finished before, unreadable now (an unmounted disk): keep the finished output.
            Err(Item::Error { source, .. }) => !done_marker(&dir, format, source).exists(),
            Err(_) => true,
        });
    }
    let items = inputs.into_iter().flat_map(move |p| match p {
        Ok(path) => input::open_path(&path, &opts),
        Err(item) => Box::new(std::iter::once(item)) as Box<dyn Iterator<Item = Item> + Send>,
    });

    if to_dir {
        let dir = a.output.as_ref().expect("checked");
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create", dir.display()))?;
    }
    let color = match a.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            a.output.is_none()
                && io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let summary_of = |id: &str| {
        scanner
            .rules
            .get(id)
            .map(|r| r.rule.summary.clone())
            .or_else(|| {
                puffery::verdict::CHECKS
                    .iter()
                    .find(|c| c.id == id)
                    .map(|c| c.summary.to_string())
            })
    };
    let emitter = Emitter {
        format: a.format,
        style: Style::new(color).with_explain(a.explain),
        summary_of: &summary_of,
        dir: a.output.clone().filter(|_| to_dir),
        file: a.output.clone().filter(|_| !to_dir),
        current: None,
        total: Summary::default(),
        part: Summary::default(),
        part_started: Instant::now(),
        fail: false,
        fail_on: a.fail_on,
        progress: ProgressLine {
            mode: a.progress,
            tty: io::stderr().is_terminal(),
            started: Instant::now(),
            last: Instant::now(),
            shown: false,
        },
    };
    let emitter_cell = std::cell::RefCell::new(emitter);
    scanner.scan_stream(
        items,
        Some(&pool),
        |item, result| emitter_cell.borrow_mut().emit(item, result),
        || emitter_cell.borrow_mut().flush(),
    )?;
    let mut emitter = emitter_cell.into_inner();
    if emitter.progress.shown || emitter.progress.mode == crate::args::Progress::Json {
        let total = emitter.total.clone();
        emitter.progress.report(&total, true);
    }
    emitter.total.elapsed_s = round3(started.elapsed().as_secs_f64());
    if emitter.dir.is_none() {
        // One stream: its closing lines carry the run's totals (and an empty input still gets
        // its summary line).
        let total = emitter.total.clone();
        closing(a.format, emitter.writer("-")?, &total)?;
    } else {
        let t = &emitter.total;
        eprintln!(
            "puffery: {} documents ({} promotional), {} errors, {:.1} MB in {:.2} s",
            t.documents,
            t.promotional,
            t.errors,
            t.bytes as f64 / 1e6,
            t.elapsed_s
        );
    }
    emitter.finish_current()?;
    Ok(if emitter.total.errors > 0 {
        ExitCode::from(3)
    } else if emitter.fail {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The closing lines of an output: the JSONL summary, or the human totals line.
fn closing(format: Format, w: &mut dyn Write, s: &Summary) -> Result<()> {
    match format {
        Format::Jsonl => output::write_jsonl_summary(w, s)?,
        Format::Human if s.documents + s.errors > 1 => writeln!(
            w,
            "{} documents: {} promotional, {} borderline, {} clean; {} errors; {:.1} MB in {:.2} s",
            s.documents,
            s.promotional,
            s.borderline,
            s.clean,
            s.errors,
            s.bytes as f64 / 1e6,
            s.elapsed_s
        )?,
        _ => {}
    }
    Ok(())
}

/// Whether a document trips the `--fail-on` policy.
fn fails(policy: FailOn, r: &puffery::DocResult) -> bool {
    match policy {
        FailOn::Never => false,
        FailOn::Promotional => r.label == "promotional",
        FailOn::Warning => {
            !r.missing.is_empty()
                || r.findings
                    .iter()
                    .any(|f| matches!(f.severity.as_str(), "warning" | "error"))
        }
        FailOn::Error => r.findings.iter().any(|f| f.severity == "error"),
    }
}

fn eval(a: EvalArgs) -> Result<ExitCode> {
    let rules = load_rules(&a.rules)?;
    let scanner = Scanner::new(
        rules,
        ScannerOptions {
            threshold: a.threshold,
            lang: None,
        },
    )?;
    let text = std::fs::read_to_string(&a.labels)
        .with_context(|| format!("{}: cannot read labels", a.labels.display()))?;
    let mut labels = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let label: puffery::eval::Label = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not a label", a.labels.display(), i + 1))?;
        labels.push(label);
    }
    let report = puffery::eval::evaluate(&scanner, &labels, &a.path);
    let mut out = BufWriter::new(io::stdout().lock());
    let pct = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{:.3}", v));
    match a.format {
        ListFormat::Json => {
            let fields: serde_json::Map<String, serde_json::Value> = report
                .fields
                .iter()
                .map(|(name, t)| {
                    let v = serde_json::json!({
                        "tp": t.tp, "fp": t.fp, "fn": t.fn_, "tn": t.tn,
                        "precision": t.precision(), "recall": t.recall(), "f1": t.f1(),
                    });
                    (name.to_string(), v)
                })
                .collect();
            let mut doc = serde_json::json!({
                "pages": report.pages, "unreadable": report.unreadable, "fields": fields,
            });
            if a.verbose {
                doc["misses"] = serde_json::to_value(&report.misses)?;
            }
            writeln!(out, "{doc}")?;
        }
        ListFormat::Table => {
            writeln!(out, "{} pages scored", report.pages)?;
            writeln!(
                out,
                "{:22} {:>5} {:>5} {:>5} {:>5}  {:>9} {:>6} {:>6}",
                "field", "tp", "fp", "fn", "tn", "precision", "recall", "f1"
            )?;
            for (name, t) in &report.fields {
                writeln!(
                    out,
                    "{name:22} {:>5} {:>5} {:>5} {:>5}  {:>9} {:>6} {:>6}",
                    t.tp,
                    t.fp,
                    t.fn_,
                    t.tn,
                    pct(t.precision()),
                    pct(t.recall()),
                    pct(t.f1())
                )?;
            }
            for u in &report.unreadable {
                writeln!(out, "unreadable: {u}")?;
            }
            if a.verbose {
                for m in &report.misses {
                    writeln!(
                        out,
                        "miss {} {}: expected {}, got {}",
                        m.file, m.field, m.expected, m.got
                    )?;
                }
            }
        }
    }
    out.flush()?;
    Ok(if report.unreadable.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}
