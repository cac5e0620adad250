//! Precision, recall and F1 of puffery's verdicts against a labelled set of pages.
//!
//! A label line is a JSON object naming a `file` (found under the pages directory, as is or
//! with `.gz`) and the truth for it: `affiliate_links` (count), `affiliate_networks`,
//! `sponsored_rel`, `cta`, `claims`, `affiliate_disclosure`, `fda_disclaimer`,
//! `medical_disclaimer`, `sponsored_label`, `promotional` (`null` = no judgement; skipped),
//! and optional free-text `notes`. Any other field is an error.
//!
//! Boolean fields are scored per page. `affiliate_links` is scored per link, counts against
//! counts (true positives are the smaller of the two on each page); `affiliate_networks` per
//! (page, network) pair.
//!
//! ```
//! use puffery::eval::Tally;
//! let mut t = Tally::default();
//! t.add_bool(true, true);
//! t.add_bool(false, true);
//! assert_eq!((t.tp, t.fp), (1, 1));
//! assert_eq!(t.precision(), Some(0.5));
//! ```

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::kinds::{DisclosureKind, Label as DocLabel};
use crate::scan::{DocFormat, DocInput, DocResult, Scanner};

/// One labelled page. Unknown fields are errors (a typo such as `cat` for `cta` would
/// otherwise drop a judgement silently), as unknown keys in rule packs are.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Label {
    /// File name under the pages directory.
    pub file: String,
    /// Anchors that are affiliate links.
    #[serde(default)]
    pub affiliate_links: Option<u64>,
    /// Networks of those links.
    #[serde(default)]
    pub affiliate_networks: Option<Vec<String>>,
    /// Any `<a rel>` containing `sponsored`.
    #[serde(default)]
    pub sponsored_rel: Option<bool>,
    /// An explicit commercial call to action.
    #[serde(default)]
    pub cta: Option<bool>,
    /// Promotional claim language.
    #[serde(default)]
    pub claims: Option<bool>,
    /// An affiliate disclosure.
    #[serde(default)]
    pub affiliate_disclosure: Option<bool>,
    /// The FDA disclaimer.
    #[serde(default)]
    pub fda_disclaimer: Option<bool>,
    /// A medical-advice disclaimer.
    #[serde(default)]
    pub medical_disclaimer: Option<bool>,
    /// A sponsored/advertising label.
    #[serde(default)]
    pub sponsored_label: Option<bool>,
    /// The page's main purpose is to market or sell.
    #[serde(default)]
    pub promotional: Option<bool>,
    /// The labeller's free-text note; not scored.
    #[serde(default)]
    pub notes: Option<String>,
}

/// Counts for one field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// True positives.
    pub tp: u64,
    /// False positives.
    pub fp: u64,
    /// False negatives.
    pub fn_: u64,
    /// True negatives (boolean fields only).
    pub tn: u64,
}

impl Tally {
    /// Adds one page of a boolean field.
    pub fn add_bool(&mut self, truth: bool, predicted: bool) {
        match (truth, predicted) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }

    /// Adds one page of a counted field.
    pub fn add_count(&mut self, truth: u64, predicted: u64) {
        let tp = truth.min(predicted);
        self.tp += tp;
        self.fp += predicted - tp;
        self.fn_ += truth - tp;
    }

    /// tp / (tp + fp); `None` when nothing was predicted.
    pub fn precision(&self) -> Option<f64> {
        let d = self.tp + self.fp;
        (d > 0).then(|| self.tp as f64 / d as f64)
    }

    /// tp / (tp + fn); `None` when nothing was true.
    pub fn recall(&self) -> Option<f64> {
        let d = self.tp + self.fn_;
        (d > 0).then(|| self.tp as f64 / d as f64)
    }

    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> Option<f64> {
        let (p, r) = (self.precision()?, self.recall()?);
        (p + r > 0.0).then(|| 2.0 * p * r / (p + r))
    }
}

/// A page where a field came out wrong.
#[derive(Clone, Debug, Serialize)]
pub struct Miss {
    /// The page.
    pub file: String,
    /// The field.
    pub field: &'static str,
    /// What the label says.
    pub expected: String,
    /// What puffery said.
    pub got: String,
}

/// The result of an evaluation.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// Pages scored.
    pub pages: u64,
    /// Label lines whose page could not be read.
    pub unreadable: Vec<String>,
    /// Per field, in a fixed order.
    pub fields: Vec<(&'static str, Tally)>,
    /// Every wrong field.
    pub misses: Vec<Miss>,
}

/// Fields in report order.
pub const FIELDS: &[&str] = &[
    "affiliate_links",
    "affiliate_networks",
    "sponsored_rel",
    "cta",
    "claims",
    "affiliate_disclosure",
    "fda_disclaimer",
    "medical_disclaimer",
    "sponsored_label",
    "promotional",
];

/// Links reported as affiliate (confirmed or likely; possible ones are `suspect`).
fn counts_as_affiliate(r: &DocResult) -> impl Iterator<Item = &crate::scan::LinkOut> {
    r.links.iter().filter(|l| l.affiliate.is_some())
}

