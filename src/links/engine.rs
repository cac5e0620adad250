//! The compiled signatures and the matching.
//!
//! Building ([`Engine::build`]) turns the TOML spec into rules indexed by registrable domain, by
//! first host label and by query-parameter name, so that [`Engine::classify`] does a couple of
//! hash look-ups per link and tries only the few rules that can apply.

use std::borrow::Cow;
use std::collections::HashMap;

use percent_encoding::percent_decode_str;
use regex::Regex;
use url::{Host, Url};

use super::fasturl::Simple;

use super::spec::{self, FileSpec, RuleSpec, ScriptSpec};
use super::{Affiliate, Confidence, LinkContext};
use crate::Error;

/// The network name reported for same-site cloaked links and plugin markup.
pub(crate) const CLOAKED: &str = "cloaked_redirect";

/// Base for relative hrefs; `.invalid` cannot be a real host, so a link resolved against it is
/// known to have been relative (same-site by definition).
const RELATIVE_BASE: &str = "http://relative.invalid/";
const RELATIVE_HOST: &str = "relative.invalid";

/// How a rule selects hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HostKind {
    /// Registrable domain equality (reached through the domain index).
    Domain,
    /// A host or a subdomain of it (reached through the domain index, then checked).
    Host,
    /// The host's first label (reached through the label index).
    Prefix,
    /// Any host (reached through the parameter index or the any-path list).
    Any,
}

#[derive(Debug)]
struct Rule {
    net: usize,
    kind: HostKind,
    hosts: Vec<String>,
    subdomains: Option<Vec<String>>,
    host_id: Option<LazyRegex>,
    path_prefix: Vec<String>,
    path_contains: Vec<String>,
    path: Option<LazyRegex>,
    path_label: Option<String>,
    params: Vec<String>,
    param_values: Vec<String>,
    id_params: Vec<String>,
    dest_params: Vec<String>,
    confidence: Confidence,
    shortener: bool,
    note: Option<String>,
}

#[derive(Debug)]
struct ScriptRule {
    net: usize,
    hosts: Vec<String>,
    path_prefix: Vec<String>,
    path: Option<LazyRegex>,
}

#[derive(Debug)]
struct Network {
    name: String,
    label: String,
}

#[derive(Debug, Default)]
struct Cloaking {
    path_prefixes: Vec<String>,
    plugin_classes: Vec<String>,
    plugin_attrs: Vec<String>,
    weak_plugin_attrs: Vec<String>,
    ignore_paths: Vec<String>,
    redirect_params: Vec<String>,
}

/// The compiled signatures.
#[derive(Debug)]
pub(crate) struct Engine {
    networks: Vec<Network>,
    rules: Vec<Rule>,
    by_domain: HashMap<String, Vec<usize>>,
    by_label: HashMap<String, Vec<usize>>,
    by_param: HashMap<String, Vec<usize>>,
    any_path: Vec<usize>,
    scripts: Vec<ScriptRule>,
    script_by_domain: HashMap<String, Vec<usize>>,
    cloaking: Cloaking,
    base: Url,
}

/// A link-table regex, compiled on its first use: start-up compiled every one of the built-in
/// table's 21 (11 % of a one-document scan's instructions), where a scan meets few.
#[derive(Debug)]
struct LazyRegex {
    src: String,
    re: std::sync::OnceLock<Regex>,
}

impl LazyRegex {
    /// The regex of `src`, compiled now when `check` (an error names it), else on first use.
    fn new(src: &str, check: bool) -> Result<LazyRegex, String> {
        let re = match check {
            true => Regex::new(src)
                .map(std::sync::OnceLock::from)
                .map_err(|e| format!("bad regex {src:?}: {e}"))?,
            false => std::sync::OnceLock::new(),
        };
        Ok(LazyRegex {
            src: src.to_string(),
            re,
        })
    }

    fn get(&self) -> &Regex {
        self.re.get_or_init(|| {
            Regex::new(&self.src)
                .expect("a link table's regexes compile (the tests compile the built-in ones)")
        })
    }

