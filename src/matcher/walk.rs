//! The matcher's own search loops over Aho-Corasick automata: the phrase automaton
//! (leftmost-longest) and the literal automaton (every match, overlapping) walked one byte at a
//! time through `aho_corasick::automaton::Automaton`, with the same results as the crate's
//! `find_iter` and `find_overlapping_iter`.
//!
//! Measured with cachegrind on 5 MB of the bench JSONL: the phrase search went from 18.7 to
//! 11.8 instructions a byte (the crate's `find_iter` makes a search call per match, with its
//! set-up); the literal search and the work per hit changed little, the whole scan -0.5 %.
//!
//! Both searches wait on memory, not on instructions: each step loads the next state from a
//! table of megabytes, and that load needs the one before. So the automata are copied into
//! [`Dense`] tables (smaller, the hot rows together) and the matcher walks both in one loop
//! ([`Automata::leftmost_and_overlapping`]), where the two chains of loads overlap. Median CPU
//! of 9 interleaved `-j1` runs on the 50 MB bench JSONL: 1.64 s before, 1.56 s with the copies
//! walked one after the other, 1.38 s in one loop; 1.22 s with premultiplied 32-bit entries
//! (1.32 s with 16-bit state numbers, which need a multiplication per byte).

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::{Anchored, MatchKind, dfa, nfa};

/// An automaton: a [`Dense`] table made from the crate's contiguous NFA when it fits 32-bit
/// offsets, else the crate's DFA, else a contiguous NFA when the DFA is over the crate's size
/// limits.
#[derive(Debug)]
pub(crate) enum Automata {
    Dense(Dense),
    Dfa(dfa::DFA),
    Nfa(nfa::contiguous::NFA),
}

impl Automata {
    /// The automaton of `patterns` with match semantics `kind`, for unanchored searches.
    pub(crate) fn new<P: AsRef<[u8]>>(patterns: &[P], kind: MatchKind) -> Result<Automata, String> {
        // The table is made from the contiguous NFA, whose transitions (failure links
        // followed) are those of the DFA the crate would build: that DFA, 7.8 MB for the
        // built-in phrases, was a third of start-up and is built now only when the table does
        // not fit (start-up 448 -> 357 M instructions).
        let n = nfa::contiguous::Builder::new()
            .match_kind(kind)
            .prefilter(false)
            .build(patterns);
        if let Some(dense) = n.ok().and_then(|n| Dense::new(&n, patterns)) {
            return Ok(Automata::Dense(dense));
        }
        let d = dfa::Builder::new()
            .match_kind(kind)
            .prefilter(false)
            .build(patterns);
        match d {
            Ok(d) => Ok(Automata::Dfa(d)),
            Err(_) => nfa::contiguous::Builder::new()
                .match_kind(kind)
                .prefilter(false)
                .build(patterns)
                .map(Automata::Nfa)
                .map_err(|e| e.to_string()),
        }
    }

    /// Calls `f(start, end, pattern)` for the leftmost-longest matches of `hay`, left to
    /// right, as `AhoCorasick::find_iter` gives them (the automaton built leftmost-longest).
    pub(crate) fn leftmost(&self, hay: &[u8], f: impl FnMut(usize, usize, usize)) {
        match self {
            Automata::Dense(a) => leftmost(a, hay, f),
            Automata::Dfa(a) => leftmost(&Crate(a), hay, f),
            Automata::Nfa(a) => leftmost(&Crate(a), hay, f),
        }
    }

    /// Calls `f(start, end, pattern)` for every match of `hay`, by end, as
    /// `AhoCorasick::find_overlapping_iter` gives them (the automaton built standard).
    pub(crate) fn overlapping(&self, hay: &[u8], f: impl FnMut(usize, usize, usize)) {
        match self {
            Automata::Dense(a) => overlapping(a, hay, f),
            Automata::Dfa(a) => overlapping(&Crate(a), hay, f),
            Automata::Nfa(a) => overlapping(&Crate(a), hay, f),
        }
    }

