//! The cost of each pack regex: MB/s of `find_iter` over the visible text of a directory of
//! pages, slowest first. A pack author's check before adding a pattern (the regexes run as one
//! `RegexSet`; one slow pattern slows the set).
//!
//! `cargo run --release --example regex_cost -- PAGES_DIR [--sets | --leave-one-out]`

use std::io::Read;
use std::time::Instant;

use puffery::matcher::compile_regex;
use puffery::rules::RuleSet;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .expect("usage: regex_cost PAGES_DIR");
    let mut texts = Vec::new();
    for e in std::fs::read_dir(&dir).expect("dir") {
        let p = e.unwrap().path();
        let raw = std::fs::read(&p).unwrap();
        let bytes = if p.to_string_lossy().ends_with(".gz") {
            let mut s = Vec::new();
            flate2::read::MultiGzDecoder::new(&raw[..])
                .read_to_end(&mut s)
                .unwrap();
            s
        } else {
            raw
        };
        let d = puffery::encoding::decode(&bytes, None, true);
        texts.push(puffery::html::extract_html(&d.text).text);
    }
    let total: usize = texts.iter().map(String::len).sum();
    let rules = RuleSet::builtin().unwrap();
    let mut rows = Vec::new();
    for r in &rules.rules {
        for (i, pattern) in r.rule.regex.iter().enumerate() {
            let re = compile_regex(pattern).unwrap();
            let t = Instant::now();
            let n: usize = texts.iter().map(|t| re.find_iter(t).count()).sum();
            let secs = t.elapsed().as_secs_f64();
            rows.push((total as f64 / 1e6 / secs, format!("{}[{i}]", r.rule.id), n));
        }
    }
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    if std::env::args().any(|a| a == "--leave-one-out") {
        // Which patterns make the set slow: the set's speed without each one.
        let pats: Vec<(String, String)> =
            rules
                .rules
                .iter()
                .flat_map(|r| {
                    r.rule.regex.iter().enumerate().map(|(i, p)| {
                        (format!("{}[{i}]", r.rule.id), puffery::matcher::prepared(p))
                    })
                })
                .collect();
        let sample: Vec<&String> = texts.iter().take(40).collect();
        let bytes: usize = sample.iter().map(|t| t.len()).sum();
        let speed = |skip: Option<usize>| {
            let set_pats: Vec<&String> = pats
                .iter()
                .enumerate()
                .filter(|(i, _)| Some(*i) != skip)
                .map(|(_, p)| &p.1)
                .collect();
            let set = regex::RegexSetBuilder::new(set_pats)
                .case_insensitive(true)
                .size_limit(16 << 20)
                .dfa_size_limit(16 << 20)
                .build()
                .unwrap();
            let t = Instant::now();
            let n: usize = sample.iter().map(|t| set.matches(t).iter().count()).sum();
            std::hint::black_box(n);
            bytes as f64 / 1e6 / t.elapsed().as_secs_f64()
        };
        let base = speed(None);
        println!(
            "all {} patterns: {base:.1} MB/s on {:.1} MB",
            pats.len(),
            bytes as f64 / 1e6
        );
        let mut gains: Vec<(f64, &str)> = (0..pats.len())
            .map(|i| (speed(Some(i)), pats[i].0.as_str()))
            .collect();
        gains.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (mbs, id) in gains.iter().take(20) {
            println!("without {id:40} {mbs:8.1} MB/s");
        }
        return;
    }
    if std::env::args().any(|a| a == "--sets") {
        // The set as a whole: per pack, and the packs together.
        let mut all: Vec<String> = Vec::new();
        for pack in [
            "cta",
            "claim",
            "urgency",
            "policy",
            "disclosure",
            "negation",
            "context",
        ] {
            let pats: Vec<String> = rules
                .rules
                .iter()
                .filter(|r| r.pack == pack)
                .flat_map(|r| r.rule.regex.iter().map(|p| puffery::matcher::prepared(p)))
                .collect();
            all.extend(pats.iter().cloned());
            for (name, set_pats) in [(pack.to_string(), &pats), (format!("up to {pack}"), &all)] {
                let set = regex::RegexSetBuilder::new(set_pats)
                    .case_insensitive(true)
                    .size_limit(16 << 20)
                    .dfa_size_limit(16 << 20)
                    .build()
                    .unwrap();
                let t = Instant::now();
                let n: usize = texts.iter().map(|t| set.matches(t).iter().count()).sum();
                let secs = t.elapsed().as_secs_f64();
                println!(
                    "set {name:20} {:3} patterns {:8.1} MB/s ({n})",
                    set_pats.len(),
                    total as f64 / 1e6 / secs
                );
            }
        }
        return;
    }
    for (mbs, id, n) in rows.iter().take(25) {
        println!("{mbs:9.1} MB/s  {n:6} matches  {id}");
    }
    println!("\nregexes in the residual sets (no literal prefix for the prefilter):");
    for r in &rules.rules {
        for (i, p) in r.rule.regex.iter().enumerate() {
            if !puffery::matcher::has_prefixes(p) {
                println!("  {}[{i}]", r.rule.id);
            }
        }
    }
}