    fn as_str(&self) -> &str {
        &self.src
    }
}

/// A link parsed: by [`Simple::parse`] when plain, else by the `url` crate.
enum Parsed<'h> {
    Simple(Simple<'h>),
    Url(Url),
}

/// A parsed link, with what the rules look at.
struct Target<'u> {
    /// Lower-case host without a trailing dot; the sentinel for relative links.
    host: &'u str,
    /// Registrable domain (or the host itself for IP addresses and unknown suffixes).
    domain: &'u str,
    path: &'u str,
    query: &'u str,
    relative: bool,
}

fn rule_err(file: &str, text: &str, span: std::ops::Range<usize>, message: String) -> Error {
    Error::RulePack {
        file: file.to_string(),
        line: Some(spec::line_of(text, span.start)),
        message,
    }
}

fn registrable(host: &str) -> &str {
    psl::domain_str(host).unwrap_or(host)
}

/// `host` is `pattern` or a subdomain of it.
fn host_within(host: &str, pattern: &str) -> bool {
    host == pattern
        || (host.len() > pattern.len()
            && host.ends_with(pattern)
            && host.as_bytes()[host.len() - pattern.len() - 1] == b'.')
}

/// Query pairs as written (not decoded), lazily; empty pieces skipped.
fn raw_pairs(query: &str) -> impl Iterator<Item = (&str, &str)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
}

/// Decodes one form-urlencoded component (`+` is a space).
fn decode_component(v: &str) -> Cow<'_, str> {
    if v.contains('+') {
        Cow::Owned(
            percent_decode_str(&v.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned(),
        )
    } else {
        percent_decode_str(v).decode_utf8_lossy()
    }
}

/// Runs `f` on the ASCII-lower-cased `s` without allocating (names longer than 48 bytes: `None`).
fn with_lower<R>(s: &str, f: impl FnOnce(&str) -> Option<R>) -> Option<R> {
    let mut buf = [0u8; 48];
    let b = s.as_bytes();
    if b.len() > buf.len() {
        return None;
    }
    for (d, c) in buf.iter_mut().zip(b) {
        *d = c.to_ascii_lowercase();
    }
    std::str::from_utf8(&buf[..b.len()]).ok().and_then(f)
}

/// A wrapped destination: form-decoded already; strip Awin's `[[...]]` and undo double encoding.
fn clean_destination(v: &str) -> Option<String> {
    let mut s = v.trim();
    if let Some(inner) = s.strip_prefix("[[").and_then(|x| x.strip_suffix("]]")) {
        s = inner.trim();
    }
    if s.is_empty() {
        return None;
    }
    let mut out = s.to_string();
    for _ in 0..2 {
        let lower = out.get(..10).unwrap_or(&out).to_ascii_lowercase();
        if lower.starts_with("http%3a")
            || lower.starts_with("https%3a")
            || lower.starts_with("%2f%2f")
        {
            out = percent_decode_str(&out).decode_utf8_lossy().into_owned();
        } else {
            break;
        }
    }
    Some(out)
}

fn rank(c: Confidence) -> u8 {
    match c {
        Confidence::Confirmed => 0,
        Confidence::Likely => 1,
        Confidence::Possible => 2,
    }
}

