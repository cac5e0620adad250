//! How each built-in (or given) pack regex runs: behind its literal prefixes, or in windows
//! around a derived or explicit trigger, with its longest match; the regexes without a trigger
//! are listed with the error a pack load gives.
//!
//! `cargo run --example triggers [-- PACK.toml...]`

use puffery::pattern::{Plan, plan};
use puffery::rules::RuleSet;

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|f| (f.clone(), std::fs::read_to_string(f).expect("read pack")))
        .collect();
    // The built-in packs load without the trigger check (the matcher makes it), so every
    // regex is listed; given packs load with it and stop at the first regex without one.
    let set = if texts.is_empty() {
        RuleSet::builtin().expect("built-in packs")
    } else {
        let packs: Vec<(&str, &str)> = texts
            .iter()
            .map(|(f, t)| (f.as_str(), t.as_str()))
            .collect();
        RuleSet::from_packs(&packs).unwrap_or_else(|e| {
            eprintln!("{e}");
            std::process::exit(1)
        })
    };
    let (mut pre, mut trig, mut none) = (0, 0, 0);
    for r in &set.rules {
        for re in &r.rule.regex {
            let max = puffery::pattern::max_len(&puffery::pattern::prepared(re));
            let lits = |l: &[Vec<u8>]| {
                l.iter()
                    .map(|x| format!("{:?}", String::from_utf8_lossy(x)))
                    .collect::<Vec<_>>()
                    .join("|")
            };
            match plan(re, &r.rule.trigger) {
                Ok(Plan::Prefixes(l)) => {
                    pre += 1;
                    println!("prefix   {} {re:?} [{}]", r.rule.id, lits(&l));
                }
                Ok(Plan::Trigger { literals, derived }) => {
                    trig += 1;
                    let how = if derived { "derived" } else { "explicit" };
                    println!(
                        "trigger  {} {re:?} {how} [{}] max_len {max:?}",
                        r.rule.id,
                        lits(&literals)
                    );
                }
                Err(e) => {
                    none += 1;
                    println!("NONE     {}:{} {}: {e}", r.file, r.line, r.rule.id);
                }
            }
        }
    }
    println!("{pre} behind prefixes, {trig} around triggers, {none} without a trigger");
}
