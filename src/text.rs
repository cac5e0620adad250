//! Scannable text with a map back to the source.
//!
//! Both extractors (plain text here, HTML in the `html` module) build one normalized text: runs
//! of whitespace become one space, block boundaries a newline, typographic quotes straight ones,
//! entities their characters. Every piece remembers the source bytes it came from in an
//! [`OffsetMap`], so a match in the text maps back to exact byte offsets in the input.
//!
//! ```
//! use puffery::text::extract_text;
//! let doc = "Buy  it\u{00A0}now: https://amzn.to/3abc.";
//! let ex = extract_text(doc);
//! assert_eq!(ex.text, "Buy it now: https://amzn.to/3abc.");
//! let at = ex.text.find("it now").unwrap();
//! let (s, e) = (ex.map.start(at), ex.map.end(at + "it now".len()));
//! assert_eq!(&doc[s..e], "it\u{00A0}now");
//! assert_eq!(ex.links[0].href, "https://amzn.to/3abc");
//! ```

use std::sync::LazyLock;

use crate::matcher::fold_char;
use crate::rules::Scope;

/// One piece of the map: `text_len` bytes of text at `text` came from `src_len` bytes of
/// source at `src`. Equal lengths map byte for byte; others map as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seg {
    /// Offset in the text.
    pub text: usize,
    /// Offset in the source.
    pub src: usize,
    /// Length in the text.
    pub text_len: usize,
    /// Length in the source.
    pub src_len: usize,
}

/// Maps offsets in a derived text back to its source.
#[derive(Clone, Debug, Default)]
pub struct OffsetMap {
    segs: Vec<Seg>,
}

impl OffsetMap {
    /// The source offset where text offset `pos` starts.
    pub fn start(&self, pos: usize) -> usize {
        self.map(pos, false)
    }

    /// The source offset where text offset `pos` ends (for exclusive end offsets).
    pub fn end(&self, pos: usize) -> usize {
        self.map(pos, true)
    }

    /// Maps a text offset: inside a segment that maps byte for byte, to the same byte; inside
    /// one that maps as a whole, to its start (a start offset) or its end (an end offset).
    fn map(&self, pos: usize, end: bool) -> usize {
        // The last non-empty segment that starts before pos (or at it, for a start offset).
        let i = self
            .segs
            .partition_point(|s| if end { s.text < pos } else { s.text <= pos });
        let Some(seg) = self.segs[..i].iter().rev().find(|s| s.text_len > 0) else {
            return self.segs.first().map_or(pos, |s| s.src);
        };
        if pos >= seg.text + seg.text_len {
            seg.src + seg.src_len
        } else if seg.text_len == seg.src_len {
            seg.src + (pos - seg.text)
        } else if end {
            seg.src + seg.src_len
        } else {
            seg.src
        }
    }

    /// True when every text byte maps to the same source byte (nothing was changed).
    pub fn is_identity(&self) -> bool {
        self.segs
            .iter()
            .all(|s| s.text == s.src && s.text_len == s.src_len)
    }

    /// The segments, in text order.
    pub fn segs(&self) -> &[Seg] {
        &self.segs
    }

    /// Appends a segment, merging it into the last one when both map byte for byte and touch.
    pub fn push(&mut self, seg: Seg) {
        if let Some(last) = self.segs.last_mut()
            && seg.text_len == seg.src_len
            && last.text_len == last.src_len
            && last.text + last.text_len == seg.text
            && last.src + last.src_len == seg.src
        {
            last.text_len += seg.text_len;
            last.src_len += seg.src_len;
            return;
        }
        self.segs.push(seg);
    }
}

/// Decodes the character reference at the start of its argument (`&amp;...`): the
/// character(s) it stands for and the bytes it takes. The HTML extractor passes its own
/// (`html::entities`); plain text has none.
pub type EntityDecoder = fn(&str) -> Option<((char, Option<char>), usize)>;

/// Builds normalized text and its map.
#[derive(Debug, Default)]
pub struct TextBuilder {
    /// The text built so far.
    pub text: String,
    map: OffsetMap,
    entities: Option<EntityDecoder>,
}

impl TextBuilder {
    /// A builder; `entities` decodes character references (HTML text).
    pub fn new(entities: Option<EntityDecoder>) -> TextBuilder {
        TextBuilder {
            text: String::new(),
            map: OffsetMap::default(),
            entities,
        }
    }

    /// Appends source text `s` found at `src` unchanged.
    pub fn push_copy(&mut self, s: &str, src: usize) {
        if s.is_empty() {
            return;
        }
        let text = self.text.len();
        self.text.push_str(s);
        self.map.push(Seg {
            text,
            src,
            text_len: s.len(),
            src_len: s.len(),
        });
    }

    /// Appends `s` standing for `src_len` source bytes at `src`.
    pub fn push_replace(&mut self, s: &str, src: usize, src_len: usize) {
        let text = self.text.len();
        self.text.push_str(s);
        self.map.segs.push(Seg {
            text,
            src,
            text_len: s.len(),
            src_len,
        });
    }

