//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
pub use puffery::output::{FailOn, Format};

/// Finds marketing language, affiliate links and missing disclosures in web documents.
#[derive(Parser, Debug)]
#[command(name = "puffery", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// `scan` and `rules`: read this configuration file instead of the `puffery.toml` (or
    /// `.puffery.toml`) found in the current directory or the nearest parent.
    #[arg(long, value_name = "FILE", global = true, conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Read no configuration file.
    #[arg(long, global = true)]
    pub no_config: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan files, directories (recursively) or '-' (stdin).
    Scan(Box<ScanArgs>),
    /// List every rule, or explain one.
    Rules(RulesArgs),
    /// Precision, recall and F1 per field against a labelled set of pages.
    Eval(EvalArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to standard output.
    Man,
    /// One self-contained HTML report (charts, tables, examples) from scan JSONL outputs.
    Report(crate::report::ReportArgs),
}

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// Labels: one JSON object per line with `file` and the truth per field.
    #[arg(long, value_name = "LABELS.jsonl")]
    pub labels: PathBuf,
    /// Directory holding the labelled pages (`file`, or `file.gz`).
    pub path: PathBuf,
    /// Output: a table, or JSON.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    /// Also list every page where a field came out wrong.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Score at which a document is labelled promotional.
    #[arg(long, allow_negative_numbers = true, default_value_t = puffery::verdict::DEFAULT_THRESHOLD)]
    pub threshold: f64,
    #[command(flatten)]
    pub rules: RuleArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug, Clone)]
pub struct RuleArgs {
    /// Add a rule pack (TOML); repeatable.
    #[arg(long = "rules", value_name = "FILE", global = true)]
    pub rules: Vec<PathBuf>,
    /// Drop the built-in packs.
    #[arg(long, global = true)]
    pub no_builtin: bool,
    /// Keep only rules whose id starts with one of these (e.g. cta,claim.health).
    #[arg(long, value_delimiter = ',', value_name = "PREFIX,...", global = true)]
    pub select: Vec<String>,
    /// Drop rules whose id starts with one of these.
    #[arg(long, value_delimiter = ',', value_name = "PREFIX,...", global = true)]
    pub ignore: Vec<String>,
}

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Files, directories or '-' for stdin (default: stdin when it is a pipe or a file, else
    /// the current directory).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Input format.
    #[arg(long, value_enum, default_value_t = puffery::input::InputFormat::Auto)]
    pub input_format: puffery::input::InputFormat,
    /// JSONL field holding plain text.
    #[arg(long, default_value = "text")]
    pub text_field: String,
    /// JSONL field holding HTML (wins over the text field when both are present).
    #[arg(long, default_value = "html")]
    pub html_field: String,
    /// JSONL field holding the document id.
    #[arg(long, default_value = "id")]
    pub id_field: String,
    /// JSONL field holding the URL.
    #[arg(long, default_value = "url")]
    pub url_field: String,
    /// Read input paths from FILE, one per line ('-' = stdin; .gz and .zst lists too).
    #[arg(long, value_name = "FILE")]
    pub paths_file: Option<PathBuf>,
    /// Directory walks: do not skip what `.gitignore`, `.ignore` and `.pufferyignore` list
    /// (hidden files stay skipped; files named as arguments are always read).
    #[arg(long)]
    pub no_ignore: bool,
    /// Take only inputs whose index mod N == I; `auto` reads the Slurm array task
    /// (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_COUNT).
    #[arg(long, value_name = "I/N|auto")]
    pub shard: Option<String>,
    /// With -o DIR: skip inputs whose output is finished (a `<output>.done` marker exists).
    #[arg(long)]
    pub skip_done: bool,
    /// Longest document kept; longer ones are cut there and marked truncated.
    #[arg(long, default_value_t = puffery::input::DEFAULT_MAX_DOC_BYTES)]
    pub max_doc_bytes: usize,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Exit code policy.
    #[arg(long, value_enum, default_value_t = FailOn::Never)]
    pub fail_on: FailOn,
    /// Score at which a document is labelled promotional.
    #[arg(long, allow_negative_numbers = true, default_value_t = puffery::verdict::DEFAULT_THRESHOLD)]
    pub threshold: f64,
    /// Select language-specific rules for this language (en, de, fr), whatever documents say.
    #[arg(long)]
    pub lang: Option<String>,
    /// Per-path settings from the configuration file's `[[paths]]` tables.
    #[arg(skip)]
    pub by_path: Vec<crate::config::PathSettings>,
    /// Worker threads (default: all cores); output order never depends on it.
    #[arg(short = 'j', long)]
    pub threads: Option<usize>,
    /// Write there (atomically: temporary file, then rename) instead of stdout. An existing
    /// directory (or a path ending in '/') gets one output file per input file.
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
    /// Colour in the human format.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Human format: print each signal that decided a document's label, with its contribution
    /// to the score and what was found (JSONL always carries them as `reasons`).
    #[arg(long)]
    pub explain: bool,
    /// Progress on stderr: a status line when stderr is a terminal (auto), none, or a JSON
    /// stats line every few seconds (for batch logs).
    #[arg(long, value_enum, default_value_t = Progress::Auto)]
    pub progress: Progress,
    /// Print nothing; the exit code says it all (errors still go to stderr).
    #[arg(short = 'q', long, conflicts_with_all = ["files_with_findings", "count"])]
    pub quiet: bool,
    /// Print only the names of documents with findings or missing disclosures.
    #[arg(short = 'l', long, conflicts_with = "count")]
    pub files_with_findings: bool,
    /// Print `name:N` per document: its findings and missing disclosures.
    #[arg(short = 'c', long)]
    pub count: bool,
    /// After the scan, print per-rule counts (documents, findings) and throughput to stderr.
    #[arg(long)]
    pub stats: bool,
    /// `--report`, `--sarif-rules-url` (boxed: keeps `Command` small).
    #[command(flatten)]
    pub extras: Box<crate::report::ScanExtraArgs>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Progress {
    Auto,
    Never,
    Json,
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    #[command(subcommand)]
    pub action: Option<RulesAction>,
    /// Output format of the list.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    #[command(flatten)]
    pub rules: RuleArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum RulesAction {
    /// Why a rule exists, its source and its examples.
    Explain {
        /// Rule id.
        id: String,
    },
    /// Run every example of every rule in these packs (and the built-in ones unless
    /// --no-builtin); report all failures with file and line.
    Test {
        /// Rule packs (TOML).
        packs: Vec<PathBuf>,
    },
}
