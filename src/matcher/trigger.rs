//! Regex triggers: the literals every match of a regex contains, found by one Aho-Corasick pass;
//! the regex then runs only in a bounded window around each trigger hit.
//!
//! The trigger of each regex comes from [`crate::pattern::derive`] or the rule's `trigger`.
//!
//! Windows ([`Triggered::find`]): a match of at most `L` bytes that contains a trigger hit at
//! `[ts, te)` lies in `[te - L, ts + L]`. When the trigger is a run of the regex's top-level
//! concatenation ([`Item::split`]), every match has a hit at the run's place, and lies in
//! `[ts - before, ts + after]` around that hit: about half the bytes (bench JSONL: 22.7 MB of
//! windows before; the whole scan 4.111 -> 4.071 G instructions under cachegrind).
//! Overlapping windows are merged, and the regex runs
//! leftmost-first through the merged windows in order, carrying the end of its last match as
//! the next start: every match of the whole text starts inside exactly one merged window and
//! lies wholly in it, and look-around (`\b`, `^`) sees the text outside the window, so the
//! matches are exactly those of `find_iter` over the whole text. The bound `L` of a regex with
//! `\s+` counts the text's longest white space run for each such repetition, and with `[0-9]+`
//! or `\w+` (a class without white space) its longest run without white space
//! ([`crate::pattern::max_len`]); a regex with another unbounded repetition (`[^\n]+`, `.*`)
//! runs over the whole text, and only in texts where its trigger occurs.
//!
//! A regex whose every match starts with an occurrence of its trigger (`cta.retailer`'s
//! verbs) is instead tried anchored at each hit, from the end of its last match on
//! ([`Item::at_start`]): the same matches, and a try stops where the lazy DFA dies. On the bench
//! JSONL that regex had 35,197 windows (~19 ms); `-j1` CPU 0.66 -> 0.63 s (medians of 7).

use regex_automata::Input;

use super::lazy::{Lazy, Starts};

/// Lazy-DFA cache of one triggered regex (per thread): windows are short.
const WINDOW_CACHE: usize = 512 << 10;

/// The trigger hits of one text: `(regex, window start, window end)` each, and the text's
/// longest runs once a window needed them.
#[derive(Debug, Default)]
pub struct Hits {
    windows: Vec<(u32, usize, usize)>,
    runs: Option<crate::pattern::Runs>,
}

impl Hits {
    /// No hits yet, with room for `n` windows.
    pub fn with_capacity(n: usize) -> Hits {
        Hits {
            windows: Vec::with_capacity(n),
            runs: None,
        }
    }
}

/// Regexes behind one trigger automaton, each run in windows around its trigger hits.
#[derive(Debug)]
pub struct Triggered {
    /// The trigger literals; the matcher finds them in one pass with the prefixes.
    literals: Vec<Vec<u8>>,
    /// An automaton of `literals` alone, for [`Triggered::find`].
    ac: std::sync::OnceLock<Option<super::walk::Automata>>,
    /// Per literal: the regexes (indices into `regexes`) it triggers, each with the bytes
    /// that can follow the literal in its matches, for a regex tried anchored at its hits
    /// ([`Item::at_start`]): a hit followed by another byte is not tried, as a prefixed
    /// regex's ([`super::prefix::Prefiltered::hit`]).
    fires: Starts,
    /// Per literal: every match of each of its regexes holds a trigger hit right after a byte
    /// that is not an ASCII word byte ([`crate::pattern::derive_flagged`]).
    after_non_word: Vec<bool>,
    regexes: Vec<Windowed>,
}

