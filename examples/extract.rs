//! Prints the visible text and links puffery extracts from one HTML file (`.html` or `.html.gz`).
//!
//! `cargo run --example extract -- page.html`

use std::io::Read;

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: extract PAGE.html[.gz]");
    let raw = std::fs::read(&path).expect("readable file");
    let bytes = if path.ends_with(".gz") {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .expect("gzip");
        out
    } else {
        raw
    };
    let decoded = puffery::encoding::decode(&bytes, None, true);
    let ex = puffery::html::extract_html(&decoded.text);
    println!("{}", ex.text);
    for l in &ex.links {
        println!("LINK {} [{}]", l.href, l.text);
    }
}
