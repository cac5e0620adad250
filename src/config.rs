//! Project configuration: a `puffery.toml` (or `.puffery.toml`) found by walking up from the
//! current directory, as typos, Vale and ruff find theirs.
//!
//! Keys mirror the long options of `puffery scan`, at the top level: `format`, `rules` (rule
//! packs; relative paths are relative to the configuration file), `select`, `ignore`,
//! `threshold`, `lang`, `fail_on`, `no_builtin`. An unknown key or a value of the wrong type
//! is an error naming the file and line, never a silent default. The binary merges the file
//! under the command line: an option given on the command line wins (a list given there
//! replaces the file's list).
//!
//! `[[paths]]` tables set `select`, `ignore`, `threshold` and `lang` for the documents whose
//! path matches their `glob` (as ruff's per-file-ignores and Vale's glob sections do). The
//! first table that matches a document applies; its `ignore` adds to the top-level one, its
//! other keys replace the top-level ones; an option given on the command line still wins. A
//! glob without `/` matches the file name in any directory (`*.md`); one with `/` matches the
//! path relative to the configuration file's directory (`blog/**`), as in `.gitignore`.
//!
//! ```
//! use std::path::Path;
//! use puffery::config::Config;
//! let text = "format = \"jsonl\"\nrules = [\"packs/ours.toml\"]\nignore = [\"claim\"]\n";
//! let c = Config::parse(text, Path::new("/site/puffery.toml")).unwrap();
//! assert_eq!(c.format.as_deref(), Some("jsonl"));
//! assert_eq!(c.rules, [Path::new("/site/packs/ours.toml")]);
//!
//! let err = Config::parse("formt = \"jsonl\"\n", Path::new("puffery.toml")).unwrap_err();
//! assert!(err.to_string().starts_with("puffery.toml:1: unknown field `formt`"));
//!
//! let text = "[[paths]]\nglob = \"blog/**\"\nignore = [\"claim\"]\nthreshold = 3\n";
//! let c = Config::parse(text, Path::new("/site/puffery.toml")).unwrap();
//! assert!(c.paths[0].glob.matches("/site/blog/2024/post.md"));
//! assert!(!c.paths[0].glob.matches("/site/shop/post.md"));
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::Error;

/// File names looked for in each directory, in this order.
pub const FILE_NAMES: [&str; 2] = ["puffery.toml", ".puffery.toml"];

/// A parsed configuration file. `None` and empty lists mean "not set".
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `--format`: human, jsonl, annotate, dolma, sarif.
    pub format: Option<String>,
    /// `--rules`: rule packs, resolved against the file's directory.
    #[serde(default)]
    pub rules: Vec<PathBuf>,
    /// `--select`: rule id prefixes to keep.
    #[serde(default)]
    pub select: Vec<String>,
    /// `--ignore`: rule id prefixes to drop.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// `--threshold`.
    pub threshold: Option<f64>,
    /// `--lang`.
    pub lang: Option<String>,
    /// `--fail-on`: never, promotional, warning, error.
    pub fail_on: Option<String>,
    /// `--no-builtin`.
    #[serde(default)]
    pub no_builtin: bool,
    /// `[[paths]]`: settings for the documents whose path matches a glob.
    #[serde(default)]
    pub paths: Vec<PathTable>,
    /// The file it came from (empty for a default configuration).
    #[serde(skip)]
    pub path: PathBuf,
    /// The file's text, to name the line of a value found bad later ([`Config::error_at`]).
    #[serde(skip)]
    text: String,
}

impl Config {
    /// Parses a configuration file's text; `path` names it in errors and anchors relative
    /// `rules` paths.
    pub fn parse(text: &str, path: &Path) -> Result<Config, Error> {
        let mut c: Config = toml::from_str(text).map_err(|e| Error::Config {
            file: path.display().to_string(),
            line: e.span().map(|s| line_of(text, s.start)),
            message: e.message().trim_end().to_string(),
        })?;
        let dir = path.parent().unwrap_or(Path::new(""));
        for r in &mut c.rules {
            *r = dir.join(&*r);
        }
        let base = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        let heads = (text.lines().enumerate())
            .filter(|(_, l)| l.trim() == "[[paths]]")
            .map(|(i, _)| i + 1);
        for (table, head) in c.paths.iter_mut().zip(heads.chain(std::iter::repeat(0))) {
            table.line = head;
            table.glob.base.clone_from(&base);
            table.glob.compile().map_err(|e| Error::Config {
                file: path.display().to_string(),
                // The `glob` line, else the table's head (0: no `[[paths]]` line was found).
                line: Some(
                    (text.lines().enumerate().skip(head))
                        .find(|(_, l)| l.trim_start().starts_with("glob"))
                        .map_or(head, |(i, _)| i + 1),
                )
                .filter(|&l| l > 0),
                message: format!("[[paths]] glob: {e}"),
            })?;
        }
        c.path = path.to_path_buf();
        c.text = text.to_string();
        Ok(c)
    }

