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

use std::sync::OnceLock;

use super::lazy::{Lazy, Starts};
use crate::pattern::{Bound, Gate, Runs};

/// Lazy-DFA cache of one prefiltered regex (per thread): anchored tries are short, and ~110
/// regexes with the default cache each would cost hundreds of MB of memory. A cache holds at
/// most the states its regex reaches, so only regexes with long bounded repetitions fill it.
/// Until wave 2, session 19 it was 256 KiB: `\bprovision\b[^\n]{0,250}?...` (disclosure.de)
/// makes a state per character of its window, filled that and cleared it 28 times in a `-j1`
/// scan of the bench JSONL, and computed the states again (1 MiB: no clear; 2.843 -> 2.809 G
/// instructions, peak memory unchanged at 39 MB; 2 and 8 MiB gave the same count).
const ANCHORED_CACHE: usize = 1 << 20;

/// Prefiltered regexes.
#[derive(Debug)]
pub struct Prefiltered {
    /// The literals; the matcher finds them in one pass with the triggers.
    literals: Vec<Vec<u8>>,
    /// Per literal: the regexes (indices into `regexes`) it starts, each with the bytes that
    /// can follow the literal in its matches ([`Lazy::follow`]), found when the pair is first
    /// hit. A hit followed by another byte is not tried: one load where a try walks cold
    /// lazy-DFA tables.
    starts: Starts,
    /// Per literal: every regex it starts begins at a word boundary, after a non-word byte.
    after_non_word: Vec<bool>,
    /// The gate literals ([`crate::pattern::Gate`]), found in the same pass.
    gate_literals: Vec<Vec<u8>>,
    /// Per gate literal: the regexes it gates.
    gates: Vec<Vec<u32>>,
    /// Per gate literal: a hit right after an ASCII word byte can be passed over.
    gate_after_non_word: Vec<bool>,
    /// The anchored regexes, each compiled on the first hit of one of its literals (as
    /// [`super::trigger`] does: packs were compiled once when loaded).
    regexes: Vec<Tried>,
}

#[derive(Debug)]
struct Tried {
    re: Lazy,
    /// The caller's index of the regex.
    caller: usize,
    /// Tried only where a gate hit follows within reach: `Some(None)` anywhere after,
    /// `Some(Some(bound))` within its longest match.
    gate: Option<Option<Bound>>,
    /// For a regex without a gate, found on its first candidate: a punctuation byte every
    /// match holds ([`Lazy::required_byte`]) and its longest match. It is tried only where
    /// that byte follows within reach (`\b(?:hurry|offer|sale|deal)[^\n]{0,30}...:..:..`:
    /// 7,779 tries on the bench JSONL, none matching, 3.9 ms, each walking 30 characters).
    needs: OnceLock<Option<(u8, Option<Bound>)>>,
}

impl Tried {
    /// False when the regex has a required byte ([`Tried::needs`]) and it does not occur
    /// between `start` and the end of the longest match from there.
    fn byte_within_reach(&self, text: &str, start: usize, runs: &mut Option<Runs>) -> bool {
        let needs = self.needs.get_or_init(|| {
            let byte = self.re.required_byte()?;
            Some((byte, crate::pattern::max_len(self.re.pattern())))
        });
        let Some((byte, reach)) = *needs else {
            return true;
        };
        let end = reach.map_or(text.len(), |b| start.saturating_add(b.in_text(text, runs)));
        memchr::memchr(byte, &text.as_bytes()[start..end.min(text.len())]).is_some()
    }
}

/// One prefixed regex: `(prepared pattern, prefixes, caller index, after non-word, gate)`;
/// `after non-word` when every match starts at a word boundary, so that a prefix hit right
/// after an ASCII word byte can be passed over.
pub type Item = (String, Vec<Vec<u8>>, usize, bool, Option<Gate>);

