//! Affiliate link classification.
//!
//! [`Classifier::classify`] takes one link (an `href` as written, already entity-decoded) with its
//! context and says whether it is an affiliate link, of which network, and who gets paid.
//!
//! This is the interface the scanner calls; the network signatures live in `patterns/` as data.

use serde::Serialize;

/// How sure a classification is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// A network signature matched (host, path shape or query parameter of a known network).
    Confirmed,
    /// A cloaked path or affiliate-plugin markup, with other evidence.
    Likely,
    /// A generic parameter only.
    Possible,
}

/// What an affiliate link is.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Affiliate {
    /// Network or program, e.g. `amazon`, `awin`, `cloaked`.
    pub network: String,
    /// The affiliate id where the URL carries one (Amazon `tag`, Awin `awinaffid`, ...).
    pub id: Option<String>,
    /// The percent-decoded destination where the URL wraps one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    /// Which signature matched, for a person to read ("query parameter tag").
    pub evidence: String,
    /// How sure the classification is.
    pub confidence: Confidence,
}

/// What is known about a link besides its URL.
#[derive(Clone, Debug, Default)]
pub struct LinkContext<'a> {
    /// The URL of the page the link is on, when known (for same-site cloaked links).
    pub page_url: Option<&'a str>,
    /// `rel` tokens, lower-cased.
    pub rel: &'a [String],
    /// The `class` attribute as written.
    pub class: Option<&'a str>,
    /// Affiliate-plugin markup on the anchor (`data-linkid`, `data-lasso-id`, ...), attribute names.
    pub plugin_attrs: &'a [String],
}

/// The compiled network signatures.
#[derive(Debug, Default)]
pub struct Classifier {}

impl Classifier {
    /// The built-in signatures.
    pub fn builtin() -> Classifier {
        Classifier {}
    }

    /// Classifies one link; `None` when it is not an affiliate link.
    pub fn classify(&self, _href: &str, _ctx: &LinkContext<'_>) -> Option<Affiliate> {
        None
    }
}
