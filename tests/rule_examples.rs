//! Every example of every built-in rule: `examples.flag` must produce a finding of that rule,
//! `examples.ok` must not. All failures are reported at once.
//!
//! Examples are scanned as documents with everything a user would see: exceptions,
//! `imperative` (sentence start), quoted mentions, one finding per category where two rules
//! overlap, a rule's `lang` (the document is in that language) and its `requires` (the
//! document holds the required context); `puffery::rule_test` says how.

use puffery::rules::RuleSet;

#[test]
fn every_rule_example_holds() {
    let rules = RuleSet::builtin().expect("built-in packs load");
    let report = puffery::rule_test::run(&rules).expect("built-in packs compile");
    assert!(report.checked > 0);
    let failures: Vec<String> = report.failures.iter().map(|f| f.to_string()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} rule examples fail:\n{}",
        failures.len(),
        report.checked,
        failures.join("\n")
    );
}

/// The phrase automaton is leftmost-longest over every rule's phrases and exceptions at once,
/// so a longer phrase of one rule that contains another rule's phrase hides it wherever both
/// match ("order now before" in urgency would hide "order now" in cta). Packs must not do that;
/// a rule that needs the longer context should say it with a regex, which runs separately.
#[test]
fn no_phrase_hides_another_rules_phrase() {
    use puffery::matcher::normalize_phrase;
    let rules = RuleSet::builtin().expect("built-in packs load");
    // (normalized phrase, rule index, is exception)
    let mut all: Vec<(String, usize, bool)> = Vec::new();
    for (i, r) in rules.rules.iter().enumerate() {
        for p in &r.rule.phrases {
            all.push((normalize_phrase(p), i, false));
        }
        for p in &r.rule.exceptions {
            all.push((normalize_phrase(p), i, true));
        }
    }
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let mut problems = Vec::new();
    for (short, i, short_exc) in &all {
        if *short_exc {
            continue;
        }
        for (long, j, _) in &all {
            if j == i || long.len() <= short.len() {
                continue;
            }
            let hidden = long.match_indices(short.as_str()).any(|(at, _)| {
                let before = long[..at].chars().next_back();
                let after = long[at + short.len()..].chars().next();
                let starts_word = short.chars().next().is_some_and(|c| word(Some(c)));
                let ends_word = short.chars().next_back().is_some_and(|c| word(Some(c)));
                !(starts_word && word(before) || ends_word && word(after))
            });
            // The same phrase in both rules is fine: both are reported; so is a longer phrase
            // that the hidden rule has too. A negation hiding a disclosure is the point of the
            // negation ("pas de liens affiliés").
            let both = all
                .iter()
                .any(|(p, k, e)| !e && ((k == j && p == short) || (k == i && p == long)));
            let negates = rules.rules[*j].rule.category == "negation"
                && rules.rules[*i].rule.category == "disclosure";
            if hidden && !both && !negates {
                problems.push(format!(
                    "{:?} ({}) hides {:?} ({})",
                    long, rules.rules[*j].rule.id, short, rules.rules[*i].rule.id
                ));
            }
        }
    }
    problems.sort();
    problems.dedup();
    assert!(
        problems.is_empty(),
        "{} phrases hidden:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// `RuleSet::builtin()` does not compile regexes (the matcher compiles them on first use), so
/// every built-in regex is compiled here, with the same limits as a user pack's.
#[test]
fn every_builtin_regex_compiles() {
    let rules = RuleSet::builtin().expect("built-in packs load");
    let bad: Vec<String> = rules
        .rules
        .iter()
        .flat_map(|r| r.rule.regex.iter().map(move |re| (r, re)))
        .filter_map(|(r, re)| {
            puffery::matcher::compile_regex(re)
                .err()
                .map(|e| format!("{}: {re:?}: {e}", r.rule.id))
        })
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// A rule that covers several languages carries examples in each: at least as many `flag` and
/// `ok` examples as languages, and its languages are ones `Lang::parse` keeps as they are.
#[test]
fn language_rules_have_examples_per_language() {
    let rules = RuleSet::builtin().expect("built-in packs load");
    let mut problems = Vec::new();
    for r in &rules.rules {
        let n = r.rule.lang.len();
        let ex = &r.rule.examples;
        if n > 0 && (ex.flag.len() < n || ex.ok.len() < n) {
            problems.push(format!(
                "{}: {n} languages, {} flag and {} ok examples",
                r.rule.id,
                ex.flag.len(),
                ex.ok.len()
            ));
        }
        for l in &r.rule.lang {
            let parsed = puffery::input::Lang::parse(l).map(|p| p.to_string());
            if parsed.as_deref() != Some(l.as_str()) {
                problems.push(format!("{}: lang {l:?} is not normalised", r.rule.id));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
