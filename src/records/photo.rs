//! The data the photo decision's template (`templates/photo_decision.*.hbs`) renders.

use serde_json::{json, Value};

use crate::assessment::photo::{Decision, PhotoAnswers, PhotoDecision};
use crate::assessment::policy::Policy;
use crate::i18n::t;
use crate::workspace::Workspace;

pub fn data(
    ws: &Workspace,
    publication_id: &str,
    answers: &Value,
    typed: &PhotoAnswers,
    decision: &PhotoDecision,
    policy: &Policy,
) -> Value {
    json!({
        "organisation": ws.config.organisation.name,
        "publication_id": publication_id,
        "answers": answers,
        "result": serde_json::to_value(decision).expect("serialisable"),
        "decision_text": decision_text(decision.decision),
        "decision_box": decision_box(typed, decision),
        "allowed": decision.decision != Decision::NotAllowed,
        "findings": decision.findings.iter().map(|f| super::labels::finding_for_record(f, "photo")).collect::<Vec<_>>(),
        "policy_rules": decision.policy.rules.iter().map(|id| policy.rules.iter().find(|r| &r.id == id).map(|r| r.text.get().to_string()).unwrap_or_else(|| id.clone())).collect::<Vec<_>>(),
        "policy_title": policy.title,
        "labels": super::labels::labels(),
    })
}

/// The decision box: may it be published, and if not, the one thing to do about it.
pub fn decision_box(a: &PhotoAnswers, d: &PhotoDecision) -> serde_json::Value {
    use crate::assessment::photo::PersonConsent;
    let answer = match d.decision {
        Decision::Allowed => t(
            "Ja – bilden får publiceras.",
            "Yes – the picture may be published.",
        ),
        Decision::AllowedWithConditions => t(
            "Ja, på villkor – bilden får publiceras om villkoren nedan följs.",
            "Yes, on conditions – the picture may be published if the conditions below are met.",
        ),
        Decision::NotAllowed => t(
            "Nej – bilden får inte publiceras.",
            "No – the picture must not be published.",
        ),
    };
    let mut todo = String::new();
    if d.decision == Decision::NotAllowed {
        let protected = a.people.iter().find(|p| p.protected_identity);
        let lacking = d.people.iter().find(|p| {
            matches!(
                p.consent,
                PersonConsent::Missing
                    | PersonConsent::Withdrawn
                    | PersonConsent::Expired
                    | PersonConsent::OutOfScope
            )
        });
        todo = if let Some(p) = protected {
            t(
                &format!("Att göra: {} har skyddade personuppgifter — välj en bild där personen inte finns med alls.", p.reference),
                &format!("To do: {} has a protected identity — choose a picture the person is not in at all.", p.reference),
            )
        } else if a.reveals_confidential {
            t(
                "Att göra: bilden röjer sekretessbelagda uppgifter — välj en annan bild.",
                "To do: the picture reveals confidential information — choose another picture.",
            )
        } else if let Some(p) = lacking {
            let why = match p.consent {
                PersonConsent::Withdrawn => t(
                    "har återkallat sitt samtycke",
                    "has withdrawn their consent",
                ),
                PersonConsent::Expired => t(
                    "har ett samtycke som har gått ut",
                    "has a consent that has expired",
                ),
                PersonConsent::OutOfScope => t(
                    "har inget samtycke som täcker syftet, kanalen och bilden",
                    "has no consent covering the purpose, channel and picture",
                ),
                _ => t("saknar eget samtycke", "has no consent of their own"),
            };
            t(
                &format!("Att göra: {} {why} — beskär eller gör personen oigenkännlig, eller hämta in samtycke före publiceringen.", p.reference),
                &format!("To do: {} {why} — crop or make the person unrecognisable, or obtain consent before publishing.", p.reference),
            )
        } else {
            let who: Vec<&str> = a.people.iter().map(|p| p.reference.as_str()).collect();
            t(
                &format!("Att göra: den lokala policyn tillåter inte bilden med {} (se Lag och lokal policy) — beskär eller gör personen oigenkännlig, eller välj en annan bild.", who.join(", ")),
                &format!("To do: the local policy does not allow the picture with {} (see Law and local policy) — crop or make the person unrecognisable, or choose another picture.", who.join(", ")),
            )
        };
    } else if !d.conditions.is_empty() {
        todo = super::labels::count(
            d.conditions.len(),
            "villkor gäller; se Villkor.",
            "villkor gäller; se Villkor.",
            "condition applies; see Conditions.",
            "conditions apply; see Conditions.",
        );
    }
    json!({ "answer": answer, "todo": todo })
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