fn has_category(r: &DocResult, cat: &str) -> bool {
    r.findings.iter().any(|f| f.category == cat)
}

fn discloses(r: &DocResult, kind: DisclosureKind) -> bool {
    r.disclosures.iter().any(|d| d.kind == kind && !d.weak)
}

/// Reads a page, gunzipping `.gz`.
fn read_page(dir: &Path, file: &str) -> std::io::Result<Vec<u8>> {
    let plain = dir.join(file);
    if plain.exists() {
        return std::fs::read(plain);
    }
    let raw = std::fs::read(dir.join(format!("{file}.gz")))?;
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(&raw[..]).read_to_end(&mut out)?;
    Ok(out)
}

/// Scores `scanner` on the pages under `dir` named by `labels`.
pub fn evaluate(scanner: &Scanner, labels: &[Label], dir: &Path) -> Report {
    let mut report = Report::default();
    let mut tallies = vec![Tally::default(); FIELDS.len()];
    for label in labels {
        let bytes = match read_page(dir, &label.file) {
            Ok(b) => b,
            Err(e) => {
                report.unreadable.push(format!("{}: {e}", label.file));
                continue;
            }
        };
        let format = if label.file.ends_with(".txt") {
            DocFormat::Text
        } else {
            DocFormat::Html
        };
        let r = scanner.scan(&DocInput::new(&bytes, format));
        report.pages += 1;
        for (field, t) in FIELDS.iter().zip(&mut tallies) {
            if let Some((expected, got)) = tally(field, label, &r, t) {
                report.misses.push(Miss {
                    file: label.file.clone(),
                    field,
                    expected,
                    got,
                });
            }
        }
    }
    report.fields = FIELDS.iter().copied().zip(tallies).collect();
    report
}

/// Adds one page's `field` to its tally; a miss comes back as (expected, got).
fn tally(field: &str, label: &Label, r: &DocResult, t: &mut Tally) -> Option<(String, String)> {
    match field {
        "affiliate_links" => {
            let truth = label.affiliate_links?;
            let got = counts_as_affiliate(r).count() as u64;
            t.add_count(truth, got);
            (got != truth).then(|| (truth.to_string(), got.to_string()))
        }
        "affiliate_networks" => {
            let truth: BTreeSet<&str> = (label.affiliate_networks.as_ref()?.iter())
                .map(String::as_str)
                .collect();
            let got: BTreeSet<&str> = counts_as_affiliate(r)
                .filter_map(|l| l.affiliate.as_ref().map(|a| a.network.as_str()))
                .collect();
            let tp = truth.intersection(&got).count() as u64;
            t.tp += tp;
            t.fp += got.len() as u64 - tp;
            t.fn_ += truth.len() as u64 - tp;
            (truth != got).then(|| (format!("{truth:?}"), format!("{got:?}")))
        }
        _ => {
            let (truth, got) = match field {
                "sponsored_rel" => (
                    label.sponsored_rel,
                    (r.links.iter()).any(|l| l.rel.iter().any(|x| x == "sponsored")),
                ),
                "cta" => (label.cta, has_category(r, "cta")),
                "claims" => (label.claims, has_category(r, "claim")),
                "affiliate_disclosure" => (
                    label.affiliate_disclosure,
                    discloses(r, DisclosureKind::Affiliate),
                ),
                "fda_disclaimer" => (label.fda_disclaimer, discloses(r, DisclosureKind::Fda)),
                "medical_disclaimer" => (
                    label.medical_disclaimer,
                    discloses(r, DisclosureKind::Medical),
                ),
                "sponsored_label" => (
                    label.sponsored_label,
                    discloses(r, DisclosureKind::Sponsored),
                ),
                _ => (label.promotional, r.label == DocLabel::Promotional),
            };
            let truth = truth?;
            t.add_bool(truth, got);
            (truth != got).then(|| (truth.to_string(), got.to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_score_per_link() {
        let mut t = Tally::default();
        t.add_count(5, 3);
        t.add_count(0, 2);
        assert_eq!((t.tp, t.fp, t.fn_), (3, 2, 2));
        assert_eq!(t.f1(), Some(0.6));
    }

    #[test]
    fn evaluates_pages_from_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.html"),
            "<p>Shop now! <a href=\"https://www.amazon.com/dp/B01?tag=me-20\">Buy</a></p>",
        )
        .unwrap();
        let labels: Vec<Label> = [
            r#"{"file":"a.html","affiliate_links":1,"cta":true,"claims":false,"promotional":null}"#,
            r#"{"file":"missing.html","cta":true}"#,
        ]
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
        let scanner = Scanner::builtin().unwrap();
        let report = evaluate(&scanner, &labels, dir.path());
        assert_eq!(report.pages, 1);
        assert_eq!(report.unreadable.len(), 1);
        let get = |f: &str| report.fields.iter().find(|(n, _)| *n == f).unwrap().1;
        assert_eq!(get("affiliate_links").tp, 1);
        assert_eq!(get("cta").tp, 1);
        assert_eq!(get("claims").tn, 1);
        assert_eq!(get("promotional"), Tally::default());
    }
}
