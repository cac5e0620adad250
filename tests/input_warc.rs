//! WARC and WET reading: records, skip reasons, offsets, and damage.

mod common;

use common::*;
use puffery::DocFormat;
use puffery::input::{InputFormat, InputOptions, Item};

/// A Common-Crawl-shaped file plus the record kinds a crawl also holds.
fn crawl() -> Vec<Rec> {
    vec![
        Rec::new("warcinfo", 0, "software: test\r\n")
            .header("Content-Type", "application/warc-fields"),
        Rec::new("request", 1, "GET /1 HTTP/1.1\r\nHost: example.com\r\n\r\n")
            .header("WARC-Target-URI", "https://example.com/1"),
        response(1),
        Rec::new("metadata", 3, "fetchTimeMs: 12\r\n"),
        // A PDF, declared by Common Crawl's detector: skipped.
        Rec::new(
            "response",
            4,
            http(Some("application/pdf"), b"%PDF-1.4 ..."),
        )
        .header("WARC-Target-URI", "https://example.com/a.pdf")
        .header("WARC-Identified-Payload-Type", "application/pdf"),
        // No Content-Type anywhere: sniffed as HTML.
        Rec::new(
            "response",
            5,
            http(None, b"<html><body>sniffed</body></html>"),
        )
        .header("WARC-Target-URI", "<https://example.com/5>"),
        // Server says octet-stream, the detector says HTML; charset from HTTP.
        Rec::new(
            "response",
            6,
            http(
                Some("application/octet-stream; charset=windows-1252"),
                b"<p>caf\xe9</p>",
            ),
        )
        .header("WARC-Target-URI", "https://example.com/6")
        .header("WARC-Identified-Payload-Type", "text/html"),
        // Truncated by the crawler.
        Rec::new("response", 7, http(Some("text/html"), b"<html><body>cut"))
            .header("WARC-Target-URI", "https://example.com/7")
            .header("WARC-Truncated", "length"),
        // Garbage instead of HTTP headers: the whole block is the payload.
        Rec::new("response", 8, "<html>no http head</html>")
            .header("WARC-Target-URI", "https://example.com/8"),
        Rec::new("revisit", 9, http(Some("text/html"), b"")),
        Rec::new("resource", 10, "<html>resource</html>")
            .header("Content-Type", "text/html; charset=iso-8859-1")
            .header("WARC-Target-URI", "file:///r.html"),
        Rec::new("resource", 11, &b"\x89PNG..."[..]).header("Content-Type", "image/png"),
        Rec::new("continuation", 12, "x"),
        Rec::new(
            "response",
            13,
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<p>gone</p>",
        )
        .header("WARC-Target-URI", "https://example.com/13"),
    ]
}