    fn ends_blank(&self) -> bool {
        self.text.is_empty() || self.text.ends_with([' ', '\n'])
    }

    /// A word gap at source offset `src` (an inline tag with white space around it, `<img>`).
    pub fn space(&mut self, src: usize) {
        if !self.ends_blank() {
            self.push_replace(" ", src, 0);
        }
    }

    /// A block boundary at source offset `src`: phrases never match across it.
    pub fn brk(&mut self, src: usize) {
        if self.text.is_empty() || self.text.ends_with('\n') {
            return;
        }
        if self.text.ends_with(' ') {
            // Turn the trailing space into the break; it keeps its source.
            self.text.pop();
            self.text.push('\n');
            return;
        }
        self.push_replace("\n", src, 0);
    }

    /// Appends raw source text found at `src`: whitespace collapses, quotes fold, and (for HTML)
    /// entities decode. With `paragraphs`, two or more newlines make a block break.
    pub fn push_text(&mut self, raw: &str, src: usize, paragraphs: bool) {
        self.push_text_skipping(raw, src, paragraphs, plain_run);
    }

    /// [`TextBuilder::push_text`], passing over the bytes `skip` says are plain (a test gives
    /// a `skip` that passes over none, the byte-by-byte reference).
    fn push_text_skipping(
        &mut self,
        raw: &str,
        src: usize,
        paragraphs: bool,
        skip: fn(&[u8]) -> usize,
    ) {
        let bytes = raw.as_bytes();
        let mut i = 0;
        let mut copy_from = 0;
        while i < bytes.len() {
            if copy_from < i {
                i += skip(&bytes[i..]);
                if i >= bytes.len() {
                    break;
                }
            }
            let b = bytes[i];
            // A continuation byte of a character a plain run ended inside of (see plain_run).
            if (0x21..0x80).contains(&b) && b != b'&' || (0x80..0xC0).contains(&b) {
                i += 1;
                continue;
            }
            let blank = |b: u8| b.is_ascii_whitespace() || b == 0 || b == 0x0B;
            // One space between two words stays as it is: part of the run being copied (the
            // run so far is not blank), not a segment of its own.
            if b == b' ' && copy_from < i && !bytes.get(i + 1).is_some_and(|&n| blank(n)) {
                i += 1;
                continue;
            }
            if blank(b) {
                self.push_copy(&raw[copy_from..i], src + copy_from);
                let ws_start = i;
                let mut newlines = 0;
                while i < bytes.len() && blank(bytes[i]) {
                    newlines += usize::from(bytes[i] == b'\n');
                    i += 1;
                }
                if paragraphs && newlines >= 2 {
                    self.brk(src + ws_start);
                } else if !self.ends_blank() {
                    self.push_replace(" ", src + ws_start, i - ws_start);
                }
                copy_from = i;
                continue;
            }
            if b == b'&' {
                if let Some(decode) = self.entities
                    && let Some((decoded, len)) = decode(&raw[i..])
                {
                    self.push_copy(&raw[copy_from..i], src + copy_from);
                    self.push_entity(decoded, src + i, len);
                    i += len;
                    copy_from = i;
                    continue;
                }
                i += 1;
                continue;
            }
            // Non-ASCII (or a control byte): fold or drop.
            let c = raw[i..].chars().next().unwrap_or(' ');
            let len = c.len_utf8();
            if let Some(f) = fold_char(c) {
                self.push_copy(&raw[copy_from..i], src + copy_from);
                if f == ' ' {
                    if !self.ends_blank() {
                        self.push_replace(" ", src + i, len);
                    }
                } else {
                    self.push_replace(f.encode_utf8(&mut [0u8; 4]), src + i, len);
                }
                copy_from = i + len;
            } else if is_invisible(c) || (c.is_control() && c != '\t') {
                self.push_copy(&raw[copy_from..i], src + copy_from);
                copy_from = i + len;
            }
            i += len;
        }
        self.push_copy(&raw[copy_from..], src + copy_from);
    }

    /// Appends the character(s) of a character reference of `len` bytes at `src`, folded.
    fn push_entity(&mut self, decoded: (char, Option<char>), src: usize, len: usize) {
        let c = fold_char(decoded.0).unwrap_or(decoded.0);
        if c == ' ' {
            if !self.ends_blank() {
                self.push_replace(" ", src, len);
            }
        } else if !is_invisible(c) {
            let mut buf = [0u8; 8];
            let n = c.encode_utf8(&mut buf).len();
            let n = n + decoded.1.map_or(0, |d| d.encode_utf8(&mut buf[n..]).len());
            let s = std::str::from_utf8(&buf[..n]).unwrap_or(" ");
            self.push_replace(s, src, len);
        }
    }

    /// The finished text and map, without trailing white space.
    pub fn finish(mut self) -> (String, OffsetMap) {
        while self.text.ends_with([' ', '\n']) {
            self.text.pop();
            let len = self.text.len();
            while let Some(last) = self.map.segs.last_mut() {
                if last.text >= len {
                    self.map.segs.pop();
                } else {
                    if last.text + last.text_len > len {
                        let cut = last.text + last.text_len - len;
                        if last.text_len == last.src_len {
                            last.src_len -= cut;
                        }
                        last.text_len -= cut;
                    }
                    break;
                }
            }
        }
        (self.text, self.map)
    }
}

