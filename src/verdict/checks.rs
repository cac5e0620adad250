//! The checks done in code rather than by a pack's phrases. Each fired check is a finding whose
//! rule is the check's id; `puffery rules` lists them with the pack rules.

use crate::kinds::Severity;

/// A document-level or link-level check done in code rather than by a pack's phrases; its
/// findings carry `id` as their rule.
#[derive(Clone, Copy, Debug)]
pub struct Check {
    /// Rule id of its findings.
    pub id: &'static str,
    /// Category of its findings.
    pub category: &'static str,
    /// Severity of its findings.
    pub severity: Severity,
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
    severity: Severity::Info,
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
    severity: Severity::Info,
    weight: 6.0,
    summary: "A product page: product markup (og:type=product, schema.org Product or Offer), a cart control (in text or in attributes) or a shop URL path (/dp/, /itm/, /product/), with a price or a second such mark; not on an article or recipe",
    why: "Shops and marketplaces mark product pages up for search engines and social sharing \
          (https://schema.org/Product, https://ogp.me/), put a cart control on them and give them \
          product URLs; a page that does and shows a price is a product or listing page, whose \
          purpose is to sell.",
};

/// The page declares itself paid content in its title, headline or byline.
pub const CHECK_ADVERTORIAL: Check = Check {
    id: "context.advertorial",
    category: "context",
    severity: Severity::Info,
    weight: 6.0,
    summary: "A self-declared advertorial: \"Sponsored\", \"Advertorial\", \"[Werbung]\", \"Paid post\" in the title, the h1 or the byline under it",
    why: "A page that labels itself as advertising in its title, headline or byline is an \
          advertorial: its purpose is to promote what it was paid for (the label is how the \
          FTC, 16 CFR 255.5, and German law, UWG section 5a, want paid content marked).",
};

/// Link or button text that tells the reader to buy, on a link to an affiliate or retailer URL.
pub const CHECK_LINK_CTA: Check = Check {
    id: "cta.link-to-shop",
    category: "cta",
    severity: Severity::Warning,
    weight: 1.0,
    summary: "A link to a shop or affiliate URL whose text tells the reader to buy (\"Get it on Amazon\", \"Jetzt bestellen\")",
    why: "An instruction to buy on a link that earns a commission or leads to a retailer is a \
          call to action whatever its wording; the link target says what the words mean.",
};

/// A form that asks for a phone number: lead generation.
pub const CHECK_LEAD_FORM: Check = Check {
    id: "context.lead-form",
    category: "context",
    severity: Severity::Info,
    weight: 3.0,
    summary: "A lead form: a form that asks for a phone number",
    why: "Landing and lead-generation pages collect contact details to sell to or call; \
          newsletter sign-ups ask for an e-mail address only, so a phone field is the mark.",
};

/// Recipe markup: the page is a recipe, whose purpose is the content.
pub const CHECK_RECIPE: Check = Check {
    id: "context.recipe",
    category: "context",
    severity: Severity::Info,
    weight: -3.0,
    summary: "Recipe markup (schema.org Recipe): editorial content, negative weight",
    why: "A page that declares a recipe exists to give it; affiliate links and a cookbook \
          button around it do not make selling its purpose (editorial evidence lowers the score).",
};

/// Affiliate links dense in the text: the page is mostly product links (deal posts, gift guides).
pub const CHECK_LINK_DENSITY: Check = Check {
    id: "affiliate.dense",
    category: "affiliate",
    severity: Severity::Info,
    weight: 3.0,
    summary: "Affiliate links make up much of the page (at least 5, and 10 per 1,000 words; patterns/verdict.toml)",
    why: "Deal posts and gift guides are lists of affiliate links with little text around them; \
          editorial pages that carry a few affiliate links are not promotional by purpose.",
};

/// "Not sponsored" or "no affiliate links" on a page that has affiliate links or retailer calls
/// to action.
pub const CHECK_MISLEADING_NEGATION: Check = Check {
    id: "negation.misleading",
    category: "negation",
    severity: Severity::Warning,
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
    CHECK_ADVERTORIAL,
    CHECK_LEAD_FORM,
    CHECK_LINK_CTA,
    MISSING_AFFILIATE,
    MISSING_FDA,
    MISSING_MEDICAL,
    MISSING_SPONSORED,
    LATE_AFFILIATE,
    LATE_FDA,
    LATE_SPONSORED,
];

