//! `puffery report`, and what `scan --report` and `scan --format sarif` add to a scan.

use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use puffery::input::Item;
use puffery::output::DocMeta;
use puffery::report::{Report, ReportOptions, read_jsonl};

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// puffery JSONL outputs (plain, .gz or .zst; directories are searched for *.jsonl,
    /// *.jsonl.gz, *.jsonl.zst); '-' for stdin.
    #[arg(required = true, value_name = "SCAN.jsonl")]
    pub inputs: Vec<PathBuf>,
    /// The HTML file to write (atomically).
    #[arg(short = 'o', long, value_name = "FILE.html")]
    pub output: PathBuf,
    /// The promotional threshold the scan used (marked on the score histogram).
    #[arg(long, default_value_t = puffery::verdict::DEFAULT_THRESHOLD)]
    pub threshold: f64,
    /// Rows per ranking (rules per category, networks, domains, languages).
    #[arg(long, default_value_t = 15)]
    pub top: usize,
    /// Rank a domain by promotional share only with at least this many pages.
    #[arg(long, default_value_t = 5)]
    pub min_domain_pages: u64,
    /// The report's title.
    #[arg(long, default_value = "puffery report")]
    pub title: String,
}

/// The options `scan` gains for the report and SARIF.
#[derive(Args, Debug)]
pub struct ScanExtraArgs {
    /// Also write an HTML report of the run there (see `puffery report`).
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<PathBuf>,
    /// With --format sarif: the URL of docs/rules.md for the rules' help links (default: the
    /// file in the source tree puffery was built from).
    #[arg(long, value_name = "URL")]
    pub sarif_rules_url: Option<String>,
}

/// `puffery report`.
pub fn run(a: ReportArgs) -> Result<ExitCode> {
    let mut report = Report::new(ReportOptions {
        threshold: a.threshold,
        top: a.top,
        min_domain_pages: a.min_domain_pages,
        title: a.title.clone(),
    });
    let mut unreadable = 0u64;
    let mut shown = 0u64;
    for path in expand(&a.inputs) {
        let name = path.display().to_string();
        let reader: Box<dyn io::Read + Send> = if name == "-" {
            Box::new(io::stdin())
        } else {
            match std::fs::File::open(&path) {
                Ok(f) => Box::new(f),
                Err(e) => {
                    eprintln!("puffery: {name}: cannot read: {e}");
                    unreadable += 1;
                    continue;
                }
            }
        };
        let mut on_bad = |line: u64, msg: &str| {
            shown += 1;
            if shown <= 20 {
                eprintln!("puffery: {name}: line {line}: {msg}");
            }
        };
        if let Err(e) = read_jsonl(&mut report, reader, &mut on_bad) {
            eprintln!("puffery: {name}: {e}");
            unreadable += 1;
        }
    }
    if shown > 20 {
        eprintln!("puffery: {} more lines were not puffery JSONL", shown - 20);
    }
    report.fill_context_from_sources();
    write_html(&a.output, &report)?;
    eprintln!(
        "puffery: report of {} documents written to {}",
        report.documents,
        a.output.display()
    );
    Ok(if unreadable > 0 || report.bad_lines > 0 {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}

/// Input paths: files as given, directories searched (sorted) for JSONL outputs.
fn expand(inputs: &[PathBuf]) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries {
            let name = p.to_string_lossy().to_ascii_lowercase();
            if p.is_dir() {
                walk(&p, out);
            } else if [".jsonl", ".jsonl.gz", ".jsonl.zst"]
                .iter()
                .any(|s| name.ends_with(s))
            {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    for p in inputs {
        if p.is_dir() {
            walk(p, &mut out);
        } else {
            out.push(p.clone());
        }
    }
    out
}

/// Writes the report atomically, as every output is (`output::write_atomically`).
pub fn write_html(path: &Path, report: &Report) -> Result<()> {
    puffery::output::write_atomically(path, |w| report.write_html(w))?;
    Ok(())
}

/// `scan --report`: the report aggregate, fed each item of the scan, written at the end.
pub struct ScanReport {
    path: PathBuf,
    report: Report,
}

impl ScanReport {
    pub fn new(path: PathBuf, threshold: f64) -> ScanReport {
        let opts = ReportOptions {
            threshold,
            ..ReportOptions::default()
        };
        ScanReport {
            path,
            report: Report::new(opts),
        }
    }

    /// Counts one item of the scan (with its result, for documents).
    pub fn add(&mut self, item: &Item, result: Option<&puffery::DocResult>) {
        match (item, result) {
            (Item::Doc(rec), Some(r)) => {
                let meta = DocMeta {
                    id: &rec.id,
                    source: &rec.source,
                    record: rec.record,
                    url: rec.url.as_deref(),
                };
                self.report.add_result(&meta, r, Some(&rec.body));
            }
            (Item::Doc(_), None) => {}
            (Item::Error(e), _) => self.report.add_error(&e.source, e.record, &e.message()),
            (Item::Skipped { reason, .. }, _) => self.report.add_skipped(reason),
        }
    }

    /// Writes the report, at the end of the run.
    pub fn finish(mut self, elapsed_s: f64) -> Result<()> {
        self.report.summaries += 1;
        self.report.scan_seconds += elapsed_s;
        write_html(&self.path, &self.report)
    }
}
