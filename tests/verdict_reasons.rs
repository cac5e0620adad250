//! What a user sees of a verdict's reasons and of suspect links: the JSONL `reasons` and
//! `suspect` fields, the human `because` line, and `scan --explain`.

use std::process::{Command, Output};

use serde_json::Value;

fn puffery(args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_puffery"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("puffery runs");
    let mut input = child.stdin.take().expect("stdin");
    input
        .write_all(stdin.unwrap_or("").as_bytes())
        .expect("write stdin");
    drop(input);
    child.wait_with_output().expect("puffery finishes")
}

fn stdout(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("UTF-8")
}

fn document(path: &str) -> Value {
    let text = stdout(&puffery(&["scan", "--format", "jsonl", path], None));
    serde_json::from_str(text.lines().next().expect("a document line")).expect("JSON")
}

#[test]
fn jsonl_reasons_add_up_to_the_score() {
    for path in [
        "corpus/page-product-no-schema.html",
        "corpus/page-long-editorial-few-affiliate.html",
        "corpus/deal-urgency.html",
        "corpus/clean-news-city-budget.html",
    ] {
        let d = document(path);
        let reasons = d["reasons"].as_array().expect("reasons is an array");
        let sum: f64 = reasons
            .iter()
            .map(|r| r["weight"].as_f64().expect("weight"))
            .sum();
        assert!(
            (sum - d["score"].as_f64().unwrap()).abs() < 0.01,
            "{path}: {d}"
        );
        for r in reasons {
            assert!(r["signal"].is_string() && r["evidence"].is_string(), "{r}");
        }
    }
    let d = document("corpus/page-product-no-schema.html");
    assert_eq!(d["label"], "promotional");
    assert_eq!(d["reasons"][0]["signal"], "product-page");
    let detail = d["reasons"][0]["evidence"].as_str().unwrap();
    assert!(detail.contains("product URL path /products/"), "{detail}");
    assert!(detail.contains("price CHF 29.50"), "{detail}");
    let clean = document("corpus/clean-news-city-budget.html");
    assert_eq!(clean["reasons"], serde_json::json!([]));
}

#[test]
fn possible_affiliate_links_are_suspect_not_affiliate() {
    let html =
        "<p>Read <a href=\"https://shop.example.net/item?aff_id=1234\">the maker's page</a>.</p>";
    let text = stdout(&puffery(
        &["scan", "--format", "jsonl", "--input-format", "html", "-"],
        Some(html),
    ));
    let d: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let link = &d["links"][0];
    assert!(link["affiliate"].is_null(), "{link}");
    assert_eq!(link["suspect"]["confidence"], "possible", "{link}");
    // A suspect link owes no disclosure and is not an affiliate finding.
    assert_eq!(d["missing"], serde_json::json!([]));
    // Links that are not suspect have no `suspect` key.
    let plain = document("corpus/clean-news-city-budget.html");
    assert!(
        plain["links"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l.get("suspect").is_none())
    );
}

#[test]
fn human_output_says_because_and_explain_gives_each_reason() {
    let path = "corpus/page-advertorial-sponsored-title.html";
    let human = stdout(&puffery(&["scan", "--color", "never", path], None));
    assert!(
        human.ends_with(&format!(
            "{path}: promotional (score 6)\n{path}: because advertorial +6\n"
        )),
        "{human}"
    );
    let explained = stdout(&puffery(
        &["scan", "--color", "never", "--explain", path],
        None,
    ));
    assert!(
        explained.ends_with(&format!(
            "{path}: reason  +6.00 advertorial: title \"Sponsored\"\n"
        )),
        "{explained}"
    );
}
