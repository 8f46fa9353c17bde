//! Actions: every `must` and `should` of an assessment becomes an action of the account with
//! an owner (the account's responsible by default), a due date (must 30 days, should 90,
//! configurable) and a status. An action's state is the fold of its rows in `actions.csv`;
//! the functions here are pure (rows in, rows to append out).

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::finding::{Action, Level};
use crate::i18n::t;
use crate::lifecycle::Settings;
use crate::registers::actions::{Event, Row};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Open,
    Done,
    /// A later assessment no longer finds it.
    Resolved,
    /// The account was closed while it was open.
    Closed,
}

impl State {
    pub fn code(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Done => "done",
            State::Resolved => "resolved",
            State::Closed => "closed",
        }
    }

    pub fn label(self) -> String {
        match self {
            State::Open => t("öppen", "open"),
            State::Done => t("klar", "done"),
            State::Resolved => t("löst (finns inte längre)", "resolved (no longer found)"),
            State::Closed => t("stängd (kontot avvecklat)", "closed (account closed)"),
        }
    }
}

/// One action as it stands now.
#[derive(Debug, Clone, Serialize)]
pub struct ActionState {
    pub id: String,
    pub account: String,
    pub code: String,
    pub level: String,
    pub text: String,
    pub owner: String,
    pub due: String,
    pub status: State,
    pub opened_at: String,
    /// When it left `open` (done, resolved or closed).
    pub ended_at: Option<String>,
    pub note: String,
    pub record: String,
    /// Open and past its due date on `today` (set by [`overdue_on`]).
    pub overdue: bool,
}

impl ActionState {
    pub fn is_open(&self) -> bool {
        self.status == State::Open
    }

    pub fn overdue_on(&self, today: NaiveDate) -> bool {
        self.is_open() && NaiveDate::parse_from_str(&self.due, "%Y-%m-%d").is_ok_and(|d| d < today)
    }
}

/// Folds the register's rows into each action's current state, in id order.
pub fn fold(rows: &[Row], today: NaiveDate) -> Vec<ActionState> {
    Board::of(rows).states(today)
}

/// The actions' current states, kept up to date row by row. A batch keeps one board and
/// applies each new row to it, instead of folding the whole register again for every
/// account: `perf` of a 300-account `assess --all` put 13 % of its CPU in that re-fold.
#[derive(Debug, Default, Clone)]
pub struct Board {
    states: BTreeMap<String, ActionState>,
    /// The highest sequence number among the opened actions' ids (`a-0042` → 42).
    max_id: usize,
}

impl Board {
    pub fn of(rows: &[Row]) -> Board {
        let mut b = Board::default();
        for r in rows {
            b.apply(r);
        }
        b
    }

    /// The board of one account: its rows (in register order) and the highest action
    /// sequence number of the whole register ([`crate::registers::actions::of_account`]).
    /// Plans for that account only; the next id is still the register's next.
    pub fn of_account(rows: &[Row], max_id: usize) -> Board {
        let mut b = Board::of(rows);
        b.max_id = b.max_id.max(max_id);
        b
    }

    /// One more row of the register, in register order.
    pub fn apply(&mut self, r: &Row) {
        match r.event {
            Event::Opened => {
                if let Some(n) = crate::registers::actions::sequence(&r.action) {
                    self.max_id = self.max_id.max(n);
                }
                self.states.insert(
                    r.action.clone(),
                    ActionState {
                        id: r.action.clone(),
                        account: r.account.clone(),
                        code: r.code.clone(),
                        level: r.level.clone(),
                        text: r.text.clone(),
                        owner: r.owner.clone(),
                        due: r.due.clone(),
                        status: State::Open,
                        opened_at: r.at.clone(),
                        ended_at: None,
                        note: String::new(),
                        record: r.record.clone(),
                        overdue: false,
                    },
                );
            }
            ev => {
                if let Some(a) = self.states.get_mut(&r.action) {
                    match ev {
                        Event::Assigned => a.owner = r.owner.clone(),
                        Event::Done | Event::Resolved | Event::Closed => {
                            a.status = match ev {
                                Event::Done => State::Done,
                                Event::Resolved => State::Resolved,
                                _ => State::Closed,
                            };
                            a.ended_at = Some(r.at.clone());
                            a.note = r.note.clone();
                        }
                        Event::Opened => {}
                    }
                }
            }
        }
    }

