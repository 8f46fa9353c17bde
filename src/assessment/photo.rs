//! May this picture be published? DOMAIN.md part 1 B as a pure function.
//!
//! [`decide`] takes the typed answers, the consents found for the people in the picture
//! (looked up by the caller, so this stays pure) and the local policy. It first fixes the
//! legal baseline (rules 1–9, in order), then applies the policy, which can only be
//! stricter; the final decision is the stricter of the two.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::policy::{Kind, Policy, Rule};
use crate::finding::{outcomes, Finding};
use crate::i18n::t;
use crate::registers::consents::Status;

/// The purpose of the publication (`purpose`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    InformActivity,
    Event,
    Marketing,
    Recruitment,
    Documentation,
}

impl Purpose {
    pub fn id(self) -> &'static str {
        match self {
            Purpose::InformActivity => "inform_activity",
            Purpose::Event => "event",
            Purpose::Marketing => "marketing",
            Purpose::Recruitment => "recruitment",
            Purpose::Documentation => "documentation",
        }
    }
    /// Purposes the municipality's public task covers (rules 5 and 6).
    pub fn public(self) -> bool {
        matches!(
            self,
            Purpose::InformActivity | Purpose::Event | Purpose::Documentation
        )
    }
}

impl std::fmt::Display for Purpose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// B2: the area of the secrecy a picture reveals (`confidential_area`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfidentialArea {
    School,
    SocialServices,
    Health,
    Other,
}

impl ConfidentialArea {
    /// The chapter and section of OSL (2009:400) that protects it.
    pub fn source(self) -> &'static str {
        match self {
            ConfidentialArea::School => "2009:400 (OSL) 23 kap. 2 §",
            ConfidentialArea::SocialServices => "2009:400 (OSL) 26 kap. 1 §",
            ConfidentialArea::Health => "2009:400 (OSL) 25 kap. 1 §",
            ConfidentialArea::Other => "2009:400 (OSL), tillämpligt kapitel",
        }
    }
}

/// A picture with someone identifiable but nobody listed (B3): the answers are refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadAnswer {
    pub field: &'static str,
    pub message: String,
}

impl PhotoAnswers {
    /// B3: an identifiable picture needs the people in it.
    pub fn check(&self) -> std::result::Result<(), BadAnswer> {
        if self.identifiable && self.people.is_empty() {
            return Err(BadAnswer {
                field: "people",
                message: t(
                    "en bild där någon går att identifiera behöver personerna på den ([[people]]); ange var och en, eller identifiable = false om ingen går att känna igen",
                    "an identifiable picture needs the people in it ([[people]]); list each of them, or identifiable = false if nobody can be recognised",
                ),
            });
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct PhotoAnswers {
    #[serde(default)]
    pub description: String,
    pub channel: String,
    pub purpose: Purpose,
    pub published_on: chrono::NaiveDate,
    pub identifiable: bool,
    #[serde(default = "yes")]
    pub in_focus: bool,
    #[serde(default)]
    pub reveals_sensitive: bool,
    #[serde(default)]
    pub reveals_confidential: bool,
    /// B2: which secrecy (asked when `reveals_confidential`).
    #[serde(default)]
    pub confidential_area: Option<ConfidentialArea>,
    #[serde(default)]
    pub attendees_informed: bool,
    #[serde(default)]
    pub people: Vec<Person>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct Person {
    #[serde(rename = "ref")]
    pub reference: String,
    pub role: Role,
    #[serde(default)]
    pub age: Option<u32>,
    #[serde(default)]
    pub protected_identity: bool,
}

/// Who the person in the picture is (`people.role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Pupil,
    Child,
    Staff,
    /// Staff or elected in their official role.
    Official,
    Public,
}

impl Role {
    pub fn id(self) -> &'static str {
        match self {
            Role::Pupil => "pupil",
            Role::Child => "child",
            Role::Staff => "staff",
            Role::Official => "official",
            Role::Public => "public",
        }
    }
}

/// The ages a person may have on the publication date: `(lo, hi)`.
pub type Ages = (u32, u32);

impl Person {
    /// B4: the age from the answers; else from the consent register's birth year on
    /// `published_on` (either side of the birthday); else, for pupils and children, any age
    /// under 18 (so both the child's own and a guardian's consent are needed, and a local age
    /// limit treats them as under it); others of unknown age as adults.
    pub fn ages(&self, birth_year: Option<i32>, on: chrono::NaiveDate) -> Ages {
        use chrono::Datelike;
        if let Some(a) = self.age {
            return (a, a);
        }
        if let Some(y) = birth_year {
            let d = (on.year() - y).max(0) as u32;
            return (d.saturating_sub(1), d);
        }
        if matches!(self.role, Role::Pupil | Role::Child) {
            (0, 17)
        } else {
            (18, 18)
        }
    }
}

/// One consent in the register as it stands for this picture's use and date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentView {
    pub consent_id: String,
    /// subject | guardian
    pub given_by: String,
    pub status: Status,
    pub collection_method: String,
    pub evidence: String,
    /// The person's birth year in the register (B4).
    pub birth_year: Option<i32>,
    /// B5: registered as explicit consent for the sensitive context (`--explicit-art9`).
    pub explicit_art9: bool,
}

/// The consents found per person reference.
pub type ConsentLookup = HashMap<String, Vec<ConsentView>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Allowed,
    AllowedWithConditions,
    NotAllowed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    None,
    NoneNeeded,
    PublicTask,
    Consent,
    ExplicitConsent,
}

/// A person's consent status in the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonConsent {
    Valid,
    Missing,
    Withdrawn,
    Expired,
    OutOfScope,
    NotNeeded,
}

