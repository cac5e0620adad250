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
use regex_syntax::hir::{Class, Hir, HirKind};

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
}

/// The trigger of a prepared pack regex (the form [`super::compile_regex`] compiles): the
/// literals (ASCII lower-case) every match contains one of, each at least [`MIN_TRIGGER`]
/// bytes, or `None` when the regex has none.
pub fn derive(prepared: &str) -> Option<Vec<Vec<u8>>> {
    let hir = parse(prepared)?;
    let set = best(info(&hir))?;
    usable(&set).then_some(set)
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

fn better(a: Lits, b: Lits) -> Lits {
    match (a, b) {
        (Some(a), Some(b)) => Some(if score(&b) > score(&a) { b } else { a }),
        (a, b) => a.or(b),
    }
}

fn best(i: Info) -> Lits {
    better(i.exact, i.required)
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
        },
        HirKind::Literal(l) => Info {
            exact: Some(vec![lower(&l.0)]),
            required: None,
        },
        HirKind::Class(c) => Info {
            exact: class(c),
            required: None,
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
            let required = if r.min >= 1 { best(sub) } else { None };
            Info { exact, required }
        }
        HirKind::Concat(subs) => concat(subs),
        HirKind::Alternation(subs) => {
            let infos: Vec<Info> = subs.iter().map(info).collect();
            let exact = infos
                .iter()
                .map(|i| i.exact.clone())
                .collect::<Option<Vec<_>>>()
                .and_then(|sets| normalize(sets.concat()));
            let required = infos
                .into_iter()
                .map(best)
                .collect::<Option<Vec<_>>>()
                .and_then(|sets| normalize(sets.concat()));
            Info { exact, required }
        }
    }
}

/// A concatenation: its exact set when every part has one; as required set, the best of each
/// part's own and of every run of consecutive exact parts (each match passes through one of
/// the run's strings).
fn concat(subs: &[Hir]) -> Info {
    let infos: Vec<Info> = subs.iter().map(info).collect();
    let mut required: Lits = None;
    for (i, first) in infos.iter().enumerate() {
        let mut run = first.exact.clone();
        for next in &infos[i + 1..] {
            let Some(r) = &run else { break };
            required = better(required, Some(r.clone()));
            run = next.exact.as_ref().and_then(|e| product(r, e));
        }
        if let Some(r) = run {
            required = better(required, Some(r));
        }
    }
    let exact = infos
        .iter()
        .try_fold(vec![Vec::new()], |acc, i| product(&acc, i.exact.as_ref()?));
    for i in infos {
        required = better(required, i.required);
    }
    Info { exact, required }
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