impl Engine {
    pub(crate) fn build(text: &str, file: &str, check_regexes: bool) -> Result<Engine, Error> {
        let parsed: FileSpec = spec::parse(text, file)?;
        let base = Url::parse(RELATIVE_BASE).expect("static base URL parses");
        let mut e = Engine {
            networks: Vec::new(),
            rules: Vec::new(),
            by_domain: HashMap::new(),
            by_label: HashMap::new(),
            by_param: HashMap::new(),
            any_path: Vec::new(),
            scripts: Vec::new(),
            script_by_domain: HashMap::new(),
            cloaking: Cloaking::default(),
            base,
        };
        let c = parsed.cloaking;
        let lower = |v: Vec<String>| v.into_iter().map(|s| s.to_ascii_lowercase()).collect();
        e.cloaking = Cloaking {
            path_prefixes: lower(c.path_prefixes),
            plugin_classes: lower(c.plugin_classes),
            plugin_attrs: lower(c.plugin_attrs),
            weak_plugin_attrs: lower(c.weak_plugin_attrs),
            ignore_paths: lower(c.ignore_paths),
            redirect_params: lower(c.redirect_params),
        };
        for net in parsed.networks {
            let span = net.span();
            let net = net.into_inner();
            let name = net.name.trim().to_string();
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                return Err(rule_err(
                    file,
                    text,
                    span,
                    format!("network name {:?} must be non-empty [A-Za-z0-9_]", net.name),
                ));
            }
            if e.networks.iter().any(|n| n.name == name) {
                return Err(rule_err(
                    file,
                    text,
                    span,
                    format!("network {name} defined twice"),
                ));
            }
            if net.rule.is_empty() && net.script.is_empty() {
                return Err(rule_err(
                    file,
                    text,
                    span,
                    format!("network {name} has no rule"),
                ));
            }
            let ni = e.networks.len();
            e.networks.push(Network {
                name: name.clone(),
                label: net.label,
            });
            for r in net.rule {
                let rspan = r.span();
                e.add_rule(ni, r.into_inner(), check_regexes)
                    .map_err(|m| rule_err(file, text, rspan, format!("network {name}: {m}")))?;
            }
            for s in net.script {
                let sspan = s.span();
                e.add_script(ni, s.into_inner(), check_regexes)
                    .map_err(|m| {
                        rule_err(file, text, sspan, format!("network {name}: script: {m}"))
                    })?;
            }
        }
        Ok(e)
    }

    fn add_rule(&mut self, net: usize, r: RuleSpec, check: bool) -> Result<(), String> {
        let kind = host_kind(&r)?;
        let compile = |re: &Option<String>| -> Result<Option<LazyRegex>, String> {
            re.as_deref().map(|s| LazyRegex::new(s, check)).transpose()
        };
        let path = compile(&r.path)?;
        let host_id = compile(&r.host_id)?;
        if kind == HostKind::Any && r.params.is_empty() && path.is_none() {
            return Err("an any_host rule needs params or a path".to_string());
        }
        if kind == HostKind::Any && path.is_some() && r.path_contains.is_empty() {
            return Err(
                "an any_host rule with a path needs path_contains (a fast pre-filter)".into(),
            );
        }
        let rule = Rule {
            net,
            kind,
            hosts: lower(&r.hosts),
            subdomains: r.subdomains.as_deref().map(lower),
            host_id,
            path_prefix: r.path_prefix.clone(),
            path_contains: r.path_contains.clone(),
            path,
            path_label: r.path_label.clone(),
            params: lower(&r.params),
            param_values: lower(&r.param_values),
            id_params: lower(&r.id_params),
            dest_params: lower(&r.dest_params),
            confidence: r.confidence.unwrap_or(Confidence::Confirmed),
            shortener: r.shortener,
            note: r.note.clone(),
        };
        self.index_rule(self.rules.len(), &r, &rule)?;
        self.rules.push(rule);
        Ok(())
    }

    /// Files rule `idx` under the keys a link is looked up by: its domains, hosts, host
    /// prefix, or (any host) its parameters or the any-path list.
    fn index_rule(&mut self, idx: usize, r: &RuleSpec, rule: &Rule) -> Result<(), String> {
        match rule.kind {
            HostKind::Domain => {
                for d in lower(&r.domains) {
                    if registrable(&d) != d {
                        return Err(format!(
                            "{d:?} is not a registrable domain (put subdomains in hosts)"
                        ));
                    }
                    self.by_domain.entry(d).or_default().push(idx);
                }
            }
            HostKind::Host => {
                for h in &rule.hosts {
                    if h.is_empty() || h.contains('/') {
                        return Err(format!("bad host {h:?}"));
                    }
                    self.by_domain
                        .entry(registrable(h).to_string())
                        .or_default()
                        .push(idx);
                }
            }
            HostKind::Prefix => {
                for l in lower(&r.host_prefix) {
                    if l.is_empty() || l.contains('.') {
                        return Err(format!("host_prefix {l:?} must be one label"));
                    }
                    self.by_label.entry(l).or_default().push(idx);
                }
            }
            HostKind::Any => {
                if rule.path.is_some() {
                    self.any_path.push(idx);
                } else {
                    for p in &rule.params {
                        self.by_param.entry(p.clone()).or_default().push(idx);
                    }
                }
            }
        }
        Ok(())
    }

    fn add_script(&mut self, net: usize, s: ScriptSpec, check: bool) -> Result<(), String> {
        if s.domains.is_empty() == s.hosts.is_empty() {
            return Err("a script needs exactly one of domains, hosts".to_string());
        }
        let path = (s.path.as_deref())
            .map(|p| LazyRegex::new(p, check))
            .transpose()?;
        let idx = self.scripts.len();
        let hosts: Vec<String> = s.hosts.iter().map(|h| h.to_ascii_lowercase()).collect();
        for d in &s.domains {
            let d = d.to_ascii_lowercase();
            if registrable(&d) != d {
                return Err(format!("{d:?} is not a registrable domain"));
            }
            self.script_by_domain.entry(d).or_default().push(idx);
        }
        for h in &hosts {
            self.script_by_domain
                .entry(registrable(h).to_string())
                .or_default()
                .push(idx);
        }
        self.scripts.push(ScriptRule {
            net,
            hosts,
            path_prefix: s.path_prefix,
            path,
        });
        Ok(())
    }

    /// Network names in file order.
    pub(crate) fn network_names(&self) -> impl Iterator<Item = &str> {
        self.networks.iter().map(|n| n.name.as_str())
    }

    /// Parses `href` (absolute, protocol-relative or relative); `None` for non-http(s) links.
    /// A plain link is parsed here ([`Simple`]), the others by the `url` crate.
    fn parse<'h>(&self, href: &'h str) -> Option<Parsed<'h>> {
        let href = href.trim();
        let first = href.as_bytes().first()?;
        if *first == b'#' {
            return None;
        }
        if let Some(simple) = Simple::parse(href, RELATIVE_HOST) {
            return simple.map(Parsed::Simple);
        }
        let url = self.base.join(href).ok()?;
        matches!(url.scheme(), "http" | "https").then_some(Parsed::Url(url))
    }

    fn target<'u>(parsed: &'u Parsed<'_>) -> Option<Target<'u>> {
        match parsed {
            Parsed::Url(url) => Self::url_target(url),
            Parsed::Simple(s) => Some(Target {
                host: s.host,
                domain: registrable(s.host),
                path: &s.path,
                query: s.query,
                relative: s.host == RELATIVE_HOST,
            }),
        }
    }

    fn url_target<'u>(url: &'u Url) -> Option<Target<'u>> {
        let raw_host = url.host_str()?;
        let host = raw_host.strip_suffix('.').unwrap_or(raw_host);
        let relative = host == RELATIVE_HOST;
        let domain = match url.host() {
            Some(Host::Domain(_)) => registrable(host),
            _ => host,
        };
        Some(Target {
            host,
            domain,
            path: url.path(),
            query: url.query().unwrap_or(""),
            relative,
        })
    }

    pub(crate) fn classify(&self, href: &str, ctx: &LinkContext<'_>) -> Option<Affiliate> {
        let url = self.parse(href)?;
        let t = Self::target(&url)?;
        if let Some(a) = self.match_signatures(&t) {
            return Some(a);
        }
        if let Some(a) = self.unwrap_redirect(&t) {
            return Some(a);
        }
        if let Some(a) = self.cloaked(&t, ctx) {
            return Some(a);
        }
        self.match_params(&t, true)
    }

    /// Host-indexed rules, any-host path shapes and confirmed/likely landing parameters.
    fn match_signatures(&self, t: &Target<'_>) -> Option<Affiliate> {
        if !t.relative {
            if let Some(rules) = self.by_domain.get(t.domain) {
                for &ri in rules {
                    if let Some(a) = self.try_rule(ri, t) {
                        return Some(a);
                    }
                }
            }
            if !self.by_label.is_empty() {
                let label = t.host.split('.').next().unwrap_or("");
                if let Some(rules) = self.by_label.get(label) {
                    for &ri in rules {
                        if let Some(a) = self.try_rule(ri, t) {
                            return Some(a);
                        }
                    }
                }
            }
        }
        for &ri in &self.any_path {
            let r = &self.rules[ri];
            if r.path_contains.iter().any(|c| t.path.contains(c.as_str())) {
                if let Some(a) = self.try_rule(ri, t) {
                    return Some(a);
                }
            }
        }
        self.match_params(t, false)
    }

    /// Any-host parameter rules: `possible` ones only when `weak`, the others only when not.
    fn match_params(&self, t: &Target<'_>, weak: bool) -> Option<Affiliate> {
        if t.query.is_empty() || self.by_param.is_empty() {
            return None;
        }
        let mut best: Option<(u8, usize, Affiliate)> = None;
        for (k, v) in raw_pairs(t.query) {
            if v.is_empty() {
                continue;
            }
            let Some(rules) = with_lower(k, |k| self.by_param.get(k)) else {
                continue;
            };
            for &ri in rules {
                let r = &self.rules[ri];
                if (r.confidence == Confidence::Possible) != weak {
                    continue;
                }
                let key = (rank(r.confidence), ri);
                if best.as_ref().is_some_and(|(c, i, _)| (*c, *i) <= key) {
                    continue;
                }
                if let Some(a) = self.try_rule(ri, t) {
                    best = Some((key.0, key.1, a));
                }
            }
        }
        best.map(|(_, _, a)| a)
    }

    /// First value of the first of `names` present with a non-empty value, with the name as written.
    fn find_param<'q>(
        query: &'q str,
        names: &[String],
        values: &[String],
    ) -> Option<(&'q str, &'q str)> {
        for n in names {
            for (k, v) in raw_pairs(query) {
                if v.is_empty() || !k.eq_ignore_ascii_case(n) {
                    continue;
                }
                if !values.is_empty() {
                    let dv = decode_component(v);
                    let dv = dv.trim();
                    if !values.iter().any(|x| x.eq_ignore_ascii_case(dv)) {
                        continue;
                    }
                }
                return Some((k, v));
            }
        }
        None
    }

    fn try_rule(&self, ri: usize, t: &Target<'_>) -> Option<Affiliate> {
        let r = &self.rules[ri];
        if !host_matches(r, t) {
            return None;
        }
        // Path condition.
        let mut path_hit: Option<&str> = None;
        if !r.path_prefix.is_empty() {
            path_hit = Some(
                r.path_prefix
                    .iter()
                    .find(|p| t.path.starts_with(p.as_str()))?,
            );
        }
        if !r.path_contains.is_empty()
            && !r.path_contains.iter().any(|c| t.path.contains(c.as_str()))
        {
            return None;
        }
        let caps = match &r.path {
            Some(re) => Some(re.get().captures(t.path)?),
            None => None,
        };
        if caps.is_some() {
            path_hit = Some(r.path_label.as_deref().unwrap_or(r.path.as_ref()?.as_str()));
        }
        // Parameter condition.
        let param_hit = if r.params.is_empty() {
            None
        } else {
            Some(Self::find_param(t.query, &r.params, &r.param_values)?.0)
        };
        // Matched: what it reports.
        let (id, destination) = Self::id_and_destination(r, t, caps.as_ref());
        let net = &self.networks[r.net];
        let shown_host = if t.relative { "this site" } else { t.host };
        let lead = match (path_hit, param_hit) {
            _ if r.shortener => format!("unresolved shortener {shown_host}"),
            (Some(p), Some(k)) => format!("path {p} with query parameter {k} on {shown_host}"),
            (Some(p), None) => format!("path {p} on {shown_host}"),
            (None, Some(k)) => {
                let on = if t.relative { "this site" } else { t.domain };
                format!("query parameter {k} on {on}")
            }
            (None, None) => format!("host {shown_host}"),
        };
        let evidence = match &r.note {
            Some(n) => format!("{lead} ({}; {n})", net.label),
            None => format!("{lead} ({})", net.label),
        };
        Some(Affiliate {
            network: net.name.clone(),
            id,
            destination,
            evidence,
            confidence: r.confidence,
        })
    }

    /// A generic redirector (`?url=`, `?u=`, ...) wrapping a link that matches a signature;
    /// also any parameter, or the tail of the path, that holds a percent-encoded URL
    /// (`?dest=https%3A%2F%2Fwww.amazon.com%2Fdp%2FB01%3Ftag%3Dx-20`, `/u/https%3A%2F%2F...`).
    fn unwrap_redirect(&self, t: &Target<'_>) -> Option<Affiliate> {
        if let Some(a) = self.unwrap_path(t) {
            return Some(a);
        }
        if t.query.is_empty() {
            return None;
        }
        for (k, v) in raw_pairs(t.query) {
            if v.len() < 10 {
                continue;
            }
            let is_redirect = with_lower(k, |k| {
                self.cloaking
                    .redirect_params
                    .iter()
                    .any(|p| p == k)
                    .then_some(())
            })
            .is_some();
            if !is_redirect {
                continue;
            }
            let head = v.get(..8).unwrap_or(v);
            let encoded = head.eq_ignore_ascii_case("https%3a")
                || head
                    .get(..7)
                    .is_some_and(|h| h.eq_ignore_ascii_case("http%3a"));
            let plain = head
                .get(..7)
                .is_some_and(|h| h.eq_ignore_ascii_case("http://"))
                || head.eq_ignore_ascii_case("https://");
            // A known redirect parameter may hold a plain or encoded URL; any other parameter
            // counts only with a percent-encoded one (the whole inner URL, query included).
            if !(encoded || (is_redirect && plain)) {
                continue;
            }
            if let Some(a) = self.wrapped(t, &decode_component(v), &format!("parameter {k}")) {
                return Some(a);
            }
        }
        None
    }

    /// A percent-encoded URL as the tail of the path (`/u/https%3A%2F%2F...`).
    fn unwrap_path(&self, t: &Target<'_>) -> Option<Affiliate> {
        let tail = &t.path[encoded_url_in_path(t.path)?..];
        self.wrapped(t, &percent_decode_str(tail).decode_utf8_lossy(), "the path")
    }

    /// The signature match of `inner` (a decoded URL) wrapped in `where_` of link `t`.
    fn wrapped(&self, t: &Target<'_>, inner: &str, where_: &str) -> Option<Affiliate> {
        let inner_s = clean_destination(inner)?;
        let url = Url::parse(&inner_s).ok()?;
        if !matches!(url.scheme(), "http" | "https") {
            return None;
        }
        let it = Self::url_target(&url)?;
        let mut a = self.match_signatures(&it)?;
        let outer = if t.relative { "this site" } else { t.host };
        a.evidence = format!("{}, wrapped in {where_} of {outer}", a.evidence);
        if a.destination.is_none() {
            a.destination = Some(inner_s);
        }
        Some(a)
    }

    /// Same-site cloaked paths and affiliate-plugin markup.
    /// The affiliate id and the destination a matched rule reads from the link: from the
    /// host (`host_id`), the path's `id`/`dest` groups, or the id and destination parameters.
    fn id_and_destination(
        r: &Rule,
        t: &Target<'_>,
        caps: Option<&regex::Captures<'_>>,
    ) -> (Option<String>, Option<String>) {
        let id = r
            .host_id
            .as_ref()
            .and_then(|re| re.get().captures(t.host))
            .and_then(|c| c.name("id").map(|m| m.as_str().to_string()))
            .or_else(|| {
                caps.and_then(|c| c.name("id"))
                    .map(|m| decode_component(m.as_str()).into_owned())
            })
            .or_else(|| {
                // Ids keep a literal `+` (A8's a8mat uses it as a separator).
                Self::find_param(t.query, &r.id_params, &[])
                    .map(|(_, v)| percent_decode_str(v).decode_utf8_lossy().trim().to_string())
            })
            .filter(|s| !s.is_empty());
        let destination = caps
            .and_then(|c| c.name("dest"))
            .and_then(|m| clean_destination(&percent_decode_str(m.as_str()).decode_utf8_lossy()))
            .or_else(|| {
                Self::find_param(t.query, &r.dest_params, &[])
                    .and_then(|(_, v)| clean_destination(&decode_component(v)))
            });
        (id, destination)
    }

    /// `/<prefix>/<slug>`: the first path segment when it is a cloaking prefix, a slug follows
    /// and the path is not one of the ignored ones.
    fn cloak_prefix<'p>(&self, path: &'p str) -> Option<&'p str> {
        let c = &self.cloaking;
        let mut segs = path.trim_start_matches('/').splitn(2, '/');
        let first = segs.next().unwrap_or("");
        let rest = segs.next().unwrap_or("").trim_matches('/');
        let ignored = || {
            c.ignore_paths.iter().any(|p| {
                path.get(..p.len())
                    .is_some_and(|h| h.eq_ignore_ascii_case(p))
            })
        };
        (!rest.is_empty()
            && c.path_prefixes
                .iter()
                .any(|p| p.eq_ignore_ascii_case(first))
            && !ignored())
        .then_some(first)
    }

    fn cloaked(&self, t: &Target<'_>, ctx: &LinkContext<'_>) -> Option<Affiliate> {
        let c = &self.cloaking;
        let strong_class = ctx.class.and_then(|cls| {
            cls.split_ascii_whitespace()
                .find(|tok| c.plugin_classes.iter().any(|p| p.eq_ignore_ascii_case(tok)))
        });
        let strong_attr = ctx
            .plugin_attrs
            .iter()
            .find(|a| c.plugin_attrs.iter().any(|p| p.eq_ignore_ascii_case(a)));
        let weak_attr = ctx.plugin_attrs.iter().find(|a| {
            c.weak_plugin_attrs
                .iter()
                .any(|p| p.eq_ignore_ascii_case(a))
        });
        let sponsored = ctx.rel.iter().any(|r| r.eq_ignore_ascii_case("sponsored"));
        let nofollow = ctx.rel.iter().any(|r| r.eq_ignore_ascii_case("nofollow"));

        let cloak_prefix = self.cloak_prefix(t.path);

        let markup = strong_class
            .map(|cls| format!("class {cls}"))
            .or_else(|| strong_attr.map(|a| format!("attribute {a}")));
        if cloak_prefix.is_none() && markup.is_none() && weak_attr.is_none() {
            return None;
        }
        let same_site = t.relative || self.same_site(t, ctx.page_url);
        let shown = if t.relative { "this site" } else { t.host };
        let rel_note = if sponsored {
            Some("rel=sponsored")
        } else if nofollow {
            Some("rel=nofollow")
        } else {
            None
        };
        let (evidence, confidence) = if let Some(m) = markup {
            (
                format!(
                    "affiliate-link plugin markup ({m}) on {shown}{}",
                    path_note(cloak_prefix)
                ),
                Confidence::Likely,
            )
        } else if let (Some(p), true) = (cloak_prefix, same_site) {
            match (rel_note, weak_attr) {
                (Some(rel), _) => (
                    format!("same-site cloaked path /{p}/ on {shown} with {rel}"),
                    Confidence::Likely,
                ),
                (None, Some(a)) => (
                    format!("same-site cloaked path /{p}/ on {shown} with plugin attribute {a}"),
                    Confidence::Likely,
                ),
                (None, None) => (
                    format!(
                        "same-site cloaked path /{p}/ on {shown} (no rel or plugin evidence; may be an ordinary route)"
                    ),
                    Confidence::Possible,
                ),
            }
        } else {
            // A weak attribute alone (Lasso also marks internal links) is not reported.
            return None;
        };
        Some(Affiliate {
            network: CLOAKED.to_string(),
            id: None,
            destination: None,
            evidence,
            confidence,
        })
    }

    /// The link's registrable domain equals the page's.
    fn same_site(&self, t: &Target<'_>, page_url: Option<&str>) -> bool {
        let Some(page) = page_url.and_then(|p| Url::parse(p.trim()).ok()) else {
            return false;
        };
        let Some(pt) = Self::url_target(&page) else {
            return false;
        };
        !pt.relative && pt.domain == t.domain
    }

    pub(crate) fn rewriter_script(&self, src: &str) -> Option<String> {
        let url = self.parse(src)?;
        let t = Self::target(&url)?;
        if t.relative {
            return None;
        }
        for &si in self.script_by_domain.get(t.domain)? {
            let s = &self.scripts[si];
            if !s.hosts.is_empty() && !s.hosts.iter().any(|h| host_within(t.host, h)) {
                continue;
            }
            if !s.path_prefix.is_empty()
                && !s.path_prefix.iter().any(|p| t.path.starts_with(p.as_str()))
            {
                continue;
            }
            if s.path.as_ref().is_some_and(|re| !re.get().is_match(t.path)) {
                continue;
            }
            return Some(self.networks[s.net].name.clone());
        }
        None
    }
}

