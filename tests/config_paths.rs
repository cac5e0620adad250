//! `[[paths]]` tables in puffery.toml (issue 17), through the binary: per-path `ignore`,
//! `select`, `threshold` and `lang`, globs anchored at the configuration file, the command line
//! winning, and errors with file and line.

use std::path::Path;
use std::process::{Command, Output};

const SUPP: &str = "corpus/supp-magnesium-leg-cramps-1.txt";

fn puffery(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_puffery"))
        .args(args)
        .args(["--color", "never"])
        .current_dir(dir)
        .output()
        .expect("puffery runs")
}

/// A project: the same supplement page in blog/2024/ and in shop/, with `config`.
fn project(config: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let page = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(SUPP)).unwrap();
    for dir in ["blog/2024", "shop"] {
        std::fs::create_dir_all(tmp.path().join(dir)).unwrap();
        std::fs::write(tmp.path().join(dir).join("post.txt"), &page).unwrap();
    }
    std::fs::write(tmp.path().join("puffery.toml"), config).unwrap();
    tmp
}

/// The verdict line of each document: `path: label (score N)...`.
fn verdicts(o: &Output) -> Vec<String> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter(|l| l.contains(" (score "))
        .map(str::to_string)
        .collect()
}

const BLOG: &str = "ignore = [\"cta.buy-now\"]\n\n[[paths]]\nglob = \"blog/**\"\n\
                    ignore = [\"claim\"]\nthreshold = 30\n";

#[test]
fn a_path_table_changes_the_documents_its_glob_matches() {
    let p = project(BLOG);
    let o = puffery(p.path(), &["scan", "blog", "shop"]);
    assert_eq!(
        verdicts(&o),
        [
            "blog/2024/post.txt: borderline (score 6): 3 cta; missing affiliate",
            "shop/post.txt: promotional (score 12.5): 4 claim, 3 cta; missing affiliate, fda, \
             medical",
        ],
        "{o:?}"
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        !out.contains("blog/2024/post.txt:17:14: warning claim"),
        "{out}"
    );
    assert!(out.contains("shop/post.txt:17:14: warning claim"), "{out}");
    // The same from a subdirectory: the file is found upward, globs stay anchored at it.
    let o = puffery(&p.path().join("shop"), &["scan", "../blog", "."]);
    let v = verdicts(&o);
    assert!(
        v[0].starts_with("../blog/2024/post.txt: borderline (score 6)"),
        "{v:?}"
    );
    assert!(
        v[1].starts_with("./post.txt: promotional (score 12.5)"),
        "{v:?}"
    );
}

#[test]
fn the_command_line_wins_over_a_path_table() {
    let p = project(BLOG);
    let v = verdicts(&puffery(p.path(), &["scan", "blog", "--threshold", "5"]));
    assert_eq!(
        v,
        ["blog/2024/post.txt: promotional (score 6): 3 cta; missing affiliate"]
    );
    // A table's ignore adds to the command line's.
    let v = verdicts(&puffery(
        p.path(),
        &["scan", "blog", "shop", "--ignore", "cta"],
    ));
    assert!(
        v[0].starts_with("blog/2024/post.txt: clean (score"),
        "{v:?}"
    );
    assert!(
        v[1].starts_with("shop/post.txt: promotional (score 6.5): 4 claim"),
        "{v:?}"
    );
    // --no-config: no tables either.
    let v = verdicts(&puffery(p.path(), &["scan", "--no-config", "blog"]));
    assert!(v[0].contains("promotional (score 12.5)"), "{v:?}");
}

#[test]
fn a_path_table_selects_by_file_name() {
    let p = project("[[paths]]\nglob = \"*.txt\"\nselect = [\"claim\", \"context\"]\n");
    let v = verdicts(&puffery(p.path(), &["scan", "shop"]));
    assert_eq!(
        v,
        ["shop/post.txt: promotional (score 6.5): 4 claim; missing fda, medical"]
    );
    // --select on the command line wins.
    let v = verdicts(&puffery(p.path(), &["scan", "shop", "--select", "cta"]));
    assert_eq!(
        v,
        ["shop/post.txt: promotional (score 6): 3 cta; missing affiliate"]
    );
}

#[test]
fn a_path_table_sets_the_language() {
    let p = project("[[paths]]\nglob = \"de/*.html\"\nlang = \"en\"\n");
    std::fs::create_dir(p.path().join("de")).unwrap();
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/de-produkttest-affiliate.html");
    std::fs::copy(page, p.path().join("de/test.html")).unwrap();
    // Read as English, the German rules do not apply.
    let v = verdicts(&puffery(p.path(), &["scan", "de"]));
    assert_eq!(
        v,
        ["de/test.html: borderline (score 3): 2 affiliate links; missing affiliate, sponsored"]
    );
    // --lang on the command line wins.
    let v = verdicts(&puffery(p.path(), &["scan", "de", "--lang", "de"]));
    assert!(
        v[0].starts_with("de/test.html: promotional (score 8.5)"),
        "{v:?}"
    );
}

#[test]
fn bad_path_tables_are_errors_with_file_and_line() {
    let cases = [
        (
            "format = \"human\"\n\n[[paths]]\nglob = \"blog/**\"\nignor = [\"claim\"]\n",
            "puffery.toml:5: unknown field `ignor`",
        ),
        (
            "[[paths]]\nglob = \"blog/[a\"\n",
            "puffery.toml:2: [[paths]] glob: ",
        ),
        (
            "[[paths]]\nglob = \"a\"\n\n[[paths]]\nglob = \"blog/**\"\nignore = [\"claimz\"]\n",
            "puffery.toml:4: [[paths]] glob \"blog/**\": --select/--ignore \"claimz\" matches no \
             rule; closest: claim",
        ),
    ];
    for (config, want) in cases {
        let p = project(config);
        let o = puffery(p.path(), &["scan", "shop"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(want), "{config}\n{err}");
    }
}
