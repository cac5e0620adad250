//! Inputs: files, directories, stdin, and the records inside them.
//!
//! Every input yields a stream of [`Item`]s: a document to scan, a record that could not be read
//! (an error that names the source, record and byte offset or line), or a record skipped by
//! design (WARC request/metadata records, non-HTML payloads) with a counted reason. Each record
//! read becomes exactly one item, so `documents + errors + skipped` is the number of records, and
//! `Record::record` / `Item::Error::record` count items from 0 within a source.
//!
//! Readers: WARC and WET (`.warc`, `.warc.gz`, `.warc.wet.gz`), ARC (`.arc`, `.arc.gz`), JSONL
//! (`.jsonl`, `.jsonl.gz`, `.jsonl.zst`, `.ndjson`, `.json.gz`), and one HTML or text document
//! per file (binary files are skipped as `binary`, empty files are no document). gzip, zstd
//! (with a WARC-zstd dictionary) and LZ4 are recognised by their magic bytes whatever the name.
//! Everything streams: memory is bounded by [`InputOptions::max_doc_bytes`] and
//! [`InputOptions::max_line_bytes`], never by file size.
//! `docs/inputs.md` describes formats, limits and error messages.
//!
//! ```
//! use puffery::input::{open_reader, read_bytes, InputFormat, InputOptions, Item};
//! let items: Vec<Item> = read_bytes("page.html", b"<p>Hi</p>".to_vec(), InputFormat::Auto).collect();
//! assert!(matches!(items[0], Item::Doc(_)));
//!
//! let jsonl = b"{\"id\":1,\"text\":\"Shop now!\"}\nnot json\n".to_vec();
//! let items: Vec<Item> =
//!     open_reader("-", Box::new(std::io::Cursor::new(jsonl)), &InputOptions::default()).collect();
//! assert!(matches!(&items[0], Item::Doc(r) if r.id == "1" && r.line == Some(1)));
//! assert!(matches!(&items[1], Item::Error(e) if e.at.line == Some(2)));
//! ```

mod body;
mod buf;
mod compress;
mod guard;
mod jsonl;
mod lang;
mod paths;
mod read_error;
mod slurm;
mod warc;

use std::io::Read;
use std::path::Path;

mod doc_format;
pub use doc_format::DocFormat;

pub use body::Body;
pub use compress::{Compression, decompressed, detect_compression, strip_compression_suffix};
pub use guard::open_path_guarded;
pub(crate) use guard::panic_message;
pub use lang::{Lang, normalize_lang};
pub use paths::{
    IGNORE_FILE, WalkOptions, expand_paths, expand_paths_with, has_known_extension, parse_shard,
    read_paths, read_paths_file, shard,
};
pub use read_error::{At, ReadError, ReadErrorKind};
pub use slurm::resolve_shard;

use buf::{BUF_SIZE, InBuf};
use compress::Decoder;

/// How to read an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum InputFormat {
    /// Decide by extension and by sniffing the first (decompressed) bytes.
    #[default]
    Auto,
    /// One HTML document per file.
    Html,
    /// One plain-text document per file.
    Text,
    /// WARC records (`response`, `resource` and `conversion` records are documents).
    Warc,
    /// WET: WARC whose `conversion` records hold extracted text. Read by the WARC reader.
    Wet,
    /// ARC, the Internet Archive's format before WARC (`filedesc://` starts the file).
    Arc,
    /// One JSON object per line.
    Jsonl,
}

impl InputFormat {
    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            InputFormat::Auto => "auto",
            InputFormat::Html => "html",
            InputFormat::Text => "text",
            InputFormat::Warc => "warc",
            InputFormat::Wet => "wet",
            InputFormat::Arc => "arc",
            InputFormat::Jsonl => "jsonl",
        }
    }
}

impl std::str::FromStr for InputFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<InputFormat, String> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "auto" => InputFormat::Auto,
            "html" => InputFormat::Html,
            "text" | "txt" => InputFormat::Text,
            "warc" => InputFormat::Warc,
            "wet" => InputFormat::Wet,
            "arc" => InputFormat::Arc,
            "jsonl" | "ndjson" => InputFormat::Jsonl,
            _ => {
                return Err(format!(
                    "unknown input format `{s}` (expected auto, html, text, warc, wet, arc or jsonl)"
                ));
            }
        })
    }
}

impl std::fmt::Display for InputFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Default [`InputOptions::max_doc_bytes`]: 8 MiB. Common Crawl truncates payloads at 1 MiB.
pub const DEFAULT_MAX_DOC_BYTES: usize = 8 * 1024 * 1024;

/// Default [`InputOptions::max_line_bytes`]: 64 MiB.
pub const DEFAULT_MAX_LINE_BYTES: usize = 64 * 1024 * 1024;

