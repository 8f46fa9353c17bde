//! The decision on an application: approve or reject, with reasons, by whom. Pure.
//!
//! The organisation's rule (`[account_life] decision_signatures` in `dataskydd.toml`) says
//! how many people decide: Sollentuna's schools (seed 003) start an account on the decision
//! of the principal together with the education office, so a decision there carries two
//! signatures; Nyköping's business manager and communicator decide together too (seed 004, 4).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::finding::Finding;
use crate::i18n::t;
use crate::lifecycle::{Settings, Status};
use crate::registers::account_history::{Admin, Goal};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Approve,
    Reject,
}

impl Verdict {
    pub fn status(self) -> Status {
        match self {
            Verdict::Approve => Status::Approved,
            Verdict::Reject => Status::Rejected,
        }
    }
}

/// Who signs the decision, as their certificates name them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decider {
    pub name: String,
    pub role: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub kind: &'static str,
    pub account: String,
    pub decision: Verdict,
    pub status: Status,
    pub reason: String,
    pub decided_by: Vec<Decider>,
    pub signatures_required: u32,
    pub owner_unit: String,
    /// The application the decision is on (its signed record).
    pub application_record: String,
    /// What becomes the account's register data when approved.
    pub goals: Vec<Goal>,
    pub admins: Vec<Admin>,
    pub responsible: String,
    pub outcomes: Vec<String>,
    pub findings: Vec<Finding>,
}

/// What the decision is about.
pub struct Case<'a> {
    pub account: &'a str,
    pub owner_unit: &'a str,
    pub responsible: &'a str,
    pub application_record: &'a str,
    pub goals: &'a [Goal],
    pub admins: &'a [Admin],
    /// Outcome codes of the application's findings (a must left open is named).
    pub application_outcomes: &'a [String],
}

/// Decides, or refuses when the decision lacks a reason or the organisation's signatures.
pub fn decide(
    case: &Case,
    verdict: Verdict,
    reason: &str,
    deciders: &[Decider],
    settings: &Settings,
) -> Result<Decision> {
    if reason.trim().is_empty() {
        return Err(Error::input(t(
            "ett beslut behöver skäl: ange --reason TEXT",
            "a decision needs reasons: give --reason TEXT",
        ))
        .field("--reason"));
    }
    let need = settings.decision_signatures.max(1);
    let mut names: Vec<String> = deciders.iter().map(|d| d.name.to_lowercase()).collect();
    names.sort();
    names.dedup();
    if (names.len() as u32) < need {
        return Err(Error::input(t(
            &format!(
                "organisationens regel ([account_life] decision_signatures = {need} i dataskydd.toml) kräver {need} olika beslutsfattare; ange --signer NAMN för var och en (nu {})",
                names.len()
            ),
            &format!(
                "the organisation's rule ([account_life] decision_signatures = {need} in dataskydd.toml) needs {need} different deciders; give --signer NAME for each (now {})",
                names.len()
            ),
        ))
        .field("--signer"));
    }
    let mut findings = Vec::new();
    let who = deciders
        .iter()
        .map(|d| format!("{} ({})", d.name, d.role))
        .collect::<Vec<_>>()
        .join(t(" och ", " and ").as_str());
    match verdict {
        Verdict::Approve => {
            findings.push(
                Finding::new(
                    "ACCOUNT-APPROVED",
                    t(
                        &format!("{who} beviljar kontot för {}. Målen och administratörerna i ansökan blir kontots registeruppgifter; kontot följs upp och bedöms innan det tas i bruk.", case.owner_unit),
                        &format!("{who} approve the account for {}. The application's goals and administrators become the account's register data; the account is followed up and assessed before it is used.", case.owner_unit),
                    ),
                )
                .sources(&["GDPR art. 24(1)", "GDPR art. 5(2)", "KL 2017:725 6 kap. 37 §"])
                .because(&["decision", "reason"]),
            );
            if case
                .application_outcomes
                .iter()
                .any(|c| c == "BBS-MODERATION-GAP")
            {
                findings.push(
                    Finding::new(
                        "BBS-MODERATION-GAP",
                        t(
                            "Ansökan saknade en modereringsrutin: den ska finnas innan kontot tas i bruk.",
                            "The application had no moderation routine: it must exist before the account is used.",
                        ),
                    )
                    .sources(&["1998:112 4 §", "1998:112 5 §"])
                    .because(&["moderation.routine"]),
                );
            }
        }
        Verdict::Reject => findings.push(
            Finding::new(
                "ACCOUNT-REJECTED",
                t(
                    &format!("{who} avslår ansökan för {}. Kontot får inte startas; en ny ansökan prövas på nytt.", case.owner_unit),
                    &format!("{who} reject the application for {}. The account may not be started; a new application is decided afresh.", case.owner_unit),
                ),
            )
            .sources(&["KL 2017:725 6 kap. 37 §", "FL 2017:900 32 §"])
            .because(&["decision", "reason"]),
        ),
    }
    let outcomes = crate::finding::outcomes(&findings);
    let approved = verdict == Verdict::Approve;
    Ok(Decision {
        kind: "account_decision",
        account: case.account.to_string(),
        decision: verdict,
        status: verdict.status(),
        reason: reason.trim().to_string(),
        decided_by: deciders.to_vec(),
        signatures_required: need,
        owner_unit: case.owner_unit.to_string(),
        application_record: case.application_record.to_string(),
        goals: if approved {
            case.goals.to_vec()
        } else {
            Vec::new()
        },
        admins: if approved {
            case.admins.to_vec()
        } else {
            Vec::new()
        },
        responsible: case.responsible.to_string(),
        outcomes,
        findings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case() -> Case<'static> {
        Case {
            account: "skola-ig",
            owner_unit: "Barn- och utbildningsnämnden",
            responsible: "Rektor",
            application_record: "output/ansokan.pdf",
            goals: &[],
            admins: &[],
            application_outcomes: &[],
        }
    }

    fn d(n: &str) -> Decider {
        Decider {
            name: n.into(),
            role: "Rektor".into(),
        }
    }

    #[test]
    fn two_signatures_when_the_rule_says_so() {
        let s = Settings {
            decision_signatures: 2,
            ..Settings::default()
        };
        let e = decide(&case(), Verdict::Approve, "ok", &[d("A")], &s).unwrap_err();
        assert!(e.to_string().contains("--signer"), "{e}");
        let e = decide(&case(), Verdict::Approve, "ok", &[d("A"), d("a")], &s).unwrap_err();
        assert!(e.to_string().contains("decision_signatures"), "{e}");
        let r = decide(&case(), Verdict::Approve, "ok", &[d("A"), d("B")], &s).unwrap();
        assert_eq!(r.status, Status::Approved);
        assert_eq!(r.outcomes, vec!["ACCOUNT-APPROVED"]);
    }

    #[test]
    fn a_rejection_needs_reasons() {
        let s = Settings::default();
        assert!(decide(&case(), Verdict::Reject, " ", &[d("A")], &s).is_err());
        let r = decide(&case(), Verdict::Reject, "Finns redan", &[d("A")], &s).unwrap();
        assert_eq!(r.status, Status::Rejected);
        assert_eq!(r.outcomes, vec!["ACCOUNT-REJECTED"]);
        assert!(!r.findings[0].sources.is_empty());
        assert!(r.findings.iter().any(|f| f.code == "ACCOUNT-REJECTED"));
    }
}
