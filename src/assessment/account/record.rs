//! A9: the account's entry in the controller's record of processing activities (Art. 30(1))
//! and the text for its "about" page (Art. 13, Art. 26(2), 1998:112 3 §). Outputs of every
//! assessment, not findings; both read the organisation's DPO contact and retention rule.

use serde::Serialize;

use super::{adequacy, foreign_law, in_eea, Answers, Context, Mechanism, PlatformInfo};
use crate::i18n::Lang;

fn tr(lang: Lang, sv: &str, en: &str) -> String {
    match lang {
        Lang::Sv => sv.to_string(),
        Lang::En => en.to_string(),
    }
}

/// One third-country transfer: who receives, where, on what mechanism.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Transfer {
    pub recipient: String,
    pub country: String,
    pub mechanism: String,
}

/// Art. 30(1)(a)–(g) for one account, phrased in the user's language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProcessingRecord {
    /// (a) the controller and its contact.
    pub controller: String,
    /// (a) the DPO's contact.
    pub dpo: String,
    /// (b) the purposes, with the task in law they serve.
    pub purposes: Vec<String>,
    /// (c) categories of data subjects.
    pub data_subjects: Vec<String>,
    /// (c) categories of personal data.
    pub data_categories: Vec<String>,
    /// (d) recipients.
    pub recipients: Vec<String>,
    /// (e) third-country transfers.
    pub transfers: Vec<Transfer>,
    /// (f) the gallring rule; null when not stated (RETENTION-UNSTATED).
    pub retention: Option<String>,
    /// (g) technical and organisational security measures.
    pub security: Vec<String>,
}

fn mechanism(lang: Lang, country: &str, m: Mechanism) -> String {
    if adequacy::adequate(country) {
        let d = adequacy::decision(country).expect("adequate");
        return tr(
            lang,
            &format!("adekvansbeslut {} (art. 45)", d.decision),
            &format!("adequacy decision {} (Art. 45)", d.decision),
        );
    }
    match m {
        Mechanism::Dpf => tr(
            lang,
            "EU–US Data Privacy Framework (art. 45)",
            "EU–US Data Privacy Framework (Art. 45)",
        ),
        Mechanism::Scc => tr(
            lang,
            "standardavtalsklausuler (art. 46.2 c)",
            "standard contractual clauses (Art. 46(2)(c))",
        ),
        _ => tr(lang, "ingen mekanism angiven", "no mechanism given"),
    }
}

pub(super) fn processing_record(
    a: &Answers,
    cx: &Context,
    controller: Option<&str>,
    p: &PlatformInfo,
) -> ProcessingRecord {
    record_in(crate::i18n::current(), a, cx, controller, p)
}

