#!/usr/bin/env bash
# Runs both Spark jobs of examples/spark/puffery_spark.py on a real Spark (local[2]) and checks
# their output against a plain `puffery scan` of the same inputs.
#
#   scripts/spark-test.sh
#
# Needs Java 17+ and python3 with venv. Installs pyspark from PyPI into target/spark-venv (reused
# when it is there; PUFFERY_SPARK_VENV moves it, PYSPARK_SPEC picks the version), builds puffery
# in release mode, writes its fixtures under target/spark-test/ (JSONL documents made from
# corpus/, WARC.gz files made by examples/make_warc.rs), then:
#   1. annotate: JSONL lines through RDD.pipe(`puffery scan --format annotate -j1 -`,
#      checkCode=True); every output line must be its input line plus the plain scan's verdict;
#   2. warc: one task per path of a paths file (a local path, a file: URI, an http:// URL served
#      from here, and a missing file), rows written as Parquet, read back and compared with the
#      plain scan document by document.
# Not part of `cargo test`; .ci/run runs it when PUFFERY_SPARK=1.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
started=$(date +%s)
say() { echo "== $*"; }
elapsed() { echo "$(($(date +%s) - $1)) s"; }

command -v java > /dev/null || { echo "spark-test: needs Java 17+ (e.g. apt-get install openjdk-17-jre-headless)" >&2; exit 1; }
venv=${PUFFERY_SPARK_VENV:-target/spark-venv}
case $venv in /*) ;; *) venv=$root/$venv ;; esac
if "$venv/bin/python" -c 'import pyspark' 2> /dev/null; then
  say "pyspark $("$venv/bin/python" -c 'import pyspark; print(pyspark.__version__)') in $venv (reused)"
else
  t=$(date +%s)
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${PYSPARK_SPEC:-pyspark>=3.5,<5}"
  say "pyspark $("$venv/bin/python" -c 'import pyspark; print(pyspark.__version__)') installed in $venv ($(elapsed "$t"))"
fi
export PATH="$venv/bin:$PATH" PYSPARK_PYTHON="$venv/bin/python" PYSPARK_DRIVER_PYTHON="$venv/bin/python"
py="$venv/bin/python"
java -version 2>&1 | head -n 1

t=$(date +%s)
cargo build --release --locked --quiet
cargo build --release --locked --quiet --example make_warc
bin=$root/target/release/puffery
say "cargo build --release ($(elapsed "$t"))"

work=$root/target/spark-test
rm -rf "$work"
mkdir -p "$work/jsonl" "$work/warc"
say "fixtures in $work"
"$py" scripts/spark_check.py fixtures corpus "$work/jsonl"
for i in 0 1 2; do
  target/release/examples/make_warc corpus "$work/warc/cc-$i.warc.gz" $((i + 1)) 2>&1
done

log=$work/spark.log
submit() {
  # spark-submit's own log goes to $log; shown when a job fails.
  if ! spark-submit --master 'local[2]' --conf spark.ui.enabled=false \
    --conf spark.ui.showConsoleProgress=false --files "$bin" \
    examples/spark/puffery_spark.py "$@" >> "$log" 2>&1; then
    tail -n 60 "$log" >&2
    echo "spark-test: FAILED: spark-submit $*" >&2
    exit 1
  fi
}

# 1. JSONL through RDD.pipe.
inputs=$(ls "$work"/jsonl/docs-*.jsonl | paste -sd, -)
"$bin" scan --format jsonl --progress never "$work"/jsonl/docs-*.jsonl > "$work/plain-jsonl.jsonl" || [ $? -eq 3 ]
t=$(date +%s)
say "job 1: annotate, JSONL through RDD.pipe, local[2], 4 partitions"
submit annotate "$inputs" "$work/out-annotate" --partitions 4
echo "spark-submit took $(elapsed "$t")"
"$py" scripts/spark_check.py annotate "$inputs" "$work/out-annotate" "$work/plain-jsonl.jsonl"

# 2. One task per WARC path, rows to Parquet.
"$py" scripts/spark_check.py serve "$work/warc" "$work/port" &
server=$!
trap 'kill "$server" 2> /dev/null || true' EXIT
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")
cat > "$work/warc.paths" << EOF
$work/warc/cc-0.warc.gz
file://$work/warc/cc-1.warc.gz
http://127.0.0.1:$port/cc-2.warc.gz
$work/warc/missing.warc.gz
EOF
"$bin" scan --format jsonl --progress never "$work"/warc/cc-{0,1,2}.warc.gz "$work/warc/missing.warc.gz" \
  > "$work/plain-warc.jsonl" || [ $? -eq 3 ]
t=$(date +%s)
say "job 2: warc, one task per path ($(wc -l < "$work/warc.paths") paths, one over HTTP, one missing), Parquet"
submit warc "$work/warc.paths" "$work/out-warc" --output-format parquet
echo "spark-submit took $(elapsed "$t")"
# (reads the Parquet files back with Spark; its log goes to $log too)
"$py" scripts/spark_check.py warc "$work/out-warc" "$work/plain-warc.jsonl" 2>> "$log" ||
  { tail -n 30 "$log" >&2; exit 1; }

say "spark-test: passed in $(elapsed "$started")"
