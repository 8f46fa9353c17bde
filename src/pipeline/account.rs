//! The account assessment as a pipeline kind: questionnaire `account`, rules
//! [`crate::assessment::account::assess`], record `templates/assessment.*.hbs`, one row in
//! `assessments.csv`.

use std::path::PathBuf;

use serde_json::{json, Value};

use super::{Case, Kind, RecordSpec, Source, Written};
use crate::assessment::account::{self, Answers, Assessment};
use crate::error::{Error, Result};
use crate::finding::Level;
use crate::i18n::t;
use crate::questionnaire::Questionnaire;
use crate::registers::{accounts, assessments};
use crate::workspace::Workspace;

/// Assess the account `account` (its id in `accounts.csv`).
#[derive(Debug, Clone)]
pub struct AccountAssessment {
    pub account: String,
    /// The account as registered, to note a platform that differs from the answers'.
    pub registered: Option<accounts::Account>,
}

impl AccountAssessment {
    pub fn new(account: &str) -> AccountAssessment {
        AccountAssessment {
            account: account.to_string(),
            registered: None,
        }
    }

    /// The assessment of an account that must be in the register (what `assess ID` runs).
    pub fn registered(ws: &Workspace, account: &str) -> Result<AccountAssessment> {
        accounts::check_id(account).map_err(|e| e.field("ACCOUNT"))?;
        let reg = accounts::find(&ws.accounts_csv(), account)
            .map_err(|e| e.in_file(&ws.accounts_csv()))?;
        Ok(AccountAssessment {
            account: account.to_string(),
            registered: Some(reg),
        })
    }
}

/// Where an account's answers are kept: `answers/assess/ACCOUNT.toml`.
pub fn saved_path(ws: &Workspace, id: &str) -> PathBuf {
    ws.answers_dir("assess").join(format!("{id}.toml"))
}

impl Kind for AccountAssessment {
    type Answers = Answers;
    type Outcome = Assessment;

    fn questionnaire(&self) -> &'static str {
        "account"
    }

    fn typed(
        &self,
        _ws: Option<&Workspace>,
        answers: &Value,
        source: Source,
        notes: &mut Vec<String>,
    ) -> Result<Answers> {
        let typed: Answers = serde_json::from_value(answers.clone())
            .map_err(|e| source.in_file(Error::input(e.to_string())))?;
        if let Some(reg) = &self.registered {
            if typed.account.platform != reg.platform {
                notes.push(t(
                    &format!(
                        "Obs: svaren anger plattformen {}, registret {}.",
                        typed.account.platform, reg.platform
                    ),
                    &format!(
                        "Note: the answers give platform {}, the register {}.",
                        typed.account.platform, reg.platform
                    ),
                ));
            }
        }
        Ok(typed)
    }

    fn decide(&self, _ws: Option<&Workspace>, answers: &Answers) -> Result<Assessment> {
        Ok(account::assess(&self.account, answers))
    }

    /// Held shared from writing the record to logging it (see [`super::batch::recover`]).
    fn lock(&self, ws: &Workspace) -> Result<Option<std::fs::File>> {
        super::batch::assessments_lock(ws, false).map(Some)
    }

    fn answers_path(&self, ws: &Workspace, _id: Option<&str>) -> Option<PathBuf> {
        Some(saved_path(ws, &self.account))
    }

    fn record(
        &self,
        ws: &Workspace,
        q: &Questionnaire,
        case: &Case<Answers, Assessment>,
    ) -> Result<RecordSpec> {
        let now = crate::clock::now();
        let outcome = case.outcome;
        Ok(RecordSpec {
            template: "assessment",
            data: crate::records::assessment::document_data(ws, q, outcome, case.text, &now),
            title: format!(
                "{} – {}",
                t("Dataskyddsbedömning", "Data protection assessment"),
                outcome.account
            ),
            reason: t("Dataskyddsbedömning", "Data protection assessment"),
            stem: format!("bedomning-{}", outcome.account),
            dated: true,
        })
    }

    fn append(&self, ws: &Workspace, case: &Case<Answers, Assessment>, record: &str) -> Result<()> {
        let entry = entry(case.outcome, record, &crate::clock::now().to_rfc3339());
        assessments::append_all(&ws.path("assessments.csv"), std::slice::from_ref(&entry))
    }

    fn json(&self, outcome: &Assessment, _id: Option<&str>, written: &Written) -> Value {
        let mut out = serde_json::to_value(outcome).expect("serialises");
        if let Some(path) = &written.record {
            out["record"] = json!(path.display().to_string());
        }
        out
    }
}

/// The `assessments.csv` row of an assessment written to `record`.
pub fn entry(r: &Assessment, record: &str, assessed_at: &str) -> assessments::Entry {
    let count = |level: Level| r.actions.iter().filter(|x| x.level == level).count();
    assessments::Entry {
        assessed_at: assessed_at.to_string(),
        account: r.account.clone(),
        controller: r.controller.clone().unwrap_or_default(),
        exposure: r.exposure.clone(),
        must_actions: count(Level::Must),
        should_actions: count(Level::Should),
        outcomes: r.outcomes.clone(),
        record: record.to_string(),
        rules_version: r.rules_version.to_string(),
    }
}
