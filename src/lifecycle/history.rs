//! Statuses from the history register: what each account is now, and the one way to change
//! it (checked against the life's allowed transitions, then appended to the chain).

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::i18n::t;
use crate::lifecycle::Status;
use crate::registers::account_history::{self, Admin, Change, Goal};
use crate::workspace::Workspace;

pub fn path(ws: &Workspace) -> std::path::PathBuf {
    ws.path(account_history::FILE)
}

/// The life of every account so far.
#[derive(Debug, Default)]
pub struct Histories {
    pub by_account: HashMap<String, Vec<Change>>,
}

impl Histories {
    pub fn read(ws: &Workspace) -> Result<Histories> {
        let mut by_account: HashMap<String, Vec<Change>> = HashMap::new();
        for c in account_history::read_all(&path(ws))? {
            by_account.entry(c.account.clone()).or_default().push(c);
        }
        Ok(Histories { by_account })
    }

    pub fn of(&self, id: &str) -> &[Change] {
        self.by_account.get(id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The account's status: its last change, or `active` for an account registered
    /// without an application (the inventory of accounts that already exist).
    pub fn status(&self, id: &str) -> Status {
        self.of(id)
            .last()
            .map(|c| c.status)
            .unwrap_or(Status::Active)
    }

    /// When the account reached `status` last (RFC 3339), if it did.
    pub fn when(&self, id: &str, status: Status) -> Option<&str> {
        self.of(id)
            .iter()
            .rev()
            .find(|c| c.status == status)
            .map(|c| c.at.as_str())
    }

    /// The account's goals and administrators as last recorded.
    pub fn goals_and_admins(&self, id: &str) -> (Vec<Goal>, Vec<Admin>) {
        let h = self.of(id);
        let goals = h
            .iter()
            .rev()
            .find(|c| !c.goals.is_empty())
            .map(|c| c.goals.clone())
            .unwrap_or_default();
        let admins = h
            .iter()
            .rev()
            .find(|c| !c.admins.is_empty())
            .map(|c| c.admins.clone())
            .unwrap_or_default();
        (goals, admins)
    }
}

/// Refuses a change the life does not allow, naming the account's status.
pub fn check_transition(id: &str, from: Status, to: Status) -> Result<()> {
    if from.may_become(to) {
        return Ok(());
    }
    Err(Error::input(t(
        &format!(
            "kontot '{id}' är {} och kan inte bli {} (livscykeln: ansökt → beviljat → i bruk → avvecklat, eller ansökt → avslaget)",
            from.label(),
            to.label()
        ),
        &format!(
            "the account '{id}' is {} and cannot become {} (the life: applied → approved → active → closed, or applied → rejected)",
            from.label(),
            to.label()
        ),
    ))
    .field("status"))
}

/// Appends a change after checking it against the account's current status.
pub fn record(ws: &Workspace, change: &Change) -> Result<()> {
    let h = Histories::read(ws)?;
    let from = h.status(&change.account);
    if h.of(&change.account).is_empty() && change.status == Status::Applied {
        return account_history::append(&path(ws), change);
    }
    check_transition(&change.account, from, change.status)?;
    account_history::append(&path(ws), change)
}
