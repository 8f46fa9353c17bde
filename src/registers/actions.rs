//! The action register `actions.csv`: every `must` and `should` of an assessment becomes an
//! action with an owner, a due date and a status. Append-only and hash-chained like the other
//! registers: opening, re-assigning, doing and resolving an action are each a new row (an
//! event), and an action's state is the fold of its rows.

use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::i18n::t;
use crate::ledger::Ledger;
use crate::registers::index;

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

/// The action register's ledger. Unnumbered: an action's row needs no line number, and
/// counting the lines of the whole register on every append grew with the city (2.3 % of a
/// first 1,000-account batch's CPU with a 2.3 MB register, perf, 3 December 2026).
pub fn ledger(path: &Path) -> Ledger {
    Ledger::new(path, COLUMNS, true).unnumbered()
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

/// Every row, in register order.
///
/// The chain is verified first (exit 1 naming the first line that fails).
pub fn read_all(path: &Path) -> Result<Vec<Row>> {
    let l = ledger(path);
    l.verify()?;
    let mut out = Vec::new();
    for r in l.read()? {
        out.push(row_of(r.line, r.fields, path)?);
    }
    Ok(out)
}

fn row_of(line: usize, f: Vec<String>, path: &Path) -> Result<Row> {
    let event = Event::parse(&f[2]).ok_or_else(|| {
        Error::input(t(
            &format!("okänd händelse '{}'", f[2]),
            &format!("unknown event '{}'", f[2]),
        ))
        .in_file(path)
        .at_line(line)
        .field("event")
    })?;
    let mut it = f.into_iter();
    let mut n = || it.next().unwrap_or_default();
    let at = n();
    let action = n();
    let _ = n();
    Ok(Row {
        line,
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
    })
}

const C_ACTION: usize = 1;
const C_EVENT: usize = 2;
const C_ACCOUNT: usize = 3;

/// The sequence number of an action id (`a-0042` → 42).
pub fn sequence(id: &str) -> Option<usize> {
    id.strip_prefix("a-").and_then(|n| n.parse().ok())
}

/// Brings `actions.csv.index` up to date, rebuilding it if a lookup would. A batch appends
/// more rows than a lookup reads past the index, so without this the first `assess` after
/// `assess --all` paid the rebuild: 150 M more instructions than the next one in a
/// 1,000-account workspace (callgrind, 7 December 2026).
pub fn refresh_index(path: &Path) -> Result<()> {
    // No account has the empty id: the look-up finds no rows and only checks the index.
    of_account(path, "").map(|_| ())
}

/// One account's rows, in register order, and the highest action sequence number given
/// out in the whole register: what an assessment of one account needs to plan its actions
/// ([`crate::lifecycle::actions::Board::of_account`]), without reading every account's rows.
///
/// Through the sidecar `actions.csv.index` (by account, and by event: ids are given out in
/// order, so the last `opened` row holds the highest), rebuilt by one verified pass when it
/// is missing, stale or does not match the chain's head ([`crate::registers::index`]); a
/// register that fails its chain is refused, as [`read_all`] refuses it.
pub fn of_account(path: &Path, account: &str) -> Result<(Vec<Row>, usize)> {
    if !path.exists() {
        return Ok((Vec::new(), 0));
    }
    let l = ledger(path);
    let all = [index::key(b'a', account.as_bytes())];
    let last = [index::key(b'e', Event::Opened.code().as_bytes())];
    let mut rows = Vec::new();
    let mut max = 0;
    let q = index::Query {
        all: &all,
        last: &last,
        held: false,
        tail_limit: index::balanced_tail,
    };
    let cols = [(b'a', C_ACCOUNT), (b'e', C_EVENT)];
    if index::lookup_or_build(&l, &cols, &q, |line, f| {
        if f.get(C_EVENT) == Event::Opened.code().as_bytes() {
            max = max.max(sequence(f.str(C_ACTION)).unwrap_or(0));
        }
        if f.get(C_ACCOUNT) == account.as_bytes() {
            rows.push(row_of(line, f.strings(COLUMNS.len()), path)?);
        }
        Ok(())
    })? {
        return Ok((rows, max));
    }
    let all = read_all(path)?;
    let max = all
        .iter()
        .filter(|r| r.event == Event::Opened)
        .filter_map(|r| sequence(&r.action))
        .max()
        .unwrap_or(0);
    Ok((
        all.into_iter().filter(|r| r.account == account).collect(),
        max,
    ))
}
