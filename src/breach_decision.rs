//! `breach decide` (DOMAIN C6): the DPO advises (Art. 38–39), the controller decides. The
//! decision — breach or not, whom to notify, who decided, when and why — is appended to the
//! breach log as a `decision` row; who and why go to a decision note beside the records
//! (the log holds no names or free text), which the row names.

use chrono::{DateTime, FixedOffset};

use crate::assessment::breach::rfc3339;
use crate::error::{Error, Result};
use crate::i18n::t;
use crate::registers::breaches::{
    summarise, unknown_id, BreachLog, Entry, Summary, DECISION, EVALUATION,
};
use crate::workspace::Workspace;

/// Whom the controller decided to notify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notify {
    Imy,
    ImyAndSubjects,
    None,
}

impl Notify {
    pub fn parse(s: &str) -> Option<Notify> {
        match s {
            "imy" => Some(Notify::Imy),
            "imy_and_subjects" => Some(Notify::ImyAndSubjects),
            "none" => Some(Notify::None),
            _ => None,
        }
    }
}

/// Records the controller's decision on an evaluation; returns its updated summary.
pub fn decide(
    ws: &Workspace,
    id: &str,
    breach: bool,
    notify: Notify,
    reason: &str,
    by: &str,
    now: DateTime<FixedOffset>,
) -> Result<Summary> {
    if reason.trim().is_empty() {
        return Err(Error::input(t(
            "ange skälen för beslutet (--reason TEXT)",
            "give the reasons for the decision (--reason TEXT)",
        ))
        .field("--reason"));
    }
    if !breach && notify != Notify::None {
        return Err(Error::input(t(
            "ingen personuppgiftsincident (--breach no) kan inte anmälas: ange --notify none",
            "no personal data breach (--breach no) cannot be notified: give --notify none",
        ))
        .field("--notify"));
    }
    let log = BreachLog::at(ws);
    let _lock = log.lock()?;
    let entries = log.entries()?;
    let Some(eval) = entries.iter().find(|e| e.id == id && e.entry == EVALUATION) else {
        return Err(unknown_id(id, &log.ledger.path));
    };
    let who = if by.trim().is_empty() {
        t("den personuppgiftsansvarige", "the controller")
    } else {
        by.trim().to_string()
    };
    let note_dir = ws.output_dir();
    crate::workspace::ensure_private_dir(&note_dir)?;
    let note = note_dir.join(format!("beslut-{id}-{}.txt", now.format("%Y%m%d%H%M%S")));
    let text = t(
        &format!(
            "Beslut om personuppgiftsincident {id}\nKonto: {}\nPersonuppgiftsincident: {}\nAnmälan: {}\nBeslutat av: {who}\nTidpunkt: {}\nSkäl: {}\n\nDen personuppgiftsansvarige (nämnden, eller den den delegerat till) beslutar efter dataskyddsombudets råd (GDPR art. 38–39).\n",
            eval.account,
            if breach { "ja" } else { "nej" },
            match notify { Notify::Imy => "IMY", Notify::ImyAndSubjects => "IMY och de registrerade", Notify::None => "ingen" },
            rfc3339(now),
            reason.trim()
        ),
        &format!(
            "Decision on personal data breach {id}\nAccount: {}\nPersonal data breach: {}\nNotification: {}\nDecided by: {who}\nTime: {}\nReasons: {}\n\nThe controller (the committee, or whom it delegated) decides after the DPO's advice (GDPR Arts. 38–39).\n",
            eval.account,
            if breach { "yes" } else { "no" },
            match notify { Notify::Imy => "IMY", Notify::ImyAndSubjects => "IMY and the data subjects", Notify::None => "none" },
            rfc3339(now),
            reason.trim()
        ),
    );
    crate::workspace::write_atomic(&note, text.as_bytes())?;
    let row = Entry {
        id: id.to_string(),
        entry: DECISION.into(),
        recorded_at: rfc3339(now),
        account: eval.account.clone(),
        breach: if breach { "yes" } else { "no" }.into(),
        notify_imy: (notify != Notify::None).to_string(),
        notify_subjects: (notify == Notify::ImyAndSubjects).to_string(),
        aware_at: eval.aware_at.clone(),
        dpo_decision_required: "false".into(),
        outcomes: "CONTROLLER-DECISION".into(),
        record: note.display().to_string(),
        ..Entry::default()
    };
    log.append(std::slice::from_ref(&row))?;
    let mut all = entries;
    all.push(row);
    Ok(summarise(&all, now)
        .into_iter()
        .find(|s| s.id == id)
        .expect("the evaluation is in the log"))
}
