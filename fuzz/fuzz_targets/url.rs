//! The affiliate URL classifier on arbitrary hrefs and contexts.
//!
//! Input: `href \0 page_url \0 rel tokens (space-separated) \0 class \0 plugin attrs`; missing
//! parts are absent.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use puffery::links::{Classifier, LinkContext};

fuzz_target!(|data: &[u8]| {
    static C: OnceLock<Classifier> = OnceLock::new();
    let c = C.get_or_init(Classifier::builtin);
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\0');
    let href = parts.next().unwrap_or("");
    let page_url = parts.next();
    let rel: Vec<String> = parts
        .next()
        .map(|r| r.split_whitespace().map(str::to_lowercase).collect())
        .unwrap_or_default();
    let class = parts.next();
    let plugin_attrs: Vec<String> = parts
        .next()
        .map(|r| r.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default();
    let ctx = LinkContext {
        page_url,
        rel: &rel,
        class,
        plugin_attrs: &plugin_attrs,
    };
    if let Some(a) = c.classify(href, &ctx) {
        assert!(!a.network.is_empty());
        serde_json::to_string(&a).expect("serializes");
    }
    let _ = c.rewriter_script(href);
});
