//! Output that goes away: a reader that closes its end early, a full disk, an output that
//! cannot be created. Each run has more inputs than the reader channel holds (16 items), so a
//! run that waits for its reader thread would hang; every test bounds the wait and fails, with
//! the child killed, if puffery is still running.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(60);

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_puffery"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// Waits for `child` at most [`LIMIT`]; kills it and fails the test if it is still running.
/// Returns the exit code and stderr.
fn finish(mut child: Child, what: &str) -> (Option<i32>, String) {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                e.read_to_string(&mut err).unwrap();
            }
            return (status.code(), err);
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: puffery still running after {LIMIT:?} (hang)");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A directory of `n` copies of a corpus document.
fn many_files(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let doc = std::fs::read("corpus/supp-magnesium-leg-cramps-1.txt").unwrap();
    for i in 0..n {
        std::fs::write(dir.path().join(format!("doc{i:03}.txt")), &doc).unwrap();
    }
    dir
}

/// A WARC.gz of `n` response records, one gzip member each.
fn many_records(n: usize) -> tempfile::NamedTempFile {
    let recs: Vec<_> = (0..n).map(common::response).collect();
    let (bytes, _) = common::gzip_members(&recs);
    let mut f = tempfile::Builder::new()
        .suffix(".warc.gz")
        .tempfile()
        .unwrap();
    f.write_all(&bytes).unwrap();
    f
}

/// Reads `lines` lines (or `bytes` bytes) of puffery's stdout, then closes it, as `head` does.
fn read_then_close(child: &mut Child, lines: usize, bytes: usize) -> usize {
    let out = child.stdout.take().unwrap();
    let mut got = 0;
    if lines > 0 {
        let mut r = BufReader::new(out);
        for _ in 0..lines {
            let mut l = String::new();
            got += r.read_line(&mut l).unwrap();
        }
    } else {
        let mut r = out;
        let mut buf = vec![0; bytes];
        r.read_exact(&mut buf).unwrap();
        got = bytes;
    }
    got
}

#[test]
/// At `-j1` files are read on the thread that scans and prints (no reader thread); at `-j2`
/// a reader thread feeds the pool: a closed pipe ends both.
fn head_1_on_a_directory_of_40_files_ends_quietly() {
    let dir = many_files(40);
    for threads in ["-j1", "-j2"] {
        let mut child = bin()
            .args(["scan", "--format", "jsonl", threads])
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        assert!(read_then_close(&mut child, 1, 0) > 0);
        let (code, err) = finish(child, &format!("scan {threads} DIR | head -1"));
        assert_eq!(
            code,
            Some(0),
            "a closed pipe is a normal end ({threads}): {err}"
        );
        assert_eq!(err, "", "and a quiet one ({threads})");
    }
}