fn path_note(prefix: Option<&str>) -> String {
    prefix.map(|p| format!(", path /{p}/")).unwrap_or_default()
}

/// The host conditions of a rule beyond the index it was found by: one of its `hosts`, one of
/// its `subdomains`.
fn host_matches(r: &Rule, t: &Target<'_>) -> bool {
    if r.kind == HostKind::Host && !r.hosts.iter().any(|h| host_within(t.host, h)) {
        return false;
    }
    let Some(subs) = &r.subdomains else {
        return true;
    };
    let sub = t
        .host
        .strip_suffix(t.domain)
        .map(|s| s.strip_suffix('.').unwrap_or(s))
        .unwrap_or(t.host);
    subs.iter().any(|s| s == sub)
}

/// Trimmed, lower-cased copies.
fn lower(v: &[String]) -> Vec<String> {
    v.iter().map(|s| s.trim().to_ascii_lowercase()).collect()
}

/// Which hosts a rule matches: exactly one of `domains`, `hosts`, `host_prefix`, `any_host`.
fn host_kind(r: &RuleSpec) -> Result<HostKind, String> {
    let kinds = [
        (!r.domains.is_empty(), HostKind::Domain),
        (!r.hosts.is_empty(), HostKind::Host),
        (!r.host_prefix.is_empty(), HostKind::Prefix),
        (r.any_host, HostKind::Any),
    ];
    let mut set = kinds.iter().filter(|(k, _)| *k);
    match (set.next(), set.next()) {
        (Some(&(_, kind)), None) => Ok(kind),
        _ => Err("a rule needs exactly one of domains, hosts, host_prefix, any_host".to_string()),
    }
}

/// Where a percent-encoded URL starts in a link's path: after the first `/http%3a`, else after
/// the first `/https%3a` (ASCII case-insensitively). Each slash is tried in place: the path is
/// neither lower-cased into a copy nor searched with a substring searcher built per link (that
/// was 1.2 % of a WARC scan's instructions).
pub(super) fn encoded_url_in_path(path: &str) -> Option<usize> {
    let b = path.as_bytes();
    let after = |p: &[u8]| {
        memchr::memchr_iter(b'/', b)
            .map(|slash| slash + 1)
            .find(|&i| {
                b[i..]
                    .get(..p.len())
                    .is_some_and(|s| s.eq_ignore_ascii_case(p))
            })
    };
    after(b"http%3a").or_else(|| after(b"https%3a"))
}
