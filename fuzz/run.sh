#!/usr/bin/env bash
# Runs fuzz targets one after another, one process each, for SECONDS each (default 600).
#
#   fuzz/run.sh [SECONDS] [TARGET ...]      (needs cargo-fuzz; RUSTC_BOOTSTRAP=1 is set here)
#
# Corpora grow in fuzz/corpus/TARGET (not committed), seeded from fuzz/seeds/TARGET; crashes
# land in fuzz/artifacts/TARGET. Each run's log is fuzz/logs/TARGET.log; its last lines give
# executions (`#N`) and time.
set -uo pipefail
cd "$(dirname "$0")"
secs=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(html warc jsonl url rules)
export RUSTC_BOOTSTRAP=1
mkdir -p logs
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  case $t in
    html) max_len=65536 ;;
    warc|jsonl) max_len=16384 ;;
    *) max_len=4096 ;;
  esac
  echo "== $t: ${secs}s" | tee "logs/$t.log"
  start=$(date +%s)
  cargo fuzz run -O "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -max_len="$max_len" -print_final_stats=1 >> "logs/$t.log" 2>&1
  rc=$?
  echo "== $t: exit $rc after $(( $(date +%s) - start ))s" | tee -a "logs/$t.log"
done
