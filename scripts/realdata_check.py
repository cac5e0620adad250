"""Compares puffery's JSONL output on third-party WARC/ARC files with the records warcio reads.

Usage: realdata_check.py FILES_DIR OUT_DIR   (run by scripts/realdata-test.sh)

The mapping (docs/inputs.md): warcio's record i is puffery's item i. A `response`, `resource`
or `conversion` record is a document, or a skip with reason `non-html` or `empty`, or an error;
any other record is a skip whose reason names its type (`request` -> `warc-request`, `revisit`
-> `warc-revisit`, `metadata` -> `warc-metadata`, `warcinfo` -> `warcinfo`, ARC's file header
-> `arc-filedesc`), or an error. A document's id is the record's WARC-Record-ID (ARC: warcio
makes up a random one, puffery uses `source#index`), and its url is the WARC-Target-URI (ARC:
the header line's URL).
"""

import collections
import gzip
import io
import json
import os
import sys

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArchiveLoadFailed

DOC_TYPES = {"response", "resource", "conversion"}
SKIP_REASON = {
    "request": "warc-request",
    "revisit": "warc-revisit",
    "metadata": "warc-metadata",
    "warcinfo": "warcinfo",
    "continuation": "warc-continuation",
}


def warcio_records(path):
    """(type, id, uri) of each record warcio reads, and a note on how it was read."""

    def read(stream):
        out = []
        for r in ArchiveIterator(stream, arc2warc=True):
            out.append(
                (
                    r.rec_type,
                    r.rec_headers.get_header("WARC-Record-ID"),
                    r.rec_headers.get_header("WARC-Target-URI"),
                )
            )
            r.content_stream().read()
        return out

    with open(path, "rb") as f:
        try:
            return read(f), ""
        except ArchiveLoadFailed as e:
            if "non-chunked gzip" not in str(e):
                raise
    # warcio refuses a gzip member that holds several records; read it decompressed.
    with open(path, "rb") as f:
        data = gzip.decompress(f.read())
    return read(io.BytesIO(data)), " (warcio: read after gunzip, several records per member)"


def is_arc(name):
    for suffix in (".bad", ".gz"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name.endswith(".arc")


def check(path, out_path):
    """Returns (problems, row) for one file."""
    problems = []
    name = os.path.basename(path)
    lines = []
    with open(out_path, "rb") as f:
        for n, raw in enumerate(f, 1):
            try:
                lines.append(json.loads(raw))
            except ValueError as e:
                problems.append(f"line {n} is not JSON: {e}: {raw[:80]!r}")
    if not lines or lines[-1].get("type") != "summary":
        problems.append("no summary line at the end")
        return problems, None
    summary = lines[-1]
    docs = [l for l in lines if l.get("type") == "document"]
    errors = [l for l in lines if l.get("type") == "error"]
    others = [l for l in lines[:-1] if l.get("type") not in ("document", "error")]
    if others:
        problems.append(f"unexpected line types: {[l.get('type') for l in others]}")
    if summary["documents"] != len(docs) or summary["errors"] != len(errors):
        problems.append("summary counts differ from the lines printed")
    skipped = collections.Counter(summary["skipped"])

    records, how = warcio_records(path)
    total = len(docs) + len(errors) + sum(skipped.values())
    if total != len(records):
        problems.append(
            f"puffery documents+errors+skipped = {total}, warcio records = {len(records)}"
        )

    arc = is_arc(name)
    taken = {}
    for d in docs:
        i = d["record"]
        taken[i] = "document"
        if i >= len(records):
            problems.append(f"document record {i} beyond warcio's {len(records)} records")
            continue
        typ, rid, uri = records[i]
        if typ not in DOC_TYPES:
            problems.append(f"record {i}: document, but warcio says {typ}")
        want_id = f"{d['source']}#{i}" if arc else rid
        if d["id"] != want_id:
            problems.append(f"record {i}: id {d['id']!r}, want {want_id!r}")
        if d["url"] != uri:
            problems.append(f"record {i}: url {d['url']!r}, warcio {uri!r}")
    for e in errors:
        taken[e["record"]] = "error"
    # What the records puffery skipped should be skipped as, from warcio's types.
    want = collections.Counter()
    for i, (typ, _, _) in enumerate(records):
        if i in taken:
            continue
        if typ in DOC_TYPES:
            want["non-html|empty"] += 1
        elif arc and typ == "warcinfo":
            want["arc-filedesc"] += 1
        else:
            want[SKIP_REASON.get(typ, "warc-other")] += 1
    got = collections.Counter(skipped)
    got["non-html|empty"] = got.pop("non-html", 0) + got.pop("empty", 0)
    got = +got
    if got != +want:
        problems.append(f"skip reasons {dict(got)}, warcio's types say {dict(+want)}")

    row = (name, len(records), len(docs), len(errors), sum(skipped.values()), how)
    notes = [f"error line, record {e['record']}: {e['message']}" for e in errors]
    return problems, (row, notes)


def main():
    files_dir, out_dir = sys.argv[1], sys.argv[2]
    failed = 0
    print(f"{'file':58} {'warcio':>6} {'docs':>5} {'errors':>6} {'skipped':>7}  result")
    for name in sorted(os.listdir(files_dir)):
        path = os.path.join(files_dir, name)
        out_path = os.path.join(out_dir, name + ".jsonl")
        try:
            problems, info = check(path, out_path)
        except Exception as e:  # a file warcio cannot read at all
            problems, info = [f"check failed: {type(e).__name__}: {e}"], None
        code = open(out_path + ".code").read().strip()
        if code not in ("0", "3"):
            problems.append(f"puffery exited {code}")
        if info:
            (n, records, docs, errors, skipped, how), notes = info
            result = "ok" if not problems else "FAIL"
            print(f"{n:58} {records:6} {docs:5} {errors:6} {skipped:7}  {result}{how}")
            for note in notes:
                print(f"    note: {note[:160]}")
        else:
            print(f"{name:58} {'':6} {'':5} {'':6} {'':7}  FAIL")
        for p in problems:
            print(f"    FAIL: {p}")
        failed += bool(problems)
    total = len(os.listdir(files_dir))
    print(f"{total - failed} of {total} files agree with warcio")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