    /// Every action as it stands on `today`, in id order.
    pub fn states(&self, today: NaiveDate) -> Vec<ActionState> {
        let mut v: Vec<ActionState> = self.states.values().cloned().collect();
        for a in &mut v {
            a.overdue = a.overdue_on(today);
        }
        v
    }

    /// [`plan_sync`] on this board, without copying its states.
    #[allow(clippy::too_many_arguments)]
    pub fn plan_sync(
        &self,
        account: &str,
        found: &[Action],
        owner: &str,
        at: &str,
        assessed_on: NaiveDate,
        record: &str,
        settings: &Settings,
    ) -> Sync {
        let open = self
            .states
            .values()
            .filter(|s| s.account == account && s.is_open())
            .collect();
        plan(
            open,
            self.max_id,
            account,
            found,
            owner,
            at,
            assessed_on,
            record,
            settings,
        )
    }
}

/// The next free action id (`a-0001`, `a-0002`, …): sequence numbers, never personal data.
fn next_id(max: usize, taken: usize) -> String {
    format!("a-{:04}", max + 1 + taken)
}

/// What a re-assessment changes: actions opened for new findings, actions resolved because
/// their finding no longer fires.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Sync {
    pub opened: Vec<Row>,
    pub resolved: Vec<Row>,
}

impl Sync {
    pub fn rows(&self) -> Vec<Row> {
        self.opened.iter().chain(&self.resolved).cloned().collect()
    }
}

/// Plans the rows an assessment of `account` adds: one `opened` per must/should code without
/// an open action, one `resolved` per open action whose code the assessment no longer gives.
#[allow(clippy::too_many_arguments)]
pub fn plan_sync(
    states: &[ActionState],
    account: &str,
    found: &[Action],
    owner: &str,
    at: &str,
    assessed_on: NaiveDate,
    record: &str,
    settings: &Settings,
) -> Sync {
    let open = states
        .iter()
        .filter(|s| s.account == account && s.is_open())
        .collect();
    let max = states
        .iter()
        .filter_map(|s| s.id.strip_prefix("a-").and_then(|n| n.parse().ok()))
        .max()
        .unwrap_or(0);
    plan(
        open,
        max,
        account,
        found,
        owner,
        at,
        assessed_on,
        record,
        settings,
    )
}

#[allow(clippy::too_many_arguments)]
fn plan(
    open: Vec<&ActionState>,
    max_id: usize,
    account: &str,
    found: &[Action],
    owner: &str,
    at: &str,
    assessed_on: NaiveDate,
    record: &str,
    settings: &Settings,
) -> Sync {
    let mut out = Sync::default();
    for a in found {
        if open.iter().any(|s| s.code == a.code)
            || out.opened.iter().any(|r: &Row| r.code == a.code)
        {
            continue;
        }
        let (level, days) = match a.level {
            Level::Must => ("must", settings.must_days),
            Level::Should => ("should", settings.should_days),
        };
        out.opened.push(Row {
            line: 0,
            at: at.to_string(),
            action: next_id(max_id, out.opened.len()),
            event: Event::Opened,
            account: account.to_string(),
            code: a.code.clone(),
            level: level.to_string(),
            text: a.text.clone(),
            owner: owner.to_string(),
            due: (assessed_on + Duration::days(days as i64))
                .format("%Y-%m-%d")
                .to_string(),
            note: String::new(),
            by: "dataskydd assess".into(),
            record: record.to_string(),
        });
    }
    for s in open {
        if !found.iter().any(|a| a.code == s.code) {
            out.resolved.push(Row {
                line: 0,
                at: at.to_string(),
                action: s.id.clone(),
                event: Event::Resolved,
                account: account.to_string(),
                code: s.code.clone(),
                level: s.level.clone(),
                text: s.text.clone(),
                owner: s.owner.clone(),
                due: s.due.clone(),
                note: t(
                    "den nya bedömningen finner inte längre detta",
                    "the new assessment no longer finds this",
                ),
                by: "dataskydd assess".into(),
                record: record.to_string(),
            });
        }
    }
    out
}

