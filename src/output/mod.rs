//! Output formats: `jsonl` (the v1 contract in docs/contract.md), `human` (ripgrep/clippy
//! style), `annotate` and `dolma`; a [`Printer`] per format, and [`Outputs`] to send them to
//! standard output, a file or a file per input.
//!
//! Writers take any `io::Write`; the library never prints by itself.
//!
//! ```
//! use puffery::output::{DocMeta, write_jsonl_document};
//! use puffery::{DocFormat, DocInput, Scanner};
//! let scanner = Scanner::builtin().unwrap();
//! let bytes = b"Order now! Only 3 left in stock.";
//! let result = scanner.scan(&DocInput::new(bytes, DocFormat::Text));
//! let meta = DocMeta { id: "a.txt", source: "a.txt", record: 0, url: None };
//! let mut out = Vec::new();
//! write_jsonl_document(&mut out, &meta, &result).unwrap();
//! let line: serde_json::Value = serde_json::from_slice(&out).unwrap();
//! assert_eq!(line["type"], "document");
//! assert_eq!(line["findings"][0]["match"], "Order now");
//! ```

pub mod sarif;

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::kinds::{Label, Scope, Severity};
use crate::scan::DocResult;

mod fail_on;
mod outputs;
mod printer;

pub use fail_on::FailOn;
pub use outputs::{Destination, OutputError, Outputs, interrupt, write_atomically};
pub use printer::{Brief, ErrorView, Format, Printer, SummaryOf, brief_printer, counted, printer};

/// The version of the JSONL contract.
pub const SCHEMA_VERSION: u32 = 1;

/// Where a document came from.
#[derive(Clone, Copy, Debug)]
pub struct DocMeta<'a> {
    /// Identifier: WARC-Record-ID, JSONL id, or the path.
    pub id: &'a str,
    /// The input path (`-` for stdin).
    pub source: &'a str,
    /// Index of the record in its source.
    pub record: u64,
    /// The document's URL, when known.
    pub url: Option<&'a str>,
}

#[derive(Serialize)]
struct DocumentLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    source: &'a str,
    record: u64,
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct ErrorLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    source: &'a str,
    record: u64,
    message: &'a str,
}

/// Totals of a run: the `summary` line.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// Documents scanned.
    pub documents: u64,
    /// Records that could not be read.
    pub errors: u64,
    /// Records that are not documents by design, by reason.
    pub skipped: BTreeMap<String, u64>,
    /// Documents labelled promotional.
    pub promotional: u64,
    /// Documents labelled borderline.
    pub borderline: u64,
    /// Documents labelled clean.
    pub clean: u64,
    /// Bytes of documents scanned.
    pub bytes: u64,
    /// Wall-clock seconds.
    pub elapsed_s: f64,
    /// Findings hidden by inline `puffery-ignore` comments (absent when none).
    #[serde(skip_serializing_if = "is_zero")]
    pub suppressed: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Summary {
    /// Counts one scanned document.
    pub fn add(&mut self, r: &DocResult) {
        self.documents += 1;
        self.bytes += r.bytes as u64;
        self.suppressed += r.suppressed as u64;
        match r.label {
            Label::Promotional => self.promotional += 1,
            Label::Borderline => self.borderline += 1,
            Label::Clean => self.clean += 1,
        }
    }

    /// Scanned megabytes (10^6 bytes) per second.
    pub fn mb_per_s(&self) -> f64 {
        if self.elapsed_s > 0.0 {
            self.bytes as f64 / 1e6 / self.elapsed_s
        } else {
            0.0
        }
    }
}

#[derive(Serialize)]
struct SummaryLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    schema_version: u32,
    tool: String,
    #[serde(flatten)]
    summary: &'a Summary,
    mb_per_s: f64,
}

