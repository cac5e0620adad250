//! Pack patterns before they are compiled: phrase normalization, the form a regex is compiled
//! in, and how each regex runs (behind its literal prefixes or around its trigger). A leaf
//! module: the rule loader validates with it and the matcher builds with it.

use regex::{Regex, RegexBuilder};

mod literals;
mod plans;
#[rustfmt::skip]
mod builtin_plans;

pub use literals::{
    Anchor, Bound, MIN_EXPLICIT, MIN_TRIGGER, Runs, anchor, derive, derive_flagged, explicit,
    is_word_byte, max_len, prefix_after_non_word, prefixes, runs, split, trigger_starts_match,
};

/// Compiled size limit of one regex (bytes of program); a pathological pattern is refused.
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;
/// Lazy-DFA cache limit of one regex.
pub const REGEX_DFA_LIMIT: usize = 4 << 20;

/// Lower-cases ASCII, maps typographic quotes and dashes to their plain forms and collapses
/// whitespace to one space: the form phrases are compiled in, and the form scanned text takes.
pub fn normalize_phrase(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    for c in p.trim().chars() {
        let c = fold_char(c).unwrap_or(c);
        if c.is_whitespace() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// The plain character the scanner uses in place of `c`, if it folds: typographic quotes to
/// straight quotes, non-breaking and other special spaces to a space.
pub fn fold_char(c: char) -> Option<char> {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{2032}' => Some('\''),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' | '\u{00AB}' | '\u{00BB}' => Some('"'),
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => Some(' '),
        _ => None,
    }
}

/// True when a pack regex runs behind the literal prefilter (its matches start with one of a
/// few literals of at least 3 bytes); false when it runs in the residual `RegexSet`.
pub fn has_prefixes(pattern: &str) -> bool {
    literals::prefixes(&prepare(pattern)).is_some()
}

/// Compiles one pack regex: case-insensitive, ASCII word boundaries, size-limited.
pub fn compile_regex(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(&prepare(pattern))
        .case_insensitive(true)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_DFA_LIMIT)
        .build()
}

/// The form a pack regex is compiled in: ASCII word boundaries, and for a pattern written
/// wholly in ASCII without classes that match non-ASCII text in Unicode mode (`.`, `[^...]`,
/// `\w`, `\d`, `\S` and the like), ASCII mode `(?-u)`. That matches the same texts (whitespace in scanned text is
/// normalized to spaces and newlines, and only ASCII case folding is lost, e.g. the Kelvin sign
/// for `k`), and compiles to a smaller automaton: about a third less work for the built-in set.
/// The form [`compile_regex`] compiles a pattern in (for tools that build their own sets).
pub fn prepared(pattern: &str) -> String {
    prepare(pattern)
}

pub(crate) fn prepare(pattern: &str) -> String {
    let bounded = ascii_boundaries(pattern);
    if ascii_safe(pattern) {
        format!("(?-u){bounded}")
    } else {
        bounded
    }
}

/// True when `pattern` is ASCII and has no construct that matches non-ASCII text in Unicode
/// mode but would match raw bytes in ASCII mode.
fn ascii_safe(pattern: &str) -> bool {
    if !pattern.is_ascii() || pattern.contains("[^") {
        return false;
    }
    let mut chars = pattern.chars();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('w' | 'W' | 'd' | 'D' | 'S' | 'p' | 'P' | 'x' | 'u' | 'U') | None => {
                    return false;
                }
                _ => {}
            },
            '[' => in_class = true,
            ']' => in_class = false,
            '.' if !in_class => return false,
            _ => {}
        }
    }
    true
}

/// Rewrites `\b` and `\B` to their ASCII forms, leaving escaped backslashes alone.
fn ascii_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push_str("(?-u:\\b)"),
            Some('B') => out.push_str("(?-u:\\B)"),
            Some(n) => {
                out.push('\\');
                out.push(n);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// The error for a regex without a trigger, saying how to give it one.
pub fn no_trigger_message(pattern: &str) -> String {
    format!(
        "regex {pattern:?} has no trigger: no literal of at least {} bytes that every match \
         contains. Add `trigger = [\"word\", ...]` to the rule, listing literals one of which \
         every match contains (README.md, \"Regex triggers\")",
        literals::MIN_TRIGGER
    )
}

/// How one pack regex runs: behind its literal prefixes, or in windows around its trigger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Plan {
    /// Tried anchored where one of these literals (lower-case) starts.
    Prefixes(Vec<Vec<u8>>),
    /// Run in windows around these literals (lower-case); `derived` when found in the regex,
    /// not given by the rule's `trigger`.
    Trigger {
        /// The literals.
        literals: Vec<Vec<u8>>,
        /// True when derived from the regex.
        derived: bool,
    },
}

/// How `pattern` runs: behind its literal prefixes when it has them, else around the trigger
/// derived from it, else around the rule's `trigger` list; `Err` with the message of
/// [`no_trigger_message`] (or a bad trigger) when it has none.
pub fn plan(pattern: &str, explicit: &[String]) -> Result<Plan, String> {
    plan_flagged(pattern, explicit).map(|(plan, _)| plan)
}

