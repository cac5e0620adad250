//! Directory expansion, paths files, sharding, and one-document-per-file inputs.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;
use puffery::DocFormat;
use puffery::input::{
    InputFormat, InputOptions, Item, expand_paths, open_path, parse_shard, read_paths_file, shard,
};

fn touch(dir: &Path, rel: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(&p, bytes).unwrap();
    p
}

fn ok_paths(v: Vec<Result<PathBuf, Item>>) -> Vec<PathBuf> {
    v.into_iter()
        .map(|r| r.expect("no errors expected"))
        .collect()
}

#[test]
fn directory_expansion_is_sorted_and_filtered() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for rel in [
        "b/2.warc.gz",
        "b/1.html",
        "a.jsonl.zst",
        "c/deep/x.txt",
        "c/deep/y.pdf",
        "c/readme",
        "Z.HTML",
        "d.json.gz",
        "d.json",
        "e.html.gz",
        "f.warc.wet.gz",
        "g.ndjson",
        ".hidden/secret.html",
        ".dot.html",
    ] {
        touch(d, rel, b"x");
    }
    let explicit = touch(d, "other/notes.weird", b"x");
    let got = ok_paths(expand_paths(&[d.to_path_buf(), explicit.clone()]));
    let want: Vec<PathBuf> = [
        "Z.HTML",
        "a.jsonl.zst",
        "b/1.html",
        "b/2.warc.gz",
        "c/deep/x.txt",
        "d.json.gz",
        "e.html.gz",
        "f.warc.wet.gz",
        "g.ndjson",
    ]
    .iter()
    .map(|r| d.join(r))
    .chain([explicit])
    .collect();
    assert_eq!(got, want);
    // Deterministic.
    assert_eq!(
        ok_paths(expand_paths(&[d.to_path_buf()])),
        want[..want.len() - 1]
    );
}