impl PersonConsent {
    /// `not_yet_valid` is not active on the day: outside the consent's scope in time.
    fn from(s: Status) -> PersonConsent {
        match s {
            Status::Valid => PersonConsent::Valid,
            Status::Missing => PersonConsent::Missing,
            Status::Withdrawn => PersonConsent::Withdrawn,
            Status::Expired => PersonConsent::Expired,
            Status::NotYetValid | Status::OutOfScope => PersonConsent::OutOfScope,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            PersonConsent::Valid => "valid",
            PersonConsent::Missing => "missing",
            PersonConsent::Withdrawn => "withdrawn",
            PersonConsent::Expired => "expired",
            PersonConsent::OutOfScope => "out_of_scope",
            PersonConsent::NotNeeded => "not_needed",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Law {
    pub decision: Decision,
    pub basis: Basis,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PolicyResult {
    pub preset: String,
    pub decision: Decision,
    pub rules: Vec<String>,
}

/// B8: one consent the rule needs for a person, per giver.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Required {
    /// guardian | subject
    pub giver: String,
    /// valid | missing | withdrawn | expired | out_of_scope | not_yet_valid | wrong_form
    pub status: String,
    pub consent_id: Option<String>,
    /// e.g. "giltigt (e-post), inte ett Fotoavtal"
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PersonResult {
    #[serde(rename = "ref")]
    pub reference: String,
    pub consent: PersonConsent,
    pub consent_ids: Vec<String>,
    /// B8: every consent the rule needs, one per giver, with its own status.
    #[serde(default)]
    pub required: Vec<Required>,
    pub role: Role,
    /// The basis this person's appearance needs under the law.
    pub basis: Basis,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PhotoDecision {
    pub kind: String,
    pub decision: Decision,
    pub law: Law,
    pub policy: PolicyResult,
    pub people: Vec<PersonResult>,
    pub conditions: Vec<String>,
    pub outcomes: Vec<String>,
    pub findings: Vec<Finding>,
}

/// The medium a picture is: consents must cover it.
pub const MEDIUM: &str = "photo";

/// Whose consent counts for a person (rule 7), over every age the person may have (B4).
fn givers(ages: Ages, alone_from: Option<u32>) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for age in ages.0..=ages.1.max(ages.0) {
        for g in givers_at(age, alone_from) {
            if !out.contains(&g) {
                out.push(g);
            }
        }
    }
    // Subject first, as the record lists them.
    out.sort_by_key(|g| *g != "subject");
    out
}

fn givers_at(age: u32, alone_from: Option<u32>) -> Vec<&'static str> {
    if age < 13 {
        vec!["guardian"]
    } else if age < 18 {
        if alone_from.is_some_and(|a| age >= a) {
            vec!["subject"]
        } else {
            vec!["subject", "guardian"]
        }
    } else {
        vec!["subject"]
    }
}

/// A person's consent for the required givers: valid when every giver's is (with the ids
/// relied on); otherwise the status that explains best why not.
fn consent_for(
    views: &[ConsentView],
    givers: &[&str],
    accept: &dyn Fn(&ConsentView) -> bool,
) -> (PersonConsent, Vec<String>, Vec<Required>) {
    let mut ids = Vec::new();
    let mut worst: Option<Status> = None;
    let mut required = Vec::new();
    for g in givers {
        let all: Vec<&ConsentView> = views.iter().filter(|v| v.given_by == *g).collect();
        let mine: Vec<&ConsentView> = all.iter().copied().filter(|v| accept(v)).collect();
        let valid: Vec<&&ConsentView> = mine.iter().filter(|v| v.status == Status::Valid).collect();
        if valid.is_empty() {
            let best = mine.iter().max_by_key(|v| v.status.weight());
            let s = best.map(|v| v.status).unwrap_or(Status::Missing);
            if worst.is_none_or(|w| s.weight() > w.weight()) {
                worst = Some(s);
            }
            // B8: a consent valid in law but not of the form asked for.
            let wrong_form = all.iter().find(|v| v.status == Status::Valid && !accept(v));
            required.push(match wrong_form {
                Some(v) if s == Status::Missing => Required {
                    giver: g.to_string(),
                    status: "wrong_form".into(),
                    consent_id: Some(v.consent_id.clone()),
                    note: t(
                        &format!(
                            "giltigt ({}), men inte av den form som krävs",
                            method_label(&v.collection_method)
                        ),
                        &format!(
                            "valid ({}), but not of the form required",
                            method_label(&v.collection_method)
                        ),
                    ),
                },
                _ => Required {
                    giver: g.to_string(),
                    status: s.name().to_string(),
                    consent_id: best.map(|v| v.consent_id.clone()),
                    note: String::new(),
                },
            });
        } else {
            ids.extend(valid.iter().map(|v| v.consent_id.clone()));
            required.push(Required {
                giver: g.to_string(),
                status: "valid".into(),
                consent_id: Some(valid[0].consent_id.clone()),
                note: String::new(),
            });
        }
    }
    match worst {
        None => (PersonConsent::Valid, ids, required),
        Some(s) => (PersonConsent::from(s), Vec::new(), required),
    }
}

fn method_label(m: &str) -> String {
    match m {
        "signed_form" => t("undertecknad blankett", "signed form"),
        "e_signature" => t("e-underskrift", "e-signature"),
        "email" => t("e-post", "e-mail"),
        _ => t("annat sätt", "other means"),
    }
}

/// "vårdnadshavare: giltigt c-…; eleven själv: saknas" (B8).
pub fn required_text(r: &[Required]) -> String {
    r.iter()
        .map(|q| {
            let who = if q.giver == "guardian" {
                t("vårdnadshavare", "guardian")
            } else {
                t("personen själv", "the person")
            };
            let status = match q.status.as_str() {
                "valid" => t("giltigt", "valid"),
                "missing" => t("saknas", "missing"),
                "withdrawn" => t("återkallat", "withdrawn"),
                "expired" => t("utgånget", "expired"),
                "not_yet_valid" => t("gäller ännu inte", "not yet valid"),
                "wrong_form" => q.note.clone(),
                _ => t("täcker inte användningen", "does not cover the use"),
            };
            match &q.consent_id {
                Some(id) if q.status != "wrong_form" => format!("{who}: {status} {id}"),
                Some(id) => format!("{who}: {status} ({id})"),
                None => format!("{who}: {status}"),
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn person_key(i: usize, leaf: &str) -> String {
    format!("people[{i}].{leaf}")
}

/// The decision: the legal baseline, then the local policy, the stricter one final.
pub fn decide(a: &PhotoAnswers, consents: &ConsentLookup, policy: &Policy) -> PhotoDecision {
    let empty = Vec::new();
    let views = |p: &Person| consents.get(&p.reference).unwrap_or(&empty);
    let mut findings = Vec::new();
    let mut conditions: Vec<String> = Vec::new();
    let mut people: Vec<PersonResult> = a
        .people
        .iter()
        .map(|p| PersonResult {
            reference: p.reference.clone(),
            consent: PersonConsent::NotNeeded,
            consent_ids: Vec::new(),
            required: Vec::new(),
            role: p.role,
            basis: Basis::NoneNeeded,
        })
        .collect();
    let public_purpose = a.purpose.public();
    // B4: every age each person may have on the day.
    let ages: Vec<Ages> = a
        .people
        .iter()
        .map(|p| p.ages(views(p).iter().find_map(|v| v.birth_year), a.published_on))
        .collect();
    let mut not_explicit: Vec<usize> = Vec::new();
    let objections = t(
        "Respektera invändningar: den som invänder ska tas bort från publiceringen (art. 21).",
        "Honour objections: anyone who objects is removed from the publication (Art. 21).",
    );

    // Rule 1: nobody identifiable — no personal data.
    let law = if !a.identifiable {
        findings.push(
            Finding::new(
                "NO-PERSONAL-DATA",
                t(
                    "Ingen går att identifiera på bilden: den innehåller inga personuppgifter och ingen rättslig grund behövs.",
                    "No one can be identified in the picture: it holds no personal data and needs no legal basis.",
                ),
            )
            .sources(&["GDPR art. 4(1)"])
            .because(&["identifiable"]),
        );
        Law {
            decision: Decision::Allowed,
            basis: Basis::NoneNeeded,
        }
    } else {
        // What each person's appearance needs (rules 4–6), and their consent (rule 7).
        for (i, p) in a.people.iter().enumerate() {
            let minor = ages[i].0 < 18;
            let basis = if a.reveals_sensitive {
                Basis::ExplicitConsent
            } else if !a.in_focus && public_purpose {
                if minor {
                    Basis::Consent
                } else {
                    Basis::PublicTask
                }
            } else if a.in_focus && public_purpose && p.role == Role::Official {
                Basis::PublicTask
            } else {
                Basis::Consent
            };
            people[i].basis = basis;
            if basis == Basis::ExplicitConsent {
                // B5: only a consent registered as explicit for the context counts, and a
                // child consenting alone does not suffice: a guardian too (unsettled).
                let mut g = givers(ages[i], policy.child_consents_alone_from);
                if minor && !g.contains(&"guardian") {
                    g.push("guardian");
                }
                let (c, ids, req) = consent_for(views(p), &g, &|v| v.explicit_art9);
                if c != PersonConsent::Valid
                    && consent_for(views(p), &g, &|_| true).0 == PersonConsent::Valid
                {
                    not_explicit.push(i);
                }
                people[i].consent = c;
                people[i].consent_ids = ids;
                people[i].required = req;
            } else if basis >= Basis::Consent {
                let (c, ids, req) = consent_for(
                    views(p),
                    &givers(ages[i], policy.child_consents_alone_from),
                    &|_| true,
                );
                people[i].consent = c;
                people[i].consent_ids = ids;
                people[i].required = req;
            }
        }
        let protected: Vec<usize> = (0..a.people.len())
            .filter(|&i| a.people[i].protected_identity)
            .collect();
        let needing: Vec<usize> = (0..a.people.len())
            .filter(|&i| people[i].basis >= Basis::Consent)
            .collect();
        let defective: Vec<usize> = needing
            .iter()
            .copied()
            .filter(|&i| people[i].consent != PersonConsent::Valid)
            .collect();
        let refs = |idx: &[usize]| -> String {
            idx.iter()
                .map(|&i| {
                    if people[i].required.is_empty() {
                        format!("{} ({})", a.people[i].reference, people[i].consent.name())
                    } else {
                        format!(
                            "{} ({})",
                            a.people[i].reference,
                            required_text(&people[i].required)
                        )
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let keys = |idx: &[usize], leaf: &str| -> Vec<String> {
            idx.iter().map(|&i| person_key(i, leaf)).collect()
        };
        let mut basis = people
            .iter()
            .map(|p| p.basis)
            .max()
            .unwrap_or(Basis::NoneNeeded);
        // Rule 2: protected identity — never.
        if !protected.is_empty() {
            let mut f = Finding::new(
                "BLOCK-PROTECTED-IDENTITY",
                t(
                    &format!(
                        "{} har skyddade personuppgifter. Bilden får aldrig publiceras, inte ens med personen i bakgrunden.",
                        protected.iter().map(|&i| a.people[i].reference.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                    &format!(
                        "{} has a protected identity. The picture must never be published, not even with the person in the background.",
                        protected.iter().map(|&i| a.people[i].reference.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                ),
            )
            .sources(&[
                "2009:400 (OSL) 21 kap. 3 §",
                "folkbokföringslagen (1991:481) 16 §",
                "JO 1246-1993",
            ]);
            if protected
                .iter()
                .any(|&i| matches!(a.people[i].role, Role::Pupil | Role::Child))
            {
                f = f.sources(&["2009:400 (OSL) 23 kap."]);
            }
            f.because = keys(&protected, "protected_identity");
            findings.push(f);
            conditions.push(t(
                "Om bilden redan har publicerats: ta ner den och kontakta genast personen eller vårdnadshavarna.",
                "If the picture was already published: take it down and contact the person or the guardians at once.",
            ));
            basis = Basis::None;
        }
        // Rule 3: sekretess — never.
        if a.reveals_confidential {
            findings.push(
                Finding::new(
                    "BLOCK-SEKRETESS",
                    t(
                        "Bilden röjer sekretessbelagda uppgifter (t.ex. särskilt stöd, placering). Den får inte publiceras.",
                        "The picture reveals confidential (OSL) information (e.g. special support, placement). It must not be published.",
                    ),
                )
                .sources(&[a
                    .confidential_area
                    .unwrap_or(ConfidentialArea::Other)
                    .source()])
                .because(&["reveals_confidential", "confidential_area"]),
            );
            basis = Basis::None;
        }
        let blocked = !protected.is_empty() || a.reveals_confidential;
        let mut decision = if blocked {
            Decision::NotAllowed
        } else {
            Decision::Allowed
        };
        if !blocked {
            if a.reveals_sensitive {
                // Rule 4: Art. 9 — explicit consent from everyone.
                if defective.is_empty() {
                    let mut f = Finding::new(
                        "BASIS-CONSENT-OK",
                        t(
                            "Bilden kan avslöja känsliga uppgifter; alla på bilden har ett giltigt uttryckligt samtycke som täcker syftet, kanalen och bild.",
                            "The picture may reveal special-category data; everyone in it has a valid explicit consent covering the purpose, the channel and photo.",
                        ),
                    )
                    .sources(&["GDPR art. 9(2)(a)", "GDPR art. 7"]);
                    f.because = vec!["reveals_sensitive".into()];
                    f.because.extend(keys(&needing, "ref"));
                    findings.push(f);
                } else {
                    if !not_explicit.is_empty() {
                        let who = not_explicit
                            .iter()
                            .map(|&i| a.people[i].reference.as_str())
                            .collect::<Vec<_>>()
                            .join(", ");
                        let mut f = Finding::law("ART9-CONSENT-NOT-EXPLICIT", &[("who", who)]);
                        f.because = vec!["reveals_sensitive".into()];
                        f.because.extend(keys(&not_explicit, "ref"));
                        if not_explicit.iter().any(|&i| ages[i].0 < 18) {
                            f = f.unsettled().and(t(
                            " Ett barns eget samtycke räcker inte för känsliga uppgifter: även en vårdnadshavare ska samtycka (standard; rättsläget är oklart).",
                            " A child's own consent does not suffice for special-category data: a guardian must consent too (default; the law is unsettled).",
                        ));
                        }
                        findings.push(f);
                        decision = Decision::NotAllowed;
                    }
                    let defective: Vec<usize> = defective
                        .iter()
                        .copied()
                        .filter(|i| !not_explicit.contains(i))
                        .collect();
                    if !defective.is_empty() {
                        let mut f = Finding::new(
                        "ART9-BASIS-NEEDED",
                        t(
                            &format!(
                                "Bilden kan avslöja känsliga uppgifter: varje person behöver ett uttryckligt samtycke. Saknas eller brister för: {}.",
                                refs(&defective)
                            ),
                            &format!(
                                "The picture may reveal special-category data: everyone needs explicit consent. Missing or defective for: {}.",
                                refs(&defective)
                            ),
                        ),
                    )
                    .sources(&["GDPR art. 9(1)", "GDPR art. 9(2)(a)", "GDPR art. 7"]);
                        f.because = vec!["reveals_sensitive".into()];
                        f.because.extend(keys(&defective, "ref"));
                        findings.push(f);
                        decision = Decision::NotAllowed;
                    }
                }
            } else if !a.in_focus && public_purpose {
                // Rule 5: a crowd picture for the municipality's information.
                let children: Vec<usize> = needing.clone();
                if !defective.is_empty() {
                    let mut f = Finding::new(
                        "CONSENT-DEFECTIVE",
                        t(
                            &format!(
                                "Barn som går att känna igen i en bild av många personer behöver var sitt giltigt samtycke. Saknas eller brister för: {}. Gör barnen oigenkännliga eller välj en annan bild.",
                                refs(&defective)
                            ),
                            &format!(
                                "Recognisable children in a crowd picture each need a valid consent. Missing or defective for: {}. Make the children unrecognisable or choose another picture.",
                                refs(&defective)
                            ),
                        ),
                    )
                    .sources(&["GDPR art. 6(1)(a)", "GDPR art. 7", "GDPR skäl 38"])
                    .unsettled()
                    .and(crowd_child_default());
                    f.because = vec!["in_focus".into()];
                    f.because.extend(keys(&defective, "age"));
                    findings.push(f);
                    conditions.push(t(
                        "Gör barnen oigenkännliga (beskär, oskärpa) innan bilden publiceras.",
                        "Make the children unrecognisable (crop, blur) before publishing.",
                    ));
                    decision = Decision::NotAllowed;
                } else if !children.is_empty() {
                    let mut f = Finding::new(
                        "BASIS-CONSENT-OK",
                        t(
                            "Barnen som går att känna igen har var sitt giltigt samtycke från rätt person.",
                            "The recognisable children each have a valid consent from the right person.",
                        ),
                    )
                    .sources(&["GDPR art. 6(1)(a)", "GDPR art. 7", "GDPR skäl 38"])
                    .unsettled()
                    .and(crowd_child_default());
                    f.because = keys(&children, "ref");
                    findings.push(f);
                }
                if a.attendees_informed {
                    findings.push(
                        Finding::new(
                            "BASIS-PUBLIC-TASK-OK",
                            t(
                                "Bilden visar många personer och syftet är inte att visa enskilda: grunden är en uppgift av allmänt intresse, och de närvarande informerades i förväg.",
                                "The picture shows many people and its purpose is not to show individuals: the basis is a task in the public interest, and those present were informed beforehand.",
                            ),
                        )
                        .sources(&["GDPR art. 6(1)(e)", "2018:218 2 kap. 2 §", "GDPR art. 21"])
                        .because(&["in_focus", "purpose", "attendees_informed"])
                        .unsettled(),
                    );
                } else {
                    findings.push(
                        Finding::new(
                            "CROWD-INFO-NEEDED",
                            t(
                                "Bilden visar många personer: grunden är en uppgift av allmänt intresse, men de närvarande informerades inte i förväg. Informera (skyltar, inbjudan) och ta bort den som invänder.",
                                "The picture shows many people: the basis is a task in the public interest, but those present were not informed beforehand. Inform them (signs, invitation) and remove anyone who objects.",
                            ),
                        )
                        .sources(&["GDPR art. 6(1)(e)", "2018:218 2 kap. 2 §", "GDPR art. 13", "GDPR art. 21"])
                        .because(&["in_focus", "purpose", "attendees_informed"])
                        .unsettled(),
                    );
                    conditions.push(t(
                        "Informera om fotograferingen vid kommande tillfällen (skyltar, inbjudan) och här i inlägget.",
                        "Inform about the photography at future occasions (signs, invitation) and in the post.",
                    ));
                    decision = decision.max(Decision::AllowedWithConditions);
                }
                conditions.push(objections.clone());
            } else {
                // Rule 6: individuals in focus (or any picture for marketing/recruitment).
                let public_task: Vec<usize> = (0..a.people.len())
                    .filter(|&i| people[i].basis == Basis::PublicTask)
                    .collect();
                if !public_task.is_empty() {
                    let mut f = Finding::new(
                        "BASIS-PUBLIC-TASK-OK",
                        t(
                            "Förtroendevalda och personal i sin tjänsteroll kan visas som en uppgift av allmänt intresse när syftet är att informera om verksamheten. Berättigat intresse kan aldrig vara grund för kommunens uppgifter.",
                            "Elected officials and staff in their official role can be shown as a task in the public interest when the purpose is to inform about the activity. Legitimate interest can never be the basis for the municipality's tasks.",
                        ),
                    )
                    .sources(&["GDPR art. 6(1)(e)", "2018:218 2 kap. 2 §", "GDPR art. 6(1) sista stycket", "GDPR art. 21"]);
                    f.because = vec!["in_focus".into(), "purpose".into()];
                    f.because.extend(keys(&public_task, "role"));
                    findings.push(f);
                    conditions.push(objections.clone());
                }
                if !needing.is_empty() {
                    if defective.is_empty() {
                        let mut f = Finding::new(
                            "BASIS-CONSENT-OK",
                            t(
                                "Alla som behöver samtycka har ett giltigt samtycke från rätt person som täcker syftet, kanalen och bild den dag bilden publiceras.",
                                "Everyone who must consent has a valid consent from the right person covering the purpose, the channel and photo on the publication date.",
                            ),
                        )
                        .sources(&["GDPR art. 6(1)(a)", "GDPR art. 7"]);
                        f.because =
                            vec!["in_focus".into(), "purpose".into(), "published_on".into()];
                        f.because.extend(keys(&needing, "ref"));
                        findings.push(f);
                        conditions.push(t(
                            "Ta ner bilden om ett samtycke återkallas (när återkallelsen registreras listas bilden bland det som ska tas ned); arkivexemplaret som allmän handling behålls.",
                            "Take the picture down if a consent is withdrawn (when the withdrawal is registered, the picture is listed among what must be taken down); the archived copy kept as an official document stays.",
                        ));
                    } else {
                        let mut f = Finding::new(
                            "CONSENT-DEFECTIVE",
                            t(
                                &format!(
                                    "Samtycke behövs men saknas eller brister (saknas, återkallat, utgånget, gäller inte syftet, kanalen, bild eller dagen, eller är inte lämnat av rätt person) för: {}.",
                                    refs(&defective)
                                ),
                                &format!(
                                    "Consent is needed but missing or defective (missing, withdrawn, expired, not covering the purpose, the channel, photo or the date, or not given by the right person) for: {}.",
                                    refs(&defective)
                                ),
                            ),
                        )
                        .sources(&["GDPR art. 6(1)(a)", "GDPR art. 7"]);
                        f.because =
                            vec!["in_focus".into(), "purpose".into(), "published_on".into()];
                        f.because.extend(keys(&defective, "ref"));
                        findings.push(f);
                        decision = Decision::NotAllowed;
                    }
                }
                let staff: Vec<usize> = needing
                    .iter()
                    .copied()
                    .filter(|&i| matches!(a.people[i].role, Role::Staff | Role::Official))
                    .collect();
                if !staff.is_empty() {
                    let mut f = Finding::new(
                        "STAFF-CONSENT-FREE",
                        t(
                            "Bör: personalens samtycke måste vara verkligt frivilligt. En anställd kan sällan samtycka fritt till sin arbetsgivare; ett nej får inte få några följder.",
                            "Should: staff consent must be genuinely free. An employee can rarely consent freely to the employer; refusing must have no consequences.",
                        ),
                    )
                    .sources(&["Recital 43", "EDPB 05/2020", "GDPR art. 7(4)"]);
                    f.because = keys(&staff, "role");
                    findings.push(f);
                }
            }
        }
        // Rule 7: 13–17 — the age at which a child consents alone is unsettled.
        let teens: Vec<usize> = needing
            .iter()
            .copied()
            .filter(|&i| ages[i].0 < 18 && ages[i].1 >= 13)
            .collect();
        if !teens.is_empty() {
            let how = match policy.child_consents_alone_from {
                Some(n) => t(
                    &format!("Profilen anger att en elev från {n} år samtycker själv."),
                    &format!("The profile says a pupil consents alone from {n}."),
                ),
                None => t(
                    "Standard: både barnet och en vårdnadshavare samtycker.",
                    "Default: both the child and a guardian consent.",
                ),
            };
            let mut f = Finding::new(
                "CHILD-AGE-POLICY-UNSETTLED",
                t(
                    &format!(
                        "Det finns ingen lagstadgad ålder för när ett barn själv kan samtycka till att kommunen publicerar en bild av barnet. {how} Dokumentera bedömningen av barnets mognad."
                    ),
                    &format!(
                        "No statute fixes the age at which a child can consent alone to the municipality publishing their picture. {how} Document the assessment of the child's maturity."
                    ),
                ),
            )
            .sources(&["föräldrabalken (1949:381) 6 kap. 11 §", "GDPR skäl 38", "Dir. 2025:91"])
            .unsettled();
            f.because = keys(&teens, "age");
            findings.push(f);
        }
        Law { decision, basis }
    };

    // Local policy: only stricter.
    let mut rules_applied = Vec::new();
    let mut policy_decision = Decision::Allowed;
    if a.identifiable {
        for rule in &policy.rules {
            if rule.kind == Kind::AmbiguousAges {
                // B7: the local rules read differently for these ages: flag, do not decide.
                let (lo, hi) = (rule.min_age.unwrap_or(0), rule.max_age.unwrap_or(u32::MAX));
                let hit: Vec<usize> = (0..a.people.len())
                    .filter(|&i| {
                        (rule.roles.is_empty()
                            || rule.roles.iter().any(|r| r == a.people[i].role.id()))
                            && ages[i].0 <= hi
                            && ages[i].1 >= lo
                    })
                    .collect();
                if !hit.is_empty() {
                    rules_applied.push(rule.id.clone());
                    let who = hit
                        .iter()
                        .map(|&i| a.people[i].reference.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                    let mut f = Finding::law("LOCAL-POLICY-AMBIGUOUS", &[("who", who)])
                        .sources(&[policy.source.as_str()])
                        .unsettled();
                    f.because = vec!["policy.preset".into()];
                    f.because.extend(hit.iter().map(|&i| person_key(i, "age")));
                    findings.push(f);
                }
                continue;
            }
            if let Some(f) = apply_rule(
                rule,
                a,
                &ages,
                consents,
                policy,
                &mut people,
                &mut rules_applied,
            ) {
                findings.push(f);
                policy_decision = Decision::NotAllowed;
            }
        }
    }
    let decision = law.decision.max(policy_decision);
    if policy_decision > law.decision {
        findings.push(
            Finding::new(
                "LOCAL-POLICY-STRICTER",
                t(
                    &format!(
                        "Lagen tillåter publiceringen ({}), men den lokala policyn ({}) gör det inte. Den strängare gäller.",
                        decision_sv(law.decision),
                        policy.preset
                    ),
                    &format!(
                        "The law allows the publication ({}), but the local policy ({}) does not. The stricter applies.",
                        decision_en(law.decision),
                        policy.preset
                    ),
                ),
            )
            .sources(&[policy.source.as_str()])
            .because(&["policy.preset"]),
        );
    }
    conditions.dedup();
    PhotoDecision {
        kind: "photo_decision".into(),
        decision,
        law,
        policy: PolicyResult {
            preset: policy.preset.clone(),
            decision: policy_decision,
            rules: rules_applied,
        },
        people,
        conditions,
        outcomes: outcomes(&findings),
        findings,
    }
}

/// B9: the Art. 17(2) steps for one publication on a withdrawal's take-down list, for when
/// the picture may have spread (shared, reposted, picked up).
pub fn erasure_steps(channel: &str) -> Vec<String> {
    vec![
        t(
            &format!("Ta ner bilden från {channel} (art. 17.1 b); arkivexemplaret som allmän handling behålls (art. 17.3 b)."),
            &format!("Take the picture down from {channel} (Art. 17(1)(b)); the archived copy kept as an official document stays (Art. 17(3)(b))."),
        ),
        t(
            "Om bilden kan ha spridits (delats, återpublicerats, plockats upp av andra): informera plattformen och andra som behandlar den om att den registrerade begär radering av länkar, kopior och reproduktioner (art. 17.2).",
            "If the picture may have spread (shared, reposted, picked up by others): inform the platform and others processing it that the data subject requests erasure of links, copies and replications (Art. 17(2)).",
        ),
        t(
            "Anmäl kända kopior till plattformen och dokumentera vad som gjorts.",
            "Report known copies to the platform and document what was done.",
        ),
    ]
}

/// B6: the crowd-children rule is the product's cautious default, not settled law.
fn crowd_child_default() -> String {
    t(
        " Kravet på samtycke för igenkännliga barn i en bild av många är verktygets försiktiga standard, inte fastslagen rätt: art. 6.1 e har ingen åldersgräns, skäl 38 kräver särskilt skydd för barn, och ett barns ålder utesluter inte i sig allmänt intresse. Dokumentera bedömningen.",
        " Requiring consent for recognisable children in a crowd picture is the tool's cautious default, not settled law: Art. 6(1)(e) has no age limit, Recital 38 asks for special protection of children, and a child's age does not by itself rule out the public interest. Document the judgment.",
    )
}

fn decision_sv(d: Decision) -> &'static str {
    match d {
        Decision::Allowed => "tillåten",
        Decision::AllowedWithConditions => "tillåten med villkor",
        Decision::NotAllowed => "inte tillåten",
    }
}

fn decision_en(d: Decision) -> &'static str {
    match d {
        Decision::Allowed => "allowed",
        Decision::AllowedWithConditions => "allowed with conditions",
        Decision::NotAllowed => "not allowed",
    }
}

/// Applies one local rule; returns a finding when it forbids the picture.
fn apply_rule(
    rule: &Rule,
    a: &PhotoAnswers,
    ages: &[Ages],
    consents: &ConsentLookup,
    policy: &Policy,
    people: &mut [PersonResult],
    applied: &mut Vec<String>,
) -> Option<Finding> {
    let empty = Vec::new();
    let mut failing: Vec<usize> = Vec::new();
    let mut matched = false;
    match rule.kind {
        Kind::AmbiguousAges => return None, // handled by the caller: flags, never decides
        Kind::NoIdentifiableChildUnder => {
            let limit = rule.age.unwrap_or(0);
            for (i, _) in a.people.iter().enumerate() {
                // B4: a person whose age is not known for certain counts as under the limit.
                if ages[i].0 < limit {
                    matched = true;
                    failing.push(i);
                }
            }
        }
        Kind::ConsentRequired => {
            for (i, p) in a.people.iter().enumerate() {
                let role = p.role.id().to_string();
                // B7: the rule's own exception (Sollentuna 1.6.1: posts of wider interest).
                let excepted = rule.except_purposes.iter().any(|x| x == a.purpose.id())
                    && (rule.except_roles.is_empty() || rule.except_roles.contains(&role));
                let covered = (rule.roles.is_empty() || rule.roles.contains(&role))
                    && rule.max_age.is_none_or(|m| ages[i].0 <= m)
                    && (!rule.in_focus_only || a.in_focus)
                    && !excepted;
                if !covered {
                    continue;
                }
                matched = true;
                let givers: Vec<&str> = match rule.giver.as_deref() {
                    Some(g) => vec![g],
                    None => givers(ages[i], policy.child_consents_alone_from),
                };
                let accept = |v: &ConsentView| {
                    (rule.methods.is_empty() || rule.methods.contains(&v.collection_method))
                        && (!rule.registered || !v.evidence.trim().is_empty())
                };
                let views = consents.get(&p.reference).unwrap_or(&empty);
                let (c, ids, req) = consent_for(views, &givers, &accept);
                // B8: the policy's needs join the law's, one line per giver.
                for q in req {
                    match people[i].required.iter_mut().find(|r| r.giver == q.giver) {
                        Some(r) if r.status == "valid" && q.status != "valid" => *r = q,
                        Some(_) => {}
                        None => people[i].required.push(q),
                    }
                }
                if c == PersonConsent::Valid {
                    for id in ids {
                        if !people[i].consent_ids.contains(&id) {
                            people[i].consent_ids.push(id);
                        }
                    }
                    if people[i].consent == PersonConsent::NotNeeded {
                        people[i].consent = PersonConsent::Valid;
                    }
                } else {
                    if people[i].consent == PersonConsent::NotNeeded
                        || people[i].consent == PersonConsent::Valid
                    {
                        people[i].consent = c;
                        people[i].consent_ids.clear();
                    }
                    failing.push(i);
                }
            }
        }
    }
    if matched {
        applied.push(rule.id.clone());
    }
    if failing.is_empty() {
        return None;
    }
    let who = failing
        .iter()
        .map(|&i| a.people[i].reference.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let mut f = Finding::new(
        "LOCAL-POLICY-NOT-ALLOWED",
        format!("{} {}: {who}.", rule.text.get(), t("Gäller", "Applies to")),
    )
    .sources(&[policy.source.as_str()]);
    f.because = vec!["policy.preset".into()];
    let leaf = match rule.kind {
        Kind::NoIdentifiableChildUnder | Kind::AmbiguousAges => "age",
        Kind::ConsentRequired => "ref",
    };
    f.because
        .extend(failing.iter().map(|&i| person_key(i, leaf)));
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(preset: &str) -> Policy {
        Policy::load(preset, None).unwrap()
    }

    fn role(r: &str) -> Role {
        serde_json::from_value(serde_json::json!(r)).unwrap()
    }

    fn person(r: &str, role_id: &str, age: u32) -> Person {
        Person {
            reference: r.into(),
            role: role(role_id),
            age: Some(age),
            protected_identity: false,
        }
    }

    fn answers(people: Vec<Person>) -> PhotoAnswers {
        PhotoAnswers {
            description: String::new(),
            channel: "skola-ig".into(),
            purpose: Purpose::InformActivity,
            published_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            identifiable: true,
            in_focus: true,
            reveals_sensitive: false,
            reveals_confidential: false,
            confidential_area: None,
            attendees_informed: false,
            people,
        }
    }

    fn view(id: &str, by: &str, status: Status) -> ConsentView {
        ConsentView {
            consent_id: id.into(),
            given_by: by.into(),
            status,
            collection_method: "signed_form".into(),
            evidence: "Dnr 1".into(),
            birth_year: None,
            explicit_art9: false,
        }
    }

    fn lookup(entries: &[(&str, Vec<ConsentView>)]) -> ConsentLookup {
        entries
            .iter()
            .map(|(r, v)| (r.to_string(), v.clone()))
            .collect()
    }

    fn has(d: &PhotoDecision, code: &str) -> bool {
        d.outcomes.iter().any(|o| o == code)
    }

    #[test]
    fn rule1_not_identifiable() {
        let mut a = answers(vec![person("e1", "pupil", 8)]);
        a.identifiable = false;
        let d = decide(&a, &ConsentLookup::new(), &policy("sollentuna"));
        assert_eq!(d.decision, Decision::Allowed);
        assert_eq!(d.law.basis, Basis::NoneNeeded);
        assert_eq!(d.policy.decision, Decision::Allowed);
        assert_eq!(d.people[0].consent, PersonConsent::NotNeeded);
        assert!(has(&d, "NO-PERSONAL-DATA"));
    }

    #[test]
    fn rule2_protected_identity_blocks_even_with_consent() {
        let mut a = answers(vec![person("e1", "pupil", 15)]);
        a.people[0].protected_identity = true;
        a.in_focus = false;
        let c = lookup(&[(
            "e1",
            vec![
                view("c1", "subject", Status::Valid),
                view("c2", "guardian", Status::Valid),
            ],
        )]);
        let d = decide(&a, &c, &policy("gdpr"));
        assert_eq!(d.decision, Decision::NotAllowed);
        assert_eq!(d.law.basis, Basis::None);
        assert!(has(&d, "BLOCK-PROTECTED-IDENTITY"));
        assert_eq!(
            d.findings[0].because,
            vec!["people[0].protected_identity".to_string()]
        );
    }

    #[test]
    fn rule3_sekretess_blocks() {
        let mut a = answers(vec![person("s1", "official", 40)]);
        a.reveals_confidential = true;
        let d = decide(&a, &ConsentLookup::new(), &policy("gdpr"));
        assert_eq!(d.law.decision, Decision::NotAllowed);
        assert!(has(&d, "BLOCK-SEKRETESS"));
    }

    #[test]
    fn rule4_sensitive_needs_explicit_consent_from_everyone() {
        let mut a = answers(vec![
            person("s1", "official", 40),
            person("p1", "public", 30),
        ]);
        a.reveals_sensitive = true;
        let one = lookup(&[("p1", vec![view("c1", "subject", Status::Valid)])]);
        let d = decide(&a, &one, &policy("gdpr"));
        assert_eq!(d.law.basis, Basis::ExplicitConsent);
        assert_eq!(d.decision, Decision::NotAllowed);
        assert!(has(&d, "ART9-BASIS-NEEDED"));
        let explicit = |id: &str| {
            let mut v = view(id, "subject", Status::Valid);
            v.explicit_art9 = true;
            v
        };
        let both = lookup(&[("p1", vec![explicit("c1")]), ("s1", vec![explicit("c2")])]);
        let d = decide(&a, &both, &policy("gdpr"));
        assert_eq!(d.decision, Decision::Allowed);
        assert!(has(&d, "BASIS-CONSENT-OK"));
        assert!(d.findings[0]
            .sources
            .contains(&"GDPR art. 9(2)(a)".to_string()));
    }

    #[test]
    fn rule5_crowd() {
        let mut a = answers(vec![person("p1", "public", 40)]);
        a.in_focus = false;
        let d = decide(&a, &ConsentLookup::new(), &policy("gdpr"));
        assert_eq!(d.decision, Decision::AllowedWithConditions);
        assert_eq!(d.law.basis, Basis::PublicTask);
        assert!(has(&d, "CROWD-INFO-NEEDED"));
        assert!(d.findings.iter().all(|f| f.unsettled));
        assert!(d.conditions.iter().any(|c| c.contains("21")));
        a.attendees_informed = true;
        let d = decide(&a, &ConsentLookup::new(), &policy("gdpr"));
        assert_eq!(d.decision, Decision::Allowed);
        assert!(has(&d, "BASIS-PUBLIC-TASK-OK"));
        assert!(
            !d.conditions.is_empty(),
            "objections are always a condition"
        );
        // A recognisable child without consent: not allowed (remedy: unrecognisable).
        a.people.push(person("e1", "pupil", 9));
        let d = decide(&a, &ConsentLookup::new(), &policy("gdpr"));
        assert_eq!(d.decision, Decision::NotAllowed);
        assert!(has(&d, "CONSENT-DEFECTIVE"));
        assert_eq!(d.law.basis, Basis::Consent);
        let c = lookup(&[("e1", vec![view("c1", "guardian", Status::Valid)])]);
        let d = decide(&a, &c, &policy("gdpr"));
        assert_eq!(d.decision, Decision::Allowed);
        assert_eq!(d.people[1].consent_ids, vec!["c1".to_string()]);
        assert_eq!(d.people[0].consent, PersonConsent::NotNeeded);
        // A crowd picture for marketing needs everyone's consent (rule 6).
        a.purpose = Purpose::Marketing;
        let d = decide(&a, &c, &policy("gdpr"));
        assert_eq!(d.decision, Decision::NotAllowed);
        assert_eq!(d.people[0].consent, PersonConsent::Missing);
    }

    #[test]
    fn rule6_official_in_role_and_staff_consent() {
        let a = answers(vec![person("r1", "official", 50)]);
        let d = decide(&a, &ConsentLookup::new(), &policy("gdpr"));
        assert_eq!(d.decision, Decision::Allowed);
        assert_eq!(d.law.basis, Basis::PublicTask);
        assert!(has(&d, "BASIS-PUBLIC-TASK-OK"));
        let mut m = a.clone();
        m.purpose = Purpose::Recruitment;
        let d = decide(&m, &ConsentLookup::new(), &policy("gdpr"));
        assert_eq!(d.decision, Decision::NotAllowed);
        assert!(has(&d, "STAFF-CONSENT-FREE"));
        let s = answers(vec![person("t1", "staff", 35)]);
        let c = lookup(&[("t1", vec![view("c1", "subject", Status::Valid)])]);
        let d = decide(&s, &c, &policy("gdpr"));
        assert_eq!(d.decision, Decision::Allowed);
        assert_eq!(d.law.basis, Basis::Consent);
        assert!(has(&d, "BASIS-CONSENT-OK") && has(&d, "STAFF-CONSENT-FREE"));
        let free = d
            .findings
            .iter()
            .find(|f| f.code == "STAFF-CONSENT-FREE")
            .unwrap();
        assert!(free.sources.contains(&"Recital 43".to_string()));
        assert!(free.sources.contains(&"EDPB 05/2020".to_string()));
    }

    #[test]
    fn rule7_right_person_and_each_status() {
        let a = answers(vec![person("e1", "pupil", 10)]);
        // Under 13: the pupil's own consent is the wrong person.
        let c = lookup(&[("e1", vec![view("c1", "subject", Status::Valid)])]);
        let d = decide(&a, &c, &policy("gdpr"));
        assert_eq!(d.decision, Decision::NotAllowed);
        assert_eq!(d.people[0].consent, PersonConsent::Missing);
        for (s, want) in [
            (Status::Withdrawn, PersonConsent::Withdrawn),
            (Status::Expired, PersonConsent::Expired),
            (Status::OutOfScope, PersonConsent::OutOfScope),
            (Status::NotYetValid, PersonConsent::OutOfScope),
        ] {
            let c = lookup(&[("e1", vec![view("c1", "guardian", s)])]);
            let d = decide(&a, &c, &policy("gdpr"));
            assert_eq!(d.people[0].consent, want);
            assert!(has(&d, "CONSENT-DEFECTIVE"));
            assert_eq!(d.decision, Decision::NotAllowed);
        }
        let c = lookup(&[("e1", vec![view("c1", "guardian", Status::Valid)])]);
        let d = decide(&a, &c, &policy("gdpr"));
        assert_eq!(d.decision, Decision::Allowed);
        assert!(has(&d, "BASIS-CONSENT-OK"));
        // 13–17: child and guardian by default, unsettled.
        let t = answers(vec![person("e2", "pupil", 14)]);
        let only_child = lookup(&[("e2", vec![view("c2", "subject", Status::Valid)])]);
        let d = decide(&t, &only_child, &policy("gdpr"));
        assert_eq!(d.decision, Decision::NotAllowed);
        let u = d
            .findings
            .iter()
            .find(|f| f.code == "CHILD-AGE-POLICY-UNSETTLED")
            .unwrap();
        assert!(u.unsettled);
        let both = lookup(&[(
            "e2",
            vec![
                view("c2", "subject", Status::Valid),
                view("c3", "guardian", Status::Valid),
            ],
        )]);
        let d = decide(&t, &both, &policy("gdpr"));
        assert_eq!(d.decision, Decision::Allowed);
        assert_eq!(d.people[0].consent_ids, vec!["c2", "c3"]);
        // The profile's child_consents_alone_from: the pupil's own consent suffices.
        let mut p = policy("gdpr");
        p.child_consents_alone_from = Some(13);
        let d = decide(&t, &only_child, &p);
        assert_eq!(d.decision, Decision::Allowed);
        // 18+: the person.
        let adult = answers(vec![person("e3", "pupil", 18)]);
        let g = lookup(&[("e3", vec![view("c4", "guardian", Status::Valid)])]);
        assert_eq!(
            decide(&adult, &g, &policy("gdpr")).decision,
            Decision::NotAllowed
        );
    }

    #[test]
    fn rule8_strongest_basis_and_rule9_never_legitimate_interest() {
        let mut a = answers(vec![
            person("r1", "official", 50),
            person("e1", "pupil", 10),
        ]);
        let d = decide(&a, &ConsentLookup::new(), &policy("gdpr"));
        assert_eq!(d.law.basis, Basis::Consent);
        a.reveals_sensitive = true;
        assert_eq!(
            decide(&a, &ConsentLookup::new(), &policy("gdpr")).law.basis,
            Basis::ExplicitConsent
        );
        let json = serde_json::to_string(&d).unwrap();
        assert!(!json.contains("legitimate"));
    }

    #[test]
    fn sollentuna_is_stricter_under_13() {
        let a = answers(vec![person("e1", "pupil", 10)]);
        let c = lookup(&[("e1", vec![view("c1", "guardian", Status::Valid)])]);
        let d = decide(&a, &c, &policy("sollentuna"));
        assert_eq!(d.law.decision, Decision::Allowed);
        assert_eq!(d.policy.decision, Decision::NotAllowed);
        assert_eq!(d.decision, Decision::NotAllowed);
        assert_eq!(d.policy.rules, vec!["no-identifiable-under-13"]);
        assert!(has(&d, "LOCAL-POLICY-STRICTER") && has(&d, "LOCAL-POLICY-NOT-ALLOWED"));
        // Staff in their role: the law needs no consent, Sollentuna a registered written one.
        let s = answers(vec![person("r1", "official", 45)]);
        let d = decide(&s, &ConsentLookup::new(), &policy("sollentuna"));
        assert_eq!(
            (d.law.decision, d.decision),
            (Decision::Allowed, Decision::NotAllowed)
        );
        let c = lookup(&[("r1", vec![view("c9", "subject", Status::Valid)])]);
        let d = decide(&s, &c, &policy("sollentuna"));
        assert_eq!(d.decision, Decision::Allowed);
        assert_eq!(d.people[0].consent_ids, vec!["c9"]);
    }

    #[test]
    fn nykoping_needs_fotoavtal_in_focus_not_in_crowds() {
        let a = answers(vec![person("r1", "official", 45)]);
        let d = decide(&a, &ConsentLookup::new(), &policy("nykoping"));
        assert_eq!(
            (d.law.decision, d.decision),
            (Decision::Allowed, Decision::NotAllowed)
        );
        let mut email = view("c1", "subject", Status::Valid);
        email.collection_method = "email".into();
        let d = decide(&a, &lookup(&[("r1", vec![email])]), &policy("nykoping"));
        assert_eq!(
            d.decision,
            Decision::NotAllowed,
            "only the signed form counts"
        );
        let mut crowd = answers(vec![person("p1", "public", 30)]);
        crowd.in_focus = false;
        crowd.attendees_informed = true;
        let d = decide(&crowd, &ConsentLookup::new(), &policy("nykoping"));
        assert_eq!(d.decision, Decision::Allowed);
        assert!(d.policy.rules.is_empty());
    }

    #[test]
    fn stockholm_needs_a_guardian_for_minors() {
        let mut p = policy("stockholm");
        p.child_consents_alone_from = Some(15);
        let a = answers(vec![person("e1", "pupil", 16)]);
        let c = lookup(&[("e1", vec![view("c1", "subject", Status::Valid)])]);
        let d = decide(&a, &c, &p);
        assert_eq!(d.law.decision, Decision::Allowed);
        assert_eq!(d.decision, Decision::NotAllowed);
    }

    #[test]
    fn b1_article_8_is_never_cited_for_publishing() {
        let mut a = answers(vec![person("e1", "pupil", 14), person("e2", "pupil", 9)]);
        a.in_focus = false;
        let d = decide(&a, &ConsentLookup::new(), &policy("gdpr"));
        let json = serde_json::to_string(&d).unwrap();
        assert!(!json.contains("art. 8"), "{json}");
        assert!(has(&d, "CHILD-AGE-POLICY-UNSETTLED"));
        let q = include_str!("../../questionnaires/photo.toml");
        assert!(!q.contains("art. 8"));
    }

    #[test]
    fn b2_protected_identity_and_secrecy_cited_by_chapter_and_section() {
        let mut a = answers(vec![person("e1", "pupil", 10)]);
        a.people[0].protected_identity = true;
        let d = decide(&a, &ConsentLookup::new(), &policy("gdpr"));
        let f = d
            .findings
            .iter()
            .find(|f| f.code == "BLOCK-PROTECTED-IDENTITY")
            .unwrap();
        for s in [
            "2009:400 (OSL) 21 kap. 3 §",
            "folkbokföringslagen (1991:481) 16 §",
            "2009:400 (OSL) 23 kap.",
        ] {
            assert!(f.sources.contains(&s.to_string()), "{s}");
        }
        assert!(d.conditions.iter().any(|c| c.contains("kontakta genast")));
        for (area, src) in [
            (ConfidentialArea::School, "2009:400 (OSL) 23 kap. 2 §"),
            (
                ConfidentialArea::SocialServices,
                "2009:400 (OSL) 26 kap. 1 §",
            ),
            (ConfidentialArea::Health, "2009:400 (OSL) 25 kap. 1 §"),
        ] {
            let mut a = answers(vec![person("s1", "official", 40)]);
            a.reveals_confidential = true;
            a.confidential_area = Some(area);
            let d = decide(&a, &ConsentLookup::new(), &policy("gdpr"));
            let f = d
                .findings
                .iter()
                .find(|f| f.code == "BLOCK-SEKRETESS")
                .unwrap();
            assert_eq!(f.sources, vec![src.to_string()]);
        }
    }

    #[test]
    fn b3_an_identifiable_picture_needs_its_people() {
        let a = answers(vec![]);
        assert_eq!(a.check().unwrap_err().field, "people");
        let mut b = answers(vec![]);
        b.identifiable = false;
        assert!(b.check().is_ok());
        assert!(answers(vec![person("e1", "pupil", 9)]).check().is_ok());
    }

    #[test]
    fn b4_unknown_age_read_strictly_or_from_the_birth_year() {
        // Age unknown, no birth year: the pupil's own and a guardian's consent.
        let mut p = person("e1", "pupil", 0);
        p.age = None;
        let a = answers(vec![p.clone()]);
        let g = lookup(&[("e1", vec![view("c1", "guardian", Status::Valid)])]);
        let d = decide(&a, &g, &policy("gdpr"));
        assert_eq!(d.decision, Decision::NotAllowed);
        let givers: Vec<&str> = d.people[0]
            .required
            .iter()
            .map(|r| r.giver.as_str())
            .collect();
        assert_eq!(givers, vec!["subject", "guardian"]);
        // Sollentuna's under-13 rule treats an unknown age as under it.
        let both = lookup(&[(
            "e1",
            vec![
                view("c1", "guardian", Status::Valid),
                view("c2", "subject", Status::Valid),
            ],
        )]);
        assert_eq!(
            decide(&a, &both, &policy("gdpr")).decision,
            Decision::Allowed
        );
        assert_eq!(
            decide(&a, &both, &policy("sollentuna")).decision,
            Decision::NotAllowed
        );
        // From the register's birth year: born 2016, pictured 2026-11-23 → 9 or 10: a guardian.
        let mut v = view("c1", "guardian", Status::Valid);
        v.birth_year = Some(2016);
        let d = decide(&a, &lookup(&[("e1", vec![v])]), &policy("gdpr"));
        assert_eq!(d.decision, Decision::Allowed);
        assert_eq!(d.people[0].required.len(), 1);
    }

    #[test]
    fn b5_art9_needs_explicit_consent_and_a_guardian_for_a_child() {
        let mut a = answers(vec![person("p1", "public", 30)]);
        a.reveals_sensitive = true;
        let ordinary = lookup(&[("p1", vec![view("c1", "subject", Status::Valid)])]);
        let d = decide(&a, &ordinary, &policy("gdpr"));
        assert_eq!(d.decision, Decision::NotAllowed);
        assert!(has(&d, "ART9-CONSENT-NOT-EXPLICIT"));
        let mut e = view("c1", "subject", Status::Valid);
        e.explicit_art9 = true;
        assert_eq!(
            decide(&a, &lookup(&[("p1", vec![e.clone()])]), &policy("gdpr")).decision,
            Decision::Allowed
        );
        // A 15-year-old consenting alone (profile 13) does not suffice for Art. 9.
        let mut t = answers(vec![person("e2", "pupil", 15)]);
        t.reveals_sensitive = true;
        let mut p = policy("gdpr");
        p.child_consents_alone_from = Some(13);
        let d = decide(&t, &lookup(&[("e2", vec![e])]), &p);
        assert_eq!(d.decision, Decision::NotAllowed);
        assert!(d.people[0]
            .required
            .iter()
            .any(|r| r.giver == "guardian" && r.status == "missing"));
    }

    #[test]
    fn b6_crowd_children_default_is_unsettled() {
        let mut a = answers(vec![person("p1", "public", 40), person("e1", "pupil", 9)]);
        a.in_focus = false;
        let d = decide(&a, &ConsentLookup::new(), &policy("gdpr"));
        let f = d
            .findings
            .iter()
            .find(|f| f.code == "CONSENT-DEFECTIVE")
            .unwrap();
        assert!(f.unsettled && f.text.contains("skäl 38"), "{}", f.text);
    }

    #[test]
    fn b7_sollentuna_staff_at_events_and_pupils_13_to_15() {
        let mut a = answers(vec![person("r1", "official", 50)]);
        a.purpose = Purpose::Event;
        let d = decide(&a, &ConsentLookup::new(), &policy("sollentuna"));
        assert_eq!(
            d.decision,
            Decision::Allowed,
            "public interest serves staff at events"
        );
        a.purpose = Purpose::InformActivity;
        assert_eq!(
            decide(&a, &ConsentLookup::new(), &policy("sollentuna")).decision,
            Decision::NotAllowed
        );
        let t = answers(vec![person("e1", "pupil", 14)]);
        let both = lookup(&[(
            "e1",
            vec![
                view("c1", "guardian", Status::Valid),
                view("c2", "subject", Status::Valid),
            ],
        )]);
        let d = decide(&t, &both, &policy("sollentuna"));
        let f = d
            .findings
            .iter()
            .find(|f| f.code == "LOCAL-POLICY-AMBIGUOUS")
            .unwrap();
        assert!(f.unsettled);
        assert_eq!(d.decision, Decision::Allowed, "flagged, not decided");
        assert!(!has(
            &decide(&t, &both, &policy("gdpr")),
            "LOCAL-POLICY-AMBIGUOUS"
        ));
    }

    #[test]
    fn b8_every_required_consent_per_giver() {
        crate::i18n::set(crate::i18n::Lang::Sv);
        let a = answers(vec![person("e1", "pupil", 14)]);
        let g = lookup(&[("e1", vec![view("c-1", "guardian", Status::Valid)])]);
        let d = decide(&a, &g, &policy("gdpr"));
        let r = &d.people[0].required;
        assert_eq!(r.len(), 2);
        assert_eq!(
            (r[0].giver.as_str(), r[0].status.as_str()),
            ("subject", "missing")
        );
        assert_eq!(
            (
                r[1].giver.as_str(),
                r[1].status.as_str(),
                r[1].consent_id.as_deref()
            ),
            ("guardian", "valid", Some("c-1"))
        );
        let f = d
            .findings
            .iter()
            .find(|f| f.code == "CONSENT-DEFECTIVE")
            .unwrap();
        assert!(
            f.text.contains("vårdnadshavare: giltigt c-1")
                && f.text.contains("personen själv: saknas"),
            "{}",
            f.text
        );
        // Nyköping: valid by e-mail, not a Fotoavtal.
        let mut email = view("c-2", "subject", Status::Valid);
        email.collection_method = "email".into();
        let adult = answers(vec![person("r1", "official", 45)]);
        let d = decide(&adult, &lookup(&[("r1", vec![email])]), &policy("nykoping"));
        let q = &d.people[0].required[0];
        assert_eq!(q.status, "wrong_form");
        assert!(q.note.contains("e-post"), "{}", q.note);
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["people"][0]["required"][0]["status"], "wrong_form");
    }

    #[test]
    fn b9_takedown_adds_the_art_17_2_steps() {
        let steps = erasure_steps("skola-ig");
        assert_eq!(steps.len(), 3);
        assert!(steps[0].contains("skola-ig") && steps[0].contains("17.1 b"));
        assert!(steps[1].contains("17.2"));
    }

    #[test]
    fn policy_never_loosens() {
        let mut a = answers(vec![person("e1", "pupil", 10)]);
        a.reveals_confidential = true;
        for preset in crate::workspace::PRESETS {
            let d = decide(&a, &ConsentLookup::new(), &policy(preset));
            assert_eq!(d.decision, Decision::NotAllowed, "{preset}");
        }
    }
}

#[cfg(test)]
mod questionnaire_tests {
    use super::*;

    #[test]
    fn the_contract_example_validates_and_deserialises() {
        let q = crate::questionnaire::Questionnaire::load("photo").unwrap();
        let text = r#"channel = "sollentuna-skola-ig"
purpose = "inform_activity"
published_on = 2026-11-23
identifiable = true
in_focus = true
reveals_sensitive = false
reveals_confidential = false
attendees_informed = false

[[people]]
ref = "elev-0042"
role = "pupil"
age = 10
protected_identity = false
"#;
        let v = q.validate(text, std::path::Path::new("a.toml")).unwrap();
        let a: PhotoAnswers = serde_json::from_value(v).unwrap();
        assert_eq!(a.people[0].reference, "elev-0042");
        assert_eq!(a.people[0].age, Some(10));
        let e = q
            .validate(
                &text.replace("age = 10", "agee = 10"),
                std::path::Path::new("a.toml"),
            )
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("a.toml") && e.contains("agee") && e.contains("protected_identity"),
            "{e}"
        );
    }
}
