//! Closing an account: Nyköping's routine (seed 004, 8: "before a channel is closed its
//! content must be documented and registered") as a checklist. Pure: typed answers → a
//! closing result, or a refusal naming the step still to do.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::finding::Finding;
use crate::i18n::t;
use crate::lifecycle::Status;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Deleted,
    HandedOver,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContentPart {
    pub archived: bool,
    #[serde(default)]
    pub registration: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Informed {
    pub informed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Removed {
    pub removed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlatformPart {
    pub outcome: Outcome,
    #[serde(default)]
    pub handed_over_to: String,
    pub done_on: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Answers {
    pub reason: String,
    pub content: ContentPart,
    pub followers: Informed,
    pub admins: Removed,
    pub platform: PlatformPart,
}

#[derive(Debug, Clone, Serialize)]
pub struct Closing {
    pub kind: &'static str,
    pub account: String,
    pub status: Status,
    pub reason: String,
    pub registration: String,
    pub outcome: Outcome,
    pub handed_over_to: String,
    pub done_on: String,
    pub outcomes: Vec<String>,
    pub findings: Vec<Finding>,
}

/// Refuses to close while a step of the routine is undone, naming the answers-file key and
/// its line; otherwise the closing with its reasons and sources.
pub fn close(id: &str, a: &Answers, text: &str, file: &std::path::Path) -> Result<Closing> {
    let steps = [
        (
            "content.archived",
            a.content.archived,
            t(
                "exportera kontots innehåll och bevara det som allmänna handlingar (diariefört) innan kontot avvecklas",
                "export the account's content and keep it as official documents (registered) before the account is closed",
            ),
        ),
        (
            "followers.informed",
            a.followers.informed,
            t(
                "informera följarna om att kontot upphör och var de når verksamheten",
                "tell the followers that the account ends and where to reach the service",
            ),
        ),
        (
            "admins.removed",
            a.admins.removed,
            t(
                "ta bort alla administratörers behörigheter och byt inloggningsuppgifter",
                "remove every administrator's rights and change the login details",
            ),
        ),
    ];
    for (key, done, todo) in &steps {
        if !done {
            let mut e = Error::input(t(
                &format!("kontot kan inte avvecklas ännu: {todo}; kör sedan `dataskydd account close {id}` igen"),
                &format!("the account cannot be closed yet: {todo}; then run `dataskydd account close {id}` again"),
            ))
            .in_file(file)
            .field(key);
            if let Some(n) = super::application::key_line(text, key) {
                e = e.at_line(n);
            }
            return Err(e);
        }
    }
    for (key, v) in [
        ("reason", &a.reason),
        ("content.registration", &a.content.registration),
    ] {
        if v.trim().is_empty() {
            let mut e = Error::input(t(
                "svaret får inte vara tomt",
                "the answer may not be empty",
            ))
            .in_file(file)
            .field(key);
            if let Some(n) = super::application::key_line(text, key) {
                e = e.at_line(n);
            }
            return Err(e);
        }
    }
    let mut findings = vec![Finding::new(
        "CONTENT-ARCHIVED",
        t(
            &format!("Kontots innehåll är bevarat som allmänna handlingar ({}). Inlägg är upprättade och kommentarer inkomna när de publiceras; de gallras bara enligt gallringsbeslut.", a.content.registration),
            &format!("The account's content is kept as official documents ({}). Posts are drawn up and comments received when published; they are disposed of only under a disposal decision.", a.content.registration),
        ),
    )
    .sources(&["TF 2 kap. 4 §", "TF 2 kap. 10 §", "Arkivlagen 1990:782 3 §", "OSL 2009:400 5 kap. 1 §"])
    .because(&["content.archived", "content.registration"])];
    match a.platform.outcome {
        Outcome::Deleted => findings.push(
            Finding::new(
                "ACCOUNT-DELETED",
                t(
                    "Kontot är raderat hos plattformen och behörigheterna borttagna: nämnden behandlar inte längre personuppgifter i kanalen.",
                    "The account is deleted at the platform and access removed: the committee no longer processes personal data in the channel.",
                ),
            )
            .sources(&["GDPR art. 5(1)(e)", "GDPR art. 32(1)(b)"])
            .because(&["platform.outcome", "admins.removed"]),
        ),
        Outcome::HandedOver => {
            if a.platform.handed_over_to.trim().is_empty() {
                return Err(Error::input(t(
                    "ange till vem kontot är överlämnat",
                    "say to whom the account is handed over",
                ))
                .in_file(file)
                .field("platform.handed_over_to"));
            }
            findings.push(
                Finding::new(
                    "ACCOUNT-HANDED-OVER",
                    t(
                        &format!("Kontot är överlämnat till {}, som blir personuppgiftsansvarig för det som publiceras därefter; det som publicerades före överlämnandet är bevarat hos nämnden.", a.platform.handed_over_to),
                        &format!("The account is handed over to {}, who becomes controller for what is published from then on; what was published before is kept by the committee.", a.platform.handed_over_to),
                    ),
                )
                .sources(&["GDPR art. 4(7)", "GDPR art. 24(1)"])
                .because(&["platform.outcome", "platform.handed_over_to"]),
            );
        }
    }
    Ok(Closing {
        kind: "account_closing",
        account: id.to_string(),
        status: Status::Closed,
        reason: a.reason.trim().to_string(),
        registration: a.content.registration.clone(),
        outcome: a.platform.outcome,
        handed_over_to: a.platform.handed_over_to.clone(),
        done_on: a.platform.done_on.clone(),
        outcomes: crate::finding::outcomes(&findings),
        findings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a() -> Answers {
        Answers {
            reason: "Verksamheten upphör".into(),
            content: ContentPart {
                archived: true,
                registration: "KS 2026/412".into(),
            },
            followers: Informed { informed: true },
            admins: Removed { removed: true },
            platform: PlatformPart {
                outcome: Outcome::Deleted,
                handed_over_to: String::new(),
                done_on: "2026-11-19".into(),
            },
        }
    }

    #[test]
    fn archive_first() {
        let mut x = a();
        x.content.archived = false;
        let text = "reason = \"x\"\n[content]\narchived = false\n";
        let e = close("k", &x, text, std::path::Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("content.archived") && e.contains("3"), "{e}");
        let r = close("k", &a(), "", std::path::Path::new("c.toml")).unwrap();
        assert_eq!(r.outcomes, vec!["CONTENT-ARCHIVED", "ACCOUNT-DELETED"]);
        assert_eq!(r.status, Status::Closed);
    }
}
