//! The wanted fields of a flat JSON object line read without serde: an object whose values are
//! strings, numbers, `true`, `false` or `null` (FineWeb's and most crawl exports' rows), its
//! wanted fields strings or `null`, its keys without escapes. Anything else (nested values, a
//! wanted number, an escaped key, a surrogate escape that does not pair, any error) gives
//! `None`, and serde reads the line as before, with its error messages: this path only ever
//! answers what serde would (a test compares the two on random lines).
//!
//! Why: serde_json looks for the end of a string eight bytes at a time and then copies it; the
//! text field is nearly all of a line, and reading lines was 188 M instructions of a `-j1` scan
//! of the bench JSONL, 118 M of them in that loop. Here the search takes 16 bytes at a time.

use serde_json::Value;

use super::{N_FIELDS, Wanted};

/// The wanted fields of `line` ([`super::fields_of`] with `names`), or `None` where this path
/// does not read the line.
pub(super) fn fields(line: &str, names: &[&str; N_FIELDS]) -> Option<Wanted> {
    let mut r = Reader { s: line, i: 0 };
    let mut out: Wanted = Default::default();
    r.ws();
    r.eat(b'{')?;
    r.ws();
    if r.bytes().get(r.i) == Some(&b'}') {
        r.i += 1;
    } else {
        loop {
            r.eat(b'"')?;
            let key = r.plain_key()?;
            let want = names.iter().position(|n| *n == key);
            r.ws();
            r.eat(b':')?;
            r.ws();
            r.value(want.map(|k| &mut out[k]))?;
            r.ws();
            match r.next()? {
                b',' => r.ws(),
                b'}' => break,
                _ => return None,
            }
        }
    }
    r.ws();
    (r.i == r.bytes().len()).then_some(out)
}

struct Reader<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Reader<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.s.as_bytes()
    }

    fn next(&mut self) -> Option<u8> {
        let c = *self.bytes().get(self.i)?;
        self.i += 1;
        Some(c)
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.next()? == c).then_some(())
    }

    /// Passes over JSON white space.
    fn ws(&mut self) {
        while matches!(self.bytes().get(self.i), Some(b' ' | b'\n' | b'\t' | b'\r')) {
            self.i += 1;
        }
    }

    /// A key after its opening quote, when it has no escape.
    fn plain_key(&mut self) -> Option<&str> {
        let start = self.i;
        let end = start + string_stop(&self.bytes()[start..]);
        (self.bytes().get(end) == Some(&b'"')).then_some(())?;
        self.i = end + 1;
        Some(&self.s[start..end])
    }

    /// One value; into `slot` when its field is wanted.
    fn value(&mut self, slot: Option<&mut Option<Value>>) -> Option<()> {
        match (self.next()?, slot) {
            (b'"', Some(slot)) => *slot = Some(Value::String(self.string(true)?)),
            (b'"', None) => {
                self.string(false)?;
            }
            (b'n', slot) => {
                self.literal(b"ull")?;
                if let Some(slot) = slot {
                    *slot = Some(Value::Null);
                }
            }
            (b't', None) => self.literal(b"rue")?,
            (b'f', None) => self.literal(b"alse")?,
            (c @ (b'-' | b'0'..=b'9'), None) => self.number(c)?,
            _ => return None,
        }
        Some(())
    }

    fn literal(&mut self, rest: &[u8]) -> Option<()> {
        let end = self.i + rest.len();
        (self.bytes().get(self.i..end)? == rest).then_some(())?;
        self.i = end;
        Some(())
    }

    /// A number after its first byte `first`: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    fn number(&mut self, first: u8) -> Option<()> {
        let lead = if first == b'-' { self.next()? } else { first };
        if lead.is_ascii_digit() && lead != b'0' {
            self.digits();
        } else if lead != b'0' {
            return None;
        }
        if self.bytes().get(self.i) == Some(&b'.') {
            self.i += 1;
            (self.digits() > 0).then_some(())?;
        }
        if matches!(self.bytes().get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.bytes().get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            (self.digits() > 0).then_some(())?;
        }
        Some(())
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.bytes().get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        self.i - start
    }

    /// A string after its opening quote, unescaped when `keep` (else empty). A string with
    /// no escape is copied once, at its length; at its first escape a string gets room for
    /// the rest of the line, which its unescaped rest cannot outgrow (a document's text with
    /// a newline every paragraph otherwise grew a dozen times, each growth a copy).
    fn string(&mut self, keep: bool) -> Option<String> {
        let mut out = String::new();
        loop {
            let start = self.i;
            let stop = start + string_stop(&self.bytes()[start..]);
            if keep {
                if out.capacity() == 0 && self.bytes().get(stop) == Some(&b'\\') {
                    out.reserve_exact(self.s.len() - start);
                }
                out.push_str(&self.s[start..stop]);
            }
            self.i = stop + 1;
            match self.bytes().get(stop)? {
                b'"' => return Some(out),
                b'\\' => {
                    let c = self.escape()?;
                    if keep {
                        out.push(c);
                    }
                }
                _ => return None,
            }
        }
    }

    /// The character of an escape after its backslash.
    fn escape(&mut self) -> Option<char> {
        Some(match self.next()? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let high = self.hex4()?;
                if !(0xD800..0xE000).contains(&high) {
                    return char::from_u32(high);
                }
                // A surrogate: a high one followed by an escaped low one, else serde decides.
                (high < 0xDC00).then_some(())?;
                self.literal(b"\\u")?;
                let low = self.hex4()?;
                (0xDC00..0xE000).contains(&low).then_some(())?;
                char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))?
            }
            _ => return None,
        })
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.bytes().get(self.i..self.i + 4)?;
        let mut v = 0;
        for &d in digits {
            v = v * 16 + char::from(d).to_digit(16)?;
        }
        self.i += 4;
        Some(v)
    }
}

