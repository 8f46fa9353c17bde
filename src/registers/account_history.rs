//! The account register's history `account_history.csv`: one appended, hash-chained row per
//! change of an account's status — who, when, why, and the signed record behind it.
//!
//! `accounts.csv` keeps one row per account (what the inventory is); this file keeps what
//! happened to it. It is never edited: a decision, an activation or a closing is a new row,
//! and `verify` of the ledger names the first line that was changed.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::i18n::t;
use crate::ledger::Ledger;
use crate::lifecycle::Status;

pub const FILE: &str = "account_history.csv";

pub const COLUMNS: &[&str] = &[
    "at", "account", "status", "by", "reason", "record", "goals", "admins",
];

/// A measurable goal of an account (seed 001): what, measured how, to reach what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    pub goal: String,
    pub indicator: String,
    pub target: String,
}

/// A person who holds the account's login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Admin {
    pub name: String,
    #[serde(default)]
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// 1-based line in the file.
    #[serde(skip)]
    pub line: usize,
    pub at: String,
    pub account: String,
    pub status: Status,
    /// Who made the change (several signers joined by "; ").
    pub by: String,
    pub reason: String,
    /// The signed record behind the change (empty when none, e.g. activation by assessment).
    pub record: String,
    /// The account's goals and administrators as they stand after the change (empty when
    /// the change does not touch them).
    pub goals: Vec<Goal>,
    pub admins: Vec<Admin>,
}

pub fn ledger(path: &Path) -> Ledger {
    Ledger::new(path, COLUMNS, true)
}

fn row(c: &Change) -> Vec<String> {
    let list = |v: String| if v == "[]" { String::new() } else { v };
    vec![
        c.at.clone(),
        c.account.clone(),
        c.status.code().to_string(),
        c.by.clone(),
        c.reason.clone(),
        c.record.clone(),
        list(serde_json::to_string(&c.goals).expect("serialises")),
        list(serde_json::to_string(&c.admins).expect("serialises")),
    ]
}

/// Appends one change.
pub fn append(path: &Path, change: &Change) -> Result<()> {
    ledger(path).append(&[row(change)])?;
    Ok(())
}

/// Every change, oldest first. A row this version cannot read is an error naming its line.
///
/// The chain is verified first: a status is never read from a register that was changed
/// (exit 1 naming the first line that fails).
pub fn read_all(path: &Path) -> Result<Vec<Change>> {
    let l = ledger(path);
    l.verify()?;
    let mut out = Vec::new();
    for r in l.read()? {
        let f = &r.fields;
        let bad = |field: &str, v: &str| {
            Error::input(t(
                &format!("oläsligt värde '{v}'"),
                &format!("unreadable value '{v}'"),
            ))
            .in_file(path)
            .at_line(r.line)
            .field(field)
        };
        let status = Status::parse(&f[2]).ok_or_else(|| bad("status", &f[2]))?;
        let goals = if f[6].is_empty() {
            Vec::new()
        } else {
            serde_json::from_str(&f[6]).map_err(|_| bad("goals", &f[6]))?
        };
        let admins = if f[7].is_empty() {
            Vec::new()
        } else {
            serde_json::from_str(&f[7]).map_err(|_| bad("admins", &f[7]))?
        };
        out.push(Change {
            line: r.line,
            at: f[0].clone(),
            account: f[1].clone(),
            status,
            by: f[3].clone(),
            reason: f[4].clone(),
            record: f[5].clone(),
            goals,
            admins,
        });
    }
    Ok(out)
}

/// Takes the account life's lock (`.account_history.csv.lock`): held from the look-up of an
/// account's status (or an action's state) to the fsync of the row that changes it, so two
/// people deciding, closing or marking the same thing at once never both succeed. Released
/// when the returned file is dropped. (The ledger's own lock covers one append; this covers
/// the check before it — replace with the ledger's look-up-then-append API when it lands.)
pub fn lock(ws_root: &Path) -> Result<std::fs::File> {
    use crate::error::IoContext;
    let path = ws_root.join(format!(".{FILE}.lock"));
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).truncate(false).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let f = opts.open(&path).at(&path)?;
    f.lock().at(&path)?;
    Ok(f)
}
