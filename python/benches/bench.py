"""Documents per second: puffery from Python (scan_many) against the CLI on the same JSONL.

    python python/benches/bench.py [--docs N] [--repeat R] [--cli target/release/puffery]

Writes N small plain-text documents (a few sentences each, a third of them with calls to
action, urgency or claims) to target/bench-python/docs.jsonl, then runs, R rounds of each in
turn (so a busy shared machine slows them alike): the CLI `puffery scan --format jsonl -j1`
and `-j2` (output to /dev/null), and a Python loop that reads the same file line by line,
`json.loads` each line and takes every result of `Scanner.scan_many` (threads=1 and the
default, one per core) as a dict. Prints documents per second of wall time (best round) and
per CPU second (all threads of the process; best round), the latter steadier when other
work shares the cores.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import time
from pathlib import Path

import puffery

ROOT = Path(__file__).resolve().parents[2]

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


def timed(fn) -> tuple:
    """Wall seconds and CPU seconds (this process's threads and its children) of one run."""
    def cpu() -> float:
        me = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime

    w, c = time.perf_counter(), cpu()
    fn()
    return time.perf_counter() - w, cpu() - c


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cli", default=str(ROOT / "target" / "release" / "puffery"))
    a = ap.parse_args()
    path = ROOT / "target" / "bench-python" / "docs.jsonl"
    write_docs(path, a.docs)
    size = path.stat().st_size
    print(f"{a.docs} documents, {size / 1e6:.1f} MB of JSONL, best of {a.repeat} rounds")

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
    wall = {name: [] for name, _ in rows}
    cpu = {name: [] for name, _ in rows}
    for _ in range(a.repeat):
        for name, fn in rows:
            w, c = timed(fn)
            wall[name].append(w)
            cpu[name].append(c)
    print(f"{'':44} {'docs/s (wall)':>14} {'docs/CPU-s':>12}")
    base = "CLI --format jsonl -j1"
    for name, _ in rows:
        rw, rc = a.docs / min(wall[name]), a.docs / min(cpu[name])
        vs = ""
        if name.startswith("Python"):
            bw, bc = a.docs / min(wall[base]), a.docs / min(cpu[base])
            vs = f"   {rw / bw:4.0%} / {rc / bc:4.0%} of the CLI at -j1"
        print(f"{name:44} {rw:14,.0f} {rc:12,.0f}{vs}")


if __name__ == "__main__":
    main()
