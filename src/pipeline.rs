//! The streaming pipeline: a reader thread pulls input items, the caller's thread batches them
//! and scans each batch in parallel, results go to a sink in input order
//! ([`Scanner::scan_stream`]). For one scanning thread on files, [`Feed::inline`] reads, scans
//! and hands on each item on the caller's thread instead.

use crate::input::{At, Item, ReadError, ReadErrorKind};
use crate::scan::{BATCH_DOCS, DocInput, DocResult, Scanner, batch_bytes};

impl Scanner {
    /// Scans a stream of input items in order-preserving batches. A reader thread pulls items
    /// and hands them over a bounded queue, reading ahead up to two batches' worth of bytes
    /// (so decompression and record parsing run while a batch is scanned: [`Feed`]); each
    /// batch is what has arrived (at least one item, at most [`BATCH_DOCS`] documents, or up
    /// to `MOST_DOCS` small ones, or [`batch_bytes`] of the pool's threads), so a trickling
    /// input (a pipeline writing one line and waiting for its answer) gets each answer at once
    /// and a flood gets large parallel batches. Each
    /// batch is scanned on `pool` (or rayon's global pool), handed to `sink` in input order,
    /// one call per item (with its result for documents), then `batch_done` is called (to
    /// flush). The sink runs on the caller's thread while the next batch is scanned; a batch
    /// with no successor waiting goes to the sink before the wait for more input. A panic
    /// while scanning one document (a bug) reaches the sink as an `Item::Error` for that
    /// record instead, and the stream goes on.
    ///
    /// Stops at the first error the sink or `batch_done` returns (a closed pipe, a full disk)
    /// and returns it once the batch being scanned is done (no work is left running): the
    /// channel is closed, so the reader thread ends at its next item, and it is not waited for
    /// (it may be blocked reading a pipe that never ends). On success the reader has finished
    /// and is joined.
    pub fn scan_stream<I, F, G, E>(
        &self,
        items: I,
        pool: Option<&rayon::ThreadPool>,
        sink: F,
        batch_done: G,
    ) -> Result<(), E>
    where
        I: Iterator<Item = Item> + Send + 'static,
        F: FnMut(Item, Option<DocResult>) -> Result<(), E>,
        G: FnMut() -> Result<(), E>,
    {
        let threads = pool.map_or_else(rayon::current_num_threads, |p| p.current_num_threads());
        self.scan_feed(Feed::for_threads(items, threads), pool, sink, batch_done)
    }

    /// [`Scanner::scan_stream`] of items a [`Feed`] has been reading since it started (before
    /// this scanner was built, say). A [`Feed::inline`] is read and scanned on this thread,
    /// whatever `pool` is.
    pub fn scan_feed<F, G, E>(
        &self,
        feed: Feed,
        pool: Option<&rayon::ThreadPool>,
        sink: F,
        batch_done: G,
    ) -> Result<(), E>
    where
        F: FnMut(Item, Option<DocResult>) -> Result<(), E>,
        G: FnMut() -> Result<(), E>,
    {
        let (closing, reader) = match feed.0 {
            Reading::Ahead { closing, reader } => (closing, reader),
            Reading::Inline(items) => return self.consume_inline(items, sink, batch_done),
        };
        // The guard closes the queue when the consumer returns, error or not, and wakes a
        // reader waiting for room.
        self.consume(&closing.0, pool, sink, batch_done)?;
        drop(closing);
        // The queue said the reader has ended: it has finished, or panicked (the binary's
        // per-input guards, `input::open_path_guarded`, turn that into error items).
        if let Err(panic) = reader.join() {
            // An unguarded reader panicked: its items after the panic are lost, so say so
            // loudly rather than finish as if the input had ended.
            std::panic::resume_unwind(panic);
        }
        Ok(())
    }

