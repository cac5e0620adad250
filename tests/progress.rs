//! The progress line on a terminal never mixes into findings (issue 17): the binary runs under
//! a pseudo-terminal (util-linux `script`), stdout and stderr both on it, and a small terminal
//! emulator replays what was written. The screen must hold exactly the lines of a run without
//! progress, and the progress line must have been drawn meanwhile.
#![cfg(target_os = "linux")]

use std::process::Command;

/// What a terminal shows after `bytes`: enough of VT100 for a one-line status bar (carriage
/// return, line feed, cursor up/down, erase line; other escape sequences are ignored).
fn screen(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut rows: Vec<Vec<char>> = vec![Vec::new()];
    let (mut row, mut col) = (0usize, 0usize);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => col = 0,
            '\n' => row += 1,
            '\x1b' => {
                if chars.peek() != Some(&'[') {
                    chars.next();
                    continue;
                }
                chars.next();
                let mut param = String::new();
                let mut fin = ' ';
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        fin = c;
                        break;
                    }
                    param.push(c);
                }
                let n: usize = param.parse().unwrap_or(1);
                match fin {
                    'A' => row = row.saturating_sub(n),
                    'B' => row += n,
                    'K' if param == "2" => rows[row].clear(),
                    'K' => rows[row].truncate(col),
                    _ => {}
                }
            }
            c => {
                let line = &mut rows[row];
                if line.len() <= col {
                    line.resize(col, ' ');
                    line.push(c);
                } else {
                    line[col] = c;
                }
                col += 1;
            }
        }
        while rows.len() <= row {
            rows.push(Vec::new());
        }
    }
    let mut lines: Vec<String> = rows
        .into_iter()
        .map(|r| r.into_iter().collect::<String>().trim_end().to_string())
        .collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

#[test]
fn the_emulator_replays_a_cleared_status_line() {
    let raw = b"1/3 files, 0.1 MB\r\x1b[2Ka.txt:1:1: warning x\r\n2/3 files\r\x1b[2Kdone\r\n";
    assert_eq!(screen(raw), ["a.txt:1:1: warning x", "done"]);
    let raw = b"x\r\nbar\x1b[1A\x1b[1B\r\x1b[2Ky\r\n";
    assert_eq!(screen(raw), ["x", "y"]);
    // Without clearing, the residue stays.
    assert_eq!(
        screen(b"1/3 files, 0.1 MB\ra.txt:1:1\r\n"),
        ["a.txt:1:1, 0.1 MB"]
    );
    assert_eq!(screen(b"ab\rX\n"), ["Xb"]);
}

#[test]
fn progress_never_mixes_into_findings_on_a_terminal() {
    let root = env!("CARGO_MANIFEST_DIR");
    let bin = env!("CARGO_BIN_EXE_puffery");
    let args = "scan corpus --color never";
    let plain = Command::new(bin)
        .args(args.split(' '))
        .args(["--progress", "never"])
        .current_dir(root)
        .output()
        .expect("puffery runs");
    let plain = String::from_utf8_lossy(&plain.stdout).into_owned();
    let out = Command::new("script")
        .args([
            "-qec",
            &format!("{bin} {args} --progress auto"),
            "/dev/null",
        ])
        .current_dir(root)
        .env("COLUMNS", "200")
        .output()
        .expect("util-linux `script` runs");
    assert!(out.status.success(), "{out:?}");
    let raw = String::from_utf8_lossy(&out.stdout);
    assert!(
        raw.contains(" files, ") && raw.contains(" MB/s"),
        "no status line was drawn, nothing was tested:\n{raw}"
    );
    let shown = screen(&out.stdout);
    let want: Vec<&str> = plain.lines().collect();
    // The summary's timing differs between the runs.
    let cut = |l: &str| l.split(" MB in ").next().unwrap_or_default().to_string();
    let (shown_cut, want_cut): (Vec<String>, Vec<String>) = (
        shown.iter().map(|l| cut(l)).collect(),
        want.iter().map(|l| cut(l)).collect(),
    );
    if let Some(i) =
        (0..shown_cut.len().max(want_cut.len())).find(|&i| shown_cut.get(i) != want_cut.get(i))
    {
        panic!(
            "line {}: the terminal shows\n{:?}\nwhere a run without progress prints\n{:?}",
            i + 1,
            shown_cut.get(i),
            want_cut.get(i)
        );
    }
    for line in &shown {
        assert!(!line.contains(" files, "), "progress residue: {line}");
    }
}

#[test]
fn error_lines_on_the_terminal_are_clean_when_stdout_is_a_file() {
    let root = env!("CARGO_MANIFEST_DIR");
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"text\": \"Shop now\"}\nnot json\n{\"text\": \"x\"}\n",
    )
    .unwrap();
    let out_file = tmp.path().join("out.txt");
    let cmd = format!(
        "{} scan corpus {} --color never --progress auto > {}",
        env!("CARGO_BIN_EXE_puffery"),
        bad.display(),
        out_file.display()
    );
    let out = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .current_dir(root)
        .env("COLUMNS", "200")
        .output()
        .expect("util-linux `script` runs");
    let raw = String::from_utf8_lossy(&out.stdout);
    assert!(raw.contains(" files, "), "no status line was drawn:\n{raw}");
    let shown = screen(&out.stdout);
    let errors: Vec<&String> = shown
        .iter()
        .filter(|l| l.contains("invalid JSON"))
        .collect();
    assert_eq!(errors.len(), 1, "{shown:?}");
    assert!(
        errors[0].starts_with("puffery: "),
        "progress residue: {}",
        errors[0]
    );
    assert!(
        !errors[0].contains(" files, "),
        "progress residue: {}",
        errors[0]
    );
    // The status line stays with its final numbers (stdout is not the terminal).
    let last = shown.last().unwrap();
    let done = last.split(" files, ").next().unwrap_or_default();
    let (n, of) = done.split_once('/').expect("files done of total");
    assert!(n == of && n.parse::<u32>().is_ok(), "{last}");
    let written = std::fs::read_to_string(&out_file).unwrap();
    assert!(!written.contains(" files, "), "progress went to stdout");
}

/// no-color.org: on a terminal, `NO_COLOR=1` turns colour off, while a `NO_COLOR` that is set
/// but empty does not (issue 17), and `--color always` wins over `NO_COLOR`.
#[test]
fn no_color_turns_colour_off_only_when_not_empty() {
    let root = env!("CARGO_MANIFEST_DIR");
    let bin = env!("CARGO_BIN_EXE_puffery");
    let on_terminal = |no_color: &str, extra: &str| -> String {
        let out = Command::new("script")
            .args([
                "-qec",
                &format!(
                    "{bin} scan corpus/supp-magnesium-leg-cramps-1.txt --progress never {extra}"
                ),
                "/dev/null",
            ])
            .current_dir(root)
            .env("NO_COLOR", no_color)
            .output()
            .expect("util-linux `script` runs");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let coloured = |s: &str| s.contains("\x1b[1;33mwarning");
    let empty = on_terminal("", "");
    assert!(
        coloured(&empty),
        "NO_COLOR= (empty) turned colour off:\n{empty}"
    );
    assert!(empty.contains("claim.proven-solution"), "{empty}");
    let set = on_terminal("1", "");
    assert!(set.contains("claim.proven-solution"), "{set}");
    assert!(!set.contains('\x1b'), "NO_COLOR=1 left colour on:\n{set}");
    let forced = on_terminal("1", "--color always");
    assert!(
        coloured(&forced),
        "--color always lost to NO_COLOR:\n{forced}"
    );
}
