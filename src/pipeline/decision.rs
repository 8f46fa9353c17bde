//! The decision on an application as a pipeline kind. It has no questionnaire: its answers
//! are the command's options (`--approve`/`--reject`, `--reason`, see
//! [`AccountDecision::answers`]), and who decides signs: each of the kind's signers in turn
//! (`[account_life] decision_signatures` says how many are needed). Rules
//! [`crate::lifecycle::decision::decide`], record `templates/account_decision.*.hbs`, the
//! `approved` or `rejected` row in `account_history.csv`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use serde_json::{json, Value};

use super::{Answers, Appended, Case, Kind, RecordSpec, Source, Written};
use crate::error::{Error, Result};
use crate::i18n::t;
use crate::lifecycle::decision::{self, Decider, Decision, Verdict};
use crate::lifecycle::history::{self, Histories};
use crate::lifecycle::steps::{find_account, unknown_account};
use crate::lifecycle::Status;
use crate::questionnaire::Questionnaire;
use crate::registers::account_history::Change;
use crate::signing::DigestSigner;
use crate::workspace::Workspace;

/// Decide on the application for `account`, signed by `signers`.
pub struct AccountDecision {
    pub account: String,
    pub signers: Vec<Arc<dyn DigestSigner>>,
}

/// What is decided: the command's options.
#[derive(Debug, Clone, Deserialize)]
pub struct Given {
    pub decision: Verdict,
    pub reason: String,
}

impl AccountDecision {
    /// The decision `account decide ID` takes, signed by the keys named (none: the
    /// workspace's signer for this run).
    pub fn new(ws: &Workspace, account: &str, names: &[String]) -> Result<AccountDecision> {
        let signers = if names.is_empty() {
            vec![crate::signing::keystore::cached_signer(ws)?]
        } else {
            names
                .iter()
                .map(|n| crate::signing::keystore::named_signer(ws, n))
                .collect::<Result<Vec<_>>>()?
        };
        Ok(AccountDecision {
            account: account.to_string(),
            signers,
        })
    }

    /// The decision's answers: the verdict and its reasons.
    pub fn answers(verdict: Verdict, reason: &str) -> Answers {
        Answers::Value(json!({ "decision": verdict, "reason": reason }))
    }
}

impl Kind for AccountDecision {
    type Answers = Given;
    type Outcome = Decision;

    fn questionnaire(&self) -> Option<&'static str> {
        None
    }

    fn typed(
        &self,
        _ws: Option<&Workspace>,
        answers: &Value,
        _source: Source,
        _notes: &mut Vec<String>,
    ) -> Result<Given> {
        serde_json::from_value(answers.clone()).map_err(|e| Error::input(e.to_string()))
    }

    /// Reads the account and its application from the registers (the change must be one
    /// the life allows), then decides.
    fn decide(&self, ws: Option<&Workspace>, given: &Given) -> Result<Decision> {
        let ws =
            ws.ok_or_else(|| Error::Usage("internal: a decision needs its workspace".into()))?;
        let id = self.account.as_str();
        let account = find_account(ws, id)?;
        let h = Histories::read(ws)?;
        history::check_transition(id, h.status(id), given.decision.status())
            .map_err(|e| e.in_file(&history::path(ws)))?;
        let applied = h
            .of(id)
            .iter()
            .rev()
            .find(|c| c.status == Status::Applied)
            .cloned()
            .ok_or_else(|| unknown_account(ws, id))?;
        let deciders: Vec<Decider> = self
            .signers
            .iter()
            .map(|s| Decider {
                name: s.name().to_string(),
                role: s.role().to_string(),
            })
            .collect();
        decision::decide(
            &decision::Case {
                account: id,
                owner_unit: &account.owner,
                responsible: &account.responsible,
                application_record: &applied.record,
                goals: &applied.goals,
                admins: &applied.admins,
                application_outcomes: &[],
            },
            given.decision,
            &given.reason,
            &deciders,
            &ws.config.account_life,
        )
    }

    /// The history register's lock, from reading the account's status to its new row.
    fn lock(&self, ws: &Workspace) -> Result<Option<std::fs::File>> {
        crate::registers::account_history::lock(&ws.root).map(Some)
    }

    fn answers_path(&self, _ws: &Workspace, _id: Option<&str>) -> Option<PathBuf> {
        None
    }

    fn signers(&self, _ws: &Workspace) -> Result<Vec<Arc<dyn DigestSigner>>> {
        Ok(self.signers.clone())
    }

    fn record(
        &self,
        ws: &Workspace,
        _q: &Questionnaire,
        case: &Case<Given, Decision>,
    ) -> Result<RecordSpec> {
        let now = crate::clock::now();
        let id = &self.account;
        Ok(RecordSpec {
            template: "account_decision",
            data: crate::records::account_life::decision(ws, case.outcome, &now),
            title: format!("{} – {id}", t("Beslut om konto", "Account decision")),
            reason: if case.outcome.decision == Verdict::Approve {
                t(
                    "Beslut: kontot beviljas",
                    "Decision: the account is approved",
                )
            } else {
                t(
                    "Beslut: ansökan avslås",
                    "Decision: the application is rejected",
                )
            },
            stem: format!("beslut-{id}-{}", now.format("%Y%m%d")),
            dated: false,
        })
    }

    /// The `approved` or `rejected` row, by the deciders.
    fn append(
        &self,
        ws: &Workspace,
        case: &Case<Given, Decision>,
        record: &Path,
    ) -> Result<Appended> {
        let r = case.outcome;
        history::record(
            ws,
            &Change {
                line: 0,
                at: crate::clock::now().to_rfc3339(),
                account: self.account.clone(),
                status: r.status,
                by: r
                    .decided_by
                    .iter()
                    .map(|d| d.name.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                reason: r.reason.clone(),
                record: record.display().to_string(),
                goals: r.goals.clone(),
                admins: r.admins.clone(),
            },
        )?;
        Ok(Appended::default())
    }

    fn json(&self, outcome: &Decision, _id: Option<&str>, written: &Written) -> Value {
        super::application::with_record(serde_json::to_value(outcome).expect("serialises"), written)
    }
}
