//! `puffery.toml` through the binary: found upward from the current directory, `--config`,
//! `--no-config`, rule packs relative to the file, unknown keys and bad values as errors with
//! file and line, and the command line winning over the file.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::user_pack;

fn puffery_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_puffery"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("puffery runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A project: `proj/puffery.toml`, `proj/packs/ours.toml`, `proj/docs/deep/page.txt`.
fn project(config: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("proj");
    std::fs::create_dir_all(root.join("docs/deep")).unwrap();
    std::fs::create_dir_all(root.join("packs")).unwrap();
    std::fs::write(root.join("puffery.toml"), config).unwrap();
    user_pack(&root.join("packs"));
    std::fs::write(
        root.join("docs/deep/page.txt"),
        "Order pizza now! Shop now on Amazon.\n",
    )
    .unwrap();
    tmp
}

fn rules_of(jsonl: &str) -> Vec<String> {
    jsonl
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["type"] == "document")
        .flat_map(|v| {
            v["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["rule"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

const CONFIG: &str = "format = \"jsonl\"\nrules = [\"packs/ours.toml\"]\nselect = [\"cta\"]\n";

#[test]
fn the_file_is_found_upward_and_its_packs_are_relative_to_it() {
    let tmp = project(CONFIG);
    let deep = tmp.path().join("proj/docs/deep");
    let o = puffery_in(&deep, &["scan", "page.txt"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.starts_with("{\"type\":\"document\""),
        "jsonl from the file: {out}"
    );
    let rules = rules_of(&out);
    assert!(rules.contains(&"cta.pizza".to_string()), "{rules:?}");
    assert!(rules.iter().all(|r| r.starts_with("cta.")), "{rules:?}");
    // `rules explain` sees the file's pack too.
    let o = puffery_in(&deep, &["rules", "explain", "cta.pizza"]);
    assert!(
        text(&o.stdout).contains("Pizza orders"),
        "{}",
        text(&o.stderr)
    );
    // --no-config: human output, built-in rules only.
    let o = puffery_in(&deep, &["scan", "--no-config", "page.txt"]);
    let out = text(&o.stdout);
    assert!(out.starts_with("page.txt:1:"), "{out}");
    assert!(!out.contains("cta.pizza"), "{out}");
}

#[test]
fn the_command_line_wins_over_the_file() {
    let tmp = project(CONFIG);
    let deep = tmp.path().join("proj/docs/deep");
    let o = puffery_in(
        &deep,
        &[
            "scan",
            "page.txt",
            "--format",
            "human",
            "--select",
            "cta.retailer",
        ],
    );
    let out = text(&o.stdout);
    assert!(out.contains("cta.retailer"), "{out}");
    assert!(
        !out.contains("cta.pizza"),
        "--select replaces the file's list: {out}"
    );
    assert!(out.starts_with("page.txt:1:"), "--format human wins: {out}");
}

#[test]
fn config_names_a_file_and_bad_files_are_errors_with_file_and_line() {
    let tmp = project("# ours\n\nformat = \"jsonl\"\nfail-on = \"warning\"\n");
    let root = tmp.path().join("proj");
    let o = puffery_in(&root, &["scan", "docs"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    let file = root.join("puffery.toml");
    assert!(
        err.starts_with(&format!(
            "puffery: {}:4: unknown field `fail-on`, expected one of",
            file.display()
        )),
        "{err}"
    );
    // --config FILE replaces the discovered one; a bad value names its line.
    let other = root.join("other.toml");
    std::fs::write(&other, "threshold = 1.0\nformat = \"jsn\"\n").unwrap();
    let o = puffery_in(
        &root,
        &["scan", "--config", other.to_str().unwrap(), "docs"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        text(&o.stderr),
        format!(
            "puffery: {}:2: format: unknown value `jsn` (one of: human, jsonl, annotate, dolma, sarif)\n",
            other.display()
        )
    );
    std::fs::write(&other, "fail_on = \"warning\"\n").unwrap();
    let o = puffery_in(
        &root,
        &["scan", "--config", other.to_str().unwrap(), "docs"],
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "fail_on from the file: {}",
        text(&o.stderr)
    );
    // A missing --config file is an error, not a silent default.
    let o = puffery_in(&root, &["scan", "--config", "nope.toml", "docs"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).starts_with("puffery: nope.toml: cannot read:"),
        "{}",
        text(&o.stderr)
    );
}