fn check_crawl(items: &[Item], offsets: &[u64], gz_offsets: Option<&[u64]>) {
    assert_eq!(
        kinds(items),
        [
            "S:warcinfo".to_string(),
            "S:warc-request".into(),
            format!("D:{}", id(1)),
            "S:warc-metadata".into(),
            "S:non-html".into(),
            format!("D:{}", id(5)),
            format!("D:{}", id(6)),
            format!("D:{}", id(7)),
            format!("D:{}", id(8)),
            "S:warc-revisit".into(),
            format!("D:{}", id(10)),
            "S:non-html".into(),
            "S:warc-continuation".into(),
            format!("D:{}", id(13)),
        ]
    );
    let r = doc(&items[2]);
    assert_eq!(r.record, 2);
    assert_eq!(r.url.as_deref(), Some("https://example.com/1"));
    assert_eq!(r.body, html_page(1));
    assert_eq!(r.format, DocFormat::Html);
    assert_eq!(r.charset.as_deref(), Some("UTF-8"));
    assert_eq!(r.http_status, Some(200));
    assert_eq!(r.offset, Some(offsets[2]));
    assert_eq!(r.gz_offset, gz_offsets.map(|g| g[2]));
    assert!(!r.truncated);

    let r = doc(&items[5]);
    assert_eq!(
        r.url.as_deref(),
        Some("https://example.com/5"),
        "angle brackets stripped"
    );
    assert_eq!(r.body, b"<html><body>sniffed</body></html>");
    // A payload is bytes, whatever they look like: the scan checks them.
    assert_eq!(r.body.as_str(), None);
    assert_eq!(r.charset, None);

    let r = doc(&items[6]);
    assert_eq!(r.body, b"<p>caf\xe9</p>", "invalid UTF-8 stays bytes");
    assert_eq!(r.charset.as_deref(), Some("windows-1252"));

    let r = doc(&items[7]);
    assert!(r.truncated);
    assert_eq!(r.truncated_reason.as_deref(), Some("length"));

    let r = doc(&items[8]);
    assert_eq!(r.body, b"<html>no http head</html>");
    assert_eq!(r.http_status, None);

    let r = doc(&items[10]);
    assert_eq!(r.body, b"<html>resource</html>");
    assert_eq!(r.charset.as_deref(), Some("iso-8859-1"));
    assert_eq!(r.url.as_deref(), Some("file:///r.html"));

    let r = doc(&items[13]);
    assert_eq!(r.http_status, Some(404));
    assert_eq!(r.body, b"<p>gone</p>");
    assert_eq!(r.offset, Some(offsets[13]));
    for item in items {
        if let Item::Doc(r) = item {
            assert_eq!(r.source, items_source(items));
        }
    }
}

fn items_source(items: &[Item]) -> String {
    items
        .iter()
        .find_map(|i| match i {
            Item::Doc(r) => Some(r.source.clone()),
            _ => None,
        })
        .unwrap()
}

#[test]
fn warc_plain() {
    let (bytes, offsets) = concat(&crawl());
    let items = read_default("crawl.warc", bytes);
    check_crawl(&items, &offsets, None);
    assert_eq!(items_source(&items), "crawl.warc");
}

#[test]
fn warc_gz_one_member_per_record() {
    let recs = crawl();
    let (plain, offsets) = concat(&recs);
    let (gz, members) = gzip_members(&recs);
    let items = read_default("crawl.warc.gz", gz.clone());
    check_crawl(&items, &offsets, Some(&members));
    // Sniffed from stdin, without a name to go by.
    let items = read_default("-", gz);
    check_crawl(&items, &offsets, Some(&members));
    // One member for the whole file: same records, member offset 0.
    let items = read_default("crawl.warc.gz", gzip(&plain));
    assert_eq!(doc(&items[2]).gz_offset, Some(0));
    assert_eq!(kinds(&items).len(), recs.len());
}

#[test]
fn warc_zstd_and_forced_format() {
    let (plain, offsets) = concat(&crawl());
    let items = read_default("crawl.warc.zst", zstd(&plain));
    check_crawl(&items, &offsets, None);
    let opts = InputOptions {
        format: InputFormat::Warc,
        ..InputOptions::default()
    };
    let items = read("weird-name.bin", plain, &opts);
    check_crawl(&items, &offsets, None);
}

#[test]
fn warc_bare_lf() {
    let recs: Vec<Rec> = vec![
        Rec::new("warcinfo", 0, "x: y\n").lf(),
        Rec::new(
            "response",
            1,
            "HTTP/1.1 200 OK\nContent-Type: text/html\n\n<p>lf</p>",
        )
        .header("WARC-Target-URI", "https://lf.example/")
        .lf(),
        response(2).lf(),
    ];
    let (bytes, _) = concat(&recs);
    let items = read_default("lf.warc", bytes);
    assert_eq!(
        kinds(&items),
        [
            "S:warcinfo".to_string(),
            format!("D:{}", id(1)),
            format!("D:{}", id(2))
        ]
    );
    assert_eq!(doc(&items[1]).body, b"<p>lf</p>");
    assert_eq!(doc(&items[2]).body, html_page(2));
}

