//! Document verdicts: score, label, reasons, and the disclosures a document owes its readers.
//!
//! Two steps with one job each. [`gather`] reads what the earlier stages found (extracted text
//! and markup, rule matches, classified links) into an [`Evidence`] value; [`decide`] is a pure
//! function of that evidence and a [`Policy`] (weights kept as data in `patterns/verdict.toml`).
//!
//! The score adds signals, each at most once: rule findings (each rule's `weight` per finding,
//! up to `cap` times the weight), paid links, and page-type evidence (a product page, a
//! self-declared advertorial, affiliate links dense in the text, a lead form), less editorial
//! counter-evidence (recipe or article markup, long prose with few commercial links). Every
//! signal that contributed is a [`Reason`]. The label is `promotional` at or above the
//! threshold, `clean` when nothing promotional was found, and `borderline` in between.
//!
//! Required disclosures:
//! - **affiliate**: the document has affiliate links (confirmed or likely) or a call to action
//!   that sends readers to a retailer ("Shop Now on Amazon!": text dumps have lost the links);
//! - **fda**: the document promotes a dietary supplement (a rule with role `supplement`) and
//!   makes health claims (rules with role `health`);
//! - **sponsored**: links carry `rel="sponsored"`;
//! - **medical** (severity `info`): the document makes health claims and has no medical-advice
//!   disclaimer.
//!
//! A disclosure that first appears after the first thing that needed it, or only in the page
//! footer, is `late`.

mod checks;
mod gather;
mod policy;

pub use checks::*;
pub use gather::{FiredCheck, Found, Hit, LinkFacts, gather};
pub use policy::{BUILTIN_POLICY, Policy, Role, Roles};

use serde::Serialize;

use crate::kinds::{DisclosureKind, Label, Severity};

/// Default score at which a document is promotional (the built-in policy's threshold).
pub const DEFAULT_THRESHOLD: f64 = 6.0;

/// A place in the document: text offset (reading order), source byte, and whether it lies in
/// the page footer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct At {
    /// Offset in the extracted text.
    pub text: usize,
    /// Byte offset in the original document.
    pub src: usize,
    /// True when it sits in a footer.
    pub footer: bool,
    /// Source byte span of what stands there (the match, the link): where a finding about it
    /// points.
    #[serde(skip)]
    pub span: (usize, usize),
    /// Scope of what stands there (`None`: running text).
    #[serde(skip)]
    pub scope: Option<crate::kinds::Scope>,
}

/// How often one rule matched.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RuleCount {
    /// Rule id.
    pub id: String,
    /// Its category.
    pub category: String,
    /// Weight per finding.
    pub weight: f64,
    /// Most findings that count.
    pub cap: f64,
    /// Findings.
    pub count: usize,
}

/// Page-type evidence: what kind of page this is, from markup, URL and text.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PageEvidence {
    /// Product markup on a page that is not an article or recipe (`og:type=product`, ...).
    pub product_markup: bool,
    /// A cart or checkout control, in text (a rule with role `cart`) or in attributes.
    pub cart: Option<String>,
    /// A shop product path in the page URL (`/dp/`).
    pub product_url: Option<String>,
    /// A visible price, or price markup.
    pub price: Option<String>,
    /// A paid-content label in the title, h1 or byline, with where it was.
    pub advertorial: Option<String>,
    /// A form that asks for a phone number.
    pub lead_form: bool,
    /// Article, news article or blog-post markup.
    pub article: bool,
    /// Recipe markup.
    pub recipe: bool,
    /// A negation ("not sponsored") was found.
    pub denial: bool,
}

