//! The data the photo decision's template (`templates/photo_decision.*.hbs`) renders.

use serde_json::{json, Value};

use crate::assessment::photo::{Decision, PhotoDecision};
use crate::assessment::policy::Policy;
use crate::i18n::t;
use crate::workspace::Workspace;

pub fn data(
    ws: &Workspace,
    publication_id: &str,
    answers: &Value,
    decision: &PhotoDecision,
    policy: &Policy,
) -> Value {
    json!({
        "organisation": ws.config.organisation.name,
        "publication_id": publication_id,
        "answers": answers,
        "result": serde_json::to_value(decision).expect("serialisable"),
        "decision_text": decision_text(decision.decision),
        "policy_title": policy.title,
        "labels": super::labels::labels(),
    })
}

/// The decision in words, as the record and the terminal say it.
pub fn decision_text(d: Decision) -> String {
    match d {
        Decision::Allowed => t("Får publiceras", "May be published"),
        Decision::AllowedWithConditions => t(
            "Får publiceras på villkor",
            "May be published on conditions",
        ),
        Decision::NotAllowed => t("Får inte publiceras", "Must not be published"),
    }
}
