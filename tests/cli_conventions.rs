//! What users of ripgrep, typos and ruff expect of a command line (issue 17), run through the
//! binary: short output forms, --stats, negative numbers, prefix typos, rule-pack tests,
//! options after subcommands, completions and the man page.

mod common;
use common::puffery;

use std::process::{Command, Output};

use common::user_pack;

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const DOCS: [&str; 2] = [
    "corpus/supp-magnesium-leg-cramps-1.txt",
    "corpus/clean-news-city-budget.html",
];

#[test]
fn quiet_files_and_count() {
    let args = |flag: &'static str| -> Vec<&str> {
        let mut v = vec!["scan", flag];
        v.extend(DOCS);
        v
    };
    let q = puffery(&args("-q"));
    assert_eq!((q.status.code(), stdout(&q).as_str()), (Some(0), ""));
    let l = puffery(&args("-l"));
    assert_eq!(stdout(&l), "corpus/supp-magnesium-leg-cramps-1.txt\n");
    let c = puffery(&args("-c"));
    assert_eq!(
        stdout(&c),
        "corpus/supp-magnesium-leg-cramps-1.txt:10\ncorpus/clean-news-city-budget.html:0\n"
    );
    // -q still sets the exit code.
    let mut v = args("-q");
    v.extend(["--fail-on", "promotional"]);
    assert_eq!(puffery(&v).status.code(), Some(1));
}

#[test]
fn stats_count_rules_by_documents_and_findings() {
    let mut args = vec!["scan", "--stats", "--format", "jsonl"];
    args.extend(DOCS);
    let o = puffery(&args);
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines[0], "rule                    documents  findings");
    assert!(
        lines.contains(&"cta.retailer                    1         3"),
        "{err}"
    );
    assert!(
        lines.contains(&"missing.fda                     1         1"),
        "{err}"
    );
    assert!(
        lines
            .last()
            .unwrap()
            .starts_with("2 documents, 0 errors, 0.0 MB in "),
        "{err}"
    );
    // stdout stays the JSONL it was.
    assert!(stdout(&o).lines().all(|l| l.starts_with('{')));
}

#[test]
fn a_negative_threshold_needs_no_equals_sign() {
    let o = puffery(&["scan", "--threshold", "-5", "--format", "jsonl", DOCS[1]]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains(r#""label":"promotional""#));
}

#[test]
fn a_prefix_that_matches_no_rule_is_an_error_naming_the_closest() {
    let o = puffery(&["scan", "--ignore", "claim.helth", DOCS[0]]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "puffery: --select/--ignore \"claim.helth\" matches no rule; closest: \
         claim.health-disease, claim.health-structure, claim.de\n"
    );
    // A category is a prefix, and checks can be named too.
    let o = puffery(&[
        "scan",
        "-q",
        "--ignore",
        "claim",
        "--select",
        "cta,affiliate.dense",
        DOCS[0],
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn rules_test_reports_every_failing_example_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = user_pack(dir.path());
    let o = puffery(&["rules", "test", "--no-builtin", &p]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        format!(
            "{p}:16: rule cta.soup: should flag: \"get soup\"\n\
             {p}:16: rule cta.soup: should not flag: \"please order soup\"\n\
             6 passed, 2 failed\n"
        )
    );
    // Loading the pack in a scan warns, and the scan goes on.
    let o = puffery(&["scan", "--rules", &p, "-q", DOCS[1]]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stderr(&o),
        format!(
            "puffery: warning: {p}:16: rule cta.soup: should flag: \"get soup\"\n\
             puffery: warning: {p}:16: rule cta.soup: should not flag: \"please order soup\"\n"
        )
    );
    // The built-in packs pass.
    let o = puffery(&["rules", "test"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn options_after_the_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let p = user_pack(dir.path());
    let o = puffery(&["rules", "explain", "cta.pizza", "--rules", &p]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("cta.pizza: Pizza orders\n"));
}

#[test]
fn completions_and_man_page() {
    for (shell, marker) in [
        ("bash", "_puffery()"),
        ("zsh", "#compdef puffery"),
        ("fish", "complete -c puffery"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let o = puffery(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0));
        let text = stdout(&o);
        assert!(text.contains(marker), "{shell}: {text}");
        assert!(
            text.contains("threshold"),
            "{shell}: scan options are completed"
        );
    }
    let o = puffery(&["man"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains(".TH puffery 1"));
}

#[test]
fn eval_rejects_an_unknown_label_field_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let labels = dir.path().join("labels.jsonl");
    std::fs::write(
        &labels,
        "{\"file\":\"a.html\",\"cta\":true,\"notes\":\"fine\"}\n{\"file\":\"b.html\",\"cat\":true}\n",
    )
    .unwrap();
    let labels = labels.to_str().unwrap();
    let o = puffery(&["eval", "--labels", labels, dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.starts_with(&format!(
            "puffery: {labels}: line 2, column 22: not a label: unknown field `cat`, expected one of"
        )),
        "{err}"
    );
    assert!(!err.contains("at line"), "{err}");
}

#[test]
fn directory_walks_respect_ignore_files_and_no_ignore_turns_them_off() {
    // corpus/.pufferyignore lists README.md: it describes the corpus, it is not part of it.
    let sources = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["scan", "--format", "jsonl", "corpus/"];
        args.extend(extra);
        let o = puffery(&args);
        stdout(&o)
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["source"].as_str().map(str::to_string))
            .collect()
    };
    let with = sources(&[]);
    assert!(!with.is_empty());
    assert!(!with.iter().any(|s| s == "corpus/README.md"), "{with:?}");
    let without = sources(&["--no-ignore"]);
    assert!(without.iter().any(|s| s == "corpus/README.md"));
    assert_eq!(without.len(), with.len() + 1);
}

#[test]
fn scan_without_a_path_reads_a_pipe_or_else_the_current_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "Order now on Amazon!\n").unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/b.html"), "<p>A walk in the park.</p>").unwrap();
    let bin = env!("CARGO_BIN_EXE_puffery");
    // `script` (util-linux) runs the command with a terminal on stdin (and stderr: no progress
    // line, which would be drawn there).
    let o = Command::new("script")
        .args([
            "-qec",
            &format!("{bin} scan --no-config --progress never -c"),
            "/dev/null",
        ])
        .current_dir(dir.path())
        .output()
        .expect("script runs");
    assert_eq!(stdout(&o).replace("\r\n", "\n"), "a.txt:2\nsub/b.html:0\n");
    // A file (or a pipe) on stdin is read instead of the directory.
    let o = Command::new(bin)
        .args(["scan", "--no-config", "-c"])
        .current_dir(dir.path())
        .stdin(std::fs::File::open(dir.path().join("a.txt")).unwrap())
        .output()
        .unwrap();
    assert_eq!(stdout(&o), "-:2\n");
}

#[test]
fn a_language_no_pack_knows_is_a_warning() {
    let o = puffery(&["scan", "-q", "--lang", "xx", DOCS[1]]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stderr(&o),
        "puffery: warning: --lang xx: no rule pack has rules for xx; only rules without a \
         language apply\n"
    );
    // Any spelling of a language the packs cover is quiet.
    for lang in ["DE", "de-DE", "deu", "en"] {
        let o = puffery(&["scan", "-q", "--lang", lang, DOCS[1]]);
        assert_eq!(stderr(&o), "", "--lang {lang}");
    }
}
