//! The data the account assessment's template (`templates/assessment.*.hbs`) renders:
//! everything already phrased in the user's language, no law decided here.

use std::path::Path;

use serde_json::{json, Value};

use crate::assessment::account::Assessment;
use crate::i18n::t;
use crate::questionnaire::Questionnaire;
use crate::workspace::Workspace;

/// The data the assessment template renders: everything already phrased, no law decided here.
pub fn document_data(
    ws: &Workspace,
    q: &Questionnaire,
    r: &Assessment,
    answers_toml: &str,
    now: &chrono::DateTime<chrono::FixedOffset>,
) -> Value {
    let label = |v: &str| -> String {
        match v {
            "full" => t(
                "fullt (kan ta bort kommentarer)",
                "full (can remove comments)",
            ),
            "limited" => t(
                "begränsat (kan inte ta bort andras svar)",
                "limited (cannot remove others' replies)",
            ),
            "none" => t("inget (kommentarer avstängda)", "none (comments off)"),
            "processor" => t("personuppgiftsbiträde", "processor"),
            "independent_controller" => t(
                "självständigt personuppgiftsansvarig",
                "independent controller",
            ),
            "joint_controller" => t("gemensamt personuppgiftsansvarig", "joint controller"),
            "low" => t("låg", "low"),
            "medium" => t("medel", "medium"),
            "high" => t("hög", "high"),
            "must" => t("SKA", "MUST"),
            "should" => t("BÖR", "SHOULD"),
            other => other.to_string(),
        }
    };
    let section = |codes: &[&str]| -> Vec<Value> {
        r.findings
            .iter()
            .filter(|f| codes.contains(&f.code.as_str()) || codes.is_empty())
            .map(finding_json)
            .collect()
    };
    let tool_codes: Vec<&str> = r
        .tools
        .iter()
        .flat_map(|x| x.outcomes.iter().map(|s| s.as_str()))
        .collect();
    let signer = crate::signing::keystore::signer_summary(ws);
    let must = r
        .actions
        .iter()
        .filter(|a| a.level == crate::finding::Level::Must)
        .count();
    let should = r.actions.len() - must;
    json!({
        "decision": super::labels::assessment_decision(r, must, should),
        "org": ws.config.organisation.name,
        "account": r.account,
        "platform": r.platform.name,
        "parent": if r.platform.parent.is_empty() { "-".to_string() } else { format!("{}, {}", r.platform.parent, r.platform.parent_country) },
        "date": now.format("%Y-%m-%d").to_string(),
        "signer": signer,
        "controller": r.controller.clone().unwrap_or_else(|| t("okänd", "unknown")),
        "joint": if r.joint_with_platform { t("ja", "yes") } else { t("nej", "no") },
        "third_party_content": label(&r.third_party_content),
        "contractor_role": r.contractor_role.as_deref().map(label).unwrap_or_else(|| t("ingen entreprenör", "no contractor")),
        "exposure": label(&r.exposure),
        "controller_findings": section(&["CTRL-SINGLE", "CTRL-UNCLEAR", "JOINT-INTERNAL", "ADMINS-TOO-FEW", "ADMINS-UNKNOWN", "PUBLIC-TASK-UNSTATED"]),
        "dpia": match r.dpia { "required" => t("krävs", "required"), "consider" => t("överväg", "consider"), _ => t("inte indikerad", "not indicated") },
        "dpia_criteria": r.dpia_criteria.iter().map(|c| json!({"criterion": c.criterion, "because": super::labels::questionnaire("account").map(|q| super::labels::because_questions(q, &c.because)).unwrap_or_else(|| c.because.join(", "))})).collect::<Vec<_>>(),
        "dpia_findings": section(&["DPIA-REQUIRED", "DPIA-CONSIDER"]),
        "record": {
            "controller": r.processing_record.controller,
            "dpo": r.processing_record.dpo,
            "purposes": r.processing_record.purposes.join("; "),
            "data_subjects": r.processing_record.data_subjects.join(", "),
            "data_categories": r.processing_record.data_categories.join(", "),
            "recipients": r.processing_record.recipients.join(", "),
            "transfers": if r.processing_record.transfers.is_empty() { "-".to_string() } else { r.processing_record.transfers.iter().map(|x| format!("{}: {} ({})", x.recipient, x.country, x.mechanism)).collect::<Vec<_>>().join("; ") },
            "retention": r.processing_record.retention.clone().unwrap_or_else(|| t("inte angiven", "not stated")),
            "security": r.processing_record.security.join(", "),
        },
        "record_findings": section(&["RETENTION-UNSTATED"]),
        "platform_findings": section(&["JOINT-PLATFORM-ARRANGEMENT", "JOINT-PLATFORM-NO-ARRANGEMENT", "JOINT-PLATFORM-TARGETING"]),
        "content_findings": section(&["COMMENTS-RESPONSIBLE", "COMMENTS-LIMITED", "BBS-MODERATION-GAP"]),
        "contractor_findings": r.findings.iter().filter(|f| f.code.starts_with("CONTRACTOR-") || (f.code == "DPA-MISSING" && f.because.iter().any(|b| b.starts_with("contractor.")))).map(finding_json).collect::<Vec<_>>(),
        "tool_findings": r.findings.iter().filter(|f| f.because.iter().any(|b| b.starts_with("tools.")) && tool_codes.contains(&f.code.as_str()) && !matches!(f.code.as_str(), "OSL-ROJANDE-RISK" | "DM-CHANNEL-RISK")).map(finding_json).collect::<Vec<_>>(),
        "exposure_findings": section(&["EXPOSURE", "TRANSFER-CHINA-SCC", "THIRD-COUNTRY-LAW", "PROVIDER-UNKNOWN", "OSL-ROJANDE-RISK", "DM-CHANNEL-RISK"]),
        "tools": r.tools.iter().map(|x| json!({"name": x.name, "role": label(&x.role), "dpa": if x.dpa_required { t("krävs", "required") } else { t("krävs ej", "not required") }, "outcomes": x.outcomes.iter().map(|c| super::labels::finding_title(c, c)).collect::<Vec<_>>().join("; ")})).collect::<Vec<_>>(),
        "has_tools": !r.tools.is_empty(),
        "actions": r.actions.iter().map(|x| json!({"level": label(match x.level { crate::finding::Level::Must => "must", crate::finding::Level::Should => "should" }), "code": x.code, "text": x.text})).collect::<Vec<_>>(),
        "has_actions": !r.actions.is_empty(),
        "outcomes": r.outcomes.join(", "),
        "answers": q
            .validate(answers_toml, Path::new("answers.toml"))
            .map(|v| q.summary(&v))
            .unwrap_or_default()
            .into_iter()
            .map(|(question, answer)| json!({"question": question, "answer": answer}))
            .collect::<Vec<_>>(),
        "questionnaire_version": q.version,
        "rules_version": r.rules_version,
    })
}

pub fn finding_json(f: &crate::finding::Finding) -> Value {
    super::labels::finding_for_record(f, "account")
}
