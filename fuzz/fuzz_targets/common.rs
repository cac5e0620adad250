//! Checks shared by the fuzz targets: what must hold for any input, beyond "no panic".
#![allow(dead_code)]

use std::sync::OnceLock;

use puffery::input::Item;
use puffery::{DocResult, Scanner};

/// The built-in scanner, compiled once per process.
pub fn scanner() -> &'static Scanner {
    static S: OnceLock<Scanner> = OnceLock::new();
    S.get_or_init(|| Scanner::builtin().expect("built-in rules compile"))
}

/// Every span of a result lies inside the document and is ordered.
pub fn check_result(len: usize, r: &DocResult) {
    assert_eq!(r.bytes, len);
    for f in &r.findings {
        assert!(
            f.start <= f.end && f.end <= len,
            "finding span {f:?} of {len}"
        );
        assert!(f.char_start <= f.char_end, "finding chars {f:?}");
        assert!(f.char_end <= len, "finding chars past the end {f:?}");
    }
    for l in &r.links {
        assert!(l.start <= l.end && l.end <= len, "link span {l:?} of {len}");
    }
    for d in &r.disclosures {
        assert!(
            d.start <= d.end && d.end <= len,
            "disclosure span {d:?} of {len}"
        );
    }
    assert!(r.score.is_finite());
    serde_json::to_string(r).expect("a result serializes");
}

/// Every item takes one record index, in order, and a document's body respects the cap.
pub fn check_items(items: &[Item], max_doc_bytes: usize) {
    for (i, item) in items.iter().enumerate() {
        match item {
            Item::Doc(r) => {
                assert_eq!(r.record, i as u64, "record index of item {i}");
                assert!(
                    r.body.len() <= max_doc_bytes,
                    "body of {} bytes",
                    r.body.len()
                );
                if r.truncated_reason.as_deref() == Some("max-doc-bytes") {
                    assert!(r.truncated, "a truncation reason without the flag");
                }
            }
            Item::Error(e) => {
                assert_eq!(e.record, i as u64, "record index of error {i}");
                assert!(!e.message().is_empty());
            }
            Item::Skipped { reason, .. } => assert!(!reason.is_empty()),
        }
    }
}

/// Scans every document of `items` and checks the results.
pub fn scan_items(items: &[Item]) {
    for item in items {
        if let Item::Doc(r) = item {
            let res = scanner().scan(&puffery::DocInput {
                bytes: &r.body,
                format: r.format,
                url: r.url.as_deref(),
                lang: r.lang.as_deref(),
                charset: r.charset.as_deref(),
                // Exercises inline `puffery-ignore` handling on arbitrary bytes.
                inline_ignore: true,
            });
            check_result(r.body.len(), &res);
        }
    }
}

/// gzip `bytes` into one member per `chunk` bytes (Common Crawl style when chunks are records).
pub fn gzip_chunks(bytes: &[u8], chunk: usize) -> Vec<u8> {
    use std::io::Write;
    let mut out = Vec::new();
    for part in bytes.chunks(chunk.max(1)) {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(part).unwrap();
        out.extend_from_slice(&e.finish().unwrap());
    }
    out
}
