//! Language codes from containers, normalised to the short form rule packs use.
//!
//! Common Crawl's `WARC-Identified-Content-Language` lists ISO 639-3 codes by decreasing share
//! (`eng,deu`); JSONL corpora mostly use ISO 639-1 (`en`). Both become `en`.

/// ISO 639-3 (and 639-2/B) codes of the common web languages, with their ISO 639-1 code.
const THREE_TO_TWO: &[(&str, &str)] = &[
    ("afr", "af"),
    ("amh", "am"),
    ("ara", "ar"),
    ("aze", "az"),
    ("bel", "be"),
    ("ben", "bn"),
    ("bos", "bs"),
    ("bul", "bg"),
    ("cat", "ca"),
    ("ces", "cs"),
    ("chi", "zh"),
    ("cym", "cy"),
    ("cze", "cs"),
    ("dan", "da"),
    ("deu", "de"),
    ("dut", "nl"),
    ("ell", "el"),
    ("eng", "en"),
    ("epo", "eo"),
    ("est", "et"),
    ("eus", "eu"),
    ("fas", "fa"),
    ("fil", "tl"),
    ("fin", "fi"),
    ("fra", "fr"),
    ("fre", "fr"),
    ("ger", "de"),
    ("gle", "ga"),
    ("glg", "gl"),
    ("gre", "el"),
    ("guj", "gu"),
    ("heb", "he"),
    ("hin", "hi"),
    ("hrv", "hr"),
    ("hun", "hu"),
    ("hye", "hy"),
    ("ind", "id"),
    ("isl", "is"),
    ("ita", "it"),
    ("jpn", "ja"),
    ("kan", "kn"),
    ("kat", "ka"),
    ("kaz", "kk"),
    ("khm", "km"),
    ("kor", "ko"),
    ("lav", "lv"),
    ("lit", "lt"),
    ("mal", "ml"),
    ("mar", "mr"),
    ("mkd", "mk"),
    ("msa", "ms"),
    ("mya", "my"),
    ("nep", "ne"),
    ("nld", "nl"),
    ("nno", "nn"),
    ("nob", "nb"),
    ("nor", "no"),
    ("pan", "pa"),
    ("per", "fa"),
    ("pol", "pl"),
    ("por", "pt"),
    ("ron", "ro"),
    ("rum", "ro"),
    ("rus", "ru"),
    ("sin", "si"),
    ("slk", "sk"),
    ("slo", "sk"),
    ("slv", "sl"),
    ("spa", "es"),
    ("sqi", "sq"),
    ("srp", "sr"),
    ("swa", "sw"),
    ("swe", "sv"),
    ("tam", "ta"),
    ("tel", "te"),
    ("tgl", "tl"),
    ("tha", "th"),
    ("tur", "tr"),
    ("ukr", "uk"),
    ("urd", "ur"),
    ("uzb", "uz"),
    ("vie", "vi"),
    ("zho", "zh"),
];

/// Normalises a container's language value: the first of a comma-separated list, trimmed and
/// lower-cased, with ISO 639-3 codes of common languages mapped to ISO 639-1.
/// Returns `None` for an empty value. Unknown codes are kept as they are (lower-cased).
///
/// ```
/// use puffery::input::normalize_lang;
/// assert_eq!(normalize_lang("eng,deu").as_deref(), Some("en"));
/// assert_eq!(normalize_lang("DE").as_deref(), Some("de"));
/// assert_eq!(normalize_lang("zh-Hant").as_deref(), Some("zh-hant"));
/// assert_eq!(normalize_lang("xho").as_deref(), Some("xho"));
/// assert_eq!(normalize_lang(" "), None);
/// ```
pub fn normalize_lang(value: &str) -> Option<String> {
    let first = value.split(',').next().unwrap_or("").trim();
    if first.is_empty() {
        return None;
    }
    let lower = first.to_ascii_lowercase();
    if lower.len() == 3 {
        if let Ok(i) = THREE_TO_TWO.binary_search_by(|(k, _)| k.cmp(&lower.as_str())) {
            return Some(THREE_TO_TWO[i].1.to_string());
        }
    }
    Some(lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_for_binary_search() {
        assert!(THREE_TO_TWO.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn common_codes() {
        for (three, two) in [
            ("eng", "en"),
            ("deu", "de"),
            ("fra", "fr"),
            ("spa", "es"),
            ("zho", "zh"),
        ] {
            assert_eq!(normalize_lang(three).as_deref(), Some(two));
        }
    }
}
