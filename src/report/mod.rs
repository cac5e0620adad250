//! `puffery report`: a corpus at a glance, from puffery's own JSONL, in one self-contained HTML
//! file (inline SVG charts drawn here, a table under each, no script, no network).
//!
//! [`Report`] is a streaming aggregator: counters, histograms and bounded samples, so memory
//! does not grow with the input. Feed it `document`, `error` and `summary` lines
//! ([`Report::add_jsonl`], [`read_jsonl`]) or scan results directly ([`Report::add_result`]),
//! then [`Report::write_html`].
//!
//! ```
//! use puffery::report::{Report, ReportOptions};
//! let mut report = Report::new(ReportOptions::default());
//! let line = br#"{"type":"document","id":"a","source":"a.html","record":0,"url":"https://shop.example.com/x",
//!   "format":"html","bytes":10,"score":8.0,"label":"promotional",
//!   "findings":[{"rule":"cta.buy-now","category":"cta","start":0,"end":7,"match":"Buy now"}],
//!   "links":[],"disclosures":[],"missing":[],"late":[]}"#;
//! report.add_jsonl(line).unwrap();
//! let mut html = Vec::new();
//! report.write_html(&mut html).unwrap();
//! let html = String::from_utf8(html).unwrap();
//! assert!(html.contains("cta.buy-now"));
//! assert!(html.contains("example.com"));
//! ```

mod html;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use serde::Deserialize;

use crate::kinds::{DisclosureKind, Label};
use crate::output::DocMeta;
use crate::rules::Role;
use crate::scan::DocResult;

pub use html::escape;

/// Examples kept per rule.
pub const EXAMPLES_PER_RULE: usize = 5;
/// Distinct rules, networks or languages tracked; more are counted under `(other)`.
pub const MAX_KEYS: usize = 5_000;
/// Domains tracked exactly before the least frequent are pruned (see [`DomainCounter`]).
pub const MAX_DOMAINS: usize = 20_000;
/// Characters of context kept on each side of an example's match.
pub const CONTEXT_CHARS: usize = 90;
/// Score histogram: bins of width 1 from 0 up to this, plus one below 0 and one above.
pub const HIST_MAX: usize = 60;

/// Settings of a report.
#[derive(Clone, Debug)]
pub struct ReportOptions {
    /// The promotional threshold the scan used (marked on the score histogram).
    pub threshold: f64,
    /// Rows shown per ranking (rules per category, networks, domains, languages).
    pub top: usize,
    /// A domain is ranked by promotional share only with at least this many pages.
    pub min_domain_pages: u64,
    /// Page title.
    pub title: String,
}

impl Default for ReportOptions {
    fn default() -> ReportOptions {
        ReportOptions {
            threshold: crate::verdict::DEFAULT_THRESHOLD,
            top: 15,
            min_domain_pages: 5,
            title: "puffery report".into(),
        }
    }
}

/// One finding as the report needs it.
#[derive(Debug, Deserialize)]
pub struct FindingView<'a> {
    /// Rule id.
    #[serde(borrow)]
    pub rule: Cow<'a, str>,
    /// Rule category.
    #[serde(borrow, default)]
    pub category: Cow<'a, str>,
    /// Byte offsets in the document.
    #[serde(default)]
    pub start: usize,
    /// End byte offset.
    #[serde(default)]
    pub end: usize,
    /// Matched text.
    #[serde(borrow, rename = "match", default)]
    pub matched: Cow<'a, str>,
}

/// One link's affiliate classification.
#[derive(Debug, Deserialize)]
pub struct AffiliateView<'a> {
    /// Network name.
    #[serde(borrow)]
    pub network: Cow<'a, str>,
}

/// One link as the report needs it.
#[derive(Debug, Deserialize)]
pub struct LinkView<'a> {
    /// `rel` tokens.
    #[serde(borrow, default)]
    pub rel: Vec<Cow<'a, str>>,
    /// In hidden markup.
    #[serde(default)]
    pub hidden: bool,
    /// Affiliate classification, `null` when none.
    #[serde(borrow, default)]
    pub affiliate: Option<AffiliateView<'a>>,
}

