//! `--format sarif`: SARIF 2.1.0, the format GitHub code scanning and editors read.
//!
//! One run. `tool.driver.rules` holds every pack rule (short description from `summary`, full
//! description from `why`, help URI into docs/rules.md) and the checks done in code, among
//! them one rule per required disclosure kind for missing (`missing.<kind>`) and late
//! (`late.<kind>`) disclosures. Each finding is one result with its physical location: the
//! file, line and column (code points), byte offset and length. Missing and late disclosures
//! are findings too, located at the first thing that needed the disclosure (the first
//! affiliate link, health claim or sponsored link), with the reason as their message. Records
//! that could not be read are tool execution notifications.
//!
//! Written as a stream: the run's header on the first document, one result at a time, the
//! closing part at the end; memory does not grow with the input (only the first
//! [`MAX_NOTIFICATIONS`] read errors are kept).
//!
//! For a document that is a record inside a container (a WARC, a JSONL line), the region's
//! offsets are into the document (the record's payload, the JSONL text field), not into the
//! container file; the result's `logicalLocations` and properties name the record.
//!
//! ```
//! use puffery::output::{DocMeta, sarif::SarifWriter};
//! use puffery::{DocFormat, DocInput, Scanner};
//! let scanner = Scanner::builtin().unwrap();
//! let bytes = b"Order now! Only 3 left in stock.";
//! let result = scanner.scan(&DocInput::new(bytes, DocFormat::Text));
//! let meta = DocMeta { id: "a.txt", source: "a.txt", record: 0, url: None };
//! let mut sarif = SarifWriter::new(&scanner.rules, "docs/rules.md");
//! let mut out = Vec::new();
//! sarif.document(&mut out, &meta, bytes, &result).unwrap();
//! sarif.finish(&mut out).unwrap();
//! let log: serde_json::Value = serde_json::from_slice(&out).unwrap();
//! assert_eq!(log["version"], "2.1.0");
//! let region = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
//! assert_eq!(region["byteOffset"], 0);
//! assert_eq!(region["snippet"]["text"], "Order now");
//! ```

use std::collections::HashMap;
use std::io::{self, Write};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};

use super::DocMeta;
use crate::kinds::Severity;
use crate::rules::RuleSet;
use crate::scan::DocResult;

/// The schema URI written in `$schema`.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Read errors kept as notifications; more are counted in the run's properties.
pub const MAX_NOTIFICATIONS: usize = 1000;

/// Characters a path keeps unescaped in an artifact URI.
const PATH_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Streams one SARIF log: [`SarifWriter::document`] per document, [`SarifWriter::error`] per
/// unreadable record, then [`SarifWriter::finish`]. After `finish` it can start a new log
/// (one per output file with `-o DIR`).
#[derive(Debug)]
pub struct SarifWriter {
    header: String,
    index: HashMap<String, usize>,
    summaries: Vec<String>,
    started: bool,
    results: u64,
    notifications: Vec<Value>,
    errors: u64,
}

/// The rule descriptors of `tool.driver.rules`, each id once, with its index and summary.
#[derive(Default)]
struct Descriptors<'a> {
    help_base: &'a str,
    descriptors: Vec<Value>,
    index: HashMap<String, usize>,
    summaries: Vec<String>,
}

impl Descriptors<'_> {
    fn add(&mut self, id: &str, summary: &str, why: &str, severity: Severity, props: Value) {
        if self.index.contains_key(id) {
            return;
        }
        self.index.insert(id.to_string(), self.descriptors.len());
        self.summaries.push(summary.to_string());
        self.descriptors.push(json!({
            "id": id,
            "name": id,
            "shortDescription": {"text": summary},
            "fullDescription": {"text": why},
            "helpUri": format!("{}#{}", self.help_base, anchor(id)),
            "help": {"text": format!("{summary}\n\n{why}")},
            "defaultConfiguration": {"level": level(severity)},
            "properties": props,
        }));
    }
}

