//! The scanner: one compiled set of rules, applied to one document at a time.
//!
//! [`Scanner`] is built once and shared immutably across threads; [`Scanner::scan`] turns a
//! [`DocInput`] into a [`DocResult`], the `document` line of the output contract.

use serde::Serialize;

use crate::links::Affiliate;

pub use crate::input::DocFormat;

/// One document to scan.
#[derive(Clone, Debug, Default)]
pub struct DocInput<'a> {
    /// The document's original bytes.
    pub bytes: &'a [u8],
    /// HTML or text.
    pub format: DocFormat,
    /// The document's URL, when known.
    pub url: Option<&'a str>,
    /// Language hint from the container, or `--lang`.
    pub lang: Option<&'a str>,
    /// Charset hint from the container (HTTP Content-Type).
    pub charset: Option<&'a str>,
    /// Honour inline `<!-- puffery-ignore ... -->` comments. Off by default: a page author
    /// must not decide what a crawl scan reports; the CLI turns it on for files named on the
    /// command line (not for WARC/WET/JSONL records) unless `--no-inline-ignore`.
    pub inline_ignore: bool,
}

impl<'a> DocInput<'a> {
    /// A document with no hints.
    pub fn new(bytes: &'a [u8], format: DocFormat) -> DocInput<'a> {
        DocInput {
            bytes,
            format,
            ..DocInput::default()
        }
    }
}

/// One match of one rule.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// Rule id, e.g. `cta.shop-now`.
    pub rule: String,
    /// Rule category: `cta`, `claim`, `urgency`, `disclosure`, ...
    pub category: String,
    /// `info`, `warning` or `error`.
    pub severity: Severity,
    /// The rule's weight in the document score.
    pub weight: f64,
    /// Byte offsets, half-open, into the document's original bytes.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// Code-point offsets into the same.
    pub char_start: usize,
    /// End code-point offset (exclusive).
    pub char_end: usize,
    /// The matched text as it stands in the source.
    #[serde(rename = "match")]
    pub matched: String,
    /// Where the text sits: `text`, `heading`, `link`, `button` or `attr`.
    pub scope: Scope,
    /// What is wrong, when the rule's summary does not say it all: the reason of a
    /// `missing.<kind>` or `late.<kind>` finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// One link of a document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LinkOut {
    /// The URL as written (entity-decoded).
    pub url: String,
    /// Anchor text, whitespace-collapsed.
    pub text: String,
    /// `rel` tokens, lower-cased.
    pub rel: Vec<String>,
    /// Byte offsets of the anchor (or the URL in text) in the original bytes.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// True when the anchor sits in markup a reader does not see.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub hidden: bool,
    /// What kind of affiliate link it is (confirmed or likely); `null` when it is not one.
    pub affiliate: Option<Affiliate>,
    /// A link that is only possibly affiliate (a generic parameter, a same-site cloaked path
    /// without other evidence): reported here, never counted as an affiliate link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suspect: Option<Affiliate>,
}

/// A disclosure found in the document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Disclosure {
    /// `affiliate`, `fda`, `medical` or `sponsored`.
    pub kind: DisclosureKind,
    /// The rule that found it.
    pub rule: String,
    /// Byte offsets in the original bytes.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// True for forms the FTC calls insufficient (`#sp`, `#spon`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub weak: bool,
}

pub use crate::verdict::{Reason, Requirement};

/// The verdict for one document: the `document` line of the output contract.
#[derive(Clone, Debug, Default, Serialize)]
pub struct DocResult {
    /// HTML or text.
    pub format: DocFormat,
    /// Byte length of the document.
    pub bytes: usize,
    /// The language the rules were selected for, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// Additive score.
    pub score: f64,
    /// `promotional`, `borderline` or `clean`.
    pub label: Label,
    /// Rule matches in document order.
    pub findings: Vec<Finding>,
    /// Links in document order.
    pub links: Vec<LinkOut>,
    /// Disclosures found.
    pub disclosures: Vec<Disclosure>,
    /// Affiliate link-rewriter scripts on the page (`skimlinks`, `viglink`, ...): evidence that
    /// plain merchant links earn commission.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rewriters: Vec<String>,
    /// Required disclosures that are absent.
    pub missing: Vec<Requirement>,
    /// Disclosures that come after what needed them.
    pub late: Vec<Requirement>,
    /// The signals that decided the label, with their contributions to the score.
    pub reasons: Vec<Reason>,
    /// Set when only part of the document was scanned, with why: `max-doc-bytes` (the input
    /// was cut at `--max-doc-bytes`), or the WARC-Truncated value (`length`, `time`, ...).
    /// `Scanner::scan` leaves it `None`: whoever read the document knows (the CLI sets it from
    /// `Record::truncated_reason`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truncated: Option<String>,
    /// Set when the payload was labelled with an HTTP `Content-Encoding` it is not in, so its
    /// raw bytes were scanned (set by the CLI from `Record::content_encoding_ignored`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub content_encoding_ignored: bool,
    /// Findings hidden by inline `puffery-ignore` comments (when honoured; absent when none).
    #[serde(skip_serializing_if = "is_zero")]
    pub suppressed: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

use crate::Error;
use crate::encoding::decode_known;
use crate::input::Lang;
use crate::kinds::{DisclosureKind, Label, Scope, Severity};
use crate::links::{Classifier, LinkContext};
use crate::matcher::Matcher;
use crate::rules::RuleSet;
use crate::text::Extracted;

/// Settings of a scan that are not rules.
#[derive(Clone, Debug)]
pub struct ScannerOptions {
    /// Score at which a document is `promotional`.
    pub threshold: f64,
    /// Language to select rules for, overriding what documents declare.
    pub lang: Option<String>,
    /// Honour inline `puffery-ignore` comments in whole files read by [`Scanner::scan_stream`]
    /// (never in WARC/WET/JSONL records); `--no-inline-ignore` turns it off.
    pub inline_ignore: bool,
}

impl Default for ScannerOptions {
    fn default() -> ScannerOptions {
        ScannerOptions {
            threshold: crate::verdict::DEFAULT_THRESHOLD,
            lang: None,
            inline_ignore: true,
        }
    }
}

/// Rules, matcher and link classifier, compiled once; `Send + Sync`, shared by all threads.
#[derive(Debug)]
pub struct Scanner {
    /// The rules, in the order the matcher knows them.
    pub rules: RuleSet,
    matcher: Matcher,
    links: Classifier,
    opts: ScannerOptions,
    policy: crate::verdict::Policy,
    roles: crate::verdict::Roles,
    /// Category index of each rule.
    category_of: Vec<usize>,
    categories: usize,
    /// Scanners for documents whose path matches a glob ([`Scanner::with_paths`]).
    by_path: Vec<(crate::config::PathGlob, Scanner)>,
}

/// A finding before it is mapped to the source: the rule and the text span.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TextHit {
    pub rule: usize,
    pub start: usize,
    pub end: usize,
}

