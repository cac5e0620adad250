//! Literal analysis of a prepared regex: the literal prefixes every match starts with (for the
//! anchored prefilter, `matcher::prefix`) and the trigger every match contains (for windows,
//! `matcher::trigger`).
//!
//! A trigger is derived from the regex's syntax tree ([`derive`]): a literal, a short
//! alternation of literals, or a run of literals and small classes in a concatenation that every
//! match must pass through ("sponsored" in `(?:paid\s+)?sponsored\s+by`, `{"off", "rabatt"}` in
//! `\d+\s*%\s*(?:off|rabatt)`). The pattern is parsed case-insensitively, as it is compiled, so
//! a letter whose case folding leaves ASCII (the Kelvin sign for `k`, the long s for `s`, `Ü`
//! for `ü`) is a trigger variant of its own: the trigger automaton folds ASCII case only, and
//! with every variant listed it finds every place a match can be.

use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// Shortest literal worth prefiltering on: shorter ones ("a", "we") occur everywhere.
const MIN_LITERAL: usize = 3;
/// Most literals one regex may contribute.
const MAX_LITERALS: usize = 300;
/// Regexes that may start with a very common word ("the", "is") go to the sets instead: on
/// the eval pages such prefixes made ~1 candidate per 8 bytes of text.
const SKIP_COMMON: bool = true;

/// The literal prefixes every match of `pattern` starts with, lower-cased; `None` when there is
/// no short finite set of them of at least [`MIN_LITERAL`] bytes.
pub fn prefixes(pattern: &str) -> Option<Vec<Vec<u8>>> {
    // Parse case-sensitively (no case variants to enumerate); the automaton folds ASCII case.
    let hir = regex_syntax::ParserBuilder::new()
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()?;
    let mut ex = Extractor::new();
    ex.kind(ExtractKind::Prefix)
        .limit_class(12)
        .limit_repeat(4)
        .limit_literal_len(16)
        .limit_total(MAX_LITERALS);
    let seq = ex.extract(&hir);
    let lits = seq.literals()?;
    if lits.is_empty() || lits.len() > MAX_LITERALS {
        return None;
    }
    let mut out: Vec<Vec<u8>> = lits
        .iter()
        .map(|l| l.as_bytes().to_ascii_lowercase())
        .collect();
    if out
        .iter()
        .any(|l| l.len() < MIN_LITERAL || (SKIP_COMMON && is_common(l)))
    {
        return None;
    }
    out.sort();
    out.dedup();
    Some(out)
}

/// Words so common in prose that a prefilter on them passes nearly every sentence.
fn is_common(lit: &[u8]) -> bool {
    const COMMON: &[&[u8]] = &[
        b"the", b"this", b"that", b"these", b"those", b"is", b"in", b"at", b"for", b"with", b"are",
        b"our", b"you", b"your", b"and", b"use", b"get", b"can", b"was", b"were", b"has", b"have",
        b"not", b"all", b"any", b"one", b"its", b"it's", b"from", b"will", b"may", b"more",
    ];
    let word = lit.trim_ascii_end();
    COMMON.contains(&word)
}

/// Shortest trigger literal: shorter ones ("a", "we") occur everywhere.
pub const MIN_TRIGGER: usize = 3;
/// Most literals one trigger may have.
const MAX_SET: usize = 64;
/// Most parts after the first of a prefixed regex that [`gate_parsed`] looks past for a gate
/// outside the prefix: a prefix literal has at most 16 bytes, each a part of a
/// case-insensitive word.
const MAX_TAILS: usize = 17;
/// Most literals one prefix gate may have ([`gate_parsed`]): a gate literal is found in the
/// matcher's one pass like a trigger, but only its hits near a prefix hit are looked at.
const MAX_GATE_SET: usize = 1024;
/// Most characters a class may stand for and still be part of a trigger literal.
const MAX_CLASS: usize = 8;
/// Words so common that a trigger on them is chosen only when nothing else is required.
const COMMON: &[&[u8]] = &[
    b"the", b"this", b"that", b"these", b"those", b"and", b"you", b"your", b"our", b"for", b"with",
    b"are", b"not", b"all", b"any", b"can", b"was", b"has", b"have", b"will", b"from",
];

/// A set of literals, lower-cased in ASCII; `None` where there is no short finite set.
type Lits = Option<Vec<Vec<u8>>>;

/// A set of literals every match contains one of, and what is known of where.
#[derive(Clone, Default)]
struct Cand {
    set: Lits,
    /// In every match, an occurrence of one of `set` stands right after a byte that is not an
    /// ASCII word byte (or at the start of the text).
    after_non_word: bool,
    /// Every match starts with an occurrence of one of `set`.
    at_start: bool,
}

/// What a sub-pattern tells about its matches.
struct Info {
    /// Every string it matches, when that is a short finite set.
    exact: Lits,
    /// A set of literals every match contains one of.
    required: Cand,
}

/// The trigger of a prepared pack regex (the form [`super::compile_regex`] compiles): the
/// literals (ASCII lower-case) every match contains one of, each at least [`MIN_TRIGGER`]
/// bytes, or `None` when the regex has none.
pub fn derive(prepared: &str) -> Option<Vec<Vec<u8>>> {
    derive_flagged(prepared).map(|(set, _)| set)
}

/// [`derive`], and whether every match holds an occurrence of a trigger literal right after a
/// byte that is not an ASCII word byte (`[0-9A-Za-z_]`), or at the start of the text, where that
/// literal starts with a word byte: then a hit of such a literal right after a word byte ("ad"
/// in "read") can be passed over. (After `\b` only literals starting with a word byte are
/// known to follow a non-word byte: `\bſhop`, the long-s form of "shop", follows a word byte.)
pub fn derive_flagged(prepared: &str) -> Option<(Vec<Vec<u8>>, bool)> {
    derive_parsed(&parse(prepared)?).map(|(set, flag, _)| (set, flag))
}

/// True when every match of a prepared regex starts with an occurrence of its trigger
/// ([`derive`]): the regex can be tried anchored where a trigger hit starts.
pub fn trigger_starts_match(prepared: &str) -> bool {
    parse(prepared)
        .and_then(|h| derive_parsed(&h))
        .is_some_and(|(_, _, at_start)| at_start)
}

/// [`derive_flagged`] of a regex already parsed ([`parse`]), and whether every match starts
/// with an occurrence of the trigger.
pub(super) fn derive_parsed(hir: &Hir) -> Option<(Vec<Vec<u8>>, bool, bool)> {
    derive_within::<MAX_SET>(hir)
}

/// [`derive_parsed`] with sets of at most `L` literals.
fn derive_within<const L: usize>(hir: &Hir) -> Option<(Vec<Vec<u8>>, bool, bool)> {
    let c = best(info::<L>(hir));
    let set = c.set?;
    usable(&set).then_some((set, c.after_non_word, c.at_start))
}

