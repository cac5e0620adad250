//! Visible text, links and scopes from HTML, with byte offsets into the source.
//!
//! A single forward pass over the bytes, following the WHATWG tokenizer's states where they
//! matter for what a reader sees: tags and attributes (quoted, unquoted, unterminated),
//! comments, raw-text elements (`script`, `style`, `noscript`, `iframe`, ...), RCDATA (`title`,
//! `textarea`), character references. A stack of open elements, with the implied end tags that
//! real pages lean on (`p`, `li`, `td`, ...), tracks what is hidden (`hidden`, inline
//! `display:none` / `visibility:hidden`, `template`; not `aria-hidden`, which saved pages put on
//! everything behind an open modal), what is a link, a button, a heading
//! or a footer. No tree is built; memory is the text plus a bounded stack. Why this and not a DOM
//! parser: DESIGN.md.
//!
//! ```
//! use puffery::html::extract_html;
//! let doc = r#"<p>Try <b>it</b> &amp; <a href="https://amzn.to/x" rel="sponsored nofollow">Shop
//!   Now</a></p><div style="display: none">hidden offer</div><script>buy()</script>"#;
//! let ex = extract_html(doc);
//! assert_eq!(ex.text, "Try it & Shop Now");
//! assert_eq!(ex.links[0].href, "https://amzn.to/x");
//! assert_eq!(ex.links[0].rel, ["sponsored", "nofollow"]);
//! assert_eq!(ex.links[0].text, "Shop Now");
//! ```

pub mod entities;

use memchr::memmem;

use crate::rules::Scope;
use crate::text::{Extracted, RawLink, TextBuilder};

/// Open elements deeper than this are not tracked (their text is still scanned).
pub const MAX_DEPTH: usize = 1024;

/// A lower-cased tag name, truncated to 16 bytes (no allocation per tag).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Name {
    buf: [u8; 16],
    len: u8,
    /// `buf[..len]` is UTF-8 (a name cut inside a character is not), checked once here rather
    /// than at each of the name's uses (a check per use was 2.5 % of a WARC scan's
    /// instructions).
    utf8: bool,
}

impl Name {
    fn new(raw: &[u8]) -> Name {
        let mut buf = [0u8; 16];
        let len = raw.len().min(16);
        for (d, s) in buf.iter_mut().zip(&raw[..len]) {
            *d = s.to_ascii_lowercase();
        }
        Name {
            buf,
            len: len as u8,
            utf8: std::str::from_utf8(&buf[..len]).is_ok(),
        }
    }

    /// The name, or "" when it is not UTF-8.
    #[allow(unsafe_code)]
    fn as_str(&self) -> &str {
        if !self.utf8 {
            return "";
        }
        // SAFETY: `new` checked that these bytes are UTF-8, and they do not change.
        unsafe { std::str::from_utf8_unchecked(&self.buf[..self.len as usize]) }
    }
}

struct Open {
    name: Name,
    hidden: bool,
    button: bool,
    heading: bool,
    footer: bool,
    link: Option<usize>,
}

/// An attribute: name range and value range in the source.
#[derive(Clone, Copy)]
struct Attr {
    name: (usize, usize),
    value: Option<(usize, usize)>,
}

struct Tag {
    name: Name,
    attrs_from: usize,
    self_closing: bool,
    /// Offset just past the tag's `>` (the document's end if unterminated).
    end: usize,
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
            | "keygen"
            | "basefont"
            | "bgsound"
            | "frame"
    )
}

/// Elements that do not break a line of text.
fn is_inline(name: &str) -> bool {
    matches!(
        name,
        "a" | "abbr"
            | "b"
            | "bdi"
            | "bdo"
            | "big"
            | "cite"
            | "code"
            | "data"
            | "del"
            | "dfn"
            | "em"
            | "font"
            | "i"
            | "ins"
            | "kbd"
            | "label"
            | "mark"
            | "nobr"
            | "q"
            | "s"
            | "samp"
            | "small"
            | "span"
            | "strike"
            | "strong"
            | "sub"
            | "sup"
            | "time"
            | "tt"
            | "u"
            | "var"
            | "wbr"
    )
}

/// Elements whose content is not markup, and that a reader does not see.
fn is_raw_skipped(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "iframe"
            | "noembed"
            | "noframes"
            | "xmp"
            | "title"
            | "textarea"
    )
}

fn is_heading(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

/// Start tags that close an open element of the same kind (the implied end tags real pages use).
fn closes(new: &str, open: &str) -> bool {
    match new {
        "p" | "li" | "option" | "tr" => open == new,
        "dt" | "dd" => matches!(open, "dt" | "dd"),
        "td" | "th" => matches!(open, "td" | "th"),
        "div" | "ul" | "ol" | "table" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "section"
        | "article" | "blockquote" | "pre" | "form" | "header" | "footer" | "nav" | "aside"
        | "dl" | "hr" | "figure" | "main" => open == "p",
        _ => false,
    }
}

struct Extractor<'a> {
    doc: &'a str,
    bytes: &'a [u8],
    b: TextBuilder,
    stack: Vec<Open>,
    overflow: usize,
    hidden: usize,
    buttons: usize,
    links_open: usize,
    headings: usize,
    footers: usize,
    foreign: usize,
    footer_start: usize,
    attrs: Vec<Attr>,
    /// [`name_bit`] of every name in `attrs`: a name whose bit is not set is not there.
    attr_names: u64,
    out: Extracted,
    link_text_from: Vec<usize>,
    forms: usize,
    h1_from: Option<usize>,
}

/// True when `style`, without its white space and lower-cased in ASCII, holds `display:none`
/// or `visibility:hidden`: the last 17 such characters kept in a window (non-ASCII ones as
/// `0xff`), no copy of the style (an allocation per styled element before).
fn style_hides(style: &str) -> bool {
    const NEEDLES: [&[u8]; 2] = [b"display:none", b"visibility:hidden"];
    let mut window = [0u8; 17];
    for c in style.chars().filter(|c| !c.is_whitespace()) {
        window.copy_within(1.., 0);
        window[16] = if c.is_ascii() {
            (c as u8).to_ascii_lowercase()
        } else {
            0xff
        };
        if NEEDLES.iter().any(|n| window.ends_with(n)) {
            return true;
        }
    }
    false
}

