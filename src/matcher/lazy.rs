//! A pack regex compiled on first use: a scan compiles only the regexes whose literals occur,
//! and start-up does not pay for the rest (about a quarter of start-up went to compiling the
//! prefiltered regexes). Loaded packs were compiled once when validated, so a pattern that does
//! not compile (`None`) does not happen; the built-in packs are compiled by the tests.

use regex_automata::meta;
use regex_automata::nfa::thompson::WhichCaptures;

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
}

impl Lazy {
    /// A pattern in the form [`crate::pattern::prepared`] gives, compiled case-insensitively.
    pub fn new(pattern: String, cache: usize) -> Lazy {
        Lazy {
            pattern,
            cache,
            re: std::sync::OnceLock::new(),
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
}
