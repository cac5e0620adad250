//! Regexes behind one literal prefilter: every regex whose matches must begin with one of a
//! few literals ("shop", "buy", "sponsored", ...) gets those literals in one Aho-Corasick
//! automaton; where a literal occurs, the regex is tried anchored there. Regexes without such
//! literals go to a [`regex::RegexSet`].
//!
//! Why not one `RegexSet` for everything: its lazy DFA is the product of all patterns, and with
//! ~190 case-insensitive patterns full of bounded repetitions its states explode. Measured on
//! the visible text of the 296 eval pages (shared machine, load 3-5): the built-in packs' 186
//! regexes as one set ran at 4-5 MB/s of text; the claim pack alone (56) at 74, the cta pack
//! (28) at 213. With 111 regexes behind this prefilter (~200 MB/s) and 75 in sets of 8
//! (~35 MB/s together), all regexes run at ~23 MB/s of text, the same 718 matches.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex_automata::{Anchored, Input, meta};
use regex_syntax::hir::literal::{ExtractKind, Extractor};

/// Shortest literal worth prefiltering on: shorter ones ("a", "we") occur everywhere.
const MIN_LITERAL: usize = 3;
/// Most literals one regex may contribute.
const MAX_LITERALS: usize = 300;
/// Regexes that may start with a very common word ("the", "is") go to the sets instead: on
/// the eval pages such prefixes made ~1 candidate per 8 bytes of text.
const SKIP_COMMON: bool = true;
/// Lazy-DFA cache of one prefiltered regex (per thread): anchored tries are short, and ~110
/// regexes with the default cache each would cost hundreds of MB of memory.
const ANCHORED_CACHE: usize = 256 << 10;

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

/// Prefiltered regexes.
#[derive(Debug)]
pub struct Prefiltered {
    ac: AhoCorasick,
    /// Per automaton pattern: the regexes (indices into `regexes`) it starts.
    starts: Vec<Vec<u32>>,
    /// The anchored regexes, with the caller's index of each.
    regexes: Vec<(meta::Regex, usize)>,
}

impl Prefiltered {
    /// Builds the prefilter over `(pattern, prefixes, caller index)`; patterns are in the form
    /// the caller compiles them (case-insensitive is applied here).
    pub fn new(items: Vec<(String, Vec<Vec<u8>>, usize)>) -> Result<Option<Prefiltered>, String> {
        if items.is_empty() {
            return Ok(None);
        }
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut starts: Vec<Vec<u32>> = Vec::new();
        let mut index = std::collections::HashMap::new();
        let mut regexes = Vec::with_capacity(items.len());
        for (pattern, prefixes, caller) in items {
            let re = meta::Regex::builder()
                .syntax(regex_automata::util::syntax::Config::new().case_insensitive(true))
                .configure(
                    meta::Config::new()
                        .nfa_size_limit(Some(super::REGEX_SIZE_LIMIT))
                        .hybrid_cache_capacity(ANCHORED_CACHE),
                )
                .build(&pattern)
                .map_err(|e| format!("regex {pattern:?}: {e}"))?;
            let r = regexes.len() as u32;
            regexes.push((re, caller));
            for lit in prefixes {
                let slot = *index.entry(lit.clone()).or_insert_with(|| {
                    literals.push(lit);
                    starts.push(Vec::new());
                    starts.len() - 1
                });
                starts[slot].push(r);
            }
        }
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&literals)
            .or_else(|_| {
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(&literals)
            })
            .map_err(|e| format!("regex prefilter: {e}"))?;
        Ok(Some(Prefiltered {
            ac,
            starts,
            regexes,
        }))
    }

    /// Every match `(caller index, start, end)` of the prefiltered regexes in `text`: each
    /// regex tried anchored where one of its literals starts.
    pub fn find(&self, text: &str, out: &mut Vec<(usize, usize, usize)>) {
        let mut candidates: Vec<(usize, u32)> = Vec::new();
        for m in self.ac.find_overlapping_iter(text) {
            for &r in &self.starts[m.pattern().as_usize()] {
                candidates.push((m.start(), r));
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        for (start, r) in candidates {
            let (re, caller) = &self.regexes[r as usize];
            let input = Input::new(text).range(start..).anchored(Anchored::Yes);
            if let Some(m) = re.search(&input) {
                out.push((*caller, m.start(), m.end()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn anchored_at_each_literal() {
        let items = vec![(
            r"(?-u:\b)(?:shop|buy)\s+now\b".to_string(),
            prefixes(r"(?-u:\b)(?:shop|buy)\s+now\b").unwrap(),
            7,
        )];
        let pf = Prefiltered::new(items).unwrap().unwrap();
        let mut out = Vec::new();
        pf.find("Workshop now. SHOP NOW or buy  now", &mut out);
        let spans: Vec<(usize, usize, usize)> = out;
        assert_eq!(spans, [(7, 14, 22), (7, 26, 34)]);
    }
}
