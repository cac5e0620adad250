//! Prints, for each labelled page, the verdict's evidence as page-level features with the
//! label, one JSON object per line: the data behind the weights in `patterns/verdict.toml`
//! (DESIGN.md, "Verdicts").
//!
//! `cargo run --release --example verdict_features -- LABELS.jsonl PAGES_DIR > features.jsonl`

use std::io::Read;

use puffery::{DocFormat, DocInput, Scanner};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (labels, dir) = match &args[..] {
        [_, l, d] => (l, std::path::Path::new(d)),
        _ => {
            eprintln!("usage: verdict_features LABELS.jsonl PAGES_DIR");
            std::process::exit(2);
        }
    };
    let scanner = Scanner::builtin().expect("built-in rules");
    let policy = scanner.policy().clone();
    let text = std::fs::read_to_string(labels).expect("labels readable");
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let label: serde_json::Value = serde_json::from_str(line).expect("a label line");
        let file = label["file"].as_str().expect("file").to_string();
        let bytes = std::fs::read(dir.join(&file)).or_else(|_| {
            let raw = std::fs::read(dir.join(format!("{file}.gz")))?;
            let mut out = Vec::new();
            flate2::read::MultiGzDecoder::new(&raw[..]).read_to_end(&mut out)?;
            Ok::<_, std::io::Error>(out)
        });
        let Ok(bytes) = bytes else {
            eprintln!("{file}: unreadable");
            continue;
        };
        let (r, ev) = scanner.scan_explained(&DocInput::new(&bytes, DocFormat::Html));
        let cat = |c: &str| -> f64 {
            r.reasons
                .iter()
                .filter(|x| x.signal == format!("rules:{c}"))
                .map(|x| x.contribution)
                .sum()
        };
        let out = serde_json::json!({
            "file": file,
            "promotional": label["promotional"],
            "label": r.label,
            "score": r.score,
            "words": ev.words,
            "affiliate_links": ev.affiliate_links.len(),
            "paid_links": ev.paid_links,
            "retailer_ctas": ev.retailer_ctas.len(),
            "commercial_per_1000": ev.commercial_per_1000_words(),
            "dense": ev.dense(&policy),
            "product_page": ev.product_page(),
            "product_markup": ev.page.product_markup,
            "cart": ev.page.cart,
            "product_url": ev.page.product_url,
            "price": ev.page.price,
            "advertorial": ev.page.advertorial,
            "lead_form": ev.page.lead_form,
            "article": ev.page.article,
            "recipe": ev.page.recipe,
            "cta": cat("cta"),
            "claim": cat("claim"),
            "urgency": cat("urgency"),
            "disclosure": cat("disclosure"),
            "sponsored_label": r.disclosures.iter().any(|d| d.kind == puffery::DisclosureKind::Sponsored && !d.weak),
            "reasons": r.reasons.iter().map(|x| format!("{} {:+}", x.signal, x.contribution)).collect::<Vec<_>>(),
        });
        println!("{out}");
    }
}