fn record_in(
    lang: Lang,
    a: &Answers,
    cx: &Context,
    controller: Option<&str>,
    p: &PlatformInfo,
) -> ProcessingRecord {
    let controller = match controller {
        Some(c) if !cx.organisation.is_empty() => format!("{c}, {}", cx.organisation),
        Some(c) => c.to_string(),
        None => tr(
            lang,
            "okänd (beslut krävs)",
            "unknown (a decision is needed)",
        ),
    };
    let dpo = if cx.dpo.trim().is_empty() {
        tr(
            lang,
            "inte angivet i dataskydd.toml",
            "not stated in dataskydd.toml",
        )
    } else {
        cx.dpo.clone()
    };
    let mut purposes = Vec::new();
    if !cx.purpose.trim().is_empty() {
        purposes.push(cx.purpose.trim().to_string());
    } else {
        purposes.push(tr(
            lang,
            "information och kommunikation om nämndens verksamhet",
            "information and communication about the committee's activities",
        ));
    }
    let task = a.account.task_basis.trim();
    purposes.push(if task.is_empty() {
        tr(
            lang,
            "rättslig grund: uppgift av allmänt intresse (art. 6.1 e); uppgiften i lag är inte angiven",
            "legal basis: a task in the public interest (Art. 6(1)(e)); the task in law is not stated",
        )
    } else {
        tr(
            lang,
            &format!("rättslig grund: uppgift av allmänt intresse (art. 6.1 e, 2018:218 2 kap. 2 §) enligt {task}"),
            &format!("legal basis: a task in the public interest (Art. 6(1)(e), 2018:218 2 kap. 2 §) under {task}"),
        )
    });
    let mut data_subjects = vec![
        tr(lang, "besökare på kontot", "visitors to the account"),
        tr(
            lang,
            "personer som kommenterar eller skickar meddelanden",
            "people who comment or send messages",
        ),
        tr(
            lang,
            "personer på publicerade bilder",
            "people in published pictures",
        ),
    ];
    if a.features.audience_children {
        data_subjects.push(tr(
            lang,
            "elever och andra barn",
            "pupils and other children",
        ));
    }
    let mut data_categories = vec![tr(
        lang,
        "namn, profil och innehåll i inlägg och kommentarer; bilder",
        "names, profiles and the content of posts and comments; pictures",
    )];
    if a.features.direct_messages {
        data_categories.push(tr(lang, "direktmeddelanden", "direct messages"));
    }
    if a.features.insights {
        data_categories.push(tr(
            lang,
            "besöksstatistik (aggregerad)",
            "visitor statistics (aggregated)",
        ));
    }
    if a.data.sensitive_expected {
        data_categories.push(tr(
            lang,
            "känsliga personuppgifter som kan komma in (art. 9)",
            "special-category data that may arrive (Art. 9)",
        ));
    }
    if a.data.confidential_expected {
        data_categories.push(tr(
            lang,
            "sekretessbelagda uppgifter som kan komma in (OSL)",
            "confidential information that may arrive (OSL)",
        ));
    }
    let mut recipients = vec![format!(
        "{}{}",
        p.name,
        if p.parent.is_empty() {
            String::new()
        } else {
            format!(" ({})", p.parent)
        }
    )];
    recipients.extend(a.tools.iter().map(|t| t.name.clone()));
    recipients.push(tr(
        lang,
        "den som begär ut allmänna handlingar (TF 2 kap.)",
        "anyone requesting official documents (TF 2 kap.)",
    ));
    let mut transfers = Vec::new();
    let pc = p.parent_country.as_str();
    if pc.is_empty() {
        transfers.push(Transfer {
            recipient: p.name.clone(),
            country: tr(lang, "okänt", "unknown"),
            mechanism: tr(lang, "okänd", "unknown"),
        });
    } else if !in_eea(pc) {
        let m = if adequacy::adequate(pc) {
            Mechanism::NoneNeeded
        } else if p.dpf == "yes" && pc == "US" {
            Mechanism::Dpf
        } else if foreign_law(pc) {
            Mechanism::Scc
        } else {
            Mechanism::NoneNeeded
        };
        transfers.push(Transfer {
            recipient: p.name.clone(),
            country: pc.to_string(),
            mechanism: mechanism(lang, pc, m),
        });
    }
    for t in &a.tools {
        let c = t.country.trim().to_ascii_uppercase();
        if !in_eea(&c) {
            transfers.push(Transfer {
                recipient: t.name.clone(),
                country: c.clone(),
                mechanism: mechanism(lang, &c, t.transfer_mechanism),
            });
        }
    }
    let mut security = vec![match cx.admins {
        Some(n) if n >= 2 => tr(
            lang,
            &format!("{n} namngivna administratörer"),
            &format!("{n} named administrators"),
        ),
        Some(n) => tr(
            lang,
            &format!("{n} administratör(er): färre än två"),
            &format!("{n} administrator(s): fewer than two"),
        ),
        None => tr(
            lang,
            "antalet administratörer är inte registrerat",
            "the number of administrators is not recorded",
        ),
    }];
    if a.features.comments {
        security.push(match a.data.moderation_routine {
            Some(false) => tr(
                lang,
                "ingen dokumenterad modereringsrutin",
                "no documented moderation routine",
            ),
            _ => tr(
                lang,
                "dokumenterad rutin för tillsyn av kommentarer (1998:112 4 §)",
                "documented routine for supervising comments (1998:112 4 §)",
            ),
        });
    }
    ProcessingRecord {
        controller,
        dpo,
        purposes,
        data_subjects,
        data_categories,
        recipients,
        transfers,
        retention: cx.retention.clone().filter(|r| !r.trim().is_empty()),
        security,
    }
}

/// How `dataskydd notice` prints the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeFormat {
    Markdown,
    Text,
}