impl Prefiltered {
    /// Builds the prefilter over the items; patterns are in the form the caller compiles them
    /// (case-insensitive is applied here).
    pub fn new(items: Vec<Item>) -> Result<Option<Prefiltered>, String> {
        if items.is_empty() {
            return Ok(None);
        }
        let mut p = Prefiltered {
            literals: Vec::new(),
            starts: Vec::new(),
            after_non_word: Vec::new(),
            gate_literals: Vec::new(),
            gates: Vec::new(),
            gate_after_non_word: Vec::new(),
            regexes: Vec::with_capacity(items.len()),
        };
        let (mut index, mut gate_index) = Default::default();
        let mut starts = Vec::new();
        for (pattern, prefixes, caller, flag, gate) in items {
            let r = p.regexes.len() as u32;
            p.regexes.push(Tried {
                re: Lazy::anchored(pattern, ANCHORED_CACHE),
                caller,
                gate: gate.as_ref().map(|g| g.max_len),
                needs: OnceLock::new(),
            });
            for lit in &prefixes {
                let lists = (&mut p.literals, &mut starts, &mut p.after_non_word);
                super::add_literal(&mut index, lists, lit, r, flag);
            }
            for lit in gate.iter().flat_map(|g| &g.literals) {
                let flag = gate.as_ref().is_some_and(|g| g.after_non_word);
                let lists = (
                    &mut p.gate_literals,
                    &mut p.gates,
                    &mut p.gate_after_non_word,
                );
                super::add_literal(&mut gate_index, lists, lit, r, flag);
            }
        }
        p.starts = super::lazy::starts(starts);
        Ok(Some(p))
    }

    /// The literals, in the order [`Prefiltered::hit`] numbers them.
    pub fn literals(&self) -> &[Vec<u8>] {
        &self.literals
    }

    /// Per literal: a hit right after an ASCII word byte starts no match of its regexes.
    pub fn after_non_word(&self) -> &[bool] {
        &self.after_non_word
    }

    /// The gate literals, in the order [`Prefiltered::gate_hit`] numbers them.
    pub fn gate_literals(&self) -> &[Vec<u8>] {
        &self.gate_literals
    }

    /// Per gate literal: a hit right after an ASCII word byte can be passed over.
    pub fn gate_after_non_word(&self) -> &[bool] {
        &self.gate_after_non_word
    }

    /// Literal `lit` occurs at `start..end` of `text`: its regexes whose matches can go on
    /// with the byte at `end` (any, at the end of the text) become candidates there.
    pub fn hit(
        &self,
        text: &str,
        lit: usize,
        start: usize,
        end: usize,
        candidates: &mut Vec<(usize, u32)>,
    ) {
        let next = text.as_bytes().get(end);
        for (r, follow) in &self.starts[lit] {
            let re = &self.regexes[*r as usize].re;
            if re.goes_on(follow, &self.literals[lit], next) {
                candidates.push((start, *r));
            }
        }
    }

    /// Gate literal `lit` occurs at `start`: `(start, regex)` for each regex it gates.
    pub fn gate_hit(&self, lit: usize, start: usize, gate_hits: &mut Vec<(usize, u32)>) {
        gate_hits.extend(self.gates[lit].iter().map(|&r| (start, r)));
    }

    /// Tries each candidate regex anchored at its literal, where its gate lets it: a gated
    /// regex only where one of its gate hits (`gate_hits`, `(start, regex)`) follows within its
    /// longest match in this text (`runs`, computed once if a bound needs them).
    ///
    /// Both lists come from the walk nearly in text order (a hit's place is its end less its
    /// literal's length, and literals are at most 8 bytes), so an insertion sort moves a few
    /// entries a few places ([`sort_near`]); the candidates are then visited from the last,
    /// with each regex's first gate hit at or after the place in `next`. Sorting the gate hits
    /// by regex instead, for a binary search per candidate, cost ~70 instructions a hit (bench
    /// JSONL: 0.68 M gate hits).
    pub fn run(
        &self,
        text: &str,
        candidates: &mut Vec<(usize, u32)>,
        gate_hits: &mut [(usize, u32)],
        runs: &mut Option<Runs>,
        out: &mut Vec<(usize, usize, usize)>,
    ) {
        if candidates.is_empty() {
            return;
        }
        sort_near(candidates);
        candidates.dedup();
        sort_near(gate_hits);
        let mut next = vec![usize::MAX; self.regexes.len()];
        let (mut g, first) = (gate_hits.len(), out.len());
        for &(start, r) in candidates.iter().rev() {
            while g > 0 && gate_hits[g - 1].0 >= start {
                g -= 1;
                let (at, gated) = gate_hits[g];
                next[gated as usize] = at;
            }
            let a = &self.regexes[r as usize];
            if let Some(reach) = a.gate {
                let at = next[r as usize];
                // Within the bound's fixed part, the gate hit is near enough without the
                // text's runs (most are; counting the runs read every such text once more).
                let open = at != usize::MAX
                    && reach
                        .is_none_or(|b| at - start < b.fixed || at - start < b.in_text(text, runs));
                if !open {
                    continue;
                }
            }
            if a.gate.is_none() && !a.byte_within_reach(text, start, runs) {
                continue;
            }
            if let Some((s, e)) = a.re.match_at(text, start) {
                out.push((a.caller, s, e));
            }
        }
        // Found from the last candidate back: in text order again.
        out[first..].reverse();
    }