impl Scanner {
    /// The built-in rules with default options.
    pub fn builtin() -> Result<Scanner, Error> {
        Scanner::new(RuleSet::builtin()?, ScannerOptions::default())
    }

    /// Compiles `rules`.
    pub fn new(rules: RuleSet, opts: ScannerOptions) -> Result<Scanner, Error> {
        let mut policy = crate::verdict::Policy::builtin();
        // The policy's paid-post statements are found by the matcher's one pass.
        let statements = &policy.advertorial.statements;
        let (matcher, links) = rayon::join(
            || Matcher::with_extra(&rules, statements),
            Classifier::builtin,
        );
        let matcher = matcher?;
        let mut names: Vec<&str> = Vec::new();
        let category_of = rules
            .rules
            .iter()
            .map(|r| {
                let c = r.rule.category.as_str();
                names.iter().position(|n| *n == c).unwrap_or_else(|| {
                    names.push(c);
                    names.len() - 1
                })
            })
            .collect();
        let categories = names.len();
        policy.threshold = opts.threshold;
        let roles = policy.roles(&rules);
        Ok(Scanner {
            rules,
            matcher,
            links,
            opts,
            policy,
            roles,
            category_of,
            categories,
            by_path: Vec::new(),
        })
    }

    /// This scanner, with other scanners for the documents whose source path matches a glob
    /// (`[[paths]]` in a configuration file): the first glob that matches picks the scanner
    /// [`Scanner::scan_stream`] uses for a document.
    pub fn with_paths(mut self, by_path: Vec<(crate::config::PathGlob, Scanner)>) -> Scanner {
        self.by_path = by_path;
        self
    }

    /// The scanner for a document read from `source` ([`Scanner::with_paths`]).
    pub fn for_source(&self, source: &str) -> &Scanner {
        (self.by_path.iter())
            .find(|(glob, _)| glob.matches(source))
            .map_or(self, |(_, s)| s)
    }

    /// Scans one document.
    pub fn scan(&self, doc: &DocInput<'_>) -> DocResult {
        self.scan_explained(doc).0
    }

    /// Scans one document; also returns the evidence its verdict was decided on.
    pub fn scan_explained(&self, doc: &DocInput<'_>) -> (DocResult, crate::verdict::Evidence) {
        self.scan_known(doc, None)
    }

    /// [`Scanner::scan_explained`], given the document's bytes as a string when the caller
    /// holds them as one ([`crate::input::Body::as_str`]): their UTF-8 check is skipped.
    pub(crate) fn scan_known(
        &self,
        doc: &DocInput<'_>,
        text: Option<&str>,
    ) -> (DocResult, crate::verdict::Evidence) {
        let html = doc.format == DocFormat::Html;
        let decoded = decode_known(doc.bytes, doc.charset, html, text);
        let ex: Extracted = match doc.format {
            DocFormat::Html => crate::html::extract_html(&decoded.text),
            DocFormat::Text => crate::text::extract_text(&decoded.text),
        };
        let lang = self.doc_lang(doc, &ex);
        let (hits, statements) = self.matches(&ex, lang.as_deref());
        let mut chars = CharCounter::new(&decoded.text, decoded.bom_chars);
        let (mut findings, disclosures) = self.rule_findings(&ex, &decoded, &hits, &mut chars);
        let page_url = doc.url.or(ex.page_url.as_deref());
        let links = self.links_of(&ex, &decoded, page_url);
        let found = (hits.as_slice(), statements.as_slice());
        let (evidence, fired) = self.evidence(&ex, &decoded, found, &links, page_url);
        findings.extend(check_findings(fired, &decoded, &mut chars));
        // A denial ("not sponsored") beside affiliate evidence misleads: a finding of its own.
        if evidence.affiliate_evidence() {
            let c = crate::verdict::CHECK_MISLEADING_NEGATION;
            let denials: Vec<Finding> = findings
                .iter()
                .filter(|f| f.category == "negation" && f.rule != c.id)
                .map(|f| Finding {
                    rule: c.id.to_string(),
                    severity: c.severity,
                    weight: c.weight,
                    ..f.clone()
                })
                .collect();
            findings.extend(denials);
        }
        let mut verdict = crate::verdict::decide(&evidence, &self.policy);
        for (late, reqs) in [(false, &verdict.missing), (true, &verdict.late)] {
            let needed = reqs.iter();
            findings.extend(needed.map(|m| disclosure_finding(late, m, &decoded, &mut chars)));
        }
        findings.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
        let suppressed = self.hide_findings(doc, &ex, &decoded, &mut findings);
        keep_shown_requirements(&findings, &mut verdict);
        let mut rewriters: Vec<String> = ex
            .scripts
            .iter()
            .filter_map(|s| self.links.rewriter_script(s))
            .collect();
        rewriters.sort();
        rewriters.dedup();
        let result = DocResult {
            format: doc.format,
            bytes: doc.bytes.len(),
            lang,
            score: verdict.score,
            label: verdict.label,
            findings,
            links,
            disclosures,
            rewriters,
            missing: verdict.missing,
            late: verdict.late,
            reasons: verdict.reasons,
            truncated: None,
            content_encoding_ignored: false,
            suppressed,
        };
        (result, evidence)
    }

