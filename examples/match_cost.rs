//! What each part of the matcher costs on a JSONL of text documents (`text` field), the input
//! of `scripts/bench-peers.sh`: the whole matcher, then each regex alone (its literal pass and
//! its runs), slowest first, with its matches.
//!
//! `cargo run --release --example match_cost -- FILE.jsonl [MEGABYTES] [TOP]`

use std::io::BufRead;
use std::time::Instant;

use puffery::matcher::Matcher;
use puffery::rules::RuleSet;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: match_cost FILE.jsonl [MEGABYTES] [TOP]");
    let limit: usize = args.next().map_or(10, |m| m.parse().expect("MEGABYTES")) << 20;
    let top: usize = args.next().map_or(25, |m| m.parse().expect("TOP"));
    let mut texts = Vec::new();
    let mut bytes = 0;
    for line in std::io::BufReader::new(std::fs::File::open(&path).expect("open")).lines() {
        let v: serde_json::Value = serde_json::from_str(&line.expect("read")).expect("json");
        let t = v["text"].as_str().unwrap_or_default().to_string();
        bytes += t.len();
        texts.push(t);
        if bytes >= limit {
            break;
        }
    }
    let mb = bytes as f64 / 1e6;
    let time = |m: &Matcher| {
        let t = cpu_s();
        let n: usize = texts.iter().map(|x| m.find(x).len()).sum();
        (cpu_s() - t, n)
    };
    let all = RuleSet::builtin().unwrap();
    let (s, n) = time(&Matcher::new(&all).unwrap());
    println!("{} documents, {mb:.1} MB of text", texts.len());
    println!("whole matcher            {:7.0} MB/s  {n} hits", mb / s);
    if std::env::var_os("WHOLE_ONLY").is_some() {
        // For a profiler: the whole matcher, a few more rounds.
        let m = Matcher::new(&all).unwrap();
        for _ in 0..4 {
            let (s, n) = time(&m);
            println!("whole matcher            {:7.0} MB/s  {n} hits", mb / s);
        }
        return;
    }
    let mut phrases = all.clone();
    for r in &mut phrases.rules {
        r.rule.regex.clear();
    }
    let (s, n) = time(&Matcher::new(&phrases).unwrap());
    println!("phrases only             {:7.0} MB/s  {n} hits", mb / s);
    phrase_variants(&all, &texts, mb);
    word_starts(&all, &texts, mb);
    // The literals the regexes hang on, and how often each occurs (ASCII case folded).
    let mut lits: Vec<(Vec<u8>, &str, String)> = Vec::new();
    for r in &all.rules {
        for re in &r.rule.regex {
            let (l, kind) = match puffery::matcher::plan(re, &r.rule.trigger).unwrap() {
                puffery::matcher::Plan::Prefixes(l) => (l, "prefix"),
                puffery::matcher::Plan::Trigger { literals, .. } => (literals, "trigger"),
            };
            lits.extend(l.into_iter().map(|l| (l, kind, r.rule.id.clone())));
        }
    }
    let (mut flagged, mut unflagged) = (0, Vec::new());
    for r in &all.rules {
        for re in &r.rule.regex {
            let src = puffery::matcher::prepared(re);
            match puffery::matcher::plan(re, &r.rule.trigger).unwrap() {
                puffery::matcher::Plan::Prefixes(l) => {
                    if puffery::matcher::prefix_after_non_word(&src) {
                        flagged += l.len();
                    } else {
                        unflagged.push((l.len(), r.rule.id.clone(), re.clone()));
                    }
                }
                puffery::matcher::Plan::Trigger { literals, derived } => {
                    if derived && puffery::matcher::derive_flagged(&src).unwrap().1 {
                        flagged += literals.len();
                    } else {
                        unflagged.push((literals.len(), r.rule.id.clone(), re.clone()));
                    }
                }
            }
        }
    }
    println!("literals after a non-word byte: {flagged}; regexes whose literals are not:");
    for (n, id, re) in &unflagged {
        println!("  {n:4} {id} {}", re.chars().take(100).collect::<String>());
    }
    let ac = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(lits.iter().map(|l| &l.0))
        .unwrap();
    let mut counts = vec![0usize; lits.len()];
    let t = Instant::now();
    for x in &texts {
        for m in ac.find_overlapping_iter(x) {
            counts[m.pattern().as_usize()] += 1;
        }
    }
    let s = t.elapsed().as_secs_f64();
    let total: usize = counts.iter().sum();
    println!(
        "{} regex literals: {total} hits, {:.0} per MB; the pass alone {:.0} MB/s",
        lits.len(),
        total as f64 / mb,
        mb / s
    );
    for cut in [3, 4, 5, 6, 8, 100] {
        let mut short: Vec<Vec<u8>> = lits
            .iter()
            .map(|l| l.0[..l.0.len().min(cut)].to_vec())
            .collect();
        short.sort();
        short.dedup();
        let ac = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&short)
            .unwrap();
        let t = Instant::now();
        let n: usize = texts
            .iter()
            .map(|x| ac.find_overlapping_iter(x).count())
            .sum();
        let s = t.elapsed().as_secs_f64();
        println!(
            "literals cut to {cut:3} bytes: {:5} literals {:6} KB {:6.0} MB/s {n} hits",
            short.len(),
            ac.memory_usage() >> 10,
            mb / s
        );
    }
    let mut hot: Vec<(usize, usize)> = counts.iter().copied().enumerate().collect();
    hot.sort_by_key(|h| std::cmp::Reverse(h.1));
    for (i, c) in hot.into_iter().take(top) {
        let (l, kind, id) = &lits[i];
        println!("{c:8} {:?} {kind} {id}", String::from_utf8_lossy(l));
    }
    let mut rows = Vec::new();
    for (i, r) in all.rules.iter().enumerate() {
        for (j, re) in r.rule.regex.iter().enumerate() {
            let mut one = all.clone();
            one.rules = vec![one.rules[i].clone()];
            let rule = &mut one.rules[0].rule;
            rule.phrases.clear();
            rule.exceptions.clear();
            rule.regex = vec![r.rule.regex[j].clone()];
            let kind = match puffery::matcher::plan(re, &r.rule.trigger).unwrap() {
                puffery::matcher::Plan::Prefixes(_) => "prefix",
                puffery::matcher::Plan::Trigger { .. } => "trigger",
            };
            let (s, n) = time(&Matcher::new(&one).unwrap());
            // Less the literal pass alone: what is left is the regex runs.
            let own = match puffery::matcher::plan(re, &r.rule.trigger).unwrap() {
                puffery::matcher::Plan::Prefixes(l) => l,
                puffery::matcher::Plan::Trigger { literals, .. } => literals,
            };
            let ac = aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(&own)
                .unwrap();
            let t = Instant::now();
            let hits: usize = texts
                .iter()
                .map(|x| ac.find_overlapping_iter(x).count())
                .sum();
            let s = (s - t.elapsed().as_secs_f64()).max(1e-9);
            rows.push((
                s,
                n,
                kind,
                r.rule.id.clone(),
                format!("{hits} lit hits {re}"),
            ));
        }
    }
    let total: f64 = rows.iter().map(|r| r.0).sum();
    println!(
        "{} regexes one by one, runs only, summed: {:.0} MB/s",
        rows.len(),
        mb / total
    );
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (s, n, kind, id, re) in rows.iter().take(top) {
        println!(
            "{:5.1}% {:6.0} MB/s {n:6} {kind:7} {id} {}",
            100.0 * s / total,
            mb / s,
            re.chars().take(150).collect::<String>()
        );
    }
}