    /// The consuming side of [`Scanner::scan_stream`]: batches, scans, hands results on.
    ///
    /// While one batch is scanned on the pool, this thread hands the batch before it to the
    /// sink (its output overlaps the scan, where the pool used to wait for it); a batch whose
    /// successor has not arrived yet is handed on at once, before waiting for more input, so a
    /// trickling input still gets each answer as soon as it is scanned.
    fn consume<F, G, E>(
        &self,
        queue: &Queue,
        pool: Option<&rayon::ThreadPool>,
        mut sink: F,
        mut batch_done: G,
    ) -> Result<(), E>
    where
        F: FnMut(Item, Option<DocResult>) -> Result<(), E>,
        G: FnMut() -> Result<(), E>,
    {
        let mut hand_on = |done: Option<Scanned>| -> Result<(), E> {
            match done {
                Some((batch, results)) => {
                    for (item, result) in batch.into_iter().zip(results) {
                        let (item, result) = settle(item, result);
                        sink(item, result)?;
                    }
                    batch_done()
                }
                None => Ok(()),
            }
        };
        // The last batch scanned, not yet handed on; and an item already received.
        let (mut pending, mut next): (Option<Scanned>, Option<Item>) = (None, None);
        loop {
            let first = match next.take() {
                Some(item) => item,
                None => {
                    // Nothing has arrived: what is scanned goes out before the wait.
                    hand_on(pending.take())?;
                    match queue.recv() {
                        Some(item) => item,
                        None => return Ok(()),
                    }
                }
            };
            let batch = queue.batch(first);
            let mut results = Vec::new();
            let handed = {
                let scan = |_: &rayon::Scope<'_>| results = self.scan_batch(&batch);
                let before = pending.take();
                match pool {
                    Some(p) => p.in_place_scope(|s| {
                        s.spawn(scan);
                        hand_on(before)
                    }),
                    None => rayon::in_place_scope(|s| {
                        s.spawn(scan);
                        hand_on(before)
                    }),
                }
            };
            // The scope waited for the scan, so an output error ends the run with no work
            // left running.
            handed?;
            pending = Some((batch, results));
            next = queue.try_recv();
        }
    }

    /// Scans the documents of one batch in parallel; a panic costs its document only.
    fn scan_batch(&self, batch: &[Item]) -> Vec<Result<Option<DocResult>, String>> {
        use rayon::prelude::*;
        batch.par_iter().map(|item| self.scan_item(item)).collect()
    }

    /// Scans one item if it is a document; a panic costs that document only (an `Err` with
    /// the panic's message, which [`settle`] turns into an error item).
    fn scan_item(&self, item: &Item) -> Result<Option<DocResult>, String> {
        let Item::Doc(r) = item else {
            return Ok(None);
        };
        // A bug must cost one document (an error line), not the run.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let doc = DocInput {
                bytes: &r.body,
                format: r.format,
                url: r.url.as_deref(),
                lang: r.lang.as_deref(),
                charset: r.charset.as_deref(),
                inline_ignore: self.options().inline_ignore && is_whole_file(r),
            };
            let scanner = self.for_source(&r.source);
            Some(scanner.scan_known(&doc, r.body.as_str()).0)
        }))
        .map_err(|p| crate::input::panic_message(p.as_ref()))
    }

    /// The consuming side of [`Scanner::scan_feed`] for a [`Feed::inline`]: each item read,
    /// scanned and handed to the sink on this thread, one after the other; `batch_done` after
    /// as many items as a batch would hold, and at the end.
    fn consume_inline<F, G, E>(
        &self,
        items: Box<dyn Iterator<Item = Item> + Send>,
        mut sink: F,
        mut batch_done: G,
    ) -> Result<(), E>
    where
        F: FnMut(Item, Option<DocResult>) -> Result<(), E>,
        G: FnMut() -> Result<(), E>,
    {
        // Items and document bytes since the last `batch_done`.
        let (mut count, mut bytes) = (0, 0);
        for item in items {
            count += 1;
            bytes += item_bytes(&item);
            let result = self.scan_item(&item);
            let (item, result) = settle(item, result);
            // An output error ends the run here: nothing else is running or reading.
            sink(item, result)?;
            if batch_full(count, bytes, batch_bytes(1)) {
                batch_done()?;
                (count, bytes) = (0, 0);
            }
        }
        if count > 0 {
            batch_done()?;
        }
        Ok(())
    }
}