#[derive(Debug)]
struct Windowed {
    /// The prepared pattern, compiled on the first hit of its trigger: a scan of a few
    /// documents compiles only the regexes whose triggers occur.
    re: Lazy,
    /// Longest match in bytes ([`crate::pattern::max_len`]); `None` runs over the whole text.
    max_len: Option<crate::pattern::Bound>,
    /// Where every match starts, when at the start of the text or of a line: a hit farther
    /// than the longest match from there is passed over.
    anchor: Option<crate::pattern::Anchor>,
    /// The caller's index of this regex.
    caller: usize,
    /// Every match starts with a trigger hit: tried anchored at the hits ([`Item::at_start`]).
    at_start: bool,
    /// Where matches lie around a hit of the trigger run ([`Item::split`]).
    split: Option<(crate::pattern::Bound, crate::pattern::Bound)>,
    /// The gate literals ([`Item::gate`]): a window is searched only where one occurs in it.
    gate: Option<Gate>,
}

/// One regex to run around its trigger.
pub struct Item {
    /// The prepared pattern ([`crate::pattern::prepared`]).
    pub pattern: String,
    /// The trigger literals, lower-case.
    pub literals: Vec<Vec<u8>>,
    /// The caller's index of the regex.
    pub caller: usize,
    /// A hit right after an ASCII word byte can be passed over
    /// ([`crate::pattern::derive_flagged`]).
    pub after_non_word: bool,
    /// Its longest match ([`crate::pattern::max_len`]).
    pub max_len: Option<crate::pattern::Bound>,
    /// Where every match starts ([`crate::pattern::anchor`]).
    pub anchor: Option<crate::pattern::Anchor>,
    /// Every match starts with a trigger hit ([`crate::pattern::trigger_starts_match`]): the
    /// regex is tried anchored at its hits instead of searched through windows.
    pub at_start: bool,
    /// How far before a hit's start every match whose trigger run stands there starts, and how
    /// far after it it ends ([`crate::pattern::split`]): its window is `[ts - before, ts +
    /// after]`, about half of `[te - L, ts + L]`.
    pub split: Option<(crate::pattern::Bound, crate::pattern::Bound)>,
    /// Literals every match holds besides its trigger ([`crate::pattern::Planned::gate`]): a
    /// window in which none occurs is not searched (not used with [`Item::at_start`]).
    pub gate: Option<crate::pattern::Gate>,
}

#[cfg(test)]
impl Item {
    /// The item of a prepared pattern with its trigger and flag, the rest derived from it.
    pub fn of(
        pattern: String,
        literals: Vec<Vec<u8>>,
        caller: usize,
        after_non_word: bool,
    ) -> Item {
        Item {
            max_len: crate::pattern::max_len(&pattern),
            anchor: crate::pattern::anchor(&pattern),
            at_start: crate::pattern::trigger_starts_match(&pattern),
            // Only for the derived trigger, which the split is of.
            split: crate::pattern::split(&pattern)
                .filter(|_| crate::pattern::derive(&pattern).as_ref() == Some(&literals)),
            gate: crate::pattern::window_gate(&pattern, &literals),
            pattern,
            literals,
            caller,
            after_non_word,
        }
    }
}

impl Hits {
    /// The text's longest runs, once computed ([`crate::pattern::Bound::in_text`]): the
    /// prefixed regexes' gates share them.
    pub fn runs(&mut self) -> &mut Option<crate::pattern::Runs> {
        &mut self.runs
    }
}

impl Triggered {
    /// Builds the automaton over the items.
    pub fn new(items: Vec<Item>) -> Result<Option<Triggered>, String> {
        if items.is_empty() {
            return Ok(None);
        }
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut fires: Vec<Vec<u32>> = Vec::new();
        let mut after_non_word: Vec<bool> = Vec::new();
        let mut index = std::collections::HashMap::new();
        let mut regexes = Vec::with_capacity(items.len());
        for item in items {
            let r = regexes.len() as u32;
            let flag = item.after_non_word;
            regexes.push(Windowed {
                max_len: item.max_len,
                anchor: item.anchor,
                re: if item.at_start {
                    Lazy::anchored(item.pattern, WINDOW_CACHE)
                } else {
                    Lazy::new(item.pattern, WINDOW_CACHE)
                },
                caller: item.caller,
                at_start: item.at_start,
                split: item.split,
                // A try at a hit stops a few bytes in; a gate over its reach costs more
                // ([`crate::pattern::Planned::gate`] gives none for such a regex).
                gate: (item.gate)
                    .filter(|_| !item.at_start)
                    .map(|g| Gate::new(g.literals)),
            });
            for lit in &item.literals {
                let lists = (&mut literals, &mut fires, &mut after_non_word);
                super::add_literal(&mut index, lists, lit, r, flag);
            }
        }
        Ok(Some(Triggered {
            literals,
            ac: std::sync::OnceLock::new(),
            fires: super::lazy::starts(fires),
            after_non_word,
            regexes,
        }))
    }

