//! One printer per output format: what a document, an unreadable record, a skipped record and
//! the end of an output look like. [`Outputs`](super::Outputs) decides where they go.
//!
//! ```
//! use puffery::input::{InputOptions, Item, open_reader};
//! use puffery::output::{Format, Style, printer};
//! use puffery::{DocInput, Scanner};
//! let scanner = Scanner::builtin().unwrap();
//! let items: Vec<Item> = open_reader("a.txt", Box::new(&b"Order now!"[..]), &InputOptions::default()).collect();
//! let Item::Doc(rec) = &items[0] else { panic!() };
//! let result = scanner.scan(&DocInput::new(&rec.body, rec.format));
//! let mut p = printer(Format::Jsonl, Style::new(false), Box::new(|_: &str| None)).unwrap();
//! let mut out = Vec::new();
//! p.document(&mut out, rec, &result).unwrap();
//! assert!(String::from_utf8(out).unwrap().starts_with(r#"{"type":"document","id":"a.txt""#));
//! ```

use std::io::{self, Write};

use super::{
    DocMeta, Style, Summary, write_annotate, write_annotate_error, write_dolma, write_human,
    write_jsonl_document, write_jsonl_error, write_jsonl_summary,
};
use crate::input::Record;
use crate::scan::DocResult;

/// The output formats of `puffery scan --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Format {
    /// Readable findings and one verdict line per document
    Human,
    /// One JSON object per line: document, error, summary (CONTRACT.md)
    Jsonl,
    /// Each JSONL input line echoed with one key `puffery` added; one output line per input line
    Annotate,
    /// dolma attribute rows, one per document in input order
    Dolma,
    /// SARIF 2.1.0 (GitHub code scanning, editors): one run, one result per finding
    Sarif,
}

impl Format {
    /// The file name of the output for input `source` in `-o DIR/` mode: dolma and annotate
    /// keep the input's name (a dolma attributes tree must), the others add a suffix.
    pub fn output_name(self, source: &str) -> String {
        let base = if source == "-" {
            "stdin.jsonl".to_string()
        } else {
            std::path::Path::new(source)
                .file_name()
                .map_or_else(|| "stdin".to_string(), |n| n.to_string_lossy().to_string())
        };
        match self {
            Format::Dolma | Format::Annotate => base,
            Format::Jsonl => format!("{base}.puffery.jsonl"),
            Format::Human => format!("{base}.puffery.txt"),
            Format::Sarif => format!("{base}.sarif"),
        }
    }
}

/// A record that could not be read, as a printer sees it: the input's [`ReadError`].
pub use crate::input::ReadError as ErrorView;

/// What one output format prints. `out` is the output; `diag` is where messages that the
/// format has no place for go (the binary passes stderr).
pub trait Printer: Send {
    /// One scanned document.
    fn document(&mut self, out: &mut dyn Write, rec: &Record, r: &DocResult) -> io::Result<()>;
    /// One record that could not be read.
    fn error(
        &mut self,
        out: &mut dyn Write,
        diag: &mut dyn Write,
        e: &ErrorView,
    ) -> io::Result<()> {
        let _ = out;
        writeln!(diag, "puffery: {}", e.located())
    }
    /// One record that is not a document by design (`reason` as in the summary).
    fn skipped(&mut self, out: &mut dyn Write, reason: &str) -> io::Result<()> {
        let _ = (out, reason);
        Ok(())
    }
    /// The end of an output, with its totals.
    fn finish(&mut self, out: &mut dyn Write, s: &Summary) -> io::Result<()> {
        let _ = (out, s);
        Ok(())
    }
}

/// A rule's one-line summary by id, for the human format.
pub type SummaryOf = Box<dyn Fn(&str) -> Option<String> + Send>;

/// The printer for `format`. `summary_of` gives a rule's one-line summary (human output).
/// SARIF needs the rules: build it with [`super::sarif::SarifPrinter`] (this returns `None`).
pub fn printer(format: Format, style: Style, summary_of: SummaryOf) -> Option<Box<dyn Printer>> {
    Some(match format {
        Format::Sarif => return None,
        Format::Human => Box::new(Human { style, summary_of }),
        Format::Jsonl => Box::new(Jsonl),
        Format::Annotate => Box::new(Annotate),
        Format::Dolma => Box::new(Dolma),
    })
}

/// Short forms that replace the format: `-q`, `-l`, `-c`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Brief {
    /// Nothing (the exit code says it all).
    Quiet,
    /// The name of each document with findings (missing and late disclosures are findings).
    Files,
    /// `name:N` per document: its findings, missing and late disclosures included.
    Count,
}

/// The printer for a [`Brief`] form.
pub fn brief_printer(brief: Brief) -> Box<dyn Printer> {
    Box::new(BriefPrinter(brief))
}

struct BriefPrinter(Brief);

impl Printer for BriefPrinter {
    fn document(&mut self, out: &mut dyn Write, rec: &Record, r: &DocResult) -> io::Result<()> {
        // As in the human output, weightless context markers are not findings a user acts on.
        let n = r
            .findings
            .iter()
            .filter(|f| !(f.category == "context" && f.weight == 0.0))
            .count();
        match self.0 {
            Brief::Quiet => Ok(()),
            Brief::Files if n == 0 => Ok(()),
            Brief::Files => writeln!(out, "{}", doc_name(rec)),
            Brief::Count => writeln!(out, "{}:{n}", doc_name(rec)),
        }
    }
}

