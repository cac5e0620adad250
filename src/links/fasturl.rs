//! The plain links of a page parsed without the `url` crate: an `http(s)` URL or a reference
//! relative to the engine's base whose every part the WHATWG parser leaves as written (no
//! percent-encoding to add, no dot segments, an ASCII host in lower case without a port or user
//! name). For those the host, path and query are slices of the link itself, as `Url` gives
//! them; every other link goes to the `url` crate ([`Simple::parse`] says which).
//!
//! Measured on the bench WARC.gz (72,635 links) under cachegrind: `Url::join` took about 3,800
//! instructions a link, 7.8 % of the scan (wave 2, session 17).

use std::borrow::Cow;

/// Host, path and query of a link, as `Url::host_str`, `Url::path` and `Url::query` (or `""`)
/// give them.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Simple<'h> {
    pub host: &'h str,
    pub path: Cow<'h, str>,
    pub query: &'h str,
}

impl<'h> Simple<'h> {
    /// `href` (trimmed, not starting with `#`) joined to `http://{base_host}/`: `Some(Some(_))`
    /// for a plain `http(s)` link, `Some(None)` for a link with another scheme (which the
    /// engine skips), `None` when the `url` crate must decide.
    pub fn parse(href: &'h str, base_host: &'static str) -> Option<Option<Simple<'h>>> {
        let b = href.as_bytes();
        // Tabs, line breaks, spaces, controls and non-ASCII are removed or encoded.
        if b.iter().any(|&c| !(0x21..0x7f).contains(&c) || c == b'\\') {
            return None;
        }
        if let Some(colon) = scheme_end(b) {
            let scheme = &href[..colon];
            let rest = &href[colon + 1..];
            if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
                return Some(None);
            }
            // `http:path` and `http:/path` are relative to an `http` base.
            return rest.strip_prefix("//").and_then(authority).map(Some);
        }
        if let Some(rest) = href.strip_prefix("//") {
            return authority(rest).map(Some);
        }
        let (path, query) = path_and_query(href)?;
        let path = match path.as_bytes().first() {
            None => Cow::Borrowed("/"),
            Some(b'/') => Cow::Borrowed(path),
            // Relative to the base's path `/`.
            Some(_) => Cow::Owned(format!("/{path}")),
        };
        Some(Some(Simple {
            host: base_host,
            path,
            query,
        }))
    }
}

