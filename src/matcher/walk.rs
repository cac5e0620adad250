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
//! (1.32 s with 16-bit state numbers, which need a multiplication per byte). Since session 10
//! the tables are column-major with 16-bit entries, half the size with no multiplication
//! ([`Dense`]).
//!
//! Texts of [`SPLIT`] bytes or more are walked in two halves in one loop ([`joint_split`]):
//! four chains of loads overlap. On the bench JSONL's texts the walk alone went from 3.5 to
//! 1.9 ns a byte (1.5 with three parts), and the whole `-j1` scan from 0.73 to 0.69 s of CPU
//! (median of 5 interleaved runs). The four states are kept in locals: in a struct behind a
//! reference they went through memory each byte and the scan gained nothing.
//!
//! Even in locals, two of the four went through the stack every byte (wave 2, session 11): the
//! loop held a call (a special state's handling), so every value live across it needed one of
//! the six callee-saved registers, and the two tables' pointers and lengths took more. Now the
//! loop up to a special state is a function of its own ([`quiet`]), with no call in it, and
//! the two automata's tables are one allocation ([`share`]): one pointer and one length. All
//! four states stay in registers; bench JSONL `-j1` CPU 1.35 -> 1.25 s (median of 9
//! interleaved runs).

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::{Anchored, MatchKind, dfa, nfa};

