//! The `puffery` command: parses arguments, calls the library, prints, picks the exit code.

mod args;
mod commands;
mod config;
mod progress;
mod report;
mod ruleset;
mod run;
mod stats;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

/// mimalloc: a scan allocates and frees many small strings per document (attributes, links,
/// findings); with the system allocator malloc and free were ~9 % of a WARC scan's CPU. With
/// transparent huge pages (mimalloc's default) peak RSS of `-j 2` on the bench WARC.gz was
/// ~150-180 MB; without them (feature `no_thp`) ~112 MB, at the same CPU.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// mimalloc's `mi_option_set`, which libmimalloc-sys links (its Rust binding needs the sys
// crate's `extended` feature and one more dependency).
unsafe extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_purge_delay` in mimalloc's `mi_option_t` (the same in v2 and v3).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// No purging: mimalloc gives freed memory back to the OS (`madvise`) a second after it is
/// freed and again at exit, and a run that needs it again faults it back in page by page. A
/// scan's memory is bounded by its batches and needed again at once, so it is kept to the end.
/// Bench `-j1`: WARC.gz 0.977x the CPU, JSONL 0.988x (medians of 14 paired runs); peak RSS on
/// the WARC.gz 92 -> 98 MB.
fn keep_freed_memory() {
    // SAFETY: sets one integer option; mimalloc reads it where it would purge.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

fn main() -> ExitCode {
    keep_freed_memory();
    let matches = args::Cli::command().get_matches();
    let mut cli = args::Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    run::install_interrupt_handler();
    match config::apply(&mut cli, &matches).and_then(|()| run::run(cli)) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("puffery: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// Whether the error is a closed output pipe, whatever error type carries it (an I/O error,
/// or one wrapped by serde_json or anyhow context).
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == BrokenPipe)
            || e.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(BrokenPipe))
    })
}
