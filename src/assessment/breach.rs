//! Breach evaluation (DOMAIN.md part 1 C, part 2 section 5): is a removed post or comment
//! a personal data breach, how severe is it (ENISA 2013), must IMY and the people concerned
//! be told, and by when.
//!
//! [`evaluate`] is a pure function of the typed answers: `assessed_at` is resolved (default
//! now) before it is called, so the same answers always give the same result.

use chrono::{DateTime, Duration, FixedOffset, SecondsFormat, Utc};
use chrono_tz::Europe::Stockholm;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::finding::{outcomes, Action, Finding};
use crate::i18n::t;

/// B1: what happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum What {
    OwnPostError,
    OwnPostDeliberate,
    ThirdPartyComment,
    DirectMessage,
    AccountTakeover,
    ToolIncident,
    ContentLost,
}

/// B3: data categories, with their ENISA DPC base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Simple,
    Behavioural,
    IdentityNumber,
    Financial,
    Confidential,
    Sensitive,
    Criminal,
    ProtectedIdentity,
}

impl Category {
    pub const ALL: [Category; 8] = [
        Category::Simple,
        Category::Behavioural,
        Category::IdentityNumber,
        Category::Financial,
        Category::Confidential,
        Category::Sensitive,
        Category::Criminal,
        Category::ProtectedIdentity,
    ];

    /// ENISA DPC base level (DOMAIN C).
    pub fn dpc_base(self) -> u8 {
        match self {
            Category::Simple => 1,
            Category::Behavioural | Category::IdentityNumber => 2,
            Category::Financial | Category::Confidential => 3,
            Category::Sensitive | Category::Criminal | Category::ProtectedIdentity => 4,
        }
    }

    /// Data that makes a third party's comment a matter for the DPO (DOMAIN C).
    pub fn escalates_comment(self) -> bool {
        matches!(
            self,
            Category::Sensitive
                | Category::Criminal
                | Category::Confidential
                | Category::ProtectedIdentity
        )
    }

    pub fn key(self) -> &'static str {
        match self {
            Category::Simple => "simple",
            Category::Behavioural => "behavioural",
            Category::IdentityNumber => "identity_number",
            Category::Financial => "financial",
            Category::Confidential => "confidential",
            Category::Sensitive => "sensitive",
            Category::Criminal => "criminal",
            Category::ProtectedIdentity => "protected_identity",
        }
    }

    pub fn label(self) -> String {
        match self {
            Category::Simple => t("enkla personuppgifter", "simple data"),
            Category::Behavioural => t("beteendeuppgifter", "behavioural data"),
            Category::IdentityNumber => t("personnummer", "personal identity numbers"),
            Category::Financial => t("ekonomiska uppgifter", "financial data"),
            Category::Confidential => t(
                "sekretessbelagda uppgifter (OSL)",
                "confidential information (OSL)",
            ),
            Category::Sensitive => t(
                "känsliga personuppgifter (art. 9)",
                "special-category data (Art. 9)",
            ),
            Category::Criminal => t(
                "uppgifter om lagöverträdelser (art. 10)",
                "criminal offence data (Art. 10)",
            ),
            Category::ProtectedIdentity => t("skyddad identitet", "protected identity"),
        }
    }
}

/// B5: ease of identification (ENISA EI).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identifiability {
    Negligible,
    Limited,
    Significant,
    Maximum,
}

impl Identifiability {
    pub fn ei(self) -> f64 {
        match self {
            Identifiability::Negligible => 0.25,
            Identifiability::Limited => 0.5,
            Identifiability::Significant => 0.75,
            Identifiability::Maximum => 1.0,
        }
    }
}

/// B6: who could see the data (loss of confidentiality).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exposure {
    Public,
    RestrictedGroup,
    KnownRecipients,
    None,
}

impl Exposure {
    pub fn cb(self) -> f64 {
        match self {
            Exposure::Public => 0.5,
            Exposure::RestrictedGroup | Exposure::KnownRecipients => 0.25,
            Exposure::None => 0.0,
        }
    }
}

/// B7: loss of integrity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Integrity {
    None,
    Recoverable,
    Unrecoverable,
}

impl Integrity {
    pub fn cb(self) -> f64 {
        match self {
            Integrity::None => 0.0,
            Integrity::Recoverable => 0.25,
            Integrity::Unrecoverable => 0.5,
        }
    }
}

/// B7: loss of availability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    None,
    Temporary,
    Permanent,
}

impl Availability {
    pub fn cb(self) -> f64 {
        match self {
            Availability::None => 0.0,
            Availability::Temporary => 0.25,
            Availability::Permanent => 0.5,
        }
    }
}