/// What the matcher needs of a prepared regex beyond its plan, from one parse ([`parse`]):
/// every match starts at a word boundary ([`prefix_after_non_word`]) and where every match
/// starts ([`anchor`]).
pub(super) fn facts(hir: Option<&Hir>) -> (bool, Option<Anchor>) {
    match hir {
        Some(h) => (starts_with_boundary(h), first_anchor(h)),
        None => (false, None),
    }
}

/// True when each of `literals` holds one of `set`'s (an empty one is held by any): a gate of
/// that set is hit wherever one of `literals` is, so it passes over nothing.
fn held_by_each(literals: &[Vec<u8>], set: &[Vec<u8>]) -> bool {
    literals.iter().all(|l| {
        set.iter()
            .any(|g| g.is_empty() || l.windows(g.len()).any(|w| w == g.as_slice()))
    })
}

/// The gate of a regex tried anchored at its literal prefixes ([`prefixes`]): literals every
/// match holds besides its prefix, which a prefix hit needs within the longest match of it to
/// be tried. The best ([`score`]; the first of equals) of the regex's trigger
/// ([`derive_parsed`]) when that does not stand at the start of every match, and the trigger
/// of what follows the first part of a concatenation, or of what follows the next part and so
/// on (at most [`MAX_TAILS`] parts) until that is usable
/// (`\b(?:cures?|treats?)\s+(?:diabetes|cancer)` gives the diseases): no common word, and not
/// found wherever a prefix is (each prefix holding one of its literals). `(literals,
/// after_non_word)`.
///
/// Measured on the bench JSONL (wave 2, session 12): 646,361 anchored tries, 98 % without a
/// match; "as " alone started 23,547 tries for each of three regexes whose matches hold
/// "amazon", "seen" or "featured".
///
/// Until wave 2, session 20 only what follows the first part was looked at, and a set counted
/// as found wherever a prefix is only when each prefix started with one of its literals. A
/// case-insensitive word is a run of one-letter parts, so 31 built-in regexes were gated by
/// the rest of their own first word ("efore" of `\bbefore`, "ave" of `\bsave`, "uaranteed"):
/// hit at every prefix hit, and in every "have" and "there". Now 23 of them have the words
/// after the prefix as gate, and 8 none (bench JSONL 2.702 -> 2.694 G instructions, paired
/// `-j1` 0.975x over 31 rounds). Looking past every part instead of at most [`MAX_TAILS`]
/// gave one more gate but made planning a long user regex slow: a 60-word regex 0.7 -> 35.9
/// ms, a 132-character literal 2.4 -> 37.4 ms (the bound brings them back to 0.7 and 2.3).
///
/// A gate's set may hold up to [`MAX_GATE_SET`] literals, a trigger's [`MAX_SET`]. Until wave
/// 2, session 20 both had 64, and the two health-claim regexes, whose matches end in one of
/// about a hundred disease or body words (152 and 109 literals with the long-s and Kelvin-sign
/// forms), had no gate: 30,041 and 21,677 of the bench JSONL's 217,542 anchored tries, 333 of
/// them matching. A try that fails still costs about 200 ns there (each regex's lazy-DFA
/// tables are cold; 30-40 ns when hot), a gate hit a callback and a push.
pub(super) fn gate_parsed(hir: &Hir, prefixes: &[Vec<u8>]) -> Option<(Vec<Vec<u8>>, bool)> {
    // A set one of whose literals every prefix holds is hit at every prefix hit, within reach.
    let usable = |set: &[Vec<u8>]| score(set).0 && !held_by_each(prefixes, set);
    let whole = derive_within::<MAX_GATE_SET>(hir).filter(|&(_, _, at_start)| !at_start);
    // What follows the first part, or the part after it, and so on while the set found there
    // lies inside every prefix (the rest of a first word), for at most `MAX_TAILS` parts: each
    // is a derivation over the rest of the regex, which a long user regex pays at load.
    let tail = match hir.kind() {
        HirKind::Concat(subs) => {
            let first = subs
                .iter()
                .position(|h| !matches!(h.kind(), HirKind::Look(_) | HirKind::Empty))?;
            (first + 1..subs.len())
                .take(MAX_TAILS)
                .filter_map(|k| derive_within::<MAX_GATE_SET>(&Hir::concat(subs[k..].to_vec())))
                .find(|(set, _, _)| usable(set))
        }
        _ => None,
    };
    let cands: Vec<(Vec<Vec<u8>>, bool)> = (whole.into_iter().chain(tail))
        .map(|(set, flag, _)| (set, flag))
        .filter(|(set, _)| usable(set))
        .collect();
    // The first of the best (the most of the regex around it); a set found at several places
    // follows a non-word byte when any place shows it (each is true of every match).
    let (set, _) = cands.iter().rev().max_by_key(|(set, _)| score(set))?;
    let flag = cands.iter().any(|(s, f)| *f && s == set);
    Some((set.clone(), flag))
}

/// The gate of a regex run in windows around the hits of its trigger `trigger`: the literal set
/// of one part of its top-level concatenation that every match holds, a window being searched
/// only when a hit of one lies in it. Measured on the bench JSONL (wave 2, session 15): 228,809
/// windows (17.0 MB) gave 2,223 matches; the four costliest regexes had 55,388 windows (7.8 MB)
/// and 93 matches, each with a second word every match needs ("market" in `the\s+best\s+
/// (?:[a-z0-9-]+\s+){1,3}on\s+the\s+market`, `#1` after "America's").
///
/// A gate literal may be shorter than a trigger's ([`MIN_TRIGGER`]) when it holds a symbol
/// prose seldom has (`$`, `#1`) or is one non-ASCII character that is no letter (`£`); none
/// may be a common word ([`COMMON`]). The set is none when it is the trigger or found wherever a
/// trigger hit is (each trigger literal containing one of its literals). Of the usable parts,
/// the one whose rarest-scored literal scores best ([`gate_score`]). `(literals,
/// after_non_word)`.
pub(super) fn window_gate_parsed(hir: &Hir, trigger: &[Vec<u8>]) -> Option<(Vec<Vec<u8>>, bool)> {
    let HirKind::Concat(subs) = hir.kind() else {
        return None;
    };
    // Each part's own set, and every run of consecutive parts with exact sets (a word of a
    // case-insensitive regex is a run of one-letter classes), as [`concat`] takes them.
    let infos: Vec<Info> = subs.iter().map(info::<MAX_SET>).collect();
    let mut cands: Vec<(Vec<Vec<u8>>, bool)> = Vec::new();
    for (i, first) in infos.iter().enumerate() {
        let after = stands_after_non_word(subs, i);
        let own = &first.required;
        if let Some(set) = &own.set {
            cands.push((set.clone(), own.after_non_word || (own.at_start && after)));
        }
        let mut run = first.exact.clone();
        for next in infos[i + 1..].iter().map(Some).chain([None]) {
            let Some(r) = run else { break };
            if !r.iter().any(Vec::is_empty) {
                cands.push((r.clone(), after));
            }
            run = next.and_then(|n| product::<MAX_SET>(&r, n.exact.as_ref()?));
        }
    }
    cands
        .into_iter()
        .filter(|(set, _)| {
            gate_score(set) > 0 && set.as_slice() != trigger && !held_by_each(trigger, set)
        })
        .max_by_key(|(set, _)| (gate_score(set), std::cmp::Reverse(set.len())))
}

