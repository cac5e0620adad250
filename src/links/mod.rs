//! Affiliate link classification.
//!
//! [`Classifier::classify`] takes one link (an `href` as written, already entity-decoded) with its
//! context and says whether it is an affiliate link, of which network, and who gets paid.
//!
//! This is the interface the scanner calls; the network signatures live in `patterns/` as data
//! (`patterns/networks.toml`, embedded at build time). See `docs/links.md` for the rules.

mod engine;
mod fasturl;
mod spec;

use serde::{Deserialize, Serialize};

/// The built-in signature file, as embedded (users may append their own networks to it and
/// build with [`Classifier::from_toml`]).
pub const BUILTIN_NETWORKS: &str = include_str!("../../patterns/networks.toml");

/// The network reported for same-site cloaked links and affiliate-plugin markup.
pub const CLOAKED_NETWORK: &str = engine::CLOAKED;

/// How sure a classification is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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

/// The compiled network signatures. Build once, share freely (`Send + Sync`).
#[derive(Debug)]
pub struct Classifier {
    engine: engine::Engine,
}

impl Classifier {
    /// The built-in signatures (`patterns/networks.toml`).
    pub fn builtin() -> Classifier {
        // Its regexes compile on first use; `builtin_regexes_compile` compiles every one.
        let engine = engine::Engine::build(BUILTIN_NETWORKS, "patterns/networks.toml", false);
        Classifier {
            engine: engine.expect("the built-in network signatures are valid"),
        }
    }

    /// Signatures from a TOML file of the same shape as `patterns/networks.toml`. Unknown
    /// fields, bad regexes, non-registrable `domains` and duplicate networks are errors that name
    /// `file_name` and the line.
    pub fn from_toml(text: &str, file_name: &str) -> Result<Classifier, crate::Error> {
        Ok(Classifier {
            engine: engine::Engine::build(text, file_name, true)?,
        })
    }

    /// Classifies one link; `None` when it is not an affiliate link.
    ///
    /// `href` is the attribute value as written (entity-decoded): absolute, protocol-relative or
    /// relative; anything that is not http(s) gives `None`. Never panics.
    pub fn classify(&self, href: &str, ctx: &LinkContext<'_>) -> Option<Affiliate> {
        self.engine.classify(href, ctx)
    }

    /// The network whose link-rewriter script `script_src` (a `<script src>` value) is, e.g.
    /// `skimlinks` or `sovrn`: document-level evidence that plain merchant links may earn
    /// commission once clicked.
    pub fn rewriter_script(&self, script_src: &str) -> Option<String> {
        self.engine.rewriter_script(script_src)
    }

    /// The names of the networks in the signature file, in file order.
    pub fn networks(&self) -> Vec<&str> {
        self.engine.network_names().collect()
    }
}

impl Default for Classifier {
    /// The built-in signatures, as [`Classifier::builtin`].
    fn default() -> Classifier {
        Classifier::builtin()
    }
}

#[cfg(test)]
mod tests;
