//! The account's life: application, decision, statuses with their history, follow-up
//! (review dates, the due list, calendar reminders), actions, closing and the annual report.
//!
//! Seeds 001–004: Stockholm's education administration asks for "a support system to register
//! accounts, apply for new ones, record purpose, goals and responsible people, and send
//! follow-up reminders"; Hägersten-Liljeholmen wants measurable goals and two or three
//! administrators; Sollentuna lets the principal and the education office decide together;
//! Nyköping has a new-channel checklist and a closing routine.
//!
//! Each step is a pure function from typed answers (or register rows) to a typed result; the
//! registers (`account_history.csv`, `actions.csv`) own their files; the records go through
//! [`crate::record`] like every other record.

pub mod actions;
pub mod application;
pub mod closing;
pub mod decision;
pub mod follow_up;
pub mod history;
pub mod hooks;
pub mod ical;
pub mod listing;
pub mod report;
pub mod steps;

use serde::{Deserialize, Serialize};

/// Where an account is in its life. Every change is a row in `account_history.csv`.
///
/// `applied → approved → active → closed`, or `applied → rejected`. An account registered
/// with `account add` or `account import` (the inventory of accounts that already exist) has
/// no history row and counts as `active`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Applied,
    Approved,
    Active,
    Closed,
    Rejected,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Applied,
        Status::Approved,
        Status::Active,
        Status::Closed,
        Status::Rejected,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Applied => "applied",
            Status::Approved => "approved",
            Status::Active => "active",
            Status::Closed => "closed",
            Status::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.code() == s)
    }

    /// The status in words, in the user's language.
    pub fn label(self) -> String {
        let (sv, en) = match self {
            Status::Applied => ("ansökt", "applied"),
            Status::Approved => ("beviljat", "approved"),
            Status::Active => ("i bruk", "active"),
            Status::Closed => ("avvecklat", "closed"),
            Status::Rejected => ("avslaget", "rejected"),
        };
        crate::i18n::t(sv, en)
    }

    /// Whether the account is followed up (review dates, actions, `assess --all`).
    pub fn followed_up(self) -> bool {
        matches!(self, Status::Approved | Status::Active)
    }

    /// The changes the life allows. A closed or rejected account stays so: a new account
    /// is a new application (with a new id), so the old history stays whole.
    pub fn may_become(self, next: Status) -> bool {
        matches!(
            (self, next),
            (Status::Applied, Status::Approved)
                | (Status::Applied, Status::Rejected)
                | (Status::Approved, Status::Active)
                | (Status::Approved, Status::Closed)
                | (Status::Active, Status::Closed)
        )
    }
}

/// The organisation's settings for the account's life (`[account_life]` in `dataskydd.toml`).
///
/// Every field has a default, so a workspace made before these existed keeps working.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Months from the last assessment (or the decision) to the next review. Default 12.
    pub review_months: u32,
    /// Days to fix a `must` action of an assessment. Default 30.
    pub must_days: u32,
    /// Days to fix a `should` action. Default 90.
    pub should_days: u32,
    /// Signatures an account decision needs: 1, or 2 where the organisation's rule says so
    /// (Sollentuna: the principal and the education office decide together).
    pub decision_signatures: u32,
    /// The default horizon of `account due`, in days. Default 30.
    pub due_within_days: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            review_months: 12,
            must_days: 30,
            should_days: 90,
            decision_signatures: 1,
            due_within_days: 30,
        }
    }
}

/// A committee name made into a file-name slug (`Barn- och utbildningsnämnden` →
/// `barn-och-utbildningsnamnden`): committee names are not personal data.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        let c = match c {
            'å' | 'ä' | 'à' | 'á' => 'a',
            'ö' | 'ø' | 'ó' => 'o',
            'é' | 'è' => 'e',
            'ü' => 'u',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "namnlos".into()
    } else {
        out.chars().take(60).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitions_follow_the_life() {
        use Status::*;
        assert!(Applied.may_become(Approved));
        assert!(Applied.may_become(Rejected));
        assert!(Approved.may_become(Active));
        assert!(Active.may_become(Closed));
        assert!(!Rejected.may_become(Approved));
        assert!(!Closed.may_become(Active));
        assert!(!Applied.may_become(Closed));
        for s in Status::ALL {
            assert_eq!(Status::parse(s.code()), Some(s));
        }
    }

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(
            slug("Barn- och utbildningsnämnden"),
            "barn-och-utbildningsnamnden"
        );
        assert_eq!(slug("Kommunstyrelsen"), "kommunstyrelsen");
        assert_eq!(slug("§§"), "namnlos");
    }
}
