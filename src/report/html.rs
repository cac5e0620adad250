//! The HTML page of a [`Report`]: inline SVG charts, each followed by a table with the same
//! numbers. No script, no external resource (a Content-Security-Policy forbids both).
//!
//! Every bar is a `rect class="bar"` with `data-count`; the table under its chart has one
//! `td` with the same `data-count`, in the same order (the browser test compares them).

use std::borrow::Cow;
use std::fmt::Write as _;

use super::{HIST_MAX, Report, thousands as num};
use crate::kinds::Label;

/// Escapes text for HTML element content and quoted attribute values: `& < > " '`; control
/// characters other than tab and newline become U+FFFD.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| {
        matches!(c, '&' | '<' | '>' | '"' | '\'') || (c.is_control() && c != '\t' && c != '\n')
    }) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\t' && c != '\n' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn e(s: &str) -> Cow<'_, str> {
    escape(s)
}

fn pct(part: u64, whole: u64) -> String {
    if whole == 0 {
        "0.0 %".into()
    } else {
        format!("{:.1} %", part as f64 * 100.0 / whole as f64)
    }
}

fn bytes_h(b: u64) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1000.0 && u < units.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{b} B")
    } else {
        format!("{v:.1} {}", units[u])
    }
}

fn clip(s: &str, max: usize) -> String {
    super::clip(s, max)
}

/// One bar of a horizontal chart.
struct Bar {
    label: String,
    /// Length, in the chart's unit.
    value: f64,
    /// The integer the table shows for it.
    count: u64,
    /// Text beside the bar.
    text: String,
    class: &'static str,
}

/// A table cell; `count` marks the cell that a bar stands for.
struct Cell {
    text: String,
    count: Option<u64>,
}

fn c(text: impl Into<String>) -> Cell {
    Cell {
        text: text.into(),
        count: None,
    }
}

fn n(count: u64, text: impl Into<String>) -> Cell {
    Cell {
        text: text.into(),
        count: Some(count),
    }
}

const LABEL_W: f64 = 200.0;
const PLOT_W: f64 = 250.0;
const ROW_H: f64 = 22.0;

/// A horizontal bar chart: one row per bar, scaled to the largest value (or to `max`).
fn hbars(out: &mut String, id: &str, title: &str, bars: &[Bar], max: Option<f64>) {
    let width = LABEL_W + PLOT_W + 90.0;
    let height = bars.len().max(1) as f64 * ROW_H + 8.0;
    let max = max
        .unwrap_or_else(|| bars.iter().map(|b| b.value).fold(0.0, f64::max))
        .max(f64::MIN_POSITIVE);
    let _ = write!(
        out,
        r#"<svg class="chart" id="{id}" data-bars="{}" role="img" aria-labelledby="{id}-t" viewBox="0 0 {width} {height}" width="{width}" height="{height}"><title id="{id}-t">{}</title>"#,
        bars.len(),
        e(title)
    );
    if bars.is_empty() {
        let _ = write!(
            out,
            r#"<text x="8" y="18" class="empty">nothing to show</text>"#
        );
    }
    for (i, b) in bars.iter().enumerate() {
        let y = i as f64 * ROW_H + 4.0;
        let w = (b.value / max * PLOT_W).max(if b.value > 0.0 { 1.5 } else { 0.0 });
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" class="lab" text-anchor="end">{}<title>{}</title></text><rect class="bar {}" data-count="{}" x="{LABEL_W}" y="{y}" width="{w:.1}" height="{}" rx="2"><title>{}: {}</title></rect><text x="{:.1}" y="{}" class="val">{}</text>"#,
            LABEL_W - 8.0,
            y + 14.0,
            e(&clip(&b.label, 32)),
            e(&b.label),
            b.class,
            b.count,
            ROW_H - 6.0,
            e(&b.label),
            e(&b.text),
            LABEL_W + w + 6.0,
            y + 14.0,
            e(&b.text)
        );
    }
    out.push_str("</svg>\n");
}

