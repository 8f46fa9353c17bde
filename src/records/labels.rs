//! Words for the codes records show (the JSON and the registers keep the codes).

use crate::i18n::t;

/// Words for the codes a decision record shows (the JSON keeps the codes).
pub fn labels() -> serde_json::Value {
    let pairs: &[(&str, &str, &str)] = &[
        ("allowed", "får publiceras", "may be published"),
        (
            "allowed_with_conditions",
            "får publiceras med villkor",
            "may be published with conditions",
        ),
        ("not_allowed", "får inte publiceras", "may not be published"),
        (
            "none_needed",
            "ingen behövs (inga personuppgifter)",
            "none needed (no personal data)",
        ),
        (
            "public_task",
            "allmänt intresse (art. 6.1 e)",
            "public task (Art. 6(1)(e))",
        ),
        ("consent", "samtycke (art. 6.1 a)", "consent (Art. 6(1)(a))"),
        (
            "explicit_consent",
            "uttryckligt samtycke (art. 9.2 a)",
            "explicit consent (Art. 9(2)(a))",
        ),
        ("none", "ingen", "none"),
        ("valid", "giltigt", "valid"),
        ("missing", "saknas", "missing"),
        ("withdrawn", "återkallat", "withdrawn"),
        ("expired", "har gått ut", "expired"),
        ("out_of_scope", "täcker inte användningen", "out of scope"),
        ("not_needed", "behövs inte", "not needed"),
        ("not_yet_valid", "gäller ännu inte", "not yet valid"),
        ("pupil", "elev", "pupil"),
        ("child", "barn", "child"),
        ("staff", "personal", "staff"),
        (
            "official",
            "tjänsteperson/förtroendevald i sin roll",
            "official in their role",
        ),
        ("public", "allmänheten", "member of the public"),
        (
            "inform_activity",
            "information om verksamheten",
            "information about the activity",
        ),
        ("event", "evenemang", "event"),
        ("marketing", "marknadsföring", "marketing"),
        ("recruitment", "rekrytering", "recruitment"),
        ("documentation", "dokumentation", "documentation"),
        ("subject", "personen själv", "the person"),
        ("guardian", "vårdnadshavare", "guardian"),
        ("signed_form", "undertecknad blankett", "signed form"),
        ("e_signature", "e-underskrift", "e-signature"),
        ("email", "e-post", "e-mail"),
        ("other", "annat", "other"),
        ("photo", "bild", "photo"),
        ("video", "film", "video"),
        ("name", "namn", "name"),
        ("voice", "röst", "voice"),
        ("active", "gäller", "active"),
        ("low", "låg", "low"),
        ("medium", "medel", "medium"),
        ("high", "hög", "high"),
    ];
    serde_json::Value::Object(
        pairs
            .iter()
            .map(|(k, sv, en)| (k.to_string(), serde_json::Value::String(t(sv, en))))
            .collect(),
    )
}

