//! Evidence for the verdict, from what the earlier stages found: extracted text and markup, rule
//! matches (with their rules' roles) and classified links.

use std::sync::LazyLock;

use regex::Regex;

use super::{At, Evidence, PageEvidence, Policy, Role, Roles, RuleCount};
use super::{
    CHECK_ADVERTORIAL, CHECK_AFFILIATE_REL, CHECK_LEAD_FORM, CHECK_LINK_CTA, CHECK_LINK_DENSITY,
    CHECK_PRODUCT_PAGE, CHECK_RECIPE, Check,
};
use crate::encoding::Decoded;
use crate::kinds::Scope;
use crate::rules::RuleSet;
use crate::text::Extracted;

/// One rule match: rule index and text span.
#[derive(Clone, Copy, Debug)]
pub struct Hit {
    /// Index of the rule in its rule set.
    pub rule: usize,
    /// Start offset in the extracted text.
    pub start: usize,
    /// End offset in the extracted text (exclusive).
    pub end: usize,
}

/// What the verdict needs to know about one link.
#[derive(Clone, Copy, Debug)]
pub struct LinkFacts<'a> {
    /// The URL as written.
    pub href: &'a str,
    /// Anchor text.
    pub text: &'a str,
    /// Offset in the extracted text where the link sits.
    pub text_pos: usize,
    /// Source byte span of the anchor.
    pub start: usize,
    /// End of that span (exclusive).
    pub end: usize,
    /// In markup a reader does not see.
    pub hidden: bool,
    /// A confirmed or likely affiliate link.
    pub affiliate: bool,
    /// Marked `rel="sponsored"`.
    pub sponsored: bool,
    /// Marked `rel="nofollow"`.
    pub nofollow: bool,
}

/// A code check that fired, with the source span and scope its finding gets.
#[derive(Clone, Copy, Debug)]
pub struct FiredCheck {
    /// The check.
    pub check: Check,
    /// Source byte span.
    pub start: usize,
    /// End of that span (exclusive).
    pub end: usize,
    /// Scope of the finding.
    pub scope: Scope,
}

/// The inputs of [`gather`]: one document's stages' results.
pub struct Found<'a> {
    /// The rules the hits refer to.
    pub rules: &'a RuleSet,
    /// Their roles.
    pub roles: &'a Roles,
    /// Extracted text and markup.
    pub ex: &'a Extracted,
    /// The decoding of the document (text offsets to source bytes).
    pub decoded: &'a Decoded<'a>,
    /// Rule matches that count.
    pub hits: &'a [Hit],
    /// Links in document order.
    pub links: &'a [LinkFacts<'a>],
    /// The page URL (given with the input, or declared by the page).
    pub page_url: Option<&'a str>,
    /// Every occurrence `(start, end, statement)` of the policy's paid-post statements in the
    /// text lower-cased in ASCII, by end, when the caller found them (the scanner's matcher
    /// does, in its one pass: [`crate::matcher::Matcher::with_extra`]); `None`: searched here.
    pub statements: Option<&'a [(usize, usize, usize)]>,
}

/// A visible price: a currency sign or code before or after an amount ("$19.99", "19,99 €",
/// "CHF 19.50", "EUR 12", "£5").
static PRICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i:[$€£¥][ \x{a0}]?\d(?:[\d.,]*\d)?|(?-u:\b)(?:eur|usd|gbp|chf|cad|aud|sek|nok|dkk|pln|czk|inr)[ \x{a0}]?\d(?:[\d.,]*\d)?|\d(?:[\d.,\x{a0} ]*\d)?[ \x{a0}]?(?:€|£|\$|(?-u:\b)(?:eur|usd|gbp|chf|kr|zł|zl|czk|pln|sek|nok|dkk)(?-u:\b)))",
    )
    .expect("price pattern compiles")
});

/// Evidence for the verdict, and the code checks that fired (each becomes a finding).
pub fn gather(policy: &Policy, f: &Found<'_>) -> (Evidence, Vec<FiredCheck>) {
    let mut ev = Evidence {
        words: words(&f.ex.text),
        ..Evidence::default()
    };
    rule_evidence(f, &mut ev);
    let mut fired = link_evidence(policy, f, &mut ev);
    let (page, page_fired) = page_evidence(policy, f);
    ev.page = page;
    fired.extend(page_fired);
    if ev.dense(policy)
        && let Some(l) = f.links.iter().find(|l| !l.hidden && l.affiliate)
    {
        fired.push(link_check(CHECK_LINK_DENSITY, l));
    }
    if !ev.product_page() {
        fired.retain(|c| c.check.id != CHECK_PRODUCT_PAGE.id);
    }
    (ev, fired)
}

