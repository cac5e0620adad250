//! `puffery scan`: arguments in, library calls, exit code out. What a document looks like is
//! the library's [`puffery::output::Printer`]; where it goes, [`puffery::output::Outputs`].

use std::collections::HashMap;
use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use puffery::input::{self, InputOptions, Item};
use puffery::output::sarif::{SarifPrinter, SarifWriter};
use puffery::output::{self, Brief, Destination, Format, Outputs, Printer, Style};
use puffery::{Scanner, ScannerOptions, pipeline::Feed};

use crate::args::{Cli, Color, Command, RulesAction, ScanArgs};
use crate::commands;
use crate::progress::{Planned, ProgressLine};
use crate::report::ScanReport;
use crate::ruleset::{load_all, load_rules, selected, warn_unknown_lang};
use crate::stats::Stats;

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Scan(a) => scan(*a),
        Command::Eval(a) => commands::eval(a),
        Command::Report(a) => crate::report::run(a),
        Command::Rules(a) => match a.action {
            Some(RulesAction::Test { packs }) => commands::rules_test(&a.rules, &packs),
            Some(RulesAction::Explain { id }) => commands::explain(&load_rules(&a.rules)?, &id),
            None => commands::list(&load_rules(&a.rules)?, a.format),
        },
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            // Into a buffer: clap_complete panics on a write error (a closed pipe).
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "puffery", &mut script);
            io::Write::write_all(&mut io::stdout(), &script)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd).render(&mut io::stdout())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// On Ctrl-C (or SIGTERM): remove pending temporary outputs and exit 130.
pub fn install_interrupt_handler() {
    let _ = ctrlc::set_handler(|| {
        output::interrupt();
        std::process::exit(130);
    });
}

fn scan(a: ScanArgs) -> Result<ExitCode> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(a.threads.unwrap_or(0))
        .build()
        .context("cannot start worker threads")?;
    let dest = match &a.output {
        None => Destination::Stdout,
        Some(o) if o.is_dir() || o.to_string_lossy().ends_with('/') => Destination::Dir(o.clone()),
        Some(o) => Destination::File(o.clone()),
    };
    let (scanner, planned, feed) = start(&a, &pool, &dest)?;
    let printer = printer(&a, &scanner);
    let mut stats = a.stats.then(Stats::default);
    let mut report = (a.extras.report.clone()).map(|p| ScanReport::new(p, a.threshold));
    let outputs = Outputs::new(dest.clone(), a.format, printer, Box::new(io::stderr()));
    outputs.check()?;
    let progress = ProgressLine::new(a.progress, planned);
    let state = std::cell::RefCell::new((outputs, progress, false));
    scanner.scan_feed(
        feed,
        Some(&pool),
        |item, result| {
            let (outs, progress, fail) = &mut *state.borrow_mut();
            if let Some(r) = &result {
                *fail |= a.fail_on.fails(r);
                if let Some(s) = stats.as_mut() {
                    s.add(r);
                }
            }
            if let Some(rep) = report.as_mut() {
                rep.add(&item, result.as_ref());
            }
            let (source, to_stderr) = match &item {
                Item::Doc(r) => (&r.source, false),
                // Error and skip messages go to stderr.
                Item::Error(e) => (&e.source, true),
                Item::Skipped { source, .. } => (source, true),
            };
            progress.item(source, outs.totals().bytes);
            progress.hide_while(to_stderr, || outs.emit(item, result))
        },
        || {
            let (outs, progress, _) = &mut *state.borrow_mut();
            progress.report(outs.totals(), false);
            progress.hide_while(false, || outs.flush())
        },
    )?;
    let (outputs, mut progress, fail) = state.into_inner();
    progress.done(outputs.totals());
    let t = outputs.finish()?;
    if let Some(s) = &stats {
        s.print(&t);
    }
    if let Some(rep) = report {
        rep.finish(t.elapsed_s)?;
    }
    if matches!(dest, Destination::Dir(_)) {
        eprintln!(
            "puffery: {} ({} promotional), {}, {:.1} MB in {:.2} s",
            output::counted(t.documents, "document"),
            t.promotional,
            output::counted(t.errors, "error"),
            t.bytes as f64 / 1e6,
            t.elapsed_s
        );
    }
    Ok(match (t.errors > 0, fail) {
        (true, _) => ExitCode::from(3),
        (false, true) => ExitCode::from(1),
        (false, false) => ExitCode::SUCCESS,
    })
}

/// The scanner, built on the pool (automata side by side with `-j 2` and more) while the reader
/// starts on the inputs, as start-up is serial time. A rule error comes before an input error.
/// One thread on files only: no reader thread ([`Feed::inline`]); pipes keep it.
fn start(
    a: &ScanArgs,
    pool: &rayon::ThreadPool,
    to: &Destination,
) -> Result<(Scanner, Planned, Feed)> {
    let (scanner, inputs) = std::thread::scope(|s| {
        let built = s.spawn(|| pool.install(|| scanner(a)));
        let inputs = inputs(a, to).map(|(planned, items)| match planned.files_only() {
            true if pool.current_num_threads() == 1 => (planned, Feed::inline(items)),
            _ => (planned, Feed::for_pool(items, pool)),
        });
        (built.join(), inputs)
    });
    let scanner = scanner.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    inputs.map(|(planned, feed)| (scanner, planned, feed))
}