    /// Reads and parses a configuration file.
    pub fn load(path: &Path) -> Result<Config, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::ConfigRead {
            file: path.display().to_string(),
            source,
        })?;
        Config::parse(&text, path)
    }

    /// An error about the value of top-level `key` (one the caller checks, such as an unknown
    /// format name), at the key's line.
    pub fn error_at(&self, key: &str, message: impl std::fmt::Display) -> Error {
        let line = self
            .text
            .lines()
            .position(|l| {
                l.trim_start()
                    .strip_prefix(key)
                    .is_some_and(|rest| rest.trim_start().starts_with('='))
            })
            .map(|i| i + 1);
        Error::Config {
            file: self.path.display().to_string(),
            line,
            message: format!("{key}: {message}"),
        }
    }
}

/// A `[[paths]]` table: settings for the documents whose path matches `glob`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathTable {
    /// Which documents: a glob over their paths.
    pub glob: PathGlob,
    /// Rule id prefixes to keep, instead of the top-level `select`.
    #[serde(default)]
    pub select: Vec<String>,
    /// Rule id prefixes to drop, besides the top-level `ignore`.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// The threshold for these documents.
    pub threshold: Option<f64>,
    /// The language for these documents.
    pub lang: Option<String>,
    /// The line of the table's `[[paths]]` header (0 when unknown).
    #[serde(skip)]
    pub line: usize,
}

/// A glob over document paths, anchored at a configuration file's directory: without `/` it
/// matches a file name in any directory, with `/` the path from that directory.
#[derive(Clone, Debug, Default)]
pub struct PathGlob {
    /// The glob as written.
    pub text: String,
    /// The directory relative paths are taken from (absolute).
    pub base: PathBuf,
    matcher: Option<globset::GlobMatcher>,
}

impl PartialEq for PathGlob {
    fn eq(&self, other: &PathGlob) -> bool {
        (&self.text, &self.base) == (&other.text, &other.base)
    }
}

impl<'de> Deserialize<'de> for PathGlob {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<PathGlob, D::Error> {
        let text = String::deserialize(d)?;
        Ok(PathGlob {
            text,
            ..PathGlob::default()
        })
    }
}

impl PathGlob {
    /// A glob anchored at `base`.
    pub fn new(text: &str, base: &Path) -> Result<PathGlob, globset::Error> {
        let mut g = PathGlob {
            text: text.to_string(),
            base: std::path::absolute(base).unwrap_or_else(|_| base.to_path_buf()),
            matcher: None,
        };
        g.compile()?;
        Ok(g)
    }

    fn compile(&mut self) -> Result<(), globset::Error> {
        let glob = globset::GlobBuilder::new(self.text.trim_start_matches('/'))
            .literal_separator(true)
            .build()?;
        self.matcher = Some(glob.compile_matcher());
        Ok(())
    }

    /// Whether the document at `source` (as the scan names it: relative to the current
    /// directory, or absolute) is one the glob means. Standard input (`-`) never is.
    pub fn matches(&self, source: &str) -> bool {
        let Some(m) = &self.matcher else {
            return false;
        };
        let path = Path::new(source);
        if source == "-" || source.is_empty() {
            return false;
        }
        if !self.text.contains('/') {
            return path.file_name().is_some_and(|n| m.is_match(n));
        }
        let Ok(abs) = std::path::absolute(path) else {
            return false;
        };
        // Without `.` and `..` parts: `./blog/../blog/a.md` is `blog/a.md`.
        let mut clean = PathBuf::new();
        for part in abs.components() {
            match part {
                std::path::Component::CurDir => {}
                std::path::Component::ParentDir => {
                    clean.pop();
                }
                other => clean.push(other),
            }
        }
        clean
            .strip_prefix(&self.base)
            .is_ok_and(|rel| m.is_match(rel))
    }
}

