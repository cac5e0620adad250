//! What each command does.

use std::io::{self, BufWriter, IsTerminal, Read, Write};
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

/// Known document extensions taken from directories.
fn is_document(path: &Path) -> bool {
    let name = path.to_string_lossy().to_ascii_lowercase();
    [".html", ".htm", ".xhtml", ".txt", ".text", ".md"]
        .iter()
        .any(|e| name.ends_with(e))
}

/// Expands directories (recursively, sorted); unreadable directories become errors.
fn expand(paths: &[PathBuf], out: &mut Vec<Result<PathBuf, Item>>) {
    for p in paths {
        if p.is_dir() {
            match std::fs::read_dir(p) {
                Ok(rd) => {
                    let mut entries: Vec<PathBuf> =
                        rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
                    entries.sort();
                    let (dirs, files): (Vec<_>, Vec<_>) =
                        entries.into_iter().partition(|e| e.is_dir());
                    out.extend(files.into_iter().filter(|f| is_document(f)).map(Ok));
                    expand(&dirs, out);
                }
                Err(e) => out.push(Err(Item::Error {
                    source: p.display().to_string(),
                    record: 0,
                    message: format!("cannot read directory: {e}"),
                })),
            }
        } else {
            out.push(Ok(p.clone()));
        }
    }
}

fn items_of(path: PathBuf, format: input::InputFormat) -> Box<dyn Iterator<Item = Item> + Send> {
    let name = path.display().to_string();
    let bytes = if name == "-" {
        let mut buf = Vec::new();
        io::stdin().lock().read_to_end(&mut buf).map(|_| buf)
    } else {
        std::fs::read(&path)
    };
    match bytes {
        Ok(bytes) => Box::new(input::read_bytes(&name, bytes, format)),
        Err(e) => Box::new(std::iter::once(Item::Error {
            source: name,
            record: 0,
            message: format!("cannot read: {e}"),
        })),
    }
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
    let format = match a.input_format {
        crate::args::InputFormat::Auto => input::InputFormat::Auto,
        crate::args::InputFormat::Html => input::InputFormat::Html,
        crate::args::InputFormat::Text => input::InputFormat::Text,
    };
    let paths = if a.paths.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        a.paths.clone()
    };
    let mut expanded = Vec::new();
    expand(&paths, &mut expanded);
    let items = expanded.into_iter().flat_map(move |p| match p {
        Ok(path) => items_of(path, format),
        Err(item) => Box::new(std::iter::once(item)),
    });

    let (mut sink, temp): (Box<dyn Write>, Option<tempfile::NamedTempFile>) = match &a.output {
        Some(path) => {
            let dir = path
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let tmp = tempfile::Builder::new()
                .prefix(".puffery-")
                .tempfile_in(dir)
                .with_context(|| format!("{}: cannot create output", path.display()))?;
            let file = tmp.reopen()?;
            (Box::new(BufWriter::with_capacity(1 << 16, file)), Some(tmp))
        }
        None => (
            Box::new(BufWriter::with_capacity(1 << 16, io::stdout().lock())),
            None,
        ),
    };
    let color = match a.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            a.output.is_none()
                && io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let style = Style::new(color);
    let summary_of = |id: &str| scanner.rules.get(id).map(|r| r.rule.summary.clone());

    let mut summary = Summary::default();
    let mut fail = false;
    let fail_on = a.fail_on;
    {
        scanner.scan_stream(items, Some(&pool), |item, result| -> io::Result<()> {
            match (item, result) {
                (Item::Doc(rec), Some(r)) => {
                    summary.add(&r);
                    fail |= fails(fail_on, &r);
                    match a.format {
                        Format::Jsonl => {
                            let meta = DocMeta {
                                id: &rec.id,
                                source: &rec.source,
                                record: rec.record,
                                url: rec.url.as_deref(),
                            };
                            output::write_jsonl_document(&mut sink, &meta, &r)
                        }
                        Format::Human => {
                            let name = if rec.record == 0 && rec.id == rec.source {
                                rec.source.clone()
                            } else {
                                format!("{}#{}", rec.source, rec.record)
                            };
                            output::write_human(
                                &mut sink,
                                &name,
                                &rec.body,
                                &r,
                                &summary_of,
                                &style,
                            )
                        }
                    }
                }
                (
                    Item::Error {
                        source,
                        record,
                        message,
                    },
                    _,
                ) => {
                    summary.errors += 1;
                    match a.format {
                        Format::Jsonl => {
                            output::write_jsonl_error(&mut sink, &source, record, &message)
                        }
                        Format::Human => {
                            eprintln!("puffery: {source}: record {record}: {message}");
                            Ok(())
                        }
                    }
                }
                (Item::Skipped { reason }, _) => {
                    *summary.skipped.entry(reason).or_default() += 1;
                    Ok(())
                }
                (Item::Doc(_), None) => Ok(()),
            }
        })
    }?;
    summary.elapsed_s = (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0;
    match a.format {
        Format::Jsonl => output::write_jsonl_summary(&mut sink, &summary)?,
        Format::Human if summary.documents + summary.errors > 1 => writeln!(
            sink,
            "{} documents: {} promotional, {} borderline, {} clean; {} errors; {:.1} MB in {:.2} s",
            summary.documents,
            summary.promotional,
            summary.borderline,
            summary.clean,
            summary.errors,
            summary.bytes as f64 / 1e6,
            summary.elapsed_s
        )?,
        Format::Human => {}
    }
    sink.flush()?;
    drop(sink);
    if let (Some(tmp), Some(path)) = (temp, &a.output) {
        tmp.persist(path)
            .with_context(|| format!("{}: cannot write output", path.display()))?;
    }
    Ok(if summary.errors > 0 {
        ExitCode::from(3)
    } else if fail {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
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
