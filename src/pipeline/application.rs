//! The application for a new account as a pipeline kind: questionnaire `application`, rules
//! [`crate::lifecycle::application::evaluate`], record `templates/application.*.hbs`, the
//! account added to `accounts.csv` and its `applied` row in `account_history.csv`.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::{Appended, Case, Kind, RecordSpec, Source, Written};
use crate::error::{Error, Result};
use crate::i18n::t;
use crate::lifecycle::application::{self, Answers, Application};
use crate::lifecycle::history;
use crate::lifecycle::steps::{check_new_id, signer_name};
use crate::lifecycle::Status;
use crate::questionnaire::Questionnaire;
use crate::registers::account_history::Change;
use crate::registers::accounts::{self, Account};
use crate::workspace::Workspace;

/// Apply for the new account `account`.
#[derive(Debug, Clone)]
pub struct AccountApplication {
    pub account: String,
    /// Check the answers against the workspace (the id is new, the platform known, the
    /// owner one of the organisation's); false: the rules alone (what `rerun` does).
    pub in_workspace: bool,
}

impl AccountApplication {
    /// The application `account apply ID` runs: refuses an id that is not a slug or is
    /// already in the register (before any question is asked).
    pub fn new(ws: &Workspace, account: &str) -> Result<AccountApplication> {
        check_new_id(ws, account)?;
        Ok(AccountApplication {
            account: account.to_string(),
            in_workspace: true,
        })
    }

    /// Today's rules on an application's answers alone (`rerun`).
    pub fn rerun(account: &str) -> AccountApplication {
        AccountApplication {
            account: account.to_string(),
            in_workspace: false,
        }
    }
}

impl Kind for AccountApplication {
    type Answers = Answers;
    type Outcome = Application;

    fn questionnaire(&self) -> Option<&'static str> {
        Some("application")
    }

    fn typed(
        &self,
        ws: Option<&Workspace>,
        answers: &Value,
        source: Source,
        _notes: &mut Vec<String>,
    ) -> Result<Answers> {
        let file = source.file.unwrap_or(Path::new("answers"));
        let ws = ws.filter(|_| self.in_workspace);
        if let Some(ws) = ws {
            // Again under the lock: a parallel application may have taken the id.
            check_new_id(ws, &self.account)?;
        }
        let typed: Answers = serde_json::from_value(answers.clone())
            .map_err(|e| Error::input(e.to_string()).in_file(file))?;
        application::check(&typed, source.text, file)?;
        if let Some(ws) = ws {
            accounts::check_platform(&typed.account.platform).map_err(|e| {
                let e = e.in_file(file).field("account.platform");
                match application::key_line(source.text, "account.platform") {
                    Some(n) => e.at_line(n),
                    None => e,
                }
            })?;
            check_owner(ws, &typed.account.owner_unit, source.text, file)?;
        }
        Ok(typed)
    }

    fn decide(&self, _ws: Option<&Workspace>, answers: &Answers) -> Result<Application> {
        Ok(application::evaluate(&self.account, answers))
    }

    /// The history register's lock, from the id's check to the `applied` row.
    fn lock(&self, ws: &Workspace) -> Result<Option<std::fs::File>> {
        crate::registers::account_history::lock(&ws.root).map(Some)
    }

    fn answers_path(&self, ws: &Workspace, _id: Option<&str>) -> Option<PathBuf> {
        Some(
            ws.answers_dir("apply")
                .join(format!("{}.toml", self.account)),
        )
    }

    fn record(
        &self,
        ws: &Workspace,
        q: &Questionnaire,
        case: &Case<Answers, Application>,
    ) -> Result<RecordSpec> {
        let now = crate::clock::now();
        let id = &self.account;
        Ok(RecordSpec {
            template: "application",
            data: crate::records::account_life::application(ws, q, case.outcome, &now),
            title: format!("{} – {id}", t("Ansökan om konto", "Account application")),
            reason: t(
                "Ansökan om konto i sociala medier",
                "Application for a social media account",
            ),
            stem: format!("ansokan-{id}-{}", now.format("%Y%m%d")),
            dated: false,
        })
    }

    /// The account in `accounts.csv`, its `applied` row in the history.
    fn append(
        &self,
        ws: &Workspace,
        case: &Case<Answers, Application>,
        record: &Path,
    ) -> Result<Appended> {
        let (r, now) = (case.outcome, crate::clock::now());
        accounts::add(
            &ws.accounts_csv(),
            &Account {
                id: self.account.clone(),
                platform: r.platform.clone(),
                owner: r.owner_unit.clone(),
                name: r.name.clone(),
                url: r.url.clone(),
                responsible: r.responsible.clone(),
                admins: Some(application::distinct_admins(&r.admins) as u32),
                purpose: r.purpose.clone(),
                added_at: now.to_rfc3339(),
            },
        )?;
        history::record(
            ws,
            &Change {
                line: 0,
                at: now.to_rfc3339(),
                account: self.account.clone(),
                status: Status::Applied,
                by: signer_name(ws),
                reason: t("ansökan om nytt konto", "application for a new account"),
                record: record.display().to_string(),
                goals: r.goals.clone(),
                admins: r.admins.clone(),
            },
        )?;
        Ok(Appended::default())
    }

    fn json(&self, outcome: &Application, _id: Option<&str>, written: &Written) -> Value {
        with_record(serde_json::to_value(outcome).expect("serialises"), written)
    }
}

/// The `--json` object of an account-life record: the result with `record` once written.
pub(super) fn with_record(mut v: Value, written: &Written) -> Value {
    if let Some(path) = &written.record {
        v["record"] = json!(path.display().to_string());
    }
    v
}

/// DOMAIN A6: the owner is one of the organisation's committees or companies (an empty
/// list accepts any name).
fn check_owner(ws: &Workspace, owner: &str, text: &str, path: &Path) -> Result<()> {
    let org = &ws.config.organisation;
    let known: Vec<&String> = org.committees.iter().chain(&org.companies).collect();
    if known.is_empty() || known.iter().any(|k| k.as_str() == owner) {
        return Ok(());
    }
    let list = known
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let mut e = Error::input(t(
        &format!("'{owner}' är ingen av organisationens nämnder eller bolag i dataskydd.toml ({list})"),
        &format!("'{owner}' is none of the organisation's committees or companies in dataskydd.toml ({list})"),
    ))
    .in_file(path)
    .field("account.owner_unit");
    if let Some(n) = application::key_line(text, "account.owner_unit") {
        e = e.at_line(n);
    }
    Err(e)
}