/// The `#anchor` GitHub gives the heading ``### `cta.buy-now` ``: `ctabuy-now`.
fn anchor(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
        .collect::<String>()
        .to_lowercase()
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

impl SarifWriter {
    /// A writer whose `tool.driver.rules` come from `rules`; `help_base` is the URI of the
    /// rules document (help URIs are `help_base#<anchor>`).
    pub fn new(rules: &RuleSet, help_base: &str) -> SarifWriter {
        let mut d = Descriptors {
            help_base,
            ..Descriptors::default()
        };
        for r in &rules.rules {
            let rule = &r.rule;
            let mut props = json!({
                "category": rule.category,
                "weight": rule.weight,
                "pack": r.pack,
                "tags": [rule.category],
            });
            if let Some(src) = &rule.source {
                props["source"] = json!(src);
            }
            d.add(&rule.id, &rule.summary, &rule.why, rule.severity, props);
        }
        // The checks done in code, `missing.<kind>` and `late.<kind>` among them.
        for c in crate::verdict::CHECKS {
            let props = json!({"category": c.category, "weight": c.weight, "check": true, "tags": [c.category]});
            d.add(c.id, c.summary, c.why, c.severity, props);
        }
        let driver = json!({
            "name": "puffery",
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "version": env!("CARGO_PKG_VERSION"),
            "informationUri": help_base,
            "rules": d.descriptors,
        });
        let mut header = String::from("{\"$schema\":");
        header.push_str(&json!(SARIF_SCHEMA).to_string());
        header.push_str(",\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":");
        header.push_str(&driver.to_string());
        header.push_str("},\"columnKind\":\"unicodeCodePoints\",\"results\":[");
        SarifWriter {
            header,
            index: d.index,
            summaries: d.summaries,
            started: false,
            results: 0,
            notifications: Vec::new(),
            errors: 0,
        }
    }

    fn start(&mut self, w: &mut dyn Write) -> io::Result<()> {
        if !self.started {
            w.write_all(self.header.as_bytes())?;
            self.started = true;
        }
        Ok(())
    }

    fn result(&mut self, w: &mut dyn Write, value: &Value) -> io::Result<()> {
        self.start(w)?;
        if self.results > 0 {
            w.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut *w, value)?;
        self.results += 1;
        Ok(())
    }

    /// Writes the results of one document: one per finding (missing and late disclosures are
    /// findings). `bytes` are the document's bytes (for lines and columns).
    pub fn document(
        &mut self,
        w: &mut dyn Write,
        meta: &DocMeta<'_>,
        bytes: &[u8],
        r: &DocResult,
    ) -> io::Result<()> {
        self.start(w)?;
        let whole_file = meta.record == 0 && meta.id == meta.source;
        let uri = artifact_uri(meta.source);
        let logical = (!whole_file).then(|| {
            json!([{"name": meta.id, "fullyQualifiedName": format!("{}#{}", meta.source, meta.record), "kind": "resource"}])
        });
        let mut doc_props = json!({"documentId": meta.id, "record": meta.record, "score": r.score, "label": r.label});
        if let Some(u) = meta.url {
            doc_props["url"] = json!(u);
        }
        let mut lines = LineIndex::new(bytes);
        for f in &r.findings {
            let (start_line, start_col) = lines.line_col(f.start);
            let (end_line, end_col) = lines.line_col(f.end);
            let mut loc = json!({
                "physicalLocation": {
                    "artifactLocation": {"uri": uri},
                    "region": {
                        "startLine": start_line, "startColumn": start_col,
                        "endLine": end_line, "endColumn": end_col,
                        "byteOffset": f.start, "byteLength": f.end - f.start,
                        "charOffset": f.char_start, "charLength": f.char_end - f.char_start,
                        "snippet": {"text": f.matched},
                    }
                }
            });
            if let Some(l) = &logical {
                loc["logicalLocations"] = l.clone();
            }
            let mut props = doc_props.clone();
            props["category"] = json!(f.category);
            props["weight"] = json!(f.weight);
            props["scope"] = json!(f.scope);
            let mut res = json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": {"text": format!("{}: \"{}\"", f.message.as_deref().unwrap_or(self.summary(&f.rule)), f.matched.split_whitespace().collect::<Vec<_>>().join(" "))},
                "locations": [loc],
                "properties": props,
            });
            if let Some(i) = self.index.get(&f.rule) {
                res["ruleIndex"] = json!(i);
            }
            self.result(w, &res)?;
        }
        Ok(())
    }

    /// The short description of a rule, for result messages.
    fn summary<'s>(&'s self, id: &'s str) -> &'s str {
        self.index
            .get(id)
            .map_or(id, |&i| self.summaries[i].as_str())
    }

    /// Records a record that could not be read (a notification of the run's invocation).
    pub fn error(&mut self, source: &str, record: u64, message: &str) {
        self.errors += 1;
        if self.notifications.len() < MAX_NOTIFICATIONS {
            self.notifications.push(json!({
                "level": "error",
                "message": {"text": format!("{source}: record {record}: {message}")},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(source)}}}],
            }));
        }
    }

    /// Closes the log (an empty run when nothing was written) and resets for a new one.
    pub fn finish(&mut self, w: &mut dyn Write) -> io::Result<()> {
        self.start(w)?;
        let invocation = json!({
            "executionSuccessful": true,
            "toolExecutionNotifications": self.notifications,
        });
        w.write_all(b"],\"invocations\":[")?;
        serde_json::to_writer(&mut *w, &invocation)?;
        w.write_all(b"],\"properties\":")?;
        serde_json::to_writer(&mut *w, &json!({"unreadableRecords": self.errors}))?;
        w.write_all(b"}]}\n")?;
        self.started = false;
        self.results = 0;
        self.errors = 0;
        self.notifications.clear();
        Ok(())
    }
}