    /// Every match `(caller index, start, end)` of the prefiltered regexes in `text`: each
    /// regex tried anchored where one of its literals starts and its gate lets it.
    #[cfg(test)]
    pub fn find(&self, text: &str, out: &mut Vec<(usize, usize, usize)>) {
        let all = [self.literals.clone(), self.gate_literals.clone()].concat();
        let flags = [
            self.after_non_word.clone(),
            self.gate_after_non_word.clone(),
        ]
        .concat();
        let ac = super::literal_automaton(&all).unwrap();
        let (mut candidates, mut gate_hits) = (Vec::new(), Vec::new());
        let lower = text.to_ascii_lowercase();
        ac.overlapping(lower.as_bytes(), |start, end, lit| {
            if super::passed_over(&flags, text, lit, start) {
                return;
            }
            match lit.checked_sub(self.literals.len()) {
                None => self.hit(text, lit, start, end, &mut candidates),
                Some(g) => self.gate_hit(g, start, &mut gate_hits),
            }
        });
        self.run(text, &mut candidates, &mut gate_hits, &mut None, out);
    }
}

/// Sorts `v`, which is nearly in order: each entry moves left past the larger ones before it
/// (insertion sort, as fast as a check when `v` is in order).
fn sort_near<T: Copy + Ord>(v: &mut [T]) {
    for i in 1..v.len() {
        let x = v[i];
        let mut j = i;
        while j > 0 && v[j - 1] > x {
            v[j] = v[j - 1];
            j -= 1;
        }
        v[j] = x;
    }
}

#[cfg(test)]
mod tests {
    use super::super::lazy::Bytes;
    use super::*;

