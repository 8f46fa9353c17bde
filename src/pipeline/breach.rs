//! The breach evaluation as a pipeline kind: questionnaire `breach`, rules
//! [`crate::assessment::breach::evaluate`], record `templates/breach.*.hbs`, one evaluation
//! row in `breaches.csv` under the log's id lock.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{Appended, Case, Kind, RecordSpec, Source, Written};
use crate::assessment::breach::{self as rules, evaluate, Answers, Evaluation};
use crate::error::{Error, Result};
use crate::i18n::t;
use crate::questionnaire::Questionnaire;
use chrono::{DateTime, FixedOffset};

use crate::assessment::breach::rfc3339;
use crate::registers::breaches::{summarise, unknown_id, BreachLog, Entry, Summary, FOLLOW_UP};
use crate::workspace::Workspace;

/// Evaluate a removed post or comment; `fictional` marks the demo's records as examples.
#[derive(Debug, Clone, Default)]
pub struct BreachEvaluation {
    pub fictional: bool,
}

/// The template of the record.
const TEMPLATE: &str = "breach";

impl Kind for BreachEvaluation {
    type Answers = Answers;
    type Outcome = Evaluation;

    fn questionnaire(&self) -> Option<&'static str> {
        Some("breach")
    }

    fn template(&self) -> Option<&'static str> {
        Some(TEMPLATE)
    }

    fn typed(
        &self,
        ws: Option<&Workspace>,
        answers: &Value,
        source: Source,
        notes: &mut Vec<String>,
    ) -> Result<Answers> {
        let a = Answers::from_json(answers, crate::clock::now()).map_err(|e| source.in_file(e))?;
        if crate::registers::accounts::check_id(&a.account).is_err() {
            let id = &a.account;
            let err = Error::input(t(
                &format!("'{id}' är inget giltigt konto-id: använd 1–64 tecken a–z, 0–9 och - (t.ex. nykoping-fb); aldrig personuppgifter"),
                &format!("'{id}' is not a valid account id: use 1–64 characters a–z, 0–9 and - (e.g. nykoping-fb); never personal data"),
            ))
            .field("account");
            return Err(source.locate(err, "account"));
        }
        if let Err(bad) = a.check(crate::clock::now()) {
            let err = Error::input(bad.message).field(bad.field);
            return Err(source.locate(err, bad.field));
        }
        if let Some(ws) = ws {
            if crate::registers::accounts::find(&ws.accounts_csv(), &a.account).is_err() {
                notes.push(t(
                    &format!(
                        "obs: kontot '{}' finns inte i kontoregistret; bedömningen görs ändå",
                        a.account
                    ),
                    &format!(
                        "note: the account '{}' is not in the account register; evaluating anyway",
                        a.account
                    ),
                ));
            }
        }
        Ok(a)
    }

    fn decide(&self, _ws: Option<&Workspace>, a: &Answers) -> Result<Evaluation> {
        Ok(evaluate(a))
    }

    fn lock(&self, ws: &Workspace) -> Result<Option<std::fs::File>> {
        BreachLog::at(ws).lock().map(Some)
    }

    fn id(&self, ws: &Workspace, _answers: &Value, a: &Answers) -> Result<Option<String>> {
        let log = BreachLog::at(ws);
        Ok(Some(BreachLog::next_id(
            &log.entries()?,
            BreachLog::year_of(a.assessed_at),
        )))
    }

    /// The answers as evaluated: the file as given, with `assessed_at` fixed when it
    /// defaulted, so a re-run does not depend on when it happens.
    fn kept_answers(
        &self,
        _q: &Questionnaire,
        text: &str,
        _answers: &Value,
        a: &Answers,
    ) -> String {
        let mut saved = text.to_string();
        if super::key_line(&saved, "assessed_at").is_none() {
            if !saved.ends_with('\n') && !saved.is_empty() {
                saved.push('\n');
            }
            saved.push_str(&format!(
                "assessed_at = {}   # {}\n",
                rules::rfc3339(a.assessed_at),
                t(
                    "standard: tidpunkten för bedömningen",
                    "default: the time of the evaluation"
                )
            ));
        }
        saved
    }

    fn answers_path(&self, ws: &Workspace, id: Option<&str>) -> Option<PathBuf> {
        id.map(|id| ws.answers_dir("breach").join(format!("{id}.toml")))
    }

    fn result(&self, e: &Evaluation, id: Option<&str>) -> Value {
        let mut result = result_json(id.unwrap_or_default(), e, None, None);
        if self.fictional {
            result["fictional"] = Value::Bool(true);
        }
        result
    }

    fn record(
        &self,
        ws: &Workspace,
        q: &Questionnaire,
        case: &Case<Answers, Evaluation>,
    ) -> Result<RecordSpec> {
        let id = case.id.unwrap_or_default();
        let title = format!(
            "{} {id}",
            t(
                "Bedömning av personuppgiftsincident",
                "Personal data breach evaluation"
            )
        );
        Ok(RecordSpec {
            template: TEMPLATE,
            data: crate::records::breach::data(
                ws,
                q,
                case.typed,
                case.outcome,
                id,
                self.fictional,
                case.text,
            ),
            title: title.clone(),
            reason: title,
            stem: id.to_string(),
            dated: false,
        })
    }

    fn append(
        &self,
        ws: &Workspace,
        case: &Case<Answers, Evaluation>,
        record: &Path,
    ) -> Result<Appended> {
        let a = case.typed;
        let categories: Vec<&str> = a.categories.iter().map(|c| c.key()).collect();
        let what = serde_json::to_value(a.what)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        BreachLog::at(ws).append(&[Entry::evaluation(
            case.id.unwrap_or_default(),
            case.outcome,
            &what,
            a.subjects,
            &categories,
            crate::clock::now(),
            &ws.relative(record),
        )])?;
        Ok(Appended::default())
    }

    fn json(&self, e: &Evaluation, id: Option<&str>, written: &Written) -> Value {
        result_json(
            id.unwrap_or_default(),
            e,
            written.record.as_deref(),
            written.answers.as_deref(),
        )
    }
}

