"""Input for scripts/bench-peers.sh: a JSONL of text documents (`id`, `text`) of at most DOC_CHARS
characters (3000 by default), the visible text of the HTML pages in PAGES_DIR (.html, .htm,
.html.gz; selectolax) cut at word boundaries, repeated until the file reaches MEGABYTES. Pieces
shorter than 200 characters, or than half of DOC_CHARS when that is less, are left out.

    python make_jsonl.py PAGES_DIR OUT.jsonl MEGABYTES [DOC_CHARS]
"""

import gzip
import json
import os
import sys

from common import page_text



def page_texts(pages_dir):
    for name in sorted(os.listdir(pages_dir)):
        path = os.path.join(pages_dir, name)
        if name.endswith(".html.gz"):
            with gzip.open(path, "rb") as f:
                html = f.read()
        elif name.endswith((".html", ".htm")):
            with open(path, "rb") as f:
                html = f.read()
        else:
            continue
        yield " ".join(page_text(html).split())


def chunks(text, doc_chars):
    while text:
        cut = text.rfind(" ", 0, doc_chars) if len(text) > doc_chars else len(text)
        cut = cut if cut > 0 else min(len(text), doc_chars)
        yield text[:cut]
        text = text[cut:].lstrip()


def main():
    pages_dir, out_path, mb = sys.argv[1], sys.argv[2], float(sys.argv[3])
    doc_chars = int(sys.argv[4]) if len(sys.argv) > 4 else 3000
    shortest = min(200, doc_chars // 2)
    docs = [c for t in page_texts(pages_dir) for c in chunks(t, doc_chars) if len(c) >= shortest]
    if not docs:
        sys.exit(f"make_jsonl: no text in the pages of {pages_dir}")
    written, n = 0, 0
    with open(out_path, "w", encoding="utf-8") as out:
        while written < mb * 1e6:
            line = json.dumps({"id": f"doc-{n}", "text": docs[n % len(docs)]}, ensure_ascii=False) + "\n"
            out.write(line)
            written += len(line.encode("utf-8"))
            n += 1


if __name__ == "__main__":
    main()
