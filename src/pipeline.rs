//! The streaming pipeline: a reader thread pulls input items, the caller's thread batches them
//! and scans each batch in parallel, results go to a sink in input order
//! ([`Scanner::scan_stream`]).

use crate::input::{At, Item, ReadError, ReadErrorKind};
use crate::scan::{BATCH_DOCS, DocInput, DocResult, Scanner, batch_bytes};

impl Scanner {
    /// Scans a stream of input items in order-preserving batches. A reader thread pulls items
    /// and hands them over a bounded channel, reading ahead up to two batches' worth of bytes
    /// (so decompression and record parsing run while a batch is scanned: [`Feed`]); each
    /// batch is what has arrived (at least one item, at most [`BATCH_DOCS`] documents or
    /// [`batch_bytes`] of the pool's threads), so a trickling input (a pipeline writing one line and waiting
    /// for its answer) gets each answer at once and a flood gets large parallel batches. Each
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
    /// this scanner was built, say).
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
        let Feed {
            rx,
            closing,
            reader,
        } = feed;
        // `rx` moves into the consumer and is dropped when it returns, error or not; the guard
        // wakes a reader waiting for room then.
        self.consume(rx, &closing.0, pool, sink, batch_done)?;
        drop(closing);
        // The channel said the reader dropped its sender: it has finished, or panicked (the
        // binary's per-input guards, `input::open_path_guarded`, turn that into error items).
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
        rx: std::sync::mpsc::Receiver<Item>,
        budget: &ReadAhead,
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
                    match rx.recv() {
                        Ok(item) => item,
                        Err(_) => return Ok(()),
                    }
                }
            };
            let mut bytes = item_bytes(&first);
            let mut batch = vec![first];
            while batch.len() < BATCH_DOCS && bytes < budget.batch {
                let Ok(item) = rx.try_recv() else { break };
                bytes += item_bytes(&item);
                batch.push(item);
            }
            budget.give(bytes);
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
            next = rx.try_recv().ok();
        }
    }

    /// Scans the documents of one batch in parallel; a panic costs its document only.
    fn scan_batch(&self, batch: &[Item]) -> Vec<Result<Option<DocResult>, String>> {
        use rayon::prelude::*;
        batch
            .par_iter()
            .map(|item| match item {
                Item::Doc(r) => {
                    // A bug must cost one document (an error line), not the run.
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        Some(self.for_source(&r.source).scan(&DocInput {
                            bytes: &r.body,
                            format: r.format,
                            url: r.url.as_deref(),
                            lang: r.lang.as_deref(),
                            charset: r.charset.as_deref(),
                            inline_ignore: self.options().inline_ignore && is_whole_file(r),
                        }))
                    }))
                    .map_err(|p| crate::input::panic_message(p.as_ref()))
                }
                _ => Ok(None),
            })
            .collect()
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
/// pulls items and hands them over a bounded channel, up to two batches of documents
/// ([`batch_bytes`]) ahead of the batch being scanned. Started before the scanner is built, it decompresses and
/// parses the first records while the automata build (start-up is serial time; `scan` starts
/// its feed first). Dropped unused, it stops the reader at its next item.
pub struct Feed {
    rx: std::sync::mpsc::Receiver<Item>,
    closing: CloseOnDrop,
    reader: std::thread::JoinHandle<()>,
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
        let (tx, rx) = std::sync::mpsc::sync_channel::<Item>(READ_AHEAD_ITEMS);
        let budget = std::sync::Arc::new(ReadAhead {
            state: std::sync::Mutex::new((0, false)),
            room: std::sync::Condvar::new(),
            batch: batch_bytes(threads),
        });
        let reader_budget = budget.clone();
        let reader = std::thread::Builder::new()
            .name("puffery-reader".into())
            .spawn(move || {
                for item in items {
                    // Wait while the items read ahead hold enough bytes; a closed consumer
                    // (the sink stopped) ends the reader.
                    if !reader_budget.take(item_bytes(&item)) || tx.send(item).is_err() {
                        break;
                    }
                }
            })
            .expect("cannot start the reader thread");
        Feed {
            rx,
            closing: CloseOnDrop(budget),
            reader,
        }
    }
}

/// Most items the reader thread may have read ahead of the batch being scanned.
const READ_AHEAD_ITEMS: usize = 4 * BATCH_DOCS;

/// The bytes an item holds, for the read-ahead budget.
fn item_bytes(item: &Item) -> usize {
    match item {
        Item::Doc(r) => r.body.len(),
        _ => 0,
    }
}

