//! Where the web face hands finished answers to the decision journey, and the only place it
//! does. Each function calls the library the command line calls (answers → decision →
//! record → signature → file → register row); nothing here decides anything. When the one
//! pipeline of issue 15 lands, these bodies become calls into it.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::i18n::t;
use crate::workspace::Workspace;

/// What a decision produced, phrased for a page: the headline, facts in words, the findings
/// with their sources, and the signed record.
#[derive(Debug, Clone, Serialize)]
pub struct Done {
    pub headline: String,
    /// `ok` | `warn` | `stop`: how the headline is coloured (and said in words beside it).
    pub tone: &'static str,
    pub facts: Vec<(String, String)>,
    pub conditions: Vec<String>,
    pub findings: Vec<Value>,
    pub people: Vec<Value>,
    pub record: Option<String>,
    /// RFC 3339 deadline to count down to (breach notification).
    pub deadline: Option<String>,
    pub register_ref: String,
}

fn file_name(p: &Path) -> Option<String> {
    p.file_name().map(|n| n.to_string_lossy().into_owned())
}

fn findings(v: &Value) -> Vec<Value> {
    v.get("findings")
        .and_then(|f| f.as_array())
        .cloned()
        .unwrap_or_default()
}

/// `photo`: decide, sign, write and log the publication.
pub fn photo(ws: &Workspace, answers: &Value) -> Result<Done> {
    use crate::assessment::photo::Decision;
    let done = crate::pipeline::run(
        ws,
        &crate::pipeline::photo::PhotoDecision::default(),
        crate::pipeline::Answers::Value(answers.clone()),
        &crate::pipeline::Options::default(),
    )?;
    let d = &done.outcome;
    let v = serde_json::to_value(d).expect("serialisable");
    let tone = match d.decision {
        Decision::Allowed => "ok",
        Decision::AllowedWithConditions => "warn",
        Decision::NotAllowed => "stop",
    };
    // Codes in the user's words, as the records phrase them (the JSON keeps the codes).
    let labels = crate::records::labels::labels();
    let word = |x: &Value| {
        let code = x.as_str().unwrap_or_default();
        labels
            .get(code)
            .and_then(|w| w.as_str())
            .unwrap_or(code)
            .to_string()
    };
    Ok(Done {
        headline: crate::records::photo::decision_text(d.decision),
        tone,
        facts: vec![
            (
                t("Lagen", "The law"),
                format!(
                    "{} ({})",
                    word(&v["law"]["decision"]),
                    word(&v["law"]["basis"])
                ),
            ),
            (
                format!(
                    "{} ({})",
                    t("Lokal policy", "Local policy"),
                    d.policy.preset
                ),
                word(&v["policy"]["decision"]),
            ),
        ],
        conditions: d.conditions.clone(),
        findings: findings(&v),
        people: v
            .get("people")
            .and_then(|p| p.as_array())
            .cloned()
            .unwrap_or_default(),
        record: done.record().and_then(file_name),
        deadline: None,
        register_ref: done.id.clone().unwrap_or_default(),
    })
}

/// `assess ACCOUNT`: assess, sign, write, save the answers and log the assessment.
pub fn assess(ws: &Workspace, account: &str, text: &str) -> Result<Done> {
    let kind = crate::pipeline::account::AccountAssessment::registered(ws, account)?;
    let done = crate::pipeline::run(
        ws,
        &kind,
        crate::pipeline::Answers::toml(text, "formulär"),
        &crate::pipeline::Options::default(),
    )?;
    let file = done.record().and_then(file_name);
    let result = done.outcome;
    let v = serde_json::to_value(&result).expect("serialisable");
    let tone = match result.exposure.as_str() {
        "low" => "ok",
        "medium" => "warn",
        _ => "stop",
    };
    let mut facts = vec![
        (
            t("Personuppgiftsansvarig", "Controller"),
            result
                .controller
                .clone()
                .unwrap_or_else(|| t("okänd", "unknown")),
        ),
        (
            t(
                "Gemensamt ansvar med plattformen",
                "Joint controllership with the platform",
            ),
            if result.joint_with_platform {
                t("ja", "yes")
            } else {
                t("nej", "no")
            },
        ),
        (
            t(
                "Exponering (tredjeland, CLOUD Act)",
                "Exposure (third country, CLOUD Act)",
            ),
            crate::records::labels::labels()
                .get(&result.exposure)
                .and_then(|w| w.as_str())
                .unwrap_or(&result.exposure)
                .to_string(),
        ),
    ];
    for a in &result.actions {
        let level = match a.level {
            crate::finding::Level::Must => t("Åtgärd som måste göras", "Action that must be taken"),
            crate::finding::Level::Should => {
                t("Åtgärd som bör göras", "Action that should be taken")
            }
        };
        facts.push((level, a.text.clone()));
    }
    Ok(Done {
        headline: format!(
            "{} {}",
            t("Bedömning av kontot", "Assessment of the account"),
            account
        ),
        tone,
        facts,
        conditions: Vec::new(),
        findings: findings(&v),
        people: Vec::new(),
        record: file,
        deadline: None,
        register_ref: account.to_string(),
    })
}

