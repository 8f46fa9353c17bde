//! The registers a workspace keeps, each owning its CSV file (through `ledger`).

pub mod account_history;
pub mod accounts;
pub mod actions;
pub mod assessments;
pub mod breaches;
pub mod consents;
pub mod publications;

use crate::error::Result;
use crate::workspace::Workspace;

/// Creates every register of a new workspace with its header (owner-readable only).
pub fn create_all(ws: &Workspace) -> Result<()> {
    accounts::ledger(&ws.accounts_csv()).create()?;
    account_history::ledger(&ws.path(account_history::FILE)).create()?;
    actions::ledger(&ws.path(actions::FILE)).create()?;
    assessments::ledger(&ws.path("assessments.csv")).create()?;
    breaches::BreachLog::at(ws).ledger.create()?;
    consents::Register::at(ws.consents_csv()).ledger.create()?;
    publications::Register::at(ws.publications_csv())
        .ledger
        .create()?;
    Ok(())
}