/// A disclosure found, or one required (`missing`, `late`).
#[derive(Debug, Deserialize)]
pub struct KindView<'a> {
    /// `affiliate`, `fda`, `medical`, `sponsored`, ...
    #[serde(borrow)]
    pub kind: Cow<'a, str>,
    /// A weak form (`#sp`) that does not count.
    #[serde(default)]
    pub weak: bool,
}

/// One line of puffery's JSONL, as the report reads it. Unknown fields are ignored (the
/// contract adds fields), missing ones default.
#[derive(Debug, Deserialize)]
pub struct LineView<'a> {
    /// `document`, `error` or `summary`.
    #[serde(borrow, rename = "type")]
    pub kind: Cow<'a, str>,
    /// Document id.
    #[serde(borrow, default)]
    pub id: Option<Cow<'a, str>>,
    /// Input path.
    #[serde(borrow, default)]
    pub source: Option<Cow<'a, str>>,
    /// Record index in the source.
    #[serde(default)]
    pub record: Option<u64>,
    /// Document URL.
    #[serde(borrow, default)]
    pub url: Option<Cow<'a, str>>,
    /// `html` or `text`.
    #[serde(borrow, default)]
    pub format: Option<Cow<'a, str>>,
    /// Document bytes.
    #[serde(default)]
    pub bytes: u64,
    /// Score.
    #[serde(default)]
    pub score: f64,
    /// Label.
    #[serde(borrow, default)]
    pub label: Option<Cow<'a, str>>,
    /// Language the rules were selected for.
    #[serde(borrow, default)]
    pub lang: Option<Cow<'a, str>>,
    /// Findings.
    #[serde(borrow, default)]
    pub findings: Vec<FindingView<'a>>,
    /// Links.
    #[serde(borrow, default)]
    pub links: Vec<LinkView<'a>>,
    /// Disclosures found.
    #[serde(borrow, default)]
    pub disclosures: Vec<KindView<'a>>,
    /// Required disclosures absent.
    #[serde(borrow, default)]
    pub missing: Vec<KindView<'a>>,
    /// Disclosures present too late.
    #[serde(borrow, default)]
    pub late: Vec<KindView<'a>>,
    /// Error message (`error` lines).
    #[serde(borrow, default)]
    pub message: Option<Cow<'a, str>>,
    /// Skipped records by reason (`summary` lines).
    #[serde(default)]
    pub skipped: Option<BTreeMap<String, u64>>,
    /// Seconds the scan took (`summary` lines).
    #[serde(default)]
    pub elapsed_s: Option<f64>,
}

impl<'a> LineView<'a> {
    /// The view of a scan result (`scan --report`), borrowing from it.
    pub fn from_result(meta: &DocMeta<'a>, r: &'a DocResult) -> LineView<'a> {
        let kinds = |v: &'a [crate::scan::Requirement]| {
            v.iter()
                .map(|m| KindView {
                    kind: Cow::Borrowed(m.kind.as_str()),
                    weak: false,
                })
                .collect()
        };
        LineView {
            kind: Cow::Borrowed("document"),
            id: Some(Cow::Borrowed(meta.id)),
            source: Some(Cow::Borrowed(meta.source)),
            record: Some(meta.record),
            url: meta.url.map(Cow::Borrowed),
            format: Some(Cow::Borrowed(match r.format {
                crate::DocFormat::Html => "html",
                crate::DocFormat::Text => "text",
            })),
            bytes: r.bytes as u64,
            score: r.score,
            label: Some(Cow::Borrowed(r.label.as_str())),
            lang: r.lang.as_deref().map(Cow::Borrowed),
            findings: r
                .findings
                .iter()
                .map(|f| FindingView {
                    rule: Cow::Borrowed(f.rule.as_str()),
                    category: Cow::Borrowed(f.category.as_str()),
                    start: f.start,
                    end: f.end,
                    matched: Cow::Borrowed(f.matched.as_str()),
                })
                .collect(),
            links: r
                .links
                .iter()
                .map(|l| LinkView {
                    rel: l.rel.iter().map(|s| Cow::Borrowed(s.as_str())).collect(),
                    hidden: l.hidden,
                    affiliate: l.affiliate.as_ref().map(|a| AffiliateView {
                        network: Cow::Borrowed(a.network.as_str()),
                    }),
                })
                .collect(),
            disclosures: r
                .disclosures
                .iter()
                .map(|d| KindView {
                    kind: Cow::Borrowed(d.kind.as_str()),
                    weak: d.weak,
                })
                .collect(),
            missing: kinds(&r.missing),
            late: kinds(&r.late),
            message: None,
            skipped: None,
            elapsed_s: None,
        }
    }
}