/// A horizontal chart of stacked segments: one row per entry, segments left to right.
fn stacked(out: &mut String, id: &str, title: &str, rows: &[(String, Vec<Bar>)], label_w: f64) {
    let width = label_w + PLOT_W + 60.0;
    let height = rows.len().max(1) as f64 * (ROW_H + 6.0) + 8.0;
    let nbars: usize = rows.iter().map(|(_, b)| b.len()).sum();
    let max = rows
        .iter()
        .map(|(_, bars)| bars.iter().map(|b| b.value).sum::<f64>())
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let _ = write!(
        out,
        r#"<svg class="chart" id="{id}" data-bars="{nbars}" role="img" aria-labelledby="{id}-t" viewBox="0 0 {width} {height}" width="{width}" height="{height}"><title id="{id}-t">{}</title>"#,
        e(title)
    );
    if rows.is_empty() {
        out.push_str(r#"<text x="8" y="18" class="empty">nothing to show</text>"#);
    }
    for (i, (label, bars)) in rows.iter().enumerate() {
        let y = i as f64 * (ROW_H + 6.0) + 4.0;
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" class="lab" text-anchor="end">{}</text>"#,
            label_w - 8.0,
            y + 15.0,
            e(label)
        );
        let mut x = label_w;
        for b in bars {
            let w = b.value / max * PLOT_W;
            let _ = write!(
                out,
                r#"<rect class="bar {}" data-count="{}" x="{x:.1}" y="{y}" width="{w:.1}" height="{}"><title>{}: {}</title></rect>"#,
                b.class,
                b.count,
                ROW_H,
                e(&b.label),
                e(&b.text)
            );
            x += w;
        }
        let total: u64 = bars.iter().map(|b| b.count).sum();
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{}" class="val">{}</text>"#,
            x + 6.0,
            y + 15.0,
            num(total)
        );
    }
    out.push_str("</svg>\n");
}

