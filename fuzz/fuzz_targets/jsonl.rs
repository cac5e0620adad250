//! The JSONL reader on arbitrary bytes, then the scanner on every document it yields.
//!
//! First byte: bit 0 gzips the rest; bit 1 keeps the parsed object and the line (annotate,
//! dolma); bit 2 sets a tiny `max_doc_bytes` (16) and `max_line_bytes` (256).
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use puffery::input::{
    Compression, InputFormat, InputOptions, Item, detect_compression, open_reader,
};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, body)) = data.split_first() else {
        return;
    };
    let (name, bytes) = if flags & 1 != 0 {
        ("f.jsonl.gz", common::gzip_chunks(body, 512))
    } else {
        ("f.jsonl", body.to_vec())
    };
    let small = flags & 4 != 0;
    let max_doc_bytes = if small { 16 } else { 1 << 20 };
    let opts = InputOptions {
        format: InputFormat::Jsonl,
        max_doc_bytes,
        max_line_bytes: if small { 256 } else { 1 << 20 },
        keep_json: flags & 2 != 0,
        keep_line: flags & 2 != 0,
        ..InputOptions::default()
    };
    let items: Vec<Item> =
        open_reader(name, Box::new(std::io::Cursor::new(bytes)), &opts).collect();
    // One item per line: never more items than line breaks + 1 (for plain input: damaged
    // compressed input may give one error per broken member).
    let lines = body.iter().filter(|&&b| b == b'\n').count() + 1;
    if flags & 1 == 0 && detect_compression(body) == Compression::None {
        assert!(
            items.len() <= lines,
            "{} items from {lines} lines",
            items.len()
        );
    }
    for (i, item) in items.iter().enumerate() {
        if let Item::Doc(r) = item {
            // The body is the field's string, cut at a character boundary.
            assert!(
                std::str::from_utf8(&r.body).is_ok(),
                "item {i}: body is not UTF-8"
            );
            assert_eq!(r.line, Some(i as u64 + 1));
        }
        if let Item::Error(e) = item {
            assert_eq!(e.at.line, Some(i as u64 + 1));
        }
    }
    common::check_items(&items, max_doc_bytes);
    common::scan_items(&items);
});