/// Writes one `document` line.
pub fn write_jsonl_document(
    w: &mut dyn Write,
    meta: &DocMeta<'_>,
    result: &DocResult,
) -> io::Result<()> {
    let head = DocumentLine {
        kind: "document",
        id: meta.id,
        source: meta.source,
        record: meta.record,
        url: meta.url,
    };
    // The head's fields, then the result's in the same object: what `#[serde(flatten)]` wrote,
    // without its map serializer (4 % of a scan of short text documents).
    let mut line = serde_json::to_vec(&head)?;
    line.pop();
    let body = line.len();
    serde_json::to_writer(&mut line, result)?;
    // The result's `{` becomes the `,` after the head's fields (removing it moved the line).
    line[body] = b',';
    line.push(b'\n');
    w.write_all(&line)
}

/// Writes one `error` line.
pub fn write_jsonl_error(
    w: &mut dyn Write,
    source: &str,
    record: u64,
    message: &str,
) -> io::Result<()> {
    let line = ErrorLine {
        kind: "error",
        source,
        record,
        message,
    };
    serde_json::to_writer(&mut *w, &line)?;
    w.write_all(b"\n")
}

/// Writes the final `summary` line.
pub fn write_jsonl_summary(w: &mut dyn Write, summary: &Summary) -> io::Result<()> {
    let line = SummaryLine {
        kind: "summary",
        schema_version: SCHEMA_VERSION,
        tool: format!("puffery {}", env!("CARGO_PKG_VERSION")),
        summary,
        mb_per_s: (summary.mb_per_s() * 100.0).round() / 100.0,
    };
    serde_json::to_writer(&mut *w, &line)?;
    w.write_all(b"\n")
}

/// Writes one `annotate` line: the input JSON object as it was, plus one key `puffery` holding
/// the document result. `raw` is the input line; without one (input that was not JSONL) the
/// object holds the document's `id` and `source`.
pub fn write_annotate(
    w: &mut dyn Write,
    raw: Option<&[u8]>,
    meta: &DocMeta<'_>,
    result: &DocResult,
) -> io::Result<()> {
    let value = serde_json::to_vec(result)?;
    write_annotated(w, raw, meta, &value)
}

/// Writes the `annotate` line of an input line that could not be read. A JSON object is
/// echoed as it was plus `puffery: {"error": message}`; any other line (not JSON, or JSON that
/// is not an object) is echoed unchanged, byte for byte, because no key can be added to it
/// without inventing a line. Returns whether the message went into the line; when it did not,
/// the caller reports it elsewhere (stderr).
pub fn write_annotate_error(
    w: &mut dyn Write,
    raw: Option<&[u8]>,
    meta: &DocMeta<'_>,
    message: &str,
) -> io::Result<bool> {
    let raw = raw.unwrap_or_default();
    if serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(raw).is_err() {
        w.write_all(raw)?;
        w.write_all(b"\n")?;
        return Ok(false);
    }
    let value = serde_json::to_vec(&serde_json::json!({ "error": message }))?;
    write_annotated(w, Some(raw), meta, &value)?;
    Ok(true)
}

fn write_annotated(
    w: &mut dyn Write,
    raw: Option<&[u8]>,
    meta: &DocMeta<'_>,
    value: &[u8],
) -> io::Result<()> {
    match raw.map(<[u8]>::trim_ascii) {
        Some(obj) if obj.ends_with(b"}") && obj.starts_with(b"{") => {
            let inner = obj[1..obj.len() - 1].trim_ascii();
            w.write_all(&obj[..obj.len() - 1])?;
            if !inner.is_empty() {
                w.write_all(b",")?;
            }
            w.write_all(b"\"puffery\":")?;
            w.write_all(value)?;
            w.write_all(b"}\n")
        }
        _ => {
            w.write_all(b"{\"id\":")?;
            serde_json::to_writer(&mut *w, meta.id)?;
            w.write_all(b",\"source\":")?;
            serde_json::to_writer(&mut *w, meta.source)?;
            w.write_all(b",\"puffery\":")?;
            w.write_all(value)?;
            w.write_all(b"}\n")
        }
    }
}

