//! Resuming a sharded batch run (`--shard I/N -o DIR/ --skip-done`, docs/scale-out.md): a run
//! interrupted in the middle of an input, then re-run with `--skip-done`, leaves the same output
//! directory as a run that was never interrupted.
//!
//! The interruption is real: shard 1's last input is a named pipe that the test feeds by hand.
//! When shard 1 has finished its first inputs (their `.done` markers exist) and has written
//! part of the last one's output (a temporary file with some lines in it), the test kills it
//! (SIGINT, and in a second test SIGKILL, which no handler sees). Only then does the pipe
//! become a regular file with the same content, which the re-run and the uninterrupted run
//! read under the same path, so their `source` fields agree.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

/// The inputs, in order: shard 0/2 takes 0, 2, 4 and shard 1/2 takes 1, 3, 5. The last is the
/// one that shard 1 is reading when it is killed.
const INPUTS: [&str; 6] = [
    "a.jsonl", "b.jsonl", "c.html", "d.txt", "e.jsonl", "f.jsonl",
];
const SLOW: &str = "f.jsonl";

fn corpus(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(name);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// JSONL lines made from corpus pages, `n` of them, ids prefixed with `tag`.
fn jsonl(tag: &str, n: usize) -> Vec<String> {
    let pages = [
        ("review-no-disclosure.html", "html"),
        ("supp-magnesium-leg-cramps-1.txt", "text"),
        ("clean-recipe-lentil-soup.html", "html"),
        ("deal-urgency.html", "html"),
        ("tricky-climate-act-now.txt", "text"),
    ];
    (0..n)
        .map(|i| {
            let (page, field) = pages[i % pages.len()];
            let doc = serde_json::json!({
                "id": format!("{tag}-{i}"),
                "url": format!("https://example.com/{tag}/{i}"),
                field: corpus(page),
            });
            doc.to_string()
        })
        .collect()
}

/// Writes the inputs (all but the slow one, which each scenario writes itself) and returns the
/// slow one's lines.
fn write_inputs(dir: &Path) -> Vec<String> {
    fs::create_dir_all(dir).unwrap();
    let write_lines = |name: &str, lines: &[String]| {
        fs::write(dir.join(name), lines.join("\n") + "\n").unwrap();
    };
    write_lines("a.jsonl", &jsonl("a", 7));
    write_lines("b.jsonl", &jsonl("b", 5));
    fs::write(
        dir.join("c.html"),
        corpus("review-amazon-disclosure-footer.html"),
    )
    .unwrap();
    fs::write(dir.join("d.txt"), corpus("supp-magnesium-leg-cramps-2.txt")).unwrap();
    write_lines("e.jsonl", &jsonl("e", 9));
    jsonl("f", 20)
}

fn inputs(dir: &Path) -> Vec<String> {
    INPUTS
        .iter()
        .map(|n| dir.join(n).to_string_lossy().into_owned())
        .collect()
}

fn scan_args(format: &str, inputs: &[String], out: &Path, shard: &str) -> Vec<String> {
    let mut args: Vec<String> = ["scan", "--format", format, "-j", "2", "--progress", "never"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(["--shard".into(), shard.into(), "--skip-done".into()]);
    args.extend(["-o".into(), format!("{}/", out.display())]);
    args.extend(inputs.iter().cloned());
    args
}

/// Runs one shard to the end; returns its stderr.
fn run_shard(format: &str, inputs: &[String], out: &Path, shard: &str) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_puffery"))
        .args(scan_args(format, inputs, out, shard))
        .stdin(Stdio::null())
        .output()
        .expect("puffery runs");
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(0), "shard {shard}: {stderr}");
    stderr
}

/// Every file of an output directory, by name, with the timing fields taken out of its JSON
/// lines (summary lines and `.done` markers carry `elapsed_s` and `mb_per_s`).
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<Value>> {
    let mut files = BTreeMap::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = fs::read_to_string(&path).unwrap();
        let lines = text
            .lines()
            .map(|l| {
                let mut v: Value = serde_json::from_str(l)
                    .unwrap_or_else(|e| panic!("{name}: not JSON ({e}): {l}"));
                if let Some(o) = v.as_object_mut() {
                    o.remove("elapsed_s");
                    o.remove("mb_per_s");
                }
                v
            })
            .collect();
        files.insert(name, lines);
    }
    files
}

fn temp_files(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".puffery-")
        })
        .collect()
}