/// A scanned batch: its items and each one's result.
type Scanned = (Vec<Item>, Vec<Result<Option<DocResult>, String>>);

/// What the sink gets for an item and its scan: a document whose scan panicked (a bug) becomes
/// an error item for that record.
fn settle(item: Item, result: Result<Option<DocResult>, String>) -> (Item, Option<DocResult>) {
    match (item, result) {
        (item, Ok(result)) => (item, result),
        (Item::Doc(r), Err(message)) => (
            Item::Error(ReadError {
                detail: format!(
                    "internal error while scanning (a bug, please report it with this \
                     record): {message}"
                ),
                kind: ReadErrorKind::Internal,
                at: At {
                    line: r.line,
                    offset: r.offset,
                    gzip_member: None,
                },
                source: r.source,
                record: r.record,
                raw_line: r.raw_line,
            }),
            None,
        ),
        (item, Err(_)) => (item, None),
    }
}

/// Input items read ahead on a thread of their own, for [`Scanner::scan_feed`]: the reader
/// pulls items and hands them over a bounded [`Queue`], up to two batches of documents
/// ([`batch_bytes`]) ahead of the batch being scanned. Started before the scanner is built, it
/// decompresses and parses the first records while the automata build (start-up is serial
/// time; `scan` starts its feed first). Dropped unused, it stops the reader at its next item.
///
/// Or, made by [`Feed::inline`], items read on the consumer's own thread.
pub struct Feed(Reading);

enum Reading {
    /// A reader thread and the queue it fills.
    Ahead {
        closing: CloseOnDrop,
        reader: std::thread::JoinHandle<()>,
    },
    /// Items the consumer reads itself.
    Inline(Box<dyn Iterator<Item = Item> + Send>),
}

impl Feed {
    /// Starts the reader thread on `items`, batched for rayon's global pool.
    pub fn start<I>(items: I) -> Feed
    where
        I: Iterator<Item = Item> + Send + 'static,
    {
        Feed::for_threads(items, rayon::current_num_threads())
    }

    /// Starts the reader thread on `items`, batched for a scan on `pool`.
    pub fn for_pool<I>(items: I, pool: &rayon::ThreadPool) -> Feed
    where
        I: Iterator<Item = Item> + Send + 'static,
    {
        Feed::for_threads(items, pool.current_num_threads())
    }

    /// Starts the reader thread on `items`, batched for a scan on `threads` threads
    /// ([`batch_bytes`]).
    pub fn for_threads<I>(items: I, threads: usize) -> Feed
    where
        I: Iterator<Item = Item> + Send + 'static,
    {
        let queue = std::sync::Arc::new(Queue {
            state: std::sync::Mutex::new(Queued::default()),
            arrived: std::sync::Condvar::new(),
            room: std::sync::Condvar::new(),
            batch: batch_bytes(threads),
        });
        let ends = EndOnDrop(queue.clone());
        let reader = std::thread::Builder::new()
            .name("puffery-reader".into())
            .spawn(move || {
                // Dropped when the reader returns or panics: the consumer then takes what is
                // queued and sees the end.
                let ends = ends;
                for item in items {
                    // A closed queue (the sink stopped) ends the reader.
                    if !ends.0.push(item) {
                        break;
                    }
                }
            })
            .expect("cannot start the reader thread");
        Feed(Reading::Ahead {
            closing: CloseOnDrop(queue),
            reader,
        })
    }

