//! A questionnaire as HTML forms, one section at a time.
//!
//! Everything here is read from the questionnaire definition (kinds, choices, labels, help
//! with sources, `when` conditions, defaults): a new question in `questionnaires/*.toml`
//! appears in the browser without code. Answers are checked by the engine's own answers-file
//! validation, so the browser shows the same messages (field named, allowed values) as an
//! answers file gets. Nothing here knows what the questions are about.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::Error;
use crate::i18n::t;
use crate::questionnaire::{lookup, Kind, Question, Questionnaire};

/// Questions of one run of the same table are one section; long runs of top-level
/// questions are cut into pages of at most this many.
const PAGE: usize = 6;

/// One page of the questionnaire: the keys of its top-level questions (a group is a section
/// of its own).
#[derive(Debug, Clone)]
pub struct Section {
    pub keys: Vec<String>,
    pub group: Option<String>,
}

pub fn sections(q: &Questionnaire) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    let mut last_table: Option<String> = None;
    for question in q.top_level() {
        if question.kind == Kind::Group {
            out.push(Section {
                keys: vec![question.key.clone()],
                group: Some(question.key.clone()),
            });
            last_table = None;
            continue;
        }
        let table = question
            .key
            .split_once('.')
            .map(|(t, _)| t.to_string())
            .unwrap_or_default();
        let same = last_table.as_deref() == Some(table.as_str())
            && out
                .last()
                .is_some_and(|s| s.group.is_none() && s.keys.len() < PAGE);
        if same {
            out.last_mut()
                .expect("a section")
                .keys
                .push(question.key.clone());
        } else {
            out.push(Section {
                keys: vec![question.key.clone()],
                group: None,
            });
        }
        last_table = Some(table);
    }
    out
}

fn applies(q: &Question, answers: &Value, item: Option<&Value>) -> bool {
    q.when.as_ref().is_none_or(|c| c.holds(answers, item))
}

/// Whether a section still has an applicable question without an answer.
pub fn open_in(q: &Questionnaire, s: &Section, answers: &Value) -> bool {
    s.keys.iter().any(|k| {
        let Some(question) = q.question(k) else {
            return false;
        };
        if !applies(question, answers, None) {
            return false;
        }
        if question.kind == Kind::Group {
            return match answers.get(k).and_then(|v| v.as_array()) {
                None => true,
                Some(items) => items.iter().any(|item| {
                    q.members(k)
                        .any(|m| applies(m, answers, Some(item)) && item.get(m.leaf()).is_none())
                }),
            };
        }
        lookup(answers, None, k).is_none()
    })
}

/// The first section with something left to answer (None: go to the review).
pub fn next_open(q: &Questionnaire, answers: &Value) -> Option<usize> {
    sections(q).iter().position(|s| open_in(q, s, answers))
}

/// Whether any question of a section applies at all (a section with none is skipped).
pub fn applicable(q: &Questionnaire, s: &Section, answers: &Value) -> bool {
    s.keys
        .iter()
        .filter_map(|k| q.question(k))
        .any(|question| applies(question, answers, None))
}

#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// One field as the template shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub name: String,
    pub id: String,
    pub kind: &'static str,
    pub prompt: String,
    pub help: Option<String>,
    pub sources: Vec<String>,
    pub required: bool,
    pub value: String,
    pub choices: Vec<Choice>,
    pub error: Option<String>,
    pub min: Option<i64>,
    pub max: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub index: usize,
    pub title: String,
    pub fields: Vec<Field>,
}

