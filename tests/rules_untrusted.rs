//! User rule packs are untrusted input: a pathological regex or an oversized pack is refused
//! with exit 2 and a message naming file, line and rule, quickly; a large phrase list loads.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs `puffery ARGS` in `dir`, failing the test if it takes longer than `secs`.
fn puffery(dir: &Path, args: &[&str], secs: u64) -> (Output, Duration) {
    let started = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_puffery"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(out) => (out.unwrap(), started.elapsed()),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("puffery {args:?} did not finish within {secs} s");
        }
    }
}

fn pack(id: &str, body: &str) -> String {
    format!(
        "[pack]\nname = \"bad\"\n\n[[rule]]\nid = \"{id}\"\ncategory = \"claim\"\nseverity = \"warning\"\n\
         weight = 1.0\nsummary = \"s\"\nwhy = \"w\"\n{body}\n\
         examples.flag = [\"a\", \"b\"]\nexamples.ok = [\"c\", \"d\"]\n"
    )
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// Exit 2, naming `bad.toml`, the regex's own line (11: the `body` line of [`pack`]) and the
/// rule.
fn assert_refused(dir: &Path, id: &str, what: &str) {
    write(dir, "doc.txt", "Shop now!");
    let (out, took) = puffery(dir, &["scan", "--rules", "bad.toml", "doc.txt"], 60);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{what}: {stderr}");
    assert!(stderr.contains("bad.toml:11:"), "{what}: {stderr}");
    assert!(stderr.contains(&format!("rule {id}")), "{what}: {stderr}");
    assert!(out.stdout.is_empty(), "{what}: nothing scanned");
    assert!(
        took < Duration::from_secs(30),
        "{what}: refused in {took:?}"
    );
    // `puffery rules` refuses it the same way.
    let (out, _) = puffery(dir, &["rules", "--rules", "bad.toml"], 60);
    assert_eq!(out.status.code(), Some(2), "{what}");
}

#[test]
fn pathological_regexes_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let cases = [
        (
            "claim.nested-repeat",
            r"(\w{100}){100}",
            "nested counted repetition",
        ),
        ("claim.huge-count", r"a{1000}{1000}", "a{1000}{1000}"),
        (
            "claim.unicode-classes",
            r"[\p{L}\p{N}]{500}\w{500}",
            "wide Unicode classes",
        ),
    ];
    for (id, re, what) in cases {
        write(
            d.path(),
            "bad.toml",
            &pack(id, &format!("regex = ['{re}']")),
        );
        assert_refused(d.path(), id, what);
        let stderr = String::from_utf8_lossy(
            &puffery(d.path(), &["scan", "--rules", "bad.toml", "doc.txt"], 60)
                .0
                .stderr,
        )
        .into_owned();
        assert!(stderr.contains("size limit"), "{what}: {stderr}");
    }
    // A 1 MB alternation of distinct words.
    let words: Vec<String> = (0..150_000).map(|i| format!("w{i:06}")).collect();
    let re = format!("(?:{})", words.join("|"));
    assert!(re.len() > 1_000_000);
    write(
        d.path(),
        "bad.toml",
        &pack("claim.alternation", &format!("regex = ['{re}']")),
    );
    assert_refused(d.path(), "claim.alternation", "1 MB alternation");
}

#[test]
fn many_regexes_that_pass_alone_but_not_together_name_the_pack() {
    // Each regex is under the per-regex limit; together they once overflowed a shared set's
    // limit. Each now runs around its own trigger (`xr0`, ...): they load and scan, or an
    // error still says which file and rule.
    let d = tempfile::tempdir().unwrap();
    let mut text = String::from("[pack]\nname = \"bad\"\n");
    for i in 0..24 {
        text.push_str(&format!(
            "\n[[rule]]\nid = \"claim.r{i}\"\ncategory = \"claim\"\nseverity = \"warning\"\n\
             weight = 1.0\nsummary = \"s\"\nwhy = \"w\"\nregex = ['\\w{{{n}}}xr{i}']\n\
             examples.flag = [\"a\", \"b\"]\nexamples.ok = [\"c\", \"d\"]\n",
            n = 19 + i % 2
        ));
    }
    write(d.path(), "bad.toml", &text);
    write(d.path(), "doc.txt", "Shop now!");
    let args = ["scan", "--no-builtin", "--rules", "bad.toml", "doc.txt"];
    let (out, took) = puffery(d.path(), &args, 120);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(took < Duration::from_secs(60), "{took:?}");
    match out.status.code() {
        // Accepted: then it scanned.
        Some(0) => {
            eprintln!("accepted in {took:?}");
            assert!(!out.stdout.is_empty())
        }
        Some(2) => {
            eprintln!("refused in {took:?}: {stderr}");
            assert!(stderr.contains("bad.toml:"), "{stderr}");
            assert!(stderr.contains("rule claim.r"), "{stderr}");
        }
        other => panic!("exit {other:?}: {stderr}"),
    }
}

#[test]
fn a_hundred_thousand_phrases_load_and_scan() {
    let d = tempfile::tempdir().unwrap();
    let mut phrases = String::from("phrases = [\n");
    for i in 0..100_000 {
        phrases.push_str(&format!("  \"miracle product number {i}\",\n"));
    }
    phrases.push_str("  \"shop now\",\n]");
    write(d.path(), "big.toml", &pack("claim.many-phrases", &phrases));
    let path = d.path().join("doc.txt");
    let mut f = std::fs::File::create(&path).unwrap();
    for i in (0..100_000).step_by(997) {
        writeln!(f, "Try miracle product number {i} today. Shop now!").unwrap();
    }
    drop(f);
    let (out, took) = puffery(
        d.path(),
        &[
            "scan", "--rules", "big.toml", "doc.txt", "--format", "jsonl",
        ],
        120,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let first: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().next().unwrap()).unwrap();
    let hits = first["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "claim.many-phrases")
        .count();
    assert!(hits >= 100, "{hits} hits");
    eprintln!("100,000 phrases: loaded and scanned in {took:?}");
    assert!(took < Duration::from_secs(90), "{took:?}");
}
