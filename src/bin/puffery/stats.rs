//! `--stats`: per-rule counts and throughput after a scan, on stderr (as `rg --stats` and
//! `ruff --statistics`; stderr keeps machine formats on stdout clean).

use std::collections::BTreeMap;

use puffery::DocResult;
use puffery::output::Summary;

/// Documents and findings per rule (`missing.<kind>` and `late.<kind>` are rules too).
#[derive(Default)]
pub struct Stats {
    rules: BTreeMap<String, (u64, u64)>,
}

impl Stats {
    pub fn add(&mut self, r: &DocResult) {
        let mut seen: Vec<&str> = Vec::new();
        for f in &r.findings {
            let e = self.rules.entry(f.rule.clone()).or_default();
            e.1 += 1;
            if !seen.contains(&f.rule.as_str()) {
                seen.push(&f.rule);
                e.0 += 1;
            }
        }
    }

    pub fn print(&self, t: &Summary) {
        let mut rows: Vec<(&String, &(u64, u64))> = self.rules.iter().collect();
        rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(b.1.1.cmp(&a.1.1)).then(a.0.cmp(b.0)));
        let w = rows
            .iter()
            .map(|(id, _)| id.len())
            .max()
            .unwrap_or(4)
            .max(4);
        eprintln!("{:w$}  {:>9}  {:>8}", "rule", "documents", "findings");
        for (id, (docs, findings)) in rows {
            eprintln!("{id:w$}  {docs:>9}  {findings:>8}");
        }
        let secs = t.elapsed_s.max(1e-3);
        eprintln!(
            "{} documents, {} errors, {:.1} MB in {:.2} s ({:.1} MB/s, {:.0} documents/s)",
            t.documents,
            t.errors,
            t.bytes as f64 / 1e6,
            t.elapsed_s,
            t.bytes as f64 / 1e6 / secs,
            t.documents as f64 / secs
        );
    }
}
