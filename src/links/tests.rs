//! Unit tests of the classifier's mechanics; the table of real-shaped URLs is in
//! `tests/links_table.rs`.

use super::*;

fn ctx() -> LinkContext<'static> {
    LinkContext::default()
}

#[test]
fn builtin_builds_and_is_send_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Classifier>();
    let c = Classifier::builtin();
    assert!(c.networks().len() >= 60);
}

#[test]
fn garbage_never_panics() {
    let c = Classifier::builtin();
    for h in [
        "",
        " ",
        "#",
        "#top",
        "javascript:void(0)",
        "mailto:a@b.c",
        "tel:123",
        "data:text/html,x",
        "http://",
        "https://[::1",
        "//",
        "///",
        "http://%zz",
        "?tag=x",
        "http://a.b/%ff%fe?tag=%ff",
        "\u{0}\u{1}",
        "http://\u{1F600}.com/?tag=x",
        "https://amazon.com./dp/1?tag=x-20",
        "http://127.0.0.1/go/x",
        "http://[::1]/?rfsn=1",
        "https://a.co",
        "ftp://amazon.com/?tag=x",
    ] {
        let _ = c.classify(h, &ctx());
        let _ = c.rewriter_script(h);
    }
}

#[test]
fn from_toml_rejects_unknown_fields_with_line() {
    let text = "[[network]]\nname = \"x\"\nlabel = \"X\"\n\n[[network.rule]]\ndomains = [\"x.com\"]\nbogus = 1\n";
    let err = Classifier::from_toml(text, "mine.toml")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("mine.toml:"), "{err}");
    assert!(err.contains("bogus"), "{err}");
}

#[test]
fn from_toml_semantic_errors_name_line() {
    let text =
        "[[network]]\nname = \"x\"\nlabel = \"X\"\n\n[[network.rule]]\ndomains = [\"www.x.com\"]\n";
    let err = Classifier::from_toml(text, "mine.toml")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("mine.toml:5:"), "{err}");
    assert!(err.contains("registrable"), "{err}");
    let text = "[[network]]\nname = \"x\"\nlabel = \"X\"\n[[network.rule]]\nhosts = [\"a.x.com\"]\npath = \"(\"\n";
    let err = Classifier::from_toml(text, "m.toml")
        .unwrap_err()
        .to_string();
    assert!(err.contains("bad regex"), "{err}");
}

#[test]
fn user_networks_extend_builtin() {
    let text = format!(
        "{BUILTIN_NETWORKS}\n[[network]]\nname = \"mynet\"\nlabel = \"My net\"\n[[network.rule]]\nhosts = [\"click.mynet.example\"]\nid_params = [\"pub\"]\n"
    );
    let c = Classifier::from_toml(&text, "extended.toml").unwrap();
    let a = c
        .classify("https://click.mynet.example/?pub=42", &ctx())
        .unwrap();
    assert_eq!(a.network, "mynet");
    assert_eq!(a.id.as_deref(), Some("42"));
}

#[test]
fn evidence_is_readable() {
    let c = Classifier::builtin();
    let a = c
        .classify("https://www.amazon.de/dp/B01?ref=x&tag=foo-21", &ctx())
        .unwrap();
    assert!(
        a.evidence.starts_with("query parameter tag on amazon.de"),
        "{}",
        a.evidence
    );
    let a = c.classify("https://bit.ly/3abc", &ctx()).unwrap();
    assert!(
        a.evidence.contains("unresolved shortener"),
        "{}",
        a.evidence
    );
}

#[test]
fn awin_double_encoded_destination() {
    let c = Classifier::builtin();
    let a = c
        .classify(
            "https://www.awin1.com/cread.php?awinaffid=1&awinmid=2&p=%5B%5Bhttps%253A%252F%252Fwww.etsy.com%252Fsearch%253Fq%253Dx%5D%5D",
            &ctx(),
        )
        .unwrap();
    assert_eq!(
        a.destination.as_deref(),
        Some("https://www.etsy.com/search?q=x")
    );
}

#[test]
fn wrapped_affiliate_link_is_unwrapped() {
    let c = Classifier::builtin();
    let a = c
        .classify(
            "https://www.google.com/url?q=https%3A%2F%2Fwww.amazon.com%2Fdp%2FB0%3Ftag%3Dabc-20&sa=D",
            &ctx(),
        )
        .unwrap();
    assert_eq!(a.network, "amazon");
    assert_eq!(a.id.as_deref(), Some("abc-20"));
    assert!(
        a.evidence.contains("wrapped in parameter q"),
        "{}",
        a.evidence
    );
}