/// How many leading bytes of `b` [`TextBuilder::push_text`] copies as they are, eight at a time
/// (a multiple of eight; the rest goes byte by byte): printable ASCII but `&`, a space
/// followed by a byte above `0x20` (a space between words), and the bytes of non-ASCII
/// characters that do not start with one of [`ATTENTION_LEADS`]. Anything else (white space,
/// a space before white space, control bytes, `&`, the first byte of a character that may
/// fold, vanish or be a control) ends the run, where `push_text` looks at it. Measured on the
/// bench JSONL: `push_text` went from ~14 instructions a byte to ~3.
///
/// `b` starts at a character boundary, so a continuation byte in a run belongs to a character
/// whose first byte the run passed over; a run may end inside such a character, and push_text
/// passes over the rest of it.
#[cfg(not(target_arch = "x86_64"))]
fn plain_run(b: &[u8]) -> usize {
    plain_words(b)
}

/// [`plain_run`] with SSE2, which every x86-64 processor has: 16 bytes at a time (two
/// unaligned loads, the bytes and the bytes after them, a few compares and one `movemask`),
/// then eight at a time ([`plain_words`]) for the rest. Bench JSONL under cachegrind:
/// `push_text` 279 -> 158 M instructions, the scan 3.904 -> 3.784 G (wave 2, session 13).
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
fn plain_run(b: &[u8]) -> usize {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_andnot_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_cmplt_epi8,
        _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_setzero_si128,
    };
    let mut i = 0;
    while i + 17 <= b.len() {
        let (at, after) = (&b[i..i + 16], &b[i + 1..i + 17]);
        // SAFETY: SSE2 is part of x86-64, and each load reads the 16 bytes of its slice.
        let plain = unsafe {
            let v = _mm_loadu_si128(at.as_ptr().cast::<__m128i>());
            let next = _mm_loadu_si128(after.as_ptr().cast::<__m128i>());
            // Signed compares: a byte of 0x80 or more is negative.
            let printable = _mm_cmpgt_epi8(v, _mm_set1_epi8(0x20));
            let amp = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'&' as i8));
            let space = _mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8));
            let next_not_blank = _mm_or_si128(
                _mm_cmplt_epi8(next, _mm_setzero_si128()),
                _mm_cmpgt_epi8(next, _mm_set1_epi8(0x20)),
            );
            let word = _mm_andnot_si128(amp, printable);
            let plain = _mm_or_si128(word, _mm_and_si128(space, next_not_blank));
            // Non-ASCII bytes but the first bytes of characters push_text looks at.
            let high = _mm_cmplt_epi8(v, _mm_setzero_si128());
            let attention = ATTENTION_LEADS.iter().fold(_mm_setzero_si128(), |m, &l| {
                _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8(l as i8)))
            });
            _mm_movemask_epi8(_mm_or_si128(plain, _mm_andnot_si128(attention, high))) as u32
        };
        if plain != 0xffff {
            return i + (!plain).trailing_zeros() as usize;
        }
        i += 16;
    }
    i + plain_words(&b[i..])
}

