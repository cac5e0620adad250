//! Formats that real archives hold: ARC, LZ4 WARC, dictionary-compressed zstd WARC, Brotli
//! payloads, payloads mislabelled gzip, lenient headers, binary files. Every fixture is built
//! here, in code.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Command;

use common::*;
use puffery::input::{InputFormat, InputOptions, Item};

// ---------------------------------------------------------------- helpers

/// Runs `puffery scan --format jsonl ARGS` in `dir`; returns the exit code and the parsed lines.
fn scan_jsonl(dir: &Path, args: &[&str]) -> (i32, Vec<serde_json::Value>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_puffery"))
        .current_dir(dir)
        .args(["scan", "--format", "jsonl"])
        .args(args)
        .output()
        .unwrap();
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("invalid JSONL {l:?}: {e}")))
        .collect();
    (
        out.status.code().unwrap_or(-1),
        lines,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn of_type<'a>(lines: &'a [serde_json::Value], t: &str) -> Vec<&'a serde_json::Value> {
    lines.iter().filter(|l| l["type"] == t).collect()
}

fn summary(lines: &[serde_json::Value]) -> &serde_json::Value {
    lines.last().filter(|l| l["type"] == "summary").unwrap()
}

/// A response record for page `n` whose HTTP payload carries `Content-Encoding: enc`.
fn encoded_response(n: usize, enc: &str, payload: &[u8]) -> Rec {
    let mut block = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: {enc}\r\n\
         Content-Length: {}\r\n\r\n",
        payload.len()
    )
    .into_bytes();
    block.extend_from_slice(payload);
    Rec::new("response", n, block)
        .header("WARC-Target-URI", &format!("https://example.com/{n}"))
        .header("Content-Type", "application/http; msgtype=response")
}

// ---------------------------------------------------------------- ARC

/// An ARC v1 file: the file header, then `(url, ip, content type, block)` records.
fn arc_file(records: &[(&str, &str, &[u8])]) -> Vec<Vec<u8>> {
    let desc = b"1 0 Test Capture\nURL IP-address Archive-date Content-type Archive-length\n";
    let mut out = vec![arc_record("filedesc://test.arc", "text/plain", desc)];
    for (url, ct, block) in records {
        out.push(arc_record(url, ct, block));
    }
    out
}

fn arc_record(url: &str, content_type: &str, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "{url} 93.184.216.34 20080430204825 {content_type} {}\n",
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.push(b'\n');
    r
}