/// How to read inputs.
#[derive(Clone, Debug)]
pub struct InputOptions {
    /// Container format; `Auto` decides per input.
    pub format: InputFormat,
    /// JSONL field holding plain text (default `text`).
    pub text_field: String,
    /// JSONL field holding HTML (default `html`). When an object has both, HTML wins.
    pub html_field: String,
    /// JSONL field holding the document id, a string or a number (default `id`).
    pub id_field: String,
    /// JSONL field holding the URL (default `url`).
    pub url_field: String,
    /// JSONL field holding the language (default `lang`; `language` is tried when it is absent).
    pub lang_field: String,
    /// Longest document body kept; the rest of a record is skipped unread into memory and the
    /// record is marked truncated (default [`DEFAULT_MAX_DOC_BYTES`]).
    pub max_doc_bytes: usize,
    /// Longest JSONL line parsed; a longer line is skipped and reported as an error
    /// (default [`DEFAULT_MAX_LINE_BYTES`]).
    pub max_line_bytes: usize,
    /// Keep each JSONL object parsed in [`Record::json`] (for `--format annotate`).
    /// Note: `serde_json::Map` orders keys alphabetically; use `keep_line` to echo the object
    /// byte for byte.
    pub keep_json: bool,
    /// Keep each JSONL line's bytes in [`Record::raw_line`] (without the line break).
    pub keep_line: bool,
}

impl Default for InputOptions {
    fn default() -> InputOptions {
        InputOptions {
            format: InputFormat::Auto,
            text_field: "text".to_string(),
            html_field: "html".to_string(),
            id_field: "id".to_string(),
            url_field: "url".to_string(),
            lang_field: "lang".to_string(),
            max_doc_bytes: DEFAULT_MAX_DOC_BYTES,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            keep_json: false,
            keep_line: false,
        }
    }
}

/// One document read from an input.
#[derive(Clone, Debug, Default)]
pub struct Record {
    /// The input it came from (a path, or `-` for stdin).
    pub source: String,
    /// Index of the record within its source, from 0. Every item of a source takes one index
    /// (documents, errors and skipped records alike); for JSONL it is the line number - 1.
    pub record: u64,
    /// Identifier: WARC-Record-ID, the JSONL id field (or `source:line` without one), or the
    /// path.
    pub id: String,
    /// The document's URL, when the input says.
    pub url: Option<String>,
    /// Language hint from the container (WARC header, JSONL field), see [`normalize_lang`].
    pub lang: Option<String>,
    /// Charset hint from the container (HTTP Content-Type).
    pub charset: Option<String>,
    /// HTML or text.
    pub format: DocFormat,
    /// The document's bytes (not necessarily UTF-8). For WARC responses, the HTTP payload; for
    /// JSONL, the text, known to be UTF-8 ([`Body::as_str`]).
    pub body: Body,
    /// The body is not the whole document: see `truncated_reason`.
    pub truncated: bool,
    /// Why: `max-doc-bytes`, or the `WARC-Truncated` value (`length`, `time`, ...).
    pub truncated_reason: Option<String>,
    /// Byte offset of the record's start in the decompressed stream (WARC record, JSONL line).
    pub offset: Option<u64>,
    /// Compressed byte offset of the gzip member the record starts in (for Common Crawl files,
    /// the record's own member: the `offset` of CC's index).
    pub gz_offset: Option<u64>,
    /// JSONL: 1-based line number.
    pub line: Option<u64>,
    /// JSONL: the parsed object, when [`InputOptions::keep_json`] is set.
    pub json: Option<serde_json::Map<String, serde_json::Value>>,
    /// JSONL: the line's bytes, when [`InputOptions::keep_line`] is set.
    pub raw_line: Option<Vec<u8>>,
    /// WET: `WARC-Refers-To`, the id of the response record the text was extracted from.
    pub refers_to: Option<String>,
    /// WARC responses: the HTTP status code.
    pub http_status: Option<u16>,
    /// WARC responses: the payload was labelled with an HTTP `Content-Encoding` it is not in
    /// (a plain page labelled gzip), so the raw bytes were kept, as warcio does.
    pub content_encoding_ignored: bool,
}

/// One item of an input stream.
// `Doc` is large, but items are moved once per record and boxing would change the interface.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Item {
    /// A document to scan.
    Doc(Record),
    /// A record that could not be read.
    Error(ReadError),
    /// A record that is not a document by design.
    Skipped {
        /// Source path.
        source: String,
        /// Why, as a short key (`warc-request`, `non-html`, `blank-line`).
        reason: String,
    },
}

impl Item {
    /// An error item of `kind` without a known location.
    pub fn error(
        source: &str,
        record: u64,
        kind: ReadErrorKind,
        detail: impl Into<String>,
    ) -> Item {
        Item::Error(ReadError::new(source, record, kind, detail))
    }

