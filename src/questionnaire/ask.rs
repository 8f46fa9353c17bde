//! Asking a questionnaire interactively: in order, only what applies, with the legal help
//! line, resumable, and a review of every answer before the result.

use serde_json::{Map, Value};

use super::validate::{parse_datetime, set};
use super::{lookup, Kind, Prompter, Question, Questionnaire};
use crate::error::{Error, Result};
use crate::i18n::t;

/// Called after each answer; may return a line to show (e.g. a running deadline).
pub type StatusFn<'a> = &'a dyn Fn(&Value) -> Option<String>;

/// One entry of a dynamic pick list: the value stored in the answers, and what the person
/// reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// The "dynamic choices" hook: lists the caller knows and the questionnaire names by
/// `choices_from` (the engine attaches no meaning to the names). A question whose list is
/// known is asked as a pick list, so a value the caller would refuse cannot be entered.
pub trait ChoiceSource {
    /// The values for `source`, or `None` when the caller has no such list (the question is
    /// then asked as plain text).
    fn choices(&self, source: &str) -> Option<Vec<Choice>>;
    /// What to tell the person when `source` is empty and the question needs one of its
    /// values (e.g. how to add one).
    fn empty(&self, source: &str) -> String {
        t(
            &format!("det finns inget att välja i listan '{source}'"),
            &format!("there is nothing to choose from in the list '{source}'"),
        )
    }
}

/// No dynamic lists: every `choices_from` question is asked as plain text.
pub struct NoChoices;

impl ChoiceSource for NoChoices {
    fn choices(&self, _: &str) -> Option<Vec<Choice>> {
        None
    }
}

/// [`ask_with`] without dynamic lists.
pub fn ask(
    q: &Questionnaire,
    p: &mut dyn Prompter,
    start: &Value,
    status: Option<StatusFn>,
    save: &mut dyn FnMut(&Value) -> Result<()>,
) -> Result<Value> {
    ask_with(q, p, start, status, save, &NoChoices)
}

/// Asks every applicable question not yet answered in `start`, then lets the user review
/// and change any answer. `save` gets the answers after each one (for resuming); `dynamic`
/// supplies the pick lists named by `choices_from`.
pub fn ask_with(
    q: &Questionnaire,
    p: &mut dyn Prompter,
    start: &Value,
    status: Option<StatusFn>,
    save: &mut dyn FnMut(&Value) -> Result<()>,
    dynamic: &dyn ChoiceSource,
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
    fill(q, p, &mut answers, status, save, dynamic)?;
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
                edit_group(q, question, p, &mut answers, save, dynamic)?;
            } else {
                let v = ask_one(
                    question,
                    p,
                    &answers,
                    None,
                    lookup(&answers, None, &key).cloned(),
                    dynamic,
                )?;
                set(&mut answers, &key, v);
            }
            save(&answers)?;
        }
        prune(q, &mut answers);
        fill(q, p, &mut answers, status, save, dynamic)?;
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
    dynamic: &dyn ChoiceSource,
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
                items.push(ask_item(q, question, p, answers, None, dynamic)?);
            }
            set(answers, &question.key, Value::Array(items));
            save(answers)?;
            continue;
        }
        if lookup(answers, None, &question.key).is_some() {
            continue;
        }
        let v = ask_one(question, p, answers, None, None, dynamic)?;
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

/// Asks the members of one group entry; `existing` (an entry being changed) gives every
/// member its current value as the default, so only what the person changes changes.
fn ask_item(
    q: &Questionnaire,
    group: &Question,
    p: &mut dyn Prompter,
    answers: &Value,
    existing: Option<&Value>,
    dynamic: &dyn ChoiceSource,
) -> Result<Value> {
    let mut item = Value::Object(Map::new());
    for m in q.members(&group.key) {
        if !m
            .when
            .as_ref()
            .is_none_or(|c| c.holds(answers, Some(&item)))
        {
            continue;
        }
        let current = existing.and_then(|e| e.get(m.leaf())).cloned();
        let v = ask_one(m, p, answers, Some(&item), current, dynamic)?;
        item.as_object_mut()
            .expect("object")
            .insert(m.leaf().to_string(), v);
    }
    Ok(item)
}

/// One line naming a group entry: its first answer, then the others in words.
fn item_line(q: &Questionnaire, group: &Question, item: &Value) -> String {
    let mut parts = q
        .members(&group.key)
        .filter_map(|m| item.get(m.leaf()).map(|v| shown(m, v)))
        .filter(|s| !s.is_empty() && s != "–");
    let first = parts.next().unwrap_or_default();
    let rest: Vec<String> = parts.collect();
    if rest.is_empty() {
        first
    } else {
        format!("{first} ({})", rest.join(", "))
    }
}