    /// The findings and disclosures of rule matches: text span -> work span -> source span.
    fn rule_findings(
        &self,
        ex: &Extracted,
        decoded: &crate::encoding::Decoded<'_>,
        hits: &[TextHit],
        chars: &mut CharCounter<'_>,
    ) -> (Vec<Finding>, Vec<Disclosure>) {
        let work = &decoded.text;
        let mut findings = Vec::with_capacity(hits.len());
        let mut disclosures = Vec::new();
        for h in hits {
            let r = &self.rules.rules[h.rule].rule;
            let (ws, we) = (ex.map.start(h.start), ex.map.end(h.end));
            let (start, end) = (decoded.src_start(ws), decoded.src_end(we));
            let (char_start, char_end) = (chars.at(ws), chars.at(we));
            if let Some(kind) = &r.disclosure {
                disclosures.push(Disclosure {
                    kind: *kind,
                    rule: r.id.clone(),
                    start,
                    end,
                    weak: r.weak,
                });
            }
            findings.push(Finding {
                rule: r.id.clone(),
                category: r.category.clone(),
                severity: r.severity,
                weight: r.weight,
                start,
                end,
                char_start,
                char_end,
                matched: work[ws..we].to_string(),
                scope: ex.scope_at(h.start),
                message: None,
            });
        }
        (findings, disclosures)
    }

    /// Drops the findings `--select`/`--ignore` do not report, then (when the document honours
    /// them) those an inline `puffery-ignore` comment covers: a `puffery-ignore-file` comment
    /// the whole document, a `puffery-ignore` comment from its end to the end of the next
    /// block of text. Returns how many the comments hid. Score and label do not change.
    fn hide_findings(
        &self,
        doc: &DocInput<'_>,
        ex: &Extracted,
        decoded: &crate::encoding::Decoded<'_>,
        findings: &mut Vec<Finding>,
    ) -> usize {
        let sel = &self.rules.selection;
        if !sel.is_all() {
            findings.retain(|f| sel.reports(&f.rule));
        }
        if !doc.inline_ignore || ex.ignore_comments.is_empty() {
            return 0;
        }
        let regions: Vec<(&crate::text::IgnoreComment, usize, usize)> = ex
            .ignore_comments
            .iter()
            .map(|c| {
                if c.file {
                    return (c, 0, usize::MAX);
                }
                let (_, block_end) = c.block(&ex.text);
                let end = decoded.src_end(ex.map.end(block_end));
                (c, decoded.src_start(c.end), end)
            })
            .collect();
        let before = findings.len();
        findings.retain(|f| {
            !(regions.iter()).any(|(c, s, e)| c.covers(&f.rule) && (*s..*e).contains(&f.start))
        });
        before - findings.len()
    }

    /// The document's links, classified: confirmed and likely affiliate links in `affiliate`,
    /// possible ones in `suspect`.
    fn links_of(
        &self,
        ex: &Extracted,
        decoded: &crate::encoding::Decoded<'_>,
        page_url: Option<&str>,
    ) -> Vec<LinkOut> {
        ex.links
            .iter()
            .map(|l| {
                let ctx = LinkContext {
                    page_url,
                    rel: &l.rel,
                    class: l.class.as_deref(),
                    plugin_attrs: &l.plugin_attrs,
                };
                let (affiliate, suspect) = match self.links.classify(&l.href, &ctx) {
                    Some(a) if a.confidence == crate::links::Confidence::Possible => {
                        (None, Some(a))
                    }
                    a => (a, None),
                };
                LinkOut {
                    url: l.href.clone(),
                    text: l.text.clone(),
                    rel: l.rel.clone(),
                    start: decoded.src_start(l.start),
                    end: decoded.src_end(l.end),
                    hidden: l.hidden,
                    affiliate,
                    suspect,
                }
            })
            .collect()
    }

