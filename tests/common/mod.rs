//! Test helpers: a small WARC writer, compressors, and the accounting check.
#![allow(dead_code)]

use std::io::Write;

use puffery::input::{InputOptions, Item, Record, open_reader};

/// One WARC record, written with a correct Content-Length unless `length` overrides it.
pub struct Rec {
    pub typ: &'static str,
    pub id: String,
    pub headers: Vec<(String, String)>,
    pub block: Vec<u8>,
    pub length: Option<String>,
    pub eol: &'static str,
}

impl Rec {
    pub fn new(typ: &'static str, n: usize, block: impl Into<Vec<u8>>) -> Rec {
        Rec {
            typ,
            id: format!("<urn:uuid:00000000-0000-0000-0000-{n:012}>"),
            headers: Vec::new(),
            block: block.into(),
            length: None,
            eol: "\r\n",
        }
    }

    pub fn header(mut self, k: &str, v: &str) -> Rec {
        self.headers.push((k.to_string(), v.to_string()));
        self
    }

    pub fn length(mut self, v: &str) -> Rec {
        self.length = Some(v.to_string());
        self
    }

    pub fn lf(mut self) -> Rec {
        self.eol = "\n";
        self
    }

    pub fn bytes(&self) -> Vec<u8> {
        let e = self.eol;
        let mut out = Vec::new();
        write!(out, "WARC/1.0{e}").unwrap();
        if !self.typ.is_empty() {
            write!(out, "WARC-Type: {}{e}", self.typ).unwrap();
        }
        write!(
            out,
            "WARC-Date: 2024-01-01T00:00:00Z{e}WARC-Record-ID: {}{e}",
            self.id
        )
        .unwrap();
        for (k, v) in &self.headers {
            write!(out, "{k}: {v}{e}").unwrap();
        }
        match &self.length {
            Some(l) if l.is_empty() => {}
            Some(l) => write!(out, "Content-Length: {l}{e}").unwrap(),
            None => write!(out, "Content-Length: {}{e}", self.block.len()).unwrap(),
        }
        write!(out, "{e}").unwrap();
        out.extend_from_slice(&self.block);
        write!(out, "{e}{e}").unwrap();
        out
    }
}

/// An HTTP response message.
pub fn http(content_type: Option<&str>, body: &[u8]) -> Vec<u8> {
    let mut out = b"HTTP/1.1 200 OK\r\nServer: test\r\n".to_vec();
    if let Some(ct) = content_type {
        write!(out, "Content-Type: {ct}\r\n").unwrap();
    }
    write!(out, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
    out.extend_from_slice(body);
    out
}

pub fn html_page(n: usize) -> Vec<u8> {
    format!("<!doctype html><html><body><p>Page {n}. Shop now!</p></body></html>").into_bytes()
}

/// A response record for page `n` at `https://example.com/n`.
pub fn response(n: usize) -> Rec {
    Rec::new(
        "response",
        n,
        http(Some("text/html; charset=UTF-8"), &html_page(n)),
    )
    .header("WARC-Target-URI", &format!("https://example.com/{n}"))
    .header("Content-Type", "application/http; msgtype=response")
}

pub fn concat(recs: &[Rec]) -> (Vec<u8>, Vec<u64>) {
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    for r in recs {
        offsets.push(out.len() as u64);
        out.extend_from_slice(&r.bytes());
    }
    (out, offsets)
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// One gzip member per record, as Common Crawl writes them; returns member offsets too.
pub fn gzip_members(recs: &[Rec]) -> (Vec<u8>, Vec<u64>) {
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    for r in recs {
        offsets.push(out.len() as u64);
        out.extend_from_slice(&gzip(&r.bytes()));
    }
    (out, offsets)
}

pub fn zstd(bytes: &[u8]) -> Vec<u8> {
    zstd::stream::encode_all(bytes, 3).unwrap()
}

pub fn read(name: &str, bytes: Vec<u8>, opts: &InputOptions) -> Vec<Item> {
    let items: Vec<Item> = open_reader(name, Box::new(std::io::Cursor::new(bytes)), opts).collect();
    check_accounting(&items);
    items
}

pub fn read_default(name: &str, bytes: Vec<u8>) -> Vec<Item> {
    read(name, bytes, &InputOptions::default())
}

/// Every item takes one record index, in order; documents and errors carry theirs.
pub fn check_accounting(items: &[Item]) {
    for (i, item) in items.iter().enumerate() {
        match item {
            Item::Doc(r) => {
                assert_eq!(r.record, i as u64, "doc record index at item {i}: {item:?}")
            }
            Item::Error(e) => assert_eq!(
                e.record, i as u64,
                "error record index at item {i}: {item:?}"
            ),
            Item::Skipped { .. } => {}
        }
    }
}

pub fn doc(item: &Item) -> &Record {
    match item {
        Item::Doc(r) => r,
        other => panic!("expected a document, got {other:?}"),
    }
}

/// The error's message, as its JSONL error line says it.
pub fn err(item: &Item) -> String {
    match item {
        Item::Error(e) => e.message(),
        other => panic!("expected an error, got {other:?}"),
    }
}

pub fn skipped(item: &Item) -> &str {
    match item {
        Item::Skipped { reason, .. } => reason,
        other => panic!("expected a skipped record, got {other:?}"),
    }
}

/// A compact rendering for whole-stream assertions: `D:<id>`, `E`, `S:<reason>`.
pub fn kinds(items: &[Item]) -> Vec<String> {
    items
        .iter()
        .map(|i| match i {
            Item::Doc(r) => format!("D:{}", r.id),
            Item::Error { .. } => "E".to_string(),
            Item::Skipped { reason, .. } => format!("S:{reason}"),
        })
        .collect()
}

pub fn id(n: usize) -> String {
    format!("<urn:uuid:00000000-0000-0000-0000-{n:012}>")
}

/// A user pack with one good rule and one whose examples are wrong.
pub fn user_pack(dir: &std::path::Path) -> String {
    let path = dir.join("ours.toml");
    std::fs::write(
        &path,
        r#"[pack]
name = "ours"

[[rule]]
id = "cta.pizza"
category = "cta"
severity = "warning"
weight = 1.0
summary = "Pizza orders"
why = "Test pack."
phrases = ["order pizza"]
examples.flag = ["Order pizza now", "order pizza online"]
examples.ok = ["The pizza order was late.", "In order, pizza first"]

[[rule]]
id = "cta.soup"
category = "cta"
severity = "warning"
weight = 1.0
summary = "Soup orders"
why = "Test pack."
phrases = ["order soup"]
examples.flag = ["Order soup now", "get soup"]
examples.ok = ["Soup of the day", "please order soup"]
"#,
    )
    .unwrap();
    path.display().to_string()
}

/// The `puffery` binary with `args`, run in the crate directory.
pub fn command(args: &[&str]) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_puffery"));
    c.args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// Runs the `puffery` binary with `args` in the crate directory.
pub fn puffery(args: &[&str]) -> std::process::Output {
    command(args).output().expect("puffery runs")
}