    /// [`Automata::leftmost`] of `self` (built leftmost-longest) with `fl`, and
    /// [`Automata::overlapping`] of `other` (built standard) with `fo`, over the same `hay`:
    /// the two walks in one loop when both are [`Dense`], so that the two chains of table loads
    /// (each the next state of the last) overlap in the processor; one after the other else.
    pub(crate) fn leftmost_and_overlapping(
        &self,
        other: &Automata,
        hay: &[u8],
        fl: impl FnMut(usize, usize, usize),
        mut fo: impl FnMut(usize, usize, usize),
    ) {
        match (self, other) {
            (Automata::Dense(l), Automata::Dense(o)) if !l.matches_empty() => {
                joint(l, o, hay, fl, fo);
            }
            _ => {
                self.leftmost(hay, fl);
                other.overlapping(hay, &mut fo);
            }
        }
    }
}

/// What the search loops need of an automaton.
trait Walk {
    type State: Copy;
    /// The unanchored start state, `None` when the automaton has none.
    fn start(&self) -> Option<Self::State>;
    fn next(&self, s: Self::State, b: u8) -> Self::State;
    fn is_special(&self, s: Self::State) -> bool;
    fn is_dead(&self, s: Self::State) -> bool;
    fn is_match(&self, s: Self::State) -> bool;
    fn match_len(&self, s: Self::State) -> usize;
    /// Match `index` of match state `s`, ending at `end`: (start, end, pattern).
    fn get(&self, s: Self::State, index: usize, end: usize) -> (usize, usize, usize);
}

/// One of the crate's automata, walked through its `Automaton` trait.
struct Crate<'a, A>(&'a A);

impl<A: Automaton> Walk for Crate<'_, A> {
    type State = StateID;
    fn start(&self) -> Option<StateID> {
        self.0.start_state(Anchored::No).ok()
    }
    #[inline(always)]
    fn next(&self, s: StateID, b: u8) -> StateID {
        self.0.next_state(Anchored::No, s, b)
    }
    #[inline(always)]
    fn is_special(&self, s: StateID) -> bool {
        self.0.is_special(s)
    }
    fn is_dead(&self, s: StateID) -> bool {
        self.0.is_dead(s)
    }
    fn is_match(&self, s: StateID) -> bool {
        self.0.is_match(s)
    }
    fn match_len(&self, s: StateID) -> usize {
        self.0.match_len(s)
    }
    fn get(&self, s: StateID, index: usize, end: usize) -> (usize, usize, usize) {
        let pid = self.0.match_pattern(s, index);
        (end - self.0.pattern_len(pid), end, pid.as_usize())
    }
}

/// A DFA as a table with one row per state and one column per byte class, made from one of
/// the crate's automata (the contiguous NFA, whose failure links followed give the DFA's
/// transitions), each entry the next state's row offset, rows in breadth-first order from the
/// start state, so that the states a text visits most (the start state and those a few bytes
/// from it) sit together and stay in the cache. The crate's DFA pads rows to a power of two
/// columns and merges fewer bytes into a class: for the 1,330 built-in phrases (11,835 states)
/// 97 classes in rows of 128, 7.8 MB, against 73 classes and 3.5 MB here.
///
/// State 0 is the dead state (leftmost searches enter it once no longer match can follow),
/// states `1..=last_match` the match states, so one comparison finds both; then the others.
/// States are named by row offset (number times `stride`).
#[derive(Debug)]
pub(crate) struct Dense {
    /// The byte class of each byte: bytes that occur in no pattern share class 0 when there
    /// are such bytes; every other byte has a class of its own.
    classes: [u8; 256],
    stride: usize,
    table: Vec<u32>,
    start: u32,
    last_match: u32,
    /// Matches of match state `s`: `match_list[match_at[s - 1]..match_at[s]]`, as (pattern,
    /// pattern length).
    match_at: Vec<u32>,
    match_list: Vec<(u32, u32)>,
}

