//! JSON Lines: one object per line, each a document.
//!
//! The HTML field wins over the text field when an object has both (HTML carries the links that
//! affiliate and disclosure rules need). Every line becomes exactly one item, so item `record` is
//! line - 1 and `--format annotate` can write one output line per input line:
//! a document, an error (not JSON, not an object, no text/html field, a field of the wrong type,
//! a line over `max_line_bytes`), or `Skipped { reason: "blank-line" }` for an empty or
//! whitespace-only line.
//!
//! Lines are found with `memchr` in a reused buffer and parsed in place; without
//! `keep_json`, only the wanted fields are materialised: a flat object by [`flat`], others by
//! serde (the rest skipped by its `IgnoredAny`).

use std::fmt;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

/// The wanted fields of a line and, when kept, its whole object.
type Fields = (Wanted, Option<serde_json::Map<String, Value>>);

use crate::input::DocFormat;

use super::buf::{BUF_SIZE, InBuf};
use super::compress::Decoder;
use super::{InputOptions, Item, Record, normalize_lang};

mod flat;

pub(crate) struct JsonlReader {
    source: String,
    src: InBuf<Decoder>,
    opts: InputOptions,
    record: u64,
    line: u64,
    done: bool,
}

/// Indexes into the wanted-field arrays.
const TEXT: usize = 0;
const HTML: usize = 1;
const ID: usize = 2;
const URL: usize = 3;
const LANG: usize = 4;
const LANGUAGE: usize = 5;
const N_FIELDS: usize = 6;

type Wanted = [Option<Value>; N_FIELDS];

struct KeySeed<'a>(&'a [&'a str; N_FIELDS]);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Option<usize>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|n| *n == v))
    }
}

