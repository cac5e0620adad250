//! What users see, pinned: one compact rendering per corpus document (every finding, link,
//! disclosure, missing and late disclosure, the label and its reasons), the human output of a few
//! documents, `--help`, `rules`, `rules explain`, and each error exit. A new or lost finding
//! shows as a diff in `tests/snapshots/`.
//!
//! After an intended change: `INSTA_UPDATE=always cargo test --test snapshots`, then review
//! the diff of `tests/snapshots/` before committing it (or use `cargo insta review`).

mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::process::Output;

use serde_json::Value;

fn puffery(args: &[&str]) -> Output {
    common::command(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("puffery runs")
}

/// Exit code, stdout and stderr, as a person at a terminal would read them.
fn shown(out: &Output) -> String {
    format!(
        "exit: {:?}\n--- stdout\n{}--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn s(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "-".into(),
        other => other.to_string(),
    }
}

/// One line per finding, link, disclosure, missing and late entry: the fields a reviewer
/// checks, in output order.
fn compact(doc: &Value) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "label {} score {}", s(&doc["label"]), doc["score"]);
    for f in doc["findings"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "finding {} {} {}..{} {:?} ({})",
            s(&f["rule"]),
            s(&f["severity"]),
            f["start"],
            f["end"],
            s(&f["match"]),
            s(&f["scope"])
        );
    }
    for l in doc["links"].as_array().into_iter().flatten() {
        let _ = writeln!(out, "link {}", compact_object(l));
    }
    for d in doc["disclosures"].as_array().into_iter().flatten() {
        let _ = writeln!(out, "disclosure {}", compact_object(d));
    }
    for r in doc["reasons"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "reason {} {} {}",
            s(&r["signal"]),
            r["weight"],
            s(&r["evidence"])
        );
    }
    for key in ["missing", "late"] {
        for m in doc[key].as_array().into_iter().flatten() {
            let _ = writeln!(out, "{key} {}", compact_object(m));
        }
    }
    out
}

/// `key=value` pairs of an object, sorted by key, nulls and empty values left out.
fn compact_object(v: &Value) -> String {
    let Some(map) = v.as_object() else {
        return s(v);
    };
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    keys.iter()
        .filter(|k| !matches!(&map[**k], Value::Null) && map[**k] != Value::Array(vec![]))
        .map(|k| format!("{k}={}", s(&map[*k])))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_corpus_document() {
    let out = puffery(&["scan", "corpus", "--format", "jsonl"]);
    assert_eq!(out.status.code(), Some(0), "{}", shown(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut n = 0;
    let mut scanned = std::collections::BTreeSet::new();
    for line in text.lines() {
        let doc: Value = serde_json::from_str(line).unwrap();
        if doc["type"] != "document" {
            continue;
        }
        let name = Path::new(doc["source"].as_str().unwrap())
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        insta::assert_snapshot!(format!("corpus__{name}"), compact(&doc));
        scanned.insert(name);
        n += 1;
    }
    assert!(n >= 30, "only {n} corpus documents");
    // No snapshot of a document the scan no longer reads (corpus/.pufferyignore, a rename).
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let stale: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let f = e.unwrap().file_name().to_string_lossy().into_owned();
            let name = f
                .strip_prefix("snapshots__corpus__")?
                .strip_suffix(".snap")?;
            (!scanned.contains(name)).then(|| f.clone())
        })
        .collect();
    assert!(
        stale.is_empty(),
        "snapshots of unscanned documents: {stale:?}"
    );
}

#[test]
fn human_output() {
    for doc in [
        "corpus/supp-magnesium-leg-cramps-1.txt",
        "corpus/review-amazon-disclosure-after-link.html",
        "corpus/clean-news-city-budget.html",
    ] {
        let out = puffery(&["scan", doc, "--color", "never"]);
        let name = Path::new(doc).file_name().unwrap().to_string_lossy();
        insta::assert_snapshot!(format!("human__{name}"), shown(&out));
    }
    // Colour: ANSI codes as a terminal gets them.
    let out = puffery(&[
        "scan",
        "corpus/supp-magnesium-leg-cramps-1.txt",
        "--color",
        "always",
    ]);
    insta::assert_snapshot!("human__color", shown(&out));
}

#[test]
fn help_and_rules() {
    for (name, args) in [
        ("help", &["--help"][..]),
        ("scan_help", &["scan", "--help"][..]),
        ("rules_help", &["rules", "--help"][..]),
        ("eval_help", &["eval", "--help"][..]),
        ("rules", &["rules"][..]),
        ("rules_explain", &["rules", "explain", "cta.retailer"][..]),
    ] {
        insta::assert_snapshot!(name, shown(&puffery(args)));
    }
}

#[test]
fn error_exits() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("bad.toml");
    std::fs::write(
        &pack,
        "[pack]\nname = \"bad\"\n\n[[rule]]\nid = \"cta.x\"\ncategory = \"cta\"\nseverity = \"warning\"\nweight = 1.0\nsummary = \"x\"\nwhy = \"x\"\nregex = ['(unclosed']\nexamples.flag = [\"a\", \"b\"]\nexamples.ok = [\"c\", \"d\"]\n",
    )
    .unwrap();
    let bad_json = dir.path().join("bad.jsonl");
    std::fs::write(&bad_json, "{\"text\":\"Order now!\"}\nnot json\n").unwrap();
    let tmp = dir.path().display().to_string();
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("unknown_option", vec!["scan".into(), "--nope".into()]),
        (
            "no_such_rule",
            vec!["rules".into(), "explain".into(), "no.such".into()],
        ),
        (
            "bad_pack",
            vec![
                "scan".into(),
                "--rules".into(),
                pack.display().to_string(),
                "corpus".into(),
            ],
        ),
        (
            "missing_input",
            vec![
                "scan".into(),
                "--format".into(),
                "jsonl".into(),
                "no/such/file.html".into(),
            ],
        ),
        (
            "bad_jsonl_line",
            vec![
                "scan".into(),
                "--format".into(),
                "jsonl".into(),
                bad_json.display().to_string(),
            ],
        ),
        (
            "bad_jsonl_line_human",
            vec![
                "scan".into(),
                "--color".into(),
                "never".into(),
                bad_json.display().to_string(),
            ],
        ),
        (
            "output_cannot_be_created",
            vec![
                "scan".into(),
                "-o".into(),
                format!("{tmp}/missing/out.jsonl"),
                "corpus".into(),
            ],
        ),
        (
            "skip_done_without_dir",
            vec!["scan".into(), "--skip-done".into(), "corpus".into()],
        ),
    ];
    let varies = regex::Regex::new(
        r#""elapsed_s":[0-9.]+|"mb_per_s":[0-9.]+|\.puffery-[0-9]+-[A-Za-z0-9]+| in [0-9.]+ s"#,
    )
    .unwrap();
    for (name, args) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = puffery(&args);
        // Temporary paths and timing vary; nothing else may.
        let text = shown(&out).replace(&tmp, "$TMP");
        let text = varies.replace_all(&text, "<varies>").to_string();
        insta::assert_snapshot!(format!("error__{name}"), text);
    }
}