/// Waits (generously: CI machines may be loaded) until `ready` holds.
fn wait_until(what: &str, child: &mut Child, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while !ready() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("puffery ended ({status}) before {what}");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("timed out waiting until {what}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Starts shard 1 with its last input a named pipe, feeds that pipe half of `slow`, waits until
/// shard 1 is in the middle of it, and sends `signal`. Returns how shard 1 ended.
fn interrupt_shard_1(
    format: &str,
    input_dir: &Path,
    out: &Path,
    slow: &[String],
    signal: &str,
    finished_before: &[String],
) -> ExitStatus {
    let fifo = input_dir.join(SLOW);
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success(), "mkfifo");
    let mut child = Command::new(env!("CARGO_BIN_EXE_puffery"))
        .args(scan_args(format, &inputs(input_dir), out, "1/2"))
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("puffery runs");

    // The writer: opening the pipe blocks until puffery opens it (after its earlier inputs);
    // it writes half of the lines and keeps the pipe open (no end of file) until told.
    let (close_tx, close_rx) = mpsc::channel::<()>();
    let half = slow[..slow.len() / 2].join("\n") + "\n";
    let writer_fifo = fifo.clone();
    let writer = std::thread::spawn(move || {
        let mut pipe = fs::OpenOptions::new()
            .write(true)
            .open(writer_fifo)
            .unwrap();
        pipe.write_all(half.as_bytes()).unwrap();
        pipe.flush().unwrap();
        let _ = close_rx.recv();
    });

    // Mid-way: the earlier inputs are finished, and part of the slow one's output is written
    // (to a temporary file, flushed after each batch).
    let written = |out: &Path| {
        temp_files(out)
            .iter()
            .any(|t| fs::read_to_string(t).is_ok_and(|s| s.lines().count() >= 2))
    };
    wait_until(
        "shard 1 is mid-way through its last input",
        &mut child,
        || finished_before.iter().all(|m| out.join(m).exists()) && written(out),
    );
    let slow_out = out.join(output_name(format, SLOW));
    assert!(!slow_out.exists(), "no output under the final name mid-way");

    let killed = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    close_tx.send(()).unwrap();
    writer.join().unwrap();

    // Interrupted: the slow input has neither an output nor a marker.
    assert!(!slow_out.exists(), "no output for the interrupted input");
    let marker = out.join(format!("{}.done", output_name(format, SLOW)));
    assert!(
        !marker.exists(),
        "no .done marker for the interrupted input"
    );

    // The input becomes a regular file with all the lines, under the same path.
    fs::remove_file(&fifo).unwrap();
    fs::write(&fifo, slow.join("\n") + "\n").unwrap();
    status
}

fn output_name(format: &str, input: &str) -> String {
    match format {
        "jsonl" => format!("{input}.puffery.jsonl"),
        _ => input.to_string(),
    }
}

/// The whole scenario: uninterrupted run into one directory; shard 0, interrupted shard 1,
/// and a `--skip-done` re-run of both shards into another; the directories must agree.
/// Returns the interrupted run's exit status and the temporary files it left.
fn scenario(format: &str, signal: &str) -> (ExitStatus, Vec<PathBuf>) {
    let tmp = tempfile::tempdir().unwrap();
    let input_dir = tmp.path().join("in");
    let slow = write_inputs(&input_dir);
    let (whole, resumed) = (tmp.path().join("whole"), tmp.path().join("resumed"));
    // Shard 1's inputs before the slow one, by their markers.
    let finished_before: Vec<String> = ["b.jsonl", "d.txt"]
        .iter()
        .map(|i| format!("{}.done", output_name(format, i)))
        .collect();

    // Interrupted: shard 0 runs to the end, shard 1 is killed mid-way through f.jsonl.
    run_shard(format, &inputs(&input_dir), &resumed, "0/2");
    let status = interrupt_shard_1(
        format,
        &input_dir,
        &resumed,
        &slow,
        signal,
        &finished_before,
    );
    let left = temp_files(&resumed);

    // Re-run both shards with --skip-done: shard 0 has nothing left to do; shard 1 only f.jsonl.
    let finished: BTreeMap<String, Vec<u8>> = fs::read_dir(&resumed)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !left.contains(p))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read(&p).unwrap())
        })
        .collect();
    let stderr0 = run_shard(format, &inputs(&input_dir), &resumed, "0/2");
    assert!(
        stderr0.contains("puffery: 0 documents"),
        "shard 0 re-run: {stderr0}"
    );
    let stderr1 = run_shard(format, &inputs(&input_dir), &resumed, "1/2");
    assert!(
        stderr1.contains("puffery: 20 documents"),
        "shard 1 re-run: {stderr1}"
    );
    for (name, bytes) in &finished {
        assert_eq!(
            &fs::read(resumed.join(name)).unwrap(),
            bytes,
            "{name}: finished before the interruption, so left alone by the re-run"
        );
    }

    // Uninterrupted, into another directory, from the same input paths.
    run_shard(format, &inputs(&input_dir), &whole, "0/2");
    run_shard(format, &inputs(&input_dir), &whole, "1/2");

    for p in &left {
        fs::remove_file(p).unwrap();
    }
    let (want, got) = (snapshot(&whole), snapshot(&resumed));
    assert_eq!(
        want.keys().collect::<Vec<_>>(),
        got.keys().collect::<Vec<_>>(),
        "the same files"
    );
    assert_eq!(
        want.len(),
        2 * INPUTS.len(),
        "an output and a marker per input"
    );
    for (name, lines) in &want {
        assert_eq!(&got[name], lines, "{name}: the same content");
    }
    // Each output's summary line and marker count that input's documents, no other's.
    for (name, lines) in want.iter().filter(|(n, _)| n.ends_with(".puffery.jsonl")) {
        let docs = lines.iter().filter(|l| l["type"] == "document").count();
        let summary = lines.last().unwrap();
        assert_eq!(summary["type"], "summary", "{name}");
        assert_eq!(summary["documents"], docs, "{name}: summary line");
        assert_eq!(
            want[&format!("{name}.done")][0]["documents"],
            docs,
            "{name}.done"
        );
    }
    (status, left)
}