#[test]
fn head_c_100_on_a_warc_of_1000_records_ends_quietly() {
    let warc = many_records(1000);
    for (format, threads) in [("jsonl", "-j2"), ("human", "-j2"), ("jsonl", "-j1")] {
        let mut child = bin()
            .args(["scan", "--format", format, threads])
            .arg(warc.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        read_then_close(&mut child, 0, 100);
        let (code, err) = finish(child, "scan WARC.gz | head -c 100");
        assert_eq!(
            (code, err.as_str()),
            (Some(0), ""),
            "--format {format} {threads}"
        );
    }
}

/// The reader thread blocks on a pipe that never ends: a closed stdout still ends the run,
/// without waiting for more input (the old code joined the reader and hung here).
#[test]
fn a_closed_stdout_ends_the_run_while_stdin_stays_open() {
    let mut child = bin()
        .args(["scan", "-", "--input-format", "jsonl", "--format", "jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for i in 0..300 {
        writeln!(stdin, r#"{{"id":"{i}","text":"Order now and save!"}}"#).unwrap();
    }
    stdin.flush().unwrap();
    read_then_close(&mut child, 1, 0);
    // More lines keep arriving until puffery has gone (its stdin then breaks too).
    let feeder = std::thread::spawn(move || {
        for i in 300..100_000 {
            if writeln!(stdin, r#"{{"id":"{i}","text":"Order now!"}}"#).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        // Keep the pipe open (no end of input) a while longer.
        std::thread::sleep(LIMIT);
    });
    let (code, err) = finish(child, "producer | scan - | head -1");
    assert_eq!((code, err.as_str()), (Some(0), ""));
    drop(feeder);
}

#[test]
fn a_full_disk_ends_the_run_with_exit_2_naming_the_output() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    let dir = many_files(40);
    // Standard output on a full device.
    let child = bin()
        .args(["scan", "--format", "jsonl"])
        .arg(dir.path())
        .stdout(std::fs::File::create("/dev/full").unwrap())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (code, err) = finish(child, "scan DIR > /dev/full");
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "puffery: standard output: cannot write output: No space left on device (os error 28)\n"
    );
    // `-o` onto a device: written in place (never replaced by a regular file), and the error
    // names it.
    let child = bin()
        .args(["scan", "--format", "jsonl", "-o", "/dev/full"])
        .arg(dir.path())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (code, err) = finish(child, "scan DIR -o /dev/full");
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "puffery: /dev/full: cannot write output: No space left on device (os error 28)\n"
    );
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::metadata("/dev/full")
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

/// An output that cannot be created fails before any input is read: stdin stays open and
/// empty here, so a run that started reading would wait forever.
#[test]
fn an_output_that_cannot_be_created_fails_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "x").unwrap();
    let cases = [
        (
            dir.path().join("missing/out.jsonl"),
            "No such file or directory",
        ),
        (blocker.join("out.jsonl"), "Not a directory"),
        (blocker.join("sub/"), "cannot create output directory"),
    ];
    for (out, why) in cases {
        let mut child = bin()
            .args(["scan", "-", "--format", "jsonl", "-o"])
            .arg(&out)
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let (code, err) = finish(child, "scan - -o BAD");
        drop(stdin);
        assert_eq!(code, Some(2), "{}", out.display());
        assert!(
            err.starts_with(&format!("puffery: {}: cannot create output", out.display())),
            "{err}"
        );
        assert!(err.contains(why), "{err}");
    }
}

#[test]
fn every_command_is_quiet_on_a_closed_pipe() {
    for args in [
        &["rules", "--format", "json"][..],
        &["rules"][..],
        &["rules", "explain", "cta.retailer"][..],
    ] {
        let mut child = bin()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        read_then_close(&mut child, 0, 10);
        let (code, err) = finish(child, &args.join(" "));
        assert_eq!((code, err.as_str()), (Some(0), ""), "{args:?}");
    }
}

#[test]
fn output_files_honour_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.jsonl");
    let outdir = dir.path().join("per-input");
    let script = format!(
        "umask 022 && \"{bin}\" scan corpus/supp-magnesium-leg-cramps-1.txt --format jsonl -o '{f}' \
         && \"{bin}\" scan corpus/supp-magnesium-leg-cramps-1.txt --format jsonl -o '{d}/'",
        bin = env!("CARGO_BIN_EXE_puffery"),
        f = file.display(),
        d = outdir.display()
    );
    let status = Command::new("/bin/sh")
        .args(["-c", &script])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&file), 0o644);
    let per_input = outdir.join("supp-magnesium-leg-cramps-1.txt.puffery.jsonl");
    assert_eq!(mode(&per_input), 0o644);
}

/// dolma rows have no place for an error: the row stays (aligned with the input), and the
/// message, with file, line and byte, goes to stderr.
#[test]
fn dolma_errors_reach_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("docs.jsonl");
    std::fs::write(&input, "{\"id\":\"a\",\"text\":\"Buy now!\"}\nnot json\n").unwrap();
    let out = bin()
        .args(["scan", "--format", "dolma", "-o"])
        .arg(format!("{}/attrs/", dir.path().display()))
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    let want = format!("puffery: {}: record 1: line 2 (byte 29): ", input.display());
    assert!(err.contains(&want), "{err}");
    let rows = std::fs::read_to_string(dir.path().join("attrs/docs.jsonl")).unwrap();
    assert_eq!(rows.lines().count(), 2, "one row per input line: {rows}");
    assert!(
        rows.lines().nth(1).unwrap().contains(r#""id":null"#),
        "{rows}"
    );
}
