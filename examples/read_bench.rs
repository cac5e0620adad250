//! Throughput of the input readers on a generated Common-Crawl-shaped WARC.gz.
//!
//! ```text
//! cargo run --release --example read_bench [HTML_MB] [RUNS]
//! ```
//!
//! Writes a temporary `.warc.gz` holding HTML_MB (default 300) MB of HTML-ish payload as
//! warcinfo + request/response/metadata records, one gzip member per record (zlib level 6, as
//! Common Crawl writes them). Then, RUNS times (default 3), it times:
//! - `reader`: `puffery::input::open_path` over the file, touching every document body;
//! - `gunzip`: flate2's `MultiGzDecoder` into a sink, the decompression-only floor in process;
//! - `zcat`: `zcat FILE > /dev/null`, when `zcat` is on the PATH;
//! - `jsonl`: the JSONL reader over an uncompressed JSONL of the same pages (`html` field).
//!
//! and prints the median of each: MB/s of HTML payload, MB/s of compressed input, records/s.
//! MB = 10^6 bytes.
//!
//! `read_bench --write PATH [HTML_MB]` only writes the files (PATH and PATH with a `.jsonl`
//! extension); `read_bench --read PATH` only reads one, e.g. under `/usr/bin/time -v` for the
//! peak RSS.

use std::io::{Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use puffery::input::{InputOptions, Item, open_path};

/// xorshift64*: deterministic, dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const WORDS: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "it",
    "as",
    "was",
    "with",
    "be",
    "by",
    "on",
    "not",
    "he",
    "this",
    "are",
    "or",
    "his",
    "from",
    "at",
    "which",
    "but",
    "have",
    "an",
    "had",
    "they",
    "you",
    "were",
    "their",
    "one",
    "all",
    "we",
    "can",
    "her",
    "has",
    "there",
    "been",
    "if",
    "more",
    "when",
    "will",
    "would",
    "who",
    "so",
    "no",
    "shop",
    "now",
    "limited",
    "time",
    "offer",
    "clinically",
    "proven",
    "free",
    "shipping",
    "best",
    "price",
    "today",
    "guarantee",
    "running",
    "shoes",
    "review",
    "battery",
    "kitchen",
    "garden",
    "recipe",
    "weather",
    "football",
    "election",
    "museum",
    "software",
    "update",
    "travel",
    "hotel",
    "insurance",
    "mortgage",
    "vitamin",
    "protein",
    "camera",
    "laptop",
    "phone",
    "energy",
];

fn page(rng: &mut Rng, n: usize, target: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(target + 512);
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Page {n}</title>\
         <style>body{{font-family:sans-serif}} .nav a{{color:#333}}</style>\
         <script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}</script>\
         </head><body><div class=\"nav\"><a href=\"/\">Home</a> <a href=\"/about\">About</a></div>\n"
    )
    .unwrap();
    while out.len() < target {
        match rng.below(10) {
            0 => {
                let id = rng.next() % 100_000;
                writeln!(
                    out,
                    "<a href=\"https://www.amazon.com/dp/B00{id:05}/?tag=site-20\" rel=\"sponsored\">Check price</a>"
                )
                .unwrap();
            }
            1 => write!(out, "<h2 class=\"section-title\">").unwrap(),
            _ => write!(out, "<p class=\"para\">").unwrap(),
        }
        let words = 20 + rng.below(60);
        for i in 0..words {
            if i > 0 {
                out.push(b' ');
            }
            out.extend_from_slice(WORDS[rng.below(WORDS.len())].as_bytes());
        }
        out.extend_from_slice(b".</p>\n");
    }
    out.extend_from_slice(b"</body></html>\n");
    out
}

