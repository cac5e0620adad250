#!/usr/bin/env bash
# Documents/s from Python (scan_many) against the CLI (`--format jsonl -j1`) on the same JSONL
# of small text documents. Uses the venv scripts/python-test.sh builds (release wheel) and the
# release CLI.   scripts/bench-python.sh [--docs N] [--repeat R]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x target/py-venv/bin/python ] || { echo "run scripts/python-test.sh first" >&2; exit 2; }
cargo build --release --locked --bin puffery
exec target/py-venv/bin/python python/benches/bench.py "$@"