/// Ctrl-C: puffery's handler removes its temporary file and exits 130.
#[test]
fn sigint_mid_input_then_skip_done_rerun_matches_an_uninterrupted_run() {
    let (status, left) = scenario("jsonl", "-INT");
    assert_eq!(status.code(), Some(130), "{status}");
    assert!(left.is_empty(), "SIGINT leaves no temporary file: {left:?}");
}

/// SIGKILL (a node lost, the OOM killer, Slurm after its grace period): no handler runs, so the
/// hidden temporary file stays; it never has an output's name, and the re-run is unaffected.
#[test]
fn sigkill_mid_input_then_skip_done_rerun_matches_an_uninterrupted_run() {
    let (status, left) = scenario("annotate", "-KILL");
    assert_eq!(status.signal(), Some(9), "{status}");
    assert_eq!(left.len(), 1, "the killed run's temporary file: {left:?}");
}

/// An input that cannot be read is not finished: it gets no marker, and a `--skip-done` re-run
/// scans it once it is there (a disk mounted late, a file still being copied). An input that
/// was finished and cannot be read later keeps its output.
#[test]
fn unreadable_inputs_are_retried_and_finished_ones_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let (input_dir, out) = (tmp.path().join("in"), tmp.path().join("out"));
    fs::create_dir_all(&input_dir).unwrap();
    let (early, late) = (input_dir.join("early.jsonl"), input_dir.join("late.jsonl"));
    fs::write(&early, jsonl("early", 3).join("\n") + "\n").unwrap();
    let args = scan_args(
        "jsonl",
        &[early.display().to_string(), late.display().to_string()],
        &out,
        "0/1",
    );
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_puffery"))
            .args(&args)
            .output()
            .expect("puffery runs")
    };
    let documents = |name: &str| {
        snapshot(&out)[name]
            .iter()
            .filter(|l| l["type"] == "document")
            .count()
    };

    // late.jsonl is missing: an error line, exit 3, and no marker.
    assert_eq!(run().status.code(), Some(3));
    assert!(out.join("early.jsonl.puffery.jsonl.done").exists());
    assert!(!out.join("late.jsonl.puffery.jsonl.done").exists());
    assert_eq!(documents("early.jsonl.puffery.jsonl"), 3);

    // It appears: the re-run scans it (and only it).
    fs::write(&late, jsonl("late", 4).join("\n") + "\n").unwrap();
    let o = run();
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("puffery: 4 documents"));
    assert!(out.join("late.jsonl.puffery.jsonl.done").exists());
    assert_eq!(documents("late.jsonl.puffery.jsonl"), 4);

    // early.jsonl vanishes: it was finished, so its output stays as it was.
    let before = fs::read(out.join("early.jsonl.puffery.jsonl")).unwrap();
    fs::remove_file(&early).unwrap();
    assert_eq!(run().status.code(), Some(0));
    assert_eq!(
        fs::read(out.join("early.jsonl.puffery.jsonl")).unwrap(),
        before
    );
}