    /// Items read on the consumer's thread, for one scanning thread: [`Scanner::scan_feed`]
    /// reads an item, scans it and hands it to the sink, on that one thread, then reads the
    /// next; `batch_done` comes after as many items as a batch would hold and at the end. No
    /// reader thread, no pool: a document is scanned on the core that decoded it, while its
    /// bytes are in that core's cache, and no thread waits for or wakes another. At `-j1` the
    /// CLI's reader thread, one pool thread and the output on the main thread took 1.06-1.20x
    /// the CPU of this (paired medians on the bench JSONL, WARC.gz and short JSONL, wave 2,
    /// session 25), for a shorter wall time.
    ///
    /// Only for inputs whose reads never wait for the sink's output to be read: files, not a
    /// pipe whose writer sends the next document once it has the answer to the last, which
    /// would wait for an answer still buffered here ([`Feed::for_threads`] hands each answer
    /// on before it waits for more input).
    pub fn inline<I>(items: I) -> Feed
    where
        I: Iterator<Item = Item> + Send + 'static,
    {
        Feed(Reading::Inline(Box::new(items)))
    }
}

/// Most items the reader thread may have read ahead of the batch being scanned.
const READ_AHEAD_ITEMS: usize = 2 * MOST_DOCS;

/// A batch of small documents goes on past [`BATCH_DOCS`], up to this many, while it holds
/// less than [`SMALL_BATCH`] bytes: each batch costs a hand-over to the pool, a wait for it and
/// a flush. Documents of at most 200 characters (`bench-peers.sh`'s short input, 256 to a batch
/// before wave 2, session 21) took 0.97x the CPU (paired `-j1`, 15 rounds, and 0.965x with the
/// order swapped), documents of 125 bytes 0.93x (11 rounds); the bench JSONL's ~3 KB documents
/// still stop at [`BATCH_DOCS`] (1.006x, noise).
const MOST_DOCS: usize = 4 * BATCH_DOCS;
const SMALL_BATCH: usize = 256 << 10;

/// Whether a batch of `docs` items holding `bytes` document bytes is full: it goes on while it
/// holds under `most` bytes and under [`BATCH_DOCS`] documents, or under [`MOST_DOCS`]
/// documents and [`SMALL_BATCH`] bytes.
fn batch_full(docs: usize, bytes: usize, most: usize) -> bool {
    !((docs < BATCH_DOCS || docs < MOST_DOCS && bytes < SMALL_BATCH) && bytes < most)
}

/// The bytes an item holds, for the read-ahead budget.
fn item_bytes(item: &Item) -> usize {
    match item {
        Item::Doc(r) => r.body.len(),
        _ => 0,
    }
}

/// The items read ahead and not yet taken into a batch, handed from the reader thread to the
/// consumer. The reader waits for room ([`Queue::push`]): at most [`READ_AHEAD_ITEMS`] items,
/// and at most two full batches (`batch` bytes each) of document bytes, though one item always
/// goes into an empty queue. So the scanners never wait for the reader (decompression and
/// record parsing) between batches, and memory stays bounded by three batches.
///
/// The consumer takes all it may of a batch under one lock ([`Queue::batch`]), and each
/// side wakes the other only when it waits: a full queue wakes its reader once a batch, not
/// once an item. Until wave 2, session 21 a bounded `mpsc::sync_channel` carried the items:
/// each item the consumer took from a full channel woke the reader, which read one item and
/// waited again. 300,000 documents of 125 bytes made 29,000 context switches and 0.22 s of
/// system time in 0.9 s of CPU (`-j1`).
struct Queue {
    state: std::sync::Mutex<Queued>,
    /// The consumer waits here for an item or the reader's end.
    arrived: std::sync::Condvar,
    /// The reader waits here for room or the consumer's end.
    room: std::sync::Condvar,
    /// Most document bytes in one batch.
    batch: usize,
}

#[derive(Default)]
struct Queued {
    items: std::collections::VecDeque<Item>,
    /// The document bytes of `items`.
    bytes: usize,
    /// The reader has returned or panicked: no more items come.
    ended: bool,
    /// The consumer has returned: items pushed are dropped.
    closed: bool,
    /// The consumer waits on `arrived`.
    consumer_waits: bool,
    /// The reader waits on `room`.
    reader_waits: bool,
}

