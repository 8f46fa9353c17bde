//! The account's life as the faces use it, beside its records: the checks made before a
//! question is asked (the id is new, the account exists and may change status), the calendar
//! file, the life part of `account show`. The application, the decision and the closing are
//! kinds of the one pipeline (`crate::pipeline::application`, `decision`, `closing`); they
//! print nothing.

use serde_json::{json, Value};

use crate::error::{Error, IoContext, Result};
use crate::i18n::t;
use crate::lifecycle::follow_up::Snapshot;
use crate::lifecycle::history::{self, Histories};
use crate::lifecycle::Status;
use crate::registers::accounts::{self, Account};
use crate::workspace::Workspace;

pub fn unknown_account(ws: &Workspace, id: &str) -> Error {
    Error::input(t(
        &format!("kontot '{id}' finns inte; se `dataskydd account list`"),
        &format!("the account '{id}' does not exist; see `dataskydd account list`"),
    ))
    .in_file(&ws.accounts_csv())
    .field("ID")
}

pub fn find_account(ws: &Workspace, id: &str) -> Result<Account> {
    accounts::check_id(id).map_err(|e| e.field("ID"))?;
    accounts::read_all(&ws.accounts_csv())?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| unknown_account(ws, id))
}

/// The name of this run's signer (empty if there is none), for the history's `by`.
pub fn signer_name(ws: &Workspace) -> String {
    crate::signing::keystore::cached_signer(ws)
        .map(|s| s.name().to_string())
        .unwrap_or_default()
}

/// Refuses an id that is not a slug or is already in the register (before any question).
pub fn check_new_id(ws: &Workspace, id: &str) -> Result<()> {
    accounts::check_id(id).map_err(|e| e.field("ID"))?;
    if accounts::read_all(&ws.accounts_csv())?
        .iter()
        .any(|a| a.id == id)
    {
        return Err(Error::input(t(
            &format!("kontot '{id}' finns redan i registret; välj ett annat id för en ny ansökan"),
            &format!("the account '{id}' is already in the register; choose another id for a new application"),
        ))
        .in_file(&ws.accounts_csv())
        .field("ID"));
    }
    Ok(())
}

/// Checks that the account may be closed (before any question is asked).
pub fn check_closable(ws: &Workspace, id: &str) -> Result<Account> {
    let account = find_account(ws, id)?;
    let h = Histories::read(ws)?;
    history::check_transition(id, h.status(id), Status::Closed)
        .map_err(|e| e.in_file(&history::path(ws)))?;
    Ok(account)
}

/// Writes the calendar file: never over a workspace file or a file that is not a calendar
/// this tool wrote (unless `--force`); replacing our own calendar is the point of re-export.
pub fn write_ics(ws: &Workspace, path: &std::path::Path, force: bool, text: &str) -> Result<()> {
    let inside = |p: &std::path::Path| {
        std::fs::canonicalize(p)
            .ok()
            .zip(std::fs::canonicalize(&ws.root).ok())
            .is_some_and(|(p, r)| p.parent() == Some(r.as_path()))
    };
    if path.exists() {
        let bytes = std::fs::read(path).at(path)?;
        let ours = crate::lifecycle::ical::is_ours(&bytes);
        let own_register =
            inside(path) && path.extension().is_some_and(|e| e == "csv" || e == "toml");
        if own_register || (!ours && !force) {
            return Err(Error::input(t(
                &format!("{} finns redan och är ingen kalenderfil från dataskydd; välj ett annat namn (eller --force)", path.display()),
                &format!("{} exists and is not a calendar file from dataskydd; choose another name (or --force)", path.display()),
            ))
            .in_file(path)
            .field("--ics"));
        }
    }
    crate::workspace::write_atomic(path, text.as_bytes())
}

/// The life part of `account show`: status, goals, administrators and the history.
pub fn show_life(ws: &Workspace, id: &str) -> Result<Value> {
    let h = Histories::read(ws)?;
    let (goals, admins) = h.goals_and_admins(id);
    let s = Snapshot::read(ws)?;
    let account = s.accounts.iter().find(|a| a.id == id);
    let review = account
        .filter(|_| s.status(id).followed_up())
        .map(|a| s.review_date(a).format("%Y-%m-%d").to_string());
    let actions: Vec<_> = s
        .actions
        .iter()
        .filter(|a| a.account == id)
        .cloned()
        .collect();
    Ok(json!({
        "status": h.status(id),
        "review_on": review,
        "goals": goals,
        "admins_named": admins,
        "history": h.of(id),
        "actions": actions,
    }))
}
