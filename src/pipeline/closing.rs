//! Closing an account as a pipeline kind: questionnaire `closing` (Nyköping's checklist),
//! rules [`crate::lifecycle::closing::close`], record `templates/account_closing.*.hbs`, the
//! `closed` row in `account_history.csv` and a `closed` row in `actions.csv` for each of the
//! account's open actions.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use super::{Appended, Case, Kind, RecordSpec, Source, Written};
use crate::error::{Error, Result};
use crate::i18n::t;
use crate::lifecycle::actions::ActionState;
use crate::lifecycle::closing::{self, Closing};
use crate::lifecycle::follow_up::Snapshot;
use crate::lifecycle::history;
use crate::lifecycle::steps::{check_closable, signer_name};
use crate::lifecycle::Status;
use crate::questionnaire::Questionnaire;
use crate::registers::account_history::Change;
use crate::workspace::Workspace;

/// Close the account `account`.
#[derive(Debug, Clone)]
pub struct AccountClosing {
    pub account: String,
    /// Check the workspace (the account exists and may be closed) and close its open
    /// actions; false: the checklist alone (what `rerun` does).
    pub in_workspace: bool,
}

impl AccountClosing {
    /// The closing `account close ID` runs: refuses an account that does not exist or may
    /// not be closed (before any question is asked).
    pub fn new(ws: &Workspace, account: &str) -> Result<AccountClosing> {
        check_closable(ws, account)?;
        Ok(AccountClosing {
            account: account.to_string(),
            in_workspace: true,
        })
    }

    /// Today's rules on a closing's answers alone (`rerun`).
    pub fn rerun(account: &str) -> AccountClosing {
        AccountClosing {
            account: account.to_string(),
            in_workspace: false,
        }
    }
}

/// The checklist as answered, with the text and file its refusals name.
pub struct Checklist {
    pub answers: closing::Answers,
    text: String,
    file: PathBuf,
    /// The account's owner unit, as registered (empty for `rerun`).
    owner_unit: String,
}

/// The closing and the open actions it closes.
#[derive(Debug, Clone, Serialize)]
pub struct Closed {
    #[serde(flatten)]
    pub closing: Closing,
    /// The ids of the actions closed with the account (None: not looked up, `rerun`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_actions: Option<Vec<String>>,
    #[serde(skip)]
    pub open: Vec<ActionState>,
}

impl Kind for AccountClosing {
    type Answers = Checklist;
    type Outcome = Closed;

    fn questionnaire(&self) -> Option<&'static str> {
        Some("closing")
    }

    fn typed(
        &self,
        ws: Option<&Workspace>,
        answers: &Value,
        source: Source,
        _notes: &mut Vec<String>,
    ) -> Result<Checklist> {
        let file = source.file.unwrap_or(Path::new("answers"));
        let owner_unit = match ws.filter(|_| self.in_workspace) {
            // Again under the lock: a parallel run may have closed it.
            Some(ws) => check_closable(ws, &self.account)?.owner,
            None => String::new(),
        };
        let typed: closing::Answers = serde_json::from_value(answers.clone())
            .map_err(|e| Error::input(e.to_string()).in_file(file))?;
        Ok(Checklist {
            answers: typed,
            text: source.text.to_string(),
            file: file.to_path_buf(),
            owner_unit,
        })
    }

    /// The checklist's rule, then the account's open actions (closed with it).
    fn decide(&self, ws: Option<&Workspace>, c: &Checklist) -> Result<Closed> {
        let closing = closing::close(&self.account, &c.answers, &c.text, &c.file)?;
        let Some(ws) = ws.filter(|_| self.in_workspace) else {
            return Ok(Closed {
                closing,
                closed_actions: None,
                open: Vec::new(),
            });
        };
        let open: Vec<ActionState> = Snapshot::read(ws)?
            .actions
            .into_iter()
            .filter(|a| a.account == self.account && a.is_open())
            .collect();
        Ok(Closed {
            closing,
            closed_actions: Some(open.iter().map(|a| a.id.clone()).collect()),
            open,
        })
    }

    /// The history register's lock, from the status's check to the `closed` row.
    fn lock(&self, ws: &Workspace) -> Result<Option<std::fs::File>> {
        crate::registers::account_history::lock(&ws.root).map(Some)
    }

    fn answers_path(&self, ws: &Workspace, _id: Option<&str>) -> Option<PathBuf> {
        Some(
            ws.answers_dir("close")
                .join(format!("{}.toml", self.account)),
        )
    }

    fn record(
        &self,
        ws: &Workspace,
        q: &Questionnaire,
        case: &Case<Checklist, Closed>,
    ) -> Result<RecordSpec> {
        let now = crate::clock::now();
        let id = &self.account;
        let c = case.outcome;
        Ok(RecordSpec {
            template: "account_closing",
            data: crate::records::account_life::closing(
                ws,
                q,
                case.answers,
                &case.typed.owner_unit,
                &c.closing,
                &c.open,
                &now,
            ),
            title: format!("{} – {id}", t("Avveckling av konto", "Closing of account")),
            reason: t(
                "Avveckling av konto i sociala medier",
                "Closing of a social media account",
            ),
            stem: format!("avveckling-{id}-{}", now.format("%Y%m%d")),
            dated: false,
        })
    }

    /// The `closed` row, and a `closed` row for each open action.
    fn append(
        &self,
        ws: &Workspace,
        case: &Case<Checklist, Closed>,
        record: &Path,
    ) -> Result<Appended> {
        let now = crate::clock::now().to_rfc3339();
        let by = signer_name(ws);
        history::record(
            ws,
            &Change {
                line: 0,
                at: now.clone(),
                account: self.account.clone(),
                status: Status::Closed,
                by: by.clone(),
                reason: case.outcome.closing.reason.clone(),
                record: record.display().to_string(),
                goals: Vec::new(),
                admins: Vec::new(),
            },
        )?;
        let rows: Vec<_> = case
            .outcome
            .open
            .iter()
            .map(|a| {
                crate::lifecycle::actions::event_row(
                    a,
                    crate::registers::actions::Event::Closed,
                    &now,
                    &by,
                    &t("kontot är avvecklat", "the account is closed"),
                    &a.owner,
                )
            })
            .collect();
        crate::registers::actions::append(&ws.path(crate::registers::actions::FILE), &rows)?;
        Ok(Appended::default())
    }

    fn json(&self, outcome: &Closed, _id: Option<&str>, written: &Written) -> Value {
        super::application::with_record(serde_json::to_value(outcome).expect("serialises"), written)
    }
}
