"""Run puffery on Spark: the binary is shipped with `--files`, each task runs it as a process.

Two jobs (see docs/scale-out.md and examples/spark/README.md):

  annotate  JSONL documents through `RDD.pipe`: every input line comes back as the same JSON
            object with one key `puffery` added (`puffery scan --format annotate -j1`), one
            output line per input line, in order. Written with `saveAsTextFile`.

  warc      One task per WARC/WET/JSONL path of a paths file (cc-pyspark style): each task runs
            `puffery scan --format jsonl` on its file and the JSONL lines come back as rows
            (one per document, error and per-file summary), written as Parquet or JSON.

    spark-submit --master local[2] --files target/release/puffery \\
        examples/spark/puffery_spark.py annotate 'docs/*.jsonl' out/annotated

    spark-submit --master yarn --files puffery --conf spark.task.cpus=4 \\
        examples/spark/puffery_spark.py warc warc.paths out/puffery \\
        --prefix https://data.commoncrawl.org/ --output-format parquet

Only the standard library and pyspark are needed.
"""

import argparse
import json
import os
import shlex
import subprocess
import sys
import threading
import urllib.request

from pyspark import SparkFiles
from pyspark.sql import SparkSession

# The rows of the `warc` job: the JSONL contract (docs/contract.md), one row per line. `type` is
# `document`, `error` or `summary`; fields that a type does not have are null. Fields that
# later puffery versions add are dropped until they are added here.
SPAN = "kind STRING, reason STRING, severity STRING"
ROW_SCHEMA = ", ".join(
    [
        "type STRING",
        "source STRING",
        "record BIGINT",
        "id STRING",
        "url STRING",
        "format STRING",
        "bytes BIGINT",
        "score DOUBLE",
        "label STRING",
        "lang STRING",
        "truncated STRING",
        "findings ARRAY<STRUCT<rule STRING, category STRING, severity STRING, weight DOUBLE,"
        " start BIGINT, `end` BIGINT, char_start BIGINT, char_end BIGINT, `match` STRING,"
        " scope STRING>>",
        "links ARRAY<STRUCT<url STRING, text STRING, rel ARRAY<STRING>, start BIGINT,"
        " `end` BIGINT, hidden BOOLEAN, affiliate STRUCT<network STRING, id STRING,"
        " destination STRING, evidence STRING, confidence STRING>>>",
        "rewriters ARRAY<STRING>",
        "disclosures ARRAY<STRUCT<kind STRING, rule STRING, start BIGINT, `end` BIGINT>>",
        f"missing ARRAY<STRUCT<{SPAN}>>",
        f"late ARRAY<STRUCT<{SPAN}>>",
        "message STRING",
        "documents BIGINT",
        "errors BIGINT",
        "skipped MAP<STRING, BIGINT>",
        "promotional BIGINT",
        "borderline BIGINT",
        "clean BIGINT",
        "elapsed_s DOUBLE",
        "mb_per_s DOUBLE",
        "schema_version INT",
        "tool STRING",
        "exit_code INT",
    ]
)

# puffery's exit codes: 0 fine; 1 only with --fail-on (never here); 2 usage or rule-pack error;
# 3 some records could not be read. A 3 is not a task failure: the unreadable records are
# reported in the output itself (an error row, an annotate line with `puffery.error`).
EXIT_UNREADABLE = 3


def executor_binary(sc, name):
    """The path of the shipped binary as executors see it.

    `--files` (or `sc.addFile`) copies the file to every executor, into the directory that
    `SparkFiles.get` resolves against there: `./NAME` (the executor's working directory) on a
    cluster, a temporary directory of the driver in local mode. `RDD.pipe` takes a command
    string fixed on the driver, so ask one task for the path instead of resolving it on the
    driver, and fail early, with a clear message, when the binary was not shipped.
    """

    def probe(_):
        path = SparkFiles.get(name)
        return path, os.path.isfile(path), os.access(path, os.X_OK)

    path, exists, executable = sc.parallelize([0], 1).map(probe).first()
    if not exists:
        sys.exit(f"{name} is not on the executors: pass --files /path/to/{name} to spark-submit")
    if not executable:
        sys.exit(f"{path} is not executable on the executors")
    return path


def annotate(spark, a):
    sc = spark.sparkContext
    binary = executor_binary(sc, a.binary)
    # One puffery process per partition, one thread each (Spark runs a task per core), reading
    # JSONL on stdin and writing one line per input line, in order.
    cmd = [binary, "scan", "--format", "annotate", "-j1", "--input-format", "jsonl"]
    cmd += ["--progress", "never", *shlex.split(a.puffery_args), "-"]
    command = shlex.join(cmd)
    if not a.strict:
        # Exit 3 (some lines were not JSON) is not a task failure: each such line already has
        # its output line, with `puffery.error`. Any other non-zero code fails the task.
        command = shlex.join(
            ["sh", "-c", '"$@"; rc=$?; [ "$rc" -eq 3 ] && rc=0; exit "$rc"', "sh", *cmd]
        )
    lines = sc.textFile(a.input, minPartitions=a.partitions)
    # checkCode=True: a crash or a usage error fails the task instead of losing lines quietly.
    # Findings never change the exit code (--fail-on never is the default).
    out = lines.pipe(command, checkCode=True)
    out.saveAsTextFile(a.output, compressionCodecClass=a.codec)


