//! A pack regex compiled on first use: a scan compiles only the regexes whose literals occur,
//! and start-up does not pay for the rest (about a quarter of start-up went to compiling the
//! prefiltered regexes). Loaded packs were compiled once when validated, so a pattern that does
//! not compile (`None`) does not happen; the built-in packs are compiled by the tests.

use regex_automata::nfa::thompson::WhichCaptures;
use regex_automata::util::pool::Pool;
use regex_automata::{Anchored, Input, hybrid, meta, nfa::thompson};

/// A prepared pattern and, once asked for, its compiled regex: match bounds only (no capture
/// groups), and no prefilter of its own: it runs where its literals were found, anchored or in
/// a window of a few hundred bytes, where a prefilter search first only adds work (measured
/// with `examples/match_cost.rs` under cachegrind: 17 % fewer instructions without). No
/// one-pass DFA or bounded backtracker either: `meta` runs its lazy DFA first and those only
/// where the lazy DFA gives up, where the PikeVM answers the same; not building them saves
/// compile time a scan pays for each regex it meets.
#[derive(Debug)]
pub struct Lazy {
    pattern: String,
    /// Lazy-DFA cache of the regex (per thread).
    cache: usize,
    re: std::sync::OnceLock<Option<meta::Regex>>,
    /// Tried only anchored ([`Lazy::anchored`]): the forward lazy DFA alone.
    forward: Option<std::sync::OnceLock<Option<Forward>>>,
}

/// A forward lazy DFA and its caches, one per thread that searches.
struct Forward {
    dfa: hybrid::dfa::DFA,
    caches: Pool<hybrid::dfa::Cache, CacheFn>,
}

type CacheFn = Box<dyn Fn() -> hybrid::dfa::Cache + Send + Sync>;

impl std::fmt::Debug for Forward {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Forward").finish_non_exhaustive()
    }
}

impl Lazy {
    /// A pattern in the form [`crate::pattern::prepared`] gives, compiled case-insensitively.
    pub fn new(pattern: String, cache: usize) -> Lazy {
        Lazy {
            pattern,
            cache,
            re: std::sync::OnceLock::new(),
            forward: None,
        }
    }

    /// [`Lazy::new`] for a regex only ever tried anchored ([`Lazy::match_at`]): its start is
    /// where it is tried, so only the forward lazy DFA is built, not `meta`'s reverse one and
    /// its strategy (compiling the regexes was 4 % of a `-j1` scan of the bench JSONL, and
    /// each try went through `meta`'s layers to the same forward search).
    pub fn anchored(pattern: String, cache: usize) -> Lazy {
        Lazy {
            forward: Some(std::sync::OnceLock::new()),
            ..Lazy::new(pattern, cache)
        }
    }

    /// The compiled regex, compiled on the first call.
    pub fn get(&self) -> Option<&meta::Regex> {
        self.re
            .get_or_init(|| {
                meta::Regex::builder()
                    .syntax(regex_automata::util::syntax::Config::new().case_insensitive(true))
                    .configure(
                        meta::Config::new()
                            .nfa_size_limit(Some(crate::pattern::REGEX_SIZE_LIMIT))
                            .hybrid_cache_capacity(self.cache)
                            .which_captures(WhichCaptures::Implicit)
                            .onepass(false)
                            .backtrack(false)
                            .auto_prefilter(false),
                    )
                    .build(&self.pattern)
                    .ok()
            })
            .as_ref()
    }

    /// The match `(start, end)` of the regex anchored at `start` in `text`, as `meta`'s
    /// anchored search finds it (leftmost-first): by the forward lazy DFA alone for a regex
    /// made by [`Lazy::anchored`], by `meta` where that does not build or gives up.
    pub fn match_at(&self, text: &str, start: usize) -> Option<(usize, usize)> {
        let input = Input::new(text).range(start..).anchored(Anchored::Yes);
        if let Some(f) = self
            .forward
            .as_ref()
            .and_then(|f| f.get_or_init(|| self.forward()).as_ref())
            && let Ok(found) = f.dfa.try_search_fwd(&mut f.caches.get(), &input)
        {
            return found.map(|m| (start, m.offset()));
        }
        let m = self.get()?.search(&input)?;
        Some((m.start(), m.end()))
    }

    fn forward(&self) -> Option<Forward> {
        let dfa = hybrid::dfa::DFA::builder()
            .syntax(regex_automata::util::syntax::Config::new().case_insensitive(true))
            .thompson(
                thompson::Config::new()
                    .nfa_size_limit(Some(crate::pattern::REGEX_SIZE_LIMIT))
                    .which_captures(WhichCaptures::None),
            )
            .configure(hybrid::dfa::Config::new().cache_capacity(self.cache))
            .build(&self.pattern)
            .ok()?;
        let for_caches = dfa.clone();
        let create: CacheFn = Box::new(move || for_caches.create_cache());
        Some(Forward {
            dfa,
            caches: Pool::new(create),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The forward lazy DFA alone finds, anchored at every place, what `meta`'s anchored search
    /// finds: leftmost-first alternatives, look-around before the start, case folding beyond
    /// ASCII, and a Unicode word boundary, where the lazy DFA quits on non-ASCII bytes and
    /// `meta` answers.
    #[test]
    fn anchored_tries_match_meta() {
        let patterns = [
            r"(?-u:\b)(?:buy|buy\s+now|order)(?-u:\b)",
            r"(?-u:\b)save\s+[0-9]+\s?%",
            r"(?m)^[ \t]*sponsored[ \t]*$",
            r"(?:gr(?:ö|o)ße|straße)\s+\w+",
            r"(?u:\b)kaufen(?u:\b)",
        ];
        let texts = [
            "Buy now! buy  NOW, rebuy now; order\norder-form save 20 % save 3%",
            "  Sponsored \nsponsored\n SPONSORED\t\nunsponsored",
            "GRÖSSE groß große Wörter, STRASSE straße KAUFEN jetztkaufen kaufenß kaufen",
        ];
        let mut found = 0;
        for p in patterns {
            let (fast, slow) = (
                Lazy::anchored(p.into(), 1 << 16),
                Lazy::new(p.into(), 1 << 16),
            );
            let re = slow.get().unwrap();
            for text in texts {
                for start in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                    let input = Input::new(text).range(start..).anchored(Anchored::Yes);
                    let want = re.search(&input).map(|m| (m.start(), m.end()));
                    assert_eq!(
                        fast.match_at(text, start),
                        want,
                        "{p} at {start} of {text:?}"
                    );
                    found += usize::from(want.is_some());
                }
            }
        }
        assert!(found >= 12, "{found} matches");
    }
}