/// One example of a rule: the match with its context and where it is.
#[derive(Clone, Debug)]
pub struct Example {
    /// Document id.
    pub id: String,
    /// Document URL.
    pub url: Option<String>,
    /// Input path and record, to find the document again.
    pub source: String,
    /// Record index.
    pub record: u64,
    /// Text before the match (empty when the document was not at hand).
    pub before: String,
    /// The matched text.
    pub matched: String,
    /// Text after the match.
    pub after: String,
    /// Byte offsets of the match, and the document's length and format, to read the context
    /// from the source later ([`Report::fill_context_from_sources`]).
    pub start: usize,
    /// End byte offset.
    pub end: usize,
    /// Document length in bytes.
    pub doc_bytes: u64,
    /// `html` or `text`.
    pub html: bool,
}

/// Counts of one rule.
#[derive(Clone, Debug, Default)]
pub struct RuleStat {
    /// Category.
    pub category: String,
    /// Documents with at least one finding of the rule.
    pub pages: u64,
    /// Findings.
    pub findings: u64,
    /// Up to [`EXAMPLES_PER_RULE`] examples, a uniform sample of the pages (reservoir).
    pub examples: Vec<Example>,
}

/// Counts of one affiliate network.
#[derive(Clone, Copy, Debug, Default)]
pub struct NetworkStat {
    /// Documents with at least one visible link of the network.
    pub pages: u64,
    /// Visible links.
    pub links: u64,
}

/// Disclosure compliance of one kind.
#[derive(Clone, Copy, Debug, Default)]
pub struct KindStat {
    /// Documents that owe the disclosure: it is missing or late, or its trigger is in the
    /// document (affiliate links for `affiliate`, `rel=sponsored` links for `sponsored`,
    /// health claims for `medical`, health claims with supplement context for `fda`).
    pub needed: u64,
    /// Documents that owe it and have it in time.
    pub on_time: u64,
    /// Documents that have it, too late.
    pub late: u64,
    /// Documents that owe it and lack it.
    pub missing: u64,
    /// Documents with a (non-weak) disclosure of this kind, needed or not.
    pub present: u64,
}

/// Pages and promotional pages per domain, for the heaviest domains.
///
/// Exact while at most [`MAX_DOMAINS`] domains have been seen; beyond that, whenever the
/// table reaches twice that size, it keeps the [`MAX_DOMAINS`] domains with most pages and
/// drops the rest (their counts restart if they come back). Heavy domains are kept; the
/// counts of a domain that was dropped once are lower bounds. [`DomainCounter::pruned`] says
/// whether that happened.
#[derive(Clone, Debug, Default)]
pub struct DomainCounter {
    map: HashMap<String, (u64, u64)>,
    /// Distinct domains dropped by pruning (0: all counts are exact).
    pub pruned: u64,
}

impl DomainCounter {
    /// Counts one page of `domain`.
    pub fn add(&mut self, domain: &str, promotional: bool) {
        if let Some(e) = self.map.get_mut(domain) {
            e.0 += 1;
            e.1 += u64::from(promotional);
            return;
        }
        if self.map.len() >= 2 * MAX_DOMAINS {
            let mut all: Vec<(String, (u64, u64))> = self.map.drain().collect();
            all.sort_unstable_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(&b.0)));
            self.pruned += (all.len() - MAX_DOMAINS) as u64;
            all.truncate(MAX_DOMAINS);
            self.map.extend(all);
        }
        self.map
            .insert(domain.to_string(), (1, u64::from(promotional)));
    }

    /// Domains with their (pages, promotional pages).
    pub fn iter(&self) -> impl Iterator<Item = (&str, u64, u64)> {
        self.map.iter().map(|(d, (p, q))| (d.as_str(), *p, *q))
    }
}