/// Everything the verdict depends on, gathered from the earlier stages.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Evidence {
    /// Words of visible text.
    pub words: usize,
    /// Rules that matched, in rule order.
    pub rules: Vec<RuleCount>,
    /// Visible confirmed or likely affiliate links.
    pub affiliate_links: Vec<At>,
    /// Visible links marked `rel="sponsored"`.
    pub sponsored_links: Vec<At>,
    /// Visible links that are affiliate or `rel="sponsored"` (each counted once).
    pub paid_links: usize,
    /// Links whose text tells the reader to buy, to an affiliate or retailer URL.
    pub link_ctas: Vec<At>,
    /// Calls to action that name a retailer (rules with `retailer = true`).
    pub retailer_ctas: Vec<At>,
    /// Disclosures found (not weak forms), by kind.
    pub disclosed: Vec<(DisclosureKind, At)>,
    /// Kinds of which only a weak form was found (`disclosure.fda-partial`).
    pub weak_disclosed: Vec<DisclosureKind>,
    /// Supplement context (a rule with role `supplement` matched).
    pub supplement: bool,
    /// Health claims (rules with role `health`).
    pub health_claims: Vec<At>,
    /// What kind of page it is.
    pub page: PageEvidence,
}

/// One signal that decided a label, with its contribution to the score.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reason {
    /// Signal name: `product-page`, `advertorial`, `affiliate-dense`, `paid-links`,
    /// `lead-form`, `misleading-negation`, `recipe`, `article`, `long-prose`, or `rules:` and a
    /// rule category (`rules:cta`).
    pub signal: String,
    /// What it added to the score (negative for editorial evidence); `weight` in JSON, as
    /// CONTRACT.md names it.
    #[serde(rename = "weight")]
    pub contribution: f64,
    /// What was found, for a person to read; `evidence` in JSON.
    #[serde(rename = "evidence")]
    pub detail: String,
}

/// A required disclosure that is absent, or present too late.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Requirement {
    /// `affiliate`, `fda`, `medical` or `sponsored`.
    pub kind: DisclosureKind,
    /// Why, for a person to read.
    pub reason: String,
    /// `warning` for disclosures the law or a program requires; `info` for conventions
    /// (a medical-advice disclaimer).
    pub severity: Severity,
    /// Where the first thing that needed the disclosure stands (the first affiliate link,
    /// health claim, ...): the `missing.<kind>` / `late.<kind>` finding points there. Not part
    /// of the `missing[]` / `late[]` entries of the output.
    #[serde(skip)]
    pub needed_at: At,
}

/// The verdict on one document.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Verdict {
    /// The score, rounded to 2 decimals.
    pub score: f64,
    /// `promotional`, `borderline` or `clean`.
    pub label: Label,
    /// The signals that made the score, largest contribution first.
    pub reasons: Vec<Reason>,
    /// Required disclosures that are absent.
    pub missing: Vec<Requirement>,
    /// Disclosures that come after what needed them.
    pub late: Vec<Requirement>,
}

/// Categories whose findings make a document not clean.
pub const PROMOTIONAL_CATEGORIES: &[&str] = &["cta", "claim", "urgency"];

impl Evidence {
    /// Commercial signals per 1,000 words: affiliate links, calls to action (rule findings and
    /// link CTAs). A long sales letter is long prose too, but its calls to action are many.
    pub fn commercial_per_1000_words(&self) -> f64 {
        let ctas: usize = self
            .rules
            .iter()
            .filter(|r| r.category == "cta")
            .map(|r| r.count)
            .sum();
        (self.affiliate_links.len() + ctas + self.link_ctas.len()) as f64 * 1000.0
            / self.words.max(1) as f64
    }

    /// Affiliate links dense in the text (deal posts, gift guides).
    pub fn dense(&self, p: &Policy) -> bool {
        let n = self.affiliate_links.len();
        n >= p.limits.dense_min_links
            && n as f64 * 1000.0 / self.words.max(1) as f64 >= p.limits.dense_per_1000_words
    }