fn record(typ: &str, n: usize, uri: &str, extra: &str, block: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(block.len() + 512);
    write!(
        out,
        "WARC/1.0\r\nWARC-Type: {typ}\r\nWARC-Date: 2024-02-20T10:00:00Z\r\n\
         WARC-Record-ID: <urn:uuid:{n:08x}-0000-4000-8000-{typ:0>12}>\r\nWARC-Target-URI: {uri}\r\n\
         {extra}Content-Length: {}\r\n\r\n",
        block.len()
    )
    .unwrap();
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

fn member(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// Writes the WARC.gz and a JSONL of the same pages; returns (HTML bytes, WARC records).
fn generate(path: &Path, jsonl: &Path, html_bytes: usize) -> (u64, u64) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut j = std::io::BufWriter::new(std::fs::File::create(jsonl).unwrap());
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let info = record(
        "warcinfo",
        0,
        "",
        "Content-Type: application/warc-fields\r\n",
        b"software: read_bench\r\n",
    );
    f.write_all(&member(&info)).unwrap();
    let (mut html, mut records, mut n) = (0u64, 1u64, 0usize);
    while (html as usize) < html_bytes {
        n += 1;
        let uri = format!("https://site{}.example/page/{n}", n % 997);
        let req = format!(
            "GET /page/{n} HTTP/1.1\r\nHost: site.example\r\nUser-Agent: CCBot/2.0\r\n\r\n"
        );
        f.write_all(&member(&record("request", n, &uri, "", req.as_bytes())))
            .unwrap();
        // Page sizes 5 KB .. 150 KB, skewed small.
        let size = 5_000 + rng.below(50_000) + rng.below(2) * rng.below(95_000);
        let body = page(&mut rng, n, size);
        let mut resp = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        resp.extend_from_slice(&body);
        let extra = "Content-Type: application/http; msgtype=response\r\nWARC-Identified-Payload-Type: text/html\r\n";
        f.write_all(&member(&record("response", n, &uri, extra, &resp)))
            .unwrap();
        let meta = b"fetchTimeMs: 120\r\ncharset-detected: UTF-8\r\nlanguages-cld2: {\"reliable\":true}\r\n";
        f.write_all(&member(&record("metadata", n, &uri, "", meta)))
            .unwrap();
        let row = serde_json::json!({
            "id": n,
            "url": uri,
            "html": String::from_utf8_lossy(&body),
            "metadata": {"lang": "en", "score": 0.93},
        });
        serde_json::to_writer(&mut j, &row).unwrap();
        j.write_all(b"\n").unwrap();
        html += body.len() as u64;
        records += 3;
    }
    f.flush().unwrap();
    j.flush().unwrap();
    (html, records)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// `--write PATH MB`: only generate; `--read PATH`: only read (for `/usr/bin/time -v`).
fn single_mode(args: &[String]) -> bool {
    match args.get(1).map(String::as_str) {
        Some("--write") => {
            let path = Path::new(&args[2]);
            let mb: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(300);
            let jsonl = path.with_extension("jsonl");
            let (html, records) = generate(path, &jsonl, mb * 1_000_000);
            println!(
                "wrote {} and {}: {html} HTML bytes, {records} records",
                path.display(),
                jsonl.display()
            );
            true
        }
        Some("--read") => {
            let t = Instant::now();
            let (mut docs, mut other, mut bytes) = (0u64, 0u64, 0u64);
            for item in open_path(Path::new(&args[2]), &InputOptions::default()) {
                match item {
                    Item::Doc(r) => {
                        docs += 1;
                        bytes += r.body.len() as u64;
                    }
                    _ => other += 1,
                }
            }
            let s = t.elapsed().as_secs_f64();
            println!(
                "{docs} documents, {other} other items, {:.1} MB of bodies in {s:.2}s: {:.1} MB/s",
                bytes as f64 / 1e6,
                bytes as f64 / 1e6 / s
            );
            true
        }
        _ => false,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if single_mode(&args) {
        return;
    }
    let html_mb: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(300);
    let runs: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(3);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.warc.gz");
    let jsonl = dir.path().join("bench.jsonl");
    let t = Instant::now();
    let (html, records) = generate(&path, &jsonl, html_mb * 1_000_000);
    let jsonl_len = std::fs::metadata(&jsonl).unwrap().len();
    let gz_len = std::fs::metadata(&path).unwrap().len();
    println!(
        "generated {} in {:.1}s: {:.1} MB gz, {:.1} MB HTML, {records} records",
        path.display(),
        t.elapsed().as_secs_f64(),
        gz_len as f64 / 1e6,
        html as f64 / 1e6
    );

    let opts = InputOptions::default();
    let mut reader_t = Vec::new();
    let mut gunzip_t = Vec::new();
    let mut zcat_t = Vec::new();
    let mut jsonl_t = Vec::new();
    let mut counts = (0u64, 0u64, 0u64, 0u64, 0u64);
    for _ in 0..runs {
        // The reader.
        let t = Instant::now();
        let (mut docs, mut errors, mut skipped, mut bytes, mut check) =
            (0u64, 0u64, 0u64, 0u64, 0u64);
        for item in open_path(&path, &opts) {
            match item {
                Item::Doc(r) => {
                    docs += 1;
                    bytes += r.body.len() as u64;
                    check = check.wrapping_add(u64::from(*r.body.last().unwrap_or(&0)));
                }
                Item::Error(e) => {
                    errors += 1;
                    eprintln!("error: {e}");
                }
                Item::Skipped { .. } => skipped += 1,
            }
        }
        reader_t.push(t.elapsed());
        counts = (docs, errors, skipped, bytes, check);

        // Decompression only, same library and buffer size.
        let t = Instant::now();
        let f = std::fs::File::open(&path).unwrap();
        let mut dec =
            flate2::bufread::MultiGzDecoder::new(std::io::BufReader::with_capacity(256 * 1024, f));
        let mut buf = vec![0u8; 256 * 1024];
        let mut total = 0u64;
        loop {
            let n = dec.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            total += n as u64;
        }
        std::hint::black_box(total);
        gunzip_t.push(t.elapsed());

        // zcat.
        let t = Instant::now();
        let status = std::process::Command::new("zcat")
            .arg(&path)
            .stdout(std::process::Stdio::null())
            .status();
        if matches!(status, Ok(s) if s.success()) {
            zcat_t.push(t.elapsed());
        }

        // The JSONL reader over the same pages (uncompressed, from the page cache).
        let t = Instant::now();
        let (mut jdocs, mut jbytes) = (0u64, 0u64);
        for item in open_path(&jsonl, &opts) {
            match item {
                Item::Doc(r) => {
                    jdocs += 1;
                    jbytes += r.body.len() as u64;
                }
                Item::Error(e) => eprintln!("error: {e}"),
                Item::Skipped { .. } => {}
            }
        }
        jsonl_t.push(t.elapsed());
        assert_eq!((jdocs, jbytes), (counts.0, html), "JSONL documents");
    }
    let (docs, errors, skipped, bytes, _) = counts;
    assert_eq!(docs + errors + skipped, records, "accounting");
    assert_eq!(bytes, html, "every HTML byte read");
    println!("records: {docs} documents, {skipped} skipped, {errors} errors (= {records} records)");
    println!("median of {runs} runs:");
    let line = |name: &str, d: Duration, recs: Option<u64>| {
        let s = d.as_secs_f64();
        let per_rec = recs
            .map(|r| format!(", {:>8.0} records/s", r as f64 / s))
            .unwrap_or_default();
        println!(
            "  {name:<8} {s:>6.2}s  {:>7.1} HTML MB/s  {:>6.1} gz MB/s{per_rec}",
            html as f64 / 1e6 / s,
            gz_len as f64 / 1e6 / s
        );
    };
    line("reader", median(reader_t), Some(records));
    line("gunzip", median(gunzip_t), None);
    if zcat_t.is_empty() {
        println!("  zcat     not available");
    } else {
        line("zcat", median(zcat_t), None);
    }
    let s = median(jsonl_t).as_secs_f64();
    println!(
        "  jsonl    {s:>6.2}s  {:>7.1} HTML MB/s  {:>6.1} JSONL MB/s, {:>8.0} lines/s  ({:.1} MB file, html field)",
        html as f64 / 1e6 / s,
        jsonl_len as f64 / 1e6 / s,
        counts.0 as f64 / s,
        jsonl_len as f64 / 1e6
    );
}