/// [`plan`], and whether a hit of one of its literals right after an ASCII word byte can be
/// passed over: for prefixes when every match starts at a word boundary
/// ([`prefix_after_non_word`]), for a derived trigger by [`derive_flagged`], never for a rule's
/// own `trigger` list. One derivation serves both (the matcher derived each trigger twice, 11 %
/// of start-up).
pub fn plan_flagged(pattern: &str, explicit: &[String]) -> Result<(Plan, bool), String> {
    planned(pattern, explicit).map(|p| (p.plan, p.after_non_word))
}

/// A regex's [`Plan`] and what the matcher needs besides, from one case-insensitive parse
/// (start-up parsed each regex four to five times: a fifth of it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    /// How it runs.
    pub plan: Plan,
    /// The flag of [`plan_flagged`].
    pub after_non_word: bool,
    /// Its longest match ([`max_len`]) when it runs around a trigger; `None` for prefixes,
    /// tried anchored, which need no bound.
    pub max_len: Option<Bound>,
    /// Where every match starts ([`anchor`]).
    pub anchor: Option<Anchor>,
    /// A derived trigger with which every match starts ([`trigger_starts_match`]).
    pub at_start: bool,
    /// For [`Plan::Prefixes`]: literals every match holds besides its prefix, which a prefix
    /// hit needs within the longest match of it to be tried ([`Gate`]). For [`Plan::Trigger`]:
    /// literals every match holds besides its trigger, which a window needs a hit of to be
    /// searched ([`literals::window_gate_parsed`]; `max_len` unused).
    pub gate: Option<Gate>,
    /// For a derived trigger that does not start every match: how far before a hit's start
    /// every match whose trigger run stands there starts, and how far after it it ends
    /// ([`split`]).
    pub split: Option<(Bound, Bound)>,
}

/// A second filter in front of a regex tried anchored at its prefixes: one of `literals`
/// (lower-case) occurs in every match, so a prefix hit at `s` needs a hit of one at `g` with
/// `s <= g < s + max_len` (`max_len` `None`: any `g >= s`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gate {
    /// The literals.
    pub literals: Vec<Vec<u8>>,
    /// A hit right after an ASCII word byte can be passed over ([`derive_flagged`]).
    pub after_non_word: bool,
    /// The regex's longest match ([`max_len`]); `None` when unbounded.
    pub max_len: Option<Bound>,
}

/// The gate of a prepared regex run in windows around the hits of `trigger`
/// ([`Planned::gate`]).
pub fn window_gate(prepared: &str, trigger: &[Vec<u8>]) -> Option<Gate> {
    window_gate_of(&literals::parse(prepared)?, trigger)
}

fn window_gate_of(hir: &regex_syntax::hir::Hir, trigger: &[Vec<u8>]) -> Option<Gate> {
    let (literals, after_non_word) = literals::window_gate_parsed(hir, trigger)?;
    Some(Gate {
        literals,
        after_non_word,
        max_len: None,
    })
}

/// [`plan_flagged`], with the longest match and the anchor of the regex. The built-in packs'
/// regexes were planned when the packs last changed ([`plans`]): their plans are looked up,
/// not derived again at every start.
pub fn planned(pattern: &str, explicit: &[String]) -> Result<Planned, String> {
    match plans::builtin(pattern, explicit) {
        Some(p) => Ok(p),
        None => plan_fresh(pattern, explicit),
    }
}

