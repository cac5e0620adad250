//! Seeded random damage: no panic, the stream ends, every item keeps its record index, and a
//! single flipped byte costs at most a couple of documents.

mod common;

use common::*;
use puffery::input::Item;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn records() -> Vec<Rec> {
    let mut recs = Vec::new();
    for n in 0..6 {
        recs.push(Rec::new(
            "request",
            100 + n,
            "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        ));
        recs.push(response(n));
        recs.push(Rec::new("metadata", 200 + n, "fetchTimeMs: 1\r\n"));
    }
    recs
}

fn docs(items: &[Item]) -> usize {
    items.iter().filter(|i| matches!(i, Item::Doc(_))).count()
}

fn mutate(rng: &mut Rng, mut bytes: Vec<u8>, single_flip: bool) -> Vec<u8> {
    if single_flip {
        let at = rng.below(bytes.len());
        bytes[at] ^= 1 << rng.below(8);
        return bytes;
    }
    match rng.below(4) {
        0 => {
            for _ in 0..1 + rng.below(8) {
                let at = rng.below(bytes.len());
                bytes[at] = rng.next() as u8;
            }
        }
        1 => bytes.truncate(rng.below(bytes.len())),
        2 => {
            let at = rng.below(bytes.len());
            let junk: Vec<u8> = (0..rng.below(300)).map(|_| rng.next() as u8).collect();
            bytes.splice(at..at, junk);
        }
        _ => {
            let a = rng.below(bytes.len());
            let b = (a + rng.below(500)).min(bytes.len());
            bytes.drain(a..b);
        }
    }
    bytes
}

#[test]
fn random_damage_warc() {
    let recs = records();
    let (plain, _) = concat(&recs);
    let (members, _) = gzip_members(&recs);
    let whole = gzip(&plain);
    let z = zstd(&plain);
    assert_eq!(docs(&read_default("ok.warc.gz", members.clone())), 6);
    let mut rng = Rng(0x5eed);
    for round in 0..300 {
        let single = round % 2 == 0;
        for (name, bytes) in [
            ("d.warc", &plain),
            ("d.warc.gz", &members),
            ("d1.warc.gz", &whole),
            ("d.warc.zst", &z),
        ] {
            let damaged = mutate(&mut rng, bytes.clone(), single);
            let items = read_default(name, damaged);
            let bound = if name == "d.warc" {
                recs.len() + 8
            } else {
                10_000
            };
            assert!(
                items.len() <= bound,
                "{name} round {round}: {} items",
                items.len()
            );
            if single && (name == "d.warc" || name == "d.warc.gz") {
                assert!(
                    docs(&items) >= 5,
                    "{name} round {round}: {:?}",
                    kinds(&items)
                );
            }
        }
    }
}

#[test]
fn random_damage_jsonl() {
    let lines: String = (0..40)
        .map(|i| format!("{{\"id\":{i},\"text\":\"line {i} é\"}}\n"))
        .collect();
    let plain = lines.into_bytes();
    let gz = gzip(&plain);
    let mut rng = Rng(0xfeed);
    for round in 0..300 {
        let single = round % 2 == 0;
        for (name, bytes) in [("d.jsonl", &plain), ("d.jsonl.gz", &gz)] {
            let damaged = mutate(&mut rng, bytes.clone(), single);
            let items = read_default(name, damaged);
            // Damaged deflate data can decode into more lines than were written (the CRC only
            // catches it at the end), so only uncompressed input has a tight bound.
            let bound = if name.ends_with(".gz") { 10_000 } else { 45 };
            assert!(
                items.len() <= bound,
                "{name} round {round}: {} items",
                items.len()
            );
            if single && name == "d.jsonl" {
                assert!(
                    docs(&items) >= 38,
                    "{name} round {round}: {:?}",
                    kinds(&items)
                );
            }
        }
    }
}
