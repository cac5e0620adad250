//! A small, tolerant, streaming WARC/WET and ARC reader.
//!
//! A record is a `WARC/1.x` line, header lines up to an empty line (CRLF, bare LF or CRCRLF), then
//! `Content-Length` bytes of block and a CRLFCRLF trailer. `response` records are HTTP messages:
//! the status line and headers are stripped, the charset comes from the HTTP `Content-Type`, and
//! only HTML payloads become documents. `resource` records with an HTML type are documents too,
//! and `conversion` records (WET) are text documents. Other record types are skipped with a
//! reason (`warc-request`, `warc-metadata`, `warcinfo`, `warc-revisit`, ...).
//!
//! Damage is reported, not fatal: a bad version line, a header cut short, a missing or wrong
//! `Content-Length`, or a decompression error makes the record an error item naming its byte
//! offset, and reading resumes at the next line that starts with `WARC/1.`. When a
//! `Content-Length` is too long and the next record's start sits inside the block read, the
//! bytes are put back and that record is read normally.
//!
//! ARC files (the Internet Archive's format before WARC) are read by the same code: a record is
//! one header line `URL IP-address Archive-date Content-type Archive-length` (version 1; the
//! ten-field version 2 line ends with the length too), then that many bytes, then a line
//! break. The first record (`filedesc://...`) describes the file and is skipped as
//! `arc-filedesc`; `http(s)` records are HTTP responses, others are resources typed by the
//! header's content type. ARC records have no id: the id is `source#record`.

use std::io::Read;

use crate::input::DocFormat;

use super::buf::InBuf;
use super::compress::Decoder;
use super::{InputOptions, Item, Record, looks_like_html, normalize_lang};

/// Longest WARC header accepted.
const MAX_HEADER_BYTES: usize = 256 * 1024;
/// Longest HTTP header block looked for at the start of a response.
const MAX_HTTP_HEAD: usize = 64 * 1024;
/// Bytes of a skipped record's block kept, to find a next record inside it after a bad length.
const SKIP_KEEP: u64 = 1024 * 1024;
/// Bytes looked at after a block to check its trailer.
const TRAILER_PEEK: usize = 72;

pub(crate) struct WarcReader {
    source: String,
    src: InBuf<Decoder>,
    max_doc: usize,
    record: u64,
    done: bool,
    scratch: Vec<u8>,
    /// A read error met while looking past a good record; it belongs to the next one.
    pending: Option<String>,
    /// Read ARC records instead of WARC records.
    arc: bool,
}

#[derive(Default)]
struct Header {
    warc_type: Option<String>,
    record_id: Option<String>,
    target_uri: Option<String>,
    content_length: Option<String>,
    content_type: Option<String>,
    payload_type: Option<String>,
    truncated: Option<String>,
    refers_to: Option<String>,
    language: Option<String>,
}

#[derive(Clone, Copy)]
enum Field {
    Type,
    Id,
    Uri,
    Length,
    ContentType,
    PayloadType,
    Truncated,
    RefersTo,
    Language,
}

impl Header {
    fn field(name: &[u8]) -> Option<Field> {
        let eq = |s: &str| name.eq_ignore_ascii_case(s.as_bytes());
        Some(if eq("WARC-Type") {
            Field::Type
        } else if eq("WARC-Record-ID") {
            Field::Id
        } else if eq("WARC-Target-URI") {
            Field::Uri
        } else if eq("Content-Length") {
            Field::Length
        } else if eq("Content-Type") {
            Field::ContentType
        } else if eq("WARC-Identified-Payload-Type") {
            Field::PayloadType
        } else if eq("WARC-Truncated") {
            Field::Truncated
        } else if eq("WARC-Refers-To") {
            Field::RefersTo
        } else if eq("WARC-Identified-Content-Language") {
            Field::Language
        } else {
            return None;
        })
    }

    fn slot(&mut self, f: Field) -> &mut Option<String> {
        match f {
            Field::Type => &mut self.warc_type,
            Field::Id => &mut self.record_id,
            Field::Uri => &mut self.target_uri,
            Field::Length => &mut self.content_length,
            Field::ContentType => &mut self.content_type,
            Field::PayloadType => &mut self.payload_type,
            Field::Truncated => &mut self.truncated,
            Field::RefersTo => &mut self.refers_to,
            Field::Language => &mut self.language,
        }
    }
}

/// Why a header could not be read.
enum HeaderFail {
    /// The first line is not a WARC version line (it was consumed).
    NotWarc(String),
    /// The input ended inside the header.
    Eof,
    /// Something else, with a message.
    Other(String),
}

/// What a block's payload is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Html,
    NotHtml,
    Unknown,
}

fn mime_kind(value: Option<&str>) -> Kind {
    let Some(v) = value else { return Kind::Unknown };
    let mime = v
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match mime.as_str() {
        "text/html" | "application/xhtml+xml" | "application/xhtml" | "text/xhtml" => Kind::Html,
        ""
        | "application/octet-stream"
        | "unknown"
        | "application/unknown"
        | "*/*"
        | "unknown/unknown"
        | "application/x-unknown-content-type" => Kind::Unknown,
        _ => Kind::NotHtml,
    }
}

/// The `charset` parameter of a Content-Type value.
fn charset_of(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        if k.trim().eq_ignore_ascii_case("charset") {
            let v = v.trim().trim_matches(|c| c == '"' || c == '\'').trim();
            (!v.is_empty()).then(|| v.to_string())
        } else {
            None
        }
    })
}