def open_input(path, prefix):
    """(argument for puffery, stream to copy to its stdin or None) for one path."""
    if prefix and "://" not in path and not os.path.isabs(path):
        path = prefix + path
    if path.startswith(("http://", "https://")):
        return "-", urllib.request.urlopen(path, timeout=600)
    if path.startswith("file://"):
        return path[len("file://") :], None
    if path.startswith("file:"):
        return path[len("file:") :], None
    return path, None


def scan_file(binary, path, threads, prefix, extra):
    """Runs puffery on one input and yields its JSONL lines, each with `source` set to `path`
    and the summary line with the exit code added."""
    arg, stream = open_input(path, prefix)
    cmd = [binary, "scan", "--format", "jsonl", "-j", str(threads), "--progress", "never"]
    cmd += [*extra, arg]
    proc = subprocess.Popen(
        cmd, stdin=subprocess.PIPE if stream else subprocess.DEVNULL, stdout=subprocess.PIPE
    )
    feeder = None
    if stream:
        # A remote file streams into puffery's stdin (its format is sniffed: gzip, WARC).
        def feed():
            try:
                with stream:
                    while chunk := stream.read(1 << 20):
                        proc.stdin.write(chunk)
            except BrokenPipeError:
                pass
            finally:
                try:
                    proc.stdin.close()
                except BrokenPipeError:
                    pass

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
    summary = None
    for line in proc.stdout:
        obj = json.loads(line)
        obj["source"] = path
        if obj.get("type") == "summary":
            summary = obj
            continue
        yield json.dumps(obj, ensure_ascii=False)
    code = proc.wait()
    if feeder:
        feeder.join()
    if code not in (0, EXIT_UNREADABLE) or summary is None:
        raise RuntimeError(f"puffery exited with {code} on {path}: {shlex.join(cmd)}")
    summary["exit_code"] = code
    yield json.dumps(summary, ensure_ascii=False)


def warc(spark, a):
    sc = spark.sparkContext
    paths = [p.strip() for p in sc.textFile(a.paths_file).collect()]
    paths = [p for p in paths if p and not p.startswith("#")]
    if not paths:
        sys.exit(f"{a.paths_file}: no paths")
    threads = a.threads or int(sc.getConf().get("spark.task.cpus", "1"))
    name, prefix, extra = a.binary, a.prefix, shlex.split(a.puffery_args)

    def process(part):
        binary = SparkFiles.get(name)  # resolved on the executor
        for path in part:
            yield from scan_file(binary, path, threads, prefix, extra)

    # One partition per path: one task per file, retried alone if it fails.
    lines = sc.parallelize(paths, a.partitions or len(paths)).mapPartitions(process)
    rows = spark.read.schema(ROW_SCHEMA).json(lines)
    writer = rows.write.mode(a.mode)
    if a.output_format == "parquet":
        writer.parquet(a.output)
    else:
        writer.option("compression", a.codec_name).json(a.output)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--binary", default="puffery", help="name of the file shipped with --files")
    p.add_argument(
        "--puffery-args",
        default="",
        help="more scan options, with '=': --puffery-args='--select cta,claim'",
    )
    sub = p.add_subparsers(dest="job", required=True)

    j = sub.add_parser("annotate", help="JSONL lines through RDD.pipe (--format annotate)")
    j.add_argument("input", help="JSONL file(s), a directory or a glob (any Hadoop path)")
    j.add_argument("output", help="output directory (saveAsTextFile)")
    j.add_argument("--partitions", type=int, default=None, help="minPartitions of textFile")
    j.add_argument("--strict", action="store_true", help="fail the task on unreadable lines")
    j.add_argument("--gzip", action="store_true", help="write part files gzip-compressed")

    w = sub.add_parser("warc", help="one task per path of a paths file, rows to Parquet/JSON")
    w.add_argument("paths_file", help="one input path or URL per line (Common Crawl *.paths)")
    w.add_argument("output", help="output directory")
    w.add_argument("--prefix", default="", help="prepended to relative paths, e.g. https://data.commoncrawl.org/")
    w.add_argument("--output-format", choices=["parquet", "json"], default="parquet")
    w.add_argument("--threads", type=int, default=0, help="puffery -j (default: spark.task.cpus)")
    w.add_argument("--partitions", type=int, default=0, help="default: one per path")
    w.add_argument("--mode", default="errorifexists", help="DataFrame write mode")
    w.add_argument("--gzip", action="store_true", help="gzip the JSON output")

    a = p.parse_args(argv)
    a.codec = "org.apache.hadoop.io.compress.GzipCodec" if a.gzip else None
    a.codec_name = "gzip" if a.gzip else "none"
    return a


def main(argv=None):
    a = parse_args(argv)
    spark = SparkSession.builder.appName(f"puffery-{a.job}").getOrCreate()
    try:
        {"annotate": annotate, "warc": warc}[a.job](spark, a)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
