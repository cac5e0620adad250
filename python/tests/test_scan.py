"""Scanner.scan and scan_many give the CLI's JSONL `document` objects, key for key."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

import puffery
from conftest import FIXTURES, ROOT, run_cli

CORPUS = sorted(
    p.relative_to(ROOT).as_posix()
    for p in (ROOT / "corpus").iterdir()
    if p.is_file() and p.suffix in (".html", ".txt")
)


@pytest.fixture(scope="module")
def scanner() -> puffery.Scanner:
    return puffery.Scanner()


@pytest.fixture(scope="module")
def cli_corpus(cli):
    lines = run_cli(cli, "scan", "--format", "jsonl", "-j1", *CORPUS)
    docs = {d["source"]: d for d in lines if d["type"] == "document"}
    assert sorted(docs) == CORPUS
    return docs


def test_the_corpus_is_there():
    assert len(CORPUS) >= 30


@pytest.mark.parametrize("path", CORPUS)
def test_scan_equals_the_cli_document(scanner, cli_corpus, path):
    body = (ROOT / path).read_bytes()
    kind = "html" if path.endswith(".html") else "text"
    got = scanner.scan(**{kind: body}, id=path, source=path)
    assert got == cli_corpus[path]


def test_a_str_gives_the_offsets_of_its_utf8_and_its_code_points(scanner):
    text = "Café crème — Shop Now on Amazon! Only 3 left in stock."
    doc = scanner.scan(text=text)
    assert doc == scanner.scan(text=text.encode("utf-8"))
    data = text.encode("utf-8")
    assert doc["findings"], doc
    for f in doc["findings"]:
        assert data[f["start"] : f["end"]].decode("utf-8") == f["match"]
        assert text[f["char_start"] : f["char_end"]] == f["match"]
    assert doc["id"] == "-" and doc["source"] == "-" and doc["record"] == 0


def test_scan_many_equals_the_cli_on_jsonl(scanner, cli):
    fixture = "python/tests/fixtures/docs.jsonl"
    want = [d for d in run_cli(cli, "scan", "--format", "jsonl", fixture) if d["type"] == "document"]
    items = [json.loads(line) for line in (ROOT / fixture).read_text().splitlines()]
    got = list(scanner.scan_many(items, source=fixture))
    assert got == want
    # Without an id, an item is named as the CLI names a JSONL line without one.
    nameless = list(scanner.scan_many([{"text": "Buy now!"}, "plain text"], source="s.jsonl"))
    assert [d["id"] for d in nameless] == ["s.jsonl:1", "s.jsonl:2"]
    assert [d["record"] for d in nameless] == [0, 1]


def test_scan_many_keeps_input_order(scanner):
    # Documents of very different sizes, so parallel workers finish out of order.
    docs = []
    for i in range(1500):
        filler = "The council met on Tuesday. " * (1 + (i * 37) % 200)
        body = f"{filler} Shop Now on Amazon! Only {i} left in stock." if i % 3 == 0 else filler
        docs.append({"id": f"doc-{i}", "text": body})
    results = list(scanner.scan_many(iter(docs), threads=2))
    assert [r["id"] for r in results] == [d["id"] for d in docs]
    assert [r["record"] for r in results] == list(range(len(docs)))
    for d, r in zip(docs[:60], results[:60]):
        assert r == scanner.scan(text=d["text"], id=d["id"]) | {"record": r["record"]}
    assert all(r["label"] != "clean" for r in results[::3])


def test_scan_many_is_lazy(scanner):
    pulled = []

    def items():
        for i in range(10_000):
            pulled.append(i)
            yield "Buy now!"

    it = scanner.scan_many(items())
    first = next(it)
    assert first["record"] == 0
    # The batch handed out and the two scanning ahead, not the whole input.
    assert len(pulled) <= 3 * 256


def test_scan_many_releases_the_gil(scanner):
    """Two Python threads scanning at once finish faster than one thread scanning both
    halves: the GIL is released while Rust scans. Loose bound (0.8x, best of 3 tries), as the
    machine is shared."""
    import os

    if (os.cpu_count() or 1) < 2:
        pytest.skip("needs 2 cores")
    page = (ROOT / "corpus" / "review-no-disclosure.html").read_text()
    docs = [{"html": page, "id": str(i)} for i in range(400)]
    halves = [docs[::2], docs[1::2]]

    def work(part):
        for _ in scanner.scan_many(part, threads=1):
            pass

    def one_thread() -> float:
        t = time.perf_counter()
        for part in halves:
            work(part)
        return time.perf_counter() - t

    def two_threads() -> float:
        t = time.perf_counter()
        threads = [threading.Thread(target=work, args=(p,)) for p in halves]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        return time.perf_counter() - t

    work(docs[:20])  # warm up
    ratios = []
    for _ in range(3):
        ratios.append(two_threads() / one_thread())
        if ratios[-1] < 0.8:
            break
    assert min(ratios) < 0.8, f"two threads / one thread = {ratios}"


def test_bad_items_are_errors_naming_the_item(scanner):
    with pytest.raises(ValueError, match="item 1: no `text` or `html` field"):
        list(scanner.scan_many(["fine", {"body": "x"}]))
    with pytest.raises(TypeError, match="item 0"):
        list(scanner.scan_many([42]))
    with pytest.raises(TypeError):
        scanner.scan()


def test_options_are_the_cli_options(cli):
    path = "corpus/deal-urgency.html"
    for args, kwargs in [
        (["--select", "urgency"], {"select": ["urgency"]}),
        (["--ignore", "urgency,cta"], {"ignore": "urgency,cta"}),
        (["--threshold", "2.5"], {"threshold": 2.5}),
        (["--lang", "de"], {"lang": "de"}),
    ]:
        want = run_cli(cli, "scan", "--format", "jsonl", *args, path)[0]
        got = puffery.Scanner(**kwargs).scan(html=(ROOT / path).read_bytes(), id=path, source=path)
        assert got == want, args
    only_urgency = puffery.Scanner(select="urgency")
    assert only_urgency.rule_ids and all(r.startswith("urgency.") for r in only_urgency.rule_ids)


def test_classify_url():
    a = puffery.classify_url("https://www.amazon.com/dp/B0040EGNIU/?tag=runfastblog-20")
    assert a is not None
    assert (a["network"], a["id"], a["confidence"]) == ("amazon", "runfastblog-20", "confirmed")
    assert puffery.classify_url("https://en.wikipedia.org/wiki/Lighthouse") is None
    assert puffery.classify_url("not a url") is None


def test_the_scanner_pickles():
    import pickle

    s = puffery.Scanner(select=["cta"], threshold=1.0)
    t = pickle.loads(pickle.dumps(s))
    assert t.rule_ids == s.rule_ids
    assert t.scan(text="Buy now!")["label"] == "promotional"