/// A finding's title in words, for records and the terminal (the code stays beside it, small,
/// for traceability). The law-text catalogue (`questionnaires/catalogue.toml`) will carry
/// these with the law; until a finding brings its own `title`, this table gives one, and a
/// code it does not know gets the first sentence of the finding's text.
pub fn finding_title(code: &str, text: &str) -> String {
    if let Some(e) = crate::finding::entry(code) {
        return e.title.get().to_string();
    }
    let known: &[(&str, &str, &str)] = &[
        (
            "CTRL-SINGLE",
            "Nämnden är ensam personuppgiftsansvarig",
            "The committee is the sole controller",
        ),
        (
            "CTRL-UNCLEAR",
            "Det är oklart vem som är personuppgiftsansvarig",
            "It is unclear who the controller is",
        ),
        (
            "JOINT-INTERNAL",
            "Flera nämnder delar ansvaret för kontot",
            "Several committees share responsibility for the account",
        ),
        (
            "JOINT-PLATFORM-ARRANGEMENT",
            "Gemensamt ansvar med plattformen – avtal finns",
            "Joint controllership with the platform – an arrangement exists",
        ),
        (
            "JOINT-PLATFORM-NO-ARRANGEMENT",
            "Gemensamt ansvar med plattformen – avtal saknas",
            "Joint controllership with the platform – no arrangement",
        ),
        (
            "JOINT-PLATFORM-TARGETING",
            "Riktade annonser ger gemensamt ansvar med plattformen",
            "Targeted ads make the platform a joint controller",
        ),
        (
            "COMMENTS-RESPONSIBLE",
            "Kommunen ansvarar för besökarnas kommentarer",
            "The municipality is responsible for visitors' comments",
        ),
        (
            "COMMENTS-LIMITED",
            "Begränsat ansvar för besökarnas kommentarer",
            "Limited responsibility for visitors' comments",
        ),
        (
            "BBS-MODERATION-GAP",
            "Rutin för tillsyn av kommentarer saknas",
            "No routine for supervising comments",
        ),
        (
            "CONTRACTOR-PROCESSOR",
            "Entreprenören är personuppgiftsbiträde",
            "The contractor is a processor",
        ),
        (
            "CONTRACTOR-INDEPENDENT",
            "Entreprenören är självständigt personuppgiftsansvarig",
            "The contractor is an independent controller",
        ),
        (
            "CONTRACTOR-JOINT",
            "Entreprenören är gemensamt personuppgiftsansvarig",
            "The contractor is a joint controller",
        ),
        (
            "DPA-OK",
            "Personuppgiftsbiträdesavtal finns",
            "A data processing agreement is in place",
        ),
        (
            "DPA-MISSING",
            "Personuppgiftsbiträdesavtal saknas",
            "No data processing agreement",
        ),
        (
            "TOOL-INDEPENDENT",
            "Verktyget är självständigt personuppgiftsansvarigt",
            "The tool is an independent controller",
        ),
        (
            "ROLE-MISCLASSIFIED",
            "Verktygets roll behöver ses över",
            "The tool's role needs review",
        ),
        (
            "TRANSFER-DPF",
            "Överföring till USA enligt Data Privacy Framework",
            "Transfer to the US under the Data Privacy Framework",
        ),
        (
            "TRANSFER-SCC-TIA-OK",
            "Överföring med standardavtalsklausuler och konsekvensbedömning",
            "Transfer with standard contractual clauses and an impact assessment",
        ),
        (
            "TRANSFER-NO-MECHANISM",
            "Överföring till tredjeland utan grund",
            "Transfer to a third country without a mechanism",
        ),
        (
            "TRANSFER-CHECK-REQUIRED",
            "Överföringen behöver kontrolleras",
            "The transfer needs checking",
        ),
        (
            "TRANSFER-CHINA-SCC",
            "Överföring till Kina",
            "Transfer to China",
        ),
        (
            "TRANSFER-ADEQUACY",
            "Överföring till land med adekvat skyddsnivå",
            "Transfer to a country with an adequacy decision",
        ),
        (
            "TRANSFER-DPF-WRONG-COUNTRY",
            "Data Privacy Framework gäller inte det landet",
            "The Data Privacy Framework does not cover that country",
        ),
        (
            "THIRD-COUNTRY-LAW",
            "Leverantören omfattas av tredjelands lag",
            "The vendor is subject to third-country law",
        ),
        (
            "PROVIDER-UNKNOWN",
            "Plattformens leverantör är okänd",
            "The platform's provider is unknown",
        ),
        (
            "EXPOSURE",
            "Exponering för CLOUD Act och tredjeland",
            "Exposure to the CLOUD Act and third countries",
        ),
        (
            "OSL-ROJANDE-RISK",
            "Risk att sekretessbelagda uppgifter röjs",
            "Risk of disclosing confidential information",
        ),
        (
            "DM-CHANNEL-RISK",
            "Direktmeddelanden kan ta emot känsliga uppgifter",
            "Direct messages may receive sensitive data",
        ),
        (
            "ADMINS-TOO-FEW",
            "För få administratörer",
            "Too few administrators",
        ),
        (
            "ADMINS-UNKNOWN",
            "Antalet administratörer är okänt",
            "The number of administrators is unknown",
        ),
        (
            "PUBLIC-TASK-UNSTATED",
            "Uppgiften av allmänt intresse är inte angiven",
            "The public task is not stated",
        ),
        (
            "DPIA-REQUIRED",
            "Konsekvensbedömning krävs",
            "A data protection impact assessment is required",
        ),
        (
            "DPIA-CONSIDER",
            "Överväg en konsekvensbedömning",
            "Consider a data protection impact assessment",
        ),
        (
            "RETENTION-UNSTATED",
            "Gallring och bevarande är inte angivna",
            "Retention is not stated",
        ),
        (
            "NO-PERSONAL-DATA",
            "Inga personuppgifter på bilden",
            "No personal data in the picture",
        ),
        (
            "BASIS-CONSENT-OK",
            "Giltigt samtycke finns",
            "A valid consent exists",
        ),
        (
            "BASIS-PUBLIC-TASK-OK",
            "Får publiceras som uppgift av allmänt intresse",
            "May be published as a task in the public interest",
        ),
        (
            "CONSENT-DEFECTIVE",
            "Samtycke saknas eller brister",
            "Consent is missing or defective",
        ),
        (
            "ART9-BASIS-NEEDED",
            "Känsliga uppgifter kräver uttryckligt samtycke",
            "Special-category data needs explicit consent",
        ),
        (
            "ART9-CONSENT-NOT-EXPLICIT",
            "Samtycket är inte uttryckligt för känsliga uppgifter",
            "The consent is not explicit for special-category data",
        ),
        (
            "BLOCK-PROTECTED-IDENTITY",
            "Person med skyddade personuppgifter",
            "A person with a protected identity",
        ),
        (
            "BLOCK-SEKRETESS",
            "Bilden röjer sekretessbelagda uppgifter",
            "The picture reveals confidential information",
        ),
        (
            "CHILD-AGE-POLICY-UNSETTLED",
            "Oklart vem som samtycker för barnet",
            "Unsettled who consents for the child",
        ),
        (
            "CROWD-INFO-NEEDED",
            "De närvarande behöver informeras",
            "Those present need to be informed",
        ),
        (
            "STAFF-CONSENT-FREE",
            "Personal i sin tjänst behöver inte samtycka",
            "Staff in their role need not consent",
        ),
        (
            "LOCAL-POLICY-NOT-ALLOWED",
            "Den lokala policyn tillåter inte publiceringen",
            "The local policy does not allow the publication",
        ),
        (
            "LOCAL-POLICY-STRICTER",
            "Den lokala policyn är strängare än lagen",
            "The local policy is stricter than the law",
        ),
        (
            "LOCAL-POLICY-AMBIGUOUS",
            "Den lokala policyn är otydlig här",
            "The local policy is ambiguous here",
        ),
        (
            "BREACH-NOTIFY-IMY",
            "Personuppgiftsincident – anmäls till IMY",
            "Personal data breach – notify IMY",
        ),
        (
            "BREACH-NOTIFY-IMY-AND-SUBJECTS",
            "Personuppgiftsincident – anmäls till IMY och de berörda informeras",
            "Personal data breach – notify IMY and the people concerned",
        ),
        (
            "BREACH-DOCUMENT-ONLY",
            "Personuppgiftsincident – dokumenteras internt",
            "Personal data breach – documented internally",
        ),
        (
            "NO-BREACH-DOCUMENT",
            "Ingen personuppgiftsincident",
            "Not a personal data breach",
        ),
        (
            "NOTIFY-IMY",
            "IMY ska underrättas inom 72 timmar",
            "IMY must be notified within 72 hours",
        ),
        (
            "NOTIFY-SUBJECTS",
            "De berörda ska informeras",
            "The people concerned must be informed",
        ),
        (
            "DPO-DECISION",
            "Dataskyddsombudet behöver bedöma",
            "The DPO needs to assess",
        ),
        (
            "DPO-DECISION-UNSETTLED",
            "Oklart rättsläge – dataskyddsombudet bedömer",
            "Unsettled law – the DPO assesses",
        ),
        (
            "MODERATION-LOG",
            "Modereringsärende, ingen incident för kommunen",
            "A moderation matter, not the municipality's breach",
        ),
        (
            "ARCHIVE-BEFORE-DELETE-MISSING",
            "Inlägget arkiverades inte innan det togs bort",
            "The post was not archived before removal",
        ),
        (
            "LATE-NOTIFICATION-REASONS-REQUIRED",
            "Sen anmälan – skälen ska anges",
            "Late notification – reasons required",
        ),
        (
            "LATE-REASONS",
            "Skäl till förseningen",
            "Reasons for the delay",
        ),
        (
            "AWARENESS-AT-REMOVAL",
            "Kännedom senast när inlägget togs bort",
            "Aware at the latest when the post was removed",
        ),
        (
            "VOLUME-OR-MALICE-REVIEW",
            "Omfattning eller avsikt behöver granskas",
            "Volume or malice needs review",
        ),
        (
            "CONTENT-STILL-ONLINE",
            "Innehållet finns kvar på nätet",
            "The content is still online",
        ),
    ];
    if let Some((_, sv, en)) = known.iter().find(|(c, _, _)| *c == code) {
        return t(sv, en);
    }
    let first = text.split(['.', ':']).next().unwrap_or(text).trim();
    if first.is_empty() {
        code.to_string()
    } else {
        first.to_string()
    }
}

