//! The scanner: one compiled set of rules, applied to one document at a time.
//!
//! [`Scanner`] is built once and shared immutably across threads; [`Scanner::scan`] turns a
//! [`DocInput`] into a [`DocResult`], the `document` line of the output contract.

use serde::Serialize;

use crate::links::Affiliate;

/// Whether a document is HTML or plain text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DocFormat {
    /// HTML: only visible text is scanned; links come from anchors.
    Html,
    /// Plain text: URLs in the text become links.
    #[default]
    Text,
}

/// One document to scan.
#[derive(Clone, Debug, Default)]
pub struct DocInput<'a> {
    /// The document's original bytes.
    pub bytes: &'a [u8],
    /// HTML or text.
    pub format: DocFormat,
    /// The document's URL, when known.
    pub url: Option<&'a str>,
    /// Language hint from the container, or `--lang`.
    pub lang: Option<&'a str>,
    /// Charset hint from the container (HTTP Content-Type).
    pub charset: Option<&'a str>,
}

impl<'a> DocInput<'a> {
    /// A document with no hints.
    pub fn new(bytes: &'a [u8], format: DocFormat) -> DocInput<'a> {
        DocInput {
            bytes,
            format,
            ..DocInput::default()
        }
    }
}

/// One match of one rule.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// Rule id, e.g. `cta.shop-now`.
    pub rule: String,
    /// Rule category: `cta`, `claim`, `urgency`, `disclosure`, ...
    pub category: String,
    /// `info`, `warning` or `error`.
    pub severity: String,
    /// The rule's weight in the document score.
    pub weight: f64,
    /// Byte offsets, half-open, into the document's original bytes.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// Code-point offsets into the same.
    pub char_start: usize,
    /// End code-point offset (exclusive).
    pub char_end: usize,
    /// The matched text as it stands in the source.
    #[serde(rename = "match")]
    pub matched: String,
    /// Where the text sits: `text`, `heading`, `link`, `button` or `attr`.
    pub scope: String,
}

/// One link of a document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LinkOut {
    /// The URL as written (entity-decoded).
    pub url: String,
    /// Anchor text, whitespace-collapsed.
    pub text: String,
    /// `rel` tokens, lower-cased.
    pub rel: Vec<String>,
    /// Byte offsets of the anchor (or the URL in text) in the original bytes.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// True when the anchor sits in markup a reader does not see.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub hidden: bool,
    /// What kind of affiliate link it is; `null` when it is not one.
    pub affiliate: Option<Affiliate>,
}

/// A disclosure found in the document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Disclosure {
    /// `affiliate`, `fda`, `medical` or `sponsored`.
    pub kind: String,
    /// The rule that found it.
    pub rule: String,
    /// Byte offsets in the original bytes.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// True for forms the FTC calls insufficient (`#sp`, `#spon`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub weak: bool,
}

/// A required disclosure that is absent, or present too late.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Requirement {
    /// `affiliate`, `fda`, `medical` or `sponsored`.
    pub kind: String,
    /// Why, for a person to read.
    pub reason: String,
}

/// The verdict for one document: the `document` line of the output contract.
#[derive(Clone, Debug, Default, Serialize)]
pub struct DocResult {
    /// Byte length of the document.
    pub bytes: usize,
    /// HTML or text.
    pub format: DocFormat,
    /// The language the rules were selected for, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// Additive score.
    pub score: f64,
    /// `promotional`, `borderline` or `clean`.
    pub label: String,
    /// Rule matches in document order.
    pub findings: Vec<Finding>,
    /// Links in document order.
    pub links: Vec<LinkOut>,
    /// Disclosures found.
    pub disclosures: Vec<Disclosure>,
    /// Required disclosures that are absent.
    pub missing: Vec<Requirement>,
    /// Disclosures that come after what needed them.
    pub late: Vec<Requirement>,
}