/// Where a scheme ends (its `:`), if `b` starts with one: a letter, then letters, digits, `+`,
/// `-` or `.`.
fn scheme_end(b: &[u8]) -> Option<usize> {
    if !b.first()?.is_ascii_alphabetic() {
        return None;
    }
    let n = b
        .iter()
        .position(|&c| !(c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.')))?;
    (b[n] == b':').then_some(n)
}

/// `host[/path][?query][#fragment]` after `//`.
fn authority(rest: &str) -> Option<Simple<'_>> {
    let end = rest
        .bytes()
        .position(|c| matches!(c, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    let host = &rest[..end];
    if !plain_host(host) {
        return None;
    }
    let (path, query) = path_and_query(&rest[end..])?;
    let path = if path.is_empty() { "/" } else { path };
    Some(Simple {
        host,
        path: Cow::Borrowed(path),
        query,
    })
}

/// A host the WHATWG parser keeps as written: labels of lower-case letters, digits and `-`,
/// none empty, none an IDNA `xn--` label, and a last label that is not a number (which would
/// make it an IPv4 address).
fn plain_host(host: &str) -> bool {
    let ok_bytes = host
        .bytes()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'.');
    if !ok_bytes || host.is_empty() {
        return false;
    }
    let mut last = "";
    for label in host.split('.') {
        if label.is_empty() || label.starts_with("xn--") {
            return false;
        }
        last = label;
    }
    !(last.bytes().all(|c| c.is_ascii_digit()) || last.starts_with("0x"))
}

/// The path and query of `s` (a path, then `?query`, then `#fragment`), when the parser keeps
/// both as written: no dot segments, and no byte it would percent-encode.
fn path_and_query(s: &str) -> Option<(&str, &str)> {
    let end = memchr::memchr(b'#', s.as_bytes()).unwrap_or(s.len());
    let s = &s[..end];
    let (path, query) = match memchr::memchr(b'?', s.as_bytes()) {
        Some(q) => (&s[..q], &s[q + 1..]),
        None => (s, ""),
    };
    let path_ok = path.bytes().all(|c| PATH_KEPT[usize::from(c)]);
    let query_ok = query.bytes().all(|c| QUERY_KEPT[usize::from(c)]);
    if !path_ok || !query_ok || has_dot_segment(path.as_bytes()) {
        return None;
    }
    Some((path, query))
}

/// Bytes of a path the parser keeps as written (of the ones [`Simple::parse`] lets through).
static PATH_KEPT: [bool; 256] = kept(b"-._~!$&'()*+,;=:@/%");
/// Bytes of a query the parser keeps as written in an http(s) URL (`'` it encodes).
static QUERY_KEPT: [bool; 256] = kept(b"-._~!$&()*+,;=:@/?%");

/// A table of the ASCII letters and digits and `extra`.
const fn kept(extra: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = (c as u8).is_ascii_alphanumeric();
        c += 1;
    }
    let mut i = 0;
    while i < extra.len() {
        t[extra[i] as usize] = true;
        i += 1;
    }
    t
}

/// A `.` or `..` segment, or a `.` written `%2e`.
fn has_dot_segment(path: &[u8]) -> bool {
    if memchr::memchr2(b'.', b'%', path).is_none() {
        return false;
    }
    path.split(|&c| c == b'/')
        .any(|seg| seg == b"." || seg == b"..")
        || path
            .windows(3)
            .any(|w| w[0] == b'%' && w[1] == b'2' && (w[2] | 0x20) == b'e')
}

#[cfg(test)]
mod tests {
    use super::*;
    use url::Url;

    const BASE: &str = "http://relative.invalid/";
    const HOST: &str = "relative.invalid";

    /// What the engine took from the `url` crate for `href`: `None` for no http(s) URL; the
    /// host, whether it is a domain, the path and the query.
    fn by_url(href: &str) -> Option<(String, bool, String, String)> {
        let url = Url::parse(BASE).unwrap().join(href).ok()?;
        if !matches!(url.scheme(), "http" | "https") {
            return None;
        }
        Some((
            url.host_str()?.to_string(),
            matches!(url.host(), Some(url::Host::Domain(_))),
            url.path().to_string(),
            url.query().unwrap_or("").to_string(),
        ))
    }

    /// Whether `href` is parsed here; if it is, asserts the url crate's answer.
    fn check(href: &str) -> bool {
        let Some(fast) = Simple::parse(href, HOST) else {
            return false;
        };
        let fast = fast.map(|s| {
            let path = s.path.into_owned();
            (s.host.to_string(), true, path, s.query.to_string())
        });
        assert_eq!(fast, by_url(href), "{href}");
        true
    }

    /// Links parsed here give what the `url` crate gives; the others are left to it.
    #[test]
    fn plain_links_parse_as_the_url_crate_parses_them() {
        let plain = [
            "https://www.amazon.com/dp/B0123?tag=abc-20&th=1",
            "HTTPS://example.com",
            "Http://example.com?x=1",
            "http://example.com/#top",
            "https://example.com/a//b/?q=1?2#f?g",
            "//cdn.example.com/x.js",
            "/go/product-name/",
            "/recommends/thing?ref=1",
            "page.html?x=%20y",
            "sub/dir/page",
            "?only=query",
            "https://a-b.c-d.example/.well-known/x",
            "https://example.com/~user/(x)*,;=:@!$&'",
            "mailto:someone@example.com",
            "javascript:void(0)",
            "tel:+123",
            "ftp://example.com/file",
            "a+b.c-d:rest",
            "1abc:def",
            "https://example.com/%E2%82%AC",
            "https://-a.example/",
            "https://a--b.example/",
            "https://ab--cd.example/",
            "https://a-.example/x",
        ];
        for href in plain {
            assert!(check(href), "{href} is parsed here");
        }
        // Left to the url crate: each would change or needs the full parser.
        let left = [
            "https://Example.com/",
            "https://example.com:8080/",
            "https://user@example.com/",
            "https://example.com./",
            "https://1.2.3.4/",
            "https://example.0x10/",
            "https://xn--bcher-kva.example/",
            "https://example.com/a/../b",
            "https://example.com/./b",
            "https://example.com/%2e%2E/b",
            "./x",
            "../x",
            "http:/path",
            "http:path",
            "https:\\\\example.com",
            "https://example.com/a b",
            "https://example.com/a\tb",
            "https://example.com/é",
            "https://example.com/a\"b",
            "https://example.com/{x}",
            "https://example.com/?q=a'b<c>",
            "http://example.com/p?a='b'",
            "https:///example.com",
            "https://a..b/",
            "https://",
        ];
        for href in left {
            assert!(!check(href), "{href} must be left to the url crate");
        }
    }

    /// Every link of every page of corpus/ that is parsed here gives what the url crate gives;
    /// `PUFFERY_LINK_PAGES=DIR` checks the (uncompressed) pages of DIR instead.
    #[test]
    fn corpus_links_parse_as_the_url_crate_parses_them() {
        let re = regex::Regex::new(r#"(?i)\bhref\s*=\s*["']([^"']*)["']"#).unwrap();
        let dir = std::env::var("PUFFERY_LINK_PAGES")
            .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/corpus").to_string());
        let (mut fast, mut all) = (0, 0);
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
            for c in re.captures_iter(&text) {
                let href = c[1].trim();
                if href.is_empty() || href.starts_with('#') {
                    continue;
                }
                all += 1;
                fast += usize::from(check(href));
            }
        }
        eprintln!("{fast} of {all} links parsed here");
        assert!(
            all > 50 && fast * 2 > all,
            "{fast} of {all} links parsed here"
        );
    }
}