fn trim(b: &[u8]) -> &[u8] {
    b.trim_ascii()
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn preview(b: &[u8]) -> String {
    let b = &b[..b.len().min(24)];
    format!("{:?}", String::from_utf8_lossy(b))
}

/// What the HTTP head of a response says.
#[derive(Default)]
struct HttpHead {
    len: usize,
    status: Option<u16>,
    content_type: Option<String>,
    chunked: bool,
    content_encoding: Option<String>,
}

/// Whether `b` starts with an HTTP status line: `HTTP/1.1 200`, and the variants real crawlers
/// wrote (`HTTPX/1.1`, `HTTP/1.1` with no reason).
fn is_status_line(b: &[u8]) -> bool {
    let token = &b[..b.len().min(16)];
    let token = token.split(|&c| c == b' ').next().unwrap_or(b"");
    b.len() > token.len()
        && token.len() >= 6
        && token[..4].eq_ignore_ascii_case(b"HTTP")
        && token[4..]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'/' || *c == b'.')
        && token.contains(&b'/')
}

/// End of an HTTP head: just after the first empty line, where a line break is LF, CRLF or
/// CRCRLF.
fn http_head_end(b: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'\n', &b[from..]) {
        let after = from + i + 1;
        let crs = b[after..].iter().take_while(|&&c| c == b'\r').count();
        if b.get(after + crs) == Some(&b'\n') {
            return Some(after + crs + 1);
        }
        from = after;
    }
    None
}

/// Parses the HTTP status line and headers at the start of a response block. `block_end` says
/// whether `b` holds the whole block. Tolerant: without a status line the whole block is
/// payload; a head that never ends is all head when the block is small, else all payload.
fn parse_http_head(b: &[u8], block_end: bool) -> HttpHead {
    let mut head = HttpHead::default();
    if !is_status_line(b) {
        return head;
    }
    let end = http_head_end(b);
    let head_len = match end {
        Some(e) => e,
        None if block_end => b.len(),
        None => return head,
    };
    head.len = head_len;
    let mut lines = b[..head_len].split(|&c| c == b'\n');
    if let Some(status) = lines.next() {
        head.status = status
            .split(|&c| c == b' ')
            .nth(1)
            .and_then(|s| std::str::from_utf8(s).ok())
            .and_then(|s| s.trim().parse().ok());
    }
    for line in lines {
        let Some(colon) = memchr::memchr(b':', line) else {
            continue;
        };
        let name = trim(&line[..colon]);
        let value = trim(&line[colon + 1..]);
        if name.eq_ignore_ascii_case(b"Content-Type") {
            head.content_type = Some(lossy(value));
        } else if name.eq_ignore_ascii_case(b"Transfer-Encoding") {
            head.chunked = value
                .split(|&c| c == b',')
                .any(|v| trim(v).eq_ignore_ascii_case(b"chunked"));
        } else if name.eq_ignore_ascii_case(b"Content-Encoding") {
            let v = lossy(value).trim().to_ascii_lowercase();
            if !v.is_empty() && v != "identity" {
                head.content_encoding = Some(v);
            }
        }
    }
    head
}

/// Undoes HTTP chunked transfer coding. `None` when the body is not validly chunked. A body cut
/// short keeps the chunks that arrived.
fn dechunk(body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len());
    let mut rest = body;
    loop {
        let nl = memchr::memchr(b'\n', rest)?;
        let size_line = trim(&rest[..nl]);
        let size_hex = size_line.split(|&c| c == b';').next().unwrap_or(b"");
        let size = usize::from_str_radix(std::str::from_utf8(trim(size_hex)).ok()?, 16).ok()?;
        rest = &rest[nl + 1..];
        if size == 0 {
            return Some(out);
        }
        if rest.len() < size {
            out.extend_from_slice(rest);
            return Some(out);
        }
        out.extend_from_slice(&rest[..size]);
        rest = &rest[size..];
        rest = rest
            .strip_prefix(b"\r\n")
            .or_else(|| rest.strip_prefix(b"\n"))
            .unwrap_or(rest);
        if rest.is_empty() {
            return Some(out);
        }
    }
}

/// A payload after its HTTP content coding was undone.
#[derive(Debug)]
struct Decoded {
    body: Vec<u8>,
    /// Cut short at the cap (or the payload was already cut short).
    cut: bool,
    /// The payload was not in the declared coding at all: `body` is the raw bytes.
    ignored: bool,
}

/// Undoes an HTTP content coding, keeping at most `cap` bytes. A payload already cut short
/// (`partial`) may end mid-stream. A payload that fails to decode before yielding a single
/// byte is taken as mislabelled and kept as it is (as warcio does): old crawls hold many
/// plain pages labelled `Content-Encoding: gzip`.
fn decode_content(body: &[u8], enc: &str, cap: usize, partial: bool) -> Result<Decoded, String> {
    match decode_content_strict(body, enc, cap, partial) {
        Ok((out, cut)) if !out.is_empty() || body.is_empty() => Ok(Decoded {
            body: out,
            cut,
            ignored: false,
        }),
        // A payload that starts like the coding it claims is damaged, not mislabelled.
        Ok(_) | Err(DecodeFail::AtStart) if starts_like(enc, body) => Err(format!(
            "HTTP Content-Encoding `{enc}` could not be decoded: the payload starts like \
             {enc} but is damaged"
        )),
        Ok(_) | Err(DecodeFail::AtStart) => {
            let cut = body.len() > cap;
            Ok(Decoded {
                body: body[..body.len().min(cap)].to_vec(),
                cut,
                ignored: true,
            })
        }
        Err(DecodeFail::Later(e) | DecodeFail::Unsupported(e)) => Err(e),
    }
}

