//! Character encodings: UTF-8 (with or without BOM), UTF-16 by BOM, `<meta charset>`, an HTTP
//! charset hint, and legacy encodings such as Windows-1252, through `encoding_rs`.
//!
//! Decoding yields the UTF-8 text the extractors work on and, when that text is not the input
//! byte for byte, an [`OffsetMap`] back to the input, so offsets stay byte offsets into the
//! original. Invalid bytes become U+FFFD; nothing here panics on any input.
//!
//! ```
//! use puffery::encoding::decode;
//! let latin1 = b"<meta charset=\"iso-8859-1\"><p>Gr\xfc\xdfe</p>";
//! let d = decode(latin1, None, true);
//! assert_eq!(d.encoding, "windows-1252");
//! let at = d.text.find("Grüße").unwrap();
//! assert_eq!(d.src_start(at), 30);
//! assert_eq!(d.src_end(at + "Grüße".len()), 35);
//! ```

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

use crate::text::{OffsetMap, Seg};

/// A document decoded to UTF-8.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// The text.
    pub text: Cow<'a, str>,
    /// Text offsets to input offsets; `None` when they are the same.
    pub map: Option<OffsetMap>,
    /// The encoding used (WHATWG name, lower-case).
    pub encoding: &'static str,
    /// Code points of the byte-order mark that was skipped (0 or 1).
    pub bom_chars: usize,
}

impl Decoded<'_> {
    /// The input offset where text offset `pos` starts.
    pub fn src_start(&self, pos: usize) -> usize {
        self.map.as_ref().map_or(pos, |m| m.start(pos))
    }

    /// The input offset where text offset `pos` ends.
    pub fn src_end(&self, pos: usize) -> usize {
        self.map.as_ref().map_or(pos, |m| m.end(pos))
    }
}

/// Decodes `bytes`: BOM first, then the container's `hint`, then (for HTML) a `<meta>` charset
/// in the first 1024 bytes, then UTF-8 if the bytes are valid UTF-8 or mostly so, else
/// Windows-1252 (what browsers assume for undeclared Western pages).
pub fn decode<'a>(bytes: &'a [u8], hint: Option<&str>, html: bool) -> Decoded<'a> {
    decode_known(bytes, hint, html, None)
}

/// [`decode`], given `bytes` as a string when the caller holds them as one (a JSONL text): the
/// UTF-8 check is then skipped. `known` counts only when it is `bytes` itself.
pub(crate) fn decode_known<'a>(
    bytes: &'a [u8],
    hint: Option<&str>,
    html: bool,
    known: Option<&'a str>,
) -> Decoded<'a> {
    let known = known.filter(|s| std::ptr::eq(s.as_bytes(), bytes));
    let (enc, skip) = match Encoding::for_bom(bytes) {
        Some((e, n)) => (e, n),
        None => {
            let declared = hint
                .and_then(|h| Encoding::for_label(h.trim().as_bytes()))
                .or_else(|| if html { meta_charset(bytes) } else { None })
                .map(|e| {
                    // A page cannot really be UTF-16 if its meta tag was readable as ASCII.
                    if e.name().starts_with("UTF-16") {
                        UTF_8
                    } else {
                        e.output_encoding()
                    }
                });
            match declared {
                Some(e) => (e, 0),
                // Valid UTF-8 is checked once, not once to guess and again to decode, and not
                // at all when it came as a string.
                None => match known.map_or_else(|| utf8(bytes), Ok) {
                    Ok(s) => return valid_utf8(s, 0),
                    Err(_) => (guess_damaged(bytes), 0),
                },
            }
        }
    };
    let body = &bytes[skip..];
    let mut decoded = if enc == UTF_8 {
        decode_utf8(body, skip)
    } else {
        decode_legacy(body, skip, enc)
    };
    decoded.bom_chars = usize::from(skip > 0);
    decoded
}

/// The encoding of undeclared bytes that are not valid UTF-8: mostly valid UTF-8 with a few bad
/// bytes is UTF-8 with damage, not Latin-1.
fn guess_damaged(bytes: &[u8]) -> &'static Encoding {
    let mut good_multibyte = 0usize;
    let mut bad = 0usize;
    for chunk in bytes.utf8_chunks() {
        good_multibyte += chunk.valid().bytes().filter(|b| *b >= 0xC0).count();
        bad += usize::from(!chunk.invalid().is_empty());
    }
    if good_multibyte > bad {
        UTF_8
    } else {
        WINDOWS_1252
    }
}

