//! Answers file (TOML) → validated answers (JSON), with file, line and key in every error.

use std::path::Path;

use serde_json::{Map, Value};
use toml_edit::{ImDocument, Item, Table};

use super::{Kind, Question, Questionnaire};
use crate::error::{Error, Result};
use crate::i18n::t;
use crate::workspace::line_of;

struct Ctx<'a> {
    q: &'a Questionnaire,
    text: &'a str,
    file: &'a Path,
}

impl Ctx<'_> {
    fn err(&self, span: Option<std::ops::Range<usize>>, key: &str, msg: String) -> Error {
        let mut e = Error::input(msg).in_file(self.file).field(key);
        if let Some(s) = span {
            e = e.at_line(line_of(self.text, s.start));
        }
        e
    }
}

pub fn validate(q: &Questionnaire, text: &str, file: &Path) -> Result<Value> {
    let doc = ImDocument::parse(text).map_err(|e| {
        let mut err = Error::input(e.message().trim().to_string()).in_file(file);
        if let Some(s) = e.span() {
            err = err.at_line(line_of(text, s.start));
        }
        err
    })?;
    let cx = Ctx { q, text, file };
    // Pass 1: every key in the file must be a known question with a value of its kind.
    let mut given = Map::new();
    read_table(&cx, doc.as_table(), "", &mut given)?;
    // Pass 2: in questionnaire order, apply conditions and defaults; report what is missing.
    let mut out = Value::Object(Map::new());
    for question in q.top_level() {
        if question.kind == Kind::Group {
            let items = given
                .get(&question.key)
                .and_then(|v| v.as_array())
                .cloned()
                .unwrap_or_default();
            if !question.when.as_ref().is_none_or(|c| c.holds(&out, None)) {
                continue;
            }
            let mut list = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let mut entry = Value::Object(Map::new());
                for m in q.members(&question.key) {
                    let provided = item.get(m.leaf()).cloned();
                    let path = format!("{}[{}].{}", question.key, i, m.leaf());
                    if let Some(v) = resolve(&cx, m, provided, &out, Some(&entry), &path)? {
                        entry
                            .as_object_mut()
                            .expect("object")
                            .insert(m.leaf().to_string(), v);
                    }
                }
                list.push(entry);
            }
            set(&mut out, &question.key, Value::Array(list));
            continue;
        }
        let provided = get_path(&given, &question.key);
        if let Some(v) = resolve(&cx, question, provided, &out, None, &question.key)? {
            set(&mut out, &question.key, v);
        }
    }
    Ok(out)
}

/// The value a question takes: given, defaulted, absent (optional or not asked) or an error.
fn resolve(
    cx: &Ctx,
    question: &Question,
    provided: Option<Value>,
    answers: &Value,
    item: Option<&Value>,
    path: &str,
) -> Result<Option<Value>> {
    if let Some(c) = &question.when {
        if !c.holds(answers, item) {
            return Ok(None);
        }
    }
    if provided.is_some() {
        return Ok(provided);
    }
    if let Some(d) = question.default_value(answers, item) {
        return Ok(Some(d));
    }
    if question.optional {
        return Ok(None);
    }
    Err(cx.err(
        None,
        path,
        t(
            &format!("svaret saknas ({})", question.prompt.sv),
            &format!("the answer is missing ({})", question.prompt.en),
        ),
    ))
}

fn read_table(cx: &Ctx, table: &Table, prefix: &str, out: &mut Map<String, Value>) -> Result<()> {
    for (key, item) in table.iter() {
        let full = if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        };
        let span = table
            .key(key)
            .and_then(|k| k.span())
            .or_else(|| item.span());
        if let Some(question) = cx.q.question(&full) {
            if question.kind == Kind::Group {
                let Some(arr) = item.as_array_of_tables() else {
                    return Err(cx.err(
                        span,
                        &full,
                        t(
                            &format!("väntade en lista av tabeller: [[{full}]]"),
                            &format!("expected an array of tables: [[{full}]]"),
                        ),
                    ));
                };
                let mut list = Vec::new();
                for (i, entry) in arr.iter().enumerate() {
                    let mut m = Map::new();
                    for (k, v) in entry.iter() {
                        let member = format!("{full}.{k}");
                        let vspan = entry.key(k).and_then(|kk| kk.span()).or_else(|| v.span());
                        let path = format!("{full}[{i}].{k}");
                        let Some(mq) = cx.q.question(&member) else {
                            return Err(unknown(cx, vspan, &path, &allowed_in(cx.q, &full)));
                        };
                        m.insert(k.to_string(), convert(cx, mq, v, &path, vspan)?);
                    }
                    list.push(Value::Object(m));
                }
                out.insert(full, Value::Array(list));
            } else {
                let v = convert(cx, question, item, &full, span)?;
                out.insert(full, v);
            }
            continue;
        }
        if let Some(sub) = item.as_table_like() {
            let prefix_dot = format!("{full}.");
            if cx
                .q
                .questions
                .iter()
                .any(|q| q.key.starts_with(&prefix_dot))
            {
                for (k, v) in sub.iter() {
                    let member = format!("{full}.{k}");
                    let vspan = sub.key(k).and_then(|kk| kk.span()).or_else(|| v.span());
                    let Some(mq) = cx.q.question(&member) else {
                        return Err(unknown(cx, vspan, &member, &allowed_in(cx.q, &full)));
                    };
                    out.insert(member.clone(), convert(cx, mq, v, &member, vspan)?);
                }
                continue;
            }
        }
        return Err(unknown(cx, span, &full, &allowed_in(cx.q, prefix)));
    }
    Ok(())
}

