//! Asking a questionnaire interactively: in order, only what applies, with the legal help
//! line, resumable, and a review of every answer before the result.

use serde_json::{Map, Value};

use super::validate::{parse_datetime, set};
use super::{lookup, Kind, Prompter, Question, Questionnaire};
use crate::error::Result;
use crate::i18n::t;

/// Called after each answer; may return a line to show (e.g. a running deadline).
pub type StatusFn<'a> = &'a dyn Fn(&Value) -> Option<String>;

/// Asks every applicable question not yet answered in `start`, then lets the user review
/// and change any answer. `save` gets the answers after each one (for resuming).
pub fn ask(
    q: &Questionnaire,
    p: &mut dyn Prompter,
    start: &Value,
    status: Option<StatusFn>,
    save: &mut dyn FnMut(&Value) -> Result<()>,
) -> Result<Value> {
    let mut answers = if start.is_object() {
        start.clone()
    } else {
        Value::Object(Map::new())
    };
    p.say(&format!(
        "{} ({} {})",
        q.title.get(),
        t("version", "version"),
        q.version
    ));
    fill(q, p, &mut answers, status, save)?;
    loop {
        let listing = review_lines(q, &answers);
        p.say(&t("\nDina svar:", "\nYour answers:"));
        for l in &listing {
            p.say(&format!("  {}", l.1));
        }
        let mut options = vec![t(
            "✓ Svaren stämmer – visa resultatet",
            "✓ The answers are right – show the result",
        )];
        options.extend(
            listing
                .iter()
                .map(|l| format!("{} {}", t("Ändra:", "Change:"), l.1)),
        );
        let choice = p.select(
            &t("Granska svaren", "Review the answers"),
            &options,
            0,
            None,
        )?;
        if choice == 0 {
            break;
        }
        let key = listing[choice - 1].0.clone();
        if let Some(question) = q.question(&key) {
            if question.kind == Kind::Group {
                set(&mut answers, &key, Value::Array(Vec::new()));
            } else {
                let v = ask_one(
                    question,
                    p,
                    &answers,
                    None,
                    lookup(&answers, None, &key).cloned(),
                )?;
                set(&mut answers, &key, v);
            }
        }
        prune(q, &mut answers);
        fill(q, p, &mut answers, status, save)?;
    }
    Ok(answers)
}

/// Asks what applies and is unanswered, in order.
fn fill(
    q: &Questionnaire,
    p: &mut dyn Prompter,
    answers: &mut Value,
    status: Option<StatusFn>,
    save: &mut dyn FnMut(&Value) -> Result<()>,
) -> Result<()> {
    for question in q.top_level() {
        if !question
            .when
            .as_ref()
            .is_none_or(|c| c.holds(answers, None))
        {
            continue;
        }
        if question.kind == Kind::Group {
            if answers.get(&question.key).is_some() {
                continue;
            }
            let mut items = Vec::new();
            loop {
                let more = p.confirm(
                    question.prompt.get(),
                    Some(false),
                    question.help_line().as_deref(),
                )?;
                if !more {
                    break;
                }
                let mut item = Value::Object(Map::new());
                for m in q.members(&question.key) {
                    if !m
                        .when
                        .as_ref()
                        .is_none_or(|c| c.holds(answers, Some(&item)))
                    {
                        continue;
                    }
                    let v = ask_one(m, p, answers, Some(&item), None)?;
                    item.as_object_mut()
                        .expect("object")
                        .insert(m.leaf().to_string(), v);
                }
                items.push(item);
            }
            set(answers, &question.key, Value::Array(items));
            save(answers)?;
            continue;
        }
        if lookup(answers, None, &question.key).is_some() {
            continue;
        }
        let v = ask_one(question, p, answers, None, None)?;
        set(answers, &question.key, v);
        save(answers)?;
        if let Some(line) = status.and_then(|f| f(answers)) {
            p.say(&line);
        }
    }
    Ok(())
}

/// Drops answers whose question no longer applies after a change.
fn prune(q: &Questionnaire, answers: &mut Value) {
    for question in q.top_level() {
        if question
            .when
            .as_ref()
            .is_some_and(|c| !c.holds(answers, None))
        {
            remove(answers, &question.key);
        }
    }
}

fn remove(answers: &mut Value, key: &str) {
    let parts: Vec<&str> = key.split('.').collect();
    let mut cur = answers;
    for p in &parts[..parts.len() - 1] {
        match cur.get_mut(*p) {
            Some(next) => cur = next,
            None => return,
        }
    }
    if let Some(obj) = cur.as_object_mut() {
        obj.remove(parts[parts.len() - 1]);
    }
}

