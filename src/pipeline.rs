//! The streaming pipeline: a reader thread pulls input items, the caller's thread batches them
//! and scans each batch in parallel, results go to a sink in input order
//! ([`Scanner::scan_stream`]).

use crate::input::{At, Item, ReadError, ReadErrorKind};
use crate::scan::{BATCH_BYTES, BATCH_DOCS, DocInput, DocResult, Scanner};

impl Scanner {
    /// Scans a stream of input items in order-preserving batches. A reader thread pulls items
    /// and hands them over a bounded channel; each batch is what has arrived (at least one
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
        let (tx, rx) = std::sync::mpsc::sync_channel::<Item>(16);
        let reader = std::thread::Builder::new()
            .name("puffery-reader".into())
            .spawn(move || {
                for item in items {
                    // A closed receiver means the sink stopped: stop reading.
                    if tx.send(item).is_err() {
                        break;
                    }
                }
            })
            .expect("cannot start the reader thread");
        // `rx` moves into the consumer and is dropped when it returns, error or not.
        self.consume(rx, pool, sink, batch_done)?;
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
        pool: Option<&rayon::ThreadPool>,
        mut sink: F,
        mut batch_done: G,
    ) -> Result<(), E>
    where
        F: FnMut(Item, Option<DocResult>) -> Result<(), E>,
        G: FnMut() -> Result<(), E>,
    {
        while let Ok(first) = rx.recv() {
            let mut batch = vec![first];
            let mut bytes = 0;
            while batch.len() < BATCH_DOCS && bytes < BATCH_BYTES {
                let Ok(item) = rx.try_recv() else { break };
                if let Item::Doc(r) = &item {
                    bytes += r.body.len();
                }
                batch.push(item);
            }
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

/// True when a record is a whole file (a path given on the command line, found in a directory,
/// or stdin) rather than a record of a WARC, WET or JSONL container: only such documents,
/// which the user maintains, may suppress their own findings with inline comments.
fn is_whole_file(r: &crate::input::Record) -> bool {
    r.line.is_none() && r.id == r.source
}
