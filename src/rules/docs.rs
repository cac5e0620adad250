//! Rule documentation generated from the packs: `docs/rules.md`, the text of
//! `puffery rules explain ID`, and pattern counts.
//!
//! The packs are the single source: every rule carries its summary, its `why` and source, and its
//! examples, so the documentation is rendered from them and a test keeps the committed
//! `docs/rules.md` in step (`PUFFERY_BLESS=1 cargo test --test rules_doc` rewrites it).
//!
//! ```
//! use puffery::rules::{docs, RuleSet};
//! let rules = RuleSet::builtin().unwrap();
//! let md = docs::markdown(&rules);
//! assert!(md.contains("| `cta.retailer` |"));
//! let text = docs::explain(rules.get("claim.clinically-proven").unwrap());
//! assert!(text.contains("Notice of Penalty Offenses"));
//! assert_eq!(docs::top_level_alternatives(r"a(b|c)|d[|]|e\|f"), 3);
//! ```

use std::fmt::Write;

use super::{LoadedRule, Rule, RuleSet};

/// Categories in the order the documentation lists them; others follow alphabetically.
const CATEGORY_ORDER: &[&str] = &[
    "cta",
    "claim",
    "urgency",
    "disclosure",
    "negation",
    "context",
];

/// What a category holds, for its section heading.
fn category_blurb(category: &str) -> &'static str {
    match category {
        "cta" => {
            "Calls to action: prompts to buy, order, shop, add to cart, use a coupon, start a trial or pay for a \
             subscription. Rules marked *retailer* name a store and count as affiliate evidence."
        }
        "claim" => {
            "Claims about a product: establishment (\"clinically proven\"), endorsement, guarantees, rank and \
             superlatives, safety, fast results, testimonials, and health claims. `claim.health*` rules count \
             only with supplement-product context and make the FDA disclaimer required."
        }
        "urgency" => {
            "Urgency and scarcity: deadlines, limited-time offers, low stock, activity counters and countdowns."
        }
        "disclosure" => {
            "Disclosures: found, never flagged. The `kind` says what they disclose; *weak* forms are recognised \
             but do not satisfy a requirement."
        }
        "negation" => {
            "Statements that something is not sponsored or not an ad: never a disclosure."
        }
        "context" => "Context markers with weight 0 that other rules and checks depend on.",
        _ => "Rules a pack adds.",
    }
}

/// Pattern counts of a rule set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Rules.
    pub rules: usize,
    /// Literal phrases (exceptions not counted).
    pub phrases: usize,
    /// Regular expressions.
    pub regexes: usize,
    /// Top-level alternatives of the regular expressions (a regex without a top-level `|` is 1).
    pub regex_alternatives: usize,
}

impl Totals {
    /// Phrases plus top-level regex alternatives: the number of patterns a reader would list.
    pub fn patterns(&self) -> usize {
        self.phrases + self.regex_alternatives
    }
}

/// Counts rules, phrases and regex alternatives.
pub fn totals(rules: &RuleSet) -> Totals {
    let mut t = Totals::default();
    for r in &rules.rules {
        t.rules += 1;
        t.phrases += r.rule.phrases.len();
        t.regexes += r.rule.regex.len();
        t.regex_alternatives += r
            .rule
            .regex
            .iter()
            .map(|re| top_level_alternatives(re))
            .sum::<usize>();
    }
    t
}

/// Number of top-level alternatives of a regex: `|` outside groups and character classes, plus
/// one. Escaped characters (`\|`) do not count.
pub fn top_level_alternatives(re: &str) -> usize {
    let mut depth = 0usize;
    let mut in_class = false;
    let mut alternatives = 1;
    let mut chars = re.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => depth = depth.saturating_sub(1),
            '|' if !in_class && depth == 0 => alternatives += 1,
            _ => {}
        }
    }
    alternatives
}