#[test]
fn wet_conversion_records() {
    let recs = vec![
        Rec::new("warcinfo", 0, "isPartOf: CC-MAIN-2024-10\r\n"),
        Rec::new("conversion", 1, "Buy now! Limited offer.\nSecond line.")
            .header("WARC-Target-URI", "https://shop.example/")
            .header("WARC-Refers-To", "<urn:uuid:aaaa>")
            .header("Content-Type", "text/plain")
            .header("WARC-Identified-Content-Language", "eng,deu"),
        Rec::new("conversion", 2, "Jetzt kaufen").header("WARC-Identified-Content-Language", "deu"),
        Rec::new("conversion", 3, "Sans langue"),
        Rec::new("conversion", 4, ""),
        Rec::new("conversion", 5, "Acheter").header("WARC-Identified-Content-Language", "fra"),
    ];
    let (gz, members) = gzip_members(&recs);
    let items = read_default("CC-MAIN-x.warc.wet.gz", gz);
    assert_eq!(
        kinds(&items),
        [
            "S:warcinfo".to_string(),
            format!("D:{}", id(1)),
            format!("D:{}", id(2)),
            format!("D:{}", id(3)),
            "S:empty".into(),
            format!("D:{}", id(5)),
        ]
    );
    let r = doc(&items[1]);
    assert_eq!(r.format, DocFormat::Text);
    assert_eq!(r.body, b"Buy now! Limited offer.\nSecond line.");
    assert_eq!(r.lang.as_deref(), Some("en"));
    assert_eq!(r.refers_to.as_deref(), Some("<urn:uuid:aaaa>"));
    assert_eq!(r.url.as_deref(), Some("https://shop.example/"));
    assert_eq!(r.gz_offset, Some(members[1]));
    assert_eq!(doc(&items[2]).lang.as_deref(), Some("de"));
    assert_eq!(doc(&items[3]).lang, None);
    assert_eq!(doc(&items[5]).lang.as_deref(), Some("fr"));
}

#[test]
fn max_doc_bytes_truncates_and_reading_goes_on() {
    let big: Vec<u8> = b"<html><body>"
        .iter()
        .copied()
        .chain(std::iter::repeat_n(b'a', 200_000))
        .collect();
    let recs = vec![
        Rec::new("response", 0, http(Some("text/html"), &big)),
        Rec::new("request", 1, "GET / HTTP/1.1\r\n\r\n"),
        response(2),
    ];
    let (gz, _) = gzip_members(&recs);
    let opts = InputOptions {
        max_doc_bytes: 1000,
        ..InputOptions::default()
    };
    let items = read("big.warc.gz", gz, &opts);
    assert_eq!(
        kinds(&items),
        [
            format!("D:{}", id(0)),
            "S:warc-request".into(),
            format!("D:{}", id(2))
        ]
    );
    let r = doc(&items[0]);
    assert_eq!(r.body.len(), 1000);
    assert_eq!(&r.body[..], &big[..1000]);
    assert!(r.truncated);
    assert_eq!(r.truncated_reason.as_deref(), Some("max-doc-bytes"));
}

#[test]
fn chunked_and_gzip_encoded_payloads_are_decoded() {
    let page = b"<html><body>encoded page</body></html>";
    let mut chunked =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
            .to_vec();
    chunked.extend_from_slice(format!("{:x}\r\n", 12).as_bytes());
    chunked.extend_from_slice(&page[..12]);
    chunked.extend_from_slice(format!("\r\n{:x}\r\n", page.len() - 12).as_bytes());
    chunked.extend_from_slice(&page[12..]);
    chunked.extend_from_slice(b"\r\n0\r\n\r\n");
    let mut gzipped =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
    gzipped.extend_from_slice(&gzip(page));
    let recs = vec![
        Rec::new("response", 0, chunked),
        Rec::new("response", 1, gzipped),
    ];
    let (bytes, _) = concat(&recs);
    let items = read_default("enc.warc", bytes);
    assert_eq!(doc(&items[0]).body, page);
    assert_eq!(doc(&items[1]).body, page);
}

// ---- damage -------------------------------------------------------------------------------

fn source_of(item: &Item) -> &str {
    match item {
        Item::Error(e) => &e.source,
        Item::Doc(r) => &r.source,
        Item::Skipped { .. } => "",
    }
}