/// A section as the template shows it.
#[derive(Debug, Clone, Serialize)]
pub struct View {
    pub index: usize,
    pub count: usize,
    pub fields: Vec<Field>,
    pub group: Option<GroupView>,
    pub errors: Vec<ErrorLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupView {
    pub key: String,
    pub prompt: String,
    pub help: Option<String>,
    pub sources: Vec<String>,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ErrorLink {
    pub id: String,
    pub message: String,
}

pub fn field_id(name: &str) -> String {
    let mut s = String::from("f-");
    for c in name.chars() {
        s.push(if c.is_ascii_alphanumeric() { c } else { '-' });
    }
    s
}

/// The value shown in an input for a stored answer.
fn shown_value(question: &Question, v: Option<&Value>) -> String {
    match v {
        None => String::new(),
        Some(Value::String(s)) if question.kind == Kind::Datetime => to_local_input(s),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => other.to_string(),
    }
}

/// RFC 3339 → the `datetime-local` form (Swedish time), so the browser's picker shows it.
fn to_local_input(s: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(s) {
        Ok(d) => d
            .with_timezone(&chrono_tz::Europe::Stockholm)
            .format("%Y-%m-%dT%H:%M")
            .to_string(),
        Err(_) => s.to_string(),
    }
}

/// A `datetime-local` value (no offset) is Swedish time; anything else is passed on as typed,
/// for the engine to judge.
fn from_local_input(s: &str) -> String {
    let s = s.trim();
    for f in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(naive) = chrono::NaiveDateTime::parse_from_str(s, f) {
            use chrono::offset::LocalResult;
            use chrono::TimeZone;
            let local = match chrono_tz::Europe::Stockholm.from_local_datetime(&naive) {
                LocalResult::Single(d) | LocalResult::Ambiguous(d, _) => d,
                LocalResult::None => continue,
            };
            return local.fixed_offset().to_rfc3339();
        }
    }
    s.to_string()
}

fn field(
    question: &Question,
    name: String,
    answers: &Value,
    item: Option<&Value>,
    current: Option<&Value>,
    errors: &BTreeMap<String, String>,
) -> Field {
    let stored = current
        .cloned()
        .or_else(|| question.default_value(answers, item));
    let value = shown_value(question, stored.as_ref());
    let choices = match question.kind {
        Kind::Choice | Kind::Multi => question
            .choices
            .iter()
            .map(|c| Choice {
                value: c.clone(),
                label: question.label(c),
                checked: match &stored {
                    Some(Value::String(s)) => s == c,
                    Some(Value::Array(a)) => a.iter().any(|x| x.as_str() == Some(c)),
                    _ => false,
                },
            })
            .collect(),
        Kind::Bool => [("true", t("Ja", "Yes")), ("false", t("Nej", "No"))]
            .into_iter()
            .map(|(v, l)| Choice {
                value: v.into(),
                label: l,
                checked: value == v,
            })
            .collect(),
        _ => Vec::new(),
    };
    Field {
        id: field_id(&name),
        error: errors.get(&name).cloned(),
        name,
        kind: question.kind.name(),
        prompt: question.prompt.get().to_string(),
        help: question.help.as_ref().map(|h| h.get().to_string()),
        sources: question.sources.clone(),
        required: !question.optional,
        value,
        choices,
        min: question.min,
        max: question.max,
    }
}

/// The section's fields, given the answers (stored or as just posted) and any errors.
pub fn view(
    q: &Questionnaire,
    index: usize,
    answers: &Value,
    errors: &BTreeMap<String, String>,
) -> View {
    let all = sections(q);
    let s = &all[index];
    let mut fields = Vec::new();
    let mut group = None;
    for key in &s.keys {
        let Some(question) = q.question(key) else {
            continue;
        };
        if !applies(question, answers, None) {
            continue;
        }
        if question.kind == Kind::Group {
            let items = answers
                .get(key)
                .and_then(|v| v.as_array())
                .cloned()
                .unwrap_or_default();
            let entries = items
                .iter()
                .enumerate()
                .map(|(i, item)| Entry {
                    index: i,
                    title: format!("{} {}", t("Nr", "No."), i + 1),
                    fields: q
                        .members(key)
                        .filter(|m| applies(m, answers, Some(item)))
                        .map(|m| {
                            field(
                                m,
                                format!("{key}[{i}].{}", m.leaf()),
                                answers,
                                Some(item),
                                item.get(m.leaf()),
                                errors,
                            )
                        })
                        .collect(),
                })
                .collect();
            group = Some(GroupView {
                key: key.clone(),
                prompt: question.prompt.get().to_string(),
                help: question.help.as_ref().map(|h| h.get().to_string()),
                sources: question.sources.clone(),
                entries,
            });
            continue;
        }
        fields.push(field(
            question,
            key.clone(),
            answers,
            None,
            lookup(answers, None, key),
            errors,
        ));
    }
    // The summary lists the errors in the order of the fields on the page.
    let mut order: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    if let Some(g) = &group {
        order.extend(
            g.entries
                .iter()
                .flat_map(|e| e.fields.iter().map(|f| f.name.as_str())),
        );
    }
    let mut names: Vec<&String> = errors.keys().collect();
    names.sort_by_key(|n| order.iter().position(|o| o == n).unwrap_or(usize::MAX));
    let errors = names
        .into_iter()
        .map(|name| ErrorLink {
            id: field_id(name),
            message: errors[name].clone(),
        })
        .collect();
    View {
        index,
        count: all.len(),
        fields,
        group,
        errors,
    }
}

/// The posted fields, by name (a multi-choice question posts one pair per box).
pub type Posted = BTreeMap<String, Vec<String>>;

pub fn posted(pairs: &[(String, String)]) -> Posted {
    let mut m: Posted = BTreeMap::new();
    for (k, v) in pairs {
        m.entry(k.clone()).or_default().push(v.clone());
    }
    m
}

/// The raw input as an answer value of the question's kind; what cannot be read as that kind
/// is kept as text, so the engine's validation names it (`fel typ: väntade ett heltal`).
fn raw_value(question: &Question, name: &str, p: &Posted) -> Option<Value> {
    let first = p.get(name).and_then(|v| v.first()).map(|s| s.as_str());
    match question.kind {
        Kind::Multi => {
            // The form marks that the boxes were shown, so "none ticked" is an answer.
            let shown = p.contains_key(&format!("{name}.shown"));
            let ticked: Vec<Value> = p
                .get(name)
                .map(|v| v.iter().map(|s| Value::String(s.clone())).collect())
                .unwrap_or_default();
            (shown || !ticked.is_empty()).then_some(Value::Array(ticked))
        }
        Kind::Bool => match first {
            Some("true") => Some(Value::Bool(true)),
            Some("false") => Some(Value::Bool(false)),
            Some("") | None => None,
            Some(other) => Some(Value::String(other.to_string())),
        },
        Kind::Int => match first.map(str::trim) {
            None | Some("") => None,
            Some(s) => Some(
                s.parse::<i64>()
                    .map(Value::from)
                    .unwrap_or_else(|_| Value::String(s.to_string())),
            ),
        },
        Kind::Datetime => match first.map(str::trim) {
            None | Some("") => None,
            Some(s) => Some(Value::String(from_local_input(s))),
        },
        Kind::Text if question.optional => first.map(|s| Value::String(s.to_string())),
        _ => match first {
            None | Some("") => None,
            Some(s) => Some(Value::String(s.to_string())),
        },
    }
}

/// Merges a posted section into the answers (the section's old answers replaced).
pub fn merge(q: &Questionnaire, index: usize, answers: &Value, p: &Posted) -> Value {
    let s = &sections(q)[index];
    let mut out = answers.clone();
    if !out.is_object() {
        out = Value::Object(Map::new());
    }
    for key in &s.keys {
        remove(&mut out, key);
    }
    for key in &s.keys {
        let Some(question) = q.question(key) else {
            continue;
        };
        if !applies(question, &out, None) {
            continue;
        }
        if question.kind == Kind::Group {
            let count: usize = p
                .get(&format!("{key}.count"))
                .and_then(|v| v.first())
                .and_then(|s| s.parse().ok())
                .unwrap_or(0)
                .min(200);
            let mut items = Vec::new();
            for i in 0..count {
                let mut item = Value::Object(Map::new());
                for m in q.members(key) {
                    if !applies(m, &out, Some(&item)) {
                        continue;
                    }
                    if let Some(v) = raw_value(m, &format!("{key}[{i}].{}", m.leaf()), p) {
                        item.as_object_mut()
                            .expect("object")
                            .insert(m.leaf().into(), v);
                    }
                }
                items.push(item);
            }
            set(&mut out, key, Value::Array(items));
            continue;
        }
        if let Some(v) = raw_value(question, key, p) {
            set(&mut out, key, v);
        }
    }
    out
}

pub fn set(out: &mut Value, key: &str, v: Value) {
    let mut cur = out;
    let parts: Vec<&str> = key.split('.').collect();
    for part in &parts[..parts.len() - 1] {
        let obj = cur.as_object_mut().expect("tables are objects");
        cur = obj
            .entry(part.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if let Some(obj) = cur.as_object_mut() {
        obj.insert(parts[parts.len() - 1].to_string(), v);
    }
}

fn remove(answers: &mut Value, key: &str) {
    let parts: Vec<&str> = key.split('.').collect();
    let mut cur = answers;
    for part in &parts[..parts.len() - 1] {
        match cur.get_mut(*part) {
            Some(next) => cur = next,
            None => return,
        }
    }
    if let Some(obj) = cur.as_object_mut() {
        obj.remove(parts[parts.len() - 1]);
    }
}

/// Removes the answer an error names (`people[0].age`, `account.platform`).
fn remove_named(answers: &mut Value, name: &str) {
    if let Some((group, rest)) = name.split_once('[') {
        if let Some((i, leaf)) = rest.split_once("].") {
            if let (Some(items), Ok(i)) = (
                answers.get_mut(group).and_then(|v| v.as_array_mut()),
                i.parse::<usize>(),
            ) {
                if let Some(obj) = items.get_mut(i).and_then(|v| v.as_object_mut()) {
                    obj.remove(leaf);
                }
            }
            return;
        }
    }
    remove(answers, name);
}

/// Answers (JSON) as an answers-file text the engine reads; every text quoted (dates too),
/// so a value typed wrong reaches the engine's own checks instead of breaking the TOML.
pub fn to_answers_text(q: &Questionnaire, answers: &Value) -> String {
    let mut answers = answers.clone();
    if let Some(obj) = answers.as_object_mut() {
        // An empty repeated table has no TOML form (`[]` is an inline list); left out, the
        // engine reads it as none.
        obj.retain(|k, v| {
            !(q.question(k).is_some_and(|x| x.kind == Kind::Group)
                && v.as_array().is_some_and(|a| a.is_empty()))
        });
    }
    match json_to_toml(&answers) {
        Some(toml::Value::Table(t)) => toml::to_string(&t).unwrap_or_default(),
        _ => String::new(),
    }
}

fn json_to_toml(v: &Value) -> Option<toml::Value> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(b) => toml::Value::Boolean(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) => toml::Value::String(s.clone()),
        Value::Array(a) => toml::Value::Array(a.iter().filter_map(json_to_toml).collect()),
        Value::Object(o) => toml::Value::Table(
            o.iter()
                .filter_map(|(k, v)| json_to_toml(v).map(|v| (k.clone(), v)))
                .collect(),
        ),
    })
}

