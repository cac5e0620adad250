"""A datatrove pipeline: JsonlReader -> PufferyFilter -> PufferyAnnotator -> JsonlWriter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("datatrove")

from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402

import puffery  # noqa: E402
from conftest import FIXTURES, run_cli  # noqa: E402
from puffery.datatrove import PufferyAnnotator, PufferyFilter  # noqa: E402


def read_jsonl(folder: Path):
    rows = []
    for path in sorted(folder.glob("*.jsonl")):
        rows += [json.loads(line) for line in path.read_text().splitlines()]
    return rows


@pytest.mark.parametrize("tasks", [1, 2])
def test_filter_and_annotate_in_a_local_pipeline(tmp_path, cli, tasks):
    out, dropped = tmp_path / "out", tmp_path / "dropped"
    # tasks=2 runs in worker processes: the steps, and the scanner given to one of them,
    # are pickled there.
    pipeline = [
        JsonlReader(str(FIXTURES), glob_pattern="docs.jsonl"),
        PufferyFilter(
            drop_labels=["promotional"],
            drop_rules=["claim"],
            exclusion_writer=JsonlWriter(str(dropped), compression=None),
        ),
        PufferyAnnotator(scanner=puffery.Scanner()),
        JsonlWriter(str(out), compression=None),
    ]
    LocalPipelineExecutor(
        pipeline=pipeline, tasks=tasks, workers=tasks, logging_dir=str(tmp_path / "logs")
    ).run()

    kept = read_jsonl(out)
    assert [d["id"] for d in kept] == ["news-1", "recipe-1", "review-1"]
    reasons = {d["id"]: d["metadata"]["filter_reason"] for d in read_jsonl(dropped)}
    assert reasons == {
        "deal-1": "puffery_promotional",
        "supp-1": "puffery_promotional",
        5: "puffery_rule_claim.guaranteed-results",
    }
    # The annotation is what `puffery scan --format annotate` writes under "puffery".
    annotated = {
        d["id"]: d["puffery"]
        for d in run_cli(cli, "scan", "--format", "annotate", "python/tests/fixtures/docs.jsonl")
    }
    for d in kept:
        assert d["metadata"]["puffery"] == annotated[d["id"]]
        assert d["metadata"]["puffery"]["label"] == "clean"


def test_the_filter_reasons_by_score_and_missing_disclosure():
    from datatrove.data import Document

    docs = [
        Document(text="Buy now! Click here to buy now.", id="a"),
        Document(text="Shop Now on Amazon for the best price.", id="b"),
        Document(text="The library opens at nine.", id="c"),
    ]
    f = PufferyFilter(drop_labels=[], min_score=2.0)
    assert f.filter_batch(docs) == [(False, "puffery_score"), (False, "puffery_score"), True]
    f = PufferyFilter(drop_labels=[], drop_missing=["affiliate"], annotate=True)
    assert f.filter_batch(docs) == [True, (False, "puffery_missing_affiliate"), True]
    assert docs[0].metadata["puffery"]["findings"][0]["rule"] == "cta.buy-now"
    assert f.filter(docs[2]) is True
