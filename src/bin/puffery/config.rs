//! Merges a project configuration file ([`puffery::config`]) under the command line: an
//! option the user gave wins; the file fills in the rest. `scan` takes every key; `rules`
//! (list, explain, test) the rule keys (`rules`, `select`, `ignore`, `no_builtin`). `eval`
//! takes none: a project's file should not change a measurement.
//!
//! `[[paths]]` tables become [`PathSettings`]: the settings a matching document is scanned
//! with, the command line still winning over the table.

use anyhow::{Context, Result};
use clap::parser::ValueSource;
use clap::{ArgMatches, ValueEnum};
use puffery::config::{self, Config, PathGlob, PathTable};

use crate::args::{Cli, Command, RuleArgs, ScanArgs};

/// Finds (`--config FILE`, else upward from the current directory, unless `--no-config`) and
/// applies the configuration file to the parsed arguments.
pub fn apply(cli: &mut Cli, matches: &ArgMatches) -> Result<()> {
    let Some((_, sub)) = matches.subcommand() else {
        return Ok(());
    };
    let config = match (&cli.config, cli.no_config) {
        (_, true) => return Ok(()),
        (Some(path), false) => Config::load(path)?,
        (None, false) => {
            let cwd = std::env::current_dir().context("cannot find the current directory")?;
            match config::discover(&cwd) {
                Some(path) => Config::load(&path)?,
                None => return Ok(()),
            }
        }
    };
    match &mut cli.command {
        Command::Scan(a) => scan(a, &config, sub),
        Command::Rules(a) => {
            rule_args(&mut a.rules, &config, sub);
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Whether the user set the argument (on the command line or through the environment).
fn given(m: &ArgMatches, id: &str) -> bool {
    m.value_source(id)
        .is_some_and(|s| s != ValueSource::DefaultValue)
}

fn scan(a: &mut ScanArgs, c: &Config, m: &ArgMatches) -> Result<()> {
    if let (Some(v), false) = (&c.format, given(m, "format")) {
        a.format = value(c, "format", v)?;
    }
    if let (Some(v), false) = (&c.fail_on, given(m, "fail_on")) {
        a.fail_on = value(c, "fail_on", v)?;
    }
    if let (Some(v), false) = (c.threshold, given(m, "threshold")) {
        a.threshold = v;
    }
    let lang_given = a.lang.is_some();
    if a.lang.is_none() {
        a.lang.clone_from(&c.lang);
    }
    rule_args(&mut a.rules, c, m);
    let at = |t: &PathTable| {
        format!(
            "{}:{}: [[paths]] glob {:?}",
            c.path.display(),
            t.line,
            t.glob.text
        )
    };
    a.by_path = (c.paths.iter())
        .map(|t| PathSettings {
            at: at(t),
            glob: t.glob.clone(),
            select: if given(m, "select") || t.select.is_empty() {
                a.rules.select.clone()
            } else {
                t.select.clone()
            },
            ignore: a.rules.ignore.iter().chain(&t.ignore).cloned().collect(),
            threshold: match (given(m, "threshold"), t.threshold) {
                (false, Some(v)) => v,
                _ => a.threshold,
            },
            lang: if lang_given {
                a.lang.clone()
            } else {
                t.lang.clone().or(a.lang.clone())
            },
        })
        .collect();
    Ok(())
}

/// What a `[[paths]]` table means after merging: the settings for the documents `glob`
/// matches.
#[derive(Clone, Debug)]
pub struct PathSettings {
    /// `file:line: [[paths]] glob "..."`, for errors.
    pub at: String,
    /// Which documents.
    pub glob: PathGlob,
    /// Rule id prefixes to keep.
    pub select: Vec<String>,
    /// Rule id prefixes to drop.
    pub ignore: Vec<String>,
    /// Score at which a document is promotional.
    pub threshold: f64,
    /// Language to select rules for.
    pub lang: Option<String>,
}

fn rule_args(r: &mut RuleArgs, c: &Config, m: &ArgMatches) {
    for (id, mine, theirs) in [
        ("select", &mut r.select, &c.select),
        ("ignore", &mut r.ignore, &c.ignore),
    ] {
        if !given(m, id) && !theirs.is_empty() {
            mine.clone_from(theirs);
        }
    }
    if !given(m, "rules") && !c.rules.is_empty() {
        r.rules.clone_from(&c.rules);
    }
    r.no_builtin |= c.no_builtin;
}

/// A value of a clap enum (format, fail_on), or an error at the key's line naming the choices.
fn value<T: ValueEnum>(c: &Config, key: &str, v: &str) -> Result<T> {
    T::from_str(v, false).map_err(|_| {
        let names: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|p| p.get_name().to_string())
            .collect();
        let msg = format!("unknown value `{v}` (one of: {})", names.join(", "));
        c.error_at(key, msg).into()
    })
}
