//! Answers (JSON) → an answers file (TOML) in questionnaire order, so saved answers read
//! like the contract's examples and can be edited by hand.

use serde_json::Value;

use super::{Kind, Questionnaire};

pub fn to_toml(q: &Questionnaire, answers: &Value) -> String {
    let mut top = String::new();
    let mut tables: Vec<(String, String)> = Vec::new();
    let mut groups = String::new();
    let header = format!("# {} — {} {}\n", q.title.get(), q.id, q.version);
    for question in q.top_level() {
        if question.kind == Kind::Group {
            let Some(items) = answers.get(&question.key).and_then(|v| v.as_array()) else {
                continue;
            };
            for item in items {
                groups.push_str(&format!("\n[[{}]]\n", question.key));
                for m in q.members(&question.key) {
                    if let Some(v) = item.get(m.leaf()) {
                        groups.push_str(&format!("{} = {}\n", m.leaf(), value(v, m.kind)));
                    }
                }
            }
            continue;
        }
        let Some(v) = super::lookup(answers, None, &question.key) else {
            continue;
        };
        match question.key.split_once('.') {
            None => top.push_str(&format!("{} = {}\n", question.key, value(v, question.kind))),
            Some((table, leaf)) => {
                let line = format!("{leaf} = {}\n", value(v, question.kind));
                match tables.iter_mut().find(|(t, _)| t == table) {
                    Some((_, body)) => body.push_str(&line),
                    None => tables.push((table.to_string(), line)),
                }
            }
        }
    }
    let mut out = header;
    out.push_str(&top);
    for (table, body) in tables {
        out.push_str(&format!("\n[{table}]\n{body}"));
    }
    out.push_str(&groups);
    out
}

fn value(v: &Value, kind: Kind) -> String {
    match (v, kind) {
        // Dates and date-times are written as TOML dates, as in the contract's examples.
        (Value::String(s), Kind::Date | Kind::Datetime) => s.clone(),
        (Value::String(s), _) => toml::Value::String(s.clone()).to_string(),
        (Value::Array(a), _) => {
            let parts: Vec<String> = a.iter().map(|x| value(x, Kind::Text)).collect();
            format!("[{}]", parts.join(", "))
        }
        (other, _) => other.to_string(),
    }
}