/// The streaming aggregate of a scan.
#[derive(Clone, Debug)]
pub struct Report {
    /// Settings.
    pub opts: ReportOptions,
    /// Documents.
    pub documents: u64,
    /// Records that could not be read (`error` lines).
    pub errors: u64,
    /// First errors, for the report: (source, record, message).
    pub error_samples: Vec<(String, u64, String)>,
    /// Skipped records by reason (from `summary` lines).
    pub skipped: BTreeMap<String, u64>,
    /// Document bytes.
    pub bytes: u64,
    /// Documents per label.
    pub labels: BTreeMap<String, u64>,
    /// Documents per format.
    pub formats: BTreeMap<String, u64>,
    /// Score histogram: `[0]` below 0, `[1 + i]` for `i <= score < i + 1`, the last bin
    /// `HIST_MAX` and above.
    pub hist: Vec<u64>,
    /// Highest score seen.
    pub max_score: f64,
    /// Per rule.
    pub rules: HashMap<String, RuleStat>,
    /// Per affiliate network.
    pub networks: HashMap<String, NetworkStat>,
    /// Documents with at least one visible affiliate link.
    pub affiliate_pages: u64,
    /// Per disclosure kind.
    pub disclosure: BTreeMap<String, KindStat>,
    /// Per domain (registrable domain of the document URL).
    pub domains: DomainCounter,
    /// Documents without a URL.
    pub no_url: u64,
    /// Documents per language (`(unknown)` when no language was known).
    pub langs: BTreeMap<String, u64>,
    /// `summary` lines read (one per finished scan output).
    pub summaries: u64,
    /// Seconds the scans took, summed over their summary lines.
    pub scan_seconds: f64,
    /// Input lines that could not be read as puffery JSONL.
    pub bad_lines: u64,
    rng: u64,
}

/// A key for a bounded map: the key itself while the map has room, else `(other)`.
fn bounded_key<'k, V>(map: &HashMap<String, V>, key: &'k str) -> &'k str {
    if map.len() < MAX_KEYS || map.contains_key(key) {
        key
    } else {
        "(other)"
    }
}

impl Report {
    /// An empty report.
    pub fn new(opts: ReportOptions) -> Report {
        Report {
            opts,
            documents: 0,
            errors: 0,
            error_samples: Vec::new(),
            skipped: BTreeMap::new(),
            bytes: 0,
            labels: BTreeMap::new(),
            formats: BTreeMap::new(),
            hist: vec![0; HIST_MAX + 2],
            max_score: 0.0,
            rules: HashMap::new(),
            networks: HashMap::new(),
            affiliate_pages: 0,
            disclosure: BTreeMap::new(),
            domains: DomainCounter::default(),
            no_url: 0,
            langs: BTreeMap::new(),
            summaries: 0,
            scan_seconds: 0.0,
            bad_lines: 0,
            rng: 0x9e37_79b9_7f4a_7c15,
        }
    }

    /// A deterministic pseudo-random number below `n` (xorshift), for the example reservoirs.
    fn below(&mut self, n: u64) -> u64 {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        self.rng % n.max(1)
    }

