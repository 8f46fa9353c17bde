//! The assessment log `assessments.csv`: one chained row per signed account assessment,
//! so the register knows when each account was last assessed (the overdue list and the
//! annual report) without opening PDFs.

use std::path::Path;

use crate::error::Result;
use crate::ledger::Ledger;

pub const COLUMNS: &[&str] = &[
    "assessed_at",
    "account",
    "controller",
    "exposure",
    "must_actions",
    "should_actions",
    "outcomes",
    "record",
    "rules_version",
];

/// Unnumbered: an assessment's row needs no line number, and counting the lines cost a
/// read of the whole log per record (a batch of N grew as N²).
pub fn ledger(path: &Path) -> Ledger {
    Ledger::new(path, COLUMNS, true).unnumbered()
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub assessed_at: String,
    pub account: String,
    pub controller: String,
    pub exposure: String,
    pub must_actions: usize,
    pub should_actions: usize,
    pub outcomes: Vec<String>,
    pub record: String,
    pub rules_version: String,
}

/// Appends entries in one locked write (one fsync for a whole batch).
pub fn append_all(path: &Path, entries: &[Entry]) -> Result<()> {
    let rows: Vec<Vec<String>> = entries.iter().map(row).collect();
    ledger(path).append(&rows)?;
    Ok(())
}

fn row(e: &Entry) -> Vec<String> {
    vec![
        e.assessed_at.clone(),
        e.account.clone(),
        e.controller.clone(),
        e.exposure.clone(),
        e.must_actions.to_string(),
        e.should_actions.to_string(),
        e.outcomes.join(" "),
        e.record.clone(),
        e.rules_version.clone(),
    ]
}

pub fn read_all(path: &Path) -> Result<Vec<Entry>> {
    Ok(ledger(path)
        .read()?
        .into_iter()
        .map(|r| {
            let f = r.fields;
            Entry {
                assessed_at: f[0].clone(),
                account: f[1].clone(),
                controller: f[2].clone(),
                exposure: f[3].clone(),
                must_actions: f[4].parse().unwrap_or(0),
                should_actions: f[5].parse().unwrap_or(0),
                outcomes: f[6].split_whitespace().map(str::to_string).collect(),
                record: f[7].clone(),
                rules_version: f[8].clone(),
            }
        })
        .collect())
}