    /// Evidence for the verdict from this document's stages, and the code checks that fired.
    fn evidence(
        &self,
        ex: &Extracted,
        decoded: &crate::encoding::Decoded<'_>,
        (hits, statements): (&[TextHit], &[(usize, usize, usize)]),
        links: &[LinkOut],
        page_url: Option<&str>,
    ) -> (crate::verdict::Evidence, Vec<crate::verdict::FiredCheck>) {
        use crate::verdict::{Found, Hit, LinkFacts};
        let hits: Vec<Hit> = hits
            .iter()
            .map(|h| Hit {
                rule: h.rule,
                start: h.start,
                end: h.end,
            })
            .collect();
        let facts: Vec<LinkFacts> = ex
            .links
            .iter()
            .zip(links)
            .map(|(raw, l)| LinkFacts {
                href: &raw.href,
                text: &raw.text,
                text_pos: raw.text_pos,
                start: l.start,
                end: l.end,
                hidden: raw.hidden,
                affiliate: l.affiliate.is_some(),
                sponsored: raw.rel.iter().any(|r| r == "sponsored"),
                nofollow: raw.rel.iter().any(|r| r == "nofollow"),
            })
            .collect();
        crate::verdict::gather(
            &self.policy,
            &Found {
                rules: &self.rules,
                roles: &self.roles,
                ex,
                decoded,
                hits: &hits,
                links: &facts,
                page_url,
                // The matcher holds the policy's statements (`Scanner::new`).
                statements: Some(statements),
            },
        )
    }

    /// The verdict policy in use.
    pub fn policy(&self) -> &crate::verdict::Policy {
        &self.policy
    }

    /// Rule matches in the extracted text that apply to this language and scope, and the
    /// occurrences of the policy's paid-post statements ([`crate::verdict::Found::statements`]).
    fn matches(
        &self,
        ex: &Extracted,
        lang: Option<&str>,
    ) -> (Vec<TextHit>, Vec<(usize, usize, usize)>) {
        let rules = &self.rules.rules;
        let mut statements = Vec::new();
        let mut hits: Vec<TextHit> = self
            .matcher
            .find_lower_extra(&ex.text, &ex.lower_text(), &mut statements)
            .into_iter()
            .filter_map(|h| {
                let r = &rules[h.rule as usize].rule;
                let lang_ok = lang_applies(&r.lang, lang);
                let scope_ok = r.scope.is_empty() || r.scope.contains(&ex.scope_at(h.start));
                (lang_ok && scope_ok).then_some(TextHit {
                    rule: h.rule as usize,
                    start: h.start,
                    end: h.end,
                })
            })
            .collect();
        // Instructions: rules marked `imperative` count where an instruction stands (before
        // `requires`: a phrase that is no instruction is no context either).
        hits.retain(|h| {
            !rules[h.rule].rule.imperative
                || matches!(
                    ex.scope_at(h.start),
                    Scope::Link | Scope::Button | Scope::Attr
                )
                || instruction_position(&ex.text, h.start, h.end)
        });
        // Weak context counts only together: several weak context rules in one page.
        self.keep_weak_context_together(&mut hits);
        // Rules that count only in a context (`requires`): keep them where the context is found.
        let found = |prefix: &str| {
            hits.iter()
                .any(|h| crate::rules::id_matches(&rules[h.rule].rule.id, prefix))
        };
        let keep: Vec<bool> = hits
            .iter()
            .map(|h| {
                let req = &rules[h.rule].rule.requires;
                req.is_empty() || req.iter().any(|p| found(p))
            })
            .collect();
        let mut keep = keep.into_iter();
        hits.retain(|_| keep.next().unwrap_or(true));
        // A quoted disclaimer is a mention (a report about the rules), not a disclosure.
        hits.retain(|h| {
            let r = &rules[h.rule].rule;
            r.disclosure != Some(DisclosureKind::Fda) || !in_quotation(&ex.text, h.start, h.end)
        });
        // Mentions are not uses: a promotional phrase in scare quotes or in reported speech
        // ("... clinically proven ...," said the regulator) does not count.
        hits.retain(|h| {
            let r = &rules[h.rule].rule;
            r.in_quotes
                || !crate::verdict::PROMOTIONAL_CATEGORIES.contains(&r.category.as_str())
                || !is_mention(&ex.text, h.start, h.end)
        });
        // One span, one finding per category: where two rules of a category overlap ("Shop Now
        // on Amazon" and "Shop Now"), the earlier, longer match stands for both.
        crate::matcher::keep_first_per_key(
            &mut hits,
            self.categories,
            |h| (h.start, h.end, h.rule),
            |h| self.category_of[h.rule],
        );
        (hits, statements)
    }

    /// Drops the findings of `weak` context rules (word groups such as "bottles", "servings",
    /// "dosage") unless at least [`WEAK_CONTEXT_NEEDED`] different weak context rules match in
    /// the document, so that the page as a whole, not one phrase, makes the context.
    fn keep_weak_context_together(&self, hits: &mut Vec<TextHit>) {
        let rules = &self.rules.rules;
        let mut matched: Vec<usize> = hits
            .iter()
            .filter(|h| is_weak_context(&rules[h.rule].rule))
            .map(|h| h.rule)
            .collect();
        matched.sort_unstable();
        matched.dedup();
        if matched.len() < WEAK_CONTEXT_NEEDED {
            hits.retain(|h| !is_weak_context(&rules[h.rule].rule));
        }
    }

    /// The document's language, normalised ([`Lang::parse`]): `--lang` first, then the
    /// container's language, then `<html lang>`.
    fn doc_lang(&self, doc: &DocInput<'_>, ex: &Extracted) -> Option<String> {
        [self.opts.lang.as_deref(), doc.lang, ex.lang.as_deref()]
            .into_iter()
            .flatten()
            .find_map(Lang::parse)
            .map(|l| l.as_str().to_string())
    }