fn categories(rules: &RuleSet) -> Vec<String> {
    let mut cats: Vec<String> = Vec::new();
    for r in &rules.rules {
        if !cats.contains(&r.rule.category) {
            cats.push(r.rule.category.clone());
        }
    }
    cats.sort_by_key(|c| {
        let i = CATEGORY_ORDER
            .iter()
            .position(|o| o == c)
            .unwrap_or(CATEGORY_ORDER.len());
        (i, c.clone())
    });
    cats
}

/// Markdown-escapes prose for a table cell or a paragraph: pipes, emphasis markers and angle
/// brackets are taken literally, line breaks become spaces.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' | '*' | '_' | '<' | '>' | '[' | ']' | '`' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// An inline code span that holds `text` whatever backticks it contains.
fn code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let ticks = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{text}{pad}{ticks}")
}

/// An example as shown in the docs: quoted, with line breaks escaped.
fn example(text: &str) -> String {
    code(&format!("{text:?}"))
}

/// Markers after a rule's summary: disclosure kind, weak, retailer, instruction only (the rule
/// is `imperative`), counts in quotes, language, requires, scope.
fn flags(rule: &Rule) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(kind) = &rule.disclosure {
        out.push(format!("kind: {kind}"));
    }
    if rule.weak {
        out.push("weak".into());
    }
    if rule.retailer {
        out.push("retailer".into());
    }
    if rule.imperative {
        out.push("instruction only".into());
    }
    if rule.in_quotes {
        out.push("counts in quotes".into());
    }
    if !rule.lang.is_empty() {
        out.push(format!("lang: {}", rule.lang.join(", ")));
    }
    if !rule.requires.is_empty() {
        out.push(format!("requires: {}", rule.requires.join(", ")));
    }
    if !rule.scope.is_empty() {
        let scopes: Vec<&str> = rule.scope.iter().map(|s| s.as_str()).collect();
        out.push(format!("scope: {}", scopes.join(", ")));
    }
    out
}

fn source_md(source: &str) -> String {
    if source.starts_with("https://") || source.starts_with("http://") {
        format!("<{source}>")
    } else {
        md(source)
    }
}

fn weight(w: f64) -> String {
    let s = format!("{w}");
    if s.contains('.') { s } else { format!("{s}.0") }
}

/// Renders the documentation of every rule as Markdown: totals, then per category a table
/// (id, severity, weight, summary) and each rule's why, source, patterns and examples.
pub fn markdown(rules: &RuleSet) -> String {
    let t = totals(rules);
    let mut out = String::new();
    out.push_str("# puffery rules\n\n");
    out.push_str(
        "<!-- Generated from patterns/*.toml by puffery::rules::docs::markdown. Do not edit: change \
         the packs, then run `PUFFERY_BLESS=1 cargo test --test rules_doc`. -->\n\n",
    );
    let _ = writeln!(
        out,
        "{} rules with {} phrases and {} regular expressions ({} top-level regex alternatives): \
         {} patterns in all.\n",
        t.rules,
        t.phrases,
        t.regexes,
        t.regex_alternatives,
        t.patterns()
    );
    out.push_str(
        "Phrases match ASCII-case-insensitively on word boundaries, with whitespace matching one \
         space of the normalized text; regexes are case-insensitive with ASCII `\\b`. A rule's \
         *exceptions* hide its matches they overlap. Rules marked *instruction only* count at the \
         start of a sentence or line, or as link or button text. Each finding adds the rule's weight to the \
         document score, at most `cap` times the weight per rule (3 unless given). Rules with a \
         language run only on documents in that language, or when the language is unknown.\n\n",
    );
    let cats = categories(rules);
    out.push_str("| category | rules |\n|---|---|\n");
    for c in &cats {
        let n = rules.rules.iter().filter(|r| &r.rule.category == c).count();
        let _ = writeln!(out, "| [{c}](#{c}) | {n} |");
    }
    out.push('\n');
    for c in &cats {
        let _ = writeln!(out, "## {c}\n\n{}\n", category_blurb(c));
        out.push_str("| id | severity | weight | summary |\n|---|---|---|---|\n");
        let in_cat: Vec<&LoadedRule> = rules
            .rules
            .iter()
            .filter(|r| &r.rule.category == c)
            .collect();
        for r in &in_cat {
            let f = flags(&r.rule);
            let extra = if f.is_empty() {
                String::new()
            } else {
                format!(" ({})", md(&f.join("; ")))
            };
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {}{extra} |",
                r.rule.id,
                r.rule.severity.as_str(),
                weight(r.rule.weight),
                md(&r.rule.summary)
            );
        }
        out.push('\n');
        for r in &in_cat {
            rule_section(&mut out, r);
        }
    }
    out
}

