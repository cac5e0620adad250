//! Classifies links read from standard input, one per line, and prints one JSON object per line.
//!
//! Input columns, tab-separated (only the first is required):
//! `href`, `page_url`, `rel` (space-separated tokens), `class`, plugin attribute names
//! (comma-separated, e.g. `data-linkid,data-lasso-id`).
//!
//! ```text
//! printf 'https://www.amazon.de/dp/B0?tag=x-21\thttps://blog.example/post\n' |
//!     cargo run --example classify_urls
//! ```
//!
//! A line starting with `script\t` is a `<script src>` instead: `script<TAB>src`, answered with
//! the link-rewriter network, if any.

use std::io::{self, BufRead, BufWriter, Write};

use puffery::links::{Classifier, LinkContext};

fn main() -> io::Result<()> {
    let classifier = Classifier::builtin();
    let stdin = io::stdin();
    let mut out = BufWriter::new(io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = line?;
        let cols: Vec<&str> = line.split('\t').collect();
        if cols[0] == "script" {
            let src = cols.get(1).copied().unwrap_or("");
            let json = serde_json::json!({
                "script": src,
                "rewriter": classifier.rewriter_script(src),
            });
            writeln!(out, "{json}")?;
            continue;
        }
        let href = cols[0];
        let page_url = cols.get(1).copied().filter(|s| !s.is_empty());
        let rel: Vec<String> = cols
            .get(2)
            .map(|r| {
                r.split_ascii_whitespace()
                    .map(str::to_ascii_lowercase)
                    .collect()
            })
            .unwrap_or_default();
        let class = cols.get(3).copied().filter(|s| !s.is_empty());
        let attrs: Vec<String> = cols
            .get(4)
            .map(|a| {
                a.split(',')
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        let ctx = LinkContext {
            page_url,
            rel: &rel,
            class,
            plugin_attrs: &attrs,
        };
        let json = serde_json::json!({
            "href": href,
            "affiliate": classifier.classify(href, &ctx),
        });
        writeln!(out, "{json}")?;
    }
    out.flush()
}