/// [`plain_run`] eight bytes at a time in a `u64` (the form without SSE2, and the rest after
/// the SSE2 loop).
fn plain_words(b: &[u8]) -> usize {
    const L: u64 = 0x0101_0101_0101_0101;
    const H: u64 = 0x8080_8080_8080_8080;
    // Per byte of a 7-bit `x`: the high bit is set where `x >= n` (no carry leaves a byte).
    let at_least = |x: u64, n: u64| (x + (0x80 - n) * L) & H;
    // Per byte of a 7-bit `x`: the high bit is set where `x == n`.
    let equal = |x: u64, n: u64| !((x ^ (n * L)) + 0x7F * L) & H;
    // Per byte of any `w`: the high bit is set where `w == n` (no carry leaves a byte).
    let exact = |w: u64, n: u8| {
        let z = w ^ (u64::from(n) * L);
        !(((z & !H) + !H) | z) & H
    };
    let mut i = 0;
    while i + 9 <= b.len() {
        let word = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap_or([0; 8]));
        let (w, next) = (word(i), word(i + 1));
        let x = w & !H;
        let printable = at_least(x, 0x21) & !equal(x, b'&'.into());
        let next_not_blank = (next & H) | at_least(next & !H, 0x21);
        let plain = !w & H & (printable | (equal(x, b' '.into()) & next_not_blank));
        let attention = (ATTENTION_LEADS.iter()).fold(0, |m, &l| m | exact(w, l));
        let stop = !(plain | (w & H & !attention)) & H;
        if stop != 0 {
            return i + (stop.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i
}

/// The first bytes of every non-ASCII character [`TextBuilder::push_text`] does not copy as
/// it is: C1 controls and U+00A0, U+00AB, U+00AD, U+00BB (0xC2), the quotes, spaces and
/// zero-width marks of U+2000 to U+206F (0xE2), U+3000 (0xE3) and U+FEFF (0xEF); a test checks
/// every character. Until wave 2, session 19 every non-ASCII byte ended a plain run: a word
/// like "größer" cost two trips through the byte-by-byte path.
const ATTENTION_LEADS: [u8; 4] = [0xC2, 0xE2, 0xE3, 0xEF];

/// Characters that take no room in rendered text (soft hyphen, zero-width marks).
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// A link found in a document: an anchor in HTML, a URL in text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawLink {
    /// The URL as written, entity-decoded.
    pub href: String,
    /// Anchor text (normalized).
    pub text: String,
    /// `rel` tokens, lower-cased.
    pub rel: Vec<String>,
    /// The `class` attribute.
    pub class: Option<String>,
    /// Names of affiliate-plugin attributes on the anchor (`data-lasso-id`, ...).
    pub plugin_attrs: Vec<String>,
    /// Byte range of the anchor element (or URL) in the source.
    pub start: usize,
    /// End of that range (exclusive).
    pub end: usize,
    /// Offset in the extracted text where the link sits (reading order).
    pub text_pos: usize,
    /// True when inside markup a reader does not see.
    pub hidden: bool,
}

/// What an extractor gives the scanner.
#[derive(Clone, Debug, Default)]
pub struct Extracted {
    /// Normalized visible text.
    pub text: String,
    /// `text` lower-cased in ASCII (the same offsets): what the case-sensitive automata of
    /// lower-case phrases search ([`crate::matcher::Matcher::find_lower`]).
    pub lower: String,
    /// Text offsets to source offsets.
    pub map: OffsetMap,
    /// `(text offset, scope)` where the scope changes, sorted; text before the first is `text`.
    pub scopes: Vec<(usize, Scope)>,
    /// Links in document order.
    pub links: Vec<RawLink>,
    /// Language declared by the document (`<html lang>`), lower-case primary subtag.
    pub lang: Option<String>,
    /// `src` of every `<script>` (link-rewriter evidence).
    pub scripts: Vec<String>,
    /// Text ranges that sit in a page footer.
    pub footer: Vec<(usize, usize)>,
    /// Source span of the first product markup (`og:type=product`, a schema.org `Product`
    /// item, or JSON-LD `Product` with `offers`): the page describes a product for sale.
    pub product: Option<(usize, usize)>,
    /// Source span of the first article markup (og:type=article, schema.org Article,
    /// NewsArticle or BlogPosting).
    pub article: Option<(usize, usize)>,
    /// Source span of the first recipe markup (schema.org Recipe).
    pub recipe: Option<(usize, usize)>,
    /// The page's own URL as it declares it (`<link rel=canonical>`, else `og:url`).
    pub page_url: Option<String>,
    /// Text range of the document title (`<title>`), scanned as a heading.
    pub title: Option<(usize, usize)>,
    /// Text range of the first `h1`.
    pub h1: Option<(usize, usize)>,
    /// Source span of the first price markup (`itemprop=price`, `product:price:amount`).
    pub price_markup: Option<(usize, usize)>,
    /// Source span of the first element whose attributes name a cart or checkout control
    /// (`id="add-to-cart"`, `name="add"` in a `/cart/add` form, `data-action="buy-now"`).
    pub cart_markup: Option<(usize, usize)>,
    /// Source span of the first form that asks for a phone number (a lead form).
    pub lead_form: Option<(usize, usize)>,
    /// Inline suppression comments (`<!-- puffery-ignore ... -->`), in document order.
    pub ignore_comments: Vec<IgnoreComment>,
}

/// An inline suppression comment: `<!-- puffery-ignore ID ... -->` hides the findings of those
/// rules (id prefixes, as `--ignore`; every rule when none is named) in the next block of
/// text; `<!-- puffery-ignore-file ID ... -->` in the whole document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IgnoreComment {
    /// Rule id prefixes; empty for every rule.
    pub ids: Vec<String>,
    /// `puffery-ignore-file`: the whole document, not the next block.
    pub file: bool,
    /// Offset in the extractor's input just past the comment.
    pub end: usize,
    /// Offset in the extracted text where the comment stands: the next block is the first
    /// block with text at or after it.
    pub text_pos: usize,
}

