//! `--format sarif`: the SARIF of the corpus scan validates against the SARIF 2.1.0 schema
//! (vendored: tests/sarif-2.1.0-rtm.5.schema.json, from Microsoft's MIT-licensed
//! `@microsoft/jest-sarif` 1.0.0-beta.0 npm package; one change: the two `language` patterns
//! had a stray `]` that no regex engine but JavaScript's accepts, replaced by the pattern of the
//! final OASIS schema), and says what a code-scanning user sees.

mod common;
use common::puffery;

use serde_json::Value;

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(include_str!("sarif-2.1.0-rtm.5.schema.json"))
        .expect("schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles")
}

fn errors(v: &jsonschema::Validator, log: &Value) -> Vec<String> {
    v.iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(20)
        .collect()
}

#[test]
fn corpus_sarif_is_valid_sarif_2_1_0() {
    let out = puffery(&["scan", "corpus/", "--format", "sarif", "-j", "2"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let v = validator();
    let errs = errors(&v, &log);
    assert!(errs.is_empty(), "schema errors:\n{}", errs.join("\n"));

    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1, "one run");
    let run = &runs[0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let rule = rules
        .iter()
        .find(|r| r["id"] == "claim.clinically-proven")
        .expect("pack rules are there");
    assert!(rule["shortDescription"]["text"].as_str().unwrap().len() > 10);
    assert!(rule["fullDescription"]["text"].as_str().unwrap().len() > 20);
    assert!(
        rule["helpUri"]
            .as_str()
            .unwrap()
            .ends_with("docs/rules.md#claimclinically-proven"),
        "{}",
        rule["helpUri"]
    );
    assert!(rules.iter().any(|r| r["id"] == "missing.affiliate"));

    // The JSONL scan of the same corpus: one SARIF result per finding (missing and late
    // disclosures are findings: each once).
    let jsonl = puffery(&["scan", "corpus/", "--format", "jsonl"]);
    let mut expected = 0;
    for line in String::from_utf8(jsonl.stdout).unwrap().lines() {
        let d: Value = serde_json::from_str(line).unwrap();
        if d["type"] == "document" {
            expected += d["findings"].as_array().unwrap().len();
        }
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), expected);

    // A finding points at its bytes: offset, length, line and column agree with the file.
    let r = results
        .iter()
        .find(|r| {
            r["ruleId"] == "cta.retailer"
                && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    == "corpus/review-no-disclosure.html"
        })
        .expect("a retailer call to action in review-no-disclosure.html");
    let region = &r["locations"][0]["physicalLocation"]["region"];
    let bytes = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/review-no-disclosure.html"),
    )
    .unwrap();
    let off = region["byteOffset"].as_u64().unwrap() as usize;
    let len = region["byteLength"].as_u64().unwrap() as usize;
    let text = String::from_utf8_lossy(&bytes[off..off + len]);
    assert_eq!(region["snippet"]["text"], *text);
    let line = region["startLine"].as_u64().unwrap() as usize;
    let col = region["startColumn"].as_u64().unwrap() as usize;
    let line_text = String::from_utf8_lossy(&bytes)
        .lines()
        .nth(line - 1)
        .unwrap()
        .to_string();
    let from_col: String = line_text.chars().skip(col - 1).collect();
    assert!(from_col.starts_with(&*text), "{from_col:?} vs {text:?}");
    assert_eq!(r["level"], "warning");

    // A missing disclosure is located where it was needed (here the first retailer call to
    // action), with its reason as the message.
    let m = results
        .iter()
        .find(|r| {
            r["ruleId"] == "missing.affiliate"
                && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    == "corpus/review-no-disclosure.html"
        })
        .expect("a missing affiliate disclosure in review-no-disclosure.html");
    let region = &m["locations"][0]["physicalLocation"]["region"];
    assert!(region["startLine"].as_u64().unwrap() > 1, "{region}");
    assert!(region["byteLength"].as_u64().unwrap() > 0, "{region}");
    assert!(m["properties"].get("documentLevel").is_none());
    assert!(
        m["message"]["text"]
            .as_str()
            .unwrap()
            .contains("no affiliate disclosure"),
        "{}",
        m["message"]["text"]
    );
}

#[test]
fn the_schema_rejects_what_is_not_sarif() {
    // The validator is not a rubber stamp: a log with a wrong version or a result without a
    // message fails.
    let v = validator();
    let bad = serde_json::json!({"version": "2.0.0", "runs": []});
    assert!(!errors(&v, &bad).is_empty());
    let bad = serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
        "results": [{"ruleId": "a"}]}]});
    assert!(!errors(&v, &bad).is_empty());
}

#[test]
fn empty_input_and_unreadable_records_still_make_a_valid_log() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("in.jsonl");
    std::fs::write(&jsonl, "{\"id\":\"1\",\"text\":\"Buy now!\"}\nnot json\n").unwrap();
    let out = puffery(&["scan", jsonl.to_str().unwrap(), "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(3), "an unreadable record: exit 3");
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errs = errors(&validator(), &log);
    assert!(errs.is_empty(), "{}", errs.join("\n"));
    let run = &log["runs"][0];
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("record 1")
    );
    // The record inside a JSONL file names itself as a logical location.
    let r = &run["results"][0];
    assert_eq!(r["ruleId"], "cta.buy-now");
    assert_eq!(r["locations"][0]["logicalLocations"][0]["name"], "1");

    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    let out = puffery(&["scan", empty.to_str().unwrap(), "--format", "sarif"]);
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(errors(&validator(), &log).is_empty());
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 0);
}

#[test]
fn one_sarif_file_per_input_with_output_dir() {
    let dir = tempfile::tempdir().unwrap();
    let outdir = format!("{}/", dir.path().join("out").display());
    let out = puffery(&[
        "scan",
        "corpus/deal-urgency.html",
        "corpus/coupon-codes.html",
        "--format",
        "sarif",
        "-o",
        &outdir,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for name in ["deal-urgency.html.sarif", "coupon-codes.html.sarif"] {
        let text = std::fs::read(dir.path().join("out").join(name)).unwrap();
        let log: Value = serde_json::from_slice(&text).unwrap();
        assert!(errors(&validator(), &log).is_empty(), "{name}");
        assert!(!log["runs"][0]["results"].as_array().unwrap().is_empty());
    }
}