#[test]
fn missing_and_unreadable_paths_become_errors_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    touch(d, "a.html", b"x");
    std::os::unix::fs::symlink(d.join("gone.html"), d.join("b.html")).unwrap();
    touch(d, "c.html", b"x");
    let got = expand_paths(&[PathBuf::from("-"), d.join("nope.warc"), d.to_path_buf()]);
    assert_eq!(got.len(), 5);
    assert_eq!(got[0].as_ref().unwrap(), Path::new("-"));
    match &got[1] {
        Err(Item::Error(e)) => {
            assert!(e.source.ends_with("nope.warc"));
            assert!(e.detail.contains("cannot read"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(got[2].as_ref().unwrap(), &d.join("a.html"));
    assert!(
        matches!(&got[3], Err(Item::Error(e)) if e.source.ends_with("b.html")),
        "{:?}",
        got[3]
    );
    assert_eq!(got[4].as_ref().unwrap(), &d.join("c.html"));
}

#[test]
fn sharding_partitions_the_inputs() {
    let inputs: Vec<usize> = (0..11).collect();
    for n in 1..5 {
        let mut all: Vec<usize> = Vec::new();
        for i in 0..n {
            let part = shard(inputs.clone(), i, n);
            assert!(part.iter().all(|k| k % n == i));
            all.extend(part);
        }
        all.sort();
        assert_eq!(
            all, inputs,
            "n = {n}: union is everything, and no input twice"
        );
    }
    let (i0, n) = parse_shard("0/2").unwrap();
    let (i1, _) = parse_shard("1/2").unwrap();
    let a = shard(inputs.clone(), i0, n);
    let b = shard(inputs.clone(), i1, n);
    assert!(a.iter().all(|x| !b.contains(x)));
    assert_eq!(a.len() + b.len(), inputs.len());
}

#[test]
fn paths_file() {
    let tmp = tempfile::tempdir().unwrap();
    let list = touch(
        tmp.path(),
        "warc.paths",
        b"# CC-MAIN-2024-10\ncrawl-data/a.warc.gz\n\n  crawl-data/b.warc.gz\n",
    );
    assert_eq!(
        read_paths_file(&list).unwrap(),
        vec![
            PathBuf::from("crawl-data/a.warc.gz"),
            PathBuf::from("crawl-data/b.warc.gz")
        ]
    );
    let gz = touch(
        tmp.path(),
        "warc.paths.gz",
        &gzip(b"x/1.warc.gz\nx/2.warc.gz\n"),
    );
    assert_eq!(read_paths_file(&gz).unwrap().len(), 2);
    let e = read_paths_file(&tmp.path().join("missing.paths")).unwrap_err();
    assert!(e.to_string().contains("missing.paths"), "{e}");
}

#[test]
fn one_document_per_file() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let html = touch(d, "p.html", b"<p>Buy now</p>");
    let gz = touch(d, "p.html.gz", &gzip(b"<p>gz</p>"));
    let zst = touch(d, "t.txt.zst", &zstd(b"plain <div> text"));
    let sniffed = touch(
        d,
        "noext",
        b"\xef\xbb\xbf  <!DOCTYPE html><html>\xff</html>",
    );
    let text = touch(d, "noext2", b"just words");
    let opts = InputOptions::default();
    let one = |p: &Path, o: &InputOptions| -> Item {
        let mut v: Vec<Item> = open_path(p, o).collect();
        check_accounting(&v);
        assert_eq!(v.len(), 1, "{v:?}");
        v.pop().unwrap()
    };
    let r = one(&html, &opts);
    let r = doc(&r);
    assert_eq!(
        (r.format, r.body.as_slice(), r.record),
        (DocFormat::Html, &b"<p>Buy now</p>"[..], 0)
    );
    assert_eq!(r.id, html.display().to_string());
    assert_eq!(doc(&one(&gz, &opts)).body, b"<p>gz</p>");
    assert_eq!(doc(&one(&gz, &opts)).format, DocFormat::Html);
    let t = one(&zst, &opts);
    assert_eq!(
        doc(&t).format,
        DocFormat::Text,
        "the .txt name wins over sniffing"
    );
    assert_eq!(doc(&one(&sniffed, &opts)).format, DocFormat::Html);
    assert_eq!(doc(&one(&text, &opts)).format, DocFormat::Text);
    let forced = InputOptions {
        format: InputFormat::Text,
        ..InputOptions::default()
    };
    assert_eq!(doc(&one(&html, &forced)).format, DocFormat::Text);
    let small = InputOptions {
        max_doc_bytes: 3,
        ..InputOptions::default()
    };
    let r = one(&html, &small);
    assert_eq!(doc(&r).body, b"<p>");
    assert!(doc(&r).truncated);

    // A truncated .gz: one error naming the damage.
    let mut bad = gzip(&vec![b'a'; 100_000]);
    bad.truncate(bad.len() / 2);
    let bad = touch(d, "bad.html.gz", &bad);
    let e = one(&bad, &opts);
    assert!(
        err(&e).contains("truncated gzip member at compressed byte 0"),
        "{}",
        err(&e)
    );
    // A directory given to open_path: an error, not a panic.
    let e = one(d, &opts);
    assert!(matches!(e, Item::Error { .. }), "{e:?}");
}

#[test]
fn directory_walks_skip_what_ignore_files_list_unless_told_not_to() {
    use puffery::input::{WalkOptions, expand_paths_with};
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let files = [
        "a.html",
        "build/out.html",
        "drafts/x.md",
        "keep/README.md",
        "keep/page.html",
        "notes.txt",
    ];
    let all: Vec<PathBuf> = files.iter().map(|rel| touch(d, rel, b"x")).collect();
    // Not a git repository: a .gitignore applies all the same.
    touch(d, ".gitignore", b"build/\n");
    touch(d, ".ignore", b"drafts/\n");
    touch(d, "keep/.pufferyignore", b"README.md\n");
    let explicit = d.join("build/out.html");
    let got = ok_paths(expand_paths(&[d.to_path_buf(), explicit.clone()]));
    let kept = [&all[0], &all[4], &all[5], &explicit]; // named on the command line: read
    assert_eq!(got.iter().collect::<Vec<_>>(), kept);
    let no_ignore = WalkOptions {
        respect_ignore_files: false,
    };
    assert_eq!(
        ok_paths(expand_paths_with(&[d.to_path_buf()], no_ignore)),
        all
    );
}