/// `bytes` as a string when they are valid UTF-8: `simdutf8`'s check, 16 or 32 bytes at a time,
/// which a scan pays on every document (the standard library's took 1.9 % of a JSONL scan's
/// profile and 2.6 % of a WARC scan's).
pub(crate) fn utf8(bytes: &[u8]) -> Result<&str, simdutf8::basic::Utf8Error> {
    simdutf8::basic::from_utf8(bytes)
}

/// Valid UTF-8 after `skip` bytes of BOM: the text itself.
fn valid_utf8(s: &str, skip: usize) -> Decoded<'_> {
    let map = (skip > 0).then(|| {
        let mut m = OffsetMap::default();
        m.push(Seg {
            text: 0,
            src: skip,
            text_len: s.len(),
            src_len: s.len(),
        });
        m
    });
    Decoded {
        text: Cow::Borrowed(s),
        map,
        encoding: "utf-8",
        bom_chars: 0,
    }
}

fn decode_utf8(body: &[u8], skip: usize) -> Decoded<'_> {
    if let Ok(s) = utf8(body) {
        return valid_utf8(s, skip);
    }
    let mut text = String::with_capacity(body.len() + 16);
    let mut map = OffsetMap::default();
    let mut src = skip;
    for chunk in body.utf8_chunks() {
        let v = chunk.valid();
        map.push(Seg {
            text: text.len(),
            src,
            text_len: v.len(),
            src_len: v.len(),
        });
        text.push_str(v);
        src += v.len();
        let bad = chunk.invalid().len();
        if bad > 0 {
            map.push(Seg {
                text: text.len(),
                src,
                text_len: 3,
                src_len: bad,
            });
            text.push('\u{FFFD}');
            src += bad;
        }
    }
    Decoded {
        text: Cow::Owned(text),
        map: Some(map),
        encoding: "utf-8",
        bom_chars: 0,
    }
}

fn decode_legacy<'a>(body: &'a [u8], skip: usize, enc: &'static Encoding) -> Decoded<'a> {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(body.len() + body.len() / 4);
    let mut map = OffsetMap::default();
    let single = enc.is_single_byte();
    let mut pending = 0usize;
    let mut i = 0usize;
    let mut buf = [0u8; 32];
    while i < body.len() {
        if single && body[i] < 0x80 {
            // ASCII is itself in every single-byte encoding: copy the run.
            let run = body[i..].iter().take_while(|b| **b < 0x80).count();
            let s = std::str::from_utf8(&body[i..i + run]).unwrap_or("");
            map.push(Seg {
                text: text.len(),
                src: skip + i,
                text_len: run,
                src_len: run,
            });
            text.push_str(s);
            i += run;
            pending = i;
            continue;
        }
        let (_, _, written, _) = decoder.decode_to_utf8(&body[i..=i], &mut buf, false);
        i += 1;
        if written > 0 {
            map.push(Seg {
                text: text.len(),
                src: skip + pending,
                text_len: written,
                src_len: i - pending,
            });
            text.push_str(std::str::from_utf8(&buf[..written]).unwrap_or("\u{FFFD}"));
            pending = i;
        }
    }
    let (_, _, written, _) = decoder.decode_to_utf8(&[], &mut buf, true);
    if written > 0 {
        map.push(Seg {
            text: text.len(),
            src: skip + pending,
            text_len: written,
            src_len: body.len() - pending,
        });
        text.push_str(std::str::from_utf8(&buf[..written]).unwrap_or("\u{FFFD}"));
    }
    Decoded {
        text: Cow::Owned(text),
        map: Some(map),
        encoding: enc_name(enc),
        bom_chars: 0,
    }
}

