//! The application for a new account: typed answers of `questionnaires/application.toml` →
//! a typed result with findings, reasons and sources. Pure: no files, no clock.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::finding::{Action, Finding};
use crate::i18n::t;
use crate::lifecycle::Status;
use crate::registers::account_history::{Admin, Goal};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MonitoringFrequency {
    SeveralDaily,
    Daily,
    Weekdays,
    Weekly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublishingFrequency {
    Daily,
    Weekly,
    Monthly,
    Occasional,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountPart {
    pub platform: String,
    pub name: String,
    #[serde(default)]
    pub url: String,
    pub owner_unit: String,
    pub purpose: String,
    #[serde(default)]
    pub task_basis: String,
    pub audience: String,
    pub responsible: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Monitoring {
    pub by: String,
    pub frequency: MonitoringFrequency,
    pub weekends: bool,
    pub response_hours: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Publishing {
    pub frequency: PublishingFrequency,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Moderation {
    pub routine: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Content {
    pub pupils: bool,
    pub sensitive: bool,
}

/// The validated answers, typed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Answers {
    pub account: AccountPart,
    #[serde(default)]
    pub goals: Vec<Goal>,
    #[serde(default)]
    pub admins: Vec<Admin>,
    pub monitoring: Monitoring,
    pub publishing: Publishing,
    pub moderation: Moderation,
    pub content: Content,
}

/// The application as recorded: what was asked for and what the tool found in it.
#[derive(Debug, Clone, Serialize)]
pub struct Application {
    pub kind: &'static str,
    pub account: String,
    pub status: Status,
    pub platform: String,
    pub name: String,
    pub url: String,
    pub owner_unit: String,
    pub purpose: String,
    pub task_basis: String,
    pub audience: String,
    pub responsible: String,
    pub goals: Vec<Goal>,
    pub admins: Vec<Admin>,
    pub monitoring: Monitoring,
    pub publishing: Publishing,
    pub moderation_routine: bool,
    pub pupils: bool,
    pub sensitive: bool,
    pub actions: Vec<Action>,
    pub outcomes: Vec<String>,
    pub findings: Vec<Finding>,
}

/// Nyköping's routine (seed 004, 6): questions are answered within 24 hours; Sollentuna
/// (seed 003): within a day.
pub const RESPONSE_HOURS: u32 = 24;

/// Checks what the questionnaire engine cannot (at least one goal and one administrator,
/// no empty goal parts) and names the answers-file key and line of what is wrong.
pub fn check(a: &Answers, text: &str, file: &std::path::Path) -> Result<()> {
    if a.goals.is_empty() {
        return Err(Error::input(t(
            "ansökan saknar mål: ange minst ett mätbart mål med indikator och målvärde ([[goals]] med goal, indicator, target)",
            "the application has no goal: give at least one measurable goal with an indicator and a target ([[goals]] with goal, indicator, target)",
        ))
        .in_file(file)
        .field("goals"));
    }
    for (i, g) in a.goals.iter().enumerate() {
        for (key, v) in [
            ("goal", &g.goal),
            ("indicator", &g.indicator),
            ("target", &g.target),
        ] {
            if v.trim().is_empty() {
                let mut e = Error::input(t(
                    "målet måste vara mätbart: fyll i mål, indikator och målvärde",
                    "the goal must be measurable: fill in goal, indicator and target",
                ))
                .in_file(file)
                .field(&format!("goals[{i}].{key}"));
                if let Some(n) = entry_key_line(text, "goals", i, key) {
                    e = e.at_line(n);
                }
                return Err(e);
            }
        }
    }
    if distinct_admins(&a.admins) == 0 {
        return Err(Error::input(t(
            "ansökan saknar administratörer: ange minst två namngivna personer som har inloggningen ([[admins]] med name)",
            "the application names no administrator: give at least two named people who hold the login ([[admins]] with name)",
        ))
        .in_file(file)
        .field("admins"));
    }
    for (i, ad) in a.admins.iter().enumerate() {
        if ad.name.trim().is_empty() {
            let mut e = Error::input(t(
                "administratören måste ha ett namn",
                "the administrator needs a name",
            ))
            .in_file(file)
            .field(&format!("admins[{i}].name"));
            if let Some(n) = entry_key_line(text, "admins", i, "name") {
                e = e.at_line(n);
            }
            return Err(e);
        }
    }
    for (key, v) in [
        ("account.name", &a.account.name),
        ("account.owner_unit", &a.account.owner_unit),
        ("account.purpose", &a.account.purpose),
        ("account.responsible", &a.account.responsible),
        ("monitoring.by", &a.monitoring.by),
    ] {
        if v.trim().is_empty() {
            let mut e = Error::input(t(
                "svaret får inte vara tomt",
                "the answer may not be empty",
            ))
            .in_file(file)
            .field(key);
            if let Some(n) = key_line(text, key) {
                e = e.at_line(n);
            }
            return Err(e);
        }
    }
    Ok(())
}

/// People counted once (the same name twice is one person holding the login).
pub fn distinct_admins(admins: &[Admin]) -> usize {
    let mut names: Vec<String> = admins
        .iter()
        .map(|a| a.name.trim().to_lowercase())
        .filter(|n| !n.is_empty())
        .collect();
    names.sort();
    names.dedup();
    names.len()
}

/// Evaluates an application (after [`check`]).
pub fn evaluate(id: &str, a: &Answers) -> Application {
    let mut findings = Vec::new();
    let mut actions = Vec::new();
    let admins = distinct_admins(&a.admins);
    if admins < 2 {
        let name = a.admins.first().map(|x| x.name.clone()).unwrap_or_default();
        findings.push(
            Finding::new(
                "ADMINS-TOO-FEW",
                t(
                    &format!("Bara en person ({name}) har inloggningen. Risken: slutar, byter tjänst eller blir sjuk hen blir kontot föräldralöst – ingen kan svara, moderera, ta bort en personuppgift eller avveckla kontot, och behörigheten kan inte dras tillbaka. Utse minst två namngivna administratörer."),
                    &format!("Only one person ({name}) holds the login. The risk: if they leave, change jobs or fall ill, the account is orphaned — nobody can answer, moderate, remove personal data or close the account, and access cannot be withdrawn. Name at least two administrators."),
                ),
            )
            .sources(&["GDPR art. 32(1)(b)", "GDPR art. 5(1)(f)"])
            .because(&["admins"]),
        );
        actions.push(Action::should(
            "ADMINS-TOO-FEW",
            t(
                "Utse minst två namngivna administratörer.",
                "Name at least two administrators.",
            ),
        ));
    }
    if a.account.task_basis.trim().is_empty() {
        findings.push(
            Finding::new(
                "PUBLIC-TASK-UNSTATED",
                t(
                    "Ansökan anger inte vilken av nämndens uppgifter kontot tjänar. Den rättsliga grunden allmänt intresse (art. 6.1 e) kräver en uppgift fastställd i lag eller annan författning; ange reglemente, lag eller beslut.",
                    "The application does not state which of the committee's tasks the account serves. Public interest (Art. 6(1)(e)) needs a task laid down in law; state the rules of procedure, act or decision.",
                ),
            )
            .sources(&["GDPR art. 6(1)(e)", "GDPR art. 6(3)", "2018:218 2 kap. 2 §"])
            .because(&["account.task_basis"]),
        );
        actions.push(Action::should(
            "PUBLIC-TASK-UNSTATED",
            t(
                "Ange den uppgift i lag, reglemente eller beslut som kontot tjänar.",
                "State the task in law, rules of procedure or decision that the account serves.",
            ),
        ));
    }
    if !a.moderation.routine {
        findings.push(
            Finding::new(
                "BBS-MODERATION-GAP",
                t(
                    "Det finns ingen dokumenterad rutin för moderering. Den som tillhandahåller en elektronisk anslagstavla ska ha tillsyn och ta bort uppenbart brottsligt innehåll; dokumentera först (skärmdump, diarieföring) och ta sedan bort.",
                    "There is no documented moderation routine. Whoever provides an electronic bulletin board must supervise it and remove obviously criminal content; document first (screenshot, registration), then remove.",
                ),
            )
            .sources(&["1998:112 4 §", "1998:112 5 §"])
            .because(&["moderation.routine"]),
        );
        actions.push(Action::must(
            "BBS-MODERATION-GAP",
            t(
                "Besluta och dokumentera en modereringsrutin innan kontot startas.",
                "Decide and document a moderation routine before the account starts.",
            ),
        ));
    }
    if a.monitoring.response_hours > RESPONSE_HOURS {
        findings.push(
            Finding::new(
                "RESPONSE-TIME-LONG",
                t(
                    &format!("Frågor besvaras först inom {} timmar. Myndigheten ska svara enskilda så snart som möjligt; riktmärket i kommunernas rutiner är 24 timmar.", a.monitoring.response_hours),
                    &format!("Questions are answered only within {} hours. The authority must answer individuals as soon as possible; the municipalities' routines set 24 hours.", a.monitoring.response_hours),
                ),
            )
            .sources(&["FL 2017:900 6 §"])
            .because(&["monitoring.response_hours"]),
        );
        actions.push(Action::should(
            "RESPONSE-TIME-LONG",
            t(
                "Ordna bevakningen så att frågor besvaras inom 24 timmar.",
                "Arrange monitoring so that questions are answered within 24 hours.",
            ),
        ));
    }
    if !a.monitoring.weekends {
        findings.push(
            Finding::new(
                "MONITORING-WEEKENDS",
                t(
                    "Kontot bevakas inte på helger: en kommentar med en personuppgift eller ett brottsligt inlägg kan då ligga kvar till måndag. Ange hur helger hanteras (bevakning, eller kommentarer avstängda och hänvisning på sidan).",
                    "The account is not monitored at weekends: a comment with personal data or a criminal post may then stay up until Monday. State how weekends are handled (monitoring, or comments off with a notice on the page).",
                ),
            )
            .sources(&["1998:112 4 §", "GDPR art. 32(1)"])
            .because(&["monitoring.weekends"]),
        );
    }
    if a.content.pupils {
        findings.push(
            Finding::new(
                "PUPILS-IN-CONTENT",
                t(
                    "Elever eller barn kommer att synas: varje bild eller film prövas med `dataskydd photo` mot samtyckesregistret och den lokala policyn innan den publiceras.",
                    "Pupils or children will appear: every picture or film is decided with `dataskydd photo` against the consent register and the local policy before it is published.",
                ),
            )
            .sources(&["GDPR art. 6(1)", "GDPR art. 7(1)", "GDPR skäl 38"])
            .because(&["content.pupils"]),
        );
    }
    if a.content.sensitive {
        findings.push(
            Finding::new(
                "DPIA-CONSIDER",
                t(
                    "Känsliga eller sekretessbelagda ärenden kan förekomma: överväg en konsekvensbedömning (DPIA) och hänvisa sådana ärenden till en säker kanal; dokumentera varför en DPIA inte behövs om ni avstår.",
                    "Sensitive or confidential matters may arise: consider an impact assessment (DPIA) and redirect such matters to a secure channel; document why none is needed if you do without.",
                ),
            )
            .sources(&["GDPR art. 35(1)", "EDPB WP248 rev.01", "OSL 2009:400 10 kap. 2 a §"])
            .because(&["content.sensitive"]),
        );
        actions.push(Action::should(
            "DPIA-CONSIDER",
            t(
                "Överväg en konsekvensbedömning (DPIA) och dokumentera slutsatsen.",
                "Consider an impact assessment (DPIA) and document the conclusion.",
            ),
        ));
    }
    let outcomes = crate::finding::outcomes(&findings);
    Application {
        kind: "account_application",
        account: id.to_string(),
        status: Status::Applied,
        platform: a.account.platform.clone(),
        name: a.account.name.clone(),
        url: a.account.url.clone(),
        owner_unit: a.account.owner_unit.clone(),
        purpose: a.account.purpose.clone(),
        task_basis: a.account.task_basis.clone(),
        audience: a.account.audience.clone(),
        responsible: a.account.responsible.clone(),
        goals: a.goals.clone(),
        admins: a.admins.clone(),
        monitoring: a.monitoring.clone(),
        publishing: a.publishing.clone(),
        moderation_routine: a.moderation.routine,
        pupils: a.content.pupils,
        sensitive: a.content.sensitive,
        actions,
        outcomes,
        findings,
    }
}

/// Line of the `n`th (0-based) `[[table]]` header in an answers text.
pub fn table_line(text: &str, table: &str, n: usize) -> Option<usize> {
    let header = format!("[[{table}]]");
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == header)
        .nth(n)
        .map(|(i, _)| i + 1)
}

/// Line of `key` inside the `n`th `[[table]]` entry, else the entry's header line.
pub fn entry_key_line(text: &str, table: &str, n: usize, key: &str) -> Option<usize> {
    let start = table_line(text, table, n)?;
    for (i, l) in text.lines().enumerate().skip(start) {
        let l = l.trim();
        if l.starts_with('[') {
            break;
        }
        if l.split_once('=').is_some_and(|(k, _)| k.trim() == key) {
            return Some(i + 1);
        }
    }
    Some(start)
}

/// Line where a `table.key` (or top-level `key`) is set in an answers text.
pub fn key_line(text: &str, key: &str) -> Option<usize> {
    let (table, leaf) = key.rsplit_once('.').unwrap_or(("", key));
    let mut current = String::new();
    for (i, l) in text.lines().enumerate() {
        let l = l.trim();
        if l.starts_with('[') {
            current = l.trim_matches(|c| c == '[' || c == ']').trim().to_string();
            continue;
        }
        let Some((k, _)) = l.split_once('=') else {
            continue;
        };
        let k = k.trim();
        if (current == table && k == leaf) || (current.is_empty() && k == key) {
            return Some(i + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(admins: &[&str]) -> Answers {
        Answers {
            account: AccountPart {
                platform: "instagram".into(),
                name: "Skolan".into(),
                url: String::new(),
                owner_unit: "Barn- och utbildningsnämnden".into(),
                purpose: "Informera vårdnadshavare".into(),
                task_basis: "Skollagen 2010:800".into(),
                audience: "Vårdnadshavare".into(),
                responsible: "Rektor".into(),
            },
            goals: vec![Goal {
                goal: "Fler når informationen".into(),
                indicator: "Följare".into(),
                target: "300 till juni 2027".into(),
            }],
            admins: admins
                .iter()
                .map(|n| Admin {
                    name: n.to_string(),
                    role: String::new(),
                })
                .collect(),
            monitoring: Monitoring {
                by: "Kommunikatör".into(),
                frequency: MonitoringFrequency::Daily,
                weekends: true,
                response_hours: 24,
            },
            publishing: Publishing {
                frequency: PublishingFrequency::Weekly,
            },
            moderation: Moderation { routine: true },
            content: Content {
                pupils: false,
                sensitive: false,
            },
        }
    }

    #[test]
    fn two_admins_nothing_to_say() {
        let r = evaluate("s", &answers(&["A", "B"]));
        assert!(r.findings.is_empty(), "{:?}", r.outcomes);
        assert_eq!(r.status, Status::Applied);
    }

    #[test]
    fn one_admin_names_the_risk_and_the_same_name_twice_is_one() {
        let r = evaluate("s", &answers(&["Anna", "anna "]));
        assert_eq!(r.outcomes, vec!["ADMINS-TOO-FEW"]);
        assert!(r.findings[0].text.contains("föräldralöst"));
        assert!(r.findings[0]
            .sources
            .contains(&"GDPR art. 32(1)(b)".to_string()));
    }

    #[test]
    fn gaps_become_findings_with_sources() {
        let mut a = answers(&["A", "B"]);
        a.moderation.routine = false;
        a.monitoring.response_hours = 48;
        a.monitoring.weekends = false;
        a.account.task_basis.clear();
        a.content.pupils = true;
        a.content.sensitive = true;
        let r = evaluate("s", &a);
        assert_eq!(
            r.outcomes,
            vec![
                "PUBLIC-TASK-UNSTATED",
                "BBS-MODERATION-GAP",
                "RESPONSE-TIME-LONG",
                "MONITORING-WEEKENDS",
                "PUPILS-IN-CONTENT",
                "DPIA-CONSIDER"
            ]
        );
        assert!(r.findings.iter().all(|f| !f.sources.is_empty()));
        assert_eq!(
            r.actions
                .iter()
                .filter(|x| x.level == crate::finding::Level::Must)
                .count(),
            1
        );
    }

    #[test]
    fn checks_name_the_key_and_line() {
        let text = "[[goals]]\ngoal = \"x\"\nindicator = \"\"\ntarget = \"t\"\n";
        let mut a = answers(&["A", "B"]);
        a.goals[0].indicator.clear();
        let e = check(&a, text, std::path::Path::new("a.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("goals[0].indicator") && e.contains("a.toml"),
            "{e}"
        );
        assert!(e.contains("rad 3") || e.contains("line 3"), "{e}");
        let mut a = answers(&[]);
        a.admins.clear();
        let e = check(&a, "", std::path::Path::new("a.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("admins"), "{e}");
    }
}