    fn skipped(source: &str, reason: &str) -> Item {
        Item::Skipped {
            source: source.to_string(),
            reason: reason.to_string(),
        }
    }
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
    if looks_like_html(head) {
        DocFormat::Html
    } else {
        DocFormat::Text
    }
}

/// Whether the first bytes look like HTML.
pub(crate) fn looks_like_html(head: &[u8]) -> bool {
    let head = &head[..head.len().min(1024)];
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF)
        .unwrap_or(head.len());
    let lead = head[start..].to_ascii_lowercase();
    lead.starts_with(b"<!doctype html")
        || lead.starts_with(b"<html")
        || lead.starts_with(b"<!--")
        || lead.starts_with(b"<head")
        || lead.starts_with(b"<body")
        || memchr::memmem::find(&lead, b"<html").is_some()
        || memchr::memmem::find(&lead, b"<body").is_some()
        || memchr::memmem::find(&lead, b"<div").is_some()
        || memchr::memmem::find(&lead, b"<p>").is_some()
}

/// Decides the container format from a file name (compression suffix stripped first).
/// `None` when the name says nothing.
pub fn format_from_name(name: &str) -> Option<InputFormat> {
    let lower = strip_compression_suffix(name).to_ascii_lowercase();
    let ends = |exts: &[&str]| exts.iter().any(|e| lower.ends_with(e));
    if ends(&[".wet"]) {
        Some(InputFormat::Wet)
    } else if ends(&[".warc", ".arc.warc"]) {
        Some(InputFormat::Warc)
    } else if ends(&[".arc"]) {
        Some(InputFormat::Arc)
    } else if ends(&[".jsonl", ".ndjson", ".json"]) {
        Some(InputFormat::Jsonl)
    } else if ends(&[".html", ".htm", ".xhtml", ".shtml"]) {
        Some(InputFormat::Html)
    } else if ends(&[".txt", ".text", ".md"]) {
        Some(InputFormat::Text)
    } else {
        None
    }
}

/// Decides the container format from the first decompressed bytes: `WARC/1.` starts WARC,
/// `filedesc://` starts ARC, `{` starts JSONL, otherwise HTML or text by [`sniff_format`].
pub fn sniff_container(head: &[u8]) -> InputFormat {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let lead = &head[start..];
    if lead.starts_with(b"WARC/1.") || lead.starts_with(b"WARC/0.") {
        InputFormat::Warc
    } else if lead.starts_with(b"filedesc://") {
        InputFormat::Arc
    } else if lead.starts_with(b"{") {
        InputFormat::Jsonl
    } else if looks_like_html(head) {
        InputFormat::Html
    } else {
        InputFormat::Text
    }
}

/// Bytes looked at to sniff a container format.
const SNIFF_BYTES: usize = 1024;

/// Reads one whole file's bytes as the items it holds (any format `open_reader` reads).
pub fn read_bytes(
    source: &str,
    body: Vec<u8>,
    format: InputFormat,
) -> impl Iterator<Item = Item> + use<> {
    let opts = InputOptions {
        format,
        ..InputOptions::default()
    };
    open_reader(source, Box::new(std::io::Cursor::new(body)), &opts)
}

/// Opens a file (or `-` for stdin) and streams its items. A file that cannot be opened yields
/// one [`Item::Error`].
pub fn open_path(path: &Path, opts: &InputOptions) -> Box<dyn Iterator<Item = Item> + Send> {
    let source = path.display().to_string();
    if source == "-" {
        return open_reader("-", Box::new(std::io::stdin()), opts);
    }
    match std::fs::File::open(path) {
        Ok(f) => open_reader(&source, Box::new(f), opts),
        Err(e) => Box::new(std::iter::once(Item::error(
            &source,
            0,
            ReadErrorKind::Open,
            format!("cannot open: {e}"),
        ))),
    }
}

