//! `docs/rules.md` is generated from the packs; this test fails when it is stale.
//! `PUFFERY_BLESS=1 cargo test --test rules_doc` rewrites it.
//!
//! The pack totals that issue 3 promises are asserted here too.

use std::path::Path;

use puffery::rules::{RuleSet, docs};

#[test]
fn docs_rules_md_is_up_to_date() {
    let rules = RuleSet::builtin().expect("built-in packs load");
    let checks: Vec<docs::CheckDoc<'_>> = (puffery::verdict::CHECKS.iter())
        .map(|c| (c.id, c.category, c.severity.as_str(), c.summary, c.why))
        .collect();
    let fresh = docs::markdown(&rules) + &docs::checks_markdown(&checks);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    if std::env::var_os("PUFFERY_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &fresh).expect("write docs/rules.md");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "docs/rules.md is stale: run `PUFFERY_BLESS=1 cargo test --test rules_doc` and commit it"
    );
}

#[test]
fn builtin_packs_have_the_promised_size() {
    let rules = RuleSet::builtin().expect("built-in packs load");
    let t = docs::totals(&rules);
    assert!(t.rules >= 60, "{t:?}");
    assert!(t.patterns() >= 600, "{t:?}");
    // Every category the verdict and the contract rely on is present.
    for cat in [
        "cta",
        "claim",
        "urgency",
        "disclosure",
        "negation",
        "context",
    ] {
        assert!(
            rules.rules.iter().any(|r| r.rule.category == cat),
            "no {cat} rule"
        );
    }
    // Each disclosure kind is found by at least one non-weak rule.
    for &kind in puffery::kinds::DisclosureKind::ALL {
        assert!(
            rules
                .rules
                .iter()
                .any(|r| r.rule.disclosure == Some(kind) && !r.rule.weak),
            "no {kind} disclosure rule"
        );
    }
    // Health rules keep the ids and the context the verdict keys on.
    for r in rules
        .rules
        .iter()
        .filter(|r| r.rule.id.starts_with("claim.health"))
    {
        assert!(
            r.rule.requires.iter().any(|p| p == "context.supplement"),
            "{} lacks requires = [\"context.supplement\"]",
            r.rule.id
        );
    }
}