/// Whether `body` starts with the magic bytes of content coding `enc` (gzip and zstd have one).
fn starts_like(enc: &str, body: &[u8]) -> bool {
    match enc {
        "gzip" | "x-gzip" => body.starts_with(&[0x1f, 0x8b]),
        "zstd" => body.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]),
        _ => false,
    }
}

enum DecodeFail {
    /// Nothing could be decoded.
    AtStart,
    /// Damage after some output.
    Later(String),
    Unsupported(String),
}

fn decode_content_strict(
    body: &[u8],
    enc: &str,
    cap: usize,
    partial: bool,
) -> Result<(Vec<u8>, bool), DecodeFail> {
    let mut reader: Box<dyn Read + '_> = match enc {
        "gzip" | "x-gzip" => Box::new(flate2::bufread::MultiGzDecoder::new(body)),
        "deflate" => {
            // Servers send zlib-wrapped (as the RFC says) or raw deflate.
            if body.len() >= 2
                && (u16::from(body[0]) << 8 | u16::from(body[1])) % 31 == 0
                && body[0] & 0x0f == 8
            {
                Box::new(flate2::bufread::ZlibDecoder::new(body))
            } else {
                Box::new(flate2::bufread::DeflateDecoder::new(body))
            }
        }
        "br" => Box::new(brotli_decompressor::Decompressor::new(body, 64 * 1024)),
        "zstd" => {
            Box::new(zstd::stream::read::Decoder::new(body).map_err(|_| DecodeFail::AtStart)?)
        }
        other => {
            return Err(DecodeFail::Unsupported(format!(
                "unsupported HTTP Content-Encoding `{other}`"
            )));
        }
    };
    let mut out = Vec::with_capacity(body.len().saturating_mul(4).min(cap));
    let mut chunk = [0u8; 64 * 1024];
    loop {
        match reader.read(&mut chunk) {
            Ok(0) => return Ok((out, false)),
            Ok(n) => {
                let room = cap - out.len();
                if n >= room {
                    out.extend_from_slice(&chunk[..room]);
                    return Ok((out, true));
                }
                out.extend_from_slice(&chunk[..n]);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                if out.is_empty() {
                    return Err(DecodeFail::AtStart);
                }
                if partial {
                    return Ok((out, true));
                }
                return Err(DecodeFail::Later(format!(
                    "HTTP Content-Encoding `{enc}` could not be decoded after {} bytes: {e}",
                    out.len()
                )));
            }
        }
    }
}

/// Position of the first record start (`WARC/1.`, or an ARC header line) at a line start
/// after the start of `b`, if any.
fn find_record_start(b: &[u8], arc: bool) -> Option<usize> {
    if !arc {
        return memchr::memmem::find(b, b"\nWARC/1.").map(|i| i + 1);
    }
    memchr::memchr_iter(b'\n', b)
        .map(|i| i + 1)
        .find(|&i| is_arc_start(&b[i..]))
}

/// Whether `b` starts with what looks like an ARC header line: a URL (`scheme:`), and when
/// the whole line is visible, at least five space-separated fields with a date of digits in
/// its place (third from last, or third of ten).
fn is_arc_start(b: &[u8]) -> bool {
    let line_end = memchr::memchr(b'\n', b);
    let line = &b[..line_end.unwrap_or(b.len())];
    let Some(colon) = memchr::memchr(b':', &line[..line.len().min(33)]) else {
        return false;
    };
    let scheme = &line[..colon];
    if scheme.is_empty()
        || !scheme[0].is_ascii_alphabetic()
        || !scheme
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-'))
    {
        return false;
    }
    if line_end.is_none() {
        return true;
    }
    let fields: Vec<&[u8]> = line
        .trim_ascii()
        .split(|&c| c == b' ')
        .filter(|f| !f.is_empty())
        .collect();
    let n = fields.len();
    let is_date = |f: &[u8]| f.len() >= 8 && f.iter().all(u8::is_ascii_digit);
    n >= 5 && (is_date(fields[n - 3]) || (n == 10 && is_date(fields[2])))
}

/// A note on what the bytes found instead of a record are, when they are recognisable.
fn what_is(b: &[u8]) -> &'static str {
    if b.starts_with(b"filedesc://") {
        " (an ARC file header: name the file .arc or use --input-format arc)"
    } else if b.starts_with(b"WARC/") {
        " (a WARC record: name the file .warc or use --input-format warc)"
    } else if b.starts_with(b"BZh") {
        " (bzip2-compressed data: puffery reads gzip, zstd and lz4)"
    } else if b.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        " (xz-compressed data: puffery reads gzip, zstd and lz4)"
    } else if b.starts_with(b"PK\x03\x04") {
        " (a zip archive: unpack it first)"
    } else if b.contains(&0) {
        " (binary data)"
    } else {
        ""
    }
}

/// Most bytes one fill of a WARC reader's buffer takes: a record's headers fit, and the rest of
/// its gzip member goes to its body in one copy ([`InBuf::limit_fills`]).
const WARC_FILL: usize = 16 * 1024;