/// The answers of `questionnaires/breach.toml`, typed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Answers {
    pub account: String,
    pub what: What,
    #[serde(default)]
    pub from_us: bool,
    pub categories: Vec<Category>,
    pub subjects: u64,
    pub vulnerable: bool,
    pub identifiability: Identifiability,
    pub exposure: Exposure,
    pub integrity: Integrity,
    pub availability: Availability,
    pub malicious: bool,
    pub unintelligible: bool,
    #[serde(default)]
    pub published_at: Option<DateTime<FixedOffset>>,
    pub aware_at: DateTime<FixedOffset>,
    #[serde(default)]
    pub removed_at: Option<DateTime<FixedOffset>>,
    /// C2: who removed the content (default `us` for own posts and messages).
    #[serde(default)]
    pub removed_by: Option<RemovedBy>,
    #[serde(default)]
    pub archived_before_removal: Option<bool>,
    /// C4: the key of encrypted data is uncompromised (asked when `unintelligible`).
    #[serde(default)]
    pub key_safe: Option<bool>,
    pub assessed_at: DateTime<FixedOffset>,
}

/// C2: who removed the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemovedBy {
    Us,
    Platform,
    Author,
    Unknown,
}

/// A bad combination of answers: the key to fix and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadAnswer {
    pub field: &'static str,
    pub message: String,
}

impl Answers {
    /// Types validated answers (JSON); a missing `assessed_at` becomes `now`.
    pub fn from_json(v: &serde_json::Value, now: DateTime<FixedOffset>) -> Result<Answers> {
        let mut v = v.clone();
        if let Some(o) = v.as_object_mut() {
            if o.get("assessed_at").is_none_or(|x| x.is_null()) {
                o.insert(
                    "assessed_at".into(),
                    serde_json::Value::String(rfc3339(now)),
                );
            }
        }
        serde_json::from_value(v).map_err(|e| Error::input(e.to_string()))
    }