fn table(out: &mut String, id: &str, head: &[&str], rows: &[Vec<Cell>]) {
    let _ = write!(out, r#"<table class="data" data-chart="{id}"><thead><tr>"#);
    for (i, h) in head.iter().enumerate() {
        let class = if i == 0 { "" } else { r#" class="num""# };
        let _ = write!(out, "<th{class}>{}</th>", e(h));
    }
    out.push_str("</tr></thead><tbody>");
    if rows.is_empty() {
        let _ = write!(
            out,
            r#"<tr><td colspan="{}" class="none">none</td></tr>"#,
            head.len()
        );
    }
    for row in rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let class = if i == 0 { "" } else { r#" class="num""# };
            match cell.count {
                Some(k) => {
                    let _ = write!(out, r#"<td{class} data-count="{k}">{}</td>"#, e(&cell.text));
                }
                None => {
                    let _ = write!(out, "<td{class}>{}</td>", e(&cell.text));
                }
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>\n");
}

/// 1, 2 or 5 times a power of ten, at least `x` (and at least 1).
fn nice_step(x: f64) -> f64 {
    let x = x.max(1.0);
    let p = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|s| *s >= x)
        .unwrap_or(10.0 * p)
}

/// The score bins shown, labelled, with their counts: below 0 (if any), 0 up to past the
/// threshold and the last used bin, and the overflow bin if used. The second value is the
/// index of the first bin shown (0 when the "< 0" bin is).
fn score_bins(r: &Report) -> (Vec<(String, u64)>, usize) {
    let last_used = r.hist.iter().rposition(|&k| k > 0).unwrap_or(0);
    let thr_bin = 1 + (r.opts.threshold.max(0.0).floor() as usize).min(HIST_MAX);
    let upper = last_used.max(thr_bin + 2).min(HIST_MAX + 1);
    let first = if r.hist[0] > 0 { 0 } else { 1 };
    let bins = (first..=upper)
        .map(|i| {
            let label = match i {
                0 => "< 0".to_string(),
                i if i == HIST_MAX + 1 => format!("≥ {HIST_MAX}"),
                i => format!("{}–{}", i - 1, i),
            };
            (label, r.hist[i])
        })
        .collect();
    (bins, first)
}

/// The x-axis label of a bin at `x` (width `bw`): numeric bins at their left edge (a score
/// boundary), every `xstep`; the open bins at the ends in their middle, on a lower row.
/// Returns the text, its x and its row offset.
fn bin_tick(label: &str, x: f64, bw: f64, xstep: usize) -> Option<(String, f64, f64)> {
    if label.starts_with('<') || label.starts_with('≥') {
        Some((label.to_string(), x + bw / 2.0, 28.0))
    } else {
        let edge = label.split('–').next().unwrap_or(label);
        let lo: usize = edge.parse().unwrap_or(1);
        (lo % xstep == 0).then(|| (edge.to_string(), x, 16.0))
    }
}

/// A vertical histogram of scores with the threshold marked.
fn histogram(out: &mut String, r: &Report) -> Vec<(String, u64)> {
    let (bins, first) = score_bins(r);
    let (w, h, left, bottom, top) = (720.0, 250.0, 48.0, 34.0, 16.0);
    let plot_w = w - left - 12.0;
    let plot_h = h - bottom - top;
    let bw = plot_w / bins.len() as f64;
    let top_count = bins.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let ystep = nice_step(top_count as f64 / 4.0);
    let max = (top_count as f64 / ystep).ceil() * ystep;
    let ticks = (max / ystep).round() as usize;
    let _ = write!(
        out,
        r#"<svg class="chart" id="chart-scores" data-bars="{}" role="img" aria-labelledby="chart-scores-t" viewBox="0 0 {w} {h}" width="{w}" height="{h}"><title id="chart-scores-t">Documents per score, threshold {}</title>"#,
        bins.len(),
        r.opts.threshold
    );
    // Axis and grid: 4 horizontal lines.
    for k in 0..=ticks {
        let v = ystep * k as f64;
        let y = top + plot_h - plot_h * v / max;
        let _ = write!(
            out,
            r#"<line class="grid" x1="{left}" x2="{}" y1="{y:.1}" y2="{y:.1}"/><text class="axis" x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
            w - 12.0,
            left - 6.0,
            y + 4.0,
            num(v.round() as u64)
        );
    }
    for (i, (label, k)) in bins.iter().enumerate() {
        let x = left + i as f64 * bw;
        let bh = *k as f64 / max * plot_h;
        let lo = if first == 0 { i as f64 - 1.0 } else { i as f64 };
        let class = if lo >= r.opts.threshold.floor() && lo >= 0.0 {
            "c-red"
        } else {
            "c-blue"
        };
        let _ = write!(
            out,
            r#"<rect class="bar {class}" data-count="{k}" x="{:.1}" y="{:.1}" width="{:.1}" height="{bh:.1}"><title>score {}: {} documents</title></rect>"#,
            x + 1.0,
            top + plot_h - bh,
            (bw - 2.0).max(1.0),
            e(label),
            num(*k)
        );
        let xstep = (nice_step(bins.len() as f64 / 12.0) as usize).max(1);
        if let Some((t, at, row)) = bin_tick(label, x, bw, xstep) {
            let _ = write!(
                out,
                r#"<text class="axis" x="{at:.1}" y="{}" text-anchor="middle">{}</text>"#,
                h - bottom + row,
                e(&t)
            );
        }
    }
    // The threshold: a dashed line at its score.
    let offset = if first == 0 { 1.0 } else { 0.0 };
    let tx = left + (r.opts.threshold.max(0.0) + offset) * bw;
    let _ = write!(
        out,
        r#"<line class="threshold" x1="{tx:.1}" x2="{tx:.1}" y1="{}" y2="{}"/><text class="thr" x="{:.1}" y="{}">threshold {}</text><text class="axis" x="{}" y="{}" text-anchor="middle">score</text>"#,
        top - 4.0,
        top + plot_h,
        tx + 4.0,
        top + 8.0,
        r.opts.threshold,
        left + plot_w / 2.0,
        h - 4.0
    );
    out.push_str("</svg>\n");
    bins
}

const CSS: &str = r#"
:root{--fg:#1d2430;--muted:#5b6575;--line:#dde2ea;--bg:#f6f7f9;--card:#fff;--blue:#3b6ea5;--red:#c0392b;--amber:#d99a00;--green:#2e8b57;--grey:#9aa3af;--teal:#2a9d8f}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--fg);background:var(--bg)}
header{background:#1d2430;color:#fff;padding:18px 32px}
header h1{margin:0;font-size:22px;font-weight:600}
header p{margin:4px 0 0;color:#c9d1dc}
main{max-width:1180px;margin:0 auto;padding:20px 24px 40px}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin:16px 0;min-width:0}
.row table.data{width:100%}
h2{font-size:18px;margin:0 0 4px}
h3{font-size:15px;margin:12px 0 4px}
p.note{color:var(--muted);margin:2px 0 10px}
.row{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,3fr);gap:0 16px}
@media (max-width:900px){.row{grid-template-columns:1fr}}
.split{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:8px 24px;align-items:start}
.split table.data{width:100%;margin-top:0}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px}
.card .k{font-size:24px;font-weight:650}
.card .l{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card.red .k{color:var(--red)}.card.amber .k{color:var(--amber)}.card.green .k{color:var(--green)}
.pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:8px 24px}
svg.chart{max-width:100%;height:auto;display:block;margin:6px 0}
svg text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;fill:var(--fg)}
svg text.val,svg text.axis{fill:var(--muted)}
svg text.thr{fill:var(--red);font-weight:600}
svg .grid{stroke:var(--line)}
svg .threshold{stroke:var(--red);stroke-width:2;stroke-dasharray:5 4}
.c-blue{fill:var(--blue)}.c-red{fill:var(--red)}.c-amber{fill:var(--amber)}.c-green{fill:var(--green)}.c-grey{fill:var(--grey)}.c-teal{fill:var(--teal)}
table.data{border-collapse:collapse;margin:4px 0 14px;font-size:13px;min-width:50%}
table.data th,table.data td{border-bottom:1px solid var(--line);padding:3px 10px;text-align:left;vertical-align:top}
table.data th{background:#f0f2f5;font-weight:600}
table.data .num{text-align:right;font-variant-numeric:tabular-nums}
table.data td.none{color:var(--muted)}
details{margin:4px 0}
summary{cursor:pointer;color:var(--muted)}
.legend span{display:inline-block;margin-right:14px;color:var(--muted)}
.legend .sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.ex{margin:6px 0 12px;padding:0;list-style:none}
.ex li{border-left:3px solid var(--line);padding:4px 10px;margin:6px 0}
.ex q{quotes:none;color:var(--fg)}
.ex mark{background:#ffe9a8;padding:0 2px;border-radius:2px}
.ex .where{display:block;color:var(--muted);font-size:12px;word-break:break-all}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
footer{color:var(--muted);text-align:center;font-size:12px;padding:10px}
"#;

fn legend(out: &mut String, items: &[(&str, &str)]) {
    out.push_str(r#"<p class="legend">"#);
    for (var, text) in items {
        let _ = write!(
            out,
            r#"<span><span class="sw" style="background:var(--{var})"></span>{}</span>"#,
            e(text)
        );
    }
    out.push_str("</p>\n");
}

fn category_order(cat: &str) -> (usize, &str) {
    let rank = [
        "cta",
        "claim",
        "urgency",
        "affiliate",
        "disclosure",
        "negation",
        "context",
    ]
    .iter()
    .position(|c| *c == cat)
    .unwrap_or(5);
    (rank, cat)
}

fn category_title(cat: &str) -> String {
    match cat {
        "cta" => "Calls to action (cta)".into(),
        "claim" => "Claims (claim)".into(),
        "urgency" => "Urgency (urgency)".into(),
        "disclosure" => "Disclosures found (disclosure)".into(),
        "context" => "Context markers (context)".into(),
        "negation" => "Negations (negation)".into(),
        other => format!("Category {other}"),
    }
}

/// Two rankings side by side of `(name, pages, other)` items: by pages and by the other
/// count (findings, links), each a chart with its table. Returns the names ranked by pages.
fn ranked_pair<'a>(
    o: &mut String,
    id: &str,
    title: &str,
    (name, other): (&str, &str),
    mut items: Vec<(&'a str, u64, u64)>,
    docs: u64,
    top: usize,
) -> Vec<&'a str> {
    let mut by_pages = Vec::new();
    for (by_other, by) in [(false, "pages"), (true, other)] {
        let key = |x: &(&str, u64, u64)| if by_other { (x.2, x.1) } else { (x.1, x.2) };
        items.sort_by(|a, b| key(b).cmp(&key(a)).then(a.0.cmp(b.0)));
        let shown = &items[..items.len().min(top)];
        if !by_other {
            by_pages = shown.iter().map(|x| x.0).collect();
        }
        let chart = format!("{id}-{by}");
        let bars: Vec<Bar> = shown
            .iter()
            .map(|x| {
                let count = if by_other { x.2 } else { x.1 };
                Bar {
                    label: x.0.to_string(),
                    value: count as f64,
                    count,
                    text: if by_other {
                        num(count)
                    } else {
                        format!("{} ({})", num(count), pct(count, docs))
                    },
                    class: if by_other { "c-teal" } else { "c-blue" },
                }
            })
            .collect();
        let _ = write!(o, r#"<div><p class="note">by {}</p>"#, e(by));
        hbars(o, &chart, &format!("{title} by {by}"), &bars, None);
        let rows: Vec<Vec<Cell>> = shown
            .iter()
            .map(|x| {
                let pages = num(x.1);
                let more = num(x.2);
                if by_other {
                    vec![c(x.0), c(pages), c(pct(x.1, docs)), n(x.2, more)]
                } else {
                    vec![c(x.0), n(x.1, pages), c(pct(x.1, docs)), c(more)]
                }
            })
            .collect();
        table(o, &chart, &[name, "pages", "of documents", other], &rows);
        o.push_str("</div>");
    }
    by_pages
}

/// Safe link target: only http(s) URLs become links.
fn href(url: &str) -> Option<&str> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://")).then_some(url)
}

/// Renders the whole page.
pub(super) fn render(r: &Report) -> String {
    let mut o = String::with_capacity(64 << 10);
    let o = &mut o;
    head(o, r);
    totals(o, r);
    o.push_str(r#"<div class="row">"#);
    labels(o, r);
    scores(o, r);
    o.push_str("</div>\n");
    let shown_rules = rules(o, r);
    networks(o, r);
    disclosures(o, r);
    domains(o, r);
    languages(o, r);
    examples(o, r, &shown_rules);
    let _ = writeln!(
        o,
        "</main><footer>Made by puffery {} · self-contained: no script, no network.</footer></body></html>",
        env!("CARGO_PKG_VERSION")
    );
    std::mem::take(o)
}

/// The label counts: promotional, borderline, clean.
fn label_counts(r: &Report) -> (u64, u64, u64) {
    let label = |l: Label| r.labels.get(l.as_str()).copied().unwrap_or(0);
    (
        label(Label::Promotional),
        label(Label::Borderline),
        label(Label::Clean),
    )
}

/// The document head and the page header.
fn head(o: &mut String, r: &Report) {
    let _ = write!(
        o,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="puffery {}">
<title>{}</title><style>{CSS}</style></head><body>
<header><h1>{}</h1><p>{} documents scanned, {} of text, by puffery {}. Promotional threshold: score {}.</p></header>
<main>
"#,
        env!("CARGO_PKG_VERSION"),
        e(&r.opts.title),
        e(&r.opts.title),
        num(r.documents),
        bytes_h(r.bytes),
        env!("CARGO_PKG_VERSION"),
        r.opts.threshold
    );
}

/// The totals: cards, the counts table, the first unreadable records.
fn totals(o: &mut String, r: &Report) {
    let docs = r.documents;
    let (promo, border, clean) = label_counts(r);
    let skipped: u64 = r.skipped.values().sum();
    o.push_str(r#"<section id="totals"><h2>Totals</h2><div class="split"><div class="cards">"#);
    for (k, l, class) in [
        (num(docs), "documents", ""),
        (pct(promo, docs), "promotional", "red"),
        (pct(border, docs), "borderline", "amber"),
        (pct(clean, docs), "clean", "green"),
        (num(r.errors), "unreadable records", ""),
        (num(skipped), "skipped records", ""),
        (bytes_h(r.bytes), "scanned", ""),
        (
            pct(r.affiliate_pages, docs),
            "pages with affiliate links",
            "",
        ),
    ] {
        let _ = write!(
            o,
            r#"<div class="card {class}"><div class="k">{}</div><div class="l">{}</div></div>"#,
            e(&k),
            e(l)
        );
    }
    o.push_str("</div>\n");
    let mut rows = vec![
        vec![c("documents"), c(num(docs))],
        vec![c("unreadable records (errors)"), c(num(r.errors))],
    ];
    for (reason, k) in &r.skipped {
        rows.push(vec![c(format!("skipped: {reason}")), c(num(*k))]);
    }
    rows.push(vec![c("bytes scanned"), c(num(r.bytes))]);
    for (f, k) in &r.formats {
        rows.push(vec![c(format!("format: {f}")), c(num(*k))]);
    }
    rows.push(vec![
        c("pages with visible affiliate links"),
        c(num(r.affiliate_pages)),
    ]);
    rows.push(vec![c("documents without a URL"), c(num(r.no_url))]);
    rows.push(vec![
        c("scan outputs read (summary lines)"),
        c(num(r.summaries)),
    ]);
    if r.bad_lines > 0 {
        rows.push(vec![
            c("input lines that were not puffery JSONL"),
            c(num(r.bad_lines)),
        ]);
    }
    table(o, "totals", &["", "count"], &rows);
    o.push_str("</div>");
    if !r.error_samples.is_empty() {
        let _ = write!(
            o,
            "<details><summary>First {} unreadable records</summary>",
            r.error_samples.len()
        );
        let rows: Vec<Vec<Cell>> = r
            .error_samples
            .iter()
            .map(|(s, rec, m)| vec![c(s.clone()), c(rec.to_string()), c(m.clone())])
            .collect();
        table(o, "errors", &["source", "record", "message"], &rows);
        o.push_str("</details>");
    }
    o.push_str("</section>\n");
}

/// A label's colour in cards, legends and bars.
fn label_colour(l: Label) -> (&'static str, &'static str) {
    match l {
        Label::Promotional => ("red", "c-red"),
        Label::Borderline => ("amber", "c-amber"),
        Label::Clean => ("green", "c-green"),
    }
}

/// Documents per label.
fn labels(o: &mut String, r: &Report) {
    let docs = r.documents;
    let count = |l: Label| r.labels.get(l.as_str()).copied().unwrap_or(0);
    o.push_str(
        r#"<section id="labels"><h2>Labels</h2><p class="note">Share of documents per label.</p>"#,
    );
    let label_bars = Label::ALL
        .iter()
        .map(|&l| Bar {
            label: l.to_string(),
            value: count(l) as f64,
            count: count(l),
            text: pct(count(l), docs),
            class: label_colour(l).1,
        })
        .collect();
    let items: Vec<(&str, &str)> = Label::ALL
        .iter()
        .map(|&l| (label_colour(l).0, l.as_str()))
        .collect();
    legend(o, &items);
    stacked(
        o,
        "chart-labels",
        "Documents per label",
        &[("documents".into(), label_bars)],
        80.0,
    );
    let rows: Vec<Vec<Cell>> = Label::ALL
        .iter()
        .map(|&l| {
            let k = count(l);
            vec![c(l.as_str()), n(k, num(k)), c(pct(k, docs))]
        })
        .collect();
    table(o, "chart-labels", &["label", "documents", "share"], &rows);
    o.push_str("</section>\n");
}

/// Documents per score.
fn scores(o: &mut String, r: &Report) {
    let docs = r.documents;
    let _ = write!(
        o,
        r#"<section id="scores"><h2>Scores</h2><p class="note">Documents per score (bins of 1); bars at or above the threshold ({}) are red. Highest score: {}.</p>"#,
        r.opts.threshold, r.max_score
    );
    let bins = histogram(o, r);
    o.push_str("<details><summary>Table</summary>");
    let rows: Vec<Vec<Cell>> = bins
        .iter()
        .map(|(l, k)| vec![c(l.clone()), n(*k, num(*k)), c(pct(*k, docs))])
        .collect();
    table(o, "chart-scores", &["score", "documents", "share"], &rows);
    o.push_str("</details></section>");
}

/// The top rules per category; returns the rules shown, whose examples follow.
fn rules<'r>(o: &mut String, r: &'r Report) -> Vec<&'r str> {
    let docs = r.documents;
    let mut cats: Vec<&str> = r.rules.values().map(|s| s.category.as_str()).collect();
    cats.sort_by_key(|c| category_order(c));
    cats.dedup();
    let mut shown_rules: Vec<&str> = Vec::new();
    o.push_str(r#"<section id="rules"><h2>Rules</h2><p class="note">Top rules per category, by pages (documents with at least one finding) and by findings.</p>"#);
    if cats.is_empty() {
        o.push_str(r#"<p class="note">No findings.</p>"#);
    }
    for cat in cats {
        let rules: Vec<(&str, &super::RuleStat)> = r
            .rules
            .iter()
            .filter(|(_, s)| s.category == cat)
            .map(|(k, s)| (k.as_str(), s))
            .collect();
        let total_rules = rules.len();
        let _ = write!(
            o,
            r#"<h3 id="cat-{}">{}</h3><p class="note">{} rules fired.</p><div class="pair">"#,
            e(cat),
            e(&category_title(cat)),
            total_rules
        );
        let items: Vec<(&str, u64, u64)> = rules
            .iter()
            .map(|(k, s)| (*k, s.pages, s.findings))
            .collect();
        let top = ranked_pair(
            o,
            &format!("chart-rules-{cat}"),
            &format!("{cat} rules"),
            ("rule", "findings"),
            items,
            docs,
            r.opts.top,
        );
        shown_rules.extend(top);
        o.push_str("</div>\n");
    }
    o.push_str("</section>\n");

    shown_rules
}

/// Affiliate networks.
fn networks(o: &mut String, r: &Report) {
    let docs = r.documents;
    let _ = write!(
        o,
        r#"<section id="networks"><h2>Affiliate networks</h2><p class="note">Visible affiliate links (confirmed or likely) per network. {} of documents ({}) have at least one.</p><div class="pair">"#,
        pct(r.affiliate_pages, docs),
        num(r.affiliate_pages)
    );
    let nets: Vec<(&str, u64, u64)> = r
        .networks
        .iter()
        .map(|(k, s)| (k.as_str(), s.pages, s.links))
        .collect();
    ranked_pair(
        o,
        "chart-networks",
        "Affiliate networks",
        ("network", "links"),
        nets,
        docs,
        r.opts.top,
    );
    o.push_str("</div></section>\n");
}

/// Disclosure compliance per kind.
fn disclosures(o: &mut String, r: &Report) {
    o.push_str(r#"<section id="disclosures"><h2>Disclosure compliance</h2><p class="note">Per kind: documents that owe the disclosure (it is missing or late, or its trigger is there: affiliate links, <code>rel=sponsored</code> links, health claims, health claims on a supplement page), split into disclosed in time, late, and missing.</p>"#);
    legend(
        o,
        &[("green", "in time"), ("amber", "late"), ("red", "missing")],
    );
    let kinds: Vec<(&String, &super::KindStat)> = r
        .disclosure
        .iter()
        .filter(|(_, s)| s.needed > 0 || s.present > 0)
        .collect();
    let rows_svg: Vec<(String, Vec<Bar>)> = kinds
        .iter()
        .map(|(k, s)| {
            let seg = |label: &str, count: u64, class| Bar {
                label: format!("{k} {label}"),
                value: count as f64,
                count,
                text: format!("{} ({})", num(count), pct(count, s.needed)),
                class,
            };
            (
                k.to_string(),
                vec![
                    seg("in time", s.on_time, "c-green"),
                    seg("late", s.late, "c-amber"),
                    seg("missing", s.missing, "c-red"),
                ],
            )
        })
        .collect();
    stacked(
        o,
        "chart-disclosures",
        "Disclosure compliance per kind",
        &rows_svg,
        LABEL_W,
    );
    let rows: Vec<Vec<Cell>> = kinds
        .iter()
        .map(|(k, s)| {
            vec![
                c(k.as_str()),
                c(num(s.needed)),
                n(s.on_time, num(s.on_time)),
                n(s.late, num(s.late)),
                n(s.missing, num(s.missing)),
                c(pct(s.missing + s.late, s.needed)),
                c(num(s.present)),
            ]
        })
        .collect();
    table(
        o,
        "chart-disclosures",
        &[
            "kind",
            "needed",
            "in time",
            "late",
            "missing",
            "not compliant",
            "pages disclosing",
        ],
        &rows,
    );
    o.push_str("</section>\n");
}

/// Domains by promotional share.
fn domains(o: &mut String, r: &Report) {
    let mut doms: Vec<(&str, u64, u64)> = r.domains.iter().collect();
    let mut min = r.opts.min_domain_pages;
    if !doms.iter().any(|d| d.1 >= min) {
        min = 1;
    }
    doms.retain(|d| d.1 >= min);
    doms.sort_by(|a, b| {
        let (sa, sb) = (a.2 as f64 / a.1 as f64, b.2 as f64 / b.1 as f64);
        sb.total_cmp(&sa).then(b.1.cmp(&a.1)).then(a.0.cmp(b.0))
    });
    doms.truncate(r.opts.top);
    let _ = write!(
        o,
        r#"<section id="domains"><h2>Domains by promotional share</h2><p class="note">Registrable domain of each document's URL; domains with at least {min} pages, ranked by the share of their pages labelled promotional. {} documents had no URL.{}</p>"#,
        num(r.no_url),
        if r.domains.pruned > 0 {
            format!(
                " Many domains: {} rare domains were dropped while counting, so counts are lower bounds.",
                num(r.domains.pruned)
            )
        } else {
            String::new()
        }
    );
    let bars: Vec<Bar> = doms
        .iter()
        .map(|(d, p, q)| Bar {
            label: d.to_string(),
            value: *q as f64 / *p as f64,
            count: *q,
            text: format!("{} of {}", pct(*q, *p), num(*p)),
            class: "c-red",
        })
        .collect();
    hbars(
        o,
        "chart-domains",
        "Domains by promotional share",
        &bars,
        Some(1.0),
    );
    let rows: Vec<Vec<Cell>> = doms
        .iter()
        .map(|(d, p, q)| vec![c(*d), c(num(*p)), n(*q, num(*q)), c(pct(*q, *p))])
        .collect();
    table(
        o,
        "chart-domains",
        &["domain", "pages", "promotional", "share"],
        &rows,
    );
    o.push_str("</section>\n");
}

/// Documents per language.
fn languages(o: &mut String, r: &Report) {
    let docs = r.documents;
    let mut langs: Vec<(&String, &u64)> = r.langs.iter().collect();
    langs.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    langs.truncate(r.opts.top);
    o.push_str(r#"<section id="languages"><h2>Languages</h2><p class="note">The language rules were selected for (declared by the page, the container or <code>--lang</code>); <em>(unknown)</em> when nothing said.</p>"#);
    let bars: Vec<Bar> = langs
        .iter()
        .map(|(l, k)| Bar {
            label: l.to_string(),
            value: **k as f64,
            count: **k,
            text: pct(**k, docs),
            class: "c-blue",
        })
        .collect();
    hbars(o, "chart-languages", "Documents per language", &bars, None);
    let rows: Vec<Vec<Cell>> = langs
        .iter()
        .map(|(l, k)| vec![c(l.as_str()), n(**k, num(**k)), c(pct(**k, docs))])
        .collect();
    table(
        o,
        "chart-languages",
        &["language", "documents", "share"],
        &rows,
    );
    o.push_str("</section>\n");
}

/// Examples of the rules shown, in context.
fn examples(o: &mut String, r: &Report, shown_rules: &[&str]) {
    o.push_str(r#"<section id="examples"><h2>Examples</h2><p class="note">For each top rule, up to 5 pages (a uniform sample), the match highlighted in its context.</p>"#);
    for rule in shown_rules {
        let s = &r.rules[*rule];
        let _ = write!(
            o,
            r#"<h3 id="ex-{}">{} <small>({} pages, {} findings)</small></h3><ul class="ex">"#,
            e(rule),
            e(rule),
            num(s.pages),
            num(s.findings)
        );
        for ex in &s.examples {
            let _ = write!(
                o,
                "<li><q>{}<mark>{}</mark>{}</q><span class=\"where\">",
                e(&ex.before),
                e(&ex.matched),
                e(&ex.after)
            );
            if let Some(u) = ex.url.as_deref() {
                match href(u) {
                    Some(h) => {
                        let _ = write!(
                            o,
                            r#"<a href="{}" rel="nofollow noopener noreferrer">{}</a> · "#,
                            e(h),
                            e(u)
                        );
                    }
                    None => {
                        let _ = write!(o, "{} · ", e(u));
                    }
                }
            }
            let _ = write!(
                o,
                "id <code>{}</code> · <code>{}</code> record {}, bytes {}–{}</span></li>",
                e(&ex.id),
                e(&ex.source),
                ex.record,
                ex.start,
                ex.end
            );
        }
        o.push_str("</ul>\n");
    }
    o.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<script>alert('x')</script>&\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"
        );
        assert_eq!(escape("a\u{0}b"), "a\u{fffd}b");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn only_http_urls_become_links() {
        assert_eq!(href("javascript:alert(1)"), None);
        assert_eq!(href("HTTPS://x.org/"), Some("HTTPS://x.org/"));
    }

    #[test]
    fn numbers_have_thousands_separators() {
        assert_eq!(num(1234567), "1,234,567");
        assert_eq!(num(12), "12");
    }
}
