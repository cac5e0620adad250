//! Ordinary prose that uses the words marketing uses: news, recipes, documentation, sports,
//! finance, health reporting, in English, German and French. Scanned whole, with every
//! built-in rule and the document-level logic (contexts, languages, instructions), none of it
//! may produce a `cta`, `claim` or `urgency` finding: a false positive on ordinary prose is a
//! bug.

use puffery::{DocFormat, DocInput, Scanner};

const DOCS: &[(&str, Option<&str>, &str)] = &[
    (
        "finance news",
        Some("en"),
        "Buy now, pay later lenders face new rules. Regulators said the plans would save \
         $2 billion a year. Shares closed 3% off their high after the deal was announced, and \
         the best-performing stock on the market this year fell to an all-time low on Friday. \
         Analysts said investors should not rush to buy now or wait for prices to fall.",
    ),
    (
        "city news",
        Some("en"),
        "The corner shop now closes at five. Lawmakers urged the council to act now on \
         housing, and the mayor said there is no miracle cure for traffic. The offer ends a \
         year of talks, the union said. Only 7 left the meeting early, and only 3 people \
         attended the reading. Tickets for the festival are in high demand.",
    ),
    (
        "recipe",
        Some("en"),
        "Buy fresh basil if you can; I usually buy them at Costco. The secret to the sauce is \
         patience, my grandmother said. Add the butter to the pan and stir. Serving size: 1 \
         cup. Amount per serving: 210 calories, 8% daily value of iron. This spice blend keeps \
         for a month. Save the leftovers for lunch.",
    ),
    (
        "software docs",
        Some("en"),
        "All runtime lookup code in this crate is 100% safe Rust. The read operation has no \
         side effects, so it can be done any number of times. Click here to read the full \
         changelog. Use code review to catch bugs before you apply the code. The formula for \
         the total is =SUM(A1:A9). Subscribe to the mailing list for release notes.",
    ),
    (
        "sports",
        Some("en"),
        "The world No. 1 won in straight sets, and the song reached No. 1 in the charts the \
         same week. It was his last chance to qualify. The race ends in 2:10:33 for the winner, \
         a record. Fans said goodbye to the old stadium, and the coach said success is not \
         guaranteed.",
    ),
    (
        "health news",
        Some("en"),
        "The maker of a memory supplement sold as capsules agreed to settle charges over its \
         advertising. A representative told a caller that the pills could cure dementia. \
         Doctors treat diabetes with insulin, and the drug did not prevent cancer in the \
         trial. No side effects were reported in the small study. Researchers called it a \
         breakthrough in the lab; the treatment has not been proven in people.",
    ),
    (
        "German news",
        Some("de"),
        "Die Polizei erstattete Anzeige gegen den Fahrer. Die Werbung für Zigaretten ist \
         verboten. Sollte man jetzt Gold kaufen? Das Museum ist nur heute geöffnet. Die \
         Wirkung ist nicht wissenschaftlich belegt, sagen Forscher. Es war die letzte Chance \
         für die Mannschaft.",
    ),
    (
        "French news",
        Some("fr"),
        "La durée de vie est limitée. L'effet n'est pas scientifiquement prouvé, selon \
         l'étude. Il faut maintenant acheter du pain, dit-elle en riant. La collaboration \
         entre chercheurs est utile, et ces derniers jours, il a plu.",
    ),
    (
        "neighbourhood prose with commas",
        Some("en-GB"),
        "If the price is right, buy them at the market, as my grandmother did. When in doubt, \
         order now and pay later was never her motto. Researchers explore the range of \
         outcomes. Visit the official website for opening hours. The council supports public \
         health, and the new law reduces stress on the courts, the judge said. Firefighters \
         were fighting the blaze. Researchers reported a diabetes breakthrough in mice. \
         Freedom of speech is guaranteed.",
    ),
    (
        "Spanish news",
        Some("es"),
        "El gobierno quiere comprar más vacunas, dijo la ministra. La oferta de empleo creció \
         en marzo y el carrito de la compra subió un tres por ciento. El efecto no está \
         científicamente demostrado, según el estudio. Amazon abrió un almacén en Madrid.",
    ),
    (
        "Italian news",
        Some("it"),
        "Il comune ha deciso di acquistare nuovi autobus. Il carrello della spesa costa di \
         più, dice l'Istat. L'effetto non è scientificamente dimostrato, dice lo studio. \
         Amazon ha aperto un magazzino a Torino.",
    ),
    (
        "Portuguese news",
        Some("pt-BR"),
        "O governo quer comprar mais vacinas, disse o ministro. O carrinho do bebê foi \
         encontrado na praça. O efeito não é cientificamente comprovado, diz o estudo. A \
         Amazon abriu um armazém em Lisboa.",
    ),
    (
        "Dutch news",
        Some("nl"),
        "De gemeente wil nu meer woningen kopen, zei de wethouder. De winkel was gesloten. \
         Het effect is niet wetenschappelijk bewezen, aldus de studie. Coolblue opende een \
         nieuwe winkel in Utrecht.",
    ),
];

#[test]
fn ordinary_prose_has_no_promotional_findings() {
    let scanner = Scanner::builtin().expect("built-in rules");
    let mut failures = Vec::new();
    for (name, lang, text) in DOCS {
        let doc = DocInput {
            lang: *lang,
            ..DocInput::new(text.as_bytes(), DocFormat::Text)
        };
        for f in scanner.scan(&doc).findings {
            if ["cta", "claim", "urgency"].contains(&f.category.as_str()) {
                failures.push(format!("{name}: {} on {:?}", f.rule, f.matched));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