    /// Reads one JSONL line. Blank lines are ignored; a line that is not a puffery line is an
    /// error (the caller reports it with its file and line number).
    pub fn add_jsonl(&mut self, line: &[u8]) -> Result<(), String> {
        if line.trim_ascii().is_empty() {
            return Ok(());
        }
        let view: LineView<'_> = serde_json::from_slice(line).map_err(|e| {
            self.bad_lines += 1;
            format!("not a puffery JSONL line: {e}")
        })?;
        self.add_line(&view, None);
        Ok(())
    }

    /// Adds one line; `body` is the document's bytes when at hand (`scan --report`), for
    /// the context of examples.
    pub fn add_line(&mut self, v: &LineView<'_>, body: Option<&[u8]>) {
        match v.kind.as_ref() {
            "document" => self.add_document(v, body),
            "error" => self.add_error(
                v.source.as_deref().unwrap_or(""),
                v.record.unwrap_or(0),
                v.message.as_deref().unwrap_or(""),
            ),
            "summary" => {
                self.summaries += 1;
                self.scan_seconds += v.elapsed_s.unwrap_or(0.0);
                for (k, n) in v.skipped.iter().flatten() {
                    *self.skipped.entry(k.clone()).or_default() += n;
                }
            }
            _ => {}
        }
    }

    /// Adds a scan result directly (`scan --report`).
    pub fn add_result(&mut self, meta: &DocMeta<'_>, r: &DocResult, body: Option<&[u8]>) {
        let view = LineView::from_result(meta, r);
        self.add_document(&view, body);
    }

    /// Counts a record that could not be read.
    pub fn add_error(&mut self, source: &str, record: u64, message: &str) {
        self.errors += 1;
        if self.error_samples.len() < 20 {
            self.error_samples
                .push((source.to_string(), record, message.to_string()));
        }
    }

    /// Counts a skipped record.
    pub fn add_skipped(&mut self, reason: &str) {
        *self.skipped.entry(reason.to_string()).or_default() += 1;
    }

    fn add_document(&mut self, v: &LineView<'_>, body: Option<&[u8]>) {
        self.documents += 1;
        self.bytes += v.bytes;
        let label = v.label.as_deref().unwrap_or(Label::Clean.as_str());
        let promotional = label == Label::Promotional.as_str();
        bump(&mut self.labels, label);
        bump(&mut self.formats, v.format.as_deref().unwrap_or("?"));
        let lang = v.lang.as_deref().unwrap_or("(unknown)");
        if self.langs.len() < MAX_KEYS || self.langs.contains_key(lang) {
            bump(&mut self.langs, lang);
        } else {
            bump(&mut self.langs, "(other)");
        }
        let s = v.score;
        let bin = if s.is_nan() || s < 0.0 {
            0
        } else {
            1 + (s.floor() as usize).min(HIST_MAX)
        };
        self.hist[bin] += 1;
        if s > self.max_score {
            self.max_score = s;
        }

        match v.url.as_deref().and_then(domain_of) {
            Some(d) => self.domains.add(&d, promotional),
            None => self.no_url += 1,
        }
        self.add_findings(v, body);
        let nets = self.add_networks(v);
        self.add_disclosures(v, !nets.is_empty());
    }

    /// Rules: findings per rule, pages per rule, one example candidate per page. Missing and
    /// late disclosures are findings too (`missing.fda`), but the disclosure compliance section
    /// counts them, from `missing[]` and `late[]`: not twice.
    fn add_findings(&mut self, v: &LineView<'_>, body: Option<&[u8]>) {
        let mut seen: Vec<&str> = Vec::new();
        for f in (v.findings.iter()).filter(|f| !matches!(f.category.as_ref(), "missing" | "late"))
        {
            let key = bounded_key(&self.rules, &f.rule).to_string();
            let first = !seen.contains(&key.as_str());
            let stat = self.rules.entry(key.clone()).or_default();
            if stat.category.is_empty() {
                stat.category = if key == "(other)" {
                    "other".into()
                } else {
                    f.category.to_string()
                };
            }
            stat.findings += 1;
            if first {
                seen.push(f.rule.as_ref());
                stat.pages += 1;
                let pages = stat.pages;
                let slot = if (pages as usize) <= EXAMPLES_PER_RULE {
                    Some(pages as usize - 1)
                } else {
                    let j = self.below(pages) as usize;
                    (j < EXAMPLES_PER_RULE).then_some(j)
                };
                if let Some(slot) = slot {
                    let ex = example(v, f, body);
                    let stat = self.rules.get_mut(&key).expect("inserted above");
                    if slot < stat.examples.len() {
                        stat.examples[slot] = ex;
                    } else {
                        stat.examples.push(ex);
                    }
                }
            }
        }
    }

    /// Affiliate networks: visible links only, as scores and disclosures count them. Returns
    /// the networks of the document.
    fn add_networks<'v>(&mut self, v: &'v LineView<'_>) -> Vec<&'v str> {
        let mut nets: Vec<&str> = Vec::new();
        for l in v.links.iter().filter(|l| !l.hidden) {
            if let Some(a) = &l.affiliate {
                let key = bounded_key(&self.networks, &a.network).to_string();
                let stat = self.networks.entry(key).or_default();
                stat.links += 1;
                if !nets.contains(&a.network.as_ref()) {
                    nets.push(a.network.as_ref());
                    stat.pages += 1;
                }
            }
        }
        if !nets.is_empty() {
            self.affiliate_pages += 1;
        }
        nets
    }

    /// Disclosure compliance per kind; `affiliate` when the document has visible affiliate
    /// links.
    fn add_disclosures(&mut self, v: &LineView<'_>, affiliate: bool) {
        let has_role =
            |role: Role| (v.findings.iter()).any(|f| builtin_role(&f.rule) == Some(role));
        let health = has_role(Role::Health);
        let mut kinds: Vec<&str> = DisclosureKind::ALL.iter().map(|k| k.as_str()).collect();
        for k in v.missing.iter().chain(&v.late).chain(&v.disclosures) {
            if !kinds.contains(&k.kind.as_ref()) && self.disclosure.len() < 64 {
                kinds.push(k.kind.as_ref());
            }
        }
        for kind in kinds {
            let missing = v.missing.iter().any(|m| m.kind == kind);
            let late = v.late.iter().any(|m| m.kind == kind);
            let present = v.disclosures.iter().any(|d| d.kind == kind && !d.weak);
            // A kind this version does not know (read from another version's output) has no
            // trigger it can tell.
            let trigger = match kind.parse::<DisclosureKind>() {
                Ok(DisclosureKind::Affiliate) => affiliate,
                Ok(DisclosureKind::Sponsored) => v
                    .links
                    .iter()
                    .any(|l| !l.hidden && l.rel.iter().any(|r| r == "sponsored")),
                Ok(DisclosureKind::Fda) => health && has_role(Role::Supplement),
                Ok(DisclosureKind::Medical) => health,
                Err(_) => false,
            };
            let needed = missing || late || trigger;
            if !(needed || present) {
                continue;
            }
            let stat = self.disclosure.entry(kind.to_string()).or_default();
            stat.needed += u64::from(needed);
            stat.missing += u64::from(missing);
            stat.late += u64::from(late);
            stat.on_time += u64::from(needed && present && !late && !missing);
            stat.present += u64::from(present);
        }
    }

    /// Fills the context of examples that have none (a report read from JSONL) from their
    /// source files, where a source is still there, is a single document (record 0) and has
    /// the length the scan saw. Bounded: only the kept examples are read.
    pub fn fill_context_from_sources(&mut self) {
        for stat in self.rules.values_mut() {
            for ex in &mut stat.examples {
                if !ex.before.is_empty() || !ex.after.is_empty() || ex.record != 0 {
                    continue;
                }
                let path = Path::new(&ex.source);
                let Ok(md) = std::fs::metadata(path) else {
                    continue;
                };
                if !md.is_file() || md.len() != ex.doc_bytes || md.len() > 64 << 20 {
                    continue;
                }
                if let Ok(bytes) = std::fs::read(path)
                    && ex.end <= bytes.len()
                {
                    let (b, a) = context(&bytes, ex.start, ex.end, ex.html);
                    ex.before = b;
                    ex.after = a;
                }
            }
        }
    }

    /// Writes the HTML report.
    pub fn write_html(&self, w: &mut dyn io::Write) -> io::Result<()> {
        let page = html::render(self);
        w.write_all(page.as_bytes())
    }
}

