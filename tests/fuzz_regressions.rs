//! Inputs that fuzzing (`fuzz/`) found to crash or hang, kept as plain tests. Each runs under a
//! deadline so a regression to a hang fails instead of stalling the suite.

use std::sync::OnceLock;
use std::time::Duration;

use puffery::{DocFormat, DocInput, DocResult, Scanner};

fn scanner() -> &'static Scanner {
    static S: OnceLock<Scanner> = OnceLock::new();
    S.get_or_init(|| Scanner::builtin().unwrap())
}

/// Runs `f` on another thread and fails if it does not finish within `secs` seconds.
fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(secs))
        .unwrap_or_else(|e| panic!("did not finish within {secs} s ({e})"))
}

fn scan(bytes: &'static [u8], format: DocFormat) -> DocResult {
    within(20, move || scanner().scan(&DocInput::new(bytes, format)))
}

fn check_spans(len: usize, r: &DocResult) {
    assert_eq!(r.bytes, len);
    for f in &r.findings {
        assert!(f.start <= f.end && f.end <= len, "{f:?}");
    }
    for l in &r.links {
        assert!(l.start <= l.end && l.end <= len, "{l:?}");
    }
}

/// fuzz target `html`, artifact timeout-40b288ad: a NUL byte in text. `push_text` took NUL for
/// white space in its test but not in the loop that consumes the white space, so it never moved
/// past the byte: an endless loop, one per worker thread, for any text document with a NUL.
#[test]
fn nul_byte_in_text_does_not_hang() {
    for format in [DocFormat::Text, DocFormat::Html] {
        for doc in [
            &b"ab\0cd"[..],
            b"\0",
            b"Shop now!\0\0\0 Only \0 today",
            b"<p>Buy\0now</p>\0<a href=\"https://amzn.to/x\">\0deal</a>",
        ] {
            let r = scan(doc, format);
            check_spans(doc.len(), &r);
        }
    }
    // The NUL separates words like a space does.
    let r = scan(b"Shop\0now", DocFormat::Text);
    assert!(
        r.findings.iter().any(|f| f.matched == "Shop\0now"),
        "{:?}",
        r.findings
    );
}

/// fuzz target `jsonl`, artifact crash-a0bb8d67 (a harness assumption, not a reader bug): a
/// "JSONL" file that is two broken gzip members gives one error per member, each naming its
/// line and compressed byte, with consecutive record indexes.
#[test]
fn two_broken_gzip_members_in_jsonl_are_two_errors() {
    use puffery::input::{InputFormat, Item, read_bytes};
    let bytes = b"\x1f\x8b\x08\x00\x00\x00\x02\x1f\x8b\x08\x00\x00\x00\x00\x00Zt3e\x00\x00dt1e";
    let items: Vec<Item> = within(20, || {
        read_bytes("f.jsonl", bytes.to_vec(), InputFormat::Jsonl).collect()
    });
    assert_eq!(items.len(), 2, "{items:?}");
    for (i, item) in items.iter().enumerate() {
        let Item::Error(e) = item else {
            panic!("{item:?}")
        };
        let message = e.message();
        assert_eq!((e.record, e.at.line), (i as u64, Some(i as u64 + 1)));
        assert!(
            message.contains("gzip member at compressed byte"),
            "{message}"
        );
    }
}
