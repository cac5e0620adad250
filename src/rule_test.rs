//! Runs every example of every rule: `examples.flag` must produce a finding of that rule,
//! `examples.ok` must not. `puffery rules test` and the test suite both use it, and a user
//! pack loaded by `scan` is checked with it (a warning per failure).
//!
//! Examples are scanned as plain-text documents (HTML when they start with `<`) by the scanner
//! a scan would use, with everything a user would see: exceptions, instruction position,
//! quoted mentions, one finding per category where two rules overlap, and each rule's own
//! conditions:
//! - `lang`: the example is a document in the rule's language (a rule with several languages:
//!   a `flag` example must flag in one of them, an `ok` example in none);
//! - `requires`: the example stands in a document where the requirement holds: after it, the
//!   first `flag` example of every other rule that satisfies the first requirement any rule
//!   satisfies (for `requires = ["context.supplement"]`, the `context.supplement-*` words).
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
    let scanner = Scanner::new(rules.clone(), ScannerOptions::default())?;
    let mut report = Report::default();
    for r in &rules.rules {
        let context = requirement_context(rules, &r.rule);
        let langs: Vec<Option<&str>> = if r.rule.lang.is_empty() {
            vec![None]
        } else {
            r.rule.lang.iter().map(|l| Some(l.as_str())).collect()
        };
        let fires_in = |text: &str, lang: Option<&str>| {
            let doc = document(text, context.as_deref());
            let mut input = DocInput::new(doc.as_bytes(), format_of(text));
            input.lang = lang;
            scanner
                .scan(&input)
                .findings
                .iter()
                .any(|f| f.rule == r.rule.id)
        };
        let fires = |text: &str| langs.iter().any(|&l| fires_in(text, l));
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

/// An example that starts with `<` is HTML (for rules scoped to headings, links, buttons).
fn format_of(text: &str) -> DocFormat {
    if text.starts_with('<') {
        DocFormat::Html
    } else {
        DocFormat::Text
    }
}

/// The example as a document, with the context its rule requires after it, in paragraphs.
fn document(example: &str, context: Option<&str>) -> String {
    match (context, format_of(example)) {
        (None, _) => example.to_string(),
        (Some(c), DocFormat::Text) => format!("{example}\n\n{c}"),
        (Some(c), DocFormat::Html) => {
            let paras: Vec<String> = c
                .split("\n\n")
                .map(|p| format!("<p>{}</p>", escape(p)))
                .collect();
            format!("{example}\n{}", paras.join("\n"))
        }
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Text in which `rule`'s `requires` holds: for the first requirement that other rules
/// satisfy, the first plain-text `flag` example of each of them, as paragraphs. `None` for a rule
/// without `requires`, or when no rule satisfies any requirement (its examples then cannot
/// flag, and fail).
fn requirement_context(rules: &RuleSet, rule: &crate::rules::Rule) -> Option<String> {
    rule.requires.iter().find_map(|req| {
        let texts: Vec<&str> = (rules.rules.iter())
            .filter(|o| o.rule.id != rule.id && crate::rules::id_matches(&o.rule.id, req))
            // A plain-text example: it is pasted as text.
            .filter_map(|o| o.rule.examples.flag.iter().find(|e| !e.starts_with('<')))
            .map(String::as_str)
            .collect();
        (!texts.is_empty()).then(|| texts.join("\n\n"))
    })
}

#[cfg(test)]
mod tests {
    use super::run;
    use crate::rules::RuleSet;

    fn rule(id: &str, extra: &str, flag: &str, ok: &str) -> String {
        format!(
            "[[rule]]\nid = \"{id}\"\ncategory = \"{}\"\nseverity = \"info\"\nweight = 1.0\n\
             summary = \"s\"\nwhy = \"w\"\n{extra}\nexamples.flag = [\"{flag}\", \"{flag}!\"]\n\
             examples.ok = [\"{ok}\", \"{ok}.\"]\n\n",
            id.split('.').next().unwrap_or("")
        )
    }

    /// Failing examples of a pack, as `rule: example`.
    fn failures(pack: &str) -> Vec<String> {
        let text = format!("[pack]\nname = \"t\"\n\n{pack}");
        let rules = RuleSet::from_packs(&[("t.toml", &text)]).unwrap();
        let report = run(&rules).unwrap();
        report
            .failures
            .iter()
            .map(|f| format!("{}: {}", f.rule, f.example))
            .collect()
    }

    #[test]
    fn a_rule_that_requires_context_is_tested_with_that_context() {
        let needs = rule(
            "claim.needs",
            "phrases = [\"miracle cure\"]\nrequires = [\"context.shop\"]",
            "A miracle cure",
            "A cure",
        );
        let shop = rule(
            "context.shop",
            "phrases = [\"our shop\"]",
            "Visit our shop",
            "A shop",
        );
        // With a rule that satisfies the requirement, the example flags in its company.
        assert_eq!(failures(&format!("{needs}{shop}")), Vec::<String>::new());
        // Without one, the requirement never holds and the example cannot flag (the test
        // used to strip `requires`, so this passed).
        assert_eq!(
            failures(&needs),
            [
                "claim.needs: A miracle cure",
                "claim.needs: A miracle cure!"
            ]
        );
    }

    #[test]
    fn a_rule_with_a_language_is_tested_in_that_language() {
        // The context rule is English-only: in the French document it does not count.
        let needs = rule(
            "claim.fr-needs",
            "phrases = [\"remede miracle\"]\nrequires = [\"context.shop\"]\nlang = [\"fr\"]",
            "Un remede miracle",
            "Un remede",
        );
        let shop = rule(
            "context.shop",
            "phrases = [\"our shop\"]\nlang = [\"en\"]",
            "Visit our shop",
            "A shop",
        );
        assert_eq!(
            failures(&format!("{needs}{shop}")),
            [
                "claim.fr-needs: Un remede miracle",
                "claim.fr-needs: Un remede miracle!"
            ]
        );
        let shop_fr = shop.replace("lang = [\"en\"]", "lang = [\"en\", \"fr\"]");
        assert_eq!(failures(&format!("{needs}{shop_fr}")), Vec::<String>::new());
    }
}
