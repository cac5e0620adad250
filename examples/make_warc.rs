//! Writes a Common-Crawl-shaped WARC.gz from a directory of HTML pages, for benchmarks:
//! a `warcinfo` record, then per page a `request`, a `response` (HTTP headers + HTML) and a
//! `metadata` record, each record its own gzip member, the pages repeated until the HTML
//! reaches the asked size.
//!
//! `cargo run --release --example make_warc -- PAGES_DIR OUT.warc.gz MEGABYTES`

use std::io::{Read, Write};

use flate2::Compression;
use flate2::write::GzEncoder;

fn member(out: &mut impl Write, record: &[u8]) {
    let mut gz = GzEncoder::new(Vec::new(), Compression::new(6));
    gz.write_all(record).expect("in memory");
    out.write_all(&gz.finish().expect("in memory"))
        .expect("write");
}

fn record(kind: &str, n: usize, uri: &str, content_type: &str, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Date: 2026-01-01T00:00:00Z\r\n\
         WARC-Record-ID: <urn:uuid:{n:08x}-0000-4000-8000-{kind:0>12.12}>\r\nWARC-Target-URI: {uri}\r\n\
         Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (dir, out_path, mb) = match &args[..] {
        [_, d, o, m] => (d, o, m.parse::<usize>().expect("MEGABYTES is a number")),
        _ => panic!("usage: make_warc PAGES_DIR OUT.warc.gz MEGABYTES"),
    };
    let mut pages = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("pages dir")
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            continue; // e.g. corpus/expected/
        }
        let name = p.to_string_lossy().to_string();
        let raw = std::fs::read(&p).expect("page");
        let html = if name.ends_with(".html.gz") {
            let mut s = Vec::new();
            flate2::read::MultiGzDecoder::new(&raw[..])
                .read_to_end(&mut s)
                .expect("gzip");
            s
        } else if name.ends_with(".html") || name.ends_with(".htm") {
            raw
        } else {
            continue;
        };
        pages.push(html);
    }
    assert!(!pages.is_empty(), "no .html or .html.gz pages in {dir}");
    let mut out = std::io::BufWriter::new(std::fs::File::create(out_path).expect("output"));
    member(
        &mut out,
        &record(
            "warcinfo",
            0,
            "",
            "application/warc-fields",
            b"software: puffery make_warc\r\n",
        ),
    );
    let (mut html_bytes, mut n) = (0usize, 0usize);
    while html_bytes < mb * 1_000_000 {
        let page = &pages[n % pages.len()];
        let uri = format!("https://example.com/page/{n}");
        let req = format!("GET /page/{n} HTTP/1.1\r\nHost: example.com\r\n\r\n");
        member(
            &mut out,
            &record(
                "request",
                n,
                &uri,
                "application/http; msgtype=request",
                req.as_bytes(),
            ),
        );
        let mut resp = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Length: {}\r\n\r\n",
            page.len()
        )
        .into_bytes();
        resp.extend_from_slice(page);
        member(
            &mut out,
            &record(
                "response",
                n,
                &uri,
                "application/http; msgtype=response",
                &resp,
            ),
        );
        member(
            &mut out,
            &record(
                "metadata",
                n,
                &uri,
                "application/warc-fields",
                b"fetchTimeMs: 120\r\n",
            ),
        );
        html_bytes += page.len();
        n += 1;
    }
    out.flush().expect("flush");
    eprintln!(
        "{out_path}: {n} responses, {:.1} MB of HTML",
        html_bytes as f64 / 1e6
    );
}
