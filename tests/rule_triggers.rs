//! Regex triggers (docs/rules.md, "Regex triggers"): a user regex without one is refused when
//! its pack loads, naming file and line and saying how to add one; with `trigger` it loads and
//! flags; and the windowed search finds exactly the matches of the regex over the whole text,
//! for every built-in regex on every corpus document.

use std::process::Command;

use puffery::matcher::{Plan, compile_regex, prepared, trigger::Triggered};
use puffery::rules::RuleSet;

const PACK: &str = "[pack]\nname = \"mine\"\n\n[[rule]]\nid = \"cta.mine\"\ncategory = \"cta\"\n\
severity = \"warning\"\nweight = 1.0\nsummary = \"s\"\nwhy = \"w\"\nregex = ['\\bok\\s+\\d+']\n\
TRIGGER\
examples.flag = [\"ok 1\", \"ok 22\"]\nexamples.ok = [\"okay 1\", \"ok then\"]\n";

fn scan(pack: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.toml");
    std::fs::write(&path, pack).unwrap();
    let doc = dir.path().join("doc.txt");
    std::fs::write(&doc, "Say ok 12 to that.\n").unwrap();
    Command::new(env!("CARGO_BIN_EXE_puffery"))
        .args([
            "scan",
            "--rules",
            path.to_str().unwrap(),
            "--select",
            "cta.mine",
        ])
        .arg(&doc)
        .args(["--format", "jsonl"])
        .output()
        .unwrap()
}

#[test]
fn a_regex_without_trigger_is_refused_with_file_line_and_how_to_fix() {
    let out = scan(&PACK.replace("TRIGGER", ""));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("mine.toml:5:"), "{err}");
    assert!(
        err.contains("rule cta.mine") && err.contains("has no trigger"),
        "{err}"
    );
    assert!(err.contains("Add `trigger = ["), "{err}");
}

#[test]
fn with_a_trigger_the_regex_loads_and_flags() {
    let out = scan(&PACK.replace("TRIGGER", "trigger = [\"ok\"]\n"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("\"rule\":\"cta.mine\"") && stdout.contains("ok 12"),
        "{stdout}"
    );
}

/// Every built-in regex run around its trigger finds what `find_iter` finds over the whole
/// text of each corpus document.
#[test]
fn windows_match_the_whole_text_on_the_corpus() {
    let rules = RuleSet::builtin().unwrap();
    let mut texts = Vec::new();
    for e in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus")).unwrap() {
        let p = e.unwrap().path();
        let Ok(bytes) = std::fs::read(&p) else {
            continue;
        };
        let d = puffery::encoding::decode(&bytes, None, true);
        texts.push(puffery::html::extract_html(&d.text).text);
        texts.push(d.text.into_owned());
    }
    let mut checked = 0;
    for r in &rules.rules {
        for re in &r.rule.regex {
            // Planned as the matcher plans it, with its filter: hits right after a word byte
            // passed over where every match allows.
            let p = puffery::matcher::planned(re, &r.rule.trigger).unwrap();
            let Plan::Trigger { literals, .. } = p.plan else {
                continue;
            };
            let item = puffery::matcher::trigger::Item {
                pattern: prepared(re),
                literals,
                caller: 0,
                after_non_word: p.after_non_word,
                max_len: p.max_len,
                anchor: p.anchor,
                at_start: p.at_start,
                split: p.split,
                gate: p.gate,
            };
            let t = Triggered::new(vec![item]).unwrap().unwrap();
            let full = compile_regex(re).unwrap();
            for text in &texts {
                let want: Vec<(usize, usize, usize)> = full
                    .find_iter(text)
                    .map(|m| (0, m.start(), m.end()))
                    .collect();
                let mut got = Vec::new();
                t.find(text, &mut got);
                assert_eq!(got, want, "{} {re:?}", r.rule.id);
                checked += want.len();
            }
        }
    }
    assert!(checked > 20, "only {checked} matches checked");
}
