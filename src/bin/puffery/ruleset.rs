//! Rule sets for the commands: built-in and user packs, `--select`/`--ignore` checked against
//! the rules that exist, and the `--lang` warning.

use std::path::PathBuf;

use anyhow::{Context, Result};
use puffery::input;
use puffery::rules::RuleSet;

use crate::args::RuleArgs;

/// Built-in packs (unless `--no-builtin`), then `--rules` files, then `--select`/`--ignore`.
pub fn load_rules(a: &RuleArgs) -> Result<RuleSet> {
    selected(&load_all(a)?, &a.select, &a.ignore)
}

/// Built-in packs (unless `--no-builtin`), then `--rules` files; no selection.
pub fn load_all(a: &RuleArgs) -> Result<RuleSet> {
    let mut rules = if a.no_builtin {
        RuleSet::default()
    } else {
        RuleSet::builtin()?
    };
    add_packs(&mut rules, &a.rules)?;
    // A user pack whose examples fail still loads, with a warning per failure.
    if !a.rules.is_empty() {
        let user: Vec<String> = a.rules.iter().map(|p| p.display().to_string()).collect();
        for f in puffery::rule_test::run(&rules)?.failures {
            if user.contains(&f.file) {
                eprintln!("puffery: warning: {f}");
            }
        }
    }
    Ok(rules)
}

/// The rules of `all` that `select` and `ignore` keep; a prefix that names no rule is an error.
pub fn selected(all: &RuleSet, select: &[String], ignore: &[String]) -> Result<RuleSet> {
    for prefix in select.iter().chain(ignore) {
        check_prefix(all, prefix)?;
    }
    let mut rules = all.clone();
    rules.filter(select, ignore);
    Ok(rules)
}

/// Reads and adds rule packs (TOML files) to `rules`.
pub fn add_packs<'a>(
    rules: &mut RuleSet,
    paths: impl IntoIterator<Item = &'a PathBuf>,
) -> Result<()> {
    for path in paths {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read rule pack", path.display()))?;
        rules.add_pack(&path.display().to_string(), &text)?;
    }
    Ok(())
}

/// A `--select`/`--ignore` prefix must name some rule or check: a typo is an error that names
/// the closest ids, not a filter that silently selects nothing.
fn check_prefix(rules: &RuleSet, prefix: &str) -> Result<()> {
    let mut ids: Vec<&str> = (rules.rules.iter().map(|r| r.rule.id.as_str()))
        .chain(puffery::verdict::CHECKS.iter().map(|c| c.id))
        .collect();
    // Categories are prefixes too (`--ignore claim`).
    let categories: Vec<&str> = ids.iter().filter_map(|id| id.split('.').next()).collect();
    ids.extend(categories);
    ids.sort_unstable();
    ids.dedup();
    if ids.iter().any(|id| puffery::rules::id_matches(id, prefix)) {
        return Ok(());
    }
    // Distance to the id's start (a prefix is compared with a prefix), then shorter ids first.
    let head = |id: &str| id.len().min(prefix.len() + 1);
    let mut near: Vec<(usize, usize, &str)> = ids
        .iter()
        .map(|id| (edits(prefix, &id[..head(id)]), id.len(), *id))
        .collect();
    near.sort();
    let near: Vec<&str> = near.iter().take(3).map(|(_, _, id)| *id).collect();
    anyhow::bail!(
        "--select/--ignore {prefix:?} matches no rule; closest: {}",
        near.join(", ")
    )
}

/// Levenshtein distance (on bytes; rule ids are ASCII).
fn edits(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// `--lang xx` that no rule names: only the rules without a language apply (a typo, or a
/// language the packs do not cover yet). English is covered by the untagged rules.
pub fn warn_unknown_lang(rules: &RuleSet, lang: &str) {
    let Some(l) = input::Lang::parse(lang) else {
        return;
    };
    let known = l.as_str() == "en"
        || (rules.rules.iter()).any(|r| r.rule.lang.iter().any(|x| x.as_str() == l.as_str()));
    if !known {
        eprintln!(
            "puffery: warning: --lang {lang}: no rule pack has rules for {l}; only rules \
             without a language apply"
        );
    }
}