impl Dense {
    /// The table of `a`, an unanchored automaton of `patterns` (the contiguous NFA, or the DFA
    /// the crate builds: the same transitions); `None` when it has more entries than 32 bits
    /// count, or a state identifier beyond `a`'s memory use / 4.
    fn new<A: Automaton, P: AsRef<[u8]>>(a: &A, patterns: &[P]) -> Option<Dense> {
        let (classes, reps) = byte_classes(patterns);
        let stride = reps.len();
        // Breadth-first from the start state. The crate's state identifiers index its
        // transition table or state array (4 bytes a unit), so they are below its memory use / 4:
        // `bfs[sid]` is 1 + the state's place in `order`, 0 while unseen.
        let start = a.start_state(Anchored::No).ok()?;
        let mut bfs = vec![0u32; a.memory_usage() / 4 + 1];
        let mut order = vec![start];
        let mut raw: Vec<u32> = Vec::new();
        *bfs.get_mut(start.as_usize())? = 1;
        let mut k = 0;
        while k < order.len() {
            let s = order[k];
            k += 1;
            for &b in &reps {
                let t = a.next_state(Anchored::No, s, b);
                let seen = bfs.get_mut(t.as_usize())?;
                if *seen == 0 {
                    order.push(t);
                    *seen = order.len() as u32;
                }
                raw.push(*seen - 1);
            }
            if (order.len() + 1) * stride > u32::MAX as usize {
                return None;
            }
        }
        // The map is as large as the crate's table: gone before the copy is made.
        drop(bfs);
        // Numbers, by place in `order`: 0 the dead state, then the match states, then the
        // rest, each in breadth-first order.
        let mut ids = vec![0u32; order.len()];
        let mut next_id = 1u32;
        let mut match_at = vec![0u32];
        let mut match_list = Vec::new();
        for (i, &s) in order.iter().enumerate() {
            if a.is_match(s) {
                ids[i] = next_id;
                next_id += 1;
                for m in 0..a.match_len(s) {
                    let pid = a.match_pattern(s, m);
                    match_list.push((pid.as_u32(), a.pattern_len(pid) as u32));
                }
                match_at.push(match_list.len() as u32);
            }
        }
        let last_match = next_id - 1;
        for (i, &s) in order.iter().enumerate() {
            if !a.is_dead(s) && !a.is_match(s) {
                ids[i] = next_id;
                next_id += 1;
            }
        }
        // Each entry is the next state's row offset (its number times `stride`).
        let mut table = vec![0u32; next_id as usize * stride];
        for (i, row) in raw.chunks_exact(stride).enumerate() {
            let at = ids[i] as usize * stride;
            for (cell, &t) in table[at..at + stride].iter_mut().zip(row) {
                *cell = ids[t as usize] * stride as u32;
            }
        }
        Some(Dense {
            classes,
            stride,
            table,
            start: ids[0] * stride as u32,
            last_match: last_match * stride as u32,
            match_at,
            match_list,
        })
    }

    /// True when the start state is a match state: the empty pattern.
    fn matches_empty(&self) -> bool {
        self.start != 0 && self.start <= self.last_match
    }
}

/// The byte classes of the automaton of `patterns` and one byte of each class. A byte in no
/// pattern labels no edge of the trie, so every state goes to the same place on each such
/// byte: those share class 0; every other byte has a class of its own.
fn byte_classes<P: AsRef<[u8]>>(patterns: &[P]) -> ([u8; 256], Vec<u8>) {
    let mut present = [false; 256];
    for p in patterns {
        for &b in p.as_ref() {
            present[b as usize] = true;
        }
    }
    let mut classes = [0u8; 256];
    let mut reps: Vec<u8> = (0..=255u8)
        .find(|&b| !present[b as usize])
        .into_iter()
        .collect();
    for b in 0..=255u8 {
        if present[b as usize] {
            classes[b as usize] = reps.len() as u8;
            reps.push(b);
        }
    }
    (classes, reps)
}

impl Walk for Dense {
    type State = u32;
    fn start(&self) -> Option<u32> {
        Some(self.start)
    }
    #[inline(always)]
    fn next(&self, s: u32, b: u8) -> u32 {
        self.table[s as usize + usize::from(self.classes[usize::from(b)])]
    }
    #[inline(always)]
    fn is_special(&self, s: u32) -> bool {
        s <= self.last_match
    }
    fn is_dead(&self, s: u32) -> bool {
        s == 0
    }
    fn is_match(&self, s: u32) -> bool {
        s != 0 && s <= self.last_match
    }
    fn match_len(&self, s: u32) -> usize {
        let s = s as usize / self.stride;
        (self.match_at[s] - self.match_at[s - 1]) as usize
    }
    fn get(&self, s: u32, index: usize, end: usize) -> (usize, usize, usize) {
        let (pid, len) =
            self.match_list[self.match_at[s as usize / self.stride - 1] as usize + index];
        (end - len as usize, end, pid as usize)
    }
}

/// A match: (start, end, pattern).
type Mat = (usize, usize, usize);

