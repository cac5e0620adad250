//! Which inputs to read: directory walks, `*.paths` lists, and sharding.
//!
//! ```
//! use puffery::input::{parse_shard, shard};
//! let inputs: Vec<u32> = (0..5).collect();
//! let (i, n) = parse_shard("1/2").unwrap();
//! assert_eq!(shard(inputs, i, n), vec![1, 3]);
//! ```

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use super::Item;
use super::compress::{Compression, detect_compression, strip_compression_suffix};

/// Extensions (after an optional `.gz`/`.zst`/`.zstd`/`.lz4`) taken from directories.
const KNOWN_EXTENSIONS: &[&str] = &[
    ".html", ".htm", ".xhtml", ".txt", ".text", ".md", ".warc", ".wet", ".arc", ".jsonl", ".ndjson",
];

/// Whether a file found in a directory is read: `.html .htm .xhtml .txt .text .md .warc .wet
/// .arc .jsonl .ndjson`, each also with `.gz`, `.zst`, `.zstd` or `.lz4`, and
/// `.json.gz`/`.json.zst` (dolma). Case-insensitive.
pub fn has_known_extension(name: &str) -> bool {
    let stripped = strip_compression_suffix(name);
    let lower = stripped.to_ascii_lowercase();
    if KNOWN_EXTENSIONS.iter().any(|e| lower.ends_with(e)) {
        return true;
    }
    stripped.len() != name.len() && lower.ends_with(".json")
}

/// How directories are walked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WalkOptions {
    /// Skip what `.gitignore`, `.ignore` and `.pufferyignore` files (in the walked directory,
    /// its subdirectories and its parents), `.git/info/exclude` and git's global excludes file
    /// list, as ripgrep does. A `.gitignore` applies outside git repositories too.
    pub respect_ignore_files: bool,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            respect_ignore_files: true,
        }
    }
}

/// puffery's own ignore file, in gitignore syntax; it wins over `.ignore` and `.gitignore`.
pub const IGNORE_FILE: &str = ".pufferyignore";

/// Expands command-line paths into input files, in a deterministic order, with the default
/// [`WalkOptions`] (ignore files respected).
///
/// A file argument (or `-` for stdin) is always taken, whatever its extension and whatever
/// ignore files say. A directory is walked recursively, each directory's entries sorted by
/// name; only files with a known extension ([`has_known_extension`]) are taken, and hidden
/// entries (names starting with `.`), entries that ignore files list and symbolic links to
/// directories are not followed. A path that does not exist and a directory or entry that
/// cannot be read become `Err(Item::Error)` in place, so they are reported in order.
pub fn expand_paths(args: &[PathBuf]) -> Vec<Result<PathBuf, Item>> {
    expand_paths_with(args, WalkOptions::default())
}

/// [`expand_paths`] with explicit [`WalkOptions`] (`--no-ignore` turns ignore files off).
pub fn expand_paths_with(args: &[PathBuf], opts: WalkOptions) -> Vec<Result<PathBuf, Item>> {
    let mut out = Vec::new();
    for arg in args {
        if arg.as_os_str() == "-" {
            out.push(Ok(arg.clone()));
            continue;
        }
        match std::fs::metadata(arg) {
            Ok(m) if m.is_dir() => walk(arg, opts, &mut out),
            Ok(_) => out.push(Ok(arg.clone())),
            Err(e) => out.push(Err(path_error(arg, &e))),
        }
    }
    out
}

fn path_error(path: &Path, e: &dyn std::fmt::Display) -> Item {
    Item::error(
        &path.display().to_string(),
        0,
        crate::input::ReadErrorKind::Open,
        format!("cannot read: {e}"),
    )
}

/// The ignore crate's error without its own path prefix (the item names the path).
fn walk_error(dir: &Path, e: &ignore::Error) -> Item {
    let mut e = e;
    let mut path = dir;
    loop {
        match e {
            ignore::Error::WithPath { path: p, err } => {
                path = p;
                e = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                e = err
            }
            _ => break,
        }
    }
    match e {
        ignore::Error::Io(io) => path_error(path, io),
        other => path_error(path, other),
    }
}

fn walk(dir: &Path, opts: WalkOptions, out: &mut Vec<Result<PathBuf, Item>>) {
    let mut builder = ignore::WalkBuilder::new(dir);
    builder
        .standard_filters(opts.respect_ignore_files)
        .hidden(true)
        .require_git(false)
        // Links to directories are not followed (no cycles); links to files are, below.
        .follow_links(false)
        .sort_by_file_name(|a, b| a.cmp(b));
    if opts.respect_ignore_files {
        builder.add_custom_ignore_filename(IGNORE_FILE);
    }
    for entry in builder.build() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                out.push(Err(walk_error(dir, &e)));
                continue;
            }
        };
        let Some(kind) = entry.file_type() else {
            continue; // stdin; never yielded for a directory walk
        };
        let path = entry.path();
        let name = entry.file_name().to_string_lossy();
        if kind.is_dir() || !has_known_extension(&name) {
            continue;
        }
        if kind.is_symlink() {
            match std::fs::metadata(path) {
                Ok(m) if m.is_file() => out.push(Ok(path.to_path_buf())),
                Ok(m) if m.is_dir() => {}
                Ok(m) => out.push(Err(not_regular(path, &m))),
                Err(e) => out.push(Err(path_error(path, &e))),
            }
        } else if kind.is_file() {
            out.push(Ok(path.to_path_buf()));
        } else {
            // A FIFO would block the run forever on open, waiting for a writer; a socket or
            // device is no document either. Named on the command line they are read.
            match std::fs::symlink_metadata(path) {
                Ok(m) => out.push(Err(not_regular(path, &m))),
                Err(e) => out.push(Err(path_error(path, &e))),
            }
        }
    }
}