#[test]
fn encoded_inner_urls_are_unwrapped_from_any_parameter_and_the_path() {
    let c = Classifier::builtin();
    let a = c
        .classify(
            "https://click.example.net/track?dest=https%3A%2F%2Fwww.amazon.com%2Fdp%2FB0%3Ftag%3Dinner-20",
            &ctx(),
        )
        .unwrap();
    assert_eq!(
        (a.network.as_str(), a.id.as_deref()),
        ("amazon", Some("inner-20"))
    );
    assert!(
        a.evidence.contains("wrapped in parameter dest"),
        "{}",
        a.evidence
    );
    let p = c
        .classify(
            "https://r.example.net/u/https%3A%2F%2Fwww.amazon.com%2Fdp%2FB0%3Ftag%3Dpath-20",
            &ctx(),
        )
        .unwrap();
    assert_eq!(p.id.as_deref(), Some("path-20"));
    assert!(p.evidence.contains("wrapped in the path"), "{}", p.evidence);
    // A plain (not encoded) URL in an ordinary parameter, or an encoded URL without affiliate
    // markers, is not an affiliate link.
    assert!(
        c.classify(
            "https://example.net/share?text=https://www.amazon.com/dp/B0",
            &ctx()
        )
        .is_none()
    );
    assert!(
        c.classify(
            "https://example.net/share?dest=https%3A%2F%2Fwww.amazon.com%2Fdp%2FB0",
            &ctx()
        )
        .is_none()
    );
}

#[test]
fn rewriter_scripts() {
    let c = Classifier::builtin();
    let r = |s: &str| c.rewriter_script(s);
    assert_eq!(
        r("https://s.skimresources.com/js/12345X678.skimlinks.js").as_deref(),
        Some("skimlinks")
    );
    assert_eq!(
        r("//cdn.viglink.com/api/vglnk.js").as_deref(),
        Some("sovrn")
    );
    assert_eq!(
        r("https://www.dwin2.com/pub.123456.min.js").as_deref(),
        Some("awin")
    );
    assert_eq!(
        r("//z-na.amazon-adsystem.com/widgets/onejs?MarketPlace=US").as_deref(),
        Some("amazon")
    );
    assert_eq!(
        r("https://www.anrdoezrs.net/am/1234567/include/allCj/impressions/page/am.js").as_deref(),
        Some("cj")
    );
    assert_eq!(r("https://cdn.jsdelivr.net/npm/skimlinks.js"), None);
    assert_eq!(
        r("https://s.skimresources.com.evil.io/js/1X2.skimlinks.js"),
        None
    );
    assert_eq!(r("/js/app.js"), None);
    assert_eq!(r("javascript:alert(1)"), None);
}

/// The start of a URL percent-encoded into a path is where the lower-cased path's first
/// `/http%3a` ends, else its first `/https%3a`'s.
#[test]
fn encoded_urls_in_paths_start_where_a_lower_cased_search_says() {
    let old = |p: &str| {
        let lower = p.to_ascii_lowercase();
        Some(lower.find("/http%3a").or_else(|| lower.find("/https%3a"))? + 1)
    };
    let paths = [
        "/u/https%3A%2F%2Fwww.amazon.com%2Fdp%2FB01",
        "/r/HTTP%3a%2F%2Fshop.example/x",
        "/a/https%3a//x/b/http%3a//y",
        "/https%3a",
        "/http%3",
        "http%3a/no/slash/before",
        "/go/Ünïcode/https%3A%2F%2Fx.example",
        "//http%3a",
        "",
        "/",
    ];
    for p in paths {
        assert_eq!(super::engine::encoded_url_in_path(p), old(p), "{p:?}");
    }
    // `/http%3a` is taken though `/https%3a` comes first.
    assert_eq!(super::engine::encoded_url_in_path(paths[2]), Some(17));
}

/// The built-in table's regexes, which [`Classifier::builtin`] compiles only on first use, all
/// compile: the table loads as a file would, each regex compiled as it loads.
#[test]
fn builtin_regexes_compile() {
    let checked = Classifier::from_toml(BUILTIN_NETWORKS, "patterns/networks.toml").unwrap();
    assert_eq!(checked.networks(), Classifier::builtin().networks());
    let bad = BUILTIN_NETWORKS.replacen("path = '", "path = '(", 1);
    assert!(
        bad != BUILTIN_NETWORKS,
        "the built-in table has a path regex"
    );
    let err = Classifier::from_toml(&bad, "n.toml")
        .unwrap_err()
        .to_string();
    assert!(err.contains("bad regex"), "{err}");
}
