//! What the account's life records say: the application (`templates/application.*.hbs`),
//! the decision on it (`account_decision`) and the closing (`account_closing`).

use chrono::{DateTime, FixedOffset};
use serde_json::{json, Value};

use crate::finding::{Finding, Level};
use crate::i18n::t;
use crate::lifecycle::actions::ActionState;
use crate::lifecycle::application::Application;
use crate::lifecycle::closing::Closing;
use crate::lifecycle::decision::{Decision, Verdict};
use crate::questionnaire::Questionnaire;
use crate::workspace::Workspace;

fn yes_no(b: bool) -> String {
    if b {
        t("ja", "yes")
    } else {
        t("nej", "no")
    }
}

fn findings(f: &[Finding]) -> Vec<Value> {
    f.iter()
        .map(|f| {
            json!({"code": f.code, "text": f.text, "sources": f.sources.join("; "),
                   "because": f.because.join(", "), "unsettled": f.unsettled})
        })
        .collect()
}

/// The label of a choice answer (an enum serialised to its code).
fn label(q: &Questionnaire, key: &str, choice: impl serde::Serialize) -> String {
    let code = serde_json::to_value(choice).expect("enum");
    q.question(key)
        .map(|x| x.label(code.as_str().unwrap_or_default()))
        .unwrap_or_default()
}

/// The application's data.
pub fn application(
    ws: &Workspace,
    q: &Questionnaire,
    r: &Application,
    now: &DateTime<FixedOffset>,
) -> Value {
    json!({
        "org": ws.config.organisation.name,
        "account": r.account,
        "name": r.name,
        "platform": r.platform,
        "url": if r.url.is_empty() { "–".to_string() } else { r.url.clone() },
        "owner_unit": r.owner_unit,
        "responsible": r.responsible,
        "date": now.format("%Y-%m-%d").to_string(),
        "questionnaire_version": q.version,
        "purpose": r.purpose,
        "task_basis": if r.task_basis.is_empty() { t("inte angiven", "not stated") } else { r.task_basis.clone() },
        "audience": r.audience,
        "goals": r.goals,
        "admins": r.admins,
        "monitoring_by": r.monitoring.by,
        "monitoring_frequency": label(q, "monitoring.frequency", r.monitoring.frequency),
        "weekends": yes_no(r.monitoring.weekends),
        "response_hours": r.monitoring.response_hours,
        "publishing_frequency": label(q, "publishing.frequency", r.publishing.frequency),
        "moderation": yes_no(r.moderation_routine),
        "pupils": yes_no(r.pupils),
        "sensitive": yes_no(r.sensitive),
        "findings": findings(&r.findings),
        "actions": r.actions.iter().map(|a| json!({"level": match a.level { Level::Must => t("SKA", "MUST"), Level::Should => t("BÖR", "SHOULD") }, "text": a.text})).collect::<Vec<_>>(),
        "has_actions": !r.actions.is_empty(),
    })
}

/// The decision's data.
pub fn decision(ws: &Workspace, r: &Decision, now: &DateTime<FixedOffset>) -> Value {
    let approved = r.decision == Verdict::Approve;
    json!({
        "org": ws.config.organisation.name,
        "account": r.account,
        "owner_unit": r.owner_unit,
        "verdict": if approved { t("beviljat", "approved") } else { t("avslaget", "rejected") },
        "date": now.format("%Y-%m-%d").to_string(),
        "deciders": r.decided_by.iter().map(|d| format!("{} ({})", d.name, d.role)).collect::<Vec<_>>().join("; "),
        "signatures_required": r.signatures_required,
        "application_record": std::path::Path::new(&r.application_record).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        "reason": r.reason,
        "findings": findings(&r.findings),
        "approved": approved,
        "responsible": r.responsible,
        "goals": r.goals,
        "admins": r.admins,
    })
}

/// The closing's data: the checklist as answered and the open actions it closes.
pub fn closing(
    ws: &Workspace,
    q: &Questionnaire,
    answers: &Value,
    owner_unit: &str,
    r: &Closing,
    closed: &[ActionState],
    now: &DateTime<FixedOffset>,
) -> Value {
    json!({
        "org": ws.config.organisation.name,
        "account": r.account,
        "owner_unit": owner_unit,
        "date": now.format("%Y-%m-%d").to_string(),
        "signer": crate::signing::keystore::signer_summary(ws),
        "reason": r.reason,
        "checklist": q.summary(answers).into_iter().skip(1).map(|(question, answer)| json!({"question": question, "answer": answer})).collect::<Vec<_>>(),
        "findings": findings(&r.findings),
        "closed_actions": closed.iter().map(|a| json!({"id": a.id, "code": a.code, "text": a.text})).collect::<Vec<_>>(),
    })
}