/// Streams the items of an input read from `reader`; `source` names it in records and errors,
/// and its extension helps `InputFormat::Auto` (use `-` for stdin).
pub fn open_reader(
    source: &str,
    reader: Box<dyn Read + Send>,
    opts: &InputOptions,
) -> Box<dyn Iterator<Item = Item> + Send> {
    let raw = InBuf::new(reader, BUF_SIZE, true);
    let by_name = if opts.format == InputFormat::Auto {
        format_from_name(source)
    } else {
        Some(opts.format)
    };
    // Member offsets are only worth remembering for WARC, whose records align with members.
    let track = !matches!(
        by_name,
        Some(InputFormat::Jsonl | InputFormat::Html | InputFormat::Text)
    );
    let decoder = match Decoder::new(raw, track) {
        Ok((d, _)) => d,
        Err(e) => {
            return Box::new(std::iter::once(Item::error(
                source,
                0,
                ReadErrorKind::Open,
                format!("cannot read: {e}"),
            )));
        }
    };
    let mut src = InBuf::new(decoder, BUF_SIZE, false);
    let mut first_record = 0;
    let mut early_error = None;
    let format = match by_name {
        Some(f) => f,
        None => {
            if let Err(e) = src.fill_at_least(SNIFF_BYTES) {
                early_error = Some(Item::Error(
                    ReadError::new(source, 0, ReadErrorKind::Io, e.to_string()).at(At {
                        offset: Some(src.offset()),
                        ..At::default()
                    }),
                ));
                first_record = 1;
            }
            sniff_container(src.available())
        }
    };
    let reader: Box<dyn Iterator<Item = Item> + Send> = match format {
        InputFormat::Warc | InputFormat::Wet => {
            Box::new(warc::WarcReader::new(source, src, opts, first_record))
        }
        InputFormat::Arc => Box::new(warc::WarcReader::new_arc(source, src, opts, first_record)),
        InputFormat::Jsonl => Box::new(jsonl::JsonlReader::new(source, src, opts, first_record)),
        InputFormat::Html | InputFormat::Text | InputFormat::Auto => {
            let forced = match format {
                InputFormat::Html if opts.format == InputFormat::Html => Some(DocFormat::Html),
                InputFormat::Text if opts.format == InputFormat::Text => Some(DocFormat::Text),
                _ => None,
            };
            Box::new(WholeDoc {
                source: source.to_string(),
                src: Some(src),
                forced,
                max: opts.max_doc_bytes,
                record: first_record,
            })
        }
    };
    match early_error {
        Some(e) => Box::new(std::iter::once(e).chain(reader)),
        None => reader,
    }
}

/// Bytes looked at to decide that a file is binary, as ripgrep does.
const BINARY_SNIFF_BYTES: usize = 8 * 1024;

/// Whether a file's (decompressed) bytes are binary rather than text: a NUL byte in the first
/// 8 KiB, as ripgrep decides (an executable, an image, a model file). Text in UTF-16 or UTF-32
/// with a byte-order mark holds NULs too and is not binary, and neither is a page that starts
/// like HTML (a damaged page with stray NULs is still a page).
pub fn is_binary(head: &[u8]) -> bool {
    let head = &head[..head.len().min(BINARY_SNIFF_BYTES)];
    if head.starts_with(b"\xFF\xFE")
        || head.starts_with(b"\xFE\xFF")
        || head.starts_with(b"\x00\x00\xFE\xFF")
    {
        return false;
    }
    memchr::memchr(0, head).is_some() && !looks_like_html(head)
}

/// One document per input: the whole (decompressed) file.
struct WholeDoc {
    source: String,
    src: Option<InBuf<Decoder>>,
    forced: Option<DocFormat>,
    max: usize,
    record: u64,
}

impl Iterator for WholeDoc {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        let mut src = self.src.take()?;
        let mut body = Vec::new();
        let mut errors = Vec::new();
        let mut truncated = false;
        match src.read_to_vec(&mut body, self.max as u64) {
            // One more byte after the cap means the document goes on: it is truncated, and the
            // rest is not read (a compressed file inflating to gigabytes costs only the cap).
            Ok(_) => match src.fill_at_least(1) {
                Ok(true) => truncated = true,
                Ok(false) => {}
                Err(e) => errors.push(e.to_string()),
            },
            Err(e) => errors.push(e.to_string()),
        }
        // Keep reading after a decompression error: every error in the file gets named.
        while !errors.is_empty() && errors.len() < 10 {
            match src.skip(u64::MAX) {
                Ok(_) => break,
                Err(e) => errors.push(e.to_string()),
            }
        }
        if !errors.is_empty() {
            return Some(Item::error(
                &self.source,
                self.record,
                ReadErrorKind::Io,
                format!(
                    "read error after {} bytes: {}",
                    body.len(),
                    errors.join("; ")
                ),
            ));
        }
        if body.is_empty() {
            // An empty file holds no document.
            return None;
        }
        if self.forced.is_none() && is_binary(&body) {
            return Some(Item::skipped(&self.source, "binary"));
        }
        let name = strip_compression_suffix(&self.source);
        let format = self.forced.unwrap_or_else(|| sniff_format(name, &body));
        Some(Item::Doc(Record {
            source: self.source.clone(),
            record: self.record,
            id: self.source.clone(),
            format,
            body: body.into(),
            truncated,
            truncated_reason: truncated.then(|| "max-doc-bytes".to_string()),
            offset: Some(0),
            ..Record::default()
        }))
    }
}
