//! The questionnaire engine: questions as data, answers validated against them, asked on a
//! terminal or read from a file. It knows nothing of GDPR — the law lives in `assessment`.
//!
//! A questionnaire is a TOML file in `questionnaires/` (compiled into the binary):
//!
//! ```toml
//! id = "account"
//! version = "2026.12"
//! title = { sv = "Kontobedömning", en = "Account assessment" }
//!
//! [[questions]]
//! key = "account.platform"          # the answers-file key; `table.key` for tables
//! kind = "choice"                   # text | choice | multi | bool | int | date | datetime | group
//! choices = ["facebook_page", "x"]  # choice and multi
//! labels = { x = { sv = "X (Twitter)", en = "X (Twitter)" } }   # optional labels per choice
//! default = "facebook_page"         # optional: a TOML value
//! default_by = { key = "account.platform", map = { x = false }, otherwise = true }
//! when = { key = "account.operated_by", is = "contractor" }     # asked only when …; also `in = [..]`
//! optional = true                   # may stay unanswered
//! min = 0                           # int bounds
//! max = 130
//! prompt = { sv = "…", en = "…" }
//! help = { sv = "…", en = "…" }     # the legal point, shown as a help line
//! sources = ["GDPR art. 26"]
//! choices_from = "accounts"         # a pick list the caller supplies (see `ChoiceSource`)
//! open_choices = true               # with choices_from: another value may be typed
//! ```
//!
//! A `group` question (`key = "tools"`) is a repeated table (`[[tools]]` in the answers
//! file); its members are the questions whose key starts with `tools.`. Validated answers
//! are a JSON object: tables as nested objects, groups as arrays of objects, dates as
//! `YYYY-MM-DD` strings and date-times as RFC 3339 strings with their offset.

mod ask;
pub mod prompt;
pub mod resume;
mod validate;
mod write;

use indexmap::IndexMap;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::i18n::{current, Lang};

pub use ask::{ask, ask_with, Choice, ChoiceSource, NoChoices, StatusFn};
pub use prompt::{Prompter, Scripted, Terminal};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub sv: String,
    pub en: String,
}

