//! Demo data for photos and consents: the demo's pupils' consents (one later withdrawn,
//! one expired), photo decisions under the Sollentuna and Nyköping presets showing where
//! local policy is stricter than the law, and a withdrawal with its take-down list.
//! All people are fictional and named by pseudonym only.

use crate::assessment::policy::Policy;
use crate::cli::photo::decide_and_record;
use crate::error::Result;
use crate::questionnaire::Questionnaire;
use crate::registers::accounts::{self, Account};
use crate::registers::consents::{self, Input, Register};
use crate::registers::publications;
use crate::workspace::Workspace;

const SOLL: &str = "sollentuna-skola-ig";
const NYK: &str = "nykoping-fb";

/// (subject, role, birth year, given by, giver, purposes, channel, from, until, evidence, method)
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const CONSENTS: &[Row] = &[
    (
        "elev-0042",
        "pupil",
        "2016",
        "guardian",
        "Vårdnadshavare A",
        "inform_activity,event",
        SOLL,
        "2026-08-17",
        "2027-06-15",
        "BUN 2026/118-1",
        "signed_form",
    ),
    (
        "elev-0107",
        "pupil",
        "2011",
        "subject",
        "Elev 0107",
        "inform_activity,event",
        SOLL,
        "2026-08-17",
        "2027-06-15",
        "BUN 2026/118-2",
        "signed_form",
    ),
    (
        "elev-0107",
        "pupil",
        "2011",
        "guardian",
        "Vårdnadshavare B",
        "inform_activity,event",
        SOLL,
        "2026-08-17",
        "2027-06-15",
        "BUN 2026/118-3",
        "signed_form",
    ),
    (
        "elev-0213",
        "pupil",
        "2012",
        "subject",
        "Elev 0213",
        "inform_activity",
        SOLL,
        "2025-08-18",
        "2026-06-12",
        "BUN 2025/090-7",
        "signed_form",
    ),
    (
        "elev-0213",
        "pupil",
        "2012",
        "guardian",
        "Vårdnadshavare C",
        "inform_activity",
        SOLL,
        "2025-08-18",
        "2026-06-12",
        "BUN 2025/090-8",
        "signed_form",
    ),
    (
        "personal-017",
        "staff",
        "1984",
        "subject",
        "Lärare 017",
        "inform_activity,recruitment",
        SOLL,
        "2026-01-01",
        "2027-12-31",
        "BUN 2026/004-1",
        "signed_form",
    ),
    (
        "deltagare-31",
        "public",
        "1990",
        "subject",
        "Deltagare 31",
        "inform_activity,event,marketing",
        NYK,
        "2026-05-01",
        "2027-04-30",
        "Fotoavtal 2026-31",
        "signed_form",
    ),
    (
        "deltagare-32",
        "public",
        "1975",
        "subject",
        "Deltagare 32",
        "event",
        NYK,
        "2026-05-01",
        "2027-04-30",
        "e-post 2026-05-03",
        "email",
    ),
    (
        "elev-0150",
        "pupil",
        "2012",
        "guardian",
        "Vårdnadshavare C",
        "inform_activity,event",
        SOLL,
        "2026-08-17",
        "2027-06-15",
        "BUN 2026/118-4",
        "signed_form",
    ),
];

