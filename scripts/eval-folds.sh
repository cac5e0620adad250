#!/bin/sh
# Scores puffery per fold of the dev labels, so that rules tuned on one fold are measured on
# the other. Fold rule (fixed): the page number's parity; odd = tune, even = held out.
#   scripts/eval-folds.sh [PUFFERY] [EVAL_DIR]     (defaults: target/release/puffery, ../shared/eval)
# Extra arguments after the two are passed to `puffery eval` (e.g. -v).
set -eu
bin=${1:-target/release/puffery}
dir=${2:-../shared/eval}
[ $# -ge 2 ] && shift 2 || shift $#
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# "file": "NNN.html" -> parity of NNN.
grep -E '"file": *"[0-9]*[13579]\.' "$dir/dev-labels.jsonl" >"$tmp/tune.jsonl"
grep -E '"file": *"[0-9]*[02468]\.' "$dir/dev-labels.jsonl" >"$tmp/held.jsonl"
for fold in tune held; do
    echo "== fold $fold ($(wc -l <"$tmp/$fold.jsonl") pages)"
    "$bin" eval --labels "$tmp/$fold.jsonl" "$dir/pages" "$@"
done
