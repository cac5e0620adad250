"""datatrove pipeline steps: :class:`PufferyFilter` and :class:`PufferyAnnotator`.

Importing this module imports datatrove (``pip install datatrove``); ``import puffery`` does
not. Both steps scan documents in batches through :meth:`puffery.Scanner.scan_many` (the GIL
is released while Rust works) and work with any executor: the scanner travels to worker
processes as its rule packs and options, and is compiled once per process::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from puffery.datatrove import PufferyAnnotator, PufferyFilter

    LocalPipelineExecutor(pipeline=[
        JsonlReader("data/"),
        PufferyFilter(drop_labels=["promotional"], drop_rules=["claim.health-disease"]),
        PufferyAnnotator(),
        JsonlWriter("out/"),
    ], tasks=4).run()
"""

from __future__ import annotations

from collections import deque
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.filters.base_filter import BaseFilter

from . import Scanner, rule_matches

__all__ = ["PufferyFilter", "PufferyAnnotator", "result_for_metadata"]

#: Keys of a ``document`` result that repeat what the datatrove ``Document`` already holds;
#: left out of ``metadata["puffery"]``, as the CLI's ``--format annotate`` leaves them out.
_META_KEYS = ("type", "id", "source", "record", "url")


def result_for_metadata(result: Dict[str, Any]) -> Dict[str, Any]:
    """The part of a scan result stored in ``doc.metadata["puffery"]``: what
    ``puffery scan --format annotate`` writes under ``"puffery"`` (the document result
    without ``type``, ``id``, ``source``, ``record`` and ``url``)."""
    return {k: v for k, v in result.items() if k not in _META_KEYS}


def _item(doc: Document, html: bool) -> Dict[str, Any]:
    meta = doc.metadata or {}
    return {
        "html" if html else "text": doc.text,
        "id": doc.id,
        "url": meta.get("url"),
        "lang": meta.get("language") or meta.get("lang"),
    }


def _scan_docs(
    scanner: Scanner, docs: Iterable[Document], html: bool, threads: Optional[int]
) -> Iterator[Tuple[Document, Dict[str, Any]]]:
    """Pairs each document with its result, in order, scanning in scan_many's batches."""
    pending: deque = deque()

    def items() -> Iterator[Dict[str, Any]]:
        for doc in docs:
            pending.append(doc)
            yield _item(doc, html)

    for result in scanner.scan_many(items(), threads=threads):
        yield pending.popleft(), result


class _Options:
    scanner: Optional[Scanner]

    def _setup(
        self,
        scanner: Optional[Scanner],
        scanner_kwargs: Dict[str, Any],
        html: bool,
        threads: Optional[int],
    ) -> None:
        if scanner is not None and scanner_kwargs:
            raise TypeError("pass either scanner= or Scanner options, not both")
        self.scanner = scanner
        self.scanner_kwargs = scanner_kwargs
        self.html = html
        self.threads = threads

    def _scanner(self) -> Scanner:
        if self.scanner is None:
            self.scanner = Scanner(**self.scanner_kwargs)
        return self.scanner