fn unknown(cx: &Ctx, span: Option<std::ops::Range<usize>>, key: &str, allowed: &[String]) -> Error {
    cx.err(
        span,
        key,
        t(
            &format!("okänd nyckel '{key}' (tillåtna: {})", allowed.join(", ")),
            &format!("unknown key '{key}' (allowed: {})", allowed.join(", ")),
        ),
    )
}

/// The keys allowed directly in a table (`""` = the top level).
fn allowed_in(q: &Questionnaire, table: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for question in &q.questions {
        let rest = if table.is_empty() {
            Some(question.key.as_str())
        } else {
            question.key.strip_prefix(&format!("{table}."))
        };
        if let Some(rest) = rest {
            let head = rest.split('.').next().unwrap_or(rest).to_string();
            if !out.contains(&head) {
                out.push(head);
            }
        }
    }
    out
}

fn convert(
    cx: &Ctx,
    q: &Question,
    item: &Item,
    path: &str,
    span: Option<std::ops::Range<usize>>,
) -> Result<Value> {
    let vspan = item.span().or(span);
    let err = |sv: String, en: String| cx.err(vspan.clone(), path, t(&sv, &en));
    let v = item.as_value();
    let kind_err = || {
        err(
            format!("fel typ: väntade {}", kind_sv(q.kind)),
            format!("wrong type: expected {}", kind_en(q.kind)),
        )
    };
    match q.kind {
        Kind::Text => match v.and_then(|v| v.as_str()) {
            Some(s) => {
                crate::ledger::check_field(s)
                    .map_err(|e| cx.err(vspan.clone(), path, e.to_string()))?;
                Ok(Value::String(s.to_string()))
            }
            None => Err(kind_err()),
        },
        Kind::Choice => match v.and_then(|v| v.as_str()) {
            Some(s) if q.choices.iter().any(|c| c == s) => Ok(Value::String(s.to_string())),
            Some(s) => Err(err(
                format!(
                    "värdet '{s}' är inte tillåtet (tillåtna: {})",
                    q.choices.join(" | ")
                ),
                format!(
                    "the value '{s}' is not allowed (allowed: {})",
                    q.choices.join(" | ")
                ),
            )),
            None => Err(err(
                format!("väntade en text, en av: {}", q.choices.join(" | ")),
                format!("expected a string, one of: {}", q.choices.join(" | ")),
            )),
        },
        Kind::Multi => {
            let Some(arr) = v.and_then(|v| v.as_array()) else {
                return Err(err(
                    format!("väntade en lista, t.ex. [\"{}\"]", q.choices[0]),
                    format!("expected a list, e.g. [\"{}\"]", q.choices[0]),
                ));
            };
            let mut out = Vec::new();
            for x in arr.iter() {
                match x.as_str() {
                    Some(s) if q.choices.iter().any(|c| c == s) => {
                        out.push(Value::String(s.into()))
                    }
                    other => {
                        let shown = other.map(str::to_string).unwrap_or_else(|| x.to_string());
                        return Err(err(
                            format!(
                                "värdet '{}' är inte tillåtet (tillåtna: {})",
                                shown.trim(),
                                q.choices.join(" | ")
                            ),
                            format!(
                                "the value '{}' is not allowed (allowed: {})",
                                shown.trim(),
                                q.choices.join(" | ")
                            ),
                        ));
                    }
                }
            }
            if out.is_empty() && !q.optional {
                return Err(err(
                    "listan får inte vara tom".into(),
                    "the list may not be empty".into(),
                ));
            }
            Ok(Value::Array(out))
        }
        Kind::Bool => match v.and_then(|v| v.as_bool()) {
            Some(b) => Ok(Value::Bool(b)),
            None => Err(err(
                "väntade true eller false".into(),
                "expected true or false".into(),
            )),
        },
        Kind::Int => match v.and_then(|v| v.as_integer()) {
            Some(i) => {
                if q.min.is_some_and(|m| i < m) || q.max.is_some_and(|m| i > m) {
                    return Err(err(
                        format!(
                            "{i} ligger utanför det tillåtna intervallet {}–{}",
                            q.min.map(|m| m.to_string()).unwrap_or_default(),
                            q.max.map(|m| m.to_string()).unwrap_or_default()
                        ),
                        format!(
                            "{i} is outside the allowed range {}–{}",
                            q.min.map(|m| m.to_string()).unwrap_or_default(),
                            q.max.map(|m| m.to_string()).unwrap_or_default()
                        ),
                    ));
                }
                Ok(Value::from(i))
            }
            None => Err(kind_err()),
        },
        Kind::Date => {
            let s = match v {
                Some(toml_edit::Value::Datetime(d)) => d.value().to_string(),
                Some(toml_edit::Value::String(s)) => s.value().clone(),
                _ => return Err(kind_err()),
            };
            match chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d") {
                Ok(d) => Ok(Value::String(d.format("%Y-%m-%d").to_string())),
                Err(_) => Err(err(
                    format!("'{s}' är inget datum i formen ÅÅÅÅ-MM-DD"),
                    format!("'{s}' is not a date of the form YYYY-MM-DD"),
                )),
            }
        }
        Kind::Datetime => {
            let s = match v {
                Some(toml_edit::Value::Datetime(d)) => d.value().to_string(),
                Some(toml_edit::Value::String(s)) => s.value().clone(),
                _ => return Err(kind_err()),
            };
            parse_datetime(&s).map(Value::String).map_err(|e| match e {
                crate::clock::InstantError::Ambiguous(a, b) => err(
                    format!("'{s}' inträffar två gånger vid övergången till normaltid: skriv tidszonen, {a} eller {b}"),
                    format!("'{s}' occurs twice at the change to standard time: write the offset, {a} or {b}"),
                ),
                crate::clock::InstantError::Missing => err(
                    format!("'{s}' finns inte i svensk tid (timmen hoppas över vid övergången till sommartid)"),
                    format!("'{s}' does not exist in Swedish time (the hour is skipped at the change to summer time)"),
                ),
                crate::clock::InstantError::Format => err(
                    format!(
                        "'{s}' är ingen tidpunkt; skriv svensk tid 2026-11-20 09:30 eller med tidszon 2026-11-20T09:30:00+01:00"
                    ),
                    format!(
                        "'{s}' is not a date-time; write Swedish time 2026-11-20 09:30 or with an offset 2026-11-20T09:30:00+01:00"
                    ),
                ),
            })
        }
        Kind::Group => Err(kind_err()),
    }
}