    /// The threshold and other options.
    pub fn options(&self) -> &ScannerOptions {
        &self.opts
    }
}

static SPEECH_AFTER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"^[\s,.;:!?\-]*(?:[\w.'-]+\s+){0,4}?(?:said|says|say|told|tells|added|adds|wrote|writes|explained|noted|argued|asked|warned|claimed|claims|according\s+to)\b",
    )
    .expect("speech pattern compiles")
});

static SPEECH_BEFORE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?:said|says|told|tells|added|wrote|writes|explained|noted|argued|asked|warned|according\s+to\s+[\w\s.'-]{1,40})[\s,:]*$",
    )
    .expect("speech pattern compiles")
});

/// A context rule marked `weak`: evidence that counts only with company.
fn is_weak_context(r: &crate::rules::Rule) -> bool {
    r.weak && r.disclosure.is_none()
}

/// Different weak context rules that must match in one document for any of them to count.
pub const WEAK_CONTEXT_NEEDED: usize = 4;

/// True when `text[pos..]` begins a sentence, a line or a list item: the nearest character
/// before it (past spaces) is not a letter, digit or comma.
fn starts_sentence(text: &str, pos: usize) -> bool {
    text[..pos]
        .chars()
        .rev()
        .find(|c| *c != ' ')
        .is_none_or(|c| !(c.is_alphanumeric() || c == ','))
}

/// The findings of the code checks that fired.
fn check_findings(
    fired: Vec<crate::verdict::FiredCheck>,
    decoded: &crate::encoding::Decoded<'_>,
    chars: &mut CharCounter<'_>,
) -> Vec<Finding> {
    let work = &decoded.text;
    fired
        .into_iter()
        .map(|c| {
            let (ws, we) = (
                text_pos_to_work(decoded, c.start),
                text_pos_to_work(decoded, c.end),
            );
            Finding {
                rule: c.check.id.to_string(),
                category: c.check.category.to_string(),
                severity: c.check.severity,
                weight: c.check.weight,
                start: c.start,
                end: c.end,
                char_start: chars.at(ws),
                char_end: chars.at(we),
                matched: work[ws..we].to_string(),
                scope: c.scope,
                message: None,
            }
        })
        .collect()
}

/// True when the match `text[start..end]` stands where an instruction stands: at the start of a
/// sentence, line or list item (after a dash, colon or bullet too), or after a comma or
/// semicolon when it is written in Title Case ("Feel the Difference, Buy Now at Walmart") or
/// its clause ends in "!" or at the end of the line ("Stiff joints, buy now at Walmart!").
/// "I usually buy them at Costco" (a subject before the verb) is not an instruction.
fn instruction_position(text: &str, start: usize, end: usize) -> bool {
    if starts_sentence(text, start) {
        return true;
    }
    let after_comma = text[..start]
        .chars()
        .rev()
        .find(|c| *c != ' ')
        .is_some_and(|c| c == ',' || c == ';');
    after_comma && (title_case(&text[start..end]) || emphatic_clause_end(text, end))
}

/// True when every word of `s` of more than three letters begins with a capital ("Buy Now at
/// Walmart"), and its first word does.
fn title_case(s: &str) -> bool {
    let mut words = s.split_whitespace();
    let cap = |w: &str| w.chars().next().is_some_and(|c| c.is_uppercase());
    words.next().is_some_and(cap) && words.all(|w| w.chars().count() <= 3 || cap(w))
}

/// True when the clause that goes on at `text[end..]` ends in "!" or at the end of its line,
/// not in a full stop or question mark (a sentence of prose).
fn emphatic_clause_end(text: &str, end: usize) -> bool {
    const CLAUSE_WINDOW: usize = 200;
    let hi = floor_boundary(text, end.saturating_add(CLAUSE_WINDOW));
    match text[end..hi].find(['.', '!', '?', '\n']) {
        Some(p) => matches!(text.as_bytes()[end + p], b'!' | b'\n'),
        None => hi == text.len(),
    }
}

