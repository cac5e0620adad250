//! The matcher: every literal phrase of every rule and the literals of every regex in one
//! Aho-Corasick automaton ([`walk::Joint`]); every regex tried anchored where one of its
//! literal prefixes starts ([`prefix`]) or run in windows around the hits of its trigger
//! ([`trigger`]). No regex set runs over whole texts: a regex costs what its literals cost,
//! and runs only near them.
//!
//! The automaton is a DFA (measured ~350 MB/s for 300 case-insensitive phrases on the
//! project machine, against ~140 for the default kind); the phrases' matches are
//! leftmost-longest, ASCII case-insensitive, and kept only on word boundaries. `\b` in a regex is
//! rewritten to the ASCII `(?-u:\b)`: with Unicode `\b` a set of 52 rules ran at 0.6 MB/s on
//! real pages, with the ASCII form at ~330 MB/s.
//!
//! ```
//! use puffery::matcher::Matcher;
//! use puffery::rules::RuleSet;
//! let rules = RuleSet::builtin().unwrap();
//! let m = Matcher::new(&rules).unwrap();
//! let hits = m.find("Shop now on Amazon!");
//! assert!(!hits.is_empty());
//! ```

use crate::Error;
use crate::rules::RuleSet;

use crate::pattern::prepare;
pub use crate::pattern::{
    Anchor, Plan, Planned, REGEX_DFA_LIMIT, REGEX_SIZE_LIMIT, anchor, compile_regex,
    derive_flagged, fold_char, has_prefixes, no_trigger_message, normalize_phrase, plan, planned,
    prefix_after_non_word, prepared,
};

mod lazy;
mod prefix;
mod spare;
pub mod trigger;
mod walk;

/// One match in the scanned text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    /// Byte offset in the scanned (normalized) text.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// Index of the rule in the [`RuleSet`].
    pub rule: u32,
}

/// What an automaton pattern stands for.
#[derive(Clone, Debug, Default)]
struct Target {
    /// Rules this phrase belongs to.
    rules: Vec<u32>,
    /// Rules for which this phrase is an exception.
    exceptions: Vec<u32>,
}

/// All rules, compiled.
#[derive(Debug)]
pub struct Matcher {
    /// The phrases and the regexes' literals in one automaton ([`walk::Joint`]).
    ac: Option<walk::Joint>,
    targets: Vec<Target>,
    /// The regexes, behind their literals in `ac`.
    re: Regexes,
    rules: usize,
    /// How many extra literals `ac` holds after the regexes' ([`Matcher::with_extra`]).
    extra: usize,
}

/// True when a hit of literal `lit` at `start` can be passed over: the literal starts with a
/// word byte that no match has right after another (`after_non_word[lit]`), and one is there.
fn passed_over(after_non_word: &[bool], text: &str, lit: usize, start: usize) -> bool {
    after_non_word[lit] && start > 0 && crate::pattern::is_word_byte(text.as_bytes()[start - 1])
}

/// Longest regex literal the automaton holds: a longer one is cut to its first bytes, which
/// every occurrence of it starts with. A hit then stands for every literal with that start, a
/// superset the regexes decide (a prefix literal still starts where its match may; a trigger
/// window reaches farther left, never less far). Measured on the bench JSONL: the automaton
/// of the built-in packs has half the states (3.3 -> 1.8 MB), builds in half the time and
/// searches faster, for 0.6 % more hits.
const MAX_LITERAL: usize = 8;

/// `lit` cut to [`MAX_LITERAL`] bytes.
fn cut(lit: &[u8]) -> Vec<u8> {
    lit[..lit.len().min(MAX_LITERAL)].to_vec()
}

/// Folds the after-non-word `flag` of one regex using literal `lit` (automaton slot `slot`, a
/// new slot when it equals `flags.len()`) into `flags`: every regex sharing a literal must
/// allow it, and the literal must start with a word byte (after `\b`, the long-s form of
/// "shop" follows a word byte).
fn literal_flags(slot: usize, lit: &[u8], flag: bool, flags: &mut Vec<bool>) {
    if slot == flags.len() {
        flags.push(true);
    }
    flags[slot] &= flag
        && lit
            .first()
            .is_some_and(|&b| crate::pattern::is_word_byte(b));
}