    /// Checks what the questionnaire engine cannot: the order of the times (C1) against
    /// `now`, the clock: `published_at` ≤ `removed_at`, `published_at` ≤ `aware_at` ≤
    /// `assessed_at`, none in the future. The message names both keys.
    pub fn check(&self, now: DateTime<FixedOffset>) -> std::result::Result<(), BadAnswer> {
        let order = |later: &'static str,
                     lt: DateTime<FixedOffset>,
                     earlier: &'static str,
                     et: DateTime<FixedOffset>|
         -> std::result::Result<(), BadAnswer> {
            if lt < et {
                return Err(BadAnswer {
                    field: later,
                    message: t(
                        &format!(
                            "{later} ({}) ligger före {earlier} ({}): tidpunkterna måste vara i ordning",
                            rfc3339(lt),
                            rfc3339(et)
                        ),
                        &format!(
                            "{later} ({}) is before {earlier} ({}): the instants must be in order",
                            rfc3339(lt),
                            rfc3339(et)
                        ),
                    ),
                });
            }
            Ok(())
        };
        if let Some(p) = self.published_at {
            order("aware_at", self.aware_at, "published_at", p)?;
            if let Some(r) = self.removed_at {
                order("removed_at", r, "published_at", p)?;
            }
        }
        order("assessed_at", self.assessed_at, "aware_at", self.aware_at)?;
        let future: [(&'static str, Option<DateTime<FixedOffset>>); 4] = [
            ("published_at", self.published_at),
            ("aware_at", Some(self.aware_at)),
            ("removed_at", self.removed_at),
            ("assessed_at", Some(self.assessed_at)),
        ];
        for (key, v) in future {
            if let Some(v) = v {
                if v > now {
                    return Err(BadAnswer {
                        field: key,
                        message: t(
                            &format!(
                                "{key} ({}) ligger i framtiden (klockan är {})",
                                rfc3339(v),
                                rfc3339(now)
                            ),
                            &format!(
                                "{key} ({}) is in the future (the clock says {})",
                                rfc3339(v),
                                rfc3339(now)
                            ),
                        ),
                    });
                }
            }
        }
        if self.categories.is_empty() {
            return Err(BadAnswer {
                field: "categories",
                message: t(
                    "ange minst en kategori av uppgifter",
                    "give at least one data category",
                ),
            });
        }
        Ok(())
    }

    /// C2: who removed it; own posts and messages default to the organisation's staff.
    pub fn removed_by(&self) -> RemovedBy {
        self.removed_by.unwrap_or(match self.what {
            What::ThirdPartyComment => RemovedBy::Unknown,
            _ => RemovedBy::Us,
        })
    }

    /// C4: unreadable to others only when the key is safe too.
    pub fn effectively_unintelligible(&self) -> bool {
        self.unintelligible && self.key_safe != Some(false)
    }

    /// C2: when the organisation knew: `aware_at`, or `removed_at` when its own staff removed
    /// the content before that.
    pub fn awareness(&self) -> DateTime<FixedOffset> {
        match self.removed_at {
            Some(r) if self.removed_by() == RemovedBy::Us && r < self.aware_at => r,
            _ => self.aware_at,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Breach {
    Yes,
    No,
    Unsettled,
}

impl Breach {
    pub fn key(self) -> &'static str {
        match self {
            Breach::Yes => "yes",
            Breach::No => "no",
            Breach::Unsettled => "unsettled",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Low,
    Medium,
    High,
    VeryHigh,
}

impl Level {
    /// The ENISA bands: < 2 low, < 3 medium, < 4 high, otherwise very high.
    pub fn of(score: f64) -> Level {
        if score < 2.0 {
            Level::Low
        } else if score < 3.0 {
            Level::Medium
        } else if score < 4.0 {
            Level::High
        } else {
            Level::VeryHigh
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::VeryHigh => "very_high",
        }
    }

    pub fn label(self) -> String {
        match self {
            Level::Low => t("låg", "low"),
            Level::Medium => t("medel", "medium"),
            Level::High => t("hög", "high"),
            Level::VeryHigh => t("mycket hög", "very high"),
        }
    }
}

/// Every part of the ENISA score, so the record can show the arithmetic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Components {
    /// The category that set the base.
    pub dpc_category: Category,
    pub dpc_base: u8,
    /// +1 when the people are vulnerable (0 when the base is already 4).
    pub vulnerable_adjustment: u8,
    pub confidentiality: f64,
    pub integrity: f64,
    pub availability: f64,
    pub malicious: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Severity {
    pub dpc: u8,
    pub ei: f64,
    pub cb: f64,
    pub score: f64,
    pub level: Level,
    pub components: Components,
}

/// ENISA 2013: SE = DPC × EI + CB.
pub fn severity(a: &Answers) -> Severity {
    let (cat, base) = a.categories.iter().map(|c| (*c, c.dpc_base())).fold(
        (Category::Simple, 1u8),
        |best, cur| {
            if cur.1 > best.1 {
                cur
            } else {
                best
            }
        },
    );
    let dpc = if a.vulnerable {
        (base + 1).min(4)
    } else {
        base
    };
    let ei = a.identifiability.ei();
    let components = Components {
        dpc_category: cat,
        dpc_base: base,
        vulnerable_adjustment: dpc - base,
        confidentiality: a.exposure.cb(),
        integrity: a.integrity.cb(),
        availability: a.availability.cb(),
        malicious: if a.malicious { 0.5 } else { 0.0 },
    };
    let cb = components.confidentiality
        + components.integrity
        + components.availability
        + components.malicious;
    let score = f64::from(dpc) * ei + cb;
    Severity {
        dpc,
        ei,
        cb,
        score,
        level: Level::of(score),
        components,
    }
}

/// Why it is, is not, or may be a breach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub text: String,
    pub sources: Vec<String>,
    pub unsettled: bool,
    pub because: Vec<String>,
}

/// The result; the first fields are CONTRACT.md's `breach_evaluation`.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    pub kind: &'static str,
    pub breach: Breach,
    /// `null` when `breach` is `no`.
    pub severity: Option<Severity>,
    pub notify_imy: bool,
    pub notify_subjects: bool,
    /// `aware_at` + 72 h in Europe/Stockholm; `null` when `notify_imy` is false.
    pub imy_deadline: Option<String>,
    pub dpo_decision_required: bool,
    pub outcomes: Vec<String>,
    pub findings: Vec<Finding>,
    // Additions.
    pub reason: Reason,
    /// The score the DPO would apply if they judge a `no` to be a breach after all.
    pub severity_if_breach: Option<Severity>,
    pub account: String,
    pub aware_at: String,
    pub assessed_at: String,
    /// `aware_at` + 72 h in Europe/Stockholm, whatever the decision (for the DPO's reference).
    pub deadline_72h: String,
    /// Whole hours from `assessed_at` to the deadline (negative: overdue); null without notification.
    pub hours_left: Option<i64>,
    pub late: bool,
    pub actions: Vec<Action>,
    pub rules_version: &'static str,
}

pub use super::RULES_VERSION;

/// The 72-hour deadline of Art. 33(1), computed on instants, shown in Stockholm time.
pub fn imy_deadline(aware_at: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    stockholm(aware_at.with_timezone(&Utc) + Duration::hours(72))
}

/// An instant as Europe/Stockholm shows it (the offset it has at that instant).
pub fn stockholm(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(&Stockholm).fixed_offset()
}

pub fn rfc3339(t: DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// "23 november 2026 kl. 09.30" (Swedish time), as a Swede reads it; English "23 November
/// 2026, 09:30 (Swedish time)". For records and screens; files keep RFC 3339.
pub fn local_text(t: DateTime<FixedOffset>) -> String {
    crate::i18n::human_time(&rfc3339(t))
}

/// "61 timmar kvar" / "försenad med 5 timmar", from `now` to `deadline`.
pub fn time_left_text(deadline: DateTime<FixedOffset>, now: DateTime<FixedOffset>) -> String {
    let mins = (deadline - now).num_minutes();
    if mins >= 0 {
        let (h, m) = (mins / 60, mins % 60);
        if h == 0 {
            t(&format!("{m} minuter kvar"), &format!("{m} minutes left"))
        } else {
            t(&format!("{h} timmar kvar"), &format!("{h} hours left"))
        }
    } else {
        let over = -mins;
        let h = (over + 59) / 60;
        t(
            &format!("försenad med {h} timmar"),
            &format!("overdue by {h} hours"),
        )
    }
}

/// The running line the interactive questionnaire shows once `aware_at` is known.
pub fn deadline_status(aware_at: DateTime<FixedOffset>, now: DateTime<FixedOffset>) -> String {
    let d = imy_deadline(aware_at);
    t(
        &format!(
            "IMY ska underrättas senast {} — {} (om anmälan krävs)",
            local_text(d),
            time_left_text(d, now)
        ),
        &format!(
            "IMY must be notified by {} — {} (if notification is required)",
            local_text(d),
            time_left_text(d, now)
        ),
    )
}

const SEVERITY_KEYS: &[&str] = &[
    "categories",
    "vulnerable",
    "identifiability",
    "exposure",
    "integrity",
    "availability",
    "malicious",
];

fn with(keys: &[&str], more: &[&str]) -> Vec<String> {
    keys.iter().chain(more).map(|s| s.to_string()).collect()
}

/// DOMAIN.md part 1 C, as a pure function of the answers.
pub fn evaluate(a: &Answers) -> Evaluation {
    let sev = severity(a);
    // C2: the deadline runs from removal by own staff when that came first.
    let deadline = imy_deadline(a.awareness());
    let deadline_text = local_text(deadline);
    let mut findings = Vec::new();
    let mut actions = Vec::new();
    let mut dpo = false;

    // Is it a breach?
    let (breach, reason) = classify(a);
    match (a.what, breach) {
        (What::OwnPostDeliberate, _) => {
            dpo = true;
            findings.push(
                Finding::new(
                    "DPO-DECISION-UNSETTLED",
                    t(
                        "Inlägget publicerades avsiktligt men saknade rättslig grund. Det är i första \
                         hand en fråga om laglighet (art. 5 och 6), inte nödvändigtvis en \
                         säkerhetsincident, och rättsläget är oklart. Standard: behandla det som en \
                         personuppgiftsincident – allvarligheten nedan är beräknad som om det vore en – \
                         och låt den personuppgiftsansvarige (nämnden, eller den den delegerat till) besluta och \
                         dokumentera efter dataskyddsombudets råd om IMY ska underrättas.",
                        "The post was published on purpose but had no legal basis. That is primarily a \
                         matter of lawfulness (Arts. 5 and 6), not necessarily a breach of security, and \
                         the law is unsettled. Default: treat it as a personal data breach – the severity \
                         below is computed as if it were one – and have the controller (the committee, or \
                         whom it delegated) decide and document, after the DPO's advice, whether IMY is \
                         notified.",
                    ),
                )
                .sources(&["GDPR art. 4(12)", "GDPR art. 5(1)(a)", "GDPR art. 6", "EDPB 9/2022"])
                .because(&["what"])
                .unsettled(),
            );
        }
        (What::ThirdPartyComment, Breach::No) => {
            findings.push(
                Finding::new(
                    "NO-BREACH-DOCUMENT",
                    t(
                        "Ingen personuppgiftsincident hos kommunen: kommentaren skrevs av en utomstående, \
                         som själv är ansvarig för sitt inlägg, och röjandet berodde inte på en brist i \
                         kommunens säkerhet. Dokumentera den som en modereringsincident i incidentloggen. \
                         Den som tillhandahåller en elektronisk anslagstavla ska ha uppsikt över den (4 §) \
                         och ta bort vissa meddelanden (5 §). Kommentaren är en allmän handling: spara och \
                         registrera den innan den tas bort från plattformen, och gallra bara enligt \
                         gallringsbeslut. Polisanmäl om innehållet är brottsligt, och berätta om möjligt \
                         för kommentatorn varför kommentaren togs bort.",
                        "No personal data breach of the municipality: the comment was written by an \
                         outsider, who is responsible for their own post, and the disclosure did not \
                         result from a failure of the municipality's security. Record it as a moderation \
                         incident in the breach log. Whoever provides an electronic bulletin board must \
                         supervise it (section 4) and remove certain messages (section 5). The comment is \
                         an official document (allmän handling): save and register it before removing it \
                         from the platform, and dispose of it only under a disposal decision. Report \
                         criminal content to the police and, where possible, tell the commenter why the \
                         comment was removed.",
                    ),
                )
                .sources(&[
                    "GDPR art. 4(12)",
                    "GDPR art. 33(5)",
                    "IMY FAQ 2021",
                    "1998:112 4 §",
                    "1998:112 5 §",
                    "TF 2 kap.",
                ])
                .because(&["what", "from_us"]),
            );
            actions.push(Action::must(
                "MODERATION-LOG",
                t(
                    "Registrera kommentaren som modereringsincident (sparad kopia, diarienummer, tid för borttagning).",
                    "Register the comment as a moderation incident (saved copy, registration number, time of removal).",
                ),
            ));
            let escalating: Vec<Category> = a
                .categories
                .iter()
                .copied()
                .filter(|c| c.escalates_comment())
                .collect();
            if !escalating.is_empty() || a.vulnerable {
                dpo = true;
                let mut what: Vec<String> = escalating.iter().map(|c| c.label()).collect();
                if a.vulnerable {
                    what.push(t("sårbara personer", "vulnerable people"));
                }
                let mut because = vec!["what", "from_us"];
                if !escalating.is_empty() {
                    because.push("categories");
                }
                if a.vulnerable {
                    because.push("vulnerable");
                }
                findings.push(
                    Finding::new(
                        "DPO-DECISION-UNSETTLED",
                        t(
                            &format!(
                                "Kommentaren gällde {}. Rättsläget är oklart: efter Russmedia (C-492/23) \
                                 kan den som gör användares innehåll offentligt ha förebyggande skyldigheter \
                                 för känsliga uppgifter, och långsam moderering kan då bli en brist enligt \
                                 art. 5.1 f och 32. Den personuppgiftsansvarige (nämnden, eller den den delegerat \
                                 till) beslutar och dokumenterar efter dataskyddsombudets råd om IMY ska \
                                 underrättas. Bedöms det som en incident gäller fristen 72 timmar från \
                                 kännedom: senast {deadline_text}.",
                                what.join(", ")
                            ),
                            &format!(
                                "The comment concerned {}. The law is unsettled: after Russmedia (C-492/23) \
                                 an operator that makes users' content public can have preventive duties for \
                                 sensitive data, and slow moderation could then be a failure under Arts. \
                                 5(1)(f) and 32. The controller (the committee, or whom it delegated) decides and \
                                 documents after the DPO's advice whether IMY is notified. If it is judged a breach, the deadline is 72 hours from \
                                 awareness: by {deadline_text}.",
                                what.join(", ")
                            ),
                        ),
                    )
                    .sources(&[
                        "CJEU C-492/23",
                        "GDPR art. 5(1)(f)",
                        "GDPR art. 32",
                        "GDPR art. 33(1)",
                    ])
                    .because(&because)
                    .unsettled(),
                );
            }
        }
        _ => {}
    }

    // Notification (only when it is, or may be, a breach).
    let mut notify_imy = false;
    let mut notify_subjects = false;
    if breach != Breach::No {
        let because = with(&["what"], SEVERITY_KEYS);
        let because: Vec<&str> = because.iter().map(String::as_str).collect();
        let score = format!(
            "{} × {} + {} = {}",
            sev.dpc,
            num(sev.ei),
            num(sev.cb),
            num(sev.score)
        );
        match sev.level {
            Level::Low => findings.push(
                Finding::new(
                    "BREACH-DOCUMENT-ONLY",
                    t(
                        &format!(
                            "Allvarlighet låg ({score}): incidenten medför sannolikt ingen risk för de \
                             registrerade. Ingen anmälan till IMY; incidenten dokumenteras i incidentloggen \
                             (art. 33.5). Ompröva om nya uppgifter kommer fram (spridning, skärmdumpar)."
                        ),
                        &format!(
                            "Severity low ({score}): the breach is unlikely to result in a risk to the data \
                             subjects. No notification to IMY; the breach is documented in the breach log \
                             (Art. 33(5)). Reassess if new facts emerge (spread, screenshots)."
                        ),
                    ),
                )
                .sources(&["GDPR art. 4(12)", "GDPR art. 33(1)", "GDPR art. 33(5)", "ENISA 2013"])
                .because(&because),
            ),
            Level::Medium => {
                notify_imy = true;
                findings.push(
                    Finding::new(
                        "BREACH-NOTIFY-IMY",
                        t(
                            &format!(
                                "Allvarlighet medel ({score}): anmäl incidenten till IMY utan onödigt \
                                 dröjsmål och senast {deadline_text} (72 timmar efter kännedom). Uppgifterna \
                                 får lämnas i omgångar. Endast om det tydligt kan visas att incidenten \
                                 sannolikt inte medför någon risk kan anmälan utebli – det kräver ett \
                                 dokumenterat beslut av den personuppgiftsansvarige efter dataskyddsombudets råd."
                            ),
                            &format!(
                                "Severity medium ({score}): notify IMY without undue delay and by \
                                 {deadline_text} (72 hours after awareness). The information may be given in \
                                 phases. Only if it can clearly be shown that the breach is unlikely to \
                                 result in a risk may notification be omitted – that needs a documented \
                                 decision by the controller after the DPO's advice."
                            ),
                        ),
                    )
                    .sources(&[
                        "GDPR art. 4(12)",
                        "GDPR art. 33(1)",
                        "GDPR art. 33(3)",
                        "GDPR art. 33(4)",
                        "EDPB 9/2022",
                        "ENISA 2013",
                    ])
                    .because(&with(&because, &["aware_at"]).iter().map(String::as_str).collect::<Vec<_>>()),
                );
            }
            Level::High | Level::VeryHigh => {
                notify_imy = true;
                let level = sev.level.label();
                if a.effectively_unintelligible() {
                    findings.push(
                        Finding::new(
                            "BREACH-NOTIFY-IMY",
                            t(
                                &format!(
                                    "Allvarlighet {level} ({score}): anmäl incidenten till IMY utan onödigt \
                                     dröjsmål och senast {deadline_text} (72 timmar efter kännedom). \
                                     Uppgifterna får lämnas i omgångar."
                                ),
                                &format!(
                                    "Severity {level} ({score}): notify IMY without undue delay and by \
                                     {deadline_text} (72 hours after awareness). The information may be \
                                     given in phases."
                                ),
                            ),
                        )
                        .sources(&[
                            "GDPR art. 4(12)",
                            "GDPR art. 33(1)",
                            "GDPR art. 33(3)",
                            "GDPR art. 33(4)",
                            "EDPB 9/2022",
                            "ENISA 2013",
                        ])
                        .because(&with(&because, &["aware_at"]).iter().map(String::as_str).collect::<Vec<_>>()),
                    );
                    findings.push(
                        Finding::new(
                            "BREACH-34(3)-EXCEPTION",
                            t(
                                "De registrerade behöver inte underrättas trots hög risk: uppgifterna var \
                                 oläsliga för obehöriga (undantaget i art. 34.3 a). Dokumentera varför. IMY \
                                 ska ändå underrättas och kan kräva att de registrerade informeras (art. 34.4).",
                                "The data subjects need not be told despite the high risk: the data were \
                                 unintelligible to anyone not authorised (the Art. 34(3)(a) exception). \
                                 Document why. IMY must still be notified and may require the data subjects \
                                 to be told (Art. 34(4)).",
                            ),
                        )
                        .sources(&["GDPR art. 34(3)(a)", "GDPR art. 34(4)", "EDPB 9/2022"])
                        .because(&with(&because, &["unintelligible", "key_safe"]).iter().map(String::as_str).collect::<Vec<_>>()),
                    );
                } else {
                    notify_subjects = true;
                    findings.push(
                        Finding::new(
                            "BREACH-NOTIFY-IMY-AND-SUBJECTS",
                            t(
                                &format!(
                                    "Allvarlighet {level} ({score}): incidenten medför sannolikt en hög risk. \
                                     Anmäl den till IMY utan onödigt dröjsmål och senast {deadline_text} (72 \
                                     timmar efter kännedom), och underrätta de registrerade (för barn: \
                                     vårdnadshavarna) utan onödigt dröjsmål, på ett klart och tydligt språk, \
                                     med minst vad som hänt, kontaktuppgifter till dataskyddsombudet, de \
                                     sannolika följderna och vidtagna åtgärder. Undantagen i art. 34.3 b \
                                     (åtgärder som gör att risken inte längre är sannolik) och c \
                                     (oproportionerlig ansträngning – offentligt meddelande i stället) kräver \
                                     ett dokumenterat beslut."
                                ),
                                &format!(
                                    "Severity {level} ({score}): the breach is likely to result in a high \
                                     risk. Notify IMY without undue delay and by {deadline_text} (72 hours \
                                     after awareness), and tell the data subjects (for children: their \
                                     guardians) without undue delay, in clear and plain language, with at \
                                     least what happened, the data protection officer's contact details, \
                                     the likely consequences and the measures taken. The exceptions of Art. \
                                     34(3)(b) (measures make the high risk no longer likely) and (c) \
                                     (disproportionate effort – a public communication instead) need a \
                                     documented decision."
                                ),
                            ),
                        )
                        .sources(&[
                            "GDPR art. 4(12)",
                            "GDPR art. 33(1)",
                            "GDPR art. 33(3)",
                            "GDPR art. 34(1)",
                            "GDPR art. 34(2)",
                            "GDPR art. 34(3)",
                            "EDPB 9/2022",
                            "ENISA 2013",
                        ])
                        .because(&with(&because, &["unintelligible", "aware_at"]).iter().map(String::as_str).collect::<Vec<_>>()),
                    );
                }
            }
        }
    }

    // C2: awareness at removal by own staff.
    if a.awareness() != a.aware_at {
        findings.push(
            Finding::law(
                "AWARENESS-AT-REMOVAL",
                &[
                    ("removed", local_text(a.awareness())),
                    ("aware", local_text(a.aware_at)),
                    ("deadline", deadline_text.clone()),
                ],
            )
            .because(&["removed_at", "removed_by", "aware_at"]),
        );
    }

    // C3: volume and malice weigh beyond a low score.
    if breach != Breach::No && sev.level == Level::Low {
        let many = a.subjects >= 100;
        let malice = a.malicious && a.exposure != Exposure::None;
        if many || malice {
            dpo = true;
            let mut why = Vec::new();
            let mut because = Vec::new();
            if many {
                why.push(t(
                    &format!("{} personer berörs", a.subjects),
                    &format!("{} people are concerned", a.subjects),
                ));
                because.push("subjects");
            }
            if malice {
                why.push(t(
                    "incidenten var avsiktlig och uppgifter röjdes",
                    "the breach was malicious and data were disclosed",
                ));
                because.extend(["malicious", "exposure"]);
            }
            findings.push(
                Finding::law(
                    "VOLUME-OR-MALICE-REVIEW",
                    &[("why", why.join(t(" och ", " and ").as_str()))],
                )
                .because(&because)
                .unsettled(),
            );
        }
    }

    // C5: content still online.
    let removable = matches!(
        a.what,
        What::OwnPostError | What::OwnPostDeliberate | What::ThirdPartyComment
    );
    if removable && a.removed_at.is_none() && a.exposure == Exposure::Public {
        findings
            .push(Finding::law("CONTENT-STILL-ONLINE", &[]).because(&["removed_at", "exposure"]));
        actions.push(Action::must(
            "CONTENT-STILL-ONLINE",
            t(
                "Spara och registrera innehållet som allmän handling, och ta sedan bort det nu.",
                "Save and register the content as an official document, then remove it now.",
            ),
        ));
    }

    // Late notification.
    let hours_left = notify_imy.then(|| (deadline - a.assessed_at).num_minutes().div_euclid(60));
    let late = notify_imy && a.assessed_at > deadline;
    if late {
        let over = time_left_text(deadline, a.assessed_at);
        findings.push(
            Finding::new(
                "LATE-NOTIFICATION-REASONS-REQUIRED",
                t(
                    &format!(
                        "Bedömningen görs {} – efter fristen {deadline_text} ({over}). Anmäl ändå \
                         omedelbart, och ange i anmälan skälen till förseningen.",
                        local_text(a.assessed_at)
                    ),
                    &format!(
                        "The evaluation is made {} – after the deadline {deadline_text} ({over}). Notify \
                         at once all the same, and give the reasons for the delay in the notification.",
                        local_text(a.assessed_at)
                    ),
                ),
            )
            .sources(&["GDPR art. 33(1)", "EDPB 9/2022"])
            .because(&["aware_at", "assessed_at"]),
        );
    }

    // Archive before delete.
    if a.archived_before_removal == Some(false) {
        findings.push(
            Finding::new(
                "ARCHIVE-BEFORE-DELETE-MISSING",
                t(
                    "Inlägget eller kommentaren togs bort utan att först sparas och registreras. Inlägg och \
                     kommentarer på myndighetens egna kanaler är allmänna handlingar; borttagning från nätet \
                     är inte gallring, som bara får ske enligt gallringsbeslut. Säkra det som finns kvar \
                     (plattformens export, skärmdumpar, anmälarens kopia), registrera det med begränsad \
                     åtkomst, och se över rutinen så att inlägg sparas innan de tas bort.",
                    "The post or comment was removed without first being saved and registered. Posts and \
                     comments on the authority's own channels are official documents (allmänna handlingar); \
                     removal from the web is not disposal, which may happen only under a disposal decision. \
                     Secure what remains (the platform's export, screenshots, the reporter's copy), register \
                     it with restricted access, and review the routine so that posts are saved before they \
                     are removed.",
                ),
            )
            .sources(&["TF 2 kap.", "OSL 5 kap. 1 §", "arkivlagen (1990:782) 10 §"])
            .because(&["archived_before_removal", "removed_at"]),
        );
        actions.push(Action::must(
            "ARCHIVE",
            t(
                "Säkra och registrera en kopia av det borttagna innehållet.",
                "Secure and register a copy of the removed content.",
            ),
        ));
    }

    // Next steps.
    if notify_imy {
        actions.push(Action::must(
            "NOTIFY-IMY",
            t(
                &format!(
                    "Anmäl till IMY i e-tjänsten (e-tjanster.imy.se/sv/anmalan) senast {deadline_text}; \
                     komplettera senare vid behov. Registrera sedan med `dataskydd breach update`."
                ),
                &format!(
                    "Notify IMY in its e-service (e-tjanster.imy.se/sv/anmalan) by {deadline_text}; \
                     supplement later if needed. Then record it with `dataskydd breach update`."
                ),
            ),
        ));
    }
    if late {
        actions.push(Action::must(
            "LATE-REASONS",
            t(
                "Skriv ned skälen till förseningen och ta med dem i anmälan.",
                "Write down the reasons for the delay and include them in the notification.",
            ),
        ));
    }
    if notify_subjects {
        actions.push(Action::must(
            "NOTIFY-SUBJECTS",
            t(
                "Underrätta de registrerade (vårdnadshavare för barn) utan onödigt dröjsmål.",
                "Tell the data subjects (guardians for children) without undue delay.",
            ),
        ));
    }
    if dpo {
        actions.push(Action::must(
            "DPO-DECISION",
            t(
                "Den personuppgiftsansvarige (nämnden, eller den den delegerat till) beslutar om anmälan efter dataskyddsombudets råd; registrera beslutet med `dataskydd breach decide`.",
                "The controller (the committee, or whom it delegated) decides on notification after the DPO's advice; record the decision with `dataskydd breach decide`.",
            ),
        ));
    }
    if breach != Breach::No {
        actions.push(Action::should(
            "CONTAIN",
            t(
                "Be plattformen rensa cachade kopior, anmäl spridda kopior och skärmdumpar, och se över \
                 rutinerna så att det inte händer igen.",
                "Ask the platform to purge cached copies, report reposts and screenshots, and review the \
                 routines so that it does not happen again.",
            ),
        ));
    }

    let breach_sev = (breach != Breach::No).then(|| sev.clone());
    Evaluation {
        kind: "breach_evaluation",
        breach,
        severity: breach_sev,
        notify_imy,
        notify_subjects,
        imy_deadline: notify_imy.then(|| rfc3339(deadline)),
        dpo_decision_required: dpo,
        outcomes: outcomes(&findings),
        findings,
        reason,
        severity_if_breach: (breach == Breach::No).then_some(sev),
        account: a.account.clone(),
        aware_at: rfc3339(a.aware_at),
        assessed_at: rfc3339(a.assessed_at),
        deadline_72h: rfc3339(deadline),
        hours_left,
        late,
        actions,
        rules_version: RULES_VERSION,
    }
}

/// Yes / no / unsettled, with the reasoning (DOMAIN C "Is it a breach?").
fn classify(a: &Answers) -> (Breach, Reason) {
    let reason = |text: String, sources: &[&str], because: &[&str], unsettled: bool| Reason {
        text,
        sources: sources.iter().map(|s| s.to_string()).collect(),
        unsettled,
        because: because.iter().map(|s| s.to_string()).collect(),
    };
    match a.what {
        What::OwnPostError => (
            Breach::Yes,
            reason(
                t(
                    "Kommunens eget inlägg röjde personuppgifter av misstag. En oavsiktlig eller felaktig \
                     publicering är ett obehörigt röjande och därmed en personuppgiftsincident \
                     (konfidentialitetsincident).",
                    "The municipality's own post disclosed personal data in error. An unintended or \
                     erroneous publication is an unauthorised disclosure and therefore a personal data \
                     breach (confidentiality breach).",
                ),
                &["GDPR art. 4(12)", "EDPB 01/2021"],
                &["what"],
                false,
            ),
        ),
        What::OwnPostDeliberate => (
            Breach::Unsettled,
            reason(
                t(
                    "Avsiktlig publicering som senare visat sig sakna rättslig grund: i första hand en fråga \
                     om laglighet (art. 5 och 6). Om det är en personuppgiftsincident är oklart; många \
                     dataskyddsombud hanterar det som en incident.",
                    "A deliberate publication later found to lack a legal basis: primarily a matter of \
                     lawfulness (Arts. 5 and 6). Whether it is a personal data breach is unsettled; many \
                     DPOs handle it as a breach.",
                ),
                &["GDPR art. 4(12)", "GDPR art. 6", "EDPB 9/2022"],
                &["what"],
                true,
            ),
        ),
        What::ThirdPartyComment if !a.from_us => (
            Breach::No,
            reason(
                t(
                    "En utomståendes kommentar: röjandet gjordes av kommentatorn, inte genom en brist i \
                     kommunens säkerhet. Som utgångspunkt ingen personuppgiftsincident hos kommunen, men \
                     kommunen ansvarar för att ha uppsikt över och ta bort innehåll på sin sida.",
                    "An outsider's comment: the disclosure was made by the commenter, not through a failure \
                     of the municipality's security. By default no personal data breach of the \
                     municipality, but the municipality must supervise and remove content on its page.",
                ),
                &["GDPR art. 4(12)", "IMY FAQ 2021", "1998:112 4 §", "CJEU C-492/23"],
                &["what", "from_us"],
                false,
            ),
        ),
        What::ThirdPartyComment => (
            Breach::Yes,
            reason(
                t(
                    "Kommentaren skrevs av kommunens personal eller återgav uppgifter från kommunens egna \
                     system: röjandet kommer från kommunen och är en personuppgiftsincident.",
                    "The comment was written by municipal staff or reproduced data from the municipality's \
                     own systems: the disclosure comes from the municipality and is a personal data breach.",
                ),
                &["GDPR art. 4(12)"],
                &["what", "from_us"],
                false,
            ),
        ),
        What::DirectMessage | What::AccountTakeover | What::ToolIncident | What::ContentLost => {
            let (sv, en) = match a.what {
                What::DirectMessage => (
                    "Direktmeddelanden exponerades: obehörig åtkomst eller obehörigt röjande \
                     (konfidentialitetsincident).",
                    "Direct messages were exposed: unauthorised access or disclosure (confidentiality \
                     breach).",
                ),
                What::AccountTakeover => (
                    "Kontot kapades: obehörig åtkomst, och ofta ändring eller förlust av innehåll \
                     (konfidentialitets-, integritets- eller tillgänglighetsincident).",
                    "The account was taken over: unauthorised access, often with alteration or loss of \
                     content (confidentiality, integrity or availability breach).",
                ),
                What::ToolIncident => (
                    "Incident hos ett verktyg eller personuppgiftsbiträde som behandlar kontots uppgifter. \
                     Biträdet ska underrätta kommunen utan onödigt dröjsmål (art. 33.2).",
                    "Incident at a tool or processor handling the account's data. The processor must notify \
                     the municipality without undue delay (Art. 33(2)).",
                ),
                _ => (
                    "Kontot raderades eller innehåll gick förlorat: förlust av personuppgifter \
                     (tillgänglighetsincident).",
                    "The account was deleted or content was lost: loss of personal data (availability \
                     breach).",
                ),
            };
            (
                Breach::Yes,
                reason(
                    t(sv, en),
                    &["GDPR art. 4(12)", "EDPB 01/2021"],
                    &["what"],
                    false,
                ),
            )
        }
    }
}

/// 0.25 → "0,25" in Swedish, "0.25" in English; whole numbers without decimals.
pub fn num(x: f64) -> String {
    let s = if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').to_string()
    };
    match crate::i18n::current() {
        crate::i18n::Lang::Sv => s.replace('.', ","),
        crate::i18n::Lang::En => s,
    }
}

#[cfg(test)]
mod tests;