/// The questionnaire with every question outside `keep` optional and without defaults, so
/// answers given so far validate while later sections are still open.
fn relaxed(q: &Questionnaire, keep: &[String], shown: &[String]) -> Questionnaire {
    let mut r = q.clone();
    for question in &mut r.questions {
        let head = question
            .key
            .split('.')
            .next()
            .unwrap_or_default()
            .to_string();
        // A question is required here only if it was on the page: one that a just-given
        // answer made applicable is asked next (with its default), not reported missing.
        let on_page = if keep.contains(&question.key) {
            shown.contains(&question.key)
        } else if keep.contains(&head) {
            let leaf = format!("].{}", question.leaf());
            shown
                .iter()
                .any(|n| n.starts_with(&format!("{head}[")) && n.ends_with(&leaf))
        } else {
            false
        };
        if !on_page {
            question.optional = true;
        }
        question.default = None;
        question.default_by = None;
    }
    r
}

/// Checks a merged section with the engine's validation; returns the answers as the engine
/// reads them (answers that no longer apply dropped) or every error by field name.
pub fn check(
    q: &Questionnaire,
    index: usize,
    merged: &Value,
    shown: &[String],
) -> Result<Value, BTreeMap<String, String>> {
    let keep = sections(q)[index].keys.clone();
    let r = relaxed(q, &keep, shown);
    let mut candidate = merged.clone();
    let mut errors = BTreeMap::new();
    let label = Path::new("formulär");
    for _ in 0..256 {
        match r.validate(&to_answers_text(q, &candidate), label) {
            Ok(v) if errors.is_empty() => return Ok(v),
            Ok(_) => return Err(errors),
            Err(Error::Input {
                field: Some(f),
                message,
                ..
            }) => {
                if errors.contains_key(&f) {
                    return Err(errors);
                }
                errors.insert(f.clone(), message);
                remove_named(&mut candidate, &f);
            }
            Err(e) => {
                errors.insert(String::new(), e.to_string());
                return Err(errors);
            }
        }
    }
    Err(errors)
}