/// The questions behind a finding (`because`: answer keys), as they were asked.
pub fn because_questions(q: &crate::questionnaire::Questionnaire, keys: &[String]) -> String {
    let mut out: Vec<String> = Vec::new();
    for k in keys {
        // `tools.dpa`, `tools[0].dpa` and `people.ref` name the question `tools.dpa`.
        let plain: String = {
            let mut s = String::new();
            let mut skip = false;
            for c in k.chars() {
                match c {
                    '[' => skip = true,
                    ']' => skip = false,
                    _ if !skip => s.push(c),
                    _ => {}
                }
            }
            s
        };
        let text = q
            .question(&plain)
            .map(|x| format!("»{}«", x.prompt.get().trim_end_matches('?').trim()))
            .unwrap_or_else(|| plain.clone());
        if !out.contains(&text) {
            out.push(text);
        }
    }
    out.join("; ")
}

/// The built-in questionnaire `id`, parsed once per process (records in a batch share it).
pub fn questionnaire(id: &str) -> Option<&'static crate::questionnaire::Questionnaire> {
    crate::questionnaire::Questionnaire::shared(id).ok()
}

/// A finding as records show it: title in words, the code beside it, sources, and the
/// questions (as asked in questionnaire `questionnaire`) it rests on.
pub fn finding_for_record(
    f: &crate::finding::Finding,
    questionnaire_id: &str,
) -> serde_json::Value {
    serde_json::json!({
        "code": f.code,
        "title": if f.title.is_empty() { finding_title(&f.code, &f.text) } else { f.title.clone() },
        "text": f.text,
        "sources": sources_text(&f.sources),
        "because": questionnaire(questionnaire_id)
            .map(|q| because_questions(q, &f.because))
            .unwrap_or_else(|| f.because.join(", ")),
        "unsettled": f.unsettled,
    })
}

