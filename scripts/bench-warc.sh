#!/usr/bin/env bash
# Full-scan benchmark on a Common-Crawl-shaped WARC.gz.
#
#   scripts/bench-warc.sh [PAGES_DIR] [MEGABYTES]
#
# Builds a WARC.gz of MEGABYTES of HTML from the pages in PAGES_DIR (default corpus/, 300 MB),
# then prints, in one run: `zcat FILE > /dev/null`, puffery at -j1 and -j2 (MB/s of HTML,
# records/s, peak RSS), and each puffery run's time as a ratio of zcat's.
set -euo pipefail
cd "$(dirname "$0")/.."
pages=${1:-corpus}
mb=${2:-300}
cargo build --release --quiet --example make_warc
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
warc="$work/bench.warc.gz"
target/release/examples/make_warc "$pages" "$warc" "$mb"
gz_mb=$(python3 -c "import os,sys; print(f'{os.path.getsize(sys.argv[1])/1e6:.1f}')" "$warc")
cat "$warc" > /dev/null
/usr/bin/time -f "%e %M" -o "$work/t" sh -c "zcat '$warc' > /dev/null"
read -r zsecs zrss < "$work/t"
echo "file: $warc, $gz_mb MB compressed, ~$mb MB HTML"
python3 -c "import sys; s=max(float(sys.argv[1]),1e-3); print(f'zcat > /dev/null: {s:.2f} s ({float(sys.argv[2])/s:.0f} MB/s of HTML)')" "$zsecs" "$mb"
for j in 1 2; do
  /usr/bin/time -f "%e %M" -o "$work/t" target/release/puffery scan "$warc" --format jsonl -j "$j" > "$work/out.jsonl"
  read -r secs rss < "$work/t"
  python3 - "$work/out.jsonl" "$secs" "$rss" "$j" "$zsecs" <<'PY'
import json, sys
summary = json.loads(open(sys.argv[1]).read().splitlines()[-1])
secs, rss, j, z = max(float(sys.argv[2]), 1e-3), int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
mb = summary["bytes"] / 1e6
print(f"puffery -j{j}: {secs:.2f} s, {mb / secs:.0f} MB/s of HTML, {summary['documents'] / secs:.0f} records/s, "
      f"peak RSS {rss / 1024:.0f} MB, time / zcat time = {secs / max(z, 1e-3):.2f}")
PY
done
tail -n 1 "$work/out.jsonl"