/// An automaton: a [`Dense`] table made from the crate's contiguous NFA when it fits 32-bit
/// offsets, else the crate's DFA, else a contiguous NFA when the DFA is over the crate's size
/// limits.
#[derive(Debug)]
pub(crate) enum Automata {
    Dense(Dense<u16>),
    Wide(Dense<u32>),
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
        if let Ok(n) = n {
            if let Some(dense) = Dense::new(&n, patterns) {
                return Ok(Automata::Dense(dense));
            }
            if let Some(wide) = Dense::new(&n, patterns) {
                return Ok(Automata::Wide(wide));
            }
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
            Automata::Wide(a) => leftmost(a, hay, f),
            Automata::Dfa(a) => leftmost(&Crate(a), hay, f),
            Automata::Nfa(a) => leftmost(&Crate(a), hay, f),
        }
    }

    /// Calls `f(start, end, pattern)` for every match of `hay`, by end, as
    /// `AhoCorasick::find_overlapping_iter` gives them (the automaton built standard).
    pub(crate) fn overlapping(&self, hay: &[u8], f: impl FnMut(usize, usize, usize)) {
        match self {
            Automata::Dense(a) => overlapping(a, hay, f),
            Automata::Wide(a) => overlapping(a, hay, f),
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
            (Automata::Dense(l), Automata::Dense(o)) if !l.matches_empty() && l.shares(o) => {
                joint(l, o, hay, fl, fo);
            }
            (Automata::Wide(l), Automata::Wide(o)) if !l.matches_empty() && l.shares(o) => {
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

/// A DFA as a table with one column per byte class and one entry per state in each column,
/// made from one of the crate's automata (the contiguous NFA, whose failure links followed
/// give the DFA's transitions), each entry the next state's number, states in breadth-first
/// order from the start state. The crate's DFA pads rows to a power of two columns and merges
/// fewer bytes into a class: for the 1,330 built-in phrases (11,835 states) 97 classes in rows
/// of 128, 7.8 MB, against 73 classes here.
///
/// Column-major with 16-bit entries (wave 2, session 10): a step is `table[cols[byte] +
/// state]`, where `cols[byte]` (the byte's class times the number of states) does not wait on
/// the state, so the chain of loads is as short as with premultiplied 32-bit row offsets
/// (session 6; 16-bit numbers in rows needed a multiplication per byte, which cost more than
/// the smaller table saved), and the table is half as large: the built-in phrases (15,508
/// states, 73 classes) went from 4.5 to 2.3 MB, the regex literals (3,493 states, 58 classes)
/// from 0.8 to 0.4 MB, nearer this machine's L2 cache (2 MB a core), which the regexes' lazy
/// DFAs share with them.
/// An automaton of more than 65,536 states takes 32-bit entries ([`Automata::Wide`]).
///
/// State 0 is the dead state (leftmost searches enter it once no longer match can follow),
/// states `1..=last_match` the match states, so one comparison finds both; then the others.
#[derive(Debug)]
pub(crate) struct Dense<E> {
    /// Per byte: its class times the number of states, the start of the class's column.
    cols: [u32; 256],
    /// Column-major: `table[cols[byte] + state]` is the next state's number. Shared with a
    /// second automaton after [`share`], which puts both in one allocation.
    table: std::sync::Arc<Vec<E>>,
    start: u32,
    last_match: u32,
    /// Matches of match state `s`: `match_list[match_at[s - 1]..match_at[s]]`, as (pattern,
    /// pattern length).
    match_at: Vec<u32>,
    match_list: Vec<(u32, u32)>,
}

/// A table entry, the next state's number: 16 bits while an automaton has at most 65,536
/// states (the built-in phrases have about 15,000), else 32.
pub(crate) trait Entry: Copy + std::fmt::Debug + PartialEq {
    /// How many states entries of this width number.
    const STATES: usize;
    fn of(n: u32) -> Self;
    fn get(self) -> u32;
}

impl Entry for u16 {
    const STATES: usize = 1 << 16;
    fn of(n: u32) -> u16 {
        n as u16
    }
    #[inline(always)]
    fn get(self) -> u32 {
        u32::from(self)
    }
}

impl Entry for u32 {
    // Every state number is a `u32` (and `1 << 32` would not compile for 32-bit targets).
    const STATES: usize = u32::MAX as usize;
    fn of(n: u32) -> u32 {
        n
    }
    #[inline(always)]
    fn get(self) -> u32 {
        self
    }
}

impl<E: Entry> Dense<E> {
    /// The table of `a`, an unanchored automaton of `patterns` (the contiguous NFA, or the DFA
    /// the crate builds: the same transitions); `None` when it has more entries than 32 bits
    /// count, more states than `E` numbers, or a state identifier beyond `a`'s memory use / 4.
    fn new<A: Automaton, P: AsRef<[u8]>>(a: &A, patterns: &[P]) -> Option<Dense<E>> {
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
            // Past what `E` numbers, stop now: [`Automata::new`] tries 16 bits first, and an
            // automaton too large for them must not be walked whole twice.
            if (order.len() + 1) * stride > u32::MAX as usize || order.len() > E::STATES {
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
        let states = next_id as usize;
        if states > E::STATES {
            return None;
        }
        let mut table = vec![E::of(0); states * stride];
        for (i, row) in raw.chunks_exact(stride).enumerate() {
            let at = ids[i] as usize;
            for (c, &t) in row.iter().enumerate() {
                table[c * states + at] = E::of(ids[t as usize]);
            }
        }
        let mut cols = [0u32; 256];
        for (col, &c) in cols.iter_mut().zip(&classes) {
            *col = u32::from(c) * states as u32;
        }
        Some(Dense {
            cols,
            table: std::sync::Arc::new(table),
            start: ids[0],
            last_match,
            match_at,
            match_list,
        })
    }

    /// True when the start state is a match state: the empty pattern.
    fn matches_empty(&self) -> bool {
        self.start != 0 && self.start <= self.last_match
    }

    /// True when `self` and `other` walk one table ([`share`]).
    fn shares(&self, other: &Dense<E>) -> bool {
        std::sync::Arc::ptr_eq(&self.table, &other.table)
    }
}

/// Puts the tables of `a` and `b` in one allocation, when both are [`Dense`] of one width:
/// [`Automata::leftmost_and_overlapping`] then walks both through one slice, which leaves two
/// more registers for the walks' states (with two tables, two of the four states went through
/// memory every byte).
pub(crate) fn share(a: &mut Automata, b: &mut Automata) {
    fn join<E: Entry>(a: &mut Dense<E>, b: &mut Dense<E>) {
        // Every offset into the joined table must fit the columns' 32 bits.
        if u32::try_from(a.table.len() + b.table.len()).is_err() {
            return;
        }
        let base = a.table.len() as u32;
        // `a`'s table is its own until now: taken, not copied.
        let mut one = std::mem::take(std::sync::Arc::make_mut(&mut a.table));
        one.extend_from_slice(&b.table);
        let one = std::sync::Arc::new(one);
        for c in &mut b.cols {
            *c += base;
        }
        a.table = one.clone();
        b.table = one;
    }
    match (a, b) {
        (Automata::Dense(a), Automata::Dense(b)) => join(a, b),
        (Automata::Wide(a), Automata::Wide(b)) => join(a, b),
        _ => {}
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

/// One step of a [`Dense`] walk: the state after byte `b` in state `s`, from table `t` and its
/// columns `cols`. The search loops that keep the table and columns in locals ([`joint_split`],
/// [`quiet`]) call it as [`Dense::next`] does.
#[inline(always)]
fn step<E: Entry>(t: &[E], cols: &[u32; 256], s: u32, b: u8) -> u32 {
    t[s as usize + cols[usize::from(b)] as usize].get()
}

/// [`step`] without the bounds check, for [`quiet`]: four of its ~21 instructions a byte were
/// the checks' compares and branches, and the registers they held pushed the two text
/// pointers to the stack.
///
/// Every state number a walk holds comes from its table or is its start ([`Dense::new`]
/// numbers every state below the automaton's count, `states`), and every column starts at
/// `class * states` (plus, after [`share`], the offset of the automaton's part of the joined
/// table), below `stride * states`: `s + cols[b]` is inside the automaton's part of `t`.
#[inline(always)]
#[allow(unsafe_code)]
fn step_unchecked<E: Entry>(t: &[E], cols: &[u32; 256], s: u32, b: u8) -> u32 {
    let i = s as usize + cols[usize::from(b)] as usize;
    debug_assert!(i < t.len());
    // SAFETY: `i < t.len()`, by how tables and states are made (above).
    unsafe { t.get_unchecked(i) }.get()
}

impl<E: Entry> Walk for Dense<E> {
    type State = u32;
    fn start(&self) -> Option<u32> {
        Some(self.start)
    }
    #[inline(always)]
    fn next(&self, s: u32, b: u8) -> u32 {
        step(&self.table, &self.cols, s, b)
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
        let s = s as usize;
        (self.match_at[s] - self.match_at[s - 1]) as usize
    }
    fn get(&self, s: u32, index: usize, end: usize) -> (usize, usize, usize) {
        let (pid, len) = self.match_list[self.match_at[s as usize - 1] as usize + index];
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

/// Where the leftmost-longest walk stands after a restart ([`catch_up`]).
enum Leftmost {
    /// Walking: the state after the bytes before the loop's position, and the longest match
    /// seen since the walk last started.
    At(u32, Option<Mat>),
    /// Found nothing more to the end of the text.
    Done,
}

/// The walk of [`leftmost`] up to `to`, after reporting `first` and restarting at its end
/// (and again after each match it ends in the same stretch).
fn catch_up<E: Entry>(
    a: &Dense<E>,
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

/// The two walks of [`joint`] at one place of the text: the overlapping walk's state, the
/// leftmost walk's state (the dead one, 0, once it found nothing more to the end) and the
/// longest match it saw since it last started. Two lanes equal at the same place go on alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Lane {
    over: u32,
    left: u32,
    mat: Option<Mat>,
}

impl Lane {
    /// Both walks starting.
    fn new<E: Entry>(l: &Dense<E>, o: &Dense<E>) -> Lane {
        Lane {
            over: o.start,
            left: l.start,
            mat: None,
        }
    }

    /// What a special state after byte `i` means: the overlapping walk's matches; the
    /// leftmost walk's longest match so far, or, when it died, its match reported and the walk
    /// restarted at the match's end and caught up to `i + 1` ([`catch_up`]); dead with no
    /// match, it stays dead (done).
    #[inline(never)]
    fn on_special<E: Entry>(
        &mut self,
        (l, o): (&Dense<E>, &Dense<E>),
        hay: &[u8],
        i: usize,
        fl: &mut impl FnMut(usize, usize, usize),
        fo: &mut impl FnMut(usize, usize, usize),
    ) {
        if o.is_special(self.over) && o.is_match(self.over) {
            report(o, self.over, i + 1, fo);
        }
        if !l.is_special(self.left) {
            return;
        }
        if l.is_match(self.left) {
            self.mat = Some(l.get(self.left, 0, i + 1));
            return;
        }
        let restarted = match self.mat {
            Some(m) => catch_up(l, hay, m, i + 1, fl),
            None => Leftmost::Done,
        };
        match restarted {
            Leftmost::At(s, mat) => (self.left, self.mat) = (s, mat),
            Leftmost::Done => (self.left, self.mat) = (0, None),
        }
    }

    /// Both walks take byte `i` of `hay`.
    #[inline(always)]
    fn step<E: Entry>(
        &mut self,
        both: (&Dense<E>, &Dense<E>),
        hay: &[u8],
        i: usize,
        fl: &mut impl FnMut(usize, usize, usize),
        fo: &mut impl FnMut(usize, usize, usize),
    ) {
        let (l, o) = both;
        self.over = o.next(self.over, hay[i]);
        self.left = l.next(self.left, hay[i]);
        if o.is_special(self.over) | l.is_special(self.left) {
            self.on_special(both, hay, i, fl, fo);
        }
    }

    /// Where the walks stand, to meet other walks at the same place: the two states, the
    /// leftmost one `u32::MAX` while that walk holds a match or is done.
    fn place(&self) -> (u32, u32) {
        let idle = self.mat.is_none() && self.left != 0;
        (self.over, if idle { self.left } else { u32::MAX })
    }

    /// The text's end: the last match, and the leftmost walk on from its end.
    fn finish<E: Entry>(self, l: &Dense<E>, hay: &[u8], fl: &mut impl FnMut(usize, usize, usize)) {
        if let Some(m) = self.mat {
            fl(m.0, m.1, m.2);
            leftmost_at(l, hay, m.1, fl);
        }
    }
}

/// Texts of at least this many bytes are walked in two halves at once ([`joint_split`]).
const SPLIT: usize = 256;

/// How many places of the second half's walks [`joint_split`] keeps for the first half's
/// walks to meet. Those places are walked one byte at a time with a push each, the rest of the
/// half in [`quiet`]: 128 made the scan slower (bench JSONL `-j1` 1.35 -> 1.31 s and 1.42 ->
/// 1.34 s with 32, medians of 11 interleaved runs), and with 32 every one of the bench JSONL's
/// 17,641 texts and the bench WARC's 365 pages met (the automata's states depend on the last
/// few bytes; a match longer than this across the middle makes the first half walk on alone).
const MEET: usize = 32;

/// [`leftmost`] of `l` and [`overlapping`] of `o` in one loop over `hay`. `l` does not
/// match the empty string, so a leftmost match is never empty. When the leftmost walk dies
/// at byte `i`, its match is reported and the walk restarts at the match's end and catches
/// up to `i + 1` alone ([`catch_up`]); the overlapping walk never restarts.
fn joint<E: Entry>(
    l: &Dense<E>,
    o: &Dense<E>,
    hay: &[u8],
    mut fl: impl FnMut(usize, usize, usize),
    mut fo: impl FnMut(usize, usize, usize),
) {
    if o.is_match(o.start) {
        report(o, o.start, 0, &mut fo);
    } else if hay.len() >= SPLIT {
        return joint_split(l, o, hay, fl, fo);
    }
    let mut a = Lane::new(l, o);
    // The states in locals, as in [`joint_split`].
    let (mut ao, mut al) = (a.over, a.left);
    for (i, &x) in hay.iter().enumerate() {
        ao = o.next(ao, x);
        al = l.next(al, x);
        if o.is_special(ao) | l.is_special(al) {
            (a.over, a.left) = (ao, al);
            a.on_special((l, o), hay, i, &mut fl, &mut fo);
            al = a.left;
        }
    }
    (a.over, a.left) = (ao, al);
    a.finish(l, hay, &mut fl);
}

/// [`joint`] (for automata that match no empty string) in two halves walked in one loop:
/// four chains of table loads, each waiting on the one before it, overlap where two did.
///
/// The second half's walks start afresh at its first byte, `m`, and keep what they find
/// aside. The first half's walks then go on past `m` until, after some byte, they stand
/// where the second half's stood after it ([`Lane`]): from there both go on alike, so the
/// first half's finds so far and the second half's from there on are those of one walk.
/// Both are DFAs whose state, away from a match, depends on the last few bytes only, so they
/// meet within about the longest pattern; where they do not within [`MEET`] bytes, the first
/// half's walks go on to the end alone and the second half's finds are dropped.
fn joint_split<E: Entry>(
    l: &Dense<E>,
    o: &Dense<E>,
    hay: &[u8],
    mut fl: impl FnMut(usize, usize, usize),
    mut fo: impl FnMut(usize, usize, usize),
) {
    let both = (l, o);
    // One slice for both automata ([`share`]): one pointer and one length in registers.
    let t: &[E] = &l.table;
    let (lc, oc) = (&l.cols, &o.cols);
    let (n, m) = (hay.len(), hay.len() / 2);
    let (mut a, mut b) = (Lane::new(l, o), Lane::new(l, o));
    let (mut bl, mut bo): (Vec<Mat>, Vec<Mat>) = (Vec::new(), Vec::new());
    // After the second half's walks took byte `m + i`: where they stood and how many finds
    // they had.
    let mut kept: Vec<Kept> = Vec::with_capacity(MEET);
    // The four states in locals, which stay in registers; a lane's other fields change only
    // where a state is special.
    let (mut ao, mut al, mut b_o, mut b_l) = (a.over, a.left, b.over, b.left);
    // What special states after byte `i` of the first half (and `m + i`) mean.
    macro_rules! special {
        ($i:expr) => {{
            let i = $i;
            let (sa, sb) = (
                o.is_special(ao) | l.is_special(al),
                o.is_special(b_o) | l.is_special(b_l),
            );
            if sa {
                (a.over, a.left) = (ao, al);
                a.on_special(both, hay, i, &mut fl, &mut fo);
                al = a.left;
            }
            if sb {
                (b.over, b.left) = (b_o, b_l);
                b.on_special(both, hay, m + i, &mut keep(&mut bl), &mut keep(&mut bo));
                b_l = b.left;
            }
        }};
    }
    let k = m.min(MEET);
    for (i, (&x, &y)) in hay[..k].iter().zip(&hay[m..m + k]).enumerate() {
        ao = step(t, oc, ao, x);
        b_o = step(t, oc, b_o, y);
        al = step(t, lc, al, x);
        b_l = step(t, lc, b_l, y);
        special!(i);
        (b.over, b.left) = (b_o, b_l);
        kept.push((b.place(), bl.len() as u32, bo.len() as u32));
    }
    // The rest of the first half and its partner bytes: [`quiet`] runs the four walks in
    // registers up to a special state, which is seen to here.
    let (xs, ys) = (&hay[k..m], &hay[m + k..2 * m]);
    let marks = (l.last_match, o.last_match);
    let mut i = 0;
    while i < xs.len() {
        let (j, s) = quiet(t, (lc, oc), marks, (&xs[i..], &ys[i..]), [ao, al, b_o, b_l]);
        [ao, al, b_o, b_l] = s;
        i += j;
        if i < xs.len() {
            special!(k + i);
            i += 1;
        }
    }
    (a.over, a.left, b.over, b.left) = (ao, al, b_o, b_l);
    // The second half's last byte when it is the longer by one.
    for i in m..n - m {
        b.step(both, hay, m + i, &mut keep(&mut bl), &mut keep(&mut bo));
        if i < MEET {
            kept.push((b.place(), bl.len() as u32, bo.len() as u32));
        }
    }
    b.finish(l, hay, &mut keep(&mut bl));
    meet(both, hay, m, a, &kept, (&bl, &bo), &mut fl, &mut fo);
}

/// The walks of [`joint_split`]: the overlapping and the leftmost walk in each half, states
/// `[over, left, over 2, left 2]`, through bytes of `x` and `y` (as long) up to the first
/// byte after which a state is special (at most `marks`, the automata's last match states):
/// that byte's index and the states after it, or `x.len()` and the states at the end. No call
/// in the loop: its values stay in registers.
#[inline(never)]
fn quiet<E: Entry>(
    t: &[E],
    (lc, oc): (&[u32; 256], &[u32; 256]),
    (lm, om): (u32, u32),
    (x, y): (&[u8], &[u8]),
    [mut ao, mut al, mut bo, mut bl]: [u32; 4],
) -> (usize, [u32; 4]) {
    for (i, (&x, &y)) in x.iter().zip(y).enumerate() {
        ao = step_unchecked(t, oc, ao, x);
        bo = step_unchecked(t, oc, bo, y);
        al = step_unchecked(t, lc, al, x);
        bl = step_unchecked(t, lc, bl, y);
        if (ao <= om) | (al <= lm) | (bo <= om) | (bl <= lm) {
            return (i, [ao, al, bo, bl]);
        }
    }
    (x.len(), [ao, al, bo, bl])
}

/// A callback that keeps each find in `found`.
fn keep(found: &mut Vec<Mat>) -> impl FnMut(usize, usize, usize) + '_ {
    |s, e, p| found.push((s, e, p))
}

/// What the second half's walks of [`joint_split`] kept after byte `m + i`: where they stood
/// ([`Lane::place`]) and how many finds they had.
type Kept = ((u32, u32), u32, u32);

/// The end of [`joint_split`]: the first half's walks `a` go on from `m` until they stand where
/// the second half's stood after the same byte (`kept`), with no match held; the second
/// half's finds from there on (`found`, leftmost and overlapping) are then reported. Where
/// they do not meet, the first half's walks go on to the end alone.
#[allow(clippy::too_many_arguments)]
fn meet<E: Entry>(
    both: (&Dense<E>, &Dense<E>),
    hay: &[u8],
    m: usize,
    mut a: Lane,
    kept: &[Kept],
    (bl, bo): (&[Mat], &[Mat]),
    fl: &mut impl FnMut(usize, usize, usize),
    fo: &mut impl FnMut(usize, usize, usize),
) {
    let mut met = (a == Lane::new(both.0, both.1)).then_some((0, 0));
    let mut i = 0;
    while met.is_none() && m + i < hay.len() {
        a.step(both, hay, m + i, fl, fo);
        met = kept
            .get(i)
            .filter(|&&((_, left), _, _)| left != u32::MAX)
            .filter(|&&(place, _, _)| place == a.place())
            .map(|&(_, nl, no)| (nl as usize, no as usize));
        i += 1;
    }
    match met {
        Some((nl, no)) => {
            for &(s, e, p) in &bo[no..] {
                fo(s, e, p);
            }
            for &(s, e, p) in &bl[nl..] {
                fl(s, e, p);
            }
        }
        None => a.finish(both.0, hay, fl),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::AhoCorasick;

    type Found = Vec<(usize, usize, usize)>;

    /// The four forms of the automaton of `set`: the dense copy with 16-bit and with 32-bit
    /// entries, the crate's DFA and the contiguous NFA.
    fn forms(set: &[&str], kind: MatchKind) -> [Automata; 4] {
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
        let wide = Automata::Wide(Dense::new(&nfa, set).unwrap());
        [dense, wide, Automata::Dfa(d()), Automata::Nfa(nfa)]
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
            let mut lefts = forms(set, MatchKind::LeftmostLongest);
            let mut overs = forms(other, MatchKind::Standard);
            for (l, o) in lefts.iter_mut().zip(&mut overs) {
                // One table for both, as the matcher has them ([`share`]).
                share(l, o);
                let (l, o) = (&*l, &*o);
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

    /// Texts long enough to be walked in two halves ([`joint_split`]): random ones over a
    /// small alphabet, and ones where the walks cannot meet within [`MEET`] bytes (a match
    /// longer than that spans the middle), or meet at once: the joint loop gives every match
    /// the crate's iterators give.
    #[test]
    fn texts_walked_in_two_halves_give_the_crate_iterators_matches() {
        // Longer than MEET (the halves cannot meet inside it) and, with 100 bytes before it, than
        // SPLIT.
        let long = format!("ab{}d", "c".repeat(3 * MEET + SPLIT));
        let sets: [&[&str]; 4] = [
            &["ab", "abc", "bc", "c", "abcd"],
            &["shop now", "shop", "now on", "on amazon", "n"],
            &["aa", "a", "aaa", "b a"],
            &[long.as_str(), "c", "cc", "ab", "d"],
        ];
        let alphabet: Vec<u8> = "abcd sho pnwmz\u{e9}t\x01".bytes().collect();
        let mut seed = 0x9e37_79b9_u64;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) as usize % n
        };
        let mut texts: Vec<Vec<u8>> = Vec::new();
        for _ in 0..120 {
            let len = SPLIT + next(3 * SPLIT);
            texts.push((0..len).map(|_| alphabet[next(alphabet.len())]).collect());
        }
        // The long match spans the middle; and the same with the middle at a quiet place.
        let pad = |n: usize| "z ".repeat(n / 2);
        texts.push(format!("{}{long}{}", pad(SPLIT / 2), pad(SPLIT / 2)).into_bytes());
        texts.push(format!("{}{long}{long}", pad(200)).into_bytes());
        // The text ends inside the long match: the first half's walks finish alone.
        texts.push(format!("{}{}", pad(100), &long[..long.len() - 1]).into_bytes());
        texts.push(format!("{}shop now on amazon{}", pad(SPLIT), pad(SPLIT)).into_bytes());
        texts.push(format!("{}{}", pad(SPLIT), "c".repeat(SPLIT + 1)).into_bytes());
        for (round, hay) in texts.iter().enumerate() {
            // The made texts with the long pattern's set, each beside every other set.
            let set = sets[if round < 120 { round } else { 3 } % sets.len()];
            let other = sets[(round / sets.len() + round) % sets.len()];
            let want_ll: Found = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(set)
                .unwrap()
                .find_iter(hay)
                .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
                .collect();
            let want_std: Found = AhoCorasick::new(other)
                .unwrap()
                .find_overlapping_iter(hay)
                .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
                .collect();
            // Both widths of the dense table: the first two forms.
            let mut lefts = forms(set, MatchKind::LeftmostLongest);
            let mut overs = forms(other, MatchKind::Standard);
            for (l, o) in lefts.iter_mut().zip(&mut overs).take(2) {
                share(l, o);
                let (l, o) = (&*l, &*o);
                assert!(hay.len() >= SPLIT);
                assert!(
                    matches!(
                        (l, o),
                        (Automata::Dense(l), Automata::Dense(o)) if l.shares(o)
                    ) || matches!(
                        (l, o),
                        (Automata::Wide(l), Automata::Wide(o)) if l.shares(o)
                    )
                );
                let (mut got_ll, mut got_std) = (Found::new(), Found::new());
                l.leftmost_and_overlapping(
                    o,
                    hay,
                    |s, e, p| got_ll.push((s, e, p)),
                    |s, e, p| got_std.push((s, e, p)),
                );
                assert_eq!(got_ll, want_ll, "{set:?} leftmost, text {round} {l:?}");
                assert_eq!(got_std, want_std, "{other:?} overlapping, text {round}");
            }
        }
    }

    /// The number of states and of byte classes of a table.
    fn shape<E: Entry>(d: &Dense<E>) -> (usize, usize) {
        let stride = d
            .cols
            .iter()
            .collect::<std::collections::HashSet<_>>()
            .len();
        (d.table.len() / stride, stride)
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
            let from_dfa: Dense<u16> = Dense::new(&d, set).unwrap();
            assert_eq!(from_nfa.cols, from_dfa.cols);
            assert_eq!(from_nfa.table, from_dfa.table);
            assert_eq!(
                (from_nfa.start, from_nfa.last_match),
                (from_dfa.start, from_dfa.last_match)
            );
            assert_eq!(from_nfa.match_at, from_dfa.match_at);
            assert_eq!(from_nfa.match_list, from_dfa.match_list);
            shape(&from_nfa).0
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
        let (states, stride) = shape(&dense);
        assert!(stride < 128, "{stride} classes");
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
        assert_eq!(seen.len(), states, "every state");
    }
}
