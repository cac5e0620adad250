//! The matcher's own search loop over one Aho-Corasick automaton of the phrases and the regex
//! literals together: every match, overlapping, walked one byte at a time; the phrases'
//! leftmost-longest matches are then picked from their overlapping ones ([`leftmost_longest`]),
//! the literals' matches passed on as they are. The results are those of the crate's
//! `find_iter` (leftmost-longest, phrases) and `find_overlapping_iter` (literals).
//!
//! Measured with cachegrind on 5 MB of the bench JSONL: the phrase search went from 18.7 to
//! 11.8 instructions a byte with a loop of our own (the crate's `find_iter` makes a search call
//! per match, with its set-up).
//!
//! The search waits on memory, not on instructions: each step loads the next state from a
//! table of megabytes, and that load needs the one before. So the automaton is copied into a
//! [`Dense`] table (smaller, the hot rows together), and texts of [`SPLIT`] bytes or more are
//! walked in [`PARTS`] parts in one loop ([`walk_parts`]), where the chains of loads overlap.
//!
//! Until wave 2, session 14 the phrases had an automaton of their own, built leftmost-longest,
//! walked beside the literals' one in two halves: four chains of loads, two table loads a
//! byte. One automaton of both needs one load a byte, and four parts keep four chains; a
//! leftmost-longest walk also had to restart after each match, where an overlapping walk never
//! does. Bench JSONL under cachegrind: see DESIGN.md, session 14.

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::{Anchored, MatchKind, dfa, nfa};

use super::spare;

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
    /// The standard automaton of `patterns` (every match), for unanchored searches.
    pub(crate) fn new<P: AsRef<[u8]>>(patterns: &[P]) -> Result<Automata, String> {
        if let Some(dense) = Dense::build(patterns) {
            return Ok(Automata::Dense(dense));
        }
        if let Some(wide) = Dense::build(patterns) {
            return Ok(Automata::Wide(wide));
        }
        let kind = MatchKind::Standard;
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

    /// Calls `f(start, end, pattern)` for every match of `hay`, by end, as
    /// `AhoCorasick::find_overlapping_iter` gives them (the automaton built standard).
    pub(crate) fn overlapping(&self, hay: &[u8], mut f: impl FnMut(usize, usize, usize)) {
        match self {
            Automata::Dense(a) => walk_parts(a, hay, &mut f),
            Automata::Wide(a) => walk_parts(a, hay, &mut f),
            Automata::Dfa(a) => overlapping(&Crate(a), hay, f),
            Automata::Nfa(a) => overlapping(&Crate(a), hay, f),
        }
    }
}

/// The phrases and the regex literals in one automaton (built standard: every match): one walk
/// finds both.
#[derive(Debug)]
pub(crate) struct Joint {
    automata: Automata,
    /// Patterns below this number are phrases, the others literals.
    phrases: usize,
}

impl Joint {
    /// The automaton of `phrases` followed by `literals`; none may be empty (an empty phrase
    /// does not load, and every literal has a byte or more).
    pub(crate) fn new<P: AsRef<[u8]>, Q: AsRef<[u8]>>(
        phrases: &[P],
        literals: &[Q],
    ) -> Result<Joint, String> {
        let all: Vec<&[u8]> = (phrases.iter().map(AsRef::as_ref))
            .chain(literals.iter().map(AsRef::as_ref))
            .collect();
        if all.iter().any(|p| p.is_empty()) {
            return Err("an empty pattern".into());
        }
        Ok(Joint {
            automata: Automata::new(&all)?,
            phrases: phrases.len(),
        })
    }

    /// Calls `fl(start, end, phrase)` for the phrases' leftmost-longest matches of `hay`, left
    /// to right, as `AhoCorasick::find_iter` of an automaton of the phrases built
    /// leftmost-longest gives them, and `fo(start, end, literal)` for every match of the
    /// literals, by end, as `find_overlapping_iter` of theirs gives them.
    pub(crate) fn find(
        &self,
        hay: &[u8],
        fl: impl FnMut(usize, usize, usize),
        mut fo: impl FnMut(usize, usize, usize),
    ) {
        let split = self.phrases;
        // About one phrase match in 20 bytes of the bench JSONL's texts, most of them in words.
        let mut phrases = spare::take(&spare::MATCHES, hay.len() / 16);
        self.automata.overlapping(hay, |s, e, p| {
            if p < split {
                phrases.push((s, e, p));
            } else {
                fo(s, e, p - split);
            }
        });
        leftmost_longest(&mut phrases, fl);
        spare::give_back(&spare::MATCHES, phrases);
    }
}