/// Writes one dolma attribute row: per rule `puffery__<rule>` spans `[char_start, char_end,
/// weight]` (names made of `[a-zA-Z0-9_]`, as dolma requires), and `puffery__doc__score` as
/// one span over the whole document. `nchars` is the document's length in code points. A
/// `None` result writes a row with no attributes (an input line that could not be read, so
/// rows stay aligned with the documents file).
pub fn write_dolma(
    w: &mut dyn Write,
    id: &serde_json::Value,
    source: &str,
    result: Option<&DocResult>,
    nchars: usize,
) -> io::Result<()> {
    let mut attrs: BTreeMap<String, Vec<(usize, usize, f64)>> = BTreeMap::new();
    if let Some(r) = result {
        for f in &r.findings {
            attrs
                .entry(format!("puffery__{}", dolma_name(&f.rule)))
                .or_default()
                .push((f.char_start, f.char_end, f.weight));
        }
        attrs.insert("puffery__doc__score".into(), vec![(0, nchars, r.score)]);
    }
    let row = serde_json::json!({"id": id, "source": source, "attributes": attrs});
    serde_json::to_writer(&mut *w, &row)?;
    w.write_all(b"\n")
}

/// `cta.shop-now` -> `cta_shop_now`: dolma attribute names are `[a-zA-Z0-9_]`.
pub fn dolma_name(rule: &str) -> String {
    rule.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// ANSI styles for the human format; all empty when colour is off.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    bold: &'static str,
    red: &'static str,
    yellow: &'static str,
    cyan: &'static str,
    green: &'static str,
    dim: &'static str,
    reset: &'static str,
    explain: bool,
}

impl Style {
    /// Colours on or off.
    pub fn new(color: bool) -> Style {
        if color {
            Style {
                bold: "\x1b[1m",
                red: "\x1b[1;31m",
                yellow: "\x1b[1;33m",
                cyan: "\x1b[1;36m",
                green: "\x1b[1;32m",
                dim: "\x1b[2m",
                reset: "\x1b[0m",
                explain: false,
            }
        } else {
            Style {
                bold: "",
                red: "",
                yellow: "",
                cyan: "",
                green: "",
                dim: "",
                reset: "",
                explain: false,
            }
        }
    }

    /// With `explain`, the human format prints every reason of a verdict on its own line,
    /// with what was found (`scan --explain`).
    pub fn with_explain(mut self, explain: bool) -> Style {
        self.explain = explain;
        self
    }

    fn severity(&self, s: Severity) -> &'static str {
        match s {
            Severity::Error => self.red,
            Severity::Warning => self.yellow,
            Severity::Info => self.cyan,
        }
    }
}

fn confidence_name(c: crate::links::Confidence) -> &'static str {
    match c {
        crate::links::Confidence::Confirmed => "confirmed",
        crate::links::Confidence::Likely => "likely",
        crate::links::Confidence::Possible => "possible",
    }
}

/// 1-based line and column (in bytes, as ripgrep's `--column`) of byte `offset`.
pub fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let head = &bytes[..offset.min(bytes.len())];
    let line = memchr::memchr_iter(b'\n', head).count() + 1;
    let col = offset - memchr::memrchr(b'\n', head).map_or(0, |p| p + 1) + 1;
    (line, col)
}

/// Longest match the human format shows whole, in characters; a longer one ends in `…`.
pub const MAX_MATCH_CHARS: usize = 80;