/// The evaluation as the contract's JSON, with its id and the paths written.
pub fn result_json(
    id: &str,
    e: &Evaluation,
    record: Option<&Path>,
    answers: Option<&Path>,
) -> Value {
    let mut v = serde_json::to_value(e).expect("evaluation serialises");
    if let Some(o) = v.as_object_mut() {
        o.insert("id".into(), Value::String(id.to_string()));
        o.insert(
            "record".into(),
            record
                .map(|p| Value::String(p.display().to_string()))
                .unwrap_or(Value::Null),
        );
        o.insert(
            "answers".into(),
            answers
                .map(|p| Value::String(p.display().to_string()))
                .unwrap_or(Value::Null),
        );
    }
    v
}

/// Appends a follow-up row for an evaluation in the log; returns its updated summary.
pub fn follow_up(
    ws: &Workspace,
    id: &str,
    notified: Option<DateTime<FixedOffset>>,
    informed: Option<DateTime<FixedOffset>>,
) -> Result<Summary> {
    let log = BreachLog::at(ws);
    // The id lock from the look-up to the append: two follow-ups never cross.
    let _lock = log.lock()?;
    let entries = log.entries()?;
    let Some(eval) = entries
        .iter()
        .find(|e| e.id == id && e.entry == crate::registers::breaches::EVALUATION)
    else {
        return Err(unknown_id(id, &log.ledger.path));
    };
    let aware = DateTime::parse_from_rfc3339(&eval.aware_at).ok();
    for (when, option) in [
        (notified, "--notified-imy-at"),
        (informed, "--subjects-informed-at"),
    ] {
        if let (Some(w), Some(aw)) = (when, aware) {
            if w < aw {
                return Err(Error::input(t(
                    &format!(
                        "{} ligger före kännedomen om incidenten ({})",
                        rfc3339(w),
                        eval.aware_at
                    ),
                    &format!(
                        "{} is before the breach became known ({})",
                        rfc3339(w),
                        eval.aware_at
                    ),
                ))
                .field(option));
            }
        }
    }
    let row = Entry {
        id: id.to_string(),
        entry: FOLLOW_UP.into(),
        recorded_at: rfc3339(crate::clock::now()),
        account: eval.account.clone(),
        notified_imy_at: notified.map(rfc3339).unwrap_or_default(),
        subjects_informed_at: informed.map(rfc3339).unwrap_or_default(),
        ..Entry::default()
    };
    log.append(std::slice::from_ref(&row))?;
    let mut all = entries;
    all.push(row);
    let now = crate::clock::now();
    Ok(summarise(&all, now)
        .into_iter()
        .find(|s| s.id == id)
        .expect("the evaluation is in the log"))
}
