"""A dolma tagger: ``puffery__<rule>`` spans and the document score, as ``--format dolma``.

For each finding a span ``[char_start, char_end, weight]`` of type ``<rule>`` with the rule id
made of ``[a-zA-Z0-9_]`` (``cta.shop-now`` -> ``cta_shop_now``), and one span over the whole
document of type ``doc__score`` holding the score. Registered as the ``puffery`` tagger, dolma
writes them as ``<experiment>__puffery__<rule>`` and ``<experiment>__puffery__doc__score``:
the attributes ``puffery scan --format dolma`` writes, under the experiment's name::

    dolma tag --documents 'wiki/documents/*.gz' --experiment ads \\
        --taggers puffery --tagger_modules puffery.dolma --processes 4

Importing this module needs dolma only for :class:`PufferyTagger` (``pip install dolma``);
:func:`spans` and :func:`attributes` work without it.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Tuple

from . import Scanner

__all__ = ["TAGGER_NAME", "attribute_name", "spans", "attributes", "PufferyTagger"]

#: The name the tagger is registered under, and the attributes' prefix.
TAGGER_NAME = "puffery"

_NOT_NAME = re.compile(r"[^a-zA-Z0-9_]")


def attribute_name(rule: str) -> str:
    """``cta.shop-now`` -> ``cta_shop_now``: dolma attribute names are ``[a-zA-Z0-9_]``."""
    return _NOT_NAME.sub("_", rule)


def spans(result: Dict[str, Any], nchars: int) -> List[Tuple[int, int, str, float]]:
    """The spans of one scan result, ``(start, end, type, score)`` in code points: one per
    finding, then ``doc__score`` over the document's ``nchars`` characters."""
    out = [
        (f["char_start"], f["char_end"], attribute_name(f["rule"]), f["weight"])
        for f in result["findings"]
    ]
    out.append((0, nchars, "doc__score", result["score"]))
    return out


def attributes(result: Dict[str, Any], nchars: int) -> Dict[str, List[List[Any]]]:
    """The ``attributes`` object of a ``puffery scan --format dolma`` row:
    ``{"puffery__<rule>": [[start, end, weight], ...], "puffery__doc__score": [[0, n, score]]}``.
    """
    out: Dict[str, List[List[Any]]] = {}
    for start, end, kind, score in spans(result, nchars):
        out.setdefault(f"{TAGGER_NAME}__{kind}", []).append([start, end, score])
    return out


def _define_tagger() -> Optional[type]:
    try:
        from dolma.core.data_types import DocResult, Document, Span
        from dolma.core.registry import TaggerRegistry
        from dolma.core.taggers import BaseTagger
    except ImportError:
        return None

    @TaggerRegistry.add(TAGGER_NAME)
    class PufferyTagger(BaseTagger):
        """puffery's findings and score as dolma spans (see :mod:`puffery.dolma`).

        Documents are scanned as plain text. Subclass and set ``scanner_options`` (the
        :class:`puffery.Scanner` keyword arguments) for other rules or a threshold.
        """

        scanner_options: Dict[str, Any] = {}

        def __init__(self) -> None:
            self.scanner = Scanner(**self.scanner_options)

        def predict(self, doc: Document) -> DocResult:  # type: ignore[override]
            result = self.scanner.scan(text=doc.text, id=doc.id)
            return DocResult(
                doc=doc,
                spans=[
                    Span(start=s, end=e, type=t, score=w) for s, e, t, w in spans(result, len(doc.text))
                ],
            )

    return PufferyTagger


_TAGGER = _define_tagger()


def __getattr__(name: str) -> Any:
    if name == "PufferyTagger":
        if _TAGGER is None:
            raise ImportError("puffery.dolma.PufferyTagger needs dolma: pip install dolma")
        return _TAGGER
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