/// A count with its noun in the right number: "1 åtgärd", "2 åtgärder".
pub fn count(n: usize, one_sv: &str, many_sv: &str, one_en: &str, many_en: &str) -> String {
    let (sv, en) = if n == 1 {
        (one_sv, one_en)
    } else {
        (many_sv, many_en)
    };
    t(&format!("{n} {sv}"), &format!("{n} {en}"))
}

/// The decision box of an account assessment: the conclusion in one sentence and what must
/// be done.
pub fn assessment_decision(
    r: &crate::assessment::account::Assessment,
    must: usize,
    should: usize,
) -> serde_json::Value {
    let exposure = match r.exposure.as_str() {
        "low" => t("låg", "low"),
        "medium" => t("medel", "medium"),
        "high" => t("hög", "high"),
        other => other.to_string(),
    };
    let conclusion = match &r.controller {
        Some(c) if r.joint_with_platform => t(
            &format!("Slutsats: {c} är personuppgiftsansvarig för kontot, gemensamt med {} för besöksstatistik och annonser; exponeringen för CLOUD Act och tredjeland är {exposure}.", r.platform.name),
            &format!("Conclusion: {c} is the controller of the account, jointly with {} for visitor statistics and ads; the exposure to the CLOUD Act and third countries is {exposure}.", r.platform.name),
        ),
        Some(c) => t(
            &format!("Slutsats: {c} är personuppgiftsansvarig för kontot; exponeringen för CLOUD Act och tredjeland är {exposure}."),
            &format!("Conclusion: {c} is the controller of the account; the exposure to the CLOUD Act and third countries is {exposure}."),
        ),
        None => t(
            "Slutsats: det är oklart vem som är personuppgiftsansvarig för kontot – det måste klargöras innan kontot används.",
            "Conclusion: it is unclear who the controller of the account is – that must be settled before the account is used.",
        ),
    };
    let actions = if must == 0 && should == 0 {
        t("Inga åtgärder krävs.", "No actions are required.")
    } else {
        t(
            &format!(
                "{} måste göras (SKA) och {} bör göras (BÖR); se avsnitt 7.",
                count(must, "åtgärd", "åtgärder", "action", "actions"),
                count(should, "", "", "", "").trim()
            ),
            &format!(
                "{} must be done (MUST) and {} should be done (SHOULD); see section 7.",
                count(must, "action", "actions", "action", "actions"),
                should
            ),
        )
    };
    serde_json::json!({ "conclusion": conclusion, "actions": actions })
}

/// Sources as a reader of the record's language names them: the Court of Justice is
/// "EU-domstolen" in Swedish (the JSON keeps the contract's `CJEU C-…`).
pub fn sources_text(sources: &[String]) -> String {
    sources
        .iter()
        .map(|s| match s.strip_prefix("CJEU ") {
            Some(case) => t(&format!("EU-domstolen {case}"), &format!("CJEU {case}")),
            None => s.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}
