"""puffery: marketing language, affiliate links and missing disclosures in web documents.

The scanning is the puffery Rust library (the same code as the ``puffery`` command line tool);
this package is a thin layer over it. Results are plain ``dict`` objects equal to the
``document`` lines of the CLI's ``--format jsonl`` output (keys, offsets and all)::

    import puffery

    scanner = puffery.Scanner()
    doc = scanner.scan(text="Shop Now on Amazon! Only 3 left in stock.")
    doc["label"], [f["rule"] for f in doc["findings"]]

    for doc in scanner.scan_many({"id": i, "text": t} for i, t in enumerate(texts)):
        ...

Integrations load their frameworks lazily: ``puffery.datatrove`` (``PufferyFilter``,
``PufferyAnnotator``) and ``puffery.dolma`` (``PufferyTagger``).
"""

from __future__ import annotations

import os
from json import loads as _loads
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Union

from . import _puffery

__all__ = [
    "Scanner",
    "RulePackError",
    "classify_url",
    "rule_matches",
    "DEFAULT_THRESHOLD",
    "__version__",
]

__version__: str = _puffery.__version__

#: Score at which a document is labelled ``promotional`` unless ``threshold`` says otherwise.
DEFAULT_THRESHOLD: float = _puffery.DEFAULT_THRESHOLD

#: Raised for a rule pack that cannot be used: a ``ValueError`` whose message and ``file`` and
#: ``line`` attributes say where (and which rule, where there is one).
RulePackError = _puffery.RulePackError

PathLike = Union[str, "os.PathLike[str]"]
#: One input of :meth:`Scanner.scan_many`: plain text (``str`` or ``bytes``), or a mapping
#: with ``html`` or ``text`` and optional ``id``, ``url`` and ``lang``, like a JSONL line.
Item = Union[str, bytes, Mapping[str, Any]]


