//! Document verdicts: score, label, and the disclosures a document owes its readers.
//!
//! The score adds rule weights (SpamAssassin-style): each finding adds its rule's `weight`, up
//! to `cap` times the weight per rule, so one button repeated twenty times cannot carry a page.
//! Affiliate links add [`AFFILIATE_WEIGHT`] each up to [`AFFILIATE_CAP`]. The label is
//! `promotional` at or above the threshold, `clean` when nothing promotional was found, and
//! `borderline` in between.
//!
//! Required disclosures:
//! - **affiliate**: the document has affiliate links (confirmed or likely) or a call to action
//!   that sends readers to a retailer ("Shop Now on Amazon!": text dumps have lost the links);
//! - **fda**: the document promotes a dietary supplement (a `context.supplement` finding) and
//!   makes health claims (`claim.health*` findings);
//! - **sponsored**: links carry `rel="sponsored"`;
//! - **medical** (severity `info`): the document makes health claims and has no medical-advice
//!   disclaimer.
//!
//! A disclosure that first appears after the first thing that needed it, or only in the page
//! footer, is `late`.

use crate::links::Confidence;
use crate::scan::{DocResult, Requirement, Scanner, TextHit};
use crate::text::Extracted;

/// Default score at which a document is promotional.
pub const DEFAULT_THRESHOLD: f64 = 6.0;
/// Score of one paid link.
pub const AFFILIATE_WEIGHT: f64 = 1.5;
/// Most that paid links add together.
pub const AFFILIATE_CAP: f64 = 3.0;

/// A document-level or link-level check done in code rather than by a pack's phrases; its
/// findings carry `id` as their rule.
#[derive(Clone, Copy, Debug)]
pub struct Check {
    /// Rule id of its findings.
    pub id: &'static str,
    /// Category of its findings.
    pub category: &'static str,
    /// Severity of its findings.
    pub severity: &'static str,
    /// Added to the score once per document when the check fires.
    pub weight: f64,
    /// What it flags.
    pub summary: &'static str,
    /// Why, with the source.
    pub why: &'static str,
}

/// An affiliate link without `rel="sponsored"` or `nofollow`.
pub const CHECK_AFFILIATE_REL: Check = Check {
    id: "affiliate.no-rel",
    category: "affiliate",
    severity: "info",
    weight: 0.0,
    summary: "An affiliate link without rel=\"sponsored\" (or nofollow)",
    why: "Google asks that affiliate links carry rel=\"sponsored\" (nofollow is still accepted); \
          missing it is a link-spam signal, not a consumer disclosure. \
          https://developers.google.com/search/docs/crawling-indexing/qualify-outbound-links",
};

/// Product markup: the page describes a product for sale.
pub const CHECK_PRODUCT_PAGE: Check = Check {
    id: "context.product-page",
    category: "context",
    severity: "info",
    weight: 6.0,
    summary: "A product page: product markup (og:type=product, schema.org Product with offers; not on an article or recipe) or a cart control, with a visible price",
    why: "Shops and marketplaces mark product pages up for search engines and social sharing \
          (https://schema.org/Product, https://ogp.me/); a page that does is a product or listing \
          page, whose purpose is to sell.",
};

/// Recipe markup: the page is a recipe, whose purpose is the content.
pub const CHECK_RECIPE: Check = Check {
    id: "context.recipe",
    category: "context",
    severity: "info",
    weight: -3.0,
    summary: "Recipe markup (schema.org Recipe): editorial content, negative weight",
    why: "A page that declares a recipe exists to give it; affiliate links and a cookbook \
          button around it do not make selling its purpose (editorial evidence lowers the score).",
};

/// Affiliate links dense in the text: the page is mostly product links (deal posts, gift guides).
pub const CHECK_LINK_DENSITY: Check = Check {
    id: "affiliate.dense",
    category: "affiliate",
    severity: "info",
    weight: 3.0,
    summary: "Affiliate links make up much of the page (at least 5, and 10 per 1,000 words)",
    why: "Deal posts and gift guides are lists of affiliate links with little text around them; \
          editorial pages that carry a few affiliate links are not promotional by purpose.",
};

