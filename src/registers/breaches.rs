//! The breach log `breaches.csv` (GDPR art. 33(5)): every evaluation, breach or not, and
//! every follow-up (IMY notified, people informed) as a new row — never an edit.
//!
//! It is a hash-chained [`Ledger`]: locking, fsync, torn-line repair and the chain live
//! there once, shared with the consent register. Rows hold no personal data: ids are
//! `b-YYYY-NNNN`, accounts are slugs, and the rest are codes, counts and times.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, FixedOffset};

use crate::assessment::breach::{rfc3339, stockholm, Evaluation};
use crate::error::{Error, IoContext, Result};
use crate::i18n::t;
use crate::ledger::Ledger;

/// The columns of `breaches.csv` (before `prev_hash,hash`).
pub const COLUMNS: &[&str] = &[
    "id",
    "entry",
    "recorded_at",
    "account",
    "what",
    "breach",
    "level",
    "score",
    "subjects",
    "categories",
    "notify_imy",
    "notify_subjects",
    "aware_at",
    "imy_deadline",
    "assessed_at",
    "dpo_decision_required",
    "outcomes",
    "notified_imy_at",
    "subjects_informed_at",
    "record",
];

pub const EVALUATION: &str = "evaluation";
pub const FOLLOW_UP: &str = "follow_up";

/// One row of the log.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    pub line: usize,
    pub id: String,
    pub entry: String,
    pub recorded_at: String,
    pub account: String,
    pub what: String,
    pub breach: String,
    pub level: String,
    pub score: String,
    pub subjects: String,
    pub categories: String,
    pub notify_imy: String,
    pub notify_subjects: String,
    pub aware_at: String,
    pub imy_deadline: String,
    pub assessed_at: String,
    pub dpo_decision_required: String,
    pub outcomes: String,
    pub notified_imy_at: String,
    pub subjects_informed_at: String,
    pub record: String,
}

impl Entry {
    fn to_row(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.entry.clone(),
            self.recorded_at.clone(),
            self.account.clone(),
            self.what.clone(),
            self.breach.clone(),
            self.level.clone(),
            self.score.clone(),
            self.subjects.clone(),
            self.categories.clone(),
            self.notify_imy.clone(),
            self.notify_subjects.clone(),
            self.aware_at.clone(),
            self.imy_deadline.clone(),
            self.assessed_at.clone(),
            self.dpo_decision_required.clone(),
            self.outcomes.clone(),
            self.notified_imy_at.clone(),
            self.subjects_informed_at.clone(),
            self.record.clone(),
        ]
    }

    fn from_row(line: usize, mut f: Vec<String>) -> Entry {
        f.resize(COLUMNS.len(), String::new());
        let mut it = f.into_iter();
        let mut n = || it.next().unwrap_or_default();
        Entry {
            line,
            id: n(),
            entry: n(),
            recorded_at: n(),
            account: n(),
            what: n(),
            breach: n(),
            level: n(),
            score: n(),
            subjects: n(),
            categories: n(),
            notify_imy: n(),
            notify_subjects: n(),
            aware_at: n(),
            imy_deadline: n(),
            assessed_at: n(),
            dpo_decision_required: n(),
            outcomes: n(),
            notified_imy_at: n(),
            subjects_informed_at: n(),
            record: n(),
        }
    }

    /// The log row for an evaluation.
    pub fn evaluation(
        id: &str,
        e: &Evaluation,
        what: &str,
        subjects: u64,
        categories: &[&str],
        recorded_at: DateTime<FixedOffset>,
        record: &str,
    ) -> Entry {
        let sev = e.severity.as_ref();
        Entry {
            line: 0,
            id: id.into(),
            entry: EVALUATION.into(),
            recorded_at: rfc3339(recorded_at),
            account: e.account.clone(),
            what: what.into(),
            breach: e.breach.key().into(),
            level: sev.map(|s| s.level.key().to_string()).unwrap_or_default(),
            score: sev.map(|s| s.score.to_string()).unwrap_or_default(),
            subjects: subjects.to_string(),
            categories: categories.join(";"),
            notify_imy: e.notify_imy.to_string(),
            notify_subjects: e.notify_subjects.to_string(),
            aware_at: e.aware_at.clone(),
            imy_deadline: e.imy_deadline.clone().unwrap_or_default(),
            assessed_at: e.assessed_at.clone(),
            dpo_decision_required: e.dpo_decision_required.to_string(),
            outcomes: e.outcomes.join(" "),
            notified_imy_at: String::new(),
            subjects_informed_at: String::new(),
            record: record.into(),
        }
    }
}