/// Bytes that start few places in prose: a gate literal holding one is as good as a long word.
const RARE_SYMBOLS: &[u8] = b"#$%&*+<=>@[]^_`{|}~";

/// How good a set is as a window gate: its worst literal's score, where a literal scores its
/// length when at least [`MIN_TRIGGER`] bytes and not a common word, 8 when it holds one of
/// [`RARE_SYMBOLS`] or is one non-ASCII character that is no letter or digit, else 0
/// (unusable).
fn gate_score(set: &[Vec<u8>]) -> usize {
    let one = |l: &Vec<u8>| {
        let symbol = l.iter().any(|b| RARE_SYMBOLS.contains(b))
            || std::str::from_utf8(l).is_ok_and(|s| {
                let mut cs = s.chars();
                cs.next()
                    .is_some_and(|c| !c.is_ascii() && !c.is_alphanumeric())
                    && cs.next().is_none()
            });
        if symbol {
            8
        } else if l.len() >= MIN_TRIGGER && !COMMON.contains(&l.trim_ascii()) {
            l.len()
        } else {
            0
        }
    };
    set.iter().map(one).min().unwrap_or(0)
}

/// True when the trigger `set` is rarer than the literal prefixes `prefixes` by their shape:
/// its shortest literal (white space at the ends trimmed) is longer than theirs, and none is a
/// common word. Measured on the bench JSONL (wave 2, session 15): the prefixes of the built-in
/// packs occurred 1.2 M times, 50 times as often as their regexes' triggers for some ("as "
/// against "qualifying"); each occurrence is a callback and a candidate.
pub(super) fn rarer(set: &[Vec<u8>], prefixes: &[Vec<u8>]) -> bool {
    let shortest = |s: &[Vec<u8>]| s.iter().map(|l| l.trim_ascii().len()).min().unwrap_or(0);
    score(set).0 && shortest(prefixes) <= 3 && shortest(set) >= shortest(prefixes) + 3
}

/// Where a regex's matches lie around a hit of its trigger, when the trigger is a run of
/// consecutive parts of its top-level concatenation (`best` in
/// `\bthe\s+best\s+(?:[a-z]+\s+){1,3}on\s+the\s+market\b`): every match then has an
/// occurrence of a trigger literal at the run's place, at most `before` bytes after the
/// match's start, and ends at most `after` bytes (the longest literal and the longest match of
/// the parts after the run) after that occurrence's start. A window `[ts - before, ts +
/// after]` around each hit at `ts` then holds every match whose run stands there, where
/// `[te - L, ts + L]` held every match with a hit anywhere in it (`L` its longest match):
/// about half the bytes. `None` when no run's strings are exactly `set`, or, with
/// `after_non_word` (hits after a word byte are passed over), when the run found does not
/// stand after a non-word byte; or when a side is unbounded ([`max_len`]).
pub(super) fn split_parsed(
    hir: &Hir,
    set: &[Vec<u8>],
    after_non_word: bool,
) -> Option<(Bound, Bound)> {
    let HirKind::Concat(subs) = hir.kind() else {
        return None;
    };
    let exact: Vec<Lits> = subs.iter().map(|h| info::<MAX_SET>(h).exact).collect();
    let side = |parts: &[Hir]| {
        parts
            .iter()
            .try_fold(Bound::default(), |acc, h| Some(acc.plus(bound(h)?)))
    };
    for i in 0..subs.len() {
        let mut run = exact[i].clone();
        for j in i + 1..=subs.len() {
            let Some(r) = &run else { break };
            if r.as_slice() == set && (!after_non_word || stands_after_non_word(subs, i)) {
                let longest = r.iter().map(Vec::len).max().unwrap_or(0);
                let before = side(&subs[..i])?;
                let after = side(&subs[j..])?.plus(Bound {
                    fixed: longest,
                    ..Bound::default()
                });
                return Some((before, after));
            }
            run = exact
                .get(j)
                .and_then(|e| Some(product::<MAX_SET>(r, e.as_ref()?)))
                .flatten();
        }
    }
    None
}

/// [`split_parsed`] of a prepared regex and its derived trigger ([`derive_flagged`]).
pub fn split(prepared: &str) -> Option<(Bound, Bound)> {
    let hir = parse(prepared)?;
    let (set, flag, _) = derive_parsed(&hir)?;
    split_parsed(&hir, &set, flag)
}

/// [`max_len`] of a regex already parsed.
pub(super) fn max_len_parsed(hir: Option<&Hir>) -> Option<Bound> {
    bound(hir?)
}

/// True when every match of a prepared regex starts at a word boundary: a prefix literal that
/// starts with an ASCII word byte then cannot start a match right after a word byte ("ver" in
/// "every"), so such a hit can be passed over.
pub fn prefix_after_non_word(prepared: &str) -> bool {
    parse(prepared).is_some_and(|h| starts_with_boundary(&h))
}

/// Where every match of a regex starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// At the start of the text (`^` without `(?m)`).
    Text,
    /// At the start of a line (`(?m)^`: the text's start or right after `\n`).
    Line,
}

/// `Some` when every match of a prepared regex starts at the start of the text or of a line.
pub fn anchor(prepared: &str) -> Option<Anchor> {
    first_anchor(&parse(prepared)?)
}

fn first_anchor(h: &Hir) -> Option<Anchor> {
    match h.kind() {
        HirKind::Look(Look::Start) => Some(Anchor::Text),
        HirKind::Look(Look::StartLF) => Some(Anchor::Line),
        HirKind::Concat(subs) => first_anchor(subs.first()?),
        HirKind::Capture(c) => first_anchor(&c.sub),
        HirKind::Alternation(subs) => {
            subs.iter()
                .try_fold(Anchor::Text, |acc, s| match (acc, first_anchor(s)?) {
                    (Anchor::Text, Anchor::Text) => Some(Anchor::Text),
                    _ => Some(Anchor::Line),
                })
        }
        _ => None,
    }
}

/// An ASCII word byte (`[0-9A-Za-z_]`): what an ASCII `\b` looks at.
pub fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_boundary(l: Look) -> bool {
    matches!(
        l,
        Look::WordAscii
            | Look::WordUnicode
            | Look::WordStartAscii
            | Look::WordStartUnicode
            | Look::WordStartHalfAscii
            | Look::WordStartHalfUnicode
    )
}

fn starts_with_boundary(h: &Hir) -> bool {
    match h.kind() {
        HirKind::Look(l) => is_boundary(*l),
        HirKind::Concat(subs) => subs.first().is_some_and(starts_with_boundary),
        HirKind::Capture(c) => starts_with_boundary(&c.sub),
        HirKind::Alternation(subs) => subs.iter().all(starts_with_boundary),
        _ => false,
    }
}

