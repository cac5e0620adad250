#!/usr/bin/env bash
# Reads the WARC and ARC test files that other projects publish in their source packages on
# PyPI (warcio 1.6.3 and pywb 2.10.0) with puffery and with warcio, and checks that they agree:
# for every file, puffery's documents + errors + skipped equal the records warcio reads, each
# document's id and URL are those of the warcio record at the same index, the record types map
# as docs/inputs.md says, and no run crashes, hangs or prints invalid JSONL.
#
#   scripts/realdata-test.sh            # downloads into target/realdata/ on first use
#   PUFFERY=path/to/puffery scripts/realdata-test.sh
#
# Needs python3 (with venv) and network access to PyPI on first run. `.ci/run` runs it when
# PUFFERY_REALDATA=1.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$root/target/realdata"
venv="$work/venv"
mkdir -p "$work/sdists" "$work/files" "$work/out"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import warcio' 2>/dev/null; then
    "$venv/bin/pip" install --quiet 'warcio==1.6.3'
fi

for spec in warcio==1.6.3 pywb==2.10.0; do
    name="${spec%%==*}-${spec##*==}"
    if [ ! -f "$work/sdists/$name.tar.gz" ]; then
        "$venv/bin/pip" download --quiet --no-deps --no-binary :all: "$spec" -d "$work/sdists"
    fi
    # The archives each package ships as test data, renamed <package>--<file>.
    tar -tzf "$work/sdists/$name.tar.gz" |
        grep -E '/(test/data|sample_archive/warcs)/[^/]+\.(w?arc)(\.gz)?(\.bad)?$' |
        while read -r member; do
            dest="$work/files/${name}--$(basename "$member")"
            [ -f "$dest" ] || tar -xzOf "$work/sdists/$name.tar.gz" "$member" >"$dest"
        done
done

if [ -z "${PUFFERY:-}" ]; then
    (cd "$root" && cargo build --quiet --bin puffery)
    PUFFERY="$root/target/debug/puffery"
fi

status=0
for f in "$work"/files/*; do
    out="$work/out/$(basename "$f").jsonl"
    code=0
    timeout 60 "$PUFFERY" scan --format jsonl "$f" >"$out" 2>"$out.stderr" || code=$?
    # 0: read; 3: some records could not be read (reported as error lines). Anything else is
    # a crash (101), a hang (124) or a usage error.
    echo "$code" >"$out.code"
    if [ "$code" != 0 ] && [ "$code" != 3 ]; then
        echo "FAIL $(basename "$f"): puffery exited $code" >&2
        sed 's/^/    /' "$out.stderr" >&2
        status=1
    fi
done

"$venv/bin/python" "$root/scripts/realdata_check.py" "$work/files" "$work/out" || status=1
exit $status
