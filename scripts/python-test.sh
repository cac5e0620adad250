#!/usr/bin/env bash
# Builds the Python package (python/, PyO3 + maturin) into a virtual environment under
# target/ and runs its tests: `pytest python/tests`.
#
#   scripts/python-test.sh            # venv in target/py-venv, release wheel, pytest
#   PUFFERY_PY_DEBUG=1 scripts/...    # a debug build (faster to build, slower to run)
#
# Versions are pinned to ones that work with CPython 3.11 here. dolma is installed with
# --no-deps plus the packages `dolma tag` imports: pip's resolver spent over 17
# minutes backtracking through dolma's full dependency set (boto3, s3fs, ...) without finishing.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --manifest-path python/Cargo.toml -- --check

PY=${PYTHON:-python3}
VENV=target/py-venv
started=$(date +%s)

if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet \
  maturin==1.16.0 pytest==9.2.0 \
  datatrove==0.10.1 orjson==3.13.0 regex==2026.11.19
"$VENV/bin/python" -m pip install --quiet --no-deps \
  dolma==1.2.1 anyascii==0.3.3 fasttext-wheel==0.9.2 msgspec==0.23.0 necessary==0.4.3 \
  nltk==3.10.4 omegaconf==2.4.0 platformdirs==4.14.9 pybind11==3.1.0 \
  requirements-parser==0.13.1 smart_open==9.0.2 tokenizers==0.23.3 uniseg==0.10.1 \
  urllib3==2.8.0 wrapt==2.5.2 zstandard==0.25.0 rich==15.0.0 charset-normalizer==3.5.3
echo "python-test: packages installed in $(( $(date +%s) - started )) s"

# A wheel, as users get it (abi3: one wheel for CPython >= 3.9), installed over any earlier one.
rm -rf python/target/wheels
if [ "${PUFFERY_PY_DEBUG:-}" = 1 ]; then
  "$VENV/bin/maturin" build --locked -m python/Cargo.toml
elif [ "${CI:-}" = true ]; then
  # Optimised without fat LTO (python/Cargo.toml [profile.ci]): minutes less on two cores.
  "$VENV/bin/maturin" build --profile ci --locked -m python/Cargo.toml
else
  "$VENV/bin/maturin" build --release --locked -m python/Cargo.toml
fi
"$VENV/bin/python" -m pip install --quiet --force-reinstall --no-deps python/target/wheels/puffery-*.whl
echo "python-test: built and installed in $(( $(date +%s) - started )) s"

# The tests compare with the CLI: build it (debug; quick when `cargo test` just ran).
cargo build --locked --bin puffery
PUFFERY_BIN="$PWD/target/debug/puffery" "$VENV/bin/python" -m pytest python/tests -q -p no:cacheprovider
echo "python-test: done in $(( $(date +%s) - started )) s"