/// True when `text[start..end]` sits inside double quotes on its line: a quotation.
fn in_quotation(text: &str, start: usize, end: usize) -> bool {
    const QUOTE_WINDOW: usize = 1024;
    let lo = floor_boundary(text, start.saturating_sub(QUOTE_WINDOW));
    let hi = floor_boundary(text, end.saturating_add(QUOTE_WINDOW)).max(end);
    let line_start = text[lo..start].rfind('\n').map_or(lo, |p| lo + p + 1);
    let line_end = text[end..hi].find('\n').map_or(hi, |p| end + p);
    text[line_start..start].matches('"').count() % 2 == 1 && text[end..line_end].contains('"')
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// True when `text[start..end]` sits inside a quotation that is a mention: the quotation is
/// the phrase itself (scare quotes), or it is reported speech (a speech verb next to it).
/// Only the `QUOTE_WINDOW` bytes on each side of the phrase are looked at: a quotation is short,
/// and without the bound a long line with many hits (minified HTML, a text of one line) costs
/// time quadratic in its length.
fn is_mention(text: &str, start: usize, end: usize) -> bool {
    const QUOTE_WINDOW: usize = 1024;
    let lo = floor_boundary(text, start.saturating_sub(QUOTE_WINDOW));
    let hi = floor_boundary(text, end.saturating_add(QUOTE_WINDOW)).max(end);
    let line_start = text[lo..start].rfind('\n').map_or(lo, |p| lo + p + 1);
    let line_end = text[end..hi].find('\n').map_or(hi, |p| end + p);
    let before = &text[line_start..start];
    if before.matches('"').count() % 2 == 0 {
        return false;
    }
    let open = line_start + before.rfind('"').unwrap_or(0);
    let Some(close) = text[end..line_end].find('"').map(|p| end + p) else {
        return false;
    };
    let edge = |s: &str| {
        s.trim_matches(|c: char| c.is_whitespace() || c.is_ascii_punctuation())
            .is_empty()
    };
    if edge(&text[open + 1..start]) && edge(&text[end..close]) {
        return true;
    }
    let after = &text[close + 1..floor_boundary(text, (close + 61).min(line_end))];
    let lead = &text[floor_boundary(text, open.saturating_sub(60).max(line_start))..open];
    speech(after, &SPEECH_AFTER) || speech(lead, &SPEECH_BEFORE)
}

/// `re.is_match(s)`, where every match of `re` contains one of [`SPEECH_WORDS`]: without one, `re`
/// is neither run nor compiled (each speech pattern, Unicode `\w` in bounded repetitions, was
/// 39 M instructions to compile, the first time a promotional phrase stood in quotes).
fn speech(s: &str, re: &std::sync::LazyLock<regex::Regex>) -> bool {
    SPEECH_WORDS.iter().any(|w| s.contains(w)) && re.is_match(s)
}

/// Words every match of [`SPEECH_AFTER`] and of [`SPEECH_BEFORE`] contains one of (both
/// patterns are case-sensitive): a literal of each alternative of each.
const SPEECH_WORDS: &[&str] = &[
    "said",
    "say",
    "told",
    "tells",
    "add",
    "wrote",
    "writes",
    "explained",
    "noted",
    "argued",
    "asked",
    "warned",
    "claim",
    "according",
];

/// The `missing.<kind>` (`late == false`) or `late.<kind>` finding of a required disclosure: it
/// points at the first thing that needed the disclosure, says why, and weighs nothing (the
/// score does not count disclosures).
fn disclosure_finding(
    late: bool,
    m: &Requirement,
    decoded: &crate::encoding::Decoded<'_>,
    chars: &mut CharCounter<'_>,
) -> Finding {
    let (start, end) = m.needed_at.span;
    let (ws, we) = (
        text_pos_to_work(decoded, start),
        text_pos_to_work(decoded, end),
    );
    let category = if late { "late" } else { "missing" };
    Finding {
        rule: format!("{category}.{}", m.kind),
        category: category.to_string(),
        severity: m.severity,
        weight: 0.0,
        start,
        end,
        char_start: chars.at(ws),
        char_end: chars.at(we),
        matched: decoded.text.get(ws..we).unwrap_or_default().to_string(),
        scope: m.needed_at.scope.unwrap_or(Scope::Text),
        message: Some(m.reason.clone()),
    }
}

/// Keeps in `missing[]` / `late[]` the kinds whose finding is still shown: a required
/// disclosure that `--ignore` or an inline comment hid is hidden from both.
fn keep_shown_requirements(findings: &[Finding], v: &mut crate::verdict::Verdict) {
    let shown = |category: &str, kind: &str| {
        (findings.iter()).any(|f| {
            f.category == category
                && f.rule
                    .strip_prefix(category)
                    .and_then(|r| r.strip_prefix('.'))
                    == Some(kind)
        })
    };
    v.missing.retain(|m| shown("missing", m.kind.as_str()));
    v.late.retain(|m| shown("late", m.kind.as_str()));
}

/// The work-text offset of source offset `src` (inverse of the decoding map, for spans that
/// begin on markup, which maps one to one in every ASCII-compatible encoding).
fn text_pos_to_work(decoded: &crate::encoding::Decoded<'_>, src: usize) -> usize {
    match &decoded.map {
        None => src,
        Some(m) => crate::text::text_pos_of(m, src),
    }
}

/// The language gate: a rule with `lang` applies to a document in one of those languages
/// (both sides normalised by [`Lang::parse`], so a pack may say `de` or `deu`), and to a
/// document whose language nothing declares.
fn lang_applies(rule_langs: &[String], doc: Option<&str>) -> bool {
    rule_langs.is_empty()
        || doc.is_none_or(|d| {
            rule_langs
                .iter()
                .any(|x| x == d || Lang::parse(x).is_some_and(|l| l.as_str() == d))
        })
}

/// Counts code points up to increasing byte offsets without rescanning from the start.
struct CharCounter<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
    /// Code points before the text (a skipped byte-order mark).
    base: usize,
}