/// CPU seconds this thread ran (Linux `schedstat`; wall seconds elsewhere): a busy machine
/// does not inflate it.
fn cpu_s() -> f64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or_else(|| START.get_or_init(Instant::now).elapsed().as_secs_f64(), |ns| ns / 1e9)
}

/// Phrase automaton variants: memory and count-only speed.
#[allow(dead_code)]
fn phrase_variants(all: &RuleSet, texts: &[String], mb: f64) {
    use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
    let mut phrases: Vec<String> = Vec::new();
    for r in &all.rules {
        for p in r.rule.phrases.iter().chain(&r.rule.exceptions) {
            phrases.push(puffery::matcher::normalize_phrase(p));
        }
    }
    phrases.sort();
    phrases.dedup();
    for (name, kind, mk, pf) in [
        (
            "dfa ll",
            AhoCorasickKind::DFA,
            MatchKind::LeftmostLongest,
            true,
        ),
        (
            "dfa ll nopf",
            AhoCorasickKind::DFA,
            MatchKind::LeftmostLongest,
            false,
        ),
        (
            "cnfa ll",
            AhoCorasickKind::ContiguousNFA,
            MatchKind::LeftmostLongest,
            true,
        ),
        ("dfa std", AhoCorasickKind::DFA, MatchKind::Standard, true),
    ] {
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(mk)
            .kind(Some(kind))
            .prefilter(pf)
            .build(&phrases)
            .unwrap();
        let t = Instant::now();
        let n: usize = texts.iter().map(|x| ac.find_iter(x).count()).sum();
        let s = t.elapsed().as_secs_f64();
        println!(
            "{name:12} {} phrases {:6} KB {:6.0} MB/s {n} raw matches",
            phrases.len(),
            ac.memory_usage() >> 10,
            mb / s
        );
    }
}

