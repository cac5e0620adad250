//! Every example of every built-in rule: `examples.flag` must produce a finding of that rule,
//! `examples.ok` must not. All failures are reported at once.
//!
//! Rules are tested on their own patterns (phrases, regexes and exceptions); `requires`
//! contexts and language selection are document-level and tested by the corpus.

use puffery::matcher::Matcher;
use puffery::rules::RuleSet;

#[test]
fn every_rule_example_holds() {
    let rules = RuleSet::builtin().expect("built-in packs load");
    let matcher = Matcher::new(&rules).expect("built-in packs compile");
    let mut failures = Vec::new();
    let mut checked = 0;
    for (i, r) in rules.rules.iter().enumerate() {
        let fires = |text: &str| matcher.find(text).iter().any(|h| h.rule as usize == i);
        for ex in &r.rule.examples.flag {
            checked += 1;
            if !fires(ex) {
                failures.push(format!(
                    "{}:{} {}: should flag: {ex:?}",
                    r.file, r.line, r.rule.id
                ));
            }
        }
        for ex in &r.rule.examples.ok {
            checked += 1;
            if fires(ex) {
                failures.push(format!(
                    "{}:{} {}: should not flag: {ex:?}",
                    r.file, r.line, r.rule.id
                ));
            }
        }
    }
    assert!(checked > 0);
    assert!(
        failures.is_empty(),
        "{} of {checked} rule examples fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