impl WarcReader {
    pub(crate) fn new(
        source: &str,
        mut src: InBuf<Decoder>,
        opts: &InputOptions,
        first_record: u64,
    ) -> WarcReader {
        src.limit_fills(WARC_FILL);
        WarcReader {
            source: source.to_string(),
            src,
            max_doc: opts.max_doc_bytes,
            record: first_record,
            done: false,
            scratch: Vec::new(),
            pending: None,
            arc: false,
        }
    }

    /// A reader of ARC records.
    pub(crate) fn new_arc(
        source: &str,
        src: InBuf<Decoder>,
        opts: &InputOptions,
        first_record: u64,
    ) -> WarcReader {
        WarcReader {
            arc: true,
            ..WarcReader::new(source, src, opts, first_record)
        }
    }

    fn take_index(&mut self) -> u64 {
        let i = self.record;
        self.record += 1;
        i
    }

    fn error_item(&mut self, start: u64, gz: Option<u64>, msg: String) -> Item {
        use crate::input::{At, ReadError, ReadErrorKind};
        let kind = if self.arc {
            ReadErrorKind::Arc
        } else {
            ReadErrorKind::Warc
        };
        let at = At {
            line: None,
            offset: Some(start),
            gzip_member: gz,
        };
        let record = self.take_index();
        Item::Error(ReadError::new(&self.source, record, kind, msg).at(at))
    }

    /// Skips CR/LF between records. `Ok(false)` at end of input.
    fn skip_blank(&mut self) -> std::io::Result<bool> {
        loop {
            if !self.src.fill_at_least(1)? {
                return Ok(false);
            }
            let avail = self.src.available();
            let n = avail
                .iter()
                .take_while(|&&c| c == b'\r' || c == b'\n')
                .count();
            if n < avail.len() {
                self.src.consume_n(n);
                return Ok(true);
            }
            self.src.consume_n(n);
        }
    }

    /// Scans to the next line that starts with `WARC/1.`. The current position counts as a line
    /// start, and so does the point of a decompression error (bytes before it are dropped).
    /// Returns a note for the error message.
    fn resync(&mut self) -> String {
        let from = self.src.offset();
        let mut errors: Vec<String> = Vec::new();
        let mut first = true;
        let mut jump = self.src.take_error_at();
        let found = loop {
            if let Some(at) = jump.take() {
                let here = self.src.offset();
                if at > here {
                    let n = ((at - here) as usize).min(self.src.available().len());
                    self.src.consume_n(n);
                }
                first = true;
            }
            if let Err(e) = self.src.fill_at_least(8) {
                if errors.len() < 3 {
                    errors.push(e.to_string());
                }
                jump = self.src.take_error_at();
                continue;
            }
            let avail = self.src.available();
            let at_start = if self.arc {
                is_arc_start(avail)
            } else {
                avail.starts_with(b"WARC/1.")
            };
            if first && at_start {
                break true;
            }
            first = false;
            if let Some(i) = find_record_start(avail, self.arc) {
                self.src.consume_n(i);
                break true;
            }
            let keep = avail.len().min(if self.arc { 40 } else { 7 });
            let n = avail.len() - keep;
            self.src.consume_n(n);
            match self.src.fill_more() {
                Ok(0) => {
                    let n = self.src.available().len();
                    self.src.consume_n(n);
                    break false;
                }
                Ok(_) => {}
                Err(e) => {
                    if errors.len() < 3 {
                        errors.push(e.to_string());
                    }
                    jump = self.src.take_error_at();
                }
            }
        };
        let skipped = self.src.offset() - from;
        let mut note = if found {
            if skipped == 0 {
                format!("the next record starts at byte {}", self.src.offset())
            } else {
                format!(
                    "skipped {skipped} bytes to the next record at byte {}",
                    self.src.offset()
                )
            }
        } else if skipped == 0 {
            "no further record".to_string()
        } else {
            format!("skipped {skipped} bytes to the end of the input; no further record")
        };
        for e in errors {
            note.push_str("; also: ");
            note.push_str(&e);
        }
        note
    }

    /// Finds the next line in the buffer: (length without CR/LF, bytes including the newline).
    fn next_line(&mut self, limit: usize) -> Result<Option<(usize, usize)>, HeaderFail> {
        let mut from = 0;
        loop {
            let avail = self.src.available();
            if let Some(i) = memchr::memchr(b'\n', &avail[from..]) {
                let end = from + i;
                // CRLF, bare LF, and the CRCRLF that some writers produced.
                let crs = avail[..end]
                    .iter()
                    .rev()
                    .take_while(|&&c| c == b'\r')
                    .count();
                return Ok(Some((end - crs, end + 1)));
            }
            from = avail.len();
            if from > limit {
                return Err(HeaderFail::Other(format!(
                    "WARC header longer than {limit} bytes"
                )));
            }
            match self.src.fill_more() {
                Ok(0) => {
                    let n = self.src.available().len();
                    return Ok((n > 0).then_some((n, n)));
                }
                Ok(_) => {}
                Err(e) => return Err(HeaderFail::Other(e.to_string())),
            }
        }
    }