/// `1234567` -> `1,234,567`, as the report writes counts.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The role of a built-in rule by id (the report reads ids back from JSONL; rules of user packs
/// have none here).
fn builtin_role(id: &str) -> Option<Role> {
    static ROLES: std::sync::LazyLock<HashMap<String, Role>> = std::sync::LazyLock::new(|| {
        let rules = crate::rules::RuleSet::builtin().expect("the built-in packs load");
        (rules.rules.into_iter())
            .filter_map(|r| Some((r.rule.id, r.rule.role?)))
            .collect()
    });
    ROLES.get(id).copied()
}

fn bump(map: &mut BTreeMap<String, u64>, key: &str) {
    if let Some(n) = map.get_mut(key) {
        *n += 1;
    } else {
        map.insert(key.to_string(), 1);
    }
}

/// The registrable domain of a URL (`blog.example.co.uk` -> `example.co.uk`), else its host.
pub fn domain_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed
        .host_str()?
        .trim_end_matches('.')
        .to_ascii_lowercase();
    if host.is_empty() {
        return None;
    }
    let domain = psl::domain_str(&host).unwrap_or(&host);
    Some(domain.to_string())
}

fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

fn example(v: &LineView<'_>, f: &FindingView<'_>, body: Option<&[u8]>) -> Example {
    let html = v.format.as_deref() == Some("html");
    let (before, after) = match body {
        Some(b) if f.end <= b.len() && f.start <= f.end => context(b, f.start, f.end, html),
        _ => (String::new(), String::new()),
    };
    Example {
        id: clip(v.id.as_deref().unwrap_or(""), 300),
        url: v.url.as_deref().map(|u| clip(u, 500)),
        source: clip(v.source.as_deref().unwrap_or(""), 500),
        record: v.record.unwrap_or(0),
        before,
        matched: clip(
            &f.matched.split_whitespace().collect::<Vec<_>>().join(" "),
            200,
        ),
        after,
        start: f.start,
        end: f.end,
        doc_bytes: v.bytes,
        html,
    }
}