/// One of 64 bits for an attribute name, the same for names equal but for ASCII case (by
/// first byte and length): most lookups of a tag's attributes ask for one it does not have,
/// and this answers them without a scan (the scans were 8 % of a WARC scan).
fn name_bit(name: &[u8]) -> u64 {
    let first = u32::from(name.first().map_or(0, u8::to_ascii_lowercase));
    1 << ((first * 7 + name.len() as u32) % 64)
}

/// Names of cart and checkout controls in `id`, `name`, `class`, `data-action` and form
/// `action` values, ASCII case folded ([`Extractor::names_cart`]). Each holds "add" or "buy".
const CART_NAME_LIST: [&str; 12] = [
    "addtocart",
    "add-to-cart",
    "add_to_cart",
    "addtobasket",
    "add-to-basket",
    "add_to_basket",
    "add-to-bag",
    "addtobag",
    "buy-now",
    "buynow",
    "buy_now",
    "/cart/add",
];

/// [`CART_NAME_LIST`] in one automaton.
static CART_NAMES: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(CART_NAME_LIST)
            .expect("cart names build")
    });

/// True when `v` holds "add" or "buy" in any ASCII case, as every one of [`CART_NAMES`] does.
fn has_add_or_buy(v: &str) -> bool {
    // `| 0x20` folds exactly the upper-case forms of these letters onto them.
    v.as_bytes().windows(3).any(|w| {
        let l = [w[0] | 0x20, w[1] | 0x20, w[2] | 0x20];
        &l == b"add" || &l == b"buy"
    })
}

/// Extracts visible text, links and scopes from an HTML document.
pub fn extract_html(doc: &str) -> Extracted {
    let mut x = Extractor {
        doc,
        bytes: doc.as_bytes(),
        b: TextBuilder::new(Some(|s| {
            entities::decode_at(s).map(|(d, len)| ((d.0, d.1), len))
        })),
        stack: Vec::new(),
        overflow: 0,
        hidden: 0,
        buttons: 0,
        links_open: 0,
        headings: 0,
        footers: 0,
        foreign: 0,
        footer_start: 0,
        attrs: Vec::new(),
        attr_names: 0,
        out: Extracted::default(),
        link_text_from: Vec::new(),
        forms: 0,
        h1_from: None,
    };
    x.run();
    x.finish()
}

impl<'a> Extractor<'a> {
    fn run(&mut self) {
        let len = self.bytes.len();
        let mut pos = 0;
        let mut text_from = 0;
        while let Some(off) = find_near(b'<', &self.bytes[pos..]) {
            let lt = pos + off;
            let next = self.bytes.get(lt + 1).copied();
            match next {
                Some(b'!') => {
                    self.text(text_from, lt);
                    let end = if self.bytes[lt..].starts_with(b"<!--") {
                        let end = comment_end(self.bytes, lt);
                        self.ignore_comment(lt, end);
                        end
                    } else {
                        find_near(b'>', &self.bytes[lt..]).map_or(len, |e| lt + e + 1)
                    };
                    pos = end;
                    text_from = end;
                }
                Some(b'?') => {
                    self.text(text_from, lt);
                    pos = find_near(b'>', &self.bytes[lt..]).map_or(len, |e| lt + e + 1);
                    text_from = pos;
                }
                Some(b'/') => {
                    let after = self.bytes.get(lt + 2).copied();
                    self.text(text_from, lt);
                    let end = find_near(b'>', &self.bytes[lt..]).map_or(len, |e| lt + e + 1);
                    if after.is_some_and(|c| c.is_ascii_alphabetic()) {
                        let name_end = lt
                            + 2
                            + self.bytes[lt + 2..]
                                .iter()
                                .position(|c| c.is_ascii_whitespace() || *c == b'/' || *c == b'>')
                                .unwrap_or(len - lt - 2);
                        let name = Name::new(&self.bytes[lt + 2..name_end]);
                        self.end_tag(name, lt, end);
                    }
                    pos = end;
                    text_from = end;
                }
                Some(c) if c.is_ascii_alphabetic() => {
                    self.text(text_from, lt);
                    let tag = self.parse_tag(lt);
                    pos = self.start_tag(&tag, lt);
                    text_from = pos;
                }
                _ => pos = lt + 1,
            }
            if pos >= len {
                break;
            }
        }
        self.text(text_from, len);
    }

    /// Records a `<!-- puffery-ignore ... -->` comment spanning `lt..end`.
    fn ignore_comment(&mut self, lt: usize, end: usize) {
        let body = &self.bytes[(lt + 4).min(end)..end];
        if crate::text::IGNORE_WORD.find(body).is_none() {
            return;
        }
        let body = self.doc[lt + 4..end]
            .trim_end_matches('>')
            .trim_end_matches('-');
        let text_pos = self.b.text.len();
        self.out
            .ignore_comments
            .extend(crate::text::IgnoreComment::parse(body, end, text_pos));
    }

    fn finish(mut self) -> Extracted {
        let len = self.bytes.len();
        while let Some(open) = self.stack.pop() {
            self.close(open, len);
        }
        let (text, map) = self.b.finish();
        let mut out = self.out;
        // The builder trims trailing white space: keep ranges inside the text.
        let clamp = |r: Option<(usize, usize)>| {
            r.map(|(s, e)| (s.min(text.len()), e.min(text.len())))
                .filter(|(s, e)| s < e)
        };
        out.title = clamp(out.title);
        out.h1 = clamp(out.h1);
        out.lower = text.to_ascii_lowercase();
        out.text = text;
        out.map = map;
        out
    }

    /// Scans `doc[from..to]` as text, if a reader sees it.
    fn text(&mut self, from: usize, to: usize) {
        if from >= to || self.hidden > 0 {
            return;
        }
        let scope = self.scope();
        let at = self.b.text.len();
        if self.out.scopes.last().map_or(Scope::Text, |s| s.1) != scope {
            self.out.scopes.push((at, scope));
        }
        self.b.push_text(&self.doc[from..to], from, false);
    }

