//! `--shard I/N|auto`: which share of the inputs this process takes; `auto` reads the Slurm
//! array task from the environment.
//!
//! ```
//! use puffery::input::resolve_shard;
//! let env = |k: &str| match k {
//!     "SLURM_ARRAY_TASK_ID" => Some("11".to_string()),
//!     "SLURM_ARRAY_TASK_MIN" => Some("10".to_string()),
//!     "SLURM_ARRAY_TASK_COUNT" => Some("4".to_string()),
//!     _ => None,
//! };
//! assert_eq!(resolve_shard("auto", env), Ok((1, 4)));
//! assert_eq!(resolve_shard("2/8", |_| None), Ok((2, 8)));
//! ```

use super::parse_shard;

/// `I/N`, or `auto`: the Slurm array task (`SLURM_ARRAY_TASK_ID` less `SLURM_ARRAY_TASK_MIN`,
/// of `SLURM_ARRAY_TASK_COUNT`), read through `env` (pass `|k| std::env::var(k).ok()`).
pub fn resolve_shard(
    spec: &str,
    env: impl Fn(&str) -> Option<String>,
) -> Result<(usize, usize), String> {
    if spec != "auto" {
        return parse_shard(spec).map_err(|e| format!("--shard {spec}: {e}"));
    }
    let var = |k: &str| -> Result<usize, String> {
        let v = env(k).ok_or_else(|| format!("--shard auto needs {k} (a Slurm array job)"))?;
        v.trim()
            .parse()
            .map_err(|_| format!("{k}={v:?} is not a number"))
    };
    let id = var("SLURM_ARRAY_TASK_ID")?;
    let min = var("SLURM_ARRAY_TASK_MIN").unwrap_or(0);
    let count = var("SLURM_ARRAY_TASK_COUNT")?;
    id.checked_sub(min)
        .filter(|i| *i < count)
        .map(|i| (i, count))
        .ok_or_else(|| format!("SLURM_ARRAY_TASK_ID {id} is outside {min}..{}", min + count))
}