impl Found<'_> {
    /// The place of text offset `pos` (the start of a match spanning `start..end` of the
    /// text). Nothing can be disclosed before the title: what the title needs, a disclosure
    /// anywhere gives in time (its need is placed at the end of the text).
    fn at(&self, pos: usize, span: (usize, usize), scope: Scope) -> At {
        let ex = self.ex;
        let title = ex.title.unwrap_or_default();
        At {
            text: if (title.0..title.1).contains(&pos) {
                ex.text.len()
            } else {
                pos
            },
            src: self.decoded.src_start(ex.map.start(pos)),
            footer: ex.in_footer(pos),
            span,
            scope: Some(scope),
        }
    }

    /// The place of a rule match.
    fn at_hit(&self, h: &Hit) -> At {
        let (ex, d) = (self.ex, self.decoded);
        let span = (
            d.src_start(ex.map.start(h.start)),
            d.src_end(ex.map.end(h.end)),
        );
        self.at(h.start, span, ex.scope_at(h.start))
    }

    /// The place of a link: its text position, pointing at the anchor.
    fn at_link(&self, l: &LinkFacts<'_>) -> At {
        self.at(l.text_pos, (l.start, l.end), Scope::Link)
    }
}

/// Rule matches: counts per rule, retailer calls to action, disclosures, supplement context
/// and health claims.
fn rule_evidence(f: &Found<'_>, ev: &mut Evidence) {
    for h in f.hits {
        let r = &f.rules.rules[h.rule].rule;
        match ev.rules.iter_mut().find(|c| c.id == r.id) {
            Some(c) => c.count += 1,
            None => ev.rules.push(RuleCount {
                id: r.id.clone(),
                category: r.category.clone(),
                weight: r.weight,
                cap: r.cap,
                count: 1,
            }),
        }
        if r.retailer {
            ev.retailer_ctas.push(f.at_hit(h));
        }
        match &r.disclosure {
            Some(kind) if !r.weak => ev.disclosed.push((*kind, f.at_hit(h))),
            // A weak form (the FDA disclaimer's disease sentence alone) discloses nothing, but
            // the reason for the missing disclosure says it is incomplete.
            Some(kind) if !ev.weak_disclosed.contains(kind) => ev.weak_disclosed.push(*kind),
            _ => {}
        }
        match f.roles.of(h.rule) {
            Some(Role::Supplement) => ev.supplement = true,
            Some(Role::Health) => ev.health_claims.push(f.at_hit(h)),
            _ => {}
        }
    }
}

/// Visible links: affiliate, sponsored and paid links, link calls to action; fires the
/// link checks (affiliate links without rel, link calls to action).
fn link_evidence(policy: &Policy, f: &Found<'_>, ev: &mut Evidence) -> Vec<FiredCheck> {
    let visible = || f.links.iter().filter(|l| !l.hidden);
    ev.affiliate_links = visible()
        .filter(|l| l.affiliate)
        .map(|l| f.at_link(l))
        .collect();
    ev.sponsored_links = visible()
        .filter(|l| l.sponsored)
        .map(|l| f.at_link(l))
        .collect();
    ev.paid_links = visible().filter(|l| l.affiliate || l.sponsored).count();
    // Affiliate links without rel=sponsored or nofollow (a link-spam signal, info).
    let mut fired: Vec<FiredCheck> = visible()
        .filter(|l| l.affiliate && !l.sponsored && !l.nofollow)
        .map(|l| link_check(CHECK_AFFILIATE_REL, l))
        .collect();
    for l in visible().filter(|l| link_cta(&policy.link_cta, l)) {
        ev.link_ctas.push(f.at_link(l));
        fired.push(link_check(CHECK_LINK_CTA, l));
    }
    fired
}

/// A check fired on a link: its finding covers the anchor.
fn link_check(check: Check, l: &LinkFacts<'_>) -> FiredCheck {
    FiredCheck {
        check,
        start: l.start,
        end: l.end,
        scope: Scope::Link,
    }
}

