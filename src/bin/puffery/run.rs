//! `puffery scan`: arguments in, library calls, exit code out. What a document looks like is
//! the library's [`puffery::output::Printer`]; where it goes, [`puffery::output::Outputs`].

use std::collections::HashMap;
use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use puffery::input::{self, InputOptions, Item};
use puffery::output::{self, Destination, Format, Outputs, Style};
use puffery::rules::RuleSet;
use puffery::{Scanner, ScannerOptions};

use crate::args::{Cli, Color, Command, RuleArgs, RulesAction, ScanArgs};
use crate::commands;
use crate::progress::ProgressLine;

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Scan(a) => scan(a),
        Command::Eval(a) => commands::eval(a),
        Command::Rules(a) => {
            let rules = load_rules(&a.rules)?;
            match a.action {
                Some(RulesAction::Explain { id }) => commands::explain(&rules, &id),
                None => commands::list(&rules, a.format),
            }
        }
    }
}

/// Built-in packs (unless `--no-builtin`), then `--rules` files, then `--select`/`--ignore`.
pub fn load_rules(a: &RuleArgs) -> Result<RuleSet> {
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

/// On Ctrl-C (or SIGTERM): remove pending temporary outputs and exit 130.
pub fn install_interrupt_handler() {
    let _ = ctrlc::set_handler(|| {
        output::interrupt();
        std::process::exit(130);
    });
}

fn scan(a: ScanArgs) -> Result<ExitCode> {
    let scanner = Scanner::new(
        load_rules(&a.rules)?,
        ScannerOptions {
            threshold: a.threshold,
            lang: a.lang.clone(),
        },
    )?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(a.threads.unwrap_or(0))
        .build()
        .context("cannot start worker threads")?;
    let dest = match &a.output {
        None => Destination::Stdout,
        Some(o) if o.is_dir() || o.to_string_lossy().ends_with('/') => Destination::Dir(o.clone()),
        Some(o) => Destination::File(o.clone()),
    };
    let items = inputs(&a, &dest)?;
    let printer = output::printer(a.format, Style::new(color(&a)), summaries(&scanner));
    let outputs = Outputs::new(dest.clone(), a.format, printer, Box::new(io::stderr()));
    outputs.check()?;
    let state = std::cell::RefCell::new((outputs, ProgressLine::new(a.progress), false));
    scanner.scan_stream(
        items,
        Some(&pool),
        |item, result| {
            let (outs, _, fail) = &mut *state.borrow_mut();
            *fail |= result.as_ref().is_some_and(|r| a.fail_on.fails(r));
            outs.emit(item, result)
        },
        || {
            let (outs, progress, _) = &mut *state.borrow_mut();
            progress.report(outs.totals(), false);
            outs.flush()
        },
    )?;
    let (outputs, mut progress, fail) = state.into_inner();
    progress.done(outputs.totals());
    let t = outputs.finish()?;
    if matches!(dest, Destination::Dir(_)) {
        eprintln!(
            "puffery: {} documents ({} promotional), {} errors, {:.1} MB in {:.2} s",
            t.documents,
            t.promotional,
            t.errors,
            t.bytes as f64 / 1e6,
            t.elapsed_s
        );
    }
    Ok(if t.errors > 0 {
        ExitCode::from(3)
    } else if fail {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The items of every input, in order: paths and `--paths-file`, sharded, less finished ones
/// (`--skip-done`), each read behind a panic guard.
fn inputs(a: &ScanArgs, dest: &Destination) -> Result<impl Iterator<Item = Item> + Send + use<>> {
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
    if paths.is_empty() {
        paths.push(PathBuf::from("-"));
    }
    let mut inputs = input::expand_paths(&paths);
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
            Err(Item::Error { source, .. }) => !done(source),
            Err(_) => true,
        });
    }
    Ok(inputs.into_iter().flat_map(move |p| match p {
        Ok(path) => input::open_path_guarded(&path, &opts),
        Err(item) => Box::new(std::iter::once(item)) as Box<dyn Iterator<Item = Item> + Send>,
    }))
}

/// Colour for the human format: `--color`, else on a terminal unless `NO_COLOR` is set.
fn color(a: &ScanArgs) -> bool {
    match a.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            a.output.is_none()
                && io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
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
