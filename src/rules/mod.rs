//! Rule packs: the format, loading, validation and the built-in table.
//!
//! A pack is a TOML file with a `[pack]` table and `[[rule]]` entries. Phrase and regex lists
//! are data; the scanner compiles every pack it is given into one matcher.
//!
//! ```
//! let pack = r#"
//! [pack]
//! name = "demo"
//!
//! [[rule]]
//! id = "cta.demo"
//! category = "cta"
//! severity = "warning"
//! weight = 1.0
//! summary = "A demo call to action"
//! why = "Shows the format."
//! phrases = ["order now"]
//! examples.flag = ["Order now!", "please order now"]
//! examples.ok = ["in order now to see", "the order: now or never"]
//! "#;
//! let rules = puffery::rules::RuleSet::from_packs(&[("demo.toml", pack)]).unwrap();
//! assert_eq!(rules.rules.len(), 1);
//! ```

use serde::{Deserialize, Serialize};

use crate::Error;

pub mod docs;

/// The built-in packs, embedded in the binary: one explicit table.
pub const BUILTIN: &[(&str, &str)] = &[
    ("patterns/cta.toml", include_str!("../../patterns/cta.toml")),
    (
        "patterns/claim.toml",
        include_str!("../../patterns/claim.toml"),
    ),
    (
        "patterns/urgency.toml",
        include_str!("../../patterns/urgency.toml"),
    ),
    (
        "patterns/disclosure.toml",
        include_str!("../../patterns/disclosure.toml"),
    ),
    (
        "patterns/context.toml",
        include_str!("../../patterns/context.toml"),
    ),
    (
        "patterns/policy.toml",
        include_str!("../../patterns/policy.toml"),
    ),
];

pub use crate::kinds::{DisclosureKind, Scope, Severity};

/// A rule's own examples: texts that must flag and texts that must not.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    /// Each must produce at least one finding of this rule.
    #[serde(default)]
    pub flag: Vec<String>,
    /// Each must produce no finding of this rule.
    #[serde(default)]
    pub ok: Vec<String>,
}

/// One rule, as written in a pack.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Dotted id whose first part is the category: `cta.shop-now`.
    pub id: String,
    /// `cta`, `claim`, `urgency`, `disclosure`, `negation` or a category a pack adds.
    pub category: String,
    /// How serious a finding is.
    pub severity: Severity,
    /// Contribution to the document score per finding (before the per-rule cap).
    pub weight: f64,
    /// One line: what the rule flags.
    pub summary: String,
    /// The harm, and the law or guide it comes from.
    pub why: String,
    /// Where the `why` comes from (a URL or a citation).
    #[serde(default)]
    pub source: Option<String>,
    /// Languages the rule applies to (`en`, `de`, `fr`); empty means every language.
    #[serde(default)]
    pub lang: Vec<String>,
    /// Literal phrases, matched ASCII-case-insensitively on word boundaries; whitespace in a
    /// phrase matches any whitespace, typographic quotes match straight ones.
    #[serde(default)]
    pub phrases: Vec<String>,
    /// Regular expressions (Rust `regex` syntax), case-insensitive; `\b` means an ASCII word
    /// boundary.
    #[serde(default)]
    pub regex: Vec<String>,
    /// Literals one of which every match contains, for the rule's regexes from which no
    /// trigger can be derived (README.md, "Regex triggers").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trigger: Vec<String>,
    /// Phrases that, where they match, hide this rule's matches they overlap
    /// ("the shop now closes" for "shop now", "did not prevent" for "prevent cancer").
    #[serde(default)]
    pub exceptions: Vec<String>,
    /// Rule-id prefixes of which the document must have a finding for this rule to count
    /// (`context.supplement` for supplement health claims); empty means none needed.
    #[serde(default)]
    pub requires: Vec<String>,
    /// Scopes the rule counts in; empty means all.
    #[serde(default)]
    pub scope: Vec<Scope>,
    /// For `disclosure` rules: what is disclosed (`affiliate`, `fda`, `medical`, `sponsored`).
    #[serde(default)]
    pub disclosure: Option<DisclosureKind>,
    /// For disclosure rules: a form the FTC calls insufficient (`#sp`).
    #[serde(default)]
    pub weak: bool,
    /// Evidence that a retailer gets the click (e.g. "on Amazon"): counts as affiliate evidence.
    #[serde(default)]
    pub retailer: bool,
    /// Counts inside quotations too. By default a `cta`, `claim` or `urgency` match that is
    /// quoted ("scare quotes", or reported speech with `said`) is a mention, not a use, and does
    /// not count; testimonial rules set this.
    #[serde(default)]
    pub in_quotes: bool,
    /// Counts only as an instruction: at the start of a sentence or line, or as the text of a
    /// link or button ("Buy it at Costco!", not "I usually buy them at Costco").
    #[serde(default)]
    pub imperative: bool,
    /// Findings of this rule add at most this many times its weight to the score.
    #[serde(default = "default_cap")]
    pub cap: f64,
    /// The part the rule plays in the verdict (`cart`, `supplement`, `health`), so code never
    /// matches rule ids; without it, `patterns/verdict.toml` `[roles]` assigns one by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// The rule's own tests.
    #[serde(default)]
    pub examples: Examples,
}