/// Writes a document's findings, links, disclosures and verdict for a person to read.
/// `summary_of` gives a rule's one-line summary, shown with the first finding of each rule.
/// Findings and affiliate links come in document order.
pub fn write_human(
    w: &mut dyn Write,
    name: &str,
    bytes: &[u8],
    result: &DocResult,
    summary_of: &dyn Fn(&str) -> Option<String>,
    st: &Style,
) -> io::Result<()> {
    // Context markers with no weight (supplement context) explain other findings; the JSONL
    // output has them, the human one leaves them out.
    let findings = (result.findings.iter())
        .filter(|f| !(f.category == "context" && f.weight == 0.0))
        .map(|f| (f.start, Located::Finding(f)));
    let links = (result.links.iter())
        .filter_map(|l| Some((l.start, Located::Link(l, l.affiliate.as_ref()?))));
    let mut located: Vec<(usize, Located<'_>)> = findings.chain(links).collect();
    // Stable: at one offset, findings before links, each in the order the result has them.
    located.sort_by_key(|(start, _)| *start);
    let mut summarised = std::collections::HashSet::new();
    for (start, item) in located {
        let (line, col) = line_col(bytes, start);
        let at = format!("{}{name}:{line}:{col}{}", st.bold, st.reset);
        match item {
            Located::Finding(f) => {
                let first = summarised.insert(f.rule.as_str());
                // A finding's own message (why a disclosure is missing) says more than its
                // rule's summary, and differs from one finding to the next: always shown.
                let what = match &f.message {
                    Some(m) => Some(m.clone()),
                    None if first => summary_of(&f.rule),
                    None => None,
                };
                write_finding(w, &at, f, what.as_deref(), st)?;
            }
            Located::Link(l, a) => write_link(w, &at, l, a, st)?,
        }
    }
    write_verdict(w, name, result, st)?;
    write_suppressed(w, name, result, st)?;
    write_reasons(w, name, result, st)
}

/// A line of the human format with a place in the document.
enum Located<'a> {
    Finding(&'a crate::scan::Finding),
    Link(&'a crate::scan::LinkOut, &'a crate::links::Affiliate),
}

/// `at: severity rule: summary: "match" (in scope)`; without a summary when `what` is `None`.
fn write_finding(
    w: &mut dyn Write,
    at: &str,
    f: &crate::scan::Finding,
    what: Option<&str>,
    s: &Style,
) -> io::Result<()> {
    let matched = shorten(&f.matched, MAX_MATCH_CHARS);
    let scope = if f.scope == Scope::Text {
        String::new()
    } else {
        format!(" {}(in {}){}", s.dim, f.scope, s.reset)
    };
    let what = what.map(|w| format!("{w}: ")).unwrap_or_default();
    writeln!(
        w,
        "{at}: {}{}{} {}{}{}: {what}{}\"{matched}\"{}{scope}",
        s.severity(f.severity),
        f.severity,
        s.reset,
        s.bold,
        f.rule,
        s.reset,
        s.bold,
        s.reset
    )
}

/// `at: affiliate network id ID (confidence, evidence) rel=...: url`.
fn write_link(
    w: &mut dyn Write,
    at: &str,
    l: &crate::scan::LinkOut,
    a: &crate::links::Affiliate,
    s: &Style,
) -> io::Result<()> {
    let id = (a.id.as_deref())
        .map(|i| format!(" id {i}"))
        .unwrap_or_default();
    let rel = if l.rel.is_empty() {
        String::new()
    } else {
        format!(" rel={}", l.rel.join(" "))
    };
    writeln!(
        w,
        "{at}: {}affiliate{} {}{}{}{id} ({}, {}){rel}: {}",
        s.cyan,
        s.reset,
        s.bold,
        a.network,
        s.reset,
        confidence_name(a.confidence),
        a.evidence,
        l.url
    )
}

/// `name: label (score N): counts; missing ...; discloses ...`.
fn write_verdict(w: &mut dyn Write, name: &str, r: &DocResult, s: &Style) -> io::Result<()> {
    let label_style = match r.label {
        Label::Promotional => s.red,
        Label::Borderline => s.yellow,
        Label::Clean => s.green,
    };
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    // Missing and late disclosures are counted after "missing" (and late ones shown as
    // findings), not as a category of findings.
    let counted_category = |c: &str| !matches!(c, "context" | "missing" | "late");
    for f in r.findings.iter().filter(|f| counted_category(&f.category)) {
        *counts.entry(f.category.as_str()).or_default() += 1;
    }
    let mut parts: Vec<String> = counts.iter().map(|(c, n)| format!("{n} {c}")).collect();
    let affiliate = r.links.iter().filter(|l| l.affiliate.is_some()).count();
    if affiliate > 0 {
        parts.push(format!("{affiliate} affiliate links"));
    }
    let mut tail = String::new();
    if !parts.is_empty() {
        tail += &format!(": {}", parts.join(", "));
    }
    if !r.missing.is_empty() {
        let kinds: Vec<&str> = r.missing.iter().map(|m| m.kind.as_str()).collect();
        tail += &format!("; missing {}", kinds.join(", "));
    }
    let found: std::collections::BTreeSet<&str> = (r.disclosures.iter())
        .filter(|d| !d.weak)
        .map(|d| d.kind.as_str())
        .collect();
    if !found.is_empty() {
        let found: Vec<&str> = found.into_iter().collect();
        tail += &format!("; discloses {}", found.join(", "));
    }
    writeln!(
        w,
        "{}{name}{}: {label_style}{}{} (score {}){tail}",
        s.bold, s.reset, r.label, s.reset, r.score,
    )
}

/// `name: N findings suppressed by puffery-ignore comments`, when any were.
fn write_suppressed(w: &mut dyn Write, name: &str, r: &DocResult, s: &Style) -> io::Result<()> {
    if r.suppressed == 0 {
        return Ok(());
    }
    writeln!(
        w,
        "{}{name}{}: {}{} suppressed by puffery-ignore comments{}",
        s.bold,
        s.reset,
        s.dim,
        counted(r.suppressed as u64, "finding"),
        s.reset
    )
}

/// `text` with runs of whitespace as one space, cut to `max` characters with `…` at the end.
pub fn shorten(text: &str, max: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let mut cut: String = one_line.chars().take(max.saturating_sub(1)).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

/// The reasons of a verdict: one line (`because ...`), or with `explain` one line each with
/// what was found and the threshold.
fn write_reasons(w: &mut dyn Write, name: &str, r: &DocResult, s: &Style) -> io::Result<()> {
    if r.reasons.is_empty() {
        return Ok(());
    }
    if !s.explain {
        let parts: Vec<String> = r
            .reasons
            .iter()
            .map(|x| format!("{} {:+}", x.signal, x.contribution))
            .collect();
        return writeln!(
            w,
            "{}{name}{}: {}because{} {}",
            s.bold,
            s.reset,
            s.dim,
            s.reset,
            parts.join(", ")
        );
    }
    for x in &r.reasons {
        writeln!(
            w,
            "{}{name}{}: {}reason{} {:+6.2} {}{}{}: {}",
            s.bold, s.reset, s.dim, s.reset, x.contribution, s.bold, x.signal, s.reset, x.detail
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotate_keeps_the_input_object_byte_for_byte() {
        let meta = DocMeta {
            id: "1",
            source: "s.jsonl",
            record: 0,
            url: None,
        };
        let mut out = Vec::new();
        write_annotated(&mut out, Some(br#"{"b":1, "a":"x"} "#), &meta, b"{}").unwrap();
        assert_eq!(out, b"{\"b\":1, \"a\":\"x\",\"puffery\":{}}\n");
        out.clear();
        write_annotated(&mut out, Some(b"{ }"), &meta, b"{}").unwrap();
        assert_eq!(out, b"{ \"puffery\":{}}\n");
        out.clear();
        assert!(!write_annotate_error(&mut out, Some(b"not json"), &meta, "bad").unwrap());
        assert_eq!(out, b"not json\n");
        out.clear();
        assert!(!write_annotate_error(&mut out, Some(b"[1, 2]"), &meta, "bad").unwrap());
        assert_eq!(out, b"[1, 2]\n");
        out.clear();
        assert!(write_annotate_error(&mut out, Some(br#"{"id": 3}"#), &meta, "bad").unwrap());
        assert_eq!(out, b"{\"id\": 3,\"puffery\":{\"error\":\"bad\"}}\n");
    }

    #[test]
    fn dolma_names_are_variable_names() {
        assert_eq!(dolma_name("cta.shop-now"), "cta_shop_now");
    }

    #[test]
    fn long_matches_are_shortened_with_an_ellipsis() {
        assert_eq!(shorten("buy\n   now", 80), "buy now");
        assert_eq!(shorten("abcdef", 6), "abcdef");
        assert_eq!(shorten("abc defg", 5), "abc…");
        assert_eq!(shorten("ääääää", 4), "äää…");
    }

    #[test]
    fn line_and_column_are_one_based() {
        assert_eq!(line_col(b"ab\ncd", 0), (1, 1));
        assert_eq!(line_col(b"ab\ncd", 4), (2, 2));
    }
}