/// The error for a directory entry that is not a regular file.
fn not_regular(path: &Path, meta: &std::fs::Metadata) -> Item {
    #[cfg(unix)]
    let kind = {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            "a FIFO"
        } else if t.is_socket() {
            "a socket"
        } else if t.is_block_device() || t.is_char_device() {
            "a device"
        } else {
            "a special file"
        }
    };
    #[cfg(not(unix))]
    let kind = {
        let _ = meta;
        "a special file"
    };
    Item::error(
        &path.display().to_string(),
        0,
        crate::input::ReadErrorKind::Open,
        format!("cannot read: {kind}, not a regular file (name it as an argument to read it)"),
    )
}

/// Reads a list of input paths, one per line (Common Crawl `*.paths` style): blank lines and
/// lines starting with `#` are ignored, surrounding whitespace is trimmed. The list may be gzip-
/// or zstd-compressed (`warc.paths.gz`).
pub fn read_paths(reader: impl Read) -> std::io::Result<Vec<PathBuf>> {
    let mut raw = BufReader::new(reader);
    let comp = detect_compression(raw.fill_buf()?);
    let text: Box<dyn BufRead> = match comp {
        Compression::None => Box::new(raw),
        Compression::Gzip => Box::new(BufReader::new(flate2::bufread::MultiGzDecoder::new(raw))),
        Compression::Zstd => Box::new(BufReader::new(zstd::stream::read::Decoder::with_buffer(
            raw,
        )?)),
        Compression::Lz4 => Box::new(BufReader::new(lz4_flex::frame::FrameDecoder::new(raw))),
    };
    let mut out = Vec::new();
    for line in text.split(b'\n') {
        let line = line?;
        let line = String::from_utf8_lossy(&line);
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        out.push(PathBuf::from(line));
    }
    Ok(out)
}

/// [`read_paths`] from a file, or from stdin for `-`.
pub fn read_paths_file(path: &Path) -> Result<Vec<PathBuf>, crate::Error> {
    let name = path.display().to_string();
    let result = if path.as_os_str() == "-" {
        read_paths(std::io::stdin().lock())
    } else {
        std::fs::File::open(path).and_then(read_paths)
    };
    result.map_err(|source| crate::Error::Input {
        source_name: name,
        what: "cannot read the paths file".into(),
        source,
    })
}

/// Parses `I/N` (0 <= I < N).
pub fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let bad = || format!("invalid shard `{s}`: expected I/N with 0 <= I < N, e.g. 0/4");
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let i: usize = i.trim().parse().map_err(|_| bad())?;
    let n: usize = n.trim().parse().map_err(|_| bad())?;
    if n == 0 || i >= n {
        return Err(bad());
    }
    Ok((i, n))
}

/// Keeps the items whose index mod `n` is `i` (Slurm arrays, Spark tasks). With `n == 0`, keeps
/// everything.
pub fn shard<T>(items: Vec<T>, i: usize, n: usize) -> Vec<T> {
    if n == 0 {
        return items;
    }
    items
        .into_iter()
        .enumerate()
        .filter(|(k, _)| k % n == i)
        .map(|(_, t)| t)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions() {
        for yes in [
            "a.html",
            "a.HTM",
            "b.warc.gz",
            "c.warc.wet.gz",
            "d.jsonl.zst",
            "e.json.gz",
            "f.ndjson",
            "g.md",
            "h.html.gz",
            "i.wet",
        ] {
            assert!(has_known_extension(yes), "{yes}");
        }
        for no in ["a.json", "b.gz", "c.pdf", "d.warc.bz2", "e.paths"] {
            assert!(!has_known_extension(no), "{no}");
        }
    }

    #[test]
    fn shard_parsing() {
        assert_eq!(parse_shard("0/1"), Ok((0, 1)));
        assert_eq!(parse_shard(" 3 / 4 "), Ok((3, 4)));
        for bad in ["4/4", "1/0", "x/2", "12", "-1/2"] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn paths_list() {
        let text = b"# crawl\ncrawl-data/a.warc.gz\n\n  crawl-data/b.warc.gz  \r\n#x\n";
        let got = read_paths(&text[..]).unwrap();
        assert_eq!(
            got,
            vec![
                PathBuf::from("crawl-data/a.warc.gz"),
                PathBuf::from("crawl-data/b.warc.gz")
            ]
        );
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, text).unwrap();
        assert_eq!(read_paths(&gz.finish().unwrap()[..]).unwrap(), got);
    }
}
