//! A record that could not be read, as data: where it is ([`At`]), what kind of failure it was
//! ([`ReadErrorKind`]) and the reader's words for it. The printers compose the message and the
//! located line (`bad.jsonl: record 1: line 2 (byte 51): invalid JSON …`) from these fields,
//! so each location is said once.

use std::fmt;

/// Where a bad record is, as far as the reader knows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct At {
    /// JSONL: the 1-based line.
    pub line: Option<u64>,
    /// Byte offset of the record in the (decompressed) input.
    pub offset: Option<u64>,
    /// WARC/ARC in gzip: the compressed offset of the member the record is in.
    pub gzip_member: Option<u64>,
}

/// What kind of failure a [`ReadError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadErrorKind {
    /// The input could not be opened or read at all.
    Open,
    /// Reading or decompressing failed (at `at.offset` when known).
    Io,
    /// A JSONL line that is not a usable document (invalid JSON, no text field, ...).
    Jsonl,
    /// A WARC record that could not be parsed or decoded.
    Warc,
    /// An ARC record that could not be parsed or decoded.
    Arc,
    /// A bug: reading or scanning this record panicked.
    Internal,
}

/// A record that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    /// The input path (or `-` for standard input).
    pub source: String,
    /// The record's index within its input, from 0.
    pub record: u64,
    /// Where the record is.
    pub at: At,
    /// What kind of failure.
    pub kind: ReadErrorKind,
    /// What went wrong, without the location.
    pub detail: String,
    /// JSONL with `InputOptions::keep_line`: the line's bytes, so annotate can echo it.
    pub raw_line: Option<Vec<u8>>,
}

impl ReadError {
    /// An error of `kind` with no known location.
    pub fn new(source: &str, record: u64, kind: ReadErrorKind, detail: impl Into<String>) -> Self {
        ReadError {
            source: source.to_string(),
            record,
            at: At::default(),
            kind,
            detail: detail.into(),
            raw_line: None,
        }
    }

    /// The same error at `at`.
    pub fn at(mut self, at: At) -> Self {
        self.at = at;
        self
    }

    /// Whether [`ReadError::message`] names the location itself.
    fn message_names_location(&self) -> bool {
        match self.kind {
            ReadErrorKind::Jsonl | ReadErrorKind::Warc | ReadErrorKind::Arc => true,
            ReadErrorKind::Io => self.at.offset.is_some(),
            ReadErrorKind::Open | ReadErrorKind::Internal => false,
        }
    }

    /// The message of the JSONL error line: the reader's words with the location in the
    /// format's own terms ("line 2 (byte 51): ...", "WARC record at byte 300: ...").
    pub fn message(&self) -> String {
        let (line, offset) = (self.at.line.unwrap_or(0), self.at.offset.unwrap_or(0));
        let detail = &self.detail;
        match self.kind {
            ReadErrorKind::Jsonl => format!("line {line} (byte {offset}): {detail}"),
            ReadErrorKind::Warc | ReadErrorKind::Arc => {
                let name = if self.kind == ReadErrorKind::Arc {
                    "ARC"
                } else {
                    "WARC"
                };
                let gz = (self.at.gzip_member)
                    .map(|g| format!(" (gzip member at compressed byte {g})"))
                    .unwrap_or_default();
                format!("{name} record at byte {offset}{gz}: {detail}")
            }
            ReadErrorKind::Io if self.at.offset.is_some() => format!("at byte {offset}: {detail}"),
            _ => detail.clone(),
        }
    }

    /// "bad.jsonl: record 1: line 2 (byte 51): invalid JSON": source, record and each
    /// location once.
    pub fn located(&self) -> String {
        let mut extra = String::new();
        if !self.message_names_location() {
            if let Some(l) = self.at.line {
                extra.push_str(&format!(" line {l}"));
            }
            if let Some(o) = self.at.offset {
                extra.push_str(&format!(" byte {o}"));
            }
        }
        format!(
            "{}: record {}{extra}: {}",
            self.source,
            self.record,
            self.message()
        )
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.located())
    }
}

impl std::error::Error for ReadError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(kind: ReadErrorKind, line: Option<u64>, offset: Option<u64>) -> ReadError {
        ReadError::new("bad.jsonl", 1, kind, "invalid JSON").at(At {
            line,
            offset,
            gzip_member: None,
        })
    }

    #[test]
    fn each_location_is_said_once() {
        let e = err(ReadErrorKind::Jsonl, Some(2), Some(22));
        assert_eq!(e.message(), "line 2 (byte 22): invalid JSON");
        assert_eq!(
            e.located(),
            "bad.jsonl: record 1: line 2 (byte 22): invalid JSON"
        );
        let e = err(ReadErrorKind::Internal, Some(2), Some(22));
        assert_eq!(
            e.located(),
            "bad.jsonl: record 1 line 2 byte 22: invalid JSON"
        );
        let e = err(ReadErrorKind::Warc, None, Some(300));
        assert_eq!(
            e.located(),
            "bad.jsonl: record 1: WARC record at byte 300: invalid JSON"
        );
        let mut e = err(ReadErrorKind::Arc, None, Some(300));
        e.at.gzip_member = Some(40);
        assert_eq!(
            e.message(),
            "ARC record at byte 300 (gzip member at compressed byte 40): invalid JSON"
        );
        let e = err(ReadErrorKind::Io, None, Some(7));
        assert_eq!(e.located(), "bad.jsonl: record 1: at byte 7: invalid JSON");
        let e = err(ReadErrorKind::Open, None, None);
        assert_eq!(e.to_string(), "bad.jsonl: record 1: invalid JSON");
    }
}