impl Text {
    pub fn get(&self) -> &str {
        match current() {
            Lang::Sv => &self.sv,
            Lang::En => &self.en,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Text,
    Choice,
    Multi,
    Bool,
    Int,
    Date,
    Datetime,
    Group,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Choice => "choice",
            Kind::Multi => "multi",
            Kind::Bool => "bool",
            Kind::Int => "int",
            Kind::Date => "date",
            Kind::Datetime => "datetime",
            Kind::Group => "group",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub key: String,
    #[serde(default)]
    pub is: Option<toml::Value>,
    #[serde(default, rename = "in")]
    pub any_of: Option<Vec<toml::Value>>,
    /// Further conditions that must all hold too.
    #[serde(default)]
    pub and: Vec<Condition>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefaultBy {
    pub key: String,
    pub map: IndexMap<String, toml::Value>,
    pub otherwise: toml::Value,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub key: String,
    pub kind: Kind,
    #[serde(default)]
    pub choices: Vec<String>,
    #[serde(default)]
    pub labels: IndexMap<String, Text>,
    #[serde(default)]
    pub default: Option<toml::Value>,
    #[serde(default)]
    pub default_by: Option<DefaultBy>,
    #[serde(default)]
    pub when: Option<Condition>,
    #[serde(default)]
    pub optional: bool,
    #[serde(default)]
    pub min: Option<i64>,
    #[serde(default)]
    pub max: Option<i64>,
    pub prompt: Text,
    #[serde(default)]
    pub help: Option<Text>,
    #[serde(default)]
    pub sources: Vec<String>,
    /// Dynamic choices: the name of a list the caller supplies when asking (a
    /// [`ChoiceSource`]), e.g. `"accounts"`. The engine does not know what the names mean;
    /// on a terminal the question becomes a pick list of those values.
    #[serde(default)]
    pub choices_from: Option<String>,
    /// With `choices_from`: whether a value outside the list may be typed (a person not yet
    /// in a register); without it only the listed values are accepted.
    #[serde(default)]
    pub open_choices: bool,
}

impl Question {
    /// The group this question belongs to (`tools` for `tools.name`), if any.
    pub fn group<'a>(&self, q: &'a Questionnaire) -> Option<&'a Question> {
        let (head, _) = self.key.split_once('.')?;
        q.questions
            .iter()
            .find(|g| g.kind == Kind::Group && g.key == head)
    }

    /// The last part of the key (`name` for `tools.name`).
    pub fn leaf(&self) -> &str {
        self.key.rsplit('.').next().unwrap_or(&self.key)
    }

    pub fn label(&self, choice: &str) -> String {
        self.labels
            .get(choice)
            .map(|t| t.get().to_string())
            .unwrap_or_else(|| choice.to_string())
    }

    /// The help line: explanation plus sources.
    pub fn help_line(&self) -> Option<String> {
        let mut s = self
            .help
            .as_ref()
            .map(|h| h.get().to_string())
            .unwrap_or_default();
        if !self.sources.is_empty() {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&format!("[{}]", self.sources.join("; ")));
        }
        (!s.is_empty()).then_some(s)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Questionnaire {
    pub id: String,
    pub version: String,
    pub title: Text,
    pub questions: Vec<Question>,
}

/// The questionnaires compiled into the binary, by id.
const BUILT_IN: &[(&str, &str)] = &[
    ("account", include_str!("../../questionnaires/account.toml")),
    (
        "application",
        include_str!("../../questionnaires/application.toml"),
    ),
    ("closing", include_str!("../../questionnaires/closing.toml")),
    ("breach", include_str!("../../questionnaires/breach.toml")),
    ("photo", include_str!("../../questionnaires/photo.toml")),
];

impl Questionnaire {
    /// No questions: what a decision whose answers are a command's options is asked.
    pub fn none() -> Questionnaire {
        let empty = || Text {
            sv: String::new(),
            en: String::new(),
        };
        Questionnaire {
            id: String::new(),
            version: String::new(),
            title: empty(),
            questions: Vec::new(),
        }
    }

    /// Loads a built-in questionnaire by id.
    ///
    /// Each built-in questionnaire is parsed once per process and cloned after that: a batch
    /// loads one for every record it writes (6.5 % of `assess --all`'s CPU in the perf
    /// profile of issue 13 when parsed each time).
    pub fn load(id: &str) -> Result<Questionnaire> {
        Self::shared(id).cloned()
    }

    /// The built-in questionnaire `id`, parsed once per process and shared: a batch reads
    /// it for every record, and cloning it each time was ≈1 % of `assess --all`'s CPU.
    /// (There are a handful of built-ins, so each is kept for the life of the process.)
    pub fn shared(id: &str) -> Result<&'static Questionnaire> {
        type Cache = std::sync::Mutex<std::collections::HashMap<String, &'static Questionnaire>>;
        static PARSED: std::sync::OnceLock<Cache> = std::sync::OnceLock::new();
        let cache = PARSED.get_or_init(Default::default);
        if let Some(q) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(id) {
            return Ok(*q);
        }
        let q = Self::load_uncached(id)?;
        let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
        // Two threads may both parse it once; the first one kept is the one shared.
        Ok(*cache
            .entry(id.to_string())
            .or_insert_with(|| Box::leak(Box::new(q))))
    }

    fn load_uncached(id: &str) -> Result<Questionnaire> {
        let text = BUILT_IN
            .iter()
            .find(|(name, _)| *name == id)
            .map(|(_, t)| *t)
            .ok_or_else(|| Error::Usage(format!("no questionnaire '{id}'")))?;
        Self::parse(text, &format!("questionnaires/{id}.toml"))
    }

    /// Parses and checks a questionnaire definition.
    pub fn parse(text: &str, name: &str) -> Result<Questionnaire> {
        let path = std::path::Path::new(name);
        let q: Questionnaire =
            toml::from_str(text).map_err(|e| crate::workspace::toml_error(path, text, &e))?;
        for question in &q.questions {
            let bad = |m: &str| {
                Error::input(m.to_string())
                    .in_file(path)
                    .field(&question.key)
            };
            if matches!(question.kind, Kind::Choice | Kind::Multi) && question.choices.is_empty() {
                return Err(bad("a choice question needs choices"));
            }
            if question.key.contains('.') && question.group(&q).is_none() {
                let table = question.key.split('.').next().unwrap_or_default();
                if q.questions
                    .iter()
                    .any(|g| g.key == table && g.kind != Kind::Group)
                {
                    return Err(bad("the key's table is also a question"));
                }
            }
            for k in question.when.iter().flat_map(|c| c.keys()) {
                if q.question(k).is_none() {
                    return Err(bad(&format!("the condition names an unknown key '{k}'")));
                }
            }
        }
        Ok(q)
    }

    pub fn question(&self, key: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.key == key)
    }

    /// Members of a group question, in order.
    pub fn members<'a>(&'a self, group: &'a str) -> impl Iterator<Item = &'a Question> + 'a {
        let prefix = format!("{group}.");
        self.questions
            .iter()
            .filter(move |q| q.key.starts_with(&prefix))
    }

    /// Top-level questions (not group members), in order.
    pub fn top_level(&self) -> impl Iterator<Item = &Question> {
        self.questions
            .iter()
            .filter(move |q| q.group(self).is_none())
    }

    /// Validates an answers file (TOML) and returns the answers with defaults filled in.
    pub fn validate(&self, text: &str, file: &std::path::Path) -> Result<serde_json::Value> {
        validate::validate(self, text, file)
    }

    /// Writes answers as an answers file (TOML), in questionnaire order.
    pub fn to_toml(&self, answers: &serde_json::Value) -> String {
        write::to_toml(self, answers)
    }
}

impl Condition {
    fn keys(&self) -> Vec<&str> {
        let mut v = vec![self.key.as_str()];
        for c in &self.and {
            v.extend(c.keys());
        }
        v
    }

