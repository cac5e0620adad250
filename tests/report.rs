//! `puffery report` and `scan --report`: run the binary, read the HTML a user opens.
//!
//! The expected numbers are computed here from the scan's JSONL, independently of the
//! report's code, and compared with the tables of the page.

mod common;
use common::puffery;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::Output;

use serde_json::Value;

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The rows of the table under chart `id`, each a list of cell texts (tags removed,
/// entities of the escaper decoded).
fn table(html: &str, id: &str) -> Vec<Vec<String>> {
    let start = html
        .find(&format!("data-chart=\"{id}\""))
        .unwrap_or_else(|| panic!("no table for {id}"));
    let body = &html[start..];
    let body = &body[body.find("<tbody>").unwrap()..body.find("</tbody>").unwrap()];
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    let inner = &cell[cell.find('>').unwrap() + 1..cell.find("</td>").unwrap()];
                    unescape(inner)
                })
                .collect()
        })
        .collect()
}

/// `puffery report INPUT -o INPUT.html`, which must succeed; the HTML.
fn report_of(input: &Path) -> String {
    let html = input.with_extension("html");
    ok(&puffery(&[
        "report",
        input.to_str().unwrap(),
        "-o",
        html.to_str().unwrap(),
    ]));
    std::fs::read_to_string(&html).unwrap()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn num(s: &str) -> u64 {
    s.replace(',', "")
        .parse()
        .unwrap_or_else(|_| panic!("{s:?}"))
}

fn corpus_jsonl(dir: &Path) -> (std::path::PathBuf, Vec<Value>) {
    let path = dir.join("corpus.jsonl");
    ok(&puffery(&[
        "scan",
        "corpus/",
        "--format",
        "jsonl",
        "-o",
        path.to_str().unwrap(),
    ]));
    let lines = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (path, lines)
}

#[test]
fn corpus_report_tables_show_the_scan() {
    let dir = tempfile::tempdir().unwrap();
    let (jsonl, lines) = corpus_jsonl(dir.path());
    let html = report_of(&jsonl);
    let docs: Vec<&Value> = lines.iter().filter(|l| l["type"] == "document").collect();

    // Labels.
    let mut labels: BTreeMap<String, u64> = BTreeMap::new();
    for d in &docs {
        *labels
            .entry(d["label"].as_str().unwrap().into())
            .or_default() += 1;
    }
    let rows = table(&html, "chart-labels");
    assert_eq!(rows.len(), 3);
    for row in &rows {
        assert_eq!(
            num(&row[1]),
            labels.get(&row[0]).copied().unwrap_or(0),
            "{row:?}"
        );
    }

    // Rules: pages and findings of every cta rule shown, ranked by pages.
    let mut pages: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for d in &docs {
        let mut seen = Vec::new();
        for f in d["findings"].as_array().unwrap() {
            let rule = f["rule"].as_str().unwrap().to_string();
            let e = pages.entry(rule.clone()).or_default();
            e.1 += 1;
            if !seen.contains(&rule) {
                e.0 += 1;
                seen.push(rule);
            }
        }
    }
    let rows = table(&html, "chart-rules-cta-pages");
    assert!(rows.len() >= 5, "{rows:?}");
    let mut last = u64::MAX;
    for row in &rows {
        let (p, f) = pages[&row[0]];
        assert_eq!((num(&row[1]), num(&row[3])), (p, f), "{row:?}");
        assert!(p <= last, "ranked by pages");
        last = p;
    }
    let cta_rules = pages.keys().filter(|k| k.starts_with("cta.")).count();
    assert_eq!(rows.len(), cta_rules.min(15));

    // Affiliate networks: visible affiliate links per network.
    let mut links: BTreeMap<String, u64> = BTreeMap::new();
    for d in &docs {
        for l in d["links"].as_array().unwrap() {
            if l["hidden"] != true
                && let Some(n) = l["affiliate"]["network"].as_str()
            {
                *links.entry(n.into()).or_default() += 1;
            }
        }
    }
    let rows = table(&html, "chart-networks-links");
    assert!(!rows.is_empty());
    for row in &rows {
        assert_eq!(num(&row[3]), links[&row[0]], "{row:?}");
    }

    // Disclosures: missing and late per kind, as the documents say.
    let rows = table(&html, "chart-disclosures");
    for kind in ["affiliate", "fda"] {
        let count = |field: &str| {
            docs.iter()
                .filter(|d| {
                    d[field]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|m| m["kind"] == kind)
                })
                .count() as u64
        };
        let row = rows.iter().find(|r| r[0] == kind).expect(kind);
        assert_eq!(num(&row[3]), count("late"), "late {kind}");
        assert_eq!(num(&row[4]), count("missing"), "missing {kind}");
        assert!(num(&row[1]) >= count("late") + count("missing"));
    }

    // Score histogram: one row per bin, the documents add up.
    let rows = table(&html, "chart-scores");
    let total: u64 = rows.iter().map(|r| num(&r[1])).sum();
    assert_eq!(total, docs.len() as u64);

    // Examples: the match in its context, with the document.
    let i = html
        .find("<mark>Shop Now on Amazon</mark>")
        .expect("an example");
    let li = &html[html[..i].rfind("<li>").unwrap()..];
    let li = &li[..li.find("</li>").unwrap()];
    assert!(li.contains("<q>…"), "text before the match: {li}");
    assert!(li.contains("corpus/supp-magnesium-leg-cramps"), "{li}");

    // Self-contained: no script, no external resource.
    assert!(!html.contains("<script"));
    assert!(!html.contains("src=\"http"));
    assert!(html.contains("Content-Security-Policy"));
}