/// What part a rule plays in the verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A cart or checkout control ("Add to cart"): product-page evidence.
    Cart,
    /// Dietary-supplement context: with health claims, an FDA disclaimer is owed.
    Supplement,
    /// A health claim.
    Health,
}

fn default_cap() -> f64 {
    3.0
}

/// A pack's header.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackMeta {
    name: String,
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PackFile {
    pack: PackMeta,
    #[serde(default)]
    rule: Vec<Rule>,
}

/// A rule with the pack it came from.
#[derive(Clone, Debug)]
pub struct LoadedRule {
    /// The rule.
    pub rule: Rule,
    /// The pack file it came from.
    pub file: String,
    /// The pack's name.
    pub pack: String,
    /// 1-based line of the rule's `id` in its file.
    pub line: usize,
}

/// All the rules a scan uses, validated.
#[derive(Clone, Debug, Default)]
pub struct RuleSet {
    /// In load order; a rule's index here is its id in the matcher.
    pub rules: Vec<LoadedRule>,
    /// The `--select` / `--ignore` prefixes [`RuleSet::filter`] applied: the scanner reports
    /// only the findings they select, code checks and `missing.*` / `late.*` included.
    pub selection: Selection,
}

/// Rule id prefixes to report (`select`, all when empty) and not to report (`ignore`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Prefixes to keep; empty keeps all.
    pub select: Vec<String>,
    /// Prefixes to drop.
    pub ignore: Vec<String>,
}

impl Selection {
    /// True when findings of rule `id` are reported.
    pub fn reports(&self, id: &str) -> bool {
        (self.select.is_empty() || self.select.iter().any(|p| id_matches(id, p)))
            && !self.ignore.iter().any(|p| id_matches(id, p))
    }

    /// True when nothing is filtered.
    pub fn is_all(&self) -> bool {
        self.select.is_empty() && self.ignore.is_empty()
    }
}

impl RuleSet {
    /// The built-in packs. Their regexes are not compiled here: the tests compile every one,
    /// and the scanner's matcher compiles them (naming file, line and rule on error).
    pub fn builtin() -> Result<RuleSet, Error> {
        let mut set = RuleSet::default();
        for (file, text) in BUILTIN {
            set.add_pack_inner(file, text, false)?;
        }
        Ok(set)
    }

    /// Parses and validates packs given as `(file name, text)`.
    pub fn from_packs(packs: &[(&str, &str)]) -> Result<RuleSet, Error> {
        let mut set = RuleSet::default();
        for (file, text) in packs {
            set.add_pack(file, text)?;
        }
        Ok(set)
    }

    /// Adds one pack, validating each rule and compiling its regexes; a rule id may appear once
    /// across all packs.
    pub fn add_pack(&mut self, file: &str, text: &str) -> Result<(), Error> {
        self.add_pack_inner(file, text, true)
    }

