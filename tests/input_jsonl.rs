//! JSONL reading: fields, compression, bad lines, long lines.

mod common;

use common::*;
use puffery::DocFormat;
use puffery::input::{InputFormat, InputOptions, Item};

const SHARD: &str = concat!(
    r#"{"id":"doc-1","text":"Shop now and save!","url":"https://a.example/","lang":"en"}"#,
    "\n",
    r#"{"id":42,"html":"<p>Buy <a href=\"https://amzn.to/x\">here</a></p>","text":"ignored","language":"deu"}"#,
    "\n",
    r#"{"text":"no id, caf\u00e9 \ud83d\ude00","metadata":{"nested":[1,2,{"text":"not me"}]}}"#,
    "\n",
    "not json at all\n",
    "\n",
    "[1,2,3]\n",
    r#"{"id":"no-text","title":"x"}"#,
    "\n",
    r#"{"id":"bad-type","text":17}"#,
    "\n",
    r#"{"id":"null-html","html":null,"text":"text wins when html is null"}"#,
    "\n",
    "   \t \n",
    r#"{"id":"trailing","text":"x"} garbage"#,
    "\n",
    r#"{"id":"last","text":"no newline at the end"}"#,
);

fn check_shard(items: &[Item], name: &str) {
    assert_eq!(
        kinds(items),
        [
            "D:doc-1",
            "D:42",
            &format!("D:{name}:3"),
            "E",
            "S:blank-line",
            "E",
            "E",
            "E",
            "D:null-html",
            "S:blank-line",
            "E",
            "D:last",
        ]
    );
    let r = doc(&items[0]);
    assert_eq!(r.body, b"Shop now and save!");
    assert_eq!(r.format, DocFormat::Text);
    assert_eq!(r.url.as_deref(), Some("https://a.example/"));
    assert_eq!(r.lang.as_deref(), Some("en"));
    assert_eq!((r.line, r.record, r.offset), (Some(1), 0, Some(0)));
    assert_eq!(r.source, name);

    let r = doc(&items[1]);
    assert_eq!(r.format, DocFormat::Html, "html wins over text");
    assert_eq!(
        r.body,
        br#"<p>Buy <a href="https://amzn.to/x">here</a></p>"#
    );
    assert_eq!(
        r.lang.as_deref(),
        Some("de"),
        "`language` when `lang` is absent, ISO 639-3 mapped"
    );
    assert_eq!(r.line, Some(2));
    let line1_len = SHARD.find('\n').unwrap() as u64 + 1;
    assert_eq!(r.offset, Some(line1_len));

    let r = doc(&items[2]);
    assert_eq!(std::str::from_utf8(&r.body).unwrap(), "no id, café 😀");
    // A JSON string is text: the scan takes it as such without checking it again.
    assert_eq!(r.body.as_str(), Some("no id, café 😀"));
    assert_eq!(r.url, None);

    for (i, want) in [
        (3, "line 4: invalid JSON at column 2"),
        (5, "line 6: not a JSON object"),
        (6, "line 7: no `text` or `html` field"),
        (7, "line 8: field `text` is a number, not a string"),
        (10, "line 11: invalid JSON at column"),
    ] {
        let m = err(&items[i]);
        // The message names the line and its byte offset: `line 4 (byte 123): ...`.
        let Item::Error(e) = &items[i] else {
            panic!("{:?}", items[i])
        };
        let Some(off) = e.at.offset else {
            panic!("{:?}", items[i])
        };
        let (line, what) = want.split_once(": ").unwrap();
        let want = format!("{line} (byte {off}): {what}");
        assert!(m.starts_with(&want), "item {i}: {m}");
        assert!(
            matches!(&items[i], Item::Error(e)
                if e.source == name && e.at.line == Some(i as u64 + 1) && e.record == i as u64
                    && e.kind == puffery::input::ReadErrorKind::Jsonl),
            "{:?}",
            items[i]
        );
    }
    assert_eq!(doc(&items[8]).format, DocFormat::Text);
    assert_eq!(doc(&items[11]).line, Some(12));
}

#[test]
fn jsonl_plain_gz_zst() {
    check_shard(
        &read_default("shard.jsonl", SHARD.as_bytes().to_vec()),
        "shard.jsonl",
    );
    check_shard(
        &read_default("shard.jsonl.gz", gzip(SHARD.as_bytes())),
        "shard.jsonl.gz",
    );
    check_shard(
        &read_default("shard.jsonl.zst", zstd(SHARD.as_bytes())),
        "shard.jsonl.zst",
    );
    check_shard(
        &read_default("shard.json.gz", gzip(SHARD.as_bytes())),
        "shard.json.gz",
    );
    // stdin: sniffed by the leading `{`.
    check_shard(&read_default("-", zstd(SHARD.as_bytes())), "-");
}

#[test]
fn crlf_bom_and_custom_fields() {
    let data = "\u{feff}{\"doc_id\":\"a\",\"content\":\"one\",\"link\":\"https://x/\",\"lg\":\"fra\"}\r\n{\"content\":\"two\"}\r\n";
    let opts = InputOptions {
        text_field: "content".into(),
        id_field: "doc_id".into(),
        url_field: "link".into(),
        lang_field: "lg".into(),
        ..InputOptions::default()
    };
    let items = read("x.jsonl", data.as_bytes().to_vec(), &opts);
    assert_eq!(kinds(&items), ["D:a", "D:x.jsonl:2"]);
    let r = doc(&items[0]);
    assert_eq!(r.body, b"one");
    assert_eq!(r.url.as_deref(), Some("https://x/"));
    assert_eq!(r.lang.as_deref(), Some("fr"));
    assert_eq!(doc(&items[1]).body, b"two");
}