/// True when, in every match, the byte before part `i` of the concatenation `subs` is not an
/// ASCII word byte, or the text starts there, or (a word boundary) the part starts with a
/// non-word byte: for a literal starting with a word byte there, the first holds.
fn stands_after_non_word(subs: &[Hir], i: usize) -> bool {
    for h in subs[..i].iter().rev() {
        if !ends_non_word(h) {
            return false;
        }
        // A part that matches at least one byte (or asserts) decides; an empty one passes on.
        if matches!(h.kind(), HirKind::Look(_))
            || h.properties().minimum_len().is_some_and(|m| m >= 1)
        {
            return true;
        }
    }
    false
}

/// True when every non-empty match of `h` ends with a byte that is not an ASCII word byte; for
/// a look-around, when it asserts that before a literal starting with a word byte (a word
/// boundary, a line start).
fn ends_non_word(h: &Hir) -> bool {
    let no_word = |c: &Class| match c {
        Class::Unicode(u) => u
            .ranges()
            .iter()
            .all(|r| (r.start()..=r.end().min('\x7f')).all(|ch| !is_word_byte(ch as u8))),
        Class::Bytes(b) => b
            .ranges()
            .iter()
            .all(|r| (r.start()..=r.end()).all(|x| !is_word_byte(x))),
    };
    match h.kind() {
        HirKind::Look(l) => {
            matches!(l, Look::Start | Look::StartLF | Look::StartCRLF) || is_boundary(*l)
        }
        HirKind::Literal(l) => l.0.last().is_some_and(|b| !is_word_byte(*b)),
        HirKind::Class(c) => no_word(c),
        HirKind::Repetition(r) => ends_non_word(&r.sub),
        HirKind::Capture(c) => ends_non_word(&c.sub),
        HirKind::Concat(subs) => stands_after_non_word(subs, subs.len()),
        HirKind::Alternation(subs) => subs.iter().all(ends_non_word),
        HirKind::Empty => true,
    }
}

/// Shortest literal of a trigger a rule gives (`trigger = ["uk", ...]`): a rule author may list a
/// two-letter word that every match of one branch must contain.
pub const MIN_EXPLICIT: usize = 2;

/// The literals a rule's `trigger` list stands for: each one with every case variant a
/// case-insensitive regex matches that ASCII case folding does not (`Ú` for `ú`, the long s for
/// `s`), lower-cased in ASCII. `Err` names a literal shorter than [`MIN_EXPLICIT`] bytes.
pub fn explicit(list: &[String]) -> Result<Vec<Vec<u8>>, String> {
    let mut out = Vec::new();
    for t in list {
        if t.len() < MIN_EXPLICIT {
            return Err(format!(
                "trigger {t:?} is shorter than {MIN_EXPLICIT} bytes"
            ));
        }
        let variants = parse(&regex_syntax::escape(t))
            .and_then(|h| info::<MAX_SET>(&h).exact)
            .unwrap_or_else(|| vec![lower(t.as_bytes())]);
        out.extend(variants);
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The longest match of a regex, in bytes, in a text whose longest runs of white space and of
/// anything else are known ([`Runs`]): `fixed + space * W + token * N` bytes, where `W` is the
/// text's longest run of white space and `N` its longest run without white space.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bound {
    /// Bytes of literals, classes and bounded repetitions.
    pub fixed: usize,
    /// Unbounded repetitions of white space alone (`\s+`, `[ \t]*`): each stays inside one run
    /// of white space, so counts `W` once.
    pub space: usize,
    /// Unbounded repetitions of classes without white space (`[0-9]+`, `[a-z]+`, `\w+`): each
    /// stays inside one run without white space, so counts `N` once.
    pub token: usize,
}

impl Bound {
    /// The bound in `text`, whose runs are computed into `runs` the first time a bound needs
    /// them.
    pub fn in_text(self, text: &str, runs: &mut Option<Runs>) -> usize {
        if self.space == 0 && self.token == 0 {
            self.fixed
        } else {
            self.of(*runs.get_or_insert_with(|| self::runs(text)))
        }
    }

    /// The bound in a text with these runs.
    pub fn of(self, runs: Runs) -> usize {
        self.fixed
            .saturating_add(self.space.saturating_mul(runs.space))
            .saturating_add(self.token.saturating_mul(runs.token))
    }

    fn plus(self, o: Bound) -> Bound {
        Bound {
            fixed: self.fixed + o.fixed,
            space: self.space + o.space,
            token: self.token + o.token,
        }
    }

    fn max(self, o: Bound) -> Bound {
        Bound {
            fixed: self.fixed.max(o.fixed),
            space: self.space.max(o.space),
            token: self.token.max(o.token),
        }
    }

    fn times(self, m: usize) -> Bound {
        Bound {
            fixed: self.fixed * m,
            space: self.space * m,
            token: self.token * m,
        }
    }
}

/// The longest match of a prepared regex ([`Bound`]); `None` when a repetition of something
/// that may hold white space and other characters is unbounded (`.*`, `[^\n]+`).
pub fn max_len(prepared: &str) -> Option<Bound> {
    bound(&parse(prepared)?)
}

fn bound(h: &Hir) -> Option<Bound> {
    let fixed = |n| Bound {
        fixed: n,
        ..Bound::default()
    };
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(Bound::default()),
        HirKind::Literal(l) => Some(fixed(l.0.len())),
        HirKind::Class(_) => Some(fixed(h.properties().maximum_len()?)),
        HirKind::Capture(c) => bound(&c.sub),
        HirKind::Concat(subs) => subs
            .iter()
            .try_fold(Bound::default(), |acc, s| Some(acc.plus(bound(s)?))),
        HirKind::Alternation(subs) => subs
            .iter()
            .try_fold(Bound::default(), |acc, s| Some(acc.max(bound(s)?))),
        HirKind::Repetition(r) => match r.max {
            Some(m) => Some(bound(&r.sub)?.times(m as usize)),
            None => match class_space(&r.sub)? {
                true => Some(Bound {
                    space: 1,
                    ..Bound::default()
                }),
                false => Some(Bound {
                    token: 1,
                    ..Bound::default()
                }),
            },
        },
    }
}

/// `Some(true)` for a class of white space characters only (each one `char::is_whitespace`,
/// the Unicode White_Space property `\s` stands for), `Some(false)` for a class without any
/// (in byte classes, ASCII bytes only: a byte of 0x80 or more may be part of a white space
/// character), `None` for anything else.
fn class_space(h: &Hir) -> Option<bool> {
    let ranges: Vec<(char, char)> = match h.kind() {
        HirKind::Class(Class::Unicode(u)) => {
            u.ranges().iter().map(|r| (r.start(), r.end())).collect()
        }
        HirKind::Class(Class::Bytes(b)) if b.ranges().iter().all(|r| r.end().is_ascii()) => b
            .ranges()
            .iter()
            .map(|r| (r.start() as char, r.end() as char))
            .collect(),
        HirKind::Capture(c) => return class_space(&c.sub),
        _ => return None,
    };
    let all = |white: bool| {
        ranges
            .iter()
            .all(|&(a, b)| (a..=b).all(|c| c.is_whitespace() == white))
    };
    if all(true) {
        Some(true)
    } else {
        all(false).then_some(false)
    }
}

