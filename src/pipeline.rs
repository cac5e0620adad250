//! The streaming pipeline: a reader thread pulls input items, the caller's thread batches them
//! and scans each batch in parallel, results go to a sink in input order
//! ([`Scanner::scan_stream`]).

use crate::input::{At, Item, ReadError, ReadErrorKind};
use crate::scan::{BATCH_BYTES, BATCH_DOCS, DocInput, DocResult, Scanner};

impl Scanner {
    /// Scans a stream of input items in order-preserving batches. A reader thread pulls items
    /// and hands them over a bounded channel, reading ahead up to two batches' worth of bytes
    /// (so decompression and record parsing run while a batch is scanned); each batch is what has arrived (at least one
    /// item, at most [`BATCH_DOCS`] documents or [`BATCH_BYTES`] bytes), so a trickling input
    /// (a pipeline writing one line and waiting for its answer) gets each answer at once and a
    /// flood gets large parallel batches. Each batch is scanned on `pool` (or rayon's global
    /// pool), handed to `sink` in input order, one call per item (with its result for
    /// documents), then `batch_done` is called (to flush). A panic while scanning one document
    /// (a bug) reaches the sink as an `Item::Error` for that record instead, and the stream
    /// goes on.
    ///
    /// Stops at the first error the sink or `batch_done` returns (a closed pipe, a full disk)
    /// and returns it at once: the channel is closed, so the reader thread ends at its next
    /// item, and it is not waited for (it may be blocked reading a pipe that never ends). On
    /// success the reader has finished and is joined.
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
        let (tx, rx) = std::sync::mpsc::sync_channel::<Item>(READ_AHEAD_ITEMS);
        let budget = std::sync::Arc::new(ReadAhead::default());
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
        // `rx` moves into the consumer and is dropped when it returns, error or not; the guard
        // wakes a reader waiting for room then.
        let closing = CloseOnDrop(budget.clone());
        self.consume(rx, &budget, pool, sink, batch_done)?;
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
        while let Ok(first) = rx.recv() {
            let mut bytes = item_bytes(&first);
            let mut batch = vec![first];
            while batch.len() < BATCH_DOCS && bytes < BATCH_BYTES {
                let Ok(item) = rx.try_recv() else { break };
                bytes += item_bytes(&item);
                batch.push(item);
            }
            budget.give(bytes);
            let results = match pool {
                Some(p) => p.install(|| self.scan_batch(&batch)),
                None => self.scan_batch(&batch),
            };
            for (item, result) in batch.into_iter().zip(results) {
                match (item, result) {
                    (item, Ok(result)) => sink(item, result)?,
                    (Item::Doc(r), Err(message)) => sink(
                        Item::Error(ReadError {
                            detail: format!(
                                "internal error while scanning (a bug, please report it \
                                 with this record): {message}"
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
                    )?,
                    (item, Err(_)) => sink(item, None)?,
                }
            }
            batch_done()?;
        }
        Ok(())
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

/// Most items the reader thread may have read ahead of the batch being scanned.
const READ_AHEAD_ITEMS: usize = 4 * BATCH_DOCS;
/// Most document bytes the reader thread may have read ahead of the batch being scanned: two
/// full batches, so the scanners never wait for the reader (decompression and record parsing)
/// between batches, and memory stays bounded by three batches.
const READ_AHEAD_BYTES: usize = 2 * BATCH_BYTES;

/// The bytes an item holds, for the read-ahead budget.
fn item_bytes(item: &Item) -> usize {
    match item {
        Item::Doc(r) => r.body.len(),
        _ => 0,
    }
}

/// The document bytes read ahead and not yet taken into a batch. The reader waits for room
/// (`take`), the consumer makes room (`give`); a closed budget lets the reader go at once.
#[derive(Default)]
struct ReadAhead {
    state: std::sync::Mutex<(usize, bool)>,
    room: std::sync::Condvar,
}

impl ReadAhead {
    /// Waits until `n` more bytes fit (or nothing is queued: one large document always goes),
    /// then counts them. False once the consumer has gone.
    fn take(&self, n: usize) -> bool {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while !s.1 && s.0 > 0 && s.0 + n > READ_AHEAD_BYTES {
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