impl IgnoreComment {
    /// Parses the body of a comment (between `<!--` and `-->`): `None` when it is not a
    /// puffery directive. Ids are separated by white space or commas.
    pub fn parse(body: &str, end: usize, text_pos: usize) -> Option<IgnoreComment> {
        let body = body.trim();
        let (file, rest) = match body.strip_prefix("puffery-ignore-file") {
            Some(rest) => (true, rest),
            None => (false, body.strip_prefix("puffery-ignore")?),
        };
        if !(rest.is_empty() || rest.starts_with(|c: char| c.is_whitespace() || c == ',')) {
            return None;
        }
        let ids = rest
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|id| !id.is_empty())
            .map(str::to_string)
            .collect();
        Some(IgnoreComment {
            ids,
            file,
            end,
            text_pos,
        })
    }

    /// True when the comment names rule `id` (or names none).
    pub fn covers(&self, id: &str) -> bool {
        self.ids.is_empty() || self.ids.iter().any(|p| crate::rules::id_matches(id, p))
    }

    /// The text range of the block it applies to: from its position to the end of the first
    /// block with text at or after it (the next paragraph, heading, list item or cell).
    pub fn block(&self, text: &str) -> (usize, usize) {
        let from = self.text_pos.min(text.len());
        let rest = &text[from..];
        let first = rest.len() - rest.trim_start().len();
        let end = rest[first..]
            .find('\n')
            .map_or(text.len(), |e| from + first + e);
        (from, end)
    }
}

/// A search for `puffery-ignore`, built once: `memmem::find` builds its searcher at every call
/// (about 400 instructions, and each document looks for this word and for `://`).
pub(crate) static IGNORE_WORD: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new(b"puffery-ignore"));

/// The `<!-- puffery-ignore ... -->` comments written literally in a text or Markdown document.
fn text_ignore_comments(doc: &str, map: &OffsetMap) -> Vec<IgnoreComment> {
    if IGNORE_WORD.find(doc.as_bytes()).is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(open) = doc[at..].find("<!--").map(|p| at + p) {
        let Some(close) = doc[open + 4..].find("-->").map(|p| open + 4 + p) else {
            break;
        };
        let end = close + 3;
        out.extend(IgnoreComment::parse(
            &doc[open + 4..close],
            end,
            text_pos_of(map, end),
        ));
        at = end;
    }
    out
}

impl Extracted {
    /// The scope of text offset `pos`.
    pub fn scope_at(&self, pos: usize) -> Scope {
        let i = self.scopes.partition_point(|(p, _)| *p <= pos);
        if i == 0 {
            Scope::Text
        } else {
            self.scopes[i - 1].1
        }
    }

    /// Product markup on a page that does not declare itself an article or a recipe (reviews
    /// and recipes embed Product items for rich results; their purpose is the content).
    pub fn product_page(&self) -> Option<(usize, usize)> {
        self.product
            .filter(|_| self.article.is_none() && self.recipe.is_none())
    }

    /// [`Extracted::lower`], or `text` lower-cased now where it was not filled in (an
    /// `Extracted` built by hand).
    pub fn lower_text(&self) -> std::borrow::Cow<'_, str> {
        if self.lower.len() == self.text.len() {
            std::borrow::Cow::Borrowed(&self.lower)
        } else {
            std::borrow::Cow::Owned(self.text.to_ascii_lowercase())
        }
    }

    /// True when text offset `pos` lies in a footer.
    pub fn in_footer(&self, pos: usize) -> bool {
        self.footer.iter().any(|&(s, e)| s <= pos && pos < e)
    }
}

/// The stretches of `doc` where [`URL_RE`] may match, in order: each run between ASCII white
/// space that holds a place every match holds one of: `://`, or a `.` after `www`, or a `.`
/// with `/` at most 6 bytes after it (the short-link domains; `.asia/` with the long s, which
/// `(?i)` matches for `s`, is the farthest). No match holds white space, so every match lies
/// in one such run, and the regex runs over these alone (it ran over every text with a place:
/// 3 % of a scan of the bench JSONL). Two vector searches, for `://` and for each `.` (about
/// one a sentence); an automaton of the literals cost as much as the phrase automaton.
fn url_runs(doc: &str) -> Vec<(usize, usize)> {
    static SCHEME_END: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new(b"://"));
    let b = doc.as_bytes();
    let dots = memchr::memchr_iter(b'.', b).filter(|&i| {
        let www = i >= 3 && b[i - 3..i].eq_ignore_ascii_case(b"www");
        // Six bytes: a plain loop, where a vector search's set-up cost more than the search.
        www || b[i + 1..b.len().min(i + 7)].contains(&b'/')
    });
    let mut places: Vec<usize> = SCHEME_END.find_iter(b).chain(dots).collect();
    places.sort_unstable();
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for p in places {
        if runs.last().is_some_and(|&(_, end)| p < end) {
            continue;
        }
        let start = b[..p]
            .iter()
            .rposition(u8::is_ascii_whitespace)
            .map_or(0, |i| i + 1);
        let end = b[p..]
            .iter()
            .position(u8::is_ascii_whitespace)
            .map_or(b.len(), |i| p + i);
        runs.push((start, end));
    }
    runs
}

/// The URL pattern. `meta` rather than `regex`, for searches over a range of a text that see
/// the bytes around it (`\b` at the range's start).
static URL_RE: LazyLock<regex_automata::meta::Regex> = LazyLock::new(|| {
    regex_automata::meta::Regex::new(URL_RE_PATTERN).expect("URL pattern compiles")
});