struct ObjSeed<'a>(&'a [&'a str; N_FIELDS]);

impl<'de> DeserializeSeed<'de> for ObjSeed<'_> {
    type Value = Wanted;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Wanted, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjSeed<'_> {
    type Value = Wanted;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Wanted, A::Error> {
        let mut out: Wanted = Default::default();
        while let Some(k) = map.next_key_seed(KeySeed(self.0))? {
            match k {
                Some(i) => out[i] = Some(map.next_value::<Value>()?),
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(out)
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn json_error(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let msg = match full.rfind(" at line ") {
        Some(i) => &full[..i],
        None => &full,
    };
    match e.classify() {
        serde_json::error::Category::Data => format!("not a JSON object ({msg})"),
        serde_json::error::Category::Eof => {
            format!("incomplete JSON at column {} ({msg})", e.column())
        }
        _ => format!("invalid JSON at column {} ({msg})", e.column()),
    }
}

/// Cuts `s` to at most `max` bytes at a character boundary.
fn cut_utf8(s: &mut String, max: usize) -> bool {
    if s.len() <= max {
        return false;
    }
    let mut cut = max;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s.truncate(cut);
    // Give the rest back: the body waits in the reader channel and a batch, and a 60 MB field
    // cut to 8 MiB must not keep holding 60 MB there.
    s.shrink_to_fit();
    true
}

/// The wanted fields of one JSON object, and nothing after it.
fn fields_of<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
    names: &[&str; N_FIELDS],
) -> serde_json::Result<Wanted> {
    ObjSeed(names)
        .deserialize(&mut de)
        .and_then(|f| de.end().map(|_| f))
}

struct LineCtx<'a> {
    source: &'a str,
    opts: &'a InputOptions,
    record: u64,
    line: u64,
    offset: u64,
}

impl LineCtx<'_> {
    fn error(&self, what: String) -> Item {
        line_error(self.source, self.record, self.line, self.offset, what)
    }

    fn parse(&self, bytes: &[u8]) -> Item {
        let o = self.opts;
        let (mut fields, json) = match self.read_fields(bytes) {
            Ok(f) => f,
            Err(item) => return *item,
        };
        let take = |f: &mut Wanted, i: usize| f[i].take().filter(|v| !v.is_null());
        let (format, mut body) =
            match self.body_of(take(&mut fields, HTML), take(&mut fields, TEXT)) {
                Ok(b) => b,
                Err(item) => return *item,
            };
        let truncated = cut_utf8(&mut body, o.max_doc_bytes);
        let id = match take(&mut fields, ID) {
            Some(Value::String(s)) => s,
            Some(Value::Number(n)) => n.to_string(),
            _ => format!("{}:{}", self.source, self.line),
        };
        let url = match take(&mut fields, URL) {
            Some(Value::String(s)) => Some(s),
            _ => None,
        };
        let lang_value = match take(&mut fields, LANG) {
            Some(v) => Some(v),
            None if o.lang_field != "language" => take(&mut fields, LANGUAGE),
            None => None,
        };
        let lang = match lang_value {
            Some(Value::String(s)) => normalize_lang(&s),
            _ => None,
        };
        Item::Doc(Record {
            source: self.source.to_string(),
            record: self.record,
            id,
            url,
            lang,
            format,
            body: body.into(),
            truncated,
            truncated_reason: truncated.then(|| "max-doc-bytes".to_string()),
            offset: Some(self.offset),
            line: Some(self.line),
            json,
            raw_line: o.keep_line.then(|| bytes.to_vec()),
            ..Record::default()
        })
    }

    /// The wanted fields of one line, with the whole object when `--format dolma`-style output
    /// keeps it; the error item for a line that is not a JSON object.
    fn read_fields(&self, bytes: &[u8]) -> Result<Fields, Box<Item>> {
        let o = self.opts;
        let names: [&str; N_FIELDS] = [
            &o.text_field,
            &o.html_field,
            &o.id_field,
            &o.url_field,
            &o.lang_field,
            "language",
        ];
        // A line of valid UTF-8 (nearly every line) is checked once here by `simdutf8` and
        // parsed as `str`, where serde_json checks no string again; other lines go through
        // the byte parser, which names where the bad bytes are.
        let valid = crate::encoding::utf8(bytes).ok();
        if o.keep_json {
            let value = match valid {
                Some(s) => serde_json::from_str::<Value>(s),
                None => serde_json::from_slice::<Value>(bytes),
            };
            return match value {
                Ok(Value::Object(map)) => {
                    let mut f: Wanted = Default::default();
                    for (i, n) in names.iter().enumerate() {
                        f[i] = map.get(*n).cloned();
                    }
                    Ok((f, Some(map)))
                }
                Ok(v) => Err(Box::new(
                    self.error(format!("not a JSON object (found {})", type_name(&v))),
                )),
                Err(e) => Err(Box::new(self.error(json_error(&e)))),
            };
        }
        if let Some(f) = valid.and_then(|s| flat::fields(s, &names)) {
            return Ok((f, None));
        }
        let fields = match valid {
            Some(s) => fields_of(serde_json::Deserializer::from_str(s), &names),
            None => fields_of(serde_json::Deserializer::from_slice(bytes), &names),
        };
        match fields {
            Ok(f) => Ok((f, None)),
            Err(e) => Err(Box::new(self.error(json_error(&e)))),
        }
    }

    /// The document: the HTML field if there is one, else the text field.
    fn body_of(
        &self,
        html: Option<Value>,
        text: Option<Value>,
    ) -> Result<(DocFormat, String), Box<Item>> {
        let o = self.opts;
        let not_string = |field: &str, v: &Value| {
            Box::new(self.error(format!("field `{field}` is {}, not a string", type_name(v))))
        };
        match (html, text) {
            (Some(Value::String(s)), _) => Ok((DocFormat::Html, s)),
            (Some(v), _) => Err(not_string(&o.html_field, &v)),
            (None, Some(Value::String(s))) => Ok((DocFormat::Text, s)),
            (None, Some(v)) => Err(not_string(&o.text_field, &v)),
            (None, None) => Err(Box::new(
                self.error(format!("no `{}` or `{}` field", o.text_field, o.html_field)),
            )),
        }
    }
}

impl JsonlReader {
    pub(crate) fn new(
        source: &str,
        src: InBuf<Decoder>,
        opts: &InputOptions,
        first_record: u64,
    ) -> JsonlReader {
        JsonlReader {
            source: source.to_string(),
            src,
            opts: opts.clone(),
            record: first_record,
            line: 0,
            done: false,
        }
    }

    fn error(&mut self, offset: u64, what: String) -> Item {
        let item = line_error(&self.source, self.record, self.line, offset, what);
        self.record += 1;
        item
    }

    /// Buffers the next line: `(length without the newline, length with it)`, `None` at the
    /// end of the input, or the error item for a line too long or cut by damage.
    fn find_line(&mut self) -> Result<Option<(usize, usize)>, Box<Item>> {
        let mut from = 0;
        loop {
            let avail = self.src.available();
            if let Some(i) = memchr::memchr(b'\n', &avail[from..]) {
                let end = from + i;
                // The buffer grows by doubling, so one fill can bring in a whole line longer
                // than the limit: check the length here too.
                if end > self.opts.max_line_bytes {
                    self.line += 1;
                    return Err(Box::new(self.too_long()));
                }
                return Ok(Some((end, end + 1)));
            }
            from = avail.len();
            // `>=`: reading one more byte to see whether a line of exactly the limit ends
            // there would double a full buffer past the limit.
            if from >= self.opts.max_line_bytes {
                self.line += 1;
                return Err(Box::new(self.too_long()));
            }
            match self.src.fill_more() {
                Ok(0) => {
                    if from == 0 {
                        self.done = true;
                        return Ok(None);
                    }
                    return Ok(Some((from, from)));
                }
                Ok(_) => {}
                Err(e) => {
                    // The line is cut by damage: drop what came before the damage.
                    self.line += 1;
                    let start = self.src.offset();
                    if let Some(at) = self.src.take_error_at() {
                        let n = (at.saturating_sub(start) as usize).min(self.src.available().len());
                        self.src.consume_n(n);
                    }
                    return Err(Box::new(self.error(start, e.to_string())));
                }
            }
        }
    }

    /// A line longer than the limit: skip to its end without keeping it.
    fn too_long(&mut self) -> Item {
        let start = self.src.offset();
        let mut problems = Vec::new();
        loop {
            let avail = self.src.available();
            if let Some(i) = memchr::memchr(b'\n', avail) {
                self.src.consume_n(i + 1);
                break;
            }
            let n = avail.len();
            self.src.consume_n(n);
            match self.src.fill_more() {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    problems.push(e.to_string());
                    if problems.len() > 3 {
                        break;
                    }
                }
            }
        }
        self.src.shrink();
        let len = self.src.offset() - start;
        let mut msg = format!(
            "line of {len} bytes is longer than the {} byte limit; skipped",
            self.opts.max_line_bytes
        );
        for p in problems {
            msg.push_str("; also: ");
            msg.push_str(&p);
        }
        self.error(start, msg)
    }
}

