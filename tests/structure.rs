//! The shape of the code, checked: no import cycles between the top-level modules of `src/`,
//! no function over [`MAX_FN_LINES`] lines in `src/`, and a thin `src/bin/puffery/run.rs`.
//!
//! A small Rust lexer (comments, strings, raw strings, char literals vs lifetimes) is enough:
//! module dependencies are the `crate::X` paths and the names in `use crate::{...}` outside
//! `#[cfg(test)]` items; a function's length runs from its `fn` line to the line of the brace
//! that closes its body.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The longest function allowed, in lines from `fn` to its closing brace.
const MAX_FN_LINES: usize = 80;
/// The longest `src/bin/puffery/run.rs` allowed, in lines.
const MAX_RUN_RS_LINES: usize = 300;

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    /// An identifier or keyword (raw identifiers without `r#`).
    Ident(String),
    /// One punctuation character.
    Punct(char),
    /// A string, byte string, raw string or char literal (contents dropped).
    Lit,
}

/// Tokens with their 1-based line numbers; comments dropped.
fn lex(src: &str) -> Vec<(Tok, usize)> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let newlines = |s: &[u8]| s.iter().filter(|&&c| c == b'\n').count();
    while i < b.len() {
        let c = b[i];
        let start = i;
        if c == b'\n' {
            line += 1;
            i += 1;
        } else if c.is_ascii_whitespace() {
            i += 1;
        } else if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let mut depth = 0;
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            line += newlines(&b[start..i]);
        } else if let Some(end) = raw_string_end(b, i) {
            i = end;
            out.push((Tok::Lit, line));
            line += newlines(&b[start..i]);
        } else if c == b'"' || (c == b'b' && b.get(i + 1) == Some(&b'"')) {
            i += if c == b'b' { 2 } else { 1 };
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push((Tok::Lit, line));
            line += newlines(&b[start..i.min(b.len())]);
        } else if c == b'\'' || (c == b'b' && b.get(i + 1) == Some(&b'\'')) {
            let q = if c == b'b' { i + 1 } else { i };
            match char_literal_end(src, q) {
                Some(end) => {
                    i = end;
                    out.push((Tok::Lit, line));
                }
                // A lifetime or label: the quote is punctuation, the name an identifier.
                None if c == b'\'' => {
                    out.push((Tok::Punct('\''), line));
                    i += 1;
                }
                None => {
                    out.push((Tok::Ident("b".into()), line));
                    i += 1;
                }
            }
        } else if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 {
            let raw =
                b[i..].starts_with(b"r#") && b.get(i + 2).is_some_and(|c| c.is_ascii_alphabetic());
            if raw {
                i += 2;
            }
            let s = i;
            while i < b.len() && (b[i] == b'_' || b[i].is_ascii_alphanumeric() || b[i] >= 0x80) {
                i += 1;
            }
            out.push((Tok::Ident(src[s..i].to_string()), line));
        } else if c.is_ascii_digit() {
            while i < b.len() && (b[i] == b'_' || b[i].is_ascii_alphanumeric()) {
                i += 1;
            }
            out.push((Tok::Lit, line));
        } else {
            let ch = src[i..].chars().next().expect("in bounds");
            out.push((Tok::Punct(ch), line));
            i += ch.len_utf8();
        }
    }
    out
}

/// The end of a raw string (`r"…"`, `r#"…"#`, `br#"…"#`) starting at `i`, if one does.
fn raw_string_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    if b.get(j) == Some(&b'b') {
        j += 1;
    }
    if b.get(j) != Some(&b'r') {
        return None;
    }
    j += 1;
    let hashes = b[j..].iter().take_while(|&&c| c == b'#').count();
    j += hashes;
    if b.get(j) != Some(&b'"') {
        return None;
    }
    j += 1;
    let mut close = vec![b'"'];
    close.extend(std::iter::repeat_n(b'#', hashes));
    let rel = b[j..].windows(close.len()).position(|w| w == close)?;
    Some(j + rel + close.len())
}

