#!/usr/bin/env python3
"""Cross-validated logistic regression over the verdict's page-level features, against the
hand-set policy, on labelled pages: the numbers behind DESIGN.md "Verdicts".

    cargo run --release --example verdict_features -- LABELS.jsonl PAGES > features.jsonl
    python3 scripts/verdict-lr-cv.py features.jsonl

Pages with a null `promotional` label are left out. Folds are fixed by file number (odd/even,
and number mod 5); a model is never scored on a page it was fitted to. Pure Python (no numpy).
"""
import json
import math
import sys

L2 = float(sys.argv[2]) if len(sys.argv) > 2 else 0.001


def contribution(f, signal):
    return sum(float(r.rsplit(" ", 1)[1]) for r in f["reasons"] if r.rsplit(" ", 1)[0] == signal)


def features(f):
    return [
        contribution(f, "rules:cta"),
        contribution(f, "rules:claim"),
        contribution(f, "rules:urgency"),
        min(f["paid_links"], 2),
        1.0 if f["product_page"] else 0.0,
        1.0 if f["advertorial"] else 0.0,
        1.0 if f["dense"] else 0.0,
        contribution(f, "link-cta"),
        1.0 if f["recipe"] else 0.0,
        1.0 if contribution(f, "long-prose") else 0.0,
        1.0 if f["lead_form"] else 0.0,
        1.0 if f["article"] else 0.0,
    ]


def fit(xs, ys, l2=L2, steps=4000, lr=0.5):
    w = [0.0] * (len(xs[0]) + 1)
    n = len(xs)
    for _ in range(steps):
        g = [0.0] * len(w)
        for x, y in zip(xs, ys):
            z = w[0] + sum(a * b for a, b in zip(w[1:], x))
            p = 1 / (1 + math.exp(-max(min(z, 30), -30)))
            g[0] += p - y
            for i, a in enumerate(x):
                g[i + 1] += (p - y) * a
        for i in range(len(w)):
            reg = l2 * w[i] if i else 0.0
            w[i] -= lr * (g[i] / n + reg)
    return w


def prob(w, x):
    z = w[0] + sum(a * b for a, b in zip(w[1:], x))
    return 1 / (1 + math.exp(-max(min(z, 30), -30)))


def f1(pairs):
    tp = sum(1 for t, p in pairs if t and p)
    fp = sum(1 for t, p in pairs if not t and p)
    fn = sum(1 for t, p in pairs if t and not p)
    return tp, fp, fn, (2 * tp / (2 * tp + fp + fn) if tp else 0.0)


def main():
    rows = [json.loads(l) for l in open(sys.argv[1])]
    rows = [r for r in rows if r["promotional"] is not None]
    num = lambda r: int(r["file"].split(".")[0])
    for name, key, k in [("odd/even", lambda r: num(r) % 2, 2), ("mod 5", lambda r: num(r) % 5, 5)]:
        lr_pairs, hand_pairs, briers = [], [], []
        for fold in range(k):
            train = [r for r in rows if key(r) != fold]
            test = [r for r in rows if key(r) == fold]
            w = fit([features(r) for r in train], [1.0 if r["promotional"] else 0.0 for r in train])
            pairs = [(r["promotional"], prob(w, features(r)) >= 0.5) for r in test]
            hand = [(r["promotional"], r["label"] == "promotional") for r in test]
            briers += [(prob(w, features(r)) - (1.0 if r["promotional"] else 0.0)) ** 2 for r in test]
            print(f"{name} fold {fold}: logistic tp/fp/fn/F1 {f1(pairs)}  hand-set {f1(hand)}")
            lr_pairs += pairs
            hand_pairs += hand
        print(f"{name} all folds: logistic {f1(lr_pairs)} Brier {sum(briers)/len(briers):.3f}; hand-set {f1(hand_pairs)}")


main()
