//! The rule-pack loader and matcher compiler on arbitrary TOML: either a clear error or a
//! matcher that then runs on a fixed text and on the pack itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use puffery::matcher::Matcher;
use puffery::rules::RuleSet;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match RuleSet::from_packs(&[("fuzz.toml", text)]) {
        Err(e) => assert!(e.to_string().contains("fuzz.toml"), "{e}"),
        Ok(set) => match Matcher::new(&set) {
            Err(e) => assert!(!e.to_string().is_empty()),
            Ok(m) => {
                for hit in m
                    .find("Shop now! Buy today, only 3 left. Clinically proven. #ad")
                    .into_iter()
                    .chain(m.find(text))
                {
                    assert!((hit.rule as usize) < set.rules.len());
                }
            }
        },
    }
});