#[test]
fn scan_report_equals_report_of_the_jsonl_plain_gzip_and_zstd() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("scan.jsonl");
    let direct = dir.path().join("direct.html");
    ok(&puffery(&[
        "scan",
        "corpus/",
        "--format",
        "jsonl",
        "-o",
        jsonl.to_str().unwrap(),
        "--report",
        direct.to_str().unwrap(),
    ]));
    let direct = std::fs::read_to_string(&direct).unwrap();
    let bytes = std::fs::read(&jsonl).unwrap();
    let gz = dir.path().join("scan.jsonl.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&bytes).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let zst = dir.path().join("scan.jsonl.zst");
    std::fs::write(&zst, zstd::encode_all(&bytes[..], 3).unwrap()).unwrap();
    for input in [&jsonl, &gz, &zst] {
        let from = report_of(input);
        assert!(
            from == direct,
            "{}: the report of the JSONL differs from scan --report",
            input.display()
        );
    }
}

#[test]
fn markup_from_scanned_pages_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let evil = r#"<script>alert("x")</script><img src=x onerror=alert(1)>"#;
    let doc = serde_json::json!({
        "type": "document", "id": format!("id{evil}"), "source": evil, "record": 0,
        "url": "javascript:alert(1)", "format": "html", "bytes": 10, "score": 9.0,
        "label": "promotional", "lang": evil,
        "findings": [{"rule": format!("cta.{evil}"), "category": "cta", "start": 0, "end": 5,
                      "match": evil}],
        "links": [{"rel": [], "affiliate": {"network": evil}}],
        "disclosures": [], "missing": [{"kind": evil}], "late": [],
    });
    let doc2 = serde_json::json!({"type": "document", "id": "2",
        "url": format!("https://example.com/?q={evil}"), "findings": []});
    let err = serde_json::json!({"type": "error", "source": evil, "record": 3, "message": evil});
    let input = dir.path().join("evil.jsonl");
    std::fs::write(&input, format!("{doc}\n{doc2}\n{err}\n")).unwrap();
    let html = report_of(&input);
    assert!(!html.contains("<script"), "a script element got through");
    assert!(!html.contains("<img"), "an img element got through");
    assert!(!html.contains("href=\"javascript:"), "a javascript: link");
    // The text is there, escaped, for a person to read.
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
    assert!(html.contains(r#"<mark>&lt;script&gt;"#));
    // The javascript: URL is shown as text, not as a link.
    assert!(html.contains("javascript:alert(1) · id"));
}

#[test]
fn bad_lines_are_named_and_the_report_is_still_written() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("mixed.jsonl");
    std::fs::write(
        &input,
        "{\"type\":\"document\",\"id\":\"a\",\"label\":\"clean\",\"score\":0}\nnot json at all\n\n{\"type\":\"summary\",\"skipped\":{\"warc-request\":4}}\n",
    )
    .unwrap();
    let html_path = dir.path().join("r.html");
    let out = puffery(&[
        "report",
        input.to_str().unwrap(),
        dir.path().join("missing.jsonl").to_str().unwrap(),
        "-o",
        html_path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("mixed.jsonl: line 2: not a puffery JSONL line"),
        "{err}"
    );
    assert!(err.contains("missing.jsonl: cannot read"), "{err}");
    let html = std::fs::read_to_string(&html_path).unwrap();
    let rows = table(&html, "totals");
    let get = |k: &str| {
        rows.iter()
            .find(|r| r[0] == k)
            .map(|r| num(&r[1]))
            .unwrap_or_else(|| panic!("{k} in {rows:?}"))
    };
    assert_eq!(get("documents"), 1);
    assert_eq!(get("skipped: warc-request"), 4);
    assert_eq!(get("input lines that were not puffery JSONL"), 1);
}

#[test]
fn domains_are_ranked_by_promotional_share() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    // shop.example: 6 pages, 5 promotional; news.example: 8 pages, 1; tiny.example: 1 page.
    for (host, n, promo) in [
        ("shop.example.com", 6, 5),
        ("www.news.example.org", 8, 1),
        ("tiny.example.net", 1, 1),
    ] {
        for i in 0..n {
            let label = if i < promo { "promotional" } else { "clean" };
            text.push_str(&format!(
                "{{\"type\":\"document\",\"id\":\"{host}{i}\",\"url\":\"https://{host}/p{i}\",\"label\":\"{label}\",\"score\":1}}\n"
            ));
        }
    }
    let input = dir.path().join("d.jsonl");
    std::fs::write(&input, text).unwrap();
    let html = report_of(&input);
    let rows = table(&html, "chart-domains");
    // Domains with fewer than 5 pages are left out; registrable domains group subdomains.
    assert_eq!(
        rows,
        vec![
            vec!["example.com", "6", "5", "83.3 %"],
            vec!["example.org", "8", "1", "12.5 %"],
        ]
    );
}
