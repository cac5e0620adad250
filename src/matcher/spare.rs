//! Lists a text's scan fills, kept per thread from one text to the next. Each was over a
//! kilobyte for a text of a few kilobytes, which mimalloc allocates on its generic path (about
//! 200 instructions an allocation; ten a text in a `-j1` scan of the bench JSONL, 37 M
//! instructions in all, wave 2, session 19); a list kept from the text before has its room.

use std::cell::RefCell;
use std::thread::LocalKey;

/// Kept lists of one kind.
pub(crate) type Spares<T> = RefCell<Vec<Vec<T>>>;

thread_local! {
    /// `(place, number)` lists: the walk's match ends, the prefix candidates and gate hits.
    pub(crate) static PLACES: Spares<(usize, u32)> = const { RefCell::new(Vec::new()) };
    /// `(start, end, pattern)` lists: the phrase matches of a text.
    pub(crate) static MATCHES: Spares<(usize, usize, usize)> = const { RefCell::new(Vec::new()) };
}

/// Most entries a kept list may have room for (a megabyte or so): a long text's lists are
/// freed, not kept.
const ROOM: usize = 1 << 16;

/// Most lists of one kind kept per thread (a text's walk holds five at once, the prefix pass
/// two more).
const KEPT: usize = 8;

/// An empty list with room for `room` entries, one kept from an earlier text where there is.
pub(crate) fn take<T: 'static>(spares: &'static LocalKey<Spares<T>>, room: usize) -> Vec<T> {
    let kept = spares.try_with(|s| s.borrow_mut().pop()).ok().flatten();
    let mut list = kept.unwrap_or_default();
    list.reserve(room);
    list
}

/// Keeps `list`, emptied, for the next text, unless it is large or enough are kept.
pub(crate) fn give_back<T: 'static>(spares: &'static LocalKey<Spares<T>>, mut list: Vec<T>) {
    if list.capacity() == 0 || list.capacity() > ROOM {
        return;
    }
    list.clear();
    let _ = spares.try_with(|s| {
        let mut s = s.borrow_mut();
        if s.len() < KEPT {
            s.push(list);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A list given back comes back empty with its room; a large one is not kept, and no more
    /// than [`KEPT`] are.
    #[test]
    fn lists_come_back_empty_with_their_room() {
        PLACES.with(|s| s.borrow_mut().clear());
        let mut list = take(&PLACES, 100);
        list.extend([(1, 2), (3, 4)]);
        let room = list.capacity();
        give_back(&PLACES, list);
        let again = take(&PLACES, 10);
        assert!(again.is_empty() && again.capacity() == room);
        give_back(&PLACES, Vec::with_capacity(ROOM + 1));
        assert!(take(&PLACES, 0).capacity() == 0, "a large list is not kept");
        for _ in 0..KEPT + 3 {
            give_back(&PLACES, Vec::with_capacity(4));
        }
        assert_eq!(PLACES.with(|s| s.borrow().len()), KEPT);
    }
}