/// The configuration file that applies in `start`: the first of [`FILE_NAMES`] in `start` or
/// the nearest ancestor that has one.
pub fn discover(start: &Path) -> Option<PathBuf> {
    start.ancestors().find_map(|dir| {
        FILE_NAMES
            .iter()
            .map(|name| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_parses() {
        let text = "format = \"jsonl\"\nrules = [\"a.toml\", \"/abs/b.toml\"]\n\
                    select = [\"cta\"]\nignore = [\"claim\"]\nthreshold = 2.5\nlang = \"de\"\n\
                    fail_on = \"warning\"\nno_builtin = true\n";
        let c = Config::parse(text, Path::new("proj/puffery.toml")).unwrap();
        assert_eq!(c.format.as_deref(), Some("jsonl"));
        assert_eq!(
            c.rules,
            [PathBuf::from("proj/a.toml"), PathBuf::from("/abs/b.toml")]
        );
        assert_eq!(
            (c.select, c.ignore),
            (vec!["cta".into()], vec!["claim".into()])
        );
        assert_eq!(c.threshold, Some(2.5));
        assert_eq!(c.lang.as_deref(), Some("de"));
        assert_eq!(c.fail_on.as_deref(), Some("warning"));
        assert!(c.no_builtin);
        let whole = Config::parse("threshold = 3\n", Path::new("x.toml")).unwrap();
        assert_eq!(whole.threshold, Some(3.0), "an integer is a threshold too");
        assert_eq!(
            Config::parse("", Path::new("x.toml")).unwrap().format,
            None,
            "an empty file sets nothing"
        );
    }

    #[test]
    fn errors_name_file_and_line() {
        let cases = [
            (
                "format = \"jsonl\"\n\nfail-on = \"warning\"\n",
                "c.toml:3: unknown field `fail-on`",
            ),
            (
                "threshold = \"high\"\n",
                "c.toml:1: invalid type: string \"high\"",
            ),
            (
                "select = \"cta\"\n",
                "c.toml:1: invalid type: string \"cta\", expected a sequence",
            ),
            (
                "[[paths]]\nglob = \"*.md\"\n\n[[paths]]\nglob = \"a/**\"\ntreshold = 3\n",
                "c.toml:6: unknown field `treshold`",
            ),
            (
                "format = \"jsonl\"\n[[paths]]\nthreshold = 3\nglob = \"a/[b\"\n",
                "c.toml:4: [[paths]] glob: ",
            ),
            (
                "[[paths]]\nignore = [\"x\"]\n",
                "c.toml:1: missing field `glob`",
            ),
            ("format = \n", "c.toml:1: "),
        ];
        for (text, want) in cases {
            let err = Config::parse(text, Path::new("c.toml"))
                .unwrap_err()
                .to_string();
            assert!(err.starts_with(want), "{text:?}: {err}");
        }
        let c = Config::parse("# x\n  format = \"jsn\"\n", Path::new("c.toml")).unwrap();
        assert_eq!(
            c.error_at("format", "unknown format `jsn`").to_string(),
            "c.toml:2: format: unknown format `jsn`"
        );
    }

    #[test]
    fn path_tables_parse_and_match() {
        let text = "ignore = [\"cta\"]\n\n[[paths]]\nglob = \"blog/**\"\nignore = [\"claim\"]\n\
                    threshold = 3\n\n[[paths]]\nglob = \"*.de.md\"\nlang = \"de\"\n\
                    select = [\"claim\"]\n";
        let c = Config::parse(text, Path::new("/site/puffery.toml")).unwrap();
        let [blog, de] = &c.paths[..] else {
            panic!("two tables: {:?}", c.paths)
        };
        assert_eq!((blog.line, de.line), (3, 8));
        assert_eq!(
            (&blog.ignore, blog.threshold, &blog.lang),
            (&vec!["claim".to_string()], Some(3.0), &None)
        );
        assert_eq!(
            (&de.select, de.lang.as_deref()),
            (&vec!["claim".into()], Some("de"))
        );
        let cases = [
            (&blog.glob, "/site/blog/a.md", true),
            (&blog.glob, "/site/blog/2024/a.md", true),
            (&blog.glob, "/site/./blog/x/../a.md", true),
            (&blog.glob, "/site/shop/blog/a.md", false),
            (&blog.glob, "/elsewhere/blog/a.md", false),
            (&blog.glob, "-", false),
            (&de.glob, "/site/news/post.de.md", true),
            (&de.glob, "/x/y/post.de.md", true),
            (&de.glob, "/site/news/post.md", false),
        ];
        for (glob, source, want) in cases {
            assert_eq!(glob.matches(source), want, "{} {source}", glob.text);
        }
        // A relative source is taken from the current directory.
        let here = std::env::current_dir().unwrap();
        let g = PathGlob::new("corpus/*.html", &here).unwrap();
        assert!(g.matches("corpus/deal-urgency.html"));
        assert!(g.matches("./corpus/deal-urgency.html"));
        assert!(!g.matches("corpus/sub/deal-urgency.html"), "* stops at /");
    }

    #[test]
    fn discovery_walks_up_and_prefers_the_plain_name() {
        let tmp = tempfile::tempdir().unwrap();
        let deep = tmp.path().join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        // Nothing inside the temporary directory yet (a file above it is not ours to check).
        assert!(discover(&deep).is_none_or(|p| !p.starts_with(tmp.path())));
        std::fs::write(tmp.path().join(".puffery.toml"), "").unwrap();
        assert_eq!(discover(&deep), Some(tmp.path().join(".puffery.toml")));
        std::fs::write(tmp.path().join("puffery.toml"), "").unwrap();
        assert_eq!(discover(&deep), Some(tmp.path().join("puffery.toml")));
        std::fs::write(tmp.path().join("a/.puffery.toml"), "").unwrap();
        assert_eq!(discover(&deep), Some(tmp.path().join("a/.puffery.toml")));
    }
}