    fn add_pack_inner(&mut self, file: &str, text: &str, compile: bool) -> Result<(), Error> {
        let parsed: PackFile = crate::prebuilt::from_toml(file, text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            let rule = e
                .span()
                .and_then(|s| rule_id_before(text, s.start))
                .map(|id| format!(" (in rule {id})"))
                .unwrap_or_default();
            Error::RulePack {
                file: file.to_string(),
                line,
                message: format!("{}{rule}", e.message()),
            }
        })?;
        let id_lines = id_lines(text);
        for rule in parsed.rule {
            let line = id_lines.get(rule.id.as_str()).copied().unwrap_or(0);
            let err_at = |line: usize, message: String| Error::RulePack {
                file: file.to_string(),
                // 0: the id was not found as written (a multi-line or inline table).
                line: (line > 0).then_some(line),
                message: format!("rule {}: {message}", rule.id),
            };
            let err = |message: String| err_at(line, message);
            validate(&rule, compile).map_err(|message| {
                // A bad regex is reported at its own line.
                let bad = (rule.regex.iter()).find(|re| crate::pattern::compile_regex(re).is_err());
                err_at(bad.map_or(line, |re| regex_line(text, line, re)), message)
            })?;
            if let Some(other) = self.rules.iter().find(|r| r.rule.id == rule.id) {
                return Err(err(format!(
                    "duplicate id, first defined at {}:{}",
                    other.file, other.line
                )));
            }
            self.rules.push(LoadedRule {
                rule,
                file: file.to_string(),
                pack: parsed.pack.name.clone(),
                line,
            });
        }
        Ok(())
    }

    /// Keeps the rules whose id starts with one of `select` (all when empty) and with none of
    /// `ignore`. A prefix matches whole dotted parts: `cta` matches `cta.shop-now`, not `ctab`.
    /// The prefixes are kept in [`RuleSet::selection`] for the findings that do not come from
    /// a pack rule (code checks, `missing.*`, `late.*`). A `select` that names no pack rule at
    /// all (`--select missing`) keeps every pack rule running, since the required disclosures
    /// are decided from their matches, and only the selected findings are reported.
    pub fn filter(&mut self, select: &[String], ignore: &[String]) {
        let names_a_rule = self
            .rules
            .iter()
            .any(|r| select.iter().any(|p| id_matches(&r.rule.id, p)));
        self.selection = Selection {
            select: select.to_vec(),
            ignore: ignore.to_vec(),
        };
        let run = Selection {
            select: if names_a_rule {
                select.to_vec()
            } else {
                Vec::new()
            },
            ignore: ignore.to_vec(),
        };
        self.rules.retain(|r| run.reports(&r.rule.id));
    }

    /// Finds a rule by id.
    pub fn get(&self, id: &str) -> Option<&LoadedRule> {
        self.rules.iter().find(|r| r.rule.id == id)
    }
}

/// True when rule id `id` is `prefix` or lies under it: `cta` matches `cta.shop-now`,
/// `claim.health` matches `claim.health-disease` and `claim.health.disease`, not `ctab`.
pub fn id_matches(id: &str, prefix: &str) -> bool {
    id == prefix
        || (id.starts_with(prefix)
            && (prefix.ends_with(['.', '-']) || id[prefix.len()..].starts_with(['.', '-'])))
}

fn validate(rule: &Rule, compile_regexes: bool) -> Result<(), String> {
    let id_ok = !rule.id.is_empty()
        && rule
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b));
    if !id_ok {
        return Err("id must be lower-case ASCII letters, digits, '-', '_' and '.'".into());
    }
    if rule.id.split('.').next() != Some(rule.category.as_str()) {
        return Err(format!(
            "id must start with its category `{}.`",
            rule.category
        ));
    }
    if rule.phrases.is_empty() && rule.regex.is_empty() {
        return Err("needs `phrases` or `regex`".into());
    }
    if !rule.weight.is_finite() || !rule.cap.is_finite() || rule.cap < 0.0 {
        return Err("weight and cap must be finite numbers, cap at least 0".into());
    }
    if rule.summary.trim().is_empty() || rule.why.trim().is_empty() {
        return Err("needs a `summary` and a `why`".into());
    }
    if let Some(p) = rule
        .phrases
        .iter()
        .chain(&rule.exceptions)
        .find(|p| crate::pattern::normalize_phrase(p).is_empty())
    {
        return Err(format!("empty phrase {p:?}"));
    }
    match (&rule.disclosure, rule.category.as_str()) {
        (None, "disclosure") => {
            return Err(format!(
                "disclosure rules need `disclosure = ` one of {:?}",
                DisclosureKind::ALL
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
            ));
        }
        (Some(_), c) if c != "disclosure" => {
            return Err("only disclosure rules take `disclosure`".into());
        }
        _ => {}
    }
    for re in rule.regex.iter().filter(|_| compile_regexes) {
        crate::pattern::compile_regex(re).map_err(|e| format!("regex {re:?}: {e}"))?;
        crate::pattern::plan(re, &rule.trigger)?;
    }
    if rule.examples.flag.len() < 2 || rule.examples.ok.len() < 2 {
        return Err("needs at least 2 `examples.flag` and 2 `examples.ok`".into());
    }
    Ok(())
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

/// Per id written on a line of its own (`id = "..."`), the first such line (1-based; a rule
/// whose id is not found so gets 0): one pass over `text` (a search per rule read the pack from
/// its start each time and counted its lines again).
fn id_lines(text: &str) -> std::collections::HashMap<&str, usize> {
    let mut lines = std::collections::HashMap::new();
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("id")
            && let Some(v) = rest.trim_start().strip_prefix('=')
        {
            let id = v.trim().trim_matches(|c| c == '"' || c == '\'');
            lines.entry(id).or_insert(n + 1);
        }
    }
    lines
}