/// An evaluation with its follow-ups folded in, as `breach list` shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Summary {
    pub id: String,
    pub account: String,
    pub breach: String,
    pub level: Option<String>,
    pub notify_imy: bool,
    pub notify_subjects: bool,
    pub aware_at: String,
    pub imy_deadline: Option<String>,
    pub notified_imy_at: Option<String>,
    pub subjects_informed_at: Option<String>,
    pub dpo_decision_required: bool,
    pub outcomes: Vec<String>,
    /// Notification due and not yet done (IMY, or the people concerned).
    pub open: bool,
    /// Whole hours from now to the IMY deadline while IMY is still to be notified
    /// (negative: overdue); null otherwise.
    pub hours_left: Option<i64>,
    pub overdue: bool,
    /// IMY was notified after the deadline (reasons for the delay required).
    pub notified_late: bool,
    pub record: String,
}

pub struct BreachLog {
    pub ledger: Ledger,
}

impl BreachLog {
    pub fn new(path: impl Into<PathBuf>) -> BreachLog {
        BreachLog {
            ledger: Ledger::new(path, COLUMNS, true),
        }
    }

    pub fn at(ws: &crate::workspace::Workspace) -> BreachLog {
        BreachLog::new(ws.breaches_csv())
    }

    pub fn append(&self, entries: &[Entry]) -> Result<()> {
        let rows: Vec<Vec<String>> = entries.iter().map(Entry::to_row).collect();
        self.ledger.append(&rows)?;
        Ok(())
    }

    pub fn entries(&self) -> Result<Vec<Entry>> {
        let mut out = Vec::new();
        self.ledger.for_each(|r| {
            out.push(Entry::from_row(r.line, r.fields));
            Ok(())
        })?;
        Ok(out)
    }

    /// Takes the log's id lock: held while an id is chosen and its row written, so two
    /// processes never give out the same id. Released when the returned file is dropped.
    pub fn lock(&self) -> Result<File> {
        let path = lock_path(&self.ledger.path);
        crate::ledger::files::check_local(&path)?;
        let f = crate::ledger::files::open_append(&path)
            .map_err(|e| crate::ledger::files::open_error(&path, e))?;
        f.lock().at(&path)?;
        Ok(f)
    }

    /// The next id of the year: `b-2026-0001`, `b-2026-0002`, …
    pub fn next_id(entries: &[Entry], year: i32) -> String {
        let prefix = format!("b-{year}-");
        let max = entries
            .iter()
            .filter_map(|e| e.id.strip_prefix(&prefix))
            .filter_map(|n| n.parse::<u32>().ok())
            .max()
            .unwrap_or(0);
        format!("{prefix}{:04}", max + 1)
    }

    pub fn year_of(t: DateTime<FixedOffset>) -> i32 {
        stockholm(t.with_timezone(&chrono::Utc)).year()
    }
}

/// `.breaches.csv.lock` beside the log (hidden: it holds nothing).
pub fn lock_path(log: &Path) -> PathBuf {
    let name = log
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "breaches.csv".into());
    log.with_file_name(format!(".{name}.lock"))
}

