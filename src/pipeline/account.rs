//! The account assessment as a pipeline kind: questionnaire `account`, rules
//! [`crate::assessment::account::assess`], record `templates/assessment.*.hbs`, one row in
//! `assessments.csv`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

use super::{Appended, Case, Kind, RecordSpec, Source, Written};
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
    /// A6: refuse an `owner_unit` that is not among the organisation's committees and
    /// companies (what `assess ID` does unless `--allow-unknown-owner`).
    pub check_owner: bool,
    /// Assess in the workspace's context (organisation, committees, DPO, retention, the
    /// register's admins); false: the legal baseline alone (what `rerun` does).
    pub in_context: bool,
    /// What the account-life step has read, shared by the accounts of a batch.
    pub life: Arc<Mutex<crate::lifecycle::hooks::Memo>>,
    /// The register step's group commit, shared by the accounts of a batch.
    pub commits: Arc<Commits>,
}

/// One assessment's register rows waiting for the group commit.
#[derive(Debug)]
pub struct Pending {
    entry: assessments::Entry,
    life: crate::lifecycle::hooks::Assessed,
}

/// The group commit of the register step: the assessment rows and the account-life
/// changes of several assessments, appended together (see [`crate::registers::group`]).
pub type Commits = crate::registers::group::Group<Pending, crate::lifecycle::actions::Sync>;

impl AccountAssessment {
    pub fn new(account: &str) -> AccountAssessment {
        AccountAssessment {
            account: account.to_string(),
            registered: None,
            check_owner: false,
            in_context: true,
            life: Arc::default(),
            commits: Arc::default(),
        }
    }

    /// The assessment of an account already read from the register (a batch reads the
    /// register once, not once per account: that scan grew with the city).
    pub fn of(account: &accounts::Account) -> AccountAssessment {
        AccountAssessment {
            registered: Some(account.clone()),
            ..AccountAssessment::new(&account.id)
        }
    }

    /// Today's rules on the answers alone, without the workspace's context (the legal
    /// baseline; `rerun` uses the workspace's context when it runs in one).
    pub fn rerun(account: &str) -> AccountAssessment {
        AccountAssessment {
            in_context: false,
            ..AccountAssessment::new(account)
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
            check_owner: true,
            in_context: true,
            life: Arc::default(),
            commits: Arc::default(),
        })
    }
}

/// Where an account's answers are kept: `answers/assess/ACCOUNT.toml`.
pub fn saved_path(ws: &Workspace, id: &str) -> PathBuf {
    ws.answers_dir("assess").join(format!("{id}.toml"))
}

/// The template of the record.
const TEMPLATE: &str = "assessment";

impl Kind for AccountAssessment {
    type Answers = Answers;
    type Outcome = Assessment;