/// Prototype: phrases and literals tried anchored only where a word starts (after a byte that
/// is not an ASCII word byte), behind a table of their first two bytes.
#[allow(dead_code)]
fn word_starts(all: &RuleSet, texts: &[String], mb: f64) {
    use aho_corasick::{Anchored, MatchKind, StartKind};
    let mut pats: Vec<Vec<u8>> = Vec::new();
    for r in &all.rules {
        for p in r.rule.phrases.iter().chain(&r.rule.exceptions) {
            pats.push(puffery::matcher::normalize_phrase(p).into_bytes());
        }
        for re in &r.rule.regex {
            match puffery::matcher::plan(re, &r.rule.trigger).unwrap() {
                puffery::matcher::Plan::Prefixes(l) => pats.extend(l),
                puffery::matcher::Plan::Trigger { literals, .. } => pats.extend(literals),
            }
        }
    }
    pats.sort();
    pats.dedup();
    let mut table = vec![false; 1 << 16];
    for p in &pats {
        let a = p[0].to_ascii_lowercase() as usize;
        match p.get(1) {
            Some(b) => table[a << 8 | b.to_ascii_lowercase() as usize] = true,
            None => (0..256).for_each(|b| table[a << 8 | b] = true),
        }
    }
    use aho_corasick::automaton::Automaton;
    let ac = aho_corasick::dfa::Builder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .start_kind(StartKind::Anchored)
        .build(&pats)
        .unwrap();
    let t = cpu_s();
    let (mut cands, mut hits) = (0usize, 0usize);
    for x in texts {
        let b = x.as_bytes();
        let mut prev_word = false;
        for i in 0..b.len() {
            let c = b[i];
            let word = c.is_ascii_alphanumeric() || c == b'_';
            if !prev_word {
                let key = (c.to_ascii_lowercase() as usize) << 8
                    | b.get(i + 1).map_or(0, |n| n.to_ascii_lowercase() as usize);
                if table[key] {
                    cands += 1;
                    let mut sid = ac.start_state(Anchored::Yes).unwrap();
                    for &c in &b[i..] {
                        sid = ac.next_state(Anchored::Yes, sid, c);
                        if ac.is_dead(sid) {
                            break;
                        }
                        if ac.is_match(sid) {
                            hits += ac.match_len(sid);
                        }
                    }
                }
            }
            prev_word = word;
        }
    }
    let s0 = cpu_s() - t;
    let one = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(&pats)
        .unwrap();
    let t = cpu_s();
    let n: usize = texts.iter().map(|x| one.find_overlapping_iter(x).count()).sum();
    let s1 = cpu_s() - t;
    println!(
        "one overlapping pass: {} KB, {n} hits, {:.0} MB/s",
        one.memory_usage() >> 10,
        mb / s1
    );
    let s = s0;
    println!(
        "word starts: {} patterns {} KB, {cands} candidates, {hits} hits, {:.0} MB/s",
        pats.len(),
        ac.memory_usage() >> 10,
        mb / s
    );
}