impl<'a> CharCounter<'a> {
    fn new(text: &'a str, base: usize) -> CharCounter<'a> {
        CharCounter {
            text,
            byte: 0,
            chars: 0,
            base,
        }
    }

    /// Code points of the original before `text[pos..]`.
    fn at(&mut self, pos: usize) -> usize {
        self.base + self.count_to(pos)
    }

    fn count_to(&mut self, pos: usize) -> usize {
        let count = code_points;
        let b = self.text.as_bytes();
        let pos = pos.min(b.len());
        if pos >= self.byte {
            self.chars += count(&b[self.byte..pos]);
        } else {
            self.chars -= count(&b[pos..self.byte]);
        }
        self.byte = pos;
        self.chars
    }
}

/// The code points of UTF-8 `s`: its bytes that do not continue a character (a continuation
/// byte is `0b10xx_xxxx`, below -64 as `i8`). Counted 32 bytes at a time into a byte, which
/// the compiler turns into vector sums; a plain `filter().count()` summed 64-bit lanes two
/// bytes at a time and was ~4 % of a WARC scan (the offsets of findings in whole pages).
#[cfg(any(test, not(target_arch = "x86_64")))]
fn code_points_portable(s: &[u8]) -> usize {
    let starts = |c: &[u8]| c.iter().map(|&b| u8::from(b as i8 >= -64)).sum::<u8>();
    let mut chunks = s.chunks_exact(32);
    let whole: usize = chunks.by_ref().map(|c| usize::from(starts(c))).sum();
    whole + usize::from(starts(chunks.remainder()))
}

#[cfg(not(target_arch = "x86_64"))]
fn code_points(s: &[u8]) -> usize {
    code_points_portable(s)
}

/// [`code_points_portable`] with SSE2, which every x86-64 processor has: per 16 bytes one
/// compare, subtracted (a true lane is -1) into 16 byte-wide counts, summed (`psadbw`) every
/// 255 steps, before a lane could overflow. The portable form reduced every 32 bytes: 67 M
/// instructions of the bench WARC.gz (wave 2, session 18).
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
fn code_points(s: &[u8]) -> usize {
    use std::arch::x86_64::{
        __m128i, _mm_cmpgt_epi8, _mm_cvtsi128_si64, _mm_extract_epi16, _mm_loadu_si128,
        _mm_sad_epu8, _mm_set1_epi8, _mm_setzero_si128, _mm_sub_epi8,
    };
    let plainly = |b: &[u8]| b.iter().filter(|&&b| b as i8 >= -64).count();
    if s.len() < 64 {
        return plainly(s);
    }
    let mut chunks = s.chunks_exact(16);
    let mut total = 0usize;
    loop {
        let mut steps = 0;
        // SAFETY: SSE2 is part of x86-64, and each load reads the 16 bytes of its chunk.
        let sums = unsafe {
            let mut counts = _mm_setzero_si128();
            for c in chunks.by_ref().take(255) {
                let v = _mm_loadu_si128(c.as_ptr().cast::<__m128i>());
                counts = _mm_sub_epi8(counts, _mm_cmpgt_epi8(v, _mm_set1_epi8(-65)));
                steps += 1;
            }
            _mm_sad_epu8(counts, _mm_setzero_si128())
        };
        // Each half holds the sum of 8 counts, at most 8 * 255.
        // SAFETY: as above (register moves only).
        let (low, high) = unsafe { (_mm_cvtsi128_si64(sums), _mm_extract_epi16(sums, 4)) };
        total += low as usize + high as usize;
        if steps < 255 {
            break;
        }
    }
    total + plainly(chunks.remainder())
}

/// Most documents scanned in one parallel batch.
pub const BATCH_DOCS: usize = 256;
/// Most document bytes held in one batch (memory stays bounded by this, not the input size)
/// scanned by two threads or more.
pub const BATCH_BYTES: usize = 8 << 20;
/// [`BATCH_BYTES`] for one scanning thread: a batch is not split between threads, so it only
/// hands documents over, and a smaller one faults in less memory (and, likely, keeps documents
/// in the cache from decompression to scan). Bench WARC.gz `-j1`, 1 MiB against 8 MiB: page
/// faults 20.9 K -> 14.7 K, peak RSS 96 -> 66 MB, CPU 0.95x (12 paired runs of a build taking
/// the size from the environment) and 0.98x (the landed build, 25 pairs); 512 KiB was no
/// better than 1 MiB, 2 MiB 0.98x and 4 MiB 1.05x of 1 MiB (wave 2, session 18).
pub const BATCH_BYTES_ONE_THREAD: usize = 1 << 20;

/// Most document bytes in one batch scanned by `threads` threads.
pub fn batch_bytes(threads: usize) -> usize {
    if threads <= 1 {
        BATCH_BYTES_ONE_THREAD
    } else {
        BATCH_BYTES
    }
}

#[cfg(test)]
mod tests {
    use super::{
        SPEECH_AFTER, SPEECH_BEFORE, in_quotation, instruction_position, is_mention, speech,
    };

    /// Code points counted 32 bytes at a time are those `chars()` counts, at every length and
    /// with characters of each width across the 32-byte edges.
    #[test]
    fn code_points_are_the_chars_of_every_slice() {
        let text = "a\u{e9}\u{20ac}\u{1f600}\u{bf}b ".repeat(16);
        for start in (0..text.len()).filter(|&i| text.is_char_boundary(i)) {
            for end in (start..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                let s = &text[start..end];
                assert_eq!(super::code_points(s.as_bytes()), s.chars().count(), "{s:?}");
            }
        }
        // Long texts, up to and past the 255 steps of 16 bytes after which the vector form
        // sums its counts (a byte-wide count holds 255).
        for n in [4079, 4080, 4081, 4096, 8160, 8161, 20_000, 100_003] {
            let t: String = text.chars().cycle().take(n).collect();
            let want = t.chars().count();
            assert_eq!(super::code_points(t.as_bytes()), want, "{n}");
            assert_eq!(super::code_points_portable(t.as_bytes()), want, "{n}");
            let ascii = "x".repeat(n);
            assert_eq!(super::code_points(ascii.as_bytes()), n);
        }
    }

    fn instruction(text: &str, phrase: &str) -> bool {
        let s = text.find(phrase).unwrap();
        instruction_position(text, s, s + phrase.len())
    }

