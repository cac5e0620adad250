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

/// English and native names of the languages rule packs cover, lower-cased, with their code.
const NAMES: &[(&str, &str)] = &[
    ("castellano", "es"),
    ("deutsch", "de"),
    ("dutch", "nl"),
    ("english", "en"),
    ("espanol", "es"),
    ("español", "es"),
    ("francais", "fr"),
    ("français", "fr"),
    ("french", "fr"),
    ("german", "de"),
    ("italian", "it"),
    ("italiano", "it"),
    ("nederlands", "nl"),
    ("portugues", "pt"),
    ("portuguese", "pt"),
    ("português", "pt"),
    ("spanish", "es"),
];

/// A document's language, normalised: an ISO 639-1 code where one is known (`de`), else the
/// primary subtag as given, lower-cased. Every place a language enters puffery (`--lang`, a
/// JSONL or WARC language field, `<html lang>`, a rule's `lang`) goes through [`Lang::parse`],
/// so `DE`, `de-DE`, `de_AT`, `deu`, `ger`, `German` and `Deutsch` all mean German.
///
/// ```
/// use puffery::input::Lang;
/// for s in ["DE", "de-DE", "de_AT", "deu", "ger", "German", "deutsch", "deu,eng"] {
///     assert_eq!(Lang::parse(s).unwrap().as_str(), "de", "{s}");
/// }
/// assert_eq!(Lang::parse("pt-BR").unwrap().as_str(), "pt");
/// assert_eq!(Lang::parse("zh-Hant").unwrap().as_str(), "zh");
/// assert_eq!(Lang::parse("xho").unwrap().as_str(), "xho");
/// assert!(Lang::parse(" ").is_none());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lang(String);

impl Lang {
    /// Parses a language value: the first of a comma-separated list (`eng,deu`), its primary
    /// subtag (`de` of `de-DE`), ISO 639-3/639-2 codes and English or native names of common
    /// languages mapped to ISO 639-1. `None` for an empty value.
    pub fn parse(value: &str) -> Option<Lang> {
        let first = value.split(',').next().unwrap_or("").trim();
        let lower = first.to_lowercase();
        if let Ok(i) = NAMES.binary_search_by(|(k, _)| k.cmp(&lower.as_str())) {
            return Some(Lang(NAMES[i].1.to_string()));
        }
        let primary = lower.split(['-', '_']).next().unwrap_or("").trim();
        if primary.is_empty() {
            return None;
        }
        if primary.len() == 3
            && let Ok(i) = THREE_TO_TWO.binary_search_by(|(k, _)| k.cmp(&primary))
        {
            return Some(Lang(THREE_TO_TWO[i].1.to_string()));
        }
        Some(Lang(primary.to_string()))
    }

    /// The normalised code (`de`).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Normalises a container's language value with [`Lang::parse`], as a string.
///
/// ```
/// use puffery::input::normalize_lang;
/// assert_eq!(normalize_lang("eng,deu").as_deref(), Some("en"));
/// assert_eq!(normalize_lang("DE").as_deref(), Some("de"));
/// assert_eq!(normalize_lang("zh-Hant").as_deref(), Some("zh"));
/// assert_eq!(normalize_lang("xho").as_deref(), Some("xho"));
/// assert_eq!(normalize_lang(" "), None);
/// ```
pub fn normalize_lang(value: &str) -> Option<String> {
    Lang::parse(value).map(|l| l.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_for_binary_search() {
        assert!(THREE_TO_TWO.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(NAMES.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn every_spelling_of_german_is_german() {
        for s in [
            "DE",
            "de",
            "de-DE",
            "de_CH",
            "DEU",
            "ger",
            "German",
            "Deutsch",
            " deu , eng",
        ] {
            assert_eq!(
                Lang::parse(s).map(|l| l.to_string()).as_deref(),
                Some("de"),
                "{s}"
            );
        }
        assert_eq!(Lang::parse("es-419").unwrap().as_str(), "es");
        assert_eq!(Lang::parse("Español").unwrap().as_str(), "es");
        assert_eq!(Lang::parse("nld").unwrap().as_str(), "nl");
        assert_eq!(Lang::parse(""), None);
        assert_eq!(Lang::parse("-"), None);
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
