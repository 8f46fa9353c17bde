//! The action register `actions.csv`: every `must` and `should` of an assessment becomes an
//! action with an owner, a due date and a status. Append-only and hash-chained like the other
//! registers: opening, re-assigning, doing and resolving an action are each a new row (an
//! event), and an action's state is the fold of its rows.

use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::i18n::t;
use crate::ledger::Ledger;

pub const FILE: &str = "actions.csv";

pub const COLUMNS: &[&str] = &[
    "at", "action", "event", "account", "code", "level", "text", "owner", "due", "note", "by",
    "record",
];

/// What a row records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// An assessment found something to do.
    Opened,
    /// Someone else owns it now.
    Assigned,
    /// Done, with a note of what was done.
    Done,
    /// A later assessment no longer finds it.
    Resolved,
    /// The account was closed.
    Closed,
}

impl Event {
    pub fn code(self) -> &'static str {
        match self {
            Event::Opened => "opened",
            Event::Assigned => "assigned",
            Event::Done => "done",
            Event::Resolved => "resolved",
            Event::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Event> {
        [
            Event::Opened,
            Event::Assigned,
            Event::Done,
            Event::Resolved,
            Event::Closed,
        ]
        .into_iter()
        .find(|e| e.code() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    #[serde(skip)]
    pub line: usize,
    pub at: String,
    pub action: String,
    pub event: Event,
    pub account: String,
    pub code: String,
    /// `must` | `should`
    pub level: String,
    pub text: String,
    pub owner: String,
    /// YYYY-MM-DD
    pub due: String,
    pub note: String,
    pub by: String,
    /// The signed record the event rests on (the assessment).
    pub record: String,
}

pub fn ledger(path: &Path) -> Ledger {
    Ledger::new(path, COLUMNS, true)
}

fn fields(r: &Row) -> Vec<String> {
    vec![
        r.at.clone(),
        r.action.clone(),
        r.event.code().to_string(),
        r.account.clone(),
        r.code.clone(),
        r.level.clone(),
        r.text.clone(),
        r.owner.clone(),
        r.due.clone(),
        r.note.clone(),
        r.by.clone(),
        r.record.clone(),
    ]
}

/// Appends rows in one locked write.
pub fn append(path: &Path, rows: &[Row]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let rows: Vec<Vec<String>> = rows.iter().map(fields).collect();
    ledger(path).append(&rows)?;
    Ok(())
}

///
/// The chain is verified first (exit 1 naming the first line that fails).
pub fn read_all(path: &Path) -> Result<Vec<Row>> {
    let l = ledger(path);
    l.verify()?;
    let mut out = Vec::new();
    for r in l.read()? {
        let f = r.fields;
        let event = Event::parse(&f[2]).ok_or_else(|| {
            Error::input(t(
                &format!("okänd händelse '{}'", f[2]),
                &format!("unknown event '{}'", f[2]),
            ))
            .in_file(path)
            .at_line(r.line)
            .field("event")
        })?;
        let mut it = f.into_iter();
        let mut n = || it.next().unwrap_or_default();
        let at = n();
        let action = n();
        let _ = n();
        out.push(Row {
            line: r.line,
            at,
            action,
            event,
            account: n(),
            code: n(),
            level: n(),
            text: n(),
            owner: n(),
            due: n(),
            note: n(),
            by: n(),
            record: n(),
        });
    }
    Ok(out)
}
