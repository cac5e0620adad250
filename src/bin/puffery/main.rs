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

fn main() -> ExitCode {
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
