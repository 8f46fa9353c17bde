//! Follow-up: each account's review date (a year after its last assessment by default), the
//! due list with the responsible person, and the calendar file that is the reminder (the tool
//! sends nothing anywhere).

use chrono::{Months, NaiveDate};
use serde::Serialize;

use crate::error::Result;
use crate::i18n::t;
use crate::lifecycle::actions::{self, ActionState};
use crate::lifecycle::history::Histories;
use crate::lifecycle::{ical, Settings, Status};
use crate::registers::{accounts, assessments};
use crate::workspace::Workspace;

/// Everything the follow-up, the actions and the report read, read once.
pub struct Snapshot {
    pub accounts: Vec<accounts::Account>,
    pub histories: Histories,
    pub assessments: Vec<assessments::Entry>,
    pub actions: Vec<ActionState>,
    pub settings: Settings,
    pub today: NaiveDate,
}

impl Snapshot {
    pub fn read(ws: &Workspace) -> Result<Snapshot> {
        let mut s = Snapshot::without_assessments(ws)?;
        s.assessments = assessments::read_all(&ws.path("assessments.csv"))?;
        Ok(s)
    }

    /// The snapshot without the assessment log (empty `assessments`): what the hooks after
    /// an assessment need. Reading the whole log there made one `assess` grow with every
    /// assessment ever logged (92 ms median at 1,200 logged rows, 32 % of it in this read).
    pub fn without_assessments(ws: &Workspace) -> Result<Snapshot> {
        let today = crate::clock::today();
        let rows = crate::registers::actions::read_all(&ws.path(crate::registers::actions::FILE))?;
        Ok(Snapshot {
            accounts: accounts::read_all(&ws.accounts_csv())?,
            histories: Histories::read(ws)?,
            assessments: Vec::new(),
            actions: actions::fold(&rows, today),
            settings: ws.config.account_life.clone(),
            today,
        })
    }

    pub fn status(&self, id: &str) -> Status {
        self.histories.status(id)
    }

    /// The date of the account's last assessment.
    pub fn last_assessed(&self, id: &str) -> Option<NaiveDate> {
        self.assessments
            .iter()
            .rev()
            .find(|e| e.account == id)
            .and_then(|e| chrono::DateTime::parse_from_rfc3339(&e.assessed_at).ok())
            .map(|d| d.date_naive())
    }

    /// The account's review date: `review_months` after its last assessment; an account never
    /// assessed is due from its approval (or, without an application, from its registration).
    pub fn review_date(&self, a: &accounts::Account) -> NaiveDate {
        match self.last_assessed(&a.id) {
            Some(d) => d
                .checked_add_months(Months::new(self.settings.review_months))
                .unwrap_or(d),
            None => self
                .histories
                .when(&a.id, Status::Approved)
                .or(Some(a.added_at.as_str()))
                .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
                .map(|d| d.date_naive())
                .unwrap_or(self.today),
        }
    }

    /// Who is reminded: the account's responsible, else its owner unit.
    pub fn responsible(&self, a: &accounts::Account) -> String {
        if a.responsible.trim().is_empty() {
            a.owner.clone()
        } else {
            a.responsible.clone()
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DueReview {
    pub account: String,
    pub owner: String,
    pub responsible: String,
    pub status: Status,
    pub review_on: String,
    pub last_assessed: Option<String>,
    pub overdue: bool,
    /// Days until the review (negative: days overdue).
    pub days: i64,
    pub uid: String,
    pub sequence: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct DueList {
    pub today: String,
    pub within_days: u32,
    pub reviews: Vec<DueReview>,
    /// Open must-actions past their due date.
    pub overdue_actions: Vec<ActionState>,
}

/// What is due within `within` days (and everything overdue), for followed-up accounts only:
/// applied, rejected and closed accounts are left out.
pub fn due(s: &Snapshot, within: u32, org: &str) -> DueList {
    let horizon = s.today + chrono::Duration::days(within as i64);
    let mut reviews = Vec::new();
    for a in &s.accounts {
        let status = s.status(&a.id);
        if !status.followed_up() {
            continue;
        }
        let on = s.review_date(a);
        if on > horizon {
            continue;
        }
        reviews.push(DueReview {
            account: a.id.clone(),
            owner: a.owner.clone(),
            responsible: s.responsible(a),
            status,
            review_on: on.format("%Y-%m-%d").to_string(),
            last_assessed: s
                .last_assessed(&a.id)
                .map(|d| d.format("%Y-%m-%d").to_string()),
            overdue: on < s.today,
            days: (on - s.today).num_days(),
            uid: uid(org, &a.id),
            sequence: s.assessments.iter().filter(|e| e.account == a.id).count() as u32,
        });
    }
    reviews.sort_by(|a, b| {
        a.review_on
            .cmp(&b.review_on)
            .then(a.account.cmp(&b.account))
    });
    let followed: Vec<&str> = s
        .accounts
        .iter()
        .filter(|a| s.status(&a.id).followed_up())
        .map(|a| a.id.as_str())
        .collect();
    let overdue_actions = s
        .actions
        .iter()
        .filter(|x| x.overdue && x.level == "must" && followed.contains(&x.account.as_str()))
        .cloned()
        .collect();
    DueList {
        today: s.today.format("%Y-%m-%d").to_string(),
        within_days: within,
        reviews,
        overdue_actions,
    }
}

/// The stable UID of an account's review reminder: the account id and a hash of the
/// organisation (two municipalities' calendars never collide), never personal data.
pub fn uid(org: &str, account: &str) -> String {
    let h = crate::ledger::sha256_hex(org.as_bytes());
    format!("review-{account}-{}@dataskydd", &h[..12])
}

/// The calendar file: one all-day event per due review.
pub fn calendar(list: &DueList, org: &str, now: chrono::DateTime<chrono::FixedOffset>) -> String {
    let events: Vec<ical::Event> = list
        .reviews
        .iter()
        .map(|r| ical::Event {
            uid: r.uid.clone(),
            sequence: r.sequence,
            date: NaiveDate::parse_from_str(&r.review_on, "%Y-%m-%d").expect("our own date"),
            summary: t(
                &format!("Uppföljning av konto {}", r.account),
                &format!("Review of account {}", r.account),
            ),
            description: t(
                &format!(
                    "Konto: {}\nNämnd: {}\nAnsvarig: {}\nSenast bedömt: {}\nKör: dataskydd assess {}",
                    r.account,
                    r.owner,
                    r.responsible,
                    r.last_assessed.as_deref().unwrap_or("aldrig"),
                    r.account
                ),
                &format!(
                    "Account: {}\nCommittee: {}\nResponsible: {}\nLast assessed: {}\nRun: dataskydd assess {}",
                    r.account,
                    r.owner,
                    r.responsible,
                    r.last_assessed.as_deref().unwrap_or("never"),
                    r.account
                ),
            ),
        })
        .collect();
    ical::calendar(
        &t(
            &format!("{org}: uppföljning av konton"),
            &format!("{org}: account reviews"),
        ),
        &events,
        now,
    )
}
