"""Scanner.scan and scan_many give the CLI's JSONL `document` objects, key for key."""

from __future__ import annotations

import json
import os
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
    # `Scanner.scan()` is given a document's bytes, not a file the user maintains, so it does not
    # honour `<!-- puffery-ignore -->` comments (as the CLI does not for crawl records).
    lines = run_cli(cli, "scan", "--format", "jsonl", "-j1", "--no-inline-ignore", *CORPUS)
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


def prose_docs(n: int, sentences: int = 500):
    """Long prose with few findings: Rust does nearly all the work (milliseconds a document),
    so the time is the scan's, not Python's handling of results."""
    prose = " ".join(
        f"The council met on Tuesday {i} to discuss the bus routes and the library budget."
        for i in range(sentences)
    )
    return [{"text": prose, "id": str(i)} for i in range(n)]


def test_python_threads_run_while_rust_scans(scanner):
    """While scan() and scan_many() work in Rust, another Python thread keeps running: it
    counts at least a fifth as far as it does alone in the same time. (Were the GIL held, it
    would count nearly nothing: Rust never hands the GIL over by itself.) The work lasts some
    tens of milliseconds (20,000 sentences a document): with 5,000 it took 9-27 ms on the
    project machine, and one CI run under load saw a 4.6 ms scan with no count at all, the
    spinner not yet scheduled."""
    docs = prose_docs(4, sentences=20000)
    count = 0
    stop = False

    def spin():
        nonlocal count
        while not stop:
            count += 1

    spinner = threading.Thread(target=spin)
    spinner.start()
    try:
        time.sleep(0.05)
        for work in (
            lambda: [scanner.scan(text=d["text"]) for d in docs],
            lambda: list(scanner.scan_many(docs, threads=1)),
        ):
            c, t = count, time.perf_counter()
            work()
            during, elapsed = count - c, time.perf_counter() - t
            c = count
            time.sleep(elapsed)  # the spinner alone, as long
            alone = count - c
            assert during > 0.2 * alone, (during, alone, elapsed)
    finally:
        stop = True
        spinner.join()


@pytest.mark.skipif(
    not os.environ.get("PUFFERY_TIMING"),
    reason="a timing check: PUFFERY_TIMING=1 (it failed while another build shared the cores)",
)
def test_two_threads_finish_faster_than_one(scanner):
    """Two Python threads scanning at once finish faster than one thread scanning both
    halves (loosely: < 0.8x, best of 3). Needs two cores for this process: on a machine so
    busy that Rust alone gains nothing from a second thread, it is skipped (the test above
    still shows the GIL is released). A timing, so only with PUFFERY_TIMING=1: the test
    above is the one that fails when the GIL is held."""

    if (os.cpu_count() or 1) < 2:
        pytest.skip("needs 2 cores")
    docs = prose_docs(120)
    halves = [docs[::2], docs[1::2]]

    def work(part, threads=1):
        for _ in scanner.scan_many(part, threads=threads):
            pass

    def timed(fn) -> float:
        t = time.perf_counter()
        fn()
        return time.perf_counter() - t

    def one_thread():
        for part in halves:
            work(part)

    def two_threads():
        threads = [threading.Thread(target=work, args=(p,)) for p in halves]
        for th in threads:
            th.start()
        for th in threads:
            th.join()

    work(docs[:4])  # warm up
    ratios, rust_only = [], []
    for _ in range(3):
        ratios.append(timed(two_threads) / timed(one_thread))
        rust_only.append(timed(lambda: work(docs, threads=2)) / timed(lambda: work(docs, threads=1)))
        if ratios[-1] < 0.8:
            break
    if min(ratios) >= 0.8 and min(rust_only) >= 0.8:
        pytest.skip(f"this process gets no second core now (Rust alone, 2 vs 1 threads: {rust_only})")
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