/// Finds an open action by id, or says why not (exit 2, field `ID`).
pub fn open_action<'a>(states: &'a [ActionState], id: &str) -> Result<&'a ActionState> {
    let s = states.iter().find(|s| s.id == id).ok_or_else(|| {
        Error::input(t(
            &format!("åtgärden '{id}' finns inte; se `dataskydd action list`"),
            &format!("the action '{id}' does not exist; see `dataskydd action list`"),
        ))
        .field("ID")
    })?;
    if !s.is_open() {
        return Err(Error::input(t(
            &format!("åtgärden '{id}' är redan {}", s.status.label()),
            &format!("the action '{id}' is already {}", s.status.label()),
        ))
        .field("ID"));
    }
    Ok(s)
}

/// A row for an event on an existing action.
pub fn event_row(
    s: &ActionState,
    event: Event,
    at: &str,
    by: &str,
    note: &str,
    owner: &str,
) -> Row {
    Row {
        line: 0,
        at: at.to_string(),
        action: s.id.clone(),
        event,
        account: s.account.clone(),
        code: s.code.clone(),
        level: s.level.clone(),
        text: s.text.clone(),
        owner: owner.to_string(),
        due: s.due.clone(),
        note: note.to_string(),
        by: by.to_string(),
        record: s.record.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// The batch's board, fed row by row, plans exactly what a fold of the whole register
    /// plans: same ids, same resolutions.
    #[test]
    fn a_board_fed_row_by_row_plans_as_a_full_fold() {
        let s = Settings::default();
        let mut rows: Vec<Row> = Vec::new();
        let mut board = Board::default();
        for (i, codes) in [
            vec!["DPA-MISSING", "TRANSFER-DPF"],
            vec!["DPA-MISSING"],
            vec!["DPA-MISSING", "ROLE-MISCLASSIFIED"],
        ]
        .into_iter()
        .enumerate()
        {
            for account in ["k1", "k2"] {
                let found: Vec<Action> = codes.iter().map(|c| Action::must(c, "x")).collect();
                let at = format!("2026-11-2{i}T10:00:00+01:00");
                let day = d(&format!("2026-11-2{i}"));
                let folded = plan_sync(
                    &fold(&rows, day),
                    account,
                    &found,
                    "Anna",
                    &at,
                    day,
                    "r.pdf",
                    &s,
                );
                let fed = board.plan_sync(account, &found, "Anna", &at, day, "r.pdf", &s);
                assert_eq!(
                    serde_json::to_value(&folded).unwrap(),
                    serde_json::to_value(&fed).unwrap()
                );
                for r in fed.rows() {
                    board.apply(&r);
                    rows.push(r);
                }
            }
        }
        assert_eq!(board.max_id, 6);
        assert_eq!(
            serde_json::to_value(board.states(d("2027-01-01"))).unwrap(),
            serde_json::to_value(fold(&rows, d("2027-01-01"))).unwrap()
        );
    }

    #[test]
    fn reassessment_opens_new_and_resolves_gone() {
        let s = Settings::default();
        let first = plan_sync(
            &[],
            "k",
            &[
                Action::must("DPA-MISSING", "x"),
                Action::should("TRANSFER-DPF", "y"),
            ],
            "Anna",
            "2026-11-20T10:00:00+01:00",
            d("2026-11-20"),
            "r.pdf",
            &s,
        );
        assert_eq!(first.opened.len(), 2);
        assert_eq!(first.opened[0].due, "2026-12-20");
        assert_eq!(first.opened[1].due, "2027-02-18");
        assert_eq!(first.opened[1].action, "a-0002");
        let states = fold(&first.rows(), d("2026-12-21"));
        assert!(states[0].overdue && !states[1].overdue);
        let second = plan_sync(
            &states,
            "k",
            &[Action::should("TRANSFER-DPF", "y")],
            "Anna",
            "2027-01-10T10:00:00+01:00",
            d("2027-01-10"),
            "r2.pdf",
            &s,
        );
        assert!(second.opened.is_empty());
        assert_eq!(second.resolved.len(), 1);
        assert_eq!(second.resolved[0].action, "a-0001");
        let mut rows = first.rows();
        rows.extend(second.rows());
        let states = fold(&rows, d("2027-01-10"));
        assert_eq!(states[0].status, State::Resolved);
        assert!(states[1].is_open());
    }
}
