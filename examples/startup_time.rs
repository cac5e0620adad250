//! Measures how long building the scanner with every built-in pack takes: parsing and
//! validating the packs, compiling the phrase automaton and the regexes.
//!
//! ```text
//! cargo run --release --example startup_time -- 5
//! ```
//!
//! Prints one line per run, then the minimum and the median.

use std::time::Instant;

use puffery::Scanner;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runs: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(5)
        .max(1);
    let mut times = Vec::with_capacity(runs);
    for i in 0..runs {
        let t = Instant::now();
        let scanner = Scanner::builtin()?;
        let elapsed = t.elapsed();
        // Use the scanner so that building it cannot be optimised away.
        let rules = scanner.rules.rules.len();
        println!(
            "run {}: {:.2} ms ({rules} rules)",
            i + 1,
            elapsed.as_secs_f64() * 1e3
        );
        times.push(elapsed.as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "min {:.2} ms, median {:.2} ms over {runs} runs",
        times[0],
        times[times.len() / 2]
    );
    Ok(())
}