/// The end of a char literal whose opening quote is at `q`, or `None` for a lifetime.
fn char_literal_end(src: &str, q: usize) -> Option<usize> {
    let rest = &src[q + 1..];
    let mut chars = rest.char_indices();
    let (_, first) = chars.next()?;
    if first == '\\' {
        // An escape: up to the closing quote (`'\n'`, `'\u{1F600}'`, `'\''`).
        let after = &rest[2..];
        return after.find('\'').map(|k| q + 1 + 2 + k + 1);
    }
    let (k, second) = chars.next()?;
    (second == '\'').then_some(q + 1 + k + 1)
}

/// Drops every item marked `#[cfg(test)]` (its attribute to the end of the item); returns the
/// kept tokens and the names of `#[cfg(test)] mod NAME;` declarations.
fn strip_test_items(toks: &[(Tok, usize)]) -> (Vec<(Tok, usize)>, Vec<String>) {
    let mut kept = Vec::new();
    let mut test_mods = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if is_cfg_test(&toks[i..]) {
            // Skip the attribute, then the item: up to `;` or the matching `}` of its body.
            i += 7;
            let mut depth = 0usize;
            let item_start = i;
            while i < toks.len() {
                match toks[i].0 {
                    Tok::Punct('{') => depth += 1,
                    Tok::Punct('}') => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    Tok::Punct(';') if depth == 0 => {
                        if let [(Tok::Ident(m), _), (Tok::Ident(name), _), ..] = &toks[item_start..]
                            && m == "mod"
                        {
                            test_mods.push(name.clone());
                        }
                        break;
                    }
                    _ => {}
                }
                i += 1;
            }
            i += 1;
        } else {
            kept.push(toks[i].clone());
            i += 1;
        }
    }
    (kept, test_mods)
}

fn is_cfg_test(t: &[(Tok, usize)]) -> bool {
    let want = [
        Tok::Punct('#'),
        Tok::Punct('['),
        Tok::Ident("cfg".into()),
        Tok::Punct('('),
        Tok::Ident("test".into()),
        Tok::Punct(')'),
        Tok::Punct(']'),
    ];
    t.len() >= want.len() && t.iter().zip(&want).all(|((a, _), b)| a == b)
}

