//! `puffery rules` and `puffery eval`: tables and explanations.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};
use puffery::rules::RuleSet;
use puffery::{Scanner, ScannerOptions};

use crate::args::{EvalArgs, ListFormat};
use crate::ruleset::{add_packs, load_rules};

pub fn list(rules: &RuleSet, format: ListFormat) -> Result<ExitCode> {
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

pub fn explain(rules: &RuleSet, id: &str) -> Result<ExitCode> {
    if let Some(c) = puffery::verdict::CHECKS.iter().find(|c| c.id == id) {
        writeln!(
            io::stdout().lock(),
            "{}  ({}, {}, a check done in code)\n{}\n\nWhy: {}",
            c.id,
            c.category,
            c.severity,
            c.summary,
            c.why
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let Some(r) = rules.get(id) else {
        anyhow::bail!("no rule {id:?}; `puffery rules` lists them");
    };
    // One explanation, the library's: the same text as docs/rules.md's entry.
    write!(io::stdout().lock(), "{}", puffery::rules::docs::explain(r))?;
    Ok(ExitCode::SUCCESS)
}

/// `puffery rules test PACK...`: every example of every rule in the packs (and the built-in
/// ones unless `--no-builtin`); exit 1 when any fails, naming file and line.
pub fn rules_test(a: &crate::args::RuleArgs, packs: &[std::path::PathBuf]) -> Result<ExitCode> {
    let mut rules = if a.no_builtin {
        RuleSet::default()
    } else {
        RuleSet::builtin()?
    };
    add_packs(&mut rules, a.rules.iter().chain(packs))?;
    rules.filter(&a.select, &a.ignore);
    let report = puffery::rule_test::run(&rules)?;
    let mut out = io::stdout().lock();
    for f in &report.failures {
        writeln!(out, "{f}")?;
    }
    writeln!(
        out,
        "{} passed, {} failed",
        report.checked - report.failures.len(),
        report.failures.len()
    )?;
    Ok(if report.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `puffery eval`: precision, recall and F1 per field against labelled pages.
pub fn eval(a: EvalArgs) -> Result<ExitCode> {
    let rules = load_rules(&a.rules)?;
    let scanner = Scanner::new(
        rules,
        ScannerOptions {
            threshold: a.threshold,
            lang: None,
        },
    )?;
    let labels = read_labels(&a.labels)?;
    let report = puffery::eval::evaluate(&scanner, &labels, &a.path);
    let mut out = BufWriter::new(io::stdout().lock());
    match a.format {
        ListFormat::Json => eval_json(&mut out, &report, a.verbose)?,
        ListFormat::Table => eval_table(&mut out, &report, a.verbose)?,
    }
    out.flush()?;
    Ok(if report.unreadable.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}

/// The labels file of `eval`, one JSON object a line; a bad line is an error naming it.
fn read_labels(path: &std::path::Path) -> Result<Vec<puffery::eval::Label>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read labels", path.display()))?;
    let lines = text.lines().enumerate();
    lines
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, line)| {
            serde_json::from_str(line).map_err(|e| {
                // serde_json ends its message with "at line 1 column C"; the line is ours.
                let msg = e.to_string();
                let msg = (msg.rsplit_once(" at line ")).map_or(msg.as_str(), |(m, _)| m);
                anyhow::anyhow!(
                    "{}: line {}, column {}: not a label: {msg}",
                    path.display(),
                    i + 1,
                    e.column()
                )
            })
        })
        .collect()
}

/// `eval --format json`: one object with every field's counts and scores.
fn eval_json(out: &mut dyn Write, report: &puffery::eval::Report, verbose: bool) -> Result<()> {
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
    if verbose {
        doc["misses"] = serde_json::to_value(&report.misses)?;
    }
    writeln!(out, "{doc}")?;
    Ok(())
}

/// `eval --format table`: a row per field, then unreadable pages and (verbose) misses.
fn eval_table(out: &mut dyn Write, report: &puffery::eval::Report, verbose: bool) -> Result<()> {
    let pct = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{:.3}", v));
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
    if verbose {
        for m in &report.misses {
            writeln!(
                out,
                "miss {} {}: expected {}, got {}",
                m.file, m.field, m.expected, m.got
            )?;
        }
    }
    Ok(())
}
