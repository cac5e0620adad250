//! puffery finds marketing language, affiliate links and missing disclosures in web documents.
//!
//! The library is the product; the `puffery` binary only parses arguments, calls it and prints.
//! The library never prints.
//!
//! ```
//! use puffery::{DocFormat, DocInput, Scanner};
//! let scanner = Scanner::builtin().unwrap();
//! let doc = DocInput::new(b"Shop Now on Amazon! A proven, reliable solution.", DocFormat::Text);
//! let result = scanner.scan(&doc);
//! assert!(result.findings.iter().any(|f| f.rule == "cta.retailer"));
//! assert_eq!(result.missing[0].kind, puffery::DisclosureKind::Affiliate);
//! ```

pub mod config;
pub mod encoding;
pub mod error;
pub mod eval;
pub mod html;
pub mod input;
pub mod kinds;
pub mod links;
pub mod matcher;
pub mod output;
pub mod pattern;
pub mod pipeline;
mod prebuilt;
mod prebuilt_json;
pub mod report;
pub mod rule_test;
pub mod rules;
pub mod scan;
pub mod text;
pub mod verdict;

/// The tests' pseudo-random numbers: one xorshift64 step (Marsaglia's 13, 7, 17), the same
/// sequence in every test that draws from it.
#[cfg(test)]
pub(crate) fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// `n` bytes for the tests, each one of `kinds` or `other`: drawn from `kinds.len() * spread`
/// places, the places past `kinds` give `other` (a larger `spread`, more of it).
#[cfg(test)]
pub(crate) fn mixed_bytes(
    state: &mut u64,
    n: usize,
    kinds: &[u8],
    spread: usize,
    other: u8,
) -> Vec<u8> {
    (0..n)
        .map(|_| {
            let k = (xorshift(state) >> 40) as usize % (kinds.len() * spread);
            kinds.get(k).copied().unwrap_or(other)
        })
        .collect()
}

pub use error::Error;
pub use kinds::{DisclosureKind, Label, Scope, Severity};
pub use scan::{DocFormat, DocInput, DocResult, Finding, Scanner, ScannerOptions};