impl Queue {
    fn lock(&self) -> std::sync::MutexGuard<'_, Queued> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues `item` once there is room for it (or nothing is queued: one large document always
    /// goes). False once the consumer has gone.
    fn push(&self, item: Item) -> bool {
        let n = item_bytes(&item);
        let mut s = self.lock();
        while !s.closed
            && !s.items.is_empty()
            && (s.items.len() >= READ_AHEAD_ITEMS || s.bytes + n > 2 * self.batch)
        {
            s.reader_waits = true;
            s = self.room.wait(s).unwrap_or_else(|e| e.into_inner());
        }
        s.reader_waits = false;
        if s.closed {
            return false;
        }
        s.items.push_back(item);
        s.bytes += n;
        if s.consumer_waits {
            self.arrived.notify_one();
        }
        true
    }

    /// The next item, once one is queued; `None` once the reader has ended and all it queued
    /// was taken.
    fn recv(&self) -> Option<Item> {
        let mut s = self.lock();
        while s.items.is_empty() && !s.ended {
            s.consumer_waits = true;
            s = self.arrived.wait(s).unwrap_or_else(|e| e.into_inner());
        }
        s.consumer_waits = false;
        self.pop(&mut s)
    }

    /// The next item if one is queued.
    fn try_recv(&self) -> Option<Item> {
        self.pop(&mut self.lock())
    }

    /// The batch that starts with `first` and goes on with the queued items while it holds
    /// under `batch` bytes and under [`BATCH_DOCS`] documents, or under [`MOST_DOCS`] documents
    /// and [`SMALL_BATCH`] bytes.
    fn batch(&self, first: Item) -> Vec<Item> {
        let mut bytes = item_bytes(&first);
        let mut batch = Vec::with_capacity(BATCH_DOCS);
        batch.push(first);
        let mut s = self.lock();
        while !batch_full(batch.len(), bytes, self.batch) {
            let Some(item) = s.items.pop_front() else {
                break;
            };
            let n = item_bytes(&item);
            s.bytes -= n;
            bytes += n;
            batch.push(item);
        }
        if s.reader_waits {
            self.room.notify_one();
        }
        batch
    }

    /// Takes the first item. A waiting reader is woken by the [`Queue::batch`] that every taken
    /// item starts, once for the batch.
    fn pop(&self, s: &mut Queued) -> Option<Item> {
        let item = s.items.pop_front()?;
        s.bytes -= item_bytes(&item);
        Some(item)
    }
}

/// Closes the queue when the consumer returns, error or not: the reader stops at its next item.
struct CloseOnDrop(std::sync::Arc<Queue>);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        let mut s = self.0.lock();
        s.closed = true;
        s.items.clear();
        self.0.room.notify_all();
    }
}

/// Ends the queue when the reader returns or panics: the consumer takes what is queued, then
/// sees the end.
struct EndOnDrop(std::sync::Arc<Queue>);

impl Drop for EndOnDrop {
    fn drop(&mut self) {
        self.0.lock().ended = true;
        self.0.arrived.notify_all();
    }
}