/// Readable text around `bytes[start..end]`: up to [`CONTEXT_CHARS`] characters on each side,
/// tags dropped and common entities decoded for HTML, white space collapsed. An approximation
/// for a person to read (the scan's own offsets are exact).
pub fn context(bytes: &[u8], start: usize, end: usize, html: bool) -> (String, String) {
    let window = CONTEXT_CHARS * 8;
    let lo = start.saturating_sub(window);
    let hi = (end + window).min(bytes.len());
    let before = window_text(&bytes[lo..start]);
    let after = window_text(&bytes[end..hi]);
    let (mut before, mut after) = if html {
        (visible(&before, true), visible(&after, false))
    } else {
        (collapse(&before), collapse(&after))
    };
    before = before.trim_start().to_string();
    after = after.trim_end().to_string();
    let n = before.chars().count();
    if n > CONTEXT_CHARS {
        let skip = before
            .char_indices()
            .nth(n - CONTEXT_CHARS)
            .map_or(0, |(i, _)| i);
        before = format!("…{}", &before[skip..]);
    }
    if after.chars().count() > CONTEXT_CHARS {
        after = clip(&after, CONTEXT_CHARS);
    }
    (before, after)
}

/// Bytes of a window as text: UTF-8 (a character cut at an edge dropped), or Windows-1252
/// when the bytes are not UTF-8 (legacy pages).
fn window_text(b: &[u8]) -> String {
    // A window may start inside a UTF-8 character: skip its continuation bytes.
    let skip = b
        .iter()
        .take(3)
        .take_while(|&&c| (0x80..0xc0).contains(&c))
        .count();
    let b = &b[skip..];
    match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        // Only cut at the end: UTF-8.
        Err(e) if e.error_len().is_none() => {
            String::from_utf8_lossy(&b[..e.valid_up_to()]).into_owned()
        }
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(b)
            .0
            .into_owned(),
    }
}

/// White-space runs as one space (kept at the edges, where the match is).
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = s.starts_with(char::is_whitespace);
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
            }
            space = false;
            out.push(if c.is_control() { '\u{fffd}' } else { c });
        }
    }
    if space {
        out.push(' ');
    }
    out
}

