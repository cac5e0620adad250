//! The WARC/WET reader (and the gzip layer under it) on arbitrary bytes, then the scanner on
//! every document it yields.
//!
//! First byte: bits 0-1 pick how the rest is fed: 0 plain `.warc`, 1 gzipped in members of
//! 64..=1024 bytes (bits 2-5), 2 one gzip member, 3 as is under a `.warc.gz` name (the
//! decoder sees raw, possibly broken gzip). Bit 6 forces WET. Bit 7 sets a tiny
//! `max_doc_bytes` (64) so truncation paths run.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use puffery::input::{InputFormat, InputOptions, Item, open_reader};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, body)) = data.split_first() else {
        return;
    };
    let (name, bytes) = match flags & 3 {
        0 => ("f.warc", body.to_vec()),
        1 => (
            "f.warc.gz",
            common::gzip_chunks(body, 64 * (1 + ((flags as usize >> 2) & 15))),
        ),
        2 => ("f.warc.gz", common::gzip_chunks(body, usize::MAX)),
        _ => ("f.warc.gz", body.to_vec()),
    };
    let max_doc_bytes = if flags & 128 != 0 { 64 } else { 1 << 20 };
    let opts = InputOptions {
        format: if flags & 64 != 0 {
            InputFormat::Wet
        } else {
            InputFormat::Warc
        },
        max_doc_bytes,
        ..InputOptions::default()
    };
    let items: Vec<Item> =
        open_reader(name, Box::new(std::io::Cursor::new(bytes)), &opts).collect();
    // A record needs at least a `WARC/1.0` line; damage can split the input into at most one
    // item per few bytes, never more items than bytes (plus the end).
    assert!(
        items.len() <= data.len() + 2,
        "{} items from {} bytes",
        items.len(),
        data.len()
    );
    common::check_items(&items, max_doc_bytes);
    common::scan_items(&items);
});