/// The longest runs of a text, in bytes, that bound the matches of unbounded repetitions
/// ([`Bound`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Runs {
    /// The longest run of white space: ASCII white space and the non-ASCII characters `\s`
    /// matches (`char::is_whitespace`, the Unicode White_Space property).
    pub space: usize,
    /// The longest run of characters that are not white space.
    pub token: usize,
}

/// The longest runs of white space and of other characters in `text` ([`Runs`]).
///
/// 64 bytes at a time ([`block_runs`]): the ASCII white space of a block from its masks
/// ([`masks`]), and each byte that may start a non-ASCII white space character classified on
/// its own, its bytes then white space or not. Other non-ASCII bytes are never white space. A
/// white space character across the block's end ends the block before it. Each scan of a text
/// with trigger hits pays this once.
///
/// Until session 14 a block also ended at every such lead byte, and the next began after its
/// character: the dashes, ellipses and signs that start with those bytes (0xE2 begins U+2000
/// to U+2FFF) cut prose into short blocks.
pub fn runs(text: &str) -> Runs {
    let bytes = text.as_bytes();
    let mut best = Runs::default();
    // The run in progress: white space or not, and its length so far.
    let (mut white, mut len) = (false, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        let block = &bytes[i..bytes.len().min(i + 64)];
        let (mut w, mut lead) = masks(block);
        let mut n = block.len();
        while lead != 0 {
            let j = lead.trailing_zeros() as usize;
            lead &= lead - 1;
            // A lead byte is at a character boundary.
            let c = text[i + j..].chars().next().unwrap_or(' ');
            if c.is_whitespace() {
                if j + c.len_utf8() > n {
                    n = j;
                    break;
                }
                w |= ((1u64 << c.len_utf8()) - 1) << j;
            }
        }
        block_runs(w, n as u32, &mut white, &mut len, &mut best);
        i += n;
    }
    best.end_run(white, len);
    best
}

impl Runs {
    /// Counts a finished run of white space (`white`) or of other characters.
    fn end_run(&mut self, white: bool, len: usize) {
        let b = if white {
            &mut self.space
        } else {
            &mut self.token
        };
        *b = (*b).max(len);
    }
}

/// The first `n` (1 to 64) bytes of a block and `w` their white-space mask (ASCII white space
/// and the bytes of non-ASCII white space characters; a byte of any other character counts
/// as one of its bytes), for [`runs`]: the run in progress (`white`, `len`) ends at the first
/// change of class, the last run is the new one in progress, and the runs between count only
/// when one is longer than the longest so far, which a few shift-and steps rule out
/// ([`has_run`]) in nearly every block of prose. A walk from one change of class to the next
/// (about one per three bytes) cost ~8 instructions a byte; this costs about one.
fn block_runs(w: u64, n: u32, white: &mut bool, len: &mut usize, best: &mut Runs) {
    // Bits below `k`.
    let below = |k: u32| if k >= 64 { u64::MAX } else { (1u64 << k) - 1 };
    let class = |white: bool| (if white { w } else { !w }) & below(n);
    let lead = class(!*white).trailing_zeros().min(n);
    if lead == n {
        *len += n as usize;
        return;
    }
    best.end_run(*white, *len + lead as usize);
    let last_white = (w >> (n - 1)) & 1 == 1;
    let others = class(!last_white);
    let trail = if others == 0 {
        n
    } else {
        others.leading_zeros() - (64 - n)
    };
    let inner = below(n - trail) & !below(lead);
    for (is_white, longest) in [(true, best.space), (false, best.token)] {
        let x = class(is_white) & inner;
        if has_run(x, longest + 1) {
            best.end_run(is_white, longest_run(x));
        }
    }
    (*white, *len) = (last_white, trail as usize);
}

/// True when `x` has `k` (at least one) set bits in a row: each step ands `x` with itself
/// shifted, doubling the run length a bit stands for.
fn has_run(mut x: u64, k: usize) -> bool {
    if k > 64 {
        return false;
    }
    let mut have = 1;
    while have < k && x != 0 {
        let step = have.min(k - have);
        x &= x >> step;
        have += step;
    }
    x != 0
}

/// The longest run of set bits in `x`.
fn longest_run(mut x: u64) -> usize {
    let mut n = 0;
    while x != 0 {
        x &= x >> 1;
        n += 1;
    }
    n
}

/// Bit `j` set where `block[j]` (up to 64 bytes) is ASCII white space (`\t`, `\n`, `\x0b`,
/// `\x0c`, `\r`, space), and where it may start a non-ASCII white space character (0xC2,
/// 0xE1 to 0xE3; a non-ASCII byte stopped each block before, ~7.6 instructions a byte of the
/// bench JSONL in all): a flag byte per byte (which the compiler vectorizes), then the flags'
/// high bits gathered eight at a time by one multiplication.
#[cfg(any(test, not(target_arch = "x86_64")))]
fn masks_portable(block: &[u8]) -> (u64, u64) {
    let (mut white, mut lead) = ([0u8; 64], [0u8; 64]);
    for ((f, h), &b) in white.iter_mut().zip(lead.iter_mut()).zip(block) {
        *f = if b == b' ' || b.wrapping_sub(9) < 5 {
            0x80
        } else {
            0
        };
        // U+0085 and U+00A0 start with 0xC2, U+1680 with 0xE1, U+2000 to U+205F with 0xE2,
        // U+3000 with 0xE3.
        *h = if b == 0xc2 || b.wrapping_sub(0xe1) < 3 {
            0x80
        } else {
            0
        };
    }
    let gather = |flags: &[u8; 64]| {
        flags.chunks_exact(8).enumerate().fold(0u64, |m, (k, c)| {
            let x = u64::from_le_bytes(c.try_into().unwrap_or_default());
            let bits = x.wrapping_mul(0x0002_0408_1020_4081) >> 56;
            m | bits << (8 * k)
        })
    };
    (gather(&white), gather(&lead))
}

#[cfg(not(target_arch = "x86_64"))]
fn masks(block: &[u8]) -> (u64, u64) {
    masks_portable(block)
}

/// [`masks_portable`] with SSE2, which every x86-64 processor has: per 16 bytes a few compares
/// and one `movemask` per mask. The portable form (flag bytes gathered by multiplication) cost
/// about three instructions a byte more, ~6.7 a byte of `runs` in all on the bench JSONL.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
fn masks(block: &[u8]) -> (u64, u64) {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8, _mm_sub_epi8,
    };
    let mut padded = [0u8; 64];
    let bytes: &[u8; 64] = match block.try_into() {
        Ok(full) => full,
        Err(_) => {
            let n = block.len().min(64);
            padded[..n].copy_from_slice(&block[..n]);
            &padded
        }
    };
    let (mut white, mut lead) = (0u64, 0u64);
    for (k, chunk) in bytes.chunks_exact(16).enumerate() {
        // SAFETY: SSE2 is part of x86-64, and the load reads the 16 bytes of `chunk`.
        let (w, l) = unsafe {
            let v = _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>());
            // `x <= m` (unsigned) as `min(x, m) == x`.
            let at_most = |x, m: u8| _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(m as i8)), x);
            let space = _mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8));
            let control = at_most(_mm_sub_epi8(v, _mm_set1_epi8(9)), 4);
            let white = _mm_movemask_epi8(_mm_or_si128(space, control));
            // Lead bytes are non-ASCII: a chunk of ASCII (most of them) has none.
            if _mm_movemask_epi8(v) == 0 {
                (white, 0)
            } else {
                let c2 = _mm_cmpeq_epi8(v, _mm_set1_epi8(0xc2u8 as i8));
                let e1_e3 = at_most(_mm_sub_epi8(v, _mm_set1_epi8(0xe1u8 as i8)), 2);
                (white, _mm_movemask_epi8(_mm_or_si128(c2, e1_e3)))
            }
        };
        white |= u64::from(w as u16) << (16 * k);
        lead |= u64::from(l as u16) << (16 * k);
    }
    (white, lead)
}

