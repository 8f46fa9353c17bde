//! Re-evaluation of the photo and breach records. A photo decision is re-run against the
//! consent register as it is today (a consent may have been withdrawn since).

use serde_json::Value;

use crate::error::{Error, Result};
use crate::i18n::t;

pub fn reevaluate(
    kind: &str,
    answers: &str,
    old: &Value,
    ws: Option<&crate::workspace::Workspace>,
) -> Result<Value> {
    if kind == "photo_decision" {
        let ws = ws.ok_or_else(|| {
            Error::Usage(t(
                "ett publiceringsbeslut körs om mot samtyckesregistret: kör kommandot i arbetsytan (eller ange --workspace)",
                "a publication decision is re-run against the consent register: run the command in the workspace (or give --workspace)",
            ))
        })?;
        let q = crate::questionnaire::Questionnaire::load("photo")?;
        let v = q.validate(answers, std::path::Path::new("answers.toml"))?;
        let typed: crate::assessment::photo::PhotoAnswers =
            serde_json::from_value(v).map_err(|e| Error::input(e.to_string()))?;
        let preset = old["policy"]["preset"]
            .as_str()
            .unwrap_or(&ws.config.policy.preset)
            .to_string();
        let policy = crate::assessment::policy::Policy::load(
            &preset,
            ws.config.policy.child_consents_alone_from,
        )?;
        let lookup = super::photo::lookup(ws, &typed)?;
        let decision = crate::assessment::photo::decide(&typed, &lookup, &policy);
        return Ok(serde_json::to_value(decision).expect("serialises"));
    }
    if kind == "breach_evaluation" {
        return super::breach::reevaluate(answers);
    }
    if let Some(v) = crate::lifecycle::reevaluate(kind, answers, old)? {
        return Ok(v);
    }
    Err(Error::input(t(
        &format!("handlingar av slaget '{kind}' kan inte köras om"),
        &format!("records of the kind '{kind}' cannot be re-run"),
    )))
}