/// The scanner: `--rules`, `--select`/`--ignore`, `--threshold`, `--lang`, and one more per
/// `[[paths]]` table of the configuration file.
fn scanner(a: &ScanArgs) -> Result<Scanner> {
    let all = load_all(&a.rules)?;
    let rules = selected(&all, &a.rules.select, &a.rules.ignore)?;
    if let Some(lang) = &a.lang {
        warn_unknown_lang(&rules, lang);
    }
    let options = |threshold, lang: &Option<String>| ScannerOptions {
        threshold,
        lang: lang.clone(),
        inline_ignore: !a.no_inline_ignore,
    };
    let mut by_path = Vec::new();
    for p in &a.by_path {
        let rules = selected(&all, &p.select, &p.ignore).context(p.at.clone())?;
        let scanner = Scanner::new(rules, options(p.threshold, &p.lang))?;
        by_path.push((p.glob.clone(), scanner));
    }
    Ok(Scanner::new(rules, options(a.threshold, &a.lang))?.with_paths(by_path))
}

/// The printer the options ask for: `-q`, `-l`, `-c`, else the `--format`.
fn printer(a: &ScanArgs, scanner: &Scanner) -> Box<dyn Printer> {
    match (a.quiet, a.files_with_findings, a.count) {
        (true, _, _) => output::brief_printer(Brief::Quiet),
        (_, true, _) => output::brief_printer(Brief::Files),
        (_, _, true) => output::brief_printer(Brief::Count),
        _ if a.format == Format::Sarif => Box::new(SarifPrinter(SarifWriter::new(
            &scanner.rules,
            &sarif_rules_url(a),
        ))),
        _ => output::printer(
            a.format,
            Style::new(color(a)).with_explain(a.explain),
            summaries(scanner),
        )
        .expect("every format but sarif"),
    }
}

/// The items of every input, in order: paths and `--paths-file`, sharded, less finished ones
/// (`--skip-done`), each read behind a panic guard.
fn inputs(
    a: &ScanArgs,
    dest: &Destination,
) -> Result<(Planned, impl Iterator<Item = Item> + Send + use<>)> {
    let opts = InputOptions {
        format: a.input_format,
        text_field: a.text_field.clone(),
        html_field: a.html_field.clone(),
        id_field: a.id_field.clone(),
        url_field: a.url_field.clone(),
        max_doc_bytes: a.max_doc_bytes,
        keep_json: a.format == Format::Dolma,
        keep_line: a.format == Format::Annotate,
        ..InputOptions::default()
    };
    let mut paths = a.paths.clone();
    if let Some(list) = &a.paths_file {
        paths.extend(input::read_paths_file(list)?);
    }
    // No path: stdin when it is a pipe or a file, else (a terminal) the current directory, as
    // ripgrep and typos do; its files are named without a leading "./".
    let here = paths.is_empty() && io::stdin().is_terminal();
    if paths.is_empty() {
        paths.push(PathBuf::from(if here { "." } else { "-" }));
    }
    let walk = input::WalkOptions {
        respect_ignore_files: !a.no_ignore,
    };
    let mut inputs = input::expand_paths_with(&paths, walk);
    if here {
        for p in inputs.iter_mut().flatten() {
            if let Ok(rel) = p.strip_prefix(".") {
                *p = rel.to_path_buf();
            }
        }
    }
    if let Some(spec) = &a.shard {
        let (i, n) =
            input::resolve_shard(spec, |k| std::env::var(k).ok()).map_err(anyhow::Error::msg)?;
        inputs = input::shard(inputs, i, n);
    }
    if a.skip_done {
        let Destination::Dir(dir) = dest else {
            anyhow::bail!("--skip-done needs -o DIR");
        };
        let done = |source: &str| Outputs::done_marker(dir, a.format, source).exists();
        inputs.retain(|p| match p {
            Ok(path) => !done(&path.to_string_lossy()),
            // Finished before, unreadable now (an unmounted disk): keep the finished output.
            Err(Item::Error(e)) => !done(&e.source),
            Err(_) => true,
        });
    }
    let planned: Planned = inputs.iter().flatten().collect();
    let items = inputs.into_iter().flat_map(move |p| match p {
        Ok(path) => input::open_path_guarded(&path, &opts),
        Err(item) => Box::new(std::iter::once(item)) as Box<dyn Iterator<Item = Item> + Send>,
    });
    Ok((planned, items))
}

/// The help links of SARIF rules: `--sarif-rules-url`, else docs/rules.md in the source tree
/// puffery was built from.
fn sarif_rules_url(a: &ScanArgs) -> String {
    a.extras.sarif_rules_url.clone().unwrap_or_else(|| {
        let docs = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md");
        format!("file://{}", output::sarif::artifact_uri(docs))
    })
}

/// Colour for the human format: `--color`, else on a terminal unless `NO_COLOR` is set.
fn color(a: &ScanArgs) -> bool {
    match a.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            a.output.is_none()
                && io::stdout().is_terminal()
                && !no_color(std::env::var_os("NO_COLOR"))
        }
    }
}

/// Each rule's and check's one-line summary, for the human format.
fn summaries(scanner: &Scanner) -> output::SummaryOf {
    let mut map: HashMap<String, String> = puffery::verdict::CHECKS
        .iter()
        .map(|c| (c.id.to_string(), c.summary.to_string()))
        .collect();
    for r in &scanner.rules.rules {
        map.insert(r.rule.id.clone(), r.rule.summary.clone());
    }
    Box::new(move |id| map.get(id).cloned())
}

/// no-color.org: `NO_COLOR` turns colour off when it is set and not empty.
fn no_color(value: Option<std::ffi::OsString>) -> bool {
    value.is_some_and(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_empty_no_color_keeps_colour() {
        assert!(!super::no_color(None));
        assert!(!super::no_color(Some("".into())));
        assert!(super::no_color(Some("1".into())));
    }
}
