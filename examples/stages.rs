//! Where scan time goes: times each stage (decode, HTML extraction, matching, the whole scan)
//! over a directory of `.html`/`.html.gz` pages, single-threaded, several rounds.
//!
//! `cargo run --release --example stages -- PAGES_DIR [ROUNDS]`

use std::io::Read;
use std::time::Instant;

use puffery::matcher::Matcher;
use puffery::rules::RuleSet;
use puffery::{DocFormat, DocInput, Scanner};

fn main() {
    let dir = std::env::args()
        .nth(1)
        .expect("usage: stages PAGES_DIR [ROUNDS]");
    let rounds: usize = std::env::args()
        .nth(2)
        .map_or(3, |r| r.parse().expect("ROUNDS"));
    let mut pages = Vec::new();
    for e in std::fs::read_dir(&dir).expect("dir") {
        let p = e.unwrap().path();
        let raw = std::fs::read(&p).unwrap();
        let name = p.to_string_lossy();
        if name.ends_with(".gz") {
            let mut s = Vec::new();
            flate2::read::MultiGzDecoder::new(&raw[..])
                .read_to_end(&mut s)
                .unwrap();
            pages.push(s);
        } else if name.ends_with(".html") {
            pages.push(raw);
        }
    }
    let bytes: usize = pages.iter().map(Vec::len).sum::<usize>() * rounds;
    let scanner = Scanner::builtin().unwrap();
    let matcher = Matcher::new(&RuleSet::builtin().unwrap()).unwrap();
    let time = |name: &str, f: &dyn Fn(&[u8]) -> usize| {
        let t = Instant::now();
        let mut sink = 0;
        for _ in 0..rounds {
            for p in &pages {
                sink += f(p);
            }
        }
        let s = t.elapsed().as_secs_f64();
        println!("{name:28} {:7.0} MB/s  ({sink})", bytes as f64 / 1e6 / s);
    };
    time("decode", &|p| {
        puffery::encoding::decode(p, None, true).text.len()
    });
    time("decode+extract", &|p| {
        let d = puffery::encoding::decode(p, None, true);
        puffery::html::extract_html(&d.text).text.len()
    });
    time("decode+extract+match", &|p| {
        let d = puffery::encoding::decode(p, None, true);
        let ex = puffery::html::extract_html(&d.text);
        matcher.find(&ex.text).len()
    });
    let mut phrases_only = RuleSet::builtin().unwrap();
    let mut regex_only = RuleSet::builtin().unwrap();
    for r in &mut phrases_only.rules {
        r.rule.regex.clear();
    }
    phrases_only.rules.retain(|r| !r.rule.phrases.is_empty());
    for r in &mut regex_only.rules {
        r.rule.phrases.clear();
        r.rule.exceptions.clear();
    }
    regex_only.rules.retain(|r| !r.rule.regex.is_empty());
    let texts: Vec<String> = pages
        .iter()
        .map(|p| {
            let d = puffery::encoding::decode(p, None, true);
            puffery::html::extract_html(&d.text).text
        })
        .collect();
    let text_bytes: usize = texts.iter().map(String::len).sum::<usize>() * rounds;
    let mut residual_only = regex_only.clone();
    for r in &mut residual_only.rules {
        r.rule.regex.retain(|p| !puffery::matcher::has_prefixes(p));
    }
    residual_only.rules.retain(|r| !r.rule.regex.is_empty());
    let mut prefixed_only = regex_only.clone();
    for r in &mut prefixed_only.rules {
        r.rule.regex.retain(|p| puffery::matcher::has_prefixes(p));
    }
    prefixed_only.rules.retain(|r| !r.rule.regex.is_empty());
    for (name, rules) in [
        ("phrases only (on text)", &phrases_only),
        ("regexes only (on text)", &regex_only),
        ("prefiltered regexes", &prefixed_only),
        ("residual regex set", &residual_only),
    ] {
        let m = Matcher::new(rules).unwrap();
        let t = Instant::now();
        let mut n = 0;
        for _ in 0..rounds {
            for text in &texts {
                n += m.find(text).len();
            }
        }
        let s = t.elapsed().as_secs_f64();
        println!(
            "{name:28} {:7.0} MB/s of text ({n})",
            text_bytes as f64 / 1e6 / s
        );
    }
    time("full scan", &|p| {
        scanner
            .scan(&DocInput::new(p, DocFormat::Html))
            .findings
            .len()
    });
}
