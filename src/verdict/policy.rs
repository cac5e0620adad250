//! The verdict policy: weights, limits, rule roles and page-type word lists, as data
//! (`patterns/verdict.toml`).

use serde::Deserialize;

pub use crate::rules::Role;
use crate::rules::{RuleSet, id_matches};

/// The built-in policy file, as embedded.
pub const BUILTIN_POLICY: &str = include_str!("../../patterns/verdict.toml");

/// Weights of the page-level signals.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    /// Per visible paid link (affiliate or `rel="sponsored"`).
    pub paid_link: f64,
    /// Most that paid links add together.
    pub paid_links_cap: f64,
    /// A product page.
    pub product_page: f64,
    /// A self-declared advertorial.
    pub advertorial: f64,
    /// Affiliate links dense in the text.
    pub affiliate_dense: f64,
    /// Per link whose text is an instruction to buy, to an affiliate or retailer URL.
    pub link_cta: f64,
    /// Most that such links add together.
    pub link_cta_cap: f64,
    /// A lead form.
    pub lead_form: f64,
    /// A denial beside affiliate evidence.
    pub misleading_negation: f64,
    /// Recipe markup.
    pub recipe: f64,
    /// Article markup.
    pub article: f64,
    /// Long prose with few commercial links.
    pub long_prose: f64,
}

/// Limits of the counted signals.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Fewest affiliate links that can be dense.
    pub dense_min_links: usize,
    /// Affiliate links per 1,000 words at which they are dense.
    pub dense_per_1000_words: f64,
    /// Fewest words of long prose.
    pub long_prose_words: usize,
    /// Commercial links per 1,000 words below which long prose is editorial.
    pub long_prose_max_links_per_1000_words: f64,
}

/// Rule ids (or prefixes) per role, for rules whose pack does not set `role`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RoleTable {
    #[serde(default)]
    cart: Vec<String>,
    #[serde(default)]
    supplement: Vec<String>,
    #[serde(default)]
    health: Vec<String>,
}

/// Product-page word lists.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProductSpec {
    /// Path segments of shop product URLs.
    pub url_paths: Vec<String>,
}

/// Advertorial labels.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdvertorialSpec {
    /// Labels (lower-case).
    pub labels: Vec<String>,
    /// Byline openings that name a sponsor (lower-case).
    pub byline_prefixes: Vec<String>,
    /// Statements that the post itself is paid for (lower-case).
    pub statements: Vec<String>,
    /// Bracketed labels in the running text that make a paid post.
    pub inline_labels: usize,
    /// `statements`, compiled (ASCII case-insensitive), so the text is read once.
    #[serde(skip)]
    pub(crate) statement_matcher: Option<aho_corasick::AhoCorasick>,
    /// The longest word of each statement ([`anchor_word`]): a text without any of them holds
    /// no statement, and the statement automaton need not read it.
    #[serde(skip)]
    pub(crate) statement_anchors: Option<aho_corasick::AhoCorasick>,
}

/// The longest white-space separated word of `statement` (the first of equal length): every
/// text that holds the statement holds it. Rare words ("sponsored", "partnership") make a
/// small set that a vector search rules out in one fast pass, where the statement automaton
/// starts on common words ("this", "i", "dieser") at every byte.
pub(crate) fn anchor_word(statement: &str) -> &str {
    statement
        .split_whitespace()
        .fold("", |best, w| if w.len() > best.len() { w } else { best })
}

/// Calls to action in link text.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LinkCtaSpec {
    /// Leading words of an instruction to buy (lower-case).
    pub verbs: Vec<String>,
    /// Retailer host labels.
    pub retailers: Vec<String>,
}

/// How evidence adds up to a verdict.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Score at which a document is promotional.
    pub threshold: f64,
    /// Signal weights.
    pub weights: Weights,
    /// Signal limits.
    pub limits: Limits,
    /// Roles of rules by id, for packs that do not set them.
    #[serde(default)]
    pub roles: RoleTable,
    /// Product-page evidence.
    pub product: ProductSpec,
    /// Advertorial evidence.
    pub advertorial: AdvertorialSpec,
    /// Calls to action in link text.
    pub link_cta: LinkCtaSpec,
}

impl Policy {
    /// The built-in policy.
    pub fn builtin() -> Policy {
        Policy::from_toml(BUILTIN_POLICY, "patterns/verdict.toml")
            .expect("the built-in verdict policy is valid")
    }

    /// A policy from TOML of the shape of `patterns/verdict.toml`.
    pub fn from_toml(text: &str, file_name: &str) -> Result<Policy, crate::Error> {
        let err = |line: Option<usize>, message: String| crate::Error::RulePack {
            file: file_name.to_string(),
            line,
            message,
        };
        let mut p: Policy = crate::prebuilt::from_toml(file_name, text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start].lines().count().max(1));
            err(line, e.message().to_string())
        })?;
        let a = &mut p.advertorial;
        // A DFA: the automatic kind ran at a few hundred MB/s over every text, 5 % of a scan
        // of short text documents.
        // Lower-case statements over the text lower-cased in ASCII: ASCII case folding, and a
        // case-sensitive automaton of a few dozen patterns searches behind a vector prefilter.
        let statements: Vec<String> = a
            .statements
            .iter()
            .map(|s| s.to_ascii_lowercase())
            .collect();
        let matcher = aho_corasick::AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&statements)
            .map_err(|e| err(None, format!("[advertorial] statements: {e}")))?;
        a.statement_matcher = Some(matcher);
        let mut anchors: Vec<&str> = statements.iter().map(|s| anchor_word(s)).collect();
        anchors.sort_unstable();
        anchors.dedup();
        // Measured on the bench JSONL: the statement automaton read every text at ~15
        // instructions a byte (10 % of a scan); the anchor search reads it at about one.
        // Leftmost-first: the kind the vector (Teddy) searcher serves.
        let anchors = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(&anchors)
            .map_err(|e| err(None, format!("[advertorial] statements: {e}")))?;
        a.statement_anchors = Some(anchors);
        Ok(p)
    }

    /// The roles of each rule of `rules`, in rule order: the rule's own `role`, else the
    /// policy's table.
    pub fn roles(&self, rules: &RuleSet) -> Roles {
        let table = |list: &[String], id: &str| list.iter().any(|p| id_matches(id, p));
        Roles(
            rules
                .rules
                .iter()
                .map(|r| {
                    let id = r.rule.id.as_str();
                    r.rule.role.or_else(|| {
                        if table(&self.roles.cart, id) {
                            Some(Role::Cart)
                        } else if table(&self.roles.supplement, id) {
                            Some(Role::Supplement)
                        } else if table(&self.roles.health, id) {
                            Some(Role::Health)
                        } else {
                            None
                        }
                    })
                })
                .collect(),
        )
    }
}

impl Default for Policy {
    fn default() -> Policy {
        Policy::builtin()
    }
}

/// The role of each rule of a rule set, by rule index.
#[derive(Clone, Debug, Default)]
pub struct Roles(pub Vec<Option<Role>>);

impl Roles {
    /// The role of rule `i`.
    pub fn of(&self, i: usize) -> Option<Role> {
        self.0.get(i).copied().flatten()
    }
}