/// [`planned`] derived from the regex's syntax tree.
fn plan_fresh(pattern: &str, explicit: &[String]) -> Result<Planned, String> {
    let src = prepare(pattern);
    let hir = literals::parse(&src);
    if hir.is_none()
        && let Err(e) = regex_syntax::Parser::new().parse(&src)
    {
        return Err(format!("regex {pattern:?}: {e}"));
    }
    let (starts_at_boundary, anchor) = literals::facts(hir.as_ref());
    let done = |plan: Plan, after_non_word: bool, at_start: bool| {
        let split = match &plan {
            Plan::Trigger { literals, derived } if *derived && !at_start => hir
                .as_ref()
                .and_then(|h| literals::split_parsed(h, literals, after_non_word)),
            _ => None,
        };
        let (max_len, gate) = match &plan {
            Plan::Prefixes(prefixes) => {
                let gate = hir
                    .as_ref()
                    .and_then(|h| literals::gate_parsed(h, prefixes));
                let gate = gate.map(|(literals, after_non_word)| Gate {
                    literals,
                    after_non_word,
                    max_len: literals::max_len_parsed(hir.as_ref()),
                });
                (None, gate)
            }
            Plan::Trigger { literals, .. } => {
                // A try at a hit stops where the lazy DFA dies, a few bytes in: a gate looked
                // for through the longest match cost more than it spared.
                let gate = (hir.as_ref())
                    .filter(|_| !at_start)
                    .and_then(|h| window_gate_of(h, literals));
                (literals::max_len_parsed(hir.as_ref()), gate)
            }
        };
        Ok(Planned {
            plan,
            after_non_word,
            max_len,
            anchor,
            at_start,
            gate,
            split,
        })
    };
    let derived = hir.as_ref().and_then(literals::derive_parsed);
    if let Some(lits) = literals::prefixes(&src) {
        // A prefix far commoner than the trigger ("as " in `\bas\s+seen\s+on`) costs a hit
        // where the trigger costs none; a bounded regex then runs around its trigger instead.
        let rarer = derived.as_ref().is_some_and(|(set, _, at_start)| {
            !at_start
                && literals::rarer(set, &lits)
                && literals::max_len_parsed(hir.as_ref()).is_some()
        });
        if !rarer {
            return done(Plan::Prefixes(lits), starts_at_boundary, false);
        }
    }
    if let Some((literals, flag, at_start)) = derived {
        let derived = true;
        return done(Plan::Trigger { literals, derived }, flag, at_start);
    }
    match explicit {
        [] => Err(no_trigger_message(pattern)),
        list => done(
            Plan::Trigger {
                literals: literals::explicit(list)?,
                derived: false,
            },
            false,
            false,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One parse gives what the analyses of the pattern's text give, for every built-in
    /// regex: the plan, the flag, the anchor and, for a trigger plan, the longest match.
    #[test]
    fn planned_from_one_parse_agrees_with_each_analysis() {
        let rules = crate::rules::RuleSet::builtin().unwrap();
        let (mut n, mut at_start, mut n_split, mut n_rarer) = (0, 0, 0, 0);
        for r in &rules.rules {
            for re in &r.rule.regex {
                let p = planned(re, &r.rule.trigger).unwrap();
                let src = prepare(re);
                assert_eq!(p.anchor, anchor(&src), "{re}");
                let triggered = matches!(p.plan, Plan::Trigger { .. });
                assert_eq!(p.max_len, max_len(&src).filter(|_| triggered), "{re}");
                let derived = matches!(p.plan, Plan::Trigger { derived: true, .. });
                assert_eq!(p.at_start, derived && trigger_starts_match(&src), "{re}");
                let windowed = derived && !p.at_start;
                assert_eq!(p.split, split(&src).filter(|_| windowed), "{re}");
                n_split += usize::from(p.split.is_some());
                at_start += usize::from(p.at_start);
                match p.plan {
                    Plan::Prefixes(l) => {
                        assert_eq!(Some(l), prefixes(&src), "{re}");
                        assert_eq!(p.after_non_word, prefix_after_non_word(&src), "{re}");
                    }
                    Plan::Trigger { literals, derived } => {
                        // Prefixed, it runs around its trigger when that is far rarer.
                        if let Some(pre) = prefixes(&src) {
                            let rarer = derived && literals::rarer(&literals, &pre);
                            assert!(rarer && p.max_len.is_some(), "{re}");
                            n_rarer += 1;
                        }
                        let d = derive_flagged(&src);
                        assert_eq!(derived, d.is_some(), "{re}");
                        if let Some((set, flag)) = d {
                            assert_eq!((literals, p.after_non_word), (set, flag), "{re}");
                        }
                    }
                }
                n += 1;
            }
        }
        assert!(n > 200, "{n} regexes");
        // cta.retailer's verbs ("shop", "buy", "get" ...) start each of its matches.
        assert!(
            at_start >= 1,
            "{at_start} regexes tried anchored at their triggers"
        );
        // 57 when the split came in (wave 2, session 13).
        assert!(n_split >= 40, "{n_split} regexes in split windows");
        // 12 when it came in (wave 2, session 15): "as ", "an ", "ich" ...
        assert!(
            n_rarer >= 8,
            "{n_rarer} prefixed regexes run around their triggers"
        );
    }

    #[test]
    fn unicode_word_boundary_is_rewritten_to_ascii() {
        assert_eq!(ascii_boundaries(r"\bx\B\\b"), r"(?-u:\b)x(?-u:\B)\\b");
    }

    #[test]
    fn ascii_mode_only_for_patterns_that_cannot_match_non_ascii() {
        assert_eq!(prepare(r"\bbuy\s+now\b"), r"(?-u)(?-u:\b)buy\s+now(?-u:\b)");
        for p in [
            r"a.b", r"[^x]", r"\S+", r"\w+", r"\d", "über", r"\x27s", r"\p{L}",
        ] {
            assert!(!prepare(p).starts_with("(?-u)"), "{p}");
        }
        // Same matches either way on real text, case-insensitively.
        let re = compile_regex(r"\bshop\s+now\b").unwrap();
        assert!(re.is_match("Caf\u{e9} \u{2014} SHOP NOW!"));
    }

    #[test]
    fn normalize_folds_quotes_and_space() {
        assert_eq!(
            normalize_phrase("  Don\u{2019}t\u{00A0} MISS "),
            "don't miss"
        );
    }

    #[test]
    fn a_pathological_regex_is_refused() {
        assert!(compile_regex(r"(\w{100}){100}").is_err());
    }
}
