#!/usr/bin/env bash
# Compares what two puffery binaries print on the same inputs, in every output format, with
# timing fields blanked: a refactor must change nothing; a rule change shows as a diff.
#   scripts/compare-output.sh OLD_BIN NEW_BIN [DIR...]     (default DIR: corpus/)
# e.g. scripts/compare-output.sh /tmp/puffery-before target/release/puffery corpus ../shared/eval/pages
# Exit 0 when identical; 1 with a unified diff (first 200 lines) otherwise.
set -euo pipefail
old=$1 new=$2
shift 2
dirs=("${@:-corpus}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() { # BIN OUT
  local bin=$1 out=$2
  for d in "${dirs[@]}"; do
    for f in jsonl human annotate dolma; do
      echo "== $d --format $f"
      # Timing varies from run to run; everything else must not.
      NO_COLOR=1 "$bin" scan "$d" --format "$f" --progress never 2>&1 |
        sed -E 's/"elapsed_s":[0-9.e-]+/"elapsed_s":T/; s/"mb_per_s":[0-9.e-]+/"mb_per_s":T/; s/ MB in [0-9.]+ s/ MB in T s/' || true
    done
  done > "$out"
}
run "$old" "$work/old"
run "$new" "$work/new"
if cmp -s "$work/old" "$work/new"; then
  echo "identical: $(wc -l < "$work/new") lines over ${dirs[*]}"
else
  diff -u "$work/old" "$work/new" | head -200
  exit 1
fi