/// Page-type evidence, with the checks it fires (the product-page check is kept only when the
/// page also shows a price; [`gather`] decides).
fn page_evidence(policy: &Policy, f: &Found<'_>) -> (PageEvidence, Vec<FiredCheck>) {
    let ex = f.ex;
    let d = f.decoded;
    let text_span = |s: usize, e: usize| (d.src_start(ex.map.start(s)), d.src_end(ex.map.end(e)));
    let work_span = |(s, e): (usize, usize)| (d.src_start(s), d.src_end(e));
    let mut fired = Vec::new();
    let mut fire = |check: Check, (start, end): (usize, usize), scope: Scope| {
        fired.push(FiredCheck {
            check,
            start,
            end,
            scope,
        })
    };
    let mut pg = PageEvidence {
        product_markup: ex.product_page().is_some(),
        lead_form: ex.lead_form.is_some(),
        article: ex.article.is_some(),
        recipe: ex.recipe.is_some(),
        denial: f
            .hits
            .iter()
            .any(|h| f.rules.rules[h.rule].rule.category == "negation"),
        ..PageEvidence::default()
    };
    if let Some(s) = ex.recipe {
        fire(CHECK_RECIPE, work_span(s), Scope::Attr);
    }
    let cart_hit = f
        .hits
        .iter()
        .find(|h| f.roles.of(h.rule) == Some(Role::Cart));
    if let Some(h) = cart_hit {
        pg.cart = Some(format!("\"{}\"", &ex.text[h.start..h.end]));
    } else if ex.cart_markup.is_some() {
        pg.cart = Some("in markup".into());
    }
    pg.product_url = f.page_url.and_then(|u| {
        let path = url_path(u).to_ascii_lowercase();
        policy
            .product
            .url_paths
            .iter()
            .find(|p| path.contains(p.as_str()))
            .cloned()
    });
    // A price only matters beside a product mark (and a regex over a long text costs).
    let marked = pg.product_markup || pg.cart.is_some() || pg.product_url.is_some();
    let price = if marked { PRICE.find(&ex.text) } else { None };
    pg.price = price
        .map(|m| m.as_str().to_string())
        .or_else(|| ex.price_markup.map(|_| "in markup".into()));
    // Where the product-page finding points: markup, the cart control, the price.
    let product_span = ex
        .product_page()
        .map(|s| (work_span(s), Scope::Attr))
        .or_else(|| cart_hit.map(|h| (text_span(h.start, h.end), ex.scope_at(h.start))))
        .or_else(|| ex.cart_markup.map(|s| (work_span(s), Scope::Attr)))
        .or_else(|| price.map(|m| (text_span(m.start(), m.end()), Scope::Text)))
        .or_else(|| ex.price_markup.map(|s| (work_span(s), Scope::Attr)));
    if let Some((span, scope)) = product_span {
        fire(CHECK_PRODUCT_PAGE, span, scope);
    }
    if let Some((where_, s, e)) = advertorial(ex, &policy.advertorial, f.statements) {
        pg.advertorial = Some(format!("{where_} \"{}\"", &ex.text[s..e]));
        fire(CHECK_ADVERTORIAL, text_span(s, e), ex.scope_at(s));
    }
    if let Some(s) = ex.lead_form {
        fire(CHECK_LEAD_FORM, work_span(s), Scope::Attr);
    }
    (pg, fired)
}

/// The first of the statement matches a standard Aho-Corasick search (`find_iter`, non-overlapping)
/// gives whose start `keep` allows, from `found`, every occurrence `(start, end, statement)`: that
/// search reports the match ending first, the longest of those (its state lists the longest
/// first), and goes on from its end.
fn first_statement(
    found: &[(usize, usize, usize)],
    keep: impl Fn(usize) -> bool,
) -> Option<(usize, usize)> {
    let mut by_end: Vec<(usize, usize)> = found.iter().map(|&(s, e, _)| (e, s)).collect();
    by_end.sort_unstable();
    let mut from = 0;
    for (e, s) in by_end {
        if s < from {
            continue;
        }
        if keep(s) {
            return Some((s, e));
        }
        from = e;
    }
    None
}

/// Words of normalized text (white-space runs are one space or one line break there).
fn words(text: &str) -> usize {
    let t = text.trim();
    if t.is_empty() {
        0
    } else {
        // A plain count the compiler vectorizes: one call per word (`memchr2_iter`) cost 6 %
        // of a scan of short text documents.
        let blank = |c: &[u8]| {
            c.iter()
                .map(|&b| u8::from(b == b' ' || b == b'\n'))
                .sum::<u8>()
        };
        let chunks = t.as_bytes().chunks(64);
        chunks.map(|c| usize::from(blank(c))).sum::<usize>() + 1
    }
}

