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
/// Most characters a class may stand for and still be part of a trigger literal.
const MAX_CLASS: usize = 8;
/// Words so common that a trigger on them is chosen only when nothing else is required.
const COMMON: &[&[u8]] = &[
    b"the", b"this", b"that", b"these", b"those", b"and", b"you", b"your", b"our", b"for", b"with",
    b"are", b"not", b"all", b"any", b"can", b"was", b"has", b"have", b"will", b"from",
];

/// A set of literals, lower-cased in ASCII; `None` where there is no short finite set.
type Lits = Option<Vec<Vec<u8>>>;

/// What a sub-pattern tells about its matches.
struct Info {
    /// Every string it matches, when that is a short finite set.
    exact: Lits,
    /// A set of literals every match contains one of.
    required: Lits,
    /// True when, in every match, an occurrence of one of `required` stands right after a byte
    /// that is not an ASCII word byte (or at the start of the text).
    after_non_word: bool,
}

/// The trigger of a prepared pack regex (the form [`super::compile_regex`] compiles): the
/// literals (ASCII lower-case) every match contains one of, each at least [`MIN_TRIGGER`]
/// bytes, or `None` when the regex has none.
pub fn derive(prepared: &str) -> Option<Vec<Vec<u8>>> {
    derive_flagged(prepared).map(|(set, _)| set)
}

/// [`derive`], and whether every match holds an occurrence of a trigger literal right after a
/// byte that is not an ASCII word byte (`[0-9A-Za-z_]`) or at the start of the text: then a
/// trigger hit after a word byte ("ad" in "read") can be passed over.
pub fn derive_flagged(prepared: &str) -> Option<(Vec<Vec<u8>>, bool)> {
    let hir = parse(prepared)?;
    let (set, flag) = best(info(&hir));
    let set = set?;
    usable(&set).then_some((set, flag))
}