impl Iterator for JsonlReader {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        if self.done {
            return None;
        }
        let (len, total) = match self.find_line() {
            Ok(Some(l)) => l,
            Ok(None) => return None,
            Err(item) => return Some(*item),
        };
        self.line += 1;
        let offset = self.src.offset();
        let mut bytes = &self.src.available()[..len];
        if bytes.last() == Some(&b'\r') {
            bytes = &bytes[..bytes.len() - 1];
        }
        if self.line == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        let item = if bytes.iter().all(u8::is_ascii_whitespace) {
            Item::skipped(&self.source, "blank-line")
        } else {
            LineCtx {
                source: &self.source,
                opts: &self.opts,
                record: self.record,
                line: self.line,
                offset,
            }
            .parse(bytes)
        };
        // A line that could not be read is still echoed by `--format annotate`.
        let item = match item {
            Item::Error(mut e) => {
                e.raw_line = self.opts.keep_line.then(|| bytes.to_vec());
                Item::Error(e)
            }
            other => other,
        };
        self.src.consume_n(total);
        if total > BUF_SIZE {
            self.src.shrink();
        }
        self.record += 1;
        Some(item)
    }
}

/// A JSONL line that could not be read, at its line and byte.
fn line_error(source: &str, record: u64, line: u64, offset: u64, what: String) -> Item {
    use crate::input::{At, ReadError, ReadErrorKind};
    let at = At {
        line: Some(line),
        offset: Some(offset),
        gzip_member: None,
    };
    Item::Error(ReadError::new(source, record, ReadErrorKind::Jsonl, what).at(at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_at_char_boundary() {
        let mut s = "aé€".to_string(); // 1 + 2 + 3 bytes
        assert!(cut_utf8(&mut s, 4));
        assert_eq!(s, "aé");
        let mut s = "abc".to_string();
        assert!(!cut_utf8(&mut s, 3));
    }
}