/// The line, at or after the rule's `id` line, where regex `re` is written (as a TOML basic or
/// literal string); else the `regex` key's line; else `id_line`.
fn regex_line(text: &str, id_line: usize, re: &str) -> usize {
    let basic = format!("\"{}\"", re.replace('\\', "\\\\").replace('"', "\\\""));
    let literal = format!("'{re}'");
    let lines = || text.lines().enumerate().skip(id_line.saturating_sub(1));
    (lines().find(|(_, l)| l.contains(&basic) || l.contains(&literal)))
        .or_else(|| lines().find(|(_, l)| l.trim_start().starts_with("regex")))
        .map_or(id_line, |(i, _)| i + 1)
}

/// The id of the `[[rule]]` that contains byte `offset`, if one can be found.
fn rule_id_before(text: &str, offset: usize) -> Option<String> {
    let head = &text[..offset.min(text.len())];
    let start = head.rfind("[[rule]]")?;
    let section = &text[start..];
    let end = section[8..]
        .find("[[rule]]")
        .map_or(section.len(), |e| e + 8);
    section[..end].lines().find_map(|l| {
        let rest = l.trim().strip_prefix("id")?;
        let v = rest.trim_start().strip_prefix('=')?;
        Some(v.trim().trim_matches(|c| c == '"' || c == '\'').to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"[pack]
name = "t"

[[rule]]
id = "cta.order"
category = "cta"
severity = "warning"
weight = 1.0
summary = "s"
why = "w"
phrases = ["order now"]
examples.flag = ["Order now", "order now!"]
examples.ok = ["in order", "order of now"]
"#;

    #[test]
    fn loads_a_good_pack() {
        let set = RuleSet::from_packs(&[("t.toml", GOOD)]).unwrap();
        assert_eq!(set.rules[0].line, 5);
        assert_eq!(set.rules[0].rule.cap, 3.0);
    }

    #[test]
    fn unknown_field_names_file_line_and_rule() {
        let bad = GOOD.replace("weight = 1.0", "weight = 1.0\nwieght = 2");
        let err = RuleSet::from_packs(&[("t.toml", &bad)]).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("t.toml:9:"), "{msg}");
        assert!(msg.contains("wieght") && msg.contains("cta.order"), "{msg}");
    }

    #[test]
    fn bad_regex_names_the_rule() {
        let bad = GOOD.replace("phrases = [\"order now\"]", "regex = [\"(unclosed\"]");
        let msg = RuleSet::from_packs(&[("t.toml", &bad)])
            .unwrap_err()
            .to_string();
        assert!(msg.starts_with("t.toml:11: rule cta.order: regex"), "{msg}");
        // Several regexes, escaped: the bad one's own line.
        let bad = GOOD.replace(
            "phrases = [\"order now\"]",
            "regex = [\n  \"\\\\border\\\\b\",\n  '(\\w+',\n]",
        );
        let msg = RuleSet::from_packs(&[("t.toml", &bad)])
            .unwrap_err()
            .to_string();
        assert!(msg.starts_with("t.toml:13: rule cta.order: regex"), "{msg}");
    }

    #[test]
    fn duplicate_ids_are_refused() {
        let msg = RuleSet::from_packs(&[("a.toml", GOOD), ("b.toml", GOOD)])
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("duplicate id") && msg.contains("a.toml:5"),
            "{msg}"
        );
    }

    #[test]
    fn category_must_prefix_id_and_examples_are_required() {
        let bad = GOOD.replace("category = \"cta\"", "category = \"claim\"");
        assert!(RuleSet::from_packs(&[("t.toml", &bad)]).is_err());
        let bad = GOOD.replace("examples.ok = [\"in order\", \"order of now\"]", "");
        let msg = RuleSet::from_packs(&[("t.toml", &bad)])
            .unwrap_err()
            .to_string();
        assert!(msg.contains("examples"), "{msg}");
    }

    #[test]
    fn select_and_ignore_match_whole_dotted_parts() {
        let two = format!(
            "{GOOD}\n{}",
            GOOD.replace("[pack]\nname = \"t\"\n", "")
                .replace("cta.order", "cta.orderly")
        );
        let mut set = RuleSet::from_packs(&[("t.toml", &two)]).unwrap();
        set.filter(&["cta.order".into()], &[]);
        assert_eq!(set.rules.len(), 1);
        let mut set = RuleSet::from_packs(&[("t.toml", &two)]).unwrap();
        set.filter(&["cta".into()], &["cta.orderly".into()]);
        assert_eq!(set.rules.len(), 1);
        assert_eq!(set.rules[0].rule.id, "cta.order");
    }
}