/// The check behind a missing (`late == false`) or late disclosure of `kind`: its finding's
/// rule id is `missing.<kind>` or `late.<kind>`.
pub fn disclosure_check(late: bool, kind: &str) -> Option<&'static Check> {
    let id_prefix = if late { "late." } else { "missing." };
    CHECKS
        .iter()
        .find(|c| c.id.strip_prefix(id_prefix) == Some(kind))
}

const AFFILIATE_WHY: &str = "The FTC's Endorsement Guides (16 CFR 255.5) require a clear and \
     conspicuous disclosure of a material connection, such as a commission on sales through a \
     link, placed before the reader meets the link or the call to action (FTC, \"Disclosures \
     101 for Social Media Influencers\"; Amazon Associates Operating Agreement, section 5).";
const FDA_WHY: &str = "A dietary supplement that makes structure/function claims must carry \
     the disclaimer \"These statements have not been evaluated by the Food and Drug \
     Administration. This product is not intended to diagnose, treat, cure, or prevent any \
     disease.\" (21 U.S.C. 343(r)(6), 21 CFR 101.93(c)).";
const SPONSORED_WHY: &str = "Links marked rel=\"sponsored\" are paid placements; readers must \
     be told about the payment (FTC Act section 5, 16 CFR 255.5), not only search engines.";

/// An affiliate disclosure is required and absent.
pub const MISSING_AFFILIATE: Check = Check {
    id: "missing.affiliate",
    category: "missing",
    severity: Severity::Warning,
    weight: 0.0,
    summary: "Affiliate links or a retailer call to action, and no affiliate disclosure",
    why: AFFILIATE_WHY,
};

/// The FDA disclaimer is required and absent (or incomplete).
pub const MISSING_FDA: Check = Check {
    id: "missing.fda",
    category: "missing",
    severity: Severity::Warning,
    weight: 0.0,
    summary: "Health claims for a dietary supplement, and no (or an incomplete) FDA disclaimer",
    why: FDA_WHY,
};

/// Health claims without a medical-advice disclaimer (a convention: info).
pub const MISSING_MEDICAL: Check = Check {
    id: "missing.medical",
    category: "missing",
    severity: Severity::Info,
    weight: 0.0,
    summary: "Health claims, and no medical-advice disclaimer (\"not medical advice\", \"talk to your doctor\")",
    why: "Pages that make health claims conventionally tell readers they are not medical advice \
          or send them to a doctor. No statute prescribes it, so only its absence is reported, \
          as info.",
};

/// Links marked `rel="sponsored"` and no sponsored label.
pub const MISSING_SPONSORED: Check = Check {
    id: "missing.sponsored",
    category: "missing",
    severity: Severity::Warning,
    weight: 0.0,
    summary: "Links marked rel=\"sponsored\", and no sponsored label or affiliate disclosure",
    why: SPONSORED_WHY,
};

/// The affiliate disclosure comes after the first affiliate link, or only in the footer.
pub const LATE_AFFILIATE: Check = Check {
    id: "late.affiliate",
    category: "late",
    severity: Severity::Warning,
    weight: 0.0,
    summary: "The affiliate disclosure comes after the first affiliate link or retailer call to action, or only in the footer",
    why: AFFILIATE_WHY,
};

/// The FDA disclaimer comes after the first health claim, or only in the footer.
pub const LATE_FDA: Check = Check {
    id: "late.fda",
    category: "late",
    severity: Severity::Warning,
    weight: 0.0,
    summary: "The FDA disclaimer comes after the first health claim, or only in the footer",
    why: FDA_WHY,
};

/// The sponsored label comes after the first sponsored link, or only in the footer.
pub const LATE_SPONSORED: Check = Check {
    id: "late.sponsored",
    category: "late",
    severity: Severity::Warning,
    weight: 0.0,
    summary: "The sponsored label comes after the first rel=\"sponsored\" link, or only in the footer",
    why: SPONSORED_WHY,
};
