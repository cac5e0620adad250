//! A pack regex compiled on first use: a scan compiles only the regexes whose literals occur,
//! and start-up does not pay for the rest (about a quarter of start-up went to compiling the
//! prefiltered regexes). Loaded packs were compiled once when validated, so a pattern that does
//! not compile (`None`) does not happen; the built-in packs are compiled by the tests.

use std::sync::OnceLock;

use regex_automata::nfa::thompson::{State, WhichCaptures};
use regex_automata::util::pool::Pool;
use regex_automata::util::primitives::StateID;
use regex_automata::{Anchored, Input, hybrid, meta, nfa::thompson};

/// A prepared pattern and, once asked for, its compiled regex: match bounds only (no capture
/// groups), and no prefilter of its own: it runs where its literals were found, anchored or in
/// a window of a few hundred bytes, where a prefilter search first only adds work (measured
/// with `examples/match_cost.rs` under cachegrind: 17 % fewer instructions without). No
/// one-pass DFA or bounded backtracker either: `meta` runs its lazy DFA first and those only
/// where the lazy DFA gives up, where the PikeVM answers the same; not building them saves
/// compile time a scan pays for each regex it meets.
#[derive(Debug)]
pub struct Lazy {
    pattern: String,
    /// Lazy-DFA cache of the regex (per thread).
    cache: usize,
    re: std::sync::OnceLock<Option<meta::Regex>>,
    /// Tried only anchored ([`Lazy::anchored`]): the forward lazy DFA alone.
    forward: Option<std::sync::OnceLock<Option<Forward>>>,
}

/// A forward lazy DFA and its caches, one per thread that searches.
struct Forward {
    dfa: hybrid::dfa::DFA,
    caches: Pool<hybrid::dfa::Cache, CacheFn>,
}

type CacheFn = Box<dyn Fn() -> hybrid::dfa::Cache + Send + Sync>;

impl std::fmt::Debug for Forward {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Forward").finish_non_exhaustive()
    }
}

impl Lazy {
    /// A pattern in the form [`crate::pattern::prepared`] gives, compiled case-insensitively.
    pub fn new(pattern: String, cache: usize) -> Lazy {
        Lazy {
            pattern,
            cache,
            re: std::sync::OnceLock::new(),
            forward: None,
        }
    }

    /// [`Lazy::new`] for a regex only ever tried anchored ([`Lazy::match_at`]): its start is
    /// where it is tried, so only the forward lazy DFA is built, not `meta`'s reverse one and
    /// its strategy (compiling the regexes was 4 % of a `-j1` scan of the bench JSONL, and
    /// each try went through `meta`'s layers to the same forward search).
    pub fn anchored(pattern: String, cache: usize) -> Lazy {
        Lazy {
            forward: Some(std::sync::OnceLock::new()),
            ..Lazy::new(pattern, cache)
        }
    }

    /// The compiled regex, compiled on the first call.
    pub fn get(&self) -> Option<&meta::Regex> {
        self.re
            .get_or_init(|| {
                meta::Regex::builder()
                    .syntax(regex_automata::util::syntax::Config::new().case_insensitive(true))
                    .configure(
                        meta::Config::new()
                            .nfa_size_limit(Some(crate::pattern::REGEX_SIZE_LIMIT))
                            .hybrid_cache_capacity(self.cache)
                            .which_captures(WhichCaptures::Implicit)
                            .onepass(false)
                            .backtrack(false)
                            .auto_prefilter(false),
                    )
                    .build(&self.pattern)
                    .ok()
            })
            .as_ref()
    }

    /// The match `(start, end)` of the regex anchored at `start` in `text`, as `meta`'s
    /// anchored search finds it (leftmost-first): by the forward lazy DFA alone for a regex
    /// made by [`Lazy::anchored`], by `meta` where that does not build or gives up.
    pub fn match_at(&self, text: &str, start: usize) -> Option<(usize, usize)> {
        let input = Input::new(text).range(start..).anchored(Anchored::Yes);
        if let Some(f) = self.forward_dfa()
            && let Ok(found) = f.dfa.try_search_fwd(&mut f.caches.get(), &input)
        {
            return found.map(|m| (start, m.offset()));
        }
        let m = self.get()?.search(&input)?;
        Some((m.start(), m.end()))
    }

    /// The forward lazy DFA of a regex made by [`Lazy::anchored`], built on the first call;
    /// `None` for another regex or where it does not build (a Unicode word boundary).
    fn forward_dfa(&self) -> Option<&Forward> {
        (self.forward.as_ref()).and_then(|f| f.get_or_init(|| self.forward()).as_ref())
    }