/// Where a string's plain bytes stop in `b`: the first quote, backslash or control byte
/// (below 0x20), or `b.len()`.
#[cfg(not(target_arch = "x86_64"))]
fn string_stop(b: &[u8]) -> usize {
    string_stop_bytes(b)
}

/// [`string_stop`] byte by byte (the form without SSE2, and the rest after its loop).
fn string_stop_bytes(b: &[u8]) -> usize {
    (b.iter())
        .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
        .unwrap_or(b.len())
}

/// [`string_stop`] with SSE2, which every x86-64 processor has: 16 bytes a step, three compares
/// and one `movemask`.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
fn string_stop(b: &[u8]) -> usize {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };
    let mut i = 0;
    while i + 16 <= b.len() {
        // SAFETY: SSE2 is part of x86-64, and the load reads the 16 bytes at `i`.
        let stop = unsafe {
            let v = _mm_loadu_si128(b[i..i + 16].as_ptr().cast::<__m128i>());
            let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
            let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
            // `v < 0x20` (unsigned) as `min(v, 0x1f) == v`.
            let control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
            _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control))
        };
        if stop != 0 {
            return i + stop.trailing_zeros() as usize;
        }
        i += 16;
    }
    i + string_stop_bytes(&b[i..])
}

#[cfg(test)]
mod tests {
    use super::super::fields_of;
    use super::*;

    const NAMES: [&str; N_FIELDS] = ["text", "html", "id", "url", "lang", "language"];

    fn serde_fields(line: &str) -> Option<Wanted> {
        fields_of(serde_json::Deserializer::from_str(line), &NAMES).ok()
    }