    /// Whether the condition holds for `answers` (`item`: the current group entry).
    pub fn holds(&self, answers: &serde_json::Value, item: Option<&serde_json::Value>) -> bool {
        let value = lookup(answers, item, &self.key);
        let ok = match (&self.is, &self.any_of) {
            (Some(want), _) => value.is_some_and(|v| same(v, want)),
            (None, Some(list)) => value.is_some_and(|v| list.iter().any(|w| same(v, w))),
            (None, None) => value.is_some_and(|v| v.as_str() != Some("")),
        };
        ok && self.and.iter().all(|c| c.holds(answers, item))
    }
}

/// Finds `key` (dotted) in the answers; a key in the current group looks in `item`.
pub fn lookup<'a>(
    answers: &'a serde_json::Value,
    item: Option<&'a serde_json::Value>,
    key: &str,
) -> Option<&'a serde_json::Value> {
    let mut parts = key.split('.');
    let first = parts.next()?;
    let mut cur = answers.get(first);
    // A key of the current group entry: look in the entry (the group is not set yet
    // while its entries are being read).
    if item.is_some() && cur.is_none_or(|v| v.is_array()) {
        cur = item;
    }
    for p in parts {
        cur = cur?.get(p);
    }
    cur
}

fn same(v: &serde_json::Value, t: &toml::Value) -> bool {
    match (v, t) {
        (serde_json::Value::String(a), toml::Value::String(b)) => a == b,
        (serde_json::Value::Bool(a), toml::Value::Boolean(b)) => a == b,
        (serde_json::Value::Number(a), toml::Value::Integer(b)) => a.as_i64() == Some(*b),
        _ => false,
    }
}

/// Converts a TOML default into the JSON form answers take.
pub fn toml_to_json(v: &toml::Value) -> serde_json::Value {
    match v {
        toml::Value::String(s) => serde_json::Value::String(s.clone()),
        toml::Value::Integer(i) => serde_json::Value::from(*i),
        toml::Value::Float(f) => serde_json::Value::from(*f),
        toml::Value::Boolean(b) => serde_json::Value::Bool(*b),
        toml::Value::Datetime(d) => serde_json::Value::String(d.to_string()),
        toml::Value::Array(a) => serde_json::Value::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => serde_json::Value::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

impl Question {
    /// The default for this question given the answers so far.
    pub fn default_value(
        &self,
        answers: &serde_json::Value,
        item: Option<&serde_json::Value>,
    ) -> Option<serde_json::Value> {
        if let Some(by) = &self.default_by {
            let v = lookup(answers, item, &by.key);
            let key = v.map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            });
            let chosen = key.and_then(|k| by.map.get(&k)).unwrap_or(&by.otherwise);
            return Some(toml_to_json(chosen));
        }
        self.default.as_ref().map(toml_to_json)
    }
}

#[cfg(test)]
mod tests;

/// The ids of the built-in questionnaires.
pub fn ids() -> impl Iterator<Item = &'static str> {
    BUILT_IN.iter().map(|(id, _)| *id)
}

impl Questionnaire {
    /// Every answered question as (prompt, answer) in the user's language, in order, with
    /// group entries numbered — for the "answers" section of a record.
    pub fn summary(&self, answers: &serde_json::Value) -> Vec<(String, String)> {
        let shown = |q: &Question, v: &serde_json::Value| -> String {
            match v {
                serde_json::Value::Bool(b) => {
                    if *b {
                        crate::i18n::t("ja", "yes")
                    } else {
                        crate::i18n::t("nej", "no")
                    }
                }
                serde_json::Value::String(s) if s.is_empty() => "–".to_string(),
                serde_json::Value::String(s) if matches!(q.kind, Kind::Choice) => q.label(s),
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Array(a) => a
                    .iter()
                    .map(|x| {
                        x.as_str()
                            .map(|s| q.label(s))
                            .unwrap_or_else(|| x.to_string())
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                other => other.to_string(),
            }
        };
        let mut out = Vec::new();
        for q in self.top_level() {
            if q.kind == Kind::Group {
                let items = answers
                    .get(&q.key)
                    .and_then(|v| v.as_array())
                    .cloned()
                    .unwrap_or_default();
                for (i, item) in items.iter().enumerate() {
                    let title = self
                        .members(&q.key)
                        .next()
                        .and_then(|m| item.get(m.leaf()))
                        .and_then(|v| v.as_str())
                        .map(|s| format!("{} ({})", s, i + 1))
                        .unwrap_or_else(|| format!("#{}", i + 1));
                    for m in self.members(&q.key).skip(1) {
                        if let Some(v) = item.get(m.leaf()) {
                            out.push((format!("{title}: {}", m.prompt.get()), shown(m, v)));
                        }
                    }
                }
                continue;
            }
            if let Some(v) = lookup(answers, None, &q.key) {
                out.push((q.prompt.get().to_string(), shown(q, v)));
            }
        }
        out
    }
}