#[test]
fn content_length_too_short() {
    let recs = vec![response(0), response(1).length("40"), response(2)];
    let (bytes, offsets) = concat(&recs);
    let items = read_default("short.warc", bytes);
    assert_eq!(
        kinds(&items),
        [format!("D:{}", id(0)), "E".into(), format!("D:{}", id(2))]
    );
    let m = err(&items[1]);
    assert!(
        m.contains(&format!("WARC record at byte {}", offsets[1])),
        "{m}"
    );
    assert!(m.contains("does not end at a record boundary"), "{m}");
    assert!(
        m.contains(&format!("next record at byte {}", offsets[2])),
        "{m}"
    );
    assert_eq!(source_of(&items[1]), "short.warc");
    assert!(
        matches!(&items[1], Item::Error(e) if e.record == 1 && e.at.offset == Some(offsets[1]))
    );
}

#[test]
fn content_length_too_long_recovers_the_next_record() {
    for skipped_type in [false, true] {
        let first = if skipped_type {
            Rec::new("request", 0, "GET / HTTP/1.1\r\n\r\n").length("120")
        } else {
            response(0).length("300")
        };
        let recs = vec![first, response(1), response(2)];
        let (bytes, offsets) = concat(&recs);
        let items = read_default("long.warc", bytes);
        assert_eq!(
            kinds(&items),
            [
                "E".to_string(),
                format!("D:{}", id(1)),
                format!("D:{}", id(2))
            ]
        );
        let m = err(&items[0]);
        assert!(m.contains("is too long"), "{m}");
        assert!(
            m.contains(&format!("the next record starts at byte {}", offsets[1])),
            "{m}"
        );
        assert_eq!(doc(&items[1]).offset, Some(offsets[1]));
        assert_eq!(doc(&items[1]).body, html_page(1));
    }
}

#[test]
fn content_length_past_end_of_input() {
    let recs = vec![response(0), response(1).length("100000")];
    let (bytes, offsets) = concat(&recs);
    let items = read_default("eof.warc", bytes);
    assert_eq!(kinds(&items), [format!("D:{}", id(0)), "E".into()]);
    let m = err(&items[1]);
    assert!(
        m.contains(&format!("WARC record at byte {}", offsets[1])),
        "{m}"
    );
    assert!(m.contains("runs past the end of the input"), "{m}");
}

#[test]
fn garbage_between_records_and_missing_headers() {
    let mut bytes = response(0).bytes();
    let garbage_at = bytes.len() as u64;
    bytes.extend_from_slice(b"this is not a record\r\nnor is this\r\n");
    let (rest, offsets) = concat(&[
        response(1),
        response(2).length(""),                  // no Content-Length
        Rec::new("", 3, "<html>untyped</html>"), // no WARC-Type
        response(4).length("12x"),
        Rec::new("response", 5, "").header("WARC-Target-URI", "https://zero/"),
        response(6),
    ]);
    let base = bytes.len() as u64;
    bytes.extend_from_slice(&rest);
    let items = read_default("junk.warc", bytes);
    assert_eq!(
        kinds(&items),
        [
            format!("D:{}", id(0)),
            "E".into(),
            format!("D:{}", id(1)),
            "E".into(),
            "E".into(),
            "E".into(),
            "E".into(),
            format!("D:{}", id(6)),
        ]
    );
    let m = err(&items[1]);
    assert!(
        m.contains(&format!("WARC record at byte {garbage_at}")),
        "{m}"
    );
    assert!(m.contains("expected a WARC/1.x line"), "{m}");
    assert!(
        m.contains(&format!("next record at byte {}", base + offsets[0])),
        "{m}"
    );
    assert!(
        err(&items[3]).contains("missing Content-Length"),
        "{}",
        err(&items[3])
    );
    assert!(err(&items[3]).contains(&format!("byte {}", base + offsets[1])));
    assert!(
        err(&items[4]).contains("missing WARC-Type"),
        "{}",
        err(&items[4])
    );
    assert!(
        err(&items[5]).contains("invalid Content-Length \"12x\""),
        "{}",
        err(&items[5])
    );
    assert!(
        err(&items[6]).contains("zero-length response record"),
        "{}",
        err(&items[6])
    );
}