    /// Reads an ARC header line. The record type is `response` for `http(s)` URLs (an HTTP
    /// message follows), `arc-filedesc` for the file header, and `resource` otherwise.
    fn read_arc_header(&mut self) -> Result<Header, HeaderFail> {
        let Some((len, total)) = self.next_line(MAX_HEADER_BYTES)? else {
            return Err(HeaderFail::Eof);
        };
        let line = self.src.available()[..len].trim_ascii().to_vec();
        self.src.consume_n(total);
        let fields: Vec<&[u8]> = line
            .split(|&c| c == b' ')
            .filter(|f| !f.is_empty())
            .collect();
        if fields.len() < 5 || !is_arc_start(&line) {
            return Err(HeaderFail::NotWarc(format!(
                "{}{}",
                preview(&line),
                what_is(&line)
            )));
        }
        let n = fields.len();
        // Version 2 lines have ten fields: URL IP date type code checksum location offset
        // filename length. Version 1 lines have five; a URL with spaces makes more.
        let (url, mime) = if n == 10 {
            (lossy(fields[0]), lossy(fields[3]))
        } else {
            (lossy(&fields[..n - 4].join(&b' ')), lossy(fields[n - 2]))
        };
        let length = lossy(fields[n - 1]);
        if length.parse::<u64>().is_err() {
            return Err(HeaderFail::Other(format!(
                "invalid ARC length field {length:?} in header line {}",
                preview(&line)
            )));
        }
        let lower = url.to_ascii_lowercase();
        let kind = if lower.starts_with("filedesc:") {
            "arc-filedesc"
        } else if lower.starts_with("http:") || lower.starts_with("https:") {
            "response"
        } else {
            "resource"
        };
        Ok(Header {
            warc_type: Some(kind.to_string()),
            target_uri: Some(url),
            content_length: Some(length),
            content_type: Some(mime),
            ..Header::default()
        })
    }

    fn read_header(&mut self) -> Result<Header, HeaderFail> {
        let Some((len, total)) = self.next_line(MAX_HEADER_BYTES)? else {
            return Err(HeaderFail::Eof);
        };
        let line = &self.src.available()[..len];
        if !(line.starts_with(b"WARC/1.") || line.starts_with(b"WARC/0.")) {
            let p = format!("{}{}", preview(line), what_is(line));
            self.src.consume_n(total);
            return Err(HeaderFail::NotWarc(p));
        }
        self.src.consume_n(total);
        let mut h = Header::default();
        let mut size = total;
        let mut last: Option<Field> = None;
        loop {
            let Some((len, total)) = self.next_line(MAX_HEADER_BYTES.saturating_sub(size))? else {
                return Err(HeaderFail::Eof);
            };
            if len == total {
                // A line without a newline at end of input: the header never ended.
                self.src.consume_n(total);
                return Err(HeaderFail::Eof);
            }
            size += total;
            let line = &self.src.available()[..len];
            if line.is_empty() {
                self.src.consume_n(total);
                return Ok(h);
            }
            if line[0] == b' ' || line[0] == b'\t' {
                if let Some(f) = last {
                    if let Some(v) = h.slot(f).as_mut() {
                        v.push(' ');
                        v.push_str(&String::from_utf8_lossy(trim(line)));
                    }
                }
            } else if line.starts_with(b"WARC/1.") {
                // The next record began before this header ended: leave it for the next call.
                return Err(HeaderFail::Other(
                    "WARC header has no empty line before the next record".to_string(),
                ));
            } else if let Some(colon) = memchr::memchr(b':', line) {
                last = Header::field(trim(&line[..colon]));
                if let Some(f) = last {
                    *h.slot(f) = Some(lossy(trim(&line[colon + 1..])));
                }
            } else {
                last = None;
            }
            self.src.consume_n(total);
        }
    }

    /// Reads a block of `len` bytes, keeping the first `keep` in `out` and skipping the rest.
    /// Returns how many bytes the input had (less than `len` only at end of input).
    fn read_block(&mut self, out: &mut Vec<u8>, len: u64, keep: u64) -> Result<u64, String> {
        let want = len.min(keep);
        let got = self.src.read_to_vec(out, want).map_err(|e| e.to_string())?;
        if got < want {
            return Ok(got);
        }
        let skipped = self.src.skip(len - want).map_err(|e| e.to_string())?;
        Ok(got + skipped)
    }

    /// Checks the end of a block: the input ends, or CR/LF bytes lead to the next `WARC/`
    /// line. On a mismatch, returns the problem; the stream is left at the next record (found
    /// inside `kept`, which must then be the block's last bytes, or by scanning forward).
    fn check_end(&mut self, len: u64, got: u64, kept: &[u8], kept_is_tail: bool) -> Option<String> {
        let here = self.src.offset();
        let pushback = |this: &mut WarcReader| -> Option<String> {
            if kept_is_tail {
                if let Some(p) = find_record_start(kept, this.arc) {
                    let next = here - (kept.len() - p) as u64;
                    this.src.unread(&kept[p..]);
                    return Some(format!(
                        "Content-Length {len} is too long: the next record starts at byte {next}, \
                         inside the block"
                    ));
                }
            }
            None
        };
        if got < len {
            let what = format!(
                "Content-Length {len} runs past the end of the input ({got} bytes of block read)"
            );
            return Some(pushback(self).unwrap_or(what));
        }
        let want = TRAILER_PEEK;
        let full = match self.src.fill_at_least(want) {
            Ok(f) => f,
            Err(e) => {
                // The damage is after this record: report it with the next one.
                self.pending = Some(e.to_string());
                return None;
            }
        };
        let avail = self.src.available();
        let n = avail
            .iter()
            .take_while(|&&c| c == b'\r' || c == b'\n')
            .count();
        let rest = &avail[n..];
        let newlines = avail[..n].iter().filter(|&&c| c == b'\n').count();
        let boundary = if self.arc {
            is_arc_start(rest)
        } else {
            rest.starts_with(b"WARC/") || newlines >= 2
        };
        let what = if (rest.is_empty() && !full) || boundary {
            // End of input, the next record, or a proper trailer (what follows a proper
            // trailer is the next record's business).
            self.src.consume_n(n);
            return None;
        } else {
            format!(
                "Content-Length {len} does not end at a record boundary: found {} at byte {here}",
                preview(avail)
            )
        };
        if let Some(m) = pushback(self) {
            return Some(m);
        }
        let note = self.resync();
        Some(format!("{what}; {note}"))
    }