    /// A product page: on a page that does not declare itself an article or recipe, product
    /// markup, a cart control or a product URL with a price, or two of the three (an item that
    /// is out of stock shows no price).
    pub fn product_page(&self) -> bool {
        let pg = &self.page;
        let marks = usize::from(pg.product_markup)
            + usize::from(pg.cart.is_some())
            + usize::from(pg.product_url.is_some());
        !pg.article && !pg.recipe && (marks >= 2 || (marks == 1 && pg.price.is_some()))
    }

    /// Affiliate evidence a denial ("not sponsored") would contradict.
    pub fn affiliate_evidence(&self) -> bool {
        !self.affiliate_links.is_empty() || !self.retailer_ctas.is_empty()
    }

    fn disclosed(&self, kind: DisclosureKind) -> Vec<At> {
        let mut v: Vec<At> = self
            .disclosed
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, a)| *a)
            .collect();
        v.sort_by_key(|a| a.text);
        v
    }
}

/// The verdict: a pure function of the evidence and the policy.
pub fn decide(ev: &Evidence, policy: &Policy) -> Verdict {
    let reasons = score_reasons(ev, policy);
    let score: f64 = reasons.iter().map(|r| r.contribution).sum();
    let score = (score * 100.0).round() / 100.0;
    let promotional_found = !ev.affiliate_links.is_empty()
        || !ev.link_ctas.is_empty()
        || ev.product_page()
        || ev
            .rules
            .iter()
            .any(|r| PROMOTIONAL_CATEGORIES.contains(&r.category.as_str()));
    let label = if score >= policy.threshold {
        Label::Promotional
    } else if promotional_found {
        Label::Borderline
    } else {
        Label::Clean
    };
    let (missing, late) = requirements(ev);
    Verdict {
        score,
        label,
        reasons,
        missing,
        late,
    }
}

