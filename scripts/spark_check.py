"""Helpers of scripts/spark-test.sh: fixtures, a local HTTP server, and the output checks.

  spark_check.py fixtures CORPUS_DIR OUT_DIR        JSONL documents made from the corpus files
  spark_check.py serve DIR PORT_FILE                serve DIR over HTTP on a free port
  spark_check.py annotate INPUTS,... SPARK_OUT REF  check the RDD.pipe job against a plain scan
  spark_check.py warc SPARK_OUT REF                 check the per-WARC job against a plain scan

REF is `puffery scan --format jsonl` of the same inputs. The checks compare documents, not
timings: every field of every document result (ids, labels, scores, findings with their
offsets, links, disclosures, missing and late disclosures), error records, and the counts.
"""

import functools
import glob
import http.server
import json
import os
import sys

# Fields of a JSONL document line that say where it came from, not what puffery found.
WHERE = ("type", "id", "source", "record", "url")
TIMING = ("elapsed_s", "mb_per_s")


def fail(msg):
    print(f"spark-test: FAILED: {msg}", flush=True)
    sys.exit(1)


def fixtures(corpus, out):
    """Three JSONL files: each corpus page three times (HTML pages in `html`, text files in
    `text`, non-ASCII kept as is), plus a blank line and a line that is not JSON."""
    os.makedirs(out, exist_ok=True)
    pages = sorted(
        p for p in glob.glob(os.path.join(corpus, "*")) if p.endswith((".html", ".txt"))
    )
    files = [[] for _ in range(3)]
    n = 0
    for k in range(3):
        for p in pages:
            raw = open(p, "rb").read()
            try:
                body = raw.decode("utf-8")
            except UnicodeDecodeError:
                body = raw.decode("cp1252")
            stem = os.path.basename(p)
            doc = {"id": f"{stem}#{k}", "url": f"https://example.com/{stem}?copy={k}"}
            doc["html" if p.endswith(".html") else "text"] = body
            doc["meta"] = {"copy": k, "corpus": "puffery"}
            files[n % 3].append(json.dumps(doc, ensure_ascii=False))
            n += 1
    files[1].insert(5, "")
    files[1].insert(9, "{this line is not JSON")
    for i, lines in enumerate(files):
        with open(os.path.join(out, f"docs-{i}.jsonl"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    print(f"{sum(map(len, files))} lines in {len(files)} JSONL files ({n} documents)")


def serve(directory, port_file):
    handler = functools.partial(QuietHandler, directory=directory)
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as httpd:
        with open(port_file + ".tmp", "w") as f:
            f.write(str(httpd.server_address[1]))
        os.rename(port_file + ".tmp", port_file)
        httpd.serve_forever()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def read_ref(path):
    docs, errors, summary = {}, {}, None
    for line in open(path, encoding="utf-8"):
        o = json.loads(line)
        key = (os.path.basename(o.get("source", "")), o.get("record"))
        if o["type"] == "document":
            docs[key] = o
        elif o["type"] == "error":
            errors[key] = o
        else:
            summary = o
    return docs, errors, summary


def strip(o, drop=()):
    """The object without `drop` keys and without nulls (Spark rows have every schema field,
    null where a JSONL line leaves it out)."""
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items() if k not in drop and v is not None}
    if isinstance(o, list):
        return [strip(v) for v in o]
    return o


def check_annotate(inputs, spark_out, ref):
    docs, errors, _ = read_ref(ref)
    expected = []  # (file, line index, input line), in input order
    for path in inputs.split(","):
        for i, line in enumerate(open(path, encoding="utf-8").read().split("\n")[:-1]):
            expected.append((os.path.basename(path), i, line))
    parts = sorted(glob.glob(os.path.join(spark_out, "part-*")))
    got = []
    for p in parts:
        got += open(p, encoding="utf-8").read().split("\n")[:-1]
    if len(got) != len(expected):
        fail(f"annotate: {len(got)} output lines for {len(expected)} input lines")
    same = blank = bad = 0
    for (name, i, line), out in zip(expected, got):
        where = f"{name} line {i + 1}"
        if not line.strip():
            if out.strip():
                fail(f"annotate: {where} is blank, its output line is not: {out[:80]}")
            blank += 1
            continue
        o = json.loads(out)
        result = o.pop("puffery")
        if (name, i) in errors:
            if "error" not in result:
                fail(f"annotate: {where} is not JSON but has no puffery.error: {out[:120]}")
            bad += 1
            continue
        if o != json.loads(line):
            fail(f"annotate: {where}: the input object did not come back unchanged")
        want = docs.get((name, i))
        if want is None:
            fail(f"annotate: {where}: no document in the plain scan")
        if strip(result) != strip(want, WHERE):
            fail(f"annotate: {where} ({o.get('id')}): verdict differs from the plain scan:\n"
                 f"  spark: {json.dumps(result)[:400]}\n  plain: {json.dumps(want)[:400]}")
        same += 1
    if same != len(docs) or bad != len(errors):
        fail(f"annotate: {same} documents and {bad} errors, the plain scan has "
             f"{len(docs)} and {len(errors)}")
    labels = {}
    for d in docs.values():
        labels[d["label"]] = labels.get(d["label"], 0) + 1
    print(f"ok: {len(got)} output lines for {len(expected)} input lines in {len(parts)} part "
          f"files, in input order; {same} documents with the plain scan's verdicts "
          f"({', '.join(f'{v} {k}' for k, v in sorted(labels.items()))}); {bad} unreadable "
          f"line reported inline; {blank} blank line kept")


def check_warc(spark_out, ref):
    from pyspark.sql import SparkSession

    docs, errors, total = read_ref(ref)
    spark = (
        SparkSession.builder.master("local[1]")
        .appName("puffery-spark-test-check")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        rows = [r.asDict(recursive=True) for r in spark.read.parquet(spark_out).collect()]
    finally:
        spark.stop()
    by_type = {}
    for r in rows:
        by_type.setdefault(r["type"], []).append(r)
    got = {}
    for r in by_type.get("document", []):
        got[(os.path.basename(r["source"]), r["record"])] = r
    if len(got) != len(by_type.get("document", [])):
        fail("warc: the same (file, record) twice in the Spark output")
    if set(got) != set(docs):
        missing, extra = sorted(set(docs) - set(got))[:3], sorted(set(got) - set(docs))[:3]
        fail(f"warc: {len(got)} documents, plain scan {len(docs)}; "
             f"missing {missing}, extra {extra}")
    for key, want in docs.items():
        have = got[key]
        if have["id"] != want["id"] or have["url"] != want["url"]:
            fail(f"warc: {key}: id/url differ: {have['id']} {have['url']}")
        a, b = strip(have, WHERE), strip(want, WHERE)
        if a != b:
            diff = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
            fail(f"warc: {key}: verdict differs from the plain scan in {diff}")
    errs = {(os.path.basename(r["source"]), r["record"]): r["message"]
            for r in by_type.get("error", [])}
    if errs != {k: v["message"] for k, v in errors.items()}:
        fail(f"warc: error records differ: {errs} vs {errors}")
    summaries = by_type.get("summary", [])
    sums = {k: sum(s[k] for s in summaries) for k in
            ("documents", "errors", "promotional", "borderline", "clean", "bytes")}
    skipped = {}
    for s in summaries:
        for k, v in (s["skipped"] or {}).items():
            skipped[k] = skipped.get(k, 0) + v
    want_sums = {k: total[k] for k in sums}
    if sums != want_sums or skipped != total["skipped"]:
        fail(f"warc: per-file summaries add up to {sums} {skipped}, plain scan "
             f"{want_sums} {total['skipped']}")
    codes = sorted((os.path.basename(s["source"]), s["exit_code"]) for s in summaries)
    files = len(glob.glob(os.path.join(spark_out, "*.parquet")))
    print(f"ok: {len(summaries)} inputs in {files} Parquet files, {len(got)} documents with "
          f"the plain scan's verdicts ({sums['promotional']} promotional, "
          f"{sums['borderline']} borderline, {sums['clean']} clean), {len(errs)} error "
          f"row(s), skipped records {skipped} as in the plain scan; exit codes {codes}")


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    {"fixtures": fixtures, "serve": serve, "annotate": check_annotate, "warc": check_warc}[
        cmd
    ](*args)


if __name__ == "__main__":
    main()
