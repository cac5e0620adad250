//! Crawl-scale inputs through the command: WARC, WARC.gz, WET, JSONL (.gz, .zst), annotate and
//! dolma output, sharding, `-o DIR`. Fixtures are written by the tests.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{Rec, gzip, gzip_members, http, response, zstd};
use serde_json::Value;

fn puffery(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_puffery"))
        .args(args)
        .output()
        .expect("puffery runs")
}

fn json_lines(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn warc_records() -> Vec<Rec> {
    vec![
        Rec::new("warcinfo", 0, "software: test\r\n"),
        Rec::new("request", 1, "GET /1 HTTP/1.1\r\n\r\n"),
        response(1),
        Rec::new("metadata", 2, "fetchTimeMs: 1\r\n"),
        response(2),
        Rec::new("response", 3, http(Some("image/png"), b"\x89PNG"))
            .header("WARC-Target-URI", "https://example.com/x.png"),
    ]
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn warc_and_warc_gz_give_ids_urls_offsets_and_skips() {
    let dir = tempfile::tempdir().unwrap();
    let recs = warc_records();
    let (plain, _) = common::concat(&recs);
    let (gz, _) = gzip_members(&recs);
    for path in [
        write(dir.path(), "a.warc", &plain),
        write(dir.path(), "a.warc.gz", &gz),
    ] {
        let out = puffery(&["scan", &path, "--format", "jsonl"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let lines = json_lines(&out);
        let docs: Vec<&Value> = lines.iter().filter(|l| l["type"] == "document").collect();
        assert_eq!(docs.len(), 2);
        assert_eq!(
            docs[0]["id"],
            "<urn:uuid:00000000-0000-0000-0000-000000000001>"
        );
        assert_eq!(docs[0]["url"], "https://example.com/1");
        assert_eq!(docs[1]["url"], "https://example.com/2");
        let html = common::html_page(1);
        let f = &docs[0]["findings"][0];
        assert_eq!(f["rule"], "cta.buy-now");
        let (s, e) = (
            f["start"].as_u64().unwrap() as usize,
            f["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&html[s..e], b"Shop now");
        let summary = lines.last().unwrap();
        assert_eq!(summary["documents"], 2);
        let skipped = &summary["skipped"];
        let total_skipped: u64 = skipped
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(
            2 + total_skipped,
            recs.len() as u64,
            "every record accounted for: {skipped}"
        );
        assert_eq!(skipped["non-html"], 1);
    }
}

#[test]
fn wet_records_are_text_documents_with_their_language() {
    let dir = tempfile::tempdir().unwrap();
    let recs = vec![
        Rec::new("warcinfo", 0, "software: test\r\n"),
        Rec::new("conversion", 1, "Jetzt kaufen! Nur für kurze Zeit.")
            .header("WARC-Target-URI", "https://example.de/")
            .header("WARC-Refers-To", "<urn:uuid:x>")
            .header("WARC-Identified-Content-Language", "deu")
            .header("Content-Type", "text/plain"),
    ];
    let (gz, _) = gzip_members(&recs);
    let path = write(dir.path(), "a.warc.wet.gz", &gz);
    let lines = json_lines(&puffery(&["scan", &path, "--format", "jsonl"]));
    let doc = &lines[0];
    assert_eq!(doc["format"], "text");
    assert_eq!(doc["lang"], "de");
    let rules: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.iter().any(|r| r.starts_with("cta")), "{rules:?}");
    assert!(rules.iter().any(|r| r.starts_with("urgency")), "{rules:?}");
}

const JSONL: &str = concat!(
    "{\"id\": 7, \"text\": \"Order now! Only 3 left in stock.\", \"source\": \"web\"}\n",
    "not json\n",
    "\n",
    "{\"id\": \"b\", \"text\": \"A quiet walk in the park.\"}\n",
    "{\"id\": \"c\"}\n",
);

#[test]
fn annotate_writes_one_line_per_input_line_in_order() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        ("a.jsonl", JSONL.as_bytes().to_vec()),
        ("a.jsonl.gz", gzip(JSONL.as_bytes())),
        ("a.jsonl.zst", zstd(JSONL.as_bytes())),
    ] {
        let path = write(dir.path(), name, &bytes);
        let out = puffery(&["scan", &path, "--format", "annotate", "-j2"]);
        assert_eq!(out.status.code(), Some(3), "bad lines make exit 3");
        let text = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), JSONL.lines().count(), "{name}: {text}");
        let first: Value = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(first["id"], 7);
        assert_eq!(first["source"], "web");
        assert_eq!(first["puffery"]["findings"][0]["match"], "Order now");
        assert!(
            lines[0].starts_with("{\"id\": 7, \"text\": "),
            "input echoed as it was"
        );
        // A line that is not a JSON object is echoed unchanged (no made-up object); its
        // error goes to stderr with file and line.
        assert_eq!(lines[1], "not json");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("{path}: record 1: line 2")), "{err}");
        assert_eq!(lines[2], "");
        let fourth: Value = serde_json::from_str(lines[3]).unwrap();
        assert_eq!(fourth["puffery"]["label"], "clean");
        let fifth: Value = serde_json::from_str(lines[4]).unwrap();
        assert_eq!(fifth["id"], "c");
        assert!(fifth["puffery"]["error"].is_string());
    }
}