/// Link text that starts with an instruction to buy, on an affiliate link or a link to a
/// retailer.
fn link_cta(spec: &super::policy::LinkCtaSpec, l: &LinkFacts<'_>) -> bool {
    let text = l.text.trim().to_lowercase();
    if text.split_whitespace().nth(1).is_none() {
        return false;
    }
    let starts = spec.verbs.iter().any(|v| {
        text.strip_prefix(v.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '!', ':', '\u{a0}']))
    });
    if !starts {
        return false;
    }
    if l.affiliate {
        return true;
    }
    let host = l
        .href
        .trim()
        .split_once("//")
        .map_or("", |(_, rest)| {
            rest.split(['/', '?', '#']).next().unwrap_or("")
        })
        .to_ascii_lowercase();
    let host = ["www.", "m.", "smile."]
        .iter()
        .find_map(|p| host.strip_prefix(p))
        .unwrap_or(&host);
    host.split_once('.')
        .is_some_and(|(first, _)| spec.retailers.iter().any(|r| r == first))
}

/// The path of a URL as written (absolute, protocol-relative or a bare path).
fn url_path(u: &str) -> &str {
    let u = u.trim();
    let rest = match u.find("//") {
        Some(i) if !u[..i].contains('/') => &u[i + 2..],
        _ => return u,
    };
    rest.find('/').map_or("", |i| &rest[i..])
}

/// A paid-content label in the title or h1 (in brackets, or leading before ":" or "|"), or a
/// short byline right under the h1 that is a label or names a sponsor: where, and its text span.
fn advertorial(
    ex: &Extracted,
    spec: &super::policy::AdvertorialSpec,
    statements: Option<&[(usize, usize, usize)]>,
) -> Option<(&'static str, usize, usize)> {
    let is_label = |s: &str| {
        let s = s
            .trim()
            .trim_matches(|c: char| c.is_ascii_punctuation())
            .trim();
        spec.labels.iter().any(|l| l.eq_ignore_ascii_case(s))
    };
    for (where_, range) in [("title", ex.title), ("h1", ex.h1)] {
        let Some((s, e)) = range else { continue };
        let text = &ex.text[s..e];
        // In brackets anywhere: "[Werbung]", "(Anzeige)".
        for (open, close) in [('[', ']'), ('(', ')')] {
            let mut from = 0;
            while let Some(o) = text[from..].find(open).map(|i| from + i) {
                let Some(c) = text[o..].find(close).map(|i| o + i) else {
                    break;
                };
                if is_label(&text[o + 1..c]) {
                    return Some((where_, s + o, s + c + 1));
                }
                from = c;
            }
        }
        // Leading, before ":" or "|": "Sponsored: ...".
        if let Some(i) = text.find([':', '|'])
            && is_label(&text[..i])
        {
            return Some((where_, s, s + i));
        }
    }
    if let Some(b) = byline(ex, spec, &is_label) {
        return Some(b);
    }
    // A statement that the post is paid for, anywhere but the footer.
    let outside_footer = |start: usize| !ex.in_footer(start);
    let statement = match statements {
        Some(found) => first_statement(found, outside_footer),
        None => {
            let lower = ex.lower_text();
            let anchors = spec.statement_anchors.as_ref();
            let anchored = anchors.is_none_or(|a| a.is_match(lower.as_ref()));
            (spec.statement_matcher.as_ref())
                .filter(|_| anchored)
                .and_then(|ac| {
                    (ac.find_iter(lower.as_ref()))
                        .find(|m| outside_footer(m.start()))
                        .map(|m| (m.start(), m.end()))
                })
        }
    };
    if let Some((s, e)) = statement {
        return Some(("statement", s, e));
    }
    // Bracketed labels in the running text ("Shampoo (Werbung)"), enough of them.
    let bytes = ex.text.as_bytes();
    let mut inline = Vec::new();
    for i in memchr::memchr2_iter(b'(', b'[', bytes) {
        let close = if bytes[i] == b'(' { b')' } else { b']' };
        let window = &bytes[i + 1..(i + 42).min(bytes.len())];
        let Some(len) = memchr::memchr(close, window) else {
            continue;
        };
        if ex.scope_at(i) == Scope::Text
            && !ex.in_footer(i)
            && is_label(&ex.text[i + 1..i + 1 + len])
        {
            inline.push((i, i + len + 2));
        }
    }
    if inline.len() >= spec.inline_labels.max(1) {
        return Some(("text", inline[0].0, inline[0].1));
    }
    None
}