/// The top-level module names a token stream refers to through `crate::`.
fn crate_refs(toks: &[(Tok, usize)]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let is = |i: usize, t: Tok| toks.get(i).is_some_and(|(x, _)| *x == t);
    for i in 0..toks.len() {
        if !(is(i, Tok::Ident("crate".into()))
            && is(i + 1, Tok::Punct(':'))
            && is(i + 2, Tok::Punct(':')))
        {
            continue;
        }
        match toks.get(i + 3) {
            Some((Tok::Ident(name), _)) => {
                out.insert(name.clone());
            }
            Some((Tok::Punct('{'), _)) => {
                // `use crate::{a, b::c, d::{e, f}}`: the names at brace depth 1 that start a path.
                let mut depth = 0;
                let mut expect_name = true;
                for (t, _) in &toks[i + 3..] {
                    match t {
                        Tok::Punct('{') => depth += 1,
                        Tok::Punct('}') => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        Tok::Punct(',') if depth == 1 => expect_name = true,
                        Tok::Ident(name) if depth == 1 && expect_name => {
                            out.insert(name.clone());
                            expect_name = false;
                        }
                        _ if depth == 1 => expect_name = false,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("readable directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The directory a module file's `mod NAME;` children live in.
fn child_dir(file: &Path) -> PathBuf {
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let parent = file.parent().expect("a file has a parent");
    if matches!(stem, "mod" | "lib" | "main") {
        parent.to_path_buf()
    } else {
        parent.join(stem)
    }
}

/// Top-level module -> the top-level modules it refers to, over `src/` without `src/bin` and
/// without test code. Names re-exported at the crate root (`pub use scan::DocResult` in
/// lib.rs) count as their module.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let root = src();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let lib = std::fs::read_to_string(root.join("lib.rs")).expect("src/lib.rs");
    let lib_toks = lex(&lib);
    let mut modules = BTreeSet::new();
    let mut reexport: BTreeMap<String, String> = BTreeMap::new();
    for w in lib_toks.windows(3) {
        if let [
            (Tok::Ident(k), _),
            (Tok::Ident(name), _),
            (Tok::Punct(';'), _),
        ] = w
            && k == "mod"
        {
            modules.insert(name.clone());
        }
    }
    // `pub use MODULE::{A, B};` / `pub use MODULE::A;`
    for (i, w) in lib_toks.windows(2).enumerate() {
        if let [(Tok::Ident(u), _), (Tok::Ident(m), _)] = w
            && u == "use"
            && modules.contains(m)
        {
            for (t, _) in lib_toks[i + 2..]
                .iter()
                .take_while(|(t, _)| *t != Tok::Punct(';'))
            {
                if let Tok::Ident(name) = t {
                    reexport.entry(name.clone()).or_insert_with(|| m.clone());
                }
            }
        }
    }
    let mut excluded: BTreeSet<PathBuf> = BTreeSet::new();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // Module files come before the files they declare (`a.rs` < `a/…`, `mod.rs` first in its
    // directory is not guaranteed), so collect exclusions first.
    let mut parsed = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&root).expect("under src/");
        let top = rel
            .components()
            .next()
            .expect("non-empty")
            .as_os_str()
            .to_string_lossy();
        let top = top.trim_end_matches(".rs").to_string();
        if top == "bin" || top == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(f).expect("readable source");
        let (toks, test_mods) = strip_test_items(&lex(&text));
        for m in test_mods {
            let dir = child_dir(f);
            excluded.insert(dir.join(format!("{m}.rs")));
            excluded.insert(dir.join(&m).join("mod.rs"));
        }
        parsed.push((f.clone(), top, toks));
    }
    for (f, top, toks) in parsed {
        if excluded.contains(&f) {
            continue;
        }
        let deps = graph.entry(top.clone()).or_default();
        for name in crate_refs(&toks) {
            let target = if modules.contains(&name) {
                Some(name)
            } else {
                reexport.get(&name).cloned()
            };
            if let Some(t) = target.filter(|t| *t != top) {
                deps.insert(t);
            }
        }
    }
    graph
}

/// Strongly connected components with more than one module (Tarjan).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        g: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    impl<'a> T<'a> {
        fn visit(&mut self, v: &'a str) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on.insert(v);
            for w in self.g.get(v).into_iter().flatten() {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let l = self.low[w].min(self.low[v]);
                    self.low.insert(v, l);
                } else if self.on.contains(w) {
                    let l = self.index[w].min(self.low[v]);
                    self.low.insert(v, l);
                }
            }
            if self.low[v] == self.index[v] {
                let mut scc = Vec::new();
                loop {
                    let w = self.stack.pop().expect("v is on the stack");
                    self.on.remove(w);
                    scc.push(w.to_string());
                    if w == v {
                        break;
                    }
                }
                if scc.len() > 1 {
                    scc.sort();
                    self.out.push(scc);
                }
            }
        }
    }
    let mut t = T {
        g: graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !t.index.contains_key(v.as_str()) {
            t.visit(v);
        }
    }
    t.out.sort();
    t.out
}

/// `(name, first line, lines)` of every function with a body in `src`.
fn functions(src: &str) -> Vec<(String, usize, usize)> {
    let toks = lex(src);
    let mut out = Vec::new();
    for (i, (t, line)) in toks.iter().enumerate() {
        let (Tok::Ident(kw), Some((Tok::Ident(name), _))) = (t, toks.get(i + 1)) else {
            continue;
        };
        if kw != "fn" {
            continue;
        }
        // The body: the first `{` at bracket depth 0 before any `;` (a declaration has none).
        let mut depth = 0i32;
        let mut j = i + 2;
        let mut body = None;
        while j < toks.len() {
            match toks[j].0 {
                Tok::Punct('(' | '[') => depth += 1,
                Tok::Punct(')' | ']') => depth -= 1,
                Tok::Punct(';') if depth == 0 => break,
                Tok::Punct('{') if depth == 0 => {
                    body = Some(j);
                    break;
                }
                _ => {}
            }
            j += 1;
        }
        let Some(open) = body else { continue };
        let mut braces = 0i32;
        for (t, end_line) in &toks[open..] {
            match t {
                Tok::Punct('{') => braces += 1,
                Tok::Punct('}') => {
                    braces -= 1;
                    if braces == 0 {
                        out.push((name.clone(), *line, end_line - line + 1));
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    out
}

fn rel(p: &Path) -> String {
    p.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(p)
        .display()
        .to_string()
}

#[test]
fn the_lexer_sees_through_strings_comments_and_lifetimes() {
    let src = r####"
fn a<'x>(s: &'x str) -> char {
    let _ = "}{"; let _ = r#"}"#; let _ = b'}'; let _ = '\'';
    // }
    /* { /* } */ */
    '{'
}
trait T { fn decl(&self); }
fn b() { let f: fn(u8) = |_| {}; }
"####;
    assert_eq!(
        functions(src),
        [("a".to_string(), 2, 6), ("b".to_string(), 9, 1)]
    );
    let toks = lex("use crate::{a, b::{c, d}, e as f}; crate::g::h(); // crate::i");
    let refs: Vec<String> = crate_refs(&toks).into_iter().collect();
    assert_eq!(refs, ["a", "b", "e", "g"]);
    let toks =
        lex("use crate::x;\n#[cfg(test)]\nmod tests { use crate::y; }\n#[cfg(test)]\nmod more;\n");
    let (kept, mods) = strip_test_items(&toks);
    assert_eq!(crate_refs(&kept).into_iter().collect::<Vec<_>>(), ["x"]);
    assert_eq!(mods, ["more"]);
}

#[test]
fn tarjan_finds_every_cycle_not_only_pairs() {
    let g: BTreeMap<String, BTreeSet<String>> = [
        ("a", "b"),
        ("b", "c"),
        ("c", "a"),
        ("c", "d"),
        ("e", "f"),
        ("f", "e"),
    ]
    .iter()
    .fold(BTreeMap::new(), |mut g, (x, y)| {
        g.entry(x.to_string())
            .or_insert_with(BTreeSet::new)
            .insert(y.to_string());
        g
    });
    assert_eq!(cycles(&g), [vec!["a", "b", "c"], vec!["e", "f"]]);
}

#[test]
fn no_import_cycles_between_top_level_modules() {
    let graph = module_graph();
    assert!(
        graph.contains_key("scan") && graph.contains_key("rules"),
        "{graph:?}"
    );
    let found = cycles(&graph);
    let show: Vec<String> = found
        .iter()
        .map(|scc| {
            let edges: Vec<String> = scc
                .iter()
                .flat_map(|a| {
                    graph[a]
                        .iter()
                        .filter(|b| scc.contains(b))
                        .map(move |b| format!("{a} -> {b}"))
                })
                .collect();
            format!("{{{}}}: {}", scc.join(", "), edges.join(", "))
        })
        .collect();
    assert!(found.is_empty(), "import cycles:\n{}", show.join("\n"));
}

#[test]
fn no_function_is_longer_than_80_lines() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut long = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("readable source");
        for (name, line, n) in functions(&text) {
            if n > MAX_FN_LINES {
                long.push((n, format!("{}:{line}: fn {name}: {n} lines", rel(f))));
            }
        }
    }
    long.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let show: Vec<&str> = long.iter().map(|(_, s)| s.as_str()).collect();
    assert!(
        long.is_empty(),
        "{} functions over {MAX_FN_LINES} lines:\n{}",
        long.len(),
        show.join("\n")
    );
}

#[test]
fn run_rs_is_thin() {
    let p = src().join("bin/puffery/run.rs");
    let n = std::fs::read_to_string(&p).expect("run.rs").lines().count();
    assert!(
        n <= MAX_RUN_RS_LINES,
        "{}: {n} lines (at most {MAX_RUN_RS_LINES})",
        rel(&p)
    );
}