/// A document's name in human output: its path, or `path#record` inside a container.
fn doc_name(rec: &Record) -> String {
    if rec.record == 0 && rec.id == rec.source {
        rec.source.clone()
    } else {
        format!("{}#{}", rec.source, rec.record)
    }
}

fn meta(rec: &Record) -> DocMeta<'_> {
    DocMeta {
        id: &rec.id,
        source: &rec.source,
        record: rec.record,
        url: rec.url.as_deref(),
    }
}

struct Jsonl;

impl Printer for Jsonl {
    fn document(&mut self, out: &mut dyn Write, rec: &Record, r: &DocResult) -> io::Result<()> {
        write_jsonl_document(out, &meta(rec), r)
    }

    fn error(&mut self, out: &mut dyn Write, _: &mut dyn Write, e: &ErrorView) -> io::Result<()> {
        write_jsonl_error(out, &e.source, e.record, &e.message())
    }

    fn finish(&mut self, out: &mut dyn Write, s: &Summary) -> io::Result<()> {
        write_jsonl_summary(out, s)
    }
}

struct Annotate;

impl Printer for Annotate {
    fn document(&mut self, out: &mut dyn Write, rec: &Record, r: &DocResult) -> io::Result<()> {
        write_annotate(out, rec.raw_line.as_deref(), &meta(rec), r)
    }

    fn error(
        &mut self,
        out: &mut dyn Write,
        diag: &mut dyn Write,
        e: &ErrorView,
    ) -> io::Result<()> {
        if e.at.line.is_none() {
            return writeln!(diag, "puffery: {}", e.located());
        }
        let m = DocMeta {
            id: "",
            source: &e.source,
            record: e.record,
            url: None,
        };
        // A line that is not a JSON object is echoed unchanged; its error goes to stderr.
        if !write_annotate_error(out, e.raw_line.as_deref(), &m, &e.message())? {
            writeln!(diag, "puffery: {}", e.located())?;
        }
        Ok(())
    }

    fn skipped(&mut self, out: &mut dyn Write, reason: &str) -> io::Result<()> {
        blank_line_row(out, reason)
    }
}

/// A blank JSONL line still gets its (empty) output line in annotate and dolma, so output
/// lines stay aligned with input lines.
fn blank_line_row(out: &mut dyn Write, reason: &str) -> io::Result<()> {
    if reason == "blank-line" {
        out.write_all(b"\n")?;
    }
    Ok(())
}

struct Dolma;

impl Printer for Dolma {
    fn document(&mut self, out: &mut dyn Write, rec: &Record, r: &DocResult) -> io::Result<()> {
        let json = rec.json.as_ref();
        // The dolma row id: the JSONL id as it was (string or number), else the record id.
        let id = json
            .and_then(|j| j.get("id").cloned())
            .unwrap_or_else(|| serde_json::Value::String(rec.id.clone()));
        let source = json
            .and_then(|j| j.get("source"))
            .and_then(|v| v.as_str())
            .unwrap_or(&rec.source);
        let nchars = String::from_utf8_lossy(&rec.body).chars().count();
        write_dolma(out, &id, source, Some(r), nchars)
    }

    fn error(
        &mut self,
        out: &mut dyn Write,
        diag: &mut dyn Write,
        e: &ErrorView,
    ) -> io::Result<()> {
        if e.at.line.is_some() {
            // The row keeps attributes aligned with documents; the message goes to `diag`,
            // since dolma rows have no place for it.
            write_dolma(out, &serde_json::Value::Null, &e.source, None, 0)?;
        }
        writeln!(diag, "puffery: {}", e.located())
    }

    fn skipped(&mut self, out: &mut dyn Write, reason: &str) -> io::Result<()> {
        blank_line_row(out, reason)
    }
}

struct Human {
    style: Style,
    summary_of: SummaryOf,
}

impl Printer for Human {
    fn document(&mut self, out: &mut dyn Write, rec: &Record, r: &DocResult) -> io::Result<()> {
        write_human(
            out,
            &doc_name(rec),
            &rec.body,
            r,
            &*self.summary_of,
            &self.style,
        )
    }

    fn finish(&mut self, out: &mut dyn Write, s: &Summary) -> io::Result<()> {
        if s.documents + s.errors <= 1 {
            return Ok(());
        }
        let suppressed = if s.suppressed > 0 {
            format!("; {} suppressed", counted(s.suppressed, "finding"))
        } else {
            String::new()
        };
        writeln!(
            out,
            "{}: {} promotional, {} borderline, {} clean; {}{suppressed}; {:.1} MB in {:.2} s",
            counted(s.documents, "document"),
            s.promotional,
            s.borderline,
            s.clean,
            counted(s.errors, "error"),
            s.bytes as f64 / 1e6,
            s.elapsed_s
        )
    }
}

/// "1 document", "2 documents".
pub fn counted(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