/// One of the two short lines right after the h1, when it is a label or names a sponsor.
fn byline(
    ex: &Extracted,
    spec: &super::policy::AdvertorialSpec,
    is_label: &dyn Fn(&str) -> bool,
) -> Option<(&'static str, usize, usize)> {
    let (_, h1_end) = ex.h1?;
    let after = &ex.text[h1_end..];
    let mut pos = h1_end;
    for line in after.split('\n').skip(1).take(2) {
        pos += 1;
        let start = pos;
        pos += line.len();
        let t = line.trim();
        if t.is_empty() || t.chars().count() > 80 {
            continue;
        }
        let lower = t.to_lowercase();
        if is_label(t)
            || spec
                .byline_prefixes
                .iter()
                .any(|p| lower.starts_with(p.as_str()))
        {
            return Some(("byline", start, start + line.len()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn advert(html: &str) -> Option<String> {
        let ex = crate::html::extract_html(html);
        let policy = Policy::builtin();
        advertorial(&ex, &policy.advertorial, None)
            .map(|(w, s, e)| format!("{w}: {}", &ex.text[s..e]))
    }

    /// The statements the matcher finds in its one pass give what the policy's own search
    /// gives: overlapping statements, one inside another, in the footer and not, and none.
    #[test]
    fn statements_from_the_matcher_agree_with_the_policy_search() {
        let policy = Policy::builtin();
        let statements = &policy.advertorial.statements;
        let rules = crate::rules::RuleSet::builtin().unwrap();
        let m = crate::matcher::Matcher::with_extra(&rules, statements).unwrap();
        assert_eq!(m.extra_len(), statements.len());
        let pieces = [
            "This post was sponsored by Acme.",
            "this post is in partnership with this post was created in partnership with x",
            "Article sponsorisé. Cet article est sponsorisé",
            "I was compensated for i received compensation for",
            "dieser beitrag enthält werbung, Dieser Beitrag ist gesponsert",
            "Nothing paid here, not sponsored at all.",
        ];
        let (mut agree, mut found_any) = (0, 0);
        for a in pieces {
            for b in pieces {
                for html in [
                    format!("<p>{a}</p><p>{b}</p>"),
                    format!("<p>{a}</p><footer>{b}</footer>"),
                    format!("<footer>{a}</footer><p>{b} {a}</p>"),
                ] {
                    let ex = crate::html::extract_html(&html);
                    let mut found = Vec::new();
                    m.find_lower_extra(&ex.text, &ex.lower_text(), &mut found);
                    let spec = &policy.advertorial;
                    let want = advertorial(&ex, spec, None);
                    assert_eq!(advertorial(&ex, spec, Some(&found)), want, "{html}");
                    agree += 1;
                    found_any += usize::from(want.is_some_and(|w| w.0 == "statement"));
                }
            }
        }
        assert!(
            agree == 108 && found_any > 50,
            "{found_any} statements of {agree}"
        );
    }

    /// [`first_statement`] over every occurrence gives what a standard non-overlapping search
    /// gives, with patterns inside and at the end of others and places passed over.
    #[test]
    fn first_statement_is_the_standard_search() {
        let patterns = ["ab", "b", "abc", "bc", "cab", "xa"];
        let ac = aho_corasick::AhoCorasick::new(patterns).unwrap();
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut checked = 0;
        for len in 0..40 {
            for _ in 0..40 {
                let text: String = (0..len)
                    .map(|_| {
                        crate::xorshift(&mut state);
                        ['a', 'b', 'c', 'x'][(state >> 40) as usize % 4]
                    })
                    .collect();
                let found: Vec<(usize, usize, usize)> = (ac.find_overlapping_iter(&text))
                    .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
                    .collect();
                for skip in [0, 2, 3] {
                    let keep = |s: usize| skip == 0 || s % skip != 0;
                    let want = (ac.find_iter(&text))
                        .find(|m| keep(m.start()))
                        .map(|m| (m.start(), m.end()));
                    assert_eq!(first_statement(&found, keep), want, "{text} {skip}");
                    checked += usize::from(want.is_some());
                }
            }
        }
        assert!(checked > 1000, "{checked}");
    }

    #[test]
    fn advertorial_labels_stand_as_labels() {
        assert_eq!(
            advert("<title>[Werbung] Mein Lieblingsshampoo</title><h1>Shampoo</h1>").as_deref(),
            Some("title: [Werbung]")
        );
        assert_eq!(
            advert("<h1>Sponsored: Ten ways to save</h1>").as_deref(),
            Some("h1: Sponsored")
        );
        assert_eq!(
            advert("<h1>Holiday gifts</h1><p>Sponsored by State Farm</p>").as_deref(),
            Some("byline: Sponsored by State Farm")
        );
        assert_eq!(
            advert("<h1>Holiday gifts</h1><p>Paid Post</p><p>Text</p>").as_deref(),
            Some("byline: Paid Post")
        );
        // A page about advertising, a label further down, a sentence that mentions a sponsor.
        assert_eq!(
            advert("<title>Werbung - Wikipedia</title><h1>Werbung</h1>"),
            None
        );
        assert_eq!(
            advert("<h1>News</h1><p>By Ann</p><p>Today</p><p>Anzeige</p>"),
            None
        );
        assert_eq!(
            advert(
                "<h1>Race report</h1><p>The race was sponsored by a local bank and ran late.</p>"
            ),
            None
        );
    }

    #[test]
    fn statements_that_a_post_is_paid_for_are_found_outside_the_footer() {
        assert_eq!(
            advert("<h1>Gifts</h1><p>Note: THIS POST WAS SPONSORED by Acme. Gifts.</p>").as_deref(),
            Some("statement: THIS POST WAS SPONSORED")
        );
        assert_eq!(
            advert("<h1>Shampoo</h1><p>Dieser Beitrag enthält Werbung für Acme.</p>").as_deref(),
            Some("statement: Dieser Beitrag enthält Werbung")
        );
        // The anchor word without its statement, the statement only in the footer.
        assert_eq!(
            advert("<h1>Race</h1><p>This post is about a sponsored race.</p>"),
            None
        );
        assert_eq!(
            advert("<h1>Gifts</h1><p>Text</p><footer>This post was sponsored.</footer>"),
            None
        );
    }

    #[test]
    fn statement_anchors_are_their_longest_words() {
        use crate::verdict::policy::anchor_word;
        assert_eq!(anchor_word("this post was sponsored"), "sponsored");
        assert_eq!(anchor_word("i was compensated for"), "compensated");
        assert_eq!(anchor_word("dieser beitrag enthält werbung"), "enthält");
        assert_eq!(anchor_word("  "), "");
    }

    #[test]
    fn link_ctas_need_an_instruction_and_a_shop() {
        let spec = Policy::builtin().link_cta;
        let link = |href: &'static str, text: &'static str, affiliate: bool| LinkFacts {
            href,
            text,
            text_pos: 0,
            start: 0,
            end: 0,
            hidden: false,
            affiliate,
            sponsored: false,
            nofollow: false,
        };
        let cta = |l: LinkFacts<'_>| link_cta(&spec, &l);
        assert!(cta(link(
            "https://www.amazon.co.uk/dp/B0",
            "Get it on Amazon",
            false
        )));
        assert!(cta(link("https://x.example/go/y", "Buy the kettle", true)));
        assert!(cta(link(
            "https://www.walmart.com/ip/1",
            "Shop now!",
            false
        )));
        // A menu item, an ordinary site, the shop's seller pages, not an instruction.
        assert!(!cta(link("https://www.amazon.com/shop/x", "Shop", false)));
        assert!(!cta(link(
            "https://example.org/book",
            "Get the recipe",
            false
        )));
        assert!(!cta(link(
            "https://services.amazon.de/sell",
            "Jetzt verkaufen",
            false
        )));
        assert!(!cta(link(
            "https://www.amazon.com/dp/B0",
            "The kettle I use",
            true
        )));
    }

    #[test]
    fn words_of_normalized_text() {
        assert_eq!(words(""), 0);
        assert_eq!(words("one"), 1);
        assert_eq!(words("one two\nthree"), 3);
    }

    #[test]
    fn url_paths() {
        assert_eq!(
            url_path("https://www.amazon.de/Foo/dp/B01?x=1"),
            "/Foo/dp/B01?x=1"
        );
        assert_eq!(url_path("//ebay.it/itm/1"), "/itm/1");
        assert_eq!(url_path("/product/x"), "/product/x");
        assert_eq!(url_path("https://example.com"), "");
    }

    #[test]
    fn prices_with_the_currency_before_or_after() {
        for p in [
            "CHF 19.50",
            "19,99 €",
            "$5",
            "EUR 12",
            "£5",
            "120 kr",
            "$1,299.00",
        ] {
            assert_eq!(PRICE.find(p).map(|m| m.as_str()), Some(p), "{p}");
        }
        for p in ["19.50", "in 2024", "chf-19"] {
            assert!(!PRICE.is_match(p), "{p}");
        }
    }
}
