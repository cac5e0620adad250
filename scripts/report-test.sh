#!/usr/bin/env bash
# The HTML report in a real browser (issue 16). Run by .ci/run when PUFFERY_BROWSER=1.
#
# Installs Chromium from Debian if absent, renders the report of `puffery scan corpus/`
# headless, and fails when:
#   - the page logs anything to the console (it has no script; a CSP violation, a blocked
#     request or an injected script would log);
#   - a chart's SVG does not have the bars its table says (each `rect.bar` has a
#     `data-count`, and the table under the chart has the same `data-count` cells, in order);
#   - an expected chart is missing;
#   - a report built from hostile input (markup in matches, ids and URLs) has any element
#     the input smuggled in.
# It takes a screenshot (target/report-test/report.png; PUFFERY_UPDATE_SCREENSHOT=1 copies it
# to docs/report.png, the one the README shows).
#
# PUFFERY_BIN=path uses that binary instead of building target/release/puffery.
set -euo pipefail
cd "$(dirname "$0")/.."

out=target/report-test
rm -rf "$out"
mkdir -p "$out"

if ! command -v chromium > /dev/null; then
  echo "== installing chromium (apt-get)"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi
chromium --version

bin=${PUFFERY_BIN:-}
if [ -z "$bin" ]; then
  cargo build --release --locked
  bin=target/release/puffery
fi

echo "== scan corpus/ --report"
"$bin" scan corpus/ --format jsonl -o "$out/corpus.jsonl" --report "$out/report.html"
"$bin" report "$out/corpus.jsonl" -o "$out/report-from-jsonl.html"

echo "== hostile input"
python3 - "$out/hostile.jsonl" <<'EOF'
import json, sys
evil = '<script>console.error("injected")</script><img src=x onerror="console.error(1)">'
docs = []
for i in range(3):
    docs.append({
        "type": "document", "id": f'id"><script>console.error({i})</script>',
        "source": "</td></tr></table><svg onload=alert(1)>", "record": 0,
        "url": f"javascript:alert({i})//https://evil.example/?q=<b>x</b>",
        "format": "html", "bytes": 100, "score": 9.0, "label": "promotional",
        "lang": "<i>en</i>",
        "findings": [{"rule": "cta.<script>alert(1)</script>", "category": "cta<b>",
                      "start": 0, "end": 10, "match": evil}],
        "links": [{"rel": ["sponsored"], "affiliate": {"network": "<img src=x>"}}],
        "disclosures": [], "missing": [{"kind": "<u>affiliate</u>"}], "late": [],
    })
docs.append({"type": "document", "id": "ok", "url": "https://shop.<b>evil</b>.example/", "findings": []})
docs.append({"type": "error", "source": "<script>x</script>", "record": 1, "message": "<b>bad</b>"})
with open(sys.argv[1], "w") as f:
    for d in docs:
        f.write(json.dumps(d) + "\n")
EOF
"$bin" report "$out/hostile.jsonl" -o "$out/hostile.html"

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chrome() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --enable-logging=stderr --v=0 --hide-scrollbars "$@"
}

for page in report report-from-jsonl hostile; do
  echo "== render $page.html"
  chrome --dump-dom "file://$PWD/$out/$page.html" > "$out/$page.dom" 2> "$out/$page.log"
  if grep -q ":CONSOLE" "$out/$page.log"; then
    grep ":CONSOLE" "$out/$page.log"
    echo "FAIL: console messages on $page.html"
    exit 1
  fi
  test -s "$out/$page.dom" || { echo "FAIL: empty DOM for $page.html"; exit 1; }
done

echo "== charts against their tables"
python3 - "$out" <<'EOF'
import sys
from html.parser import HTMLParser

class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack = []          # open svg / table ids
        self.svgs = {}           # chart id -> (data-bars, [bar counts])
        self.tables = {}         # chart id -> [cell counts]
        self.tags = {}
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag == "svg" and "chart" in a.get("class", ""):
            self.stack.append(("svg", a["id"]))
            self.svgs[a["id"]] = (int(a["data-bars"]), [])
        elif tag == "table" and "data-chart" in a:
            self.stack.append(("table", a["data-chart"]))
            self.tables.setdefault(a["data-chart"], [])
        elif tag == "rect" and "bar" in a.get("class", "").split() and self.stack:
            kind, cid = self.stack[-1]
            assert kind == "svg", f"bar outside a chart svg"
            self.svgs[cid][1].append(int(a["data-count"]))
        elif tag == "td" and "data-count" in a and self.stack:
            kind, cid = self.stack[-1]
            self.tables[cid].append(int(a["data-count"]))
    def handle_endtag(self, tag):
        if tag in ("svg", "table") and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

def parse(name):
    p = Page()
    p.feed(open(f"{sys.argv[1]}/{name}.dom", encoding="utf-8").read())
    return p

failures = []
p = parse("report")
expected = ["chart-labels", "chart-scores", "chart-rules-cta-pages", "chart-rules-cta-findings",
            "chart-rules-claim-pages", "chart-rules-urgency-pages", "chart-networks-pages",
            "chart-networks-links", "chart-disclosures", "chart-domains", "chart-languages"]
for cid in expected:
    if cid not in p.svgs:
        failures.append(f"missing chart {cid}")
for cid, (declared, bars) in sorted(p.svgs.items()):
    cells = p.tables.get(cid)
    if cells is None:
        failures.append(f"{cid}: no table under the chart")
    elif bars != cells:
        failures.append(f"{cid}: bars {bars} but table {cells}")
    if declared != len(bars):
        failures.append(f"{cid}: data-bars={declared} but {len(bars)} bars")
    print(f"{cid}: {len(bars)} bars, match the table")
nonempty = [c for c, (_, b) in p.svgs.items() if b]
print(f"{len(p.svgs)} charts, {len(nonempty)} with bars, {sum(len(b) for _, b in p.svgs.values())} bars in all")
if p.tags.get("script"):
    failures.append("the report has a script element")

# The same report from the JSONL file: the same DOM.
if open(f"{sys.argv[1]}/report.dom").read() != open(f"{sys.argv[1]}/report-from-jsonl.dom").read():
    failures.append("scan --report and puffery report differ")

h = parse("hostile")
for tag in ("script", "img", "b", "i", "u"):
    if h.tags.get(tag):
        failures.append(f"hostile input produced {h.tags[tag]} <{tag}> element(s)")
dom = open(f"{sys.argv[1]}/hostile.dom", encoding="utf-8").read()
if 'href="javascript:' in dom:
    failures.append("hostile input produced a javascript: link")
if "<script>console.error" not in dom.replace("&lt;", "<").replace("&gt;", ">"):
    failures.append("hostile match text is not shown (as text)")

if failures:
    print("FAIL:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("ok: charts match their tables; hostile input stays text")
EOF

echo "== screenshot"
chrome --window-size=1280,1700 --screenshot="$PWD/$out/report.png" \
  "file://$PWD/$out/report.html" 2> "$out/screenshot.log" > /dev/null
test -s "$out/report.png" || { echo "FAIL: no screenshot"; exit 1; }
ls -l "$out/report.png"
if [ "${PUFFERY_UPDATE_SCREENSHOT:-}" = 1 ]; then
  cp "$out/report.png" docs/report.png
  echo "docs/report.png updated"
fi
echo "report-test: ok"