/// Calls `f` for the leftmost-longest matches among `all`, every match of a set of distinct
/// non-empty patterns in a text: the match that starts first, the longest of those, then the
/// same from its end on, as a leftmost-longest search finds them.
fn leftmost_longest(all: &mut [Mat], mut f: impl FnMut(usize, usize, usize)) {
    // By start, longer first; a pattern is one string, so no two matches share both ends.
    all.sort_unstable_by_key(|&(s, e, p)| (s, std::cmp::Reverse(e), p));
    let mut from = 0;
    for &(s, e, p) in all.iter() {
        if s >= from {
            f(s, e, p);
            from = e;
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
/// made here ([`Dense::build`]), each entry the next state's number, states in breadth-first
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
/// DFAs share with them. Since session 14 one table holds both (19,211 states, 85 classes,
/// 3.3 MB).
/// An automaton of more than 65,536 states takes 32-bit entries ([`Automata::Wide`]).
///
/// State 0 is the dead state (never entered: the automaton is standard), states
/// `1..=last_match` the match states, so one comparison finds them; then the others.
#[derive(Debug)]
pub(crate) struct Dense<E> {
    /// Per byte: its class times the number of states, the start of the class's column.
    cols: [u32; 256],
    /// Column-major: `table[cols[byte] + state]` is the next state's number.
    table: Vec<E>,
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

/// The trie of `patterns` over byte classes, in flat arrays: node 0 is the root, a node's
/// children a list through `first` and `next` (0 ends it: the root is nobody's child), the
/// class of the edge into node `v` is `class[v]`, and the root's children are also indexed by
/// class (`root`), where nearly every pattern's first step goes. `end[p]` is the node where
/// pattern `p` ends.
///
/// Until session 24 the trie was a `Vec` of edges and one of ends per node, about 38,000 small
/// allocations for the built-in packs, and its DFA was made in rows (one per node, 3.3 MB)
/// before the table was copied from them: 2,600 of a start-up's 3,600 page faults (each about
/// 1.6 us on this machine) came from those three.
struct Trie {
    first: Vec<u32>,
    next: Vec<u32>,
    class: Vec<u8>,
    root: Vec<u32>,
    end: Vec<u32>,
}

impl Trie {
    fn new<P: AsRef<[u8]>>(patterns: &[P], classes: &[u8; 256], stride: usize) -> Trie {
        let mut t = Trie {
            first: vec![0],
            next: vec![0],
            class: vec![0],
            root: vec![0; stride],
            end: Vec::with_capacity(patterns.len()),
        };
        for p in patterns {
            let mut u = 0u32;
            for &b in p.as_ref() {
                let c = classes[usize::from(b)];
                u = match t.child(u, c) {
                    0 => t.add(u, c),
                    v => v,
                };
            }
            t.end.push(u);
        }
        t
    }

    fn len(&self) -> usize {
        self.first.len()
    }

    /// The child of `u` by an edge of class `c`, 0 when it has none.
    #[inline]
    fn child(&self, u: u32, c: u8) -> u32 {
        if u == 0 {
            return self.root[usize::from(c)];
        }
        let mut v = self.first[u as usize];
        while v != 0 && self.class[v as usize] != c {
            v = self.next[v as usize];
        }
        v
    }

    /// A new child of `u` by an edge of class `c`.
    fn add(&mut self, u: u32, c: u8) -> u32 {
        let v = self.first.len() as u32;
        self.first.push(0);
        self.class.push(c);
        if u == 0 {
            self.root[usize::from(c)] = v;
            self.next.push(0);
        } else {
            self.next.push(self.first[u as usize]);
            self.first[u as usize] = v;
        }
        v
    }

    /// Pushes `u`'s children onto `kids` as (class, node), in class order.
    fn children(&self, u: u32, kids: &mut Vec<(u8, u32)>) {
        kids.clear();
        if u == 0 {
            let edges = self.root.iter().enumerate().filter(|&(_, &v)| v != 0);
            kids.extend(edges.map(|(c, &v)| (c as u8, v)));
            return;
        }
        let mut v = self.first[u as usize];
        while v != 0 {
            kids.push((self.class[v as usize], v));
            v = self.next[v as usize];
        }
        kids.sort_unstable();
    }
}

/// The Aho-Corasick structure of a trie, breadth-first (children in class order): the nodes in
/// that order, each node's failure link, and every edge as (class, rank in `order` of the node
/// it leaves, node it enters), in the order of the nodes they leave.
struct Links {
    order: Vec<u32>,
    fail: Vec<u32>,
    edges: Vec<(u8, u32, u32)>,
}

fn links(trie: &Trie) -> Links {
    let n = trie.len();
    let mut order: Vec<u32> = Vec::with_capacity(n);
    let mut fail = vec![0u32; n];
    let mut edges = Vec::with_capacity(n);
    let mut kids = Vec::new();
    order.push(0);
    let mut k = 0;
    while k < order.len() {
        let u = order[k];
        trie.children(u, &mut kids);
        for &(c, v) in &kids {
            // Where the DFA goes from `u`'s failure link on `c`: its child there, else its
            // failure link's, and so on to the root, which stays at the root.
            fail[v as usize] = if u == 0 {
                0
            } else {
                let mut f = fail[u as usize];
                loop {
                    match trie.child(f, c) {
                        0 if f != 0 => f = fail[f as usize],
                        w => break w,
                    }
                }
            };
            order.push(v);
            edges.push((c, k as u32, v));
        }
        k += 1;
    }
    Links { order, fail, edges }
}

/// `items` (key, value) grouped by key, each group in the items' order (a counting sort): key
/// `k`'s values are `list[at[k]..at[k + 1]]`. Returns `(at, list)`.
fn grouped<T: Copy + Default>(
    keys: usize,
    items: impl Iterator<Item = (usize, T)> + Clone,
) -> (Vec<usize>, Vec<T>) {
    let mut at = vec![0usize; keys + 1];
    for (k, _) in items.clone() {
        at[k + 1] += 1;
    }
    for k in 0..keys {
        at[k + 1] += at[k];
    }
    let mut list = vec![T::default(); at[keys]];
    let mut fill = at.clone();
    for (k, v) in items {
        list[fill[k]] = v;
        fill[k] += 1;
    }
    (at, list)
}

/// Each node's patterns, in pattern order ([`grouped`] by node).
struct Patterns {
    end_at: Vec<usize>,
    ends: Vec<u32>,
}

impl Patterns {
    fn new(trie: &Trie) -> Patterns {
        let by_node = (trie.end.iter().enumerate()).map(|(pid, &u)| (u as usize, pid as u32));
        let (end_at, ends) = grouped(trie.len(), by_node);
        Patterns { end_at, ends }
    }

    fn of(&self, u: usize) -> &[u32] {
        &self.ends[self.end_at[u]..self.end_at[u + 1]]
    }
}

/// The states' numbers and matches: 0 the dead state, then the match states (a pattern ends
/// there or at its failure link), then the rest, each breadth-first; each match state's
/// matches as (pattern, length), its own then its failure link's and so on to the start, in
/// the crate's order.
struct Numbers {
    ids: Vec<u32>,
    last_match: u32,
    match_at: Vec<u32>,
    match_list: Vec<(u32, u32)>,
}

fn numbers<P: AsRef<[u8]>>(patterns: &[P], links: &Links, ends: &Patterns) -> Numbers {
    let (order, fail) = (&links.order, &links.fail);
    let mut matches = vec![false; order.len()];
    for &u in order {
        let u = u as usize;
        matches[u] = !ends.of(u).is_empty() || (u != 0 && matches[fail[u] as usize]);
    }
    let mut ids = vec![0u32; order.len()];
    let mut next_id = 1u32;
    let mut match_at = vec![0u32];
    let mut match_list = Vec::new();
    for &u in order.iter().filter(|&&u| matches[u as usize]) {
        ids[u as usize] = next_id;
        next_id += 1;
        let mut x = u as usize;
        loop {
            for &pid in ends.of(x) {
                let len = patterns[pid as usize].as_ref().len() as u32;
                match_list.push((pid, len));
            }
            if x == 0 {
                break;
            }
            x = fail[x] as usize;
        }
        match_at.push(match_list.len() as u32);
    }
    let last_match = next_id - 1;
    for &u in order.iter().filter(|&&u| !matches[u as usize]) {
        ids[u as usize] = next_id;
        next_id += 1;
    }
    Numbers {
        ids,
        last_match,
        match_at,
        match_list,
    }
}

/// The table, column-major, a column at a time (2 bytes a state: 38 KB for the built-in
/// packs, where the failure links' entries are read back): breadth-first, each state's entry
/// is its edge's state, else its failure link's entry (made before it), else for the start
/// the start. The dead state's entries stay 0.
#[allow(unsafe_code)]
fn columns<E: Entry>(links: &Links, ids: &[u32], stride: usize) -> Vec<E> {
    let states = ids.len() + 1;
    let id_of: Vec<u32> = links.order.iter().map(|&u| ids[u as usize]).collect();
    let fail_id: Vec<u32> = (links.order.iter())
        .map(|&u| ids[links.fail[u as usize] as usize])
        .collect();
    // The edges by class, each class's in rank order: (rank of the state left, number of the
    // state entered).
    let edges = (links.edges.iter()).map(|&(c, rank, v)| (usize::from(c), (rank, ids[v as usize])));
    let (class_at, by_class) = grouped(stride, edges);
    let start = ids[0];
    // The unchecked copies below need it; the two bounds checks of each took about a third of
    // the copy loop's instructions (1.6 M entries for the built-in packs).
    assert!(id_of.iter().chain(&fail_id).all(|&x| (x as usize) < states));
    let mut table = vec![E::of(0); states * stride];
    for (c, col) in table.chunks_exact_mut(states).enumerate() {
        // The start's entry, then each edge's and the failure links' entries up to it (a
        // loop of a load and a store each: a test for an edge at every entry cost about 26
        // instructions an entry, 42 M for the built-in packs).
        col[start as usize] = E::of(start);
        let mut from = 1;
        let edges = by_class[class_at[c]..class_at[c + 1]].iter();
        for (rank, v) in edges
            .map(|&(r, v)| (r as usize, v))
            .chain([(id_of.len(), 0)])
        {
            let (ats, fails) = (&id_of[from.min(rank)..rank], &fail_id[from.min(rank)..rank]);
            for (&at, &f) in ats.iter().zip(fails) {
                // SAFETY: every state number is below `states`, `col.len()` (asserted above).
                unsafe { *col.get_unchecked_mut(at as usize) = *col.get_unchecked(f as usize) }
            }
            if rank < id_of.len() {
                col[id_of[rank] as usize] = E::of(v);
            }
            from = rank + 1;
        }
    }
    table
}

impl<E: Entry> Dense<E> {
    /// The standard (every match) Aho-Corasick DFA of `patterns`, made here: the trie
    /// ([`Trie`]), its failure links breadth-first ([`links`]), the states' numbers and
    /// matches ([`numbers`]), then the table a column at a time ([`columns`]). `None` when
    /// it has more states than `E` numbers or more entries than 32 bits count.
    ///
    /// Until session 14 the table was copied from the crate's contiguous NFA, a `next_state`
    /// call (failure links followed) per state and class: 175 M of a one-document scan's 262 M
    /// instructions for the built-in packs.
    fn build<P: AsRef<[u8]>>(patterns: &[P]) -> Option<Dense<E>> {
        let (classes, reps) = byte_classes(patterns);
        let stride = reps.len();
        let trie = Trie::new(patterns, &classes, stride);
        // Numbered with the dead state, which a standard automaton never enters.
        let states = trie.len() + 1;
        if states > E::STATES || states * stride > u32::MAX as usize {
            return None;
        }
        let links = links(&trie);
        let n = numbers(patterns, &links, &Patterns::new(&trie));
        let table = columns(&links, &n.ids, stride);
        let mut cols = [0u32; 256];
        for (col, &c) in cols.iter_mut().zip(&classes) {
            *col = u32::from(c) * states as u32;
        }
        Some(Dense {
            cols,
            table,
            start: n.ids[0],
            last_match: n.last_match,
            match_at: n.match_at,
            match_list: n.match_list,
        })
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
/// columns `cols`. The search loop that keeps the table and columns in locals ([`walk_parts`])
/// calls it as [`Dense::next`] does.
#[inline(always)]
fn step<E: Entry>(t: &[E], cols: &[u32; 256], s: u32, b: u8) -> u32 {
    t[s as usize + cols[usize::from(b)] as usize].get()
}

/// [`step`] without the bounds check, for [`quiet`]: in the two-automaton walk before session
/// 14, four of its ~21 instructions a byte were the checks' compares and branches, and the
/// registers they held pushed the text pointers to the stack.
///
/// Every state number a walk holds comes from its table or is its start ([`Dense::new`]
/// numbers every state below the automaton's count, `states`), and every column starts at
/// `class * states`, below `stride * states`: `s + cols[b]` is inside `t`.
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

/// Texts of at least this many bytes are walked in [`PARTS`] parts at once ([`walk_parts`]).
///
/// 256 until wave 2, session 21: a document of at most 200 characters (`bench-peers.sh`'s
/// short input) was walked in one chain of loads, each waiting on the one before. At 128,
/// paired `-j1` CPU on that input was 0.95x (15 rounds); 64 was no better there, and 1.03x on
/// texts of 125 bytes from a 20-word vocabulary (the rows they reach stay in the cache, so one
/// chain hardly waits), where 128 was 1.00x.
const SPLIT: usize = 128;

/// How many parts of a text [`walk_parts`] walks in one loop: as many chains of table loads
/// overlap.
const PARTS: usize = 4;

/// How many places of each part's walk, after the first, [`walk_parts`] keeps for the walk
/// before it to meet. The automaton's state away from a match depends on the last few bytes
/// only; with 32 every text of the bench JSONL and WARC met (wave 2, session 11, two halves).
const MEET: usize = 32;

/// Where a walk stood after a byte: `(end, state)`, the byte's end and the match state it
/// entered.
type Ends = Vec<(usize, u32)>;

/// [`overlapping`] of a [`Dense`] table: every match of `hay`, by end, as
/// `find_overlapping_iter` gives them.
///
/// A text of [`SPLIT`] bytes or more is walked in [`PARTS`] parts in one loop ([`quiet`]),
/// each walk from the start state at its part's first byte. Each walk's state after a byte is
/// the longest pattern prefix the text ends with there, so a walk that started earlier, gone on
/// past its part's end, stands where the next part's walk stands once the pattern prefix it is
/// in began inside that part: from there both go on alike, and the finds of the one before
/// and of the next from there are those of one walk ([`join`]). The next part's first
/// [`MEET`] places are kept; where they do not meet, the walk before goes on to that part's
/// end alone and its finds replace the part's.
fn walk_parts<E: Entry>(a: &Dense<E>, hay: &[u8], f: &mut impl FnMut(usize, usize, usize)) {
    if a.is_match(a.start) {
        report(a, a.start, 0, f);
    }
    let n = hay.len();
    // About one match state in 16 bytes of the bench JSONL's texts.
    let mut all;
    if n < SPLIT {
        all = spare::take(&spare::PLACES, n / 8);
        walk_one(a, hay, 0..n, a.start, &mut all);
    } else {
        let q = n / PARTS;
        let (t, cols, mark) = (&a.table[..], &a.cols, a.last_match);
        let mut ends: [Ends; PARTS] = std::array::from_fn(|_| spare::take(&spare::PLACES, q / 8));
        // After byte `j` of part `i` (`j < MEET`): its walk's state and how many finds it had.
        let mut kept = [[(0u32, 0usize); MEET]; PARTS];
        let mut s = [a.start; PARTS];
        let k = q.min(MEET);
        for j in 0..k {
            for i in 0..PARTS {
                s[i] = step(t, cols, s[i], hay[i * q + j]);
                if s[i] <= mark {
                    ends[i].push((i * q + j + 1, s[i]));
                }
                kept[i][j] = (s[i], ends[i].len());
            }
        }
        let parts: [&[u8]; PARTS] = std::array::from_fn(|i| &hay[i * q..(i + 1) * q]);
        let mut entered = [(0u32, 0u32); KEEP];
        let mut j = k;
        while j < q {
            // At most `u32::MAX / PARTS` bytes a call, so that `entered` numbers them.
            let to = q.min(j + (u32::MAX as usize / PARTS));
            let (d, after, found) = quiet(t, cols, mark, parts.map(|p| &p[j..to]), s, &mut entered);
            for &(at, state) in &entered[..found] {
                let (i, part) = (at as usize / PARTS, at as usize % PARTS);
                ends[part].push((part * q + j + i + 1, state));
            }
            s = after;
            j += d;
        }
        // The last part's bytes past `PARTS * q`.
        s[PARTS - 1] = walk_one(a, hay, PARTS * q..n, s[PARTS - 1], &mut ends[PARTS - 1]);
        all = std::mem::take(&mut ends[0]);
        let mut state = s[0];
        for i in 1..PARTS {
            let end = if i + 1 < PARTS { (i + 1) * q } else { n };
            let part = Part {
                range: i * q..end,
                kept: &kept[i][..k],
                ends: &ends[i],
                last: s[i],
            };
            state = join(a, hay, state, part, &mut all);
        }
        for list in ends {
            spare::give_back(&spare::PLACES, list);
        }
    }
    for &(end, state) in &all {
        report(a, state, end, f);
    }
    spare::give_back(&spare::PLACES, all);
}

/// A part of a text walked by [`walk_parts`]: its bytes, its walk's state and finds after each
/// of its first bytes, its walk's finds and its last state.
struct Part<'a> {
    range: std::ops::Range<usize>,
    kept: &'a [(u32, usize)],
    ends: &'a [(usize, u32)],
    last: u32,
}

/// The walk that stands in `state` at the start of a part (`range`) goes on into it until it
/// stands where the part's walk stood after the same byte (`kept`); the part's finds from
/// there on (`ends`) are then its own, and so is the part's last state (`last`). Where they do
/// not meet, it walks the part alone. Its finds go to `all`; the state after the part is
/// returned.
fn join<E: Entry>(a: &Dense<E>, hay: &[u8], mut state: u32, part: Part<'_>, all: &mut Ends) -> u32 {
    let Part {
        range,
        kept,
        ends,
        last,
    } = part;
    for (j, &(theirs, found)) in kept.iter().enumerate() {
        let at = range.start + j;
        state = a.next(state, hay[at]);
        if a.is_special(state) {
            all.push((at + 1, state));
        }
        if state == theirs {
            all.extend_from_slice(&ends[found..]);
            return last;
        }
    }
    walk_one(a, hay, range.start + kept.len()..range.end, state, all)
}

/// The walk from `state` through `hay[range]`, one chain: each byte's end and match state
/// where it enters one go to `ends`; the state after the last byte is returned.
fn walk_one<E: Entry>(
    a: &Dense<E>,
    hay: &[u8],
    range: std::ops::Range<usize>,
    mut state: u32,
    ends: &mut Ends,
) -> u32 {
    let from = range.start;
    for (i, &b) in hay[range].iter().enumerate() {
        state = a.next(state, b);
        if a.is_special(state) {
            ends.push((from + i + 1, state));
        }
    }
    state
}

/// How many match states [`quiet`] keeps before it returns.
const KEEP: usize = 256;

/// The walks of [`walk_parts`] in states `s` through the bytes of `parts` (as long as the
/// first), keeping each match state entered in `kept` as `(i * PARTS + part, state)` (after
/// byte `i` of `part`), up to the end or until `kept` may not hold another byte's: the bytes
/// walked, the states after them and how many are kept. No call in the loop: its values stay
/// in registers; and no branch on a match, which comes every few bytes at no foreseeable
/// place: each entry is written, and counted only when it is a match state.
///
/// Until session 14 the loop returned at every match state, which the caller handled one at a
/// time: on the bench JSONL that was about one return per three or four bytes of each part.
#[inline(never)]
fn quiet<E: Entry>(
    t: &[E],
    cols: &[u32; 256],
    mark: u32,
    [x0, x1, x2, x3]: [&[u8]; PARTS],
    [mut s0, mut s1, mut s2, mut s3]: [u32; PARTS],
    kept: &mut [(u32, u32); KEEP],
) -> (usize, [u32; PARTS], usize) {
    let mut n = 0;
    let bytes = x0.iter().zip(x1).zip(x2).zip(x3);
    for (i, (((&b0, &b1), &b2), &b3)) in bytes.enumerate() {
        if n > KEEP - PARTS {
            return (i, [s0, s1, s2, s3], n);
        }
        let at = (i * PARTS) as u32;
        s0 = step_unchecked(t, cols, s0, b0);
        kept[n % KEEP] = (at, s0);
        n += usize::from(s0 <= mark);
        s1 = step_unchecked(t, cols, s1, b1);
        kept[n % KEEP] = (at + 1, s1);
        n += usize::from(s1 <= mark);
        s2 = step_unchecked(t, cols, s2, b2);
        kept[n % KEEP] = (at + 2, s2);
        n += usize::from(s2 <= mark);
        s3 = step_unchecked(t, cols, s3, b3);
        kept[n % KEEP] = (at + 3, s3);
        n += usize::from(s3 <= mark);
    }
    (x0.len(), [s0, s1, s2, s3], n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::AhoCorasick;

    type Found = Vec<(usize, usize, usize)>;

    /// The four forms of the automaton of `set`, built standard: the dense table with 16-bit
    /// and with 32-bit entries, the crate's DFA and the contiguous NFA.
    fn forms<P: AsRef<[u8]>>(set: &[P]) -> [Automata; 4] {
        let kind = MatchKind::Standard;
        let d = dfa::Builder::new()
            .match_kind(kind)
            .prefilter(false)
            .build(set)
            .unwrap();
        let Ok(dense @ Automata::Dense(_)) = Automata::new(set) else {
            panic!("fits a dense table");
        };
        let nfa = nfa::contiguous::Builder::new()
            .match_kind(kind)
            .build(set)
            .unwrap();
        let wide = Automata::Wide(Dense::build(set).unwrap());
        [dense, wide, Automata::Dfa(d), Automata::Nfa(nfa)]
    }

    /// [`Joint`] of `phrases` and `literals` in each of the four [`forms`].
    fn joints(phrases: &[&str], literals: &[&str]) -> [Joint; 4] {
        let all: Vec<&str> = phrases.iter().chain(literals).copied().collect();
        assert!(Joint::new(phrases, literals).is_ok());
        forms(&all).map(|automata| Joint {
            automata,
            phrases: phrases.len(),
        })
    }

    fn overlapping_want(set: &[&str], hay: &[u8]) -> Found {
        (AhoCorasick::new(set).unwrap().find_overlapping_iter(hay))
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect()
    }

    fn leftmost_want(set: &[&str], hay: &[u8]) -> Found {
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(set)
            .unwrap();
        (ac.find_iter(hay))
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect()
    }

    /// Every form's overlapping walk, and the joint walk of every form (phrases leftmost-longest
    /// and literals overlapping from one automaton), give `hay` the crate iterators' matches.
    fn check(phrases: &[&str], literals: &[&str], hay: &[u8], what: &str) {
        let show = String::from_utf8_lossy(hay);
        let want_std = overlapping_want(literals, hay);
        for a in forms(literals) {
            let mut got = Found::new();
            a.overlapping(hay, |s, e, p| got.push((s, e, p)));
            assert_eq!(
                got, want_std,
                "{literals:?} overlapping {what} {show:?} {a:?}"
            );
        }
        if phrases.iter().chain(literals).any(|p| p.is_empty()) {
            return;
        }
        let want_ll = leftmost_want(phrases, hay);
        for j in joints(phrases, literals) {
            let (mut ll, mut std) = (Found::new(), Found::new());
            j.find(
                hay,
                |s, e, p| ll.push((s, e, p)),
                |s, e, p| std.push((s, e, p)),
            );
            assert_eq!(
                ll, want_ll,
                "{phrases:?} leftmost {what} {show:?} {:?}",
                j.automata
            );
            assert_eq!(std, want_std, "{literals:?} joint {what} {show:?}");
        }
    }

    /// Random texts over a small alphabet (with bytes in no pattern, and a two-byte letter)
    /// and pattern sets with shared prefixes, suffixes and an empty pattern: every match as the
    /// crate's iterators give them, overlapping in each form, and leftmost-longest and
    /// overlapping from one joint automaton (sets without the empty pattern).
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
            check(set, other, &hay, "short");
        }
    }

    /// Texts long enough to be walked in parts ([`walk_parts`]): random ones over a small
    /// alphabet, and ones where a walk cannot meet the next part's within [`MEET`] bytes (a
    /// match longer than that spans each part's start), or meets it at once: every match the
    /// crate's iterators give.
    #[test]
    fn texts_walked_in_parts_give_the_crate_iterators_matches() {
        // Longer than MEET (the walks cannot meet inside it) and than SPLIT.
        let long = format!("ab{}d", "c".repeat(3 * MEET + SPLIT));
        let sets: [&[&str]; 5] = [
            &["ab", "abc", "bc", "c", "abcd"],
            &["shop now", "shop", "now on", "on amazon", "n"],
            &["aa", "a", "aaa", "b a"],
            &[long.as_str(), "c", "cc", "ab", "d"],
            &["", "ab", "b"],
        ];
        let alphabet: Vec<u8> = "abcd sho pnwmz\u{e9}t\x01".bytes().collect();
        let mut seed = 0x9e37_79b9_u64;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) as usize % n
        };
        let mut texts: Vec<Vec<u8>> = Vec::new();
        for _ in 0..150 {
            let len = SPLIT + next(3 * SPLIT);
            texts.push((0..len).map(|_| alphabet[next(alphabet.len())]).collect());
        }
        let made = texts.len();
        // The long match spans every part's start; the same with the parts' starts at quiet
        // places; and the text ends inside it (the walk before finishes alone).
        let pad = |n: usize| "z ".repeat(n / 2);
        texts.push(format!("{}{long}{}", pad(SPLIT / 2), pad(SPLIT / 2)).into_bytes());
        texts.push(format!("{}{long}{long}", pad(200)).into_bytes());
        texts.push(format!("{}{}", pad(100), &long[..long.len() - 1]).into_bytes());
        texts.push(format!("{}shop now on amazon{}", pad(SPLIT), pad(SPLIT)).into_bytes());
        texts.push(format!("{}{}", pad(SPLIT), "c".repeat(SPLIT + 1)).into_bytes());
        // Lengths that leave the last part one to three bytes longer.
        for extra in 1..PARTS {
            texts.push(format!("{}{}", "c".repeat(SPLIT), "d".repeat(extra)).into_bytes());
        }
        for (round, hay) in texts.iter().enumerate() {
            assert!(hay.len() >= SPLIT);
            // The made texts with the long pattern's set, each beside every other set.
            let set = sets[if round < made { round } else { 3 } % sets.len()];
            let other = sets[(round / sets.len() + round) % sets.len()];
            check(set, other, hay, &format!("text {round}"));
            check(other, set, hay, &format!("text {round}"));
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

    /// The built-in phrases and regex literals, as the matcher's automaton holds them.
    fn builtin_patterns() -> Vec<Vec<u8>> {
        let rules = crate::rules::RuleSet::builtin().unwrap();
        let (phrases, _) = super::super::build_phrases(&rules).unwrap();
        let re = super::super::Regexes::new(&rules).unwrap();
        let phrases = phrases.into_iter().map(String::into_bytes);
        phrases.chain(re.literals).collect()
    }

    /// The dense table of the built-in phrases and literals, made as the matcher makes it:
    /// every state and byte goes where the crate's DFA goes (class 0 stands for the bytes in
    /// no pattern), and every state has the crate's matches, in its order.
    #[test]
    fn the_dense_table_of_the_builtin_patterns_has_the_crates_transitions_and_matches() {
        let set = builtin_patterns();
        let d = dfa::Builder::new()
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(&set)
            .unwrap();
        let Ok(Automata::Dense(dense)) = Automata::new(&set) else {
            panic!("the built-in patterns fit a dense table");
        };
        let (states, stride) = shape(&dense);
        assert!(stride < 128, "{stride} classes");
        assert!(states > 10_000, "{states} states");
        // Walk both over every byte from every dense state reached by a breadth-first search,
        // pairing the states.
        let mut pairs = vec![(dense.start, d.start_state(Anchored::No).unwrap())];
        let mut seen = std::collections::HashMap::new();
        seen.insert(dense.start, d.start_state(Anchored::No).unwrap());
        while let Some((s, t)) = pairs.pop() {
            assert_eq!(Walk::is_match(&dense, s), d.is_match(t));
            assert_eq!(s == 0, d.is_dead(t));
            if d.is_match(t) {
                let ours: Found = (0..dense.match_len(s))
                    .map(|k| dense.get(s, k, 99))
                    .collect();
                let crates: Found = (0..d.match_len(t))
                    .map(|k| Crate(&d).get(t, k, 99))
                    .collect();
                assert_eq!(ours, crates);
            }
            for b in 0..=255u8 {
                let (s2, t2) = (dense.next(s, b), d.next_state(Anchored::No, t, b));
                match seen.insert(s2, t2) {
                    None => pairs.push((s2, t2)),
                    Some(before) => assert_eq!(before, t2, "one crate state per dense state"),
                }
            }
        }
        // Every state but the dead one, which a standard automaton never enters.
        assert!(!seen.contains_key(&0));
        assert_eq!(seen.len() + 1, states, "every state");
    }
}
