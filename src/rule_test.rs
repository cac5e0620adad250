//! Runs every example of every rule: `examples.flag` must produce a finding of that rule,
//! `examples.ok` must not. `puffery rules test` and the test suite both use it, and a user
//! pack loaded by `scan` is checked with it (a warning per failure).
//!
//! Examples are scanned as plain-text documents (HTML when they start with `<`) by a scanner whose rules have no `requires`
//! and no `lang`: those are document-level (the corpus tests them). Everything else a user
//! would see applies: exceptions, instruction position, quoted mentions, and one finding per
//! category where two rules overlap.
//!
//! ```
//! use puffery::rules::RuleSet;
//! let rules = RuleSet::builtin().unwrap();
//! let report = puffery::rule_test::run(&rules).unwrap();
//! assert!(report.checked > 100);
//! assert!(report.failures.is_empty(), "{:?}", report.failures);
//! ```

use crate::rules::RuleSet;
use crate::scan::{DocFormat, DocInput, Scanner, ScannerOptions};

/// One example that does not do what it says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The pack file and the rule's line in it.
    pub file: String,
    /// 1-based line of the rule in its pack.
    pub line: usize,
    /// The rule id.
    pub rule: String,
    /// The example text.
    pub example: String,
    /// True for an `examples.flag` that did not flag, false for an `examples.ok` that did.
    pub should_flag: bool,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = if self.should_flag {
            "should flag"
        } else {
            "should not flag"
        };
        write!(
            f,
            "{}:{}: rule {}: {what}: {:?}",
            self.file, self.line, self.rule, self.example
        )
    }
}

/// How many examples ran, and which failed.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Examples run.
    pub checked: usize,
    /// Examples that failed, in pack order.
    pub failures: Vec<Failure>,
}

/// Runs every example of every rule in `rules` (all of them are compiled together, as a scan
/// would).
pub fn run(rules: &RuleSet) -> Result<Report, crate::Error> {
    let mut bare = rules.clone();
    for r in &mut bare.rules {
        r.rule.requires.clear();
        r.rule.lang.clear();
    }
    let scanner = Scanner::new(bare, ScannerOptions::default())?;
    let mut report = Report::default();
    for r in &rules.rules {
        // An example that starts with `<` is HTML (for rules scoped to headings, links, buttons).
        let fires = |text: &str| {
            let format = if text.starts_with('<') {
                DocFormat::Html
            } else {
                DocFormat::Text
            };
            scanner
                .scan(&DocInput::new(text.as_bytes(), format))
                .findings
                .iter()
                .any(|f| f.rule == r.rule.id)
        };
        let cases = (r.rule.examples.flag.iter().map(|e| (e, true)))
            .chain(r.rule.examples.ok.iter().map(|e| (e, false)));
        for (example, should_flag) in cases {
            report.checked += 1;
            if fires(example) != should_flag {
                report.failures.push(Failure {
                    file: r.file.clone(),
                    line: r.line,
                    rule: r.rule.id.clone(),
                    example: example.clone(),
                    should_flag,
                });
            }
        }
    }
    Ok(report)
}