/// Adds `lit` (cut to [`MAX_LITERAL`] bytes) for regex `r` to a literal list: the literals, per
/// literal its regexes and its after-non-word flag ([`literal_flags`]); `index` finds a literal
/// already there.
fn add_literal(
    index: &mut std::collections::HashMap<Vec<u8>, usize>,
    lists: (&mut Vec<Vec<u8>>, &mut Vec<Vec<u32>>, &mut Vec<bool>),
    lit: &[u8],
    r: u32,
    flag: bool,
) {
    let (literals, regexes, flags) = lists;
    let lit = cut(lit);
    let slot = *index.entry(lit.clone()).or_insert_with(|| {
        literals.push(lit.clone());
        regexes.push(Vec::new());
        regexes.len() - 1
    });
    regexes[slot].push(r);
    literal_flags(slot, &lit, flag, flags);
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// True when `text[start..end]` does not begin or end inside a word.
fn on_word_boundaries(text: &str, start: usize, end: usize) -> bool {
    let starts_word = text[start..end].chars().next().is_some_and(is_word);
    let ends_word = text[start..end].chars().next_back().is_some_and(is_word);
    let before = text[..start].chars().next_back().is_some_and(is_word);
    let after = text[end..].chars().next().is_some_and(is_word);
    !(starts_word && before || ends_word && after)
}

/// The error for regexes that do not build together: the first pattern that does not
/// compile on its own, named by file, line and rule, or else the engine's own message.
fn regex_error(rules: &RuleSet, message: String) -> Error {
    for r in &rules.rules {
        for re in &r.rule.regex {
            if let Err(e) = compile_regex(re) {
                return Error::RulePack {
                    file: r.file.clone(),
                    line: Some(r.line),
                    message: format!("rule {}: regex {re:?}: {e}", r.rule.id),
                };
            }
        }
    }
    Error::Rules { message }
}

/// One overlapping automaton over regex literals, which `crate::pattern` gives lower-cased in
/// ASCII: it searches a text lower-cased in ASCII ([`Matcher::find_lower`]), which is ASCII
/// case folding at the same offsets, with half the letter classes and no case folding in the
/// automaton.
fn literal_automaton(literals: &[Vec<u8>]) -> Result<walk::Automata, String> {
    debug_assert!(
        literals
            .iter()
            .all(|l| !l.iter().any(u8::is_ascii_uppercase))
    );
    walk::Automata::new(literals).map_err(|e| format!("regex literals: {e}"))
}

/// The phrases and what each stands for.
type Phrases = (Vec<String>, Vec<Target>);

/// Collects every phrase and exception of `rules`, normalized and deduplicated: lower-case in
/// ASCII, as the automaton searches the text lower-cased in ASCII ([`Matcher::find_lower`]).
fn build_phrases(rules: &RuleSet) -> Result<Phrases, Error> {
    let mut phrases: Vec<String> = Vec::new();
    let mut targets: Vec<Target> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for (i, r) in rules.rules.iter().enumerate() {
        let i = i as u32;
        let lists = [(&r.rule.phrases, false), (&r.rule.exceptions, true)];
        for (list, is_exception) in lists {
            for p in list {
                let norm = normalize_phrase(p);
                let slot = *index.entry(norm.clone()).or_insert_with(|| {
                    phrases.push(norm);
                    targets.push(Target::default());
                    targets.len() - 1
                });
                let t = &mut targets[slot];
                let v = if is_exception {
                    &mut t.exceptions
                } else {
                    &mut t.rules
                };
                if !v.contains(&i) {
                    v.push(i);
                }
            }
        }
    }
    Ok((phrases, targets))
}

/// The prefix engine's items ([`prefix::Item`]).
type Items = Vec<prefix::Item>;

/// Every regex of `rules` with its rule, split into those behind literal prefixes and those
/// run around triggers; a regex that does not compile or has no trigger is an error naming
/// its file, line and rule.
fn plan_regexes(rules: &RuleSet) -> Result<(Vec<u32>, Items, Vec<trigger::Item>), Error> {
    let mut regexes = Vec::new();
    let (mut prefixed, mut triggered) = (Vec::new(), Vec::new());
    for (i, r) in rules.rules.iter().enumerate() {
        for re in &r.rule.regex {
            let idx = regexes.len();
            regexes.push(i as u32);
            let err = |m: String| Error::RulePack {
                file: r.file.clone(),
                line: Some(r.line),
                message: format!("rule {}: {m}", r.rule.id),
            };
            let src = prepare(re);
            let p = crate::pattern::planned(re, &r.rule.trigger).map_err(err)?;
            let flag = p.after_non_word;
            match p.plan {
                Plan::Prefixes(l) => prefixed.push((src, l, idx, flag, p.gate)),
                Plan::Trigger { literals, .. } => triggered.push(trigger::Item {
                    pattern: src,
                    literals,
                    caller: idx,
                    after_non_word: flag,
                    max_len: p.max_len,
                    anchor: p.anchor,
                    at_start: p.at_start,
                    split: p.split,
                    gate: p.gate,
                }),
            }
        }
    }
    Ok((regexes, prefixed, triggered))
}

/// The regex side of a [`Matcher`]: both engines and the literals the automaton finds for them.
#[derive(Debug)]
struct Regexes {
    /// Regexes whose matches start with known literals, tried where one starts.
    prefiltered: Option<prefix::Prefiltered>,
    /// The other regexes, each run in windows around the hits of its trigger.
    triggered: Option<trigger::Triggered>,
    /// The prefix literals, the trigger literals and the gate literals, lower-case in ASCII:
    /// the matcher's automaton holds them after the phrases, and one pass finds all.
    literals: Vec<Vec<u8>>,
    /// The number of prefix literals: automaton patterns from here on are trigger literals.
    split: usize,
    /// The number of prefix and trigger literals: automaton patterns from here on are gate
    /// literals.
    gate_split: usize,
    /// Per automaton pattern: a hit right after an ASCII word byte can start no match.
    after_non_word: Vec<bool>,
    /// The rule index of every regex.
    regexes: Vec<u32>,
}

impl Regexes {
    fn new(rules: &RuleSet) -> Result<Regexes, Error> {
        let (regexes, prefixed, triggered) = plan_regexes(rules)?;
        let all_packs = |message| regex_error(rules, message);
        let prefiltered = prefix::Prefiltered::new(prefixed).map_err(all_packs)?;
        let triggered = trigger::Triggered::new(triggered).map_err(all_packs)?;
        let mut all: Vec<Vec<u8>> = Vec::new();
        let mut after_non_word: Vec<bool> = Vec::new();
        if let Some(p) = &prefiltered {
            all.extend(p.literals().iter().cloned());
            after_non_word.extend(p.after_non_word());
        }
        let split = all.len();
        if let Some(t) = &triggered {
            all.extend(t.literals().iter().cloned());
            after_non_word.extend(t.after_non_word());
        }
        let gate_split = all.len();
        if let Some(p) = &prefiltered {
            all.extend(p.gate_literals().iter().cloned());
            after_non_word.extend(p.gate_after_non_word());
        }
        debug_assert!(
            all.iter()
                .all(|l| !l.is_empty() && !l.iter().any(u8::is_ascii_uppercase))
        );
        Ok(Regexes {
            prefiltered,
            triggered,
            literals: all,
            split,
            gate_split,
            after_non_word,
            regexes,
        })
    }
}

/// Sorts `hits` earlier first, longer first at the same start (then by rule); then keeps, of
/// the hits with the same key (`key(h) < keys`), the first of each span: one that starts before
/// the end of the last kept hit of its key is dropped. `span(h)` is `(start, end, rule)`. The
/// matcher keys by rule (a phrase and a regex of one rule that overlap report the earlier,
/// longer one), the scanner by category. Fewer than two hits need neither sort nor table (most
/// short documents have none).
pub(crate) fn keep_first_per_key<T>(
    hits: &mut Vec<T>,
    keys: usize,
    span: impl Fn(&T) -> (usize, usize, usize),
    key: impl Fn(&T) -> usize,
) {
    if hits.len() < 2 {
        return;
    }
    hits.sort_unstable_by_key(|h| {
        let (start, end, rule) = span(h);
        (start, std::cmp::Reverse(end), rule)
    });
    let mut last_end = vec![0usize; keys];
    hits.retain(|h| {
        let ((start, end, _), k) = (span(h), key(h));
        let keep = start >= last_end[k];
        if keep {
            last_end[k] = end;
        }
        keep
    });
}

impl Matcher {
    /// Compiles every phrase of `rules`, the literal prefixes and gates of the regexes tried
    /// at them and the other regexes' triggers into one automaton ([`walk::Joint`]).
    pub fn new(rules: &RuleSet) -> Result<Matcher, Error> {
        Matcher::with_extra(rules, &[])
    }

    /// [`Matcher::new`], with `extra` literals (lower-case in ASCII, none empty) in the same
    /// automaton: [`Matcher::find_lower_extra`] gives their every occurrence. The scanner
    /// finds the verdict policy's paid-post statements so, where a pass of their own read
    /// every text again (bench JSONL: 3.5 % of a scan's instructions).
    pub fn with_extra(rules: &RuleSet, extra: &[String]) -> Result<Matcher, Error> {
        // The phrase list and the regex side are made side by side on the current rayon pool
        // (start-up is serial time every `-j N` run pays); then the automaton of both.
        let (phrases, regex_side) = rayon::join(|| build_phrases(rules), || Regexes::new(rules));
        let (phrases, targets) = phrases?;
        let re = regex_side?;
        let literals: Vec<&[u8]> = (re.literals.iter().map(Vec::as_slice))
            .chain(extra.iter().map(String::as_bytes))
            .collect();
        let ac = if phrases.is_empty() && literals.is_empty() {
            None
        } else {
            let joint = walk::Joint::new(&phrases, &literals);
            Some(joint.map_err(|e| Error::Rules {
                message: format!("phrase and literal automaton: {e}"),
            })?)
        };
        Ok(Matcher {
            ac,
            targets,
            re,
            rules: rules.rules.len(),
            extra: extra.len(),
        })
    }

    /// How many extra literals the matcher finds ([`Matcher::with_extra`]).
    pub fn extra_len(&self) -> usize {
        self.extra
    }

    /// Finds every rule match in `text`, sorted by position. Matches hidden by a rule's
    /// exception are dropped; two rules may match the same span.
    pub fn find(&self, text: &str) -> Vec<Hit> {
        self.find_lower(text, &text.to_ascii_lowercase())
    }

    /// [`Matcher::find`] given `lower`, `text` lower-cased in ASCII (`str::to_ascii_lowercase`,
    /// the same offsets), which the automata search: phrases and literals match ASCII case
    /// insensitively, as the automata were built lower-case.
    pub fn find_lower(&self, text: &str, lower: &str) -> Vec<Hit> {
        self.find_lower_extra(text, lower, &mut Vec::new())
    }

    /// [`Matcher::find_lower`], and every occurrence `(start, end, index)` of the extra
    /// literals ([`Matcher::with_extra`]) in `lower`, by end, into `extra`.
    pub fn find_lower_extra(
        &self,
        text: &str,
        lower: &str,
        extra: &mut Vec<(usize, usize, usize)>,
    ) -> Vec<Hit> {
        debug_assert_eq!(text.len(), lower.len());
        let mut hits = Vec::new();
        let mut hidden: Vec<Hit> = Vec::new();
        let on_phrase = |start: usize, end: usize, pattern: usize| {
            if !on_word_boundaries(text, start, end) {
                return;
            }
            let t = &self.targets[pattern];
            for &rule in &t.rules {
                if !t.exceptions.contains(&rule) {
                    hits.push(Hit { start, end, rule });
                }
            }
            for &rule in &t.exceptions {
                hidden.push(Hit { start, end, rule });
            }
        };
        let re = &self.re;
        // Room for the bench JSONL's 90th percentile (candidates 43 a KB, gate hits 25).
        let mut candidates = spare::take(&spare::PLACES, text.len() / 16);
        let mut gate_hits = spare::take(&spare::PLACES, text.len() / 32);
        let mut windows = trigger::Hits::with_capacity(text.len() / 128);
        let on_literal = |start: usize, end: usize, lit: usize| {
            if let Some(i) = lit.checked_sub(re.literals.len()) {
                extra.push((start, end, i));
                return;
            }
            if passed_over(&re.after_non_word, text, lit, start) {
                return;
            }
            match (&re.prefiltered, &re.triggered) {
                (Some(pf), _) if lit < re.split => pf.hit(text, lit, start, end, &mut candidates),
                (Some(pf), _) if lit >= re.gate_split => {
                    pf.gate_hit(lit - re.gate_split, start, &mut gate_hits)
                }
                (_, Some(t)) => t.hit(text, lit - re.split, start, end, &mut windows),
                _ => {}
            }
        };
        // One pass over the text finds the phrases and the literals ([`walk::Joint`]).
        if let Some(ac) = &self.ac {
            ac.find(lower.as_bytes(), on_phrase, on_literal);
        }
        // Regex matches: (index in `regexes`, start, end).
        let mut raw: Vec<(usize, usize, usize)> = Vec::new();
        // Candidates and windows come only from the literal pass.
        if let Some(pf) = &re.prefiltered {
            pf.run(
                text,
                &mut candidates,
                &mut gate_hits,
                windows.runs(),
                &mut raw,
            );
        }
        spare::give_back(&spare::PLACES, candidates);
        spare::give_back(&spare::PLACES, gate_hits);
        if let Some(t) = &re.triggered {
            t.run_windows(text, lower, windows, &mut raw);
        }
        self.regex_hits(text, raw, &hidden, &mut hits);
        let rule = |h: &Hit| h.rule as usize;
        keep_first_per_key(&mut hits, self.rules, |h| (h.start, h.end, rule(h)), rule);
        hits
    }

    /// Pushes the hits of the regex matches `raw` (index in `regexes`, start, end) to `hits`,
    /// except where a phrase exception of the same rule (`hidden`) overlaps one.
    fn regex_hits(
        &self,
        text: &str,
        raw: Vec<(usize, usize, usize)>,
        hidden: &[Hit],
        hits: &mut Vec<Hit>,
    ) {
        for (idx, s, e) in raw {
            let rule = self.re.regexes[idx];
            // A match is the text it flags: white space a pattern consumed at its edges (line
            // anchors, `\s*`) is not part of it.
            let m = &text[s..e];
            let inner = m.trim();
            if inner.is_empty() {
                continue;
            }
            let start = s + (m.len() - m.trim_start().len());
            let end = start + inner.len();
            let excepted = hidden
                .iter()
                .any(|h| h.rule == rule && h.start < end && start < h.end);
            if !excepted {
                hits.push(Hit { start, end, rule });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(phrases: &[&str], regex: &[&str], exceptions: &[&str]) -> RuleSet {
        let q = |v: &[&str]| {
            v.iter()
                .map(|s| format!("{s:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let pack = format!(
            "[pack]\nname = \"t\"\n[[rule]]\nid = \"cta.t\"\ncategory = \"cta\"\nseverity = \"warning\"\n\
             weight = 1.0\nsummary = \"s\"\nwhy = \"w\"\nphrases = [{}]\nregex = [{}]\nexceptions = [{}]\n\
             examples.flag = [\"a\", \"b\"]\nexamples.ok = [\"c\", \"d\"]\n",
            q(phrases),
            q(regex),
            q(exceptions)
        );
        RuleSet::from_packs(&[("t.toml", &pack)]).unwrap()
    }

    fn spans(m: &Matcher, text: &str) -> Vec<String> {
        m.find(text)
            .iter()
            .map(|h| text[h.start..h.end].to_string())
            .collect()
    }

    #[test]
    fn phrases_match_case_insensitively_on_word_boundaries() {
        let m = Matcher::new(&rules(&["shop now", "#1"], &[], &[])).unwrap();
        assert_eq!(spans(&m, "SHOP NOW and #1!"), ["SHOP NOW", "#1"]);
        assert!(spans(&m, "workshop nowhere").is_empty());
        assert_eq!(spans(&m, "the #1."), ["#1"]);
    }

    #[test]
    fn exceptions_hide_phrases_and_regexes_inside_them() {
        let m = Matcher::new(&rules(
            &["shop now"],
            &[r"\bshop\s+now\b"],
            &["the shop now closes"],
        ))
        .unwrap();
        assert!(spans(&m, "the shop now closes at 5").is_empty());
        assert_eq!(spans(&m, "Shop now!"), ["Shop now"]);
    }

    #[test]
    fn unicode_word_boundary_is_rewritten_to_ascii() {
        let m = Matcher::new(&rules(&[], &[r"\d+% off\b"], &[])).unwrap();
        assert_eq!(spans(&m, "Save 20% OFF today"), ["20% OFF"]);
    }

    #[test]
    fn a_bad_regex_in_a_rule_set_is_named_by_the_matcher() {
        let mut set = rules(&[], &[r"okay\d"], &[]);
        set.rules[0].rule.regex.push("(unclosed".into());
        let msg = Matcher::new(&set).unwrap_err().to_string();
        assert!(msg.contains("rule cta.t: regex \"(unclosed\""), "{msg}");
    }
}