/// A relative path as a URI reference (`corpus/a b.html` -> `corpus/a%20b.html`); stdin is
/// `stdin`.
pub fn artifact_uri(source: &str) -> String {
    if source == "-" {
        return "stdin".into();
    }
    let s = source.replace('\\', "/");
    utf8_percent_encode(&s, PATH_SET).to_string()
}

/// 1-based line and column (in code points) of byte offsets, for offsets asked in increasing
/// order mostly (a finding's start, then its end): it scans forward from the last answer.
struct LineIndex<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: usize,
    line_start: usize,
}

impl<'a> LineIndex<'a> {
    fn new(bytes: &'a [u8]) -> LineIndex<'a> {
        LineIndex {
            bytes,
            pos: 0,
            line: 1,
            line_start: 0,
        }
    }

    fn line_col(&mut self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.bytes.len());
        if offset < self.pos {
            *self = LineIndex::new(self.bytes);
        }
        for nl in memchr::memchr_iter(b'\n', &self.bytes[self.pos..offset]) {
            self.line += 1;
            self.line_start = self.pos + nl + 1;
        }
        self.pos = offset;
        let col = String::from_utf8_lossy(&self.bytes[self.line_start..offset])
            .chars()
            .count()
            + 1;
        (self.line, col)
    }
}

/// The SARIF [`Printer`](super::Printer): one log per output (per input file with `-o DIR/`).
pub struct SarifPrinter(pub SarifWriter);

impl super::Printer for SarifPrinter {
    fn document(
        &mut self,
        out: &mut dyn Write,
        rec: &crate::input::Record,
        r: &DocResult,
    ) -> io::Result<()> {
        let meta = DocMeta {
            id: &rec.id,
            source: &rec.source,
            record: rec.record,
            url: rec.url.as_deref(),
        };
        self.0.document(out, &meta, &rec.body, r)
    }

    fn error(
        &mut self,
        _: &mut dyn Write,
        diag: &mut dyn Write,
        e: &super::ErrorView,
    ) -> io::Result<()> {
        self.0.error(&e.source, e.record, &e.message());
        writeln!(diag, "puffery: {}", e.located())
    }

    fn finish(&mut self, out: &mut dyn Write, _: &super::Summary) -> io::Result<()> {
        self.0.finish(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_follow_github_headings() {
        assert_eq!(anchor("cta.buy-now"), "ctabuy-now");
        assert_eq!(anchor("claim.health_x"), "claimhealth_x");
    }

    #[test]
    fn lines_and_columns_count_code_points() {
        let text = "ab\nçd x\n".as_bytes();
        let mut li = LineIndex::new(text);
        assert_eq!(li.line_col(0), (1, 1));
        let x = text.iter().position(|&b| b == b'x').unwrap();
        assert_eq!(li.line_col(x), (2, 4));
        assert_eq!(li.line_col(1), (1, 2));
    }

    #[test]
    fn artifact_uris_escape_what_uris_cannot_hold() {
        assert_eq!(artifact_uri("corpus/a b#1.html"), "corpus/a%20b%231.html");
        assert_eq!(artifact_uri("-"), "stdin");
    }
}