    /// The literals, in the order [`Triggered::hit`] numbers them.
    pub fn literals(&self) -> &[Vec<u8>] {
        &self.literals
    }

    /// Per literal: a hit right after an ASCII word byte can be passed over.
    pub fn after_non_word(&self) -> &[bool] {
        &self.after_non_word
    }

    /// Every match `(caller index, start, end)` of the triggered regexes in `text`, the same
    /// as each regex's `find_iter` over the whole text.
    pub fn find(&self, text: &str, out: &mut Vec<(usize, usize, usize)>) {
        let ac = self
            .ac
            .get_or_init(|| super::literal_automaton(&self.literals).ok());
        let Some(ac) = ac else { return };
        let mut hits = Hits::default();
        let lower = text.to_ascii_lowercase();
        ac.overlapping(lower.as_bytes(), |start, end, lit| {
            if !super::passed_over(&self.after_non_word, text, lit, start) {
                self.hit(text, lit, start, end, &mut hits);
            }
        });
        self.run_windows(text, &lower, hits, out);
    }

    /// Trigger literal `lit` occurs at `start..end`: the window of each of its regexes.
    pub fn hit(&self, text: &str, lit: usize, start: usize, end: usize, hits: &mut Hits) {
        for (r, follow) in &self.fires[lit] {
            let (r, w) = (*r, &self.regexes[*r as usize]);
            if w.at_start {
                // A match would start here: a line or the text must start here too, and the
                // byte after the literal must go on with it.
                if may_start_in(text, w.anchor, start, start)
                    && (w.re).goes_on(follow, &self.literals[lit], text.as_bytes().get(end))
                {
                    hits.windows.push((r, start, start));
                }
                continue;
            }
            let mut bound = |b: crate::pattern::Bound| b.in_text(text, &mut hits.runs);
            let (a, b) = match (w.split, w.max_len) {
                (Some((before, after)), _) => (
                    start.saturating_sub(bound(before)),
                    start.saturating_add(bound(after)),
                ),
                (None, Some(len)) => {
                    let l = bound(len);
                    (end.saturating_sub(l), start.saturating_add(l))
                }
                (None, None) => (0, text.len()),
            };
            if !may_start_in(text, w.anchor, a, start) {
                continue;
            }
            hits.windows
                .push((r, floor_char(text, a), ceil_char(text, b)));
        }
    }

    /// Runs each regex through the windows of its hits; `lower` is `text` lower-cased in ASCII,
    /// where a gated regex's gate literals are looked for.
    pub fn run_windows(
        &self,
        text: &str,
        lower: &str,
        mut hits: Hits,
        out: &mut Vec<(usize, usize, usize)>,
    ) {
        let windows = &mut hits.windows;
        windows.sort_unstable();
        let mut i = 0;
        while i < windows.len() {
            let r = windows[i].0;
            let mut j = i;
            while j < windows.len() && windows[j].0 == r {
                j += 1;
            }
            self.run(&self.regexes[r as usize], text, lower, &windows[i..j], out);
            i = j;
        }
    }

