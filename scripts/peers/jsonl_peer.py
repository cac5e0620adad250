"""Baseline for scripts/bench-peers.sh: json + pyahocorasick over a JSONL of text documents,
finding every phrase of puffery's built-in packs in each document's `text`. Prints documents,
characters and phrase matches, so the work cannot be skipped.

    python jsonl_peer.py RULES.jsonl FILE.jsonl      (RULES: `puffery rules --format json`)
"""

import json
import sys

from common import automaton, count


def main():
    auto = automaton(sys.argv[1])
    docs = chars = matches = 0
    with open(sys.argv[2], encoding="utf-8") as f:
        for line in f:
            text = json.loads(line).get("text") or ""
            docs += 1
            chars += len(text)
            matches += count(auto, text)
    print(f"documents {docs} chars {chars} matches {matches}")


if __name__ == "__main__":
    main()