/// The notice for the account's "about" page, in `lang`.
pub fn notice_text(
    a: &Answers,
    cx: &Context,
    controller: Option<&str>,
    p: &PlatformInfo,
    lang: Lang,
    format: NoticeFormat,
) -> String {
    let r = record_in(lang, a, cx, controller, p);
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    let h = |sv: &str, en: &str| tr(lang, sv, en);
    sections.push((
        h("Personuppgiftsansvarig", "Controller"),
        vec![tr(
            lang,
            &format!("{} är personuppgiftsansvarig för behandlingen av personuppgifter på det här kontot.", r.controller),
            &format!("{} is the controller for the processing of personal data on this account.", r.controller),
        )],
    ));
    sections.push((
        h("Dataskyddsombud", "Data protection officer"),
        vec![r.dpo.clone()],
    ));
    sections.push((
        h("Ändamål och rättslig grund", "Purposes and legal basis"),
        r.purposes.clone(),
    ));
    sections.push((
        h("Allmänna handlingar", "Official documents"),
        vec![h(
            "Det du skriver eller skickar till kontot blir en allmän handling som kan lämnas ut till den som begär det, om inte sekretess gäller (tryckfrihetsförordningen 2 kap.).",
            "What you post or send to the account becomes an official document (allmän handling) that may be disclosed to anyone who asks, unless secrecy applies (the Freedom of the Press Act, chapter 2).",
        )],
    ));
    if a.features.comments {
        sections.push((
            h("Kommentarer", "Comments"),
            vec![h(
                "Vi tar bort inlägg och kommentarer som är uppenbart brottsliga, som kränker någon eller som innehåller känsliga personuppgifter, och sparar dem först som allmänna handlingar (lagen (1998:112) om ansvar för elektroniska anslagstavlor 5 §).",
                "We remove posts and comments that are obviously criminal, that violate someone's privacy or that contain sensitive personal data, saving them first as official documents (the Bulletin Board Act (1998:112) section 5).",
            )],
        ));
    }
    let addendum = p.addendum.clone().unwrap_or_default();
    sections.push((
        h("Gemensamt ansvar med plattformen", "Joint controllership with the platform"),
        vec![if addendum.is_empty() {
            tr(
                lang,
                &format!("{} behandlar också besökarnas uppgifter för egna ändamål. Läs plattformens egen dataskyddsinformation.", p.name),
                &format!("{} also processes visitors' data for its own purposes. Read the platform's own privacy notice.", p.name),
            )
        } else {
            tr(
                lang,
                &format!("Vi och {} är gemensamt personuppgiftsansvariga för besöksstatistiken. Det väsentliga innehållet i arrangemanget finns i {addendum}, som {} publicerar (art. 26.2).", p.name, p.name),
                &format!("We and {} are joint controllers for the visitor statistics. The essence of the arrangement is in the {addendum}, which {} publishes (Art. 26(2)).", p.name, p.name),
            )
        }],
    ));
    if !r.transfers.is_empty() {
        sections.push((
            h("Överföring till tredjeland", "Transfers to third countries"),
            r.transfers
                .iter()
                .map(|t| format!("{}: {} ({})", t.recipient, t.country, t.mechanism))
                .collect(),
        ));
    }
    sections.push((
        h("Hur länge", "How long"),
        vec![r.retention.clone().unwrap_or_else(|| {
            h(
                "Uppgifterna gallras enligt nämndens dokumenthanteringsplan.",
                "The data are erased under the committee's records management plan.",
            )
        })],
    ));
    sections.push((
        h("Dina rättigheter", "Your rights"),
        vec![h(
            "Du har rätt att få tillgång till dina uppgifter, få dem rättade eller raderade, begränsa behandlingen, få dem överförda och invända mot behandlingen (art. 15–21 dataskyddsförordningen). Du har rätt att klaga till Integritetsskyddsmyndigheten (IMY), imy.se.",
            "You have the right to access your data, to have them rectified or erased, to restrict the processing, to data portability and to object to the processing (GDPR Arts. 15–21). You have the right to complain to the Swedish Authority for Privacy Protection (IMY), imy.se.",
        )],
    ));
    if a.features.direct_messages {
        sections.push((
            h("Skicka inte känsliga uppgifter", "Do not send sensitive data"),
            vec![h(
                "Skicka inte känsliga uppgifter (till exempel om hälsa) eller uppgifter i ett ärende via meddelanden här. Kontakta oss i stället via de kanaler som anges på vår webbplats.",
                "Do not send sensitive data (for example about health) or details of a case through messages here. Contact us instead through the channels on our website.",
            )],
        ));
    }
    let title = h(
        "Så behandlar vi dina personuppgifter",
        "How we process your personal data",
    );
    let mut s = String::new();
    match format {
        NoticeFormat::Markdown => {
            s.push_str(&format!("# {title}\n"));
            for (head, paras) in &sections {
                s.push_str(&format!("\n## {head}\n\n"));
                if paras.len() > 1 {
                    for p in paras {
                        s.push_str(&format!("- {p}\n"));
                    }
                } else {
                    for p in paras {
                        s.push_str(&format!("{p}\n"));
                    }
                }
            }
        }
        NoticeFormat::Text => {
            s.push_str(&format!("{title}\n{}\n", "=".repeat(title.chars().count())));
            for (head, paras) in &sections {
                s.push_str(&format!("\n{head}\n"));
                for p in paras {
                    s.push_str(&format!("{}{p}\n", if paras.len() > 1 { "- " } else { "" }));
                }
            }
        }
    }
    s
}
