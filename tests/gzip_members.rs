//! Multi-member gzip as the readers decode it (`puffery::input::decompressed`): members of
//! every size (empty, tiny, longer than the read buffer, larger than the first output room,
//! larger than the largest member decoded whole), fed whole or a few bytes a read, damaged,
//! and a pipe whose writer waits for the answer to each member.

use std::io::{self, Read, Write};
use std::sync::mpsc;
use std::time::Duration;

use puffery::input::decompressed;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// Bytes that barely compress (a linear congruential generator), so a member of them is
/// longer, compressed, than the 256 KiB read buffer.
fn noise(n: usize, seed: u32) -> Vec<u8> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (x >> 24) as u8
        })
        .collect()
}

/// Text that compresses well, so its member is larger decompressed than compressed.
fn text(n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n);
    let mut i = 0u64;
    while out.len() < n {
        out.extend_from_slice(format!("line {i}: the best deal you will ever see\n").as_bytes());
        i += 1;
    }
    out.truncate(n);
    out
}

/// A reader that hands out at most `step` bytes a read, like a pipe.
struct Trickle {
    data: Vec<u8>,
    at: usize,
    step: usize,
}

impl Read for Trickle {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.step.min(out.len()).min(self.data.len() - self.at);
        out[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Reads a stream to its end: the bytes, and the error messages met on the way.
fn drain(mut r: impl Read) -> (Vec<u8>, Vec<String>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut buf = vec![0; 100_000];
    loop {
        match r.read(&mut buf) {
            Ok(0) => return (out, errors),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) => {
                errors.push(e.to_string());
                assert!(errors.len() < 100, "errors without end: {errors:?}");
            }
        }
    }
}

/// Members of every size; returns the plain bytes, the .gz and each member's offset.
fn members() -> (Vec<u8>, Vec<u8>, Vec<usize>) {
    let parts: Vec<Vec<u8>> = vec![
        b"first member\n".to_vec(),
        Vec::new(),
        noise(400_000, 1),
        text(3_000_000),
        b"small".to_vec(),
        noise(150_000, 2),
        text(70_000),
    ];
    let (mut plain, mut gz, mut starts) = (Vec::new(), Vec::new(), Vec::new());
    for p in &parts {
        plain.extend_from_slice(p);
        starts.push(gz.len());
        gz.extend_from_slice(&gzip(p));
    }
    (plain, gz, starts)
}

#[test]
fn members_of_every_size_decode_to_their_bytes() {
    let (plain, gz, _) = members();
    let (out, errors) = drain(decompressed(Box::new(io::Cursor::new(gz))).unwrap());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(out.len(), plain.len());
    assert!(out == plain, "the decoded bytes differ from the original");
}

#[test]
fn members_read_a_few_bytes_at_a_time_decode_to_their_bytes() {
    let (plain, gz, _) = members();
    for step in [7, 4096, 65_536] {
        let r = Trickle {
            data: gz.clone(),
            at: 0,
            step,
        };
        let (out, errors) = drain(decompressed(Box::new(r)).unwrap());
        assert!(errors.is_empty(), "step {step}: {errors:?}");
        assert!(out == plain, "step {step}: the decoded bytes differ");
    }
}

#[test]
fn a_damaged_long_member_is_reported_and_the_next_ones_decode() {
    let (plain, mut gz, starts) = members();
    // Flip bytes in the middle of the 400 KB noise member (the third).
    let mid = (starts[2] + starts[3]) / 2;
    for b in &mut gz[mid..mid + 16] {
        *b ^= 0x5a;
    }
    let (out, errors) = drain(decompressed(Box::new(io::Cursor::new(gz))).unwrap());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains(&format!(
            "corrupt gzip member at compressed byte {}",
            starts[2]
        )) && errors[0].contains(&format!(
            "the next member starts at compressed byte {}",
            starts[3]
        )),
        "{}",
        errors[0]
    );
    // Everything after the damaged member comes out whole.
    let tail = plain.len() - (3_000_000 + 5 + 150_000 + 70_000);
    assert!(
        out.ends_with(&plain[tail..]),
        "the members after the damage are lost"
    );
}

#[test]
fn a_member_larger_than_the_largest_decoded_whole_streams() {
    // 65 MiB of zeros: more than the 64 MiB a member may take decoded whole.
    let big = vec![0u8; 65 << 20];
    let mut gz = gzip(&big);
    gz.extend_from_slice(&gzip(b"after"));
    let (out, errors) = drain(decompressed(Box::new(io::Cursor::new(gz))).unwrap());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(out.len(), big.len() + 5);
    assert!(out[..big.len()].iter().all(|&b| b == 0));
    assert_eq!(&out[big.len()..], b"after");
}

/// A reader fed by a channel: it blocks until the writer sends more, like a pipe.
struct Pipe(mpsc::Receiver<Vec<u8>>, Vec<u8>);

impl Read for Pipe {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.1.is_empty() {
            match self.0.recv() {
                Ok(v) => self.1 = v,
                Err(_) => return Ok(0),
            }
        }
        let n = self.1.len().min(out.len());
        out[..n].copy_from_slice(&self.1[..n]);
        self.1.drain(..n);
        Ok(n)
    }
}

#[test]
fn a_member_is_decoded_before_the_next_one_arrives() {
    let (to_pipe, pipe) = mpsc::channel();
    let (to_test, decoded) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut r = decompressed(Box::new(Pipe(pipe, Vec::new()))).unwrap();
        let mut buf = vec![0; 1 << 20];
        loop {
            match r.read(&mut buf) {
                Ok(0) => return,
                Ok(n) => to_test.send(buf[..n].to_vec()).unwrap(),
                Err(e) => panic!("{e}"),
            }
        }
    });
    // The writer sends one member and waits for its bytes before sending the next.
    for part in [&b"one"[..], b"two", b"three"] {
        to_pipe.send(gzip(part)).unwrap();
        let got = decoded
            .recv_timeout(Duration::from_secs(20))
            .expect("the member sent was not decoded while the pipe waited");
        assert_eq!(got, part);
    }
    drop(to_pipe);
    reader.join().unwrap();
}
