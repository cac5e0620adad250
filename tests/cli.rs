//! The `puffery` command as users and pipelines see it: the JSONL contract, exit codes,
//! ordering across thread counts, rule-pack errors (closed pipes and full disks: tests/pipes.rs).

mod common;
use common::puffery;

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .expect("stdout is UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn is_uint(v: &Value) -> bool {
    v.as_u64().is_some()
}

/// Every line of a corpus scan has the contract's fields and types, and every finding's byte
/// span holds its `match` in the source file.
#[test]
fn corpus_scan_follows_the_contract() {
    let out = puffery(&["scan", "corpus", "--format", "jsonl"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = lines(&out);
    let (last, docs) = lines.split_last().expect("some output");
    assert_eq!(last["type"], "summary");
    assert_eq!(last["schema_version"], 1);
    assert!(last["tool"].as_str().unwrap().starts_with("puffery "));
    for key in ["documents", "errors", "promotional", "bytes"] {
        assert!(is_uint(&last[key]), "summary.{key}");
    }
    assert!(last["skipped"].is_object() && last["elapsed_s"].is_number());
    assert_eq!(last["documents"].as_u64().unwrap() as usize, docs.len());
    assert!(docs.len() >= 20);
    for d in docs {
        assert_eq!(d["type"], "document");
        assert!(d["id"].is_string() && d["source"].is_string() && is_uint(&d["record"]));
        assert!(d["url"].is_null() || d["url"].is_string());
        assert!(matches!(d["format"].as_str(), Some("html" | "text")));
        assert!(is_uint(&d["bytes"]) && d["score"].is_number());
        assert!(matches!(
            d["label"].as_str(),
            Some("promotional" | "borderline" | "clean")
        ));
        let src = std::fs::read(root().join(d["source"].as_str().unwrap())).unwrap();
        assert_eq!(d["bytes"].as_u64().unwrap() as usize, src.len());
        for f in d["findings"].as_array().unwrap() {
            for key in ["rule", "category", "severity", "match", "scope"] {
                assert!(f[key].is_string(), "finding.{key}: {f}");
            }
            assert!(f["weight"].is_number());
            assert!(matches!(
                f["severity"].as_str(),
                Some("info" | "warning" | "error")
            ));
            assert!(matches!(
                f["scope"].as_str(),
                Some("text" | "heading" | "link" | "button" | "attr")
            ));
            let (s, e) = (
                f["start"].as_u64().unwrap() as usize,
                f["end"].as_u64().unwrap() as usize,
            );
            assert!(s < e && e <= src.len());
            assert!(f["char_start"].as_u64().unwrap() <= f["char_end"].as_u64().unwrap());
            // The span decoded in the document's own encoding is the match.
            let enc = puffery::encoding::decode(&src, None, d["format"] == "html").encoding;
            let span = puffery::encoding::decode(&src[s..e], Some(enc), false)
                .text
                .to_string();
            assert_eq!(span, f["match"].as_str().unwrap(), "{}: {f}", d["source"]);
        }
        for l in d["links"].as_array().unwrap() {
            assert!(l["url"].is_string() && l["text"].is_string() && l["rel"].is_array());
            assert!(is_uint(&l["start"]) && is_uint(&l["end"]));
            assert!(l["affiliate"].is_null() || l["affiliate"]["network"].is_string());
        }
        for x in d["disclosures"].as_array().unwrap() {
            assert!(matches!(
                x["kind"].as_str(),
                Some("affiliate" | "fda" | "medical" | "sponsored")
            ));
            assert!(x["rule"].is_string() && is_uint(&x["start"]) && is_uint(&x["end"]));
        }
        for key in ["missing", "late"] {
            for m in d[key].as_array().unwrap() {
                assert!(m["kind"].is_string() && m["reason"].is_string());
            }
        }
    }
}

#[test]
fn output_is_identical_at_one_and_two_threads() {
    let strip = |out: Output| -> Vec<String> {
        let text = String::from_utf8(out.stdout).unwrap();
        text.lines()
            .filter(|l| !l.contains("\"type\":\"summary\""))
            .map(str::to_string)
            .collect()
    };
    let one = strip(puffery(&["scan", "corpus", "--format", "jsonl", "-j1"]));
    let two = strip(puffery(&["scan", "corpus", "--format", "jsonl", "-j2"]));
    assert!(one.len() >= 20);
    assert_eq!(one, two);
}

#[test]
fn unreadable_input_is_an_error_line_and_exit_3_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("a.txt");
    std::fs::write(&good, "Order now!").unwrap();
    let missing = dir.path().join("missing.html");
    let out = puffery(&[
        "scan",
        missing.to_str().unwrap(),
        good.to_str().unwrap(),
        "--format",
        "jsonl",
    ]);
    assert_eq!(out.status.code(), Some(3));
    let lines = lines(&out);
    assert_eq!(lines[0]["type"], "error");
    assert!(
        lines[0]["message"]
            .as_str()
            .unwrap()
            .contains("cannot read")
    );
    assert_eq!(lines[1]["type"], "document");
    assert_eq!(lines[2]["errors"], 1);
    assert_eq!(lines[2]["documents"], 1);
}

#[test]
fn a_bad_rule_pack_exits_2_naming_file_line_and_rule() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("mine.toml");
    std::fs::write(
        &pack,
        "[pack]\nname = \"mine\"\n\n[[rule]]\nid = \"cta.mine\"\ncategory = \"cta\"\nseverity = \"warning\"\n\
         weight = 1.0\nsummary = \"s\"\nwhy = \"w\"\nregex = ['(unclosed']\n\
         examples.flag = [\"a\", \"b\"]\nexamples.ok = [\"c\", \"d\"]\n",
    )
    .unwrap();
    let out = puffery(&["scan", "--rules", pack.to_str().unwrap(), "corpus"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("mine.toml:11:") && err.contains("cta.mine"),
        "the regex's own line: {err}"
    );

    std::fs::write(&pack, "[pack]\nname = \"x\"\nbogus = 1\n").unwrap();
    let out = puffery(&["rules", "--rules", pack.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("mine.toml:3:"));
}

#[test]
fn user_rules_select_and_ignore() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("mine.toml");
    std::fs::write(
        &pack,
        "[pack]\nname = \"mine\"\n\n[[rule]]\nid = \"cta.pizza\"\ncategory = \"cta\"\nseverity = \"warning\"\n\
         weight = 1.0\nsummary = \"s\"\nwhy = \"w\"\nphrases = ['order pizza']\n\
         examples.flag = [\"order pizza\", \"Order pizza!\"]\nexamples.ok = [\"pizza order\", \"c\"]\n",
    )
    .unwrap();
    let doc = dir.path().join("d.txt");
    std::fs::write(&doc, "Order pizza now. Order now!").unwrap();
    let p = pack.to_str().unwrap();
    let d = doc.to_str().unwrap();
    let rules_of = |out: Output| -> Vec<String> {
        lines(&out)[0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    let only_mine = rules_of(puffery(&[
        "scan",
        "--no-builtin",
        "--rules",
        p,
        d,
        "--format",
        "jsonl",
    ]));
    assert_eq!(only_mine, ["cta.pizza"]);
    let selected = rules_of(puffery(&[
        "scan",
        "--rules",
        p,
        d,
        "--format",
        "jsonl",
        "--select",
        "cta.pizza",
    ]));
    assert_eq!(selected, ["cta.pizza"]);
    let ignored = rules_of(puffery(&[
        "scan",
        "--rules",
        p,
        d,
        "--format",
        "jsonl",
        "--ignore",
        "cta.pizza",
    ]));
    assert!(!ignored.contains(&"cta.pizza".to_string()) && !ignored.is_empty());
}

#[test]
fn fail_on_promotional_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("d.txt");
    std::fs::write(
        &doc,
        "Shop Now on Amazon! Clinically proven. Only 3 left in stock! Order now. Today only: 50% off.",
    )
    .unwrap();
    let d = doc.to_str().unwrap();
    assert_eq!(puffery(&["scan", d]).status.code(), Some(0));
    assert_eq!(
        puffery(&["scan", d, "--fail-on", "promotional"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn output_file_is_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("out.jsonl");
    let out = puffery(&[
        "scan",
        "corpus",
        "--format",
        "jsonl",
        "-o",
        out_path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let text = std::fs::read_to_string(&out_path).unwrap();
    assert!(
        text.lines()
            .last()
            .unwrap()
            .contains("\"type\":\"summary\"")
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left behind");
}

#[test]
fn rules_list_and_explain() {
    let out = puffery(&["rules", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let rules = lines(&out);
    assert!(rules.iter().any(|r| r["id"] == "cta.retailer"));
    let out = puffery(&["rules", "explain", "cta.retailer"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Why:") && text.contains("Shop Now on Amazon"));
    assert_eq!(
        puffery(&["rules", "explain", "no.such"]).status.code(),
        Some(2)
    );
}

#[test]
fn interrupt_leaves_no_partial_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("out.jsonl");
    let mut child = Command::new(env!("CARGO_BIN_EXE_puffery"))
        .args([
            "scan",
            "-",
            "--input-format",
            "jsonl",
            "--format",
            "jsonl",
            "-o",
            out_path.to_str().unwrap(),
        ])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Some input, then the pipe stays open: puffery is mid-run, its output a temporary file.
    use std::io::Write;
    child
        .stdin
        .as_mut()
        .unwrap()
        .write_all(b"{\"text\": \"Order now!\"}\n")
        .unwrap();
    let has_temp = || std::fs::read_dir(dir.path()).unwrap().count() > 0;
    // Generous: CI machines may be loaded.
    for _ in 0..1500 {
        if has_temp() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(has_temp(), "a temporary output exists mid-run");
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    // Wait with stdin still open (`wait` would close it first, and an end of input racing the
    // signal could let the run finish normally).
    let mut status = None;
    for _ in 0..1500 {
        if let Some(s) = child.try_wait().unwrap() {
            status = Some(s);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let status = status.expect("puffery ends on SIGINT");
    assert_eq!(status.code(), Some(130));
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn a_trickling_pipe_gets_each_answer_before_the_next_question() {
    use std::io::{BufRead, BufReader, Write};
    let mut child = Command::new(env!("CARGO_BIN_EXE_puffery"))
        .args([
            "scan",
            "-",
            "--input-format",
            "jsonl",
            "--format",
            "annotate",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    for (i, text) in ["Order now!", "A walk in the park."].iter().enumerate() {
        writeln!(stdin, "{{\"id\": {i}, \"text\": \"{text}\"}}").unwrap();
        stdin.flush().unwrap();
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["id"], i);
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn progress_goes_to_stderr_only() {
    let out = puffery(&["scan", "corpus", "--format", "jsonl", "--progress", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let progress: Value = serde_json::from_str(
        String::from_utf8_lossy(&out.stderr)
            .lines()
            .last()
            .expect("a progress line"),
    )
    .unwrap();
    assert_eq!(progress["type"], "progress");
    assert!(lines(&out).iter().all(|l| l["type"] != "progress"));
    let quiet = puffery(&["scan", "corpus", "--format", "jsonl", "--progress", "never"]);
    assert!(quiet.stderr.is_empty());
}
