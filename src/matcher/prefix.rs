//! Regexes behind one literal prefilter: every regex whose matches must begin with one of a
//! few literals ("shop", "buy", "sponsored", ...) gets those literals in one Aho-Corasick
//! automaton; where a literal occurs, the regex is tried anchored there. Regexes without such
//! literals run around their triggers ([`super::trigger`]).
//!
//! Why not one `RegexSet` for everything: its lazy DFA is the product of all patterns, and with
//! ~190 case-insensitive patterns full of bounded repetitions its states explode. Measured on
//! the visible text of the 296 eval pages (shared machine, load 3-5): the built-in packs' 186
//! regexes as one set ran at 4-5 MB/s of text; the claim pack alone (56) at 74, the cta pack
//! (28) at 213. With 111 regexes behind this prefilter (~200 MB/s) and 75 in sets of 8
//! (~35 MB/s together), all regexes run at ~23 MB/s of text, the same 718 matches.

use regex_automata::{Anchored, Input};

use super::lazy::Lazy;

/// Lazy-DFA cache of one prefiltered regex (per thread): anchored tries are short, and ~110
/// regexes with the default cache each would cost hundreds of MB of memory.
const ANCHORED_CACHE: usize = 256 << 10;

/// Prefiltered regexes.
#[derive(Debug)]
pub struct Prefiltered {
    /// The literals; the matcher finds them in one pass with the triggers.
    literals: Vec<Vec<u8>>,
    /// Per literal: the regexes (indices into `regexes`) it starts.
    starts: Vec<Vec<u32>>,
    /// Per literal: every regex it starts begins at a word boundary, after a non-word byte.
    after_non_word: Vec<bool>,
    /// The anchored regexes, each compiled on the first hit of one of its literals (as
    /// [`super::trigger`] does: packs were compiled once when loaded), with the caller's index.
    regexes: Vec<(Lazy, usize)>,
}

impl Prefiltered {
    /// Builds the prefilter over `(pattern, prefixes, caller index)`; patterns are in the form
    /// the caller compiles them (case-insensitive is applied here).
    pub fn new(
        items: Vec<(String, Vec<Vec<u8>>, usize, bool)>,
    ) -> Result<Option<Prefiltered>, String> {
        if items.is_empty() {
            return Ok(None);
        }
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut starts: Vec<Vec<u32>> = Vec::new();
        let mut after_non_word: Vec<bool> = Vec::new();
        let mut index = std::collections::HashMap::new();
        let mut regexes = Vec::with_capacity(items.len());
        for (pattern, prefixes, caller, flag) in items {
            regexes.push((Lazy::new(pattern, ANCHORED_CACHE), caller));
            let r = regexes.len() as u32 - 1;
            for lit in prefixes.iter().map(|l| super::cut(l)) {
                let slot = *index.entry(lit.clone()).or_insert_with(|| {
                    literals.push(lit.clone());
                    starts.push(Vec::new());
                    starts.len() - 1
                });
                starts[slot].push(r);
                super::literal_flags(slot, &lit, flag, &mut after_non_word);
            }
        }
        Ok(Some(Prefiltered {
            literals,
            starts,
            after_non_word,
            regexes,
        }))
    }

    /// The literals, in the order [`Prefiltered::hit`] numbers them.
    pub fn literals(&self) -> &[Vec<u8>] {
        &self.literals
    }

    /// Per literal: a hit right after an ASCII word byte starts no match of its regexes.
    pub fn after_non_word(&self) -> &[bool] {
        &self.after_non_word
    }

    /// Literal `lit` occurs at `start`: its regexes become candidates there.
    pub fn hit(&self, lit: usize, start: usize, candidates: &mut Vec<(usize, u32)>) {
        candidates.extend(self.starts[lit].iter().map(|&r| (start, r)));
    }

    /// Tries each candidate regex anchored at its literal.
    pub fn run(
        &self,
        text: &str,
        mut candidates: Vec<(usize, u32)>,
        out: &mut Vec<(usize, usize, usize)>,
    ) {
        candidates.sort_unstable();
        candidates.dedup();
        for (start, r) in candidates {
            let (lazy, caller) = &self.regexes[r as usize];
            let Some(re) = lazy.get() else { continue };
            let input = Input::new(text).range(start..).anchored(Anchored::Yes);
            if let Some(m) = re.search(&input) {
                out.push((*caller, m.start(), m.end()));
            }
        }
    }

    /// Every match `(caller index, start, end)` of the prefiltered regexes in `text`: each
    /// regex tried anchored where one of its literals starts.
    #[cfg(test)]
    pub fn find(&self, text: &str, out: &mut Vec<(usize, usize, usize)>) {
        let ac = super::literal_automaton(&self.literals).unwrap();
        let mut candidates = Vec::new();
        let lower = text.to_ascii_lowercase();
        ac.overlapping(lower.as_bytes(), |start, _, lit| {
            self.hit(lit, start, &mut candidates)
        });
        self.run(text, candidates, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchored_at_each_literal() {
        let items = vec![(
            r"(?-u:\b)(?:shop|buy)\s+now\b".to_string(),
            crate::pattern::prefixes(r"(?-u:\b)(?:shop|buy)\s+now\b").unwrap(),
            7,
            true,
        )];
        let pf = Prefiltered::new(items).unwrap().unwrap();
        let mut out = Vec::new();
        pf.find("Workshop now. SHOP NOW or buy  now", &mut out);
        let spans: Vec<(usize, usize, usize)> = out;
        assert_eq!(spans, [(7, 14, 22), (7, 26, 34)]);
    }

    /// Prefixes longer than the automaton holds are cut to their first bytes; the regex still
    /// decides ("advertisements" starts like "advertisement" and is no match).
    #[test]
    fn long_prefixes_are_cut_and_decided_by_the_regex() {
        let re = r"(?-u:\b)(?:sponsored|advertisement)\s+content\b";
        let items = vec![(
            re.to_string(),
            crate::pattern::prefixes(re).unwrap(),
            3,
            true,
        )];
        let pf = Prefiltered::new(items).unwrap().unwrap();
        assert!(
            pf.literals()
                .iter()
                .all(|l| l.len() <= super::super::MAX_LITERAL)
        );
        let mut out = Vec::new();
        let text = "Sponsored content; advertisements content, ADVERTISEMENT  content";
        pf.find(text, &mut out);
        let spans: Vec<&str> = out.iter().map(|&(_, s, e)| &text[s..e]).collect();
        assert_eq!(spans, ["Sponsored content", "ADVERTISEMENT  content"]);
    }
}