    /// Skips the rest of a block (`remaining` bytes, after `already` bytes read). Returns the
    /// problem if the block does not end where its Content-Length says.
    fn skip_block(&mut self, remaining: u64, already: u64) -> Option<String> {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        let problem = match self.read_block(&mut scratch, remaining, SKIP_KEEP) {
            Ok(got) => {
                let tail = scratch.len() as u64 == got;
                self.check_end(remaining + already, got + already, &scratch, tail)
            }
            Err(e) => {
                let note = self.resync();
                Some(format!("{e}; {note}"))
            }
        };
        if scratch.capacity() <= SKIP_KEEP as usize * 2 {
            self.scratch = scratch;
        }
        problem
    }

    /// Skips a record's block; the record is skipped for `reason`, or an error if damaged.
    fn skip_record(
        &mut self,
        start: u64,
        gz: Option<u64>,
        remaining: u64,
        already: u64,
        reason: &str,
    ) -> Item {
        match self.skip_block(remaining, already) {
            None => {
                self.take_index();
                Item::skipped(&self.source, reason)
            }
            Some(msg) => self.error_item(start, gz, msg),
        }
    }

    /// Skips a record's block and reports `what` (plus any damage found) as an error.
    fn error_record(&mut self, start: u64, gz: Option<u64>, len: u64, what: &str) -> Item {
        let msg = match self.skip_block(len, 0) {
            None => what.to_string(),
            Some(m) => format!("{what}; {m}"),
        };
        self.error_item(start, gz, msg)
    }

    fn read_record(&mut self) -> Option<Item> {
        if let Some(e) = self.pending.take() {
            return Some(self.pending_error(e));
        }
        match self.skip_blank() {
            Ok(true) => {}
            Ok(false) => {
                self.done = true;
                return None;
            }
            Err(e) => {
                let start = self.src.offset();
                let note = self.resync();
                return Some(self.error_item(start, None, format!("{e}; {note}")));
            }
        }
        let start = self.src.offset();
        let gz = self.src.get_mut().member_offset(start);
        let h = match self.header(start, gz) {
            Ok(h) => h,
            Err(item) => return Some(*item),
        };
        let len = match self.content_length(start, gz, &h) {
            Ok(n) => n,
            Err(item) => return Some(*item),
        };
        let Some(warc_type) = h.warc_type.clone() else {
            return Some(self.error_record(start, gz, len, "missing WARC-Type header"));
        };
        let reason = match warc_type.to_ascii_lowercase().as_str() {
            "response" => return Some(self.doc_record(start, gz, len, h, Block::Response)),
            "resource" => return Some(self.doc_record(start, gz, len, h, Block::Resource)),
            "conversion" => return Some(self.doc_record(start, gz, len, h, Block::Conversion)),
            "request" => "warc-request",
            "metadata" => "warc-metadata",
            "warcinfo" => "warcinfo",
            "revisit" => "warc-revisit",
            "continuation" => "warc-continuation",
            "arc-filedesc" if self.arc => "arc-filedesc",
            _ => "warc-other",
        };
        Some(self.skip_record(start, gz, len, 0, reason))
    }

    /// The error item for damage the input reported while the previous record was read.
    fn pending_error(&mut self, e: String) -> Item {
        // Line breaks before the damage end the previous record: skip them quietly.
        if let Some(at) = self.src.error_at() {
            let upto =
                (at.saturating_sub(self.src.offset()) as usize).min(self.src.available().len());
            let n = self.src.available()[..upto]
                .iter()
                .take_while(|&&c| c == b'\r' || c == b'\n')
                .count();
            self.src.consume_n(n);
        }
        let start = self.src.offset();
        let note = self.resync();
        self.error_item(start, None, format!("{e}; {note}"))
    }

    /// The record's WARC (or ARC) header, or the error item saying why there is none.
    fn header(&mut self, start: u64, gz: Option<u64>) -> Result<Header, Box<Item>> {
        let header = if self.arc {
            self.read_arc_header()
        } else {
            self.read_header()
        };
        match header {
            Ok(h) => Ok(h),
            Err(HeaderFail::NotWarc(line)) => {
                let note = self.resync();
                let want = if self.arc {
                    "an ARC header line (URL IP-address date content-type length)"
                } else {
                    "a WARC/1.x line"
                };
                Err(Box::new(self.error_item(
                    start,
                    gz,
                    format!("expected {want}, found {line}; {note}"),
                )))
            }
            Err(HeaderFail::Eof) => {
                self.done = true;
                let end = self.src.offset();
                Err(Box::new(self.error_item(
                    start,
                    gz,
                    format!("WARC header cut short by the end of the input at byte {end}"),
                )))
            }
            Err(HeaderFail::Other(msg)) => {
                let note = self.resync();
                Err(Box::new(self.error_item(
                    start,
                    gz,
                    format!("{msg}; {note}"),
                )))
            }
        }
    }