    fn scope(&self) -> Scope {
        if self.buttons > 0 {
            Scope::Button
        } else if self.links_open > 0 {
            Scope::Link
        } else if self.headings > 0 {
            Scope::Heading
        } else {
            Scope::Text
        }
    }

    fn parse_tag(&mut self, lt: usize) -> Tag {
        let b = self.bytes;
        let len = b.len();
        let mut i = lt + 1;
        while i < len && !b[i].is_ascii_whitespace() && b[i] != b'/' && b[i] != b'>' {
            i += 1;
        }
        let name = Name::new(&b[lt + 1..i]);
        let attrs_from = self.attrs.len();
        let mut self_closing = false;
        loop {
            while i < len && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                self_closing = b[i] == b'/' && b.get(i + 1) == Some(&b'>');
                i += 1;
            }
            if i >= len {
                return Tag {
                    name,
                    attrs_from,
                    self_closing: false,
                    end: len,
                };
            }
            if b[i] == b'>' {
                return Tag {
                    name,
                    attrs_from,
                    self_closing,
                    end: i + 1,
                };
            }
            self_closing = false;
            let name_start = i;
            i += 1; // the first character may be '='
            while i < len && !b[i].is_ascii_whitespace() && !matches!(b[i], b'/' | b'>' | b'=') {
                i += 1;
            }
            let name_end = i;
            while i < len && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let mut value = None;
            if i < len && b[i] == b'=' {
                i += 1;
                while i < len && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                if i < len && (b[i] == b'"' || b[i] == b'\'') {
                    let q = b[i];
                    let v = i + 1;
                    match find_near(q, &b[v..]) {
                        Some(e) => {
                            value = Some((v, v + e));
                            i = v + e + 1;
                        }
                        None => {
                            // Unterminated quote: the rest of the document is this value.
                            return Tag {
                                name,
                                attrs_from,
                                self_closing: false,
                                end: len,
                            };
                        }
                    }
                } else {
                    let v = i;
                    while i < len && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    value = Some((v, i));
                }
            }
            self.attr_names |= name_bit(&b[name_start..name_end]);
            self.attrs.push(Attr {
                name: (name_start, name_end),
                value,
            });
        }
    }

    /// Drops the attributes from `from` on (their names stay in `attr_names` until none is
    /// left: a superset only lets more names through to the scan).
    fn truncate_attrs(&mut self, from: usize) {
        self.attrs.truncate(from);
        if self.attrs.is_empty() {
            self.attr_names = 0;
        }
    }

    /// The value of attribute `name` (lower-case) of the tag being handled, entity-decoded.
    fn attr(&self, from: usize, name: &str) -> Option<std::borrow::Cow<'a, str>> {
        if self.attr_names & name_bit(name.as_bytes()) == 0 {
            return None;
        }
        self.attrs[from..].iter().find_map(|a| {
            let n = &self.doc[a.name.0..a.name.1];
            if n.eq_ignore_ascii_case(name) {
                Some(match a.value {
                    Some((s, e)) => entities::decode_str(&self.doc[s..e]),
                    None => std::borrow::Cow::Borrowed(""),
                })
            } else {
                None
            }
        })
    }

    fn attr_range(&self, from: usize, name: &str) -> Option<(usize, usize)> {
        if self.attr_names & name_bit(name.as_bytes()) == 0 {
            return None;
        }
        self.attrs[from..]
            .iter()
            .find(|a| self.doc[a.name.0..a.name.1].eq_ignore_ascii_case(name))
            .and_then(|a| a.value)
    }

    /// The page type a tag declares: `<meta property="og:type" content="product|article">`, or
    /// a schema.org `itemtype`.
    fn declared_type(&self, from: usize, name: &str) -> Option<PageType> {
        if name == "meta" {
            let prop = self
                .attr(from, "property")
                .or_else(|| self.attr(from, "name"))?;
            if !prop.eq_ignore_ascii_case("og:type") {
                return None;
            }
            let c = self.attr(from, "content")?.trim().to_ascii_lowercase();
            return if c == "product" || c.starts_with("product.") || c == "og:product" {
                Some(PageType::Product)
            } else if c == "article" {
                Some(PageType::Article)
            } else {
                None
            };
        }
        let t = self.attr(from, "itemtype")?.trim().to_ascii_lowercase();
        let kind = t.rsplit('/').next().unwrap_or("");
        if !(t.contains("schema.org/") || t.contains("data-vocabulary.org/")) {
            return None;
        }
        PageType::from_schema(kind, true)
    }

    fn declare(&mut self, kind: PageType, span: (usize, usize)) {
        let slot = match kind {
            PageType::Product => &mut self.out.product,
            PageType::Article => &mut self.out.article,
            PageType::Recipe => &mut self.out.recipe,
        };
        if slot.is_none() {
            *slot = Some(span);
        }
    }

    fn is_hidden(&self, from: usize, name: &str) -> bool {
        if name == "template" || self.attr(from, "hidden").is_some() {
            return true;
        }
        self.attr(from, "style").is_some_and(|s| style_hides(&s))
    }

    /// Appends source `doc[s..e]` as its own block in `scope`, then returns to the current scope.
    fn scoped_text(&mut self, s: usize, e: usize, scope: Scope) -> (usize, usize) {
        let at = self.b.text.len();
        self.out.scopes.push((at, scope));
        self.b.push_text(&self.doc[s..e], s, false);
        let end = self.b.text.len();
        self.b.brk(e);
        let back = self.scope();
        self.out.scopes.push((self.b.text.len(), back));
        (at, end)
    }

    /// The document title (`doc[s..e]` up to its end tag): a heading a reader sees in the tab and
    /// in search results.
    fn title(&mut self, s: usize, end: usize) {
        let close = self.bytes[s..end]
            .iter()
            .rposition(|&c| c == b'<')
            .map_or(end, |p| s + p);
        self.b.brk(s);
        let span = self.scoped_text(s, close, Scope::Heading);
        if self.out.title.is_none() && span.1 > span.0 {
            self.out.title = Some(span);
        }
    }

    /// Page-level marks a tag carries: the declared page URL, price markup, cart controls named
    /// in attributes, lead forms.
    fn page_marks(&mut self, tag: &Tag, lt: usize, name: &str) {
        let from = tag.attrs_from;
        let span = (lt, tag.end);
        if name == "link"
            && self.attr(from, "rel").is_some_and(|r| {
                r.split_ascii_whitespace()
                    .any(|t| t.eq_ignore_ascii_case("canonical"))
            })
            && let Some(href) = self.attr(from, "href")
        {
            self.out.page_url = Some(href.trim().to_string());
        }
        if name == "meta" {
            let prop = self
                .attr(from, "property")
                .or_else(|| self.attr(from, "name"))
                .map(|p| p.to_ascii_lowercase());
            match prop.as_deref() {
                Some("og:url") if self.out.page_url.is_none() => {
                    self.out.page_url = self.attr(from, "content").map(|c| c.trim().to_string());
                }
                Some("product:price:amount" | "og:price:amount") => {
                    self.out.price_markup.get_or_insert(span);
                }
                _ => {}
            }
        }
        if self
            .attr(from, "itemprop")
            .is_some_and(|p| p.eq_ignore_ascii_case("price"))
        {
            self.out.price_markup.get_or_insert(span);
        }
        if self.out.cart_markup.is_none() && self.hidden == 0 && self.names_cart(from) {
            self.out.cart_markup = Some(span);
        }
        if name == "input"
            && self.forms > 0
            && self.out.lead_form.is_none()
            && (self
                .attr(from, "type")
                .is_some_and(|t| t.eq_ignore_ascii_case("tel"))
                || ["name", "id"]
                    .iter()
                    .any(|a| self.attr(from, a).is_some_and(|v| contains_ci(&v, "phone"))))
        {
            self.out.lead_form = Some(span);
        }
    }

    /// True when an `id`, `name`, `class`, `data-action` or form `action` of the tag names a
    /// cart or checkout control (ASCII case folded: one automaton, no lower-cased copy; every
    /// tag is asked until one names a cart). The first attribute of each name counts, as
    /// [`Extractor::attr`] finds it; the tag's attributes are read once, and the automaton
    /// runs only on values that hold "add" or "buy" ([`has_add_or_buy`]): it was 2.7 % of a
    /// WARC scan's instructions, asked of every such value of every tag.
    fn names_cart(&self, from: usize) -> bool {
        const NAMES: [&str; 5] = ["id", "name", "class", "data-action", "action"];
        let mut seen = 0u8;
        for a in &self.attrs[from..] {
            let n = &self.doc[a.name.0..a.name.1];
            let Some(k) = NAMES.iter().position(|x| n.eq_ignore_ascii_case(x)) else {
                continue;
            };
            if seen & (1 << k) != 0 {
                continue;
            }
            seen |= 1 << k;
            // An attribute without a value is "", which names nothing.
            if let Some((s, e)) = a.value {
                let v = entities::decode_str(&self.doc[s..e]);
                if has_add_or_buy(&v) && CART_NAMES.is_match(v.as_ref()) {
                    return true;
                }
            }
        }
        false
    }

    /// Handles a start tag; returns where scanning resumes.
    fn start_tag(&mut self, tag: &Tag, lt: usize) -> usize {
        let from = tag.attrs_from;
        let name_owned = tag.name;
        let name = name_owned.as_str();
        if !is_inline(name) {
            if name == "img" {
                self.b.space(lt);
            } else {
                self.b.brk(lt);
            }
        }
        self.element_facts(from, name);
        if let Some(kind) = self.declared_type(from, name) {
            self.declare(kind, (lt, tag.end));
        }
        if is_raw_skipped(name) {
            let resume = self.raw_text_element(tag, lt, name);
            self.truncate_attrs(from);
            return resume;
        }
        if name == "plaintext" {
            self.text(tag.end, self.bytes.len());
            self.truncate_attrs(from);
            return self.bytes.len();
        }
        if name == "input" {
            self.input_button(from, name);
        }
        self.page_marks(tag, lt, name);
        let void = is_void(name) || (tag.self_closing && self.foreign > 0);
        if !void {
            self.push_open(tag, lt, name);
        }
        if name == "br" {
            self.b.brk(lt);
        }
        self.truncate_attrs(from);
        tag.end
    }

    /// What an element's start tag tells about the document: `<html lang>`, script sources,
    /// foreign (SVG, MathML) content.
    fn element_facts(&mut self, from: usize, name: &str) {
        match name {
            "html" => {
                if let Some(lang) = self.attr(from, "lang") {
                    let primary = lang.split(['-', '_']).next().unwrap_or("").trim();
                    if !primary.is_empty() {
                        self.out.lang = Some(primary.to_ascii_lowercase());
                    }
                }
            }
            "script" => {
                if let Some(src) = self.attr(from, "src") {
                    self.out.scripts.push(src.into_owned());
                }
            }
            "svg" | "math" => self.foreign += 1,
            _ => {}
        }
    }

    /// A raw-text or RCDATA element (`script`, `style`, `title`, `textarea`, ...): its content
    /// up to the matching end tag is not markup (an unclosed one runs to the end). JSON-LD
    /// declares types; the title is scanned. Returns where scanning resumes.
    fn raw_text_element(&mut self, tag: &Tag, lt: usize, name: &str) -> usize {
        let from = tag.attrs_from;
        let resume = if tag.end >= self.bytes.len() {
            tag.end
        } else {
            raw_text_end(self.bytes, tag.end, name)
        };
        if name == "script"
            && self
                .attr(from, "type")
                .is_some_and(|t| t.eq_ignore_ascii_case("application/ld+json"))
        {
            for kind in json_ld_types(&self.bytes[tag.end..resume]) {
                self.declare(kind, (lt, resume));
            }
        }
        if name == "title" && self.foreign == 0 && self.hidden == 0 {
            self.title(tag.end, resume);
        }
        if name == "textarea" || name == "title" {
            self.b.brk(resume);
        }
        resume
    }

    /// `<input type=submit|button value=...>`: the value is button text.
    fn input_button(&mut self, from: usize, name: &str) {
        let kind = self
            .attr(from, "type")
            .unwrap_or_default()
            .to_ascii_lowercase();
        if matches!(kind.as_str(), "submit" | "button")
            && self.hidden == 0
            && !self.is_hidden(from, name)
            && let Some((s, e)) = self.attr_range(from, "value")
        {
            self.b.brk(s);
            self.scoped_text(s, e, Scope::Button);
        }
    }

    /// Opens a non-void element: implied end tags first (`p`, `li`, an `a` inside an `a`),
    /// then onto the stack (up to [`MAX_DEPTH`]).
    fn push_open(&mut self, tag: &Tag, lt: usize, name: &str) {
        if let Some(top) = self.stack.last()
            && closes(name, top.name.as_str())
        {
            let open = self.stack.pop().expect("top exists");
            self.close(open, lt);
        }
        if name == "a"
            && let Some(i) = self.stack.iter().rposition(|o| o.link.is_some())
        {
            // An anchor inside an anchor closes the first.
            self.pop_to(i, lt);
        }
        if self.stack.len() >= MAX_DEPTH {
            self.overflow += 1;
        } else {
            let open = self.open(tag, lt);
            self.stack.push(open);
        }
    }

    fn open(&mut self, tag: &Tag, lt: usize) -> Open {
        let from = tag.attrs_from;
        let name = tag.name.as_str();
        let hidden = self.is_hidden(from, name);
        let class = self.attr(from, "class");
        // A class token holds a word (without white space) when the class value does.
        let class_has = |words: &[&str]| {
            class
                .as_deref()
                .is_some_and(|c| words.iter().any(|w| contains_ci(c, w)))
        };
        let role = self.attr(from, "role");
        let role_is = |r: &str| role.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(r));
        let button =
            name == "button" || role_is("button") || (name == "a" && class_has(&["btn", "button"]));
        let footer = name == "footer"
            || role_is("contentinfo")
            || (matches!(name, "div" | "section" | "aside")
                && (self
                    .attr(from, "id")
                    .is_some_and(|i| contains_ci(&i, "footer"))
                    || class_has(&["footer"])));
        let link = if name == "a"
            && let Some(href) = self.attr(from, "href")
        {
            let rel = self
                .attr(from, "rel")
                .map(|r| {
                    r.split_ascii_whitespace()
                        .map(|t| t.to_ascii_lowercase())
                        .collect()
                })
                .unwrap_or_default();
            // Lower-cased only when kept: most anchors have a few other attributes.
            let plugin_attrs = self.attrs[from..]
                .iter()
                .map(|a| &self.doc[a.name.0..a.name.1])
                .filter(|n| is_plugin_attr(n))
                .map(str::to_ascii_lowercase)
                .collect();
            self.out.links.push(RawLink {
                href: href.trim().to_string(),
                rel,
                class: class.as_deref().map(str::to_string),
                plugin_attrs,
                start: lt,
                end: tag.end,
                text_pos: self.b.text.len(),
                hidden: hidden || self.hidden > 0,
                ..RawLink::default()
            });
            self.link_text_from.push(self.b.text.len());
            Some(self.out.links.len() - 1)
        } else {
            None
        };
        let heading = is_heading(name);
        if name == "h1" && self.out.h1.is_none() && self.h1_from.is_none() && !hidden {
            self.h1_from = Some(self.b.text.len());
        }
        if name == "form" {
            self.forms += 1;
        }
        let open = Open {
            name: tag.name,
            hidden,
            button,
            heading,
            footer,
            link,
        };
        self.count(&open, 1);
        open
    }

    fn count(&mut self, open: &Open, up: isize) {
        let step = |v: &mut usize| *v = v.saturating_add_signed(up);
        if open.hidden {
            step(&mut self.hidden);
        }
        if open.button {
            step(&mut self.buttons);
        }
        if open.link.is_some() {
            step(&mut self.links_open);
        }
        if open.heading {
            step(&mut self.headings);
        }
        if open.footer {
            if up > 0 && self.footers == 0 {
                self.footer_start = self.b.text.len();
            }
            step(&mut self.footers);
            if up < 0 && self.footers == 0 {
                self.out.footer.push((self.footer_start, self.b.text.len()));
            }
        }
    }

    fn close(&mut self, open: Open, end: usize) {
        if let Some(i) = open.link {
            let from = self.link_text_from.pop().unwrap_or(self.b.text.len());
            let link = &mut self.out.links[i];
            link.end = end.max(link.end);
            link.text = self.b.text[from.min(self.b.text.len())..]
                .trim()
                .to_string();
        }
        match open.name.as_str() {
            "svg" | "math" => self.foreign = self.foreign.saturating_sub(1),
            "form" => self.forms = self.forms.saturating_sub(1),
            "h1" => {
                if let Some(from) = self.h1_from.take() {
                    let to = self.b.text.trim_end().len();
                    if to > from {
                        self.out.h1 = Some((from, to));
                    }
                }
            }
            _ => {}
        }
        self.count(&open, -1);
    }

    fn pop_to(&mut self, i: usize, end: usize) {
        while self.stack.len() > i {
            let open = self.stack.pop().expect("len > i");
            self.close(open, end);
        }
    }

    fn end_tag(&mut self, name: Name, lt: usize, end: usize) {
        let n = name.as_str();
        if !is_inline(n) {
            self.b.brk(lt);
        }
        if n == "br" {
            return;
        }
        if let Some(i) = self.stack.iter().rposition(|o| o.name == name) {
            self.pop_to(i, end);
        } else if self.overflow > 0 {
            self.overflow -= 1;
        }
    }
}

