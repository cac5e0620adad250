"""puffery.dolma gives the spans of `puffery scan --format dolma`."""

from __future__ import annotations

import json

import pytest

import puffery
from conftest import FIXTURES, ROOT, run_cli
from puffery import dolma as pdolma

FIXTURE = "python/tests/fixtures/docs.jsonl"


@pytest.fixture(scope="module")
def cli_rows(cli):
    return run_cli(cli, "scan", "--format", "dolma", FIXTURE)


@pytest.fixture(scope="module")
def docs():
    return [json.loads(line) for line in (ROOT / FIXTURE).read_text().splitlines()]


def test_attributes_equal_the_cli_dolma_rows(cli_rows, docs):
    scanner = puffery.Scanner()
    assert len(cli_rows) == len(docs)
    flagged = 0
    for doc, row in zip(docs, cli_rows):
        result = scanner.scan(text=doc["text"])
        assert pdolma.attributes(result, len(doc["text"])) == row["attributes"], doc["id"]
        flagged += len(row["attributes"]) > 1
    assert flagged >= 3  # the fixture has findings to compare, not only scores


def test_attribute_names_are_variable_names():
    assert pdolma.attribute_name("cta.shop-now") == "cta_shop_now"


def test_the_dolma_tagger_writes_the_cli_attributes(cli_rows, docs):
    """With dolma installed: the registered tagger, as dolma's runtime calls it (`tag` on an
    InputSpec), names its outputs `<experiment>__puffery__<type>`; without the experiment
    prefix they are the CLI's attributes, spans and scores (dolma rounds to 5 decimals)."""
    pytest.importorskip("dolma")
    from dolma.core.data_types import InputSpec
    from dolma.core.registry import TaggerRegistry

    tagger_cls = TaggerRegistry.get("puffery")
    assert tagger_cls is pdolma.PufferyTagger
    tagger = tagger_cls()
    for doc, row in zip(docs, cli_rows):
        out = tagger.tag(InputSpec(id=str(doc["id"]), text=doc["text"], source="fixture"))
        got = {
            f"puffery__{key}": [list(span) for span in spans] for key, spans in out.items()
        }
        assert got == row["attributes"], doc["id"]


def test_dolma_tag_writes_the_cli_attributes(tmp_path, cli_rows, docs):
    """`dolma tag --taggers puffery --tagger_modules puffery.dolma`, dolma's own runtime, writes
    the CLI's `--format dolma` attributes under the experiment's name."""
    pytest.importorskip("dolma.cli.__main__")
    import gzip
    import subprocess
    import sys

    (tmp_path / "documents").mkdir()
    with gzip.open(tmp_path / "documents" / "docs.jsonl.gz", "wt") as f:
        for doc in docs:
            f.write(json.dumps({"id": str(doc["id"]), "text": doc["text"], "source": "t"}) + "\n")
    subprocess.run(
        [sys.executable, "-m", "dolma.cli", "tag", "--documents",
         str(tmp_path / "documents" / "*.gz"), "--experiment", "ads", "--taggers", "puffery",
         "--tagger_modules", "puffery.dolma", "--processes", "1"],
        cwd=tmp_path, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    with gzip.open(tmp_path / "attributes" / "ads" / "docs.jsonl.gz", "rt") as f:
        rows = [json.loads(line) for line in f]
    assert [r["id"] for r in rows] == [str(d["id"]) for d in docs]
    for row, want in zip(rows, cli_rows):
        got = {k.removeprefix("ads__"): v for k, v in row["attributes"].items()}
        assert got == want["attributes"], row["id"]
