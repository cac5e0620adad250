//! A document's bytes as a reader gives them ([`Body`]), with whether they are known to be
//! UTF-8: a JSONL text is a JSON string, checked when its line was read, and the scan need not
//! check it again (about 1 % of a `-j1` scan of the bench JSONL, session 24).

use std::ops::Deref;
use std::sync::Mutex;

/// Room of bodies dropped, for the next bodies a reader fills ([`room`]). A WARC payload is
/// copied into a new vector, and 5,635 of the 14,288 page faults of a `-j1` scan of the bench
/// WARC.gz (about 1.6 us each here) were that copy writing fresh memory: bodies are freed by
/// the thread that writes their output, and the allocator did not give their memory back to
/// the reader's thread soon enough. With the rooms kept, 12.7 K to 13.1 K page faults in all,
/// peak RSS 65 -> 61 MB at `-j1` (96 -> 103 MB at `-j2`), task-clock 0.97x to 0.99x in
/// alternating `perf stat -r 8` rounds (noisy; session 24).
static SPARE: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());

/// Most rooms kept.
const KEPT: usize = 8;
/// Rooms kept are from 64 KiB to 2 MiB (at most 16 MiB kept in all): smaller ones the
/// allocator serves well, larger ones are not held on to.
const SMALLEST: usize = 64 << 10;
const LARGEST: usize = 2 << 20;

/// An empty vector with room for `n` bytes: the smallest kept room that holds them, else new.
pub(crate) fn room(n: usize) -> Vec<u8> {
    if n >= SMALLEST
        && let Ok(mut spare) = SPARE.lock()
        && let Some(i) = (0..spare.len())
            .filter(|&i| spare[i].capacity() >= n)
            .min_by_key(|&i| spare[i].capacity())
    {
        return spare.swap_remove(i);
    }
    Vec::with_capacity(n)
}

/// Keeps `bytes`' room for [`room`], emptied, unless it is outside the kept sizes; when
/// [`KEPT`] are kept, it takes the place of the smallest if larger.
fn keep(mut bytes: Vec<u8>) {
    if !(SMALLEST..=LARGEST).contains(&bytes.capacity()) {
        return;
    }
    bytes.clear();
    let Ok(mut spare) = SPARE.lock() else { return };
    if spare.len() < KEPT {
        spare.push(bytes);
    } else if let Some(small) = spare.iter_mut().min_by_key(|v| v.capacity())
        && small.capacity() < bytes.capacity()
    {
        *small = bytes;
    }
}

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

    /// The bytes ([`Body::as_bytes`], by `Vec`'s name).
    pub fn as_slice(&self) -> &[u8] {
        self.as_bytes()
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
    pub fn into_bytes(mut self) -> Vec<u8> {
        std::mem::take(&mut self.bytes)
    }

    /// The room the bytes have (the length and more).
    pub fn capacity(&self) -> usize {
        self.bytes.capacity()
    }
}

/// A dropped body's room is kept for the next ones a reader fills ([`room`]).
impl Drop for Body {
    fn drop(&mut self) {
        keep(std::mem::take(&mut self.bytes));
    }
}

impl Deref for Body {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl AsRef<[u8]> for Body {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
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

    /// A dropped body's room comes back, empty, for a body it holds; rooms too small or too
    /// large are not kept.
    #[test]
    fn dropped_bodies_room_is_taken_again() {
        // A capacity no other test's bodies have.
        let n = 1_234_567;
        let mut v = Vec::with_capacity(n);
        v.extend_from_slice(b"old bytes");
        let at = v.as_ptr();
        drop(Body::from(v));
        let again = room(n - 100);
        assert_eq!((again.as_ptr(), again.len()), (at, 0));
        assert!(again.capacity() >= n);
        // Not kept: too large; and a small request is served new, with its exact room.
        drop(Body::from(Vec::<u8>::with_capacity(LARGEST + 1)));
        let kept = SPARE.lock().unwrap();
        assert!(kept.iter().all(|v| v.capacity() <= LARGEST && v.is_empty()));
        drop(kept);
        assert_eq!(room(1000).capacity(), 1000);
        let taken = Body::from(b"kept out".to_vec()).into_bytes();
        assert_eq!(taken, b"kept out");
    }
}