    /// False when a match of the regex tried anchored where `literal` starts cannot go on with
    /// `next`, the byte after the literal (`None` at the end of the text, where it can):
    /// `next` is not in the literal's follow set, found into `follow` on the first call.
    #[inline]
    pub fn goes_on(&self, follow: &OnceLock<Bytes>, literal: &[u8], next: Option<&u8>) -> bool {
        next.is_none_or(|&b| follow.get_or_init(|| self.follow(literal)).contains(b))
    }

    /// The bytes that can come right after `literal` in a match of the regex that begins
    /// with it, the literal's ASCII letters in either case (literals are found in the text
    /// lowered to ASCII lower case); every byte where a match can end after the literal, or
    /// where that is not known (the regex is not [`Lazy::anchored`], or its forward lazy DFA
    /// does not build). Look-around counts as met, so the set holds at least every byte a
    /// match can go on with.
    ///
    /// Computed from the regex's NFA: the states after the literal (each state's epsilon
    /// closure: alternatives, captures, look-around), and the bytes their transitions take.
    pub fn follow(&self, literal: &[u8]) -> Bytes {
        let Some(f) = self.forward_dfa() else {
            return Bytes::ALL;
        };
        let nfa = f.dfa.get_nfa();
        let mut seen = vec![false; nfa.states().len()];
        let mut now = Vec::new();
        closure(nfa, nfa.start_anchored(), &mut seen, &mut now);
        for &b in literal {
            let mut next = Vec::new();
            for &s in &now {
                for c in [b.to_ascii_lowercase(), b.to_ascii_uppercase()] {
                    step(nfa, s, c, &mut next);
                }
            }
            seen.fill(false);
            now.clear();
            for s in next {
                closure(nfa, s, &mut seen, &mut now);
            }
        }
        let mut follow = Bytes::NONE;
        for &s in &now {
            match nfa.state(s) {
                State::ByteRange { trans } => follow.add(trans.start, trans.end),
                State::Sparse(sparse) => {
                    for t in sparse.transitions.iter() {
                        follow.add(t.start, t.end);
                    }
                }
                State::Dense(dense) => {
                    for (b, &n) in (0..=255u8).zip(dense.transitions.iter()) {
                        if n != StateID::ZERO {
                            follow.add(b, b);
                        }
                    }
                }
                State::Match { .. } => return Bytes::ALL,
                _ => {}
            }
        }
        follow
    }

    /// The prepared pattern.
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// A punctuation byte every match holds (`:` of `[0-9]{2}\s*:\s*[0-9]{2}`), for a regex
    /// made by [`Lazy::anchored`]: one that only a state of one byte reads, where every path
    /// of its NFA from the anchored start to a match passes through that state. ASCII letters,
    /// digits and white space are not looked for: nearly every stretch of text holds them.
    pub fn required_byte(&self) -> Option<u8> {
        let f = self.forward_dfa()?;
        let nfa = f.dfa.get_nfa();
        let one_byte = |s: StateID| match nfa.state(s) {
            State::ByteRange { trans } if trans.start == trans.end => Some(trans.start),
            _ => None,
        };
        let wanted = |b: u8| b.is_ascii_punctuation();
        (0..nfa.states().len())
            .filter_map(|i| StateID::new(i).ok())
            .filter_map(|s| one_byte(s).filter(|&b| wanted(b)).map(|b| (s, b)))
            .find(|&(s, _)| !reaches_match(nfa, nfa.start_anchored(), s))
            .map(|(_, b)| b)
    }

    fn forward(&self) -> Option<Forward> {
        let dfa = hybrid::dfa::DFA::builder()
            .syntax(regex_automata::util::syntax::Config::new().case_insensitive(true))
            .thompson(
                thompson::Config::new()
                    .nfa_size_limit(Some(crate::pattern::REGEX_SIZE_LIMIT))
                    .which_captures(WhichCaptures::None),
            )
            .configure(hybrid::dfa::Config::new().cache_capacity(self.cache))
            .build(&self.pattern)
            .ok()?;
        let for_caches = dfa.clone();
        let create: CacheFn = Box::new(move || for_caches.create_cache());
        Some(Forward {
            dfa,
            caches: Pool::new(create),
        })
    }
}

/// Per literal of an automaton: the regexes (by index) it starts, each with the bytes that can
/// follow the literal in its matches ([`Lazy::follow`]), found when the pair is first hit.
pub type Starts = Vec<Vec<(u32, OnceLock<Bytes>)>>;

