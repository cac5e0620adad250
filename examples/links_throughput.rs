//! Measures `Classifier::classify` throughput.
//!
//! Reads links (`href` or `href<TAB>page_url`, one per line) from the file given as the first
//! argument, or uses a small built-in mix of affiliate and ordinary links, then classifies them
//! repeatedly for about two seconds and prints links per second. Build with optimisations for
//! meaningful numbers, e.g. `cargo run --release --example links_throughput -- links.tsv`.

use std::time::{Duration, Instant};

use puffery::links::{Classifier, LinkContext};

const MIX: &[&str] = &[
    "https://www.amazon.com/dp/B07FZ8S74R?tag=mysite-20",
    "https://www.example.com/2023/01/01/some-article/",
    "/category/recipes/",
    "https://twitter.com/intent/tweet?text=x&url=https%3A%2F%2Fblog.example%2Fpost",
    "https://go.skimresources.com/?id=1X2&xs=1&url=https%3A%2F%2Fwww.shop.com%2F",
    "https://www.nytimes.com/2023/01/01/world/story.html?utm_source=twitter&utm_medium=social",
    "#comments",
    "https://amzn.to/3xYzAbC",
    "https://fonts.googleapis.com/css?family=Roboto",
    "/go/blender",
    "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fblog.example%2Fpost",
    "mailto:editor@example.com",
];

fn main() {
    let lines: Vec<(String, Option<String>)> = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{path}: {e}"))
            .lines()
            .map(|l| {
                let mut cols = l.split('\t');
                let href = cols.next().unwrap_or("").to_string();
                let page = cols.next().filter(|s| !s.is_empty()).map(String::from);
                (href, page)
            })
            .collect(),
        None => MIX
            .iter()
            .map(|h| (h.to_string(), Some("https://blog.example/post".to_string())))
            .collect(),
    };
    assert!(!lines.is_empty(), "no links");
    let build = Instant::now();
    let classifier = Classifier::builtin();
    let build = build.elapsed();
    let rel: Vec<String> = Vec::new();
    let attrs: Vec<String> = Vec::new();
    let mut hits = 0usize;
    let mut done = 0usize;
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(2) {
        for (href, page) in &lines {
            let ctx = LinkContext {
                page_url: page.as_deref(),
                rel: &rel,
                class: None,
                plugin_attrs: &attrs,
            };
            if std::hint::black_box(classifier.classify(href, &ctx)).is_some() {
                hits += 1;
            }
        }
        done += lines.len();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "built in {:.1} ms; {} links ({} distinct, {} affiliate per pass) in {:.2} s: {:.0} links/s, {:.0} ns/link",
        build.as_secs_f64() * 1e3,
        done,
        lines.len(),
        hits * lines.len() / done.max(1),
        secs,
        done as f64 / secs,
        secs * 1e9 / done as f64
    );
}
