//! The library's one error type; every variant says where, and only where it knows.

use std::fmt;

/// What went wrong, and where.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A rule pack could not be used.
    #[error("{file}{}: {message}", Line(*line))]
    RulePack {
        /// The pack's file name.
        file: String,
        /// 1-based line, when the error has one.
        line: Option<usize>,
        /// What is wrong, naming the rule id where there is one.
        message: String,
    },
    /// The rules of all packs together could not be compiled (an automaton or a regex set
    /// over every pack too large); no one file or line is to blame.
    #[error("rule packs: {message}")]
    Rules {
        /// What is wrong.
        message: String,
    },
    /// A configuration file (`puffery.toml`) could not be used.
    #[error("{file}{}: {message}", Line(*line))]
    Config {
        /// The file's path.
        file: String,
        /// 1-based line, when the error has one.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// A configuration file could not be read.
    #[error("{file}: cannot read: {source}")]
    ConfigRead {
        /// The file's path.
        file: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// An input could not be read.
    #[error("{source_name}: {what}: {source}")]
    Input {
        /// The input's path.
        source_name: String,
        /// What could not be done (`cannot read the paths file`).
        what: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// `:N` for a known line, nothing for an unknown one.
struct Line(Option<usize>);

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(n) => write!(f, ":{n}"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Error;

    #[test]
    fn each_location_is_printed_once_and_only_when_known() {
        let e = |line| Error::RulePack {
            file: "p.toml".into(),
            line,
            message: "bad".into(),
        };
        assert_eq!(e(Some(3)).to_string(), "p.toml:3: bad");
        assert_eq!(e(None).to_string(), "p.toml: bad");
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let e = Error::Input {
            source_name: "list.paths".into(),
            what: "cannot read the paths file".into(),
            source: io,
        };
        assert_eq!(
            e.to_string(),
            "list.paths: cannot read the paths file: gone"
        );
        assert!(std::error::Error::source(&e).is_some());
    }
}
