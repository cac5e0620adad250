//! The bundled corpus: every document in `corpus/` has an expected verdict in
//! `corpus/expected/<file name>.toml`, and every finding points at its text in the source.
//!
//! Expected-verdict fields (all optional but `label`):
//! - `label`: `promotional`, `borderline` or `clean`;
//! - `missing`, `late`, `disclosures`: the exact sets of kinds;
//! - `rules`: rule ids or prefixes that must have a finding;
//! - `absent`: rule ids or prefixes that must have none;
//! - `networks`: affiliate networks that must appear among the links.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use puffery::rules::id_matches;
use puffery::{DisclosureKind, DocFormat, DocInput, Label, Scanner};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    label: Label,
    #[serde(default)]
    missing: Option<Vec<DisclosureKind>>,
    #[serde(default)]
    late: Option<Vec<DisclosureKind>>,
    #[serde(default)]
    disclosures: Option<Vec<DisclosureKind>>,
    #[serde(default)]
    rules: Vec<String>,
    #[serde(default)]
    absent: Vec<String>,
    #[serde(default)]
    networks: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

fn corpus_docs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut docs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("corpus/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| {
            p.is_file()
                && p.file_name().is_some_and(|n| n != "README.md")
                && matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("html" | "htm" | "txt" | "md")
                )
        })
        .collect();
    docs.sort();
    docs
}

/// A corpus document as the CLI scans a file named on its command line: inline
/// `puffery-ignore` comments are honoured.
fn local_file(bytes: &[u8], format: DocFormat) -> DocInput<'_> {
    DocInput {
        inline_ignore: true,
        ..DocInput::new(bytes, format)
    }
}

fn set<T: Ord>(v: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    v.into_iter().collect()
}

#[test]
fn corpus_documents_get_their_expected_verdicts() {
    let scanner = Scanner::builtin().expect("built-in rules");
    let docs = corpus_docs();
    assert!(docs.len() >= 20, "corpus has {} documents", docs.len());
    let mut failures = Vec::new();
    for path in &docs {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let exp_path = path
            .parent()
            .unwrap()
            .join("expected")
            .join(format!("{name}.toml"));
        let Ok(exp_text) = std::fs::read_to_string(&exp_path) else {
            failures.push(format!("{name}: no {}", exp_path.display()));
            continue;
        };
        let exp: Expected = match toml::from_str(&exp_text) {
            Ok(e) => e,
            Err(e) => {
                failures.push(format!("{name}: bad expected file: {e}"));
                continue;
            }
        };
        let bytes = std::fs::read(path).unwrap();
        let format = if name.ends_with(".txt") || name.ends_with(".md") {
            DocFormat::Text
        } else {
            DocFormat::Html
        };
        let r = scanner.scan(&local_file(&bytes, format));
        let mut fail = |what: String| failures.push(format!("{name}: {what}"));
        if r.label != exp.label {
            fail(format!(
                "label {} (score {}), expected {}",
                r.label, r.score, exp.label
            ));
        }
        let checks = [
            (
                "missing",
                &exp.missing,
                set(r.missing.iter().map(|m| m.kind)),
            ),
            ("late", &exp.late, set(r.late.iter().map(|m| m.kind))),
            (
                "disclosures",
                &exp.disclosures,
                set(r.disclosures.iter().filter(|d| !d.weak).map(|d| d.kind)),
            ),
        ];
        for (field, want, got) in checks {
            if let Some(want) = want
                && set(want.iter().cloned()) != got
            {
                fail(format!("{field} {got:?}, expected {want:?}"));
            }
        }
        for rule in &exp.rules {
            if !r.findings.iter().any(|f| id_matches(&f.rule, rule)) {
                fail(format!("no finding of {rule}"));
            }
        }
        for rule in &exp.absent {
            for f in r.findings.iter().filter(|f| id_matches(&f.rule, rule)) {
                fail(format!("unexpected {} on {:?}", f.rule, f.matched));
            }
        }
        for net in &exp.networks {
            if !r
                .links
                .iter()
                .any(|l| l.affiliate.as_ref().is_some_and(|a| &a.network == net))
            {
                fail(format!("no {net} affiliate link"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} corpus failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_finding_points_at_its_match_in_the_source() {
    let scanner = Scanner::builtin().expect("built-in rules");
    for path in corpus_docs() {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.display().to_string();
        let format = if name.ends_with(".txt") || name.ends_with(".md") {
            DocFormat::Text
        } else {
            DocFormat::Html
        };
        let r = scanner.scan(&local_file(&bytes, format));
        let decoded = puffery::encoding::decode(&bytes, None, format == DocFormat::Html);
        let (enc, bom) = (decoded.encoding, decoded.bom_chars);
        let text: String = "\u{FEFF}".repeat(bom) + &decoded.text;
        for f in &r.findings {
            // The span decoded in the document's own encoding is the match.
            assert_eq!(
                puffery::encoding::decode(&bytes[f.start..f.end], Some(enc), false).text,
                f.matched,
                "{name}: {} at {}..{}",
                f.rule,
                f.start,
                f.end
            );
            let by_chars: String = text
                .chars()
                .skip(f.char_start)
                .take(f.char_end - f.char_start)
                .collect();
            assert_eq!(by_chars, f.matched, "{name}: char offsets of {}", f.rule);
        }
        for l in &r.links {
            assert!(l.start < l.end && l.end <= bytes.len(), "{name}: link span");
        }
    }
}

/// Only the disease half of the FDA disclaimer is reported as an incomplete disclaimer, in the
/// reason a user reads, not as a disclaimer that is present.
#[test]
fn partial_fda_disclaimer_reads_as_incomplete() {
    let scanner = Scanner::builtin().expect("built-in rules");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/supp-joint-fda-partial.txt");
    let bytes = std::fs::read(&path).expect("corpus document");
    let r = scanner.scan(&DocInput::new(&bytes, DocFormat::Text));
    let fda: Vec<&str> = r
        .missing
        .iter()
        .filter(|m| m.kind == DisclosureKind::Fda)
        .map(|m| m.reason.as_str())
        .collect();
    assert_eq!(fda.len(), 1, "{:?}", r.missing);
    assert!(fda[0].contains("incomplete FDA disclaimer"), "{}", fda[0]);
    assert!(
        r.disclosures
            .iter()
            .all(|d| d.kind != DisclosureKind::Fda || d.weak),
        "{:?}",
        r.disclosures
    );
}