/// The full check before the result: the questionnaire exactly as an answers file is read.
pub fn check_all(q: &Questionnaire, answers: &Value) -> Result<(Value, String), (String, String)> {
    let text = to_answers_text(q, answers);
    match q.validate(&text, Path::new("formulär")) {
        Ok(v) => Ok((v.clone(), q.to_toml(&v))),
        Err(Error::Input {
            field: Some(f),
            message,
            ..
        }) => Err((f, message)),
        Err(e) => Err((String::new(), e.to_string())),
    }
}

/// The section that holds a field name (for links from the review's errors).
pub fn section_of(q: &Questionnaire, name: &str) -> usize {
    let key = name.split('[').next().unwrap_or(name);
    sections(q)
        .iter()
        .position(|s| s.keys.iter().any(|k| k == key))
        .unwrap_or(0)
}

#[derive(Debug, Clone, Serialize)]
pub struct ReviewLine {
    pub prompt: String,
    pub answer: String,
    pub section: usize,
    pub id: String,
}

/// Every answer in questionnaire order, in words, with the section to change it in.
pub fn review(q: &Questionnaire, answers: &Value) -> Vec<ReviewLine> {
    let word = |question: &Question, v: &Value| -> String {
        match v {
            Value::Bool(true) => t("Ja", "Yes"),
            Value::Bool(false) => t("Nej", "No"),
            Value::String(s) if s.is_empty() => "–".into(),
            Value::String(s) if question.kind == Kind::Choice => question.label(s),
            Value::String(s) if question.kind == Kind::Datetime => {
                to_local_input(s).replace('T', " ")
            }
            Value::String(s) => s.clone(),
            Value::Array(a) if a.is_empty() => "–".into(),
            Value::Array(a) => a
                .iter()
                .map(|x| x.as_str().map(|s| question.label(s)).unwrap_or_default())
                .collect::<Vec<_>>()
                .join(", "),
            other => other.to_string(),
        }
    };
    let mut out = Vec::new();
    for (si, s) in sections(q).iter().enumerate() {
        for key in &s.keys {
            let Some(question) = q.question(key) else {
                continue;
            };
            if question.kind == Kind::Group {
                let items = answers
                    .get(key)
                    .and_then(|v| v.as_array())
                    .cloned()
                    .unwrap_or_default();
                if items.is_empty() && applies(question, answers, None) {
                    out.push(ReviewLine {
                        prompt: question.prompt.get().into(),
                        answer: t("Inga", "None"),
                        section: si,
                        id: String::new(),
                    });
                }
                for (i, item) in items.iter().enumerate() {
                    for m in q.members(key) {
                        if let Some(v) = item.get(m.leaf()) {
                            out.push(ReviewLine {
                                prompt: format!("{} {}: {}", t("Nr", "No."), i + 1, m.prompt.get()),
                                answer: word(m, v),
                                section: si,
                                id: field_id(&format!("{key}[{i}].{}", m.leaf())),
                            });
                        }
                    }
                }
                continue;
            }
            if let Some(v) = lookup(answers, None, key) {
                out.push(ReviewLine {
                    prompt: question.prompt.get().into(),
                    answer: word(question, v),
                    section: si,
                    id: field_id(key),
                });
            }
        }
    }
    out
}

