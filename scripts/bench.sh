#!/usr/bin/env bash
# Throughput and peak memory of `puffery scan` on a directory of HTML pages.
#
#   scripts/bench.sh [PAGES_DIR] [COPIES]
#
# PAGES_DIR holds .html or .html.gz pages (default: corpus/). They are copied COPIES times
# (default 20) into a temporary directory, then scanned by the release binary at -j1 and -j2.
# Prints MB/s of document bytes (10^6 B), documents/s and peak RSS (from /usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
pages=${1:-corpus}
copies=${2:-20}
cargo build --release --quiet
bin=target/release/puffery
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in $(seq 1 "$copies"); do
  mkdir -p "$work/$i"
  for f in "$pages"/*.html "$pages"/*.html.gz; do
    [ -e "$f" ] || continue
    base=$(basename "$f" .gz)
    case "$f" in
      *.gz) zcat "$f" > "$work/$i/$base" ;;
      *) cp "$f" "$work/$i/$base" ;;
    esac
  done
done
bytes=$(du -sb "$work" | cut -f1)
docs=$(find "$work" -type f | wc -l)
echo "input: $docs HTML documents, $((bytes / 1000000)) MB ($copies copies of $pages)"
cat "$work"/*/* > /dev/null  # warm the page cache
for j in 1 2; do
  /usr/bin/time -f "%e %M" -o "$work.time" "$bin" scan "$work" --format jsonl -j "$j" > "$work.out"
  read -r secs rss_kb < "$work.time"
  python3 - "$bytes" "$docs" "$secs" "$rss_kb" "$j" <<'PY'
import sys
b, d, s, rss, j = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
s = max(s, 1e-3)
print(f"-j{j}: {b / 1e6 / s:8.1f} MB/s  {d / s:8.0f} docs/s  {s:6.2f} s  peak RSS {rss / 1024:.1f} MB")
PY
done
tail -n 1 "$work.out"
rm -f "$work.out" "$work.time"