    /// Nearly sorted, reversed or shuffled: the same order as `sort_unstable`.
    #[test]
    fn sort_near_sorts() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for n in [0usize, 1, 2, 9, 200] {
            let mut v: Vec<(usize, u32)> = Vec::new();
            for i in 0..n {
                crate::xorshift(&mut state);
                v.push((i + (state % 9) as usize, (state >> 30) as u32 % 4));
            }
            for mut w in [v.clone(), v.iter().rev().copied().collect()] {
                let mut want = w.clone();
                want.sort_unstable();
                sort_near(&mut w);
                assert_eq!(w, want);
            }
        }
    }

    #[test]
    fn anchored_at_each_literal() {
        let items = vec![(
            r"(?-u:\b)(?:shop|buy)\s+now\b".to_string(),
            crate::pattern::prefixes(r"(?-u:\b)(?:shop|buy)\s+now\b").unwrap(),
            7,
            true,
            None,
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
            None,
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

    /// Runs `p` behind its gate and without it on every pair of `texts`: both must find the
    /// same. Returns how many matches there were and whether `p` has a gate.
    fn gated_as_ungated(p: &str, texts: &[&str]) -> (usize, bool) {
        let prepared = crate::pattern::prepared(p);
        let planned = crate::pattern::planned(p, &[]).unwrap();
        let crate::pattern::Plan::Prefixes(prefixes) = planned.plan else {
            panic!("{p}: not prefixed")
        };
        let item = |gate| {
            (
                prepared.clone(),
                prefixes.clone(),
                0,
                planned.after_non_word,
                gate,
            )
        };
        let with = Prefiltered::new(vec![item(planned.gate.clone())])
            .unwrap()
            .unwrap();
        let without = unchecked(Prefiltered::new(vec![item(None)]).unwrap().unwrap());
        (
            same_finds(p, &with, &without, texts),
            planned.gate.is_some(),
        )
    }

    /// The matches of `with` and `without` in each two of `texts` joined by a space are the
    /// same (`p` names the regex when not): how many.
    fn same_finds(p: &str, with: &Prefiltered, without: &Prefiltered, texts: &[&str]) -> usize {
        let mut found = 0;
        for a in texts {
            for b in texts {
                let text = format!("{a} {b}");
                let (mut got, mut want) = (Vec::new(), Vec::new());
                with.find(&text, &mut got);
                without.find(&text, &mut want);
                assert_eq!(got, want, "{p} on {text:?}");
                found += want.len();
            }
        }
        found
    }

    /// `p` with every regex tried after its literals whatever byte follows them.
    fn unchecked(mut p: Prefiltered) -> Prefiltered {
        for (_, f) in p.starts.iter_mut().flatten() {
            *f = OnceLock::from(Bytes::ALL);
        }
        p
    }

    /// A regex is not tried where the byte after its literal cannot go on with a match, and
    /// finds what it finds tried after every literal: literals followed by each kind of byte,
    /// in either case, at the end of the text, inside a character and where a match may end
    /// right after the literal.
    #[test]
    fn regexes_find_what_they_find_tried_after_every_literal() {
        let patterns = [
            r"\b(?:shop|buy)\s+now\b",
            r"\b(?:buy|order)\s+(?:it|one)\s+(?:now|today)\b",
            r"\bsave\s+(?:up\s+to\s+)?[0-9]+\s?%",
            r"\bbest(?:[- ]selling)?\b",
            r"\bgr(?:ö|o)ßer\s+rabatt\b",
            r"\bclaim\s+your\s+(?:free\s+)?(?:discount|bonus)\b",
        ];
        let texts = [
            "Shop now! SHOP\tNOW shopping shop-now buy\u{a0}now buyer",
            "buy it today, Order one now; order-one orderly BUY IT NOW",
            "save 20 % SAVE up to 3% saves saved save\n15% save",
            "best-selling bestseller BEST selling best, best",
            "größer Rabatt GRÖßER rabatt groß grosser gr\u{f6}\u{df}er rabatt",
            "Claim your free bonus claims claim  your discount claim",
        ];
        let mut narrowed = 0;
        for p in patterns {
            let prepared = crate::pattern::prepared(p);
            let prefixes = crate::pattern::prefixes(p).unwrap();
            let item = (prepared, prefixes, 0, true, None);
            let with = Prefiltered::new(vec![item.clone()]).unwrap().unwrap();
            let without = unchecked(Prefiltered::new(vec![item]).unwrap().unwrap());
            let found = same_finds(p, &with, &without, &texts);
            assert!(found > 0, "{p} matches somewhere");
            narrowed += super::super::lazy::narrowed(&with.starts);
        }
        assert!(narrowed >= 8, "{narrowed} literals narrowed");
    }

    /// A regex without a gate whose matches all hold a punctuation byte is tried only where
    /// that byte follows within its longest match, and finds what it finds tried everywhere:
    /// the byte right after the prefix, at the edge of reach, beyond it, before the prefix,
    /// after long white space and missing.
    #[test]
    fn regexes_needing_a_byte_find_what_they_find_tried_everywhere() {
        let patterns = [
            (
                r"\b(?:hurry|deal)[^\n]{0,12}\b[0-9]{1,2}\s*:\s*[0-9]{2}\b",
                Some(b':'),
            ),
            (r"\bsave\s+[0-9]+\s?%", Some(b'%')),
            (r"\bonly\s+(?:\$|€)\s?[0-9]+", None),
            (r"\bprice\s*:\s*\$[0-9]+", Some(b':')),
            (r"\bshop\s+now\b", None),
        ];
        let texts = [
            "hurry 10:30 deal ends 9 : 05; hurry, only 1 left at 10:3",
            "deal of the day ends at 11:45 deal of the day, really, ends at 11:45",
            "hurry\n10:30; :00 hurry 12 34 deal     \t 5:55",
            "save 20% save 20 % save  5 %; save 20 percent; %save 3",
            "save 12\n\n\n\n%; save 12345678901234567890%",
            "price: $12 price:$3 price $4 price: 5 $ price : : $6",
            "only $5 only € 7 only 5$ shop now shop  now!",
        ];
        for (p, byte) in patterns {
            let prepared = crate::pattern::prepared(p);
            let prefixes = crate::pattern::prefixes(p).unwrap();
            let item = (prepared, prefixes, 0, true, None);
            let with = Prefiltered::new(vec![item.clone()]).unwrap().unwrap();
            assert_eq!(with.regexes[0].re.required_byte(), byte, "{p}");
            let without = Prefiltered::new(vec![item]).unwrap().unwrap();
            without.regexes[0].needs.set(None).unwrap();
            let found = same_finds(p, &with, &without, &texts);
            assert!(found > 0, "{p} matches somewhere");
        }
    }

    /// A gated regex ([`crate::pattern::Gate`]) is tried only where a gate hit follows within
    /// its longest match, and finds what it finds ungated: gate literals at the edge of reach,
    /// beyond it, before the prefix, inside words and in long white space runs.
    #[test]
    fn gated_regexes_find_what_ungated_ones_find() {
        let patterns = [
            // Prefixes of four letters or more: "as " would run around its trigger instead.
            r"\bproudly\s+an?\s+amazon\s+(?:associate|affiliate)\b",
            r"\bproudly\s+(?:seen|featured)\s+(?:in|on)\s*:",
            r"\b(?:buy|order)\s+(?:it|one)\s+(?:now|today)\b",
            r"\b(?:sale|offer)\s+(?:[a-z]+\s+){0,2}ends\s+(?:soon|today)\b",
            // Gated by the words after "before", not by the rest of it ("efore").
            r"\bbefore\s+(?:they.re|it.s|they\s+are)\s+(?:gone|sold\s+out)\b",
        ];
        let texts = [
            "proudly an amazon associate; proudly a  amazon affiliate,",
            "proudly an\n\n\n\namazon associate; amazon proudly an associate",
            "proudly an amazonian associate; Proudly an Amazon Associate",
            "proudly seen on: proudly featured in : proudly seen\ton:proudly seen in tv",
            "seen proudly seen; featured proudly; proudly  featured   on   :",
            "buy it now, order one today; buy it nowhere; now buy it",
            "sale ends soon; offer big summer ends today; sale a b c ends soon; ends sale",
            "offer\u{3000}ends\u{a0}today, sale        ends         soon",
            "before they're gone; BEFORE IT'S SOLD OUT; before moving on; before it\u{2019}s \u{17f}old out",
            "before they are\n\n\n\ngone; before it's soldier; gone before they're; beforehand it's gone",
        ];
        for p in patterns {
            let (found, gated) = gated_as_ungated(p, &texts);
            assert!(found > 0, "{p} matches somewhere");
            assert!(gated, "{p} has a gate");
        }
    }

    /// A regex whose matches end in one of many words (over the 64 literals a trigger may
    /// have, here 90 words and their long-s forms: the `.` keeps it in Unicode mode) is gated
    /// by them, and finds what it finds ungated: the word right after the prefix, after the
    /// optional words, too far, missing, in the long-s form, or inside a longer word.
    #[test]
    fn many_closing_words_gate_a_regex() {
        let words: Vec<String> = (0..90).map(|i| format!("ailment{i}s")).collect();
        let p = format!(
            r"\b(?:cures?|treats?|ends?)\s+(?:(?:your|the|chronic)\s+){{0,3}}(?:{}|gr.pest)\b",
            words.join("|")
        );
        let texts = [
            "it cures ailment7s; it treats your chronic ailment42s, it ends the ailment89s.",
            "the week ends with a party; treats for the dog; cures nothing ailment3s",
            "treats your your the chronic ailment5s; cures the the the the ailment6s",
            "It CURES AILMENT0S and ends grIpest, ends ailment1ſ, cures ailment12sx",
            "ends\n\n\n\n\n\n\n\n\n\nailment8s; ailment9s cures; treats ailment",
        ];
        let (found, gated) = gated_as_ungated(&p, &texts);
        assert!(gated, "{p} has a gate");
        assert!(found >= 8 * texts.len(), "{found} matches");
    }
}
