"""Baseline for scripts/bench-peers.sh: what a researcher would write in Python to find puffery's
phrases in a WARC.gz. FastWARC reads the response records, selectolax (lexbor) extracts the text
(script, style, noscript and template dropped), pyahocorasick finds every phrase of the built-in
packs. Prints records, text characters and phrase matches, so the work cannot be skipped.

    python warc_peer.py RULES.jsonl FILE.warc.gz      (RULES: `puffery rules --format json`)
"""

import sys

from fastwarc.warc import ArchiveIterator, WarcRecordType

from common import automaton, count, page_text


def main():
    auto = automaton(sys.argv[1])
    records = chars = matches = 0
    for record in ArchiveIterator(sys.argv[2], record_types=WarcRecordType.response, parse_http=True):
        body = record.reader.read()
        records += 1
        if not body:
            continue
        text = page_text(body)
        chars += len(text)
        matches += count(auto, text)
    print(f"records {records} chars {chars} matches {matches}")


if __name__ == "__main__":
    main()