/// `breach`: evaluate, sign, write and log (Art. 33(5)).
pub fn breach(ws: &Workspace, text: &str) -> Result<Done> {
    let out = crate::pipeline::run(
        ws,
        &crate::pipeline::breach::BreachEvaluation::default(),
        crate::pipeline::Answers::toml(text, "formulär"),
        &crate::pipeline::Options::default(),
    )?;
    let id = out.id.clone().unwrap_or_default();
    let e = &out.outcome;
    let v = serde_json::to_value(e).expect("serialisable");
    let yes_no = |b: bool| if b { t("ja", "yes") } else { t("nej", "no") };
    let breach = v["breach"].as_str().unwrap_or_default().to_string();
    let tone = match (breach.as_str(), e.notify_imy) {
        ("no", _) => "ok",
        (_, true) => "stop",
        _ => "warn",
    };
    let mut facts = vec![
        (
            t("Personuppgiftsincident", "Personal data breach"),
            breach.clone(),
        ),
        (t("Anmälan till IMY", "Notify IMY"), yes_no(e.notify_imy)),
        (
            t(
                "Information till de registrerade",
                "Inform the people concerned",
            ),
            yes_no(e.notify_subjects),
        ),
    ];
    if let Some(d) = &e.imy_deadline {
        facts.push((t("Senast anmäld till IMY", "Notify IMY by"), d.clone()));
    }
    if e.dpo_decision_required {
        facts.push((
            t("Dataskyddsombudet", "The DPO"),
            t("måste ta ställning", "must decide"),
        ));
    }
    Ok(Done {
        headline: format!("{} {}", t("Incident", "Breach"), id),
        tone,
        facts,
        conditions: Vec::new(),
        findings: findings(&v),
        people: Vec::new(),
        record: out.record().and_then(file_name),
        deadline: e.imy_deadline.clone(),
        register_ref: id,
    })
}

/// `consent add`: validate every field, append, write the signed receipt.
pub fn add_consent(
    ws: &Workspace,
    input: &crate::registers::consents::Input,
) -> std::result::Result<(String, PathBuf), Vec<(String, String)>> {
    use crate::registers::consents::{self, Register};
    let channels = consents::known_channels(&ws.accounts_csv())
        .map_err(|e| vec![(String::new(), e.to_string())])?;
    let valid = consents::validate(input, &channels, crate::clock::today()).map_err(|p| {
        p.into_iter()
            .map(|p| (p.field.to_string(), p.message))
            .collect::<Vec<_>>()
    })?;
    let reg = Register::at(ws.consents_csv());
    let (id, receipt, _) = crate::pipeline::consent::register(ws, &reg, &valid, &ws.output_dir())
        .map_err(|e| vec![(String::new(), e.to_string())])?;
    Ok((id, receipt))
}

/// `consent withdraw`: the withdrawal row (with who registered it) and the take-down list.
pub fn withdraw(
    ws: &Workspace,
    consent_id: &str,
    by: &str,
    via: &str,
) -> Result<(
    crate::registers::consents::Consent,
    Vec<crate::registers::publications::Takedown>,
)> {
    let reg = crate::registers::consents::Register::at(ws.consents_csv());
    let via = if via.trim().is_empty() {
        t("ej angivet", "not stated")
    } else {
        via.trim().to_string()
    };
    crate::ledger::check_field(&via).map_err(|e| e.field("via"))?;
    let c = reg.withdraw(consent_id, crate::clock::now(), Some(by), &via)?;
    let takedown = crate::registers::publications::Register::at(ws.publications_csv())
        .relying_on(&c.consent_id)?;
    Ok((c, takedown))
}

/// The web's own log: who did what through the browser, hash-chained like the registers.
pub fn log_write(
    ws: &Workspace,
    user: &str,
    role: &str,
    action: &str,
    reference: &str,
) -> Result<()> {
    let ledger = crate::ledger::Ledger::new(
        ws.path("web-log.csv"),
        &["at", "user", "role", "action", "reference"],
        true,
    );
    ledger.create()?;
    ledger
        .append(&[vec![
            crate::clock::now().to_rfc3339(),
            user.to_string(),
            role.to_string(),
            action.to_string(),
            reference.to_string(),
        ]])
        .map(|_| ())
}

/// An error for the page: the message only, in the user's language.
pub fn message(e: &Error) -> String {
    match e {
        Error::Input { message, field, .. } => match field {
            Some(f) => format!("{f}: {message}"),
            None => message.clone(),
        },
        other => other.to_string(),
    }
}
