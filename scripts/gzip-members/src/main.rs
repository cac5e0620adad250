//! Decompresses every gzip member of a multi-member `.gz` (Common Crawl writes one member per
//! WARC record) with flate2 (zlib-rs backend, as puffery reads today) and with libdeflate, and
//! prints the CPU seconds of each, median of N rounds, interleaved.
//!
//!   cargo run --release --manifest-path scripts/gzip-members/Cargo.toml -- FILE.gz [ROUNDS]

use std::io::Read;
use std::time::Duration;

/// CPU time (user + system) of this process so far.
fn cpu() -> Duration {
    let mut ru: Rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage fills the struct it is given.
    unsafe { getrusage(0, &mut ru) };
    let tv = |s: i64, us: i64| Duration::from_secs(s as u64) + Duration::from_micros(us as u64);
    tv(ru.utime_s, ru.utime_us) + tv(ru.stime_s, ru.stime_us)
}

#[repr(C)]
struct Rusage {
    utime_s: i64,
    utime_us: i64,
    stime_s: i64,
    stime_us: i64,
    rest: [i64; 14],
}

extern "C" {
    fn getrusage(who: i32, usage: *mut Rusage) -> i32;
}

/// Member boundaries, found by decoding once with flate2 and counting consumed input.
fn members(gz: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    let mut sink = Vec::new();
    while at < gz.len() {
        let mut cursor = &gz[at..];
        let mut dec = flate2::bufread::GzDecoder::new(&mut cursor);
        sink.clear();
        dec.read_to_end(&mut sink).expect("a valid gzip member");
        drop(dec);
        let used = gz.len() - at - cursor.len();
        out.push((at, at + used));
        at += used;
    }
    out
}

fn with_flate2(gz: &[u8], members: &[(usize, usize)]) -> usize {
    let mut total = 0;
    let mut buf = Vec::new();
    for &(a, b) in members {
        buf.clear();
        let mut dec = flate2::bufread::GzDecoder::new(&gz[a..b]);
        dec.read_to_end(&mut buf).expect("flate2 decodes");
        total += buf.len();
    }
    total
}

fn with_libdeflate(gz: &[u8], members: &[(usize, usize)]) -> usize {
    let mut total = 0;
    let mut d = libdeflater::Decompressor::new();
    let mut buf = Vec::new();
    for &(a, b) in members {
        let m = &gz[a..b];
        // ISIZE: the member's uncompressed size mod 2^32, its last 4 bytes.
        let isize = u32::from_le_bytes(m[m.len() - 4..].try_into().unwrap()) as usize;
        buf.resize(isize.max(1), 0);
        let n = d.gzip_decompress(m, &mut buf).expect("libdeflate decodes");
        total += n;
    }
    total
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: gzip-members FILE.gz [ROUNDS]");
    let rounds: usize = args.next().map_or(5, |r| r.parse().expect("ROUNDS"));
    let gz = std::fs::read(&path).expect("readable file");
    let members = members(&gz);
    let mut times: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    let mut sizes = [0; 2];
    for _ in 0..rounds {
        for (i, f) in [
            with_flate2 as fn(&[u8], &[(usize, usize)]) -> usize,
            with_libdeflate,
        ]
        .iter()
        .enumerate()
        {
            let t = cpu();
            sizes[i] = f(&gz, &members);
            times[i].push((cpu() - t).as_secs_f64());
        }
    }
    assert_eq!(sizes[0], sizes[1], "both decoders give the same bytes");
    let mb = sizes[0] as f64 / 1e6;
    println!(
        "{path}: {} members, {:.1} MB compressed, {mb:.1} MB decompressed; median of {rounds}",
        members.len(),
        gz.len() as f64 / 1e6
    );
    for (name, t) in ["flate2 (zlib-rs)", "libdeflate"]
        .iter()
        .zip(times.iter_mut())
    {
        t.sort_by(f64::total_cmp);
        let med = t[t.len() / 2];
        println!("{name:<18} {med:.3} CPU s  {:.0} MB/s per CPU s", mb / med);
    }
}
