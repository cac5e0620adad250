//! A document's bytes as a reader gives them ([`Body`]), with whether they are known to be
//! UTF-8: a JSONL text is a JSON string, checked when its line was read, and the scan need not
//! check it again (about 1 % of a `-j1` scan of the bench JSONL, session 24).

use std::ops::Deref;

/// A document's bytes (not necessarily UTF-8). Read as a byte slice (`&body[..]`, or through
/// `Deref`); made from a `Vec<u8>` or, when the bytes are text, from a `String`, which
/// [`Body::as_str`] then gives back without a check. The bytes cannot be changed in place: a
/// caller that wants them changed takes them out ([`Body::into_bytes`]) and makes a new body.
#[derive(Clone, Default)]
pub struct Body {
    bytes: Vec<u8>,
    /// The bytes came from a `String`: valid UTF-8.
    utf8: bool,
}

impl Body {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        &self.bytes
    }

    /// The bytes as a string, when the body was made from one (otherwise `None`, even when
    /// the bytes are valid UTF-8: that is not checked here).
    pub fn as_str(&self) -> Option<&str> {
        if self.utf8 {
            // Made from a `String` and never changed since (no `&mut` access is given).
            #[allow(unsafe_code)]
            // SAFETY: `utf8` is set only by `From<String>` and `From<&str>`, whose bytes are
            // valid UTF-8, and `bytes` is private and never changed after that.
            Some(unsafe { std::str::from_utf8_unchecked(&self.bytes) })
        } else {
            None
        }
    }

    /// The bytes, taken out.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// The room the bytes have (the length and more).
    pub fn capacity(&self) -> usize {
        self.bytes.capacity()
    }
}

impl Deref for Body {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.bytes
    }
}

impl AsRef<[u8]> for Body {
    fn as_ref(&self) -> &[u8] {
        &self.bytes
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Body {
        Body { bytes, utf8: false }
    }
}

impl From<&[u8]> for Body {
    fn from(bytes: &[u8]) -> Body {
        bytes.to_vec().into()
    }
}

impl From<String> for Body {
    fn from(text: String) -> Body {
        Body {
            bytes: text.into_bytes(),
            utf8: true,
        }
    }
}

impl From<&str> for Body {
    fn from(text: &str) -> Body {
        text.to_string().into()
    }
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "b\"{}\"", self.bytes.escape_ascii())
    }
}

/// Bodies are equal when their bytes are, whatever they were made from.
impl PartialEq for Body {
    fn eq(&self, other: &Body) -> bool {
        self.bytes == other.bytes
    }
}

impl Eq for Body {}

impl PartialEq<[u8]> for Body {
    fn eq(&self, other: &[u8]) -> bool {
        self.bytes == other
    }
}

impl PartialEq<&[u8]> for Body {
    fn eq(&self, other: &&[u8]) -> bool {
        self.bytes == *other
    }
}

impl PartialEq<Vec<u8>> for Body {
    fn eq(&self, other: &Vec<u8>) -> bool {
        &self.bytes == other
    }
}

impl<const N: usize> PartialEq<[u8; N]> for Body {
    fn eq(&self, other: &[u8; N]) -> bool {
        self.bytes == other
    }
}

impl<const N: usize> PartialEq<&[u8; N]> for Body {
    fn eq(&self, other: &&[u8; N]) -> bool {
        self.bytes == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_text_only_when_made_from_text() {
        let text = Body::from("caf\u{e9} \u{1F600}".to_string());
        assert_eq!(text.as_str(), Some("caf\u{e9} \u{1F600}"));
        assert_eq!(text, "caf\u{e9} \u{1F600}".as_bytes());
        assert_eq!(Body::from("abc").as_str(), Some("abc"));
        // Valid UTF-8 given as bytes is not taken for text: nobody checked it.
        let bytes = Body::from(b"abc".to_vec());
        assert_eq!(bytes.as_str(), None);
        assert_eq!(bytes, b"abc");
        assert_eq!(Body::from(&b"caf\xe9"[..]).as_str(), None);
        assert_eq!(Body::default().as_str(), None);
        assert_eq!(Body::from("abc"), Body::from(b"abc".to_vec()));
        assert_eq!(text.clone().into_bytes(), "caf\u{e9} \u{1F600}".as_bytes());
        assert_eq!(
            format!("{:?}", Body::from(&b"a\"\xe9"[..])),
            r#"b"a\"\xe9""#
        );
    }
}