/// Folds follow-ups into their evaluations, in the log's order.
pub fn summarise(entries: &[Entry], now: DateTime<FixedOffset>) -> Vec<Summary> {
    let mut out: Vec<Summary> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for e in entries {
        if e.entry == EVALUATION {
            index.insert(e.id.as_str(), out.len());
            out.push(Summary {
                id: e.id.clone(),
                account: e.account.clone(),
                breach: e.breach.clone(),
                level: non_empty(&e.level),
                notify_imy: e.notify_imy == "true",
                notify_subjects: e.notify_subjects == "true",
                aware_at: e.aware_at.clone(),
                imy_deadline: non_empty(&e.imy_deadline),
                notified_imy_at: None,
                subjects_informed_at: None,
                dpo_decision_required: e.dpo_decision_required == "true",
                outcomes: e.outcomes.split_whitespace().map(str::to_string).collect(),
                open: false,
                hours_left: None,
                overdue: false,
                notified_late: false,
                record: e.record.clone(),
            });
        } else if let Some(&i) = index.get(e.id.as_str()) {
            let s = &mut out[i];
            if let Some(v) = non_empty(&e.notified_imy_at) {
                s.notified_imy_at = Some(v);
            }
            if let Some(v) = non_empty(&e.subjects_informed_at) {
                s.subjects_informed_at = Some(v);
            }
        }
    }
    for s in &mut out {
        let deadline = s
            .imy_deadline
            .as_deref()
            .and_then(|d| DateTime::parse_from_rfc3339(d).ok());
        let imy_open = s.notify_imy && s.notified_imy_at.is_none();
        let subjects_open = s.notify_subjects && s.subjects_informed_at.is_none();
        s.open = imy_open || subjects_open;
        if let (true, Some(d)) = (imy_open, deadline) {
            s.hours_left = Some((d - now).num_minutes().div_euclid(60));
            s.overdue = now > d;
        }
        if let (Some(n), Some(d)) = (
            s.notified_imy_at
                .as_deref()
                .and_then(|n| DateTime::parse_from_rfc3339(n).ok()),
            deadline,
        ) {
            s.notified_late = n > d;
        }
    }
    out
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// The error for an id that is not in the log.
pub fn unknown_id(id: &str, path: &Path) -> Error {
    Error::input(t(
        &format!(
            "det finns ingen bedömning med id '{id}' i incidentloggen (se `dataskydd breach list`)"
        ),
        &format!(
            "there is no evaluation with id '{id}' in the breach log (see `dataskydd breach list`)"
        ),
    ))
    .in_file(path)
    .field("ID")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str) -> Entry {
        Entry {
            id: id.into(),
            entry: EVALUATION.into(),
            recorded_at: "2026-11-20T10:00:00+01:00".into(),
            account: "nykoping-fb".into(),
            what: "own_post_error".into(),
            breach: "yes".into(),
            level: "medium".into(),
            score: "2.5".into(),
            subjects: "1".into(),
            categories: "identity_number".into(),
            notify_imy: "true".into(),
            notify_subjects: "false".into(),
            aware_at: "2026-11-20T09:30:00+01:00".into(),
            imy_deadline: "2026-11-23T09:30:00+01:00".into(),
            assessed_at: "2026-11-20T10:00:00+01:00".into(),
            dpo_decision_required: "false".into(),
            outcomes: "BREACH-NOTIFY-IMY".into(),
            record: format!("output/{id}.pdf"),
            ..Entry::default()
        }
    }

    fn dt(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn append_read_and_chain() {
        let d = tempfile::tempdir().unwrap();
        let log = BreachLog::new(d.path().join("breaches.csv"));
        log.append(&[entry("b-2026-0001")]).unwrap();
        log.append(&[entry("b-2026-0002")]).unwrap();
        let e = log.entries().unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(e[1].id, "b-2026-0002");
        assert_eq!(e[1].line, 3);
        assert_eq!(log.ledger.verify().unwrap().rows, 2);
        assert_eq!(BreachLog::next_id(&e, 2026), "b-2026-0003");
        assert_eq!(BreachLog::next_id(&e, 2027), "b-2027-0001");
        let header = std::fs::read_to_string(&log.ledger.path).unwrap();
        assert!(header.starts_with("id,entry,recorded_at,account,"));
        // A changed byte is found at its line.
        let s = std::fs::read_to_string(&log.ledger.path).unwrap();
        std::fs::write(
            &log.ledger.path,
            s.replacen("b-2026-0002", "b-2026-0009", 1),
        )
        .unwrap();
        let err = log.ledger.verify().unwrap_err().to_string();
        assert!(err.contains("3"), "{err}");
    }

    #[test]
    fn follow_ups_fold_into_their_evaluation() {
        let mut es = vec![entry("b-2026-0001"), entry("b-2026-0002")];
        es[1].notify_subjects = "true".into();
        let now = dt("2026-11-21T09:30:00+01:00");
        let s = summarise(&es, now);
        assert!(s[0].open && s[1].open);
        assert_eq!(s[0].hours_left, Some(48));
        assert!(!s[0].overdue);
        es.push(Entry {
            id: "b-2026-0001".into(),
            entry: FOLLOW_UP.into(),
            notified_imy_at: "2026-11-24T10:00:00+01:00".into(),
            ..Entry::default()
        });
        es.push(Entry {
            id: "b-2026-0002".into(),
            entry: FOLLOW_UP.into(),
            notified_imy_at: "2026-11-21T10:00:00+01:00".into(),
            ..Entry::default()
        });
        let s = summarise(&es, now);
        assert!(!s[0].open);
        assert!(s[0].notified_late);
        assert_eq!(s[0].hours_left, None);
        // IMY notified, the people concerned not yet: still open.
        assert!(s[1].open && !s[1].notified_late);
        let s = summarise(&es[..2], dt("2026-11-24T09:30:00+01:00"));
        assert!(s[0].overdue);
        assert_eq!(s[0].hours_left, Some(-24));
    }

    #[test]
    fn concurrent_processes_keep_the_chain_and_unique_ids() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("breaches.csv");
        std::thread::scope(|s| {
            for _ in 0..6 {
                let path = path.clone();
                s.spawn(move || {
                    let log = BreachLog::new(path);
                    for _ in 0..20 {
                        let _g = log.lock().unwrap();
                        let id = BreachLog::next_id(&log.entries().unwrap(), 2026);
                        log.append(&[entry(&id)]).unwrap();
                    }
                });
            }
        });
        let log = BreachLog::new(path);
        assert_eq!(log.ledger.verify().unwrap().rows, 120);
        let mut ids: Vec<String> = log.entries().unwrap().into_iter().map(|e| e.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 120);
    }
}