    #[test]
    fn instructions_stand_after_commas_only_in_title_case_or_before_an_exclamation() {
        assert!(instruction(
            "Ease stiff joints with Turmeric Complex\u{2014}Feel the Difference, Buy Now at Walmart!",
            "Buy Now at Walmart"
        ));
        assert!(instruction(
            "Stiff joints, buy now at Walmart!",
            "buy now at Walmart"
        ));
        assert!(instruction("Stiff joints? Order today", "Order today"));
        assert!(instruction("Relief: shop now", "shop now"));
        assert!(!instruction(
            "I usually buy them at Costco.",
            "buy them at Costco"
        ));
        assert!(!instruction(
            "If it is cheap, buy them at Costco, as we did.",
            "buy them at Costco"
        ));
        assert!(!instruction(
            "When in doubt, buy now at Costco.",
            "buy now at Costco"
        ));
    }

    #[test]
    fn every_spelling_of_a_language_selects_its_rules() {
        use crate::rules::RuleSet;
        use crate::{DocFormat, DocInput, Scanner, ScannerOptions};
        let rules = RuleSet::builtin().unwrap();
        let german = |opt: Option<&str>, container: Option<&str>| {
            let opts = ScannerOptions {
                lang: opt.map(str::to_string),
                ..ScannerOptions::default()
            };
            let scanner = Scanner::new(rules.clone(), opts).unwrap();
            let doc = DocInput {
                lang: container,
                ..DocInput::new(b"Jetzt kaufen", DocFormat::Text)
            };
            let r = scanner.scan(&doc);
            (
                r.lang.clone(),
                r.findings.iter().any(|f| f.rule == "cta.de-kaufen"),
            )
        };
        for spelling in [
            "de", "DE", "de-DE", "de_AT", "deu", "ger", "German", "Deutsch",
        ] {
            assert_eq!(
                german(Some(spelling), Some("en")),
                (Some("de".to_string()), true),
                "--lang {spelling}"
            );
            assert_eq!(
                german(None, Some(spelling)),
                (Some("de".to_string()), true),
                "container {spelling}"
            );
        }
        assert_eq!(german(Some("en-GB"), None), (Some("en".to_string()), false));
    }

    #[test]
    fn quotations_of_a_disclaimer_are_found() {
        let t =
            "Labels must read \"These statements have not been evaluated by the FDA.\" in bold.";
        let s = t.find("These").unwrap();
        assert!(in_quotation(t, s, s + 20));
        let t = "These statements have not been evaluated by the FDA.";
        assert!(!in_quotation(t, 0, 20));
    }

    fn mention(text: &str, phrase: &str) -> bool {
        let s = text.find(phrase).unwrap();
        is_mention(text, s, s + phrase.len())
    }

    #[test]
    fn quotations_are_mentions_only_when_scare_quoted_or_reported() {
        assert!(mention(
            "ads called the pills \"clinically proven\" to work",
            "clinically proven"
        ));
        assert!(mention(
            "\"Calling it clinically proven is a promise,\" said Ms. Varga.",
            "clinically proven"
        ));
        assert!(mention(
            "The lawyer said: \"it was never clinically proven at all\"",
            "clinically proven"
        ));
        assert!(!mention("Clinically proven to work!", "Clinically proven"));
        assert!(!mention(
            "\"Clinically proven formula for deep sleep\" - buy today",
            "Clinically proven"
        ));
        assert!(!mention(
            "Our \"miracle\" pill is clinically proven.",
            "clinically proven"
        ));
    }

    /// The word check in front of each speech pattern changes no answer: every verb of each
    /// alternation, in forms that match and forms that do not, with and without the word list.
    #[test]
    fn speech_words_cover_every_alternative_of_the_speech_patterns() {
        // Each alternative of the two patterns, as the patterns spell them, and near misses.
        let verbs =
            "said says say told tells added adds wrote writes explained noted argued asked \
                     warned claimed claims unsaid Said"
                .split_whitespace()
                .chain([
                    "according to",
                    "according  to the FDA's own",
                    "according\tto",
                ]);
        // Counts the forms `re` matches, checking that the word list gives the same answer.
        let agree = |forms: Vec<String>, after: bool| {
            let re = if after { &SPEECH_AFTER } else { &SPEECH_BEFORE };
            let mut n = 0;
            for s in forms {
                let want = re.is_match(&s);
                assert_eq!(speech(&s, re), want, "{s:?}");
                n += usize::from(want);
            }
            n
        };
        let mut flagged = (0, 0);
        for v in verbs {
            let after = vec![
                format!(", {v} the lawyer"),
                format!("\u{a0}the lawyer {v}."),
                format!(" - Dr. \u{e9}mile O'Neil {v}"),
                format!(" one two three four five {v}"),
                format!(" x{v}"),
                v.to_string(),
                String::from(" and then nothing"),
            ];
            flagged.0 += agree(after, true);
            let lead = vec![
                format!("the regulator {v}: "),
                format!("as she {v},"),
                format!("{v} Dr. Smith of St. Mary's, "),
                format!("{v} the very long name of some agency here "),
                format!("{v} and more"),
                String::from("nothing to see: "),
            ];
            flagged.1 += agree(lead, false);
        }
        // Both patterns matched in many of the forms: the check is not vacuous.
        assert!(flagged.0 > 40 && flagged.1 > 30, "{flagged:?}");
    }
}
