"""Type stubs of the native module ``puffery._puffery`` (the PyO3 layer; use ``puffery``)."""

from typing import Any, Iterable, Iterator, List, Optional, Tuple, Union

__version__: str
DEFAULT_THRESHOLD: float

class RulePackError(ValueError):
    """A rule pack that cannot be used; the message starts with ``file:line:``."""

    file: str
    line: int

class Scanner:
    def __init__(
        self,
        packs: List[Tuple[str, str]],
        builtin: bool,
        select: List[str],
        ignore: List[str],
        lang: Optional[str],
        threshold: Optional[float],
    ) -> None: ...
    def scan_json(
        self,
        body: Union[str, bytes],
        html: bool,
        url: Optional[str],
        id: Union[None, str, int],
        source: str,
        lang: Optional[str],
    ) -> bytes: ...
    def scan_many(self, items: Iterable[Any], threads: Optional[int], source: str) -> ScanIter: ...
    def rule_ids(self) -> List[str]: ...

class ScanIter(Iterator[bytes]):
    def __iter__(self) -> ScanIter: ...
    def __next__(self) -> bytes: ...

def classify_url_json(url: str, page_url: Optional[str] = None) -> Optional[bytes]: ...
def id_matches(id: str, prefix: str) -> bool: ...