/// The document bytes read ahead and not yet taken into a batch. The reader waits for room
/// (`take`), the consumer makes room (`give`); a closed budget lets the reader go at once.
/// The reader may hold two full batches (`batch` bytes each) ahead of the batch being
/// scanned, so the scanners never wait for the reader (decompression and record parsing)
/// between batches, and memory stays bounded by three batches.
struct ReadAhead {
    state: std::sync::Mutex<(usize, bool)>,
    room: std::sync::Condvar,
    /// Most document bytes in one batch.
    batch: usize,
}

impl ReadAhead {
    /// Waits until `n` more bytes fit (or nothing is queued: one large document always goes),
    /// then counts them. False once the consumer has gone.
    fn take(&self, n: usize) -> bool {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while !s.1 && s.0 > 0 && s.0 + n > 2 * self.batch {
            s = self.room.wait(s).unwrap_or_else(|e| e.into_inner());
        }
        s.0 += n;
        !s.1
    }

    fn give(&self, n: usize) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.0 = s.0.saturating_sub(n);
        self.room.notify_all();
    }

    fn close(&self) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).1 = true;
        self.room.notify_all();
    }
}

/// Closes the read-ahead budget when the consumer returns, error or not.
struct CloseOnDrop(std::sync::Arc<ReadAhead>);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        self.0.close();
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
            body: text.as_bytes().to_vec(),
            ..Record::default()
        })
    }

    fn scanner() -> Scanner {
        Scanner::new(RuleSet::builtin().unwrap(), ScannerOptions::default()).unwrap()
    }

    /// Several batches (1,000 items, at most 256 a batch), two scanning threads, the sink on
    /// this one while the next batch is scanned: every item comes out once, in input order,
    /// with the verdict a scan of it alone gives, and the last flush comes after the last item.
    #[test]
    fn every_item_reaches_the_sink_in_input_order() {
        let texts = [
            "Shop Now on Amazon! Hurry, only 3 left in stock. Claim your discount today!",
            "A walk in the park.",
        ];
        let s = scanner();
        let alone: Vec<String> = (texts.iter())
            .map(|t| s.scan(&DocInput::new(t.as_bytes(), DocFormat::Text)).label)
            .map(|l| l.as_str().to_string())
            .collect();
        // Two verdicts, so that an item out of place shows.
        assert_ne!(alone[0], alone[1]);
        let want: Vec<(u64, String)> = (0..1000u64)
            .map(|i| match i {
                _ if i % 50 == 7 => (i, "error".to_string()),
                _ => (i, alone[(i % 3 == 0) as usize].clone()),
            })
            .collect();
        let items = (0..1000u64).map(move |i| match i {
            _ if i % 50 == 7 => Item::error("t", i, ReadErrorKind::Jsonl, "not JSON"),
            _ => doc(i, texts[(i % 3 == 0) as usize]),
        });
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        // Per item: its record and verdict ("error" for an error item); per flush: the items
        // out by then.
        let out = RefCell::new((Vec::new(), Vec::new()));
        let done: Result<(), ()> = s.scan_stream(
            items,
            Some(&pool),
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
        let (items, flushes) = out.into_inner();
        assert_eq!(items, want);
        assert!(flushes.len() >= 4, "batches: {flushes:?}");
        assert_eq!(flushes.last(), Some(&1000), "flushes: {flushes:?}");
    }

    /// One scanning thread takes batches of about [`crate::scan::BATCH_BYTES_ONE_THREAD`]: 40
    /// documents of 300,000 bytes, read ahead faster than they are scanned, come out in
    /// batches of at most four (a batch closes at the first document that brings it to 1 MiB
    /// or more), where two threads may take up to 27 (8 MiB); every document comes out.
    #[test]
    fn one_thread_takes_small_batches() {
        let text = "Shop now on Amazon! ".repeat(15_000);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let out = RefCell::new((0usize, Vec::new()));
        let done: Result<(), ()> = scanner().scan_stream(
            (0..40u64).map(move |i| doc(i, &text)),
            Some(&pool),
            |_, _| {
                out.borrow_mut().0 += 1;
                Ok(())
            },
            || {
                let (n, flushes) = &mut *out.borrow_mut();
                flushes.push(*n);
                Ok(())
            },
        );
        assert_eq!(done, Ok(()));
        let (n, flushes) = out.into_inner();
        assert_eq!(n, 40);
        let sizes: Vec<usize> = (flushes.iter().zip([0].iter().chain(&flushes)))
            .map(|(b, a)| b - a)
            .collect();
        assert!(
            sizes.iter().all(|&k| (1..=4).contains(&k)),
            "batches: {sizes:?}"
        );
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
}