fn arc_records() -> Vec<Vec<u8>> {
    arc_file(&[
        (
            "http://example.com/",
            "text/html",
            &http(Some("text/html"), &html_page(1)),
        ),
        (
            "dns:example.com",
            "text/dns",
            b"20080430204825\nexample.com. 300 IN A 1.2.3.4",
        ),
        (
            "http://example.com/logo.png",
            "image/png",
            &http(Some("image/png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
        ),
        (
            "http://example.com/page 2.html",
            "text/html",
            &http(None, b"<html><body><p>Order now!</p></body></html>"),
        ),
    ])
}

#[test]
fn arc_records_are_documents_or_counted_skips() {
    let recs = arc_records();
    let plain = recs.concat();
    let members: Vec<u8> = recs.iter().flat_map(|r| gzip(r)).collect();
    for (name, bytes) in [
        ("crawl.arc", plain.clone()),
        ("crawl.arc.gz", members),
        // No telling name: `filedesc://` at the start says ARC.
        ("-", plain.clone()),
    ] {
        let items = read_default(name, bytes);
        assert_eq!(
            kinds(&items),
            [
                "S:arc-filedesc".to_string(),
                format!("D:{name}#1"),
                "S:non-html".to_string(),
                "S:non-html".to_string(),
                format!("D:{name}#4"),
            ],
            "{name}"
        );
        let first = doc(&items[1]);
        assert_eq!(first.url.as_deref(), Some("http://example.com/"));
        assert_eq!(first.body, html_page(1), "the HTTP head is stripped");
        assert_eq!(first.http_status, Some(200));
        assert_eq!(first.offset, Some(recs[0].len() as u64));
        // A URL with a space keeps it: the last four fields are IP, date, type, length.
        assert_eq!(
            doc(&items[4]).url.as_deref(),
            Some("http://example.com/page 2.html")
        );
    }
}

#[test]
fn arc_damage_is_reported_and_reading_goes_on() {
    let mut recs = arc_records();
    // Record 2 says 5 bytes less than it holds; record 3's length is not a number.
    let dns = b"20080430204825\nexample.com. 300 IN A 1.2.3.4";
    let mut short = format!(
        "dns:example.com 1.2.3.4 20080430204825 text/dns {}\n",
        dns.len() - 5
    )
    .into_bytes();
    short.extend_from_slice(dns);
    short.push(b'\n');
    recs[2] = short;
    let mut bad_len = b"http://example.com/x.png 1.2.3.4 20080430204825 image/png abc\n".to_vec();
    bad_len.extend_from_slice(b"\x89PNG\n");
    recs[3] = bad_len;
    let items = read_default("bad.arc", recs.concat());
    let k = kinds(&items);
    assert_eq!(
        k,
        ["S:arc-filedesc", "D:bad.arc#1", "E", "E", "D:bad.arc#4"],
        "{items:?}"
    );
    let m = err(&items[2]);
    assert!(m.starts_with("ARC record at byte "), "{m}");
    assert!(
        m.contains("Content-Length 39 does not end at a record boundary"),
        "{m}"
    );
    let m = err(&items[3]);
    assert!(m.contains("invalid ARC length field \"abc\""), "{m}");
}

#[test]
fn arc_on_the_command_line() {
    let d = tempfile::tempdir().unwrap();
    let recs = arc_records();
    let members: Vec<u8> = recs.iter().flat_map(|r| gzip(r)).collect();
    std::fs::write(d.path().join("crawl.arc.gz"), members).unwrap();
    let (code, lines, _) = scan_jsonl(d.path(), &["crawl.arc.gz"]);
    assert_eq!(code, 0);
    let docs = of_type(&lines, "document");
    let urls: Vec<&str> = docs.iter().map(|d| d["url"].as_str().unwrap()).collect();
    assert_eq!(
        urls,
        ["http://example.com/", "http://example.com/page 2.html"]
    );
    assert!(
        docs[0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["match"] == "Shop now")
    );
    let s = summary(&lines);
    assert_eq!(s["skipped"]["arc-filedesc"], 1);
    assert_eq!(s["skipped"]["non-html"], 2);
    assert_eq!(s["errors"], 0);
}

// ---------------------------------------------------------------- LZ4

fn lz4_frame(bytes: &[u8]) -> Vec<u8> {
    let mut e = lz4_flex::frame::FrameEncoder::new(Vec::new());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

#[test]
fn lz4_warc_one_frame_per_record() {
    let recs = [
        Rec::new("warcinfo", 0, "software: test\r\n"),
        response(1),
        response(2),
        response(3),
    ];
    let mut file = Vec::new();
    for (i, r) in recs.iter().enumerate() {
        file.extend_from_slice(&lz4_frame(&r.bytes()));
        if i == 1 {
            // A skippable frame between records is passed over.
            file.extend_from_slice(&[0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
        }
    }
    for name in ["crawl.warc.lz4", "data.bin"] {
        let items = read_default(name, file.clone());
        assert_eq!(
            kinds(&items),
            [
                "S:warcinfo".to_string(),
                format!("D:{}", id(1)),
                format!("D:{}", id(2)),
                format!("D:{}", id(3))
            ],
            "{name}"
        );
        assert_eq!(doc(&items[3]).body, html_page(3));
    }
    // The legacy LZ4 format (`lz4 -l`): magic, then size-prefixed blocks.
    let (plain, _) = concat(&recs);
    let block = lz4_flex::block::compress(&plain);
    let mut legacy = vec![0x02, 0x21, 0x4c, 0x18];
    legacy.extend_from_slice(&(block.len() as u32).to_le_bytes());
    legacy.extend_from_slice(&block);
    let items = read_default("legacy.warc.lz4", legacy);
    assert_eq!(kinds(&items).len(), 4, "{items:?}");
    assert_eq!(doc(&items[3]).body, html_page(3));

    // A damaged frame is an error naming lz4; the records before it are read.
    let mut bad = file.clone();
    let n = bad.len();
    bad.truncate(n - 20);
    let items = read_default("cut.warc.lz4", bad);
    assert_eq!(
        &kinds(&items)[..3],
        [
            "S:warcinfo",
            &format!("D:{}", id(1)),
            &format!("D:{}", id(2))
        ]
    );
    let m = err(items.last().unwrap());
    assert!(m.contains("lz4"), "{m}");

    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("crawl.warc.lz4"), &file).unwrap();
    let (code, lines, _) = scan_jsonl(d.path(), &["."]);
    assert_eq!(code, 0, "a directory walk takes .warc.lz4");
    assert_eq!(of_type(&lines, "document").len(), 3);
}

// ---------------------------------------------------------------- dictionary zstd

/// A WARC-zstd file as gowarc writes it: a dictionary frame, then one frame per record
/// compressed with that dictionary.
fn warc_zstd_with_dictionary(recs: &[Rec], compress_dict: bool) -> Vec<u8> {
    let samples: Vec<Vec<u8>> = (0..400).map(|n| response(n).bytes()).collect();
    let dict = zstd::dict::from_samples(&samples, 8 * 1024).unwrap();
    assert!(
        dict.starts_with(&[0x37, 0xa4, 0x30, 0xec]),
        "a real zstd dictionary"
    );
    let stored = if compress_dict {
        zstd::bulk::compress(&dict, 3).unwrap()
    } else {
        dict.clone()
    };
    let mut file = vec![0x5d, 0x2a, 0x4d, 0x18];
    file.extend_from_slice(&(stored.len() as u32).to_le_bytes());
    file.extend_from_slice(&stored);
    let mut c = zstd::bulk::Compressor::with_dictionary(3, &dict).unwrap();
    for r in recs {
        file.extend_from_slice(&c.compress(&r.bytes()).unwrap());
    }
    file
}

#[test]
fn zstd_warc_with_a_dictionary_frame() {
    let recs = [
        response(1),
        Rec::new("metadata", 2, "x: y\r\n"),
        response(3),
    ];
    for compress_dict in [false, true] {
        let file = warc_zstd_with_dictionary(&recs, compress_dict);
        // Without the dictionary these frames cannot be decoded at all.
        assert!(zstd::stream::decode_all(&file[..]).is_err());
        let items = read_default("crawl.warc.zst", file);
        assert_eq!(
            kinds(&items),
            [
                format!("D:{}", id(1)),
                "S:warc-metadata".to_string(),
                format!("D:{}", id(3))
            ],
            "compressed dictionary: {compress_dict}"
        );
        assert_eq!(doc(&items[2]).body, html_page(3));
    }
    // A dictionary frame cut short names the dictionary.
    let file = warc_zstd_with_dictionary(&recs, false);
    let items = read_default("cut.warc.zst", file[..100].to_vec());
    assert_eq!(items.len(), 1);
    assert!(
        err(&items[0]).contains("zstd dictionary frame"),
        "{}",
        err(&items[0])
    );
}

// ---------------------------------------------------------------- HTTP content codings

/// A Brotli stream of uncompressed meta-blocks (RFC 7932 section 9.2), written bit by bit.
fn brotli_stored(data: &[u8]) -> Vec<u8> {
    assert!(!data.is_empty() && data.len() <= 1 << 16, "one meta-block");
    // bit 0: WBITS 16; bit 1: ISLAST 0; bits 2-3: MNIBBLES 4; bits 4-19: MLEN-1;
    // bit 20: ISUNCOMPRESSED 1; bits 21-23: padding. Then the bytes, then a last empty
    // meta-block (ISLAST 1, ISLASTEMPTY 1).
    let v: u32 = ((data.len() as u32 - 1) << 4) | (1 << 20);
    let mut out = v.to_le_bytes()[..3].to_vec();
    out.extend_from_slice(data);
    out.push(0x03);
    out
}

#[test]
fn brotli_payloads_are_decoded() {
    let page = b"<html><body><p>Shop now! Limited time only.</p></body></html>";
    let br = brotli_stored(page);
    assert_ne!(&br[..], &page[..]);
    let items = read_default("br.warc", encoded_response(1, "br", &br).bytes());
    let r = doc(&items[0]);
    assert_eq!(r.body, page);
    assert!(!r.content_encoding_ignored);
    // Brotli cut after some output is an error naming the coding.
    let mut bad = br.clone();
    bad.truncate(bad.len() - 10);
    let items = read_default("br.warc", encoded_response(1, "br", &bad).bytes());
    assert!(
        err(&items[0]).contains("Content-Encoding `br`"),
        "{}",
        err(&items[0])
    );
}

#[test]
fn plain_payload_labelled_gzip_is_kept_and_marked() {
    let page = b"<html><body><p>Shop now!</p></body></html>".to_vec();
    let recs = [
        encoded_response(1, "gzip", &page),
        // With WARC-Truncated too: the page, not an empty "clean" document.
        encoded_response(2, "gzip", &page).header("WARC-Truncated", "length"),
        encoded_response(3, "gzip", &gzip(&page)),
    ];
    let (file, _) = concat(&recs);
    let items = read_default("clueweb.warc", file.clone());
    for (i, ignored) in [(0, true), (1, true), (2, false)] {
        let r = doc(&items[i]);
        assert_eq!(r.body, page, "record {i}");
        assert_eq!(r.content_encoding_ignored, ignored, "record {i}");
    }
    assert_eq!(doc(&items[1]).truncated_reason.as_deref(), Some("length"));

    // What a user sees: the documents are scanned, and the first two say so.
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("clueweb.warc"), &file).unwrap();
    let (code, lines, _) = scan_jsonl(d.path(), &["clueweb.warc"]);
    assert_eq!(code, 0);
    let docs = of_type(&lines, "document");
    assert_eq!(docs.len(), 3);
    for (doc, ignored) in docs.iter().zip([true, true, false]) {
        assert!(!doc["findings"].as_array().unwrap().is_empty(), "{doc}");
        assert_eq!(
            doc.get("content_encoding_ignored").is_some(),
            ignored,
            "{doc}"
        );
        if ignored {
            assert_eq!(doc["content_encoding_ignored"], true);
        }
    }
}

// ---------------------------------------------------------------- lenient headers

#[test]
fn crcrlf_headers_and_httpx_status_lines() {
    let body = b"<html><body><p>Buy now!</p></body></html>";
    let mut block = b"HTTPX/1.1 200 OK\r\r\nContent-Type: text/html\r\r\n\r\r\n".to_vec();
    block.extend_from_slice(body);
    let mut file = format!(
        "WARC/1.0\r\r\nWARC-Type: response\r\r\nWARC-Record-ID: {}\r\r\n\
         WARC-Target-URI: http://example.com/x\r\r\nContent-Length: {}\r\r\n\r\r\n",
        id(1),
        block.len()
    )
    .into_bytes();
    file.extend_from_slice(&block);
    file.extend_from_slice(b"\r\r\n\r\r\n");
    file.extend_from_slice(&response(2).bytes());
    let items = read_default("old.warc", file);
    assert_eq!(
        kinds(&items),
        [format!("D:{}", id(1)), format!("D:{}", id(2))]
    );
    let r = doc(&items[0]);
    assert_eq!(r.body, body);
    assert_eq!(r.http_status, Some(200));
    assert_eq!(r.url.as_deref(), Some("http://example.com/x"));
}

#[test]
fn errors_name_the_real_cause() {
    // An ARC file forced through the WARC reader says it is ARC.
    let opts = InputOptions {
        format: InputFormat::Warc,
        ..InputOptions::default()
    };
    let items = read("x.warc", arc_records().concat(), &opts);
    let m = err(&items[0]);
    assert!(m.contains("an ARC file header"), "{m}");
    // bzip2 data is named as such.
    let items = read("x.warc", b"BZh91AY&SY\x01\x02\x03\n".to_vec(), &opts);
    assert!(
        err(&items[0]).contains("bzip2-compressed data"),
        "{}",
        err(&items[0])
    );
}

// ---------------------------------------------------------------- binary and empty files

#[test]
fn binary_files_are_skipped_and_counted() {
    let d = tempfile::tempdir().unwrap();
    let tree = d.path().join("tree");
    std::fs::create_dir(&tree).unwrap();
    // An executable and an image given by path, a model file with a text name in a tree.
    let elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0 https://amzn.to/x Shop now!";
    std::fs::write(d.path().join("a.out"), elf).unwrap();
    std::fs::write(
        d.path().join("logo.png"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10 Buy now!",
    )
    .unwrap();
    let mut model = b"GGUF\x03\0\0\0".to_vec();
    model.extend_from_slice(b"tokenizer Shop now! https://amzn.to/y");
    std::fs::write(tree.join("weights.txt"), &model).unwrap();
    std::fs::write(tree.join("page.html"), b"<p>Shop now!</p>").unwrap();
    // UTF-16 text with a byte-order mark is text.
    let utf16: Vec<u8> = "\u{feff}Shop now!"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    std::fs::write(tree.join("utf16.txt"), &utf16).unwrap();
    let (code, lines, _) = scan_jsonl(d.path(), &["a.out", "logo.png", "tree"]);
    assert_eq!(code, 0);
    let docs = of_type(&lines, "document");
    let sources: Vec<&str> = docs.iter().map(|d| d["source"].as_str().unwrap()).collect();
    assert_eq!(sources, ["tree/page.html", "tree/utf16.txt"]);
    assert!(
        docs.iter()
            .all(|d| d["links"].as_array().unwrap().is_empty())
    );
    let s = summary(&lines);
    assert_eq!(s["skipped"]["binary"], 3, "{s}");
    assert_eq!(s["documents"], 2);
    // Forced to text, a binary file is read as text.
    let (_, lines, _) = scan_jsonl(d.path(), &["--input-format", "text", "a.out"]);
    assert_eq!(of_type(&lines, "document").len(), 1);
}

#[test]
fn empty_input_is_no_document() {
    for name in ["e.html", "e.txt", "e", "e.html.gz"] {
        let bytes = if name.ends_with(".gz") {
            gzip(b"")
        } else {
            Vec::new()
        };
        let items = read_default(name, bytes);
        assert!(items.is_empty(), "{name}: {items:?}");
    }
    // Whitespace is a document (a text file with a blank line is a file the user wrote).
    let items = read_default("blank.txt", b"\n".to_vec());
    assert!(matches!(items[..], [Item::Doc(_)]));
}

// ---------------------------------------------------------------- damage never panics

/// Every prefix and many byte flips of each new format: no panic, no hang, every item
/// accounted for in order, and never more items than bytes.
#[test]
fn damaged_archives_never_panic() {
    let arc = arc_records().concat();
    let arc_gz: Vec<u8> = arc_records().iter().flat_map(|r| gzip(r)).collect();
    let recs = [
        response(1),
        Rec::new("metadata", 2, "x: y\r\n"),
        response(3),
    ];
    let lz4: Vec<u8> = recs.iter().flat_map(|r| lz4_frame(&r.bytes())).collect();
    let zst = warc_zstd_with_dictionary(&recs, true);
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for (name, file) in [
        ("x.arc", &arc),
        ("x.arc.gz", &arc_gz),
        ("x.warc.lz4", &lz4),
        ("x.warc.zst", &zst),
    ] {
        let step = (file.len() / 300).max(1);
        for cut in (0..file.len()).step_by(step) {
            let items = read_default(name, file[..cut].to_vec());
            assert!(items.len() <= cut + 2, "{name} cut at {cut}");
        }
        for _ in 0..300 {
            let mut bad = file.clone();
            for _ in 0..1 + next() % 4 {
                let at = (next() % bad.len() as u64) as usize;
                bad[at] = next() as u8;
            }
            let items = read_default(name, bad);
            assert!(items.len() <= file.len() + 2, "{name}");
        }
    }
}

#[test]
fn arc_version_2_header_lines() {
    let desc = b"2 0 Test\nURL IP-address Archive-date Content-type Result-code Checksum Location Offset Filename Archive-length\n";
    let page = http(Some("text/html"), &html_page(7));
    let mut file = format!(
        "filedesc://t.arc 0.0.0.0 20080430204825 text/plain 200 - - 0 t.arc {}\n",
        desc.len()
    )
    .into_bytes();
    file.extend_from_slice(desc);
    file.push(b'\n');
    file.extend_from_slice(
        format!(
            "http://example.com/7 1.2.3.4 20080430204826 text/html 200 SHA1XYZ - 250 t.arc {}\n",
            page.len()
        )
        .as_bytes(),
    );
    file.extend_from_slice(&page);
    file.push(b'\n');
    let items = read_default("v2.arc", file);
    assert_eq!(kinds(&items), ["S:arc-filedesc", "D:v2.arc#1"]);
    let r = doc(&items[1]);
    assert_eq!(r.url.as_deref(), Some("http://example.com/7"));
    assert_eq!(r.body, html_page(7));
}