/// A page type declared in markup (Open Graph, schema.org microdata or JSON-LD).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageType {
    /// A product for sale.
    Product,
    /// An article, news article or blog post.
    Article,
    /// A recipe.
    Recipe,
}

impl PageType {
    /// The type of a schema.org type name; a JSON-LD `Product` counts only with `offers`.
    fn from_schema(name: &str, offers: bool) -> Option<PageType> {
        match name.to_ascii_lowercase().as_str() {
            "product" if offers => Some(PageType::Product),
            "offer" | "aggregateoffer" => Some(PageType::Product),
            "article" | "newsarticle" | "blogposting" | "reportagenewsarticle" => {
                Some(PageType::Article)
            }
            "recipe" => Some(PageType::Recipe),
            _ => None,
        }
    }
}

/// The page types a JSON-LD block declares (`"@type": "Recipe"`, ...).
fn json_ld_types(body: &[u8]) -> Vec<PageType> {
    static TYPE: std::sync::LazyLock<regex::bytes::Regex> = std::sync::LazyLock::new(|| {
        regex::bytes::Regex::new(r#""@type"\s*:\s*"([A-Za-z]{1,40})""#).expect("pattern compiles")
    });
    let offers = memmem::find(body, b"\"offers\"").is_some();
    let mut kinds: Vec<PageType> = TYPE
        .captures_iter(body)
        .filter_map(|c| PageType::from_schema(std::str::from_utf8(&c[1]).ok()?, offers))
        .collect();
    kinds.dedup();
    kinds
}

/// Where a comment starting at `lt` (`<!--`) ends.
fn comment_end(b: &[u8], lt: usize) -> usize {
    let body = lt + 4;
    if b[body..].starts_with(b">") {
        return body + 1;
    }
    if b[body..].starts_with(b"->") {
        return body + 2;
    }
    memmem::find(&b[body..], b"-->").map_or(b.len(), |e| body + e + 3)
}

/// How far [`find_near`] looks 16 bytes at a time before it hands the rest to `memchr`. Bench
/// WARC.gz under cachegrind: 3.360 G instructions with 32 and with 128, 3.342 G with 64.
const NEAR: usize = 64;

/// The first `needle` in `hay`. The tokenizer's searches (the next `<`, the `>` of a tag, the
/// quote that closes an attribute value) mostly end within a few dozen bytes, where `memchr`'s
/// set-up for long haystacks cost ~48 instructions a call (2.3 M calls in a `-j1` scan of the
/// bench WARC.gz, wave 2, session 19): the first [`NEAR`] bytes are looked at 16 at a time
/// inline, the last 16 of a short `hay` in one load that overlaps those already seen, and only
/// the rest goes to `memchr`.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
pub(crate) fn find_near(needle: u8, hay: &[u8]) -> Option<usize> {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };
    // Bit `j` set where `hay[at + j] == needle`.
    let hits = |at: usize| {
        let chunk = &hay[at..at + 16];
        // SAFETY: SSE2 is part of x86-64, and the load reads the 16 bytes of `chunk`.
        unsafe {
            let v = _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>());
            _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(needle as i8))) as u32
        }
    };
    if hay.len() < 16 {
        return hay.iter().position(|&b| b == needle);
    }
    let mut i = 0;
    while i + 16 <= hay.len().min(NEAR) {
        let m = hits(i);
        if m != 0 {
            return Some(i + m.trailing_zeros() as usize);
        }
        i += 16;
    }
    if i == hay.len() {
        return None;
    }
    if hay.len() <= NEAR {
        // The last 16 bytes; those before `i` are known not to match.
        let last = hay.len() - 16;
        let m = hits(last) >> (i - last);
        return (m != 0).then(|| i + m.trailing_zeros() as usize);
    }
    memchr::memchr(needle, &hay[i..]).map(|j| i + j)
}

