//! The library's one error type; every variant says where.

/// What went wrong, and where.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A rule pack could not be used.
    #[error("{file}:{line}: {message}")]
    RulePack {
        /// The pack's file name.
        file: String,
        /// 1-based line, 0 when unknown.
        line: usize,
        /// What is wrong, naming the rule id where there is one.
        message: String,
    },
    /// A configuration file (`puffery.toml`) could not be used.
    #[error("{file}{}: {message}", if *line > 0 { format!(":{line}") } else { String::new() })]
    Config {
        /// The file's path.
        file: String,
        /// 1-based line, 0 when unknown.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// An input could not be read.
    #[error("{source_name}: {message}")]
    Input {
        /// The input's path.
        source_name: String,
        /// What went wrong.
        message: String,
    },
}
