#!/usr/bin/env bash
# Peak memory of a full `puffery scan` on big inputs; fails if any run goes over the limit.
#
#   scripts/memory.sh [MEGABYTES] [LIMIT_MB]     (defaults: 2000 MB of HTML, 200 MB)
#
# Generates, streaming (nothing is held in memory), in a temporary directory that is removed
# at the end:
#   - big.warc.gz: a Common-Crawl-shaped WARC.gz with MEGABYTES of HTML (the corpus/ pages
#     repeated, one gzip member per record; examples/make_warc.rs);
#   - huge.html.gz: one document of 1 GiB of HTML, the corpus/ pages concatenated (capped at
#     --max-doc-bytes, 8 MiB by default);
#   - huge.jsonl: a 60 MB JSONL line (under the 64 MiB line limit, over the document cap) and
#     a 100 MB line (over the line limit: an error line), then a short line;
#   - long-lines.jsonl (reported, not held to the limit): 20 lines of 60 MB, every document at
#     the cap: then the 16-item reader channel and the batch hold up to ~17 capped documents
#     (8 MiB each) besides the 64 MiB line buffer;
#   - dense.html.gz (reported, not held to the limit): 1 GiB of nothing but calls to action
#     and affiliate links, ~3 findings per 100 bytes, so its 8 MiB document has ~300,000
#     findings and links; its result, not its input, is what takes memory.
# Prints peak RSS (GNU time's %M) of `puffery scan --format jsonl` at -j1 and -j2 for each.
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-2000}
limit_mb=${2:-200}
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time; apt-get install time)"; exit 2; }
cargo build --release --quiet --example make_warc
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== generating inputs in $work"
target/release/examples/make_warc corpus "$work/big.warc.gz" "$mb"
python3 - "$work" <<'PY'
import gzip, sys
import glob
work = sys.argv[1]
pages = b"".join(open(p, "rb").read() for p in sorted(glob.glob("corpus/*.html")))
with gzip.open(f"{work}/huge.html.gz", "wb", compresslevel=1) as f:
    for _ in range((1 << 30) // len(pages)):
        f.write(pages)
row = b"<p>Shop now! Limited time only. <a href='https://amzn.to/x?tag=a-20'>Buy</a></p>\n" * 64
with gzip.open(f"{work}/dense.html.gz", "wb", compresslevel=1) as f:
    f.write(b"<!doctype html><html><body>\n")
    for _ in range((1 << 30) // len(row)):
        f.write(row)
with open(f"{work}/huge.jsonl", "wb") as f:
    for n, size in [(1, 60_000_000), (2, 100_000_000)]:
        f.write(b'{"id":%d,"text":"Shop now! ' % n)
        chunk = b"word word " * 100_000
        for _ in range(size // len(chunk)):
            f.write(chunk)
        f.write(b'"}\n')
    f.write(b'{"id":3,"text":"Buy now!"}\n')
with open(f"{work}/long-lines.jsonl", "wb") as f:
    chunk = b"word word " * 100_000
    for n in range(20):
        f.write(b'{"id":%d,"text":"Shop now! ' % n)
        for _ in range(60):
            f.write(chunk)
        f.write(b'"}\n')
PY
ls -l "$work"

fail=0
for input in big.warc.gz huge.html.gz huge.jsonl long-lines.jsonl dense.html.gz; do
  for j in 1 2; do
    /usr/bin/time -f "%e %M" -o "$work/t" \
      target/release/puffery scan "$work/$input" --format jsonl -j "$j" > "$work/out.jsonl" || true
    # GNU time writes "Command exited with non-zero status N" first when the exit is not 0.
    read -r secs kb < <(tail -n 1 "$work/t")
    summary=$(tail -n 1 "$work/out.jsonl")
    docs=$(python3 -c 'import json,sys; s=json.loads(sys.argv[1]); print(s["documents"], "documents,", s["errors"], "errors,", round(s["bytes"]/1e6), "MB scanned")' "$summary")
    rss_mb=$((kb / 1024))
    echo "$input -j$j: peak RSS $rss_mb MB, $secs s, $docs"
    case $input in dense.html.gz|long-lines.jsonl) continue ;; esac
    if [ "$rss_mb" -ge "$limit_mb" ]; then
      echo "  over the $limit_mb MB limit"
      fail=1
    fi
  done
done
exit $fail