    /// The record's Content-Length, or the error item for a missing or invalid one.
    fn content_length(
        &mut self,
        start: u64,
        gz: Option<u64>,
        h: &Header,
    ) -> Result<u64, Box<Item>> {
        match h.content_length.as_deref().map(str::parse::<u64>) {
            Some(Ok(n)) => Ok(n),
            Some(Err(_)) => {
                let note = self.resync();
                let v = h.content_length.clone().unwrap_or_default();
                Err(Box::new(self.error_item(
                    start,
                    gz,
                    format!("invalid Content-Length {v:?}; {note}"),
                )))
            }
            None => {
                let note = self.resync();
                Err(Box::new(self.error_item(
                    start,
                    gz,
                    format!("missing Content-Length header; {note}"),
                )))
            }
        }
    }

    fn doc_record(
        &mut self,
        start: u64,
        gz: Option<u64>,
        len: u64,
        h: Header,
        block: Block,
    ) -> Item {
        if len == 0 {
            return match block {
                Block::Conversion => self.skip_record(start, gz, 0, 0, "empty"),
                Block::Response => self.error_record(start, gz, 0, "zero-length response record"),
                Block::Resource => self.error_record(start, gz, 0, "zero-length resource record"),
            };
        }
        let http = match self.http_head(start, gz, len, block) {
            Ok(http) => http,
            Err(item) => return *item,
        };
        let payload_len = len - http.len as u64;
        if payload_len == 0 {
            // A response with headers only (a redirect, a 204).
            return self.skip_record(start, gz, 0, http.len as u64, "empty");
        }
        let format = match self.doc_format(start, gz, &h, &http, block, payload_len) {
            Ok(f) => f,
            Err(item) => return *item,
        };
        let (body, truncated) = match self.read_payload(start, gz, payload_len, &http) {
            Ok(b) => b,
            Err(item) => return *item,
        };
        let warc_truncated = h.truncated.clone().filter(|v| !v.is_empty());
        let cut = truncated || warc_truncated.is_some();
        let (body, truncated, content_encoding_ignored) =
            match decode_payload(body, &http, self.max_doc, truncated, cut) {
                Ok(d) => d,
                Err(e) => return self.error_item(start, gz, e),
            };
        let truncated_reason = match (&warc_truncated, truncated) {
            (Some(r), _) => Some(r.clone()),
            (None, true) => Some("max-doc-bytes".to_string()),
            (None, false) => None,
        };
        let charset = if block == Block::Response {
            http.content_type.as_deref().and_then(charset_of)
        } else {
            h.content_type.as_deref().and_then(charset_of)
        };
        let url = h.target_uri.map(|u| {
            let u = u.trim();
            u.strip_prefix('<')
                .and_then(|u| u.strip_suffix('>'))
                .unwrap_or(u)
                .to_string()
        });
        let record = self.take_index();
        Item::Doc(Record {
            source: self.source.clone(),
            record,
            id: h
                .record_id
                .unwrap_or_else(|| format!("{}#{record}", self.source)),
            url,
            lang: h.language.as_deref().and_then(normalize_lang),
            charset,
            format,
            body: body.into(),
            truncated: truncated || warc_truncated.is_some(),
            truncated_reason,
            offset: Some(start),
            gz_offset: gz,
            refers_to: h.refers_to,
            http_status: http.status,
            content_encoding_ignored,
            ..Record::default()
        })
    }

    /// The HTTP head of a response record (consumed), empty for other blocks.
    fn http_head(
        &mut self,
        start: u64,
        gz: Option<u64>,
        len: u64,
        block: Block,
    ) -> Result<HttpHead, Box<Item>> {
        if block != Block::Response {
            return Ok(HttpHead::default());
        }
        let peek = len.min(MAX_HTTP_HEAD as u64) as usize;
        if let Err(e) = self.src.fill_at_least(peek) {
            let note = self.resync();
            return Err(Box::new(self.error_item(start, gz, format!("{e}; {note}"))));
        }
        let avail = self.src.available();
        let visible = &avail[..avail.len().min(peek)];
        let http = parse_http_head(visible, visible.len() as u64 == len);
        self.src.consume_n(http.len);
        Ok(http)
    }

    /// HTML or text; a payload that is neither declared nor sniffed as HTML is skipped (the
    /// skip item is the `Err`).
    fn doc_format(
        &mut self,
        start: u64,
        gz: Option<u64>,
        h: &Header,
        http: &HttpHead,
        block: Block,
        payload_len: u64,
    ) -> Result<DocFormat, Box<Item>> {
        if block == Block::Conversion {
            return Ok(DocFormat::Text);
        }
        let declared = match mime_kind(h.payload_type.as_deref()) {
            Kind::Unknown if block == Block::Response => mime_kind(http.content_type.as_deref()),
            Kind::Unknown => mime_kind(h.content_type.as_deref()),
            k => k,
        };
        let kind = match declared {
            Kind::Unknown => {
                let want = payload_len.min(1024) as usize;
                if let Err(e) = self.src.fill_at_least(want) {
                    let note = self.resync();
                    return Err(Box::new(self.error_item(start, gz, format!("{e}; {note}"))));
                }
                let avail = self.src.available();
                if looks_like_html(&avail[..avail.len().min(want)]) {
                    Kind::Html
                } else {
                    Kind::NotHtml
                }
            }
            k => k,
        };
        if kind != Kind::Html {
            return Err(Box::new(self.skip_record(
                start,
                gz,
                payload_len,
                http.len as u64,
                "non-html",
            )));
        }
        Ok(DocFormat::Html)
    }