#[cfg(not(target_arch = "x86_64"))]
pub(crate) fn find_near(needle: u8, hay: &[u8]) -> Option<usize> {
    memchr::memchr(needle, hay)
}

/// Where the raw text of element `name` that starts at `from` ends: just past its end tag.
fn raw_text_end(b: &[u8], from: usize, name: &str) -> usize {
    let finder = memmem::Finder::new(b"</");
    let mut at = from;
    while let Some(e) = finder.find(&b[at..]) {
        let s = at + e + 2;
        let n = name.len();
        if b.len() >= s + n
            && b[s..s + n].eq_ignore_ascii_case(name.as_bytes())
            && b.get(s + n)
                .is_none_or(|c| c.is_ascii_whitespace() || *c == b'/' || *c == b'>')
        {
            return find_near(b'>', &b[s..]).map_or(b.len(), |g| s + g + 1);
        }
        at = s;
    }
    b.len()
}

/// An attribute name affiliate plugins put on the links they make (`data-lasso-id`,
/// `data-amzn-asin`, ...), in any ASCII case.
fn is_plugin_attr(name: &str) -> bool {
    let starts = |p: &str| {
        name.get(..p.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(p))
    };
    [
        "data-linkid",
        "data-lasso-id",
        "data-lasso-name",
        "data-nolasso",
    ]
    .iter()
    .any(|n| name.eq_ignore_ascii_case(n))
        || starts("data-amzn")
        || starts("data-aff")
}

