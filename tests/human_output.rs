//! The human format at length, and rule-pack errors, as a user reads them (issue 17), through
//! the binary.

mod common;
use common::puffery;

use std::process::Output;

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const SUPP: &str = "corpus/supp-magnesium-leg-cramps-1.txt";
const AFTER_LINK: &str = "corpus/review-amazon-disclosure-after-link.html";

/// `path:line:col` of a located line.
fn place(line: &str) -> Option<(usize, usize)> {
    let mut parts = line.split(':').skip(1);
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

#[test]
fn a_rule_summary_is_shown_once_per_document() {
    let out = stdout(&puffery(&["scan", SUPP, AFTER_LINK, "--color", "never"]));
    let summary = "A call to action that sends the reader to a named retailer";
    for doc in [SUPP, AFTER_LINK] {
        let lines: Vec<&str> = (out.lines())
            .filter(|l| l.starts_with(doc) && l.contains("cta.retailer"))
            .collect();
        assert_eq!(lines.len(), 3, "{out}");
        assert!(lines[0].contains(summary), "{}", lines[0]);
        for later in &lines[1..] {
            assert!(!later.contains(summary), "{later}");
            assert!(later.contains(": warning cta.retailer: \""), "{later}");
        }
    }
}

#[test]
fn findings_and_links_print_in_document_order() {
    let out = stdout(&puffery(&["scan", AFTER_LINK, "--color", "never"]));
    let places: Vec<(usize, usize)> = out.lines().filter_map(place).collect();
    // 7 findings, 3 affiliate links, and the late affiliate and sponsored disclosures at the
    // first link (findings before links at one offset).
    assert_eq!(places.len(), 11, "{out}");
    assert!(places.is_sorted(), "{places:?}\n{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].contains(":23:4: warning late.affiliate"),
        "{}",
        lines[0]
    );
    assert!(lines[2].contains(":23:4: affiliate amazon"), "{}", lines[2]);
}

#[test]
fn a_long_match_is_cut_with_an_ellipsis() {
    let out = stdout(&puffery(&["scan", AFTER_LINK, "--color", "never"]));
    let line = (out.lines())
        .find(|l| l.contains("cta.link-to-shop"))
        .expect("a link finding");
    let quoted = &line[line.find(": \"<a").expect("the match") + 3..];
    let quoted = &quoted[..quoted.rfind('"').unwrap()];
    assert!(quoted.ends_with('…'), "{line}");
    assert_eq!(quoted.chars().count(), 80, "{quoted}");
}

#[test]
fn colour_follows_severity() {
    let out = stdout(&puffery(&["scan", SUPP, "--color", "always"]));
    let (red, yellow, cyan) = ("\x1b[1;31m", "\x1b[1;33m", "\x1b[1;36m");
    let with = |needle: &str| out.lines().find(|l| l.contains(needle)).unwrap();
    // JSON severities: fda warning, medical info; claim.health-disease error.
    assert!(with("missing.fda").contains(&format!("{yellow}warning")));
    assert!(with("missing.medical").contains(&format!("{cyan}info")));
    assert!(with("claim.health-disease").contains(&format!("{red}error")));
    assert!(with("claim.health-structure").contains(&format!("{yellow}warning")));
}

#[test]
fn the_summary_counts_in_singular_and_plural() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, "{\"text\": \"Shop now\"}\nnot json\n").unwrap();
    let o = puffery(&["scan", bad.to_str().unwrap(), "--color", "never"]);
    let last = stdout(&o).lines().last().unwrap_or_default().to_string();
    assert!(last.starts_with("1 document: 0 promotional"), "{last}");
    assert!(last.contains("; 1 error;"), "{last}");
    let o = puffery(&["scan", SUPP, AFTER_LINK, "--color", "never"]);
    let last = stdout(&o).lines().last().unwrap_or_default().to_string();
    assert!(last.starts_with("2 documents: 2 promotional"), "{last}");
    assert!(last.contains("; 0 errors;"), "{last}");
}

#[test]
fn a_bad_regex_is_reported_at_its_own_line() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("bad.toml");
    let text = "[pack]\nname = \"bad\"\n\n[[rule]]\nid = \"cta.order-x\"\ncategory = \"cta\"\n\
                severity = \"warning\"\nweight = 1.0\nsummary = \"s\"\nwhy = \"w\"\nregex = [\n  \
                \"\\\\border\\\\b\",\n  \"(unclosed\",\n]\nexamples.flag = [\"order\"]\n\
                examples.ok = [\"x\"]\n";
    std::fs::write(&pack, text).unwrap();
    let o = puffery(&["scan", "--rules", pack.to_str().unwrap(), SUPP]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("{}:13: rule cta.order-x: regex", pack.display())),
        "{err}"
    );
}