/// [`URL_RE`]'s pattern.
const URL_RE_PATTERN: &str = r"(?i)(?-u:\b)(?:https?://|www\.|(?:amzn\.(?:to|eu|asia)|a\.co|geni\.us|bit\.ly|tinyurl\.com|rstyle\.me|shopstyle\.it|go\.magik\.ly|shrsl\.com|howl\.me)/)[^\s<>\x22'`{}|\\^\[\]]+";

/// Every [`URL_RE`] match in `doc`, left to right, as `find_iter` over all of it gives them:
/// searched in each of its [`url_runs`] alone.
fn url_matches(doc: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    for (start, end) in url_runs(doc) {
        let mut at = start;
        while let Some(m) = URL_RE.search(&regex_automata::Input::new(doc).range(at..end)) {
            found.push((m.start(), m.end()));
            // Every match holds a byte or more.
            at = m.end();
        }
    }
    found
}

/// Extracts normalized text and URL links from a plain-text document.
pub fn extract_text(doc: &str) -> Extracted {
    let mut b = TextBuilder::new(None);
    // The text is the document's size or less (white space collapses, characters fold to
    // one of no more bytes): grown from empty it was reallocated about twice a document.
    b.text.reserve(doc.len());
    b.push_text(doc, 0, true);
    let (text, map) = b.finish();
    let links = url_matches(doc)
        .into_iter()
        .map(|(start, end)| {
            let url = doc[start..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'']);
            let href = if url.to_ascii_lowercase().starts_with("http") {
                url.to_string()
            } else {
                format!("https://{url}")
            };
            RawLink {
                href,
                start,
                end: start + url.len(),
                text_pos: text_pos_of(&map, start),
                ..RawLink::default()
            }
        })
        .collect();
    let ignore_comments = text_ignore_comments(doc, &map);
    Extracted {
        lower: text.to_ascii_lowercase(),
        text,
        map,
        links,
        ignore_comments,
        ..Extracted::default()
    }
}