class PufferyFilter(_Options, BaseFilter):
    """Drops documents by puffery's label, score or rules; keeps the rest.

    A document is dropped, with the reason datatrove counts (``dropped_<reason>``) and writes
    to ``exclusion_writer`` documents as ``metadata["filter_reason"]``, when:

    - its label is in ``drop_labels`` (default ``["promotional"]``): reason
      ``puffery_<label>``;
    - its score is at least ``min_score`` (default: not used): reason ``puffery_score``;
    - it has a finding of a rule in ``drop_rules`` (id prefixes, as ``select``: ``"claim"``,
      ``"claim.health-disease"``): reason ``puffery_rule_<rule id>``;
    - it lacks a disclosure of a kind in ``drop_missing`` (``"affiliate"``, ``"fda"``, ...):
      reason ``puffery_missing_<kind>``.

    Args:
        scanner: a :class:`puffery.Scanner` to use; or give its options as keyword arguments
            (``rules``, ``builtin``, ``select``, ``ignore``, ``lang``, ``threshold``).
        html: ``doc.text`` is HTML (say, WARC payloads read without extraction).
        annotate: also store the result in kept documents' ``metadata["puffery"]``.
        batch_size: documents per scan batch (parallel on ``threads`` threads).
        exclusion_writer: a datatrove writer for the dropped documents.
    """

    name = "🎺 puffery filter"

    def __init__(
        self,
        drop_labels: Sequence[str] = ("promotional",),
        min_score: Optional[float] = None,
        drop_rules: Sequence[str] = (),
        drop_missing: Sequence[str] = (),
        *,
        scanner: Optional[Scanner] = None,
        html: bool = False,
        annotate: bool = False,
        threads: Optional[int] = None,
        batch_size: int = 256,
        exclusion_writer: Any = None,
        **scanner_kwargs: Any,
    ) -> None:
        BaseFilter.__init__(self, exclusion_writer=exclusion_writer, batch_size=batch_size)
        self._setup(scanner, scanner_kwargs, html, threads)
        self.drop_labels = list(drop_labels)
        self.min_score = min_score
        self.drop_rules = list(drop_rules)
        self.drop_missing = list(drop_missing)
        self.annotate = annotate

    def verdict(self, result: Dict[str, Any]) -> Union[bool, Tuple[bool, str]]:
        """``True`` to keep a document with this scan result, or ``(False, reason)``."""
        if result.get("type") != "document":
            return True  # a scan that failed (a puffery bug) drops nothing
        if result["label"] in self.drop_labels:
            return False, f"puffery_{result['label']}"
        if self.min_score is not None and result["score"] >= self.min_score:
            return False, "puffery_score"
        for f in result["findings"]:
            if any(rule_matches(f["rule"], p) for p in self.drop_rules):
                return False, f"puffery_rule_{f['rule']}"
        for m in result["missing"]:
            if m["kind"] in self.drop_missing:
                return False, f"puffery_missing_{m['kind']}"
        return True

    def _keep(self, doc: Document, result: Dict[str, Any]) -> Union[bool, Tuple[bool, str]]:
        keep = self.verdict(result)
        if self.annotate:
            doc.metadata["puffery"] = result_for_metadata(result)
        return keep

    def filter(self, doc: Document) -> Union[bool, Tuple[bool, str]]:
        return self.filter_batch([doc])[0]

    def filter_batch(self, batch: List[Document]) -> List[Union[bool, Tuple[bool, str]]]:
        pairs = _scan_docs(self._scanner(), batch, self.html, self.threads)
        return [self._keep(doc, result) for doc, result in pairs]


class PufferyAnnotator(_Options, PipelineStep):
    """Writes each document's scan result into ``doc.metadata[key]`` (default ``"puffery"``):
    score, label, findings, links, disclosures, missing, late, as the CLI's
    ``--format annotate`` does. Drops nothing.

    Args:
        scanner: a :class:`puffery.Scanner`; or its options as keyword arguments.
        html: ``doc.text`` is HTML.
        key: the metadata key.
        threads: threads per scan batch (default: one per core).
    """

    name = "🎺 puffery annotator"
    type = "📝 - ANNOTATOR"

    def __init__(
        self,
        *,
        scanner: Optional[Scanner] = None,
        html: bool = False,
        key: str = "puffery",
        threads: Optional[int] = None,
        **scanner_kwargs: Any,
    ) -> None:
        PipelineStep.__init__(self)
        self._setup(scanner, scanner_kwargs, html, threads)
        self.key = key

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for doc, result in _scan_docs(self._scanner(), data, self.html, self.threads):
            self.stat_update(f"label_{result.get('label', 'error')}")
            doc.metadata[self.key] = result_for_metadata(result)
            self.update_doc_stats(doc)
            yield doc