fn enc_name(enc: &'static Encoding) -> &'static str {
    match enc.name() {
        "windows-1252" => "windows-1252",
        "UTF-8" => "utf-8",
        other => other,
    }
}

/// The charset a `<meta charset>` or `<meta http-equiv content="...; charset=...">` in the first
/// 1024 bytes declares.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let lower = head.to_ascii_lowercase();
    let mut at = 0;
    while let Some(m) = memchr::memmem::find(&lower[at..], b"<meta") {
        let start = at + m;
        let end = memchr::memchr(b'>', &lower[start..]).map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(c) = memchr::memmem::find(tag, b"charset") {
            let rest = &tag[c + 7..];
            let rest = rest.trim_ascii_start();
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = rest.trim_ascii_start();
                let rest = rest
                    .strip_prefix(b"\"")
                    .or_else(|| rest.strip_prefix(b"'"))
                    .unwrap_or(rest);
                let label_end = rest
                    .iter()
                    .position(|b| matches!(b, b'"' | b'\'' | b';' | b' ' | b'/' | b'>'))
                    .unwrap_or(rest.len());
                if let Some(e) = Encoding::for_label(&rest[..label_end]) {
                    return Some(e);
                }
            }
        }
        at = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `decode` makes of `bytes`: the text, each character's source offsets, the
    /// encoding and the BOM count.
    fn seen(d: &Decoded<'_>) -> (String, Vec<(usize, usize)>, &'static str, usize) {
        let at = d
            .text
            .char_indices()
            .map(|(i, c)| (d.src_start(i), d.src_end(i + c.len_utf8())));
        (d.text.to_string(), at.collect(), d.encoding, d.bom_chars)
    }

    /// A text given as a string decodes as its bytes do, with a BOM, a declared charset, a
    /// `<meta>` charset or none; a string that is not the bytes themselves is not used.
    #[test]
    fn a_text_known_as_a_string_decodes_as_its_bytes() {
        let texts = [
            "Shop now \u{2014} caf\u{e9}",
            "\u{FEFF}Shop now",
            "<meta charset=\"windows-1252\"><p>caf\u{e9}</p>",
            "",
        ];
        for text in texts {
            for (hint, html) in [(None, false), (None, true), (Some("ISO-8859-1"), false)] {
                let bytes = text.as_bytes();
                let want = seen(&decode(bytes, hint, html));
                assert_eq!(seen(&decode_known(bytes, hint, html, Some(text))), want);
            }
        }
        // Not the same slice: the bytes are decoded as bytes (damaged UTF-8 here).
        let bytes = b"ab\xffcd";
        let d = decode_known(bytes, None, false, Some("abcd"));
        assert_eq!(seen(&d), seen(&decode(bytes, None, false)));
        assert_ne!(d.text, "abcd");
        let text = String::from("abcd");
        let copy = text.clone();
        assert_eq!(
            decode_known(text.as_bytes(), None, false, Some(&copy)).text,
            "abcd"
        );
    }

    #[test]
    fn bom_is_skipped_and_offsets_kept() {
        let d = decode(b"\xEF\xBB\xBFShop now", None, false);
        assert_eq!(d.text, "Shop now");
        assert_eq!(d.src_start(0), 3);
        assert_eq!(d.src_end(8), 11);
    }

    #[test]
    fn invalid_utf8_never_panics_and_maps() {
        let bytes = b"caf\xC3\xA9 na\xC3\xAFve r\xC3\xA9sum\xC3\xA9 \xFF\xFE miracle \xC3";
        let d = decode(bytes, None, false);
        assert_eq!(d.encoding, "utf-8");
        let at = d.text.find("miracle").unwrap();
        assert_eq!(&bytes[d.src_start(at)..d.src_end(at + 7)], b"miracle");
    }

    #[test]
    fn undeclared_latin1_is_windows_1252() {
        let d = decode(b"Caf\xe9 \x93proven\x94", None, false);
        assert_eq!(d.text, "Caf\u{e9} \u{201C}proven\u{201D}");
    }

    #[test]
    fn http_hint_and_meta() {
        assert_eq!(
            decode(b"abc", Some("ISO-8859-1"), false).encoding,
            "windows-1252"
        );
        let d = decode(
            b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=shift_jis\">\x82\xa0",
            None,
            true,
        );
        assert_eq!(d.encoding, "Shift_JIS");
        assert!(d.text.ends_with('\u{3042}'));
        let at = d.text.len() - 3;
        let n =
            b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=shift_jis\">".len();
        assert_eq!((d.src_start(at), d.src_end(at + 3)), (n, n + 2));
    }

    #[test]
    fn utf16_by_bom() {
        let d = decode(b"\xFF\xFEH\x00i\x00", None, false);
        assert_eq!(d.text, "Hi");
        assert_eq!(d.src_end(2), 6);
    }
}