/// "Not sponsored" or "no affiliate links" on a page that has affiliate links or retailer calls
/// to action.
pub const CHECK_MISLEADING_NEGATION: Check = Check {
    id: "negation.misleading",
    category: "negation",
    severity: "warning",
    weight: 2.0,
    summary: "Says it is not sponsored or has no affiliate links, beside affiliate evidence",
    why: "A denial of a material connection on a page that earns from its links misleads \
          readers (FTC Act section 5; 16 CFR 255.5 requires disclosing the connection). \
          A negation is never a disclosure.",
};

/// The checks done in code, listed with the rules by `puffery rules`.
pub const CHECKS: &[Check] = &[
    CHECK_AFFILIATE_REL,
    CHECK_PRODUCT_PAGE,
    CHECK_LINK_DENSITY,
    CHECK_MISLEADING_NEGATION,
    CHECK_RECIPE,
];

/// Affiliate links per 1,000 words of visible text at which [`CHECK_LINK_DENSITY`] fires.
pub const DENSE_LINKS_PER_1000_WORDS: f64 = 10.0;
/// Fewest affiliate links for [`CHECK_LINK_DENSITY`].
pub const DENSE_MIN_LINKS: usize = 5;

/// Categories whose findings make a document not clean.
pub const PROMOTIONAL_CATEGORIES: &[&str] = &["cta", "claim", "urgency"];

