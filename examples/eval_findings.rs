//! Prints the cta, claim and urgency findings of the built-in packs on HTML pages (or `.txt`
//! plain-text files), to measure the packs' precision on real pages.
//!
//! ```text
//! cargo run --example eval_findings -- PAGE.html[.gz] ...
//! cargo run --example eval_findings -- --labels dev-labels.jsonl DIR/*.html.gz
//! ```
//!
//! Each page prints one line `FILE lang=.. score=..` and then one indented line per finding:
//! `rule  "matched text"`; `--all` prints findings of every category (disclosures and context
//! too), while the summary still counts cta, claim and urgency only. With `--labels FILE` (JSON lines with `file`, `promotional`, `cta`
//! and `claims`), only labelled pages are scanned and a summary follows: findings per
//! category on pages labelled `promotional: false`, how many of those disagree with the page's
//! own label (a `cta` finding on a page labelled `cta: false`, a `claim` finding on one labelled
//! `claims: false`, any `urgency` finding), and how many pages labelled `cta: true` /
//! `claims: true` get at least one finding of that category.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use puffery::{DocFormat, DocInput, Scanner};

const CATEGORIES: &[&str] = &["cta", "claim", "urgency"];

#[derive(Default)]
struct Label {
    promotional: Option<bool>,
    cta: bool,
    claims: bool,
}

fn read_page(path: &Path) -> std::io::Result<Vec<u8>> {
    let raw = std::fs::read(path)?;
    if path.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&raw[..]).read_to_end(&mut out)?;
        Ok(out)
    } else {
        Ok(raw)
    }
}

/// `001.html.gz` and `dir/001.html` both name `001.html`.
fn page_name(path: &Path) -> String {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    name.strip_suffix(".gz").unwrap_or(&name).to_string()
}

fn read_labels(path: &str) -> Result<HashMap<String, Label>, Box<dyn std::error::Error>> {
    let mut labels = HashMap::new();
    for line in std::fs::read_to_string(path)?.lines() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line)?;
        let file = v["file"].as_str().unwrap_or_default().to_string();
        labels.insert(
            file,
            Label {
                promotional: v["promotional"].as_bool(),
                cta: v["cta"].as_bool().unwrap_or(false),
                claims: v["claims"].as_bool().unwrap_or(false),
            },
        );
    }
    Ok(labels)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let labels = match args.iter().position(|a| a == "--labels") {
        Some(i) if i + 1 < args.len() => {
            let file = args.remove(i + 1);
            args.remove(i);
            Some(read_labels(&file)?)
        }
        Some(_) => return Err("--labels needs a file".into()),
        None => None,
    };
    let all = match args.iter().position(|a| a == "--all") {
        Some(i) => {
            args.remove(i);
            true
        }
        None => false,
    };
    let scanner = Scanner::builtin()?;
    // Per category: findings on non-promotional pages, and pages among them that fire.
    let mut clean_pages = 0usize;
    let mut clean_findings: HashMap<&str, usize> = HashMap::new();
    let mut clean_firing = 0usize;
    let mut disagree: Vec<String> = Vec::new();
    let (mut cta_pages, mut cta_hit, mut claim_pages, mut claim_hit) = (0, 0, 0, 0);
    for arg in &args {
        let path = Path::new(arg);
        let name = page_name(path);
        let label = match &labels {
            Some(l) => match l.get(&name) {
                Some(label) => Some(label),
                None => continue,
            },
            None => None,
        };
        let bytes = read_page(path)?;
        // `.txt` files are plain text; everything else is HTML.
        let format = if name.ends_with(".txt") {
            DocFormat::Text
        } else {
            DocFormat::Html
        };
        let result = scanner.scan(&DocInput::new(&bytes, format));
        let found: Vec<_> = result
            .findings
            .iter()
            .filter(|f| CATEGORIES.contains(&f.category.as_str()))
            .collect();
        println!(
            "{name} lang={} score={} label={}",
            result.lang.as_deref().unwrap_or("-"),
            result.score,
            result.label
        );
        for f in &result.findings {
            if all || CATEGORIES.contains(&f.category.as_str()) {
                println!("  {:<32} {:?}", f.rule, f.matched);
            }
        }
        let Some(label) = label else { continue };
        let has = |cat: &str| found.iter().any(|f| f.category == cat);
        if label.promotional == Some(false) {
            clean_pages += 1;
            if !found.is_empty() {
                clean_firing += 1;
            }
            for f in &found {
                *clean_findings.entry(category_key(&f.category)).or_default() += 1;
                let labelled = match f.category.as_str() {
                    "cta" => label.cta,
                    "claim" => label.claims,
                    _ => false,
                };
                if !labelled {
                    disagree.push(format!("{name} {} {:?}", f.rule, f.matched));
                }
            }
        }
        if label.cta {
            cta_pages += 1;
            cta_hit += usize::from(has("cta"));
        }
        if label.claims {
            claim_pages += 1;
            claim_hit += usize::from(has("claim"));
        }
    }
    if labels.is_some() {
        let total: usize = clean_findings.values().sum();
        println!();
        println!(
            "non-promotional pages: {clean_pages}; cta/claim/urgency findings: {total} \
             ({:.2} per page) on {clean_firing} pages",
            total as f64 / clean_pages.max(1) as f64
        );
        for c in CATEGORIES {
            println!("  {c}: {}", clean_findings.get(c).copied().unwrap_or(0));
        }
        println!(
            "of these, on pages whose own cta/claims label is false (urgency: always): {}",
            disagree.len()
        );
        for d in &disagree {
            println!("  {d}");
        }
        println!("pages labelled cta: {cta_pages}, with a cta finding: {cta_hit}");
        println!("pages labelled claims: {claim_pages}, with a claim finding: {claim_hit}");
    }
    Ok(())
}

fn category_key(c: &str) -> &'static str {
    CATEGORIES
        .iter()
        .find(|k| **k == c)
        .copied()
        .unwrap_or("other")
}