    fn questionnaire(&self) -> Option<&'static str> {
        Some("account")
    }

    fn template(&self) -> Option<&'static str> {
        Some(TEMPLATE)
    }

    fn typed(
        &self,
        ws: Option<&Workspace>,
        answers: &Value,
        source: Source,
        notes: &mut Vec<String>,
    ) -> Result<Answers> {
        if let (true, Some(ws)) = (self.check_owner, ws) {
            check_owner(ws, source)?;
        }
        let typed: Answers = serde_json::from_value(answers.clone())
            .map_err(|e| source.in_file(Error::input(e.to_string())))?;
        if let Some(reg) = &self.registered {
            if typed.account.platform.id() != reg.platform {
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
        if let Err(bad) = typed.check_countries() {
            return Err(country_error(&bad, source));
        }
        Ok(typed)
    }

    fn decide(&self, ws: Option<&Workspace>, answers: &Answers) -> Result<Assessment> {
        let Some(ws) = ws.filter(|_| self.in_context) else {
            return Ok(account::assess(&self.account, answers));
        };
        let looked_up;
        let registered = match &self.registered {
            Some(r) => Some(r),
            None => {
                looked_up = accounts::find(&ws.accounts_csv(), &self.account).ok();
                looked_up.as_ref()
            }
        };
        let cx = account::Context::of(ws, answers.account.platform, registered);
        Ok(account::assess_in(&self.account, answers, &cx))
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
            template: TEMPLATE,
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

    /// The `assessments.csv` row, then the account's life: the assessment's must and should
    /// become the account's actions (those it no longer finds are resolved) and an approved
    /// account becomes active ([`crate::lifecycle::hooks`]).
    fn append(
        &self,
        ws: &Workspace,
        case: &Case<Answers, Assessment>,
        record: &Path,
    ) -> Result<Appended> {
        let record = ws.relative(record);
        let pending = Pending {
            entry: entry(case.outcome, &record, &crate::clock::now().to_rfc3339()),
            life: crate::lifecycle::hooks::Assessed {
                account: self.account.clone(),
                found: case.outcome.actions.clone(),
                record,
                owner: self
                    .registered
                    .as_ref()
                    .map(crate::lifecycle::hooks::action_owner),
            },
        };
        // The assessment's row first, then its actions: as before, one group at a time.
        let sync = self.commits.submit(pending, |group| {
            let (entries, lives): (Vec<_>, Vec<_>) =
                group.into_iter().map(|p| (p.entry, p.life)).unzip();
            assessments::append_all(&ws.path("assessments.csv"), &entries)?;
            crate::lifecycle::hooks::after_assessments(ws, &self.life, &lives)
        })?;
        let ids = |v: &[crate::registers::actions::Row]| -> Vec<String> {
            v.iter().map(|r| r.action.clone()).collect()
        };
        let mut json = serde_json::Map::new();
        json.insert("actions_opened".into(), json!(ids(&sync.opened)));
        json.insert("actions_resolved".into(), json!(ids(&sync.resolved)));
        Ok(Appended {
            json,
            changes: crate::lifecycle::hooks::describe(&sync),
        })
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

/// A3: "Kanada" is refused with "CA", naming file, line and key.
fn country_error(bad: &account::BadCountry, source: Source) -> Error {
    let hint = if bad.suggestions.is_empty() {
        String::new()
    } else {
        t(
            &format!(" Menade du {}?", bad.suggestions.join(" eller ")),
            &format!(" Did you mean {}?", bad.suggestions.join(" or ")),
        )
    };
    let mut e = source
        .in_file(Error::input(t(
            &format!(
            "'{}' är ingen landskod enligt ISO 3166-1 alpha-2 (två bokstäver, t.ex. SE, US).{hint}",
            bad.value
        ),
            &format!(
                "'{}' is not an ISO 3166-1 alpha-2 country code (two letters, e.g. SE, US).{hint}",
                bad.value
            ),
        )))
        .field(&bad.key);
    let needle = format!("\"{}\"", bad.value);
    if let (Some(off), Some(_)) = (source.text.find(&needle), source.file) {
        e = e.at_line(crate::workspace::line_of(source.text, off));
    }
    e
}

/// A6: refuses an `owner_unit` that is not among the organisation's committees or companies,
/// naming the closest ("menade du …?"), unless the lists are empty.
fn check_owner(ws: &Workspace, source: Source) -> Result<()> {
    let text = source.text;
    let Ok(doc) = toml_edit::ImDocument::parse(text) else {
        return Ok(()); // the questionnaire reports the syntax error
    };
    let Some(item) = doc.get("account").and_then(|a| a.get("owner_unit")) else {
        return Ok(());
    };
    let owner = item.as_str().unwrap_or_default();
    let cx = account::Context {
        committees: ws.config.organisation.committees.clone(),
        companies: ws.config.organisation.companies.clone(),
        ..Default::default()
    };
    let Err(near) = cx.check_owner(owner) else {
        return Ok(());
    };
    let hint = if near.is_empty() {
        String::new()
    } else {
        t(
            &format!(" Menade du {}?", near.join(" eller ")),
            &format!(" Did you mean {}?", near.join(" or ")),
        )
    };
    let mut e = source.in_file(Error::input(t(
        &format!("'{owner}' finns inte bland organisationens nämnder och bolag i dataskydd.toml.{hint} Lägg till den med `dataskydd org add-committee NAMN` (eller add-company), eller kör med --allow-unknown-owner."),
        &format!("'{owner}' is not among the organisation's committees and companies in dataskydd.toml.{hint} Add it with `dataskydd org add-committee NAME` (or add-company), or run with --allow-unknown-owner."),
    )))
    .field("account.owner_unit");
    if let (Some(span), Some(_)) = (item.span(), source.file) {
        e = e.at_line(crate::workspace::line_of(text, span.start));
    }
    Err(e)
}