/// Every signal that adds to the score, largest contribution first.
fn score_reasons(ev: &Evidence, p: &Policy) -> Vec<Reason> {
    let mut out = Reasons::default();
    rule_reasons(ev, &mut out);
    link_reasons(ev, p, &mut out);
    page_reasons(ev, p, &mut out);
    prose_reason(ev, p, &mut out);
    let mut out = out.0;
    out.sort_by(|a, b| {
        b.contribution
            .abs()
            .partial_cmp(&a.contribution.abs())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    out
}

/// The reasons collected so far; a signal that adds nothing is not a reason.
#[derive(Default)]
struct Reasons(Vec<Reason>);

impl Reasons {
    /// Adds the signal when it contributes; its `detail` is written only then (most documents
    /// have no paid link and no link call to action, and formatting those two details for
    /// every document was 4 % of the instructions of a scan of 200-character documents).
    fn add(&mut self, signal: &str, contribution: f64, detail: impl FnOnce() -> String) {
        if contribution != 0.0 {
            self.0.push(Reason {
                signal: signal.to_string(),
                contribution: (contribution * 100.0).round() / 100.0,
                detail: detail(),
            });
        }
    }
}

/// Rule findings, summed per category (each rule capped at `cap` times its weight).
fn rule_reasons(ev: &Evidence, out: &mut Reasons) {
    let mut cats: Vec<(&str, f64, Vec<String>)> = Vec::new();
    for r in &ev.rules {
        let cap = r.cap * r.weight.abs();
        let s = (r.weight * r.count as f64).clamp(-cap, cap);
        let what = format!("{} x{}", r.id, r.count);
        match cats.iter_mut().find(|(c, _, _)| *c == r.category) {
            Some((_, sum, ids)) => {
                *sum += s;
                ids.push(what);
            }
            None => cats.push((&r.category, s, vec![what])),
        }
    }
    for (cat, sum, ids) in cats {
        out.add(&format!("rules:{cat}"), sum, || ids.join(", "));
    }
}

/// Paid links and links that tell the reader to buy, each capped.
fn link_reasons(ev: &Evidence, p: &Policy, out: &mut Reasons) {
    let w = &p.weights;
    let paid = ev.paid_links as f64 * w.paid_link;
    out.add("paid-links", paid.min(w.paid_links_cap), || {
        format!(
            "{} visible affiliate or rel=\"sponsored\" link{}",
            ev.paid_links,
            plural(ev.paid_links)
        )
    });
    let n = ev.link_ctas.len();
    out.add(
        "link-cta",
        (n as f64 * w.link_cta).min(w.link_cta_cap),
        || {
            format!(
                "{n} link{} to a shop that tell{} the reader to buy",
                plural(n),
                if n == 1 { "s" } else { "" }
            )
        },
    );
}

/// What kind of page it is: product page, advertorial, deal post, lead form, denial, recipe,
/// article.
fn page_reasons(ev: &Evidence, p: &Policy, out: &mut Reasons) {
    let w = &p.weights;
    let pg = &ev.page;
    if ev.product_page() {
        out.add("product-page", w.product_page, || {
            product_marks(pg).join(", ")
        });
    }
    if let Some(a) = &pg.advertorial {
        out.add("advertorial", w.advertorial, || a.clone());
    }
    if ev.dense(p) {
        out.add("affiliate-dense", w.affiliate_dense, || {
            format!(
                "{} affiliate links in {} words",
                ev.affiliate_links.len(),
                ev.words
            )
        });
    }
    if pg.lead_form {
        out.add("lead-form", w.lead_form, || {
            "a form asks for a phone number".into()
        });
    }
    if pg.denial && ev.affiliate_evidence() {
        out.add("misleading-negation", w.misleading_negation, || {
            "says it is not sponsored, beside affiliate evidence".into()
        });
    }
    if pg.recipe {
        out.add("recipe", w.recipe, || "recipe markup".into());
    }
    if pg.article && !pg.recipe {
        out.add("article", w.article, || "article markup".into());
    }
}

/// The product marks a product page showed, for its reason.
fn product_marks(pg: &PageEvidence) -> Vec<String> {
    let mut what: Vec<String> = Vec::new();
    if pg.product_markup {
        what.push("product markup".into());
    }
    if let Some(c) = &pg.cart {
        what.push(format!("cart control {c}"));
    }
    if let Some(u) = &pg.product_url {
        what.push(format!("product URL path {u}"));
    }
    if let Some(p) = &pg.price {
        what.push(format!("price {p}"));
    }
    what
}

/// Long prose with few commercial links: editorial counter-evidence.
fn prose_reason(ev: &Evidence, p: &Policy, out: &mut Reasons) {
    let density = ev.commercial_per_1000_words();
    if ev.words >= p.limits.long_prose_words
        && density < p.limits.long_prose_max_links_per_1000_words
        && !ev.product_page()
        && ev.page.advertorial.is_none()
    {
        out.add("long-prose", p.weights.long_prose, || {
            format!(
                "{} words, {:.1} affiliate links and calls to action per 1,000 words",
                ev.words, density
            )
        });
    }
}

/// Missing and late disclosures, each kind checked in turn.
fn requirements(ev: &Evidence) -> (Vec<Requirement>, Vec<Requirement>) {
    // (missing?, requirement) in the order they are checked.
    let out = [
        affiliate_requirement(ev),
        fda_requirement(ev),
        medical_requirement(ev),
        sponsored_requirement(ev),
    ];
    let (missing, late): (Vec<_>, Vec<_>) = out.into_iter().flatten().partition(|(m, _)| *m);
    (
        missing.into_iter().map(|(_, r)| r).collect(),
        late.into_iter().map(|(_, r)| r).collect(),
    )
}

/// Affiliate links or retailer calls to action need an affiliate disclosure before them.
fn affiliate_requirement(ev: &Evidence) -> Option<(bool, Requirement)> {
    let first = ev
        .affiliate_links
        .iter()
        .chain(&ev.retailer_ctas)
        .min_by_key(|a| a.text)
        .copied()?;
    let what = describe_affiliate(ev.affiliate_links.len(), ev.retailer_ctas.len());
    let found = ev.disclosed(DisclosureKind::Affiliate);
    require(
        DisclosureKind::Affiliate,
        first,
        &what,
        &found,
        "affiliate disclosure",
    )
}

/// FDA / DSHEA: health claims on a dietary supplement need the FDA disclaimer.
fn fda_requirement(ev: &Evidence) -> Option<(bool, Requirement)> {
    let health = &ev.health_claims;
    if !ev.supplement {
        return None;
    }
    let &first = health.iter().min_by_key(|a| a.text)?;
    let what = format!(
        "a dietary supplement with {} health claim{}",
        health.len(),
        plural(health.len())
    );
    let mut fda = require(
        DisclosureKind::Fda,
        first,
        &what,
        &ev.disclosed(DisclosureKind::Fda),
        "FDA disclaimer",
    );
    // Only the disease sentence (a weak fda disclosure): incomplete, not present.
    if let Some((true, m)) = fda.as_mut()
        && ev.weak_disclosed.contains(&DisclosureKind::Fda)
    {
        m.reason = format!(
            "{what}, incomplete FDA disclaimer (only \"not intended to diagnose, treat, cure, \
             or prevent any disease\"; 21 CFR 101.93(c) needs both sentences)"
        );
    }
    fda
}

/// Medical advice: pages that make health claims conventionally say they are not medical
/// advice, or send readers to a doctor. No statute prescribes it, so only its absence is
/// reported, as info.
fn medical_requirement(ev: &Evidence) -> Option<(bool, Requirement)> {
    let health = &ev.health_claims;
    let &first = health.iter().min_by_key(|a| a.text)?;
    if !ev.disclosed(DisclosureKind::Medical).is_empty() {
        return None;
    }
    Some((
        true,
        Requirement {
            kind: DisclosureKind::Medical,
            reason: format!(
                "{} health claim{}, no medical-advice disclaimer (\"not medical advice\", \"talk to your doctor\")",
                health.len(),
                plural(health.len())
            ),
            severity: Severity::Info,
            needed_at: first,
        },
    ))
}

/// Links marked `rel="sponsored"` need a sponsored label (an affiliate disclosure will do).
fn sponsored_requirement(ev: &Evidence) -> Option<(bool, Requirement)> {
    let sponsored = &ev.sponsored_links;
    let &first = sponsored.iter().min_by_key(|a| a.text)?;
    let what = format!(
        "{} link{} marked rel=\"sponsored\"",
        sponsored.len(),
        plural(sponsored.len())
    );
    let mut found = ev.disclosed(DisclosureKind::Sponsored);
    found.extend(ev.disclosed(DisclosureKind::Affiliate));
    found.sort_by_key(|a| a.text);
    require(
        DisclosureKind::Sponsored,
        first,
        &what,
        &found,
        "sponsored label",
    )
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

/// A missing (`true`) or late (`false`) disclosure of `kind`, needed from `first`, given where
/// it was `found` (sorted in reading order); `None` when it is in place.
fn require(
    kind: DisclosureKind,
    first: At,
    what: &str,
    found: &[At],
    name: &str,
) -> Option<(bool, Requirement)> {
    let req = |reason: String| Requirement {
        kind,
        reason,
        severity: Severity::Warning,
        needed_at: first,
    };
    let Some(disclosed) = found.first() else {
        return Some((true, req(format!("{what}, no {name}"))));
    };
    if found.iter().all(|a| a.footer) {
        Some((
            false,
            req(format!(
                "{name} only in the page footer (byte {}); {what}",
                disclosed.src
            )),
        ))
    } else if disclosed.text > first.text {
        Some((
            false,
            req(format!(
                "{name} at byte {} comes after the first need for it at byte {} ({what})",
                disclosed.src, first.src
            )),
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests;