#[test]
fn header_cut_short_at_end() {
    let mut bytes = response(0).bytes();
    bytes.extend_from_slice(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Len");
    let items = read_default("cut.warc", bytes);
    assert_eq!(kinds(&items), [format!("D:{}", id(0)), "E".into()]);
    assert!(
        err(&items[1]).contains("WARC header cut short"),
        "{}",
        err(&items[1])
    );
}

#[test]
fn not_a_warc_at_all() {
    let opts = InputOptions {
        format: InputFormat::Warc,
        ..InputOptions::default()
    };
    let items = read("x.warc", b"hello\nworld\n".to_vec(), &opts);
    assert_eq!(kinds(&items), ["E"]);
    assert!(
        err(&items[0]).contains("no further record"),
        "{}",
        err(&items[0])
    );
    assert!(read("empty.warc", Vec::new(), &opts).is_empty());
}

#[test]
fn truncated_gzip_member() {
    let recs = vec![response(0), response(1), response(2)];
    let (mut gz, members) = gzip_members(&recs);
    gz.truncate(members[2] as usize + 30);
    let items = read_default("trunc.warc.gz", gz);
    assert_eq!(
        kinds(&items),
        [format!("D:{}", id(0)), format!("D:{}", id(1)), "E".into()]
    );
    let m = err(&items[2]);
    assert!(
        m.contains(&format!(
            "truncated gzip member at compressed byte {}",
            members[2]
        )),
        "{m}"
    );
    assert!(m.contains("trunc") || source_of(&items[2]) == "trunc.warc.gz");
}

#[test]
fn garbage_between_gzip_members() {
    let recs = [response(0), response(1), response(2)];
    let mut gz = Vec::new();
    let mut members = Vec::new();
    for (i, r) in recs.iter().enumerate() {
        if i == 1 {
            gz.extend_from_slice(b"GARBAGE\x1f\x8b junk");
        }
        members.push(gz.len() as u64);
        gz.extend_from_slice(&gzip(&r.bytes()));
    }
    let items = read_default("garbage.warc.gz", gz);
    assert_eq!(
        kinds(&items),
        [
            format!("D:{}", id(0)),
            "E".into(),
            format!("D:{}", id(1)),
            format!("D:{}", id(2))
        ]
    );
    let m = err(&items[1]);
    assert!(
        m.contains(&format!(
            "14 bytes of non-gzip data at compressed byte {}",
            members[1] - 14
        )),
        "{m}"
    );
    let next_record = recs[0].bytes().len();
    assert!(
        m.contains(&format!("WARC record at byte {next_record}:")),
        "{m}"
    );
    assert!(
        m.contains(&format!("the next record starts at byte {next_record}")),
        "{m}"
    );
    assert_eq!(doc(&items[2]).gz_offset, Some(members[1]));
    assert_eq!(doc(&items[3]).gz_offset, Some(members[2]));
}

#[test]
fn corrupt_gzip_member_in_the_middle() {
    let recs = vec![response(0), response(1), response(2), response(3)];
    let (mut gz, members) = gzip_members(&recs);
    // Overwrite the deflate data of member 1 (after its 10-byte header).
    let a = members[1] as usize + 12;
    let b = members[2] as usize - 10;
    for (k, byte) in gz[a..b].iter_mut().enumerate() {
        *byte = (k as u8).wrapping_mul(37) ^ 0xff;
    }
    let items = read_default("corrupt.warc.gz", gz);
    check_accounting(&items);
    let k = kinds(&items);
    assert_eq!(k.first(), Some(&format!("D:{}", id(0))), "{k:?}");
    assert_eq!(
        k[k.len() - 2..],
        [format!("D:{}", id(2)), format!("D:{}", id(3))],
        "{k:?}"
    );
    assert!(!k.contains(&format!("D:{}", id(1))), "{k:?}");
    let errors: Vec<String> = items
        .iter()
        .filter(|i| matches!(i, Item::Error(_)))
        .map(err)
        .collect();
    assert!(!errors.is_empty());
    assert!(
        errors
            .iter()
            .any(|m| m.contains(&format!("gzip member at compressed byte {}", members[1]))),
        "{errors:?}"
    );
}

#[test]
fn corrupt_crc_is_reported() {
    let recs = vec![response(0), response(1)];
    let (mut gz, members) = gzip_members(&recs);
    let crc_at = members[1] as usize - 8;
    gz[crc_at] ^= 0xff;
    let items = read_default("crc.warc.gz", gz);
    let k = kinds(&items);
    assert!(k.contains(&"E".to_string()), "{k:?}");
    assert_eq!(k.last(), Some(&format!("D:{}", id(1))), "{k:?}");
}

#[test]
fn unreadable_file_is_one_error() {
    let items: Vec<Item> = puffery::input::open_path(
        std::path::Path::new("/nonexistent/x.warc.gz"),
        &InputOptions::default(),
    )
    .collect();
    assert_eq!(kinds(&items), ["E"]);
    assert!(err(&items[0]).contains("cannot open"));
    assert_eq!(source_of(&items[0]), "/nonexistent/x.warc.gz");
}

#[test]
fn damaged_member_that_swallows_the_next_ones() {
    // FEXTRA set on member 1: the decoder reads an "extra field" length from the deflate data
    // and skips far past its member. Reading rewinds and finds members 2 and 3.
    let recs = [response(0), response(1), response(2), response(3)];
    let (mut gz, members) = gzip_members(&recs);
    let flg = members[1] as usize + 3;
    gz[flg] |= 0x04;
    gz[flg + 7] = 0xff; // XLEN low byte: lands in member 1's deflate data
    gz[flg + 8] = 0xff;
    let items = read_default("fextra.warc.gz", gz);
    assert_eq!(
        kinds(&items),
        [
            format!("D:{}", id(0)),
            "E".into(),
            format!("D:{}", id(2)),
            format!("D:{}", id(3))
        ]
    );
    let m = err(&items[1]);
    assert!(
        m.contains(&format!("gzip member at compressed byte {}", members[1])),
        "{m}"
    );
    assert!(
        m.contains(&format!(
            "the next member starts at compressed byte {}",
            members[2]
        )),
        "{m}"
    );
    assert_eq!(doc(&items[2]).gz_offset, Some(members[2]));
}

#[test]
fn header_names_are_case_insensitive_and_lines_continue() {
    let block = http(Some("text/html"), b"<p>x</p>");
    let mut bytes = format!(
        "WARC/1.1\r\nwarc-type: response\r\nwarc-record-id: <urn:x>\r\nWARC-Target-URI: https://a.example/\r\n  long/path\r\n\
         content-length: {}\r\nX-Unknown: whatever\r\nno colon here\r\n\r\n",
        block.len()
    )
    .into_bytes();
    bytes.extend_from_slice(&block);
    bytes.extend_from_slice(b"\r\n\r\n\r\n\r\n");
    bytes.extend_from_slice(&response(1).bytes());
    let items = read_default("-", bytes);
    assert_eq!(
        kinds(&items),
        ["D:<urn:x>".to_string(), format!("D:{}", id(1))]
    );
    assert_eq!(
        doc(&items[0]).url.as_deref(),
        Some("https://a.example/ long/path")
    );
}

#[test]
fn headers_only_response_is_skipped_as_empty() {
    let recs = [
        Rec::new(
            "response",
            0,
            "HTTP/1.1 301 Moved Permanently\r\nLocation: https://b/\r\n\r\n",
        ),
        Rec::new("response", 1, "HTTP/1.1 204 No Content\r\n\r\n")
            .header("WARC-Identified-Payload-Type", "text/html"),
        response(2),
    ];
    let items = read_default("redirects.warc", concat(&recs).0);
    assert_eq!(
        kinds(&items),
        [
            "S:empty".to_string(),
            "S:empty".into(),
            format!("D:{}", id(2))
        ]
    );
}