/// Saved answers (an answers file of a session not yet finished) back as JSON.
pub fn read_saved(text: &str) -> Value {
    match toml::from_str::<toml::Value>(text) {
        Ok(v) => crate::questionnaire::toml_to_json(&v),
        Err(_) => Value::Object(Map::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photo_sections_cover_every_top_level_question_once() {
        let q = Questionnaire::load("photo").unwrap();
        let all: Vec<String> = sections(&q).into_iter().flat_map(|s| s.keys).collect();
        let top: Vec<String> = q.top_level().map(|x| x.key.clone()).collect();
        assert_eq!(all, top);
        assert!(sections(&q).iter().all(|s| s.keys.len() <= PAGE));
    }

    #[test]
    fn a_wrong_number_gets_the_engines_message_and_names_the_field() {
        let q = Questionnaire::load("photo").unwrap();
        let group = sections(&q)
            .iter()
            .position(|s| s.group.as_deref() == Some("people"))
            .unwrap();
        let answers = serde_json::json!({"identifiable": true});
        let p = posted(&[
            ("people.count".into(), "1".into()),
            ("people[0].ref".into(), "elev-1".into()),
            ("people[0].role".into(), "pupil".into()),
            ("people[0].age".into(), "tio".into()),
        ]);
        let merged = merge(&q, group, &answers, &p);
        let shown: Vec<String> = p.keys().cloned().collect();
        let errors = check(&q, group, &merged, &shown).unwrap_err();
        let msg = errors.get("people[0].age").expect("age named");
        assert!(msg.contains("heltal"), "{msg}");
    }

    #[test]
    fn local_time_input_becomes_an_instant_with_offset() {
        assert_eq!(
            from_local_input("2026-11-20T09:30"),
            "2026-11-20T09:30:00+01:00"
        );
        assert_eq!(
            to_local_input("2026-07-01T08:00:00+02:00"),
            "2026-07-01T08:00"
        );
    }
}
