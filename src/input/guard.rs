//! A reader that panics (a bug) costs one error item, not the run.
//!
//! ```
//! use puffery::input::{InputOptions, Item, open_path_guarded};
//! let items: Vec<Item> = open_path_guarded("no/such/file".as_ref(), &InputOptions::default()).collect();
//! assert!(matches!(items[0], Item::Error { .. }));
//! ```

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use super::{InputOptions, Item, open_path};

/// [`open_path`], with a panic while opening or reading turned into an [`Item::Error`] naming
/// the input and the record it stopped at. The rest of that input is not read (a reader that
/// panicked is in no known state); the items of other inputs are not affected.
pub fn open_path_guarded(
    path: &Path,
    opts: &InputOptions,
) -> Box<dyn Iterator<Item = Item> + Send> {
    let source = path.display().to_string();
    match catch_unwind(AssertUnwindSafe(|| open_path(path, opts))) {
        Ok(inner) => Box::new(Guarded {
            inner: Some(inner),
            source,
            next_record: 0,
        }),
        Err(p) => Box::new(std::iter::once(panicked(&source, 0, p.as_ref()))),
    }
}

struct Guarded {
    inner: Option<Box<dyn Iterator<Item = Item> + Send>>,
    source: String,
    next_record: u64,
}

impl Iterator for Guarded {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        let inner = self.inner.as_mut()?;
        match catch_unwind(AssertUnwindSafe(|| inner.next())) {
            Ok(item) => {
                match &item {
                    Some(Item::Doc(r)) => self.next_record = r.record + 1,
                    Some(Item::Error(e)) => self.next_record = e.record + 1,
                    Some(Item::Skipped { .. }) => self.next_record += 1,
                    None => self.inner = None,
                }
                item
            }
            Err(p) => {
                self.inner = None;
                Some(panicked(&self.source, self.next_record, p.as_ref()))
            }
        }
    }
}

fn panicked(source: &str, record: u64, p: &(dyn std::any::Any + Send)) -> Item {
    Item::error(
        source,
        record,
        crate::input::ReadErrorKind::Internal,
        format!(
            "internal error while reading (a bug, please report it with this file): {}; \
             the rest of this input was not read",
            panic_message(p)
        ),
    )
}

/// The message of a caught panic.
pub(crate) fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two records, then a panic: the records stand, the panic is an error item after them.
    #[test]
    fn a_panicking_reader_becomes_an_error_item() {
        let mut n = 0;
        let inner = std::iter::from_fn(move || {
            n += 1;
            match n {
                1 | 2 => Some(Item::Skipped {
                    source: "x.warc".into(),
                    reason: "warc-request".into(),
                }),
                _ => panic!("reader bug"),
            }
        });
        let g = Guarded {
            inner: Some(Box::new(inner)),
            source: "x.warc".into(),
            next_record: 0,
        };
        let items: Vec<Item> = g.collect();
        assert_eq!(items.len(), 3);
        match &items[2] {
            Item::Error(e) => {
                assert_eq!((e.source.as_str(), e.record), ("x.warc", 2));
                assert!(e.detail.contains("reader bug"), "{e}");
            }
            other => panic!("not an error: {other:?}"),
        }
    }
}