    /// The payload, at most `max_doc` bytes of it, with whether it was cut; the record's end is
    /// checked.
    fn read_payload(
        &mut self,
        start: u64,
        gz: Option<u64>,
        payload_len: u64,
        http: &HttpHead,
    ) -> Result<(Vec<u8>, bool), Box<Item>> {
        let mut body = super::body::room(payload_len.min(self.max_doc as u64) as usize);
        let got = match self.read_block(&mut body, payload_len, self.max_doc as u64) {
            Ok(got) => got,
            Err(e) => {
                let note = self.resync();
                return Err(Box::new(self.error_item(start, gz, format!("{e}; {note}"))));
            }
        };
        let tail = body.len() as u64 == got;
        if let Some(msg) = self.check_end(
            payload_len + http.len as u64,
            got + http.len as u64,
            &body,
            tail,
        ) {
            return Err(Box::new(self.error_item(start, gz, msg)));
        }
        let truncated = (body.len() as u64) < payload_len;
        Ok((body, truncated))
    }
}

/// Undoes HTTP chunking and content encoding: `(body, truncated, content encoding ignored)`.
fn decode_payload(
    mut body: Vec<u8>,
    http: &HttpHead,
    max_doc: usize,
    mut truncated: bool,
    cut: bool,
) -> Result<(Vec<u8>, bool, bool), String> {
    if http.chunked {
        if let Some(b) = dechunk(&body) {
            body = b;
        }
    }
    let mut ignored = false;
    if let Some(enc) = &http.content_encoding {
        let d = decode_content(&body, enc, max_doc, cut)?;
        body = d.body;
        truncated |= d.cut;
        ignored = d.ignored;
    }
    Ok((body, truncated, ignored))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    Response,
    Resource,
    Conversion,
}

impl Iterator for WarcReader {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        if self.done {
            return None;
        }
        self.read_record()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_head_variants() {
        let h = parse_http_head(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=\"ISO-8859-1\"\r\n\r\n<p>x",
            false,
        );
        assert_eq!(h.len, 66);
        assert_eq!(h.status, Some(200));
        assert_eq!(
            charset_of(h.content_type.as_deref().unwrap()).as_deref(),
            Some("ISO-8859-1")
        );
        let h = parse_http_head(b"<html>no head</html>", true);
        assert_eq!(h.len, 0);
        let h = parse_http_head(b"HTTP/1.0 301 Moved\nLocation: /x\n", true);
        assert_eq!(h.len, 32);
        assert_eq!(h.status, Some(301));
        let h = parse_http_head(
            b"HTTPX/1.1 200 OK\r\r\nContent-Type: text/html\r\r\n\r\r\n<p>",
            false,
        );
        assert_eq!(h.len, 48);
        assert_eq!(h.status, Some(200));
        assert_eq!(h.content_type.as_deref(), Some("text/html"));
        assert!(!is_status_line(b"HTTPS is great"));
        let h = parse_http_head(
            b"HTTP/1.1 200 OK\nTransfer-Encoding: chunked\nContent-Encoding: gzip\n\nxx",
            false,
        );
        assert!(h.chunked);
        assert_eq!(h.content_encoding.as_deref(), Some("gzip"));
    }

    #[test]
    fn chunked_and_encoded_payloads() {
        assert_eq!(
            dechunk(b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n").unwrap(),
            b"hello world"
        );
        assert!(dechunk(b"zz\r\nhello").is_none());
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, b"<p>compressed</p>").unwrap();
        let gz = gz.finish().unwrap();
        let d = decode_content(&gz, "gzip", 1000, false).unwrap();
        assert_eq!(d.body, b"<p>compressed</p>");
        assert!(!d.cut && !d.ignored);
        let d = decode_content(&gz, "gzip", 5, false).unwrap();
        assert_eq!(d.body, b"<p>co");
        assert!(d.cut);
        // Not gzip at all: the raw bytes, marked.
        let d = decode_content(b"<p>plain</p>", "gzip", 100, false).unwrap();
        assert_eq!(d.body, b"<p>plain</p>");
        assert!(d.ignored);
        // gzip damaged at once: an error, not a mislabelled page.
        assert!(decode_content(&gz[..12], "gzip", 100, false).is_err());
        // gzip damaged after some output: an error.
        let mut bad = gz.clone();
        let n = bad.len();
        bad[n - 6] ^= 0xff;
        assert!(decode_content(&bad, "gzip", 100, false).is_err());
        assert!(decode_content(b"x", "compress", 100, false).is_err());
    }

    #[test]
    fn mime_kinds() {
        assert!(mime_kind(Some("text/html; charset=utf-8")) == Kind::Html);
        assert!(mime_kind(Some("application/pdf")) == Kind::NotHtml);
        assert!(mime_kind(Some("application/octet-stream")) == Kind::Unknown);
        assert!(mime_kind(None) == Kind::Unknown);
    }
}