/// Pictures: (policy preset, answers file).
const PICTURES: &[(&str, &str)] = &[
    // A 14-year-old with a guardian's consent but not her own (B8): not allowed; the record
    // shows "vårdnadshavare: giltigt …; personen själv: saknas".
    (
        "sollentuna",
        r#"description = "Elev spelar fiol på luciakonserten (fiktiv)"
channel = "sollentuna-skola-ig"
purpose = "event"
published_on = 2026-11-27
identifiable = true
in_focus = true
[[people]]
ref = "elev-0150"
role = "pupil"
age = 14
"#,
    ),
    // Law allows on the guardian's consent; Sollentuna forbids any identifiable child under 13.
    (
        "sollentuna",
        r#"description = "Klass 4B bygger fågelholkar i slöjden (fiktiv)"
channel = "sollentuna-skola-ig"
purpose = "inform_activity"
published_on = 2026-11-23
identifiable = true
in_focus = true
[[people]]
ref = "elev-0042"
role = "pupil"
age = 10
"#,
    ),
    // A 15-year-old with their own and a guardian's consent: allowed under both.
    (
        "sollentuna",
        r#"description = "Elevrådet presenterar höstens tema (fiktiv)"
channel = "sollentuna-skola-ig"
purpose = "inform_activity"
published_on = 2026-11-24
identifiable = true
in_focus = true
[[people]]
ref = "elev-0107"
role = "pupil"
age = 15
"#,
    ),
    // The consent expired in June: not allowed under the law already.
    (
        "sollentuna",
        r#"description = "Skolavslutning, elev läser dikt (fiktiv)"
channel = "sollentuna-skola-ig"
purpose = "inform_activity"
published_on = 2026-11-25
identifiable = true
in_focus = true
[[people]]
ref = "elev-0213"
role = "pupil"
age = 14
"#,
    ),
    // A teacher in the official role: public task under the law; Sollentuna requires
    // written, registered consent — which exists.
    (
        "sollentuna",
        r#"description = "Läraren visar den nya NO-salen (fiktiv)"
channel = "sollentuna-skola-ig"
purpose = "inform_activity"
published_on = 2026-11-26
identifiable = true
in_focus = true
[[people]]
ref = "personal-017"
role = "official"
age = 42
"#,
    ),
    // Nyköping: an official in focus — the law needs no consent, Nyköping a Fotoavtal.
    (
        "nykoping",
        r#"description = "Kommunstyrelsens ordförande inviger lekplatsen (fiktiv)"
channel = "nykoping-fb"
purpose = "event"
published_on = 2026-11-20
identifiable = true
in_focus = true
[[people]]
ref = "ks-ordf"
role = "official"
age = 58
"#,
    ),
    // Nyköping: a crowd picture may rely on the public interest.
    (
        "nykoping",
        r#"description = "Publiken på julmarknaden (fiktiv)"
channel = "nykoping-fb"
purpose = "event"
published_on = 2026-11-29
identifiable = true
in_focus = false
attendees_informed = true
[[people]]
ref = "besokare-1"
role = "public"
age = 40
"#,
    ),
    // Nyköping: two participants in focus; one signed the Fotoavtal, one only e-mailed.
    (
        "nykoping",
        r#"description = "Två deltagare i simskolan för vuxna (fiktiv)"
channel = "nykoping-fb"
purpose = "event"
published_on = 2026-11-21
identifiable = true
in_focus = true
[[people]]
ref = "deltagare-31"
role = "public"
age = 36
[[people]]
ref = "deltagare-32"
role = "public"
age = 51
"#,
    ),
    // Nyköping: one participant with a signed Fotoavtal: allowed.
    (
        "nykoping",
        r#"description = "Deltagare i simskolan för vuxna (fiktiv)"
channel = "nykoping-fb"
purpose = "event"
published_on = 2026-11-22
identifiable = true
in_focus = true
[[people]]
ref = "deltagare-31"
role = "public"
age = 36
"#,
    ),
];

/// Adds the demo's consents, photo decisions and a withdrawal; returns the withdrawn
/// consent's id and its take-down list.
pub fn demo_report(ws: &Workspace) -> Result<(String, Vec<publications::Takedown>)> {
    for (id, platform, owner) in [
        (SOLL, "instagram", "Barn- och utbildningsnämnden"),
        (NYK, "facebook_page", "Kommunstyrelsen"),
    ] {
        if accounts::find(&ws.accounts_csv(), id).is_err() {
            accounts::add(
                &ws.accounts_csv(),
                &Account {
                    id: id.into(),
                    platform: platform.into(),
                    owner: owner.into(),
                    name: String::new(),
                    url: String::new(),
                    responsible: String::new(),
                    admins: None,
                    purpose: String::new(),
                    added_at: crate::clock::now().to_rfc3339(),
                },
            )?;
        }
    }
    let reg = Register::at(ws.consents_csv());
    let channels = consents::known_channels(&ws.accounts_csv())?;
    let mut valid = Vec::new();
    for r in CONSENTS {
        let input = Input {
            subject: r.0.into(),
            role: r.1.into(),
            birth_year: r.2.into(),
            given_by: r.3.into(),
            giver: r.4.into(),
            purpose: r.5.into(),
            channel: r.6.into(),
            media: "photo,video".into(),
            valid_from: r.7.into(),
            valid_until: r.8.into(),
            evidence: r.9.into(),
            notice_version: "2026-1".into(),
            language: "sv".into(),
            collection_method: r.10.into(),
            withdrawal_method: String::new(),
        };
        valid.push(
            consents::validate(&input, &channels, crate::clock::today()).map_err(|p| {
                crate::error::Error::input(format!("demo consent {}: {}", r.0, p[0].message))
            })?,
        );
    }
    let (ids, _) = reg.add(&valid)?;
    let q = Questionnaire::load("photo")?;
    let out = ws.output_dir();
    for (i, (preset, text)) in PICTURES.iter().enumerate() {
        let name = std::path::PathBuf::from(format!("demo-photo-{i}.toml"));
        let answers = q.validate(text, &name)?;
        let policy = Policy::load(preset, ws.config.policy.child_consents_alone_from)?;
        decide_and_record(ws, &q, &answers, &name, &policy, false, &out)?;
    }
    // The guardian of elev-0107 withdraws: the publication that relied on it must come down.
    let withdrawn = ids[2].clone();
    reg.withdraw(
        &withdrawn,
        crate::clock::now(),
        Some("Vårdnadshavare B"),
        "e-post till rektor",
    )?;
    let takedown = publications::Register::at(ws.publications_csv()).relying_on(&withdrawn)?;
    Ok((withdrawn, takedown))
}