    /// Runs one regex through its windows (sorted by start) in which its gate occurs, merged
    /// where they overlap.
    fn run(
        &self,
        w: &Windowed,
        text: &str,
        lower: &str,
        windows: &[(u32, usize, usize)],
        out: &mut Vec<(usize, usize, usize)>,
    ) {
        if w.at_start {
            return run_at_starts(&w.re, w.caller, text, windows, out);
        }
        let mut open = windows
            .iter()
            .filter(|&&(_, a, b)| w.gate.as_ref().is_none_or(|g| g.occurs(lower, a, b)))
            .peekable();
        // No window left: the regex is not compiled.
        let Some(re) = open.peek().and_then(|_| w.re.get()) else {
            return;
        };
        let mut pos = 0;
        while let Some(&(_, a, mut b)) = open.next() {
            while let Some(&(_, _, e)) = open.next_if(|&&(_, s, _)| s <= b) {
                b = b.max(e);
            }
            let mut start = a.max(pos);
            while start < b {
                let input = Input::new(text).range(start..b);
                let Some(m) = re.search(&input) else { break };
                out.push((w.caller, m.start(), m.end()));
                pos = m.end();
                // Every match holds a trigger, so none is empty; guard anyway.
                start = if m.is_empty() { m.end() + 1 } else { m.end() };
            }
        }
    }
}

/// A regex whose every match starts with a trigger hit, tried anchored at each hit start
/// (`windows` holds them, sorted) from the end of its last match on: the leftmost match is at
/// the first start where an anchored try matches, and it is the match the unanchored search
/// finds there, so these are `find_iter`'s matches. An anchored try stops where the lazy DFA
/// dies; a window search went through twice the longest match.
fn run_at_starts(
    re: &Lazy,
    caller: usize,
    text: &str,
    windows: &[(u32, usize, usize)],
    out: &mut Vec<(usize, usize, usize)>,
) {
    let (mut pos, mut tried) = (0, None);
    for &(_, start, _) in windows {
        if start < pos || tried == Some(start) {
            continue;
        }
        tried = Some(start);
        if let Some((s, e)) = re.match_at(text, start) {
            out.push((caller, s, e));
            // Every match holds a trigger, so none is empty.
            pos = e.max(start + 1);
        }
    }
}

/// A window gate's literals ([`crate::pattern::Gate`]), looked for in a window of the text
/// lower-cased in ASCII by a searcher built on first use: a packed one (Teddy, SIMD) where the
/// machine has it, a few instructions per 16 bytes; else an Aho-Corasick DFA. An automaton
/// walking each window byte by byte cost about what the lazy DFA it spared (bench JSONL under
/// cachegrind: 226 M instructions more in the gate, 130 M fewer in the regexes).
#[derive(Debug)]
struct Gate {
    literals: Vec<Vec<u8>>,
    searcher: std::sync::OnceLock<Option<Searcher>>,
}

#[derive(Debug)]
enum Searcher {
    Packed(aho_corasick::packed::Searcher),
    Automaton(aho_corasick::AhoCorasick),
}

impl Gate {
    fn new(literals: Vec<Vec<u8>>) -> Gate {
        Gate {
            literals,
            searcher: std::sync::OnceLock::new(),
        }
    }

    /// True when one of the literals occurs in `lower[a..b]` (or no searcher built).
    fn occurs(&self, lower: &str, a: usize, b: usize) -> bool {
        let searcher = self.searcher.get_or_init(|| {
            let packed = aho_corasick::packed::Searcher::new(self.literals.iter());
            let automaton = || {
                aho_corasick::AhoCorasick::builder()
                    .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                    .build(&self.literals)
                    .ok()
            };
            packed
                .map(Searcher::Packed)
                .or_else(|| automaton().map(Searcher::Automaton))
        });
        match searcher {
            Some(Searcher::Packed(p)) => p
                .find_in(lower.as_bytes(), aho_corasick::Span::from(a..b))
                .is_some(),
            Some(Searcher::Automaton(ac)) => ac.is_match(&lower[a..b]),
            None => true,
        }
    }
}