#[test]
fn keep_json_and_line() {
    let line = r#"{"z":1,"text":"hi","a":{"b":[true,null]}}"#;
    let opts = InputOptions {
        keep_json: true,
        keep_line: true,
        ..InputOptions::default()
    };
    let items = read("k.jsonl", format!("{line}\n").into_bytes(), &opts);
    let r = doc(&items[0]);
    let json = r.json.as_ref().unwrap();
    assert_eq!(json["z"], 1);
    assert_eq!(json["a"]["b"][0], true);
    assert_eq!(json["text"], "hi");
    assert_eq!(r.raw_line.as_deref(), Some(line.as_bytes()));
    // Off by default.
    let items = read_default("k.jsonl", format!("{line}\n").into_bytes());
    assert!(doc(&items[0]).json.is_none() && doc(&items[0]).raw_line.is_none());
}

#[test]
fn long_lines() {
    // A 10 MB text field parses in one piece.
    let big = "x".repeat(10_000_000);
    let data =
        format!("{{\"id\":\"big\",\"text\":\"{big}\"}}\n{{\"id\":\"after\",\"text\":\"ok\"}}\n");
    let opts = InputOptions {
        max_doc_bytes: 20_000_000,
        ..InputOptions::default()
    };
    let items = read("big.jsonl.gz", gzip(data.as_bytes()), &opts);
    assert_eq!(kinds(&items), ["D:big", "D:after"]);
    assert_eq!(doc(&items[0]).body.len(), 10_000_000);
    assert!(!doc(&items[0]).truncated);

    // Over max_doc_bytes: cut at a character boundary.
    let opts = InputOptions {
        max_doc_bytes: 4,
        ..InputOptions::default()
    };
    let items = read(
        "cut.jsonl",
        "{\"text\":\"aé€b\"}\n".as_bytes().to_vec(),
        &opts,
    );
    let r = doc(&items[0]);
    assert_eq!(r.body, "aé".as_bytes());
    assert!(r.truncated);
    assert_eq!(r.truncated_reason.as_deref(), Some("max-doc-bytes"));

    // Over max_line_bytes: skipped unread, one error, the stream goes on.
    let opts = InputOptions {
        max_line_bytes: 1 << 20,
        ..InputOptions::default()
    };
    let items = read("big.jsonl", data.into_bytes(), &opts);
    assert_eq!(kinds(&items), ["E", "D:after"]);
    let m = err(&items[0]);
    assert!(m.starts_with("line 1 (byte 0): line of 100000"), "{m}");
    assert!(m.contains("longer than the 1048576 byte limit"), "{m}");
    assert_eq!(doc(&items[1]).line, Some(2));
}

#[test]
fn truncated_gzip_jsonl() {
    let lines: String = (0..200)
        .map(|i| format!("{{\"id\":{i},\"text\":\"line {i} of a shard\"}}\n"))
        .collect();
    let mut gz = gzip(lines.as_bytes());
    gz.truncate(gz.len() / 2);
    let items = read_default("t.jsonl.gz", gz);
    let n = items.len();
    assert!(n > 1 && n < 200, "{n}");
    for item in &items[..n - 1] {
        doc(item);
    }
    let m = err(&items[n - 1]);
    assert!(
        m.contains("truncated gzip member at compressed byte 0"),
        "{m}"
    );
    assert!(m.starts_with(&format!("line {n} (byte ")), "{m}");
}

#[test]
fn forced_jsonl_and_invalid_utf8() {
    let opts = InputOptions {
        format: InputFormat::Jsonl,
        ..InputOptions::default()
    };
    let items = read(
        "data.txt",
        b"{\"text\":\"ok\"}\n{\"text\":\"\xff\xfe\"}\n".to_vec(),
        &opts,
    );
    assert_eq!(kinds(&items), ["D:data.txt:1", "E"]);
    assert!(
        err(&items[1]).starts_with("line 2 (byte 14): invalid JSON"),
        "{}",
        err(&items[1])
    );
}

#[test]
fn truncated_zstd_and_multi_member_gzip() {
    let lines: String = (0..500)
        .map(|i| {
            format!(
                "{{\"id\":{i},\"text\":\"row {i}: {}\"}}\n",
                "y".repeat(i % 50)
            )
        })
        .collect();
    let mut z = zstd(lines.as_bytes());
    z.truncate(z.len() - 10);
    let items = read_default("t.jsonl.zst", z);
    let n = items.len();
    assert!(n >= 1, "{n}");
    let m = err(&items[n - 1]);
    assert!(
        m.contains("zstd stream unreadable near compressed byte"),
        "{m}"
    );
    for item in &items[..n - 1] {
        doc(item);
    }

    // Shards appended with `cat a.gz b.gz`: one stream of lines.
    let (a, b) = lines.split_at(lines.find("{\"id\":250").unwrap());
    let mut gz = gzip(a.as_bytes());
    gz.extend_from_slice(&gzip(b.as_bytes()));
    let items = read_default("cat.jsonl.gz", gz);
    assert_eq!(items.len(), 500);
    assert_eq!(doc(&items[499]).id, "499");
    assert_eq!(doc(&items[250]).line, Some(251));
}
