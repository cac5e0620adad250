//! The README's examples cannot drift from the output (issue 17): every ```console block is a
//! list of `$ puffery ARGS` commands, each followed by its expected standard output. The test
//! runs each command through the binary from the crate root and compares line by line; `[..]`
//! in an expected line matches any text, and a line `...` any number of lines (as trycmd).

use std::process::Command;

/// One `$ puffery ...` command and the lines expected on standard output.
struct Example {
    line: usize,
    args: Vec<String>,
    expected: Vec<String>,
}

fn examples(readme: &str) -> Vec<Example> {
    let mut out: Vec<Example> = Vec::new();
    let mut in_console = false;
    for (i, line) in readme.lines().enumerate() {
        if !in_console {
            in_console = line.trim_end() == "```console";
            continue;
        }
        if line.trim_end() == "```" {
            in_console = false;
        } else if let Some(cmd) = line.strip_prefix("$ ") {
            let mut words = cmd.split_whitespace().map(str::to_string);
            assert_eq!(
                words.next().as_deref(),
                Some("puffery"),
                "README.md:{}: a console example runs puffery",
                i + 1
            );
            out.push(Example {
                line: i + 1,
                args: words.collect(),
                expected: Vec::new(),
            });
        } else {
            let ex = out.last_mut().unwrap_or_else(|| {
                panic!("README.md:{}: output before any `$ puffery` line", i + 1)
            });
            ex.expected.push(line.to_string());
        }
    }
    out
}

/// `line` matches `pattern`, where `[..]` matches any text.
fn line_matches(pattern: &str, line: &str) -> bool {
    let parts: Vec<&str> = pattern.split("[..]").collect();
    let (first, rest) = parts.split_first().expect("split gives one part");
    let Some(mut tail) = line.strip_prefix(first) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return tail.is_empty();
    };
    for part in middle {
        match tail.find(part) {
            Some(at) => tail = &tail[at + part.len()..],
            None => return false,
        }
    }
    tail.len() >= last.len() && tail.ends_with(last)
}

/// `lines` match `patterns`, where a pattern line `...` matches any number of lines.
fn lines_match(patterns: &[String], lines: &[&str]) -> bool {
    match patterns.split_first() {
        None => lines.is_empty(),
        Some((p, rest)) if p == "..." => (0..=lines.len()).any(|k| lines_match(rest, &lines[k..])),
        Some((p, rest)) => {
            lines.first().is_some_and(|l| line_matches(p, l)) && lines_match(rest, &lines[1..])
        }
    }
}

#[test]
fn wildcards_match_what_they_say() {
    assert!(line_matches("a[..]c", "abbbc"));
    assert!(line_matches("a[..]", "a"));
    assert!(!line_matches("a[..]c", "abbb"));
    assert!(!line_matches("abc", "abcd"));
    assert!(!line_matches("ab[..]bc", "abc"), "the parts do not overlap");
    let p = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(lines_match(&p(&["a", "...", "z"]), &["a", "b", "c", "z"]));
    assert!(lines_match(&p(&["a", "...", "z"]), &["a", "z"]));
    assert!(!lines_match(&p(&["a", "z"]), &["a", "b", "z"]));
}

#[test]
fn readme_examples_match_the_binary() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let examples = examples(&readme);
    assert!(
        examples.len() >= 2,
        "the README has its human and jsonl examples"
    );
    let mut failures = Vec::new();
    for ex in &examples {
        let out = Command::new(env!("CARGO_BIN_EXE_puffery"))
            .args(&ex.args)
            .current_dir(root)
            .env_remove("NO_COLOR")
            .output()
            .expect("puffery runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let lines: Vec<&str> = stdout.lines().collect();
        if !lines_match(&ex.expected, &lines) {
            failures.push(format!(
                "README.md:{}: `puffery {}` printed:\n{stdout}",
                ex.line,
                ex.args.join(" ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