/// [`Starts`] of the regex lists of each literal, no follow set found yet.
pub fn starts(lists: Vec<Vec<u32>>) -> Starts {
    (lists.into_iter())
        .map(|rs| rs.into_iter().map(|r| (r, OnceLock::new())).collect())
        .collect()
}

/// How many follow sets of `starts` were found narrower than every byte (for tests).
#[cfg(test)]
pub fn narrowed(starts: &Starts) -> usize {
    let sets = starts.iter().flatten().filter_map(|(_, f)| f.get());
    sets.filter(|&&f| f != Bytes::ALL).count()
}

/// A set of bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bytes([u64; 4]);

impl Bytes {
    pub const ALL: Bytes = Bytes([u64::MAX; 4]);
    pub const NONE: Bytes = Bytes([0; 4]);

    fn add(&mut self, from: u8, to: u8) {
        for b in from..=to {
            self.0[usize::from(b >> 6)] |= 1 << (b & 63);
        }
    }

    #[inline]
    pub fn contains(&self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] >> (b & 63) & 1 == 1
    }
}

/// True when a match state of `nfa` is reachable from `from` without passing through state
/// `avoid` (look-around counted as met).
fn reaches_match(nfa: &thompson::NFA, from: StateID, avoid: StateID) -> bool {
    let mut seen = vec![false; nfa.states().len()];
    let mut stack = vec![from];
    while let Some(s) = stack.pop() {
        if s == avoid || std::mem::replace(&mut seen[s.as_usize()], true) {
            continue;
        }
        match nfa.state(s) {
            State::Match { .. } => return true,
            State::ByteRange { trans } => stack.push(trans.next),
            State::Sparse(sparse) => stack.extend(sparse.transitions.iter().map(|t| t.next)),
            State::Dense(dense) => stack.extend(
                dense
                    .transitions
                    .iter()
                    .copied()
                    .filter(|&n| n != StateID::ZERO),
            ),
            State::Look { next, .. } | State::Capture { next, .. } => stack.push(*next),
            State::Union { alternates } => stack.extend(alternates.iter().copied()),
            State::BinaryUnion { alt1, alt2 } => stack.extend([*alt1, *alt2]),
            State::Fail => {}
        }
    }
    false
}

/// Adds to `out` state `s` of `nfa` and the states its epsilon transitions reach, each once
/// (`seen`); look-around counts as met.
fn closure(nfa: &thompson::NFA, s: StateID, seen: &mut [bool], out: &mut Vec<StateID>) {
    let mut stack = vec![s];
    while let Some(s) = stack.pop() {
        if std::mem::replace(&mut seen[s.as_usize()], true) {
            continue;
        }
        out.push(s);
        match nfa.state(s) {
            State::Union { alternates } => stack.extend(alternates.iter().rev()),
            State::BinaryUnion { alt1, alt2 } => stack.extend([*alt2, *alt1]),
            State::Capture { next, .. } | State::Look { next, .. } => stack.push(*next),
            _ => {}
        }
    }
}

