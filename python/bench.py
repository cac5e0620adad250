"""Documents per second: puffery from Python (scan_many) against the CLI on the same JSONL.

    python python/bench.py [--docs N] [--repeat R] [--cli target/release/puffery]

Writes N small plain-text documents (a few sentences each, a third of them with calls to
action, urgency or claims) to target/bench-python/docs.jsonl, then times, best of R runs:
the CLI `puffery scan --format jsonl -j1` and `-j2` (output to /dev/null), and a Python loop
that reads the same file line by line, `json.loads` each line and takes every result of
`Scanner.scan_many` (threads=1 and the default, one per core) as a dict.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import time
from pathlib import Path

import puffery

ROOT = Path(__file__).resolve().parents[1]

PROSE = [
    "The council met on Tuesday to discuss the new bus routes.",
    "Simmer the lentils with cumin for twenty minutes.",
    "The lighthouse was built in 1871 and automated in 1990.",
    "Our team tested the shoes on wet roads for three months.",
    "Rainfall in May was twice the average of the last decade.",
    "The library will extend its opening hours in winter.",
    "She wrote the first draft of the novel in a single summer.",
]
PUFF = [
    "Shop Now on Amazon and save 40% today!",
    "Only 3 left in stock, order now.",
    "Clinically proven to reduce cramps.",
    "Buy now and get free shipping!",
    "Limited time offer: today only!",
    "The best product ever made, guaranteed results.",
]


def write_docs(path: Path, n: int) -> None:
    rng = random.Random(15)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as f:
        for i in range(n):
            sentences = rng.sample(PROSE, rng.randint(2, 6))
            if i % 3 == 0:
                sentences.insert(rng.randint(0, len(sentences)), rng.choice(PUFF))
            f.write(json.dumps({"id": f"doc-{i}", "text": " ".join(sentences)}) + "\n")


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cli", default=str(ROOT / "target" / "release" / "puffery"))
    a = ap.parse_args()
    path = ROOT / "target" / "bench-python" / "docs.jsonl"
    write_docs(path, a.docs)
    size = path.stat().st_size
    print(f"{a.docs} documents, {size / 1e6:.1f} MB of JSONL, best of {a.repeat}")

    def cli(j: str):
        def run():
            subprocess.run(
                [a.cli, "scan", "--format", "jsonl", "-j", j, str(path)],
                check=True,
                stdout=subprocess.DEVNULL,
            )

        return run

    scanner = puffery.Scanner()

    def python(threads):
        def run():
            n = 0
            with path.open() as f:
                for doc in scanner.scan_many(map(json.loads, f), threads=threads):
                    n += doc["score"] >= 0
            assert n == a.docs

        return run

    rows = [
        ("CLI --format jsonl -j1", cli("1")),
        ("CLI --format jsonl -j2", cli("2")),
        ("Python scan_many threads=1", python(1)),
        (f"Python scan_many threads=None ({os.cpu_count()} cores)", python(None)),
    ]
    rates = {}
    for name, fn in rows:
        rates[name] = a.docs / best(fn, a.repeat)
        print(f"{name:42} {rates[name]:10,.0f} documents/s")
    base = rates["CLI --format jsonl -j1"]
    for name in list(rates)[2:]:
        print(f"{name:42} {rates[name] / base:10.0%} of the CLI at -j1")


if __name__ == "__main__":
    main()
