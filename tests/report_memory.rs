//! `puffery report` on a large input stays in constant memory.
//!
//! Ignored (minutes, a GB of disk): builds JSONL from the corpus scan's document lines
//! repeated with fresh ids and URLs (100,000 distinct domains, so the domain counter prunes),
//! reports it, and reads the peak RSS from `/usr/bin/time -v`, at a tenth of the size and at
//! the full size: the peak must not grow with the input.
//!
//! ```text
//! cargo test --release --test report_memory -- --ignored --nocapture
//! PUFFERY_REPORT_MB=1000 (default) sets the large size.
//! ```

use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::Command;

fn corpus_documents() -> Vec<serde_json::Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_puffery"))
        .args(["scan", "corpus/", "--format", "jsonl"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["type"] == "document")
        .collect()
}

/// Writes about `mb` megabytes of scan JSONL; returns the number of documents.
fn generate(path: &Path, mb: u64, docs: &[serde_json::Value]) -> u64 {
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path).unwrap());
    let mut written = 0u64;
    let mut i = 0u64;
    while written < mb * 1_000_000 {
        let mut d = docs[(i as usize) % docs.len()].clone();
        d["id"] = serde_json::json!(format!("doc-{i}"));
        d["record"] = serde_json::json!(i);
        d["source"] = serde_json::json!(format!("crawl-{:05}.warc.gz", i / 10_000));
        d["url"] = serde_json::json!(format!(
            "https://www.site{}.example/page/{i}",
            (i * 7919) % 100_000
        ));
        let line = serde_json::to_string(&d).unwrap();
        w.write_all(line.as_bytes()).unwrap();
        w.write_all(b"\n").unwrap();
        written += line.len() as u64 + 1;
        i += 1;
    }
    writeln!(
        w,
        "{{\"type\":\"summary\",\"schema_version\":1,\"documents\":{i},\"errors\":0,\"skipped\":{{}}}}"
    )
    .unwrap();
    w.flush().unwrap();
    i
}

/// Peak RSS in kB and wall seconds of `puffery report INPUT -o OUT`.
fn report_peak_kb(input: &Path, out: &Path) -> (u64, f64) {
    let started = std::time::Instant::now();
    let run = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_puffery"))
        .args([
            "report",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .output()
        .expect("/usr/bin/time runs");
    let secs = started.elapsed().as_secs_f64();
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{err}");
    let kb = err
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .expect("time -v prints the peak")
        .trim()
        .parse()
        .unwrap();
    (kb, secs)
}

#[test]
#[ignore = "minutes and a GB of disk: cargo test --release --test report_memory -- --ignored"]
fn one_gigabyte_report_in_constant_memory() {
    let mb: u64 = std::env::var("PUFFERY_REPORT_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let docs = corpus_documents();
    let dir = tempfile::tempdir_in(concat!(env!("CARGO_MANIFEST_DIR"), "/target")).unwrap();
    let mut peaks = Vec::new();
    for size in [mb / 10, mb] {
        let input = dir.path().join(format!("scan-{size}.jsonl"));
        let n = generate(&input, size, &docs);
        let bytes = std::fs::metadata(&input).unwrap().len();
        let out = dir.path().join("report.html");
        let (kb, secs) = report_peak_kb(&input, &out);
        let html = std::fs::read_to_string(&out).unwrap();
        assert!(html.contains(&format!(
            "{} documents scanned",
            puffery::report::thousands(n)
        )));
        println!(
            "{:.1} MB of JSONL, {n} documents: peak RSS {:.1} MB, {:.1} s ({:.0} MB/s), report {} kB",
            bytes as f64 / 1e6,
            kb as f64 / 1024.0,
            secs,
            bytes as f64 / 1e6 / secs,
            html.len() / 1000
        );
        std::fs::remove_file(&input).unwrap();
        peaks.push(kb);
    }
    // Ten times the input, about the same peak (allow for allocator noise and the domain
    // table filling up to its bound).
    assert!(
        peaks[1] < peaks[0] + 40 * 1024,
        "peak RSS grew with the input: {peaks:?} kB"
    );
}