/// Pushes to `out` where state `s` of `nfa` goes on byte `b`, if it takes `b`.
fn step(nfa: &thompson::NFA, s: StateID, b: u8, out: &mut Vec<StateID>) {
    match nfa.state(s) {
        State::ByteRange { trans } if trans.matches_byte(b) => out.push(trans.next),
        State::Sparse(sparse) => {
            (sparse.transitions.iter())
                .filter(|t| t.matches_byte(b))
                .for_each(|t| out.push(t.next));
        }
        State::Dense(dense) if dense.transitions[usize::from(b)] != StateID::ZERO => {
            out.push(dense.transitions[usize::from(b)]);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The forward lazy DFA alone finds, anchored at every place, what `meta`'s anchored search
    /// finds: leftmost-first alternatives, look-around before the start, case folding beyond
    /// ASCII, and a Unicode word boundary, where the lazy DFA quits on non-ASCII bytes and
    /// `meta` answers.
    #[test]
    fn anchored_tries_match_meta() {
        let patterns = [
            r"(?-u:\b)(?:buy|buy\s+now|order)(?-u:\b)",
            r"(?-u:\b)save\s+[0-9]+\s?%",
            r"(?m)^[ \t]*sponsored[ \t]*$",
            r"(?:gr(?:ö|o)ße|straße)\s+\w+",
            r"(?u:\b)kaufen(?u:\b)",
        ];
        let texts = [
            "Buy now! buy  NOW, rebuy now; order\norder-form save 20 % save 3%",
            "  Sponsored \nsponsored\n SPONSORED\t\nunsponsored",
            "GRÖSSE groß große Wörter, STRASSE straße KAUFEN jetztkaufen kaufenß kaufen",
        ];
        let mut found = 0;
        for p in patterns {
            let (fast, slow) = (
                Lazy::anchored(p.into(), 1 << 16),
                Lazy::new(p.into(), 1 << 16),
            );
            let re = slow.get().unwrap();
            for text in texts {
                for start in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                    let input = Input::new(text).range(start..).anchored(Anchored::Yes);
                    let want = re.search(&input).map(|m| (m.start(), m.end()));
                    assert_eq!(
                        fast.match_at(text, start),
                        want,
                        "{p} at {start} of {text:?}"
                    );
                    found += usize::from(want.is_some());
                }
            }
        }
        assert!(found >= 12, "{found} matches");
    }

    /// Wherever a text (lowered to ASCII lower case) starts with the literal and the regex
    /// matches anchored there beyond it, the byte after the literal is in the follow set; and
    /// the sets are narrow where they can be.
    #[test]
    fn follow_holds_every_byte_a_match_goes_on_with() {
        let cases: [(&str, &[u8]); 7] = [
            (r"(?-u:\b)(?:shop|buy)\s+now(?-u:\b)", b"shop"),
            (r"(?-u:\b)(?:shop|buy)\s+now(?-u:\b)", b"buy"),
            (r"(?-u:\b)(?:buy|buy\s+now)(?-u:\b)", b"buy"),
            (r"(?-i:SHOP)\s+now", b"shop"),
            (r"save\s+[0-9]+\s?%", b"save"),
            (r"(?:gr(?:ö|o)ße|straße)\s+\w+", b"gr"),
            (r"(?:gr(?:ö|o)ße|straße)\s+\w+", b"gr\xc3"),
        ];
        let texts = [
            "Shop now! SHOP\tNOW shopping buy  now buyer buy-now BUY\u{a0}now",
            "save 20 % Save 3% saved SAVE\n15%",
            "GRÖSSE große Wörter, grosse gross Große Dinge grüße",
        ];
        let mut checked = 0;
        for (p, lit) in cases {
            let (fast, slow) = (
                Lazy::anchored(p.into(), 1 << 16),
                Lazy::new(p.into(), 1 << 16),
            );
            let follow = fast.follow(lit);
            let re = slow.get().unwrap();
            for text in texts {
                let lower = text.to_ascii_lowercase();
                for start in (0..text.len()).filter(|&i| lower.as_bytes()[i..].starts_with(lit)) {
                    let input = Input::new(text).range(start..).anchored(Anchored::Yes);
                    let end = start + lit.len();
                    if let Some(m) = re.search(&input).filter(|m| m.end() > end) {
                        let b = text.as_bytes()[end];
                        assert!(follow.contains(b), "{p}: {b:#x} after {lit:?} in {m:?}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked >= 10, "{checked} matches checked");
        let set = |p: &str, lit: &[u8]| Lazy::anchored(p.into(), 1 << 16).follow(lit);
        let shop = set(r"(?-u:\b)(?:shop|buy)\s+now(?-u:\b)", b"shop");
        assert!(shop.contains(b' ') && shop.contains(b'\t') && shop.contains(0xc2));
        assert!(!shop.contains(b'p') && !shop.contains(b'n') && !shop.contains(b'-'));
        // A match can end right after the literal: any byte may follow.
        assert_eq!(
            set(r"(?-u:\b)(?:buy|buy\s+now)(?-u:\b)", b"buy"),
            Bytes::ALL
        );
        // Case-sensitive parts: the literal's letters are taken in either case.
        assert!(set(r"(?-i:SHOP)\s+now", b"shop").contains(b' '));
        // Not known without the forward lazy DFA: not built for a regex not tried anchored
        // only, and not built with a Unicode word boundary.
        assert_eq!(Lazy::new("shop".into(), 1 << 16).follow(b"sh"), Bytes::ALL);
        assert_eq!(set(r"shop\s+now\b", b"shop"), Bytes::ALL);
        // Inside a character: its continuation bytes.
        let gr = set(r"(?:gr(?:ö|o)ße|straße)\s+\w+", b"gr\xc3");
        assert!(gr.contains(0xb6) && gr.contains(0x96) && !gr.contains(b'o'));
    }
}
