"""Shared by the peer baselines: the phrases of puffery's built-in packs, an Aho-Corasick counter
of their whole-word occurrences (case-insensitive, like puffery), and an HTML page's text."""

import json

import ahocorasick
from selectolax.lexbor import LexborHTMLParser

DROP = ["script", "style", "noscript", "template"]


def page_text(html):
    """The text of an HTML page (bytes or str), script, style, noscript and template dropped."""
    tree = LexborHTMLParser(html)
    tree.strip_tags(DROP)
    return tree.root.text(separator=" ") if tree.root is not None else ""


def automaton(rules_path):
    """One automaton over every phrase of `puffery rules --format json` (JSON lines), lower-cased."""
    auto = ahocorasick.Automaton()
    with open(rules_path, encoding="utf-8") as f:
        for line in f:
            for phrase in json.loads(line).get("phrases", ()):
                p = " ".join(phrase.split()).lower()
                if p:
                    auto.add_word(p, len(p))
    auto.make_automaton()
    return auto


def count(auto, text):
    """Whole-word phrase matches in `text` (whitespace runs read as one space)."""
    t = " ".join(text.split()).lower()
    n, last = 0, len(t) - 1
    for end, length in auto.iter(t):
        start = end - length + 1
        if (start == 0 or not t[start - 1].isalnum()) and (end == last or not t[end + 1].isalnum()):
            n += 1
    return n