/// A prepared regex parsed case-insensitively, the form every analysis here reads.
pub(super) fn parse(prepared: &str) -> Option<Hir> {
    regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .build()
        .parse(prepared)
        .ok()
}

fn usable(set: &[Vec<u8>]) -> bool {
    !set.is_empty() && set.iter().all(|l| l.len() >= MIN_TRIGGER)
}

/// How good a literal set is as a trigger: none common, then longest shortest literal, then
/// fewest literals.
fn score(set: &[Vec<u8>]) -> (bool, usize, std::cmp::Reverse<usize>) {
    let common = set.iter().any(|l| COMMON.contains(&l.trim_ascii()));
    let min = set.iter().map(Vec::len).min().unwrap_or(0);
    (usable(set) && !common, min, std::cmp::Reverse(set.len()))
}

/// The better of two candidate sets; `a` on a tie. The same set found at two places (a run
/// from a look-around and from the part after it) keeps what either place tells: each is true
/// of every match.
fn better(a: Cand, b: Cand) -> Cand {
    match (&a.set, &b.set) {
        (Some(x), Some(y)) if x == y => Cand {
            after_non_word: a.after_non_word || b.after_non_word,
            at_start: a.at_start || b.at_start,
            ..a
        },
        (Some(x), Some(y)) if score(y) > score(x) => b,
        (Some(_), _) => a,
        (None, _) => b,
    }
}

/// The better of a part's exact set (a whole match, so at its start) and its required set.
fn best(i: Info) -> Cand {
    let exact = Cand {
        set: i.exact,
        after_non_word: false,
        at_start: true,
    };
    better(exact, i.required)
}

fn lower(bytes: &[u8]) -> Vec<u8> {
    bytes.to_ascii_lowercase()
}

fn normalize<const L: usize>(mut set: Vec<Vec<u8>>) -> Lits {
    set.sort();
    set.dedup();
    (set.len() <= L).then_some(set)
}

/// Every concatenation of one string of `a` and one of `b`.
fn product<const L: usize>(a: &[Vec<u8>], b: &[Vec<u8>]) -> Lits {
    if a.len() * b.len() > L {
        return None;
    }
    normalize::<L>(
        a.iter()
            .flat_map(|x| b.iter().map(move |y| [x.as_slice(), y].concat()))
            .collect(),
    )
}

fn class<const L: usize>(c: &Class) -> Lits {
    let mut out = Vec::new();
    match c {
        Class::Unicode(u) => {
            for r in u.ranges() {
                if (r.end() as u32 - r.start() as u32) as usize >= MAX_CLASS {
                    return None;
                }
                for ch in r.start()..=r.end() {
                    out.push(lower(ch.to_string().as_bytes()));
                }
            }
        }
        Class::Bytes(b) => {
            for r in b.ranges() {
                if (r.end() - r.start()) as usize >= MAX_CLASS {
                    return None;
                }
                out.extend((r.start()..=r.end()).map(|x| vec![x.to_ascii_lowercase()]));
            }
        }
    }
    let set = normalize::<L>(out)?;
    (set.len() <= MAX_CLASS).then_some(set)
}

fn info<const L: usize>(h: &Hir) -> Info {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Info {
            exact: Some(vec![Vec::new()]),
            required: Cand::default(),
        },
        HirKind::Literal(l) => Info {
            exact: Some(vec![lower(&l.0)]),
            required: Cand::default(),
        },
        HirKind::Class(c) => Info {
            exact: class::<L>(c),
            required: Cand::default(),
        },
        HirKind::Capture(c) => info::<L>(&c.sub),
        HirKind::Repetition(r) => {
            let sub = info::<L>(&r.sub);
            let exact = match (r.min, r.max, &sub.exact) {
                (0, Some(1), Some(e)) => normalize::<L>([vec![Vec::new()], e.clone()].concat()),
                (n, Some(m), Some(e)) if n == m && n <= 4 => {
                    (0..n).try_fold(vec![Vec::new()], |acc, _| product::<L>(&acc, e))
                }
                _ => None,
            };
            let required = if r.min >= 1 {
                best(sub)
            } else {
                Cand::default()
            };
            Info { exact, required }
        }
        HirKind::Concat(subs) => concat::<L>(subs),
        HirKind::Alternation(subs) => {
            let infos: Vec<Info> = subs.iter().map(info::<L>).collect();
            let exact = infos
                .iter()
                .map(|i| i.exact.clone())
                .collect::<Option<Vec<_>>>()
                .and_then(|sets| normalize::<L>(sets.concat()));
            let bests: Vec<Cand> = infos.into_iter().map(best).collect();
            let required = Cand {
                after_non_word: bests.iter().all(|b| b.after_non_word),
                at_start: bests.iter().all(|b| b.at_start),
                set: bests
                    .into_iter()
                    .map(|b| b.set)
                    .collect::<Option<Vec<_>>>()
                    .and_then(|sets| normalize::<L>(sets.concat())),
            };
            Info { exact, required }
        }
    }
}