/// True when `hay` holds `needle` (lower-case ASCII) with ASCII case folded, without a
/// lower-cased copy.
fn contains_ci(hay: &str, needle: &str) -> bool {
    let n = needle.as_bytes();
    hay.as_bytes()
        .windows(n.len())
        .any(|w| w.eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `find_near` finds what `memchr` finds: haystacks of every length up to past [`NEAR`],
    /// the needle at every place, twice, or not at all, and bytes that differ from it by one
    /// bit.
    #[test]
    fn find_near_equals_memchr() {
        for len in 0..200 {
            let base: Vec<u8> = (0..len).map(|i| b'a' + (i % 7) as u8).collect();
            let mut hays = vec![base.clone()];
            for at in 0..len {
                let mut h = base.clone();
                h[at] = b'<';
                hays.push(h.clone());
                h[(at * 7 + 3) % len] = b'<';
                h[(at * 3) % len] = b'<' ^ 0x80;
                hays.push(h);
            }
            for h in &hays {
                assert_eq!(find_near(b'<', h), memchr::memchr(b'<', h), "{h:?}");
            }
        }
    }

    #[test]
    fn styles_that_hide() {
        for s in [
            "display:none",
            "color: red; DISPLAY : None !important",
            "visibility:\thidden",
            "display:no ne",
        ] {
            assert!(style_hides(s), "{s}");
        }
        for s in [
            "",
            "display:block",
            "visibility:visible",
            "displ\u{e4}y:none",
            "none",
        ] {
            assert!(!style_hides(s), "{s}");
        }
    }

    #[test]
    fn attribute_names_are_found_in_any_case_after_other_tags() {
        assert_eq!(name_bit(b"HREF"), name_bit(b"href"));
        let ex = extract_html(
            "<p class=x>a</p><A HRef='https://e.example/1' REL=sponsored>b</A><a>c</a>\
             <a id=y href=\"https://e.example/2\">d</a>",
        );
        let links: Vec<(&str, &[String])> = (ex.links.iter())
            .map(|l| (l.href.as_str(), l.rel.as_slice()))
            .collect();
        assert_eq!(
            links,
            [
                ("https://e.example/1", &["sponsored".to_string()][..]),
                ("https://e.example/2", &[][..])
            ]
        );
    }

    #[test]
    fn contains_ci_folds_ascii_case_only() {
        assert!(contains_ci("site-FOOTER wide", "footer"));
        assert!(contains_ci("Footer", "footer"));
        assert!(!contains_ci("foot er", "footer"));
        assert!(!contains_ci("", "btn"));
        assert!(!contains_ci("ʙtn", "btn"), "no Unicode folding");
    }

    fn text(doc: &str) -> String {
        extract_html(doc).text
    }

    #[test]
    fn ignore_comments_are_recorded_with_their_next_block() {
        let doc = "<p>Intro</p><!-- puffery-ignore urgency --><ul><li>Only 2 left!</li>\
            <li>Sale ends tonight</li></ul><script>var x = '<!-- puffery-ignore-file -->';</script>\
            <!--puffery-ignore-file cta-->";
        let ex = extract_html(doc);
        let c = &ex.ignore_comments;
        assert_eq!(c.len(), 2, "{c:?}");
        assert_eq!(
            (c[0].file, c[0].ids.as_slice()),
            (false, &["urgency".to_string()][..])
        );
        let (s, e) = c[0].block(&ex.text);
        assert_eq!(&ex.text[s..e].trim(), &"Only 2 left!");
        assert!(doc[..c[0].end].ends_with("urgency -->"));
        // Inside a script it is text of the script, not a comment.
        assert_eq!(
            (c[1].file, c[1].ids.as_slice()),
            (true, &["cta".to_string()][..])
        );
        assert!(!ex.text.contains("puffery"));
    }

    #[test]
    fn invisible_markup_is_skipped() {
        let doc = "<head><style>.a{}</style></head><body>\
            <script>var a = '<p>Order now</p>';</script>\
            <script type=\"application/ld+json\">{\"offer\":\"today only\"}</script>\
            <noscript>Shop now</noscript><template><p>Act now</p></template>\
            <!-- limited time --><div hidden>Only 3 left</div>\
            <div style=\"DISPLAY : none\">Buy it</div>\
            <div style=\"visibility:hidden\">Sale</div><p>Visible</p></body>";
        assert_eq!(text(doc), "Visible");
    }

    #[test]
    fn aria_hidden_is_not_invisible() {
        // Saved pages often have a modal open, with aria-hidden on everything behind it.
        let doc = "<div aria-hidden=\"true\"><p>Add to cart</p></div><p>Visible</p>";
        assert_eq!(text(doc), "Add to cart\nVisible");
    }

    #[test]
    fn title_is_a_heading_and_svg_title_is_not_text() {
        let doc = "<head><title>Guaranteed &amp; Sponsored</title></head><body>\
            <svg><title>icon</title></svg><h1>Top <b>pick</b></h1><p>Body</p></body>";
        let ex = extract_html(doc);
        assert_eq!(ex.text, "Guaranteed & Sponsored\nTop pick\nBody");
        assert_eq!(ex.scope_at(0), Scope::Heading);
        let (s, e) = ex.title.unwrap();
        assert_eq!(&ex.text[s..e], "Guaranteed & Sponsored");
        let (s, e) = ex.h1.unwrap();
        assert_eq!(&ex.text[s..e], "Top pick");
        assert_eq!(ex.scope_at(ex.text.find("Body").unwrap()), Scope::Text);
    }

    #[test]
    fn page_marks() {
        let ex = extract_html(
            "<link rel=\"Canonical\" href=\" https://shop.example/p/1 \">\
             <meta property=\"og:url\" content=\"https://other.example/\">\
             <span itemprop=\"price\">19.50</span>\
             <form action=\"/cart/add\"><button id=\"x\">Kaufen</button></form>\
             <form><input type=\"tel\" name=\"p\"></form>",
        );
        assert_eq!(ex.page_url.as_deref(), Some("https://shop.example/p/1"));
        assert!(ex.price_markup.is_some());
        assert!(ex.cart_markup.is_some());
        assert!(ex.lead_form.is_some());
        let og = extract_html("<meta property=\"og:url\" content=\"https://a.example/x\"><p>t</p>");
        assert_eq!(og.page_url.as_deref(), Some("https://a.example/x"));
        let plain = extract_html("<p>Call us</p><input type=tel>");
        assert!(plain.lead_form.is_none() && plain.cart_markup.is_none());
    }

    #[test]
    fn blocks_break_inline_joins() {
        assert_eq!(text("<p>Shop</p><p>now</p>"), "Shop\nnow");
        assert_eq!(text("<p><b>Shop</b> <i>now</i></p>"), "Shop now");
        assert_eq!(text("<p>Shop<br>now</p>"), "Shop\nnow");
    }

    #[test]
    fn offsets_point_into_the_source() {
        let doc = "<p>A &ldquo;proven&rdquo; <b>cure</b>&nbsp;for all</p>";
        let ex = extract_html(doc);
        assert_eq!(ex.text, "A \"proven\" cure for all");
        let at = ex.text.find("\"proven\" cure").unwrap();
        let (s, e) = (ex.map.start(at), ex.map.end(at + "\"proven\" cure".len()));
        assert_eq!(&doc[s..e], "&ldquo;proven&rdquo; <b>cure");
    }

    #[test]
    fn malformed_markup_survives() {
        assert_eq!(text("<p>a < b and c<d</p>"), "a < b and c");
        assert_eq!(text("<div class=\"x>never closed"), "");
        assert_eq!(text("<script>never closed"), "");
        assert_eq!(text("</div></span>text<p>"), "text");
        assert_eq!(text("<!-->x<!--->y"), "xy");
        // An unclosed title runs to the end; its range stays inside the trimmed text.
        let ex = extract_html("<title>Sponsored: open  \n ");
        assert_eq!(ex.text, "Sponsored: open");
        assert_eq!(ex.title, Some((0, ex.text.len())));
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let doc = "<div>".repeat(100_000) + "deep" + &"</div>".repeat(100_000);
        assert_eq!(text(&doc), "deep");
    }

    /// Affiliate plugins' attribute names are kept, lower-cased, in any case; names that only
    /// look like them are not.
    #[test]
    fn plugin_attributes_of_links() {
        let doc = "<a href=x DATA-AMZN-ASIN=B0 data-Aff-Id=3 data-linkidx=1 data-af=2 \
            Data-NoLasso data-lasso-name=n data-linkid=9 title=t>x</a>";
        let ex = extract_html(doc);
        assert_eq!(
            ex.links[0].plugin_attrs,
            [
                "data-amzn-asin",
                "data-aff-id",
                "data-nolasso",
                "data-lasso-name",
                "data-linkid"
            ]
        );
    }

    #[test]
    fn links_and_scopes() {
        let doc = "<h2>Best deal</h2><a class=\"btn btn-primary\" href=\"/go/x?a=1&amp;b=2\" \
            data-lasso-id=7>Buy</a> <a href=x>plain</a><button>Add to cart</button>\
            <input type=submit value=\"Order now\"><footer><p>As an Amazon Associate</p></footer>";
        let ex = extract_html(doc);
        assert_eq!(ex.links[0].href, "/go/x?a=1&b=2");
        assert_eq!(ex.links[0].plugin_attrs, ["data-lasso-id"]);
        assert_eq!(
            &doc[ex.links[0].start..ex.links[0].end],
            "<a class=\"btn btn-primary\" href=\"/go/x?a=1&amp;b=2\" data-lasso-id=7>Buy</a>"
        );
        let scope = |p: &str| ex.scope_at(ex.text.find(p).unwrap());
        assert_eq!(scope("Best"), Scope::Heading);
        assert_eq!(scope("Buy"), Scope::Button);
        assert_eq!(scope("plain"), Scope::Link);
        assert_eq!(scope("Add to"), Scope::Button);
        assert_eq!(scope("Order"), Scope::Button);
        assert!(ex.in_footer(ex.text.find("As an").unwrap()));
        assert!(!ex.in_footer(ex.text.find("Best").unwrap()));
    }

    #[test]
    fn product_markup() {
        let og = extract_html("<meta property=\"og:type\" content=\"product\"><p>x</p>");
        assert_eq!(og.product, Some((0, 43)));
        let item = extract_html("<div itemscope itemtype=\"https://schema.org/Product\">x</div>");
        assert!(item.product.is_some());
        let ld = extract_html(
            "<script type=\"application/ld+json\">{\"@type\": \"Product\", \"offers\": {}}</script>",
        );
        assert!(ld.product.is_some());
        let article = extract_html(
            "<meta property=\"og:type\" content=\"article\"><div itemtype=\"https://schema.org/Article\">",
        );
        assert!(article.product.is_none());
    }

    #[test]
    fn lang_and_scripts() {
        let ex = extract_html(
            "<html lang=\"de-DE\"><script src=\"//s.skimresources.com/js/1.skimlinks.js\"></script>",
        );
        assert_eq!(ex.lang.as_deref(), Some("de"));
        assert_eq!(ex.scripts, ["//s.skimresources.com/js/1.skimlinks.js"]);
    }
}

#[cfg(test)]
mod cart_tests {
    use super::*;

    /// Every text the cart automaton matches holds "add" or "buy": the pre-check passes over
    /// nothing it would find. Each name in three cases inside other text, and every
    /// three-letter window of a few hundred pseudo-random letters and signs.
    #[test]
    fn the_cart_pre_check_keeps_every_cart_name() {
        for n in CART_NAME_LIST {
            for v in [
                n.to_string(),
                n.to_ascii_uppercase(),
                format!("x {}y", n.replace('a', "A")),
            ] {
                assert!(CART_NAMES.is_match(&v) && has_add_or_buy(&v), "{v}");
            }
        }
        let alphabet = b"aAdDbBuUyYcCtTo-_/ ";
        let mut x = 7u32;
        let junk: String = (0..600)
            .map(|_| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                alphabet[(x >> 16) as usize % alphabet.len()] as char
            })
            .collect();
        for i in 0..junk.len() - 12 {
            let v = &junk[i..i + 12];
            assert!(!CART_NAMES.is_match(v) || has_add_or_buy(v), "{v}");
        }
        assert!(has_add_or_buy("xAdD") && has_add_or_buy("bUy"));
        assert!(!has_add_or_buy("a-d-d b_u_y") && !has_add_or_buy("ad"));
    }

    /// The first attribute of a name counts, entities are decoded, case is folded.
    #[test]
    fn cart_controls_are_named_by_the_first_attribute_of_each_name() {
        let cart = |html: &str| extract_html(html).cart_markup.is_some();
        assert!(cart("<button class=\"btn ADD-TO-CART\">Add</button>"));
        assert!(cart("<button class=\"x\" id=\"buy&#95;now\">Buy</button>"));
        assert!(cart(
            "<form action=\"/Cart/Add\"><button>Add</button></form>"
        ));
        assert!(!cart(
            "<button class=\"btn\" class=\"add-to-cart\">Add</button>"
        ));
        assert!(!cart(
            "<button title=\"add-to-cart\" class=\"add to cart\">Add</button>"
        ));
    }
}
