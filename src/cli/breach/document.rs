//! The data the breach record's template renders: every value already phrased in the
//! user's language, so the template only lays it out.

use serde_json::{json, Value};

use crate::assessment::breach::{
    local_text, num, Answers, Breach, Evaluation, Level, Severity, What,
};
use crate::finding::Level as ActionLevel;
use crate::i18n::t;
use crate::questionnaire::Questionnaire;
use crate::workspace::Workspace;

fn yes_no(b: bool) -> String {
    if b {
        t("Ja", "Yes")
    } else {
        t("Nej", "No")
    }
}

/// The label the questionnaire gives a choice (`what`, `exposure`, …).
fn label(q: &Questionnaire, key: &str, value: &str) -> String {
    q.question(key)
        .map(|x| x.label(value))
        .unwrap_or_else(|| value.to_string())
}

fn key_of<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

pub fn data(
    ws: &Workspace,
    q: &Questionnaire,
    a: &Answers,
    e: &Evaluation,
    id: &str,
    fictional: bool,
    answers_toml: &str,
) -> Value {
    let sev: &Severity = e
        .severity
        .as_ref()
        .or(e.severity_if_breach.as_ref())
        .expect("severity is always computed");
    let formula = format!(
        "{} × {} + {} = {}",
        sev.dpc,
        num(sev.ei),
        num(sev.cb),
        num(sev.score)
    );
    let deadline =
        local_text(chrono::DateTime::parse_from_rfc3339(&e.deadline_72h).expect("own output"));
    let breach_label = match e.breach {
        Breach::Yes => t("Ja", "Yes"),
        Breach::No => t("Nej (modereringsincident)", "No (moderation incident)"),
        Breach::Unsettled => t(
            "Oklart – den personuppgiftsansvarige beslutar efter dataskyddsombudets råd",
            "Unsettled – the controller decides after the DPO's advice",
        ),
    };
    let severity_summary = if e.severity.is_some() {
        format!("{} ({formula})", sev.level.label())
    } else {
        t(
            &format!(
                "beräknas inte – ingen incident (om den bedöms som incident: {}, {formula})",
                sev.level.label()
            ),
            &format!(
                "not computed – no breach (if judged a breach: {}, {formula})",
                sev.level.label()
            ),
        )
    };
    let imy_label = if e.notify_imy {
        t(
            &format!("Ja, senast {deadline}"),
            &format!("Yes, by {deadline}"),
        )
    } else if e.dpo_decision_required {
        t(
            &format!("Den personuppgiftsansvarige beslutar efter dataskyddsombudets råd (frist om incident: {deadline})"),
            &format!("The controller decides after the DPO's advice (deadline if a breach: {deadline})"),
        )
    } else {
        t("Nej", "No")
    };
    let subjects_label = if e.notify_subjects {
        t("Ja, utan onödigt dröjsmål", "Yes, without undue delay")
    } else if e.outcomes.iter().any(|c| c == "BREACH-34(3)-EXCEPTION") {
        t(
            "Nej – undantag enligt art. 34.3 a (oläsliga uppgifter)",
            "No – exception under Art. 34(3)(a) (unintelligible data)",
        )
    } else {
        t("Nej", "No")
    };
    let findings: Vec<Value> = e
        .findings
        .iter()
        .map(|f| {
            json!({
                "code": f.code, "text": f.text, "unsettled": f.unsettled,
                "sources": f.sources.join("; "), "because": f.because.join(", "),
            })
        })
        .collect();

    let mut timeline = Vec::new();
    let mut row = |l: String, v: String| timeline.push(json!({"label": l, "value": v}));
    if let Some(p) = a.published_at {
        row(t("Publicerades", "Published"), local_text(p));
    }
    row(
        t(
            "Kännedom (fristen börjar)",
            "Became aware (the deadline starts)",
        ),
        local_text(a.aware_at),
    );
    if let Some(r) = a.removed_at {
        row(t("Togs bort", "Removed"), local_text(r));
    }
    row(t("Bedömdes", "Evaluated"), local_text(a.assessed_at));
    row(
        t("72 timmar efter kännedom", "72 hours after awareness"),
        deadline.clone(),
    );
    if let (Some(p), Some(r)) = (a.published_at, a.removed_at) {
        let mins = (r - p).num_minutes();
        row(
            t("Tid som inlägget låg ute", "Time the post was up"),
            t(
                &format!("{} tim {} min", mins / 60, mins % 60),
                &format!("{} h {} min", mins / 60, mins % 60),
            ),
        );
    }

    let c = &sev.components;
    let severity_rows = vec![
        json!({"part": t("DPC grundvärde", "DPC base"), "value": c.dpc_base.to_string(),
               "basis": format!("{} ({})", c.dpc_category.label(), t("känsligaste kategorin", "most critical category"))}),
        json!({"part": t("DPC sårbarhet", "DPC vulnerability"), "value": format!("+{}", c.vulnerable_adjustment),
        "basis": match (a.vulnerable, c.vulnerable_adjustment) {
            (true, 1) => t("sårbara personer: +1 (högst 4)", "vulnerable people: +1 (at most 4)"),
            (true, _) => t("sårbara personer, men DPC är redan högst (4)", "vulnerable people, but DPC is already at most (4)"),
            _ => t("inga sårbara personer", "no vulnerable people"),
        }}),
        json!({"part": "DPC", "value": sev.dpc.to_string(), "basis": t("sammanhang (1–4)", "processing context (1–4)")}),
        json!({"part": "EI", "value": num(sev.ei), "basis": label(q, "identifiability", &key_of(&a.identifiability))}),
        json!({"part": t("CB konfidentialitet", "CB confidentiality"), "value": num(c.confidentiality), "basis": label(q, "exposure", &key_of(&a.exposure))}),
        json!({"part": t("CB integritet", "CB integrity"), "value": num(c.integrity), "basis": label(q, "integrity", &key_of(&a.integrity))}),
        json!({"part": t("CB tillgänglighet", "CB availability"), "value": num(c.availability), "basis": label(q, "availability", &key_of(&a.availability))}),
        json!({"part": t("CB illvilja", "CB malicious intent"), "value": num(c.malicious), "basis": yes_no(a.malicious)}),
        json!({"part": "CB", "value": num(sev.cb), "basis": t("summa", "sum")}),
        json!({"part": "SE", "value": num(sev.score), "basis": format!("{formula} → **{}**", sev.level.label())}),
    ];
    let severity_note = match e.breach {
        Breach::No => t(
            "Ingen incident: poängen visas som underlag om den personuppgiftsansvarige bedömer annorlunda.",
            "No breach: the score is shown for reference in case the controller judges otherwise.",
        ),
        Breach::Unsettled => t(
            "Beräknad som om det vore en incident.",
            "Computed as if it were a breach.",
        ),
        Breach::Yes => String::new(),
    } + &t(
        " Nivåer: under 2 låg, under 3 medel, under 4 hög, annars mycket hög.",
        " Levels: below 2 low, below 3 medium, below 4 high, otherwise very high.",
    );

    let mut notification = Vec::new();
    if e.notify_imy {
        notification.push(t(
            &format!(
                "IMY ska underrättas utan onödigt dröjsmål och senast {deadline} (art. 33.1)."
            ),
            &format!("IMY must be notified without undue delay and by {deadline} (Art. 33(1))."),
        ));
        if let Some(h) = e.hours_left {
            notification.push(if h >= 0 {
                t(
                    &format!("Vid bedömningen återstod {h} timmar."),
                    &format!("At the evaluation {h} hours were left."),
                )
            } else {
                t(
                    &format!("Vid bedömningen var fristen redan passerad med {} timmar: skälen till förseningen ska anges.", -h),
                    &format!("At the evaluation the deadline had passed by {} hours: the reasons for the delay must be given.", -h),
                )
            });
        }
    } else {
        notification.push(t(
            "Ingen anmälan till IMY krävs enligt bedömningen; incidentloggen dokumenterar händelsen (art. 33.5).",
            "No notification to IMY is required by this evaluation; the breach log documents the event (Art. 33(5)).",
        ));
    }
    notification.push(format!(
        "{}: {subjects_label}.",
        t("De registrerade", "The data subjects")
    ));
    if e.dpo_decision_required {
        notification.push(t(
            "Rättsläget är oklart: den personuppgiftsansvarige (nämnden, eller den den delegerat till) fattar och dokumenterar beslutet om anmälan efter dataskyddsombudets råd.",
            "The law is unsettled: the controller (the committee, or whom it delegated) makes and documents the decision on notification after the DPO's advice.",
        ));
    }

    let actions: Vec<Value> = e
        .actions
        .iter()
        .map(|x| {
            json!({
                "level": match x.level { ActionLevel::Must => t("Måste", "Must"), ActionLevel::Should => t("Bör", "Should") },
                "text": x.text,
            })
        })
        .collect();

    let categories: Vec<String> = a
        .categories
        .iter()
        .map(|c| label(q, "categories", c.key()))
        .collect();
    let dpo = &ws.config.dpo;
    let dpo_text = {
        let parts: Vec<&str> = [dpo.name.as_str(), dpo.email.as_str(), dpo.phone.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        if parts.is_empty() {
            t(
                "saknas – ange [dpo] i dataskydd.toml",
                "missing – set [dpo] in dataskydd.toml",
            )
        } else {
            parts.join(", ")
        }
    };
    let consequences = match sev.level {
        Level::Low => t(
            "Sannolikt inga eller små olägenheter för de berörda.",
            "Probably no or minor inconvenience for the people concerned.",
        ),
        Level::Medium => t(
            "Betydande olägenheter som de berörda kan hantera med viss svårighet (t.ex. obehag, risk för kontakt från okända, identitetsmissbruk).",
            "Significant inconvenience the people concerned can overcome with some difficulty (e.g. distress, unwanted contact, identity misuse).",
        ),
        Level::High | Level::VeryHigh => t(
            "Betydande eller oåterkalleliga följder (t.ex. fara för personer med skyddad identitet, diskriminering, utpekande, skada på hälsa eller anseende).",
            "Significant or irreversible consequences (e.g. danger to people with protected identity, discrimination, stigma, harm to health or reputation).",
        ),
    };
    let mut measures = Vec::new();
    if let Some(r) = a.removed_at {
        measures.push(t(
            &format!("Inlägget togs bort {}.", local_text(r)),
            &format!("The post was removed {}.", local_text(r)),
        ));
    }
    match a.archived_before_removal {
        Some(true) => measures.push(t(
            "En kopia sparades och registrerades före borttagningen.",
            "A copy was saved and registered before the removal.",
        )),
        Some(false) => measures.push(t(
            "Ingen kopia sparades före borttagningen; den säkras i efterhand.",
            "No copy was saved before the removal; one is secured afterwards.",
        )),
        None => {}
    }
    measures.extend(e.actions.iter().map(|x| x.text.clone()));
    let records = match a.what {
        What::OwnPostError | What::OwnPostDeliberate | What::ThirdPartyComment => t(
            &format!("{}; ett inlägg eller en kommentar", categories.join(", ")),
            &format!("{}; one post or comment", categories.join(", ")),
        ),
        _ => t(
            &format!(
                "{}; antal poster uppskattas i anmälan",
                categories.join(", ")
            ),
            &format!(
                "{}; number of records to be estimated in the notification",
                categories.join(", ")
            ),
        ),
    };
    let subjects_text = if a.vulnerable {
        t(
            &format!(
                "ungefär {} {}, sårbara (barn, skyddad identitet eller i vård)",
                a.subjects,
                persons(a.subjects)
            ),
            &format!(
                "about {} {}, vulnerable (children, protected identity or in care)",
                a.subjects,
                people(a.subjects)
            ),
        )
    } else {
        t(
            &format!("ungefär {} {}", a.subjects, persons(a.subjects)),
            &format!("about {} {}", a.subjects, people(a.subjects)),
        )
    };

    let answers: Vec<Value> = q
        .validate(answers_toml, std::path::Path::new("answers.toml"))
        .map(|v| q.summary(&v))
        .unwrap_or_default()
        .into_iter()
        .map(|(question, answer)| json!({"question": question, "answer": answer}))
        .collect();

    json!({
        "answers": answers,
        "org": ws.config.organisation.name,
        "id": id,
        "account": a.account,
        "assessed_at": local_text(a.assessed_at),
        "rules_version": e.rules_version,
        "questionnaire_version": q.version,
        "fictional": fictional,
        "breach_label": breach_label,
        "severity_summary": severity_summary,
        "imy_label": imy_label,
        "subjects_label": subjects_label,
        "dpo_label": yes_no(e.dpo_decision_required),
        "findings": findings,
        "what_label": label(q, "what", &key_of(&a.what)),
        "reason": e.reason.text,
        "reason_sources": e.reason.sources.join("; "),
        "timeline": timeline,
        "categories": categories.join(", "),
        "subjects": a.subjects.to_string(),
        "vulnerable": yes_no(a.vulnerable),
        "identifiability": label(q, "identifiability", &key_of(&a.identifiability)),
        "exposure": label(q, "exposure", &key_of(&a.exposure)),
        "integrity": label(q, "integrity", &key_of(&a.integrity)),
        "availability": label(q, "availability", &key_of(&a.availability)),
        "malicious": yes_no(a.malicious),
        "unintelligible": yes_no(a.unintelligible),
        "severity_note": severity_note.trim(),
        "severity_rows": severity_rows,
        "notification": notification,
        "actions": actions,
        "form": {
            "nature": format!("{}. {}", label(q, "what", &key_of(&a.what)), e.reason.text),
            "subjects": subjects_text,
            "records": records,
            "dpo": dpo_text,
            "consequences": consequences,
            "measures": measures.join(" "),
            "aware": local_text(a.aware_at),
            "deadline": if e.notify_imy { deadline.clone() } else { t("ingen anmälan krävs enligt bedömningen", "no notification required by this evaluation") },
        },
    })
}

fn persons(n: u64) -> &'static str {
    if n == 1 {
        "person"
    } else {
        "personer"
    }
}

fn people(n: u64) -> &'static str {
    if n == 1 {
        "person"
    } else {
        "people"
    }
}
