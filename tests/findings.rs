//! Findings a user can act on (issue 17): missing and late disclosures as findings with a place,
//! selectable and ignorable like any rule; inline `puffery-ignore` suppression in the files a
//! user maintains, never in crawl records. Every test runs the binary.

mod common;

use std::process::Output;

use serde_json::Value;

fn puffery(args: &[&str]) -> Output {
    common::command(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("puffery runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The JSONL lines of a scan: documents, then the summary.
fn jsonl(args: &[&str]) -> Vec<Value> {
    let mut all = vec!["scan", "--format", "jsonl"];
    all.extend_from_slice(args);
    let o = puffery(&all);
    assert!(
        o.status.code() == Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

fn findings<'a>(doc: &'a Value, rule: &str) -> Vec<&'a Value> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

fn kinds(doc: &Value, key: &str) -> Vec<String> {
    doc[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap().to_string())
        .collect()
}

fn root(path: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

const FDA_DOC: &str = "corpus/supp-probiotic-no-fda.html";
const LATE_DOC: &str = "corpus/review-amazon-disclosure-after-link.html";

#[test]
fn missing_and_late_disclosures_are_findings_where_the_disclosure_was_needed() {
    let doc = &jsonl(&[FDA_DOC])[0];
    let bytes = root(FDA_DOC);
    // missing.fda points at the first health claim, with the entry's severity and reason.
    let claim = findings(doc, "claim.health-structure")[0];
    let fda = findings(doc, "missing.fda");
    assert_eq!(fda.len(), 1, "{doc}");
    let fda = fda[0];
    assert_eq!(
        (&fda["start"], &fda["end"]),
        (&claim["start"], &claim["end"])
    );
    let (s, e) = (
        fda["start"].as_u64().unwrap() as usize,
        fda["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&bytes[s..e], b"Supports gut health");
    assert_eq!(fda["match"], "Supports gut health");
    assert_eq!(fda["char_start"], fda["start"]);
    assert_eq!(
        (&fda["category"], &fda["severity"], &fda["weight"]),
        (
            &Value::from("missing"),
            &Value::from("warning"),
            &Value::from(0.0)
        )
    );
    assert_eq!(fda["message"], doc["missing"][0]["reason"]);
    let medical = findings(doc, "missing.medical")[0];
    assert_eq!(medical["severity"], "info");
    // The arrays stay as they were.
    assert_eq!(kinds(doc, "missing"), ["fda", "medical"]);
    assert_eq!(
        doc["missing"][0].as_object().unwrap().len(),
        3,
        "kind, reason, severity"
    );

    // late.affiliate points at the first affiliate link's anchor.
    let doc = &jsonl(&[LATE_DOC])[0];
    let late = findings(doc, "late.affiliate");
    assert_eq!(late.len(), 1);
    let first_affiliate = (doc["links"].as_array().unwrap())
        .iter()
        .find(|l| !l["affiliate"].is_null())
        .unwrap();
    assert_eq!(late[0]["start"], first_affiliate["start"]);
    assert_eq!(late[0]["scope"], "link");
    assert_eq!(kinds(doc, "late"), ["affiliate", "sponsored"]);
    // In line order with the other findings.
    let starts: Vec<u64> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["start"].as_u64().unwrap())
        .collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{starts:?}");

    // The human output says where, as for any finding.
    let out = stdout(&puffery(&["scan", "--color", "never", LATE_DOC]));
    assert!(
        out.contains(&format!(
            "{LATE_DOC}:23:4: warning late.affiliate: affiliate disclosure at byte 1087 comes after \
             the first need for it at byte 979"
        )),
        "{out}"
    );
    // Once: no separate "late affiliate disclosure" line any more.
    assert!(!out.contains("late affiliate disclosure"), "{out}");
}

#[test]
fn rules_lists_and_explains_missing_and_late() {
    let table = stdout(&puffery(&["rules"]));
    let row = table
        .lines()
        .find(|l| l.starts_with("missing.fda "))
        .expect("missing.fda listed");
    assert!(row.contains("missing") && row.contains("warning"), "{row}");
    assert!(table.lines().any(|l| l.starts_with("late.affiliate ")));
    assert!(
        (table.lines().find(|l| l.starts_with("missing.medical ")))
            .is_some_and(|l| l.contains(" info ")),
        "{table}"
    );
    let json = stdout(&puffery(&["rules", "--format", "json"]));
    let rows: Vec<Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let late = rows.iter().find(|r| r["id"] == "late.sponsored").unwrap();
    assert_eq!(
        (&late["category"], &late["severity"]),
        (&"late".into(), &"warning".into())
    );
    let o = puffery(&["rules", "explain", "missing.fda"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.starts_with("missing.fda  (missing, warning"), "{text}");
    assert!(text.contains("21 CFR 101.93"), "{text}");
}

#[test]
fn ignored_missing_findings_leave_the_output_but_not_the_verdict() {
    let all = &jsonl(&[FDA_DOC])[0];
    let doc = &jsonl(&["--ignore", "missing.fda", FDA_DOC])[0];
    assert!(findings(doc, "missing.fda").is_empty());
    assert_eq!(findings(doc, "missing.medical").len(), 1);
    assert_eq!(kinds(doc, "missing"), ["medical"]);
    assert_eq!(
        (&doc["score"], &doc["label"]),
        (&all["score"], &all["label"])
    );

    let doc = &jsonl(&["--ignore", "missing", FDA_DOC])[0];
    assert!(
        (doc["findings"].as_array().unwrap())
            .iter()
            .all(|f| f["category"] != "missing"),
        "{doc}"
    );
    assert!(kinds(doc, "missing").is_empty());
    assert_eq!(
        (&doc["score"], &doc["label"]),
        (&all["score"], &all["label"])
    );

    // `--select missing` names no pack rule: every rule still runs (the FDA requirement needs
    // the health claims) and only missing findings are shown.
    let doc = &jsonl(&["--select", "missing", FDA_DOC])[0];
    let rules: Vec<&str> = (doc["findings"].as_array().unwrap())
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["missing.fda", "missing.medical"]);
    assert_eq!(
        (&doc["score"], &doc["label"]),
        (&all["score"], &all["label"])
    );
    // Code checks are ignorable too.
    let doc = &jsonl(&["--ignore", "context.product-page", FDA_DOC])[0];
    assert!(findings(doc, "context.product-page").is_empty());
    assert_eq!(doc["score"], all["score"]);
}

#[test]
fn an_ignored_missing_disclosure_does_not_fail_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("links.txt");
    std::fs::write(
        &doc,
        "Our kit list, updated in May.\n\nhttps://www.amazon.com/dp/B0KIT00001/?tag=kitlist-20\n",
    )
    .unwrap();
    let d = doc.to_str().unwrap();
    let fails = |extra: &[&str]| {
        let mut args = vec!["scan", "-q", "--fail-on", "warning", d];
        args.extend_from_slice(extra);
        puffery(&args).status.code()
    };
    assert_eq!(fails(&[]), Some(1), "missing.affiliate is a warning");
    assert_eq!(fails(&["--ignore", "missing.affiliate"]), Some(0));
    // Severity decides, as for any finding: an info-level missing disclosure (medical) alone
    // does not trip --fail-on warning, a warning one does.
    let only = |id: &str| {
        let o = puffery(&[
            "scan",
            "-q",
            "--fail-on",
            "warning",
            "--select",
            id,
            FDA_DOC,
        ]);
        o.status.code()
    };
    assert_eq!(only("missing.medical"), Some(0));
    assert_eq!(only("missing.fda"), Some(1));
}

#[test]
fn missing_and_late_print_in_line_order_in_their_severity_colour() {
    let out = stdout(&puffery(&["scan", "--color", "always", FDA_DOC]));
    let lines: Vec<&str> = out.lines().collect();
    let at = |needle: &str| {
        lines
            .iter()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle:?} in {out}"))
    };
    // Yellow for a warning, cyan for info (not the red of errors).
    let fda = at("missing.fda");
    assert!(
        lines[fda].contains("\x1b[1;33mwarning\x1b[0m \x1b[1mmissing.fda\x1b[0m"),
        "{:?}",
        lines[fda]
    );
    let medical = at("missing.medical");
    assert!(
        lines[medical].contains("\x1b[1;36minfo\x1b[0m \x1b[1mmissing.medical"),
        "{:?}",
        lines[medical]
    );
    // Line order: after the first claim (line 22), before the claim of line 23.
    assert!(lines[fda].contains(":22:11"), "{:?}", lines[fda]);
    assert!(fda < at(":23:11") && medical < at(":23:11"));
}

#[test]
fn sarif_has_each_missing_disclosure_once_at_its_place() {
    let o = puffery(&["scan", "--format", "sarif", FDA_DOC]);
    let log: Value = serde_json::from_slice(&o.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let fda: Vec<&Value> = results
        .iter()
        .filter(|r| r["ruleId"] == "missing.fda")
        .collect();
    assert_eq!(fda.len(), 1);
    let region = &fda[0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (&region["startLine"], &region["startColumn"]),
        (&22.into(), &11.into())
    );
    assert_eq!(region["snippet"]["text"], "Supports gut health");
    assert_eq!(fda[0]["level"], "warning");
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.iter().filter(|i| **i == "missing.fda").count(), 1);
}

const STORE: &str = "corpus/suppress-store-deals.html";
const NOTES: &str = "corpus/suppress-release-notes.md";

#[test]
fn puffery_ignore_comments_hide_findings_in_html_files() {
    let lines = jsonl(&[STORE]);
    let (doc, summary) = (&lines[0], &lines[1]);
    let all = &jsonl(&["--no-inline-ignore", STORE])[0];
    // File level, one id: gone from the whole page.
    assert_eq!(findings(all, "claim.guaranteed-results").len(), 1);
    assert!(findings(doc, "claim.guaranteed-results").is_empty());
    // Next block: the urgency of the next paragraph only.
    for rule in ["urgency.scarcity", "urgency.offer-ends"] {
        assert_eq!(findings(all, rule).len(), 1, "{rule}");
        assert!(findings(doc, rule).is_empty(), "{rule}");
    }
    assert_eq!(
        findings(doc, "urgency.act-now").len(),
        1,
        "the paragraph after"
    );
    // Two ids, comma-separated, and a missing disclosure among them: gone from missing[] too.
    assert!(
        findings(doc, "cta.retailer").is_empty() && findings(doc, "missing.affiliate").is_empty()
    );
    assert_eq!(kinds(all, "missing"), ["affiliate"]);
    assert!(kinds(doc, "missing").is_empty());
    // Counted, and the verdict unchanged.
    assert_eq!(doc["suppressed"], 5);
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["suppressed"], 5);
    assert!(all.get("suppressed").is_none());
    assert_eq!(
        (&doc["score"], &doc["label"]),
        (&all["score"], &all["label"])
    );
    let human = stdout(&puffery(&["scan", "--color", "never", STORE, NOTES]));
    assert!(
        human.contains(&format!(
            "{STORE}: 5 findings suppressed by puffery-ignore comments"
        )),
        "{human}"
    );
    assert!(human.contains("; 7 findings suppressed;"), "{human}");
}

#[test]
fn puffery_ignore_comments_are_read_literally_in_markdown() {
    let doc = &jsonl(&[NOTES])[0];
    let all = &jsonl(&["--no-inline-ignore", NOTES])[0];
    // File level, two ids separated by a space.
    assert_eq!(findings(all, "missing.affiliate").len(), 1);
    assert!(findings(doc, "missing.affiliate").is_empty());
    // Next paragraph, a category prefix: "Shop now on Amazon" goes, "Order now" after it stays.
    assert_eq!(findings(all, "cta.retailer").len(), 1);
    assert!(findings(doc, "cta.retailer").is_empty());
    assert_eq!(findings(doc, "cta.buy-now").len(), 1);
    assert_eq!(doc["suppressed"], 2);
    assert_eq!(
        (&doc["score"], &doc["label"]),
        (&all["score"], &all["label"])
    );
}

#[test]
fn crawl_records_cannot_suppress_their_own_findings() {
    let dir = tempfile::tempdir().unwrap();
    let html = String::from_utf8(root(STORE)).unwrap();
    let record = serde_json::json!({"id": "page-1", "html": html}).to_string();
    let path = dir.path().join("crawl.jsonl");
    std::fs::write(&path, format!("{record}\n")).unwrap();
    let lines = jsonl(&[path.to_str().unwrap()]);
    let (doc, summary) = (&lines[0], &lines[1]);
    assert!(doc.get("suppressed").is_none(), "{doc}");
    assert!(summary.get("suppressed").is_none(), "{summary}");
    assert_eq!(findings(doc, "urgency.scarcity").len(), 1);
    assert_eq!(findings(doc, "claim.guaranteed-results").len(), 1);
    assert_eq!(kinds(doc, "missing"), ["affiliate"]);
    // The same page as a file honours them, unless --no-inline-ignore.
    let page = dir.path().join("page.html");
    std::fs::write(&page, &html).unwrap();
    assert_eq!(jsonl(&[page.to_str().unwrap()])[0]["suppressed"], 5);
    let off = &jsonl(&["--no-inline-ignore", page.to_str().unwrap()])[0];
    assert!(off.get("suppressed").is_none());
    assert_eq!(findings(off, "urgency.scarcity").len(), 1);
}

#[test]
fn rules_lists_what_select_and_ignore_keep() {
    let table = stdout(&puffery(&["rules", "--select", "missing"]));
    let ids: Vec<&str> = table
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "missing.affiliate",
            "missing.fda",
            "missing.medical",
            "missing.sponsored"
        ]
    );
    let table = stdout(&puffery(&["rules", "--ignore", "late,missing"]));
    assert!(
        !table.contains("late.") && !table.contains("missing."),
        "{table}"
    );
    assert!(table.contains("affiliate.no-rel"), "{table}");
}