/// Parses an RFC 3339 date-time with an offset, or local Swedish time `YYYY-MM-DD HH:MM`
/// (read in Europe/Stockholm); returns it normalised to RFC 3339.
pub fn parse_datetime(s: &str) -> std::result::Result<String, crate::clock::InstantError> {
    let d = crate::clock::parse_instant(s)?;
    Ok(d.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false))
}

fn kind_sv(k: Kind) -> &'static str {
    match k {
        Kind::Text => "en text",
        Kind::Choice => "ett av de tillåtna värdena",
        Kind::Multi => "en lista",
        Kind::Bool => "true eller false",
        Kind::Int => "ett heltal",
        Kind::Date => "ett datum (ÅÅÅÅ-MM-DD)",
        Kind::Datetime => "en tidpunkt med tidszon",
        Kind::Group => "en lista av tabeller",
    }
}

fn kind_en(k: Kind) -> &'static str {
    match k {
        Kind::Text => "a string",
        Kind::Choice => "one of the allowed values",
        Kind::Multi => "a list",
        Kind::Bool => "true or false",
        Kind::Int => "a whole number",
        Kind::Date => "a date (YYYY-MM-DD)",
        Kind::Datetime => "a date-time with an offset",
        Kind::Group => "an array of tables",
    }
}

fn get_path(given: &Map<String, Value>, key: &str) -> Option<Value> {
    given.get(key).cloned()
}

/// Sets a dotted key in a JSON object, creating tables on the way.
pub fn set(out: &mut Value, key: &str, v: Value) {
    let mut cur = out;
    let parts: Vec<&str> = key.split('.').collect();
    for p in &parts[..parts.len() - 1] {
        let obj = cur.as_object_mut().expect("tables are objects");
        cur = obj
            .entry(p.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    cur.as_object_mut()
        .expect("tables are objects")
        .insert(parts[parts.len() - 1].to_string(), v);
}