/// True when every match of a prepared regex starts at a word boundary and each of its
/// `prefixes` starts with an ASCII word byte: the byte before a match is then not a word byte,
/// so a prefix hit right after a word byte ("ver" in "every") cannot start a match.
pub fn prefix_after_non_word(prepared: &str, prefixes: &[Vec<u8>]) -> bool {
    parse(prepared).is_some_and(|h| starts_with_boundary(&h))
        && prefixes
            .iter()
            .all(|l| l.first().is_some_and(|b| is_word_byte(*b)))
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

fn is_word_byte(b: u8) -> bool {
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

/// True when, in every match, the byte before part `i` of the concatenation `subs` (where a
/// literal of `set` starts) is not an ASCII word byte, or the text starts there.
fn stands_after_non_word(subs: &[Hir], i: usize, set: &[Vec<u8>]) -> bool {
    for h in subs[..i].iter().rev() {
        if !ends_non_word(h, set) {
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
/// a look-around, when it asserts that before a literal of `set` (a word boundary before a
/// literal starting with a word byte, a line start).
fn ends_non_word(h: &Hir, set: &[Vec<u8>]) -> bool {
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
            matches!(l, Look::Start | Look::StartLF | Look::StartCRLF)
                || is_boundary(*l)
                    && set
                        .iter()
                        .all(|x| x.first().is_some_and(|b| is_word_byte(*b)))
        }
        HirKind::Literal(l) => l.0.last().is_some_and(|b| !is_word_byte(*b)),
        HirKind::Class(c) => no_word(c),
        HirKind::Repetition(r) => ends_non_word(&r.sub, set),
        HirKind::Capture(c) => ends_non_word(&c.sub, set),
        HirKind::Concat(subs) => stands_after_non_word(subs, subs.len(), set),
        HirKind::Alternation(subs) => subs.iter().all(|s| ends_non_word(s, set)),
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
            .and_then(|h| info(&h).exact)
            .unwrap_or_else(|| vec![lower(t.as_bytes())]);
        out.extend(variants);
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The longest match of a prepared regex in bytes as `(a, b)`: at most `a + b * W` bytes in a
/// text whose longest run of white space is `W` bytes. Each unbounded repetition of white space
/// alone (`\s+`, `[ \t]*`) stays inside one such run, so counts `W` once; `None` when another
/// repetition is unbounded (`\w+`, `[a-z]*`).
pub fn max_len(prepared: &str) -> Option<(usize, usize)> {
    bound(&parse(prepared)?)
}

fn bound(h: &Hir) -> Option<(usize, usize)> {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Some((0, 0)),
        HirKind::Literal(l) => Some((l.0.len(), 0)),
        HirKind::Class(_) => Some((h.properties().maximum_len()?, 0)),
        HirKind::Capture(c) => bound(&c.sub),
        HirKind::Concat(subs) => subs.iter().try_fold((0, 0), |(a, b), s| {
            let (x, y) = bound(s)?;
            Some((a + x, b + y))
        }),
        HirKind::Alternation(subs) => subs.iter().try_fold((0, 0), |(a, b), s| {
            let (x, y) = bound(s)?;
            Some((a.max(x), b.max(y)))
        }),
        HirKind::Repetition(r) => match r.max {
            Some(m) => {
                let (x, y) = bound(&r.sub)?;
                Some((x * m as usize, y * m as usize))
            }
            None if white_space_only(&r.sub) => Some((0, 1)),
            None => None,
        },
    }
}

/// True for a class of white space characters only (every one `char::is_whitespace`, the
/// Unicode White_Space property `\s` stands for).
fn white_space_only(h: &Hir) -> bool {
    match h.kind() {
        HirKind::Class(Class::Unicode(u)) => u
            .ranges()
            .iter()
            .all(|r| (r.start()..=r.end()).all(char::is_whitespace)),
        HirKind::Class(Class::Bytes(b)) => b
            .ranges()
            .iter()
            .all(|r| (r.start()..=r.end()).all(|x| x.is_ascii() && (x as char).is_whitespace())),
        HirKind::Capture(c) => white_space_only(&c.sub),
        _ => false,
    }
}

/// An upper bound of the longest run of white space in `text`, in bytes: the longest run of
/// ASCII white space and non-ASCII bytes (a non-ASCII white space character is one of those).
pub fn white_space_run(text: &str) -> usize {
    let (mut best, mut run) = (0, 0);
    for &b in text.as_bytes() {
        if b >= 0x80 || b.is_ascii_whitespace() || b == 0x0b {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

fn parse(prepared: &str) -> Option<Hir> {
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

/// The better of two candidate sets, each with its `after_non_word` flag; `a` on a tie. The
/// same set found at two places (a run from a look-around and from the part after it) keeps
/// the flag either place gives: each is true of every match.
fn better(a: (Lits, bool), b: (Lits, bool)) -> (Lits, bool) {
    match (&a.0, &b.0) {
        (Some(x), Some(y)) if x == y => (a.0, a.1 || b.1),
        (Some(x), Some(y)) if score(y) > score(x) => b,
        (Some(_), _) => a,
        (None, _) => b,
    }
}

fn best(i: Info) -> (Lits, bool) {
    better((i.exact, false), (i.required, i.after_non_word))
}

fn lower(bytes: &[u8]) -> Vec<u8> {
    bytes.to_ascii_lowercase()
}

fn normalize(mut set: Vec<Vec<u8>>) -> Lits {
    set.sort();
    set.dedup();
    (set.len() <= MAX_SET).then_some(set)
}

/// Every concatenation of one string of `a` and one of `b`.
fn product(a: &[Vec<u8>], b: &[Vec<u8>]) -> Lits {
    if a.len() * b.len() > MAX_SET {
        return None;
    }
    normalize(
        a.iter()
            .flat_map(|x| b.iter().map(move |y| [x.as_slice(), y].concat()))
            .collect(),
    )
}

fn class(c: &Class) -> Lits {
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
    let set = normalize(out)?;
    (set.len() <= MAX_CLASS).then_some(set)
}

fn info(h: &Hir) -> Info {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Info {
            exact: Some(vec![Vec::new()]),
            required: None,
            after_non_word: false,
        },
        HirKind::Literal(l) => Info {
            exact: Some(vec![lower(&l.0)]),
            required: None,
            after_non_word: false,
        },
        HirKind::Class(c) => Info {
            exact: class(c),
            required: None,
            after_non_word: false,
        },
        HirKind::Capture(c) => info(&c.sub),
        HirKind::Repetition(r) => {
            let sub = info(&r.sub);
            let exact = match (r.min, r.max, &sub.exact) {
                (0, Some(1), Some(e)) => normalize([vec![Vec::new()], e.clone()].concat()),
                (n, Some(m), Some(e)) if n == m && n <= 4 => {
                    (0..n).try_fold(vec![Vec::new()], |acc, _| product(&acc, e))
                }
                _ => None,
            };
            let (required, after_non_word) = if r.min >= 1 { best(sub) } else { (None, false) };
            Info {
                exact,
                required,
                after_non_word,
            }
        }
        HirKind::Concat(subs) => concat(subs),
        HirKind::Alternation(subs) => {
            let infos: Vec<Info> = subs.iter().map(info).collect();
            let exact = infos
                .iter()
                .map(|i| i.exact.clone())
                .collect::<Option<Vec<_>>>()
                .and_then(|sets| normalize(sets.concat()));
            let bests: Vec<(Lits, bool)> = infos.into_iter().map(best).collect();
            let after_non_word = bests.iter().all(|b| b.1);
            let required = bests
                .into_iter()
                .map(|b| b.0)
                .collect::<Option<Vec<_>>>()
                .and_then(|sets| normalize(sets.concat()));
            Info {
                exact,
                required,
                after_non_word,
            }
        }
    }
}

/// A concatenation: its exact set when every part has one; as required set, the best of each
/// part's own and of every run of consecutive exact parts (each match passes through one of
/// the run's strings).
fn concat(subs: &[Hir]) -> Info {
    let infos: Vec<Info> = subs.iter().map(info).collect();
    let mut required: (Lits, bool) = (None, false);
    for (i, first) in infos.iter().enumerate() {
        // A run starting here stands right after the part before it.
        let flag = |set: &[Vec<u8>]| stands_after_non_word(subs, i, set);
        let mut run = first.exact.clone();
        for next in &infos[i + 1..] {
            let Some(r) = &run else { break };
            required = better(required, (Some(r.clone()), flag(r)));
            run = next.exact.as_ref().and_then(|e| product(r, e));
        }
        if let Some(r) = run {
            let f = flag(&r);
            required = better(required, (Some(r), f));
        }
    }
    let exact = infos
        .iter()
        .try_fold(vec![Vec::new()], |acc, i| product(&acc, i.exact.as_ref()?));
    for i in infos {
        required = better(required, (i.required, i.after_non_word));
    }
    Info {
        exact,
        required: required.0,
        after_non_word: required.1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_count_white_space_runs() {
        let m = |p: &str| max_len(&super::super::prepared(p));
        assert_eq!(m(r"\bonly\s+\d{1,3}\s+left\b"), Some((20, 2)));
        assert_eq!(m(r"(?m)^[ \t]*ad[ \t]*$"), Some((2, 2)));
        assert_eq!(m(r"\bsave\s+\d+"), None);
        assert_eq!(white_space_run("a  \t b\u{a0}\u{a0}c"), 4);
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
            !f(r"(?:paid\s+)?sponsored\s+by"),
            "the match may start with the trigger"
        );
        let p = |re: &str| {
            let src = super::super::prepared(re);
            prefix_after_non_word(&src, &prefixes(&src).unwrap())
        };
        assert!(p(r"\b(?:shop|buy)\s+now"));
        assert!(!p(r"(?:shop|buy)\s+now"), "no \\b");
        assert!(
            !p(r"\b(?:#1|shop)\s+now"),
            "`#1` starts with a non-word byte"
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
