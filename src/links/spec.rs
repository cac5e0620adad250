//! The on-disk form of the network signatures (`patterns/networks.toml`).
//!
//! Only deserialisation and validation live here; [`super::engine`] compiles the result.

use serde::Deserialize;
use toml::Spanned;

use super::Confidence;

/// A whole signature file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileSpec {
    /// Same-site cloaking and plugin markup.
    #[serde(default)]
    pub cloaking: CloakingSpec,
    /// The networks, in file order.
    #[serde(default, rename = "network")]
    pub networks: Vec<Spanned<NetworkSpec>>,
}

/// The `[cloaking]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CloakingSpec {
    /// First path segments that cloakers use (`go`, `recommends`, ...).
    #[serde(default)]
    pub path_prefixes: Vec<String>,
    /// `class` tokens that only affiliate-link plugins write.
    #[serde(default)]
    pub plugin_classes: Vec<String>,
    /// Attribute names that only affiliate-link plugins write.
    #[serde(default)]
    pub plugin_attrs: Vec<String>,
    /// Attribute names that plugins also put on ordinary links.
    #[serde(default)]
    pub weak_plugin_attrs: Vec<String>,
    /// Paths (prefix match) under a cloaking prefix that are known internal routes.
    #[serde(default)]
    pub ignore_paths: Vec<String>,
    /// Query parameters of generic redirectors whose value may be an affiliate link.
    #[serde(default)]
    pub redirect_params: Vec<String>,
}

/// One `[[network]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NetworkSpec {
    /// What the classifier reports, e.g. `amazon`.
    pub name: String,
    /// Readable name used in evidence.
    pub label: String,
    /// Link signatures.
    #[serde(default)]
    pub rule: Vec<Spanned<RuleSpec>>,
    /// Link-rewriter script signatures.
    #[serde(default)]
    pub script: Vec<Spanned<ScriptSpec>>,
}

/// One `[[network.rule]]`; see the header of `patterns/networks.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleSpec {
    #[serde(default)]
    pub domains: Vec<String>,
    #[serde(default)]
    pub hosts: Vec<String>,
    #[serde(default)]
    pub host_prefix: Vec<String>,
    #[serde(default)]
    pub any_host: bool,
    #[serde(default)]
    pub subdomains: Option<Vec<String>>,
    #[serde(default)]
    pub host_id: Option<String>,
    #[serde(default)]
    pub path_prefix: Vec<String>,
    #[serde(default)]
    pub path_contains: Vec<String>,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub path_label: Option<String>,
    #[serde(default)]
    pub params: Vec<String>,
    #[serde(default)]
    pub param_values: Vec<String>,
    #[serde(default)]
    pub id_params: Vec<String>,
    #[serde(default)]
    pub dest_params: Vec<String>,
    #[serde(default)]
    pub confidence: Option<Confidence>,
    #[serde(default)]
    pub shortener: bool,
    #[serde(default)]
    pub note: Option<String>,
}

/// One `[[network.script]]`: a `<script src>` that rewrites links at click time.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScriptSpec {
    #[serde(default)]
    pub domains: Vec<String>,
    #[serde(default)]
    pub hosts: Vec<String>,
    #[serde(default)]
    pub path_prefix: Vec<String>,
    #[serde(default)]
    pub path: Option<String>,
}

/// 1-based line of a byte offset in `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Parses a signature file; syntax errors and unknown fields name the file and line.
pub(crate) fn parse(text: &str, file: &str) -> Result<FileSpec, crate::Error> {
    toml::from_str::<FileSpec>(text).map_err(|e| crate::Error::RulePack {
        file: file.to_string(),
        line: e.span().map(|s| line_of(text, s.start)),
        message: e.message().trim().to_string(),
    })
}
