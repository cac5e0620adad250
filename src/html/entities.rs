//! HTML character references: `&amp;`, `&#8217;`, `&#x2019;`, and the WHATWG named table.
//!
//! ```
//! use puffery::html::entities::decode_str;
//! assert_eq!(decode_str("Tom &amp; Jerry&#8217;s &copy; &x"), "Tom & Jerry\u{2019}s \u{a9} &x");
//! assert_eq!(decode_str("?a=1&copy=2"), "?a=1&copy=2");
//! ```

use std::borrow::Cow;

#[rustfmt::skip]
mod table {
    include!("entities_table.rs");
}

/// A decoded reference: one or two characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decoded(pub char, pub Option<char>);

/// Decodes the character reference at the start of `s` (which begins with `&`) in text,
/// returning what it stands for and how many bytes it takes. `None` when it is not a reference.
pub fn decode_at(s: &str) -> Option<(Decoded, usize)> {
    decode_ref(s, false)
}

/// As [`decode_at`]; `in_attr` follows the attribute rule: a legacy reference without `;`
/// followed by a letter, digit or `=` stays as written (`?a=1&copy=2`).
fn decode_ref(s: &str, in_attr: bool) -> Option<(Decoded, usize)> {
    let b = s.as_bytes();
    if b.first() != Some(&b'&') {
        return None;
    }
    if b.get(1) == Some(&b'#') {
        let (hex, digits_at) = match b.get(2) {
            Some(b'x' | b'X') => (true, 3),
            _ => (false, 2),
        };
        let mut end = digits_at;
        while end < b.len()
            && end - digits_at < 8
            && (if hex {
                b[end].is_ascii_hexdigit()
            } else {
                b[end].is_ascii_digit()
            })
        {
            end += 1;
        }
        if end == digits_at {
            return None;
        }
        let n = u32::from_str_radix(&s[digits_at..end], if hex { 16 } else { 10 }).ok()?;
        let c = match n {
            0 => '\u{FFFD}',
            0x80..=0x9F => windows_1252_c1(n),
            _ => char::from_u32(n).unwrap_or('\u{FFFD}'),
        };
        let len = if b.get(end) == Some(&b';') {
            end + 1
        } else {
            end
        };
        return Some((Decoded(c, None), len));
    }
    let mut end = 1;
    while end < b.len() && end < 40 && b[end].is_ascii_alphanumeric() {
        end += 1;
    }
    if end == 1 {
        return None;
    }
    let lookup = |name: &str| {
        table::ENTITIES
            .binary_search_by(|(n, _)| n.cmp(&name))
            .ok()
            .map(|i| table::ENTITIES[i].1)
    };
    let with_semicolon = if b.get(end) == Some(&b';') {
        lookup(&s[1..=end])
    } else {
        None
    };
    let (value, len) = if let Some(v) = with_semicolon {
        (v, end + 1)
    } else {
        // Legacy references without ';' (names of at most 6 letters): the longest that is one.
        let longest = (2..=(end - 1).min(6))
            .rev()
            .find_map(|n| lookup(&s[1..=n]).map(|v| (v, n + 1)))?;
        let next = b.get(longest.1).copied();
        if in_attr && next.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'=') {
            return None;
        }
        longest
    };
    let mut chars = value.chars();
    let first = chars.next()?;
    Some((Decoded(first, chars.next()), len))
}

/// Numeric references in 0x80..0x9F mean Windows-1252 characters, as browsers read them.
fn windows_1252_c1(n: u32) -> char {
    let byte = [n as u8];
    let (cow, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&byte);
    cow.chars().next().unwrap_or('\u{FFFD}')
}

/// Decodes every reference in `s` (attribute values).
pub fn decode_str(s: &str) -> Cow<'_, str> {
    let Some(first) = super::find_near(b'&', s.as_bytes()) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len());
    out.push_str(&s[..first]);
    let mut i = first;
    while i < s.len() {
        if s.as_bytes()[i] == b'&'
            && let Some((d, len)) = decode_ref(&s[i..], true)
        {
            out.push(d.0);
            if let Some(c) = d.1 {
                out.push(c);
            }
            i += len;
            continue;
        }
        let c = s[i..].chars().next().unwrap_or('\u{FFFD}');
        out.push(c);
        i += c.len_utf8();
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_named_and_legacy() {
        assert_eq!(decode_at("&#39;x"), Some((Decoded('\'', None), 5)));
        assert_eq!(decode_at("&#x2019;"), Some((Decoded('\u{2019}', None), 8)));
        assert_eq!(decode_at("&#150;"), Some((Decoded('\u{2013}', None), 6)));
        assert_eq!(decode_at("&nbsp;"), Some((Decoded('\u{a0}', None), 6)));
        assert_eq!(decode_at("&nbsp x"), Some((Decoded('\u{a0}', None), 5)));
        assert_eq!(decode_at("&aumlten"), Some((Decoded('\u{e4}', None), 5)));
        assert_eq!(decode_at("&notit;"), Some((Decoded('\u{ac}', None), 4)));
        assert_eq!(decode_str("a&copy=2&notit;"), "a&copy=2&notit;");
        assert_eq!(decode_at("&bogus;"), None);
        assert_eq!(decode_at("& x"), None);
        assert_eq!(decode_at("&#;"), None);
        assert_eq!(decode_at("&#99999999999;").map(|d| d.0.0), Some('\u{FFFD}'));
    }

    #[test]
    fn urls_keep_their_query_parameters() {
        assert_eq!(
            decode_str("https://x.com/?a=1&amp;tag=me-20&amp;ref=y"),
            "https://x.com/?a=1&tag=me-20&ref=y"
        );
    }
}