/// Review of a list (tools, people): the current entries, each to change or remove, and a
/// new one to add. Nothing is dropped unless the person removes it.
fn edit_group(
    q: &Questionnaire,
    group: &Question,
    p: &mut dyn Prompter,
    answers: &mut Value,
    save: &mut dyn FnMut(&Value) -> Result<()>,
    dynamic: &dyn ChoiceSource,
) -> Result<()> {
    let mut items = answers
        .get(&group.key)
        .and_then(|v| v.as_array())
        .cloned()
        .unwrap_or_default();
    loop {
        let mut options: Vec<String> = items
            .iter()
            .enumerate()
            .map(|(i, it)| format!("{}. {}", i + 1, item_line(q, group, it)))
            .collect();
        options.push(t("+ Lägg till en ny", "+ Add a new one"));
        options.push(t("✓ Klar med listan", "✓ Done with the list"));
        let done = options.len() - 1;
        let chosen = p.select(
            &format!(
                "{} {}",
                group.prompt.get(),
                t(
                    "– välj en post att ändra eller ta bort, eller lägg till",
                    "– choose an entry to change or remove, or add one"
                )
            ),
            &options,
            done,
            Some(&t(
                "↑↓ flyttar, Enter väljer",
                "↑↓ to move, Enter to choose",
            )),
        )?;
        if chosen == done {
            break;
        }
        if chosen == items.len() {
            let item = ask_item(q, group, p, answers, None, dynamic)?;
            items.push(item);
        } else {
            let what = p.select(
                &options[chosen],
                &[
                    t("Ändra", "Change"),
                    t("Ta bort", "Remove"),
                    t("Tillbaka", "Back"),
                ],
                0,
                None,
            )?;
            match what {
                0 => {
                    let current = items[chosen].clone();
                    items[chosen] = ask_item(q, group, p, answers, Some(&current), dynamic)?;
                }
                1 => {
                    items.remove(chosen);
                }
                _ => {}
            }
        }
        set(answers, &group.key, Value::Array(items.clone()));
        save(answers)?;
    }
    set(answers, &group.key, Value::Array(items));
    Ok(())
}

/// A pick list from the caller's `choices_from` list; `None` when the caller has no such
/// list (ask as text) or the person chose to type another value.
fn pick(
    question: &Question,
    p: &mut dyn Prompter,
    current: Option<&str>,
    help: Option<&str>,
    dynamic: &dyn ChoiceSource,
) -> Result<Option<String>> {
    let Some(source) = &question.choices_from else {
        return Ok(None);
    };
    let Some(list) = dynamic.choices(source) else {
        return Ok(None);
    };
    if list.is_empty() {
        if question.open_choices {
            return Ok(None);
        }
        if question.optional {
            return Ok(Some(String::new()));
        }
        return Err(Error::Usage(format!(
            "{}: {}",
            question.prompt.get(),
            dynamic.empty(source)
        )));
    }
    let mut options: Vec<(String, String)> = list
        .iter()
        .map(|c| {
            let shown = if c.label == c.value || c.label.is_empty() {
                c.value.clone()
            } else {
                format!("{} – {}", c.value, c.label)
            };
            (c.value.clone(), shown)
        })
        .collect();
    let other = question.open_choices.then(|| {
        options.push((
            "*other".into(),
            t("Annan – skriv in den", "Another – type it in"),
        ));
        options.len() - 1
    });
    let blank = question.optional.then(|| {
        options.push((
            "*blank".into(),
            t("– Okänt / lämna tomt", "– Unknown / leave empty"),
        ));
        options.len() - 1
    });
    let d = current
        .and_then(|c| {
            if c.is_empty() {
                blank
            } else {
                list.iter().position(|x| x.value == c).or(other)
            }
        })
        .unwrap_or(0);
    let i = p.select_keyed(question.prompt.get(), &options, d, help)?;
    if Some(i) == other {
        return Ok(None);
    }
    if Some(i) == blank {
        return Ok(Some(String::new()));
    }
    Ok(Some(list[i].value.clone()))
}

fn ask_one(
    question: &Question,
    p: &mut dyn Prompter,
    answers: &Value,
    item: Option<&Value>,
    current: Option<Value>,
    dynamic: &dyn ChoiceSource,
) -> Result<Value> {
    let prompt = question.prompt.get();
    let help = question.help_line();
    let help = help.as_deref();
    let default = current.or_else(|| question.default_value(answers, item));
    if question.kind == Kind::Text {
        let d = default.as_ref().and_then(|v| v.as_str());
        if let Some(v) = pick(question, p, d, help, dynamic)? {
            return Ok(Value::String(v));
        }
    }
    Ok(match question.kind {
        Kind::Choice => {
            let options: Vec<(String, String)> = question
                .choices
                .iter()
                .map(|c| (c.clone(), question.label(c)))
                .collect();
            let d = default
                .as_ref()
                .and_then(|v| v.as_str())
                .and_then(|s| question.choices.iter().position(|c| c == s))
                .unwrap_or(0);
            let i = p.select_keyed(prompt, &options, d, help)?;
            Value::String(question.choices[i].clone())
        }
        Kind::Multi => {
            let options: Vec<(String, String)> = question
                .choices
                .iter()
                .map(|c| (c.clone(), question.label(c)))
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
            let chosen = p.multi(prompt, &options, &defaults, help, !question.optional)?;
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
            (Kind::Group, Value::Array(items)) if items.is_empty() => t("inga", "none"),
            (Kind::Group, Value::Array(items)) => {
                let names: Vec<String> = items
                    .iter()
                    .map(|i| {
                        q.members(&question.key)
                            .find_map(|m| i.get(m.leaf()).map(|v| shown(m, v)))
                            .unwrap_or_default()
                    })
                    .collect();
                format!("{} st: {}", items.len(), names.join(", "))
            }
            _ => shown(question, v),
        };
        out.push((
            question.key.clone(),
            format!("{}: {shown}", question.prompt.get()),
        ));
    }
    out
}

/// An answer in the words the person chose it by (labels, ja/nej; never `true` or a code).
pub(crate) fn shown(question: &Question, v: &Value) -> String {
    match v {
        Value::Bool(true) => t("ja", "yes"),
        Value::Bool(false) => t("nej", "no"),
        Value::String(s) if s.is_empty() => "–".to_string(),
        Value::String(s) if question.kind == Kind::Choice => question.label(s),
        Value::String(s) => s.clone(),
        Value::Array(a) if a.is_empty() => t("inga", "none"),
        Value::Array(a) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(|s| question.label(s))
                    .unwrap_or_else(|| x.to_string())
            })
            .collect::<Vec<_>>()
            .join(", "),
        Value::Null => "–".to_string(),
        other => other.to_string(),
    }
}
