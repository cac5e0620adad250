//! HTML extractor and the whole scanner on arbitrary bytes.
//!
//! First byte: bit 0 selects text instead of HTML; bit 1 passes a charset hint (bits 2-3 pick
//! which); bit 4 passes a page URL. The rest is the document.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use puffery::{DocFormat, DocInput};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, body)) = data.split_first() else {
        return;
    };
    // The extractor alone, on the text as the scanner would decode it.
    let text = String::from_utf8_lossy(body);
    let ex = puffery::html::extract_html(&text);
    for l in &ex.links {
        assert!(l.start <= l.end && l.end <= text.len());
    }
    assert!(ex.scopes.windows(2).all(|w| w[0].0 <= w[1].0));
    let charsets = ["windows-1252", "shift_jis", "utf-16le", "x-bogus"];
    let doc = DocInput {
        bytes: body,
        format: if flags & 1 == 0 {
            DocFormat::Html
        } else {
            DocFormat::Text
        },
        url: (flags & 16 != 0).then_some("https://blog.example.com/post"),
        lang: None,
        charset: (flags & 2 != 0).then(|| charsets[(flags as usize >> 2) & 3]),
        inline_ignore: flags & 32 != 0,
    };
    let r = common::scanner().scan(&doc);
    common::check_result(body.len(), &r);
});
