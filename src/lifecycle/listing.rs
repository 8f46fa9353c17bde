//! The account register as `account list` and the web's account page show it: every account
//! with its latest assessment, its status in its life and whether it is due for review.

use crate::error::Result;
use crate::registers::accounts::{self, Account};
use crate::registers::assessments;
use crate::workspace::Workspace;

/// An account is overdue when its last assessment is older than this (or there is none).
pub const REASSESS_DAYS: i64 = 365;

#[derive(Debug, serde::Serialize)]
pub struct Listed {
    #[serde(flatten)]
    pub account: Account,
    pub last_assessed: Option<String>,
    pub exposure: Option<String>,
    pub must_actions: Option<usize>,
    pub record: Option<String>,
    pub overdue: bool,
    /// Where the account is in its life (applied, approved, active, closed, rejected).
    pub status: crate::lifecycle::Status,
}

/// Every account with its latest assessment.
pub fn listing(ws: &Workspace) -> Result<Vec<Listed>> {
    let accounts = accounts::read_all(&ws.accounts_csv())?;
    let log = assessments::read_all(&ws.path("assessments.csv"))?;
    let today = crate::clock::today();
    let life = crate::lifecycle::history::Histories::read(ws)?;
    Ok(accounts
        .into_iter()
        .map(|a| {
            let last = log.iter().rev().find(|e| e.account == a.id);
            let status = life.status(&a.id);
            let overdue = status.followed_up()
                && match last {
                    None => true,
                    Some(e) => chrono::DateTime::parse_from_rfc3339(&e.assessed_at)
                        .map(|d| (today - d.date_naive()).num_days() > REASSESS_DAYS)
                        .unwrap_or(true),
                };
            Listed {
                last_assessed: last.map(|e| e.assessed_at.clone()),
                exposure: last.map(|e| e.exposure.clone()),
                must_actions: last.map(|e| e.must_actions),
                record: last.map(|e| ws.resolve(&e.record).display().to_string()),
                overdue,
                status,
                account: a,
            }
        })
        .collect())
}