/// How a leftmost-longest walk ended ([`walk_from`]).
enum Stop<S> {
    /// The automaton died (or has no start state), with the last match seen.
    Died(Option<Mat>),
    /// The walk reached its end alive in this state, with the last match seen.
    Reached(S, Option<Mat>),
}

/// The walk of a leftmost-longest automaton from the start state at `at` up to `to`,
/// remembering the last match state's match.
fn walk_from<W: Walk>(a: &W, hay: &[u8], at: usize, to: usize) -> Stop<W::State> {
    let Some(mut sid) = a.start() else {
        return Stop::Died(None);
    };
    let mut mat = a.is_match(sid).then(|| a.get(sid, 0, at));
    for (i, &b) in hay[..to].iter().enumerate().skip(at) {
        sid = a.next(sid, b);
        if a.is_special(sid) {
            if a.is_dead(sid) {
                return Stop::Died(mat);
            } else if a.is_match(sid) {
                mat = Some(a.get(sid, 0, i + 1));
            }
        }
    }
    Stop::Reached(sid, mat)
}

/// The leftmost-longest match starting the search at `at`: the last match state's match
/// before the automaton dies or the text ends.
fn leftmost_from<W: Walk>(a: &W, hay: &[u8], at: usize) -> Option<Mat> {
    match walk_from(a, hay, at, hay.len()) {
        Stop::Died(m) | Stop::Reached(_, m) => m,
    }
}

fn leftmost<W: Walk>(a: &W, hay: &[u8], f: impl FnMut(usize, usize, usize)) {
    leftmost_at(a, hay, 0, f);
}

/// [`leftmost`] with the search starting at `at`.
fn leftmost_at<W: Walk>(a: &W, hay: &[u8], mut at: usize, mut f: impl FnMut(usize, usize, usize)) {
    let mut last_end = None;
    while at <= hay.len() {
        let Some(mut m) = leftmost_from(a, hay, at) else {
            return;
        };
        // An empty match where the last one ended: search again one byte on.
        if m.0 == m.1 && Some(m.1) == last_end {
            if at + 1 > hay.len() {
                return;
            }
            match leftmost_from(a, hay, at + 1) {
                Some(n) => m = n,
                None => return,
            }
        }
        f(m.0, m.1, m.2);
        at = m.1;
        last_end = Some(m.1);
    }
}

fn overlapping<W: Walk>(a: &W, hay: &[u8], mut f: impl FnMut(usize, usize, usize)) {
    let Some(mut sid) = a.start() else {
        return;
    };
    if a.is_match(sid) {
        report(a, sid, 0, &mut f);
    }
    for (i, &b) in hay.iter().enumerate() {
        sid = a.next(sid, b);
        if a.is_special(sid) && a.is_match(sid) {
            report(a, sid, i + 1, &mut f);
        }
    }
}

/// Every match of match state `sid` at `end`.
fn report<W: Walk>(a: &W, sid: W::State, end: usize, f: &mut impl FnMut(usize, usize, usize)) {
    for k in 0..a.match_len(sid) {
        let (s, e, p) = a.get(sid, k, end);
        f(s, e, p);
    }
}

/// Where the leftmost-longest walk stands in [`joint`].
enum Leftmost {
    /// Walking: the state after the bytes before the loop's position, and the longest match
    /// seen since the walk last started.
    At(u32, Option<Mat>),
    /// Found nothing more to the end of the text.
    Done,
}

/// The walk of [`leftmost`] up to `to`, after reporting `first` and restarting at its end
/// (and again after each match it ends in the same stretch).
fn catch_up(
    a: &Dense,
    hay: &[u8],
    first: Mat,
    to: usize,
    f: &mut impl FnMut(usize, usize, usize),
) -> Leftmost {
    let mut m = first;
    loop {
        f(m.0, m.1, m.2);
        match walk_from(a, hay, m.1, to) {
            Stop::Died(Some(n)) => m = n,
            Stop::Died(None) => return Leftmost::Done,
            Stop::Reached(sid, mat) => return Leftmost::At(sid, mat),
        }
    }
}