    #[test]
    fn flat_rows_read_here_as_serde_reads_them() {
        let lines = [
            r#"{"id": "doc-0", "text": "Shop now on Amazon!", "url": "https://x.example/a"}"#,
            r#"  {"text":"a \"quoted\" word\nand a line\\ \/ \b\f\r\t","lang":null} "#,
            r#"{"text": "caf\u00e9 \u201cquotes\u201d \ud83d\ude00", "language_score": -1.5e+3}"#,
            r#"{"dump": "CC-MAIN", "token_count": 0, "ok": true, "no": false, "text": "x"}"#,
            r#"{"text": "first", "text": "second", "html": "<p>h</p>"}"#,
            "{\"text\": \"gr\u{f6}\u{df}er und \u{4e2d}\u{6587}\", \"id\": \"7\"}\r",
            "{}",
        ];
        for line in lines {
            let fast = fields(line, &NAMES);
            assert!(fast.is_some(), "{line}");
            assert_eq!(fast, serde_fields(line), "{line}");
        }
        let text = |line| fields(line, &NAMES).and_then(|f| f[0].clone());
        assert_eq!(
            text(r#"{"text": "\u00e9\ud83d\ude00\n"}"#),
            Some(Value::String("\u{e9}\u{1f600}\n".into()))
        );
    }

    /// Lines this path leaves to serde: nested values, wanted numbers, escaped keys, lone
    /// surrogates, and every kind of error.
    #[test]
    fn other_lines_are_left_to_serde() {
        let lines = [
            r#"{"text": "x", "metadata": {"a": 1}}"#,
            r#"{"text": "x", "tags": ["a"]}"#,
            r#"{"text": "x", "id": 42}"#,
            r#"{"te\u0078t": "x"}"#,
            r#"{"text": "\ud83d alone"}"#,
            r#"{"text": "\ude00"}"#,
            r#"{"text": "x", "n": 01}"#,
            r#"{"text": "x", "n": 1.}"#,
            r#"{"text": "x", "n": -}"#,
            r#"{"text": "x", "n": 1e}"#,
            r#"{"text": "x",}"#,
            r#"{"text": "x"} trailing"#,
            r#"{"text": "x" "id": "y"}"#,
            r#"{"text": "tab	inside"}"#,
            r#"{"text": "bad \x escape"}"#,
            r#"{"text": "x", "b": nul}"#,
            r#"["text"]"#,
            r#"{"text": "unterminated}"#,
        ];
        for line in lines {
            assert_eq!(fields(line, &NAMES), None, "{line}");
        }
    }

    /// On random lines built from pieces of valid and broken JSON, whatever this path reads,
    /// serde reads the same; and it reads a good share of them (the comparison is not empty).
    #[test]
    fn random_lines_read_here_equal_serde() {
        let keys = [
            "\"text\"",
            "\"id\"",
            "\"url\"",
            "\"lang\"",
            "\"x\"",
            "\"te\\u0078t\"",
        ];
        let values = [
            "\"plain\"",
            "\"esc \\\" \\\\ \\n \\u00e9 \\ud83d\\ude00\"",
            "\"\\ud83d\"",
            "\"bad \\q\"",
            "null",
            "true",
            "false",
            "-0.5e3",
            "12",
            "01",
            "1.",
            "{\"a\": [1, 2]}",
            "[]",
            "nul",
            "\"long long long long long long long long text with \\\"quotes\\\" inside\"",
        ];
        let glue = [",", ", ", " , ", ",,", ""];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut pick = |n: usize| {
            crate::xorshift(&mut state);
            (state % n as u64) as usize
        };
        let (mut read_here, mut total) = (0, 0);
        for _ in 0..20_000 {
            let mut line = String::from("{");
            for k in 0..pick(4) {
                if k > 0 {
                    line.push_str(glue[pick(glue.len())]);
                }
                line.push_str(keys[pick(keys.len())]);
                line.push_str([":", " : ", ""][pick(3)]);
                line.push_str(values[pick(values.len())]);
            }
            line.push_str(["}", " } ", "} x", ""][pick(4)]);
            total += 1;
            if let Some(fast) = fields(&line, &NAMES) {
                read_here += 1;
                assert_eq!(Some(fast), serde_fields(&line), "{line}");
            }
        }
        assert!(read_here * 10 > total, "{read_here} of {total}");
    }

    #[test]
    fn both_forms_of_the_string_stop_agree() {
        let kinds = [b'a', b'"', b'\\', 0x1f, 0x00, b' ', 0x7f, 0x80, 0xff, 0x20];
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for n in 0..300 {
            let bytes = crate::mixed_bytes(&mut state, n, &kinds, 8, b'x');
            assert_eq!(string_stop(&bytes), string_stop_bytes(&bytes), "{bytes:?}");
        }
    }
}