fn rule_section(out: &mut String, r: &LoadedRule) {
    rule_facts(out, r);
    rule_examples(out, &r.rule);
    rule_patterns(out, &r.rule);
}

/// Heading, summary, why, settings, source and file of a rule.
fn rule_facts(out: &mut String, r: &LoadedRule) {
    let rule = &r.rule;
    let _ = writeln!(out, "### `{}`\n", rule.id);
    let _ = writeln!(out, "{}\n", md(&rule.summary));
    let _ = writeln!(out, "{}\n", md(&rule.why));
    let mut facts = vec![
        format!("severity {}", rule.severity.as_str()),
        format!("weight {}", weight(rule.weight)),
        format!("cap {}", weight(rule.cap)),
    ];
    facts.extend(flags(rule));
    let _ = writeln!(out, "- {}", md(&facts.join(", ")));
    if let Some(s) = &rule.source {
        let _ = writeln!(out, "- Source: {}", source_md(s));
    }
    let _ = writeln!(out, "- Defined in `{}`", r.file);
}

/// What a rule flags and does not flag.
fn rule_examples(out: &mut String, rule: &Rule) {
    let list = |v: &[String]| v.iter().map(|e| example(e)).collect::<Vec<_>>().join(", ");
    let _ = writeln!(out, "- Flags: {}", list(&rule.examples.flag));
    let _ = writeln!(out, "- Does not flag: {}", list(&rule.examples.ok));
    out.push('\n');
}

/// A rule's phrases, regexes and exceptions, folded.
fn rule_patterns(out: &mut String, rule: &Rule) {
    let codes = |v: &[String]| v.iter().map(|p| code(p)).collect::<Vec<_>>().join(", ");
    let mut summary = Vec::new();
    if !rule.phrases.is_empty() {
        summary.push(format!("{} phrases", rule.phrases.len()));
    }
    if !rule.regex.is_empty() {
        summary.push(format!("{} regexes", rule.regex.len()));
    }
    if !rule.exceptions.is_empty() {
        summary.push(format!("{} exceptions", rule.exceptions.len()));
    }
    let _ = writeln!(
        out,
        "<details><summary>Patterns: {}</summary>\n",
        summary.join(", ")
    );
    if !rule.phrases.is_empty() {
        let _ = writeln!(out, "Phrases: {}\n", codes(&rule.phrases));
    }
    if !rule.regex.is_empty() {
        out.push_str("Regexes:\n\n```text\n");
        for re in &rule.regex {
            let _ = writeln!(out, "{re}");
        }
        out.push_str("```\n\n");
    }
    if !rule.exceptions.is_empty() {
        let _ = writeln!(out, "Exceptions: {}\n", codes(&rule.exceptions));
    }
    out.push_str("</details>\n\n");
}

/// One check done in code (the verdict's checks, `missing.<kind>` and `late.<kind>`), for
/// [`checks_markdown`]: id, category, severity, summary, why.
pub type CheckDoc<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str);

