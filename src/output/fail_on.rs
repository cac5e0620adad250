//! `--fail-on`: which documents make a run exit 1.
//!
//! ```
//! use puffery::output::FailOn;
//! use puffery::{DocFormat, DocInput, Scanner};
//! let scanner = Scanner::builtin().unwrap();
//! let r = scanner.scan(&DocInput::new(b"It rained all day in Leeds.", DocFormat::Text));
//! assert!(!FailOn::Warning.fails(&r));
//! ```

use crate::kinds::{Label, Severity};
use crate::scan::DocResult;

/// Which documents trip the policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum FailOn {
    /// Findings never change the exit code
    Never,
    /// Exit 1 when a document is labelled promotional
    Promotional,
    /// Exit 1 on any warning or error finding (missing and late disclosures are findings)
    Warning,
    /// Exit 1 on any error finding
    Error,
}

impl FailOn {
    /// Whether `r` trips the policy.
    pub fn fails(self, r: &DocResult) -> bool {
        match self {
            FailOn::Never => false,
            FailOn::Promotional => r.label == Label::Promotional,
            // Missing and late disclosures are findings with their severity: an info-level
            // one (`missing.medical`) does not fail, an ignored or suppressed one is gone.
            FailOn::Warning => r.findings.iter().any(|f| f.severity >= Severity::Warning),
            FailOn::Error => r.findings.iter().any(|f| f.severity == Severity::Error),
        }
    }
}