/// A concatenation: its exact set when every part has one; as required set, the best of each
/// part's own and of every run of consecutive exact parts (each match passes through one of
/// the run's strings).
fn concat<const L: usize>(subs: &[Hir]) -> Info {
    let infos: Vec<Info> = subs.iter().map(info::<L>).collect();
    let mut required = Cand::default();
    for (i, first) in infos.iter().enumerate() {
        // A run starting here stands right after the part before it, and at the start of the
        // match when only look-arounds come before.
        let at_start = subs[..i]
            .iter()
            .all(|h| matches!(h.kind(), HirKind::Look(_) | HirKind::Empty));
        let cand = |set: Vec<Vec<u8>>| Cand {
            after_non_word: stands_after_non_word(subs, i),
            at_start,
            set: Some(set),
        };
        let mut run = first.exact.clone();
        for next in &infos[i + 1..] {
            let Some(r) = &run else { break };
            required = better(required, cand(r.clone()));
            run = next.exact.as_ref().and_then(|e| product::<L>(r, e));
        }
        if let Some(r) = run {
            required = better(required, cand(r));
        }
        // The part's own required set: where it is at the part's start, it too stands after
        // the part before.
        let own = &first.required;
        if let Some(set) = own.set.as_ref().filter(|_| own.at_start) {
            let mut c = cand(set.clone());
            c.after_non_word |= own.after_non_word;
            required = better(required, c);
        }
    }
    let exact = infos.iter().try_fold(vec![Vec::new()], |acc, i| {
        product::<L>(&acc, i.exact.as_ref()?)
    });
    for i in infos {
        let own = Cand {
            at_start: false,
            ..i.required
        };
        required = better(required, own);
    }
    Info { exact, required }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Prefix gates come from after the prefix: a case-insensitive word is a run of one-letter
    /// parts, and the rest of it ("efore" of "before", "ave" of "save") is hit wherever the
    /// prefix is, so it is no gate; the words after it are, or there is none.
    #[test]
    fn prefix_gates_are_not_inside_the_prefix() {
        let gate = |p: &str| {
            let prepared = super::super::prepared(p);
            let hir = parse(&prepared).unwrap();
            let prefixes = prefixes(&prepared).unwrap();
            gate_parsed(&hir, &prefixes).map(|(set, flag)| {
                let words: Vec<String> = (set.iter())
                    .map(|l| String::from_utf8_lossy(l).into_owned())
                    .collect();
                (words.join("|"), flag)
            })
        };
        let cases = [
            (
                r"\bbefore\s+(?:they\s+are|it\s+is)\s+(?:gone|sold\s+out)\b",
                Some(("gone|sold", true)),
            ),
            (
                r"\bbefore\s+(?:they.re|it.s)\s+(?:gone|sold\s+out)\b",
                Some(("gone|sold|\u{17f}old", true)),
            ),
            (r"\bsatisfaction\s+guaranteed\b", Some(("guaranteed", true))),
            (
                r"\bsave\s+(?:up\s+to|an\s+extra)\s+(?:\$|€|£)\s?[0-9]+",
                None,
            ),
            (r"\bwerbelinks?\b", None),
        ];
        for (p, want) in cases {
            let want = want.map(|(w, f)| (w.to_string(), f));
            assert_eq!(gate(p), want, "{p}");
        }
    }

    /// Window gates: a second literal set every match holds, chosen for rarity; none when
    /// every part left is a common or short word, or found wherever the trigger is.
    #[test]
    fn window_gates_are_rare_literals_besides_the_trigger() {
        let gate = |p: &str| {
            let hir = parse(&super::super::prepared(p)).unwrap();
            let (trigger, _, _) = derive_parsed(&hir).unwrap();
            let gate = window_gate_parsed(&hir, &trigger).map(|(set, flag)| {
                let words: Vec<String> = (set.iter())
                    .map(|l| String::from_utf8_lossy(l).into_owned())
                    .collect();
                (words.join("|"), flag)
            });
            (
                String::from_utf8_lossy(&trigger.concat()).into_owned(),
                gate,
            )
        };
        let (trigger, g) = gate(r"\bthe\s+best\s+(?:[a-z0-9-]+\s+){1,3}on\s+the\s+market\b");
        assert_eq!(
            (trigger.as_str(), g),
            ("market", Some(("best".into(), true)))
        );
        // A symbol prose seldom has, and a non-ASCII one that is no letter.
        let (_, g) = gate(r"\bfor\s+(?:just|only)\s+(?:\$|€|£)\s?[0-9]+");
        assert_eq!(g, Some(("$|£|€".into(), true)));
        let (_, g) = gate(r"\b[0-9]{1,2}\s?%\s+off\s+(?:everything|sitewide)\b");
        assert_eq!(g.map(|(s, _)| s), Some("%".into()));
        // Only common or short words besides the trigger, or one-letter ASCII signs: none.
        for p in [
            r"\b(?:this|the)\s+(?:is|are)\s+sponsored\b",
            r"\bi\s+(?:am|was)\s+compensated\b",
            r"(?m)^[ \t]*hurry[ \t]*!",
            r"\bsponsored\b",
        ] {
            assert_eq!(gate(p).1, None, "{p}");
        }
        // Found wherever the trigger is ("sponsor" in every "sponsored"): none.
        let hir = parse(&super::super::prepared(r"\bsponsor\s*ed\b")).unwrap();
        assert_eq!(window_gate_parsed(&hir, &[b"sponsored".to_vec()]), None);
    }

    /// A prefix is dropped for the trigger only when it is a short word and the trigger a far
    /// longer, uncommon one.
    #[test]
    fn a_trigger_is_rarer_than_short_prefixes_only() {
        let l = |v: &[&str]| -> Vec<Vec<u8>> { v.iter().map(|s| s.as_bytes().to_vec()).collect() };
        assert!(rarer(&l(&["qualifying"]), &l(&["as ", "as\t"])));
        assert!(rarer(&l(&["featured"]), &l(&["as "])));
        assert!(
            !rarer(&l(&["seen", "featured"]), &l(&["as "])),
            "one only two letters longer"
        );
        assert!(!rarer(&l(&["now", "today"]), &l(&["buy ", "order "])));
        assert!(
            !rarer(&l(&["market"]), &l(&["best"])),
            "a four-letter prefix"
        );
        assert!(!rarer(&l(&["these"]), &l(&["an "])), "a common word");
    }

    #[test]
    fn bounds_count_white_space_and_token_runs() {
        let m = |p: &str| max_len(&super::super::prepared(p));
        let b = |fixed, space, token| {
            Some(Bound {
                fixed,
                space,
                token,
            })
        };
        assert_eq!(m(r"\bonly\s+\d{1,3}\s+left\b"), b(20, 2, 0));
        assert_eq!(m(r"(?m)^[ \t]*ad[ \t]*$"), b(2, 2, 0));
        assert_eq!(m(r"\bsave\s+\d+"), b(5, 1, 1));
        assert_eq!(m(r"(?:[a-z0-9-]+\s+){1,3}on"), b(2, 3, 3));
        assert_eq!(m(r"\w+é"), b(2, 0, 1));
        assert_eq!(
            m(r"from[^\n]+"),
            None,
            "a class with white space and other characters"
        );
        assert_eq!(m(r"a.*b"), None);
        let r = |space, token| Runs { space, token };
        assert_eq!(runs("a  \t b\u{a0}\u{a0}c"), r(4, 1));
        assert_eq!(
            runs("ünïcödé\u{3000} \u{3000}x"),
            r(7, 11),
            "letters are not space"
        );
        assert_eq!(runs(""), r(0, 0));
        assert_eq!(b(1, 2, 3).unwrap().of(r(10, 100)), 321);
    }

    /// The runs of [`runs`] (64 ASCII bytes at a time) equal a char-by-char count, on texts
    /// long enough for blocks, with runs across block edges and non-ASCII characters of both
    /// classes (letters, no-break and ideographic spaces) inside and between blocks.
    #[test]
    fn runs_of_set_bits() {
        assert!(has_run(0b0111_0110, 3) && !has_run(0b0111_0110, 4));
        assert!(has_run(u64::MAX, 64) && !has_run(u64::MAX, 65) && !has_run(0, 1));
        assert!(has_run(0xF0F0_0FFF_FF00, 20) && !has_run(0xF0F0_0FFF_FF00, 21));
        assert_eq!(longest_run(0xF0F0_0FFF_FF00), 20);
        assert_eq!((longest_run(0), longest_run(u64::MAX)), (0, 64));
    }

    #[test]
    fn both_forms_of_the_masks_agree() {
        // Every byte value at every place of a block, and blocks of every length.
        let all: Vec<u8> = (0..=255u8).collect();
        for len in 0..=64 {
            for shift in 0..256 {
                let block: Vec<u8> = (0..len).map(|j| all[(j * 7 + shift) % 256]).collect();
                assert_eq!(masks(&block), masks_portable(&block), "{block:?}");
            }
        }
    }

    #[test]
    fn runs_by_block_equal_runs_by_character() {
        fn reference(text: &str) -> Runs {
            let (mut best, mut space, mut token) = (Runs::default(), 0, 0);
            for c in text.chars() {
                if c.is_whitespace() {
                    (space, token) = (space + c.len_utf8(), 0);
                } else {
                    (space, token) = (0, token + c.len_utf8());
                }
                best.space = best.space.max(space);
                best.token = best.token.max(token);
            }
            best
        }
        let pieces = [
            "a",
            "word ",
            "  ",
            "\n\n\n",
            "\t",
            "\x0b\x0c\r",
            "é",
            "\u{a0}",
            "\u{3000}",
            "漢字",
            // Lead bytes of white space characters that start other characters too.
            "\u{2019}",
            "\u{2014}",
            "\u{a9}",
            "\u{85}",
            "\u{2003}\u{2003}",
            "\u{202f}",
            "\u{1680}",
            "\u{16a0}",
            "\u{3001}",
            "supercalifragilistic",
            "                                        ",
            "x",
            "1234567890",
        ];
        // A small linear congruential generator: the same texts on every run.
        let mut seed = 0x2545_f491_u64;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) as usize % n
        };
        for round in 0..2000 {
            // Every other text ASCII only: whole blocks of 64 ASCII bytes.
            let ascii = round % 2 == 0;
            let mut text = String::new();
            for _ in 0..next(200) {
                let p = pieces[next(pieces.len())];
                if !ascii || p.is_ascii() {
                    text.push_str(p);
                }
            }
            assert_eq!(runs(&text), reference(&text), "{text:?}");
        }
    }

    #[test]
    fn prefixes_of_typical_pack_regexes() {
        let p = prefixes(r"(?-u:\b)(?:shop|buy)\s+now").unwrap();
        assert_eq!(p, [b"buy".to_vec(), b"shop".to_vec()]);
        assert_eq!(
            prefixes(r"(?:paid\s+)?sponsored\s+by").unwrap(),
            [b"paid".to_vec(), b"sponsored".to_vec()]
        );
        assert!(
            prefixes(r"(?:this\s+)?sponsored\s+by").is_none(),
            "may start with 'this'"
        );
        assert!(
            prefixes(r"\d+% off").is_none(),
            "digits: too many short prefixes"
        );
        assert!(prefixes(r"(?:i|we)\s+earn").is_none(), "too short");
        assert!(
            prefixes(r"(?m)^\s*today").is_none(),
            "may start with anything"
        );
    }

    fn d(p: &str) -> Option<Vec<String>> {
        derive(&super::super::prepared(p)).map(|v| {
            v.into_iter()
                .map(|l| String::from_utf8_lossy(&l).into())
                .collect()
        })
    }

    #[test]
    fn triggers_of_typical_regexes() {
        assert_eq!(d(r"(?:paid\s+)?sponsored\s+by").unwrap(), ["sponsored"]);
        assert_eq!(d(r"\d+\s*%\s*(?:off|rabatt)\b").unwrap(), ["off", "rabatt"]);
        assert_eq!(d(r"\bonly\s+\d+\s+left\b").unwrap(), ["only"]);
        assert!(d(r"\d+%").is_none(), "no literal of 3 bytes");
        assert!(d(r"\w+ly").is_none());
    }

    #[test]
    fn trigger_hits_after_a_word_byte_can_be_passed_over_only_where_no_match_needs_them() {
        let f = |p: &str| derive_flagged(&super::super::prepared(p)).unwrap().1;
        assert!(f(r"\bonly\s+\d+\s+left\b"), "after \\b");
        assert!(f(r"\d+\s+(?:sold|bought)\b"), "after white space");
        assert!(
            f(r"[;,]\s?(?:only|just)\s+\d"),
            "after a class without word characters"
        );
        assert!(
            f(r"\d+\s*%\s*(?:off|rabatt)\b"),
            "after `%`, or white space after it"
        );
        assert!(
            !f(r"\d+\s*(?:off|rabatt)\b"),
            "`\\s*` may be empty: `20off`"
        );
        assert!(!f(r"(?:x|\b)sold\b"), "one branch ends in a word byte");
        assert!(
            f(r"\b(?:shop|buy|pick\s+up)\s+(?:it|them)\s+(?:at|on)"),
            "each branch starts with its literal, after \\b"
        );
        assert!(
            !f(r"\b(?:shop|my\s+pick)\s+at"),
            "`pick` is not at the branch start"
        );
        assert!(
            !f(r"(?:paid\s+)?sponsored\s+by"),
            "the match may start with the trigger"
        );
        let p = |re: &str| prefix_after_non_word(&super::super::prepared(re));
        assert!(p(r"\b(?:shop|buy)\s+now"));
        assert!(!p(r"(?:shop|buy)\s+now"), "no \\b");
        assert!(
            p(r"\b(?:#1|shop)\s+now"),
            "for `shop`; `#1` follows a word byte"
        );
    }

    #[test]
    fn anchors_of_line_start_regexes() {
        let a = |p: &str| anchor(&super::super::prepared(p));
        assert_eq!(a(r"(?m)^[ \t]*ad[ \t]*$"), Some(Anchor::Line));
        assert_eq!(a(r"^x|^y"), Some(Anchor::Text));
        assert_eq!(a(r"(?m)^x|^y"), Some(Anchor::Line));
        assert_eq!(a(r"(?m)(?:^|\|)x"), None);
        assert_eq!(a(r"\bx"), None);
    }

    #[test]
    fn letters_folding_out_of_ascii_are_variants() {
        // `(?-u)` is not possible with `ü`, so the pattern is Unicode: `s` has the long-s form.
        let t = d(r"\bgrüße\b").unwrap();
        assert!(
            t.contains(&"grüße".to_string()) && t.contains(&"grÜße".to_string()),
            "{t:?}"
        );
        let t = d(r"\bkostenlos\s+\w+").unwrap();
        assert!(t.iter().any(|l| l.contains('\u{212A}')), "{t:?}");
        let t = explicit(&["anúncio".into(), "uk".into()]).unwrap();
        assert!(t.contains(&"anÚncio".as_bytes().to_vec()) && t.contains(&b"uk".to_vec()));
        assert!(explicit(&["a".into()]).is_err());
    }
}