/// Fills in score, label, missing and late.
pub(crate) fn decide(
    scanner: &Scanner,
    ex: &Extracted,
    to_src: &dyn Fn(usize) -> usize,
    hits: &[TextHit],
    out: &mut DocResult,
) {
    let rules = &scanner.rules.rules;
    // Score: per-rule sums, each capped.
    let mut per_rule: Vec<(usize, f64)> = Vec::new();
    for h in hits {
        let r = &rules[h.rule].rule;
        match per_rule.iter_mut().find(|(i, _)| *i == h.rule) {
            Some((_, s)) => *s += r.weight,
            None => per_rule.push((h.rule, r.weight)),
        }
    }
    let mut score: f64 = per_rule
        .iter()
        .map(|&(i, s)| {
            let r = &rules[i].rule;
            let cap = r.cap * r.weight.abs();
            s.clamp(-cap, cap)
        })
        .sum();
    let affiliate_links: Vec<usize> = ex
        .links
        .iter()
        .zip(&out.links)
        .filter(|(raw, l)| {
            !raw.hidden
                && l.affiliate
                    .as_ref()
                    .is_some_and(|a| a.confidence != Confidence::Possible)
        })
        .map(|(raw, _)| raw.text_pos)
        .collect();
    // Paid links: affiliate links, and links the page itself marks rel="sponsored".
    let paid = ex
        .links
        .iter()
        .zip(&out.links)
        .filter(|(raw, l)| {
            !raw.hidden
                && (l
                    .affiliate
                    .as_ref()
                    .is_some_and(|a| a.confidence != Confidence::Possible)
                    || raw.rel.iter().any(|r| r == "sponsored"))
        })
        .count();
    score += (paid as f64 * AFFILIATE_WEIGHT).min(AFFILIATE_CAP);
    score += out
        .findings
        .iter()
        .filter_map(|f| CHECKS.iter().find(|c| c.id == f.rule))
        .map(|c| c.weight)
        .sum::<f64>();
    out.score = (score * 100.0).round() / 100.0;

    let promotional_found = !affiliate_links.is_empty()
        || out.findings.iter().any(|f| f.rule == CHECK_PRODUCT_PAGE.id)
        || out
            .findings
            .iter()
            .any(|f| PROMOTIONAL_CATEGORIES.contains(&f.category.as_str()));
    out.label = if out.score >= scanner.options().threshold {
        "promotional"
    } else if promotional_found {
        "borderline"
    } else {
        "clean"
    }
    .to_string();

    // What needs a disclosure, and where it first appears in reading order.
    let retailer: Vec<usize> = hits
        .iter()
        .filter(|h| rules[h.rule].rule.retailer)
        .map(|h| h.start)
        .collect();
    let disclosed = |kind: &str| -> Vec<usize> {
        hits.iter()
            .filter(|h| {
                let r = &rules[h.rule].rule;
                r.disclosure.as_deref() == Some(kind) && !r.weak
            })
            .map(|h| h.start)
            .collect()
    };
    let id_starts = |prefix: &str| -> Vec<usize> {
        hits.iter()
            .filter(|h| crate::rules::id_matches(&rules[h.rule].rule.id, prefix))
            .map(|h| h.start)
            .collect()
    };

    // Affiliate.
    let first_need = affiliate_links.iter().chain(&retailer).min().copied();
    if let Some(first) = first_need {
        let what = describe_affiliate(affiliate_links.len(), retailer.len());
        require(
            ex,
            to_src,
            out,
            "affiliate",
            first,
            &what,
            &disclosed("affiliate"),
            "affiliate disclosure",
        );
    }

    // FDA / DSHEA.
    let supplement = id_starts("context.supplement");
    let health = id_starts("claim.health");
    if !supplement.is_empty() && !health.is_empty() {
        let first = health[0];
        let what = format!(
            "a dietary supplement with {} health claim{}",
            health.len(),
            plural(health.len())
        );
        let before = out.missing.len();
        require(
            ex,
            to_src,
            out,
            "fda",
            first,
            &what,
            &disclosed("fda"),
            "FDA disclaimer",
        );
        // Only the disease half (a weak fda disclosure): incomplete, not present.
        let partial = hits.iter().any(|h| {
            let r = &rules[h.rule].rule;
            r.disclosure.as_deref() == Some("fda") && r.weak
        });
        if let (true, Some(m)) = (
            partial,
            out.missing.get_mut(before..).and_then(|m| m.first_mut()),
        ) {
            m.reason = format!(
                "{what}, incomplete FDA disclaimer (only \"not intended to diagnose, treat, cure, or prevent any disease\"; 21 CFR 101.93(c) needs both sentences)"
            );
        }
    }

    // Medical advice: pages that make health claims conventionally say they are not medical
    // advice, or send readers to a doctor. No statute prescribes it, so only its absence is
    // reported, as info.
    if !health.is_empty() && disclosed("medical").is_empty() {
        out.missing.push(Requirement {
            kind: "medical".into(),
            reason: format!(
                "{} health claim{}, no medical-advice disclaimer (\"not medical advice\", \"talk to your doctor\")",
                health.len(),
                plural(health.len())
            ),
            severity: "info".into(),
        });
    }

    // Sponsored.
    let sponsored: Vec<usize> = ex
        .links
        .iter()
        .filter(|l| !l.hidden && l.rel.iter().any(|r| r == "sponsored"))
        .map(|l| l.text_pos)
        .collect();
    if let Some(&first) = sponsored.iter().min() {
        let what = format!(
            "{} link{} marked rel=\"sponsored\"",
            sponsored.len(),
            plural(sponsored.len())
        );
        let mut found = disclosed("sponsored");
        found.extend(disclosed("affiliate"));
        found.sort_unstable();
        require(
            ex,
            to_src,
            out,
            "sponsored",
            first,
            &what,
            &found,
            "sponsored label",
        );
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn describe_affiliate(links: usize, ctas: usize) -> String {
    match (links, ctas) {
        (0, c) => format!("{c} retailer call{} to action", plural(c)),
        (l, 0) => format!("{l} affiliate link{}", plural(l)),
        (l, c) => format!(
            "{l} affiliate link{} and {c} retailer call{} to action",
            plural(l),
            plural(c)
        ),
    }
}

/// Records a missing or late disclosure of `kind`, needed from text offset `first`.
#[allow(clippy::too_many_arguments)]
fn require(
    ex: &Extracted,
    to_src: &dyn Fn(usize) -> usize,
    out: &mut DocResult,
    kind: &str,
    first: usize,
    what: &str,
    found: &[usize],
    name: &str,
) {
    let Some(&disclosed_at) = found.iter().min() else {
        out.missing.push(Requirement {
            kind: kind.into(),
            reason: format!("{what}, no {name}"),
            severity: "warning".into(),
        });
        return;
    };
    let src = |pos: usize| to_src(ex.map.start(pos));
    if found.iter().all(|&p| ex.in_footer(p)) {
        out.late.push(Requirement {
            kind: kind.into(),
            reason: format!(
                "{name} only in the page footer (byte {}); {what}",
                src(disclosed_at)
            ),
            severity: "warning".into(),
        });
    } else if disclosed_at > first {
        out.late.push(Requirement {
            kind: kind.into(),
            reason: format!(
                "{name} at byte {} comes after the first need for it at byte {} ({what})",
                src(disclosed_at),
                src(first)
            ),
            severity: "warning".into(),
        });
    }
}