/// Text of an HTML fragment: tags removed (a fragment cut inside a tag loses the cut part),
/// script and style content dropped, a few entities decoded.
fn visible(s: &str, cut_at_start: bool) -> String {
    let mut s = s;
    if cut_at_start
        && let Some(gt) = s.find('>')
        && s.find('<').is_none_or(|lt| gt < lt)
    {
        s = &s[gt + 1..];
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let tail = &rest[lt..];
        let lower: String = tail
            .chars()
            .take(8)
            .collect::<String>()
            .to_ascii_lowercase();
        let skip_to = if lower.starts_with("<script") {
            tail.to_ascii_lowercase().find("</script").map(|i| i + 8)
        } else if lower.starts_with("<style") {
            tail.to_ascii_lowercase().find("</style").map(|i| i + 7)
        } else if lower.starts_with("<!--") {
            tail.find("-->").map(|i| i + 2)
        } else {
            Some(0)
        };
        let Some(from) = skip_to else {
            rest = "";
            break;
        };
        match tail[from..].find('>') {
            Some(gt) => {
                out.push(' ');
                rest = &tail[from + gt + 1..];
            }
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    let decoded = crate::html::entities::decode_str(&out);
    collapse(&decoded)
}

/// Reads puffery JSONL (plain, gzip, zstd or LZ4, by magic bytes: [`crate::input::decompressed`]) from `reader` line by line into
/// `report`. Lines that are not puffery JSONL are counted and passed to `on_bad` with their
/// 1-based line number; reading goes on. Memory: one line at a time.
pub fn read_jsonl(
    report: &mut Report,
    reader: Box<dyn Read + Send>,
    on_bad: &mut dyn FnMut(u64, &str),
) -> io::Result<()> {
    let mut lines = BufReader::with_capacity(1 << 16, crate::input::decompressed(reader)?);
    let mut line = Vec::new();
    let mut n = 0u64;
    loop {
        line.clear();
        if lines.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        n += 1;
        if let Err(e) = report.add_jsonl(&line) {
            on_bad(n, &e);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_drops_tags_and_keeps_neighbouring_words() {
        let doc = b"<p>Our <b>best</b> blender. <a href='x'>Buy now</a> and save &amp; smile</p>";
        let start = doc.windows(7).position(|w| w == b"Buy now").unwrap();
        let (b, a) = context(doc, start, start + 7, true);
        assert_eq!(b, "Our best blender. ");
        assert_eq!(a, " and save & smile");
    }

    #[test]
    fn context_reads_legacy_bytes_and_entities() {
        let doc = b"<p>F\xfcr K\xe4ufer &middot; <b>Jetzt kaufen</b>! Gr\xfc\xdfe</p>";
        let start = doc.windows(12).position(|w| w == b"Jetzt kaufen").unwrap();
        let (b, a) = context(doc, start, start + 12, true);
        assert_eq!(b, "F\u{fc}r K\u{e4}ufer \u{b7} ");
        assert_eq!(a, " ! Gr\u{fc}\u{df}e");
    }

    #[test]
    fn domains_are_registrable_domains() {
        assert_eq!(
            domain_of("https://Blog.Example.co.uk/x").as_deref(),
            Some("example.co.uk")
        );
        assert_eq!(domain_of("not a url"), None);
    }

    #[test]
    fn domain_counter_keeps_heavy_domains_when_pruning() {
        let mut c = DomainCounter::default();
        for _ in 0..3 {
            c.add("heavy.com", true);
        }
        for i in 0..(2 * MAX_DOMAINS + 5) {
            c.add(&format!("d{i}.com"), false);
        }
        assert!(c.pruned > 0);
        assert!(c.map.len() <= 2 * MAX_DOMAINS);
        assert!(
            c.iter()
                .any(|(d, p, q)| d == "heavy.com" && p == 3 && q == 3)
        );
    }

    #[test]
    fn examples_are_bounded_per_rule() {
        let mut r = Report::new(ReportOptions::default());
        for i in 0..100 {
            let line = format!(
                r#"{{"type":"document","id":"d{i}","findings":[{{"rule":"cta.x","category":"cta","match":"Buy"}},{{"rule":"cta.x","category":"cta","match":"Buy"}}]}}"#
            );
            r.add_jsonl(line.as_bytes()).unwrap();
        }
        let s = &r.rules["cta.x"];
        assert_eq!((s.pages, s.findings), (100, 200));
        assert_eq!(s.examples.len(), EXAMPLES_PER_RULE);
    }
}