#[test]
fn dolma_rows_align_with_documents_and_count_code_points() {
    let dir = tempfile::tempdir().unwrap();
    let docs = "{\"id\": \"é1\", \"text\": \"Café! Order now.\", \"source\": \"cc\"}\n{\"id\": \"2\", \"text\": \"Plain.\"}\n";
    let path = write(dir.path(), "docs.jsonl.gz", &gzip(docs.as_bytes()));
    let out_dir = dir.path().join("attributes");
    std::fs::create_dir(&out_dir).unwrap();
    let out = puffery(&[
        "scan",
        &path,
        "--format",
        "dolma",
        "-o",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = out_dir.join("docs.jsonl.gz");
    let mut text = String::new();
    use std::io::Read;
    flate2::read::MultiGzDecoder::new(std::fs::File::open(&file).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let rows: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["id"], "é1");
    assert_eq!(rows[0]["source"], "cc");
    assert_eq!(
        rows[0]["attributes"]["puffery__cta_buy_now"][0],
        serde_json::json!([6, 15, 2.0])
    );
    let chars = "Café! Order now.".chars().count();
    assert_eq!(rows[0]["attributes"]["puffery__doc__score"][0][1], chars);
    assert_eq!(
        rows[1]["attributes"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["puffery__doc__score"]
    );
}

#[test]
fn shards_partition_the_inputs() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..5 {
        write(
            dir.path(),
            &format!("p{i}.html"),
            format!("<p>Page {i}. Order now!</p>").as_bytes(),
        );
    }
    let d = dir.path().to_str().unwrap();
    let ids = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["scan", d, "--format", "jsonl"];
        args.extend_from_slice(extra);
        json_lines(&puffery(&args))
            .iter()
            .filter(|l| l["type"] == "document")
            .map(|l| l["id"].as_str().unwrap().to_string())
            .collect()
    };
    let all = ids(&[]);
    let mut union = ids(&["--shard", "0/2"]);
    let other = ids(&["--shard", "1/2"]);
    assert!(
        union.iter().all(|i| !other.contains(i)),
        "shards are disjoint"
    );
    union.extend(other);
    union.sort();
    let mut all_sorted = all.clone();
    all_sorted.sort();
    assert_eq!(all.len(), 5);
    assert_eq!(union, all_sorted);
    assert_eq!(
        puffery(&["scan", d, "--shard", "2/2"]).status.code(),
        Some(2)
    );
}

#[test]
fn paths_file_lists_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.html", b"<p>Order now!</p>");
    let b = write(dir.path(), "b.txt", b"Nothing to see.");
    let list = write(
        dir.path(),
        "inputs.paths",
        format!("{a}\n# comment\n{b}\n").as_bytes(),
    );
    let lines = json_lines(&puffery(&[
        "scan",
        "--paths-file",
        &list,
        "--format",
        "jsonl",
    ]));
    assert_eq!(lines.last().unwrap()["documents"], 2);
}

#[test]
fn a_text_file_of_urls_reports_each_network() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Our picks:\nhttps://www.amazon.com/dp/B0040EGNIU/?tag=runfastblog-20\nhttps://amzn.to/3AbCdEf\n\
        https://www.awin1.com/cread.php?awinmid=1234&awinaffid=56789&ued=https%3A%2F%2Fshop.example\n\
        https://click.linksynergy.com/deeplink?id=abc123&mid=2149&murl=https%3A%2F%2Fwww.example.com\n\
        https://www.nytimes.com/2024/01/01/news.html?utm_source=x\n";
    let path = write(dir.path(), "urls.txt", text.as_bytes());
    let lines = json_lines(&puffery(&["scan", &path, "--format", "jsonl"]));
    let links = lines[0]["links"].as_array().unwrap();
    let got: Vec<(String, Value)> = links
        .iter()
        .map(|l| {
            (
                l["url"].as_str().unwrap().to_string(),
                l["affiliate"]["network"].clone(),
            )
        })
        .collect();
    assert_eq!(got.len(), 5);
    let nets: Vec<&Value> = got.iter().map(|(_, n)| n).collect();
    assert_eq!(
        nets,
        [
            &Value::from("amazon"),
            &Value::from("amazon"),
            &Value::from("awin"),
            &Value::from("rakuten"),
            &Value::Null
        ]
    );
    assert_eq!(links[0]["affiliate"]["id"], "runfastblog-20");
    let (s, e) = (
        links[2]["start"].as_u64().unwrap() as usize,
        links[2]["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[s..e], links[2]["url"].as_str().unwrap());
}