fn ask_one(
    question: &Question,
    p: &mut dyn Prompter,
    answers: &Value,
    item: Option<&Value>,
    current: Option<Value>,
) -> Result<Value> {
    let prompt = question.prompt.get();
    let help = question.help_line();
    let help = help.as_deref();
    let default = current.or_else(|| question.default_value(answers, item));
    Ok(match question.kind {
        Kind::Choice => {
            let options: Vec<String> = question
                .choices
                .iter()
                .map(|c| format!("{} ({c})", question.label(c)))
                .collect();
            let d = default
                .as_ref()
                .and_then(|v| v.as_str())
                .and_then(|s| question.choices.iter().position(|c| c == s))
                .unwrap_or(0);
            let i = p.select(prompt, &options, d, help)?;
            Value::String(question.choices[i].clone())
        }
        Kind::Multi => {
            let options: Vec<String> = question
                .choices
                .iter()
                .map(|c| format!("{} ({c})", question.label(c)))
                .collect();
            let defaults: Vec<usize> = default
                .as_ref()
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str())
                        .filter_map(|s| question.choices.iter().position(|c| c == s))
                        .collect()
                })
                .unwrap_or_default();
            let chosen = p.multi(prompt, &options, &defaults, help)?;
            Value::Array(
                chosen
                    .into_iter()
                    .map(|i| Value::String(question.choices[i].clone()))
                    .collect(),
            )
        }
        Kind::Bool => {
            Value::Bool(p.confirm(prompt, default.as_ref().and_then(|v| v.as_bool()), help)?)
        }
        Kind::Int => {
            let (min, max) = (question.min, question.max);
            let d = default.as_ref().map(|v| v.to_string());
            let s = p.text(prompt, d.as_deref(), help, &|s| match s.parse::<i64>() {
                Ok(i) if min.is_some_and(|m| i < m) || max.is_some_and(|m| i > m) => Err(t(
                    "talet ligger utanför det tillåtna intervallet",
                    "the number is outside the allowed range",
                )),
                Ok(_) => Ok(()),
                Err(_) => Err(t("skriv ett heltal", "write a whole number")),
            })?;
            Value::from(s.parse::<i64>().unwrap_or_default())
        }
        Kind::Text => {
            let d = default
                .as_ref()
                .and_then(|v| v.as_str())
                .map(str::to_string);
            let optional = question.optional;
            let s = p.text(prompt, d.as_deref(), help, &|s| {
                crate::ledger::check_field(s).map_err(|e| e.to_string())?;
                if s.is_empty() && !optional {
                    return Err(t("ett svar behövs", "an answer is needed"));
                }
                Ok(())
            })?;
            Value::String(s)
        }
        Kind::Date => {
            let today = crate::clock::today().format("%Y-%m-%d").to_string();
            let d = default
                .as_ref()
                .and_then(|v| v.as_str())
                .map(str::to_string)
                .unwrap_or(today);
            let s = p.text(prompt, Some(&d), help, &|s| {
                chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map(|_| ())
                    .map_err(|_| {
                        t(
                            "skriv datumet som ÅÅÅÅ-MM-DD",
                            "write the date as YYYY-MM-DD",
                        )
                    })
            })?;
            Value::String(s)
        }
        Kind::Datetime => {
            let now = crate::clock::now()
                .format("%Y-%m-%dT%H:%M:%S%:z")
                .to_string();
            let d = default
                .as_ref()
                .and_then(|v| v.as_str())
                .map(str::to_string)
                .unwrap_or(now);
            let s = p.text(prompt, Some(&d), help, &|s| {
                parse_datetime(s).map(|_| ()).map_err(|_| {
                    t(
                        "skriv tidpunkten med tidszon, t.ex. 2026-11-20T09:30:00+01:00",
                        "write the date-time with an offset, e.g. 2026-11-20T09:30:00+01:00",
                    )
                })
            })?;
            Value::String(parse_datetime(&s).unwrap_or(s))
        }
        Kind::Group => Value::Array(Vec::new()),
    })
}

/// (key, "prompt: answer") for every answered top-level question.
fn review_lines(q: &Questionnaire, answers: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for question in q.top_level() {
        let Some(v) = lookup(answers, None, &question.key) else {
            continue;
        };
        let shown = match (question.kind, v) {
            (Kind::Group, Value::Array(items)) => {
                let names: Vec<String> = items
                    .iter()
                    .map(|i| {
                        i.as_object()
                            .and_then(|o| o.values().next())
                            .map(|v| {
                                v.as_str()
                                    .map(str::to_string)
                                    .unwrap_or_else(|| v.to_string())
                            })
                            .unwrap_or_default()
                    })
                    .collect();
                format!("{} st: {}", items.len(), names.join(", "))
            }
            (Kind::Choice, Value::String(s)) => question.label(s),
            (Kind::Bool, Value::Bool(b)) => {
                if *b {
                    t("ja", "yes")
                } else {
                    t("nej", "no")
                }
            }
            (_, Value::String(s)) => s.clone(),
            (_, other) => other.to_string(),
        };
        out.push((
            question.key.clone(),
            format!("{}: {shown}", question.prompt.get()),
        ));
    }
    out
}