/// True when a record is a whole file (a path given on the command line, found in a directory,
/// or stdin) rather than a record of a WARC, WET or JSONL container: only such documents,
/// which the user maintains, may suppress their own findings with inline comments.
fn is_whole_file(r: &crate::input::Record) -> bool {
    r.line.is_none() && r.id == r.source
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::time::Duration;

    use super::*;
    use crate::ScannerOptions;
    use crate::input::{DocFormat, Record};
    use crate::rules::RuleSet;

    fn doc(record: u64, text: &str) -> Item {
        Item::Doc(Record {
            source: "t".into(),
            record,
            id: format!("t#{record}"),
            format: DocFormat::Text,
            body: text.into(),
            ..Record::default()
        })
    }

    fn scanner() -> Scanner {
        Scanner::new(RuleSet::builtin().unwrap(), ScannerOptions::default()).unwrap()
    }

    /// What the sink gets from `feed` scanned on `pool`: per item its record and verdict
    /// ("error" for an error item); per flush, the items out by then.
    fn sunk(s: &Scanner, feed: Feed, pool: &rayon::ThreadPool) -> (Vec<(u64, String)>, Vec<usize>) {
        let out = RefCell::new((Vec::new(), Vec::new()));
        let done: Result<(), ()> = s.scan_feed(
            feed,
            Some(pool),
            |item, result| {
                let got = match (&item, result) {
                    (Item::Doc(r), Some(res)) => (r.record, res.label.as_str().to_string()),
                    (Item::Error(e), None) => (e.record, "error".to_string()),
                    _ => panic!("an item without its result"),
                };
                out.borrow_mut().0.push(got);
                Ok(())
            },
            || {
                let (items, flushes) = &mut *out.borrow_mut();
                flushes.push(items.len());
                Ok(())
            },
        );
        assert_eq!(done, Ok(()));
        out.into_inner()
    }

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
    }

    type Items = Box<dyn Iterator<Item = Item> + Send>;

    /// 5,000 items, one in 50 an error, of two texts with different verdicts (so that an item
    /// out of place shows), and what a scan of each alone gives.
    fn mixed(s: &Scanner) -> (impl Fn() -> Items, Vec<(u64, String)>) {
        let texts = [
            "Shop Now on Amazon! Hurry, only 3 left in stock. Claim your discount today!",
            "A walk in the park.",
        ];
        let alone: Vec<String> = (texts.iter())
            .map(|t| s.scan(&DocInput::new(t.as_bytes(), DocFormat::Text)).label)
            .map(|l| l.as_str().to_string())
            .collect();
        assert_ne!(alone[0], alone[1]);
        let want = (0..5000u64)
            .map(|i| match i {
                _ if i % 50 == 7 => (i, "error".to_string()),
                _ => (i, alone[(i % 3 == 0) as usize].clone()),
            })
            .collect();
        let items = move || -> Items {
            Box::new((0..5000u64).map(move |i| match i {
                _ if i % 50 == 7 => Item::error("t", i, ReadErrorKind::Jsonl, "not JSON"),
                _ => doc(i, texts[(i % 3 == 0) as usize]),
            }))
        };
        (items, want)
    }

    /// Several batches (5,000 items, at most 1,024 a batch), two scanning threads, the sink on
    /// this one while the next batch is scanned: every item comes out once, in input order,
    /// with the verdict a scan of it alone gives, and the last flush comes after the last item.
    #[test]
    fn every_item_reaches_the_sink_in_input_order() {
        let s = scanner();
        let (items, want) = mixed(&s);
        let two = pool(2);
        let (items, flushes) = sunk(&s, Feed::for_pool(items(), &two), &two);
        assert_eq!(items, want);
        assert!(flushes.len() >= 4, "batches: {flushes:?}");
        assert_eq!(flushes.last(), Some(&5000), "flushes: {flushes:?}");
    }

    /// One scanning thread takes batches of about [`crate::scan::BATCH_BYTES_ONE_THREAD`]: 40
    /// documents of 300,000 bytes, read ahead faster than they are scanned, come out in
    /// batches of at most four (a batch closes at the first document that brings it to 1 MiB
    /// or more), where two threads may take up to 27 (8 MiB); every document comes out.
    #[test]
    fn one_thread_takes_small_batches() {
        let text = "Shop now on Amazon! ".repeat(15_000);
        let sizes = batch_sizes((0..40u64).map(move |i| doc(i, &text)), Duration::ZERO);
        assert_eq!(sizes.iter().sum::<usize>(), 40);
        assert!(
            sizes.iter().all(|&k| (1..=4).contains(&k)),
            "batches: {sizes:?}"
        );
    }

    /// A sink slower than the reader: when each item reaches the sink, the reader has pulled
    /// at most the items of the queue ([`READ_AHEAD_ITEMS`]), of the batch being scanned and of
    /// the batch being handed on (at most [`MOST_DOCS`] each), and the one it waits to queue;
    /// in bytes, documents of 300,000 bytes with one scanning thread, at most two batches of
    /// bytes queued and one document more, and the two batches of at most one document beyond
    /// [`crate::scan::BATCH_BYTES_ONE_THREAD`] each.
    #[test]
    fn the_reader_reads_ahead_a_bounded_amount() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let one = crate::scan::BATCH_BYTES_ONE_THREAD;
        let cases = [
            (
                3 * READ_AHEAD_ITEMS,
                20,
                READ_AHEAD_ITEMS + 2 * MOST_DOCS + 1,
                0,
            ),
            (60, 300_000, 60, 2 * one + 2 * (one + 300_000) + 300_000),
        ];
        for (n, size, most_items, most_bytes) in cases {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .build()
                .unwrap();
            let pulled = Arc::new(AtomicUsize::new(0));
            let counter = pulled.clone();
            let text = "a".repeat(size);
            let items = (0..n as u64).map(move |i| {
                counter.fetch_add(1, Ordering::SeqCst);
                doc(i, &text)
            });
            let mut seen = 0;
            let mut ahead = 0;
            let done: Result<(), ()> = scanner().scan_stream(
                items,
                Some(&pool),
                |_, _| {
                    std::thread::sleep(Duration::from_micros(100));
                    ahead = ahead.max(pulled.load(Ordering::SeqCst) - seen);
                    seen += 1;
                    Ok(())
                },
                || Ok(()),
            );
            assert_eq!((done, seen), (Ok(()), n));
            assert!(ahead <= most_items, "{ahead} items ahead of {n}");
            if most_bytes > 0 {
                assert!(
                    ahead * size <= most_bytes,
                    "{ahead} documents of {size} bytes ahead"
                );
            }
            // The reader did run ahead: the bound is not met by a reader that waits.
            assert!(ahead > 2, "{ahead} items ahead");
        }
    }

    /// Small documents share batches past [`BATCH_DOCS`]: with the sink held up on the first
    /// item, the reader fills the queue, and the batches after it hold up to [`MOST_DOCS`]
    /// documents of 20 bytes each (under [`SMALL_BATCH`] bytes), never more. Documents of
    /// 2,000 bytes stop at [`BATCH_DOCS`] (512,000 bytes).
    #[test]
    fn small_documents_share_a_batch() {
        for (size, most) in [(20, MOST_DOCS), (2000, BATCH_DOCS)] {
            let text = "a".repeat(size);
            let items = (0..3000u64).map(move |i| doc(i, &text));
            let sizes = batch_sizes(items, Duration::from_millis(300));
            assert_eq!(sizes.iter().sum::<usize>(), 3000);
            assert_eq!(sizes.iter().max(), Some(&most), "{size} bytes: {sizes:?}");
        }
    }

    /// The sizes of the batches `items` come out in, scanned by one thread, the sink held up
    /// for `hold` on the first item.
    fn batch_sizes<I>(items: I, hold: Duration) -> Vec<usize>
    where
        I: Iterator<Item = Item> + Send + 'static,
    {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let out = RefCell::new((0usize, Vec::new()));
        let done: Result<(), ()> = scanner().scan_stream(
            items,
            Some(&pool),
            |_, _| {
                let mut o = out.borrow_mut();
                if o.0 == 0 {
                    std::thread::sleep(hold);
                }
                o.0 += 1;
                Ok(())
            },
            || {
                let (n, flushes) = &mut *out.borrow_mut();
                flushes.push(*n);
                Ok(())
            },
        );
        assert_eq!(done, Ok(()));
        let flushes = out.into_inner().1;
        (flushes.iter().zip([0].iter().chain(&flushes)))
            .map(|(b, a)| b - a)
            .collect()
    }

    /// A reader that panics (an input without the binary's guards) after 700 items: the sink
    /// gets those 700, then the panic reaches the caller of `scan_stream` rather than the
    /// stream ending as if the input had.
    #[test]
    fn a_reader_panic_reaches_the_caller_after_its_items() {
        let mut seen = 0;
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let items = (0u64..).map(|i| {
                assert!(i < 700, "the reader broke");
                doc(i, "Order now!")
            });
            let _: Result<(), ()> = scanner().scan_stream(
                items,
                None,
                |_, _| {
                    seen += 1;
                    Ok(())
                },
                || Ok(()),
            );
        }));
        let panic = run.expect_err("the reader's panic");
        assert_eq!(
            crate::input::panic_message(panic.as_ref()),
            "the reader broke"
        );
        assert_eq!(seen, 700);
    }

    /// An input that never ends and a sink that fails (a closed pipe) at its 300th item: the
    /// stream ends with that error, after exactly 300 items, with nothing left running.
    #[test]
    fn a_sink_error_ends_an_endless_stream() {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut n = 0;
            let r = scanner().scan_stream(
                (0u64..).map(|i| doc(i, "Shop now on Amazon!")),
                None,
                |_, _| {
                    n += 1;
                    if n == 300 { Err("closed") } else { Ok(()) }
                },
                || Ok(()),
            );
            tx.send((r, n)).unwrap();
        });
        let ended = rx.recv_timeout(Duration::from_secs(60));
        assert_eq!(ended, Ok((Err("closed"), 300)));
    }

    /// Items read, scanned and handed on on one thread ([`Feed::inline`]) come out as with a
    /// reader thread: every item once, in input order, with the verdict a scan of it alone
    /// gives; `batch_done` after as many items as a batch would hold ([`MOST_DOCS`] of these
    /// short documents, which hold under [`SMALL_BATCH`] bytes), and after the last item.
    #[test]
    fn an_inline_feed_gives_what_a_reader_thread_gives() {
        let s = scanner();
        let (items, want) = mixed(&s);
        let (items, flushes) = sunk(&s, Feed::inline(items()), &pool(1));
        assert_eq!(items, want);
        assert_eq!(flushes, [1024, 2048, 3072, 4096, 5000]);
    }

    /// Large documents: `batch_done` after the one that brings the items since the last to
    /// [`crate::scan::BATCH_BYTES_ONE_THREAD`] (1 MiB), as a one-thread batch would end.
    #[test]
    fn an_inline_feed_flushes_every_mebibyte() {
        let text = "Shop now on Amazon! ".repeat(15_000);
        let mut flushes = Vec::new();
        let n = std::cell::Cell::new(0);
        let done: Result<(), ()> = scanner().scan_feed(
            Feed::inline((0..10u64).map(move |i| doc(i, &text))),
            None,
            |_, _| {
                n.set(n.get() + 1);
                Ok(())
            },
            || {
                flushes.push(n.get());
                Ok(())
            },
        );
        assert_eq!(done, Ok(()));
        // 300,000 bytes each: the fourth brings 1.2 MB.
        assert_eq!(flushes, [4, 8, 10]);
    }

    /// An endless input read inline and a sink that fails (a closed pipe) at its 300th item:
    /// the feed ends with that error, and no item is read after the failing one.
    #[test]
    fn a_sink_error_ends_an_endless_inline_feed() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicU64, Ordering};
        let pulled = Arc::new(AtomicU64::new(0));
        let count = pulled.clone();
        let items = (0u64..).map(move |i| {
            count.fetch_add(1, Ordering::Relaxed);
            doc(i, "Shop now on Amazon!")
        });
        let mut n = 0;
        let r = scanner().scan_feed(
            Feed::inline(items),
            None,
            |_, _| {
                n += 1;
                if n == 300 { Err("closed") } else { Ok(()) }
            },
            || Ok(()),
        );
        assert_eq!((r, n), (Err("closed"), 300));
        assert_eq!(pulled.load(Ordering::Relaxed), 300);
    }
}
