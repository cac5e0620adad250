//! Inputs: files, directories, stdin, and the records inside them.
//!
//! Every input yields a stream of [`Item`]s: a document to scan, a record that could not be read
//! (an error that names the source, record and byte offset), or a record skipped by design
//! (WARC request/metadata records, non-HTML payloads) with a counted reason.
//!
//! ```
//! use puffery::input::{read_bytes, InputFormat, Item};
//! let items: Vec<Item> = read_bytes("page.html", b"<p>Hi</p>".to_vec(), InputFormat::Auto).collect();
//! assert!(matches!(items[0], Item::Doc(_)));
//! ```

use crate::scan::DocFormat;

/// How to read an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum InputFormat {
    /// Decide by extension and by sniffing the first bytes.
    #[default]
    Auto,
    /// One HTML document per file.
    Html,
    /// One plain-text document per file.
    Text,
}

/// One document read from an input.
#[derive(Clone, Debug, Default)]
pub struct Record {
    /// The input it came from (a path, or `-` for stdin).
    pub source: String,
    /// Index of the record within its source, from 0.
    pub record: u64,
    /// Identifier: WARC-Record-ID, the JSONL id field, or the path.
    pub id: String,
    /// The document's URL, when the input says.
    pub url: Option<String>,
    /// Language hint from the container (WARC header, JSONL field).
    pub lang: Option<String>,
    /// Charset hint from the container (HTTP Content-Type).
    pub charset: Option<String>,
    /// HTML or text.
    pub format: DocFormat,
    /// The document's bytes.
    pub body: Vec<u8>,
}

/// One item of an input stream.
#[derive(Debug)]
pub enum Item {
    /// A document to scan.
    Doc(Record),
    /// A record that could not be read.
    Error {
        /// Source path.
        source: String,
        /// Record index within the source.
        record: u64,
        /// What went wrong, naming the byte offset or line where known.
        message: String,
    },
    /// A record that is not a document by design.
    Skipped {
        /// Why, as a short key (`warc-request`, `non-html`).
        reason: String,
    },
}

/// Decides HTML or text from a file name and the first bytes.
pub fn sniff_format(name: &str, head: &[u8]) -> DocFormat {
    let lower = name.to_ascii_lowercase();
    if [".html", ".htm", ".xhtml", ".shtml"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        return DocFormat::Html;
    }
    if [".txt", ".text", ".md"].iter().any(|e| lower.ends_with(e)) {
        return DocFormat::Text;
    }
    let head = &head[..head.len().min(1024)];
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF)
        .unwrap_or(head.len());
    let lead = head[start..].to_ascii_lowercase();
    let looks_html = lead.starts_with(b"<!doctype html")
        || lead.starts_with(b"<html")
        || lead.starts_with(b"<!--")
        || lead.starts_with(b"<head")
        || lead.starts_with(b"<body")
        || memchr::memmem::find(&lead, b"<html").is_some()
        || memchr::memmem::find(&lead, b"<body").is_some()
        || memchr::memmem::find(&lead, b"<div").is_some()
        || memchr::memmem::find(&lead, b"<p>").is_some();
    if looks_html {
        DocFormat::Html
    } else {
        DocFormat::Text
    }
}

/// Reads one whole file's bytes as the items it holds.
pub fn read_bytes(
    source: &str,
    body: Vec<u8>,
    format: InputFormat,
) -> impl Iterator<Item = Item> + use<> {
    let format = match format {
        InputFormat::Html => DocFormat::Html,
        InputFormat::Text => DocFormat::Text,
        InputFormat::Auto => sniff_format(source, &body),
    };
    std::iter::once(Item::Doc(Record {
        source: source.to_string(),
        record: 0,
        id: source.to_string(),
        format,
        body,
        ..Record::default()
    }))
}