/// The text offset nearest to source offset `src` (for reading order of links found in the
/// source).
pub fn text_pos_of(map: &OffsetMap, src: usize) -> usize {
    let segs = map.segs();
    let i = segs.partition_point(|s| s.src + s.src_len <= src);
    match segs.get(i) {
        Some(s) if s.src <= src && s.text_len == s.src_len => s.text + (src - s.src),
        Some(s) => s.text,
        None => segs.last().map_or(0, |s| s.text + s.text_len),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_runs_skip_what_push_text_would_copy_byte_by_byte() {
        assert_eq!(plain_run(b"abcdefgh ijklmnop"), 16);
        assert_eq!(plain_run(b"ab  cdefghijklmnop"), 2);
        assert_eq!(plain_run(b"abc&amp;defghijklmn"), 3);
        assert_eq!(plain_run(b"abcde\nfghijklmnop"), 5);
        assert_eq!(
            plain_run("abcdefg\u{e9}hijklmnop".as_bytes()),
            16,
            "a letter"
        );
        assert_eq!(
            plain_run("abcdefg\u{2019}hijklmnop".as_bytes()),
            7,
            "a quote folds"
        );
        assert_eq!(
            plain_run("abcdefg\u{a0}hijklmnop".as_bytes()),
            7,
            "a no-break space"
        );
        assert_eq!(plain_run(b"a\x7fcdefg"), 0, "fewer than nine bytes");
        // Both forms stop where the bytes stop being plain (or before, at a multiple of eight
        // with fewer than nine bytes left), on random mixes of every kind of byte.
        let is_plain = |b: &[u8], i: usize| {
            let (x, next) = (b[i], b.get(i + 1).copied());
            (0x21..0x80).contains(&x) && x != b'&'
                || x == b' ' && next.is_some_and(|n| n > 0x20)
                || x >= 0x80 && ![0xC2, 0xE2, 0xE3, 0xEF].contains(&x)
        };
        let stop = |b: &[u8], mut i: usize| {
            while i < b.len() && is_plain(b, i) {
                i += 1;
            }
            i
        };
        let kinds = [
            b'a', b' ', b'&', b'\n', b'\t', 0x7f, 0x80, 0xc3, 0xe2, 0x00, 0x21, 0x20, 0xc2, 0xe3,
            0xef, 0xbf, 0xf0, 0xc1, 0xe1, 0xee,
        ];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for n in 0..200 {
            // Mostly letters, so that runs are long.
            let bytes = crate::mixed_bytes(&mut state, n, &kinds, 4, b'a');
            for form in [plain_run, plain_words] {
                let r = form(&bytes);
                assert!((0..r).all(|i| is_plain(&bytes, i)), "{bytes:?}");
                assert!(r == stop(&bytes, 0) || r % 8 == 0 && r + 9 > n, "{bytes:?}");
            }
        }
    }

    /// push_text with plain runs gives the same text and map as the byte-by-byte reference.
    #[test]
    fn push_text_with_plain_runs_equals_byte_by_byte() {
        // On random mixes of the bytes push_text treats apart.
        let pieces = [
            "a",
            "Zz",
            " ",
            "  ",
            "\n",
            "\n\n",
            "\t",
            "\r\n",
            "&",
            "&amp;",
            "&nbsp;",
            "\u{e9}",
            "\u{201c}",
            "\u{a0}",
            "\u{ad}",
            "\u{0}",
            "\u{b}",
            "\u{1}",
            "\u{7f}",
            "word ",
            ".",
            "gr\u{f6}\u{df}er",
            "\u{436}",
            "\u{4e2d}",
            "\u{1f600}",
            "\u{85}",
            "\u{ab}",
            "\u{2019}",
            "\u{2060}",
            "\u{3000}",
            "\u{feff}",
            "\u{2003}",
            "\u{ff21}",
        ];
        // Plain runs ending inside a two-, three- or four-byte letter, at every place.
        for letter in ["\u{e9}", "\u{4e2d}", "\u{1f600}"] {
            for k in 0..40 {
                let raw = format!("{}{letter}{}", "a".repeat(k), "b".repeat(40 - k));
                let mut t = TextBuilder::new(None);
                t.push_text_skipping(&raw, 0, false, plain_run);
                assert_eq!(t.finish().0, raw);
            }
        }
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..3000 {
            let mut raw = String::new();
            for _ in 0..(state % 40) {
                crate::xorshift(&mut state);
                raw.push_str(pieces[(state % pieces.len() as u64) as usize]);
            }
            for (entities, paragraphs) in [(false, true), (true, false)] {
                let build = |skip: fn(&[u8]) -> usize| {
                    let decode: EntityDecoder =
                        |s| crate::html::entities::decode_at(s).map(|(d, len)| ((d.0, d.1), len));
                    let mut t = TextBuilder::new(entities.then_some(decode));
                    t.push_text("x", 0, paragraphs);
                    t.push_text_skipping(&raw, 1, paragraphs, skip);
                    let (text, map) = t.finish();
                    (text, format!("{:?}", map.segs))
                };
                assert_eq!(build(plain_run), build(|_| 0), "{raw:?}");
            }
        }
    }

    /// Every non-ASCII character push_text folds, drops or treats as a control starts with one
    /// of [`ATTENTION_LEADS`], so a plain run never passes over one; and each of those bytes
    /// starts such a character.
    #[test]
    fn plain_runs_stop_at_every_character_push_text_changes() {
        let mut leads = std::collections::BTreeSet::new();
        for c in ('\u{80}'..=char::MAX)
            .filter(|&c| fold_char(c).is_some() || is_invisible(c) || c.is_control() && c != '\t')
        {
            let lead = c.encode_utf8(&mut [0; 4]).as_bytes()[0];
            assert!(
                ATTENTION_LEADS.contains(&lead),
                "{c:?} starts with {lead:#x}"
            );
            leads.insert(lead);
        }
        assert_eq!(leads.into_iter().collect::<Vec<_>>(), ATTENTION_LEADS);
    }

    fn roundtrip(doc: &str, phrase: &str) -> String {
        let ex = extract_text(doc);
        let at = ex.text.find(phrase).expect("phrase in text");
        doc[ex.map.start(at)..ex.map.end(at + phrase.len())].to_string()
    }

    #[test]
    fn whitespace_collapses_and_maps_back() {
        assert_eq!(roundtrip("a  Shop\n\tNow  b", "Shop Now"), "Shop\n\tNow");
        assert_eq!(
            roundtrip("x \u{201C}miracle\u{201D} y", "\"miracle\""),
            "\u{201C}miracle\u{201D}"
        );
    }

    #[test]
    fn paragraphs_break_single_newlines_join() {
        let ex = extract_text("Shop now\non Amazon\n\nNext para");
        assert_eq!(ex.text, "Shop now on Amazon\nNext para");
    }

    #[test]
    fn invisible_characters_drop() {
        let ex = extract_text("mir\u{00AD}acle cure\u{200B}s");
        assert_eq!(ex.text, "miracle cures");
        assert_eq!(roundtrip("mir\u{00AD}acle", "miracle"), "mir\u{00AD}acle");
    }

    #[test]
    fn ignore_comments_parse_ids_and_scope() {
        let parse = |body: &str| IgnoreComment::parse(body, 0, 0).map(|c| (c.file, c.ids));
        let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(parse(" puffery-ignore "), Some((false, ids(&[]))));
        assert_eq!(
            parse(" puffery-ignore cta.retailer, urgency  missing.fda "),
            Some((false, ids(&["cta.retailer", "urgency", "missing.fda"])))
        );
        assert_eq!(
            parse("puffery-ignore-file claim"),
            Some((true, ids(&["claim"])))
        );
        assert_eq!(parse(" puffery-ignored cta "), None);
        assert_eq!(parse(" see puffery-ignore "), None);
        let c = IgnoreComment::parse("puffery-ignore claim.health", 0, 0).unwrap();
        assert!(c.covers("claim.health-structure") && !c.covers("claim.safety"));
    }

    #[test]
    fn an_ignore_comment_covers_the_next_paragraph_of_text() {
        let doc =
            "Intro line.\n\n<!-- puffery-ignore cta -->\nShop now on Amazon\nhere.\n\nOrder now.";
        let ex = extract_text(doc);
        assert_eq!(ex.ignore_comments.len(), 1);
        let (s, e) = ex.ignore_comments[0].block(&ex.text);
        assert_eq!(ex.text[s..e].trim(), "Shop now on Amazon here.");
        assert_eq!(
            &doc[ex.ignore_comments[0].end - 3..ex.ignore_comments[0].end],
            "-->"
        );
        // The comment alone on its paragraph: the next paragraph is covered.
        let ex = extract_text("<!-- puffery-ignore -->\n\nBuy now.\n\nOrder now.");
        let (s, e) = ex.ignore_comments[0].block(&ex.text);
        assert_eq!(ex.text[s..e].trim(), "Buy now.");
    }

    #[test]
    fn urls_in_text_become_links() {
        let ex = extract_text(
            "See (https://www.amazon.com/dp/B01?tag=x-20). Or www.example.org/a, amzn.to/3xY",
        );
        let hrefs: Vec<_> = ex.links.iter().map(|l| l.href.as_str()).collect();
        assert_eq!(
            hrefs,
            [
                "https://www.amazon.com/dp/B01?tag=x-20",
                "https://www.example.org/a",
                "https://amzn.to/3xY"
            ]
        );
    }
}

#[cfg(test)]
mod url_gate_tests {
    use super::*;

    /// The gate passes every text the URL pattern matches in, case variants included: each
    /// short-link domain with each letter in each case variant `(?i)` matches.
    #[test]
    fn every_url_the_pattern_finds_passes_the_gate() {
        let mut texts: Vec<String> = [
            "see https://x.example/a",
            "WWW.EXAMPLE.COM",
            "wWw.x",
            "go.magi\u{212A}.ly/x",
            "r\u{17F}tyle.me/x",
            "amzn.a\u{17F}ia/x",
            "a.co/d/x",
        ]
        .map(String::from)
        .to_vec();
        for domain in [
            "amzn.to",
            "amzn.eu",
            "amzn.asia",
            "a.co",
            "geni.us",
            "bit.ly",
            "tinyurl.com",
            "rstyle.me",
            "shopstyle.it",
            "go.magik.ly",
            "shrsl.com",
            "howl.me",
        ] {
            for (i, c) in domain.char_indices() {
                let variants: &[&str] = match c {
                    's' => &["S", "\u{17F}"],
                    'k' => &["K", "\u{212A}"],
                    c if c.is_ascii_alphabetic() => &[""],
                    _ => continue,
                };
                for v in variants {
                    let v = if v.is_empty() {
                        c.to_ascii_uppercase().to_string()
                    } else {
                        v.to_string()
                    };
                    texts.push(format!("at {}{v}{}/x", &domain[..i], &domain[i + 1..]));
                }
            }
            texts.push(format!("at {domain}/x"));
        }
        let mut matched = 0;
        for t in &texts {
            if URL_RE.is_match(t) {
                matched += 1;
                assert!(!url_runs(t).is_empty(), "{t}");
            }
        }
        // All but the two with a long s first ("ſhopstyle.it", "ſhrsl.com"): `\b` fails there.
        assert!(matched + 2 >= texts.len(), "{matched} of {}", texts.len());
        assert!(url_runs("no links here: 24/7, and/or, e.g. this.").is_empty());
        assert_eq!(extract_text("plain text, no links").links.len(), 0);
        assert_eq!(extract_text("buy at https://amzn.to/x now").links.len(), 1);
    }

    /// The matches searched run by run are those a search over the whole text finds, on
    /// random mixes of URL parts, white space (Unicode's among it) and prose.
    #[test]
    fn matches_by_run_equal_matches_over_the_whole_text() {
        let whole = regex::Regex::new(URL_RE_PATTERN).unwrap();
        let pieces = [
            " https://x.y/z",
            " www.a.b",
            " amzn.to/q",
            "https://",
            "http://",
            "://",
            "www.",
            "WWW",
            ".",
            "/",
            "amzn.to/",
            "a.co/",
            "bit.ly",
            "go.magi\u{212A}.ly/",
            "r\u{17F}tyle.me/",
            "x",
            "word",
            "e.g.",
            " ",
            "  ",
            "\n",
            "\t",
            "\u{a0}",
            "\u{2003}",
            "(",
            ")",
            "\"",
            "<",
            "geni.us/",
            "\u{e9}",
            ",",
            "1.5/2",
        ];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut found = 0;
        let mut next = || {
            crate::xorshift(&mut state);
            (state >> 40) as usize
        };
        for _ in 0..4000 {
            let mut doc = String::new();
            for _ in 0..next() % 24 {
                doc.push_str(pieces[next() % pieces.len()]);
            }
            let want: Vec<(usize, usize)> = whole
                .find_iter(&doc)
                .map(|m| (m.start(), m.end()))
                .collect();
            assert_eq!(url_matches(&doc), want, "{doc:?}");
            found += want.len();
        }
        assert!(found > 3000, "{found} matches");
    }
}