/// False when a regex whose matches start at `anchor` can have no match starting in
/// `lo..=start` (the starts a match holding a trigger hit at `start` may have): no line starts
/// there, or, for the text start, `lo > 0`.
fn may_start_in(
    text: &str,
    anchor: Option<crate::pattern::Anchor>,
    lo: usize,
    start: usize,
) -> bool {
    match anchor {
        None => true,
        Some(crate::pattern::Anchor::Text) => lo == 0,
        // A line starts at `p` in `lo..=start` when `p == 0` or `text[p - 1]` is `\n`.
        Some(crate::pattern::Anchor::Line) => {
            lo == 0 || memchr::memrchr(b'\n', &text.as_bytes()[lo - 1..start]).is_some()
        }
    }
}

fn floor_char(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATTERNS: &[&str] = &[
        r"\b(?:only|just)\s{1,3}\d{1,3}\s{1,2}left\b",
        r"\d{1,4}\s?%\s?off\b",
        r"\bsave\s+\d+",
        r"(?m)^\s?(?:deal|offer)s?\b",
        r"\b\w{2,6}\s?(?:free)\b",
        r"\bonly\s+\d{1,3}\s+left\b",
        r"(?m)^[ \t]*(?:deal|offer)s?[ \t]*$",
        r"^\s*(?:deal|only)\b",
        r"[;,]\s?only\s+\d",
        // Unbounded repetitions of classes without white space: bounded by the longest run.
        r"\bfor\s+only\s+\$?[0-9]+(?:\.[0-9]{2})?\s+a\s+week",
        r"\b[a-z]+\s+(?:magazine|media)\s+(?:may\s+)?earn",
        r"\bthe\s+best\s+(?:[a-z0-9-]+\s+){1,3}on\s+the\s+market\b",
        // Literals longer than the automaton holds (cut to their first bytes).
        r"\b(?:commission|compensation)\s+(?:earned|received)\b",
        // Every match starts with its trigger: tried anchored at the hits, from the end of
        // the last match on ("save save save 10" is two matches, not three).
        r"\bsave\s+[a-z0-9]+",
        // Gated ([`Item::gate`]): searched only where "$", "market" or "received" occurs.
        r"\bfor\s+(?:just|only)\s+(?:\$|€)\s?[0-9]+",
        r"\b(?:i|we)\s+(?:received|got)\s+(?:this|the)\s+(?:[a-z]+\s+)?(?:for\s+free|free)\b",
    ];

    const TEXTS: &[&str] = &[
        "only 3 left! just  12 left; only 9 lefty, only 1 left",
        "20% off 30 %off x5% offer 100 % off",
        "save 10 save   20 save 3x",
        "deal\n offers\nno deal\ndeals",
        "gluten free, freely, sugarfree free free",
        "ünïcödé only 3 left ünï 20% off",
        "only      3    left and only\u{a0}\u{a0}4\u{2003}left\n deal  \n\t offer \t\n",
        // Trigger words inside words (passed over after a word byte) and at line starts.
        "unsave 10 xonly 3 left;only 3 left ideal\ndeal  deals\n\ndeal\nsave 5",
        "for only $12345678901234.99 a week; for only 5 a week, for  only\t$7.5 a week",
        "supercalifragilisticexpialidocious media may earn; x magazine earn, media earn",
        "the best super-duper-long-adjective-here vitamin pills on the market; the best on the market",
        "commission earned; commissioner earned, compensation  received; commissions earned",
        "save save save 10; unsave save",
        "for just $5, for only 5; for only € 12 $ for just; $for just$ 3",
        "we got the free; i received this pen for free, we received the free for free",
        "free we got; received i free; we  got\tthe\n free",
    ];

    /// A regex tried anchored at its trigger hits is not tried where the byte after the
    /// literal cannot go on with a match, and finds exactly what `find_iter` finds: trigger
    /// words followed by each kind of byte, in either case, inside words, at the end of the
    /// text, before a two-byte character and where a match may end right after the word.
    #[test]
    fn anchored_tries_after_their_literals_find_what_find_iter_finds() {
        let patterns = [
            r"\b(?:shop|buy|get|pick\s+up)(?:\s+(?:it|now)){0,2}(?:\s+(?:on|at)\s+| ?: ?)[a-z]+",
            r"\bsave\s+[a-z0-9]+",
            r"\bbest(?:[- ]selling)?\b",
            r"\bgr(?:ö|o)ßer\s+rabatt\b",
        ];
        let texts = [
            "Shop on Amazon! SHOP\tIT NOW AT EBAY shopping shop-now get\u{a0}it on ebay",
            "get it: amazon, buy:ebay buyer getting pick up at amazon; pick  up it on ebay",
            "save 20 SAVE\nit saves saved save\u{3000}15 save",
            "best-selling bestseller BEST selling best, best",
            "größer Rabatt GRÖßER rabatt groß grosser gr\u{f6}\u{df}er rabatt gr",
            "shop",
        ];
        let mut narrowed = 0;
        for p in patterns {
            let prepared = crate::pattern::prepared(p);
            assert!(crate::pattern::trigger_starts_match(&prepared), "{p}");
            let (trigger, flag) = crate::pattern::derive_flagged(&prepared).unwrap();
            let t = Triggered::new(vec![Item::of(prepared, trigger, 0, flag)])
                .unwrap()
                .unwrap();
            let full = crate::pattern::compile_regex(p).unwrap();
            let mut found = 0;
            for a in texts {
                for b in texts {
                    let text = format!("{a} {b}");
                    let want: Vec<(usize, usize, usize)> = full
                        .find_iter(&text)
                        .map(|m| (0, m.start(), m.end()))
                        .collect();
                    let mut got = Vec::new();
                    t.find(&text, &mut got);
                    assert_eq!(got, want, "{p} on {text:?}");
                    found += want.len();
                }
            }
            assert!(found > 0, "{p} matches somewhere");
            narrowed += super::super::lazy::narrowed(&t.fires);
        }
        assert!(narrowed >= 6, "{narrowed} literals narrowed");
    }

    /// The windowed search finds exactly what `find_iter` over the whole text finds, with
    /// matches at window edges, overlapping windows and look-around outside a window.
    #[test]
    fn windows_give_the_same_matches_as_the_whole_text() {
        assert!(
            PATTERNS
                .iter()
                .any(|p| crate::pattern::trigger_starts_match(&crate::pattern::prepared(p))),
            "a pattern tried anchored at its hits"
        );
        // Windows around the trigger run: with parts before and after it bounded by fixed
        // lengths, white space runs and token runs.
        let gated = (PATTERNS.iter())
            .filter(|p| {
                let prepared = crate::pattern::prepared(p);
                let trigger = crate::pattern::derive(&prepared).unwrap();
                crate::pattern::window_gate(&prepared, &trigger).is_some()
            })
            .count();
        assert!(gated >= 4, "{gated} gated patterns");
        let split: Vec<&str> = (PATTERNS.iter().copied())
            .filter(|p| crate::pattern::split(&crate::pattern::prepared(p)).is_some())
            .collect();
        assert!(split.len() >= 8, "split windows: {split:?}");
        for p in PATTERNS {
            let prepared = crate::pattern::prepared(p);
            let (trigger, flag) = crate::pattern::derive_flagged(&prepared).unwrap();
            let t = Triggered::new(vec![Item::of(prepared.clone(), trigger, 0, flag)])
                .unwrap()
                .unwrap();
            let full = crate::pattern::compile_regex(p).unwrap();
            let mut all: Vec<String> = Vec::new();
            for a in TEXTS {
                for pad in ["", "x", "xx ", "  ", "\n", "é", "\u{3000} \t  "] {
                    all.push(format!("{pad}{a}{pad}"));
                    for b in TEXTS {
                        all.push(format!("{a}{pad}{b}"));
                    }
                }
            }
            for text in all.iter().map(String::as_str) {
                let want: Vec<(usize, usize, usize)> = full
                    .find_iter(text)
                    .map(|m| (0, m.start(), m.end()))
                    .collect();
                let mut got = Vec::new();
                t.find(text, &mut got);
                assert_eq!(got, want, "{p} on {text:?}");
            }
        }
    }
}
