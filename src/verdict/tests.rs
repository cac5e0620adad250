//! `decide` is a pure function of evidence and policy: each signal is tested on evidence built
//! by hand.

use super::*;

fn at(text: usize) -> At {
    At {
        text,
        src: text + 100,
        ..At::default()
    }
}

fn signals(v: &Verdict) -> Vec<(&str, f64)> {
    v.reasons
        .iter()
        .map(|r| (r.signal.as_str(), r.contribution))
        .collect()
}

#[test]
fn the_builtin_policy_agrees_with_the_checks_and_the_default_threshold() {
    let p = Policy::builtin();
    assert_eq!(p.threshold, DEFAULT_THRESHOLD);
    assert_eq!(p.weights.product_page, CHECK_PRODUCT_PAGE.weight);
    assert_eq!(p.weights.advertorial, CHECK_ADVERTORIAL.weight);
    assert_eq!(p.weights.affiliate_dense, CHECK_LINK_DENSITY.weight);
    assert_eq!(p.weights.lead_form, CHECK_LEAD_FORM.weight);
    assert_eq!(p.weights.recipe, CHECK_RECIPE.weight);
    assert_eq!(
        p.weights.misleading_negation,
        CHECK_MISLEADING_NEGATION.weight
    );
}

#[test]
fn nothing_found_is_clean_with_no_reasons() {
    let v = decide(&Evidence::default(), &Policy::builtin());
    assert_eq!((v.label, v.score), (Label::Clean, 0.0));
    assert!(v.reasons.is_empty() && v.missing.is_empty() && v.late.is_empty());
}

#[test]
fn a_product_page_needs_a_price() {
    let p = Policy::builtin();
    let mut ev = Evidence::default();
    ev.page.cart = Some("in markup".into());
    assert_eq!(decide(&ev, &p).label, Label::Clean);
    ev.page.price = Some("CHF 19.50".into());
    let v = decide(&ev, &p);
    assert_eq!(v.label, Label::Promotional);
    assert_eq!(signals(&v), [("product-page", p.weights.product_page)]);
    assert!(v.reasons[0].detail.contains("CHF 19.50"), "{:?}", v.reasons);
}

#[test]
fn two_product_marks_stand_in_for_a_price_and_article_markup_rules_out_a_product_page() {
    let p = Policy::builtin();
    let mut ev = Evidence::default();
    ev.page.cart = Some("in markup".into());
    ev.page.product_url = Some("/dp/".into());
    let v = decide(&ev, &p);
    assert_eq!(v.label, Label::Promotional);
    assert_eq!(
        v.reasons[0].detail,
        "cart control in markup, product URL path /dp/"
    );
    ev.page.article = true;
    assert_eq!(decide(&ev, &p).label, Label::Clean);
}

#[test]
fn an_advertorial_is_promotional_and_says_why() {
    let p = Policy::builtin();
    let ev = Evidence {
        page: PageEvidence {
            advertorial: Some("title \"[Werbung]\"".into()),
            ..PageEvidence::default()
        },
        ..Evidence::default()
    };
    let v = decide(&ev, &p);
    assert_eq!(v.label, Label::Promotional);
    assert_eq!(v.reasons[0].signal, "advertorial");
    assert_eq!(v.reasons[0].detail, "title \"[Werbung]\"");
}

#[test]
fn long_prose_with_few_commercial_links_counts_against() {
    let p = Policy::builtin();
    let ev = Evidence {
        words: 3000,
        affiliate_links: vec![at(10), at(20)],
        paid_links: 2,
        ..Evidence::default()
    };
    let v = decide(&ev, &p);
    assert_eq!(v.label, Label::Borderline);
    assert!(
        p.weights.long_prose == 0.0 || signals(&v).contains(&("long-prose", p.weights.long_prose))
    );
    assert!(signals(&v).contains(&("paid-links", p.weights.paid_links_cap)));
    // Dense links are a guide, not prose.
    let dense = Evidence {
        words: 600,
        affiliate_links: (0..12).map(at).collect(),
        paid_links: 12,
        ..Evidence::default()
    };
    let v = decide(&dense, &p);
    assert_eq!(v.label, Label::Promotional);
    assert!(!signals(&v).iter().any(|(s, _)| *s == "long-prose"));
    assert!(signals(&v).iter().any(|(s, _)| *s == "affiliate-dense"));
}

#[test]
fn rule_findings_are_capped_per_rule_and_summed_per_category() {
    let p = Policy::builtin();
    let ev = Evidence {
        rules: vec![
            RuleCount {
                id: "cta.buy-now".into(),
                category: "cta".into(),
                weight: 2.0,
                cap: 3.0,
                count: 20,
            },
            RuleCount {
                id: "cta.shop-now".into(),
                category: "cta".into(),
                weight: 1.0,
                cap: 3.0,
                count: 1,
            },
        ],
        ..Evidence::default()
    };
    let v = decide(&ev, &p);
    assert_eq!(signals(&v), [("rules:cta", 7.0)]);
    assert_eq!(v.reasons[0].detail, "cta.buy-now x20, cta.shop-now x1");
    assert_eq!(v.label, Label::Promotional);
}

#[test]
fn disclosures_missing_late_and_in_the_footer() {
    let p = Policy::builtin();
    let mut ev = Evidence {
        affiliate_links: vec![at(50)],
        ..Evidence::default()
    };
    assert_eq!(decide(&ev, &p).missing[0].kind, DisclosureKind::Affiliate);
    ev.disclosed = vec![(DisclosureKind::Affiliate, at(80))];
    let v = decide(&ev, &p);
    assert!(v.missing.is_empty());
    assert_eq!(
        v.late[0].reason,
        "affiliate disclosure at byte 180 comes after the first need for it at byte 150 (1 affiliate link)"
    );
    ev.disclosed = vec![(DisclosureKind::Affiliate, at(10))];
    assert!(decide(&ev, &p).late.is_empty());
    ev.disclosed[0].1.footer = true;
    assert!(
        decide(&ev, &p).late[0]
            .reason
            .contains("only in the page footer")
    );
}