/// The section of `docs/rules.md` on the checks done in code (`puffery::verdict::CHECKS`):
/// findings that come from the page as a whole rather than a pack's phrases, among them the
/// missing and late disclosures.
pub fn checks_markdown(checks: &[CheckDoc<'_>]) -> String {
    let mut out = String::from("## Checks done in code\n\n");
    out.push_str(
        "Findings that come from the document as a whole rather than from a pack's phrases. \
         `missing.<kind>` and `late.<kind>` are the required disclosures (`missing[]` and \
         `late[]` of the output) as findings: they point at the first thing that needed the \
         disclosure (the first affiliate link, health claim or sponsored link), add nothing to \
         the score, and can be selected, ignored (`--ignore missing`, `--ignore late.affiliate`) \
         and suppressed inline (`<!-- puffery-ignore missing.fda -->`) like any rule; an ignored \
         or suppressed one also leaves `missing[]` / `late[]`.\n\n",
    );
    out.push_str("| id | category | severity | summary |\n|---|---|---|---|\n");
    for (id, category, severity, summary, _) in checks {
        let _ = writeln!(
            out,
            "| `{id}` | {category} | {severity} | {} |",
            md(summary)
        );
    }
    out.push('\n');
    for (id, _, _, summary, why) in checks {
        let _ = writeln!(out, "### `{id}`\n\n{}\n\n{}\n", md(summary), md(why));
    }
    out
}

/// The plain-text explanation of one rule for `puffery rules explain ID`: summary, why, source,
/// settings, pattern counts and examples.
pub fn explain(r: &LoadedRule) -> String {
    let rule = &r.rule;
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", rule.id, rule.summary);
    let _ = writeln!(
        out,
        "category {}, severity {}, weight {}, cap {}",
        rule.category,
        rule.severity.as_str(),
        weight(rule.weight),
        weight(rule.cap)
    );
    let f = flags(rule);
    if !f.is_empty() {
        let _ = writeln!(out, "{}", f.join("; "));
    }
    let _ = writeln!(out, "defined at {}:{} (pack {})", r.file, r.line, r.pack);
    let _ = writeln!(
        out,
        "\nWhy:\n  {}",
        rule.why.split_whitespace().collect::<Vec<_>>().join(" ")
    );
    if let Some(s) = &rule.source {
        let _ = writeln!(out, "Source: {s}");
    }
    let alternatives: usize = rule.regex.iter().map(|re| top_level_alternatives(re)).sum();
    let _ = writeln!(
        out,
        "\nPatterns: {} phrases, {} regexes ({} top-level alternatives), {} exceptions",
        rule.phrases.len(),
        rule.regex.len(),
        alternatives,
        rule.exceptions.len()
    );
    out.push_str("\nFlags:\n");
    for e in &rule.examples.flag {
        let _ = writeln!(out, "  {e:?}");
    }
    out.push_str("Does not flag:\n");
    for e in &rule.examples.ok {
        let _ = writeln!(out, "  {e:?}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alternatives_count_only_top_level_bars() {
        assert_eq!(top_level_alternatives("abc"), 1);
        assert_eq!(top_level_alternatives("a|b|c"), 3);
        assert_eq!(top_level_alternatives("(a|b)c"), 1);
        assert_eq!(top_level_alternatives(r"[|]x|\|y|(?:p|q)"), 3);
        assert_eq!(top_level_alternatives(r"[\]|]|z"), 2);
    }

    #[test]
    fn markdown_escapes_cells_and_code_spans_hold_backticks() {
        assert_eq!(md("a|b *c*"), r"a\|b \*c\*");
        assert_eq!(code("x`y"), "``x`y``");
        assert_eq!(code("`"), "`` ` ``");
    }

    #[test]
    fn explain_names_every_part_of_a_rule() {
        let rules = RuleSet::builtin().unwrap();
        let text = explain(rules.get("cta.retailer").unwrap());
        for part in [
            "cta.retailer:",
            "retailer",
            "Why:",
            "Source: https://",
            "Patterns:",
            "Flags:",
            "Does not flag:",
            "patterns/cta.toml:",
        ] {
            assert!(text.contains(part), "{part:?} missing from:\n{text}");
        }
    }

    #[test]
    fn markdown_lists_every_rule_once_in_a_table() {
        let rules = RuleSet::builtin().unwrap();
        let md = markdown(&rules);
        for r in &rules.rules {
            let row = format!("| `{}` |", r.rule.id);
            assert_eq!(md.matches(&row).count(), 1, "{}", r.rule.id);
            assert!(md.contains(&format!("### `{}`", r.rule.id)));
        }
    }
}