def _as_list(value: Union[None, str, Sequence[str]]) -> List[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [p for p in value.split(",") if p]
    return list(value)


class Scanner:
    """Rule packs, compiled once. Build one and reuse it: compiling takes ~100 ms, a
    scan of a web page about a millisecond. Thread-safe; scans release the GIL.

    Args:
        rules: extra rule pack files (TOML, the format of ``patterns/*.toml``), as the CLI's
            ``--rules``. A pack that cannot be used raises :class:`RulePackError` (a
            ``ValueError``) naming the file, line and rule.
        builtin: include the built-in packs (``False`` is the CLI's ``--no-builtin``).
        select: keep only rules whose id starts with one of these prefixes (``"cta"``,
            ``"claim.health"``); a list or a comma-separated string, as ``--select``.
        ignore: drop rules whose id starts with one of these prefixes, as ``--ignore``.
        lang: language to select rules for, overriding what documents declare (``--lang``).
        threshold: score at which a document is ``promotional`` (``--threshold``; default
            :data:`DEFAULT_THRESHOLD`).
    """

    def __init__(
        self,
        rules: Union[None, PathLike, Sequence[PathLike]] = None,
        builtin: bool = True,
        select: Union[None, str, Sequence[str]] = None,
        ignore: Union[None, str, Sequence[str]] = None,
        lang: Optional[str] = None,
        threshold: Optional[float] = None,
    ) -> None:
        if rules is None:
            paths: List[PathLike] = []
        elif isinstance(rules, (str, os.PathLike)):
            paths = [rules]
        else:
            paths = list(rules)
        packs = []
        for path in paths:
            name = os.fspath(path)
            with open(name, encoding="utf-8") as f:
                packs.append((name, f.read()))
        self._args = (packs, bool(builtin), _as_list(select), _as_list(ignore), lang, threshold)
        self._native = _puffery.Scanner(*self._args)

    def __reduce__(self) -> Any:
        # Picklable (pipelines ship their steps to worker processes): the packs' text and the
        # options travel, and the scanner is compiled again on the other side.
        return (_rebuild, self._args)

    def scan(
        self,
        html: Union[None, str, bytes] = None,
        text: Union[None, str, bytes] = None,
        url: Optional[str] = None,
        id: Union[None, str, int] = None,
        *,
        source: str = "-",
        lang: Optional[str] = None,
    ) -> Dict[str, Any]:
        """Scans one document, given as ``html`` or as ``text`` (``str``, or ``bytes`` in any
        encoding the CLI reads: a BOM, a ``<meta charset>``, Windows-1252 ...).

        Returns the ``document`` object of the JSONL contract, exactly as
        ``puffery scan --format jsonl`` prints it: ``type``, ``id``, ``source``, ``record``,
        ``url``, ``format``, ``bytes``, ``score``, ``label``, ``findings``, ``links``,
        ``disclosures``, ``missing``, ``late`` (and ``lang``, ``rewriters`` when set).
        ``start``/``end`` are byte offsets into the document's bytes (a ``str`` counts as its
        UTF-8); ``char_start``/``char_end`` are code-point offsets, i.e. ``str`` indices.

        ``id`` defaults to ``source``, which defaults to ``"-"`` (what the CLI writes for a
        document read from stdin); ``lang`` is the container's language hint (a JSONL
        ``lang`` field), which the scanner's own ``lang`` overrides.
        """
        if (html is None) == (text is None):
            raise TypeError("scan() takes exactly one of html= or text=")
        body = html if html is not None else text
        raw = self._native.scan_json(body, html is not None, url, id, source, lang)
        return _loads(raw)

    def scan_many(
        self,
        iterable: Iterable[Item],
        threads: Optional[int] = None,
        *,
        source: str = "-",
    ) -> Iterator[Dict[str, Any]]:
        """Scans many documents; yields one result per item, in input order.

        Items are plain text (``str``/``bytes``) or mappings like a JSONL line: ``html`` or
        ``text`` (``html`` wins when both are there), optional ``id`` (default
        ``"<source>:<n>"``, n counting from 1, as the CLI names JSONL lines without one),
        ``url`` and ``lang``. Each result is the contract's ``document`` object, with
        ``record`` the item's index. Items are read in batches (up to 256 documents or 8 MB)
        and scanned on ``threads`` worker threads (default: one per core) without the GIL,
        two batches ahead of the results handed out, so reading items, taking results and
        scanning overlap, and other Python threads run meanwhile. ``threads=1`` gets a worker
        of its own. A document whose scan hits a bug in puffery gives the contract's ``error``
        object instead of stopping the run. An item that cannot be read raises ``TypeError``
        or ``ValueError`` naming its index, after the results of the items before it.
        """
        raw = self._native.scan_many(iterable, threads, source)
        return map(_loads, raw)

    @property
    def rule_ids(self) -> List[str]:
        """Ids of the rules this scanner applies."""
        return self._native.rule_ids()


def _rebuild(*args: Any) -> Scanner:
    scanner = Scanner.__new__(Scanner)
    scanner._args = args
    scanner._native = _puffery.Scanner(*args)
    return scanner


def rule_matches(rule: str, prefix: str) -> bool:
    """True when rule id ``rule`` is ``prefix`` or lies under it, as ``select``/``ignore``
    match: ``"cta"`` matches ``"cta.shop-now"``, not ``"ctab"``."""
    return _puffery.id_matches(rule, prefix)


def classify_url(url: str, page_url: Optional[str] = None) -> Optional[Dict[str, Any]]:
    """Classifies one link as the scanner does: the ``affiliate`` object of the contract
    (``network``, ``id``, ``evidence``, ``confidence``, and ``destination`` for a wrapped
    URL), or ``None`` when the URL is not an affiliate link. ``page_url`` is the page the link
    is on, when known (same-site cloaked links such as ``/go/product`` need it).
    """
    raw = _puffery.classify_url_json(url, page_url)
    return None if raw is None else _loads(raw)