/// [`leftmost`] of `l` and [`overlapping`] of `o` in one loop over `hay`. `l` does not
/// match the empty string, so a leftmost match is never empty. When the leftmost walk dies
/// at byte `i`, its match is reported and the walk restarts at the match's end and catches
/// up to `i + 1` alone ([`catch_up`]); the overlapping walk never restarts.
fn joint(
    l: &Dense,
    o: &Dense,
    hay: &[u8],
    mut fl: impl FnMut(usize, usize, usize),
    mut fo: impl FnMut(usize, usize, usize),
) {
    let mut os = o.start;
    if o.is_match(os) {
        report(o, os, 0, &mut fo);
    }
    let mut left = Leftmost::At(l.start, None);
    for (i, &b) in hay.iter().enumerate() {
        os = o.next(os, b);
        if o.is_special(os) && o.is_match(os) {
            report(o, os, i + 1, &mut fo);
        }
        let Leftmost::At(ls, mat) = &mut left else {
            continue;
        };
        *ls = l.next(*ls, b);
        if l.is_special(*ls) {
            if l.is_dead(*ls) {
                left = match *mat {
                    Some(m) => catch_up(l, hay, m, i + 1, &mut fl),
                    None => Leftmost::Done,
                };
            } else if l.is_match(*ls) {
                *mat = Some(l.get(*ls, 0, i + 1));
            }
        }
    }
    // The text's end: the last match, and the walk on from its end.
    if let Leftmost::At(_, Some(m)) = left {
        fl(m.0, m.1, m.2);
        leftmost_at(l, hay, m.1, fl);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::AhoCorasick;

    type Found = Vec<(usize, usize, usize)>;

    /// The three forms of the automaton of `set`: the dense copy, the crate's DFA and the
    /// contiguous NFA.
    fn forms(set: &[&str], kind: MatchKind) -> [Automata; 3] {
        let d = || {
            dfa::Builder::new()
                .match_kind(kind)
                .prefilter(false)
                .build(set)
                .unwrap()
        };
        let Ok(dense @ Automata::Dense(_)) = Automata::new(set, kind) else {
            panic!("{set:?} fits a dense table");
        };
        let nfa = nfa::contiguous::Builder::new()
            .match_kind(kind)
            .build(set)
            .unwrap();
        [dense, Automata::Dfa(d()), Automata::Nfa(nfa)]
    }

    /// Random texts over a small alphabet (with bytes in no pattern, and a two-byte letter)
    /// and pattern sets with shared prefixes, suffixes and an empty pattern: every match as the
    /// crate's iterators give them, for both kinds, in each form; and the joint loop of a
    /// leftmost and an overlapping automaton gives what the two loops give alone.
    #[test]
    fn the_loops_find_what_the_crate_iterators_find() {
        let sets: [&[&str]; 5] = [
            &["ab", "abc", "bc", "c", "abcd"],
            &["shop now", "shop", "now on", "on amazon", "n"],
            &["aa", "a", "aaa"],
            &["", "ab", "b"],
            &["\u{e9}t\u{e9}", "t\u{e9}", "bad", "a d"],
        ];
        let alphabet: Vec<u8> = "abcd sho pnwmz\u{e9}t\x01".bytes().collect();
        let mut seed = 0x2545_f491_u64;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) as usize % n
        };
        for round in 0..3000 {
            let set = sets[round % sets.len()];
            let other = sets[(round / sets.len()) % sets.len()];
            let hay: Vec<u8> = (0..next(60))
                .map(|_| alphabet[next(alphabet.len())])
                .collect();
            let show = String::from_utf8_lossy(&hay);
            let ll = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(set)
                .unwrap();
            let want_ll: Found = ll
                .find_iter(&hay)
                .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
                .collect();
            let std = AhoCorasick::new(other).unwrap();
            let want_std: Found = std
                .find_overlapping_iter(&hay)
                .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
                .collect();
            let lefts = forms(set, MatchKind::LeftmostLongest);
            let overs = forms(other, MatchKind::Standard);
            for (l, o) in lefts.iter().zip(&overs) {
                let (mut got_ll, mut got_std) = (Found::new(), Found::new());
                l.leftmost(&hay, |s, e, p| got_ll.push((s, e, p)));
                o.overlapping(&hay, |s, e, p| got_std.push((s, e, p)));
                assert_eq!(got_ll, want_ll, "{set:?} leftmost {show:?} {l:?}");
                assert_eq!(got_std, want_std, "{other:?} overlapping {show:?}");
                let (mut joint_ll, mut joint_std) = (Found::new(), Found::new());
                l.leftmost_and_overlapping(
                    o,
                    &hay,
                    |s, e, p| joint_ll.push((s, e, p)),
                    |s, e, p| joint_std.push((s, e, p)),
                );
                assert_eq!(joint_ll, want_ll, "{set:?} joint {show:?}");
                assert_eq!(joint_std, want_std, "{other:?} joint {show:?}");
            }
        }
    }

    /// The phrases and exceptions of `rules`, normalized, as the phrase automaton holds them.
    fn builtin_phrases(rules: &crate::rules::RuleSet) -> Vec<String> {
        (rules.rules.iter())
            .flat_map(|r| r.rule.phrases.iter().chain(&r.rule.exceptions))
            .map(|p| crate::pattern::normalize_phrase(p))
            .collect()
    }

    /// The dense tables of the built-in phrases and regex literals, made from the crate's
    /// contiguous NFA as the matcher makes them, are the tables made from the crate's DFA.
    #[test]
    fn dense_tables_from_the_nfa_are_those_from_the_dfa() {
        let rules = crate::rules::RuleSet::builtin().unwrap();
        let phrases = builtin_phrases(&rules);
        let re = super::super::Regexes::new(&rules).unwrap();
        let mut literals: Vec<Vec<u8>> = Vec::new();
        literals.extend(
            re.prefiltered
                .iter()
                .flat_map(|p| p.literals().iter().cloned()),
        );
        literals.extend(
            re.triggered
                .iter()
                .flat_map(|t| t.literals().iter().cloned()),
        );
        let check = |set: &[Vec<u8>], kind| {
            let Ok(Automata::Dense(from_nfa)) = Automata::new(set, kind) else {
                panic!("fits a dense table");
            };
            let d = dfa::Builder::new().match_kind(kind).build(set).unwrap();
            let from_dfa = Dense::new(&d, set).unwrap();
            assert_eq!(from_nfa.classes, from_dfa.classes);
            assert_eq!(from_nfa.table, from_dfa.table);
            assert_eq!(
                (from_nfa.start, from_nfa.last_match),
                (from_dfa.start, from_dfa.last_match)
            );
            assert_eq!(from_nfa.match_at, from_dfa.match_at);
            assert_eq!(from_nfa.match_list, from_dfa.match_list);
            from_nfa.table.len() / from_nfa.stride
        };
        let bytes: Vec<Vec<u8>> = phrases.iter().map(|p| p.as_bytes().to_vec()).collect();
        assert!(check(&bytes, MatchKind::LeftmostLongest) > 10_000);
        assert!(check(&literals, MatchKind::Standard) > 1_000);
    }

    /// The dense table of the built-in phrases, made as the matcher makes it: every state and
    /// byte goes where the crate's DFA goes (class 0 stands for the bytes in no phrase).
    #[test]
    fn the_dense_copy_of_the_builtin_phrases_has_the_crates_transitions() {
        let phrases = builtin_phrases(&crate::rules::RuleSet::builtin().unwrap());
        let d = dfa::Builder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .prefilter(false)
            .build(&phrases)
            .unwrap();
        let Ok(Automata::Dense(dense)) = Automata::new(&phrases, MatchKind::LeftmostLongest) else {
            panic!("the built-in phrases fit a dense table");
        };
        assert!(dense.stride < 128, "{} classes", dense.stride);
        // Walk both over every byte from every dense state reached by a breadth-first search,
        // pairing the states.
        let mut pairs = vec![(dense.start, d.start_state(Anchored::No).unwrap())];
        let mut seen = std::collections::HashMap::new();
        seen.insert(dense.start, d.start_state(Anchored::No).unwrap());
        while let Some((s, t)) = pairs.pop() {
            assert_eq!(Walk::is_match(&dense, s), d.is_match(t));
            assert_eq!(Walk::is_dead(&dense, s), d.is_dead(t));
            for b in 0..=255u8 {
                let (s2, t2) = (dense.next(s, b), d.next_state(Anchored::No, t, b));
                match seen.insert(s2, t2) {
                    None => pairs.push((s2, t2)),
                    Some(before) => assert_eq!(before, t2, "one crate state per dense state"),
                }
            }
        }
        // Leftmost-longest: the dead state is reached too.
        assert!(seen.contains_key(&0));
        assert_eq!(seen.len(), dense.table.len() / dense.stride, "every state");
    }
}
